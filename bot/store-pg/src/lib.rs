//! The PostgreSQL session store: the runtime's [`Store`] shared by several
//! replicas of vm-doctor (`VM_DOCTOR_STORE=postgres://…`).
//!
//! Records are the same versioned JSON as sled's (`{"v": 1, "session": …}`),
//! kept in `vmd_sessions` with the version beside them: a record of a newer
//! version is never misread, overwritten or pruned, an undecodable one is
//! moved to `vmd_quarantine`, never deleted, and a record is trimmed to
//! [`vmd_runtime::store::MAX_RECORD_BYTES`] before it is written.
//!
//! What makes several replicas correct:
//! - **Turn leases** (`vmd_turn_leases`): a turn holds its conversation
//!   through a lease row with an expiry, renewed while the turn runs and
//!   deleted when it ends ([`Store::lock_turn`]). A replica that dies stops
//!   renewing: once the lease expires another replica takes the conversation
//!   up (the probe it left is run again by exactly one of them: taking the
//!   lease is one atomic upsert). Every save made under a lease checks, in
//!   its transaction, that the lease is still this turn's (a fencing token),
//!   so a replica that lost its lease can never overwrite the new holder.
//! - **Event ids** (`vmd_events`): a platform event is applied by the
//!   replica whose insert of its id succeeds ([`Store::first_delivery`]).
//! - **Outcomes** (`vmd_outcomes`): every replica's ends, one table that
//!   `vm-doctor stats` reads ([`PgStore::outcome_lines`]).
//! - **Migrations** run at start inside one transaction under an advisory
//!   lock, so replicas starting together migrate once, one after another.
//!
//! The [`Store`] trait is synchronous (sled does blocking I/O); this store
//! runs its pool on a small runtime of its own and waits for each
//! operation, every one bounded by [`PgConfig::op_timeout`]. A database
//! that cannot be reached is [`StoreError::Unavailable`]: the driver then
//! answers "try again in a minute" and nothing stored changes.

use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use std::collections::HashMap;
use std::future::Future;
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio_postgres::error::SqlState;
use vmd_core::command::Lang;
use vmd_core::session::{Session, SessionKey};
use vmd_runtime::admission::{SharedAsk, SharedBudgets, SlotGuard};
use vmd_runtime::store::{
    decode, encode_for_store, record_version, OutcomeLine, Store, StoreError, TurnLock, MAX_PREFS,
    RECORD_VERSION,
};

mod migrate;
pub mod tls;
pub use migrate::SCHEMA_VERSION;

/// Fencing tokens of turn leases, unique in this process (owners are
/// unique per process, so an owner's tokens never repeat).
static NEXT_TOKEN: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(1);

/// How to reach the database and how long to wait for it.
#[derive(Clone)]
pub struct PgConfig {
    /// `postgres://user:password@host:port/db?sslmode=…` (the password is
    /// never shown: [`PgConfig::shown`]).
    pub url: String,
    /// Connections this replica keeps at most.
    pub pool_size: usize,
    /// How long a turn's lease lasts without being renewed: the time a
    /// conversation left by a dead replica waits before another takes it up.
    pub lease: Duration,
    /// How long a turn waits for another replica's turn on the same
    /// conversation before it is refused ("try again in a minute").
    pub turn_wait: Duration,
    /// Upper bound on one store operation, connecting included.
    pub op_timeout: Duration,
    /// The schema the tables live in (created when missing); none: the
    /// user's default `search_path`. Letters, digits and `_` only.
    pub schema: Option<String>,
    /// The password, when it is not in the URL (from the environment,
    /// never from a file).
    pub password: Option<String>,
}

impl PgConfig {
    pub fn new(url: impl Into<String>) -> PgConfig {
        PgConfig {
            url: url.into(),
            pool_size: 16,
            lease: Duration::from_secs(30),
            turn_wait: Duration::from_secs(90),
            op_timeout: Duration::from_secs(5),
            schema: None,
            password: None,
        }
    }

    /// The URL as it may be shown or logged: without its user-info.
    pub fn shown(&self) -> String {
        vmd_runtime::redact::url(&self.url)
    }
}

