//! Shared test helpers: a fake prober that fails loudly, a store that records
//! every step a conversation reaches, and scripted console runs.

#![allow(dead_code)]

use std::collections::{BTreeSet, VecDeque};
use std::future::Future;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};
use vm_doctor::config::Config;
use vm_doctor::console::Console;
use vmd_core::command::Lang;
use vmd_core::probe::*;
use vmd_core::session::{Phase, Session, SessionKey};
use vmd_probe::Prober;
use vmd_runtime::store::{MemStore, Store, StoreError};
use vmd_runtime::Driver;

/// Answers probe requests from a script, in order. An unexpected request panics:
/// a conversation that probes when the script didn't expect it is a bug.
/// One scripted answer to a probe request.
pub type Answer = Box<dyn Fn(&ProbeRequest) -> ProbeReport + Send>;

#[derive(Clone, Default)]
pub struct FakeProber {
    pub queue: Arc<Mutex<VecDeque<Answer>>>,
    pub requests: Arc<Mutex<Vec<ProbeRequest>>>,
    /// Answers to the alternate-port check (`ProbeRequest::alternates`), in
    /// order; when none is scripted nothing answers there (every port
    /// dropped), so most scripts need not mention the check.
    pub alt: Arc<Mutex<VecDeque<Answer>>>,
}

impl FakeProber {
    pub fn then(&self, f: impl Fn(&ProbeRequest) -> ProbeReport + Send + 'static) -> &Self {
        self.queue.lock().unwrap().push_back(Box::new(f));
        self
    }

    /// The answer to the next alternate-port check.
    pub fn then_alt(&self, f: impl Fn(&ProbeRequest) -> ProbeReport + Send + 'static) -> &Self {
        self.alt.lock().unwrap().push_back(Box::new(f));
        self
    }

    pub fn remaining(&self) -> usize {
        self.queue.lock().unwrap().len() + self.alt.lock().unwrap().len()
    }

    /// The probes the conversation asked for, the alternate-port check left out.
    pub fn user_requests(&self) -> Vec<ProbeRequest> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| !r.alternates)
            .cloned()
            .collect()
    }

    /// The alternate-port checks that ran.
    pub fn alt_requests(&self) -> Vec<ProbeRequest> {
        self.requests
            .lock()
            .unwrap()
            .iter()
            .filter(|r| r.alternates)
            .cloned()
            .collect()
    }
}

/// Nothing answers on any requested port (every one dropped); ping, when
/// asked (only after it answered the first look), answers.
pub fn nothing_answers(req: &ProbeRequest) -> ProbeReport {
    World::sg_drop().report(req)
}

impl Prober for FakeProber {
    fn probe(&self, req: &ProbeRequest) -> impl Future<Output = ProbeReport> + Send {
        self.requests.lock().unwrap().push(req.clone());
        if req.alternates {
            let r = match self.alt.lock().unwrap().pop_front() {
                Some(f) => f(req),
                None => nothing_answers(req),
            };
            return std::future::ready(r);
        }
        let f = self
            .queue
            .lock()
            .unwrap()
            .pop_front()
            .unwrap_or_else(|| panic!("FakeProber: unexpected probe request {req:?}"));
        std::future::ready(f(req))
    }
}

