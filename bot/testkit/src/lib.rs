//! What the adapters' tests and benchmarks share, so that each adapter's
//! tests hold only what is its platform's own (its fake, its event
//! payloads, its config). A dev-dependency only: never in the binary.
//!
//! The runtime's `fake` feature keeps the doubles that are the runtime's
//! own (the scripted [`vmd_runtime::fake::GateProber`], the test driver);
//! this crate builds on them with what the adapters' tests do alike:
//! [`setup`] (a driver on a temporary sled store, host names without a
//! network, the burst's driver), [`probers`] (the counting prober of the
//! authorisation tests), [`cloud`] (the provider's answer), [`escape`]
//! (the hostile corpus and what may never reach a platform), [`burst`]
//! (waiting for a burst, measuring it, the benchmarks' summary), [`chaos`]
//! (the chaos runs' seed and generator), [`http`]
//! (a request as the fakes read it, its body as JSON), [`transcript`] (what
//! a user's transcript must hold, the trial tests') and [`wait`]
//! (conditions with a generous deadline, never a timing assertion). Each
//! adapter's `tests/support/` adds its platform's own set-up on top.

pub mod burst;
pub mod chaos;
pub mod cloud;
pub mod escape;
pub mod http;
pub mod probers;
pub mod setup;
pub mod transcript;
pub mod wait;
