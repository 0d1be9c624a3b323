//! Replicas on PostgreSQL against one sled process, in the same run: N
//! conversations at once through the real driver, a prober that answers at
//! once (closed login port), so the driver, the engine and the store are
//! measured, not the network.
//!
//!     source .ci/pg.sh; pg_start
//!     VM_DOCTOR_STORE=$VM_DOCTOR_TEST_PG cargo run -p vm-doctor --example pg_bench -- 1000
//!
//! Each conversation sends `/diagnose` and then ten answers (as
//! `load_bench`). sled: one driver. PostgreSQL: three drivers ("replicas"),
//! each with its own store, pool (`VM_DOCTOR_STORE_POOL_SIZE`, default 16)
//! and admission point on one database (a fresh schema); the turns of a
//! conversation go to the replicas in turn (turn t of conversation n to
//! replica (n + t) % 3), so every turn takes the lease another replica
//! released. The replicas share this process and its 2 runtime workers (on
//! a 2-core machine three processes would share the same cores). Prints
//! turns/s, turn p50/p99/max, and for PostgreSQL the connections open and
//! in use at most (sampled every 5 ms) and the server's count.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use vmd_core::engine::Input;
use vmd_core::probe::{PortReason, PortState, ProbeReport, ProbeRequest};
use vmd_core::session::SessionKey;
use vmd_probe::Prober;
use vmd_runtime::store::{SledStore, Store};
use vmd_runtime::{Driver, Outgoing};
use vmd_store_pg::{PgConfig, PgStore};

struct Closed;

impl Prober for Closed {
    fn probe(&self, req: &ProbeRequest) -> impl std::future::Future<Output = ProbeReport> + Send {
        let r = ProbeReport::uniform(req, PortState::Closed, PortReason::Reset, 1);
        async move { r }
    }
}

const ANSWERS: usize = 10;

/// One conversation over `ds` (turn t on `ds[(n + t) % len]`); each turn's latency.
async fn conversation<S: Store + 'static>(
    ds: Arc<Vec<Driver<Closed, S>>>,
    n: usize,
) -> Vec<Duration> {
    let key = SessionKey::new("bench", &format!("c{n}"), &format!("u{n}"));
    let ip = format!("203.0.{}.{}", 113 + (n / 250) % 3, 1 + n % 250);
    let diagnose = Input::Text(format!("/diagnose {ip} linux"));
    let mut lat = Vec::with_capacity(ANSWERS + 2);
    let mut next = diagnose.clone();
    let mut answers = 0;
    let mut t_no = n;
    while answers < ANSWERS {
        let mut options: Vec<String> = Vec::new();
        let mut ended = false;
        let mut sink = |ev: Outgoing| match ev {
            Outgoing::Reply { reply, .. } if !reply.options.is_empty() => {
                options = reply.options.iter().map(|c| c.key.clone()).collect();
            }
            Outgoing::Ended(_) => ended = true,
            _ => {}
        };
        let d = &ds[t_no % ds.len()];
        t_no += 1;
        let t = Instant::now();
        if let Err(e) = d.turn(&key, next.clone(), None, &mut sink).await {
            panic!("turn failed: {e}");
        }
        lat.push(t.elapsed());
        if !matches!(&next, Input::Text(t) if t.starts_with("/diagnose")) {
            answers += 1;
        }
        let pick = options
            .iter()
            .find(|k| !k.starts_with('@') && *k != "works" && *k != "unknown")
            .or(options.first())
            .cloned();
        next = match (ended, pick) {
            (false, Some(k)) => Input::Choose(k),
            (false, None) => Input::Text("2222".into()),
            (true, _) => diagnose.clone(),
        };
    }
    lat
}

fn pct(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i].as_secs_f64() * 1e3
}

