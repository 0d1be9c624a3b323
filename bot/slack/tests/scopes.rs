//! An app installed without one of the scopes of `deploy/slack-manifest.yaml`:
//! the fake refuses each method needing it as Slack does (`missing_scope`,
//! with `needed` and `provided`), and the user is told which permission the
//! app lacks wherever Slack leaves a way to tell them (README, "What the user
//! sees when a permission is missing").

mod fake;

use fake::fixtures::*;
use fake::*;
use serde_json::{json, Value};
use std::sync::Arc;
use std::time::Duration;
use vmd_core::probe::PortState;
use vmd_runtime::fake::GateProber;
use vmd_slack::{SlackConfig, SlackHandle};

const CHANNEL: &str = "C0SCOPE01";
const ALICE: &str = "U0ALICE01";
const WAIT: Duration = Duration::from_secs(15);

async fn start_bot(fake: &FakeSlack, data: &std::path::Path) -> SlackHandle {
    let mut cfg = SlackConfig::new("xapp-1-fake", "xoxb-fake");
    cfg.api_url = Some(fake.api_url());
    cfg.reconnect_secs = 1;
    let store = vmd_runtime::fake::sled_store(&data.join("sled")).await;
    let prober = GateProber::new(&[PortState::Open], true);
    let driver = Arc::new(vmd_runtime::fake::test_driver(prober, store));
    let n = fake.connections_opened();
    let bot = vmd_slack::start(cfg, driver).await.unwrap();
    assert!(
        fake.wait_connected(n + 1, WAIT).await,
        "no Socket Mode connection"
    );
    bot
}

fn diagnose(fake: &FakeSlack, text: &str) {
    let id = fake.new_id("env-cmd-");
    let trigger = fake.new_id("trig-");
    fake.send(&slash_command(
        &id,
        &trigger,
        ALICE,
        CHANNEL,
        "/diagnose",
        text,
    ));
}

fn text_of(m: &Value) -> String {
    let mut out = m["text"].as_str().unwrap_or("").to_owned();
    for b in m["blocks"].as_array().into_iter().flatten() {
        if let Some(t) = b["text"]["text"].as_str() {
            out.push('\n');
            out.push_str(t);
        }
    }
    out
}

/// The `n`-th answer (from 1) sent through a `response_url`.
async fn response(fake: &FakeSlack, n: usize) -> Value {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(c) = fake.responses().get(n - 1) {
            return c.params["body"].clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "nothing reached the response_url: {:?}",
            fake.calls()
                .iter()
                .map(|c| c.method.clone())
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// A thread message of `root` whose text contains `needle`.
async fn in_thread(fake: &FakeSlack, root: &str, needle: &str) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(t) = fake
            .thread(CHANNEL, root)
            .iter()
            .map(text_of)
            .find(|t| t.contains(needle))
        {
            return t;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {needle:?} in the thread: {:#?}",
            fake.thread(CHANNEL, root)
                .iter()
                .map(text_of)
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `!ticket` typed by Alice in the thread under `root`.
fn ticket(fake: &FakeSlack, root: &str) {
    fake.send(&message(
        &fake.new_id("env-ev-"),
        &fake.new_id("Ev"),
        ALICE,
        CHANNEL,
        "channel",
        &fake.new_ts(),
        Some(root),
        "!ticket",
    ));
}

#[test]
fn the_fake_refuses_a_missing_scope_as_slack_does() {
    // Every method the adapter calls with the bot token needs a scope of
    // the manifest, and the fake knows which.
    for (method, scope) in [
        ("chat.postMessage", "chat:write"),
        ("chat.postEphemeral", "chat:write"),
        ("chat.update", "chat:write"),
        ("conversations.open", "im:write"),
        ("files.getUploadURLExternal", "files:write"),
        ("files.completeUploadExternal", "files:write"),
        ("users.info", "users:read"),
        ("usergroups.users.list", "usergroups:read"),
    ] {
        assert_eq!(scope_of(method), Some(scope), "{method}");
        assert!(BOT_SCOPES.contains(&scope));
    }
}

/// Without `files:write` the hand-off cannot carry the report: the thread
/// says so, naming the permission, and `!ticket` tries the upload again
/// instead of pointing at a report that is not there.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_files_write_the_thread_says_the_report_is_not_attached() {
    let fake = FakeSlack::start().await;
    fake.revoke_scope("files:write");
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path()).await;
    diagnose(&fake, "203.0.113.7 linux");
    let deadline = tokio::time::Instant::now() + WAIT;
    let root = loop {
        if let Some(m) = fake.channel_messages(CHANNEL).first() {
            break m["ts"].as_str().unwrap().to_owned();
        }
        assert!(tokio::time::Instant::now() < deadline, "no thread root");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    in_thread(&fake, &root, "Which message does ssh").await;
    ticket(&fake, &root);
    let told = in_thread(&fake, &root, "couldn't attach the diagnosis report").await;
    assert!(told.contains("`files:write`"), "{told}");
    assert!(
        fake.calls_of("files.completeUploadExternal").is_empty(),
        "nothing was uploaded"
    );
    // Asked again: the upload is tried again, not "attached a moment ago".
    ticket(&fake, &root);
    let deadline = tokio::time::Instant::now() + WAIT;
    while fake.calls_of("files.getUploadURLExternal").len() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the second !ticket did not try the upload: {:#?}",
            fake.thread(CHANNEL, &root)
                .iter()
                .map(text_of)
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bot.stop().await;
}

/// Without `chat:write` nothing can be posted in the channel, nor
/// ephemerally: a slash command is answered through its own response_url,
/// naming the permission.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_chat_write_a_command_is_told_through_its_response_url() {
    let fake = FakeSlack::start().await;
    fake.revoke_scope("chat:write");
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path()).await;
    diagnose(&fake, "203.0.113.7 linux");
    let told = text_of(&response(&fake, 1).await);
    assert!(told.contains("`chat:write`"), "{told}");
    assert!(told.contains("workspace admin"), "{told}");
    assert!(fake.channel_messages(CHANNEL).is_empty());
    bot.stop().await;
}

/// Without `im:write` the offer to continue in a direct message cannot be
/// kept: the click is answered naming the permission.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_im_write_the_dm_offer_says_what_is_missing() {
    let fake = FakeSlack::start().await;
    fake.set_absent(CHANNEL);
    fake.revoke_scope("im:write");
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path()).await;
    diagnose(&fake, "203.0.113.7 linux");
    let offer = response(&fake, 1).await;
    let mut message = offer.clone();
    message["ts"] = json!(fake.new_ts());
    message["type"] = json!("message");
    fake.send(&block_action(
        &fake.new_id("env-act-"),
        &fake.new_id("trig-"),
        ALICE,
        CHANNEL,
        &message,
        "vmd-dm",
        "Continue in a direct message",
        "203.0.113.7 linux",
    ));
    let told = text_of(&response(&fake, 2).await);
    assert!(told.contains("`im:write`"), "{told}");
    bot.stop().await;
}
