//! The adapter kit: what every chat adapter (Discord, Slack) needs beyond the
//! driver, kept here once so the adapters stay translation only.
//!
//! - [`ids`]: button/action ids carrying conversation, owner, step and option;
//! - [`admit`]: ownership, support-role and stale-click admission;
//! - [`limits`]: per-user and per-space rate limits for starting diagnoses;
//! - [`layout`]: a reply as neutral data (question and buttons, progress,
//!   summary fields), text already escaped by [`safe`];
//! - [`safe`]: escaping of user- and server-supplied text per platform;
//! - [`turn`]: one driver turn for the platform's facts about the sender,
//!   its events shown by the platform's poster, under the drain guard;
//! - [`takeover`]: conversations a stopped process left in a probe, taken
//!   up a few at a time (and again every sweep with a shared store);
//! - [`Seen`]: a bounded "handled once" set for redelivered events.

pub mod admit;
pub mod freetext;
pub mod ids;
pub mod layout;
pub mod limits;
pub mod safe;
pub mod takeover;
pub mod turn;

use std::collections::{HashSet, VecDeque};
use std::sync::Mutex;

/// Remembers the last `cap` event ids, so a replayed or redelivered event is
/// handled only once.
pub struct Seen {
    cap: usize,
    inner: Mutex<(HashSet<String>, VecDeque<String>)>,
}

impl Seen {
    pub fn new(cap: usize) -> Seen {
        Seen {
            cap: cap.max(1),
            inner: Mutex::new((HashSet::new(), VecDeque::new())),
        }
    }

    /// `true` the first time `id` is seen.
    pub fn first_time(&self, id: &str) -> bool {
        let mut g = self.inner.lock().unwrap_or_else(|p| p.into_inner());
        let (set, order) = &mut *g;
        if !set.insert(id.to_owned()) {
            return false;
        }
        order.push_back(id.to_owned());
        while order.len() > self.cap {
            if let Some(old) = order.pop_front() {
                set.remove(&old);
            }
        }
        true
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn seen_once_and_bounded() {
        let s = super::Seen::new(2);
        assert!(s.first_time("a"));
        assert!(!s.first_time("a"));
        assert!(s.first_time("b"));
        assert!(s.first_time("c"));
        assert!(s.first_time("a"), "forgotten past the cap");
    }
}