impl std::fmt::Debug for PgConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PgConfig")
            .field("url", &self.shown())
            .field("pool_size", &self.pool_size)
            .field("lease", &self.lease)
            .field("turn_wait", &self.turn_wait)
            .field("op_timeout", &self.op_timeout)
            .field("schema", &self.schema)
            .field("password", &self.password.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// How long expired event ids are remembered: far longer than any platform
/// redelivers an event.
const EVENT_MEMORY_MS: i64 = 24 * 3600 * 1000;

/// The store's own runtime, shut down without blocking when the store goes
/// (it may be dropped inside another runtime).
struct Rt(Option<tokio::runtime::Runtime>);

impl Rt {
    fn handle(&self) -> &tokio::runtime::Handle {
        self.0
            .as_ref()
            .expect("the runtime lives as long as the store")
            .handle()
    }
}

impl Drop for Rt {
    fn drop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

/// The PostgreSQL-backed store.
pub struct PgStore {
    rt: Rt,
    pool: Pool,
    cfg: PgConfig,
    /// This process's name in lease rows: host, pid and start, so a
    /// restarted replica never mistakes its predecessor's leases for its own.
    owner: String,
    /// The leases this process holds now, with their fencing tokens.
    held: Arc<Mutex<HashMap<SessionKey, i64>>>,
}

/// The error with its causes (a TLS handshake's names the certificate
/// problem); never the URL or the password.
fn with_causes(e: &tokio_postgres::Error) -> String {
    let mut msg = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        let c_msg = c.to_string();
        if !msg.contains(&c_msg) {
            msg.push_str(": ");
            msg.push_str(&c_msg);
        }
        cause = c.source();
    }
    msg
}

fn pg_err(e: tokio_postgres::Error) -> StoreError {
    match e.code() {
        // The server is there but going away or refusing: unavailable.
        Some(c)
            if *c == SqlState::ADMIN_SHUTDOWN
                || *c == SqlState::CRASH_SHUTDOWN
                || *c == SqlState::CANNOT_CONNECT_NOW
                || *c == SqlState::TOO_MANY_CONNECTIONS =>
        {
            StoreError::Unavailable(e.to_string())
        }
        Some(c) if *c == SqlState::INSUFFICIENT_PRIVILEGE => {
            StoreError::PermissionDenied(e.to_string())
        }
        Some(_) => StoreError::Backend(e.to_string()),
        // No SQL state: the connection itself failed.
        None => StoreError::Unavailable(with_causes(&e)),
    }
}

fn pool_err(e: deadpool_postgres::PoolError) -> StoreError {
    match e {
        deadpool_postgres::PoolError::Backend(e) => pg_err(e),
        other => StoreError::Unavailable(other.to_string()),
    }
}

fn as_i64(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

impl PgStore {
    /// Connects, checks the database answers and brings the schema up to
    /// date. An unreachable database is [`StoreError::Unavailable`] with
    /// the reason, within [`PgConfig::op_timeout`].
    pub fn open(cfg: PgConfig) -> Result<PgStore, StoreError> {
        let store = PgStore::connect(cfg)?;
        let pool = store.pool.clone();
        let schema = store.cfg.schema.clone();
        store.run(async move {
            let mut c = pool.get().await.map_err(pool_err)?;
            migrate::run(&mut c, schema.as_deref()).await
        })?;
        Ok(store)
    }

    /// What `vm-doctor doctor` reports, without writing anything (no
    /// migration): the schema version found (0: not created yet) and the
    /// conversations stored.
    pub fn inspect(cfg: PgConfig) -> Result<(i32, u64), StoreError> {
        let store = PgStore::connect(cfg)?;
        let pool = store.pool.clone();
        store.run(async move {
            let c = pool.get().await.map_err(pool_err)?;
            let exists: bool = c
                .query_one("SELECT to_regclass('vmd_schema') IS NOT NULL", &[])
                .await
                .map_err(pg_err)?
                .get(0);
            if !exists {
                return Ok((0, 0));
            }
            let version: i32 = c
                .query_one("SELECT coalesce(max(version), 0) FROM vmd_schema", &[])
                .await
                .map_err(pg_err)?
                .get(0);
            let sessions: i64 = match c.query_one("SELECT count(*) FROM vmd_sessions", &[]).await {
                Ok(r) => r.get(0),
                Err(_) => 0,
            };
            Ok((version, sessions as u64))
        })
    }

    /// The pool and its runtime, after one connection answered.
    fn connect(cfg: PgConfig) -> Result<PgStore, StoreError> {
        // sslmode and sslrootcert as libpq reads them (tls.rs).
        let tls_opts = tls::options(&cfg.url).map_err(|e| {
            StoreError::Backend(format!("the store URL {} is not valid: {e}", cfg.shown()))
        })?;
        let mut pg = tokio_postgres::Config::from_str(&tls_opts.url).map_err(|e| {
            StoreError::Backend(format!("the store URL {} is not valid: {e}", cfg.shown()))
        })?;
        pg.ssl_mode(tls_opts.mode.ssl_mode());
        if let Some(p) = &cfg.password {
            pg.password(p.as_bytes());
        }
        if pg.get_connect_timeout().is_none() {
            pg.connect_timeout(cfg.op_timeout);
        }
        if pg.get_application_name().is_none() {
            pg.application_name("vm-doctor");
        }
        if let Some(schema) = &cfg.schema {
            if schema.is_empty()
                || !schema
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_')
            {
                return Err(StoreError::Backend(format!(
                    "the store schema {schema:?} must be letters, digits and _ only"
                )));
            }
            pg.options(format!("-c search_path={schema}"));
        }
        // Dead peers are noticed by the kernel too, not only by the lease.
        pg.keepalives(true);
        pg.keepalives_idle(Duration::from_secs(30));
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .thread_name("vmd-pg")
            .enable_all()
            .build()
            .map_err(|e| StoreError::Backend(format!("starting the store's runtime: {e}")))?;
        let rt = Rt(Some(rt));
        let mgr = Manager::from_config(
            pg,
            tls::connector(&tls_opts)?,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = {
            let _enter = rt.handle().enter();
            Pool::builder(mgr)
                .max_size(cfg.pool_size.max(2))
                .wait_timeout(Some(cfg.op_timeout))
                .create_timeout(Some(cfg.op_timeout))
                .recycle_timeout(Some(cfg.op_timeout))
                .runtime(deadpool_postgres::Runtime::Tokio1)
                .build()
                .map_err(|e| StoreError::Backend(format!("building the pool: {e}")))?
        };
        let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
            .map(|h| h.trim().to_owned())
            .unwrap_or_default();
        let started = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0);
        let store = PgStore {
            rt,
            pool,
            owner: format!("{host}:{}:{started:x}", std::process::id()),
            held: Arc::new(Mutex::new(HashMap::new())),
            cfg,
        };
        let pool = store.pool.clone();
        store.run(async move {
            let _first = pool.get().await.map_err(pool_err)?;
            Ok(())
        })?;
        Ok(store)
    }

    pub fn config(&self) -> &PgConfig {
        &self.cfg
    }

    /// Runs `f` on the store's runtime and waits for it, within the
    /// operation timeout.
    fn run<T: Send + 'static>(
        &self,
        f: impl Future<Output = Result<T, StoreError>> + Send + 'static,
    ) -> Result<T, StoreError> {
        let limit = self.cfg.op_timeout;
        self.run_for(limit, f)
    }

    fn run_for<T: Send + 'static>(
        &self,
        limit: Duration,
        f: impl Future<Output = Result<T, StoreError>> + Send + 'static,
    ) -> Result<T, StoreError> {
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.rt.handle().spawn(async move {
            let r = match tokio::time::timeout(limit, f).await {
                Ok(r) => r,
                Err(_) => Err(StoreError::Unavailable(format!(
                    "no answer from the database within {limit:?}"
                ))),
            };
            let _ = tx.send(r);
        });
        rx.recv()
            .map_err(|_| StoreError::Unavailable("the store's runtime stopped".into()))?
    }

    /// Every outcome line kept, oldest first, as JSON lines (what
    /// `vm-doctor stats` reads).
    pub fn outcome_lines(&self) -> Result<String, StoreError> {
        let pool = self.pool.clone();
        self.run_for(Duration::from_secs(60), async move {
            let c = pool.get().await.map_err(pool_err)?;
            let rows = c
                .query("SELECT line FROM vmd_outcomes ORDER BY id", &[])
                .await
                .map_err(pg_err)?;
            let mut out = String::new();
            for r in rows {
                out.push_str(r.get::<_, &str>(0));
                out.push('\n');
            }
            Ok(out)
        })
    }

    /// Deletes outcome lines of conversations that ended before `cutoff_ms`
    /// (the retention); returns how many went.
    pub fn prune_outcomes(&self, cutoff_ms: u64) -> Result<u64, StoreError> {
        let pool = self.pool.clone();
        self.run(async move {
            let c = pool.get().await.map_err(pool_err)?;
            c.execute(
                "DELETE FROM vmd_outcomes WHERE ended_ms < $1",
                &[&as_i64(cutoff_ms)],
            )
            .await
            .map_err(pg_err)
        })
    }

    /// Records moved to quarantine (undecodable), for `doctor` and tests.
    pub fn quarantined(&self) -> Result<u64, StoreError> {
        let pool = self.pool.clone();
        self.run(async move {
            let c = pool.get().await.map_err(pool_err)?;
            let n: i64 = c
                .query_one("SELECT count(*) FROM vmd_quarantine", &[])
                .await
                .map_err(pg_err)?
                .get(0);
            Ok(n as u64)
        })
    }

    /// Conversations under way (the active gauge at start).
    pub fn count_in_progress(&self) -> usize {
        let pool = self.pool.clone();
        let rows: Result<Vec<Vec<u8>>, StoreError> = self.run(async move {
            let c = pool.get().await.map_err(pool_err)?;
            let rows = c
                .query(
                    "SELECT record FROM vmd_sessions WHERE v <= $1",
                    &[&(RECORD_VERSION as i32)],
                )
                .await
                .map_err(pg_err)?;
            Ok(rows.into_iter().map(|r| r.get(0)).collect())
        });
        rows.map(|rows| {
            rows.iter()
                .filter(|b| decode(b).is_ok_and(|s| s.in_progress()))
                .count()
        })
        .unwrap_or(0)
    }

    /// Writes `bytes` as the stored record of `key` without any check (tests:
    /// a record of a newer build, a damaged one).
    pub fn insert_raw(&self, key: &SessionKey, bytes: Vec<u8>) -> Result<(), StoreError> {
        let pool = self.pool.clone();
        let k = key.clone();
        self.run(async move {
            let c = pool.get().await.map_err(pool_err)?;
            let v = record_version(&bytes).map_or(0, |v| v as i32);
            c.execute(
                "INSERT INTO vmd_sessions (platform, conversation, usr, record, v, updated_ms, waiting)
                 VALUES ($1, $2, $3, $4, $5, 0, false)
                 ON CONFLICT (platform, conversation, usr) DO UPDATE
                 SET record = excluded.record, v = excluded.v",
                &[&k.platform, &k.conversation, &k.user, &bytes, &v],
            )
            .await
            .map_err(pg_err)?;
            Ok(())
        })
    }

    /// The stored bytes of `key`, as they are (tests).
    pub fn raw(&self, key: &SessionKey) -> Result<Option<Vec<u8>>, StoreError> {
        let pool = self.pool.clone();
        let k = key.clone();
        self.run(async move {
            let c = pool.get().await.map_err(pool_err)?;
            Ok(c.query_opt(
                "SELECT record FROM vmd_sessions WHERE platform = $1 AND conversation = $2 AND usr = $3",
                &[&k.platform, &k.conversation, &k.user],
            )
            .await
            .map_err(pg_err)?
            .map(|r| r.get(0)))
        })
    }

    /// The schema migrations recorded, in order.
    pub fn schema_versions(&self) -> Result<Vec<i32>, StoreError> {
        let pool = self.pool.clone();
        self.run(async move {
            let c = pool.get().await.map_err(pool_err)?;
            let rows = c
                .query("SELECT version FROM vmd_schema ORDER BY version", &[])
                .await
                .map_err(pg_err)?;
            Ok(rows.into_iter().map(|r| r.get(0)).collect())
        })
    }

    /// Whether this store's connections to the database are encrypted
    /// (`doctor`, tests).
    pub fn encrypted(&self) -> Result<bool, StoreError> {
        let pool = self.pool.clone();
        self.run(async move {
            let c = pool.get().await.map_err(pool_err)?;
            Ok(c.query_one(
                "SELECT coalesce((SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()), false)",
                &[],
            )
            .await
            .map_err(pg_err)?
            .get(0))
        })
    }

    /// Connections open now and at most (benchmarks, logs).
    pub fn pool_status(&self) -> (usize, usize) {
        let s = self.pool.status();
        (s.size, s.max_size)
    }

    /// Connections in use now (taken from the pool) and operations waiting
    /// for one (benchmarks).
    pub fn pool_in_use(&self) -> (usize, usize) {
        let s = self.pool.status();
        (s.size.saturating_sub(s.available), s.waiting)
    }
}

