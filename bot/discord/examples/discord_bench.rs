//! Interaction latency and throughput of the Discord adapter against the
//! in-process fake Discord: N users each start a diagnosis at the same moment,
//! then each clicks an answer to its first question at the same moment.
//! Measures, for both bursts, the time from dispatch to the interaction's
//! first callback (Discord's 3 s deadline), how many interactions never got
//! one (dropped) or got more than one, and how many conversations per second
//! reach their first (then second) question.
//!
//!     cargo run --release -p vmd-discord --example discord_bench -- [N]

#[path = "../tests/fake/mod.rs"]
mod fake;

use fake::*;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vmd_discord::limits::Limit;
use vmd_discord::DiscordConfig;
use vmd_runtime::admission::{AdmissionConfig, Rate};
use vmd_runtime::fake::{percentile, test_driver, InstantProber};
use vmd_runtime::kit::ids::ButtonId;
use vmd_runtime::store::SledStore;

const GUILD: u64 = 1_400_000_000_000_000_001;
const CHANNEL: u64 = 1_400_000_000_000_000_002;
const FIRST_USER: u64 = 1_500_000_000_000_000_000;
/// How long an interaction may go without a callback before it counts as
/// dropped (20 x Discord's deadline).
const GIVE_UP: Duration = Duration::from_secs(60);

fn buttons(m: &Value) -> Vec<ButtonId> {
    m["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| ButtonId::decode(b["custom_id"].as_str()?))
        .collect()
}

/// Every message the fake holds, by channel (one copy per poll, so that
/// polling does not take the CPU the adapter is measured on).
fn by_channel(fake: &FakeDiscord) -> HashMap<u64, Vec<Value>> {
    let mut m: HashMap<u64, Vec<Value>> = HashMap::new();
    for msg in fake.messages() {
        if let Some(c) = id_of(&msg["channel_id"]) {
            m.entry(c).or_default().push(msg);
        }
    }
    m
}

/// The newest message in `thread` with buttons of a step other than `not_step`.
fn question_in(
    all: &HashMap<u64, Vec<Value>>,
    thread: u64,
    not_step: Option<&str>,
) -> Option<(Value, String)> {
    all.get(&thread)?.iter().rev().find_map(|m| {
        let step = buttons(m)
            .into_iter()
            .map(|b| b.step_name().to_owned())
            .find(|s| Some(s.as_str()) != not_step)?;
        Some((m.clone(), step))
    })
}

fn thread_of(fake: &FakeDiscord, token: &str) -> Option<u64> {
    let m = fake.original_message(token)?;
    let content = m["content"].as_str()?;
    let rest = &content[content.find("<#")? + 2..];
    rest[..rest.find('>')?].parse().ok()
}

/// Callback arrival times by interaction id.
fn callbacks(fake: &FakeDiscord) -> HashMap<u64, Vec<Instant>> {
    let mut m: HashMap<u64, Vec<Instant>> = HashMap::new();
    for r in fake.requests().into_iter().filter(Recorded::is_callback) {
        if let Some(id) = r.segments().get(1).and_then(|s| s.parse().ok()) {
            m.entry(id).or_default().push(r.at);
        }
    }
    m
}

/// What one burst of interactions got.
struct Burst {
    latencies: Vec<Duration>,
    dropped: usize,
    doubled: usize,
}

/// Waits (up to [`GIVE_UP`]) for a callback to each of `sent`.
async fn first_callbacks(fake: &FakeDiscord, sent: &[(u64, Instant)]) -> Burst {
    let deadline = Instant::now() + GIVE_UP;
    let mut got = callbacks(fake);
    while sent.iter().any(|(id, _)| !got.contains_key(id)) && Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(5)).await;
        got = callbacks(fake);
    }
    let mut latencies: Vec<Duration> = sent
        .iter()
        .filter_map(|(id, at)| Some(got.get(id)?[0].saturating_duration_since(*at)))
        .collect();
    latencies.sort();
    Burst {
        dropped: sent.len() - latencies.len(),
        doubled: sent
            .iter()
            .filter(|(id, _)| got.get(id).is_some_and(|v| v.len() > 1))
            .count(),
        latencies,
    }
}

