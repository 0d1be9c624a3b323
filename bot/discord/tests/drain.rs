//! Shutdown: while the process drains, a new interaction is answered
//! "restarting, try again in a minute" (only its user sees it) and starts
//! nothing, and the turn already under way finishes and posts its replies.

mod fake;
mod support;

use fake::*;
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use vmd_core::probe::PortState;
use vmd_runtime::fake::GateProber;

const GUILD: u64 = 1_600_000_000_000_000_001;
const CHANNEL: u64 = 1_600_000_000_000_000_002;
const ALICE: u64 = 1_600_000_000_000_000_003;
const BOB: u64 = 1_600_000_000_000_000_004;
const WAIT: Duration = Duration::from_secs(30);

async fn wait_until(what: &str, f: impl Fn() -> bool) {
    vmd_testkit::wait::until(WAIT, what, f).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn interactions_during_the_drain_are_told_and_the_turn_under_way_finishes() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let cfg = support::config(&fake, &[GUILD], 50, 100);
    let store = vmd_runtime::fake::sled_store(&data.path().join("sled")).await;
    // The probe waits until the test lets it run.
    let prober = GateProber::new(&[PortState::Open], false);
    let driver = Arc::new(vmd_runtime::fake::test_driver(prober.clone(), store));
    let bot = vmd_discord::start(cfg, driver.clone()).await.unwrap();
    assert!(fake.wait_identified(1, WAIT).await, "bot never connected");

    let diagnose = |id: u64, user: u64| {
        slash_command(
            id,
            &format!("tok-{id}"),
            GUILD,
            CHANNEL,
            user,
            "ko",
            "diagnose",
            json!([
                {"name": "ip", "type": 3, "value": "203.0.113.41"},
                {"name": "os", "type": 3, "value": "linux"},
            ]),
        )
    };
    fake.dispatch("INTERACTION_CREATE", diagnose(fake.new_id(), ALICE))
        .await;
    // Alice's diagnosis is under way: its "checking…" message is posted.
    wait_until("the first diagnosis posts its checking message", || {
        fake.messages().iter().any(|m| m["type"] == 0)
    })
    .await;
    let checking = fake
        .messages()
        .into_iter()
        .find(|m| m["type"] == 0)
        .unwrap();

    // SIGTERM: the process drains.
    driver.turns().begin_drain();
    let threads_before = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/threads"))
        .count();
    let cmd = fake.new_id();
    fake.dispatch("INTERACTION_CREATE", diagnose(cmd, BOB))
        .await;
    let click = fake.new_id();
    fake.dispatch(
        "INTERACTION_CREATE",
        component_click(
            click,
            &format!("tok-{click}"),
            GUILD,
            CHANNEL,
            BOB,
            "en-US",
            "v1|x|y|z|0",
            checking.clone(),
        ),
    )
    .await;
    for (id, restarting) in [
        (cmd, "재시작하는 중이에요"),
        (click, "restarting right now"),
    ] {
        let cb = fake
            .wait_for(
                |r| r.is_callback() && r.path.contains(&format!("/interactions/{id}/")),
                WAIT,
            )
            .await
            .unwrap_or_else(|| panic!("interaction {id} got no answer during the drain"));
        assert_eq!(cb.callback_type(), Some(4), "{:#}", cb.json);
        assert_eq!(cb.json["data"]["flags"], 64, "ephemeral: {:#}", cb.json);
        let text = cb.json["data"]["content"].as_str().unwrap_or("");
        assert!(text.contains(restarting), "{text}");
    }

    // The turn under way finishes and posts its replies; the drain ends.
    let before = fake.requests().len();
    let drain = tokio::spawn({
        let driver = driver.clone();
        async move { driver.turns().drain(Duration::from_secs(60)).await }
    });
    prober.gate.add_permits(10);
    let left = drain.await.unwrap();
    assert_eq!(left, 0, "every turn finished");
    let thread = checking["channel_id"].as_str().unwrap().to_string();
    assert!(
        fake.requests()[before..]
            .iter()
            .any(|r| r.path.contains(&format!("/channels/{thread}/messages"))),
        "the diagnosis under way posted its result"
    );
    let threads_after = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/threads"))
        .count();
    assert_eq!(threads_after, threads_before, "nothing new was started");
    bot.stop().await;
}