/// The probe budgets and start limits in the database, shared by every
/// replica (`vmd_budgets`, spent by the `vmd_take` function: one statement,
/// one round trip per admission).
struct PgBudgets {
    rt: tokio::runtime::Handle,
    pool: Pool,
    op_timeout: Duration,
    /// How long a running-probe slot lasts without being renewed.
    lease: Duration,
    /// This process's name in slot rows.
    owner: String,
}

impl PgBudgets {
    /// Runs `f` on the store's runtime and waits for it, within the
    /// operation timeout.
    fn run<T: Send + 'static>(
        &self,
        f: impl Future<Output = Result<T, StoreError>> + Send + 'static,
    ) -> Result<T, StoreError> {
        let limit = self.op_timeout;
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.rt.spawn(async move {
            let r = match tokio::time::timeout(limit, f).await {
                Ok(r) => r,
                Err(_) => Err(StoreError::Unavailable(format!(
                    "no answer from the database within {limit:?}"
                ))),
            };
            let _ = tx.send(r);
        });
        rx.recv()
            .map_err(|_| StoreError::Unavailable("the store's runtime stopped".into()))?
    }
}

/// The leased slots of a per-user cap shared by the replicas: a table of
/// rows and the function that takes one below the cap.
#[derive(Clone, Copy)]
enum Slots {
    /// Running probes (`vmd_running`, `vmd_run_slot`).
    Probes,
    /// Host-name lookups in flight (`vmd_lookups`, `vmd_lookup_slot`).
    Lookups,
}

