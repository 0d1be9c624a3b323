//! Network probes behind the [`Prober`] trait.
//!
//! The engine (in `vmd-core`) emits a [`ProbeRequest`]; a runtime hands it to a
//! `Prober` and feeds the [`ProbeReport`] back. Tests of the engine use a fake;
//! tests of [`NetProber`] use the real network lab under `tests/lab`.
//!
//! [`NetProber`] runs ICMP and every port of a request concurrently. Every network
//! operation has a deadline and every read a byte cap, so a hostile, slow-dripping
//! or garbage-sending server ends in a result, never a hang. The parts of one run
//! share what they learn about the path ([`PathRtt`]): once anything answered,
//! silent ports and echoes are judged against a deadline derived from the
//! measured round trip instead of the full configured timeout ([`tcp::judge`]).
//!
//! A port listed twice in a request, once with [`Service::Ssh`] and once with
//! [`Service::Rdp`], means "either": the probe listens first and runs the SSH
//! handshake if the server speaks first, the RDP negotiation if it stays silent.

pub mod cli;
pub mod fleet;
pub mod icmp;
pub mod rdp;
pub mod rtt;
pub mod ssh;
pub mod targets;
pub mod tcp;

use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};
use vmd_core::probe::{
    PortResult, PortState, ProbeProgress, ProbeReport, ProbeRequest, RdpResult, Service, SshResult,
};

pub use rtt::{PathRtt, Tuning};
pub use tcp::classify_errno;

/// Something that can measure a target from outside.
pub trait Prober: Send + Sync {
    fn probe(&self, req: &ProbeRequest) -> impl Future<Output = ProbeReport> + Send;

    /// Like [`Prober::probe`], and sends each finished part (ping, a port with
    /// its handshake) to `progress` as soon as it is known. The default sends
    /// nothing.
    fn probe_with_progress(
        &self,
        req: &ProbeRequest,
        progress: tokio::sync::mpsc::UnboundedSender<ProbeProgress>,
    ) -> impl Future<Output = ProbeReport> + Send {
        drop(progress);
        self.probe(req)
    }
}

/// Limits of every network operation. All of them are bounded.
#[derive(Clone, Debug, PartialEq)]
pub struct ProbeConfig {
    /// TCP connect deadline per port.
    pub connect_timeout: Duration,
    /// Deadline for an SSH/RDP handshake after connecting.
    pub handshake_timeout: Duration,
    /// Echo requests per ICMP probe.
    pub icmp_count: u32,
    /// Deadline for the whole ICMP probe.
    pub icmp_timeout: Duration,
    /// Spacing of the echo requests.
    pub icmp_interval: Duration,
    /// How silent ports and echoes are judged once the run knows the round trip.
    pub tuning: Tuning,
}

impl Default for ProbeConfig {
    fn default() -> Self {
        ProbeConfig {
            connect_timeout: Duration::from_millis(3000),
            handshake_timeout: Duration::from_millis(4000),
            icmp_count: 3,
            icmp_timeout: Duration::from_millis(3000),
            icmp_interval: Duration::from_millis(20),
            tuning: Tuning::default(),
        }
    }
}

impl ProbeConfig {
    /// Every deadline set to `timeout` (what `--timeout-ms` means).
    pub fn with_timeout(timeout: Duration) -> Self {
        ProbeConfig {
            connect_timeout: timeout,
            handshake_timeout: timeout,
            icmp_timeout: timeout,
            ..ProbeConfig::default()
        }
    }
}

/// The real prober: ICMP (in process, `ping` as a fallback), TCP connect with
/// RTT-adaptive verdicts, SSH and RDP handshakes.
#[derive(Clone, Debug, Default)]
pub struct NetProber {
    pub cfg: ProbeConfig,
}

impl NetProber {
    pub fn new(cfg: ProbeConfig) -> Self {
        NetProber { cfg }
    }
}

impl Prober for NetProber {
    fn probe(&self, req: &ProbeRequest) -> impl Future<Output = ProbeReport> + Send {
        let cfg = self.cfg.clone();
        let req = req.clone();
        async move { run(cfg, req, None).await }
    }

    fn probe_with_progress(
        &self,
        req: &ProbeRequest,
        progress: tokio::sync::mpsc::UnboundedSender<ProbeProgress>,
    ) -> impl Future<Output = ProbeReport> + Send {
        let cfg = self.cfg.clone();
        let req = req.clone();
        async move { run(cfg, req, Some(progress)).await }
    }
}

/// Everything measured on one port.
struct PortOutcome {
    port: PortResult,
    ssh: Option<SshResult>,
    rdp: Option<RdpResult>,
}

