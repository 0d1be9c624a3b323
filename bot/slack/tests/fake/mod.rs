//! An in-process fake Slack: the Web API over HTTP (`/api/{method}`, JSON,
//! form or query parameters, `ok:false` and `429` on demand) and Socket Mode
//! over a WebSocket (`/ws`), speaking Slack's envelope formats. Loopback only.

#![allow(dead_code)]

pub mod fixtures;

use axum::extract::ws::{Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State as AxState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

pub const BOT_USER: &str = "UBOT0VMD";
pub const TEAM: &str = "T0TEAM001";
pub const APP: &str = "A0APP0001";

/// One Web API call the fake received.
#[derive(Clone, Debug)]
pub struct Call {
    /// `chat.postMessage`, … (or `upload` for the file bytes).
    pub method: String,
    /// Parameters from the query, a form or a JSON body.
    pub params: Value,
    /// Raw body (the uploaded file for `upload`).
    pub body: Vec<u8>,
    pub auth: Option<String>,
    pub at: Instant,
    pub seq: usize,
}

#[derive(Default)]
struct St {
    calls: Vec<Call>,
    /// Messages by (channel, ts).
    messages: HashMap<(String, String), Value>,
    /// Order of messages as posted.
    order: Vec<(String, String)>,
    /// Live Socket Mode connections: id → sender.
    conns: Vec<(u64, mpsc::UnboundedSender<Option<String>>)>,
    conn_count: u64,
    /// What broke Slack's payload limits (refused), e.g.
    /// `chat.postMessage: blocks.3.text: 3120 > 3000`.
    invalid: Vec<String>,
    /// Envelopes sent so far (to spread them over the connections).
    sent: u64,
    /// New connections wait (not live, no `hello`) while this is set.
    hold_new: bool,
    /// Envelope ids sent while no connection was live: lost, as on Slack
    /// (interactive envelopes are not redelivered).
    lost: Vec<String>,
    /// Frames received from the client (acks), with when they arrived.
    acks: Vec<(Instant, Value)>,
    /// Envelopes written to a connection: (connection, envelope id).
    delivered: Vec<(u64, String)>,
    /// Acknowledgements by the connection they came on.
    acked_on: Vec<(u64, String)>,
    /// `(method, status, retry_after_secs, error)` to fail the next matching call with.
    fail_next: Vec<(String, u16, u64, String)>,
    locales: HashMap<String, String>,
    group: Vec<String>,
    uploads: HashMap<String, Vec<u8>>,
    bad_token: bool,
    /// Markup the bot sent but did not mean (see [`lint`]).
    lint: Vec<String>,
    /// URL prefixes the bot may link to (its ticket page).
    links: Vec<String>,
    /// Channels the bot is not a member of (`not_in_channel`) and private
    /// channels it cannot see (`channel_not_found`).
    absent: HashSet<String>,
    hidden: HashSet<String>,
    /// Uses of each `response_url` (Slack allows five).
    responses: HashMap<String, u32>,
    /// The fake's clock: moved only by simulated call latencies
    /// ([`FakeSlack::set_latency`]), never by the machine's load.
    clock: Duration,
    latency: HashMap<String, Duration>,
    /// trigger_id -> (issued at, used).
    triggers: HashMap<String, (Duration, bool)>,
    /// Bot token scopes the app was installed without ([`FakeSlack::revoke_scope`]).
    revoked: HashSet<String>,
}

/// The bot token's scopes (`deploy/slack-manifest.yaml`).
pub const BOT_SCOPES: &[&str] = &[
    "commands",
    "chat:write",
    "app_mentions:read",
    "channels:history",
    "groups:history",
    "im:history",
    "im:write",
    "users:read",
    "usergroups:read",
    "files:write",
];

/// The bot token scope a Web API method requires (Slack's method pages);
/// `None`: no scope (`auth.test`, `views.open`, Socket Mode's app token).
pub fn scope_of(method: &str) -> Option<&'static str> {
    Some(match method {
        "chat.postMessage" | "chat.update" | "chat.postEphemeral" => "chat:write",
        "users.info" => "users:read",
        "usergroups.users.list" => "usergroups:read",
        "files.getUploadURLExternal" | "files.completeUploadExternal" => "files:write",
        "conversations.open" => "im:write",
        _ => return None,
    })
}

