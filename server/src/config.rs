//! Settings from the environment, as CONTRACTS.md §1 names them.
use anyhow::{Context, bail};
use base64::Engine as _;
use rand::RngCore;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone)]
pub struct Config {
    pub database_url: String,
    pub site_addr: SocketAddr,
    pub site_root: String,
    pub public_url: String,
    pub secret_key: [u8; 32],
    pub smtp_url: Option<String>,
    pub mail_from: String,
    pub data_dir: PathBuf,
    /// Seed the demo host into an empty database (`make run` sets it).
    pub seed_demo: bool,
    pub job_workers: usize,
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
            smtp_url: var("SLOTLINE_SMTP_URL"),
            mail_from: var("SLOTLINE_MAIL_FROM").unwrap_or_else(|| "Slotline <no-reply@localhost>".into()),
            data_dir,
            seed_demo: var("SLOTLINE_SEED_DEMO").is_some_and(|v| v == "1"),
            job_workers: var("SLOTLINE_JOB_WORKERS").and_then(|v| v.parse().ok()).unwrap_or(4),
        })
    }
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
    std::fs::write(path, base64::engine::general_purpose::STANDARD.encode(key))
        .with_context(|| format!("writing {}", path.display()))?;
    tracing::warn!(path = %path.display(), "generated a development secret key; set SLOTLINE_SECRET_KEY in production");
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_must_be_32_bytes_of_base64() {
        assert!(decode_key(&base64::engine::general_purpose::STANDARD.encode([7u8; 32])).is_ok());
        assert!(decode_key(&base64::engine::general_purpose::STANDARD.encode([7u8; 16])).is_err());
        assert!(decode_key("not base64!").is_err());
    }
}
