//! The hosted checkout page a session's `url` points at (`GET /checkout/{id}`): the product and
//! amount, a "Pay" button (the sandbox card always succeeds) and a "Cancel" button, or a clear
//! message once the session is paid or expired. Both buttons are forms that redirect with `303`.

use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use sandbox_support::html::escape;

use crate::checkout::CheckoutError;
use crate::html::page;
use crate::money;
use crate::payment::{CARD_BRAND, CARD_LAST4};
use crate::sandbox::Sandbox;
use crate::session::{CheckoutSession, SessionStatus};

const TITLE: &str = "Checkout — Stripe sandbox";

pub(crate) async fn show(State(sandbox): State<Sandbox>, Path(id): Path<String>) -> Response {
    let session = {
        let mut state = sandbox.lock();
        state.expire_due();
        state.session(&id).cloned()
    };
    let Some(session) = session else {
        return not_found();
    };
    let body = match session.status {
        SessionStatus::Open => open_page(&session),
        SessionStatus::Complete => complete_message(&session),
        SessionStatus::Expired => expired_message(),
    };
    Html(page(TITLE, &body)).into_response()
}

pub(crate) async fn pay(State(sandbox): State<Sandbox>, Path(id): Path<String>) -> Response {
    let paid = sandbox.lock().pay(&id);
    match paid {
        Ok(redirect) => Redirect::to(&redirect).into_response(),
        // A second click on "Pay" lands where the first one did.
        Err(CheckoutError::AlreadyPaid) => match sandbox.session(&id) {
            Some(session) => Redirect::to(&session.success_redirect()).into_response(),
            None => not_found(),
        },
        Err(CheckoutError::Expired) => (StatusCode::GONE, Html(page(TITLE, &expired_message()))).into_response(),
        Err(CheckoutError::NoSuchSession) => not_found(),
    }
}

pub(crate) async fn cancel(State(sandbox): State<Sandbox>, Path(id): Path<String>) -> Response {
    let cancelled = sandbox.lock().cancel(&id);
    match cancelled {
        Ok(Some(cancel_url)) => Redirect::to(&cancel_url).into_response(),
        // Without a cancel_url Stripe shows no way back; stay on the page.
        Ok(None) => Redirect::to(&format!("/checkout/{id}")).into_response(),
        Err(CheckoutError::NoSuchSession) => not_found(),
        Err(CheckoutError::AlreadyPaid | CheckoutError::Expired) => {
            Redirect::to(&format!("/checkout/{id}")).into_response()
        }
    }
}

fn open_page(session: &CheckoutSession) -> String {
    let amount = escape(&money::format(session.amount_total, &session.currency));
    let id = escape(&session.id);
    let items: String = session
        .line_items
        .iter()
        .map(|item| {
            format!(
                "<li>{} × {} — {}</li>\n",
                escape(&item.name),
                item.quantity,
                escape(&money::format(
                    item.unit_amount.saturating_mul(item.quantity),
                    &session.currency
                ))
            )
        })
        .collect();
    let email = session
        .customer_email
        .as_deref()
        .map(|email| format!("<p>Receipt to <strong>{}</strong></p>\n", escape(email)))
        .unwrap_or_default();
    let cancel = if session.cancel_url.is_some() {
        format!(
            "<form method=\"post\" action=\"/checkout/{id}/cancel\">\
             <button type=\"submit\" data-testid=\"stripe-cancel\">Cancel</button></form>\n"
        )
    } else {
        String::new()
    };
    format!(
        "<h1>Pay for {names}</h1>\n\
         <section aria-labelledby=\"order-heading\">\n<h2 id=\"order-heading\">Your order</h2>\n\
         <ul data-testid=\"stripe-line-items\">\n{items}</ul>\n\
         <p>Total: <span class=\"amount\" data-testid=\"stripe-amount\">{amount}</span></p>\n{email}</section>\n\
         <section aria-labelledby=\"card-heading\">\n<h2 id=\"card-heading\">Payment</h2>\n\
         <p>Test card: {brand} ending in {last4} (always succeeds).</p>\n\
         <form method=\"post\" action=\"/checkout/{id}/pay\">\
         <button type=\"submit\" data-testid=\"stripe-pay\">Pay {amount}</button></form>\n{cancel}</section>\n",
        names = escape(&session.product_names()),
        brand = capitalised(CARD_BRAND),
        last4 = CARD_LAST4,
    )
}

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

fn complete_message(session: &CheckoutSession) -> String {
    format!(
        "<h1>Payment complete</h1>\n<p role=\"status\" data-testid=\"stripe-complete\">This checkout session is \
         already paid.</p>\n<p><a href=\"{}\">Continue</a></p>\n",
        escape(&session.success_redirect())
    )
}

fn expired_message() -> String {
    "<h1>Checkout expired</h1>\n<p role=\"status\" data-testid=\"stripe-expired\">This checkout session has \
     expired and can no longer be paid. Go back and start again.</p>\n"
        .to_owned()
}

fn not_found() -> Response {
    let body = "<h1>Checkout not found</h1>\n<p role=\"status\">There is no checkout session at this address.</p>\n";
    (StatusCode::NOT_FOUND, Html(page(TITLE, body))).into_response()
}