/// A trigger_id's lifetime.
pub const TRIGGER_LIFE: Duration = Duration::from_secs(3);

struct Inner {
    port: u16,
    st: Mutex<St>,
    ts: AtomicU64,
    ids: AtomicU64,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.server.abort();
        // Every test that runs the fake checks the markup the bot sent.
        let lint = std::mem::take(&mut self.st.lock().unwrap_or_else(|p| p.into_inner()).lint);
        if !lint.is_empty() && !std::thread::panicking() {
            panic!(
                "fake Slack: the bot sent markup it did not mean:\n{}",
                lint.join("\n")
            );
        }
    }
}

/// What real Slack would read as markup in `text` (mrkdwn) that the bot
/// cannot have meant: any `<…>` other than a user mention `<@U…>`, a channel
/// `<#C…>` or a link to one of `links`; `<!here>`-style broadcasts; a bare
/// `&` that is not `&amp;`, `&lt;` or `&gt;`; a `<` or `>` outside an entity.
pub fn lint(text: &str, links: &[String]) -> Vec<String> {
    let mut bad = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find(['<', '>', '&']) {
        let at = &rest[i..];
        if let Some(after) = at.strip_prefix('&') {
            if !(after.starts_with("amp;") || after.starts_with("lt;") || after.starts_with("gt;"))
            {
                bad.push(format!("bare `&` in {text:?}"));
            }
            rest = after;
            continue;
        }
        if let Some(after) = at.strip_prefix('>') {
            bad.push(format!("bare `>` in {text:?}"));
            rest = after;
            continue;
        }
        let Some(end) = at.find('>') else {
            bad.push(format!("unclosed `<` in {text:?}"));
            break;
        };
        let inner = &at[1..end];
        let id_ok = |s: &str, first: &[char]| {
            s.starts_with(first)
                && s.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        };
        let ok = if let Some(user) = inner.strip_prefix('@') {
            id_ok(user, &['U', 'W'])
        } else if let Some(ch) = inner.strip_prefix('#') {
            id_ok(ch.split('|').next().unwrap_or(""), &['C', 'G', 'D'])
        } else if inner.starts_with("http://") || inner.starts_with("https://") {
            let url = inner.split('|').next().unwrap_or("");
            links.iter().any(|l| url.starts_with(l.as_str())) && !url.contains(['<', ' '])
        } else {
            false
        };
        if !ok {
            bad.push(format!("`<{inner}>` in {text:?}"));
        }
        rest = &at[end + 1..];
    }
    bad
}

/// Every mrkdwn text in a Web API payload: `text` and each `mrkdwn` text
/// object in `blocks`, `view` and `attachments`, however deep.
fn mrkdwn_texts(p: &Value) -> Vec<String> {
    fn walk(v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(o) => {
                if o.get("type").and_then(Value::as_str) == Some("mrkdwn") {
                    if let Some(t) = o.get("text").and_then(Value::as_str) {
                        out.push(t.to_owned());
                    }
                }
                o.values().for_each(|v| walk(v, out));
            }
            Value::Array(a) => a.iter().for_each(|v| walk(v, out)),
            _ => {}
        }
    }
    let mut out = Vec::new();
    if let Some(t) = p["text"].as_str() {
        out.push(t.to_owned());
    }
    for k in ["blocks", "view", "attachments"] {
        walk(&p[k], &mut out);
    }
    out
}

fn lint_payload(st: &mut St, what: &str, p: &Value) {
    let links = st.links.clone();
    for t in mrkdwn_texts(p) {
        for e in lint(&t, &links) {
            st.lint.push(format!("{what}: {e}"));
        }
    }
}

#[derive(Clone)]
pub struct FakeSlack {
    inner: Arc<Inner>,
}

impl FakeSlack {
    pub async fn start() -> FakeSlack {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake slack: bind 127.0.0.1:0");
        let port = listener.local_addr().unwrap().port();
        let (tx, rx) = tokio::sync::oneshot::channel::<std::sync::Weak<Inner>>();
        let server = tokio::spawn(async move {
            let Ok(weak) = rx.await else { return };
            let router = Router::new()
                .route("/ws", get(ws_handler))
                .fallback(http_handler)
                .with_state(weak);
            let _ = axum::serve(listener, router).await;
        });
        let inner = Arc::new(Inner {
            port,
            st: Mutex::new(St {
                links: vec!["https://support.example/".into()],
                ..St::default()
            }),
            ts: AtomicU64::new(1_700_000_000_000_100),
            ids: AtomicU64::new(1),
            server,
        });
        let _ = tx.send(Arc::downgrade(&inner));
        FakeSlack { inner }
    }

