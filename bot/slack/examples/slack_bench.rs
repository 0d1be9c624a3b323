//! Envelope-to-ack latency and throughput of the Slack adapter against the
//! in-process fake Slack: N users each send `/diagnose` at once over Socket
//! Mode, then each clicks an answer to its first question at once
//! (`block_actions`). Measures, for both bursts, the time from sending each
//! envelope to its acknowledgement arriving (Slack wants it within 3 s), how
//! many envelopes were never acknowledged (dropped) or acknowledged twice, and
//! how many conversations per second reach their first (then second) question.
//!
//!     cargo run --release -p vmd-slack --example slack_bench -- [N]

#[path = "../tests/fake/mod.rs"]
mod fake;

use fake::fixtures::{block_action, slash_command};
use fake::*;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vmd_runtime::admission::{AdmissionConfig, Rate};
use vmd_runtime::fake::{percentile, test_driver, InstantProber};
use vmd_runtime::kit::ids::ButtonId;
use vmd_runtime::kit::limits::Limit;
use vmd_runtime::store::SledStore;

const CHANNEL: &str = "C0BENCH01";
/// How long an envelope may go unacknowledged before it counts as dropped
/// (20 x Slack's deadline).
const GIVE_UP: Duration = Duration::from_secs(60);

fn user(i: usize) -> String {
    format!("U0BENCH{i:05}")
}

fn buttons(m: &Value) -> Vec<(ButtonId, String)> {
    m["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| {
            Some((
                ButtonId::decode(e["action_id"].as_str()?)?,
                e["text"]["text"].as_str().unwrap_or("").to_owned(),
            ))
        })
        .collect()
}

/// The newest question on screen for each owner: owner → (step, message).
fn questions(fake: &FakeSlack) -> HashMap<String, (String, Value)> {
    let mut out = HashMap::new();
    for m in fake.all_messages() {
        if let Some((b, _)) = buttons(&m).into_iter().next() {
            out.insert(b.owner.clone(), (b.step_name().to_owned(), m));
        }
    }
    out
}

struct Burst {
    latencies: Vec<Duration>,
    dropped: usize,
    doubled: usize,
}

/// Waits (up to [`GIVE_UP`]) for the ack of each of `sent`.
async fn acks(fake: &FakeSlack, sent: &HashMap<String, Instant>) -> Burst {
    let deadline = Instant::now() + GIVE_UP;
    let got = loop {
        let mut got: HashMap<String, Vec<Instant>> = HashMap::new();
        for (at, a) in fake.timed_acks() {
            if let Some(id) = a["envelope_id"]
                .as_str()
                .filter(|id| sent.contains_key(*id))
            {
                got.entry(id.to_owned()).or_default().push(at);
            }
        }
        if got.len() == sent.len() || Instant::now() >= deadline {
            break got;
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    };
    let mut latencies: Vec<Duration> = got
        .iter()
        .map(|(id, at)| at[0].saturating_duration_since(sent[id]))
        .collect();
    latencies.sort();
    Burst {
        dropped: sent.len() - got.len(),
        doubled: got.values().filter(|v| v.len() > 1).count(),
        latencies,
    }
}

fn report(what: &str, b: &Burst) {
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    if b.latencies.is_empty() {
        println!("{what}: no ack at all; dropped {}", b.dropped);
        return;
    }
    let (p50, p99, max) = (
        percentile(&b.latencies, 0.5),
        percentile(&b.latencies, 0.99),
        *b.latencies.last().unwrap(),
    );
    println!(
        "{what}: envelope-to-ack p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; p99 / 3 s deadline {:.4}; dropped {}, acknowledged twice {}",
        ms(p50),
        ms(p99),
        ms(max),
        p99.as_secs_f64() / 3.0,
        b.dropped,
        b.doubled
    );
}

/// Waits until every user has a question that `done` accepts.
async fn wait_questions(
    fake: &FakeSlack,
    n: usize,
    what: &str,
    done: impl Fn(usize, &str) -> bool,
) -> HashMap<String, (String, Value)> {
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let q = questions(fake);
        let asked = (0..n)
            .filter(|&i| q.get(&user(i)).is_some_and(|(step, _)| done(i, step)))
            .count();
        if asked == n {
            return q;
        }
        assert!(
            Instant::now() < deadline,
            "only {asked} of {n} reached their {what} question"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100);
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    // One workspace: its probe budget must hold the whole burst.
    let driver = Arc::new(
        test_driver(InstantProber, SledStore::open(data.path()).unwrap()).with_admission(
            AdmissionConfig {
                per_space: Rate::new(10 * n as u32, 600),
                ..AdmissionConfig::default()
            },
        ),
    );
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

    // Burst 1: N slash commands.
    let start = Instant::now();
    let mut sent = HashMap::new();
    for i in 0..n {
        let id = format!("env-bench-cmd-{i}");
        let env = slash_command(
            &id,
            &format!("trig-bench-cmd-{i}"),
            &user(i),
            CHANNEL,
            "/diagnose",
            &format!("203.0.113.{} linux", 1 + i % 250),
        );
        sent.insert(id, Instant::now());
        fake.send(&env);
    }
    let commands = acks(&fake, &sent).await;
    let first = wait_questions(&fake, n, "first", |_, _| true).await;
    let to_first = start.elapsed();

    // Burst 2: N clicks, each on the first regular option of its question.
    let start = Instant::now();
    let mut sent = HashMap::new();
    for i in 0..n {
        let (_, msg) = &first[&user(i)];
        let (b, label) = buttons(msg)
            .into_iter()
            .find(|(b, _)| !b.key.starts_with('@'))
            .expect("a regular option");
        let id = format!("env-bench-act-{i}");
        let env = block_action(
            &id,
            &format!("trig-bench-act-{i}"),
            &user(i),
            CHANNEL,
            msg,
            &b.encode(255).unwrap(),
            &label,
            &b.key,
        );
        sent.insert(id, Instant::now());
        fake.send(&env);
    }
    let clicks = acks(&fake, &sent).await;
    wait_questions(&fake, n, "second", |i, step| step != first[&user(i)].0).await;
    let to_second = start.elapsed();

    println!("conversations at once: {n}");
    report("slash commands (/diagnose)", &commands);
    report("clicks (block_actions, first answer)", &clicks);
    println!(
        "dropped envelopes (no ack within {} s): {}",
        GIVE_UP.as_secs(),
        commands.dropped + clicks.dropped
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
