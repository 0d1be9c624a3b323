//! What `vm-doctor probe` needs: which ports to probe, which findings to show,
//! and the `--json` output model.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use vmd_core::findings::{derive, Finding};
use vmd_core::probe::{
    IcmpFrom, IcmpMethod, IcmpState, PortReason, PortSpec, PortState, ProbeReport, ProbeRequest,
    RdpError, RdpLayer, Service, SshError, VerdictBasis,
};

pub const SSH_PORT: u16 = 22;
pub const RDP_PORT: u16 = 3389;

/// Decide the ports of a diagnosis.
///
/// - `windows`: 3389 (RDP) and the custom port (RDP);
/// - `linux`: 22 (SSH) and the custom port (SSH);
/// - `auto`/`None`/anything else: 22 (SSH) and 3389 (RDP); a custom port is listed
///   twice, SSH and RDP, which [`crate::NetProber`] reads as "either": it listens
///   first and negotiates RDP only if the server stays silent.
pub fn request_for(target: IpAddr, os: Option<&str>, custom_port: Option<u16>) -> ProbeRequest {
    let os = os.map(|s| s.trim().to_ascii_lowercase());
    let mut ports: Vec<PortSpec> = Vec::new();
    let mut add = |port: u16, service: Option<Service>| {
        if !ports
            .iter()
            .any(|p: &PortSpec| p.port == port && p.service == service)
        {
            ports.push(PortSpec { port, service });
        }
    };
    match os.as_deref() {
        Some("windows") => {
            add(RDP_PORT, Some(Service::Rdp));
            if let Some(p) = custom_port {
                add(p, Some(Service::Rdp));
            }
        }
        Some("linux") => {
            add(SSH_PORT, Some(Service::Ssh));
            if let Some(p) = custom_port {
                add(p, Some(Service::Ssh));
            }
        }
        _ => {
            add(SSH_PORT, Some(Service::Ssh));
            add(RDP_PORT, Some(Service::Rdp));
            match custom_port {
                Some(SSH_PORT) | Some(RDP_PORT) | None => {}
                Some(p) => {
                    add(p, Some(Service::Ssh));
                    add(p, Some(Service::Rdp));
                }
            }
        }
    }
    ProbeRequest {
        target,
        icmp: true,
        alternates: false,
        ports,
    }
}

/// The port the user most likely logs in through, and its service, judged from
/// the report: a declared custom port when it is open, else the first open port
/// whose handshake worked, else the first open port, else the first port asked.
pub fn primary_service(req: &ProbeRequest, report: &ProbeReport) -> Option<(u16, Option<Service>)> {
    let service_of = |port: u16| -> Option<Service> {
        let specs: Vec<Option<Service>> = req
            .ports
            .iter()
            .filter(|p| p.port == port)
            .map(|p| p.service)
            .collect();
        if specs.len() > 1 {
            // "Either" port: whichever handshake produced a result.
            if report.ssh.as_ref().is_some_and(|s| s.port == port) {
                return Some(Service::Ssh);
            }
            if report.rdp.as_ref().is_some_and(|r| r.port == port) {
                return Some(Service::Rdp);
            }
        }
        specs.into_iter().flatten().next()
    };
    let open = |port: u16| {
        report
            .port(port)
            .is_some_and(|p| p.state == PortState::Open)
    };
    let handshake_ok = |port: u16| {
        report
            .ssh
            .as_ref()
            .is_some_and(|s| s.port == port && s.error.is_none())
            || report
                .rdp
                .as_ref()
                .is_some_and(|r| r.port == port && r.error.is_none())
    };
    let mut ports: Vec<u16> = Vec::new();
    for p in &req.ports {
        if !ports.contains(&p.port) {
            ports.push(p.port);
        }
    }
    let custom = ports
        .iter()
        .copied()
        .find(|p| *p != SSH_PORT && *p != RDP_PORT && open(*p));
    let chosen = custom
        .or_else(|| ports.iter().copied().find(|p| open(*p) && handshake_ok(*p)))
        .or_else(|| ports.iter().copied().find(|p| open(*p)))
        .or_else(|| ports.first().copied())?;
    Some((chosen, service_of(chosen)))
}

