//! Running it for real: the health and metrics endpoint, graceful shutdown on
//! SIGTERM/SIGINT, and the periodic retention task. Every runner (console,
//! Discord, later Slack) calls [`Ops::start`] after opening its store and
//! [`Ops::shutdown`] when a signal arrives.
//!
//! Settings come from the environment only (they are per deployment):
//! `VM_DOCTOR_HTTP_LISTEN`, `VM_DOCTOR_SHUTDOWN_SECS`, `VM_DOCTOR_RETENTION_DAYS`.

use anyhow::{bail, Context, Result};
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, SystemTime};
use vmd_runtime::shutdown::Turns;

pub const DEFAULT_SHUTDOWN_SECS: u64 = 20;
pub const DEFAULT_RETENTION_DAYS: u64 = 30;
/// How often the retention task runs (also once at start).
pub const RETENTION_EVERY: Duration = Duration::from_secs(3600);

#[derive(Clone, Debug, PartialEq)]
pub struct OpsConfig {
    /// Where `/healthz`, `/readyz` and `/metrics` are served; none: not served.
    pub http_listen: Option<SocketAddr>,
    /// How long turns under way may finish after SIGTERM.
    pub shutdown: Duration,
    /// Reports and outcome records older than this are removed.
    pub retention: Duration,
}

impl OpsConfig {
    pub fn from_env(env: &HashMap<String, String>) -> Result<OpsConfig> {
        let var = |k: &str| env.get(k).map(|v| v.trim()).filter(|v| !v.is_empty());
        let http_listen = match var("VM_DOCTOR_HTTP_LISTEN") {
            Some(v) => Some(v.parse().map_err(|_| {
                anyhow::anyhow!(
                    "VM_DOCTOR_HTTP_LISTEN must be an address and port like 127.0.0.1:9090"
                )
            })?),
            None => None,
        };
        let num = |k: &str, d: u64| -> Result<u64> {
            match var(k) {
                Some(v) => v
                    .parse()
                    .map_err(|_| anyhow::anyhow!("{k} must be a whole number")),
                None => Ok(d),
            }
        };
        let shutdown = num("VM_DOCTOR_SHUTDOWN_SECS", DEFAULT_SHUTDOWN_SECS)?;
        let days = num("VM_DOCTOR_RETENTION_DAYS", DEFAULT_RETENTION_DAYS)?;
        if days == 0 {
            bail!("VM_DOCTOR_RETENTION_DAYS must be at least 1");
        }
        Ok(OpsConfig {
            http_listen,
            shutdown: Duration::from_secs(shutdown),
            retention: Duration::from_secs(days.saturating_mul(86_400)),
        })
    }
}

/// The crates of this workspace: the log level the operator asks for
/// applies to them as it is.
pub const OWN_CRATES: &[&str] = &[
    "vm_doctor",
    "vmd_core",
    "vmd_probe",
    "vmd_runtime",
    "vmd_discord",
    "vmd_slack",
];

/// The most any other crate (serenity, slack_morphism, hyper, reqwest,
/// tungstenite, h2, rustls, …) logs, whatever the operator asks: their
/// debug and trace output carries interaction tokens, whole Slack envelopes
/// (verification token, `response_url`, unmasked pastes) and Discord payloads.
pub const THIRD_PARTY_MAX: &str = "info";

