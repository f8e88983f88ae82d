//! The page shell of the consent page and the sandbox page, with this sandbox's extra style.

/// CSS for the consent form, after the shared rules.
const STYLE: &str = "fieldset { border: 1px solid #cbd2d9; padding: 1rem; }\n";

/// A complete page: `title` is escaped, `body` must already be safe HTML.
pub(crate) fn page(title: &str, body: &str) -> String {
    sandbox_support::html::page(title, STYLE, body)
}
