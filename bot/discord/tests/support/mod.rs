//! What the Discord adapter's tests and its benchmark do alike, on top of the
//! fake Discord (`tests/fake`) and `vmd-testkit`: the config pointed at the
//! fake, starting the bot until its commands are registered, waiting for an
//! interaction's callback and the thread a diagnosis moved to, and reading
//! the buttons of a message.
//!
//! Use after `mod fake;` as `mod support; use support::*;` (an example:
//! `#[path = "../tests/support/mod.rs"] mod support;`).
#![allow(dead_code)]

use crate::fake::perm::*;
use crate::fake::{id_of, slash_command, FakeDiscord, Recorded};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vmd_discord::limits::Limit;
use vmd_discord::{BotHandle, DiscordConfig};
use vmd_probe::Prober;
use vmd_runtime::kit::ids::ButtonId;
use vmd_runtime::store::Store;
use vmd_runtime::Driver;

/// Every permission the bot uses in a channel.
pub const ALL: u64 = VIEW_CHANNEL
    | SEND_MESSAGES
    | EMBED_LINKS
    | ATTACH_FILES
    | CREATE_PUBLIC_THREADS
    | SEND_MESSAGES_IN_THREADS;

/// `max` in 10 minutes.
pub fn per_10_min(max: u32) -> Limit {
    Limit {
        max,
        per: Duration::from_secs(600),
    }
}

/// The bot's config against `fake`: commands in `guilds` (none: global),
/// threads on, no channel allowlist, no roles; `user` starts per user and
/// `guild` per guild in 10 minutes.
pub fn config(fake: &FakeDiscord, guilds: &[u64], user: u32, guild: u32) -> DiscordConfig {
    DiscordConfig {
        token: "Bot.fake.token".into(),
        api_url: Some(fake.url()),
        guilds: guilds.to_vec(),
        channels: vec![],
        support_role: None,
        probe_role: None,
        threads: true,
        user_limit: per_10_min(user),
        guild_limit: per_10_min(guild),
    }
}

/// Starts the bot with `cfg` and `driver`; returns once it identified (or
/// resumed) on the gateway and registered its commands.
pub async fn connect<P: Prober + 'static, S: Store + 'static>(
    fake: &FakeDiscord,
    cfg: DiscordConfig,
    driver: Arc<Driver<P, S>>,
    wait: Duration,
) -> BotHandle {
    let n = fake.identify_count() + fake.resume_count();
    let bot = vmd_discord::start(cfg, driver).await.unwrap();
    assert!(
        fake.wait_identified(n + 1, wait).await,
        "bot never connected"
    );
    // Commands are registered on READY.
    fake.wait_for(|r| r.method == "PUT" && r.path.ends_with("/commands"), wait)
        .await
        .expect("commands registered");
    bot
}

/// `/name options` by `user` in `place` (guild, channel) in `locale`, as a
/// new interaction (token `tok-{id}`): its id and its payload.
pub fn command(
    fake: &FakeDiscord,
    place: (u64, u64),
    user: u64,
    locale: &str,
    name: &str,
    options: Value,
) -> (u64, Value) {
    let id = fake.new_id();
    (id, interaction(id, place, user, locale, name, options))
}

/// `/diagnose ip os` as an interaction (`id`, token `tok-{id}`).
pub fn diagnose(id: u64, place: (u64, u64), user: u64, locale: &str, ip: &str, os: &str) -> Value {
    interaction(
        id,
        place,
        user,
        locale,
        "diagnose",
        json!([
            {"name": "ip", "type": 3, "value": ip},
            {"name": "os", "type": 3, "value": os},
        ]),
    )
}

/// The slash command interaction `id` (token `tok-{id}`).
fn interaction(
    id: u64,
    place: (u64, u64),
    user: u64,
    locale: &str,
    name: &str,
    options: Value,
) -> Value {
    slash_command(
        id,
        &format!("tok-{id}"),
        place.0,
        place.1,
        user,
        locale,
        name,
        options,
    )
}

/// The callback of interaction `id`.
pub async fn callback(fake: &FakeDiscord, id: u64, wait: Duration) -> Recorded {
    fake.wait_for(
        |r| r.is_callback() && r.path.contains(&format!("/interactions/{id}/")),
        wait,
    )
    .await
    .unwrap_or_else(|| panic!("no callback for interaction {id}"))
}

/// The thread the diagnosis answered with token `token` announced (`<#id>`
/// in its original message), if it did yet.
pub fn announced_thread(fake: &FakeDiscord, token: &str) -> Option<u64> {
    let m = fake.original_message(token)?;
    let content = m["content"].as_str()?;
    let rest = &content[content.find("<#")? + 2..];
    rest[..rest.find('>')?].parse().ok()
}

/// Waits for the thread the diagnosis started by interaction `id` moved to.
pub async fn thread_of(fake: &FakeDiscord, id: u64, wait: Duration) -> u64 {
    let token = format!("tok-{id}");
    vmd_testkit::wait::some(
        wait,
        || "no thread announced".into(),
        || announced_thread(fake, &token),
    )
    .await
}

/// The `custom_id`s of a message's buttons.
pub fn custom_ids(m: &Value) -> Vec<String> {
    m["components"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|row| row["components"].as_array().cloned().unwrap_or_default())
        .filter_map(|b| b["custom_id"].as_str().map(str::to_owned))
        .collect()
}

/// The decoded button ids of a message.
pub fn button_ids(m: &Value) -> Vec<ButtonId> {
    custom_ids(m)
        .iter()
        .filter_map(|id| ButtonId::decode(id))
        .collect()
}

/// Every message the fake holds, by channel, oldest first: one snapshot per
/// poll (the fake clones all its messages for each look, and a look per
/// thread would keep a core busy with a burst's threads).
pub fn by_channel(fake: &FakeDiscord) -> HashMap<u64, Vec<Value>> {
    let mut out: HashMap<u64, Vec<Value>> = HashMap::new();
    for m in fake.messages() {
        if let Some(c) = id_of(&m["channel_id"]) {
            out.entry(c).or_default().push(m);
        }
    }
    out
}

/// The callbacks recorded so far, by interaction id.
pub fn callbacks(fake: &FakeDiscord) -> HashMap<u64, Vec<Recorded>> {
    let mut by_id: HashMap<u64, Vec<Recorded>> = HashMap::new();
    for r in fake.requests().into_iter().filter(Recorded::is_callback) {
        if let Some(id) = r.segments().get(1).and_then(|s| s.parse().ok()) {
            by_id.entry(id).or_default().push(r);
        }
    }
    by_id
}

/// When each callback arrived, by interaction id.
pub fn callback_times(fake: &FakeDiscord) -> HashMap<u64, Vec<Instant>> {
    callbacks(fake)
        .into_iter()
        .map(|(id, rs)| (id, rs.iter().map(|r| r.at).collect()))
        .collect()
}
