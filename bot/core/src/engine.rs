//! The conversation engine: `(session, input, now) -> effects`, with no I/O.
//!
//! Like quinn-proto, the engine never touches a socket, a clock or a disk: the
//! runtime passes `now`, executes the returned [`Effect`]s in order (persist
//! first, then replies, then probes) and feeds probe results back as
//! [`Input::ProbeDone`].

use crate::cloud::{CloudAnswer, CloudFacts, CloudRequest, SgDecision, SourceRole};
use crate::command::{self, Command, Lang, Os};
use crate::correct::{self, Correction};
use crate::evidence;
use crate::facts;
use crate::findings::{self, Finding};
use crate::limits::ProbeRefusal;
use crate::msg::{Arg, Choice, Expect, Msg, Reply, Severity};
use crate::outcome::OutcomeRecord;
use crate::paste;
use crate::policy::TargetPolicy;
use crate::probe::{PortSpec, PortState, ProbeReport, ProbeRequest, Service};
use crate::report::Report;
use crate::runbook::{
    Cond, FirstRoute, InputKind, ProbeKind, Runbooks, Step, StepKind, Transition, BACK_TARGET,
    UNKNOWN_KEY, UNKNOWN_LABEL, WORKS_KEY, WORKS_LABEL,
};
use crate::session::{
    Answer, CorrectionRecord, Outcome, PasteRecord, Pending, Phase, ProbeRecord, Purpose,
    RouteDecision, Session, MAX_PASTES,
};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// Longest free-text answer kept (pasted command output).
pub const MAX_TEXT: usize = 2000;
/// Fact lines said back after a paste; more are counted, not listed.
const MAX_FACT_LINES: usize = 8;

/// Something that happened in the conversation.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A line the user typed (commands start with `/`).
    Text(String),
    /// A command already parsed by the platform (e.g. a Discord slash command).
    Command(Command),
    /// The user picked an option by key (a button).
    Choose(String),
    /// A probe the engine asked for has finished.
    ProbeDone(Box<ProbeReport>),
    /// The runtime (re)started: show where the conversation stands.
    Resume,
    /// Pasted command output or log text, as one message (any step).
    Paste(String),
    /// A host name the engine asked about was looked up: its first
    /// policy-checked address, or why not (a refusal code such as `private`,
    /// or `not-found`, `dns-timeout`, `bad-name`).
    Resolved {
        name: String,
        result: Result<IpAddr, String>,
    },
    /// The runtime's admission point refused the probe the engine asked for
    /// (a spent budget, the target or port policy in force): say why and go
    /// back to where the conversation was.
    ProbeRefused(crate::limits::ProbeRefusal),
    /// `input` (a click or a typed answer from a form) applies only while the
    /// conversation still waits on `question` ([`Session::question`], as the
    /// adapter's button id carries it); otherwise it has no effect at all, so
    /// a click delivered twice (a double click racing itself past the
    /// adapter's stale-click check, a retry after a crash) is applied once.
    At { question: String, input: Box<Input> },
    /// An option chosen by a reply that also named a value ("it's listening
    /// on 2222"): the option, then `value` as the answer to the input step it
    /// leads to (the port question it would ask next), in one turn. Where the
    /// option leads elsewhere, the value is not used.
    ChooseWith { key: String, value: String },
    /// The provider's API lookup the engine asked for ([`Effect::CloudLookup`])
    /// has finished for the address `ip`.
    CloudDone {
        ip: IpAddr,
        answer: Box<crate::cloud::CloudAnswer>,
    },
}

/// The option key a re-probe started by a paste is recorded under.
pub const PASTE_KEY: &str = "_paste";
/// The option of a re-check of the ports a moved login service may use
/// (listeners a paste showed only by PID).
pub const ALT_KEY: &str = "_alternates";
/// At most this many such ports in one check (the port policy's
/// per-conversation cap applies on top).
pub const MAX_ALTERNATES: usize = 4;

/// What the runtime must do, in order.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Store the session now (always before any reply of the same turn).
    Persist,
    Say(Reply),
    /// Measure this and answer with [`Input::ProbeDone`].
    Probe(ProbeRequest),
    /// Hand over: show the report and the ticket link.
    Escalate(Box<Report>),
    /// The conversation reached an end.
    Ended(Outcome),
    /// Append this line to the outcome log (every end, abandoned ones too).
    Record(Box<OutcomeRecord>),
    /// Look this host name up once, check every address against the target
    /// policy, and answer with [`Input::Resolved`].
    Resolve(String),
    /// Ask the provider's API what it knows about the address (only when the
    /// engine was built [`Engine::with_cloud`]); answer with
    /// [`Input::CloudDone`].
    CloudLookup(crate::cloud::CloudRequest),
}

/// Who reads the rule details the provider's API gave (`cloud.show`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum CloudShow {
    /// Verdicts in the chat (stopped, a rule blocks the port, …); the rule
    /// itself (group, index, source) only in the report.
    #[default]
    Verdicts,
    /// The deciding rule is named in the chat too.
    Details,
}

/// Who reads a turn's replies, as the adapter knows it (a per-turn fact:
/// the same conversation may be answered by its owner and by support).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum Viewer {
    /// Anyone in the place (a shared channel): what `cloud.show` allows.
    #[default]
    Anyone,
    /// A member of the support role (or the console's operator): the rule
    /// details the provider's API gave are shown in the chat too.
    Support,
}

#[derive(Clone, Debug)]
pub struct EngineConfig {
    /// A session idle longer than this starts afresh.
    pub idle_ttl_ms: u64,
    pub policy: TargetPolicy,
    /// The addresses the bot probes from, named in security-group advice so
    /// that a re-check from here can pass. Empty: not configured.
    pub egress: Vec<IpAddr>,
}

pub struct Engine {
    rb: Runbooks,
    cfg: EngineConfig,
    /// Set when the provider's API is configured: a lookup follows the first probe.
    cloud: Option<CloudShow>,
}

/// Fluent ids the engine itself uses (runbooks bring their own).
pub const ENGINE_MESSAGE_IDS: &[&str] = &[
    "welcome",
    "ask-ip",
    "ask-os",
    "os-windows",
    "os-linux",
    "os-auto",
    "os-detected",
    "os-undecided",
    "err-not-ip",
    "err-bad-os",
    "err-bad-port",
    "err-bad-lang",
    "err-unknown-command",
    "err-too-many-args",
    "err-not-an-option",
    "err-empty-text",
    "err-text-too-long",
    "probing",
    "probing-resume",
    "still-probing",
    "probe-summary",
    "probe-icmp",
    "probe-port",
    "probe-ssh",
    "probe-rdp",
    "probe-pending",
    "recheck-start",
    "recheck-result",
    "recheck-better",
    "recheck-same",
    "recheck-healthy",
    "recheck-changed",
    "back-done",
    "back-nothing",
    "restarted",
    "lang-set",
    "status",
    "status-step",
    "status-findings",
    "status-none",
    "help",
    "bye",
    "ended-fixed",
    "ended-escalated",
    "session-expired",
    "ticket-continue",
    "ticket-needs-target",
    "ruled-out-port-blocked",
    "ruled-out-host-down",
    "nav-hint",
    "err-not-ip-sentence",
    "ask-ip-have-os",
    "target-changed",
    "answer-unknown",
    "answer-works",
    "back-from-confirm",
    "paste-too-long",
    "paste-unrecognized",
    "paste-read",
    "paste-more",
    "paste-later",
    "paste-new-port",
    "paste-no-change",
    "resolving-name",
    "resolved-name",
    "err-name",
    "paste-answers",
    "fact-listening",
    "fact-established",
    "fact-registry",
    "fact-client",
    "fact-ping",
    "fact-service",
    "fact-sshd",
    "fact-firewall",
    "fact-memory",
    "fact-load",
    "fact-disk",
    "fact-boot",
    "fact-rdp-listener",
    "fact-client-port",
    "recheck-found",
    "paste-check-listeners",
    "paste-ask-tasklist",
    "alt-found",
    "alt-none",
    "alt-moved",
    "correct-ask",
    "correct-switch",
    "correct-keep",
    "correct-kept",
    "correct-os-done",
    "correct-port-done",
    "correct-distro-done",
    "corrected-in-force",
    "status-corrected",
    "cloud-found",
    "cloud-sg",
    "cloud-load",
    "cloud-ddos",
    "cloud-not-ours",
    "cloud-failed",
    "cloud-user-source",
    "evidence-contradiction",
    "paste-ssh-keys",
    "paste-ssh-user",
    "fixed-followup",
];

/// Where the fix most likely was, from the step of the last answer that led
/// to it (the login service found on a moved port, when that is how it
/// ended), as a key of `fixed-followup`.
fn fix_cause(s: &Session) -> &'static str {
    let usual = default_port(s.known_os());
    let moved = s.custom_port.is_some_and(|p| p != usual)
        && s.probes.iter().any(|p| {
            matches!(&p.purpose, Purpose::Recheck { option: Some(k), .. }
                if k == PASTE_KEY || k == ALT_KEY)
        });
    if moved {
        return "port";
    }
    let last = s.answers.iter().rev().find(|a| {
        !matches!(a.option.as_deref(), Some(UNKNOWN_KEY | WORKS_KEY))
            && !a.step.ends_with("confirm_login")
            && !a.step.ends_with("works_confirm")
    });
    let Some(step) = last.map(|a| a.step.as_str()) else {
        return "general";
    };
    let (book, id) = step.split_once('.').unwrap_or(("", step));
    match id {
        "security_group" | "sg_help" | "sg_firewall" | "bot_blocked" | "both_blocked"
        | "source_rule" => "security-group",
        "instance_state" | "arrears" | "bandwidth" | "restart" | "new_ip" => "instance",
        "load" | "resources" | "resources_fix" => "resources",
        "firewall" => "firewall",
        "key" | "credentials" | "legacy" | "hostkey" | "client_error" | "verbose" => "login",
        _ if book == "windows" => "rdp",
        "sshd" | "sshd_start" | "sshd_listen" | "sshd_config" | "custom_port" | "bans" | "boot" => {
            "sshd"
        }
        _ => "general",
    }
}

/// After "it works now": the likely cause, how to keep it from coming back,
/// and, when the security group was part of it, to narrow a test rule.
fn fixed_followup(s: &Session) -> Msg {
    let sg = s.visited.iter().any(|v| {
        v.ends_with("security_group") || v.ends_with("sg_help") || v.ends_with("source_rule")
    }) || s.first_findings.contains(&Finding::PortFiltered);
    Msg::new("fixed-followup")
        .arg("cause", fix_cause(s))
        .arg("port", s.service_port())
        .arg("os", s.known_os().map(Os::key).unwrap_or("auto"))
        .arg("sg", if sg { "yes" } else { "no" })
}

/// The image a banner names: `ubuntu` or `debian` (Red Hat family banners
/// name no distribution).
fn banner_image(banner: &str) -> Option<&'static str> {
    let b = banner.to_ascii_lowercase();
    if b.contains("ubuntu") {
        Some("ubuntu")
    } else if b.contains("debian") {
        Some("debian")
    } else {
        None
    }
}

/// The login user a Tencent Cloud image starts with, when the image is
/// known: `ubuntu` on Ubuntu images (root login is off there), `root` on
/// CentOS, Rocky, TencentOS and OpenCloudOS.
fn image_user(s: &Session) -> Option<&'static str> {
    if s.vars.get("image").map(String::as_str) == Some("ubuntu") {
        return Some("ubuntu");
    }
    if s.distro == Some(command::Distro::Redhat) {
        return Some("root");
    }
    let said = s
        .opening
        .as_ref()
        .map(|(_, t)| t.to_lowercase())
        .unwrap_or_default();
    (said.contains("ubuntu") || said.contains("우분투")).then_some("ubuntu")
}

/// What `ssh -v` of a refused login says beyond "denied": no key offered,
/// a key file that isn't there, keys the server did not take; a user name
/// other than the image's default.
fn ssh_notes(s: &mut Session, d: &paste::SshDetails) -> Vec<Msg> {
    let mut v = Vec::new();
    let port = s.service_port();
    let ssh = if port == 22 {
        "ssh".to_owned()
    } else {
        format!("ssh -p {port}")
    };
    let ip = s
        .target
        .map(|t| t.to_string())
        .or_else(|| s.target_name.clone())
        .unwrap_or_default();
    if let Some(u) = &d.user {
        s.vars.insert("ssh_user".into(), u.clone());
    }
    let default = image_user(s);
    let user = default
        .map(str::to_owned)
        .or_else(|| d.user.clone())
        .unwrap_or_else(|| "root".into());
    let keys = match (&d.missing, d.offered) {
        (Some(_), _) => Some("missing"),
        (None, Some(0)) => Some("none"),
        (None, Some(_)) => Some("offered"),
        (None, None) => None,
    };
    if let Some(k) = keys {
        v.push(
            Msg::new("paste-ssh-keys")
                .arg("keys", k)
                .arg("count", i64::from(d.offered.unwrap_or(0)))
                .arg("file", d.missing.clone().unwrap_or_default())
                .arg("ssh", ssh.clone())
                .arg("user", user.clone())
                .arg("ip", ip.clone()),
        );
    }
    if let (Some(typed), Some(default)) = (&d.user, default) {
        if typed != default {
            v.push(
                Msg::new("paste-ssh-user")
                    .arg("typed", typed.clone())
                    .arg("default", default)
                    .arg("ssh", ssh)
                    .arg("ip", ip),
            );
        }
    }
    v
}

/// Keeps which route row moved the conversation and the conditions that
/// decided it (an answer row's `to` is the step it answered, `at`).
fn record_decision(s: &mut Session, table: &str, r: &FirstRoute, now: u64, at: &str) {
    s.decisions.push(RouteDecision {
        at_ms: now,
        table: table.to_owned(),
        row: r.name.clone(),
        to: if r.answer.is_some() {
            at.to_owned()
        } else {
            r.to.clone()
        },
        by: r
            .when
            .iter()
            .filter(|c| !matches!(c, Cond::At(_)))
            .map(Cond::code)
            .collect(),
    });
}

/// A contradiction as the chat says it: what it is about, who said what,
/// and which one wins.
pub fn contradiction_msg(c: &evidence::Contradiction, port: u16) -> Msg {
    let yn = |b: bool| if b { "yes" } else { "no" };
    Msg::new("evidence-contradiction")
        .arg("subject", c.subject.clone())
        .arg("port", port)
        .arg("held", c.held.source.key())
        .arg("held_ok", yn(c.held.ok))
        .arg("wins", c.wins.source.key())
        .arg("wins_ok", yn(c.wins.ok))
        .arg("same", yn(c.held.source == c.wins.source))
        .arg(
            "why",
            if c.held.source != c.wins.source {
                "source"
            } else if c.held.strength != c.wins.strength {
                "specific"
            } else {
                "newer"
            },
        )
}