    /// The Web API base, as `VM_DOCTOR_SLACK_API_URL` takes it.
    pub fn api_url(&self) -> String {
        format!("http://127.0.0.1:{}/api/", self.inner.port)
    }

    fn lock(&self) -> MutexGuard<'_, St> {
        self.inner.st.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn new_id(&self, prefix: &str) -> String {
        format!("{prefix}{}", self.inner.ids.fetch_add(1, Ordering::SeqCst))
    }

    /// A fresh message timestamp, as Slack writes them.
    pub fn new_ts(&self) -> String {
        ts_string(self.inner.ts.fetch_add(100, Ordering::SeqCst))
    }

    pub fn set_locale(&self, user: &str, locale: &str) {
        self.lock().locales.insert(user.into(), locale.into());
    }

    pub fn set_group(&self, users: &[&str]) {
        self.lock().group = users.iter().map(|u| u.to_string()).collect();
    }

    /// Links to `prefix` are markup the bot means (its ticket page).
    pub fn allow_links(&self, prefix: &str) {
        self.lock().links.push(prefix.into());
    }

    /// What the markup lint found so far (the fake panics with it when dropped).
    pub fn lint_errors(&self) -> Vec<String> {
        self.lock().lint.clone()
    }

    /// Forgets the lint's findings (for a test that checks the lint itself).
    pub fn take_lint_errors(&self) -> Vec<String> {
        std::mem::take(&mut self.lock().lint)
    }

    /// The bot is not a member of `channel`: posting there fails with
    /// `not_in_channel`, as it does on Slack.
    pub fn set_absent(&self, channel: &str) {
        self.lock().absent.insert(channel.into());
    }

    /// The app is installed without `scope`: every method needing it is
    /// refused as Slack refuses it, `missing_scope` with `needed` and
    /// `provided`.
    pub fn revoke_scope(&self, scope: &str) {
        assert!(
            BOT_SCOPES.contains(&scope),
            "not a scope of the app: {scope}"
        );
        self.lock().revoked.insert(scope.into());
    }

    /// `channel` is private and the bot is not in it: `channel_not_found`.
    pub fn set_hidden(&self, channel: &str) {
        self.lock().hidden.insert(channel.into());
    }

    /// Each call of `method` takes `d` on the fake's clock (the clock
    /// trigger_ids expire by: a views.open after it may come too late).
    pub fn set_latency(&self, method: &str, d: Duration) {
        self.lock().latency.insert(method.into(), d);
    }

    /// What the bot sent to `response_url`s, in order (`params` is the body).
    pub fn responses(&self) -> Vec<Call> {
        self.calls_of("response_url")
    }

    pub fn set_bad_token(&self) {
        self.lock().bad_token = true;
    }

    /// The next call of `method` fails with `status` (429 with `Retry-After`,
    /// or 200 with `ok:false` and `error`).
    pub fn fail_next(&self, method: &str, status: u16, retry_after: u64, error: &str) {
        self.lock()
            .fail_next
            .push((method.into(), status, retry_after, error.into()));
    }

    pub fn connections_opened(&self) -> u64 {
        self.lock().conn_count
    }

    pub fn live_connections(&self) -> usize {
        self.lock().conns.len()
    }

    pub async fn wait_connected(&self, opened: u64, timeout: Duration) -> bool {
        self.wait_until(timeout, |st| {
            st.conn_count >= opened && !st.conns.is_empty()
        })
        .await
    }

    /// Sends an envelope on the newest connection. A `response_url` to
    /// Slack's hooks is pointed at the fake (which serves it on loopback).
    pub fn send(&self, envelope: &Value) {
        let mut envelope = envelope.clone();
        if let Some(url) = envelope["payload"]["response_url"].as_str() {
            if let Some(rest) = url.strip_prefix("https://hooks.slack.com/") {
                envelope["payload"]["response_url"] =
                    json!(format!("http://127.0.0.1:{}/hooks/{rest}", self.inner.port));
            }
        }
        let mut st = self.lock();
        if let Some(t) = envelope["payload"]["trigger_id"].as_str() {
            let now = st.clock;
            st.triggers.insert(t.to_owned(), (now, false));
        }
        // Slack spreads envelopes over the app's open connections.
        if st.conns.is_empty() {
            let id = envelope["envelope_id"].as_str().unwrap_or("").to_owned();
            st.lost.push(id);
            return;
        }
        st.sent += 1;
        let i = (st.sent as usize) % st.conns.len();
        let _ = st.conns[i].1.send(Some(envelope.to_string()));
    }

