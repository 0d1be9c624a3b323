//! Probe requests and results as plain data.
//!
//! The core only describes *what* to measure ([`ProbeRequest`]) and reads *what was
//! measured* ([`ProbeReport`]). Doing the measuring is the `vmd-probe` crate's job.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Which protocol the runbook expects behind a port.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Service {
    Ssh,
    Rdp,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortSpec {
    pub port: u16,
    /// `Some` when a handshake should be attempted if the port is open.
    pub service: Option<Service>,
}

/// What the engine asks the runtime to measure.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProbeRequest {
    pub target: IpAddr,
    pub icmp: bool,
    pub ports: Vec<PortSpec>,
    /// The ports are [`Service::moved_ports`], checked once after a first
    /// probe found the login port closed or filtered: the port policy's
    /// allowed ranges and the probe budgets apply, the per-conversation cap of
    /// distinct ports does not (a fixed list the bot chose, not ports the user
    /// named, so they can't crowd out the user's own).
    #[serde(default, skip_serializing_if = "is_false")]
    pub alternates: bool,
}

fn is_false(b: &bool) -> bool {
    !*b
}

impl Service {
    /// The ports a login service moved off its default most often listens
    /// on, at most 4, checked from outside when the login port is closed or
    /// filtered (README "Alternate ports" says why these):
    /// SSH: 2222 (the first example of nearly every "change the SSH port"
    /// guide; Vagrant's forward of guest 22; the linuxserver.io and GitLab
    /// container images), 22222 ("22" doubled), 2200 (Vagrant's next forward
    /// when 2222 is taken; "22" and two zeros), 8022 (the 8000 + port
    /// convention; Termux's sshd);
    /// RDP: 3390 (the next port, the usual move and the one Microsoft's
    /// own "change the listening port" article shows), 33890 (a zero
    /// appended, common in Chinese-language cloud guides), 3388 (the port
    /// before), 13389 (a one prefixed).
    /// All lie in the default allowed ranges (`1024-65535`).
    pub fn moved_ports(self) -> &'static [u16] {
        match self {
            Service::Ssh => &[2222, 22222, 2200, 8022],
            Service::Rdp => &[3390, 33890, 3388, 13389],
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IcmpState {
    /// At least one echo reply came back.
    Reply,
    /// Echo requests were sent, none came back.
    NoReply,
    /// The bot could not send ICMP from where it runs (no privilege, no tool).
    Unavailable,
}

impl IcmpState {
    /// Stable key, as in the probe JSON and Fluent selectors.
    pub fn key(self) -> &'static str {
        match self {
            IcmpState::Reply => "reply",
            IcmpState::NoReply => "no_reply",
            IcmpState::Unavailable => "unavailable",
        }
    }
}

/// How the echo requests were sent.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IcmpMethod {
    /// Unprivileged ICMP datagram socket (`net.ipv4.ping_group_range`).
    Dgram,
    /// Raw ICMP socket (root or CAP_NET_RAW).
    Raw,
    /// The system `ping` command (last resort).
    SystemPing,
}