/// Option keys of the correction question ([`Phase::Correcting`]).
pub const SWITCH_KEY: &str = "switch";
pub const KEEP_KEY: &str = "keep";

/// The effects of one turn so far, and the time the turn happens at.
struct Out {
    fx: Vec<Effect>,
    now: u64,
}

impl Out {
    fn push(&mut self, e: Effect) {
        self.fx.push(e);
    }
}

fn say(out: &mut Out, r: Reply) {
    out.push(Effect::Say(r));
}

impl Engine {
    pub fn new(rb: Runbooks, cfg: EngineConfig) -> Self {
        Engine {
            rb,
            cfg,
            cloud: None,
        }
    }

    /// After the first probe, ask the provider's API about the address
    /// ([`Effect::CloudLookup`]) before the first question.
    pub fn with_cloud(mut self, show: CloudShow) -> Self {
        self.cloud = Some(show);
        self
    }

    /// Whether lookups are on, and what the chat shows of them.
    pub fn cloud(&self) -> Option<CloudShow> {
        self.cloud
    }

    pub fn runbooks(&self) -> &Runbooks {
        &self.rb
    }

    /// How long a conversation may sit idle before it is over.
    pub fn idle_ttl_ms(&self) -> u64 {
        self.cfg.idle_ttl_ms
    }

    /// The target and port policy in force (the runtime's admission point
    /// evaluates it again before every probe).
    pub fn policy(&self) -> &TargetPolicy {
        &self.cfg.policy
    }

    /// [`Engine::handle`] for a reader the adapter knows: support sees the
    /// provider's rule details in the chat whatever `cloud.show` says.
    pub fn handle_as(
        &self,
        s: &mut Session,
        input: Input,
        now_ms: u64,
        viewer: Viewer,
    ) -> Vec<Effect> {
        let mut fx = self.handle(s, input, now_ms);
        if viewer == Viewer::Support {
            crate::cloud::reveal_details(&mut fx);
        }
        fx
    }

    /// Handles one input. Never panics on user input; every effect list that
    /// changes the session starts with [`Effect::Persist`].
    pub fn handle(&self, s: &mut Session, input: Input, now_ms: u64) -> Vec<Effect> {
        let before = s.clone();
        let mut out = Out {
            fx: Vec::new(),
            now: now_ms,
        };
        if s.phase != Phase::New
            && !matches!(input, Input::ProbeDone(_))
            && now_ms.saturating_sub(s.updated_ms) > self.cfg.idle_ttl_ms
        {
            if s.in_progress() && s.probed() {
                out.push(Effect::Record(Box::new(OutcomeRecord::of(
                    s,
                    Outcome::Abandoned,
                    now_ms,
                ))));
            }
            let lang = s.lang;
            *s = Session::new(now_ms);
            s.lang = lang;
            say(&mut out, Reply::one("session-expired"));
        }
        let input = match input {
            Input::At { question, input } if s.question().as_deref() == Some(question.as_str()) => {
                *input
            }
            // The question moved on while this click waited for the session
            // (a double click, a click delivered twice): the first one's
            // replies show where the conversation is; this one does nothing.
            Input::At { .. } => return self.finish(s, before, now_ms, out),
            other => other,
        };
        let ends_wait = ends_wait(&s.phase, &input);
        // The provider's verdicts follow the login port in force (a
        // correction or a paste may have moved it since the lookup).
        let port = s.service_port();
        if let Some(CloudAnswer::Found(f)) = &mut s.cloud {
            f.follow_port(port);
        }
        // The Linux family and the user's own computer named anywhere in
        // what the user types ("my ubuntu box", "from my MacBook") pick the
        // commands shown.
        if let Input::Text(t) = &input {
            heard(s, t);
            // The user's own words, as first typed: the report quotes them.
            if s.opening.is_none() && !t.trim().is_empty() && command::parse(t).is_none() {
                let mut first = t.trim().to_owned();
                crate::limits::truncate_chars(&mut first, crate::session::MAX_OPENING);
                s.opening = Some((now_ms, first));
            }
        }
        if let Input::Paste(t) = &input {
            heard_client(s, t);
        }
        match input {
            Input::Text(t) => match command::parse(&t) {
                Some(Ok(c)) => self.command(s, c, &mut out),
                // `/diagnose web.example.com linux [port]`: a host name where
                // the address goes.
                Some(Err(command::CommandError::BadIp)) if diagnose_name(&t).is_some() => {
                    let (name, os, port) = diagnose_name(&t).unwrap_or_default();
                    self.abandon(s, &mut out);
                    let lang = s.lang;
                    *s = Session::new(out.now);
                    s.lang = lang;
                    s.os = os;
                    s.custom_port = port;
                    self.resolve(s, name, &mut out)
                }
                Some(Err(e)) => {
                    // The message names the word it is about.
                    let value = clip(command::offending(&t, &e));
                    say(
                        &mut out,
                        Reply::info(vec![Msg::new(e.id()).arg("value", value)])
                            .severity(Severity::Warning),
                    );
                    self.prompt(s, &mut out);
                }
                None => self.text(s, t.trim(), &mut out),
            },
            Input::Command(c) => self.command(s, c, &mut out),
            Input::Choose(k) => self.choose(s, &k, &mut out),
            Input::ChooseWith { key, value } => self.choose_with(s, &key, &value, &mut out),
            Input::ProbeDone(r) => self.probe_done(s, *r, &mut out),
            Input::Resume => self.resume(s, &mut out),
            Input::Paste(t) => self.paste(s, &t, &mut out),
            Input::Resolved { name, result } => self.resolved(s, name, result, &mut out),
            Input::ProbeRefused(r) => self.probe_refused(s, r, &mut out),
            Input::CloudDone { ip, answer } => self.cloud_done(s, ip, *answer, &mut out),
            // Only one level of `At` means anything.
            Input::At { .. } => self.stale(s, &mut out),
        }
        if ends_wait {
            self.settle(s, &mut out);
        }
        self.finish(s, before, now_ms, out)
    }

    /// The invariant after a probe result, a refusal or a name lookup ends a
    /// wait: the conversation stands at a question (or ended), or it waits on
    /// a new probe or lookup it asked for in this turn. Never stored "still
    /// checking" with nothing under way: every later message would re-probe,
    /// answers would be dropped and buttons never shown. A path that breaks
    /// it goes back to the step the probe came from and asks its question.
    fn settle(&self, s: &mut Session, out: &mut Out) {
        let asked = out.fx.iter().any(|e| {
            matches!(
                e,
                Effect::Probe(_) | Effect::Resolve(_) | Effect::CloudLookup(_)
            )
        });
        if !s.waits_on_runtime() || asked {
            return;
        }
        // Whatever said "still checking" in this turn was wrong.
        out.fx.retain(
            |e| !matches!(e, Effect::Say(r) if r.parts.iter().any(|m| m.id == "still-probing")),
        );
        let step = match &s.phase {
            Phase::Probing(Pending {
                purpose: Purpose::Recheck { step, .. },
                ..
            }) => self.rb.step(step).map(|st| st.id.clone()),
            _ => None,
        };
        match step {
            Some(id) => {
                s.phase = Phase::Step(id);
                self.prompt(s, out);
            }
            None if !s.probes.is_empty() && s.known_os().is_some() => {
                s.trail.clear();
                self.enter_first(s, out);
            }
            None => {
                s.phase = Phase::AskIp;
                self.prompt(s, out);
            }
        }
    }

    /// Caps, and the leading [`Effect::Persist`] when the turn changed anything.
    fn finish(&self, s: &mut Session, before: Session, now_ms: u64, mut out: Out) -> Vec<Effect> {
        self.name_contradictions(s, &before, &mut out);
        s.enforce_caps();
        if *s != before {
            s.updated_ms = now_ms;
            out.fx.insert(0, Effect::Persist);
        }
        out.fx
    }

    /// A fact that arrived this turn and disagrees with one held (or the
    /// other way round): say so, and which one the conversation goes by
    /// ([`evidence::beats`]), before the question the turn ends with.
    fn name_contradictions(&self, s: &Session, before: &Session, out: &mut Out) {
        if s.target != before.target {
            return; // another server: nothing held is about it
        }
        let old = evidence::contradictions(&evidence::gather(&self.rb, before));
        let new: Vec<Msg> = evidence::contradictions(&evidence::gather(&self.rb, s))
            .into_iter()
            .filter(|c| {
                !old.iter().any(|o| {
                    o.subject == c.subject
                        && o.held.code == c.held.code
                        && o.wins.code == c.wins.code
                })
            })
            .map(|c| contradiction_msg(&c, s.service_port()))
            .collect();
        if new.is_empty() {
            return;
        }
        let reply = Reply::info(new).severity(Severity::Warning);
        // Before the question this turn ends with, else last.
        let at = out
            .fx
            .iter()
            .rposition(|e| matches!(e, Effect::Say(r) if r.step.is_some()))
            .unwrap_or(out.fx.len());
        out.fx.insert(at, Effect::Say(reply));
    }

    // ----- inputs -------------------------------------------------------

    /// The port policy's verdict on probing `port` after `seen`, as what the
    /// user is told when it refuses.
    fn port_check(&self, seen: &[u16], port: u16) -> Result<(), ProbeRefusal> {
        self.cfg
            .policy
            .ports()
            .check(seen, port)
            .map_err(ProbeRefusal::from)
    }

    fn text(&self, s: &mut Session, t: &str, out: &mut Out) {
        // Several lines in one message are pasted output, wherever they come.
        if t.lines().filter(|l| !l.trim().is_empty()).count() > 1 {
            return self.paste(s, t, out);
        }
        // A new address, OS or login port named at any question: confirm
        // it before anything changes.
        if let Some(change) = self.correction(s, t) {
            // Only the family changes: the commands follow at once, and
            // the question is asked again with them.
            if let (true, Some(d)) = (change.distro_only(), change.distro) {
                s.corrections.push(CorrectionRecord {
                    at_ms: out.now,
                    what: "distro".into(),
                    from: s.distro.map(|d| d.key()).unwrap_or("unknown").into(),
                    to: d.key().into(),
                });
                s.distro = Some(d);
                say(
                    out,
                    Reply::info(vec![Msg::new("correct-distro-done").arg("distro", d.key())]),
                );
                return self.prompt(s, out);
            }
            return self.ask_correction(s, change, out);
        }
        // "My IP is …" once the provider's rules are known: what they do
        // to that address, and the question again.
        if let Some(ip) = self.own_address(s, t) {
            s.vars.insert("user_ip".into(), ip.to_string());
            self.cloud_user_source(s, out);
            return self.prompt(s, out);
        }
        match s.phase.clone() {
            Phase::New | Phase::AskIp => {
                let fresh = s.phase == Phase::New;
                let x = command::extract(t);
                // A port named in the sentence passes the port policy first,
                // as `/diagnose … port` does (a new conversation has probed
                // only the default ports).
                if let Some(p) = x.port {
                    if let Err(r) = self.port_check(&[22, 3389], p) {
                        say(out, Reply::info(r.msgs()).severity(Severity::Warning));
                        return self.prompt(s, out);
                    }
                }
                if x.os.is_some() {
                    s.os = x.os;
                }
                if x.port.is_some() {
                    s.custom_port = x.port;
                }
                match x.ip {
                    Some(ip) => self.set_ip(s, ip, out),
                    None if command::host_name(t).is_some() => {
                        let name = command::host_name(t).unwrap_or_default();
                        self.resolve(s, name, out)
                    }
                    None if fresh => {
                        say(out, Reply::one("welcome"));
                        s.phase = Phase::AskIp;
                        self.prompt(s, out);
                    }
                    None => {
                        // A sentence without an address: say what was
                        // understood, ask for the rest.
                        let id = if t.split_whitespace().count() > 1 || x.os.is_some() {
                            "err-not-ip-sentence"
                        } else {
                            "err-not-ip"
                        };
                        say(
                            out,
                            Reply::info(vec![Msg::new(id).arg("value", clip(t))])
                                .severity(Severity::Warning),
                        );
                        self.prompt(s, out);
                    }
                }
            }
            Phase::AskOs => match pick_index(t, 3).map(|i| ["windows", "linux", "auto"][i]) {
                Some(k) => self.choose(s, k, out),
                None => match Os::parse(t).or(command::extract(t).os) {
                    Some(os) => self.set_os(s, os, out),
                    None => {
                        say(
                            out,
                            Reply::info(vec![Msg::new("err-bad-os").arg("value", clip(t))])
                                .severity(Severity::Warning),
                        );
                        self.prompt(s, out);
                    }
                },
            },
            Phase::Probing(_) | Phase::Resolving(_) | Phase::Looking(_) => {
                say(out, Reply::one("still-probing"))
            }
            Phase::Correcting { .. } => {
                let key = match pick_index(t, 2) {
                    Some(i) => Some([SWITCH_KEY, KEEP_KEY][i]),
                    None => [SWITCH_KEY, KEEP_KEY]
                        .into_iter()
                        .find(|k| k.eq_ignore_ascii_case(t)),
                };
                match key {
                    Some(k) => self.choose(s, k, out),
                    None => {
                        say(
                            out,
                            Reply::info(vec![Msg::new("err-not-an-option")
                                .arg("value", clip(t))
                                .arg("count", 2i64)])
                            .severity(Severity::Warning),
                        );
                        self.prompt(s, out);
                    }
                }
            }
            Phase::Step(id) => {
                let Some(step) = self.rb.step(&id) else {
                    return self.lost(s, out);
                };
                match step.kind {
                    StepKind::Input => self.input_answer(s, step, t, out),
                    _ => {
                        let by_index = pick_index(t, step.options.len());
                        let by_key = step
                            .options
                            .iter()
                            .position(|o| o.key.eq_ignore_ascii_case(t));
                        match by_index.or(by_key) {
                            Some(i) => {
                                let key = step.options[i].key.clone();
                                self.choose(s, &key, out)
                            }
                            None if !paste::read(t).is_empty() => self.paste(s, t, out),
                            None => {
                                say(
                                    out,
                                    Reply::info(vec![Msg::new("err-not-an-option")
                                        .arg("value", clip(t))
                                        .arg(
                                            "count",
                                            (step.options.len()
                                                + usize::from(step.offers_works)
                                                + usize::from(step.unknown.is_some()))
                                                as i64,
                                        )])
                                    .severity(Severity::Warning),
                                );
                                self.prompt(s, out);
                            }
                        }
                    }
                }
            }
            Phase::Ended(_) => self.prompt(s, out),
        }
    }

