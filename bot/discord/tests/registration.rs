//! Command registration against the fake Discord: global commands say where
//! they may be used (`contexts`: servers and the bot's DMs; `integration_types`:
//! server installs), and switching between global and per-guild
//! registration removes the other scope's set, so no command shows twice.

mod fake;
mod support;

use fake::*;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use vmd_discord::BotHandle;
use vmd_runtime::fake::GateProber;

const GUILD: u64 = 1_400_000_000_000_000_001;
const OLD_GUILD: u64 = 1_400_000_000_000_000_002;
const WAIT: Duration = Duration::from_secs(15);
const NAMES: [&str; 7] = [
    "diagnose", "back", "restart", "status", "ticket", "lang", "help",
];

async fn start_bot(fake: &FakeDiscord, data: &std::path::Path, guilds: Vec<u64>) -> BotHandle {
    let cfg = support::config(fake, &guilds, 5, 60);
    let store = vmd_runtime::fake::sled_store(&data.join("sled")).await;
    let driver = Arc::new(vmd_runtime::fake::test_driver(
        GateProber::new(&[], true),
        store,
    ));
    let n = fake.identify_count();
    let bot = vmd_discord::start(cfg, driver).await.unwrap();
    assert!(
        fake.wait_identified(n + 1, WAIT).await,
        "bot never connected"
    );
    bot
}

async fn wait_until(what: &str, f: impl Fn() -> bool) {
    vmd_testkit::wait::until(WAIT, what, f).await
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

fn expected() -> Vec<String> {
    sorted(NAMES.iter().map(|n| n.to_string()).collect())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn global_registration_sets_contexts_and_removes_the_guild_set() {
    let fake = FakeDiscord::start().await;
    fake.set_ready_guilds(&[GUILD]);
    // A previous deployment registered per guild.
    fake.preset_commands(Some(GUILD), &NAMES);
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path(), vec![]).await;

    wait_until("one set of commands, the global one", || {
        sorted(fake.visible_commands(GUILD)) == expected() && fake.commands(Some(GUILD)).is_empty()
    })
    .await;
    assert_eq!(fake.commands(None).len(), NAMES.len());
    for c in fake.commands(None) {
        assert_eq!(c["contexts"], serde_json::json!([0, 1]), "{c:#}");
        assert_eq!(c["integration_types"], serde_json::json!([0]), "{c:#}");
    }
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn guild_registration_removes_the_global_set_and_old_guilds() {
    let fake = FakeDiscord::start().await;
    fake.set_ready_guilds(&[GUILD, OLD_GUILD]);
    // A previous deployment registered globally, and in a guild no longer configured.
    fake.preset_commands(None, &NAMES);
    fake.preset_commands(Some(OLD_GUILD), &NAMES);
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path(), vec![GUILD]).await;

    wait_until("one set of commands", || {
        sorted(fake.visible_commands(GUILD)) == expected()
            && fake.commands(None).is_empty()
            && fake.commands(Some(OLD_GUILD)).is_empty()
    })
    .await;
    let guild: Vec<Value> = fake.commands(Some(GUILD));
    assert_eq!(guild.len(), NAMES.len());
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_shards_in_one_process_register_the_commands_once() {
    let fake = FakeDiscord::start().await;
    // Each shard's READY lists its own guild; shard 1's still holds an old
    // per-guild set, which it removes once its `ready` has run.
    fake.set_shard_guilds(0, &[GUILD]);
    fake.set_shard_guilds(1, &[OLD_GUILD]);
    fake.preset_commands(Some(OLD_GUILD), &NAMES);
    let data = tempfile::tempdir().unwrap();
    let store = vmd_runtime::fake::sled_store(&data.path().join("sled")).await;
    let driver = Arc::new(vmd_runtime::fake::test_driver(
        GateProber::new(&[], true),
        store,
    ));
    let cfg = support::config(&fake, &[], 5, 60);
    let range = vmd_discord::shards::ShardRange {
        first: 0,
        last: 1,
        total: 2,
    };
    let bot = vmd_discord::start_sharded(cfg, driver, Some(range))
        .await
        .unwrap();
    // serenity boots the second shard 5 s after the first.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !fake.commands(Some(OLD_GUILD)).is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "shard 1's ready never ran (shards identified: {:?})",
            fake.identified_shards()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let mut shards = fake.identified_shards();
    shards.sort();
    shards.dedup();
    assert_eq!(shards, vec![0, 1], "both shards connected");
    let puts = fake
        .requests()
        .iter()
        .filter(|r| {
            r.method == "PUT"
                && r.segments() == ["applications", &FakeDiscord::APP_ID.to_string(), "commands"]
        })
        .count();
    assert_eq!(
        puts, 1,
        "the global set is registered once per process, not per shard"
    );
    bot.stop().await;
}
