//! Tried as a new user would (issue 19): `/diagnose` in channels where the
//! bot lacks one permission each, in English and in Korean, against the
//! strict fake. Each scenario renders what the user actually sees, in order
//! (content, embed fields, buttons, ephemerals marked as such, channel and
//! thread mentions as Discord shows them) and prints it (`--nocapture`);
//! the assertions are what matters to that user: told what happened and
//! what to do next, in their language, with nothing raw and nothing silent.

mod fake;
mod support;

use fake::perm::*;
use fake::*;
use serde_json::{json, Value};
use std::time::Duration;
use support::ALL;
use vmd_core::probe::PortState;
use vmd_discord::BotHandle;
use vmd_runtime::fake::GateProber;
use vmd_testkit::transcript::{self, print};

const GUILD: u64 = 1_400_000_000_000_000_001;
const CHANNEL: u64 = 1_400_000_000_000_000_002;
const ALICE: u64 = 1_400_000_000_000_000_003;
const WAIT: Duration = Duration::from_secs(20);
async fn start_bot(fake: &FakeDiscord, data: &std::path::Path) -> BotHandle {
    let cfg = support::config(fake, &[GUILD], 50, 100);
    let prober = GateProber::new(&[PortState::Open], true);
    let driver = vmd_testkit::setup::driver(data, prober).await;
    support::connect(fake, cfg, driver, WAIT).await
}

async fn command(fake: &FakeDiscord, locale: &str, name: &str, options: Value) -> u64 {
    let (id, payload) = support::command(fake, (GUILD, CHANNEL), ALICE, locale, name, options);
    fake.dispatch("INTERACTION_CREATE", payload).await;
    id
}

/// Discord's mentions as the client shows them: `<#id>` as the channel's
/// name, `<@id>` as the user's.
fn mentions(fake: &FakeDiscord, text: &str) -> String {
    transcript::tokens(text, |inner| {
        if let Some(id) = inner.strip_prefix('#').and_then(|s| s.parse::<u64>().ok()) {
            Some(match fake.channel(id) {
                Some(c) => format!("#{}", c["name"].as_str().unwrap_or("?")),
                None if id == CHANNEL => "#general".to_owned(),
                None => "#unknown".to_owned(),
            })
        } else {
            inner.trim_start_matches('!').strip_prefix('@').map(|id| {
                if id == ALICE.to_string() {
                    "@alice".to_owned()
                } else {
                    format!("@{id}")
                }
            })
        }
    })
}

/// One message as the user sees it.
fn render(fake: &FakeDiscord, m: &Value) -> String {
    let flags = m["flags"].as_u64().unwrap_or(0);
    let channel = id_of(&m["channel_id"]).unwrap_or(0);
    let place = if channel == CHANNEL {
        "#general".to_owned()
    } else {
        match fake.channel(channel) {
            Some(c) => format!("thread #{}", c["name"].as_str().unwrap_or("?")),
            None => format!("channel {channel}"),
        }
    };
    let mut out = format!(
        "--- {place}{}\n",
        if flags & 64 != 0 {
            " (only you can see this)"
        } else {
            ""
        }
    );
    if flags & 128 != 0 {
        out.push_str("vm-doctor is thinking…\n");
    }
    let content = m["content"].as_str().unwrap_or("");
    if !content.is_empty() {
        out.push_str(&mentions(fake, content));
        out.push('\n');
    }
    for e in m["embeds"].as_array().into_iter().flatten() {
        for k in ["title", "description"] {
            if let Some(t) = e[k].as_str() {
                out.push_str(&format!("| {}\n", mentions(fake, t)));
            }
        }
        for f in e["fields"].as_array().into_iter().flatten() {
            out.push_str(&format!(
                "| {}: {}\n",
                f["name"].as_str().unwrap_or(""),
                mentions(fake, f["value"].as_str().unwrap_or(""))
            ));
        }
        if let Some(t) = e["footer"]["text"].as_str() {
            out.push_str(&format!("| {t}\n"));
        }
    }
    for a in m["attachments"].as_array().into_iter().flatten() {
        out.push_str(&format!(
            "[file: {}]\n",
            a["filename"].as_str().unwrap_or("?")
        ));
    }
    for row in m["components"].as_array().into_iter().flatten() {
        let labels: Vec<String> = row["components"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| match c["type"].as_u64() {
                Some(3) => format!(
                    "[choose: {}]",
                    c["options"]
                        .as_array()
                        .into_iter()
                        .flatten()
                        .map(|o| o["label"].as_str().unwrap_or(""))
                        .collect::<Vec<_>>()
                        .join(" / ")
                ),
                _ => format!("[{}]", c["label"].as_str().unwrap_or("")),
            })
            .collect();
        if !labels.is_empty() {
            out.push_str(&labels.join(" "));
            out.push('\n');
        }
    }
    out
}

/// Everything the user sees, in order.
fn transcript(fake: &FakeDiscord) -> Vec<String> {
    fake.messages().iter().map(|m| render(fake, m)).collect()
}

