//! `hubspot-sandbox`: serves the HubSpot stand-in over HTTP for `make run` and the Playwright
//! tests, configured by `HUBSPOT_SANDBOX_*` variables (see `ServeOptions::from_env`), until Ctrl-C
//! or SIGTERM.

use std::process::ExitCode;

use hubspot_sandbox::{Sandbox, ServeOptions};

#[tokio::main]
async fn main() -> ExitCode {
    let load = || ServeOptions::from_env().map(|options| (options.addr, options.config));
    sandbox_support::serve::run("HubSpot sandbox", load, |origin, config| {
        tracing::info!(
            hub_id = config.hub_id,
            client_id = %config.client_id,
            "HubSpot sandbox on {origin}: SLOTLINE_HUBSPOT_API_BASE={origin} SLOTLINE_HUBSPOT_AUTH_URL={origin}/oauth/authorize"
        );
        if let Some(target) = &config.webhook_target {
            tracing::info!(%target, "sending app webhooks");
        }
        Sandbox::new(config).router()
    })
    .await
}