    /// Sends the same envelope on every live connection (Slack may deliver
    /// one twice), returning on how many.
    pub fn send_on_all(&self, envelope: &Value) -> usize {
        let st = self.lock();
        for (_, tx) in &st.conns {
            let _ = tx.send(Some(envelope.to_string()));
        }
        st.conns.len()
    }

    /// Refreshes the oldest connection as Slack does: a `disconnect`
    /// (`refresh_requested`) on it alone; the others stay.
    /// Returns the connection's id (see [`FakeSlack::is_live`]).
    pub fn refresh_oldest(&self) -> u64 {
        let st = self.lock();
        let Some((id, tx)) = st.conns.first() else {
            return 0;
        };
        let msg = json!({"type": "disconnect", "reason": "refresh_requested", "debug_info": {"host": "applink-fake"}});
        let _ = tx.send(Some(msg.to_string()));
        *id
    }

    /// Whether connection `id` is still open.
    pub fn is_live(&self, id: u64) -> bool {
        self.lock().conns.iter().any(|(i, _)| *i == id)
    }

    /// While `hold` is set, a new Socket Mode connection is accepted but
    /// not live (no `hello`, nothing delivered on it): a slow reconnect.
    pub fn hold_new_connections(&self, hold: bool) {
        self.lock().hold_new = hold;
    }

    /// What broke Slack's payload limits (refused with `invalid_blocks`,
    /// `msg_too_long`, …).
    pub fn invalid(&self) -> Vec<String> {
        self.lock().invalid.clone()
    }

    /// Envelopes sent while no connection was live.
    pub fn lost(&self) -> Vec<String> {
        self.lock().lost.clone()
    }

    /// Acknowledgements of envelope `id` received (on any connection).
    pub fn ack_count(&self, id: &str) -> usize {
        self.lock()
            .acks
            .iter()
            .filter(|(_, a)| a["envelope_id"] == id)
            .count()
    }

    /// Deliveries (connection, envelope id) not acknowledged on the
    /// connection that carried them. Slack wants every delivery acknowledged
    /// ("acknowledge receiving each event so that Slack knows whether to
    /// retry", docs.slack.dev, Using Socket Mode): an envelope delivered on
    /// two connections needs an ack on each, and one on another connection
    /// does not count.
    pub fn unacked_deliveries(&self) -> Vec<(u64, String)> {
        let st = self.lock();
        st.delivered
            .iter()
            .filter(|d| !st.acked_on.contains(d))
            .cloned()
            .collect()
    }

    /// Sends an envelope on live connection number `pick` (modulo their
    /// count), as Slack spreads envelopes over an app's connections (several
    /// replicas, each with its own); `false` when none is live.
    pub fn send_on(&self, envelope: &Value, pick: usize) -> bool {
        let mut st = self.lock();
        if let Some(t) = envelope["payload"]["trigger_id"].as_str() {
            let now = st.clock;
            st.triggers.entry(t.to_owned()).or_insert((now, false));
        }
        if st.conns.is_empty() {
            return false;
        }
        let (_, tx) = &st.conns[pick % st.conns.len()];
        tx.send(Some(envelope.to_string())).is_ok()
    }

    /// Sends a `disconnect` message (`refresh_requested`, `link_disabled`, …)
    /// on every live connection.
    pub fn disconnect(&self, reason: &str) {
        self.send_on_all(&json!({"type": "disconnect", "reason": reason, "debug_info": {"host": "applink-fake"}}));
    }

    /// Drops every live connection without a word.
    pub fn drop_connections(&self) {
        let mut st = self.lock();
        for (_, tx) in st.conns.drain(..) {
            let _ = tx.send(None);
        }
    }

    pub fn acks(&self) -> Vec<Value> {
        self.lock().acks.iter().map(|(_, v)| v.clone()).collect()
    }

    /// Acks with their arrival times.
    pub fn timed_acks(&self) -> Vec<(Instant, Value)> {
        self.lock().acks.clone()
    }

