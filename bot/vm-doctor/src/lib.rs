//! The `vm-doctor` binary's library half: configuration, wiring, and the
//! console adapter. `main.rs` is only the command line.

pub mod cloud;
pub mod config;
pub mod console;
pub mod doctor;
pub mod fleet;
pub mod ops;
pub mod store;

use anyhow::{Context, Result};
use config::Config;
use vmd_core::engine::{Engine, EngineConfig};
use vmd_core::policy::TargetPolicy;
use vmd_probe::Prober;
use vmd_runtime::i18n::Localizer;
use vmd_runtime::store::Store;
use vmd_runtime::{Driver, DriverConfig};

/// The target policy: deny-by-default, the operator's allow list, the
/// addresses of this machine's own interfaces (never a target unless the
/// allow list names one exactly), and the port policy. Loopback is left to
/// the deny table: every loopback address is this machine, so allowing a
/// loopback range already means probing it on purpose.
pub fn policy(cfg: &Config) -> TargetPolicy {
    let own = match if_addrs::get_if_addrs() {
        Ok(ifs) => ifs
            .into_iter()
            .map(|i| i.ip())
            .filter(|ip| !ip.is_loopback())
            .collect(),
        Err(e) => {
            tracing::warn!(error = %e, "could not list own addresses");
            Vec::new()
        }
    };
    TargetPolicy::new(cfg.allow_targets.clone())
        .with_own_addresses(own)
        .with_ports(cfg.ports.clone())
}

/// Builds a driver from config, runbooks and the given prober and store.
pub fn build_driver<P: Prober, S: Store>(
    cfg: &Config,
    runbook_files: &[(&str, &str)],
    prober: P,
    store: S,
) -> Result<Driver<P, S>> {
    let loc = Localizer::embedded().context("loading locales")?;
    let rb = vmd_runtime::load_runbooks(runbook_files, &loc).context("loading runbooks")?;
    let mut engine = Engine::new(
        rb,
        EngineConfig {
            idle_ttl_ms: cfg.session_ttl.as_millis() as u64,
            policy: policy(cfg),
            egress: cfg.egress_ips.clone(),
        },
    );
    if let Some(c) = &cfg.cloud {
        engine = engine.with_cloud(c.show);
    }
    let driver = Driver::new(
        engine,
        prober,
        store,
        loc,
        DriverConfig {
            default_lang: cfg.default_lang,
            support_lang: cfg.support_lang,
            ticket_template: cfg.ticket_url.clone(),
            max_concurrent_probes: cfg.max_concurrent_probes,
            probe_deadline: cfg.probe_deadline(),
        },
    )
    .with_admission(cfg.admission.clone());
    Ok(match &cfg.cloud {
        Some(c) => driver.with_cloud(
            std::sync::Arc::new(cloud::Api::new(c).context("setting up the cloud API client")?),
            c.lookup_deadline,
        ),
        None => driver,
    })
}
