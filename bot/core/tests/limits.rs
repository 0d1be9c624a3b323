//! Abuse limits in the pure core: bounded sessions whatever a user repeats,
//! refused probes that return the conversation to where it was, the port
//! policy at every place a port is given, and echoed text without bidi tricks.

use std::net::IpAddr;
use vmd_core::command::{Command, Os};
use vmd_core::limits::{self, Budget, PortPolicy, ProbeRefusal};
use vmd_core::policy::{Refusal, TargetPolicy};
use vmd_core::probe::*;
use vmd_core::runbook::Runbooks;
use vmd_core::session::{Answer, Phase, Purpose, Session};
use vmd_core::{Effect, Engine, EngineConfig, Input};

const FILES: &[(&str, &str)] = &[
    ("triage.toml", include_str!("../../runbooks/triage.toml")),
    ("common.toml", include_str!("../../runbooks/common.toml")),
    ("windows.toml", include_str!("../../runbooks/windows.toml")),
    ("linux.toml", include_str!("../../runbooks/linux.toml")),
    ("routes.toml", include_str!("../../runbooks/routes.toml")),
];

fn engine_with(ports: PortPolicy) -> Engine {
    let rb = Runbooks::load(FILES, "triage").unwrap();
    Engine::new(
        rb,
        EngineConfig {
            idle_ttl_ms: u64::MAX / 2,
            policy: TargetPolicy::new(vec!["203.0.113.0/24".parse().unwrap()]).with_ports(ports),
            egress: Vec::new(),
        },
    )
}

fn engine() -> Engine {
    engine_with(PortPolicy::default())
}

fn ip() -> IpAddr {
    "203.0.113.9".parse().unwrap()
}

fn ids(effects: &[Effect]) -> Vec<String> {
    effects
        .iter()
        .filter_map(|e| match e {
            Effect::Say(r) => Some(r),
            _ => None,
        })
        .flat_map(|r| r.parts.iter().map(|m| m.id.clone()))
        .collect()
}

fn probe_of(fx: &[Effect]) -> Option<ProbeRequest> {
    fx.iter().find_map(|e| match e {
        Effect::Probe(r) => Some(r.clone()),
        _ => None,
    })
}

/// What a hostile server sends: a KEXINIT with 64 long names in every list.
fn fat_report(req: &ProbeRequest) -> ProbeReport {
    let mut r = ProbeReport::uniform(req, PortState::Open, PortReason::SynAck, 5);
    r.icmp = req.icmp.then_some(IcmpResult {
        state: IcmpState::NoReply,
        sent: 3,
        received: 0,
        rtt_ms: None,
        method: None,
        echoes: vec![None; 3],
    });
    let names: Vec<String> = (0..64)
        .map(|i| format!("{i:02}{}", "x".repeat(62)))
        .collect();
    r.ssh = Some(SshResult {
        port: 22,
        banner: Some("SSH-2.0-".to_owned() + &"b".repeat(190)),
        kex: names.clone(),
        host_key: names.clone(),
        ciphers: names.clone(),
        macs: names,
        legacy_only: true,
        client_hint: Some("ssh -oKexAlgorithms=+x".into()),
        server_message: None,
        error: None,
    });
    r
}

fn start(e: &Engine, s: &mut Session) -> ProbeRequest {
    let fx = e.handle(
        s,
        Input::Command(Command::Diagnose {
            ip: Some(ip()),
            os: Some(Os::Linux),
            port: None,
        }),
        1,
    );
    probe_of(&fx).expect("first probe")
}

