//! The released binary, driven as a user would: runbook check/graph, probe,
//! and a console conversation against a real local listener that survives a
//! hard kill of the process.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_vm-doctor");

fn cmd() -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("VM_DOCTOR_CONFIG")
        .env("VM_DOCTOR_LOG", "warn")
        .env("VM_DOCTOR_ALLOW_TARGETS", "127.0.0.0/8")
        .env("VM_DOCTOR_CONNECT_TIMEOUT_MS", "800")
        .env("VM_DOCTOR_HANDSHAKE_TIMEOUT_MS", "800")
        .env("VM_DOCTOR_ICMP_TIMEOUT_MS", "800")
        .env("VM_DOCTOR_ICMP_COUNT", "1");
    c
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
            "key = \"normal\"\nlabel = \"linux-opt-resources-normal\"\nnext = \"common.escalate\"",
            "key = \"normal\"\nlabel = \"linux-opt-resources-normal\"\nnext = \"resources\"",
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
            "say = [\"linux-resources\"]\nunknown = \"common.escalate\"",
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

struct Proc {
    child: Child,
    stdin: ChildStdin,
    lines: Receiver<String>,
    seen: String,
}

impl Proc {
    fn start(data: &std::path::Path) -> Proc {
        let mut child = cmd()
            .args([
                "console",
                "--lang",
                "en",
                "--user",
                "restart-test",
                "--data-dir",
            ])
            .arg(data)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Proc {
            child,
            stdin,
            lines: rx,
            seen: String::new(),
        }
    }

    fn send(&mut self, line: &str) {
        self.seen.clear();
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// Waits until the output since the last `send` contains `needle`.
    fn expect(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.seen.contains(needle) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    self.seen.push_str(&l);
                    self.seen.push('\n');
                }
                Err(_) => panic!("timed out waiting for {needle:?}; got:\n{}", self.seen),
            }
        }
        self.seen.clone()
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
    assert!(out.contains("Port 3389: closed"), "{out}");
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
    assert_eq!(line["answers"], 2);
    assert_eq!(line["findings"][0], "icmp-reply");
    let steps: Vec<&str> = line["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(steps, ["linux.vnc", "linux.resources", "common.escalate"]);
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
