//! End-to-end text hygiene (issue 18): hostile values from a user (a bad
//! address, a host name, a paste said back) and from a server (an SSH
//! banner) go through the real adapter to the fake Slack, and what reaches
//! the Web API has no invisible or reordering characters, no line
//! separators, no live link or invite, no mrkdwn of the value's own, and
//! every mrkdwn text object is `verbatim` (Slack links nothing by itself).

mod fake;
mod support;

use fake::*;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use vmd_runtime::fake::GateProber;
use vmd_slack::SlackHandle;
use vmd_testkit::escape::{
    assert_banner_line, banner_prober, closed_prober, fatal_line, only_in_mrkdwn_code, strings,
};

const CHANNEL: &str = "C0SUPPORT1";
const ALICE: &str = "U0ALICE01";
const WAIT: Duration = Duration::from_secs(15);

/// Formatting, links, a line and a paragraph separator, and one character
/// of every invisible class (the SSH banner and the paste carry it).
const HOSTILE: &str = vmd_testkit::hostile!("*b* _i_ ~s~ `c` ");

/// A bad address is said back as its first word: no spaces in these (and a
/// leading marker, or the host-name reading would take the word).
const WORD_MARKS: &str =
    "*b*_i_~s~https://evil.example/x\u{3164}\u{E0041}\u{FE0F}\u{00AD}\u{202E}discord.gg/inv";
const WORD_LINKS: &str = "*www.evil.example/p\u{115F}\u{2060}discord.com/invite/i";

async fn start_bot(fake: &FakeSlack, data: &Path, prober: GateProber) -> SlackHandle {
    let driver = vmd_testkit::setup::driver_with_names(data, prober).await;
    support::connect(fake, support::config(fake), driver, WAIT).await
}

fn diagnose(fake: &FakeSlack, text: &str) {
    support::command(fake, ALICE, CHANNEL, "/diagnose", text);
}

/// Every mrkdwn text object in a JSON value.
fn mrkdwn_objects(v: &Value, out: &mut Vec<Value>) {
    match v {
        Value::Object(o) => {
            if o.get("type").and_then(Value::as_str) == Some("mrkdwn") {
                out.push(v.clone());
            }
            o.values().for_each(|x| mrkdwn_objects(x, out));
        }
        Value::Array(a) => a.iter().for_each(|x| mrkdwn_objects(x, out)),
        _ => {}
    }
}

/// All text in the thread rooted at `root`.
fn thread_text(fake: &FakeSlack, root: &str) -> String {
    let mut out = Vec::new();
    for m in fake.thread(CHANNEL, root) {
        strings(&m["blocks"], &mut out);
    }
    out.join("\n")
}

