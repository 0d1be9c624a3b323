//! The released binary under abuse: damaged, locked and unreadable stores,
//! and the port policy on the command line. Loopback and temp dirs only.

use std::io::Write;
use std::process::{Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_vm-doctor");

fn cmd() -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("VM_DOCTOR_CONFIG")
        .env("VM_DOCTOR_LOG", "warn")
        .env("VM_DOCTOR_ALLOW_TARGETS", "127.0.0.0/8")
        .env("LANG", "C");
    c
}

/// Runs a console conversation in `data` with `script` on stdin.
fn console(data: &std::path::Path, user: &str, script: &str) -> std::process::Output {
    let mut child = cmd()
        .args(["console", "--lang", "en", "--user", user, "--data-dir"])
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A vm-doctor that refuses to start may exit before reading its stdin:
    // a broken pipe here is part of the outcome, not a test failure.
    let _ = child.stdin.take().unwrap().write_all(script.as_bytes());
    child.wait_with_output().unwrap()
}

/// A truncated store is never silently taken for an empty one: either
/// vm-doctor starts and says how many records were lost, or it refuses to
/// start and says the store is damaged.
fn assert_loud(out: &std::process::Output) {
    let err = String::from_utf8_lossy(&out.stderr);
    if out.status.success() {
        let lost = err
            .split(" lost since it was last written")
            .next()
            .and_then(|s| s.rsplit(' ').next())
            .and_then(|n| n.parse::<u32>().ok())
            .unwrap_or_else(|| panic!("no loss reported:\n{err}"));
        assert!(lost > 0, "{err}");
    } else {
        assert_eq!(out.status.code(), Some(2), "{err}");
        assert!(err.contains("cannot open the session store"), "{err}");
        assert!(err.contains("damaged"), "{err}");
    }
}

#[test]
fn a_truncated_store_is_reported_not_taken_for_empty() {
    let dir = tempfile::tempdir().unwrap();
    for u in 0..40 {
        let out = console(dir.path(), &format!("user{u}"), "/lang en\n/quit\n");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    for with_snapshot in [false, true] {
        let copy = tempfile::tempdir().unwrap();
        let sled = copy.path().join("sled");
        std::fs::create_dir_all(&sled).unwrap();
        for e in std::fs::read_dir(dir.path().join("sled")).unwrap() {
            let e = e.unwrap();
            let name = e.file_name();
            if e.file_type().unwrap().is_dir()
                || (!with_snapshot && name.to_string_lossy().starts_with("snap."))
            {
                continue;
            }
            std::fs::copy(e.path(), sled.join(&name)).unwrap();
        }
        std::fs::create_dir_all(sled.join("blobs")).unwrap();
        std::fs::OpenOptions::new()
            .write(true)
            .open(sled.join("db"))
            .unwrap()
            .set_len(16 * 1024)
            .unwrap();
        assert_loud(&console(copy.path(), "user0", "/status\n/quit\n"));
    }
}

#[test]
fn a_second_vm_doctor_on_the_same_store_is_told_why() {
    let dir = tempfile::tempdir().unwrap();
    let mut first = cmd()
        .args(["console", "--lang", "en", "--data-dir"])
        .arg(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    // Wait (bounded) until the first one holds the store.
    let lock = dir.path().join("sled/db");
    for _ in 0..200 {
        if lock.exists() {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(25));
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let out = console(dir.path(), "x", "/quit\n");
    drop(first.stdin.take());
    let _ = first.wait();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("another vm-doctor"), "{err}");
    assert!(!err.contains("permission denied"), "{err}");
}

#[test]
fn an_unreadable_data_dir_says_permission_denied() {
    if unsafe { libc_geteuid() } == 0 {
        println!("SKIPPED: running as root, which ignores file permissions (the classification is unit-tested in vmd-runtime)");
        return;
    }
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("sled")).unwrap();
    std::fs::set_permissions(
        dir.path().join("sled"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let out = console(dir.path(), "x", "/quit\n");
    std::fs::set_permissions(
        dir.path().join("sled"),
        std::fs::Permissions::from_mode(0o755),
    )
    .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr).to_lowercase();
    assert!(err.contains("permission denied"), "{err}");
    assert!(!err.contains("another vm-doctor"), "{err}");
}

extern "C" {
    #[link_name = "geteuid"]
    fn libc_geteuid() -> u32;
}

#[test]
fn the_probe_command_follows_the_port_policy() {
    let out = cmd()
        .args(["probe", "127.0.0.1", "--port", "25", "--timeout-ms", "300"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("refusing to probe port 25"), "{err}");
    assert!(err.contains("22, 3389, 1024-65535"), "{err}");
    let out = cmd()
        .env("VM_DOCTOR_ALLOWED_PORTS", "22,3389,25")
        .args([
            "probe",
            "127.0.0.1",
            "--port",
            "25",
            "--timeout-ms",
            "300",
            "--json",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
