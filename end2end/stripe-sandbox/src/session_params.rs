//! The parameters of `POST /v1/checkout/sessions`, read and checked as STRIPE.md gives them:
//! `mode=payment`, `line_items[N][price_data][currency|unit_amount|product_data][name]` and
//! `[quantity]`, `success_url`, `cancel_url`, `client_reference_id`, `customer_email`,
//! `metadata[…]`, `payment_intent_data[metadata][…]`, `expires_at` and `expand[]`.

use std::collections::BTreeMap;

use sandbox_support::http::is_http_url;

use crate::errors::ApiError;
use crate::params::Params;
use crate::session::LineItem;

/// `expires_at` must be this far ahead at least and at most (Stripe: 30 minutes to 24 hours).
pub(crate) const MIN_EXPIRY_SECS: i64 = 30 * 60;
pub(crate) const MAX_EXPIRY_SECS: i64 = 24 * 60 * 60;
/// Stripe's limits.
const MAX_LINE_ITEMS: usize = 100;
const MAX_QUANTITY: i64 = 999_999;
const MAX_UNIT_AMOUNT: i64 = 99_999_999;
const MAX_CLIENT_REFERENCE_CHARS: usize = 200;

/// A session to create.
pub(crate) struct NewSession {
    pub(crate) line_items: Vec<LineItem>,
    pub(crate) currency: String,
    pub(crate) success_url: String,
    pub(crate) cancel_url: Option<String>,
    pub(crate) client_reference_id: Option<String>,
    pub(crate) customer_email: Option<String>,
    pub(crate) metadata: BTreeMap<String, String>,
    pub(crate) payment_intent_metadata: BTreeMap<String, String>,
    pub(crate) expires_at: i64,
    pub(crate) expand: Vec<String>,
}

impl NewSession {
    /// Reads the parameters; `now` is the sandbox clock in unix seconds.
    pub(crate) fn parse(mut params: Params, now: i64) -> Result<Self, ApiError> {
        let mode = params.required("mode")?;
        if mode != "payment" {
            return Err(ApiError::invalid_param(
                "mode",
                format!("Invalid mode {mode:?}: the sandbox supports only payment."),
            ));
        }
        let (line_items, currency) = line_items(&mut params)?;
        let success_url = url_param(&mut params, "success_url", true)?.unwrap_or_default();
        let cancel_url = url_param(&mut params, "cancel_url", false)?;
        let client_reference_id = params.optional("client_reference_id")?;
        if client_reference_id
            .as_ref()
            .is_some_and(|id| id.chars().count() > MAX_CLIENT_REFERENCE_CHARS)
        {
            return Err(ApiError::invalid_param(
                "client_reference_id",
                format!("client_reference_id must be at most {MAX_CLIENT_REFERENCE_CHARS} characters."),
            ));
        }
        let customer_email = params.optional("customer_email")?;
        if let Some(email) = &customer_email
            && !looks_like_email(email)
        {
            return Err(ApiError::invalid_param(
                "customer_email",
                format!("Invalid email address: {email}"),
            ));
        }
        let metadata = params.metadata("metadata")?;
        let payment_intent_metadata = params.metadata("payment_intent_data[metadata]")?;
        let expires_at = match params.optional_integer("expires_at")? {
            Some(at) => check_expiry(at, now)?,
            None => now + MAX_EXPIRY_SECS,
        };
        let expand = params.list("expand")?;
        params.finish()?;
        Ok(Self {
            line_items,
            currency,
            success_url,
            cancel_url,
            client_reference_id,
            customer_email,
            metadata,
            payment_intent_metadata,
            expires_at,
            expand,
        })
    }

    pub(crate) fn amount_total(&self) -> i64 {
        self.line_items
            .iter()
            .map(|item| item.unit_amount.saturating_mul(item.quantity))
            .fold(0, i64::saturating_add)
    }
}

/// The line items and their one currency.
fn line_items(params: &mut Params) -> Result<(Vec<LineItem>, String), ApiError> {
    let indexes = params.indexes("line_items")?;
    if indexes.is_empty() {
        return Err(ApiError::missing("line_items"));
    }
    if indexes.len() > MAX_LINE_ITEMS {
        return Err(ApiError::invalid_param(
            "line_items",
            format!("At most {MAX_LINE_ITEMS} line items are allowed."),
        ));
    }
    let mut items = Vec::new();
    let mut currency: Option<String> = None;
    for index in indexes {
        let name = |suffix: &str| format!("line_items[{index}]{suffix}");
        let item_currency = params.required(&name("[price_data][currency]"))?;
        if item_currency.len() != 3 || !item_currency.chars().all(|c| c.is_ascii_lowercase()) {
            return Err(ApiError::invalid_param(
                &name("[price_data][currency]"),
                format!("Invalid currency: {item_currency}. Use a lower-case three-letter ISO code, e.g. usd."),
            ));
        }
        if currency.as_ref().is_some_and(|first| *first != item_currency) {
            return Err(ApiError::invalid_param(
                &name("[price_data][currency]"),
                "All line items must use the same currency.".to_owned(),
            ));
        }
        let unit_amount_name = name("[price_data][unit_amount]");
        let unit_amount = params.required_integer(&unit_amount_name)?;
        if !(0..=MAX_UNIT_AMOUNT).contains(&unit_amount) {
            return Err(ApiError::invalid_param(
                &unit_amount_name,
                format!("Invalid unit_amount {unit_amount}: must be between 0 and {MAX_UNIT_AMOUNT}."),
            ));
        }
        let product = params.required(&name("[price_data][product_data][name]"))?;
        let quantity_name = name("[quantity]");
        let quantity = params.required_integer(&quantity_name)?;
        if !(1..=MAX_QUANTITY).contains(&quantity) {
            return Err(ApiError::invalid_param(
                &quantity_name,
                format!("Quantity must be between 1 and {MAX_QUANTITY}."),
            ));
        }
        currency = Some(item_currency);
        items.push(LineItem {
            name: product,
            unit_amount,
            quantity,
        });
    }
    if items.iter().all(|item| item.unit_amount == 0) {
        return Err(ApiError::invalid_param(
            "line_items",
            "The total amount must be greater than zero in payment mode.".to_owned(),
        ));
    }
    Ok((items, currency.unwrap_or_default()))
}

