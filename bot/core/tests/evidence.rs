//! The evidence model in conversations: contradictions named with the one
//! that wins, pastes that never answer against a fact they hold, routes that
//! record what decided them, and the report built from it. Pure.

use std::net::IpAddr;
use vmd_core::command::{Command, Os};
use vmd_core::evidence::{self, Source, TABLE};
use vmd_core::msg::{Arg, Msg};
use vmd_core::policy::TargetPolicy;
use vmd_core::probe::*;
use vmd_core::report::Report;
use vmd_core::runbook::{Cond, Runbooks};
use vmd_core::session::{Phase, Session};
use vmd_core::{Effect, Engine, EngineConfig, Input};

const FILES: &[(&str, &str)] = &[
    ("triage.toml", include_str!("../../runbooks/triage.toml")),
    ("common.toml", include_str!("../../runbooks/common.toml")),
    ("windows.toml", include_str!("../../runbooks/windows.toml")),
    ("linux.toml", include_str!("../../runbooks/linux.toml")),
    ("routes.toml", include_str!("../../runbooks/routes.toml")),
];

fn runbooks() -> Runbooks {
    Runbooks::load(FILES, "triage").unwrap()
}

fn engine() -> Engine {
    Engine::new(
        runbooks(),
        EngineConfig {
            idle_ttl_ms: 3_600_000,
            policy: TargetPolicy::new(vec!["203.0.113.0/24".parse().unwrap()]),
            egress: Vec::new(),
        },
    )
}

fn ip() -> IpAddr {
    "203.0.113.9".parse().unwrap()
}

fn msgs(fx: &[Effect]) -> Vec<&Msg> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Say(r) => Some(r),
            _ => None,
        })
        .flat_map(|r| r.parts.iter())
        .collect()
}

fn arg<'a>(m: &'a Msg, k: &str) -> Option<&'a str> {
    match m.args.get(k) {
        Some(Arg::Str(s)) => Some(s.as_str()),
        _ => None,
    }
}

/// A Linux conversation whose first probe found port 22 in `state`.
fn started(e: &Engine, state: PortState, reason: PortReason) -> Session {
    let mut s = Session::new(0);
    let fx = handle(
        e,
        &mut s,
        Input::Text("I can't log in to my ubuntu server 203.0.113.9".into()),
        2,
    );
    assert_eq!(s.known_os(), Some(Os::Linux));
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::Probe(r) => Some(r.clone()),
            _ => None,
        })
        .expect("a probe");
    let fx = handle(
        e,
        &mut s,
        Input::ProbeDone(Box::new(ProbeReport::uniform(&req, state, reason, 5))),
        3,
    );
    // A closed or dropped login port: the ports a moved sshd often uses are
    // checked next; none answers here.
    if let Some(alt) = fx.iter().find_map(|e| match e {
        Effect::Probe(r) => Some(r.clone()),
        _ => None,
    }) {
        assert!(alt.alternates, "{alt:?}");
        handle(
            e,
            &mut s,
            Input::ProbeDone(Box::new(ProbeReport::uniform(
                &alt,
                PortState::Closed,
                PortReason::Reset,
                5,
            ))),
            3,
        );
    }
    s
}

const UFW_OFF_IPTABLES_REJECTS: &str = "$ sudo ufw status\nStatus: inactive\n$ sudo iptables -S\n\
     -P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n\
     -A INPUT -p tcp -m tcp --dport 22 -j REJECT --reject-with tcp-reset";

