//! Taking up conversations a stopped process left in a probe or a lookup
//! ([`Driver::interrupted`]): each gets `Input::Resume`, so its result
//! reaches the user unasked, a few at a time; with a store shared by
//! replicas, again every [`Driver::takeover_sweep`].

use std::future::Future;
use std::sync::Arc;

use vmd_core::session::SessionKey;
use vmd_probe::Prober;

use crate::store::Store;
use crate::Driver;

/// Conversations taken up at once.
pub const AT_ONCE: usize = 8;

/// Takes up the conversations [`Driver::interrupted`] lists: `resume` turns
/// a key into the platform's `Input::Resume` turn for it (a probe already
/// authorised, so with default facts), or `None` for a key that is not the
/// platform's to take up; each turn is spawned, [`AT_ONCE`] at most at a
/// time. Once, or, when the store is shared, every sweep for as long as the
/// adapter runs.
pub async fn take_up<P, S, F, Fut>(driver: &Driver<P, S>, mut resume: F)
where
    P: Prober,
    S: Store,
    F: FnMut(SessionKey) -> Option<Fut>,
    Fut: Future<Output = ()> + Send + 'static,
{
    // With replicas sharing the store, again every sweep: a probe a dead
    // replica left is taken up once its lease expires.
    let sweep = driver.takeover_sweep();
    loop {
        once(driver, &mut resume).await;
        match sweep {
            Some(every) => tokio::time::sleep(every).await,
            None => return,
        }
    }
}

async fn once<P, S, F, Fut>(driver: &Driver<P, S>, resume: &mut F)
where
    P: Prober,
    S: Store,
    F: FnMut(SessionKey) -> Option<Fut>,
    Fut: Future<Output = ()> + Send + 'static,
{
    let keys = match driver.interrupted() {
        Ok(keys) => keys,
        Err(e) => {
            tracing::error!(error = %e, "could not list interrupted conversations");
            return;
        }
    };
    if keys.is_empty() {
        return;
    }
    tracing::info!(
        count = keys.len(),
        "taking up conversations a stopped process left in a probe"
    );
    let gate = Arc::new(tokio::sync::Semaphore::new(AT_ONCE));
    for key in keys {
        let Some(turn) = resume(key) else {
            continue;
        };
        let Ok(permit) = gate.clone().acquire_owned().await else {
            return;
        };
        tokio::spawn(async move {
            let _permit = permit;
            turn.await;
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fake::{test_driver, GateProber, TestStore};
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Mutex;
    use std::time::Duration;
    use vmd_core::command::Command;
    use vmd_core::engine::Input;
    use vmd_core::session::Session;

    /// Generous: the machine running the tests may be very busy.
    const PATIENCE: Duration = Duration::from_secs(60);

    /// Stores a conversation left in its first probe.
    fn left_in_a_probe(d: &Driver<GateProber, TestStore>, key: &SessionKey) {
        let now = crate::driver::now_ms();
        let mut s = Session::new(now);
        d.engine().handle(
            &mut s,
            Input::Command(Command::Diagnose {
                ip: Some("203.0.113.7".parse().unwrap()),
                os: Some(vmd_core::command::Os::Linux),
                port: None,
            }),
            now,
        );
        assert!(s.waits_on_runtime());
        d.store().save(key, &s).unwrap();
    }

    async fn until(what: &str, mut ok: impl FnMut() -> bool) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        while !ok() {
            assert!(tokio::time::Instant::now() < deadline, "never: {what}");
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    #[tokio::test]
    async fn every_interrupted_conversation_is_taken_up_a_few_at_a_time() {
        let d = test_driver(GateProber::new(&[], true), TestStore::default());
        let keys: Vec<SessionKey> = (0..AT_ONCE + 4)
            .map(|i| SessionKey::new("test", &format!("c{i}"), "u1"))
            .collect();
        for k in &keys {
            left_in_a_probe(&d, k);
        }
        // One the platform does not take up (not its own): skipped, and it
        // holds no place.
        let foreign = SessionKey::new("test", "elsewhere", "u1");
        left_in_a_probe(&d, &foreign);

        let release = Arc::new(tokio::sync::Semaphore::new(0));
        let running = Arc::new(AtomicUsize::new(0));
        let most = Arc::new(AtomicUsize::new(0));
        let taken = Arc::new(Mutex::new(Vec::new()));
        let d = Arc::new(d);
        let job = {
            let (d, release, running, most, taken) = (
                d.clone(),
                release.clone(),
                running.clone(),
                most.clone(),
                taken.clone(),
            );
            tokio::spawn(async move {
                take_up(&d, move |key: SessionKey| {
                    if key.conversation == "elsewhere" {
                        return None;
                    }
                    let (release, running, most, taken) = (
                        release.clone(),
                        running.clone(),
                        most.clone(),
                        taken.clone(),
                    );
                    Some(async move {
                        let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                        most.fetch_max(now, Ordering::SeqCst);
                        release.acquire().await.expect("release").forget();
                        taken.lock().unwrap().push(key);
                        running.fetch_sub(1, Ordering::SeqCst);
                    })
                })
                .await
            })
        };
        until("the first places are filled", || {
            running.load(Ordering::SeqCst) == AT_ONCE
        })
        .await;
        release.add_permits(1000);
        job.await.unwrap();
        until("every conversation is taken up", || {
            taken.lock().unwrap().len() == keys.len()
        })
        .await;
        assert_eq!(most.load(Ordering::SeqCst), AT_ONCE, "never more at once");
        let mut got = taken.lock().unwrap().clone();
        got.sort_by(|a, b| a.conversation.cmp(&b.conversation));
        let mut want = keys.clone();
        want.sort_by(|a, b| a.conversation.cmp(&b.conversation));
        assert_eq!(got, want);
        // Handed out once: a second pass lists none of them again.
        assert!(d.interrupted().unwrap().is_empty());
    }

    #[tokio::test]
    async fn a_shared_store_is_swept_again() {
        let store = TestStore {
            sweep: Some(Duration::from_millis(10)),
            ..TestStore::default()
        };
        let d = Arc::new(test_driver(GateProber::new(&[], true), store));
        let taken = Arc::new(Mutex::new(Vec::new()));
        let job = {
            let (d, taken) = (d.clone(), taken.clone());
            tokio::spawn(async move {
                take_up(&d, move |key: SessionKey| {
                    let taken = taken.clone();
                    Some(async move { taken.lock().unwrap().push(key) })
                })
                .await
            })
        };
        // Nothing to take up at first; a conversation a replica leaves in a
        // probe later is taken up by a later sweep.
        tokio::task::yield_now().await;
        let key = SessionKey::new("test", "later", "u1");
        left_in_a_probe(&d, &key);
        until("a later sweep takes it up", || {
            taken.lock().unwrap().contains(&key)
        })
        .await;
        assert!(!job.is_finished(), "the sweeps go on");
        job.abort();
        assert_eq!(taken.lock().unwrap().len(), 1, "taken up once");
    }
}
