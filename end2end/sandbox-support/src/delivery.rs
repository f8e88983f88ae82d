//! The skeleton of a sandbox's webhook delivery: a background task started once, inside a tokio
//! runtime, that polls for due work and hands it to the sandbox with a lazily built HTTP client;
//! and how an attempt's outcome is recorded. What is sent, how it is signed and retried is each
//! sandbox's own.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Whether a sandbox's background task runs: it is started once, and only inside a tokio runtime
/// (a sandbox built outside one starts it when first routed or configured from inside one).
#[derive(Debug, Default)]
pub struct BackgroundTask {
    started: AtomicBool,
}

impl BackgroundTask {
    /// Calls `spawn` if there is a runtime and it was not called before.
    pub fn start(&self, spawn: impl FnOnce()) {
        if tokio::runtime::Handle::try_current().is_err() {
            return;
        }
        if !self.started.swap(true, Ordering::SeqCst) {
            spawn();
        }
    }
}

/// How a sandbox delivers webhooks.
#[derive(Debug, Clone, Copy)]
pub struct Delivery {
    /// What the log calls the sandbox, e.g. `"hubspot sandbox"`.
    pub sandbox: &'static str,
    /// How often to look for due work.
    pub poll_every: Duration,
    /// How long a receiver may take to answer before the attempt counts as failed.
    pub answer_within: Duration,
}

impl Delivery {
    /// Spawns the polling task: every `poll_every`, `take` returns what is due (`None` once the
    /// sandbox is gone, which ends the task) and `send` gets it, unless it is empty.
    pub fn spawn<T: Send + 'static>(
        self,
        mut take: impl FnMut() -> Option<Vec<T>> + Send + 'static,
        mut send: impl FnMut(&reqwest::Client, Vec<T>) + Send + 'static,
    ) {
        tokio::spawn(async move {
            // Built on first use: most sandboxes (one per test) never send a webhook.
            let mut client: Option<reqwest::Client> = None;
            loop {
                tokio::time::sleep(self.poll_every).await;
                let Some(due) = take() else { return };
                if due.is_empty() {
                    continue;
                }
                if client.is_none() {
                    client = self.build_client();
                }
                let Some(client) = &client else { continue };
                send(client, due);
            }
        });
    }

    fn build_client(&self) -> Option<reqwest::Client> {
        match reqwest::Client::builder().timeout(self.answer_within).build() {
            Ok(client) => Some(client),
            Err(error) => {
                tracing::error!(%error, "{}: no HTTP client, webhooks are dropped", self.sandbox);
                None
            }
        }
    }

    /// What an attempt records: the receiver's status code, or why there is none.
    pub fn outcome(&self, sent: Result<reqwest::Response, reqwest::Error>) -> (Option<u16>, Option<String>) {
        match sent {
            Ok(response) => (Some(response.status().as_u16()), None),
            Err(error) if error.is_timeout() => (None, Some(format!("no answer within {:?}", self.answer_within))),
            Err(error) => (None, Some(error.to_string())),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::AtomicUsize;

    #[test]
    fn outside_a_runtime_nothing_starts() {
        let task = BackgroundTask::default();
        task.start(|| panic!("no runtime, no task"));
        assert!(!task.started.load(Ordering::SeqCst));
    }

    #[tokio::test]
    async fn inside_a_runtime_the_task_starts_once() {
        let task = BackgroundTask::default();
        let starts = AtomicUsize::new(0);
        task.start(|| {
            starts.fetch_add(1, Ordering::SeqCst);
        });
        task.start(|| {
            starts.fetch_add(1, Ordering::SeqCst);
        });
        assert_eq!(starts.load(Ordering::SeqCst), 1);
    }

    #[tokio::test]
    async fn the_poller_sends_what_is_due_and_ends_with_the_sandbox() {
        let delivery = Delivery {
            sandbox: "test sandbox",
            poll_every: Duration::from_millis(1),
            answer_within: Duration::from_secs(1),
        };
        let polls = Arc::new(AtomicUsize::new(0));
        let sent = Arc::new(AtomicUsize::new(0));
        let (polled, counted) = (Arc::clone(&polls), Arc::clone(&sent));
        delivery.spawn(
            move || match polled.fetch_add(1, Ordering::SeqCst) {
                0 => Some(Vec::new()),
                1 => Some(vec![1, 2]),
                _ => None,
            },
            move |_, due: Vec<i32>| {
                counted.fetch_add(due.len(), Ordering::SeqCst);
            },
        );
        for _ in 0..500 {
            if polls.load(Ordering::SeqCst) >= 3 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        assert_eq!(polls.load(Ordering::SeqCst), 3);
        assert_eq!(sent.load(Ordering::SeqCst), 2);
    }
}
