//! Many targets at once ("fleet check"): plan every target through the target
//! policy, probe the admitted ones concurrently under a limit, and describe each
//! as a row (or a JSON line) plus a summary.
//!
//! Planning never stops at a bad or refused target: it becomes a row that says
//! why. Host names are resolved once each ([`crate::targets::resolve_checked`])
//! and their addresses are what gets probed.

use crate::cli::{findings_for, to_json, ProbeJson};
use crate::targets::{self, NameError, Resolver, Spec};
use crate::Prober;
use futures::stream::{self, Stream, StreamExt};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::time::Duration;
use vmd_core::findings::Finding;
use vmd_core::policy::TargetPolicy;
use vmd_core::probe::{PortState, ProbeReport, ProbeRequest};

/// Addresses one call probes at most.
pub const MAX_TARGETS: usize = 4096;
/// Host names looked up at once.
const DNS_CONCURRENCY: usize = 8;

/// One target, ready to probe or refused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Planned {
    /// What the user typed (an address, a block, a name).
    pub input: String,
    /// The host name, when the address came from one.
    pub name: Option<String>,
    pub what: Plan,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Plan {
    Probe(IpAddr),
    /// Not probed; `code` is stable: a policy refusal (`refusal-<code>` in
    /// Fluent), `malformed`, `block-too-large`, `bad-name`, `not-found`,
    /// `dns-timeout`.
    Refused {
        addr: Option<IpAddr>,
        code: &'static str,
    },
}

/// More addresses than one call may probe.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0} addresses to probe; at most {MAX_TARGETS} per call")]
pub struct TooMany(pub usize);

/// Turn what the user typed into targets, in input order. Duplicated
/// addresses are probed once (the first mention wins).
pub async fn plan<R: Resolver>(
    inputs: &[String],
    resolver: &R,
    policy: &TargetPolicy,
    dns_timeout: Duration,
) -> Result<Vec<Planned>, TooMany> {
    let specs: Vec<(String, Result<Spec, targets::SpecError>)> = inputs
        .iter()
        .map(|i| (i.clone(), targets::parse_spec(i)))
        .collect();
    // Every name once, concurrently, in order.
    let mut names: Vec<String> = Vec::new();
    for (_, s) in &specs {
        if let Ok(Spec::Name(n)) = s {
            if !names.contains(n) {
                names.push(n.clone());
            }
        }
    }
    let resolved: Vec<(String, Result<targets::Resolved, NameError>)> = stream::iter(names)
        .map(|n| async move {
            let r = targets::resolve_checked(&n, resolver, policy, dns_timeout).await;
            (n, r)
        })
        .buffered(DNS_CONCURRENCY)
        .collect()
        .await;

    let mut out: Vec<Planned> = Vec::new();
    let mut seen: Vec<IpAddr> = Vec::new();
    let mut push = |out: &mut Vec<Planned>, input: &str, name: Option<String>, ip: IpAddr| {
        let what = match policy.check(ip) {
            Ok(ip) if seen.contains(&ip) => return,
            Ok(ip) => {
                seen.push(ip);
                Plan::Probe(ip)
            }
            Err(r) => Plan::Refused {
                addr: Some(ip),
                code: r.code(),
            },
        };
        out.push(Planned {
            input: input.to_string(),
            name,
            what,
        });
    };
    for (input, spec) in specs {
        match spec {
            Err(e) => out.push(Planned {
                input,
                name: None,
                what: Plan::Refused {
                    addr: None,
                    code: e.code(),
                },
            }),
            Ok(Spec::Ip(ip)) => push(&mut out, &input, None, ip),
            Ok(Spec::Net(net)) => {
                for ip in targets::block_hosts(net) {
                    push(&mut out, &input, None, ip);
                }
            }
            Ok(Spec::Name(n)) => match resolved.iter().find(|(k, _)| *k == n) {
                Some((_, Ok(r))) => {
                    for ip in &r.addrs {
                        push(&mut out, &input, Some(r.name.clone()), *ip);
                    }
                }
                Some((_, Err(e))) => out.push(Planned {
                    input,
                    name: Some(n),
                    what: Plan::Refused {
                        addr: match e {
                            NameError::Refused { addr, .. } => Some(*addr),
                            _ => None,
                        },
                        code: e.code(),
                    },
                }),
                None => {}
            },
        }
    }
    let n = out
        .iter()
        .filter(|p| matches!(p.what, Plan::Probe(_)))
        .count();
    if n > MAX_TARGETS {
        return Err(TooMany(n));
    }
    Ok(out)
}

