//! Chaos: the released binary as a Discord bot (against the in-process fake
//! Discord), driven by a script through many conversations at once while it
//! is killed with SIGKILL at random moments and restarted, many times.
//!
//! The script acts as the users would: it answers the newest question in its
//! channel; when nothing happens (its click died with the process, or the next
//! question was never posted) it types `/status`, which says where the
//! conversation stands and asks the current question again. It keeps a ledger
//! of the answers it saw take effect: a button id names its question with the
//! number of answers given before it (`linux.sshd:3`), so the script can tell
//! when an answer was lost (the count goes back), applied twice (it jumps by
//! two) or appeared from nowhere.
//!
//! At the end every conversation must have ended (handed to support or
//! fixed, as the chat said), and the store must hold exactly the ledger's
//! answers, in order; nothing else may be stored. The seed is printed; set
//! `VMD_CHAOS_SEED` to replay a run's choices and kill pacing.
//!
//! Kills are paced by what the bot achieved, not by the clock: after each
//! restart the killer waits until the users saw a number of answers take
//! effect (or a conversation start or end), then kills at a random moment
//! soon after. A slow machine gets fewer kills a minute, never a bot killed
//! before it could finish a turn. The whole run has a bound
//! (`VMD_CHAOS_LIMIT_SECS`); past it the test fails with what was achieved.

#[path = "../bot/discord/tests/fake/mod.rs"]
mod fake;

use fake::*;
use serde_json::{json, Value};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::RwLock;
use vmd_core::outcome::OutcomeRecord;
use vmd_core::session::{Outcome, Phase, SessionKey};
use vmd_runtime::store::{SledStore, Store};
use vmd_testkit::chaos::{
    discord_end, discord_question, seed, DiscordQuestion as Question, End, Rng,
};

const BIN: &str = env!("CARGO_BIN_EXE_vm-doctor");
const GUILD: u64 = 1_400_000_000_000_000_001;
/// Users at once, each in their own channels (`VMD_CHAOS_USERS` for a
/// longer run; BENCHMARKS.md has one).
fn users() -> u64 {
    env_num("VMD_CHAOS_USERS", 10).clamp(1, 90)
}
/// Diagnoses each user runs, one after the other, each in a new channel
/// (`VMD_CHAOS_ROUNDS`).
fn rounds() -> u64 {
    env_num("VMD_CHAOS_ROUNDS", 5).clamp(1, 99)
}

/// Users go on starting diagnoses until the bot was killed this often.
const MIN_KILLS: usize = 12;

/// The bound on the whole run, from the first start to the last conversation
/// ended (`VMD_CHAOS_LIMIT_SECS`): 250 s for the default 50 diagnoses, more
/// for larger runs, about 1 s an answer (a diagnosis here takes about five
/// since the instance restart is offered before the hand-off). A debug build
/// on 2 busy cores needs well under half.
fn limit() -> Duration {
    let scaled = 5 * users() * rounds();
    Duration::from_secs(env_num("VMD_CHAOS_LIMIT_SECS", scaled.max(250)))
}

/// After a restart, the killer waits for this many achievements (answers
/// that took effect, conversations started or ended) times a random factor
/// in 0.5..1.5, then kills within `KILL_JITTER_MS`.
fn achievements_per_kill() -> u64 {
    users().max(2)
}
const KILL_JITTER_MS: u64 = 400;
/// A bot that achieves nothing for this long after a restart is killed
/// anyway (counted as a quiet kill); stuck conversations are caught by
/// `STUCK_STATUSES` and the final checks.
const QUIET: Duration = Duration::from_secs(10);
/// `/status` asks in a row, in one conversation, without an answer taking
/// effect: the conversation is stuck (e.g. left "still checking").
const STUCK_STATUSES: u32 = 25;

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}
/// How long the script waits for the bot before asking `/status`.
const PATIENCE: Duration = Duration::from_secs(3);

/// The bot process and what the script needs to reach it.
struct Bot {
    child: Option<Child>,
    data: std::path::PathBuf,
    fake_url: String,
}