impl IcmpMethod {
    /// Stable key, as in the probe JSON.
    pub fn key(self) -> &'static str {
        match self {
            IcmpMethod::Dgram => "dgram",
            IcmpMethod::Raw => "raw",
            IcmpMethod::SystemPing => "system_ping",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IcmpResult {
    pub state: IcmpState,
    pub sent: u32,
    pub received: u32,
    /// Average round trip of the replies, if any.
    pub rtt_ms: Option<f64>,
    /// How the echoes went out (`None` in sessions stored before it was recorded).
    #[serde(default)]
    pub method: Option<IcmpMethod>,
    /// One entry per echo request sent, in order: its round trip, or `None` when
    /// no reply came back in time.
    #[serde(default)]
    pub echoes: Vec<Option<f64>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortState {
    /// TCP handshake completed.
    Open,
    /// The host answered with a reset (ECONNREFUSED): nothing listens there.
    Closed,
    /// No answer in time, or an ICMP unreachable / admin-prohibited came back.
    Filtered,
    /// The bot's own host failed to try (no route of its own, local firewall, ...).
    Inconclusive,
}

/// Why a port got its state, as a stable code.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PortReason {
    SynAck,
    Reset,
    Timeout,
    HostUnreachable,
    NetUnreachable,
    AdminProhibited,
    LocalError,
}

/// What settled a port's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VerdictBasis {
    /// The handshake completed (SYN-ACK).
    SynAck,
    /// The host answered with a reset.
    Rst,
    /// An ICMP error (unreachable, admin-prohibited) came back.
    IcmpError,
    /// Silent while other probes of the same run had answered: judged against a
    /// deadline derived from the measured round trip, after a second SYN.
    AdaptiveDeadline,
    /// Nothing of the run answered: the whole configured timeout passed.
    FullTimeout,
    /// The bot's own host failed to try.
    Local,
}

impl VerdictBasis {
    /// Stable key, as in the probe JSON.
    pub fn key(self) -> &'static str {
        match self {
            VerdictBasis::SynAck => "syn_ack",
            VerdictBasis::Rst => "rst",
            VerdictBasis::IcmpError => "icmp_error",
            VerdictBasis::AdaptiveDeadline => "adaptive_deadline",
            VerdictBasis::FullTimeout => "full_timeout",
            VerdictBasis::Local => "local",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortResult {
    pub port: u16,
    pub state: PortState,
    pub reason: PortReason,
    pub rtt_ms: Option<f64>,
    /// What settled the verdict (`None` in sessions stored before it was recorded).
    #[serde(default)]
    pub basis: Option<VerdictBasis>,
    /// Connection attempts (fresh SYNs) made; 0 when not recorded.
    #[serde(default)]
    pub attempts: u8,
    /// The ICMP error that settled the verdict, with who sent it, when the
    /// socket's error queue told (`None`: no ICMP error, or its origin unknown).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp: Option<IcmpFrom>,
}

/// An ICMP error answering a connection attempt, as the socket's error queue
/// reports it (nmap's `--reason`: "admin-prohibited from 203.0.113.1").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IcmpFrom {
    /// The address that sent the ICMP error: the target itself or a router.
    pub origin: IpAddr,
    /// ICMP (or ICMPv6) type and code, e.g. 3/13 "communication administratively prohibited".
    #[serde(rename = "type")]
    pub icmp_type: u8,
    pub code: u8,
}

impl IcmpFrom {
    /// Who refused: `server` when the error came from `target` itself,
    /// `router` when from another address on the way.
    pub fn sender(&self, target: IpAddr) -> &'static str {
        if self.origin == target {
            "server"
        } else {
            "router"
        }
    }

    /// `prohibited` (ICMP 3/9, 3/10, 3/13; ICMPv6 1/1) or `unreachable`.
    pub fn kind(&self) -> &'static str {
        let prohibited = if self.origin.is_ipv6() {
            self.icmp_type == 1 && self.code == 1
        } else {
            self.icmp_type == 3 && matches!(self.code, 9 | 10 | 13)
        };
        if prohibited {
            "prohibited"
        } else {
            "unreachable"
        }
    }
}

/// Stable error codes of the SSH handshake probe.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SshError {
    /// Connected, but no identification line arrived before the deadline.
    NoBanner,
    /// The server closed the connection before sending its identification.
    ClosedBeforeBanner,
    /// The server sent a refusal line such as `Exceeded MaxStartups`.
    ServerRefused,
    /// What answered is not an SSH server.
    NotSsh,
    /// Identification came, but the key exchange packet was missing or malformed.
    BadKexinit,
    /// Could not connect for the handshake.
    Connect,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SshResult {
    pub port: u16,
    /// Sanitised identification line (printable ASCII only, capped).
    pub banner: Option<String>,
    pub kex: Vec<String>,
    pub host_key: Vec<String>,
    pub ciphers: Vec<String>,
    pub macs: Vec<String>,
    /// The server offers nothing a current OpenSSH client accepts by default.
    pub legacy_only: bool,
    /// The `ssh -o` option(s) that would let a current client connect, when `legacy_only`.
    pub client_hint: Option<String>,
    /// Sanitised refusal line the server sent, if any.
    pub server_message: Option<String>,
    pub error: Option<SshError>,
}

