//! The provider's API in the binary: the driver's [`CloudApi`] over
//! `vmd-cloud`'s lookups, and `vm-doctor cloud <ip>` (what the API says
//! about an address, as text or JSON).

use crate::config::{CloudSettings, Config};
use anyhow::{bail, Context, Result};
use std::net::IpAddr;
use vmd_core::cloud::{CloudAnswer, CloudRequest, SourceRole};
use vmd_core::command::Lang;
use vmd_core::msg::Msg;
use vmd_core::session::SessionKey;
use vmd_runtime::driver::CloudApi;
use vmd_runtime::i18n::Localizer;

/// `vmd-cloud`'s lookups as the driver asks them.
pub struct Api {
    lookups: vmd_cloud::Lookups,
}

impl Api {
    pub fn new(c: &CloudSettings) -> Result<Api, vmd_cloud::CloudError> {
        let client = vmd_cloud::Client::new(c.credentials.clone(), c.client.clone())?;
        Ok(Api {
            lookups: vmd_cloud::Lookups::new(client),
        })
    }

    pub fn lookups(&self) -> &vmd_cloud::Lookups {
        &self.lookups
    }
}

impl CloudApi for Api {
    fn lookup<'a>(
        &'a self,
        conversation: &'a SessionKey,
        req: &'a CloudRequest,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = CloudAnswer> + Send + 'a>> {
        Box::pin(async move {
            // The budget key stays in memory; it is never logged.
            let key = format!(
                "{}\u{1f}{}\u{1f}{}",
                conversation.platform, conversation.conversation, conversation.user
            );
            self.lookups.answer(&key, req).await
        })
    }
}

/// The request `vm-doctor cloud` and the conversation make: the login port
/// from each of the bot's egress addresses.
pub fn request(cfg: &Config, ip: IpAddr, port: u16) -> CloudRequest {
    CloudRequest {
        ip,
        port,
        sources: cfg
            .egress_ips
            .iter()
            .map(|e| (SourceRole::Bot, *e))
            .collect(),
    }
}

/// `vm-doctor cloud <ip>`: asks the API and prints what it says.
pub fn command(cfg: &Config, ip: &str, port: u16, json: bool, lang: Lang) -> Result<()> {
    let Some(c) = &cfg.cloud else {
        bail!("no cloud API credentials: set VM_DOCTOR_TENCENT_SECRET_ID and VM_DOCTOR_TENCENT_SECRET_KEY (and VM_DOCTOR_TENCENT_REGIONS)");
    };
    let ip: IpAddr = vmd_core::command::parse_ip(ip)
        .map_err(|_| anyhow::anyhow!("{ip:?} is not an IP address"))?;
    let api = Api::new(c).context("setting up the cloud API client")?;
    let req = request(cfg, ip, port);
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let answer = rt.block_on(async {
        tokio::time::timeout(c.lookup_deadline, api.lookups().lookup("cli", &req)).await
    });
    let answer = match answer {
        Ok(Ok(a)) => a,
        Ok(Err(e)) => bail!("the cloud API lookup failed: {e} ({})", e.code()),
        Err(_) => bail!(
            "the cloud API lookup took longer than {:?}",
            c.lookup_deadline
        ),
    };
    if json {
        println!("{}", serde_json::to_string_pretty(&answer)?);
        return Ok(());
    }
    let loc = Localizer::embedded()?;
    print!("{}", text(&loc, lang, &answer, port));
    Ok(())
}

/// The answer as plain text, a line per subject (the report's wording).
pub fn text(loc: &Localizer, lang: Lang, answer: &CloudAnswer, port: u16) -> String {
    let report = vmd_core::report::Report {
        target: None,
        target_name: None,
        os: None,
        service_port: port,
        started_ms: 0,
        generated_ms: 0,
        outcome: None,
        at_step: None,
        probes: Vec::new(),
        checks: Vec::new(),
        ruled_out: Vec::new(),
        disputed: Vec::new(),
        findings: Vec::new(),
        pastes: Vec::new(),
        earlier: Vec::new(),
        forgotten: 0,
        summary: None,
        egress: Vec::new(),
        corrections: Vec::new(),
        cloud: Some(answer.clone()),
        opening: None,
        ruled_out_how: Vec::new(),
        contradictions: Vec::new(),
        evidence: Vec::new(),
        decisions: Vec::new(),
        user_lang: None,
    };
    // The report's section, without its markdown heading.
    let md = vmd_runtime::render::report_markdown(loc, lang, &report);
    let heading = format!("## {}", loc.text(lang, "report-cloud"));
    let mut out = String::new();
    let mut inside = false;
    for line in md.lines() {
        if line == heading {
            inside = true;
            out.push_str(&loc.render(lang, &Msg::new("report-cloud")));
            out.push('\n');
            continue;
        }
        if inside && line.starts_with("## ") {
            break;
        }
        if inside && !line.trim().is_empty() {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}
