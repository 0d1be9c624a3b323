//! The diagnosis report with hostile values in every field that can hold
//! untrusted text (host name, SSH banner and algorithm names, a typed
//! answer, paste facts, pasted text): rendering never panics, every fenced
//! block closes, and each value starts inside code (a code span or a fenced
//! block), never in running Markdown where it could open HTML, a link or a
//! mention.
#![no_main]
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use vmd_core::command::{Lang, Os};
use vmd_core::paste::{Confidence, Fact, PasteKind, Reading, SshdProblem};
use vmd_core::probe::*;
use vmd_core::report::Report;
use vmd_core::runbook::Runbooks;
use vmd_core::session::{Answer, PasteRecord, ProbeRecord, Purpose, Session};
use vmd_runtime::i18n::Localizer;
use vmd_runtime::render::report_markdown;

/// Put in front of every fuzzed value (and removed from the input), so the
/// output shows where each value starts.
const MARK: char = '\u{F8FF}';

fn setup() -> &'static (Localizer, Runbooks) {
    static S: OnceLock<(Localizer, Runbooks)> = OnceLock::new();
    S.get_or_init(|| {
        let loc = Localizer::embedded().expect("locales");
        let rb = vmd_runtime::load_runbooks(vmd_runtime::RUNBOOK_FILES, &loc).expect("runbooks");
        (loc, rb)
    })
}

/// The text outside code spans and fenced blocks, read as CommonMark does.
fn outside_code(md: &str) -> String {
    let mut text = String::new();
    let mut fence: Option<usize> = None;
    for line in md.lines() {
        let ticks = line.trim_start().chars().take_while(|c| *c == '`').count();
        if let Some(n) = fence {
            if ticks >= n && line.trim().chars().all(|c| c == '`') {
                fence = None;
            }
            continue;
        }
        if ticks >= 3 {
            fence = Some(ticks);
            continue;
        }
        let c: Vec<char> = line.chars().collect();
        let mut i = 0;
        while i < c.len() {
            if c[i] == '\\' && i + 1 < c.len() && c[i + 1].is_ascii_punctuation() {
                i += 2;
                continue;
            }
            if c[i] == '`' {
                let n = c[i..].iter().take_while(|x| **x == '`').count();
                let mut j = i + n;
                let mut close = None;
                while j < c.len() {
                    if c[j] == '`' {
                        let m = c[j..].iter().take_while(|x| **x == '`').count();
                        if m == n {
                            close = Some(j);
                            break;
                        }
                        j += m;
                    } else {
                        j += 1;
                    }
                }
                match close {
                    Some(j) => i = j + n,
                    None => {
                        text.extend(&c[i..i + n]);
                        i += n;
                    }
                }
                continue;
            }
            text.push(c[i]);
            i += 1;
        }
        text.push('\n');
    }
    assert!(fence.is_none(), "a fenced block never closed:\n{md}");
    text
}

fuzz_target!(|data: &[u8]| {
    let raw = String::from_utf8_lossy(data).replace(MARK, "");
    // Fields split on 0x1F (unit separator); missing ones reuse the first.
    let parts: Vec<&str> = raw.split('\u{1F}').collect();
    let v = |i: usize| format!("{MARK}{}", parts.get(i).unwrap_or(&parts[0]));
    let (loc, rb) = setup();
    let target: std::net::IpAddr = "203.0.113.7".parse().unwrap();
    let mut s = Session::new(0);
    s.target = Some(target);
    s.target_name = Some(v(0));
    s.os = Some(Os::Linux);
    let req = ProbeRequest {
        target,
        icmp: false,
        alternates: false,
        ports: vec![PortSpec {
            port: 22,
            service: Some(Service::Ssh),
        }],
    };
    let mut report = ProbeReport::uniform(&req, PortState::Open, PortReason::SynAck, 5);
    report.ssh = Some(SshResult {
        port: 22,
        banner: Some(v(1)),
        kex: vec![v(2)],
        host_key: vec![v(3)],
        ciphers: Vec::new(),
        macs: Vec::new(),
        legacy_only: false,
        client_hint: None,
        server_message: None,
        error: None,
    });
    s.probes.push(ProbeRecord {
        at_ms: 1,
        purpose: Purpose::Initial,
        service_port: 22,
        report,
        findings: Vec::new(),
    });
    s.answers.push(Answer {
        at_ms: 2,
        step: "linux.sshd_listen".into(),
        option: None,
        value: Some(v(4)),
    });
    s.pastes.push(PasteRecord {
        at_ms: 3,
        step: Some("linux.sshd".into()),
        text: v(5),
        readings: vec![Reading {
            kind: PasteKind::Ss,
            confidence: Confidence::High,
            facts: vec![
                Fact::Listening {
                    addr: v(6),
                    port: 22,
                    owner: Some(v(7)),
                },
                Fact::Disk {
                    mount: v(8),
                    used_pct: 90,
                },
                Fact::Sshd {
                    problem: SshdProblem::Fatal { text: v(9) },
                },
            ],
        }],
    });
    s.enforce_caps();
    let r = Report::build(rb, &s, 4);
    for lang in Lang::ALL {
        let md = report_markdown(loc, lang, &r);
        let text = outside_code(&md);
        assert!(!text.contains(MARK), "a value outside code:\n{md}");
    }
});
