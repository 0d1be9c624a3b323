//! Envelope-to-ack latency and throughput of the Slack adapter against the
//! in-process fake Slack: N users each send `/diagnose` at once over Socket
//! Mode; measures the time from sending each envelope to its acknowledgement
//! arriving (Slack wants it within 3 s), and how many diagnoses per second
//! reach their first question (root message, users.info, probe, summary,
//! question with buttons, all persisted).
//!
//!     cargo run --release -p vmd-slack --example slack_bench -- [N]

#[path = "../tests/fake/mod.rs"]
mod fake;

use fake::fixtures::slash_command;
use fake::*;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vmd_runtime::fake::{percentile, test_driver, InstantProber};
use vmd_runtime::kit::limits::Limit;
use vmd_runtime::store::SledStore;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let driver = Arc::new(test_driver(
        InstantProber,
        SledStore::open(data.path()).unwrap(),
    ));
    let mut cfg = vmd_slack::SlackConfig::new("xapp-1-bench", "xoxb-bench");
    cfg.api_url = Some(fake.api_url());
    cfg.user_limit = Limit {
        max: 1000,
        per: Duration::from_secs(60),
    };
    cfg.team_limit = Limit {
        max: 100_000,
        per: Duration::from_secs(60),
    };
    let bot = vmd_slack::start(cfg, driver).await.unwrap();
    assert!(fake.wait_connected(1, Duration::from_secs(20)).await);

    let start = Instant::now();
    let mut sent = HashMap::new();
    for i in 0..n {
        let id = format!("env-bench-{i}");
        let env = slash_command(
            &id,
            &format!("trig-bench-{i}"),
            &format!("U0BENCH{i:05}"),
            "C0BENCH01",
            "/diagnose",
            &format!("203.0.113.{} linux", 1 + i % 250),
        );
        sent.insert(id, Instant::now());
        fake.send(&env);
    }
    // Every envelope acknowledged.
    let deadline = Instant::now() + Duration::from_secs(60);
    while fake.acks().len() < n {
        assert!(Instant::now() < deadline, "only {} acks", fake.acks().len());
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut lat: Vec<Duration> = fake
        .timed_acks()
        .iter()
        .filter_map(|(at, a)| {
            let id = a["envelope_id"].as_str()?;
            Some(at.saturating_duration_since(*sent.get(id)?))
        })
        .collect();
    assert_eq!(lat.len(), n);
    // Every diagnosis has reached its first question.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let asked = fake
            .calls_of("chat.postMessage")
            .iter()
            .filter(|c| c.params["blocks"].to_string().contains("|triage.client|"))
            .count();
        if asked >= n {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "only {asked} of {n} reached a question"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let total = start.elapsed();
    lat.sort();
    let (p50, p99, max) = (
        percentile(&lat, 0.5),
        percentile(&lat, 0.99),
        *lat.last().unwrap(),
    );
    println!("diagnoses started at once: {n}");
    println!(
        "envelope-to-ack latency: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
    println!(
        "p99 as a share of Slack's 3 s deadline: {:.4}",
        p99.as_secs_f64() / 3.0
    );
    println!(
        "diagnoses per second to the first question: {:.1} ({} in {:.2} s)",
        n as f64 / total.as_secs_f64(),
        n,
        total.as_secs_f64()
    );
    bot.stop().await;
}
