//! # vmd-runtime
//!
//! Everything the adapters share around the pure engine: the [`driver`] that
//! executes effects, the sled [`store`], Fluent [`i18n`] and text [`render`]ing,
//! and the embedded runbooks.

pub mod admission;
pub mod driver;
#[cfg(any(test, feature = "fake"))]
pub mod fake;
pub mod files;
pub mod httpd;
pub mod i18n;
pub mod kit;
pub mod outcomes;
pub mod redact;
pub mod render;
pub mod retention;
pub mod shutdown;
pub mod store;
#[cfg(any(test, feature = "fake"))]
pub mod store_suite;
pub mod telemetry;
pub mod understand;

pub use driver::{Driver, DriverConfig, DriverError, Outgoing};

use vmd_core::engine::ENGINE_MESSAGE_IDS;
use vmd_core::runbook::{RunbookError, Runbooks};

/// The runbooks shipped in the binary, as (file name, text).
pub const RUNBOOK_FILES: &[(&str, &str)] = &[
    ("triage.toml", include_str!("../../runbooks/triage.toml")),
    ("common.toml", include_str!("../../runbooks/common.toml")),
    ("windows.toml", include_str!("../../runbooks/windows.toml")),
    ("linux.toml", include_str!("../../runbooks/linux.toml")),
    ("routes.toml", include_str!("../../runbooks/routes.toml")),
];

/// The runbook a diagnosis starts in.
pub const ENTRY_RUNBOOK: &str = "triage";

/// Loads and fully validates runbooks: graph, then every message id in every locale.
pub fn load_runbooks(
    files: &[(&str, &str)],
    loc: &i18n::Localizer,
) -> Result<Runbooks, RunbookError> {
    let rb = Runbooks::load(files, ENTRY_RUNBOOK)?;
    rb.check_topics(understand::GLOSSARY_TERMS)?;
    for lang in vmd_core::command::Lang::ALL {
        rb.check_messages(lang.tag(), |id| loc.has(lang, id))?;
        for id in ENGINE_MESSAGE_IDS
            .iter()
            .chain(vmd_core::limits::LIMIT_MESSAGE_IDS)
        {
            if !loc.has(lang, id) {
                return Err(RunbookError::MissingMessage {
                    step: "(engine)".into(),
                    id: (*id).into(),
                    locale: lang.tag().into(),
                });
            }
        }
    }
    Ok(rb)
}