    /// The option of the current question that leads to a port question,
    /// when a reply names a port `n` other than the login port: "it's
    /// listening on 2222" at "where does sshd listen?" is "a different port,
    /// 2222", never the option that names the login port. `None` where no
    /// option of the question leads to a port question.
    pub fn port_answer(&self, s: &Session, n: u16) -> Option<Input> {
        let Phase::Step(id) = &s.phase else {
            return None;
        };
        if n == s.service_port() {
            return None;
        }
        let step = self.rb.step(id)?;
        let opt = step.options.iter().find(|o| {
            o.go.targets().any(|t| {
                self.rb.step(t).is_some_and(|st| {
                    st.kind == StepKind::Input && st.input == Some(InputKind::Port)
                })
            })
        })?;
        Some(Input::ChooseWith {
            key: opt.key.clone(),
            value: n.to_string(),
        })
    }

    fn choose_with(&self, s: &mut Session, key: &str, value: &str, out: &mut Out) {
        let from = out.fx.len();
        self.choose(s, key, out);
        let Phase::Step(id) = &s.phase else {
            return;
        };
        let Some(step) = self.rb.step(id) else {
            return;
        };
        if step.kind != StepKind::Input || step.input != Some(InputKind::Port) {
            return;
        }
        // The port question is answered already: not asked.
        let mut i = from;
        while i < out.fx.len() {
            if matches!(&out.fx[i], Effect::Say(r) if r.expect == Expect::Port) {
                out.fx.remove(i);
            } else {
                i += 1;
            }
        }
        let step = step.clone();
        self.input_answer(s, &step, value, out)
    }

    fn choose(&self, s: &mut Session, key: &str, out: &mut Out) {
        match s.phase.clone() {
            Phase::Correcting { change, from } => match key {
                SWITCH_KEY => {
                    s.phase = *from;
                    self.apply_correction(s, change, out)
                }
                KEEP_KEY => {
                    say(out, self.kept_reply(s, &change));
                    s.phase = *from;
                    self.prompt(s, out)
                }
                _ => self.stale(s, out),
            },
            Phase::AskOs => match Os::parse(key) {
                Some(os) => self.set_os(s, os, out),
                None => self.stale(s, out),
            },
            Phase::Step(id) => {
                let Some(step) = self.rb.step(&id) else {
                    return self.lost(s, out);
                };
                if key == UNKNOWN_KEY || key == WORKS_KEY {
                    return self.universal(s, step, key, out);
                }
                let Some(opt) = step.options.iter().find(|o| o.key == key) else {
                    return self.stale(s, out);
                };
                s.answer_count = s.answer_count.saturating_add(1);
                s.answers.push(Answer {
                    at_ms: out.now,
                    step: id.clone(),
                    option: Some(opt.key.clone()),
                    value: None,
                    inferred: false,
                });
                for (k, v) in &opt.set {
                    s.vars.insert(k.clone(), v.clone());
                }
                match opt.reprobe {
                    Some(kind) => self.start_probe(
                        s,
                        Purpose::Recheck {
                            step: id.clone(),
                            option: Some(opt.key.clone()),
                        },
                        kind,
                        out,
                    ),
                    None => self.go(s, &opt.go, out),
                }
            }
            _ => self.stale(s, out),
        }
    }

    /// "I don't know / I can't check this" and "it works now", offered at
    /// every question and input step.
    fn universal(&self, s: &mut Session, step: &Step, key: &str, out: &mut Out) {
        let to = if key == UNKNOWN_KEY {
            step.unknown.as_ref().map(|t| {
                t.routes
                    .iter()
                    .find(|(conds, _)| conds.iter().all(|c| self.holds(s, c)))
                    .map(|(_, to)| to.clone())
                    .unwrap_or_else(|| t.next.clone())
            })
        } else if step.offers_works {
            Some(self.rb.works_step().to_owned())
        } else {
            None
        };
        let Some(to) = to else {
            return self.stale(s, out);
        };
        s.answer_count = s.answer_count.saturating_add(1);
        s.answers.push(Answer {
            at_ms: out.now,
            step: step.id.clone(),
            option: Some(key.to_owned()),
            value: None,
            inferred: false,
        });
        say(
            out,
            Reply::one(if key == UNKNOWN_KEY {
                "answer-unknown"
            } else {
                "answer-works"
            }),
        );
        self.enter(s, &to, out);
    }

    /// Pasted output: read it, say what it shows, and let the facts move the
    /// conversation (a new login port is re-probed; the paste routes of
    /// `routes.toml` pick the step the facts point to).
    fn paste(&self, s: &mut Session, text: &str, out: &mut Out) {
        if text.len() > paste::MAX_PASTE {
            say(
                out,
                Reply::info(vec![
                    Msg::new("paste-too-long").arg("max", (paste::MAX_PASTE / 1024) as i64)
                ])
                .severity(Severity::Warning),
            );
            return self.prompt(s, out);
        }
        if text.trim().is_empty() {
            say(
                out,
                Reply::one("err-empty-text").severity(Severity::Warning),
            );
            return self.prompt(s, out);
        }
        let readings = paste::read(text);
        if readings.is_empty() {
            say(
                out,
                Reply::info(vec![Msg::new("paste-unrecognized")
                    .arg("os", s.known_os().map(Os::key).unwrap_or("auto"))])
                .severity(Severity::Warning),
            );
            return self.prompt(s, out);
        }
        let step = match &s.phase {
            Phase::Step(id) => Some(id.clone()),
            _ => None,
        };
        s.pastes.push(PasteRecord {
            at_ms: out.now,
            step: step.clone(),
            text: facts::report_text(text),
            readings: readings.clone(),
        });
        if s.pastes.len() > MAX_PASTES {
            s.pastes.remove(0);
        }
        s.answer_count = s.answer_count.saturating_add(1);
        let mut parts = vec![Msg::new("paste-read")];
        // Said back: what bears on this server. A firewall's verdict on the
        // other system's login port (3389 for a Linux server, 22 for a
        // Windows one) is noise to the user; the report keeps it.
        let other = match s.known_os() {
            Some(Os::Linux) => Some(3389),
            Some(Os::Windows) => Some(22),
            _ => None,
        }
        .filter(|p| *p != s.service_port());
        let all: Vec<paste::Fact> = readings
            .iter()
            .flat_map(|r| r.facts.clone())
            .filter(|f| match f {
                paste::Fact::FirewallAllows { port, .. }
                | paste::Fact::FirewallBlocks { port, .. } => Some(*port) != other,
                _ => true,
            })
            .collect();
        parts.extend(all.iter().take(MAX_FACT_LINES).map(facts::fact_msg));
        if all.len() > MAX_FACT_LINES {
            parts.push(Msg::new("paste-more").arg("count", (all.len() - MAX_FACT_LINES) as i64));
        }
        say(out, Reply::info(parts));
        // `ssh -v` of a refused login: the keys offered, the user typed.
        if let Some(d) = paste::ssh_details(text) {
            let notes = ssh_notes(s, &d);
            if !notes.is_empty() {
                say(out, Reply::info(notes));
            }
        }
        // What the facts settle: the user's own tests, values notes quote.
        for (k, v) in facts::vars(&s.facts(), s.service_port(), s.known_os()) {
            s.vars.insert(k.to_owned(), v);
        }
        match s.phase {
            Phase::Step(_) => {}
            Phase::Probing(_) | Phase::Looking(_) => return say(out, Reply::one("still-probing")),
            _ => {
                say(out, Reply::one("paste-later"));
                return self.prompt(s, out);
            }
        }
        let port = s.service_port();
        if let Some(p) = facts::new_login_port(&s.facts(), port, s.known_os()) {
            say(
                out,
                Reply::info(vec![Msg::new("paste-new-port")
                    .arg("port", p)
                    .arg("old", port)]),
            );
            s.custom_port = Some(p);
            return self.start_probe(
                s,
                Purpose::Recheck {
                    step: step.unwrap_or_default(),
                    option: Some(PASTE_KEY.into()),
                },
                ProbeKind::Service,
                out,
            );
        }
        // Nothing on the login port, and listeners shown only by a PID
        // (`netstat -ano`): a moved service may be one of them. Check those
        // ports from outside, within the port policy, before concluding
        // "nothing listens".
        if let Some(service) = s.service() {
            let facts = s.facts();
            let os = s.known_os();
            let mut pick: Vec<u16> = Vec::new();
            let candidates = facts::unnamed_listeners(&facts, port, os, MAX_ALTERNATES);
            for p in &candidates {
                let mut seen = s.ports_probed.clone();
                seen.extend(&pick);
                if !s.ports_probed.contains(p) && self.port_check(&seen, *p).is_ok() {
                    pick.push(*p);
                }
            }
            let key = service_key(service);
            if !pick.is_empty() {
                let ports = join_ports(&pick);
                say(
                    out,
                    Reply::info(vec![Msg::new("paste-check-listeners")
                        .arg("port", port)
                        .arg("ports", ports)
                        .arg("count", pick.len() as i64)
                        .arg("service", key)]),
                );
                return self.start_alternates(s, step.unwrap_or_default(), &pick, out);
            }
            // None can be checked from here: ask which program holds it.
            if let (Some(p), Some(Os::Windows)) = (candidates.first(), os) {
                if let Some(pid) = facts::pid_on(&facts, *p) {
                    say(
                        out,
                        Reply::info(vec![Msg::new("paste-ask-tasklist")
                            .arg("port", *p)
                            .arg("pid", pid)]),
                    );
                }
            }
        }
        self.paste_route(s, out)
    }

    /// Check `ports` from outside for the login service (its handshake), as a
    /// re-check of `step`: the first that answers becomes the login port.
    fn start_alternates(&self, s: &mut Session, step: String, ports: &[u16], out: &mut Out) {
        let Some(target) = s.target else {
            s.phase = Phase::AskIp;
            return self.prompt(s, out);
        };
        let service = s.service();
        let request = ProbeRequest {
            target,
            icmp: false,
            alternates: false,
            ports: ports
                .iter()
                .map(|p| PortSpec { port: *p, service })
                .collect(),
        };
        s.phase = Phase::Probing(Pending {
            purpose: Purpose::Recheck {
                step,
                option: Some(ALT_KEY.into()),
            },
            kind: ProbeKind::Service,
            request: request.clone(),
        });
        out.push(Effect::Probe(request));
    }

    /// The first paste route whose conditions hold and that leads somewhere
    /// new; else the current question again.
    fn paste_route(&self, s: &mut Session, out: &mut Out) {
        let cur = match &s.phase {
            Phase::Step(id) => id.clone(),
            _ => String::new(),
        };
        // A paste never answers the question against a fact it holds.
        let held = evidence::gather(&self.rb, s);
        let row = self.rb.paste_routes().iter().find(|r| {
            r.to != cur
                && r.when.iter().all(|c| self.holds(s, c))
                && (r.answer.is_none() || evidence::paste_answer_stands(&r.when, &held, out.now))
        });
        if let Some(r) = row {
            record_decision(s, "paste", r, out.now, &cur);
        }
        match row {
            Some(r) => {
                if let Some(note) = &r.note {
                    say(out, Reply::info(vec![self.msg(s, note)]));
                }
                match &r.answer {
                    // The paste answers the question: as if the user picked it.
                    Some(key) => {
                        // When it also names the cause behind that answer
                        // (a failed sshd and the config line that stopped
                        // it), that cause's advice comes with it: the row
                        // with a note leading where the answer leads.
                        let leads = self.target_of(s, &cur, key);
                        let cause = self.rb.paste_routes().iter().find(|c| {
                            c.answer.is_none()
                                && c.note.is_some()
                                && Some(&c.to) == leads.as_ref()
                                && c.when.iter().all(|w| self.holds(s, w))
                        });
                        if let Some(c) = cause {
                            record_decision(s, "paste", c, out.now, &cur);
                            if let Some(note) = &c.note {
                                say(out, Reply::info(vec![self.msg(s, note)]));
                            }
                        }
                        say(out, Reply::one("paste-answers"));
                        // The paste already counted as the answer.
                        s.answer_count = s.answer_count.saturating_sub(1);
                        let key = key.clone();
                        let from = s.answers.len();
                        self.choose(s, &key, out);
                        // Read from the pasted output, not said by the user.
                        if let Some(a) = s.answers.get_mut(from) {
                            a.inferred = true;
                        }
                    }
                    None => {
                        let to = r.to.clone();
                        self.enter(s, &to, out)
                    }
                }
            }
            None => {
                // A row that leads here (a block at the firewall step): say
                // what the paste shows instead of "that fits".
                let here = self.rb.paste_routes().iter().find(|r| {
                    r.to == cur && r.note.is_some() && r.when.iter().all(|c| self.holds(s, c))
                });
                if let Some(r) = here {
                    record_decision(s, "paste", r, out.now, &cur);
                }
                match here.and_then(|r| r.note.as_ref()) {
                    Some(note) => say(out, Reply::info(vec![self.msg(s, note)])),
                    None => say(out, Reply::one("paste-no-change")),
                }
                self.prompt(s, out)
            }
        }
    }

    /// The step option `key` of step `step` leads to now.
    fn target_of(&self, s: &Session, step: &str, key: &str) -> Option<String> {
        let t = &self
            .rb
            .step(step)?
            .options
            .iter()
            .find(|o| o.key == key)?
            .go;
        Some(self.leads_to(s, t))
    }

    /// A button from an earlier step, or for a phase that takes none.
    fn stale(&self, s: &mut Session, out: &mut Out) {
        say(
            out,
            Reply::info(vec![Msg::new("err-not-an-option").arg("count", 0i64)])
                .severity(Severity::Warning),
        );
        self.prompt(s, out);
    }

    /// The stored step no longer exists (runbooks changed between releases).
    fn lost(&self, s: &mut Session, out: &mut Out) {
        s.trail.clear();
        self.enter(s, self.rb.entry(), out);
    }

