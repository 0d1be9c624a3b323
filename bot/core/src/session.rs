//! The state of one conversation. Plain data, serialisable, versioned by the store.

use crate::command::{Lang, Os};
use crate::findings::Finding;
use crate::limits::{self, truncate_chars};
use crate::probe::{IcmpState, PortState, ProbeReport, ProbeRequest, Service};
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
    /// After the user corrected the OS or the login port: the login port
    /// again, then the first question routed afresh.
    Corrected,
    /// After a first probe found the login port closed or filtered: the
    /// ports a moved login service most often uses (`Service::moved_ports`),
    /// before the first question.
    Alternates,
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
    /// Waiting for a host name to resolve (the runtime looks it up once and
    /// checks every address against the target policy).
    Resolving(String),
    /// Waiting for the provider's API to answer about the address (after
    /// the first probe, when the API is configured).
    Looking(crate::cloud::CloudRequest),
    /// At a runbook step (question or input).
    Step(String),
    /// A correction named in a sentence waits for the user's yes
    /// ([`crate::correct`]); `from` is where the conversation stood.
    Correcting {
        change: crate::correct::Correction,
        from: Box<Phase>,
    },
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

/// A correction the user confirmed: what changed (`ip`, `os`, `port`), from
/// what to what (an address, an OS key, a port number), and when.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorrectionRecord {
    pub at_ms: u64,
    pub what: String,
    pub from: String,
    pub to: String,
}

/// How many corrections a session keeps (the latest).
pub const MAX_CORRECTIONS: usize = 8;

/// One answer the user gave at a runbook step.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Answer {
    pub at_ms: u64,
    pub step: String,
    /// The option key, or `None` for an input step.
    pub option: Option<String>,
    /// The value typed at an input step.
    pub value: Option<String>,
    /// The bot read this answer from a paste; the user did not give it.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub inferred: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Session {
    /// The user's explicit choice (`/lang`), if any.
    pub lang: Option<Lang>,
    pub target: Option<IpAddr>,
    /// The host name the user gave, when the target came from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target_name: Option<String>,
    /// As given: may be `Auto` until the first probe decides.
    pub os: Option<Os>,
    /// The Linux family the user named (Ubuntu/Debian or CentOS/Rocky/RHEL),
    /// so steps show that family's commands only.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distro: Option<crate::command::Distro>,
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
    /// Older probe runs, summarised (see [`Session::enforce_caps`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub probe_history: Vec<ProbeSummary>,
    /// Probe runs forgotten entirely (past [`limits::MAX_PROBE_SUMMARIES`]).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub probes_forgotten: u32,
    /// Distinct ports this conversation probed (the port policy counts them;
    /// the alternate-port check's ports are not among them).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ports_probed: Vec<u16>,
    /// Corrections the user confirmed, oldest first (the latest
    /// [`MAX_CORRECTIONS`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub corrections: Vec<CorrectionRecord>,
    /// What the provider's API said about the target (when it was asked).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cloud: Option<crate::cloud::CloudAnswer>,
    /// The first thing the user typed, as typed (cut to
    /// [`MAX_OPENING`] characters), and when: the report quotes it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opening: Option<(u64, String)>,
    /// Which route rows moved the conversation and the conditions that
    /// decided them, oldest first (the latest [`MAX_DECISIONS`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub decisions: Vec<RouteDecision>,
}

/// Longest opening message kept, in characters.
pub const MAX_OPENING: usize = 300;
/// How many route decisions a session keeps (the latest).
pub const MAX_DECISIONS: usize = 16;

/// A route row that moved the conversation: which table (`first`,
/// `cloud`, `paste`), the row's name, where it led (a step id) and the
/// conditions that held (`fact:firewall-blocks`, `os:linux`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RouteDecision {
    pub at_ms: u64,
    pub table: String,
    pub row: String,
    pub to: String,
    pub by: Vec<String>,
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// What an older probe run found, without what the server sent.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProbeSummary {
    pub at_ms: u64,
    pub service_port: u16,
    pub icmp: Option<IcmpState>,
    pub ports: Vec<(u16, PortState)>,
    pub findings: Vec<Finding>,
}

