//! HTTP mode, for teams that prefer the Events API to Socket Mode: one
//! endpoint (`POST /slack/events`) takes events, slash commands and
//! interactivity. Every request must carry a valid `X-Slack-Signature` over
//! `v0:{X-Slack-Request-Timestamp}:{raw body}` (HMAC-SHA256 with the signing
//! secret), with a timestamp at most five minutes from now. The headers are
//! checked before the body is read (missing, malformed or stale: 401 at once,
//! the body never read); the body is read up to 1 MiB, then the signature
//! over it is checked before it is parsed. The listener bounds every phase of
//! a connection and how many are open ([`vmd_runtime::httpd`]). The answer is
//! sent at once (an empty 200, or the `challenge` of a URL verification) and
//! the work is spawned.

use crate::{bot, Bot, SlackConfig, SlackError};
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use slack_morphism::prelude::*;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{SystemTime, UNIX_EPOCH};
use vmd_probe::Prober;
use vmd_runtime::store::Store;
use vmd_runtime::Driver;

/// How far a request's timestamp may be from now, in seconds.
pub const MAX_AGE_SECS: i64 = 5 * 60;

/// Why a request was refused.
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    #[error("missing or malformed signature headers")]
    Malformed,
    #[error("timestamp outside the five-minute window")]
    Stale,
    #[error("signature does not match")]
    Mismatch,
}

/// The largest request body read, in bytes.
pub const MAX_BODY: usize = 1 << 20;

/// Checks what can be checked before the body is read, at time `now` (Unix
/// seconds): a timestamp within [`MAX_AGE_SECS`] of now and a signature of
/// the right form. Returns the signature's bytes.
pub fn check_headers(
    timestamp: &str,
    signature: &str,
    now: i64,
) -> Result<Vec<u8>, SignatureError> {
    let ts = timestamp.trim();
    // An i64 has at most 20 characters; anything longer is not a timestamp.
    if ts.len() > 20 {
        return Err(SignatureError::Malformed);
    }
    let ts: i64 = ts.parse().map_err(|_| SignatureError::Malformed)?;
    match now.checked_sub(ts) {
        Some(age) if age.unsigned_abs() <= MAX_AGE_SECS.unsigned_abs() => {}
        _ => return Err(SignatureError::Stale),
    }
    let hex_sig = signature
        .strip_prefix("v0=")
        .ok_or(SignatureError::Malformed)?;
    // HMAC-SHA256: 32 bytes, 64 hex digits.
    if hex_sig.len() != 64 {
        return Err(SignatureError::Malformed);
    }
    hex::decode(hex_sig).map_err(|_| SignatureError::Malformed)
}

/// Checks Slack's request signature at time `now` (Unix seconds).
pub fn verify(
    secret: &str,
    timestamp: &str,
    body: &[u8],
    signature: &str,
    now: i64,
) -> Result<(), SignatureError> {
    let given = check_headers(timestamp, signature, now)?;
    let mut mac =
        Hmac::<Sha256>::new_from_slice(secret.as_bytes()).map_err(|_| SignatureError::Malformed)?;
    mac.update(b"v0:");
    mac.update(timestamp.trim().as_bytes());
    mac.update(b":");
    mac.update(body);
    // Constant-time comparison.
    mac.verify_slice(&given)
        .map_err(|_| SignatureError::Mismatch)
}

/// The `X-Slack-Signature` Slack would send for `body` at `timestamp` (for
/// tests and tools that play Slack).
pub fn sign(secret: &str, timestamp: &str, body: &[u8]) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(b"v0:");
    mac.update(timestamp.as_bytes());
    mac.update(b":");
    mac.update(body);
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// A running HTTP-mode bot.
pub struct HttpHandle {
    pub addr: SocketAddr,
    task: tokio::task::JoinHandle<()>,
}

impl HttpHandle {
    pub fn stop(self) {
        self.task.abort();
    }

    /// Runs until the server stops.
    pub async fn wait(self) {
        let _ = self.task.await;
    }
}

struct Http<P: Prober, S: Store> {
    bot: Arc<Bot<P, S>>,
    secret: String,
}

