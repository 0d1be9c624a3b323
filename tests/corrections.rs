//! Corrections at any step, in English and Korean, through the console with
//! a fake prober: a new address, OS or login port named in a sentence is
//! confirmed with buttons and then applied (a fresh probe, a re-check of the
//! login port in force, the first question routed afresh); a number a
//! question asks for stays an answer; `/back` reaches the OS question; the
//! summary, `/status`, the report and the ticket carry what is in force.

mod support;

use support::*;
use vmd_core::command::Lang;
use vmd_core::probe::{ProbeRequest, Service};

struct Run {
    out: String,
    store: RecordingStore,
    prober: FakeProber,
    reports: tempfile::TempDir,
}

fn run(lang: Lang, worlds: &[World], script: &[&str]) -> Run {
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
    let out = console(&d, Some(lang), "tester", reports.path(), &text);
    assert_eq!(
        prober.remaining(),
        0,
        "the script expected more probes than ran\n{out}"
    );
    assert!(!out.contains("panicked"), "{out}");
    assert!(!out.contains("{$"), "{out}");
    Run {
        out,
        store,
        prober,
        reports,
    }
}

impl Run {
    fn requests(&self) -> Vec<ProbeRequest> {
        // The probes the conversation asked for (the alternate-port check
        // after a closed first look is not one of them).
        self.prober.user_requests()
    }

    fn reached(&self, step: &str) -> bool {
        self.store.steps.lock().unwrap().contains(step)
    }

    fn report(&self) -> String {
        let files: Vec<String> = std::fs::read_dir(self.reports.path())
            .unwrap()
            .map(|e| std::fs::read_to_string(e.unwrap().path()).unwrap())
            .collect();
        assert_eq!(files.len(), 1, "{}", self.out);
        files.into_iter().next().unwrap_or_default()
    }

    fn has(&self, text: &str) -> bool {
        self.out.contains(text)
    }
}

/// The output after the last occurrence of `marker`.
fn after<'a>(out: &'a str, marker: &str) -> &'a str {
    out.rfind(marker).map(|i| &out[i..]).unwrap_or("")
}

#[test]
fn a_new_address_in_a_sentence_is_confirmed_then_checked_afresh() {
    for (lang, sentence, ask, switch, in_force, status) in [
        (
            Lang::En,
            "sorry, wrong IP, it's 203.0.113.11",
            "You gave me 203.0.113.10 before, and now 203.0.113.11.",
            "Switch to 203.0.113.11 and check it",
            "Now in force: 203.0.113.11 (Linux), login port 22",
            "Corrected: server address 203.0.113.10 → 203.0.113.11",
        ),
        (
            Lang::Ko,
            "아 IP 잘못 드렸어요 203.0.113.11예요",
            "앞에서는 203.0.113.10 주소를 알려 주셨는데, 지금은 203.0.113.11 주소라고 하셨어요.",
            "203.0.113.11 서버로 바꿔서 점검하기",
            "현재 기준: 203.0.113.11 (Linux), 로그인 포트 22번",
            "정정한 내용: 서버 주소 203.0.113.10 → 203.0.113.11",
        ),
    ] {
        // Halfway: after the first answer, at the sshd question.
        let r = run(
            lang,
            &[World::closed(), World::closed()],
            &[
                "/diagnose 203.0.113.10 linux",
                "1",
                sentence,
                "1",
                "/status",
            ],
        );
        assert!(r.has(ask), "{}", r.out);
        assert!(r.has(switch), "{}", r.out);
        assert!(r.has(in_force), "{}", r.out);
        assert!(r.has(status), "{}", r.out);
        let reqs = r.requests();
        assert_eq!(reqs.len(), 2, "{}", r.out);
        // A fresh first look: ping and both login ports.
        assert_eq!(reqs[1].target.to_string(), "203.0.113.11");
        assert!(reqs[1].icmp);
        assert!(reqs[1].ports.iter().any(|p| p.port == 22));
        // Routed afresh: the first question of the closed-linux route again.
        let tail = after(&r.out, ask);
        assert!(
            tail.contains("VNC"),
            "the first question was not asked again: {tail}"
        );
    }
}

#[test]
fn keeping_the_address_changes_nothing() {
    for (lang, sentence, kept) in [
        (
            Lang::En,
            "it's 203.0.113.11 actually",
            "OK, staying with 203.0.113.10.",
        ),
        (
            Lang::Ko,
            "203.0.113.11 서버예요",
            "네, 203.0.113.10 서버 그대로 진행할게요.",
        ),
    ] {
        let r = run(
            lang,
            &[World::closed()],
            &["/diagnose 203.0.113.10 linux", sentence, "2", "/status"],
        );
        assert!(r.has(kept), "{}", r.out);
        assert_eq!(r.requests().len(), 1, "{}", r.out);
        assert!(!r.has("→"), "{}", r.out);
        // Back at the question it interrupted.
        assert!(r.reached("linux.vnc"));
    }
}

