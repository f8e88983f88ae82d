//! Builds the whole server from a [`Config`]: database, migrations, mailer,
//! job runner and router. Tests build it the same way on port 0.
use crate::api::rate_limit::RateLimits;
use crate::config::Config;
use crate::email::Mailer;
use crate::http::{ServerState, router};
use crate::integrations::hubspot::properties::LiveProperties;
use crate::integrations::hubspot::{HubspotApi, HubspotOAuth};
use crate::integrations::stripe::StripeClient;
use crate::jobs::{JobContext, JobRunner};
use crate::shared_limits::SharedLimits;
use crate::webhooks::WebhookClient;
use anyhow::Context;
use app::ssr::access::AccessGuards;
use app::ssr::crypto::SecretBox;
use app::ssr::jobs::{CheckHubspotConnections, JobsReady, PurgeExpiredData, schedule_once};
use app::ssr::services::hubspot::mappings::PropertySource;
use app::ssr::{AppConfig, AppState};
use leptos::prelude::LeptosOptions;
use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{ConnectOptions, Database, DatabaseConnection};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;
use tokio::sync::watch;

pub struct Application {
    listener: TcpListener,
    address: SocketAddr,
    state: AppState,
    runner: JobRunner,
    leptos: LeptosOptions,
    hubspot: Option<Arc<HubspotOAuth>>,
    rate_limits: Arc<RateLimits>,
    job_workers: usize,
    /// Set when HubSpot is configured: how often contact sync pulls.
    contact_pull_interval: Option<std::time::Duration>,
    /// `GET /metrics` answers (its recorder is installed).
    metrics: bool,
}

/// A pool of at most `pool` connections to `database_url`.
pub async fn connect(database_url: &str, pool: u32) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(database_url.to_owned());
    options
        .max_connections(pool)
        // SQLx pings every connection it hands out, a round trip of its own
        // before each request's first query and each transaction (two of
        // a booking's fifteen). Only a connection idle long enough for the
        // server or a firewall to have dropped it is pinged now.
        .test_before_acquire_if_idle_for(std::time::Duration::from_secs(30))
        .sqlx_logging(false)
        // Write-ahead logging: pages and job workers read while a booking
        // writes, instead of waiting for it (measured in the README).
        .map_sqlx_sqlite_opts(|sqlite| sqlite.journal_mode(SqliteJournalMode::Wal));
    Database::connect(options).await.context("connecting to the database")
}

/// Queues today's purge, and today's HubSpot connection check when HubSpot
/// is configured; each has a fixed id per day, so every process may ask.
async fn schedule_daily_jobs(
    db: &DatabaseConnection,
    now: chrono::DateTime<chrono::Utc>,
    hubspot_configured: bool,
) -> Result<(), sea_orm::DbErr> {
    let purge = PurgeExpiredData { day: now.date_naive() };
    schedule_once(db, &purge, purge.id(), now).await?;
    if hubspot_configured {
        let check = CheckHubspotConnections { day: now.date_naive() };
        schedule_once(db, &check, check.id(), now).await?;
    }
    Ok(())
}

