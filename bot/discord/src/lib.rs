//! # vmd-discord
//!
//! The Discord adapter. It translates Discord interactions into engine
//! [`Input`]s and the driver's [`Outgoing`] events into Discord messages,
//! nothing else. **Architecture invariant:** this is the only crate that knows
//! serenity; no serenity type appears in its public API.
//!
//! Every interaction gets its first response before any slow work (defer,
//! update or modal), so Discord's 3-second deadline holds even while probes run.

mod render;
pub mod shards;

/// The rate-limit setting (the limiter itself lives in the adapter kit).
pub mod limits {
    pub use vmd_runtime::kit::limits::Limit;
}

use limits::Limit;
use serenity::all::{
    ActionRow, ActionRowComponent, ButtonKind, ButtonStyle, ChannelId, ChannelType, ClientBuilder,
    CommandInteraction, CommandOptionType, ComponentInteraction, Context, CreateActionRow,
    CreateAllowedMentions, CreateAttachment, CreateButton, CreateCommand, CreateCommandOption,
    CreateInputText, CreateInteractionResponse, CreateInteractionResponseMessage, CreateMessage,
    CreateModal, CreateThread, EditInteractionResponse, EditMessage, EventHandler, GatewayIntents,
    GuildId, HttpBuilder, InputTextStyle, InstallationContext, Interaction, InteractionContext,
    InteractionId, Member, MessageId, ModalInteraction, PartialChannel, Permissions, Ready,
    ResolvedValue, RoleId, ShardManager,
};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing::Instrument;
use vmd_core::command::{self, Command, Lang};
use vmd_core::engine::Input;
use vmd_core::msg::Msg;
use vmd_core::session::{Phase, SessionKey};
use vmd_probe::Prober;
use vmd_runtime::kit::admit::{admit, Admitted, Origin, Refusal};
use vmd_runtime::kit::ids::ButtonId;
use vmd_runtime::kit::layout::clip;
use vmd_runtime::kit::limits::{RateLimiter, Uploads};
use vmd_runtime::kit::safe::{self, Markup};
use vmd_runtime::kit::turn::{self as kit_turn, Checking, Facts, Poster};
use vmd_runtime::kit::{takeover, Seen};
use vmd_runtime::store::Store;
use vmd_runtime::{Driver, Outgoing};

/// Everything the Discord adapter needs to know. Its `Debug` never shows the token.
#[derive(Clone)]
pub struct DiscordConfig {
    /// Bot token (from the environment only).
    pub token: String,
    /// REST base URL, for a rate-limit proxy or a test double; the gateway URL
    /// is then asked of it. `None`: Discord itself.
    pub api_url: Option<String>,
    /// Guilds the bot answers in; commands are registered per guild when set,
    /// globally otherwise.
    pub guilds: Vec<u64>,
    /// Channels where `/diagnose` may start (empty: any).
    pub channels: Vec<u64>,
    /// Members with this role may answer anyone's diagnosis.
    pub support_role: Option<u64>,
    /// When set, only members with this role may start a diagnosis.
    pub probe_role: Option<u64>,
    /// Open a thread per diagnosis (else answer in the channel).
    pub threads: bool,
    pub user_limit: Limit,
    pub guild_limit: Limit,
}

impl std::fmt::Debug for DiscordConfig {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DiscordConfig")
            .field("token", &"<redacted>")
            .field("api_url", &vmd_runtime::redact::opt_url(&self.api_url))
            .field("guilds", &self.guilds)
            .field("channels", &self.channels)
            .field("support_role", &self.support_role)
            .field("probe_role", &self.probe_role)
            .field("threads", &self.threads)
            .field("user_limit", &self.user_limit)
            .field("guild_limit", &self.guild_limit)
            .finish()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum DiscordError {
    #[error("discord client: {0}")]
    Client(String),
    #[error("no Discord token: set VM_DOCTOR_DISCORD_TOKEN")]
    NoToken,
    #[error("Discord refused the bot token (401 Unauthorized): check VM_DOCTOR_DISCORD_TOKEN; not retrying")]
    Unauthorized,
    #[error("the Discord API at {api} did not give a gateway URL after {tries} tries ({why}): check VM_DOCTOR_DISCORD_API_URL and that it is up; not connecting anywhere else")]
    NoGateway {
        api: String,
        tries: u32,
        why: String,
    },
}

/// Times the gateway URL is asked of a configured API base before `start`
/// gives up (one second more between each).
pub const GATEWAY_TRIES: u32 = 3;

/// A running bot.
pub struct BotHandle {
    shards: Arc<ShardManager>,
    task: tokio::task::JoinHandle<Result<(), serenity::Error>>,
    connected: Arc<std::sync::atomic::AtomicBool>,
    /// Set by a stop: a replica still waiting for its identify slot ends
    /// there instead of waiting the slot out and connecting.
    stopped: Arc<tokio::sync::watch::Sender<bool>>,
}

/// Disconnects the gateway (no new interactions arrive) while the bot's
/// handle is being waited on elsewhere; turns under way go on.
#[derive(Clone)]
pub struct StopHandle(Arc<ShardManager>, Arc<tokio::sync::watch::Sender<bool>>);

impl StopHandle {
    pub async fn stop_gateway(&self) {
        self.1.send_replace(true);
        self.0.shutdown_all().await;
    }
}

impl BotHandle {
    /// True once the gateway said "ready" (for `/readyz`).
    pub fn connected(&self) -> Arc<std::sync::atomic::AtomicBool> {
        self.connected.clone()
    }

    pub fn stop_handle(&self) -> StopHandle {
        StopHandle(self.shards.clone(), self.stopped.clone())
    }

    /// Disconnects from the gateway and waits for the client to stop.
    pub async fn stop(self) {
        self.stopped.send_replace(true);
        self.shards.shutdown_all().await;
        let _ = tokio::time::timeout(Duration::from_secs(10), self.task).await;
    }

    /// Runs until the client stops (it reconnects by itself on gateway trouble).
    pub async fn wait(self) -> Result<(), DiscordError> {
        match self.task.await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(serenity::Error::Gateway(
                serenity::gateway::GatewayError::InvalidAuthentication,
            ))) => Err(DiscordError::Unauthorized),
            Ok(Err(e)) => Err(DiscordError::Client(e.to_string())),
            Err(e) => Err(DiscordError::Client(e.to_string())),
        }
    }
}

/// Connects to Discord (or to `api_url`) and starts answering interactions.
pub async fn start<P, S>(
    cfg: DiscordConfig,
    driver: Arc<Driver<P, S>>,
) -> Result<BotHandle, DiscordError>
where
    P: Prober + 'static,
    S: Store + 'static,
{
    start_sharded(cfg, driver, None).await
}