    pub async fn wait_ack(&self, envelope_id: &str, timeout: Duration) -> Option<Value> {
        let id = envelope_id.to_owned();
        self.wait_until(timeout, |st| {
            st.acks.iter().any(|(_, a)| a["envelope_id"] == id)
        })
        .await;
        self.lock()
            .acks
            .iter()
            .find(|(_, a)| a["envelope_id"] == envelope_id)
            .map(|(_, a)| a.clone())
    }

    pub fn calls(&self) -> Vec<Call> {
        self.lock().calls.clone()
    }

    pub fn calls_of(&self, method: &str) -> Vec<Call> {
        self.calls()
            .into_iter()
            .filter(|c| c.method == method)
            .collect()
    }

    pub async fn wait_call(&self, timeout: Duration, f: impl Fn(&Call) -> bool) -> Option<Call> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(c) = self.calls().into_iter().find(|c| f(c)) {
                return Some(c);
            }
            if Instant::now() > deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    pub fn message(&self, channel: &str, ts: &str) -> Option<Value> {
        self.lock()
            .messages
            .get(&(channel.to_owned(), ts.to_owned()))
            .cloned()
    }

    /// Top-level messages of a channel, in order.
    pub fn channel_messages(&self, channel: &str) -> Vec<Value> {
        let st = self.lock();
        st.order
            .iter()
            .filter(|(c, _)| c == channel)
            .filter_map(|k| st.messages.get(k))
            .filter(|m| m.get("thread_ts").is_none())
            .cloned()
            .collect()
    }

    /// Every message of every channel, in the order posted (one copy: for
    /// callers that poll many threads at once).
    pub fn all_messages(&self) -> Vec<Value> {
        let st = self.lock();
        st.order
            .iter()
            .filter_map(|k| st.messages.get(k))
            .cloned()
            .collect()
    }

    /// Replies in a thread, in order.
    pub fn thread(&self, channel: &str, thread_ts: &str) -> Vec<Value> {
        let st = self.lock();
        st.order
            .iter()
            .filter(|(c, _)| c == channel)
            .filter_map(|k| st.messages.get(k))
            .filter(|m| m["thread_ts"] == thread_ts)
            .cloned()
            .collect()
    }

    pub fn upload(&self, file_id: &str) -> Option<Vec<u8>> {
        self.lock().uploads.get(file_id).cloned()
    }

