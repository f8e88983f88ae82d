//! Stripe's request parameters: form-encoded pairs whose names nest with brackets
//! (`line_items[0][price_data][currency]`, `metadata[booking_id]`, `expand[]`). Endpoints take the
//! names they know one by one and [`Params::finish`] refuses whatever is left, as Stripe refuses a
//! parameter it does not know.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::{HeaderMap, header};

use crate::errors::ApiError;

/// Stripe's limits on `metadata`.
const METADATA_KEYS: usize = 50;
const METADATA_KEY_CHARS: usize = 40;
const METADATA_VALUE_CHARS: usize = 500;

/// The parameters of one request not yet taken, by full name, each with its values in order.
#[derive(Debug, Default)]
pub(crate) struct Params {
    values: BTreeMap<String, Vec<String>>,
}

impl Params {
    /// A POST body. An empty body has no parameters whatever its type; any other must be
    /// `application/x-www-form-urlencoded` (Stripe refuses JSON).
    pub(crate) fn from_form(headers: &HeaderMap, body: &[u8]) -> Result<Self, ApiError> {
        if body.is_empty() {
            return Ok(Self::default());
        }
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default()
            .trim_start()
            .to_ascii_lowercase();
        if !content_type.starts_with("application/x-www-form-urlencoded") {
            return Err(ApiError::invalid(format!(
                "Invalid request: request bodies must be application/x-www-form-urlencoded with bracket keys \
                 (e.g. metadata[key]=value), got Content-Type {content_type:?}."
            )));
        }
        Self::parse(body)
    }

    /// A GET's query string.
    pub(crate) fn from_query(query: Option<&str>) -> Result<Self, ApiError> {
        Self::parse(query.unwrap_or_default().as_bytes())
    }

    fn parse(encoded: &[u8]) -> Result<Self, ApiError> {
        let mut values: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (name, value) in form_urlencoded::parse(encoded) {
            if !is_valid_name(&name) {
                return Err(ApiError::invalid_param(
                    &name,
                    format!("Invalid parameter name {name:?}: use name[key][key]… or name[] for lists."),
                ));
            }
            values.entry(name.into_owned()).or_default().push(value.into_owned());
        }
        Ok(Self { values })
    }

    /// Takes a scalar parameter; an empty value counts as absent (Stripe reads it as "unset").
    pub(crate) fn optional(&mut self, name: &str) -> Result<Option<String>, ApiError> {
        let Some(mut values) = self.values.remove(name) else {
            return Ok(None);
        };
        let Some(value) = values.pop() else { return Ok(None) };
        if !values.is_empty() {
            return Err(ApiError::invalid_param(
                name,
                format!("Received {name} more than once; send it once (lists use {name}[])."),
            ));
        }
        Ok(Some(value).filter(|value| !value.is_empty()))
    }

    /// Takes a parameter that must be present and non-empty.
    pub(crate) fn required(&mut self, name: &str) -> Result<String, ApiError> {
        let present = self.values.contains_key(name);
        match self.optional(name)? {
            Some(value) => Ok(value),
            None if present => Err(ApiError::empty(name)),
            None => Err(ApiError::missing(name)),
        }
    }

    pub(crate) fn optional_integer(&mut self, name: &str) -> Result<Option<i64>, ApiError> {
        self.optional(name)?
            .map(|value| value.parse().map_err(|_| ApiError::invalid_integer(name, &value)))
            .transpose()
    }

    pub(crate) fn required_integer(&mut self, name: &str) -> Result<i64, ApiError> {
        let value = self.required(name)?;
        value.parse().map_err(|_| ApiError::invalid_integer(name, &value))
    }

    /// Takes `name[key]=value` pairs (metadata), checked against Stripe's metadata limits. Deeper
    /// names (`name[a][b]`) are left for [`Params::finish`] to refuse.
    pub(crate) fn metadata(&mut self, name: &str) -> Result<BTreeMap<String, String>, ApiError> {
        // `metadata=` (empty) unsets the whole map, which on a create means none.
        if self.optional(name)?.is_some() {
            return Err(ApiError::invalid_param(
                name,
                format!("Invalid object: {name} must be sent as {name}[key]=value."),
            ));
        }
        let prefix = format!("{name}[");
        let names: Vec<String> = self
            .values
            .keys()
            .filter(|full| full.starts_with(&prefix) && full.matches('[').count() == name.matches('[').count() + 1)
            .cloned()
            .collect();
        let mut map = BTreeMap::new();
        for full in names {
            let key = full[prefix.len()..full.len() - 1].to_owned();
            if key.is_empty() || key.chars().count() > METADATA_KEY_CHARS {
                return Err(ApiError::invalid_param(
                    &full,
                    format!("Metadata keys must be 1 to {METADATA_KEY_CHARS} characters long."),
                ));
            }
            let Some(value) = self.optional(&full)? else {
                continue;
            };
            if value.chars().count() > METADATA_VALUE_CHARS {
                return Err(ApiError::invalid_param(
                    &full,
                    format!("Metadata values can have up to {METADATA_VALUE_CHARS} characters."),
                ));
            }
            map.insert(key, value);
        }
        if map.len() > METADATA_KEYS {
            return Err(ApiError::invalid_param(
                name,
                format!("Metadata can have up to {METADATA_KEYS} keys."),
            ));
        }
        Ok(map)
    }

