//! Session storage behind a small trait; sled is the implementation.
//!
//! Records are versioned JSON: `{"v": 1, "g": 7, "session": {...}}`. A record of a
//! newer version than this build understands is reported, never misread and
//! never overwritten. A record that does not decode is moved to the
//! `quarantine` tree, never deleted. A record is at most
//! [`MAX_RECORD_BYTES`]: past it the session is trimmed further
//! ([`Session::shrink_once`]) and a warning is logged.
//!
//! Damage sled cannot see is noticed through two files kept beside its log:
//! the record count ([`COUNT_FILE`]: records lost) and the generation
//! high-water mark ([`GENERATION_FILE`]). Every write (a save, a delete, a
//! prune) takes the next generation; a saved record carries its own (`g`),
//! and the latest one is also kept in the `meta` tree. A store whose newest
//! generation is below the high-water mark lost its latest writes: a
//! conversation may have gone back to an earlier step. Which records went
//! back cannot be told (the lost writes are gone), so none is quarantined:
//! the loss is reported with how many writes went, like records lost, and
//! `vm-doctor doctor` fails on it. A panic inside sled while it reads its
//! files (a truncated segment) is caught and reported as a damaged store.

use serde::{Deserialize, Serialize};
use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::atomic::{AtomicU64, Ordering};
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
    /// The database cannot be reached now (a shared store): the turn is
    /// refused with "try again in a minute"; nothing stored is touched.
    #[error("the session database is unavailable: {0}")]
    Unavailable(String),
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
    /// Writes the store made that sled's log no longer holds (the newest
    /// generation found is below the high-water mark): conversations may
    /// have gone back to an earlier step.
    pub rolled_back: u64,
}

impl OpenReport {
    /// Fewer records than the store held when it was last written: sled
    /// recovered only part of its files.
    pub fn lost(&self) -> usize {
        self.expected
            .unwrap_or(0)
            .saturating_sub(self.sessions + self.quarantined + self.too_new)
    }

    /// Something was lost or found broken: records lost, writes rolled back,
    /// or records that do not decode.
    pub fn damaged(&self) -> bool {
        self.lost() > 0 || self.rolled_back > 0 || self.quarantined > 0
    }
}

impl From<sled::Error> for StoreError {
    fn from(e: sled::Error) -> Self {
        match e {
            // Met while reading the files after they opened: damage too.
            sled::Error::Corruption { .. } => StoreError::Damaged(e.to_string()),
            sled::Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
                StoreError::Damaged(format!("a file ends early: {io}"))
            }
            other => StoreError::Backend(other.to_string()),
        }
    }
}

pub trait Store: Send + Sync {
    fn load(&self, key: &SessionKey) -> Result<Option<Session>, StoreError>;
    fn save(&self, key: &SessionKey, s: &Session) -> Result<(), StoreError>;
    fn delete(&self, key: &SessionKey) -> Result<(), StoreError>;
    /// Removes sessions idle since before `cutoff_ms`; returns how many.
    /// [`SledStore`] also drops the language preferences of users without a
    /// stored conversation set before `cutoff_ms` (and keeps at most
    /// [`MAX_PREFS`]).
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
    /// Taken by the driver for each turn, after its own per-session lock:
    /// a store shared by several processes holds the conversation for this
    /// process until the guard drops (PostgreSQL: a lease with an expiry,
    /// renewed while the turn runs). A store of one process needs nothing.
    fn lock_turn(&self, key: &SessionKey) -> Result<TurnLock, StoreError> {
        let _ = key;
        Ok(TurnLock::local())
    }
    /// Records a platform event id (a Slack envelope, a Discord
    /// interaction) and says whether this is its first delivery. A shared
    /// store records it for every process, so a redelivery to another
    /// replica is applied once; a store of one process leaves this to the
    /// adapter's in-memory `Seen`.
    fn first_delivery(&self, platform: &str, event: &str) -> Result<bool, StoreError> {
        let _ = (platform, event);
        Ok(true)
    }
    /// Keeps an outcome line in the store itself (a shared store: every
    /// replica's outcomes in one table that `vm-doctor stats` reads).
    /// `Ok(false)`: this store keeps none, the outcome log file does.
    fn record_outcome(&self, line: &OutcomeLine<'_>) -> Result<bool, StoreError> {
        let _ = line;
        Ok(false)
    }
    /// Whether the store can take work now (`/readyz`).
    fn ready(&self) -> Result<(), StoreError> {
        Ok(())
    }
    /// The probe budgets and start limits every process sharing this store
    /// spends together (`crate::admission::SharedBudgets`); a store of one
    /// process has none: the admission point keeps its own.
    fn shared_budgets(&self) -> Option<std::sync::Arc<dyn crate::admission::SharedBudgets>> {
        None
    }
    /// How often the runtime looks for conversations another replica left
    /// in a probe ([`Store::interrupted`]) while it runs; `None` (a store of
    /// one process): only once, when the adapter connects.
    fn takeover_sweep(&self) -> Option<std::time::Duration> {
        None
    }
}

