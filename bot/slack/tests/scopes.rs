//! An app installed without one of the scopes of `deploy/slack-manifest.yaml`:
//! the fake refuses each method needing it as Slack does (`missing_scope`,
//! with `needed` and `provided`), and the user is told which permission the
//! app lacks wherever Slack leaves a way to tell them (README, "What the user
//! sees when a permission is missing").

mod fake;
mod support;

use fake::*;
use std::time::Duration;
use support::{message_text as text_of, response};
use vmd_core::probe::PortState;
use vmd_runtime::fake::GateProber;
use vmd_slack::SlackHandle;

const CHANNEL: &str = "C0SCOPE01";
const ALICE: &str = "U0ALICE01";
const WAIT: Duration = Duration::from_secs(15);

async fn start_bot(fake: &FakeSlack, data: &std::path::Path) -> SlackHandle {
    let driver = vmd_testkit::setup::driver(data, GateProber::new(&[PortState::Open], true)).await;
    support::connect(fake, support::config(fake), driver, WAIT).await
}

fn diagnose(fake: &FakeSlack, text: &str) {
    support::command(fake, ALICE, CHANNEL, "/diagnose", text);
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
    support::say(fake, ALICE, CHANNEL, "channel", Some(root), "!ticket");
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
    let told = text_of(&response(&fake, 1, WAIT).await);
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
    let offer = response(&fake, 1, WAIT).await;
    support::take_dm_offer(
        &fake,
        ALICE,
        CHANNEL,
        &offer,
        "Continue in a direct message",
        "203.0.113.7 linux",
    );
    let told = text_of(&response(&fake, 2, WAIT).await);
    assert!(told.contains("`im:write`"), "{told}");
    bot.stop().await;
}
