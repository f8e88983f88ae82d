//! Form-encoded bodies of the OAuth endpoints: HubSpot wants every parameter in an
//! `application/x-www-form-urlencoded` body, so the query string is deliberately ignored.

use std::collections::HashMap;

use axum::http::{HeaderMap, header};

use crate::errors::OAuthError;

/// The parameters of a form body (the last value wins when a name repeats).
pub(crate) struct FormBody(HashMap<String, String>);

impl FormBody {
    pub(crate) fn parse(headers: &HeaderMap, body: &[u8]) -> Result<Self, OAuthError> {
        let is_form = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|value| {
                value
                    .trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            });
        if !is_form {
            return Err(OAuthError::invalid_request(
                "Content-Type must be application/x-www-form-urlencoded, with every parameter in the body".to_owned(),
            ));
        }
        Ok(Self(form_urlencoded::parse(body).into_owned().collect()))
    }

    /// A parameter that must be present and non-empty.
    pub(crate) fn required(&self, name: &str) -> Result<&str, OAuthError> {
        self.optional(name)
            .ok_or_else(|| OAuthError::invalid_request(format!("missing required parameter: {name}")))
    }

    pub(crate) fn optional(&self, name: &str) -> Option<&str> {
        self.0.get(name).map(String::as_str).filter(|value| !value.is_empty())
    }
}