/// A world as seen from outside: what each port does.
#[derive(Clone, Copy, Debug)]
pub struct World {
    pub icmp: IcmpState,
    pub port: PortState,
    pub ssh: SshKind,
    pub rdp: RdpKind,
    /// Why a dropped port gave up (an ICMP refusal instead of silence).
    pub refusal: Option<PortReason>,
    /// Who sent that ICMP refusal, when the probe could tell: the target
    /// itself (`Some(None)`) or a router at this address.
    pub refused_by: Option<Option<std::net::IpAddr>>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum SshKind {
    Ok,
    Legacy,
    /// Connected, no identification line.
    Silent,
    None,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub enum RdpKind {
    Ok,
    /// Connected, no negotiation answer.
    Silent,
    None,
}

impl World {
    pub fn open() -> World {
        World {
            icmp: IcmpState::NoReply,
            port: PortState::Open,
            ssh: SshKind::Ok,
            rdp: RdpKind::Ok,
            refusal: None,
            refused_by: None,
        }
    }
    pub fn filtered() -> World {
        World {
            icmp: IcmpState::NoReply,
            port: PortState::Filtered,
            ssh: SshKind::None,
            rdp: RdpKind::None,
            refusal: None,
            refused_by: None,
        }
    }
    /// Ping gets nothing; the port is refused with an ICMP "host prohibited"
    /// (a REJECT rule in the server's own firewall; Linux reports it as
    /// EHOSTUNREACH for IPv4).
    pub fn prohibited() -> World {
        World {
            refusal: Some(PortReason::HostUnreachable),
            ..World::filtered()
        }
    }
    /// [`World::prohibited`], the ICMP error (admin-prohibited) seen coming
    /// from the server itself.
    pub fn prohibited_by_server() -> World {
        World {
            refused_by: Some(None),
            ..World::prohibited()
        }
    }
    /// [`World::prohibited`], the ICMP error seen coming from a router on the way.
    pub fn prohibited_by_router() -> World {
        World {
            refused_by: Some(Some([198, 51, 100, 1].into())),
            ..World::prohibited()
        }
    }
    pub fn closed() -> World {
        World {
            icmp: IcmpState::Reply,
            port: PortState::Closed,
            ssh: SshKind::None,
            rdp: RdpKind::None,
            refusal: None,
            refused_by: None,
        }
    }
    /// Ping answers, the login port drops: a security group at work.
    pub fn sg_drop() -> World {
        World {
            icmp: IcmpState::Reply,
            ..World::filtered()
        }
    }
    /// Ping blocked and every port dropped: nothing answers at all.
    pub fn dark() -> World {
        World::filtered()
    }
    pub fn inconclusive() -> World {
        World {
            icmp: IcmpState::Unavailable,
            port: PortState::Inconclusive,
            ssh: SshKind::None,
            rdp: RdpKind::None,
            refusal: None,
            refused_by: None,
        }
    }
    /// The port accepts connections but the service never answers.
    pub fn hung() -> World {
        World {
            ssh: SshKind::Silent,
            rdp: RdpKind::Silent,
            ..World::open()
        }
    }
    pub fn legacy() -> World {
        World {
            ssh: SshKind::Legacy,
            ..World::open()
        }
    }

    /// The report this world gives for a request: every requested port in `self.port`.
    pub fn report(self, req: &ProbeRequest) -> ProbeReport {
        let reason = match self.port {
            PortState::Open => PortReason::SynAck,
            PortState::Closed => PortReason::Reset,
            PortState::Inconclusive => PortReason::LocalError,
            _ => self.refusal.unwrap_or(PortReason::Timeout),
        };
        let open = self.port == PortState::Open;
        let ssh_port = req.ports.iter().find(|p| p.service == Some(Service::Ssh));
        let rdp_port = req.ports.iter().find(|p| p.service == Some(Service::Rdp));
        ProbeReport {
            target: req.target,
            elapsed_ms: 42,
            icmp: req.icmp.then_some(IcmpResult {
                state: self.icmp,
                sent: 3,
                received: if self.icmp == IcmpState::Reply { 3 } else { 0 },
                rtt_ms: (self.icmp == IcmpState::Reply).then_some(12.0),
                method: None,
                echoes: vec![],
            }),
            ports: req
                .ports
                .iter()
                .map(|p| PortResult {
                    port: p.port,
                    state: self.port,
                    reason,
                    rtt_ms: open.then_some(3.0),
                    basis: None,
                    attempts: 0,
                    icmp: self
                        .refused_by
                        .filter(|_| self.refusal.is_some())
                        .map(|by| vmd_core::probe::IcmpFrom {
                            origin: by.unwrap_or(req.target),
                            icmp_type: 3,
                            code: 13,
                        }),
                })
                .collect(),
            ssh: ssh_port
                .filter(|_| open && self.ssh != SshKind::None)
                .map(|p| SshResult {
                    port: p.port,
                    banner: (self.ssh != SshKind::Silent)
                        .then(|| "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3".into()),
                    kex: vec![if self.ssh == SshKind::Legacy {
                        "diffie-hellman-group1-sha1"
                    } else {
                        "curve25519-sha256"
                    }
                    .into()],
                    host_key: vec![if self.ssh == SshKind::Legacy {
                        "ssh-dss"
                    } else {
                        "ssh-ed25519"
                    }
                    .into()],
                    ciphers: vec![],
                    macs: vec![],
                    legacy_only: self.ssh == SshKind::Legacy,
                    // As the probe builds it from the lists above.
                    client_hint: (self.ssh == SshKind::Legacy).then(|| {
                        "ssh -oKexAlgorithms=+diffie-hellman-group1-sha1 \
                         -oHostKeyAlgorithms=+ssh-dss -oPubkeyAcceptedAlgorithms=+ssh-dss"
                            .into()
                    }),
                    server_message: None,
                    error: (self.ssh == SshKind::Silent).then_some(SshError::NoBanner),
                }),
            rdp: rdp_port
                .filter(|_| open && self.rdp != RdpKind::None)
                .map(|p| RdpResult {
                    port: p.port,
                    accepts: if self.rdp == RdpKind::Ok {
                        vec![RdpLayer::Tls, RdpLayer::Nla]
                    } else {
                        vec![]
                    },
                    legacy: false,
                    failure_codes: vec![],
                    error: (self.rdp == RdpKind::Silent).then_some(RdpError::NoAnswer),
                }),
        }
    }
}

/// Wraps a store and records every runbook step a saved session stood at,
/// and, in order, each step with the number of answers given before it.
#[derive(Clone, Default)]
pub struct RecordingStore {
    pub inner: Arc<MemStore>,
    pub steps: Arc<Mutex<BTreeSet<String>>>,
    pub first_seen: Arc<Mutex<Vec<(String, u32)>>>,
}

impl Store for RecordingStore {
    fn load(&self, key: &SessionKey) -> Result<Option<Session>, StoreError> {
        self.inner.load(key)
    }
    fn save(&self, key: &SessionKey, s: &Session) -> Result<(), StoreError> {
        let mut steps = self.steps.lock().unwrap();
        steps.extend(s.trail.iter().cloned());
        if let Phase::Step(id) = &s.phase {
            steps.insert(id.clone());
        }
        let mut seen = self.first_seen.lock().unwrap();
        for id in &s.visited {
            if !seen.iter().any(|(x, _)| x == id) {
                seen.push((id.clone(), s.answer_count));
            }
        }
        self.inner.save(key, s)
    }
    fn delete(&self, key: &SessionKey) -> Result<(), StoreError> {
        self.inner.delete(key)
    }
    fn interrupted(&self) -> Result<Vec<SessionKey>, StoreError> {
        self.inner.interrupted()
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
    fn user_lang(&self, platform: &str, user: &str) -> Result<Option<Lang>, StoreError> {
        self.inner.user_lang(platform, user)
    }
    fn set_user_lang(&self, platform: &str, user: &str, lang: Lang) -> Result<(), StoreError> {
        self.inner.set_user_lang(platform, user, lang)
    }
}

pub fn test_config() -> Config {
    let mut env = std::collections::HashMap::new();
    env.insert(
        "VM_DOCTOR_ALLOW_TARGETS".to_owned(),
        "203.0.113.0/24".to_owned(),
    );
    Config::load(None, &env).unwrap()
}

pub fn driver(prober: FakeProber, store: RecordingStore) -> Driver<FakeProber, RecordingStore> {
    vm_doctor::build_driver(&test_config(), vmd_runtime::RUNBOOK_FILES, prober, store).unwrap()
}

/// A driver whose config names the bot's egress addresses.
pub fn driver_with_egress(
    prober: FakeProber,
    store: RecordingStore,
    egress: &str,
) -> Driver<FakeProber, RecordingStore> {
    let mut cfg = test_config();
    cfg.egress_ips = egress
        .split(',')
        .map(|s| s.trim().parse().unwrap())
        .collect();
    vm_doctor::build_driver(&cfg, vmd_runtime::RUNBOOK_FILES, prober, store).unwrap()
}

/// Runs a scripted console conversation (one line per turn) and returns its output.
pub fn console(
    driver: &Driver<FakeProber, RecordingStore>,
    lang: Option<Lang>,
    user: &str,
    report_dir: &std::path::Path,
    script: &str,
) -> String {
    let console = Console {
        key: SessionKey::new("console", "test", user),
        lang,
        tty: false,
        report_dir,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut out = Vec::new();
    rt.block_on(console.run(driver, std::io::Cursor::new(script.to_owned()), &mut out))
        .unwrap();
    String::from_utf8(out).unwrap()
}

pub const TARGET: &str = "203.0.113.10";

pub fn target() -> IpAddr {
    TARGET.parse().unwrap()
}

/// An alternate-port check where the login service answers properly on
/// `port` only (a moved sshd or Remote Desktop), every other port dropped.
pub fn answers_on(port: u16) -> impl Fn(&ProbeRequest) -> ProbeReport + Send + 'static {
    move |req| {
        let mut r = World::sg_drop().report(req);
        let one = ProbeRequest {
            ports: req
                .ports
                .iter()
                .filter(|p| p.port == port)
                .copied()
                .collect(),
            ..req.clone()
        };
        let open = World::open().report(&one);
        r.ports.retain(|p| p.port != port);
        r.ports.extend(open.ports);
        r.ssh = open.ssh;
        r.rdp = open.rdp;
        r
    }
}
