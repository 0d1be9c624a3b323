//! Session storage behind a small trait; sled is the implementation.
//!
//! Records are versioned JSON: `{"v": 1, "session": {...}}`. A record of a
//! newer version than this build understands is reported, never misread and
//! never overwritten. A record that does not decode is moved to the
//! `quarantine` tree, never deleted. A record is at most
//! [`MAX_RECORD_BYTES`]: past it the session is trimmed further
//! ([`Session::shrink_once`]) and a warning is logged.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use vmd_core::command::Lang;
pub use vmd_core::limits::MAX_RECORD_BYTES;
use vmd_core::session::{Session, SessionKey};

/// sled's page cache. Its default is 1 GiB; sessions are small.
pub const SLED_CACHE_BYTES: u64 = 32 * 1024 * 1024;

/// The record version this build writes and reads.
pub const RECORD_VERSION: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("storage backend: {0}")]
    Backend(String),
    #[error("stored record is corrupt: {0}")]
    Corrupt(String),
    #[error("stored record has version {found}, this build reads up to {RECORD_VERSION}")]
    TooNew { found: u32 },
    #[error("session record is {bytes} bytes even after trimming (limit {MAX_RECORD_BYTES})")]
    TooLarge { bytes: usize },
    #[error("permission denied: {0}")]
    PermissionDenied(String),
    #[error("the store is locked by another process (is another vm-doctor using it?): {0}")]
    Locked(String),
    #[error("the store is damaged and sled cannot open it: {0}")]
    Damaged(String),
}

impl StoreError {
    /// Classifies an error from opening a sled database.
    fn from_open(e: sled::Error) -> StoreError {
        match e {
            sled::Error::Io(io) if io.kind() == std::io::ErrorKind::PermissionDenied => {
                StoreError::PermissionDenied(io.to_string())
            }
            sled::Error::Io(io) if io.to_string().contains("could not acquire lock") => {
                StoreError::Locked(io.to_string())
            }
            sled::Error::Corruption { .. } => StoreError::Damaged(e.to_string()),
            other => StoreError::Backend(other.to_string()),
        }
    }
}

/// What opening a store found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct OpenReport {
    /// Session records that decode.
    pub sessions: usize,
    /// Records that do not decode, moved to quarantine now.
    pub quarantined: usize,
    /// Records of a newer version, left alone.
    pub too_new: usize,
    /// Records in quarantine in total.
    pub in_quarantine: usize,
    /// How many records the store held when last written, if it knows.
    pub expected: Option<usize>,
}

impl OpenReport {
    /// Fewer records than the store held when it was last written: sled
    /// recovered only part of its files.
    pub fn lost(&self) -> usize {
        self.expected
            .unwrap_or(0)
            .saturating_sub(self.sessions + self.quarantined + self.too_new)
    }
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        StoreError::Backend(e.to_string())
    }
}

pub trait Store: Send + Sync {
    fn load(&self, key: &SessionKey) -> Result<Option<Session>, StoreError>;
    fn save(&self, key: &SessionKey, s: &Session) -> Result<(), StoreError>;
    fn delete(&self, key: &SessionKey) -> Result<(), StoreError>;
    /// Removes sessions idle since before `cutoff_ms`; returns how many.
    fn prune(&self, cutoff_ms: u64) -> Result<usize, StoreError>;
    /// Like [`Store::prune`], showing each expired session (with its
    /// key) to `expired` before it goes, so a diagnosis left unanswered
    /// can be logged as abandoned.
    fn prune_with(
        &self,
        cutoff_ms: u64,
        expired: &mut dyn FnMut(&SessionKey, &Session),
    ) -> Result<usize, StoreError> {
        let _ = expired;
        self.prune(cutoff_ms)
    }
    /// Conversations stored in the middle of a probe or a name lookup
    /// ([`Session::waits_on_runtime`]): after a restart nothing is working on
    /// them, so the runtime takes them up again. Unreadable records are skipped.
    fn interrupted(&self) -> Result<Vec<SessionKey>, StoreError>;
    /// A user's language preference (`/lang`), per platform.
    fn user_lang(&self, platform: &str, user: &str) -> Result<Option<Lang>, StoreError>;
    fn set_user_lang(&self, platform: &str, user: &str, lang: Lang) -> Result<(), StoreError>;
}

