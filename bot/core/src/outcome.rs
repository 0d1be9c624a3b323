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
        }
    }
}
