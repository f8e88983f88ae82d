//! `spawn_app`: the real server on a random port against a fresh database,
//! with a real SMTP sink; plus the few calls tests make through its front door.
use crate::support::smtp_sink::SmtpSink;
use app::error::AppError;
use app::ssr::AppState;
use hubspot_sandbox::{RunningSandbox, Sandbox, SandboxConfig};
use leptos::server_fn::ServerFn;
use server::config::{Config, HubspotSettings};
use server::jobs::JobRunner;
use server::startup::Application;
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

pub struct TestApp {
    pub address: String,
    pub state: AppState,
    pub runner: JobRunner,
    pub smtp: SmtpSink,
    /// The HubSpot stand-in this server is configured against.
    pub hubspot: RunningSandbox,
    /// The Stripe stand-in, sending its events to this server.
    pub stripe: stripe_sandbox::RunningSandbox,
    pub config: Config,
    _database: TestDatabase,
}

/// A scratch directory and, on PostgreSQL, a database of this test's own;
/// both removed when the test ends.
pub struct TestDatabase {
    pub dir: PathBuf,
    postgres: Option<(String, String)>,
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((admin_url, name)) = self.postgres.take() {
            // Drop runs outside any runtime guarantee, so use a thread of its own.
            let _ = std::thread::spawn(move || {
                let runtime = tokio::runtime::Builder::new_current_thread()
                    .enable_all()
                    .build()
                    .ok()?;
                runtime.block_on(async {
                    let db = sea_orm::Database::connect(&admin_url).await.ok()?;
                    use sea_orm::ConnectionTrait;
                    db.execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                        .await
                        .ok()
                })
            })
            .join();
        }
    }
}

fn unique(label: &str) -> String {
    format!("{label}_{}", app::ssr::ids::new_id())
}

fn postgres_admin_url() -> String {
    std::env::var("SLOTLINE_TEST_POSTGRES_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/postgres".into())
}

async fn create_postgres_database() -> Option<(String, String, String)> {
    use sea_orm::ConnectionTrait;
    let admin_url = postgres_admin_url();
    let admin = match sea_orm::Database::connect(&admin_url).await {
        Ok(db) => db,
        Err(error) => {
            if std::env::var("SLOTLINE_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
                panic!("PostgreSQL is required (SLOTLINE_REQUIRE_POSTGRES=1) but {admin_url} does not answer: {error}");
            }
            eprintln!("!!!!!!!! PostgreSQL tests SKIPPED: no server at {admin_url} ({error}) !!!!!!!!");
            return None;
        }
    };
    let name = unique("slotline_test").to_lowercase();
    admin
        .execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
        .await
        .expect("creating the test database");
    let mut url = url::Url::parse(&admin_url).expect("SLOTLINE_TEST_POSTGRES_URL is a URL");
    url.set_path(&format!("/{name}"));
    Some((admin_url, name, url.to_string()))
}

/// A fresh database for `backend` and its URL; `None` when PostgreSQL is
/// asked for but not running (and not required).
pub async fn fresh_database(backend: Backend) -> Option<(TestDatabase, String)> {
    let dir = std::env::temp_dir().join(unique("slotline-test"));
    std::fs::create_dir_all(&dir).expect("creating the test directory");
    let (database_url, postgres) = match backend {
        Backend::Sqlite => (format!("sqlite://{}/slotline.db?mode=rwc", dir.display()), None),
        Backend::Postgres => {
            let (admin, name, url) = create_postgres_database().await?;
            (url, Some((admin, name)))
        }
    };
    Some((TestDatabase { dir, postgres }, database_url))
}

/// Starts the server; `None` when PostgreSQL is asked for but not running
/// (and not required).
pub async fn spawn_app(backend: Backend) -> Option<TestApp> {
    spawn_app_with(backend, SandboxConfig::default()).await
}

/// [`spawn_app`] against a HubSpot sandbox configured as `sandbox_config`.
pub async fn spawn_app_with(backend: Backend, sandbox_config: SandboxConfig) -> Option<TestApp> {
    spawn_app_configured(backend, sandbox_config, |_| {}).await
}

