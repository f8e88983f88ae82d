//! Serving a sandbox: as a binary until Ctrl-C or SIGTERM, or inside a test on a free local port.

use std::fmt::Display;
use std::net::SocketAddr;
use std::process::ExitCode;

use axum::Router;
use tracing_subscriber::EnvFilter;

/// The whole life of a sandbox binary: logs as `RUST_LOG` says (default `info`), loads the listen
/// address and settings, binds, hands the origin (`http://127.0.0.1:3900`) and the settings to
/// `start` (which announces itself and builds the router) and serves until Ctrl-C or SIGTERM.
/// `name` (e.g. `"HubSpot sandbox"`) is what the log calls it.
pub async fn run<S, E: Display>(
    name: &str,
    load: impl FnOnce() -> Result<(SocketAddr, S), E>,
    start: impl FnOnce(&str, S) -> Router,
) -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();

    let (addr, settings) = match load() {
        Ok(loaded) => loaded,
        Err(error) => {
            tracing::error!(%error, "invalid configuration");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(addr).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%error, %addr, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    let origin = format!("http://{}", listener.local_addr().unwrap_or(addr));
    let router = start(&origin, settings);
    if let Err(error) = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
    {
        tracing::error!(%error, "server error");
        return ExitCode::FAILURE;
    }
    tracing::info!("{name} stopped");
    ExitCode::SUCCESS
}

/// Binds `127.0.0.1:0`, then serves the router `build` makes in a background tokio task until the
/// runtime ends; the origin, e.g. `http://127.0.0.1:41234`. `name` (e.g. `"stripe sandbox"`) is
/// what panics and the log call it.
///
/// # Panics
/// If no local port can be bound: a test cannot go on without its sandbox.
pub async fn spawn_local(name: &'static str, build: impl FnOnce() -> Router) -> String {
    let listener = match tokio::net::TcpListener::bind("127.0.0.1:0").await {
        Ok(listener) => listener,
        Err(error) => panic!("{name}: cannot bind 127.0.0.1:0: {error}"),
    };
    let address = match listener.local_addr() {
        Ok(address) => address,
        Err(error) => panic!("{name}: no local address: {error}"),
    };
    let router = build();
    tokio::spawn(async move {
        if let Err(error) = axum::serve(listener, router).await {
            tracing::error!(%error, "{name} stopped serving");
        }
    });
    format!("http://{address}")
}

/// Resolves on Ctrl-C or, on Unix, SIGTERM (what Playwright and `make` send).
async fn shutdown_signal() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            tracing::error!(%error, "cannot listen for Ctrl-C");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(error) => {
                tracing::error!(%error, "cannot listen for SIGTERM");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::get;

    #[tokio::test]
    async fn a_local_sandbox_answers_on_its_origin() {
        let origin = spawn_local("test sandbox", || Router::new().route("/", get(|| async { "hello" }))).await;
        assert!(origin.starts_with("http://127.0.0.1:"));
        let answer = reqwest::get(&origin).await.expect("an answer");
        assert_eq!(answer.text().await.expect("a body"), "hello");
    }
}
