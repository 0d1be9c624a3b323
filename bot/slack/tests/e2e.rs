//! End-to-end: the real adapter on slack-morphism's Socket Mode client and
//! Web API client, against an in-process fake Slack (HTTP + WebSocket on
//! loopback), with a scripted prober.

mod fake;
mod support;

use fake::fixtures::*;
use fake::*;
use serde_json::Value;
use std::path::Path;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;
use support::actions as buttons;
use vmd_core::probe::PortState;
use vmd_runtime::fake::GateProber;
use vmd_runtime::store::SledStore;
use vmd_runtime::Driver;
use vmd_slack::{SlackConfig, SlackHandle};

const CHANNEL: &str = "C0SUPPORT1";
const ALICE: &str = "U0ALICE01";
const BOB: &str = "U0BOB0001";
const CAROL: &str = "U0CAROL01";
const GROUP: &str = "S0SUPPORT";
const WAIT: Duration = Duration::from_secs(15);

fn config(fake: &FakeSlack, user_limit: u32) -> SlackConfig {
    let mut c = support::config(fake);
    c.support_group = Some(GROUP.into());
    c.user_limit = support::per_10_min(user_limit);
    c
}

async fn driver(data: &Path, prober: GateProber) -> Arc<Driver<GateProber, SledStore>> {
    vmd_testkit::setup::driver(data, prober).await
}

async fn start_bot(
    fake: &FakeSlack,
    data: &Path,
    prober: GateProber,
    user_limit: u32,
) -> SlackHandle {
    let driver = driver(data, prober).await;
    support::connect(fake, config(fake, user_limit), driver, WAIT).await
}

/// Every piece of text in a message's blocks.
fn text_of(m: &Value) -> String {
    support::text_in(
        m,
        support::Parts {
            fields: true,
            elements: true,
        },
    )
}

struct Chat {
    fake: FakeSlack,
}

impl Chat {
    /// `/diagnose <text>` by `user`; returns the envelope id.
    fn diagnose(&self, user: &str, text: &str) -> String {
        support::command(&self.fake, user, CHANNEL, "/diagnose", text)
    }

    /// The thread root the bot posted for `user`'s diagnosis (the newest).
    async fn root_for(&self, user: &str) -> String {
        support::root_for(&self.fake, CHANNEL, user, text_of, WAIT).await
    }

    /// Waits until the question in the thread is step `step`; returns its
    /// message.
    async fn question(&self, thread: &str, step: &str) -> Value {
        self.question_in(CHANNEL, thread, step).await
    }

