//! # vmd-cloud
//!
//! Read-only Tencent Cloud API 3.0 lookups for vm-doctor: the request
//! signature ([`sign`], TC3-HMAC-SHA256), a bounded client ([`client`]:
//! timeouts, a response size cap, retries with backoff on throttling, a
//! per-minute and a per-conversation budget, errors by code) and what the
//! bot reads about a public address ([`lookup`]): the instance and its
//! restriction state, public bandwidth, security groups evaluated for the
//! login port, the last 30 minutes of CPU and outbound traffic.
//!
//! The facts are `vmd_core::cloud` plain data; the conversation engine
//! decides what they mean. The `fake` feature has a fake API on loopback
//! that verifies every request's signature.

pub mod client;
#[cfg(feature = "fake")]
pub mod fake;
pub mod lookup;
pub mod sign;

pub use client::{Client, ClientConfig, CloudError};
pub use lookup::Lookups;
pub use sign::{Credentials, SecretKey};