/// The case: at the firewall step, `ufw` inactive and an iptables
/// rule rejecting the login port in one paste. The paste does not answer
/// "it lets the port in"; the reply names the contradiction and that the
/// rule wins; the report says so.
#[test]
fn a_rule_that_blocks_beats_ufw_inactive_and_the_reply_says_so() {
    let e = engine();
    let mut s = started(&e, PortState::Filtered, PortReason::Timeout);
    s.phase = Phase::Step("linux.firewall".into());
    let fx = handle(
        &e,
        &mut s,
        Input::Paste(UFW_OFF_IPTABLES_REJECTS.into()),
        10,
    );
    let said = msgs(&fx);
    assert!(
        !said.iter().any(|m| m.id == "paste-answers"),
        "answered against the block: {said:?}"
    );
    assert!(
        !s.answers
            .iter()
            .any(|a| a.option.as_deref() == Some("allows")),
        "{:?}",
        s.answers
    );
    let c = said
        .iter()
        .find(|m| m.id == "evidence-contradiction")
        .unwrap_or_else(|| panic!("the contradiction is named: {said:?}"));
    assert_eq!(arg(c, "subject"), Some("firewall"));
    assert_eq!(arg(c, "held_ok"), Some("yes"));
    assert_eq!(arg(c, "wins_ok"), Some("no"), "the block wins");
    assert_eq!(arg(c, "why"), Some("specific"));
    // Both sides are in the same paste: said as one paste saying two things.
    assert_eq!(arg(c, "same"), Some("yes"));
    // The fix goes where the block is: iptables, not the inactive ufw.
    let fix = said
        .iter()
        .find(|m| m.id == "paste-firewall-blocks")
        .unwrap_or_else(|| panic!("the block's advice: {said:?}"));
    assert_eq!(arg(fix, "firewall"), Some("iptables"));
    // Said back: nothing about 3389 to a Linux user.
    let read = fx
        .iter()
        .find_map(|e| match e {
            Effect::Say(r) if r.parts.first().is_some_and(|m| m.id == "paste-read") => {
                Some(r.parts.clone())
            }
            _ => None,
        })
        .expect("the paste said back");
    assert!(read.len() > 1, "{read:?}");
    assert!(
        !read.iter().any(
            |m| matches!(m.args.get("port"), Some(Arg::Num(p)) if *p == 3389)
                || matches!(m.args.get("port"), Some(Arg::Str(p)) if p == "3389")
        ),
        "{read:?}"
    );
    // Named once: the next turn does not repeat it.
    let fx = handle(&e, &mut s, Input::Command(Command::Status), 11);
    assert!(!msgs(&fx).iter().any(|m| m.id == "evidence-contradiction"));
    let r = Report::build(e.runbooks(), &s, 12);
    assert!(
        r.contradictions
            .iter()
            .any(|c| c.subject == "firewall" && !c.wins.ok && c.held.code == "fact:firewall-off"),
        "{:?}",
        r.contradictions
    );
    assert!(r
        .evidence
        .iter()
        .any(|e| e.code == "fact:firewall-blocks" && e.source == Source::Pasted && e.at_ms == 10));
}

/// The user said the firewall lets the port in; a paste then shows a rule
/// dropping it: the server's own output wins over the answer, and the reply
/// says so.
#[test]
fn pasted_output_beats_what_the_user_said() {
    let e = engine();
    let mut s = started(&e, PortState::Closed, PortReason::Reset);
    s.phase = Phase::Step("linux.firewall".into());
    handle(&e, &mut s, Input::Choose("allows".into()), 10);
    let text = "$ sudo iptables -S\n-P INPUT ACCEPT\n-P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n\
                -A INPUT -p tcp -m tcp --dport 22 -j DROP";
    let fx = handle(&e, &mut s, Input::Paste(text.into()), 20);
    let c = msgs(&fx)
        .into_iter()
        .find(|m| m.id == "evidence-contradiction")
        .cloned()
        .unwrap_or_else(|| panic!("named: {fx:?}"));
    assert_eq!(arg(&c, "held"), Some("said"));
    assert_eq!(arg(&c, "wins"), Some("pasted"));
    assert_eq!(arg(&c, "why"), Some("source"));
    // The report no longer claims the firewall as ruled out.
    let r = Report::build(e.runbooks(), &s, 21);
    assert!(
        !r.ruled_out.iter().any(|m| m.id == "ruled-out-firewall"),
        "{:?}",
        r.ruled_out
    );
    // The message comes before the question the turn ends with.
    let says: Vec<_> = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Say(r) => Some(r),
            _ => None,
        })
        .collect();
    let at = says
        .iter()
        .position(|r| r.parts.iter().any(|m| m.id == "evidence-contradiction"))
        .unwrap();
    if let Some(q) = says.iter().rposition(|r| r.step.is_some()) {
        assert!(at < q, "{says:?}");
    }
}

