//! End-to-end: the real adapter on a real serenity client, against an
//! in-process fake Discord (HTTP + gateway WebSocket), with a scripted prober.

mod fake;
mod support;

use fake::*;
use serde_json::{json, Value};
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use vmd_core::probe::*;
use vmd_discord::{BotHandle, DiscordConfig};
use vmd_runtime::fake::GateProber;
use vmd_runtime::store::SledStore;
use vmd_runtime::Driver;
use vmd_testkit::escape::{code_ticks, only_escaped, strings};

const GUILD: u64 = 1_200_000_000_000_000_001;
const CHANNEL: u64 = 1_200_000_000_000_000_002;
const ALICE: u64 = 1_200_000_000_000_000_003;
const BOB: u64 = 1_200_000_000_000_000_004;
const CAROL: u64 = 1_200_000_000_000_000_005;
const SUPPORT_ROLE: u64 = 1_200_000_000_000_000_006;
const WAIT: Duration = Duration::from_secs(15);

fn config(fake: &FakeDiscord, user_limit: u32) -> DiscordConfig {
    DiscordConfig {
        support_role: Some(SUPPORT_ROLE),
        ..support::config(fake, &[GUILD], user_limit, 100)
    }
}

type TestDriver = Driver<GateProber, SledStore>;

async fn start_bot(
    fake: &FakeDiscord,
    data: &Path,
    prober: GateProber,
    user_limit: u32,
) -> BotHandle {
    start_bot_weak(fake, data, prober, user_limit).await.0
}

async fn start_bot_weak(
    fake: &FakeDiscord,
    data: &Path,
    prober: GateProber,
    user_limit: u32,
) -> (BotHandle, std::sync::Weak<TestDriver>) {
    let driver = vmd_testkit::setup::driver_with_names(data, prober).await;
    let weak = Arc::downgrade(&driver);
    let bot = support::connect(fake, config(fake, user_limit), driver, WAIT).await;
    (bot, weak)
}

struct Chat {
    fake: FakeDiscord,
    locale: &'static str,
}

impl Chat {
    async fn diagnose(&self, user: u64, ip: &str, os: &str) -> u64 {
        let id = self.fake.new_id();
        let p = support::diagnose(id, (GUILD, CHANNEL), user, self.locale, ip, os);
        self.fake.dispatch("INTERACTION_CREATE", p).await;
        id
    }

    /// The callback of interaction `id`.
    async fn callback(&self, id: u64) -> Recorded {
        support::callback(&self.fake, id, WAIT).await
    }

    /// The thread the diagnosis started by interaction `id` moved to.
    async fn thread_of(&self, id: u64) -> u64 {
        support::thread_of(&self.fake, id, WAIT).await
    }

    /// Waits until the channel's text contains `needle`.
    async fn wait_text(&self, channel: u64, needle: &str) {
        vmd_testkit::wait::text(WAIT, needle, || all_text(&self.fake, channel)).await;
    }

