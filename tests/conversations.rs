//! Scripted console conversations with a fake prober: every branch of the
//! runbooks, in English and Korean, to a success and to a ticket, plus bad
//! input at every kind of prompt. Coverage of every runbook step is asserted.

mod support;

use std::collections::BTreeSet;
use std::sync::Mutex;
use support::*;
use vmd_core::command::Lang;

/// Steps reached by every script in this file, checked by `every_step_is_exercised`.
static REACHED: Mutex<BTreeSet<String>> = Mutex::new(BTreeSet::new());

struct Run {
    out: String,
    store: RecordingStore,
    prober: FakeProber,
    reports: tempfile::TempDir,
}

fn run(lang: Option<Lang>, worlds: &[World], script: &[&str]) -> Run {
    let prober = FakeProber::default();
    for w in worlds {
        let w = *w;
        prober.then(move |req| w.report(req));
    }
    let store = RecordingStore::default();
    let d = driver(prober.clone(), store.clone());
    let reports = tempfile::tempdir().unwrap();
    let mut text = script.join("\n");
    text.push('\n');
    let out = console(&d, lang, "tester", reports.path(), &text);
    REACHED
        .lock()
        .unwrap()
        .extend(store.steps.lock().unwrap().iter().cloned());
    assert_eq!(
        prober.remaining(),
        0,
        "the script expected more probes than ran\n{out}"
    );
    assert_no_raw_ids(&out);
    Run {
        out,
        store,
        prober,
        reports,
    }
}

/// A message id that failed to resolve is shown as the bare id: catch that.
fn assert_no_raw_ids(out: &str) {
    for line in out.lines() {
        let l = line
            .trim()
            .trim_start_matches(|c: char| c == '[' || c.is_ascii_digit() || c == ']' || c == ' ');
        let looks_like_id = !l.is_empty()
            && l.chars()
                .all(|c| c.is_ascii_lowercase() || c == '-' || c.is_ascii_digit())
            && l.contains('-');
        assert!(
            !looks_like_id,
            "unresolved message id {l:?} in output:\n{out}"
        );
    }
}

fn reached(r: &Run) -> BTreeSet<String> {
    r.store.steps.lock().unwrap().clone()
}

