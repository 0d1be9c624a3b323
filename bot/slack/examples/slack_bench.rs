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
#[path = "../tests/support/mod.rs"]
mod support;

use fake::*;
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::button_ids as buttons;
use vmd_runtime::store::SledStore;
use vmd_testkit::burst::{summary, Burst, Words};

const CHANNEL: &str = "C0BENCH01";
/// How long an envelope may go unacknowledged before it counts as dropped
/// (20 x Slack's deadline).
const GIVE_UP: Duration = Duration::from_secs(60);

fn user(i: usize) -> String {
    format!("U0BENCH{i:05}")
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

/// Waits (up to [`GIVE_UP`]) for the ack of each of `sent`.
async fn acks(fake: &FakeSlack, sent: &[(String, Instant)]) -> Burst {
    Burst::wait(sent, GIVE_UP, || {
        let mut got: HashMap<String, Vec<Instant>> = HashMap::new();
        for (at, a) in fake.timed_acks() {
            if let Some(id) = a["envelope_id"].as_str() {
                got.entry(id.to_owned()).or_default().push(at);
            }
        }
        got
    })
    .await
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
    let n = vmd_testkit::burst::bench_size();
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    // One workspace: its probe budget must hold the whole burst.
    let driver = vmd_testkit::setup::burst_driver(SledStore::open(data.path()).unwrap(), n);
    let mut cfg = support::config(&fake);
    cfg.user_limit = support::per_10_min(1000);
    cfg.team_limit = support::per_10_min(100_000);
    let bot = support::connect(&fake, cfg, driver, Duration::from_secs(20)).await;

    // Burst 1: N slash commands.
    let start = Instant::now();
    let mut sent = Vec::new();
    for i in 0..n {
        let (id, env) = support::burst_command("bench", i, &user(i), CHANNEL);
        sent.push((id, Instant::now()));
        fake.send(&env);
    }
    let commands = acks(&fake, &sent).await;
    let first = wait_questions(&fake, n, "first", |_, _| true).await;
    let to_first = start.elapsed();

    // Burst 2: N clicks, each on the first regular option of its question.
    let start = Instant::now();
    let mut sent = Vec::new();
    for i in 0..n {
        let (_, msg) = &first[&user(i)];
        let (id, env) = support::burst_click("bench", i, &user(i), CHANNEL, msg);
        sent.push((id, Instant::now()));
        fake.send(&env);
    }
    let clicks = acks(&fake, &sent).await;
    wait_questions(&fake, n, "second", |i, step| step != first[&user(i)].0).await;
    let to_second = start.elapsed();

    let words = Words {
        measure: "envelope-to-ack",
        answer: "ack",
        twice: "acknowledged twice",
        events: "envelopes",
        give_up: GIVE_UP,
    };
    summary(
        n,
        &words,
        (
            ("slash commands (/diagnose)", &commands),
            ("clicks (block_actions, first answer)", &clicks),
        ),
        (to_first, to_second),
    );
    bot.stop().await;
}