/// [`start`], running only the given shards (`None`: serenity's default, one
/// shard).
pub async fn start_sharded<P, S>(
    cfg: DiscordConfig,
    driver: Arc<Driver<P, S>>,
    shard_range: Option<shards::ShardRange>,
) -> Result<BotHandle, DiscordError>
where
    P: Prober + 'static,
    S: Store + 'static,
{
    if cfg.token.trim().is_empty() {
        return Err(DiscordError::NoToken);
    }
    let mut http = HttpBuilder::new(cfg.token.trim());
    if let Some(api) = &cfg.api_url {
        // serenity ignores the proxy while its own rate limiter is on; a proxy
        // in front of the API is where rate limits are handled then.
        http = http
            .proxy(api.trim_end_matches('/'))
            .ratelimiter_disabled(true);
    }
    let http = http.build();
    // A bad token is final: say so and stop, instead of retrying the gateway.
    match http.get_current_user().await {
        Ok(me) => tracing::info!(user = %me.name, "token accepted"),
        Err(e) if is_unauthorized(&e) => return Err(DiscordError::Unauthorized),
        // Anything else (Discord down, a proxy hiccup): the client retries.
        Err(e) => {
            tracing::warn!(error = %vmd_runtime::redact::in_text(&e.to_string()), "could not check the token")
        }
    }
    // serenity asks the API for the gateway URL and, when that fails, falls
    // back to Discord's own gateway, past the configured proxy. With an API
    // base configured, ask it here (a few times) and pin what it says, or stop.
    let gateway = match &cfg.api_url {
        Some(api) => Some(gateway_url(&http, api).await?),
        None => None,
    };
    let connected = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let handler = Handler {
        connected: connected.clone(),
        bot: Arc::new(Bot {
            limiter: RateLimiter::new(cfg.user_limit, cfg.guild_limit),
            commands: vmd_runtime::kit::limits::commands(),
            uploads: Uploads::default(),
            cfg,
            driver,
            seen: Seen::new(4096),
            took_up: std::sync::atomic::AtomicBool::new(false),
            registered: std::sync::atomic::AtomicBool::new(false),
            cleared: std::sync::Mutex::new(std::collections::HashSet::new()),
            raw: Raw::new(),
            threads: std::sync::Mutex::new(HashMap::new()),
        }),
    };
    let mut client = ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
        .event_handler(handler)
        .await
        .map_err(|e| DiscordError::Client(e.to_string()))?;
    if let Some(url) = gateway {
        *client.ws_url.lock().await = url;
    }
    // Replicas starting together identify in turn (max_concurrency from
    // /gateway/bot): each waits for its range's slot.
    let wait = match shard_range {
        Some(r) => {
            let mc = match client.http.get_bot_gateway().await {
                Ok(g) => g.session_start_limit.max_concurrency,
                Err(e) => {
                    tracing::warn!(error = %vmd_runtime::redact::in_text(&e.to_string()), "no max_concurrency from /gateway/bot; assuming 1");
                    1
                }
            };
            let now_ms = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0);
            r.identify_wait(mc, now_ms)
        }
        None => Duration::ZERO,
    };
    let shards = client.shard_manager.clone();
    let (stopped, mut stop_rx) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(async move {
        if !wait.is_zero() {
            tracing::info!(
                wait_ms = wait.as_millis() as u64,
                "waiting for this replica's identify slot"
            );
            // A stop (SIGTERM, `BotHandle::stop`) during the wait ends it; a
            // handle dropped without a stop leaves the wait as it is.
            let stop = async {
                if stop_rx.wait_for(|s| *s).await.is_err() {
                    std::future::pending::<()>().await;
                }
            };
            tokio::select! {
                _ = tokio::time::sleep(wait) => {}
                _ = stop => {}
            }
        }
        if *stop_rx.borrow() {
            tracing::info!("stopped before connecting to the gateway");
            return Ok(());
        }
        match shard_range {
            // serenity 0.12 boots `start..=end` (it counts end - start + 1 shards).
            Some(r) => client.start_shard_range(r.first..r.last, r.total).await,
            // Not configured: as many shards as /gateway/bot recommends.
            None => client.start_autosharded().await,
        }
    });
    Ok(BotHandle {
        shards,
        task,
        connected,
        stopped: Arc::new(stopped),
    })
}

/// The gateway URL the configured API base gives, asked [`GATEWAY_TRIES`]
/// times.
async fn gateway_url(http: &serenity::http::Http, api: &str) -> Result<String, DiscordError> {
    let mut why = String::new();
    for attempt in 1..=GATEWAY_TRIES {
        match http.get_gateway().await {
            Ok(g) => return Ok(g.url),
            Err(e) => {
                why = vmd_runtime::redact::in_text(&e.to_string());
                tracing::warn!(attempt, error = %why, "the Discord API gave no gateway URL");
            }
        }
        if attempt < GATEWAY_TRIES {
            tokio::time::sleep(std::time::Duration::from_secs(attempt.into())).await;
        }
    }
    Err(DiscordError::NoGateway {
        api: vmd_runtime::redact::url(api),
        tries: GATEWAY_TRIES,
        why,
    })
}

struct Bot<P: Prober, S: Store> {
    cfg: DiscordConfig,
    driver: Arc<Driver<P, S>>,
    /// Diagnosis starts (charged by the driver's authorisation point).
    limiter: RateLimiter,
    /// Every command, checked first (kit::limits::commands).
    commands: RateLimiter,
    /// When each conversation last had its report attached.
    uploads: Uploads,
    /// Interaction ids already handled (a resumed gateway may replay events).
    seen: Seen,
    /// Whether the conversations a stopped process left in a probe were taken
    /// up (once per process, at the first `ready`).
    took_up: std::sync::atomic::AtomicBool,
    /// Whether this process registered the commands (once, by shard 0).
    registered: std::sync::atomic::AtomicBool,
    /// Guilds whose stale command sets were looked at (once each).
    cleared: std::sync::Mutex<std::collections::HashSet<GuildId>>,
    /// Message posts made as raw requests (see [`Bot::post_raw`]).
    raw: Raw,
    /// The thread each user's latest diagnosis moved to, by (channel,
    /// user): a command typed in the channel afterwards goes there.
    threads: std::sync::Mutex<HashMap<(u64, u64), ChannelId>>,
}

struct Handler<P: Prober, S: Store> {
    bot: Arc<Bot<P, S>>,
    connected: Arc<std::sync::atomic::AtomicBool>,
}

#[serenity::async_trait]
impl<P: Prober + 'static, S: Store + 'static> EventHandler for Handler<P, S> {
    async fn ready(&self, ctx: Context, ready: Ready) {
        tracing::info!(user = %ready.user.name, guilds = ready.guilds.len(), "connected to Discord");
        self.connected
            .store(true, std::sync::atomic::Ordering::SeqCst);
        let here: Vec<GuildId> = ready.guilds.iter().map(|g| g.id).collect();
        // serenity fires `ready` per shard (and again after a new session):
        // the commands are registered once, by the process running shard 0.
        let shard0 = ready.shard.is_none_or(|s| s.id.0 == 0);
        if shard0
            && !self
                .bot
                .registered
                .swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            self.bot.register(&ctx).await;
        }
        self.bot.clear_stale(&ctx, &here).await;
        if !self
            .bot
            .took_up
            .swap(true, std::sync::atomic::Ordering::SeqCst)
        {
            tokio::spawn(self.bot.clone().take_up_interrupted(ctx));
        }
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        let id = interaction.id().get();
        if self.bot.driver.turns().is_draining() {
            // Shutting down: no new conversation, but the user is told
            // (Discord would otherwise show "This interaction failed").
            tracing::info!(interaction = id, "shutting down; interaction not taken");
            self.bot.restarting(&ctx, &interaction).await;
            return;
        }
        let key = id.to_string();
        // Once by this process, and once over every replica sharing the store.
        if !self.bot.seen.first_time(&key) || !self.bot.driver.first_delivery("discord", &key) {
            tracing::debug!(interaction = id, "duplicate interaction ignored");
            return;
        }
        match interaction {
            Interaction::Command(c) => self.bot.on_command(&ctx, c).await,
            Interaction::Component(c) => self.bot.on_component(&ctx, c).await,
            Interaction::Modal(m) => self.bot.on_modal(&ctx, m).await,
            _ => {}
        }
    }
}

/// Discord's locale picks the language: Korean for `ko`, English otherwise.
fn lang_of(locale: &str) -> Option<Lang> {
    if locale.trim().is_empty() {
        return None;
    }
    Some(match Lang::parse(locale) {
        Some(Lang::Ko) => Lang::Ko,
        _ => Lang::En,
    })
}

/// Whether the clicked message carries a button with this custom id.
fn carries(rows: &[ActionRow], custom_id: &str) -> bool {
    rows.iter().flat_map(|r| r.components.iter()).any(|c| {
        matches!(c, ActionRowComponent::Button(b)
            if matches!(&b.data, ButtonKind::NonLink { custom_id: id, .. } if id == custom_id))
    })
}

fn has_role(member: Option<&Member>, role: Option<u64>) -> bool {
    match (member, role) {
        (Some(m), Some(r)) => m.roles.contains(&RoleId::new(r)),
        _ => false,
    }
}

/// Discord refused a write for want of access or a permission (403, JSON
/// codes 50001 Missing Access, 50013 Missing Permissions): never retried.
fn is_forbidden(e: &serenity::Error) -> Option<isize> {
    match e {
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r))
            if r.status_code.as_u16() == 403 =>
        {
            Some(r.error.code)
        }
        _ => None,
    }
}

/// An answer's body, `null` when empty (204 No Content), so `()` reads it.
fn or_null(body: &[u8]) -> &[u8] {
    if body.is_empty() {
        b"null"
    } else {
        body
    }
}

/// What the bot may do in the channel of an interaction, from its
/// `app_permissions` (`None`: outside a guild, or a conversation taken up
/// without an interaction: everything).
#[derive(Clone, Copy, Debug)]
struct Can {
    embed: bool,
    attach: bool,
}

impl Can {
    fn of(p: Option<Permissions>) -> Can {
        match p {
            None => Can {
                embed: true,
                attach: true,
            },
            Some(p) => Can {
                embed: p.contains(Permissions::EMBED_LINKS),
                attach: p.contains(Permissions::ATTACH_FILES),
            },
        }
    }
}

