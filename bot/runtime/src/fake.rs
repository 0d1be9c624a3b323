//! Test doubles shared by the adapters' tests (feature `fake`; never in the
//! released binary): a scripted prober whose runs can be held back.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;
use vmd_core::probe::*;
use vmd_probe::Prober;

/// Probe results from a script; each run waits for a permit of `gate`, so a
/// test can hold probes back. An unexpected probe panics.
#[derive(Clone)]
pub struct GateProber {
    pub worlds: Arc<Mutex<VecDeque<PortState>>>,
    pub gate: Arc<Semaphore>,
    pub finished: Arc<AtomicUsize>,
    /// The SSH identification line an open port 22 sends.
    pub banner: Arc<str>,
}

impl GateProber {
    /// Runs answer `worlds` in order (one port state each); `open` lets them
    /// run at once, else each waits for a permit of `gate`.
    pub fn new(worlds: &[PortState], open: bool) -> GateProber {
        GateProber {
            worlds: Arc::new(Mutex::new(worlds.iter().copied().collect())),
            gate: Arc::new(Semaphore::new(if open { 1000 } else { 0 })),
            finished: Arc::new(AtomicUsize::new(0)),
            banner: "SSH-2.0-OpenSSH_9.2p1".into(),
        }
    }

    pub fn with_banner(mut self, banner: &str) -> GateProber {
        self.banner = banner.into();
        self
    }
}

impl Prober for GateProber {
    fn probe(&self, req: &ProbeRequest) -> impl std::future::Future<Output = ProbeReport> + Send {
        let (tx, _rx) = tokio::sync::mpsc::unbounded_channel();
        self.probe_with_progress(req, tx)
    }

    fn probe_with_progress(
        &self,
        req: &ProbeRequest,
        progress: tokio::sync::mpsc::UnboundedSender<ProbeProgress>,
    ) -> impl std::future::Future<Output = ProbeReport> + Send {
        let me = self.clone();
        let req = req.clone();
        async move {
            me.gate.acquire().await.expect("gate").forget();
            let state = me
                .worlds
                .lock()
                .unwrap()
                .pop_front()
                .unwrap_or_else(|| panic!("unexpected probe {req:?}"));
            let r = report(&req, state, &me.banner);
            for p in &r.ports {
                let _ = progress.send(ProbeProgress::Port(p.clone()));
            }
            me.finished.fetch_add(1, Ordering::SeqCst);
            r
        }
    }
}

/// A report where every requested port is in `state`.
pub fn report(req: &ProbeRequest, state: PortState, banner: &str) -> ProbeReport {
    let open = state == PortState::Open;
    ProbeReport {
        target: req.target,
        elapsed_ms: 7,
        icmp: req.icmp.then_some(IcmpResult {
            state: IcmpState::NoReply,
            sent: 3,
            received: 0,
            rtt_ms: None,
        }),
        ports: req
            .ports
            .iter()
            .map(|p| PortResult {
                port: p.port,
                state,
                reason: if open {
                    PortReason::SynAck
                } else {
                    PortReason::Timeout
                },
                rtt_ms: None,
            })
            .collect(),
        ssh: req
            .ports
            .iter()
            .find(|p| open && p.service == Some(Service::Ssh))
            .map(|p| SshResult {
                port: p.port,
                banner: Some(banner.into()),
                kex: vec!["curve25519-sha256".into()],
                host_key: vec!["ssh-ed25519".into()],
                ciphers: vec![],
                macs: vec![],
                legacy_only: false,
                client_hint: None,
                server_message: None,
                error: None,
            }),
        rdp: req
            .ports
            .iter()
            .find(|p| open && p.service == Some(Service::Rdp))
            .map(|p| RdpResult {
                port: p.port,
                accepts: vec![RdpLayer::Tls],
                legacy: false,
                failure_codes: vec![],
                error: None,
            }),
    }
}
