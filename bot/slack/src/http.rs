//! HTTP mode, for teams that prefer the Events API to Socket Mode: one
//! endpoint (`POST /slack/events`) takes events, slash commands and
//! interactivity. Every request must carry a valid `X-Slack-Signature` over
//! `v0:{X-Slack-Request-Timestamp}:{raw body}` (HMAC-SHA256 with the signing
//! secret), with a timestamp at most five minutes from now; anything else is
//! refused with 401 before it is parsed. The answer is sent at once (an empty
//! 200, or the `challenge` of a URL verification) and the work is spawned.

use crate::{bot, Bot, SlackConfig, SlackError};
use axum::body::Bytes;
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

/// Checks Slack's request signature at time `now` (Unix seconds).
pub fn verify(
    secret: &str,
    timestamp: &str,
    body: &[u8],
    signature: &str,
    now: i64,
) -> Result<(), SignatureError> {
    let ts: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::Malformed)?;
    if (now - ts).abs() > MAX_AGE_SECS {
        return Err(SignatureError::Stale);
    }
    let hex_sig = signature
        .strip_prefix("v0=")
        .ok_or(SignatureError::Malformed)?;
    let given = hex::decode(hex_sig).map_err(|_| SignatureError::Malformed)?;
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
        .layer(axum::extract::DefaultBodyLimit::max(1 << 20))
        .with_state(state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .map_err(|e| SlackError::Client(format!("binding {addr}: {e}")))?;
    let addr = listener
        .local_addr()
        .map_err(|e| SlackError::Client(e.to_string()))?;
    tracing::info!(%addr, "Slack HTTP mode listening");
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    tokio::spawn(state_bot.take_up_interrupted());
    Ok(HttpHandle { addr, task })
}

/// Slack's certificate check: a form POST with `ssl_check=1` (and a
/// `token`), possibly unsigned, to be answered 200 with an empty body.
fn is_ssl_check(body: &[u8]) -> bool {
    url::form_urlencoded::parse(body).any(|(k, v)| k == "ssl_check" && v == "1")
}

async fn handle<P: Prober + 'static, S: Store + 'static>(
    State(st): State<Arc<Http<P, S>>>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let h = |k: &str| headers.get(k).and_then(|v| v.to_str().ok()).unwrap_or("");
    if is_ssl_check(&body) {
        // Slack checking the certificate (maybe unsigned): 200, nothing else.
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
                tokio::spawn(async move { bot.on_interaction(ev).await });
                StatusCode::OK.into_response()
            }
            Err(_) => StatusCode::BAD_REQUEST.into_response(),
        }
    } else if form.contains_key("command") {
        match serde_json::from_value::<SlackCommandEvent>(serde_json::Value::Object(form)) {
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