/// Whether `channel` is a thread.
fn is_thread(channel: Option<&PartialChannel>) -> bool {
    channel.is_some_and(|c| {
        matches!(
            c.kind,
            ChannelType::PublicThread | ChannelType::PrivateThread | ChannelType::NewsThread
        )
    })
}

/// Where a conversation can be posted, from the bot's permissions in the
/// channel: `Ok(true)` in a new thread (when `want_thread`), `Ok(false)` in
/// the channel itself, or `Err` with the permissions it lacks for either.
fn plan(p: Option<Permissions>, in_thread: bool, want_thread: bool) -> Result<bool, Permissions> {
    let Some(p) = p else {
        return Ok(want_thread && !in_thread);
    };
    let lacks = |need: Permissions| need - p;
    let view = Permissions::VIEW_CHANNEL;
    if in_thread {
        let m = lacks(view | Permissions::SEND_MESSAGES_IN_THREADS);
        return if m.is_empty() { Ok(false) } else { Err(m) };
    }
    let threads = Permissions::CREATE_PUBLIC_THREADS | Permissions::SEND_MESSAGES_IN_THREADS;
    if want_thread && lacks(view | threads).is_empty() {
        return Ok(true);
    }
    let here = view | Permissions::SEND_MESSAGES;
    match (lacks(here).is_empty(), want_thread) {
        (true, _) => Ok(false),
        (false, true) => Err(lacks(here | threads)),
        (false, false) => Err(lacks(here)),
    }
}

/// The locale ids naming the permissions in `missing`, in Discord's order.
fn permission_ids(missing: Permissions) -> Vec<&'static str> {
    [
        (Permissions::VIEW_CHANNEL, "discord-perm-view-channel"),
        (Permissions::SEND_MESSAGES, "discord-perm-send-messages"),
        (
            Permissions::SEND_MESSAGES_IN_THREADS,
            "discord-perm-send-in-threads",
        ),
        (
            Permissions::CREATE_PUBLIC_THREADS,
            "discord-perm-create-threads",
        ),
    ]
    .into_iter()
    .filter(|(p, _)| missing.contains(*p))
    .map(|(_, id)| id)
    .collect()
}

impl<P: Prober + 'static, S: Store + 'static> Bot<P, S> {
    /// The facts about an interaction in `guild` (the probe budget's space)
    /// from `channel` (its partial object, when Discord sent one: a thread
    /// counts as its parent channel) by `member`.
    fn facts(
        &self,
        guild: Option<GuildId>,
        channel_id: ChannelId,
        channel: Option<&PartialChannel>,
        member: Option<&Member>,
    ) -> Facts {
        let listed = |c: ChannelId| self.cfg.channels.contains(&c.get());
        let place_ok = self.cfg.channels.is_empty()
            || listed(channel_id)
            || channel.and_then(|c| c.parent_id).is_some_and(listed);
        Facts {
            space: guild.map(|g| g.get().to_string()),
            place_refused: !place_ok,
            role_missing: self.cfg.probe_role.is_some() && !has_role(member, self.cfg.probe_role),
            support: has_role(member, self.cfg.support_role),
        }
    }

    /// A message rendered for Discord, every argument escaped.
    fn text(&self, lang: Lang, m: Msg) -> String {
        safe::render(self.driver.localizer(), lang, Markup::Discord, &m, &[])
    }

    /// Like [`Bot::text`], but the named arguments are the adapter's own
    /// markup (a mention or a link it built) and pass unescaped.
    fn text_trusting(&self, lang: Lang, m: Msg, trusted: &[&str]) -> String {
        safe::render(self.driver.localizer(), lang, Markup::Discord, &m, trusted)
    }

