//! Engine properties that hold whatever the runbook content: effect order,
//! expiry, resume, late and stale inputs. Pure: no runtime, network or disk.

use std::net::IpAddr;
use vmd_core::command::{Command, Os};
use vmd_core::msg::Reply;
use vmd_core::policy::TargetPolicy;
use vmd_core::probe::*;
use vmd_core::runbook::Runbooks;
use vmd_core::session::{Phase, Session};
use vmd_core::{Effect, Engine, EngineConfig, Input};

const FILES: &[(&str, &str)] = &[
    ("triage.toml", include_str!("../../runbooks/triage.toml")),
    ("common.toml", include_str!("../../runbooks/common.toml")),
    ("windows.toml", include_str!("../../runbooks/windows.toml")),
    ("linux.toml", include_str!("../../runbooks/linux.toml")),
    ("routes.toml", include_str!("../../runbooks/routes.toml")),
];

const TTL: u64 = 60_000;

fn engine() -> Engine {
    let rb = Runbooks::load(FILES, "triage").unwrap();
    Engine::new(
        rb,
        EngineConfig {
            idle_ttl_ms: TTL,
            policy: TargetPolicy::new(vec!["203.0.113.0/24".parse().unwrap()]),
            egress: Vec::new(),
        },
    )
}

fn ip() -> IpAddr {
    "203.0.113.9".parse().unwrap()
}

fn open_report(req: &ProbeRequest) -> ProbeReport {
    ProbeReport::uniform(req, PortState::Open, PortReason::SynAck, 5)
}

fn says(effects: &[Effect]) -> Vec<&Reply> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Say(r) => Some(r),
            _ => None,
        })
        .collect()
}

fn ids(effects: &[Effect]) -> Vec<String> {
    says(effects)
        .iter()
        .flat_map(|r| r.parts.iter().map(|m| m.id.clone()))
        .collect()
}

fn diagnose(e: &Engine, s: &mut Session, now: u64) -> ProbeRequest {
    let fx = e.handle(
        s,
        Input::Command(Command::Diagnose {
            ip: Some(ip()),
            os: Some(Os::Linux),
            port: None,
        }),
        now,
    );
    assert_eq!(fx[0], Effect::Persist, "persist comes first: {fx:?}");
    fx.iter()
        .find_map(|e| match e {
            Effect::Probe(r) => Some(r.clone()),
            _ => None,
        })
        .expect("a probe")
}

#[test]
fn persist_precedes_every_reply_and_probe() {
    let e = engine();
    let mut s = Session::new(0);
    let req = diagnose(&e, &mut s, 1);
    assert!(req.icmp);
    assert_eq!(
        req.ports.iter().map(|p| p.port).collect::<Vec<_>>(),
        vec![22],
        "a Linux server's first probe leaves 3389 alone"
    );
    let fx = e.handle(&mut s, Input::ProbeDone(Box::new(open_report(&req))), 2);
    assert_eq!(fx[0], Effect::Persist);
    // The port accepts connections but no handshake result came: inside the server.
    assert_eq!(s.phase, Phase::Step("linux.vnc".into()));
    // Asking for status changes nothing, so nothing is persisted.
    let fx = e.handle(&mut s, Input::Command(Command::Status), 3);
    assert!(!fx.contains(&Effect::Persist), "{fx:?}");
}

#[test]
fn resume_while_probing_probes_again() {
    let e = engine();
    let mut s = Session::new(0);
    let req = diagnose(&e, &mut s, 1);
    let fx = e.handle(&mut s, Input::Resume, 2);
    assert!(fx.contains(&Effect::Probe(req)), "{fx:?}");
    assert!(ids(&fx).contains(&"probing-resume".to_string()));
    // Text while probing is answered, not lost or misread.
    let fx = e.handle(&mut s, Input::Text("hello?".into()), 3);
    assert_eq!(ids(&fx), vec!["still-probing"]);
}

#[test]
fn late_probe_results_are_ignored() {
    let e = engine();
    let mut s = Session::new(0);
    let req = diagnose(&e, &mut s, 1);
    e.handle(&mut s, Input::ProbeDone(Box::new(open_report(&req))), 2);
    let before = s.clone();
    let fx = e.handle(&mut s, Input::ProbeDone(Box::new(open_report(&req))), 3);
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(s, before);
}