#[test]
fn a_new_address_the_policy_refuses_is_not_probed() {
    let r = run(
        Lang::En,
        &[World::closed()],
        &[
            "/diagnose 203.0.113.10 linux",
            "sorry wrong ip, it's 198.51.100.7",
            "/status",
        ],
    );
    assert_eq!(r.requests().len(), 1, "{}", r.out);
    // Refused at once, with the reason; no switch is offered.
    assert!(r.has("198.51.100.7 is reserved"), "{}", r.out);
    assert!(!r.has("Switch to 198.51.100.7"), "{}", r.out);
    assert!(r.has("Where we are: 203.0.113.10"), "{}", r.out);
    assert!(!r.has("Corrected:"), "{}", r.out);
}

#[test]
fn a_new_os_switches_the_runbook_and_re_checks_its_login_port() {
    for (lang, from, sentence, port, service, first, in_force) in [
        (
            Lang::En,
            "linux",
            "it's windows actually",
            3389,
            Service::Rdp,
            "windows.vnc",
            "Now in force: 203.0.113.10 (Windows), login port 3389",
        ),
        (
            Lang::En,
            "windows",
            "it's ubuntu actually",
            22,
            Service::Ssh,
            "linux.vnc",
            "Now in force: 203.0.113.10 (Linux), login port 22",
        ),
        (
            Lang::Ko,
            "linux",
            "윈도우 서버예요",
            3389,
            Service::Rdp,
            "windows.vnc",
            "현재 기준: 203.0.113.10 (Windows), 로그인 포트 3389번",
        ),
        (
            Lang::Ko,
            "windows",
            "윈도우 말고 우분투예요",
            22,
            Service::Ssh,
            "linux.vnc",
            "현재 기준: 203.0.113.10 (Linux), 로그인 포트 22번",
        ),
    ] {
        let r = run(
            lang,
            &[World::closed(), World::closed()],
            &[
                &format!("/diagnose 203.0.113.10 {from}"),
                sentence,
                "1",
                "/ticket",
            ],
        );
        let reqs = r.requests();
        assert_eq!(reqs.len(), 2, "{}", r.out);
        // The login port of the new OS, with its handshake; nothing else.
        assert_eq!(reqs[1].ports.len(), 1, "{:?}", reqs[1]);
        assert_eq!(reqs[1].ports[0].port, port);
        assert_eq!(reqs[1].ports[0].service, Some(service));
        assert!(r.reached(first), "{}", r.out);
        assert!(r.has(in_force), "{}", r.out);
        // The ticket carries the OS and port in force.
        let os = if port == 22 { "linux" } else { "windows" };
        assert!(
            r.has(&format!("&os={os}&port={port}")),
            "ticket without the values in force: {}",
            r.out
        );
        let report = r.report();
        assert!(report.contains(&format!("{port}")), "{report}");
        assert!(
            report.contains("corrected the operating system")
                || report.contains("운영 체제를 정정했어요"),
            "{report}"
        );
    }
}

#[test]
fn a_new_port_is_re_checked_and_becomes_the_login_port() {
    for (lang, sentence, done) in [
        (
            Lang::En,
            "port is 2222 not 22",
            "From now on the login port is 2222.",
        ),
        (
            Lang::Ko,
            "ssh는 2222 포트 써요",
            "이제부터 로그인 포트는 2222번이에요.",
        ),
    ] {
        let r = run(
            lang,
            &[World::closed(), World::open()],
            &["/diagnose 203.0.113.10 linux", sentence, "1", "/ticket"],
        );
        assert!(r.has(done), "{}", r.out);
        let reqs = r.requests();
        assert_eq!(reqs.len(), 2, "{}", r.out);
        assert_eq!(reqs[1].ports.len(), 1);
        assert_eq!(reqs[1].ports[0].port, 2222);
        assert_eq!(reqs[1].ports[0].service, Some(Service::Ssh));
        // Healthy on the corrected port: routed afresh to the ssh-ok row.
        assert!(r.reached("linux.client_error"), "{}", r.out);
        assert!(r.has("&os=linux&port=2222"), "{}", r.out);
        let report = r.report();
        assert!(
            report.contains("login port from 22 to 2222")
                || report.contains("로그인 포트를 정정했어요(22 → 2222)"),
            "{report}"
        );
    }
}

