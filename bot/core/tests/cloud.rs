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
        ddos_unblock: String::new(),
        eip: None,
        rules: Vec::new(),
        rules_complete: false,
        port: 22,
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

fn with_rules() -> CloudFacts {
    use vmd_core::cloud::RawRule;
    let mut f = facts("RUNNING", SgDecision::Drop);
    let r = |index: u32, cidr: &str, action: &str| RawRule {
        index,
        protocol: "TCP".into(),
        port: "22".into(),
        cidr: cidr.into(),
        action: action.into(),
        ..RawRule::default()
    };
    f.rules = vec![(
        "sg-1".into(),
        vec![r(0, "198.18.0.0/24", "DROP"), r(1, "0.0.0.0/0", "ACCEPT")],
    )];
    f.rules_complete = true;
    f
}

fn said<'a>(fx: &'a [Effect], id: &str) -> Option<&'a vmd_core::msg::Msg> {
    fx.iter().find_map(|e| match e {
        Effect::Say(r) => r.parts.iter().find(|m| m.id == id),
        _ => None,
    })
}

fn arg(m: &vmd_core::msg::Msg, k: &str) -> String {
    match m.args.get(k) {
        Some(vmd_core::msg::Arg::Str(s)) => s.clone(),
        Some(vmd_core::msg::Arg::Num(n)) => n.to_string(),
        None => String::new(),
    }
}

#[test]
fn the_address_given_at_the_your_side_step_is_evaluated_against_the_kept_rules() {
    let e = engine(true);
    let mut s = Session::new(0);
    to_lookup(&e, &mut s);
    e.handle(
        &mut s,
        Input::CloudDone {
            ip: ip(),
            answer: Box::new(CloudAnswer::Found(Box::new(with_rules()))),
        },
        2_500,
    );
    s.phase = Phase::Step("common.your_side".into());
    // A sentence naming it is the step's answer, not a remark beside it.
    assert_eq!(e.own_address(&s, "my ip is 198.51.100.7"), None);
    let fx = e.handle(&mut s, Input::Text("198.51.100.7".into()), 3_000);
    let m = said(&fx, "cloud-user-source").expect("a line on the user's address");
    assert_eq!(arg(m, "decision"), "accept");
    assert_eq!(arg(m, "index"), "1");
    assert_eq!(arg(m, "cloud_details"), "no");
    let Some(CloudAnswer::Found(f)) = &s.cloud else {
        panic!()
    };
    let u = f.user_verdict().unwrap();
    assert_eq!(u.source, "198.51.100.7".parse::<IpAddr>().unwrap());
    assert_eq!(u.decision, SgDecision::Accept);
    // The conversation moved on as the step says.
    assert_eq!(s.phase, Phase::Step("common.source_rule".into()));
}

#[test]
fn rules_kept_only_in_part_decide_nothing_they_did_not_keep() {
    let mut f = with_rules();
    f.rules[0].1.retain(|r| r.action == "DROP");
    f.rules_complete = false;
    let v = f
        .evaluate_user("198.51.100.7".parse().unwrap(), 22)
        .unwrap();
    assert_eq!(v.decision, SgDecision::Unknown);
    // A kept rule that matches still decides.
    let v = f.evaluate_user("198.18.0.9".parse().unwrap(), 22).unwrap();
    assert_eq!(v.decision, SgDecision::Drop);
    assert_eq!(
        f.verdicts
            .iter()
            .filter(|v| v.role == SourceRole::User)
            .count(),
        1
    );
}

#[test]
fn support_readers_get_the_rule_details_other_readers_the_verdict() {
    use vmd_core::engine::Viewer;
    let e = engine(true);
    for (viewer, details) in [(Viewer::Anyone, "no"), (Viewer::Support, "yes")] {
        let mut s = Session::new(0);
        to_lookup(&e, &mut s);
        let fx = e.handle_as(
            &mut s,
            Input::CloudDone {
                ip: ip(),
                answer: Box::new(CloudAnswer::Found(Box::new(with_rules()))),
            },
            2_500,
            viewer,
        );
        let m = said(&fx, "cloud-sg").unwrap();
        assert_eq!(arg(m, "cloud_details"), details, "{viewer:?}");
        // The same session, the next reader: decided per turn, not stored.
        let other = if viewer == Viewer::Support {
            Viewer::Anyone
        } else {
            Viewer::Support
        };
        let fx = e.handle_as(&mut s, Input::Command(Command::Status), 3_000, other);
        let m = said(&fx, "cloud-sg").unwrap();
        assert_ne!(arg(m, "cloud_details"), details, "{other:?}");
    }
}

