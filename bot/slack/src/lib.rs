//! # vmd-slack
//!
//! The Slack adapter. It translates Slack events (slash commands, mentions,
//! direct and thread messages, button clicks, modal submissions) into engine
//! [`Input`]s and the driver's [`Outgoing`] events into Block Kit messages,
//! nothing else. **Architecture invariant:** this is the only crate that knows
//! Slack (slack-morphism); no Slack type appears in its public API.
//!
//! Socket Mode by default: every envelope is acknowledged as soon as its
//! callback returns, and callbacks only spawn the work, so Slack's 3-second
//! deadline holds even while probes run.

mod blocks;
pub mod http;

use blocks::SlackMsg;
use serde_json::Value;
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use std::collections::{HashMap, HashSet};
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tracing::Instrument;
use vmd_core::command::{self, Command, Lang};
use vmd_core::engine::Input;
use vmd_core::msg::Msg;
use vmd_core::session::{Phase, SessionKey};
use vmd_probe::Prober;
use vmd_runtime::kit::admit::{admit, Admitted, Origin, Refusal};
use vmd_runtime::kit::freetext::start_from_text;
use vmd_runtime::kit::ids::ButtonId;
use vmd_runtime::kit::layout::{clip, Shape};
use vmd_runtime::kit::limits::{Limit, RateLimiter, Uploads};
use vmd_runtime::kit::safe::{self, Markup};
use vmd_runtime::kit::turn::{self as kit_turn, Checking, Facts, Poster};
use vmd_runtime::kit::{takeover, Seen};
use vmd_runtime::store::Store;
use vmd_runtime::{Driver, Outgoing};

/// The platform name in session keys.
pub const PLATFORM: &str = "slack";

type Conn = SlackClientHyperHttpsConnector;
type Client = SlackClient<Conn>;

/// Everything the Slack adapter needs to know.
#[derive(Clone)]
pub struct SlackConfig {
    /// App-level token (`xapp-…`) for Socket Mode; environment only.
    pub app_token: String,
    /// Bot token (`xoxb-…`) for the Web API; environment only.
    pub bot_token: String,
    /// Signing secret, for HTTP mode only; environment only.
    pub signing_secret: String,
    /// Web API base URL (a proxy or a fake); `None`: `https://slack.com/api`.
    pub api_url: Option<String>,
    /// Channels where a diagnosis may start (empty: any). DMs always may.
    pub channels: Vec<String>,
    /// Members of this user group may answer anyone's diagnosis.
    pub support_group: Option<String>,
    pub user_limit: Limit,
    pub team_limit: Limit,
    /// Seconds between Socket Mode reconnection attempts.
    pub reconnect_secs: u64,
    /// Socket Mode connections kept open (Slack spreads envelopes over them;
    /// while one is refreshed the others carry them). At least
    /// [`MIN_CONNECTIONS`], at most [`MAX_CONNECTIONS`].
    pub connections: u32,
}

/// Socket Mode connections by default: one carries the envelopes while the
/// other is refreshed (Slack closes each about every few hours, after a
/// `disconnect` message, and envelopes sent where no socket is live are lost).
pub const DEFAULT_CONNECTIONS: u32 = 2;
/// Fewest Socket Mode connections: with one, a refresh leaves a gap.
pub const MIN_CONNECTIONS: u32 = 2;
/// Most Socket Mode connections Slack allows an app.
pub const MAX_CONNECTIONS: u32 = 10;

impl std::fmt::Debug for SlackConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SlackConfig")
            .field("app_token", &"<redacted>")
            .field("bot_token", &"<redacted>")
            .field("signing_secret", &"<redacted>")
            .field("api_url", &vmd_runtime::redact::opt_url(&self.api_url))
            .field("channels", &self.channels)
            .field("support_group", &self.support_group)
            .field("user_limit", &self.user_limit)
            .field("team_limit", &self.team_limit)
            .field("connections", &self.connections)
            .finish()
    }
}

impl SlackConfig {
    /// Defaults for everything but the tokens.
    pub fn new(app_token: &str, bot_token: &str) -> SlackConfig {
        SlackConfig {
            app_token: app_token.into(),
            bot_token: bot_token.into(),
            signing_secret: String::new(),
            api_url: None,
            channels: Vec::new(),
            support_group: None,
            user_limit: Limit {
                max: 5,
                per: Duration::from_secs(600),
            },
            team_limit: Limit {
                max: 60,
                per: Duration::from_secs(600),
            },
            reconnect_secs: 5,
            connections: DEFAULT_CONNECTIONS,
        }
    }