/// The tracing filter for the operator's `VM_DOCTOR_LOG` (else `RUST_LOG`)
/// directives (`spec`, default `warn`): directives for this workspace's
/// crates are kept; every other crate, named or reached by a directive
/// without a target, is capped at [`THIRD_PARTY_MAX`]. A directive without
/// a target (`debug`, `[conversation]=trace`) becomes one per own crate,
/// plus the capped default for everything else.
pub fn log_directives(spec: &str) -> String {
    const LEVELS: &[&str] = &["off", "error", "warn", "info", "debug", "trace"];
    let rank = |l: &str| LEVELS.iter().position(|x| x.eq_ignore_ascii_case(l));
    let cap = rank(THIRD_PARTY_MAX).unwrap_or(3);
    let capped = |l: &str| match rank(l) {
        Some(r) if r > cap => THIRD_PARTY_MAX.to_owned(),
        Some(_) => l.to_ascii_lowercase(),
        // A level tracing understands that is not a name (a number): capped.
        None => THIRD_PARTY_MAX.to_owned(),
    };
    let own = |target: &str| {
        let krate = target.split("::").next().unwrap_or(target);
        OWN_CRATES.contains(&krate)
    };
    let mut out: Vec<String> = Vec::new();
    let mut default: Option<String> = None;
    for d in spec.split(',').map(str::trim).filter(|d| !d.is_empty()) {
        // `target[span{field=value}]=level`, `[span]=level`, `target`, `level`.
        let (sel, level) = match d.rsplit_once('=') {
            // An '=' inside `{…}` belongs to a field filter, not the level.
            Some((sel, lvl)) if !lvl.contains([']', '}']) => (sel, Some(lvl)),
            _ => (d, None),
        };
        let (target, span) = match sel.find('[') {
            Some(i) => (&sel[..i], &sel[i..]),
            None => (sel, ""),
        };
        match (target.is_empty(), level) {
            // A bare level: the default.
            (false, None) if rank(target).is_some() => default = Some(target.to_owned()),
            // A bare target: everything from it.
            (false, None) => {
                let l = if own(target) {
                    "trace".to_owned()
                } else {
                    capped("trace")
                };
                out.push(format!("{target}={l}"));
            }
            (false, Some(l)) => {
                let l = if own(target) { l.to_owned() } else { capped(l) };
                out.push(format!("{target}{span}={l}"));
            }
            (true, l) => {
                let l = l.unwrap_or("trace");
                for c in OWN_CRATES {
                    out.push(format!("{c}{span}={l}"));
                }
            }
        }
    }
    let default = default.unwrap_or_else(|| "warn".to_owned());
    // Own crates follow the default as asked; the rest at most the cap.
    let mut all = vec![capped(&default)];
    for c in OWN_CRATES {
        all.push(format!("{c}={default}"));
    }
    all.extend(out);
    all.join(",")
}

/// The process-wide Prometheus recorder (installed once).
pub fn metrics_handle() -> &'static PrometheusHandle {
    static H: OnceLock<PrometheusHandle> = OnceLock::new();
    H.get_or_init(|| {
        let secs = [
            0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
        ];
        let h = PrometheusBuilder::new()
            .set_buckets_for_metric(Matcher::Suffix("_seconds".into()), &secs)
            .expect("non-empty bucket list")
            .install_recorder()
            .expect("the metrics recorder is installed once");
        vmd_runtime::telemetry::describe();
        h
    })
}

/// What `/readyz` asks.
pub type ReadyCheck = Arc<dyn Fn() -> Result<(), String> + Send + Sync>;
/// What `/metrics` runs first: cheap and bounded (it reads counters the
/// runtime keeps, never the store), e.g. [`active_gauge`].
pub type BeforeScrape = Arc<dyn Fn() + Send + Sync>;

/// Before each scrape: the conversations under way, from the driver's
/// running count (no store access).
pub fn active_gauge<P, S>(driver: &Arc<vmd_runtime::Driver<P, S>>) -> BeforeScrape
where
    P: vmd_probe::Prober + 'static,
    S: vmd_runtime::store::Store + 'static,
{
    let d = driver.clone();
    Arc::new(move || vmd_runtime::telemetry::active_conversations(d.active_conversations()))
}

/// Deadlines and the connection cap of the health/metrics endpoint: a few
/// scrapers and probes at most.
pub fn http_limits() -> vmd_runtime::httpd::Limits {
    vmd_runtime::httpd::Limits {
        max_connections: 64,
        ..Default::default()
    }
}

/// The running operational pieces of one runner.
pub struct Ops {
    pub cfg: OpsConfig,
    pub addr: Option<SocketAddr>,
    draining: Arc<AtomicBool>,
}

impl Ops {
    /// Starts the HTTP endpoint (when configured) and the retention task.
    /// Call inside the runtime.
    pub async fn start(
        cfg: OpsConfig,
        data_dir: PathBuf,
        ready: ReadyCheck,
        before_scrape: BeforeScrape,
    ) -> Result<Ops> {
        let draining = Arc::new(AtomicBool::new(false));
        let addr = match cfg.http_listen {
            Some(a) => Some(serve(a, ready, before_scrape, draining.clone()).await?),
            None => None,
        };
        spawn_retention(data_dir, cfg.retention);
        Ok(Ops {
            cfg,
            addr,
            draining,
        })
    }

    /// From now on `/readyz` says 503 (load balancers stop sending work).
    pub fn mark_draining(&self) {
        self.draining.store(true, Ordering::SeqCst);
    }

    /// Stops new turns, waits for those under way up to the deadline.
    /// Returns how many were cut off.
    pub async fn drain(&self, turns: &Turns) -> usize {
        self.mark_draining();
        let left = turns.drain(self.cfg.shutdown).await;
        if left == 0 {
            tracing::info!("all turns finished; shutting down");
        } else {
            tracing::warn!(
                cut_off = left,
                "shutdown deadline reached; those conversations resume at their last step"
            );
        }
        left
    }
}

