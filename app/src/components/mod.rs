//! Reusable pieces of pages.
pub mod calendar;
pub mod copy_field;
pub mod field;
pub mod status;
pub mod time_zone_select;
pub mod typed;

pub use copy_field::CopyField;
pub use field::{CheckboxField, CheckboxesField, ChoiceField, FormAlert, SelectField, TextArea, TextField};
pub use status::{ErrorNotice, Loading, set_not_found_status};