#[derive(Serialize, Deserialize)]
struct Record {
    v: u32,
    session: serde_json::Value,
}

#[derive(Deserialize)]
struct VersionOnly {
    v: u32,
}

/// Encodes `s`, trimming a copy until the record fits [`MAX_RECORD_BYTES`].
/// Returns the bytes and how many trimming steps were needed.
pub fn encode_bounded(s: &Session) -> Result<(Vec<u8>, usize), StoreError> {
    let bytes = encode(s)?;
    if bytes.len() <= MAX_RECORD_BYTES {
        return Ok((bytes, 0));
    }
    let mut t = s.clone();
    let mut steps = 0;
    loop {
        if !t.shrink_once() {
            let bytes = encode(&t)?.len();
            return Err(StoreError::TooLarge { bytes });
        }
        steps += 1;
        let bytes = encode(&t)?;
        if bytes.len() <= MAX_RECORD_BYTES {
            return Ok((bytes, steps));
        }
    }
}

fn encode_for_save(s: &Session) -> Result<Vec<u8>, StoreError> {
    let (bytes, steps) = encode_bounded(s)?;
    if steps > 0 {
        tracing::warn!(
            steps,
            bytes = bytes.len(),
            limit = MAX_RECORD_BYTES,
            "session record over the size limit: trimmed its history to fit"
        );
    }
    Ok(bytes)
}

/// The version a stored record claims, if it claims one.
fn version_of(bytes: &[u8]) -> Option<u32> {
    serde_json::from_slice::<VersionOnly>(bytes)
        .ok()
        .map(|v| v.v)
}

