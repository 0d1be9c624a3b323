//! Limits: the port policy, why a probe was refused, and the caps that keep a
//! conversation bounded. Pure data and pure functions.
//!
//! The runtime's admission point (`vmd_runtime::admission`) decides whether a
//! probe may run; when it may not, the driver feeds the engine
//! [`crate::Input::ProbeRefused`] with a [`ProbeRefusal`], and the engine says
//! why in the user's language and returns to the step it was at.

use crate::msg::Msg;
use crate::policy::Refusal;
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

/// A bad `allowed_ports` value.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not a port or port range (1-65535): {entry:?}")]
pub struct PortListError {
    pub entry: String,
}

/// Which TCP ports may be probed, and how many distinct ones per conversation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PortPolicy {
    /// Inclusive ranges.
    ranges: Vec<(u16, u16)>,
    /// Distinct ports one conversation may probe (22 and 3389 included).
    pub max_per_conversation: u32,
}

/// `22,3389,1024-65535`: SSH, RDP and the unprivileged range, where custom
/// SSH/RDP ports live; well-known services below 1024 are left alone.
pub const DEFAULT_ALLOWED_PORTS: &str = "22,3389,1024-65535";
/// 22, 3389 and two custom ports.
pub const DEFAULT_MAX_PORTS: u32 = 4;

impl Default for PortPolicy {
    fn default() -> Self {
        PortPolicy {
            ranges: parse_port_list(DEFAULT_ALLOWED_PORTS).unwrap_or_default(),
            max_per_conversation: DEFAULT_MAX_PORTS,
        }
    }
}

/// Parse `22, 3389, 1024-65535` into inclusive ranges.
pub fn parse_port_list(s: &str) -> Result<Vec<(u16, u16)>, PortListError> {
    let mut out = Vec::new();
    for raw in s.split(',') {
        let entry = raw.trim();
        if entry.is_empty() {
            continue;
        }
        let bad = || PortListError {
            entry: entry.to_owned(),
        };
        let port = |t: &str| -> Result<u16, PortListError> {
            match t.trim().parse::<u16>() {
                Ok(p) if p > 0 => Ok(p),
                _ => Err(bad()),
            }
        };
        let (lo, hi) = match entry.split_once('-') {
            Some((a, b)) => (port(a)?, port(b)?),
            None => {
                let p = port(entry)?;
                (p, p)
            }
        };
        if lo > hi {
            return Err(bad());
        }
        out.push((lo, hi));
    }
    if out.is_empty() {
        return Err(PortListError {
            entry: s.to_owned(),
        });
    }
    Ok(out)
}

impl PortPolicy {
    pub fn new(ranges: Vec<(u16, u16)>, max_per_conversation: u32) -> Self {
        PortPolicy {
            ranges,
            max_per_conversation: max_per_conversation.max(1),
        }
    }

    pub fn allows(&self, port: u16) -> bool {
        self.ranges
            .iter()
            .any(|(lo, hi)| (*lo..=*hi).contains(&port))
    }

    /// The allowed ports as the operator would write them.
    pub fn describe(&self) -> String {
        self.ranges
            .iter()
            .map(|(lo, hi)| {
                if lo == hi {
                    lo.to_string()
                } else {
                    format!("{lo}-{hi}")
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// May a conversation that already probed `seen` probe `port` too?
    pub fn check(&self, seen: &[u16], port: u16) -> Result<(), ProbeRefusal> {
        if !self.allows(port) {
            return Err(ProbeRefusal::PortNotAllowed {
                port,
                allowed: self.describe(),
            });
        }
        let mut distinct: Vec<u16> = seen.to_vec();
        distinct.push(port);
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() > self.max_per_conversation as usize {
            return Err(ProbeRefusal::TooManyPorts {
                port,
                max: self.max_per_conversation,
            });
        }
        Ok(())
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

/// At most `max` characters of `s`, cut on a character boundary.
pub fn truncate_chars(s: &mut String, max: usize) {
    if let Some((i, _)) = s.char_indices().nth(max) {
        s.truncate(i);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_ports() {
        let p = PortPolicy::default();
        for ok in [22, 3389, 1024, 2222, 3390, 65535] {
            assert!(p.allows(ok), "{ok}");
        }
        for no in [1, 21, 23, 25, 80, 443, 1023] {
            assert!(!p.allows(no), "{no}");
        }
        assert_eq!(p.describe(), "22, 3389, 1024-65535");
    }

    #[test]
    fn port_list_parsing() {
        assert_eq!(
            parse_port_list(" 22 , 8000-8100").unwrap(),
            vec![(22, 22), (8000, 8100)]
        );
        for bad in ["", "0", "70000", "a", "10-5", "1-", "22,,x"] {
            assert!(parse_port_list(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn distinct_ports_per_conversation() {
        let p = PortPolicy::new(parse_port_list("22,3389,1024-65535").unwrap(), 4);
        assert_eq!(p.check(&[22, 3389], 2222), Ok(()));
        assert_eq!(p.check(&[22, 3389, 2222], 2223), Ok(()));
        assert_eq!(p.check(&[22, 3389, 2222, 2223], 2222), Ok(()));
        assert_eq!(
            p.check(&[22, 3389, 2222, 2223], 2224),
            Err(ProbeRefusal::TooManyPorts { port: 2224, max: 4 })
        );
        assert!(matches!(
            p.check(&[], 979),
            Err(ProbeRefusal::PortNotAllowed { port: 979, .. })
        ));
    }

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