async fn run(
    cfg: ProbeConfig,
    req: ProbeRequest,
    progress: Option<tokio::sync::mpsc::UnboundedSender<ProbeProgress>>,
) -> ProbeReport {
    let start = Instant::now();
    let target = req.target;

    // One entry per port, in request order, with the services to try there.
    let mut ports: Vec<(u16, Vec<Service>)> = Vec::new();
    for spec in &req.ports {
        match ports.iter_mut().find(|(p, _)| *p == spec.port) {
            Some((_, services)) => {
                if let Some(s) = spec.service {
                    if !services.contains(&s) {
                        services.push(s);
                    }
                }
            }
            None => ports.push((spec.port, spec.service.into_iter().collect())),
        }
    }

    // Every answer of this run is a round-trip sample for every other part.
    let rtt = PathRtt::new();
    let mut set = tokio::task::JoinSet::new();
    for (idx, (port, services)) in ports.iter().cloned().enumerate() {
        let cfg = cfg.clone();
        let rtt = rtt.clone();
        set.spawn(async move { (idx, probe_port(&cfg, target, port, &services, &rtt).await) });
    }
    let icmp_fut = async {
        if req.icmp {
            let plan = icmp::Plan {
                count: cfg.icmp_count,
                interval: cfg.icmp_interval,
                timeout: cfg.icmp_timeout,
                tuning: cfg.tuning,
            };
            let r = icmp::ping(target, plan, &rtt).await;
            if let Some(tx) = &progress {
                let _ = tx.send(ProbeProgress::Icmp(r.clone()));
            }
            Some(r)
        } else {
            None
        }
    };
    let ports_fut = async {
        let mut out: Vec<Option<PortOutcome>> = (0..ports.len()).map(|_| None).collect();
        while let Some(joined) = set.join_next().await {
            if let Ok((idx, outcome)) = joined {
                if let Some(tx) = &progress {
                    let _ = tx.send(ProbeProgress::Port(outcome.port.clone()));
                }
                if let Some(slot) = out.get_mut(idx) {
                    *slot = Some(outcome);
                }
            }
        }
        out
    };
    let (icmp, outcomes) = tokio::join!(icmp_fut, ports_fut);

    let mut port_results = Vec::new();
    let mut ssh_results = Vec::new();
    let mut rdp_results = Vec::new();
    for (i, o) in outcomes.into_iter().enumerate() {
        match o {
            Some(o) => {
                port_results.push(o.port);
                ssh_results.extend(o.ssh);
                rdp_results.extend(o.rdp);
            }
            // Only reachable if a task panicked; report it as our own failure.
            None => port_results.push(PortResult {
                port: ports[i].0,
                state: PortState::Inconclusive,
                reason: vmd_core::probe::PortReason::LocalError,
                rtt_ms: None,
                basis: Some(vmd_core::probe::VerdictBasis::Local),
                attempts: 0,
                icmp: None,
            }),
        }
    }

    ProbeReport {
        target,
        elapsed_ms: start.elapsed().as_millis() as u64,
        icmp,
        ports: port_results,
        ssh: pick(ssh_results, |s| s.error.is_none()),
        rdp: pick(rdp_results, |r| r.error.is_none()),
    }
}

/// The report holds one SSH and one RDP result: prefer a successful handshake,
/// and among equals the later port (a declared custom port comes after the default).
fn pick<T>(results: Vec<T>, ok: impl Fn(&T) -> bool) -> Option<T> {
    let mut best: Option<T> = None;
    for r in results {
        let better = match &best {
            None => true,
            Some(b) => ok(&r) || !ok(b),
        };
        if better {
            best = Some(r);
        }
    }
    best
}

async fn probe_port(
    cfg: &ProbeConfig,
    target: IpAddr,
    port: u16,
    services: &[Service],
    rtt: &PathRtt,
) -> PortOutcome {
    let addr = SocketAddr::new(target, port);
    let (result, stream) = tcp::connect_adaptive(addr, cfg.connect_timeout, cfg.tuning, rtt).await;
    let mut out = PortOutcome {
        port: result,
        ssh: None,
        rdp: None,
    };
    let Some(stream) = stream else {
        return out;
    };
    let wants_ssh = services.contains(&Service::Ssh);
    let wants_rdp = services.contains(&Service::Rdp);
    match (wants_ssh, wants_rdp) {
        (true, false) => {
            out.ssh = Some(ssh_io::handshake(stream, port, cfg, false).await.finish());
        }
        (false, true) => {
            out.rdp = Some(rdp_io::negotiate(addr, Some(stream), cfg).await);
        }
        (true, true) => match ssh_io::handshake(stream, port, cfg, true).await {
            ssh_io::Outcome::Done(r) => out.ssh = Some(r),
            ssh_io::Outcome::Silent(stream) => {
                out.rdp = Some(rdp_io::negotiate(addr, Some(stream), cfg).await)
            }
        },
        (false, false) => {}
    }
    out
}

