//! The driver: loads a session, feeds the engine, executes its effects.
//!
//! Every adapter (console, Discord, Slack) calls [`Driver::turn`] with a neutral
//! [`Input`] and receives neutral [`Outgoing`] events through a sink, in order,
//! as they happen (so "checking…" shows before the probe finishes).

use crate::admission::{Admission, AdmissionConfig, Caller};
use crate::i18n::Localizer;
use crate::render;
use crate::store::{Store, StoreError};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tokio::sync::Semaphore;
use tracing::Instrument;
use vmd_core::command::{self, Command, Lang};
use vmd_core::engine::{effective_lang, Effect, Engine, Input};
use vmd_core::msg::{Msg, Reply};
use vmd_core::outcome::OutcomeRecord;
use vmd_core::report::Report;
use vmd_core::session::{Outcome, Phase, Session, SessionKey};
use vmd_probe::Prober;

/// Looks host names up for the driver (the system resolver unless a test
/// substitutes one). Object-safe, so the driver can hold any.
pub trait NameLookup: Send + Sync {
    fn lookup(
        &self,
        name: &str,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = std::io::Result<Vec<std::net::IpAddr>>> + Send>,
    >;
}

/// The provider's API as the driver asks it (`vmd-cloud` behind the binary's
/// adapter; tests substitute a fake). Object-safe, so the driver can hold any.
/// `conversation` identifies the conversation for the lookup budget.
pub trait CloudApi: Send + Sync {
    fn lookup<'a>(
        &'a self,
        conversation: &'a SessionKey,
        req: &'a vmd_core::cloud::CloudRequest,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = vmd_core::cloud::CloudAnswer> + Send + 'a>,
    >;
}

/// How long all the API calls of one lookup may take together, unless
/// [`Driver::with_cloud`] says otherwise.
pub const CLOUD_DEADLINE: Duration = Duration::from_secs(20);

/// Threads the system resolver may occupy at once, over the whole process.
pub const LOOKUP_THREADS: usize = 8;

/// The C library's resolver (honours `/etc/hosts` and `resolv.conf`), run on
/// a bounded pool: at most [`LOOKUP_THREADS`] blocking lookups at once. The
/// pool's permit travels with the blocking call, so a lookup abandoned at its
/// deadline still holds its thread's place until the C resolver returns.
pub struct SystemLookup {
    pool: Arc<Semaphore>,
}

impl Default for SystemLookup {
    fn default() -> Self {
        SystemLookup {
            pool: Arc::new(Semaphore::new(LOOKUP_THREADS)),
        }
    }
}

impl NameLookup for SystemLookup {
    fn lookup(
        &self,
        name: &str,
    ) -> std::pin::Pin<
        Box<dyn std::future::Future<Output = std::io::Result<Vec<std::net::IpAddr>>> + Send>,
    > {
        let name = name.to_owned();
        let pool = self.pool.clone();
        Box::pin(async move {
            let permit = pool
                .acquire_owned()
                .await
                .map_err(|_| std::io::Error::other("resolver pool closed"))?;
            let found = tokio::task::spawn_blocking(move || {
                let _thread = permit;
                std::net::ToSocketAddrs::to_socket_addrs(&(name.as_str(), 0))
                    .map(|addrs| addrs.map(|a| a.ip()).collect::<Vec<_>>())
            })
            .await
            .map_err(|_| std::io::Error::other("resolver thread failed"))??;
            Ok(found)
        })
    }
}

struct Lookup(Arc<dyn NameLookup>);

impl vmd_probe::targets::Resolver for Lookup {
    fn lookup(
        &self,
        name: &str,
    ) -> impl std::future::Future<Output = std::io::Result<Vec<std::net::IpAddr>>> + Send {
        self.0.lookup(name)
    }
}

/// A closed label for a lookup's outcome (logs and metrics carry no address).
fn cloud_outcome(a: &vmd_core::cloud::CloudAnswer) -> &'static str {
    use vmd_core::cloud::CloudAnswer;
    match a {
        CloudAnswer::Found(_) => "found",
        CloudAnswer::NotOurs => "not-ours",
        CloudAnswer::Failed(code) => match code.as_str() {
            "auth" => "auth",
            "throttled" => "throttled",
            "timeout" => "timeout",
            "budget" => "budget",
            _ => "error",
        },
    }
}

/// How long one host-name lookup may take.
pub const DNS_TIMEOUT: Duration = Duration::from_secs(5);

/// Host-name lookups in flight at once over all conversations (each user
/// has a smaller cap in [`crate::admission::AdmissionConfig`]).
pub const MAX_LOOKUPS_IN_FLIGHT: usize = 16;

/// What an adapter shows.
#[derive(Clone, Debug, PartialEq)]
pub enum Outgoing {
    Reply {
        lang: Lang,
        reply: Reply,
    },
    /// A hand-off: the link, the report (data and rendered markdown).
    Escalation {
        lang: Lang,
        url: String,
        report: Box<Report>,
        markdown: String,
    },
    Ended(Outcome),
    /// A probe run under way: a line per part, finished or pending. Adapters
    /// that can edit a message show it in the "checking…" message.
    Progress {
        lang: Lang,
        lines: Vec<Msg>,
    },
}

