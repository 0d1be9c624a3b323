//! The HTTP client: one signed POST per action, bounded in time and size,
//! retried with backoff when the API throttles, under a per-minute budget
//! for the whole process and a per-conversation budget of lookups.
//!
//! Errors carry the API's error *code* only (sanitised), never its message
//! or the body: nothing the API returns reaches a chat or a log verbatim.

use crate::sign::{self, Credentials};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};
use std::sync::Mutex;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

/// The default endpoint: `{service}` becomes `cvm`, `vpc` or `monitor`.
pub const DEFAULT_ENDPOINT: &str = "https://{service}.tencentcloudapi.com";

#[derive(Debug, thiserror::Error)]
pub enum CloudError {
    /// `AuthFailure.*` or `UnauthorizedOperation*`: the key is wrong,
    /// disabled, lacks a permission, or the clock is off.
    #[error("the API refused the credentials ({code})")]
    Auth { code: String },
    /// `RequestLimitExceeded*` still after the retries.
    #[error("the API kept throttling the requests")]
    Throttled,
    #[error("the API did not answer in time")]
    Timeout,
    /// Another error code from the API.
    #[error("the API answered with error {code}")]
    Api { code: String },
    #[error("the API answered with HTTP status {0}")]
    Http(u16),
    #[error("the API's answer was larger than {0} bytes")]
    TooLarge(usize),
    #[error("the API's answer could not be read")]
    BadResponse,
    /// The per-minute or per-conversation budget is spent.
    #[error("the lookup budget is spent")]
    Budget,
    #[error("the API could not be reached")]
    Transport,
    #[error("cloud API configuration: {0}")]
    Config(String),
}

impl CloudError {
    /// A stable short code (what the conversation is told, a closed set).
    pub fn code(&self) -> &'static str {
        match self {
            CloudError::Auth { .. } => "auth",
            CloudError::Throttled => "throttled",
            CloudError::Timeout => "timeout",
            CloudError::Budget => "budget",
            CloudError::Api { .. }
            | CloudError::Http(_)
            | CloudError::TooLarge(_)
            | CloudError::BadResponse
            | CloudError::Transport
            | CloudError::Config(_) => "error",
        }
    }
}

/// Keeps an API error code printable and short (`[A-Za-z0-9._]`, 64 at most).
pub fn clean_code(code: &str) -> String {
    code.chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '.' || *c == '_')
        .take(64)
        .collect()
}

#[derive(Clone, Debug)]
pub struct ClientConfig {
    /// The endpoint; `{service}` is replaced by the product (`cvm`, `vpc`,
    /// `monitor`). Without it every product goes to this one URL (tests, a
    /// proxy). The international site is `https://{service}.intl.tencentcloudapi.com`.
    pub endpoint: String,
    /// Regions searched for the address, in order (`ap-seoul`, `ap-guangzhou`…).
    pub regions: Vec<String>,
    /// One HTTP call, connect to last byte.
    pub call_timeout: Duration,
    /// A response body larger than this is refused.
    pub max_body: usize,
    /// Extra attempts after `RequestLimitExceeded` (or HTTP 429 / 5xx).
    pub retries: u32,
    /// The first backoff; it doubles each retry.
    pub backoff: Duration,
    /// API calls per minute over the whole process.
    pub per_minute: u32,
    /// API calls one lookup may make.
    pub calls_per_lookup: u32,
    /// Lookups one conversation may start (per [`CONVERSATION_WINDOW`]).
    pub per_conversation: u32,
}

/// The window of the per-conversation budget.
pub const CONVERSATION_WINDOW: Duration = Duration::from_secs(3600);

impl Default for ClientConfig {
    fn default() -> Self {
        ClientConfig {
            endpoint: DEFAULT_ENDPOINT.into(),
            regions: Vec::new(),
            call_timeout: Duration::from_secs(5),
            max_body: 1 << 20,
            retries: 3,
            backoff: Duration::from_millis(250),
            per_minute: 120,
            calls_per_lookup: 32,
            per_conversation: 4,
        }
    }
}

pub struct Client {
    http: reqwest::Client,
    creds: Credentials,
    cfg: ClientConfig,
    minute: Mutex<VecDeque<Instant>>,
    conversations: Mutex<HashMap<String, VecDeque<Instant>>>,
}

