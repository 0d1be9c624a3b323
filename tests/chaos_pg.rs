//! Chaos on PostgreSQL: three replicas of the released binary as Slack bots
//! on one database, against the fake Slack with a Socket Mode connection
//! per replica (envelopes spread at random over the live ones, as Slack
//! does), while a replica is SIGKILLed every few seconds and restarted.
//!
//! The script acts as users would (`tests/chaos.rs` has the ledger idea):
//! it answers the newest question in its thread, sometimes twice (a double
//! click: two envelopes on two connections) and sometimes has Slack
//! redeliver an envelope on another connection (`retry_attempt`); when
//! nothing happens (its envelope died with a replica) it asks `!status` and
//! clicks again. It keeps a ledger of the answers that took effect: a
//! button names its question with the answers before it (`linux.sshd:3`),
//! so a lost answer (the count goes back) or one applied twice (it jumps)
//! shows at once.
//!
//! At the end: every conversation ended as the chat said, the database
//! holds exactly the ledger's answers and an outcome for each; no channel
//! has more thread roots than `/diagnose` commands typed (a redelivered one
//! started nothing); no probe ran twice at once for one conversation (each
//! conversation probes its own loopback address, whose silent listener
//! counts connections open at once); nothing is left in a probe. Then the
//! budgets: three fresh replicas with a target budget of 4 per hour, twelve
//! users asking for one address over all connections: exactly 4 probes.
//!
//! `VMD_CHAOS_USERS` (default 6) users run `VMD_CHAOS_ROUNDS` (default 3)
//! diagnoses each; `VMD_CHAOS_SEED` replays a run's choices;
//! `VMD_CHAOS_HANDSHAKE_MS` (default 400) is how long each probe waits for
//! the silent login port (longer: more kills land inside probes).
//! BENCHMARKS.md has a larger run.

use serde_json::Value;
use std::collections::{BTreeMap, HashMap};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

#[path = "../bot/slack/tests/fake/mod.rs"]
mod fake;

use fake::fixtures::{block_action, message, redelivered, slash_command};
use fake::FakeSlack;
use vmd_core::outcome::OutcomeRecord;
use vmd_core::session::{Outcome, Phase, SessionKey};
use vmd_runtime::store::Store;
use vmd_store_pg::{PgConfig, PgStore};

const BIN: &str = env!("CARGO_BIN_EXE_vm-doctor");
const REPLICAS: usize = 3;
/// Kills at least, however fast the machine (users go on starting
/// diagnoses until then).
const MIN_KILLS: usize = 6;
/// How long a user waits for the bot before asking `!status`.
const PATIENCE: Duration = Duration::from_secs(4);
const RESUMED: &str = "in the middle of checking your server when I restarted";