/// An outcome record as the store keeps it: its conversation id, when it
/// ended and the JSON line `vm-doctor stats` reads.
pub struct OutcomeLine<'a> {
    pub conversation: &'a str,
    pub ended_ms: u64,
    pub json: &'a str,
}

/// The cross-process hold on a conversation for one turn
/// ([`Store::lock_turn`]); dropping it lets other processes in.
pub struct TurnLock {
    _guard: Option<Box<dyn Send + Sync>>,
}

impl TurnLock {
    /// Nothing to hold: the driver's own per-session lock is enough.
    pub fn local() -> TurnLock {
        TurnLock { _guard: None }
    }

    /// A hold that ends when `guard` drops.
    pub fn held(guard: Box<dyn Send + Sync>) -> TurnLock {
        TurnLock {
            _guard: Some(guard),
        }
    }
}

#[derive(Serialize, Deserialize)]
struct Record {
    v: u32,
    /// The store-wide generation of the write that stored this record (0:
    /// not written by a [`SledStore`], or before generations were kept).
    #[serde(default, skip_serializing_if = "is_zero")]
    g: u64,
    session: serde_json::Value,
}

fn is_zero(g: &u64) -> bool {
    *g == 0
}

#[derive(Deserialize)]
struct VersionOnly {
    v: u32,
    #[serde(default)]
    g: u64,
}

/// Encodes `s`, trimming a copy until the record fits [`MAX_RECORD_BYTES`].
/// Returns the bytes and how many trimming steps were needed.
pub fn encode_bounded(s: &Session) -> Result<(Vec<u8>, usize), StoreError> {
    encode_bounded_at(s, 0)
}

fn encode_bounded_at(s: &Session, g: u64) -> Result<(Vec<u8>, usize), StoreError> {
    let bytes = encode_at(s, g)?;
    if bytes.len() <= MAX_RECORD_BYTES {
        return Ok((bytes, 0));
    }
    let mut t = s.clone();
    let mut steps = 0;
    loop {
        if !t.shrink_once() {
            let bytes = encode_at(&t, g)?.len();
            return Err(StoreError::TooLarge { bytes });
        }
        steps += 1;
        let bytes = encode_at(&t, g)?;
        if bytes.len() <= MAX_RECORD_BYTES {
            return Ok((bytes, steps));
        }
    }
}

