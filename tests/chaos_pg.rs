//! Chaos on PostgreSQL: three replicas of the released binary on one
//! database while a replica is SIGKILLed every few seconds and restarted,
//! once as Slack bots and once as Discord bots.
//!
//! Slack: each replica runs two Socket Mode connections
//! (`VM_DOCTOR_SLACK_CONNECTIONS`) to the fake Slack, which spreads
//! envelopes at random over the live ones, as Slack does. Discord: three
//! shards, one per replica (`VM_DOCTOR_DISCORD_SHARDS=i/3`); the fake
//! Discord sends a guild's interactions to the shard of the guild and DMs
//! to shard 0, so users in guilds on every shard and in DMs reach different
//! replicas, and a conversation's probe left by a dead replica is taken up
//! by whichever replica sweeps first. An interaction for a shard whose
//! replica is down is lost, as on Discord.
//!
//! The script acts as users would (`tests/chaos.rs` has the ledger idea):
//! it answers the newest question, sometimes twice (a double click: a
//! second envelope on another connection; on Discord a second interaction
//! on another shard, so another replica) and sometimes has the platform
//! deliver one again elsewhere (a Slack `retry_attempt`; the same Discord
//! interaction on a second shard); when nothing happens (its event died
//! with a replica) it asks `!status` / `/status` and clicks again. It keeps
//! a ledger of the answers that took effect: a button names its question
//! with the answers before it (`linux.sshd:3`), so a lost answer (the
//! count goes back) or one applied twice (it jumps) shows at once.
//!
//! At the end: every conversation ended as the chat said, the database
//! holds exactly the ledger's answers and an outcome for each; a delivery
//! seen twice was taken once (Slack: no channel has more thread roots than
//! `/diagnose` commands typed; Discord: no interaction answered twice); no
//! probe ran twice at once for one conversation (each conversation probes
//! its own loopback address, whose silent listener counts connections open
//! at once); nothing is left in a probe. Then, for Slack, the budgets:
//! three fresh replicas with a target budget of 4 per hour, twelve users
//! asking for one address over all connections: exactly 4 probes.
//!
//! The two tests take turns (one cluster at a time). `VMD_CHAOS_USERS`
//! (default 6 on Slack, 8 on Discord) users run `VMD_CHAOS_ROUNDS`
//! (default 3) diagnoses each; `VMD_CHAOS_SEED` replays a run's choices;
//! `VMD_CHAOS_HANDSHAKE_MS` (default 400) is how long each probe waits for
//! the silent login port (longer: more kills land inside probes).
//! BENCHMARKS.md has larger runs.

use serde_json::{json, Value};
use std::collections::{BTreeMap, HashMap};
use std::future::Future;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "../bot/discord/tests/fake/mod.rs"]
mod dfake;
#[path = "../bot/slack/tests/fake/mod.rs"]
mod fake;
#[path = "../bot/slack/tests/support/mod.rs"]
mod support;

use dfake::FakeDiscord;
use fake::fixtures::{block_action, message, redelivered, slash_command};
use fake::FakeSlack;
use vmd_core::outcome::OutcomeRecord;
use vmd_core::session::{Outcome, Phase, SessionKey};
use vmd_runtime::store::Store;
use vmd_store_pg::{PgConfig, PgStore};
use vmd_testkit::chaos::{asked, discord_end, discord_question, seed, DiscordQuestion, End, Rng};

const BIN: &str = env!("CARGO_BIN_EXE_vm-doctor");
const REPLICAS: usize = 3;
/// Socket Mode connections each Slack replica opens.
const SLACK_CONNECTIONS: usize = 2;
/// Kills at least, however fast the machine (users go on starting
/// diagnoses until then).
const MIN_KILLS: usize = 6;
/// How long a user waits for the bot before asking `!status`.
const PATIENCE: Duration = Duration::from_secs(4);
const RESUMED: &str = "in the middle of checking your server when I restarted";
/// How long to wait for the replicas to connect (serenity spaces its
/// starts; a busy machine is slow to start three processes).
const CONNECT_WAIT: Duration = Duration::from_secs(120);

/// One cluster at a time: the two tests take turns.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn users(default: u64) -> u64 {
    env_num("VMD_CHAOS_USERS", default).clamp(1, 200)
}

fn rounds() -> u64 {
    env_num("VMD_CHAOS_ROUNDS", 3).clamp(1, 99)
}

fn limit(users: u64) -> Duration {
    Duration::from_secs(env_num(
        "VMD_CHAOS_LIMIT_SECS",
        (4 * users * rounds()).max(170),
    ))
}

fn test_pg() -> Option<String> {
    match std::env::var("VM_DOCTOR_TEST_PG") {
        Ok(u) if !u.is_empty() => Some(u),
        _ => {
            if std::env::var("VM_DOCTOR_REQUIRE_LAB").is_ok_and(|v| v == "1") {
                panic!("PG REQUIRED (VM_DOCTOR_REQUIRE_LAB=1) but VM_DOCTOR_TEST_PG is not set");
            }
            eprintln!(
                "PG SKIPPED: chaos_pg: VM_DOCTOR_TEST_PG is not set (source .ci/pg.sh; pg_start)"
            );
            None
        }
    }
}

/// One replica: its process and its own data directory (nothing of the
/// conversations is in it).
struct Replica {
    child: Option<Child>,
    data: tempfile::TempDir,
}

/// Which bot the replicas run, against which fake.
enum Platform {
    /// The fake Slack's API URL.
    Slack(String),
    /// The fake Discord's URL; replica `i` runs shard `i` of [`REPLICAS`].
    Discord(String),
}

struct Cluster {
    replicas: Vec<Replica>,
    url: String,
    schema: String,
    platform: Platform,
    target_probes: &'static str,
}

impl Cluster {
    fn new(url: &str, schema: String, platform: Platform) -> Cluster {
        Cluster {
            replicas: (0..REPLICAS)
                .map(|_| Replica {
                    child: None,
                    data: tempfile::tempdir().unwrap(),
                })
                .collect(),
            url: url.to_owned(),
            schema,
            platform,
            target_probes: "1000/60",
        }
    }