#[test]
fn stale_buttons_get_a_polite_reprompt() {
    let e = engine();
    let mut s = Session::new(0);
    let req = diagnose(&e, &mut s, 1);
    e.handle(&mut s, Input::ProbeDone(Box::new(open_report(&req))), 2);
    let fx = e.handle(&mut s, Input::Choose("no-such-option".into()), 3);
    let ids = ids(&fx);
    assert_eq!(ids[0], "err-not-an-option");
    assert_eq!(ids[1], "linux-vnc");
    assert_eq!(s.phase, Phase::Step("linux.vnc".into()));
}

#[test]
fn idle_sessions_expire() {
    let e = engine();
    let mut s = Session::new(0);
    let req = diagnose(&e, &mut s, 1);
    e.handle(&mut s, Input::ProbeDone(Box::new(open_report(&req))), 2);
    let fx = e.handle(&mut s, Input::Text("1".into()), 2 + TTL + 1);
    assert_eq!(ids(&fx)[0], "session-expired");
    assert!(s.target.is_none());
    assert_eq!(s.phase, Phase::AskIp);
}

#[test]
fn back_at_the_start_says_so() {
    let e = engine();
    let mut s = Session::new(0);
    let fx = e.handle(&mut s, Input::Command(Command::Back), 1);
    assert_eq!(ids(&fx), vec!["back-nothing", "ask-ip"]);
}

#[test]
fn refused_targets_are_explained_and_reasked() {
    let e = engine();
    let mut s = Session::new(0);
    let fx = e.handle(
        &mut s,
        Input::Text("/diagnose 169.254.169.254 linux".into()),
        1,
    );
    assert_eq!(ids(&fx), vec!["refusal-metadata", "ask-ip-have-os"]);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Probe(_))));
    let fx = e.handle(&mut s, Input::Text("::ffff:127.0.0.1".into()), 2);
    assert_eq!(ids(&fx), vec!["refusal-loopback", "ask-ip-have-os"]);
}

#[test]
fn the_same_inputs_give_the_same_effects() {
    let run = || {
        let e = engine();
        let mut s = Session::new(0);
        let mut all = Vec::new();
        let req = diagnose(&e, &mut s, 1);
        all.extend(e.handle(&mut s, Input::ProbeDone(Box::new(open_report(&req))), 2));
        for (i, t) in ["2", "6", "2", "1", "2"].iter().enumerate() {
            all.extend(e.handle(&mut s, Input::Text((*t).into()), 3 + i as u64));
        }
        (all, s)
    };
    assert_eq!(run(), run());
}

#[test]
fn ends_and_abandoned_conversations_are_recorded() {
    use vmd_core::session::Outcome;
    let records = |fx: &[Effect]| -> Vec<vmd_core::outcome::OutcomeRecord> {
        fx.iter()
            .filter_map(|e| match e {
                Effect::Record(r) => Some((**r).clone()),
                _ => None,
            })
            .collect()
    };
    let e = engine();
    // Left unanswered until it expired: abandoned, with the first findings.
    let mut s = Session::new(0);
    let req = diagnose(&e, &mut s, 1);
    e.handle(&mut s, Input::ProbeDone(Box::new(open_report(&req))), 2);
    let fx = e.handle(&mut s, Input::Text("1".into()), 2 + TTL + 1);
    let r = records(&fx);
    assert_eq!(r.len(), 1, "{fx:?}");
    assert_eq!(r[0].outcome, Outcome::Abandoned);
    assert_eq!(r[0].ip, "203.0.113.9");
    assert_eq!(r[0].os, "linux");
    assert_eq!(r[0].steps, vec!["linux.vnc".to_string()]);
    assert!(
        r[0].findings.contains(&"port-open".to_string()),
        "{:?}",
        r[0]
    );
    // Replaced by a new diagnosis: abandoned too.
    let mut s = Session::new(0);
    let req = diagnose(&e, &mut s, 1);
    e.handle(&mut s, Input::ProbeDone(Box::new(open_report(&req))), 2);
    let fx = e.handle(&mut s, Input::Command(Command::Restart), 3);
    assert_eq!(records(&fx)[0].outcome, Outcome::Abandoned);
    // Walked to the hand-off: escalated, with the answers counted.
    let mut s = Session::new(0);
    let req = diagnose(&e, &mut s, 1);
    e.handle(&mut s, Input::ProbeDone(Box::new(open_report(&req))), 2);
    // No VNC, and still none after the help with the console and the
    // rescue options.
    e.handle(&mut s, Input::Choose("cannot".into()), 3);
    e.handle(&mut s, Input::Choose("cannot".into()), 4);
    let fx = e.handle(&mut s, Input::Choose("cannot".into()), 5);
    let r = records(&fx);
    assert_eq!(r[0].outcome, Outcome::Escalated, "{fx:?}");
    assert_eq!(r[0].answers, 3);
    assert_eq!(
        r[0].steps,
        vec![
            "linux.vnc".to_string(),
            "linux.vnc_help".to_string(),
            "common.vnc_rescue".to_string(),
            "common.escalate".to_string()
        ]
    );
    // Nothing is recorded for a conversation that never started.
    let mut s = Session::new(0);
    let fx = e.handle(&mut s, Input::Command(Command::Restart), 1);
    assert!(records(&fx).is_empty());
}