/// An absolute http(s) URL; `{CHECKOUT_SESSION_ID}` may appear in it.
fn url_param(params: &mut Params, name: &str, required: bool) -> Result<Option<String>, ApiError> {
    let value = if required {
        Some(params.required(name)?)
    } else {
        params.optional(name)?
    };
    if let Some(value) = &value
        && !is_http_url(value)
    {
        return Err(ApiError::invalid_param(name, format!("Not a valid URL: {value}")));
    }
    Ok(value)
}

fn looks_like_email(email: &str) -> bool {
    match email.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && domain.contains('.') && !domain.contains('@') && !email.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// `expires_at` must fall 30 minutes to 24 hours after `now` (both inclusive, whole seconds).
fn check_expiry(at: i64, now: i64) -> Result<i64, ApiError> {
    let ahead = at - now;
    if ahead < MIN_EXPIRY_SECS {
        return Err(ApiError::invalid_param(
            "expires_at",
            format!(
                "The `expires_at` timestamp must be at least 30 minutes from Checkout Session creation ({ahead} s given)."
            ),
        ));
    }
    if ahead > MAX_EXPIRY_SECS {
        return Err(ApiError::invalid_param(
            "expires_at",
            format!(
                "The `expires_at` timestamp must be less than 24 hours from Checkout Session creation ({ahead} s given)."
            ),
        ));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::{HeaderMap, header};

    const NOW: i64 = 1_800_000_000;

    fn parse(body: &str) -> Result<NewSession, ApiError> {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::CONTENT_TYPE,
            "application/x-www-form-urlencoded".parse().expect("header"),
        );
        NewSession::parse(Params::from_form(&headers, body.as_bytes())?, NOW)
    }

    const VALID: &str = "mode=payment&line_items[0][price_data][currency]=eur&\
        line_items[0][price_data][unit_amount]=2500&line_items[0][price_data][product_data][name]=Intro&\
        line_items[0][quantity]=1&success_url=https://a.example/ok?s={CHECKOUT_SESSION_ID}";

    fn param_of(result: Result<NewSession, ApiError>) -> serde_json::Value {
        result
            .err()
            .map(|error| error.body()["error"]["param"].clone())
            .unwrap_or_default()
    }

    #[test]
    fn a_minimal_session_defaults_to_a_day() {
        let session = parse(VALID).unwrap_or_else(|error| panic!("{error}"));
        assert_eq!(session.amount_total(), 2500);
        assert_eq!(session.currency, "eur");
        assert_eq!(session.expires_at, NOW + MAX_EXPIRY_SECS);
        assert_eq!(session.line_items[0].name, "Intro");
    }

    #[test]
    fn expiry_must_be_half_an_hour_to_a_day_ahead() {
        for ahead in [MIN_EXPIRY_SECS, MAX_EXPIRY_SECS] {
            let at = NOW + ahead;
            assert!(parse(&format!("{VALID}&expires_at={at}")).is_ok(), "{ahead}");
        }
        for ahead in [MIN_EXPIRY_SECS - 1, MAX_EXPIRY_SECS + 1, 15 * 60] {
            let at = NOW + ahead;
            assert_eq!(param_of(parse(&format!("{VALID}&expires_at={at}"))), "expires_at");
        }
    }

    #[test]
    fn bad_values_name_their_parameter() {
        let upper = VALID.replace("currency]=eur", "currency]=EUR");
        assert_eq!(param_of(parse(&upper)), "line_items[0][price_data][currency]");
        let no_quantity = VALID.replace("&line_items[0][quantity]=1", "");
        assert_eq!(param_of(parse(&no_quantity)), "line_items[0][quantity]");
        assert_eq!(
            param_of(parse(&format!("{VALID}&customer_email=nope"))),
            "customer_email"
        );
        assert_eq!(param_of(parse(&format!("{VALID}&cancel_url=/relative"))), "cancel_url");
        assert_eq!(param_of(parse(&VALID.replace("mode=payment", "mode=setup"))), "mode");
        assert_eq!(
            param_of(parse("mode=payment&success_url=https://a.example")),
            "line_items"
        );
    }
}