    /// Waits until the question in `thread` is step `step`
    /// ([`support::question`]); returns its message.
    async fn question_in(&self, channel: &str, thread: &str, step: &str) -> Value {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(m) = support::question(&self.fake, channel, thread, step) {
                return m;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no question {step}: {}",
                self.all_text_in(channel, thread)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// `user` clicks the button for `key` on `msg`; returns the envelope id.
    fn click_as(&self, user: &str, msg: &Value, key: &str) -> String {
        self.click_in(CHANNEL, user, msg, key)
    }

    fn click_in(&self, channel: &str, user: &str, msg: &Value, key: &str) -> String {
        let (action, label) = buttons(msg)
            .into_iter()
            .find(|(id, _)| id.ends_with(&format!("|{key}")))
            .unwrap_or_else(|| panic!("no button {key} on {msg:#}"));
        let id = self.fake.new_id("env-act-");
        let trigger = self.fake.new_id("trig-");
        self.fake.send(&block_action(
            &id, &trigger, user, channel, msg, &action, &label, key,
        ));
        id
    }

    /// Alice answers `step` with `key`; waits until the buttons are replaced.
    async fn click(&self, thread: &str, step: &str, key: &str) {
        let q = self.question(thread, step).await;
        self.click_as(ALICE, &q, key);
        let ts = q["ts"].as_str().unwrap().to_owned();
        let deadline = tokio::time::Instant::now() + WAIT;
        while !buttons(&self.fake.message(CHANNEL, &ts).unwrap()).is_empty() {
            assert!(
                tokio::time::Instant::now() < deadline,
                "buttons of {step} stayed"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    fn all_text(&self, thread: &str) -> String {
        self.all_text_in(CHANNEL, thread)
    }

    fn all_text_in(&self, channel: &str, thread: &str) -> String {
        self.fake
            .thread(channel, thread)
            .iter()
            .map(text_of)
            .collect::<Vec<_>>()
            .join("\n---\n")
    }

    async fn wait_text(&self, thread: &str, needle: &str) {
        vmd_testkit::wait::text(WAIT, needle, || self.all_text(thread)).await;
    }

    /// Ephemeral messages sent to `user`.
    fn ephemerals(&self, user: &str) -> Vec<String> {
        self.fake
            .calls_of("chat.postEphemeral")
            .into_iter()
            .filter(|c| c.params["user"] == user)
            .map(|c| c.params["text"].as_str().unwrap_or("").to_owned())
            .collect()
    }

    async fn wait_ephemeral(&self, user: &str, needle: &str) -> String {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(t) = self
                .ephemerals(user)
                .into_iter()
                .find(|t| t.contains(needle))
            {
                return t;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no ephemeral {needle:?} for {user}: {:?}",
                self.ephemerals(user)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }
}

#[test]
fn fixtures_deserialize_in_slack_morphism() {
    use slack_morphism::prelude::{SlackCommandEvent, SlackInteractionEvent, SlackPushEvent};
    let msg = serde_json::json!({"type": "message", "ts": "1700000000.000100", "text": "q",
        "user": BOT_USER, "bot_id": "B0BOT0001", "thread_ts": "1700000000.000001",
        "blocks": [{"type": "actions", "block_id": "vmd-actions", "elements": [{"type": "button",
        "action_id": "v1|C/1|U|os|linux", "value": "linux", "text": {"type": "plain_text", "text": "Linux"}}]}]});
    let view = serde_json::json!({"id": "V1", "team_id": TEAM, "type": "modal", "hash": "h",
        "callback_id": "vmd-answer", "private_metadata": "{}", "blocks": [],
        "title": {"type": "plain_text", "text": "Your answer"}});
    let envelopes = [
        slash_command("e1", "t1", ALICE, CHANNEL, "/diagnose", "203.0.113.7 linux"),
        block_action(
            "e2",
            "t2",
            ALICE,
            CHANNEL,
            &msg,
            "v1|C/1|U|os|linux",
            "Linux",
            "linux",
        ),
        view_submission("e3", ALICE, &view, "203.0.113.9"),
        app_mention(
            "e4",
            "Ev4",
            ALICE,
            CHANNEL,
            "1700000000.000200",
            None,
            "<@UBOT0VMD> hi",
        ),
        message(
            "e5",
            "Ev5",
            ALICE,
            CHANNEL,
            "channel",
            "1700000000.000300",
            Some("1700000000.000200"),
            "2",
        ),
        redelivered(
            message(
                "e6",
                "Ev6",
                ALICE,
                "D0DM00001",
                "im",
                "1700000000.000400",
                None,
                "hi",
            ),
            1,
        ),
        bot_message(
            "e7",
            "Ev7",
            CHANNEL,
            "1700000000.000500",
            "1700000000.000200",
        ),
    ];
    // The listener reads `payload` with these types (the envelope type itself
    // is private to slack-morphism; every e2e test below goes through it).
    for e in envelopes {
        let p = e["payload"].clone();
        let ok = match e["type"].as_str().unwrap() {
            "slash_commands" => serde_json::from_value::<SlackCommandEvent>(p).map(|_| ()),
            "interactive" => serde_json::from_value::<SlackInteractionEvent>(p).map(|_| ()),
            "events_api" => match serde_json::from_value::<SlackPushEvent>(p) {
                Ok(SlackPushEvent::EventCallback(cb)) => {
                    assert!(
                        !matches!(
                            cb.event,
                            slack_morphism::prelude::SlackEventCallbackBody::Unknown(_)
                        ),
                        "{e:#}"
                    );
                    Ok(())
                }
                Ok(other) => panic!("{other:?}"),
                Err(err) => Err(err),
            },
            t => panic!("{t}"),
        };
        assert!(ok.is_ok(), "{:?}\n{e:#}", ok.err());
        assert!(e["envelope_id"].is_string());
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn windows_diagnosis_to_ticket_with_the_report_in_the_thread() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let prober = GateProber::new(&[PortState::Filtered], false);
    let bot = start_bot(&fake, data.path(), prober.clone(), 5).await;
    let chat = Chat { fake: fake.clone() };

    let env = chat.diagnose(ALICE, "203.0.113.10 windows");
    // Acknowledged while the probe is still held back: the 3 s deadline holds.
    let ack = fake
        .wait_ack(&env, WAIT)
        .await
        .expect("the envelope is acked");
    assert_eq!(prober.finished.load(Ordering::SeqCst), 0);
    assert!(
        ack.get("payload").is_none_or(|p| p.get("text").is_none()),
        "{ack:#}"
    );
    let root = chat.root_for(ALICE).await;
    prober.gate.add_permits(100);

    // Nothing answered at all: the instance and its address come first.
    let q = chat.question(&root, "triage.instance_state").await;
    let summary = fake
        .thread(CHANNEL, &root)
        .into_iter()
        .find(|m| text_of(m).contains("What I see from outside"))
        .expect("the checking message became the summary");
    assert!(
        summary["edited"].is_object(),
        "edited in place: {summary:#}"
    );
    assert!(text_of(&summary).contains(":red_circle:") || text_of(&summary).contains("circle:"));
    // Live progress: the checking message showed the port before the summary.
    let progress = fake
        .calls_of("chat.update")
        .into_iter()
        .find(|c| {
            c.params["text"]
                .as_str()
                .is_some_and(|t| t.contains("Checking"))
                && c.params.to_string().contains("Port 3389: no answer")
        })
        .expect("a progress edit");
    let summary_edit = fake
        .calls_of("chat.update")
        .into_iter()
        .find(|c| {
            c.params["ts"] == progress.params["ts"] && c.params.to_string().contains("What I see")
        })
        .expect("the same message became the summary");
    assert!(progress.seq < summary_edit.seq);

    chat.click(&root, "triage.instance_state", "running").await;
    let answered = fake.message(CHANNEL, q["ts"].as_str().unwrap()).unwrap();
    assert!(
        text_of(&answered).contains("running")
            && text_of(&answered).contains(&format!("<@{ALICE}>")),
        "{answered:#}"
    );
    chat.click(&root, "triage.self_check", "nothing").await;
    chat.click(&root, "triage.restart", "skip").await;
    chat.click(&root, "common.ping", "timeout").await;
    // Nobody gets through: the security group, then (no VNC) the hand-off.
    chat.click(&root, "common.port_test", "failed").await;
    chat.click(&root, "triage.security_group", "already").await;
    chat.click(&root, "triage.sg_firewall", "cannot").await;
    chat.click(&root, "triage.restart", "_unknown").await;

    let done = fake
        .wait_call(WAIT, |c| c.method == "files.completeUploadExternal")
        .await
        .expect("the report is shared");
    assert_eq!(done.params["channel_id"], CHANNEL);
    assert_eq!(done.params["thread_ts"], root.as_str());
    let file = done.params["files"][0]["id"].as_str().unwrap().to_owned();
    let get = fake.calls_of("files.getUploadURLExternal");
    assert_eq!(get[0].params["filename"], "vm-doctor-report.md");
    let md = String::from_utf8(fake.upload(&file).expect("bytes uploaded")).unwrap();
    assert_eq!(get[0].params["length"], md.len().to_string());
    assert!(
        md.contains("203.0.113.10") && md.contains("port-filtered"),
        "{md}"
    );
    let ticket = fake
        .thread(CHANNEL, &root)
        .into_iter()
        .find(|m| {
            m["blocks"]
                .to_string()
                .contains("https://support.example/ticket?ip=203.0.113.10")
        })
        .expect("a ticket link button");
    assert!(
        ticket["blocks"].to_string().contains("\"url\""),
        "{ticket:#}"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linux_diagnosis_to_success_in_korean() {
    let fake = FakeSlack::start().await;
    fake.set_locale(ALICE, "ko-KR");
    let data = tempfile::tempdir().unwrap();
    let prober = GateProber::new(&[PortState::Closed, PortState::Open], true);
    let bot = start_bot(&fake, data.path(), prober, 5).await;
    let chat = Chat { fake: fake.clone() };
    chat.diagnose(ALICE, "203.0.113.20 linux");
    let root = chat.root_for(ALICE).await;
    // Closed: straight into the server, sshd was stopped.
    chat.click(&root, "linux.vnc", "in").await;
    chat.click(&root, "linux.sshd", "stopped").await;
    chat.click(&root, "linux.sshd_start", "started").await; // re-check: open now
    chat.click(&root, "triage.confirm_login", "works").await;
    chat.wait_text(&root, "다시 로그인").await;
    let text = chat.all_text(&root);
    assert!(text.contains("외부에서 확인한 결과"), "{text}");
    assert!(text.contains("VNC"), "{text}");
    let root_msg = fake.message(CHANNEL, &root).unwrap();
    assert!(text_of(&root_msg).contains("서버 진단"), "{root_msg:#}");
    assert!(!fake.calls_of("users.info").is_empty());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_with_free_text_starts_and_thread_replies_continue() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Open, PortState::Open], true),
        5,
    )
    .await;
    let chat = Chat { fake: fake.clone() };

    let ts = fake.new_ts();
    let id = fake.new_id("env-ev-");
    fake.send(&app_mention(
        &id,
        &fake.new_id("Ev"),
        ALICE,
        CHANNEL,
        &ts,
        None,
        &format!("<@{BOT_USER}> my server 203.0.113.7 won't let me rdp"),
    ));
    fake.wait_ack(&id, WAIT).await.expect("acked");
    // The diagnosis lives in a thread under the mention; RDP meant Windows,
    // and remote desktop answers: the client side comes first.
    let q = chat.question(&ts, "windows.errors").await;
    assert!(
        chat.all_text(&ts).contains("203.0.113.7"),
        "{}",
        chat.all_text(&ts)
    );
    assert!(q["thread_ts"] == ts.as_str());

    // The bot's own message coming back as an event, and channel chatter, are ignored.
    let before = fake.calls_of("chat.postMessage").len();
    fake.send(&bot_message(
        &fake.new_id("env-ev-"),
        &fake.new_id("Ev"),
        CHANNEL,
        &fake.new_ts(),
        &ts,
    ));
    support::say(&fake, ALICE, CHANNEL, "channel", None, "lunch?");

    // Free text in the thread answers the question.
    support::say(
        &fake,
        ALICE,
        CHANNEL,
        "channel",
        Some(&ts),
        "wrong password",
    );
    let q2 = chat.question(&ts, "windows.credentials").await;
    // Someone else chatting in the thread neither answers nor starts anything.
    support::say(&fake, BOB, CHANNEL, "channel", Some(&ts), "nothing");
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        chat.question(&ts, "windows.credentials").await["ts"],
        q2["ts"]
    );
    // `!status` works in the thread (Slack keeps `/` for its own commands).
    support::say(&fake, ALICE, CHANNEL, "channel", Some(&ts), "!status");
    chat.wait_text(&ts, "Where we are").await;
    support::say(&fake, ALICE, CHANNEL, "channel", Some(&ts), "!help");
    chat.wait_text(&ts, "mentioning me").await;
    // The shared help, as a Slack user reads it: thread commands with `!`,
    // placeholders as entities (Slack would read `<ip>` as a link), and
    // the Slack note after it adds what the help does not say, once.
    let help = chat.all_text(&ts);
    assert!(
        help.contains("!restart: start over")
            && help.contains("/diagnose &lt;ip&gt; &lt;windows|linux|auto&gt; [port]")
            && !help.contains("/back")
            && !help.contains("/status"),
        "{help}"
    );
    assert_eq!(help.matches("/diagnose &lt;ip&gt;").count(), 1, "{help}");
    assert!(
        !help.contains("`!back`"),
        "the commands listed twice: {help}"
    );
    let posted = fake.calls_of("chat.postMessage").len() - before;
    assert!(posted <= 4, "only the answers to Alice: {posted}");

    // A reply also sent to the channel is an answer like any other.
    let mut broadcast = message(
        &fake.new_id("env-ev-"),
        &fake.new_id("Ev"),
        ALICE,
        CHANNEL,
        "channel",
        &fake.new_ts(),
        Some(&ts),
        "!status",
    );
    broadcast["payload"]["event"]["subtype"] = "thread_broadcast".into();
    fake.send(&broadcast);
    let deadline = tokio::time::Instant::now() + WAIT;
    while chat.all_text(&ts).matches("Where we are").count() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "broadcast reply ignored"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A file with no text: the user is told to paste the text instead.
    let mut file = message(
        &fake.new_id("env-ev-"),
        &fake.new_id("Ev"),
        ALICE,
        CHANNEL,
        "channel",
        &fake.new_ts(),
        Some(&ts),
        "",
    );
    file["payload"]["event"]["subtype"] = "file_share".into();
    file["payload"]["event"]["files"] =
        serde_json::json!([{"id": "F0SHOT01", "name": "screenshot.png", "mimetype": "image/png"}]);
    fake.send(&file);
    chat.wait_text(&ts, "I can't read attachments").await;

    // A direct message starts one too, in a thread under it.
    let dm = "D0ALICE01";
    let dts = fake.new_ts();
    fake.send(&message(
        &fake.new_id("env-ev-"),
        &fake.new_id("Ev"),
        ALICE,
        dm,
        "im",
        &dts,
        None,
        "help, 203.0.113.8 ssh is down",
    ));
    chat.question_in(dm, &dts, "linux.client_error").await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn strangers_and_stale_clicks_get_ephemeral_replies_support_may_answer() {
    let fake = FakeSlack::start().await;
    fake.set_group(&[CAROL]);
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Open], true),
        5,
    )
    .await;
    let chat = Chat { fake: fake.clone() };
    chat.diagnose(ALICE, "203.0.113.30 linux");
    let root = chat.root_for(ALICE).await;
    let q = chat.question(&root, "linux.client_error").await;

    chat.click_as(BOB, &q, "publickey");
    let text = chat.wait_ephemeral(BOB, "can answer this diagnosis").await;
    assert!(text.contains(&format!("<@{ALICE}>")), "{text}");
    let call = fake.calls_of("chat.postEphemeral").pop().unwrap();
    assert_eq!(call.params["thread_ts"], root.as_str());
    assert!(
        !buttons(&fake.message(CHANNEL, q["ts"].as_str().unwrap()).unwrap()).is_empty(),
        "a stranger changes nothing"
    );

    // A member of the support group may answer.
    chat.click_as(CAROL, &q, "publickey");
    chat.question(&root, "linux.key").await;
    // The old question's button is stale now.
    chat.click_as(ALICE, &q, "password");
    chat.wait_ephemeral(ALICE, "already been answered").await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_modal_answer_bad_then_good() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path(), GateProber::new(&[], true), 5).await;
    let chat = Chat { fake: fake.clone() };
    chat.diagnose(ALICE, "");
    let root = chat.root_for(ALICE).await;

    let submit = |value: &str, q: &Value| {
        let fake = fake.clone();
        let chat = Chat { fake: fake.clone() };
        let q = q.clone();
        let value = value.to_owned();
        async move {
            let before = fake.calls_of("views.open").len();
            chat.click_as(ALICE, &q, "@input");
            let open = fake
                .wait_call(WAIT, |c| c.method == "views.open" && c.seq >= before)
                .await
                .expect("a modal opens");
            let deadline = tokio::time::Instant::now() + WAIT;
            while fake.calls_of("views.open").len() <= before {
                assert!(tokio::time::Instant::now() < deadline);
                tokio::time::sleep(Duration::from_millis(10)).await;
            }
            let open = fake.calls_of("views.open").pop().unwrap_or(open);
            assert!(open.params["trigger_id"]
                .as_str()
                .unwrap()
                .starts_with("trig-"));
            let mut view = open.params["view"].clone();
            view["id"] = serde_json::json!(fake.new_id("V"));
            view["team_id"] = serde_json::json!(TEAM);
            let id = fake.new_id("env-view-");
            fake.send(&view_submission(&id, ALICE, &view, &value));
            let ack = fake.wait_ack(&id, WAIT).await.expect("acked");
            assert!(
                ack.get("payload").is_none(),
                "the modal just closes: {ack:#}"
            );
        }
    };
    let q = chat.question(&root, "ip").await;
    submit("my laptop", &q).await;
    chat.wait_text(&root, "I couldn't find an IP address in \"my laptop\"")
        .await;
    // The answered question shows what was typed instead of its buttons.
    let old = fake.message(CHANNEL, q["ts"].as_str().unwrap()).unwrap();
    assert!(
        buttons(&old).is_empty() && text_of(&old).contains("my laptop"),
        "{old:#}"
    );
    let q2 = chat.question(&root, "ip").await;
    assert_ne!(q2["ts"], q["ts"]);
    submit("203.0.113.61", &q2).await;
    let os = chat.question(&root, "os").await;
    assert!(text_of(&os).contains("203.0.113.61"), "{os:#}");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_bot_continues_from_old_buttons() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Open], true),
        5,
    )
    .await;
    let chat = Chat { fake: fake.clone() };
    chat.diagnose(ALICE, "203.0.113.40 linux");
    let root = chat.root_for(ALICE).await;
    let q = chat.question(&root, "linux.client_error").await;
    bot.stop().await;

    let bot = start_bot(&fake, data.path(), GateProber::new(&[], true), 5).await;
    chat.click_as(ALICE, &q, "other");
    chat.question(&root, "linux.verbose").await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reconnects_and_handles_a_redelivered_envelope_once() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Open, PortState::Open], true),
        5,
    )
    .await;
    let chat = Chat { fake: fake.clone() };

    fake.disconnect("refresh_requested");
    assert!(
        fake.wait_connected(2, WAIT).await,
        "reconnected after disconnect"
    );
    fake.drop_connections();
    assert!(
        fake.wait_connected(3, WAIT).await,
        "reconnected after a dropped socket"
    );

    let id = fake.new_id("env-cmd-");
    let env = slash_command(
        &id,
        "trig-once",
        ALICE,
        CHANNEL,
        "/diagnose",
        "203.0.113.50 linux",
    );
    fake.send(&env);
    fake.wait_ack(&id, WAIT).await.expect("acked");
    let root = chat.root_for(ALICE).await;
    chat.question(&root, "linux.client_error").await;
    // Slack didn't see the ack in time and sends it again.
    let id2 = fake.new_id("env-cmd-");
    let mut again = redelivered(env.clone(), 1);
    again["envelope_id"] = serde_json::json!(id2);
    fake.send(&again);
    fake.wait_ack(&id2, WAIT)
        .await
        .expect("the redelivery is acked too");
    tokio::time::sleep(Duration::from_millis(500)).await;
    let roots = fake
        .channel_messages(CHANNEL)
        .into_iter()
        .filter(|m| text_of(m).contains("203.0.113.50"))
        .count();
    assert_eq!(roots, 1, "handled once");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_retried_after_retry_after_and_ok_false_is_survived() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Open], true),
        5,
    )
    .await;
    let chat = Chat { fake: fake.clone() };
    fake.fail_next("chat.postMessage", 429, 1, "");
    fake.fail_next("chat.update", 200, 0, "internal_error");
    chat.diagnose(ALICE, "203.0.113.60 linux");
    let root = chat.root_for(ALICE).await;
    chat.question(&root, "linux.client_error").await;
    let posts = fake.calls_of("chat.postMessage");
    assert!(posts.len() >= 2);
    let waited = posts[1].at.duration_since(posts[0].at);
    assert!(
        waited >= Duration::from_millis(900),
        "Retry-After honoured: {waited:?}"
    );
    assert_eq!(posts[0].params["channel"], posts[1].params["channel"]);
    // The update answered `ok:false, internal_error` was sent again, unchanged.
    let updates = fake.calls_of("chat.update");
    assert!(updates.len() >= 2);
    assert_eq!(updates[0].params, updates[1].params);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rate_limits_and_the_channel_allow_list() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let mut cfg = config(&fake, 1);
    cfg.channels = vec![CHANNEL.into()];
    let bot = vmd_slack::start(
        cfg,
        driver(data.path(), GateProber::new(&[PortState::Open], true)).await,
    )
    .await
    .unwrap();
    assert!(fake.wait_connected(1, WAIT).await);
    let chat = Chat { fake: fake.clone() };
    fake.set_locale(ALICE, "ko-KR");
    chat.diagnose(ALICE, "203.0.113.70 linux");
    chat.root_for(ALICE).await;
    chat.diagnose(ALICE, "203.0.113.71 linux");
    chat.wait_ephemeral(ALICE, "초 후에 다시 시도해 주세요")
        .await;
    let id = fake.new_id("env-cmd-");
    fake.send(&slash_command(
        &id,
        "trig-elsewhere",
        BOB,
        "C0RANDOM1",
        "/diagnose",
        "203.0.113.72 linux",
    ));
    chat.wait_ephemeral(BOB, "support channels").await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_text_reaches_slack_only_escaped() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let prober = GateProber::new(&[PortState::Open], true)
        .with_banner("SSH-2.0-<!everyone> `x` <https://e.invalid|click> \u{202E}");
    let bot = start_bot(&fake, data.path(), prober, 5).await;
    let chat = Chat { fake: fake.clone() };
    // A bad IP typed with mentions and a link in it.
    chat.diagnose(
        ALICE,
        "<!channel><@U0BOB0001><https://e.invalid|x>\u{2066} linux",
    );
    // Slack's link syntax is read as its label; mentions are shown, escaped.
    let t = chat.wait_ephemeral(ALICE, "isn't an IP address").await;
    assert!(t.contains("&lt;!channel&gt;&lt;@U0BOB0001&gt;x"), "{t}");
    chat.diagnose(ALICE, "203.0.113.80 linux");
    let root = chat.root_for(ALICE).await;
    chat.question(&root, "linux.client_error").await;
    let text = chat.all_text(&root);
    assert!(text.contains("&lt;!everyone&gt;"), "{text}");
    for c in fake.calls() {
        let s = c.params.to_string();
        for bad in [
            "<!everyone>",
            "<!channel>",
            "<@U0BOB0001>",
            "<https://e.invalid",
            "\u{202E}",
            "\u{2066}",
        ] {
            assert!(!s.contains(bad), "{bad} reached {}: {s}", c.method);
        }
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_is_a_clear_error() {
    let fake = FakeSlack::start().await;
    fake.set_bad_token();
    let data = tempfile::tempdir().unwrap();
    let err = vmd_slack::start(
        config(&fake, 5),
        driver(data.path(), GateProber::new(&[], true)).await,
    )
    .await
    .err()
    .expect("refused");
    assert!(
        err.to_string().contains("invalid_auth")
            && err.to_string().contains("VM_DOCTOR_SLACK_BOT_TOKEN"),
        "{err}"
    );
    assert_eq!(fake.connections_opened(), 0);

    // A bot token where the app-level token belongs.
    let fake = FakeSlack::start().await;
    let mut cfg = config(&fake, 5);
    cfg.app_token = "xoxb-not-an-app-token".into();
    let err = vmd_slack::start(cfg, driver(data.path(), GateProber::new(&[], true)).await)
        .await
        .err()
        .expect("refused");
    assert!(
        err.to_string().contains("VM_DOCTOR_SLACK_APP_TOKEN")
            && err.to_string().contains("not_allowed_token_type"),
        "{err}"
    );
    assert_eq!(fake.connections_opened(), 0);
}

/// A bare HTTP/1.1 POST on loopback; returns (status, body).
async fn http_post(
    addr: std::net::SocketAddr,
    headers: &[(&str, String)],
    body: &str,
) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
    let mut req = format!("POST /slack/events HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\ncontent-length: {}\r\n", body.len());
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    req.push_str(body);
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let status = out
        .split_whitespace()
        .nth(1)
        .unwrap_or("0")
        .parse()
        .unwrap_or(0);
    let body = out.split("\r\n\r\n").nth(1).unwrap_or("").to_owned();
    (status, body)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_mode_verifies_signatures_and_answers() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let secret = "test-signing-secret";
    let mut cfg = config(&fake, 5);
    cfg.signing_secret = secret.into();
    let handle = vmd_slack::http::serve(
        cfg,
        "127.0.0.1:0".parse().unwrap(),
        driver(data.path(), GateProber::new(&[PortState::Open], true)).await,
    )
    .await
    .unwrap();
    let addr = handle.addr;
    // Slack's certificate check, unsigned: 200 with an empty body, nothing sent.
    let (status, body) = http_post(
        addr,
        &[(
            "content-type",
            "application/x-www-form-urlencoded".to_owned(),
        )],
        "ssl_check=1&token=XXXXXXXXXXXXXXXXXX",
    )
    .await;
    assert_eq!((status, body.as_str()), (200, ""));
    assert!(fake.calls_of("chat.postMessage").is_empty());
    let signed = |body: &str, ctype: &str| {
        let ts = vmd_slack::http::now_secs().to_string();
        vec![
            ("content-type", ctype.to_owned()),
            (
                "x-slack-signature",
                vmd_slack::http::sign(secret, &ts, body.as_bytes()),
            ),
            ("x-slack-request-timestamp", ts),
        ]
    };
    // URL verification.
    let body = r#"{"type":"url_verification","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","token":"x"}"#;
    let (status, text) = http_post(addr, &signed(body, "application/json"), body).await;
    assert_eq!(status, 200);
    assert!(
        text.contains("3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"),
        "{text}"
    );
    // A slash command, form-encoded as Slack posts it.
    let form = format!(
        "token=x&team_id={TEAM}&team_domain=fake&channel_id={CHANNEL}&channel_name=support&user_id={ALICE}&user_name=alice&command=%2Fdiagnose&text=203.0.113.90+linux&api_app_id={APP}&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1&trigger_id=trig-http-1"
    );
    let ctype = "application/x-www-form-urlencoded";
    // Unsigned, wrongly signed, or replayed late: refused before anything happens.
    let (status, _) = http_post(addr, &[("content-type", ctype.to_owned())], &form).await;
    assert_eq!(status, 401);
    let mut bad = signed(&form, ctype);
    bad[1].1 = vmd_slack::http::sign("another-secret", &bad[2].1, form.as_bytes());
    assert_eq!(http_post(addr, &bad, &form).await.0, 401);
    let old = (vmd_slack::http::now_secs() - 600).to_string();
    let late = vec![
        ("content-type", ctype.to_owned()),
        (
            "x-slack-signature",
            vmd_slack::http::sign(secret, &old, form.as_bytes()),
        ),
        ("x-slack-request-timestamp", old),
    ];
    assert_eq!(http_post(addr, &late, &form).await.0, 401);
    assert!(fake.calls_of("chat.postMessage").is_empty());

    let (status, _) = http_post(addr, &signed(&form, ctype), &form).await;
    assert_eq!(status, 200);
    let chat = Chat { fake: fake.clone() };
    let root = chat.root_for(ALICE).await;
    let q = chat.question(&root, "linux.client_error").await;
    // A click, as the interactivity payload.
    let (action, label) = buttons(&q)
        .into_iter()
        .find(|(id, _)| id.ends_with("|other"))
        .unwrap();
    let env = block_action(
        "unused",
        "trig-http-2",
        ALICE,
        CHANNEL,
        &q,
        &action,
        &label,
        "other",
    );
    let payload = env["payload"].to_string();
    let form: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload)
        .finish();
    assert_eq!(http_post(addr, &signed(&form, ctype), &form).await.0, 200);
    chat.question(&root, "linux.verbose").await;
    handle.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lang_and_thread_words_switch_the_language() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Open], true),
        5,
    )
    .await;
    let chat = Chat { fake: fake.clone() };
    // An en-US user asks for Korean.
    let id = fake.new_id("env-cmd-");
    fake.send(&slash_command(
        &id,
        "trig-lang",
        ALICE,
        CHANNEL,
        "/lang",
        "ko",
    ));
    chat.wait_ephemeral(ALICE, "한국어로 답변해 드릴게요").await;
    chat.diagnose(ALICE, "203.0.113.95 linux");
    let root = chat.root_for(ALICE).await;
    chat.question(&root, "linux.client_error").await;
    assert!(
        chat.all_text(&root).contains("외부에서 확인한 결과"),
        "{}",
        chat.all_text(&root)
    );
    // "English" in the thread switches back.
    support::say(&fake, ALICE, CHANNEL, "channel", Some(&root), "English");
    chat.wait_text(&root, "From now on I'll answer in English")
        .await;
    bot.stop().await;
}

