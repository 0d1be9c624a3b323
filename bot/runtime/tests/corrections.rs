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