    fn spawn(&mut self, i: usize) {
        let mut cmd = Command::new(BIN);
        match &self.platform {
            Platform::Slack(api) => cmd
                .arg("slack")
                .env("VM_DOCTOR_SLACK_BOT_TOKEN", "xoxb-fake")
                .env("VM_DOCTOR_SLACK_APP_TOKEN", "xapp-1-fake")
                .env("VM_DOCTOR_SLACK_API_URL", api)
                .env("VM_DOCTOR_SLACK_CONNECTIONS", SLACK_CONNECTIONS.to_string())
                .env("VM_DOCTOR_SLACK_USER_LIMIT", "1000/60")
                .env("VM_DOCTOR_SLACK_TEAM_LIMIT", "100000/60"),
            // Every guild allowed, and DMs: no VM_DOCTOR_DISCORD_GUILDS.
            Platform::Discord(api) => cmd
                .arg("discord")
                .env_remove("VM_DOCTOR_DISCORD_GUILDS")
                .env("VM_DOCTOR_DISCORD_TOKEN", "Bot.fake.token")
                .env("VM_DOCTOR_DISCORD_API_URL", api)
                .env("VM_DOCTOR_DISCORD_SHARDS", format!("{i}/{REPLICAS}"))
                .env("VM_DOCTOR_DISCORD_THREADS", "false")
                .env("VM_DOCTOR_DISCORD_USER_LIMIT", "1000/60")
                .env("VM_DOCTOR_DISCORD_GUILD_LIMIT", "100000/60"),
        };
        let child = cmd
            .arg("--data-dir")
            .arg(self.replicas[i].data.path())
            .env_remove("VM_DOCTOR_CONFIG")
            .env_remove("VM_DOCTOR_STORE_PASSWORD")
            .env("VM_DOCTOR_STORE", &self.url)
            .env("VM_DOCTOR_STORE_SCHEMA", &self.schema)
            .env("VM_DOCTOR_STORE_LEASE_SECS", "5")
            .env("VM_DOCTOR_STORE_POOL_SIZE", "4")
            .env("VM_DOCTOR_USER_PROBES", "1000/60")
            .env("VM_DOCTOR_SPACE_PROBES", "100000/60")
            .env("VM_DOCTOR_TARGET_PROBES", self.target_probes)
            .env("VM_DOCTOR_ALLOW_TARGETS", "127.0.0.0/8")
            .env("VM_DOCTOR_CONNECT_TIMEOUT_MS", "500")
            // The login port accepts and stays silent: every probe waits
            // for the SSH banner this long, so kills land inside probes.
            .env(
                "VM_DOCTOR_HANDSHAKE_TIMEOUT_MS",
                env_num("VMD_CHAOS_HANDSHAKE_MS", 400).to_string(),
            )
            .env("VM_DOCTOR_ICMP_TIMEOUT_MS", "300")
            .env("VM_DOCTOR_ICMP_COUNT", "1")
            .env(
                "VM_DOCTOR_LOG",
                std::env::var("VMD_TEST_LOG").unwrap_or("error".into()),
            )
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start vm-doctor");
        self.replicas[i].child = Some(child);
    }

    fn kill(&mut self, i: usize) {
        if let Some(mut c) = self.replicas[i].child.take() {
            let _ = c.kill(); // SIGKILL
            let _ = c.wait();
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        for i in 0..self.replicas.len() {
            self.kill(i);
        }
    }
}

/// A silent listener on a conversation's own loopback address: counts the
/// connections open at once (a probe run holds one while it waits for the
/// banner; two at once are two runs of one probe).
struct Target {
    ip: String,
    port: u16,
    most: Arc<AtomicUsize>,
    total: Arc<AtomicUsize>,
}

fn target(ip: &str) -> Target {
    let l = std::net::TcpListener::bind((ip, 0)).expect("bind a loopback address");
    let port = l.local_addr().unwrap().port();
    let (most, total): (Arc<AtomicUsize>, Arc<AtomicUsize>) = (Arc::default(), Arc::default());
    let (o, m, t) = (Arc::new(AtomicUsize::new(0)), most.clone(), total.clone());
    std::thread::spawn(move || {
        for s in l.incoming().flatten() {
            t.fetch_add(1, Ordering::SeqCst);
            let now = o.fetch_add(1, Ordering::SeqCst) + 1;
            m.fetch_max(now, Ordering::SeqCst);
            let o = o.clone();
            std::thread::spawn(move || {
                use std::io::Read;
                let mut s = s;
                let _ = s.set_read_timeout(Some(Duration::from_secs(10)));
                let mut buf = [0u8; 256];
                while matches!(s.read(&mut buf), Ok(n) if n > 0) {}
                o.fetch_sub(1, Ordering::SeqCst);
            });
        }
    });
    Target {
        ip: ip.to_owned(),
        port,
        most,
        total,
    }
}

/// One target per user, on its own loopback address (`net`: the third
/// octet's base, so the two tests never share one).
fn targets(n: u64, net: u64) -> Vec<Arc<Target>> {
    (0..n)
        .map(|n| Arc::new(target(&format!("127.0.{}.{}", net + n / 200, 10 + n % 200))))
        .collect()
}

/// The answers a user saw take effect in one conversation, and the one
/// sent and not seen yet.
struct Ledger {
    answers: Vec<(String, String)>,
    /// (question tag, step, option key) of the answer sent.
    pending: Option<(String, String, String)>,
    /// Regular answers to give before heading for the end.
    plan: u32,
    /// Ends with "It works now" and its confirmation, not the hand-off.
    aim_fixed: bool,
    /// Picks among the regular answers.
    pick: u64,
}

impl Ledger {
    fn new(rng: &mut Rng, pick: u64) -> Ledger {
        Ledger {
            answers: Vec::new(),
            plan: 2 + rng.below(7) as u32,
            aim_fixed: rng.below(3) == 0,
            pick,
            pending: None,
        }
    }

    fn level(&self) -> u32 {
        self.answers.len() as u32
    }

    /// The conversation ended: the answer sent, if any, ended it.
    fn ended(&mut self, name: &str) -> Result<(), String> {
        if let Some((tag, step, key)) = self.pending.take() {
            let count: u32 = tag.rsplit(':').next().unwrap_or("0").parse().unwrap_or(0);
            if count != self.level() {
                return Err(format!(
                    "{name}: ended after {tag} with ledger {:?}",
                    self.answers
                ));
            }
            self.answers.push((step, key));
        }
        Ok(())
    }

    /// The question `tag` (`count` answers before it) is in front of the
    /// user: `true` when it says the answer sent took effect. An answer lost
    /// (the count went back) or applied twice (it jumped) is an error.
    fn asked(&mut self, name: &str, tag: &str, count: u32) -> Result<bool, String> {
        let level = self.level();
        if count < level {
            return Err(format!(
                "{name}: answer lost: asked {tag} after {level} answers"
            ));
        }
        if count > level + 1 {
            return Err(format!(
                "{name}: answer applied twice or from nowhere: asked {tag} after {level} answers {:?}",
                self.answers
            ));
        }
        if count < level + 1 {
            return Ok(false);
        }
        let Some((sent, step, key)) = self.pending.take() else {
            return Err(format!(
                "{name}: {tag} asked, no answer of mine took effect"
            ));
        };
        if sent.rsplit(':').next() != Some(&level.to_string()) {
            return Err(format!("{name}: {sent} answered, now {tag}"));
        }
        self.answers.push((step, key));
        Ok(true)
    }

