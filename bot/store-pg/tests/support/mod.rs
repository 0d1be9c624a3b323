//! A fresh schema on the test database for each store: tests run in
//! parallel on one PostgreSQL without seeing each other's rows.
//!
//! The database comes from `VM_DOCTOR_TEST_PG` (`.ci/run` starts one on
//! loopback). Without it a test says `PG SKIPPED` and passes, unless
//! `VM_DOCTOR_REQUIRE_LAB=1` (CI), where it fails.

#![allow(dead_code)]

use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;
use vmd_core::session::SessionKey;
use vmd_runtime::store_suite::RawStore;
use vmd_store_pg::{PgConfig, PgStore};

/// The test database's URL, or `None` (skipped loudly) when there is none.
pub fn url(test: &str) -> Option<String> {
    match std::env::var("VM_DOCTOR_TEST_PG") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            if std::env::var("VM_DOCTOR_REQUIRE_LAB").is_ok_and(|v| v == "1") {
                panic!("PG REQUIRED (VM_DOCTOR_REQUIRE_LAB=1) but VM_DOCTOR_TEST_PG is not set: {test}");
            }
            eprintln!(
                "PG SKIPPED: {test}: VM_DOCTOR_TEST_PG is not set (source .ci/pg.sh; pg_start)"
            );
            None
        }
    }
}

/// A schema name no other test uses.
pub fn fresh_schema() -> String {
    static N: AtomicUsize = AtomicUsize::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .subsec_nanos();
    format!(
        "vmd_t_{}_{}_{nanos}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    )
}

pub fn config(url: &str, schema: &str) -> PgConfig {
    let mut c = PgConfig::new(url);
    c.schema = Some(schema.to_owned());
    c.pool_size = 4;
    // Generous: a busy CI machine must never make an operation time out.
    c.op_timeout = Duration::from_secs(60);
    c.turn_wait = Duration::from_secs(300);
    c
}

/// A store on a schema of its own.
pub fn fresh(url: &str) -> PgStore {
    PgStore::open(config(url, &fresh_schema())).unwrap()
}

/// Wraps a store for the shared suite.
pub struct Raw(pub PgStore);

impl std::ops::Deref for Raw {
    type Target = PgStore;
    fn deref(&self) -> &PgStore {
        &self.0
    }
}

impl vmd_runtime::store::Store for Raw {
    fn load(
        &self,
        key: &SessionKey,
    ) -> Result<Option<vmd_core::session::Session>, vmd_runtime::store::StoreError> {
        self.0.load(key)
    }
    fn save(
        &self,
        key: &SessionKey,
        s: &vmd_core::session::Session,
    ) -> Result<(), vmd_runtime::store::StoreError> {
        self.0.save(key, s)
    }
    fn delete(&self, key: &SessionKey) -> Result<(), vmd_runtime::store::StoreError> {
        self.0.delete(key)
    }
    fn prune(&self, cutoff_ms: u64) -> Result<usize, vmd_runtime::store::StoreError> {
        self.0.prune(cutoff_ms)
    }
    fn prune_with(
        &self,
        cutoff_ms: u64,
        expired: &mut dyn FnMut(&SessionKey, &vmd_core::session::Session),
    ) -> Result<usize, vmd_runtime::store::StoreError> {
        self.0.prune_with(cutoff_ms, expired)
    }
    fn interrupted(&self) -> Result<Vec<SessionKey>, vmd_runtime::store::StoreError> {
        self.0.interrupted()
    }
    fn user_lang(
        &self,
        platform: &str,
        user: &str,
    ) -> Result<Option<vmd_core::command::Lang>, vmd_runtime::store::StoreError> {
        self.0.user_lang(platform, user)
    }
    fn set_user_lang(
        &self,
        platform: &str,
        user: &str,
        lang: vmd_core::command::Lang,
    ) -> Result<(), vmd_runtime::store::StoreError> {
        self.0.set_user_lang(platform, user, lang)
    }
}

impl RawStore for Raw {
    fn put_raw(&self, key: &SessionKey, bytes: Vec<u8>) {
        self.0.insert_raw(key, bytes).unwrap();
    }
    fn get_raw(&self, key: &SessionKey) -> Option<Vec<u8>> {
        self.0.raw(key).unwrap()
    }
    fn quarantine_len(&self) -> usize {
        self.0.quarantined().unwrap() as usize
    }
}

/// The schema versions recorded in `schema` (read with a store's own
/// connection settings: the migrations table of that schema).
pub fn versions(url: &str, schema: &str) -> Vec<i32> {
    let st = PgStore::open(config(url, schema)).unwrap();
    st.schema_versions().unwrap()
}

/// Makes every turn lease in `schema` expired now, as if its holder had
/// stopped renewing it long ago (a stalled or partitioned replica).
pub fn expire_leases(url: &str, schema: &str) {
    let (url, schema) = (url.to_owned(), schema.to_owned());
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (c, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            c.batch_execute(&format!(
                "UPDATE {schema}.vmd_turn_leases SET expires_at = clock_timestamp() - interval '1 second'"
            ))
            .await
            .unwrap();
        })
    })
    .join()
    .unwrap();
}

/// Rows of `table` in `schema` (read on a connection of its own).
pub fn count_rows(url: &str, schema: &str, table: &str) -> i64 {
    let (url, q) = (
        url.to_owned(),
        format!("SELECT count(*) FROM {schema}.{table}"),
    );
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let (c, conn) = tokio_postgres::connect(&url, tokio_postgres::NoTls)
                .await
                .unwrap();
            tokio::spawn(conn);
            c.query_one(q.as_str(), &[]).await.unwrap().get(0)
        })
    })
    .join()
    .unwrap()
}
