//! Settings from the environment, as CONTRACTS.md §1 names them.
use anyhow::{Context, bail};
use app::ssr::services::bookings::BookingLimits;
use app::ssr::services::retention::DEFAULT_RETENTION_DAYS;
use base64::Engine as _;
use rand::RngCore;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    /// `SLOTLINE_DATABASE_POOL`: database connections this process keeps
    /// at most; [`default_database_pool`] unless set.
    pub database_pool: u32,
    pub site_addr: SocketAddr,
    pub site_root: String,
    pub public_url: String,
    pub secret_key: [u8; 32],
    /// `SLOTLINE_SECRET_KEYS_OLD`: earlier keys, comma-separated, that still
    /// open what they sealed until `server admin reseal` has run.
    pub old_secret_keys: Vec<[u8; 32]>,
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub data_dir: PathBuf,
    /// Seed the demo host into an empty database (`make run` sets it).
    pub seed_demo: bool,
    /// The demo host's password instead of a generated one (browser tests log in with it).
    pub demo_password: Option<String>,
    /// `SLOTLINE_DEMO_STRIPE_SECRET_KEY` and `…_WEBHOOK_SECRET`: the demo
    /// team's Stripe keys (`make run` sets the sandbox's).
    pub demo_stripe: Option<(String, String)>,
    pub job_workers: usize,
    /// `SLOTLINE_JOB_LEASE_SECS`: how long a running job's claim lasts
    /// unrenewed, so how soon a job whose process died runs again.
    pub job_lease: std::time::Duration,
    /// Set when HubSpot app credentials are.
    pub hubspot: Option<HubspotSettings>,
    /// `SLOTLINE_STRIPE_API_BASE`: Stripe's API origin (the sandbox in
    /// tests and the demo). Each team brings its own keys.
    pub stripe_api_base: String,
    /// `SLOTLINE_WEBHOOK_ALLOW_PRIVATE=1`: webhooks may target loopback and
    /// private networks (tests, on-premise).
    pub webhook_allow_private: bool,
    /// Peers whose `X-Forwarded-For` names the client (`SLOTLINE_TRUSTED_PROXIES`,
    /// comma-separated addresses or CIDR ranges).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// `SLOTLINE_API_REQUESTS_PER_MINUTE`: each API user's allowance (60,
    /// CONTRACTS §3); a test that explores the API sets more.
    pub api_requests_per_minute: u32,
    /// `SLOTLINE_WEBHOOK_FIRST_RETRY_MS`: the first retry of a failed
    /// webhook delivery (30 s); tests shorten it.
    pub webhook_first_retry: std::time::Duration,
    /// `SLOTLINE_REDIS_URL`: where processes sharing one database also
    /// share their rate limits; without it each process keeps its own.
    pub redis_url: Option<String>,
    /// `SLOTLINE_REDIS_PREFIX`: what this deployment's Redis keys start with.
    pub redis_prefix: String,
    /// `SLOTLINE_LOGIN_ATTEMPTS_PER_MINUTE`, `SLOTLINE_SIGNUPS_PER_HOUR` and
    /// `SLOTLINE_BOOKINGS_PER_IP_PER_HOUR`: attempts one client IP may make;
    /// `SLOTLINE_BOOKINGS_PER_EMAIL_PER_HOUR` and
    /// `SLOTLINE_BOOKINGS_PER_HOST_PER_HOUR`: bookings one invitee e-mail
    /// and one host take.
    pub access_limits: app::ssr::access::AccessLimits,
    /// `SLOTLINE_RETENTION_DAYS`: how long finished jobs, events, webhook
    /// deliveries and the HubSpot sync log are kept.
    pub retention_days: u32,
    /// `SLOTLINE_OPERATOR_EMAILS`: comma-separated e-mails of the people who
    /// run this server; they alone set plans on the team page.
    pub operator_emails: Vec<String>,
    /// `SLOTLINE_METRICS=1`: Prometheus metrics at `GET /metrics`.
    pub metrics: bool,
}

