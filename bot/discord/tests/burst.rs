//! The real adapter under a burst, against the in-process fake Discord: N
//! users each start `/diagnose` at the same moment, then each clicks an answer
//! to its first question at the same moment. Checked structurally (no timing):
//! every interaction got exactly one callback (none dropped, none answered
//! twice), every conversation reached its first question and then its second,
//! and every session is stored under its thread with the step on screen.
//! Latencies under a burst are measured by `examples/discord_bench.rs`.

mod fake;
mod support;

use fake::*;
use serde_json::Value;
use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};
use support::{announced_thread as thread_of, button_ids as buttons, by_channel, callbacks};
use vmd_core::session::{Phase, SessionKey};

const GUILD: u64 = 1_300_000_000_000_000_001;
const CHANNEL: u64 = 1_300_000_000_000_000_002;
const FIRST_USER: u64 = 1_300_000_000_000_100_000;

/// 200 at once: twice the smaller burst of the benchmark, enough that every
/// worker is busy while interactions keep arriving, and small enough that the
/// whole test (400 interactions, each a thread, a probe and several messages,
/// against a fake that records every request) stays at a few seconds in a
/// debug build on 2 cores.
const N: usize = 200;
/// Generous: only reached when something is lost, and then the test fails.
const WAIT: Duration = Duration::from_secs(40);

/// Waits until every id in `ids` has a callback.
async fn all_called_back(fake: &FakeDiscord, ids: &[u64]) {
    vmd_testkit::burst::all_answered(ids, WAIT, "interactions never got a callback", || {
        callbacks(fake).into_keys().collect()
    })
    .await
}

/// The question in `thread` now, if it is not `not_question`: the newest
/// message with buttons, and its question (`step:answers`, as the bot's
/// admission compares it). A step name alone is not enough to tell a new
/// question from one already answered: a step can be asked twice.
fn question_in(
    all: &HashMap<u64, Vec<Value>>,
    thread: u64,
    not_question: Option<&str>,
) -> Option<(Value, String)> {
    let m = all
        .get(&thread)?
        .iter()
        .rev()
        .find(|m| !buttons(m).is_empty())?;
    let question = buttons(m).first()?.step.clone();
    (Some(question.as_str()) != not_question).then(|| (m.clone(), question))
}

/// The step of a question (`linux.sshd` of `linux.sshd:0`).
fn step_of(question: &str) -> String {
    question.split(':').next().unwrap_or_default().to_owned()
}

/// One conversation of the burst.
struct Conv {
    user: u64,
    thread: u64,
    /// The first question, `step:0`.
    first: String,
    first_question: Value,
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_starts_then_of_clicks_loses_and_doubles_nothing() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let store = vmd_runtime::fake::sled_store(&data.path().join("sled")).await;
    // The whole burst is one guild: its probe budget must hold N probes.
    let driver = vmd_testkit::setup::burst_driver(store, N);
    let cfg = support::config(&fake, &[GUILD], 10, 10 * N as u32);
    let bot = support::connect(&fake, cfg, driver.clone(), WAIT).await;

    // N starts, dispatched back to back without waiting for anything.
    let mut starts = Vec::new();
    for i in 0..N {
        let id = fake.new_id();
        let user = FIRST_USER + i as u64;
        let ip = vmd_testkit::burst::target(i);
        let cmd = support::diagnose(id, (GUILD, CHANNEL), user, "en-US", &ip, "linux");
        fake.dispatch("INTERACTION_CREATE", cmd).await;
        starts.push(id);
    }
    all_called_back(&fake, &starts).await;

