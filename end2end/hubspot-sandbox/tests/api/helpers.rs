//! Spawning a sandbox and talking to it the way an app would.

use hubspot_sandbox::{RunningSandbox, Sandbox, SandboxConfig};
use reqwest::redirect::Policy;
use reqwest::{Client, Method, Response};
use serde_json::Value;

pub const REDIRECT_URI: &str = "http://127.0.0.1:3000/integrations/hubspot/callback";
pub const SCOPES: &str = "oauth crm.objects.contacts.read crm.objects.contacts.write";
pub const COMPANY_SCOPES: &str = "oauth crm.objects.contacts.read crm.objects.contacts.write \
                                  crm.objects.companies.read crm.objects.companies.write";

pub struct TestApp {
    pub hub: RunningSandbox,
    pub http: Client,
}

pub struct Tokens {
    pub access: String,
    pub refresh: String,
}

impl TestApp {
    pub async fn spawn() -> Self {
        Self::spawn_with(SandboxConfig::default()).await
    }

    pub async fn spawn_with(config: SandboxConfig) -> Self {
        let hub = Sandbox::spawn(config).await;
        // Redirects are what the tests look at, so they are never followed.
        let http = Client::builder()
            .redirect(Policy::none())
            .build()
            .expect("reqwest client");
        Self { hub, http }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.hub.base_url)
    }

    pub fn crm(&self, path: &str) -> String {
        self.url(&format!("/crm/objects/2026-03/{path}"))
    }

    pub fn authorize_url_with(&self, scope: &str, state: &str) -> String {
        let query = form_urlencoded::Serializer::new(String::new())
            .append_pair("client_id", &self.hub.config().client_id)
            .append_pair("redirect_uri", REDIRECT_URI)
            .append_pair("scope", scope)
            .append_pair("state", state)
            .finish();
        format!("{}?{query}", self.hub.authorize_url())
    }

    pub fn authorize_url(&self, state: &str) -> String {
        self.authorize_url_with(SCOPES, state)
    }

    /// A fresh authorization code, as if the user clicked "Grant access".
    pub async fn code_for(&self, scope: &str) -> String {
        let redirect = self.hub.grant(&self.authorize_url_with(scope, "st")).await;
        let url = url::Url::parse(&redirect).expect("redirect is a URL");
        url.query_pairs()
            .find(|(k, _)| k == "code")
            .map(|(_, v)| v.into_owned())
            .expect("redirect has a code")
    }

    pub async fn token_call(&self, path: &str, form: &[(&str, &str)]) -> Response {
        self.http
            .post(self.url(&format!("/oauth/2026-03/{path}")))
            .form(form)
            .send()
            .await
            .expect("token call")
    }

    pub async fn exchange(&self, code: &str, redirect_uri: &str) -> Response {
        let config = self.hub.config();
        let form = [
            ("grant_type", "authorization_code"),
            ("client_id", config.client_id.as_str()),
            ("client_secret", config.client_secret.as_str()),
            ("redirect_uri", redirect_uri),
            ("code", code),
        ];
        self.token_call("token", &form).await
    }

    pub async fn refresh(&self, refresh_token: &str) -> Response {
        let config = self.hub.config();
        let form = [
            ("grant_type", "refresh_token"),
            ("client_id", config.client_id.as_str()),
            ("client_secret", config.client_secret.as_str()),
            ("refresh_token", refresh_token),
        ];
        self.token_call("token", &form).await
    }

    pub async fn connect_with(&self, scope: &str) -> Tokens {
        let code = self.code_for(scope).await;
        let body = json(self.exchange(&code, REDIRECT_URI).await).await;
        Tokens {
            access: body["access_token"].as_str().expect("access_token").to_owned(),
            refresh: body["refresh_token"].as_str().expect("refresh_token").to_owned(),
        }
    }

    pub async fn connect(&self) -> Tokens {
        self.connect_with(SCOPES).await
    }

    /// An authenticated call to any sandbox path, with a JSON body when one is given.
    pub async fn call(&self, method: Method, token: &str, path: &str, body: Option<&Value>) -> Response {
        let request = self.http.request(method.clone(), self.url(path)).bearer_auth(token);
        let request = match body {
            Some(body) => request.json(body),
            None => request,
        };
        request
            .send()
            .await
            .unwrap_or_else(|error| panic!("{method} {path}: {error}"))
    }

    pub async fn post(&self, token: &str, path: &str, body: &Value) -> Response {
        let path = format!("/crm/objects/2026-03/{path}");
        self.call(Method::POST, token, &path, Some(body)).await
    }

    pub async fn patch(&self, token: &str, path: &str, body: &Value) -> Response {
        let path = format!("/crm/objects/2026-03/{path}");
        self.call(Method::PATCH, token, &path, Some(body)).await
    }

    pub async fn get(&self, token: &str, path: &str) -> Response {
        let path = format!("/crm/objects/2026-03/{path}");
        self.call(Method::GET, token, &path, None).await
    }

    pub async fn delete(&self, token: &str, path: &str) -> Response {
        let path = format!("/crm/objects/2026-03/{path}");
        self.call(Method::DELETE, token, &path, None).await
    }

    /// `POST /_sandbox/{path}` with a JSON body.
    pub async fn control(&self, path: &str, body: &Value) -> Response {
        self.control_call(Method::POST, path, Some(body)).await
    }

    /// Any method on `/_sandbox/{path}`, with a JSON body when one is given.
    pub async fn control_call(&self, method: Method, path: &str, body: Option<&Value>) -> Response {
        let request = self
            .http
            .request(method.clone(), self.url(&format!("/_sandbox/{path}")));
        let request = match body {
            Some(body) => request.json(body),
            None => request,
        };
        request
            .send()
            .await
            .unwrap_or_else(|error| panic!("{method} /_sandbox/{path}: {error}"))
    }

    /// `POST …/{object_type}/search` with the body HUBSPOT.md prescribes; the answer as JSON.
    pub async fn search(&self, token: &str, object_type: &str, body: &Value) -> Value {
        let response = self.post(token, &format!("{object_type}/search"), body).await;
        assert_eq!(response.status(), reqwest::StatusCode::OK, "search {body}");
        json(response).await
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
}

