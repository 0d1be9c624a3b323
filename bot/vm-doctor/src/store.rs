//! The store a runner uses: sled under the data directory (the default, one
//! process), or PostgreSQL shared by replicas (`VM_DOCTOR_STORE`).

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use vmd_core::command::Lang;
use vmd_core::session::{Session, SessionKey};
use vmd_runtime::store::{OutcomeLine, SledStore, Store, StoreError, TurnLock};
use vmd_store_pg::PgStore;

pub enum AnyStore {
    Sled(SledStore),
    Pg(PgStore),
}

impl AnyStore {
    /// Conversations under way (the active gauge starts from it).
    pub fn count_in_progress(&self) -> usize {
        match self {
            AnyStore::Sled(s) => s.count_in_progress(),
            AnyStore::Pg(s) => s.count_in_progress(),
        }
    }

    /// Writes everything to disk (sled); PostgreSQL commits every write.
    pub fn flush(&self) -> Result<(), StoreError> {
        match self {
            AnyStore::Sled(s) => s.flush(),
            AnyStore::Pg(_) => Ok(()),
        }
    }

    pub fn pg(&self) -> Option<&PgStore> {
        match self {
            AnyStore::Pg(s) => Some(s),
            AnyStore::Sled(_) => None,
        }
    }
}

macro_rules! each {
    ($self:ident, $s:ident => $e:expr) => {
        match $self {
            AnyStore::Sled($s) => $e,
            AnyStore::Pg($s) => $e,
        }
    };
}

impl Store for AnyStore {
    fn load(&self, key: &SessionKey) -> Result<Option<Session>, StoreError> {
        each!(self, s => s.load(key))
    }
    fn save(&self, key: &SessionKey, sess: &Session) -> Result<(), StoreError> {
        each!(self, s => s.save(key, sess))
    }
    fn delete(&self, key: &SessionKey) -> Result<(), StoreError> {
        each!(self, s => s.delete(key))
    }
    fn prune(&self, cutoff_ms: u64) -> Result<usize, StoreError> {
        each!(self, s => s.prune(cutoff_ms))
    }
    fn prune_with(
        &self,
        cutoff_ms: u64,
        expired: &mut dyn FnMut(&SessionKey, &Session),
    ) -> Result<usize, StoreError> {
        each!(self, s => s.prune_with(cutoff_ms, expired))
    }
    fn interrupted(&self) -> Result<Vec<SessionKey>, StoreError> {
        each!(self, s => s.interrupted())
    }
    fn user_lang(&self, platform: &str, user: &str) -> Result<Option<Lang>, StoreError> {
        each!(self, s => s.user_lang(platform, user))
    }
    fn set_user_lang(&self, platform: &str, user: &str, lang: Lang) -> Result<(), StoreError> {
        each!(self, s => s.set_user_lang(platform, user, lang))
    }
    fn lock_turn(&self, key: &SessionKey) -> Result<TurnLock, StoreError> {
        each!(self, s => s.lock_turn(key))
    }
    fn first_delivery(&self, platform: &str, event: &str) -> Result<bool, StoreError> {
        each!(self, s => s.first_delivery(platform, event))
    }
    fn record_outcome(&self, line: &OutcomeLine<'_>) -> Result<bool, StoreError> {
        each!(self, s => s.record_outcome(line))
    }
    fn ready(&self) -> Result<(), StoreError> {
        each!(self, s => s.ready())
    }
    fn shared_budgets(&self) -> Option<Arc<dyn vmd_runtime::admission::SharedBudgets>> {
        each!(self, s => s.shared_budgets())
    }
    fn takeover_sweep(&self) -> Option<Duration> {
        each!(self, s => s.takeover_sweep())
    }
}

/// How often a shared store is asked whether it answers (`/readyz` reads
/// the latest answer, so a probe never waits on the database).
pub const READY_EVERY: Duration = Duration::from_secs(2);

/// Whether the store answered its latest check: always for sled; for
/// PostgreSQL a task asks every [`READY_EVERY`] (call inside the runtime).
pub fn watch_ready<S: Store + 'static>(
    driver: &Arc<vmd_runtime::Driver<impl vmd_probe::Prober + 'static, S>>,
    shared: bool,
) -> Arc<AtomicBool> {
    let ok = Arc::new(AtomicBool::new(true));
    if !shared {
        return ok;
    }
    let (d, flag) = (driver.clone(), ok.clone());
    tokio::spawn(async move {
        let mut t = tokio::time::interval(READY_EVERY);
        loop {
            t.tick().await;
            let d = d.clone();
            let r = tokio::task::spawn_blocking(move || d.store().ready()).await;
            let up = matches!(r, Ok(Ok(())));
            if flag.swap(up, Ordering::SeqCst) != up {
                match r {
                    Ok(Err(e)) => tracing::warn!(error = %e, "session database unavailable"),
                    _ if up => tracing::info!("session database reachable again"),
                    _ => tracing::warn!("session database check failed"),
                }
            }
        }
    });
    ok
}

/// `/readyz`: the store answered its latest check, and then `then`.
pub fn ready_with(
    store_ok: Arc<AtomicBool>,
    then: crate::ops::ReadyCheck,
) -> crate::ops::ReadyCheck {
    Arc::new(move || {
        if !store_ok.load(Ordering::SeqCst) {
            return Err("the session database does not answer".into());
        }
        then()
    })
}

/// The outcome table's retention (PostgreSQL): every hour, outcomes that
/// ended longer than `keep` ago are deleted. Any replica may run it.
pub fn spawn_outcome_retention<P>(driver: &Arc<vmd_runtime::Driver<P, AnyStore>>, keep: Duration)
where
    P: vmd_probe::Prober + 'static,
{
    if driver.store().pg().is_none() {
        return;
    }
    let d = driver.clone();
    tokio::spawn(async move {
        let mut t = tokio::time::interval(Duration::from_secs(3600));
        loop {
            t.tick().await;
            let cutoff = vmd_runtime::driver::now_ms().saturating_sub(keep.as_millis() as u64);
            let d = d.clone();
            let r = tokio::task::spawn_blocking(move || match d.store().pg() {
                Some(pg) => pg.prune_outcomes(cutoff),
                None => Ok(0),
            })
            .await;
            match r {
                Ok(Ok(n)) => tracing::info!(outcomes = n, "outcome retention pass"),
                Ok(Err(e)) => tracing::warn!(error = %e, "outcome retention pass failed"),
                Err(e) => tracing::warn!(error = %e, "outcome retention pass panicked"),
            }
        }
    });
}