/// Findings for the primary service port (see [`primary_service`]).
pub fn findings_for(req: &ProbeRequest, report: &ProbeReport) -> Vec<Finding> {
    match primary_service(req, report) {
        Some((port, service)) => derive(report, port, service),
        None => derive(report, 0, None),
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IcmpJson {
    pub state: IcmpState,
    /// `dgram`, `raw` or `system_ping`; null when ICMP was not tried.
    #[serde(default)]
    pub method: Option<IcmpMethod>,
    #[serde(default)]
    pub sent: u32,
    #[serde(default)]
    pub received: u32,
    /// One round trip (ms) per echo sent, null where no reply came.
    #[serde(default)]
    pub echoes_ms: Vec<Option<f64>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PortJson {
    pub port: u16,
    pub state: PortState,
    pub reason: PortReason,
    /// What settled the verdict: `syn_ack`, `rst`, `icmp_error`,
    /// `adaptive_deadline`, `full_timeout` or `local`.
    #[serde(default)]
    pub basis: Option<VerdictBasis>,
    /// Fresh SYNs sent.
    #[serde(default)]
    pub attempts: u8,
    /// The ICMP error's sender, type and code, when known (`icmp_error` only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icmp: Option<IcmpFrom>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SshJson {
    pub port: u16,
    pub banner: Option<String>,
    pub kex: Vec<String>,
    pub host_key: Vec<String>,
    pub legacy_only: bool,
    pub error: Option<SshError>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RdpJson {
    pub port: u16,
    pub accepts: Vec<RdpLayer>,
    pub error: Option<RdpError>,
}

/// The `--json` object of `vm-doctor probe` (issue 3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProbeJson {
    pub target: String,
    /// The host name the user gave, when the target came from one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub elapsed_ms: u64,
    /// `{"state": "unavailable"}` when ICMP was not part of the request.
    pub icmp: IcmpJson,
    pub ports: Vec<PortJson>,
    pub ssh: Option<SshJson>,
    pub rdp: Option<RdpJson>,
    pub findings: Vec<String>,
}

pub fn to_json(report: &ProbeReport, findings: &[Finding]) -> ProbeJson {
    ProbeJson {
        target: report.target.to_string(),
        name: None,
        elapsed_ms: report.elapsed_ms,
        icmp: match &report.icmp {
            Some(i) => IcmpJson {
                state: i.state,
                method: i.method,
                sent: i.sent,
                received: i.received,
                echoes_ms: i.echoes.clone(),
            },
            None => IcmpJson {
                state: IcmpState::Unavailable,
                method: None,
                sent: 0,
                received: 0,
                echoes_ms: vec![],
            },
        },
        ports: report
            .ports
            .iter()
            .map(|p| PortJson {
                port: p.port,
                state: p.state,
                reason: p.reason,
                basis: p.basis,
                attempts: p.attempts,
                icmp: p.icmp,
            })
            .collect(),
        ssh: report.ssh.as_ref().map(|s| SshJson {
            port: s.port,
            banner: s.banner.clone(),
            kex: s.kex.clone(),
            host_key: s.host_key.clone(),
            legacy_only: s.legacy_only,
            error: s.error,
        }),
        rdp: report.rdp.as_ref().map(|r| RdpJson {
            port: r.port,
            accepts: r.accepts.clone(),
            error: r.error,
        }),
        findings: findings.iter().map(|f| f.code().to_string()).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use vmd_core::probe::{IcmpResult, PortResult, RdpResult, SshResult};

    fn ip() -> IpAddr {
        "203.0.113.10".parse().expect("ip")
    }

    fn spec(port: u16, s: Option<Service>) -> PortSpec {
        PortSpec { port, service: s }
    }

    #[test]
    fn ports_by_os() {
        use Service::*;
        assert_eq!(
            request_for(ip(), None, None).ports,
            vec![spec(22, Some(Ssh)), spec(3389, Some(Rdp))]
        );
        assert_eq!(
            request_for(ip(), Some("auto"), Some(2222)).ports,
            vec![
                spec(22, Some(Ssh)),
                spec(3389, Some(Rdp)),
                spec(2222, Some(Ssh)),
                spec(2222, Some(Rdp))
            ]
        );
        assert_eq!(
            request_for(ip(), Some("auto"), Some(3389)).ports,
            vec![spec(22, Some(Ssh)), spec(3389, Some(Rdp))]
        );
        assert_eq!(
            request_for(ip(), Some("Windows"), Some(3390)).ports,
            vec![spec(3389, Some(Rdp)), spec(3390, Some(Rdp))]
        );
        assert_eq!(
            request_for(ip(), Some("windows"), Some(3389)).ports,
            vec![spec(3389, Some(Rdp))]
        );
        assert_eq!(
            request_for(ip(), Some("linux"), Some(2222)).ports,
            vec![spec(22, Some(Ssh)), spec(2222, Some(Ssh))]
        );
        assert!(request_for(ip(), Some("linux"), None).icmp);
    }

    fn report() -> ProbeReport {
        ProbeReport {
            target: ip(),
            elapsed_ms: 12,
            icmp: Some(IcmpResult {
                state: IcmpState::NoReply,
                sent: 3,
                received: 0,
                rtt_ms: None,
                method: Some(IcmpMethod::Raw),
                echoes: vec![None, None, None],
            }),
            ports: vec![
                PortResult {
                    port: 22,
                    state: PortState::Open,
                    reason: PortReason::SynAck,
                    rtt_ms: Some(0.2),
                    basis: Some(VerdictBasis::SynAck),
                    attempts: 1,
                    icmp: None,
                },
                PortResult {
                    port: 3389,
                    state: PortState::Filtered,
                    reason: PortReason::Timeout,
                    rtt_ms: None,
                    basis: Some(VerdictBasis::AdaptiveDeadline),
                    attempts: 3,
                    icmp: None,
                },
            ],
            ssh: Some(SshResult {
                port: 22,
                banner: Some("SSH-2.0-OpenSSH_9.2p1".into()),
                kex: vec!["diffie-hellman-group14-sha1".into()],
                host_key: vec!["ssh-rsa".into()],
                ciphers: vec![],
                macs: vec![],
                legacy_only: true,
                client_hint: Some("ssh -oKexAlgorithms=+diffie-hellman-group14-sha1".into()),
                server_message: None,
                error: None,
            }),
            rdp: None,
        }
    }

    #[test]
    fn json_shape() {
        let req = request_for(ip(), None, None);
        let r = report();
        let f = findings_for(&req, &r);
        assert_eq!(
            f,
            vec![
                Finding::IcmpNoReply,
                Finding::IcmpBlockedPortOpen,
                Finding::PortOpen,
                Finding::SshLegacyOnly
            ]
        );
        let v = serde_json::to_value(to_json(&r, &f)).expect("json");
        let want = serde_json::json!({
            "target": "203.0.113.10",
            "elapsed_ms": 12,
            "icmp": {"state": "no_reply", "method": "raw", "sent": 3, "received": 0,
                     "echoes_ms": [null, null, null]},
            "ports": [
                {"port": 22, "state": "open", "reason": "syn_ack", "basis": "syn_ack", "attempts": 1},
                {"port": 3389, "state": "filtered", "reason": "timeout",
                 "basis": "adaptive_deadline", "attempts": 3}
            ],
            "ssh": {
                "port": 22,
                "banner": "SSH-2.0-OpenSSH_9.2p1",
                "kex": ["diffie-hellman-group14-sha1"],
                "host_key": ["ssh-rsa"],
                "legacy_only": true,
                "error": null
            },
            "rdp": null,
            "findings": ["icmp-no-reply", "icmp-blocked-port-open", "port-open", "ssh-legacy-only"]
        });
        assert_eq!(v, want);
        let back: ProbeJson = serde_json::from_value(v).expect("roundtrip");
        assert_eq!(back, to_json(&r, &f));
    }

    #[test]
    fn rdp_json_and_primary_port() {
        let mut r = report();
        r.ssh = None;
        r.ports[0].state = PortState::Closed;
        r.ports[1].state = PortState::Open;
        r.rdp = Some(RdpResult {
            port: 3389,
            accepts: vec![RdpLayer::Rdp, RdpLayer::Tls],
            legacy: false,
            failure_codes: vec![],
            error: None,
        });
        let req = request_for(ip(), None, None);
        assert_eq!(primary_service(&req, &r), Some((3389, Some(Service::Rdp))));
        let v = serde_json::to_value(to_json(&r, &[])).expect("json");
        assert_eq!(
            v["rdp"],
            serde_json::json!({"port": 3389, "accepts": ["rdp", "tls"], "error": null})
        );
        // Nothing open: the first port asked for.
        r.ports[1].state = PortState::Filtered;
        assert_eq!(primary_service(&req, &r), Some((22, Some(Service::Ssh))));
        // Either-port resolved by which handshake answered.
        let req = request_for(ip(), None, Some(2222));
        r.ports.push(PortResult {
            port: 2222,
            state: PortState::Open,
            reason: PortReason::SynAck,
            rtt_ms: None,
            basis: Some(VerdictBasis::SynAck),
            attempts: 1,
            icmp: None,
        });
        r.rdp.as_mut().expect("rdp").port = 2222;
        assert_eq!(primary_service(&req, &r), Some((2222, Some(Service::Rdp))));
    }
}
