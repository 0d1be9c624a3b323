//! `vm-doctor doctor`: the self-check an operator runs first. One line per
//! check (`ok`, `warn` or `FAIL`, what was checked, and what to do), exit
//! status 1 when something blocks the bot from running.

use crate::config::Config;
use crate::ops::OpsConfig;
use std::collections::HashMap;
use std::net::ToSocketAddrs;
use std::path::Path;
use std::time::Duration;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Level {
    Ok,
    Warn,
    Fail,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Check {
    pub level: Level,
    pub name: &'static str,
    pub detail: String,
}

impl Check {
    fn new(level: Level, name: &'static str, detail: impl Into<String>) -> Check {
        Check {
            level,
            name,
            detail: detail.into(),
        }
    }

    pub fn line(&self) -> String {
        let l = match self.level {
            Level::Ok => "ok  ",
            Level::Warn => "warn",
            Level::Fail => "FAIL",
        };
        format!("{l}  {:<12} {}", self.name, self.detail)
    }
}

/// The environment variables holding secrets; `doctor` says which are set,
/// never their values.
pub const TOKEN_VARS: &[&str] = &[
    "VM_DOCTOR_DISCORD_TOKEN",
    "VM_DOCTOR_SLACK_BOT_TOKEN",
    "VM_DOCTOR_SLACK_APP_TOKEN",
    "VM_DOCTOR_SLACK_SIGNING_SECRET",
    "VM_DOCTOR_TENCENT_SECRET_ID",
    "VM_DOCTOR_TENCENT_SECRET_KEY",
];

/// Runs every check. `cfg` is the result of loading the configuration.
pub fn run(cfg: anyhow::Result<Config>, env: &HashMap<String, String>) -> Vec<Check> {
    let mut out = Vec::new();
    let cfg = match cfg {
        Ok(c) => {
            out.push(Check::new(
                Level::Ok,
                "config",
                "configuration file and VM_DOCTOR_* variables are valid",
            ));
            c
        }
        Err(e) => {
            out.push(Check::new(
                Level::Fail,
                "config",
                format!("{e:#}: fix it (deploy/vm-doctor.example.toml documents every key)"),
            ));
            return out;
        }
    };
    let ops = match OpsConfig::from_env(env) {
        Ok(o) => {
            out.push(Check::new(
                Level::Ok,
                "ops",
                format!(
                    "shutdown deadline {} s, retention {} days",
                    o.shutdown.as_secs(),
                    o.retention.as_secs() / 86_400
                ),
            ));
            Some(o)
        }
        Err(e) => {
            out.push(Check::new(Level::Fail, "ops", format!("{e:#}")));
            None
        }
    };
    out.push(data_dir(&cfg.data_dir));
    if let Some(pg) = &cfg.store {
        out.push(pg_store(pg));
    } else if out.last().is_some_and(|c| c.level == Level::Ok) {
        out.push(store(&cfg.data_dir));
    }
    out.push(icmp());
    out.extend(tokens(env));
    out.push(platform_api(&cfg));
    if cfg.egress_ips.is_empty() {
        out.push(Check::new(
            Level::Warn,
            "egress",
            "VM_DOCTOR_EGRESS_IPS is not set: security-group advice cannot name the bot's own addresses; set it to the public IPs this host probes from",
        ));
    } else {
        let ips: Vec<String> = cfg.egress_ips.iter().map(|i| i.to_string()).collect();
        out.push(Check::new(
            Level::Ok,
            "egress",
            format!("probing from {}", ips.join(", ")),
        ));
    }
    out.extend(cloud_api(&cfg));
    if let Some(o) = ops {
        out.push(http(&o));
    }
    out
}

/// The provider's API: one harmless call (`DescribeInstances`, `Limit` 1)
/// proves the credentials, the clock and the network path; a second says
/// whether the key may read DDoS blocking (a warning when not: that part of
/// the lookups is then "not checked").
fn cloud_api(cfg: &Config) -> Vec<Check> {
    let first = cloud_credentials(cfg);
    let Some(c) = cfg.cloud.as_ref().filter(|_| first.level == Level::Ok) else {
        return vec![first];
    };
    let ddos = crate::cloud::Api::new(c).ok().and_then(|api| {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        rt.block_on(async {
            tokio::time::timeout(c.lookup_deadline, api.lookups().check_ddos()).await
        })
        .ok()
    });
    let second = match ddos {
        Some(Ok(true)) => Check::new(
            Level::Ok,
            "cloud-ddos",
            "the key may read DDoS blocking (antiddos:DescribeBasicDeviceStatus)",
        ),
        Some(Ok(false)) => Check::new(
            Level::Warn,
            "cloud-ddos",
            "the key's CAM policy does not allow antiddos:DescribeBasicDeviceStatus / DescribeIpBlockList: DDoS blocking is \"not checked\" in conversations (deploy/tencent-cam-policy.json has both)",
        ),
        Some(Err(e)) => Check::new(Level::Warn, "cloud-ddos", format!("{e}")),
        None => Check::new(
            Level::Warn,
            "cloud-ddos",
            format!("no answer within {:?}", c.lookup_deadline),
        ),
    };
    vec![first, second]
}

fn cloud_credentials(cfg: &Config) -> Check {
    let Some(c) = &cfg.cloud else {
        return Check::new(
            Level::Ok,
            "cloud-api",
            "skipped: no VM_DOCTOR_TENCENT_SECRET_ID / _SECRET_KEY (conversations go on without the provider's API)",
        );
    };
    let api = match crate::cloud::Api::new(c) {
        Ok(a) => a,
        Err(e) => return Check::new(Level::Fail, "cloud-api", format!("{e}")),
    };
    let rt = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return Check::new(Level::Fail, "cloud-api", format!("no runtime: {e}")),
    };
    let r = rt.block_on(async {
        tokio::time::timeout(c.lookup_deadline, api.lookups().check_credentials()).await
    });
    let url = crate::config::redact_url(&c.client.endpoint);
    match r {
        Ok(Ok(())) => Check::new(
            Level::Ok,
            "cloud-api",
            format!(
                "{url} accepts the credentials (regions {})",
                c.client.regions.join(", ")
            ),
        ),
        Ok(Err(vmd_cloud::CloudError::Auth { code })) => Check::new(
            Level::Fail,
            "cloud-api",
            format!("{url} refused the credentials ({code}): check the SecretId/SecretKey pair, the CAM policy (deploy/tencent-cam-policy.json) and this host's clock"),
        ),
        Ok(Err(e)) => Check::new(
            Level::Fail,
            "cloud-api",
            format!("{url}: {e}; check outbound HTTPS to it"),
        ),
        Err(_) => Check::new(
            Level::Fail,
            "cloud-api",
            format!("{url} did not answer within {:?}", c.lookup_deadline),
        ),
    }
}

