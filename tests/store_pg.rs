//! The real binary on the PostgreSQL store (`VM_DOCTOR_STORE`): an
//! unreachable database stops it at start with the reason; a conversation
//! stored by one process is continued by another (nothing under the data
//! directory), and `stats` reads the outcome table.
//!
//! Tests that need a database use `VM_DOCTOR_TEST_PG` (`.ci/run` starts
//! one); without it they say `PG SKIPPED` and pass, unless
//! `VM_DOCTOR_REQUIRE_LAB=1` (CI), where they fail.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_vm-doctor");

fn cmd() -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("VM_DOCTOR_CONFIG")
        .env_remove("VM_DOCTOR_STORE")
        .env_remove("VM_DOCTOR_STORE_PASSWORD")
        .env("VM_DOCTOR_LOG", "warn");
    c
}

fn test_pg(test: &str) -> Option<String> {
    match std::env::var("VM_DOCTOR_TEST_PG") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            if std::env::var("VM_DOCTOR_REQUIRE_LAB").is_ok_and(|v| v == "1") {
                panic!("PG REQUIRED (VM_DOCTOR_REQUIRE_LAB=1) but VM_DOCTOR_TEST_PG is not set: {test}");
            }
            eprintln!("PG SKIPPED: {test}: VM_DOCTOR_TEST_PG is not set");
            None
        }
    }
}

/// Runs `console` with `lines` on stdin; returns (exit code, stdout, stderr).
fn console(
    store: &str,
    schema: &str,
    data: &std::path::Path,
    lines: &str,
) -> (i32, String, String) {
    let mut child = cmd()
        .args(["console", "--user", "alice", "--lang", "en", "--data-dir"])
        .arg(data)
        .env("VM_DOCTOR_STORE", store)
        .env("VM_DOCTOR_STORE_SCHEMA", schema)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // It may exit before reading (a refused start): a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(lines.as_bytes());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn an_unreachable_database_stops_the_start_with_the_reason() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let data = tempfile::tempdir().unwrap();
    let url = format!("postgres://vmd:pw-secret@127.0.0.1:{port}/vmd");
    let (code, _, err) = console(&url, "vmd", data.path(), "/diagnose\n");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("cannot open the PostgreSQL session store"),
        "{err}"
    );
    assert!(err.contains(&format!("127.0.0.1:{port}")), "{err}");
    assert!(!err.contains("pw-secret"), "the password was shown: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn a_conversation_stored_in_postgres_goes_on_in_another_process() {
    let Some(url) = test_pg("a_conversation_stored_in_postgres_goes_on_in_another_process") else {
        return;
    };
    let schema = format!("vmd_cli_{}", std::process::id());
    let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
    let (code, out, err) = console(&url, &schema, a.path(), "/diagnose\n/lang ko\n/quit\n");
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(out.contains("public IP address"), "{out}");
    // Another process with another data directory: the same conversation,
    // in the language chosen in the first.
    let (code, out, err) = console(&url, &schema, b.path(), "/status\n/quit\n");
    assert_eq!(code, 0, "{out}\n{err}");
    assert!(
        out.contains("공인 IP"),
        "asked for the address again, in Korean:\n{out}"
    );
    assert!(!a.path().join("sled").exists() && !b.path().join("sled").exists());
    // stats reads the (empty) outcome table, not a file.
    let out = cmd()
        .args(["stats"])
        .env("VM_DOCTOR_STORE", &url)
        .env("VM_DOCTOR_STORE_SCHEMA", &schema)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("no outcomes in postgres://"), "{text}");
}

#[test]
fn doctor_checks_the_database_without_writing_to_it() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let data = tempfile::tempdir().unwrap();
    let out = cmd()
        .args(["doctor", "--data-dir"])
        .arg(data.path())
        .env(
            "VM_DOCTOR_STORE",
            format!("postgres://vmd:pw-secret@127.0.0.1:{port}/vmd"),
        )
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{text}");
    assert!(text.contains("cannot reach the PostgreSQL store"), "{text}");
    assert!(!text.contains("pw-secret"), "{text}");
    let Some(url) = test_pg("doctor_checks_the_database_without_writing_to_it") else {
        return;
    };
    let schema = format!("vmd_doctor_{}", std::process::id());
    let out = cmd()
        .args(["doctor", "--data-dir"])
        .arg(data.path())
        .env("VM_DOCTOR_STORE", &url)
        .env("VM_DOCTOR_STORE_SCHEMA", &schema)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("its tables are created on first start"),
        "{text}"
    );
}
