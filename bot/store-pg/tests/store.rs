//! The PostgreSQL store against the suite every backend passes, and what
//! only a shared store does: migrations raced by replicas starting at once,
//! outcomes in a table, an unreachable database at start.

mod support;

use std::time::Duration;
use vmd_runtime::store::{OutcomeLine, Store, StoreError};
use vmd_store_pg::{PgConfig, PgStore, SCHEMA_VERSION};

#[test]
fn postgres_passes_the_store_suite() {
    let Some(url) = support::url("postgres_passes_the_store_suite") else {
        return;
    };
    vmd_runtime::store_suite::run_all(&|| support::Raw(support::fresh(&url)));
}

#[test]
fn replicas_starting_at_once_migrate_once() {
    let Some(url) = support::url("replicas_starting_at_once_migrate_once") else {
        return;
    };
    let schema = support::fresh_schema();
    let stores: Vec<PgStore> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..6)
            .map(|_| {
                let cfg = support::config(&url, &schema);
                s.spawn(move || PgStore::open(cfg))
            })
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap().expect("every replica starts"))
            .collect()
    });
    // Each migration recorded once, and the schema usable from every one.
    let key = vmd_core::session::SessionKey::new("slack", "C1/1", "U1");
    stores[0]
        .save(&key, &vmd_core::session::Session::new(3))
        .unwrap();
    for st in &stores {
        assert_eq!(st.load(&key).unwrap().unwrap().updated_ms, 3);
    }
    let versions = support::versions(&url, &schema);
    assert_eq!(versions, (1..=SCHEMA_VERSION).collect::<Vec<_>>());
}

#[test]
fn outcomes_of_every_replica_land_in_one_table() {
    let Some(url) = support::url("outcomes_of_every_replica_land_in_one_table") else {
        return;
    };
    let schema = support::fresh_schema();
    let a = PgStore::open(support::config(&url, &schema)).unwrap();
    let b = PgStore::open(support::config(&url, &schema)).unwrap();
    let line = |conv: &str, ts: u64| {
        format!(
            r#"{{"ts":{ts},"platform":"slack","ip":"203.0.113.5","os":"linux","outcome":"fixed","steps":[],"answers":1,"findings":[],"started_ms":1,"conversation":"{conv}"}}"#
        )
    };
    let (l1, l2) = (line("aaa", 10), line("bbb", 20));
    assert!(a
        .record_outcome(&OutcomeLine {
            conversation: "aaa",
            ended_ms: 10,
            json: &l1
        })
        .unwrap());
    assert!(b
        .record_outcome(&OutcomeLine {
            conversation: "bbb",
            ended_ms: 20,
            json: &l2
        })
        .unwrap());
    let all = a.outcome_lines().unwrap();
    assert_eq!(all, format!("{l1}\n{l2}\n"));
    let stats = vmd_runtime::outcomes::Stats::read(all.as_bytes()).unwrap();
    assert_eq!((stats.total, stats.unreadable), (2, 0));
    assert_eq!(stats.by_outcome.get("fixed"), Some(&2));
    // Retention: the older one goes.
    assert_eq!(b.prune_outcomes(15).unwrap(), 1);
    assert_eq!(a.outcome_lines().unwrap(), format!("{l2}\n"));
}

#[test]
fn an_unreachable_database_at_start_is_unavailable_with_the_reason() {
    // A port nothing listens on: bound, then closed.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let mut cfg = PgConfig::new(format!(
        "postgres://vmd:s3cret-password@127.0.0.1:{port}/vmd"
    ));
    cfg.op_timeout = Duration::from_secs(30);
    let err = match PgStore::open(cfg.clone()) {
        Ok(_) => panic!("nothing listens there"),
        Err(e) => e,
    };
    assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
    let text = err.to_string();
    assert!(!text.contains("s3cret"), "{text}");
    assert!(!format!("{cfg:?}").contains("s3cret"));
    assert!(cfg.shown().contains("***@127.0.0.1"), "{}", cfg.shown());
}