    fn input_answer(&self, s: &mut Session, step: &Step, t: &str, out: &mut Out) {
        let value = match step.input {
            Some(InputKind::Ip) => command::parse_ip(t)
                .ok()
                .or(command::extract(t).ip)
                .map(|ip| ip.to_string())
                .ok_or(command::CommandError::BadIp),
            Some(InputKind::Port) => command::parse_port(t)
                .ok()
                .or(command::extract(t).port)
                .map(|p| p.to_string())
                .ok_or(command::CommandError::BadPort),
            // Typed text is echoed in later messages: no bidi or zero-width tricks.
            _ => Ok(crate::limits::strip_invisible_keep_lines(t)),
        };
        let err = match (&value, step.input) {
            (Err(e), _) => Some(Msg::new(e.id()).arg("value", clip(t))),
            (Ok(v), Some(InputKind::Text)) if v.is_empty() => Some(Msg::new("err-empty-text")),
            (Ok(v), _) if v.chars().count() > MAX_TEXT => {
                Some(Msg::new("err-text-too-long").arg("max", MAX_TEXT as i64))
            }
            _ => None,
        };
        if let Some(m) = err {
            say(out, Reply::info(vec![m]).severity(Severity::Warning));
            return self.prompt(s, out);
        }
        let value = value.unwrap_or_default();
        if step.sets_target {
            if let Ok(ip) = command::parse_ip(&value) {
                return self.change_target(s, step, ip, out);
            }
        }
        if step.sets_port {
            if let Ok(port) = value.parse::<u16>() {
                if let Err(r) = self.port_check(&s.ports_probed, port) {
                    say(out, Reply::info(r.msgs()).severity(Severity::Warning));
                    return self.prompt(s, out);
                }
            }
        }
        if let Some(var) = &step.var {
            s.vars.insert(var.clone(), value.clone());
            if var == "user_ip" {
                self.cloud_user_source(s, out);
            }
        }
        s.answer_count = s.answer_count.saturating_add(1);
        if step.sets_port {
            s.custom_port = value.parse().ok();
        }
        s.answers.push(Answer {
            at_ms: out.now,
            step: step.id.clone(),
            option: None,
            value: Some(value),
            inferred: false,
        });
        match (step.probe, &step.go) {
            (Some(kind), _) => self.start_probe(
                s,
                Purpose::Recheck {
                    step: step.id.clone(),
                    option: None,
                },
                kind,
                out,
            ),
            (None, Some(go)) => self.go(s, go, out),
            (None, None) => self.lost(s, out),
        }
    }

    /// The user gave a different address for the server: check it afresh
    /// (policy first), keeping what the conversation learned about the user.
    fn change_target(&self, s: &mut Session, step: &Step, ip: IpAddr, out: &mut Out) {
        match self.cfg.policy.check(ip) {
            Ok(ip) => {
                s.answer_count = s.answer_count.saturating_add(1);
                s.answers.push(Answer {
                    at_ms: out.now,
                    step: step.id.clone(),
                    option: None,
                    value: Some(ip.to_string()),
                    inferred: false,
                });
                s.target = Some(ip);
                s.probes.clear();
                s.cloud = None;
                say(
                    out,
                    Reply::info(vec![Msg::new("target-changed").arg("ip", ip.to_string())]),
                );
                self.start_probe(s, Purpose::Initial, ProbeKind::Full, out);
            }
            Err(refusal) => {
                say(out, refusal_reply(refusal.code(), ip));
                self.prompt(s, out);
            }
        }
    }

    /// The user named the server by its host name: look it up first.
    fn resolve(&self, s: &mut Session, name: String, out: &mut Out) {
        say(
            out,
            Reply::info(vec![Msg::new("resolving-name").arg("name", name.clone())]),
        );
        s.phase = Phase::Resolving(name.clone());
        out.push(Effect::Resolve(name));
    }

    fn resolved(
        &self,
        s: &mut Session,
        name: String,
        result: Result<IpAddr, String>,
        out: &mut Out,
    ) {
        if s.phase != Phase::Resolving(name.clone()) {
            return; // a late answer for a conversation that moved on
        }
        s.phase = Phase::AskIp;
        match result {
            Ok(ip) => {
                s.target_name = Some(name.clone());
                say(
                    out,
                    Reply::info(vec![Msg::new("resolved-name")
                        .arg("name", name)
                        .arg("ip", ip.to_string())]),
                );
                self.set_ip(s, ip, out)
            }
            Err(code) => {
                let m = Msg::new("err-name").arg("name", name).arg("why", code);
                say(out, Reply::info(vec![m]).severity(Severity::Warning));
                self.prompt(s, out)
            }
        }
    }

    /// A diagnosis under way is replaced by a new one: log it as abandoned.
    fn abandon(&self, s: &Session, out: &mut Out) {
        if s.in_progress() && s.probed() {
            out.push(Effect::Record(Box::new(OutcomeRecord::of(
                s,
                Outcome::Abandoned,
                out.now,
            ))));
        }
    }

    fn command(&self, s: &mut Session, c: Command, out: &mut Out) {
        match c {
            Command::Diagnose { ip, os, port } => {
                if let Some(p) = port {
                    // A new conversation: only the default ports were probed.
                    if let Err(r) = self.port_check(&[22, 3389], p) {
                        say(out, Reply::info(r.msgs()).severity(Severity::Warning));
                        return self.prompt(s, out);
                    }
                }
                self.abandon(s, out);
                let lang = s.lang;
                // What the user said before naming the server is theirs
                // for this diagnosis too.
                let opening = if s.probed() { None } else { s.opening.take() };
                *s = Session::new(out.now);
                s.lang = lang;
                s.opening = opening;
                s.custom_port = port;
                s.os = os;
                s.phase = Phase::AskIp;
                match ip {
                    Some(ip) => self.set_ip(s, ip, out),
                    None => self.prompt(s, out),
                }
            }
            Command::Back => self.back(s, out),
            Command::Restart => {
                self.abandon(s, out);
                let lang = s.lang;
                *s = Session::new(out.now);
                s.lang = lang;
                s.phase = Phase::AskIp;
                say(out, Reply::one("restarted"));
                self.prompt(s, out);
            }
            Command::Lang(l) => {
                s.lang = Some(l);
                say(
                    out,
                    Reply::info(vec![Msg::new("lang-set").arg("lang", l.tag())]),
                );
                self.prompt(s, out);
            }
            Command::Status => {
                say(out, self.status(s));
                // The question again, with its buttons (or how it ended):
                // the way back to it when its message is gone or was never
                // posted (a crash).
                if matches!(
                    s.phase,
                    Phase::Step(_) | Phase::AskOs | Phase::Ended(_) | Phase::Correcting { .. }
                ) {
                    self.prompt(s, out);
                }
            }
            // Nothing to hand over yet: a ticket about no server would claim
            // details it doesn't have, and support would ask for the
            // address first. Ask for it here.
            Command::Ticket if s.target.is_none() => {
                say(out, Reply::one("ticket-needs-target"));
                // It asks for the address itself; other questions come again.
                if !matches!(s.phase, Phase::New | Phase::AskIp) {
                    self.prompt(s, out);
                }
            }
            Command::Ticket => {
                out.push(Effect::Escalate(Box::new(self.report(s, out.now))));
                if !matches!(s.phase, Phase::Ended(_)) {
                    say(out, Reply::one("ticket-continue"));
                    self.prompt(s, out);
                }
            }
            Command::Help => say(out, Reply::one("help")),
            Command::Quit => say(out, Reply::one("bye")),
        }
    }

    fn back(&self, s: &mut Session, out: &mut Out) {
        match s.phase.clone() {
            Phase::Step(_) | Phase::Ended(_) if s.trail.len() >= 2 => {
                s.trail.pop();
                let prev = s.trail.last().cloned().unwrap_or_default();
                if s.answers.last().is_some_and(|a| a.step == prev) {
                    s.answers.pop();
                }
                s.phase = Phase::Step(prev);
                say(out, Reply::one("back-done"));
                self.prompt(s, out);
            }
            // Back from the first question: the OS question, where another
            // choice routes afresh (and re-checks the login port).
            Phase::Step(_) if s.target.is_some() && !s.probes.is_empty() => {
                s.phase = Phase::AskOs;
                say(out, Reply::one("back-done"));
                self.prompt(s, out);
            }
            Phase::AskOs => {
                s.target = None;
                s.phase = Phase::AskIp;
                say(out, Reply::one("back-done"));
                self.prompt(s, out);
            }
            Phase::Correcting { change, from } => {
                say(out, self.kept_reply(s, &change));
                s.phase = *from;
                self.prompt(s, out);
            }
            Phase::Probing(_) | Phase::Looking(_) => say(out, Reply::one("still-probing")),
            _ => {
                say(out, Reply::one("back-nothing"));
                self.prompt(s, out);
            }
        }
    }

    fn resume(&self, s: &mut Session, out: &mut Out) {
        match &s.phase {
            Phase::Probing(p) => {
                say(out, Reply::one("probing-resume"));
                out.push(Effect::Probe(p.request.clone()));
            }
            Phase::Resolving(name) => {
                let name = name.clone();
                self.resolve(s, name, out);
            }
            Phase::Looking(req) => {
                say(out, Reply::one("probing-resume"));
                out.push(Effect::CloudLookup(req.clone()));
            }
            _ => self.prompt(s, out),
        }
    }

    // ----- corrections ---------------------------------------------------

    /// A new server address, OS or login port that `t` names at the
    /// current question ([`crate::correct`]), when it differs from what is
    /// in force and the question does not ask for exactly that (an address
    /// or port input step, a question about where something listens).
    /// `None` for recognised pasted output, commands and several lines.
    pub fn correction(&self, s: &Session, t: &str) -> Option<Correction> {
        if t.lines().filter(|l| !l.trim().is_empty()).count() > 1 || command::parse(t).is_some() {
            return None;
        }
        // The question the user answers: while a correction waits, the one
        // it interrupted.
        let phase = match &s.phase {
            Phase::Correcting { from, .. } => from.as_ref(),
            p => p,
        };
        let (input, ports_answer, at_os) = match phase {
            Phase::Step(id) => {
                let st = self.rb.step(id)?;
                let input = (st.kind == StepKind::Input).then_some(st.input).flatten();
                (input, st.ports_answer, false)
            }
            // The OS question: an OS or a port named there is its answer.
            Phase::AskOs => (None, true, true),
            _ => return None,
        };
        if !paste::read(t).is_empty() {
            return None;
        }
        let n = correct::named(t);
        // Typed text (an error message, a value) corrects only when it says so.
        if input == Some(InputKind::Text) && !n.cue {
            return None;
        }
        let ip = n
            .ip
            .filter(|ip| s.target != Some(*ip) && input != Some(InputKind::Ip) && !ports_answer);
        let os =
            n.os.filter(|os| !at_os && s.known_os() != Some(*os) && s.target.is_some());
        let port = n.port.filter(|p| {
            input != Some(InputKind::Port)
                && !ports_answer
                && if ip.is_some() || os.is_some() {
                    *p != default_port(os.or(s.known_os()))
                } else {
                    *p != s.service_port()
                }
        });
        // Another Linux family, where Linux is (or may be) the system.
        // Said as a correction ("actually", "not centos"): a distribution
        // named beside an answer ("ubuntu 22.04, sshd is running") leaves
        // the answer to the matcher.
        let distro = n.distro.filter(|d| {
            (n.cue || os.is_some() || ip.is_some())
                // "ubuntu… no wait, windows": not a family.
                && command::extract(t).os != Some(Os::Windows)
                && s.distro != Some(*d)
                && s.target.is_some()
                && !at_os
                && matches!(os.or(s.known_os()), None | Some(Os::Linux))
        });
        let c = Correction {
            ip,
            os,
            port,
            distro,
        };
        (!c.is_empty()).then_some(c)
    }

    /// Asks whether to apply `change`; nothing changes until the user says so.
    fn ask_correction(&self, s: &mut Session, change: Correction, out: &mut Out) {
        // An address or port the policy refuses is refused at once, with
        // the reason (the switch would be refused the same way).
        if let Some(ip) = change.ip {
            if let Err(refusal) = self.cfg.policy.check(ip) {
                say(out, refusal_reply(refusal.code(), ip));
                return self.prompt(s, out);
            }
        }
        if let Some(p) = change.port {
            if let Err(r) = self.port_check(&s.ports_probed, p) {
                say(out, Reply::info(r.msgs()).severity(Severity::Warning));
                return self.prompt(s, out);
            }
        }
        let from = match s.phase.clone() {
            // A second correction replaces the one waiting.
            Phase::Correcting { from, .. } => from,
            p => Box::new(p),
        };
        s.phase = Phase::Correcting { change, from };
        self.prompt(s, out);
    }

    /// The confirmation question: what changes, "switch" or "keep".
    fn correction_reply(&self, s: &Session, c: &Correction) -> Reply {
        let what = c.what();
        let new_os = c.os.or(s.known_os());
        let new_port = c.port.unwrap_or(if c.os.is_some() {
            default_port(c.os)
        } else {
            s.service_port()
        });
        let args = |m: Msg| {
            m.arg("what", what)
                .arg("ip", c.ip.map(|ip| ip.to_string()).unwrap_or_default())
                .arg("os", new_os.map(Os::key).unwrap_or("auto"))
                .arg("port", new_port)
                .arg("old_ip", s.target_display())
                .arg("old_os", s.known_os().map(Os::key).unwrap_or("auto"))
                .arg("old_port", s.service_port())
        };
        Reply {
            severity: Severity::Info,
            parts: vec![args(Msg::new("correct-ask"))],
            options: vec![
                Choice {
                    key: SWITCH_KEY.into(),
                    label: args(Msg::new("correct-switch")),
                    means: Some(crate::runbook::Means::Yes),
                },
                Choice {
                    key: KEEP_KEY.into(),
                    label: args(Msg::new("correct-keep")),
                    means: Some(crate::runbook::Means::No),
                },
            ],
            expect: Expect::Choice,
            step: None,
            question: s.question(),
            paste: false,
        }
    }

    /// "Keeping …": the correction was declined.
    fn kept_reply(&self, s: &Session, c: &Correction) -> Reply {
        Reply::info(vec![Msg::new("correct-kept")
            .arg("what", c.what())
            .arg("old_ip", s.target_display())
            .arg("old_os", s.known_os().map(Os::key).unwrap_or("auto"))
            .arg("old_port", s.service_port())])
    }