/// A probed target.
#[derive(Clone, Debug, PartialEq)]
pub struct Probed {
    pub req: ProbeRequest,
    pub report: ProbeReport,
    pub findings: Vec<Finding>,
}

/// One row of the result, in plan order.
#[derive(Clone, Debug, PartialEq)]
pub struct Row {
    pub planned: Planned,
    /// `None` for refused targets.
    pub probed: Option<Probed>,
}

/// Probe the planned targets, at most `limit` at once; rows come out in plan
/// order as soon as they and every row before them are done.
pub fn run<'a, P: Prober>(
    plan: Vec<Planned>,
    prober: &'a P,
    request: impl Fn(IpAddr) -> ProbeRequest + 'a,
    limit: usize,
) -> impl Stream<Item = Row> + 'a {
    let request = std::sync::Arc::new(request);
    stream::iter(plan)
        .map(move |planned| {
            let request = request.clone();
            async move {
                let probed = match planned.what {
                    Plan::Probe(ip) => {
                        let req = request(ip);
                        let report = prober.probe(&req).await;
                        let findings = findings_for(&req, &report);
                        Some(Probed {
                            req,
                            report,
                            findings,
                        })
                    }
                    Plan::Refused { .. } => None,
                };
                Row { planned, probed }
            }
        })
        .buffered(limit.max(1))
}

/// The most telling finding: the first problem, else the last (most specific)
/// healthy one.
pub fn top_finding(findings: &[Finding]) -> Option<Finding> {
    findings
        .iter()
        .copied()
        .find(|f| f.is_problem())
        .or_else(|| findings.last().copied())
}

/// The handshake verdict as a short, language-neutral code: `ssh:ok`,
/// `ssh:legacy_only`, `ssh:<error>`, `rdp:rdp+tls`, `rdp:<error>`; `None` when
/// no handshake ran.
pub fn handshake(report: &ProbeReport) -> Option<String> {
    let code = |v: serde_json::Value| v.as_str().unwrap_or("?").to_string();
    let ssh = report.ssh.as_ref().map(|s| match s.error {
        Some(e) => format!("ssh:{}", code(serde_json::json!(e))),
        None if s.legacy_only => "ssh:legacy_only".to_string(),
        None => "ssh:ok".to_string(),
    });
    let rdp = report.rdp.as_ref().map(|r| match r.error {
        Some(e) => format!("rdp:{}", code(serde_json::json!(e))),
        None if r.legacy => "rdp:legacy".to_string(),
        None => format!(
            "rdp:{}",
            r.accepts
                .iter()
                .map(|l| code(serde_json::json!(l)))
                .collect::<Vec<_>>()
                .join("+")
        ),
    });
    match (ssh, rdp) {
        (Some(a), Some(b)) => Some(format!("{a} {b}")),
        (a, b) => a.or(b),
    }
}

/// Whether a login port of the target is open.
pub fn login_port_open(p: &Probed) -> bool {
    p.report.ports.iter().any(|r| r.state == PortState::Open)
}

/// A refused target as a JSON line.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RefusedJson {
    /// The address, or what was typed when there is none.
    pub target: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// Stable reason code (see [`Plan::Refused`]).
    pub refused: String,
}

/// The last JSON line.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Rows (addresses probed plus targets refused).
    pub targets: usize,
    pub probed: usize,
    pub refused: usize,
    /// Probed hosts with at least one login port open.
    pub open: usize,
    pub elapsed_ms: u64,
}