    /// The option to answer `step` with, among `keys` (the same again for
    /// an answer sent and not seen yet).
    fn choose(&self, name: &str, count: u32, step: &str, keys: &[&str]) -> Result<String, String> {
        if let Some((_, _, k)) = &self.pending {
            return Ok(k.clone());
        }
        let regular: Vec<&str> = keys
            .iter()
            .copied()
            .filter(|k| !k.starts_with('@') && !k.starts_with('_'))
            .collect();
        let n = self.level();
        Ok(if self.aim_fixed && step == "triage.works_confirm" {
            "yes".to_owned()
        } else if self.aim_fixed && n >= self.plan && keys.contains(&"_works") {
            "_works".to_owned()
        } else if n < self.plan && !regular.is_empty() {
            regular[(u64::from(count) * 7 + self.pick) as usize % regular.len()].to_owned()
        } else if keys.contains(&"_unknown") {
            "_unknown".to_owned()
        } else if let Some(k) = regular.first() {
            (*k).to_owned()
        } else {
            return Err(format!("{name}: no way on from {step}: {keys:?}"));
        })
    }

    fn sent(&mut self, tag: &str, step: &str, key: &str) {
        self.pending = Some((tag.to_owned(), step.to_owned(), key.to_owned()));
    }
}

/// What the users share: the fake, and what they saw.
struct Shared<F> {
    fake: F,
    rng: Mutex<Rng>,
    progress: AtomicUsize,
    answers: AtomicUsize,
    clicks: AtomicUsize,
    doubles: AtomicUsize,
    redeliveries: AtomicUsize,
    statuses: AtomicUsize,
    /// Events the platform lost (their shard had no replica).
    lost: AtomicUsize,
    kills: AtomicUsize,
    epoch: AtomicU64,
    state: Mutex<BTreeMap<u64, String>>,
}

impl<F> Shared<F> {
    fn new(fake: F, rng: &mut Rng) -> Arc<Shared<F>> {
        Arc::new(Shared {
            fake,
            rng: Mutex::new(Rng(rng.next() | 1)),
            progress: AtomicUsize::new(0),
            answers: AtomicUsize::new(0),
            clicks: AtomicUsize::new(0),
            doubles: AtomicUsize::new(0),
            redeliveries: AtomicUsize::new(0),
            statuses: AtomicUsize::new(0),
            lost: AtomicUsize::new(0),
            kills: AtomicUsize::new(0),
            epoch: AtomicU64::new(0),
            state: Mutex::default(),
        })
    }

    fn pick(&self) -> usize {
        self.rng.lock().unwrap().below(1 << 16) as usize
    }

    fn stand(&self, n: u64, what: String) {
        self.state.lock().unwrap().insert(n, what);
    }

    fn count(&self, c: &AtomicUsize) -> usize {
        c.load(Ordering::SeqCst)
    }
}

/// The killer: once the users saw a few things happen since the last kill,
/// SIGKILL a random replica among those `eligible` says may go (called
/// with the victim after each kill) at a random moment, start it again;
/// until every user is done. Returns the kills.
#[allow(clippy::too_many_arguments)]
async fn kill_until_done<F, T>(
    sh: &Shared<F>,
    cluster: &mut Cluster,
    tasks: &[tokio::task::JoinHandle<T>],
    rng: &mut Rng,
    seed: u64,
    limit: Duration,
    last_kill: &Mutex<Option<Instant>>,
    mut eligible: impl FnMut(Option<usize>) -> Vec<usize>,
) -> usize {
    let started = Instant::now();
    let too_long = |kills: usize| {
        let st = sh.state.lock().unwrap();
        panic!(
            "seed {seed}: past the bound of {} s after {kills} kills, {} answers; where users stand:\n{}",
            limit.as_secs(),
            sh.count(&sh.answers),
            st.iter().map(|(n, s)| format!("  user {n}: {s}")).collect::<Vec<_>>().join("\n")
        );
    };
    let mut kills = 0;
    'run: while tasks.iter().any(|t| !t.is_finished()) {
        let mark = sh.count(&sh.progress);
        let need = 2 + rng.below(REPLICAS as u64 * 2) as usize;
        let since = Instant::now();
        let victims = loop {
            if tasks.iter().all(|t| t.is_finished()) {
                break 'run;
            }
            if started.elapsed() > limit {
                too_long(kills);
            }
            let victims = eligible(None);
            if !victims.is_empty()
                && (sh.count(&sh.progress) >= mark + need
                    || since.elapsed() > Duration::from_secs(8))
            {
                break victims;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        };
        tokio::time::sleep(Duration::from_millis(rng.below(1500))).await;
        let victim = victims[rng.below(victims.len() as u64) as usize];
        cluster.kill(victim);
        eligible(Some(victim));
        *last_kill.lock().unwrap() = Some(Instant::now());
        kills += 1;
        sh.kills.store(kills, Ordering::SeqCst);
        sh.epoch.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(300 + rng.below(1000))).await;
        cluster.spawn(victim);
    }
    kills
}

/// Take-over latency: from a kill to each "checking again" posted after it
/// (`resumed`: how many the chat shows now).
fn watch_takeovers(
    resumed: impl Fn() -> usize + Send + 'static,
    last_kill: Arc<Mutex<Option<Instant>>>,
    takeovers: Arc<Mutex<Vec<Duration>>>,
) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut seen = 0;
        loop {
            let now = resumed();
            if now > seen {
                if let Some(k) = *last_kill.lock().unwrap() {
                    let d = k.elapsed();
                    takeovers.lock().unwrap().extend((seen..now).map(|_| d));
                }
                seen = now;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    })
}

/// "p50 …, p99 …, max … ms" of the take-over latencies.
fn percentiles(tk: &Mutex<Vec<Duration>>) -> String {
    let mut tk = tk.lock().unwrap().clone();
    tk.sort();
    let pct = |p: usize| {
        tk.get((tk.len() * p / 100).min(tk.len().saturating_sub(1)))
            .map(|d| d.as_millis())
            .unwrap_or(0)
    };
    format!(
        "{} probes taken up after a kill: p50 {} ms, p99 {} ms, max {} ms after the kill",
        tk.len(),
        pct(50),
        pct(99),
        tk.last().map(|d| d.as_millis()).unwrap_or(0)
    )
}

fn open_store(url: &str, schema: &str) -> PgStore {
    let mut cfg = PgConfig::new(url);
    cfg.schema = Some(schema.to_owned());
    cfg.op_timeout = Duration::from_secs(60);
    PgStore::open(cfg).expect("open the replicas' database")
}

/// A conversation the script saw end.
struct Finished {
    key: SessionKey,
    /// Where it was (for the messages).
    name: String,
    ledger: Vec<(String, String)>,
    end: End,
}

