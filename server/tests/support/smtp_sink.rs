//! A real SMTP server on loopback that accepts every message and keeps it,
//! so tests can send through lettre's SMTP transport and read what arrived.
//!
//! Hand-written rather than taken from a crate: receiving plain-text SMTP is
//! a handful of commands (EHLO/HELO, MAIL FROM, RCPT TO, DATA with
//! dot-unstuffing, RSET, NOOP, QUIT) in under 200 lines on tokio alone, while
//! a server crate brings configuration, TLS and auth that a test would only
//! switch off. It advertises neither STARTTLS nor AUTH,
//! so lettre sends in the clear without credentials.

use std::time::Duration;

use tokio::io::{AsyncBufRead, AsyncBufReadExt as _, AsyncWriteExt as _, BufReader};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::watch;
use tokio::task::{JoinHandle, JoinSet};

/// One message as the sink received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReceivedMail {
    /// The envelope sender (`MAIL FROM`), without angle brackets.
    pub mail_from: String,
    /// The envelope recipients (`RCPT TO`), in the order given.
    pub rcpt_to: Vec<String>,
    /// The raw message (headers and body, CRLF line ends), dot-unstuffed.
    pub data: String,
}

/// A running SMTP server on `127.0.0.1`; it stops when dropped.
pub struct SmtpSink {
    port: u16,
    mails: watch::Sender<Vec<ReceivedMail>>,
    server: JoinHandle<()>,
}

impl SmtpSink {
    /// Starts the server on a free port.
    pub async fn start() -> SmtpSink {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("SMTP sink: binding 127.0.0.1:0");
        let port = listener
            .local_addr()
            .expect("SMTP sink: reading the bound address")
            .port();
        let (mails, _) = watch::channel(Vec::new());
        let server = tokio::spawn(serve(listener, mails.clone()));
        SmtpSink { port, mails, server }
    }

    /// The lettre SMTP URL of this server, e.g. `smtp://127.0.0.1:40123`.
    pub fn url(&self) -> String {
        format!("smtp://127.0.0.1:{}", self.port)
    }

    /// Every message received so far, oldest first.
    pub fn messages(&self) -> Vec<ReceivedMail> {
        self.mails.borrow().clone()
    }

    /// Waits until at least `count` messages have arrived and returns all of
    /// them; panics if they have not within `timeout`.
    pub async fn wait_for(&self, count: usize, timeout: Duration) -> Vec<ReceivedMail> {
        let mut arrivals = self.mails.subscribe();
        match tokio::time::timeout(timeout, arrivals.wait_for(|mails| mails.len() >= count)).await {
            Ok(mails) => mails.expect("SMTP sink: the sink owns the sender").clone(),
            Err(_) => panic!(
                "SMTP sink: expected at least {count} message(s) within {timeout:?}, got {}",
                self.messages().len()
            ),
        }
    }
}

impl Drop for SmtpSink {
    fn drop(&mut self) {
        // Dropping the accept loop drops its JoinSet, which ends the sessions.
        self.server.abort();
    }
}

async fn serve(listener: TcpListener, mails: watch::Sender<Vec<ReceivedMail>>) {
    let mut sessions = JoinSet::new();
    loop {
        tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => {
                    sessions.spawn(session(stream, mails.clone()));
                }
                Err(error) => panic!("SMTP sink: accepting a connection: {error}"),
            },
            // Reap finished sessions; a client that hangs up mid-dialogue is
            // its own test's failure, reported by lettre.
            Some(_) = sessions.join_next() => {}
        }
    }
}