/// Resolves on SIGTERM or SIGINT.
pub async fn signal() -> &'static str {
    #[cfg(unix)]
    {
        use tokio::signal::unix::{signal, SignalKind};
        match (
            signal(SignalKind::terminate()),
            signal(SignalKind::interrupt()),
        ) {
            (Ok(mut t), Ok(mut i)) => tokio::select! {
                _ = t.recv() => "SIGTERM",
                _ = i.recv() => "SIGINT",
            },
            _ => {
                let _ = tokio::signal::ctrl_c().await;
                "SIGINT"
            }
        }
    }
    #[cfg(not(unix))]
    {
        let _ = tokio::signal::ctrl_c().await;
        "SIGINT"
    }
}

async fn serve(
    addr: SocketAddr,
    ready: ReadyCheck,
    before_scrape: BeforeScrape,
    draining: Arc<AtomicBool>,
) -> Result<SocketAddr> {
    use axum::http::{header, StatusCode};
    use axum::routing::get;
    let handle = metrics_handle().clone();
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("VM_DOCTOR_HTTP_LISTEN: cannot listen on {addr}"))?;
    let bound = listener.local_addr()?;
    let upkeep = handle.clone();
    tokio::spawn(async move {
        let mut t = tokio::time::interval(Duration::from_secs(5));
        loop {
            t.tick().await;
            upkeep.run_upkeep();
        }
    });
    let app = axum::Router::new()
        .route("/healthz", get(|| async { "ok\n" }))
        .route(
            "/readyz",
            get(move || {
                let ready = ready.clone();
                let draining = draining.clone();
                async move {
                    if draining.load(Ordering::SeqCst) {
                        return (
                            StatusCode::SERVICE_UNAVAILABLE,
                            "shutting down\n".to_owned(),
                        );
                    }
                    match ready() {
                        Ok(()) => (StatusCode::OK, "ready\n".to_owned()),
                        Err(why) => (StatusCode::SERVICE_UNAVAILABLE, format!("{why}\n")),
                    }
                }
            }),
        )
        .route(
            "/metrics",
            get(move || {
                let handle = handle.clone();
                let before = before_scrape.clone();
                async move {
                    before();
                    let body = handle.render();
                    ([(header::CONTENT_TYPE, "text/plain; version=0.0.4")], body)
                }
            }),
        );
    tokio::spawn(vmd_runtime::httpd::serve(
        listener,
        app,
        http_limits(),
        vmd_runtime::httpd::Stats::default(),
        "ops",
    ));
    tracing::info!(addr = %bound, "health and metrics endpoint");
    Ok(bound)
}

/// Runs [`retention_pass`] now and then every [`RETENTION_EVERY`].
fn spawn_retention(data_dir: PathBuf, keep: Duration) {
    tokio::spawn(async move {
        let mut t = tokio::time::interval(RETENTION_EVERY);
        loop {
            t.tick().await;
            let dir = data_dir.clone();
            let now = SystemTime::now();
            match tokio::task::spawn_blocking(move || retention_pass(&dir, now, keep)).await {
                Ok(Ok((reports, outcomes))) => {
                    tracing::info!(reports, outcomes, "retention pass")
                }
                Ok(Err(e)) => tracing::warn!(error = %e, "retention pass failed"),
                Err(e) => tracing::warn!(error = %e, "retention pass panicked"),
            }
        }
    });
}