/// What every message of every transcript must hold for its reader:
/// besides what [`transcript::readable`] checks, no channel the client
/// could not name, nothing left thinking, no raw snowflake.
fn readable(korean: bool, shown: &[String]) {
    transcript::readable(korean, shown, |_| true, &["#unknown"]);
    let all = shown.join("");
    for m in shown {
        assert!(
            !transcript::body(m).contains("vm-doctor is thinking…"),
            "left thinking forever:\n{all}"
        );
    }
    // No raw snowflakes: channels and users appear by name.
    for id in [GUILD, CHANNEL, ALICE] {
        assert!(!all.contains(&id.to_string()), "a raw id shown:\n{all}");
    }
    for w in all.split(|c: char| !c.is_ascii_digit()) {
        assert!(w.len() < 15, "a raw id {w} shown:\n{all}");
    }
}

async fn wait_until(fake: &FakeDiscord, what: &str, f: impl Fn(&[String]) -> bool) {
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let shown = transcript(fake);
        if f(&shown) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "never {what}:\n{}",
            shown.join("")
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Waits until nothing new has been shown for a moment (the turn is over).
async fn settled(fake: &FakeDiscord) -> Vec<String> {
    let mut last = transcript(fake);
    let mut still = 0;
    while still < 10 {
        tokio::time::sleep(Duration::from_millis(50)).await;
        let now = transcript(fake);
        if now == last {
            still += 1;
        } else {
            (last, still) = (now, 0);
        }
    }
    last
}

/// `/diagnose 203.0.113.40 linux` by Alice with the bot holding `bits` in
/// the channel; returns the transcript once the first question (or the
/// refusal) is shown.
async fn trial(locale: &str, bits: u64, asked: bool) -> (Run, Vec<String>) {
    let fake = FakeDiscord::start().await;
    fake.set_bot_permissions(CHANNEL, bits);
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path()).await;
    let id = command(
        &fake,
        locale,
        "diagnose",
        json!([
            {"name": "ip", "type": 3, "value": "203.0.113.40"},
            {"name": "os", "type": 3, "value": "linux"},
        ]),
    )
    .await;
    support::callback(&fake, id, WAIT).await;
    if asked {
        // The first question, with its buttons, wherever it went.
        wait_until(&fake, "asked the first question", |_| {
            fake.messages().iter().any(|m| {
                m["components"][0]["components"][0]["custom_id"]
                    .as_str()
                    .is_some_and(|c| c.starts_with("v1|") && c.contains("linux."))
            })
        })
        .await;
        // The deferred answer is filled in, too.
        wait_until(&fake, "answered the command", |s| {
            !s.iter().any(|m| m.contains("thinking…"))
        })
        .await;
    }
    let shown = settled(&fake).await;
    (
        Run {
            fake,
            bot,
            _data: data,
        },
        shown,
    )
}

struct Run {
    fake: FakeDiscord,
    bot: BotHandle,
    _data: tempfile::TempDir,
}

fn korean(locale: &str) -> bool {
    locale == "ko"
}

async fn no_view_channel(locale: &str) {
    let (Run { fake, bot, _data }, shown) = trial(locale, ALL & !VIEW_CHANNEL, false).await;
    print(&format!("{locale}: no View Channel"), &shown);
    readable(korean(locale), &shown);
    assert_eq!(shown.len(), 1, "one answer, to Alice only");
    let only = &shown[0];
    assert!(only.contains("(only you can see this)"), "{only}");
    let (perm, next) = if korean(locale) {
        ("채널 보기", "관리자")
    } else {
        ("View Channel", "admin")
    };
    assert!(only.contains(perm) && only.contains(next), "{only}");
    assert_eq!(fake.forbidden_count(), 0, "nothing was tried");
    bot.stop().await;
}

async fn no_send_messages(locale: &str) {
    let (Run { fake, bot, _data }, shown) = trial(locale, ALL & !SEND_MESSAGES, true).await;
    print(&format!("{locale}: no Send Messages"), &shown);
    readable(korean(locale), &shown);
    // The diagnosis went on in a thread, and the command says where.
    let first = &shown[0];
    assert!(first.contains("#general"), "{first}");
    assert!(first.contains("#vm-doctor 203.0.113.40"), "{first}");
    assert!(
        shown[1..].iter().all(|m| m.starts_with("--- thread")),
        "everything else in the thread"
    );
    assert_eq!(fake.forbidden_count(), 0, "a write was refused");
    bot.stop().await;
}

async fn no_send_in_threads(locale: &str) {
    let (Run { fake, bot, _data }, shown) =
        trial(locale, ALL & !SEND_MESSAGES_IN_THREADS, true).await;
    print(&format!("{locale}: no Send Messages in Threads"), &shown);
    readable(korean(locale), &shown);
    assert!(
        shown.iter().all(|m| m.starts_with("--- #general")),
        "all in the channel"
    );
    assert_eq!(fake.forbidden_count(), 0, "a write was refused");
    bot.stop().await;
}

