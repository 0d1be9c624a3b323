//! Interaction latency and throughput of the Discord adapter against the
//! in-process fake Discord: N diagnoses started at once by N users; measures
//! the time from dispatch to the first callback (Discord's 3 s deadline) and
//! how many diagnoses per second reach their first question.
//!
//!     cargo run --release -p vmd-discord --example discord_bench -- [N]

#[path = "../tests/fake/mod.rs"]
mod fake;

use fake::*;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vmd_discord::limits::Limit;
use vmd_discord::DiscordConfig;
use vmd_runtime::fake::{percentile, test_driver, InstantProber};
use vmd_runtime::store::SledStore;

const GUILD: u64 = 1_400_000_000_000_000_001;
const CHANNEL: u64 = 1_400_000_000_000_000_002;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let driver = Arc::new(test_driver(
        InstantProber,
        SledStore::open(data.path()).unwrap(),
    ));
    let cfg = DiscordConfig {
        token: "Bot.fake.token".into(),
        api_url: Some(fake.url()),
        guilds: vec![GUILD],
        channels: vec![],
        support_role: None,
        probe_role: None,
        threads: true,
        user_limit: Limit {
            max: 1000,
            per: Duration::from_secs(60),
        },
        guild_limit: Limit {
            max: 100_000,
            per: Duration::from_secs(60),
        },
    };
    let bot = vmd_discord::start(cfg, driver).await.unwrap();
    assert!(fake.wait_identified(1, Duration::from_secs(20)).await);
    fake.wait_for(|r| r.path.ends_with("/commands"), Duration::from_secs(20))
        .await
        .unwrap();

    let start = Instant::now();
    let mut sent = Vec::new();
    for i in 0..n {
        let id = fake.new_id();
        let at = Instant::now();
        fake.dispatch(
            "INTERACTION_CREATE",
            slash_command(
                id,
                &format!("tok-{id}"),
                GUILD,
                CHANNEL,
                1_500_000_000_000_000_000 + i as u64,
                "en-US",
                "diagnose",
                json!([
                    {"name": "ip", "type": 3, "value": format!("203.0.113.{}", 1 + i % 250)},
                    {"name": "os", "type": 3, "value": "linux"},
                ]),
            ),
        )
        .await;
        sent.push((id, at));
    }
    let mut lat = Vec::new();
    for (id, at) in &sent {
        let cb = fake
            .wait_for(
                |r| r.is_callback() && r.path.contains(&format!("/interactions/{id}/")),
                Duration::from_secs(60),
            )
            .await
            .expect("callback");
        lat.push(cb.at.saturating_duration_since(*at));
    }
    // Every diagnosis has reached its first question.
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let asked = fake
            .messages()
            .iter()
            .filter(|m| m["components"].to_string().contains("|triage.client|"))
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
    let deadline = Duration::from_secs(3);
    println!("diagnoses started at once: {n}");
    println!(
        "first callback latency: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms",
        p50.as_secs_f64() * 1e3,
        p99.as_secs_f64() * 1e3,
        max.as_secs_f64() * 1e3
    );
    println!(
        "p99 as a share of Discord's 3 s deadline: {:.4}",
        p99.as_secs_f64() / deadline.as_secs_f64()
    );
    println!(
        "diagnoses per second to the first question: {:.1} ({} in {:.2} s)",
        n as f64 / total.as_secs_f64(),
        n,
        total.as_secs_f64()
    );
    bot.stop().await;
}