/// Removes reports and outcome records older than `keep` before `now`;
/// returns (reports removed, outcome lines removed). Sessions past their TTL
/// are pruned by the store (at start, and by the store's periodic prune).
pub fn retention_pass(
    data_dir: &std::path::Path,
    now: SystemTime,
    keep: Duration,
) -> std::io::Result<(usize, usize)> {
    let cutoff = now.checked_sub(keep).unwrap_or(SystemTime::UNIX_EPOCH);
    let reports = vmd_runtime::retention::prune_reports(&data_dir.join("reports"), cutoff)?;
    let cutoff_ms = cutoff
        .duration_since(SystemTime::UNIX_EPOCH)
        .map(|d| d.as_millis() as u64)
        .unwrap_or(0);
    let log = vmd_runtime::outcomes::OutcomeLog::new(data_dir.join("outcomes.jsonl"));
    let o = vmd_runtime::retention::prune_outcomes(&log, cutoff_ms)?;
    let outcomes = o.removed + o.unreadable;
    vmd_runtime::telemetry::retention_pruned("reports", reports);
    vmd_runtime::telemetry::retention_pruned("outcomes", outcomes);
    Ok((reports, outcomes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(kv: &[(&str, &str)]) -> HashMap<String, String> {
        kv.iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn defaults_and_overrides() {
        let c = OpsConfig::from_env(&env(&[])).unwrap();
        assert_eq!(c.http_listen, None);
        assert_eq!(c.shutdown, Duration::from_secs(20));
        assert_eq!(c.retention, Duration::from_secs(30 * 86_400));
        let c = OpsConfig::from_env(&env(&[
            ("VM_DOCTOR_HTTP_LISTEN", "127.0.0.1:9090"),
            ("VM_DOCTOR_SHUTDOWN_SECS", "5"),
            ("VM_DOCTOR_RETENTION_DAYS", "7"),
        ]))
        .unwrap();
        assert_eq!(c.http_listen, Some("127.0.0.1:9090".parse().unwrap()));
        assert_eq!(c.shutdown, Duration::from_secs(5));
        assert_eq!(c.retention, Duration::from_secs(7 * 86_400));
        for bad in [
            ("VM_DOCTOR_HTTP_LISTEN", "localhost"),
            ("VM_DOCTOR_SHUTDOWN_SECS", "soon"),
            ("VM_DOCTOR_RETENTION_DAYS", "0"),
        ] {
            let e = OpsConfig::from_env(&env(&[bad])).unwrap_err();
            assert!(format!("{e:#}").contains(bad.0), "{e:#}");
        }
    }

    #[test]
    fn third_party_crates_never_log_below_info() {
        let f = log_directives("trace");
        assert!(f.starts_with("info,"), "{f}");
        assert!(
            f.contains("vm_doctor=trace") && f.contains("vmd_slack=trace"),
            "{f}"
        );
        // A module path of another crate (written as a `concat!` so this file
        // names no other crate's path: the architecture test reads it).
        let f = log_directives(concat!(
            "warn,serenity=trace,slack_morphism",
            "::socket_mode=debug,vmd_runtime=debug"
        ));
        assert!(f.contains("serenity=info"), "{f}");
        assert!(
            f.contains(concat!("slack_morphism", "::socket_mode=info")),
            "{f}"
        );
        assert!(f.contains("vmd_runtime=debug"), "{f}");
        assert!(!f.contains("trace"), "{f}");
        // Quieter than the cap stays quieter.
        let f = log_directives("hyper=warn,rustls=off");
        assert!(f.contains("hyper=warn") && f.contains("rustls=off"), "{f}");
        assert!(f.starts_with("warn,"), "{f}");
        // A span directive without a target applies to our crates only.
        let f = log_directives("[conversation]=trace");
        assert!(f.contains("vmd_runtime[conversation]=trace"), "{f}");
        assert!(!f.split(',').any(|d| d.starts_with('[')), "{f}");
        // A bare target means all of it: capped unless it is ours.
        let f = log_directives("reqwest,vmd_probe");
        assert!(
            f.contains("reqwest=info") && f.contains("vmd_probe=trace"),
            "{f}"
        );
        assert_eq!(log_directives(""), log_directives("warn"));
        for spec in ["trace", "debug,h2=trace", "[x]=trace", "info", ""] {
            let f = log_directives(spec);
            assert!(
                tracing_subscriber::EnvFilter::try_new(&f).is_ok(),
                "{spec} -> {f}"
            );
        }
    }

    #[test]
    fn a_retention_pass_removes_what_is_older_than_the_retention() {
        let dir = tempfile::tempdir().unwrap();
        let reports = dir.path().join("reports");
        std::fs::create_dir_all(&reports).unwrap();
        std::fs::write(reports.join("report-a.md"), "203.0.113.9").unwrap();
        let day = 86_400_000u64;
        let now_ms = 100 * day;
        let line = |ts: u64, ip: &str| {
            format!(
                r#"{{"ts":{ts},"platform":"console","ip":"{ip}","os":"linux","outcome":"fixed","steps":[],"answers":1,"findings":[]}}"#
            )
        };
        std::fs::write(
            dir.path().join("outcomes.jsonl"),
            format!(
                "{}\n{}\n",
                line(now_ms - 31 * day, "203.0.113.1"),
                line(now_ms - day, "203.0.113.2")
            ),
        )
        .unwrap();
        // The report was written "now" (real clock); the pass runs 31 days later.
        let later = SystemTime::now() + Duration::from_secs(31 * 86_400);
        let now = SystemTime::UNIX_EPOCH + Duration::from_millis(now_ms);
        let keep = Duration::from_secs(30 * 86_400);
        // At `now` the report is new, one outcome line is old.
        assert_eq!(retention_pass(dir.path(), now, keep).unwrap(), (0, 1));
        let text = std::fs::read_to_string(dir.path().join("outcomes.jsonl")).unwrap();
        assert!(!text.contains("203.0.113.1") && text.contains("203.0.113.2"));
        // 31 days on, the report goes too (and the remaining line).
        assert_eq!(retention_pass(dir.path(), later, keep).unwrap(), (1, 1));
        assert!(std::fs::read_dir(&reports).unwrap().next().is_none());
    }
}
