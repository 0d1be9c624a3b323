//! Layered configuration: built-in defaults, then one TOML file, then
//! `VM_DOCTOR_*` environment variables (env wins). Secrets (tokens) are read
//! from the environment only, never from the file.

use anyhow::{bail, Context, Result};
use ipnet::IpNet;
use serde::Deserialize;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Duration;
use vmd_core::command::Lang;
use vmd_core::limits::{PortPolicy, DEFAULT_ALLOWED_PORTS, DEFAULT_MAX_PORTS};
use vmd_probe::ProbeConfig;
use vmd_runtime::admission::{AdmissionConfig, Rate};

/// A URL as it may be shown or logged: user-info (`user:password@`) hidden.
/// Use it wherever a configured URL (API, proxy, ticket) is displayed.
pub use vmd_runtime::redact::url as redact_url;

/// The provider's "cannot log in to CVM" ticket page (from the troubleshooting
/// guides), with the diagnosis added as query parameters.
pub const DEFAULT_TICKET_URL: &str = "https://console.cloud.tencent.com/workorder/category?level1_id=6&level2_id=7&source=0&data_title=%E4%BA%91%E6%9C%8D%E5%8A%A1%E5%99%A8CVM&level3_id=142&radio_title=%E4%BA%91%E6%9C%8D%E5%8A%A1%E5%99%A8%E7%99%BB%E5%BD%95%E4%B8%8D%E4%B8%8A&queue=15&scene_code=12686&step=2&instance_ip={ip}&os={os}&port={port}&description={summary}";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    data_dir: Option<PathBuf>,
    default_lang: Option<String>,
    session_ttl_secs: Option<u64>,
    ticket_url: Option<String>,
    #[serde(default)]
    allow_targets: Vec<String>,
    /// The addresses the bot probes from (named in security-group advice).
    #[serde(default)]
    egress_ips: Vec<String>,
    /// `"22,3389,1024-65535"`.
    allowed_ports: Option<String>,
    max_ports_per_conversation: Option<u32>,
    #[serde(default)]
    limits: LimitsSection,
    #[serde(default)]
    probe: ProbeSection,
    #[serde(default)]
    discord: DiscordSection,
    #[serde(default)]
    slack: SlackSection,
    #[serde(default)]
    cloud: CloudSection,
    #[serde(default)]
    store: StoreSection,
    #[serde(default)]
    support: SupportSection,
}

/// Who reads the reports: `lang` is the support team's language (`en`,
/// `ko`); the report is written in it, with the user's beside it.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SupportSection {
    lang: Option<String>,
}

/// The provider's API (Tencent Cloud). The credentials are never read from
/// this file: `VM_DOCTOR_TENCENT_SECRET_ID` / `_SECRET_KEY` (or `_FILE`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct CloudSection {
    #[serde(default)]
    regions: Vec<String>,
    api_url: Option<String>,
    /// `verdicts` (default) or `details`.
    show: Option<String>,
    call_timeout_ms: Option<u64>,
    lookup_deadline_ms: Option<u64>,
    per_minute: Option<u32>,
    per_conversation: Option<u32>,
}

/// The resolved provider-API settings. Its `Debug` never shows the key.
#[derive(Clone)]
pub struct CloudSettings {
    pub credentials: vmd_cloud::Credentials,
    pub client: vmd_cloud::ClientConfig,
    pub show: vmd_core::engine::CloudShow,
    /// All the calls of one lookup together.
    pub lookup_deadline: Duration,
}

impl std::fmt::Debug for CloudSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CloudSettings")
            .field("credentials", &self.credentials)
            .field("endpoint", &redact_url(&self.client.endpoint))
            .field("regions", &self.client.regions)
            .field("show", &self.show)
            .field("lookup_deadline", &self.lookup_deadline)
            .finish()
    }
}

/// Reads `NAME` or, failing that, the file `NAME_FILE` names (a mounted
/// secret), trimmed.
fn secret(env: &HashMap<String, String>, name: &str) -> Result<Option<String>> {
    if let Some(v) = env.get(name).map(|v| v.trim()).filter(|v| !v.is_empty()) {
        return Ok(Some(v.to_owned()));
    }
    let file_var = format!("{name}_FILE");
    match env
        .get(&file_var)
        .map(|v| v.trim())
        .filter(|v| !v.is_empty())
    {
        Some(path) => {
            let v = std::fs::read_to_string(path)
                .with_context(|| format!("reading {file_var} ({path})"))?;
            Ok(Some(v.trim().to_owned()).filter(|v| !v.is_empty()))
        }
        None => Ok(None),
    }
}

