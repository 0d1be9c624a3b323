//! The released binary as a chat bot against a fake platform: the command
//! line the tests share, and a guard that stops it.
//!
//! Use as `#[path = "support/bot.rs"] mod bot;`.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Child, Command, Stdio};

/// `vm-doctor <mode> --data-dir <data>`, probing only loopback with short
/// deadlines (the SSH handshake's `handshake_ms`), one echo, its stdout
/// discarded.
pub fn bot(bin: &str, mode: &str, data: &Path, handshake_ms: u32) -> Command {
    let mut c = Command::new(bin);
    c.args([mode, "--data-dir"])
        .arg(data)
        .env("VM_DOCTOR_ALLOW_TARGETS", "127.0.0.0/8")
        .env("VM_DOCTOR_CONNECT_TIMEOUT_MS", "500")
        .env("VM_DOCTOR_HANDSHAKE_TIMEOUT_MS", handshake_ms.to_string())
        .env("VM_DOCTOR_ICMP_TIMEOUT_MS", "500")
        .env("VM_DOCTOR_ICMP_COUNT", "1")
        .stdout(Stdio::null());
    c
}

/// Runs `vm-doctor <mode>` to its end with `set` in its environment and
/// `unset` removed: whether it succeeded, and what it said on stderr.
pub fn run(bin: &str, mode: &str, set: &[(&str, &str)], unset: &[&str]) -> (bool, String) {
    let mut c = Command::new(bin);
    for k in unset {
        c.env_remove(k);
    }
    c.envs(set.iter().copied());
    let out = c.arg(mode).output().unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The log at `path` of a bot that logged at trace: it did log at that
/// level (so the check means something), and none of `secrets` is in it.
pub fn assert_no_secrets(path: &Path, secrets: &[&str]) {
    let text = std::fs::read_to_string(path).unwrap();
    assert!(text.contains("TRACE") || text.contains("DEBUG"), "{text}");
    for secret in secrets {
        assert!(
            !text.contains(secret),
            "{secret:?} reached the log:\n{}",
            text.lines()
                .filter(|l| l.contains(secret))
                .take(5)
                .collect::<Vec<_>>()
                .join("\n")
        );
    }
}

/// A loopback port nothing listens on now (bound, then released).
pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Kills and reaps the child when dropped (a failed test leaves no bot).
pub struct Kill(pub Child);

impl Drop for Kill {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
