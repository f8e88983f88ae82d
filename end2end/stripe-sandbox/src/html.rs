//! The page shell of the hosted checkout page and the sandbox page, with this sandbox's extra style.

/// CSS for the checkout page's buttons and total, after the shared rules.
const STYLE: &str = "form { display: inline; }\n.amount { font-size: 1.5rem; font-weight: 600; }\n";

/// A complete page: `title` is escaped, `body` must already be safe HTML.
pub(crate) fn page(title: &str, body: &str) -> String {
    sandbox_support::html::page(title, STYLE, body)
}