fn cloud_settings(
    env: &HashMap<String, String>,
    cs: CloudSection,
) -> Result<Option<CloudSettings>> {
    let var = |k: &str| env.get(k).filter(|v| !v.trim().is_empty()).cloned();
    let id = secret(env, "VM_DOCTOR_TENCENT_SECRET_ID")?;
    let key = secret(env, "VM_DOCTOR_TENCENT_SECRET_KEY")?;
    let (id, key) = match (id, key) {
        (None, None) => return Ok(None),
        (Some(id), Some(key)) => (id, key),
        _ => bail!(
            "VM_DOCTOR_TENCENT_SECRET_ID and VM_DOCTOR_TENCENT_SECRET_KEY go together: set both (or neither)"
        ),
    };
    let regions: Vec<String> = match var("VM_DOCTOR_TENCENT_REGIONS") {
        Some(v) => v
            .split([',', ' '])
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        None => cs.regions,
    };
    if regions.is_empty() {
        bail!("VM_DOCTOR_TENCENT_REGIONS / cloud.regions: name the regions your instances are in (e.g. ap-seoul,ap-guangzhou)");
    }
    if regions.iter().any(|r| {
        r.len() > 32
            || !r
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    }) {
        bail!("VM_DOCTOR_TENCENT_REGIONS / cloud.regions: a region looks like ap-seoul");
    }
    let endpoint = var("VM_DOCTOR_TENCENT_API_URL")
        .or(cs.api_url)
        .unwrap_or_else(|| vmd_cloud::client::DEFAULT_ENDPOINT.to_owned());
    if !endpoint.starts_with("https://") && !endpoint.starts_with("http://") {
        bail!("VM_DOCTOR_TENCENT_API_URL / cloud.api_url must start with https:// or http://");
    }
    let show = match var("VM_DOCTOR_CLOUD_SHOW")
        .or(cs.show)
        .as_deref()
        .map(str::trim)
    {
        None | Some("verdicts") => vmd_core::engine::CloudShow::Verdicts,
        Some("details") => vmd_core::engine::CloudShow::Details,
        Some(_) => bail!("VM_DOCTOR_CLOUD_SHOW / cloud.show must be verdicts or details"),
    };
    let d = vmd_cloud::ClientConfig::default();
    let ms = |k: &str, file: Option<u64>, default: Duration| -> Result<Duration> {
        let v = match var(k) {
            Some(v) => Some(
                v.trim()
                    .parse::<u64>()
                    .with_context(|| format!("{k} must be a number"))?,
            ),
            None => file,
        };
        match v {
            Some(0) => bail!("{k} must be more than 0"),
            Some(n) => Ok(Duration::from_millis(n.min(120_000))),
            None => Ok(default),
        }
    };
    let call_timeout = ms(
        "VM_DOCTOR_TENCENT_TIMEOUT_MS",
        cs.call_timeout_ms,
        d.call_timeout,
    )?;
    let lookup_deadline = ms(
        "VM_DOCTOR_TENCENT_DEADLINE_MS",
        cs.lookup_deadline_ms,
        vmd_runtime::driver::CLOUD_DEADLINE,
    )?;
    Ok(Some(CloudSettings {
        credentials: vmd_cloud::Credentials {
            secret_id: id,
            key: vmd_cloud::SecretKey::new(key),
        },
        client: vmd_cloud::ClientConfig {
            endpoint,
            regions,
            call_timeout,
            per_minute: cs.per_minute.unwrap_or(d.per_minute).max(1),
            per_conversation: cs.per_conversation.unwrap_or(d.per_conversation).max(1),
            ..d
        },
        show,
        lookup_deadline,
    }))
}

/// Where sessions live: sled under the data directory (no `url`), or a
/// PostgreSQL database shared by replicas. The password comes from
/// `VM_DOCTOR_STORE_PASSWORD`, never from the file.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct StoreSection {
    url: Option<String>,
    pool_size: Option<usize>,
    lease_secs: Option<u64>,
    schema: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SlackSection {
    api_url: Option<String>,
    #[serde(default)]
    channels: Vec<String>,
    support_group: Option<String>,
    /// "N/SECONDS", e.g. "5/600".
    user_limit: Option<String>,
    team_limit: Option<String>,
    /// Socket Mode connections (2 to 10).
    connections: Option<u32>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DiscordSection {
    api_url: Option<String>,
    #[serde(default)]
    guilds: Vec<u64>,
    #[serde(default)]
    channels: Vec<u64>,
    support_role: Option<u64>,
    probe_role: Option<u64>,
    threads: Option<bool>,
    /// "N/SECONDS", e.g. "5/600".
    user_limit: Option<String>,
    guild_limit: Option<String>,
}

/// Probe budgets, each "N/SECONDS".
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LimitsSection {
    user_probes: Option<String>,
    space_probes: Option<String>,
    target_probes: Option<String>,
    user_probes_at_once: Option<u32>,
    prune_interval_secs: Option<u64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProbeSection {
    connect_timeout_ms: Option<u64>,
    handshake_timeout_ms: Option<u64>,
    icmp_count: Option<u32>,
    icmp_timeout_ms: Option<u64>,
    adaptive_floor_ms: Option<u64>,
    max_concurrent: Option<usize>,
}

/// The resolved configuration. Its `Debug` never shows the token.
#[derive(Clone)]
pub struct Config {
    pub data_dir: PathBuf,
    pub default_lang: Lang,
    /// The support team's language: reports are written in it
    /// (`VM_DOCTOR_SUPPORT_LANG`, `[support] lang`; default English).
    pub support_lang: Lang,
    pub session_ttl: Duration,
    pub ticket_url: String,
    pub allow_targets: Vec<IpNet>,
    /// The public addresses the bot probes from (`VM_DOCTOR_EGRESS_IPS`).
    pub egress_ips: Vec<std::net::IpAddr>,
    /// Which ports may be probed, and how many distinct ones per conversation.
    pub ports: PortPolicy,
    /// Probe budgets of the admission point.
    pub admission: AdmissionConfig,
    /// How often expired sessions are pruned while running.
    pub prune_interval: Duration,
    pub probe: ProbeConfig,
    pub max_concurrent_probes: usize,
    pub discord: vmd_discord::DiscordConfig,
    pub slack: vmd_slack::SlackConfig,
    /// The provider's API, when credentials are configured.
    pub cloud: Option<CloudSettings>,
    /// The PostgreSQL store (`VM_DOCTOR_STORE=postgres://…`); none: sled
    /// under the data directory.
    pub store: Option<vmd_store_pg::PgConfig>,
}

impl std::fmt::Debug for Config {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let mut discord = self.discord.clone();
        if !discord.token.is_empty() {
            discord.token = "<redacted>".into();
        }
        f.debug_struct("Config")
            .field("data_dir", &self.data_dir)
            .field("store", &self.store)
            .field("default_lang", &self.default_lang)
            .field("support_lang", &self.support_lang)
            .field("session_ttl", &self.session_ttl)
            .field("ticket_url", &redact_url(&self.ticket_url))
            .field("allow_targets", &self.allow_targets)
            .field("ports", &self.ports)
            .field("admission", &self.admission)
            .field("prune_interval", &self.prune_interval)
            .field("probe", &self.probe)
            .field("max_concurrent_probes", &self.max_concurrent_probes)
            .field("discord", &discord)
            .field("slack", &self.slack)
            .field("cloud", &self.cloud)
            .finish()
    }
}

/// A TOML error without the excerpt of the file it comes with (which could
/// show a secret someone put in the file by mistake): position and message,
/// quoted values blanked.
fn toml_error(text: &str, e: &toml::de::Error) -> String {
    let mut msg = String::new();
    let mut quoted = false;
    for c in e.message().chars() {
        match c {
            '"' => {
                if !quoted {
                    msg.push_str("\"…");
                }
                quoted = !quoted;
            }
            _ if quoted => {}
            c => msg.push(c),
        }
    }
    match e.span() {
        Some(span) => {
            let before = &text[..span.start.min(text.len())];
            let line = before.matches('\n').count() + 1;
            let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
            format!("line {line}, column {col}: {msg}")
        }
        None => msg,
    }
}

fn ids(what: &str, v: &str) -> Result<Vec<u64>> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<u64>()
                .map_err(|_| anyhow::anyhow!("{what}: every item must be a Discord id (a number)"))
        })
        .collect()
}

