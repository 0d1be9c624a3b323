//! Test doubles shared by the adapters' tests (feature `fake`; never in the
//! released binary): a scripted prober whose runs can be held back, a
//! store that is swept or fails, a driver and replies as the tests use them.

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;
use vmd_core::command::Lang;
use vmd_core::msg::{Choice, Expect, Msg, Reply, Severity};
use vmd_core::probe::*;
use vmd_core::session::{Session, SessionKey};
use vmd_probe::Prober;

use crate::store::{MemStore, Store, StoreError};

/// Probe results from a script; each run waits for a permit of `gate`, so a
/// test can hold probes back. An unexpected probe panics. The alternate-port
/// check ([`ProbeRequest::alternates`]) is answered "nothing answers" at once.
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
            // The alternate-port check after a closed or dropped login port:
            // nothing answers there, at once, outside the script and the gate.
            if req.alternates {
                return report(&req, PortState::Filtered, &me.banner);
            }
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
            method: None,
            echoes: vec![None; 3],
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
                basis: None,
                attempts: 1,
                icmp: None,
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

/// Answers at once with every port open: for benchmarks of the adapters.
#[derive(Clone, Copy, Default)]
pub struct InstantProber;

impl Prober for InstantProber {
    fn probe(&self, req: &ProbeRequest) -> impl std::future::Future<Output = ProbeReport> + Send {
        let r = ProbeReport::uniform(req, PortState::Open, PortReason::SynAck, 0);
        async move { r }
    }
}

/// Opens the sled store under `dir`, retrying while a previous handle in the
/// same process still holds its lock (sled releases it from a background
/// thread shortly after the last handle is dropped).
pub async fn sled_store(dir: &std::path::Path) -> crate::store::SledStore {
    let mut tries = 0;
    loop {
        match crate::store::SledStore::open(dir) {
            Ok(s) => return s,
            Err(_) if tries < 100 => {
                tries += 1;
                tokio::time::sleep(std::time::Duration::from_millis(50)).await;
            }
            Err(e) => panic!("sled: {e}"),
        }
    }
}

/// The in-memory store with what a test needs of a shared or a failing
/// one: swept every `sweep` ([`Store::takeover_sweep`]) and, when `broken`,
/// every read of a user's language failing, so every turn fails.
#[derive(Clone, Default)]
pub struct TestStore {
    pub inner: Arc<MemStore>,
    pub sweep: Option<std::time::Duration>,
    pub broken: bool,
}

impl Store for TestStore {
    fn load(&self, key: &SessionKey) -> Result<Option<Session>, StoreError> {
        self.inner.load(key)
    }
    fn save(&self, key: &SessionKey, s: &Session) -> Result<(), StoreError> {
        self.inner.save(key, s)
    }
    fn delete(&self, key: &SessionKey) -> Result<(), StoreError> {
        self.inner.delete(key)
    }
    fn prune(&self, cutoff_ms: u64) -> Result<usize, StoreError> {
        self.inner.prune(cutoff_ms)
    }
    fn prune_with(
        &self,
        cutoff_ms: u64,
        expired: &mut dyn FnMut(&SessionKey, &Session),
    ) -> Result<usize, StoreError> {
        self.inner.prune_with(cutoff_ms, expired)
    }
    fn interrupted(&self) -> Result<Vec<SessionKey>, StoreError> {
        self.inner.interrupted()
    }
    fn user_lang(&self, platform: &str, user: &str) -> Result<Option<Lang>, StoreError> {
        if self.broken {
            return Err(StoreError::Backend("the test broke it".into()));
        }
        self.inner.user_lang(platform, user)
    }
    fn set_user_lang(&self, platform: &str, user: &str, lang: Lang) -> Result<(), StoreError> {
        self.inner.set_user_lang(platform, user, lang)
    }
    fn takeover_sweep(&self) -> Option<std::time::Duration> {
        self.sweep
    }
}

/// A question with the three OS options as buttons (`ask-os`), as the
/// engine asks it first.
pub fn os_question() -> Reply {
    Reply {
        severity: Severity::Info,
        parts: vec![Msg::new("ask-os").arg("ip", "203.0.113.7")],
        options: ["windows", "linux", "auto"]
            .iter()
            .map(|k| Choice {
                key: (*k).into(),
                label: Msg::new(format!("os-{k}")),
                means: None,
            })
            .collect(),
        expect: Expect::Choice,
        step: None,
        question: None,
        paste: false,
    }
}

/// The ticket template the adapters' tests expect.
pub const TICKET_TEMPLATE: &str = "https://support.example/ticket?ip={ip}&os={os}&s={summary}";

/// A driver as the adapters' tests use it: the embedded runbooks and locales,
/// targets in 203.0.113.0/24 admitted, sessions idle after an hour.
pub fn test_driver<P: Prober, S: crate::store::Store>(prober: P, store: S) -> crate::Driver<P, S> {
    driver_of(prober, store, None)
}

/// The provider's API answering every lookup with the same answer.
pub struct FixedCloud(pub vmd_core::cloud::CloudAnswer);

impl crate::driver::CloudApi for FixedCloud {
    fn lookup<'a>(
        &'a self,
        _conversation: &'a vmd_core::session::SessionKey,
        _req: &'a vmd_core::cloud::CloudRequest,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = vmd_core::cloud::CloudAnswer> + Send + 'a>,
    > {
        let answer = self.0.clone();
        Box::pin(async move { answer })
    }
}

/// [`test_driver`] with the provider's API configured (`cloud.show` =
/// verdicts) answering every lookup with `answer`: what each reader of the
/// chat is shown of it (adapter tests).
pub fn test_driver_with_cloud<P: Prober, S: crate::store::Store>(
    prober: P,
    store: S,
    answer: vmd_core::cloud::CloudAnswer,
) -> crate::Driver<P, S> {
    driver_of(prober, store, Some(answer))
}

fn driver_of<P: Prober, S: crate::store::Store>(
    prober: P,
    store: S,
    cloud: Option<vmd_core::cloud::CloudAnswer>,
) -> crate::Driver<P, S> {
    let loc = crate::i18n::Localizer::embedded().expect("embedded locales");
    let rb = crate::load_runbooks(crate::RUNBOOK_FILES, &loc).expect("embedded runbooks");
    let engine = vmd_core::engine::Engine::new(
        rb,
        vmd_core::engine::EngineConfig {
            idle_ttl_ms: 3_600_000,
            policy: vmd_core::policy::TargetPolicy::new(vec!["203.0.113.0/24"
                .parse()
                .expect("static range")]),
            egress: Vec::new(),
        },
    );
    let engine = match &cloud {
        Some(_) => engine.with_cloud(vmd_core::engine::CloudShow::Verdicts),
        None => engine,
    };
    let driver = crate::Driver::new(
        engine,
        prober,
        store,
        loc,
        crate::DriverConfig {
            default_lang: vmd_core::command::Lang::En,
            support_lang: vmd_core::command::Lang::En,
            ticket_template: TICKET_TEMPLATE.into(),
            max_concurrent_probes: 64,
            probe_deadline: std::time::Duration::from_secs(10),
        },
    );
    match cloud {
        Some(answer) => driver.with_cloud(
            std::sync::Arc::new(FixedCloud(answer)),
            crate::driver::CLOUD_DEADLINE,
        ),
        None => driver,
    }
}

/// The `p` quantile (0..=1) of sorted durations.
pub fn percentile(sorted: &[std::time::Duration], p: f64) -> std::time::Duration {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}
