//! Tried as a new user would (issue 19), in English and in Korean (the
//! user's Slack locale), against the strict fake: `/diagnose` in a channel
//! the bot is not in (the answer through the command's `response_url`, the
//! "continue in a DM" button, and the diagnosis going on in the DM),
//! `!help` typed in the diagnosis thread, a reply also sent to the channel
//! answering a question in a sentence, a reply with a file attached, and
//! answers typed as Korean sentences. Each scenario renders what the user
//! sees, in order (messages and their edits, ephemerals, `response_url`
//! answers, forms, files; mrkdwn with Slack's entities and mentions decoded)
//! and prints it (`--nocapture`); the assertions are what matters to that
//! user: told what happened and what to do next, in their language, nothing
//! raw, no markup glitches, nothing silent.

mod fake;
mod support;

use fake::fixtures::*;
use fake::*;
use serde_json::{json, Value};
use std::time::Duration;
use support::actions as buttons;
use vmd_core::probe::PortState;
use vmd_runtime::fake::GateProber;
use vmd_slack::SlackHandle;
use vmd_testkit::transcript::{self, print};

const CHANNEL: &str = "C0SUPPORT1";
const NOT_IN: &str = "C0NOTIN01";
const ALICE: &str = "U0ALICE01";
const DM: &str = "D0ALICE01";
const WAIT: Duration = Duration::from_secs(20);

struct Trial {
    fake: FakeSlack,
    bot: SlackHandle,
    korean: bool,
    _data: tempfile::TempDir,
}

impl Trial {
    async fn start(korean: bool, worlds: &[PortState]) -> Trial {
        let fake = FakeSlack::start().await;
        fake.set_absent(NOT_IN);
        if korean {
            fake.set_locale(ALICE, "ko-KR");
        }
        let data = tempfile::tempdir().unwrap();
        let driver = vmd_testkit::setup::driver(data.path(), GateProber::new(worlds, true)).await;
        let bot = support::connect(&fake, support::config(&fake), driver, WAIT).await;
        Trial {
            fake,
            bot,
            korean,
            _data: data,
        }
    }

    fn pick<'a>(&self, en: &'a str, ko: &'a str) -> &'a str {
        if self.korean {
            ko
        } else {
            en
        }
    }

    fn diagnose(&self, channel: &str, text: &str) {
        support::command(&self.fake, ALICE, channel, "/diagnose", text);
    }

    /// Alice writes `text` in `channel` (in `thread`, if any); `subtype`
    /// and `extra` fields as Slack sends them. Returns the message's ts.
    fn say(
        &self,
        channel: &str,
        thread: Option<&str>,
        text: &str,
        subtype: Option<&str>,
        extra: Value,
    ) -> String {
        let f = &self.fake;
        let ts = f.new_ts();
        let kind = if channel.starts_with('D') {
            "im"
        } else {
            "channel"
        };
        let mut env = message(
            &f.new_id("env-ev-"),
            &f.new_id("Ev"),
            ALICE,
            channel,
            kind,
            &ts,
            thread,
            text,
        );
        if let Some(s) = subtype {
            env["payload"]["event"]["subtype"] = json!(s);
        }
        if let Value::Object(o) = extra {
            for (k, v) in o {
                env["payload"]["event"][k] = v;
            }
        }
        f.send(&env);
        ts
    }

    /// Alice clicks the button whose action id ends with `|key` on `msg`.
    fn click(&self, channel: &str, msg: &Value, key: &str) {
        let (action, label) = buttons(msg)
            .into_iter()
            .find(|(id, _)| id.ends_with(&format!("|{key}")))
            .unwrap_or_else(|| panic!("no button {key} on {msg:#}"));
        let f = &self.fake;
        f.send(&block_action(
            &f.new_id("env-act-"),
            &f.new_id("trig-"),
            ALICE,
            channel,
            msg,
            &action,
            &label,
            key,
        ));
    }

    /// The thread root the bot posted in `channel`.
    async fn root(&self, channel: &str) -> String {
        self.until("a thread root", || {
            self.fake
                .channel_messages(channel)
                .iter()
                .find(|m| m["user"] == BOT_USER)
                .and_then(|m| m["ts"].as_str().map(str::to_owned))
        })
        .await
    }

    /// The newest message of the thread with buttons for step `step`.
    async fn question(&self, channel: &str, thread: &str, step: &str) -> Value {
        self.until(&format!("question {step}"), || {
            support::question(&self.fake, channel, thread, step)
        })
        .await
    }

