//! A burst of conversations against a fake platform: waiting until each
//! event of a burst was answered (the burst tests), and how long each took
//! (the benchmarks).

use std::collections::{HashMap, HashSet};
use std::fmt::Debug;
use std::hash::Hash;
use std::time::{Duration, Instant};
use vmd_runtime::fake::percentile;

/// Waits until every id in `ids` is in `answered()` (polled every 50 ms);
/// panics after `wait`, naming how many `what` (e.g. "interactions never
/// got a callback") were lost.
pub async fn all_answered<K: Hash + Eq + Debug>(
    ids: &[K],
    wait: Duration,
    what: &str,
    answered: impl Fn() -> HashSet<K>,
) {
    let deadline = Instant::now() + wait;
    loop {
        let got = answered();
        let missing: Vec<_> = ids.iter().filter(|id| !got.contains(*id)).collect();
        if missing.is_empty() {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "{} of {} {what} (dropped), e.g. {:?}",
            missing.len(),
            ids.len(),
            &missing[..missing.len().min(5)]
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// The address the `i`th conversation of a burst diagnoses (one of 250 in
/// the documentation range the test driver admits).
pub fn target(i: usize) -> String {
    format!("203.0.113.{}", 1 + i % 250)
}

/// The burst size a benchmark was asked for: its first argument, else 100.
pub fn bench_size() -> usize {
    std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(100)
}

/// What one burst of events got.
pub struct Burst {
    /// From sending each event to its first answer, sorted.
    pub latencies: Vec<Duration>,
    /// Events never answered.
    pub dropped: usize,
    /// Events answered more than once.
    pub doubled: usize,
}

impl Burst {
    /// Waits (up to `give_up`) until each of `sent` (id, when sent) has an
    /// answer in `answers()` (every answer's arrival, by id; polled every
    /// 5 ms), then measures.
    pub async fn wait<K: Hash + Eq>(
        sent: &[(K, Instant)],
        give_up: Duration,
        answers: impl Fn() -> HashMap<K, Vec<Instant>>,
    ) -> Burst {
        let deadline = Instant::now() + give_up;
        let mut got = answers();
        while sent.iter().any(|(id, _)| !got.contains_key(id)) && Instant::now() < deadline {
            tokio::time::sleep(Duration::from_millis(5)).await;
            got = answers();
        }
        let mut latencies: Vec<Duration> = sent
            .iter()
            .filter_map(|(id, at)| Some(got.get(id)?[0].saturating_duration_since(*at)))
            .collect();
        latencies.sort();
        Burst {
            dropped: sent.len() - latencies.len(),
            doubled: sent
                .iter()
                .filter(|(id, _)| got.get(id).is_some_and(|v| v.len() > 1))
                .count(),
            latencies,
        }
    }

    /// Prints one line: `what`, the latency quantiles of `measure` (e.g.
    /// "first callback") against the platform's 3 s deadline, the dropped
    /// and those answered twice (`twice`, e.g. "answered twice"); or, with
    /// no `answer` (e.g. "callback") at all, how many were dropped.
    pub fn report(&self, what: &str, (measure, answer): (&str, &str), twice: &str) {
        let ms = |d: Duration| d.as_secs_f64() * 1e3;
        let Some(max) = self.latencies.last().copied() else {
            println!("{what}: no {answer} at all; dropped {}", self.dropped);
            return;
        };
        let (p50, p99) = (
            percentile(&self.latencies, 0.5),
            percentile(&self.latencies, 0.99),
        );
        println!(
            "{what}: {measure} p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; p99 / 3 s deadline {:.4}; dropped {}, {twice} {}",
            ms(p50),
            ms(p99),
            ms(max),
            p99.as_secs_f64() / 3.0,
            self.dropped,
            self.doubled
        );
    }
}

/// What a benchmark says about its events: `measure` and `answer` as in
/// [`Burst::report`], `twice` (e.g. "answered twice"), `events` (e.g.
/// "interactions") and how long one may go unanswered (`give_up`).
pub struct Words<'a> {
    pub measure: &'a str,
    pub answer: &'a str,
    pub twice: &'a str,
    pub events: &'a str,
    pub give_up: Duration,
}

/// Prints a benchmark's summary: `n` conversations at once, its two bursts
/// (the starts, then the clicks on the first answer), the events dropped,
/// and how many conversations per second reached their first question
/// (`to_first`) and their second (`to_second`).
pub fn summary(
    n: usize,
    words: &Words,
    (starts, clicks): ((&str, &Burst), (&str, &Burst)),
    (to_first, to_second): (Duration, Duration),
) {
    println!("conversations at once: {n}");
    for (what, b) in [starts, clicks] {
        b.report(what, (words.measure, words.answer), words.twice);
    }
    println!(
        "dropped {} (no {} within {} s): {}",
        words.events,
        words.answer,
        words.give_up.as_secs(),
        starts.1.dropped + clicks.1.dropped
    );
    report_rate("diagnoses per second to the first question", n, to_first);
    report_rate("answers per second to the second question", n, to_second);
}

/// Prints how many conversations per second reached a question: `n` in
/// `took`.
fn report_rate(what: &str, n: usize, took: Duration) {
    println!(
        "{what}: {:.1} ({} in {:.2} s)",
        n as f64 / took.as_secs_f64(),
        n,
        took.as_secs_f64()
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_burst_counts_the_dropped_and_the_doubled() {
        let t0 = Instant::now();
        let sent = [(1, t0), (2, t0), (3, t0)];
        let later = t0 + Duration::from_millis(4);
        let got = HashMap::from([(1, vec![later]), (2, vec![later, later])]);
        let b = Burst::wait(&sent, Duration::ZERO, || got.clone()).await;
        assert_eq!((b.dropped, b.doubled, b.latencies.len()), (1, 1, 2));
        assert_eq!(b.latencies[0], Duration::from_millis(4));
    }

    #[tokio::test]
    #[should_panic(expected = "1 of 2 envelopes never acknowledged (dropped)")]
    async fn a_lost_event_fails_the_wait() {
        all_answered(
            &["a", "b"],
            Duration::ZERO,
            "envelopes never acknowledged",
            || HashSet::from(["a"]),
        )
        .await;
    }
}
