//! Load benchmark: many conversations at once through the real driver and a
//! real sled store, with a prober that answers at once (closed login port), so
//! the driver, the engine and sled are measured, not the network.
//!
//!     cargo run --release -p vm-doctor --example load_bench            # 1000 at once, then 10 waves of 1000
//!     cargo run --release -p vm-doctor --example load_bench -- 200 3   # smaller
//!
//! Phase 1: N conversations start at the same moment; each sends `/diagnose`
//! and then ten answers (the first regular option of each question; a
//! conversation that ends sooner starts a new diagnosis and goes on). Prints
//! the p50/p99/max turn latency, peak RSS and the store's size on disk.
//! Phase 2: W more waves of N conversations each, one wave after the other
//! (N × W conversations over time). After every wave the driver's periodic
//! housekeeping runs as in production (`Driver::housekeeping`, what
//! `spawn_housekeeping` calls), with a cutoff at the start of that wave: the
//! previous wave's sessions expire, as a session TTL would expire them. Then
//! RSS, the store (records and size on disk), the per-session lock map and
//! the probe-budget maps are printed: does memory stay flat?
//!
//! The probe budgets are per second here (user 10/1 s, target 1000/1 s,
//! space 100000/100 s) so that every conversation is admitted and a user's or
//! target's budget is full again, and forgettable, within the bench's time,
//! as a 10-minute budget is ten minutes after its last probe in production.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vmd_core::engine::Input;
use vmd_core::probe::{PortReason, PortState, ProbeReport, ProbeRequest};
use vmd_core::session::SessionKey;
use vmd_probe::Prober;
use vmd_runtime::store::SledStore;
use vmd_runtime::{Driver, Outgoing};

struct Closed;

impl Prober for Closed {
    fn probe(&self, req: &ProbeRequest) -> impl std::future::Future<Output = ProbeReport> + Send {
        let r = ProbeReport::uniform(req, PortState::Closed, PortReason::Reset, 1);
        async move { r }
    }
}

const ANSWERS: usize = 10;

type D = Driver<Closed, SledStore>;

