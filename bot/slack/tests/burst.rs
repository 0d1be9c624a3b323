//! The real adapter under a burst, against the in-process fake Slack: N users
//! each send `/diagnose` at the same moment over Socket Mode, then each clicks
//! an answer to its first question (a `block_actions` envelope) at the same
//! moment. Checked structurally (no timing): every envelope acknowledged
//! exactly once (none dropped, none twice), every conversation at its first
//! question and then at its second, every session stored under its thread
//! with the step on screen. Latencies are measured by
//! `examples/slack_bench.rs`.

mod fake;
mod support;

use fake::*;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};
use support::button_ids as buttons;
use vmd_core::session::{Phase, SessionKey};

const CHANNEL: &str = "C0BURST01";

/// 200 at once: twice the smaller burst of the benchmark, enough to keep both
/// workers and the single Socket Mode reader busy while envelopes keep
/// arriving, and small enough that the whole test (400 envelopes, each
/// answered with several Web API calls to a fake that records them all)
/// stays at a few seconds in a debug build on 2 cores.
const N: usize = 200;
/// Generous: only reached when something is lost, and then the test fails.
const WAIT: Duration = Duration::from_secs(40);

fn user(i: usize) -> String {
    format!("U0BURST{i:05}")
}

/// The questions on screen now: owner → (conversation, question, message),
/// the newest question of each thread. The question is `step:answers`, as
/// the bot's admission compares it (a step name alone does not tell a new
/// question from one already answered: a step can be asked twice).
fn questions(fake: &FakeSlack) -> HashMap<String, (String, String, Value)> {
    let mut out = HashMap::new();
    for root in fake.channel_messages(CHANNEL) {
        let Some(ts) = root["ts"].as_str() else {
            continue;
        };
        for m in fake.thread(CHANNEL, ts) {
            if let Some((b, _)) = buttons(&m).into_iter().next() {
                out.insert(b.owner.clone(), (b.conversation.clone(), b.step.clone(), m));
            }
        }
    }
    out
}

/// Waits until every envelope in `ids` is acknowledged.
async fn all_acked(fake: &FakeSlack, ids: &[String]) {
    vmd_testkit::burst::all_answered(ids, WAIT, "envelopes never acknowledged", || {
        fake.acks()
            .iter()
            .filter_map(|a| a["envelope_id"].as_str().map(str::to_owned))
            .collect()
    })
    .await
}

/// Waits until every user has a question on screen that `done` accepts.
async fn wait_questions(
    fake: &FakeSlack,
    what: &str,
    done: impl Fn(usize, &str) -> bool,
) -> HashMap<String, (String, String, Value)> {
    let deadline = Instant::now() + WAIT;
    loop {
        let q = questions(fake);
        let waiting = (0..N)
            .filter(|&i| {
                !q.get(&user(i))
                    .is_some_and(|(_, question, _)| done(i, question))
            })
            .count();
        if waiting == 0 {
            return q;
        }
        assert!(
            Instant::now() < deadline,
            "{waiting} of {N} conversations never reached their {what} question"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_commands_then_of_clicks_loses_and_doubles_nothing() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let store = vmd_runtime::fake::sled_store(&data.path().join("sled")).await;
    // The whole burst is one workspace: its probe budget must hold N probes
    // (the default, 120 per 10 minutes, would refuse most of them).
    let driver = vmd_testkit::setup::burst_driver(store, N);
    let mut cfg = support::config(&fake);
    cfg.user_limit = support::per_10_min(10);
    cfg.team_limit = support::per_10_min(10 * N as u32);
    let bot = support::connect(&fake, cfg, driver.clone(), WAIT).await;

    // N slash commands, sent back to back without waiting for anything.
    let commands: Vec<String> = (0..N)
        .map(|i| {
            let (id, env) = support::burst_command("burst", i, &user(i), CHANNEL);
            fake.send(&env);
            id
        })
        .collect();
    all_acked(&fake, &commands).await;

    // Every diagnosis reaches its first question, in a thread of its own.
    let first = wait_questions(&fake, "first", |_, _| true).await;
    let threads: HashSet<&String> = first.values().map(|(conv, _, _)| conv).collect();
    assert_eq!(threads.len(), N, "each diagnosis has a thread of its own");
    for i in 0..N {
        let (conv, question, _) = &first[&user(i)];
        let s = driver
            .session(&SessionKey::new(vmd_slack::PLATFORM, conv, &user(i)))
            .unwrap()
            .unwrap_or_else(|| panic!("no session stored for {conv}"));
        assert!(matches!(s.phase, Phase::Step(_)), "{:?}", s.phase);
        assert_eq!(s.question().as_ref(), Some(question));
        assert_eq!(s.probes.len(), 1, "one probe, not refused nor repeated");
        assert_eq!(s.answer_count, 0);
    }

    // N clicks, one per conversation, sent back to back: the first regular
    // option of each first question.
    let clicks: Vec<String> = (0..N)
        .map(|i| {
            let (_, _, msg) = &first[&user(i)];
            let (id, env) = support::burst_click("burst", i, &user(i), CHANNEL, msg);
            fake.send(&env);
            id
        })
        .collect();
    all_acked(&fake, &clicks).await;

    // Every conversation moves on to a second question, stored with the answer.
    let second = wait_questions(&fake, "second", |i, q| q != first[&user(i)].1).await;
    for i in 0..N {
        let (conv, question, _) = &second[&user(i)];
        assert_eq!(conv, &first[&user(i)].0, "the same thread");
        let s = driver
            .session(&SessionKey::new(vmd_slack::PLATFORM, conv, &user(i)))
            .unwrap()
            .expect("session still stored");
        assert_eq!(s.question().as_ref(), Some(question));
        assert_eq!(s.answer_count, 1, "the click was applied exactly once");
        assert!(
            question.ends_with(":1"),
            "asked after one answer: {question}"
        );
    }

    // Exactly one acknowledgement per envelope: none dropped, none twice,
    // none for an envelope that was never sent.
    let mut acks: HashMap<String, usize> = HashMap::new();
    for a in fake.acks() {
        let id = a["envelope_id"]
            .as_str()
            .expect("an ack names its envelope");
        *acks.entry(id.to_owned()).or_default() += 1;
    }
    let sent: HashSet<&String> = commands.iter().chain(&clicks).collect();
    assert_eq!(acks.len(), 2 * N, "acks for {} envelopes", acks.len());
    for (id, n) in &acks {
        assert!(sent.contains(id), "an ack for unknown envelope {id}");
        assert_eq!(*n, 1, "envelope {id} acknowledged {n} times");
    }
    bot.stop().await;
}
