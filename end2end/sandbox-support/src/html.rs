//! HTML for the sandboxes' pages: escaping, the page shell and captioned tables with `data-testid`s.

/// Escapes text for use in HTML element content and double- or single-quoted attributes.
pub fn escape(text: &str) -> String {
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

/// A complete page: `title` is escaped, `style` (CSS rules, each ending in a newline) follows the
/// shared rules, and `body` must already be safe HTML.
// The empty `data:` icon keeps browsers from fetching /favicon.ico, whose 404 Chromium would log as
// a console error that Playwright specs treat as a failure.
pub fn page(title: &str, style: &str, body: &str) -> String {
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
{style}</style>
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

/// A captioned table whose `id` is also its `data-testid`; `caption`, `headings` and `rows` must
/// already be safe HTML.
pub fn table(id: &str, caption: &str, headings: &[&str], rows: &str) -> String {
    let head: String = headings.iter().map(|h| format!("<th scope=\"col\">{h}</th>")).collect();
    format!(
        "<table id=\"{id}\" data-testid=\"{id}\">\n<caption>{caption}</caption>\n\
         <thead><tr>{head}</tr></thead>\n<tbody>\n{rows}</tbody>\n</table>\n"
    )
}

/// A table row with `data-testid="{testid}"`, one escaped cell per value.
pub fn cells(testid: &str, values: &[&str]) -> String {
    let cells: String = values
        .iter()
        .map(|value| format!("<td>{}</td>", escape(value)))
        .collect();
    format!("<tr data-testid=\"{testid}\">{cells}</tr>\n")
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

    #[test]
    fn the_page_escapes_its_title_and_adds_the_sandbox_style() {
        let html = page("A & B", "form { display: inline; }\n", "<p>hi</p>");
        assert!(html.contains("<title>A &amp; B</title>"));
        assert!(html.contains("margin-right: .5rem; }\nform { display: inline; }\n</style>"));
        assert!(html.contains("<main>\n<p>hi</p>\n</main>"));
    }

    #[test]
    fn rows_escape_their_cells() {
        assert_eq!(
            cells("row", &["<b>", "x"]),
            "<tr data-testid=\"row\"><td>&lt;b&gt;</td><td>x</td></tr>\n"
        );
        let html = table("things", "Things (1)", &["Name", "Other"], "ROWS");
        assert!(html.starts_with("<table id=\"things\" data-testid=\"things\">\n<caption>Things (1)</caption>"));
        assert!(html.contains("<th scope=\"col\">Name</th><th scope=\"col\">Other</th>"));
    }
}