/// Conversations remembered for the per-conversation budget (the oldest
/// are forgotten first).
const MAX_CONVERSATIONS: usize = 10_000;

impl Client {
    pub fn new(creds: Credentials, cfg: ClientConfig) -> Result<Self, CloudError> {
        if creds.secret_id.is_empty() || creds.key.is_empty() {
            return Err(CloudError::Config(
                "SecretId and SecretKey are both needed".into(),
            ));
        }
        if !(cfg.endpoint.starts_with("https://") || cfg.endpoint.starts_with("http://")) {
            return Err(CloudError::Config(
                "the API URL must start with https:// (or http:// for a local test)".into(),
            ));
        }
        let http = reqwest::Client::builder()
            .timeout(cfg.call_timeout)
            .connect_timeout(cfg.call_timeout)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .map_err(|_| CloudError::Config("the HTTP client could not be built".into()))?;
        Ok(Client {
            http,
            creds,
            cfg,
            minute: Mutex::new(VecDeque::new()),
            conversations: Mutex::new(HashMap::new()),
        })
    }

    pub fn config(&self) -> &ClientConfig {
        &self.cfg
    }

    /// Spends one of the conversation's lookups; `Budget` when none is left.
    pub fn start_lookup(&self, conversation: &str) -> Result<(), CloudError> {
        let now = Instant::now();
        let mut map = self.conversations.lock().unwrap_or_else(|p| p.into_inner());
        if map.len() >= MAX_CONVERSATIONS && !map.contains_key(conversation) {
            map.retain(|_, q| {
                q.front()
                    .is_some_and(|t| now.duration_since(*t) < CONVERSATION_WINDOW)
            });
            if map.len() >= MAX_CONVERSATIONS {
                return Err(CloudError::Budget);
            }
        }
        let q = map.entry(conversation.to_owned()).or_default();
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= CONVERSATION_WINDOW)
        {
            q.pop_front();
        }
        if q.len() as u32 >= self.cfg.per_conversation {
            return Err(CloudError::Budget);
        }
        q.push_back(now);
        Ok(())
    }

    fn spend_minute(&self) -> Result<(), CloudError> {
        let now = Instant::now();
        let mut q = self.minute.lock().unwrap_or_else(|p| p.into_inner());
        while q
            .front()
            .is_some_and(|t| now.duration_since(*t) >= Duration::from_secs(60))
        {
            q.pop_front();
        }
        if q.len() as u32 >= self.cfg.per_minute {
            return Err(CloudError::Budget);
        }
        q.push_back(now);
        Ok(())
    }

    fn url_and_host(&self, service: &str) -> Result<(String, String), CloudError> {
        let url = self.cfg.endpoint.replace("{service}", service);
        let parsed = reqwest::Url::parse(&url)
            .map_err(|_| CloudError::Config("the API URL is not a URL".into()))?;
        let host = parsed
            .host_str()
            .ok_or_else(|| CloudError::Config("the API URL has no host".into()))?;
        let host = match parsed.port() {
            Some(p) => format!("{host}:{p}"),
            None => host.to_owned(),
        };
        Ok((url, host))
    }

    /// Calls `action` of `service` (API `version`) in `region` with `body`;
    /// returns the `Response` object. `budget` counts the calls the lookup
    /// may still make (each attempt spends one).
    pub async fn call(
        &self,
        service: &str,
        version: &str,
        action: &str,
        region: Option<&str>,
        body: &Value,
        budget: &mut u32,
    ) -> Result<Value, CloudError> {
        let payload = serde_json::to_vec(body).map_err(|_| CloudError::BadResponse)?;
        let (url, host) = self.url_and_host(service)?;
        let mut backoff = self.cfg.backoff;
        let mut attempt = 0;
        loop {
            if *budget == 0 {
                return Err(CloudError::Budget);
            }
            *budget -= 1;
            self.spend_minute()?;
            let result = self
                .once(service, version, action, region, &url, &host, &payload)
                .await;
            let retry = matches!(
                result,
                Err(CloudError::Throttled) | Err(CloudError::Http(429))
            ) || matches!(result, Err(CloudError::Http(s)) if s >= 500);
            if !retry || attempt >= self.cfg.retries {
                if let Err(e) = &result {
                    tracing::info!(action, code = e.code(), "cloud API call failed");
                }
                return result.map_err(|e| match e {
                    CloudError::Http(429) => CloudError::Throttled,
                    e => e,
                });
            }
            attempt += 1;
            tracing::debug!(action, attempt, "cloud API throttled; backing off");
            tokio::time::sleep(backoff).await;
            backoff = backoff.saturating_mul(2);
        }
    }

    #[allow(clippy::too_many_arguments)]
    async fn once(
        &self,
        service: &str,
        version: &str,
        action: &str,
        region: Option<&str>,
        url: &str,
        host: &str,
        payload: &[u8],
    ) -> Result<Value, CloudError> {
        let ts = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        // The `Host` header reqwest sends is the URL's host (with the port
        // unless it is the scheme's default): exactly what is signed.
        let auth = sign::authorization(&self.creds, service, host, ts, payload);
        let mut req = self
            .http
            .post(url)
            .header("Authorization", auth)
            .header("Content-Type", sign::CONTENT_TYPE)
            .header("X-TC-Action", action)
            .header("X-TC-Version", version)
            .header("X-TC-Timestamp", ts.to_string())
            .body(payload.to_vec());
        if let Some(r) = region {
            req = req.header("X-TC-Region", r);
        }
        let mut resp = req.send().await.map_err(|e| {
            if e.is_timeout() {
                CloudError::Timeout
            } else {
                CloudError::Transport
            }
        })?;
        let status = resp.status().as_u16();
        if resp
            .content_length()
            .is_some_and(|n| n > self.cfg.max_body as u64)
        {
            return Err(CloudError::TooLarge(self.cfg.max_body));
        }
        let mut body = Vec::new();
        while let Some(chunk) = resp.chunk().await.map_err(|e| {
            if e.is_timeout() {
                CloudError::Timeout
            } else {
                CloudError::Transport
            }
        })? {
            if body.len() + chunk.len() > self.cfg.max_body {
                return Err(CloudError::TooLarge(self.cfg.max_body));
            }
            body.extend_from_slice(&chunk);
        }
        match parse_envelope(&body) {
            Ok(v) => Ok(v),
            // A body we can read says more than the status.
            Err(CloudError::BadResponse) if status != 200 => Err(CloudError::Http(status)),
            Err(e) => Err(e),
        }
    }
}

