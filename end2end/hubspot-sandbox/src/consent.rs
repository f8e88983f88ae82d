//! The HTML of the OAuth consent page ("HubSpot sandbox — grant access") and its error page.

use std::fmt::Write;

use sandbox_support::html::escape;

use crate::authorize::{AuthorizeError, AuthorizeRequest};
use crate::config::SandboxConfig;
use crate::html::page;

const TITLE: &str = "HubSpot sandbox — grant access";

/// The consent page: who asks, for which portal, which scopes, and the two buttons.
pub(crate) fn consent_page(request: &AuthorizeRequest, config: &SandboxConfig) -> String {
    let client = escape(&request.client_id);
    let domain = escape(&config.hub_domain());
    let mut body = String::new();
    let _ = write!(
        body,
        "<h1>Grant access to <code>{client}</code>?</h1>\n\
         <p>The app <strong>{client}</strong> asks to connect to the HubSpot sandbox account \
         <strong>{domain}</strong> (hub id {hub_id}).</p>\n",
        hub_id = config.hub_id,
    );
    body.push_str(&scope_list("requested-scopes", "Requested scopes", request.scopes()));
    if request.optional_scopes().next().is_some() {
        body.push_str(&scope_list(
            "optional-scopes",
            "Optional scopes",
            request.optional_scopes(),
        ));
    }
    let _ = write!(
        body,
        "<form method=\"post\" action=\"/oauth/authorize\">\n<fieldset>\n\
         <legend>Connect <code>{client}</code> to {domain}?</legend>\n{hidden}\
         <button type=\"submit\" name=\"decision\" value=\"grant\" data-testid=\"grant-access\">Grant access</button>\n\
         <button type=\"submit\" name=\"decision\" value=\"deny\" data-testid=\"deny-access\">Deny</button>\n\
         </fieldset>\n</form>\n\
         <p>Afterwards you return to <code>{redirect}</code>.</p>\n",
        hidden = hidden_inputs(request),
        redirect = escape(&request.redirect_uri),
    );
    page(TITLE, &body)
}

fn scope_list<'a>(id: &str, heading: &str, scopes: impl Iterator<Item = &'a str>) -> String {
    let items: String = scopes
        .map(|scope| format!("<li><code>{}</code></li>\n", escape(scope)))
        .collect();
    format!("<h2 id=\"{id}\">{heading}</h2>\n<ul aria-labelledby=\"{id}\" data-testid=\"{id}\">\n{items}</ul>\n")
}

/// The original parameters, so the decision can be checked as strictly as the request was.
fn hidden_inputs(request: &AuthorizeRequest) -> String {
    let fields = [
        ("client_id", Some(request.client_id.as_str())),
        ("redirect_uri", Some(request.redirect_uri.as_str())),
        ("scope", Some(request.scope.as_str())),
        (
            "optional_scope",
            Some(request.optional_scope.as_str()).filter(|scope| !scope.is_empty()),
        ),
        ("state", request.state.as_deref()),
    ];
    fields
        .into_iter()
        .filter_map(|(name, value)| value.map(|value| (name, value)))
        .map(|(name, value)| format!("<input type=\"hidden\" name=\"{name}\" value=\"{}\">\n", escape(value)))
        .collect()
}

/// The `400` page for a request the sandbox cannot serve.
pub(crate) fn error_page(error: &AuthorizeError) -> String {
    let body = format!(
        "<h1>Cannot grant access</h1>\n<p role=\"alert\" data-testid=\"authorize-error\">{}</p>\n",
        escape(&error.to_string())
    );
    page(TITLE, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(state: &str) -> AuthorizeRequest {
        AuthorizeRequest {
            client_id: "slotline-sandbox-client".to_owned(),
            redirect_uri: "http://127.0.0.1:3000/cb?x=1&y=2".to_owned(),
            scope: "oauth crm.objects.contacts.read".to_owned(),
            optional_scope: String::new(),
            state: Some(state.to_owned()),
        }
    }

    #[test]
    fn the_page_escapes_parameters_and_lists_scopes() {
        let html = consent_page(&request("\"><script>alert(1)</script>"), &SandboxConfig::default());
        assert!(!html.contains("<script>"));
        assert!(html.contains("<li><code>crm.objects.contacts.read</code></li>"));
        assert!(html.contains("value=\"http://127.0.0.1:3000/cb?x=1&amp;y=2\""));
        assert!(html.contains("data-testid=\"grant-access\""));
        assert!(!html.contains("optional-scopes"));
    }
}