#[derive(Debug, thiserror::Error)]
pub enum DriverError {
    #[error(transparent)]
    Store(#[from] StoreError),
}

#[derive(Clone, Debug)]
pub struct DriverConfig {
    pub default_lang: Lang,
    /// The support team's language: reports are written in it, with the
    /// user's language beside it where they differ.
    pub support_lang: Lang,
    /// Ticket URL template with `{ip}`, `{os}`, `{port}`, `{summary}`.
    pub ticket_template: String,
    /// How many probe runs may be under way at once, over all conversations.
    pub max_concurrent_probes: usize,
    /// Upper bound on one probe run, on top of the prober's own timeouts.
    pub probe_deadline: Duration,
}

pub struct Driver<P: Prober, S: Store> {
    engine: Engine,
    prober: P,
    store: S,
    loc: Localizer,
    cfg: DriverConfig,
    locks: Mutex<HashMap<SessionKey, Arc<tokio::sync::Mutex<()>>>>,
    slots: Semaphore,
    outcomes: Option<crate::outcomes::OutcomeLog>,
    admission: Admission,
    names: Arc<dyn NameLookup>,
    lookup_slots: Semaphore,
    turns: crate::shutdown::Turns,
    /// Stored conversations under way, kept up to date as turns persist and
    /// housekeeping prunes (the `vm_doctor_active_conversations` gauge reads
    /// it, never the store).
    active: std::sync::atomic::AtomicI64,
    understanding: crate::understand::Understanding,
    /// The "did you mean" candidates last shown per conversation, with the
    /// question they were about: a number typed next picks among them (they
    /// are the buttons shown). Taken at that conversation's next turn.
    candidates: Mutex<HashMap<SessionKey, (String, Vec<String>)>>,
    /// The provider's API and the deadline of one lookup, when configured.
    cloud: Option<(Arc<dyn CloudApi>, Duration)>,
    /// Conversations [`Driver::interrupted`] handed to the adapter to take
    /// up, and when: not handed out again while their `Resume` is pending,
    /// and that `Resume` does nothing when another turn or replica took the
    /// conversation up first.
    handed: Mutex<HashMap<SessionKey, std::time::Instant>>,
}

/// How long a conversation handed out by [`Driver::interrupted`] is not
/// handed out again when its `Resume` never came (an adapter that skipped it).
const HANDED_FOR: Duration = Duration::from_secs(300);

/// Most conversations with "did you mean" candidates remembered at once;
/// beyond it the oldest are forgotten (a number then means the question's
/// option, as everywhere else).
const MAX_CANDIDATES: usize = 10_000;

pub fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0)
}

impl<P: Prober, S: Store> Driver<P, S> {
    pub fn new(engine: Engine, prober: P, store: S, loc: Localizer, cfg: DriverConfig) -> Self {
        let slots = Semaphore::new(cfg.max_concurrent_probes.max(1));
        let understanding = crate::understand::Understanding::new(&loc);
        let shared = store.shared_budgets();
        Driver {
            engine,
            prober,
            store,
            loc,
            cfg,
            locks: Mutex::new(HashMap::new()),
            active: std::sync::atomic::AtomicI64::new(0),
            slots,
            outcomes: None,
            admission: Admission::new(AdmissionConfig::default()).with_shared(shared),
            names: Arc::new(SystemLookup::default()),
            lookup_slots: Semaphore::new(MAX_LOOKUPS_IN_FLIGHT),
            turns: crate::shutdown::Turns::default(),
            understanding,
            candidates: Mutex::new(HashMap::new()),
            cloud: None,
            handed: Mutex::new(HashMap::new()),
        }
    }

    /// Answers the engine's [`Effect::CloudLookup`] with this API, each
    /// lookup cut off after `deadline` (the engine must be built
    /// `with_cloud` to ask at all).
    pub fn with_cloud(mut self, api: Arc<dyn CloudApi>, deadline: Duration) -> Self {
        self.cloud = Some((api, deadline));
        self
    }

    /// Resolves host names with this instead of the system resolver (tests).
    pub fn with_name_lookup(mut self, names: Arc<dyn NameLookup>) -> Self {
        self.names = names;
        self
    }

    /// At most `n` host-name lookups in flight at once over all
    /// conversations (default [`MAX_LOOKUPS_IN_FLIGHT`]).
    pub fn with_lookup_limit(mut self, n: usize) -> Self {
        self.lookup_slots = Semaphore::new(n.max(1));
        self
    }

    /// Appends every conversation end to this log (`outcomes.jsonl`).
    pub fn with_outcome_log(mut self, log: crate::outcomes::OutcomeLog) -> Self {
        self.outcomes = Some(log);
        self
    }

    /// Replaces the probe budgets (the defaults are [`AdmissionConfig::default`]).
    pub fn with_admission(mut self, cfg: AdmissionConfig) -> Self {
        self.admission = Admission::new(cfg).with_shared(self.store.shared_budgets());
        self
    }

    pub fn admission(&self) -> &Admission {
        &self.admission
    }

    /// Starts the count of conversations under way at `n` (what the store
    /// held when it was opened); from then on turns and housekeeping keep it.
    pub fn with_active_conversations(self, n: usize) -> Self {
        self.active
            .store(n as i64, std::sync::atomic::Ordering::SeqCst);
        self
    }

