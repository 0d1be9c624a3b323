//! Metrics, through the [`metrics`] facade: the runtime and the adapters call
//! these functions at a few points; the binary installs a Prometheus recorder
//! (without one they cost next to nothing). Label values are closed sets
//! (platform names, outcomes, finding codes, probe parts, error kinds): never
//! an IP address, a user or a conversation id.

use std::time::Duration;
use vmd_core::session::Outcome;

pub const CONVERSATIONS_STARTED: &str = "vm_doctor_conversations_started_total";
pub const OUTCOMES: &str = "vm_doctor_conversation_outcomes_total";
pub const TURN_DURATION: &str = "vm_doctor_turn_duration_seconds";
pub const PROBE_DURATION: &str = "vm_doctor_probe_duration_seconds";
pub const FINDINGS: &str = "vm_doctor_findings_total";
pub const ACTIVE_CONVERSATIONS: &str = "vm_doctor_active_conversations";
pub const TURNS_IN_FLIGHT: &str = "vm_doctor_turns_in_flight";
pub const PLATFORM_ERRORS: &str = "vm_doctor_platform_errors_total";
pub const RATE_LIMITED: &str = "vm_doctor_rate_limited_total";
pub const RETENTION_PRUNED: &str = "vm_doctor_retention_pruned_total";
pub const TAKEN_UP: &str = "vm_doctor_interrupted_taken_up_total";
pub const DUPLICATE_ANSWERS: &str = "vm_doctor_duplicate_answers_total";
pub const CLOUD_LOOKUPS: &str = "vm_doctor_cloud_lookup_seconds";

/// Every metric this crate emits, for exporters that want the names up front.
pub const ALL: &[&str] = &[
    CONVERSATIONS_STARTED,
    OUTCOMES,
    TURN_DURATION,
    PROBE_DURATION,
    FINDINGS,
    ACTIVE_CONVERSATIONS,
    TURNS_IN_FLIGHT,
    PLATFORM_ERRORS,
    RATE_LIMITED,
    RETENTION_PRUNED,
    TAKEN_UP,
    DUPLICATE_ANSWERS,
    CLOUD_LOOKUPS,
];

/// Registers help texts with the installed recorder.
pub fn describe() {
    use metrics::{describe_counter, describe_gauge, describe_histogram, Unit};
    describe_counter!(
        CONVERSATIONS_STARTED,
        "Diagnoses started (first probe of a conversation)"
    );
    describe_counter!(OUTCOMES, "Conversations ended, by outcome");
    describe_histogram!(
        TURN_DURATION,
        Unit::Seconds,
        "Time to handle one input, probes included"
    );
    describe_histogram!(
        PROBE_DURATION,
        Unit::Seconds,
        "Time from the start of a probe run until each part finished (icmp, port) and the whole run"
    );
    describe_counter!(FINDINGS, "Findings of first probes, by code");
    describe_gauge!(
        ACTIVE_CONVERSATIONS,
        "Stored conversations not yet ended (counted when the store opens, then kept as turns store them)"
    );
    describe_gauge!(TURNS_IN_FLIGHT, "Turns being handled right now");
    describe_counter!(
        PLATFORM_ERRORS,
        "Failed calls to the chat platform, by kind"
    );
    describe_counter!(
        RATE_LIMITED,
        "Diagnoses refused by the per-user or per-guild limit"
    );
    describe_counter!(
        RETENTION_PRUNED,
        "Records removed by the retention task, by kind"
    );
    describe_counter!(
        TAKEN_UP,
        "Probes or name lookups a stopped process left under way, run again (a crash or the shutdown deadline)"
    );
    describe_counter!(
        DUPLICATE_ANSWERS,
        "Clicks or form answers for a question already answered, ignored (double clicks, retries)"
    );
    describe_histogram!(
        CLOUD_LOOKUPS,
        Unit::Seconds,
        "Time the provider's API lookups took after a first probe, by outcome"
    );
}

/// `outcome`: `found`, `not-ours`, `auth`, `throttled`, `timeout`, `budget`, `error`.
pub fn cloud_lookup(outcome: &'static str, d: Duration) {
    metrics::histogram!(CLOUD_LOOKUPS, "outcome" => outcome).record(d.as_secs_f64());
}

pub fn taken_up(platform: &str) {
    metrics::counter!(TAKEN_UP, "platform" => platform.to_owned()).increment(1);
}

pub fn duplicate_answer(platform: &str) {
    metrics::counter!(DUPLICATE_ANSWERS, "platform" => platform.to_owned()).increment(1);
}

pub fn conversation_started(platform: &str) {
    metrics::counter!(CONVERSATIONS_STARTED, "platform" => platform.to_owned()).increment(1);
}

pub fn outcome(platform: &str, o: Outcome) {
    let o = match o {
        Outcome::Fixed => "fixed",
        Outcome::Escalated => "escalated",
        Outcome::Abandoned => "abandoned",
    };
    metrics::counter!(OUTCOMES, "platform" => platform.to_owned(), "outcome" => o).increment(1);
}

pub fn turn_duration(d: Duration) {
    metrics::histogram!(TURN_DURATION).record(d.as_secs_f64());
}

/// `part`: `icmp`, `port` or `run` (the whole run).
pub fn probe_part(part: &'static str, d: Duration) {
    metrics::histogram!(PROBE_DURATION, "part" => part).record(d.as_secs_f64());
}

pub fn finding(code: &'static str) {
    metrics::counter!(FINDINGS, "code" => code).increment(1);
}

pub fn active_conversations(n: usize) {
    metrics::gauge!(ACTIVE_CONVERSATIONS).set(n as f64);
}

pub fn turns_in_flight(n: usize) {
    metrics::gauge!(TURNS_IN_FLIGHT).set(n as f64);
}

/// `kind`: a short closed set per adapter, e.g. `api`, `gateway`, `store`, `turn`.
pub fn platform_error(platform: &str, kind: &'static str) {
    metrics::counter!(PLATFORM_ERRORS, "platform" => platform.to_owned(), "kind" => kind)
        .increment(1);
}

pub fn rate_limited(platform: &str) {
    metrics::counter!(RATE_LIMITED, "platform" => platform.to_owned()).increment(1);
}

/// `kind`: `reports` or `outcomes`.
pub fn retention_pruned(kind: &'static str, n: usize) {
    metrics::counter!(RETENTION_PRUNED, "kind" => kind).increment(n as u64);
}