    /// Applies a confirmed correction: a new address starts a fresh first
    /// probe (the policy first, then the runtime's admission as for any
    /// probe); a new OS or login port re-checks the login port in force and
    /// routes the first question afresh from what is known. The phase is
    /// where the conversation stood before the correction was asked.
    fn apply_correction(&self, s: &mut Session, c: Correction, out: &mut Out) {
        if let Some(d) = c.distro {
            s.distro = Some(d);
        }
        if let Some(p) = c.port {
            if let Err(r) = self.port_check(&s.ports_probed, p) {
                say(out, Reply::info(r.msgs()).severity(Severity::Warning));
                return self.prompt(s, out);
            }
        }
        let record = |s: &mut Session, what: &str, from: String, to: String| {
            s.corrections.push(CorrectionRecord {
                at_ms: out.now,
                what: what.into(),
                from,
                to,
            });
        };
        let old_os = s.known_os().map(Os::key).unwrap_or("auto").to_owned();
        let old_port = s.service_port();
        if let Some(ip) = c.ip {
            let ip = match self.cfg.policy.check(ip) {
                Ok(ip) => ip,
                Err(refusal) => {
                    say(out, refusal_reply(refusal.code(), ip));
                    return self.prompt(s, out);
                }
            };
            record(s, "ip", s.target_display(), ip.to_string());
            if let Some(os) = c.os {
                record(s, "os", old_os, os.key().into());
                s.os = Some(os);
                s.custom_port = None;
            }
            if let Some(p) = c.port {
                record(s, "port", old_port.to_string(), p.to_string());
                s.custom_port = Some(p);
            }
            // The old server's measurements say nothing about this one;
            // what the user said about their own side is kept.
            s.target = Some(ip);
            s.target_name = None;
            s.probes.clear();
            s.probe_history.clear();
            s.probes_forgotten = 0;
            s.trail.clear();
            say(
                out,
                Reply::info(vec![Msg::new("target-changed").arg("ip", ip.to_string())]),
            );
            if s.os.is_none() {
                s.phase = Phase::AskOs;
                return self.prompt(s, out);
            }
            return self.start_probe(s, Purpose::Initial, ProbeKind::Full, out);
        }
        let id = if let Some(os) = c.os {
            record(s, "os", old_os, os.key().into());
            if let Some(p) = c.port {
                record(s, "port", old_port.to_string(), p.to_string());
            }
            s.os = Some(os);
            // A port the old OS logged in on is not this one's: the one
            // named with it, else the new OS's own.
            s.custom_port = c.port;
            "correct-os-done"
        } else {
            let p = c.port.unwrap_or_else(|| s.service_port());
            record(s, "port", s.service_port().to_string(), p.to_string());
            s.custom_port = Some(p);
            "correct-port-done"
        };
        say(
            out,
            Reply::info(vec![Msg::new(id)
                .arg("os", s.known_os().map(Os::key).unwrap_or("auto"))
                .arg("port", s.service_port())]),
        );
        self.start_probe(s, Purpose::Corrected, ProbeKind::Service, out);
    }

    // ----- target and OS ------------------------------------------------

    fn set_ip(&self, s: &mut Session, ip: IpAddr, out: &mut Out) {
        match self.cfg.policy.check(ip) {
            Ok(ip) => {
                s.target = Some(ip);
                match s.os {
                    Some(os) => self.set_os(s, os, out),
                    None => {
                        s.phase = Phase::AskOs;
                        self.prompt(s, out);
                    }
                }
            }
            Err(refusal) => {
                s.phase = Phase::AskIp;
                say(out, refusal_reply(refusal.code(), ip));
                self.prompt(s, out);
            }
        }
    }

    fn set_os(&self, s: &mut Session, os: Os, out: &mut Out) {
        // "Detect it" once the OS is known from a probe: the OS stays.
        let os = match (os, s.probes.is_empty()) {
            (Os::Auto, false) => s.known_os().unwrap_or(Os::Auto),
            _ => os,
        };
        // Another OS than the one the diagnosis ran with (the OS question
        // reached with /back): switch as a confirmed correction does.
        if !s.probes.is_empty() && os != Os::Auto && s.known_os().is_some_and(|known| known != os) {
            let change = Correction {
                os: Some(os),
                ..Correction::default()
            };
            return self.apply_correction(s, change, out);
        }
        s.os = Some(os);
        if s.probes.is_empty() {
            self.start_probe(s, Purpose::Initial, ProbeKind::Full, out);
        } else {
            // The first probe already ran but could not tell the OS.
            s.trail.clear();
            self.after_first_probe(s, out);
        }
    }

    // ----- probes ---------------------------------------------------------

    fn request(&self, s: &Session, kind: ProbeKind) -> Option<ProbeRequest> {
        let target = s.target?;
        let mut ports: Vec<PortSpec> = Vec::new();
        let mut add = |port: u16, service: Option<Service>| {
            if !ports.iter().any(|p| p.port == port) {
                ports.push(PortSpec { port, service });
            }
        };
        match kind {
            ProbeKind::Service => add(s.service_port(), s.service()),
            ProbeKind::Full => {
                if let Some(p) = s.custom_port {
                    add(p, s.service());
                }
                // The login port of the OS the user named (a Linux user's
                // 3389 tells nothing and spends the port budget); both when
                // the OS is to be detected.
                match s.known_os() {
                    Some(Os::Linux) => add(22, Some(Service::Ssh)),
                    Some(Os::Windows) => add(3389, Some(Service::Rdp)),
                    _ => {
                        add(22, Some(Service::Ssh));
                        add(3389, Some(Service::Rdp));
                    }
                }
            }
        }
        Some(ProbeRequest {
            target,
            icmp: kind == ProbeKind::Full,
            alternates: false,
            ports,
        })
    }

    fn start_probe(&self, s: &mut Session, purpose: Purpose, kind: ProbeKind, out: &mut Out) {
        let Some(request) = self.request(s, kind) else {
            s.phase = Phase::AskIp;
            return self.prompt(s, out);
        };
        let id = match purpose {
            Purpose::Initial => "probing",
            Purpose::Recheck { .. } | Purpose::Corrected | Purpose::Alternates => "recheck-start",
        };
        say(
            out,
            Reply::info(vec![Msg::new(id)
                .arg("ip", request.target.to_string())
                .arg("ports", port_list(&request))
                .arg("count", request.ports.len() as i64)]),
        );
        s.phase = Phase::Probing(Pending {
            purpose,
            kind,
            request: request.clone(),
        });
        out.push(Effect::Probe(request));
    }

    /// The admission point refused the probe: say why, then return to where
    /// the conversation was before it (the step of a re-check; for the first
    /// probe, the address question, so the user can try again).
    fn probe_refused(&self, s: &mut Session, r: ProbeRefusal, out: &mut Out) {
        if let Phase::Resolving(_) = s.phase {
            // A host-name lookup the runtime refused: nothing was looked up.
            say(out, Reply::info(r.msgs()).severity(Severity::Warning));
            s.target = None;
            s.target_name = None;
            s.phase = Phase::AskIp;
            return self.prompt(s, out);
        }
        let Phase::Probing(pending) = s.phase.clone() else {
            return; // nothing was waiting for this probe
        };
        if pending.purpose == Purpose::Alternates {
            // A check the user did not ask for, refused (a spent budget, a
            // policy narrowed since): the first reply as without it.
            let Some(first) = s.probes.last().cloned() else {
                s.phase = Phase::AskIp;
                return self.prompt(s, out);
            };
            say(out, first_summary(s, &first.report, &first.findings));
            return self.after_first_probe(s, out);
        }
        say(out, Reply::info(r.msgs()).severity(Severity::Warning));
        match r {
            ProbeRefusal::Target { .. } => {
                // The policy in force no longer admits this address.
                s.target = None;
                s.phase = Phase::AskIp;
                return self.prompt(s, out);
            }
            // A custom port the policy in force refuses is not kept either.
            ProbeRefusal::PortNotAllowed { port, .. } | ProbeRefusal::TooManyPorts { port, .. }
                if s.custom_port == Some(port) =>
            {
                s.custom_port = None;
            }
            _ => {}
        }
        match pending.purpose {
            Purpose::Initial => {
                // Nothing was probed: the address is not kept (nor logged
                // as an abandoned diagnosis later).
                s.target = None;
                s.target_name = None;
                s.phase = Phase::AskIp;
                self.prompt(s, out)
            }
            Purpose::Recheck { step, .. } => match self.rb.step(&step) {
                Some(_) => {
                    s.phase = Phase::Step(step);
                    self.prompt(s, out)
                }
                None => self.lost(s, out),
            },
            // The correction stays in force; route from what is known.
            Purpose::Corrected | Purpose::Alternates => {
                s.trail.clear();
                self.enter_first(s, out)
            }
        }
    }

    fn probe_done(&self, s: &mut Session, report: ProbeReport, out: &mut Out) {
        let Phase::Probing(pending) = s.phase.clone() else {
            return; // a late result for a conversation that moved on
        };
        if report.target != pending.request.target {
            return;
        }
        // The alternate-port check is not among the user's distinct ports.
        if !pending.request.alternates {
            s.ports_probed
                .extend(pending.request.ports.iter().map(|p| p.port));
        }
        let mut undecided = false;
        if s.os == Some(Os::Auto) {
            match decide_os(&report) {
                Some(os) => {
                    s.os = Some(os);
                    say(
                        out,
                        Reply::info(vec![Msg::new("os-detected").arg("os", os.key())]),
                    );
                }
                None => undecided = true,
            }
        }
        // A service-only re-check keeps what the last full probe knew (ICMP, other ports).
        let merged = match (pending.kind, s.last_probe()) {
            (ProbeKind::Service, Some(prev)) => merge(&prev.report, &report),
            _ => report.clone(),
        };
        // A check of the ports a moved service may use: the one where the
        // login service answers becomes the login port.
        let alternates = matches!(&pending.purpose,
            Purpose::Recheck { option: Some(k), .. } if k == ALT_KEY)
            || pending.purpose == Purpose::Alternates;
        let alt_hit = if alternates {
            answering_port(&report, s.service())
        } else {
            None
        };
        if let Some(p) = alt_hit {
            s.custom_port = Some(p);
        }
        // After a correction the first question is routed afresh: from all
        // that is known, the latest ping included.
        let merged = match (&pending.purpose, &merged.icmp) {
            (Purpose::Corrected, None) => {
                let mut m = merged;
                m.icmp = s.probes.iter().rev().find_map(|p| p.report.icmp.clone());
                m
            }
            _ => merged,
        };
        let port = s.service_port();
        let found = findings::derive(&merged, port, s.service());
        let before = s
            .last_probe()
            .and_then(|p| (p.service_port == port).then(|| p.report.port(port).map(|r| r.state)));
        if pending.purpose == Purpose::Initial {
            s.first_findings = found.clone();
        }
        // The distribution the SSH banner names (`OpenSSH_8.9p1
        // Ubuntu-3ubuntu0.10`): the commands shown fit it, and the image's
        // default user is known.
        if let Some(image) = report
            .ssh
            .as_ref()
            .and_then(|x| x.banner.as_deref())
            .and_then(banner_image)
        {
            s.vars.insert("image".into(), image.into());
            if s.distro.is_none() {
                s.distro = Some(command::Distro::Debian);
            }
        }
        s.probes.push(ProbeRecord {
            at_ms: out.now,
            purpose: pending.purpose.clone(),
            service_port: port,
            report: report.clone(),
            findings: found.clone(),
        });
        match pending.purpose {
            Purpose::Initial => {
                if undecided {
                    say(out, first_summary(s, &report, &found));
                    say(out, Reply::one("os-undecided"));
                    s.phase = Phase::AskOs;
                    return self.prompt(s, out);
                }
                // The login port closed or dropped: the ports a moved
                // service most often uses first; the summary waits for them,
                // so the first reply says what answers.
                if let Some(request) = self.alternates_request(s, &report) {
                    s.phase = Phase::Probing(Pending {
                        purpose: Purpose::Alternates,
                        kind: ProbeKind::Service,
                        request: request.clone(),
                    });
                    return out.push(Effect::Probe(request));
                }
                say(out, first_summary(s, &report, &found));
                self.after_first_probe(s, out);
            }
            Purpose::Alternates => self.alternates_done(s, &report, alt_hit, out),
            Purpose::Recheck { step, option } if alternates => {
                let key = s.service().map(service_key).unwrap_or("rdp");
                match alt_hit {
                    Some(p) if findings::service_healthy(&found) => {
                        say(
                            out,
                            Reply::info(vec![Msg::new("alt-found")
                                .arg("port", p)
                                .arg("service", key)])
                            .severity(Severity::Good),
                        );
                        let confirm = self.rb.confirm_step().to_owned();
                        self.enter(s, &confirm, out)
                    }
                    _ => {
                        if alt_hit.is_some() {
                            s.custom_port = None;
                        }
                        say(
                            out,
                            Reply::info(vec![Msg::new("alt-none")
                                .arg("ports", port_list(&pending.request))
                                .arg("service", key)]),
                        );
                        s.phase = Phase::Step(step);
                        let _ = option;
                        self.paste_route(s, out)
                    }
                }
            }
            Purpose::Corrected => {
                // What is known now, with the login port in force, and the
                // first question routed afresh from it.
                say(out, first_summary(s, &merged, &found));
                s.trail.clear();
                self.enter_first(s, out);
            }
            Purpose::Recheck { step, option } => {
                let after = report.port(port).map(|r| r.state);
                let healthy = findings::service_healthy(&found);
                let mut parts = vec![Msg::new("recheck-result")
                    .arg("port", port)
                    .arg("before", state_key(before.flatten()))
                    .arg("after", state_key(after))];
                let better = healthy
                    && !s.probes[..s.probes.len() - 1].last().is_some_and(|p| {
                        findings::service_healthy(&p.findings) && p.service_port == port
                    });
                // A port a paste revealed, answering where the old one did
                // not: found, not changed by what the user did.
                let found_elsewhere = option.as_deref() == Some(PASTE_KEY)
                    && s.probes[..s.probes.len() - 1]
                        .last()
                        .is_some_and(|p| p.service_port != port);
                // "That made the difference" only when two measurements of
                // this port differ and what the user did came between them
                // (an option or a typed answer, not a paste or the bot's
                // own look at other ports).
                let earlier = s.probes[..s.probes.len() - 1]
                    .iter()
                    .rev()
                    .find(|p| p.service_port == port && p.report.port(port).is_some());
                let differs = earlier.is_some_and(|p| {
                    findings::service_healthy(&p.findings) != healthy
                        || p.report.port(port).map(|r| r.state) != after
                });
                let by_user = !matches!(option.as_deref(), Some(PASTE_KEY | ALT_KEY));
                parts.push(match (healthy, found_elsewhere, differs && by_user) {
                    (true, true, _) => Msg::new("recheck-found").arg("port", port),
                    (true, false, true) => Msg::new("recheck-better"),
                    (true, false, false) => Msg::new("recheck-healthy").arg("port", port),
                    (false, _, true) => Msg::new("recheck-changed"),
                    (false, _, false) => Msg::new("recheck-same"),
                });
                parts.extend(
                    found
                        .iter()
                        .filter(|f| f.is_problem())
                        .map(|f| finding_msg(*f, s)),
                );
                say(
                    out,
                    Reply::info(parts).severity(if healthy {
                        Severity::Good
                    } else {
                        Severity::Problem
                    }),
                );
                let Some(st) = self.rb.step(&step) else {
                    return self.lost(s, out);
                };
                let opt = option
                    .as_ref()
                    .and_then(|k| st.options.iter().find(|o| &o.key == k));
                match opt {
                    Some(o) => match (&o.fixed, healthy) {
                        (Some(fixed), true) => {
                            let fixed = fixed.clone();
                            self.enter(s, &fixed, out)
                        }
                        _ => self.go(s, &o.go, out),
                    },
                    None if option.as_deref() == Some(PASTE_KEY) => {
                        if healthy && better {
                            let confirm = self.rb.confirm_step().to_owned();
                            self.enter(s, &confirm, out)
                        } else {
                            // Back at the step the paste came at, so the
                            // paste routes see it (`at:`) and "no row" asks
                            // its question again instead of "still checking".
                            s.phase = Phase::Step(step);
                            self.paste_route(s, out)
                        }
                    }
                    None => match &st.go {
                        Some(go) => self.go(s, go, out),
                        None => self.lost(s, out),
                    },
                }
            }
        }
    }