/// Security layers an RDP server can select.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RdpLayer {
    /// Classic "standard RDP security".
    Rdp,
    Tls,
    /// CredSSP / Network Level Authentication.
    Nla,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RdpError {
    /// Connected, but the server sent nothing in time.
    NoAnswer,
    /// The answer is not an X.224 Connection Confirm.
    NotRdp,
    /// Could not connect for the handshake.
    Connect,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RdpResult {
    pub port: u16,
    /// Layers the server really selected when offered them.
    pub accepts: Vec<RdpLayer>,
    /// The server answered without negotiation data (pre-RDP 5.2 style).
    pub legacy: bool,
    /// RDP_NEG_FAILURE codes seen, per request.
    pub failure_codes: Vec<u32>,
    pub error: Option<RdpError>,
}

/// Everything one probe run measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProbeReport {
    pub target: IpAddr,
    pub elapsed_ms: u64,
    pub icmp: Option<IcmpResult>,
    pub ports: Vec<PortResult>,
    pub ssh: Option<SshResult>,
    pub rdp: Option<RdpResult>,
}

impl ProbeReport {
    /// A report where every requested port got `state` for `reason` and
    /// nothing else was measured (a whole run that timed out; test doubles).
    pub fn uniform(
        req: &ProbeRequest,
        state: PortState,
        reason: PortReason,
        elapsed_ms: u64,
    ) -> ProbeReport {
        let mut ports: Vec<PortResult> = Vec::new();
        for spec in &req.ports {
            if !ports.iter().any(|p| p.port == spec.port) {
                ports.push(PortResult {
                    port: spec.port,
                    state,
                    reason,
                    rtt_ms: None,
                    basis: None,
                    attempts: 0,
                    icmp: None,
                });
            }
        }
        ProbeReport {
            target: req.target,
            elapsed_ms,
            icmp: None,
            ports,
            ssh: None,
            rdp: None,
        }
    }

    pub fn port(&self, port: u16) -> Option<&PortResult> {
        self.ports.iter().find(|p| p.port == port)
    }
}

/// One part of a probe run that has finished, for live progress.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ProbeProgress {
    Icmp(IcmpResult),
    Port(PortResult),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn results_stored_before_basis_and_echoes_still_decode() {
        let port: PortResult = serde_json::from_str(
            r#"{"port":22,"state":"filtered","reason":"timeout","rtt_ms":null}"#,
        )
        .expect("old port result");
        assert_eq!((port.basis, port.attempts), (None, 0));
        let icmp: IcmpResult =
            serde_json::from_str(r#"{"state":"reply","sent":3,"received":3,"rtt_ms":0.1}"#)
                .expect("old icmp result");
        assert_eq!((icmp.method, icmp.echoes.len()), (None, 0));
        let new = PortResult {
            basis: Some(VerdictBasis::AdaptiveDeadline),
            attempts: 2,
            icmp: None,
            ..port
        };
        let back: PortResult =
            serde_json::from_str(&serde_json::to_string(&new).expect("json")).expect("decode");
        assert_eq!(back, new);
        assert_eq!(
            serde_json::to_value(VerdictBasis::AdaptiveDeadline).expect("json"),
            VerdictBasis::AdaptiveDeadline.key()
        );
        assert_eq!(
            serde_json::to_value(IcmpMethod::SystemPing).expect("json"),
            IcmpMethod::SystemPing.key()
        );
    }
}