/// A later measurement that differs from an earlier one is a change the
/// re-check reports, never a "contradiction" message; the newer stands.
#[test]
fn a_newer_measurement_is_a_change_not_a_contradiction() {
    let e = engine();
    let mut s = started(&e, PortState::Closed, PortReason::Reset);
    let req = ProbeRequest {
        target: ip(),
        icmp: false,
        ports: vec![PortSpec {
            port: 22,
            service: Some(Service::Ssh),
        }],
        alternates: false,
    };
    s.phase = Phase::Probing(vmd_core::session::Pending {
        purpose: vmd_core::session::Purpose::Recheck {
            step: "linux.sshd".into(),
            option: Some("restarted".into()),
        },
        kind: vmd_core::runbook::ProbeKind::Service,
        request: req.clone(),
    });
    let fx = handle(
        &e,
        &mut s,
        Input::ProbeDone(Box::new(ProbeReport::uniform(
            &req,
            PortState::Open,
            PortReason::SynAck,
            5,
        ))),
        30,
    );
    assert!(!msgs(&fx).iter().any(|m| m.id == "evidence-contradiction"));
    let ev = evidence::gather(e.runbooks(), &s);
    let w = evidence::winner(&ev, "listener").expect("a listener fact");
    assert!(w.ok && w.at_ms == 30, "{w:?}");
}

/// Every `[[paste]]` row that answers the question, against every fact that
/// shows a problem with the same subject as the fact the row reads: the
/// paste never answers. Without the blocking fact, it does.
#[test]
fn no_paste_row_answers_against_a_blocking_fact_it_holds() {
    let rb = runbooks();
    let blocking: Vec<(&str, &str)> = TABLE
        .iter()
        .filter(|(c, _, ok, _)| c.starts_with("fact:") && !ok)
        .map(|(c, subject, _, _)| (c.trim_start_matches("fact:"), *subject))
        .collect();
    let mut checked = 0;
    for row in rb.paste_routes().iter().filter(|r| r.answer.is_some()) {
        let reads: Vec<&str> = row
            .when
            .iter()
            .filter_map(|c| match c {
                Cond::Fact(f) => Some(f.as_str()),
                _ => None,
            })
            .collect();
        let own: Vec<_> = reads.iter().flat_map(|c| evidence::pasted(c, 7)).collect();
        assert!(
            evidence::paste_answer_stands(&row.when, &own, 7),
            "{}: its own facts must let it answer",
            row.name
        );
        for (code, subject) in &blocking {
            let about_it = own.iter().any(|e| e.subject == *subject && e.ok);
            if !about_it {
                continue;
            }
            let mut held = own.clone();
            held.extend(evidence::pasted(code, 7));
            assert!(
                !evidence::paste_answer_stands(&row.when, &held, 7),
                "{} answers while the same paste shows {code}",
                row.name
            );
            checked += 1;
        }
    }
    assert!(checked >= 10, "only {checked} pairs checked");
}

/// The first route and a paste route are recorded with the conditions that
/// decided them; the report carries them, the user's first words, and how
/// each ruled-out item was ruled out.
#[test]
fn routes_record_what_decided_them_and_the_report_shows_it() {
    let e = engine();
    let mut s = started(&e, PortState::Filtered, PortReason::Timeout);
    let first = s.decisions.first().expect("the first route is recorded");
    assert_eq!(first.table, "first");
    assert!(
        first.by.iter().any(|c| c == "finding:port-filtered"),
        "{first:?}"
    );
    s.phase = Phase::Step("linux.firewall".into());
    handle(
        &e,
        &mut s,
        Input::Paste(UFW_OFF_IPTABLES_REJECTS.into()),
        10,
    );
    let r = Report::build(e.runbooks(), &s, 20);
    assert!(
        r.decisions
            .iter()
            .any(|d| d.table == "paste" && d.by.iter().any(|c| c == "fact:firewall-blocks")),
        "{:?}",
        r.decisions
    );
    assert_eq!(
        r.opening.as_ref().map(|(_, t)| t.as_str()),
        Some("I can't log in to my ubuntu server 203.0.113.9")
    );
    assert_eq!(r.ruled_out.len(), r.ruled_out_how.len());
}