/// A HubSpot public app and where HubSpot (or a stand-in) answers.
#[derive(Clone)]
pub struct HubspotSettings {
    pub client_id: String,
    pub client_secret: String,
    /// API origin, e.g. `https://api.hubapi.com`.
    pub api_base: String,
    /// The consent page, e.g. `https://app.hubspot.com/oauth/authorize`.
    pub auth_url: String,
    /// Requests per 10 s per portal Slotline allows itself (HubSpot allows 110).
    pub requests_per_10s: u32,
    /// How long HubSpot's search takes to show a new object.
    pub search_lag: std::time::Duration,
    /// A call unanswered this long is given up (its outcome unknown).
    pub request_timeout: std::time::Duration,
    /// How often two-way sync pulls HubSpot's contact changes.
    pub pull_interval: std::time::Duration,
}

impl std::fmt::Debug for HubspotSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HubspotSettings")
            .field("client_id", &self.client_id)
            .field("api_base", &self.api_base)
            .field("auth_url", &self.auth_url)
            .finish_non_exhaustive()
    }
}

impl HubspotSettings {
    fn from_env() -> anyhow::Result<Option<Self>> {
        let (Some(client_id), Some(client_secret)) =
            (var("SLOTLINE_HUBSPOT_CLIENT_ID"), var("SLOTLINE_HUBSPOT_CLIENT_SECRET"))
        else {
            return Ok(None);
        };
        let api_base = var("SLOTLINE_HUBSPOT_API_BASE").unwrap_or_else(|| "https://api.hubapi.com".into());
        let auth_url =
            var("SLOTLINE_HUBSPOT_AUTH_URL").unwrap_or_else(|| "https://app.hubspot.com/oauth/authorize".into());
        url::Url::parse(&api_base).context("SLOTLINE_HUBSPOT_API_BASE must be an absolute URL")?;
        url::Url::parse(&auth_url).context("SLOTLINE_HUBSPOT_AUTH_URL must be an absolute URL")?;
        let number = |name: &str, default: u64| -> anyhow::Result<u64> {
            var(name).map_or(Ok(default), |v| {
                v.parse().with_context(|| format!("{name} must be a whole number"))
            })
        };
        Ok(Some(Self {
            client_id,
            client_secret,
            api_base: api_base.trim_end_matches('/').to_owned(),
            auth_url,
            requests_per_10s: u32::try_from(number("SLOTLINE_HUBSPOT_REQUESTS_PER_10S", 100)?)?,
            search_lag: std::time::Duration::from_millis(number("SLOTLINE_HUBSPOT_SEARCH_LAG_MS", 10_000)?),
            request_timeout: std::time::Duration::from_millis(number("SLOTLINE_HUBSPOT_TIMEOUT_MS", 15_000)?),
            pull_interval: std::time::Duration::from_secs(number("SLOTLINE_HUBSPOT_PULL_INTERVAL_SECS", 600)?.max(1)),
        }))
    }
}

fn var(name: &str) -> Option<String> {
    std::env::var(name).ok().filter(|v| !v.trim().is_empty())
}

