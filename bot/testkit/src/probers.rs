//! Probers of the authorisation tests.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use vmd_core::probe::{PortReason, PortState, ProbeReport, ProbeRequest};
use vmd_probe::Prober;

/// Counts probes; every port filtered (the runbooks go on from there).
#[derive(Clone, Default)]
pub struct Counting(pub Arc<AtomicUsize>);

impl Counting {
    /// The probes counted so far.
    pub fn count(&self) -> usize {
        self.0.load(Ordering::SeqCst)
    }
}

/// Shows the count.
impl std::fmt::Debug for Counting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", self.count())
    }
}

impl Prober for Counting {
    fn probe(&self, req: &ProbeRequest) -> impl std::future::Future<Output = ProbeReport> + Send {
        // The probes a user starts (the alternate-port check after the
        // dropped login port is not one of them).
        if !req.alternates {
            self.0.fetch_add(1, Ordering::SeqCst);
        }
        let r = ProbeReport::uniform(req, PortState::Filtered, PortReason::Timeout, 1);
        async move { r }
    }
}
