//! In-process fake Discord (REST + gateway on one loopback port) for end-to-end tests.
//!
//! Use from a test crate as `mod fake; use fake::*;`. Point serenity at it with
//! `HttpBuilder::new(token).proxy(fake.url()).ratelimiter_disabled(true)` (the proxy is
//! ignored while the rate limiter is on) and `ClientBuilder::new_with_http`.
//!
//! REST: every request under `/api/v10` is recorded ([`Recorded`]) and answered with plausible
//! JSON that serenity 0.12.5 deserializes. Messages created by the bot (channel messages,
//! interaction responses, follow-ups) are remembered with their components and kept updated by
//! edits, so a test can click a button the bot posted (see [`FakeDiscord::message`] and
//! [`component_click`]).
//!
//! Gateway (`/ws`, any query): HELLO on connect, READY on IDENTIFY, RESUMED on RESUME, op 11 for
//! every heartbeat. Dispatches (op 0) go where Discord sends them: a guild's events to the
//! connection holding shard `(guild_id >> 22) % shard_count` (the count the connections
//! identified with), DMs and events without a guild to shard 0. [`FakeDiscord::dispatch`] waits
//! for that shard's connection; [`FakeDiscord::try_dispatch`] does not, and an event for a shard
//! with no live connection is lost, as on Discord. [`FakeDiscord::try_dispatch_on`] sends one to
//! a chosen shard (the same interaction seen by a second replica).
#![allow(dead_code)]

mod fixtures;
mod limits;
#[allow(unused_imports)]
pub use fixtures::*;

use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use axum::extract::ws::{CloseFrame, Message as WsMessage, WebSocket, WebSocketUpgrade};
use axum::extract::State as AxState;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use futures::{SinkExt, StreamExt};
use serde_json::{json, Value};
use tokio::sync::mpsc;

/// One REST request the fake received.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub method: String,
    /// Path without the query, e.g. `/api/v10/interactions/1/tok/callback`.
    pub path: String,
    /// Raw query string without `?` (serenity writes e.g. `&wait=true`), empty if none.
    pub query: String,
    /// Body JSON, or the parsed `payload_json` part of a multipart body; `Null` if no body.
    pub json: Value,
    /// Uploaded files of a multipart body: (filename, bytes), in body order.
    pub files: Vec<(String, Vec<u8>)>,
    pub at: Instant,
    /// 0-based arrival index.
    pub seq: usize,
}

impl Recorded {
    /// Path segments after `/api/v10/`.
    pub fn segments(&self) -> Vec<&str> {
        self.path
            .trim_start_matches("/api/v10/")
            .split('/')
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// True for `POST /api/v10/interactions/{id}/{token}/callback`.
    pub fn is_callback(&self) -> bool {
        self.method == "POST"
            && self.path.starts_with("/api/v10/interactions/")
            && self.path.ends_with("/callback")
    }

    /// The interaction-response type of a callback (`json.type`), if any.
    pub fn callback_type(&self) -> Option<u64> {
        if self.is_callback() {
            self.json.get("type").and_then(Value::as_u64)
        } else {
            None
        }
    }
}

enum Out {
    Text(String),
    Close(u16),
}

struct Conn {
    id: u64,
    tx: mpsc::UnboundedSender<Out>,
    /// READY or RESUMED has been sent on this connection.
    ready: bool,
}

/// A gateway connection still open, with the shard it identified as.
struct Live {
    id: u64,
    tx: mpsc::UnboundedSender<Out>,
    shard: Option<u64>,
    /// The shard count it identified with (0: not said).
    shards: u64,
    ready: bool,
    /// The last sequence number sent on it.
    seq: u64,
}

#[derive(Clone)]
struct InteractionCtx {
    channel_id: u64,
    guild_id: Option<u64>,
    /// Message the component/modal was attached to (component interactions).
    message_id: Option<u64>,
}

#[derive(Default)]
struct St {
    requests: Vec<Recorded>,
    gateway_in: Vec<Value>,
    identify: usize,
    resume: usize,
    /// The newest live connection ([`FakeDiscord::wait_ready`] watches it).
    conn: Option<Conn>,
    /// Every open connection (one per shard and process).
    live: Vec<Live>,
    /// session id -> (shard, shard count), to close a resumed shard's older connection.
    sessions: HashMap<String, (u64, u64)>,
    /// `max_concurrency` enforced on IDENTIFY (`None`: not enforced; `/gateway/bot` says 1).
    max_concurrency: Option<u64>,
    /// Shards `/gateway/bot` recommends.
    recommended_shards: u64,
    /// Accepted IDENTIFYs: (when, shard id).
    identified_at: Vec<(Instant, u64)>,
    /// IDENTIFYs refused with op 9 for coming too soon in their rate-limit bucket.
    identify_violations: usize,
    conn_counter: u64,
    session_counter: u64,
    fail_next: Vec<(String, u16)>,
    /// (method, path substring, delay): matching requests are handled late.
    slow: Vec<(String, String, Duration)>,
    messages: HashMap<u64, Value>,
    channels: HashMap<u64, Value>,
    channel_guild: HashMap<u64, u64>,
    /// interaction token -> context from the dispatched INTERACTION_CREATE
    interactions: HashMap<String, InteractionCtx>,
    /// interaction token -> id of its @original message
    originals: HashMap<String, u64>,
    /// (guild or None for global) -> registered commands
    commands: HashMap<Option<u64>, Vec<Value>>,
    /// channel -> the bot's permissions there (a thread takes its parent's);
    /// channels not listed allow everything.
    perms: HashMap<u64, u64>,
    /// Writes refused with 403 (Discord counts them against the bot).
    forbidden: usize,
    /// Guilds READY lists (unavailable, as Discord sends them first).
    ready_guilds: Vec<u64>,
    /// Guilds READY lists for one shard (instead of `ready_guilds`).
    shard_guilds: HashMap<u64, Vec<u64>>,
    /// 429s to give: the next matching request is refused.
    rate_limit_next: Vec<RateLimit>,
    /// Routes (path substrings) rate limited until then.
    limited_until: Vec<(String, Instant)>,
    /// Everything rate limited until then (a global 429).
    global_until: Option<Instant>,
    /// Requests sent while their 429's Retry-After had not run out.
    early_retries: usize,
    /// Bodies refused with 400/50035 (the paths of what broke a limit).
    invalid_bodies: Vec<String>,
    /// 429s given.
    rate_limited: usize,
    /// (channel, nonce) -> message created with `enforce_nonce`.
    nonces: HashMap<(u64, String), u64>,
    /// (method, path suffix): the next such request is carried out but
    /// answered 502 (as a proxy that gave up after Discord took it).
    fail_after_commit: Vec<(String, String)>,
}

/// How a 429 says how long to wait.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RetryAfterIn {
    /// The `Retry-After` header (whole seconds, rounded up) and the body's
    /// `retry_after` (fractional), as Discord sends them.
    Both,
    /// Only the header.
    Header,
    /// Only the body.
    Body,
}

#[derive(Clone, Debug)]
struct RateLimit {
    method: String,
    path: String,
    retry_after: Duration,
    global: bool,
    style: RetryAfterIn,
}

/// Permission bits the fake enforces (Discord's values).
pub mod perm {
    pub const VIEW_CHANNEL: u64 = 1 << 10;
    pub const SEND_MESSAGES: u64 = 1 << 11;
    pub const EMBED_LINKS: u64 = 1 << 14;
    pub const ATTACH_FILES: u64 = 1 << 15;
    pub const CREATE_PUBLIC_THREADS: u64 = 1 << 35;
    pub const SEND_MESSAGES_IN_THREADS: u64 = 1 << 38;
}

struct Inner {
    port: u16,
    heartbeat_ms: u64,
    st: Mutex<St>,
    next_id: AtomicU64,
    server: tokio::task::JoinHandle<()>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.server.abort();
    }
}

/// The fake; cheap to clone (shared state behind an `Arc`).
#[derive(Clone)]
pub struct FakeDiscord {
    inner: Arc<Inner>,
}

