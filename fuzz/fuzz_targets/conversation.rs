//! Whole conversations: arbitrary lines, button keys, probe results and
//! refusals fed to the engine. It must never panic, every effect list that
//! changes the session starts with Persist, and the session stays within
//! its caps (the stored record within its size limit).
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use vmd_core::limits::{self, Budget, ProbeRefusal};
use vmd_core::policy::TargetPolicy;
use vmd_core::probe::{PortReason, PortState, ProbeReport};
use vmd_core::runbook::Runbooks;
use vmd_core::session::{Phase, Session};
use vmd_core::{Effect, Engine, EngineConfig, Input};

const FILES: &[(&str, &str)] = &[
    (
        "triage.toml",
        include_str!("../../bot/runbooks/triage.toml"),
    ),
    (
        "common.toml",
        include_str!("../../bot/runbooks/common.toml"),
    ),
    (
        "windows.toml",
        include_str!("../../bot/runbooks/windows.toml"),
    ),
    ("linux.toml", include_str!("../../bot/runbooks/linux.toml")),
    ("routes.toml", include_str!("../../bot/runbooks/routes.toml")),
];

fn engine() -> &'static Engine {
    static E: OnceLock<Engine> = OnceLock::new();
    E.get_or_init(|| {
        let rb = Runbooks::load(FILES, "triage").expect("runbooks");
        Engine::new(
            rb,
            EngineConfig {
                idle_ttl_ms: 3_600_000,
                policy: TargetPolicy::new(vec!["203.0.113.0/24".parse().unwrap()]),
                egress: Vec::new(),
            },
        )
    })
}

fuzz_target!(|data: &[u8]| {
    let e = engine();
    let mut s = Session::new(0);
    let mut now = 1u64;
    let mut pending = None;
    for chunk in data.split(|&b| b == b'\n').take(400) {
        now += 1000;
        let input = match chunk.first() {
            Some(b'!') => match pending.take() {
                Some(req) => {
                    let state = match chunk.get(1).copied().unwrap_or(0) % 3 {
                        0 => PortState::Open,
                        1 => PortState::Closed,
                        _ => PortState::Filtered,
                    };
                    Input::ProbeDone(Box::new(ProbeReport::uniform(
                        &req,
                        state,
                        PortReason::SynAck,
                        3,
                    )))
                }
                None => Input::Resume,
            },
            Some(b'?') => Input::ProbeRefused(ProbeRefusal::Rate {
                budget: Budget::User,
                retry_after_s: 5,
            }),
            Some(b'#') => {
                let opts = e.current_options(&s);
                match opts.get(chunk.get(1).copied().unwrap_or(0) as usize % opts.len().max(1)) {
                    Some(c) => Input::Choose(c.key.clone()),
                    None => Input::Choose(String::from_utf8_lossy(&chunk[1..]).into_owned()),
                }
            }
            // A click carrying its question: the current one, or a stale
            // one (which must change nothing and say nothing).
            Some(b'@') => {
                let opts = e.current_options(&s);
                let key = opts
                    .get(chunk.get(1).copied().unwrap_or(0) as usize % opts.len().max(1))
                    .map(|c| c.key.clone())
                    .unwrap_or_default();
                let question = match chunk.get(2) {
                    Some(b'0') | None => s.question().unwrap_or_default(),
                    _ => String::from_utf8_lossy(&chunk[2..]).into_owned(),
                };
                Input::At {
                    question,
                    input: Box::new(Input::Choose(key)),
                }
            }
            _ => Input::Text(String::from_utf8_lossy(chunk).into_owned()),
        };
        let stale = matches!(&input, Input::At { question, .. } if s.question().as_deref() != Some(question.as_str()));
        let before = s.clone();
        let fx = e.handle(&mut s, input, now);
        if stale {
            assert!(fx.is_empty() && s == before, "a stale answer did something: {fx:?}");
        }
        if s != before {
            assert_eq!(fx.first(), Some(&Effect::Persist));
        }
        for f in &fx {
            if let Effect::Probe(r) = f {
                assert!(r.ports.len() <= 3);
                pending = Some(r.clone());
            }
        }
        if !matches!(s.phase, Phase::Probing(_)) {
            pending = None;
        }
        assert!(s.probes.len() <= limits::MAX_PROBES_KEPT + 1);
        assert!(s.answers.len() <= limits::MAX_ANSWERS);
        assert!(s.trail.len() <= limits::MAX_TRAIL);
        assert!(s.vars.len() <= limits::MAX_VARS);
    }
    // What the store does at save: trim until the record fits.
    let mut t = s.clone();
    while serde_json::to_vec(&t).expect("encodes").len() > limits::MAX_RECORD_BYTES {
        assert!(t.shrink_once(), "a record that cannot be trimmed to fit");
    }
    assert_eq!(t.target, s.target);
    assert_eq!(t.phase, s.phase);
});
