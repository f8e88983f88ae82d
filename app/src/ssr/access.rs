//! Guards of the public log-in, sign-up and booking forms: how often one
//! client may try (GCRA limits per IP, from `governor`), how long an account
//! waits after failed log-ins, and how many passwords are hashed at once;
//! and of the one button that sends mail-like traffic on demand, "Send test
//! event". The booking form's limits per e-mail and host are counted in the
//! database (`services::bookings::limits`).
//!
//! The limits live in this process. Several processes behind one address
//! each allow their own share; the README says so. A client on the server's
//! own machine (loopback) is not limited per IP: it is the operator, a
//! health check or a test suite, and behind a local proxy every visitor
//! would share its one allowance (`SLOTLINE_TRUSTED_PROXIES` tells them
//! apart).
use crate::domain::WebhookId;
use crate::error::AppError;
use crate::ssr::services::bookings::BookingLimits;
use chrono::{DateTime, Duration, Utc};
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::collections::HashMap;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::sync::{LazyLock, Mutex};
use tokio::sync::Semaphore;

/// The client a request came from, as the server's edge worked it out
/// (the peer, or the first untrusted hop behind a trusted proxy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientIp(pub IpAddr);

/// How many attempts a client may make; settable by the operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AccessLimits {
    pub log_ins_per_minute: u32,
    pub sign_ups_per_hour: u32,
    pub bookings_per_ip_per_hour: u32,
    pub bookings: BookingLimits,
}

impl Default for AccessLimits {
    fn default() -> Self {
        Self {
            log_ins_per_minute: 10,
            sign_ups_per_hour: 10,
            bookings_per_ip_per_hour: 30,
            bookings: BookingLimits::default(),
        }
    }
}

/// Failed log-ins an account may have before each further attempt waits.
const FREE_FAILURES: u32 = 5;
const LONGEST_WAIT_SECS: i64 = 15 * 60;
/// Past this many tracked accounts, those idle past the longest wait go.
const TRACKED_ACCOUNTS: usize = 10_000;

type KeyedLimiter<K = IpAddr> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

/// Test events one webhook may be sent a minute.
pub const TEST_EVENTS_PER_MINUTE: u32 = 10;

pub struct AccessGuards {
    log_ins: KeyedLimiter,
    sign_ups: KeyedLimiter,
    reset_requests: KeyedLimiter,
    bookings: KeyedLimiter,
    booking_limits: BookingLimits,
    test_events: KeyedLimiter<WebhookId>,
    clock: DefaultClock,
    /// Failed log-ins by e-mail address, known or not. Hand-written: GCRA
    /// counts every request alike, while this delay grows with failures
    /// only and ends with a success.
    failures: Mutex<HashMap<String, Failures>>,
}

#[derive(Debug, Clone, Copy)]
struct Failures {
    count: u32,
    last: DateTime<Utc>,
}

impl Failures {
    /// When the next attempt may be made: at once for the first few
    /// failures, then after 2, 4, 8 … seconds, at most a quarter hour.
    fn next_allowed(&self) -> DateTime<Utc> {
        if self.count < FREE_FAILURES {
            return self.last;
        }
        let doublings = (self.count - FREE_FAILURES).min(20);
        self.last + Duration::seconds((1_i64 << (doublings + 1)).min(LONGEST_WAIT_SECS))
    }
}

fn too_many(message: &str, wait: std::time::Duration) -> AppError {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    AppError::TooManyRequests {
        message: format!("{message} Try again in {} seconds.", secs.max(1)),
        retry_after_secs: secs.max(1),
    }
}

fn quota(per: u32, period: std::time::Duration) -> Quota {
    let n = NonZeroU32::new(per.max(1)).expect("at least one");
    Quota::with_period(period / n.get())
        .expect("a positive period")
        .allow_burst(n)
}

