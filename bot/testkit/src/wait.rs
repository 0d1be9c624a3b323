//! Waiting for a condition with a generous deadline (never a timing
//! assertion: the deadline is only reached when something is lost).

use std::time::Duration;

/// Polls `f` every 20 ms until it holds; panics with `never: {what}` after
/// `wait`.
pub async fn until(wait: Duration, what: &str, f: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + wait;
    while !f() {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Polls `f` every 20 ms until it gives a value; panics with `message`
/// after `wait`.
pub async fn some<T>(wait: Duration, message: impl Fn() -> String, f: impl Fn() -> Option<T>) -> T {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if let Some(v) = f() {
            return v;
        }
        assert!(tokio::time::Instant::now() < deadline, "{}", message());
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Polls `text` every 20 ms until it contains `needle`; panics with
/// `no {needle:?} in {text}` after `wait`.
pub async fn text(wait: Duration, needle: &str, text: impl Fn() -> String) {
    let deadline = tokio::time::Instant::now() + wait;
    while !text().contains(needle) {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no {needle:?} in {}",
            text()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}
