//! One turn as every adapter runs it: the driver's turn for a [`Caller`]
//! built from what the platform states about the sender ([`Facts`]), its
//! [`Outgoing`] events handed, in order and as they come, to the platform's
//! [`Poster`], under the drain guard until the last reply is posted.

use std::future::Future;

use tokio::sync::mpsc;
use vmd_core::command::Lang;
use vmd_core::engine::Input;
use vmd_core::session::SessionKey;
use vmd_probe::Prober;

use crate::admission::Caller;
use crate::kit::layout::Shape;
use crate::kit::limits::RateLimiter;
use crate::shutdown::Turns;
use crate::store::Store;
use crate::{Driver, Outgoing};

/// What the platform says about an event's sender and place, for the
/// driver's authorisation point (the driver decides; this only states
/// facts). The default is a turn nobody asked for (a conversation taken up
/// after a restart): no space, nothing refused.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// The platform space (a Discord guild, a Slack workspace): the probe
    /// budget's space.
    pub space: Option<String>,
    /// The place (a channel off the allowlist) may not start diagnoses.
    pub place_refused: bool,
    /// The sender lacks the role the operator requires for probes.
    pub role_missing: bool,
    /// The sender holds the support role (or is in the support group).
    pub support: bool,
}

impl Facts {
    /// The caller these facts describe, charged against `starts` (the
    /// adapter's diagnosis-start limit) when the turn starts a diagnosis.
    pub fn caller<'a>(&'a self, starts: &'a RateLimiter) -> Caller<'a> {
        Caller {
            space: self.space.as_deref(),
            place_refused: self.place_refused,
            role_missing: self.role_missing,
            starts: Some(starts),
            support: self.support,
        }
    }
}

/// Where a turn's replies go: the platform's translation of [`Outgoing`]
/// into its messages. One poster serves one turn, so it may keep what the
/// turn posted so far (the "checking…" message to edit, a refusal that
/// stops the rest).
pub trait Poster: Send {
    /// Shows one event; called in the order the driver emitted them, each
    /// after the previous one was shown.
    fn show(&mut self, ev: Outgoing) -> impl Future<Output = ()> + Send;

    /// The turn failed (already logged, without its details): tell the user,
    /// where the replies go, that something went wrong.
    fn failed(&mut self) -> impl Future<Output = ()> + Send;
}

/// A turn's "checking…" message, as every platform shows it: posted with a
/// reply of shape [`Shape::Progress`], its header kept so each finished
/// probe part is added under it, and edited into the summary when the
/// summary comes (posted anew when that edit fails). `Id` is the
/// platform's id of a posted message.
#[derive(Debug)]
pub struct Checking<Id> {
    posted: Option<(Id, String)>,
}

impl<Id> Default for Checking<Id> {
    fn default() -> Self {
        Checking { posted: None }
    }
}

impl<Id> Checking<Id> {
    /// The message a reply of `shape` is edited into instead of being
    /// posted: the "checking…" message, for the summary (once).
    pub fn replaced_by(&mut self, shape: Shape) -> Option<Id> {
        match shape {
            Shape::Summary => self.posted.take().map(|(id, _)| id),
            _ => None,
        }
    }

    /// A reply of `shape` was posted (`sent`: its id and header; `None`
    /// when the post failed): a "checking…" one is the message to edit
    /// from now on.
    pub fn posted(&mut self, shape: Shape, sent: Option<(Id, String)>) {
        if shape == Shape::Progress {
            self.posted = sent;
        }
    }

    /// The "checking…" message and its header, to show probe parts under.
    pub fn current(&self) -> Option<(&Id, &str)> {
        self.posted.as_ref().map(|(id, h)| (id, h.as_str()))
    }
}

/// Runs one turn of `driver` for `key` and shows its events through
/// `poster`, in order, as they come (a "checking…" reply is posted while the
/// probe runs). Graceful shutdown waits for the replies to be posted, not
/// only for the turn: the drain guard is held until the poster is done.
pub async fn run<P, S, Po>(
    driver: &Driver<P, S>,
    key: &SessionKey,
    caller: Caller<'_>,
    input: Input,
    platform_lang: Option<Lang>,
    mut poster: Po,
) where
    P: Prober,
    S: Store,
    Po: Poster,
{
    let (tx, mut rx) = mpsc::unbounded_channel::<Outgoing>();
    let turn = async move {
        let mut sink = move |ev: Outgoing| {
            let _ = tx.send(ev);
        };
        driver
            .turn_as(key, caller, input, platform_lang, &mut sink)
            .await
    };
    let post = async move {
        while let Some(ev) = rx.recv().await {
            poster.show(ev).await;
        }
        poster
    };
    let _held = driver.turns().hold();
    let (result, mut poster) = tokio::join!(turn, post);
    if let Err(e) = result {
        tracing::error!(error = %e, "turn failed");
        poster.failed().await;
    }
}