impl AccessGuards {
    pub fn new(limits: AccessLimits) -> Self {
        let clock = DefaultClock::default();
        Self {
            log_ins: RateLimiter::dashmap_with_clock(
                quota(limits.log_ins_per_minute, std::time::Duration::from_secs(60)),
                clock.clone(),
            ),
            sign_ups: RateLimiter::dashmap_with_clock(
                quota(limits.sign_ups_per_hour, std::time::Duration::from_secs(3600)),
                clock.clone(),
            ),
            reset_requests: RateLimiter::dashmap_with_clock(
                quota(limits.sign_ups_per_hour, std::time::Duration::from_secs(3600)),
                clock.clone(),
            ),
            bookings: RateLimiter::dashmap_with_clock(
                quota(limits.bookings_per_ip_per_hour, std::time::Duration::from_secs(3600)),
                clock.clone(),
            ),
            booking_limits: limits.bookings,
            test_events: RateLimiter::dashmap_with_clock(
                quota(TEST_EVENTS_PER_MINUTE, std::time::Duration::from_secs(60)),
                clock.clone(),
            ),
            clock,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a log-in attempt against its client, and refuses one for an
    /// account still waiting out its failures.
    pub fn admit_log_in(&self, client: ClientIp, email: &str, now: DateTime<Utc>) -> Result<(), AppError> {
        self.admit(&self.log_ins, client, "Too many log-in attempts from your network.")?;
        let failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(next) = failures.get(&account_key(email)).map(Failures::next_allowed)
            && next > now
        {
            let wait = (next - now).to_std().unwrap_or_default();
            return Err(too_many("Too many failed log-ins for this account.", wait));
        }
        Ok(())
    }

    /// Records how a log-in ended: a success clears the account's failures.
    pub fn record_log_in(&self, email: &str, succeeded: bool, now: DateTime<Utc>) {
        let mut failures = self.failures.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let key = account_key(email);
        if succeeded {
            failures.remove(&key);
            return;
        }
        if failures.len() >= TRACKED_ACCOUNTS {
            failures.retain(|_, f| now - f.last < Duration::seconds(LONGEST_WAIT_SECS));
        }
        let entry = failures.entry(key).or_insert(Failures { count: 0, last: now });
        entry.count += 1;
        entry.last = now;
    }

    /// Counts one attempt of `client` against `limiter`; the server's own
    /// machine is not limited per IP (see the module's note).
    fn admit(&self, limiter: &KeyedLimiter, client: ClientIp, message: &str) -> Result<(), AppError> {
        if client.0.is_loopback() {
            return Ok(());
        }
        limiter
            .check_key(&client.0)
            .map_err(|not_until| too_many(message, not_until.wait_time_from(self.clock.now())))
    }

    /// Counts a sign-up attempt against its client.
    pub fn admit_sign_up(&self, client: ClientIp) -> Result<(), AppError> {
        self.admit(&self.sign_ups, client, "Too many sign-ups from your network.")
    }

    /// Counts a password-reset request against its client, allowed as
    /// often as sign-ups: both could tell whether an address has an account.
    pub fn admit_reset_request(&self, client: ClientIp) -> Result<(), AppError> {
        self.admit(
            &self.reset_requests,
            client,
            "Too many password resets asked from your network.",
        )
    }

    /// Counts a booking attempt against its client.
    pub fn admit_booking(&self, client: ClientIp) -> Result<(), AppError> {
        self.admit(&self.bookings, client, "Too many bookings from your network.")
    }

    /// The limits on bookings per invitee e-mail and per host.
    pub fn booking_limits(&self) -> BookingLimits {
        self.booking_limits
    }

    /// Counts a test event against its webhook, so that the button cannot
    /// be turned into a flood of requests at someone's server.
    pub fn admit_test_event(&self, webhook: &WebhookId) -> Result<(), AppError> {
        self.test_events.check_key(webhook).map_err(|not_until| {
            too_many(
                &format!("A webhook takes at most {TEST_EVENTS_PER_MINUTE} test events a minute."),
                not_until.wait_time_from(self.clock.now()),
            )
        })
    }

    /// Forgets keys idle long enough to have their full allowance back.
    pub fn retain_recent(&self) {
        self.log_ins.retain_recent();
        self.sign_ups.retain_recent();
        self.reset_requests.retain_recent();
        self.bookings.retain_recent();
        self.test_events.retain_recent();
    }
}

fn account_key(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Argon2id takes 19 MiB and a core's worth of time per hash: hashes run
/// one per core on threads of their own, and a short queue waits for them;
/// past it, the attempt is answered 429 at once instead of piling up memory.
/// Their own threads, not tokio's blocking pool: the allocator keeps each
/// thread's 19 MiB for that thread's next hash, so hashes spread over the
/// pool's hundreds of threads would hold that much per thread.
pub struct HashingGate {
    running: Semaphore,
    admitted: Semaphore,
    threads: rayon::ThreadPool,
}

pub static HASHING: LazyLock<HashingGate> = LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, std::num::NonZeroUsize::get);
    HashingGate::new(cores, cores * 4)
});

