//! Stable finding codes: what a probe report means, in words the runbooks branch on.
//!
//! Codes are part of the public contract (runbook conditions and Fluent ids
//! `finding-<code>` use them); renaming one is a breaking change.

use crate::probe::{
    IcmpState, PortReason, PortState, ProbeReport, RdpError, RdpLayer, Service, SshError,
};
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Finding {
    /// The host answers ping.
    IcmpReply,
    /// Ping got no answer (common on cloud VMs: never "down" on its own).
    IcmpNoReply,
    /// The bot could not send ping from where it runs.
    IcmpUnavailable,
    /// Ping is blocked but the service port answers: the host is up.
    IcmpBlockedPortOpen,
    /// The service port completed a TCP handshake.
    PortOpen,
    /// The host answered with a reset: nothing listens on the service port.
    PortClosed,
    /// No answer on the service port: a security group or firewall drops it.
    PortFiltered,
    /// A router or the host said the port/host is unreachable or prohibited.
    HostUnreachable,
    /// The bot's own network failed the attempt; says nothing about the server.
    ProbeInconclusive,
    /// Ping gets no answer and neither does any port.
    NoAnswerAtAll,
    /// SSH answered and negotiates with a current client.
    SshOk,
    /// Port open but no SSH identification arrived in time.
    SshNoBanner,
    /// The connection was closed before any identification (TCP wrappers, a ban).
    SshClosedBeforeBanner,
    /// The server refused us with a message such as `Exceeded MaxStartups`.
    SshServerRefused,
    /// Something that is not SSH listens on the SSH port.
    SshNotSsh,
    /// Only legacy algorithms are offered; current OpenSSH clients refuse them.
    SshLegacyOnly,
    /// SSH introduced itself but its key-exchange offer never arrived whole.
    SshKexIncomplete,
    /// RDP answered the negotiation.
    RdpOk,
    /// The server only accepts Network Level Authentication (CredSSP).
    RdpNlaRequired,
    /// The server requires TLS and refuses classic RDP security.
    RdpTlsOnly,
    /// The server only does classic RDP security (no TLS, no NLA).
    RdpClassicOnly,
    /// The server answered without negotiation data (very old RDP stack).
    RdpLegacy,
    /// Port open but the RDP negotiation got no answer.
    RdpNoAnswer,
    /// Something that is not RDP listens on the RDP port.
    RdpNotRdp,
}

impl Finding {
    /// The stable code, as used in runbook conditions and Fluent ids.
    pub fn code(self) -> &'static str {
        use Finding::*;
        match self {
            IcmpReply => "icmp-reply",
            IcmpNoReply => "icmp-no-reply",
            IcmpUnavailable => "icmp-unavailable",
            IcmpBlockedPortOpen => "icmp-blocked-port-open",
            PortOpen => "port-open",
            PortClosed => "port-closed",
            PortFiltered => "port-filtered",
            HostUnreachable => "host-unreachable",
            ProbeInconclusive => "probe-inconclusive",
            NoAnswerAtAll => "no-answer-at-all",
            SshOk => "ssh-ok",
            SshNoBanner => "ssh-no-banner",
            SshClosedBeforeBanner => "ssh-closed-before-banner",
            SshServerRefused => "ssh-server-refused",
            SshNotSsh => "ssh-not-ssh",
            SshLegacyOnly => "ssh-legacy-only",
            SshKexIncomplete => "ssh-kex-incomplete",
            RdpOk => "rdp-ok",
            RdpNlaRequired => "rdp-nla-required",
            RdpTlsOnly => "rdp-tls-only",
            RdpClassicOnly => "rdp-classic-only",
            RdpLegacy => "rdp-legacy",
            RdpNoAnswer => "rdp-no-answer",
            RdpNotRdp => "rdp-not-rdp",
        }
    }

    pub const ALL: [Finding; 24] = {
        use Finding::*;
        [
            IcmpReply,
            IcmpNoReply,
            IcmpUnavailable,
            IcmpBlockedPortOpen,
            PortOpen,
            PortClosed,
            PortFiltered,
            HostUnreachable,
            ProbeInconclusive,
            NoAnswerAtAll,
            SshOk,
            SshNoBanner,
            SshClosedBeforeBanner,
            SshServerRefused,
            SshNotSsh,
            SshLegacyOnly,
            SshKexIncomplete,
            RdpOk,
            RdpNlaRequired,
            RdpTlsOnly,
            RdpClassicOnly,
            RdpLegacy,
            RdpNoAnswer,
            RdpNotRdp,
        ]
    };

    pub fn from_code(code: &str) -> Option<Finding> {
        Finding::ALL.iter().copied().find(|f| f.code() == code)
    }

    /// Whether this finding is a problem (drives severity in replies).
    pub fn is_problem(self) -> bool {
        use Finding::*;
        !matches!(
            self,
            IcmpReply | IcmpUnavailable | IcmpBlockedPortOpen | PortOpen | SshOk | RdpOk
        )
    }
}

