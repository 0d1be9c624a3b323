//! The database goes away in the middle of a run (here: the connection
//! path to it is cut, as when it fails over or the network splits): the
//! store is not ready, a turn answers "try again in a minute" and changes
//! nothing; once the database is back the conversation goes on from what
//! was stored.

mod support;

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::net::{TcpListener, TcpStream};
use vmd_core::command::Lang;
use vmd_core::engine::{Engine, EngineConfig, Input};
use vmd_core::session::{Phase, SessionKey};
use vmd_runtime::driver::Outgoing;
use vmd_runtime::i18n::Localizer;
use vmd_runtime::store::Store;
use vmd_runtime::{Driver, DriverConfig};
use vmd_store_pg::PgStore;

/// A TCP relay to the database that can be cut (every connection closed,
/// new ones refused) and restored.
struct Relay {
    up: Arc<AtomicBool>,
    conns: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>>,
    port: u16,
}

impl Relay {
    async fn start(target: String) -> Relay {
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let port = l.local_addr().unwrap().port();
        let up = Arc::new(AtomicBool::new(true));
        let conns: Arc<Mutex<Vec<tokio::task::JoinHandle<()>>>> = Arc::default();
        let (u, c) = (up.clone(), conns.clone());
        tokio::spawn(async move {
            loop {
                let Ok((mut inbound, _)) = l.accept().await else {
                    return;
                };
                if !u.load(Ordering::SeqCst) {
                    continue; // dropped: refused
                }
                let target = target.clone();
                c.lock().unwrap().push(tokio::spawn(async move {
                    if let Ok(mut out) = TcpStream::connect(&target).await {
                        let _ = tokio::io::copy_bidirectional(&mut inbound, &mut out).await;
                    }
                }));
            }
        });
        Relay { up, conns, port }
    }

    fn cut(&self) {
        self.up.store(false, Ordering::SeqCst);
        for h in self.conns.lock().unwrap().drain(..) {
            h.abort();
        }
    }

    fn restore(&self) {
        self.up.store(true, Ordering::SeqCst);
    }
}

/// `postgres://user@host:port/db` → (`host:port`, the URL with `via` instead).
fn split(url: &str, via: Option<u16>) -> (String, String) {
    let (scheme, rest) = url.split_once("://").unwrap();
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (user, hostport) = match authority.rfind('@') {
        Some(at) => (&authority[..=at], &authority[at + 1..]),
        None => ("", authority),
    };
    let relayed = match via {
        Some(p) => format!("{scheme}://{user}127.0.0.1:{p}{tail}"),
        None => url.to_owned(),
    };
    (hostport.to_owned(), relayed)
}

fn driver(store: PgStore) -> Driver<vmd_runtime::fake::GateProber, PgStore> {
    driver_with(store, vmd_runtime::fake::GateProber::new(&[], true))
}

fn driver_with(
    store: PgStore,
    prober: vmd_runtime::fake::GateProber,
) -> Driver<vmd_runtime::fake::GateProber, PgStore> {
    let loc = Localizer::embedded().unwrap();
    let rb = vmd_runtime::load_runbooks(vmd_runtime::RUNBOOK_FILES, &loc).unwrap();
    let engine = Engine::new(
        rb,
        EngineConfig {
            idle_ttl_ms: 3_600_000,
            policy: vmd_core::policy::TargetPolicy::new(vec!["127.0.0.0/8".parse().unwrap()]),
            egress: Vec::new(),
        },
    );
    Driver::new(
        engine,
        prober,
        store,
        loc,
        DriverConfig {
            default_lang: Lang::En,
            support_lang: Lang::En,
            ticket_template: "https://example.invalid/?{summary}".into(),
            max_concurrent_probes: 4,
            probe_deadline: Duration::from_secs(5),
        },
    )
}

