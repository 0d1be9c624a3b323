//! Probe budgets and start limits shared by replicas: two replicas (each
//! with its own pool and its own admission point, as separate processes
//! have) admitting probes on one database together never exceed a budget.

mod support;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Barrier;
use std::time::{Duration, Instant};
use vmd_core::limits::{Budget, ProbeRefusal};
use vmd_core::policy::TargetPolicy;
use vmd_core::probe::{PortSpec, ProbeRequest, Service};
use vmd_core::session::{Session, SessionKey};
use vmd_runtime::admission::{Admission, AdmissionConfig, Caller, Permit, Rate};
use vmd_runtime::kit::limits::{Limit, RateLimiter};
use vmd_runtime::store::Store;
use vmd_store_pg::PgStore;

const REPLICAS: usize = 2;
const THREADS_PER_REPLICA: usize = 4;

fn req(ip: &str) -> ProbeRequest {
    ProbeRequest {
        target: ip.parse().unwrap(),
        icmp: false,
        ports: vec![PortSpec {
            port: 22,
            service: Some(Service::Ssh),
        }],
        alternates: false,
    }
}

fn policy() -> TargetPolicy {
    TargetPolicy::new(vec!["203.0.113.0/24".parse().unwrap()])
}

fn cfg() -> AdmissionConfig {
    AdmissionConfig {
        per_user: Rate::new(1000, 600),
        per_space: Rate::new(1000, 600),
        per_target: Rate::new(1000, 600),
        max_running_per_user: 1000,
        max_lookups_per_user: 2,
    }
}

/// Every thread of every replica asks `tries` times for a probe made by
/// `ask(replica, thread, i)`; returns how many were admitted over all.
fn race(
    points: &[Admission],
    tries: usize,
    ask: impl Fn(usize, usize, usize) -> (SessionKey, Option<String>, ProbeRequest) + Sync,
) -> usize {
    let admitted = AtomicUsize::new(0);
    let start = Barrier::new(points.len() * THREADS_PER_REPLICA);
    std::thread::scope(|s| {
        for (r, a) in points.iter().enumerate() {
            for t in 0..THREADS_PER_REPLICA {
                let (admitted, start, ask) = (&admitted, &start, &ask);
                s.spawn(move || {
                    start.wait();
                    for i in 0..tries {
                        let (key, space, req) = ask(r, t, i);
                        match a.admit(&key, space.as_deref(), &policy(), &Session::new(0), &req) {
                            Ok(permit) => {
                                drop(permit);
                                admitted.fetch_add(1, Ordering::SeqCst);
                            }
                            Err(ProbeRefusal::Rate { .. }) => {}
                            Err(other) => panic!("unexpected refusal {other:?}"),
                        }
                    }
                });
            }
        }
    });
    admitted.into_inner()
}

fn points(stores: &[PgStore], cfg: &AdmissionConfig, shared: bool) -> Vec<Admission> {
    stores
        .iter()
        .map(|st| {
            Admission::new(cfg.clone()).with_shared(shared.then(|| st.shared_budgets()).flatten())
        })
        .collect()
}

fn replicas(url: &str) -> Vec<PgStore> {
    let schema = support::fresh_schema();
    (0..REPLICAS)
        .map(|_| PgStore::open(support::config(url, &schema)).unwrap())
        .collect()
}