/// Discord's identify window: one IDENTIFY per rate-limit bucket in it.
pub const IDENTIFY_WINDOW: Duration = Duration::from_secs(5);

/// Heartbeat interval announced in HELLO.
pub const HEARTBEAT_MS: u64 = 5_000;

/// Discord epoch (2015-01-01) in ms, for snowflakes.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

impl FakeDiscord {
    pub const APP_ID: u64 = 1_100_000_000_000_000_001;
    pub const BOT_USER_ID: u64 = 1_100_000_000_000_000_002;
    pub const BOT_NAME: &'static str = "vm-doctor";

    /// Binds 127.0.0.1:0 and serves HTTP + WS on one port (HELLO announces [`HEARTBEAT_MS`]).
    pub async fn start() -> FakeDiscord {
        Self::start_with_heartbeat(HEARTBEAT_MS).await
    }

    /// Like [`FakeDiscord::start`] with a custom heartbeat interval in HELLO (short intervals
    /// exercise serenity's heartbeat/ack path; every heartbeat is acked).
    pub async fn start_with_heartbeat(heartbeat_ms: u64) -> FakeDiscord {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("fake discord: bind 127.0.0.1:0");
        let port = listener.local_addr().expect("local addr").port();
        // The router holds a Weak<Inner> (Inner owns the server task, which is aborted on drop).
        let (inner_tx, inner_rx) = tokio::sync::oneshot::channel::<std::sync::Weak<Inner>>();
        let server = tokio::spawn(async move {
            let Ok(weak) = inner_rx.await else { return };
            let router = Router::new()
                .route("/ws", get(ws_handler))
                .fallback(rest_handler)
                .with_state(weak);
            let _ = axum::serve(listener, router).await;
        });
        let start_ms = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(DISCORD_EPOCH_MS + 1);
        let inner = Arc::new(Inner {
            port,
            heartbeat_ms,
            st: Mutex::new(St::default()),
            next_id: AtomicU64::new((start_ms.saturating_sub(DISCORD_EPOCH_MS)) << 22),
            server,
        });
        let _ = inner_tx.send(Arc::downgrade(&inner));
        FakeDiscord { inner }
    }