fn encode_for_save(s: &Session, g: u64) -> Result<Vec<u8>, StoreError> {
    let (bytes, steps) = encode_bounded_at(s, g)?;
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

/// The generation a stored record carries (0 when it carries none).
fn generation_of(bytes: &[u8]) -> u64 {
    serde_json::from_slice::<VersionOnly>(bytes)
        .map(|v| v.g)
        .unwrap_or(0)
}

pub fn encode(s: &Session) -> Result<Vec<u8>, StoreError> {
    encode_at(s, 0)
}

/// Encodes `s` for another store's save: trimmed to [`MAX_RECORD_BYTES`]
/// (with the warning), versioned like a sled record (no generation).
pub fn encode_for_store(s: &Session) -> Result<Vec<u8>, StoreError> {
    encode_for_save(s, 0)
}

/// The version a record claims, if it claims one (a record of a newer
/// version is left alone by every store).
pub fn record_version(bytes: &[u8]) -> Option<u32> {
    version_of(bytes)
}

fn encode_at(s: &Session, g: u64) -> Result<Vec<u8>, StoreError> {
    let rec = Record {
        v: RECORD_VERSION,
        g,
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
    /// The generation of the latest delete or prune (saves carry theirs in
    /// the record).
    meta: sled::Tree,
    /// How many session records the store holds, kept outside sled's log
    /// (`vm-doctor-records` in the store directory) so that a log sled could
    /// only recover in part is noticed: the count survives the damage.
    count_file: std::path::PathBuf,
    count: AtomicU64,
    /// The generation high-water mark file ([`GENERATION_FILE`]).
    generation_file: std::path::PathBuf,
    /// The last generation handed to a write.
    generation: AtomicU64,
    /// The highest generation known to be on disk (flushed).
    durable: AtomicU64,
    /// One writer of the side files at a time: saves of new sessions run
    /// concurrently, and they share their temporary files.
    count_writer: Mutex<()>,
    _db: sled::Db,
}

/// The record-count file inside the sled directory.
pub const COUNT_FILE: &str = "vm-doctor-records";

/// The generation high-water mark inside the sled directory: the newest
/// generation the store has flushed.
pub const GENERATION_FILE: &str = "vm-doctor-generation";

/// At most this many language preferences are kept; past it the oldest
/// of those whose user has no stored conversation go first.
pub const MAX_PREFS: usize = 100_000;

const META_GENERATION: &[u8] = b"generation";

thread_local! {
    /// Set while this thread runs sled's recovery under [`guarded`]: a panic
    /// there is reported as a damaged store, so the panic hook stays quiet.
    static QUIET_PANICS: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Runs `f` (sled opening or reading its files), turning a panic inside it
/// into [`StoreError::Damaged`]. sled 0.34 indexes past the end of a
/// truncated segment instead of returning an error; the panic hook prints
/// nothing for a panic caught here (other panics are printed as before).
fn guarded<T>(f: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
    static HOOK: std::sync::Once = std::sync::Once::new();
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if !QUIET_PANICS.with(|q| q.get()) {
                previous(info);
            }
        }));
    });
    let was = QUIET_PANICS.with(|q| q.replace(true));
    let r = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
    QUIET_PANICS.with(|q| q.set(was));
    r.unwrap_or_else(|payload| {
        let why = payload
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "no detail".into());
        Err(StoreError::Damaged(format!(
            "sled failed while reading its files ({why})"
        )))
    })
}

fn read_number(path: &Path) -> Option<u64> {
    std::fs::read_to_string(path)
        .ok()
        .and_then(|t| t.trim().parse().ok())
}

/// A language preference as stored: the tag, then when it was set.
fn pref_value(lang: Lang, set_ms: u64) -> String {
    format!("{}\u{1f}{set_ms}", lang.tag())
}

/// The language and the time it was set (0 for preferences stored before
/// the time was kept).
fn parse_pref(v: &[u8]) -> Option<(Lang, u64)> {
    let text = std::str::from_utf8(v).ok()?;
    let (tag, set) = text.split_once('\u{1f}').unwrap_or((text, "0"));
    Some((Lang::parse(tag)?, set.parse().unwrap_or(0)))
}

fn pref_key(platform: &str, user: &str) -> String {
    format!("lang\u{1f}{platform}\u{1f}{user}")
}

/// The (platform, user) a preference key names.
fn pref_owner(k: &[u8]) -> Option<(String, String)> {
    let text = std::str::from_utf8(k).ok()?;
    let mut parts = text.split('\u{1f}');
    (parts.next()? == "lang").then_some(())?;
    let (platform, user) = (parts.next()?, parts.next()?);
    parts
        .next()
        .is_none()
        .then(|| (platform.to_owned(), user.to_owned()))
}

/// Language preferences to drop: those set before `cutoff_ms` whose user has
/// no stored conversation, then, past `cap`, the oldest of the rest whose
/// user has none. `prefs` is (key, owner, set time).
fn prefs_to_prune(
    prefs: Vec<(Vec<u8>, (String, String), u64)>,
    active: &HashSet<(String, String)>,
    cutoff_ms: u64,
    cap: usize,
) -> Vec<Vec<u8>> {
    let (mut idle, busy): (Vec<_>, Vec<_>) = prefs
        .into_iter()
        .partition(|(_, who, _)| !active.contains(who));
    let mut out = Vec::new();
    idle.retain(|(k, _, set)| {
        let old = *set < cutoff_ms;
        if old {
            out.push(k.clone());
        }
        !old
    });
    let over = (idle.len() + busy.len()).saturating_sub(cap);
    idle.sort_by_key(|(_, _, set)| *set);
    out.extend(idle.into_iter().take(over).map(|(k, _, _)| k));
    out
}

