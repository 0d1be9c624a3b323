//! The provider-API lookup in the engine: asked right after the first probe
//! only when the engine was built `with_cloud`, waited on like a probe
//! (`Phase::Looking`: "still checking", resumed after a restart, a late or
//! stale answer ignored), and its facts deciding the first question.

use std::net::IpAddr;
use vmd_core::cloud::{
    CloudAnswer, CloudFacts, CloudRequest, SgDecision, SgRule, SgVerdict, SourceRole,
};
use vmd_core::command::{Command, Os};
use vmd_core::engine::CloudShow;
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

fn engine(cloud: bool) -> Engine {
    let e = Engine::new(
        Runbooks::load(FILES, "triage").unwrap(),
        EngineConfig {
            idle_ttl_ms: 3_600_000,
            policy: TargetPolicy::new(vec!["203.0.113.0/24".parse().unwrap()]),
            egress: vec!["198.18.0.5".parse().unwrap()],
        },
    );
    if cloud {
        e.with_cloud(CloudShow::Verdicts)
    } else {
        e
    }
}

fn ip() -> IpAddr {
    "203.0.113.9".parse().unwrap()
}

fn facts(state: &str, decision: SgDecision) -> CloudFacts {
    CloudFacts {
        instance_id: "ins-1".into(),
        instance_name: "web".into(),
        region: "ap-seoul".into(),
        state: state.into(),
        restrict: "NORMAL".into(),
        bandwidth_out_mbps: Some(5),
        os_name: "Ubuntu".into(),
        groups: vec!["sg-1".into()],
        verdicts: vec![SgVerdict {
            role: SourceRole::Bot,
            source: "198.18.0.5".parse().unwrap(),
            decision,
            rule: Some(SgRule {
                group: "sg-1".into(),
                index: 0,
                action: "DROP".into(),
                protocol: "TCP".into(),
                source: "0.0.0.0/0".into(),
                port: "22".into(),
            }),
        }],
        accept_elsewhere: None,
        cpu_peak_pct: Some(3),
        cpu_recent_pct: Some(2),
        bw_recent_centi_mbps: Some(10),
        cpu_saturated: false,
        bw_saturated: false,
        ddos: "not-checked".into(),
    }
}

/// Diagnose, answer the probe with everything filtered: the lookup request.
fn to_lookup(e: &Engine, s: &mut Session) -> Vec<Effect> {
    let fx = e.handle(
        s,
        Input::Command(Command::Diagnose {
            ip: Some(ip()),
            os: Some(Os::Linux),
            port: None,
        }),
        1_000,
    );
    let req = fx
        .iter()
        .find_map(|e| match e {
            Effect::Probe(r) => Some(r.clone()),
            _ => None,
        })
        .unwrap();
    let report = ProbeReport::uniform(&req, PortState::Filtered, PortReason::Timeout, 5);
    let fx = e.handle(s, Input::ProbeDone(Box::new(report)), 2_000);
    // The login port dropped: the alternate-port check comes first, and
    // nothing answers there either.
    let alt = fx
        .iter()
        .find_map(|e| match e {
            Effect::Probe(r) if r.alternates => Some(r.clone()),
            _ => None,
        })
        .expect("the alternate-port check");
    assert!(lookup_of(&fx).is_none(), "the lookup waits for the check");
    let report = ProbeReport::uniform(&alt, PortState::Filtered, PortReason::Timeout, 5);
    e.handle(s, Input::ProbeDone(Box::new(report)), 2_500)
}

fn lookup_of(fx: &[Effect]) -> Option<CloudRequest> {
    fx.iter().find_map(|e| match e {
        Effect::CloudLookup(r) => Some(r.clone()),
        _ => None,
    })
}

#[test]
fn without_the_api_nothing_is_asked() {
    let e = engine(false);
    let mut s = Session::new(0);
    let fx = to_lookup(&e, &mut s);
    assert!(lookup_of(&fx).is_none());
    assert_eq!(s.phase, Phase::Step("triage.security_group".into()));
}