/// True when a check blocks the bot from running.
pub fn blocking(checks: &[Check]) -> bool {
    checks.iter().any(|c| c.level == Level::Fail)
}

fn data_dir(dir: &Path) -> Check {
    if let Err(e) = vmd_runtime::files::create_private_dir(dir) {
        return Check::new(
            Level::Fail,
            "data-dir",
            format!(
                "cannot create {}: {e}; create it and give the bot's user write access, or set VM_DOCTOR_DATA_DIR",
                dir.display()
            ),
        );
    }
    let probe = dir.join(format!(".doctor-{}", std::process::id()));
    match std::fs::write(&probe, b"x") {
        Ok(()) => {
            let _ = std::fs::remove_file(&probe);
            Check::new(
                Level::Ok,
                "data-dir",
                format!("{} is writable", dir.display()),
            )
        }
        Err(e) => Check::new(
            Level::Fail,
            "data-dir",
            format!(
                "{} is not writable: {e}; give the bot's user write access (chown) or set VM_DOCTOR_DATA_DIR",
                dir.display()
            ),
        ),
    }
}

/// Checks the PostgreSQL store answers, without migrating or writing.
fn pg_store(pg: &vmd_store_pg::PgConfig) -> Check {
    match vmd_store_pg::PgStore::inspect(pg.clone()) {
        Ok((0, _)) => Check::new(
            Level::Ok,
            "store",
            format!(
                "{} answers; its tables are created on first start",
                pg.shown()
            ),
        ),
        Ok((v, n)) if v > vmd_store_pg::SCHEMA_VERSION => Check::new(
            Level::Warn,
            "store",
            format!(
                "{} answers; schema version {v} is newer than this build's {} (a newer release migrated it), {n} conversations stored",
                pg.shown(),
                vmd_store_pg::SCHEMA_VERSION
            ),
        ),
        Ok((v, n)) => Check::new(
            Level::Ok,
            "store",
            format!("{} answers (schema version {v}, {n} conversations stored)", pg.shown()),
        ),
        Err(e) => Check::new(
            Level::Fail,
            "store",
            format!("cannot reach the PostgreSQL store at {}: {e}", pg.shown()),
        ),
    }
}