/// Copies the regular files and directories under `from` into `to`.
fn copy_tree(from: &Path, to: &Path) -> std::io::Result<()> {
    crate::files::create_private_dir(to)?;
    for e in std::fs::read_dir(from)? {
        let e = e?;
        let kind = e.file_type()?;
        let dest = to.join(e.file_name());
        if kind.is_dir() {
            copy_tree(&e.path(), &dest)?;
        } else if kind.is_file() {
            let mut src = std::fs::File::open(e.path())?;
            let mut out = crate::files::private_options()
                .write(true)
                .create_new(true)
                .open(&dest)?;
            std::io::copy(&mut src, &mut out)?;
        }
    }
    Ok(())
}

/// A fresh private directory for [`SledStore::inspect`]'s copy.
fn scratch_dir() -> std::io::Result<std::path::PathBuf> {
    static N: AtomicU64 = AtomicU64::new(0);
    loop {
        let dir = std::env::temp_dir().join(format!(
            "vm-doctor-inspect-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::SeqCst)
        ));
        use std::os::unix::fs::DirBuilderExt;
        match std::fs::DirBuilder::new().mode(0o700).create(&dir) {
            Ok(()) => return Ok(dir),
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(e) => return Err(e),
        }
    }
}

/// Holds sled's lock on `<dir>/db` without opening the store for writing,
/// so that no vm-doctor starts while the files are copied.
struct ReadLock {
    _held: std::fs::File,
}

impl ReadLock {
    fn take(dir: &Path) -> Result<Option<ReadLock>, StoreError> {
        use std::os::unix::io::AsRawFd;
        let f = match std::fs::File::open(dir.join("db")) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                return Err(StoreError::PermissionDenied(e.to_string()))
            }
            Err(e) => return Err(StoreError::Backend(e.to_string())),
        };
        // SAFETY: flock on a descriptor this function owns; sled takes the
        // same kind of lock (fs2's try_lock_exclusive).
        if unsafe { libc::flock(f.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) } != 0 {
            let e = std::io::Error::last_os_error();
            return Err(if e.kind() == std::io::ErrorKind::WouldBlock {
                StoreError::Locked(format!("{} is held", dir.join("db").display()))
            } else {
                StoreError::Backend(e.to_string())
            });
        }
        Ok(Some(ReadLock { _held: f }))
    }
}

impl SledStore {
    /// Opens (or creates) the store; see [`SledStore::open_checked`].
    pub fn open(dir: &Path) -> Result<SledStore, StoreError> {
        Ok(SledStore::open_checked(dir)?.0)
    }

    /// Opens the store and checks every record: undecodable ones go to
    /// quarantine, and a store that holds fewer records than it did when last
    /// written (sled recovered only part of a damaged file), or whose latest
    /// writes are gone (a record went back to an earlier version), is
    /// reported. Each finding is logged at warning level with counts, and
    /// written down so that it is reported once. A panic inside sled while
    /// it reads a damaged file is [`StoreError::Damaged`].
    pub fn open_checked(dir: &Path) -> Result<(SledStore, OpenReport), StoreError> {
        let (st, rep) = guarded(|| SledStore::open_and_check(dir))?;
        st.log_findings(&rep);
        if rep.rolled_back > 0 {
            // Reported once: what sled holds now is the new starting point.
            st.mark_generation(st.generation.load(Ordering::SeqCst))?;
        }
        st.sessions.flush()?;
        st.write_count()?;
        st.persist_generation();
        Ok((st, rep))
    }

    /// Checks the store in `dir` without writing to it: its files are copied
    /// (under sled's lock, so no vm-doctor writes meanwhile) into a private
    /// temporary directory, and the copy is opened and checked as
    /// [`SledStore::open_checked`] would; the copy is removed afterwards.
    /// Returns what opening found and how many conversations are under way;
    /// `None`: there is no store yet. A store held by a running vm-doctor is
    /// [`StoreError::Locked`].
    pub fn inspect(dir: &Path) -> Result<Option<(OpenReport, usize)>, StoreError> {
        if !dir.exists() {
            return Ok(None);
        }
        let copy = scratch_dir()
            .map_err(|e| StoreError::Backend(format!("making a temporary directory: {e}")))?;
        let r = (|| {
            let lock = ReadLock::take(dir)?;
            let store = copy.join("sled");
            copy_tree(dir, &store).map_err(|e| {
                if e.kind() == std::io::ErrorKind::PermissionDenied {
                    StoreError::PermissionDenied(e.to_string())
                } else {
                    StoreError::Backend(format!("copying the store: {e}"))
                }
            })?;
            drop(lock);
            let (st, rep) = guarded(|| SledStore::open_and_check(&store))?;
            let under_way = guarded(|| Ok(st.count_in_progress()))?;
            drop(st);
            Ok(Some((rep, under_way)))
        })();
        let _ = std::fs::remove_dir_all(&copy);
        r
    }

