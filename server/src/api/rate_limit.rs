//! The API's rate limits (CONTRACTS §3): 5 requests a minute per client IP
//! without a valid key, 60 a minute per user with one. GCRA limiters from
//! `governor`, keyed by IP and by user id, in this process; with Redis
//! configured, every process counts against the same limits.
use super::error::ApiError;
use crate::shared_limits::{Rate, SharedLimits, Verdict};
use axum::http::HeaderMap;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use ipnet::IpNet;
use std::net::IpAddr;
use std::num::NonZeroU32;
use std::time::Duration;

pub const ANONYMOUS_PER_MINUTE: u32 = 5;
pub const USER_PER_MINUTE: u32 = 60;

type KeyedLimiter<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock, StateInformationMiddleware>;

/// What the `X-RateLimit-*` headers say.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Allowance {
    pub limit: u32,
    pub remaining: u32,
    /// Seconds until the full allowance is back.
    pub reset_secs: u64,
}

pub struct RateLimits {
    anonymous: KeyedLimiter<IpAddr>,
    per_user: KeyedLimiter<String>,
    /// The per-user allowance: [`USER_PER_MINUTE`] unless the operator sets another.
    user_per_minute: u32,
    clock: DefaultClock,
    trusted_proxies: Vec<IpNet>,
    shared: Option<SharedLimits>,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).expect("a positive limit"))
}