    async fn wait_until(&self, timeout: Duration, f: impl Fn(&St) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if f(&self.lock()) {
                return true;
            }
            if Instant::now() > deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

fn ts_string(n: u64) -> String {
    format!("{}.{:06}", n / 1_000_000, n % 1_000_000)
}

async fn ws_handler(
    AxState(weak): AxState<std::sync::Weak<Inner>>,
    ws: WebSocketUpgrade,
) -> Response {
    ws.on_upgrade(move |socket| socket_conn(weak, socket))
}

async fn socket_conn(weak: std::sync::Weak<Inner>, socket: WebSocket) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Option<String>>();
    // A held connection goes live only when the test lets it.
    loop {
        let held = match weak.upgrade() {
            Some(inner) => inner.st.lock().unwrap().hold_new,
            None => return,
        };
        if !held {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let id = {
        let Some(inner) = weak.upgrade() else { return };
        let mut st = inner.st.lock().unwrap();
        st.conn_count += 1;
        let id = st.conn_count;
        st.conns.push((id, tx.clone()));
        id
    };
    let hello = json!({
        "type": "hello",
        "num_connections": 1,
        "debug_info": {"host": "applink-fake", "build_number": 1, "approximate_connection_time": 18060},
        "connection_info": {"app_id": APP},
    });
    let _ = tx.send(Some(hello.to_string()));
    loop {
        tokio::select! {
            msg = stream.next() => match msg {
                Some(Ok(WsMessage::Text(t))) => {
                    if let (Some(inner), Ok(v)) = (weak.upgrade(), serde_json::from_str::<Value>(t.as_str())) {
                        let mut st = inner.st.lock().unwrap();
                        lint_payload(&mut st, "ack", &v["payload"]);
                        if let Some(e) = v["envelope_id"].as_str() {
                            st.acked_on.push((id, e.to_owned()));
                        }
                        st.acks.push((Instant::now(), v));
                    }
                }
                Some(Ok(WsMessage::Ping(p))) => {
                    let _ = sink.send(WsMessage::Pong(p)).await;
                }
                Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => break,
                Some(Ok(_)) => {}
            },
            out = rx.recv() => match out {
                Some(Some(text)) => {
                    let envelope = serde_json::from_str::<Value>(&text)
                        .ok()
                        .and_then(|v| v["envelope_id"].as_str().map(str::to_owned));
                    if sink.send(WsMessage::Text(text.into())).await.is_err() {
                        break;
                    }
                    if let (Some(e), Some(inner)) = (envelope, weak.upgrade()) {
                        inner.st.lock().unwrap().delivered.push((id, e));
                    }
                }
                Some(None) | None => {
                    let _ = sink.close().await;
                    break;
                }
            }
        }
    }
    if let Some(inner) = weak.upgrade() {
        inner.st.lock().unwrap().conns.retain(|(i, _)| *i != id);
    }
}

/// Slack's Block Kit and message limits: `msg_too_long` for text over
/// 40 000 characters, `invalid_blocks` for more than 50 blocks (100 in a
/// view), a section's text over 3000, a field over 2000 or more than 10,
/// a button's text over 75, an `action_id` over 255, a value over 2000.
fn limits(st: &mut St, method: &str, params: &Value) -> Option<&'static str> {
    let len = |v: &Value| v.as_str().map_or(0, |s| s.chars().count());
    let mut bad = Vec::new();
    let mut check = |path: String, n: usize, max: usize| {
        if n > max {
            bad.push(format!("{method}: {path}: {n} > {max}"));
        }
    };
    let too_long = len(&params["text"]) > 40_000;
    if method == "views.open" {
        // A view's title, submit and close labels: 24 characters each.
        for part in ["title", "submit", "close"] {
            check(
                format!("view.{part}"),
                len(&params["view"][part]["text"]),
                24,
            );
        }
    }
    let (blocks, max_blocks) = if method == "views.open" {
        (&params["view"]["blocks"], 100)
    } else {
        (&params["blocks"], 50)
    };
    let blocks = blocks.as_array().cloned().unwrap_or_default();
    check("blocks".into(), blocks.len(), max_blocks);
    for (i, b) in blocks.iter().enumerate() {
        check(format!("blocks.{i}.text"), len(&b["text"]["text"]), 3000);
        let fields = b["fields"].as_array().cloned().unwrap_or_default();
        check(format!("blocks.{i}.fields"), fields.len(), 10);
        for (j, f) in fields.iter().enumerate() {
            check(format!("blocks.{i}.fields.{j}"), len(&f["text"]), 2000);
        }
        let elements = b["elements"].as_array().cloned().unwrap_or_default();
        if b["type"] == "actions" {
            check(format!("blocks.{i}.elements"), elements.len(), 25);
        }
        for (j, e) in elements.iter().enumerate() {
            if e["type"] == "button" {
                check(
                    format!("blocks.{i}.elements.{j}.text"),
                    len(&e["text"]["text"]),
                    75,
                );
                check(
                    format!("blocks.{i}.elements.{j}.action_id"),
                    len(&e["action_id"]),
                    255,
                );
                check(
                    format!("blocks.{i}.elements.{j}.value"),
                    len(&e["value"]),
                    2000,
                );
            }
        }
    }
    if too_long {
        st.invalid.push(format!("{method}: text over 40000"));
        return Some("msg_too_long");
    }
    if bad.is_empty() {
        return None;
    }
    st.invalid.extend(bad);
    Some("invalid_blocks")
}

async fn http_handler(
    AxState(weak): AxState<std::sync::Weak<Inner>>,
    req: vmd_testkit::http::Request,
) -> Response {
    let Some(inner) = weak.upgrade() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let (path, body) = (req.path.clone(), req.body.clone());
    if let Some(file) = path.strip_prefix("/upload/") {
        let mut st = inner.st.lock().unwrap();
        let seq = st.calls.len();
        st.calls.push(Call {
            method: "upload".into(),
            params: json!({"file": file}),
            body: body.to_vec(),
            auth: None,
            at: Instant::now(),
            seq,
        });
        st.uploads.insert(file.to_owned(), body.to_vec());
        return (StatusCode::OK, format!("OK - {}", body.len())).into_response();
    }
    if path.starts_with("/hooks/") {
        // A response_url: five uses, answered ephemerally by default.
        let params: Value = serde_json::from_slice(&body).unwrap_or(Value::Null);
        let mut st = inner.st.lock().unwrap();
        let seq = st.calls.len();
        st.calls.push(Call {
            method: "response_url".into(),
            params: json!({"url": path, "body": params.clone()}),
            body: body.to_vec(),
            auth: None,
            at: Instant::now(),
            seq,
        });
        let uses = st.responses.entry(path.clone()).or_insert(0);
        *uses += 1;
        if *uses > 5 {
            return (
                StatusCode::NOT_FOUND,
                axum::Json(json!({"ok": false, "error": "used_url"})),
            )
                .into_response();
        }
        lint_payload(&mut st, "response_url", &params);
        if let Some(error) = limits(&mut st, "response_url", &params) {
            return (
                StatusCode::BAD_REQUEST,
                axum::Json(json!({"ok": false, "error": error})),
            )
                .into_response();
        }
        return axum::Json(json!({"ok": true})).into_response();
    }
    let Some(api_method) = path.strip_prefix("/api/") else {
        return StatusCode::NOT_FOUND.into_response();
    };
    let params = req.params();
    let auth = req.header("authorization").map(str::to_owned);
    let mut st = inner.st.lock().unwrap();
    let seq = st.calls.len();
    st.calls.push(Call {
        method: api_method.to_owned(),
        params: params.clone(),
        body: body.to_vec(),
        auth: auth.clone(),
        at: Instant::now(),
        seq,
    });
    if let Some(d) = st.latency.get(api_method).copied() {
        st.clock += d;
    }
    // A bot token call needing a scope the app was installed without.
    let bot_token = auth.as_deref().is_some_and(|a| a.contains("xoxb-"));
    if let Some(needed) = scope_of(api_method).filter(|s| bot_token && st.revoked.contains(*s)) {
        let provided: Vec<&str> = BOT_SCOPES
            .iter()
            .copied()
            .filter(|s| !st.revoked.contains(*s))
            .collect();
        return axum::Json(json!({
            "ok": false,
            "error": "missing_scope",
            "needed": needed,
            "provided": provided.join(","),
        }))
        .into_response();
    }
    if api_method == "views.open" {
        // A trigger_id is single-use and lives 3 s (on the fake's clock).
        let now = st.clock;
        if let Some((at, used)) = st
            .triggers
            .get_mut(params["trigger_id"].as_str().unwrap_or(""))
        {
            if *used {
                return axum::Json(json!({"ok": false, "error": "exchanged_trigger_id"}))
                    .into_response();
            }
            *used = true;
            if now.saturating_sub(*at) > TRIGGER_LIFE {
                return axum::Json(json!({"ok": false, "error": "expired_trigger_id"}))
                    .into_response();
            }
        }
    }
    if let Some(pos) = st.fail_next.iter().position(|f| f.0 == api_method) {
        let (_, status, retry_after, error) = st.fail_next.remove(pos);
        if status == 429 {
            return (
                StatusCode::TOO_MANY_REQUESTS,
                [("retry-after", retry_after.to_string())],
                axum::Json(json!({"ok": false, "error": "ratelimited"})),
            )
                .into_response();
        }
        if status == 200 {
            return axum::Json(json!({"ok": false, "error": error})).into_response();
        }
        return StatusCode::from_u16(status)
            .unwrap_or(StatusCode::INTERNAL_SERVER_ERROR)
            .into_response();
    }
    if matches!(
        api_method,
        "chat.postMessage" | "chat.update" | "chat.postEphemeral" | "views.open"
    ) {
        lint_payload(&mut st, api_method, &params);
        if let Some(error) = limits(&mut st, api_method, &params) {
            return axum::Json(json!({"ok": false, "error": error})).into_response();
        }
    }
    // Membership: where the bot is not in the channel, Slack refuses to post.
    let channel = params["channel"]
        .as_str()
        .or(params["channel_id"].as_str())
        .unwrap_or("");
    if matches!(
        api_method,
        "chat.postMessage" | "chat.update" | "chat.postEphemeral" | "files.completeUploadExternal"
    ) {
        if st.hidden.contains(channel) {
            return axum::Json(json!({"ok": false, "error": "channel_not_found"})).into_response();
        }
        if st.absent.contains(channel) {
            return axum::Json(json!({"ok": false, "error": "not_in_channel"})).into_response();
        }
    }
    let v = route(&inner, &mut st, api_method, &params, auth.as_deref());
    axum::Json(v).into_response()
}

fn route(inner: &Inner, st: &mut St, method: &str, p: &Value, auth: Option<&str>) -> Value {
    let port = inner.port;
    let s = |k: &str| p[k].as_str().unwrap_or("").to_owned();
    let is_app = auth.is_some_and(|a| a.contains("xapp-"));
    match method {
        "apps.connections.open" => {
            if !is_app {
                return json!({"ok": false, "error": "not_allowed_token_type"});
            }
            json!({"ok": true, "url": format!("ws://127.0.0.1:{port}/ws")})
        }
        "auth.test" => {
            if st.bad_token {
                return json!({"ok": false, "error": "invalid_auth"});
            }
            json!({"ok": true, "url": "https://fake.slack.com/", "team": "Fake", "user": "vm-doctor",
                   "team_id": TEAM, "user_id": BOT_USER, "bot_id": "B0BOT0001"})
        }
        "chat.postMessage" => {
            let ts = ts_string(inner.ts.fetch_add(100, Ordering::SeqCst));
            let channel = s("channel");
            let mut msg = json!({"type": "message", "ts": ts, "user": BOT_USER, "bot_id": "B0BOT0001",
                                 "text": p["text"].clone(), "blocks": p["blocks"].clone()});
            if let Some(t) = p["thread_ts"].as_str() {
                msg["thread_ts"] = json!(t);
            }
            st.messages
                .insert((channel.clone(), ts.clone()), msg.clone());
            st.order.push((channel.clone(), ts.clone()));
            json!({"ok": true, "channel": channel, "ts": ts, "message": msg})
        }
        "chat.update" => {
            let (channel, ts) = (s("channel"), s("ts"));
            let Some(m) = st.messages.get_mut(&(channel.clone(), ts.clone())) else {
                return json!({"ok": false, "error": "message_not_found"});
            };
            m["text"] = p["text"].clone();
            m["blocks"] = p["blocks"].clone();
            m["edited"] = json!({"user": BOT_USER, "ts": ts});
            json!({"ok": true, "channel": channel, "ts": ts, "text": p["text"].clone(),
                   "message": {"text": p["text"].clone(), "user": BOT_USER}})
        }
        "chat.postEphemeral" => {
            json!({"ok": true, "message_ts": ts_string(inner.ts.fetch_add(100, Ordering::SeqCst))})
        }
        "views.open" => {
            let mut view = p["view"].clone();
            view["id"] = json!(format!("V{}", inner.ids.fetch_add(1, Ordering::SeqCst)));
            view["team_id"] = json!(TEAM);
            view["hash"] = json!("1700000000.fakehash");
            view["state"] = json!({"values": {}});
            json!({"ok": true, "view": view})
        }
        "users.info" => {
            let user = s("user");
            let locale = st
                .locales
                .get(&user)
                .cloned()
                .unwrap_or_else(|| "en-US".into());
            json!({"ok": true, "user": {"id": user, "team_id": TEAM, "name": user.to_lowercase(), "locale": locale}})
        }
        "usergroups.users.list" => json!({"ok": true, "users": st.group}),
        "conversations.open" => {
            // `users`: one id (a comma-separated list or an array).
            let user = match &p["users"] {
                Value::Array(a) => a.first().and_then(Value::as_str).unwrap_or("").to_owned(),
                v => v
                    .as_str()
                    .unwrap_or("")
                    .split(',')
                    .next()
                    .unwrap_or("")
                    .to_owned(),
            };
            if user.is_empty() {
                return json!({"ok": false, "error": "users_list_not_supplied"});
            }
            json!({"ok": true, "channel": {"id": format!("D{}", user.trim_start_matches('U'))}})
        }
        "files.getUploadURLExternal" => {
            let id = format!("F{}", inner.ids.fetch_add(1, Ordering::SeqCst));
            json!({"ok": true, "upload_url": format!("http://127.0.0.1:{port}/upload/{id}"), "file_id": id})
        }
        "files.completeUploadExternal" => {
            let files: Vec<Value> = p["files"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|f| json!({"id": f["id"], "title": f["title"]}))
                .collect();
            json!({"ok": true, "files": files})
        }
        _ => json!({"ok": false, "error": "unknown_method"}),
    }
}