    /// The alternate-port check after a first probe, when it applies: the
    /// login service known, its port closed or filtered from outside, and
    /// [`Service::moved_ports`] within the port policy's ranges (not its
    /// per-conversation cap: [`ProbeRequest::alternates`]).
    fn alternates_request(&self, s: &Session, first: &ProbeReport) -> Option<ProbeRequest> {
        let service = s.service()?;
        let target = s.target?;
        let login = s.service_port();
        let state = first.port(login)?.state;
        if !matches!(state, PortState::Closed | PortState::Filtered) {
            return None;
        }
        let ports: Vec<PortSpec> = service
            .moved_ports()
            .iter()
            .filter(|p| {
                **p != login
                    && first.port(**p).is_none()
                    && self.cfg.policy.ports().check_alternate(**p).is_ok()
            })
            .map(|p| PortSpec {
                port: *p,
                service: Some(service),
            })
            .collect();
        // Ping answered the first look: ping again, so the run knows the
        // round trip at once and judges silent ports by it (a dropped port
        // ends in a few round trips, not the whole connect timeout).
        let icmp = first
            .icmp
            .as_ref()
            .is_some_and(|i| i.state == crate::probe::IcmpState::Reply);
        (!ports.is_empty()).then_some(ProbeRequest {
            target,
            icmp,
            ports,
            alternates: true,
        })
    }

    /// The first reply after the alternate-port check: what the first probe
    /// saw, then where the login service answers (how to connect there and
    /// how to move it back, then "does it work?") or, nothing answering
    /// there either, one line saying so and the first question as usual.
    fn alternates_done(&self, s: &mut Session, alt: &ProbeReport, hit: Option<u16>, out: &mut Out) {
        let n = s.probes.len();
        let Some(first) = n.checked_sub(2).and_then(|i| s.probes.get(i)).cloned() else {
            return self.after_first_probe(s, out);
        };
        let key = s.service().map(service_key).unwrap_or("ssh");
        let healthy = s.probes[n - 1].findings.clone();
        match hit {
            Some(p) if findings::service_healthy(&healthy) => {
                // The first probe's lines and the port that answered; the
                // verdict is the "moved" message, not a finding about the
                // old port.
                let mut shown = first.report.clone();
                shown.ports.extend(alt.port(p).cloned());
                shown.ssh = alt.ssh.clone().or(shown.ssh);
                shown.rdp = alt.rdp.clone().or(shown.rdp);
                shown.elapsed_ms = shown.elapsed_ms.saturating_add(alt.elapsed_ms);
                say(out, summary_reply(s, &shown, &[]));
                say(
                    out,
                    Reply::info(vec![Msg::new("alt-moved")
                        .arg("port", p)
                        .arg("default_port", first.service_port)
                        .arg("service", key)
                        .arg("ip", s.target_display())
                        .arg("user", image_user(s).unwrap_or("unknown"))
                        .arg(
                            "distro",
                            s.distro.map(command::Distro::key).unwrap_or("unknown"),
                        )])
                    .severity(Severity::Good),
                );
                s.trail.clear();
                let confirm = self.rb.confirm_step().to_owned();
                self.enter(s, &confirm, out);
                if let Some(Effect::Say(r)) = out
                    .fx
                    .iter_mut()
                    .rev()
                    .find(|e| matches!(e, Effect::Say(r) if r.step.is_some()))
                {
                    r.parts.push(Msg::new("nav-hint"));
                }
            }
            _ => {
                if hit.is_some() {
                    // Open there, but not a healthy login service: the
                    // login port stays what it was.
                    s.custom_port = (first.service_port != default_port(s.known_os()))
                        .then_some(first.service_port);
                }
                // The first question is routed on the login port's first
                // look, as without the check.
                if let Some(last) = s.probes.last_mut() {
                    last.findings = first.findings.clone();
                }
                let mut reply = first_summary(s, &first.report, &first.findings);
                reply.parts.push(
                    Msg::new("alt-none")
                        .arg(
                            "ports",
                            join_ports(&alt.ports.iter().map(|p| p.port).collect::<Vec<_>>()),
                        )
                        .arg("service", key),
                );
                say(out, reply);
                self.after_first_probe(s, out);
            }
        }
    }

    /// After the first probe (and the OS): the provider's API first when it
    /// is configured and has not answered for this address yet, then the
    /// first question.
    fn after_first_probe(&self, s: &mut Session, out: &mut Out) {
        let (Some(_), Some(ip)) = (self.cloud, s.target) else {
            return self.enter_first(s, out);
        };
        if s.cloud.is_some() {
            return self.enter_first(s, out);
        }
        let mut sources: Vec<(SourceRole, IpAddr)> = self
            .cfg
            .egress
            .iter()
            .map(|ip| (SourceRole::Bot, *ip))
            .collect();
        if let Some(user) = s.vars.get("user_ip").and_then(|v| v.parse::<IpAddr>().ok()) {
            sources.push((SourceRole::User, user));
        }
        let req = CloudRequest {
            ip,
            port: s.service_port(),
            sources,
        };
        s.phase = Phase::Looking(req.clone());
        out.push(Effect::CloudLookup(req));
    }

    fn cloud_done(&self, s: &mut Session, ip: IpAddr, answer: CloudAnswer, out: &mut Out) {
        if !matches!(&s.phase, Phase::Looking(r) if r.ip == ip) {
            return; // a late answer for a conversation that moved on
        }
        let answer = match answer {
            CloudAnswer::Found(mut f) => {
                f.cap();
                CloudAnswer::Found(f)
            }
            CloudAnswer::Failed(mut code) => {
                crate::limits::truncate_chars(&mut code, 40);
                CloudAnswer::Failed(code)
            }
            other => other,
        };
        s.cloud = Some(answer);
        say(out, Reply::info(self.cloud_lines(s)));
        s.trail.clear();
        self.enter_first(s, out);
    }

    /// What the provider's API said, a line per subject (summary, `/status`).
    fn cloud_lines(&self, s: &Session) -> Vec<Msg> {
        let ctx = self.context(s);
        let m = |id: &str| Msg::new(id).with_args(&ctx);
        match &s.cloud {
            None => Vec::new(),
            Some(CloudAnswer::NotOurs) => vec![m("cloud-not-ours")],
            Some(CloudAnswer::Failed(code)) => {
                vec![Msg::new("cloud-failed").arg("code", code.clone())]
            }
            Some(CloudAnswer::Found(f)) => {
                let mut v = vec![m("cloud-found")];
                if f.bot_verdict().is_some() || f.user_verdict().is_some() {
                    v.push(m("cloud-sg"));
                }
                if let (Some(_), Some(u)) = (f.bot_verdict(), f.user_verdict()) {
                    v.push(user_source_msg(u, &ctx));
                }
                v.push(m("cloud-load"));
                v.push(m("cloud-ddos"));
                v
            }
        }
    }

    /// The user's own address named in `t` ([`crate::cloud::own_address`])
    /// at a question, when the provider's rules are kept to evaluate it and
    /// it is not already the address in use.
    pub fn own_address(&self, s: &Session, t: &str) -> Option<IpAddr> {
        let Some(CloudAnswer::Found(f)) = &s.cloud else {
            return None;
        };
        let Phase::Step(id) = &s.phase else {
            return None;
        };
        // A step that asks for the user's address takes it as its answer.
        let asks = self.rb.step(id).and_then(|st| st.var.as_deref()) == Some("user_ip");
        if f.rules.is_empty() || asks {
            return None;
        }
        let ip = crate::cloud::own_address(t)?;
        let known = s.vars.get("user_ip").and_then(|v| v.parse::<IpAddr>().ok());
        (known != Some(ip) && s.target != Some(ip)).then_some(ip)
    }

    /// The security groups evaluated again for the user's address now in
    /// `user_ip` (from the kept rules, no new lookup), and one line on
    /// what decides for it.
    fn cloud_user_source(&self, s: &mut Session, out: &mut Out) {
        let Some(user) = s.vars.get("user_ip").and_then(|v| v.parse::<IpAddr>().ok()) else {
            return;
        };
        let port = s.service_port();
        let Some(CloudAnswer::Found(f)) = &mut s.cloud else {
            return;
        };
        let Some(v) = f.evaluate_user(user, port).cloned() else {
            return;
        };
        let ctx = self.context(s);
        say(out, Reply::info(vec![user_source_msg(&v, &ctx)]));
    }

    // ----- runbook walking ----------------------------------------------

    fn holds(&self, s: &Session, c: &Cond) -> bool {
        s.holds(c)
    }

    /// Where a transition leads now: its first route whose conditions hold,
    /// else its `next`.
    fn leads_to(&self, s: &Session, t: &Transition) -> String {
        t.routes
            .iter()
            .find(|(conds, _)| conds.iter().all(|c| self.holds(s, c)))
            .map(|(_, to)| to.clone())
            .unwrap_or_else(|| t.next.clone())
    }

    fn go(&self, s: &mut Session, t: &Transition, out: &mut Out) {
        let to = self.leads_to(s, t);
        if to == BACK_TARGET {
            return self.return_back(s, out);
        }
        self.enter(s, &to, out);
    }

    /// Back to the step before the current one (the "not yet" of a confirmation).
    fn return_back(&self, s: &mut Session, out: &mut Out) {
        if s.trail.len() >= 2 {
            s.trail.pop();
        }
        match s.trail.last().cloned() {
            Some(prev) => {
                s.phase = Phase::Step(prev);
                say(out, Reply::one("back-from-confirm"));
                self.prompt(s, out);
            }
            None => self.lost(s, out),
        }
    }

    /// The first question after the first probe: the finding-route table
    /// decides it (the runbook entry when no row matches), with a one-line
    /// "why", and the first question says how to move around.
    fn enter_first(&self, s: &mut Session, out: &mut Out) {
        let row = self
            .rb
            .cloud_routes()
            .iter()
            .chain(self.rb.first_routes())
            .find(|r| r.when.iter().all(|c| self.holds(s, c)));
        if let Some(r) = row {
            let table = if self.rb.cloud_routes().iter().any(|c| std::ptr::eq(c, r)) {
                "cloud"
            } else {
                "first"
            };
            record_decision(s, table, r, out.now, "");
        }
        // What the first reply's summary said: a note repeating it (or
        // contradicting it) is left out.
        let said: Vec<String> = findings::first_reply(s.findings())
            .iter()
            .map(|f| format!("finding-{}", f.code()))
            .collect();
        let to = match row {
            Some(r) => {
                if let Some(note) = &r.note {
                    let repeats = findings::FIRST_REPLY_PAIRS
                        .iter()
                        .any(|(a, b)| b == note && said.iter().any(|x| x == a));
                    if !repeats {
                        say(out, Reply::info(vec![self.msg(s, note)]));
                    }
                }
                r.to.clone()
            }
            None => self.rb.entry().to_owned(),
        };
        let from = out.fx.len();
        self.enter(s, &to, out);
        if let Some(Effect::Say(r)) = out.fx[from..]
            .iter_mut()
            .rev()
            .find(|e| matches!(e, Effect::Say(r) if r.step.is_some()))
        {
            r.parts.push(Msg::new("nav-hint"));
        }
    }

    fn enter(&self, s: &mut Session, id: &str, out: &mut Out) {
        let mut id = id.to_owned();
        // Skip rules can chain; the validated graph has no endless chains in
        // practice, and the bound keeps a bad runbook from hanging a turn.
        for _ in 0..64 {
            let Some(step) = self.rb.step(&id) else {
                break;
            };
            let skip = step
                .skip
                .iter()
                .find(|k| k.when.iter().all(|c| self.holds(s, c)));
            if let Some(k) = skip {
                say(out, Reply::info(vec![self.msg(s, &k.note)]));
                id = k.to.clone();
                continue;
            }
            if s.trail.last() != Some(&id) {
                s.trail.push(id.clone());
            }
            s.visit(&id);
            match step.kind {
                StepKind::Success => {
                    s.phase = Phase::Ended(Outcome::Fixed);
                    say(out, self.step_reply(s, step).severity(Severity::Good));
                    // The likely cause and how to keep it from coming back.
                    say(out, Reply::info(vec![fixed_followup(s)]));
                    out.push(Effect::Ended(Outcome::Fixed));
                    out.push(Effect::Record(Box::new(OutcomeRecord::of(
                        s,
                        Outcome::Fixed,
                        out.now,
                    ))));
                }
                StepKind::Escalate => {
                    s.phase = Phase::Ended(Outcome::Escalated);
                    say(out, self.step_reply(s, step).severity(Severity::Problem));
                    out.push(Effect::Escalate(Box::new(self.report(s, out.now))));
                    out.push(Effect::Ended(Outcome::Escalated));
                    out.push(Effect::Record(Box::new(OutcomeRecord::of(
                        s,
                        Outcome::Escalated,
                        out.now,
                    ))));
                }
                StepKind::Question | StepKind::Input => {
                    s.phase = Phase::Step(id.clone());
                    say(out, self.step_reply(s, step));
                }
            }
            return;
        }
        self.lost(s, out);
    }

    /// The report of this conversation, with the bot's own source addresses.
    fn report(&self, s: &Session, now: u64) -> Report {
        let mut r = Report::build(&self.rb, s, now);
        r.egress = self.cfg.egress.clone();
        r
    }

    // ----- replies ------------------------------------------------------