#[test]
fn check_again_then_back_loop_stays_bounded() {
    let e = engine();
    let mut s = Session::new(0);
    let req = start(&e, &mut s);
    e.handle(&mut s, Input::ProbeDone(Box::new(fat_report(&req))), 2);
    let first_icmp = s.probes[0].report.icmp.clone();
    assert!(first_icmp.is_some());
    let mut sizes = Vec::new();
    for round in 0..500u64 {
        let now = 10 + round * 10;
        s.phase = Phase::Step("linux.firewall".into());
        let fx = e.handle(&mut s, Input::Choose("fixed".into()), now);
        let req = probe_of(&fx).expect("check again probes");
        e.handle(
            &mut s,
            Input::ProbeDone(Box::new(fat_report(&req))),
            now + 1,
        );
        e.handle(&mut s, Input::Command(Command::Back), now + 2);
        if round % 100 == 99 {
            sizes.push(serde_json::to_vec(&s).unwrap().len());
        }
    }
    assert!(
        s.probes.len() <= limits::MAX_PROBES_KEPT + 1,
        "{}",
        s.probes.len()
    );
    assert!(s.probe_history.len() <= limits::MAX_PROBE_SUMMARIES);
    assert!(s.probes_forgotten > 400, "{}", s.probes_forgotten);
    assert!(s.answers.len() <= limits::MAX_ANSWERS);
    assert!(s.trail.len() <= limits::MAX_TRAIL);
    for p in &s.probes {
        let ssh = p.report.ssh.as_ref().unwrap();
        assert!(ssh.kex.len() <= limits::MAX_STORED_NAMES);
        assert!(ssh
            .kex
            .iter()
            .all(|n| n.len() <= limits::MAX_STORED_NAME_LEN));
    }
    // The ICMP result of the first full probe is still known.
    assert!(s.probes.iter().any(|p| p.report.icmp.is_some()));
    // Size stops growing: the last measurements are equal and under the record cap.
    let last = *sizes.last().unwrap();
    assert!(last < limits::MAX_RECORD_BYTES, "{sizes:?}");
    assert_eq!(sizes[sizes.len() - 2], last, "{sizes:?}");
}

#[test]
fn shrink_once_always_makes_progress_and_keeps_the_conversation() {
    let e = engine();
    let mut s = Session::new(0);
    let req = start(&e, &mut s);
    e.handle(&mut s, Input::ProbeDone(Box::new(fat_report(&req))), 2);
    for i in 0..60 {
        s.answers.push(Answer {
            at_ms: i,
            step: "linux.firewall".into(),
            option: None,
            value: Some("y".repeat(2000)),
            inferred: false,
        });
        s.trail.push("linux.firewall".into());
    }
    s.vars.insert("netstat".into(), "z".repeat(2000));
    let target = s.target;
    let mut steps = 0;
    while s.shrink_once() {
        steps += 1;
        assert!(steps < 100, "shrinking must end");
    }
    assert!(steps > 3);
    assert_eq!(s.target, target);
    assert_eq!(s.probes.len(), 1);
    assert!(serde_json::to_vec(&s).unwrap().len() < 4 * 1024);
}