/// Measured and said are told apart in what the report rules out.
#[test]
fn ruled_out_says_how() {
    let e = engine();
    let mut s = started(&e, PortState::Open, PortReason::SynAck);
    s.phase = Phase::Step("linux.resources".into());
    handle(&e, &mut s, Input::Choose("normal".into()), 10);
    let r = Report::build(e.runbooks(), &s, 20);
    let how = |id: &str| {
        r.ruled_out
            .iter()
            .position(|m| m.id == id)
            .map(|i| r.ruled_out_how[i])
    };
    assert_eq!(how("ruled-out-port-blocked"), Some(Source::Measured));
    assert_eq!(how("ruled-out-resources"), Some(Source::Said));
}

fn probe_of(fx: &[Effect]) -> Option<ProbeRequest> {
    fx.iter().find_map(|e| match e {
        Effect::Probe(r) => Some(r.clone()),
        _ => None,
    })
}

/// `Engine::handle`, with the check of the ports a moved sshd often uses
/// answered at once as no test here is about it: none of them answers.
fn handle(e: &Engine, s: &mut Session, input: Input, now: u64) -> Vec<Effect> {
    let mut fx = e.handle(s, input, now);
    if let Some(alt) = probe_of(&fx).filter(|r| r.alternates) {
        fx.extend(e.handle(
            s,
            Input::ProbeDone(Box::new(ProbeReport::uniform(
                &alt,
                PortState::Closed,
                PortReason::Reset,
                5,
            ))),
            now,
        ));
    }
    fx
}

/// Every port of `req` in `state`; an open SSH port answers with a banner.
fn answer(req: &ProbeRequest, state: PortState) -> Input {
    let reason = match state {
        PortState::Open => PortReason::SynAck,
        PortState::Closed => PortReason::Reset,
        _ => PortReason::Timeout,
    };
    let mut r = ProbeReport::uniform(req, state, reason, 5);
    if state == PortState::Open {
        if let Some(p) = req.ports.iter().find(|p| p.service == Some(Service::Ssh)) {
            r.ssh = Some(SshResult {
                port: p.port,
                banner: Some("SSH-2.0-OpenSSH_8.9p1 Ubuntu-3ubuntu0.10".into()),
                kex: vec!["curve25519-sha256".into()],
                host_key: vec!["ssh-ed25519".into()],
                ciphers: Vec::new(),
                macs: Vec::new(),
                legacy_only: false,
                client_hint: None,
                server_message: None,
                error: None,
            });
        }
    }
    Input::ProbeDone(Box::new(r))
}

