//! What one probe run knows about the path's round trip, shared by its parts.
//!
//! Every answer (an echo reply, a SYN-ACK, a reset) is a round-trip sample. Once
//! the first one is in, the parts still waiting stop waiting for the configured
//! timeout and wait for a deadline derived from the largest sample instead
//! ([`Tuning::wait`]). Until then the configured timeout holds.

use std::time::Duration;
use tokio::sync::watch;

/// How the adaptive deadline is derived from the measured round trip.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tuning {
    /// The adaptive wait is never shorter than this.
    pub floor: Duration,
    /// The adaptive wait is this many times the largest round trip measured.
    pub multiplier: u32,
    /// Connection attempts (fresh SYNs) before a silent port is called
    /// filtered; twice as many once the run has seen loss.
    pub syn_attempts: u8,
}

impl Default for Tuning {
    fn default() -> Self {
        Tuning {
            floor: Duration::from_millis(100),
            multiplier: 4,
            syn_attempts: 6,
        }
    }
}

impl Tuning {
    /// How long to wait for an answer to something sent now, given `rtt`.
    pub fn wait(&self, rtt: Duration) -> Duration {
        self.floor.max(rtt.saturating_mul(self.multiplier.max(1)))
    }
}

/// What the run knows about its path.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Path {
    /// The largest round trip measured so far.
    pub rtt: Option<Duration>,
    /// Something was lost on the way (an echo unanswered while a later one
    /// was, a SYN answered only on a retry): silent ports get more attempts.
    pub loss: bool,
}

/// The path knowledge of one run, shared by its parts; cheap to clone.
#[derive(Clone, Debug)]
pub struct PathRtt {
    tx: std::sync::Arc<watch::Sender<Path>>,
}

impl Default for PathRtt {
    fn default() -> Self {
        Self::new()
    }
}

impl PathRtt {
    pub fn new() -> Self {
        PathRtt {
            tx: std::sync::Arc::new(watch::channel(Path::default()).0),
        }
    }

    /// Record a round-trip sample; waiters are woken when the estimate changes.
    pub fn observe(&self, rtt: Duration) {
        self.tx.send_if_modified(|cur| match cur.rtt {
            Some(c) if c >= rtt => false,
            _ => {
                cur.rtt = Some(rtt);
                true
            }
        });
    }

    /// Record evidence of packet loss on the path.
    pub fn saw_loss(&self) {
        self.tx
            .send_if_modified(|cur| !std::mem::replace(&mut cur.loss, true));
    }

    pub fn get(&self) -> Option<Duration> {
        self.tx.borrow().rtt
    }

    pub fn loss(&self) -> bool {
        self.tx.borrow().loss
    }

    pub fn subscribe(&self) -> watch::Receiver<Path> {
        self.tx.subscribe()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_largest_sample_and_floors_the_wait() {
        let r = PathRtt::new();
        assert_eq!(r.get(), None);
        r.observe(Duration::from_millis(5));
        r.observe(Duration::from_millis(2));
        assert_eq!(r.get(), Some(Duration::from_millis(5)));
        r.observe(Duration::from_millis(40));
        assert_eq!(r.get(), Some(Duration::from_millis(40)));
        let t = Tuning::default();
        assert_eq!(t.wait(Duration::from_millis(1)), t.floor);
        assert_eq!(
            t.wait(Duration::from_millis(40)),
            Duration::from_millis(160)
        );
    }
}