    /// `http://127.0.0.1:PORT`, for `HttpBuilder::proxy`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.inner.port)
    }

    /// `ws://127.0.0.1:PORT/ws` (no query; serenity appends `?v=10`).
    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}/ws", self.inner.port)
    }

    pub fn port(&self) -> u16 {
        self.inner.port
    }

    /// A fresh unique snowflake (also used for messages/threads the fake creates).
    pub fn new_id(&self) -> u64 {
        self.inner.new_id()
    }

    /// Waits until IDENTIFY + RESUME received in total reaches `n`.
    pub async fn wait_identified(&self, n: usize, timeout: Duration) -> bool {
        self.wait_until(timeout, |st| st.identify + st.resume >= n)
            .await
    }

    /// Waits until a READY/RESUMED has been sent on the current connection.
    pub async fn wait_ready(&self, timeout: Duration) -> bool {
        self.wait_until(timeout, |st| st.conn.as_ref().is_some_and(|c| c.ready))
            .await
    }

    pub fn identify_count(&self) -> usize {
        self.inner.lock().identify
    }

    pub fn resume_count(&self) -> usize {
        self.inner.lock().resume
    }

    /// Number of heartbeats (op 1) received (each was answered with op 11).
    pub fn heartbeat_count(&self) -> usize {
        self.inner
            .lock()
            .gateway_in
            .iter()
            .filter(|v| v["op"] == 1)
            .count()
    }

    /// Every gateway payload received from the client (IDENTIFY, heartbeats, presence, ...).
    pub fn gateway_received(&self) -> Vec<Value> {
        self.inner.lock().gateway_in.clone()
    }

    /// Sends a dispatch (op 0, next `s`) on the READY/RESUMED connection holding its shard (see
    /// the module doc); waits up to 10 s for one and panics if there is none (a test would hang
    /// otherwise).
    ///
    /// `INTERACTION_CREATE` payloads are first checked against serenity's `Interaction`
    /// deserializer and the call panics with the serde error if they do not parse (serenity
    /// itself would drop them silently). They are also remembered so that responses to them
    /// (callback, `@original`, follow-ups) produce messages in the right channel. Use
    /// [`FakeDiscord::dispatch_raw`] to send a deliberately broken payload.
    pub async fn dispatch(&self, t: &str, d: Value) {
        let d = self.checked(t, d);
        self.dispatch_raw(t, d).await;
    }

    /// [`FakeDiscord::dispatch`] without the serenity validation.
    pub async fn dispatch_raw(&self, t: &str, d: Value) {
        let guild = guild_of(t, &d);
        let found = self
            .wait_until(Duration::from_secs(10), |st| {
                holder(st, shard_for(st, guild)).is_some()
            })
            .await;
        if !found {
            panic!("fake discord: no READY gateway connection within 10 s to dispatch {t}");
        }
        let mut st = self.inner.lock();
        let shard = shard_for(&st, guild);
        assert!(
            send_on_shard(&mut st, shard, t, d),
            "fake discord: gateway connection vanished while dispatching {t}"
        );
    }

    /// Sends a dispatch as Discord does, without waiting: on the connection holding its shard
    /// now. `false`: no live, ready connection holds it and the event is lost (an interaction
    /// lost so leaves the user with "The application did not respond"). Interactions are
    /// checked and remembered as by [`FakeDiscord::dispatch`].
    pub fn try_dispatch(&self, t: &str, d: Value) -> bool {
        let d = self.checked(t, d);
        let mut st = self.inner.lock();
        let shard = shard_for(&st, guild_of(t, &d));
        send_on_shard(&mut st, shard, t, d)
    }

    /// [`FakeDiscord::try_dispatch`] on the connection holding `shard`, whatever the event's
    /// guild: the same interaction seen by a second shard, so by a second replica (a redelivery,
    /// or a double click that reached another process). `false`: the shard has no live
    /// connection; the event is lost.
    pub fn try_dispatch_on(&self, t: &str, d: Value, shard: u64) -> bool {
        let d = self.checked(t, d);
        send_on_shard(&mut self.inner.lock(), shard, t, d)
    }

    /// The shard Discord sends an event of `guild` to now (`None`: a DM, shard 0), by the shard
    /// count the live connections identified with.
    pub fn shard_of(&self, guild: Option<u64>) -> u64 {
        shard_for(&self.inner.lock(), guild)
    }

    /// The shards a live, READY/RESUMED connection holds, in order.
    pub fn live_shards(&self) -> Vec<u64> {
        let st = self.inner.lock();
        let mut v: Vec<u64> = st
            .live
            .iter()
            .filter(|l| l.ready)
            .filter_map(|l| l.shard)
            .collect();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// An `INTERACTION_CREATE` payload with the bot's permissions in its channel, checked
    /// against serenity's deserializer (panics with the serde error if it does not parse).
    fn checked(&self, t: &str, mut d: Value) -> Value {
        if t == "INTERACTION_CREATE" {
            // The interaction carries the bot's permissions in its channel.
            let channel = id_of(&d["channel_id"]).unwrap_or(0);
            let bits = self.inner.lock().perms.get(&channel).copied();
            if let Some(bits) = bits {
                d["app_permissions"] = json!(bits.to_string());
                d["channel"]["permissions"] = json!(bits.to_string());
            }
            if let Err(e) =
                serde_json::from_value::<serenity::model::application::Interaction>(d.clone())
            {
                panic!("fake discord: INTERACTION_CREATE payload rejected by serenity: {e}\n{d:#}");
            }
        }
        d
    }

    /// Sends op 9 INVALID_SESSION. `false` makes serenity drop the session and re-IDENTIFY on a
    /// new connection (its shard queuer waits up to 5 s between shard boots); `true` resumes.
    pub async fn send_invalid_session(&self, resumable: bool) {
        let mut st = self.inner.lock();
        let Some(c) = st.conn.as_mut() else { return };
        let _ =
            c.tx.send(Out::Text(json!({"op": 9, "d": resumable}).to_string()));
        c.ready = false;
        let id = c.id;
        // Nothing is dispatched on it until it identifies or resumes again.
        for l in st.live.iter_mut().filter(|l| l.id == id) {
            l.ready = false;
        }
    }

    /// The bot's permissions in `channel` (and its threads) become `bits`:
    /// interactions there carry them as `app_permissions`, and writes they
    /// do not allow are refused with 403 50001/50013, as Discord does.
    pub fn set_bot_permissions(&self, channel: u64, bits: u64) {
        self.inner.lock().perms.insert(channel, bits);
    }

    /// READY lists these guilds.
    pub fn set_ready_guilds(&self, guilds: &[u64]) {
        self.inner.lock().ready_guilds = guilds.to_vec();
    }

    /// READY on shard `shard` lists these guilds (Discord sends each shard
    /// only its own).
    pub fn set_shard_guilds(&self, shard: u64, guilds: &[u64]) {
        self.inner
            .lock()
            .shard_guilds
            .insert(shard, guilds.to_vec());
    }

    /// Commands registered earlier (by a previous deployment) in `guild`
    /// (`None`: global), by name.
    pub fn preset_commands(&self, guild: Option<u64>, names: &[&str]) {
        let cmds = names
            .iter()
            .map(|n| {
                let mut c = echo_command(&self.inner, &json!({"name": n, "description": n}), guild);
                c["id"] = json!(self.new_id().to_string());
                c
            })
            .collect();
        self.inner.lock().commands.insert(guild, cmds);
    }

    /// The command names a member of `guild` sees in the picker: the global
    /// set and the guild's own, both (Discord shows both: a name twice is a
    /// duplicate).
    pub fn visible_commands(&self, guild: u64) -> Vec<String> {
        let st = self.inner.lock();
        [None, Some(guild)]
            .iter()
            .flat_map(|g| st.commands.get(g).cloned().unwrap_or_default())
            .filter_map(|c| c["name"].as_str().map(str::to_owned))
            .collect()
    }

    /// Enforces Discord's identify rate from now on: in any 5 s, one
    /// IDENTIFY per bucket `shard_id % max_concurrency`; an early one gets op
    /// 9 and counts as a violation. `/gateway/bot` reports `max_concurrency`
    /// and `shards`.
    pub fn enforce_identify_rate(&self, max_concurrency: u64, shards: u64) {
        let mut st = self.inner.lock();
        st.max_concurrency = Some(max_concurrency.max(1));
        st.recommended_shards = shards;
    }

    /// IDENTIFYs refused for coming too soon in their bucket.
    pub fn identify_violations(&self) -> usize {
        self.inner.lock().identify_violations
    }

    /// Shard ids of every IDENTIFY received (refused ones too), in order.
    pub fn identified_shards(&self) -> Vec<u64> {
        self.inner
            .lock()
            .gateway_in
            .iter()
            .filter(|v| v["op"] == 2)
            .filter_map(|v| v["d"]["shard"][0].as_u64())
            .collect()
    }

    /// The next `method` request whose path contains `path_contains` gets a
    /// 429 saying to wait `retry_after` (`global`: every route). A request
    /// to a limited route (any, when global) before that time is answered
    /// 429 again and counted in [`FakeDiscord::early_retries`].
    pub fn rate_limit_next(
        &self,
        method: &str,
        path_contains: &str,
        retry_after: Duration,
        global: bool,
        style: RetryAfterIn,
    ) {
        self.inner.lock().rate_limit_next.push(RateLimit {
            method: method.into(),
            path: path_contains.into(),
            retry_after,
            global,
            style,
        });
    }

    /// What broke Discord's payload limits (refused with 400/50035), by
    /// path in the body, e.g. `content: 2143 > 2000`.
    pub fn invalid_bodies(&self) -> Vec<String> {
        self.inner.lock().invalid_bodies.clone()
    }

    /// Requests that came before their 429's Retry-After ran out.
    pub fn early_retries(&self) -> usize {
        self.inner.lock().early_retries
    }

    /// 429s given (the planned ones and the early retries').
    pub fn rate_limited_count(&self) -> usize {
        self.inner.lock().rate_limited
    }

    /// The next `method` request whose path ends with `path_suffix` is
    /// carried out (a message is posted) but answered 502, as a proxy that
    /// timed out after Discord took it: a client that retries without a
    /// nonce posts twice.
    pub fn set_fail_after_commit(&self, method: &str, path_suffix: &str) {
        self.inner
            .lock()
            .fail_after_commit
            .push((method.to_string(), path_suffix.to_string()));
    }

    /// How many writes were refused with 403.
    pub fn forbidden_count(&self) -> usize {
        self.inner.lock().forbidden
    }

    /// Closes the live gateway connection with close code 4000 (serenity then resumes).
    pub async fn disconnect(&self) {
        self.disconnect_with(4000).await;
    }

    /// Closes the live gateway connection with `code` (4000 → resume; 4004 → serenity gives
    /// up with an authentication error; 1000 → resume as well in serenity 0.12.5).
    pub async fn disconnect_with(&self, code: u16) {
        let mut st = self.inner.lock();
        if let Some(c) = st.conn.take() {
            let _ = c.tx.send(Out::Close(code));
            // Closing: nothing more is dispatched on it.
            for l in st.live.iter_mut().filter(|l| l.id == c.id) {
                l.ready = false;
                l.shard = None;
            }
        }
    }

    /// Sends op 7 RECONNECT on the live connection (serenity resumes).
    pub async fn send_reconnect(&self) {
        let st = self.inner.lock();
        if let Some(c) = &st.conn {
            let _ =
                c.tx.send(Out::Text(json!({"op": 7, "d": null}).to_string()));
        }
    }

    /// Every REST request, in arrival order.
    pub fn requests(&self) -> Vec<Recorded> {
        self.inner.lock().requests.clone()
    }

    /// First request (in arrival order, including past ones) matching `pred`, waiting up to
    /// `timeout`.
    pub async fn wait_for(
        &self,
        pred: impl Fn(&Recorded) -> bool,
        timeout: Duration,
    ) -> Option<Recorded> {
        let deadline = Instant::now() + timeout;
        loop {
            if let Some(r) = self.inner.lock().requests.iter().find(|r| pred(r)).cloned() {
                return Some(r);
            }
            if Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Like `wait_for` but only considers requests with `seq >= from_seq` (use
    /// `requests().len()` before an action to look only at what it caused).
    pub async fn wait_for_after(
        &self,
        from_seq: usize,
        pred: impl Fn(&Recorded) -> bool,
        timeout: Duration,
    ) -> Option<Recorded> {
        self.wait_for(|r| r.seq >= from_seq && pred(r), timeout)
            .await
    }

    /// The next REST call whose path contains `path_contains` fails with `status` and a
    /// Discord-style error body. Rules are consumed in order, once each.
    pub fn set_fail_next(&self, path_contains: &str, status: u16) {
        self.inner
            .lock()
            .fail_next
            .push((path_contains.to_string(), status));
    }

    /// From now on every `method` request whose path contains
    /// `path_contains` is handled `delay` late (as Discord is under load): it
    /// is recorded and takes effect only after the delay.
    pub fn set_slow(&self, method: &str, path_contains: &str, delay: Duration) {
        self.inner
            .lock()
            .slow
            .push((method.to_string(), path_contains.to_string(), delay));
    }

    /// A message the fake created (channel message, interaction response, follow-up), as a
    /// full message object, kept updated by edits.
    pub fn message(&self, id: u64) -> Option<Value> {
        self.inner.lock().messages.get(&id).cloned()
    }

    /// All messages the fake holds (creation order by id).
    pub fn messages(&self) -> Vec<Value> {
        let st = self.inner.lock();
        let mut v: Vec<_> = st.messages.iter().map(|(k, m)| (*k, m.clone())).collect();
        v.sort_by_key(|(k, _)| *k);
        v.into_iter().map(|(_, m)| m).collect()
    }

    /// Messages in one channel (or thread), oldest first.
    pub fn channel_messages(&self, channel_id: u64) -> Vec<Value> {
        self.messages()
            .into_iter()
            .filter(|m| id_of(&m["channel_id"]) == Some(channel_id))
            .collect()
    }

    /// The `@original` response message of an interaction (by its token), if one exists.
    pub fn original_message(&self, token: &str) -> Option<Value> {
        let st = self.inner.lock();
        st.originals
            .get(token)
            .and_then(|id| st.messages.get(id))
            .cloned()
    }

    /// A channel/thread the fake created (threads), as a channel object.
    pub fn channel(&self, id: u64) -> Option<Value> {
        self.inner.lock().channels.get(&id).cloned()
    }

    /// Registered application commands (`None` = global).
    pub fn commands(&self, guild_id: Option<u64>) -> Vec<Value> {
        self.inner
            .lock()
            .commands
            .get(&guild_id)
            .cloned()
            .unwrap_or_default()
    }

    /// The bot user object the fake serves.
    pub fn bot_user() -> Value {
        user_obj(Self::BOT_USER_ID, Self::BOT_NAME, true)
    }

    async fn wait_until(&self, timeout: Duration, f: impl Fn(&St) -> bool) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if f(&self.inner.lock()) {
                return true;
            }
            if Instant::now() >= deadline {
                return false;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }
}

impl Inner {
    fn lock(&self) -> MutexGuard<'_, St> {
        self.st.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn new_id(&self) -> u64 {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_millis() as u64)
            .unwrap_or(DISCORD_EPOCH_MS + 1);
        let ts = now.saturating_sub(DISCORD_EPOCH_MS) << 22;
        let mut cur = self.next_id.load(Ordering::Relaxed);
        loop {
            let next = ts.max(cur + 1);
            match self
                .next_id
                .compare_exchange(cur, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => return next,
                Err(c) => cur = c,
            }
        }
    }
}

fn remember_interaction(st: &mut St, d: &Value) {
    let Some(token) = d.get("token").and_then(Value::as_str) else {
        return;
    };
    let channel_id = id_of(&d["channel_id"]).unwrap_or(0);
    let guild_id = id_of(&d["guild_id"]);
    if let Some(g) = guild_id {
        st.channel_guild.insert(channel_id, g);
    }
    let message_id = id_of(&d["message"]["id"]);
    if let Some(mid) = message_id {
        st.messages
            .entry(mid)
            .or_insert_with(|| d["message"].clone());
    }
    st.interactions.insert(
        token.to_string(),
        InteractionCtx {
            channel_id,
            guild_id,
            message_id,
        },
    );
}

// ---------------------------------------------------------------------------------------------
// Gateway

async fn ws_handler(
    AxState(weak): AxState<std::sync::Weak<Inner>>,
    ws: WebSocketUpgrade,
) -> Response {
    ws.on_upgrade(move |socket| async move {
        if let Some(inner) = weak.upgrade() {
            let (port, hb) = (inner.port, inner.heartbeat_ms);
            drop(inner);
            gateway_conn(weak, port, hb, socket).await;
        }
    })
}

async fn gateway_conn(
    weak: std::sync::Weak<Inner>,
    port: u16,
    heartbeat_ms: u64,
    socket: WebSocket,
) {
    let (mut sink, mut stream) = socket.split();
    let (tx, mut rx) = mpsc::unbounded_channel::<Out>();
    let conn_id = {
        let Some(inner) = weak.upgrade() else { return };
        let mut st = inner.lock();
        st.conn_counter += 1;
        let id = st.conn_counter;
        // Older connections stay open (other shards); one of the same shard
        // is closed when this one identifies or resumes as it.
        st.live.push(Live {
            id,
            tx: tx.clone(),
            shard: None,
            shards: 0,
            ready: false,
            seq: 0,
        });
        st.conn = Some(Conn {
            id,
            tx: tx.clone(),
            ready: false,
        });
        id
    };
    let _ = tx.send(Out::Text(
        json!({"op": 10, "s": null, "t": null, "d": {"heartbeat_interval": heartbeat_ms}})
            .to_string(),
    ));
    loop {
        tokio::select! {
            msg = stream.next() => {
                let text = match msg {
                    Some(Ok(WsMessage::Text(t))) => t.as_str().to_string(),
                    Some(Ok(WsMessage::Binary(b))) => String::from_utf8_lossy(&b).into_owned(),
                    Some(Ok(WsMessage::Close(_))) | None | Some(Err(_)) => break,
                    Some(Ok(_)) => continue,
                };
                let Some(inner) = weak.upgrade() else { break };
                handle_gateway_payload(&inner, conn_id, port, &tx, &text);
            }
            out = rx.recv() => match out {
                Some(Out::Text(s)) => {
                    if sink.send(WsMessage::Text(s.into())).await.is_err() {
                        break;
                    }
                }
                Some(Out::Close(code)) => {
                    let _ = sink
                        .send(WsMessage::Close(Some(CloseFrame {
                            code,
                            reason: "fake discord disconnect".into(),
                        })))
                        .await;
                    // Give the client a moment to read the close frame before dropping.
                    let _ = tokio::time::timeout(Duration::from_millis(500), async {
                        while let Some(Ok(m)) = stream.next().await {
                            if matches!(m, WsMessage::Close(_)) {
                                break;
                            }
                        }
                    })
                    .await;
                    break;
                }
                None => break,
            }
        }
    }
    if let Some(inner) = weak.upgrade() {
        let mut st = inner.lock();
        st.live.retain(|l| l.id != conn_id);
        if st.conn.as_ref().is_some_and(|c| c.id == conn_id) {
            // Dispatches go to the newest connection still open.
            st.conn = st.live.last().map(|l| Conn {
                id: l.id,
                tx: l.tx.clone(),
                ready: l.ready,
            });
        }
    }
}

/// Marks connection `conn_id` as shard `shard` of `shards` (ready, its last
/// sequence number `seq`) and closes any older connection of the same shard
/// (a new session replaces it).
fn take_shard(st: &mut St, conn_id: u64, shard: u64, shards: u64, seq: u64) {
    for l in st.live.iter_mut() {
        if l.id == conn_id {
            l.shard = Some(shard);
            l.shards = shards;
            l.ready = true;
            l.seq = seq;
        } else if l.shard == Some(shard) {
            let _ = l.tx.send(Out::Close(4000));
            l.shard = None;
            l.ready = false;
        }
    }
}

/// The shard count the live connections identified with (1 when none said).
fn shard_count(st: &St) -> u64 {
    st.live
        .iter()
        .filter(|l| l.shard.is_some())
        .map(|l| l.shards)
        .max()
        .unwrap_or(1)
        .max(1)
}

/// The shard Discord sends an event of `guild` to: `(guild_id >> 22) %
/// shard_count`; DMs and events without a guild go to shard 0.
fn shard_for(st: &St, guild: Option<u64>) -> u64 {
    guild.map_or(0, |g| (g >> 22) % shard_count(st))
}

/// The guild an event belongs to: its `guild_id`, or the guild itself for
/// `GUILD_*` events about one.
fn guild_of(t: &str, d: &Value) -> Option<u64> {
    id_of(&d["guild_id"]).or_else(|| t.starts_with("GUILD_").then(|| id_of(&d["id"])).flatten())
}

/// The live, ready connection holding `shard` (the newest, if two do; a
/// connection resumed on a session the fake did not start holds shard 0).
fn holder(st: &St, shard: u64) -> Option<usize> {
    st.live
        .iter()
        .rposition(|l| l.ready && l.shard == Some(shard))
}

/// Sends a dispatch on the connection holding `shard` (its next sequence
/// number); `false` when none does (the event is lost). Interactions sent
/// are remembered for the responses to them.
fn send_on_shard(st: &mut St, shard: u64, t: &str, d: Value) -> bool {
    let Some(i) = holder(st, shard) else {
        return false;
    };
    if t == "INTERACTION_CREATE" {
        remember_interaction(st, &d);
    }
    let l = &mut st.live[i];
    l.seq += 1;
    let frame = json!({"op": 0, "t": t, "s": l.seq, "d": d}).to_string();
    l.tx.send(Out::Text(frame)).is_ok()
}

fn handle_gateway_payload(
    inner: &Inner,
    conn_id: u64,
    port: u16,
    tx: &mpsc::UnboundedSender<Out>,
    text: &str,
) {
    let Ok(v) = serde_json::from_str::<Value>(text) else {
        return;
    };
    let op = v.get("op").and_then(Value::as_u64);
    let mut st = inner.lock();
    st.gateway_in.push(v.clone());
    let is_current = st.conn.as_ref().is_some_and(|c| c.id == conn_id);
    match op {
        Some(1) => {
            let _ = tx.send(Out::Text(
                json!({"op": 11, "s": null, "t": null, "d": null}).to_string(),
            ));
        }
        Some(2) => {
            let shard = v["d"]["shard"].clone();
            let shard_id = shard[0].as_u64().unwrap_or(0);
            // Discord's identify rate: within 5 s, one IDENTIFY per bucket
            // (`shard_id % max_concurrency`); more gets op 9 (not resumable).
            if let Some(mc) = st.max_concurrency {
                let now = Instant::now();
                let key = shard_id % mc.max(1);
                let early = st.identified_at.iter().any(|(at, s)| {
                    s % mc.max(1) == key && now.duration_since(*at) < IDENTIFY_WINDOW
                });
                if early {
                    st.identify_violations += 1;
                    let _ = tx.send(Out::Text(json!({"op": 9, "d": false}).to_string()));
                    return;
                }
                st.identified_at.push((now, shard_id));
            }
            st.identify += 1;
            st.session_counter += 1;
            let session = format!("fake-session-{}", st.session_counter);
            let shards = shard[1].as_u64().unwrap_or(1).max(1);
            st.sessions.insert(session, (shard_id, shards));
            take_shard(&mut st, conn_id, shard_id, shards, 1);
            let ready = json!({
                "op": 0, "t": "READY", "s": 1,
                "d": {
                    "v": 10,
                    "user": {
                        "id": FakeDiscord::BOT_USER_ID.to_string(),
                        "username": FakeDiscord::BOT_NAME,
                        "discriminator": "0",
                        "global_name": null,
                        "avatar": null,
                        "bot": true,
                        "verified": true,
                        "mfa_enabled": false,
                        "flags": 0,
                    },
                    "guilds": st.shard_guilds.get(&shard_id).unwrap_or(&st.ready_guilds).iter()
                        .map(|g| json!({"id": g.to_string(), "unavailable": true}))
                        .collect::<Vec<_>>(),
                    "session_id": format!("fake-session-{}", st.session_counter),
                    "resume_gateway_url": format!("ws://127.0.0.1:{port}/ws"),
                    "shard": if shard.is_array() { shard } else { json!([0, 1]) },
                    "application": {"id": FakeDiscord::APP_ID.to_string(), "flags": 0},
                    "private_channels": [],
                    "presences": [],
                    "relationships": [],
                    "guild_join_requests": [],
                    "geo_ordered_rtc_regions": [],
                }
            });
            let _ = tx.send(Out::Text(ready.to_string()));
            if is_current {
                if let Some(c) = st.conn.as_mut() {
                    c.ready = true;
                }
            }
        }
        Some(6) => {
            st.resume += 1;
            let shard = v["d"]["session_id"]
                .as_str()
                .and_then(|id| st.sessions.get(id).copied());
            let seq = v["d"]["seq"].as_u64().unwrap_or(0) + 1;
            match shard {
                Some((shard, shards)) => take_shard(&mut st, conn_id, shard, shards, seq),
                // A session the fake never started: shard 0.
                None => take_shard(&mut st, conn_id, 0, 1, seq),
            }
            let resumed = json!({"op": 0, "t": "RESUMED", "s": seq, "d": {}});
            let _ = tx.send(Out::Text(resumed.to_string()));
            if is_current {
                if let Some(c) = st.conn.as_mut() {
                    c.ready = true;
                }
            }
        }
        _ => {} // presence (3), voice (4), request members (8), ...: tolerated
    }
}

// ---------------------------------------------------------------------------------------------
// REST

async fn rest_handler(
    AxState(weak): AxState<std::sync::Weak<Inner>>,
    req: vmd_testkit::http::Request,
) -> Response {
    let Some(inner) = weak.upgrade() else {
        return StatusCode::SERVICE_UNAVAILABLE.into_response();
    };
    let (json_body, files) = req.json_and_files();
    let (method, path) = (req.method, req.path);
    let query = req.query.unwrap_or_default();

    let slow = inner
        .lock()
        .slow
        .iter()
        .filter(|(m, p, _)| m == method.as_str() && path.contains(p.as_str()))
        .map(|(_, _, d)| *d)
        .max();
    if let Some(delay) = slow {
        tokio::time::sleep(delay).await;
    }
    let mut st = inner.lock();
    let seq = st.requests.len();
    let rec = Recorded {
        method: method.as_str().to_string(),
        path: path.clone(),
        query,
        json: json_body,
        files,
        at: Instant::now(),
        seq,
    };
    st.requests.push(rec.clone());

    if let Some(pos) = st
        .fail_next
        .iter()
        .position(|(p, _)| path.contains(p.as_str()))
    {
        let (_, status) = st.fail_next.remove(pos);
        let status = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return (
            status,
            axum::Json(json!({"message": "Fake failure (set_fail_next)", "code": 0})),
        )
            .into_response();
    }

    if let Some(limited) = rate_limit(&mut st, &rec) {
        return limited;
    }
    let invalid = limits::check(&rec);
    if !invalid.is_empty() {
        st.invalid_bodies.extend(invalid.iter().cloned());
        return (
            StatusCode::BAD_REQUEST,
            axum::Json(limits::error_body(&invalid)),
        )
            .into_response();
    }
    if let Some(refusal) = permission_check(&st, &rec) {
        st.forbidden += 1;
        return refusal.into_response();
    }
    let (status, body) = route(&inner, &mut st, &rec);
    if status.is_success() {
        if let Some(pos) = st
            .fail_after_commit
            .iter()
            .position(|(m, p)| m == method.as_str() && path.ends_with(p.as_str()))
        {
            st.fail_after_commit.remove(pos);
            return (
                StatusCode::BAD_GATEWAY,
                axum::Json(json!({"message": "Bad Gateway", "code": 0})),
            )
                .into_response();
        }
    }
    match body {
        Some(v) => (status, axum::Json(v)).into_response(),
        None => status.into_response(),
    }
}

/// Discord's rate limits as a client meets them: a request while its route
/// (or everything, after a global 429) is limited is early, counted and
/// refused again; otherwise a planned 429 is given.
fn rate_limit(st: &mut St, rec: &Recorded) -> Option<Response> {
    let now = Instant::now();
    let route_left = st
        .limited_until
        .iter()
        .filter(|(p, u)| rec.path.contains(p.as_str()) && now < *u)
        .map(|(_, u)| *u - now)
        .max();
    let global_left = st.global_until.filter(|u| now < *u).map(|u| u - now);
    let (left, global, style) = if let Some(left) = global_left.or(route_left) {
        st.early_retries += 1;
        (left, global_left.is_some(), RetryAfterIn::Both)
    } else {
        let pos = st
            .rate_limit_next
            .iter()
            .position(|r| r.method == rec.method && rec.path.contains(r.path.as_str()))?;
        let r = st.rate_limit_next.remove(pos);
        if r.global {
            st.global_until = Some(now + r.retry_after);
        } else {
            st.limited_until.push((r.path.clone(), now + r.retry_after));
        }
        (r.retry_after, r.global, r.style)
    };
    st.rate_limited += 1;
    let mut body = json!({"message": "You are being rate limited.", "global": global, "code": 0});
    if style != RetryAfterIn::Header {
        body["retry_after"] = json!((left.as_secs_f64() * 1000.0).ceil() / 1000.0);
    }
    let mut resp = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    if style != RetryAfterIn::Body {
        let secs = left.as_secs_f64().ceil() as u64;
        resp.headers_mut()
            .insert("retry-after", secs.max(1).to_string().parse().ok()?);
        if global {
            resp.headers_mut()
                .insert("x-ratelimit-global", "true".parse().ok()?);
        }
    }
    Some(resp)
}

/// Discord's 403 for a write the bot's permissions in the channel do not
/// allow: 50001 without View Channel, 50013 for any other missing bit
/// (sending, in a thread, threads, embeds, files).
fn permission_check(st: &St, rec: &Recorded) -> Option<(StatusCode, axum::Json<Value>)> {
    let rest = rec.path.strip_prefix("/api/v10/")?;
    let seg: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let (cid, need) = match (rec.method.as_str(), seg.as_slice()) {
        ("POST", ["channels", cid, "messages"]) => (cid.parse::<u64>().ok()?, "send"),
        ("PATCH", ["channels", cid, "messages", _]) => (cid.parse::<u64>().ok()?, "edit"),
        ("POST", ["channels", cid, "threads"])
        | ("POST", ["channels", cid, "messages", _, "threads"]) => {
            (cid.parse::<u64>().ok()?, "thread")
        }
        _ => return None,
    };
    let channel = st.channels.get(&cid);
    let thread = channel.is_some_and(|c| matches!(c["type"].as_u64(), Some(10..=12)));
    let parent = if thread {
        channel.and_then(|c| id_of(&c["parent_id"])).unwrap_or(cid)
    } else {
        cid
    };
    let bits = *st.perms.get(&cid).or_else(|| st.perms.get(&parent))?;
    let has = |b: u64| bits & b == b;
    let refuse = |code: u64, message: &str| {
        Some((
            StatusCode::FORBIDDEN,
            axum::Json(json!({"message": message, "code": code})),
        ))
    };
    if !has(perm::VIEW_CHANNEL) {
        return refuse(50001, "Missing Access");
    }
    let send = if thread {
        perm::SEND_MESSAGES_IN_THREADS
    } else {
        perm::SEND_MESSAGES
    };
    let embeds = rec.json["embeds"].as_array().is_some_and(|e| !e.is_empty());
    let missing = match need {
        "send" => {
            !has(send)
                || (embeds && !has(perm::EMBED_LINKS))
                || (!rec.files.is_empty() && !has(perm::ATTACH_FILES))
        }
        "edit" => embeds && !has(perm::EMBED_LINKS),
        _ => !has(perm::CREATE_PUBLIC_THREADS),
    };
    if missing {
        return refuse(50013, "Missing Permissions");
    }
    None
}

fn not_found() -> (StatusCode, Option<Value>) {
    (
        StatusCode::NOT_FOUND,
        Some(json!({"message": "Unknown", "code": 0})),
    )
}

fn ok(v: Value) -> (StatusCode, Option<Value>) {
    (StatusCode::OK, Some(v))
}

fn no_content() -> (StatusCode, Option<Value>) {
    (StatusCode::NO_CONTENT, None)
}

fn route(inner: &Inner, st: &mut St, rec: &Recorded) -> (StatusCode, Option<Value>) {
    let Some(rest) = rec.path.strip_prefix("/api/v10/") else {
        return not_found();
    };
    let seg: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let port = inner.port;
    let m = rec.method.as_str();
    let num = |s: &str| s.parse::<u64>().ok();
    match (m, seg.as_slice()) {
        ("GET", ["gateway"]) => ok(json!({"url": format!("ws://127.0.0.1:{port}/ws")})),
        ("GET", ["gateway", "bot"]) => ok(json!({
            "url": format!("ws://127.0.0.1:{port}/ws"),
            "shards": st.recommended_shards.max(1),
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 0,
                "max_concurrency": st.max_concurrency.unwrap_or(1)}
        })),
        ("GET", ["users", "@me"]) => ok(FakeDiscord::bot_user()),
        ("GET", ["oauth2", "applications", "@me"]) | ("GET", ["applications", "@me"]) => {
            ok(app_info())
        }

        // ---- application commands
        ("GET", ["applications", _, "commands"]) => ok(Value::Array(
            st.commands.get(&None).cloned().unwrap_or_default(),
        )),
        ("GET", ["applications", _, "guilds", g, "commands"]) => ok(Value::Array(
            st.commands.get(&num(g)).cloned().unwrap_or_default(),
        )),
        ("PUT", ["applications", _, "commands"]) => {
            let cmds = echo_commands(inner, &rec.json, None);
            st.commands.insert(None, cmds.clone());
            ok(Value::Array(cmds))
        }
        ("PUT", ["applications", _, "guilds", g, "commands"]) => {
            let g = num(g);
            let cmds = echo_commands(inner, &rec.json, g);
            st.commands.insert(g, cmds.clone());
            ok(Value::Array(cmds))
        }
        ("POST", ["applications", _, "commands"]) => {
            let c = echo_command(inner, &rec.json, None);
            upsert_command(st, None, c.clone());
            ok(c)
        }
        ("POST", ["applications", _, "guilds", g, "commands"]) => {
            let g = num(g);
            let c = echo_command(inner, &rec.json, g);
            upsert_command(st, g, c.clone());
            ok(c)
        }
        ("PATCH", ["applications", _, "commands", id]) => {
            let mut c = echo_command(inner, &rec.json, None);
            c["id"] = json!(id);
            ok(c)
        }
        ("PATCH", ["applications", _, "guilds", g, "commands", id]) => {
            let mut c = echo_command(inner, &rec.json, num(g));
            c["id"] = json!(id);
            ok(c)
        }
        ("DELETE", ["applications", _, "commands", _])
        | ("DELETE", ["applications", _, "guilds", _, "commands", _]) => no_content(),

        // ---- interaction responses
        ("POST", ["interactions", _, token, "callback"]) => {
            interaction_callback(inner, st, token, rec);
            no_content()
        }
        ("GET", ["webhooks", _, token, "messages", "@original"]) => {
            match st.originals.get(*token).and_then(|id| st.messages.get(id)) {
                Some(m) => ok(m.clone()),
                None => not_found(),
            }
        }
        ("PATCH", ["webhooks", _, token, "messages", "@original"]) => {
            let id = match st.originals.get(*token) {
                Some(id) => *id,
                None => {
                    // No callback seen (e.g. the test skipped it): create the original now.
                    let ctx = st.interactions.get(*token).cloned();
                    let id = ctx
                        .as_ref()
                        .and_then(|c| c.message_id)
                        .unwrap_or_else(|| inner.new_id());
                    let channel = ctx.as_ref().map(|c| c.channel_id).unwrap_or(0);
                    let msg = build_message(inner, id, channel, &json!({}), &[], true);
                    st.messages.entry(id).or_insert(msg);
                    st.originals.insert(token.to_string(), id);
                    id
                }
            };
            ok(edit_message(inner, st, id, rec))
        }
        ("DELETE", ["webhooks", _, token, "messages", "@original"]) => {
            if let Some(id) = st.originals.remove(*token) {
                st.messages.remove(&id);
            }
            no_content()
        }
        ("POST", ["webhooks", _, token]) => {
            let channel = st
                .interactions
                .get(*token)
                .map(|c| c.channel_id)
                .or_else(|| id_of(&rec.json["thread_id"]))
                .unwrap_or(0);
            let id = inner.new_id();
            let msg = build_message(inner, id, channel, &rec.json, &rec.files, true);
            st.messages.insert(id, msg.clone());
            ok(msg)
        }
        ("GET", ["webhooks", _, _, "messages", mid]) => {
            match num(mid).and_then(|id| st.messages.get(&id)) {
                Some(m) => ok(m.clone()),
                None => not_found(),
            }
        }
        ("PATCH", ["webhooks", _, _, "messages", mid]) => match num(mid) {
            Some(id) if st.messages.contains_key(&id) => ok(edit_message(inner, st, id, rec)),
            _ => not_found(),
        },
        ("DELETE", ["webhooks", _, _, "messages", mid]) => {
            if let Some(id) = num(mid) {
                st.messages.remove(&id);
            }
            no_content()
        }

        // ---- channels and messages
        ("GET", ["channels", cid]) => {
            let Some(cid) = num(cid) else {
                return not_found();
            };
            match st.channels.get(&cid) {
                Some(c) => ok(c.clone()),
                None => {
                    let mut c = json!({
                        "id": cid.to_string(), "type": 0, "name": "fake-channel",
                        "position": 0, "permission_overwrites": [], "nsfw": false,
                        "last_message_id": null, "topic": null, "parent_id": null,
                    });
                    if let Some(g) = st.channel_guild.get(&cid) {
                        c["guild_id"] = json!(g.to_string());
                    }
                    ok(c)
                }
            }
        }
        ("PATCH", ["channels", cid]) => {
            let Some(cid) = num(cid) else {
                return not_found();
            };
            let mut c = st.channels.get(&cid).cloned().unwrap_or_else(
                || json!({"id": cid.to_string(), "type": 0, "name": "fake-channel"}),
            );
            if let Some(obj) = rec.json.as_object() {
                for (k, v) in obj {
                    match k.as_str() {
                        "archived" | "locked" | "auto_archive_duration" | "invitable" => {
                            if c["thread_metadata"].is_object() {
                                c["thread_metadata"][k] = v.clone();
                            }
                        }
                        _ => c[k] = v.clone(),
                    }
                }
            }
            st.channels.insert(cid, c.clone());
            ok(c)
        }
        ("POST", ["channels", cid, "messages"]) => {
            let Some(cid) = num(cid) else {
                return not_found();
            };
            // `enforce_nonce`: a nonce already used here returns that message.
            let nonce = match &rec.json["nonce"] {
                Value::String(n) => Some(n.clone()),
                Value::Number(n) => Some(n.to_string()),
                _ => None,
            };
            let enforce = rec.json["enforce_nonce"].as_bool() == Some(true);
            if let (Some(n), true) = (&nonce, enforce) {
                if let Some(m) = st
                    .nonces
                    .get(&(cid, n.clone()))
                    .and_then(|id| st.messages.get(id))
                {
                    return ok(m.clone());
                }
            }
            let id = inner.new_id();
            if let (Some(n), true) = (nonce, enforce) {
                st.nonces.insert((cid, n), id);
            }
            let mut msg = build_message(inner, id, cid, &rec.json, &rec.files, false);
            if let Some(g) = st.channel_guild.get(&cid) {
                msg["guild_id"] = json!(g.to_string());
            }
            st.messages.insert(id, msg.clone());
            ok(msg)
        }
        ("GET", ["channels", _, "messages", mid]) => {
            match num(mid).and_then(|id| st.messages.get(&id)) {
                Some(m) => ok(m.clone()),
                None => not_found(),
            }
        }
        ("GET", ["channels", cid, "messages"]) => {
            let cid = num(cid);
            let mut v: Vec<(u64, Value)> = st
                .messages
                .iter()
                .filter(|(_, m)| id_of(&m["channel_id"]) == cid)
                .map(|(k, m)| (*k, m.clone()))
                .collect();
            v.sort_by_key(|(k, _)| std::cmp::Reverse(*k));
            ok(Value::Array(v.into_iter().map(|(_, m)| m).collect()))
        }
        ("PATCH", ["channels", _, "messages", mid]) => match num(mid) {
            Some(id) if st.messages.contains_key(&id) => ok(edit_message(inner, st, id, rec)),
            _ => not_found(),
        },
        ("DELETE", ["channels", _, "messages", mid]) => {
            if let Some(id) = num(mid) {
                st.messages.remove(&id);
            }
            no_content()
        }
        ("POST", ["channels", cid, "threads"]) => {
            let Some(cid) = num(cid) else {
                return not_found();
            };
            let id = inner.new_id();
            (
                StatusCode::CREATED,
                Some(create_thread(st, id, cid, &rec.json)),
            )
        }
        ("POST", ["channels", cid, "messages", mid, "threads"]) => {
            let (Some(cid), Some(mid)) = (num(cid), num(mid)) else {
                return not_found();
            };
            let thread = create_thread(st, mid, cid, &rec.json);
            if let Some(m) = st.messages.get_mut(&mid) {
                m["thread"] = thread.clone();
            }
            (StatusCode::CREATED, Some(thread))
        }
        ("POST", ["channels", _, "typing"])
        | ("PUT", ["channels", _, "thread-members", ..])
        | ("DELETE", ["channels", _, "thread-members", ..])
        | ("PUT", ["channels", _, "messages", _, "reactions", ..])
        | ("DELETE", ["channels", _, "messages", _, "reactions", ..])
        | ("PUT", ["channels", _, "pins", _])
        | ("DELETE", ["channels", _, "pins", _]) => no_content(),
        _ => not_found(),
    }
}

fn app_info() -> Value {
    json!({
        "id": FakeDiscord::APP_ID.to_string(),
        "name": FakeDiscord::BOT_NAME,
        "icon": null,
        "description": "",
        "rpc_origins": [],
        "bot_public": false,
        "bot_require_code_grant": false,
        "owner": user_obj(1_100_000_000_000_000_009, "owner", false),
        "verify_key": "00",
        "team": null,
        "flags": 0,
        "bot": FakeDiscord::bot_user(),
    })
}

fn echo_commands(inner: &Inner, body: &Value, guild: Option<u64>) -> Vec<Value> {
    body.as_array()
        .map(|a| a.iter().map(|c| echo_command(inner, c, guild)).collect())
        .unwrap_or_default()
}

fn echo_command(inner: &Inner, body: &Value, guild: Option<u64>) -> Value {
    let mut c = if body.is_object() {
        body.clone()
    } else {
        json!({})
    };
    c["id"] = json!(inner.new_id().to_string());
    c["application_id"] = json!(FakeDiscord::APP_ID.to_string());
    c["version"] = json!(inner.new_id().to_string());
    if c.get("type").is_none_or(Value::is_null) {
        c["type"] = json!(1);
    }
    if c.get("description").is_none_or(Value::is_null) {
        c["description"] = json!("");
    }
    if c.get("name").is_none_or(Value::is_null) {
        c["name"] = json!("");
    }
    if let Some(g) = guild {
        c["guild_id"] = json!(g.to_string());
    }
    c
}

fn upsert_command(st: &mut St, guild: Option<u64>, c: Value) {
    let list = st.commands.entry(guild).or_default();
    list.retain(|x| x["name"] != c["name"]);
    list.push(c);
}

fn create_thread(st: &mut St, id: u64, parent: u64, body: &Value) -> Value {
    let now = now_iso();
    let auto_archive = body["auto_archive_duration"].as_u64().unwrap_or(1440);
    let kind = body["type"].as_u64().unwrap_or(11);
    let mut t = json!({
        "id": id.to_string(),
        "type": kind,
        "parent_id": parent.to_string(),
        "name": body["name"].as_str().unwrap_or("thread"),
        "owner_id": FakeDiscord::BOT_USER_ID.to_string(),
        "last_message_id": null,
        "rate_limit_per_user": body["rate_limit_per_user"].as_u64().unwrap_or(0),
        "message_count": 0,
        "member_count": 1,
        "total_message_sent": 0,
        "flags": 0,
        "thread_metadata": {
            "archived": false,
            "auto_archive_duration": auto_archive,
            "archive_timestamp": now,
            "locked": false,
            "create_timestamp": now,
            "invitable": body["invitable"].as_bool().unwrap_or(true),
        },
        "member": {
            "id": id.to_string(),
            "user_id": FakeDiscord::BOT_USER_ID.to_string(),
            "join_timestamp": now,
            "flags": 0,
        },
    });
    if let Some(g) = st.channel_guild.get(&parent).copied() {
        t["guild_id"] = json!(g.to_string());
        st.channel_guild.insert(id, g);
    }
    st.channels.insert(id, t.clone());
    t
}

fn interaction_callback(inner: &Inner, st: &mut St, token: &str, rec: &Recorded) {
    let ctx = st.interactions.get(token).cloned();
    let channel = ctx.as_ref().map(|c| c.channel_id).unwrap_or(0);
    let data = rec.json.get("data").cloned().unwrap_or_else(|| json!({}));
    match rec.json["type"].as_u64() {
        // CHANNEL_MESSAGE_WITH_SOURCE / DEFERRED_CHANNEL_MESSAGE_WITH_SOURCE: a new message.
        Some(4) | Some(5) => {
            let id = inner.new_id();
            let mut d = data;
            if rec.json["type"] == 5 {
                // The "thinking" placeholder; PATCH @original fills it in.
                d["content"] = json!("");
                let flags = d["flags"].as_u64().unwrap_or(0) | 128; // LOADING
                d["flags"] = json!(flags);
            }
            let mut msg = build_message(inner, id, channel, &d, &rec.files, true);
            if let Some(g) = ctx.as_ref().and_then(|c| c.guild_id) {
                msg["guild_id"] = json!(g.to_string());
            }
            st.messages.insert(id, msg);
            st.originals.insert(token.to_string(), id);
        }
        // DEFERRED_UPDATE_MESSAGE / UPDATE_MESSAGE: @original is the component's message.
        Some(6) | Some(7) => {
            if let Some(mid) = ctx.as_ref().and_then(|c| c.message_id) {
                st.originals.insert(token.to_string(), mid);
                if rec.json["type"] == 7 && st.messages.contains_key(&mid) {
                    let fake_rec = Recorded {
                        json: data,
                        ..rec.clone()
                    };
                    edit_message(inner, st, mid, &fake_rec);
                }
            }
        }
        _ => {} // modal (9), autocomplete (8), pong (1), ...
    }
}

/// Applies an edit body (JSON or multipart) to a stored message and returns it.
fn edit_message(inner: &Inner, st: &mut St, id: u64, rec: &Recorded) -> Value {
    let Some(mut msg) = st.messages.get(&id).cloned() else {
        return Value::Null;
    };
    let body = &rec.json;
    for key in [
        "content",
        "embeds",
        "components",
        "flags",
        "allowed_mentions",
        "poll",
    ] {
        if let Some(v) = body.get(key) {
            if key == "allowed_mentions" {
                continue;
            }
            msg[key] = if v.is_null() {
                match key {
                    "content" => json!(""),
                    "embeds" | "components" => json!([]),
                    _ => Value::Null,
                }
            } else {
                v.clone()
            };
        }
    }
    // Editing a deferred ("thinking") response clears the LOADING flag.
    if let Some(f) = msg["flags"].as_u64() {
        msg["flags"] = json!(f & !128);
    }
    if body.get("attachments").is_some() || !rec.files.is_empty() {
        let existing = msg["attachments"].as_array().cloned().unwrap_or_default();
        msg["attachments"] =
            build_attachments(&|| inner.new_id(), inner.port, body, &rec.files, &existing);
    }
    msg["edited_timestamp"] = json!(now_iso());
    st.messages.insert(id, msg.clone());
    msg
}

// ---------------------------------------------------------------------------------------------
// Objects

pub(crate) fn user_obj(id: u64, name: &str, bot: bool) -> Value {
    json!({
        "id": id.to_string(),
        "username": name,
        "discriminator": "0",
        "global_name": if bot { Value::Null } else { json!(name) },
        "avatar": null,
        "bot": bot,
        "public_flags": 0,
    })
}

/// A full message object as Discord would return it for a message created with `body`
/// (a CreateMessage / CreateInteractionResponseMessage / webhook body).
fn build_message(
    inner: &Inner,
    id: u64,
    channel_id: u64,
    body: &Value,
    files: &[(String, Vec<u8>)],
    via_interaction: bool,
) -> Value {
    let attachments = build_attachments(&|| inner.new_id(), inner.port, body, files, &[]);
    message_object(id, channel_id, body, attachments, via_interaction)
}

pub(crate) fn message_object(
    id: u64,
    channel_id: u64,
    body: &Value,
    attachments: Value,
    via_interaction: bool,
) -> Value {
    let arr = |k: &str| match body.get(k) {
        Some(Value::Array(a)) => Value::Array(a.clone()),
        _ => json!([]),
    };
    let mut m = json!({
        "id": id.to_string(),
        "channel_id": channel_id.to_string(),
        "author": FakeDiscord::bot_user(),
        "content": body["content"].as_str().unwrap_or(""),
        "timestamp": now_iso(),
        "edited_timestamp": null,
        "tts": body["tts"].as_bool().unwrap_or(false),
        "mention_everyone": false,
        "mentions": [],
        "mention_roles": [],
        "attachments": attachments,
        "embeds": arr("embeds"),
        "pinned": false,
        "type": if via_interaction { 20 } else { 0 },
        "flags": body["flags"].as_u64().unwrap_or(0),
        "components": arr("components"),
        "reactions": [],
    });
    if via_interaction {
        m["application_id"] = json!(FakeDiscord::APP_ID.to_string());
        m["webhook_id"] = json!(FakeDiscord::APP_ID.to_string());
    }
    if let Some(r) = body.get("message_reference").filter(|r| r.is_object()) {
        m["message_reference"] = r.clone();
    }
    if let Some(n) = body.get("nonce").filter(|n| !n.is_null()) {
        m["nonce"] = n.clone();
    }
    m
}

pub(crate) fn build_attachments(
    new_id: &dyn Fn() -> u64,
    port: u16,
    body: &Value,
    files: &[(String, Vec<u8>)],
    existing: &[Value],
) -> Value {
    let mk = |filename: &str, size: usize, description: Option<&Value>| {
        let aid = new_id();
        let url = format!("http://127.0.0.1:{port}/attachments/{aid}/{filename}");
        let mut a = json!({
            "id": aid.to_string(),
            "filename": filename,
            "size": size,
            "url": url,
            "proxy_url": url,
            "content_type": guess_mime(filename),
        });
        if let Some(d) = description.filter(|d| d.is_string()) {
            a["description"] = d.clone();
        }
        a
    };
    let mut out = Vec::new();
    let mut used = vec![false; files.len()];
    if let Some(list) = body.get("attachments").and_then(Value::as_array) {
        for a in list {
            // An already-existing attachment being kept?
            if let Some(e) = existing
                .iter()
                .find(|e| id_of(&e["id"]).is_some() && id_of(&e["id"]) == id_of(&a["id"]))
            {
                out.push(e.clone());
                continue;
            }
            let filename = a["filename"].as_str().unwrap_or("file");
            let idx = files
                .iter()
                .enumerate()
                .position(|(i, (n, _))| !used[i] && n == filename);
            let size = idx
                .map(|i| {
                    used[i] = true;
                    files[i].1.len()
                })
                .unwrap_or(0);
            out.push(mk(filename, size, a.get("description")));
        }
    }
    for (i, (name, data)) in files.iter().enumerate() {
        if !used[i] {
            out.push(mk(name, data.len(), None));
        }
    }
    Value::Array(out)
}

fn guess_mime(filename: &str) -> &'static str {
    let lower = filename.to_ascii_lowercase();
    match lower.rsplit('.').next() {
        Some("txt" | "log") => "text/plain; charset=utf-8",
        Some("json") => "application/json",
        Some("png") => "image/png",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("gz") => "application/gzip",
        Some("zip") => "application/zip",
        _ => "application/octet-stream",
    }
}

/// A snowflake from a JSON string or number.
pub fn id_of(v: &Value) -> Option<u64> {
    match v {
        Value::String(s) => s.parse().ok(),
        Value::Number(n) => n.as_u64(),
        _ => None,
    }
}

/// Current UTC time as RFC 3339 with microseconds (Discord's format).
pub fn now_iso() -> String {
    let d = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    let secs = d.as_secs();
    let (y, mo, day) = civil_from_days((secs / 86_400) as i64);
    let rem = secs % 86_400;
    format!(
        "{y:04}-{mo:02}-{day:02}T{:02}:{:02}:{:02}.{:06}+00:00",
        rem / 3600,
        rem % 3600 / 60,
        rem % 60,
        d.subsec_micros()
    )
}

fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}
