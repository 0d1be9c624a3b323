//! `start` with an API base nobody answers on: it stops with a clear error
//! after a few tries, instead of falling back to Discord's own gateway.

use std::sync::Arc;
use std::time::Duration;
use vmd_core::probe::PortState;
use vmd_discord::limits::Limit;
use vmd_discord::{DiscordConfig, DiscordError};
use vmd_runtime::fake::GateProber;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_api_base_that_does_not_answer_stops_start_and_nothing_else_is_tried() {
    // A port nothing listens on (bound, then closed).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let limit = Limit {
        max: 5,
        per: Duration::from_secs(600),
    };
    let cfg = DiscordConfig {
        token: "Bot.fake.token".into(),
        api_url: Some(format!("http://proxy-user:hunter2@127.0.0.1:{port}")),
        guilds: vec![],
        channels: vec![],
        support_role: None,
        probe_role: None,
        threads: true,
        user_limit: limit,
        guild_limit: limit,
    };
    let data = tempfile::tempdir().unwrap();
    let store = vmd_runtime::fake::sled_store(&data.path().join("sled")).await;
    let driver = Arc::new(vmd_runtime::fake::test_driver(
        GateProber::new(&[PortState::Open], true),
        store,
    ));
    let r = tokio::time::timeout(Duration::from_secs(60), vmd_discord::start(cfg, driver))
        .await
        .expect("start returns");
    let Err(e) = r else {
        panic!("start went on without a gateway URL from the configured API");
    };
    assert!(matches!(e, DiscordError::NoGateway { .. }), "{e}");
    let shown = e.to_string();
    assert!(shown.contains("VM_DOCTOR_DISCORD_API_URL"), "{shown}");
    assert!(shown.contains(&format!("127.0.0.1:{port}")), "{shown}");
    assert!(!shown.contains("hunter2"), "{shown}");
}