#[test]
fn a_refused_recheck_returns_to_its_step() {
    let e = engine();
    let mut s = Session::new(0);
    let req = start(&e, &mut s);
    e.handle(&mut s, Input::ProbeDone(Box::new(fat_report(&req))), 2);
    s.phase = Phase::Step("linux.firewall".into());
    let fx = e.handle(&mut s, Input::Choose("fixed".into()), 3);
    assert!(probe_of(&fx).is_some());
    assert!(matches!(s.phase, Phase::Probing(_)));
    let fx = e.handle(
        &mut s,
        Input::ProbeRefused(ProbeRefusal::Rate {
            budget: Budget::User,
            retry_after_s: 42,
        }),
        4,
    );
    assert_eq!(fx[0], Effect::Persist);
    assert_eq!(s.phase, Phase::Step("linux.firewall".into()));
    let said = ids(&fx);
    assert_eq!(said[0], "limit-rate-user", "{said:?}");
    let args = match &fx[1] {
        Effect::Say(r) => r.parts[0].args.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(args["seconds"], vmd_core::msg::Arg::Num(42));
    // The step's question is asked again, with its options.
    assert!(said.contains(&"linux-firewall".to_string()), "{said:?}");
    assert!(probe_of(&fx).is_none());
}

#[test]
fn a_refused_first_probe_asks_for_the_address_again() {
    let e = engine();
    let mut s = Session::new(0);
    start(&e, &mut s);
    let fx = e.handle(
        &mut s,
        Input::ProbeRefused(ProbeRefusal::Target {
            ip: ip(),
            refusal: Refusal::Documentation,
        }),
        2,
    );
    assert_eq!(s.phase, Phase::AskIp);
    assert_eq!(s.target, None);
    assert_eq!(
        ids(&fx),
        vec![
            "limit-target-refused",
            "refusal-documentation",
            "ask-ip-have-os"
        ]
    );
    // A rate refusal of the first probe: type the address again later.
    let mut s = Session::new(0);
    start(&e, &mut s);
    e.handle(
        &mut s,
        Input::ProbeRefused(ProbeRefusal::Busy { max: 2 }),
        2,
    );
    assert_eq!(s.phase, Phase::AskIp);
    let fx = e.handle(&mut s, Input::Text(ip().to_string()), 3);
    let req = probe_of(&fx).expect("probed again");
    let Phase::Probing(p) = &s.phase else {
        panic!("{:?}", s.phase)
    };
    assert_eq!(p.purpose, Purpose::Initial);
    e.handle(&mut s, Input::ProbeDone(Box::new(fat_report(&req))), 4);
    // A refusal nobody waits for changes nothing.
    let before = s.clone();
    let fx = e.handle(
        &mut s,
        Input::ProbeRefused(ProbeRefusal::Busy { max: 2 }),
        5,
    );
    assert!(fx.is_empty(), "{fx:?}");
    assert_eq!(s, before);
}

#[test]
fn resume_of_a_pending_probe_is_just_another_probe_request() {
    // The engine re-issues the pending probe; the runtime's admission point
    // decides again (tested in vmd-runtime), and a refusal lands here.
    let e = engine();
    let mut s = Session::new(0);
    start(&e, &mut s);
    let fx = e.handle(&mut s, Input::Resume, 2);
    assert!(probe_of(&fx).is_some());
    e.handle(
        &mut s,
        Input::ProbeRefused(ProbeRefusal::Rate {
            budget: Budget::Target,
            retry_after_s: 5,
        }),
        3,
    );
    assert_eq!(s.phase, Phase::AskIp);
}

#[test]
fn diagnose_with_a_refused_port_is_refused_before_anything_starts() {
    let e = engine();
    let mut s = Session::new(0);
    let fx = e.handle(
        &mut s,
        Input::Command(Command::Diagnose {
            ip: Some(ip()),
            os: Some(Os::Linux),
            port: Some(979),
        }),
        1,
    );
    assert!(probe_of(&fx).is_none(), "{fx:?}");
    assert_eq!(ids(&fx)[0], "limit-port-not-allowed");
    // 2222 is fine.
    let fx = e.handle(
        &mut s,
        Input::Command(Command::Diagnose {
            ip: Some(ip()),
            os: Some(Os::Linux),
            port: Some(2222),
        }),
        2,
    );
    let req = probe_of(&fx).unwrap();
    assert!(req.ports.iter().any(|p| p.port == 2222));
}

#[test]
fn custom_port_steps_check_the_port_policy_and_the_distinct_count() {
    // A Linux conversation's first probe spends one port (22).
    let ports = PortPolicy::new(limits::parse_port_list("22,3389,2000-2999").unwrap(), 2);
    let e = engine_with(ports);
    let mut s = Session::new(0);
    let req = start(&e, &mut s);
    e.handle(&mut s, Input::ProbeDone(Box::new(fat_report(&req))), 2);
    s.phase = Phase::Step("linux.custom_port".into());
    // Not allowed: refused, asked again, nothing probed, nothing recorded.
    let fx = e.handle(&mut s, Input::Text("6379".into()), 3);
    assert!(probe_of(&fx).is_none());
    assert_eq!(ids(&fx)[0], "limit-port-not-allowed");
    assert_eq!(s.phase, Phase::Step("linux.custom_port".into()));
    assert_eq!(s.custom_port, None);
    // Allowed: probed (the second distinct port).
    let fx = e.handle(&mut s, Input::Text("2222".into()), 4);
    let req = probe_of(&fx).expect("2222 probed");
    e.handle(&mut s, Input::ProbeDone(Box::new(fat_report(&req))), 5);
    // A third distinct port is one too many.
    s.phase = Phase::Step("linux.custom_port".into());
    let fx = e.handle(&mut s, Input::Text("2223".into()), 6);
    assert!(probe_of(&fx).is_none());
    assert_eq!(ids(&fx)[0], "limit-too-many-ports");
    // The same port again is fine.
    let fx = e.handle(&mut s, Input::Text("2222".into()), 7);
    assert!(probe_of(&fx).is_some());
}

#[test]
fn echoed_text_loses_bidi_and_zero_width_controls() {
    let e = engine();
    let mut s = Session::new(0);
    e.handle(&mut s, Input::Text("hi".into()), 1);
    let fx = e.handle(
        &mut s,
        Input::Text("1.2.3\u{202E}4\u{2066}x\u{200B}y".into()),
        2,
    );
    let echoed = fx
        .iter()
        .find_map(|e| match e {
            Effect::Say(r) => r.parts[0].args.get("value").cloned(),
            _ => None,
        })
        .expect("the bad address is echoed");
    assert_eq!(echoed, vmd_core::msg::Arg::Str("1.2.34xy".into()));
}

#[test]
fn a_custom_port_refused_at_admission_is_not_kept() {
    let e = engine();
    let mut s = Session::new(0);
    let req = start(&e, &mut s);
    e.handle(&mut s, Input::ProbeDone(Box::new(fat_report(&req))), 2);
    s.phase = Phase::Step("linux.custom_port".into());
    let fx = e.handle(&mut s, Input::Text("2222".into()), 3);
    assert!(probe_of(&fx).is_some());
    assert_eq!(s.custom_port, Some(2222));
    // The operator narrowed the ports meanwhile: the admission point refuses.
    let fx = e.handle(
        &mut s,
        Input::ProbeRefused(ProbeRefusal::PortNotAllowed {
            port: 2222,
            allowed: "22, 3389".into(),
        }),
        4,
    );
    assert_eq!(ids(&fx)[0], "limit-port-not-allowed");
    assert_eq!(s.custom_port, None);
    assert_eq!(s.phase, Phase::Step("linux.custom_port".into()));
    // A refused probe never counts as a probed port.
    assert!(!s.ports_probed.contains(&2222), "{:?}", s.ports_probed);
}

/// The stored record, as the store writes it.
fn record_len(s: &Session) -> usize {
    serde_json::to_vec(&serde_json::json!({ "v": 1, "session": s }))
        .unwrap()
        .len()
}

/// A large hostile paste: its first 4 KiB (what the report keeps) are
/// characters JSON escapes at twice their size, then 40 distinct sshd
/// complaints whose messages are four-byte characters.
fn big_paste(i: usize) -> String {
    let mut t = String::new();
    while t.len() < 4 * 1024 {
        t.push_str(&"\"\\".repeat(150));
        t.push('\n');
    }
    for k in 0..40 {
        t.push_str(&format!(
            "Dec  2 03:41:46 host sshd[{k}]: fatal: {i} {k} {}\n",
            "\u{1F600}".repeat(118)
        ));
    }
    t
}

/// Pastes and their readings are trimmed within the record cap: however
/// many large pastes come, every turn's record can be stored.
#[test]
fn many_large_pastes_keep_the_record_under_its_cap() {
    let e = engine();
    let mut s = Session::new(0);
    let req = start(&e, &mut s);
    e.handle(&mut s, Input::ProbeDone(Box::new(fat_report(&req))), 2);
    assert!(matches!(s.phase, Phase::Step(_)), "{:?}", s.phase);
    for i in 0..12 {
        let paste = big_paste(i);
        assert!(paste.len() <= vmd_core::paste::MAX_PASTE);
        let fx = e.handle(&mut s, Input::Paste(paste), 10 + i as u64);
        assert!(ids(&fx).contains(&"paste-read".to_string()), "{fx:?}");
        assert!(s.pastes.len() <= vmd_core::session::MAX_PASTES);
        let text: usize = s.pastes.iter().map(|p| p.text.len()).sum();
        assert!(text <= limits::MAX_PASTE_TEXT, "{text}");
        for p in &s.pastes {
            let facts: Vec<_> = p.readings.iter().flat_map(|r| &r.facts).collect();
            assert!(facts.len() <= vmd_core::paste::MAX_FACTS);
            assert!(facts
                .iter()
                .all(|f| !f.text_longer_than(limits::MAX_FACT_TEXT)));
        }
        // The store trims a copy until it fits; it always can.
        let mut t = s.clone();
        let mut steps = 0;
        while record_len(&t) > limits::MAX_RECORD_BYTES {
            assert!(
                t.shrink_once(),
                "paste {i}: {} bytes even after trimming",
                record_len(&t)
            );
            steps += 1;
        }
        assert!(steps < 40, "{steps}");
        assert_eq!(t.target, s.target);
        assert_eq!(t.phase, s.phase);
        assert!(!t.pastes.is_empty(), "the latest paste survives");
    }
}