    /// Stored conversations under way: a counter, no store access.
    pub fn active_conversations(&self) -> usize {
        self.active.load(std::sync::atomic::Ordering::SeqCst).max(0) as usize
    }

    fn active_changed(&self, delta: i64) {
        let n = self
            .active
            .fetch_add(delta, std::sync::atomic::Ordering::SeqCst)
            + delta;
        crate::telemetry::active_conversations(n.max(0) as usize);
    }

    /// Periodic upkeep: drops sessions idle since before `cutoff_ms` and
    /// forgets probe budgets that are full again. Returns the sessions pruned.
    pub fn housekeeping(&self, cutoff_ms: u64) -> Result<usize, DriverError> {
        self.admission.housekeeping();
        // A diagnosis that expired unanswered ends as abandoned in the outcome log.
        let now = now_ms();
        let n = self.store.prune_with(cutoff_ms, &mut |key, s| {
            if s.in_progress() {
                if s.probed() {
                    let rec = OutcomeRecord::of(s, vmd_core::session::Outcome::Abandoned, now);
                    if let Err(e) = self.record(key, rec) {
                        tracing::warn!(error = %e, "could not record an abandoned conversation");
                    }
                }
                self.active_changed(-1);
            }
        })?;
        self.locks
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .retain(|_, l| Arc::strong_count(l) > 1);
        Ok(n)
    }

    /// Counts an ended conversation and appends its outcome line, named
    /// after the conversation's key and start.
    /// A store that keeps outcomes itself (PostgreSQL) gets the line
    /// instead of the file; failing to keep it fails the turn before the
    /// session is stored, so the end is recorded when it is retried.
    fn record(&self, key: &SessionKey, mut rec: OutcomeRecord) -> Result<(), StoreError> {
        rec.platform = key.platform.clone();
        rec.conversation = crate::outcomes::conversation_id(key, rec.started_ms);
        let json = serde_json::to_string(&rec).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        let line = crate::store::OutcomeLine {
            conversation: &rec.conversation,
            ended_ms: rec.ts,
            json: &json,
        };
        if !self.store.record_outcome(&line)? {
            self.log_outcome(&rec);
        }
        crate::telemetry::outcome(&key.platform, rec.outcome);
        Ok(())
    }

    fn log_outcome(&self, rec: &OutcomeRecord) {
        if let Some(log) = &self.outcomes {
            if let Err(e) = log.append(rec) {
                tracing::warn!(error = %e, path = %log.path().display(), "could not append to the outcome log");
            }
        }
    }

    /// Conversations a stopped process left in a probe or a name lookup
    /// that are still within their idle time: an adapter sends each an
    /// [`Input::Resume`] once it is connected, so the user sees the result
    /// without having to ask (older ones expire through housekeeping).
    ///
    /// With a store shared by replicas the adapters ask again every
    /// [`Driver::takeover_sweep`]: a conversation another replica left in a
    /// probe when it died is listed once its lease expires. A conversation
    /// listed is not listed again while its `Resume` is pending, and a
    /// `Resume` that finds it taken up already (by a user's turn, or by
    /// another replica) does nothing: exactly one turn takes it up.
    pub fn interrupted(&self) -> Result<Vec<SessionKey>, DriverError> {
        let now = now_ms();
        let ttl = self.engine.idle_ttl_ms();
        let mut keys = Vec::new();
        let found = self.store.interrupted()?;
        let mut handed = self.handed.lock().unwrap_or_else(|p| p.into_inner());
        let at = std::time::Instant::now();
        handed.retain(|_, t| at.saturating_duration_since(*t) < HANDED_FOR);
        for key in found {
            if handed.contains_key(&key) {
                continue;
            }
            if let Ok(Some(s)) = self.store.load(&key) {
                if now.saturating_sub(s.updated_ms) <= ttl {
                    handed.insert(key.clone(), at);
                    keys.push(key);
                }
            }
        }
        Ok(keys)
    }

    /// How often the adapters ask [`Driver::interrupted`] again while they
    /// run (a store shared by replicas); `None`: once, when they connect.
    pub fn takeover_sweep(&self) -> Option<Duration> {
        self.store.takeover_sweep()
    }

    /// Whether a platform event (an interaction, an envelope, a click) is
    /// delivered for the first time to any process sharing the store (a
    /// store of one process says yes: the adapter's `Seen` decides). A
    /// store that cannot answer lets the event through: its turn then finds
    /// the store unavailable and asks the user to try again.
    pub fn first_delivery(&self, platform: &str, event: &str) -> bool {
        match blocking(|| self.store.first_delivery(platform, event)) {
            Ok(first) => first,
            Err(e) => {
                tracing::warn!(error = %e, "could not record the event id; handling the event");
                true
            }
        }
    }

    /// The turns under way, for graceful shutdown (`shutdown.rs`).
    pub fn turns(&self) -> &crate::shutdown::Turns {
        &self.turns
    }

    pub fn localizer(&self) -> &Localizer {
        &self.loc
    }

    pub fn store(&self) -> &S {
        &self.store
    }

    pub fn engine(&self) -> &Engine {
        &self.engine
    }