/// The PostgreSQL store from `VM_DOCTOR_STORE` (a URL, or `sled`) or the
/// file's `[store] url`, the password from `VM_DOCTOR_STORE_PASSWORD`.
fn store_config(
    var: &dyn Fn(&str) -> Option<String>,
    fs: StoreSection,
) -> Result<Option<vmd_store_pg::PgConfig>> {
    if let Some(u) = &fs.url {
        let authority = u.split_once("://").map_or("", |(_, r)| r);
        let authority = &authority[..authority.find(['/', '?']).unwrap_or(authority.len())];
        let userinfo = authority.rfind('@').map_or("", |at| &authority[..at]);
        if userinfo.contains(':') || u.contains("password=") {
            bail!("[store] url must not hold the password: set VM_DOCTOR_STORE_PASSWORD instead");
        }
    }
    let url = match var("VM_DOCTOR_STORE").or(fs.url) {
        None => return Ok(None),
        Some(u) if u.trim().eq_ignore_ascii_case("sled") => return Ok(None),
        Some(u) => u.trim().to_owned(),
    };
    if !url.starts_with("postgres://") && !url.starts_with("postgresql://") {
        bail!(
            "VM_DOCTOR_STORE / [store] url must be postgres://… (or sled); got {}",
            redact_url(&url)
        );
    }
    let mut c = vmd_store_pg::PgConfig::new(url);
    c.password = var("VM_DOCTOR_STORE_PASSWORD");
    let num = |k: &str| -> Result<Option<u64>> {
        var(k)
            .map(|v| {
                v.trim()
                    .parse::<u64>()
                    .with_context(|| format!("{k} must be a number"))
            })
            .transpose()
    };
    if let Some(n) = num("VM_DOCTOR_STORE_POOL_SIZE")?
        .map(|n| n as usize)
        .or(fs.pool_size)
    {
        if !(2..=256).contains(&n) {
            bail!("VM_DOCTOR_STORE_POOL_SIZE / [store] pool_size must be 2 to 256");
        }
        c.pool_size = n;
    }
    if let Some(s) = num("VM_DOCTOR_STORE_LEASE_SECS")?.or(fs.lease_secs) {
        if !(5..=600).contains(&s) {
            bail!("VM_DOCTOR_STORE_LEASE_SECS / [store] lease_secs must be 5 to 600");
        }
        c.lease = Duration::from_secs(s);
    }
    c.schema = var("VM_DOCTOR_STORE_SCHEMA").or(fs.schema);
    Ok(Some(c))
}

fn limit(what: &str, v: &str) -> Result<vmd_discord::limits::Limit> {
    let (n, secs) = v
        .split_once('/')
        .with_context(|| format!("{what} must look like 5/600 (starts per seconds)"))?;
    let max: u32 = n
        .trim()
        .parse()
        .with_context(|| format!("{what}: bad count"))?;
    let secs: u64 = secs
        .trim()
        .parse()
        .with_context(|| format!("{what}: bad seconds"))?;
    if max == 0 || secs == 0 {
        bail!("{what}: both numbers must be more than 0");
    }
    Ok(vmd_discord::limits::Limit {
        max,
        per: Duration::from_secs(secs),
    })
}

