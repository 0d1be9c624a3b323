//! The evidence model: every fact the conversation holds (a probe result, a
//! fact read from a paste, an answer the user gave or the bot read from a
//! paste, what the provider's API said) as one [`Evidence`] with its source,
//! its time (the input's time the engine was handed) and its strength; and
//! the one place that says which wins when two disagree ([`beats`]).
//!
//! Pure data and functions over a session: nothing here is stored, so a
//! change of precedence applies to every conversation at once.

use crate::runbook::{Cond, Runbooks, UNKNOWN_KEY, WORKS_KEY};
use crate::session::Session;
use serde::{Deserialize, Serialize};

/// Where a piece of evidence came from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The bot's own probe, from outside.
    Measured,
    /// The cloud provider's API.
    Provider,
    /// Output the user pasted from the server or their own machine.
    Pasted,
    /// An answer the bot read from a paste.
    Inferred,
    /// What the user said (a button, a typed answer).
    Said,
}

impl Source {
    pub fn key(self) -> &'static str {
        match self {
            Source::Measured => "measured",
            Source::Provider => "provider",
            Source::Pasted => "pasted",
            Source::Inferred => "inferred",
            Source::Said => "said",
        }
    }
}

/// How specific a piece of evidence is, weakest first: a tool's overall
/// status ("ufw: inactive", "active (running)", a yes from the user) is
/// weaker than a line that names the thing itself (a rule for the port, a
/// listener, a client's error, a measurement).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    Status,
    Specific,
}

/// One fact the conversation holds, about one subject.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Evidence {
    /// What it is about (`firewall`, `listener`, `service`, …; see
    /// [`TABLE`]); empty for a fact about no subject the table weighs.
    pub subject: String,
    /// Whether it says the subject is fine (`true`) or shows a problem.
    pub ok: bool,
    /// What exactly: a condition code (`fact:firewall-off`,
    /// `finding:port-open`, `cloud:stopped`) or the answer
    /// (`said:<step>/<option>`).
    pub code: String,
    pub source: Source,
    pub strength: Strength,
    /// The time of the input that brought it (the engine's `now`).
    pub at_ms: u64,
}

/// Which source beats which, strongest first: the bot's own measurement,
/// then the provider's API, then the server's own output as pasted, then an
/// answer the bot read from a paste, then what the user said.
pub const RANK: [Source; 5] = [
    Source::Measured,
    Source::Provider,
    Source::Pasted,
    Source::Inferred,
    Source::Said,
];

fn rank(s: Source) -> usize {
    RANK.iter().position(|x| *x == s).unwrap_or(RANK.len())
}

/// The precedence, in one place: does `a` win over `b` when they disagree?
/// 1. the stronger source ([`RANK`]): the bot's measurement beats a claim;
/// 2. the same source: the more specific ([`Strength`]): a rule that blocks
///    the port beats a firewall reported inactive;
/// 3. then the newer: a newer measurement beats an older one.
///
/// Equal in all three, neither wins (`false` both ways).
pub fn beats(a: &Evidence, b: &Evidence) -> bool {
    let (ra, rb) = (rank(a.source), rank(b.source));
    if ra != rb {
        return ra < rb;
    }
    if a.strength != b.strength {
        return a.strength > b.strength;
    }
    a.at_ms > b.at_ms
}

