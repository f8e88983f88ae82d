//! `stripe-sandbox`: serves the Stripe stand-in over HTTP for `make run` and the Playwright tests,
//! configured by `STRIPE_SANDBOX_*` variables (see `ServeOptions::from_env`), until Ctrl-C or
//! SIGTERM.

use std::process::ExitCode;

use stripe_sandbox::{Sandbox, ServeOptions};

#[tokio::main]
async fn main() -> ExitCode {
    let load = || ServeOptions::from_env().map(|options| (options.addr, options.config));
    sandbox_support::serve::run("Stripe sandbox", load, |origin, config| {
        tracing::info!("Stripe sandbox on {origin}: SLOTLINE_STRIPE_API_BASE={origin}");
        if let Some(url) = &config.webhook_url {
            tracing::info!(%url, "sending webhooks");
        }
        Sandbox::new(config).router()
    })
    .await
}