impl Config {
    /// Reads `file` (if any) and the given environment.
    pub fn load(file: Option<&Path>, env: &HashMap<String, String>) -> Result<Config> {
        let fc: FileConfig = match file {
            Some(p) => {
                let text = std::fs::read_to_string(p)
                    .with_context(|| format!("reading config file {}", p.display()))?;
                toml::from_str(&text).map_err(|e| {
                    anyhow::anyhow!(
                        "parsing config file {}: {} (secrets such as the Discord token belong in the environment, never in this file)",
                        p.display(),
                        toml_error(&text, &e)
                    )
                })?
            }
            None => FileConfig::default(),
        };
        let var = |k: &str| env.get(k).filter(|v| !v.trim().is_empty()).cloned();
        let num = |k: &str| -> Result<Option<u64>> {
            var(k)
                .map(|v| {
                    v.trim()
                        .parse::<u64>()
                        .with_context(|| format!("{k} must be a number"))
                })
                .transpose()
        };

        let data_dir = var("VM_DOCTOR_DATA_DIR")
            .map(PathBuf::from)
            .or(fc.data_dir)
            .unwrap_or_else(|| PathBuf::from(".vm-doctor"));
        let lang_s = var("VM_DOCTOR_LANG")
            .or(fc.default_lang)
            .unwrap_or_else(|| "en".into());
        let Some(default_lang) = Lang::parse(&lang_s) else {
            bail!("VM_DOCTOR_LANG / default_lang: unknown language: use en or ko");
        };
        let support_s = var("VM_DOCTOR_SUPPORT_LANG")
            .or(fc.support.lang)
            .unwrap_or_else(|| "en".into());
        let Some(support_lang) = Lang::parse(&support_s) else {
            bail!("VM_DOCTOR_SUPPORT_LANG / [support] lang: unknown language: use en or ko");
        };
        let ttl = num("VM_DOCTOR_SESSION_TTL_SECS")?
            .or(fc.session_ttl_secs)
            .unwrap_or(7 * 24 * 3600);
        let ticket_url = var("VM_DOCTOR_TICKET_URL")
            .or(fc.ticket_url)
            .unwrap_or_else(|| DEFAULT_TICKET_URL.to_owned());
        if !ticket_url.starts_with("https://") && !ticket_url.starts_with("http://") {
            bail!("VM_DOCTOR_TICKET_URL / ticket_url must start with https:// or http://");
        }
        let mut allow_targets = Vec::new();
        for s in &fc.allow_targets {
            allow_targets.extend(
                vmd_core::policy::parse_allow_list(s)
                    .map_err(|e| anyhow::anyhow!("allow_targets in config: {e}"))?,
            );
        }
        if let Some(v) = var("VM_DOCTOR_ALLOW_TARGETS") {
            allow_targets.extend(
                vmd_core::policy::parse_allow_list(&v)
                    .map_err(|e| anyhow::anyhow!("VM_DOCTOR_ALLOW_TARGETS: {e}"))?,
            );
        }
        let parse_ips = |what: &str, items: Vec<String>| -> Result<Vec<std::net::IpAddr>> {
            items
                .iter()
                .flat_map(|s| s.split([',', ' ']))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    vmd_core::command::parse_ip(s)
                        .map_err(|_| anyhow::anyhow!("{what}: every item must be an IP address"))
                })
                .collect()
        };
        let egress_ips = match var("VM_DOCTOR_EGRESS_IPS") {
            Some(v) => parse_ips("VM_DOCTOR_EGRESS_IPS", vec![v])?,
            None => parse_ips("egress_ips in config", fc.egress_ips.clone())?,
        };
        let ports_s = var("VM_DOCTOR_ALLOWED_PORTS")
            .or(fc.allowed_ports)
            .unwrap_or_else(|| DEFAULT_ALLOWED_PORTS.to_owned());
        let ranges = vmd_core::limits::parse_port_list(&ports_s)
            .map_err(|e| anyhow::anyhow!("VM_DOCTOR_ALLOWED_PORTS / allowed_ports: {e}"))?;
        let max_ports = num("VM_DOCTOR_MAX_PORTS")?
            .map(|n| n as u32)
            .or(fc.max_ports_per_conversation)
            .unwrap_or(DEFAULT_MAX_PORTS);
        if max_ports == 0 {
            bail!("VM_DOCTOR_MAX_PORTS / max_ports_per_conversation must be more than 0");
        }
        let ports = PortPolicy::new(ranges, max_ports.min(64));
        let da = AdmissionConfig::default();
        let rate = |env_key: &str, file: Option<String>, default: Rate| -> Result<Rate> {
            match var(env_key).or(file) {
                Some(v) => Rate::parse(&v).with_context(|| {
                    format!("{env_key} must look like 10/600 (probes per seconds)")
                }),
                None => Ok(default),
            }
        };
        let ls = fc.limits;
        let admission = AdmissionConfig {
            per_user: rate("VM_DOCTOR_USER_PROBES", ls.user_probes, da.per_user)?,
            per_space: rate("VM_DOCTOR_SPACE_PROBES", ls.space_probes, da.per_space)?,
            per_target: rate("VM_DOCTOR_TARGET_PROBES", ls.target_probes, da.per_target)?,
            max_running_per_user: num("VM_DOCTOR_USER_PROBES_AT_ONCE")?
                .map(|n| n as u32)
                .or(ls.user_probes_at_once)
                .unwrap_or(da.max_running_per_user)
                .clamp(1, 64),
            max_lookups_per_user: da.max_lookups_per_user,
        };
        let prune_interval = Duration::from_secs(
            num("VM_DOCTOR_PRUNE_INTERVAL_SECS")?
                .or(ls.prune_interval_secs)
                .unwrap_or(600)
                .clamp(10, 86_400),
        );
        let d = ProbeConfig::default();
        let ms = |env_key: &str, file: Option<u64>, default: Duration| -> Result<Duration> {
            let v = num(env_key)?.or(file);
            match v {
                Some(0) => bail!("{env_key} must be more than 0"),
                Some(v) if v > 60_000 => bail!("{env_key} must be at most 60000 ms"),
                Some(v) => Ok(Duration::from_millis(v)),
                None => Ok(default),
            }
        };
        let probe = ProbeConfig {
            connect_timeout: ms(
                "VM_DOCTOR_CONNECT_TIMEOUT_MS",
                fc.probe.connect_timeout_ms,
                d.connect_timeout,
            )?,
            handshake_timeout: ms(
                "VM_DOCTOR_HANDSHAKE_TIMEOUT_MS",
                fc.probe.handshake_timeout_ms,
                d.handshake_timeout,
            )?,
            icmp_count: num("VM_DOCTOR_ICMP_COUNT")?
                .map(|n| n as u32)
                .or(fc.probe.icmp_count)
                .unwrap_or(d.icmp_count)
                .clamp(1, 10),
            icmp_timeout: ms(
                "VM_DOCTOR_ICMP_TIMEOUT_MS",
                fc.probe.icmp_timeout_ms,
                d.icmp_timeout,
            )?,
            tuning: vmd_probe::Tuning {
                floor: ms(
                    "VM_DOCTOR_ADAPTIVE_FLOOR_MS",
                    fc.probe.adaptive_floor_ms,
                    d.tuning.floor,
                )?,
                ..d.tuning
            },
            ..d.clone()
        };
        let max_concurrent_probes = num("VM_DOCTOR_MAX_CONCURRENT_PROBES")?
            .map(|n| n as usize)
            .or(fc.probe.max_concurrent)
            .unwrap_or(16)
            .clamp(1, 1024);
        let ds = fc.discord;
        let guilds = match var("VM_DOCTOR_DISCORD_GUILDS") {
            Some(v) => ids("VM_DOCTOR_DISCORD_GUILDS", &v)?,
            None => ds.guilds,
        };
        let channels = match var("VM_DOCTOR_DISCORD_CHANNELS") {
            Some(v) => ids("VM_DOCTOR_DISCORD_CHANNELS", &v)?,
            None => ds.channels,
        };
        let role = |k: &str, file: Option<u64>| -> Result<Option<u64>> {
            match var(k) {
                Some(v) => Ok(ids(k, &v)?.first().copied()),
                None => Ok(file),
            }
        };
        let threads = match var("VM_DOCTOR_DISCORD_THREADS") {
            Some(v) => match v.trim() {
                "1" | "true" | "yes" => true,
                "0" | "false" | "no" => false,
                _ => bail!("VM_DOCTOR_DISCORD_THREADS must be true or false"),
            },
            None => ds.threads.unwrap_or(true),
        };
        let discord_api = var("VM_DOCTOR_DISCORD_API_URL").or(ds.api_url);
        if let Some(u) = &discord_api {
            if !u.starts_with("https://") && !u.starts_with("http://") {
                bail!("VM_DOCTOR_DISCORD_API_URL must start with https:// or http://");
            }
        }
        let discord = vmd_discord::DiscordConfig {
            token: var("VM_DOCTOR_DISCORD_TOKEN").unwrap_or_default(),
            api_url: discord_api,
            guilds,
            channels,
            support_role: role("VM_DOCTOR_DISCORD_SUPPORT_ROLE", ds.support_role)?,
            probe_role: role("VM_DOCTOR_DISCORD_PROBE_ROLE", ds.probe_role)?,
            threads,
            user_limit: limit(
                "discord user_limit",
                &var("VM_DOCTOR_DISCORD_USER_LIMIT")
                    .or(ds.user_limit)
                    .unwrap_or_else(|| "5/600".into()),
            )?,
            guild_limit: limit(
                "discord guild_limit",
                &var("VM_DOCTOR_DISCORD_GUILD_LIMIT")
                    .or(ds.guild_limit)
                    .unwrap_or_else(|| "60/600".into()),
            )?,
        };
        let ss = fc.slack;
        let mut slack = vmd_slack::SlackConfig::new(
            &var("VM_DOCTOR_SLACK_APP_TOKEN").unwrap_or_default(),
            &var("VM_DOCTOR_SLACK_BOT_TOKEN").unwrap_or_default(),
        );
        slack.signing_secret = var("VM_DOCTOR_SLACK_SIGNING_SECRET").unwrap_or_default();
        slack.api_url = var("VM_DOCTOR_SLACK_API_URL").or(ss.api_url);
        if let Some(u) = &slack.api_url {
            if !u.starts_with("https://") && !u.starts_with("http://") {
                bail!("VM_DOCTOR_SLACK_API_URL must start with https:// or http://");
            }
        }
        slack.channels = match var("VM_DOCTOR_SLACK_CHANNELS") {
            Some(v) => v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
            None => ss.channels,
        };
        slack.support_group = var("VM_DOCTOR_SLACK_SUPPORT_GROUP")
            .map(|v| v.trim().to_owned())
            .or(ss.support_group);
        slack.user_limit = limit(
            "slack user_limit",
            &var("VM_DOCTOR_SLACK_USER_LIMIT")
                .or(ss.user_limit)
                .unwrap_or_else(|| "5/600".into()),
        )?;
        slack.team_limit = limit(
            "slack team_limit",
            &var("VM_DOCTOR_SLACK_TEAM_LIMIT")
                .or(ss.team_limit)
                .unwrap_or_else(|| "60/600".into()),
        )?;
        slack.connections = match var("VM_DOCTOR_SLACK_CONNECTIONS") {
            Some(v) => v.trim().parse::<u32>().map_err(|_| {
                anyhow::anyhow!("VM_DOCTOR_SLACK_CONNECTIONS must be a number, not {v:?}")
            })?,
            None => ss.connections.unwrap_or(vmd_slack::DEFAULT_CONNECTIONS),
        };
        if !(vmd_slack::MIN_CONNECTIONS..=vmd_slack::MAX_CONNECTIONS).contains(&slack.connections) {
            bail!(
                "VM_DOCTOR_SLACK_CONNECTIONS must be from {} to {} (Slack allows {} Socket Mode connections; one alone leaves a gap at each refresh), not {}",
                vmd_slack::MIN_CONNECTIONS,
                vmd_slack::MAX_CONNECTIONS,
                vmd_slack::MAX_CONNECTIONS,
                slack.connections
            );
        }
        let cloud = cloud_settings(env, fc.cloud)?;
        let store = store_config(&var, fc.store)?;
        Ok(Config {
            cloud,
            store,
            slack,
            discord,
            data_dir,
            default_lang,
            support_lang,
            session_ttl: Duration::from_secs(ttl.max(60)),
            ticket_url,
            allow_targets,
            egress_ips,
            ports,
            admission,
            prune_interval,
            probe,
            max_concurrent_probes,
        })
    }

    /// Upper bound for one whole probe run: every stage's deadline plus slack.
    pub fn probe_deadline(&self) -> Duration {
        self.probe.connect_timeout
            + self.probe.handshake_timeout * 4
            + self.probe.icmp_timeout
            + Duration::from_secs(2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn defaults_file_then_env() {
        let c = Config::load(None, &env(&[])).unwrap();
        assert_eq!(c.default_lang, Lang::En);
        assert_eq!(c.data_dir, PathBuf::from(".vm-doctor"));
        assert!(c.ticket_url.contains("{summary}"));

        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(
            &f,
            "default_lang = \"ko\"\ndata_dir = \"/tmp/x\"\nallow_targets = [\"198.18.0.0/15\"]\n[probe]\nconnect_timeout_ms = 1500\n",
        )
        .unwrap();
        let c = Config::load(Some(&f), &env(&[])).unwrap();
        assert_eq!(c.default_lang, Lang::Ko);
        assert_eq!(c.probe.connect_timeout, Duration::from_millis(1500));
        assert_eq!(c.allow_targets.len(), 1);

        let c = Config::load(
            Some(&f),
            &env(&[
                ("VM_DOCTOR_LANG", "en"),
                ("VM_DOCTOR_CONNECT_TIMEOUT_MS", "700"),
                ("VM_DOCTOR_ALLOW_TARGETS", "127.0.0.0/8, ::1/128"),
            ]),
        )
        .unwrap();
        assert_eq!(c.default_lang, Lang::En);
        assert_eq!(c.probe.connect_timeout, Duration::from_millis(700));
        assert_eq!(c.allow_targets.len(), 3);
    }

    #[test]
    fn cloud_credentials_from_env_or_a_file_never_from_toml_never_shown() {
        assert!(Config::load(None, &env(&[])).unwrap().cloud.is_none());
        let base = [
            ("VM_DOCTOR_TENCENT_SECRET_ID", "AKIDtest"),
            ("VM_DOCTOR_TENCENT_SECRET_KEY", "tencent-very-secret"),
            ("VM_DOCTOR_TENCENT_REGIONS", "ap-seoul, ap-guangzhou"),
        ];
        let c = Config::load(None, &env(&base)).unwrap();
        let cloud = c.cloud.as_ref().unwrap();
        assert_eq!(cloud.client.regions, ["ap-seoul", "ap-guangzhou"]);
        assert_eq!(cloud.client.endpoint, vmd_cloud::client::DEFAULT_ENDPOINT);
        assert_eq!(cloud.show, vmd_core::engine::CloudShow::Verdicts);
        let shown = format!("{c:?}");
        assert!(
            shown.contains("AKIDtest") && !shown.contains("very-secret"),
            "{shown}"
        );
        // From a mounted secret file.
        let dir = tempfile::tempdir().unwrap();
        let key_file = dir.path().join("key");
        std::fs::write(&key_file, "from-a-file\n").unwrap();
        let c = Config::load(
            None,
            &env(&[
                ("VM_DOCTOR_TENCENT_SECRET_ID", "AKIDtest"),
                (
                    "VM_DOCTOR_TENCENT_SECRET_KEY_FILE",
                    key_file.to_str().unwrap(),
                ),
                ("VM_DOCTOR_TENCENT_REGIONS", "ap-seoul"),
                ("VM_DOCTOR_CLOUD_SHOW", "details"),
                (
                    "VM_DOCTOR_TENCENT_API_URL",
                    "https://{service}.intl.tencentcloudapi.com",
                ),
            ]),
        )
        .unwrap();
        let cloud = c.cloud.unwrap();
        assert_eq!(cloud.show, vmd_core::engine::CloudShow::Details);
        assert!(cloud.client.endpoint.contains(".intl."));
        // One without the other, no region, a bad show: refused.
        assert!(Config::load(None, &env(&base[..1])).is_err());
        assert!(Config::load(None, &env(&base[..2])).is_err());
        let mut bad = base.to_vec();
        bad.push(("VM_DOCTOR_CLOUD_SHOW", "everything"));
        assert!(Config::load(None, &env(&bad)).is_err());
        // The key in the TOML file is refused, and the error does not echo it.
        let f = dir.path().join("c.toml");
        std::fs::write(
            &f,
            "[cloud]\nregions = [\"ap-seoul\"]\nsecret_key = \"toml-very-secret\"\n",
        )
        .unwrap();
        let e = format!("{:#}", Config::load(Some(&f), &env(&[])).unwrap_err());
        assert!(!e.contains("toml-very-secret"), "{e}");
        std::fs::write(
            &f,
            "[cloud]\nregions = [\"ap-tokyo\"]\nshow = \"details\"\n",
        )
        .unwrap();
        let c = Config::load(Some(&f), &env(&base[..2])).unwrap();
        assert_eq!(c.cloud.unwrap().client.regions, ["ap-tokyo"]);
    }

    #[test]
    fn adaptive_floor_from_file_then_env() {
        let c = Config::load(None, &env(&[])).unwrap();
        assert_eq!(c.probe.tuning, vmd_probe::Tuning::default());
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "[probe]\nadaptive_floor_ms = 250\n").unwrap();
        let c = Config::load(Some(&f), &env(&[])).unwrap();
        assert_eq!(c.probe.tuning.floor, Duration::from_millis(250));
        let c = Config::load(Some(&f), &env(&[("VM_DOCTOR_ADAPTIVE_FLOOR_MS", "40")])).unwrap();
        assert_eq!(c.probe.tuning.floor, Duration::from_millis(40));
        assert_eq!(
            c.probe.tuning.syn_attempts,
            vmd_probe::Tuning::default().syn_attempts
        );
        assert!(Config::load(None, &env(&[("VM_DOCTOR_ADAPTIVE_FLOOR_MS", "0")])).is_err());
    }

    #[test]
    fn the_store_is_sled_unless_a_postgres_url_is_given() {
        assert!(Config::load(None, &env(&[])).unwrap().store.is_none());
        let c = Config::load(None, &env(&[("VM_DOCTOR_STORE", "sled")])).unwrap();
        assert!(c.store.is_none());
        let c = Config::load(
            None,
            &env(&[
                ("VM_DOCTOR_STORE", "postgres://vmd:pw-in-env@db:5432/vmd"),
                ("VM_DOCTOR_STORE_POOL_SIZE", "8"),
            ]),
        )
        .unwrap();
        let pg = c.store.as_ref().unwrap();
        assert_eq!(pg.pool_size, 8);
        assert!(!format!("{c:?}").contains("pw-in-env"));
        // The file names the database; the password comes from the environment.
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(
            &f,
            "[store]\nurl = \"postgres://vmd@db/vmd?sslmode=require\"\nlease_secs = 20\n",
        )
        .unwrap();
        let c = Config::load(Some(&f), &env(&[("VM_DOCTOR_STORE_PASSWORD", "from-env")])).unwrap();
        let pg = c.store.as_ref().unwrap();
        assert_eq!(pg.password.as_deref(), Some("from-env"));
        assert_eq!(pg.lease, Duration::from_secs(20));
        assert!(!format!("{c:?}").contains("from-env"));
        // A password in the file is refused.
        std::fs::write(&f, "[store]\nurl = \"postgres://vmd:secret@db/vmd\"\n").unwrap();
        let e = Config::load(Some(&f), &env(&[])).unwrap_err().to_string();
        assert!(e.contains("VM_DOCTOR_STORE_PASSWORD"), "{e}");
        assert!(!e.contains("secret"), "{e}");
        let e = Config::load(None, &env(&[("VM_DOCTOR_STORE", "mysql://db")]))
            .unwrap_err()
            .to_string();
        assert!(e.contains("postgres://"), "{e}");
    }

    #[test]
    fn the_support_language_is_configurable_and_english_by_default() {
        assert_eq!(
            Config::load(None, &env(&[])).unwrap().support_lang,
            Lang::En
        );
        let c = Config::load(None, &env(&[("VM_DOCTOR_SUPPORT_LANG", "ko")])).unwrap();
        assert_eq!(c.support_lang, Lang::Ko);
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "[support]\nlang = \"ko\"\n").unwrap();
        assert_eq!(
            Config::load(Some(&f), &env(&[])).unwrap().support_lang,
            Lang::Ko
        );
        let e = Config::load(None, &env(&[("VM_DOCTOR_SUPPORT_LANG", "fr")])).unwrap_err();
        assert!(e.to_string().contains("VM_DOCTOR_SUPPORT_LANG"), "{e}");
    }

    #[test]
    fn bad_values_are_clear_errors() {
        let e = Config::load(None, &env(&[("VM_DOCTOR_LANG", "fr")])).unwrap_err();
        assert!(e.to_string().contains("unknown language"));
        let e = Config::load(None, &env(&[("VM_DOCTOR_CONNECT_TIMEOUT_MS", "soon")])).unwrap_err();
        assert!(e.to_string().contains("must be a number"));
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(&f, "token = \"secret\"\n").unwrap();
        assert!(Config::load(Some(&f), &env(&[])).is_err());
        // Slack tokens come from the environment only.
        std::fs::write(&f, "[slack]\nbot_token = \"xoxb-secret\"\n").unwrap();
        assert!(Config::load(Some(&f), &env(&[])).is_err());
    }

    #[test]
    fn the_example_config_loads() {
        let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/vm-doctor.example.toml");
        let c = Config::load(Some(&f), &env(&[])).unwrap();
        assert_eq!(c.slack.team_limit.max, 60);
    }

    #[test]
    fn slack_settings_from_file_and_env_secrets_never_shown() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(
            &f,
            "[slack]\nchannels = [\"C1\"]\nsupport_group = \"S1\"\nuser_limit = \"2/60\"\n",
        )
        .unwrap();
        let c = Config::load(
            Some(&f),
            &env(&[
                ("VM_DOCTOR_SLACK_BOT_TOKEN", "xoxb-very-secret"),
                ("VM_DOCTOR_SLACK_APP_TOKEN", "xapp-very-secret"),
                ("VM_DOCTOR_SLACK_SIGNING_SECRET", "sign-very-secret"),
                ("VM_DOCTOR_SLACK_API_URL", "http://127.0.0.1:9/api/"),
                ("VM_DOCTOR_SLACK_CHANNELS", "C2, C3"),
            ]),
        )
        .unwrap();
        assert_eq!(c.slack.channels, ["C2", "C3"]);
        assert_eq!(c.slack.support_group.as_deref(), Some("S1"));
        assert_eq!(c.slack.user_limit.max, 2);
        assert_eq!(c.slack.api_base(), "http://127.0.0.1:9/api");
        assert_eq!(c.slack.bot_token, "xoxb-very-secret");
        let shown = format!("{c:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        let c = Config::load(
            None,
            &env(&[("VM_DOCTOR_DISCORD_TOKEN", "discord-very-secret")]),
        )
        .unwrap();
        assert_eq!(c.discord.token, "discord-very-secret");
        let shown = format!("{c:?}");
        assert!(!shown.contains("very-secret"), "{shown}");
        let e = Config::load(None, &env(&[("VM_DOCTOR_SLACK_API_URL", "slack.com")])).unwrap_err();
        assert!(e.to_string().contains("VM_DOCTOR_SLACK_API_URL"));
    }

    #[test]
    fn slack_socket_mode_connections_default_to_two_and_stay_within_slack_s_ten() {
        let c = Config::load(None, &env(&[])).unwrap();
        assert_eq!(c.slack.connections, 2);
        let c = Config::load(None, &env(&[("VM_DOCTOR_SLACK_CONNECTIONS", "4")])).unwrap();
        assert_eq!(c.slack.connections, 4);
        for bad in ["1", "11", "0", "two"] {
            let e = Config::load(None, &env(&[("VM_DOCTOR_SLACK_CONNECTIONS", bad)])).unwrap_err();
            assert!(
                e.to_string().contains("VM_DOCTOR_SLACK_CONNECTIONS"),
                "{bad}: {e}"
            );
        }
    }

    #[test]
    fn the_example_config_is_valid_and_says_the_defaults() {
        let f = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../deploy/vm-doctor.example.toml");
        let c = Config::load(Some(&f), &env(&[])).unwrap();
        assert_eq!(c.ports, PortPolicy::default());
        assert_eq!(c.admission, AdmissionConfig::default());
        assert_eq!(c.prune_interval, Duration::from_secs(600));
    }

    #[test]
    fn a_token_in_the_file_is_never_echoed() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        for text in [
            "token = \"MTIzNDU2Nzg5.sekrit-token\"\n",
            "[discord]\ntoken = \"MTIzNDU2Nzg5.sekrit-token\"\n",
            "session_ttl_secs = \"MTIzNDU2Nzg5.sekrit-token\"\n",
            "default_lang = \"en\"\nMTIzNDU2Nzg5.sekrit-token\n",
        ] {
            std::fs::write(&f, text).unwrap();
            let e = format!("{:#}", Config::load(Some(&f), &env(&[])).unwrap_err());
            assert!(!e.contains("sekrit"), "{e}");
            assert!(e.contains("line "), "{e}");
        }
    }

    #[test]
    fn rejected_values_are_never_echoed_and_urls_hide_their_user_info() {
        let secret = "hunter2-sekrit";
        for (k, v) in [
            (
                "VM_DOCTOR_DISCORD_API_URL",
                format!("discord.example/{secret}"),
            ),
            ("VM_DOCTOR_SLACK_API_URL", format!("ftp://u:{secret}@h/")),
            ("VM_DOCTOR_TICKET_URL", format!("{secret}.example")),
            ("VM_DOCTOR_LANG", secret.to_owned()),
            ("VM_DOCTOR_DISCORD_THREADS", secret.to_owned()),
            ("VM_DOCTOR_USER_PROBES", secret.to_owned()),
            ("VM_DOCTOR_EGRESS_IPS", secret.to_owned()),
            ("VM_DOCTOR_DISCORD_GUILDS", secret.to_owned()),
            ("VM_DOCTOR_CONNECT_TIMEOUT_MS", secret.to_owned()),
        ] {
            let e = format!("{:#}", Config::load(None, &env(&[(k, &v)])).unwrap_err());
            assert!(e.contains(k), "the key is named: {e}");
            assert!(!e.contains("hunter2"), "{k}: the value is not echoed: {e}");
        }
        let c = Config::load(
            None,
            &env(&[
                (
                    "VM_DOCTOR_DISCORD_API_URL",
                    "https://bot:hunter2@proxy.example:8443/api",
                ),
                (
                    "VM_DOCTOR_SLACK_API_URL",
                    "https://bot:hunter2@proxy.example/api/",
                ),
            ]),
        )
        .unwrap();
        let shown = format!("{c:?}");
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("***@proxy.example:8443"), "{shown}");
        assert_eq!(
            redact_url("https://bot:hunter2@proxy.example/api"),
            "https://***@proxy.example/api"
        );
    }

    #[test]
    fn debug_output_redacts_the_token() {
        let c = Config::load(None, &env(&[("VM_DOCTOR_DISCORD_TOKEN", "MTIz.sekrit")])).unwrap();
        let d = format!("{c:?} {:?}", c.discord);
        assert!(!d.contains("sekrit"), "{d}");
        assert!(d.contains("<redacted>"), "{d}");
    }

    #[test]
    fn port_policy_and_budgets() {
        let c = Config::load(None, &env(&[])).unwrap();
        assert!(c.ports.allows(22) && c.ports.allows(2222) && !c.ports.allows(6379 - 6000));
        assert_eq!(c.ports.max_per_conversation, 4);
        assert_eq!(c.admission, AdmissionConfig::default());
        let c = Config::load(
            None,
            &env(&[
                ("VM_DOCTOR_ALLOWED_PORTS", "22, 3389"),
                ("VM_DOCTOR_MAX_PORTS", "2"),
                ("VM_DOCTOR_USER_PROBES", "3/60"),
                ("VM_DOCTOR_TARGET_PROBES", "5/300"),
            ]),
        )
        .unwrap();
        assert!(!c.ports.allows(2222));
        assert_eq!(c.ports.max_per_conversation, 2);
        assert_eq!(c.admission.per_user, Rate::new(3, 60));
        assert_eq!(c.admission.per_target, Rate::new(5, 300));
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("c.toml");
        std::fs::write(
            &f,
            "allowed_ports = \"22,3389,2000-2999\"\nmax_ports_per_conversation = 3\n[limits]\nspace_probes = \"50/600\"\n",
        )
        .unwrap();
        let c = Config::load(Some(&f), &env(&[])).unwrap();
        assert!(c.ports.allows(2500) && !c.ports.allows(3000));
        assert_eq!(c.admission.per_space, Rate::new(50, 600));
        for (k, v) in [
            ("VM_DOCTOR_ALLOWED_PORTS", "22,70000"),
            ("VM_DOCTOR_MAX_PORTS", "0"),
            ("VM_DOCTOR_USER_PROBES", "lots"),
        ] {
            assert!(Config::load(None, &env(&[(k, v)])).is_err(), "{k}={v}");
        }
    }
}