#[test]
fn two_replicas_together_never_exceed_a_budget() {
    let Some(url) = support::url("two_replicas_together_never_exceed_a_budget") else {
        return;
    };
    // One target, many users: the target's budget (its per-user share
    // never reached: every try is another user).
    let mut c = cfg();
    c.per_target = Rate::new(10, 600);
    let by_target = |r: usize, t: usize, i: usize| {
        (
            SessionKey::new("slack", &format!("C{r}/{t}"), &format!("U{r}-{t}-{i}")),
            Some("T1".to_owned()),
            req("203.0.113.5"),
        )
    };
    let stores = replicas(&url);
    assert_eq!(race(&points(&stores, &c, true), 5, by_target), 10);
    // The control: each replica's own buckets admit the budget each.
    let stores = replicas(&url);
    assert_eq!(race(&points(&stores, &c, false), 5, by_target), 20);

    // One user, many conversations and addresses: the user's budget.
    let mut c = cfg();
    c.per_user = Rate::new(6, 600);
    let stores = replicas(&url);
    let one_user = |r: usize, t: usize, i: usize| {
        (
            SessionKey::new("discord", &format!("{r}{t}{i}"), "mallory"),
            Some("G1".to_owned()),
            req(&format!("203.0.113.{}", 10 + r * 40 + t * 8 + i)),
        )
    };
    assert_eq!(race(&points(&stores, &c, true), 5, one_user), 6);

    // One workspace, many users and addresses: the space's budget.
    let mut c = cfg();
    c.per_space = Rate::new(8, 600);
    let stores = replicas(&url);
    let one_space = |r: usize, t: usize, i: usize| {
        (
            SessionKey::new("slack", "C1/1", &format!("U{r}-{t}-{i}")),
            Some("T9".to_owned()),
            req(&format!("203.0.113.{}", 10 + r * 40 + t * 8 + i)),
        )
    };
    let a = points(&stores, &c, true);
    assert_eq!(race(&a, 5, one_space), 8);
    // A refusal says which budget and when to come back.
    let (key, space, r) = one_space(0, 0, 99);
    match a[1].admit(&key, space.as_deref(), &policy(), &Session::new(0), &r) {
        Err(ProbeRefusal::Rate {
            budget: Budget::Space,
            retry_after_s,
        }) => assert!((1..=75).contains(&retry_after_s), "{retry_after_s}"),
        other => panic!("expected the space budget, got {:?}", other.err()),
    };
}

/// The start limit (diagnoses started per user and per space) is one
/// bucket over the replicas too.
#[test]
fn two_replicas_share_the_start_limit() {
    let Some(url) = support::url("two_replicas_share_the_start_limit") else {
        return;
    };
    let stores = replicas(&url);
    let a = points(&stores, &cfg(), true);
    let limiters: Vec<RateLimiter> = (0..REPLICAS)
        .map(|_| {
            RateLimiter::new(
                Limit {
                    max: 3,
                    per: Duration::from_secs(600),
                },
                Limit {
                    max: 100,
                    per: Duration::from_secs(600),
                },
            )
        })
        .collect();
    let started = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for (r, (a, l)) in a.iter().zip(&limiters).enumerate() {
            let started = &started;
            s.spawn(move || {
                for i in 0..5 {
                    let key = SessionKey::new("slack", &format!("C{r}/{i}"), "U1");
                    let caller = Caller {
                        space: Some("T1"),
                        starts: Some(l),
                        ..Caller::default()
                    };
                    match a.authorize(&key, &caller, true, Instant::now(), None) {
                        Ok(()) => {
                            started.fetch_add(1, Ordering::SeqCst);
                        }
                        Err(ProbeRefusal::Rate {
                            budget: Budget::Starts,
                            ..
                        }) => {}
                        Err(other) => panic!("unexpected refusal {other:?}"),
                    }
                }
            });
        }
    });
    assert_eq!(started.into_inner(), 3, "starts over both replicas");
}

/// Replica `r` asks for a probe of user `mallory` in conversation `i`.
fn ask<'a>(a: &'a Admission, r: usize, i: usize) -> Result<Permit<'a>, ProbeRefusal> {
    a.admit(
        &SessionKey::new("discord", &format!("{r}/{i}"), "mallory"),
        Some("G1"),
        &policy(),
        &Session::new(0),
        &req(&format!("203.0.113.{}", 10 + r * 100 + i % 90)),
    )
}

