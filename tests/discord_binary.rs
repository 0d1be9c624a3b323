//! The released binary as a Discord bot, pointed at a local fake Discord with
//! `VM_DOCTOR_DISCORD_API_URL`: it asks that API for the gateway, registers its
//! commands, answers `/diagnose` and probes a real loopback listener.

#[path = "support/bot.rs"]
mod bot;
#[path = "../bot/discord/tests/fake/mod.rs"]
mod fake;

use fake::*;
use serde_json::json;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_vm-doctor");
const WAIT: Duration = Duration::from_secs(20);

#[test]
fn discord_without_token_is_a_clear_error() {
    let (ok, err) = bot::run(BIN, "discord", &[], &["VM_DOCTOR_DISCORD_TOKEN"]);
    assert!(!ok);
    assert!(err.contains("VM_DOCTOR_DISCORD_TOKEN"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_runs_against_a_fake_discord() {
    let fake = FakeDiscord::start().await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let data = tempfile::tempdir().unwrap();
    let log = tempfile::NamedTempFile::new().unwrap();
    let child = bot::bot(BIN, "discord", data.path(), 500)
        .env("VM_DOCTOR_DISCORD_TOKEN", "Bot.fake.token")
        .env("VM_DOCTOR_DISCORD_API_URL", fake.url())
        .env("VM_DOCTOR_DISCORD_GUILDS", "1300000000000000001")
        // The most verbose the operator can ask for: other crates stay at
        // info, and nothing secret reaches the log (checked at the end).
        .env("VM_DOCTOR_LOG", "trace")
        .env_remove("RUST_LOG")
        .stderr(log.reopen().unwrap())
        .spawn()
        .unwrap();
    let mut guard = bot::Kill(child);

    assert!(
        fake.wait_identified(1, WAIT).await,
        "the binary never reached the gateway"
    );
    assert!(fake
        .requests()
        .iter()
        .any(|r| r.method == "GET" && r.path == "/api/v10/gateway"));
    fake.wait_for(
        |r| r.method == "PUT" && r.path.contains("/guilds/1300000000000000001/commands"),
        WAIT,
    )
    .await
    .expect("guild commands registered");

    let id = fake.new_id();
    fake.dispatch(
        "INTERACTION_CREATE",
        slash_command(
            id,
            "tok-bin",
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
    let cb = fake
        .wait_for(
            |r| r.is_callback() && r.path.contains(&format!("/interactions/{id}/")),
            WAIT,
        )
        .await
        .expect("first callback");
    assert_eq!(cb.callback_type(), Some(5));
    // The real probe ran: the summary shows the open loopback port.
    let needle = format!("Port {port}: open");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let seen = fake.messages().iter().any(|m| {
            m["embeds"][0]["fields"]
                .as_array()
                .into_iter()
                .flatten()
                .any(|f| f["value"].as_str().is_some_and(|v| v.contains(&needle)))
        });
        if seen {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no probe summary: {:#?}",
            fake.messages()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(listener);
    let _ = guard.0.kill();
    let _ = guard.0.wait();
    bot::assert_no_secrets(log.path(), &["Bot.fake.token", "tok-bin"]);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_exits_with_a_clear_message() {
    let fake = FakeDiscord::start().await;
    fake.set_fail_next("users/@me", 401);
    let data = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(BIN)
        .args(["discord", "--data-dir"])
        .arg(data.path())
        .env("VM_DOCTOR_DISCORD_TOKEN", "Bot.revoked.token")
        .env("VM_DOCTOR_DISCORD_API_URL", fake.url())
        .output();
    let out = tokio::time::timeout(WAIT, out)
        .await
        .expect("exits instead of retrying")
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("401") && err.contains("VM_DOCTOR_DISCORD_TOKEN"),
        "{err}"
    );
    assert!(!err.contains("Bot.revoked.token"), "{err}");
    assert_eq!(fake.identify_count(), 0, "never went to the gateway");
}
