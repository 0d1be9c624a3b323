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
use vmd_probe::ProbeConfig;

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
    #[serde(default)]
    probe: ProbeSection,
    #[serde(default)]
    discord: DiscordSection,
    #[serde(default)]
    slack: SlackSection,
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

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProbeSection {
    connect_timeout_ms: Option<u64>,
    handshake_timeout_ms: Option<u64>,
    icmp_count: Option<u32>,
    icmp_timeout_ms: Option<u64>,
    max_concurrent: Option<usize>,
}

/// The resolved configuration.
#[derive(Clone, Debug)]
pub struct Config {
    pub data_dir: PathBuf,
    pub default_lang: Lang,
    pub session_ttl: Duration,
    pub ticket_url: String,
    pub allow_targets: Vec<IpNet>,
    pub probe: ProbeConfig,
    pub max_concurrent_probes: usize,
    pub discord: vmd_discord::DiscordConfig,
    pub slack: vmd_slack::SlackConfig,
}

fn ids(what: &str, v: &str) -> Result<Vec<u64>> {
    v.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<u64>()
                .with_context(|| format!("{what}: {s:?} is not a Discord id"))
        })
        .collect()
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
                toml::from_str(&text)
                    .with_context(|| format!("parsing config file {}", p.display()))?
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
            bail!("unknown language {lang_s:?}: use en or ko");
        };
        let ttl = num("VM_DOCTOR_SESSION_TTL_SECS")?
            .or(fc.session_ttl_secs)
            .unwrap_or(7 * 24 * 3600);
        let ticket_url = var("VM_DOCTOR_TICKET_URL")
            .or(fc.ticket_url)
            .unwrap_or_else(|| DEFAULT_TICKET_URL.to_owned());
        if !ticket_url.starts_with("https://") && !ticket_url.starts_with("http://") {
            bail!("ticket URL must start with https:// or http://");
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
                other => bail!("VM_DOCTOR_DISCORD_THREADS must be true or false, not {other:?}"),
            },
            None => ds.threads.unwrap_or(true),
        };
        let discord = vmd_discord::DiscordConfig {
            token: var("VM_DOCTOR_DISCORD_TOKEN").unwrap_or_default(),
            api_url: var("VM_DOCTOR_DISCORD_API_URL").or(ds.api_url),
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
        Ok(Config {
            slack,
            discord,
            data_dir,
            default_lang,
            session_ttl: Duration::from_secs(ttl.max(60)),
            ticket_url,
            allow_targets,
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
}