    /// The language this conversation is spoken in.
    pub fn lang_of(&self, key: &SessionKey, platform: Option<Lang>) -> Lang {
        let session = self.store.load(key).ok().flatten();
        let user = self
            .store
            .user_lang(&key.platform, &key.user)
            .ok()
            .flatten();
        match session {
            Some(s) => effective_lang(&s, platform.or(user), self.cfg.default_lang),
            None => user.or(platform).unwrap_or(self.cfg.default_lang),
        }
    }

    /// The session's current phase, for adapters that need it (e.g. to know
    /// whether a button is stale). `None` when there is no session.
    pub fn phase(&self, key: &SessionKey) -> Result<Option<Phase>, DriverError> {
        Ok(self.store.load(key)?.map(|s| s.phase))
    }

    /// The stored session, if any (adapters use it to tell stale buttons).
    pub fn session(&self, key: &SessionKey) -> Result<Option<Session>, DriverError> {
        Ok(self.store.load(key)?)
    }

    fn lock_for(&self, key: &SessionKey) -> Arc<tokio::sync::Mutex<()>> {
        let mut m = self.locks.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() > 10_000 {
            m.retain(|_, l| Arc::strong_count(l) > 1);
        }
        m.entry(key.clone()).or_default().clone()
    }

    /// Handles one input to completion (probes included), emitting events into
    /// `sink`. The whole platform counts as one space for the probe budgets;
    /// adapters that know a space (a Discord guild, a Slack workspace) call
    /// [`Driver::turn_in`].
    pub async fn turn(
        &self,
        key: &SessionKey,
        input: Input,
        platform_lang: Option<Lang>,
        sink: &mut (dyn FnMut(Outgoing) + Send),
    ) -> Result<(), DriverError> {
        self.turn_in(key, None, input, platform_lang, sink).await
    }

    /// [`Driver::turn`] in a platform space (`space`: a guild or workspace
    /// id), which has its own probe budget.
    pub async fn turn_in(
        &self,
        key: &SessionKey,
        space: Option<&str>,
        input: Input,
        platform_lang: Option<Lang>,
        sink: &mut (dyn FnMut(Outgoing) + Send),
    ) -> Result<(), DriverError> {
        self.turn_as(key, Caller::in_space(space), input, platform_lang, sink)
            .await
    }

    /// [`Driver::turn`] for a `caller` the platform describes (space, role,
    /// channel, start limit): whatever the input, anything in this turn that
    /// would look a name up or start a probe is authorised against it first
    /// ([`Admission::authorize`]), so no input path can skip the check.
    pub async fn turn_as(
        &self,
        key: &SessionKey,
        caller: Caller<'_>,
        input: Input,
        platform_lang: Option<Lang>,
        sink: &mut (dyn FnMut(Outgoing) + Send),
    ) -> Result<(), DriverError> {
        let span = tracing::info_span!(
            "conversation",
            platform = %key.platform,
            conversation = %key.conversation,
            user = %key.user
        );
        let _turn = self.turns.hold();
        let started = std::time::Instant::now();
        let r = self
            .turn_inner(key, &caller, input, platform_lang, sink)
            .instrument(span.clone())
            .await;
        crate::telemetry::turn_duration(started.elapsed());
        match r {
            Err(DriverError::Store(StoreError::Unavailable(why))) => {
                // A shared database that went away: what was stored stays
                // as it was (every change is persisted before its reply);
                // the user is asked to send it again shortly.
                span.in_scope(
                    || tracing::warn!(error = %why, "session store unavailable; turn refused"),
                );
                let lang = platform_lang.unwrap_or(self.cfg.default_lang);
                sink(Outgoing::Reply {
                    lang,
                    reply: Reply::one("err-store-unavailable")
                        .severity(vmd_core::msg::Severity::Warning),
                });
                Ok(())
            }
            r => r,
        }
    }

