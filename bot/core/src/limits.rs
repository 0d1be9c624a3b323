//! Limits: the port policy, why a probe was refused, and the caps that keep a
//! conversation bounded. Pure data and pure functions.
//!
//! The runtime's admission point (`vmd_runtime::admission`) decides whether a
//! probe may run; when it may not, the driver feeds the engine
//! [`crate::Input::ProbeRefused`] with a [`ProbeRefusal`], and the engine says
//! why in the user's language and returns to the step it was at.

use crate::msg::Msg;
use crate::policy::Refusal;
pub use crate::ports::{
    parse_port_list, PortListError, PortPolicy, PortRefusal, DEFAULT_ALLOWED_PORTS,
    DEFAULT_MAX_PORTS,
};
pub use crate::text::truncate_chars;
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Probe reports kept in full per session; older ones are summarised.
pub const MAX_PROBES_KEPT: usize = 4;
/// Summaries of older probe reports kept per session (the oldest go first).
pub const MAX_PROBE_SUMMARIES: usize = 32;
/// Answers kept per session (the oldest go first).
pub const MAX_ANSWERS: usize = 64;
/// Characters of a typed value kept in an answer (the variable keeps more).
pub const MAX_ANSWER_VALUE: usize = 300;
/// Steps kept in the trail `/back` walks.
pub const MAX_TRAIL: usize = 64;
/// Runbook variables kept per session.
pub const MAX_VARS: usize = 32;
/// Characters of one variable value (pasted command output).
pub const MAX_VAR_VALUE: usize = 2000;
/// Algorithm names kept per SSH name-list in a stored report.
pub const MAX_STORED_NAMES: usize = 16;
/// Characters of one stored algorithm name (RFC 4251 allows 64).
pub const MAX_STORED_NAME_LEN: usize = 64;
/// Hard limit on one encoded session record; the store trims further past it.
pub const MAX_RECORD_BYTES: usize = 64 * 1024;
/// Bytes of pasted text a session keeps over all its pastes (the newest
/// first, each at most [`crate::paste::MAX_REPORT_PASTE`]).
pub const MAX_PASTE_TEXT: usize = 8 * 1024;
/// Characters kept of each text a fact read from a paste holds (an address,
/// a program name, a message): as many as are ever said back.
pub const MAX_FACT_TEXT: usize = 40;

/// Fluent ids used by limits (`locales/*/limits.ftl`).
pub const LIMIT_MESSAGE_IDS: &[&str] = &[
    "limit-rate-user",
    "limit-rate-space",
    "limit-rate-target",
    "limit-busy",
    "limit-port-not-allowed",
    "limit-too-many-ports",
    "limit-target-refused",
    "limit-record-too-new",
    "limit-report-earlier",
    "limit-report-forgotten",
    "limit-rate-starts",
    "limit-place-not-allowed",
    "limit-role-required",
    "limit-commands",
    "limit-report-again",
];

/// Which budget ran out.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Budget {
    /// This user's probes, over all their conversations on the platform.
    User,
    /// The platform space's probes (a Discord guild, a Slack workspace, the console).
    Space,
    /// Probes of one target address (IPv6: its /64), whoever asks.
    Target,
    /// Diagnoses this user (or this space) started: the adapter's start limit.
    Starts,
}

/// Why the admission point refused a probe.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ProbeRefusal {
    /// A budget is spent; it refills in `retry_after_s` seconds.
    Rate { budget: Budget, retry_after_s: u64 },
    /// The user already has as many probes running as allowed.
    Busy { max: u32 },
    /// The target policy in force refuses the address.
    Target { ip: IpAddr, refusal: Refusal },
    /// The port policy refuses the port.
    PortNotAllowed { port: u16, allowed: String },
    /// The conversation would probe more distinct ports than allowed.
    TooManyPorts { port: u16, max: u32 },
    /// The place the request came from (a channel) may not start diagnoses.
    PlaceNotAllowed,
    /// The sender lacks the role the operator requires for probes.
    RoleRequired,
}

