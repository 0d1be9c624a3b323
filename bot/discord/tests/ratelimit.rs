//! Proxy mode (serenity's rate limiter off): a 429 is waited out as its
//! `Retry-After` says (header or body; a global one holds every post), and
//! a retried message post carries a nonce with `enforce_nonce`, so a post
//! Discord took before the answer was lost is not posted twice. The fake
//! counts a request sent before its 429 ran out as a violation. Every other
//! call (interaction responses, edits of the original, threads, command
//! registration) waits a 429 out the same way.

mod fake;
mod support;

use fake::*;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use vmd_core::probe::PortState;
use vmd_discord::BotHandle;
use vmd_runtime::fake::GateProber;

const GUILD: u64 = 1_500_000_000_000_000_001;
const CHANNEL: u64 = 1_500_000_000_000_000_002;
const ALICE: u64 = 1_500_000_000_000_000_003;
const WAIT: Duration = Duration::from_secs(30);

async fn start_bot(fake: &FakeDiscord, data: &std::path::Path) -> BotHandle {
    let cfg = support::config(fake, &[GUILD], 50, 100);
    let store = vmd_runtime::fake::sled_store(&data.join("sled")).await;
    let prober = GateProber::new(&[PortState::Open], true);
    let driver = Arc::new(vmd_runtime::fake::test_driver(prober, store));
    support::connect(fake, cfg, driver, WAIT).await
}

async fn diagnose(fake: &FakeDiscord) {
    let id = fake.new_id();
    fake.dispatch(
        "INTERACTION_CREATE",
        support::diagnose(
            id,
            (GUILD, CHANNEL),
            ALICE,
            "en-US",
            "203.0.113.40",
            "linux",
        ),
    )
    .await;
}

/// Messages the bot posted itself (not interaction responses).
fn posted(fake: &FakeDiscord) -> Vec<Value> {
    fake.messages()
        .into_iter()
        .filter(|m| m["type"] == 0)
        .collect()
}

async fn wait_until(what: &str, f: impl Fn() -> bool) {
    vmd_testkit::wait::until(WAIT, what, f).await
}

async fn a_429_is_waited_out(global: bool, style: RetryAfterIn) {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path()).await;
    // The first message post is refused for 1.5 s (the header says 2).
    fake.rate_limit_next(
        "POST",
        "/messages",
        Duration::from_millis(1500),
        global,
        style,
    );
    diagnose(&fake).await;
    wait_until("the first message is posted after the 429", || {
        !posted(&fake).is_empty()
    })
    .await;
    assert!(fake.rate_limited_count() >= 1, "the 429 was given");
    assert_eq!(
        fake.early_retries(),
        0,
        "a request came before the 429's Retry-After ran out ({style:?}, global {global})"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_waited_out_as_its_body_says() {
    a_429_is_waited_out(false, RetryAfterIn::Body).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_is_waited_out_as_its_header_says() {
    a_429_is_waited_out(false, RetryAfterIn::Header).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_global_429_holds_every_post() {
    a_429_is_waited_out(true, RetryAfterIn::Both).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_post_discord_took_before_the_answer_was_lost_is_not_posted_twice() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path()).await;
    fake.set_fail_after_commit("POST", "/messages");
    diagnose(&fake).await;
    // The post is retried after the 502...
    wait_until("the post is retried", || {
        fake.requests()
            .iter()
            .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
            .count()
            >= 2
    })
    .await;
    let posts: Vec<Recorded> = fake
        .requests()
        .into_iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/messages"))
        .collect();
    let nonce = posts[0].json["nonce"].clone();
    assert!(
        nonce.is_string(),
        "a nonce on the post: {:#}",
        posts[0].json
    );
    assert_eq!(posts[1].json["nonce"], nonce, "the retry keeps its nonce");
    assert_eq!(posts[1].json["enforce_nonce"], true);
    // ...and the message is in the thread once.
    let copies = posted(&fake).iter().filter(|m| m["nonce"] == nonce).count();
    assert_eq!(copies, 1, "posted once: {:#?}", posted(&fake));
    bot.stop().await;
}

/// A 429 on `method` `path` (1.5 s, said only in the body: serenity's
/// fixed one-second wait would come early) is waited out, and the
/// diagnosis still reaches its first message.
async fn a_429_on_another_call_is_waited_out(method: &str, path: &str) {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let bot = start_bot(&fake, data.path()).await;
    fake.rate_limit_next(
        method,
        path,
        Duration::from_millis(1500),
        false,
        RetryAfterIn::Body,
    );
    diagnose(&fake).await;
    wait_until("the first message is posted after the 429", || {
        !posted(&fake).is_empty()
    })
    .await;
    assert!(fake.rate_limited_count() >= 1, "the 429 was given");
    assert_eq!(
        fake.early_retries(),
        0,
        "{method} {path} came again before the 429's Retry-After ran out"
    );
    bot.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_on_the_interaction_callback_is_waited_out() {
    a_429_on_another_call_is_waited_out("POST", "/callback").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_on_the_thread_creation_is_waited_out() {
    a_429_on_another_call_is_waited_out("POST", "/threads").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_on_the_original_response_edit_is_waited_out() {
    a_429_on_another_call_is_waited_out("PATCH", "/messages/@original").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_on_command_registration_is_waited_out() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    fake.rate_limit_next(
        "PUT",
        "/commands",
        Duration::from_millis(1500),
        false,
        RetryAfterIn::Body,
    );
    let bot = start_bot(&fake, data.path()).await;
    wait_until("the commands are registered after the 429", || {
        fake.requests()
            .iter()
            .filter(|r| r.method == "PUT" && r.path.ends_with("/commands"))
            .count()
            >= 2
    })
    .await;
    assert_eq!(fake.rate_limited_count(), 1, "one 429, waited out");
    assert_eq!(
        fake.early_retries(),
        0,
        "registered again before the 429 ran out"
    );
    bot.stop().await;
}
