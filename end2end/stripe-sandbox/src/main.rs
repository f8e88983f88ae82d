//! `stripe-sandbox`: serves the Stripe stand-in over HTTP for `make run` and the Playwright tests,
//! configured by `STRIPE_SANDBOX_*` variables (see `ServeOptions::from_env`), until Ctrl-C or
//! SIGTERM.

use std::process::ExitCode;

use stripe_sandbox::{Sandbox, ServeOptions};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> ExitCode {
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::fmt().with_env_filter(filter).init();

    let options = match ServeOptions::from_env() {
        Ok(options) => options,
        Err(error) => {
            tracing::error!(%error, "invalid configuration");
            return ExitCode::FAILURE;
        }
    };
    let listener = match tokio::net::TcpListener::bind(options.addr).await {
        Ok(listener) => listener,
        Err(error) => {
            tracing::error!(%error, addr = %options.addr, "cannot listen");
            return ExitCode::FAILURE;
        }
    };
    let origin = format!("http://{}", listener.local_addr().unwrap_or(options.addr));
    tracing::info!("Stripe sandbox on {origin}: SLOTLINE_STRIPE_API_BASE={origin}");
    if let Some(url) = &options.config.webhook_url {
        tracing::info!(%url, "sending webhooks");
    }
    let router = Sandbox::new(options.config).router();
    if let Err(error) = axum::serve(listener, router)
        .with_graceful_shutdown(shutdown_signal())
        .await
    {
        tracing::error!(%error, "server error");
        return ExitCode::FAILURE;
    }
    tracing::info!("Stripe sandbox stopped");
    ExitCode::SUCCESS
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