impl Config {
    pub fn from_env() -> anyhow::Result<Self> {
        let data_dir = PathBuf::from(var("SLOTLINE_DATA_DIR").unwrap_or_else(|| "data".into()));
        let database_url = var("SLOTLINE_DATABASE_URL")
            .unwrap_or_else(|| format!("sqlite://{}/slotline.db?mode=rwc", data_dir.display()));
        let site_addr = var("LEPTOS_SITE_ADDR")
            .unwrap_or_else(|| "127.0.0.1:3000".into())
            .parse()
            .context("LEPTOS_SITE_ADDR must be host:port")?;
        let public_url = var("SLOTLINE_PUBLIC_URL").unwrap_or_else(|| "http://127.0.0.1:3000".into());
        url::Url::parse(&public_url).context("SLOTLINE_PUBLIC_URL must be an absolute URL")?;
        let secret_key = match var("SLOTLINE_SECRET_KEY") {
            Some(encoded) => decode_key(&encoded)?,
            None if database_url.starts_with("postgres") => {
                bail!("SLOTLINE_SECRET_KEY is required with PostgreSQL: 32 random bytes, base64 encoded")
            }
            None => dev_key(&data_dir.join("secret.key"))?,
        };
        Ok(Self {
            database_url,
            site_addr,
            site_root: var("LEPTOS_SITE_ROOT").unwrap_or_else(|| "target/site".into()),
            public_url: public_url.trim_end_matches('/').to_owned(),
            secret_key,
            old_secret_keys: var("SLOTLINE_SECRET_KEYS_OLD").map_or(Ok(Vec::new()), |list| {
                list.split(',')
                    .map(str::trim)
                    .filter(|key| !key.is_empty())
                    .map(|key| decode_key(key).context("in SLOTLINE_SECRET_KEYS_OLD"))
                    .collect::<anyhow::Result<Vec<_>>>()
            })?,
            smtp_url: var("SLOTLINE_SMTP_URL"),
            mail_from: var("SLOTLINE_MAIL_FROM").unwrap_or_else(|| "Slotline <no-reply@localhost>".into()),
            data_dir,
            seed_demo: var("SLOTLINE_SEED_DEMO").is_some_and(|v| v == "1"),
            demo_password: var("SLOTLINE_DEMO_PASSWORD"),
            demo_stripe: var("SLOTLINE_DEMO_STRIPE_SECRET_KEY").zip(var("SLOTLINE_DEMO_STRIPE_WEBHOOK_SECRET")),
            database_pool: var("SLOTLINE_DATABASE_POOL")
                .map_or(Ok(default_database_pool()), |size| parse_pool(&size))?,
            job_workers: var("SLOTLINE_JOB_WORKERS").and_then(|v| v.parse().ok()).unwrap_or(4),
            job_lease: std::time::Duration::from_secs(
                var("SLOTLINE_JOB_LEASE_SECS")
                    .and_then(|v| v.parse().ok())
                    .unwrap_or(60)
                    .max(3),
            ),
            hubspot: HubspotSettings::from_env()?,
            stripe_api_base: stripe_api_base()?,
            webhook_allow_private: var("SLOTLINE_WEBHOOK_ALLOW_PRIVATE").is_some_and(|v| v == "1"),
            webhook_first_retry: var("SLOTLINE_WEBHOOK_FIRST_RETRY_MS").map_or(
                Ok(crate::jobs::backoff::WEBHOOK_FIRST_RETRY),
                |ms| {
                    ms.parse()
                        .map(std::time::Duration::from_millis)
                        .context("SLOTLINE_WEBHOOK_FIRST_RETRY_MS must be a whole number")
                },
            )?,
            trusted_proxies: var("SLOTLINE_TRUSTED_PROXIES").map_or(Ok(Vec::new()), |list| parse_proxies(&list))?,
            api_requests_per_minute: var("SLOTLINE_API_REQUESTS_PER_MINUTE").map_or(
                Ok(crate::api::rate_limit::USER_PER_MINUTE),
                |n| {
                    n.parse()
                        .ok()
                        .filter(|n| *n > 0)
                        .context("SLOTLINE_API_REQUESTS_PER_MINUTE must be a positive whole number")
                },
            )?,
            redis_url: var("SLOTLINE_REDIS_URL"),
            redis_prefix: var("SLOTLINE_REDIS_PREFIX").unwrap_or_else(|| "slotline".into()),
            access_limits: access_limits()?,
            retention_days: var("SLOTLINE_RETENTION_DAYS").map_or(Ok(DEFAULT_RETENTION_DAYS), |days| {
                days.parse()
                    .ok()
                    .filter(|days| *days > 0)
                    .context("SLOTLINE_RETENTION_DAYS must be a positive whole number")
            })?,
            operator_emails: var("SLOTLINE_OPERATOR_EMAILS").map_or_else(Vec::new, |list| operator_emails(&list)),
            metrics: var("SLOTLINE_METRICS").is_some_and(|v| v == "1"),
        })
    }
}