fn report_files(r: &Run) -> Vec<String> {
    std::fs::read_dir(r.reports.path())
        .map(|d| {
            d.map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn windows_registry_mismatch_fixed_in_english() {
    let r = run(
        Some(Lang::En),
        &[World::open(), World::open()],
        &[
            "/diagnose 203.0.113.10 windows",
            "windows",        // client computer, by label
            "1",              // self-diagnosis: bandwidth, by number
            "That is not it", // bandwidth: by full label
            "skip",           // restart: alias
            "timeout",        // user ping
            "connected",      // user port test
            "in",             // VNC
            "was on",         // allow remote
            "nothing",        // netstat
            "differ",         // registry
            "done",           // registry fixed
            "3390",           // registry port -> re-probe -> rdp ok -> confirm
            "works",
        ],
    );
    let steps = reached(&r);
    assert!(steps.contains("windows.registry_port"), "{steps:?}");
    assert!(steps.contains("triage.fixed"), "{steps:?}");
    assert!(r.out.contains("What I see from outside"), "{}", r.out);
    assert!(r.out.contains("[1] Windows"), "{}", r.out);
    assert!(r.out.contains("netstat -ant | findstr 3389"), "{}", r.out);
    assert!(
        r.out.contains("Test-NetConnection 203.0.113.10 -Port 3389"),
        "{}",
        r.out
    );
    assert!(r.out.contains("you're back in"), "{}", r.out);
    // The re-probe after the registry fix tested the new port.
    let reqs = r.prober.requests.lock().unwrap();
    assert_eq!(reqs.len(), 2);
    assert_eq!(reqs[1].ports[0].port, 3390);
}

#[test]
fn windows_filtered_to_ticket_in_korean() {
    let r = run(
        Some(Lang::Ko),
        &[
            World::filtered(),
            World::filtered(),
            World::filtered(),
            World::filtered(),
            World::filtered(),
        ],
        &[
            "/diagnose 203.0.113.10 windows",
            "2", // client: mac
            // self-diagnosis skipped: port filtered -> security group
            "1", // opened, re-check (still filtered) -> restart
            "1", // restarted, re-check (still filtered) -> ping
            "1", // ping replies
            "2", // port test failed (bot also blocked) -> VNC
            "1", // in
            "2", // turned on allow remote, re-check -> netstat
            "1", // listening -> restart RDS
            "1", // restarted RDS, re-check -> errors
            "1", // no logon right
            "2", // still fails -> escalate
        ],
    );
    let steps = reached(&r);
    assert!(steps.contains("triage.security_group"), "{steps:?}");
    assert!(!steps.contains("triage.self_check"), "{steps:?}");
    assert!(steps.contains("common.escalate"), "{steps:?}");
    assert!(r.out.contains("보안 그룹"), "{}", r.out);
    assert!(
        r.out
            .contains("https://console.cloud.tencent.com/workorder/category"),
        "{}",
        r.out
    );
    let reports = report_files(&r);
    assert_eq!(reports.len(), 1, "{}", r.out);
    let md = &reports[0];
    assert!(md.contains("203.0.113.10"), "{md}");
    assert!(md.contains("| TCP 3389 | filtered | timeout |"), "{md}");
    assert!(md.contains("port-filtered"), "{md}");
}

#[test]
fn windows_client_errors_with_back() {
    let r = run(
        Some(Lang::En),
        &[World::open()],
        &[
            "/diagnose 203.0.113.10 windows",
            "linux",
            "nothing",
            "skip",
            "replies",
            "connected",
            "in",
            "was on",
            "listening",
            "cannot", // restart RDS: can't -> errors
            "no right",
            "/back",
            "mac",
            "/back",
            "auth",
            "/back",
            "can't connect",
            "still",
        ],
    );
    let steps = reached(&r);
    for s in [
        "windows.err_logon_right",
        "windows.err_mac",
        "windows.err_auth",
        "windows.err_cannot_connect",
        "common.escalate",
    ] {
        assert!(steps.contains(s), "{s} not reached: {steps:?}");
    }
    assert!(r.out.contains("OK, one step back."), "{}", r.out);
    assert!(r.out.contains("nc -vz 203.0.113.10 3389"), "{}", r.out);
}

#[test]
fn windows_registry_same_and_vnc_fails() {
    let r = run(
        Some(Lang::En),
        &[World::closed(), World::closed()],
        &[
            "/diagnose 203.0.113.10 windows",
            "windows",
            "nothing",
            "skip",
            "replies",
            "failed", // bot sees closed too -> VNC
            "in",
            "was on",
            "nothing",
            "same", // registry same -> port question
            "3389", // re-probe, still closed -> restart RDS
            "cannot",
            "other", // errors: something else -> escalate
        ],
    );
    let steps = reached(&r);
    assert!(steps.contains("windows.registry_port"), "{steps:?}");
    assert!(steps.contains("common.escalate"), "{steps:?}");
    assert!(r.out.contains("nothing is listening"), "{}", r.out);
    let r2 = run(
        Some(Lang::En),
        &[World::closed()],
        &[
            "/diagnose 203.0.113.10 windows",
            "windows",
            "nothing",
            "skip",
            "replies",
            "failed",
            "cannot", // VNC doesn't work either -> escalate
        ],
    );
    assert!(reached(&r2).contains("common.escalate"));
    let r3 = run(
        Some(Lang::En),
        &[World::closed()],
        &[
            "/diagnose 203.0.113.10 windows",
            "windows",
            "nothing",
            "skip",
            "replies",
            "failed",
            "in",
            "was on",
            "nothing",
            "differ",
            "can't", // registry fix: can't -> escalate
        ],
    );
    assert!(reached(&r3).contains("windows.registry_fix"));
}

#[test]
fn linux_user_side_block_in_korean() {
    let r = run(
        Some(Lang::Ko),
        &[World::open()],
        &[
            "/diagnose 203.0.113.10 linux",
            "리눅스",         // client by Korean alias? (falls back to number if not)
            "6",              // self-diagnosis: nothing
            "2",              // no restart
            "1",              // ping replies
            "2",              // port test failed, but the bot sees it open -> your side
            "내 IP는 몰라요", // not an IP: localised re-prompt
            "198.51.100.7",
            "2", // still -> linux VNC
            "1", // in; firewall and sshd skipped (port open, ssh ok)
            "2", // resources normal -> escalate
        ],
    );
    let steps = reached(&r);
    for s in [
        "common.your_side",
        "common.source_rule",
        "linux.vnc",
        "linux.resources",
        "common.escalate",
    ] {
        assert!(steps.contains(s), "{s}: {steps:?}");
    }
    assert!(!steps.contains("linux.firewall"), "{steps:?}");
    assert!(
        r.out.contains("IP 주소가 아닙니다") || r.out.contains("IP 주소"),
        "{}",
        r.out
    );
    assert!(r.out.contains("198.51.100.7"), "{}", r.out);
    let md = report_files(&r).pop().expect("a report");
    assert!(md.contains("198.51.100.7"), "{md}");
}

#[test]
fn linux_load_recheck_fixed() {
    let r = run(
        Some(Lang::En),
        &[World::filtered(), World::open(), World::open()],
        &[
            "/diagnose 203.0.113.10 linux",
            "mac",
            // filtered -> security group step; go back to see the self-check instead
            "already", // rule already allows it -> restart
            "/back",
            "/back", // at client again
            "mac",   // self_check skipped again (still filtered) -> security group
            "/status",
            "already",
            "skip",
            "replies",
            "failed",
            "in",    // linux vnc -> firewall (filtered)
            "fixed", // opened the firewall, re-check: open -> confirm login
            "still", // -> linux.sshd, skipped (ssh ok) -> resources
            "high",
            "done", // re-check healthy -> confirm
            "works",
        ],
    );
    let steps = reached(&r);
    for s in [
        "linux.firewall",
        "linux.resources_fix",
        "triage.confirm_login",
        "triage.fixed",
    ] {
        assert!(steps.contains(s), "{s}: {steps:?}");
    }
    assert!(r.out.contains("Where we are"), "{}", r.out);
    assert!(r.out.contains("That made the difference"), "{}", r.out);
}

#[test]
fn linux_sshd_paths_and_custom_port() {
    let r = run(
        Some(Lang::En),
        &[
            World::filtered(),
            World::closed(),
            World::closed(),
            World::closed(),
            World::open(),
        ],
        &[
            "/diagnose 203.0.113.10 linux",
            "linux",
            "opened", // sg opened, re-check: closed now -> restart
            "skip",
            "timeout",
            "failed",
            "in",
            "allows", // firewall allows
            "fixed",  // sg step: fixed, re-check closed -> sshd
            "stopped",
            "started", // re-check: closed -> sshd_listen
            "none",    // -> sshd_start
            "fails",   // -> resources
            "/back",
            "/back", // sshd_listen
            "other", // -> custom port
            "70000", // bad port: re-prompt
            "2222",  // re-check 2222: open, ssh ok -> confirm
            "works",
        ],
    );
    let steps = reached(&r);
    for s in [
        "linux.security_group",
        "linux.sshd",
        "linux.sshd_start",
        "linux.sshd_listen",
        "linux.custom_port",
        "triage.fixed",
    ] {
        assert!(steps.contains(s), "{s}: {steps:?}");
    }
    assert!(r.out.contains("isn't a valid port"), "{}", r.out);
    let reqs = r.prober.requests.lock().unwrap();
    assert_eq!(reqs.last().unwrap().ports[0].port, 2222);
}

#[test]
fn linux_legacy_algorithms_and_other_branches() {
    let r = run(
        Some(Lang::En),
        &[World::legacy()],
        &[
            "/diagnose 203.0.113.10 linux",
            "linux",
            "nothing",
            "skip",
            "replies",
            "connected",
            "in",
            "works", // legacy step
        ],
    );
    assert!(reached(&r).contains("linux.legacy"));
    assert!(
        r.out
            .contains("-oKexAlgorithms=+diffie-hellman-group14-sha1"),
        "{}",
        r.out
    );

    let r = run(
        Some(Lang::En),
        &[World::closed()],
        &[
            "/diagnose 203.0.113.10 linux",
            "linux",
            "nothing",
            "skip",
            "replies",
            "failed",
            "slow", // vnc very slow -> resources
            "high",
            "cannot", // can't relieve load -> escalate
            "/back",
            "/back",
            "/back", // resources_fix, resources, vnc
            "cannot",
        ],
    );
    let steps = reached(&r);
    assert!(steps.contains("linux.resources_fix"), "{steps:?}");
    assert!(steps.contains("common.escalate"), "{steps:?}");

    let r = run(
        Some(Lang::En),
        &[World::closed()],
        &[
            "/diagnose 203.0.113.10 linux",
            "linux",
            "nothing",
            "skip",
            "replies",
            "failed",
            "in",
            "allows",
            "allows",
            "running",
            "yes",
            "normal",
        ],
    );
    assert!(reached(&r).contains("linux.sshd_listen"));
}

#[test]
fn triage_self_check_branches() {
    // Each self-diagnosis category, its re-check, and the way back.
    let r = run(
        Some(Lang::En),
        &[
            World::closed(),
            World::open(),
            World::closed(),
            World::closed(),
            World::open(),
        ],
        &[
            "/diagnose 203.0.113.10 linux",
            "linux",
            "blocked",
            "released", // re-check: open -> confirm
            "/back",    // back to blocked
            "/back",    // self_check
            "arrears",
            "paid", // re-check: closed -> restart
            "/back",
            "/back",
            "load",
            "changed", // re-check closed -> restart
            "/back",
            "/back",
            "security group",
            "/back",
            "bandwidth",
            "changed", // re-check open -> confirm login
            "works",
        ],
    );
    let steps = reached(&r);
    for s in [
        "triage.blocked",
        "triage.arrears",
        "triage.load",
        "triage.security_group",
        "triage.bandwidth",
        "triage.confirm_login",
        "triage.fixed",
    ] {
        assert!(steps.contains(s), "{s}: {steps:?}");
    }
    let r = run(
        Some(Lang::En),
        &[World::closed()],
        &["/diagnose 203.0.113.10 linux", "linux", "blocked", "still"],
    );
    assert!(reached(&r).contains("common.escalate"));
}

#[test]
fn conversational_start_and_bad_input_everywhere() {
    let r = run(
        Some(Lang::En),
        &[World::open()],
        &[
            "hello",     // greeting -> asks for the IP
            "my server", // not an IP
            "10.0.0.5",  // private: refused with an explanation
            "999.1.2.3",
            "203.0.113.10",
            "beos",        // unknown OS
            "auto",        // detect: both ports open -> can't tell -> asks
            "/lang xx",    // bad language
            "/frobnicate", // unknown command
            "windows",
            "7", // client: out of range
            "/status",
            "/ticket", // ticket at any point
            "windows",
            "/help",
            "/restart",
            "/quit",
        ],
    );
    let o = &r.out;
    for needle in [
        "What is your server's public IP address?",
        "\"my server\" isn't an IP address",
        "10.0.0.5 is a private network address",
        "I don't know the operating system \"beos\"",
        "couldn't tell the operating system",
        "I speak English",
        "I don't know that command",
        "I didn't catch \"7\"",
        "Where we are",
        "Open a support ticket here",
        "You can keep going",
        "/diagnose <ip>",
        "Starting over.",
        "Bye for now",
    ] {
        assert!(o.contains(needle), "missing {needle:?} in:\n{o}");
    }
    assert_eq!(report_files(&r).len(), 1);
}

#[test]
fn korean_conversation_reads_korean_and_lang_switches() {
    let r = run(
        None,
        &[World::open()],
        &[
            "/lang ko",
            "/diagnose 203.0.113.10 windows",
            "1",
            "/lang en",
            "/lang ko",
            "네? 뭐라고요", // not an option: Korean re-prompt
            "/quit",
        ],
    );
    assert!(
        r.out.contains("한국어") || r.out.contains("이제부터"),
        "{}",
        r.out
    );
    assert!(
        r.out.contains("From now on I'll answer in English"),
        "{}",
        r.out
    );
    assert!(r.out.contains("자가 진단"), "{}", r.out);
}

#[test]
fn auto_detects_the_os() {
    let linux_only = |req: &vmd_core::probe::ProbeRequest| {
        let mut rep = World::open().report(req);
        for p in rep.ports.iter_mut().filter(|p| p.port == 3389) {
            p.state = vmd_core::probe::PortState::Closed;
            p.reason = vmd_core::probe::PortReason::Reset;
        }
        rep.rdp = None;
        rep
    };
    let prober = FakeProber::default();
    prober.then(linux_only);
    let store = RecordingStore::default();
    let d = driver(prober, store.clone());
    let dir = tempfile::tempdir().unwrap();
    let out = console(
        &d,
        Some(Lang::En),
        "auto",
        dir.path(),
        "/diagnose 203.0.113.10 auto\n",
    );
    assert!(out.contains("this looks like a Linux server"), "{out}");
    assert!(out.contains("Port 22: open"), "{out}");
    assert!(out.contains("Port 3389: closed"), "{out}");
}

#[test]
fn windows_allow_remote_fixed_in_korean() {
    let r = run(
        Some(Lang::Ko),
        &[World::closed(), World::open()],
        &[
            "/diagnose 203.0.113.10 windows",
            "윈도우",
            "없음",
            "건너뛰기",
            "응답",
            "아니요",     // port test: failed (bot sees closed too)
            "접속했어요", // VNC
            "선택했어요", // allow remote was off; re-check: open -> confirm
            "성공",
        ],
    );
    let steps = reached(&r);
    assert!(steps.contains("windows.allow_remote"), "{steps:?}");
    assert!(steps.contains("triage.fixed"), "{steps:?}");
    assert!(
        r.out.contains("이 컴퓨터에 대한 원격 연결 허용"),
        "{}",
        r.out
    );
    assert!(!r.out.contains("I didn't catch"), "{}", r.out);
}

#[test]
fn linux_sshd_started_fixed_in_korean() {
    let r = run(
        Some(Lang::Ko),
        &[World::closed(), World::open()],
        &[
            "/diagnose 203.0.113.10 linux",
            "맥",
            "없음",
            "건너뛰기",
            "응답",
            "아니요",
            "네",   // in through VNC
            "허용", // firewall allows
            "1",    // security group already allows
            "중지", // sshd stopped
            "완료", // started; re-check: open -> confirm
            "성공",
        ],
    );
    let steps = reached(&r);
    for s in ["linux.firewall", "linux.sshd_start", "triage.fixed"] {
        assert!(steps.contains(s), "{s}: {steps:?}");
    }
    assert!(r.out.contains("sudo systemctl status sshd"), "{}", r.out);
    assert!(r.out.contains("nc -vz 203.0.113.10 22"), "{}", r.out);
    assert!(!r.out.contains("I didn't catch"), "{}", r.out);
}

/// Runs last by name order is not guaranteed, so it drives the other scripts itself.
#[test]
fn every_step_is_exercised() {
    windows_registry_mismatch_fixed_in_english();
    windows_filtered_to_ticket_in_korean();
    windows_client_errors_with_back();
    windows_registry_same_and_vnc_fails();
    linux_user_side_block_in_korean();
    linux_load_recheck_fixed();
    linux_sshd_paths_and_custom_port();
    linux_legacy_algorithms_and_other_branches();
    triage_self_check_branches();
    let reached = REACHED.lock().unwrap().clone();
    let loc = vmd_runtime::i18n::Localizer::embedded().unwrap();
    let rb = vmd_runtime::load_runbooks(vmd_runtime::RUNBOOK_FILES, &loc).unwrap();
    let missing: Vec<&str> = rb
        .steps()
        .map(|s| s.id.as_str())
        .filter(|id| !reached.contains(*id))
        .collect();
    assert!(missing.is_empty(), "steps no script reaches: {missing:?}");
}