/// Bounded reads shared by the handshakes.
mod read {
    use tokio::io::AsyncReadExt;
    use tokio::net::TcpStream;
    use tokio::time::Instant;

    pub enum Step {
        Data,
        Eof,
        Timeout,
        Full,
        Error,
    }

    /// Read once more into `buf`, never past `cap` bytes in total or `deadline`.
    pub async fn more(
        stream: &mut TcpStream,
        buf: &mut Vec<u8>,
        cap: usize,
        deadline: Instant,
    ) -> Step {
        if buf.len() >= cap {
            return Step::Full;
        }
        let mut chunk = [0u8; 4096];
        let room = (cap - buf.len()).min(chunk.len());
        match tokio::time::timeout_at(deadline, stream.read(&mut chunk[..room])).await {
            Err(_) => Step::Timeout,
            Ok(Ok(0)) => Step::Eof,
            Ok(Ok(n)) => {
                buf.extend_from_slice(&chunk[..n]);
                Step::Data
            }
            Ok(Err(_)) => Step::Error,
        }
    }
}

mod ssh_io {
    use super::read::{more, Step};
    use super::ProbeConfig;
    use crate::ssh::{self, EarlyClose, Ident, Packet};
    use std::time::Duration;
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpStream;
    use tokio::time::Instant;
    use vmd_core::probe::{SshError, SshResult};

    pub enum Outcome {
        Done(SshResult),
        /// The server sent nothing while we listened and the caller may try RDP.
        Silent(TcpStream),
    }

    impl Outcome {
        pub fn finish(self) -> SshResult {
            match self {
                Outcome::Done(r) => r,
                // Not produced with `may_be_silent == false`.
                Outcome::Silent(_) => SshResult {
                    error: Some(SshError::NoBanner),
                    ..empty(0)
                },
            }
        }
    }

    fn empty(port: u16) -> SshResult {
        SshResult {
            port,
            banner: None,
            kex: vec![],
            host_key: vec![],
            ciphers: vec![],
            macs: vec![],
            legacy_only: false,
            client_hint: None,
            server_message: None,
            error: None,
        }
    }

    const CAP: usize = ssh::MAX_PRE_BANNER + ssh::MAX_LINE + 4 + ssh::MAX_PACKET;

    /// SSH servers speak first. Listen for a while; if nothing came, send our
    /// identification anyway (a non-SSH server may then answer, e.g. HTTP 400).
    pub async fn handshake(
        mut stream: TcpStream,
        port: u16,
        cfg: &ProbeConfig,
        may_be_silent: bool,
    ) -> Outcome {
        let start = Instant::now();
        let deadline = start + cfg.handshake_timeout;
        let listen = (cfg.handshake_timeout / 4).min(Duration::from_millis(1000));
        let listen_deadline = start + listen;
        let mut res = empty(port);
        let mut buf = Vec::new();
        let mut sent = false;
        let ident = format!("{}\r\n", ssh::CLIENT_IDENT);

        let consumed = loop {
            match ssh::parse_ident(&buf) {
                Ident::Found { line, consumed } => {
                    res.banner = Some(line);
                    break consumed;
                }
                Ident::NotSsh { .. } => {
                    res.error = Some(SshError::NotSsh);
                    res.server_message = Some(ssh::sanitise(&buf[..buf.len().min(80)]));
                    return Outcome::Done(res);
                }
                Ident::NeedMore => {}
            }
            let d = if sent { deadline } else { listen_deadline };
            match more(&mut stream, &mut buf, CAP, d).await {
                Step::Data => {}
                Step::Eof | Step::Error => {
                    match ssh::early_close(&buf) {
                        EarlyClose::Silent => res.error = Some(SshError::ClosedBeforeBanner),
                        EarlyClose::Refused { message } => {
                            res.error = Some(SshError::ServerRefused);
                            res.server_message = Some(message);
                        }
                        EarlyClose::NotSsh { .. } => {
                            res.error = Some(SshError::NotSsh);
                            res.server_message = Some(ssh::sanitise(&buf[..buf.len().min(80)]));
                        }
                    }
                    return Outcome::Done(res);
                }
                Step::Full => {
                    res.error = Some(SshError::NotSsh);
                    return Outcome::Done(res);
                }
                Step::Timeout if !sent => {
                    if buf.is_empty() && may_be_silent {
                        return Outcome::Silent(stream);
                    }
                    sent = true;
                    let _ =
                        tokio::time::timeout_at(deadline, stream.write_all(ident.as_bytes())).await;
                }
                Step::Timeout => {
                    res.error = Some(SshError::NoBanner);
                    return Outcome::Done(res);
                }
            }
        };
        if !sent {
            let _ = tokio::time::timeout_at(deadline, stream.write_all(ident.as_bytes())).await;
        }

        // The server's KEXINIT follows the identification line.
        let mut buf = buf.split_off(consumed.min(buf.len()));
        loop {
            match ssh::parse_packet(&buf) {
                Packet::Complete(payload) => {
                    match ssh::parse_kexinit(payload) {
                        Ok(k) => {
                            if !ssh::kexinit_complete(&k) {
                                // Still SSH, but no client could agree on anything.
                                res.error = Some(SshError::BadKexinit);
                            }
                            let c = ssh::compat(&k);
                            res.kex = k.kex;
                            res.host_key = k.host_key;
                            res.ciphers = k.ciphers_s2c;
                            res.macs = k.macs_s2c;
                            res.legacy_only = c.legacy_only;
                            res.client_hint = c.client_hint;
                        }
                        Err(_) => res.error = Some(SshError::BadKexinit),
                    }
                    return Outcome::Done(res);
                }
                Packet::Bad(_) => {
                    res.error = Some(SshError::BadKexinit);
                    return Outcome::Done(res);
                }
                Packet::NeedMore => {}
            }
            match more(&mut stream, &mut buf, 4 + ssh::MAX_PACKET, deadline).await {
                Step::Data => {}
                _ => {
                    res.error = Some(SshError::BadKexinit);
                    return Outcome::Done(res);
                }
            }
        }
    }
}

