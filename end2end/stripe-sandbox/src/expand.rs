//! `expand[]`: which ids an answer may inline as objects, and the answers with them inlined.

use serde_json::Value;

use crate::errors::ApiError;
use crate::params::Params;
use crate::payment::PaymentIntent;
use crate::session::CheckoutSession;
use crate::state::State;

/// What a Checkout Session answer may expand.
pub(crate) const SESSION: &[&str] = &["payment_intent", "payment_intent.latest_charge"];
/// What a PaymentIntent answer may expand.
pub(crate) const PAYMENT_INTENT: &[&str] = &["latest_charge"];
/// For answers that expand nothing.
pub(crate) const NOTHING: &[&str] = &[];

/// The `expand[]` paths a GET's query asks for; any other parameter, or a
/// path outside `allowed`, is refused as Stripe does.
pub(crate) fn from_query(query: Option<&str>, allowed: &[&str]) -> Result<Vec<String>, ApiError> {
    let mut params = Params::from_query(query)?;
    let expand = params.list("expand")?;
    params.finish()?;
    check(&expand, allowed)?;
    Ok(expand)
}

/// Refuses a path the answer cannot expand, as Stripe does.
pub(crate) fn check(expand: &[String], allowed: &[&str]) -> Result<(), ApiError> {
    match expand.iter().find(|path| !allowed.contains(&path.as_str())) {
        Some(path) => Err(ApiError::invalid_param(
            "expand",
            format!("This property cannot be expanded ({path})."),
        )),
        None => Ok(()),
    }
}

/// A session's JSON, its PaymentIntent (and that one's charge) inlined when asked and set.
pub(crate) fn session(state: &State, session: &CheckoutSession, expand: &[String]) -> Value {
    let mut json = session.to_json();
    let wants = |path: &str| expand.iter().any(|asked| asked == path);
    let intent = session
        .payment_intent
        .as_deref()
        .and_then(|id| state.payment_intent(id));
    if let Some(intent) = intent
        && (wants("payment_intent") || wants("payment_intent.latest_charge"))
    {
        json["payment_intent"] = payment_intent(state, intent, wants("payment_intent.latest_charge"));
    }
    json
}

/// A PaymentIntent's JSON, with its charge inlined when asked.
pub(crate) fn payment_intent(state: &State, intent: &PaymentIntent, with_charge: bool) -> Value {
    let mut json = intent.to_json();
    if with_charge && let Some(charge) = state.charge(&intent.latest_charge) {
        json["latest_charge"] = charge.to_json();
    }
    json
}