    /// The Web API base with no trailing slash (slack-morphism appends `/{method}`).
    pub fn api_base(&self) -> String {
        self.api_url
            .as_deref()
            .unwrap_or("https://slack.com/api")
            .trim_end_matches('/')
            .to_owned()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum SlackError {
    #[error("no Slack bot token: set VM_DOCTOR_SLACK_BOT_TOKEN (xoxb-…)")]
    NoBotToken,
    #[error("no Slack app token: set VM_DOCTOR_SLACK_APP_TOKEN (xapp-…), needed for Socket Mode")]
    NoAppToken,
    #[error("Slack refused the bot token ({0}): check VM_DOCTOR_SLACK_BOT_TOKEN")]
    Unauthorized(String),
    #[error("Slack refused the app-level token ({0}): check VM_DOCTOR_SLACK_APP_TOKEN (xapp-…, scope connections:write) and that Socket Mode is on")]
    AppTokenRefused(String),
    #[error("Slack: {0}")]
    Client(String),
}

/// A running bot.
pub struct SlackHandle {
    listener: Arc<SlackClientSocketModeListener<Conn>>,
}

impl SlackHandle {
    /// Closes the Socket Mode connections.
    pub async fn stop(self) {
        self.listener.shutdown().await;
    }
}

/// The Web API client for `cfg` (plain `http://` allowed, for a fake or a proxy).
fn client(cfg: &SlackConfig) -> Result<Arc<Client>, SlackError> {
    // rustls needs a process-wide crypto provider; a second install is a no-op error.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| SlackError::Client(format!("TLS roots: {e}")))?
        .https_or_http()
        .enable_http1()
        .build();
    let conn = SlackClientHyperConnector::from(https).with_slack_api_url(&cfg.api_base());
    Ok(Arc::new(SlackClient::new(conn)))
}

/// Checks the bot token and builds the adapter (shared by Socket Mode and HTTP mode).
async fn bot<P, S>(
    cfg: SlackConfig,
    driver: Arc<Driver<P, S>>,
) -> Result<Arc<Bot<P, S>>, SlackError>
where
    P: Prober + 'static,
    S: Store + 'static,
{
    if cfg.bot_token.trim().is_empty() {
        return Err(SlackError::NoBotToken);
    }
    let client = client(&cfg)?;
    let token = SlackApiToken::new(cfg.bot_token.trim().to_owned().into());
    let api = client.open_session(&token);
    let me = retry("auth.test", || api.auth_test()).await;
    let me = match me {
        Ok(me) => me,
        Err(SlackClientError::ApiError(e)) => return Err(SlackError::Unauthorized(e.code)),
        Err(e) => return Err(SlackError::Client(brief(&e))),
    };
    tracing::info!(team = %me.team, "connected to Slack");
    Ok(Arc::new(Bot {
        limiter: RateLimiter::new(cfg.user_limit, cfg.team_limit),
        commands: vmd_runtime::kit::limits::commands(),
        uploads: Uploads::default(),
        cfg,
        driver,
        client,
        token,
        bot_user: me.user_id.to_string(),
        seen: Seen::new(8192),
        langs: Mutex::new(HashMap::new()),
        support: Mutex::new(None),
        asked: Mutex::new(HashMap::new()),
        dms: Mutex::new(HashMap::new()),
    }))
}

/// Connects over Socket Mode and starts answering.
pub async fn start<P, S>(
    cfg: SlackConfig,
    driver: Arc<Driver<P, S>>,
) -> Result<SlackHandle, SlackError>
where
    P: Prober + 'static,
    S: Store + 'static,
{
    if cfg.app_token.trim().is_empty() {
        return Err(SlackError::NoAppToken);
    }
    let app_token = SlackApiToken::new(cfg.app_token.trim().to_owned().into());
    let sm_config = SlackClientSocketModeConfig::new()
        .with_max_connections_count(cfg.connections.clamp(MIN_CONNECTIONS, MAX_CONNECTIONS))
        .with_reconnect_timeout_in_seconds(cfg.reconnect_secs.max(1))
        .with_initial_backoff_in_seconds(cfg.reconnect_secs.max(1));
    let bot = bot(cfg, driver).await?;
    // A wrong app token is final: say so instead of reconnecting forever.
    let api = bot.client.open_session(&app_token);
    let req = SlackApiAppsConnectionOpenRequest::new();
    let open = retry("apps.connections.open", || api.apps_connections_open(&req)).await;
    match open {
        Ok(_) => {}
        Err(SlackClientError::ApiError(e)) => return Err(SlackError::AppTokenRefused(e.code)),
        Err(e) => return Err(SlackError::Client(brief(&e))),
    }
    let env = Arc::new(
        SlackClientEventsListenerEnvironment::new(bot.client.clone())
            .with_error_handler(on_error)
            .with_user_state(bot.clone()),
    );
    let callbacks = SlackSocketModeListenerCallbacks::new()
        .with_command_events(on_command::<P, S>)
        .with_interaction_events(on_interaction::<P, S>)
        .with_push_events(on_push::<P, S>);
    let listener = Arc::new(SlackClientSocketModeListener::new(
        &sm_config, env, callbacks,
    ));
    listener
        .listen_for(&app_token)
        .await
        .map_err(|e| SlackError::Client(brief(&e)))?;
    listener.start().await;
    tokio::spawn(bot.clone().take_up_interrupted());
    Ok(SlackHandle { listener })
}

fn on_error(
    err: Box<dyn std::error::Error + Send + Sync>,
    _client: Arc<Client>,
    _state: SlackClientEventsUserState,
) -> HttpStatusCode {
    // Only the error's kind and code: message bodies stay out of the logs.
    match err.downcast_ref::<SlackClientError>() {
        Some(e) => tracing::warn!(error = %brief(e), "Slack listener error"),
        None => {
            tracing::warn!("Slack listener error (details withheld: they may hold message text)")
        }
    }
    HttpStatusCode::OK
}

async fn bot_of<P: Prober + 'static, S: Store + 'static>(
    state: &SlackClientEventsUserState,
) -> Option<Arc<Bot<P, S>>> {
    state
        .read()
        .await
        .get_user_state::<Arc<Bot<P, S>>>()
        .cloned()
}

// Socket Mode callbacks: each spawns the work and returns at once, so the
// envelope is acknowledged before anything slow happens.

async fn on_command<P: Prober + 'static, S: Store + 'static>(
    ev: SlackCommandEvent,
    _client: Arc<Client>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<SlackCommandEventResponse> {
    if let Some(bot) = bot_of::<P, S>(&state).await {
        if !kit_turn::taken(bot.driver.turns(), "command") {
            // Shutting down: the acknowledgement tells the user (ephemeral).
            let text = bot.restarting_text(ev.user_id.as_ref());
            return Ok(SlackCommandEventResponse::new(
                SlackMessageContent::new().with_text(text),
            ));
        }
        // Every command passes the per-user command bucket first; a refusal
        // is the acknowledgement itself (no store write, no API call).
        if let Err(wait) = bot.commands.check(
            ev.user_id.as_ref(),
            Some(ev.team_id.as_ref()),
            Instant::now(),
        ) {
            vmd_runtime::telemetry::rate_limited(PLATFORM);
            let lang = bot
                .langs
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(ev.user_id.as_ref())
                .copied()
                .unwrap_or(Lang::En);
            let text = bot.text(
                lang,
                Msg::new("limit-commands").arg("seconds", wait.as_secs().max(1)),
            );
            return Ok(SlackCommandEventResponse::new(
                SlackMessageContent::new().with_text(text),
            ));
        }
        tokio::spawn(async move { bot.on_command(ev).await });
    }
    Ok(SlackCommandEventResponse::new(SlackMessageContent::new()))
}

async fn on_interaction<P: Prober + 'static, S: Store + 'static>(
    ev: SlackInteractionEvent,
    _client: Arc<Client>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    // While draining the button stays valid: the click works again after
    // the restart, and its user is told so.
    let work = |bot: Arc<Bot<P, S>>, ev| async move { bot.on_interaction(ev).await };
    hand_over(&state, "click", ev, work, |bot, ev| async move {
        bot.restarting(ev).await
    })
    .await
}

async fn on_push<P: Prober + 'static, S: Store + 'static>(
    ev: SlackPushEventCallback,
    _client: Arc<Client>,
    state: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    // While draining a message for the bot starts nothing; its sender is told.
    let work = |bot: Arc<Bot<P, S>>, ev| async move { bot.on_push(ev).await };
    hand_over(&state, "event", ev, work, |bot, ev| async move {
        bot.restarting_push(ev).await
    })
    .await
}

/// Spawns the work of an envelope (`work`), or while the process drains
/// (`what` not taken) the answer that tells its sender to try again shortly.
async fn hand_over<P, S, E, W, WF, R, RF>(
    state: &SlackClientEventsUserState,
    what: &str,
    ev: E,
    work: W,
    restarting: R,
) -> UserCallbackResult<()>
where
    P: Prober + 'static,
    S: Store + 'static,
    W: FnOnce(Arc<Bot<P, S>>, E) -> WF,
    WF: Future<Output = ()> + Send + 'static,
    R: FnOnce(Arc<Bot<P, S>>, E) -> RF,
    RF: Future<Output = ()> + Send + 'static,
{
    if let Some(bot) = bot_of::<P, S>(state).await {
        if kit_turn::taken(bot.driver.turns(), what) {
            tokio::spawn(work(bot, ev));
        } else {
            tokio::spawn(restarting(bot, ev));
        }
    }
    Ok(())
}

/// An error in a few words: the API error code (and the scope a
/// `missing_scope` needed), never a response body.
fn brief(e: &SlackClientError) -> String {
    match e {
        SlackClientError::ApiError(a) => match needed_scope(e) {
            Some(scope) => format!("error {} (needed {scope})", a.code),
            None => format!("error {}", a.code),
        },
        SlackClientError::HttpError(h) => format!("HTTP {}", h.status_code),
        SlackClientError::RateLimitError(r) => format!("rate limited ({:?})", r.retry_after),
        SlackClientError::HttpProtocolError(e) => {
            format!("HTTP transport error: {}", clip(&e.to_string(), 200))
        }
        SlackClientError::EndOfStream(_) => "connection closed".into(),
        SlackClientError::SystemError(_) => "system error".into(),
        SlackClientError::ProtocolError(_) => "unexpected response".into(),
        SlackClientError::SocketModeProtocolError(_) => "Socket Mode protocol error".into(),
    }
}

/// Longest wait a `Retry-After` may impose on one call.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Calls the Web API, retrying what is worth retrying: `429` after its
/// `Retry-After`, `ratelimited`/`internal_error`/`fatal_error` answers, 5xx and
/// transport failures (three more tries); `ok:false` errors are logged with
/// their code.
async fn retry<T, F, Fut>(what: &str, mut f: F) -> ClientResult<T>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = ClientResult<T>>,
{
    let mut delay = Duration::from_millis(200);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let e = match f().await {
            Ok(v) => return Ok(v),
            Err(e) => e,
        };
        let wait = match &e {
            SlackClientError::RateLimitError(r) => Some(
                r.retry_after
                    .unwrap_or(Duration::from_secs(1))
                    .min(MAX_RETRY_AFTER),
            ),
            SlackClientError::ApiError(a)
                if matches!(
                    a.code.as_str(),
                    "ratelimited" | "internal_error" | "fatal_error"
                ) =>
            {
                Some(delay)
            }
            SlackClientError::HttpError(h) if h.status_code.is_server_error() => Some(delay),
            SlackClientError::HttpProtocolError(_) | SlackClientError::SystemError(_) => {
                Some(delay)
            }
            _ => None,
        };
        tracing::warn!(call = what, attempt, error = %brief(&e), "Slack call failed");
        match wait {
            Some(w) if attempt < 4 => {
                tokio::time::sleep(w).await;
                delay *= 4;
            }
            _ => return Err(e),
        }
    }
}

/// Slack's locale picks the language: Korean for `ko…`, English otherwise.
fn lang_of_locale(locale: &str) -> Lang {
    match Lang::parse(locale) {
        Some(Lang::Ko) => Lang::Ko,
        _ => Lang::En,
    }
}

/// Thread words that switch language, as the issue asks ("한국어", "English").
fn lang_word(text: &str) -> Option<Lang> {
    match vmd_runtime::i18n::normalize(text).as_str() {
        "한국어" | "korean" | "한글" => Some(Lang::Ko),
        "english" | "영어" => Some(Lang::En),
        _ => None,
    }
}

/// Text as Slack delivers it in messages and slash commands, as the user
/// wrote it: links `<url|label>` become their label, `<url>` the URL, and the
/// three entities Slack encodes (`&amp;`, `&lt;`, `&gt;`) are decoded.
/// Mentions (`<@U…>`, `<!here>`) are kept as written; they are escaped again
/// whenever they are shown.
fn incoming(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        match after.find('>') {
            Some(j) => {
                let inner = &after[..j];
                if inner.starts_with('@') || inner.starts_with('!') || inner.starts_with('#') {
                    out.push('<');
                    out.push_str(inner);
                    out.push('>');
                } else {
                    out.push_str(inner.rsplit_once('|').map_or(inner, |(_, label)| label));
                }
                rest = &after[j + 1..];
            }
            None => {
                out.push_str(&rest[i..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

/// A slash command's own reply path: its `response_url` (30 minutes, five
/// uses, works where the bot is not a member) and what was typed after it.
struct CommandReply<'a> {
    url: &'a str,
    args: &'a str,
}

/// Slack's answers for a channel the bot cannot post in: not a member, or a
/// private channel it cannot see.
fn cannot_post_here(code: &str) -> bool {
    matches!(code, "not_in_channel" | "channel_not_found")
}

/// A failed call's `ok:false` code (`missing_scope:<scope>` for a scope
/// the app lacks), or the failure in a few words.
fn code(e: &SlackClientError) -> String {
    match (e, needed_scope(e)) {
        (_, Some(scope)) => format!("missing_scope:{scope}"),
        (SlackClientError::ApiError(a), None) => a.code.clone(),
        (other, None) => brief(other),
    }
}

/// The scope a `missing_scope` refusal names (Slack's `needed`), when it
/// looks like one.
fn needed_scope(e: &SlackClientError) -> Option<String> {
    let SlackClientError::ApiError(a) = e else {
        return None;
    };
    if a.code != "missing_scope" {
        return None;
    }
    let body: Value = serde_json::from_str(a.http_response_body.as_deref()?).ok()?;
    let needed = body["needed"].as_str()?.trim();
    let plausible = !needed.is_empty()
        && needed.len() <= 100
        && needed
            .chars()
            .all(|c| c.is_ascii_lowercase() || matches!(c, ':' | '.' | '_' | ','));
    plausible.then(|| needed.to_owned())
}

/// The scope in a [`code`], for a `missing_scope` refusal.
fn needed_of(code: &str) -> Option<&str> {
    code.strip_prefix("missing_scope:")
}

/// What to tell a user whose request failed with `code`: the scope the app
/// lacks, or that something went wrong.
fn failure(code: &str) -> Msg {
    match needed_of(code) {
        Some(scope) => Msg::new("slack-missing-scope").arg("scope", scope),
        None => Msg::new("err-internal"),
    }
}

/// `/diagnose` with `args` as an engine input, or the message that says
/// what is wrong with the word at fault.
fn diagnose_input(args: &str) -> Result<Input, Msg> {
    let line = format!("/diagnose {args}");
    match command::parse(&line) {
        Some(Ok(c)) => Ok(Input::Command(c)),
        // A DNS name where the address goes: the engine resolves it.
        Some(Err(command::CommandError::BadIp))
            if args
                .split_whitespace()
                .next()
                .and_then(command::host_name)
                .is_some() =>
        {
            Ok(Input::Text(line))
        }
        Some(Err(e)) => {
            let value = command::offending(&line, &e);
            Err(Msg::new(e.id()).arg("value", clip(value, 60)))
        }
        None => Ok(Input::Command(Command::Diagnose {
            ip: None,
            os: None,
            port: None,
        })),
    }
}

/// Whether a message's blocks carry an action with this id.
fn carries(msg: &SlackHistoryMessage, action_id: &str) -> bool {
    let Ok(blocks) = serde_json::to_value(&msg.content.blocks) else {
        return false;
    };
    fn any(v: &Value, id: &str) -> bool {
        match v {
            Value::Object(o) => {
                o.get("action_id").and_then(Value::as_str) == Some(id)
                    || o.values().any(|x| any(x, id))
            }
            Value::Array(a) => a.iter().any(|x| any(x, id)),
            _ => false,
        }
    }
    any(&blocks, action_id)
}

/// The metadata the bot wrote into its answer form (the button's id, the
/// channel, the question's message, the conversation, the workspace), or
/// `None` for a submission of another form.
fn form_meta(v: &SlackInteractionViewSubmissionEvent) -> Option<Value> {
    let SlackView::Modal(modal) = &v.view.view else {
        return None;
    };
    if modal.callback_id.as_ref().map(|c| c.to_string()).as_deref() != Some(blocks::MODAL_CALLBACK)
    {
        return None;
    }
    Some(
        modal
            .private_metadata
            .as_deref()
            .and_then(|m| serde_json::from_str(m).ok())
            .unwrap_or_default(),
    )
}

/// A person's message as the bot reads it ([`Bot::said`]).
struct Said {
    user: String,
    channel: String,
    text: String,
    /// A direct message with the bot.
    is_dm: bool,
    /// The thread's root `ts`, for a reply in a thread.
    thread: Option<String>,
    /// It came with a file.
    file_share: bool,
}

/// A conversation id: the channel and the thread's root `ts`.
fn conversation(channel: &str, thread_ts: &str) -> String {
    format!("{channel}/{thread_ts}")
}

fn split_conversation(conv: &str) -> Option<(&str, &str)> {
    conv.split_once('/')
}

/// Cache sizes and lifetimes.
const MAX_CACHED_LANGS: usize = 10_000;
const SUPPORT_TTL: Duration = Duration::from_secs(60);
const MAX_ASKED: usize = 10_000;

struct Bot<P: Prober, S: Store> {
    cfg: SlackConfig,
    driver: Arc<Driver<P, S>>,
    client: Arc<Client>,
    token: SlackApiToken,
    /// The bot's own user id (to strip its mention, to ignore its messages).
    bot_user: String,
    /// Diagnosis starts (charged by the driver's authorisation point).
    limiter: RateLimiter,
    /// Every command and message to the bot, checked first.
    commands: RateLimiter,
    /// When each conversation last had its report uploaded.
    uploads: Uploads,
    /// Events already handled (Slack redelivers unacknowledged envelopes).
    seen: Seen,
    /// `users.info` locales.
    langs: Mutex<HashMap<String, Lang>>,
    /// Members of the support group, and when they were fetched.
    support: Mutex<Option<(Instant, HashSet<String>)>>,
    /// Question messages whose modal is open, by `ts` (to mark them answered).
    asked: Mutex<HashMap<String, SlackHistoryMessage>>,
    /// Each user's latest diagnosis in a DM, `(channel, thread root)`: a
    /// reply typed in the DM itself rather than in the thread goes on with it.
    dms: Mutex<HashMap<String, (String, String)>>,
}

impl<P: Prober + 'static, S: Store + 'static> Bot<P, S> {
    /// A redelivered envelope, command or click is handled once: by this
    /// process (`seen`) and by every replica sharing the store.
    fn first_time(&self, id: &str) -> bool {
        self.seen.first_time(id) && self.driver.first_delivery("slack", id)
    }

    /// The user's diagnosis still under way in DM `channel` (its thread
    /// root), if this process ran a turn of it.
    fn open_dm(&self, channel: &str, user: &str) -> Option<String> {
        let (ch, root) = self
            .dms
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(user)
            .cloned()?;
        let key = SessionKey::new(PLATFORM, &conversation(&ch, &root), user);
        let open =
            matches!(self.driver.session(&key), Ok(Some(s)) if !matches!(s.phase, Phase::Ended(_)));
        (ch == channel && open).then_some(root)
    }

    fn api(&self) -> SlackClientSession<'_, Conn> {
        self.client.open_session(&self.token)
    }

    fn loc(&self) -> &vmd_runtime::i18n::Localizer {
        self.driver.localizer()
    }

    fn text(&self, lang: Lang, m: Msg) -> String {
        blocks::text(self.loc(), lang, &m)
    }

    /// The facts about an event from `channel` in `team`.
    fn facts(&self, team: &str, channel: &str) -> Facts {
        let is_dm = channel.starts_with('D');
        Facts {
            space: Some(team.to_owned()),
            place_refused: !is_dm
                && !self.cfg.channels.is_empty()
                && !self.cfg.channels.iter().any(|c| c == channel),
            ..Facts::default()
        }
    }

    /// [`Bot::facts`] with whether `sender` is in the support group.
    async fn facts_of(&self, team: &str, channel: &str, sender: &str) -> Facts {
        Facts {
            support: self.is_support(sender).await,
            ..self.facts(team, channel)
        }
    }

    /// The user's language from their Slack locale (cached); `None` if unknown.
    async fn platform_lang(&self, user: &str) -> Option<Lang> {
        if let Some(l) = self
            .langs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(user)
        {
            return Some(*l);
        }
        let req = SlackApiUsersInfoRequest::new(user.to_owned().into()).with_include_locale(true);
        let api = self.api();
        let call = retry("users.info", || api.users_info(&req));
        // Bounded: a slow users.info must not hold a reply up.
        let info = tokio::time::timeout(Duration::from_secs(3), call).await;
        let lang = match info {
            Ok(Ok(r)) => r.user.locale.map(|l| lang_of_locale(l.as_ref())),
            _ => None,
        }?;
        let mut m = self.langs.lock().unwrap_or_else(|p| p.into_inner());
        if m.len() >= MAX_CACHED_LANGS {
            m.clear();
        }
        m.insert(user.to_owned(), lang);
        Some(lang)
    }

    /// The conversation's language (the user's choice wins over the locale).
    async fn lang(&self, key: &SessionKey) -> (Lang, Option<Lang>) {
        let platform = self.platform_lang(&key.user).await;
        (self.driver.lang_of(key, platform), platform)
    }

    /// Whether `user` is in the support group (members cached for a minute).
    async fn is_support(&self, user: &str) -> bool {
        let Some(group) = self.cfg.support_group.clone() else {
            return false;
        };
        if let Some((at, members)) = &*self.support.lock().unwrap_or_else(|p| p.into_inner()) {
            if at.elapsed() < SUPPORT_TTL {
                return members.contains(user);
            }
        }
        let req = SlackApiUserGroupsUsersListRequest::new(group.into());
        let api = self.api();
        match retry("usergroups.users.list", || api.usergroups_users_list(&req)).await {
            Ok(r) => {
                let members: HashSet<String> = r.users.iter().map(|u| u.to_string()).collect();
                let yes = members.contains(user);
                *self.support.lock().unwrap_or_else(|p| p.into_inner()) =
                    Some((Instant::now(), members));
                yes
            }
            Err(_) => false,
        }
    }

    // ----- posting --------------------------------------------------------

    async fn post(&self, channel: &str, thread_ts: Option<&str>, m: &SlackMsg) -> Option<String> {
        self.post_checked(channel, thread_ts, m).await.ok()
    }

    /// Posts a message; on failure, Slack's error code (`not_in_channel`, …).
    async fn post_checked(
        &self,
        channel: &str,
        thread_ts: Option<&str>,
        m: &SlackMsg,
    ) -> Result<String, String> {
        let mut req = SlackApiChatPostMessageRequest::new(channel.to_owned().into(), m.content())
            .with_unfurl_links(false)
            .with_unfurl_media(false);
        if let Some(ts) = thread_ts {
            req = req.with_thread_ts(ts.to_owned().into());
        }
        let api = self.api();
        retry("chat.postMessage", || api.chat_post_message(&req))
            .await
            .map(|r| r.ts.to_string())
            .map_err(|e| code(&e))
    }

    async fn update(&self, channel: &str, ts: &str, m: &SlackMsg) -> bool {
        let req = SlackApiChatUpdateRequest::new(
            channel.to_owned().into(),
            m.content(),
            ts.to_owned().into(),
        );
        let api = self.api();
        retry("chat.update", || api.chat_update(&req)).await.is_ok()
    }

    async fn ephemeral(&self, channel: &str, user: &str, thread_ts: Option<&str>, text: &str) {
        let _ = self.ephemeral_checked(channel, user, thread_ts, text).await;
    }

    async fn ephemeral_checked(
        &self,
        channel: &str,
        user: &str,
        thread_ts: Option<&str>,
        text: &str,
    ) -> Result<(), String> {
        let mut req = SlackApiChatPostEphemeralRequest::new(
            channel.to_owned().into(),
            user.to_owned().into(),
            SlackMessageContent::new()
                .with_text(text.to_owned())
                .with_blocks(blocks::to_blocks(&[blocks::section(text)])),
        );
        if let Some(ts) = thread_ts {
            req = req.with_thread_ts(ts.to_owned().into());
        }
        let api = self.api();
        retry("chat.postEphemeral", || api.chat_post_ephemeral(&req))
            .await
            .map(|_| ())
            .map_err(|e| code(&e))
    }

    /// Tells `user` something about their slash command: ephemerally in the
    /// channel, or, where the bot cannot post (not a member, a private
    /// channel it cannot see), through the command's `response_url`.
    async fn tell(
        &self,
        channel: &str,
        user: &str,
        thread_ts: Option<&str>,
        reply: Option<&CommandReply<'_>>,
        text: &str,
    ) {
        let Err(code) = self.ephemeral_checked(channel, user, thread_ts, text).await else {
            return;
        };
        if let Some(r) = reply {
            tracing::info!(code = %code, "ephemeral refused; answering through the command's response_url");
            let m = SlackMsg {
                text: text.to_owned(),
                blocks: vec![blocks::section(text)],
                shape: Shape::Text,
            };
            self.respond(r.url, &m, false).await;
        }
    }

    /// Answers through a `response_url` (ephemeral by default; `delete`
    /// removes the message the action came from instead).
    async fn respond(&self, url: &str, m: &SlackMsg, delete: bool) -> bool {
        let Ok(url) = url::Url::parse(url) else {
            tracing::warn!("response_url is not a URL");
            return false;
        };
        let url = SlackResponseUrl::new(url);
        let mut req = SlackApiPostWebhookMessageRequest::new(m.content());
        if delete {
            req = req.with_delete_original(true);
        }
        let client = self.client.clone();
        retry("response_url", || client.respond_to_event(&url, &req))
            .await
            .is_ok()
    }

    /// The bot cannot post where the command was typed: the command's own
    /// response says so and offers a direct message (or an invitation).
    async fn offer_dm(&self, reply: &CommandReply<'_>, lang: Lang) {
        let text = blocks::text_trusting(
            self.loc(),
            lang,
            &Msg::new("slack-not-in-channel").arg("bot", format!("<@{}>", self.bot_user)),
            &["bot"],
        );
        let label = self.loc().text(lang, "slack-continue-dm");
        if !self
            .respond(
                reply.url,
                &blocks::offer_dm(&text, &label, reply.args),
                false,
            )
            .await
        {
            tracing::warn!("could not tell the user that the bot is not in the channel");
        }
    }

    /// "Continue in a direct message" was clicked: the diagnosis the command
    /// asked for starts in the user's DM with the bot.
    async fn continue_in_dm(&self, a: &SlackInteractionBlockActionsEvent, args: &str) {
        let Some(user) = a.user.as_ref().map(|u| u.id.to_string()) else {
            return;
        };
        let team = a.team.id.to_string();
        let req = SlackApiConversationsOpenRequest::new().with_users(vec![user.clone().into()]);
        let api = self.api();
        let dm = match retry("conversations.open", || api.conversations_open(&req)).await {
            Ok(r) => r.channel.id.to_string(),
            Err(e) => {
                tracing::warn!(error = %brief(&e), "could not open a direct message");
                if let Some(url) = &a.response_url {
                    let (lang, _) = self.lang(&SessionKey::new(PLATFORM, "dm", &user)).await;
                    let text = self.text(lang, failure(&code(&e)));
                    let m = SlackMsg {
                        text: text.clone(),
                        blocks: vec![blocks::section(&text)],
                        shape: Shape::Text,
                    };
                    self.respond(url.value().as_str(), &m, false).await;
                }
                return;
            }
        };
        let key = SessionKey::new(PLATFORM, &dm, &user);
        let (lang, _) = self.lang(&key).await;
        // The offer has been taken: it goes away, and where it went is said.
        if let Some(url) = &a.response_url {
            let m = SlackMsg {
                text: String::new(),
                blocks: Vec::new(),
                shape: Shape::Text,
            };
            let url = url.value().as_str();
            if self.respond(url, &m, true).await {
                let text = self.text(lang, Msg::new("slack-moved-to-dm"));
                let m = SlackMsg {
                    text: text.clone(),
                    blocks: vec![blocks::section(&text)],
                    shape: Shape::Text,
                };
                self.respond(url, &m, false).await;
            }
        }
        match diagnose_input(args) {
            Ok(input) => self.start(&team, &dm, &user, None, input, lang, None).await,
            Err(m) => {
                let text = self.text(lang, m);
                let m = SlackMsg {
                    text: text.clone(),
                    blocks: vec![blocks::section(&text)],
                    shape: Shape::Text,
                };
                self.post(&dm, None, &m).await;
            }
        }
    }

    /// Uploads the report into the thread (`files.getUploadURLExternal`, the
    /// bytes, `files.completeUploadExternal`); on failure, the [`code`].
    async fn upload(
        &self,
        channel: &str,
        thread_ts: &str,
        name: &str,
        title: &str,
        bytes: Vec<u8>,
    ) -> Result<(), String> {
        let req = SlackApiFilesGetUploadUrlExternalRequest::new(name.to_owned(), bytes.len());
        let api = self.api();
        let url = retry("files.getUploadURLExternal", || {
            api.get_upload_url_external(&req)
        })
        .await
        .map_err(|e| code(&e))?;
        let put = SlackApiFilesUploadViaUrlRequest::new(
            url.upload_url.clone(),
            bytes,
            "text/markdown".into(),
        );
        let api = self.api();
        retry("file upload", || api.files_upload_via_url(&put))
            .await
            .map_err(|e| code(&e))?;
        let done =
            SlackApiFilesCompleteUploadExternalRequest::new(vec![SlackApiFilesComplete::new(
                url.file_id.clone(),
            )
            .with_title(title.to_owned())])
            .with_channel_id(channel.to_owned().into())
            .with_thread_ts(thread_ts.to_owned().into());
        let api = self.api();
        retry("files.completeUploadExternal", || {
            api.files_complete_upload_external(&done)
        })
        .await
        .map(|_| ())
        .map_err(|e| code(&e))
    }

    // ----- events ---------------------------------------------------------

    async fn on_command(&self, ev: SlackCommandEvent) {
        if !self.first_time(&format!("cmd:{}", ev.trigger_id)) {
            tracing::debug!("duplicate command ignored");
            return;
        }
        let user = ev.user_id.to_string();
        let channel = ev.channel_id.to_string();
        let span = tracing::info_span!("slack_command", command = %ev.command, user = %user, channel = %channel);
        async {
            let key = SessionKey::new(PLATFORM, &channel, &user);
            let (lang, _) = self.lang(&key).await;
            let args = incoming(ev.text.as_deref().unwrap_or_default());
            let name = ev.command.to_string();
            let name = name.trim_start_matches('/');
            let reply = CommandReply {
                url: ev.response_url.value().as_str(),
                args: &args,
            };
            if name == "lang" {
                return self.set_lang(&channel, &user, &args, lang, &reply).await;
            }
            let parsed = match diagnose_input(&args) {
                Ok(input) => input,
                Err(m) => {
                    let text = self.text(lang, m);
                    return self.tell(&channel, &user, None, Some(&reply), &text).await;
                }
            };
            let team = ev.team_id.to_string();
            self.start(&team, &channel, &user, None, parsed, lang, Some(&reply))
                .await;
        }
        .instrument(span)
        .await
    }

    async fn set_lang(
        &self,
        channel: &str,
        user: &str,
        args: &str,
        lang: Lang,
        reply: &CommandReply<'_>,
    ) {
        let Some(new) = Lang::parse(args.trim()).or_else(|| lang_word(args)) else {
            let text = self.text(lang, Msg::new("err-bad-lang"));
            return self.tell(channel, user, None, Some(reply), &text).await;
        };
        if let Err(e) = self.driver.store().set_user_lang(PLATFORM, user, new) {
            tracing::error!(error = %e, "store");
        }
        let text = self.text(new, Msg::new("slack-lang-set"));
        self.tell(channel, user, None, Some(reply), &text).await;
    }

    /// Starts a diagnosis: checks the channel and the limits, opens the thread
    /// (under `thread_ts`, or under a new root message) and runs the turn.
    /// `reply`: the slash command's own response path, for when the bot
    /// cannot post in the channel.
    #[allow(clippy::too_many_arguments)]
    async fn start(
        &self,
        team: &str,
        channel: &str,
        user: &str,
        thread_ts: Option<&str>,
        input: Input,
        lang: Lang,
        reply: Option<&CommandReply<'_>>,
    ) {
        // Said before a thread is opened; the driver's authorisation point
        // decides (and charges the start) on every path.
        let facts = self.facts_of(team, channel, user).await;
        if facts.place_refused {
            let text = self.text(lang, Msg::new("slack-channel-not-allowed"));
            return self.tell(channel, user, thread_ts, reply, &text).await;
        }
        if let Err(wait) = self.limiter.peek(user, Some(team), Instant::now()) {
            let text = self.text(
                lang,
                Msg::new("slack-rate-limited").arg("seconds", wait.as_secs().max(1)),
            );
            return self.tell(channel, user, thread_ts, reply, &text).await;
        }
        let root = match thread_ts {
            Some(ts) => ts.to_owned(),
            None => {
                let ip = match &input {
                    Input::Command(Command::Diagnose { ip: Some(ip), .. }) => Some(ip.to_string()),
                    _ => None,
                };
                let msg = match ip {
                    Some(ip) => Msg::new("slack-thread-root").arg("ip", ip),
                    None => Msg::new("slack-thread-root-noip"),
                }
                .arg("user", format!("<@{user}>"));
                let text = blocks::text_trusting(self.loc(), lang, &msg, &["user"]);
                let m = SlackMsg {
                    text: text.clone(),
                    blocks: vec![blocks::section(&text)],
                    shape: Shape::Text,
                };
                match self.post_checked(channel, None, &m).await {
                    Ok(ts) => ts,
                    Err(code) if cannot_post_here(&code) => {
                        tracing::warn!(code = %code, "the bot cannot post in this channel");
                        if let Some(r) = reply {
                            self.offer_dm(r, lang).await;
                        }
                        return;
                    }
                    Err(code) => {
                        if reply.is_none() && needed_of(&code).is_some() {
                            // A mention or a DM has no other way back.
                            tracing::error!(code = %code, "the Slack app lacks a scope; the user cannot be told in Slack");
                        }
                        let text = self.text(lang, failure(&code));
                        return self.tell(channel, user, None, reply, &text).await;
                    }
                }
            }
        };
        let key = SessionKey::new(PLATFORM, &conversation(channel, &root), user);
        self.turn(key, facts, input).await;
    }

    async fn on_push(&self, ev: SlackPushEventCallback) {
        if !self.first_time(&format!("ev:{}", ev.event_id)) {
            tracing::debug!("duplicate event ignored");
            return;
        }
        let team = ev.team_id.to_string();
        match ev.event {
            SlackEventCallbackBody::AppMention(m) => {
                let channel = m.channel.to_string();
                let text = m.content.text.clone().unwrap_or_default();
                self.on_message(
                    &team,
                    &channel,
                    m.user.as_ref(),
                    m.origin.ts.as_ref(),
                    m.origin.thread_ts.as_ref().map(|t| t.to_string()),
                    &text,
                    true,
                )
                .await
            }
            SlackEventCallbackBody::Message(m) => {
                let Some(Said {
                    user,
                    channel,
                    text,
                    is_dm,
                    thread,
                    file_share,
                }) = self.said(&m)
                else {
                    return;
                };
                if !is_dm && thread.is_none() {
                    return; // channel chatter, not ours
                }
                if file_share {
                    // The file is not read: said first, in the user's own
                    // diagnosis thread; the text with it is read as usual.
                    let alone = text.trim().is_empty();
                    let root = thread
                        .clone()
                        .or_else(|| is_dm.then(|| self.open_dm(&channel, &user)).flatten());
                    if let Some(root) = &root {
                        let key = SessionKey::new(PLATFORM, &conversation(&channel, root), &user);
                        if let Ok(Some(_)) = self.driver.session(&key) {
                            let (lang, _) = self.lang(&key).await;
                            let id = if alone {
                                "slack-file-unreadable"
                            } else {
                                "slack-file-not-read"
                            };
                            let text = self.text(lang, Msg::new(id));
                            let m = SlackMsg {
                                text: text.clone(),
                                blocks: vec![blocks::section(&text)],
                                shape: Shape::Text,
                            };
                            self.post(&channel, Some(root), &m).await;
                        }
                    }
                    if alone {
                        return;
                    }
                }
                self.on_message(
                    &team,
                    &channel,
                    &user,
                    m.origin.ts.as_ref(),
                    thread,
                    &text,
                    is_dm,
                )
                .await
            }
            _ => {}
        }
    }

    /// A message for the bot: in the user's diagnosis thread it continues it;
    /// otherwise a mention or a direct message (`addressed`) starts a diagnosis
    /// in a thread, and anything else (a reply in someone else's thread) is
    /// left alone.
    #[allow(clippy::too_many_arguments)]
    async fn on_message(
        &self,
        team: &str,
        channel: &str,
        user: &str,
        ts: &str,
        thread_ts: Option<String>,
        text: &str,
        addressed: bool,
    ) {
        let span = tracing::info_span!("slack_message", user = %user, channel = %channel);
        async {
            // The per-user command bucket first: a flood costs no store
            // access and no API call (dropped, logged).
            if let Err(wait) = self.commands.check(user, Some(team), Instant::now()) {
                vmd_runtime::telemetry::rate_limited(PLATFORM);
                tracing::info!(
                    wait_s = wait.as_secs(),
                    "message over the command limit; dropped"
                );
                return;
            }
            let mention = format!("<@{}>", self.bot_user);
            let text = incoming(&text.replace(&mention, " ")).trim().to_owned();
            let text: String = text.chars().take(4000).collect();
            // In a DM, a reply typed below the diagnosis instead of in its
            // thread goes on with it; a new address starts a new one.
            let thread_ts = match thread_ts {
                None if channel.starts_with('D') && start_from_text(&text).is_none() => {
                    self.open_dm(channel, user)
                }
                t => t,
            };
            if let Some(root) = &thread_ts {
                let key = SessionKey::new(PLATFORM, &conversation(channel, root), user);
                match self.driver.session(&key) {
                    Ok(Some(_)) => {
                        let input = if let Some(l) = lang_word(&text) {
                            Input::Command(Command::Lang(l))
                        } else if let Some(rest) = text.strip_prefix('!') {
                            // Slack keeps `/…` for its own slash commands.
                            Input::Text(format!("/{rest}"))
                        } else {
                            Input::Text(text)
                        };
                        let facts = self.facts_of(team, channel, user).await;
                        return self.turn(key, facts, input).await;
                    }
                    Ok(None) => {}
                    Err(e) => {
                        tracing::error!(error = %e, "session store");
                        return;
                    }
                }
            }
            if !addressed {
                return;
            }
            let key = SessionKey::new(PLATFORM, channel, user);
            let (lang, _) = self.lang(&key).await;
            let in_thread = thread_ts.as_deref().is_some_and(|t| t != ts);
            if in_thread && !channel.starts_with('D') {
                // A mention inside a thread that is not this user's
                // diagnosis (someone else's, or any other thread): their own
                // starts in the channel, never in another's thread.
                let text = self.text(lang, Msg::new("slack-start-your-own"));
                return self
                    .ephemeral(channel, user, thread_ts.as_deref(), &text)
                    .await;
            }
            let input = match start_from_text(&text) {
                Some(c) => Input::Command(c),
                None => Input::Text(text),
            };
            // The new diagnosis lives in a thread under the message that asked.
            let root = thread_ts.unwrap_or_else(|| ts.to_owned());
            self.start(team, channel, user, Some(&root), input, lang, None)
                .await;
        }
        .instrument(span)
        .await
    }

    /// A message event as the bot reads it; `None` for what is not an
    /// answer: the bot's own and other bots' messages, edits, joins and
    /// other subtypes (a reply also sent to the channel, or with a file, is
    /// one), and a mention in a channel, which arrives as `app_mention` too
    /// and is handled there.
    fn said(&self, m: &SlackMessageEvent) -> Option<Said> {
        let file_share = matches!(m.subtype, Some(SlackMessageEventType::FileShare));
        let answer_kind = m.subtype.is_none()
            || file_share
            || matches!(m.subtype, Some(SlackMessageEventType::ThreadBroadcast));
        if !answer_kind || m.sender.bot_id.is_some() {
            return None;
        }
        let user = m.sender.user.as_ref().map(|u| u.to_string())?;
        if user == self.bot_user {
            return None;
        }
        let channel = m.origin.channel.as_ref().map(|c| c.to_string())?;
        let text = m
            .content
            .as_ref()
            .and_then(|c| c.text.clone())
            .unwrap_or_default();
        let is_dm = m
            .origin
            .channel_type
            .as_ref()
            .is_some_and(|t| t.to_string() == "im")
            || channel.starts_with('D');
        if !is_dm && text.contains(&format!("<@{}>", self.bot_user)) {
            return None;
        }
        Some(Said {
            user,
            channel,
            text,
            is_dm,
            thread: m.origin.thread_ts.as_ref().map(|t| t.to_string()),
            file_share,
        })
    }

    /// The language a user last used with the bot (stored), else English.
    pub(crate) fn stored_lang(&self, user: &str) -> Lang {
        self.driver
            .store()
            .user_lang(PLATFORM, user)
            .ok()
            .flatten()
            .unwrap_or(Lang::En)
    }

    /// The text acknowledging a slash command while the process drains.
    pub(crate) fn restarting_text(&self, user: &str) -> String {
        self.text(self.stored_lang(user), Msg::new("slack-restarting"))
    }

    /// A click while the process drains: "restarting, click again in a
    /// minute", through the action's `response_url` (only its user sees it).
    pub(crate) async fn restarting(&self, ev: SlackInteractionEvent) {
        let a = match ev {
            SlackInteractionEvent::BlockActions(a) => a,
            SlackInteractionEvent::ViewSubmission(v) => return self.restarting_form(v).await,
            _ => return,
        };
        let (Some(url), Some(user)) = (&a.response_url, &a.user) else {
            return;
        };
        let text = self.text(
            self.stored_lang(user.id.as_ref()),
            Msg::new("slack-restarting-click"),
        );
        let m = SlackMsg {
            text: text.clone(),
            blocks: vec![blocks::section(&text)],
            shape: Shape::Text,
        };
        if !self.respond(url.value().as_str(), &m, false).await {
            tracing::warn!("could not tell a user that the bot is restarting");
        }
    }

    /// A typed answer (the modal) sent while the process drains: the form
    /// closes (the acknowledgement cannot keep it open), and its user is
    /// told in the diagnosis's thread to answer again in a minute, with what
    /// they typed quoted back (one code span, capped) so it is not lost. A
    /// paste is never echoed back raw.
    async fn restarting_form(&self, v: SlackInteractionViewSubmissionEvent) {
        let Some(meta) = form_meta(&v) else {
            return;
        };
        let Some(channel) = meta["ch"].as_str() else {
            return;
        };
        let thread = meta["cv"]
            .as_str()
            .and_then(split_conversation)
            .map(|(_, ts)| ts);
        let user = v.user.id.to_string();
        let paste = meta["id"]
            .as_str()
            .and_then(ButtonId::decode)
            .is_some_and(|id| id.is_paste());
        let typed = form_value(&v);
        let msg = if paste || typed.trim().is_empty() {
            Msg::new("slack-restarting-form")
        } else {
            Msg::new("slack-restarting-form-typed").arg("answer", clip(typed.trim(), QUOTED_MAX))
        };
        let text = self.text(self.stored_lang(&user), msg);
        self.ephemeral(channel, &user, thread, &text).await;
    }

    /// A message for the bot (a mention, a direct message, a reply in the
    /// sender's own diagnosis thread) while the process drains: it starts
    /// nothing, and its sender is told to send it again in a minute. Other
    /// messages are left alone, as always.
    pub(crate) async fn restarting_push(&self, ev: SlackPushEventCallback) {
        if !self.first_time(&format!("ev:{}", ev.event_id)) {
            return;
        }
        let (channel, user, thread, addressed) = match ev.event {
            SlackEventCallbackBody::AppMention(m) => (
                m.channel.to_string(),
                m.user.to_string(),
                m.origin.thread_ts.as_ref().map(|t| t.to_string()),
                true,
            ),
            SlackEventCallbackBody::Message(m) => {
                let Some(said) = self.said(&m) else {
                    return;
                };
                (said.channel, said.user, said.thread, said.is_dm)
            }
            _ => return,
        };
        if !addressed {
            // A reply in a thread: only in the sender's own diagnosis.
            let Some(root) = &thread else {
                return;
            };
            let key = SessionKey::new(PLATFORM, &conversation(&channel, root), &user);
            if !matches!(self.driver.session(&key), Ok(Some(_))) {
                return;
            }
        }
        let text = self.text(
            self.stored_lang(&user),
            Msg::new("slack-restarting-message"),
        );
        self.ephemeral(&channel, &user, thread.as_deref(), &text)
            .await;
    }

    async fn on_interaction(&self, ev: SlackInteractionEvent) {
        match ev {
            SlackInteractionEvent::BlockActions(a) => {
                if !self.first_time(&format!("act:{}", a.trigger_id)) {
                    tracing::debug!("duplicate click ignored");
                    return;
                }
                self.on_click(a).await
            }
            SlackInteractionEvent::ViewSubmission(v) => {
                let id = format!(
                    "view:{}:{}",
                    v.view.state_params.id, v.view.state_params.hash
                );
                if !self.first_time(&id) {
                    tracing::debug!("duplicate submission ignored");
                    return;
                }
                self.on_submit(v).await
            }
            _ => {}
        }
    }

    /// The conversation's language from what is known already (no API
    /// call): for a click that must open a modal while its trigger lives.
    fn lang_known(&self, key: &SessionKey) -> Lang {
        let cached = self
            .langs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key.user)
            .copied();
        self.driver.lang_of(key, cached)
    }

    /// Admission through the kit; a refusal is answered ephemerally.
    /// `quick`: the language from what is known (a modal is opened next).
    async fn admit(
        &self,
        raw: &str,
        clicker: &str,
        channel: &str,
        origin: Origin<'_>,
        quick: bool,
    ) -> Option<(Admitted, Lang)> {
        let decoded = ButtonId::decode(raw);
        let owner_key = decoded
            .as_ref()
            .map(|id| SessionKey::new(PLATFORM, &id.conversation, &id.owner));
        let support = match &decoded {
            Some(id) if id.owner != clicker => self.is_support(clicker).await,
            _ => false,
        };
        let thread = decoded
            .as_ref()
            .and_then(|id| split_conversation(&id.conversation).map(|(_, t)| t.to_owned()));
        match admit(&self.driver, PLATFORM, raw, clicker, origin, || support) {
            Ok(a) => {
                let lang = if quick {
                    self.lang_known(&a.key)
                } else {
                    self.lang(&a.key).await.0
                };
                Some((a, lang))
            }
            Err(refusal) => {
                let clicker_key = SessionKey::new(PLATFORM, channel, clicker);
                let lang = match &owner_key {
                    Some(_) => self
                        .driver
                        .lang_of(&clicker_key, self.platform_lang(clicker).await),
                    None => self.platform_lang(clicker).await.unwrap_or(Lang::En),
                };
                let text = match refusal {
                    Refusal::Stale => self.text(lang, Msg::new("slack-stale")),
                    Refusal::NotYours { owner } => blocks::text_trusting(
                        self.loc(),
                        lang,
                        &Msg::new("slack-not-yours").arg("owner", format!("<@{owner}>")),
                        &["owner"],
                    ),
                    Refusal::Internal => self.text(lang, Msg::new("err-internal")),
                };
                self.ephemeral(channel, clicker, thread.as_deref(), &text)
                    .await;
                None
            }
        }
    }

    async fn on_click(&self, a: SlackInteractionBlockActionsEvent) {
        let Some(action) = a.actions.as_ref().and_then(|v| v.first()).cloned() else {
            return;
        };
        let raw = action.action_id.to_string();
        if raw == blocks::DM_ACTION {
            let args = action.value.clone().unwrap_or_default();
            return self.continue_in_dm(&a, &args).await;
        }
        if !raw.starts_with("v1|") {
            return; // e.g. the ticket link button: Slack opens the URL itself
        }
        let Some(clicker) = a.user.as_ref().map(|u| u.id.to_string()) else {
            return;
        };
        let (channel, message_ts) = match &a.container {
            SlackInteractionActionContainer::Message(m) => (
                m.channel_id.as_ref().map(|c| c.to_string()),
                Some(m.message_ts.to_string()),
            ),
            _ => (None, None),
        };
        let Some(channel) = channel.or_else(|| a.channel.as_ref().map(|c| c.id.to_string())) else {
            return;
        };
        let team = a.team.id.to_string();
        // The conversation the clicked message belongs to: its channel and
        // thread (a root message is its own thread).
        let here = a.message.as_ref().map(|m| {
            let root = m.origin.thread_ts.as_ref().unwrap_or(&m.origin.ts);
            conversation(&channel, root.as_ref())
        });
        let span = tracing::info_span!("slack_click", user = %clicker, channel = %channel);
        async {
            let origin = Origin {
                conversation: here.as_deref().unwrap_or(""),
                carried: Some(a.message.as_ref().is_some_and(|m| carries(m, &raw))),
            };
            // A button that opens a modal: its trigger_id lives 3 s and is
            // single-use, so views.open comes before any lookup it can skip.
            let opens_modal =
                ButtonId::decode(&raw).is_some_and(|id| id.is_input() || id.is_paste());
            let Some((Admitted { id, key }, lang)) = self
                .admit(&raw, &clicker, &channel, origin, opens_modal)
                .await
            else {
                return;
            };
            if id.is_input() || id.is_paste() {
                if let (Some(ts), Some(msg)) = (&message_ts, &a.message) {
                    let mut asked = self.asked.lock().unwrap_or_else(|p| p.into_inner());
                    if asked.len() >= MAX_ASKED {
                        asked.clear();
                    }
                    asked.insert(ts.clone(), msg.clone());
                }
                let meta = serde_json::json!({
                    "id": raw, "ch": channel, "ts": message_ts, "cv": here, "tm": team,
                })
                .to_string();
                let view = blocks::modal(self.loc(), lang, id.expects(), &meta);
                let Ok(view) = serde_json::from_value::<SlackView>(view) else {
                    return;
                };
                let req = SlackApiViewsOpenRequest::new(a.trigger_id.clone(), view);
                let api = self.api();
                // One try: a trigger_id is single-use and expires in 3 s.
                if let Err(e) = api.views_open(&req).await {
                    tracing::warn!(error = %brief(&e), "the answer form did not open");
                    let text = self.text(lang, Msg::new("slack-modal-failed"));
                    let thread = split_conversation(&key.conversation).map(|(_, t)| t.to_owned());
                    self.ephemeral(&channel, &clicker, thread.as_deref(), &text)
                        .await;
                }
                return;
            }
            // The question's buttons give way to the answer.
            if let (Some(ts), Some(msg)) = (&message_ts, &a.message) {
                let label = action
                    .text
                    .as_ref()
                    .map(block_text)
                    .unwrap_or_else(|| id.key.clone());
                self.mark_answered(&channel, ts, msg, &label, &clicker, lang)
                    .await;
            }
            let facts = self.facts_of(&team, &channel, &clicker).await;
            self.turn(key, facts, id.answer(Input::Choose(id.key.clone())))
                .await;
        }
        .instrument(span)
        .await
    }

    async fn mark_answered(
        &self,
        channel: &str,
        ts: &str,
        msg: &SlackHistoryMessage,
        answer: &str,
        user: &str,
        lang: Lang,
    ) {
        let old: Vec<Value> = msg
            .content
            .blocks
            .iter()
            .flatten()
            .filter_map(|b| serde_json::to_value(b).ok())
            .collect();
        let line = blocks::text_trusting(
            self.loc(),
            lang,
            &Msg::new("slack-answered")
                .arg(
                    "answer",
                    format!("*{}*", safe::escape_text(Markup::Slack, answer)),
                )
                .arg("user", format!("<@{user}>")),
            &["user", "answer"],
        );
        let m = SlackMsg {
            text: msg.content.text.clone().unwrap_or_default(),
            blocks: blocks::answered(&old, &line),
            shape: Shape::Text,
        };
        self.update(channel, ts, &m).await;
    }

    async fn on_submit(&self, v: SlackInteractionViewSubmissionEvent) {
        let Some(meta) = form_meta(&v) else {
            return;
        };
        let (Some(raw), Some(channel)) = (meta["id"].as_str(), meta["ch"].as_str()) else {
            return;
        };
        let clicker = v.user.id.to_string();
        let value = form_value(&v);
        let team = v.team.id.to_string();
        let span = tracing::info_span!("slack_modal", user = %clicker, channel = %channel);
        async {
            // The conversation of the message whose button opened the form
            // (written into the form's metadata, which only the bot sets).
            let origin = Origin {
                conversation: meta["cv"].as_str().unwrap_or(""),
                carried: None,
            };
            let Some((Admitted { key, id }, lang)) =
                self.admit(raw, &clicker, channel, origin, false).await
            else {
                return;
            };
            let paste = id.is_paste();
            if let Some(ts) = meta["ts"].as_str() {
                // The typed answer takes the place of the buttons that asked for it.
                let question = self
                    .asked
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .remove(ts);
                if let Some(old) = question {
                    // A paste is never echoed back raw.
                    let answer = if paste {
                        self.loc().text(lang, "paste-shown")
                    } else {
                        clip(value.trim(), 60)
                    };
                    self.mark_answered(channel, ts, &old, &answer, &clicker, lang)
                        .await;
                }
            }
            let facts = self.facts_of(&team, channel, &clicker).await;
            self.turn(
                key,
                facts,
                if paste {
                    Input::Paste(value)
                } else {
                    id.answer(Input::Text(value))
                },
            )
            .await;
        }
        .instrument(span)
        .await
    }

    // ----- a turn ---------------------------------------------------------

    /// Conversations this process's store holds in the middle of a probe (the
    /// previous process was killed or hit the shutdown deadline): each gets
    /// its probe again and the result in its thread, a few at a time.
    pub(crate) async fn take_up_interrupted(self: Arc<Self>) {
        takeover::take_up(&self.driver, |key| {
            let bot = self.clone();
            // Taken up, not asked for: a probe already authorised.
            Some(async move { bot.turn(key, Facts::default(), Input::Resume).await })
        })
        .await
    }

    /// Runs one turn of the driver and posts its events, in order, as they come.
    async fn turn(&self, key: SessionKey, facts: Facts, input: Input) {
        let Some((channel, thread_ts)) =
            split_conversation(&key.conversation).map(|(c, t)| (c.to_owned(), t.to_owned()))
        else {
            tracing::error!("conversation without a thread");
            return;
        };
        if channel.starts_with('D') {
            let mut dms = self.dms.lock().unwrap_or_else(|p| p.into_inner());
            if dms.len() >= MAX_ASKED {
                dms.clear();
            }
            dms.insert(key.user.clone(), (channel.clone(), thread_ts.clone()));
        }
        let (lang, platform) = self.lang(&key).await;
        let poster = Posting {
            bot: self,
            key: &key,
            channel,
            thread_ts,
            lang,
            checking: Checking::default(),
        };
        // The workspace is the probe budget's space; the driver authorises
        // any probe or lookup of this turn against these facts.
        let caller = facts.caller(&self.limiter);
        kit_turn::run(&self.driver, &key, caller, input, platform, poster).await;
    }
}

/// Where one turn's replies go in Slack (its thread), and what the turn
/// posted so far.
struct Posting<'a, P: Prober, S: Store> {
    bot: &'a Bot<P, S>,
    key: &'a SessionKey,
    channel: String,
    thread_ts: String,
    /// The conversation's language, for the notice of a failed turn.
    lang: Lang,
    /// The "checking…" message (its `ts`), updated as probes finish.
    checking: Checking<String>,
}

impl<P: Prober + 'static, S: Store + 'static> Poster for Posting<'_, P, S> {
    async fn show(&mut self, ev: Outgoing) {
        let bot = self.bot;
        let loc = bot.loc();
        match ev {
            Outgoing::Reply { lang, mut reply } => {
                if reply.parts.first().is_some_and(|m| m.id == "help") {
                    // In Slack, commands in a thread start with `!`.
                    reply.parts.push(Msg::new("slack-usage"));
                }
                let m = blocks::reply(loc, lang, &reply, &self.key.conversation, &self.key.user);
                if let Some(ts) = self.checking.replaced_by(m.shape) {
                    if bot.update(&self.channel, &ts, &m).await {
                        return;
                    }
                }
                let ts = bot.post(&self.channel, Some(&self.thread_ts), &m).await;
                self.checking
                    .posted(m.shape, ts.map(|ts| (ts, m.blocks_text())));
            }
            Outgoing::Progress { lang, lines } => {
                if let Some((ts, header)) = self.checking.current() {
                    let lines: Vec<String> =
                        lines.iter().map(|l| blocks::text(loc, lang, l)).collect();
                    bot.update(&self.channel, ts, &blocks::progress(header, &lines))
                        .await;
                }
            }
            Outgoing::Escalation {
                lang,
                url,
                markdown,
                report,
            } => {
                // A report uploaded a moment ago stands: the link again, no new file.
                let upload = bot
                    .uploads
                    .should_upload(&self.key.conversation, Instant::now());
                let head = if upload {
                    "slack-report-attached"
                } else {
                    "limit-report-again"
                };
                let mut text = bot.text(lang, Msg::new(head));
                text.push_str("\n\n");
                text.push_str(&blocks::text_trusting(
                    loc,
                    lang,
                    &Msg::new("ticket-link").arg("url", safe::slack_link(&url)),
                    &["url"],
                ));
                let button = loc.text(lang, "slack-ticket-button");
                bot.post(
                    &self.channel,
                    Some(&self.thread_ts),
                    &blocks::escalation(&text, &button, &url),
                )
                .await;
                if !upload {
                    return;
                }
                let ip = report.target.map(|t| t.to_string()).unwrap_or_default();
                let title = loc.render(lang, &Msg::new("slack-report-comment").arg("ip", ip));
                let uploaded = bot
                    .upload(
                        &self.channel,
                        &self.thread_ts,
                        "vm-doctor-report.md",
                        &title,
                        markdown.into_bytes(),
                    )
                    .await;
                if let Err(code) = uploaded {
                    // Said in the thread, and `!ticket` tries again.
                    bot.uploads.forget(&self.key.conversation);
                    let m = match needed_of(&code) {
                        Some(scope) => {
                            Msg::new("slack-report-not-attached-scope").arg("scope", scope)
                        }
                        None => Msg::new("slack-report-not-attached"),
                    };
                    let text = bot.text(lang, m);
                    let m = SlackMsg {
                        text: text.clone(),
                        blocks: vec![blocks::section(&text)],
                        shape: Shape::Text,
                    };
                    bot.post(&self.channel, Some(&self.thread_ts), &m).await;
                }
            }
            Outgoing::Ended(_) => {}
        }
    }

    async fn failed(&mut self) {
        let text = self.bot.text(self.lang, Msg::new("err-internal"));
        let m = blocks::escalation(&text, "", "");
        self.bot
            .post(&self.channel, Some(&self.thread_ts), &m)
            .await;
    }
}

/// What was typed into the answer form.
fn form_value(v: &SlackInteractionViewSubmissionEvent) -> String {
    v.view
        .state_params
        .state
        .as_ref()
        .and_then(|s| s.values.get(&blocks::MODAL_BLOCK.to_owned().into()))
        .and_then(|b| b.get(&blocks::MODAL_INPUT.to_owned().into()))
        .and_then(|x| x.value.clone())
        .unwrap_or_default()
}

/// Characters of a typed answer quoted back while draining: with Slack's
/// entities (`&lt;` for `<`) the message stays within a section's 3000.
const QUOTED_MAX: usize = 500;

/// The plain text of a block text object.
fn block_text(t: &SlackBlockText) -> String {
    match t {
        SlackBlockText::Plain(p) => p.text.clone(),
        SlackBlockText::MarkDown(m) => m.text.clone(),
    }
}

impl SlackMsg {
    /// The text of the first section (the "checking…" header).
    fn blocks_text(&self) -> String {
        self.blocks
            .first()
            .and_then(|b| b["text"]["text"].as_str())
            .unwrap_or(&self.text)
            .to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn incoming_text_is_what_the_user_wrote() {
        assert_eq!(
            incoming("<@UBOT> my server <http://203.0.113.7|203.0.113.7> &amp; ssh &lt;3"),
            "<@UBOT> my server 203.0.113.7 & ssh <3"
        );
        assert_eq!(
            incoming("<https://e.invalid> <!here> <#C1|x>"),
            "https://e.invalid <!here> <#C1|x>"
        );
        assert_eq!(incoming("a < b"), "a < b");
        assert_eq!(incoming("&amp;lt;"), "&lt;");
    }

    #[test]
    fn language_from_locale_and_words() {
        assert_eq!(lang_of_locale("ko-KR"), Lang::Ko);
        assert_eq!(lang_of_locale("en-GB"), Lang::En);
        assert_eq!(lang_of_locale("ja-JP"), Lang::En);
        assert_eq!(lang_word(" 한국어 "), Some(Lang::Ko));
        assert_eq!(lang_word("English!"), Some(Lang::En));
        assert_eq!(lang_word("engl"), None);
    }
}
