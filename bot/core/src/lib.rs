//! # vmd-core
//!
//! The pure heart of vm-doctor: the command grammar, the runbook model and its
//! validation, the conversation engine, findings and the target policy.
//!
//! **Architecture invariant:** nothing in this crate performs I/O, reads a clock
//! or knows a chat platform or a language. Inputs come in, effects go out.

pub mod cloud;
pub mod command;
pub mod correct;
pub mod engine;
pub mod evidence;
pub mod facts;
pub mod findings;
pub mod limits;
pub mod msg;
pub mod outcome;
pub mod paste;
pub mod policy;
pub mod ports;
pub mod probe;
pub mod report;
pub mod runbook;
pub mod session;
pub mod text;
pub mod understand;

pub use engine::{Effect, Engine, EngineConfig, Input};