/// One SMTP dialogue, until `QUIT` or the client hangs up.
async fn session(stream: TcpStream, mails: watch::Sender<Vec<ReceivedMail>>) -> std::io::Result<()> {
    let (reader, mut writer) = stream.into_split();
    let mut reader = BufReader::new(reader);
    writer.write_all(b"220 slotline-sink ESMTP\r\n").await?;

    let mut mail_from: Option<String> = None;
    let mut rcpt_to: Vec<String> = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Ok(());
        }
        let command = String::from_utf8_lossy(&line);
        let command = command.trim_end();
        let upper = command.to_ascii_uppercase();

        let reply: &[u8] = if upper.starts_with("EHLO") {
            b"250-slotline-sink\r\n250-8BITMIME\r\n250 SMTPUTF8\r\n"
        } else if upper.starts_with("HELO") {
            b"250 slotline-sink\r\n"
        } else if upper.starts_with("MAIL FROM:") {
            mail_from = Some(address(&command["MAIL FROM:".len()..]));
            rcpt_to.clear();
            b"250 OK\r\n"
        } else if upper.starts_with("RCPT TO:") {
            if mail_from.is_some() {
                rcpt_to.push(address(&command["RCPT TO:".len()..]));
                b"250 OK\r\n"
            } else {
                b"503 MAIL FROM first\r\n"
            }
        } else if upper == "DATA" {
            match mail_from.take() {
                Some(from) if !rcpt_to.is_empty() => {
                    writer.write_all(b"354 End data with <CR><LF>.<CR><LF>\r\n").await?;
                    let data = read_data(&mut reader).await?;
                    // Recorded before the 250, so once lettre's send returns
                    // the message is already visible to the test.
                    mails.send_modify(|mails| {
                        mails.push(ReceivedMail {
                            mail_from: from,
                            rcpt_to: std::mem::take(&mut rcpt_to),
                            data,
                        });
                    });
                    b"250 OK queued\r\n"
                }
                from => {
                    mail_from = from;
                    b"503 MAIL FROM and RCPT TO first\r\n"
                }
            }
        } else if upper == "RSET" {
            mail_from = None;
            rcpt_to.clear();
            b"250 OK\r\n"
        } else if upper == "NOOP" {
            b"250 OK\r\n"
        } else if upper == "QUIT" {
            writer.write_all(b"221 Bye\r\n").await?;
            return Ok(());
        } else {
            b"502 Command not implemented\r\n"
        };
        writer.write_all(reply).await?;
    }
}

/// The path inside `<…>`, ignoring parameters such as `BODY=8BITMIME`.
fn address(argument: &str) -> String {
    let argument = argument.trim_start();
    argument
        .strip_prefix('<')
        .and_then(|rest| rest.split_once('>'))
        .map_or(argument, |(path, _)| path)
        .to_owned()
}

/// The message after `DATA`, up to the lone `.` line, dot-unstuffed
/// (RFC 5321 §4.5.2: a leading `.` was doubled by the client).
async fn read_data(reader: &mut (impl AsyncBufRead + Unpin)) -> std::io::Result<String> {
    let mut data = Vec::new();
    let mut line = Vec::new();
    loop {
        line.clear();
        if reader.read_until(b'\n', &mut line).await? == 0 {
            return Err(std::io::ErrorKind::UnexpectedEof.into());
        }
        if line == b".\r\n" || line == b".\n" {
            return Ok(String::from_utf8_lossy(&data).into_owned());
        }
        let unstuffed = line.strip_prefix(b".").unwrap_or(&line);
        data.extend_from_slice(unstuffed);
    }
}

#[cfg(test)]
mod tests {
    use lettre::{AsyncSmtpTransport, AsyncTransport as _, Message, Tokio1Executor};

    use super::*;

    #[tokio::test]
    async fn the_sink_keeps_envelope_and_data_and_undoes_dot_stuffing() {
        let sink = SmtpSink::start().await;
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(&sink.url())
            .unwrap()
            .build();
        let message = Message::builder()
            .from("a@example.com".parse().unwrap())
            .to("b@example.com".parse().unwrap())
            .to("c@example.com".parse().unwrap())
            .subject("dots")
            .body(".leading dot\r\n..two dots\r\n.\r\nend".to_owned())
            .unwrap();

        transport.send(message).await.unwrap();

        let mails = sink.wait_for(1, Duration::from_secs(5)).await;
        assert_eq!(mails[0].mail_from, "a@example.com");
        assert_eq!(mails[0].rcpt_to, ["b@example.com", "c@example.com"]);
        assert!(
            mails[0]
                .data
                .ends_with("\r\n\r\n.leading dot\r\n..two dots\r\n.\r\nend\r\n"),
            "{:?}",
            mails[0].data
        );
    }

    #[tokio::test]
    #[should_panic(expected = "expected at least 1 message(s)")]
    async fn waiting_for_mail_that_never_comes_panics() {
        SmtpSink::start().await.wait_for(1, Duration::from_millis(50)).await;
    }
}