    /// The thread `user`'s diagnosis under way moved to from `channel`, when
    /// they have none in `channel` itself.
    fn moved_to(&self, channel: ChannelId, user: u64, here: &SessionKey) -> Option<ChannelId> {
        if !matches!(self.driver.session(here), Ok(None)) {
            return None;
        }
        let thread = *self
            .threads
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&(channel.get(), user))?;
        let key = SessionKey::new("discord", &thread.get().to_string(), &user.to_string());
        let open =
            matches!(self.driver.session(&key), Ok(Some(s)) if !matches!(s.phase, Phase::Ended(_)));
        open.then_some(thread)
    }

    /// `user`'s diagnosis started in `channel` runs in `thread`.
    fn moved(&self, channel: ChannelId, user: u64, thread: ChannelId) {
        let mut threads = self.threads.lock().unwrap_or_else(|p| p.into_inner());
        if threads.len() >= 10_000 {
            threads.clear();
        }
        threads.insert((channel.get(), user), thread);
    }

    /// "I can't post here: I'm missing …" for the permissions in `missing`.
    fn cannot_post(&self, lang: Lang, missing: Permissions) -> String {
        let names: Vec<String> = permission_ids(missing)
            .into_iter()
            .map(|id| self.driver.localizer().text(lang, id))
            .collect();
        self.text(
            lang,
            Msg::new("discord-cannot-post").arg("missing", names.join(", ")),
        )
    }

    fn lang(&self, locale: &str, key: Option<&SessionKey>) -> Lang {
        match key {
            Some(k) => self.driver.lang_of(k, lang_of(locale)),
            None => lang_of(locale).unwrap_or(Lang::En),
        }
    }

    // ----- command registration ------------------------------------------

    fn commands(&self) -> Vec<CreateCommand> {
        let loc = self.driver.localizer();
        let en = |id: &str| loc.text(Lang::En, id);
        let ko = |id: &str| loc.text(Lang::Ko, id);
        let cmd = |name: &str| {
            let base = format!("discord-cmd-{name}");
            CreateCommand::new(en(&format!("{base}-name")))
                .description(en(&format!("{base}-desc")))
                .name_localized("ko", ko(&format!("{base}-name")))
                .description_localized("ko", ko(&format!("{base}-desc")))
        };
        let opt = |kind: CommandOptionType, name: &str| {
            let base = format!("discord-opt-{name}");
            CreateCommandOption::new(
                kind,
                en(&format!("{base}-name")),
                en(&format!("{base}-desc")),
            )
            .name_localized("ko", ko(&format!("{base}-name")))
            .description_localized("ko", ko(&format!("{base}-desc")))
        };
        let mut os = opt(CommandOptionType::String, "os").required(true);
        for k in ["windows", "linux", "auto"] {
            let id = format!("os-{k}");
            os = os.add_string_choice_localized(en(&id), k, [("ko", ko(&id))]);
        }
        let lang = opt(CommandOptionType::String, "lang")
            .required(true)
            .add_string_choice_localized("English", "en", [("ko", "영어")])
            .add_string_choice_localized("Korean", "ko", [("ko", "한국어")]);
        vec![
            cmd("diagnose")
                .add_option(opt(CommandOptionType::String, "ip").required(true))
                .add_option(os)
                .add_option(
                    opt(CommandOptionType::Integer, "port")
                        .min_int_value(1)
                        .max_int_value(65535),
                ),
            cmd("back"),
            cmd("restart"),
            cmd("status"),
            cmd("ticket"),
            cmd("lang").add_option(lang),
            cmd("help"),
        ]
    }

    /// Registers the commands globally or in the configured guilds, and
    /// removes the global set when registering per guild, so a switch
    /// between the two never shows every command twice.
    async fn register(&self, ctx: &Context) {
        let cmds = self.commands();
        if self.cfg.guilds.is_empty() {
            // Installed in servers only, usable in servers and in the bot's
            // own DMs: never where a user install would leave it unable to post.
            let global: Vec<CreateCommand> = cmds
                .into_iter()
                .map(|c| {
                    c.contexts(vec![InteractionContext::Guild, InteractionContext::BotDm])
                        .integration_types(vec![InstallationContext::Guild])
                })
                .collect();
            if self
                .raw
                .commands(&ctx.http, "register global commands", None, Some(&global))
                .await
                .is_none()
            {
                tracing::error!("could not register slash commands");
            }
        } else {
            for g in &self.cfg.guilds {
                let gid = GuildId::new(*g);
                if self
                    .raw
                    .commands(&ctx.http, "register guild commands", Some(gid), Some(&cmds))
                    .await
                    .is_none()
                {
                    tracing::error!(guild = g, "could not register slash commands");
                }
            }
            let global = self
                .raw
                .commands(&ctx.http, "list global commands", None, None)
                .await;
            if global.is_some_and(|l| !l.is_empty())
                && self
                    .raw
                    .commands(&ctx.http, "remove global commands", None, Some(&[]))
                    .await
                    .is_some()
            {
                tracing::info!("removed the global commands (registered per guild now)");
            }
        }
    }

    /// Removes the commands of an earlier registration from the guilds of a
    /// shard (`here`) that are not registered per guild now; each guild once.
    async fn clear_stale(&self, ctx: &Context, here: &[GuildId]) {
        let fresh: Vec<GuildId> = {
            let mut cleared = self.cleared.lock().unwrap_or_else(|p| p.into_inner());
            here.iter()
                .filter(|g| !self.cfg.guilds.contains(&g.get()))
                .filter(|g| cleared.insert(**g))
                .copied()
                .collect()
        };
        for g in fresh {
            self.clear_guild_commands(ctx, g).await;
        }
    }

    /// Removes this bot's commands from guild `g`, if it has any there.
    async fn clear_guild_commands(&self, ctx: &Context, g: GuildId) {
        let Some(list) = self
            .raw
            .commands(&ctx.http, "list guild commands", Some(g), None)
            .await
        else {
            return;
        };
        if !list.is_empty()
            && self
                .raw
                .commands(&ctx.http, "remove guild commands", Some(g), Some(&[]))
                .await
                .is_some()
        {
            tracing::info!(
                guild = g.get(),
                "removed the guild's commands (registered elsewhere now)"
            );
        }
    }

    // ----- interactions --------------------------------------------------

    /// The answer to an interaction that arrives while the process drains:
    /// "restarting, try again in a minute", seen only by its user.
    async fn restarting(&self, ctx: &Context, interaction: &Interaction) {
        let (locale, user) = match interaction {
            Interaction::Command(c) => (c.locale.as_str(), c.user.id),
            Interaction::Component(c) => (c.locale.as_str(), c.user.id),
            Interaction::Modal(m) => (m.locale.as_str(), m.user.id),
            _ => return,
        };
        let lang = self
            .driver
            .store()
            .user_lang("discord", &user.get().to_string())
            .ok()
            .flatten()
            .or_else(|| lang_of(locale))
            .unwrap_or(Lang::En);
        let r = ephemeral(self.text(lang, Msg::new("discord-restarting")));
        let (id, token) = match interaction {
            Interaction::Command(c) => (c.id, &c.token),
            Interaction::Component(c) => (c.id, &c.token),
            Interaction::Modal(m) => (m.id, &m.token),
            _ => return,
        };
        if self
            .raw
            .respond(&ctx.http, "restarting", id, token, &r)
            .await
            .is_none()
        {
            tracing::warn!("could not answer an interaction while shutting down");
        }
    }

    /// A command's first response, before any slow work (Discord's 3 s
    /// deadline): deferred. `false` when Discord did not take it.
    async fn defer(&self, ctx: &Context, c: &CommandInteraction) -> bool {
        let r = CreateInteractionResponse::Defer(CreateInteractionResponseMessage::new());
        self.raw
            .respond(&ctx.http, "defer", c.id, &c.token, &r)
            .await
            .is_some()
    }

    /// Replaces a deferred command's response with `note`.
    async fn note(&self, ctx: &Context, c: &CommandInteraction, note: String) {
        self.raw
            .edit_original(
                &ctx.http,
                "edit original",
                &c.token,
                &edit_response().content(note),
            )
            .await;
    }

    async fn ephemeral_command(&self, ctx: &Context, c: &CommandInteraction, text: String) {
        let r = ephemeral(text);
        self.raw
            .respond(&ctx.http, "ephemeral reply", c.id, &c.token, &r)
            .await;
    }

    async fn on_command(&self, ctx: &Context, c: CommandInteraction) {
        let user = c.user.id.get();
        let guild = c.guild_id.map(|g| g.get());
        let channel = c.channel_id.get();
        let span = tracing::info_span!("discord_command", command = %c.data.name, user, channel);
        async {
            let key = SessionKey::new("discord", &channel.to_string(), &user.to_string());
            // Every command passes the per-user command bucket first, before
            // any store write or API call but the acknowledgement.
            let space = guild.map(|g| g.to_string());
            if let Err(wait) =
                self.commands
                    .check(&user.to_string(), space.as_deref(), Instant::now())
            {
                vmd_runtime::telemetry::rate_limited("discord");
                let lang = lang_of(&c.locale).unwrap_or(Lang::En);
                let secs = wait.as_secs().max(1);
                return self
                    .ephemeral_command(
                        ctx,
                        &c,
                        self.text(lang, Msg::new("limit-commands").arg("seconds", secs)),
                    )
                    .await;
            }
            let lang = self.lang(&c.locale, Some(&key));
            let facts = self.facts(
                c.guild_id,
                c.channel_id,
                c.channel.as_ref(),
                c.member.as_deref(),
            );
            if !self.cfg.guilds.is_empty() && !guild.is_some_and(|g| self.cfg.guilds.contains(&g)) {
                return self
                    .ephemeral_command(
                        ctx,
                        &c,
                        self.text(lang, Msg::new("discord-channel-not-allowed")),
                    )
                    .await;
            }
            // A host name where the address goes: the engine resolves it.
            let mut host: Option<String> = None;
            let parsed = match c.data.name.as_str() {
                "diagnose" => self.diagnose_input(&c).map(|(cmd, name)| {
                    host = name;
                    cmd
                }),
                "back" => Ok(Command::Back),
                "restart" => Ok(Command::Restart),
                "status" => Ok(Command::Status),
                "ticket" => Ok(Command::Ticket),
                "help" => Ok(Command::Help),
                "lang" => match c.data.options().first().map(|o| &o.value) {
                    Some(ResolvedValue::String(s)) => Lang::parse(s)
                        .map(Command::Lang)
                        .ok_or((command::CommandError::BadLang, s.to_string())),
                    _ => Err((command::CommandError::BadLang, String::new())),
                },
                _ => Err((command::CommandError::Unknown, String::new())),
            };
            let cmd = match parsed {
                Ok(cmd) => cmd,
                Err((e, value)) => {
                    // The value the user gave, shown back escaped and cut short.
                    let value = clip(&value, 60);
                    return self
                        .ephemeral_command(
                            ctx,
                            &c,
                            self.text(lang, Msg::new(e.id()).arg("value", value)),
                        )
                        .await;
                }
            };
            if let Command::Diagnose { ip, .. } = &cmd {
                // Said before a thread is opened; the driver's authorisation
                // point decides (and charges the start) on every path.
                if facts.place_refused {
                    return self
                        .ephemeral_command(
                            ctx,
                            &c,
                            self.text(lang, Msg::new("discord-channel-not-allowed")),
                        )
                        .await;
                }
                if facts.role_missing {
                    return self
                        .ephemeral_command(
                            ctx,
                            &c,
                            self.text(lang, Msg::new("discord-role-required")),
                        )
                        .await;
                }
                if let Err(wait) =
                    self.limiter
                        .peek(&user.to_string(), space.as_deref(), Instant::now())
                {
                    vmd_runtime::telemetry::rate_limited("discord");
                    let secs = wait.as_secs().max(1);
                    return self
                        .ephemeral_command(
                            ctx,
                            &c,
                            self.text(lang, Msg::new("discord-rate-limited").arg("seconds", secs)),
                        )
                        .await;
                }
                // Where the bot can post, from its permissions here: a
                // channel it cannot post in is said in the first response.
                let want_thread = self.cfg.threads && guild.is_some();
                let new_thread = match plan(
                    c.app_permissions,
                    is_thread(c.channel.as_ref()),
                    want_thread,
                ) {
                    Ok(t) => t,
                    Err(missing) => {
                        tracing::info!(missing = ?missing, "cannot post in the channel");
                        let text = self.cannot_post(lang, missing);
                        return self.ephemeral_command(ctx, &c, text).await;
                    }
                };
                // First response now, before any slow work: Discord's 3 s deadline.
                if !self.defer(ctx, &c).await {
                    return;
                }
                let ip_text = match &host {
                    Some(name) => name.clone(),
                    None => ip.map(|i| i.to_string()).unwrap_or_default(),
                };
                let conv = if new_thread {
                    // A thread name is plain text, not markdown: the host name
                    // is cleaned and defanged, not backslash-escaped.
                    let name = self.driver.localizer().render(
                        lang,
                        &Msg::new("discord-thread-name").arg("ip", safe::neutralise(&ip_text)),
                    );
                    let builder =
                        CreateThread::new(clip(&name, 100)).kind(ChannelType::PublicThread);
                    match self.raw.thread(&ctx.http, c.channel_id, &builder).await {
                        Some(t) => {
                            self.moved(c.channel_id, user, t.id);
                            let note = self.text_trusting(
                                lang,
                                Msg::new("discord-continue-in-thread")
                                    .arg("ip", ip_text.clone())
                                    .arg("thread", format!("<#{}>", t.id.get())),
                                &["thread"],
                            );
                            self.note(ctx, &c, note).await;
                            t.id
                        }
                        None => c.channel_id,
                    }
                } else {
                    c.channel_id
                };
                if conv == c.channel_id {
                    let note = self.text(lang, Msg::new("discord-started-here").arg("ip", ip_text));
                    self.note(ctx, &c, note).await;
                }
                let key = SessionKey::new("discord", &conv.get().to_string(), &user.to_string());
                let input = match (&host, &cmd) {
                    (Some(name), Command::Diagnose { os, port, .. }) => {
                        let mut t = format!("/diagnose {name}");
                        if let Some(os) = os {
                            t.push_str(&format!(" {}", os.key()));
                        } else if port.is_some() {
                            t.push_str(" auto");
                        }
                        if let Some(p) = port {
                            t.push_str(&format!(" {p}"));
                        }
                        Input::Text(t)
                    }
                    _ => Input::Command(cmd),
                };
                self.turn(
                    ctx,
                    facts,
                    key,
                    conv,
                    user,
                    lang_of(&c.locale),
                    input,
                    Reach::of(c.app_permissions, &c.token),
                )
                .await;
            } else {
                // In the channel whose diagnosis moved to a thread, the
                // command goes to that thread, and the answer says so.
                let moved = self.moved_to(c.channel_id, user, &key);
                let (key, conv) = match moved {
                    Some(t) => (
                        SessionKey::new("discord", &t.get().to_string(), &user.to_string()),
                        t,
                    ),
                    None => (key, c.channel_id),
                };
                let in_thread = moved.is_some() || is_thread(c.channel.as_ref());
                if let Err(missing) = plan(c.app_permissions, in_thread, false) {
                    let text = self.cannot_post(lang, missing);
                    return self.ephemeral_command(ctx, &c, text).await;
                }
                if !self.defer(ctx, &c).await {
                    return;
                }
                let done = match moved {
                    Some(t) => self.text_trusting(
                        lang,
                        Msg::new("discord-answered-in-thread")
                            .arg("thread", format!("<#{}>", t.get())),
                        &["thread"],
                    ),
                    None => self.text(lang, Msg::new("discord-see-below")),
                };
                self.note(ctx, &c, done).await;
                self.turn(
                    ctx,
                    facts,
                    key,
                    conv,
                    user,
                    lang_of(&c.locale),
                    Input::Command(cmd),
                    Reach::of(c.app_permissions, &c.token),
                )
                .await;
            }
        }
        .instrument(span)
        .await
    }

    /// The `/diagnose` options, or the first bad one with the value given.
    fn diagnose_input(
        &self,
        c: &CommandInteraction,
    ) -> Result<(Command, Option<String>), (command::CommandError, String)> {
        let mut ip = None;
        let mut host = None;
        let mut os = None;
        let mut port = None;
        let bad = |e, v: &str| (e, v.to_owned());
        for o in c.data.options() {
            match (o.name, o.value) {
                ("ip", ResolvedValue::String(s)) => match command::parse_ip(s) {
                    Ok(v) => ip = Some(v),
                    // A DNS name: the engine looks it up once and checks it.
                    Err(_)
                        if command::host_name(s).is_some_and(|n| n == s.trim().to_lowercase()) =>
                    {
                        host = command::host_name(s)
                    }
                    Err(e) => return Err(bad(e, s)),
                },
                ("os", ResolvedValue::String(s)) => {
                    os = Some(command::Os::parse(s).ok_or(bad(command::CommandError::BadOs, s))?)
                }
                ("port", ResolvedValue::Integer(n)) => {
                    let n = n.to_string();
                    port = Some(command::parse_port(&n).map_err(|e| bad(e, &n))?)
                }
                _ => {}
            }
        }
        Ok((Command::Diagnose { ip, os, port }, host))
    }

    /// Checks a click or modal through the kit's admission. Returns the id,
    /// the session key and the conversation's language, or the ephemeral text
    /// to answer with.
    fn admit(
        &self,
        custom_id: &str,
        clicker: u64,
        member: Option<&Member>,
        locale: &str,
        origin: Origin<'_>,
    ) -> Result<(ButtonId, SessionKey, Lang), String> {
        let support = self.cfg.support_role;
        match admit(
            &self.driver,
            "discord",
            custom_id,
            &clicker.to_string(),
            origin,
            || has_role(member, support),
        ) {
            Ok(Admitted { id, key }) => {
                let lang = self.lang(locale, Some(&key));
                Ok((id, key, lang))
            }
            Err(refusal) => {
                let key = ButtonId::decode(custom_id)
                    .map(|id| SessionKey::new("discord", &id.conversation, &id.owner));
                let lang = self.lang(locale, key.as_ref());
                Err(match refusal {
                    Refusal::Stale => self.text(lang, Msg::new("discord-stale")),
                    Refusal::NotYours { owner } => self.text_trusting(
                        lang,
                        Msg::new("discord-not-yours").arg("owner", format!("<@{owner}>")),
                        &["owner"],
                    ),
                    Refusal::Internal => self.text(lang, Msg::new("err-internal")),
                })
            }
        }
    }

    /// The kit's admission of a click or a form, then whether the bot can
    /// still post in the channel: the button's id, the session key and the
    /// language, or `None` when the user was answered instead (ephemeral).
    async fn admitted(
        &self,
        ctx: &Context,
        a: &Answer<'_>,
    ) -> Option<(ButtonId, SessionKey, Lang)> {
        let here = a.channel_id.get().to_string();
        let admitted = self.admit(
            a.custom_id,
            a.user,
            a.member,
            a.locale,
            Origin {
                conversation: &here,
                carried: a.carried,
            },
        );
        let text = match admitted {
            Ok((id, key, lang)) => match plan(a.app_permissions, is_thread(a.channel), false) {
                Ok(_) => return Some((id, key, lang)),
                // A channel the bot can no longer post in: said now, not after the turn.
                Err(missing) => self.cannot_post(lang, missing),
            },
            Err(text) => text,
        };
        let r = ephemeral(text);
        self.raw
            .respond(&ctx.http, "ephemeral reply", a.id, a.token, &r)
            .await;
        None
    }

    /// The first response to an admitted click or form (`response`), then
    /// its turn in the owner's conversation.
    async fn answer(
        &self,
        ctx: &Context,
        a: &Answer<'_>,
        (what, response): (&str, CreateInteractionResponse),
        (id, key): (&ButtonId, SessionKey),
        input: Input,
    ) {
        if self
            .raw
            .respond(&ctx.http, what, a.id, a.token, &response)
            .await
            .is_none()
        {
            return;
        }
        let Ok(owner) = id.owner.parse::<u64>() else {
            return;
        };
        let facts = self.facts(a.guild, a.channel_id, a.channel, a.member);
        self.turn(
            ctx,
            facts,
            key,
            a.channel_id,
            owner,
            lang_of(a.locale),
            input,
            Reach::of(a.app_permissions, a.token),
        )
        .await;
    }

    async fn on_component(&self, ctx: &Context, c: ComponentInteraction) {
        let span = tracing::info_span!(
            "discord_click",
            user = c.user.id.get(),
            channel = c.channel_id.get()
        );
        async {
            let a = Answer::of_click(&c);
            let Some((id, key, lang)) = self.admitted(ctx, &a).await else {
                return;
            };
            if id.is_input() || id.is_paste() {
                let expect = id.expects();
                // Pasted output: one paragraph field, as long as Discord allows.
                let (style, max) = if id.is_paste() {
                    (InputTextStyle::Paragraph, 4000)
                } else {
                    (InputTextStyle::Short, 200)
                };
                let modal = CreateModal::new(
                    c.data.custom_id.clone(),
                    self.text(lang, Msg::new("discord-modal-title")),
                )
                .components(vec![CreateActionRow::InputText(
                    CreateInputText::new(
                        style,
                        clip(
                            &self.text(lang, Msg::new("discord-modal-label").arg("expect", expect)),
                            45,
                        ),
                        "answer",
                    )
                    .max_length(max),
                )]);
                self.raw
                    .respond(
                        &ctx.http,
                        "open modal",
                        c.id,
                        &c.token,
                        &CreateInteractionResponse::Modal(modal.clone()),
                    )
                    .await;
                return;
            }
            // First response: the answered buttons become disabled, the choice highlighted.
            let rows = disabled_rows(&c.message.components, Some(&c.data.custom_id));
            let update =
                CreateInteractionResponse::UpdateMessage(response_message().components(rows));
            let input = id.answer(Input::Choose(id.key.clone()));
            self.answer(ctx, &a, ("update message", update), (&id, key), input)
                .await;
        }
        .instrument(span)
        .await
    }

    async fn on_modal(&self, ctx: &Context, m: ModalInteraction) {
        let span = tracing::info_span!(
            "discord_modal",
            user = m.user.id.get(),
            channel = m.channel_id.get()
        );
        async {
            let a = Answer::of_form(&m);
            let Some((id, key, _)) = self.admitted(ctx, &a).await else {
                return;
            };
            let value = m
                .data
                .components
                .iter()
                .flat_map(|row| row.components.iter())
                .find_map(|c| match c {
                    ActionRowComponent::InputText(t) => t.value.clone(),
                    _ => None,
                })
                .unwrap_or_default();
            // First response: disable the buttons of the question the modal answered.
            let response = match &m.message {
                Some(msg) => CreateInteractionResponse::UpdateMessage(
                    response_message()
                        .components(disabled_rows(&msg.components, Some(&m.data.custom_id))),
                ),
                None => CreateInteractionResponse::Acknowledge,
            };
            // A paste is one input, read by content; never echoed back.
            let input = if id.is_paste() {
                Input::Paste(value)
            } else {
                id.answer(Input::Text(value))
            };
            self.answer(ctx, &a, ("ack modal", response), (&id, key), input)
                .await;
        }
        .instrument(span)
        .await
    }

    /// Conversations this process's store holds in the middle of a probe (the
    /// previous process was killed or hit the shutdown deadline): each gets
    /// its probe again and the result in its channel, a few at a time.
    async fn take_up_interrupted(self: Arc<Self>, ctx: Context) {
        takeover::take_up(&self.driver, |key| {
            let (Some(channel), Ok(owner)) = (
                key.conversation.parse::<u64>().ok().filter(|c| *c != 0),
                key.user.parse::<u64>(),
            ) else {
                return None;
            };
            let (bot, ctx) = (self.clone(), ctx.clone());
            // Taken up, not asked for: a probe already authorised.
            Some(async move {
                bot.turn(
                    &ctx,
                    Facts::default(),
                    key,
                    ChannelId::new(channel),
                    owner,
                    None,
                    Input::Resume,
                    Reach::default(),
                )
                .await
            })
        })
        .await
    }

    /// Runs one turn of the driver and posts its events, in order, as they come.
    /// `facts` carry the guild, the probe budget's space (Driver::turn_as).
    #[allow(clippy::too_many_arguments)]
    async fn turn(
        &self,
        ctx: &Context,
        facts: Facts,
        key: SessionKey,
        channel: ChannelId,
        owner: u64,
        platform_lang: Option<Lang>,
        input: Input,
        reach: Reach,
    ) {
        let poster = Posting {
            bot: self,
            ctx,
            channel,
            owner,
            reach,
            lang: platform_lang.unwrap_or(Lang::En),
            checking: Checking::default(),
            refused: false,
        };
        let caller = facts.caller(&self.limiter);
        kit_turn::run(&self.driver, &key, caller, input, platform_lang, poster).await;
    }

    /// Discord refused a write here (403): logged, the user told once
    /// through the interaction's follow-up (ephemeral), and nothing more is
    /// written in this turn (each refused request counts against the bot).
    async fn refused(&self, ctx: &Context, reach: &Reach, code: isize, lang: Lang) {
        tracing::warn!(
            code,
            "Discord refused a write in this channel (missing access or permission)"
        );
        vmd_runtime::telemetry::platform_error("discord", "forbidden");
        let Some(token) = &reach.token else {
            return;
        };
        let body = serde_json::json!({
            "content": self.text(lang, Msg::new("discord-lost-permission")),
            "flags": 64,
            "allowed_mentions": {"parse": []},
        });
        let Some(application_id) = ctx.http.application_id() else {
            return;
        };
        let route = serenity::http::Route::WebhookFollowupMessages {
            application_id,
            token,
        };
        let sent: Result<serenity::all::Message, _> = self
            .raw
            .json(
                &ctx.http,
                "follow-up",
                route,
                serenity::http::LightMethod::Post,
                serde_json::to_vec(&body).ok(),
            )
            .await;
        if sent.is_err() {
            tracing::warn!("could not tell the user through a follow-up");
        }
    }
}

