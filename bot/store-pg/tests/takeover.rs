//! A replica dies in the middle of a probe: the other replicas' periodic
//! sweep (what the adapters run every `Driver::takeover_sweep` with a
//! shared store) takes it up once the dead replica's lease expires, with
//! no user input, and exactly one of them runs the probe again and says so.

mod support;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use vmd_core::command::Lang;
use vmd_core::engine::{Engine, EngineConfig, Input};
use vmd_core::probe::PortState;
use vmd_core::session::{Session, SessionKey};
use vmd_runtime::driver::Outgoing;
use vmd_runtime::fake::GateProber;
use vmd_runtime::i18n::Localizer;
use vmd_runtime::store::Store;
use vmd_runtime::{Driver, DriverConfig};
use vmd_store_pg::PgStore;

type D = Driver<GateProber, PgStore>;

fn engine() -> Engine {
    let loc = Localizer::embedded().unwrap();
    let rb = vmd_runtime::load_runbooks(vmd_runtime::RUNBOOK_FILES, &loc).unwrap();
    Engine::new(
        rb,
        EngineConfig {
            idle_ttl_ms: 3_600_000,
            policy: vmd_core::policy::TargetPolicy::new(vec!["127.0.0.0/8".parse().unwrap()]),
            egress: Vec::new(),
        },
    )
}

fn driver(store: PgStore, prober: GateProber) -> D {
    Driver::new(
        engine(),
        prober,
        store,
        Localizer::embedded().unwrap(),
        DriverConfig {
            default_lang: Lang::En,
            ticket_template: "https://example.invalid/?{summary}".into(),
            max_concurrent_probes: 4,
            probe_deadline: Duration::from_secs(5),
            support_lang: Lang::En,
        },
    )
}

/// What an adapter does while it runs: every sweep, a `Resume` turn for
/// each conversation the driver hands out; the messages it would post.
fn sweep(d: Arc<D>, said: Arc<Mutex<Vec<String>>>) -> tokio::task::JoinHandle<()> {
    let every = d.takeover_sweep().expect("a shared store sweeps");
    tokio::spawn(async move {
        loop {
            let d2 = d.clone();
            let keys = tokio::task::spawn_blocking(move || d2.interrupted())
                .await
                .unwrap()
                .unwrap_or_default();
            for key in keys {
                let (d, said) = (d.clone(), said.clone());
                tokio::spawn(async move {
                    let mut sink = |o: Outgoing| {
                        if let Outgoing::Reply { reply, .. } = o {
                            let mut s = said.lock().unwrap();
                            s.extend(reply.parts.iter().map(|m| m.id.clone()));
                        }
                    };
                    let _ = d.turn(&key, Input::Resume, Some(Lang::En), &mut sink).await;
                });
            }
            tokio::time::sleep(every).await;
        }
    })
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_probe_left_by_a_dead_replica_is_taken_up_by_one_sweep() {
    let Some(url) = support::url("a_probe_left_by_a_dead_replica_is_taken_up_by_one_sweep") else {
        return;
    };
    let schema = support::fresh_schema();
    let lease = Duration::from_secs(2);
    let open = |schema: String| {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            let mut cfg = support::config(&url, &schema);
            cfg.lease = lease;
            PgStore::open(cfg).unwrap()
        })
    };
    let key = SessionKey::new("slack", "C1/1700000000.000100", "U1");

    // The dying replica: its turn holds the lease and stored the
    // conversation in its probe; then SIGKILL (nothing released, nothing
    // renewed any more).
    let dead = open(schema.clone()).await.unwrap();
    let now = vmd_runtime::driver::now_ms();
    let mut s = Session::new(now);
    let fx = engine().handle(&mut s, Input::Text("/diagnose 127.0.0.1 linux".into()), now);
    assert!(s.waits_on_runtime(), "{fx:?}");
    let k = key.clone();
    let died = tokio::task::spawn_blocking(move || {
        let held = dead.lock_turn(&k).unwrap();
        dead.save(&k, &s).unwrap();
        std::mem::forget(held);
        drop(dead);
        Instant::now()
    })
    .await
    .unwrap();

    let provers: Vec<GateProber> = (0..2)
        .map(|_| GateProber::new(&[PortState::Open, PortState::Open], true))
        .collect();
    let mut replicas = Vec::new();
    for p in &provers {
        replicas.push(Arc::new(driver(
            open(schema.clone()).await.unwrap(),
            p.clone(),
        )));
    }
    // Both sweeps start together once the lease has expired, so both list
    // the conversation in the same pass: the race the sweep must survive.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let d = replicas[0].clone();
        let listed = tokio::task::spawn_blocking(move || d.store().interrupted())
            .await
            .unwrap()
            .unwrap();
        if !listed.is_empty() {
            break;
        }
        assert!(Instant::now() < deadline, "the lease never expired");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let said: Vec<Arc<Mutex<Vec<String>>>> = (0..2).map(|_| Arc::default()).collect();
    let sweeps: Vec<_> = replicas
        .iter()
        .zip(&said)
        .map(|(d, said)| sweep(d.clone(), said.clone()))
        .collect();

    // Taken up without any user input.
    loop {
        let d = replicas[1].clone();
        let k = key.clone();
        let s = tokio::task::spawn_blocking(move || d.store().load(&k))
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        if !s.waits_on_runtime() {
            assert_eq!(s.probes.len(), 1, "the probe ran once");
            break;
        }
        assert!(Instant::now() < deadline, "nobody took the probe up");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    eprintln!("taken up {:.1?} after the replica died", died.elapsed());
    // A few more sweeps: nobody takes it up again.
    tokio::time::sleep(lease).await;
    for s in sweeps {
        s.abort();
    }
    let probes: usize = provers
        .iter()
        .map(|p| p.finished.load(Ordering::SeqCst))
        .sum();
    assert_eq!(probes, 1, "exactly one replica ran the probe again");
    let said: Vec<Vec<String>> = said.iter().map(|s| s.lock().unwrap().clone()).collect();
    let speaking = said.iter().filter(|s| !s.is_empty()).count();
    assert_eq!(
        speaking, 1,
        "one replica speaks for the take-over: {said:?}"
    );
    let all: Vec<&String> = said.iter().flatten().collect();
    assert_eq!(
        all.iter()
            .filter(|m| m.as_str() == "probing-resume")
            .count(),
        1,
        "{said:?}"
    );
}