fn whole_secs(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

impl RateLimits {
    pub fn new(trusted_proxies: Vec<IpNet>) -> Self {
        let clock = DefaultClock::default();
        Self {
            anonymous: RateLimiter::dashmap_with_clock(per_minute(ANONYMOUS_PER_MINUTE), clock.clone())
                .with_middleware::<StateInformationMiddleware>(),
            per_user: RateLimiter::dashmap_with_clock(per_minute(USER_PER_MINUTE), clock.clone())
                .with_middleware::<StateInformationMiddleware>(),
            clock,
            trusted_proxies,
            shared: None,
            user_per_minute: USER_PER_MINUTE,
        }
    }

    /// Allows each user `per_minute` requests a minute instead.
    pub fn per_user(self, per_minute: u32) -> Self {
        let per_minute = per_minute.max(1);
        Self {
            per_user: RateLimiter::dashmap_with_clock(self::per_minute(per_minute), self.clock.clone())
                .with_middleware::<StateInformationMiddleware>(),
            user_per_minute: per_minute,
            ..self
        }
    }

    /// Counts against limits every process shares, when there are such.
    pub fn shared(self, shared: Option<SharedLimits>) -> Self {
        Self { shared, ..self }
    }

    /// The shared limits' verdict on `key`; `None` without shared limits
    /// or when Redis fails, and this process counts alone.
    async fn shared_verdict(&self, key: String, per_minute: u32) -> Option<Verdict> {
        let shared = self.shared.as_ref()?;
        match shared.check(&key, Rate::per(per_minute, Duration::from_secs(60))).await {
            Ok(verdict) => Some(verdict),
            Err(error) => {
                tracing::warn!(%error, "shared rate limits unavailable; this process counts alone");
                None
            }
        }
    }

    /// [`Self::check_anonymous`], across every process when limits are shared.
    pub async fn admit_anonymous(&self, ip: IpAddr) -> Result<(), ApiError> {
        match self.shared_verdict(format!("api:ip:{ip}"), ANONYMOUS_PER_MINUTE).await {
            Some(verdict) if verdict.allowed => Ok(()),
            Some(verdict) => Err(ApiError::RateLimited {
                retry_after: whole_secs(verdict.retry_after).max(1),
            }),
            None => self.check_anonymous(ip),
        }
    }

    /// [`Self::check_user`], across every process when limits are shared.
    pub async fn admit_user(&self, user_id: &str) -> Result<Allowance, (ApiError, Allowance)> {
        let Some(verdict) = self
            .shared_verdict(format!("api:user:{user_id}"), self.user_per_minute)
            .await
        else {
            return self.check_user(user_id);
        };
        let allowance = Allowance {
            limit: self.user_per_minute,
            remaining: verdict.remaining,
            reset_secs: whole_secs(verdict.reset_after),
        };
        if verdict.allowed {
            Ok(allowance)
        } else {
            let retry_after = whole_secs(verdict.retry_after).max(1);
            Err((ApiError::RateLimited { retry_after }, allowance))
        }
    }

    /// Counts a request without a valid key against its client's IP.
    pub fn check_anonymous(&self, ip: IpAddr) -> Result<(), ApiError> {
        self.anonymous
            .check_key(&ip)
            .map(|_| ())
            .map_err(|not_until| ApiError::RateLimited {
                retry_after: whole_secs(not_until.wait_time_from(self.clock.now())).max(1),
            })
    }

    /// Counts an authenticated request against its user.
    pub fn check_user(&self, user_id: &str) -> Result<Allowance, (ApiError, Allowance)> {
        let interval = per_minute(self.user_per_minute).replenish_interval();
        match self.per_user.check_key(&user_id.to_owned()) {
            Ok(snapshot) => {
                let remaining = snapshot.remaining_burst_capacity();
                Ok(Allowance {
                    limit: self.user_per_minute,
                    remaining,
                    reset_secs: whole_secs(interval * (self.user_per_minute - remaining)),
                })
            }
            Err(not_until) => {
                let wait = not_until.wait_time_from(self.clock.now());
                let retry_after = whole_secs(wait).max(1);
                Err((
                    ApiError::RateLimited { retry_after },
                    Allowance {
                        limit: self.user_per_minute,
                        remaining: 0,
                        reset_secs: whole_secs(wait + interval * (self.user_per_minute - 1)),
                    },
                ))
            }
        }
    }

    /// Forgets clients idle long enough to have their full allowance back.
    pub fn retain_recent(&self) {
        self.anonymous.retain_recent();
        self.per_user.retain_recent();
    }

    /// The client: the socket's peer, or, when that peer is a trusted
    /// proxy, the nearest untrusted hop of `X-Forwarded-For`.
    pub fn client_ip(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let trusted = |ip: &IpAddr| self.trusted_proxies.iter().any(|net| net.contains(ip));
        if !trusted(&peer) {
            return peer;
        }
        let hops: Vec<IpAddr> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .filter_map(|hop| hop.trim().parse().ok())
            .collect();
        hops.iter()
            .rev()
            .find(|ip| !trusted(ip))
            .or(hops.first())
            .copied()
            .unwrap_or(peer)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(raw: &str) -> IpAddr {
        raw.parse().unwrap()
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().unwrap());
        headers
    }

    #[test]
    fn the_sixth_anonymous_request_in_a_minute_waits() {
        let limits = RateLimits::new(Vec::new());
        for _ in 0..ANONYMOUS_PER_MINUTE {
            assert!(limits.check_anonymous(ip("203.0.113.9")).is_ok());
        }
        let Err(ApiError::RateLimited { retry_after }) = limits.check_anonymous(ip("203.0.113.9")) else {
            panic!("the sixth request is limited");
        };
        assert!((1..=12).contains(&retry_after), "{retry_after}");
        assert!(
            limits.check_anonymous(ip("203.0.113.10")).is_ok(),
            "another client is not"
        );
    }

    #[test]
    fn users_see_their_allowance_shrink() {
        let limits = RateLimits::new(Vec::new());
        let first = limits.check_user("u1").unwrap();
        assert_eq!((first.limit, first.remaining), (60, 59));
        assert_eq!(first.reset_secs, 1);
        for _ in 1..USER_PER_MINUTE {
            limits.check_user("u1").unwrap();
        }
        let (_, allowance) = limits.check_user("u1").unwrap_err();
        assert_eq!(allowance.remaining, 0);
        assert!(allowance.reset_secs >= 59, "{allowance:?}");
    }

    #[test]
    fn forwarded_for_counts_only_behind_a_trusted_proxy() {
        let direct = RateLimits::new(Vec::new());
        assert_eq!(
            direct.client_ip(ip("198.51.100.7"), &forwarded("1.2.3.4")),
            ip("198.51.100.7")
        );
        let proxied = RateLimits::new(vec!["10.0.0.0/8".parse().unwrap()]);
        assert_eq!(
            proxied.client_ip(ip("10.0.0.2"), &forwarded("6.6.6.6, 1.2.3.4, 10.0.0.9")),
            ip("1.2.3.4")
        );
        assert_eq!(proxied.client_ip(ip("10.0.0.2"), &HeaderMap::new()), ip("10.0.0.2"));
    }
}
