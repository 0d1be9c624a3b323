//! Replicas that start together identify within Discord's rate: one
//! IDENTIFY per bucket (`shard_id % max_concurrency`) in 5 s, or op 9. The
//! fake Discord enforces it; each replica waits for its range's slot.

mod fake;
mod support;

use fake::*;
use std::sync::Arc;
use std::time::Duration;
use vmd_discord::shards::ShardRange;
use vmd_discord::BotHandle;
use vmd_runtime::fake::GateProber;

async fn replica(
    fake: &FakeDiscord,
    data: &std::path::Path,
    shard: u32,
    total: u32,
    name: &str,
) -> BotHandle {
    let store = vmd_runtime::fake::sled_store(&data.join(format!("sled-{name}"))).await;
    let driver = Arc::new(vmd_runtime::fake::test_driver(
        GateProber::new(&[], true),
        store,
    ));
    let range = ShardRange {
        first: shard,
        last: shard,
        total,
    };
    vmd_discord::start_sharded(support::config(fake, &[], 5, 60), driver, Some(range))
        .await
        .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_fake_refuses_a_second_identify_in_the_same_bucket() {
    let fake = FakeDiscord::start().await;
    fake.enforce_identify_rate(1, 1);
    let data = tempfile::tempdir().unwrap();
    // Two processes that each think they hold every shard (one of one):
    // nothing spaces them, and both identify at once.
    let (a, b) = tokio::join!(
        replica(&fake, data.path(), 0, 1, "a"),
        replica(&fake, data.path(), 0, 1, "b")
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while fake.identify_violations() == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the second IDENTIFY was let through: {:?}",
            fake.identified_shards()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_replicas_started_together_identify_in_turn() {
    let fake = FakeDiscord::start().await;
    // max_concurrency 1: every shard is in bucket 0.
    fake.enforce_identify_rate(1, 2);
    let data = tempfile::tempdir().unwrap();
    let (a, b) = tokio::join!(
        replica(&fake, data.path(), 0, 2, "0"),
        replica(&fake, data.path(), 1, 2, "1")
    );
    let deadline = tokio::time::Instant::now() + Duration::from_secs(90);
    while fake.identify_count() < 2 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the replicas never both connected: {:?}",
            fake.identified_shards()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(
        fake.identify_violations(),
        0,
        "an IDENTIFY came within 5 s of another in its bucket: {:?}",
        fake.identified_shards()
    );
    let mut shards = fake.identified_shards();
    shards.sort();
    assert_eq!(shards, vec![0, 1]);
    a.stop().await;
    b.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stop_during_the_identify_wait_ends_the_bot_without_connecting() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    // 1000 shards, max_concurrency 1: slots 7 s apart over a cycle of
    // 7000 s. Take the shard whose slot is half a cycle away, so the replica
    // waits about an hour before its IDENTIFY.
    let spacing = vmd_discord::shards::IDENTIFY_SPACING.as_millis() as u64;
    let total = 1000u32;
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as u64;
    let current = (now_ms % (u64::from(total) * spacing)) / spacing;
    let shard = ((current + u64::from(total) / 2) % u64::from(total)) as u32;
    let range = ShardRange {
        first: shard,
        last: shard,
        total,
    };
    assert!(range.identify_wait(1, now_ms) > Duration::from_secs(3000));
    let bot = replica(&fake, data.path(), shard, total, "waiting").await;
    // The stop a SIGTERM makes (the binary keeps the handle to wait on).
    bot.stop_handle().stop_gateway().await;
    // A generous bound for a busy machine, far below the slot.
    let ended = tokio::time::timeout(Duration::from_secs(120), bot.wait()).await;
    assert!(
        matches!(ended, Ok(Ok(()))),
        "the bot kept waiting for its identify slot after the stop"
    );
    assert_eq!(fake.identify_count(), 0, "{:?}", fake.identified_shards());
}