/// Reads `{"Response": {...}}`: the `Response` object, or the error its
/// `Error.Code` names. Never panics, whatever the bytes.
pub fn parse_envelope(body: &[u8]) -> Result<Value, CloudError> {
    let v: Value = serde_json::from_slice(body).map_err(|_| CloudError::BadResponse)?;
    let Some(resp) = v.get("Response").filter(|r| r.is_object()) else {
        return Err(CloudError::BadResponse);
    };
    if let Some(err) = resp.get("Error") {
        let code = clean_code(err.get("Code").and_then(Value::as_str).unwrap_or(""));
        return Err(
            if code.starts_with("AuthFailure") || code.starts_with("UnauthorizedOperation") {
                CloudError::Auth { code }
            } else if code.starts_with("RequestLimitExceeded") {
                CloudError::Throttled
            } else {
                CloudError::Api { code }
            },
        );
    }
    Ok(resp.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_codes_are_classified_and_cleaned() {
        let e = parse_envelope(
            br#"{"Response":{"Error":{"Code":"AuthFailure.SignatureFailure","Message":"secret <b>"},"RequestId":"x"}}"#,
        )
        .unwrap_err();
        assert!(matches!(&e, CloudError::Auth { code } if code == "AuthFailure.SignatureFailure"));
        assert!(!e.to_string().contains("secret"));
        assert!(matches!(
            parse_envelope(
                br#"{"Response":{"Error":{"Code":"RequestLimitExceeded.UinLimitExceeded"}}}"#
            ),
            Err(CloudError::Throttled)
        ));
        let e =
            parse_envelope(br#"{"Response":{"Error":{"Code":"Bad\nCode<script>"}}}"#).unwrap_err();
        assert!(matches!(&e, CloudError::Api { code } if code == "BadCodescript"));
        assert!(matches!(
            parse_envelope(b"<html>"),
            Err(CloudError::BadResponse)
        ));
        assert!(matches!(
            parse_envelope(b"{\"Response\": 3}"),
            Err(CloudError::BadResponse)
        ));
    }
}