/// Checks the store without writing to it (`SledStore::inspect` opens a
/// copy): what a start would find is still found by the next start.
fn store(dir: &Path) -> Check {
    let path = dir.join("sled");
    match vmd_runtime::store::SledStore::inspect(&path) {
        Ok(None) => Check::new(
            Level::Ok,
            "store",
            format!("{} does not exist yet (created on first start)", path.display()),
        ),
        Ok(Some((rep, under_way))) if rep.damaged() => Check::new(
            Level::Fail,
            "store",
            format!(
                "{} is damaged: {} records readable, {} that do not decode, {} lost since it was last written, {} latest writes lost; the next start moves undecodable records to quarantine and reports the loss once; to start clean, stop vm-doctor and move the directory aside (keep it for inspection){}",
                path.display(),
                rep.sessions,
                rep.quarantined,
                rep.lost(),
                rep.rolled_back,
                if under_way > 0 {
                    format!(" ({under_way} conversations under way)")
                } else {
                    String::new()
                }
            ),
        ),
        Ok(Some((rep, under_way))) if rep.too_new > 0 || rep.in_quarantine > 0 => Check::new(
            Level::Warn,
            "store",
            format!(
                "{} opens ({under_way} conversations under way); {} records from a newer vm-doctor are left alone, {} records in quarantine from earlier damage",
                path.display(),
                rep.too_new,
                rep.in_quarantine
            ),
        ),
        Ok(Some((_, under_way))) => Check::new(
            Level::Ok,
            "store",
            format!(
                "{} opens ({under_way} conversations under way)",
                path.display()
            ),
        ),
        Err(e @ vmd_runtime::store::StoreError::Damaged(_)) => Check::new(
            Level::Fail,
            "store",
            format!(
                "cannot open {}: {e}; stop vm-doctor, move the directory aside (keep it for inspection) and start again",
                path.display()
            ),
        ),
        Err(e) => Check::new(
            Level::Fail,
            "store",
            format!(
                "cannot open {}: {e}; is another vm-doctor running on this data directory? Stop it or use another VM_DOCTOR_DATA_DIR",
                path.display()
            ),
        ),
    }
}

/// How this process may send ICMP echo requests: `ping` runs it.
fn icmp() -> Check {
    let method = icmp_method();
    let out = std::process::Command::new("ping")
        .args(["-c", "1", "-W", "1", "127.0.0.1"])
        .stdin(std::process::Stdio::null())
        .output();
    match out {
        Err(e) => Check::new(
            Level::Warn,
            "icmp",
            format!("cannot run ping ({e}): pings will be reported as unavailable; install iputils-ping"),
        ),
        Ok(o) if o.status.success() => {
            Check::new(Level::Ok, "icmp", format!("ping works ({method})"))
        }
        Ok(o) => Check::new(
            Level::Warn,
            "icmp",
            format!(
                "ping fails ({}): pings will be reported as unavailable; allow unprivileged ICMP (sysctl net.ipv4.ping_group_range=\"0 2147483647\") or give ping CAP_NET_RAW",
                String::from_utf8_lossy(&o.stderr).trim()
            ),
        ),
    }
}

fn icmp_method() -> String {
    // SAFETY: getgid/geteuid have no preconditions.
    let (gid, euid) = unsafe { (libc::getgid(), libc::geteuid()) };
    if let Ok(r) = std::fs::read_to_string("/proc/sys/net/ipv4/ping_group_range") {
        let mut it = r.split_whitespace().filter_map(|x| x.parse::<u64>().ok());
        if let (Some(lo), Some(hi)) = (it.next(), it.next()) {
            if (lo..=hi).contains(&u64::from(gid)) {
                return "unprivileged ICMP sockets, no capability needed".into();
            }
        }
    }
    if euid == 0 {
        "as root".into()
    } else {
        "ping's own CAP_NET_RAW or setuid".into()
    }
}

