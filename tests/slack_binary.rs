//! The released binary as a Slack bot, pointed at a local fake Slack with
//! `VM_DOCTOR_SLACK_API_URL`: it opens Socket Mode through that API, answers
//! `/diagnose` in a thread and probes a real loopback listener.

#[path = "support/bot.rs"]
mod bot;
#[path = "../bot/slack/tests/fake/mod.rs"]
mod fake;
#[path = "support/http.rs"]
mod http;

use fake::fixtures::slash_command;
use fake::*;
use http::get;
use std::process::Stdio;
use std::time::Duration;

const BIN: &str = env!("CARGO_BIN_EXE_vm-doctor");
const WAIT: Duration = Duration::from_secs(20);

#[test]
fn slack_without_tokens_is_a_clear_error() {
    let tokens = ["VM_DOCTOR_SLACK_BOT_TOKEN", "VM_DOCTOR_SLACK_APP_TOKEN"];
    let (ok, err) = bot::run(BIN, "slack", &[], &tokens);
    assert!(!ok);
    assert!(err.contains("VM_DOCTOR_SLACK_BOT_TOKEN"), "{err}");
    let bot_token = [("VM_DOCTOR_SLACK_BOT_TOKEN", "xoxb-x")];
    let (_, err) = bot::run(BIN, "slack", &bot_token, &tokens[1..]);
    assert!(err.contains("VM_DOCTOR_SLACK_APP_TOKEN"), "{err}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_token_exits_with_a_clear_message() {
    let fake = FakeSlack::start().await;
    fake.set_bad_token();
    let data = tempfile::tempdir().unwrap();
    let out = tokio::process::Command::new(BIN)
        .args(["slack", "--data-dir"])
        .arg(data.path())
        .env("VM_DOCTOR_SLACK_BOT_TOKEN", "xoxb-revoked")
        .env("VM_DOCTOR_SLACK_APP_TOKEN", "xapp-1-x")
        .env("VM_DOCTOR_SLACK_API_URL", fake.api_url())
        .output();
    let out = tokio::time::timeout(WAIT, out)
        .await
        .expect("exits")
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("invalid_auth"), "{err}");
    assert!(
        !err.contains("xoxb-revoked"),
        "the token is never shown: {err}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_binary_runs_against_a_fake_slack() {
    let fake = FakeSlack::start().await;
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let data = tempfile::tempdir().unwrap();
    let log = tempfile::NamedTempFile::new().unwrap();
    let child = bot::bot(BIN, "slack", data.path(), 500)
        .env("VM_DOCTOR_SLACK_BOT_TOKEN", "xoxb-fake")
        .env("VM_DOCTOR_SLACK_APP_TOKEN", "xapp-1-fake")
        .env("VM_DOCTOR_SLACK_API_URL", fake.api_url())
        // The most verbose the operator can ask for: other crates stay at
        // info, and nothing secret reaches the log (checked at the end).
        .env("VM_DOCTOR_LOG", "trace")
        .env_remove("RUST_LOG")
        .stderr(log.reopen().unwrap())
        .spawn()
        .unwrap();
    let mut guard = bot::Kill(child);

    assert!(
        fake.wait_connected(1, WAIT).await,
        "the binary never opened Socket Mode"
    );
    assert!(fake
        .calls_of("apps.connections.open")
        .iter()
        .all(|c| c.auth.as_deref() == Some("Bearer xapp-1-fake")));
    fake.send(&slash_command(
        "env-bin-1",
        "trig-bin-1",
        "U0BIN0001",
        "C0BIN0001",
        "/diagnose",
        &format!("127.0.0.1 linux {port}"),
    ));
    fake.wait_ack("env-bin-1", WAIT).await.expect("acked");
    // The real probe ran: the summary in the thread shows the open loopback port.
    let needle = format!("Port {port}: open");
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        let seen = fake
            .calls_of("chat.update")
            .iter()
            .any(|c| c.params["blocks"].to_string().contains(&needle));
        if seen {
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "no probe summary: {:#?}",
            fake.calls()
                .iter()
                .map(|c| (&c.method, c.params.to_string()))
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    drop(listener);
    let _ = guard.0.kill();
    let _ = guard.0.wait();
    bot::assert_no_secrets(
        log.path(),
        &[
            "xoxb-fake",
            "xapp-1-fake",
            "verification-token",
            "hooks.slack.com",
            "trig-bin-1",
        ],
    );
}

/// Slack mode serves `/readyz` and `/metrics`, and on SIGTERM acknowledges
/// new commands with a "restarting" notice, lets the diagnosis under way post
/// its summary, and exits 0.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slack_mode_is_ready_and_drains_on_sigterm() {
    let fake = FakeSlack::start().await;
    // Accepts and stays silent: the SSH handshake takes its whole deadline.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    let http = bot::free_port();
    let data = tempfile::tempdir().unwrap();
    let mut child = bot::bot(BIN, "slack", data.path(), 2500)
        .env_remove("VM_DOCTOR_CONFIG")
        .env("VM_DOCTOR_SLACK_BOT_TOKEN", "xoxb-fake")
        .env("VM_DOCTOR_SLACK_APP_TOKEN", "xapp-1-fake")
        .env("VM_DOCTOR_SLACK_API_URL", fake.api_url())
        .env("VM_DOCTOR_HTTP_LISTEN", format!("127.0.0.1:{http}"))
        .env("VM_DOCTOR_SHUTDOWN_SECS", "20")
        .env("VM_DOCTOR_LOG", "warn")
        .stderr(Stdio::inherit())
        .spawn()
        .unwrap();
    assert!(
        fake.wait_connected(1, WAIT).await,
        "the binary never opened Socket Mode"
    );
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if let Some((200, body)) = get(http, "/readyz") {
            assert_eq!(body, "ready\n");
            break;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "/readyz never became ready"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    fake.send(&slash_command(
        "env-drain-1",
        "trig-drain-1",
        "U0BIN0002",
        "C0BIN0002",
        "/diagnose",
        &format!("127.0.0.1 linux {port}"),
    ));
    fake.wait_ack("env-drain-1", WAIT).await.expect("acked");
    // The probe is under way (waiting for a banner): SIGTERM now.
    tokio::time::sleep(Duration::from_millis(700)).await;
    // SAFETY: kill(2) on our own child.
    assert_eq!(
        unsafe { libc::kill(child.id() as libc::pid_t, libc::SIGTERM) },
        0
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    // A command that arrives while draining is acknowledged with a notice.
    fake.send(&slash_command(
        "env-drain-2",
        "trig-drain-2",
        "U0BIN0003",
        "C0BIN0002",
        "/diagnose",
        &format!("127.0.0.1 linux {port}"),
    ));
    let ack = fake.wait_ack("env-drain-2", WAIT).await.expect("acked");
    assert!(ack.to_string().contains("restarting"), "{ack}");
    let deadline = std::time::Instant::now() + WAIT;
    let status = loop {
        if let Some(st) = child.try_wait().unwrap() {
            break st;
        }
        assert!(std::time::Instant::now() < deadline, "never exited");
        std::thread::sleep(Duration::from_millis(50));
    };
    assert!(status.success(), "{status:?}");
    // The diagnosis under way finished and posted its summary first.
    let needle = format!("Port {port}: open");
    assert!(
        fake.calls_of("chat.update")
            .iter()
            .any(|c| c.params["blocks"].to_string().contains(&needle)),
        "no summary before exit"
    );
    // Nothing was started for the command that came in while draining.
    assert!(!fake
        .calls()
        .iter()
        .any(|c| c.params.to_string().contains("U0BIN0003")));
    drop(listener);
}