    /// Arguments every runbook message can use.
    fn context(&self, s: &Session) -> BTreeMap<String, Arg> {
        let mut a: BTreeMap<String, Arg> = BTreeMap::new();
        for (k, v) in &s.vars {
            a.insert(k.clone(), Arg::Str(v.clone()));
        }
        a.insert(
            "ip".into(),
            Arg::Str(s.target.map(|t| t.to_string()).unwrap_or_default()),
        );
        a.insert("port".into(), Arg::Num(s.service_port().into()));
        // The service's usual port, and whether the login port in force moved
        // away from it (sshd on 2222, RDP on 3390): how to connect then.
        let usual: u16 = if s.service() == Some(Service::Ssh) {
            22
        } else {
            3389
        };
        a.insert("default_port".into(), Arg::Num(usual.into()));
        // `told`: the alternate-port check found it there and its message
        // already said how to connect.
        let told = s.last_probe().is_some_and(|p| {
            p.purpose == Purpose::Alternates && p.service_port == s.service_port()
        });
        a.insert(
            "moved".into(),
            Arg::Str(
                match (s.service_port() != usual, told) {
                    (true, true) => "told",
                    (true, false) => "yes",
                    _ => "no",
                }
                .into(),
            ),
        );
        a.insert(
            "os".into(),
            Arg::Str(s.os.map(Os::key).unwrap_or("auto").into()),
        );
        a.insert(
            "distro".into(),
            Arg::Str(
                s.distro
                    .map(command::Distro::key)
                    .unwrap_or("unknown")
                    .into(),
            ),
        );
        a.entry("client".into())
            .or_insert_with(|| Arg::Str("unknown".into()));
        // The user's own address as a security-group source: /32 or /128.
        match s.vars.get("user_ip").and_then(|v| v.parse::<IpAddr>().ok()) {
            Some(ip) => {
                let bits = if ip.is_ipv4() { 32 } else { 128 };
                a.insert("user_cidr".into(), Arg::Str(format!("{ip}/{bits}")));
            }
            None => {
                a.insert("user_ip".into(), Arg::Str("none".into()));
                a.insert("user_cidr".into(), Arg::Str("none".into()));
            }
        }
        a.insert(
            "egress".into(),
            Arg::Str(if self.cfg.egress.is_empty() {
                "none".into()
            } else {
                self.cfg
                    .egress
                    .iter()
                    .map(|ip| {
                        let bits = if ip.is_ipv4() { 32 } else { 128 };
                        format!("{ip}/{bits}")
                    })
                    .collect::<Vec<_>>()
                    .join(", ")
            }),
        );
        for k in ["user_ping", "user_port"] {
            a.entry(k.into())
                .or_insert_with(|| Arg::Str("unknown".into()));
        }
        // The latest run that measured the login port (a check of other
        // ports, such as the alternates, doesn't).
        let state = s
            .probes
            .iter()
            .rev()
            .find_map(|p| p.report.port(s.service_port()))
            .map(|p| p.state);
        a.insert("port_state".into(), Arg::Str(state_key(state).into()));
        a.insert("legacy_opts".into(), Arg::Str(legacy_opts(s)));
        let icmp = s
            .probes
            .iter()
            .rev()
            .find_map(|p| p.report.icmp.as_ref())
            .map(|i| i.state.key())
            .unwrap_or("unknown");
        a.insert("icmp".into(), Arg::Str(icmp.into()));
        if let Some(CloudAnswer::Found(f)) = &s.cloud {
            self.cloud_context(f, &mut a);
        }
        a
    }

    /// `cloud_*` arguments: what the provider's API said (the rule details
    /// only when `cloud_details` is `yes`; messages select on it).
    fn cloud_context(&self, f: &CloudFacts, a: &mut BTreeMap<String, Arg>) {
        let mut put = |k: &str, v: Arg| {
            a.insert(format!("cloud_{k}"), v);
        };
        let details = self.cloud == Some(CloudShow::Details);
        put(
            "details",
            Arg::Str(if details { "yes" } else { "no" }.into()),
        );
        put("instance", Arg::Str(f.instance_id.clone()));
        put("name", Arg::Str(f.instance_name.clone()));
        put("region", Arg::Str(f.region.clone()));
        put("state", Arg::Str(f.state.clone()));
        put("restrict", Arg::Str(f.restrict.clone()));
        put("os", Arg::Str(f.os_name.clone()));
        put(
            "bandwidth",
            Arg::Num(f.bandwidth_out_mbps.map(i64::from).unwrap_or(0)),
        );
        put(
            "bw_state",
            Arg::Str(
                match f.bandwidth_out_mbps {
                    Some(0) => "zero",
                    Some(_) => "set",
                    None => "none",
                }
                .into(),
            ),
        );
        put(
            "cpu",
            Arg::Num(f.cpu_recent_pct.map(i64::from).unwrap_or(-1)),
        );
        put(
            "cpu_peak",
            Arg::Num(f.cpu_peak_pct.map(i64::from).unwrap_or(-1)),
        );
        put(
            "bw_used",
            Arg::Str(match f.bw_recent_centi_mbps {
                Some(c) => format!("{}.{:02}", c / 100, c % 100),
                None => "-".into(),
            }),
        );
        put(
            "load",
            Arg::Str(
                match (f.cpu_saturated, f.bw_saturated) {
                    (true, true) => "both",
                    (true, false) => "cpu",
                    (false, true) => "bandwidth",
                    _ if f.cpu_recent_pct.is_none() && f.bw_recent_centi_mbps.is_none() => {
                        "unknown"
                    }
                    _ => "ok",
                }
                .into(),
            ),
        );
        put("ddos", Arg::Str(f.ddos.clone()));
        put(
            "ddos_unblock",
            Arg::Str(if f.ddos_unblock.is_empty() {
                "none".into()
            } else {
                f.ddos_unblock.clone()
            }),
        );
        put(
            "bw_source",
            Arg::Str(
                match &f.eip {
                    Some(e) if !e.package.is_empty() => "package",
                    Some(e) if e.bandwidth_mbps.is_some() => "eip",
                    _ => "instance",
                }
                .into(),
            ),
        );
        put(
            "eip",
            Arg::Str(
                f.eip
                    .as_ref()
                    .map(|e| e.id.clone())
                    .unwrap_or_else(|| "-".into()),
            ),
        );
        put(
            "package",
            Arg::Str(
                f.eip
                    .as_ref()
                    .filter(|e| !e.package.is_empty())
                    .map(|e| e.package.clone())
                    .unwrap_or_else(|| "-".into()),
            ),
        );
        let verdict = f.bot_verdict().or(f.user_verdict());
        put(
            "verdict",
            Arg::Str(
                match verdict.map(|v| v.decision) {
                    Some(SgDecision::Accept) => "accept",
                    Some(SgDecision::Drop) => "drop",
                    Some(SgDecision::NoMatch) => "no-match",
                    Some(SgDecision::Unknown) => "unknown",
                    None => "none",
                }
                .into(),
            ),
        );
        put(
            "from",
            Arg::Str(verdict.map(|v| v.source.to_string()).unwrap_or_default()),
        );
        put(
            "from_role",
            Arg::Str(verdict.map(|v| v.role.key()).unwrap_or("bot").into()),
        );
        put(
            "user_verdict",
            Arg::Str(
                match f.user_verdict().map(|v| v.decision) {
                    Some(SgDecision::Accept) => "accept",
                    Some(SgDecision::Drop | SgDecision::NoMatch) => "blocked",
                    Some(SgDecision::Unknown) => "unknown",
                    None => "none",
                }
                .into(),
            ),
        );
        let rule = verdict.and_then(|v| v.rule.as_ref());
        put(
            "rule",
            Arg::Str(if rule.is_some() { "yes" } else { "no" }.into()),
        );
        put(
            "group",
            Arg::Str(
                rule.map(|r| r.group.clone())
                    .or_else(|| f.groups.first().cloned())
                    .unwrap_or_else(|| "-".into()),
            ),
        );
        put(
            "index",
            Arg::Num(rule.map(|r| i64::from(r.index)).unwrap_or(-1)),
        );
        put(
            "action",
            Arg::Str(rule.map(|r| r.action.clone()).unwrap_or_else(|| "-".into())),
        );
        put(
            "source",
            Arg::Str(rule.map(|r| r.source.clone()).unwrap_or_else(|| "-".into())),
        );
        put(
            "rule_port",
            Arg::Str(
                rule.map(|r| format!("{} {}", r.protocol, r.port))
                    .unwrap_or_else(|| "-".into()),
            ),
        );
        let other = f.accept_elsewhere.as_ref();
        put(
            "other_group",
            Arg::Str(other.map(|r| r.group.clone()).unwrap_or_else(|| "-".into())),
        );
        put(
            "other_index",
            Arg::Num(other.map(|r| i64::from(r.index)).unwrap_or(-1)),
        );
        put(
            "other_source",
            Arg::Str(
                other
                    .map(|r| r.source.clone())
                    .unwrap_or_else(|| "-".into()),
            ),
        );
    }

    /// The question the conversation currently waits on (options and the
    /// kind of answer expected), for matching free text.
    pub fn current_prompt(&self, s: &Session) -> Option<Reply> {
        let mut tmp = s.clone();
        let mut out = Out {
            fx: Vec::new(),
            now: s.updated_ms,
        };
        self.prompt(&mut tmp, &mut out);
        out.fx.into_iter().find_map(|e| match e {
            Effect::Say(r) => Some(r),
            _ => None,
        })
    }

    /// The options the conversation currently waits on (for matching free text).
    pub fn current_options(&self, s: &Session) -> Vec<Choice> {
        let mut tmp = s.clone();
        let mut out = Out {
            fx: Vec::new(),
            now: s.updated_ms,
        };
        self.prompt(&mut tmp, &mut out);
        out.fx
            .into_iter()
            .find_map(|e| match e {
                Effect::Say(r) => Some(r.options),
                _ => None,
            })
            .unwrap_or_default()
    }

    /// The option that `facts` answer at the current question (a state a
    /// reply quotes, the values it gives: `understand::stated`), by the
    /// `answer` rows of the paste routes: what a fact means for a question
    /// is decided there, for a paste and a sentence alike.
    pub fn answer_from_facts(&self, s: &Session, facts: Vec<paste::Fact>) -> Option<String> {
        let Phase::Step(cur) = &s.phase else {
            return None;
        };
        if facts.is_empty() {
            return None;
        }
        let mut tmp = s.clone();
        tmp.pastes = vec![PasteRecord {
            at_ms: s.updated_ms,
            step: Some(cur.clone()),
            text: String::new(),
            // One reading alone: its kind only keeps readings apart.
            readings: vec![paste::Reading {
                kind: paste::PasteKind::SshClient,
                confidence: paste::Confidence::Medium,
                facts,
            }],
        }];
        self.rb
            .paste_routes()
            .iter()
            .filter(|r| r.when.contains(&Cond::At(cur.clone())))
            .find(|r| r.when.iter().all(|c| self.holds(&tmp, c)))
            .and_then(|r| r.answer.clone())
    }

    fn msg(&self, s: &Session, id: &str) -> Msg {
        Msg::new(id).with_args(&self.context(s))
    }

    fn step_reply(&self, s: &Session, step: &Step) -> Reply {
        let parts = step.say.iter().map(|id| self.msg(s, id)).collect();
        let mut options: Vec<Choice> = step
            .options
            .iter()
            .map(|o| Choice {
                key: o.key.clone(),
                label: self.msg(s, &o.label),
                means: o.means,
            })
            .collect();
        if step.offers_works {
            options.push(Choice {
                key: WORKS_KEY.into(),
                label: Msg::new(WORKS_LABEL),
                means: None,
            });
        }
        if step.unknown.is_some() {
            options.push(Choice {
                key: UNKNOWN_KEY.into(),
                label: Msg::new(UNKNOWN_LABEL),
                means: None,
            });
        }
        let expect = match (step.kind, step.input) {
            (StepKind::Question, _) => Expect::Choice,
            (StepKind::Input, Some(InputKind::Ip)) => Expect::Ip,
            (StepKind::Input, Some(InputKind::Port)) => Expect::Port,
            (StepKind::Input, _) => Expect::Text,
            _ => Expect::Nothing,
        };
        Reply {
            severity: Severity::Info,
            parts,
            options,
            expect,
            step: Some(step.id.clone()),
            question: Some(Session::step_question(&step.id, s.answer_count)),
            paste: step.paste,
        }
    }

    /// The question the conversation is waiting on, again.
    fn prompt(&self, s: &mut Session, out: &mut Out) {
        let r = match s.phase.clone() {
            Phase::New | Phase::AskIp => {
                s.phase = Phase::AskIp;
                match s.known_os() {
                    Some(os) => Reply::info(vec![Msg::new("ask-ip-have-os").arg("os", os.key())])
                        .expect(Expect::Ip),
                    None => Reply::one("ask-ip").expect(Expect::Ip),
                }
            }
            Phase::AskOs => Reply {
                severity: Severity::Info,
                parts: vec![Msg::new("ask-os")
                    .arg("ip", s.target.map(|t| t.to_string()).unwrap_or_default())],
                options: ["windows", "linux", "auto"]
                    .iter()
                    .map(|k| Choice {
                        key: (*k).into(),
                        label: Msg::new(format!("os-{k}")),
                        means: None,
                    })
                    .collect(),
                expect: Expect::Choice,
                step: None,
                question: Some("os".into()),
                paste: false,
            },
            Phase::Probing(_) | Phase::Resolving(_) | Phase::Looking(_) => {
                Reply::one("still-probing")
            }
            Phase::Correcting { change, .. } => self.correction_reply(s, &change),
            Phase::Step(id) => match self.rb.step(&id) {
                Some(step) => self.step_reply(s, step),
                None => return self.lost(s, out),
            },
            Phase::Ended(o) => Reply::one(match o {
                Outcome::Fixed => "ended-fixed",
                Outcome::Escalated | Outcome::Abandoned => "ended-escalated",
            }),
        };
        say(out, r);
    }

    fn status(&self, s: &Session) -> Reply {
        let mut parts = Vec::new();
        match s.target {
            None => parts.push(Msg::new("status-none")),
            Some(ip) => {
                let _ = ip;
                parts.push(
                    Msg::new("status")
                        .arg("ip", s.target_display())
                        .arg("os", s.os.map(Os::key).unwrap_or("auto"))
                        .arg("port", s.service_port())
                        .arg("probes", s.probes.len() as i64)
                        .arg("answers", s.answers.len() as i64),
                );
                parts.extend(s.corrections.iter().map(corrected_msg));
                if let Some(step) = s.trail.last().and_then(|id| self.rb.step(id)) {
                    parts.push(Msg::new("status-step"));
                    parts.push(Msg::new(step.title.clone()));
                }
                if let Some(p) = s.last_probe() {
                    parts.push(Msg::new("status-findings"));
                    parts.extend(p.findings.iter().map(|f| finding_msg(*f, s)));
                }
                parts.extend(self.cloud_lines(s));
            }
        }
        Reply::info(parts)
    }
}

