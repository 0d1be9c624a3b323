//! The disk-filling loop from issue 8, through the real driver and sled: a
//! server that sends 64 long names in every KEXINIT list, and a user who
//! says "check again" then `/back`, round after round. The stored record
//! stays bounded, and so does the data directory.

use std::sync::Arc;
use std::time::Duration;
use vmd_core::command::{Command, Lang, Os};
use vmd_core::engine::{Engine, EngineConfig, Input};
use vmd_core::limits;
use vmd_core::policy::TargetPolicy;
use vmd_core::probe::*;
use vmd_core::session::{Phase, SessionKey};
use vmd_probe::Prober;
use vmd_runtime::admission::{AdmissionConfig, Rate};
use vmd_runtime::i18n::Localizer;
use vmd_runtime::store::{SledStore, Store};
use vmd_runtime::{Driver, DriverConfig, Outgoing};

struct Fat;

impl Prober for Fat {
    fn probe(&self, req: &ProbeRequest) -> impl std::future::Future<Output = ProbeReport> + Send {
        let mut r = ProbeReport::uniform(req, PortState::Open, PortReason::SynAck, 3);
        let names: Vec<String> = (0..64)
            .map(|i| format!("{i:02}{}", "n".repeat(62)))
            .collect();
        r.ssh = Some(SshResult {
            port: 22,
            banner: Some(format!("SSH-2.0-{}", "b".repeat(190))),
            kex: names.clone(),
            host_key: names.clone(),
            ciphers: names.clone(),
            macs: names,
            legacy_only: true,
            client_hint: Some("ssh -oKexAlgorithms=+x".into()),
            server_message: None,
            error: None,
        });
        async move { r }
    }
}

fn dir_size(p: &std::path::Path) -> u64 {
    std::fs::read_dir(p)
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            if e.file_type().unwrap().is_dir() {
                dir_size(&e.path())
            } else {
                e.metadata().unwrap().len()
            }
        })
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn check_again_then_back_does_not_fill_the_disk() {
    let dir = tempfile::tempdir().unwrap();
    let store = Arc::new(SledStore::open(dir.path()).unwrap());
    let loc = Localizer::embedded().unwrap();
    let rb = vmd_runtime::load_runbooks(vmd_runtime::RUNBOOK_FILES, &loc).unwrap();
    let engine = Engine::new(
        rb,
        EngineConfig {
            idle_ttl_ms: 3_600_000,
            policy: TargetPolicy::new(vec!["203.0.113.0/24".parse().unwrap()]),
            egress: Vec::new(),
        },
    );
    // Budgets out of the way: this test is about storage.
    let d = Driver::new(
        engine,
        Fat,
        store.clone(),
        loc,
        DriverConfig {
            default_lang: Lang::En,
            support_lang: Lang::En,
            ticket_template: "https://example.invalid/?{summary}".into(),
            max_concurrent_probes: 2,
            probe_deadline: Duration::from_secs(5),
        },
    )
    .with_admission(AdmissionConfig {
        per_user: Rate::new(100_000, 1),
        per_space: Rate::new(100_000, 1),
        per_target: Rate::new(100_000, 1),
        max_running_per_user: 2,
        max_lookups_per_user: 2,
    });
    let key = SessionKey::new("console", "local", "mallory");
    let mut sink = |_: Outgoing| {};
    d.turn(
        &key,
        Input::Command(Command::Diagnose {
            ip: Some("203.0.113.10".parse().unwrap()),
            os: Some(Os::Linux),
            port: None,
        }),
        None,
        &mut sink,
    )
    .await
    .unwrap();
    let mut sizes = Vec::new();
    for round in 0..300 {
        // Straight to a question with "check again" (as `/back` would reach it).
        let mut s = store.load(&key).unwrap().unwrap();
        s.phase = Phase::Step("linux.firewall".into());
        store.save(&key, &s).unwrap();
        d.turn(&key, Input::Choose("fixed".into()), None, &mut sink)
            .await
            .unwrap();
        d.turn(&key, Input::Command(Command::Back), None, &mut sink)
            .await
            .unwrap();
        if round % 100 == 99 {
            let rec = vmd_runtime::store::encode(&store.load(&key).unwrap().unwrap())
                .unwrap()
                .len();
            sizes.push((rec, dir_size(dir.path())));
        }
    }
    let s = store.load(&key).unwrap().unwrap();
    assert!(s.probes.len() <= limits::MAX_PROBES_KEPT + 1);
    assert!(s.probes_forgotten > 200, "{}", s.probes_forgotten);
    let (rec, disk) = *sizes.last().unwrap();
    println!("record and data directory after 100, 200, 300 rounds: {sizes:?}");
    assert!(rec <= limits::MAX_RECORD_BYTES, "{sizes:?}");
    // The record stopped growing once every list reached its cap (the
    // visited-steps list is the last to fill; timestamps may add a digit).
    assert!(rec <= sizes[1].0 + 64, "{sizes:?}");
    // Before the caps, 100 rounds grew the directory to 266 MB.
    assert!(disk < 32 << 20, "{sizes:?}");
    // The report still tells the history: summaries, then a count.
    let mut md = String::new();
    let mut grab = |ev: Outgoing| {
        if let Outgoing::Escalation { markdown, .. } = ev {
            md = markdown;
        }
    };
    d.turn(&key, Input::Command(Command::Ticket), None, &mut grab)
        .await
        .unwrap();
    assert!(md.contains("## Earlier checks (summarised)"), "{md}");
    assert!(
        md.contains("checks older than these are no longer kept"),
        "{md}"
    );
    assert!(md.contains("TCP 22 open"), "{md}");
    assert!(md.len() < 64 * 1024, "{}", md.len());
}
