//! The diagnosis report handed over with a support ticket, as data.
//! Rendering (markdown, in the user's language) happens outside the core.

use crate::command::Os;
use crate::evidence::{Contradiction, Evidence, Source};
use crate::findings::Finding;
use crate::msg::Msg;
use crate::runbook::{Cond, Runbooks, UNKNOWN_KEY, UNKNOWN_LABEL, WORKS_KEY, WORKS_LABEL};
use crate::session::{
    CorrectionRecord, Outcome, Phase, ProbeRecord, ProbeSummary, RouteDecision, Session,
};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// One manual check and the user's answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CheckLine {
    pub at_ms: u64,
    pub step: String,
    /// Fluent id of the step's title.
    pub title: String,
    /// Fluent id of the chosen option's label.
    pub answer: Option<String>,
    /// Value typed at an input step.
    pub value: Option<String>,
    /// Read by the bot from a pasted output, not answered by the user.
    #[serde(default)]
    pub inferred: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub target: Option<IpAddr>,
    /// The host name the user gave, if the target came from one.
    #[serde(default)]
    pub target_name: Option<String>,
    pub os: Option<Os>,
    pub service_port: u16,
    pub started_ms: u64,
    pub generated_ms: u64,
    pub outcome: Option<Outcome>,
    /// Title id of the step the conversation was at.
    pub at_step: Option<String>,
    pub probes: Vec<ProbeRecord>,
    pub checks: Vec<CheckLine>,
    /// What the diagnosis excluded, as messages.
    pub ruled_out: Vec<Msg>,
    /// What the user reported but the probes contradict, as messages.
    #[serde(default)]
    pub disputed: Vec<Msg>,
    /// Findings of the latest probe.
    pub findings: Vec<Finding>,
    /// What the user pasted (masked, trimmed) and the facts read from it;
    /// `step` holds the title id of the step it came at.
    #[serde(default)]
    pub pastes: Vec<crate::session::PasteRecord>,
    /// Older probe runs, summarised (the session keeps only the latest in full).
    #[serde(default)]
    pub earlier: Vec<ProbeSummary>,
    /// Probe runs older still, only counted.
    #[serde(default)]
    pub forgotten: u32,
    /// One line support can act on: the login port and its state, the
    /// current hypothesis and the clue that decided it.
    #[serde(default)]
    pub summary: Option<Msg>,
    /// The addresses the bot probes from (empty: not configured), so support
    /// can tell a rule that admits only some sources.
    #[serde(default)]
    pub egress: Vec<IpAddr>,
    /// What the user corrected during the chat (address, OS, login port);
    /// `target`, `os` and `service_port` are the values in force.
    #[serde(default)]
    pub corrections: Vec<CorrectionRecord>,
    /// What the provider's API said (in full: the report goes to support).
    #[serde(default)]
    pub cloud: Option<crate::cloud::CloudAnswer>,
    /// The user's own words as first typed, and when.
    #[serde(default)]
    pub opening: Option<(u64, String)>,
    /// How each item of `ruled_out` was ruled out (same order): measured by
    /// the bot, said by the user, or inferred by the bot from a paste.
    #[serde(default)]
    pub ruled_out_how: Vec<Source>,
    /// Facts that disagree and the one the diagnosis goes by.
    #[serde(default)]
    pub contradictions: Vec<Contradiction>,
    /// Every fact the conversation holds, with its source and time.
    #[serde(default)]
    pub evidence: Vec<Evidence>,
    /// The route rows that moved the conversation and what decided them;
    /// the last one is the decisive clue.
    #[serde(default)]
    pub decisions: Vec<RouteDecision>,
    /// The language the user spoke (the report may be in another).
    #[serde(default)]
    pub user_lang: Option<crate::command::Lang>,
}

/// The hypothesis the latest measurement supports, most decisive first.
const HYPOTHESES: &[Finding] = &[
    Finding::NoAnswerAtAll,
    Finding::HostUnreachable,
    Finding::PortFiltered,
    Finding::PortClosed,
    Finding::SshLegacyOnly,
    Finding::SshNoBanner,
    Finding::SshKexIncomplete,
    Finding::SshClosedBeforeBanner,
    Finding::SshServerRefused,
    Finding::SshNotSsh,
    Finding::RdpNoAnswer,
    Finding::RdpNotRdp,
    Finding::ProbeInconclusive,
    Finding::SshOk,
    Finding::RdpOk,
    Finding::PortOpen,
];

/// Causes a paste names, most decisive first: when one is held it is the
/// hypothesis, as it says more than the measurement from outside (a closed
/// port and a rule that rejects it: the rule).
const FACT_HYPOTHESES: &[&str] = &[
    "boot-trouble",
    "firewall-blocks",
    "sshd-privsep",
    "sshd-bad-config",
    "sshd-address-in-use",
    "sshd-bind-denied",
    "sshd-no-hostkeys",
    "sshd-fatal",
    "disk-full",
    "service-missing",
    "service-stopped",
    "listen-local-only",
    "listen-other-port",
    "listen-none",
    "registry-differ",
    "rdp-listener-missing",
    "resources-high",
    "client-other-port",
    "client-publickey",
    "client-password",
];

