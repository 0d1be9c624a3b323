//! The port policy: which TCP ports may be probed, and how many distinct ones
//! one conversation may probe. The ports a moved login service most often
//! uses (`Service::moved_ports`, checked once when the login port is closed
//! or filtered) pass [`PortPolicy::check_alternate`]: the allowed ranges
//! apply, the per-conversation cap does not, so that check never leaves the
//! user fewer ports of their own. A leaf module: [`crate::policy`] holds one, and
//! [`crate::limits::ProbeRefusal`] turns a [`PortRefusal`] into what the user
//! is told.

/// Why the port policy refuses a port.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortRefusal {
    /// The port is outside the allowed ranges (`allowed` as the operator wrote them).
    NotAllowed { port: u16, allowed: String },
    /// The conversation would probe more distinct ports than allowed.
    TooMany { port: u16, max: u32 },
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
    pub fn check(&self, seen: &[u16], port: u16) -> Result<(), PortRefusal> {
        if !self.allows(port) {
            return Err(PortRefusal::NotAllowed {
                port,
                allowed: self.describe(),
            });
        }
        let mut distinct: Vec<u16> = seen.to_vec();
        distinct.push(port);
        distinct.sort_unstable();
        distinct.dedup();
        if distinct.len() > self.max_per_conversation as usize {
            return Err(PortRefusal::TooMany {
                port,
                max: self.max_per_conversation,
            });
        }
        Ok(())
    }

    /// May the alternate-port check probe `port`? Only the allowed ranges
    /// apply: the alternates are not counted among the conversation's
    /// distinct ports (`Session::ports_probed`), nor limited by them.
    pub fn check_alternate(&self, port: u16) -> Result<(), PortRefusal> {
        if self.allows(port) {
            Ok(())
        } else {
            Err(PortRefusal::NotAllowed {
                port,
                allowed: self.describe(),
            })
        }
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
            Err(PortRefusal::TooMany { port: 2224, max: 4 })
        );
        assert!(matches!(
            p.check(&[], 979),
            Err(PortRefusal::NotAllowed { port: 979, .. })
        ));
    }

    #[test]
    fn alternates_are_outside_the_distinct_port_cap() {
        let p = PortPolicy::new(parse_port_list("22,3389,2000-2999").unwrap(), 2);
        // The cap is reached by the user's own ports...
        assert!(p.check(&[22, 2022], 2222).is_err());
        // ...and the alternate check still may run, within the ranges only.
        assert_eq!(p.check_alternate(2222), Ok(()));
        assert!(matches!(
            p.check_alternate(22222),
            Err(PortRefusal::NotAllowed { port: 22222, .. })
        ));
    }
}
