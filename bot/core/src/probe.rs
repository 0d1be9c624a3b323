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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IcmpResult {
    pub state: IcmpState,
    pub sent: u32,
    pub received: u32,
    /// Average round trip of the replies, if any.
    pub rtt_ms: Option<f64>,
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortResult {
    pub port: u16,
    pub state: PortState,
    pub reason: PortReason,
    pub rtt_ms: Option<f64>,
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