async fn no_embed_links(locale: &str) {
    let (Run { fake, bot, _data }, shown) = trial(locale, ALL & !EMBED_LINKS, true).await;
    print(&format!("{locale}: no Embed Links"), &shown);
    readable(korean(locale), &shown);
    let all = shown.join("");
    assert!(!all.contains("| "), "an embed was sent:\n{all}");
    // The summary still reads as one: the probe and what it means.
    let probe = if korean(locale) {
        "**점검"
    } else {
        "**Probe"
    };
    assert!(all.contains(probe), "{all}");
    assert_eq!(fake.forbidden_count(), 0, "a write was refused");
    bot.stop().await;
}

/// Waits for the answer to `/ticket` (interaction `id`) and the ticket
/// link shown.
async fn ticket_answered(fake: &FakeDiscord, id: u64) {
    support::callback(fake, id, WAIT).await;
    wait_until(fake, "the ticket link", |s| {
        s.iter()
            .any(|m| m.contains("https://support.example/ticket"))
    })
    .await;
}

/// Once the turn is over: the transcript (printed under `title`, checked
/// readable) and the hand-off message in it.
async fn hand_off(fake: &FakeDiscord, locale: &str, title: &str) -> (Vec<String>, String) {
    let shown = settled(fake).await;
    print(&format!("{locale}: {title}"), &shown);
    readable(korean(locale), &shown);
    let hand_off = shown
        .iter()
        .find(|m| m.contains("https://support.example/ticket"))
        .unwrap()
        .clone();
    (shown, hand_off)
}

async fn no_attach_files(locale: &str) {
    let bits = ALL & !ATTACH_FILES;
    let (Run { fake, bot, _data }, _) = trial(locale, bits, true).await;
    // Alice asks for the hand-off in the diagnosis's thread.
    let thread = fake
        .messages()
        .iter()
        .filter_map(|m| id_of(&m["channel_id"]))
        .find(|c| *c != CHANNEL)
        .expect("the diagnosis has a thread");
    fake.set_bot_permissions(thread, bits);
    let (id, mut payload) =
        support::command(&fake, (GUILD, thread), ALICE, locale, "ticket", json!([]));
    payload["channel"]["type"] = json!(11);
    payload["channel"]["parent_id"] = json!(CHANNEL.to_string());
    fake.dispatch("INTERACTION_CREATE", payload).await;
    ticket_answered(&fake, id).await;
    wait_until(&fake, "answered /ticket", |s| {
        !s.iter().any(|m| m.contains("thinking…"))
    })
    .await;
    let (_, hand_off) = hand_off(&fake, locale, "no Attach Files, to the hand-off").await;
    let said = if korean(locale) {
        "파일 첨부"
    } else {
        "Attach Files"
    };
    assert!(hand_off.contains(said), "{hand_off}");
    assert!(!hand_off.contains("[file:"), "{hand_off}");
    assert_eq!(fake.forbidden_count(), 0, "a write was refused");
    bot.stop().await;
}

/// `/ticket` typed in the channel after the diagnosis moved to a thread:
/// the hand-off is that diagnosis's, posted in its thread, and the answer
/// in the channel says where.
async fn ticket_in_the_channel(locale: &str) {
    let (Run { fake, bot, _data }, _) = trial(locale, ALL, true).await;
    let id = command(&fake, locale, "ticket", json!([])).await;
    ticket_answered(&fake, id).await;
    let (shown, hand_off) = hand_off(
        &fake,
        locale,
        "/ticket in the channel, the diagnosis in a thread",
    )
    .await;
    assert!(hand_off.starts_with("--- thread"), "{hand_off}");
    assert!(hand_off.contains("ip=203.0.113.40"), "{hand_off}");
    let answer = fake
        .original_message(&format!("tok-{id}"))
        .expect("the command's answer");
    let answer = render(&fake, &answer);
    assert!(
        answer.starts_with("--- #general") && answer.contains("#vm-doctor 203.0.113.40"),
        "{answer}"
    );
    // Nothing asks for an address again: no second conversation.
    let ask = if korean(locale) {
        "공인 IP 주소를 알려"
    } else {
        "public IP address?"
    };
    assert!(!shown.join("").contains(ask), "{}", shown.join(""));
    bot.stop().await;
}

macro_rules! both {
    ($name:ident, $f:ident) => {
        mod $name {
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn english() {
                super::$f("en-US").await;
            }
            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn korean() {
                super::$f("ko").await;
            }
        }
    };
}

both!(without_view_channel, no_view_channel);
both!(without_send_messages, no_send_messages);
both!(without_send_in_threads, no_send_in_threads);
both!(without_embed_links, no_embed_links);
both!(without_attach_files, no_attach_files);
both!(ticket_typed_in_the_channel, ticket_in_the_channel);