/// What each code says, about which subject, how specifically. A code may
/// speak to several subjects (a port that answers shows both that something
/// listens and that the security group lets the bot in).
pub const TABLE: &[(&str, &str, bool, Strength)] = &[
    // Read from pasted output.
    (
        "fact:firewall-blocks",
        "firewall",
        false,
        Strength::Specific,
    ),
    ("fact:firewall-allows", "firewall", true, Strength::Specific),
    ("fact:firewall-off", "firewall", true, Strength::Status),
    ("fact:listen-all", "listener", true, Strength::Specific),
    ("fact:listen-none", "listener", false, Strength::Specific),
    (
        "fact:listen-local-only",
        "listener",
        false,
        Strength::Specific,
    ),
    (
        "fact:listen-other-port",
        "listener",
        false,
        Strength::Specific,
    ),
    (
        "fact:rdp-listener-missing",
        "listener",
        false,
        Strength::Specific,
    ),
    ("fact:service-running", "service", true, Strength::Status),
    ("fact:socket-listening", "service", true, Strength::Status),
    ("fact:service-stopped", "service", false, Strength::Status),
    ("fact:service-failed", "service", false, Strength::Status),
    ("fact:service-missing", "service", false, Strength::Status),
    ("fact:sshd-privsep", "service", false, Strength::Specific),
    ("fact:sshd-bad-config", "service", false, Strength::Specific),
    (
        "fact:sshd-address-in-use",
        "service",
        false,
        Strength::Specific,
    ),
    (
        "fact:sshd-bind-denied",
        "service",
        false,
        Strength::Specific,
    ),
    (
        "fact:sshd-no-hostkeys",
        "service",
        false,
        Strength::Specific,
    ),
    ("fact:sshd-fatal", "service", false, Strength::Specific),
    ("fact:client-connected", "client", true, Strength::Specific),
    ("fact:client-refused", "client", false, Strength::Specific),
    ("fact:client-timeout", "client", false, Strength::Specific),
    ("fact:client-no-route", "client", false, Strength::Specific),
    ("fact:ping-ok", "user-ping", true, Strength::Specific),
    ("fact:ping-failed", "user-ping", false, Strength::Specific),
    ("fact:registry-same", "registry", true, Strength::Specific),
    (
        "fact:registry-differ",
        "registry",
        false,
        Strength::Specific,
    ),
    (
        "fact:registry-other-port",
        "registry",
        false,
        Strength::Specific,
    ),
    (
        "fact:resources-high",
        "resources",
        false,
        Strength::Specific,
    ),
    ("fact:disk-full", "resources", false, Strength::Specific),
    // Measured by the bot.
    ("finding:port-open", "port", true, Strength::Specific),
    ("finding:port-closed", "port", false, Strength::Specific),
    ("finding:port-filtered", "port", false, Strength::Specific),
    (
        "finding:no-answer-at-all",
        "port",
        false,
        Strength::Specific,
    ),
    (
        "finding:host-unreachable",
        "port",
        false,
        Strength::Specific,
    ),
    ("finding:ssh-ok", "service", true, Strength::Specific),
    ("finding:rdp-ok", "service", true, Strength::Specific),
    ("finding:port-open", "listener", true, Strength::Specific),
    (
        "finding:port-open",
        "security-group",
        true,
        Strength::Specific,
    ),
    ("finding:port-open", "instance", true, Strength::Specific),
    ("finding:icmp-reply", "instance", true, Strength::Specific),
    // The provider's API.
    ("cloud:running", "instance", true, Strength::Specific),
    ("cloud:stopped", "instance", false, Strength::Specific),
    (
        "cloud:sg-allows",
        "security-group",
        true,
        Strength::Specific,
    ),
    (
        "cloud:sg-bot-blocked",
        "security-group",
        false,
        Strength::Specific,
    ),
    // Answers: what an option rules out, or the option itself.
    (
        "said:ruled-out-firewall",
        "firewall",
        true,
        Strength::Status,
    ),
    (
        "said:ruled-out-not-listening",
        "listener",
        true,
        Strength::Status,
    ),
    (
        "said:ruled-out-security-group",
        "security-group",
        true,
        Strength::Status,
    ),
    (
        "said:ruled-out-resources",
        "resources",
        true,
        Strength::Status,
    ),
    (
        "said:ruled-out-registry",
        "registry",
        true,
        Strength::Status,
    ),
    (
        "said:common.port_test/connected",
        "client",
        true,
        Strength::Status,
    ),
    (
        "said:common.port_test/failed",
        "client",
        false,
        Strength::Status,
    ),
    (
        "said:common.ping/replies",
        "user-ping",
        true,
        Strength::Status,
    ),
    (
        "said:common.ping/timeout",
        "user-ping",
        false,
        Strength::Status,
    ),
    ("said:linux.sshd/running", "service", true, Strength::Status),
    (
        "said:linux.sshd/stopped",
        "service",
        false,
        Strength::Status,
    ),
    (
        "said:linux.sshd_listen/none",
        "listener",
        false,
        Strength::Status,
    ),
    (
        "said:windows.netstat/nothing",
        "listener",
        false,
        Strength::Status,
    ),
];

/// The subjects [`TABLE`] knows, each once, in table order.
pub fn subjects() -> Vec<&'static str> {
    let mut v: Vec<&'static str> = Vec::new();
    for (_, s, _, _) in TABLE {
        if !v.contains(s) {
            v.push(s);
        }
    }
    v
}