/// [`spawn_app_with`], with the server's configuration changed by `tweak`.
pub async fn spawn_app_configured(
    backend: Backend,
    sandbox_config: SandboxConfig,
    tweak: impl FnOnce(&mut Config),
) -> Option<TestApp> {
    server::telemetry::init();
    let (database, database_url) = fresh_database(backend).await?;
    let dir = database.dir.clone();
    let smtp = SmtpSink::start().await;
    let hubspot_settings = HubspotSettings {
        client_id: sandbox_config.client_id.clone(),
        client_secret: sandbox_config.client_secret.clone(),
        api_base: String::new(),
        auth_url: String::new(),
        requests_per_10s: 100,
        // The sandbox's search shows writes at once.
        search_lag: std::time::Duration::from_millis(200),
        // Short, so that the sandbox's slow answers become timeouts.
        request_timeout: std::time::Duration::from_secs(1),
        pull_interval: std::time::Duration::from_secs(600),
    };
    let hubspot = Sandbox::spawn(sandbox_config).await;
    let stripe = stripe_sandbox::Sandbox::spawn(stripe_sandbox::SandboxConfig::default()).await;
    // Tests drain the queue themselves (no job workers), so outcomes are deterministic.
    let mut config = Config {
        database_url,
        smtp_url: Some(smtp.url()),
        hubspot: Some(HubspotSettings {
            api_base: hubspot.base_url.clone(),
            auth_url: format!("{}/oauth/authorize", hubspot.base_url),
            ..hubspot_settings
        }),
        stripe_api_base: stripe.base_url.clone(),
        webhook_allow_private: true,
        ..Config::local(dir)
    };
    tweak(&mut config);
    let app = Application::build(config.clone())
        .await
        .expect("building the application");
    let address = format!("http://{}", app.address());
    let state = app.state().clone();
    let runner = app.runner();
    tokio::spawn(app.run_until_stopped(std::future::pending()));
    stripe.set_webhook(
        Some(format!("{address}{}", app::ssr::services::stripe::WEBHOOK_PATH)),
        None,
    );
    Some(TestApp {
        address,
        state,
        runner,
        smtp,
        hubspot,
        stripe,
        config,
        _database: database,
    })
}

/// Runs one async test body against SQLite and against PostgreSQL.
#[macro_export]
macro_rules! on_both_databases {
    ($($name:ident),* $(,)?) => {
        $(
            mod $name {
                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn sqlite() {
                    let app = $crate::helpers::spawn_app($crate::helpers::Backend::Sqlite).await.expect("SQLite always runs");
                    super::$name(app).await;
                }

                #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
                async fn postgres() {
                    if let Some(app) = $crate::helpers::spawn_app($crate::helpers::Backend::Postgres).await {
                        super::$name(app).await;
                    }
                }
            }
        )*
    };
}

/// What a server function answered.
pub enum Answer {
    /// The function asked the browser to go somewhere else.
    Redirect(String),
    Ok(serde_json::Value),
    Err(AppError),
}

impl Answer {
    pub fn redirect(self) -> String {
        match self {
            Self::Redirect(to) => to,
            Self::Ok(v) => panic!("expected a redirect, got {v}"),
            Self::Err(e) => panic!("expected a redirect, got {e:?}"),
        }
    }

    pub fn ok(self) -> serde_json::Value {
        match self {
            Self::Ok(v) => v,
            Self::Redirect(to) => panic!("expected a value, got a redirect to {to}"),
            Self::Err(e) => panic!("expected a value, got {e:?}"),
        }
    }

    pub fn err(self) -> AppError {
        match self {
            Self::Err(e) => e,
            Self::Ok(v) => panic!("expected an error, got {v}"),
            Self::Redirect(to) => panic!("expected an error, got a redirect to {to}"),
        }
    }
}

/// The booking id and manage token in a manage-page redirect.
pub fn manage_parts(redirect: &str) -> (String, String) {
    let url = url::Url::parse(&format!("http://x{redirect}")).expect("a path");
    let id = url.path().trim_start_matches("/bookings/").to_owned();
    let token = url
        .query_pairs()
        .find(|(k, _)| k == "token")
        .expect("a token")
        .1
        .into_owned();
    (id, token)
}

/// A browser-like client: keeps cookies, does not follow redirects.
pub fn browser() -> reqwest::Client {
    reqwest::Client::builder()
        .cookie_store(true)
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("a client")
}

/// Calls server function `F` on the server at `address`.
pub async fn call_at<F: ServerFn>(address: &str, client: &reqwest::Client, fields: &[(&str, &str)]) -> Answer {
    let response = client
        .post(format!("{address}{}", F::PATH))
        .header("Accept", "application/json")
        .form(fields)
        .send()
        .await
        .expect("the server answers");
    let redirect = ["location", "serverfnredirect"]
        .iter()
        .filter_map(|name| response.headers().get(*name))
        .filter_map(|v| v.to_str().ok())
        .find(|v| !v.is_empty())
        .map(str::to_owned);
    let status = response.status();
    let body = response.text().await.expect("a body");
    if let Some(to) = redirect.filter(|_| status.is_success() || status.is_redirection()) {
        return Answer::Redirect(to);
    }
    if status.is_success() {
        Answer::Ok(serde_json::from_str(&body).unwrap_or(serde_json::Value::Null))
    } else {
        Answer::Err(serde_json::from_str(&body).unwrap_or_else(|_| panic!("{status}: {body}")))
    }
}