    /// Opens sled and reads every record; writes nothing but the moves to
    /// quarantine.
    fn open_and_check(dir: &Path) -> Result<(SledStore, OpenReport), StoreError> {
        let db = sled::Config::new()
            .path(dir)
            .cache_capacity(SLED_CACHE_BYTES)
            .open()
            .map_err(StoreError::from_open)?;
        let st = SledStore {
            sessions: db.open_tree("sessions")?,
            prefs: db.open_tree("prefs")?,
            quarantine: db.open_tree("quarantine")?,
            meta: db.open_tree("meta")?,
            count_file: dir.join(COUNT_FILE),
            count: AtomicU64::new(0),
            generation_file: dir.join(GENERATION_FILE),
            generation: AtomicU64::new(0),
            durable: AtomicU64::new(0),
            count_writer: Mutex::new(()),
            _db: db,
        };
        let mut rep = OpenReport {
            expected: read_number(&st.count_file).map(|n| n as usize),
            ..OpenReport::default()
        };
        let mut newest = st
            .meta
            .get(META_GENERATION)?
            .and_then(|v| v.as_ref().try_into().ok().map(u64::from_be_bytes))
            .unwrap_or(0);
        let mut bad = Vec::new();
        for item in st.sessions.iter() {
            let (k, v) = item?;
            newest = newest.max(generation_of(&v));
            match decode(&v) {
                Ok(_) => rep.sessions += 1,
                Err(StoreError::TooNew { .. }) => rep.too_new += 1,
                Err(_) => bad.push((k, v)),
            }
        }
        for item in st.quarantine.iter() {
            let (_, v) = item?;
            newest = newest.max(generation_of(&v));
        }
        for (k, v) in bad {
            st.move_to_quarantine(&k, &v)?;
            rep.quarantined += 1;
        }
        rep.in_quarantine = st.quarantine.len();
        let mark = read_number(&st.generation_file).unwrap_or(0);
        rep.rolled_back = mark.saturating_sub(newest);
        st.generation.store(newest.max(mark), Ordering::SeqCst);
        st.durable.store(newest, Ordering::SeqCst);
        Ok((st, rep))
    }

    fn log_findings(&self, rep: &OpenReport) {
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
        if rep.rolled_back > 0 {
            tracing::warn!(
                writes = rep.rolled_back,
                "the session store lost its latest writes: some conversations went back to an earlier step"
            );
        }
    }

    fn move_to_quarantine(&self, k: &[u8], v: &[u8]) -> Result<(), StoreError> {
        self.quarantine.insert(k, v)?;
        self.sessions.remove(k)?;
        Ok(())
    }

    /// The generation for the next write.
    fn next_generation(&self) -> u64 {
        self.generation.fetch_add(1, Ordering::SeqCst) + 1
    }

    /// Records generation `g` in the `meta` tree (a write that leaves no
    /// record of its own: a delete, a prune) and flushes.
    fn mark_generation(&self, g: u64) -> Result<(), StoreError> {
        self.meta.insert(META_GENERATION, &g.to_be_bytes())?;
        self.meta.flush()?;
        self.durable.fetch_max(g, Ordering::SeqCst);
        Ok(())
    }

    /// Writes the high-water mark: the newest generation flushed. A failure
    /// is logged, not returned: the write itself is on disk, the mark only
    /// helps notice damage later.
    fn persist_generation(&self) {
        let _one = self.count_writer.lock().unwrap_or_else(|p| p.into_inner());
        let g = self.durable.load(Ordering::SeqCst);
        let tmp = self.generation_file.with_extension("tmp");
        let r = crate::files::write_private(&tmp, format!("{g}\n").as_bytes())
            .and_then(|()| std::fs::rename(&tmp, &self.generation_file));
        if let Err(e) = r {
            tracing::warn!(error = %e, "could not update the generation file");
        }
    }