/// The summary line: port, state, hypothesis (a finding code), whether the
/// login service was found on a moved port, and the paste facts in force.
fn summary(s: &Session) -> Option<Msg> {
    let last = s.last_probe()?;
    let port = s.service_port();
    let measured = s.probes.iter().rev().find_map(|p| p.report.port(port));
    let state = match measured.map(|p| p.state) {
        Some(crate::probe::PortState::Open) => "open",
        Some(crate::probe::PortState::Closed) => "closed",
        Some(crate::probe::PortState::Filtered) => "filtered",
        Some(crate::probe::PortState::Inconclusive) => "inconclusive",
        None => "unknown",
    };
    let clues = s.fact_codes();
    let cause = FACT_HYPOTHESES
        .iter()
        .find(|c| clues.contains(c))
        .copied()
        .or_else(|| {
            HYPOTHESES
                .iter()
                .find(|f| last.findings.contains(f))
                .map(|f| f.code())
        })
        .unwrap_or("none");
    // An ICMP refusal a router on the way sent (its origin is not the server).
    let refusal = s.icmp_refusal();
    let cause = match refusal {
        Some((i, target)) if cause == "host-unreachable" && i.sender(target) == "router" => {
            "host-unreachable-router"
        }
        _ => cause,
    };
    let usual = if s.service() == Some(crate::probe::Service::Ssh) {
        22
    } else {
        3389
    };
    Some(
        Msg::new("report-summary")
            .arg("port", port)
            .arg("state", state)
            .arg("cause", cause)
            .arg(
                "icmp_from",
                refusal
                    .map(|(i, _)| i.origin.to_string())
                    .unwrap_or_default(),
            )
            .arg("moved", if port != usual { "yes" } else { "no" })
            .arg("usual", usual)
            .arg(
                "clues",
                if clues.is_empty() {
                    "none".to_owned()
                } else {
                    clues.join(", ")
                },
            ),
    )
}

impl Report {
    pub fn build(rb: &Runbooks, s: &Session, now_ms: u64) -> Report {
        let evidence = crate::evidence::gather(rb, s);
        let mut ruled_out: Vec<Msg> = Vec::new();
        let port = s.service_port();
        // Summarised older runs count too.
        let ever = |f: Finding| {
            s.probes.iter().any(|p| p.findings.contains(&f))
                || s.probe_history.iter().any(|p| p.findings.contains(&f))
        };
        let mut ruled_out_how: Vec<Source> = Vec::new();
        let ever_open = ever(Finding::PortOpen);
        if ever_open {
            ruled_out.push(Msg::new("ruled-out-port-blocked").arg("port", port));
            ruled_out_how.push(Source::Measured);
        }
        if ever(Finding::IcmpReply) {
            ruled_out.push(Msg::new("ruled-out-host-down"));
            ruled_out_how.push(Source::Measured);
        }
        let mut checks = Vec::new();
        let mut disputed: Vec<Msg> = Vec::new();
        let holds = |c: &Cond| s.holds(c);
        for a in &s.answers {
            let step = rb.step(&a.step);
            let opt = step.and_then(|st| {
                a.option
                    .as_ref()
                    .and_then(|k| st.options.iter().find(|o| &o.key == k))
            });
            let contradicted = opt
                .and_then(|o| o.disputed.as_ref())
                .filter(|d| d.when.iter().all(holds));
            if let Some(d) = contradicted {
                let m = Msg::new(d.note.clone()).arg("port", port);
                if !disputed.contains(&m) {
                    disputed.push(m);
                }
            } else if let Some(r) = opt
                .and_then(|o| o.rules_out.as_ref())
                // Not ruled out when stronger evidence says the opposite
                // (listed among the contradictions instead).
                .filter(|r| !crate::evidence::overruled(&evidence, &format!("said:{r}")))
            {
                let m = Msg::new(r.clone()).arg("port", port);
                if !ruled_out.contains(&m) {
                    ruled_out.push(m);
                    ruled_out_how.push(if a.inferred {
                        Source::Inferred
                    } else {
                        Source::Said
                    });
                }
            }
            let universal = match a.option.as_deref() {
                Some(UNKNOWN_KEY) => Some(UNKNOWN_LABEL.to_owned()),
                Some(WORKS_KEY) => Some(WORKS_LABEL.to_owned()),
                _ => None,
            };
            checks.push(CheckLine {
                at_ms: a.at_ms,
                step: a.step.clone(),
                title: step
                    .map(|st| st.title.clone())
                    .unwrap_or_else(|| a.step.clone()),
                answer: opt.map(|o| o.label.clone()).or(universal),
                value: a.value.clone(),
                inferred: a.inferred,
            });
        }
        let (outcome, at_step) = match &s.phase {
            Phase::Ended(o) => (Some(*o), s.trail.last()),
            Phase::Step(id) => (None, Some(id)),
            _ => (None, s.trail.last()),
        };
        Report {
            target: s.target,
            target_name: s.target_name.clone(),
            os: s.known_os().or(s.os),
            service_port: port,
            started_ms: s.created_ms,
            generated_ms: now_ms,
            outcome,
            at_step: at_step
                .and_then(|id| rb.step(id))
                .map(|st| st.title.clone()),
            probes: s.probes.clone(),
            checks,
            ruled_out,
            disputed,
            findings: s.findings().to_vec(),
            // A paste's step becomes that step's title id, for rendering.
            pastes: s
                .pastes
                .iter()
                .map(|p| {
                    let mut p = p.clone();
                    p.step = p
                        .step
                        .as_deref()
                        .and_then(|id| rb.step(id))
                        .map(|st| st.title.clone());
                    p
                })
                .collect(),
            earlier: s.probe_history.clone(),
            forgotten: s.probes_forgotten,
            summary: summary(s),
            egress: Vec::new(),
            corrections: s.corrections.clone(),
            cloud: s.cloud.clone(),
            opening: s.opening.clone(),
            ruled_out_how,
            contradictions: crate::evidence::contradictions(&evidence),
            evidence,
            // Step ids become the steps' title ids, for rendering.
            decisions: s
                .decisions
                .iter()
                .map(|d| {
                    let mut d = d.clone();
                    if let Some(st) = rb.step(&d.to) {
                        d.to = st.title.clone();
                    }
                    d
                })
                .collect(),
            user_lang: s.lang,
        }
    }
}
