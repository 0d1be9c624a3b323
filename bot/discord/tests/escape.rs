//! End-to-end text hygiene (issue 18): hostile values from a user (a bad
//! address, a host name, a paste said back) and from a server (an SSH
//! banner) go through the real adapter to the fake Discord, and what reaches
//! the API has no invisible or reordering characters, no line separators,
//! no live link or invite, and no markup of the value's own.

mod fake;
mod support;

use fake::*;
use serde_json::Value;
use std::path::Path;
use std::time::Duration;
use support::custom_ids as buttons;
use vmd_discord::BotHandle;
use vmd_runtime::fake::GateProber;
use vmd_testkit::escape::{
    assert_banner_line, banner_prober, closed_prober, fatal_line, only_in_markdown_code, strings,
};

const GUILD: u64 = 1_300_000_000_000_000_001;
const CHANNEL: u64 = 1_300_000_000_000_000_002;
const ALICE: u64 = 1_300_000_000_000_000_003;
const WAIT: Duration = Duration::from_secs(15);

/// Links, invites, formatting, a line and a paragraph separator, and one
/// character of every invisible class.
const HOSTILE: &str = vmd_testkit::hostile!("*b* _i_ ~s~ ");

/// Invites and invisible characters in a value short enough to be said back
/// whole (the adapter cuts a bad value at 60 characters).
const INVITES: &str =
    "discord.gg/inv discord.com/invite/inv x\u{2028}y h\u{3164}g c\u{00AD}\u{202E}j";

async fn start_bot(fake: &FakeDiscord, data: &Path, prober: GateProber) -> BotHandle {
    let driver = vmd_testkit::setup::driver_with_names(data, prober).await;
    support::connect(fake, support::config(fake, &[GUILD], 20, 100), driver, WAIT).await
}

async fn diagnose(fake: &FakeDiscord, ip: &str, os: &str) -> u64 {
    let id = fake.new_id();
    let p = support::diagnose(id, (GUILD, CHANNEL), ALICE, "en-US", ip, os);
    fake.dispatch("INTERACTION_CREATE", p).await;
    id
}

async fn callback(fake: &FakeDiscord, id: u64) -> Recorded {
    support::callback(fake, id, WAIT).await
}

async fn thread_of(fake: &FakeDiscord, id: u64) -> u64 {
    support::thread_of(fake, id, WAIT).await
}

async fn question(fake: &FakeDiscord, channel: u64, step: &str) -> Value {
    let (exact, asked) = (format!("|{step}|"), format!("|{step}:"));
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some(m) = fake.channel_messages(channel).into_iter().rev().find(|m| {
            buttons(m)
                .iter()
                .any(|id| id.contains(&exact) || id.contains(&asked))
        }) {
            return m;
        }
        assert!(tokio::time::Instant::now() < deadline, "no question {step}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn all_text(fake: &FakeDiscord, channel: u64) -> String {
    let mut out = Vec::new();
    for m in fake.channel_messages(channel) {
        strings(&m, &mut out);
    }
    out.join("\n")
}

async fn wait_text(fake: &FakeDiscord, channel: u64, needle: &str) {
    vmd_testkit::wait::text(WAIT, needle, || all_text(fake, channel)).await;
}

/// Every string the bot sent to the fake API.
fn sent(fake: &FakeDiscord) -> Vec<String> {
    let mut all = Vec::new();
    for r in fake.requests() {
        if r.method != "GET" {
            strings(&r.json, &mut all);
        }
    }
    all
}

/// Nothing invisible, no separator, no link, no markup of the value's own.
fn assert_neutralised(fake: &FakeDiscord) {
    vmd_testkit::escape::assert_neutralised(
        &sent(fake),
        "Discord",
        &["*b*", "_i_", "~s~"],
        only_in_markdown_code,
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hostile_user_and_server_text_reaches_discord_neutralised() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path(), banner_prober(HOSTILE)).await;

    // User text said back: a bad address (cut at 60 characters).
    let id = diagnose(&fake, HOSTILE, "linux").await;
    let cb = callback(&fake, id).await;
    let reply = cb.json["data"]["content"].as_str().unwrap_or("").to_owned();
    assert!(reply.contains(r"\*b\* \_i\_ \~s\~"), "{reply}");
    assert!(
        reply.contains(r"https\[\:\]//evil\[.\]example/x evil\[.\]example/path"),
        "{reply}"
    );
    let id = diagnose(&fake, INVITES, "linux").await;
    let cb = callback(&fake, id).await;
    let reply = cb.json["data"]["content"].as_str().unwrap_or("").to_owned();
    assert!(
        reply.contains(r"discord\[.\]gg/inv discord\[.\]com/invite/inv x y hg cj"),
        "{reply}"
    );

    // A host name: looked up, said back defanged; the thread is named with it.
    let id = diagnose(&fake, "web.example.com", "linux").await;
    let thread = thread_of(&fake, id).await;
    question(&fake, thread, "linux.client_error").await;
    let text = all_text(&fake, thread);
    assert!(
        text.contains(r"web\[.\]example\[.\]com is 203.0.113.25"),
        "{text}"
    );
    let named = fake
        .requests()
        .into_iter()
        .filter_map(|r| r.json["name"].as_str().map(str::to_owned))
        .find(|n| n.starts_with("vm-doctor"))
        .expect("a thread was created");
    assert_eq!(named, "vm-doctor web[.]example[.]com");

    // Server text: the SSH banner stays in its code span, defanged, one line.
    let ssh = assert_banner_line(&text);
    assert!(
        ssh.contains(
            "*b* _i_ ~s~ https[:]//evil[.]example/x evil[.]example/path www[.]evil[.]example"
        ),
        "{ssh}"
    );

    assert_neutralised(&fake);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_paste_is_said_back_neutralised() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path(), closed_prober()).await;
    let id = diagnose(&fake, "203.0.113.62", "linux").await;
    let thread = thread_of(&fake, id).await;
    let q = question(&fake, thread, "linux.vnc").await;
    let paste_button = buttons(&q)
        .into_iter()
        .find(|b| b.ends_with("|@paste"))
        .expect("a paste button");
    let cid = fake.new_id();
    fake.dispatch(
        "INTERACTION_CREATE",
        component_click(
            cid,
            &format!("tok-{cid}"),
            GUILD,
            thread,
            ALICE,
            "en-US",
            &paste_button,
            q.clone(),
        ),
    )
    .await;
    let modal = callback(&fake, cid).await;
    let custom = modal.json["data"]["custom_id"].as_str().unwrap().to_owned();
    let paste = fatal_line(HOSTILE);
    let mid = fake.new_id();
    fake.dispatch(
        "INTERACTION_CREATE",
        modal_submit(
            mid,
            &format!("tok-{mid}"),
            GUILD,
            thread,
            ALICE,
            "en-US",
            &custom,
            &[("answer", &paste)],
        ),
    )
    .await;
    callback(&fake, mid).await;
    wait_text(&fake, thread, "fatal error:").await;
    let text = all_text(&fake, thread);
    let said = text
        .lines()
        .find(|l| l.contains("fatal error:"))
        .unwrap()
        .to_owned();
    assert!(said.contains(r"\*b\*"), "{said}");
    assert!(said.contains(r"evil\[.\]example"), "{said}");
    assert_neutralised(&fake);
    bot.stop().await;
}