pub fn encode(s: &Session) -> Result<Vec<u8>, StoreError> {
    let rec = Record {
        v: RECORD_VERSION,
        session: serde_json::to_value(s).map_err(|e| StoreError::Corrupt(e.to_string()))?,
    };
    serde_json::to_vec(&rec).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub fn decode(bytes: &[u8]) -> Result<Session, StoreError> {
    let v: VersionOnly =
        serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    if v.v > RECORD_VERSION {
        return Err(StoreError::TooNew { found: v.v });
    }
    let rec: Record =
        serde_json::from_slice(bytes).map_err(|e| StoreError::Corrupt(e.to_string()))?;
    // Version 1 is the only one so far; older versions would be migrated here.
    serde_json::from_value(rec.session).map_err(|e| StoreError::Corrupt(e.to_string()))
}

fn key_bytes(k: &SessionKey) -> Vec<u8> {
    // Unit separators keep the parts apart whatever they contain.
    format!("{}\u{1f}{}\u{1f}{}", k.platform, k.conversation, k.user).into_bytes()
}

fn key_of(bytes: &[u8]) -> Option<SessionKey> {
    let text = std::str::from_utf8(bytes).ok()?;
    let mut parts = text.split('\u{1f}');
    let (platform, conversation, user) = (parts.next()?, parts.next()?, parts.next()?);
    parts
        .next()
        .is_none()
        .then(|| SessionKey::new(platform, conversation, user))
}

/// The sled-backed store.
pub struct SledStore {
    sessions: sled::Tree,
    prefs: sled::Tree,
    /// Undecodable records, moved aside with their key.
    quarantine: sled::Tree,
    /// How many session records the store holds, kept outside sled's log
    /// (`vm-doctor-records` in the store directory) so that a log sled could
    /// only recover in part is noticed: the count survives the damage.
    count_file: std::path::PathBuf,
    count: std::sync::atomic::AtomicU64,
    /// One writer of the count file at a time: saves of new sessions run
    /// concurrently, and they share its temporary file.
    count_writer: Mutex<()>,
    _db: sled::Db,
}

/// The record-count file inside the sled directory.
pub const COUNT_FILE: &str = "vm-doctor-records";

impl SledStore {
    /// Opens (or creates) the store; see [`SledStore::open_checked`].
    pub fn open(dir: &Path) -> Result<SledStore, StoreError> {
        Ok(SledStore::open_checked(dir)?.0)
    }

    /// Opens the store and checks every record: undecodable ones go to
    /// quarantine, and a store that holds fewer records than it did when last
    /// written (sled recovered only part of a damaged file) is reported. Each
    /// finding is logged at warning level with counts.
    pub fn open_checked(dir: &Path) -> Result<(SledStore, OpenReport), StoreError> {
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(SLED_CACHE_BYTES)
            .open()
            .map_err(StoreError::from_open)?;
        let count_file = dir.join(COUNT_FILE);
        let st = SledStore {
            sessions: db.open_tree("sessions")?,
            prefs: db.open_tree("prefs")?,
            quarantine: db.open_tree("quarantine")?,
            count_file,
            count: std::sync::atomic::AtomicU64::new(0),
            count_writer: Mutex::new(()),
            _db: db,
        };
        let mut rep = OpenReport {
            expected: std::fs::read_to_string(&st.count_file)
                .ok()
                .and_then(|t| t.trim().parse().ok()),
            ..OpenReport::default()
        };
        let mut bad = Vec::new();
        for item in st.sessions.iter() {
            let (k, v) = item?;
            match decode(&v) {
                Ok(_) => rep.sessions += 1,
                Err(StoreError::TooNew { .. }) => rep.too_new += 1,
                Err(_) => bad.push((k, v)),
            }
        }
        for (k, v) in bad {
            st.move_to_quarantine(&k, &v)?;
            rep.quarantined += 1;
        }
        rep.in_quarantine = st.quarantine.len();
        if rep.quarantined > 0 {
            tracing::warn!(
                count = rep.quarantined,
                "session records that do not decode were moved to the quarantine tree"
            );
        }
        if rep.too_new > 0 {
            tracing::warn!(
                count = rep.too_new,
                "session records written by a newer vm-doctor are left untouched"
            );
        }
        if rep.lost() > 0 {
            tracing::warn!(
                expected = rep.expected.unwrap_or(0),
                found = rep.sessions + rep.quarantined + rep.too_new,
                lost = rep.lost(),
                "the session store held more records when it was last written: sled recovered it only partially"
            );
        }
        st.sessions.flush()?;
        st.write_count()?;
        Ok((st, rep))
    }

    fn move_to_quarantine(&self, k: &[u8], v: &[u8]) -> Result<(), StoreError> {
        self.quarantine.insert(k, v)?;
        self.sessions.remove(k)?;
        Ok(())
    }

    /// Recounts the records and writes the count file.
    fn write_count(&self) -> Result<(), StoreError> {
        let _one = self.count_writer.lock().unwrap_or_else(|p| p.into_inner());
        let n = self.sessions.len() as u64;
        self.count.store(n, std::sync::atomic::Ordering::SeqCst);
        self.write_count_file(n)
    }

    /// Writes the count as it is now (not a value read before waiting for
    /// the writer's lock, which a concurrent save may have passed).
    fn persist_count(&self) -> Result<(), StoreError> {
        let _one = self.count_writer.lock().unwrap_or_else(|p| p.into_inner());
        self.write_count_file(self.count.load(std::sync::atomic::Ordering::SeqCst))
    }

    /// Call with `count_writer` held.
    fn write_count_file(&self, n: u64) -> Result<(), StoreError> {
        let tmp = self.count_file.with_extension("tmp");
        std::fs::write(&tmp, format!("{n}\n"))
            .and_then(|()| std::fs::rename(&tmp, &self.count_file))
            .map_err(|e| StoreError::Backend(format!("writing the record count: {e}")))
    }

    /// Session records the store holds (a full walk: for benchmarks and
    /// operators, not for hot paths).
    pub fn session_count(&self) -> usize {
        self.sessions.len()
    }

    /// Records in quarantine (for operators and tests).
    pub fn quarantined(&self) -> usize {
        self.quarantine.len()
    }

    /// Writes everything to disk (graceful shutdown calls it last).
    pub fn flush(&self) -> Result<(), StoreError> {
        self._db.flush()?;
        Ok(())
    }

    /// How many stored conversations are under way (for the
    /// `vm_doctor_active_conversations` gauge); unreadable records are skipped.
    pub fn count_in_progress(&self) -> usize {
        self.sessions
            .iter()
            .values()
            .filter_map(|v| v.ok())
            .filter(|v| decode(v).is_ok_and(|s| s.in_progress()))
            .count()
    }
}

impl Store for SledStore {
    fn load(&self, key: &SessionKey) -> Result<Option<Session>, StoreError> {
        self.sessions
            .get(key_bytes(key))?
            .map(|b| decode(&b))
            .transpose()
    }

    fn save(&self, key: &SessionKey, s: &Session) -> Result<(), StoreError> {
        let k = key_bytes(key);
        let bytes = encode_for_save(s)?;
        if let Some(old) = self.sessions.get(&k)? {
            match decode(&old) {
                Ok(_) => {}
                // Never overwrite what a newer build wrote.
                Err(StoreError::TooNew { found }) => return Err(StoreError::TooNew { found }),
                Err(e) => {
                    tracing::warn!(error = %e, "undecodable session record moved to quarantine before saving over it");
                    self.quarantine.insert(&k, old)?;
                }
            }
        }
        // Atomically: a record that became newer meanwhile is not overwritten.
        let prev = self.sessions.fetch_and_update(&k, |cur| match cur {
            Some(c) if version_of(c).is_some_and(|v| v > RECORD_VERSION) => Some(c.to_vec()),
            _ => Some(bytes.clone()),
        })?;
        if let Some(found) = prev.as_deref().and_then(version_of) {
            if found > RECORD_VERSION {
                return Err(StoreError::TooNew { found });
            }
        }
        // Durable before the reply is shown: a crash right after must not lose the step.
        self.sessions.flush()?;
        if prev.is_none() {
            self.count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            // The session is stored and flushed; the count only helps notice
            // damage later, so failing to write it must not fail the turn.
            if let Err(e) = self.persist_count() {
                tracing::warn!(error = %e, "could not update the record count file");
            }
        }
        Ok(())
    }

    fn delete(&self, key: &SessionKey) -> Result<(), StoreError> {
        self.sessions.remove(key_bytes(key))?;
        self.sessions.flush()?;
        self.write_count()?;
        Ok(())
    }

    fn prune(&self, cutoff_ms: u64) -> Result<usize, StoreError> {
        self.prune_with(cutoff_ms, &mut |_, _| {})
    }

    fn prune_with(
        &self,
        cutoff_ms: u64,
        expired: &mut dyn FnMut(&SessionKey, &Session),
    ) -> Result<usize, StoreError> {
        let mut n = 0;
        let mut quarantined = 0;
        for item in self.sessions.iter() {
            let (k, v) = item?;
            match decode(&v) {
                Ok(s) if s.updated_ms < cutoff_ms => {
                    if let Some(key) = key_of(&k) {
                        expired(&key, &s);
                    }
                    self.sessions.remove(k)?;
                    n += 1;
                }
                Ok(_) | Err(StoreError::TooNew { .. }) => {}
                Err(_) => {
                    self.move_to_quarantine(&k, &v)?;
                    quarantined += 1;
                }
            }
        }
        if quarantined > 0 {
            tracing::warn!(
                count = quarantined,
                "session records that do not decode were moved to the quarantine tree"
            );
        }
        self.sessions.flush()?;
        self.write_count()?;
        Ok(n)
    }

    fn interrupted(&self) -> Result<Vec<SessionKey>, StoreError> {
        let mut keys = Vec::new();
        for item in self.sessions.iter() {
            let (k, v) = item?;
            if decode(&v).is_ok_and(|s| s.waits_on_runtime()) {
                keys.extend(key_of(&k));
            }
        }
        Ok(keys)
    }

    fn user_lang(&self, platform: &str, user: &str) -> Result<Option<Lang>, StoreError> {
        let k = format!("lang\u{1f}{platform}\u{1f}{user}");
        Ok(self
            .prefs
            .get(k)?
            .and_then(|v| std::str::from_utf8(&v).ok().and_then(Lang::parse)))
    }

    fn set_user_lang(&self, platform: &str, user: &str, lang: Lang) -> Result<(), StoreError> {
        let k = format!("lang\u{1f}{platform}\u{1f}{user}");
        self.prefs.insert(k, lang.tag())?;
        self.prefs.flush()?;
        Ok(())
    }
}

/// A shared store is a store (tests keep a handle to look inside).
impl<T: Store + ?Sized> Store for std::sync::Arc<T> {
    fn load(&self, key: &SessionKey) -> Result<Option<Session>, StoreError> {
        (**self).load(key)
    }
    fn save(&self, key: &SessionKey, s: &Session) -> Result<(), StoreError> {
        (**self).save(key, s)
    }
    fn delete(&self, key: &SessionKey) -> Result<(), StoreError> {
        (**self).delete(key)
    }
    fn prune(&self, cutoff_ms: u64) -> Result<usize, StoreError> {
        (**self).prune(cutoff_ms)
    }
    fn prune_with(
        &self,
        cutoff_ms: u64,
        expired: &mut dyn FnMut(&SessionKey, &Session),
    ) -> Result<usize, StoreError> {
        (**self).prune_with(cutoff_ms, expired)
    }
    fn interrupted(&self) -> Result<Vec<SessionKey>, StoreError> {
        (**self).interrupted()
    }
    fn user_lang(&self, platform: &str, user: &str) -> Result<Option<Lang>, StoreError> {
        (**self).user_lang(platform, user)
    }
    fn set_user_lang(&self, platform: &str, user: &str, lang: Lang) -> Result<(), StoreError> {
        (**self).set_user_lang(platform, user, lang)
    }
}

/// An in-memory store for tests and benchmarks; round-trips through the same
/// encoding as sled so version handling is exercised too.
#[derive(Default)]
pub struct MemStore {
    sessions: Mutex<HashMap<SessionKey, Vec<u8>>>,
    prefs: Mutex<HashMap<(String, String), Lang>>,
}

impl MemStore {
    /// Stores raw record bytes under `key` (tests: damaged or newer records).
    pub fn insert_raw(&self, key: &SessionKey, bytes: Vec<u8>) {
        let mut m = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        m.insert(key.clone(), bytes);
    }

    /// The raw record bytes under `key`.
    pub fn raw(&self, key: &SessionKey) -> Option<Vec<u8>> {
        let m = self.sessions.lock().unwrap_or_else(|p| p.into_inner());
        m.get(key).cloned()
    }
}

impl Store for MemStore {
    fn load(&self, key: &SessionKey) -> Result<Option<Session>, StoreError> {
        let m = self
            .sessions
            .lock()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        m.get(key).map(|b| decode(b)).transpose()
    }
    fn save(&self, key: &SessionKey, s: &Session) -> Result<(), StoreError> {
        let bytes = encode_for_save(s)?;
        let mut m = self
            .sessions
            .lock()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        if let Some(found) = m.get(key).and_then(|b| version_of(b)) {
            if found > RECORD_VERSION {
                return Err(StoreError::TooNew { found });
            }
        }
        m.insert(key.clone(), bytes);
        Ok(())
    }
    fn delete(&self, key: &SessionKey) -> Result<(), StoreError> {
        let mut m = self
            .sessions
            .lock()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        m.remove(key);
        Ok(())
    }
    fn prune(&self, cutoff_ms: u64) -> Result<usize, StoreError> {
        let mut m = self
            .sessions
            .lock()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        let before = m.len();
        // Like sled: stale sessions go; newer-version and undecodable ones stay.
        m.retain(|_, v| decode(v).map(|s| s.updated_ms >= cutoff_ms).unwrap_or(true));
        Ok(before - m.len())
    }
    fn prune_with(
        &self,
        cutoff_ms: u64,
        expired: &mut dyn FnMut(&SessionKey, &Session),
    ) -> Result<usize, StoreError> {
        {
            let m = self
                .sessions
                .lock()
                .map_err(|e| StoreError::Backend(e.to_string()))?;
            for (k, v) in m.iter() {
                if let Some(s) = decode(v).ok().filter(|s| s.updated_ms < cutoff_ms) {
                    expired(k, &s);
                }
            }
        }
        self.prune(cutoff_ms)
    }
    fn interrupted(&self) -> Result<Vec<SessionKey>, StoreError> {
        let m = self
            .sessions
            .lock()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        Ok(m.iter()
            .filter(|(_, v)| decode(v).is_ok_and(|s| s.waits_on_runtime()))
            .map(|(k, _)| k.clone())
            .collect())
    }
    fn user_lang(&self, platform: &str, user: &str) -> Result<Option<Lang>, StoreError> {
        let m = self
            .prefs
            .lock()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        Ok(m.get(&(platform.to_owned(), user.to_owned())).copied())
    }
    fn set_user_lang(&self, platform: &str, user: &str, lang: Lang) -> Result<(), StoreError> {
        let mut m = self
            .prefs
            .lock()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        m.insert((platform.to_owned(), user.to_owned()), lang);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fill(dir: &Path, n: usize) {
        let st = SledStore::open(dir).unwrap();
        for i in 0..n {
            let mut s = Session::new(5);
            s.vars.insert("x".into(), "y".repeat(500));
            st.save(&SessionKey::new("c", "c", &i.to_string()), &s)
                .unwrap();
        }
    }

    fn cut(dir: &Path, keep: impl Fn(u64) -> u64) {
        let db = dir.join("db");
        let len = std::fs::metadata(&db).unwrap().len();
        let f = std::fs::OpenOptions::new().write(true).open(&db).unwrap();
        f.set_len(keep(len)).unwrap();
    }

    #[test]
    fn sessions_left_in_a_lookup_are_listed_with_their_keys() {
        let dir = tempfile::tempdir().unwrap();
        let st = SledStore::open(dir.path()).unwrap();
        let waiting = SessionKey::new("slack", "C1/1700000000.000100", "U1");
        let mut s = Session::new(5);
        s.phase = vmd_core::session::Phase::Resolving("web.example.com".into());
        st.save(&waiting, &s).unwrap();
        st.save(&SessionKey::new("slack", "C1/2", "U1"), &Session::new(5))
            .unwrap();
        assert_eq!(st.interrupted().unwrap(), vec![waiting]);
    }

    #[test]
    fn a_truncated_store_is_reported_with_counts() {
        let dir = tempfile::tempdir().unwrap();
        fill(dir.path(), 200);
        cut(dir.path(), |l| l / 2);
        // Reopened right after the first handle dropped: retry while sled's
        // background thread still holds the file lock.
        let (st, rep) = {
            let mut tries = 0;
            loop {
                match SledStore::open_checked(dir.path()) {
                    Ok(x) => break x,
                    Err(_) if tries < 100 => {
                        tries += 1;
                        std::thread::sleep(std::time::Duration::from_millis(20));
                    }
                    Err(e) => panic!("{e}"),
                }
            }
        };
        assert_eq!(rep.expected, Some(200));
        assert!(rep.sessions > 0 && rep.sessions < 200, "{rep:?}");
        assert_eq!(rep.lost(), 200 - rep.sessions, "{rep:?}");
        // What survived still loads.
        assert!(st.load(&SessionKey::new("c", "c", "0")).unwrap().is_some());
        drop(st);
        // Reported once: the count now matches what is there.
        let (_, rep2) = SledStore::open_checked(dir.path()).unwrap();
        assert_eq!(rep2.lost(), 0, "{rep2:?}");
        assert_eq!(rep2.sessions, rep.sessions);
    }

    #[test]
    fn a_store_cut_to_nothing_or_scribbled_over_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        fill(dir.path(), 50);
        cut(dir.path(), |_| 0);
        match SledStore::open_checked(dir.path()) {
            Ok((_, rep)) => assert_eq!(rep.lost(), 50, "{rep:?}"),
            Err(e) => assert!(matches!(e, StoreError::Damaged(_)), "{e}"),
        }

        let dir = tempfile::tempdir().unwrap();
        fill(dir.path(), 200);
        let db = dir.path().join("db");
        let mut bytes = std::fs::read(&db).unwrap();
        let mid = bytes.len() / 3;
        for b in &mut bytes[mid..mid + 4096] {
            *b ^= 0x5a;
        }
        std::fs::write(&db, bytes).unwrap();
        match SledStore::open_checked(dir.path()) {
            Ok((_, rep)) => assert!(rep.lost() > 0, "{rep:?}"),
            Err(e) => assert!(matches!(e, StoreError::Damaged(_)), "{e}"),
        }
    }

    #[test]
    fn undecodable_records_go_to_quarantine_not_away() {
        let dir = tempfile::tempdir().unwrap();
        let good = SessionKey::new("c", "c", "good");
        let bad = SessionKey::new("c", "c", "bad");
        {
            let st = SledStore::open(dir.path()).unwrap();
            st.save(&good, &Session::new(100)).unwrap();
            st.sessions
                .insert(key_bytes(&bad), &b"{\"v\":1,\"session\":{\"tru"[..])
                .unwrap();
            // prune moves it aside, it does not delete it.
            assert_eq!(st.prune(50).unwrap(), 0);
            assert_eq!(st.quarantined(), 1);
            assert!(st.sessions.get(key_bytes(&bad)).unwrap().is_none());
            assert!(st.quarantine.get(key_bytes(&bad)).unwrap().is_some());
            // A second bad record, found when the store opens.
            st.sessions
                .insert(key_bytes(&bad), &b"garbage"[..])
                .unwrap();
        }
        // Reopened right after the first handle dropped: retry while sled's
        // background thread still holds the file lock.
        let (st, rep) = {
            let mut tries = 0;
            loop {
                match SledStore::open_checked(dir.path()) {
                    Ok(x) => break x,
                    Err(_) if tries < 100 => {
                        tries += 1;
                        std::thread::sleep(std::time::Duration::from_millis(20));
                    }
                    Err(e) => panic!("{e}"),
                }
            }
        };
        assert_eq!(rep.quarantined, 1, "{rep:?}");
        assert_eq!(rep.sessions, 1);
        assert_eq!(
            st.quarantine.get(key_bytes(&bad)).unwrap().as_deref(),
            Some(&b"garbage"[..])
        );
        assert!(st.load(&good).unwrap().is_some());
        // A bad record met at save time is moved aside before it is replaced.
        st.sessions
            .insert(key_bytes(&bad), &b"more garbage"[..])
            .unwrap();
        st.save(&bad, &Session::new(7)).unwrap();
        assert_eq!(
            st.quarantine.get(key_bytes(&bad)).unwrap().as_deref(),
            Some(&b"more garbage"[..])
        );
        assert_eq!(st.load(&bad).unwrap(), Some(Session::new(7)));
    }

    #[test]
    fn newer_records_are_never_overwritten_or_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let key = SessionKey::new("c", "c", "future");
        let future = br#"{"v": 2, "session": {"updated_ms": 0}}"#;
        let st = SledStore::open(dir.path()).unwrap();
        st.sessions.insert(key_bytes(&key), &future[..]).unwrap();
        assert!(matches!(
            st.load(&key),
            Err(StoreError::TooNew { found: 2 })
        ));
        assert!(matches!(
            st.save(&key, &Session::new(1)),
            Err(StoreError::TooNew { found: 2 })
        ));
        assert_eq!(st.prune(u64::MAX).unwrap(), 0);
        assert_eq!(
            st.sessions.get(key_bytes(&key)).unwrap().as_deref(),
            Some(&future[..])
        );
        let m = MemStore::default();
        m.insert_raw(&key, future.to_vec());
        assert!(m.save(&key, &Session::new(1)).is_err());
        assert_eq!(m.prune(u64::MAX).unwrap(), 0);
        assert_eq!(m.raw(&key).unwrap(), future.to_vec());
    }

    #[test]
    fn open_errors_say_why() {
        let e = StoreError::from_open(sled::Error::Io(std::io::Error::from(
            std::io::ErrorKind::PermissionDenied,
        )));
        assert!(matches!(e, StoreError::PermissionDenied(_)));
        assert!(e.to_string().contains("permission denied"), "{e}");
        assert!(!e.to_string().contains("another"), "{e}");
        // A second opener of the same store is told about the lock.
        let dir = tempfile::tempdir().unwrap();
        let _first = SledStore::open(dir.path()).unwrap();
        let e = SledStore::open(dir.path()).err().expect("locked");
        assert!(matches!(e, StoreError::Locked(_)), "{e}");
        assert!(e.to_string().contains("another vm-doctor"), "{e}");
    }

    #[test]
    fn an_oversized_session_is_trimmed_to_the_record_limit_at_save() {
        let dir = tempfile::tempdir().unwrap();
        let st = SledStore::open(dir.path()).unwrap();
        let key = SessionKey::new("c", "c", "big");
        let mut s = Session::new(1);
        s.target = Some("203.0.113.5".parse().unwrap());
        for i in 0..200 {
            s.answers.push(vmd_core::session::Answer {
                at_ms: i,
                step: "x".into(),
                option: None,
                value: Some("v".repeat(2000)),
                inferred: false,
            });
        }
        assert!(encode(&s).unwrap().len() > MAX_RECORD_BYTES);
        st.save(&key, &s).unwrap();
        let raw = st.sessions.get(key_bytes(&key)).unwrap().unwrap();
        assert!(raw.len() <= MAX_RECORD_BYTES, "{}", raw.len());
        let back = st.load(&key).unwrap().unwrap();
        assert_eq!(back.target, s.target);
        assert!(!back.answers.is_empty());
        assert_eq!(back.answers.last(), s.answers.last());
    }

    fn reopen(dir: &std::path::Path) -> SledStore {
        for _ in 0..100 {
            match SledStore::open(dir) {
                Ok(s) => return s,
                Err(_) => std::thread::sleep(std::time::Duration::from_millis(20)),
            }
        }
        SledStore::open(dir).unwrap()
    }

    #[test]
    fn sled_round_trip_survives_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let key = SessionKey::new("console", "local", "alice");
        let mut s = Session::new(5);
        s.vars.insert("client".into(), "mac".into());
        {
            let st = SledStore::open(dir.path()).unwrap();
            st.save(&key, &s).unwrap();
            st.set_user_lang("console", "alice", Lang::Ko).unwrap();
        }
        // sled releases its file lock from a background thread shortly after
        // the last handle is dropped: reopening retries for a moment.
        let st = reopen(dir.path());
        assert_eq!(st.load(&key).unwrap(), Some(s));
        assert_eq!(st.user_lang("console", "alice").unwrap(), Some(Lang::Ko));
        assert_eq!(
            st.load(&SessionKey::new("console", "local", "bob"))
                .unwrap(),
            None
        );
    }

    #[test]
    fn newer_records_are_refused_not_misread() {
        let bytes = br#"{"v": 2, "session": {"something": "else"}}"#;
        assert!(matches!(
            decode(bytes),
            Err(StoreError::TooNew { found: 2 })
        ));
        assert!(matches!(decode(b"garbage"), Err(StoreError::Corrupt(_))));
    }

    #[test]
    fn new_sessions_saved_at_once_from_many_threads_all_succeed() {
        // Every new session rewrites the record count; saves that ran at the
        // same moment once raced on the count's temporary file, and the
        // loser's turn failed.
        let dir = tempfile::tempdir().unwrap();
        let st = SledStore::open(dir.path()).unwrap();
        std::thread::scope(|sc| {
            for t in 0..8 {
                let st = &st;
                sc.spawn(move || {
                    for i in 0..100 {
                        let key = SessionKey::new("c", &format!("{t}-{i}"), "u");
                        st.save(&key, &Session::new(5)).unwrap();
                    }
                });
            }
        });
        drop(st);
        let back = reopen(dir.path());
        let count: u64 = std::fs::read_to_string(dir.path().join(COUNT_FILE))
            .unwrap()
            .trim()
            .parse()
            .unwrap();
        assert_eq!(count, 800, "the count file holds the last count");
        assert_eq!(back.sessions.len(), 800);
    }

    #[test]
    fn prune_removes_idle_sessions() {
        let dir = tempfile::tempdir().unwrap();
        let st = SledStore::open(dir.path()).unwrap();
        let old = SessionKey::new("console", "c", "old");
        let new = SessionKey::new("console", "c", "new");
        st.save(&old, &Session::new(100)).unwrap();
        st.save(&new, &Session::new(10_000)).unwrap();
        assert_eq!(st.prune(5_000).unwrap(), 1);
        assert!(st.load(&old).unwrap().is_none());
        assert!(st.load(&new).unwrap().is_some());
    }
}