/// `cloud-user-source`: what the security groups do to the user's own
/// address, the deciding rule as arguments (shown as `$cloud_details` allows).
fn user_source_msg(v: &crate::cloud::SgVerdict, ctx: &BTreeMap<String, Arg>) -> Msg {
    let rule = v.rule.as_ref();
    let dash = || "-".to_owned();
    let mut m = Msg::new("cloud-user-source")
        .arg("user_ip", v.source.to_string())
        .arg(
            "decision",
            match v.decision {
                SgDecision::Accept => "accept",
                SgDecision::Drop => "drop",
                SgDecision::NoMatch => "no-match",
                SgDecision::Unknown => "unknown",
            },
        )
        .arg("rule", if rule.is_some() { "yes" } else { "no" })
        .arg("group", rule.map(|r| r.group.clone()).unwrap_or_else(dash))
        .arg("index", rule.map(|r| i64::from(r.index)).unwrap_or(-1))
        .arg(
            "action",
            rule.map(|r| r.action.clone()).unwrap_or_else(dash),
        )
        .arg(
            "rule_port",
            rule.map(|r| format!("{} {}", r.protocol, r.port))
                .unwrap_or_else(dash),
        )
        .arg(
            "source",
            rule.map(|r| r.source.clone()).unwrap_or_else(dash),
        );
    for k in ["port", "cloud_details", "egress"] {
        if let Some(a) = ctx.get(k) {
            m.args.insert(k.to_owned(), a.clone());
        }
    }
    m
}

/// Whether `input` is the answer to what the session waits on (its probe's
/// result or refusal, its name lookup), so that the wait ends with this turn.
fn ends_wait(phase: &Phase, input: &Input) -> bool {
    match (phase, input) {
        (Phase::Probing(p), Input::ProbeDone(r)) => r.target == p.request.target,
        (Phase::Probing(_), Input::ProbeRefused(_)) => true,
        (Phase::Resolving(n), Input::Resolved { name, .. }) => n == name,
        (Phase::Looking(r), Input::CloudDone { ip, .. }) => r.ip == *ip,
        _ => false,
    }
}

/// `/diagnose <host name> [os] [port]`, when the first argument is a host name.
fn diagnose_name(t: &str) -> Option<(String, Option<Os>, Option<u16>)> {
    let mut words = t.trim().strip_prefix('/')?.split_whitespace();
    if !matches!(words.next()?.to_lowercase().as_str(), "diagnose" | "진단") {
        return None;
    }
    let name = command::host_name(words.next()?)?;
    let os = match words.next() {
        Some(w) => Some(Os::parse(w)?),
        None => None,
    };
    let port = match words.next() {
        Some(w) => Some(command::parse_port(w).ok()?),
        None => None,
    };
    words.next().is_none().then_some((name, os, port))
}

/// Why a target is refused, with the address.
fn refusal_reply(code: &str, ip: IpAddr) -> Reply {
    Reply::info(vec![
        Msg::new(format!("refusal-{code}")).arg("ip", ip.to_string())
    ])
    .severity(Severity::Warning)
}

/// One line for an ICMP result.
pub fn icmp_msg(i: &crate::probe::IcmpResult) -> Msg {
    Msg::new("probe-icmp")
        .arg("state", i.state.key())
        .arg("sent", i64::from(i.sent))
        .arg("received", i64::from(i.received))
        .arg("rtt", i.rtt_ms.map(|x| x.round() as i64).unwrap_or(-1))
}

/// One line for a port result.
pub fn port_msg(p: &crate::probe::PortResult) -> Msg {
    Msg::new("probe-port")
        .arg("port", p.port)
        .arg("state", state_key(Some(p.state)))
        .arg("reason", reason_key(p.reason))
        .arg("rtt", p.rtt_ms.map(|x| x.round() as i64).unwrap_or(-1))
}

/// Live progress of a probe run: a line per part, finished or still pending.
pub fn progress_lines(
    req: &ProbeRequest,
    icmp: Option<&crate::probe::IcmpResult>,
    ports: &[crate::probe::PortResult],
) -> Vec<Msg> {
    let mut out = Vec::new();
    if req.icmp {
        out.push(match icmp {
            Some(i) => icmp_msg(i),
            None => Msg::new("probe-pending")
                .arg("what", "ping")
                .arg("port", 0u16),
        });
    }
    let mut seen: Vec<u16> = Vec::new();
    for spec in &req.ports {
        if seen.contains(&spec.port) {
            continue;
        }
        seen.push(spec.port);
        out.push(match ports.iter().find(|p| p.port == spec.port) {
            Some(p) => port_msg(p),
            None => Msg::new("probe-pending")
                .arg("what", "port")
                .arg("port", spec.port),
        });
    }
    out
}

/// The summary of a first reply (after the first probe, or a correction):
/// the measurements and one verdict ([`findings::first_reply`]), so the
/// reply stays short and says nothing twice. Severity from all findings.
fn first_summary(s: &Session, r: &ProbeReport, found: &[Finding]) -> Reply {
    let mut reply = summary_reply(s, r, &findings::first_reply(found));
    reply.severity = summary_reply(s, r, found).severity;
    reply
}

/// The "what I see from outside" reply for a probe report.
pub fn summary_reply(s: &Session, r: &ProbeReport, found: &[Finding]) -> Reply {
    let shown = match &s.target_name {
        Some(n) => format!("{n} ({})", r.target),
        None => r.target.to_string(),
    };
    let mut parts = vec![Msg::new("probe-summary")
        .arg("ip", shown)
        .arg("elapsed", r.elapsed_ms)];
    if let Some(i) = &r.icmp {
        parts.push(icmp_msg(i));
    }
    for p in &r.ports {
        parts.push(port_msg(p));
    }
    if let Some(ssh) = r.ssh.as_ref().filter(|x| x.banner.is_some()) {
        parts.push(
            Msg::new("probe-ssh")
                .arg("port", ssh.port)
                .arg("banner", ssh.banner.clone().unwrap_or_default()),
        );
    }
    if let Some(rdp) = r.rdp.as_ref().filter(|x| x.error.is_none()) {
        let accepts: Vec<&str> = rdp
            .accepts
            .iter()
            .map(|l| match l {
                crate::probe::RdpLayer::Rdp => "RDP",
                crate::probe::RdpLayer::Tls => "TLS",
                crate::probe::RdpLayer::Nla => "NLA",
            })
            .collect();
        parts.push(
            Msg::new("probe-rdp")
                .arg("port", rdp.port)
                .arg("accepts", accepts.join(", ")),
        );
    }
    // After a correction: what is in force now, and that it was corrected.
    if let Some(c) = s.corrections.last() {
        parts.push(
            Msg::new("corrected-in-force")
                .arg("ip", s.target_display())
                .arg("os", s.known_os().map(Os::key).unwrap_or("auto"))
                .arg("port", s.service_port())
                .arg("what", c.what.clone()),
        );
    }
    let mut sorted: Vec<Finding> = found.to_vec();
    // An ICMP refusal is said as a refusal, never also as "no answer".
    if sorted.contains(&Finding::HostUnreachable) {
        sorted.retain(|f| *f != Finding::PortFiltered);
    }
    sorted.sort_by_key(|f| !f.is_problem());
    parts.extend(sorted.iter().map(|f| finding_msg_for(*f, s, Some(r))));
    let severity = if findings::service_healthy(found) && s.known_os().is_some() {
        Severity::Good
    } else if found.iter().any(|f| f.is_problem()) {
        Severity::Problem
    } else {
        Severity::Info
    };
    Reply::info(parts).severity(severity)
}

/// The `ssh -o…=+name` options the probe built from the algorithms this
/// server offers (its lists as measured, not a fixed guess), or `none`.
/// Server-sent names: only plain algorithm-name characters pass.
fn legacy_opts(s: &Session) -> String {
    let hint = s
        .probes
        .iter()
        .rev()
        .find_map(|p| p.report.ssh.as_ref())
        .filter(|x| x.legacy_only)
        .and_then(|x| x.client_hint.as_deref())
        .and_then(|h| h.strip_prefix("ssh "));
    match hint {
        Some(h)
            if !h.is_empty()
                && h.len() <= 300
                && h.chars().all(|c| {
                    c.is_ascii_alphanumeric()
                        || matches!(c, '-' | '=' | '+' | '@' | '.' | ',' | ' ' | '_')
                }) =>
        {
            h.to_owned()
        }
        _ => "none".to_owned(),
    }
}

/// What the user types that outlasts the answer it came with: the Linux
/// family named anywhere ("my ubuntu box", "it's centos actually") picks the
/// commands shown; the user's own computer ("from my Mac") the client
/// commands. The driver calls it too, on a sentence it resolves to an
/// option itself. Whether anything changed.
pub fn heard(s: &mut Session, text: &str) -> bool {
    let mut changed = false;
    if let Some(d) = command::extract(text).distro {
        changed |= s.distro != Some(d);
        s.distro = Some(d);
    }
    changed | heard_client(s, text)
}

/// The user's own computer from a sentence or a pasted client output (a
/// Windows `ping`, `Test-NetConnection`, macOS's `ping`).
fn heard_client(s: &mut Session, text: &str) -> bool {
    match command::client_os(text) {
        Some(c) if s.vars.get("client").map(String::as_str) != Some(c) => {
            s.vars.insert("client".into(), c.into());
            true
        }
        _ => false,
    }
}

fn finding_msg(f: Finding, s: &Session) -> Msg {
    finding_msg_for(f, s, None)
}

/// [`finding_msg`] for the findings of report `r` (which the session may not
/// hold yet; else the latest probe of the login port): who sent the ICMP
/// refusal of the login port, when the probe could tell (`icmp_by`:
/// `server`, `router` or `unknown`).
fn finding_msg_for(f: Finding, s: &Session, r: Option<&ProbeReport>) -> Msg {
    let refusal = match r.and_then(|r| Some((r.port(s.service_port())?, r.target))) {
        Some((p, target)) => p.icmp.map(|i| (i, target)),
        None => s.icmp_refusal(),
    };
    Msg::new(format!("finding-{}", f.code()))
        .arg(
            "icmp_by",
            refusal.map(|(i, t)| i.sender(t)).unwrap_or("unknown"),
        )
        .arg(
            "icmp_from",
            refusal
                .map(|(i, _)| i.origin.to_string())
                .unwrap_or_default(),
        )
        .arg(
            "icmp_kind",
            refusal.map(|(i, _)| i.kind()).unwrap_or("unreachable"),
        )
        .arg("legacy_opts", legacy_opts(s))
        .arg("port", s.service_port())
        .arg("ip", s.target.map(|t| t.to_string()).unwrap_or_default())
        .arg("os", s.known_os().map(Os::key).unwrap_or("auto"))
        .arg(
            "distro",
            s.distro.map(command::Distro::key).unwrap_or("unknown"),
        )
}

/// One line for a correction: what changed, from what to what.
pub fn corrected_msg(c: &CorrectionRecord) -> Msg {
    Msg::new("status-corrected")
        .arg("what", c.what.clone())
        .arg("from", c.from.clone())
        .arg("to", c.to.clone())
}

/// The login port an OS uses when nothing else is said.
fn default_port(os: Option<Os>) -> u16 {
    match os {
        Some(Os::Linux) => 22,
        _ => 3389,
    }
}

fn decide_os(r: &ProbeReport) -> Option<Os> {
    let open = |p: u16| r.port(p).is_some_and(|x| x.state == PortState::Open);
    let ssh_ok = r
        .ssh
        .as_ref()
        .is_some_and(|x| x.banner.is_some() && x.error.is_none());
    let rdp_ok = r.rdp.as_ref().is_some_and(|x| x.error.is_none());
    match (open(22) || ssh_ok, open(3389) || rdp_ok) {
        (true, false) => Some(Os::Linux),
        (false, true) => Some(Os::Windows),
        _ => None,
    }
}

/// The port of `r` where the login service completed its handshake.
fn answering_port(r: &ProbeReport, service: Option<Service>) -> Option<u16> {
    let open = |p: u16| r.port(p).is_some_and(|x| x.state == PortState::Open);
    match service {
        Some(Service::Rdp) => r
            .rdp
            .as_ref()
            .filter(|x| x.error.is_none() && open(x.port))
            .map(|x| x.port),
        Some(Service::Ssh) => r
            .ssh
            .as_ref()
            .filter(|x| x.error.is_none() && !x.legacy_only && open(x.port))
            .map(|x| x.port),
        None => None,
    }
}

fn service_key(s: Service) -> &'static str {
    match s {
        Service::Rdp => "rdp",
        Service::Ssh => "ssh",
    }
}

fn join_ports(ports: &[u16]) -> String {
    ports
        .iter()
        .map(u16::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}

fn merge(prev: &ProbeReport, now: &ProbeReport) -> ProbeReport {
    let mut m = prev.clone();
    for p in &now.ports {
        m.ports.retain(|x| x.port != p.port);
        m.ports.push(p.clone());
    }
    if now.ssh.is_some() {
        m.ssh = now.ssh.clone();
    }
    if now.rdp.is_some() {
        m.rdp = now.rdp.clone();
    }
    if now.icmp.is_some() {
        m.icmp = now.icmp.clone();
    }
    m.elapsed_ms = now.elapsed_ms;
    m
}

fn port_list(r: &ProbeRequest) -> String {
    r.ports
        .iter()
        .map(|p| p.port.to_string())
        .collect::<Vec<_>>()
        .join(", ")
}

pub fn state_key(s: Option<PortState>) -> &'static str {
    match s {
        Some(PortState::Open) => "open",
        Some(PortState::Closed) => "closed",
        Some(PortState::Filtered) => "filtered",
        Some(PortState::Inconclusive) => "inconclusive",
        None => "unknown",
    }
}

pub fn reason_key(r: crate::probe::PortReason) -> &'static str {
    use crate::probe::PortReason::*;
    match r {
        SynAck => "syn_ack",
        Reset => "reset",
        Timeout => "timeout",
        HostUnreachable => "host_unreachable",
        NetUnreachable => "net_unreachable",
        AdminProhibited => "admin_prohibited",
        LocalError => "local_error",
    }
}

/// `"2"` picks the second of `n` options.
fn pick_index(t: &str, n: usize) -> Option<usize> {
    let i: usize = t.trim().trim_end_matches(['.', ')']).parse().ok()?;
    (1..=n).contains(&i).then(|| i - 1)
}

/// Echoed user text is capped, kept to one line (line and paragraph
/// separators become spaces) and stripped of bidi controls and every other
/// invisible character (which could make it read as something else).
fn clip(t: &str) -> String {
    let clean = crate::text::clean_line(t);
    let one_line: String = clean.chars().take(60).collect();
    if clean.chars().count() > 60 {
        format!("{one_line}…")
    } else {
        one_line
    }
}

/// The effective language: the user's `/lang`, else the platform's, else the default.
pub fn effective_lang(s: &Session, platform: Option<Lang>, default: Lang) -> Lang {
    s.lang.or(platform).unwrap_or(default)
}