impl HashingGate {
    pub fn new(running: usize, waiting: usize) -> Self {
        let threads = rayon::ThreadPoolBuilder::new()
            .num_threads(running)
            .thread_name(|n| format!("password-hash-{n}"))
            .build()
            .expect("starting the password-hashing threads");
        Self {
            running: Semaphore::new(running),
            admitted: Semaphore::new(running + waiting),
            threads,
        }
    }

    /// Runs `hash` on a hashing thread once one is free, or refuses at once
    /// when the queue is full.
    pub async fn run<T: Send + 'static>(&self, hash: impl FnOnce() -> T + Send + 'static) -> Result<T, AppError> {
        let _admitted = self.admitted.try_acquire().map_err(|_| {
            too_many(
                "The server is busy checking other passwords.",
                std::time::Duration::from_secs(1),
            )
        })?;
        let _running = self.running.acquire().await.map_err(|_| AppError::Internal)?;
        let (done, result) = tokio::sync::oneshot::channel();
        self.threads.spawn(move || {
            let _ = done.send(hash());
        });
        // A panicking hash drops `done`: the attempt fails, the thread lives.
        result.await.map_err(|_| AppError::Internal)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(last: u8) -> ClientIp {
        ClientIp(IpAddr::from([203, 0, 113, last]))
    }

    #[test]
    fn a_client_gets_its_burst_of_log_ins_then_waits() {
        let guards = AccessGuards::new(AccessLimits {
            log_ins_per_minute: 3,
            sign_ups_per_hour: 1,
            ..AccessLimits::default()
        });
        let now = Utc::now();
        for n in 0..3 {
            assert!(guards.admit_log_in(ip(1), &format!("u{n}@example.com"), now).is_ok());
        }
        let refused = guards.admit_log_in(ip(1), "other@example.com", now).unwrap_err();
        assert_eq!(refused.status_code(), 429);
        assert!(guards.admit_log_in(ip(2), "other@example.com", now).is_ok());
        assert!(guards.admit_sign_up(ip(1)).is_ok());
        assert!(guards.admit_sign_up(ip(1)).is_err());
    }

    #[test]
    fn failures_make_an_account_wait_longer_each_time_until_a_success() {
        let guards = AccessGuards::new(AccessLimits {
            log_ins_per_minute: 1_000,
            sign_ups_per_hour: 1,
            ..AccessLimits::default()
        });
        let t0 = Utc::now();
        for _ in 0..FREE_FAILURES {
            assert!(guards.admit_log_in(ip(1), "Ada@Example.com", t0).is_ok());
            guards.record_log_in("ada@example.com", false, t0);
        }
        let AppError::TooManyRequests { retry_after_secs, .. } =
            guards.admit_log_in(ip(9), "ada@example.com", t0).unwrap_err()
        else {
            panic!("a 429");
        };
        assert_eq!(retry_after_secs, 2, "from any network");
        let t1 = t0 + Duration::seconds(2);
        assert!(guards.admit_log_in(ip(1), "ada@example.com", t1).is_ok());
        guards.record_log_in("ada@example.com", false, t1);
        let AppError::TooManyRequests { retry_after_secs, .. } =
            guards.admit_log_in(ip(1), "ada@example.com", t1).unwrap_err()
        else {
            panic!("a 429");
        };
        assert_eq!(retry_after_secs, 4, "the wait doubles");
        assert!(
            guards.admit_log_in(ip(1), "grace@example.com", t1).is_ok(),
            "other accounts are not held"
        );
        guards.record_log_in("ada@example.com", true, t1);
        assert!(guards.admit_log_in(ip(1), "ada@example.com", t1).is_ok());
    }

    #[tokio::test]
    async fn hashes_past_the_queue_are_refused_at_once() {
        let gate = std::sync::Arc::new(HashingGate::new(1, 1));
        let (release, hold) = std::sync::mpsc::channel::<()>();
        let running = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.run(move || hold.recv().is_ok()).await })
        };
        while gate.running.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let queued = {
            let gate = gate.clone();
            tokio::spawn(async move { gate.run(|| "queued").await })
        };
        while gate.admitted.available_permits() > 0 {
            tokio::task::yield_now().await;
        }
        let refused = gate.run(|| ()).await.expect_err("no room left");
        assert_eq!(refused.status_code(), 429);
        release.send(()).unwrap();
        assert!(running.await.unwrap().unwrap());
        assert_eq!(queued.await.unwrap().unwrap(), "queued", "the queued hash ran");
    }
}