/// Serves the Events API on `addr` (e.g. `0.0.0.0:3000`), verifying every
/// request with `cfg.signing_secret`.
pub async fn serve<P, S>(
    cfg: SlackConfig,
    addr: SocketAddr,
    driver: Arc<Driver<P, S>>,
) -> Result<HttpHandle, SlackError>
where
    P: Prober + 'static,
    S: Store + 'static,
{
    let signing_secret = cfg.signing_secret.clone();
    if signing_secret.trim().is_empty() {
        return Err(SlackError::Client(
            "HTTP mode needs VM_DOCTOR_SLACK_SIGNING_SECRET".into(),
        ));
    }
    let bot = bot(cfg, driver).await?;
    let state_bot = bot.clone();
    let state = Arc::new(Http {
        bot,
        secret: signing_secret.trim().to_owned(),
    });
    let router = Router::new()
        .route("/slack/events", post(handle::<P, S>))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| SlackError::Client(format!("binding {addr}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| SlackError::Client(e.to_string()))?;
    tracing::info!(%addr, "Slack HTTP mode listening");
    let task = tokio::spawn(vmd_runtime::httpd::serve(
        listener,
        router,
        http_limits(),
        vmd_runtime::httpd::Stats::default(),
        "slack",
    ));
    tokio::spawn(state_bot.take_up_interrupted());
    Ok(HttpHandle { addr, task })
}

/// Deadlines and the connection cap of the Events API listener (Slack sends
/// a request at a time per event; a few hundred at once is a burst).
pub fn http_limits() -> vmd_runtime::httpd::Limits {
    vmd_runtime::httpd::Limits::default()
}

/// Slack's certificate check: a form POST with `ssl_check=1` (and a
/// `token`), possibly unsigned, to be answered 200 with an empty body.
fn is_ssl_check(body: &[u8]) -> bool {
    url::form_urlencoded::parse(body).any(|(k, v)| k == "ssl_check" && v == "1")
}

/// The largest body read from an unsigned request, for the certificate check.
const SSL_CHECK_MAX: usize = 256;

async fn handle<P: Prober + 'static, S: Store + 'static>(
    State(st): State<Arc<Http<P, S>>>,
    headers: HeaderMap,
    body: Body,
) -> Response {
    let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or("");
    // Headers first: an unsigned or stale request is refused unread, except
    // Slack's certificate check, a tiny form (`ssl_check=1&token=…`) that may
    // come unsigned: only a body declared at most 256 bytes is read for it.
    if let Err(e) = check_headers(
        h("x-slack-request-timestamp"),
        h("x-slack-signature"),
        now_secs(),
    ) {
        let small = h("content-length")
            .parse::<u64>()
            .is_ok_and(|n| n <= SSL_CHECK_MAX as u64);
        if small {
            if let Ok(b) = axum::body::to_bytes(body, SSL_CHECK_MAX).await {
                if is_ssl_check(&b) {
                    return StatusCode::OK.into_response();
                }
            }
        }
        tracing::warn!(error = %e, "refused an unsigned or badly signed request");
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let declared = h("content-length").parse::<u64>().ok();
    if declared.is_some_and(|n| n > MAX_BODY as u64) {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    }
    // The listener's request deadline bounds this read.
    let body: Bytes = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return StatusCode::PAYLOAD_TOO_LARGE.into_response(),
    };
    if is_ssl_check(&body) {
        // Slack checking the certificate: 200, nothing else.
        return StatusCode::OK.into_response();
    }
    if let Err(e) = verify(
        &st.secret,
        h("x-slack-request-timestamp"),
        &body,
        h("x-slack-signature"),
        now_secs(),
    ) {
        tracing::warn!(error = %e, "refused an unsigned or badly signed request");
        return StatusCode::UNAUTHORIZED.into_response();
    }
    let ctype = h("content-type");
    if ctype.starts_with("application/json") {
        let Ok(v) = serde_json::from_slice::<serde_json::Value>(&body) else {
            return StatusCode::BAD_REQUEST.into_response();
        };
        if v["type"] == "url_verification" {
            return axum::Json(serde_json::json!({"challenge": v["challenge"]})).into_response();
        }
        match serde_json::from_value::<SlackPushEvent>(v) {
            Ok(SlackPushEvent::EventCallback(ev)) if st.bot.driver.turns().is_draining() => {
                // A message for the bot starts nothing; its sender is told.
                tracing::info!("shutting down; event not taken");
                let bot = st.bot.clone();
                tokio::spawn(async move { bot.restarting_push(ev).await });
            }
            Ok(SlackPushEvent::EventCallback(ev)) => {
                let bot = st.bot.clone();
                tokio::spawn(async move { bot.on_push(ev).await });
            }
            Ok(_) => {}
            Err(_) => return StatusCode::BAD_REQUEST.into_response(),
        }
        return StatusCode::OK.into_response();
    }
    // Slash commands and interactivity come form-encoded.
    let form: serde_json::Map<String, serde_json::Value> = url::form_urlencoded::parse(&body)
        .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
        .collect();
    if let Some(payload) = form.get("payload").and_then(|p| p.as_str()) {
        match serde_json::from_str::<SlackInteractionEvent>(payload) {
            Ok(ev) => {
                let bot = st.bot.clone();
                if bot.driver.turns().is_draining() {
                    // Shutting down: the click starts nothing; its user is told.
                    tracing::info!("shutting down; click not taken");
                    tokio::spawn(async move { bot.restarting(ev).await });
                } else {
                    tokio::spawn(async move { bot.on_interaction(ev).await });
                }
                StatusCode::OK.into_response()
            }
            Err(_) => StatusCode::BAD_REQUEST.into_response(),
        }
    } else if form.contains_key("command") {
        match serde_json::from_value::<SlackCommandEvent>(serde_json::Value::Object(form)) {
            Ok(ev) if st.bot.driver.turns().is_draining() => {
                // Shutting down: the acknowledgement tells the user (ephemeral).
                tracing::info!("shutting down; command not taken");
                let text = st.bot.restarting_text(ev.user_id.as_ref());
                axum::Json(serde_json::json!({"response_type": "ephemeral", "text": text}))
                    .into_response()
            }
            Ok(ev) => {
                let bot = st.bot.clone();
                tokio::spawn(async move { bot.on_command(ev).await });
                StatusCode::OK.into_response()
            }
            Err(_) => StatusCode::BAD_REQUEST.into_response(),
        }
    } else {
        StatusCode::BAD_REQUEST.into_response()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Slack's documented example ("Verifying requests from Slack").
    const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
    const TS: &str = "1531420618";
    const BODY: &str = "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c";
    const SIG: &str = "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503";

    #[test]
    fn the_documented_vector_verifies() {
        let now = 1_531_420_618 + 10;
        assert_eq!(verify(SECRET, TS, BODY.as_bytes(), SIG, now), Ok(()));
    }

    #[test]
    fn sign_matches_the_documented_vector() {
        assert_eq!(sign(SECRET, TS, BODY.as_bytes()), SIG);
    }

    #[test]
    fn anything_else_is_refused() {
        let now = 1_531_420_618;
        let mut body = BODY.as_bytes().to_vec();
        body[0] = b'T';
        assert_eq!(
            verify(SECRET, TS, &body, SIG, now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify("another-secret", TS, BODY.as_bytes(), SIG, now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, "1531420619", BODY.as_bytes(), SIG, now),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(SECRET, TS, BODY.as_bytes(), SIG, now + MAX_AGE_SECS + 1),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(SECRET, TS, BODY.as_bytes(), SIG, now - MAX_AGE_SECS - 1),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(SECRET, TS, BODY.as_bytes(), &SIG[3..], now),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(SECRET, "soon", BODY.as_bytes(), SIG, now),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify(SECRET, TS, BODY.as_bytes(), "v0=zz", now),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn extreme_timestamps_are_stale_or_malformed_never_a_panic() {
        let now = 1_531_420_618;
        for ts in [
            i64::MAX.to_string(),
            i64::MIN.to_string(),
            format!("-{}", i64::MAX),
        ] {
            assert_eq!(
                verify(SECRET, &ts, BODY.as_bytes(), SIG, now),
                Err(SignatureError::Stale),
                "{ts}"
            );
            for now in [i64::MIN, i64::MAX, 0] {
                assert!(verify(SECRET, &ts, BODY.as_bytes(), SIG, now).is_err());
            }
        }
        for ts in [
            "9".repeat(10_000),
            format!("-{}", "9".repeat(10_000)),
            "1".repeat(21),
            String::new(),
        ] {
            assert_eq!(
                verify(SECRET, &ts, BODY.as_bytes(), SIG, now),
                Err(SignatureError::Malformed)
            );
        }
        assert_eq!(
            verify(SECRET, TS, BODY.as_bytes(), SIG, i64::MIN),
            Err(SignatureError::Stale)
        );
        assert_eq!(
            verify(SECRET, TS, BODY.as_bytes(), SIG, i64::MAX),
            Err(SignatureError::Stale)
        );
        let long_sig = format!("v0={}", "ab".repeat(100_000));
        assert_eq!(
            verify(SECRET, TS, BODY.as_bytes(), &long_sig, now),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn an_ssl_check_is_recognised() {
        assert!(is_ssl_check(b"ssl_check=1&token=XXXXXXXX"));
        assert!(!is_ssl_check(b"ssl_check=0&token=x"));
        assert!(!is_ssl_check(BODY.as_bytes()));
    }

    #[test]
    fn the_documented_body_is_a_slash_command_slack_morphism_reads() {
        let form: serde_json::Map<String, serde_json::Value> =
            url::form_urlencoded::parse(BODY.as_bytes())
                .map(|(k, v)| (k.into_owned(), serde_json::Value::String(v.into_owned())))
                .collect();
        let ev: SlackCommandEvent =
            serde_json::from_value(serde_json::Value::Object(form)).unwrap();
        assert_eq!(ev.command.to_string(), "/webhook-collect");
    }
}