/// An [`Answer`] from a click or a form's submission (serenity's two types
/// name these fields alike).
macro_rules! answer_of {
    ($i:expr, $carried:expr) => {
        Answer {
            id: $i.id,
            token: &$i.token,
            custom_id: &$i.data.custom_id,
            user: $i.user.id.get(),
            member: $i.member.as_ref(),
            locale: &$i.locale,
            guild: $i.guild_id,
            channel_id: $i.channel_id,
            channel: $i.channel.as_ref(),
            app_permissions: $i.app_permissions,
            carried: $carried,
        }
    };
}

/// What a click and a form's submission say alike: who answered, where,
/// through which button, and what the bot may do there.
struct Answer<'a> {
    id: InteractionId,
    token: &'a str,
    custom_id: &'a str,
    user: u64,
    member: Option<&'a Member>,
    locale: &'a str,
    guild: Option<GuildId>,
    channel_id: ChannelId,
    channel: Option<&'a PartialChannel>,
    app_permissions: Option<Permissions>,
    /// Whether the message answered carries the button (`None`: a form
    /// that came without its message).
    carried: Option<bool>,
}

impl<'a> Answer<'a> {
    fn of_click(c: &'a ComponentInteraction) -> Answer<'a> {
        answer_of!(c, Some(carries(&c.message.components, &c.data.custom_id)))
    }

    fn of_form(m: &'a ModalInteraction) -> Answer<'a> {
        let carried = m
            .message
            .as_ref()
            .map(|msg| carries(&msg.components, &m.data.custom_id));
        answer_of!(m, carried)
    }
}

/// Where one turn's replies go in Discord, and what the turn posted so far.
struct Posting<'a, P: Prober, S: Store> {
    bot: &'a Bot<P, S>,
    ctx: &'a Context,
    channel: ChannelId,
    owner: u64,
    reach: Reach,
    /// The language of the notice of a failed turn (the platform's).
    lang: Lang,
    /// The "checking…" message, edited as probes finish.
    checking: Checking<MessageId>,
    /// Set once Discord refused a write here: the rest of the turn is dropped.
    refused: bool,
}

impl<P: Prober + 'static, S: Store + 'static> Poster for Posting<'_, P, S> {
    async fn show(&mut self, ev: Outgoing) {
        if self.refused {
            return;
        }
        let (bot, ctx, channel) = (self.bot, self.ctx, self.channel);
        let loc = bot.driver.localizer();
        let conv = channel.get();
        match ev {
            Outgoing::Reply { lang, reply } => {
                let r = render::reply(loc, lang, &reply, conv, self.owner, self.reach.can.embed);
                if let Some(mid) = self.checking.replaced_by(r.shape) {
                    let mut edit = edit_message()
                        .content(r.content.clone())
                        .components(r.rows.clone());
                    if let Some(e) = r.embed.clone() {
                        edit = edit.embed(e);
                    }
                    if bot
                        .raw
                        .edit(&ctx.http, "edit progress", channel, mid, &edit)
                        .await
                        .is_ok()
                    {
                        return;
                    }
                }
                // A text too long for one message: its first pieces.
                for piece in &r.before {
                    let msg = new_message().content(piece.clone());
                    if let Err(Some(code)) = bot
                        .raw
                        .send(&ctx.http, "send message", channel, msg, Vec::new())
                        .await
                    {
                        self.refused = true;
                        bot.refused(ctx, &self.reach, code, lang).await;
                        break;
                    }
                }
                if self.refused {
                    return;
                }
                let mut msg = new_message().components(r.rows);
                if !r.content.is_empty() {
                    msg = msg.content(r.content);
                }
                if let Some(e) = r.embed {
                    msg = msg.embed(e);
                }
                let sent = match bot
                    .raw
                    .send(&ctx.http, "send message", channel, msg, Vec::new())
                    .await
                {
                    Ok(m) => Some(m),
                    Err(Some(code)) => {
                        self.refused = true;
                        bot.refused(ctx, &self.reach, code, lang).await;
                        None
                    }
                    Err(None) => None,
                };
                let sent = sent.map(|m| (m.id, m.content.clone()));
                self.checking.posted(r.shape, sent);
            }
            Outgoing::Escalation {
                lang,
                url,
                markdown,
                ..
            } => {
                // A report attached a moment ago stands: the link again, no
                // new file; where files are not allowed, the link alone.
                let upload = self.reach.can.attach
                    && bot.uploads.should_upload(&conv.to_string(), Instant::now());
                let head = if !self.reach.can.attach {
                    "discord-report-not-attached"
                } else if upload {
                    "discord-report-attached"
                } else {
                    "limit-report-again"
                };
                let mut text = bot.text(lang, Msg::new(head));
                text.push_str("\n\n");
                text.push_str(&bot.text_trusting(
                    lang,
                    Msg::new("ticket-link").arg("url", url.clone()),
                    &["url"],
                ));
                let mut msg = new_message().content(clip(&text, 2000));
                let mut files = Vec::new();
                if upload {
                    let file =
                        CreateAttachment::bytes(markdown.into_bytes(), "vm-doctor-report.md");
                    msg = msg.add_file(file.clone());
                    files.push(file);
                }
                if url.len() <= 512 {
                    msg = msg.components(vec![CreateActionRow::Buttons(vec![
                        CreateButton::new_link(url)
                            .label(bot.text(lang, Msg::new("discord-ticket-button"))),
                    ])]);
                }
                if let Err(Some(code)) = bot
                    .raw
                    .send(&ctx.http, "send report", channel, msg, files)
                    .await
                {
                    self.refused = true;
                    bot.refused(ctx, &self.reach, code, lang).await;
                }
            }
            Outgoing::Progress { lang, lines } => {
                // The "checking…" message shows each probe as it finishes.
                if let Some((mid, header)) = self.checking.current() {
                    let mut text = header.to_owned();
                    for l in &lines {
                        text.push('\n');
                        text.push_str(&safe::render(loc, lang, Markup::Discord, l, &[]));
                    }
                    let edit = edit_message().content(clip(&text, 2000));
                    let _ = bot
                        .raw
                        .edit(&ctx.http, "edit progress", channel, *mid, &edit)
                        .await;
                }
            }
            Outgoing::Ended(_) => {}
        }
    }

