//! Sends deliveries: a 10 s timeout, no redirects, and a resolver that
//! refuses names resolving to internal addresses, so a public name cannot be
//! re-pointed at the local network after the webhook was accepted (DNS
//! rebinding). The check and the connection use the same lookup.
use super::signature::{slotline_signature, standard_signature};
use app::ssr::services::webhooks::target::is_internal;
use app::ssr::services::webhooks::{Outgoing, RESPONSE_BODY_LIMIT};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use std::net::SocketAddr;
use std::time::Duration;
use url::{Host, Url};

pub const TIMEOUT: Duration = Duration::from_secs(10);

/// The target resolved to an internal address: refused, not retried.
#[derive(Debug, thiserror::Error)]
#[error("{0} resolves to a private, loopback or link-local address; Slotline does not send there")]
pub struct RefusedAddress(String);

struct PublicOnly {
    allow_private: bool,
}

impl Resolve for PublicOnly {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let host = name.as_str().to_owned();
            let addrs: Vec<SocketAddr> = tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if !allow_private && addrs.iter().any(|a| is_internal(a.ip())) {
                return Err(Box::new(RefusedAddress(host)) as Box<dyn std::error::Error + Send + Sync>);
            }
            Ok(Box::new(addrs.into_iter()) as Addrs)
        })
    }
}

/// How one attempt ended on the wire.
pub enum Sent {
    Answered {
        status: u16,
        body: String,
    },
    /// No usable answer; `refused` means retrying cannot help.
    Failed {
        error: String,
        refused: bool,
    },
}

#[derive(Clone)]
pub struct WebhookClient {
    http: reqwest::Client,
    allow_private: bool,
}

impl WebhookClient {
    pub fn new(allow_private: bool) -> anyhow::Result<Self> {
        let http = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .user_agent(concat!("Slotline-Webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(std::sync::Arc::new(PublicOnly { allow_private }))
            // A proxy from the environment would resolve the target itself,
            // out of the resolver's reach, and could carry a hook's URL (a
            // credential, for Zapier) to a third party.
            .no_proxy()
            .build()?;
        Ok(Self { http, allow_private })
    }

    /// A literal address in the URL never reaches the resolver.
    fn refuses_literal(&self, url: &Url) -> bool {
        !self.allow_private
            && match url.host() {
                Some(Host::Ipv4(ip)) => is_internal(ip.into()),
                Some(Host::Ipv6(ip)) => is_internal(ip.into()),
                _ => false,
            }
    }

    /// Posts the delivery, signed at `timestamp` (Unix seconds).
    pub async fn send(&self, out: &Outgoing, timestamp: i64) -> Sent {
        let url = match Url::parse(&out.webhook.target_url) {
            Ok(url) => url,
            Err(e) => {
                return Sent::Failed {
                    error: format!("the target URL is not valid: {e}"),
                    refused: true,
                };
            }
        };
        if self.refuses_literal(&url) {
            return Sent::Failed {
                error: RefusedAddress(url.host_str().unwrap_or_default().to_owned()).to_string(),
                refused: true,
            };
        }
        let body = out.body.as_bytes();
        let id = out.delivery.id.as_str();
        // After a roll, the old secret signs too: Standard Webhooks takes
        // several space-separated signatures, the new one first.
        let standard = std::iter::once(&out.secret)
            .chain(&out.previous_secret)
            .map(|secret| standard_signature(secret, id, timestamp, body))
            .collect::<Result<Vec<_>, _>>();
        let standard = match standard {
            Ok(signatures) => signatures.join(" "),
            Err(e) => {
                return Sent::Failed {
                    error: e.to_string(),
                    refused: true,
                };
            }
        };
        let request = self
            .http
            .post(url)
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header("X-Slotline-Signature", slotline_signature(&out.secret, body))
            .header("X-Slotline-Event", &out.event_kind)
            .header("X-Slotline-Delivery", id)
            .header("webhook-id", id)
            .header("webhook-timestamp", timestamp.to_string())
            .header("webhook-signature", standard)
            .body(out.body.clone());
        match request.send().await {
            Ok(mut response) => {
                let status = response.status().as_u16();
                let mut kept = Vec::new();
                while kept.len() < RESPONSE_BODY_LIMIT {
                    match response.chunk().await {
                        Ok(Some(chunk)) => kept.extend_from_slice(&chunk),
                        _ => break,
                    }
                }
                kept.truncate(RESPONSE_BODY_LIMIT);
                Sent::Answered {
                    status,
                    body: String::from_utf8_lossy(&kept).into_owned(),
                }
            }
            Err(error) => Sent::Failed {
                refused: is_refusal(&error),
                error: describe(error),
            },
        }
    }
}

fn is_refusal(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(e) = source {
        if e.is::<RefusedAddress>() {
            return true;
        }
        source = e.source();
    }
    false
}

/// The whole cause chain, for the delivery log, without the target URL:
/// a Zapier hook URL is a credential, and its query may carry more.
fn describe(error: reqwest::Error) -> String {
    if error.is_timeout() {
        return format!("no answer within {} seconds", TIMEOUT.as_secs());
    }
    let error = error.without_url();
    let mut text = error.to_string();
    let mut source = std::error::Error::source(&error);
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}