impl Bot {
    fn spawn(&mut self) {
        let child = Command::new(BIN)
            .args(["discord", "--data-dir"])
            .arg(&self.data)
            .env_remove("VM_DOCTOR_CONFIG")
            .env("VM_DOCTOR_DISCORD_TOKEN", "Bot.fake.token")
            .env("VM_DOCTOR_DISCORD_API_URL", &self.fake_url)
            .env("VM_DOCTOR_DISCORD_GUILDS", GUILD.to_string())
            .env("VM_DOCTOR_DISCORD_THREADS", "false")
            .env("VM_DOCTOR_DISCORD_USER_LIMIT", "1000/60")
            .env("VM_DOCTOR_DISCORD_GUILD_LIMIT", "10000/60")
            .env("VM_DOCTOR_USER_PROBES", "1000/60")
            .env("VM_DOCTOR_SPACE_PROBES", "10000/60")
            .env("VM_DOCTOR_TARGET_PROBES", "10000/60")
            .env("VM_DOCTOR_ALLOW_TARGETS", "127.0.0.0/8")
            .env("VM_DOCTOR_CONNECT_TIMEOUT_MS", "500")
            // The login port accepts and stays silent: every probe waits for
            // the SSH banner this long, so kills land in the middle of probes.
            .env("VM_DOCTOR_HANDSHAKE_TIMEOUT_MS", "400")
            .env("VM_DOCTOR_ICMP_TIMEOUT_MS", "300")
            .env("VM_DOCTOR_ICMP_COUNT", "1")
            .env(
                "VM_DOCTOR_LOG",
                std::env::var("VMD_TEST_LOG").unwrap_or("warn".into()),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start vm-doctor");
        self.child = Some(child);
    }

    fn kill(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill(); // SIGKILL
            let _ = c.wait();
        }
    }

