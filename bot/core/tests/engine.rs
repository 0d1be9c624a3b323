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
];

const TTL: u64 = 60_000;

fn engine() -> Engine {
    let rb = Runbooks::load(FILES, "triage").unwrap();
    Engine::new(
        rb,
        EngineConfig {
            idle_ttl_ms: TTL,
            policy: TargetPolicy::new(vec!["203.0.113.0/24".parse().unwrap()]),
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
        vec![22, 3389]
    );
    let fx = e.handle(&mut s, Input::ProbeDone(Box::new(open_report(&req))), 2);
    assert_eq!(fx[0], Effect::Persist);
    assert_eq!(s.phase, Phase::Step("triage.client".into()));
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
    assert_eq!(ids[1], "triage-client");
    assert_eq!(s.phase, Phase::Step("triage.client".into()));
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
    assert_eq!(ids(&fx), vec!["refusal-metadata", "ask-ip"]);
    assert!(!fx.iter().any(|e| matches!(e, Effect::Probe(_))));
    let fx = e.handle(&mut s, Input::Text("::ffff:127.0.0.1".into()), 2);
    assert_eq!(ids(&fx), vec!["refusal-loopback", "ask-ip"]);
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