/// The id of a created object.
pub async fn created_id(response: Response) -> String {
    assert_eq!(response.status(), reqwest::StatusCode::CREATED);
    json(response).await["id"].as_str().expect("id").to_owned()
}

pub async fn json(response: Response) -> Value {
    response.json().await.expect("JSON body")
}

/// A search body with all four fields the spec requires.
pub fn search_by(property: &str, value: &str) -> Value {
    serde_json::json!({
        "filterGroups": [{"filters": [{"propertyName": property, "operator": "EQ", "value": value}]}],
        "properties": ["email", "firstname"],
        "limit": 10,
        "after": "0",
        "sorts": [],
    })
}

/// A search for everything with one filter, sorted by one property ascending.
pub fn range_search(filter: Value, sort_by: &str, limit: u32, after: &str) -> Value {
    serde_json::json!({
        "filterGroups": [{"filters": [filter]}],
        "properties": ["email", "lastmodifieddate"],
        "limit": limit,
        "after": after,
        "sorts": [{"propertyName": sort_by, "direction": "ASCENDING"}],
    })
}

/// The ids of a search or batch answer's results, in order.
pub fn result_ids(body: &Value) -> Vec<String> {
    body["results"]
        .as_array()
        .map(|results| {
            results
                .iter()
                .filter_map(|result| result["id"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

pub fn assert_hubspot_error(body: &Value, category: &str) {
    assert_eq!(body["status"], "error", "{body}");
    assert_eq!(body["category"], category, "{body}");
    assert!(body["message"].as_str().is_some_and(|m| !m.is_empty()), "{body}");
    assert_eq!(body["correlationId"].as_str().map(str::len), Some(36), "{body}");
}
