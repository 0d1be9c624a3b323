//! Per-user and per-space (guild, workspace) rate limits: a sliding window
//! per key. Adapters keep two: one for starting diagnoses (charged by the
//! driver's authorisation point through [`crate::admission::Caller`]) and a
//! cheap one for every command ([`commands`]), checked before any store
//! write or API call besides the acknowledgement. [`Uploads`] remembers the
//! last report posted per conversation, so a repeated `/ticket` re-posts the
//! link instead of a new file.
//!
//! Old hits are pruned incrementally: every recorded hit also sits in one
//! time-ordered queue, and each check pops only the hits that have left the
//! longest window, so no check scans the whole map. Memory is bounded: at most
//! [`MAX_HITS`] hits are remembered; past that the oldest are forgotten first
//! (which can only make the limiter more lenient, never lock anyone out).

use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Hits remembered at most, over all keys.
pub const MAX_HITS: usize = 100_000;

/// Commands one user may send per minute (any command, mention or message
/// addressed to the bot).
pub const COMMANDS_PER_USER: Limit = Limit {
    max: 12,
    per: Duration::from_secs(60),
};
/// Commands one space (guild, workspace) may send per minute.
pub const COMMANDS_PER_SPACE: Limit = Limit {
    max: 600,
    per: Duration::from_secs(60),
};

/// The per-user (and per-space) command bucket every adapter checks first.
pub fn commands() -> RateLimiter {
    RateLimiter::new(COMMANDS_PER_USER, COMMANDS_PER_SPACE)
}

/// How long a posted report stands: a `/ticket` within this time re-posts
/// the link only.
pub const REPORT_REPOST_WITHIN: Duration = Duration::from_secs(600);
/// Conversations whose last report time is remembered at most.
const MAX_UPLOADS: usize = 10_000;

/// When each conversation last had a report file posted.
#[derive(Default)]
pub struct Uploads {
    last: Mutex<HashMap<String, Instant>>,
}

impl Uploads {
    /// Whether a report file should be posted to `conversation` now (and
    /// then remembers it); `false` when one was posted within
    /// [`REPORT_REPOST_WITHIN`]: post the link again instead.
    pub fn should_upload(&self, conversation: &str, now: Instant) -> bool {
        let mut m = self.last.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(at) = m.get(conversation) {
            if now.saturating_duration_since(*at) < REPORT_REPOST_WITHIN {
                return false;
            }
        }
        if m.len() >= MAX_UPLOADS {
            m.retain(|_, at| now.saturating_duration_since(*at) < REPORT_REPOST_WITHIN);
            if m.len() >= MAX_UPLOADS {
                m.clear();
            }
        }
        m.insert(conversation.to_owned(), now);
        true
    }

