//! Every way out of a probe or a name lookup leaves the conversation at a
//! question (or ended), never stored "still checking" with nothing under way:
//! such a session re-probes on every message, drops answers, shows no buttons
//! and is re-probed unasked after every restart.

use proptest::prelude::*;
use std::net::IpAddr;
use vmd_core::command::{Command, Os};
use vmd_core::limits::{Budget, ProbeRefusal};
use vmd_core::msg::{Expect, Reply};
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

const SS_2222: &str = "State   Recv-Q  Send-Q   Local Address:Port    Peer Address:Port  Process
LISTEN  0       128            0.0.0.0:2222         0.0.0.0:*      users:((\"sshd\",pid=812,fd=3))
LISTEN  0       511            0.0.0.0:80           0.0.0.0:*      users:((\"nginx\",pid=901,fd=6))";

fn engine() -> Engine {
    Engine::new(
        Runbooks::load(FILES, "triage").unwrap(),
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

fn probe_of(fx: &[Effect]) -> Option<ProbeRequest> {
    fx.iter().find_map(|e| match e {
        Effect::Probe(r) => Some(r.clone()),
        _ => None,
    })
}

fn says(fx: &[Effect]) -> Vec<&Reply> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Say(r) => Some(r),
            _ => None,
        })
        .collect()
}

fn ssh(port: u16, error: Option<SshError>, legacy_only: bool) -> SshResult {
    SshResult {
        port,
        banner: error.is_none().then(|| "SSH-2.0-OpenSSH_9.6".to_owned()),
        kex: vec!["curve25519-sha256".into()],
        host_key: vec!["ssh-ed25519".into()],
        ciphers: Vec::new(),
        macs: Vec::new(),
        legacy_only,
        client_hint: None,
        server_message: None,
        error,
    }
}

/// Every result a re-check can give, as the input that brings it.
fn outcomes(req: &ProbeRequest) -> Vec<(&'static str, Input)> {
    let port = req.ports[0].port;
    let with = |state, reason, ssh: Option<SshResult>| {
        let mut r = ProbeReport::uniform(req, state, reason, 7);
        r.ssh = ssh;
        Input::ProbeDone(Box::new(r))
    };
    vec![
        (
            "healthy",
            with(
                PortState::Open,
                PortReason::SynAck,
                Some(ssh(port, None, false)),
            ),
        ),
        ("closed", with(PortState::Closed, PortReason::Reset, None)),
        (
            "filtered",
            with(PortState::Filtered, PortReason::Timeout, None),
        ),
        (
            "open-but-broken",
            with(
                PortState::Open,
                PortReason::SynAck,
                Some(ssh(port, Some(SshError::NoBanner), false)),
            ),
        ),
        (
            "legacy-only",
            with(
                PortState::Open,
                PortReason::SynAck,
                Some(ssh(port, None, true)),
            ),
        ),
        (
            "inconclusive",
            with(PortState::Inconclusive, PortReason::LocalError, None),
        ),
        (
            "refused",
            Input::ProbeRefused(ProbeRefusal::Rate {
                budget: Budget::Target,
                retry_after_s: 60,
            }),
        ),
    ]
}

/// The session stands at a question whose reply was said in this turn (with
/// its options, when it is a choice), or it ended.
fn assert_settled(what: &str, s: &Session, fx: &[Effect]) {
    assert!(!s.waits_on_runtime(), "{what}: left waiting: {:?}", s.phase);
    assert!(probe_of(fx).is_none(), "{what}: probed again: {fx:?}");
    let replies = says(fx);
    assert!(
        !replies
            .iter()
            .any(|r| r.parts.iter().any(|m| m.id == "still-probing")),
        "{what}: said it was still checking: {fx:?}"
    );
    match &s.phase {
        Phase::Step(id) => {
            let q = replies
                .iter()
                .rev()
                .find(|r| r.step.as_deref() == Some(id.as_str()))
                .unwrap_or_else(|| panic!("{what}: the question {id} was not asked: {fx:?}"));
            assert_eq!(q.question, s.question(), "{what}");
            if q.expect == Expect::Choice {
                assert!(!q.options.is_empty(), "{what}: {id} without options");
            }
        }
        Phase::Ended(_) | Phase::AskIp | Phase::AskOs => {}
        other => panic!("{what}: {other:?}"),
    }
}

/// A paste shows sshd on another port; the re-check it starts gives each
/// possible result in turn; every one ends at a question.
#[test]
fn every_result_of_a_paste_re_check_ends_at_a_question() {
    let e = engine();
    let probe = {
        let mut s = Session::new(0);
        let fx = e.handle(
            &mut s,
            Input::Command(Command::Diagnose {
                ip: Some(ip()),
                os: Some(Os::Linux),
                port: None,
            }),
            1,
        );
        probe_of(&fx).unwrap()
    };
    for (name, outcome) in outcomes(&ProbeRequest {
        target: ip(),
        icmp: false,
        alternates: false,
        ports: vec![PortSpec {
            port: 2222,
            service: Some(Service::Ssh),
        }],
    }) {
        let mut s = Session::new(0);
        e.handle(
            &mut s,
            Input::Command(Command::Diagnose {
                ip: Some(ip()),
                os: Some(Os::Linux),
                port: None,
            }),
            1,
        );
        let closed = ProbeReport::uniform(&probe, PortState::Closed, PortReason::Reset, 5);
        let fx = e.handle(&mut s, Input::ProbeDone(Box::new(closed)), 2);
        // The alternate-port check: nothing answers there either.
        let alt = probe_of(&fx).expect("the alternate-port check");
        assert!(alt.alternates);
        let none = ProbeReport::uniform(&alt, PortState::Closed, PortReason::Reset, 5);
        e.handle(&mut s, Input::ProbeDone(Box::new(none)), 2);
        assert_eq!(s.phase, Phase::Step("linux.vnc".into()));
        let fx = e.handle(&mut s, Input::Paste(SS_2222.into()), 3);
        let req = probe_of(&fx).expect("the new port is re-checked");
        assert_eq!(req.ports[0].port, 2222);
        assert!(s.waits_on_runtime());
        let fx = e.handle(&mut s, outcome, 4);
        assert_settled(name, &s, &fx);
        if name == "healthy" {
            assert_eq!(s.phase, Phase::Step("triage.confirm_login".into()));
        } else if let Phase::Step(id) = s.phase.clone() {
            // The question goes on: a later answer is taken, not re-probed.
            let fx = e.handle(&mut s, Input::Resume, 5);
            assert!(probe_of(&fx).is_none(), "{name}: resumed into a probe");
            assert_eq!(s.phase, Phase::Step(id), "{name}");
        }
    }
}

fn arb_input() -> impl Strategy<Value = u8> {
    0u8..14
}

/// Whatever the conversation does, a turn that ends a wait either asks a
/// question or asks for the next probe or lookup.
#[test]
fn no_turn_leaves_a_wait_without_work() {
    let e = engine();
    proptest!(ProptestConfig::with_cases(300), |(script in proptest::collection::vec((arb_input(), 0usize..8), 1..40))| {
        let mut s = Session::new(0);
        let mut now = 1;
        let mut pending: Option<ProbeRequest> = None;
        for (kind, pick) in script {
            now += 1;
            let input = match (kind, &pending) {
                (0, _) => Input::Command(Command::Diagnose { ip: Some(ip()), os: Some(Os::Linux), port: None }),
                (1, _) => Input::Command(Command::Diagnose { ip: Some(ip()), os: Some(Os::Windows), port: None }),
                (2, _) => Input::Paste(SS_2222.into()),
                (3, _) => Input::Text("hello".into()),
                (4, _) => Input::Choose("_unknown".into()),
                (5, _) => Input::Resume,
                (6, _) => Input::Command(Command::Back),
                (7, _) => Input::Text("/diagnose web.example.com linux".into()),
                (8, _) => Input::Resolved { name: "web.example.com".into(), result: Ok(ip()) },
                (_, Some(req)) => {
                    let all = outcomes(req);
                    all[pick % all.len()].1.clone()
                }
                (_, None) => {
                    // The options of the question asked now.
                    let opts = e.current_options(&s);
                    match opts.get(pick % opts.len().max(1)) {
                        Some(c) => Input::Choose(c.key.clone()),
                        None => Input::Text("1".into()),
                    }
                }
            };
            let was_waiting = s.waits_on_runtime();
            let ends = match (&s.phase, &input) {
                (Phase::Probing(_), Input::ProbeDone(_) | Input::ProbeRefused(_)) => true,
                (Phase::Resolving(n), Input::Resolved { name, .. }) => n == name,
                _ => false,
            };
            let fx = e.handle(&mut s, input.clone(), now);
            if let Some(r) = probe_of(&fx) {
                pending = Some(r);
            }
            if !s.waits_on_runtime() {
                pending = None;
            }
            let asked = fx.iter().any(|e| matches!(e, Effect::Probe(_) | Effect::Resolve(_)));
            if ends && !asked {
                assert_settled(&format!("{input:?}"), &s, &fx);
            }
            // A session waits only on work it asked for.
            if s.waits_on_runtime() && !was_waiting {
                prop_assert!(asked, "waits without work: {fx:?}");
            }
        }
    });
}