/// Queues two-way contact sync's pulls and nightly reconciles as they come
/// due, checking at least every minute (see `contact_sync::schedule`).
async fn schedule_contact_sync(state: AppState, interval: std::time::Duration) {
    let pull_every = chrono::Duration::from_std(interval).unwrap_or(chrono::Duration::minutes(10));
    let mut every = tokio::time::interval(interval.min(std::time::Duration::from_secs(60)));
    loop {
        every.tick().await;
        match app::ssr::services::contact_sync::schedule::tick(&state.db, chrono::Utc::now(), pull_every).await {
            Ok(()) => app::ssr::jobs_ready(&state),
            Err(error) => tracing::warn!(%error, "scheduling contact sync failed"),
        }
    }
}

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&config.data_dir).with_context(|| format!("creating {}", config.data_dir.display()))?;
        if config.metrics {
            crate::monitoring::handle();
        }
        let db = connect(&config.database_url, config.database_pool).await?;
        Migrator::up(&db, None).await.context("running migrations")?;
        let secrets = SecretBox::with_old_keys(&config.secret_key, &config.old_secret_keys);
        let demo_stripe =
            config
                .demo_stripe
                .clone()
                .map(|(secret_key, webhook_secret)| app::ssr::services::stripe::StripeKeys {
                    secret_key,
                    webhook_secret,
                });
        if config.seed_demo
            && let Some(password) =
                app::ssr::services::accounts::seed_demo(&db, &secrets, config.demo_password.clone(), demo_stripe)
                    .await
                    .map_err(|e| anyhow::anyhow!("{e}"))?
        {
            tracing::info!(
                "Demo host created: book it at {}/demo/intro; log in as demo@slotline.test with password {password}",
                config.public_url
            );
        }
        let mailer = Mailer::new(
            config.smtp_url.as_deref(),
            &config.data_dir.join("outbox"),
            &config.mail_from,
        )?;
        let ready = Arc::new(JobsReady::default());
        let hubspot = config
            .hubspot
            .clone()
            .map(|settings| HubspotOAuth::new(settings, &config.public_url).map(Arc::new))
            .transpose()
            .context("setting up the HubSpot OAuth client")?;
        let shared_limits = match &config.redis_url {
            Some(url) => Some(
                SharedLimits::connect(url, &config.redis_prefix)
                    .await
                    .context("connecting to Redis (SLOTLINE_REDIS_URL)")?,
            ),
            None => None,
        };
        let hubspot_api = config
            .hubspot
            .as_ref()
            .map(|settings| {
                HubspotApi::new(
                    &settings.api_base,
                    settings.requests_per_10s,
                    settings.request_timeout,
                    shared_limits.clone(),
                )
                .map(Arc::new)
            })
            .transpose()
            .context("setting up the HubSpot API client")?;
        let stripe = StripeClient::new(&config.stripe_api_base).context("setting up the Stripe client")?;
        let state = AppState {
            db: db.clone(),
            config: Arc::new(AppConfig {
                public_url: config.public_url.clone(),
                hubspot_configured: hubspot.is_some(),
                webhook_allow_private: config.webhook_allow_private,
                operator_emails: config.operator_emails.clone(),
            }),
            secrets: secrets.clone(),
            jobs_ready: ready.clone(),
            access: Arc::new(AccessGuards::new(config.access_limits)),
            hubspot_properties: hubspot.clone().zip(hubspot_api.clone()).map(|(oauth, api)| {
                Arc::new(LiveProperties {
                    db: db.clone(),
                    secrets: secrets.clone(),
                    oauth,
                    api,
                }) as Arc<dyn PropertySource>
            }),
            payments: Arc::new(stripe.clone()),
        };
        let runner = JobRunner::new(
            JobContext {
                db,
                mailer,
                public_url: config.public_url.clone(),
                secrets,
                hubspot: hubspot.clone(),
                hubspot_api,
                hubspot_search_lag: config
                    .hubspot
                    .as_ref()
                    .map_or(std::time::Duration::ZERO, |settings| settings.search_lag),
                webhooks: WebhookClient::new(config.webhook_allow_private).context("setting up the webhook client")?,
                webhook_first_retry: config.webhook_first_retry,
                stripe,
                retention: chrono::Duration::days(config.retention_days.into()),
            },
            ready,
            chrono::Duration::from_std(config.job_lease).unwrap_or(chrono::Duration::seconds(60)),
        );
        let listener = TcpListener::bind(config.site_addr)
            .await
            .with_context(|| format!("binding {}", config.site_addr))?;
        let address = listener.local_addr()?;
        let leptos = LeptosOptions::builder()
            .output_name("slotline")
            .site_root(config.site_root.clone())
            .site_pkg_dir("pkg")
            .hash_files(crate::http::assets::hashed_build())
            .site_addr(address)
            .build();
        Ok(Self {
            listener,
            address,
            state,
            runner,
            leptos,
            hubspot,
            rate_limits: Arc::new(
                RateLimits::new(config.trusted_proxies.clone())
                    .per_user(config.api_requests_per_minute)
                    .shared(shared_limits),
            ),
            job_workers: config.job_workers,
            contact_pull_interval: config.hubspot.as_ref().map(|h| h.pull_interval),
            metrics: config.metrics,
        })
    }

    pub fn address(&self) -> SocketAddr {
        self.address
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    pub fn runner(&self) -> JobRunner {
        self.runner.clone()
    }

    /// Serves HTTP and runs job workers until `shutdown` completes.
    pub async fn run_until_stopped(self, shutdown: impl Future<Output = ()> + Send + 'static) -> anyhow::Result<()> {
        let (stop_tx, stop_rx) = watch::channel(false);
        let workers = self.runner.spawn_workers(self.job_workers, stop_rx);
        let sessions_db = self.state.db.clone();
        let rate_limits = self.rate_limits.clone();
        let access = self.state.access.clone();
        // Only a process that runs jobs schedules the daily ones.
        let schedules_daily = self.job_workers > 0;
        let hubspot_configured = self.hubspot.is_some();
        let purge = tokio::spawn(async move {
            let mut every = tokio::time::interval(std::time::Duration::from_secs(3600));
            loop {
                every.tick().await;
                rate_limits.retain_recent();
                access.retain_recent();
                if let Err(error) = app::ssr::auth::purge_expired_sessions(&sessions_db).await {
                    tracing::warn!(error = %error, "purging expired sessions failed");
                }
                if schedules_daily
                    && let Err(error) = schedule_daily_jobs(&sessions_db, chrono::Utc::now(), hubspot_configured).await
                {
                    tracing::warn!(error = %error, "scheduling the daily jobs failed");
                }
            }
        });
        let contact_sync = match (schedules_daily, self.contact_pull_interval) {
            (true, Some(interval)) => Some(tokio::spawn(schedule_contact_sync(self.state.clone(), interval))),
            _ => None,
        };
        let app = router(ServerState {
            app: self.state,
            leptos: self.leptos,
            hubspot: self.hubspot,
            rate_limits: self.rate_limits,
            metrics: self.metrics,
        })?;
        // The peer address is the client IP the API's rate limits key on.
        let served = axum::serve(self.listener, app.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown)
            .await;
        let _ = stop_tx.send(true);
        purge.abort();
        if let Some(task) = contact_sync {
            task.abort();
        }
        for worker in workers {
            let _ = worker.await;
        }
        served.context("serving HTTP")
    }
}
