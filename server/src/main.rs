//! The `server` binary: serves Slotline, or runs an operator's command
//! (`jobs …`, `admin …`; see `admin::USAGE`).
use app::ssr::crypto::SecretBox;
use server::{admin, config::Config, startup, startup::Application, telemetry};

/// mimalloc rather than glibc's allocator: glibc keeps what each thread
/// freed in an arena of that thread's, so the 19 MiB of every Argon2 hash
/// and the bursts of a request flood stayed resident long after (measured
/// by `cargo bench -p server --bench login_flood`; see the README).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().is_some_and(|a| a == "--version") {
        println!("slotline server {}", env!("CARGO_PKG_VERSION"));
        println!("free-mail domains: {}", app::ssr::free_email::source());
        return Ok(());
    }
    telemetry::init();
    let config = Config::from_env()?;
    match args.split_first() {
        None => {}
        Some((command, rest)) if command == "jobs" => {
            let db = startup::connect(&config.database_url, config.database_pool).await?;
            return admin::jobs(&db, rest).await;
        }
        Some((command, rest)) if command == "admin" => {
            let db = startup::connect(&config.database_url, config.database_pool).await?;
            let secrets = SecretBox::with_old_keys(&config.secret_key, &config.old_secret_keys);
            return admin::admin(&db, &secrets, rest).await;
        }
        Some(_) => anyhow::bail!("{}\n(without arguments the server starts)", admin::USAGE),
    }
    let app = Application::build(config).await?;
    tracing::info!(address = %app.address(), "Slotline is listening");
    app.run_until_stopped(shutdown_signal()).await
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        if let Ok(mut signal) = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            signal.recv().await;
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
