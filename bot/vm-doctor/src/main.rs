//! `vm-doctor`: the command line. Everything interesting lives in the library
//! crates; this file parses arguments, wires them and reports errors.

use anyhow::{bail, Context, Result};
use clap::{Parser, Subcommand};
use std::collections::HashMap;
use std::io::IsTerminal;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use vm_doctor::config::Config;
use vm_doctor::console::Console;
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
    let cfg = Config::load(cli.config.as_deref(), &env)?;
    match cli.cmd {
        Cmd::Console {
            data_dir,
            lang,
            user,
        } => console(cfg, data_dir, lang, user, &env),
        Cmd::Discord { data_dir } => discord(cfg, data_dir),
        Cmd::Slack { data_dir, http } => slack(cfg, data_dir, http),
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
    let store = open_store(&cfg)?;
    let prober = NetProber::new(cfg.probe.clone());
    let driver = vm_doctor::build_driver(&cfg, vmd_runtime::RUNBOOK_FILES, prober, store)?;
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
        let stdin = std::io::stdin();
        let mut stdout = std::io::stdout();
        console.run(&driver, stdin.lock(), &mut stdout).await
    })
}

type ChatDriver = std::sync::Arc<vmd_runtime::Driver<NetProber, SledStore>>;

/// The store, the real prober, the driver and a runtime, for a chat bot.
fn chat_driver(cfg: &Config) -> Result<(ChatDriver, tokio::runtime::Runtime)> {
    let store = open_store(cfg)?;
    let prober = NetProber::new(cfg.probe.clone());
    let driver = std::sync::Arc::new(vm_doctor::build_driver(
        cfg,
        vmd_runtime::RUNBOOK_FILES,
        prober,
        store,
    )?);
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    Ok((driver, rt))
}

fn discord(mut cfg: Config, data_dir: Option<PathBuf>) -> Result<()> {
    if let Some(d) = data_dir {
        cfg.data_dir = d;
    }
    if cfg.discord.token.trim().is_empty() {
        bail!("set VM_DOCTOR_DISCORD_TOKEN to the bot token (it is never read from a file)");
    }
    let (driver, rt) = chat_driver(&cfg)?;
    rt.block_on(async move {
        let bot = vmd_discord::start(cfg.discord.clone(), driver).await?;
        tokio::select! {
            r = bot.wait() => r.map_err(anyhow::Error::from),
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })
}

fn slack(
    mut cfg: Config,
    data_dir: Option<PathBuf>,
    http: Option<std::net::SocketAddr>,
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
    let (driver, rt) = chat_driver(&cfg)?;
    rt.block_on(async move {
        match http {
            Some(addr) => {
                let h = vmd_slack::http::serve(cfg.slack.clone(), addr, driver).await?;
                tokio::select! {
                    _ = h.wait() => Ok(()),
                    _ = tokio::signal::ctrl_c() => Ok(()),
                }
            }
            None => {
                let bot = vmd_slack::start(cfg.slack.clone(), driver).await?;
                let _ = tokio::signal::ctrl_c().await;
                bot.stop().await;
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
