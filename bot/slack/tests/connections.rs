//! Socket Mode connections: two by default, so when Slack refreshes one
//! (a `disconnect` with `refresh_requested`, the new socket slow to open)
//! the other carries the envelopes and none is lost; an envelope delivered
//! on both connections is acknowledged on each (Slack wants every delivery
//! acknowledged, or it retries it) and handled once. The fake spreads
//! envelopes over the live connections, loses those sent while none is
//! live, and tells deliveries not acknowledged on their own connection.

mod fake;
mod support;

use fake::fixtures::*;
use fake::*;
use std::time::Duration;
use vmd_core::probe::PortState;
use vmd_runtime::fake::GateProber;

const CHANNEL: &str = "C0SUPPORT1";
const ALICE: &str = "U0ALICE01";
const WAIT: Duration = Duration::from_secs(30);

async fn wait_until(what: &str, f: impl Fn() -> bool) {
    vmd_testkit::wait::until(WAIT, what, f).await
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refresh_loses_no_envelope_and_a_double_delivery_is_handled_once() {
    let fake = FakeSlack::start().await;
    let data = tempfile::tempdir().unwrap();
    let cfg = support::config(&fake);
    let prober = GateProber::new(&[PortState::Open], true);
    let driver = vmd_testkit::setup::driver(data.path(), prober).await;
    let bot = vmd_slack::start(cfg, driver).await.unwrap();
    wait_until("two Socket Mode connections (the default)", || {
        fake.live_connections() == 2
    })
    .await;

    // Slack refreshes the oldest connection; its replacement is slow to open.
    fake.hold_new_connections(true);
    let refreshed = fake.refresh_oldest();
    wait_until("the refreshed connection is closed", || {
        !fake.is_live(refreshed)
    })
    .await;
    // Envelopes meanwhile: every one reaches the connection still open.
    let mut ids = Vec::new();
    for n in 0..6 {
        let id = fake.new_id("env-gap-");
        let trigger = fake.new_id("trig-gap-");
        let user = format!("U0GAP000{n}");
        fake.send(&slash_command(&id, &trigger, &user, CHANNEL, "/help", ""));
        ids.push(id);
    }
    for id in &ids {
        assert!(
            fake.wait_ack(id, WAIT).await.is_some(),
            "{id} was never acknowledged (lost: {:?})",
            fake.lost()
        );
    }
    fake.hold_new_connections(false);
    wait_until("the replacement connection is live", || {
        fake.live_connections() == 2
    })
    .await;
    assert!(fake.lost().is_empty(), "lost: {:?}", fake.lost());
    for id in &ids {
        assert_eq!(fake.ack_count(id), 1, "{id} acknowledged once");
    }

    // The same envelope on both connections starts one diagnosis.
    let id = fake.new_id("env-both-");
    let env = slash_command(
        &id,
        "trig-both",
        ALICE,
        CHANNEL,
        "/diagnose",
        "203.0.113.60 linux",
    );
    assert_eq!(fake.send_on_all(&env), 2);
    fake.wait_ack(&id, WAIT).await.expect("acked");
    let needle = format!("<@{ALICE}>");
    wait_until("the diagnosis starts", || {
        fake.channel_messages(CHANNEL)
            .iter()
            .any(|m| m.to_string().contains(&needle))
    })
    .await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    // Each delivery is acknowledged, on the connection that carried it.
    wait_until("both deliveries are acknowledged", || {
        fake.unacked_deliveries().is_empty()
    })
    .await;
    assert_eq!(fake.ack_count(&id), 2, "one ack per delivery");
    let roots = fake
        .channel_messages(CHANNEL)
        .into_iter()
        .filter(|m| m.to_string().contains(&needle) && m.get("thread_ts").is_none())
        .count();
    assert_eq!(roots, 1, "one diagnosis for one envelope delivered twice");
    bot.stop().await;
}
