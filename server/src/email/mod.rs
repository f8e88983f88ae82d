//! Outgoing email: the [`Mailer`] that delivers a built message, and the
//! [`templates`] that build them.
//!
//! With `SLOTLINE_SMTP_URL` set, messages go to that SMTP server; without it
//! they are written as `.eml` files into the outbox directory, so a developer
//! or a test can read what would have been sent without running a mail server.

use std::path::{Path, PathBuf};

use anyhow::Context as _;
use lettre::message::Mailbox;
use lettre::{AsyncFileTransport, AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};

pub mod templates;

/// Delivers messages through SMTP or into an outbox directory.
///
/// Cheap to clone: the SMTP backend shares one connection pool between clones.
#[derive(Clone)]
pub struct Mailer {
    backend: Backend,
    from: Mailbox,
}

#[derive(Clone)]
enum Backend {
    Smtp(AsyncSmtpTransport<Tokio1Executor>),
    Outbox {
        transport: AsyncFileTransport<Tokio1Executor>,
        dir: PathBuf,
    },
}

impl Mailer {
    /// Builds a mailer for `smtp_url` (a lettre SMTP URL such as
    /// `smtp://127.0.0.1:1025` or `smtps://user:pass@mail.example.com`) or,
    /// when it is `None`, one that writes into `outbox_dir`, creating it.
    /// `from` is the `From` mailbox, e.g. `Slotline <no-reply@localhost>`.
    ///
    /// No connection is made here: the SMTP pool connects on the first send.
    pub fn new(smtp_url: Option<&str>, outbox_dir: &Path, from: &str) -> anyhow::Result<Self> {
        let from = from
            .parse::<Mailbox>()
            .context("SLOTLINE_MAIL_FROM is not a valid mailbox")?;
        let backend = match smtp_url {
            // The URL may carry a password, so it stays out of the error.
            Some(url) => Backend::Smtp(
                AsyncSmtpTransport::<Tokio1Executor>::from_url(url)
                    .context("SLOTLINE_SMTP_URL is not a valid SMTP URL")?
                    .build(),
            ),
            None => {
                std::fs::create_dir_all(outbox_dir)
                    .with_context(|| format!("creating the email outbox {}", outbox_dir.display()))?;
                Backend::Outbox {
                    transport: AsyncFileTransport::new(outbox_dir),
                    dir: outbox_dir.to_path_buf(),
                }
            }
        };
        Ok(Self { backend, from })
    }

    /// The mailbox every message is sent from.
    pub fn from_mailbox(&self) -> &Mailbox {
        &self.from
    }

    /// Sends a plain-text email to one person, as the alerts to owners are.
    pub async fn send_text(&self, name: &str, email: &str, subject: &str, body: String) -> anyhow::Result<()> {
        let to = format!("{name} <{email}>")
            .parse()
            .context("the recipient's email address is not valid")?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to)
            .subject(subject)
            .header(lettre::message::header::ContentType::TEXT_PLAIN)
            .body(body)
            .context("building the email")?;
        self.send(message).await
    }

    /// Sends `message` to the recipients of its envelope.
    pub async fn send(&self, message: Message) -> anyhow::Result<()> {
        match &self.backend {
            Backend::Smtp(transport) => {
                transport
                    .send(message)
                    .await
                    .map_err(loggable)
                    .context("sending email over SMTP")?;
                tracing::info!("email sent over SMTP");
            }
            Backend::Outbox { transport, dir } => {
                let id = transport
                    .send(message)
                    .await
                    .with_context(|| format!("writing email to the outbox {}", dir.display()))?;
                // The file name is a random id, so logging the path reveals
                // nothing about the recipient.
                let path = dir.join(format!("{id}.eml"));
                tracing::info!(path = %path.display(), "email written to the outbox");
            }
        }
        Ok(())
    }
}

/// lettre's error for a refused message carries the server's reply text,
/// which often repeats the recipient's address; only the reply code is kept,
/// so the error can be logged like any other.
fn loggable(error: lettre::transport::smtp::Error) -> anyhow::Error {
    match error.status() {
        Some(code) if error.is_permanent() => {
            anyhow::anyhow!("the SMTP server refused the message for good ({code})")
        }
        Some(code) => anyhow::anyhow!("the SMTP server refused the message for now ({code})"),
        None if error.is_response() => anyhow::anyhow!("the SMTP server's reply could not be read"),
        None => error.into(),
    }
}

#[cfg(test)]
mod tests {
    use tokio::io::{AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
    use tokio::net::TcpListener;

    use super::*;

    /// An SMTP server that greets, then refuses every sender with a reply
    /// naming an address, as real servers do.
    async fn refusing_server() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("smtp://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let (stream, _) = listener.accept().await.unwrap();
            let (reader, mut writer) = stream.into_split();
            let mut lines = BufReader::new(reader).lines();
            writer.write_all(b"220 refuser\r\n").await.unwrap();
            while let Ok(Some(line)) = lines.next_line().await {
                let reply: &[u8] = if line.starts_with("EHLO") {
                    b"250 refuser\r\n"
                } else {
                    b"550 5.1.1 <zoe@example.org>: Recipient address rejected\r\n"
                };
                writer.write_all(reply).await.unwrap();
            }
        });
        url
    }

    #[tokio::test]
    async fn a_refusal_keeps_the_reply_code_but_not_the_address_it_names() {
        let url = refusing_server().await;
        let mailer = Mailer::new(Some(&url), &std::env::temp_dir(), "Slotline <no-reply@localhost>").unwrap();
        let message = Message::builder()
            .from(mailer.from_mailbox().clone())
            .to("zoe@example.org".parse().unwrap())
            .body(String::from("hello"))
            .unwrap();

        let error = mailer.send(message).await.unwrap_err();

        let chain = format!("{error:#}");
        assert!(chain.contains("550"), "{chain}");
        assert!(!chain.contains("zoe@example.org"), "{chain}");
    }
}
