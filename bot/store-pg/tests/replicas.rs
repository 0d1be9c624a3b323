//! Several replicas (each a store with its own pool, as separate processes
//! have) racing on one database: on the same conversation's turn, on the
//! same platform event, and on a conversation a dead replica left in a
//! probe. Exactly one wins each race.

mod support;

use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Barrier;
use std::time::Duration;
use vmd_core::session::{Phase, Session, SessionKey};
use vmd_runtime::store::Store;
use vmd_store_pg::PgStore;

const REPLICAS: usize = 4;

fn replicas(url: &str, lease: Duration) -> Vec<PgStore> {
    let schema = support::fresh_schema();
    (0..REPLICAS)
        .map(|_| {
            let mut cfg = support::config(url, &schema);
            cfg.lease = lease;
            PgStore::open(cfg).unwrap()
        })
        .collect()
}

/// Every replica runs turns on one conversation: read, change, write. With
/// the turn lock no two overlap and no change is lost.
#[test]
fn one_turn_per_conversation_across_replicas() {
    let Some(url) = support::url("one_turn_per_conversation_across_replicas") else {
        return;
    };
    let stores = replicas(&url, Duration::from_secs(60));
    let key = SessionKey::new("discord", "chan/1", "user-1");
    stores[0].save(&key, &Session::new(0)).unwrap();
    const TURNS: u64 = 15;
    let inside = AtomicBool::new(false);
    let overlaps = AtomicUsize::new(0);
    let start = Barrier::new(REPLICAS);
    std::thread::scope(|s| {
        for st in &stores {
            let (key, inside, overlaps, start) = (&key, &inside, &overlaps, &start);
            s.spawn(move || {
                start.wait();
                for _ in 0..TURNS {
                    let _turn = st.lock_turn(key).unwrap();
                    if inside.swap(true, Ordering::SeqCst) {
                        overlaps.fetch_add(1, Ordering::SeqCst);
                    }
                    let mut sess = st.load(key).unwrap().unwrap();
                    // Give another replica every chance to step in.
                    std::thread::sleep(Duration::from_millis(2));
                    sess.updated_ms += 1;
                    st.save(key, &sess).unwrap();
                    inside.store(false, Ordering::SeqCst);
                }
            });
        }
    });
    assert_eq!(
        overlaps.load(Ordering::SeqCst),
        0,
        "two replicas ran a turn at once"
    );
    assert_eq!(
        stores[1].load(&key).unwrap().unwrap().updated_ms,
        TURNS * REPLICAS as u64,
        "a turn's change was lost"
    );
}

/// The same event delivered to every replica at once is applied by one.
#[test]
fn an_event_redelivered_to_every_replica_is_applied_once() {
    let Some(url) = support::url("an_event_redelivered_to_every_replica_is_applied_once") else {
        return;
    };
    let stores = replicas(&url, Duration::from_secs(60));
    const EVENTS: usize = 25;
    let applied: Vec<AtomicUsize> = (0..EVENTS).map(|_| AtomicUsize::new(0)).collect();
    let start = Barrier::new(REPLICAS);
    std::thread::scope(|s| {
        for st in &stores {
            let (applied, start) = (&applied, &start);
            s.spawn(move || {
                start.wait();
                for (i, n) in applied.iter().enumerate() {
                    if st.first_delivery("slack", &format!("Ev{i:04}")).unwrap() {
                        n.fetch_add(1, Ordering::SeqCst);
                    }
                }
            });
        }
    });
    for (i, n) in applied.iter().enumerate() {
        assert_eq!(n.load(Ordering::SeqCst), 1, "event {i} applied {n:?} times");
    }
    // The same id on another platform is another event.
    assert!(stores[0].first_delivery("discord", "Ev0000").unwrap());
}