    // Every diagnosis reaches its first question, in its own thread.
    let deadline = Instant::now() + WAIT;
    let mut convs: Vec<Option<Conv>> = (0..N).map(|_| None).collect();
    while convs.iter().any(Option::is_none) {
        let all = by_channel(&fake);
        for (i, id) in starts.iter().enumerate() {
            if convs[i].is_some() {
                continue;
            }
            let Some(thread) = thread_of(&fake, &format!("tok-{id}")) else {
                continue;
            };
            if let Some((m, question)) = question_in(&all, thread, None) {
                convs[i] = Some(Conv {
                    user: FIRST_USER + i as u64,
                    thread,
                    first: question,
                    first_question: m,
                });
            }
        }
        let waiting: Vec<u64> = starts
            .iter()
            .zip(&convs)
            .filter(|(_, c)| c.is_none())
            .map(|(id, _)| *id)
            .collect();
        assert!(
            Instant::now() < deadline,
            "{} of {N} diagnoses never reached a first question: {:#?}",
            waiting.len(),
            waiting
                .iter()
                .take(3)
                .map(|id| {
                    let tok = format!("tok-{id}");
                    let thread = thread_of(&fake, &tok);
                    (
                        fake.original_message(&tok).map(|m| m["content"].clone()),
                        thread.map(|t| {
                            fake.channel_messages(t)
                                .iter()
                                .map(|m| (m["content"].clone(), m["embeds"][0]["title"].clone()))
                                .collect::<Vec<_>>()
                        }),
                    )
                })
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let convs: Vec<Conv> = convs.into_iter().map(Option::unwrap).collect();
    let threads: HashSet<u64> = convs.iter().map(|c| c.thread).collect();
    assert_eq!(threads.len(), N, "each diagnosis has a thread of its own");

    // Stored where expected: under (thread, user), at the step on screen.
    for c in &convs {
        let key = SessionKey::new("discord", &c.thread.to_string(), &c.user.to_string());
        let s = driver
            .session(&key)
            .unwrap()
            .unwrap_or_else(|| panic!("no session stored for thread {}", c.thread));
        assert_eq!(s.question(), Some(c.first.clone()));
        assert_eq!(s.phase, Phase::Step(step_of(&c.first)));
        assert_eq!(s.probes.len(), 1, "one probe, not refused nor repeated");
        assert_eq!(s.answer_count, 0);
    }

    // N clicks, one per conversation, dispatched back to back: the first
    // regular option of each first question.
    let mut clicks = Vec::new();
    for c in &convs {
        let button = buttons(&c.first_question)
            .into_iter()
            .find(|b| !b.key.starts_with('@'))
            .expect("a question with a regular option");
        let id = fake.new_id();
        let message = fake
            .message(id_of(&c.first_question["id"]).unwrap())
            .unwrap();
        fake.dispatch(
            "INTERACTION_CREATE",
            component_click(
                id,
                &format!("tok-{id}"),
                GUILD,
                c.thread,
                c.user,
                "en-US",
                &button.encode(100).unwrap(),
                message,
            ),
        )
        .await;
        clicks.push(id);
    }
    all_called_back(&fake, &clicks).await;

    // Every conversation moves on to a second question, stored with the answer.
    let deadline = Instant::now() + WAIT;
    let mut second: Vec<Option<String>> = vec![None; N];
    while second.iter().any(Option::is_none) {
        let all = by_channel(&fake);
        for (i, c) in convs.iter().enumerate() {
            if second[i].is_none() {
                second[i] = question_in(&all, c.thread, Some(&c.first)).map(|(_, q)| q);
            }
        }
        let waiting = second.iter().filter(|s| s.is_none()).count();
        assert!(
            Instant::now() < deadline,
            "{waiting} of {N} conversations never reached a second question"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    for (c, step) in convs.iter().zip(&second) {
        let key = SessionKey::new("discord", &c.thread.to_string(), &c.user.to_string());
        let s = driver.session(&key).unwrap().expect("session still stored");
        let question = step.clone().unwrap();
        assert_eq!(s.question(), Some(question.clone()));
        assert_eq!(s.phase, Phase::Step(step_of(&question)));
        assert_eq!(s.answer_count, 1, "the click was applied exactly once");
        assert!(
            question.ends_with(":1"),
            "asked after one answer: {question}"
        );
    }

    // Exactly one callback per interaction: none dropped, none answered twice,
    // none for an interaction that was never sent.
    let got = callbacks(&fake);
    let sent: HashSet<u64> = starts.iter().chain(&clicks).copied().collect();
    assert_eq!(got.len(), 2 * N, "callbacks for {} interactions", got.len());
    for (id, cbs) in &got {
        assert!(sent.contains(id), "a callback for unknown interaction {id}");
        assert_eq!(cbs.len(), 1, "interaction {id} got {} callbacks", cbs.len());
    }
    // A start is deferred (type 5); a click updates its message (type 7).
    for id in &starts {
        assert_eq!(got[id][0].callback_type(), Some(5), "{:#}", got[id][0].json);
    }
    for id in &clicks {
        assert_eq!(got[id][0].callback_type(), Some(7), "{:#}", got[id][0].json);
    }
    bot.stop().await;
}
