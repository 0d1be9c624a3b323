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
use vmd_core::command::{parse_ip, Lang};
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
    },
    /// Summarise how conversations ended (from <data-dir>/outcomes.jsonl).
    Stats {
        /// Where the outcome log is kept.
        #[arg(long)]
        data_dir: Option<PathBuf>,
    },
    /// Validate or draw the runbooks.
    Runbook {
        #[command(subcommand)]
        cmd: RunbookCmd,
    },
    /// Probe a server once and print what was found.
    Probe {
        ip: String,
        #[arg(long, default_value = "auto")]
        os: String,
        #[arg(long)]
        port: Option<u16>,
        /// Every network deadline, in milliseconds.
        #[arg(long)]
        timeout_ms: Option<u64>,
        /// Print one JSON object instead of text.
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
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_env("VM_DOCTOR_LOG")
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
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
    if let Cmd::Healthcheck { addr } = &cli.cmd {
        return healthcheck(addr.clone(), &env);
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
            ip,
            os,
            port,
            timeout_ms,
            json,
        } => probe(cfg, &ip, &os, port, timeout_ms, json),
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

/// Opens the sled store under the data directory and drops expired sessions.
fn open_store(cfg: &Config) -> Result<SledStore> {
    std::fs::create_dir_all(&cfg.data_dir)
        .with_context(|| format!("creating data directory {}", cfg.data_dir.display()))?;
    let store = SledStore::open(&cfg.data_dir.join("sled")).with_context(|| {
        format!(
            "opening the session store in {} (is another vm-doctor using it?)",
            cfg.data_dir.display()
        )
    })?;
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
    let prober = NetProber::new(cfg.probe.clone());
    let driver = Arc::new(
        vm_doctor::build_driver(&cfg, vmd_runtime::RUNBOOK_FILES, prober, store)?
            .with_outcome_log(outcome_log(&cfg)),
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
        let ops = Ops::start(
            ops_cfg,
            cfg.data_dir.clone(),
            Arc::new(|| Ok(())),
            count_active(&driver),
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
        console.run(&driver, stdin.lock(), &mut stdout).await
    })
}

/// Before each scrape: how many stored conversations are under way.
fn count_active<P: Prober + 'static>(
    driver: &Arc<vmd_runtime::Driver<P, SledStore>>,
) -> vm_doctor::ops::BeforeScrape {
    let d = driver.clone();
    Arc::new(move || vmd_runtime::telemetry::active_conversations(d.store().count_in_progress()))
}

fn flush(store: &SledStore) {
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
    let prober = NetProber::new(cfg.probe.clone());
    let driver = Arc::new(
        vm_doctor::build_driver(&cfg, vmd_runtime::RUNBOOK_FILES, prober, store)?
            .with_outcome_log(outcome_log(&cfg)),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    rt.block_on(async move {
        let bot = vmd_discord::start_sharded(cfg.discord.clone(), driver.clone(), shards).await?;
        let connected = bot.connected();
        let ops = Ops::start(
            ops_cfg,
            cfg.data_dir.clone(),
            Arc::new(move || {
                if connected.load(std::sync::atomic::Ordering::SeqCst) {
                    Ok(())
                } else {
                    Err("not connected to the Discord gateway".into())
                }
            }),
            count_active(&driver),
        )
        .await?;
        let stop = bot.stop_handle();
        tokio::select! {
            r = bot.wait() => r.map_err(anyhow::Error::from),
            sig = vm_doctor::ops::signal() => {
                tracing::info!(signal = sig, "shutting down");
                ops.mark_draining();
                driver.turns().begin_drain();
                stop.stop_gateway().await;
                ops.drain(driver.turns()).await;
                flush(driver.store());
                Ok(())
            }
        }
    })
}

fn probe(
    cfg: Config,
    ip: &str,
    os: &str,
    port: Option<u16>,
    timeout_ms: Option<u64>,
    json: bool,
) -> Result<()> {
    let ip = parse_ip(ip).map_err(|_| anyhow::anyhow!("{ip:?} is not an IP address"))?;
    if !matches!(os, "windows" | "linux" | "auto") {
        bail!("--os must be windows, linux or auto");
    }
    if port == Some(0) {
        bail!("--port must be 1..65535");
    }
    let target = vm_doctor::policy(&cfg)
        .check(ip).map_err(|r| {
        anyhow::anyhow!(
            "refusing to probe {ip}: {} (not a public unicast address; operators can allow ranges with VM_DOCTOR_ALLOW_TARGETS)",
            r.code()
        )
    })?;
    let pcfg = match timeout_ms {
        Some(0) => bail!("--timeout-ms must be more than 0"),
        Some(t) => ProbeConfig::with_timeout(Duration::from_millis(t.min(60_000))),
        None => cfg.probe.clone(),
    };
    let req = vmd_probe::cli::request_for(target, Some(os), port);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let start = Instant::now();
    let report = rt.block_on(NetProber::new(pcfg).probe(&req));
    let findings = vmd_probe::cli::findings_for(&req, &report);
    if json {
        println!(
            "{}",
            serde_json::to_string_pretty(&vmd_probe::cli::to_json(&report, &findings))?
        );
        return Ok(());
    }
    let loc = Localizer::embedded()?;
    let lang = std::env::var("LANG")
        .ok()
        .and_then(|l| Lang::parse(l.split('.').next().unwrap_or("")))
        .unwrap_or(cfg.default_lang);
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
    Ok(())
}

fn healthcheck(addr: Option<String>, env: &HashMap<String, String>) -> Result<()> {
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
    s.write_all(b"GET /healthz HTTP/1.0\r\n\r\n")?;
    let mut resp = Vec::new();
    s.take(4096).read_to_end(&mut resp)?;
    let head = String::from_utf8_lossy(&resp);
    if head.split_whitespace().nth(1) == Some("200") {
        println!("healthy");
        Ok(())
    } else {
        bail!("{sa}/healthz did not answer 200")
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