/// A conversation the previous process left in the middle of its probe (it
/// was killed): once connected, the adapter runs the probe again and posts
/// the result and the first question in the thread, without being asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_probe_left_by_a_killed_process_is_taken_up_at_start() {
    use vmd_core::command::{Command, Os};
    use vmd_core::engine::Input;
    use vmd_core::session::{Phase, Session, SessionKey};
    use vmd_runtime::store::Store;
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let thread = "1700000000.000100";
    let key = SessionKey::new("slack", &format!("{CHANNEL}/{thread}"), ALICE);
    {
        let d = driver(data.path(), GateProber::new(&[], true)).await;
        let now = vmd_runtime::driver::now_ms();
        let mut s = Session::new(now);
        d.engine().handle(
            &mut s,
            Input::Command(Command::Diagnose {
                ip: Some("203.0.113.41".parse().unwrap()),
                os: Some(Os::Linux),
                port: None,
            }),
            now,
        );
        assert!(matches!(s.phase, Phase::Probing(_)));
        d.store().save(&key, &s).unwrap();
    }
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Closed], true),
        5,
    )
    .await;
    let chat = Chat { fake: fake.clone() };
    // The "checking again" notice is edited into the summary.
    chat.wait_text(thread, "What I see from outside").await;
    chat.question(thread, "linux.vnc").await;
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_mode_refuses_unsigned_requests_before_their_body_and_drops_slow_clients() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let secret = "test-signing-secret";
    let mut cfg = config(&fake, 5);
    cfg.signing_secret = secret.into();
    let handle = vmd_slack::http::serve(
        cfg,
        "127.0.0.1:0".parse().unwrap(),
        driver(data.path(), GateProber::new(&[PortState::Open], true)).await,
    )
    .await
    .unwrap();
    let addr = handle.addr;
    let read_all = |mut s: tokio::net::TcpStream| async move {
        let mut out = Vec::new();
        tokio::time::timeout(WAIT * 3, s.read_to_end(&mut out))
            .await
            .expect("the server answers and closes")
            .ok();
        String::from_utf8_lossy(&out).into_owned()
    };
    // Headers only (a 500 kB body announced, none sent), no signature:
    // answered 401 without waiting for the body. Likewise a stale timestamp
    // and an extreme one.
    for extra in [
        String::new(),
        format!(
            "x-slack-request-timestamp: {}\r\nx-slack-signature: v0={}\r\n",
            vmd_slack::http::now_secs() - 3600,
            "0".repeat(64)
        ),
        format!(
            "x-slack-request-timestamp: {}\r\nx-slack-signature: v0={}\r\n",
            i64::MIN,
            "0".repeat(64)
        ),
    ] {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        let head = format!(
            "POST /slack/events HTTP/1.1\r\nhost: {addr}\r\ncontent-type: application/json\r\ncontent-length: 500000\r\n{extra}\r\n"
        );
        s.write_all(head.as_bytes()).await.unwrap();
        let got = read_all(s).await;
        assert!(got.starts_with("HTTP/1.1 401"), "{got}");
    }
    // Slow clients: half a request head each. They are closed after the
    // header deadline, and a real request is answered meanwhile.
    let mut slow = Vec::new();
    for _ in 0..40 {
        let mut s = tokio::net::TcpStream::connect(addr).await.unwrap();
        s.write_all(b"POST /slack/events HTTP/1.1\r\nhost: x\r\n")
            .await
            .unwrap();
        slow.push(s);
    }
    let body = r#"{"type":"url_verification","challenge":"still-served"}"#;
    let ts = vmd_slack::http::now_secs().to_string();
    let headers = vec![
        ("content-type", "application/json".to_owned()),
        (
            "x-slack-signature",
            vmd_slack::http::sign(secret, &ts, body.as_bytes()),
        ),
        ("x-slack-request-timestamp", ts),
    ];
    let (status, text) = http_post(addr, &headers, body).await;
    assert_eq!(status, 200);
    assert!(text.contains("still-served"), "{text}");
    for s in slow {
        let got = read_all(s).await;
        assert!(!got.contains("still-served"), "{got}");
    }
    handle.stop();
}

