//! Session storage behind a small trait; sled is the implementation.
//!
//! Records are versioned JSON: `{"v": 1, "session": {...}}`. A record of a
//! newer version than this build understands is reported, never misread.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use vmd_core::command::Lang;
use vmd_core::session::{Session, SessionKey};

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

/// The sled-backed store.
pub struct SledStore {
    sessions: sled::Tree,
    prefs: sled::Tree,
    _db: sled::Db,
}

impl SledStore {
    pub fn open(dir: &Path) -> Result<SledStore, StoreError> {
        let db = sled::Config::new().path(dir).open()?;
        Ok(SledStore {
            sessions: db.open_tree("sessions")?,
            prefs: db.open_tree("prefs")?,
            _db: db,
        })
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
        self.sessions.insert(key_bytes(key), encode(s)?)?;
        // Durable before the reply is shown: a crash right after must not lose the step.
        self.sessions.flush()?;
        Ok(())
    }

    fn delete(&self, key: &SessionKey) -> Result<(), StoreError> {
        self.sessions.remove(key_bytes(key))?;
        Ok(())
    }

    fn prune(&self, cutoff_ms: u64) -> Result<usize, StoreError> {
        let mut n = 0;
        for item in self.sessions.iter() {
            let (k, v) = item?;
            let stale = match decode(&v) {
                Ok(s) => s.updated_ms < cutoff_ms,
                Err(StoreError::TooNew { .. }) => false,
                Err(_) => true,
            };
            if stale {
                self.sessions.remove(k)?;
                n += 1;
            }
        }
        self.sessions.flush()?;
        Ok(n)
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

/// An in-memory store for tests and benchmarks; round-trips through the same
/// encoding as sled so version handling is exercised too.
#[derive(Default)]
pub struct MemStore {
    sessions: Mutex<HashMap<SessionKey, Vec<u8>>>,
    prefs: Mutex<HashMap<(String, String), Lang>>,
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
        let mut m = self
            .sessions
            .lock()
            .map_err(|e| StoreError::Backend(e.to_string()))?;
        m.insert(key.clone(), encode(s)?);
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
        m.retain(|_, v| {
            decode(v)
                .map(|s| s.updated_ms >= cutoff_ms)
                .unwrap_or(false)
        });
        Ok(before - m.len())
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
        let st = SledStore::open(dir.path()).unwrap();
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
