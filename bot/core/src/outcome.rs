//! One line of the outcome log: how a conversation ended, for the people who
//! improve the runbooks (`vm-doctor stats`). Plain data; the runtime writes it.

use crate::command::Os;
use crate::session::{Outcome, Session};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct OutcomeRecord {
    /// Milliseconds since the Unix epoch.
    pub ts: u64,
    /// Filled in by the runtime (`console`, `discord`, ...).
    #[serde(default)]
    pub platform: String,
    pub ip: String,
    pub os: String,
    pub outcome: Outcome,
    /// Step ids visited, in order.
    pub steps: Vec<String>,
    /// How many answers the user gave.
    pub answers: u32,
    /// Finding codes of the first probe.
    pub findings: Vec<String>,
    /// When the conversation started (ms since the epoch).
    #[serde(default)]
    pub started_ms: u64,
    /// Which conversation this line ends, filled in by the runtime: a
    /// pseudonymous id (a hash of the conversation's key and start), so that a
    /// line written again after a crash counts once in `vm-doctor stats`.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub conversation: String,
}

impl OutcomeRecord {
    pub fn of(s: &Session, outcome: Outcome, now_ms: u64) -> OutcomeRecord {
        OutcomeRecord {
            ts: now_ms,
            platform: String::new(),
            ip: s.target.map(|t| t.to_string()).unwrap_or_default(),
            os: s.os.map(Os::key).unwrap_or("auto").to_owned(),
            outcome,
            steps: s.visited.clone(),
            answers: s.answer_count,
            findings: s
                .first_findings
                .iter()
                .map(|f| f.code().to_owned())
                .collect(),
            started_ms: s.created_ms,
            conversation: String::new(),
        }
    }
}
