//! Authorisation on every input path (issue 18): the channel allowlist and
//! the start limit hold for a slash command, a mention, a direct message, a
//! thread reply, a modal and a button alike; every command passes a per-user
//! command bucket; a repeated `!ticket` re-posts the link; a click copied onto
//! another conversation's message is refused; a mention inside someone
//! else's diagnosis thread starts nothing there. The real adapter against
//! the fake Slack.

mod fake;
mod support;

use fake::fixtures::*;
use fake::*;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use support::{actions, block_text as text_of};
use vmd_runtime::store::SledStore;
use vmd_runtime::{Driver, Outgoing};
use vmd_slack::SlackHandle;
use vmd_testkit::probers::Counting;

const CHANNEL: &str = "C0SUPPORT1";
const OTHER: &str = "C0OTHER001";
const DM: &str = "D0DM00001";
const ALICE: &str = "U0ALICE01";
const MALLORY: &str = "U0MALLORY";
const WAIT: Duration = Duration::from_secs(15);

type TestDriver = Arc<Driver<Counting, SledStore>>;

async fn driver(data: &std::path::Path, prober: Counting) -> TestDriver {
    vmd_testkit::setup::driver(data, prober).await
}

async fn start(
    fake: &FakeSlack,
    driver: TestDriver,
    channels: &[&str],
    user_limit: u32,
) -> SlackHandle {
    let mut c = support::config(fake);
    c.channels = channels.iter().map(|s| s.to_string()).collect();
    c.user_limit = support::per_10_min(user_limit);
    support::connect(fake, c, driver, WAIT).await
}

struct Chat {
    fake: FakeSlack,
}

impl Chat {
    fn command(&self, user: &str, channel: &str, command: &str, text: &str) -> String {
        support::command(&self.fake, user, channel, command, text)
    }

    fn mention(&self, user: &str, channel: &str, thread: Option<&str>, text: &str) -> String {
        let ts = self.fake.new_ts();
        self.fake.send(&app_mention(
            &self.fake.new_id("env-ev-"),
            &self.fake.new_id("Ev"),
            user,
            channel,
            &ts,
            thread,
            &format!("<@{BOT_USER}> {text}"),
        ));
        ts
    }

    fn reply(&self, user: &str, channel: &str, kind: &str, thread: Option<&str>, text: &str) {
        support::say(&self.fake, user, channel, kind, thread, text);
    }

    async fn root_for(&self, channel: &str, user: &str) -> String {
        support::root_for(&self.fake, channel, user, text_of, WAIT).await
    }