mod rdp_io {
    use super::read::{more, Step};
    use super::{tcp, ProbeConfig};
    use crate::rdp::{self, Confirm, Parse};
    use std::net::SocketAddr;
    use tokio::io::AsyncWriteExt;
    use tokio::net::TcpStream;
    use tokio::time::Instant;
    use vmd_core::probe::{RdpError, RdpResult};

    enum Answer {
        Confirm(Confirm),
        NotRdp,
        Silent,
        Connect,
    }

    async fn one(
        addr: SocketAddr,
        stream: Option<TcpStream>,
        requested: u32,
        cfg: &ProbeConfig,
    ) -> Answer {
        let mut stream = match stream {
            Some(s) => s,
            None => match tcp::connect(addr, cfg.connect_timeout).await {
                Some(s) => s,
                None => return Answer::Connect,
            },
        };
        let deadline = Instant::now() + cfg.handshake_timeout;
        let req = rdp::encode_request(requested);
        match tokio::time::timeout_at(deadline, stream.write_all(&req)).await {
            Ok(Ok(())) => {}
            _ => return Answer::Silent,
        }
        let mut buf = Vec::new();
        loop {
            match rdp::parse_confirm(&buf) {
                Parse::Done(c) => return Answer::Confirm(c),
                Parse::NotRdp(_) => return Answer::NotRdp,
                Parse::NeedMore => {}
            }
            match more(&mut stream, &mut buf, rdp::MAX_TPKT, deadline).await {
                Step::Data => {}
                Step::Full => return Answer::NotRdp,
                Step::Eof | Step::Error | Step::Timeout if !buf.is_empty() => {
                    return Answer::NotRdp
                }
                _ => return Answer::Silent,
            }
        }
    }

    /// Send each request of [`rdp::REQUESTS`] on its own connection (the first on
    /// `first`, already connected), concurrently.
    pub async fn negotiate(
        addr: SocketAddr,
        first: Option<TcpStream>,
        cfg: &ProbeConfig,
    ) -> RdpResult {
        let [r0, r1, r2] = rdp::REQUESTS;
        let (a0, a1, a2) = tokio::join!(
            one(addr, first, r0, cfg),
            one(addr, None, r1, cfg),
            one(addr, None, r2, cfg)
        );
        let answers = [(r0, a0), (r1, a1), (r2, a2)];
        let confirms: Vec<(u32, Confirm)> = answers
            .iter()
            .filter_map(|(r, a)| match a {
                Answer::Confirm(c) => Some((*r, *c)),
                _ => None,
            })
            .collect();
        let mut res = RdpResult {
            port: addr.port(),
            accepts: vec![],
            legacy: false,
            failure_codes: vec![],
            error: None,
        };
        if !confirms.is_empty() {
            let s = rdp::summarise(&confirms);
            if s.only_unknown() {
                res.error = Some(RdpError::NotRdp);
            }
            res.accepts = s.accepts;
            res.legacy = s.legacy;
            res.failure_codes = s.failure_codes;
        } else if answers.iter().any(|(_, a)| matches!(a, Answer::NotRdp)) {
            res.error = Some(RdpError::NotRdp);
        } else if answers.iter().all(|(_, a)| matches!(a, Answer::Connect)) {
            res.error = Some(RdpError::Connect);
        } else {
            res.error = Some(RdpError::NoAnswer);
        }
        res
    }
}

#[cfg(test)]
mod tests;