/// Derive the findings of a report for the port the runbook cares about.
///
/// `service_port` is the port the user logs in through (22, 3389 or a custom one);
/// `service` tells which handshake result belongs to it.
pub fn derive(report: &ProbeReport, service_port: u16, service: Option<Service>) -> Vec<Finding> {
    let mut out = Vec::new();
    let port = report.port(service_port);
    let port_state = port.map(|p| p.state);

    match report.icmp.as_ref().map(|i| i.state) {
        Some(IcmpState::Reply) => out.push(Finding::IcmpReply),
        Some(IcmpState::NoReply) => out.push(Finding::IcmpNoReply),
        Some(IcmpState::Unavailable) => out.push(Finding::IcmpUnavailable),
        None => {}
    }

    if let Some(p) = port {
        match p.state {
            PortState::Open => out.push(Finding::PortOpen),
            PortState::Closed => out.push(Finding::PortClosed),
            PortState::Filtered => match p.reason {
                PortReason::HostUnreachable
                | PortReason::NetUnreachable
                | PortReason::AdminProhibited => {
                    out.push(Finding::PortFiltered);
                    out.push(Finding::HostUnreachable);
                }
                _ => out.push(Finding::PortFiltered),
            },
            PortState::Inconclusive => out.push(Finding::ProbeInconclusive),
        }
    }

    let icmp_silent = matches!(
        report.icmp.as_ref().map(|i| i.state),
        Some(IcmpState::NoReply)
    );
    if icmp_silent && port_state == Some(PortState::Open) {
        out.push(Finding::IcmpBlockedPortOpen);
    }
    // An ICMP "unreachable"/"prohibited" is an answer too (a refusal): never
    // "no answer at all" next to it.
    let any_port_answered = report.ports.iter().any(|p| {
        matches!(p.state, PortState::Open | PortState::Closed)
            || matches!(
                p.reason,
                PortReason::HostUnreachable
                    | PortReason::NetUnreachable
                    | PortReason::AdminProhibited
            )
    });
    if icmp_silent && !report.ports.is_empty() && !any_port_answered {
        out.push(Finding::NoAnswerAtAll);
    }

    if port_state == Some(PortState::Open) {
        match service {
            Some(Service::Ssh) => {
                if let Some(ssh) = report.ssh.as_ref().filter(|s| s.port == service_port) {
                    match ssh.error {
                        None if ssh.legacy_only => out.push(Finding::SshLegacyOnly),
                        None => out.push(Finding::SshOk),
                        Some(SshError::NoBanner) => out.push(Finding::SshNoBanner),
                        Some(SshError::ClosedBeforeBanner) => {
                            out.push(Finding::SshClosedBeforeBanner)
                        }
                        Some(SshError::ServerRefused) => out.push(Finding::SshServerRefused),
                        Some(SshError::NotSsh) => out.push(Finding::SshNotSsh),
                        // A banner came but the key-exchange offer did not
                        // (or not whole): SSH, but not one a client can use.
                        Some(SshError::BadKexinit) => out.push(Finding::SshKexIncomplete),
                        Some(SshError::Connect) => out.push(Finding::ProbeInconclusive),
                    }
                }
            }
            Some(Service::Rdp) => {
                if let Some(rdp) = report.rdp.as_ref().filter(|r| r.port == service_port) {
                    match rdp.error {
                        Some(RdpError::NoAnswer) => out.push(Finding::RdpNoAnswer),
                        Some(RdpError::NotRdp) => out.push(Finding::RdpNotRdp),
                        Some(RdpError::Connect) => out.push(Finding::ProbeInconclusive),
                        None => {
                            out.push(Finding::RdpOk);
                            if rdp.legacy {
                                out.push(Finding::RdpLegacy);
                            } else {
                                let a = &rdp.accepts;
                                let has = |l| a.contains(&l);
                                if has(RdpLayer::Nla) && !has(RdpLayer::Tls) && !has(RdpLayer::Rdp)
                                {
                                    out.push(Finding::RdpNlaRequired);
                                } else if has(RdpLayer::Tls) && !has(RdpLayer::Rdp) {
                                    out.push(Finding::RdpTlsOnly);
                                } else if has(RdpLayer::Rdp)
                                    && !has(RdpLayer::Tls)
                                    && !has(RdpLayer::Nla)
                                {
                                    out.push(Finding::RdpClassicOnly);
                                }
                            }
                        }
                    }
                }
            }
            None => {}
        }
    }
    out.sort();
    out.dedup();
    out
}