/// What the database holds is what the chat showed: each conversation
/// ended as the chat said with exactly the ledger's answers and its
/// outcome line; nothing is left in a probe; no probe ran twice at once.
/// Returns the answers and the probe connections.
async fn check_store(
    url: &str,
    schema: &str,
    seed: u64,
    results: &[Finished],
    targets: &[Arc<Target>],
) -> (usize, usize) {
    let (u2, s2) = (url.to_owned(), schema.to_owned());
    let store = tokio::task::spawn_blocking(move || open_store(&u2, &s2))
        .await
        .unwrap();
    let lines = store.outcome_lines().unwrap();
    let mut last_line: HashMap<String, OutcomeRecord> = HashMap::new();
    for line in lines.lines() {
        let rec: OutcomeRecord = serde_json::from_str(line).expect("an outcome line");
        last_line.insert(rec.conversation.clone(), rec);
    }
    let mut answers = 0;
    for d in results {
        answers += d.ledger.len();
        let s = store
            .load(&d.key)
            .unwrap()
            .unwrap_or_else(|| panic!("seed {seed}: {} not stored", d.name));
        let want = match d.end {
            End::Escalated => Outcome::Escalated,
            End::Fixed => Outcome::Fixed,
        };
        assert_eq!(s.phase, Phase::Ended(want), "seed {seed}: {}", d.name);
        let stored: Vec<(String, String)> = s
            .answers
            .iter()
            .map(|a| (a.step.clone(), a.option.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            stored, d.ledger,
            "seed {seed}: {}: stored answers differ from the ones that took effect",
            d.name
        );
        let id = vmd_runtime::outcomes::conversation_id(&d.key, s.created_ms);
        let rec = last_line
            .get(&id)
            .unwrap_or_else(|| panic!("seed {seed}: {}: no outcome", d.name));
        assert_eq!(rec.outcome, want, "seed {seed}: {}", d.name);
    }
    assert!(
        store.interrupted().unwrap().is_empty(),
        "seed {seed}: nothing left in a probe"
    );
    let most = targets
        .iter()
        .map(|t| t.most.load(Ordering::SeqCst))
        .max()
        .unwrap_or(0);
    assert!(
        most <= 1,
        "seed {seed}: a probe ran twice at once for one conversation"
    );
    (
        answers,
        targets.iter().map(|t| t.total.load(Ordering::SeqCst)).sum(),
    )
}

// ---------------------------------------------------------------------------
// Slack

fn text_of(m: &Value) -> String {
    let mut out = support::text_in(
        m,
        support::Parts {
            fields: false,
            elements: true,
        },
    );
    if let Some(t) = m["text"].as_str() {
        out.push_str(t);
    }
    out
}

/// (action id, label) of our buttons on a message.
fn buttons(m: &Value) -> Vec<(String, String)> {
    support::actions(m)
        .into_iter()
        .filter(|(id, _)| id.starts_with("v1|"))
        .collect()
}

struct Question {
    tag: String,
    count: u32,
    step: String,
    /// (action id, label, option key).
    buttons: Vec<(String, String, String)>,
    message: Value,
}

fn ts_num(m: &Value) -> u128 {
    m["ts"]
        .as_str()
        .unwrap_or("0")
        .replace('.', "")
        .parse()
        .unwrap_or(0)
}

/// The question in front of the user: the highest count among the
/// messages with our buttons posted since `floor` (the message that last
/// showed progress; an older copy of a question asked again by `!status`
/// keeps its buttons and says nothing new).
fn question(thread: &[Value], floor: u128) -> Option<Question> {
    let mut best: Option<Question> = None;
    for m in thread.iter().filter(|m| ts_num(m) >= floor) {
        let bs = buttons(m);
        let Some((tag, step, count)) = bs.first().and_then(|(id, _)| asked(id)) else {
            continue;
        };
        if best.as_ref().is_none_or(|b| count >= b.count) {
            best = Some(Question {
                tag: tag.to_owned(),
                count,
                step: step.to_owned(),
                buttons: bs
                    .iter()
                    .filter_map(|(id, label)| {
                        Some((id.clone(), label.clone(), id.rsplit('|').next()?.to_owned()))
                    })
                    .collect(),
                message: m.clone(),
            });
        }
    }
    best
}

fn ended(thread: &[Value]) -> Option<End> {
    for m in thread.iter().rev() {
        let t = text_of(m);
        if t.contains("This diagnosis has been handed to support") {
            return Some(End::Escalated);
        }
        if t.contains("This diagnosis is finished") {
            return Some(End::Fixed);
        }
    }
    None
}

impl Shared<FakeSlack> {
    /// Sends on a random live connection (none live: on the next one up).
    async fn send(&self, env: &Value) {
        for _ in 0..600 {
            if self.fake.send_on(env, self.pick()) {
                return;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("no Socket Mode connection for 30 s");
    }
}

struct Done {
    channel: String,
    user: String,
    root: String,
    ledger: Vec<(String, String)>,
    end: End,
    diagnoses: usize,
}

fn channel_of(n: u64, round: u64) -> String {
    format!("CCHAOS{n:03}R{round:02}")
}

fn user_of(n: u64, round: u64) -> String {
    format!("UCHAOS{n:03}R{round:02}")
}

/// One diagnosis by its own user in its own channel.
async fn converse(
    sh: &Shared<FakeSlack>,
    n: u64,
    round: u64,
    tgt: &Target,
    mut rng: Rng,
) -> Result<Done, String> {
    let channel = channel_of(n, round);
    let user = user_of(n, round);
    let mut ledger = Ledger::new(&mut rng, n);
    let text = format!("{} linux {}", tgt.ip, tgt.port);
    let mut diagnoses = 0;
    let mut diagnose = |sh: &Shared<FakeSlack>| {
        diagnoses += 1;
        slash_command(
            &sh.fake.new_id("env-cmd-"),
            &sh.fake.new_id("trig-"),
            &user,
            &channel,
            "/diagnose",
            &text,
        )
    };
    let first = diagnose(sh);
    sh.send(&first).await;
    if rng.below(3) == 0 {
        // Slack redelivers the command on another connection.
        sh.redeliveries.fetch_add(1, Ordering::SeqCst);
        sh.send(&redelivered(first.clone(), 1)).await;
    }
    let mut resend = false;
    let mut waited_since = tokio::time::Instant::now();
    let mut epoch = sh.epoch.load(Ordering::SeqCst);
    let mut quiet_rounds = 0;
    let mut statuses = 0;
    let mut current_root: Option<String> = None;
    let mut floor = 0u128;
    loop {
        if ledger.answers.len() > 60 || statuses > 40 {
            return Err(format!(
                "{channel} does not end: {} answers, {statuses} !status",
                ledger.answers.len()
            ));
        }
        let roots: Vec<Value> = sh
            .fake
            .channel_messages(&channel)
            .into_iter()
            .filter(|m| text_of(m).contains(&format!("<@{user}>")))
            .collect();
        let root = roots
            .last()
            .and_then(|m| m["ts"].as_str())
            .map(str::to_owned);
        if root != current_root {
            if current_root.is_some() {
                // A /diagnose typed again while the first seemed dead was
                // taken up late (a slow replica): the user follows the new
                // conversation, as one would; the old one stays where it is.
                ledger.answers.clear();
                ledger.pending = None;
                resend = false;
                floor = 0;
            }
            current_root = root.clone();
        }
        let thread = root
            .as_deref()
            .map(|r| sh.fake.thread(&channel, r))
            .unwrap_or_default();
        if let Some(end) = ended(&thread) {
            let before = ledger.answers.len();
            ledger.ended(&channel)?;
            sh.answers
                .fetch_add(ledger.answers.len() - before, Ordering::SeqCst);
            sh.progress.fetch_add(1, Ordering::SeqCst);
            sh.stand(n, format!("round {round} ended ({end:?})"));
            return Ok(Done {
                channel,
                user,
                root: root.unwrap_or_default(),
                ledger: ledger.answers,
                end,
                diagnoses,
            });
        }
        let q = question(&thread, floor);
        let level = ledger.level();
        if let Some(q) = q
            .as_ref()
            .filter(|q| q.count > level || ledger.pending.is_none() || resend)
        {
            resend = false;
            quiet_rounds = 0;
            if ledger.asked(&channel, &q.tag, q.count)? {
                sh.answers.fetch_add(1, Ordering::SeqCst);
                sh.progress.fetch_add(1, Ordering::SeqCst);
                floor = ts_num(&q.message);
            }
            let keys: Vec<&str> = q.buttons.iter().map(|(_, _, k)| k.as_str()).collect();
            let key = ledger.choose(&channel, q.count, &q.step, &keys)?;
            let Some((action, label, _)) = q.buttons.iter().find(|(_, _, k)| *k == key) else {
                return Err(format!("{channel}: no button {key} on {}", q.tag));
            };
            tokio::time::sleep(Duration::from_millis(20 + rng.below(200))).await;
            let click = |sh: &Shared<FakeSlack>| {
                block_action(
                    &sh.fake.new_id("env-act-"),
                    &sh.fake.new_id("trig-"),
                    &user,
                    &channel,
                    &q.message,
                    action,
                    label,
                    &key,
                )
            };
            ledger.sent(&q.tag, &q.step, &key);
            let env = click(sh);
            sh.clicks.fetch_add(1, Ordering::SeqCst);
            sh.send(&env).await;
            match rng.below(4) {
                0 => {
                    sh.doubles.fetch_add(1, Ordering::SeqCst);
                    sh.send(&click(sh)).await;
                }
                1 => {
                    sh.redeliveries.fetch_add(1, Ordering::SeqCst);
                    sh.send(&redelivered(env, 1)).await;
                }
                _ => {}
            }
            sh.stand(
                n,
                format!(
                    "round {round}: {} answers, clicked {key} on {}",
                    ledger.answers.len(),
                    q.tag
                ),
            );
            waited_since = tokio::time::Instant::now();
            epoch = sh.epoch.load(Ordering::SeqCst);
            continue;
        }
        let restarted = sh.epoch.load(Ordering::SeqCst) != epoch;
        if restarted || waited_since.elapsed() > PATIENCE {
            quiet_rounds += 1;
            match &root {
                // No thread, or a thread the bot never said anything in
                // (the replica died between its root and the conversation's
                // first store): a new /diagnose, as a user would type. A
                // thread that says "checking…" is waited for: its probe is
                // taken up once the dead replica's lease expires.
                None | Some(_)
                    if thread.is_empty()
                        && q.is_none()
                        && ledger.pending.is_none()
                        && quiet_rounds >= 4 =>
                {
                    let env = diagnose(sh);
                    sh.send(&env).await;
                    quiet_rounds = 0;
                }
                Some(r) => {
                    let env = message(
                        &sh.fake.new_id("env-ev-"),
                        &sh.fake.new_id("Ev"),
                        &user,
                        &channel,
                        "channel",
                        &sh.fake.new_ts(),
                        Some(r),
                        "!status",
                    );
                    sh.send(&env).await;
                    statuses += 1;
                    sh.statuses.fetch_add(1, Ordering::SeqCst);
                }
                None => {}
            }
            sh.stand(
                n,
                format!(
                    "round {round}: {} answers, {} asked, {statuses} !status",
                    ledger.answers.len(),
                    q.as_ref().map(|q| q.tag.as_str()).unwrap_or("nothing")
                ),
            );
            waited_since = tokio::time::Instant::now();
            epoch = sh.epoch.load(Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(300)).await;
            resend = ledger.pending.is_some();
            continue;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
}

/// One user's conversations (`converse` runs one round), one after
/// another, until the rounds are done and the killer has killed often
/// enough; an error as soon as a probe of its conversation ran twice at
/// once.
async fn user_rounds<F, T, Fut>(
    sh: Arc<Shared<F>>,
    n: u64,
    tgt: Arc<Target>,
    mut rng: Rng,
    converse: impl Fn(Arc<Shared<F>>, u64, u64, Arc<Target>, Rng) -> Fut,
) -> Result<Vec<T>, String>
where
    Fut: Future<Output = Result<T, String>>,
{
    let mut done = Vec::new();
    let mut round = 0;
    while round < rounds() || (sh.kills.load(Ordering::SeqCst) < MIN_KILLS && round < 99) {
        let r = Rng(rng.next() | 1);
        done.push(converse(sh.clone(), n, round, tgt.clone(), r).await?);
        if tgt.most.load(Ordering::SeqCst) > 1 {
            return Err(format!(
                "user {n}: a probe of its conversation ran twice at once"
            ));
        }
        round += 1;
    }
    Ok(done)
}

/// What a run of every user against the killer ended with.
struct Run<T> {
    results: Vec<T>,
    kills: usize,
    elapsed: Duration,
    takeovers: Arc<Mutex<Vec<Duration>>>,
}

/// Every user's rounds (one task each, its own generator drawn from
/// `rng`) while [`kill_until_done`] kills the replicas `eligible` names,
/// the take-overs measured from the chat (`resumed`: how many "checking
/// again" it shows); fails on a user's error or on too few kills.
#[allow(clippy::too_many_arguments)]
async fn run_users<F, T, Fut, C>(
    sh: &Arc<Shared<F>>,
    cluster: &mut Cluster,
    targets: &[Arc<Target>],
    rng: &mut Rng,
    seed: u64,
    limit: Duration,
    resumed: impl Fn() -> usize + Send + 'static,
    eligible: impl FnMut(Option<usize>) -> Vec<usize>,
    converse: C,
) -> Run<T>
where
    F: Send + Sync + 'static,
    T: Send + 'static,
    Fut: Future<Output = Result<T, String>> + Send + 'static,
    C: Fn(Arc<Shared<F>>, u64, u64, Arc<Target>, Rng) -> Fut + Copy + Send + 'static,
{
    let mut tasks = Vec::new();
    for (n, t) in targets.iter().enumerate() {
        tasks.push(tokio::spawn(user_rounds(
            sh.clone(),
            n as u64,
            t.clone(),
            Rng(rng.next() | 1),
            converse,
        )));
    }
    let last_kill: Arc<Mutex<Option<Instant>>> = Arc::default();
    let takeovers: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let watch = watch_takeovers(resumed, last_kill.clone(), takeovers.clone());
    let started = Instant::now();
    let kills = kill_until_done(sh, cluster, &tasks, rng, seed, limit, &last_kill, eligible).await;
    let mut results = Vec::new();
    for t in tasks {
        match t.await.expect("user task") {
            Ok(r) => results.extend(r),
            Err(e) => panic!("seed {seed}, after {kills} kills: {e}"),
        }
    }
    let elapsed = started.elapsed();
    watch.abort();
    assert!(
        kills >= MIN_KILLS,
        "only {kills} kills: too short to mean much"
    );
    Run {
        results,
        kills,
        elapsed,
        takeovers,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_on_postgres_survive_sigkill() {
    let Some(url) = test_pg() else { return };
    let _one = ONE_AT_A_TIME.lock().await;
    let seed = seed("chaos_pg");
    let mut rng = Rng(seed);
    let users = users(6);
    let fake = FakeSlack::start().await;
    // The default ticket template's links.
    fake.allow_links("https://console.cloud.tencent.com/");
    let schema = format!("vmd_chaos_{}_{}", std::process::id(), seed % 100_000);
    let mut cluster = Cluster::new(&url, schema.clone(), Platform::Slack(fake.api_url()));
    for i in 0..REPLICAS {
        cluster.spawn(i);
    }
    let deadline = Instant::now() + CONNECT_WAIT;
    while fake.live_connections() < REPLICAS * SLACK_CONNECTIONS {
        assert!(
            Instant::now() < deadline,
            "the replicas never all opened their Socket Mode connections: {} of {}",
            fake.live_connections(),
            REPLICAS * SLACK_CONNECTIONS
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sh = Shared::new(fake.clone(), &mut rng);
    let targets = targets(users, 1);
    let resumed = {
        let fake = fake.clone();
        move || {
            fake.all_messages()
                .iter()
                .filter(|m| text_of(m).contains(RESUMED))
                .count()
        }
    };
    let Run {
        results,
        kills,
        elapsed,
        takeovers,
    } = run_users(
        &sh,
        &mut cluster,
        &targets,
        &mut rng,
        seed,
        limit(users),
        resumed,
        |_| (0..REPLICAS).collect(),
        |sh, n, round, tgt, r| async move { converse(&sh, n, round, &tgt, r).await },
    )
    .await;

    // What the database holds is what the chat showed.
    let finished: Vec<Finished> = results
        .iter()
        .map(|d| Finished {
            key: SessionKey::new("slack", &format!("{}/{}", d.channel, d.root), &d.user),
            name: d.channel.clone(),
            ledger: d.ledger.clone(),
            end: d.end,
        })
        .collect();
    let (answers, probes) = check_store(&url, &schema, seed, &finished, &targets).await;
    for d in &results {
        // A redelivered /diagnose started nothing: no more thread roots
        // than commands typed.
        let roots = fake
            .channel_messages(&d.channel)
            .iter()
            .filter(|m| text_of(m).contains(&format!("<@{}>", d.user)))
            .count();
        assert!(
            roots <= d.diagnoses,
            "seed {seed}: {}: {roots} threads for {} /diagnose typed",
            d.channel,
            d.diagnoses
        );
    }
    let fixed = results.iter().filter(|d| d.end == End::Fixed).count();
    eprintln!(
        "chaos_pg: {} replicas ({SLACK_CONNECTIONS} Socket Mode connections each), {kills} kills in {:.1} s; {} conversations ({fixed} fixed), {answers} answers: 0 lost, 0 applied twice; \
         {} clicks ({} double), {} redelivered envelopes, {} !status; {probes} probe connections, never two at once per conversation; {}",
        REPLICAS,
        elapsed.as_secs_f64(),
        results.len(),
        sh.count(&sh.clicks),
        sh.count(&sh.doubles),
        sh.count(&sh.redeliveries),
        sh.count(&sh.statuses),
        percentiles(&takeovers),
    );

    // Budgets across replicas: fresh replicas with 4 probes an hour per
    // target; twelve users ask for one address over every connection.
    for i in 0..REPLICAS {
        cluster.kill(i);
    }
    cluster.target_probes = "4/3600";
    let opened = fake.connections_opened();
    for i in 0..REPLICAS {
        cluster.spawn(i);
    }
    let all = REPLICAS * SLACK_CONNECTIONS;
    let deadline = Instant::now() + CONNECT_WAIT;
    while fake.connections_opened() < opened + all as u64 || fake.live_connections() < all {
        assert!(Instant::now() < deadline, "the replicas never came back");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let shared_target = target("127.0.9.9");
    for u in 0..12 {
        let env = slash_command(
            &fake.new_id("env-cmd-"),
            &fake.new_id("trig-"),
            &format!("UBUDGET{u:02}"),
            "CBUDGET",
            "/diagnose",
            &format!("{} linux {}", shared_target.ip, shared_target.port),
        );
        assert!(fake.send_on(&env, u), "a live connection");
    }
    // Each user's thread says either what the probe saw or that the
    // address is over its budget.
    let deadline = Instant::now() + CONNECT_WAIT;
    let (probed, refused) = loop {
        let mut probed = 0;
        let mut refused = 0;
        for root in fake.channel_messages("CBUDGET") {
            let t: String = fake
                .thread("CBUDGET", root["ts"].as_str().unwrap_or(""))
                .iter()
                .map(text_of)
                .collect();
            if t.contains("What I see from outside") {
                probed += 1;
            } else if t.contains("checked many times recently") {
                refused += 1;
            }
        }
        if probed + refused >= 12 {
            break (probed, refused);
        }
        assert!(
            Instant::now() < deadline,
            "budget phase: {probed} probed, {refused} refused of 12"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    eprintln!("chaos_pg budgets: 12 asks for one address on {REPLICAS} replicas, budget 4: {probed} probed, {refused} refused");
    assert_eq!(probed, 4, "the target's budget over all replicas");
}

// ---------------------------------------------------------------------------
// Discord

/// A guild whose events Discord sends to `shard` of [`REPLICAS`].
fn guild_on(shard: u64) -> u64 {
    ((999_999 + shard) << 22) | 5
}

/// Where user `n` talks to the bot: a guild on each shard in turn, or a DM
/// (`None`, shard 0).
fn place_of(n: u64) -> Option<u64> {
    match n % 4 {
        3 => None,
        s => Some(guild_on(s)),
    }
}

fn dchannel_of(n: u64, round: u64) -> u64 {
    1_400_000_000_000_200_000 + n * 100 + round
}

fn duser_of(n: u64) -> u64 {
    1_400_000_000_000_003_000 + n
}

/// Everything a Discord message says: its content and its embeds.
fn dtext_of(m: &Value) -> String {
    let mut out = m["content"].as_str().unwrap_or("").to_owned();
    for e in m["embeds"].as_array().into_iter().flatten() {
        for t in [&e["title"], &e["description"]] {
            if let Some(t) = t.as_str() {
                out.push('\n');
                out.push_str(t);
            }
        }
        for f in e["fields"].as_array().into_iter().flatten() {
            if let Some(t) = f["value"].as_str() {
                out.push('\n');
                out.push_str(t);
            }
        }
    }
    out
}

/// The question in front of the user in `channel`: the highest count among
/// the messages with our buttons (the newest among equals).
fn dquestion(fake: &FakeDiscord, channel: u64) -> Option<DiscordQuestion> {
    discord_question(fake.channel_messages(channel), |id| id.starts_with("v1|"))
}

fn dended(fake: &FakeDiscord, channel: u64) -> Option<End> {
    discord_end(&fake.channel_messages(channel), dtext_of)
}

impl Shared<FakeDiscord> {
    /// Sends an interaction as Discord does: to the shard of its guild, lost
    /// when that shard's replica is down.
    fn deliver(&self, p: &Value) {
        if !self.fake.try_dispatch("INTERACTION_CREATE", p.clone()) {
            self.lost.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// Sends an interaction on another shard than its guild's, so to another
    /// replica.
    fn elsewhere(&self, p: &Value, guild: Option<u64>) {
        let home = self.fake.shard_of(guild);
        let other = (home + 1 + self.pick() as u64 % (REPLICAS as u64 - 1)) % REPLICAS as u64;
        if !self
            .fake
            .try_dispatch_on("INTERACTION_CREATE", p.clone(), other)
        {
            self.lost.fetch_add(1, Ordering::SeqCst);
        }
    }

    /// A slash command by `user` in `channel` (in `guild`, or a DM).
    fn command(
        &self,
        guild: Option<u64>,
        channel: u64,
        user: u64,
        name: &str,
        opts: Value,
    ) -> (u64, Value) {
        let id = self.fake.new_id();
        let p = dfake::slash_command(
            id,
            &format!("tok-{id}"),
            guild.unwrap_or(0),
            channel,
            user,
            "en-US",
            name,
            opts,
        );
        (id, if guild.is_some() { p } else { dfake::in_dm(p) })
    }

    /// A click on `custom` of `message`.
    fn click(
        &self,
        guild: Option<u64>,
        channel: u64,
        user: u64,
        custom: &str,
        message: &Value,
    ) -> Value {
        let id = self.fake.new_id();
        let p = dfake::component_click(
            id,
            &format!("tok-{id}"),
            guild.unwrap_or(0),
            channel,
            user,
            "en-US",
            custom,
            message.clone(),
        );
        if guild.is_some() {
            p
        } else {
            dfake::in_dm(p)
        }
    }

    /// What the bot said in `channel` since the interaction `since`.
    fn said_since(&self, channel: u64, since: u64) -> Vec<String> {
        self.fake
            .channel_messages(channel)
            .iter()
            .filter(|m| dfake::id_of(&m["id"]).is_some_and(|id| id > since))
            .map(dtext_of)
            .collect()
    }
}

/// One diagnosis by user `n` in its own channel (in its guild or DM).
async fn dconverse(
    sh: &Shared<FakeDiscord>,
    n: u64,
    round: u64,
    tgt: &Target,
    mut rng: Rng,
) -> Result<Finished, String> {
    let channel = dchannel_of(n, round);
    let user = duser_of(n);
    let guild = place_of(n);
    let name = format!(
        "{} {channel}",
        guild.map_or("DM".to_owned(), |g| format!(
            "shard {}",
            sh.fake.shard_of(Some(g))
        ))
    );
    let mut ledger = Ledger::new(&mut rng, n);
    let opts = json!([
        {"name": "ip", "type": 3, "value": tgt.ip},
        {"name": "os", "type": 3, "value": "linux"},
        {"name": "port", "type": 4, "value": tgt.port},
    ]);
    let (mut last_command, first) = sh.command(guild, channel, user, "diagnose", opts.clone());
    sh.deliver(&first);
    if rng.below(3) == 0 {
        // The same interaction seen by a second shard's replica.
        sh.redeliveries.fetch_add(1, Ordering::SeqCst);
        sh.elsewhere(&first, guild);
    }
    let mut first_seen = false;
    let mut resend = false;
    let mut waited_since = tokio::time::Instant::now();
    let mut epoch = sh.epoch.load(Ordering::SeqCst);
    let mut statuses = 0;
    loop {
        if ledger.answers.len() > 60 || statuses > 60 {
            return Err(format!(
                "{name} does not end: {} answers, {statuses} /status; said since the last command: {:?}",
                ledger.answers.len(),
                sh.said_since(channel, last_command)
            ));
        }
        if let Some(end) = dended(&sh.fake, channel) {
            let before = ledger.answers.len();
            ledger.ended(&name)?;
            sh.answers
                .fetch_add(ledger.answers.len() - before, Ordering::SeqCst);
            sh.progress.fetch_add(1, Ordering::SeqCst);
            sh.stand(n, format!("round {round} ended ({end:?})"));
            return Ok(Finished {
                key: SessionKey::new("discord", &channel.to_string(), &user.to_string()),
                name,
                ledger: ledger.answers,
                end,
            });
        }
        let q = dquestion(&sh.fake, channel);
        if q.is_some() && !first_seen {
            first_seen = true;
            sh.progress.fetch_add(1, Ordering::SeqCst);
        }
        let level = ledger.level();
        if let Some(q) = q
            .as_ref()
            .filter(|q| q.count > level || ledger.pending.is_none() || resend)
        {
            resend = false;
            if ledger.asked(&name, &q.tag, q.count)? {
                sh.answers.fetch_add(1, Ordering::SeqCst);
                sh.progress.fetch_add(1, Ordering::SeqCst);
            }
            let keys: Vec<&str> = q.buttons.iter().map(|(_, k)| k.as_str()).collect();
            let key = ledger.choose(&name, q.count, &q.step, &keys)?;
            let Some((custom, _)) = q.buttons.iter().find(|(_, k)| *k == key) else {
                return Err(format!("{name}: no button {key} on {}", q.tag));
            };
            tokio::time::sleep(Duration::from_millis(20 + rng.below(200))).await;
            ledger.sent(&q.tag, &q.step, &key);
            let click = sh.click(guild, channel, user, custom, &q.message);
            sh.clicks.fetch_add(1, Ordering::SeqCst);
            sh.deliver(&click);
            match rng.below(4) {
                0 => {
                    // A double click: a second interaction for the button,
                    // taken by another replica.
                    sh.doubles.fetch_add(1, Ordering::SeqCst);
                    let again = sh.click(guild, channel, user, custom, &q.message);
                    sh.elsewhere(&again, guild);
                }
                1 => {
                    sh.redeliveries.fetch_add(1, Ordering::SeqCst);
                    sh.elsewhere(&click, guild);
                }
                _ => {}
            }
            sh.stand(
                n,
                format!(
                    "round {round}: {} answers, clicked {key} on {}",
                    ledger.answers.len(),
                    q.tag
                ),
            );
            waited_since = tokio::time::Instant::now();
            epoch = sh.epoch.load(Ordering::SeqCst);
            continue;
        }
        // Nothing new: after a kill, or when the bot has been quiet too
        // long, ask where things stand (the question comes again).
        let restarted = sh.epoch.load(Ordering::SeqCst) != epoch;
        if restarted || waited_since.elapsed() > PATIENCE {
            let p = if q.is_none()
                && ledger.pending.is_none()
                && sh
                    .said_since(channel, last_command)
                    .iter()
                    .any(|t| t.contains("No diagnosis is running yet"))
            {
                // The first /diagnose was lost or died with its replica
                // before it was stored: the latest /status says so.
                let (id, p) = sh.command(guild, channel, user, "diagnose", opts.clone());
                last_command = id;
                p
            } else {
                let (id, p) = sh.command(guild, channel, user, "status", json!([]));
                last_command = id;
                statuses += 1;
                sh.statuses.fetch_add(1, Ordering::SeqCst);
                p
            };
            sh.deliver(&p);
            sh.stand(
                n,
                format!(
                    "round {round}: {} answers, {} asked, {statuses} /status",
                    ledger.answers.len(),
                    q.as_ref().map(|q| q.tag.as_str()).unwrap_or("nothing")
                ),
            );
            waited_since = tokio::time::Instant::now();
            epoch = sh.epoch.load(Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(300)).await;
            resend = ledger.pending.is_some();
            continue;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_discord_replicas_with_a_shard_each_survive_sigkill() {
    let Some(url) = test_pg() else { return };
    let _one = ONE_AT_A_TIME.lock().await;
    let seed = seed("chaos_pg discord");
    let mut rng = Rng(seed);
    let users = users(8);
    let fake = FakeDiscord::start().await;
    // Discord's identify rate, with a bucket per shard (max_concurrency 3):
    // the replicas need not wait for each other's slots.
    fake.enforce_identify_rate(REPLICAS as u64, REPLICAS as u64);
    let schema = format!("vmd_dchaos_{}_{}", std::process::id(), seed % 100_000);
    let mut cluster = Cluster::new(&url, schema.clone(), Platform::Discord(fake.url()));
    for i in 0..REPLICAS {
        cluster.spawn(i);
    }
    let all: Vec<u64> = (0..REPLICAS as u64).collect();
    let deadline = Instant::now() + CONNECT_WAIT;
    while fake.live_shards() != all {
        assert!(
            Instant::now() < deadline,
            "the replicas never all connected their shards: {:?}",
            fake.live_shards()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sh = Shared::new(fake.clone(), &mut rng);
    let targets = targets(users, 3);
    let resumed = {
        let fake = fake.clone();
        move || {
            fake.messages()
                .iter()
                .filter(|m| dtext_of(m).contains(RESUMED))
                .count()
        }
    };
    // A replica is killed only once its shard has been up 6 s: its next
    // IDENTIFY then keeps Discord's rate (one a shard in 5 s).
    let mut up_since: Vec<Option<Instant>> = vec![None; REPLICAS];
    let eligible = |killed: Option<usize>| {
        if let Some(k) = killed {
            up_since[k] = None;
            return Vec::new();
        }
        let live = fake.live_shards();
        (0..REPLICAS)
            .filter(|&i| {
                if !live.contains(&(i as u64)) {
                    up_since[i] = None;
                    return false;
                }
                up_since[i].get_or_insert_with(Instant::now).elapsed() >= Duration::from_secs(6)
            })
            .collect()
    };
    let Run {
        results,
        kills,
        elapsed,
        takeovers,
    } = run_users(
        &sh,
        &mut cluster,
        &targets,
        &mut rng,
        seed,
        limit(users),
        resumed,
        eligible,
        |sh, n, round, tgt, r| async move { dconverse(&sh, n, round, &tgt, r).await },
    )
    .await;
    let (answers, probes) = check_store(&url, &schema, seed, &results, &targets).await;
    // An interaction seen by two replicas was taken by one: none answered
    // twice (Discord refuses a second answer to an interaction).
    let mut answered: HashMap<String, usize> = HashMap::new();
    for r in fake.requests().iter().filter(|r| r.is_callback()) {
        if let ["interactions", id, ..] = r.segments().as_slice() {
            *answered.entry((*id).to_owned()).or_default() += 1;
        }
    }
    let mut twice: Vec<&String> = answered
        .iter()
        .filter(|(_, n)| **n > 1)
        .map(|(id, _)| id)
        .collect();
    twice.sort();
    assert!(
        twice.is_empty(),
        "seed {seed}: {} interactions answered twice (taken by two replicas), e.g. {:?}",
        twice.len(),
        &twice[..twice.len().min(3)]
    );
    let fixed = results.iter().filter(|d| d.end == End::Fixed).count();
    let dms = (0..users).filter(|n| place_of(*n).is_none()).count();
    eprintln!(
        "chaos_pg discord: {REPLICAS} replicas with a shard each, {kills} kills in {:.1} s; {} conversations ({fixed} fixed; {dms} of {users} users in DMs), {answers} answers: 0 lost, 0 applied twice; \
         {} clicks ({} double, on another shard), {} interactions again on another shard, {} lost with their shard, {} /status; \
         {probes} probe connections, never two at once per conversation; no interaction answered twice; {}; {} IDENTIFYs, {} too early",
        elapsed.as_secs_f64(),
        results.len(),
        sh.count(&sh.clicks),
        sh.count(&sh.doubles),
        sh.count(&sh.redeliveries),
        sh.count(&sh.lost),
        sh.count(&sh.statuses),
        percentiles(&takeovers),
        fake.identify_count(),
        fake.identify_violations(),
    );
}
