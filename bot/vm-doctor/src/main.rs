//! `vm-doctor`: the command line. Everything interesting lives in the library
//! crates; this file parses arguments, wires them and reports errors.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use vm_doctor::config::Config;
use vm_doctor::console::Console;
use vm_doctor::ops::{Ops, OpsConfig};
use vm_doctor::store::AnyStore;
use vmd_core::command::Lang;
use vmd_core::runbook::Runbooks;
use vmd_core::session::SessionKey;
use vmd_probe::{NetProber, ProbeConfig, Prober};
use vmd_runtime::i18n::Localizer;
use vmd_runtime::store::SledStore;

#[derive(Parser)]
#[command(
    name = "vm-doctor",
    version,
    about = "Diagnoses why you can't log in to your cloud server."
)]
struct Cli {
    /// Configuration file (TOML). Environment variables VM_DOCTOR_* override it.
    #[arg(long, global = true, env = "VM_DOCTOR_CONFIG")]
    config: Option<PathBuf>,
    #[command(subcommand)]
    cmd: Cmd,
}

#[derive(Subcommand)]
enum Cmd {
    /// Chat with the bot in this terminal (no token, local sled storage).
    Console {
        /// Where sessions and reports are kept.
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Language: en or ko (default: config, then $LANG).
        #[arg(long)]
        lang: Option<String>,
        /// Who you are, for the session key (default: $USER).
        #[arg(long)]
        user: Option<String>,
    },
    /// Run the Discord bot (token from VM_DOCTOR_DISCORD_TOKEN).
    Discord {
        /// Where sessions are kept.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Check that this host can run the bot: config, data directory, store
    /// lock, ICMP, tokens (never their values), platform API, egress, HTTP.
    Doctor {
        /// The data directory to check.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Ask a running vm-doctor's /healthz (for container health checks);
    /// exit 0 when it answers 200.
    Healthcheck {
        /// host:port; default VM_DOCTOR_HTTP_LISTEN (0.0.0.0 becomes 127.0.0.1).
        #[arg(long)]
        addr: Option<String>,
        /// Ask /readyz (ready for work) instead of /healthz (alive).
        #[arg(long)]
        ready: bool,
    },
    /// Summarise how conversations ended (from <data-dir>/outcomes.jsonl).
    Stats {
        /// Where the outcome log is kept.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Run the Slack bot over Socket Mode (tokens from VM_DOCTOR_SLACK_APP_TOKEN
    /// and VM_DOCTOR_SLACK_BOT_TOKEN), or over HTTP with --http.
    Slack {
        /// Where sessions are kept.
        #[arg(long)]
        data_dir: Option<PathBuf>,
        /// Serve the Events API on this address (e.g. 0.0.0.0:3000) instead of
        /// Socket Mode; needs VM_DOCTOR_SLACK_SIGNING_SECRET.
        #[arg(long)]
        http: Option<std::net::SocketAddr>,
    },
    /// Ask the provider's API (Tencent Cloud, read-only) what it says about
    /// a public address: the instance, its state and restrictions, public
    /// bandwidth, the security groups' verdict for the login port from the
    /// bot's egress addresses, the last 30 minutes of load.
    Cloud {
        ip: String,
        #[arg(long, default_value_t = 22)]
        port: u16,
        /// Language of the text: en or ko (default: config).
        #[arg(long)]
        lang: Option<String>,
        /// JSON instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Validate or draw the runbooks.
    Runbook {
        #[command(subcommand)]
        cmd: RunbookCmd,
    },
    /// Probe servers once and print what was found. One target: the full
    /// summary. Several (or a CIDR block, a file, stdin): a table, one row per
    /// host, and a summary line.
    Probe {
        /// IP addresses, CIDR blocks (up to 256 addresses) or host names; `-`
        /// reads more from stdin.
        targets: Vec<String>,
        /// Read more targets from FILE (white space or commas between them, `#` comments).
        #[arg(long)]
        file: Option<PathBuf>,
        #[arg(long, default_value = "auto")]
        os: String,
        #[arg(long)]
        port: Option<u16>,
        /// Every network deadline, in milliseconds.
        #[arg(long)]
        timeout_ms: Option<u64>,
        /// JSON instead of text: one object for one target; one line per host
        /// and a last `{"summary": ...}` line for several.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand)]
enum RunbookCmd {
    /// Check the runbooks (the built-in ones, or every *.toml in --dir).
    Check {
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Print the flow as a Mermaid flowchart.
    Graph {
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

fn main() -> std::process::ExitCode {
    // Sessions, reports and the outcome log hold customers' addresses: what
    // this process creates (sled's files included) is for its user only.
    // SAFETY: umask has no preconditions; no other thread runs yet.
    unsafe { libc::umask(0o077) };
    // VM_DOCTOR_LOG (else RUST_LOG) sets our crates' levels; other crates
    // never log below info (their debug output carries tokens and payloads).
    let spec = std::env::var("VM_DOCTOR_LOG")
        .or_else(|_| std::env::var("RUST_LOG"))
        .unwrap_or_default();
    let filter = tracing_subscriber::EnvFilter::try_new(vm_doctor::ops::log_directives(&spec))
        .unwrap_or_else(|_| {
            tracing_subscriber::EnvFilter::new(vm_doctor::ops::log_directives("warn"))
        });
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .init();
    match run() {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("vm-doctor: {e:#}");
            std::process::ExitCode::from(2)
        }
    }
}

fn run() -> Result<()> {
    let cli = Cli::parse();
    let env: HashMap<String, String> = std::env::vars().collect();
    if let Cmd::Doctor { data_dir } = &cli.cmd {
        let cfg = Config::load(cli.config.as_deref(), &env).map(|mut c| {
            if let Some(d) = data_dir {
                c.data_dir = d.clone();
            }
            c
        });
        let checks = vm_doctor::doctor::run(cfg, &env);
        for c in &checks {
            println!("{}", c.line());
        }
        if vm_doctor::doctor::blocking(&checks) {
            println!("something above blocks vm-doctor from running: fix the FAIL lines first");
            std::process::exit(1);
        }
        println!("nothing blocks vm-doctor from running");
        return Ok(());
    }
    if let Cmd::Healthcheck { addr, ready } = &cli.cmd {
        return healthcheck(addr.clone(), *ready, &env);
    }
    let cfg = Config::load(cli.config.as_deref(), &env)?;
    match cli.cmd {
        Cmd::Console {
            data_dir,
            lang,
            user,
        } => console(cfg, data_dir, lang, user, &env),
        Cmd::Discord { data_dir } => discord(cfg, data_dir, &env),
        Cmd::Doctor { .. } | Cmd::Healthcheck { .. } => unreachable!("handled above"),
        Cmd::Stats { .. } if cfg.store.is_some() => {
            let pg = cfg.store.clone().expect("checked above");
            let shown = pg.shown();
            let store = vmd_store_pg::PgStore::open(pg)
                .with_context(|| format!("opening the PostgreSQL store at {shown}"))?;
            let lines = store
                .outcome_lines()
                .with_context(|| format!("reading the outcomes in {shown}"))?;
            if lines.is_empty() {
                println!("no conversations have ended yet (no outcomes in {shown})");
                return Ok(());
            }
            let st = vmd_runtime::outcomes::Stats::read(lines.as_bytes())?;
            print!("{}", st.render());
            Ok(())
        }
        Cmd::Stats { data_dir } => {
            let dir = data_dir.unwrap_or(cfg.data_dir);
            let path = dir.join("outcomes.jsonl");
            let f = match std::fs::File::open(&path) {
                Ok(f) => f,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                    println!(
                        "no conversations have ended yet ({} does not exist)",
                        path.display()
                    );
                    return Ok(());
                }
                Err(e) => return Err(e).with_context(|| format!("reading {}", path.display())),
            };
            let st = vmd_runtime::outcomes::Stats::read(std::io::BufReader::new(f))
                .with_context(|| format!("reading {}", path.display()))?;
            print!("{}", st.render());
            Ok(())
        }
        Cmd::Slack { data_dir, http } => slack(cfg, data_dir, http, &env),
        Cmd::Cloud {
            ip,
            port,
            lang,
            json,
        } => {
            let lang = match lang {
                Some(l) => Lang::parse(&l).context("--lang must be en or ko")?,
                None => cfg.default_lang,
            };
            vm_doctor::cloud::command(&cfg, &ip, port, json, lang)
        }
        Cmd::Runbook { cmd } => match cmd {
            RunbookCmd::Check { dir } => {
                let rb = load_runbooks(dir)?;
                println!(
                    "ok: {} runbooks, {} steps, every step reachable and able to end, every message present in en-US and ko-KR",
                    rb.books().len(),
                    rb.steps().count()
                );
                Ok(())
            }
            RunbookCmd::Graph { dir } => {
                print!("{}", load_runbooks(dir)?.mermaid());
                Ok(())
            }
        },
        Cmd::Probe {
            targets,
            file,
            os,
            port,
            timeout_ms,
            json,
        } => probe(cfg, targets, file, &os, port, timeout_ms, json),
    }
}

fn load_runbooks(dir: Option<PathBuf>) -> Result<Runbooks> {
    let loc = Localizer::embedded()?;
    match dir {
        None => Ok(vmd_runtime::load_runbooks(
            vmd_runtime::RUNBOOK_FILES,
            &loc,
        )?),
        Some(dir) => {
            let mut files = Vec::new();
            for e in
                std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))?
            {
                let p = e?.path();
                if p.extension().is_some_and(|x| x == "toml") {
                    let text = std::fs::read_to_string(&p)?;
                    files.push((
                        p.file_name()
                            .unwrap_or_default()
                            .to_string_lossy()
                            .into_owned(),
                        text,
                    ));
                }
            }
            files.sort();
            if files.is_empty() {
                bail!("no *.toml runbooks in {}", dir.display());
            }
            let refs: Vec<(&str, &str)> = files
                .iter()
                .map(|(n, t)| (n.as_str(), t.as_str()))
                .collect();
            Ok(vmd_runtime::load_runbooks(&refs, &loc)?)
        }
    }
}

/// Opens the configured store (refusing to start, with the reason, when it
/// can't) and drops expired sessions.
fn open_store(cfg: &Config) -> Result<AnyStore> {
    let Some(pg) = &cfg.store else {
        return Ok(AnyStore::Sled(open_sled(cfg)?));
    };
    let store = vmd_store_pg::PgStore::open(pg.clone()).map_err(|e| {
        anyhow::anyhow!(
            "cannot open the PostgreSQL session store at {}: {e} (check VM_DOCTOR_STORE, the password in VM_DOCTOR_STORE_PASSWORD, that the database is up and that this host may connect to it)",
            pg.shown()
        )
    })?;
    tracing::info!(store = %pg.shown(), "PostgreSQL session store ready");
    let cutoff = vmd_runtime::driver::now_ms().saturating_sub(cfg.session_ttl.as_millis() as u64);
    match vmd_runtime::store::Store::prune(&store, cutoff) {
        Ok(n) => tracing::debug!(pruned = n, "expired sessions removed"),
        Err(e) => tracing::warn!(error = %e, "could not prune expired sessions"),
    }
    Ok(AnyStore::Pg(store))
}

/// Opens the sled store under the data directory (refusing to start, with
/// the reason, when it can't) and drops expired sessions.
fn open_sled(cfg: &Config) -> Result<SledStore> {
    vmd_runtime::files::create_private_dir(&cfg.data_dir)
        .with_context(|| format!("creating data directory {}", cfg.data_dir.display()))?;
    let dir = cfg.data_dir.join("sled");
    let (store, report) = SledStore::open_checked(&dir).map_err(|e| {
        use vmd_runtime::store::StoreError as E;
        let hint = match &e {
            E::PermissionDenied(_) => "check the owner and permissions of the data directory",
            E::Locked(_) => "stop the other vm-doctor, or give this one its own --data-dir",
            E::Damaged(_) => "move the directory aside (keep it for inspection) and start again",
            _ => "see the error above",
        };
        anyhow::anyhow!(
            "cannot open the session store in {}: {e} ({hint})",
            dir.display()
        )
    })?;
    if report.damaged() || report.too_new > 0 {
        eprintln!(
            "vm-doctor: warning: session store {}: {} records readable, {} moved to quarantine, {} from a newer version left alone, {} lost since it was last written, {} latest writes lost (conversations may be back at an earlier step)",
            dir.display(),
            report.sessions,
            report.quarantined,
            report.too_new,
            report.lost(),
            report.rolled_back
        );
    }
    let cutoff = vmd_runtime::driver::now_ms().saturating_sub(cfg.session_ttl.as_millis() as u64);
    match vmd_runtime::store::Store::prune(&store, cutoff) {
        Ok(n) => tracing::debug!(pruned = n, "expired sessions removed"),
        Err(e) => tracing::warn!(error = %e, "could not prune expired sessions"),
    }
    Ok(store)
}

/// Every conversation end is appended to `<data-dir>/outcomes.jsonl`.
fn outcome_log(cfg: &Config) -> vmd_runtime::outcomes::OutcomeLog {
    vmd_runtime::outcomes::OutcomeLog::new(cfg.data_dir.join("outcomes.jsonl"))
}

fn console(
    mut cfg: Config,
    data_dir: Option<PathBuf>,
    lang: Option<String>,
    user: Option<String>,
    env: &HashMap<String, String>,
) -> Result<()> {
    if let Some(d) = data_dir {
        cfg.data_dir = d;
    }
    let explicit = match &lang {
        Some(l) => {
            Some(Lang::parse(l).with_context(|| format!("unknown language {l:?}: use en or ko"))?)
        }
        None => None,
    };
    // Without --lang: the system locale if it names one we speak, else the config default.
    let sys = env
        .get("LANG")
        .and_then(|l| Lang::parse(l.split('.').next().unwrap_or("")));
    let lang = explicit.or(sys);
    let ops_cfg = OpsConfig::from_env(env)?;
    let store = open_store(&cfg)?;
    let active = store.count_in_progress();
    let prober = NetProber::new(cfg.probe.clone());
    let driver = Arc::new(
        vm_doctor::build_driver(&cfg, vmd_runtime::RUNBOOK_FILES, prober, store)?
            .with_outcome_log(outcome_log(&cfg))
            .with_active_conversations(active),
    );
    let user = user
        .or_else(|| env.get("USER").cloned())
        .unwrap_or_else(|| "local".into());
    let report_dir = cfg.data_dir.join("reports");
    let console = Console {
        key: SessionKey::new("console", "local", &user),
        lang,
        tty: std::io::stdin().is_terminal() && std::io::stdout().is_terminal(),
        report_dir: &report_dir,
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async {
        let upkeep = vmd_runtime::driver::spawn_housekeeping(
            driver.clone(),
            cfg.session_ttl,
            cfg.prune_interval,
        );
        let store_ok = vm_doctor::store::watch_ready(&driver, cfg.store.is_some());
        vm_doctor::store::spawn_outcome_retention(&driver, ops_cfg.retention);
        let ops = Ops::start(
            ops_cfg,
            cfg.data_dir.clone(),
            vm_doctor::store::ready_with(store_ok, Arc::new(|| Ok(()))),
            vm_doctor::ops::active_gauge(&driver),
        )
        .await?;
        // The console reads stdin on this thread; the signal is awaited on a
        // worker, which drains, flushes and exits.
        let d = driver.clone();
        tokio::spawn(async move {
            let sig = vm_doctor::ops::signal().await;
            tracing::info!(signal = sig, "shutting down");
            ops.drain(d.turns()).await;
            flush(d.store());
            std::process::exit(0);
        });
        let stdin = std::io::stdin();
        let mut stdout = std::io::stdout();
        let r = console.run(&driver, stdin.lock(), &mut stdout).await;
        upkeep.abort();
        r
    })
}

type ChatDriver = std::sync::Arc<vmd_runtime::Driver<NetProber, AnyStore>>;

/// The store, the real prober, the driver and a runtime, for a chat bot.
fn chat_driver(cfg: &Config) -> Result<(ChatDriver, tokio::runtime::Runtime)> {
    let store = open_store(cfg)?;
    let active = store.count_in_progress();
    let prober = NetProber::new(cfg.probe.clone());
    let driver = std::sync::Arc::new(
        vm_doctor::build_driver(cfg, vmd_runtime::RUNBOOK_FILES, prober, store)?
            .with_outcome_log(outcome_log(cfg))
            .with_active_conversations(active),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    Ok((driver, rt))
}

fn flush(store: &AnyStore) {
    match store.flush() {
        Ok(()) => tracing::info!("session store flushed"),
        Err(e) => tracing::error!(error = %e, "could not flush the session store"),
    }
}

fn discord(
    mut cfg: Config,
    data_dir: Option<PathBuf>,
    env: &HashMap<String, String>,
) -> Result<()> {
    if let Some(d) = data_dir {
        cfg.data_dir = d;
    }
    if cfg.discord.token.trim().is_empty() {
        bail!("set VM_DOCTOR_DISCORD_TOKEN to the bot token (it is never read from a file)");
    }
    let ops_cfg = OpsConfig::from_env(env)?;
    let shards = discord_shards(env)?;
    let store = open_store(&cfg)?;
    let active = store.count_in_progress();
    let prober = NetProber::new(cfg.probe.clone());
    let driver = Arc::new(
        vm_doctor::build_driver(&cfg, vmd_runtime::RUNBOOK_FILES, prober, store)?
            .with_outcome_log(outcome_log(&cfg))
            .with_active_conversations(active),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let _upkeep = vmd_runtime::driver::spawn_housekeeping(
            driver.clone(),
            cfg.session_ttl,
            cfg.prune_interval,
        );
        let bot = vmd_discord::start_sharded(cfg.discord.clone(), driver.clone(), shards).await?;
        let connected = bot.connected();
        let store_ok = vm_doctor::store::watch_ready(&driver, cfg.store.is_some());
        vm_doctor::store::spawn_outcome_retention(&driver, ops_cfg.retention);
        let ops = Ops::start(
            ops_cfg,
            cfg.data_dir.clone(),
            vm_doctor::store::ready_with(
                store_ok,
                Arc::new(move || {
                    if connected.load(std::sync::atomic::Ordering::SeqCst) {
                        Ok(())
                    } else {
                        Err("not connected to the Discord gateway".into())
                    }
                }),
            ),
            vm_doctor::ops::active_gauge(&driver),
        )
        .await?;
        let stop = bot.stop_handle();
        tokio::select! {
            r = bot.wait() => r.map_err(anyhow::Error::from),
            sig = vm_doctor::ops::signal() => {
                tracing::info!(signal = sig, "shutting down");
                ops.mark_draining();
                driver.turns().begin_drain();
                // The gateway stays up while turns finish: an interaction
                // arriving now is answered "restarting, try again".
                ops.drain(driver.turns()).await;
                stop.stop_gateway().await;
                flush(driver.store());
                Ok(())
            }
        }
    })
}

/// Time a host name may take to resolve.
const DNS_TIMEOUT: Duration = Duration::from_secs(5);
/// Bytes of targets read from a file or stdin at most.
const MAX_TARGET_LIST: u64 = 1024 * 1024;

fn read_targets(r: impl std::io::Read, what: &str) -> Result<Vec<String>> {
    use std::io::Read;
    let mut text = String::new();
    r.take(MAX_TARGET_LIST)
        .read_to_string(&mut text)
        .with_context(|| format!("reading targets from {what}"))?;
    Ok(vmd_probe::targets::split_list(&text))
}

fn slack(
    mut cfg: Config,
    data_dir: Option<PathBuf>,
    http: Option<std::net::SocketAddr>,
    env: &HashMap<String, String>,
) -> Result<()> {
    if let Some(d) = data_dir {
        cfg.data_dir = d;
    }
    if cfg.slack.bot_token.trim().is_empty() {
        bail!(
            "set VM_DOCTOR_SLACK_BOT_TOKEN to the bot token (xoxb-…; it is never read from a file)"
        );
    }
    match http {
        Some(_) if cfg.slack.signing_secret.trim().is_empty() => {
            bail!("--http needs VM_DOCTOR_SLACK_SIGNING_SECRET (the app's signing secret)")
        }
        None if cfg.slack.app_token.trim().is_empty() => bail!(
            "set VM_DOCTOR_SLACK_APP_TOKEN to the app-level token (xapp-…) for Socket Mode, or use --http ADDR"
        ),
        _ => {}
    }
    let ops_cfg = OpsConfig::from_env(env)?;
    let (driver, rt) = chat_driver(&cfg)?;
    rt.block_on(async move {
        let _upkeep = vmd_runtime::driver::spawn_housekeeping(
            driver.clone(),
            cfg.session_ttl,
            cfg.prune_interval,
        );
        // Ready once Slack accepted the tokens and the listener runs (Socket
        // Mode reconnects by itself from then on).
        let connected = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let ready = connected.clone();
        let store_ok = vm_doctor::store::watch_ready(&driver, cfg.store.is_some());
        vm_doctor::store::spawn_outcome_retention(&driver, ops_cfg.retention);
        let ops = Ops::start(
            ops_cfg,
            cfg.data_dir.clone(),
            vm_doctor::store::ready_with(
                store_ok,
                Arc::new(move || {
                    if ready.load(std::sync::atomic::Ordering::SeqCst) {
                        Ok(())
                    } else {
                        Err("not connected to Slack yet".into())
                    }
                }),
            ),
            vm_doctor::ops::active_gauge(&driver),
        )
        .await?;
        // SIGTERM or SIGINT: take nothing new, let the turns under way post
        // their replies (up to the deadline), flush sled, exit 0.
        let stop = |ops: Ops, driver: ChatDriver, sig: &'static str| async move {
            tracing::info!(signal = sig, "shutting down");
            ops.mark_draining();
            driver.turns().begin_drain();
            ops.drain(driver.turns()).await;
            flush(driver.store());
        };
        match http {
            Some(addr) => {
                let h = vmd_slack::http::serve(cfg.slack.clone(), addr, driver.clone()).await?;
                connected.store(true, std::sync::atomic::Ordering::SeqCst);
                tokio::select! {
                    _ = h.wait() => Ok(()),
                    sig = vm_doctor::ops::signal() => {
                        stop(ops, driver, sig).await;
                        Ok(())
                    }
                }
            }
            None => {
                let bot = vmd_slack::start(cfg.slack.clone(), driver.clone()).await?;
                connected.store(true, std::sync::atomic::Ordering::SeqCst);
                let sig = vm_doctor::ops::signal().await;
                stop(ops, driver, sig).await;
                bot.stop().await;
                Ok(())
            }
        }
    })
}

fn probe(
    cfg: Config,
    args: Vec<String>,
    file: Option<PathBuf>,
    os: &str,
    port: Option<u16>,
    timeout_ms: Option<u64>,
    json: bool,
) -> Result<()> {
    use futures::StreamExt;
    use vmd_probe::fleet::{self, Plan};

    if !matches!(os, "windows" | "linux" | "auto") {
        bail!("--os must be windows, linux or auto");
    }
    if port == Some(0) {
        bail!("--port must be 1..65535");
    }
    if let Some(p) = port.filter(|p| !cfg.ports.allows(*p)) {
        bail!(
            "refusing to probe port {p}: the port policy allows {} (VM_DOCTOR_ALLOWED_PORTS)",
            cfg.ports.describe()
        );
    }
    let pcfg = match timeout_ms {
        Some(0) => bail!("--timeout-ms must be more than 0"),
        Some(t) => ProbeConfig {
            tuning: cfg.probe.tuning,
            ..ProbeConfig::with_timeout(Duration::from_millis(t.min(60_000)))
        },
        None => cfg.probe.clone(),
    };
    let many_asked = args.len() != 1 || file.is_some() || args.iter().any(|a| a == "-");
    let mut inputs: Vec<String> = Vec::new();
    for a in args {
        if a == "-" {
            inputs.extend(read_targets(std::io::stdin().lock(), "stdin")?);
        } else {
            inputs.push(a);
        }
    }
    if let Some(f) = &file {
        let fh = std::fs::File::open(f).with_context(|| format!("opening {}", f.display()))?;
        inputs.extend(read_targets(fh, &f.display().to_string())?);
    }
    if inputs.is_empty() {
        bail!(
            "no targets: give IP addresses, CIDR blocks or host names, --file FILE or - for stdin"
        );
    }
    let policy = vm_doctor::policy(&cfg);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let start = Instant::now();
    let resolver = vmd_probe::targets::SystemResolver;
    let plan = rt.block_on(fleet::plan(&inputs, &resolver, &policy, DNS_TIMEOUT))?;
    let prober = NetProber::new(pcfg);
    let request = |ip| vmd_probe::cli::request_for(ip, Some(os), port);
    let loc = Localizer::embedded()?;
    let lang = std::env::var("LANG")
        .ok()
        .and_then(|l| Lang::parse(l.split('.').next().unwrap_or("")))
        .unwrap_or(cfg.default_lang);

    // One target that is one address: the full summary, as before.
    let single = !many_asked && plan.len() == 1;
    if single {
        let planned = &plan[0];
        let target = match planned.what {
            Plan::Probe(ip) => ip,
            Plan::Refused { addr, code } => {
                let input = &planned.input;
                match (code, addr, &planned.name) {
                    ("malformed", _, _) | ("bad-name", _, _) => bail!(
                        "{input:?} is not an IP address, a CIDR block (up to /24) or a host name"
                    ),
                    ("block-too-large", _, _) => {
                        bail!("{input:?}: CIDR blocks may hold at most 256 addresses (/24, /120)")
                    }
                    ("not-found", _, _) | ("dns-timeout", _, _) => {
                        bail!("{input:?} is not an IP address, and as a host name it does not resolve ({code})")
                    }
                    (code, Some(ip), Some(name)) => bail!(
                        "refusing to probe {name}: it resolves to {ip}: {code} (not a public unicast address; operators can allow ranges with VM_DOCTOR_ALLOW_TARGETS)"
                    ),
                    (code, _, _) => bail!(
                        "refusing to probe {input}: {code} (not a public unicast address; operators can allow ranges with VM_DOCTOR_ALLOW_TARGETS)"
                    ),
                }
            }
        };
        let req = request(target);
        let report = rt.block_on(prober.probe(&req));
        let findings = vmd_probe::cli::findings_for(&req, &report);
        if json {
            let j = vmd_probe::cli::ProbeJson {
                name: planned.name.clone(),
                ..vmd_probe::cli::to_json(&report, &findings)
            };
            println!("{}", serde_json::to_string_pretty(&j)?);
            return Ok(());
        }
        if let Some(name) = &planned.name {
            println!("{}", vm_doctor::fleet::name_line(&loc, lang, name, target));
        }
        let mut s = vmd_core::session::Session::new(0);
        s.target = Some(target);
        s.custom_port = port;
        s.os = vmd_core::command::Os::parse(os);
        let reply = vmd_core::engine::summary_reply(&s, &report, &findings);
        println!(
            "{}",
            vmd_runtime::render::plain(&loc, lang, &reply).replace("**", "")
        );
        tracing::debug!(
            elapsed_ms = start.elapsed().as_millis() as u64,
            "probe done"
        );
        return Ok(());
    }

    // Several: a table or JSON lines, rows as they finish (in input order).
    let mut ports: Vec<u16> = Vec::new();
    for p in request("203.0.113.1".parse().expect("literal address")).ports {
        if !ports.contains(&p.port) {
            ports.push(p.port);
        }
    }
    let table = vm_doctor::fleet::Table::new(&loc, lang, &plan, ports);
    let mut summary = fleet::Summary::default();
    let mut out = std::io::stdout().lock();
    use std::io::Write;
    if !json {
        writeln!(out, "{}", table.header())?;
    }
    rt.block_on(async {
        let mut rows = std::pin::pin!(fleet::run(
            plan,
            &prober,
            request,
            cfg.max_concurrent_probes
        ));
        while let Some(row) = rows.next().await {
            summary.add(&row);
            if json {
                writeln!(out, "{}", fleet::row_json(&row))?;
            } else {
                writeln!(out, "{}", table.row(&row))?;
            }
            out.flush()?;
        }
        anyhow::Ok(())
    })?;
    summary.elapsed_ms = start.elapsed().as_millis() as u64;
    if json {
        writeln!(
            out,
            "{}",
            serde_json::to_string(&fleet::SummaryJson { summary })?
        )?;
    } else {
        writeln!(out, "{}", table.summary(&summary))?;
    }
    Ok(())
}

fn healthcheck(addr: Option<String>, ready: bool, env: &HashMap<String, String>) -> Result<()> {
    let path = if ready { "/readyz" } else { "/healthz" };
    use std::io::{Read, Write};
    let addr = match addr {
        Some(a) => a,
        None => match OpsConfig::from_env(env)?.http_listen {
            Some(mut a) => {
                if a.ip().is_unspecified() {
                    a.set_ip(std::net::Ipv4Addr::LOCALHOST.into());
                }
                a.to_string()
            }
            None => bail!("VM_DOCTOR_HTTP_LISTEN is not set: there is no endpoint to ask"),
        },
    };
    let sa: std::net::SocketAddr = addr
        .parse()
        .with_context(|| format!("{addr:?} is not host:port"))?;
    let mut s = std::net::TcpStream::connect_timeout(&sa, Duration::from_secs(3))
        .with_context(|| format!("connecting to {sa}"))?;
    s.set_read_timeout(Some(Duration::from_secs(3)))?;
    s.write_all(format!("GET {path} HTTP/1.0\r\n\r\n").as_bytes())?;
    let mut resp = Vec::new();
    s.take(4096).read_to_end(&mut resp)?;
    let head = String::from_utf8_lossy(&resp);
    if head.split_whitespace().nth(1) == Some("200") {
        println!("{}", if ready { "ready" } else { "healthy" });
        Ok(())
    } else {
        bail!("{sa}{path} did not answer 200")
    }
}

/// `VM_DOCTOR_DISCORD_SHARDS` (`0-3/8`, `3/8`, or `ordinal/8` with
/// `VM_DOCTOR_DISCORD_REPLICAS` and the pod's host name); unset: one shard.
fn discord_shards(
    env: &HashMap<String, String>,
) -> Result<Option<vmd_discord::shards::ShardRange>> {
    let Some(spec) = env
        .get("VM_DOCTOR_DISCORD_SHARDS")
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
    else {
        return Ok(None);
    };
    let replicas =
        match env.get("VM_DOCTOR_DISCORD_REPLICAS").map(|s| s.trim()) {
            Some(r) if !r.is_empty() => Some(r.parse().with_context(|| {
                format!("VM_DOCTOR_DISCORD_REPLICAS must be a number, not {r:?}")
            })?),
            _ => None,
        };
    let host = env
        .get("HOSTNAME")
        .cloned()
        .or_else(|| std::fs::read_to_string("/proc/sys/kernel/hostname").ok())
        .unwrap_or_default();
    let r = vmd_discord::shards::ShardRange::parse(spec, replicas, host.trim())
        .context("VM_DOCTOR_DISCORD_SHARDS")?;
    tracing::info!(
        first = r.first,
        last = r.last,
        total = r.total,
        "Discord shards"
    );
    Ok(Some(r))
}