impl Slots {
    fn take_sql(self) -> &'static str {
        match self {
            Slots::Probes => "SELECT vmd_run_slot($1, $2, $3, $4)",
            Slots::Lookups => "SELECT vmd_lookup_slot($1, $2, $3, $4)",
        }
    }

    fn renew_sql(self) -> &'static str {
        match self {
            Slots::Probes => {
                "UPDATE vmd_running
                 SET expires_at = clock_timestamp() + $2::bigint * interval '1 millisecond'
                 WHERE id = $1"
            }
            Slots::Lookups => {
                "UPDATE vmd_lookups
                 SET expires_at = clock_timestamp() + $2::bigint * interval '1 millisecond'
                 WHERE id = $1"
            }
        }
    }

    fn release_sql(self) -> &'static str {
        match self {
            Slots::Probes => "DELETE FROM vmd_running WHERE id = $1",
            Slots::Lookups => "DELETE FROM vmd_lookups WHERE id = $1",
        }
    }
}

/// A slot of a shared per-user cap (a running probe in `vmd_running`, a
/// lookup in `vmd_lookups`): renewed in the background until dropped, then
/// deleted; left behind by a dead replica, it expires.
struct PgSlot {
    rt: tokio::runtime::Handle,
    pool: Pool,
    slots: Slots,
    id: i64,
    renew: tokio::task::JoinHandle<()>,
}

impl SlotGuard for PgSlot {}

impl Drop for PgSlot {
    fn drop(&mut self) {
        self.renew.abort();
        let (pool, id, sql) = (self.pool.clone(), self.id, self.slots.release_sql());
        self.rt.spawn(async move {
            let Ok(c) = pool.get().await else { return };
            if let Err(e) = c.execute(sql, &[&id]).await {
                tracing::debug!(error = %e, "shared slot not released; it expires by itself");
            }
        });
    }
}