fn run<S: Store + 'static>(
    rt: &tokio::runtime::Runtime,
    name: &str,
    ds: Arc<Vec<Driver<Closed, S>>>,
    n: usize,
) -> Vec<Duration> {
    let t = Instant::now();
    let mut lat = rt.block_on(async {
        let tasks: Vec<_> = (0..n)
            .map(|i| tokio::spawn(conversation(ds.clone(), i)))
            .collect();
        let mut all = Vec::new();
        for t in tasks {
            all.extend(t.await.unwrap());
        }
        all
    });
    let took = t.elapsed();
    lat.sort();
    for i in 0..n {
        let key = SessionKey::new("bench", &format!("c{i}"), &format!("u{i}"));
        let s = ds[0].session(&key).unwrap().expect("session stored");
        assert!(
            !s.probes.is_empty() && s.answer_count > 0,
            "conversation {i} went nowhere"
        );
    }
    println!(
        "{name}: {n} conversations at once, {} turns in {:.2} s ({:.0} turns/s); turn p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        lat.len(),
        took.as_secs_f64(),
        lat.len() as f64 / took.as_secs_f64(),
        pct(&lat, 0.5),
        pct(&lat, 0.99),
        pct(&lat, 1.0),
    );
    lat
}

fn main() -> anyhow::Result<()> {
    let n: usize = std::env::args()
        .nth(1)
        .map(|a| a.parse().expect("a number of conversations"))
        .unwrap_or(1000);
    let url = std::env::var("VM_DOCTOR_STORE")
        .or_else(|_| std::env::var("VM_DOCTOR_TEST_PG"))
        .map_err(|_| {
            anyhow::anyhow!("set VM_DOCTOR_STORE (or VM_DOCTOR_TEST_PG) to a PostgreSQL URL")
        })?;
    let pool: usize = std::env::var("VM_DOCTOR_STORE_POOL_SIZE")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(16);
    let mut env = HashMap::new();
    env.insert(
        "VM_DOCTOR_ALLOW_TARGETS".to_owned(),
        "203.0.112.0/22".to_owned(),
    );
    for (k, v) in [
        ("VM_DOCTOR_USER_PROBES", "10/1"),
        ("VM_DOCTOR_TARGET_PROBES", "1000/1"),
        ("VM_DOCTOR_SPACE_PROBES", "100000/100"),
    ] {
        env.insert(k.to_owned(), v.to_owned());
    }
    let cfg = vm_doctor::config::Config::load(None, &env)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;

    let dir = tempfile::tempdir()?;
    let sled = SledStore::open(&dir.path().join("sled"))?;
    let one = Arc::new(vec![vm_doctor::build_driver(
        &cfg,
        vmd_runtime::RUNBOOK_FILES,
        Closed,
        sled,
    )?]);
    run(&rt, "sled, 1 process", one, n);

    let schema = format!("vmd_bench_{}", std::process::id());
    let replicas: Vec<Driver<Closed, PgStore>> = (0..3)
        .map(|_| {
            let mut c = PgConfig::new(url.clone());
            c.schema = Some(schema.clone());
            c.pool_size = pool;
            c.op_timeout = Duration::from_secs(60);
            c.turn_wait = Duration::from_secs(300);
            let st = PgStore::open(c)?;
            vm_doctor::build_driver(&cfg, vmd_runtime::RUNBOOK_FILES, Closed, st)
        })
        .collect::<anyhow::Result<_>>()?;
    let replicas = Arc::new(replicas);
    // Connections open and in use at most, sampled while the run goes.
    let stop = Arc::new(AtomicBool::new(false));
    let (open_max, use_max, wait_max) = (
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
        Arc::new(AtomicUsize::new(0)),
    );
    let sampler = {
        let (r, stop) = (replicas.clone(), stop.clone());
        let (o, u, w) = (open_max.clone(), use_max.clone(), wait_max.clone());
        std::thread::spawn(move || {
            while !stop.load(Ordering::SeqCst) {
                let (mut open, mut used, mut waiting) = (0, 0, 0);
                for d in r.iter() {
                    open += d.store().pool_status().0;
                    let (u, w) = d.store().pool_in_use();
                    used += u;
                    waiting += w;
                }
                o.fetch_max(open, Ordering::SeqCst);
                u.fetch_max(used, Ordering::SeqCst);
                w.fetch_max(waiting, Ordering::SeqCst);
                std::thread::sleep(Duration::from_millis(5));
            }
        })
    };
    run(&rt, "PostgreSQL, 3 replicas", replicas.clone(), n);
    stop.store(true, Ordering::SeqCst);
    sampler.join().unwrap();
    println!(
        "PostgreSQL connections: at most {} open ({} per replica allowed), at most {} in use at once, at most {} operations waiting for one",
        open_max.load(Ordering::SeqCst),
        pool,
        use_max.load(Ordering::SeqCst),
        wait_max.load(Ordering::SeqCst),
    );
    Ok(())
}