    /// The upload [`Uploads::should_upload`] allowed did not happen: the
    /// next request uploads again.
    pub fn forget(&self, conversation: &str) {
        self.last
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(conversation);
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limit {
    pub max: u32,
    pub per: Duration,
}

#[derive(Default)]
struct State {
    hits: HashMap<String, VecDeque<Instant>>,
    order: VecDeque<(Instant, String)>,
}

impl State {
    fn forget_oldest(&mut self) {
        if let Some((_, k)) = self.order.pop_front() {
            if let Some(q) = self.hits.get_mut(&k) {
                q.pop_front();
                if q.is_empty() {
                    self.hits.remove(&k);
                }
            }
        }
    }
}

pub struct RateLimiter {
    user: Limit,
    space: Limit,
    cap: usize,
    state: Mutex<State>,
}

impl RateLimiter {
    pub fn new(user: Limit, space: Limit) -> Self {
        Self::with_cap(user, space, MAX_HITS)
    }

    /// A limiter remembering at most `cap` hits.
    pub fn with_cap(user: Limit, space: Limit, cap: usize) -> Self {
        RateLimiter {
            user,
            space,
            cap: cap.max(1),
            state: Mutex::new(State::default()),
        }
    }

    /// The per-user and per-space limits (a shared store keeps them as
    /// buckets: `Admission::authorize`).
    pub fn limits(&self) -> (Limit, Limit) {
        (self.user, self.space)
    }

    /// Hits remembered now (for tests and metrics).
    pub fn remembered(&self) -> usize {
        let st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        debug_assert_eq!(
            st.order.len(),
            st.hits.values().map(VecDeque::len).sum::<usize>()
        );
        st.order.len()
    }

    /// Records a hit by `user` in `space`, or says how long to wait.
    pub fn check(&self, user: &str, space: Option<&str>, now: Instant) -> Result<(), Duration> {
        self.check_or_peek(user, space, now, true)
    }

    /// Whether [`RateLimiter::check`] would pass now, recording nothing (an
    /// adapter asks before slow work such as opening a thread; the driver
    /// records the start).
    pub fn peek(&self, user: &str, space: Option<&str>, now: Instant) -> Result<(), Duration> {
        self.check_or_peek(user, space, now, false)
    }

    fn check_or_peek(
        &self,
        user: &str,
        space: Option<&str>,
        now: Instant,
        record: bool,
    ) -> Result<(), Duration> {
        let mut st = self.state.lock().unwrap_or_else(|p| p.into_inner());
        let horizon = self.user.per.max(self.space.per);
        while st
            .order
            .front()
            .is_some_and(|(t, _)| now.saturating_duration_since(*t) >= horizon)
        {
            st.forget_oldest();
        }
        let mut keys = vec![(format!("u:{user}"), self.user)];
        if let Some(s) = space {
            keys.push((format!("s:{s}"), self.space));
        }
        let mut wait = Duration::ZERO;
        for (k, limit) in &keys {
            let Some(q) = st.hits.get(k) else { continue };
            let live: Vec<&Instant> = q
                .iter()
                .filter(|t| now.saturating_duration_since(**t) < limit.per)
                .collect();
            if live.len() as u32 >= limit.max {
                if let Some(first) = live.first() {
                    wait = wait.max(limit.per - now.saturating_duration_since(**first));
                }
            }
        }
        if wait > Duration::ZERO {
            return Err(wait);
        }
        if !record {
            return Ok(());
        }
        for (k, _) in keys {
            while st.order.len() >= self.cap {
                st.forget_oldest();
            }
            st.hits.entry(k.clone()).or_default().push_back(now);
            st.order.push_back((now, k));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn limit(max: u32, secs: u64) -> Limit {
        Limit {
            max,
            per: Duration::from_secs(secs),
        }
    }

    #[test]
    fn limits_per_user_and_space() {
        let l = RateLimiter::new(limit(2, 60), limit(3, 60));
        let t0 = Instant::now();
        assert!(l.check("1", Some("9"), t0).is_ok());
        assert!(l.check("1", Some("9"), t0).is_ok());
        let wait = l
            .check("1", Some("9"), t0 + Duration::from_secs(10))
            .unwrap_err();
        assert_eq!(wait, Duration::from_secs(50));
        assert!(l.check("2", Some("9"), t0).is_ok());
        // Space full now (3 starts), even for a new user.
        assert!(l.check("3", Some("9"), t0).is_err());
        // Another space is unaffected; time heals.
        assert!(l.check("3", Some("8"), t0).is_ok());
        assert!(l
            .check("1", Some("9"), t0 + Duration::from_secs(61))
            .is_ok());
    }

    #[test]
    fn different_windows_per_kind() {
        let l = RateLimiter::new(limit(1, 10), limit(100, 3600));
        let t0 = Instant::now();
        assert!(l.check("a", Some("s"), t0).is_ok());
        assert!(l
            .check("a", Some("s"), t0 + Duration::from_secs(5))
            .is_err());
        assert!(l
            .check("a", Some("s"), t0 + Duration::from_secs(11))
            .is_ok());
    }

    #[test]
    fn expired_hits_are_forgotten_without_a_full_scan() {
        let l = RateLimiter::new(limit(5, 60), limit(1000, 60));
        let t0 = Instant::now();
        for u in 0..500 {
            l.check(&u.to_string(), None, t0).unwrap();
        }
        assert_eq!(l.remembered(), 500);
        // One check after the window forgets all of them.
        l.check("late", None, t0 + Duration::from_secs(61)).unwrap();
        assert_eq!(l.remembered(), 1);
    }

    #[test]
    fn memory_is_bounded_and_the_bound_only_loosens() {
        let l = RateLimiter::with_cap(limit(1, 3600), limit(1_000_000, 3600), 100);
        let t0 = Instant::now();
        assert!(l.check("victim", Some("s"), t0).is_ok());
        for u in 0..10_000 {
            let _ = l.check(&format!("flood{u}"), Some("s"), t0);
            assert!(l.remembered() <= 100);
        }
        // The victim's old hit was forgotten: lenient, not locked out.
        assert!(l.check("victim", Some("s"), t0).is_ok());
    }

    #[test]
    fn peek_records_nothing() {
        let l = RateLimiter::new(limit(1, 60), limit(10, 60));
        let t0 = Instant::now();
        assert!(l.peek("a", Some("s"), t0).is_ok());
        assert!(l.peek("a", Some("s"), t0).is_ok());
        assert_eq!(l.remembered(), 0);
        assert!(l.check("a", Some("s"), t0).is_ok());
        assert!(l.peek("a", Some("s"), t0).is_err());
    }

    #[test]
    fn a_report_is_uploaded_once_per_window() {
        let u = Uploads::default();
        let t0 = Instant::now();
        assert!(u.should_upload("c1", t0));
        assert!(!u.should_upload("c1", t0 + Duration::from_secs(30)));
        assert!(u.should_upload("c2", t0 + Duration::from_secs(30)));
        assert!(u.should_upload("c1", t0 + REPORT_REPOST_WITHIN + Duration::from_secs(1)));
    }
}
