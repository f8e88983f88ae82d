//! Pages anyone can open: the home page, a host's page, the booking page,
//! the page Stripe's checkout returns to and the invitee's manage page.
mod booking_page;
mod checkout_return;
mod home;
mod host_page;
mod manage;

pub use booking_page::BookingPage;
pub use checkout_return::CheckoutReturnPage;
pub use home::{HomePage, NotFound};
pub use host_page::HostPage;
pub use manage::ManagePage;
