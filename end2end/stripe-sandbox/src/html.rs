//! HTML helpers shared by the hosted checkout page and the sandbox page: escaping and the page shell.

/// Escapes text for use in HTML element content and double- or single-quoted attributes.
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// A complete page: `title` is escaped, `body` must already be safe HTML.
// The empty `data:` icon keeps browsers from fetching /favicon.ico, whose 404 Chromium would log as
// a console error that Playwright specs treat as a failure.
pub(crate) fn page(title: &str, body: &str) -> String {
    format!(
        r#"<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="icon" href="data:,">
<style>
body {{ font-family: system-ui, sans-serif; margin: 2rem; color: #1f2933; }}
main {{ max-width: 72rem; }}
table {{ border-collapse: collapse; margin-bottom: 2rem; }}
caption {{ text-align: left; font-weight: 600; padding: .5rem 0; }}
th, td {{ border: 1px solid #cbd2d9; padding: .25rem .5rem; text-align: left; }}
button {{ font-size: 1rem; padding: .5rem 1rem; margin-right: .5rem; }}
form {{ display: inline; }}
.amount {{ font-size: 1.5rem; font-weight: 600; }}
</style>
</head>
<body>
<main>
{body}
</main>
</body>
</html>
"#,
        title = escape(title),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_quotes_are_escaped() {
        assert_eq!(
            escape(r#"<a href="x">'&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }
}