    async fn until<T>(&self, what: &str, f: impl Fn() -> Option<T>) -> T {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if let Some(v) = f() {
                return v;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "never {what}:\n{}",
                transcript(&self.fake).join("")
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Alice writes as [`Trial::say`] does; returns what the bot then
    /// showed, once its turn is over ([`Trial::answered_since`]).
    async fn reply(
        &self,
        channel: &str,
        thread: Option<&str>,
        text: &str,
        subtype: Option<&str>,
        extra: Value,
    ) -> Vec<String> {
        let mark = self.mark();
        self.say(channel, thread, text, subtype, extra);
        self.answered_since(mark).await
    }

    /// Calls so far (to wait for the answer to what is sent next).
    fn mark(&self) -> usize {
        self.fake.calls().len()
    }

    /// Waits until, after `mark`, the bot has said something the user sees
    /// and then nothing more for a moment (its turn is over).
    async fn answered_since(&self, mark: usize) -> Vec<String> {
        let seen = |fake: &FakeSlack| {
            fake.calls()
                .into_iter()
                .skip(mark)
                .filter(shown_call)
                .count()
        };
        self.until("an answer", || (seen(&self.fake) > 0).then_some(()))
            .await;
        // Quiet: the same count over a few polls.
        let mut last = seen(&self.fake);
        let mut still = 0;
        while still < 10 {
            tokio::time::sleep(Duration::from_millis(50)).await;
            let now = seen(&self.fake);
            if now == last {
                still += 1;
            } else {
                (last, still) = (now, 0);
            }
        }
        transcript_since(&self.fake, mark)
    }

    async fn stop(self) {
        self.bot.stop().await;
    }
}

/// mrkdwn as Slack shows it: mentions by name, links by their label,
/// entities decoded.
fn shown(text: &str) -> String {
    transcript::tokens(text, |inner| match inner {
        u if u == format!("@{ALICE}") => Some("@alice".to_owned()),
        u if u == format!("@{BOT_USER}") => Some("@vm-doctor".to_owned()),
        link if link.starts_with("http") => Some(match link.split_once('|') {
            Some((url, label)) => format!("{label} ({url})"),
            None => link.to_owned(),
        }),
        _ => None,
    })
    .replace("&lt;", "<")
    .replace("&gt;", ">")
    .replace("&amp;", "&")
}

/// A message's blocks as the user sees them (the text when it has none).
fn body(m: &Value) -> String {
    let mut out = String::new();
    let blocks = m["blocks"].as_array().cloned().unwrap_or_default();
    if blocks.is_empty() {
        if let Some(t) = m["text"].as_str() {
            out.push_str(&shown(t));
            out.push('\n');
        }
    }
    for b in &blocks {
        if let Some(t) = b["text"]["text"].as_str() {
            out.push_str(&shown(t));
            out.push('\n');
        }
        for f in b["fields"].as_array().into_iter().flatten() {
            out.push_str(&format!("| {}\n", shown(f["text"].as_str().unwrap_or(""))));
        }
        let mut labels = Vec::new();
        for e in b["elements"].as_array().into_iter().flatten() {
            match (b["type"].as_str(), e["type"].as_str()) {
                (Some("actions"), _) => {
                    labels.push(format!("[{}]", e["text"]["text"].as_str().unwrap_or("")))
                }
                (_, Some("mrkdwn" | "plain_text")) => {
                    out.push_str(&shown(e["text"].as_str().unwrap_or("")));
                    out.push('\n');
                }
                _ => {}
            }
        }
        if !labels.is_empty() {
            out.push_str(&labels.join(" "));
            out.push('\n');
        }
        if b["type"] == "input" {
            out.push_str(&format!(
                "{}: [____]\n",
                b["label"]["text"].as_str().unwrap_or("")
            ));
        }
    }
    out
}

/// Whether a call shows something to the user.
fn shown_call(c: &Call) -> bool {
    let ok_channel = |c: &Call| c.params["channel"] != NOT_IN;
    match c.method.as_str() {
        "chat.postMessage" | "chat.update" | "files.completeUploadExternal" => ok_channel(c),
        "chat.postEphemeral" | "response_url" | "views.open" => true,
        _ => false,
    }
}

fn place(c: &Call) -> String {
    let ch = c.params["channel"]
        .as_str()
        .or(c.params["channel_id"].as_str())
        .unwrap_or("");
    let name = match ch {
        CHANNEL => "#support",
        NOT_IN => "#general",
        DM => "DM",
        _ => ch,
    };
    if c.params["thread_ts"].is_string() {
        format!("{name}, thread")
    } else {
        name.to_owned()
    }
}

/// One call as what the user sees.
fn render(c: &Call) -> String {
    match c.method.as_str() {
        "chat.postMessage" => format!("--- {}\n{}", place(c), body(&c.params)),
        "chat.update" => format!(
            "--- {} (an earlier message now reads)\n{}",
            place(c),
            body(&c.params)
        ),
        "chat.postEphemeral" => format!(
            "--- {} (only you can see this)\n{}",
            place(c),
            body(&c.params)
        ),
        "response_url" => {
            let b = &c.params["body"];
            if b["delete_original"] == true {
                "--- (the message above goes away)\n(gone)\n".to_owned()
            } else {
                format!(
                    "--- where you typed it (only you can see this)\n{}",
                    body(b)
                )
            }
        }
        "views.open" => {
            let v = &c.params["view"];
            format!(
                "--- a form opens: {}\n{}[{}] [{}]\n",
                v["title"]["text"].as_str().unwrap_or(""),
                body(v),
                v["submit"]["text"].as_str().unwrap_or(""),
                v["close"]["text"].as_str().unwrap_or("")
            )
        }
        "files.completeUploadExternal" => format!(
            "--- {}\n[file: {}]\n",
            place(c),
            c.params["files"][0]["title"].as_str().unwrap_or("?")
        ),
        _ => String::new(),
    }
}

fn transcript_since(fake: &FakeSlack, mark: usize) -> Vec<String> {
    fake.calls()
        .iter()
        .skip(mark)
        .filter(|c| shown_call(c))
        .map(render)
        .collect()
}

fn transcript(fake: &FakeSlack) -> Vec<String> {
    transcript_since(fake, 0)
}

/// What every transcript must hold for its reader: besides what
/// [`transcript::readable`] checks, no entity left encoded, no Markdown
/// bold, no raw mention or id; a deleted message and a file need no Korean.
fn readable(korean: bool, shown: &[String]) {
    transcript::readable(
        korean,
        shown,
        |body| body != "(gone)" && !body.starts_with("[file:"),
        &[
            "&lt;", "&gt;", "&amp;", "**", ALICE, BOT_USER, "<@", "<#", "<!",
        ],
    );
}

/// `/diagnose` where the bot is not a member: the answer through the
/// command's response_url, the DM offer taken, and the diagnosis going on
/// in the DM, where a reply typed in the DM itself (not in the thread)
/// answers it as a reply in the thread would.
async fn not_in_channel(korean: bool) {
    let t = Trial::start(korean, &[PortState::Open]).await;
    t.diagnose(NOT_IN, "203.0.113.7 linux");
    t.until("the offer", || t.fake.responses().first().cloned())
        .await;
    let offer = t.fake.responses()[0].params["body"].clone();
    let label = buttons(&offer)
        .into_iter()
        .find(|(id, _)| id == "vmd-dm")
        .expect("the DM button")
        .1;
    support::take_dm_offer(&t.fake, ALICE, NOT_IN, &offer, &label, "203.0.113.7 linux");
    let root = t.root(DM).await;
    t.question(DM, &root, "linux.client_error").await;
    // A new user answers in the DM itself, not in the thread.
    let after = t
        .reply(
            DM,
            None,
            t.pick(
                "it says Permission denied, please try again",
                "Permission denied, please try again 이라고 나와요",
            ),
            None,
            json!({}),
        )
        .await;
    let shown = transcript(&t.fake);
    print(
        &format!("{}: /diagnose where the bot is not a member", lang(korean)),
        &shown,
    );
    readable(korean, &shown);
    let first = &shown[0];
    assert!(first.contains("(only you can see this)"), "{first}");
    assert!(
        first.contains("@vm-doctor") && first.contains("/invite"),
        "{first}"
    );
    // The offer, once taken, gives way to where the diagnosis went.
    let gone = shown.iter().position(|m| m.contains("(gone)")).unwrap();
    let moved = &shown[gone + 1];
    assert!(
        moved.contains("(only you can see this)")
            && moved.contains(t.pick("in our direct message", "DM에서 진단을 시작했어요")),
        "{moved}"
    );
    // The reply in the DM went on with the diagnosis: the next question,
    // in the diagnosis's thread, and no second diagnosis.
    let all = after.join("");
    assert!(
        t.fake
            .thread(DM, &root)
            .iter()
            .any(|m| m.to_string().contains("|linux.credentials")),
        "the DM reply did not answer the question:\n{all}"
    );
    assert_eq!(t.fake.channel_messages(DM).len(), 1, "a second diagnosis");
    t.stop().await;
}

/// `!help` in the diagnosis thread.
async fn help_in_thread(korean: bool) {
    let t = Trial::start(korean, &[PortState::Open]).await;
    t.diagnose(CHANNEL, "203.0.113.7 linux");
    let root = t.root(CHANNEL).await;
    t.question(CHANNEL, &root, "linux.client_error").await;
    let help = t
        .reply(CHANNEL, Some(&root), "!help", None, json!({}))
        .await;
    print(&format!("{}: !help in the thread", lang(korean)), &help);
    readable(korean, &help);
    let all = help.join("");
    // Thread commands as Slack users type them; the form to start one.
    assert!(all.contains("!back") && all.contains("!restart"), "{all}");
    assert!(
        !all.contains(" /back") && !all.contains(" /status"),
        "{all}"
    );
    assert!(all.contains("/diagnose") && all.contains("<ip>"), "{all}");
    t.stop().await;
}

/// A reply "also sent to the channel" answering the sshd question in a
/// sentence, and the same in Korean.
async fn broadcast_sentence(korean: bool) {
    let t = Trial::start(korean, &[PortState::Closed]).await;
    t.diagnose(CHANNEL, "203.0.113.7 linux");
    let root = t.root(CHANNEL).await;
    let q = t.question(CHANNEL, &root, "linux.vnc").await;
    // The console: answered in words.
    t.reply(
        CHANNEL,
        Some(&root),
        t.pick("yes, I'm in through VNC", "네, VNC로 접속했어요"),
        None,
        json!({}),
    )
    .await;
    let _ = q;
    t.question(CHANNEL, &root, "linux.sshd").await;
    let after = t
        .reply(
            CHANNEL,
            Some(&root),
            t.pick(
                "yes I checked, it says active (running)",
                "네 확인해 봤는데 active (running)이라고 나와요",
            ),
            Some("thread_broadcast"),
            json!({"root": {"ts": root, "user": BOT_USER}}),
        )
        .await;
    let shown = transcript(&t.fake);
    print(
        &format!(
            "{}: answers in sentences, one also sent to the channel",
            lang(korean)
        ),
        &shown,
    );
    readable(korean, &shown);
    t.question(CHANNEL, &root, "linux.sshd_listen").await;
    let all = after.join("");
    assert!(
        !all.contains(t.pick("didn't catch", "잘 이해하지")),
        "{all}"
    );
    t.stop().await;
}

/// A reply with a file attached: text with it, and a file alone.
async fn file_attached(korean: bool) {
    let t = Trial::start(korean, &[PortState::Closed]).await;
    t.diagnose(CHANNEL, "203.0.113.7 linux");
    let root = t.root(CHANNEL).await;
    let q = t.question(CHANNEL, &root, "linux.vnc").await;
    t.click(CHANNEL, &q, "in");
    t.question(CHANNEL, &root, "linux.sshd").await;
    let file = json!({"files": [{
        "id": "F0OUT0001", "name": "sshd-status.txt", "title": "sshd-status.txt",
        "mimetype": "text/plain", "filetype": "text", "pretty_type": "Plain Text",
        "mode": "snippet", "size": 812
    }], "upload": false});
    let with_text = t
        .reply(
            CHANNEL,
            Some(&root),
            t.pick(
                "here is what systemctl status sshd shows",
                "systemctl status sshd 결과 첨부해요",
            ),
            Some("file_share"),
            file.clone(),
        )
        .await;
    let alone = t
        .reply(CHANNEL, Some(&root), "", Some("file_share"), file)
        .await;
    let mut shown = with_text.clone();
    shown.extend(alone.clone());
    print(
        &format!("{}: a reply with a file attached", lang(korean)),
        &shown,
    );
    readable(korean, &shown);
    // Both times the user learns the file was not read and what to do.
    let unread = t.pick("attach", "첨부");
    for (what, said) in [("with text", &with_text), ("alone", &alone)] {
        let all = said.join("");
        // Said first, before whatever the text with it is answered.
        assert!(
            said[0].contains(unread),
            "{what}: the file was not mentioned first:\n{all}"
        );
    }
    t.stop().await;
}

fn lang(korean: bool) -> &'static str {
    if korean {
        "ko"
    } else {
        "en"
    }
}

macro_rules! both {
    ($name:ident, $f:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn english() {
                super::$f(false).await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn korean() {
                super::$f(true).await;
            }
        }
    };
}

both!(diagnose_where_the_bot_is_not_a_member, not_in_channel);
both!(help_typed_in_the_thread, help_in_thread);
both!(a_sentence_also_sent_to_the_channel, broadcast_sentence);
both!(a_reply_with_a_file_attached, file_attached);