#[test]
fn a_port_the_question_asks_for_is_an_answer_not_a_correction() {
    // At the input step for sshd's port, and where the question asks which
    // port sshd listens on.
    for (lang, script) in [
        (
            Lang::En,
            &[
                "/diagnose 203.0.113.10 linux",
                "in",
                "socket",
                "other port",
                "it's port 2222",
            ][..],
        ),
        (
            Lang::Ko,
            &[
                "/diagnose 203.0.113.10 linux",
                "네",
                "socket",
                "다른 포트",
                "포트는 2222번이에요",
            ][..],
        ),
    ] {
        let r = run(lang, &[World::closed(), World::open()], script);
        assert!(r.reached("linux.custom_port"), "{}", r.out);
        assert!(!r.has("2222?") && !r.has("2222번이라고"), "{}", r.out);
        let reqs = r.requests();
        assert_eq!(reqs.len(), 2, "{}", r.out);
        assert_eq!(reqs[1].ports[0].port, 2222);
    }
}

#[test]
fn back_reaches_the_os_question_and_another_os_routes_afresh() {
    for (lang, os_question) in [
        (Lang::En, "Which operating system does 203.0.113.10 run?"),
        (Lang::Ko, "203.0.113.10 서버의 운영 체제는 무엇인가요?"),
    ] {
        let r = run(
            lang,
            &[World::closed(), World::closed()],
            &[
                "/diagnose 203.0.113.10 linux",
                "1",
                "/back",
                "/back",
                "1", // Windows
                "/status",
            ],
        );
        assert!(r.has(os_question), "{}", r.out);
        let reqs = r.requests();
        assert_eq!(reqs.len(), 2, "{}", r.out);
        assert_eq!(reqs[1].ports[0].port, 3389);
        assert!(r.reached("windows.vnc"), "{}", r.out);
        assert!(
            r.has("Corrected: operating system Linux → Windows")
                || r.has("정정한 내용: 운영 체제 Linux → Windows"),
            "{}",
            r.out
        );
    }
}

#[test]
fn the_same_os_at_the_os_question_asks_the_first_question_again() {
    // The same OS, or "detect it" once a probe knows it: nothing changes.
    for answer in ["2", "3"] {
        let r = run(
            Lang::En,
            &[World::closed()],
            &["/diagnose 203.0.113.10 linux", "/back", answer, "/status"],
        );
        assert_eq!(r.requests().len(), 1, "{}", r.out);
        assert!(!r.has("Corrected"), "{}", r.out);
        assert!(r.has("Where we are: 203.0.113.10 (Linux)"), "{}", r.out);
        assert!(r.reached("linux.vnc"));
    }
}

/// "no" alone answers the VNC question ("VNC doesn't work either"); with a
/// new OS in the sentence it is the correction that is asked about first.
#[test]
fn a_correction_comes_before_a_yes_or_no_in_the_same_sentence() {
    for (lang, sentence, ask) in [
        (
            Lang::En,
            "no sorry, it's windows not linux",
            "So far I've checked this as a Linux server, and you say it runs Windows.",
        ),
        (
            Lang::Ko,
            "아니요 윈도우 서버예요",
            "지금까지는 Linux 서버로 보고 점검했는데, Windows 서버라고 하셨어요.",
        ),
    ] {
        let r = run(
            lang,
            &[World::closed()],
            &["/diagnose 203.0.113.10 linux", sentence],
        );
        assert!(r.has(ask), "{}", r.out);
        // Not taken as "VNC doesn't work either".
        assert!(!r.reached("common.escalate"), "{}", r.out);
        assert!(!r.has("handed"), "{}", r.out);
    }
}

/// A port the old OS logged in on is not the new one's: a ticket after the
/// switch names Windows and 3389, not Linux's 2222.
#[test]
fn a_ticket_after_an_os_switch_names_the_new_login_port() {
    let r = run(
        Lang::En,
        &[World::closed(), World::closed()],
        &[
            "/diagnose 203.0.113.10 linux 2222",
            "it's a windows server",
            "1",
            "/ticket",
        ],
    );
    let reqs = r.requests();
    assert_eq!(reqs.len(), 2, "{}", r.out);
    assert_eq!(reqs[1].ports[0].port, 3389);
    assert!(r.has("&os=windows&port=3389"), "{}", r.out);
    assert!(r.has("Switch to Windows and check port 3389"), "{}", r.out);
    let report = r.report();
    assert!(report.contains("login port 3389"), "{report}");
    assert!(
        report.contains("corrected the operating system from Linux to Windows"),
        "{report}"
    );
}

/// A port the port policy refuses is refused at once, like a typed one.
#[test]
fn a_port_the_policy_refuses_is_not_offered() {
    let r = run(
        Lang::En,
        &[World::closed()],
        &["/diagnose 203.0.113.10 linux", "ssh uses port 80 not 22"],
    );
    assert!(r.has("I can't check port 80"), "{}", r.out);
    assert!(!r.has("Switch to port 80"), "{}", r.out);
    assert_eq!(r.requests().len(), 1);
}