    /// SIGTERM, then the exit status (graceful shutdown flushes sled).
    fn terminate(&mut self) -> Option<std::process::ExitStatus> {
        let mut c = self.child.take()?;
        // SAFETY: kill(2) on our own child.
        unsafe { libc::kill(c.id() as libc::pid_t, libc::SIGTERM) };
        for _ in 0..600 {
            if let Ok(Some(st)) = c.try_wait() {
                return Some(st);
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = c.kill();
        c.wait().ok()
    }
}

impl Drop for Bot {
    fn drop(&mut self) {
        self.kill();
    }
}

fn questions(fake: &FakeDiscord, channel: u64) -> Option<Question> {
    discord_question(fake.channel_messages(channel), |_| true)
}

fn ended(fake: &FakeDiscord, channel: u64) -> Option<End> {
    discord_end(&fake.channel_messages(channel), |m| {
        m["content"].as_str().unwrap_or("").to_owned()
    })
}

struct Shared {
    fake: FakeDiscord,
    /// Achievements the users saw: a first question shown, an answer taking
    /// effect, a conversation ended.
    progress: AtomicUsize,
    answers: AtomicUsize,
    ended: AtomicUsize,
    /// Where each user stands (for the message when the run is too long).
    state: std::sync::Mutex<std::collections::BTreeMap<u64, String>>,
    /// Held (shared) while dispatching; the killer holds it alone while the
    /// process is down, so nothing is sent into a dead connection.
    up: RwLock<()>,
    /// Bumped at every restart.
    epoch: AtomicU64,
    clicks: AtomicUsize,
    doubles: AtomicUsize,
    kills: AtomicUsize,
    retries: AtomicUsize,
}

impl Shared {
    async fn send(&self, payload: Value) {
        let _up = self.up.read().await;
        self.fake.dispatch("INTERACTION_CREATE", payload).await;
    }

    /// Sends a slash command; returns its interaction id (the fake's ids
    /// grow: every message posted in reply has a larger one).
    async fn command(&self, channel: u64, user: u64, name: &str, options: Value) -> u64 {
        let id = self.fake.new_id();
        let p = slash_command(
            id,
            &format!("tok-{id}"),
            GUILD,
            channel,
            user,
            "en-US",
            name,
            options,
        );
        self.send(p).await;
        id
    }

    /// What the bot said in `channel` since the interaction `since`.
    fn said_since(&self, channel: u64, since: u64) -> Vec<String> {
        self.fake
            .channel_messages(channel)
            .iter()
            .filter(|m| id_of(&m["id"]).is_some_and(|id| id > since))
            .filter_map(|m| m["content"].as_str().map(str::to_owned))
            .filter(|t| !t.is_empty())
            .collect()
    }

    fn achieved(&self) {
        self.progress.fetch_add(1, Ordering::SeqCst);
    }

    fn stand(&self, n: u64, what: String) {
        self.state
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(n, what);
    }
}

fn channel_of(user: u64, round: u64) -> u64 {
    1_400_000_000_000_100_000 + user * 100 + round
}

fn user_id(user: u64) -> u64 {
    1_400_000_000_000_002_000 + user
}

/// One user's diagnoses, one after the other, at alternating login ports
/// (one silent, one closed: different paths through the runbooks).
async fn user(
    sh: Arc<Shared>,
    n: u64,
    ports: [u16; 2],
    mut rng: Rng,
) -> Result<Vec<(u64, Vec<(String, String)>, End)>, String> {
    let mut done = Vec::new();
    // At least the rounds asked for, and on until the bot has been killed
    // often enough to mean something (a fast machine finishes sooner).
    let mut round = 0;
    while round < rounds() || (sh.kills.load(Ordering::SeqCst) < MIN_KILLS && round < 99) {
        let rng2 = Rng(rng.next() | 1);
        let port = ports[((n + round) % 2) as usize];
        let (ledger, end) = converse(&sh, n, round, port, rng2).await?;
        done.push((channel_of(n, round), ledger, end));
        round += 1;
    }
    Ok(done)
}

/// One diagnosis; returns the answers it saw take effect and how the
/// conversation ended.
async fn converse(
    sh: &Shared,
    n: u64,
    round: u64,
    port: u16,
    mut rng: Rng,
) -> Result<(Vec<(String, String)>, End), String> {
    let channel = channel_of(n, round);
    let user = user_id(n);
    let who = n;
    let n = n * 100 + round;
    // Regular answers first, then "I don't know" until the hand-off, or
    // "It works now" and "yes" (or a "yes" to "can you log in now?" on the
    // way) to end it as fixed.
    let plan = 2 + rng.below(8) as u32;
    let seed_pick = rng.below(1000);
    // A third of the diagnoses end with "It works now" and its confirmation.
    let aim_fixed = rng.below(3) == 0;
    let diagnose = json!([
        {"name": "ip", "type": 3, "value": "127.0.0.1"},
        {"name": "os", "type": 3, "value": "linux"},
        {"name": "port", "type": 4, "value": port},
    ]);
    let mut last_command = sh
        .command(channel, user, "diagnose", diagnose.clone())
        .await;
    let mut first_seen = false;
    // `/status` asks since an answer of this conversation last took effect.
    let mut idle_statuses = 0;
    let mut ledger: Vec<(String, String)> = Vec::new();
    let mut pending: Option<(String, String, String)> = None; // tag, step, key
                                                              // The question was asked again after a restart or a silence: the click
                                                              // on it may have died with the process, so it is sent again (the bot
                                                              // applies it once either way).
    let mut resend = false;
    let mut waited_since = tokio::time::Instant::now();
    let mut epoch = sh.epoch.load(Ordering::SeqCst);
    let mut statuses = 0;
    loop {
        if ledger.len() > 80 || statuses > 60 {
            return Err(format!(
                "conversation {n} does not end: {} answers, {statuses} /status",
                ledger.len()
            ));
        }
        if idle_statuses > STUCK_STATUSES {
            return Err(format!(
                "conversation {n} is stuck: {idle_statuses} /status asks since an answer last took effect, {} answers; said since the last /status: {:?}",
                ledger.len(),
                sh.said_since(channel, last_command)
            ));
        }
        if let Some(end) = ended(&sh.fake, channel) {
            sh.achieved();
            sh.ended.fetch_add(1, Ordering::SeqCst);
            sh.stand(who, format!("round {round} ended ({end:?})"));
            if let Some((tag, step, key)) = pending.take() {
                // The last answer ended it.
                let count: u32 = tag.rsplit(':').next().unwrap_or("0").parse().unwrap_or(0);
                if count as usize != ledger.len() {
                    return Err(format!(
                        "conversation {n}: ended after {tag} with ledger {ledger:?}"
                    ));
                }
                ledger.push((step, key));
                sh.achieved();
                sh.answers.fetch_add(1, Ordering::SeqCst);
            }
            return Ok((ledger, end));
        }
        let q = questions(&sh.fake, channel);
        if q.is_some() && !first_seen {
            first_seen = true;
            idle_statuses = 0;
            sh.achieved();
        }
        let level = ledger.len() as u32;
        if let Some(q) = q
            .as_ref()
            .filter(|q| q.count > level || pending.is_none() || resend)
        {
            resend = false;
            if q.count < level {
                return Err(format!(
                    "conversation {n}: answer lost, asked {} after {level} answers",
                    q.tag
                ));
            }
            if q.count == level + 1 {
                let Some((tag, step, key)) = pending.take() else {
                    return Err(format!(
                        "conversation {n}: {} asked, no answer of mine took effect",
                        q.tag
                    ));
                };
                if tag.rsplit(':').next() != Some(&level.to_string()) {
                    return Err(format!("conversation {n}: {tag} answered, now {}", q.tag));
                }
                ledger.push((step, key));
                sh.achieved();
                sh.answers.fetch_add(1, Ordering::SeqCst);
                idle_statuses = 0;
            } else if q.count > level + 1 {
                return Err(format!(
                    "conversation {n}: answer applied twice or from nowhere: asked {} after {level} answers {ledger:?}",
                    q.tag
                ));
            }
            // Answer the question in front of us (the same choice again for
            // the same question, so a retry is the same answer).
            let keys: Vec<&str> = q.buttons.iter().map(|(_, k)| k.as_str()).collect();
            let regular: Vec<&str> = keys
                .iter()
                .copied()
                .filter(|k| !k.starts_with('@') && !k.starts_with('_'))
                .collect();
            let key = if aim_fixed && q.step == "triage.works_confirm" {
                "yes"
            } else if aim_fixed && ledger.len() as u32 >= plan && keys.contains(&"_works") {
                "_works"
            } else if (ledger.len() as u32) < plan && !regular.is_empty() {
                regular[(q.count as u64 * 7 + n + seed_pick) as usize % regular.len()]
            } else if keys.contains(&"_unknown") {
                "_unknown"
            } else if let Some(k) = regular.first() {
                k
            } else {
                return Err(format!(
                    "conversation {n}: no way on from {}: {keys:?}",
                    q.tag
                ));
            };
            let custom = q
                .buttons
                .iter()
                .find(|(_, k)| k == key)
                .map(|(id, _)| id.clone())
                .unwrap_or_default();
            // Think a little, as people do.
            tokio::time::sleep(Duration::from_millis(20 + rng.below(200))).await;
            let id = sh.fake.new_id();
            let click = component_click(
                id,
                &format!("tok-{id}"),
                GUILD,
                channel,
                user,
                "en-US",
                &custom,
                q.message.clone(),
            );
            if let Some((tag, _, k)) = &pending {
                assert_eq!(
                    (tag, k.as_str()),
                    (&q.tag, key),
                    "a retry is the same answer"
                );
            }
            pending = Some((q.tag.clone(), q.step.clone(), key.to_owned()));
            sh.clicks.fetch_add(1, Ordering::SeqCst);
            sh.send(click).await;
            if rng.below(4) == 0 {
                // A double click: a second interaction for the same button,
                // racing the first one through the bot.
                let id = sh.fake.new_id();
                let again = component_click(
                    id,
                    &format!("tok-{id}"),
                    GUILD,
                    channel,
                    user,
                    "en-US",
                    &custom,
                    q.message.clone(),
                );
                sh.doubles.fetch_add(1, Ordering::SeqCst);
                sh.send(again).await;
            }
            sh.stand(
                who,
                format!(
                    "round {round}: {} answers, clicked {} on {}",
                    ledger.len(),
                    key,
                    q.tag
                ),
            );
            waited_since = tokio::time::Instant::now();
            epoch = sh.epoch.load(Ordering::SeqCst);
            continue;
        }
        // Nothing new yet. After a restart, or when the bot has been quiet too
        // long, ask where things stand (the question comes again).
        let restarted = sh.epoch.load(Ordering::SeqCst) != epoch;
        if restarted || waited_since.elapsed() > PATIENCE {
            if q.is_none()
                && pending.is_none()
                && sh
                    .said_since(channel, last_command)
                    .iter()
                    .any(|t| t.contains("No diagnosis is running yet"))
            {
                // The first /diagnose died with the process before it was
                // stored: the reply to the latest /status says so (an older
                // reply does not: the /diagnose sent since may be running).
                last_command = sh
                    .command(channel, user, "diagnose", diagnose.clone())
                    .await;
            } else {
                last_command = sh.command(channel, user, "status", json!([])).await;
                statuses += 1;
                idle_statuses += 1;
            }
            sh.stand(
                who,
                format!(
                    "round {round}: {} answers, {} asked, {statuses} /status",
                    ledger.len(),
                    q.as_ref().map(|q| q.tag.as_str()).unwrap_or("nothing")
                ),
            );
            sh.retries.fetch_add(1, Ordering::SeqCst);
            waited_since = tokio::time::Instant::now();
            epoch = sh.epoch.load(Ordering::SeqCst);
            // Give /status a moment to ask again, then answer whatever is
            // asked (the same question again, if the click was lost).
            tokio::time::sleep(Duration::from_millis(300)).await;
            resend = pending.is_some();
            continue;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn conversations_survive_sigkill_at_random_moments() {
    let seed = seed("chaos");
    let mut rng = Rng(seed);

    // The login port: accepts and stays silent (each connection is held open
    // for a while, then dropped).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for s in listener.incoming().flatten() {
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_secs(3));
                drop(s);
            });
        }
    });

    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let mut bot = Bot {
        child: None,
        data: data.path().to_owned(),
        fake_url: fake.url(),
    };
    bot.spawn();
    assert!(
        fake.wait_identified(1, Duration::from_secs(30)).await,
        "the binary never reached the gateway"
    );
    assert!(fake.wait_ready(Duration::from_secs(30)).await);
    let sh = Arc::new(Shared {
        fake: fake.clone(),
        progress: AtomicUsize::new(0),
        answers: AtomicUsize::new(0),
        ended: AtomicUsize::new(0),
        state: Default::default(),
        up: RwLock::new(()),
        epoch: AtomicU64::new(0),
        clicks: AtomicUsize::new(0),
        doubles: AtomicUsize::new(0),
        kills: AtomicUsize::new(0),
        retries: AtomicUsize::new(0),
    });

    // A closed port: bound for a free number, then released.
    let closed = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let mut tasks = Vec::new();
    for n in 0..users() {
        let rng = Rng(rng.next() | 1);
        tasks.push(tokio::spawn(user(sh.clone(), n, [port, closed], rng)));
    }

    // The killer: once the bot achieved something since it came up, SIGKILL
    // at a random moment soon after, restart, again, until every
    // conversation is over.
    let mut kills = 0;
    let mut quiet_kills = 0;
    let mut back_up: Vec<Duration> = Vec::new();
    let started = std::time::Instant::now();
    let limit = limit();
    let mut identified = fake.identify_count() + fake.resume_count();
    let too_long = |kills: usize| {
        let state = sh.state.lock().unwrap_or_else(|p| p.into_inner());
        format!(
            "seed {seed}: the run passed its bound of {} s (VMD_CHAOS_LIMIT_SECS) after {kills} kills: \
             {} answers took effect, {} of at least {} conversations ended; where each user stands:\n{}",
            limit.as_secs(),
            sh.answers.load(Ordering::SeqCst),
            sh.ended.load(Ordering::SeqCst),
            users() * rounds(),
            state
                .iter()
                .map(|(n, s)| format!("  user {n}: {s}"))
                .collect::<Vec<_>>()
                .join("\n")
        )
    };
    'run: while tasks.iter().any(|t| !t.is_finished()) {
        let mark = sh.progress.load(Ordering::SeqCst) as u64;
        let per = achievements_per_kill();
        let need = per / 2 + rng.below(per + 1);
        let up_since = tokio::time::Instant::now();
        loop {
            if tasks.iter().all(|t| t.is_finished()) {
                break 'run;
            }
            assert!(started.elapsed() < limit, "{}", too_long(kills));
            if sh.progress.load(Ordering::SeqCst) as u64 >= mark + need {
                break;
            }
            if up_since.elapsed() > QUIET {
                quiet_kills += 1;
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        // A random moment among the turns under way.
        tokio::time::sleep(Duration::from_millis(rng.below(KILL_JITTER_MS))).await;
        if tasks.iter().all(|t| t.is_finished()) {
            break;
        }
        let _down = sh.up.write().await;
        let killed = std::time::Instant::now();
        bot.kill();
        kills += 1;
        sh.kills.store(kills, Ordering::SeqCst);
        fake.disconnect().await;
        bot.spawn();
        assert!(
            fake.wait_identified(identified + 1, Duration::from_secs(30))
                .await,
            "restart {kills} never reached the gateway"
        );
        identified = fake.identify_count() + fake.resume_count();
        assert!(fake.wait_ready(Duration::from_secs(30)).await);
        back_up.push(killed.elapsed());
        sh.epoch.fetch_add(1, Ordering::SeqCst);
    }

    let mut results = Vec::new();
    for t in tasks {
        match t.await.expect("conversation task") {
            Ok(r) => results.extend(r),
            Err(e) => panic!("seed {seed}, after {kills} kills: {e}"),
        }
    }
    let status = bot.terminate().expect("running");
    assert!(status.success(), "SIGTERM exit: {status:?}");
    eprintln!(
        "chaos: {kills} kills ({quiet_kills} after {} s without progress), {} clicks ({} double), {} re-asks, {} conversations",
        QUIET.as_secs(),
        sh.clicks.load(Ordering::SeqCst),
        sh.doubles.load(Ordering::SeqCst),
        sh.retries.load(Ordering::SeqCst),
        results.len()
    );
    assert!(
        kills >= MIN_KILLS,
        "only {kills} kills: the run was too short to mean much"
    );

    // The store holds exactly what the script saw, and nothing else; the
    // outcome log has each ending (a line written again after a crash
    // carries the same conversation id and counts once).
    let store = open_store(&data.path().join("sled")).await;
    let log = std::fs::read_to_string(data.path().join("outcomes.jsonl")).unwrap_or_default();
    let mut last_line: std::collections::HashMap<String, OutcomeRecord> = Default::default();
    for line in log.lines() {
        let rec: OutcomeRecord = serde_json::from_str(line).expect("an outcome line");
        assert!(!rec.conversation.is_empty(), "{line}");
        last_line.insert(rec.conversation.clone(), rec);
    }
    let mut answers = 0;
    for (channel, ledger, end) in &results {
        let n = (channel - channel_of(0, 0)) / 100;
        answers += ledger.len();
        let key = SessionKey::new("discord", &channel.to_string(), &user_id(n).to_string());
        let s = store
            .load(&key)
            .unwrap()
            .unwrap_or_else(|| panic!("seed {seed}: conversation {channel} not stored"));
        let want = match end {
            End::Escalated => Outcome::Escalated,
            End::Fixed => Outcome::Fixed,
        };
        assert_eq!(
            s.phase,
            Phase::Ended(want),
            "seed {seed}: conversation {channel}"
        );
        let stored: Vec<(String, String)> = s
            .answers
            .iter()
            .map(|a| (a.step.clone(), a.option.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            &stored, ledger,
            "seed {seed}: conversation {channel}: stored answers differ from the ones that took effect"
        );
        let id = vmd_runtime::outcomes::conversation_id(&key, s.created_ms);
        let rec = last_line
            .get(&id)
            .unwrap_or_else(|| panic!("seed {seed}: conversation {channel}: no outcome line"));
        assert_eq!(rec.outcome, want, "seed {seed}: conversation {channel}");
        assert_eq!(rec.answers as usize, ledger.len());
    }
    assert_eq!(
        store.interrupted().unwrap(),
        Vec::<SessionKey>::new(),
        "nothing left in a probe"
    );
    let fixed = results.iter().filter(|r| r.2 == End::Fixed).count();
    back_up.sort();
    let pct = |p: usize| {
        back_up
            .get((back_up.len() * p / 100).min(back_up.len().saturating_sub(1)))
            .map(|d| d.as_millis())
            .unwrap_or(0)
    };
    eprintln!(
        "chaos: {:.1} s in all; SIGKILL to connected again: p50 {} ms, p99 {} ms, max {} ms",
        started.elapsed().as_secs_f64(),
        pct(50),
        pct(99),
        back_up.last().map(|d| d.as_millis()).unwrap_or(0)
    );
    eprintln!(
        "chaos: {} conversations ended ({} handed to support, {fixed} fixed), {answers} answers, each applied exactly once",
        results.len(),
        results.len() - fixed
    );
    assert!(results.len() as u64 >= users() * rounds());
}

/// Opens the store the bot left, retrying while sled's file lock lingers.
async fn open_store(dir: &std::path::Path) -> SledStore {
    for _ in 0..100 {
        if let Ok(s) = SledStore::open(dir) {
            return s;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    SledStore::open(dir).expect("open the bot's store")
}
