//! Runbooks as data: TOML files of steps that reference Fluent message ids.
//!
//! A runbook file looks like
//! ```toml
//! [runbook]
//! id = "windows"
//! entry = "ping"
//!
//! [[step]]
//! id = "ping"
//! kind = "question"
//! title = "win-ping-title"
//! say = ["win-ping-body"]
//! [[step.option]]
//! key = "reply"
//! label = "opt-ping-reply"
//! next = "port_test"
//! ```
//! Step ids are qualified as `runbook.step`; a target without a dot refers to the
//! same runbook. [`Runbooks::load`] validates the whole graph: unknown targets,
//! dead ends, unreachable steps and steps that cannot reach an end are errors.

use crate::findings::Finding;
use crate::probe::Service;
use serde::Deserialize;
use std::collections::{BTreeMap, BTreeSet, VecDeque};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileDef {
    /// Absent in a routing file (one that only holds `first` rows and `works`).
    runbook: Option<HeaderDef>,
    #[serde(default, rename = "step")]
    steps: Vec<StepDef>,
    /// Where the conversation starts after the first probe, by findings.
    #[serde(default)]
    first: Vec<FirstDef>,
    /// Rows tried before `first` when the provider's API answered
    /// (`cloud:` conditions): where its facts start the conversation.
    #[serde(default)]
    cloud: Vec<FirstDef>,
    /// The step "it works now" leads to, from any question.
    works: Option<String>,
    /// Where a paste leads, by the facts read from it.
    #[serde(default)]
    paste: Vec<FirstDef>,
    /// "Can you log in now?": where a re-check that a paste started goes
    /// when the login path became healthy.
    confirm: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FirstDef {
    name: String,
    when: Vec<String>,
    /// The step to go to; a paste route may instead `answer` the current question.
    #[serde(default)]
    to: String,
    /// One line on why the conversation starts there.
    note: Option<String>,
    /// Paste routes: the option of the current step (named by an `at:`
    /// condition) that the paste answers for the user.
    answer: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct HeaderDef {
    id: String,
    title: String,
    entry: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StepDef {
    id: String,
    kind: StepKind,
    title: String,
    #[serde(default)]
    say: Vec<String>,
    #[serde(default)]
    skip: Vec<SkipDef>,
    #[serde(default, rename = "option")]
    options: Vec<OptionDef>,
    input: Option<InputKind>,
    var: Option<String>,
    next: Option<String>,
    #[serde(default)]
    route: Vec<RouteDef>,
    /// For input steps: probe again after the answer (e.g. a new port).
    probe: Option<ProbeKind>,
    /// For input steps: the answer becomes the service port.
    #[serde(default)]
    sets_port: bool,
    /// For IP input steps: the answer becomes the target and the diagnosis
    /// starts again from the first probe.
    #[serde(default)]
    sets_target: bool,
    /// Where "I don't know / I can't check this" leads. Required on every
    /// question and input step: nobody is ever trapped at a question.
    unknown: Option<String>,
    /// Conditional targets for "I don't know", tried before `unknown`.
    #[serde(default)]
    unknown_route: Vec<RouteDef>,
    /// The step asks the user to run something whose output can be pasted:
    /// adapters offer a "Paste output" button.
    #[serde(default)]
    paste: bool,
    /// The question asks where something listens (netstat, the registry,
    /// sshd's listener): an address or port named in a reply here answers
    /// it and is not a correction of the target or the login port
    /// ([`crate::correct`]).
    #[serde(default)]
    ports_answer: bool,
    /// The glossary term (`glossary-<topic>`) this step is about: a question
    /// back that names no term ("how do I do that?", "그게 뭐예요?") is
    /// answered with it.
    #[serde(default)]
    topic: Option<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OptionDef {
    key: String,
    label: String,
    next: String,
    #[serde(default)]
    route: Vec<RouteDef>,
    reprobe: Option<ProbeKind>,
    fixed: Option<String>,
    #[serde(default)]
    set: BTreeMap<String, String>,
    rules_out: Option<String>,
    /// When these conditions hold at report time, `rules_out` is not claimed
    /// (the probe contradicts the user) and `note` is reported instead.
    disputed: Option<DisputeDef>,
    /// What a plain "yes" or "no" answer picks at this step.
    means: Option<Means>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct DisputeDef {
    when: Vec<String>,
    note: String,
}

pub use crate::msg::Means;

/// Option key of the "it works now" choice every question offers.
pub const WORKS_KEY: &str = "_works";
/// Option key of the "I don't know / I can't check this" choice.
pub const UNKNOWN_KEY: &str = "_unknown";
/// Fluent ids of their labels.
pub const WORKS_LABEL: &str = "opt-works-now";
pub const UNKNOWN_LABEL: &str = "opt-dont-know";
/// A target that returns to the step before this one.
pub const BACK_TARGET: &str = "@back";

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RouteDef {
    when: Vec<String>,
    to: String,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SkipDef {
    when: Vec<String>,
    to: String,
    note: String,
}

/// What a step does.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// Shows text and options; an option leads on.
    Question,
    /// Asks for a value (IP, port, text), stores it in a variable, leads on.
    Input,
    /// Terminal: the user can log in again.
    Success,
    /// Terminal: hand over to support with the report.
    Escalate,
}

/// The value an input step asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InputKind {
    Ip,
    Port,
    Text,
}

/// Probes a runbook can ask to re-run. Validated: unknown names fail to load.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProbeKind {
    /// The login port (TCP + handshake).
    Service,
    /// ICMP echo plus every port.
    Full,
}

/// A condition over what is known; all conditions of a list must hold.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Cond {
    Finding(Finding),
    NotFinding(Finding),
    Os(crate::command::Os),
    Service(Service),
    Var(String, String),
    VarNot(String, String),
    /// A code from the facts of the latest pastes (`crate::facts::CODES`).
    Fact(String),
    /// The conversation stands at this step (`at:linux.sshd`).
    At(String),
    /// A code from what the provider's API said (`crate::cloud::CODES`).
    Cloud(String),
    /// Who sent the ICMP refusal of the service port, as the probe saw it:
    /// `refused-by:server` or `refused-by:router` (unknown: neither holds).
    RefusedBy(String),
}

impl Cond {
    pub fn parse(s: &str) -> Result<Cond, String> {
        let (kind, rest) = s
            .split_once(':')
            .ok_or_else(|| format!("condition `{s}` has no `kind:`"))?;
        let finding =
            |r: &str| Finding::from_code(r).ok_or_else(|| format!("unknown finding `{r}`"));
        match kind {
            "finding" => finding(rest).map(Cond::Finding),
            "not-finding" => finding(rest).map(Cond::NotFinding),
            "os" => match crate::command::Os::parse(rest) {
                Some(os) if os != crate::command::Os::Auto => Ok(Cond::Os(os)),
                _ => Err(format!("unknown os `{rest}`")),
            },
            "service" => match rest {
                "ssh" => Ok(Cond::Service(Service::Ssh)),
                "rdp" => Ok(Cond::Service(Service::Rdp)),
                _ => Err(format!("unknown service `{rest}`")),
            },
            "at" if rest.contains('.') => Ok(Cond::At(rest.to_owned())),
            "at" => Err(format!(
                "`at:{rest}` needs a qualified step id (`runbook.step`)"
            )),
            "fact" => {
                if crate::facts::CODES.contains(&rest) {
                    Ok(Cond::Fact(rest.to_owned()))
                } else {
                    Err(format!("unknown fact `{rest}`"))
                }
            }
            "cloud" => {
                if crate::cloud::CODES.contains(&rest) {
                    Ok(Cond::Cloud(rest.to_owned()))
                } else {
                    Err(format!("unknown cloud code `{rest}`"))
                }
            }
            "refused-by" => match rest {
                "server" | "router" => Ok(Cond::RefusedBy(rest.to_owned())),
                _ => Err(format!("unknown refusal sender `{rest}`")),
            },
            "var" => {
                if let Some((k, v)) = rest.split_once("!=") {
                    Ok(Cond::VarNot(k.to_owned(), v.to_owned()))
                } else if let Some((k, v)) = rest.split_once('=') {
                    Ok(Cond::Var(k.to_owned(), v.to_owned()))
                } else {
                    Err(format!("var condition `{rest}` needs `=` or `!=`"))
                }
            }
            _ => Err(format!("unknown condition kind `{kind}`")),
        }
    }

    /// The condition as written in a runbook (`fact:firewall-blocks`): what
    /// the report shows as the reason a route was taken.
    pub fn code(&self) -> String {
        match self {
            Cond::Finding(f) => format!("finding:{}", f.code()),
            Cond::NotFinding(f) => format!("not-finding:{}", f.code()),
            Cond::Os(os) => format!("os:{}", os.key()),
            Cond::Service(Service::Ssh) => "service:ssh".into(),
            Cond::Service(Service::Rdp) => "service:rdp".into(),
            Cond::Var(k, v) => format!("var:{k}={v}"),
            Cond::VarNot(k, v) => format!("var:{k}!={v}"),
            Cond::Fact(c) => format!("fact:{c}"),
            Cond::At(step) => format!("at:{step}"),
            Cond::Cloud(c) => format!("cloud:{c}"),
            Cond::RefusedBy(by) => format!("refused-by:{by}"),
        }
    }
}

/// A validated transition: routes are tried in order, then `next`.
#[derive(Clone, Debug, PartialEq)]
pub struct Transition {
    pub routes: Vec<(Vec<Cond>, String)>,
    pub next: String,
}

impl Transition {
    pub fn targets(&self) -> impl Iterator<Item = &str> {
        self.routes
            .iter()
            .map(|(_, t)| t.as_str())
            .chain(std::iter::once(self.next.as_str()))
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct StepOption {
    pub key: String,
    pub label: String,
    pub go: Transition,
    pub reprobe: Option<ProbeKind>,
    /// Where to go when the re-probe shows the login path healthy.
    pub fixed: Option<String>,
    pub set: BTreeMap<String, String>,
    pub rules_out: Option<String>,
    pub disputed: Option<Dispute>,
    pub means: Option<Means>,
}

/// A user's claim the probe can contradict (see [`StepOption::disputed`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Dispute {
    pub when: Vec<Cond>,
    pub note: String,
}

/// A row of the finding-route table: after the first probe, the first row
/// whose conditions all hold decides the first question.
#[derive(Clone, Debug, PartialEq)]
pub struct FirstRoute {
    pub name: String,
    pub when: Vec<Cond>,
    /// Empty when the route answers the current question instead.
    pub to: String,
    pub note: Option<String>,
    pub answer: Option<String>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Skip {
    pub when: Vec<Cond>,
    pub to: String,
    pub note: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    /// Qualified id, `runbook.step`.
    pub id: String,
    pub kind: StepKind,
    pub title: String,
    pub say: Vec<String>,
    pub skip: Vec<Skip>,
    pub options: Vec<StepOption>,
    pub input: Option<InputKind>,
    pub var: Option<String>,
    pub go: Option<Transition>,
    pub probe: Option<ProbeKind>,
    pub sets_port: bool,
    pub sets_target: bool,
    /// Where "I don't know" leads.
    pub unknown: Option<Transition>,
    /// Whether the universal "it works now" choice is offered (not where an
    /// option already leads straight to a success).
    pub offers_works: bool,
    /// Output the user runs here can be pasted (a "Paste output" button).
    pub paste: bool,
    /// An address or port named in a reply answers this question (not a
    /// correction).
    pub ports_answer: bool,
    /// The glossary term the step is about (see the TOML field).
    pub topic: Option<String>,
}

impl Step {
    pub fn is_terminal(&self) -> bool {
        matches!(self.kind, StepKind::Success | StepKind::Escalate)
    }

    /// Every step id this step can lead to.
    pub fn targets(&self) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for s in &self.skip {
            out.push(&s.to);
        }
        for o in &self.options {
            out.extend(o.go.targets());
            if let Some(f) = &o.fixed {
                out.push(f);
            }
        }
        if let Some(g) = &self.go {
            out.extend(g.targets());
        }
        if let Some(u) = &self.unknown {
            out.extend(u.targets());
        }
        out.retain(|t| *t != BACK_TARGET);
        out
    }

    /// Every Fluent id this step references.
    /// The glossary entry of the step's topic, if it has one.
    pub fn topic_id(&self) -> Option<String> {
        self.topic.as_ref().map(|t| format!("glossary-{t}"))
    }

    pub fn message_ids(&self) -> Vec<&str> {
        let mut out = vec![self.title.as_str()];
        out.extend(self.say.iter().map(String::as_str));
        out.extend(self.skip.iter().map(|s| s.note.as_str()));
        for o in &self.options {
            out.push(&o.label);
            if let Some(r) = &o.rules_out {
                out.push(r);
            }
            if let Some(d) = &o.disputed {
                out.push(&d.note);
            }
        }
        if self.unknown.is_some() {
            out.push(UNKNOWN_LABEL);
        }
        if self.offers_works {
            out.push(WORKS_LABEL);
        }
        out
    }
}

/// Everything that can be wrong with a set of runbooks.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum RunbookError {
    #[error("{file}: not valid runbook TOML: {msg}")]
    Syntax { file: String, msg: String },
    #[error("runbook `{0}` is defined twice")]
    DuplicateRunbook(String),
    #[error("step `{0}` is defined twice")]
    DuplicateStep(String),
    #[error("step `{step}` leads to `{target}`, which does not exist")]
    UnknownTarget { step: String, target: String },
    #[error("step `{step}`: {msg}")]
    Invalid { step: String, msg: String },
    #[error("step `{0}` is a dead end: it has no way on and is neither success nor escalation")]
    DeadEnd(String),
    #[error("step `{0}` can never be reached from the entry")]
    Unreachable(String),
    #[error("from step `{0}` no success or escalation can be reached")]
    NoWayOut(String),
    #[error("no entry runbook `{0}`")]
    NoEntry(String),
    #[error("message `{id}` (used by `{step}`) is missing in locale {locale}")]
    MissingMessage {
        step: String,
        id: String,
        locale: String,
    },
}

/// A validated set of runbooks.
#[derive(Clone, Debug)]
pub struct Runbooks {
    steps: BTreeMap<String, Step>,
    /// Runbook id to (title message id, qualified entry step), in load order.
    books: Vec<(String, String, String)>,
    entry: String,
    first: Vec<FirstRoute>,
    /// `[[cloud]]` rows: tried before `first` (they hold only when the
    /// provider's API answered).
    cloud: Vec<FirstRoute>,
    paste: Vec<FirstRoute>,
    works: String,
    confirm: String,
}

impl Runbooks {
    /// Parses and validates runbook files; `entry_book` is the runbook a diagnosis starts in.
    pub fn load(files: &[(&str, &str)], entry_book: &str) -> Result<Runbooks, RunbookError> {
        let mut steps = BTreeMap::new();
        let mut books = Vec::new();
        let mut first = Vec::new();
        // `[[cloud]]` rows: tried before every `[[first]]` row.
        let mut cloud_first = Vec::new();
        let mut paste = Vec::new();
        let mut works = None;
        let mut confirm = None;
        for (name, text) in files {
            let def: FileDef = toml::from_str(text).map_err(|e| RunbookError::Syntax {
                file: (*name).to_owned(),
                msg: e.to_string(),
            })?;
            let rows = def.cloud.iter().map(|f| (true, f));
            for (cloud_row, f) in rows.chain(def.first.iter().map(|f| (false, f))) {
                if f.answer.is_some() {
                    return Err(RunbookError::Invalid {
                        step: format!("(first route {})", f.name),
                        msg: "`answer` is for paste routes".into(),
                    });
                }
                if !f.to.contains('.') {
                    return Err(RunbookError::Invalid {
                        step: format!("(first route {})", f.name),
                        msg: "`to` must be a qualified step id (`runbook.step`)".into(),
                    });
                }
                let row = FirstRoute {
                    name: f.name.clone(),
                    when: conds(&format!("(first route {})", f.name), &f.when)?,
                    to: f.to.clone(),
                    note: f.note.clone(),
                    answer: None,
                };
                if cloud_row {
                    cloud_first.push(row);
                } else {
                    first.push(row);
                }
            }
            for f in &def.paste {
                let invalid = |msg: &str| RunbookError::Invalid {
                    step: format!("(paste route {})", f.name),
                    msg: msg.to_owned(),
                };
                match (&f.answer, f.to.is_empty()) {
                    (Some(_), false) => return Err(invalid("give `to` or `answer`, not both")),
                    (None, true) => return Err(invalid("needs `to` or `answer`")),
                    (None, false) if !f.to.contains('.') => {
                        return Err(invalid("`to` must be a qualified step id (`runbook.step`)"))
                    }
                    _ => {}
                }
                let when = conds(&format!("(paste route {})", f.name), &f.when)?;
                if f.answer.is_some() && !when.iter().any(|c| matches!(c, Cond::At(_))) {
                    return Err(invalid(
                        "an `answer` needs an `at:` condition naming the step",
                    ));
                }
                paste.push(FirstRoute {
                    name: f.name.clone(),
                    when,
                    to: f.to.clone(),
                    note: f.note.clone(),
                    answer: f.answer.clone(),
                });
            }
            if let Some(c) = def.confirm {
                if confirm.replace(c).is_some() {
                    return Err(RunbookError::Invalid {
                        step: "(confirm)".into(),
                        msg: "`confirm` is set in more than one file".into(),
                    });
                }
            }
            if let Some(w) = def.works {
                if works.replace(w).is_some() {
                    return Err(RunbookError::Invalid {
                        step: "(works)".into(),
                        msg: "`works` is set in more than one file".into(),
                    });
                }
            }
            let Some(header) = def.runbook else {
                if !def.steps.is_empty() {
                    return Err(RunbookError::Syntax {
                        file: (*name).to_owned(),
                        msg: "steps need a `[runbook]` header".into(),
                    });
                }
                continue;
            };
            let book = header.id.clone();
            if books.iter().any(|(b, _, _)| *b == book) {
                return Err(RunbookError::DuplicateRunbook(book));
            }
            books.push((
                book.clone(),
                header.title.clone(),
                qualify(&book, &header.entry),
            ));
            for s in def.steps {
                let step = convert(&book, s)?;
                // Ids and option keys travel in button ids (`v1|…|step:n|key`):
                // letters, digits, `_`, `-` and the one `.` of the runbook.
                let plain = |t: &str| {
                    !t.is_empty()
                        && t.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
                };
                if !step.id.split('.').all(plain) || step.id.matches('.').count() != 1 {
                    return Err(RunbookError::Invalid {
                        step: step.id.clone(),
                        msg: "ids may hold only letters, digits, `_` and `-`".into(),
                    });
                }
                if let Some(o) = step.options.iter().find(|o| !plain(&o.key)) {
                    return Err(RunbookError::Invalid {
                        step: step.id.clone(),
                        msg: format!(
                            "option key `{}` may hold only letters, digits, `_` and `-`",
                            o.key
                        ),
                    });
                }
                if steps.contains_key(&step.id) {
                    return Err(RunbookError::DuplicateStep(step.id));
                }
                steps.insert(step.id.clone(), step);
            }
        }
        let entry = books
            .iter()
            .find(|(b, _, _)| b == entry_book)
            .map(|(_, _, e)| e.clone())
            .ok_or_else(|| RunbookError::NoEntry(entry_book.to_owned()))?;
        let works = works.ok_or_else(|| RunbookError::Invalid {
            step: "(works)".into(),
            msg: "no file names the `works` step (where \"it works now\" leads)".into(),
        })?;
        // Whether a step offers "it works now": not where an option already
        // leads straight to a success, and not on the works step itself.
        let success: BTreeSet<String> = steps
            .values()
            .filter(|s: &&Step| s.kind == StepKind::Success)
            .map(|s| s.id.clone())
            .collect();
        for s in steps.values_mut() {
            let direct = s
                .options
                .iter()
                .any(|o| o.go.targets().any(|t| success.contains(t)));
            s.offers_works =
                matches!(s.kind, StepKind::Question | StepKind::Input) && !direct && s.id != works;
        }
        let rb = Runbooks {
            steps,
            books,
            entry,
            first,
            cloud: cloud_first,
            paste,
            works,
            confirm: confirm.unwrap_or_default(),
        };
        rb.validate()?;
        Ok(rb)
    }

    fn validate(&self) -> Result<(), RunbookError> {
        for (_, _, e) in &self.books {
            if !self.steps.contains_key(e) {
                return Err(RunbookError::UnknownTarget {
                    step: "(entry)".into(),
                    target: e.clone(),
                });
            }
        }
        for f in self.cloud.iter().chain(&self.first).chain(&self.paste) {
            if f.answer.is_none() && !self.steps.contains_key(&f.to) {
                return Err(RunbookError::UnknownTarget {
                    step: format!("(route {})", f.name),
                    target: f.to.clone(),
                });
            }
            for c in &f.when {
                if let Cond::At(at) = c {
                    let Some(st) = self.steps.get(at) else {
                        return Err(RunbookError::UnknownTarget {
                            step: format!("(route {})", f.name),
                            target: at.clone(),
                        });
                    };
                    if let Some(a) = &f.answer {
                        if !st.options.iter().any(|o| &o.key == a) {
                            return Err(RunbookError::Invalid {
                                step: format!("(paste route {})", f.name),
                                msg: format!("`{at}` has no option `{a}`"),
                            });
                        }
                    }
                }
            }
        }
        if !self.confirm.is_empty() && !self.steps.contains_key(&self.confirm) {
            return Err(RunbookError::UnknownTarget {
                step: "(confirm)".into(),
                target: self.confirm.clone(),
            });
        }
        match self.steps.get(&self.works) {
            Some(w) if w.kind == StepKind::Question => {}
            Some(_) => {
                return Err(RunbookError::Invalid {
                    step: self.works.clone(),
                    msg: "the `works` step must be a question (confirm, then success)".into(),
                })
            }
            None => {
                return Err(RunbookError::UnknownTarget {
                    step: "(works)".into(),
                    target: self.works.clone(),
                })
            }
        }
        for step in self.steps.values() {
            for t in step.targets() {
                if !self.steps.contains_key(t) {
                    return Err(RunbookError::UnknownTarget {
                        step: step.id.clone(),
                        target: t.to_owned(),
                    });
                }
            }
            if !step.is_terminal() && step.options.is_empty() && step.go.is_none() {
                return Err(RunbookError::DeadEnd(step.id.clone()));
            }
        }
        // Reachability from the entry, the finding routes and the works step.
        let mut seen = BTreeSet::new();
        let mut queue = VecDeque::from([self.entry.as_str(), self.works.as_str()]);
        queue.extend(
            self.cloud
                .iter()
                .chain(&self.first)
                .chain(&self.paste)
                .filter(|f| f.answer.is_none())
                .map(|f| f.to.as_str()),
        );
        while let Some(id) = queue.pop_front() {
            if !seen.insert(id) {
                continue;
            }
            queue.extend(self.steps[id].targets());
        }
        if let Some(s) = self.steps.keys().find(|k| !seen.contains(k.as_str())) {
            return Err(RunbookError::Unreachable(s.clone()));
        }
        // Every step must be able to reach a terminal: walk the reverse graph.
        let mut can_end: BTreeSet<&str> = self
            .steps
            .values()
            .filter(|s| s.is_terminal())
            .map(|s| s.id.as_str())
            .collect();
        loop {
            let before = can_end.len();
            for s in self.steps.values() {
                if s.targets().iter().any(|t| can_end.contains(t)) {
                    can_end.insert(&s.id);
                }
            }
            if can_end.len() == before {
                break;
            }
        }
        if let Some(s) = self.steps.keys().find(|k| !can_end.contains(k.as_str())) {
            return Err(RunbookError::NoWayOut(s.clone()));
        }
        // "I don't know" at every question, again and again, must end the
        // conversation: the chain of `unknown` links reaches a terminal step.
        for start in self.steps.values() {
            self.unknown_ends(start, &mut Vec::new())?;
        }
        Ok(())
    }

    /// Follows every "I don't know" branch from `step`; each must reach a
    /// terminal step without coming back.
    fn unknown_ends<'a>(
        &'a self,
        step: &'a Step,
        path: &mut Vec<&'a str>,
    ) -> Result<(), RunbookError> {
        if path.contains(&step.id.as_str()) {
            return Err(RunbookError::Invalid {
                step: path[0].to_owned(),
                msg: format!(
                    "answering \"I don't know\" again and again loops forever (through `{}`)",
                    step.id
                ),
            });
        }
        let Some(u) = &step.unknown else {
            if step.is_terminal() {
                return Ok(());
            }
            return Err(RunbookError::Invalid {
                step: path.first().copied().unwrap_or(&step.id).to_owned(),
                msg: format!(
                    "\"I don't know\" leads to `{}`, which offers no \"I don't know\" and does not end",
                    step.id
                ),
            });
        };
        path.push(&step.id);
        for t in u.targets() {
            self.unknown_ends(&self.steps[t], path)?;
        }
        path.pop();
        Ok(())
    }

    /// Checks that every question has a topic among `terms` (the glossary),
    /// so "how do I check that?" at any question gets an answer about what
    /// it asks, never "I can't answer that here".
    pub fn check_topics(&self, terms: &[&str]) -> Result<(), RunbookError> {
        for step in self.steps.values() {
            if step.kind != StepKind::Question {
                continue;
            }
            match step.topic.as_deref() {
                Some(t) if terms.contains(&t) => {}
                Some(t) => {
                    return Err(RunbookError::Invalid {
                        step: step.id.clone(),
                        msg: format!("topic `{t}` is not a glossary term"),
                    })
                }
                None => {
                    return Err(RunbookError::Invalid {
                        step: step.id.clone(),
                        msg: "a question needs a `topic` (the glossary term that answers \"how do I check that?\")".into(),
                    })
                }
            }
        }
        Ok(())
    }

    /// Checks that every referenced message id exists, using `has(id)` per locale.
    pub fn check_messages(
        &self,
        locale: &str,
        has: impl Fn(&str) -> bool,
    ) -> Result<(), RunbookError> {
        for note in self
            .cloud
            .iter()
            .chain(&self.first)
            .chain(&self.paste)
            .filter_map(|f| f.note.as_deref())
        {
            if !has(note) {
                return Err(RunbookError::MissingMessage {
                    step: "(routes)".into(),
                    id: note.to_owned(),
                    locale: locale.to_owned(),
                });
            }
        }
        for (book, title, _) in &self.books {
            if !has(title) {
                return Err(RunbookError::MissingMessage {
                    step: book.clone(),
                    id: title.clone(),
                    locale: locale.to_owned(),
                });
            }
        }
        for step in self.steps.values() {
            for id in step.message_ids() {
                if !has(id) {
                    return Err(RunbookError::MissingMessage {
                        step: step.id.clone(),
                        id: id.to_owned(),
                        locale: locale.to_owned(),
                    });
                }
            }
            if let Some(id) = step.topic_id() {
                if !has(&id) {
                    return Err(RunbookError::MissingMessage {
                        step: step.id.clone(),
                        id,
                        locale: locale.to_owned(),
                    });
                }
            }
        }
        Ok(())
    }

    pub fn entry(&self) -> &str {
        &self.entry
    }

    /// The finding-route table, in order.
    pub fn first_routes(&self) -> &[FirstRoute] {
        &self.first
    }

    /// The `[[cloud]]` rows (tried before [`Runbooks::first_routes`]), in order.
    pub fn cloud_routes(&self) -> &[FirstRoute] {
        &self.cloud
    }

    /// Where a paste leads, by its facts, in order.
    pub fn paste_routes(&self) -> &[FirstRoute] {
        &self.paste
    }

    /// Where a healthy re-check started by a paste leads ("can you log in
    /// now?"); the works step when no file names one.
    pub fn confirm_step(&self) -> &str {
        if self.confirm.is_empty() {
            &self.works
        } else {
            &self.confirm
        }
    }

    /// The step "it works now" leads to.
    pub fn works_step(&self) -> &str {
        &self.works
    }

    pub fn step(&self, id: &str) -> Option<&Step> {
        self.steps.get(id)
    }

    pub fn steps(&self) -> impl Iterator<Item = &Step> {
        self.steps.values()
    }

    /// (runbook id, title message id, entry step) in load order.
    pub fn books(&self) -> &[(String, String, String)] {
        &self.books
    }

    /// The flow as a Mermaid flowchart. Labels are step ids and option keys, so
    /// the diagram is the same in every language.
    pub fn mermaid(&self) -> String {
        let node = |id: &str| id.replace('.', "_");
        let mut out = String::from("flowchart TD\n");
        for (book, _, _) in &self.books {
            out.push_str(&format!("  subgraph {book}\n"));
            for s in self
                .steps
                .values()
                .filter(|s| s.id.split('.').next() == Some(book.as_str()))
            {
                let shape = match s.kind {
                    StepKind::Success => format!("{}([{}])", node(&s.id), s.id),
                    StepKind::Escalate => format!("{}[[{}]]", node(&s.id), s.id),
                    StepKind::Input => format!("{}[/{}/]", node(&s.id), s.id),
                    StepKind::Question => format!("{}{{{}}}", node(&s.id), s.id),
                };
                out.push_str(&format!("    {shape}\n"));
            }
            out.push_str("  end\n");
        }
        out.push_str(&format!("  start((start)) --> {}\n", node(&self.entry)));
        for f in self.cloud.iter().chain(&self.first) {
            out.push_str(&format!("  start -->|{}| {}\n", f.name, node(&f.to)));
        }
        for s in self.steps.values() {
            let from = node(&s.id);
            for k in &s.skip {
                out.push_str(&format!("  {from} -.->|skip| {}\n", node(&k.to)));
            }
            for o in &s.options {
                for (_, t) in &o.go.routes {
                    out.push_str(&format!("  {from} -->|{}?| {}\n", o.key, node(t)));
                }
                if o.go.next != BACK_TARGET {
                    out.push_str(&format!("  {from} -->|{}| {}\n", o.key, node(&o.go.next)));
                }
                if let Some(f) = &o.fixed {
                    out.push_str(&format!("  {from} -->|{} fixed| {}\n", o.key, node(f)));
                }
            }
            if let Some(g) = &s.go {
                for (_, t) in &g.routes {
                    out.push_str(&format!("  {from} -->|if| {}\n", node(t)));
                }
                out.push_str(&format!("  {from} --> {}\n", node(&g.next)));
            }
            if let Some(u) = &s.unknown {
                for t in u.targets() {
                    out.push_str(&format!("  {from} -.->|unknown| {}\n", node(t)));
                }
            }
        }
        out
    }
}

fn qualify(book: &str, target: &str) -> String {
    if target.contains('.') || target == BACK_TARGET {
        target.to_owned()
    } else {
        format!("{book}.{target}")
    }
}

fn conds(step: &str, when: &[String]) -> Result<Vec<Cond>, RunbookError> {
    if when.is_empty() {
        return Err(RunbookError::Invalid {
            step: step.to_owned(),
            msg: "a route or skip needs at least one condition".into(),
        });
    }
    when.iter()
        .map(|w| {
            Cond::parse(w).map_err(|msg| RunbookError::Invalid {
                step: step.to_owned(),
                msg,
            })
        })
        .collect()
}

fn transition(
    book: &str,
    step: &str,
    next: &str,
    routes: &[RouteDef],
) -> Result<Transition, RunbookError> {
    Ok(Transition {
        routes: routes
            .iter()
            .map(|r| Ok((conds(step, &r.when)?, qualify(book, &r.to))))
            .collect::<Result<_, RunbookError>>()?,
        next: qualify(book, next),
    })
}

fn convert(book: &str, s: StepDef) -> Result<Step, RunbookError> {
    let id = qualify(book, &s.id);
    let invalid = |msg: &str| RunbookError::Invalid {
        step: id.clone(),
        msg: msg.to_owned(),
    };
    if s.id.contains('.') {
        return Err(invalid("step ids must not contain `.`"));
    }
    let mut keys = BTreeSet::new();
    for m in [Means::Yes, Means::No] {
        if s.options.iter().filter(|o| o.means == Some(m)).count() > 1 {
            return Err(invalid(&format!(
                "more than one option means `{m:?}`; a plain answer must pick one"
            )));
        }
    }
    for o in &s.options {
        if o.key.starts_with('_') {
            return Err(invalid("option keys starting with `_` are reserved"));
        }
        if !keys.insert(o.key.as_str()) {
            return Err(invalid(&format!("option key `{}` used twice", o.key)));
        }
        if o.fixed.is_some() && o.reprobe.is_none() {
            return Err(invalid("`fixed` only makes sense with `reprobe`"));
        }
        if o.key.parse::<u32>().is_ok() {
            return Err(invalid(
                "option keys must not be numbers (numbers pick by position)",
            ));
        }
    }
    if s.unknown.is_none() && !s.unknown_route.is_empty() {
        return Err(invalid("`unknown_route` without `unknown`"));
    }
    let go = match &s.next {
        Some(n) => Some(transition(book, &id, n, &s.route)?),
        None if !s.route.is_empty() => return Err(invalid("`route` without `next`")),
        None => None,
    };
    match s.kind {
        StepKind::Question => {
            if s.options.is_empty() {
                return Err(invalid("a question needs options"));
            }
            if s.unknown.is_none() {
                return Err(invalid(
                    "a question needs `unknown` (where \"I don't know\" leads)",
                ));
            }
            if s.input.is_some() || s.var.is_some() || go.is_some() {
                return Err(invalid("a question takes options, not input/var/next"));
            }
        }
        StepKind::Input => {
            if s.input.is_none() || s.var.is_none() || go.is_none() {
                return Err(invalid("an input step needs `input`, `var` and `next`"));
            }
            if !s.options.is_empty() {
                return Err(invalid("an input step takes no options"));
            }
            if s.sets_port && s.input != Some(InputKind::Port) {
                return Err(invalid("`sets_port` needs `input = \"port\"`"));
            }
            if s.sets_target && s.input != Some(InputKind::Ip) {
                return Err(invalid("`sets_target` needs `input = \"ip\"`"));
            }
            if s.unknown.is_none() {
                return Err(invalid(
                    "an input step needs `unknown` (where \"I don't know\" leads)",
                ));
            }
        }
        StepKind::Success | StepKind::Escalate => {
            if !s.options.is_empty() || go.is_some() || !s.skip.is_empty() || s.unknown.is_some() {
                return Err(invalid("a terminal step leads nowhere"));
            }
        }
    }
    if s.say.is_empty() {
        return Err(invalid("a step must say something"));
    }
    let options = s
        .options
        .iter()
        .map(|o| {
            Ok(StepOption {
                key: o.key.clone(),
                label: o.label.clone(),
                go: transition(book, &id, &o.next, &o.route)?,
                reprobe: o.reprobe,
                fixed: o.fixed.as_deref().map(|f| qualify(book, f)),
                set: o.set.clone(),
                rules_out: o.rules_out.clone(),
                disputed: o
                    .disputed
                    .as_ref()
                    .map(|d| {
                        Ok::<_, RunbookError>(Dispute {
                            when: conds(&id, &d.when)?,
                            note: d.note.clone(),
                        })
                    })
                    .transpose()?,
                means: o.means,
            })
        })
        .collect::<Result<_, RunbookError>>()?;
    let skip = s
        .skip
        .iter()
        .map(|k| {
            Ok(Skip {
                when: conds(&id, &k.when)?,
                to: qualify(book, &k.to),
                note: k.note.clone(),
            })
        })
        .collect::<Result<_, RunbookError>>()?;
    let unknown = s
        .unknown
        .as_deref()
        .map(|u| transition(book, &id, u, &s.unknown_route))
        .transpose()?;
    Ok(Step {
        id,
        kind: s.kind,
        title: s.title,
        say: s.say,
        skip,
        options,
        input: s.input,
        var: s.var,
        go,
        probe: s.probe,
        sets_port: s.sets_port,
        sets_target: s.sets_target,
        unknown,
        offers_works: false,
        paste: s.paste,
        ports_answer: s.ports_answer,
        topic: s.topic,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = r#"
works = "t.a"

[runbook]
id = "t"
title = "t-title"
entry = "a"

[[step]]
id = "a"
kind = "question"
title = "a-title"
say = ["a-body"]
unknown = "done"
[[step.option]]
key = "yes"
label = "opt-yes"
next = "done"
[[step.option]]
key = "no"
label = "opt-no"
next = "help"

[[step]]
id = "done"
kind = "success"
title = "done-title"
say = ["done-body"]

[[step]]
id = "help"
kind = "escalate"
title = "help-title"
say = ["help-body"]
"#;

    fn load(text: &str) -> Result<Runbooks, RunbookError> {
        Runbooks::load(&[("t.toml", text)], "t")
    }

    #[test]
    fn loads_a_valid_runbook() {
        let rb = load(OK).unwrap();
        assert_eq!(rb.entry(), "t.a");
        assert_eq!(rb.steps().count(), 3);
        assert!(rb.mermaid().contains("t_a -->|yes| t_done"));
    }

    /// Step ids and option keys travel inside button ids.
    #[test]
    fn rejects_ids_and_keys_that_would_break_a_button_id() {
        for bad in [
            OK.replace("id = \"help\"", "id = \"he:lp\"")
                .replace("next = \"help\"", "next = \"he:lp\""),
            OK.replace("key = \"no\"", "key = \"n|o\""),
            OK.replace("key = \"no\"", "key = \"n o\""),
        ] {
            assert!(
                matches!(load(&bad), Err(RunbookError::Invalid { .. })),
                "{:?}",
                load(&bad).err()
            );
        }
    }

    #[test]
    fn rejects_unknown_target() {
        let bad = OK.replace("next = \"done\"", "next = \"nowhere\"");
        assert!(matches!(
            load(&bad),
            Err(RunbookError::UnknownTarget { .. })
        ));
    }

    #[test]
    fn rejects_unreachable_step() {
        let bad = OK.replace("next = \"help\"", "next = \"done\"");
        assert_eq!(
            load(&bad).unwrap_err(),
            RunbookError::Unreachable("t.help".into())
        );
    }

    #[test]
    fn rejects_a_loop_without_exit() {
        let bad = OK.replace(
            "[[step]]\nid = \"done\"",
            "[[step.option]]\nkey = \"maybe\"\nlabel = \"x\"\nnext = \"loop\"\n\n[[step]]\nid = \"loop\"\nkind = \"question\"\ntitle = \"x\"\nsay = [\"x\"]\nunknown = \"loop\"\n[[step.option]]\nkey = \"again\"\nlabel = \"x\"\nnext = \"loop\"\n\n[[step]]\nid = \"done\"",
        );
        let err = load(&bad).unwrap_err();
        assert!(
            matches!(err, RunbookError::NoWayOut(ref s) if s == "t.loop"),
            "{err}"
        );
    }

    #[test]
    fn rejects_unknown_fields_and_conditions() {
        let bad = OK.replace(
            "label = \"opt-yes\"",
            "label = \"opt-yes\"\ncolour = \"red\"",
        );
        assert!(matches!(load(&bad), Err(RunbookError::Syntax { .. })));
        let bad = OK.replace(
            "next = \"done\"",
            "next = \"done\"\nroute = [{ when = [\"finding:port-purple\"], to = \"help\" }]",
        );
        assert!(matches!(load(&bad), Err(RunbookError::Invalid { .. })));
        let bad = OK.replace(
            "next = \"done\"",
            "next = \"done\"\nreprobe = \"telepathy\"",
        );
        assert!(matches!(load(&bad), Err(RunbookError::Syntax { .. })));
    }

    #[test]
    fn rejects_question_without_options() {
        let bad = OK.replace(
            "kind = \"success\"\ntitle = \"done-title\"",
            "kind = \"question\"\ntitle = \"done-title\"",
        );
        assert!(matches!(load(&bad), Err(RunbookError::Invalid { .. })));
    }

    #[test]
    fn every_question_needs_a_way_out_that_ends() {
        let bad = OK.replace("unknown = \"done\"\n", "");
        assert!(
            matches!(load(&bad), Err(RunbookError::Invalid { ref msg, .. }) if msg.contains("unknown")),
            "{:?}",
            load(&bad)
        );
        // "I don't know" leading back to the same question is a trap.
        let bad = OK.replace("unknown = \"done\"", "unknown = \"a\"");
        let err = load(&bad).unwrap_err();
        assert!(err.to_string().contains("loops forever"), "{err}");
        // Reserved option keys and a missing `works` step are refused.
        let bad = OK.replace("key = \"yes\"", "key = \"_works\"");
        assert!(load(&bad).is_err());
        let bad = OK.replace("works = \"t.a\"\n", "");
        assert!(load(&bad).unwrap_err().to_string().contains("works"));
        // Two options cannot both mean "yes".
        let bad = OK
            .replace(
                "label = \"opt-yes\"\nnext = \"done\"",
                "label = \"opt-yes\"\nnext = \"done\"\nmeans = \"yes\"",
            )
            .replace(
                "label = \"opt-no\"\nnext = \"help\"",
                "label = \"opt-no\"\nnext = \"help\"\nmeans = \"yes\"",
            );
        assert!(load(&bad)
            .unwrap_err()
            .to_string()
            .contains("more than one option"));
    }

    #[test]
    fn first_routes_and_works_step_are_validated() {
        let with_route = format!(
            "{OK}\n[[first]]\nname = \"r\"\nwhen = [\"finding:port-closed\"]\nto = \"t.help\"\n"
        );
        let rb = load(&with_route).unwrap();
        assert_eq!(rb.first_routes().len(), 1);
        assert_eq!(rb.works_step(), "t.a");
        let bad = with_route.replace("to = \"t.help\"", "to = \"t.nowhere\"");
        assert!(matches!(
            load(&bad),
            Err(RunbookError::UnknownTarget { .. })
        ));
        let bad = with_route.replace("finding:port-closed", "finding:port-purple");
        assert!(matches!(load(&bad), Err(RunbookError::Invalid { .. })));
    }

    #[test]
    fn missing_messages_are_reported() {
        let rb = load(OK).unwrap();
        let err = rb.check_messages("xx", |id| id != "help-body").unwrap_err();
        assert!(matches!(err, RunbookError::MissingMessage { ref id, .. } if id == "help-body"));
        rb.check_messages("xx", |_| true).unwrap();
    }

    #[test]
    fn every_question_needs_a_topic_from_the_glossary() {
        // "How do I check that?" must have an answer at every question.
        let err = load(OK).unwrap().check_topics(&["vnc"]).unwrap_err();
        assert!(err.to_string().contains("needs a `topic`"), "{err}");
        let with = OK.replace(
            "kind = \"question\"\n",
            "kind = \"question\"\ntopic = \"vnc\"\n",
        );
        load(&with).unwrap().check_topics(&["vnc"]).unwrap();
        let err = load(&with).unwrap().check_topics(&["port"]).unwrap_err();
        assert!(err.to_string().contains("not a glossary term"), "{err}");
    }

    #[test]
    fn conditions_parse() {
        assert_eq!(
            Cond::parse("finding:port-open"),
            Ok(Cond::Finding(Finding::PortOpen))
        );
        assert_eq!(
            Cond::parse("var:user_port=failed"),
            Ok(Cond::Var("user_port".into(), "failed".into()))
        );
        assert_eq!(
            Cond::parse("var:a!=b"),
            Ok(Cond::VarNot("a".into(), "b".into()))
        );
        assert!(Cond::parse("os:auto").is_err());
        assert!(Cond::parse("nonsense").is_err());
    }
}