#[test]
fn every_step_reprompts_bad_input_and_offers_a_way_out() {
    // Garbage at every question and input step: a warning and the same
    // question again, never a panic; "I don't know" always leads on.
    let e = engine();
    let mut base = Session::new(0);
    let req = diagnose(&e, &mut base, 1);
    e.handle(&mut base, Input::ProbeDone(Box::new(open_report(&req))), 2);
    let steps: Vec<_> = e.runbooks().steps().cloned().collect();
    for step in steps.iter().filter(|s| !s.is_terminal()) {
        let mut s = base.clone();
        s.phase = Phase::Step(step.id.clone());
        s.trail = vec![step.id.clone()];
        let fx = e.handle(&mut s, Input::Text("xyzzy plugh".into()), 3);
        let said = ids(&fx);
        assert!(said[0].starts_with("err-"), "{}: {said:?}", step.id);
        assert_eq!(s.phase, Phase::Step(step.id.clone()), "{}", step.id);
        let last = says(&fx).last().cloned().cloned().unwrap();
        assert_eq!(last.step.as_deref(), Some(step.id.as_str()));
        assert!(
            last.options.iter().any(|o| o.key == "_unknown"),
            "{} offers no way out",
            step.id
        );
        let fx = e.handle(&mut s, Input::Choose("_unknown".into()), 4);
        assert!(
            s.phase != Phase::Step(step.id.clone()),
            "{}: \"I don't know\" stayed put: {fx:?}",
            step.id
        );
    }
}

#[test]
fn sentences_are_understood() {
    use vmd_core::command::extract;
    let x = extract("my server is 203.0.113.7 and it's windows, can't rdp");
    assert_eq!(x.ip, Some("203.0.113.7".parse().unwrap()));
    assert_eq!(x.os, Some(Os::Windows));
    assert_eq!(x.port, None);
    let x = extract("우분투 서버 203.0.113.7이고 2222번 포트로 접속이 안 돼요");
    assert_eq!(x.ip, Some("203.0.113.7".parse().unwrap()));
    assert_eq!(x.os, Some(Os::Linux));
    assert_eq!(x.port, Some(2222));
    let x = extract("can't ssh to 2001:db8::5 on port 2200");
    assert_eq!(x.ip, Some("2001:db8::5".parse().unwrap()));
    assert_eq!(x.os, Some(Os::Linux));
    assert_eq!(x.port, Some(2200));
    let x = extract("[2001:db8::5]:2201 centos");
    assert_eq!(x.port, Some(2201));
    assert_eq!(x.os, Some(Os::Linux));
    let x = extract("203.0.113.9:3390 윈도우 서버에 원격 데스크톱 접속 불가");
    assert_eq!(x.ip, Some("203.0.113.9".parse().unwrap()));
    assert_eq!(x.port, Some(3390));
    assert_eq!(x.os, Some(Os::Windows));
    let x = extract("포트 2222, ip 203.0.113.9.");
    assert_eq!(x.port, Some(2222));
    assert_eq!(x.ip, Some("203.0.113.9".parse().unwrap()));
    // Version numbers and words are not addresses.
    let x = extract("ubuntu 22.04 on cafe 1.2.3 beef");
    assert_eq!(x.ip, None);
    assert_eq!(x.os, Some(Os::Linux));
    assert_eq!(extract("hello"), Default::default());
    assert_eq!(extract("port 99999").port, None);
}