const STRIPE_API_BASE: &str = "https://api.stripe.com";

fn stripe_api_base() -> anyhow::Result<String> {
    let base = var("SLOTLINE_STRIPE_API_BASE").unwrap_or_else(|| STRIPE_API_BASE.into());
    url::Url::parse(&base).context("SLOTLINE_STRIPE_API_BASE must be an absolute URL")?;
    Ok(base.trim_end_matches('/').to_owned())
}

fn operator_emails(list: &str) -> Vec<String> {
    list.split(',')
        .map(|email| email.trim().to_lowercase())
        .filter(|email| !email.is_empty())
        .collect()
}

fn access_limits() -> anyhow::Result<app::ssr::access::AccessLimits> {
    let defaults = app::ssr::access::AccessLimits::default();
    let limit = |name: &str, default: u32| -> anyhow::Result<u32> {
        var(name).map_or(Ok(default), |raw| {
            raw.parse()
                .ok()
                .filter(|n| *n > 0)
                .with_context(|| format!("{name} must be a positive whole number"))
        })
    };
    Ok(app::ssr::access::AccessLimits {
        log_ins_per_minute: limit("SLOTLINE_LOGIN_ATTEMPTS_PER_MINUTE", defaults.log_ins_per_minute)?,
        sign_ups_per_hour: limit("SLOTLINE_SIGNUPS_PER_HOUR", defaults.sign_ups_per_hour)?,
        bookings_per_ip_per_hour: limit("SLOTLINE_BOOKINGS_PER_IP_PER_HOUR", defaults.bookings_per_ip_per_hour)?,
        bookings: BookingLimits {
            per_email_per_hour: limit(
                "SLOTLINE_BOOKINGS_PER_EMAIL_PER_HOUR",
                defaults.bookings.per_email_per_hour,
            )?,
            per_host_per_hour: limit(
                "SLOTLINE_BOOKINGS_PER_HOST_PER_HOUR",
                defaults.bookings.per_host_per_hour,
            )?,
        },
    })
}

impl Config {
    /// Everything in-process on loopback: a SQLite database in `data_dir`,
    /// port 0, emails to the outbox, no HubSpot, no job workers. Tests and
    /// benchmarks start from it and change what they need.
    pub fn local(data_dir: PathBuf) -> Self {
        Self {
            database_url: format!("sqlite://{}/slotline.db?mode=rwc", data_dir.display()),
            database_pool: default_database_pool(),
            site_addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            site_root: "target/site".into(),
            public_url: "http://slotline.test".into(),
            secret_key: [7; 32],
            old_secret_keys: Vec::new(),
            smtp_url: None,
            mail_from: "Slotline <no-reply@slotline.test>".into(),
            data_dir,
            seed_demo: false,
            demo_password: None,
            demo_stripe: None,
            job_workers: 0,
            job_lease: std::time::Duration::from_secs(60),
            hubspot: None,
            stripe_api_base: STRIPE_API_BASE.into(),
            webhook_allow_private: false,
            trusted_proxies: Vec::new(),
            api_requests_per_minute: crate::api::rate_limit::USER_PER_MINUTE,
            webhook_first_retry: crate::jobs::backoff::WEBHOOK_FIRST_RETRY,
            redis_url: None,
            redis_prefix: "slotline".into(),
            access_limits: app::ssr::access::AccessLimits::default(),
            retention_days: DEFAULT_RETENTION_DAYS,
            operator_emails: Vec::new(),
            metrics: false,
        }
    }
}

