//! Slack's trigger_id lives 3 s and is single-use: a button that opens the
//! answer form calls views.open before anything it can skip (a users.info
//! lookup), and a form that did not open is said. The fake's clock moves
//! only by the latencies a test sets, so nothing here depends on the
//! machine's speed.

mod fake;
mod support;

use fake::fixtures::*;
use fake::*;
use serde_json::Value;
use std::time::Duration;
use vmd_runtime::fake::GateProber;
use vmd_slack::SlackHandle;

const CHANNEL: &str = "C0SUPPORT1";
const ALICE: &str = "U0ALICE01";
const WAIT: Duration = Duration::from_secs(15);

async fn start_bot(fake: &FakeSlack, data: &std::path::Path) -> SlackHandle {
    let driver = vmd_testkit::setup::driver(data, GateProber::new(&[], true)).await;
    support::connect(fake, support::config(fake), driver, WAIT).await
}

/// The question asking for the address, with its "type your answer" button.
async fn ip_question(fake: &FakeSlack) -> (Value, String) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        for m in fake.all_messages() {
            let found = m["blocks"]
                .as_array()
                .into_iter()
                .flatten()
                .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
                .find(|e| {
                    e["action_id"]
                        .as_str()
                        .is_some_and(|a| a.contains("|ip|") && a.ends_with("|@input"))
                });
            if let Some(e) = found {
                return (m.clone(), e["action_id"].as_str().unwrap().to_owned());
            }
        }
        assert!(tokio::time::Instant::now() < deadline, "no IP question");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn click(fake: &FakeSlack, msg: &Value, action: &str) -> String {
    let trigger = fake.new_id("trig-");
    fake.send(&block_action(
        &fake.new_id("env-act-"),
        &trigger,
        ALICE,
        CHANNEL,
        msg,
        action,
        "Type your answer",
        "@input",
    ));
    trigger
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_answer_form_opens_before_a_slow_lookup_and_a_late_one_is_said() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path()).await;
    fake.send(&slash_command(
        &fake.new_id("env-cmd-"),
        &fake.new_id("trig-"),
        ALICE,
        CHANNEL,
        "/diagnose",
        "",
    ));
    let (q, action) = ip_question(&fake).await;
    bot.stop().await;

    // A fresh process knows no locale yet, and users.info is slow today.
    fake.set_latency("users.info", Duration::from_secs(4));
    let bot = start_bot(&fake, data.path()).await;
    let trigger = click(&fake, &q, &action);
    let open = fake
        .wait_call(WAIT, |c| {
            c.method == "views.open" && c.params["trigger_id"] == trigger
        })
        .await
        .expect("views.open");
    // Opened in time: no users.info between the click and views.open.
    let between = fake
        .calls()
        .into_iter()
        .filter(|c| c.method == "users.info" && c.seq < open.seq)
        .filter(|c| c.at >= fake.calls_of("apps.connections.open").last().unwrap().at)
        .count();
    assert_eq!(between, 0, "a lookup before views.open");

    // A trigger that expired anyway (Slack slow to deliver): the user is told.
    fake.set_latency("views.open", Duration::from_secs(4));
    click(&fake, &q, &action);
    let told = fake
        .wait_call(WAIT, |c| {
            c.method == "chat.postEphemeral"
                && c.params["text"]
                    .as_str()
                    .is_some_and(|t| t.contains("didn't open in time"))
        })
        .await;
    assert!(told.is_some(), "a form that did not open was not said");
    bot.stop().await;
}
