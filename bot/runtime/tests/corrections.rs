//! Corrections at any step ([`vmd_core::correct`]): what the free-text path
//! takes as a new address, OS or login port, and what stays an answer. The
//! understanding corpus (`tests/understanding/`) holds replies whose outcome
//! is an option, a question back or "pardon": none of them may be taken as a
//! correction, or a correction would swallow an answer.

use vmd_core::command::Os;
use vmd_core::engine::{Engine, EngineConfig};
use vmd_core::session::{Phase, Session};
use vmd_runtime::i18n::Localizer;

#[derive(serde::Deserialize)]
struct File {
    question: Vec<Question>,
}

#[derive(serde::Deserialize)]
struct Question {
    step: String,
    replies: Vec<(String, String)>,
}

fn engine() -> Engine {
    let loc = Localizer::embedded().unwrap();
    let rb = vmd_runtime::load_runbooks(vmd_runtime::RUNBOOK_FILES, &loc).unwrap();
    Engine::new(
        rb,
        EngineConfig {
            idle_ttl_ms: 3_600_000,
            policy: vmd_core::policy::TargetPolicy::new(vec!["203.0.113.0/24".parse().unwrap()]),
            egress: Vec::new(),
        },
    )
}

/// A conversation at `step` about 203.0.113.5 with the OS its runbook is for.
fn at(step: &str) -> Session {
    let mut s = Session::new(0);
    s.target = Some("203.0.113.5".parse().unwrap());
    s.os = Some(if step.starts_with("windows.") {
        Os::Windows
    } else {
        Os::Linux
    });
    s.phase = Phase::Step(step.into());
    s
}

fn every_corpus_file(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            every_corpus_file(&p, out);
        } else if p.extension().is_some_and(|x| x == "toml") {
            out.push(p);
        }
    }
}

#[test]
fn no_answer_in_the_understanding_corpus_is_taken_as_a_correction() {
    let e = engine();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/understanding");
    let mut files = Vec::new();
    every_corpus_file(&root, &mut files);
    files.sort();
    assert!(!files.is_empty());
    let mut wrong = Vec::new();
    let mut n = 0;
    for p in files {
        let f: File = toml::from_str(&std::fs::read_to_string(&p).unwrap())
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        for q in f.question {
            let s = at(&q.step);
            for (reply, expected) in q.replies {
                n += 1;
                if let Some(c) = e.correction(&s, &reply) {
                    wrong.push(format!("{} {reply:?} ({expected}): {c:?}", q.step));
                }
            }
        }
    }
    assert!(n > 100, "{n}");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

fn ip(s: &str) -> Option<std::net::IpAddr> {
    Some(s.parse().unwrap())
}

/// Corrections by kind, in both languages, at questions that ask for none
/// of these values; and the same values where the question asks for them.
#[test]
fn corrections_and_answers_by_step() {
    let e = engine();
    let c = |ip, os, port| {
        Some(vmd_core::correct::Correction {
            ip,
            os,
            port,
            distro: None,
        })
    };
    let cases: &[(&str, &str, Option<vmd_core::correct::Correction>)] = &[
        (
            "linux.sshd",
            "sorry, wrong IP, it's 203.0.113.9",
            c(ip("203.0.113.9"), None, None),
        ),
        (
            "windows.errors",
            "아 IP 잘못 드렸어요 203.0.113.9예요",
            c(ip("203.0.113.9"), None, None),
        ),
        (
            "linux.vnc",
            "it's ubuntu actually... no wait, it's windows",
            None,
        ),
        (
            "windows.vnc",
            "it's ubuntu actually",
            // The family comes with the switch to Linux.
            Some(vmd_core::correct::Correction {
                os: Some(Os::Linux),
                distro: Some(vmd_core::command::Distro::Debian),
                ..Default::default()
            }),
        ),
        (
            "linux.firewall",
            "윈도우 서버예요",
            c(None, Some(Os::Windows), None),
        ),
        (
            "linux.vnc",
            "ssh는 2222 포트 써요",
            c(None, None, Some(2222)),
        ),
        (
            "linux.bans",
            "port is 2222 not 22",
            c(None, None, Some(2222)),
        ),
        (
            "linux.vnc",
            "it's windows, port 3390",
            c(None, Some(Os::Windows), Some(3390)),
        ),
        // The new OS's own default port is no change of its own.
        (
            "linux.vnc",
            "it's windows on port 3389",
            c(None, Some(Os::Windows), None),
        ),
        // Already in force: nothing to correct.
        ("linux.vnc", "it's ubuntu", None),
        ("linux.vnc", "ssh on port 22", None),
        ("linux.vnc", "203.0.113.5 맞아요", None),
        // The question asks for the value: an answer.
        ("linux.custom_port", "it's port 2222", None),
        ("windows.registry_port", "포트는 3390번이에요", None),
        ("common.your_side", "my ip is 198.51.100.20", None),
        ("triage.new_ip", "the new one is 203.0.113.9", None),
        ("windows.registry", "PortNumber is 3390 in both", None),
        ("windows.registry", "둘 다 3390 포트예요", None),
        ("windows.netstat", "listening on port 3390", None),
        ("linux.sshd_listen", "sshd listens on port 2222", None),
        // The user's own machine and address.
        ("linux.client_error", "I use putty on windows", None),
        (
            "triage.security_group",
            "I allowed my ip 198.51.100.20",
            None,
        ),
        // Pasted output is read, not taken as a correction.
        (
            "linux.client_error",
            "ssh: connect to host 203.0.113.9 port 2222: Connection refused",
            None,
        ),
    ];
    let mut wrong = Vec::new();
    for (step, reply, want) in cases {
        let got = e.correction(&at(step), reply);
        if &got != want {
            wrong.push(format!("{step} {reply:?}: got {got:?}, want {want:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