async fn wait_thread_text(fake: &FakeSlack, needle: &str) -> (String, String) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        for m in fake.channel_messages(CHANNEL) {
            if let Some(ts) = m["ts"].as_str() {
                let t = thread_text(fake, ts);
                if t.contains(needle) {
                    return (ts.to_owned(), t);
                }
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {needle:?} in any thread"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

async fn wait_ephemeral(fake: &FakeSlack, needle: &str) -> String {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(t) = fake
            .calls_of("chat.postEphemeral")
            .into_iter()
            .filter_map(|c| c.params["text"].as_str().map(str::to_owned))
            .find(|t| t.contains(needle))
        {
            return t;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no ephemeral {needle:?}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// What reached the fake Slack: nothing invisible, no separator, no link,
/// no mrkdwn of a value's own, every mrkdwn object verbatim.
fn assert_neutralised(fake: &FakeSlack) {
    let mut all = Vec::new();
    let mut objects = Vec::new();
    for c in fake.calls() {
        strings(&c.params, &mut all);
        mrkdwn_objects(&c.params, &mut objects);
    }
    assert!(objects.len() > 3, "too few text objects: {}", objects.len());
    for o in &objects {
        assert_eq!(o["verbatim"], Value::Bool(true), "{o}");
    }
    vmd_testkit::escape::assert_neutralised(
        &all,
        "Slack",
        &["*b*", "_i_", "~s~", "`c`"],
        only_in_mrkdwn_code,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_user_and_server_text_reaches_slack_neutralised() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path(), banner_prober(HOSTILE)).await;

    // User text said back: bad addresses, their markers inert, links broken.
    diagnose(&fake, &format!("{WORD_MARKS} linux"));
    let t = wait_ephemeral(&fake, "isn't an IP address").await;
    assert!(
        t.contains("∗b∗ˍiˍ∼s∼https[:]//evil[.]example/xdiscord[.]gg/inv"),
        "{t}"
    );
    diagnose(&fake, &format!("{WORD_LINKS} linux"));
    let t = wait_ephemeral(&fake, "www[.]evil").await;
    assert!(
        t.contains("∗www[.]evil[.]example/pdiscord[.]com/invite/i"),
        "{t}"
    );

    // A host name: looked up and said back defanged.
    diagnose(&fake, "web.example.com linux");
    let (_, text) = wait_thread_text(&fake, "web[.]example[.]com is 203.0.113.25").await;

    // Server text: the SSH banner stays in its code span, defanged, one line.
    let deadline = tokio::time::Instant::now() + WAIT;
    let mut text = text;
    while !text.contains("SSH on port") {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no SSH line: {text}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
        text = wait_thread_text(&fake, "web[.]example[.]com").await.1;
    }
    let ssh = assert_banner_line(&text);
    assert!(
        ssh.contains("*b* _i_ ~s~ ˋcˋ https[:]//evil[.]example/x evil[.]example/path"),
        "{ssh}"
    );

    assert_neutralised(&fake);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paste_is_said_back_neutralised() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path(), closed_prober()).await;
    diagnose(&fake, "203.0.113.62 linux");
    let (root, _) = wait_thread_text(&fake, "203.0.113.62").await;
    // Wait for the first question, then paste an sshd log line into the thread.
    let deadline = tokio::time::Instant::now() + WAIT;
    while !fake
        .thread(CHANNEL, &root)
        .iter()
        .any(|m| m["blocks"].to_string().contains("|linux.vnc"))
    {
        assert!(tokio::time::Instant::now() < deadline, "no first question");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let paste = format!(
        "{}Dec 02 03:00:02 vm systemd[1]: ssh.service: Failed.\n",
        fatal_line(HOSTILE)
    );
    support::say(&fake, ALICE, CHANNEL, "channel", Some(&root), &paste);
    let (_, text) = wait_thread_text(&fake, "fatal error:").await;
    let said = text
        .lines()
        .find(|l| l.contains("fatal error:"))
        .unwrap()
        .to_owned();
    assert!(said.contains("∗b∗ ˍiˍ ∼s∼"), "{said}");
    assert!(said.contains("https[:]//evil[.]example"), "{said}");
    assert_neutralised(&fake);
    bot.stop().await;
}

/// The fake's markup lint (every e2e test runs it on every write) catches
/// what real Slack would read as markup the bot did not mean.
#[test]
fn the_fake_lints_unmeant_markup() {
    let links = vec!["https://support.example/".to_owned()];
    for ok in [
        "plain text, `code`, *bold*",
        "<@U0ALICE01> and <#C0SUPPORT1> and <#C0SUPPORT1|support>",
        "&lt;ip&gt; &amp;&amp; ssh",
        "ticket: <https://support.example/ticket?ip=1&amp;os=linux>",
    ] {
        assert!(lint(ok, &links).is_empty(), "{ok}: {:?}", lint(ok, &links));
    }
    for bad in [
        "/diagnose <ip> <windows|linux|auto>",
        "`ssh <user>@203.0.113.7`",
        "systemctl restart sshd && exit",
        "R&D",
        "<!here> <!channel>",
        "<https://evil.example|click>",
        "<mailto:a@b.example>",
        "a > b",
        "a < b",
    ] {
        assert!(!lint(bad, &links).is_empty(), "{bad} passed the lint");
    }
}