fn report(what: &str, b: &Burst) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    if b.latencies.is_empty() {
        println!("{what}: no callback at all; dropped {}", b.dropped);
        return;
    }
    let (p50, p99, max) = (
        percentile(&b.latencies, 0.5),
        percentile(&b.latencies, 0.99),
        *b.latencies.last().unwrap(),
    );
    println!(
        "{what}: first callback p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; p99 / 3 s deadline {:.4}; dropped {}, answered twice {}",
        ms(p50),
        ms(p99),
        ms(max),
        p99.as_secs_f64() / 3.0,
        b.dropped,
        b.doubled
    );
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    // One guild: its probe budget must hold the whole burst.
    let driver = Arc::new(
        test_driver(InstantProber, SledStore::open(data.path()).unwrap()).with_admission(
            AdmissionConfig {
                per_space: Rate::new(10 * n as u32, 600),
                ..AdmissionConfig::default()
            },
        ),
    );
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

    // Burst 1: N starts.
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
                FIRST_USER + i as u64,
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
    let starts = first_callbacks(&fake, &sent).await;
    // Every diagnosis has reached its first question.
    let deadline = Instant::now() + Duration::from_secs(120);
    let mut first: Vec<Option<(u64, Value, String)>> = vec![None; n];
    while first.iter().any(Option::is_none) {
        let all = by_channel(&fake);
        for (i, (id, _)) in sent.iter().enumerate() {
            if first[i].is_none() {
                first[i] = thread_of(&fake, &format!("tok-{id}"))
                    .and_then(|t| question_in(&all, t, None).map(|(m, step)| (t, m, step)));
            }
        }
        let asked = first.iter().filter(|q| q.is_some()).count();
        assert!(
            Instant::now() < deadline,
            "only {asked} of {n} reached a question"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let to_first = start.elapsed();
    let first: Vec<(u64, Value, String)> = first.into_iter().map(Option::unwrap).collect();

    // Burst 2: N clicks, each on the first regular option of its question.
    let start = Instant::now();
    let mut clicks = Vec::new();
    for (i, (thread, q, _)) in first.iter().enumerate() {
        let b = buttons(q)
            .into_iter()
            .find(|b| !b.key.starts_with('@'))
            .expect("a regular option");
        let message = fake.message(id_of(&q["id"]).unwrap()).unwrap();
        let id = fake.new_id();
        let at = Instant::now();
        fake.dispatch(
            "INTERACTION_CREATE",
            component_click(
                id,
                &format!("tok-{id}"),
                GUILD,
                *thread,
                FIRST_USER + i as u64,
                "en-US",
                &b.encode(100).unwrap(),
                message,
            ),
        )
        .await;
        clicks.push((id, at));
    }
    let clicked = first_callbacks(&fake, &clicks).await;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let all = by_channel(&fake);
        let asked = first
            .iter()
            .filter(|(t, _, step)| question_in(&all, *t, Some(step)).is_some())
            .count();
        if asked >= n {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "only {asked} of {n} reached a second question"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let to_second = start.elapsed();

    println!("conversations at once: {n}");
    report("starts (/diagnose)", &starts);
    report("clicks (first answer)", &clicked);
    println!(
        "dropped interactions (no callback within {} s): {}",
        GIVE_UP.as_secs(),
        starts.dropped + clicked.dropped
    );
    println!(
        "diagnoses per second to the first question: {:.1} ({} in {:.2} s)",
        n as f64 / to_first.as_secs_f64(),
        n,
        to_first.as_secs_f64()
    );
    println!(
        "answers per second to the second question: {:.1} ({} in {:.2} s)",
        n as f64 / to_second.as_secs_f64(),
        n,
        to_second.as_secs_f64()
    );
    bot.stop().await;
}
