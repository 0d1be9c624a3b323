//! Per-user and per-guild rate limits for starting diagnoses (sliding window).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub per: Duration,
}

pub struct RateLimiter {
    user: Limit,
    guild: Limit,
    hits: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl RateLimiter {
    pub fn new(user: Limit, guild: Limit) -> Self {
        RateLimiter {
            user,
            guild,
            hits: Mutex::new(HashMap::new()),
        }
    }

    /// Records a start by `user` in `guild`, or says how long to wait.
    pub fn check(&self, user: u64, guild: Option<u64>, now: Instant) -> Result<(), Duration> {
        let mut hits = self.hits.lock().unwrap_or_else(|p| p.into_inner());
        if hits.len() > 50_000 {
            hits.retain(|_, q| {
                q.back()
                    .is_some_and(|t| now.duration_since(*t) < Duration::from_secs(86_400))
            });
        }
        let mut keys = vec![(format!("u{user}"), self.user)];
        if let Some(g) = guild {
            keys.push((format!("g{g}"), self.guild));
        }
        let mut wait = Duration::ZERO;
        for (k, limit) in &keys {
            let q = hits.entry(k.clone()).or_default();
            while q
                .front()
                .is_some_and(|t| now.duration_since(*t) >= limit.per)
            {
                q.pop_front();
            }
            if q.len() as u32 >= limit.max {
                if let Some(first) = q.front() {
                    wait = wait.max(limit.per - now.duration_since(*first));
                }
            }
        }
        if wait > Duration::ZERO {
            return Err(wait);
        }
        for (k, _) in keys {
            hits.entry(k).or_default().push_back(now);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_per_user_and_guild() {
        let l = RateLimiter::new(
            Limit {
                max: 2,
                per: Duration::from_secs(60),
            },
            Limit {
                max: 3,
                per: Duration::from_secs(60),
            },
        );
        let t0 = Instant::now();
        assert!(l.check(1, Some(9), t0).is_ok());
        assert!(l.check(1, Some(9), t0).is_ok());
        let wait = l
            .check(1, Some(9), t0 + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(l.check(2, Some(9), t0).is_ok());
        // Guild full now (3 starts), even for a new user.
        assert!(l.check(3, Some(9), t0).is_err());
        // Another guild is unaffected; time heals.
        assert!(l.check(3, Some(8), t0).is_ok());
        assert!(l.check(1, Some(9), t0 + Duration::from_secs(61)).is_ok());
    }
}