/// True when the login path looks healthy from outside: port open and, where a
/// handshake was attempted, the service answered as the expected protocol.
pub fn service_healthy(findings: &[Finding]) -> bool {
    use Finding::*;
    findings.contains(&PortOpen)
        && !findings.iter().any(|f| {
            matches!(
                f,
                SshNoBanner
                    | SshKexIncomplete
                    | SshClosedBeforeBanner
                    | SshServerRefused
                    | SshNotSsh
                    | RdpNoAnswer
                    | RdpNotRdp
            )
        })
}

/// The verdict of a first reply: when several findings hold, the first of
/// these is the one said (the most decisive: the bot couldn't test, nothing
/// answers, a refusal, a drop, a reset, then what the service said).
pub const VERDICT_ORDER: [Finding; 20] = {
    use Finding::*;
    [
        ProbeInconclusive,
        NoAnswerAtAll,
        HostUnreachable,
        PortFiltered,
        PortClosed,
        SshLegacyOnly,
        SshNotSsh,
        SshServerRefused,
        SshClosedBeforeBanner,
        SshKexIncomplete,
        SshNoBanner,
        RdpNotRdp,
        RdpNoAnswer,
        RdpLegacy,
        RdpClassicOnly,
        SshOk,
        RdpOk,
        // Which security layers a healthy RDP requires: current clients
        // cope, so these are details for the report, not the verdict.
        RdpNlaRequired,
        RdpTlsOnly,
        PortOpen,
    ]
};

/// What a first reply says of `found`: one verdict (the first of
/// [`VERDICT_ORDER`] that holds) and, when that verdict is a healthy
/// service (or an open port) with ping dropped, that blocked ping is normal (the ping line
/// says "no reply"; without it a user would take it for the problem). The
/// ping findings otherwise repeat the ping line and are left to the report.
pub fn first_reply(found: &[Finding]) -> Vec<Finding> {
    let mut out: Vec<Finding> = VERDICT_ORDER
        .iter()
        .copied()
        .find(|f| found.contains(f))
        .into_iter()
        .collect();
    let healthy = matches!(
        out.first(),
        Some(Finding::SshOk | Finding::RdpOk | Finding::PortOpen)
    );
    if healthy && found.contains(&Finding::IcmpBlockedPortOpen) {
        out.push(Finding::IcmpBlockedPortOpen);
    }
    out
}