async fn turn(
    d: &Driver<vmd_runtime::fake::GateProber, PgStore>,
    key: &SessionKey,
    text: &str,
) -> Vec<String> {
    let mut ids = Vec::new();
    let mut sink = |o: Outgoing| {
        if let Outgoing::Reply { reply, .. } = o {
            ids.extend(reply.parts.iter().map(|m| m.id.clone()));
        }
    };
    d.turn(key, Input::Text(text.into()), Some(Lang::En), &mut sink)
        .await
        .unwrap();
    ids
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_database_lost_mid_run_refuses_turns_and_keeps_what_was_stored() {
    let Some(url) = support::url("a_database_lost_mid_run_refuses_turns_and_keeps_what_was_stored")
    else {
        return;
    };
    let (target, _) = split(&url, None);
    let relay = Relay::start(target).await;
    let (_, relayed) = split(&url, Some(relay.port));
    let mut cfg = support::config(&relayed, &support::fresh_schema());
    // Short, so the cut is noticed quickly; still generous for a busy machine.
    cfg.op_timeout = Duration::from_secs(10);
    let store = tokio::task::spawn_blocking(move || PgStore::open(cfg))
        .await
        .unwrap()
        .unwrap();
    let d = Arc::new(driver(store));
    let key = SessionKey::new("slack", "C1/1700000000.000100", "U1");
    turn(&d, &key, "/diagnose").await;
    let before = d
        .store()
        .load(&key)
        .unwrap()
        .expect("the diagnosis is stored");
    assert_eq!(before.phase, Phase::AskIp);

    relay.cut();
    let d2 = d.clone();
    let ready = tokio::task::spawn_blocking(move || d2.store().ready())
        .await
        .unwrap();
    assert!(
        ready.is_err(),
        "the store must not be ready without its database"
    );
    let ids = turn(&d, &key, "linux").await;
    assert_eq!(ids, vec!["err-store-unavailable".to_owned()]);

    relay.restore();
    // The pool replaces its dead connections: ready again within a while.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let d2 = d.clone();
        if tokio::task::spawn_blocking(move || d2.store().ready())
            .await
            .unwrap()
            .is_ok()
        {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "the store never became ready again"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
    let after = d.store().load(&key).unwrap().unwrap();
    assert_eq!(after, before, "what was stored is unchanged");
    // And the conversation goes on.
    let ids = turn(&d, &key, "/status").await;
    assert!(
        !ids.contains(&"err-store-unavailable".to_owned()),
        "{ids:?}"
    );
}

/// Two replicas' drivers on one database: while one runs a turn (its probe
/// held back), the other's turn on the same conversation waits for it, and
/// then finds the conversation past the probe: it never takes the probe up
/// as if its replica had died, and never runs it a second time.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_turn_on_another_replica_waits_for_the_turn_under_way() {
    let Some(url) = support::url("a_turn_on_another_replica_waits_for_the_turn_under_way") else {
        return;
    };
    let schema = support::fresh_schema();
    let open = |schema: String| {
        let url = url.clone();
        tokio::task::spawn_blocking(move || PgStore::open(support::config(&url, &schema)))
    };
    let (sa, sb) = (
        open(schema.clone()).await.unwrap().unwrap(),
        open(schema).await.unwrap().unwrap(),
    );
    let held = vmd_runtime::fake::GateProber::new(&[vmd_core::probe::PortState::Open], false);
    let gate = held.gate.clone();
    let a = Arc::new(driver_with(sa, held));
    // The other replica's prober panics on any probe.
    let b = Arc::new(driver(sb));
    let key = SessionKey::new("discord", "chan/9", "user-9");
    let a2 = a.clone();
    let k2 = key.clone();
    let first = tokio::spawn(async move { turn(&a2, &k2, "/diagnose 127.0.0.1 linux").await });
    // Wait until A stored the conversation in its probe.
    let deadline = std::time::Instant::now() + Duration::from_secs(120);
    loop {
        let (b2, k2) = (b.clone(), key.clone());
        let s = tokio::task::spawn_blocking(move || b2.store().load(&k2))
            .await
            .unwrap()
            .unwrap();
        if s.is_some_and(|s| s.waits_on_runtime()) {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "A never started its probe"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let done = Arc::new(AtomicBool::new(false));
    let (b2, k2, d2) = (b.clone(), key.clone(), done.clone());
    let second = tokio::spawn(async move {
        let ids = turn(&b2, &k2, "/status").await;
        d2.store(true, Ordering::SeqCst);
        ids
    });
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(
        !done.load(Ordering::SeqCst),
        "B ran a turn while A's turn held the conversation"
    );
    gate.add_permits(10);
    first.await.unwrap();
    let ids = second
        .await
        .expect("B's turn must not take the probe up again");
    assert!(
        !ids.contains(&"err-store-unavailable".to_owned()),
        "{ids:?}"
    );
    let s = b.store().load(&key).unwrap().unwrap();
    assert!(!s.waits_on_runtime());
    assert_eq!(s.probes.len(), 1, "the probe ran once");
}