fn push(out: &mut Vec<Evidence>, code: &str, source: Source, at_ms: u64) {
    if !TABLE.iter().any(|(c, ..)| *c == code) {
        // Held and shown with its source, but about no subject the
        // precedence weighs (an ICMP reply, a load figure, an answer that
        // rules nothing out): `subject` is empty.
        let e = Evidence {
            subject: String::new(),
            ok: true,
            code: code.to_owned(),
            source,
            strength: Strength::Specific,
            at_ms,
        };
        if !out.contains(&e) {
            out.push(e);
        }
        return;
    }
    for (c, subject, ok, strength) in TABLE {
        if *c == code {
            let e = Evidence {
                subject: (*subject).to_owned(),
                ok: *ok,
                code: code.to_owned(),
                source,
                strength: *strength,
                at_ms,
            };
            // The same thing said again at the same time counts once.
            if !out.contains(&e) {
                out.push(e);
            }
        }
    }
}

/// Every piece of evidence the conversation holds, oldest first within
/// each source.
pub fn gather(rb: &Runbooks, s: &Session) -> Vec<Evidence> {
    let mut out = Vec::new();
    let port = s.service_port();
    let os = s.known_os();
    for p in &s.probe_history {
        for f in &p.findings {
            push(
                &mut out,
                &format!("finding:{}", f.code()),
                Source::Measured,
                p.at_ms,
            );
        }
    }
    // The check of the ports a moved service often uses says nothing about
    // the login port itself: what it found is in the probes section and,
    // when one answers, in the port the conversation moved to.
    for p in s
        .probes
        .iter()
        .filter(|p| !matches!(p.purpose, crate::session::Purpose::Alternates))
    {
        for f in &p.findings {
            push(
                &mut out,
                &format!("finding:{}", f.code()),
                Source::Measured,
                p.at_ms,
            );
        }
    }
    if let Some(crate::cloud::CloudAnswer::Found(f)) = &s.cloud {
        // The API is asked right after the first probe.
        let at = s.probes.first().map(|p| p.at_ms).unwrap_or(s.created_ms);
        for c in f.codes() {
            push(&mut out, &format!("cloud:{c}"), Source::Provider, at);
        }
    }
    // Each reading of each paste on its own: `ufw status` saying inactive
    // and `iptables -S` rejecting the port in one paste are two facts, and
    // the precedence decides between them.
    for p in &s.pastes {
        for r in &p.readings {
            for c in crate::facts::codes(&r.facts, port, os) {
                push(&mut out, &format!("fact:{c}"), Source::Pasted, p.at_ms);
            }
        }
    }
    for a in &s.answers {
        let Some(key) = a.option.as_deref() else {
            // A typed answer (an address, a port): held as typed, cut short.
            if let Some(v) = &a.value {
                let v: String = v.chars().take(40).collect();
                push(
                    &mut out,
                    &format!("said:{}={v}", a.step),
                    Source::Said,
                    a.at_ms,
                );
            }
            continue;
        };
        if key == UNKNOWN_KEY || key == WORKS_KEY {
            continue;
        }
        let source = if a.inferred {
            Source::Inferred
        } else {
            Source::Said
        };
        push(&mut out, &format!("said:{}/{key}", a.step), source, a.at_ms);
        let rules_out = rb
            .step(&a.step)
            .and_then(|st| st.options.iter().find(|o| o.key == key))
            .and_then(|o| o.rules_out.as_deref());
        if let Some(r) = rules_out {
            push(&mut out, &format!("said:{r}"), source, a.at_ms);
        }
    }
    out
}

/// The evidence that stands for `subject`: the one no other beats.
pub fn winner<'a>(ev: &'a [Evidence], subject: &str) -> Option<&'a Evidence> {
    let mut best: Option<&Evidence> = None;
    for e in ev.iter().filter(|e| e.subject == subject) {
        match best {
            Some(b) if !beats(e, b) => {}
            _ => best = Some(e),
        }
    }
    best
}

/// Whether what `code` says is overruled: about a subject whose standing
/// evidence says the opposite (an answer that rules the firewall out while a
/// pasted rule blocks the port).
pub fn overruled(ev: &[Evidence], code: &str) -> bool {
    TABLE
        .iter()
        .filter(|(c, ..)| *c == code)
        .any(|(_, subject, ok, _)| winner(ev, subject).is_some_and(|w| w.ok != *ok))
}

/// Two pieces of evidence that disagree, and which one the conversation
/// goes by.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contradiction {
    pub subject: String,
    /// The one that loses.
    pub held: Evidence,
    /// The one that wins.
    pub wins: Evidence,
}

/// Every disagreement with what stands, one per losing code and subject.
/// Two measurements that differ are a change the re-check reports, not a
/// contradiction.
pub fn contradictions(ev: &[Evidence]) -> Vec<Contradiction> {
    let mut out: Vec<Contradiction> = Vec::new();
    for subject in subjects() {
        let Some(w) = winner(ev, subject) else {
            continue;
        };
        for e in ev.iter().filter(|e| e.subject == subject && e.ok != w.ok) {
            if e.source == Source::Measured && w.source == Source::Measured {
                continue;
            }
            if out
                .iter()
                .any(|c| c.subject == subject && c.held.code == e.code && c.held.source == e.source)
            {
                continue;
            }
            out.push(Contradiction {
                subject: subject.to_owned(),
                held: e.clone(),
                wins: w.clone(),
            });
        }
    }
    out
}