impl SharedBudgets for PgBudgets {
    fn take(&self, asks: &[SharedAsk]) -> Result<Option<(usize, Duration)>, StoreError> {
        let us = |d: Duration| i64::try_from(d.as_micros()).unwrap_or(i64::MAX);
        let keys: Vec<String> = asks.iter().map(|a| a.key.clone()).collect();
        let intervals: Vec<i64> = asks.iter().map(|a| us(a.interval)).collect();
        let tolerances: Vec<i64> = asks.iter().map(|a| us(a.tolerance)).collect();
        let pool = self.pool.clone();
        let limit = self.op_timeout;
        let (tx, rx) = std::sync::mpsc::sync_channel(1);
        self.rt.spawn(async move {
            let work = async move {
                let c = pool.get().await.map_err(pool_err)?;
                let row = c
                    .query_one(
                        "SELECT refused, wait_us FROM vmd_take($1, $2, $3)",
                        &[&keys, &intervals, &tolerances],
                    )
                    .await
                    .map_err(pg_err)?;
                let (refused, wait): (i32, i64) = (row.get(0), row.get(1));
                Ok(match usize::try_from(refused) {
                    Ok(0) | Err(_) => None,
                    Ok(i) => Some((i - 1, Duration::from_micros(wait.max(0) as u64))),
                })
            };
            let r = match tokio::time::timeout(limit, work).await {
                Ok(r) => r,
                Err(_) => Err(StoreError::Unavailable(format!(
                    "no answer from the database within {limit:?}"
                ))),
            };
            let _ = tx.send(r);
        });
        rx.recv()
            .map_err(|_| StoreError::Unavailable("the store's runtime stopped".into()))?
    }

    fn run_slot(&self, user: &str, max: u32) -> Result<Option<Box<dyn SlotGuard>>, StoreError> {
        self.slot(Slots::Probes, user, max)
    }

    fn lookup_slot(&self, user: &str, max: u32) -> Result<Option<Box<dyn SlotGuard>>, StoreError> {
        self.slot(Slots::Lookups, user, max)
    }
}

impl PgBudgets {
    /// Takes one of `user`'s `max` slots of `slots` over every replica.
    fn slot(
        &self,
        slots: Slots,
        user: &str,
        max: u32,
    ) -> Result<Option<Box<dyn SlotGuard>>, StoreError> {
        let lease_ms = i64::try_from(self.lease.as_millis()).unwrap_or(i64::MAX);
        let cap = i32::try_from(max).unwrap_or(i32::MAX);
        let (pool, u, owner) = (self.pool.clone(), user.to_owned(), self.owner.clone());
        let got: Option<i64> = self.run(async move {
            let c = pool.get().await.map_err(pool_err)?;
            let row = c
                .query_one(slots.take_sql(), &[&u, &cap, &lease_ms, &owner])
                .await
                .map_err(pg_err)?;
            Ok(row.get(0))
        })?;
        let Some(id) = got else { return Ok(None) };
        // Renewed at a third of its length while the probe or lookup runs.
        let pool = self.pool.clone();
        let every = self.lease / 3;
        let renew = self.rt.spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Ok(c) = pool.get().await else { continue };
                let r = c.execute(slots.renew_sql(), &[&id, &lease_ms]).await;
                if let Err(e) = r {
                    tracing::warn!(error = %e, "could not renew a shared slot");
                }
            }
        });
        Ok(Some(Box::new(PgSlot {
            rt: self.rt.clone(),
            pool: self.pool.clone(),
            slots,
            id,
            renew,
        })))
    }
}

/// A held turn lease: renewed in the background until dropped, then deleted.
struct Lease {
    rt: tokio::runtime::Handle,
    pool: Pool,
    key: SessionKey,
    owner: String,
    token: i64,
    renew: tokio::task::JoinHandle<()>,
    held: Arc<Mutex<HashMap<SessionKey, i64>>>,
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.renew.abort();
        self.held
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.key);
        // Released in the background: the next turn of this process on the
        // conversation may take its own lease again (same owner), and other
        // replicas wait at most until the expiry if this never runs.
        let (pool, k, owner, token) = (
            self.pool.clone(),
            self.key.clone(),
            self.owner.clone(),
            self.token,
        );
        self.rt.spawn(async move {
            let Ok(c) = pool.get().await else { return };
            let r = c
                .execute(
                    "DELETE FROM vmd_turn_leases
                     WHERE platform = $1 AND conversation = $2 AND usr = $3 AND owner = $4 AND token = $5",
                    &[&k.platform, &k.conversation, &k.user, &owner, &token],
                )
                .await;
            if let Err(e) = r {
                tracing::debug!(error = %e, "turn lease not released; it expires by itself");
            }
        });
    }
}

impl Store for PgStore {
    fn load(&self, key: &SessionKey) -> Result<Option<Session>, StoreError> {
        self.raw(key)?.map(|b| decode(&b)).transpose()
    }