/// Numbers inside an address (or a version) are never the port: the port is
/// the number the sentence names as one.
#[test]
fn numbers_inside_addresses_are_not_ports() {
    use vmd_core::command::extract;
    let cases: &[(&str, &str, Option<u16>)] = &[
        (
            "my server 198.18.0.10 port 25 linux",
            "198.18.0.10",
            Some(25),
        ),
        ("198.18.0.10 port 2222", "198.18.0.10", Some(2222)),
        ("203.0.113.7 22 port", "203.0.113.7", Some(22)),
        (
            "203.0.113.7 port: 2200 ubuntu 22.04",
            "203.0.113.7",
            Some(2200),
        ),
        (
            "ubuntu 22.04 at 203.0.113.7 port 2200",
            "203.0.113.7",
            Some(2200),
        ),
        ("203.0.113.7 port", "203.0.113.7", None),
        ("203.0.113.7", "203.0.113.7", None),
        ("서버 198.18.0.10 포트 2222번", "198.18.0.10", Some(2222)),
        ("198.18.0.10 포트로 접속이 안 돼요", "198.18.0.10", None),
        ("2001:db8::25 port 2222", "2001:db8::25", Some(2222)),
        ("2001:db8::25 port linux", "2001:db8::25", None),
        ("10.0.0.22 ssh", "10.0.0.22", None),
        ("203.0.113.7:2222 port 25", "203.0.113.7", Some(2222)),
    ];
    for (text, ip, port) in cases {
        let x = extract(text);
        assert_eq!(x.ip, Some(ip.parse().unwrap()), "{text}");
        assert_eq!(x.port, *port, "{text}");
    }
}

/// A sentence naming a port the policy refuses is refused with the reason,
/// before any probe.
#[test]
fn a_refused_port_in_a_sentence_is_refused_with_the_reason() {
    let e = engine();
    let mut s = Session::new(0);
    let fx = e.handle(
        &mut s,
        Input::Text("my server 203.0.113.9 port 25 linux".into()),
        1,
    );
    assert!(!fx.iter().any(|e| matches!(e, Effect::Probe(_))), "{fx:?}");
    let m = says(&fx)[0].parts[0].clone();
    assert_eq!(m.id, "limit-port-not-allowed", "{fx:?}");
    assert_eq!(
        m.args.get("port"),
        Some(&vmd_core::msg::Arg::Num(25.into())),
        "{m:?}"
    );
    assert_eq!(s.custom_port, None);
}

/// A command error names the word it is about: every argument its message
/// text uses is given.
#[test]
fn command_errors_name_the_word() {
    let e = engine();
    for (line, id, value) in [
        ("/diagnose 127.1 linux", "err-not-ip", "127.1"),
        ("/diagnose 203.0.113.9 beos", "err-bad-os", "beos"),
        ("/diagnose 203.0.113.9 linux 0", "err-bad-port", "0"),
    ] {
        let mut s = Session::new(0);
        let fx = e.handle(&mut s, Input::Text(line.into()), 1);
        let m = &says(&fx)[0].parts[0];
        assert_eq!(m.id, id, "{line}");
        assert_eq!(
            m.args.get("value"),
            Some(&vmd_core::msg::Arg::Str(value.into())),
            "{line}: {m:?}"
        );
    }
    // A stale button: the message's count is given (no raw placeable).
    let mut s = Session::new(0);
    let req = diagnose(&e, &mut s, 1);
    e.handle(&mut s, Input::ProbeDone(Box::new(open_report(&req))), 2);
    let fx = e.handle(&mut s, Input::Choose("gone".into()), 3);
    let m = &says(&fx)[0].parts[0];
    assert_eq!(m.id, "err-not-an-option");
    assert!(m.args.contains_key("count"), "{m:?}");
}

