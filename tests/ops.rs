//! Operations, with the released binary: the health and metrics endpoint
//! scraped during a real console conversation, graceful shutdown on SIGTERM
//! (a turn under way finishes; one cut off by the deadline resumes at the same
//! step after a restart), and `vm-doctor doctor`.

#[path = "support/console.rs"]
mod console;

use console::Proc;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_vm-doctor");

fn cmd() -> Command {
    let mut c = console::vm_doctor(BIN);
    c.env_remove("VM_DOCTOR_DISCORD_TOKEN")
        .env_remove("VM_DOCTOR_HTTP_LISTEN");
    c
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A listener that greets like OpenSSH, then hangs up.
fn ssh_like_listener() -> u16 {
    listener(|mut s| {
        let _ = s.write_all(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
    })
}

/// A listener that accepts and then says nothing for a minute: the SSH
/// handshake waits for its whole deadline.
fn silent_listener() -> u16 {
    listener(|s| {
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_secs(60));
            drop(s);
        });
    })
}

fn listener(on: impl Fn(TcpStream) + Send + 'static) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = l.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            on(s);
        }
    });
    port
}

/// GET over HTTP/1.0: (status code, body).
fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
    write!(s, "GET {path} HTTP/1.0\r\nHost: localhost\r\n\r\n").unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let status = resp
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let body = resp
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

fn wait_http(port: u16) {
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "the HTTP endpoint never came up");
        std::thread::sleep(Duration::from_millis(50));
    }
}

impl Proc {
    fn start(data: &std::path::Path, env: &[(&str, &str)]) -> Proc {
        let mut c = cmd();
        c.args([
            "console",
            "--lang",
            "en",
            "--user",
            "ops-test",
            "--data-dir",
        ])
        .arg(data);
        for (k, v) in env {
            c.env(k, v);
        }
        Proc::spawn(&mut c)
    }

    /// Everything printed until stdout closes.
    fn rest(&mut self) -> String {
        while let Ok(l) = self.lines.recv_timeout(Duration::from_secs(30)) {
            self.seen.push_str(&l);
            self.seen.push('\n');
        }
        self.seen.clone()
    }

    fn sigterm(&self) {
        // SAFETY: kill(2) on our own child's pid.
        let r = unsafe { libc::kill(self.child.id() as libc::pid_t, libc::SIGTERM) };
        assert_eq!(r, 0);
    }