    async fn turn_inner(
        &self,
        key: &SessionKey,
        caller: &Caller<'_>,
        input: Input,
        platform_lang: Option<Lang>,
        sink: &mut (dyn FnMut(Outgoing) + Send),
    ) -> Result<(), DriverError> {
        let lock = self.lock_for(key);
        let _guard = lock.lock().await;
        let handed = self
            .handed
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key)
            .is_some();
        // Other processes sharing the store wait too (a store of one process
        // holds nothing more); the answered-question check below runs under it.
        let _held = blocking(|| self.store.lock_turn(key))?;
        let stored = match self.store.load(key) {
            Ok(s) => s,
            Err(StoreError::TooNew { found }) => {
                // Written by a newer vm-doctor: never overwrite it, say so.
                tracing::warn!(
                    version = found,
                    "session record is newer than this build; left as it is"
                );
                let lang = platform_lang.unwrap_or(self.cfg.default_lang);
                sink(Outgoing::Reply {
                    lang,
                    reply: Reply::one("limit-record-too-new")
                        .severity(vmd_core::msg::Severity::Warning),
                });
                return Ok(());
            }
            Err(e) => {
                // The store moves the bad record aside when this turn saves.
                tracing::warn!(error = %e, "unreadable session; starting afresh");
                None
            }
        };
        // A conversation handed out to be taken up that another turn (here,
        // or on another replica) took up meanwhile: nothing left to do.
        if handed
            && matches!(input, Input::Resume)
            && !stored.as_ref().is_some_and(|s| s.waits_on_runtime())
        {
            tracing::info!("an interrupted conversation was taken up already");
            return Ok(());
        }
        // A session is stored only once a diagnosis starts: `/lang`,
        // `/status`, `/back`, `/help` or `/ticket` on nothing leave nothing
        // behind (the language choice is kept as the user's preference).
        let aside = stored.is_none() && is_aside(&input);
        let had_session = stored.is_some();
        let mut s = stored.unwrap_or_else(|| Session::new(now_ms()));
        // Whether the stored record counts as under way (for the gauge).
        let mut counted = s.in_progress();
        // The start limit is charged once per turn at most.
        let mut started = false;
        if s.lang.is_none() {
            s.lang = self.store.user_lang(&key.platform, &key.user)?;
        }
        // Typed in Korean while the conversation speaks English, and the
        // user never chose a language: go on in theirs (and remember it).
        if s.lang.is_none() {
            let typed = match &input {
                Input::Text(t) => Some(t.as_str()),
                Input::At { input, .. } => match input.as_ref() {
                    Input::Text(t) => Some(t.as_str()),
                    _ => None,
                },
                _ => None,
            };
            let inferred = typed
                .filter(|t| command::parse(t).is_none())
                .and_then(vmd_core::understand::written_in);
            if let Some(l) = inferred {
                if l != effective_lang(&s, platform_lang, self.cfg.default_lang) {
                    tracing::debug!(lang = ?l, "the user writes in another language; switching");
                    s.lang = Some(l);
                    blocking(|| self.store.set_user_lang(&key.platform, &key.user, l))?;
                    sink(Outgoing::Reply {
                        lang: l,
                        reply: Reply::info(vec![Msg::new("lang-inferred")]),
                    });
                }
            }
        }
        let shown = self
            .candidates
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(key);
        // What a sentence says about the user's side (their computer, the
        // server's Linux family) is kept even when the sentence becomes an
        // option here, or is a question back.
        let said = match &input {
            Input::Text(t) => Some(t),
            Input::At { input, .. } => match input.as_ref() {
                Input::Text(t) => Some(t),
                _ => None,
            },
            _ => None,
        };
        let heard = said
            .filter(|t| command::parse(t).is_none())
            .is_some_and(|t| vmd_core::engine::heard(&mut s, t));
        let input = match self.resolve_text(&s, input, platform_lang, shown.as_ref()) {
            Ok(input) => input,
            Err(replies) => {
                if heard && had_session {
                    blocking(|| self.store.save(key, &s))?;
                }
                // Understood without an answer ("did you mean …?", a question
                // back, "huh?"): nothing changes, the question stays.
                let lang = effective_lang(&s, platform_lang, self.cfg.default_lang);
                let dym = replies.iter().find(|r| {
                    r.parts
                        .first()
                        .is_some_and(|m| m.id == "understand-did-you-mean")
                });
                if let (Some(r), Some(q)) = (dym, s.question()) {
                    let mut c = self.candidates.lock().unwrap_or_else(|p| p.into_inner());
                    if c.len() >= MAX_CANDIDATES {
                        c.clear();
                    }
                    c.insert(
                        key.clone(),
                        (q, r.options.iter().map(|o| o.key.clone()).collect()),
                    );
                }
                for reply in replies {
                    sink(Outgoing::Reply { lang, reply });
                }
                return Ok(());
            }
        };
        let lang_before = s.lang;
        tracing::debug!(input = input_kind(&input), "turn");
        let mut queue = VecDeque::new();
        if s.waits_on_runtime() {
            // Stored in the middle of a probe or a lookup, yet this turn holds
            // the session's lock, and every turn of this process holds it
            // through its probe: the process that started the work stopped (a
            // crash, the shutdown deadline). Take the work up again first.
            tracing::info!("taking up a probe a stopped process left under way");
            crate::telemetry::taken_up(&key.platform);
            queue.push_back(Input::Resume);
            // A click or a typed answer was aimed at "still checking", not at
            // the question the probe leads to; a command still counts.
            let command = match &input {
                Input::Command(_) => true,
                Input::Text(t) => command::parse(t).is_some(),
                _ => false,
            };
            if command {
                queue.push_back(input);
            }
        } else {
            queue.push_back(input);
        }
        while let Some(input) = queue.pop_front() {
            let probes_before = s.probes.len();
            let answer = matches!(input, Input::At { .. });
            let viewer = if caller.support {
                vmd_core::engine::Viewer::Support
            } else {
                vmd_core::engine::Viewer::Anyone
            };
            let effects = self.engine.handle_as(&mut s, input, now_ms(), viewer);
            if answer && effects.is_empty() {
                tracing::info!("an answer to a question already answered; ignored");
                crate::telemetry::duplicate_answer(&key.platform);
            }
            // Outcome lines go out before the session that ends is stored: a
            // crash in between writes the line again when the conversation
            // ends again (the same conversation id, which `stats` counts
            // once), and never loses it.
            for e in &effects {
                if let Effect::Record(rec) = e {
                    blocking(|| self.record(key, (**rec).clone()))?;
                }
            }
            if probes_before == 0 && !s.probes.is_empty() {
                for f in &s.first_findings {
                    crate::telemetry::finding(f.code());
                }
            }
            for e in effects {
                let lang = effective_lang(&s, platform_lang, self.cfg.default_lang);
                match e {
                    Effect::Persist if aside => {}
                    Effect::Persist => {
                        blocking(|| self.store.save(key, &s))?;
                        if s.in_progress() != counted {
                            counted = s.in_progress();
                            self.active_changed(if counted { 1 } else { -1 });
                        }
                    }
                    Effect::Say(reply) => sink(Outgoing::Reply { lang, reply }),
                    Effect::Probe(req) => {
                        if s.probes.is_empty() {
                            crate::telemetry::conversation_started(&key.platform);
                        }
                        let policy = self.engine.policy();
                        let first = !s.probed() && !started;
                        let admitted = self
                            .admission
                            .authorize(
                                key,
                                caller,
                                first,
                                std::time::Instant::now(),
                                Some((policy, &req)),
                            )
                            .and_then(|()| {
                                self.admission.admit(key, caller.space, policy, &s, &req)
                            });
                        started |= first && admitted.is_ok();
                        match admitted {
                            Ok(_permit) => {
                                let report = {
                                    let _slot = self.slots.acquire().await;
                                    tracing::info!(target = %req.target, ports = req.ports.len(), "probe");
                                    self.probe_live(&req, lang, sink).await
                                };
                                queue.push_back(Input::ProbeDone(Box::new(report)));
                            }
                            Err(refusal) => {
                                tracing::info!(reason = refusal.code(), "probe refused");
                                queue.push_back(Input::ProbeRefused(refusal));
                            }
                        }
                    }
                    Effect::Escalate(report) => {
                        let url =
                            render::ticket_url(&self.loc, lang, &self.cfg.ticket_template, &report);
                        let mut report = report;
                        report.user_lang = Some(lang);
                        let markdown = render::report_markdown_for(
                            &self.loc,
                            self.cfg.support_lang,
                            lang,
                            &report,
                        );
                        tracing::info!("escalation");
                        sink(Outgoing::Escalation {
                            lang,
                            url,
                            report,
                            markdown,
                        });
                    }
                    Effect::Ended(o) => {
                        tracing::info!(outcome = ?o, "conversation ended");
                        sink(Outgoing::Ended(o))
                    }
                    Effect::Resolve(name) => {
                        // Authorised like a probe, and paid for: a lookup
                        // spends the user's probe budget, and lookups in
                        // flight are capped per user and over the process.
                        let first = !s.probed() && !started;
                        let admitted = self
                            .admission
                            .authorize(key, caller, first, std::time::Instant::now(), None)
                            .and_then(|()| self.admission.admit_lookup(key));
                        let _permit = match admitted {
                            Ok(p) => p,
                            Err(refusal) => {
                                tracing::info!(reason = refusal.code(), "lookup refused");
                                queue.push_back(Input::ProbeRefused(refusal));
                                continue;
                            }
                        };
                        started |= first;
                        // One lookup; every address must pass the target
                        // policy in force now; the first is probed, so a DNS
                        // answer that changes later cannot redirect a probe.
                        let result =
                            match tokio::time::timeout(DNS_TIMEOUT, self.lookup_slots.acquire())
                                .await
                            {
                                Ok(Ok(_slot)) => {
                                    let resolver = Lookup(self.names.clone());
                                    let policy = self.engine.policy();
                                    vmd_probe::targets::resolve_checked(
                                        &name,
                                        &resolver,
                                        policy,
                                        DNS_TIMEOUT,
                                    )
                                    .await
                                    .map(|r| r.addrs[0])
                                    .map_err(|e| e.code().to_owned())
                                }
                                // Every lookup slot stayed taken: as if the
                                // resolver had not answered in time.
                                _ => Err(vmd_probe::targets::NameError::Timeout.code().to_owned()),
                            };
                        tracing::info!(ok = result.is_ok(), "host name resolved");
                        queue.push_back(Input::Resolved { name, result });
                    }
                    Effect::CloudLookup(req) => {
                        let answer = match &self.cloud {
                            Some((api, deadline)) => {
                                let started = std::time::Instant::now();
                                let answer =
                                    match tokio::time::timeout(*deadline, api.lookup(key, &req))
                                        .await
                                    {
                                        Ok(a) => a,
                                        Err(_) => {
                                            vmd_core::cloud::CloudAnswer::Failed("timeout".into())
                                        }
                                    };
                                crate::telemetry::cloud_lookup(
                                    cloud_outcome(&answer),
                                    started.elapsed(),
                                );
                                answer
                            }
                            None => vmd_core::cloud::CloudAnswer::Failed("unavailable".into()),
                        };
                        tracing::info!(outcome = cloud_outcome(&answer), "cloud lookup");
                        queue.push_back(Input::CloudDone {
                            ip: req.ip,
                            answer: Box::new(answer),
                        });
                    }
                    // Written before the turn's first Persist (above).
                    Effect::Record(_) => {}
                }
            }
        }
        if s.lang != lang_before {
            if let Some(l) = s.lang {
                blocking(|| self.store.set_user_lang(&key.platform, &key.user, l))?;
            }
        }
        Ok(())
    }

    /// Runs one probe under the deadline, reporting each finished part.
    async fn probe_live(
        &self,
        req: &vmd_core::probe::ProbeRequest,
        lang: Lang,
        sink: &mut (dyn FnMut(Outgoing) + Send),
    ) -> vmd_core::probe::ProbeReport {
        use vmd_core::probe::ProbeProgress;
        let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
        let run = self.prober.probe_with_progress(req, tx);
        tokio::pin!(run);
        let deadline = tokio::time::sleep(self.cfg.probe_deadline);
        tokio::pin!(deadline);
        let mut icmp = None;
        let mut ports = Vec::new();
        let mut progress_open = true;
        let started = std::time::Instant::now();
        loop {
            tokio::select! {
                report = &mut run => {
                    // Parts that finished together with the run still show.
                    let mut more = false;
                    while let Ok(p) = rx.try_recv() {
                        more = true;
                        match p {
                            ProbeProgress::Icmp(i) => {
                                crate::telemetry::probe_part("icmp", started.elapsed());
                                icmp = Some(i)
                            }
                            ProbeProgress::Port(p) => {
                                crate::telemetry::probe_part("port", started.elapsed());
                                ports.push(p)
                            }
                        }
                    }
                    crate::telemetry::probe_part("run", started.elapsed());
                    if more {
                        let lines = vmd_core::engine::progress_lines(req, icmp.as_ref(), &ports);
                        sink(Outgoing::Progress { lang, lines });
                    }
                    return report;
                }
                p = rx.recv(), if progress_open => match p {
                    Some(ProbeProgress::Icmp(i)) => {
                        crate::telemetry::probe_part("icmp", started.elapsed());
                        icmp = Some(i);
                        let lines = vmd_core::engine::progress_lines(req, icmp.as_ref(), &ports);
                        sink(Outgoing::Progress { lang, lines });
                    }
                    Some(ProbeProgress::Port(p)) => {
                        crate::telemetry::probe_part("port", started.elapsed());
                        ports.push(p);
                        let lines = vmd_core::engine::progress_lines(req, icmp.as_ref(), &ports);
                        sink(Outgoing::Progress { lang, lines });
                    }
                    None => progress_open = false,
                },
                _ = &mut deadline => {
                    tracing::warn!("probe run exceeded its deadline");
                    crate::telemetry::probe_part("run", started.elapsed());
                    return timed_out_report(req, self.cfg.probe_deadline);
                }
            }
        }
    }

    /// Free text that names an option becomes a choice; text understood as
    /// no answer ("did you mean …?", a question back, "huh?") becomes the
    /// replies to send instead (`Err`), the conversation left as it is.
    fn resolve_text(
        &self,
        s: &Session,
        input: Input,
        platform: Option<Lang>,
        shown: Option<&(String, Vec<String>)>,
    ) -> Result<Input, Vec<Reply>> {
        if let Input::At { question, input } = input {
            if s.question().as_deref() != Some(question.as_str()) {
                // Stale: the engine ignores it.
                return Ok(Input::At { question, input });
            }
            let input = Box::new(self.resolve_text(s, *input, platform, shown)?);
            return Ok(Input::At { question, input });
        }
        let Input::Text(t) = &input else {
            return Ok(input);
        };
        // A number right after "did you mean": one of the candidates shown.
        if let Some((q, keys)) = shown.filter(|(q, _)| s.question().as_deref() == Some(q)) {
            let n = t
                .trim()
                .trim_end_matches([')', '.', ' '])
                .trim_start_matches('#')
                .parse::<usize>();
            if let Some(k) = n
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| keys.get(i))
            {
                tracing::debug!(question = %q, "a number picks a did-you-mean candidate");
                return Ok(Input::Choose(k.clone()));
            }
        }
        if command::parse(t).is_some() || s.waits_on_runtime() {
            return Ok(input);
        }
        // Several lines are a paste, read by the engine.
        if t.lines().filter(|l| !l.trim().is_empty()).count() > 1 {
            return Ok(input);
        }
        // A new address, OS or login port named in the sentence is a
        // correction, asked about before any option could match it.
        if self.engine.correction(s, t).is_some() {
            return Ok(input);
        }
        // "My IP is …" with the provider's rules kept: the engine says what
        // they do to that address.
        if self.engine.own_address(s, t).is_some() {
            return Ok(input);
        }
        // "Just give me a ticket" before any address: the same as /ticket
        // (which asks for the address first).
        if matches!(
            s.phase,
            vmd_core::session::Phase::New | vmd_core::session::Phase::AskIp
        ) && command::extract(t).ip.is_none()
            && self.understanding.understand(&self.loc, &[], t, false)
                == crate::understand::Understood::Ticket
        {
            return Ok(Input::Command(Command::Ticket));
        }
        let Some(prompt) = self.engine.current_prompt(s) else {
            return Ok(input);
        };
        if prompt.options.is_empty() {
            return Ok(input);
        }
        // At an input step a number is the answer (a port), not an option.
        let by_index = prompt.expect == vmd_core::msg::Expect::Choice;
        if !by_index {
            // A value that parses is the answer, whatever it resembles.
            let parses = match prompt.expect {
                vmd_core::msg::Expect::Port => {
                    command::parse_port(t).is_ok() || command::extract(t).port.is_some()
                }
                vmd_core::msg::Expect::Ip => command::extract(t).ip.is_some(),
                _ => false,
            };
            if parses {
                return Ok(input);
            }
        }
        // "It's listening on 2222" where an option leads to the port
        // question: that option, with the port as its answer.
        if by_index {
            if let Some(n) = vmd_core::understand::single_number(t) {
                if let Some(input) = self.engine.port_answer(s, n) {
                    return Ok(input);
                }
            }
        }
        let lang = effective_lang(s, platform, self.cfg.default_lang);
        let u = self
            .understanding
            .understand_at(&self.loc, &self.engine, s, &prompt, t, by_index);
        // A question back naming no term ("how do I do that?") is about
        // what this step asks: its topic's glossary entry answers it.
        let u = match u {
            crate::understand::Understood::Ask(None) if by_index => {
                let topic = prompt
                    .step
                    .as_deref()
                    .and_then(|id| self.engine.runbooks().step(id))
                    .and_then(|st| st.topic.clone());
                crate::understand::Understood::Ask(topic)
            }
            u => u,
        };
        let u = match u {
            crate::understand::Understood::Choose(k) => return Ok(Input::Choose(k)),
            // "Just give me a ticket": the same as /ticket.
            crate::understand::Understood::Ticket => return Ok(Input::Command(Command::Ticket)),
            // At an input step a question back without a glossary term is
            // taken as the answer; the engine says what it needs.
            crate::understand::Understood::Ask(None) if !by_index => return Ok(input),
            u => u,
        };
        // Nothing plausible: the engine tries the paste readers, then says
        // what it can read.
        let os = s
            .known_os()
            .map(vmd_core::command::Os::key)
            .unwrap_or("auto");
        match crate::understand::replies(&self.loc, lang, &u, &prompt, os) {
            Some(replies) => Err(replies),
            None => Ok(input),
        }
    }

    /// How many per-session locks the driver holds now (benchmarks, logs).
    pub fn lock_count(&self) -> usize {
        self.locks.lock().unwrap_or_else(|p| p.into_inner()).len()
    }
}

