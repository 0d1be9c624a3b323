//! Graceful shutdown: the driver counts the turns under way; on SIGTERM the
//! binary sets `draining` (adapters take no new interaction), waits until the count is zero
//! or the deadline passes, flushes the store and exits 0.
//!
//! A turn cut off by the deadline is safe: the engine's `Persist` effect comes
//! before every reply, so the session on disk is at the last step the user
//! saw, and the conversation resumes there after the restart (as after kill -9).

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::Duration;
use tokio::sync::Notify;

#[derive(Debug, Default)]
pub struct Turns {
    n: AtomicUsize,
    draining: AtomicBool,
    idle: Notify,
}

/// Held while a turn runs.
pub struct TurnGuard<'a>(&'a Turns);

impl Drop for TurnGuard<'_> {
    fn drop(&mut self) {
        let left = self.0.n.fetch_sub(1, Ordering::SeqCst) - 1;
        crate::telemetry::turns_in_flight(left);
        if left == 0 {
            self.0.idle.notify_waiters();
        }
    }
}

impl Turns {
    /// Counts work under way until the guard drops (a turn; an adapter also
    /// wraps the posting of a turn's replies). Never refused: work that has
    /// begun is let finish. Adapters ask [`Turns::is_draining`] before they
    /// take new interactions.
    pub fn hold(&self) -> TurnGuard<'_> {
        let n = self.n.fetch_add(1, Ordering::SeqCst) + 1;
        crate::telemetry::turns_in_flight(n);
        TurnGuard(self)
    }

    /// Starts new work unless draining.
    pub fn enter(&self) -> Option<TurnGuard<'_>> {
        if self.is_draining() {
            return None;
        }
        Some(self.hold())
    }

    pub fn in_flight(&self) -> usize {
        self.n.load(Ordering::SeqCst)
    }

    pub fn is_draining(&self) -> bool {
        self.draining.load(Ordering::SeqCst)
    }

    /// Refuses new turns from now on.
    pub fn begin_drain(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    /// Waits until no turn is under way, at most `deadline`. Returns how many
    /// turns were still running when it gave up (0: all finished).
    pub async fn drain(&self, deadline: Duration) -> usize {
        self.begin_drain();
        let wait = async {
            loop {
                let notified = self.idle.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if self.in_flight() == 0 {
                    return;
                }
                notified.await;
            }
        };
        let _ = tokio::time::timeout(deadline, wait).await;
        self.in_flight()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn drain_waits_for_turns_and_refuses_new_ones() {
        let t = std::sync::Arc::new(Turns::default());
        let t2 = t.clone();
        let (started_tx, started_rx) = tokio::sync::oneshot::channel();
        let job = tokio::spawn(async move {
            let _g = t2.enter().expect("not draining yet");
            started_tx.send(()).unwrap();
            tokio::time::sleep(Duration::from_millis(100)).await;
        });
        started_rx.await.unwrap();
        assert_eq!(t.in_flight(), 1);
        let left = t.drain(Duration::from_secs(10)).await;
        assert_eq!(left, 0, "the turn under way finished");
        assert!(job.is_finished() || job.await.is_ok());
        assert!(t.enter().is_none(), "no new turn while draining");
    }

    #[tokio::test]
    async fn drain_gives_up_at_the_deadline() {
        let t = Turns::default();
        let g = t.enter().unwrap();
        let left = t.drain(Duration::from_millis(50)).await;
        assert_eq!(left, 1);
        drop(g);
        assert_eq!(t.in_flight(), 0);
    }
}