/// A switch to a new address is a probe like any other: the runtime's
/// admission (here the user's budget, one probe) refuses it and says why.
#[test]
fn a_new_address_does_not_bypass_the_rate_limits() {
    let prober = FakeProber::default();
    prober.then(|req| World::closed().report(req));
    let store = RecordingStore::default();
    let mut cfg = test_config();
    cfg.admission.per_user = vmd_runtime::admission::Rate::new(1, 600);
    let d =
        vm_doctor::build_driver(&cfg, vmd_runtime::RUNBOOK_FILES, prober.clone(), store).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let out = console(
        &d,
        Some(Lang::En),
        "limited",
        dir.path(),
        "/diagnose 203.0.113.10 linux\nsorry wrong ip, it's 203.0.113.11\n1\n",
    );
    assert_eq!(prober.requests.lock().unwrap().len(), 1, "{out}");
    assert_eq!(prober.remaining(), 0);
    assert!(out.contains("You've started a lot of checks"), "{out}");
    // Nothing was probed at the new address: it is asked for again.
    assert!(
        after(&out, "You've started a lot of checks").contains("public IP address"),
        "{out}"
    );
}

/// A user who writes in Korean to a conversation that speaks English (the
/// console's locale, Slack, a Discord client in English) is answered in
/// Korean from that message on, told once how to switch back; a language the
/// user chose with `/lang` is never overridden; Korean to a Korean
/// conversation says nothing about languages.
#[test]
fn a_user_who_writes_in_korean_is_answered_in_korean() {
    let r = run(
        Lang::En,
        &[World::closed()],
        &["서버에 접속이 안 돼요. 203.0.113.5 우분투예요"],
    );
    assert!(
        r.out.contains("지금부터 한국어로 안내해 드릴게요"),
        "{}",
        r.out
    );
    assert!(r.out.contains("외부에서 확인한 결과"), "{}", r.out);
    assert!(!r.out.contains("What I see from outside"), "{}", r.out);

    // Chosen with /lang: stays, whatever is typed after.
    let r = run(
        Lang::En,
        &[World::closed()],
        &["/lang en", "서버 203.0.113.5 우분투"],
    );
    assert!(!r.out.contains("지금부터 한국어로"), "{}", r.out);
    assert!(r.out.contains("What I see from outside"), "{}", r.out);

    // Already Korean: no note. Latin text alone never switches.
    let r = run(Lang::Ko, &[World::closed()], &["203.0.113.5 우분투예요"]);
    assert!(!r.out.contains("한국어로 적어 주셔서"), "{}", r.out);
    let r = run(
        Lang::En,
        &[World::closed()],
        &["203.0.113.5 ubuntu, ssh says refused"],
    );
    assert!(!r.out.contains("한국어"), "{}", r.out);
}

#[test]
fn another_linux_family_changes_the_commands_at_once() {
    // "Actually it's Ubuntu, not CentOS" at the sshd question: no probe, no
    // confirmation; the same question again with Ubuntu's unit name, and
    // the correction in /status and the report.
    for (lang, first, sentence, said, status) in [
        (
            Lang::En,
            "ssh to 203.0.113.10 fails, it's centos 7",
            "oh wait, it's actually ubuntu not centos",
            "Got it, Ubuntu or Debian then.",
            "Corrected: Linux distribution CentOS/Rocky/RHEL → Ubuntu/Debian",
        ),
        (
            Lang::Ko,
            "203.0.113.10 센토스 서버에 ssh 접속이 안 돼요",
            "아 센토스 말고 우분투예요",
            "Ubuntu/Debian 계열이군요",
            "정정한 내용: Linux 배포판 CentOS/Rocky/RHEL → Ubuntu/Debian",
        ),
    ] {
        let r = run(
            lang,
            &[World::closed()],
            &[first, "in", sentence, "/status", "/ticket", "/quit"],
        );
        assert!(r.has(said), "{}", r.out);
        let tail = after(&r.out, said);
        assert!(tail.contains("systemctl status ssh`"), "{}", r.out);
        assert!(r.has(status), "{}", r.out);
        // One probe: the family changes commands, not the server.
        assert_eq!(r.requests().len(), 1, "{}", r.out);
        assert!(r.report().contains("Ubuntu/Debian"), "{}", r.out);
    }
    // Named beside an answer, without saying it corrects anything, the
    // answer goes on.
    let r = run(
        Lang::En,
        &[World::closed()],
        &[
            "ssh to 203.0.113.10 fails, it's centos 7",
            "in",
            "ubuntu box, sshd is active (running)",
            "/quit",
        ],
    );
    assert!(!r.has("Got it, Ubuntu"), "{}", r.out);
    assert!(r.reached("linux.sshd_listen"), "{}", r.out);
}