/// A click carries the question it answers: delivered twice (a retry after a
/// crash, a double click), it is applied once; the same step asked again later
/// is a new question.
#[test]
fn an_answer_applies_only_to_the_question_it_answers() {
    let e = engine();
    let mut s = Session::new(0);
    let req = diagnose(&e, &mut s, 1);
    e.handle(&mut s, Input::ProbeDone(Box::new(open_report(&req))), 2);
    let q = s.question().expect("a question is asked");
    assert_eq!(q, "linux.vnc:0");
    let step = e.runbooks().step("linux.vnc").unwrap();
    let key = step.options[0].key.clone();
    let click = Input::At {
        question: q.clone(),
        input: Box::new(Input::Choose(key.clone())),
    };
    let fx = e.handle(&mut s, click.clone(), 3);
    assert_eq!(fx[0], Effect::Persist);
    assert_eq!(s.answers.len(), 1);
    let after = s.clone();
    // The same click again: nothing at all (the first one's replies stand).
    let fx = e.handle(&mut s, click, 4);
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(s, after);
    // The question asked now is named after the answers so far, and the
    // reply that asks it carries that name for its buttons.
    let now = s.question().unwrap();
    assert!(now.ends_with(":1"), "{now}");
    let fx = e.handle(&mut s, Input::Command(Command::Status), 4);
    let asked = says(&fx)
        .iter()
        .find_map(|r| r.question.clone())
        .expect("re-asked");
    assert_eq!(asked, now);
    // Back to the first question: asked again, it is a new question, and a
    // click on the old buttons still does nothing.
    e.handle(&mut s, Input::Command(Command::Back), 5);
    assert_eq!(s.phase, Phase::Step("linux.vnc".into()));
    let fx = e.handle(
        &mut s,
        Input::At {
            question: q.clone(),
            input: Box::new(Input::Choose(key.clone())),
        },
        6,
    );
    assert!(fx.is_empty(), "{fx:?}");
    // A typed answer from a form is guarded the same way.
    let fx = e.handle(
        &mut s,
        Input::At {
            question: "os".into(),
            input: Box::new(Input::Text("linux".into())),
        },
        7,
    );
    assert!(fx.is_empty(), "{fx:?}");
}

#[test]
fn resume_takes_up_an_interrupted_name_lookup() {
    let e = engine();
    let mut s = Session::new(0);
    let fx = e.handle(
        &mut s,
        Input::Text("/diagnose web.example.com linux".into()),
        1,
    );
    assert!(
        fx.contains(&Effect::Resolve("web.example.com".into())),
        "{fx:?}"
    );
    assert!(s.waits_on_runtime());
    let fx = e.handle(&mut s, Input::Resume, 2);
    assert!(
        fx.contains(&Effect::Resolve("web.example.com".into())),
        "{fx:?}"
    );
}

/// `/status` says where the conversation stands and asks its question again
/// (with the buttons' question name), or says how it ended: the way back when
/// the question's message is gone or was never posted.
#[test]
fn status_asks_the_current_question_again() {
    let e = engine();
    let mut s = Session::new(0);
    let req = diagnose(&e, &mut s, 1);
    e.handle(&mut s, Input::ProbeDone(Box::new(open_report(&req))), 2);
    let fx = e.handle(&mut s, Input::Command(Command::Status), 3);
    assert!(!fx.contains(&Effect::Persist), "{fx:?}");
    let asked: Vec<_> = says(&fx)
        .iter()
        .filter_map(|r| r.question.clone())
        .collect();
    assert_eq!(asked, vec![s.question().unwrap()]);
    e.handle(&mut s, Input::Command(Command::Ticket), 4);
    s.phase = Phase::Ended(vmd_core::session::Outcome::Escalated);
    let fx = e.handle(&mut s, Input::Command(Command::Status), 5);
    assert!(ids(&fx).contains(&"ended-escalated".to_string()), "{fx:?}");
}
