//! A driver as the adapters' tests start it: the runtime's test driver on a
//! sled store in the test's temporary directory.

use std::net::IpAddr;
use std::path::Path;
use std::sync::Arc;
use vmd_probe::Prober;
use vmd_runtime::admission::{AdmissionConfig, Rate};
use vmd_runtime::driver::NameLookup;
use vmd_runtime::fake::{sled_store, test_driver, InstantProber};
use vmd_runtime::store::SledStore;
use vmd_runtime::Driver;

/// The host name [`Names`] resolves.
pub const HOST: &str = "web.example.com";
/// The address it resolves to.
pub const HOST_ADDR: &str = "203.0.113.25";

/// Host names the tests resolve, without any network: [`HOST`] is
/// [`HOST_ADDR`], every other name is unknown.
pub struct Names;

impl NameLookup for Names {
    fn lookup(
        &self,
        name: &str,
    ) -> std::pin::Pin<Box<dyn std::future::Future<Output = std::io::Result<Vec<IpAddr>>> + Send>>
    {
        let found = (name == HOST).then(|| vec![HOST_ADDR.parse().expect("static address")]);
        Box::pin(async move { found.ok_or_else(|| std::io::Error::other("no such name")) })
    }
}

/// The runtime's test driver with `prober`, its sled store in `data/sled`.
pub async fn driver<P: Prober>(data: &Path, prober: P) -> Arc<Driver<P, SledStore>> {
    Arc::new(test_driver(prober, sled_store(&data.join("sled")).await))
}

/// [`driver`] resolving host names with [`Names`].
pub async fn driver_with_names<P: Prober>(data: &Path, prober: P) -> Arc<Driver<P, SledStore>> {
    let store = sled_store(&data.join("sled")).await;
    Arc::new(test_driver(prober, store).with_name_lookup(Arc::new(Names)))
}

/// The driver of a burst of `n` conversations in one guild or workspace:
/// every probe answered at once, and the space's probe budget holding the
/// whole burst (the default, 120 per 10 minutes, would refuse most of it).
pub fn burst_driver(store: SledStore, n: usize) -> Arc<Driver<InstantProber, SledStore>> {
    Arc::new(
        test_driver(InstantProber, store).with_admission(AdmissionConfig {
            per_space: Rate::new(10 * n as u32, 600),
            ..AdmissionConfig::default()
        }),
    )
}