impl TestApp {
    /// Calls server function `F` with form fields, as an `ActionForm` would.
    pub async fn call<F: ServerFn>(&self, client: &reqwest::Client, fields: &[(&str, &str)]) -> Answer {
        call_at::<F>(&self.address, client, fields).await
    }

    /// Signs a host up and returns a client logged in as them.
    pub async fn sign_up(&self, slug: &str) -> reqwest::Client {
        let client = browser();
        let email = format!("{slug}@example.com");
        let to = self
            .call::<app::functions::auth::SignUp>(
                &client,
                &[
                    ("form[name]", &format!("Host {slug}")),
                    ("form[email]", &email),
                    ("form[password]", "correct horse battery"),
                    ("form[slug]", slug),
                    ("form[time_zone]", "Europe/Berlin"),
                ],
            )
            .await
            .redirect();
        assert_eq!(to, "/dashboard");
        client
    }

    /// Saves event type `slug` (`id` empty: a new one) with `duration` and
    /// no limits, plus `extra` form fields; returns the server's answer.
    pub async fn save_event_type(
        &self,
        client: &reqwest::Client,
        id: &str,
        slug: &str,
        duration: u32,
        extra: &[(&str, &str)],
    ) -> Answer {
        let (name, duration) = (format!("Event {slug}"), duration.to_string());
        let mut fields: Vec<(&str, &str)> = vec![
            ("id", id),
            ("form[name]", &name),
            ("form[slug]", slug),
            ("form[duration]", &duration),
            ("form[description]", ""),
            ("form[location]", ""),
            ("form[min_notice]", "0"),
            ("form[horizon]", "60"),
            ("form[buffer_before]", "0"),
            ("form[buffer_after]", "0"),
        ];
        fields.extend_from_slice(extra);
        self.call::<app::functions::event_types::SaveEventType>(client, &fields)
            .await
    }

    /// Creates an event type for the logged-in host; returns its id.
    pub async fn create_event_type(&self, client: &reqwest::Client, slug: &str, duration: u32) -> String {
        match self.save_event_type(client, "", slug, duration, &[]).await {
            Answer::Ok(v) => v["id"].as_str().expect("an id").to_owned(),
            Answer::Redirect(_) => panic!("saving an event type answers with the saved event type"),
            Answer::Err(e) => panic!("{e:?}"),
        }
    }

    /// The first free start of an event type, as the booking page offers it.
    pub async fn first_free_slot(&self, host: &str, event: &str) -> String {
        use app::ssr::services::booking_page::{PageQuery, load};
        let page = load(&self.state.db, host, event, PageQuery::default())
            .await
            .expect("the booking page loads");
        let day = page
            .days
            .iter()
            .find(|d| d.has_slots)
            .expect("a day with free times")
            .date
            .clone();
        let query = PageQuery {
            month: Some(page.month.clone()),
            date: Some(day),
            ..PageQuery::default()
        };
        let page = load(&self.state.db, host, event, query).await.expect("the day loads");
        page.slots.first().expect("a free time").start.clone()
    }

    /// Books `start` as an invitee; returns the server's answer.
    pub async fn book(&self, host: &str, event: &str, start: &str, email: &str) -> Answer {
        self.book_with(host, event, start, email, &[]).await
    }

    /// Books `start` with more form fields (answers, phone), which replace
    /// the defaults of the same name.
    pub async fn book_with(&self, host: &str, event: &str, start: &str, email: &str, extra: &[(&str, &str)]) -> Answer {
        let mut fields: Vec<(&str, &str)> = vec![
            ("form[host]", host),
            ("form[event]", event),
            ("form[start]", start),
            ("form[time_zone]", "America/New_York"),
            ("form[name]", "Ada Lovelace"),
            ("form[email]", email),
            ("form[phone]", ""),
            ("form[notes]", ""),
        ];
        fields.retain(|(k, _)| !extra.iter().any(|(e, _)| e == k));
        fields.extend_from_slice(extra);
        self.call::<app::functions::bookings::Book>(&browser(), &fields).await
    }

    /// Makes an API key as the logged-in user would on `/settings/api-keys`.
    pub async fn create_api_key(&self, client: &reqwest::Client, name: &str) -> Answer {
        self.call::<app::functions::developer::CreateApiKey>(client, &[("name", name), ("expires_in_days", "")])
            .await
    }

    /// A new key of the logged-in user, raw.
    pub async fn api_key(&self, client: &reqwest::Client) -> String {
        self.create_api_key(client, "Tests").await.ok()["key"]
            .as_str()
            .expect("the new key")
            .to_owned()
    }

