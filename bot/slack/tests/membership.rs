//! Where the bot cannot post: a slash command in a channel it is not a member
//! of (or a private one it cannot see) is answered through the command's own
//! `response_url`, with an offer to continue in a direct message; the fake
//! refuses every post there as Slack does (`not_in_channel`,
//! `channel_not_found`).

mod fake;
mod support;

use fake::*;
use std::time::Duration;
use support::{message_text as text_of, response};
use vmd_core::probe::PortState;
use vmd_runtime::fake::GateProber;
use vmd_slack::SlackHandle;

const CHANNEL: &str = "C0NOTIN01";
const ALICE: &str = "U0ALICE01";
const WAIT: Duration = Duration::from_secs(15);

async fn start_bot(fake: &FakeSlack, data: &std::path::Path) -> SlackHandle {
    let driver = vmd_testkit::setup::driver(data, GateProber::new(&[PortState::Open], true)).await;
    support::connect(fake, support::config(fake), driver, WAIT).await
}

fn command(fake: &FakeSlack, channel: &str, name: &str, text: &str) {
    support::command(fake, ALICE, channel, name, text);
}

/// Nothing of the diagnosis was posted in `channel` (Slack refused it all).
fn nothing_in(fake: &FakeSlack, channel: &str) {
    assert!(fake.channel_messages(channel).is_empty());
}

async fn not_a_member_offers_a_dm(hide: bool) {
    let fake = FakeSlack::start().await;
    if hide {
        fake.set_hidden(CHANNEL);
    } else {
        fake.set_absent(CHANNEL);
    }
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path()).await;

    command(&fake, CHANNEL, "/diagnose", "203.0.113.7 linux");
    let told = response(&fake, 1, WAIT).await;
    let text = text_of(&told);
    assert!(text.contains("not a member of this channel"), "{text}");
    assert!(text.contains(&format!("<@{BOT_USER}>")), "{text}");
    let button = told["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .find(|e| e["action_id"] == "vmd-dm")
        .unwrap_or_else(|| panic!("no offer to continue in a DM: {told:#}"));
    assert_eq!(button["value"], "203.0.113.7 linux");
    assert_eq!(
        button["text"]["text"], "Continue in a direct message",
        "{button:#}"
    );
    nothing_in(&fake, CHANNEL);

    // Alice takes the offer: the diagnosis runs in her DM with the bot.
    let label = button["text"]["text"].as_str().unwrap();
    support::take_dm_offer(&fake, ALICE, CHANNEL, &told, label, "203.0.113.7 linux");
    let dm = "D0ALICE01";
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let root = fake.channel_messages(dm).first().cloned();
        if let Some(root) = root {
            let ts = root["ts"].as_str().unwrap();
            let asked = fake
                .thread(dm, ts)
                .iter()
                .any(|m| m.to_string().contains("|linux.client_error"));
            if asked {
                break;
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no diagnosis in the DM: {:#?}",
            fake.all_messages()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    // The offer was taken: the ephemeral message is removed.
    let removed = response(&fake, 2, WAIT).await;
    assert_eq!(removed["delete_original"], true, "{removed:#}");
    nothing_in(&fake, CHANNEL);
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnose_where_the_bot_is_not_a_member_is_answered_and_continues_in_a_dm() {
    not_a_member_offers_a_dm(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn diagnose_in_a_private_channel_the_bot_cannot_see_is_answered_too() {
    not_a_member_offers_a_dm(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lang_and_errors_where_the_bot_is_not_a_member_are_answered() {
    let fake = FakeSlack::start().await;
    fake.set_absent(CHANNEL);
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path()).await;

    command(&fake, CHANNEL, "/lang", "ko");
    let text = text_of(&response(&fake, 1, WAIT).await);
    assert!(text.contains("한국어로 답변해 드릴게요"), "{text}");

    // A wrong word is named as typed (the OS, not the address before it).
    command(&fake, CHANNEL, "/lang", "en");
    response(&fake, 2, WAIT).await;
    command(&fake, CHANNEL, "/diagnose", "203.0.113.7 linx");
    let text = text_of(&response(&fake, 3, WAIT).await);
    assert!(text.contains("\"linx\""), "{text}");
    assert!(!text.contains("203.0.113"), "{text}");
    nothing_in(&fake, CHANNEL);
    bot.stop().await;
}
