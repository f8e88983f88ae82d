//! Booking as an invitee does: the booking page's form posted to the `Book`
//! server function (`POST /api/book`), timed from request to answer.
use app::functions::bookings::Book;
use app::ssr::access::AccessLimits;
use app::ssr::services::bookings::BookingLimits;
use chrono::{DateTime, Utc};
use leptos::server_fn::ServerFn;
use std::time::Instant;

/// The page's booking limits out of the way: a benchmark books far more
/// from one address, for one host, than any client may.
pub fn unlimited() -> AccessLimits {
    AccessLimits {
        bookings_per_ip_per_hour: u32::MAX,
        bookings: BookingLimits {
            per_email_per_hour: u32::MAX,
            per_host_per_hour: u32::MAX,
        },
        ..AccessLimits::default()
    }
}

/// A client that, like the page, stops at the answer: the redirect to the
/// manage page (loading that page is not booking).
pub fn client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
}

/// The booking of `start` on `host`'s `event` by `name <email>`, ready to send.
pub fn request(
    client: &reqwest::Client,
    base: &str,
    (host, event): (&str, &str),
    start: DateTime<Utc>,
    (name, email): (&str, &str),
) -> reqwest::RequestBuilder {
    client
        .post(format!("{base}{}", Book::PATH))
        .header(reqwest::header::ACCEPT, "application/json")
        .form(&[
            ("form[host]", host),
            ("form[event]", event),
            ("form[start]", &start.to_rfc3339()),
            ("form[time_zone]", "America/New_York"),
            ("form[name]", name),
            ("form[email]", email),
            ("form[phone]", ""),
            ("form[notes]", ""),
        ])
}

/// Sends a booking; answers how long it took, in milliseconds, and fails
/// unless it booked.
pub async fn send_timed(request: reqwest::RequestBuilder) -> anyhow::Result<f64> {
    let started = Instant::now();
    let response = request.send().await?;
    let status = response.status();
    // Booked: sent on to the booking's manage page.
    let booked = ["location", "serverfnredirect"]
        .iter()
        .filter_map(|name| response.headers().get(*name))
        .any(|to| to.to_str().is_ok_and(|to| to.starts_with("/bookings/")));
    let body = response.text().await?;
    let millis = started.elapsed().as_secs_f64() * 1_000.0;
    anyhow::ensure!(booked, "a booking was not made ({status}): {body}");
    Ok(millis)
}