    /// Recounts the records and writes the count file.
    fn write_count(&self) -> Result<(), StoreError> {
        let _one = self.count_writer.lock().unwrap_or_else(|p| p.into_inner());
        let n = self.sessions.len() as u64;
        self.count.store(n, Ordering::SeqCst);
        self.write_count_file(n)
    }

    /// Writes the count as it is now (not a value read before waiting for
    /// the writer's lock, which a concurrent save may have passed).
    fn persist_count(&self) -> Result<(), StoreError> {
        let _one = self.count_writer.lock().unwrap_or_else(|p| p.into_inner());
        self.write_count_file(self.count.load(Ordering::SeqCst))
    }

    /// Call with `count_writer` held.
    fn write_count_file(&self, n: u64) -> Result<(), StoreError> {
        let tmp = self.count_file.with_extension("tmp");
        crate::files::write_private(&tmp, format!("{n}\n").as_bytes())
            .and_then(|()| std::fs::rename(&tmp, &self.count_file))
            .map_err(|e| StoreError::Backend(format!("writing the record count: {e}")))
    }

    /// Drops the language preferences [`prefs_to_prune`] picks.
    fn prune_prefs(&self, cutoff_ms: u64) -> Result<usize, StoreError> {
        let mut active = HashSet::new();
        for k in self.sessions.iter().keys() {
            if let Some(key) = key_of(&k?) {
                active.insert((key.platform, key.user));
            }
        }
        let mut prefs = Vec::new();
        for item in self.prefs.iter() {
            let (k, v) = item?;
            let Some(owner) = pref_owner(&k) else {
                continue;
            };
            let set = parse_pref(&v).map_or(0, |(_, t)| t);
            prefs.push((k.to_vec(), owner, set));
        }
        let gone = prefs_to_prune(prefs, &active, cutoff_ms, MAX_PREFS);
        for k in &gone {
            self.prefs.remove(k)?;
        }
        Ok(gone.len())
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

    /// Writes `bytes` as the record of `key` as they are (tests: a record
    /// of a newer build, a damaged one).
    #[cfg(any(test, feature = "fake"))]
    pub fn insert_raw(&self, key: &SessionKey, bytes: Vec<u8>) -> Result<(), StoreError> {
        self.sessions.insert(key_bytes(key), bytes)?;
        Ok(())
    }

    /// The stored bytes of `key`, as they are (tests).
    #[cfg(any(test, feature = "fake"))]
    pub fn raw(&self, key: &SessionKey) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.sessions.get(key_bytes(key))?.map(|v| v.to_vec()))
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
        let g = self.next_generation();
        let bytes = encode_for_save(s, g)?;
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
        self.durable.fetch_max(g, Ordering::SeqCst);
        self.persist_generation();
        if prev.is_none() {
            self.count.fetch_add(1, Ordering::SeqCst);
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
        self.mark_generation(self.next_generation())?;
        self.persist_generation();
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
        let prefs = self.prune_prefs(cutoff_ms)?;
        if n + quarantined + prefs > 0 {
            self.mark_generation(self.next_generation())?;
            self.persist_generation();
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
        Ok(self
            .prefs
            .get(pref_key(platform, user))?
            .and_then(|v| parse_pref(&v))
            .map(|(lang, _)| lang))
    }

    /// Stores the preference with the time it was set: preferences of users
    /// without a stored conversation go when they are older than the session
    /// TTL (at most [`MAX_PREFS`] are kept), see [`Store::prune`].
    fn set_user_lang(&self, platform: &str, user: &str, lang: Lang) -> Result<(), StoreError> {
        let v = pref_value(lang, crate::driver::now_ms());
        self.prefs.insert(pref_key(platform, user), v.as_bytes())?;
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
    fn lock_turn(&self, key: &SessionKey) -> Result<TurnLock, StoreError> {
        (**self).lock_turn(key)
    }
    fn first_delivery(&self, platform: &str, event: &str) -> Result<bool, StoreError> {
        (**self).first_delivery(platform, event)
    }
    fn record_outcome(&self, line: &OutcomeLine<'_>) -> Result<bool, StoreError> {
        (**self).record_outcome(line)
    }
    fn ready(&self) -> Result<(), StoreError> {
        (**self).ready()
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
        let bytes = encode_for_save(s, 0)?;
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

    /// Opens while sled's background thread may still hold the last handle's lock.
    fn open_checked_retry(dir: &Path) -> (SledStore, OpenReport) {
        for _ in 0..100 {
            match SledStore::open_checked(dir) {
                Ok(x) => return x,
                Err(StoreError::Locked(_)) => {
                    std::thread::sleep(std::time::Duration::from_millis(20))
                }
                Err(e) => panic!("{e}"),
            }
        }
        SledStore::open_checked(dir).unwrap()
    }

    /// The files of a store directory, by relative path.
    fn snapshot(dir: &Path) -> std::collections::BTreeMap<std::path::PathBuf, Vec<u8>> {
        fn walk(
            root: &Path,
            dir: &Path,
            out: &mut std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>,
        ) {
            for e in std::fs::read_dir(dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    walk(root, &p, out);
                } else {
                    let rel = p.strip_prefix(root).unwrap().to_path_buf();
                    out.insert(rel, std::fs::read(&p).unwrap());
                }
            }
        }
        let mut out = std::collections::BTreeMap::new();
        walk(dir, dir, &mut out);
        out
    }

    /// Puts sled's own files back as they were in `old`, leaving the side
    /// files (count, generation) as they are now: sled's log lost its tail.
    fn roll_back_sled_files(
        dir: &Path,
        old: &std::collections::BTreeMap<std::path::PathBuf, Vec<u8>>,
    ) {
        for (rel, _) in snapshot(dir) {
            let name = rel.to_string_lossy();
            if name != COUNT_FILE && name != GENERATION_FILE {
                std::fs::remove_file(dir.join(&rel)).unwrap();
            }
        }
        for (rel, bytes) in old {
            let name = rel.to_string_lossy();
            if name != COUNT_FILE && name != GENERATION_FILE {
                std::fs::create_dir_all(dir.join(rel).parent().unwrap()).unwrap();
                std::fs::write(dir.join(rel), bytes).unwrap();
            }
        }
    }

    #[test]
    fn a_record_rolled_back_to_an_earlier_version_is_reported_once() {
        let dir = tempfile::tempdir().unwrap();
        let key = SessionKey::new("console", "local", "alice");
        let mut s = Session::new(5);
        s.vars.insert("step".into(), "first".into());
        {
            let st = SledStore::open(dir.path()).unwrap();
            st.save(&key, &s).unwrap();
            st.save(&SessionKey::new("console", "local", "bob"), &s)
                .unwrap();
        }
        let before = {
            let st = reopen(dir.path());
            drop(st);
            std::thread::sleep(std::time::Duration::from_millis(100));
            snapshot(dir.path())
        };
        {
            let st = reopen(dir.path());
            s.vars.insert("step".into(), "second".into());
            st.save(&key, &s).unwrap();
        }
        std::thread::sleep(std::time::Duration::from_millis(100));
        roll_back_sled_files(dir.path(), &before);
        // sled sees a consistent older store and the same number of records.
        let (st, rep) = open_checked_retry(dir.path());
        assert_eq!(rep.lost(), 0, "{rep:?}");
        assert_eq!(rep.sessions, 2, "{rep:?}");
        assert_eq!(
            st.load(&key).unwrap().unwrap().vars["step"],
            "first",
            "the record went back"
        );
        assert!(rep.rolled_back > 0, "the rollback went unnoticed: {rep:?}");
        assert!(rep.damaged());
        drop(st);
        // Reported once; later writes carry on from there.
        let st = reopen(dir.path());
        st.save(&key, &s).unwrap();
        drop(st);
        let (_, rep) = open_checked_retry(dir.path());
        assert_eq!(rep.rolled_back, 0, "{rep:?}");
    }

    #[test]
    fn deleting_the_newest_record_is_not_taken_for_a_rollback() {
        let dir = tempfile::tempdir().unwrap();
        let a = SessionKey::new("c", "c", "a");
        let b = SessionKey::new("c", "c", "b");
        {
            let st = SledStore::open(dir.path()).unwrap();
            st.save(&a, &Session::new(5)).unwrap();
            st.save(&b, &Session::new(5)).unwrap();
            st.delete(&b).unwrap();
            assert_eq!(st.prune(6).unwrap(), 1);
        }
        let st = reopen(dir.path());
        drop(st);
        let (_, rep) = open_checked_retry(dir.path());
        assert!(!rep.damaged(), "{rep:?}");
    }

    #[test]
    fn inspect_reports_damage_without_writing_anything() {
        let dir = tempfile::tempdir().unwrap();
        fill(dir.path(), 200);
        std::thread::sleep(std::time::Duration::from_millis(100));
        cut(dir.path(), |l| l / 2);
        let before = snapshot(dir.path());
        let found = SledStore::inspect(dir.path());
        assert_eq!(snapshot(dir.path()), before, "inspect changed the store");
        match found {
            Ok(Some((rep, _))) => assert!(rep.damaged(), "{rep:?}"),
            Err(e) => assert!(matches!(e, StoreError::Damaged(_)), "{e}"),
            Ok(None) => panic!("the store is there"),
        }
        // A store held by another opener is reported as such.
        let held = tempfile::tempdir().unwrap();
        let _st = SledStore::open(held.path()).unwrap();
        assert!(matches!(
            SledStore::inspect(held.path()),
            Err(StoreError::Locked(_))
        ));
        let none = tempfile::tempdir().unwrap();
        assert_eq!(SledStore::inspect(&none.path().join("sled")).unwrap(), None);
    }

    #[test]
    fn a_panic_while_sled_reads_its_files_is_a_damaged_store() {
        let r: Result<(), StoreError> = guarded(|| {
            let v: Vec<u8> = Vec::new();
            let i = v.len() + 3;
            Err(StoreError::Backend(v[i].to_string()))
        });
        match r {
            Err(StoreError::Damaged(why)) => assert!(why.contains("index out of bounds"), "{why}"),
            other => panic!("{other:?}"),
        }
        // Outside the guard, nothing changed.
        assert!(!QUIET_PANICS.with(|q| q.get()));
    }

    #[test]
    fn language_preferences_of_users_gone_past_the_ttl_are_pruned() {
        let dir = tempfile::tempdir().unwrap();
        let st = SledStore::open(dir.path()).unwrap();
        st.set_user_lang("discord", "gone", Lang::Ko).unwrap();
        st.set_user_lang("discord", "here", Lang::Ko).unwrap();
        // "here" still has a conversation; "gone" has none.
        st.save(
            &SessionKey::new("discord", "c1", "here"),
            &Session::new(u64::MAX / 2),
        )
        .unwrap();
        // A cutoff before the preferences were set keeps both.
        st.prune(1).unwrap();
        assert_eq!(st.user_lang("discord", "gone").unwrap(), Some(Lang::Ko));
        // Past the TTL: only the one whose user is still around stays.
        st.prune(u64::MAX / 4).unwrap();
        assert_eq!(st.user_lang("discord", "gone").unwrap(), None);
        assert_eq!(st.user_lang("discord", "here").unwrap(), Some(Lang::Ko));
        // Preferences stored before their time was kept read as set at 0.
        assert_eq!(parse_pref(b"ko"), Some((Lang::Ko, 0)));
    }

    #[test]
    fn past_the_cap_the_oldest_idle_preferences_go_first() {
        let who = |u: &str| ("p".to_owned(), u.to_owned());
        let prefs = vec![
            (b"a".to_vec(), who("a"), 30),
            (b"b".to_vec(), who("b"), 10),
            (b"c".to_vec(), who("c"), 20),
            (b"d".to_vec(), who("d"), 5),
        ];
        let active: HashSet<_> = [who("d")].into_iter().collect();
        // Nothing is past the cutoff; two over the cap of 2: the oldest idle go.
        assert_eq!(
            prefs_to_prune(prefs.clone(), &active, 0, 2),
            vec![b"b".to_vec(), b"c".to_vec()]
        );
        // Past the cutoff: idle ones older than it; active ones stay.
        assert_eq!(
            prefs_to_prune(prefs, &active, 25, 10),
            vec![b"b".to_vec(), b"c".to_vec()]
        );
    }

    impl crate::store_suite::RawStore for SledStore {
        fn put_raw(&self, key: &SessionKey, bytes: Vec<u8>) {
            self.insert_raw(key, bytes).unwrap();
        }
        fn get_raw(&self, key: &SessionKey) -> Option<Vec<u8>> {
            self.raw(key).unwrap()
        }
        fn quarantine_len(&self) -> usize {
            self.quarantined()
        }
    }

    /// The suite every backend passes (`vmd-store-pg` runs it on PostgreSQL).
    #[test]
    fn sled_passes_the_store_suite() {
        let dirs = std::sync::Mutex::new(Vec::new());
        crate::store_suite::run_all(&|| {
            let dir = tempfile::tempdir().unwrap();
            let st = SledStore::open(dir.path()).unwrap();
            dirs.lock().unwrap().push(dir);
            st
        });
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