    async fn failed(&mut self) {
        vmd_runtime::telemetry::platform_error("discord", "turn");
        let text = self.bot.text(self.lang, Msg::new("err-internal"));
        let msg = new_message().content(text);
        let _ = self
            .bot
            .raw
            .send(&self.ctx.http, "send error", self.channel, msg, Vec::new())
            .await;
    }
}

/// Longest `Retry-After` a message post waits out; a longer one gives up.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(60);
/// Tries of one message post or edit (the first and the retries).
const POST_TRIES: u32 = 4;

/// Message posts as raw requests. serenity's error drops a 429's
/// `Retry-After` (header and body), and with a proxy its own rate limiter is
/// off: here a 429 is waited out as Discord says (a `global` one holds every
/// post of the process), and each message carries a nonce with
/// `enforce_nonce`, so a retry after a post Discord did take returns that
/// message instead of posting it twice.
struct Raw {
    client: reqwest::Client,
    /// Until when a global rate limit holds every post.
    global_until: std::sync::Mutex<Option<tokio::time::Instant>>,
    /// Nonces: this process's prefix and a counter.
    base: u64,
    next: std::sync::atomic::AtomicU64,
}

/// What one try of a post came to.
enum Try<T> {
    Done(T),
    /// Rate limited: wait this long (for every post when `global`).
    Limited {
        wait: Duration,
        global: bool,
    },
    /// Worth trying again after the backoff (5xx, transport).
    Again(String),
    /// Refused for want of access or a permission (403): never retried.
    Forbidden(isize),
    Failed(String),
}