impl From<PortRefusal> for ProbeRefusal {
    fn from(r: PortRefusal) -> Self {
        match r {
            PortRefusal::NotAllowed { port, allowed } => {
                ProbeRefusal::PortNotAllowed { port, allowed }
            }
            PortRefusal::TooMany { port, max } => ProbeRefusal::TooManyPorts { port, max },
        }
    }
}

impl ProbeRefusal {
    /// What the user is told.
    pub fn msgs(&self) -> Vec<Msg> {
        match self {
            ProbeRefusal::Rate {
                budget,
                retry_after_s,
            } => {
                let id = match budget {
                    Budget::User => "limit-rate-user",
                    Budget::Space => "limit-rate-space",
                    Budget::Target => "limit-rate-target",
                    Budget::Starts => "limit-rate-starts",
                };
                vec![Msg::new(id).arg("seconds", (*retry_after_s).max(1))]
            }
            ProbeRefusal::Busy { max } => {
                vec![Msg::new("limit-busy").arg("max", i64::from(*max))]
            }
            ProbeRefusal::Target { ip, refusal } => vec![
                Msg::new("limit-target-refused").arg("ip", ip.to_string()),
                Msg::new(format!("refusal-{}", refusal.code())).arg("ip", ip.to_string()),
            ],
            ProbeRefusal::PortNotAllowed { port, allowed } => {
                vec![Msg::new("limit-port-not-allowed")
                    .arg("port", *port)
                    .arg("allowed", allowed.clone())]
            }
            ProbeRefusal::TooManyPorts { port, max } => vec![Msg::new("limit-too-many-ports")
                .arg("port", *port)
                .arg("max", i64::from(*max))],
            ProbeRefusal::PlaceNotAllowed => vec![Msg::new("limit-place-not-allowed")],
            ProbeRefusal::RoleRequired => vec![Msg::new("limit-role-required")],
        }
    }

    /// Stable code for logs.
    pub fn code(&self) -> &'static str {
        match self {
            ProbeRefusal::Rate {
                budget: Budget::User,
                ..
            } => "rate-user",
            ProbeRefusal::Rate {
                budget: Budget::Space,
                ..
            } => "rate-space",
            ProbeRefusal::Rate {
                budget: Budget::Target,
                ..
            } => "rate-target",
            ProbeRefusal::Rate {
                budget: Budget::Starts,
                ..
            } => "rate-starts",
            ProbeRefusal::Busy { .. } => "busy",
            ProbeRefusal::Target { .. } => "target",
            ProbeRefusal::PortNotAllowed { .. } => "port-not-allowed",
            ProbeRefusal::TooManyPorts { .. } => "too-many-ports",
            ProbeRefusal::PlaceNotAllowed => "place-not-allowed",
            ProbeRefusal::RoleRequired => "role-required",
        }
    }
}

/// Invisible, reordering and control characters, which can make echoed text
/// read differently from what it is: [`crate::text::is_hidden`] plus every
/// control character (line breaks and tabs included).
pub fn is_invisible_control(c: char) -> bool {
    crate::text::is_hidden(c) || c.is_control()
}

/// `s` as one clean line ([`crate::text::clean_line`]).
pub fn strip_invisible(s: &str) -> String {
    crate::text::clean_line(s)
}

/// Like [`strip_invisible`], but keeps line breaks (every kind as `\n`) and
/// tabs (pasted command output; [`crate::text::clean_lines`]).
pub fn strip_invisible_keep_lines(s: &str) -> String {
    crate::text::clean_lines(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn invisible_controls_are_stripped() {
        let s = "a\u{202E}b\u{2066}c\u{200B}d\u{FEFF}e\u{0007}f";
        assert_eq!(strip_invisible(s), "abcdef");
        assert_eq!(strip_invisible("서버 ok"), "서버 ok");
        assert_eq!(
            strip_invisible_keep_lines("a\u{202E}b\n\tc\r\u{2067}\u{2028}d"),
            "ab\n\tc\n\nd"
        );
        let mut t = "가나다라".to_owned();
        truncate_chars(&mut t, 2);
        assert_eq!(t, "가나");
    }
}