impl Summary {
    pub fn add(&mut self, row: &Row) {
        self.targets += 1;
        match &row.probed {
            Some(p) => {
                self.probed += 1;
                if login_port_open(p) {
                    self.open += 1;
                }
            }
            None => self.refused += 1,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SummaryJson {
    pub summary: Summary,
}

/// A row as one JSON line: the `probe --json` object (with `name` when the
/// target came from a host name), or a [`RefusedJson`].
pub fn row_json(row: &Row) -> String {
    let line = match (&row.probed, &row.planned.what) {
        (Some(p), _) => serde_json::to_string(&ProbeJson {
            name: row.planned.name.clone(),
            ..to_json(&p.report, &p.findings)
        }),
        (None, Plan::Refused { addr, code }) => serde_json::to_string(&RefusedJson {
            target: addr
                .map(|a| a.to_string())
                .unwrap_or_else(|| row.planned.input.clone()),
            name: row.planned.name.clone(),
            refused: code.to_string(),
        }),
        (None, Plan::Probe(ip)) => serde_json::to_string(&serde_json::json!({ "target": ip })),
    };
    // Plain data: serialising it cannot fail.
    line.unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::request_for;
    use std::future::Future;
    use std::sync::{Arc, Mutex};
    use vmd_core::probe::PortReason;

    struct Hosts(Vec<(&'static str, Vec<IpAddr>)>);
    impl Resolver for Hosts {
        fn lookup(&self, name: &str) -> impl Future<Output = std::io::Result<Vec<IpAddr>>> + Send {
            let r = self
                .0
                .iter()
                .find(|(n, _)| *n == name)
                .map(|(_, a)| a.clone())
                .ok_or_else(|| std::io::Error::other("NXDOMAIN"));
            async move { r }
        }
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("ip")
    }

    fn policy() -> TargetPolicy {
        TargetPolicy::new(vec!["203.0.113.0/24".parse().expect("net")])
    }

    fn inputs(s: &[&str]) -> Vec<String> {
        s.iter().map(|s| s.to_string()).collect()
    }

    #[tokio::test]
    async fn planning_lists_refusals_and_goes_on() {
        let dns = Hosts(vec![
            ("web.example", vec![ip("203.0.113.20"), ip("203.0.113.21")]),
            ("inside.example", vec![ip("10.0.0.5")]),
        ]);
        let p = plan(
            &inputs(&[
                "203.0.113.1",
                "127.0.0.1",
                "nonsense!",
                "web.example",
                "203.0.113.20",
                "inside.example",
                "gone.example",
                "203.0.113.8/30",
                "203.0.112.0/23",
            ]),
            &dns,
            &policy(),
            Duration::from_secs(1),
        )
        .await
        .expect("plan");
        let got: Vec<(&str, Option<&str>, Plan)> = p
            .iter()
            .map(|p| (p.input.as_str(), p.name.as_deref(), p.what.clone()))
            .collect();
        let refused = |addr: Option<&str>, code| Plan::Refused {
            addr: addr.map(ip),
            code,
        };
        assert_eq!(
            got,
            vec![
                ("203.0.113.1", None, Plan::Probe(ip("203.0.113.1"))),
                ("127.0.0.1", None, refused(Some("127.0.0.1"), "loopback")),
                ("nonsense!", None, refused(None, "malformed")),
                (
                    "web.example",
                    Some("web.example"),
                    Plan::Probe(ip("203.0.113.20"))
                ),
                (
                    "web.example",
                    Some("web.example"),
                    Plan::Probe(ip("203.0.113.21"))
                ),
                // 203.0.113.20 again: already planned through the name.
                (
                    "inside.example",
                    Some("inside.example"),
                    refused(Some("10.0.0.5"), "private")
                ),
                (
                    "gone.example",
                    Some("gone.example"),
                    refused(None, "not-found")
                ),
                ("203.0.113.8/30", None, Plan::Probe(ip("203.0.113.9"))),
                ("203.0.113.8/30", None, Plan::Probe(ip("203.0.113.10"))),
                ("203.0.112.0/23", None, refused(None, "block-too-large")),
            ]
        );
    }

    #[tokio::test]
    async fn too_many_addresses_is_an_error() {
        let many: Vec<String> = (0..17).map(|i| format!("203.0.{i}.0/24")).collect();
        let policy = TargetPolicy::new(vec!["203.0.0.0/16".parse().expect("net")]);
        let r = plan(&many, &Hosts(vec![]), &policy, Duration::from_secs(1)).await;
        assert_eq!(r, Err(TooMany(17 * 254)));
    }

    /// Records every target it is asked to probe and how many run at once.
    #[derive(Default)]
    struct Recorder {
        seen: Mutex<Vec<IpAddr>>,
        now: Mutex<(usize, usize)>,
    }
    impl Prober for Recorder {
        fn probe(&self, req: &ProbeRequest) -> impl Future<Output = ProbeReport> + Send {
            let req = req.clone();
            async move {
                self.seen.lock().expect("lock").push(req.target);
                {
                    let mut n = self.now.lock().expect("lock");
                    n.0 += 1;
                    n.1 = n.1.max(n.0);
                }
                tokio::time::sleep(Duration::from_millis(5)).await;
                self.now.lock().expect("lock").0 -= 1;
                let state = if req.target == ip("203.0.113.2") {
                    PortState::Open
                } else {
                    PortState::Filtered
                };
                ProbeReport::uniform(&req, state, PortReason::Timeout, 5)
            }
        }
    }

    #[tokio::test]
    async fn rows_in_order_under_the_limit_and_a_summary() {
        let p = plan(
            &inputs(&["203.0.113.0/29", "127.0.0.1"]),
            &Hosts(vec![]),
            &policy(),
            Duration::from_secs(1),
        )
        .await
        .expect("plan");
        let rec = Arc::new(Recorder::default());
        let rows: Vec<Row> = run(p, rec.as_ref(), |ip| request_for(ip, None, None), 3)
            .collect()
            .await;
        let order: Vec<String> = rows
            .iter()
            .map(|r| {
                let v: serde_json::Value = serde_json::from_str(&row_json(r)).expect("json line");
                r.planned.input.clone() + "=" + v["target"].as_str().unwrap_or("")
            })
            .collect();
        assert_eq!(order.len(), 7);
        assert_eq!(order[0], "203.0.113.0/29=203.0.113.1");
        assert_eq!(order[6], "127.0.0.1=127.0.0.1");
        assert_eq!(
            rec.now.lock().expect("lock").1,
            3,
            "at most the limit at once"
        );
        // The refused target was never probed.
        assert!(!rec.seen.lock().expect("lock").contains(&ip("127.0.0.1")));
        let mut s = Summary::default();
        for r in &rows {
            s.add(r);
        }
        assert_eq!((s.targets, s.probed, s.refused, s.open), (7, 6, 1, 1));
        assert_eq!(
            row_json(&rows[6]),
            r#"{"target":"127.0.0.1","refused":"loopback"}"#
        );
        let first: serde_json::Value = serde_json::from_str(&row_json(&rows[1])).expect("json");
        assert!(row_json(&rows[1]).starts_with(r#"{"target":"203.0.113.2","elapsed_ms":"#));
        assert_eq!(first["target"], "203.0.113.2");
        assert_eq!(first["ports"][0]["state"], "open");
    }

    #[test]
    fn handshake_codes_and_top_finding() {
        use vmd_core::probe::{RdpLayer, RdpResult, SshError, SshResult};
        let req = request_for(ip("203.0.113.2"), None, None);
        let mut r = ProbeReport::uniform(&req, PortState::Open, PortReason::SynAck, 1);
        assert_eq!(handshake(&r), None);
        r.ssh = Some(SshResult {
            port: 22,
            banner: None,
            kex: vec![],
            host_key: vec![],
            ciphers: vec![],
            macs: vec![],
            legacy_only: false,
            client_hint: None,
            server_message: None,
            error: Some(SshError::NoBanner),
        });
        assert_eq!(handshake(&r).as_deref(), Some("ssh:no_banner"));
        r.rdp = Some(RdpResult {
            port: 3389,
            accepts: vec![RdpLayer::Tls, RdpLayer::Nla],
            legacy: false,
            failure_codes: vec![],
            error: None,
        });
        assert_eq!(handshake(&r).as_deref(), Some("ssh:no_banner rdp:tls+nla"));
        assert_eq!(
            top_finding(&[Finding::IcmpReply, Finding::PortOpen, Finding::SshNoBanner]),
            Some(Finding::SshNoBanner)
        );
        assert_eq!(
            top_finding(&[Finding::IcmpReply, Finding::PortOpen, Finding::SshOk]),
            Some(Finding::SshOk)
        );
        assert_eq!(top_finding(&[]), None);
    }
}
