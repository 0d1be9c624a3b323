//! The state of one conversation. Plain data, serialisable, versioned by the store.

use crate::command::{Lang, Os};
use crate::findings::Finding;
use crate::probe::{ProbeReport, ProbeRequest, Service};
use crate::runbook::ProbeKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Identifies a conversation: one per (platform, conversation, user).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SessionKey {
    pub platform: String,
    pub conversation: String,
    pub user: String,
}

impl SessionKey {
    pub fn new(platform: &str, conversation: &str, user: &str) -> Self {
        SessionKey {
            platform: platform.to_owned(),
            conversation: conversation.to_owned(),
            user: user.to_owned(),
        }
    }
}

/// How a conversation ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Fixed,
    Escalated,
    /// Left unanswered until the session expired, or replaced by a new
    /// diagnosis before it ended.
    Abandoned,
}

/// Why a probe is under way, so its result can be routed when it arrives.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Purpose {
    /// The first look at the target.
    Initial,
    /// After the user changed something at `step` (option `option`, or an input).
    Recheck {
        step: String,
        option: Option<String>,
    },
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Pending {
    pub purpose: Purpose,
    pub kind: ProbeKind,
    pub request: ProbeRequest,
}

/// Where the conversation stands.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Nothing asked yet.
    New,
    AskIp,
    AskOs,
    /// Waiting for a probe result.
    Probing(Pending),
    /// At a runbook step (question or input).
    Step(String),
    Ended(Outcome),
}

/// One probe run and what it meant.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProbeRecord {
    pub at_ms: u64,
    pub purpose: Purpose,
    pub service_port: u16,
    pub report: ProbeReport,
    pub findings: Vec<Finding>,
}

/// One answer the user gave at a runbook step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub at_ms: u64,
    pub step: String,
    /// The option key, or `None` for an input step.
    pub option: Option<String>,
    /// The value typed at an input step.
    pub value: Option<String>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The user's explicit choice (`/lang`), if any.
    pub lang: Option<Lang>,
    pub target: Option<IpAddr>,
    /// As given: may be `Auto` until the first probe decides.
    pub os: Option<Os>,
    pub custom_port: Option<u16>,
    pub phase: Phase,
    /// Steps shown, oldest first; `/back` walks it.
    pub trail: Vec<String>,
    pub vars: BTreeMap<String, String>,
    pub probes: Vec<ProbeRecord>,
    pub answers: Vec<Answer>,
    pub created_ms: u64,
    pub updated_ms: u64,
    /// Every step entered, in order (not undone by `/back`); capped at
    /// [`MAX_VISITED`]. For the outcome log.
    #[serde(default)]
    pub visited: Vec<String>,
    /// How many answers the user gave (not undone by `/back`).
    #[serde(default)]
    pub answer_count: u32,
    /// Finding codes of the first probe, kept when older probes are trimmed.
    #[serde(default)]
    pub first_findings: Vec<Finding>,
    /// What the user pasted (masked and trimmed) and what was read from it;
    /// the latest [`MAX_PASTES`].
    #[serde(default)]
    pub pastes: Vec<PasteRecord>,
}

/// How many pastes a session keeps.
pub const MAX_PASTES: usize = 6;

/// One paste: when, at which step, the text as the report shows it, and the
/// readings it gave.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PasteRecord {
    pub at_ms: u64,
    pub step: Option<String>,
    /// Masked (secrets) and trimmed for the report.
    pub text: String,
    pub readings: Vec<crate::paste::Reading>,
}

/// Longest `visited` list kept (the oldest entries are dropped first).
pub const MAX_VISITED: usize = 200;

impl Session {
    pub fn new(now_ms: u64) -> Self {
        Session {
            lang: None,
            target: None,
            os: None,
            custom_port: None,
            phase: Phase::New,
            trail: Vec::new(),
            vars: BTreeMap::new(),
            probes: Vec::new(),
            answers: Vec::new(),
            created_ms: now_ms,
            updated_ms: now_ms,
            visited: Vec::new(),
            answer_count: 0,
            first_findings: Vec::new(),
            pastes: Vec::new(),
        }
    }

    /// The facts the conversation knows from pastes: for each kind of output,
    /// the latest paste of it wins.
    pub fn facts(&self) -> Vec<crate::paste::Fact> {
        let mut seen = Vec::new();
        let mut out = Vec::new();
        for p in self.pastes.iter().rev() {
            for r in &p.readings {
                if seen.contains(&r.kind) {
                    continue;
                }
                seen.push(r.kind);
                out.extend(r.facts.iter().cloned());
            }
        }
        out
    }

    /// Whether a runbook condition holds for this conversation now.
    pub fn holds(&self, c: &crate::runbook::Cond) -> bool {
        use crate::runbook::Cond;
        match c {
            Cond::Finding(f) => self.findings().contains(f),
            Cond::NotFinding(f) => !self.findings().contains(f),
            Cond::Os(os) => self.known_os() == Some(*os),
            Cond::Service(sv) => self.service() == Some(*sv),
            Cond::Var(k, v) => self.vars.get(k) == Some(v),
            Cond::VarNot(k, v) => self.vars.get(k) != Some(v),
            Cond::Fact(code) => self.fact_codes().contains(&code.as_str()),
            Cond::At(step) => self.phase == Phase::Step(step.clone()),
        }
    }

    /// The fact codes runbook conditions see.
    pub fn fact_codes(&self) -> Vec<&'static str> {
        crate::facts::codes(&self.facts(), self.service_port(), self.known_os())
    }

    /// Records that the conversation entered `step`.
    pub fn visit(&mut self, step: &str) {
        if self.visited.len() >= MAX_VISITED {
            self.visited.remove(0);
        }
        self.visited.push(step.to_owned());
    }

    /// Whether a diagnosis is under way (a target was given and it has not ended).
    pub fn in_progress(&self) -> bool {
        self.target.is_some() && !matches!(self.phase, Phase::Ended(_) | Phase::New)
    }

    /// The OS once known (never `Auto`).
    pub fn known_os(&self) -> Option<Os> {
        self.os.filter(|o| *o != Os::Auto)
    }

    /// The port the user logs in through.
    pub fn service_port(&self) -> u16 {
        if let Some(p) = self.custom_port {
            return p;
        }
        match self.known_os() {
            Some(Os::Linux) => 22,
            _ => 3389,
        }
    }

    pub fn service(&self) -> Option<Service> {
        match self.known_os() {
            Some(Os::Windows) => Some(Service::Rdp),
            Some(Os::Linux) => Some(Service::Ssh),
            _ => None,
        }
    }

    pub fn last_probe(&self) -> Option<&ProbeRecord> {
        self.probes.last()
    }

    pub fn findings(&self) -> &[Finding] {
        self.last_probe()
            .map(|p| p.findings.as_slice())
            .unwrap_or(&[])
    }
}
