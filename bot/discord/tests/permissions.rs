//! The bot's permissions in a channel (`app_permissions`), enforced by the
//! fake as Discord does (403 50001/50013 per channel and per bit): a channel
//! the bot cannot post in is said in the first response, a thread it cannot
//! open is replaced by the channel, a summary without Embed Links is text, a
//! hand-off without Attach Files still carries the ticket link, and a write
//! refused later is reported to the user through the interaction's
//! follow-up, once, with nothing retried.

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

const GUILD: u64 = 1_300_000_000_000_000_001;
const CHANNEL: u64 = 1_300_000_000_000_000_002;
const ALICE: u64 = 1_300_000_000_000_000_003;
const WAIT: Duration = Duration::from_secs(15);
async fn start_bot(fake: &FakeDiscord, data: &std::path::Path, prober: GateProber) -> BotHandle {
    let cfg = support::config(fake, &[GUILD], 50, 100);
    let driver = vmd_testkit::setup::driver(data, prober).await;
    support::connect(fake, cfg, driver, WAIT).await
}

async fn command(fake: &FakeDiscord, name: &str, options: Value) -> u64 {
    let (id, payload) = support::command(fake, (GUILD, CHANNEL), ALICE, "en-US", name, options);
    fake.dispatch("INTERACTION_CREATE", payload).await;
    id
}

async fn diagnose(fake: &FakeDiscord) -> u64 {
    command(
        fake,
        "diagnose",
        json!([
            {"name": "ip", "type": 3, "value": "203.0.113.40"},
            {"name": "os", "type": 3, "value": "linux"},
        ]),
    )
    .await
}

async fn callback(fake: &FakeDiscord, id: u64) -> Recorded {
    support::callback(fake, id, WAIT).await
}

/// Messages the bot sent to `channel` with `POST …/messages` (accepted or not).
fn posts(fake: &FakeDiscord, channel: u64) -> Vec<Recorded> {
    let path = format!("/channels/{channel}/messages");
    fake.requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with(&path))
        .collect()
}