impl Raw {
    fn new() -> Raw {
        let base = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0)
            ^ u64::from(std::process::id()) << 40;
        Raw {
            client: reqwest::Client::new(),
            global_until: std::sync::Mutex::new(None),
            base,
            next: std::sync::atomic::AtomicU64::new(0),
        }
    }

    /// A nonce unique to one message (Discord allows 25 characters).
    fn nonce(&self) -> String {
        let n = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        format!("{:016x}{:x}", self.base, n & 0xff_ffff)
    }

    /// Posts `msg` (with `files`) in `channel`: up to [`POST_TRIES`] tries,
    /// each after the `Retry-After` of a 429 or a growing backoff.
    async fn send(
        &self,
        http: &serenity::http::Http,
        what: &str,
        channel: ChannelId,
        msg: CreateMessage,
        files: Vec<CreateAttachment>,
    ) -> Result<serenity::all::Message, Option<isize>> {
        let msg = msg
            .nonce(serenity::all::Nonce::String(self.nonce()))
            .enforce_nonce(true);
        let Ok(json) = serde_json::to_string(&msg) else {
            return Err(None);
        };
        self.call(http, what, || {
            let r = serenity::http::Request::new(
                serenity::http::Route::ChannelMessages {
                    channel_id: channel,
                },
                serenity::http::LightMethod::Post,
            );
            if files.is_empty() {
                r.body(Some(json.clone().into_bytes()))
            } else {
                r.multipart(Some(serenity::http::Multipart {
                    upload: serenity::http::MultipartUpload::Attachments(files.clone()),
                    payload_json: Some(json.clone()),
                    fields: Vec::new(),
                }))
            }
        })
        .await
    }

    /// Edits message `id` in `channel`, as [`Raw::send`] retries.
    async fn edit(
        &self,
        http: &serenity::http::Http,
        what: &str,
        channel: ChannelId,
        id: MessageId,
        edit: &EditMessage,
    ) -> Result<serenity::all::Message, Option<isize>> {
        let Ok(json) = serde_json::to_vec(edit) else {
            return Err(None);
        };
        self.call(http, what, || {
            serenity::http::Request::new(
                serenity::http::Route::ChannelMessage {
                    channel_id: channel,
                    message_id: id,
                },
                serenity::http::LightMethod::Patch,
            )
            .body(Some(json.clone()))
        })
        .await
    }

    /// Any other REST call (interaction responses, follow-ups, threads,
    /// commands), retried as [`Raw::send`]: a 429 waited out as it says.
    async fn json<T: serde::de::DeserializeOwned>(
        &self,
        http: &serenity::http::Http,
        what: &str,
        route: serenity::http::Route<'_>,
        method: serenity::http::LightMethod,
        body: Option<Vec<u8>>,
    ) -> Result<T, Option<isize>> {
        self.call(http, what, || {
            serenity::http::Request::new(route, method).body(body.clone())
        })
        .await
    }

    /// An interaction's first response.
    async fn respond(
        &self,
        http: &serenity::http::Http,
        what: &str,
        id: InteractionId,
        token: &str,
        r: &CreateInteractionResponse,
    ) -> Option<()> {
        let body = serde_json::to_vec(r).ok()?;
        let route = serenity::http::Route::InteractionResponse {
            interaction_id: id,
            token,
        };
        self.json(
            http,
            what,
            route,
            serenity::http::LightMethod::Post,
            Some(body),
        )
        .await
        .ok()
    }

    /// Edits an interaction's original response.
    async fn edit_original(
        &self,
        http: &serenity::http::Http,
        what: &str,
        token: &str,
        edit: &EditInteractionResponse,
    ) -> Option<serenity::all::Message> {
        let body = serde_json::to_vec(edit).ok()?;
        let route = serenity::http::Route::WebhookOriginalInteractionResponse {
            application_id: http.application_id()?,
            token,
        };
        self.json(
            http,
            what,
            route,
            serenity::http::LightMethod::Patch,
            Some(body),
        )
        .await
        .ok()
    }

    /// The bot's commands, globally (`guild` `None`) or in one guild:
    /// `set` replaces them, `None` lists them.
    async fn commands(
        &self,
        http: &serenity::http::Http,
        what: &str,
        guild: Option<GuildId>,
        set: Option<&[CreateCommand]>,
    ) -> Option<Vec<serenity::all::Command>> {
        let application_id = http.application_id()?;
        let route = match guild {
            Some(guild_id) => serenity::http::Route::GuildCommands {
                application_id,
                guild_id,
            },
            None => serenity::http::Route::Commands { application_id },
        };
        let (method, body) = match set {
            Some(cmds) => (
                serenity::http::LightMethod::Put,
                Some(serde_json::to_vec(cmds).ok()?),
            ),
            None => (serenity::http::LightMethod::Get, None),
        };
        self.json(http, what, route, method, body).await.ok()
    }

    /// Opens a thread in `channel`.
    async fn thread(
        &self,
        http: &serenity::http::Http,
        channel: ChannelId,
        builder: &CreateThread<'_>,
    ) -> Option<serenity::all::GuildChannel> {
        let body = serde_json::to_vec(builder).ok()?;
        let route = serenity::http::Route::ChannelThreads {
            channel_id: channel,
        };
        self.json(
            http,
            "create thread",
            route,
            serenity::http::LightMethod::Post,
            Some(body),
        )
        .await
        .ok()
    }

    /// One REST call, `request` made afresh for each try.
    async fn call<'a, T: serde::de::DeserializeOwned>(
        &self,
        http: &serenity::http::Http,
        what: &str,
        request: impl Fn() -> serenity::http::Request<'a>,
    ) -> Result<T, Option<isize>> {
        let mut delay = Duration::from_millis(200);
        for attempt in 1..=POST_TRIES {
            self.hold().await;
            let outcome = self.try_once::<T>(http, request()).await;
            let wait = match outcome {
                Try::Done(m) => return Ok(m),
                Try::Forbidden(code) => {
                    vmd_runtime::telemetry::platform_error("discord", "api");
                    return Err(Some(code));
                }
                Try::Failed(why) => {
                    tracing::warn!(call = what, attempt, error = %why, "Discord call failed");
                    vmd_runtime::telemetry::platform_error("discord", "api");
                    return Err(None);
                }
                Try::Limited { wait, global } => {
                    tracing::warn!(
                        call = what,
                        attempt,
                        wait_ms = wait.as_millis() as u64,
                        global,
                        "Discord rate limit"
                    );
                    if wait > MAX_RETRY_AFTER {
                        break;
                    }
                    if global {
                        let until = tokio::time::Instant::now() + wait;
                        let mut g = self.global_until.lock().unwrap_or_else(|p| p.into_inner());
                        *g = Some(g.map_or(until, |u| u.max(until)));
                    }
                    wait
                }
                Try::Again(why) => {
                    tracing::warn!(call = what, attempt, error = %why, "Discord call failed");
                    let d = delay;
                    delay *= 4;
                    d
                }
            };
            if attempt < POST_TRIES {
                tokio::time::sleep(wait).await;
            }
        }
        vmd_runtime::telemetry::platform_error("discord", "api");
        Err(None)
    }

    /// Waits out a global rate limit.
    async fn hold(&self) {
        let until = *self.global_until.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(u) = until {
            tokio::time::sleep_until(u).await;
        }
    }

    /// One try. With serenity's rate limiter on (no proxy), serenity sends
    /// it and waits out 429s itself; without it, the request goes out here
    /// and the answer is read whole.
    async fn try_once<T: serde::de::DeserializeOwned>(
        &self,
        http: &serenity::http::Http,
        request: serenity::http::Request<'_>,
    ) -> Try<T> {
        if http.ratelimiter.is_some() {
            let answer = match http.request(request).await {
                Ok(r) => r.bytes().await,
                Err(e) => {
                    // A 5xx or a transport failure is worth another try.
                    let again = match &e {
                        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(
                            r,
                        )) => r.status_code.is_server_error(),
                        serenity::Error::Http(serenity::http::HttpError::Request(_)) => true,
                        _ => false,
                    };
                    return match is_forbidden(&e) {
                        Some(code) => Try::Forbidden(code),
                        None if again => Try::Again(vmd_runtime::redact::in_text(&e.to_string())),
                        None => Try::Failed(e.to_string()),
                    };
                }
            };
            return match answer {
                Ok(body) => match serde_json::from_slice::<T>(or_null(&body)) {
                    Ok(v) => Try::Done(v),
                    Err(e) => Try::Failed(format!("unexpected answer: {e}")),
                },
                Err(e) => Try::Failed(vmd_runtime::redact::in_text(&e.to_string())),
            };
        }
        let built = request
            .build(&self.client, http.token(), http.proxy.as_deref())
            .map_err(|e| e.to_string())
            .and_then(|b| b.build().map_err(|e| e.to_string()));
        let req = match built {
            Ok(r) => r,
            Err(e) => return Try::Failed(e),
        };
        let resp = match self.client.execute(req).await {
            Ok(r) => r,
            Err(e) => return Try::Again(vmd_runtime::redact::in_text(&e.to_string())),
        };
        let status = resp.status().as_u16();
        let header = |name: &str| {
            resp.headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        };
        let retry_after = header("retry-after").and_then(|v| v.trim().parse::<f64>().ok());
        let global_header = header("x-ratelimit-global").is_some_and(|v| v == "true")
            || header("x-ratelimit-scope").is_some_and(|v| v == "global");
        let body = match resp.bytes().await {
            Ok(b) => b,
            Err(e) => return Try::Again(vmd_runtime::redact::in_text(&e.to_string())),
        };
        match status {
            200..=299 => match serde_json::from_slice::<T>(or_null(&body)) {
                Ok(v) => Try::Done(v),
                Err(e) => Try::Failed(format!("unexpected answer: {e}")),
            },
            429 => {
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                // The body's value is the precise one (fractional seconds).
                let secs = v["retry_after"]
                    .as_f64()
                    .or(retry_after)
                    .unwrap_or(1.0)
                    .max(0.0);
                Try::Limited {
                    wait: Duration::from_secs_f64(secs.min(3600.0)),
                    global: v["global"].as_bool().unwrap_or(false) || global_header,
                }
            }
            403 => {
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                Try::Forbidden(v["code"].as_i64().unwrap_or(0) as isize)
            }
            500..=599 => Try::Again(format!("HTTP {status}")),
            _ => {
                let v: serde_json::Value = serde_json::from_slice(&body).unwrap_or_default();
                Try::Failed(format!(
                    "HTTP {status}, code {}",
                    v["code"].as_i64().unwrap_or(0)
                ))
            }
        }
    }
}