    /// Takes a list sent as `name[]=a&name[]=b` or `name[0]=a&name[1]=b`.
    pub(crate) fn list(&mut self, name: &str) -> Result<Vec<String>, ApiError> {
        let mut list = self.values.remove(&format!("{name}[]")).unwrap_or_default();
        for index in self.indexes(name)? {
            list.extend(self.optional(&format!("{name}[{index}]"))?);
        }
        Ok(list)
    }

    /// The distinct indexes `N` of names `name[N]…`, ascending; they must count up from 0.
    pub(crate) fn indexes(&self, name: &str) -> Result<Vec<usize>, ApiError> {
        let prefix = format!("{name}[");
        let mut indexes = BTreeSet::new();
        for full in self.values.keys().filter(|full| full.starts_with(&prefix)) {
            let rest = &full[prefix.len()..];
            let Some((index, _)) = rest.split_once(']') else {
                continue;
            };
            if index.is_empty() {
                continue;
            }
            let index: usize = index.parse().map_err(|_| {
                ApiError::invalid_param(
                    full,
                    format!("Invalid array: {name} must be indexed {name}[0], {name}[1], …"),
                )
            })?;
            indexes.insert(index);
        }
        if indexes.iter().enumerate().any(|(position, index)| position != *index) {
            return Err(ApiError::invalid_param(
                name,
                format!("Invalid array: the indexes of {name} must count up from 0 without gaps."),
            ));
        }
        Ok(indexes.into_iter().collect())
    }

    /// Refuses the first parameter no one took.
    pub(crate) fn finish(self) -> Result<(), ApiError> {
        match self.values.into_keys().next() {
            Some(name) => Err(ApiError::unknown(&name)),
            None => Ok(()),
        }
    }
}

/// `name`, then any number of `[key]`, with `[]` allowed only last.
fn is_valid_name(name: &str) -> bool {
    let (head, mut rest) = match name.find('[') {
        Some(at) => name.split_at(at),
        None => (name, ""),
    };
    if head.is_empty() || head.contains(']') {
        return false;
    }
    while !rest.is_empty() {
        let Some(inner) = rest.strip_prefix('[') else {
            return false;
        };
        let Some(end) = inner.find(']') else { return false };
        let key = &inner[..end];
        rest = &inner[end + 1..];
        if key.contains('[') || (key.is_empty() && !rest.is_empty()) {
            return false;
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(body: &str) -> Params {
        Params::parse(body.as_bytes()).unwrap_or_else(|error| panic!("{body}: {error}"))
    }

    #[test]
    fn bracket_names_nest() {
        let mut p = params(
            "line_items[0][price_data][unit_amount]=2500&metadata[booking_id]=b%201&\
             payment_intent_data[metadata][x]=y&expand[]=payment_intent&expand[]=other",
        );
        assert_eq!(p.indexes("line_items").ok(), Some(vec![0]));
        assert_eq!(
            p.required_integer("line_items[0][price_data][unit_amount]").ok(),
            Some(2500)
        );
        let metadata = p.metadata("metadata").unwrap_or_default();
        assert_eq!(metadata.get("booking_id").map(String::as_str), Some("b 1"));
        let nested = p.metadata("payment_intent_data[metadata]").unwrap_or_default();
        assert_eq!(nested.get("x").map(String::as_str), Some("y"));
        assert_eq!(
            p.list("expand").ok(),
            Some(vec!["payment_intent".to_owned(), "other".to_owned()])
        );
        assert!(p.finish().is_ok());
    }

    #[test]
    fn leftovers_missing_and_bad_integers_are_refused_with_their_codes() {
        let p = params("mode=payment&line_items[0][bogus]=1");
        let error = p.finish().err().map(|e| e.body());
        assert_eq!(
            error.as_ref().map(|b| b["error"]["param"].clone()),
            Some(serde_json::json!("line_items[0][bogus]"))
        );
        assert_eq!(
            error.map(|b| b["error"]["code"].clone()),
            Some(serde_json::json!("parameter_unknown"))
        );
        let mut p = params("amount=12.5&name=");
        let code = |e: ApiError| e.body()["error"]["code"].clone();
        assert_eq!(
            p.optional_integer("amount").err().map(code),
            Some("parameter_invalid_integer".into())
        );
        assert_eq!(
            p.required("name").err().map(code),
            Some("parameter_invalid_empty".into())
        );
        assert_eq!(p.required("mode").err().map(code), Some("parameter_missing".into()));
    }

    #[test]
    fn malformed_names_gaps_and_repeats_are_refused() {
        for name in ["a[", "a]b", "[x]", "a[]b", "a[][x]", "a[b[c]]"] {
            assert!(!is_valid_name(name), "{name}");
        }
        for name in ["a", "a[b]", "a[0][b][c]", "expand[]"] {
            assert!(is_valid_name(name), "{name}");
        }
        assert!(params("items[1][x]=1").indexes("items").is_err());
        assert!(params("mode=a&mode=b").optional("mode").is_err());
        let mut deep = params("metadata[a][b]=1");
        assert!(deep.metadata("metadata").is_ok_and(|m| m.is_empty()));
        assert!(deep.finish().is_err());
    }

    #[test]
    fn only_form_bodies_are_read() {
        let mut headers = HeaderMap::new();
        headers.insert(header::CONTENT_TYPE, "application/json".parse().expect("header"));
        assert!(Params::from_form(&headers, b"{\"mode\":\"payment\"}").is_err());
        assert!(Params::from_form(&headers, b"").is_ok());
        headers.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded; charset=utf-8"
                .parse()
                .expect("header"),
        );
        assert!(Params::from_form(&headers, b"mode=payment").is_ok());
    }
}