async fn wait_until(what: &str, f: impl Fn() -> bool) {
    vmd_testkit::wait::until(WAIT, what, f).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_channel_the_bot_cannot_post_in_is_said_in_the_first_response() {
    let fake = FakeDiscord::start().await;
    fake.set_bot_permissions(CHANNEL, VIEW_CHANNEL | EMBED_LINKS);
    let data = tempfile::tempdir().unwrap();
    let prober = GateProber::new(&[PortState::Open], true);
    let bot = start_bot(&fake, data.path(), prober.clone()).await;

    let id = diagnose(&fake).await;
    let cb = callback(&fake, id).await;
    assert_eq!(cb.callback_type(), Some(4), "{:#}", cb.json);
    assert_eq!(cb.json["data"]["flags"], 64, "ephemeral: {:#}", cb.json);
    let text = cb.json["data"]["content"].as_str().unwrap_or("");
    assert!(text.contains("can't post in this channel"), "{text}");
    for name in [
        "Send Messages",
        "Create Public Threads",
        "Send Messages in Threads",
    ] {
        assert!(text.contains(name), "{name} not named: {text}");
    }
    assert!(!text.contains("View Channel"), "{text}");
    // /status too: said at once, nothing attempted.
    let id = command(&fake, "status", json!([])).await;
    let cb = callback(&fake, id).await;
    assert_eq!(cb.callback_type(), Some(4), "{:#}", cb.json);
    assert_eq!(fake.forbidden_count(), 0, "a write was refused");
    assert_eq!(
        prober.finished.load(std::sync::atomic::Ordering::SeqCst),
        0,
        "no probe for a diagnosis nobody can see"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_thread_permissions_it_runs_in_the_channel_and_without_embeds_as_text() {
    let fake = FakeDiscord::start().await;
    fake.set_bot_permissions(CHANNEL, VIEW_CHANNEL | SEND_MESSAGES | ATTACH_FILES);
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Open], true),
    )
    .await;

    let id = diagnose(&fake).await;
    assert_eq!(callback(&fake, id).await.callback_type(), Some(5));
    // The summary, as text, and the first question, in the channel itself.
    wait_until("a question in the channel", || {
        fake.channel_messages(CHANNEL).iter().any(|m| {
            m["components"][0]["components"][0]["custom_id"]
                .as_str()
                .is_some_and(|c| c.starts_with("v1|"))
        })
    })
    .await;
    let summary = fake
        .channel_messages(CHANNEL)
        .into_iter()
        .find(|m| {
            m["content"]
                .as_str()
                .is_some_and(|t| t.contains("What I see from outside"))
        })
        .unwrap_or_else(|| panic!("no text summary: {:#?}", fake.channel_messages(CHANNEL)));
    assert!(
        summary["embeds"].as_array().is_none_or(|e| e.is_empty()),
        "{summary:#}"
    );
    assert!(
        summary["content"].as_str().unwrap().contains("**Probe**"),
        "{summary:#}"
    );
    assert_eq!(fake.forbidden_count(), 0, "a write was refused");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn without_attach_files_the_hand_off_still_carries_the_ticket_link() {
    let fake = FakeDiscord::start().await;
    fake.set_bot_permissions(CHANNEL, ALL & !ATTACH_FILES & !CREATE_PUBLIC_THREADS);
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(
        &fake,
        data.path(),
        GateProber::new(&[PortState::Open], true),
    )
    .await;

    let id = diagnose(&fake).await;
    callback(&fake, id).await;
    wait_until("the summary", || {
        fake.channel_messages(CHANNEL)
            .iter()
            .any(|m| !m["embeds"].as_array().is_none_or(|e| e.is_empty()))
    })
    .await;
    let id = command(&fake, "ticket", json!([])).await;
    callback(&fake, id).await;
    wait_until("the ticket link", || {
        fake.channel_messages(CHANNEL).iter().any(|m| {
            m["content"]
                .as_str()
                .is_some_and(|t| t.contains("https://support.example/ticket"))
        })
    })
    .await;
    let hand_off = fake
        .channel_messages(CHANNEL)
        .into_iter()
        .find(|m| {
            m["content"]
                .as_str()
                .is_some_and(|t| t.contains("https://support.example/ticket"))
        })
        .unwrap();
    let text = hand_off["content"].as_str().unwrap();
    assert!(text.contains("can't attach the report"), "{text}");
    assert!(
        hand_off["attachments"]
            .as_array()
            .is_none_or(|a| a.is_empty()),
        "{hand_off:#}"
    );
    assert_eq!(fake.forbidden_count(), 0, "a write was refused");
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_refused_later_is_reported_through_the_follow_up_once() {
    let fake = FakeDiscord::start().await;
    fake.set_bot_permissions(CHANNEL, ALL & !CREATE_PUBLIC_THREADS);
    let data = tempfile::tempdir().unwrap();
    let prober = GateProber::new(&[PortState::Open], false);
    let bot = start_bot(&fake, data.path(), prober.clone()).await;

    let id = diagnose(&fake).await;
    callback(&fake, id).await;
    // "Checking…" is posted; then an admin takes Send Messages away.
    wait_until("the checking message", || !posts(&fake, CHANNEL).is_empty()).await;
    fake.set_bot_permissions(CHANNEL, VIEW_CHANNEL);
    prober.gate.add_permits(100);

    let token = format!("tok-{id}");
    let follow_up = fake
        .wait_for(
            |r| {
                r.method == "POST"
                    && r.path
                        .ends_with(&format!("/webhooks/{}/{token}", FakeDiscord::APP_ID))
            },
            WAIT,
        )
        .await
        .expect("the user was told through the interaction's follow-up");
    assert_eq!(follow_up.json["flags"], 64, "{:#}", follow_up.json);
    let text = follow_up.json["content"].as_str().unwrap_or("");
    assert!(text.contains("stopped letting me post"), "{text}");
    // Told once; after the first refusal nothing more is tried in this turn
    // (the summary edit and its fallback post at most).
    let refused = fake.forbidden_count();
    assert!((1..=2).contains(&refused), "{refused} writes refused");
    let told = |f: &FakeDiscord| {
        f.requests()
            .iter()
            .filter(|r| {
                r.method == "POST"
                    && r.path
                        .contains(&format!("/webhooks/{}/", FakeDiscord::APP_ID))
            })
            .count()
    };
    assert_eq!(told(&fake), 1);
    bot.stop().await;
    assert_eq!(
        fake.forbidden_count(),
        refused,
        "writes went on after a 403"
    );
    assert_eq!(told(&fake), 1);
}