    fn save(&self, key: &SessionKey, s: &Session) -> Result<(), StoreError> {
        let bytes = encode_for_store(s)?;
        let pool = self.pool.clone();
        let k = key.clone();
        let fence = self
            .held
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(key)
            .copied();
        let owner = self.owner.clone();
        let (updated, waiting) = (as_i64(s.updated_ms), s.waits_on_runtime());
        self.run(async move {
            let mut c = pool.get().await.map_err(pool_err)?;
            let tx = c.transaction().await.map_err(pg_err)?;
            if let Some(token) = fence {
                // Still this turn's lease? Held FOR SHARE until commit, so no
                // other replica can take it over in between.
                let mine = tx
                    .query_opt(
                        "SELECT 1 FROM vmd_turn_leases
                         WHERE platform = $1 AND conversation = $2 AND usr = $3 AND owner = $4 AND token = $5
                         FOR SHARE",
                        &[&k.platform, &k.conversation, &k.user, &owner, &token],
                    )
                    .await
                    .map_err(pg_err)?;
                if mine.is_none() {
                    return Err(StoreError::Unavailable(
                        "this turn's lease on the conversation expired and another replica holds it now; nothing was written".into(),
                    ));
                }
            }
            let old = tx
                .query_opt(
                    "SELECT record FROM vmd_sessions
                     WHERE platform = $1 AND conversation = $2 AND usr = $3 FOR UPDATE",
                    &[&k.platform, &k.conversation, &k.user],
                )
                .await
                .map_err(pg_err)?;
            if let Some(old) = old {
                let old: Vec<u8> = old.get(0);
                match decode(&old) {
                    Ok(_) => {}
                    // Never overwrite what a newer build wrote.
                    Err(StoreError::TooNew { found }) => return Err(StoreError::TooNew { found }),
                    Err(e) => {
                        tracing::warn!(error = %e, "undecodable session record moved to quarantine before saving over it");
                        tx.execute(
                            "INSERT INTO vmd_quarantine (platform, conversation, usr, record) VALUES ($1, $2, $3, $4)",
                            &[&k.platform, &k.conversation, &k.user, &old],
                        )
                        .await
                        .map_err(pg_err)?;
                    }
                }
            }
            tx.execute(
                "INSERT INTO vmd_sessions (platform, conversation, usr, record, v, updated_ms, waiting)
                 VALUES ($1, $2, $3, $4, $5, $6, $7)
                 ON CONFLICT (platform, conversation, usr) DO UPDATE
                 SET record = excluded.record, v = excluded.v,
                     updated_ms = excluded.updated_ms, waiting = excluded.waiting",
                &[&k.platform, &k.conversation, &k.user, &bytes, &(RECORD_VERSION as i32), &updated, &waiting],
            )
            .await
            .map_err(pg_err)?;
            tx.commit().await.map_err(pg_err)
        })
    }

    fn delete(&self, key: &SessionKey) -> Result<(), StoreError> {
        let pool = self.pool.clone();
        let k = key.clone();
        self.run(async move {
            let c = pool.get().await.map_err(pool_err)?;
            c.execute(
                "DELETE FROM vmd_sessions WHERE platform = $1 AND conversation = $2 AND usr = $3 AND v <= $4",
                &[&k.platform, &k.conversation, &k.user, &(RECORD_VERSION as i32)],
            )
            .await
            .map_err(pg_err)?;
            Ok(())
        })
    }

    fn prune(&self, cutoff_ms: u64) -> Result<usize, StoreError> {
        self.prune_with(cutoff_ms, &mut |_, _| {})
    }