/// The cap of running probes per user holds over the replicas: what one
/// replica runs counts on the other, and many threads of both replicas
/// never run more than the cap for one user at once.
#[test]
fn two_replicas_share_the_running_probe_cap() {
    let Some(url) = support::url("two_replicas_share_the_running_probe_cap") else {
        return;
    };
    let mut c = cfg();
    c.max_running_per_user = 2;
    let stores = replicas(&url);
    let a = points(&stores, &c, true);
    // Two running on the first replica: the second refuses a third.
    let p1 = ask(&a[0], 0, 0).unwrap();
    let p2 = ask(&a[0], 0, 1).unwrap();
    match ask(&a[1], 1, 0) {
        Err(ProbeRefusal::Busy { max: 2 }) => {}
        other => panic!("expected busy on the other replica, got {:?}", other.err()),
    }
    // One ends: the other replica may run one (its release is in the
    // background; waited for, with a generous deadline).
    drop(p1);
    let deadline = Instant::now() + Duration::from_secs(60);
    let p3 = loop {
        match ask(&a[1], 1, 1) {
            Ok(p) => break p,
            Err(ProbeRefusal::Busy { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(other) => panic!("the freed slot never came back: {other:?}"),
        }
    };
    drop((p2, p3));

    // Many threads of both replicas, each holding its probe a while.
    let running = AtomicUsize::new(0);
    let most = AtomicUsize::new(0);
    let admitted = AtomicUsize::new(0);
    let start = Barrier::new(REPLICAS * THREADS_PER_REPLICA);
    std::thread::scope(|s| {
        for (r, a) in a.iter().enumerate() {
            for t in 0..THREADS_PER_REPLICA {
                let (running, most, admitted, start) = (&running, &most, &admitted, &start);
                s.spawn(move || {
                    start.wait();
                    for i in 0..10 {
                        match ask(a, r, 100 + t * 10 + i) {
                            Ok(permit) => {
                                let now = running.fetch_add(1, Ordering::SeqCst) + 1;
                                most.fetch_max(now, Ordering::SeqCst);
                                admitted.fetch_add(1, Ordering::SeqCst);
                                std::thread::sleep(Duration::from_millis(30));
                                running.fetch_sub(1, Ordering::SeqCst);
                                drop(permit);
                            }
                            Err(ProbeRefusal::Busy { max: 2 }) => {
                                std::thread::sleep(Duration::from_millis(5));
                            }
                            Err(other) => panic!("unexpected refusal {other:?}"),
                        }
                    }
                });
            }
        }
    });
    assert!(admitted.into_inner() >= 1);
    let most = most.into_inner();
    assert!(most <= 2, "{most} probes of one user ran at once");
}

/// The cap of host-name lookups in flight per user holds over the
/// replicas as the running-probe cap does: lookups in flight on one replica
/// count on the other.
#[test]
fn two_replicas_share_the_lookup_cap() {
    let Some(url) = support::url("two_replicas_share_the_lookup_cap") else {
        return;
    };
    let key = |r: usize, i: usize| SessionKey::new("slack", &format!("C{r}/{i}"), "U1");
    let schema = support::fresh_schema();
    let stores: Vec<PgStore> = (0..REPLICAS)
        .map(|_| PgStore::open(support::config(&url, &schema)).unwrap())
        .collect();
    let a = points(&stores, &cfg(), true);
    // Two in flight on the first replica: the second refuses a third.
    let l1 = a[0].admit_lookup(&key(0, 0)).unwrap();
    let l2 = a[0].admit_lookup(&key(0, 1)).unwrap();
    match a[1].admit_lookup(&key(1, 0)) {
        Err(ProbeRefusal::Busy { max: 2 }) => {}
        Ok(_) => panic!("the other replica admitted a third lookup in flight"),
        Err(other) => panic!("expected busy on the other replica, got {other:?}"),
    }
    assert_eq!(support::count_rows(&url, &schema, "vmd_lookups"), 2);
    // One ends: the other replica may look one up (the release is in the
    // background; waited for, with a generous deadline).
    drop(l1);
    let deadline = Instant::now() + Duration::from_secs(60);
    let l3 = loop {
        match a[1].admit_lookup(&key(1, 1)) {
            Ok(p) => break p,
            Err(ProbeRefusal::Busy { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(other) => panic!("the freed lookup slot never came back: {other:?}"),
        }
    };
    // Running probes are another cap: lookups in flight take none of it.
    let mut c = cfg();
    c.max_running_per_user = 1;
    let probes = Admission::new(c).with_shared(stores[1].shared_budgets());
    drop(
        probes
            .admit(
                &key(1, 2),
                Some("T1"),
                &policy(),
                &Session::new(0),
                &req("203.0.113.9"),
            )
            .expect("a probe while two lookups are in flight"),
    );
    drop((l2, l3));
    // Without the shared store (sled), each replica counts its own.
    let alone = points(&replicas(&url), &cfg(), false);
    let held: Vec<_> = alone
        .iter()
        .enumerate()
        .flat_map(|(r, a)| (0..2).map(move |i| a.admit_lookup(&key(r, i)).unwrap()))
        .collect();
    assert_eq!(held.len(), 4);
}

/// A replica that dies holding a running-probe slot doesn't keep it: the
/// slot frees itself when its lease runs out.
#[test]
fn a_dead_replicas_running_slot_frees_after_its_lease() {
    let Some(url) = support::url("a_dead_replicas_running_slot_frees_after_its_lease") else {
        return;
    };
    let schema = support::fresh_schema();
    let mut short = support::config(&url, &schema);
    short.lease = Duration::from_secs(1);
    let dead = PgStore::open(short.clone()).unwrap();
    let alive = PgStore::open(short).unwrap();
    let user = "discord\u{1f}mallory";
    let slot = dead
        .shared_budgets()
        .unwrap()
        .run_slot(user, 1)
        .unwrap()
        .expect("a free slot");
    // The process dies: nothing releases or renews the slot.
    std::mem::forget(slot);
    drop(dead);
    let mut c = cfg();
    c.max_running_per_user = 1;
    let a = Admission::new(c).with_shared(alive.shared_budgets());
    let ask = || {
        a.admit(
            &SessionKey::new("discord", "1/1", "mallory"),
            Some("G1"),
            &policy(),
            &Session::new(0),
            &req("203.0.113.7"),
        )
    };
    match ask() {
        Err(ProbeRefusal::Busy { max: 1 }) => {}
        other => panic!(
            "expected the dead replica's slot to count, got {:?}",
            other.err()
        ),
    }
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        match ask() {
            Ok(_) => break,
            Err(ProbeRefusal::Busy { .. }) if Instant::now() < deadline => {
                std::thread::sleep(Duration::from_millis(100));
            }
            Err(other) => panic!("the dead replica's slot never expired: {other:?}"),
        }
    }
}

/// Housekeeping drops the slots (running probes, lookups) dead replicas
/// left once they expired, even for a user who never asks again.
#[test]
fn pruning_drops_expired_running_slots() {
    let Some(url) = support::url("pruning_drops_expired_running_slots") else {
        return;
    };
    let schema = support::fresh_schema();
    let mut short = support::config(&url, &schema);
    short.lease = Duration::from_secs(1);
    let dead = PgStore::open(short.clone()).unwrap();
    let alive = PgStore::open(short).unwrap();
    let slot = dead
        .shared_budgets()
        .unwrap()
        .run_slot("slack\u{1f}ghost", 2)
        .unwrap()
        .expect("a free slot");
    std::mem::forget(slot);
    let lookup = dead
        .shared_budgets()
        .unwrap()
        .lookup_slot("slack\u{1f}ghost", 2)
        .unwrap()
        .expect("a free lookup slot");
    std::mem::forget(lookup);
    drop(dead);
    assert_eq!(support::count_rows(&url, &schema, "vmd_running"), 1);
    assert_eq!(support::count_rows(&url, &schema, "vmd_lookups"), 1);
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        alive.prune(0).unwrap();
        let left = support::count_rows(&url, &schema, "vmd_running")
            + support::count_rows(&url, &schema, "vmd_lookups");
        if left == 0 {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the expired slot was never pruned"
        );
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// How many admissions per second the shared buckets take (BENCHMARKS.md):
/// 2 replicas x 8 threads, each admission a distinct user on 64 targets.
#[test]
#[ignore = "a measurement: cargo test -p vmd-store-pg --test budgets -- --ignored --nocapture"]
fn shared_budget_throughput() {
    let Some(url) = support::url("shared_budget_throughput") else {
        return;
    };
    let stores = replicas(&url);
    let a = points(&stores, &cfg(), true);
    const PER_THREAD: usize = 500;
    let begun = Instant::now();
    let mut lat: Vec<Duration> = std::thread::scope(|s| {
        let hs: Vec<_> = a
            .iter()
            .enumerate()
            .flat_map(|(r, a)| {
                (0..8).map(move |t| {
                    s.spawn(move || {
                        (0..PER_THREAD)
                            .map(|i| {
                                let key = SessionKey::new("slack", "C/1", &format!("U{r}-{t}-{i}"));
                                let ip = format!("203.0.113.{}", (r * 8 + t + i) % 64);
                                let t0 = Instant::now();
                                let _ = a.admit(
                                    &key,
                                    Some("T"),
                                    &policy(),
                                    &Session::new(0),
                                    &req(&ip),
                                );
                                t0.elapsed()
                            })
                            .collect::<Vec<_>>()
                    })
                })
            })
            .collect();
        hs.into_iter().flat_map(|h| h.join().unwrap()).collect()
    });
    let took = begun.elapsed();
    lat.sort();
    let n = lat.len();
    println!(
        "shared budgets: {n} admissions in {took:.2?}: {:.0}/s, p50 {:.2?}, p99 {:.2?}",
        n as f64 / took.as_secs_f64(),
        lat[n / 2],
        lat[n * 99 / 100]
    );
}