#[test]
fn the_lookup_is_waited_on_resumed_and_answered() {
    let e = engine(true);
    let mut s = Session::new(0);
    let fx = to_lookup(&e, &mut s);
    let req = lookup_of(&fx).expect("a lookup after the first probe");
    assert_eq!(req.ip, ip());
    assert_eq!(req.port, 22);
    assert_eq!(
        req.sources,
        vec![(SourceRole::Bot, "198.18.0.5".parse().unwrap())]
    );
    assert!(matches!(s.phase, Phase::Looking(_)));
    assert!(s.waits_on_runtime());
    // Text meanwhile: still checking; a restart asks again.
    let fx = e.handle(&mut s, Input::Text("hello".into()), 2_100);
    assert!(fx
        .iter()
        .any(|f| matches!(f, Effect::Say(r) if r.parts.iter().any(|m| m.id == "still-probing"))));
    let fx = e.handle(&mut s, Input::Resume, 2_200);
    assert_eq!(lookup_of(&fx), Some(req.clone()));
    // An answer for another address is ignored.
    let other = Input::CloudDone {
        ip: "203.0.113.77".parse().unwrap(),
        answer: Box::new(CloudAnswer::NotOurs),
    };
    e.handle(&mut s, other, 2_300);
    assert!(matches!(s.phase, Phase::Looking(_)));
    // The answer: a stopped instance starts at the instance question.
    let fx = e.handle(
        &mut s,
        Input::CloudDone {
            ip: ip(),
            answer: Box::new(CloudAnswer::Found(Box::new(facts(
                "STOPPED",
                SgDecision::Accept,
            )))),
        },
        2_400,
    );
    assert_eq!(fx[0], Effect::Persist);
    assert_eq!(s.phase, Phase::Step("triage.instance_state".into()));
    let said: Vec<&str> = fx
        .iter()
        .filter_map(|f| match f {
            Effect::Say(r) => Some(r.parts.iter().map(|m| m.id.as_str()).collect::<Vec<_>>()),
            _ => None,
        })
        .flatten()
        .collect();
    assert!(
        said.contains(&"cloud-found") && said.contains(&"route-cloud-stopped"),
        "{said:?}"
    );
    // A late second answer changes nothing.
    let before = s.clone();
    let fx = e.handle(
        &mut s,
        Input::CloudDone {
            ip: ip(),
            answer: Box::new(CloudAnswer::NotOurs),
        },
        2_500,
    );
    assert!(fx.is_empty());
    assert_eq!(s, before);
    // Stored with the answer, read back the same.
    let json = serde_json::to_string(&s).unwrap();
    assert_eq!(serde_json::from_str::<Session>(&json).unwrap(), s);
}

#[test]
fn a_failed_lookup_goes_on_as_without_the_api() {
    let e = engine(true);
    let mut s = Session::new(0);
    to_lookup(&e, &mut s);
    e.handle(
        &mut s,
        Input::CloudDone {
            ip: ip(),
            answer: Box::new(CloudAnswer::Failed("auth".into())),
        },
        3_000,
    );
    assert_eq!(s.phase, Phase::Step("triage.security_group".into()));
}

#[test]
fn a_drop_for_the_bot_starts_at_the_security_group() {
    let e = engine(true);
    let mut s = Session::new(0);
    to_lookup(&e, &mut s);
    e.handle(
        &mut s,
        Input::CloudDone {
            ip: ip(),
            answer: Box::new(CloudAnswer::Found(Box::new(facts(
                "RUNNING",
                SgDecision::Drop,
            )))),
        },
        3_000,
    );
    assert_eq!(s.phase, Phase::Step("triage.security_group".into()));
    let report = vmd_core::report::Report::build(e.runbooks(), &s, 4_000);
    assert!(matches!(report.cloud, Some(CloudAnswer::Found(_))));
}

#[test]
fn a_session_stored_before_this_feature_still_reads() {
    let s = Session::new(5);
    let mut v = serde_json::to_value(&s).unwrap();
    v.as_object_mut().unwrap().remove("cloud");
    assert_eq!(serde_json::from_value::<Session>(v).unwrap(), s);
}