/// The evidence a fact code read from a paste at `at_ms` gives
/// (`firewall-off`: the firewall is fine, as a tool's status).
pub fn pasted(code: &str, at_ms: u64) -> Vec<Evidence> {
    let mut v = Vec::new();
    push(&mut v, &format!("fact:{code}"), Source::Pasted, at_ms);
    v
}

/// Whether a paste arriving at `now_ms` may answer the question with a row
/// whose conditions are `when`, given the evidence held (the paste's own
/// facts included): never when a fact of the other polarity about the same
/// subject stands that the row's own fact does not beat ([`beats`]) — a
/// rule that blocks the port in the same paste as "ufw: inactive", a
/// listener list showing nothing next to "sshd is running".
pub fn paste_answer_stands(when: &[Cond], held: &[Evidence], now_ms: u64) -> bool {
    when.iter().all(|c| {
        let Cond::Fact(code) = c else {
            return true;
        };
        pasted(code, now_ms).iter().all(|mine| {
            !held
                .iter()
                .any(|e| e.subject == mine.subject && e.ok != mine.ok && !beats(mine, e))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ev(subject: &str, ok: bool, source: Source, strength: Strength, at_ms: u64) -> Evidence {
        Evidence {
            subject: subject.into(),
            ok,
            code: format!("{subject}-{ok}"),
            source,
            strength,
            at_ms,
        }
    }

    #[test]
    fn a_rule_that_blocks_beats_a_firewall_reported_inactive() {
        let off = ev("firewall", true, Source::Pasted, Strength::Status, 5);
        let rule = ev("firewall", false, Source::Pasted, Strength::Specific, 5);
        assert!(beats(&rule, &off));
        assert!(!beats(&off, &rule));
        // Even when the inactive tool was pasted later.
        let later_off = ev("firewall", true, Source::Pasted, Strength::Status, 9);
        assert!(beats(&rule, &later_off));
        let all = vec![off, rule.clone(), later_off];
        assert_eq!(winner(&all, "firewall"), Some(&rule));
        // Named once for the code that loses, however often it was seen.
        let c = contradictions(&all);
        assert_eq!(c.len(), 1, "{c:?}");
        assert_eq!(c[0].wins, rule);
    }

    #[test]
    fn the_bots_measurement_beats_a_claim() {
        let said = ev("security-group", true, Source::Said, Strength::Status, 9);
        let measured = ev(
            "security-group",
            false,
            Source::Measured,
            Strength::Specific,
            1,
        );
        let provider = ev(
            "security-group",
            false,
            Source::Provider,
            Strength::Specific,
            1,
        );
        assert!(beats(&measured, &said));
        assert!(beats(&provider, &said));
        assert!(beats(&measured, &provider));
        let pasted = ev("firewall", false, Source::Pasted, Strength::Specific, 1);
        let claim = ev("firewall", true, Source::Said, Strength::Specific, 9);
        assert!(
            beats(&pasted, &claim),
            "the server's own output beats a claim"
        );
        let inferred = ev("firewall", true, Source::Inferred, Strength::Status, 9);
        assert!(beats(&pasted, &inferred));
        assert!(beats(&inferred, &claim));
    }

    #[test]
    fn a_newer_measurement_beats_an_older_one_and_is_no_contradiction() {
        let old = ev("listener", false, Source::Measured, Strength::Specific, 1);
        let new = ev("listener", true, Source::Measured, Strength::Specific, 2);
        assert!(beats(&new, &old));
        assert!(!beats(&old, &new));
        let all = vec![old, new.clone()];
        assert_eq!(winner(&all, "listener"), Some(&new));
        assert!(
            contradictions(&all).is_empty(),
            "a change, not a contradiction"
        );
    }

    #[test]
    fn every_code_in_the_table_is_one_the_conversation_can_hold() {
        for (code, _, _, _) in TABLE {
            let (kind, rest) = code.split_once(':').expect("kind:code");
            let known = match kind {
                "fact" => crate::facts::CODES.contains(&rest),
                "finding" => crate::findings::Finding::from_code(rest).is_some(),
                "cloud" => crate::cloud::CODES.contains(&rest),
                "said" => true,
                _ => false,
            };
            assert!(known, "{code}");
        }
    }
}
