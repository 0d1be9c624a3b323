//! The fake Discord sends events where Discord does: a guild's interactions to
//! the connection holding shard `(guild_id >> 22) % shards`, DMs to shard 0;
//! an event for a shard nobody holds is lost; one can be sent to a chosen
//! shard (the same interaction seen by a second replica). Three serenity
//! clients, one shard of three each.

mod fake;
mod support;

use std::collections::HashMap;
use std::time::{Duration, Instant};

use fake::*;
use serde_json::json;
use serenity::all::{Context, EventHandler, GatewayIntents, Interaction};
use tokio::sync::mpsc;
use vmd_discord::shards::ShardRange;

const SHARDS: u32 = 3;
const CHANNEL: u64 = 900_000_000_000_000_002;
const USER: u64 = 900_000_000_000_000_003;
const WAIT: Duration = Duration::from_secs(60);

/// A guild whose events Discord sends to `shard` of [`SHARDS`].
fn guild_on(shard: u32) -> u64 {
    ((999_999 + u64::from(shard)) << 22) | 5
}

struct Handler {
    tx: mpsc::UnboundedSender<(u32, u64)>,
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let _ = self.tx.send((ctx.shard_id.0, interaction.id().get()));
    }
}

/// (shard, interaction id) of the next `n` interactions the clients received.
async fn received(rx: &mut mpsc::UnboundedReceiver<(u32, u64)>, n: usize) -> Vec<(u32, u64)> {
    let mut got = Vec::new();
    while got.len() < n {
        match tokio::time::timeout(WAIT, rx.recv()).await {
            Ok(Some(x)) => got.push(x),
            other => panic!(
                "{} of {n} interactions came: {got:?} ({other:?})",
                got.len()
            ),
        }
    }
    got
}

fn command(fake: &FakeDiscord, guild: u64) -> (u64, serde_json::Value) {
    support::command(fake, (guild, CHANNEL), USER, "en-US", "status", json!([]))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_go_to_the_shard_of_their_guild() {
    let fake = FakeDiscord::start().await;
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut managers = Vec::new();
    let mut runners = Vec::new();
    for shard in 0..SHARDS {
        let http = serenity::http::HttpBuilder::new("Bot.fake.token")
            .proxy(fake.url())
            .ratelimiter_disabled(true)
            .build();
        let mut client = serenity::all::ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
            .event_handler(Handler { tx: tx.clone() })
            .await
            .expect("client builds");
        managers.push(client.shard_manager.clone());
        runners.push(tokio::spawn(async move {
            let _ = client.start_shard(shard, SHARDS).await;
        }));
    }
    let deadline = Instant::now() + WAIT;
    while fake.live_shards() != [0, 1, 2] {
        assert!(
            Instant::now() < deadline,
            "the shards never all connected: {:?}",
            fake.live_shards()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // Discord's formula, as the bot computes it.
    for shard in 0..SHARDS {
        assert_eq!(ShardRange::shard_of(guild_on(shard), SHARDS), shard);
        assert_eq!(fake.shard_of(Some(guild_on(shard))), u64::from(shard));
    }
    assert_eq!(fake.shard_of(None), 0);

    // Each guild's interaction on its shard; a DM on shard 0.
    let mut want: HashMap<u64, u32> = HashMap::new();
    for shard in 0..SHARDS {
        let (id, v) = command(&fake, guild_on(shard));
        fake.dispatch("INTERACTION_CREATE", v).await;
        want.insert(id, shard);
    }
    let (dm, v) = command(&fake, guild_on(2));
    assert!(fake.try_dispatch("INTERACTION_CREATE", in_dm(v)));
    want.insert(dm, 0);
    // The same interaction again, on another shard than its guild's.
    let (again, v) = command(&fake, guild_on(0));
    assert!(fake.try_dispatch("INTERACTION_CREATE", v.clone()));
    assert!(fake.try_dispatch_on("INTERACTION_CREATE", v, 2));
    let mut got = received(&mut rx, want.len() + 2).await;
    got.sort();
    let mut expect: Vec<(u32, u64)> = want.iter().map(|(id, s)| (*s, *id)).collect();
    expect.extend([(0, again), (2, again)]);
    expect.sort();
    assert_eq!(
        got, expect,
        "interaction ids by the shard that received them"
    );

    // Shard 1 goes away: its guild's events are lost, the others still arrive.
    managers[1].shutdown_all().await;
    let deadline = Instant::now() + WAIT;
    while fake.live_shards() != [0, 2] {
        assert!(
            Instant::now() < deadline,
            "shard 1 never left: {:?}",
            fake.live_shards()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let (_, lost) = command(&fake, guild_on(1));
    assert!(!fake.try_dispatch("INTERACTION_CREATE", lost.clone()));
    assert!(!fake.try_dispatch_on("INTERACTION_CREATE", lost, 1));
    let (kept, v) = command(&fake, guild_on(2));
    assert!(fake.try_dispatch("INTERACTION_CREATE", v));
    assert_eq!(received(&mut rx, 1).await, vec![(2, kept)]);
    // Nothing else came (the lost one never reached anyone).
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(rx.try_recv().is_err());

    for m in &managers {
        m.shutdown_all().await;
    }
    for r in runners {
        r.abort();
    }
}
