//! What a person typed into a server-rendered form before its island
//! hydrated. Hydration sets each input's value from the island's state, so
//! an island seeds that state from here rather than wipe what was typed.
use std::collections::BTreeMap;

/// The form's current fields by name. A group of checkboxes, named
/// `{stem}:{index}]`, is one entry under `{stem}]`, one ticked value per line.
pub fn typed_into(form_id: &str) -> BTreeMap<String, String> {
    #[cfg(feature = "hydrate")]
    {
        browser::form_fields(form_id)
    }
    #[cfg(not(feature = "hydrate"))]
    {
        let _ = form_id;
        BTreeMap::new()
    }
}

/// `form[answers][q1:2]` → `form[answers][q1]`.
#[cfg(any(feature = "hydrate", test))]
fn group_name(name: &str) -> String {
    match name.strip_suffix(']').and_then(|stem| stem.rsplit_once(':')) {
        Some((stem, index)) if index.bytes().all(|b| b.is_ascii_digit()) => format!("{stem}]"),
        _ => name.to_owned(),
    }
}

#[cfg(feature = "hydrate")]
mod browser {
    //! Reads the form through the browser's `FormData`.
    use super::group_name;
    use leptos::wasm_bindgen::JsCast;
    use std::collections::BTreeMap;

    pub fn form_fields(form_id: &str) -> BTreeMap<String, String> {
        let mut fields = BTreeMap::<String, String>::new();
        let Some(form) = leptos::prelude::document()
            .get_element_by_id(form_id)
            .and_then(|el| el.dyn_into::<web_sys::HtmlFormElement>().ok())
        else {
            return fields;
        };
        let Ok(data) = web_sys::FormData::new_with_form(&form) else {
            return fields;
        };
        let Ok(Some(entries)) = js_sys::try_iter(&data) else {
            return fields;
        };
        for entry in entries.flatten() {
            let pair = js_sys::Array::from(&entry);
            let (Some(name), Some(value)) = (pair.get(0).as_string(), pair.get(1).as_string()) else {
                continue;
            };
            let slot = fields.entry(group_name(&name)).or_default();
            if !slot.is_empty() {
                slot.push('\n');
            }
            slot.push_str(&value);
        }
        fields
    }
}

#[cfg(test)]
mod tests {
    use super::group_name;

    #[test]
    fn checkbox_groups_fold_into_their_stem() {
        assert_eq!(group_name("form[answers][q1:2]"), "form[answers][q1]");
        assert_eq!(group_name("form[answers][q1]"), "form[answers][q1]");
        assert_eq!(group_name("form[name]"), "form[name]");
        assert_eq!(group_name("form[answers][a:b]"), "form[answers][a:b]");
    }
}