/// Runs `f`, a store write that waits for the disk (sled flushes before a
/// reply is shown), without holding up the other tasks of this worker: on a
/// multi-threaded runtime they move to another thread meanwhile
/// (`block_in_place`); elsewhere (a current-thread runtime in tests) it just
/// runs.
fn blocking<T>(f: impl FnOnce() -> T) -> T {
    match tokio::runtime::Handle::try_current() {
        Ok(h) if h.runtime_flavor() == tokio::runtime::RuntimeFlavor::MultiThread => {
            tokio::task::block_in_place(f)
        }
        _ => f(),
    }
}

/// A command that starts nothing: on a conversation that has no session it
/// creates none.
fn is_aside(i: &Input) -> bool {
    let aside = |c: &Command| {
        matches!(
            c,
            Command::Lang(_) | Command::Status | Command::Back | Command::Help | Command::Ticket
        )
    };
    match i {
        Input::Command(c) => aside(c),
        Input::Text(t) => matches!(command::parse(t), Some(Ok(c)) if aside(&c)),
        _ => false,
    }
}

fn input_kind(i: &Input) -> &'static str {
    match i {
        Input::Text(_) => "text",
        Input::Command(Command::Diagnose { .. }) => "diagnose",
        Input::Command(_) => "command",
        Input::Choose(_) => "choose",
        Input::ChooseWith { .. } => "choose",
        Input::ProbeDone(_) => "probe_done",
        Input::Resume => "resume",
        Input::Paste(_) => "paste",
        Input::Resolved { .. } => "resolved",
        Input::ProbeRefused(_) => "probe_refused",
        Input::CloudDone { .. } => "cloud_done",
        Input::At { input, .. } => input_kind(input),
    }
}