    /// Waits for the exit; (success, how long it took).
    fn wait_exit(&mut self, limit: Duration) -> (bool, Duration) {
        let start = Instant::now();
        loop {
            if let Some(st) = self.child.try_wait().unwrap() {
                return (st.success(), start.elapsed());
            }
            if start.elapsed() > limit {
                let _ = self.child.kill();
                panic!("vm-doctor did not exit within {limit:?}");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

#[test]
fn health_and_metrics_are_served_and_sigterm_exits_cleanly() {
    let ssh = ssh_like_listener();
    let http = free_port();
    let data = tempfile::tempdir().unwrap();
    let listen = format!("127.0.0.1:{http}");
    let mut p = Proc::start(data.path(), &[("VM_DOCTOR_HTTP_LISTEN", &listen)]);
    p.expect("What is your server's public IP address?");
    wait_http(http);
    assert_eq!(get(http, "/healthz"), (200, "ok\n".into()));
    assert_eq!(get(http, "/readyz").0, 200);
    assert_eq!(get(http, "/nope").0, 404);
    // What the container's HEALTHCHECK runs.
    let hc = cmd()
        .arg("healthcheck")
        .env("VM_DOCTOR_HTTP_LISTEN", format!("0.0.0.0:{http}"))
        .output()
        .unwrap();
    assert!(
        hc.status.success(),
        "{}",
        String::from_utf8_lossy(&hc.stderr)
    );
    // What the Kubernetes readiness probe runs.
    let hc = cmd()
        .args(["healthcheck", "--ready"])
        .env("VM_DOCTOR_HTTP_LISTEN", &listen)
        .output()
        .unwrap();
    assert!(
        hc.status.success(),
        "{}",
        String::from_utf8_lossy(&hc.stderr)
    );
    assert_eq!(String::from_utf8_lossy(&hc.stdout), "ready\n");

    p.send(&format!("/diagnose 127.0.0.1 linux {ssh}"));
    p.expect("[5] I don't know / I can't check this");
    p.send("in");
    p.expect("[4] I don't know / I can't check this");
    let (status, m) = get(http, "/metrics");
    assert_eq!(status, 200);
    for needle in [
        "vm_doctor_conversations_started_total{platform=\"console\"} 1",
        "vm_doctor_findings_total{code=\"icmp-reply\"} 1",
        "vm_doctor_active_conversations 1",
        "# TYPE vm_doctor_turns_in_flight gauge",
        "# TYPE vm_doctor_turn_duration_seconds histogram",
        "vm_doctor_turn_duration_seconds_count ",
        "vm_doctor_probe_duration_seconds_bucket{part=\"run\",le=\"+Inf\"} 1",
        // Linux: port 22 and the port asked for (3389 only when the OS is to be detected).
        "vm_doctor_probe_duration_seconds_bucket{part=\"port\",le=\"+Inf\"} 2",
    ] {
        assert!(m.contains(needle), "{needle:?} missing from:\n{m}");
    }
    // Labels never carry an address or a user.
    assert!(!m.contains("127.0.0.1"), "{m}");
    assert!(!m.contains("ops-test"), "{m}");

    p.send("normal");
    p.expect("Before I hand this over");
    p.send("skip");
    p.expect("needs the support team");
    // The reply is printed before the turn records the end: poll briefly.
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let (_, m) = get(http, "/metrics");
        let done = m.contains(
            "vm_doctor_conversation_outcomes_total{platform=\"console\",outcome=\"escalated\"} 1",
        ) && m.contains("vm_doctor_active_conversations 0");
        if done {
            break;
        }
        assert!(Instant::now() < deadline, "no outcome in:\n{m}");
        std::thread::sleep(Duration::from_millis(50));
    }

    // Idle: SIGTERM ends it at once, with status 0.
    p.sigterm();
    let (ok, took) = p.wait_exit(Duration::from_secs(15));
    assert!(ok, "exit status 0 after SIGTERM");
    assert!(took < Duration::from_secs(10), "{took:?}");
}

#[test]
fn sigterm_lets_the_turn_under_way_finish() {
    let slow = silent_listener();
    let data = tempfile::tempdir().unwrap();
    let env = [
        ("VM_DOCTOR_HANDSHAKE_TIMEOUT_MS", "2500"),
        ("VM_DOCTOR_SHUTDOWN_SECS", "20"),
    ];
    let mut p = Proc::start(data.path(), &env);
    p.expect("What is your server's public IP address?");
    p.send(&format!("/diagnose 127.0.0.1 linux {slow}"));
    p.expect("Checking 127.0.0.1");
    std::thread::sleep(Duration::from_millis(500));
    p.sigterm();
    // The probe (waiting for an SSH banner that never comes) finishes and its
    // summary and question are shown before the exit.
    let (ok, _) = p.wait_exit(Duration::from_secs(25));
    assert!(ok, "exit status 0");
    let out = p.rest();
    assert!(out.contains("What I see from outside"), "{out}");
    assert!(out.contains("I don't know / I can't check this"), "{out}");

    // After the restart the same question is asked again, no probe re-run.
    let mut p = Proc::start(data.path(), &[]);
    let out = p.expect("I don't know / I can't check this");
    assert!(!out.contains("middle of checking"), "{out}");
    p.send("/quit");
    p.expect("Bye for now");
    assert!(p.child.wait().unwrap().success());
}

#[test]
fn a_turn_cut_off_by_the_shutdown_deadline_resumes_after_restart() {
    let slow = silent_listener();
    let data = tempfile::tempdir().unwrap();
    let env = [
        ("VM_DOCTOR_HANDSHAKE_TIMEOUT_MS", "30000"),
        ("VM_DOCTOR_SHUTDOWN_SECS", "1"),
    ];
    let mut p = Proc::start(data.path(), &env);
    p.expect("What is your server's public IP address?");
    p.send(&format!("/diagnose 127.0.0.1 linux {slow}"));
    p.expect("Checking 127.0.0.1");
    std::thread::sleep(Duration::from_millis(300));
    p.sigterm();
    let (ok, took) = p.wait_exit(Duration::from_secs(15));
    assert!(ok, "exit status 0 even when the deadline cut a turn off");
    assert!(
        took < Duration::from_secs(10),
        "the 30 s handshake was not waited for: {took:?}"
    );
    let out = p.rest();
    assert!(!out.contains("What I see from outside"), "{out}");

    // The step (the first probe) is taken up again after the restart, and
    // counted for the operator.
    let http = free_port();
    let listen = format!("127.0.0.1:{http}");
    let mut p = Proc::start(
        data.path(),
        &[
            ("VM_DOCTOR_HANDSHAKE_TIMEOUT_MS", "500"),
            ("VM_DOCTOR_HTTP_LISTEN", &listen),
        ],
    );
    let out = p.expect("I don't know / I can't check this");
    assert!(out.contains("middle of checking"), "{out}");
    assert!(out.contains(&format!("Port {slow}: open")), "{out}");
    wait_http(http);
    let (_, m) = get(http, "/metrics");
    assert!(
        m.lines()
            .any(|l| l == "vm_doctor_interrupted_taken_up_total{platform=\"console\"} 1"),
        "{m}"
    );
    p.send("/quit");
    p.expect("Bye for now");
    assert!(p.child.wait().unwrap().success());
}

fn doctor(data: &std::path::Path, env: &[(&str, &str)]) -> (i32, String) {
    let mut c = cmd();
    c.args(["doctor", "--data-dir"]).arg(data);
    for (k, v) in env {
        c.env(k, v);
    }
    let out = c.output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn doctor_says_what_blocks_and_never_shows_a_token() {
    let data = tempfile::tempdir().unwrap();
    // A fresh host without tokens: nothing blocks (the console can run).
    let (code, out) = doctor(data.path(), &[]);
    assert_eq!(code, 0, "{out}");
    for check in [
        "config", "ops", "data-dir", "store", "icmp", "tokens", "egress", "http",
    ] {
        assert!(
            out.lines()
                .any(|l| l.split_whitespace().nth(1) == Some(check)),
            "no {check} line:\n{out}"
        );
    }
    assert!(out.contains("VM_DOCTOR_EGRESS_IPS is not set"), "{out}");

    // A token and an API base nobody listens on: blocked, and said so.
    let secret = "MTIzNDU2Nzg5.secret-token-value";
    let api = format!("http://127.0.0.1:{}/api", free_port());
    let (code, out) = doctor(
        data.path(),
        &[
            ("VM_DOCTOR_DISCORD_TOKEN", secret),
            ("VM_DOCTOR_DISCORD_API_URL", &api),
            ("VM_DOCTOR_EGRESS_IPS", "198.51.100.7"),
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert!(!out.contains(secret), "the token leaked:\n{out}");
    assert!(
        out.contains("VM_DOCTOR_DISCORD_TOKEN (values not shown)"),
        "{out}"
    );
    let line = out.lines().find(|l| l.contains("platform-api")).unwrap();
    assert!(
        line.starts_with("FAIL") && line.contains("not reachable"),
        "{line}"
    );
    assert!(out.contains("probing from 198.51.100.7"), "{out}");

    // Reachable API base: ok.
    let up = listener(drop);
    let api = format!("http://127.0.0.1:{up}/api");
    let (code, out) = doctor(
        data.path(),
        &[
            ("VM_DOCTOR_DISCORD_TOKEN", secret),
            ("VM_DOCTOR_DISCORD_API_URL", &api),
        ],
    );
    assert_eq!(code, 0, "{out}");

    // Another vm-doctor holds the store: blocked, with what to do.
    let mut p = Proc::start(data.path(), &[]);
    p.expect("What is your server's public IP address?");
    let (code, out) = doctor(data.path(), &[]);
    assert_eq!(code, 1, "{out}");
    let line = out.lines().find(|l| l.contains(" store ")).unwrap();
    assert!(
        line.starts_with("FAIL") && line.contains("another vm-doctor"),
        "{line}"
    );
    p.send("/quit");
    p.expect("Bye for now");
    p.child.wait().unwrap();

    // A bad setting: blocked.
    let (code, out) = doctor(data.path(), &[("VM_DOCTOR_SHUTDOWN_SECS", "soon")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("VM_DOCTOR_SHUTDOWN_SECS"), "{out}");
    let (code, out) = doctor(data.path(), &[("VM_DOCTOR_LANG", "fr")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.starts_with("FAIL  config"), "{out}");
}

#[test]
fn half_sent_requests_are_closed_and_real_ones_still_answered() {
    let http = free_port();
    let data = tempfile::tempdir().unwrap();
    let listen = format!("127.0.0.1:{http}");
    let mut p = Proc::start(data.path(), &[("VM_DOCTOR_HTTP_LISTEN", &listen)]);
    p.expect("What is your server's public IP address?");
    wait_http(http);
    // A slowloris client: many connections, each with half a request head.
    let mut slow = Vec::new();
    for _ in 0..40 {
        let mut s = TcpStream::connect(("127.0.0.1", http)).unwrap();
        s.write_all(b"GET /metrics HTTP/1.1\r\nHost: localhost\r\n")
            .unwrap();
        slow.push(s);
    }
    // A real request is answered meanwhile.
    assert_eq!(get(http, "/healthz"), (200, "ok\n".into()));
    // Every half-sent request is closed by the server after the header
    // deadline (the read ends; a minute is only a bound for a broken build).
    for mut s in slow {
        s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
        let mut got = Vec::new();
        let r = s.read_to_end(&mut got);
        assert!(
            r.is_ok() || matches!(&r, Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset),
            "the server never closed a half-sent request: {r:?}"
        );
        assert!(!String::from_utf8_lossy(&got).contains("200 OK"));
    }
    assert_eq!(get(http, "/healthz").0, 200);
    p.sigterm();
    assert!(p.wait_exit(Duration::from_secs(15)).0);
}

#[test]
fn doctor_never_shows_the_password_of_an_api_url() {
    let data = tempfile::tempdir().unwrap();
    for api in [
        format!("http://bot:hunter2@127.0.0.1:{}/api", free_port()),
        "http://bot:hunter2@nowhere.invalid/api".to_owned(),
        "http://bot:hunter2@/api".to_owned(),
    ] {
        let (code, out) = doctor(
            data.path(),
            &[
                ("VM_DOCTOR_DISCORD_TOKEN", "MTIz.token"),
                ("VM_DOCTOR_DISCORD_API_URL", &api),
            ],
        );
        assert_eq!(code, 1, "{out}");
        assert!(!out.contains("hunter2"), "{out}");
        assert!(out.contains("platform-api"), "{out}");
    }
}

/// Counts every call into the store it wraps.
#[derive(Default)]
struct Counting {
    inner: vmd_runtime::store::MemStore,
    calls: std::sync::atomic::AtomicUsize,
}

impl Counting {
    fn hit(&self) {
        self.calls.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
    }
    fn calls(&self) -> usize {
        self.calls.load(std::sync::atomic::Ordering::SeqCst)
    }
}

use vmd_core::session::{Session, SessionKey};
use vmd_runtime::store::{Store, StoreError};

impl Store for Counting {
    fn load(&self, key: &SessionKey) -> Result<Option<Session>, StoreError> {
        self.hit();
        self.inner.load(key)
    }
    fn save(&self, key: &SessionKey, s: &Session) -> Result<(), StoreError> {
        self.hit();
        self.inner.save(key, s)
    }
    fn delete(&self, key: &SessionKey) -> Result<(), StoreError> {
        self.hit();
        self.inner.delete(key)
    }
    fn prune(&self, cutoff_ms: u64) -> Result<usize, StoreError> {
        self.hit();
        self.inner.prune(cutoff_ms)
    }
    fn prune_with(
        &self,
        cutoff_ms: u64,
        expired: &mut dyn FnMut(&SessionKey, &Session),
    ) -> Result<usize, StoreError> {
        self.hit();
        self.inner.prune_with(cutoff_ms, expired)
    }
    fn interrupted(&self) -> Result<Vec<SessionKey>, StoreError> {
        self.hit();
        self.inner.interrupted()
    }
    fn user_lang(
        &self,
        platform: &str,
        user: &str,
    ) -> Result<Option<vmd_core::command::Lang>, StoreError> {
        self.hit();
        self.inner.user_lang(platform, user)
    }
    fn set_user_lang(
        &self,
        platform: &str,
        user: &str,
        lang: vmd_core::command::Lang,
    ) -> Result<(), StoreError> {
        self.hit();
        self.inner.set_user_lang(platform, user, lang)
    }
}

#[test]
fn a_scrape_reads_running_counts_never_the_store() {
    use std::sync::Arc;
    use vm_doctor::ops::{active_gauge, Ops, OpsConfig};
    let ssh = ssh_like_listener();
    let http = free_port();
    let env: std::collections::HashMap<String, String> = [
        ("VM_DOCTOR_ALLOW_TARGETS", "127.0.0.0/8".to_owned()),
        ("VM_DOCTOR_CONNECT_TIMEOUT_MS", "800".to_owned()),
        ("VM_DOCTOR_HANDSHAKE_TIMEOUT_MS", "800".to_owned()),
        ("VM_DOCTOR_ICMP_TIMEOUT_MS", "800".to_owned()),
        ("VM_DOCTOR_ICMP_COUNT", "1".to_owned()),
        ("VM_DOCTOR_HTTP_LISTEN", format!("127.0.0.1:{http}")),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_owned(), v))
    .collect();
    let data = tempfile::tempdir().unwrap();
    let cfg = vm_doctor::config::Config::load(None, &env).unwrap();
    let store = Arc::new(Counting::default());
    let prober = vmd_probe::NetProber::new(cfg.probe.clone());
    let driver = Arc::new(
        vm_doctor::build_driver(&cfg, vmd_runtime::RUNBOOK_FILES, prober, store.clone()).unwrap(),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let ops = Ops::start(
            OpsConfig::from_env(&env).unwrap(),
            data.path().to_owned(),
            Arc::new(|| Ok(())),
            active_gauge(&driver),
        )
        .await
        .unwrap();
        let port = ops.addr.unwrap().port();
        // Two conversations under way.
        for user in ["a", "b"] {
            let key = SessionKey::new("console", "local", user);
            driver
                .turn(
                    &key,
                    vmd_core::engine::Input::Text(format!("/diagnose 127.0.0.1 linux {ssh}")),
                    None,
                    &mut |_| {},
                )
                .await
                .unwrap();
        }
        let before = store.calls();
        for _ in 0..5 {
            let (status, m) = tokio::task::spawn_blocking(move || get(port, "/metrics"))
                .await
                .unwrap();
            assert_eq!(status, 200);
            let active = m
                .lines()
                .find(|l| l.starts_with("vm_doctor_active_conversations "))
                .unwrap_or_default()
                .to_owned();
            assert_eq!(active, "vm_doctor_active_conversations 2", "{m}");
        }
        assert_eq!(store.calls(), before, "a scrape touched the store");
    });
}