    /// Waits until the question in `channel` is step `step`; returns its
    /// message. The question is the newest message carrying buttons, and only
    /// while one of them is live: a click's first response disables its
    /// message's buttons, so right after a click the answered message is
    /// still the newest until the bot posts the next question. Taking an older
    /// message that merely names the step (a step asked twice, like
    /// `triage.restart:2` and `triage.restart:7`) would click an answered
    /// question, which the bot rightly refuses as stale.
    async fn question(&self, channel: u64, step: &str) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(m) = current_question(&self.fake, channel).filter(|m| asks(m, step)) {
                return m;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no question {step} in {channel}: {:#?}",
                self.fake
                    .channel_messages(channel)
                    .iter()
                    .map(|m| (m["content"].clone(), buttons(m)))
                    .collect::<Vec<_>>()
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    async fn click_as(
        &self,
        user: u64,
        roles: &[u64],
        channel: u64,
        msg: &Value,
        key: &str,
    ) -> Recorded {
        let custom = buttons(msg)
            .into_iter()
            .map(|(id, _)| id)
            .find(|id| id.ends_with(&format!("|{key}")))
            .unwrap_or_else(|| panic!("no button {key} on {msg:#}"));
        let id = self.fake.new_id();
        let mut payload = component_click(
            id,
            &format!("tok-{id}"),
            GUILD,
            channel,
            user,
            self.locale,
            &custom,
            msg.clone(),
        );
        payload["member"]["roles"] = json!(roles.iter().map(|r| r.to_string()).collect::<Vec<_>>());
        self.fake.dispatch("INTERACTION_CREATE", payload).await;
        self.callback(id).await
    }

    async fn click(&self, channel: u64, step: &str, key: &str) -> Recorded {
        let msg = self.question(channel, step).await;
        let cb = self.click_as(ALICE, &[], channel, &msg, key).await;
        assert_eq!(
            cb.callback_type(),
            Some(7),
            "a click updates its message: {:#}",
            cb.json
        );
        cb
    }
}

fn buttons(m: &Value) -> Vec<(String, bool)> {
    m["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| {
            Some((
                b["custom_id"].as_str()?.to_owned(),
                b["disabled"].as_bool().unwrap_or(false),
            ))
        })
        .collect()
}

/// The question a person sees in `channel` now: the newest message with
/// buttons, if any of them can still be clicked.
fn current_question(fake: &FakeDiscord, channel: u64) -> Option<Value> {
    fake.channel_messages(channel)
        .into_iter()
        .rev()
        .find(|m| !buttons(m).is_empty())
        .filter(|m| buttons(m).iter().any(|(_, disabled)| !disabled))
}

/// Whether `m` asks `step`: `|os|`, `|ip|`, or a step with the answers so
/// far, `|linux.sshd:3|`.
fn asks(m: &Value, step: &str) -> bool {
    let (exact, asked) = (format!("|{step}|"), format!("|{step}:"));
    buttons(m)
        .iter()
        .any(|(id, _)| id.contains(&exact) || id.contains(&asked))
}

fn all_text(fake: &FakeDiscord, channel: u64) -> String {
    fake.channel_messages(channel)
        .iter()
        .map(|m| {
            let mut t = m["content"].as_str().unwrap_or("").to_owned();
            for e in m["embeds"].as_array().into_iter().flatten() {
                t.push_str(e["title"].as_str().unwrap_or(""));
                for f in e["fields"].as_array().into_iter().flatten() {
                    t.push('\n');
                    t.push_str(f["value"].as_str().unwrap_or(""));
                }
            }
            t
        })
        .collect::<Vec<_>>()
        .join("\n---\n")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn windows_diagnosis_to_ticket_answers_before_probing() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let prober = GateProber::new(&[PortState::Filtered], false);
    let bot = start_bot(&fake, data.path(), prober.clone(), 5).await;
    let chat = Chat {
        fake: fake.clone(),
        locale: "en-US",
    };

    let id = chat.diagnose(ALICE, "203.0.113.10", "windows").await;
    let first = chat.callback(id).await;
    // The 3 s deadline, structurally: the first callback is there while the
    // probe is still held back by the gate.
    assert_eq!(first.callback_type(), Some(5), "{:#}", first.json);
    assert_eq!(prober.finished.load(Ordering::SeqCst), 0);
    let thread = chat.thread_of(id).await;
    prober.gate.add_permits(100);

    // Nothing answered at all: the instance and its address come first.
    let q = chat.question(thread, "triage.instance_state").await;
    let summary = fake
        .channel_messages(thread)
        .into_iter()
        .find(|m| {
            m["embeds"][0]["title"]
                .as_str()
                .is_some_and(|t| t.contains("What I see from outside"))
        })
        .expect("the progress message became the summary embed");
    assert!(
        summary["embeds"][0]["fields"].as_array().unwrap().len() >= 3,
        "{summary:#}"
    );
    assert!(summary["embeds"][0]["color"].as_u64().is_some());

    // Live progress: the "checking…" message showed each port as it finished,
    // before it became the summary.
    let progress = fake
        .requests()
        .into_iter()
        .find(|r| {
            r.method == "PATCH"
                && r.path
                    .starts_with(&format!("/api/v10/channels/{thread}/messages/"))
                && r.json["content"]
                    .as_str()
                    .is_some_and(|c| c.contains("Port 3389: no answer"))
        })
        .unwrap_or_else(|| {
            panic!(
                "a progress edit: {:#?}",
                fake.requests()
                    .iter()
                    .filter(|r| r.method != "GET")
                    .map(|r| (r.method.clone(), r.path.clone(), r.json["content"].clone()))
                    .collect::<Vec<_>>()
            )
        });
    let summary_edit = fake
        .requests()
        .into_iter()
        .find(|r| r.method == "PATCH" && r.path == progress.path && r.json["embeds"].is_array())
        .expect("the same message became the summary");
    assert!(progress.seq < summary_edit.seq);

    chat.click(thread, "triage.instance_state", "running").await;
    // Answered buttons are disabled, the chosen one kept.
    let answered = fake.message(id_of(&q["id"]).unwrap()).unwrap();
    assert!(
        buttons(&answered).iter().all(|(_, disabled)| *disabled),
        "{answered:#}"
    );
    chat.click(thread, "triage.self_check", "nothing").await;
    chat.click(thread, "triage.restart", "skip").await;
    chat.click(thread, "common.ping", "timeout").await;
    // Nobody gets through: the security group, then (no VNC) the hand-off.
    chat.click(thread, "common.port_test", "failed").await;
    chat.click(thread, "triage.security_group", "already").await;
    // From here Discord is slow to post messages, as under load: the click's
    // first response comes long before the next question, and the step asked
    // next was asked before (`triage.restart:2`, answered). The question to
    // click is the new one; the old message is answered and stays so.
    fake.set_slow(
        "POST",
        &format!("/channels/{thread}/messages"),
        Duration::from_millis(500),
    );
    chat.click(thread, "triage.sg_firewall", "cannot").await;
    chat.click(thread, "triage.restart", "_unknown").await;

    let report = fake
        .wait_for(|r| r.method == "POST" && !r.files.is_empty(), WAIT)
        .await
        .expect("the report is posted");
    let (name, bytes) = &report.files[0];
    assert_eq!(name, "vm-doctor-report.md");
    let md = String::from_utf8_lossy(bytes);
    assert!(
        md.contains("203.0.113.10") && md.contains("port-filtered"),
        "{md}"
    );
    let link = report.json["components"][0]["components"][0]["url"]
        .as_str()
        .unwrap();
    assert!(
        link.starts_with("https://support.example/ticket?ip=203.0.113.10"),
        "{link}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linux_diagnosis_to_success_in_korean() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let prober = GateProber::new(&[PortState::Closed, PortState::Open], true);
    let bot = start_bot(&fake, data.path(), prober, 5).await;
    let chat = Chat {
        fake: fake.clone(),
        locale: "ko",
    };

    // Commands carry Korean names and descriptions.
    let cmds = fake.commands(Some(GUILD));
    let diagnose = cmds
        .iter()
        .find(|c| c["name"] == "diagnose")
        .expect("diagnose registered");
    assert_eq!(diagnose["name_localizations"]["ko"], "진단", "{diagnose:#}");

    let id = chat.diagnose(ALICE, "203.0.113.20", "linux").await;
    let thread = chat.thread_of(id).await;
    // Closed: straight into the server, sshd was stopped.
    chat.click(thread, "linux.vnc", "in").await;
    chat.click(thread, "linux.sshd", "stopped").await;
    chat.click(thread, "linux.sshd_start", "started").await; // re-check: open now
    chat.click(thread, "triage.confirm_login", "works").await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while !all_text(&fake, thread).contains("다시 로그인") && tokio::time::Instant::now() < deadline
    {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let text = all_text(&fake, thread);
    assert!(text.contains("외부에서 확인한 결과"), "{text}");
    assert!(text.contains("VNC"), "{text}");
    assert!(text.contains("다시 로그인"), "success in Korean: {text}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn others_watch_support_answers_and_stale_clicks_are_refused() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Open], true),
        5,
    )
    .await;
    let chat = Chat {
        fake: fake.clone(),
        locale: "en-US",
    };
    let id = chat.diagnose(ALICE, "203.0.113.30", "linux").await;
    let thread = chat.thread_of(id).await;
    let q = chat.question(thread, "linux.client_error").await;

    let cb = chat.click_as(BOB, &[], thread, &q, "publickey").await;
    assert_eq!(cb.callback_type(), Some(4), "{:#}", cb.json);
    assert_eq!(cb.json["data"]["flags"], 64, "ephemeral: {:#}", cb.json);
    let text = cb.json["data"]["content"].as_str().unwrap();
    assert!(text.contains(&format!("<@{ALICE}>")), "{text}");
    assert!(buttons(&fake.message(id_of(&q["id"]).unwrap()).unwrap())
        .iter()
        .all(|(_, d)| !d));

    // A member of the support role may answer for Alice. Discord fails the
    // next message once (a 500): the bot retries, and the question shows once.
    fake.set_fail_next(&format!("/channels/{thread}/messages"), 500);
    let cb = chat
        .click_as(CAROL, &[SUPPORT_ROLE], thread, &q, "publickey")
        .await;
    assert_eq!(cb.callback_type(), Some(7), "{:#}", cb.json);
    chat.question(thread, "linux.key").await;
    let asked = fake
        .channel_messages(thread)
        .iter()
        .filter(|m| buttons(m).iter().any(|(id, _)| id.contains("|linux.key:")))
        .count();
    assert_eq!(asked, 1);
    assert!(fake
        .requests()
        .iter()
        .any(|r| r.method == "POST" && r.path.ends_with(&format!("/channels/{thread}/messages"))));

    // The same old button again: stale, politely.
    let cb = chat.click_as(ALICE, &[], thread, &q, "password").await;
    assert_eq!(cb.callback_type(), Some(4));
    assert!(cb.json["data"]["content"]
        .as_str()
        .unwrap()
        .contains("already been answered"));
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_bot_continues_from_old_buttons() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let (bot, weak) = start_bot_weak(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Open], true),
        5,
    )
    .await;
    let chat = Chat {
        fake: fake.clone(),
        locale: "en-US",
    };
    let id = chat.diagnose(ALICE, "203.0.113.40", "linux").await;
    let thread = chat.thread_of(id).await;
    chat.click(thread, "linux.client_error", "other").await;
    let q = chat.question(thread, "linux.verbose").await;
    bot.stop().await;
    // The old driver (and with it the sled lock) is gone once the client stopped.
    let deadline = tokio::time::Instant::now() + WAIT;
    while weak.strong_count() > 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the stopped bot still holds its driver"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // A new process: new driver, same sled directory, same buttons.
    let bot = start_bot(&fake, data.path(), GateProber::new(&[], true), 5).await;
    let cb = chat.click_as(ALICE, &[], thread, &q, "works").await;
    assert_eq!(cb.callback_type(), Some(7), "{:#}", cb.json);
    chat.wait_text(thread, "you're back in").await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_disconnect_loses_and_duplicates_nothing() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Open], true),
        5,
    )
    .await;
    let chat = Chat {
        fake: fake.clone(),
        locale: "en-US",
    };
    let id = chat.diagnose(ALICE, "203.0.113.50", "linux").await;
    let thread = chat.thread_of(id).await;
    let q = chat.question(thread, "linux.client_error").await;

    let before = fake.resume_count() + fake.identify_count();
    fake.disconnect().await;
    assert!(
        fake.wait_identified(before + 1, WAIT).await,
        "the bot came back"
    );

    chat.click_as(ALICE, &[], thread, &q, "other").await;
    chat.question(thread, "linux.verbose").await;
    // The same interaction delivered twice (a replay) is handled once.
    let n = fake.channel_messages(thread).len();
    let dup_id = fake.new_id();
    let payload = component_click(
        dup_id,
        "tok-dup",
        GUILD,
        thread,
        ALICE,
        "en-US",
        "v1|0|0|x|y",
        q.clone(),
    );
    fake.dispatch("INTERACTION_CREATE", payload.clone()).await;
    fake.dispatch("INTERACTION_CREATE", payload).await;
    chat.callback(dup_id).await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    let callbacks = fake
        .requests()
        .iter()
        .filter(|r| r.is_callback() && r.path.contains(&format!("/interactions/{dup_id}/")))
        .count();
    assert_eq!(callbacks, 1);
    // Nothing new was posted for the replay but its one ephemeral answer.
    assert!(fake.channel_messages(thread).len() <= n + 1);
    let restarts = fake
        .channel_messages(thread)
        .iter()
        .filter(|m| {
            buttons(m)
                .iter()
                .any(|(id, _)| id.contains("|linux.verbose:"))
        })
        .count();
    assert_eq!(restarts, 1, "the next question was posted exactly once");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pasted_output_comes_through_a_paragraph_modal() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Closed, PortState::Open], true),
        5,
    )
    .await;
    let chat = Chat {
        fake: fake.clone(),
        locale: "en-US",
    };
    let id = chat.diagnose(ALICE, "203.0.113.62", "linux").await;
    let thread = chat.thread_of(id).await;
    // Closed: into the server; the question offers "Paste output".
    let q = chat.question(thread, "linux.vnc").await;
    assert!(
        buttons(&q).iter().any(|(id, _)| id.ends_with("|@paste")),
        "{q:#}"
    );
    let cb = chat.click_as(ALICE, &[], thread, &q, "@paste").await;
    assert_eq!(cb.callback_type(), Some(9), "a modal opens: {:#}", cb.json);
    let field = &cb.json["data"]["components"][0]["components"][0];
    assert_eq!(field["style"], json!(2), "a paragraph field: {field:#}");
    assert_eq!(field["max_length"], json!(4000), "{field:#}");
    let custom = cb.json["data"]["custom_id"].as_str().unwrap().to_owned();
    let paste = "$ sudo ss -tlnp\nState  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\nLISTEN 0      128          0.0.0.0:2222      0.0.0.0:*     users:((\"sshd\",pid=812,fd=3))\n";
    let mid = fake.new_id();
    let p = modal_submit(
        mid,
        &format!("tok-{mid}"),
        GUILD,
        thread,
        ALICE,
        "en-US",
        &custom,
        &[("answer", paste)],
    );
    fake.dispatch("INTERACTION_CREATE", p).await;
    chat.callback(mid).await;
    // Read, said back (not echoed), the real port re-checked: healthy now.
    chat.wait_text(thread, "actually uses port 2222").await;
    chat.question(thread, "triage.confirm_login").await;
    let text = all_text(&fake, thread);
    assert!(text.contains("listens on 0.0.0.0:2222"), "{text}");
    assert!(
        !text.contains("pid=812"),
        "the paste is never echoed: {text}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_host_name_in_diagnose_is_resolved_and_shown() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Open], true),
        5,
    )
    .await;
    let chat = Chat {
        fake: fake.clone(),
        locale: "en-US",
    };
    let id = chat.diagnose(ALICE, "web.example.com", "linux").await;
    let thread = chat.thread_of(id).await;
    chat.question(thread, "linux.client_error").await;
    let text = all_text(&fake, thread);
    // Defanged (no link), with its address (parentheses escaped for Discord markdown).
    assert!(
        text.contains(r"web\[.\]example\[.\]com is 203.0.113.25"),
        "{text}"
    );
    assert!(
        text.contains(r"web\[.\]example\[.\]com \(203.0.113.25\)"),
        "{text}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn typed_answers_come_through_a_modal() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Open], true),
        5,
    )
    .await;
    let chat = Chat {
        fake: fake.clone(),
        locale: "en-US",
    };
    let id = chat.diagnose(ALICE, "203.0.113.60", "linux").await;
    let thread = chat.thread_of(id).await;
    // ssh answers here, "Connection refused" there: the user's side.
    chat.click(thread, "linux.client_error", "refused").await;
    let q = chat.question(thread, "common.your_side").await;
    let cb = chat.click_as(ALICE, &[], thread, &q, "@input").await;
    assert_eq!(cb.callback_type(), Some(9), "a modal opens: {:#}", cb.json);
    let custom = cb.json["data"]["custom_id"].as_str().unwrap().to_owned();

    let submit = |value: &str| {
        let mid = fake.new_id();
        (
            mid,
            modal_submit(
                mid,
                &format!("tok-{mid}"),
                GUILD,
                thread,
                ALICE,
                "en-US",
                &custom,
                &[("answer", value)],
            ),
        )
    };
    // Bad input: a localised re-prompt, the conversation goes on.
    let (mid, p) = submit("my laptop");
    fake.dispatch("INTERACTION_CREATE", p).await;
    chat.callback(mid).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while !all_text(&fake, thread).contains("\"my laptop\" isn't an IP address") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}",
            all_text(&fake, thread)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let (mid, p) = submit("198.51.100.7");
    fake.dispatch("INTERACTION_CREATE", p).await;
    chat.callback(mid).await;
    let next = chat.question(thread, "common.source_rule").await;
    assert!(
        next["content"].as_str().unwrap().contains("198.51.100.7"),
        "{next:#}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_are_friendly() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Open], true),
        1,
    )
    .await;
    let chat = Chat {
        fake: fake.clone(),
        locale: "ko",
    };
    let first = chat.diagnose(ALICE, "203.0.113.70", "linux").await;
    assert_eq!(chat.callback(first).await.callback_type(), Some(5));
    // The start is recorded when the diagnosis starts (the adapter only peeks
    // before deferring); wait for it, or a busy machine lets both through the
    // peek and the refusal arrives as a follow-up instead.
    let thread = chat.thread_of(first).await;
    chat.question(thread, "linux.client_error").await;
    let second = chat.diagnose(ALICE, "203.0.113.71", "linux").await;
    let cb = chat.callback(second).await;
    assert_eq!(cb.callback_type(), Some(4));
    assert_eq!(cb.json["data"]["flags"], 64);
    let text = cb.json["data"]["content"].as_str().unwrap();
    assert!(text.contains("초 후에 다시 시도해 주세요"), "{text}");
    bot.stop().await;
}