/// Twice the cores plus one, from 4 to 16: enough connections to keep the
/// cores busy while others wait on the network or a disk sync, few enough
/// that they do not queue for the CPU inside the database. A burst of 50
/// bookings on 2 cores answered in 92 ms at p99 with 16 connections and in
/// 55 ms with 5 on PostgreSQL; SQLite's writers, which take turns anyway,
/// went from 940 ms to 100 ms (README, Performance).
pub fn default_database_pool() -> u32 {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZero::get);
    u32::try_from(2 * cores + 1).unwrap_or(u32::MAX).clamp(4, 16)
}

fn parse_pool(size: &str) -> anyhow::Result<u32> {
    match size.trim().parse::<u32>() {
        Ok(size) if size > 0 => Ok(size),
        _ => bail!("SLOTLINE_DATABASE_POOL must be a whole number of connections above 0, not {size:?}"),
    }
}

fn parse_proxies(list: &str) -> anyhow::Result<Vec<ipnet::IpNet>> {
    list.split(',')
        .map(str::trim)
        .filter(|entry| !entry.is_empty())
        .map(|entry| {
            entry
                .parse::<ipnet::IpNet>()
                .or_else(|_| entry.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
                .with_context(|| format!("SLOTLINE_TRUSTED_PROXIES: {entry:?} is not an address or CIDR range"))
        })
        .collect()
}

fn decode_key(encoded: &str) -> anyhow::Result<[u8; 32]> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(encoded.trim())
        .context("SLOTLINE_SECRET_KEY must be base64")?;
    bytes
        .try_into()
        .map_err(|_| anyhow::anyhow!("SLOTLINE_SECRET_KEY must decode to exactly 32 bytes"))
}

/// For development on SQLite: a key generated once and kept beside the database.
fn dev_key(path: &Path) -> anyhow::Result<[u8; 32]> {
    if let Ok(existing) = std::fs::read_to_string(path) {
        return decode_key(&existing);
    }
    let mut key = [0u8; 32];
    rand::rng().fill_bytes(&mut key);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    write_private(path, base64::engine::general_purpose::STANDARD.encode(key).as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    tracing::warn!(path = %path.display(), "generated a development secret key; set SLOTLINE_SECRET_KEY in production");
    Ok(key)
}

/// Writes a file only its owner can read (mode 0600 on Unix), refusing to
/// replace one that exists.
fn write_private(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)?.write_all(contents)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_generated_key_file_is_readable_by_its_owner_only() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = std::env::temp_dir().join(format!("slotline-key-{}", std::process::id()));
        let path = dir.join("secret.key");
        let key = dev_key(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "{mode:o}");
        assert_eq!(dev_key(&path).unwrap(), key, "read back, not regenerated");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[test]
    fn trusted_proxies_are_addresses_or_ranges() {
        let proxies = parse_proxies("10.0.0.1, 192.168.0.0/16,::1").unwrap();
        assert_eq!(proxies.len(), 3);
        assert!(proxies[1].contains(&"192.168.4.5".parse::<std::net::IpAddr>().unwrap()));
        assert!(parse_proxies("10.0.0.1, nonsense").is_err());
    }

    #[test]
    fn a_pool_is_a_count_of_connections() {
        assert_eq!(parse_pool(" 8 ").unwrap(), 8);
        for bad in ["0", "-1", "eight", ""] {
            let error = parse_pool(bad).unwrap_err().to_string();
            assert!(error.contains("SLOTLINE_DATABASE_POOL"), "{error}");
        }
        assert!((4..=16).contains(&default_database_pool()));
    }

    #[test]
    fn a_key_must_be_32_bytes_of_base64() {
        assert!(decode_key(&base64::engine::general_purpose::STANDARD.encode([7u8; 32])).is_ok());
        assert!(decode_key(&base64::engine::general_purpose::STANDARD.encode([7u8; 16])).is_err());
        assert!(decode_key("not base64!").is_err());
    }
}