    /// Each expired session is deleted by exactly one replica (the delete
    /// names the version it read), and only that one shows it to `expired`.
    fn prune_with(
        &self,
        cutoff_ms: u64,
        expired: &mut dyn FnMut(&SessionKey, &Session),
    ) -> Result<usize, StoreError> {
        let pool = self.pool.clone();
        let cutoff = as_i64(cutoff_ms);
        let candidates: Vec<(SessionKey, Vec<u8>, i64)> =
            self.run_for(Duration::from_secs(60), async move {
                let c = pool.get().await.map_err(pool_err)?;
                let rows = c
                    .query(
                        "SELECT platform, conversation, usr, record, updated_ms FROM vmd_sessions
                         WHERE updated_ms < $1 AND v <= $2",
                        &[&cutoff, &(RECORD_VERSION as i32)],
                    )
                    .await
                    .map_err(pg_err)?;
                Ok(rows
                    .into_iter()
                    .map(|r| {
                        (
                            SessionKey::new(
                                r.get::<_, &str>(0),
                                r.get::<_, &str>(1),
                                r.get::<_, &str>(2),
                            ),
                            r.get(3),
                            r.get(4),
                        )
                    })
                    .collect())
            })?;
        let mut n = 0;
        let mut quarantined = 0;
        for (key, bytes, updated) in candidates {
            let pool = self.pool.clone();
            let k = key.clone();
            let decoded = decode(&bytes);
            let undecodable = decoded.is_err();
            let gone = self.run(async move {
                let mut c = pool.get().await.map_err(pool_err)?;
                let tx = c.transaction().await.map_err(pg_err)?;
                let gone = tx
                    .execute(
                        "DELETE FROM vmd_sessions
                         WHERE platform = $1 AND conversation = $2 AND usr = $3 AND updated_ms = $4 AND record = $5",
                        &[&k.platform, &k.conversation, &k.user, &updated, &bytes],
                    )
                    .await
                    .map_err(pg_err)?;
                if gone == 1 && undecodable {
                    tx.execute(
                        "INSERT INTO vmd_quarantine (platform, conversation, usr, record) VALUES ($1, $2, $3, $4)",
                        &[&k.platform, &k.conversation, &k.user, &bytes],
                    )
                    .await
                    .map_err(pg_err)?;
                }
                tx.commit().await.map_err(pg_err)?;
                Ok(gone == 1)
            })?;
            if !gone {
                continue;
            }
            match decoded {
                Ok(s) => {
                    expired(&key, &s);
                    n += 1;
                }
                Err(_) => quarantined += 1,
            }
        }
        if quarantined > 0 {
            tracing::warn!(
                count = quarantined,
                "session records that do not decode were moved to the quarantine table"
            );
        }
        let pool = self.pool.clone();
        self.run_for(Duration::from_secs(60), async move {
            let c = pool.get().await.map_err(pool_err)?;
            // Preferences of users without a stored conversation, set
            // before the cutoff; then at most MAX_PREFS, the oldest first.
            c.execute(
                "DELETE FROM vmd_prefs p WHERE p.set_ms < $1 AND NOT EXISTS
                 (SELECT 1 FROM vmd_sessions s WHERE s.platform = p.platform AND s.usr = p.usr)",
                &[&cutoff],
            )
            .await
            .map_err(pg_err)?;
            c.execute(
                "DELETE FROM vmd_prefs WHERE (platform, usr) IN
                 (SELECT platform, usr FROM vmd_prefs ORDER BY set_ms DESC OFFSET $1)",
                &[&(MAX_PREFS as i64)],
            )
            .await
            .map_err(pg_err)?;
            c.execute(
                "DELETE FROM vmd_events WHERE seen_at < now() - $1::bigint * interval '1 millisecond'",
                &[&EVENT_MEMORY_MS],
            )
            .await
            .map_err(pg_err)?;
            c.execute(
                "DELETE FROM vmd_turn_leases WHERE expires_at < clock_timestamp() - interval '1 hour'",
                &[],
            )
            .await
            .map_err(pg_err)?;
            // Running-probe slots dead replicas left (expired leases).
            c.execute(
                "DELETE FROM vmd_running WHERE expires_at < clock_timestamp()",
                &[],
            )
            .await
            .map_err(pg_err)?;
            c.execute(
                "DELETE FROM vmd_lookups WHERE expires_at < clock_timestamp()",
                &[],
            )
            .await
            .map_err(pg_err)?;
            // Budgets full again (their arrival time has passed) are
            // forgotten: a missing row is a full bucket.
            c.execute(
                "DELETE FROM vmd_budgets
                 WHERE tat_us < (extract(epoch FROM clock_timestamp()) * 1000000)::bigint",
                &[],
            )
            .await
            .map_err(pg_err)?;
            Ok(())
        })?;
        Ok(n)
    }

    /// Sessions stored in a probe or a lookup whose conversation no live
    /// replica holds (no lease, or an expired one).
    fn interrupted(&self) -> Result<Vec<SessionKey>, StoreError> {
        let pool = self.pool.clone();
        self.run_for(Duration::from_secs(60), async move {
            let c = pool.get().await.map_err(pool_err)?;
            let rows = c
                .query(
                    "SELECT s.platform, s.conversation, s.usr, s.record FROM vmd_sessions s
                     WHERE s.waiting AND s.v <= $1 AND NOT EXISTS (
                       SELECT 1 FROM vmd_turn_leases l
                       WHERE l.platform = s.platform AND l.conversation = s.conversation
                         AND l.usr = s.usr AND l.expires_at > clock_timestamp())",
                    &[&(RECORD_VERSION as i32)],
                )
                .await
                .map_err(pg_err)?;
            Ok(rows
                .into_iter()
                .filter(|r| decode(r.get::<_, &[u8]>(3)).is_ok_and(|s| s.waits_on_runtime()))
                .map(|r| {
                    SessionKey::new(
                        r.get::<_, &str>(0),
                        r.get::<_, &str>(1),
                        r.get::<_, &str>(2),
                    )
                })
                .collect())
        })
    }

    fn user_lang(&self, platform: &str, user: &str) -> Result<Option<Lang>, StoreError> {
        let pool = self.pool.clone();
        let (p, u) = (platform.to_owned(), user.to_owned());
        self.run(async move {
            let c = pool.get().await.map_err(pool_err)?;
            Ok(c.query_opt(
                "SELECT lang FROM vmd_prefs WHERE platform = $1 AND usr = $2",
                &[&p, &u],
            )
            .await
            .map_err(pg_err)?
            .and_then(|r| Lang::parse(r.get::<_, &str>(0))))
        })
    }

    fn set_user_lang(&self, platform: &str, user: &str, lang: Lang) -> Result<(), StoreError> {
        let pool = self.pool.clone();
        let (p, u) = (platform.to_owned(), user.to_owned());
        let set = as_i64(vmd_runtime::driver::now_ms());
        self.run(async move {
            let c = pool.get().await.map_err(pool_err)?;
            c.execute(
                "INSERT INTO vmd_prefs (platform, usr, lang, set_ms) VALUES ($1, $2, $3, $4)
                 ON CONFLICT (platform, usr) DO UPDATE SET lang = excluded.lang, set_ms = excluded.set_ms",
                &[&p, &u, &lang.tag(), &set],
            )
            .await
            .map_err(pg_err)?;
            Ok(())
        })
    }