#[test]
fn my_ip_in_a_sentence_is_the_users_own_address() {
    use vmd_core::cloud::own_address;
    let me: IpAddr = "198.51.100.7".parse().unwrap();
    assert_eq!(own_address("my IP is 198.51.100.7"), Some(me));
    assert_eq!(own_address("제 아이피는 198.51.100.7이에요"), Some(me));
    assert_eq!(own_address("내 IP 198.51.100.7"), Some(me));
    // The server's address, a private one, or two lines: not taken.
    assert_eq!(own_address("the server is 198.51.100.7"), None);
    assert_eq!(own_address("my ip is 192.168.0.10"), None);
    assert_eq!(own_address("my ip is\n198.51.100.7"), None);
}

#[test]
fn the_verdicts_follow_a_login_port_that_moved_after_the_lookup() {
    use vmd_core::cloud::RawRule;
    let e = engine(true);
    let mut s = Session::new(0);
    to_lookup(&e, &mut s);
    let mut f = facts("RUNNING", SgDecision::Accept);
    f.rules = vec![(
        "sg-1".into(),
        vec![RawRule {
            index: 0,
            protocol: "TCP".into(),
            port: "22".into(),
            cidr: "0.0.0.0/0".into(),
            action: "ACCEPT".into(),
            ..RawRule::default()
        }],
    )];
    f.rules_complete = true;
    e.handle(
        &mut s,
        Input::CloudDone {
            ip: ip(),
            answer: Box::new(CloudAnswer::Found(Box::new(f))),
        },
        2_500,
    );
    // sshd turned out to listen on 2222: nothing admits that port.
    s.custom_port = Some(2222);
    let fx = e.handle(&mut s, Input::Command(Command::Status), 3_000);
    let m = said(&fx, "cloud-sg").unwrap();
    assert_eq!(arg(m, "cloud_verdict"), "no-match");
    let Some(CloudAnswer::Found(f)) = &s.cloud else {
        panic!()
    };
    assert_eq!(f.port, 2222);
    assert!(f.codes().contains(&"sg-bot-blocked"), "{:?}", f.codes());
    assert!(!f.codes().contains(&"sg-allows"));
}

/// The provider's API says the security group drops the bot; the user then
/// answers that it allows the port: the reply names the contradiction and
/// that the API's records win over the answer.
#[test]
fn the_apis_word_beats_a_claim_and_the_reply_says_so() {
    let e = engine(true);
    let mut s = Session::new(0);
    let fx = to_lookup(&e, &mut s);
    let req = lookup_of(&fx).unwrap();
    e.handle(
        &mut s,
        Input::CloudDone {
            ip: req.ip,
            answer: Box::new(CloudAnswer::Found(Box::new(facts(
                "RUNNING",
                SgDecision::Drop,
            )))),
        },
        3_000,
    );
    let Phase::Step(at) = s.phase.clone() else {
        panic!("{:?}", s.phase)
    };
    let key = e
        .runbooks()
        .step(&at)
        .unwrap()
        .options
        .iter()
        .find(|o| o.rules_out.as_deref() == Some("ruled-out-security-group"))
        .map(|o| o.key.clone())
        .unwrap_or_else(|| panic!("{at} has no 'it allows the port' option"));
    let fx = e.handle(&mut s, Input::Choose(key), 4_000);
    let named = fx
        .iter()
        .filter_map(|e| match e {
            Effect::Say(r) => Some(r),
            _ => None,
        })
        .flat_map(|r| r.parts.iter())
        .find(|m| m.id == "evidence-contradiction")
        .unwrap_or_else(|| panic!("not named: {fx:?}"));
    let arg = |k: &str| match named.args.get(k) {
        Some(vmd_core::msg::Arg::Str(v)) => v.clone(),
        other => panic!("{k}: {other:?}"),
    };
    assert_eq!(arg("subject"), "security-group");
    assert_eq!(arg("held"), "said");
    assert_eq!(arg("wins"), "provider");
    assert_eq!(arg("wins_ok"), "no");
}