/// Hostile text, as a user or a server could send it.
const HOSTILE: &str = "@everyone <@123> <@&456> [x](https://e.invalid) `\u{202E}gnp.exe\u{2066}";

/// What reached the fake Discord API: nothing pings, nothing renders as a
/// mention or a link, no bidi control, no code span broken out of.
fn assert_nothing_injected(fake: &FakeDiscord) {
    let mut bodies = 0;
    for r in fake.requests() {
        if r.method == "GET" || r.json.is_null() {
            continue;
        }
        let carries_text = r.json.get("content").is_some()
            || r.json.get("embeds").is_some()
            || r.json["data"].get("content").is_some();
        if carries_text && !r.path.contains("/commands") {
            bodies += 1;
            let am = r
                .json
                .get("allowed_mentions")
                .or_else(|| r.json["data"].get("allowed_mentions"))
                .unwrap_or_else(|| {
                    panic!(
                        "no allowed_mentions on {} {}: {:#}",
                        r.method, r.path, r.json
                    )
                });
            assert_eq!(am["parse"], json!([]), "{:#}", r.json);
        }
        let mut all = Vec::new();
        strings(&r.json, &mut all);
        for s in all {
            assert!(
                !s.contains('\u{202E}') && !s.contains('\u{2066}'),
                "bidi control in {s:?}"
            );
            for needle in ["@everyone", "<@123>", "<@&456>", "[x](https://e.invalid)"] {
                assert!(only_escaped(&s, needle), "{needle} unescaped in {s:?}");
            }
            assert_eq!(code_ticks(&s) % 2, 0, "a code span broken in {s:?}");
        }
    }
    assert!(bodies > 3, "too few messages checked: {bodies}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_input_reaches_discord_only_escaped() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let banner = format!("SSH-2.0-{HOSTILE}");
    let prober = GateProber::new(&[PortState::Open], true).with_banner(&banner);
    let bot = start_bot(&fake, data.path(), prober, 5).await;
    let chat = Chat {
        fake: fake.clone(),
        locale: "en-US",
    };

    // A bad IP: the reply names what was typed (escaped), never "{ $value }".
    let id = chat.diagnose(ALICE, HOSTILE, "linux").await;
    let cb = chat.callback(id).await;
    let text = cb.json["data"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(text.contains("isn't an IP address"), "{text}");
    assert!(text.contains(r"\@everyone \<\@123\>"), "{text}");
    assert!(!text.contains('{') && !text.contains("$value"), "{text}");
    assert_eq!(cb.json["data"]["flags"], json!(64), "ephemeral");

    // A server whose SSH banner tries to break out of its code span.
    let id = chat.diagnose(ALICE, "203.0.113.22", "linux").await;
    let thread = chat.thread_of(id).await;
    chat.question(thread, "linux.client_error").await;
    let summary = fake
        .channel_messages(thread)
        .into_iter()
        .find(|m| m["embeds"][0]["fields"].is_array())
        .expect("summary");
    let ssh = summary["embeds"][0]["fields"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|f| f["value"].as_str())
        .find(|v| v.starts_with("SSH"))
        .expect("the SSH field")
        .to_owned();
    assert_eq!(ssh.matches('`').count(), 2, "{ssh}");
    assert!(ssh.contains("<@123>") && ssh.contains('\u{02CB}'), "{ssh}");

    // A stranger's click is answered with the owner mentioned, but nobody pinged.
    let q = chat.question(thread, "linux.client_error").await;
    let cb = chat.click_as(BOB, &[], thread, &q, "publickey").await;
    assert_eq!(cb.json["data"]["allowed_mentions"]["parse"], json!([]));

    assert_nothing_injected(&fake);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_stops_the_bot_with_a_clear_error() {
    let fake = FakeDiscord::start().await;
    fake.set_fail_next("users/@me", 401);
    let data = tempfile::tempdir().unwrap();
    let store = vmd_runtime::fake::sled_store(&data.path().join("sled")).await;
    let driver = Arc::new(vmd_runtime::fake::test_driver(
        GateProber::new(&[], true),
        store,
    ));
    let err = tokio::time::timeout(WAIT, vmd_discord::start(config(&fake, 5), driver))
        .await
        .expect("start gives up at once")
        .err()
        .expect("a 401 is an error");
    assert!(
        matches!(err, vmd_discord::DiscordError::Unauthorized),
        "{err}"
    );
    assert!(err.to_string().contains("VM_DOCTOR_DISCORD_TOKEN"), "{err}");
    assert_eq!(fake.identify_count(), 0, "never went to the gateway");
}

/// The longest replies a user can cause stay within Discord's limits (the
/// fake refuses anything over with 400/50035): a long listener list pasted
/// in Korean, read and said back, the conversation going on; no message
/// with an open code block.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_longest_replies_stay_within_discords_limits() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Closed, PortState::Open, PortState::Open], true),
        5,
    )
    .await;
    let chat = Chat {
        fake: fake.clone(),
        locale: "ko",
    };
    let id = chat.diagnose(ALICE, "203.0.113.63", "linux").await;
    let thread = chat.thread_of(id).await;
    let q = chat.question(thread, "linux.vnc").await;
    let cb = chat.click_as(ALICE, &[], thread, &q, "@paste").await;
    let custom = cb.json["data"]["custom_id"].as_str().unwrap().to_owned();
    let mut paste = String::from(
        "$ sudo ss -tlnp\nState  Recv-Q Send-Q Local Address:Port Peer Address:Port Process\n",
    );
    for (i, name) in [
        "sshd",
        "nginx",
        "postgres",
        "redis-server",
        "dockerd",
        "containerd",
        "node",
        "java",
        "python3",
        "mysqld",
        "memcached",
        "haproxy",
        "grafana",
        "prometheus",
        "php-fpm",
        "rpcbind",
    ]
    .iter()
    .enumerate()
    {
        for (j, addr) in ["0.0.0.0", "[::]"].iter().enumerate() {
            let port = if *name == "sshd" {
                2222
            } else {
                3000 + i * 10 + j
            };
            paste.push_str(&format!(
                "LISTEN 0      4096     {addr}:{port}      0.0.0.0:*     users:((\"{name}\",pid={},fd=3))\n",
                1000 + i
            ));
        }
    }
    let mid = fake.new_id();
    let p = modal_submit(
        mid,
        &format!("tok-{mid}"),
        GUILD,
        thread,
        ALICE,
        "ko",
        &custom,
        &[("answer", &paste)],
    );
    fake.dispatch("INTERACTION_CREATE", p).await;
    chat.callback(mid).await;
    chat.question(thread, "triage.confirm_login").await;
    assert!(
        fake.invalid_bodies().is_empty(),
        "over Discord's limits: {:?}",
        fake.invalid_bodies()
    );
    for m in fake.channel_messages(thread) {
        let c = m["content"].as_str().unwrap_or("");
        assert_eq!(c.matches("```").count() % 2, 0, "an open code block: {c}");
    }
    let text = all_text(&fake, thread);
    assert!(text.contains("0.0.0.0:2222"), "{text}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_support_role_reads_the_cloud_rule_a_member_reads_the_verdict() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let store = vmd_runtime::fake::sled_store(&data.path().join("sled")).await;
    let driver = Arc::new(vmd_runtime::fake::test_driver_with_cloud(
        GateProber::new(&[PortState::Filtered, PortState::Filtered], true),
        store,
        vmd_testkit::cloud::dropped_by_a_rule(),
    ));
    let bot = support::connect(&fake, config(&fake, 5), driver, WAIT).await;
    let chat = Chat {
        fake: fake.clone(),
        locale: "en-US",
    };
    // Alice, a member: the verdict, never the rule.
    let id = chat.diagnose(ALICE, "203.0.113.31", "linux").await;
    let thread = chat.thread_of(id).await;
    chat.question(thread, "triage.security_group").await;
    let text = all_text(&fake, thread);
    assert!(text.contains("dropped by a rule"), "{text}");
    assert!(
        !text.contains(vmd_testkit::cloud::PRIVATE_GROUP),
        "a rule reached a member: {text}"
    );
    // Carol holds the support role: the same facts name the rule.
    let id = fake.new_id();
    let mut cmd = slash_command(
        id,
        &format!("tok-{id}"),
        GUILD,
        CHANNEL,
        CAROL,
        "en-US",
        "diagnose",
        json!([
            {"name": "ip", "type": 3, "value": "203.0.113.32"},
            {"name": "os", "type": 3, "value": "linux"},
        ]),
    );
    cmd["member"]["roles"] = json!([SUPPORT_ROLE.to_string()]);
    fake.dispatch("INTERACTION_CREATE", cmd).await;
    let thread = chat.thread_of(id).await;
    chat.question(thread, "triage.security_group").await;
    let text = all_text(&fake, thread);
    assert!(text.contains(vmd_testkit::cloud::PRIVATE_GROUP), "{text}");
    bot.stop().await;
}