/// Whether a new platform event may start work: not while the process
/// drains (logged as `what`, "click", "event", … not taken). The adapter
/// then tells the user to try again shortly instead.
pub fn taken(turns: &Turns, what: &str) -> bool {
    if turns.is_draining() {
        tracing::info!("shutting down; {what} not taken");
        return false;
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{test_driver, GateProber, TestStore};
    use crate::kit::limits::Limit;
    use std::sync::{Arc, Mutex};
    use std::time::Duration;
    use tokio::sync::Semaphore;
    use vmd_core::command::Command;
    use vmd_core::probe::PortState;

    /// Generous: the machine running the tests may be very busy.
    const PATIENCE: Duration = Duration::from_secs(60);

    fn starts() -> RateLimiter {
        let l = Limit {
            max: 5,
            per: Duration::from_secs(600),
        };
        RateLimiter::new(l, l)
    }

    fn driver(worlds: &[PortState], store: TestStore) -> Driver<GateProber, TestStore> {
        test_driver(GateProber::new(worlds, true), store)
    }

    fn key() -> SessionKey {
        SessionKey::new("test", "c1", "u1")
    }

    fn diagnose() -> Input {
        Input::Command(Command::Diagnose {
            ip: Some("203.0.113.7".parse().unwrap()),
            os: Some(vmd_core::command::Os::Linux),
            port: None,
        })
    }

    fn name(ev: &Outgoing) -> String {
        match ev {
            Outgoing::Reply { reply, .. } => {
                format!(
                    "reply:{}",
                    reply.parts.first().map_or("", |m| m.id.as_str())
                )
            }
            Outgoing::Progress { .. } => "progress".into(),
            Outgoing::Escalation { .. } => "escalation".into(),
            Outgoing::Ended(_) => "ended".into(),
        }
    }

    /// Records what it is shown, as short names in order; each event first
    /// waits for a permit of `gate`, so a test can hold the posting back.
    struct Recorder {
        shown: Arc<Mutex<Vec<String>>>,
        gate: Arc<Semaphore>,
    }

    impl Recorder {
        /// A recorder whose posting waits for `permits`, and what it shows.
        fn new(permits: usize) -> (Recorder, Arc<Mutex<Vec<String>>>, Arc<Semaphore>) {
            let shown = Arc::new(Mutex::new(Vec::new()));
            let gate = Arc::new(Semaphore::new(permits));
            let r = Recorder {
                shown: shown.clone(),
                gate: gate.clone(),
            };
            (r, shown, gate)
        }
    }

    impl Poster for Recorder {
        async fn show(&mut self, ev: Outgoing) {
            self.gate.acquire().await.expect("gate").forget();
            self.shown.lock().unwrap().push(name(&ev));
        }

        async fn failed(&mut self) {
            self.shown.lock().unwrap().push("failed".into());
        }
    }

    /// One turn through [`run`]: what the poster was shown.
    async fn shown_by<S: Store>(
        d: &Driver<GateProber, S>,
        facts: &Facts,
        l: &RateLimiter,
    ) -> Vec<String> {
        let (poster, shown, _) = Recorder::new(1000);
        run(d, &key(), facts.caller(l), diagnose(), None, poster).await;
        let names = shown.lock().unwrap().clone();
        names
    }

    #[tokio::test]
    async fn events_reach_the_poster_in_the_order_the_driver_emitted_them() {
        // The same turn with the driver's own sink: the order to keep.
        let plain = driver(&[PortState::Open], TestStore::default());
        let mut direct = Vec::new();
        let mut sink = |ev: Outgoing| direct.push(name(&ev));
        plain
            .turn(&key(), diagnose(), None, &mut sink)
            .await
            .unwrap();
        assert!(direct.iter().any(|n| n == "progress"), "{direct:?}");

        let d = driver(&[PortState::Open], TestStore::default());
        let shown = shown_by(&d, &Facts::default(), &starts()).await;
        assert_eq!(shown, direct);
        assert_eq!(d.turns().in_flight(), 0);
    }

    #[tokio::test]
    async fn the_drain_guard_is_held_until_the_last_reply_is_posted() {
        let d = Arc::new(driver(&[PortState::Open], TestStore::default()));
        let (poster, shown, gate) = Recorder::new(0);
        let job = {
            let d = d.clone();
            tokio::spawn(async move {
                let (l, facts) = (starts(), Facts::default());
                run(&d, &key(), facts.caller(&l), diagnose(), None, poster).await;
            })
        };
        // The first poll of the job counts the turn and takes the
        // conversation's lock (nothing waits in between).
        let until = tokio::time::Instant::now() + PATIENCE;
        while d.turns().in_flight() == 0 && tokio::time::Instant::now() < until {
            tokio::task::yield_now().await;
        }
        // Another turn of the same conversation runs once the first one
        // let go of the conversation (its own count gone with it: the test
        // runtime has one thread), while nothing of it is posted yet.
        let mut sink = |_: Outgoing| {};
        let status = Input::Command(Command::Status);
        tokio::time::timeout(PATIENCE, d.turn(&key(), status, None, &mut sink))
            .await
            .expect("the first turn let go")
            .unwrap();
        assert_eq!(d.turns().in_flight(), 1, "the posting is counted");
        assert!(shown.lock().unwrap().is_empty());
        let left = d.turns().drain(Duration::from_millis(1)).await;
        assert_eq!(left, 1, "a drain waits for the replies");
        gate.add_permits(1000);
        job.await.unwrap();
        assert_eq!(d.turns().in_flight(), 0);
        assert!(!shown.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn the_facts_decide_what_the_turn_may_start() {
        let limiter = starts();
        // A place off the allowlist: the driver refuses the probe (none
        // runs: the prober has nothing scripted and would panic).
        let refused = Facts {
            space: Some("G1".into()),
            place_refused: true,
            ..Facts::default()
        };
        let d = driver(&[], TestStore::default());
        let shown = shown_by(&d, &refused, &limiter).await;
        assert!(!shown.iter().any(|n| n == "progress"), "{shown:?}");
        assert_eq!(limiter.remembered(), 0, "a refused place costs no start");

        // Allowed: the start is charged to the user in that space.
        let allowed = Facts {
            place_refused: false,
            ..refused
        };
        let d = driver(&[PortState::Open], TestStore::default());
        shown_by(&d, &allowed, &limiter).await;
        assert!(limiter.remembered() > 0, "the start was charged");

        let c = Facts {
            space: Some("G2".into()),
            place_refused: false,
            role_missing: true,
            support: true,
        };
        let caller = c.caller(&limiter);
        assert_eq!(caller.space, Some("G2"));
        assert!(caller.role_missing && caller.support && !caller.place_refused);
        assert!(caller.starts.is_some());
    }

    #[tokio::test]
    async fn a_failed_turn_is_told_where_the_replies_go() {
        let broken = TestStore {
            broken: true,
            ..TestStore::default()
        };
        let d = driver(&[], broken);
        let shown = shown_by(&d, &Facts::default(), &starts()).await;
        assert_eq!(shown.last().map(String::as_str), Some("failed"));
        assert_eq!(d.turns().in_flight(), 0);
    }

    #[test]
    fn the_checking_message_is_edited_into_the_summary_once() {
        let mut c = Checking::default();
        assert_eq!(c.replaced_by(Shape::Summary), None, "nothing posted yet");
        c.posted(Shape::Text, Some((1, "question".into())));
        assert_eq!(c.current(), None, "a question is not the checking message");
        c.posted(Shape::Progress, Some((2, "checking…".into())));
        assert_eq!(c.current(), Some((&2, "checking…")));
        assert_eq!(c.replaced_by(Shape::Text), None);
        assert_eq!(c.replaced_by(Shape::Progress), None);
        assert_eq!(c.replaced_by(Shape::Summary), Some(2));
        assert_eq!(c.replaced_by(Shape::Summary), None, "once");
        assert_eq!(c.current(), None);
        // A "checking…" message that could not be posted is not edited.
        c.posted(Shape::Progress, None);
        assert_eq!(c.current(), None);
    }

    #[test]
    fn nothing_new_is_taken_while_draining() {
        let t = Turns::default();
        assert!(taken(&t, "click"));
        t.begin_drain();
        assert!(!taken(&t, "click"));
    }
}