fn env_num(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn users() -> u64 {
    env_num("VMD_CHAOS_USERS", 6).clamp(1, 200)
}

fn rounds() -> u64 {
    env_num("VMD_CHAOS_ROUNDS", 3).clamp(1, 99)
}

fn limit() -> Duration {
    Duration::from_secs(env_num(
        "VMD_CHAOS_LIMIT_SECS",
        (4 * users() * rounds()).max(170),
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

/// xorshift64*: a seed replays a run.
#[derive(Clone)]
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

/// One replica: its process and its own data directory (nothing of the
/// conversations is in it).
struct Replica {
    child: Option<Child>,
    data: tempfile::TempDir,
}

struct Cluster {
    replicas: Vec<Replica>,
    url: String,
    schema: String,
    api: String,
    target_probes: &'static str,
}

impl Cluster {
    fn spawn(&mut self, i: usize) {
        let child = Command::new(BIN)
            .args(["slack", "--data-dir"])
            .arg(self.replicas[i].data.path())
            .env_remove("VM_DOCTOR_CONFIG")
            .env_remove("VM_DOCTOR_STORE_PASSWORD")
            .env("VM_DOCTOR_STORE", &self.url)
            .env("VM_DOCTOR_STORE_SCHEMA", &self.schema)
            .env("VM_DOCTOR_STORE_LEASE_SECS", "5")
            .env("VM_DOCTOR_STORE_POOL_SIZE", "4")
            .env("VM_DOCTOR_SLACK_BOT_TOKEN", "xoxb-fake")
            .env("VM_DOCTOR_SLACK_APP_TOKEN", "xapp-1-fake")
            .env("VM_DOCTOR_SLACK_API_URL", &self.api)
            .env("VM_DOCTOR_SLACK_USER_LIMIT", "1000/60")
            .env("VM_DOCTOR_SLACK_TEAM_LIMIT", "100000/60")
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

fn text_of(m: &Value) -> String {
    let mut out = String::new();
    for b in m["blocks"].as_array().into_iter().flatten() {
        if let Some(t) = b["text"]["text"].as_str() {
            out.push_str(t);
            out.push('\n');
        }
        for e in b["elements"].as_array().into_iter().flatten() {
            if let Some(t) = e["text"].as_str() {
                out.push_str(t);
                out.push('\n');
            }
        }
    }
    if let Some(t) = m["text"].as_str() {
        out.push_str(t);
    }
    out
}

/// (action id, label) of our buttons on a message.
fn buttons(m: &Value) -> Vec<(String, String)> {
    m["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| {
            let id = e["action_id"].as_str()?.to_owned();
            id.starts_with("v1|")
                .then(|| (id, e["text"]["text"].as_str().unwrap_or("").to_owned()))
        })
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
        let Some((first, _)) = bs.first() else {
            continue;
        };
        let parts: Vec<&str> = first.split('|').collect();
        let Some((step, count)) = parts.get(3).and_then(|q| q.split_once(':')) else {
            continue;
        };
        let Ok(count) = count.parse::<u32>() else {
            continue;
        };
        if best.as_ref().is_none_or(|b| count >= b.count) {
            best = Some(Question {
                tag: parts[3].to_owned(),
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

#[derive(Clone, Copy, Debug, PartialEq)]
enum End {
    Escalated,
    Fixed,
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

struct Shared {
    fake: FakeSlack,
    rng: Mutex<Rng>,
    progress: AtomicUsize,
    answers: AtomicUsize,
    clicks: AtomicUsize,
    doubles: AtomicUsize,
    redeliveries: AtomicUsize,
    statuses: AtomicUsize,
    kills: AtomicUsize,
    epoch: AtomicU64,
    state: Mutex<BTreeMap<u64, String>>,
}

impl Shared {
    fn pick(&self) -> usize {
        self.rng.lock().unwrap().below(1 << 16) as usize
    }

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

    fn stand(&self, n: u64, what: String) {
        self.state.lock().unwrap().insert(n, what);
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
    sh: &Shared,
    n: u64,
    round: u64,
    tgt: &Target,
    mut rng: Rng,
) -> Result<Done, String> {
    let channel = channel_of(n, round);
    let user = user_of(n, round);
    let plan = 2 + rng.below(7) as u32;
    let aim_fixed = rng.below(3) == 0;
    let text = format!("{} linux {}", tgt.ip, tgt.port);
    let mut diagnoses = 0;
    let mut diagnose = |sh: &Shared| {
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
    let mut ledger: Vec<(String, String)> = Vec::new();
    let mut pending: Option<(String, String, String)> = None;
    let mut resend = false;
    let mut waited_since = tokio::time::Instant::now();
    let mut epoch = sh.epoch.load(Ordering::SeqCst);
    let mut quiet_rounds = 0;
    let mut statuses = 0;
    let mut current_root: Option<String> = None;
    let mut floor = 0u128;
    loop {
        if ledger.len() > 60 || statuses > 40 {
            return Err(format!(
                "{channel} does not end: {} answers, {statuses} !status",
                ledger.len()
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
                ledger.clear();
                pending = None;
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
            if let Some((tag, step, key)) = pending.take() {
                let count: u32 = tag.rsplit(':').next().unwrap_or("0").parse().unwrap_or(0);
                if count as usize != ledger.len() {
                    return Err(format!(
                        "{channel}: ended after {tag} with ledger {ledger:?}"
                    ));
                }
                ledger.push((step, key));
                sh.answers.fetch_add(1, Ordering::SeqCst);
            }
            sh.progress.fetch_add(1, Ordering::SeqCst);
            sh.stand(n, format!("round {round} ended ({end:?})"));
            return Ok(Done {
                channel,
                user,
                root: root.unwrap_or_default(),
                ledger,
                end,
                diagnoses,
            });
        }
        let q = question(&thread, floor);
        let level = ledger.len() as u32;
        if let Some(q) = q
            .as_ref()
            .filter(|q| q.count > level || pending.is_none() || resend)
        {
            resend = false;
            quiet_rounds = 0;
            if q.count < level {
                return Err(format!(
                    "{channel}: answer lost: asked {} after {level} answers",
                    q.tag
                ));
            }
            if q.count == level + 1 {
                let Some((tag, step, key)) = pending.take() else {
                    return Err(format!(
                        "{channel}: {} asked, no answer of mine took effect",
                        q.tag
                    ));
                };
                if tag.rsplit(':').next() != Some(&level.to_string()) {
                    return Err(format!("{channel}: {tag} answered, now {}", q.tag));
                }
                ledger.push((step, key));
                sh.answers.fetch_add(1, Ordering::SeqCst);
                sh.progress.fetch_add(1, Ordering::SeqCst);
                floor = ts_num(&q.message);
            } else if q.count > level + 1 {
                return Err(format!(
                    "{channel}: answer applied twice or from nowhere: asked {} after {level} answers {ledger:?}",
                    q.tag
                ));
            }
            let keys: Vec<&str> = q.buttons.iter().map(|(_, _, k)| k.as_str()).collect();
            let regular: Vec<&str> = keys
                .iter()
                .copied()
                .filter(|k| !k.starts_with('@') && !k.starts_with('_'))
                .collect();
            let key = if let Some((_, _, k)) = &pending {
                // The same answer again for the same question.
                k.clone()
            } else if aim_fixed && q.step == "triage.works_confirm" {
                "yes".to_owned()
            } else if aim_fixed && ledger.len() as u32 >= plan && keys.contains(&"_works") {
                "_works".to_owned()
            } else if (ledger.len() as u32) < plan && !regular.is_empty() {
                regular[(q.count as u64 * 7 + n) as usize % regular.len()].to_owned()
            } else if keys.contains(&"_unknown") {
                "_unknown".to_owned()
            } else if let Some(k) = regular.first() {
                (*k).to_owned()
            } else {
                return Err(format!("{channel}: no way on from {}: {keys:?}", q.tag));
            };
            let Some((action, label, _)) = q.buttons.iter().find(|(_, _, k)| *k == key) else {
                return Err(format!("{channel}: no button {key} on {}", q.tag));
            };
            tokio::time::sleep(Duration::from_millis(20 + rng.below(200))).await;
            let click = |sh: &Shared| {
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
            pending = Some((q.tag.clone(), q.step.clone(), key.clone()));
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
                    ledger.len(),
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
                        && pending.is_none()
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
                    ledger.len(),
                    q.as_ref().map(|q| q.tag.as_str()).unwrap_or("nothing")
                ),
            );
            waited_since = tokio::time::Instant::now();
            epoch = sh.epoch.load(Ordering::SeqCst);
            tokio::time::sleep(Duration::from_millis(300)).await;
            resend = pending.is_some();
            continue;
        }
        tokio::time::sleep(Duration::from_millis(40)).await;
    }
}

async fn user_rounds(
    sh: Arc<Shared>,
    n: u64,
    tgt: Arc<Target>,
    mut rng: Rng,
) -> Result<Vec<Done>, String> {
    let mut done = Vec::new();
    let mut round = 0;
    while round < rounds() || (sh.kills.load(Ordering::SeqCst) < MIN_KILLS && round < 99) {
        let r = Rng(rng.next() | 1);
        done.push(converse(&sh, n, round, &tgt, r).await?);
        if tgt.most.load(Ordering::SeqCst) > 1 {
            return Err(format!(
                "user {n}: a probe of its conversation ran twice at once"
            ));
        }
        round += 1;
    }
    Ok(done)
}

fn open_store(url: &str, schema: &str) -> PgStore {
    let mut cfg = PgConfig::new(url);
    cfg.schema = Some(schema.to_owned());
    cfg.op_timeout = Duration::from_secs(60);
    PgStore::open(cfg).expect("open the replicas' database")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_replicas_on_postgres_survive_sigkill() {
    let Some(url) = test_pg() else { return };
    let seed = std::env::var("VMD_CHAOS_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos() as u64)
                .unwrap_or(1)
                | 1
        });
    eprintln!("chaos_pg seed {seed} (VMD_CHAOS_SEED={seed} replays the choices)");
    let mut rng = Rng(seed);
    let fake = FakeSlack::start().await;
    // The default ticket template's links.
    fake.allow_links("https://console.cloud.tencent.com/");
    let schema = format!("vmd_chaos_{}_{}", std::process::id(), seed % 100_000);
    let mut cluster = Cluster {
        replicas: (0..REPLICAS)
            .map(|_| Replica {
                child: None,
                data: tempfile::tempdir().unwrap(),
            })
            .collect(),
        url: url.clone(),
        schema: schema.clone(),
        api: fake.api_url(),
        target_probes: "1000/60",
    };
    for i in 0..REPLICAS {
        cluster.spawn(i);
    }
    let wait = Duration::from_secs(60);
    let deadline = Instant::now() + wait;
    while fake.live_connections() < REPLICAS {
        assert!(
            Instant::now() < deadline,
            "the replicas never all opened Socket Mode"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let sh = Arc::new(Shared {
        fake: fake.clone(),
        rng: Mutex::new(Rng(rng.next() | 1)),
        progress: AtomicUsize::new(0),
        answers: AtomicUsize::new(0),
        clicks: AtomicUsize::new(0),
        doubles: AtomicUsize::new(0),
        redeliveries: AtomicUsize::new(0),
        statuses: AtomicUsize::new(0),
        kills: AtomicUsize::new(0),
        epoch: AtomicU64::new(0),
        state: Mutex::default(),
    });
    let targets: Vec<Arc<Target>> = (0..users())
        .map(|n| Arc::new(target(&format!("127.0.{}.{}", 1 + n / 200, 10 + n % 200))))
        .collect();
    let mut tasks = Vec::new();
    for (n, t) in targets.iter().enumerate() {
        tasks.push(tokio::spawn(user_rounds(
            sh.clone(),
            n as u64,
            t.clone(),
            Rng(rng.next() | 1),
        )));
    }
    // Take-over latency: from a kill to each "checking again" posted after it.
    let last_kill: Arc<Mutex<Option<Instant>>> = Arc::default();
    let takeovers: Arc<Mutex<Vec<Duration>>> = Arc::default();
    let watch = {
        let (fake, last_kill, takeovers) = (fake.clone(), last_kill.clone(), takeovers.clone());
        tokio::spawn(async move {
            let mut seen = 0;
            loop {
                let now = fake
                    .all_messages()
                    .iter()
                    .filter(|m| text_of(m).contains(RESUMED))
                    .count();
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
    };

    // The killer: once the users saw a few things happen since the last
    // kill, SIGKILL a random replica at a random moment, start it again.
    let started = Instant::now();
    let limit = limit();
    let mut kills = 0;
    'run: while tasks.iter().any(|t| !t.is_finished()) {
        let mark = sh.progress.load(Ordering::SeqCst);
        let need = 2 + rng.below(users().max(2)) as usize;
        let since = Instant::now();
        loop {
            if tasks.iter().all(|t| t.is_finished()) {
                break 'run;
            }
            if started.elapsed() > limit {
                let st = sh.state.lock().unwrap();
                panic!(
                    "seed {seed}: past the bound of {} s after {kills} kills, {} answers; where users stand:\n{}",
                    limit.as_secs(),
                    sh.answers.load(Ordering::SeqCst),
                    st.iter().map(|(n, s)| format!("  user {n}: {s}")).collect::<Vec<_>>().join("\n")
                );
            }
            if sh.progress.load(Ordering::SeqCst) >= mark + need
                || since.elapsed() > Duration::from_secs(8)
            {
                break;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(rng.below(1500))).await;
        let victim = rng.below(REPLICAS as u64) as usize;
        cluster.kill(victim);
        *last_kill.lock().unwrap() = Some(Instant::now());
        kills += 1;
        sh.kills.store(kills, Ordering::SeqCst);
        sh.epoch.fetch_add(1, Ordering::SeqCst);
        tokio::time::sleep(Duration::from_millis(300 + rng.below(1000))).await;
        cluster.spawn(victim);
    }
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

    // What the database holds is what the chat showed.
    let (u2, s2) = (url.clone(), schema.clone());
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
    for d in &results {
        answers += d.ledger.len();
        let key = SessionKey::new("slack", &format!("{}/{}", d.channel, d.root), &d.user);
        let s = store
            .load(&key)
            .unwrap()
            .unwrap_or_else(|| panic!("seed {seed}: {} not stored", d.channel));
        let want = match d.end {
            End::Escalated => Outcome::Escalated,
            End::Fixed => Outcome::Fixed,
        };
        assert_eq!(s.phase, Phase::Ended(want), "seed {seed}: {}", d.channel);
        let stored: Vec<(String, String)> = s
            .answers
            .iter()
            .map(|a| (a.step.clone(), a.option.clone().unwrap_or_default()))
            .collect();
        assert_eq!(
            stored, d.ledger,
            "seed {seed}: {}: stored answers differ from the ones that took effect",
            d.channel
        );
        let id = vmd_runtime::outcomes::conversation_id(&key, s.created_ms);
        let rec = last_line
            .get(&id)
            .unwrap_or_else(|| panic!("seed {seed}: {}: no outcome", d.channel));
        assert_eq!(rec.outcome, want, "seed {seed}: {}", d.channel);
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
    assert!(
        store.interrupted().unwrap().is_empty(),
        "nothing left in a probe"
    );
    let most = targets
        .iter()
        .map(|t| t.most.load(Ordering::SeqCst))
        .max()
        .unwrap_or(0);
    assert!(most <= 1, "a probe ran twice at once for one conversation");
    let probes: usize = targets.iter().map(|t| t.total.load(Ordering::SeqCst)).sum();
    let mut tk = takeovers.lock().unwrap().clone();
    tk.sort();
    let pct = |p: usize| {
        tk.get((tk.len() * p / 100).min(tk.len().saturating_sub(1)))
            .map(|d| d.as_millis())
            .unwrap_or(0)
    };
    let fixed = results.iter().filter(|d| d.end == End::Fixed).count();
    eprintln!(
        "chaos_pg: {} replicas, {kills} kills in {:.1} s; {} conversations ({fixed} fixed), {answers} answers: 0 lost, 0 applied twice; \
         {} clicks ({} double), {} redelivered envelopes, {} !status; {probes} probe connections, never two at once per conversation; \
         {} probes taken up after a kill: p50 {} ms, p99 {} ms, max {} ms after the kill",
        REPLICAS,
        elapsed.as_secs_f64(),
        results.len(),
        sh.clicks.load(Ordering::SeqCst),
        sh.doubles.load(Ordering::SeqCst),
        sh.redeliveries.load(Ordering::SeqCst),
        sh.statuses.load(Ordering::SeqCst),
        tk.len(),
        pct(50),
        pct(99),
        tk.last().map(|d| d.as_millis()).unwrap_or(0),
    );
    drop(store);

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
    let deadline = Instant::now() + wait;
    while fake.connections_opened() < opened + REPLICAS as u64 || fake.live_connections() < REPLICAS
    {
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
    let deadline = Instant::now() + wait;
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