fn tokens(env: &HashMap<String, String>) -> Vec<Check> {
    let set: Vec<&str> = TOKEN_VARS
        .iter()
        .copied()
        .filter(|k| env.get(*k).is_some_and(|v| !v.trim().is_empty()))
        .collect();
    if set.is_empty() {
        vec![Check::new(
            Level::Warn,
            "tokens",
            "no platform token set: only the console can run; set VM_DOCTOR_DISCORD_TOKEN (or the Slack tokens) in the environment",
        )]
    } else {
        vec![Check::new(
            Level::Ok,
            "tokens",
            format!("set: {} (values not shown)", set.join(", ")),
        )]
    }
}

/// Host and port of the Discord API base (or the configured proxy).
fn api_host_port(url: &str) -> Option<(String, u16)> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split('/').next()?.rsplit('@').next()?;
    let default = if scheme == "http" { 80 } else { 443 };
    match authority.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(']') || authority.starts_with('[') => {
            Some((h.trim_matches(['[', ']']).to_owned(), p.parse().ok()?))
        }
        _ => Some((authority.to_owned(), default)),
    }
}

fn platform_api(cfg: &Config) -> Check {
    if cfg.discord.token.trim().is_empty() {
        return Check::new(Level::Ok, "platform-api", "skipped: no Discord token");
    }
    let url = cfg.discord.api_url.clone().map_or_else(
        || "https://discord.com/api".into(),
        |u| crate::config::redact_url(&u),
    );
    let Some((host, port)) = api_host_port(&url) else {
        return Check::new(
            Level::Fail,
            "platform-api",
            format!("VM_DOCTOR_DISCORD_API_URL {url:?} is not a URL like https://host[:port]/path"),
        );
    };
    let addrs = match (host.as_str(), port).to_socket_addrs() {
        Ok(a) => a.collect::<Vec<_>>(),
        Err(e) => {
            return Check::new(
                Level::Fail,
                "platform-api",
                format!("cannot resolve {host}: {e}; check DNS from this host"),
            )
        }
    };
    let mut last = String::from("no address");
    for a in addrs {
        match std::net::TcpStream::connect_timeout(&a, Duration::from_secs(3)) {
            Ok(_) => {
                return Check::new(
                    Level::Ok,
                    "platform-api",
                    format!("{host}:{port} is reachable"),
                )
            }
            Err(e) => last = e.to_string(),
        }
    }
    Check::new(
        Level::Fail,
        "platform-api",
        format!(
            "{host}:{port} is not reachable ({last}); open outbound HTTPS to it (firewall, proxy)"
        ),
    )
}

fn http(o: &OpsConfig) -> Check {
    let Some(addr) = o.http_listen else {
        return Check::new(
            Level::Warn,
            "http",
            "VM_DOCTOR_HTTP_LISTEN is not set: no /healthz, /readyz or /metrics; set it (e.g. 0.0.0.0:9090) for probes and Prometheus",
        );
    };
    match std::net::TcpListener::bind(addr) {
        Ok(_) => Check::new(
            Level::Ok,
            "http",
            format!("{addr} is free for /healthz, /readyz, /metrics"),
        ),
        Err(e) => Check::new(
            Level::Fail,
            "http",
            format!("cannot listen on {addr}: {e}; pick a free port in VM_DOCTOR_HTTP_LISTEN"),
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn api_urls_split_into_host_and_port() {
        assert_eq!(
            api_host_port("https://discord.com/api"),
            Some(("discord.com".into(), 443))
        );
        assert_eq!(
            api_host_port("http://127.0.0.1:8080/api"),
            Some(("127.0.0.1".into(), 8080))
        );
        assert_eq!(api_host_port("http://[::1]:81"), Some(("::1".into(), 81)));
        assert_eq!(api_host_port("discord.com"), None);
    }

    #[test]
    fn a_failed_check_blocks() {
        let ok = Check::new(Level::Ok, "a", "fine");
        let warn = Check::new(Level::Warn, "b", "meh");
        let fail = Check::new(Level::Fail, "c", "broken");
        assert!(!blocking(&[ok.clone(), warn.clone()]));
        assert!(blocking(&[ok, warn, fail.clone()]));
        assert!(fail.line().starts_with("FAIL  c "));
    }
}