/// One conversation: `/diagnose` plus ten answers. Returns each turn's latency.
async fn conversation(d: Arc<D>, n: usize) -> Vec<Duration> {
    let key = SessionKey::new("bench", &format!("c{n}"), &format!("u{n}"));
    let ip = format!("203.0.{}.{}", 113 + (n / 250) % 3, 1 + n % 250);
    let diagnose = Input::Text(format!("/diagnose {ip} linux"));
    let mut lat = Vec::with_capacity(ANSWERS + 2);
    let mut next = diagnose.clone();
    let mut answers = 0;
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
        let t = Instant::now();
        if let Err(e) = d.turn(&key, next.clone(), None, &mut sink).await {
            panic!("turn failed: {e}");
        }
        lat.push(t.elapsed());
        if matches!(next, Input::Choose(_) | Input::Text(_))
            && !matches!(&next, Input::Text(t) if t.starts_with("/diagnose"))
        {
            answers += 1;
        }
        // The first option that is neither "works now" nor "I don't know".
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

fn rss_kib(field: &str) -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .unwrap_or_default()
        .lines()
        .find_map(|l| l.strip_prefix(field))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

fn dir_size(p: &std::path::Path) -> u64 {
    let mut n = 0;
    if let Ok(rd) = std::fs::read_dir(p) {
        for e in rd.flatten() {
            let m = e.metadata().unwrap();
            n += if m.is_dir() {
                dir_size(&e.path())
            } else {
                m.len()
            };
        }
    }
    n
}

fn pct(sorted: &[Duration], p: f64) -> Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

async fn wave(d: &Arc<D>, from: usize, n: usize) -> Vec<Duration> {
    let tasks: Vec<_> = (from..from + n)
        .map(|i| tokio::spawn(conversation(d.clone(), i)))
        .collect();
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    all
}

fn main() -> anyhow::Result<()> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse().expect("numbers: conversations waves"))
        .collect();
    let n = args.first().copied().unwrap_or(1000);
    let waves = args.get(1).copied().unwrap_or(10);
    let dir = tempfile::tempdir()?;
    let mut env = HashMap::new();
    // Documentation addresses are refused by default; the bench's prober is fake.
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
    let store = SledStore::open(&dir.path().join("sled"))?;
    let d = Arc::new(vm_doctor::build_driver(
        &cfg,
        vmd_runtime::RUNBOOK_FILES,
        Closed,
        store,
    )?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let rss0 = rss_kib("VmRSS:");
    println!("cores: 2 worker threads; RSS before: {} MiB", rss0 / 1024);

    let t = Instant::now();
    let mut lat = rt.block_on(wave(&d, 0, n));
    let took = t.elapsed();
    lat.sort();
    d.store().flush()?;
    // Sanity: every conversation really probed and went down the runbook.
    for i in 0..n {
        let key = SessionKey::new("bench", &format!("c{i}"), &format!("u{i}"));
        let s = d.session(&key)?.expect("session stored");
        assert!(
            !s.probes.is_empty() && s.answer_count > 0,
            "conversation {i} went nowhere: {s:?}"
        );
    }
    println!(
        "phase 1: {n} conversations at once, {} turns in {:.2} s ({:.0} turns/s)",
        lat.len(),
        took.as_secs_f64(),
        lat.len() as f64 / took.as_secs_f64()
    );
    println!(
        "turn latency: p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        pct(&lat, 0.5).as_secs_f64() * 1e3,
        pct(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().unwrap().as_secs_f64() * 1e3
    );
    println!(
        "peak RSS {} MiB; store on disk {:.1} MiB ({} sessions)",
        rss_kib("VmHWM:") / 1024,
        dir_size(dir.path()) as f64 / 1048576.0,
        n
    );

    println!(
        "phase 2: {waves} waves of {n} conversations, one after the other, housekeeping after each"
    );
    println!(
        "  after wave | conversations | RSS MiB | store records | store MiB | locks | budget keys before/after | pruned | housekeeping ms | p99 ms | wave s"
    );
    let mut rss = Vec::new();
    for w in 1..=waves {
        let wave_start = vmd_runtime::driver::now_ms();
        let t = Instant::now();
        let mut lat = rt.block_on(wave(&d, w * n, n));
        let took = t.elapsed();
        lat.sort();
        // What `spawn_housekeeping` does every `VM_DOCTOR_PRUNE_INTERVAL_SECS`,
        // with a cutoff that expires every session idle since before this wave.
        let budgets_before = d.admission().tracked();
        let h = Instant::now();
        let pruned = d.housekeeping(wave_start)?;
        let h = h.elapsed();
        let now = rss_kib("VmRSS:");
        rss.push(now);
        println!(
            "  {w:>10} | {:>13} | {:>7.1} | {:>13} | {:>9.1} | {:>5} | {:>12} / {:<11} | {:>6} | {:>15.0} | {:>6.2} | {:>6.2}",
            (w + 1) * n,
            now as f64 / 1024.0,
            d.store().session_count(),
            dir_size(dir.path()) as f64 / 1048576.0,
            d.lock_count(),
            budgets_before,
            d.admission().tracked(),
            pruned,
            h.as_secs_f64() * 1e3,
            pct(&lat, 0.99).as_secs_f64() * 1e3,
            took.as_secs_f64()
        );
        assert!(
            pruned >= n && d.store().session_count() <= n,
            "housekeeping left the previous wave's sessions"
        );
    }
    if let (Some(first), Some(last)) = (rss.first(), rss.last()) {
        println!(
            "RSS after the last wave / after the first: {:.2} ({:.1} / {:.1} MiB); peak RSS {:.1} MiB; store on disk {:.1} MiB",
            *last as f64 / *first as f64,
            *last as f64 / 1024.0,
            *first as f64 / 1024.0,
            rss_kib("VmHWM:") as f64 / 1024.0,
            dir_size(dir.path()) as f64 / 1048576.0
        );
    }
    Ok(())
}