    /// A request to the REST API with `key`.
    pub fn api(&self, method: reqwest::Method, path: &str, key: &str) -> reqwest::RequestBuilder {
        reqwest::Client::new()
            .request(method, format!("{}{path}", self.address))
            .header("X-API-Key", key)
    }

    /// The JSON a `GET` of the REST API answers with `key`.
    pub async fn api_json(&self, path: &str, key: &str) -> serde_json::Value {
        let response = self
            .api(reqwest::Method::GET, path, key)
            .send()
            .await
            .expect("the server answers");
        assert!(response.status().is_success(), "{path}: {}", response.status());
        response.json().await.expect("a JSON body")
    }

    /// Moves the team of host `slug` to `plan`.
    pub async fn set_plan(&self, slug: &str, plan: &str) {
        use app::domain::team::Plan;
        use app::ssr::entities::{team, user};
        use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
        let host = user::Entity::find()
            .filter(user::Column::Slug.eq(slug))
            .one(&self.state.db)
            .await
            .unwrap()
            .expect("the host exists");
        let mut team: team::ActiveModel = team::Entity::find_by_id(&host.team_id)
            .one(&self.state.db)
            .await
            .unwrap()
            .expect("the team exists")
            .into();
        team.plan = Set(Plan::ALL
            .into_iter()
            .find(|p| p.as_str() == plan)
            .expect("a plan's name"));
        team.update(&self.state.db).await.unwrap();
    }

    /// A signed-up owner whose team is on the Pro plan.
    pub async fn pro_owner(&self, slug: &str) -> reqwest::Client {
        let client = self.sign_up(slug).await;
        self.set_plan(slug, "pro").await;
        client
    }

    /// Where a GET of `path_and_query` redirects `client`.
    pub async fn location(&self, client: &reqwest::Client, path_and_query: &str) -> String {
        let response = client
            .get(format!("{}{path_and_query}", self.address))
            .send()
            .await
            .expect("the server answers");
        assert!(response.status().is_redirection(), "{}", response.status());
        response.headers()["location"].to_str().unwrap().to_owned()
    }

    /// Connects the logged-in owner's team to the sandbox as a "Grant
    /// access" click would; returns the callback path used and where it led.
    pub async fn connect_hubspot(&self, client: &reqwest::Client) -> (String, String) {
        let authorize = self.location(client, "/integrations/hubspot/connect").await;
        assert!(authorize.starts_with(&self.hubspot.base_url), "{authorize}");
        let callback = url::Url::parse(&self.hubspot.grant(&authorize).await).unwrap();
        let callback = format!("{}?{}", callback.path(), callback.query().unwrap_or_default());
        let landed = self.location(client, &callback).await;
        (callback, landed)
    }

    /// What the server binary needs to reach this app's sandbox as this app
    /// does (and to call itself by the same public URL).
    pub fn hubspot_env(&self) -> Vec<(&'static str, String)> {
        let hubspot = self.config.hubspot.clone().expect("the sandbox is configured");
        vec![
            ("SLOTLINE_PUBLIC_URL", self.config.public_url.clone()),
            ("SLOTLINE_HUBSPOT_CLIENT_ID", hubspot.client_id),
            ("SLOTLINE_HUBSPOT_CLIENT_SECRET", hubspot.client_secret),
            ("SLOTLINE_HUBSPOT_API_BASE", hubspot.api_base),
            ("SLOTLINE_HUBSPOT_AUTH_URL", hubspot.auth_url),
            ("SLOTLINE_HUBSPOT_SEARCH_LAG_MS", "200".to_owned()),
        ]
    }

    /// Runs jobs until none is left, moving retries forward instead of
    /// waiting out their back-off.
    pub async fn drain_jobs(&self) {
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(90);
        loop {
            self.runner.run_until_idle().await.unwrap();
            let pending = self.pending_jobs().await;
            if pending == 0 {
                return;
            }
            assert!(std::time::Instant::now() < deadline, "{pending} jobs still pending");
            self.make_pending_jobs_due().await;
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }

    /// How many jobs are still to run (or running).
    pub async fn pending_jobs(&self) -> u64 {
        use app::ssr::entities::job;
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        job::Entity::find()
            .filter(job::Column::Status.eq(job::PENDING))
            .count(&self.state.db)
            .await
            .unwrap()
    }

    /// Moves every pending job's retry to now.
    pub async fn make_pending_jobs_due(&self) {
        use app::ssr::entities::job;
        use sea_orm::sea_query::Expr;
        use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
        job::Entity::update_many()
            .col_expr(job::Column::RunAt, Expr::value(chrono::Utc::now()))
            .filter(job::Column::Status.eq(job::PENDING))
            .exec(&self.state.db)
            .await
            .unwrap();
    }
}
