//! The neutral reply model: message ids with arguments, never rendered text.
//!
//! The core speaks only in Fluent message ids; adapters render them in the
//! user's language. Nothing here knows a platform or a language.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// An argument value for a Fluent message.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Arg {
    Num(i64),
    Str(String),
}

impl From<&str> for Arg {
    fn from(s: &str) -> Self {
        Arg::Str(s.to_owned())
    }
}
impl From<String> for Arg {
    fn from(s: String) -> Self {
        Arg::Str(s)
    }
}
impl From<i64> for Arg {
    fn from(n: i64) -> Self {
        Arg::Num(n)
    }
}
impl From<u16> for Arg {
    fn from(n: u16) -> Self {
        Arg::Num(n.into())
    }
}
impl From<u64> for Arg {
    fn from(n: u64) -> Self {
        Arg::Num(i64::try_from(n).unwrap_or(i64::MAX))
    }
}

/// One localisable message: a Fluent id plus named arguments.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Msg {
    pub id: String,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub args: BTreeMap<String, Arg>,
}

impl Msg {
    pub fn new(id: impl Into<String>) -> Self {
        Msg {
            id: id.into(),
            args: BTreeMap::new(),
        }
    }

    pub fn arg(mut self, name: &str, value: impl Into<Arg>) -> Self {
        self.args.insert(name.to_owned(), value.into());
        self
    }

    pub fn with_args(mut self, args: &BTreeMap<String, Arg>) -> Self {
        for (k, v) in args {
            self.args.entry(k.clone()).or_insert_with(|| v.clone());
        }
        self
    }
}

/// How alarming a reply is; renderers map it to colour or emoji.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    #[default]
    Info,
    Good,
    Warning,
    Problem,
}

/// A button / numbered option.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Choice {
    /// Stable key sent back as [`crate::engine::Input::Choose`].
    pub key: String,
    /// Its Fluent message; the message's `.aliases` attribute lists extra
    /// words that pick this option (e.g. "yes, y, 네").
    pub label: Msg,
    /// What a plain "yes" or "no" picks at this question.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub means: Option<Means>,
}

/// What kind of free text the bot is waiting for, if any.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Expect {
    /// One of the options (free text is matched against them).
    Choice,
    /// An IP address.
    Ip,
    /// A port number.
    Port,
    /// An operating system name.
    Os,
    /// Free text (e.g. pasted command output).
    Text,
    /// Nothing: the conversation has ended or is waiting on a probe.
    Nothing,
}

/// A neutral reply; each adapter renders it its own way.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reply {
    pub severity: Severity,
    /// Paragraphs, in order.
    pub parts: Vec<Msg>,
    pub options: Vec<Choice>,
    pub expect: Expect,
    /// The runbook step this reply belongs to, when it asks something.
    pub step: Option<String>,
    /// The question this reply asks, as [`crate::session::Session::question`]
    /// names it (buttons carry it, so a click answers this asking only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    /// Command output can be pasted to answer it (adapters offer a button).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub paste: bool,
}

impl Reply {
    pub fn info(parts: Vec<Msg>) -> Self {
        Reply {
            severity: Severity::Info,
            parts,
            options: Vec::new(),
            expect: Expect::Nothing,
            step: None,
            question: None,
            paste: false,
        }
    }

    pub fn one(id: &str) -> Self {
        Reply::info(vec![Msg::new(id)])
    }

    pub fn severity(mut self, s: Severity) -> Self {
        self.severity = s;
        self
    }

    pub fn expect(mut self, e: Expect) -> Self {
        self.expect = e;
        self
    }
}

/// The meaning of an option for plain answers ("yes", "네", "nope", "ㄴㄴ").
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Means {
    Yes,
    No,
}