/// A mention naming a port starts a diagnosis that probes that port
/// (`kit::freetext::start_from_text` keeps it).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_mention_naming_a_port_probes_that_port() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let _bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Open], true),
        5,
    )
    .await;
    let chat = Chat { fake: fake.clone() };
    let ts = fake.new_ts();
    let id = fake.new_id("env-ev-");
    fake.send(&app_mention(
        &id,
        &fake.new_id("Ev"),
        ALICE,
        CHANNEL,
        &ts,
        None,
        &format!("<@{BOT_USER}> 203.0.113.5 linux port 2222"),
    ));
    fake.wait_ack(&id, WAIT).await.expect("acked");
    chat.question(&ts, "linux.client_error").await;
    chat.wait_text(&ts, "Port 2222: open").await;
}

/// HTTP mode, shutting down: a command is acknowledged "restarting", a click
/// is answered so through its response_url, neither starts anything, and
/// the diagnosis under way finishes and posts its result.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn http_mode_drains_telling_new_commands_clicks_and_mentions_and_finishing_the_turn_under_way(
) {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let secret = "test-signing-secret";
    let mut cfg = config(&fake, 5);
    cfg.signing_secret = secret.into();
    // The probe waits until the test lets it run.
    let prober = GateProber::new(&[PortState::Open], false);
    let driver = driver(data.path(), prober.clone()).await;
    let handle = vmd_slack::http::serve(cfg, "127.0.0.1:0".parse().unwrap(), driver.clone())
        .await
        .unwrap();
    let addr = handle.addr;
    let ctype = "application/x-www-form-urlencoded";
    let signed = |body: &str| {
        let ts = vmd_slack::http::now_secs().to_string();
        vec![
            ("content-type", ctype.to_owned()),
            (
                "x-slack-signature",
                vmd_slack::http::sign(secret, &ts, body.as_bytes()),
            ),
            ("x-slack-request-timestamp", ts),
        ]
    };
    let command = |user: &str, trigger: &str| {
        format!(
            "token=x&team_id={TEAM}&team_domain=fake&channel_id={CHANNEL}&channel_name=support&user_id={user}&user_name=u&command=%2Fdiagnose&text=203.0.113.91+linux&api_app_id={APP}&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1&trigger_id={trigger}"
        )
    };
    let form = command(ALICE, "trig-drain-http-1");
    assert_eq!(http_post(addr, &signed(&form), &form).await.0, 200);
    let chat = Chat { fake: fake.clone() };
    let root = chat.root_for(ALICE).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while driver.turns().in_flight() == 0 {
        assert!(tokio::time::Instant::now() < deadline, "no turn under way");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // SIGTERM.
    driver.turns().begin_drain();
    let roots = fake.channel_messages(CHANNEL).len();
    let form = command(BOB, "trig-drain-http-2");
    let (status, body) = http_post(addr, &signed(&form), &form).await;
    assert_eq!(status, 200);
    let ack: Value = serde_json::from_str(&body).expect("a JSON acknowledgement");
    assert_eq!(ack["response_type"], "ephemeral", "{ack}");
    assert!(
        ack["text"]
            .as_str()
            .unwrap_or("")
            .contains("restarting right now"),
        "{ack}"
    );
    // A click, with a response_url the fake serves.
    let message = fake.message(CHANNEL, &root).expect("the root message");
    let mut env = block_action(
        "unused",
        "trig-drain-http-3",
        BOB,
        CHANNEL,
        &message,
        "v1|x|y|z|0",
        "Yes",
        "yes",
    );
    let hooks = fake.api_url().replace("/api", "/hooks/actions/T1/2");
    env["payload"]["response_url"] = Value::String(hooks);
    let payload = env["payload"].to_string();
    let form: String = url::form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", &payload)
        .finish();
    assert_eq!(http_post(addr, &signed(&form), &form).await.0, 200);
    let deadline = tokio::time::Instant::now() + WAIT;
    while !fake
        .responses()
        .iter()
        .any(|c| c.params.to_string().contains("click again in a minute"))
    {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the click was not answered: {:?}",
            fake.responses()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // A mention (an Events API callback): its sender is told too.
    let event = app_mention(
        "unused",
        &fake.new_id("Ev"),
        BOB,
        CHANNEL,
        &fake.new_ts(),
        None,
        &format!("<@{BOT_USER}> 203.0.113.92"),
    )["payload"]
        .to_string();
    let ts = vmd_slack::http::now_secs().to_string();
    let headers = vec![
        ("content-type", "application/json".to_owned()),
        (
            "x-slack-signature",
            vmd_slack::http::sign(secret, &ts, event.as_bytes()),
        ),
        ("x-slack-request-timestamp", ts),
    ];
    assert_eq!(http_post(addr, &headers, &event).await.0, 200);
    chat.wait_ephemeral(BOB, "send it again in a minute").await;

    // The diagnosis under way finishes; the drain ends; nothing new started.
    let drain = tokio::spawn({
        let driver = driver.clone();
        async move { driver.turns().drain(Duration::from_secs(60)).await }
    });
    prober.gate.add_permits(10);
    assert_eq!(drain.await.unwrap(), 0, "every turn finished");
    chat.wait_text(&root, "What I see from outside").await;
    assert_eq!(fake.channel_messages(CHANNEL).len(), roots);
    handle.stop();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_support_group_reads_the_cloud_rule_a_member_reads_the_verdict() {
    let fake = FakeSlack::start().await;
    fake.set_group(&[CAROL]);
    let data = tempfile::tempdir().unwrap();
    let store = vmd_runtime::fake::sled_store(&data.path().join("sled")).await;
    let driver = Arc::new(vmd_runtime::fake::test_driver_with_cloud(
        GateProber::new(&[PortState::Filtered, PortState::Filtered], true),
        store,
        vmd_testkit::cloud::dropped_by_a_rule(),
    ));
    let bot = support::connect(&fake, config(&fake, 5), driver, WAIT).await;
    let chat = Chat { fake: fake.clone() };
    // Alice, not in the support group: the verdict, never the rule.
    chat.diagnose(ALICE, "203.0.113.31 linux");
    let root = chat.root_for(ALICE).await;
    chat.question(&root, "triage.security_group").await;
    let text = chat.all_text(&root);
    assert!(text.contains("dropped by a rule"), "{text}");
    assert!(
        !text.contains(vmd_testkit::cloud::PRIVATE_GROUP),
        "a rule reached a member: {text}"
    );
    // Carol is in the support group: the same facts name the rule.
    chat.diagnose(CAROL, "203.0.113.32 linux");
    let root = chat.root_for(CAROL).await;
    chat.question(&root, "triage.security_group").await;
    let text = chat.all_text(&root);
    assert!(text.contains(vmd_testkit::cloud::PRIVATE_GROUP), "{text}");
    bot.stop().await;
}

/// Socket Mode, draining: a reply in the sender's own diagnosis thread, a
/// mention and a typed answer (the modal) start nothing, and each sender is
/// told the bot is restarting (ephemeral, where they wrote); a reply in
/// someone else's thread is left alone, as always.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn socket_mode_drains_telling_thread_replies_mentions_and_typed_answers() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let driver = driver(data.path(), GateProber::new(&[], true)).await;
    let n = fake.connections_opened();
    let bot = vmd_slack::start(config(&fake, 5), driver.clone())
        .await
        .unwrap();
    assert!(fake.wait_connected(n + 1, WAIT).await, "never connected");
    let chat = Chat { fake: fake.clone() };
    chat.diagnose(ALICE, "");
    let root = chat.root_for(ALICE).await;
    let q = chat.question(&root, "ip").await;
    // The form for a typed answer opens before the drain.
    let before = fake.calls_of("views.open").len();
    chat.click_as(ALICE, &q, "@input");
    let deadline = tokio::time::Instant::now() + WAIT;
    while fake.calls_of("views.open").len() <= before {
        assert!(tokio::time::Instant::now() < deadline, "no modal opened");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let mut view = fake.calls_of("views.open").pop().unwrap().params["view"].clone();
    view["id"] = serde_json::json!(fake.new_id("V"));
    view["team_id"] = serde_json::json!(TEAM);

    // SIGTERM.
    driver.turns().begin_drain();
    let posts = fake.calls_of("chat.postMessage").len();
    // The owner's reply in the thread.
    let id = fake.new_id("env-ev-");
    fake.send(&message(
        &id,
        &fake.new_id("Ev"),
        ALICE,
        CHANNEL,
        "channel",
        &fake.new_ts(),
        Some(&root),
        "203.0.113.77",
    ));
    fake.wait_ack(&id, WAIT).await.expect("acked");
    let told = chat
        .wait_ephemeral(ALICE, "send it again in a minute")
        .await;
    assert!(told.contains("restarting"), "{told}");
    let reply = fake
        .calls_of("chat.postEphemeral")
        .into_iter()
        .find(|c| c.params["user"] == ALICE)
        .unwrap();
    assert_eq!(
        reply.params["thread_ts"],
        root.as_str(),
        "told in the thread"
    );
    // Someone else's reply in that thread: left alone.
    support::say(&fake, BOB, CHANNEL, "channel", Some(&root), "me too");
    // A new mention in the channel.
    let ts = fake.new_ts();
    fake.send(&app_mention(
        &fake.new_id("env-ev-"),
        &fake.new_id("Ev"),
        BOB,
        CHANNEL,
        &ts,
        None,
        &format!("<@{BOT_USER}> 203.0.113.78 ssh"),
    ));
    chat.wait_ephemeral(BOB, "send it again in a minute").await;
    // The typed answer: not lost, quoted back in one code span.
    let before = chat.ephemerals(ALICE).len();
    let id = fake.new_id("env-view-");
    fake.send(&view_submission(&id, ALICE, &view, "203.0.113.79"));
    fake.wait_ack(&id, WAIT).await.expect("acked");
    let told = chat.wait_ephemeral(ALICE, "didn't take your answer").await;
    assert!(told.contains("(`203.0.113.79`)"), "{told}");
    assert!(told.contains("send it again in a minute"), "{told}");
    // A long and hostile one: capped, escaped, still within Slack's limits.
    let hostile = format!("<@{BOB}> *b* `x` <!here> https://evil.example/ ").repeat(60);
    let id = fake.new_id("env-view-");
    fake.send(&view_submission(&id, ALICE, &view, &hostile));
    fake.wait_ack(&id, WAIT).await.expect("acked");
    let deadline = tokio::time::Instant::now() + WAIT;
    while chat.ephemerals(ALICE).len() < before + 2 {
        assert!(tokio::time::Instant::now() < deadline, "not told twice");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let told = chat.ephemerals(ALICE).pop().unwrap();
    assert!(told.contains("send it again in a minute"), "{told}");
    assert_eq!(told.matches('`').count(), 2, "one code span: {told}");
    assert!(told.contains('…'), "capped: {told}");
    for raw in ["<@", "<!", "https://", "evil.example"] {
        assert!(!told.contains(raw), "{raw} reached Slack: {told}");
    }
    assert!(fake.invalid().is_empty(), "{:?}", fake.invalid());
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(
        chat.ephemerals(BOB).len(),
        1,
        "only the mention was told: {:?}",
        chat.ephemerals(BOB)
    );
    assert_eq!(
        fake.calls_of("chat.postMessage").len(),
        posts,
        "nothing started or answered while draining"
    );
    bot.stop().await;
}