/// What a turn's replies may use where they go: the bot's permissions there
/// and the interaction's token for follow-ups (valid 15 minutes).
#[derive(Clone, Debug)]
struct Reach {
    can: Can,
    token: Option<String>,
}

impl Default for Reach {
    fn default() -> Reach {
        Reach {
            can: Can::of(None),
            token: None,
        }
    }
}

impl Reach {
    fn of(p: Option<Permissions>, token: &str) -> Reach {
        Reach {
            can: Can::of(p),
            token: Some(token.to_owned()),
        }
    }
}

// Every message and edit pings nobody: `allowed_mentions` parses nothing, so
// even a mention that slipped through escaping stays inert.

fn new_message() -> CreateMessage {
    CreateMessage::new().allowed_mentions(CreateAllowedMentions::new())
}

fn edit_message() -> EditMessage {
    EditMessage::new().allowed_mentions(CreateAllowedMentions::new())
}

fn edit_response() -> EditInteractionResponse {
    EditInteractionResponse::new().allowed_mentions(CreateAllowedMentions::new())
}

fn response_message() -> CreateInteractionResponseMessage {
    CreateInteractionResponseMessage::new().allowed_mentions(CreateAllowedMentions::new())
}

/// Whether Discord refused the token.
fn is_unauthorized(e: &serenity::Error) -> bool {
    matches!(
        e,
        serenity::Error::Http(serenity::http::HttpError::UnsuccessfulRequest(r))
            if r.status_code.as_u16() == 401
    )
}

/// A reply only the clicking user sees.
fn ephemeral(text: String) -> CreateInteractionResponse {
    CreateInteractionResponse::Message(response_message().content(text).ephemeral(true))
}

/// The rows of an answered question: every button disabled, the chosen one green.
fn disabled_rows(rows: &[serenity::all::ActionRow], chosen: Option<&str>) -> Vec<CreateActionRow> {
    rows.iter()
        .map(|row| {
            let buttons = row
                .components
                .iter()
                .filter_map(|c| match c {
                    ActionRowComponent::Button(b) => {
                        let label = b.label.clone().unwrap_or_default();
                        Some(match &b.data {
                            ButtonKind::NonLink { custom_id, .. } => {
                                CreateButton::new(custom_id.clone())
                                    .label(label)
                                    .style(if chosen == Some(custom_id.as_str()) {
                                        ButtonStyle::Success
                                    } else {
                                        ButtonStyle::Secondary
                                    })
                                    .disabled(true)
                            }
                            ButtonKind::Link { url } => {
                                CreateButton::new_link(url.clone()).label(label)
                            }
                            ButtonKind::Premium { sku_id } => CreateButton::new_premium(*sku_id),
                        })
                    }
                    _ => None,
                })
                .collect::<Vec<_>>();
            CreateActionRow::Buttons(buttons)
        })
        .filter(|r| !matches!(r, CreateActionRow::Buttons(b) if b.is_empty()))
        .collect()
}
