//! The released binary, driven as a user would: runbook check/graph, probe,
//! and a console conversation against a real local listener that survives a
//! hard kill of the process.

#[path = "support/console.rs"]
mod console;

use console::Proc;
use std::io::Write;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_vm-doctor");

fn cmd() -> Command {
    console::vm_doctor(BIN)
}

#[test]
fn runbook_check_passes_and_graph_is_mermaid() {
    let out = cmd().args(["runbook", "check"]).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).starts_with("ok:"));
    let out = cmd().args(["runbook", "graph"]).output().unwrap();
    let g = String::from_utf8_lossy(&out.stdout);
    assert!(g.starts_with("flowchart TD"), "{g}");
    assert!(
        g.contains("windows_netstat -->|nothing| windows_registry"),
        "{g}"
    );
}

fn runbook_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../runbooks");
    for e in std::fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    dir
}

fn check_dir(dir: &std::path::Path) -> (bool, String) {
    let out = cmd()
        .args(["runbook", "check", "--dir"])
        .arg(dir)
        .output()
        .unwrap();
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn runbook_check_fails_broken_runbooks() {
    let dir = runbook_dir();
    assert!(check_dir(dir.path()).0, "the copied runbooks are valid");

    let linux = dir.path().join("linux.toml");
    let good = std::fs::read_to_string(&linux).unwrap();

    // A transition to a step that doesn't exist.
    std::fs::write(
        &linux,
        good.replace("next = \"resources_fix\"", "next = \"nowhere\""),
    )
    .unwrap();
    let (ok, err) = check_dir(dir.path());
    assert!(!ok && err.contains("`linux.nowhere`"), "{err}");

    // A message id no locale has.
    std::fs::write(
        &linux,
        good.replace("\"linux-resources\"]", "\"linux-resources-typo\"]"),
    )
    .unwrap();
    let (ok, err) = check_dir(dir.path());
    assert!(!ok && err.contains("linux-resources-typo"), "{err}");

    // A step nobody can reach.
    std::fs::write(
        &linux,
        format!("{good}\n[[step]]\nid = \"orphan\"\nkind = \"escalate\"\ntitle = \"linux-vnc-title\"\nsay = [\"linux-vnc\"]\n"),
    )
    .unwrap();
    let (ok, err) = check_dir(dir.path());
    assert!(!ok && err.contains("linux.orphan"), "{err}");

    // A dead end: a question whose only option loops back to itself.
    std::fs::write(
        &linux,
        good.replace(
            "key = \"normal\"\nlabel = \"linux-opt-resources-normal\"\nnext = \"triage.restart_last\"",
            "key = \"normal\"\nlabel = \"linux-opt-resources-normal\"\nnext = \"resources\"",
        )
        .replace(
            "key = \"cannot\"\nlabel = \"opt-cannot-do\"\nnext = \"triage.restart_last\"",
            "key = \"cannot\"\nlabel = \"opt-cannot-do\"\nnext = \"resources\"",
        )
        .replace(
            "key = \"cannot\"\nlabel = \"opt-cannot-do\"\nnext = \"common.escalate\"",
            "key = \"cannot\"\nlabel = \"opt-cannot-do\"\nnext = \"resources\"",
        )
        .replace(
            "fixed = \"triage.confirm_login\"\nnext = \"common.escalate\"",
            "fixed = \"triage.confirm_login\"\nnext = \"resources\"",
        ),
    )
    .unwrap();
    let (ok, _err) = check_dir(dir.path());
    // Still valid: the re-probe's `fixed` leads out. Now remove that too.
    assert!(ok);
    let text = std::fs::read_to_string(&linux)
        .unwrap()
        .replace(
            "reprobe = \"service\"\nfixed = \"triage.confirm_login\"\nnext = \"resources\"",
            "next = \"resources\"",
        )
        .replace(
            "say = [\"linux-resources\"]\nunknown = \"triage.restart_last\"",
            "say = [\"linux-resources\"]\nunknown = \"resources\"",
        );
    std::fs::write(&linux, text).unwrap();
    let (ok, err) = check_dir(dir.path());
    // Every way on now loops: "I don't know" again and again never ends.
    assert!(!ok && err.contains("loops forever"), "{err}");
}

#[test]
fn probe_refuses_private_targets_and_bad_args() {
    let out = Command::new(BIN)
        .env_remove("VM_DOCTOR_ALLOW_TARGETS")
        .args(["probe", "127.0.0.1", "--json"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("refusing to probe 127.0.0.1: loopback"),
        "{err}"
    );
    let out = cmd().args(["probe", "300.1.2.3"]).output().unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not an IP address"));
    let out = cmd()
        .args(["probe", "127.0.0.1", "--os", "beos"])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

/// A listener that greets like OpenSSH and then hangs up.
fn ssh_like_listener() -> (u16, std::thread::JoinHandle<()>) {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    let h = std::thread::spawn(move || {
        l.set_nonblocking(false).unwrap();
        let deadline = Instant::now() + Duration::from_secs(60);
        for s in l.incoming() {
            if let Ok(mut s) = s {
                let _ = s.write_all(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
            }
            if Instant::now() > deadline {
                break;
            }
        }
    });
    (port, h)
}

fn closed_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

#[test]
fn probe_json_against_real_listeners() {
    let (open, _h) = ssh_like_listener();
    let out = cmd()
        .args(["probe", "127.0.0.1", "--os", "linux", "--port"])
        .arg(open.to_string())
        .arg("--json")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ports = v["ports"].as_array().unwrap();
    let p = ports
        .iter()
        .find(|p| p["port"] == open)
        .expect("custom port probed");
    assert_eq!(p["state"], "open", "{v}");
    assert_eq!(
        v["ssh"]["banner"], "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3",
        "{v}"
    );
    let closed = closed_port();
    let out = cmd()
        .args(["probe", "127.0.0.1", "--os", "windows", "--port"])
        .arg(closed.to_string())
        .arg("--json")
        .output()
        .unwrap();
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = v["ports"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["port"] == closed)
        .unwrap()
        .clone();
    assert_eq!(p["state"], "closed", "{v}");
    assert_eq!(p["reason"], "reset", "{v}");
}

impl Proc {
    fn start(data: &std::path::Path) -> Proc {
        Proc::spawn(
            cmd()
                .args([
                    "console",
                    "--lang",
                    "en",
                    "--user",
                    "restart-test",
                    "--data-dir",
                ])
                .arg(data),
        )
    }
}

#[test]
fn console_survives_a_hard_kill_mid_conversation() {
    let (open, _h) = ssh_like_listener();
    let data = tempfile::tempdir().unwrap();
    let mut p = Proc::start(data.path());
    p.expect("What is your server's public IP address?");
    p.send(&format!("/diagnose 127.0.0.1 linux {open}"));
    // A banner but no key-exchange offer: the service misbehaves -> VNC.
    let out = p.expect("[5] I don't know / I can't check this");
    assert!(out.contains(&format!("Port {open}: open")), "{out}");
    assert!(out.contains("SSH-2.0-OpenSSH_9.2p1"), "{out}");
    // A Linux server's first probe leaves 3389 alone.
    assert!(!out.contains("Port 3389"), "{out}");
    assert!(
        out.contains("never sent a complete key-exchange offer"),
        "{out}"
    );
    p.send("in");
    p.expect("[4] I don't know / I can't check this");
    // Kill -9: no chance to flush or say goodbye.
    p.child.kill().unwrap();
    p.child.wait().unwrap();

    let mut p = Proc::start(data.path());
    let out = p.expect("[4] I don't know / I can't check this");
    assert!(out.contains("free -m"), "resumed at the same step:\n{out}");
    p.send("/status");
    let out = p.expect("Where we are");
    assert!(out.contains("127.0.0.1 (Linux)"), "{out}");
    p.send("normal");
    p.expect("Before I hand this over");
    p.send("skip");
    p.expect("needs the support team");
    p.send("/quit");
    p.expect("Bye for now");
    let status = p.child.wait().unwrap();
    assert!(status.success());

    // The end was logged, and `stats` summarises it.
    let log = std::fs::read_to_string(data.path().join("outcomes.jsonl")).unwrap();
    let line: serde_json::Value = serde_json::from_str(log.lines().last().unwrap()).unwrap();
    assert_eq!(line["outcome"], "escalated", "{log}");
    assert_eq!(line["platform"], "console");
    assert_eq!(line["answers"], 3);
    assert_eq!(line["findings"][0], "icmp-reply");
    let steps: Vec<&str> = line["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        [
            "linux.vnc",
            "linux.resources",
            "triage.restart_last",
            "common.escalate"
        ]
    );
    let out = cmd()
        .args(["stats", "--data-dir"])
        .arg(data.path())
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{text}");
    assert!(text.contains("conversations: 1"), "{text}");
    assert!(text.contains("escalated"), "{text}");
    assert!(text.contains("common.escalate"), "{text}");
}

/// Saves each of `users`' conversations `rounds` times under `data`, through
/// the library as the bot writes them; returns once no process holds the store.
fn store_with(data: &std::path::Path, users: &[&str], rounds: usize, step: &str) {
    use vmd_core::session::{Session, SessionKey};
    use vmd_runtime::store::Store;
    let st = vmd_runtime::store::SledStore::open(&data.join("sled")).unwrap();
    for round in 0..rounds {
        for u in users {
            let mut s = Session::new(vmd_runtime::driver::now_ms());
            s.vars.insert("step".into(), format!("{step} {round}"));
            s.vars.insert("pad".into(), "y".repeat(500));
            st.save(&SessionKey::new("console", "local", u), &s)
                .unwrap();
        }
    }
    drop(st);
    wait_unlocked(&data.join("sled"));
}

/// Waits (bounded) until sled's background thread let go of the store's lock.
fn wait_unlocked(sled: &std::path::Path) {
    use std::os::unix::io::AsRawFd;
    for _ in 0..500 {
        let f = std::fs::File::open(sled.join("db")).unwrap();
        // SAFETY: flock on a descriptor this function owns.
        if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } == 0 {
            return;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    panic!("the store stayed locked");
}

/// Every file under `dir`, by relative path.
fn files(dir: &std::path::Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
    fn walk(
        root: &std::path::Path,
        dir: &std::path::Path,
        out: &mut std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>,
    ) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                walk(root, &p, out);
            } else {
                out.insert(
                    p.strip_prefix(root).unwrap().to_path_buf(),
                    std::fs::read(&p).unwrap(),
                );
            }
        }
    }
    let mut out = std::collections::BTreeMap::new();
    walk(dir, dir, &mut out);
    out
}

fn put_files(dir: &std::path::Path, all: &std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>) {
    for (rel, bytes) in all {
        std::fs::create_dir_all(dir.join(rel).parent().unwrap()).unwrap();
        std::fs::write(dir.join(rel), bytes).unwrap();
    }
}

/// `doctor` on `data`: exit code, stdout, stderr.
fn doctor(data: &std::path::Path) -> (Option<i32>, String, String) {
    let out = cmd()
        .args(["doctor", "--data-dir"])
        .arg(data)
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// A piped console in `data` with `script`: exit code, stdout, stderr.
fn console_once(data: &std::path::Path, script: &str) -> (Option<i32>, String, String) {
    let mut child = cmd()
        .args(["console", "--lang", "en", "--user", "user0", "--data-dir"])
        .arg(data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // One that refuses to start may exit before reading: a broken pipe is fine.
    let _ = child.stdin.take().unwrap().write_all(script.as_bytes());
    let out = child.wait_with_output().unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn store_line(out: &str) -> &str {
    out.lines()
        .find(|l| l.split_whitespace().nth(1) == Some("store"))
        .unwrap_or_else(|| panic!("no store line:\n{out}"))
}

#[test]
fn a_truncated_store_is_reported_by_console_and_doctor_never_a_panic() {
    let base = tempfile::tempdir().unwrap();
    // 100 conversations, each saved 60 times over 6 runs: sled's log spans
    // several segments and reuses freed ones, and its snapshot points into
    // segments a cut removes, where sled 0.34 indexes out of bounds. (This
    // exact history makes sled panic on the smaller cuts.)
    for run in 0..6 {
        use vmd_core::session::{Session, SessionKey};
        use vmd_runtime::store::Store;
        let sled = base.path().join("sled");
        if run > 0 {
            wait_unlocked(&sled);
        }
        let st = vmd_runtime::store::SledStore::open(&sled).unwrap();
        for i in 0..1000 {
            let mut s = Session::new(5);
            s.vars.insert("pad".into(), "y".repeat(500));
            let key = SessionKey::new("console", "local", &format!("u{}", i % 100));
            st.save(&key, &s).unwrap();
        }
        drop(st);
    }
    wait_unlocked(&base.path().join("sled"));
    let sled = files(&base.path().join("sled"));
    let len = sled[std::path::Path::new("db")].len() as u64;
    let mut cuts = vec![1, 4096, 100_000, len / 4, len / 2, len * 3 / 4, len - 1];
    cuts.retain(|c| *c < len);
    cuts.dedup();
    let mut panics = 0;
    for cut in cuts {
        let data = tempfile::tempdir().unwrap();
        put_files(&data.path().join("sled"), &sled);
        std::fs::OpenOptions::new()
            .write(true)
            .open(data.path().join("sled/db"))
            .unwrap()
            .set_len(cut)
            .unwrap();
        let before = files(&data.path().join("sled"));

        // doctor: never a panic, and the store exactly as it was.
        let (code, out, err) = doctor(data.path());
        assert!(!err.contains("panicked"), "cut at {cut}: {err}");
        assert!(
            files(&data.path().join("sled")) == before,
            "cut at {cut}: doctor changed the store"
        );
        let line = store_line(&out).to_owned();
        let intact = line.starts_with("ok");
        if intact {
            assert_eq!(code, Some(0), "cut at {cut}:\n{out}");
            // Whole indeed: every conversation is there.
            let (rep, _) = vmd_runtime::store::SledStore::inspect(&data.path().join("sled"))
                .unwrap()
                .unwrap();
            assert_eq!(rep.sessions, 100, "cut at {cut}: {rep:?}");
            assert!(!rep.damaged(), "cut at {cut}: {rep:?}");
        } else {
            // FAIL, exit 1.
            assert_eq!(code, Some(1), "cut at {cut}:\n{out}\n{err}");
            assert!(
                line.starts_with("FAIL") && line.contains("damaged"),
                "cut at {cut}: {line}"
            );
        }

        // The real start: refuses with the documented exit code and
        // message, or starts and says what was lost; or, when doctor found
        // the store whole, starts without a word.
        let (code, _, err) = console_once(data.path(), "/quit\n");
        assert!(!err.contains("panicked"), "cut at {cut}: {err}");
        match code {
            Some(2) => {
                assert!(!intact, "cut at {cut}: doctor said ok: {line}");
                assert!(
                    err.contains("cannot open the session store") && err.contains("damaged"),
                    "cut at {cut}: {err}"
                );
                if err.contains("sled failed while reading its files") {
                    panics += 1;
                }
            }
            Some(0) if intact => assert!(!err.contains("warning"), "cut at {cut}: {err}"),
            Some(0) => assert!(
                err.contains("warning: session store"),
                "cut at {cut}: no loss reported:\n{err}"
            ),
            other => panic!("cut at {cut}: exit {other:?}\n{err}"),
        }
    }
    assert!(
        panics > 0,
        "no cut made sled panic: the test lost its point"
    );
}

#[test]
fn a_record_rolled_back_by_a_truncated_log_is_reported_and_doctor_writes_nothing() {
    let data = tempfile::tempdir().unwrap();
    let sled = data.path().join("sled");
    store_with(data.path(), &["user0", "user1"], 1, "first");
    let old = files(&sled);
    // user0's conversation moves on; then sled's log loses that write (its
    // files go back, the side files stay): same number of records.
    store_with(data.path(), &["user0"], 1, "second");
    let side = |all: &std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>| {
        all.iter()
            .filter(|(p, _)| p.to_string_lossy().starts_with("vm-doctor-"))
            .map(|(p, b)| (p.clone(), b.clone()))
            .collect::<std::collections::BTreeMap<_, _>>()
    };
    let keep = side(&files(&sled));
    std::fs::remove_dir_all(&sled).unwrap();
    put_files(&sled, &old);
    put_files(&sled, &keep);
    let before = files(&sled);

    let (code, out, _) = doctor(data.path());
    assert_eq!(code, Some(1), "{out}");
    let line = store_line(&out);
    assert!(
        line.starts_with("FAIL") && line.contains("1 latest writes lost"),
        "{line}"
    );
    assert!(files(&sled) == before, "doctor changed the store");
    // Twice: doctor left nothing behind that hides it.
    let (code, out, _) = doctor(data.path());
    assert_eq!(code, Some(1), "{out}");

    let (code, _, err) = console_once(data.path(), "/quit\n");
    assert_eq!(code, Some(0), "{err}");
    assert!(err.contains("1 latest writes lost"), "{err}");
    // Reported once: the next start and doctor see a store that is whole again.
    let (code, _, err) = console_once(data.path(), "/quit\n");
    assert_eq!(code, Some(0), "{err}");
    assert!(!err.contains("warning: session store"), "{err}");
    let (_, out, _) = doctor(data.path());
    assert!(store_line(&out).starts_with("ok"), "{out}");
}

#[test]
fn data_reports_and_the_outcome_log_are_private_under_a_permissive_umask() {
    use std::os::unix::fs::PermissionsExt;
    use std::os::unix::process::CommandExt;
    let (open, _h) = ssh_like_listener();
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("data");
    let mut c = cmd();
    c.args(["console", "--lang", "en", "--user", "umask", "--data-dir"])
        .arg(&data)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    // SAFETY: umask is async-signal-safe.
    unsafe {
        c.pre_exec(|| {
            libc::umask(0o022);
            Ok(())
        });
    }
    let mut child = c.spawn().unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(
            format!("/diagnose 127.0.0.1 linux {open}\nin\nnormal\nskip\n/lang en\n/quit\n")
                .as_bytes(),
        )
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains("needs the support team"), "{text}");
    let mode = |p: &std::path::Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode(&data), 0o700);
    let mut seen = Vec::new();
    let mut stack = vec![data.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let m = mode(&p);
            if p.is_dir() {
                assert_eq!(m, 0o700, "{}", p.display());
                stack.push(p.clone());
            } else {
                assert_eq!(m, 0o600, "{}", p.display());
            }
            seen.push(
                p.strip_prefix(&data)
                    .unwrap()
                    .to_string_lossy()
                    .into_owned(),
            );
        }
    }
    for want in [
        "outcomes.jsonl",
        "reports",
        "sled",
        "sled/db",
        "sled/vm-doctor-records",
    ] {
        assert!(seen.iter().any(|s| s == want), "no {want} in {seen:?}");
    }
    assert!(
        seen.iter().any(|s| s.starts_with("reports/report-")),
        "{seen:?}"
    );
}