/// Messages a first reply never says together: the second repeats the first
/// (the next step said twice) or contradicts it (silence next to a refusal,
/// "check that sshd runs" next to "SSH answers on port 2222"). When both
/// would be said, the second is left out (a finding pair can't arise:
/// [`first_reply`] says one verdict; a route note after the verdict that
/// repeats it is not said). Fluent ids: `finding-*`, the route notes
/// (`route-*`), the alternate-port check's `alt-moved`.
pub const FIRST_REPLY_PAIRS: &[(&str, &str)] = &[
    // Contradictions.
    ("finding-host-unreachable", "finding-no-answer-at-all"),
    ("finding-host-unreachable", "finding-port-filtered"),
    ("finding-icmp-blocked-port-open", "finding-icmp-no-reply"),
    ("finding-no-answer-at-all", "finding-icmp-no-reply"),
    ("alt-moved", "finding-port-closed"),
    ("alt-moved", "finding-port-filtered"),
    ("alt-moved", "finding-host-unreachable"),
    ("alt-moved", "finding-no-answer-at-all"),
    ("alt-moved", "route-closed"),
    ("alt-moved", "route-filtered"),
    ("alt-moved", "route-refused-icmp"),
    ("alt-moved", "route-no-answer"),
    // The same thing said twice: the verdict already names the next step.
    ("finding-port-closed", "finding-icmp-reply"),
    ("finding-port-closed", "route-closed"),
    ("finding-no-answer-at-all", "route-no-answer"),
    ("finding-host-unreachable", "route-refused-icmp"),
    ("finding-ssh-ok", "route-ssh-ok"),
    ("finding-rdp-ok", "route-rdp-ok"),
    ("finding-probe-inconclusive", "route-inconclusive"),
    ("finding-ssh-no-banner", "route-service-broken"),
    ("finding-ssh-not-ssh", "route-service-broken"),
    ("finding-ssh-server-refused", "route-service-broken"),
    ("finding-ssh-closed-before-banner", "route-service-broken"),
    ("finding-ssh-kex-incomplete", "route-service-broken"),
    ("finding-rdp-no-answer", "route-service-broken"),
    ("finding-rdp-not-rdp", "route-service-broken"),
];

#[cfg(test)]
mod first_reply_tests {
    use super::*;

    #[test]
    fn one_verdict_and_blocked_ping_only_next_to_a_healthy_service() {
        use Finding::*;
        assert_eq!(
            first_reply(&[IcmpNoReply, PortFiltered, HostUnreachable]),
            [HostUnreachable]
        );
        assert_eq!(
            first_reply(&[IcmpNoReply, PortFiltered, NoAnswerAtAll]),
            [NoAnswerAtAll]
        );
        assert_eq!(first_reply(&[IcmpReply, PortClosed]), [PortClosed]);
        assert_eq!(
            first_reply(&[IcmpNoReply, IcmpBlockedPortOpen, PortOpen, SshOk]),
            [SshOk, IcmpBlockedPortOpen]
        );
        assert_eq!(
            first_reply(&[IcmpNoReply, IcmpBlockedPortOpen, PortOpen, SshNoBanner]),
            [SshNoBanner]
        );
        assert_eq!(
            first_reply(&[IcmpNoReply, IcmpBlockedPortOpen, PortOpen, SshLegacyOnly]),
            [SshLegacyOnly]
        );
        assert_eq!(
            first_reply(&[IcmpReply, PortOpen, RdpOk, RdpTlsOnly]),
            [RdpOk]
        );
        // Every problem finding a port can have is a verdict.
        for f in Finding::ALL {
            let icmp = matches!(
                f,
                IcmpReply | IcmpNoReply | IcmpUnavailable | IcmpBlockedPortOpen
            );
            assert_eq!(VERDICT_ORDER.contains(&f), !icmp, "{f:?}");
        }
    }
}