impl ProbeSummary {
    pub fn of(r: &ProbeRecord) -> Self {
        ProbeSummary {
            at_ms: r.at_ms,
            service_port: r.service_port,
            icmp: r.report.icmp.as_ref().map(|i| i.state),
            ports: r.report.ports.iter().map(|p| (p.port, p.state)).collect(),
            findings: r.findings.clone(),
        }
    }
}

/// Keep at most `max` names of at most `len` characters each.
fn cap_names(v: &mut Vec<String>, max: usize, len: usize) {
    v.truncate(max);
    for n in v.iter_mut() {
        truncate_chars(n, len);
    }
}

/// Keep only the last `max` items.
fn keep_last<T>(v: &mut Vec<T>, max: usize) {
    if v.len() > max {
        v.drain(..v.len() - max);
    }
}

/// How many pastes a session keeps.
pub const MAX_PASTES: usize = 6;

/// What is left of a pasted text trimmed away.
const TRIMMED: &str = "[trimmed]";

/// Cuts `t` to at most `max` bytes (on a character boundary), saying so at
/// the end. Idempotent.
fn trim_text(t: &mut String, max: usize) {
    const MORE: &str = "\n[trimmed]";
    if t.len() <= max {
        return;
    }
    if max <= MORE.len() {
        *t = if max >= TRIMMED.len() {
            TRIMMED.into()
        } else {
            String::new()
        };
        return;
    }
    let mut end = max - MORE.len();
    while !t.is_char_boundary(end) {
        end -= 1;
    }
    t.truncate(end);
    t.push_str(MORE);
}

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
            target_name: None,
            os: None,
            distro: None,
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
            probe_history: Vec::new(),
            probes_forgotten: 0,
            ports_probed: Vec::new(),
            corrections: Vec::new(),
            cloud: None,
            opening: None,
            decisions: Vec::new(),
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
            Cond::Cloud(code) => match &self.cloud {
                Some(crate::cloud::CloudAnswer::Found(f)) => f.codes().contains(&code.as_str()),
                _ => false,
            },
            Cond::RefusedBy(by) => self
                .icmp_refusal()
                .is_some_and(|(i, target)| i.sender(target) == by),
        }
    }

    /// The fact codes runbook conditions see.
    pub fn fact_codes(&self) -> Vec<&'static str> {
        crate::facts::codes(&self.facts(), self.service_port(), self.known_os())
    }

    /// Records that the conversation entered `step`.
    /// The question the conversation waits on: `ip`, `os`, or a step asked
    /// after a given number of answers (`linux.sshd:3`), so that the same step
    /// asked again later is a different question; `None` while nothing is
    /// asked (probing, ended).
    pub fn question(&self) -> Option<String> {
        match &self.phase {
            Phase::New | Phase::AskIp => Some("ip".into()),
            Phase::AskOs => Some("os".into()),
            Phase::Step(step) => Some(Session::step_question(step, self.answer_count)),
            Phase::Correcting { .. } => Some(format!("fix:{}", self.answer_count)),
            _ => None,
        }
    }

    /// Whether the conversation stands in a probe or a name lookup: work
    /// the runtime does inside one turn, so a session stored this way was left
    /// there by a process that stopped (a crash, the shutdown deadline).
    pub fn waits_on_runtime(&self) -> bool {
        matches!(
            self.phase,
            Phase::Probing(_) | Phase::Resolving(_) | Phase::Looking(_)
        )
    }

    /// How [`Session::question`] names `step` asked after `answers` answers.
    pub fn step_question(step: &str, answers: u32) -> String {
        format!("{step}:{answers}")
    }

    pub fn visit(&mut self, step: &str) {
        if self.visited.len() >= MAX_VISITED {
            self.visited.remove(0);
        }
        self.visited.push(step.to_owned());
    }

    /// The target as shown to people: `name (address)` when it came from a
    /// host name, else the address.
    pub fn target_display(&self) -> String {
        match (&self.target_name, self.target) {
            (Some(n), Some(ip)) => format!("{n} ({ip})"),
            (None, Some(ip)) => ip.to_string(),
            (Some(n), None) => n.clone(),
            (None, None) => String::new(),
        }
    }

    /// Whether a diagnosis is under way (a target was given and it has not ended).
    pub fn in_progress(&self) -> bool {
        self.target.is_some() && !matches!(self.phase, Phase::Ended(_) | Phase::New)
    }

    /// Whether a probe of this conversation ever ran (an outcome is logged
    /// only then: a conversation whose every probe was refused left no trace
    /// outside the chat).
    pub fn probed(&self) -> bool {
        !self.probes.is_empty() || !self.probe_history.is_empty() || self.probes_forgotten > 0
    }

    /// Applies the conversation caps of [`crate::limits`]: the latest
    /// [`limits::MAX_PROBES_KEPT`] probe reports in full (plus the newest one
    /// with an ICMP result, which later turns still read), older ones as
    /// [`ProbeSummary`]s, and bounded answers, trail and variables. What a
    /// server sent is kept only as far as a diagnosis needs it. Idempotent.
    pub fn enforce_caps(&mut self) {
        self.cap_probes(limits::MAX_PROBES_KEPT);
        keep_last(&mut self.probe_history, limits::MAX_PROBE_SUMMARIES);
        keep_last(&mut self.answers, limits::MAX_ANSWERS);
        for a in &mut self.answers {
            if let Some(v) = a.value.as_mut() {
                truncate_chars(v, limits::MAX_ANSWER_VALUE);
            }
        }
        keep_last(&mut self.trail, limits::MAX_TRAIL);
        while self.vars.len() > limits::MAX_VARS {
            self.vars.pop_last();
        }
        for v in self.vars.values_mut() {
            truncate_chars(v, limits::MAX_VAR_VALUE);
        }
        for p in &mut self.probes {
            if let Some(ssh) = p.report.ssh.as_mut() {
                let (n, l) = (limits::MAX_STORED_NAMES, limits::MAX_STORED_NAME_LEN);
                cap_names(&mut ssh.kex, n, l);
                cap_names(&mut ssh.host_key, n, l);
                cap_names(&mut ssh.ciphers, n, l);
                cap_names(&mut ssh.macs, n, l);
            }
        }
        self.cap_pastes();
        keep_last(&mut self.corrections, MAX_CORRECTIONS);
        keep_last(&mut self.decisions, MAX_DECISIONS);
        for d in &mut self.decisions {
            d.by.truncate(8);
            for c in &mut d.by {
                truncate_chars(c, 64);
            }
            truncate_chars(&mut d.row, 64);
            truncate_chars(&mut d.to, 64);
        }
        if let Some((_, t)) = self.opening.as_mut() {
            truncate_chars(t, MAX_OPENING);
        }
        self.ports_probed.sort_unstable();
        self.ports_probed.dedup();
        // The admission point keeps this small; a damaged record can't make it big.
        self.ports_probed.truncate(64);
    }

    /// The latest [`MAX_PASTES`] pastes, at most [`crate::paste::MAX_FACTS`]
    /// facts each with their texts cut to [`limits::MAX_FACT_TEXT`]
    /// characters, and [`limits::MAX_PASTE_TEXT`] bytes of pasted text over
    /// all of them, the newest first.
    fn cap_pastes(&mut self) {
        keep_last(&mut self.pastes, MAX_PASTES);
        let mut budget = limits::MAX_PASTE_TEXT;
        for p in self.pastes.iter_mut().rev() {
            let mut n = 0;
            for r in &mut p.readings {
                r.facts.truncate(crate::paste::MAX_FACTS.saturating_sub(n));
                n += r.facts.len();
                for f in &mut r.facts {
                    f.cap_text(limits::MAX_FACT_TEXT);
                }
            }
            p.readings.retain(|r| !r.facts.is_empty());
            trim_text(&mut p.text, budget.min(crate::paste::MAX_REPORT_PASTE));
            budget -= p.text.len().min(budget);
        }
    }

    /// Summarise all but the latest `keep` probe reports (the newest report
    /// with an ICMP result stays too).
    fn cap_probes(&mut self, keep: usize) {
        if self.probes.len() <= keep {
            return;
        }
        let cut = self.probes.len() - keep;
        let icmp_kept = self.probes[cut..].iter().any(|p| p.report.icmp.is_some());
        let keep_icmp = if icmp_kept {
            None
        } else {
            self.probes[..cut]
                .iter()
                .rposition(|p| p.report.icmp.is_some())
        };
        let old: Vec<ProbeRecord> = self.probes.drain(..cut).collect();
        let mut kept_icmp = None;
        for (i, p) in old.into_iter().enumerate() {
            if Some(i) == keep_icmp {
                kept_icmp = Some(p);
            } else {
                self.probe_history.push(ProbeSummary::of(&p));
            }
        }
        if let Some(p) = kept_icmp {
            self.probes.insert(0, p);
        }
        let excess = self
            .probe_history
            .len()
            .saturating_sub(limits::MAX_PROBE_SUMMARIES);
        if excess > 0 {
            self.probe_history.drain(..excess);
            self.probes_forgotten = self.probes_forgotten.saturating_add(excess as u32);
        }
    }

    /// One step of trimming beyond the caps, for a record that is still over
    /// [`limits::MAX_RECORD_BYTES`]: the store calls this until the record
    /// fits. Returns `false` when nothing is left to trim. The conversation
    /// (target, OS, phase, the latest probe) always survives.
    pub fn shrink_once(&mut self) -> bool {
        // Pasted text is there for the report only: halve the longest first.
        if let Some(t) = self
            .pastes
            .iter_mut()
            .map(|p| &mut p.text)
            .filter(|t| t.len() > 256)
            .max_by_key(|t| t.len())
        {
            let half = t.len() / 2;
            trim_text(t, half);
            return true;
        }
        if self.probes.len() > 1 {
            self.cap_probes(self.probes.len() / 2);
            return true;
        }
        if !self.probe_history.is_empty() {
            let n = self.probe_history.len().div_ceil(2);
            self.probe_history.drain(..n);
            self.probes_forgotten = self.probes_forgotten.saturating_add(n as u32);
            return true;
        }
        // Older pastes and what was read from them (the latest stays).
        if self.pastes.len() > 1 {
            self.pastes.remove(0);
            return true;
        }
        if self.answers.len() > 4 {
            let n = self.answers.len() / 2;
            self.answers.drain(..n);
            return true;
        }
        if self.trail.len() > 4 {
            let n = self.trail.len() / 2;
            self.trail.drain(..n);
            return true;
        }
        let long = |v: &String| v.chars().count() > 100;
        if self.vars.values().any(long)
            || self
                .answers
                .iter()
                .any(|a| a.value.as_ref().is_some_and(long))
        {
            for v in self.vars.values_mut() {
                truncate_chars(v, 100);
            }
            for a in &mut self.answers {
                if let Some(v) = a.value.as_mut() {
                    truncate_chars(v, 100);
                }
            }
            return true;
        }
        if self
            .pastes
            .iter()
            .flat_map(|p| p.readings.iter().flat_map(|r| &r.facts))
            .any(|f| f.text_longer_than(16))
        {
            for f in self
                .pastes
                .iter_mut()
                .flat_map(|p| p.readings.iter_mut().flat_map(|r| &mut r.facts))
            {
                f.cap_text(16);
            }
            return true;
        }
        if self.pastes.iter().any(|p| p.text.len() > TRIMMED.len()) {
            for p in &mut self.pastes {
                trim_text(&mut p.text, TRIMMED.len());
            }
            return true;
        }
        if let Some(ssh) = self.probes.last_mut().and_then(|p| p.report.ssh.as_mut()) {
            if !(ssh.kex.is_empty()
                && ssh.host_key.is_empty()
                && ssh.ciphers.is_empty()
                && ssh.macs.is_empty())
            {
                ssh.kex.clear();
                ssh.host_key.clear();
                ssh.ciphers.clear();
                ssh.macs.clear();
                return true;
            }
        }
        false
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

    /// The ICMP error that refused the login port in the latest probe that
    /// measured it (an alternate-port check does not), with that probe's
    /// target, when the probe could tell who sent it.
    pub fn icmp_refusal(&self) -> Option<(crate::probe::IcmpFrom, std::net::IpAddr)> {
        let port = self.service_port();
        self.probes
            .iter()
            .rev()
            .find_map(|p| p.report.port(port).map(|r| (r.icmp, p.report.target)))
            .and_then(|(i, target)| Some((i?, target)))
    }

    pub fn findings(&self) -> &[Finding] {
        self.last_probe()
            .map(|p| p.findings.as_slice())
            .unwrap_or(&[])
    }
}
