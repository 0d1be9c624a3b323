//! The released binary as a Discord bot against the fake Discord: `/readyz`
//! follows the gateway, and SIGTERM lets a diagnosis under way finish (its
//! probe summary is posted) before the process exits with status 0.

#[path = "support/bot.rs"]
mod bot;
#[path = "../bot/discord/tests/fake/mod.rs"]
mod fake;
#[path = "support/http.rs"]
mod http;

use fake::*;
use http::get;
use serde_json::json;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_vm-doctor");
const WAIT: Duration = Duration::from_secs(20);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_lets_a_diagnosis_finish_then_exits_cleanly() {
    let fake = FakeDiscord::start().await;
    // Accepts and stays silent: the SSH handshake takes its whole deadline.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let http = bot::free_port();
    let data = tempfile::tempdir().unwrap();
    let mut child = bot::bot(BIN, "discord", data.path(), 2500)
        .env_remove("VM_DOCTOR_CONFIG")
        .env("VM_DOCTOR_DISCORD_TOKEN", "Bot.fake.token")
        .env("VM_DOCTOR_DISCORD_API_URL", fake.url())
        .env("VM_DOCTOR_DISCORD_GUILDS", "1300000000000000001")
        .env("VM_DOCTOR_HTTP_LISTEN", format!("127.0.0.1:{http}"))
        .env("VM_DOCTOR_SHUTDOWN_SECS", "20")
        .env(
            "VM_DOCTOR_LOG",
            std::env::var("VMD_TEST_LOG").unwrap_or("warn".into()),
        )
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    assert!(
        fake.wait_identified(1, WAIT).await,
        "the binary never reached the gateway"
    );
    assert!(fake.wait_ready(WAIT).await);
    // Ready once the gateway said so.
    let deadline = Instant::now() + WAIT;
    loop {
        if let Some((200, body)) = get(http, "/readyz") {
            assert_eq!(body, "ready\n");
            break;
        }
        assert!(Instant::now() < deadline, "/readyz never became ready");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    let id = fake.new_id();
    fake.dispatch(
        "INTERACTION_CREATE",
        slash_command(
            id,
            "tok-term",
            1_300_000_000_000_000_001,
            1_300_000_000_000_000_002,
            1_300_000_000_000_000_003,
            "en-US",
            "diagnose",
            json!([
                {"name": "ip", "type": 3, "value": "127.0.0.1"},
                {"name": "os", "type": 3, "value": "linux"},
                {"name": "port", "type": 4, "value": port},
            ]),
        ),
    )
    .await;
    fake.wait_for(
        |r| r.is_callback() && r.path.contains(&format!("/interactions/{id}/")),
        WAIT,
    )
    .await
    .expect("first callback");
    // The probe is under way (waiting for a banner): SIGTERM now.
    tokio::time::sleep(Duration::from_millis(300)).await;
    // SAFETY: kill(2) on our own child.
    assert_eq!(
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) },
        0
    );
    let start = Instant::now();
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        if start.elapsed() > Duration::from_secs(30) {
            let _ = child.kill();
            panic!("no exit after SIGTERM");
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    assert!(status.success(), "exit status 0 after SIGTERM: {status:?}");
    // The turn finished before the exit: the summary was posted.
    let needle = format!("Port {port}: open");
    let posted = fake.messages().iter().any(|m| {
        m["embeds"][0]["fields"]
            .as_array()
            .into_iter()
            .flatten()
            .any(|f| f["value"].as_str().is_some_and(|v| v.contains(&needle)))
    });
    assert!(posted, "no probe summary: {:#?}", fake.messages());
    drop(listener);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_replica_identifies_only_its_shards() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    // Replica 1 of 2 over 4 shards: shards 2 and 3.
    let mut child = Command::new(BIN)
        .args(["discord", "--data-dir"])
        .arg(data.path())
        .env_remove("VM_DOCTOR_CONFIG")
        .env("VM_DOCTOR_DISCORD_TOKEN", "Bot.fake.token")
        .env("VM_DOCTOR_DISCORD_API_URL", fake.url())
        .env("VM_DOCTOR_DISCORD_SHARDS", "ordinal/4")
        .env("VM_DOCTOR_DISCORD_REPLICAS", "2")
        .env("HOSTNAME", "vm-doctor-discord-1")
        .env("VM_DOCTOR_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    // serenity waits between shard starts (Discord's identify rate limit).
    // Two IDENTIFYs naming different shards (a RESUME of a shard whose
    // connection dropped on a busy machine is not a second shard).
    let identified = || {
        let mut shards: Vec<serde_json::Value> = fake
            .gateway_received()
            .into_iter()
            .filter(|v| v["op"] == 2)
            .map(|v| v["d"]["shard"].clone())
            .collect();
        shards.sort_by_key(|s| s[0].as_u64());
        shards.dedup();
        shards
    };
    // Replica 1 first waits for its identify slot (up to one cycle of the
    // four slots), then serenity boots its second shard 5 s later.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    while identified().len() < 2 && std::time::Instant::now() < deadline {
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let _ = child.kill();
    let _ = child.wait();
    let shards = identified();
    assert_eq!(shards, vec![json!([2, 4]), json!([3, 4])]);

    // A bad setting is a clear error at start.
    let out = Command::new(BIN)
        .args(["discord", "--data-dir"])
        .arg(data.path())
        .env_remove("VM_DOCTOR_CONFIG")
        .env("VM_DOCTOR_DISCORD_TOKEN", "Bot.fake.token")
        .env("VM_DOCTOR_DISCORD_SHARDS", "ordinal/4")
        .env_remove("VM_DOCTOR_DISCORD_REPLICAS")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("VM_DOCTOR_DISCORD_REPLICAS"), "{err}");
}