/// A ticket filed at any moment of a conversation carries the target, OS
/// and login port in force then: after a paste moved the login port, after
/// a corrected OS, after a corrected address, and while a probe is under
/// way.
#[test]
fn a_ticket_at_every_step_matches_the_conversation() {
    let e = engine();
    let mut s = Session::new(0);
    let mut now = 0;
    let mut ticket = |e: &Engine, s: &mut Session, want: (&str, Option<Os>, u16), at: &str| {
        now += 1;
        let fx = e.handle(s, Input::Command(Command::Ticket), 1000 + now);
        let r = fx
            .iter()
            .find_map(|x| match x {
                Effect::Escalate(r) => Some(r.clone()),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{at}: a ticket: {fx:?}"));
        assert_eq!(
            r.target.map(|t| t.to_string()).as_deref(),
            Some(want.0),
            "{at}"
        );
        assert_eq!(r.os, want.1, "{at}");
        assert_eq!(r.service_port, want.2, "{at}");
        // And the session agrees with what it filed.
        assert_eq!(r.target, s.target, "{at}");
        assert_eq!(r.service_port, s.service_port(), "{at}");
    };
    let fx = handle(
        &e,
        &mut s,
        Input::Text("my ubuntu server 203.0.113.9 won't let me log in".into()),
        1,
    );
    let req = probe_of(&fx).expect("a first probe");
    ticket(&e, &mut s, ("203.0.113.9", Some(Os::Linux), 22), "probing");
    handle(&e, &mut s, answer(&req, PortState::Closed), 2);
    ticket(
        &e,
        &mut s,
        ("203.0.113.9", Some(Os::Linux), 22),
        "first question",
    );
    handle(&e, &mut s, Input::Choose("in".into()), 3);
    ticket(
        &e,
        &mut s,
        ("203.0.113.9", Some(Os::Linux), 22),
        "after an answer",
    );
    let fx = handle(
        &e,
        &mut s,
        Input::Paste(include_str!("../../../tests/pastes/debian12-ss-2222.txt").into()),
        4,
    );
    let req = probe_of(&fx).expect("the new port re-checked");
    ticket(
        &e,
        &mut s,
        ("203.0.113.9", Some(Os::Linux), 2222),
        "re-checking 2222",
    );
    handle(&e, &mut s, answer(&req, PortState::Open), 5);
    ticket(
        &e,
        &mut s,
        ("203.0.113.9", Some(Os::Linux), 2222),
        "2222 answers",
    );
    // Another address: everything about the old server goes.
    handle(
        &e,
        &mut s,
        Input::Text("sorry, the address is 203.0.113.20".into()),
        6,
    );
    assert!(matches!(s.phase, Phase::Correcting { .. }), "{:?}", s.phase);
    ticket(
        &e,
        &mut s,
        ("203.0.113.9", Some(Os::Linux), 2222),
        "not switched yet",
    );
    let fx = handle(&e, &mut s, Input::Choose("switch".into()), 7);
    let req = probe_of(&fx).expect("the new address probed");
    let port = s.service_port();
    ticket(
        &e,
        &mut s,
        ("203.0.113.20", Some(Os::Linux), port),
        "new address",
    );
    handle(&e, &mut s, answer(&req, PortState::Filtered), 8);
    ticket(
        &e,
        &mut s,
        ("203.0.113.20", Some(Os::Linux), port),
        "new address probed",
    );
    // It is Windows after all.
    handle(
        &e,
        &mut s,
        Input::Text("oh wait, it's actually windows".into()),
        9,
    );
    assert!(matches!(s.phase, Phase::Correcting { .. }), "{:?}", s.phase);
    let fx = handle(&e, &mut s, Input::Choose("switch".into()), 10);
    let req = probe_of(&fx).expect("the Windows port probed");
    ticket(
        &e,
        &mut s,
        ("203.0.113.20", Some(Os::Windows), 3389),
        "windows",
    );
    handle(&e, &mut s, answer(&req, PortState::Closed), 11);
    ticket(
        &e,
        &mut s,
        ("203.0.113.20", Some(Os::Windows), 3389),
        "windows probed",
    );
}

fn ids(fx: &[Effect]) -> Vec<String> {
    msgs(fx).iter().map(|m| m.id.clone()).collect()
}

/// "That made the difference" only when two measurements of the login port
/// differ and what the user did came between them: a re-check after "I
/// fixed it" that finds the same says so; one that differs says it made
/// the difference; a port the user typed that answers where nothing was
/// measured before is found, not "made the difference".
#[test]
fn made_the_difference_only_when_two_measurements_differ() {
    let e = engine();
    let mut s = Session::new(0);
    let fx = handle(
        &e,
        &mut s,
        Input::Text("ubuntu 203.0.113.9 ssh fails".into()),
        1,
    );
    handle(
        &e,
        &mut s,
        answer(&probe_of(&fx).unwrap(), PortState::Closed),
        2,
    );
    s.phase = Phase::Step("linux.firewall".into());
    // The same from outside after the user's fix.
    let fx = handle(&e, &mut s, Input::Choose("fixed".into()), 3);
    let fx = handle(
        &e,
        &mut s,
        answer(&probe_of(&fx).unwrap(), PortState::Closed),
        4,
    );
    let said = ids(&fx);
    assert!(!said.contains(&"recheck-better".to_owned()), "{said:?}");
    assert!(said.contains(&"recheck-same".to_owned()), "{said:?}");
    // Different after the next fix: that made the difference.
    s.phase = Phase::Step("linux.firewall".into());
    let fx = handle(&e, &mut s, Input::Choose("fixed".into()), 5);
    let fx = handle(
        &e,
        &mut s,
        answer(&probe_of(&fx).unwrap(), PortState::Open),
        6,
    );
    let said = ids(&fx);
    assert!(said.contains(&"recheck-better".to_owned()), "{said:?}");

    // Another conversation: the user types the port sshd uses; it answers
    // there, where nothing was measured before: found, not changed.
    let mut s = Session::new(0);
    let fx = handle(
        &e,
        &mut s,
        Input::Text("ubuntu 203.0.113.9 ssh fails".into()),
        1,
    );
    handle(
        &e,
        &mut s,
        answer(&probe_of(&fx).unwrap(), PortState::Closed),
        2,
    );
    s.phase = Phase::Step("linux.custom_port".into());
    let fx = handle(&e, &mut s, Input::Text("2222".into()), 3);
    let req = probe_of(&fx).expect("2222 checked");
    assert_eq!(req.ports[0].port, 2222);
    let fx = handle(&e, &mut s, answer(&req, PortState::Open), 4);
    let said = ids(&fx);
    assert!(!said.contains(&"recheck-better".to_owned()), "{said:?}");
    assert!(said.contains(&"recheck-healthy".to_owned()), "{said:?}");
}

/// Each cause a paste names selects the advice for that cause: its own note
/// and the step that fixes it, never the generic "look at the journal".
#[test]
fn every_paste_cause_selects_its_own_advice() {
    let e = engine();
    let cases: &[(&str, &str, &str)] = &[
        (
            include_str!("../../../tests/pastes/ubuntu2204-systemctl-privsep.txt"),
            "paste-privsep",
            "linux.sshd_start",
        ),
        (
            include_str!("../../../tests/pastes/debian12-systemctl-ssh-failed-addrinuse.txt"),
            "paste-sshd-address-in-use",
            "linux.sshd_config",
        ),
        (
            include_str!("../../../tests/pastes/debian12-sshd-t-badoption.txt"),
            "paste-sshd-bad-config",
            "linux.sshd_config",
        ),
        (
            include_str!("../../../tests/pastes/rocky9-journalctl-sshd-bind-denied.txt"),
            "paste-sshd-bind-denied",
            "linux.sshd_config",
        ),
        (
            "Dec 02 03:41:46 web sshd[812]: sshd: no hostkeys available -- exiting.\n\
             Dec 02 03:41:46 web systemd[1]: ssh.service: Main process exited, code=exited, status=1/FAILURE",
            "paste-sshd-no-hostkeys",
            "linux.sshd_config",
        ),
        (
            include_str!("../../../tests/pastes/ubuntu-df-h-full.txt"),
            "paste-disk-full",
            "linux.resources_fix",
        ),
    ];
    let mut notes = Vec::new();
    for (text, note, step) in cases {
        let mut s = Session::new(0);
        let fx = handle(
            &e,
            &mut s,
            Input::Text("ubuntu 203.0.113.9 ssh fails".into()),
            1,
        );
        handle(
            &e,
            &mut s,
            answer(&probe_of(&fx).unwrap(), PortState::Closed),
            2,
        );
        assert_eq!(s.phase, Phase::Step("linux.vnc".into()));
        let fx = handle(&e, &mut s, Input::Paste((*text).into()), 3);
        let said = ids(&fx);
        assert!(said.contains(&(*note).to_owned()), "{note}: {said:?}");
        assert_eq!(s.phase, Phase::Step((*step).into()), "{note}: {said:?}");
        assert!(
            !said.contains(&"paste-sshd-config".to_owned()),
            "{note}: the generic advice too: {said:?}"
        );
        notes.push(*note);
    }
    notes.dedup();
    assert_eq!(notes.len(), cases.len());
}

/// A paste that answers the question and names the cause behind the
/// answer (sshd failed, and the config line that stopped it) gets that
/// cause's advice with the answer, not only the step's general checks.
#[test]
fn a_paste_answering_the_question_brings_its_cause() {
    let e = engine();
    let mut s = Session::new(0);
    let fx = handle(
        &e,
        &mut s,
        Input::Text("ubuntu 203.0.113.9 ssh fails".into()),
        1,
    );
    handle(
        &e,
        &mut s,
        answer(&probe_of(&fx).unwrap(), PortState::Closed),
        2,
    );
    handle(&e, &mut s, Input::Choose("in".into()), 3);
    assert_eq!(s.phase, Phase::Step("linux.sshd".into()));
    let paste = "● ssh.service - OpenBSD Secure Shell server\n\
     Loaded: loaded (/lib/systemd/system/ssh.service; enabled; vendor preset: enabled)\n\
     Active: failed (Result: exit-code) since Tue 2026-12-01 10:00:01 UTC; 1h ago\n\
     Dec 01 10:00:01 web1 sshd[1234]: /etc/ssh/sshd_config line 17: Bad configuration option: PermitRootLogn\n\
     Dec 01 10:00:01 web1 sshd[1234]: /etc/ssh/sshd_config: terminating, 1 bad configuration options";
    let fx = handle(&e, &mut s, Input::Paste(paste.into()), 4);
    let said = ids(&fx);
    assert!(said.contains(&"paste-answers".to_owned()), "{said:?}");
    assert!(
        said.contains(&"paste-sshd-bad-config".to_owned()),
        "the cause's advice: {said:?}"
    );
    assert_eq!(s.phase, Phase::Step("linux.sshd_config".into()), "{said:?}");
}

/// `ssh -v` of a refused login: the keys offered (none, a missing key
/// file, keys the server did not take) and the user typed against the
/// image's default user (`ubuntu` on Ubuntu images, as the SSH banner
/// shows); the banner also sets the distribution, so commands fit it.
#[test]
fn ssh_v_details_are_used() {
    let e = engine();
    // The banner says Ubuntu; the user named no distribution.
    let mut s = Session::new(0);
    let fx = handle(
        &e,
        &mut s,
        Input::Text("203.0.113.9 linux can't log in".into()),
        1,
    );
    assert_eq!(s.distro, None);
    handle(
        &e,
        &mut s,
        answer(&probe_of(&fx).unwrap(), PortState::Open),
        2,
    );
    assert_eq!(s.distro, Some(vmd_core::command::Distro::Debian));
    let root_no_key = "debug1: identity file /home/me/.ssh/id_rsa type -1\n\
        debug1: Authenticating to 203.0.113.9:22 as 'root'\n\
        debug1: Authentications that can continue: publickey\n\
        debug1: Next authentication method: publickey\n\
        debug1: Trying private key: /home/me/.ssh/id_rsa\n\
        debug1: No more authentication methods to try.\n\
        root@203.0.113.9: Permission denied (publickey).";
    let fx = handle(&e, &mut s, Input::Paste(root_no_key.into()), 3);
    let all = msgs(&fx);
    let keys = all.iter().find(|m| m.id == "paste-ssh-keys").expect("keys");
    assert_eq!(arg(keys, "keys"), Some("none"));
    assert_eq!(arg(keys, "user"), Some("ubuntu"));
    let user = all.iter().find(|m| m.id == "paste-ssh-user").expect("user");
    assert_eq!(arg(user, "typed"), Some("root"));
    assert_eq!(arg(user, "default"), Some("ubuntu"));
    // The right user, a key offered and refused: no user note, "another key".
    let fx = handle(
        &e,
        &mut s,
        Input::Paste(include_str!("../../../tests/pastes/linux-ssh-v-publickey.txt").into()),
        4,
    );
    let all = msgs(&fx);
    let keys = all.iter().find(|m| m.id == "paste-ssh-keys").expect("keys");
    assert_eq!(arg(keys, "keys"), Some("offered"));
    assert_eq!(keys.args.get("count"), Some(&Arg::Num(1)));
    assert!(!all.iter().any(|m| m.id == "paste-ssh-user"), "{all:?}");
    // A key file that isn't there.
    let missing =
        "Warning: Identity file /home/me/keys/web.pem not accessible: No such file or directory.\n\
        debug1: Next authentication method: publickey\n\
        ubuntu@203.0.113.9: Permission denied (publickey).";
    let fx = handle(&e, &mut s, Input::Paste(missing.into()), 5);
    let keys = msgs(&fx)
        .into_iter()
        .find(|m| m.id == "paste-ssh-keys")
        .cloned()
        .expect("keys");
    assert_eq!(arg(&keys, "keys"), Some("missing"));
    assert_eq!(arg(&keys, "file"), Some("/home/me/keys/web.pem"));
}

/// After a fix: the likely cause (from where the fix was) and how to keep
/// it from coming back, and a reminder to narrow a 0.0.0.0/0 test rule when
/// the security group was part of it.
#[test]
fn after_a_fix_the_likely_cause_and_how_to_keep_it_away() {
    let e = engine();
    let followup = |fx: &[Effect]| {
        msgs(fx)
            .into_iter()
            .find(|m| m.id == "fixed-followup")
            .cloned()
            .unwrap_or_else(|| panic!("no follow-up: {fx:?}"))
    };
    // The firewall inside the server, fixed; the port was closed, not dropped.
    let mut s = Session::new(0);
    let fx = handle(
        &e,
        &mut s,
        Input::Text("ubuntu 203.0.113.9 ssh fails".into()),
        1,
    );
    handle(
        &e,
        &mut s,
        answer(&probe_of(&fx).unwrap(), PortState::Closed),
        2,
    );
    s.phase = Phase::Step("linux.firewall".into());
    let fx = handle(&e, &mut s, Input::Choose("fixed".into()), 3);
    handle(
        &e,
        &mut s,
        answer(&probe_of(&fx).unwrap(), PortState::Open),
        4,
    );
    assert_eq!(s.phase, Phase::Step("triage.confirm_login".into()));
    let fx = handle(&e, &mut s, Input::Choose("works".into()), 5);
    let m = followup(&fx);
    assert_eq!(arg(&m, "cause"), Some("firewall"));
    assert_eq!(arg(&m, "sg"), Some("no"));
    // Dropped on the way, fixed at the security group: the reminder.
    let mut s = Session::new(0);
    let fx = handle(
        &e,
        &mut s,
        Input::Text("ubuntu 203.0.113.9 ssh fails".into()),
        1,
    );
    handle(
        &e,
        &mut s,
        answer(&probe_of(&fx).unwrap(), PortState::Filtered),
        2,
    );
    assert_eq!(s.phase, Phase::Step("triage.security_group".into()));
    let opt = e
        .runbooks()
        .step("triage.security_group")
        .unwrap()
        .options
        .iter()
        .find(|o| o.reprobe.is_some())
        .map(|o| o.key.clone())
        .expect("a fix option");
    let fx = handle(&e, &mut s, Input::Choose(opt), 3);
    handle(
        &e,
        &mut s,
        answer(&probe_of(&fx).unwrap(), PortState::Open),
        4,
    );
    let fx = handle(&e, &mut s, Input::Choose("works".into()), 5);
    let m = followup(&fx);
    assert_eq!(arg(&m, "cause"), Some("security-group"));
    assert_eq!(arg(&m, "sg"), Some("yes"));
    // The service was found on a moved port: that is the cause.
    let mut s = Session::new(0);
    let fx = handle(
        &e,
        &mut s,
        Input::Text("ubuntu 203.0.113.9 ssh fails".into()),
        1,
    );
    handle(
        &e,
        &mut s,
        answer(&probe_of(&fx).unwrap(), PortState::Closed),
        2,
    );
    let fx = handle(
        &e,
        &mut s,
        Input::Paste(include_str!("../../../tests/pastes/debian12-ss-2222.txt").into()),
        3,
    );
    handle(
        &e,
        &mut s,
        answer(&probe_of(&fx).unwrap(), PortState::Open),
        4,
    );
    assert_eq!(s.phase, Phase::Step("triage.confirm_login".into()));
    let fx = handle(&e, &mut s, Input::Choose("works".into()), 5);
    let m = followup(&fx);
    assert_eq!(arg(&m, "cause"), Some("port"));
    assert_eq!(m.args.get("port"), Some(&Arg::Num(2222)));
}
