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
#[path = "../tests/support/mod.rs"]
mod support;

use fake::*;
use serde_json::Value;
use std::collections::HashMap;
use std::time::{Duration, Instant};
use support::{announced_thread as thread_of, button_ids as buttons, by_channel};
use vmd_runtime::store::SledStore;
use vmd_testkit::burst::{summary, Burst, Words};

const GUILD: u64 = 1_400_000_000_000_000_001;
const CHANNEL: u64 = 1_400_000_000_000_000_002;
const FIRST_USER: u64 = 1_500_000_000_000_000_000;
/// How long an interaction may go without a callback before it counts as
/// dropped (20 x Discord's deadline).
const GIVE_UP: Duration = Duration::from_secs(60);

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

/// Waits (up to [`GIVE_UP`]) for a callback to each of `sent`.
async fn first_callbacks(fake: &FakeDiscord, sent: &[(u64, Instant)]) -> Burst {
    Burst::wait(sent, GIVE_UP, || support::callback_times(fake)).await
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let n = vmd_testkit::burst::bench_size();
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    // One guild: its probe budget must hold the whole burst.
    let driver = vmd_testkit::setup::burst_driver(SledStore::open(data.path()).unwrap(), n);
    let cfg = support::config(&fake, &[GUILD], 1000, 100_000);
    let bot = support::connect(&fake, cfg, driver, Duration::from_secs(20)).await;

    // Burst 1: N starts.
    let start = Instant::now();
    let mut sent = Vec::new();
    for i in 0..n {
        let id = fake.new_id();
        let at = Instant::now();
        let user = FIRST_USER + i as u64;
        let ip = vmd_testkit::burst::target(i);
        let cmd = support::diagnose(id, (GUILD, CHANNEL), user, "en-US", &ip, "linux");
        fake.dispatch("INTERACTION_CREATE", cmd).await;
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

    let words = Words {
        measure: "first callback",
        answer: "callback",
        twice: "answered twice",
        events: "interactions",
        give_up: GIVE_UP,
    };
    summary(
        n,
        &words,
        (
            ("starts (/diagnose)", &starts),
            ("clicks (first answer)", &clicked),
        ),
        (to_first, to_second),
    );
    bot.stop().await;
}