    /// The newest message in the thread asking `owner` the question `step`.
    async fn question(&self, channel: &str, thread: &str, owner: &str, step: &str) -> Value {
        let (exact, asked) = (format!("|{owner}|{step}|"), format!("|{owner}|{step}:"));
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let found = self
                .fake
                .thread(channel, thread)
                .into_iter()
                .rev()
                .find(|m| {
                    actions(m)
                        .iter()
                        .any(|(id, _)| id.contains(&exact) || id.contains(&asked))
                });
            if let Some(m) = found {
                return m;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no question {step}: {}",
                self.text(channel, thread)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn click(&self, user: &str, channel: &str, msg: &Value, action: &str) -> String {
        let id = self.fake.new_id("env-act-");
        let trigger = self.fake.new_id("trig-");
        let key = action.rsplit('|').next().unwrap_or_default().to_owned();
        self.fake.send(&block_action(
            &id, &trigger, user, channel, msg, action, "x", &key,
        ));
        id
    }

    /// Opens the "type your answer" form of `msg` and submits `value`.
    async fn type_answer(&self, user: &str, channel: &str, msg: &Value, value: &str) {
        let input = actions(msg)
            .into_iter()
            .map(|(id, _)| id)
            .find(|id| id.ends_with("|@input"))
            .unwrap_or_else(|| panic!("no form on {msg:#}"));
        let before = self.fake.calls_of("views.open").len();
        self.click(user, channel, msg, &input);
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.fake.calls_of("views.open").len() <= before {
            assert!(tokio::time::Instant::now() < deadline, "no form opened");
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        let open = self.fake.calls_of("views.open").pop().unwrap();
        let mut view = open.params["view"].clone();
        view["id"] = json!(self.fake.new_id("V"));
        view["team_id"] = json!(TEAM);
        let id = self.fake.new_id("env-view-");
        self.fake.send(&view_submission(&id, user, &view, value));
        self.fake.wait_ack(&id, WAIT).await.expect("acked");
    }

    fn text(&self, channel: &str, thread: &str) -> String {
        self.fake
            .thread(channel, thread)
            .iter()
            .map(text_of)
            .collect::<Vec<_>>()
            .join("\n---\n")
    }

    async fn wait_text(&self, channel: &str, thread: &str, needle: &str, times: usize) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.text(channel, thread).matches(needle).count() < times {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no {needle:?} x{times} in {}",
                self.text(channel, thread)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn ephemerals(&self, user: &str) -> Vec<String> {
        self.fake
            .calls_of("chat.postEphemeral")
            .into_iter()
            .filter(|c| c.params["user"] == user)
            .map(|c| c.params["text"].as_str().unwrap_or("").to_owned())
            .collect()
    }

    async fn wait_ephemeral(&self, user: &str, needle: &str, times: usize) {
        let deadline = tokio::time::Instant::now() + WAIT;
        while self
            .ephemerals(user)
            .iter()
            .filter(|t| t.contains(needle))
            .count()
            < times
        {
            assert!(
                tokio::time::Instant::now() < deadline,
                "no ephemeral {needle:?} x{times} for {user}: {:?}",
                self.ephemerals(user)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

async fn wait_probes(prober: &Counting, n: usize) {
    let deadline = tokio::time::Instant::now() + WAIT;
    while prober.0.load(Ordering::SeqCst) < n {
        assert!(tokio::time::Instant::now() < deadline, "probes: {prober:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// The start limit (one diagnosis) after a first diagnosis: a thread reply
/// with `!restart` and a new address, the OS button, the typed-answer form,
/// a mention and a direct message start no probe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_start_limit_holds_on_every_path() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let prober = Counting::default();
    let bot = start(&fake, driver(data.path(), prober.clone()).await, &[], 1).await;
    let chat = Chat { fake: fake.clone() };

    chat.command(ALICE, CHANNEL, "/diagnose", "203.0.113.10 linux");
    let root = chat.root_for(CHANNEL, ALICE).await;
    wait_probes(&prober, 1).await;
    chat.question(CHANNEL, &root, ALICE, "triage.security_group")
        .await;
    // Thread replies: a restart, then an address; the OS button.
    chat.reply(ALICE, CHANNEL, "channel", Some(&root), "!restart");
    chat.question(CHANNEL, &root, ALICE, "ip").await;
    chat.reply(ALICE, CHANNEL, "channel", Some(&root), "203.0.113.11");
    let q = chat.question(CHANNEL, &root, ALICE, "os").await;
    let linux = actions(&q)
        .into_iter()
        .map(|(id, _)| id)
        .find(|id| id.ends_with("|os|linux"))
        .unwrap();
    chat.click(ALICE, CHANNEL, &q, &linux);
    chat.wait_text(CHANNEL, &root, "started several diagnoses", 1)
        .await;
    // The form: the address typed into the modal (the OS is known now).
    let q = chat.question(CHANNEL, &root, ALICE, "ip").await;
    chat.type_answer(ALICE, CHANNEL, &q, "203.0.113.12").await;
    chat.wait_text(CHANNEL, &root, "started several diagnoses", 2)
        .await;
    // A mention and a direct message.
    chat.mention(ALICE, CHANNEL, None, "203.0.113.13 linux");
    chat.wait_ephemeral(ALICE, "diagnoses in a short time", 1)
        .await;
    chat.reply(ALICE, DM, "im", None, "203.0.113.14 linux");
    chat.wait_ephemeral(ALICE, "diagnoses in a short time", 2)
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(prober.0.load(Ordering::SeqCst), 1);
    bot.stop().await;
}

/// A conversation kept from before the operator narrowed the channel list:
/// a thread reply with an address, the typed-answer form, a slash command
/// and a mention from that channel start no probe.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_channel_allowlist_holds_on_every_path() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let prober = Counting::default();
    let d = driver(data.path(), prober.clone()).await;
    // Asked for an address in a thread of a channel no longer on the list.
    let root = "1600000000.000100";
    let key = vmd_core::session::SessionKey::new("slack", &format!("{OTHER}/{root}"), MALLORY);
    let mut sink = |_: Outgoing| {};
    d.turn(
        &key,
        vmd_core::engine::Input::Command(vmd_core::command::Command::Restart),
        None,
        &mut sink,
    )
    .await
    .unwrap();
    let bot = start(&fake, d, &[CHANNEL], 100).await;
    let chat = Chat { fake: fake.clone() };

    chat.reply(MALLORY, OTHER, "channel", Some(root), "203.0.113.10 linux");
    chat.wait_text(OTHER, root, "can't be started from here", 1)
        .await;
    let q = chat.question(OTHER, root, MALLORY, "ip").await;
    chat.type_answer(MALLORY, OTHER, &q, "203.0.113.11").await;
    chat.wait_text(OTHER, root, "can't be started from here", 2)
        .await;
    chat.command(MALLORY, OTHER, "/diagnose", "203.0.113.12 linux");
    chat.wait_ephemeral(MALLORY, "this channel", 1).await;
    chat.mention(MALLORY, OTHER, None, "203.0.113.13 linux");
    chat.wait_ephemeral(MALLORY, "this channel", 2).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(prober.0.load(Ordering::SeqCst), 0);
    // In the listed channel the same user may.
    chat.command(MALLORY, CHANNEL, "/diagnose", "203.0.113.12 linux");
    wait_probes(&prober, 1).await;
    bot.stop().await;
}

/// A stranger's mention inside Alice's diagnosis thread starts nothing there:
/// they are told (ephemerally) to start their own in the channel.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_inside_someone_elses_thread_starts_nothing_there() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let prober = Counting::default();
    let bot = start(&fake, driver(data.path(), prober.clone()).await, &[], 100).await;
    let chat = Chat { fake: fake.clone() };
    chat.command(ALICE, CHANNEL, "/diagnose", "203.0.113.10 linux");
    let root = chat.root_for(CHANNEL, ALICE).await;
    chat.question(CHANNEL, &root, ALICE, "triage.security_group")
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = fake.thread(CHANNEL, &root).len();
    chat.mention(MALLORY, CHANNEL, Some(&root), "203.0.113.66 linux");
    chat.wait_ephemeral(MALLORY, "not inside an existing thread", 1)
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        fake.thread(CHANNEL, &root).len(),
        before,
        "{}",
        chat.text(CHANNEL, &root)
    );
    assert_eq!(prober.0.load(Ordering::SeqCst), 1);
    bot.stop().await;
}

/// Mallory copies a button id of her own diagnosis onto a click on Alice's
/// question: refused, Alice's message is not touched and nothing is posted
/// in her thread.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_copied_onto_another_conversation_is_refused() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let prober = Counting::default();
    let bot = start(&fake, driver(data.path(), prober.clone()).await, &[], 100).await;
    let chat = Chat { fake: fake.clone() };
    chat.command(ALICE, CHANNEL, "/diagnose", "203.0.113.10 linux");
    let alice_root = chat.root_for(CHANNEL, ALICE).await;
    let alice_q = chat
        .question(CHANNEL, &alice_root, ALICE, "triage.security_group")
        .await;
    chat.command(MALLORY, CHANNEL, "/diagnose", "203.0.113.20 linux");
    let mallory_root = chat.root_for(CHANNEL, MALLORY).await;
    let mallory_q = chat
        .question(CHANNEL, &mallory_root, MALLORY, "triage.security_group")
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = fake.thread(CHANNEL, &alice_root).len();
    let updates = fake.calls_of("chat.update").len();
    let forged = actions(&mallory_q)[0].0.clone();
    chat.click(MALLORY, CHANNEL, &alice_q, &forged);
    chat.wait_ephemeral(MALLORY, "already been answered", 1)
        .await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(fake.thread(CHANNEL, &alice_root).len(), before);
    assert_eq!(fake.calls_of("chat.update").len(), updates);
    let alice_now = fake
        .message(CHANNEL, alice_q["ts"].as_str().unwrap())
        .unwrap();
    assert_eq!(actions(&alice_now), actions(&alice_q));
    // Her own click on her own question goes through.
    chat.click(MALLORY, CHANNEL, &mallory_q, &forged);
    let deadline = tokio::time::Instant::now() + WAIT;
    while fake.calls_of("chat.update").len() == updates {
        assert!(tokio::time::Instant::now() < deadline, "not applied");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bot.stop().await;
}

/// Every slash command passes a per-user bucket first: past it, the
/// acknowledgement itself says so, and nothing else happens.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_past_the_user_bucket_are_refused_in_the_acknowledgement() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start(
        &fake,
        driver(data.path(), Counting::default()).await,
        &[],
        100,
    )
    .await;
    let chat = Chat { fake: fake.clone() };
    let max = vmd_runtime::kit::limits::COMMANDS_PER_USER.max;
    let mut last = String::new();
    for _ in 0..max {
        last = chat.command(MALLORY, CHANNEL, "/lang", "en");
    }
    fake.wait_ack(&last, WAIT).await.expect("acked");
    chat.wait_ephemeral(MALLORY, "English", max as usize).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    let calls = fake.calls().len();
    let id = chat.command(MALLORY, CHANNEL, "/lang", "en");
    let ack = fake.wait_ack(&id, WAIT).await.expect("acked");
    let text = ack["payload"]["text"].as_str().unwrap_or_default();
    assert!(text.contains("a lot of commands"), "{ack:#}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        fake.calls().len(),
        calls,
        "no API call for a refused command"
    );
    bot.stop().await;
}

/// `!ticket` twice within minutes: one upload, then the link again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_ticket_reposts_the_link_not_the_file() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start(
        &fake,
        driver(data.path(), Counting::default()).await,
        &[],
        100,
    )
    .await;
    let chat = Chat { fake: fake.clone() };
    chat.command(ALICE, CHANNEL, "/diagnose", "203.0.113.10 linux");
    let root = chat.root_for(CHANNEL, ALICE).await;
    chat.question(CHANNEL, &root, ALICE, "triage.security_group")
        .await;
    for _ in 0..3 {
        chat.reply(ALICE, CHANNEL, "channel", Some(&root), "!ticket");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    chat.wait_text(CHANNEL, &root, "attached a moment ago", 2)
        .await;
    assert_eq!(fake.calls_of("files.getUploadURLExternal").len(), 1);
    bot.stop().await;
}
