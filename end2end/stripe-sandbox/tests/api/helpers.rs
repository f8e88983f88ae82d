//! Spawning a sandbox and talking to it the way Slotline's Stripe client would: bearer key,
//! `Stripe-Version`, form bodies with bracket names.

use reqwest::redirect::Policy;
use reqwest::{Client, RequestBuilder, Response, StatusCode};
use serde_json::Value;
use stripe_sandbox::{RunningSandbox, Sandbox, SandboxConfig};

pub const STRIPE_VERSION: &str = "2026-07-29.dahlia";
pub const SUCCESS_URL: &str = "http://127.0.0.1:3000/bookings/b1/paid?session_id={CHECKOUT_SESSION_ID}";
pub const CANCEL_URL: &str = "http://127.0.0.1:3000/bookings/b1/cancelled";

/// Form parameters, in order.
pub type Form = Vec<(String, String)>;

pub struct TestApp {
    pub stripe: RunningSandbox,
    pub http: Client,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(SandboxConfig::default()).await
    }

    pub async fn spawn_with(config: SandboxConfig) -> Self {
        let stripe = Sandbox::spawn(config).await;
        // Redirects are what the tests look at, so they are never followed.
        let http = Client::builder()
            .redirect(Policy::none())
            .build()
            .expect("reqwest client");
        Self { stripe, http }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.stripe.base_url)
    }

    fn authorised(&self, request: RequestBuilder) -> RequestBuilder {
        request
            .bearer_auth(&self.stripe.config().secret_key)
            .header("Stripe-Version", STRIPE_VERSION)
    }

    /// An authenticated form POST, with an idempotency key when given.
    pub async fn post(&self, path: &str, form: &Form, key: Option<&str>) -> Response {
        let mut request = self.authorised(self.http.post(self.url(path))).form(form);
        if let Some(key) = key {
            request = request.header("Idempotency-Key", key);
        }
        request
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST {path}: {error}"))
    }

    /// An authenticated GET (`path` may carry a query).
    pub async fn get(&self, path: &str) -> Response {
        self.authorised(self.http.get(self.url(path)))
            .send()
            .await
            .unwrap_or_else(|error| panic!("GET {path}: {error}"))
    }

    /// Creates a session from `form`, expecting success.
    pub async fn create_session_with(&self, form: &Form) -> Value {
        let response = self.post("/v1/checkout/sessions", form, None).await;
        assert_eq!(response.status(), StatusCode::OK);
        json(response).await
    }

    /// Creates the standard session; its id.
    pub async fn create_session(&self) -> String {
        let session = self.create_session_with(&session_form()).await;
        session["id"].as_str().expect("id").to_owned()
    }

    /// A paid session: its id and PaymentIntent id.
    pub async fn paid_session(&self) -> (String, String) {
        let id = self.create_session().await;
        self.stripe.pay(&id).expect("open session");
        let intent = self.stripe.session(&id).and_then(|session| session.payment_intent);
        (id, intent.expect("paid"))
    }

    /// `POST /_sandbox/{path}` with a JSON body.
    pub async fn control(&self, path: &str, body: &Value) -> Response {
        self.http
            .post(self.url(&format!("/_sandbox/{path}")))
            .json(body)
            .send()
            .await
            .unwrap_or_else(|error| panic!("POST /_sandbox/{path}: {error}"))
    }

    /// `GET /_sandbox/state`.
    pub async fn state(&self) -> Value {
        json(
            self.http
                .get(self.url("/_sandbox/state"))
                .send()
                .await
                .expect("GET state"),
        )
        .await
    }

    /// An unauthenticated GET of a page, its status and text.
    pub async fn page(&self, path: &str) -> (StatusCode, String) {
        let response = self.http.get(self.url(path)).send().await.expect("GET page");
        (response.status(), response.text().await.expect("text"))
    }
}

/// The session Slotline creates for a paid booking.
pub fn session_form() -> Form {
    [
        ("mode", "payment"),
        ("line_items[0][price_data][currency]", "eur"),
        ("line_items[0][price_data][unit_amount]", "2500"),
        ("line_items[0][price_data][product_data][name]", "Intro call <30 min>"),
        ("line_items[0][quantity]", "1"),
        ("success_url", SUCCESS_URL),
        ("cancel_url", CANCEL_URL),
        ("client_reference_id", "b1"),
        ("customer_email", "jane@example.com"),
        ("metadata[booking_id]", "b1"),
        ("payment_intent_data[metadata][booking_id]", "b1"),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_owned(), value.to_owned()))
    .collect()
}

/// `form` with `name` set to `value` (replaced or added).
pub fn with(mut form: Form, name: &str, value: &str) -> Form {
    form.retain(|(existing, _)| existing != name);
    form.push((name.to_owned(), value.to_owned()));
    form
}

/// `form` without `name`.
pub fn without(mut form: Form, name: &str) -> Form {
    form.retain(|(existing, _)| existing != name);
    form
}

pub fn form(pairs: &[(&str, &str)]) -> Form {
    pairs
        .iter()
        .map(|(name, value)| ((*name).to_owned(), (*value).to_owned()))
        .collect()
}

pub async fn json(response: Response) -> Value {
    response.json().await.expect("JSON body")
}

/// Asserts Stripe's error shape and its `type` and `code` (`None`: no code).
pub async fn assert_error(response: Response, status: StatusCode, kind: &str, code: Option<&str>) -> Value {
    assert_eq!(response.status(), status);
    let body = json(response).await;
    let error = &body["error"];
    assert_eq!(error["type"], kind, "{body}");
    assert_eq!(error["code"].as_str(), code, "{body}");
    assert!(error["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    body
}

pub fn header(response: &Response, name: &str) -> Option<String> {
    response
        .headers()
        .get(name)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned)
}
