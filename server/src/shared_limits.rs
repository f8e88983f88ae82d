//! Rate limits that every Slotline process on one Redis shares: the API's
//! per-IP and per-user limits and HubSpot's per-portal pacing, so that two
//! processes together stay inside one limit. Each check is GCRA in one Lua
//! script, atomic and on Redis's clock, so processes never disagree.
//!
//! Hand-written: `governor` (the process-local limits) keeps its state in
//! memory only, and no maintained crate runs GCRA against a Redis server.
use redis::aio::ConnectionManager;
use std::time::Duration;

/// GCRA: the stored value is the theoretical arrival time of the next
/// request, in microseconds of Redis's clock.
const GCRA: &str = r"
local emission = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000000 + tonumber(time[2])
local tat = tonumber(redis.call('GET', KEYS[1]) or now)
if tat < now then tat = now end
local new_tat = tat + emission
local allow_at = new_tat - emission * burst
if now < allow_at then
  return {0, 0, allow_at - now, tat - now}
end
redis.call('SET', KEYS[1], new_tat, 'PX', math.ceil((new_tat - now) / 1000))
return {1, math.floor((now - allow_at) / emission), 0, new_tat - now}
";

/// How often a limit lets a request through, and how many at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    /// One request's share of the limit: the period divided by the count.
    pub emission: Duration,
    /// Requests allowed back to back after a quiet spell.
    pub burst: u32,
}

impl Rate {
    pub fn per(count: u32, period: Duration) -> Self {
        Self {
            emission: period / count.max(1),
            burst: count.max(1),
        }
    }
}

/// One check's answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Verdict {
    pub allowed: bool,
    /// Requests still allowed right after this one.
    pub remaining: u32,
    /// How long a refused request should wait.
    pub retry_after: Duration,
    /// How long until the whole burst is available again.
    pub reset_after: Duration,
}

#[derive(Clone)]
pub struct SharedLimits {
    redis: ConnectionManager,
    prefix: String,
    script: redis::Script,
}

impl SharedLimits {
    /// Connects to `url`; every key starts with `prefix`.
    pub async fn connect(url: &str, prefix: &str) -> redis::RedisResult<Self> {
        let client = redis::Client::open(url)?;
        Ok(Self {
            redis: ConnectionManager::new(client).await?,
            prefix: prefix.to_owned(),
            script: redis::Script::new(GCRA),
        })
    }

    /// Counts one request against `key`'s `rate`.
    pub async fn check(&self, key: &str, rate: Rate) -> redis::RedisResult<Verdict> {
        let micros = |d: Duration| u64::try_from(d.as_micros()).unwrap_or(u64::MAX);
        let (allowed, remaining, retry_after, reset_after): (i64, i64, i64, i64) = self
            .script
            .key(format!("{}:limit:{key}", self.prefix))
            .arg(micros(rate.emission))
            .arg(rate.burst)
            .invoke_async(&mut self.redis.clone())
            .await?;
        let duration = |us: i64| Duration::from_micros(u64::try_from(us).unwrap_or_default());
        Ok(Verdict {
            allowed: allowed == 1,
            remaining: u32::try_from(remaining).unwrap_or_default(),
            retry_after: duration(retry_after),
            reset_after: duration(reset_after),
        })
    }

    /// Waits until `key` lets one more request through.
    pub async fn until_ready(&self, key: &str, rate: Rate) -> redis::RedisResult<()> {
        loop {
            let verdict = self.check(key, rate).await?;
            if verdict.allowed {
                return Ok(());
            }
            tokio::time::sleep(verdict.retry_after).await;
        }
    }
}