    /// Takes the conversation's lease, waiting (polling, without holding a
    /// connection) while another replica's turn holds it, at most
    /// [`PgConfig::turn_wait`]. A lease held under this process's own name
    /// is from a turn that ended (the driver runs one turn per conversation
    /// at a time in a process) and is taken over at once.
    fn lock_turn(&self, key: &SessionKey) -> Result<TurnLock, StoreError> {
        let pool = self.pool.clone();
        let k = key.clone();
        let owner = self.owner.clone();
        let lease_ms = self.cfg.lease.as_millis().min(i64::MAX as u128) as i64;
        let wait = self.cfg.turn_wait;
        // A token this process never used before: a release still on its way
        // (they run in the background, in any order) deletes only its own
        // lease, never a later one that a reused number would match.
        let fresh = NEXT_TOKEN.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let token = self.run_for(wait + self.cfg.op_timeout, async move {
            let deadline = Instant::now() + wait;
            let mut pause = Duration::from_millis(2);
            loop {
                let got = {
                    let c = pool.get().await.map_err(pool_err)?;
                    c.query_opt(
                        "INSERT INTO vmd_turn_leases AS l (platform, conversation, usr, owner, token, expires_at)
                         VALUES ($1, $2, $3, $4, $6, clock_timestamp() + $5::bigint * interval '1 millisecond')
                         ON CONFLICT (platform, conversation, usr) DO UPDATE
                         SET owner = excluded.owner, token = excluded.token, expires_at = excluded.expires_at
                         WHERE l.expires_at < clock_timestamp() OR l.owner = excluded.owner
                         RETURNING l.token",
                        &[&k.platform, &k.conversation, &k.user, &owner, &lease_ms, &fresh],
                    )
                    .await
                    .map_err(pg_err)?
                };
                if let Some(r) = got {
                    return Ok(r.get::<_, i64>(0));
                }
                if Instant::now() >= deadline {
                    return Err(StoreError::Unavailable(
                        "another replica's turn held the conversation too long".into(),
                    ));
                }
                tokio::time::sleep(pause).await;
                pause = (pause * 2).min(Duration::from_millis(50));
            }
        })?;
        self.held
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key.clone(), token);
        // Renewed at a third of its length while the turn runs; a renewal
        // that finds the lease gone stops (the turn's next save then fails).
        let (pool, k, o) = (self.pool.clone(), key.clone(), self.owner.clone());
        let every = self.cfg.lease / 3;
        let renew = self.rt.handle().spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                let Ok(c) = pool.get().await else { continue };
                let r = c
                    .execute(
                        "UPDATE vmd_turn_leases
                         SET expires_at = clock_timestamp() + $6::bigint * interval '1 millisecond'
                         WHERE platform = $1 AND conversation = $2 AND usr = $3 AND owner = $4 AND token = $5",
                        &[&k.platform, &k.conversation, &k.user, &o, &token, &lease_ms],
                    )
                    .await;
                match r {
                    Ok(1) => {}
                    Ok(_) => {
                        tracing::warn!("turn lease lost to another replica");
                        return;
                    }
                    Err(e) => tracing::warn!(error = %e, "could not renew the turn lease"),
                }
            }
        });
        Ok(TurnLock::held(Box::new(Lease {
            rt: self.rt.handle().clone(),
            pool: self.pool.clone(),
            key: key.clone(),
            owner: self.owner.clone(),
            token,
            renew,
            held: self.held.clone(),
        })))
    }

    fn first_delivery(&self, platform: &str, event: &str) -> Result<bool, StoreError> {
        let pool = self.pool.clone();
        let (p, e) = (platform.to_owned(), event.to_owned());
        self.run(async move {
            let c = pool.get().await.map_err(pool_err)?;
            let n = c
                .execute(
                    "INSERT INTO vmd_events (platform, event) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                    &[&p, &e],
                )
                .await
                .map_err(pg_err)?;
            Ok(n == 1)
        })
    }

    fn record_outcome(&self, line: &OutcomeLine<'_>) -> Result<bool, StoreError> {
        let pool = self.pool.clone();
        let (conv, ended, json) = (
            line.conversation.to_owned(),
            as_i64(line.ended_ms),
            line.json.to_owned(),
        );
        self.run(async move {
            let c = pool.get().await.map_err(pool_err)?;
            c.execute(
                "INSERT INTO vmd_outcomes (conversation, ended_ms, line) VALUES ($1, $2, $3)",
                &[&conv, &ended, &json],
            )
            .await
            .map_err(pg_err)?;
            Ok(true)
        })
    }

    fn ready(&self) -> Result<(), StoreError> {
        let pool = self.pool.clone();
        self.run(async move {
            let c = pool.get().await.map_err(pool_err)?;
            c.simple_query("SELECT 1").await.map_err(pg_err)?;
            Ok(())
        })
    }

    fn shared_budgets(&self) -> Option<Arc<dyn SharedBudgets>> {
        Some(Arc::new(PgBudgets {
            rt: self.rt.handle().clone(),
            pool: self.pool.clone(),
            op_timeout: self.cfg.op_timeout,
            lease: self.cfg.lease,
            owner: self.owner.clone(),
        }))
    }

    /// A third of the lease: a probe left by a dead replica is taken up at
    /// most a lease and a third after its last renewal.
    fn takeover_sweep(&self) -> Option<Duration> {
        Some((self.cfg.lease / 3).max(Duration::from_millis(200)))
    }
}