/// A replica dies in the middle of a probe (its lease is never released
/// and no longer renewed): once the lease expires the conversation is
/// listed as interrupted, and of the replicas racing to take it up exactly
/// one runs the probe again.
#[test]
fn a_probe_left_by_a_dead_replica_is_taken_up_by_one() {
    let Some(url) = support::url("a_probe_left_by_a_dead_replica_is_taken_up_by_one") else {
        return;
    };
    let mut stores = replicas(&url, Duration::from_secs(2));
    let key = SessionKey::new("slack", "C1/1700000000.000100", "U1");
    let dead = stores.remove(0);
    let held = dead.lock_turn(&key).unwrap();
    let mut s = Session::new(1);
    s.target = Some("203.0.113.5".parse().unwrap());
    s.phase = Phase::Resolving("web.example.com".into());
    dead.save(&key, &s).unwrap();
    // While the dying replica's lease lives, nobody lists it as interrupted.
    assert!(stores[0].interrupted().unwrap().is_empty());
    // SIGKILL: nothing is released, nothing renewed any more.
    std::mem::forget(held);
    drop(dead);
    let taken_up = AtomicUsize::new(0);
    let start = Barrier::new(stores.len());
    std::thread::scope(|sc| {
        for st in &stores {
            let (key, taken_up, start) = (&key, &taken_up, &start);
            sc.spawn(move || {
                start.wait();
                // Polls like the adapters' sweep would, until it is gone.
                loop {
                    if !st.interrupted().unwrap().contains(key) {
                        let s = st.load(key).unwrap().unwrap();
                        if !s.waits_on_runtime() {
                            return;
                        }
                        std::thread::sleep(Duration::from_millis(50));
                        continue;
                    }
                    let _turn = st.lock_turn(key).unwrap();
                    let mut s = st.load(key).unwrap().unwrap();
                    if s.waits_on_runtime() {
                        // The probe runs again here, once.
                        taken_up.fetch_add(1, Ordering::SeqCst);
                        std::thread::sleep(Duration::from_millis(20));
                        s.phase = Phase::AskOs;
                        st.save(key, &s).unwrap();
                    }
                    return;
                }
            });
        }
    });
    assert_eq!(taken_up.load(Ordering::SeqCst), 1);
    assert!(stores[0].interrupted().unwrap().is_empty());
}

/// Fencing: a replica whose lease expired (it stalled: a long pause, a
/// partition) and was taken over can no longer save; what the new holder
/// wrote stays, and releasing the stale lease does not free the new one.
#[test]
fn a_stale_lease_holders_save_is_refused() {
    let Some(url) = support::url("a_stale_lease_holders_save_is_refused") else {
        return;
    };
    let schema = support::fresh_schema();
    let open = || {
        let mut cfg = support::config(&url, &schema);
        cfg.lease = Duration::from_secs(600);
        PgStore::open(cfg).unwrap()
    };
    let (stale, fresh) = (open(), open());
    let key = SessionKey::new("slack", "C1/1700000000.000100", "U1");
    let old_turn = stale.lock_turn(&key).unwrap();
    stale.save(&key, &Session::new(1)).unwrap();
    // The stale holder's lease runs out (its renewals stalled).
    support::expire_leases(&url, &schema);
    let new_turn = fresh.lock_turn(&key).unwrap();
    fresh.save(&key, &Session::new(2)).unwrap();
    let e = stale
        .save(&key, &Session::new(3))
        .expect_err("a stale holder must not save");
    assert!(
        matches!(e, vmd_runtime::store::StoreError::Unavailable(_)),
        "{e:?}"
    );
    assert_eq!(fresh.load(&key).unwrap().unwrap().updated_ms, 2);
    // The stale turn ends: the new holder's lease is untouched.
    drop(old_turn);
    fresh.save(&key, &Session::new(4)).unwrap();
    assert_eq!(stale.load(&key).unwrap().unwrap().updated_ms, 4);
    // After the new turn ends too, the stale holder still cannot save
    // under its old token.
    drop(new_turn);
    assert!(fresh.lock_turn(&key).is_ok());
}