/// What the engine gets when a whole probe run overran its deadline: every port
/// filtered by timeout, ICMP unknown. Conservative and honest.
fn timed_out_report(
    req: &vmd_core::probe::ProbeRequest,
    d: Duration,
) -> vmd_core::probe::ProbeReport {
    use vmd_core::probe::{PortReason, PortState, ProbeReport};
    ProbeReport::uniform(
        req,
        PortState::Filtered,
        PortReason::Timeout,
        d.as_millis() as u64,
    )
}

/// Runs [`Driver::housekeeping`] every `every` for as long as the runtime
/// lives: sessions idle longer than `ttl` are pruned while the bot runs, not
/// only at start-up, and full probe budgets are forgotten.
pub fn spawn_housekeeping<P, S>(
    driver: Arc<Driver<P, S>>,
    ttl: Duration,
    every: Duration,
) -> tokio::task::JoinHandle<()>
where
    P: Prober + 'static,
    S: Store + 'static,
{
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(every);
        tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        // The first tick is immediate; the store was pruned when it opened.
        tick.tick().await;
        loop {
            tick.tick().await;
            let cutoff = now_ms().saturating_sub(ttl.as_millis() as u64);
            let d = driver.clone();
            // sled does blocking I/O: keep it off the async workers.
            match tokio::task::spawn_blocking(move || d.housekeeping(cutoff)).await {
                Ok(Ok(n)) => tracing::info!(pruned = n, "expired sessions removed"),
                Ok(Err(e)) => tracing::warn!(error = %e, "could not prune expired sessions"),
                Err(e) => tracing::warn!(error = %e, "session pruning task failed"),
            }
        }
    })
}
