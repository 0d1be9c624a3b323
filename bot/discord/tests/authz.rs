//! Authorisation on every input path (issue 18): the probe role, the channel
//! allowlist and the start limit hold for `/diagnose`, `/restart`, `/lang`,
//! `/back`, `/status`, a modal submission and a button alike; every command
//! passes a per-user command bucket; a repeated `/ticket` re-posts the link;
//! a click copied onto another conversation's message is refused. The real
//! adapter on a real serenity client against the fake Discord.

mod fake;
mod support;

use fake::*;
use serde_json::{json, Value};
use std::sync::atomic::Ordering;
use std::time::Duration;
use support::custom_ids as buttons;
use vmd_discord::{BotHandle, DiscordConfig};
use vmd_testkit::probers::Counting;

const GUILD: u64 = 1_300_000_000_000_000_001;
const CHANNEL: u64 = 1_300_000_000_000_000_002;
const ELSEWHERE: u64 = 1_300_000_000_000_000_003;
const PROBE_ROLE: u64 = 1_300_000_000_000_000_004;
const ALICE: u64 = 1_300_000_000_000_000_010;
const MALLORY: u64 = 1_300_000_000_000_000_020;
const WAIT: Duration = Duration::from_secs(15);

struct Setup {
    channels: Vec<u64>,
    probe_role: Option<u64>,
    threads: bool,
    user_limit: u32,
}

impl Default for Setup {
    fn default() -> Self {
        Setup {
            channels: vec![CHANNEL],
            probe_role: Some(PROBE_ROLE),
            threads: false,
            user_limit: 100,
        }
    }
}

async fn start(
    fake: &FakeDiscord,
    data: &std::path::Path,
    prober: Counting,
    s: Setup,
) -> BotHandle {
    let driver = vmd_testkit::setup::driver(data, prober).await;
    let cfg = DiscordConfig {
        channels: s.channels,
        probe_role: s.probe_role,
        threads: s.threads,
        ..support::config(fake, &[GUILD], s.user_limit, 1000)
    };
    support::connect(fake, cfg, driver, WAIT).await
}

/// The interaction's channel as a thread of `parent`.
fn in_thread(mut v: Value, parent: u64) -> Value {
    v["channel"]["type"] = json!(11);
    v["channel"]["parent_id"] = json!(parent.to_string());
    v
}

fn with_roles(mut v: Value, roles: &[u64]) -> Value {
    v["member"]["roles"] = json!(roles.iter().map(|r| r.to_string()).collect::<Vec<_>>());
    v
}

struct Chat {
    fake: FakeDiscord,
}

impl Chat {
    async fn callback(&self, id: u64) -> Recorded {
        support::callback(&self.fake, id, WAIT).await
    }

    /// A slash command; returns its first response.
    async fn command(
        &self,
        channel: u64,
        user: u64,
        roles: &[u64],
        name: &str,
        options: Value,
        thread_of: Option<u64>,
    ) -> Recorded {
        let id = self.fake.new_id();
        let mut v = with_roles(
            slash_command(
                id,
                &format!("tok-{id}"),
                GUILD,
                channel,
                user,
                "en-US",
                name,
                options,
            ),
            roles,
        );
        if let Some(p) = thread_of {
            v = in_thread(v, p);
        }
        self.fake.dispatch("INTERACTION_CREATE", v).await;
        self.callback(id).await
    }

    async fn diagnose(&self, channel: u64, user: u64, roles: &[u64]) -> Recorded {
        let opts = json!([
            {"name": "ip", "type": 3, "value": "203.0.113.10"},
            {"name": "os", "type": 3, "value": "linux"},
        ]);
        self.command(channel, user, roles, "diagnose", opts, None)
            .await
    }

    /// The newest message in `channel` asking `owner` the question `step`.
    async fn question(&self, channel: u64, owner: u64, step: &str) -> Value {
        let (exact, asked) = (format!("|{owner}|{step}|"), format!("|{owner}|{step}:"));
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let found = self
                .fake
                .channel_messages(channel)
                .into_iter()
                .rev()
                .find(|m| {
                    buttons(m)
                        .iter()
                        .any(|id| id.contains(&exact) || id.contains(&asked))
                });
            if let Some(m) = found {
                return m;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no question {step} for {owner} in {channel}: {}",
                all_text(&self.fake, channel)
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// A click on the button of `msg` whose id ends in `|key`, as `user`.
    #[allow(clippy::too_many_arguments)]
    async fn click(
        &self,
        channel: u64,
        user: u64,
        roles: &[u64],
        msg: &Value,
        custom: &str,
        thread_of: Option<u64>,
    ) -> Recorded {
        let id = self.fake.new_id();
        let mut v = with_roles(
            component_click(
                id,
                &format!("tok-{id}"),
                GUILD,
                channel,
                user,
                "en-US",
                custom,
                msg.clone(),
            ),
            roles,
        );
        if let Some(p) = thread_of {
            v = in_thread(v, p);
        }
        self.fake.dispatch("INTERACTION_CREATE", v).await;
        self.callback(id).await
    }

    async fn submit(
        &self,
        channel: u64,
        user: u64,
        roles: &[u64],
        msg: &Value,
        custom: &str,
        value: &str,
    ) -> Recorded {
        let id = self.fake.new_id();
        let mut v = with_roles(
            modal_submit(
                id,
                &format!("tok-{id}"),
                GUILD,
                channel,
                user,
                "en-US",
                custom,
                &[("answer", value)],
            ),
            roles,
        );
        v["message"] = msg.clone();
        self.fake.dispatch("INTERACTION_CREATE", v).await;
        self.callback(id).await
    }

    /// Types the address into the "ip" question's form and picks Linux:
    /// the form, the modal submission and the OS button.
    async fn answer_ip_and_os(&self, channel: u64, user: u64, roles: &[u64]) {
        let q = self.question(channel, user, "ip").await;
        let input = button(&q, "|ip|@input");
        let cb = self.click(channel, user, roles, &q, &input, None).await;
        assert_eq!(cb.callback_type(), Some(9), "a form opens: {:#}", cb.json);
        let cb = self
            .submit(channel, user, roles, &q, &input, "203.0.113.10")
            .await;
        assert_eq!(cb.callback_type(), Some(7), "{:#}", cb.json);
        let q = self.question(channel, user, "os").await;
        let linux = button(&q, "|os|linux");
        let cb = self.click(channel, user, roles, &q, &linux, None).await;
        assert_eq!(cb.callback_type(), Some(7), "{:#}", cb.json);
    }

    async fn wait_text(&self, channel: u64, needle: &str) {
        vmd_testkit::wait::text(WAIT, needle, || all_text(&self.fake, channel)).await;
    }
}

fn button(m: &Value, suffix: &str) -> String {
    buttons(m)
        .into_iter()
        .find(|id| id.ends_with(suffix))
        .unwrap_or_else(|| panic!("no button {suffix} on {m:#}"))
}

fn all_text(fake: &FakeDiscord, channel: u64) -> String {
    fake.channel_messages(channel)
        .iter()
        .map(|m| m["content"].as_str().unwrap_or("").to_owned())
        .collect::<Vec<_>>()
        .join("\n---\n")
}

/// Messages in `channel` everyone sees (not ephemeral replies).
fn public(fake: &FakeDiscord, channel: u64) -> usize {
    fake.channel_messages(channel)
        .iter()
        .filter(|m| m["flags"].as_u64().unwrap_or(0) & 64 == 0)
        .count()
}

fn is_ephemeral(cb: &Recorded) -> bool {
    cb.callback_type() == Some(4) && cb.json["data"]["flags"] == json!(64)
}

/// Someone without the probe role: `/diagnose` is refused at once; `/restart`,
/// `/lang` and `/back` show the address question, yet the form, the modal
/// submission and the OS button lead to no probe; `/status` on nothing shows
/// no form at all.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_probe_role_holds_on_every_path() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let prober = Counting::default();
    let bot = start(&fake, data.path(), prober.clone(), Setup::default()).await;
    let chat = Chat { fake: fake.clone() };

    let cb = chat.diagnose(CHANNEL, MALLORY, &[]).await;
    assert!(is_ephemeral(&cb), "{:#}", cb.json);
    assert!(
        cb.json["data"]["content"]
            .as_str()
            .unwrap()
            .contains("role"),
        "{:#}",
        cb.json
    );
    for (n, (name, options)) in [
        ("restart", json!([])),
        ("lang", json!([{"name": "lang", "type": 3, "value": "en"}])),
        ("back", json!([])),
    ]
    .into_iter()
    .enumerate()
    {
        let user = MALLORY + 1 + n as u64;
        let cb = chat.command(CHANNEL, user, &[], name, options, None).await;
        assert_eq!(cb.callback_type(), Some(5), "{name}: {:#}", cb.json);
        chat.answer_ip_and_os(CHANNEL, user, &[]).await;
        chat.wait_text(CHANNEL, "needs a role you don't have").await;
        assert_eq!(prober.0.load(Ordering::SeqCst), 0, "{name}");
    }
    let before = fake.channel_messages(CHANNEL).len();
    let cb = chat
        .command(CHANNEL, MALLORY + 9, &[], "status", json!([]), None)
        .await;
    assert_eq!(cb.callback_type(), Some(5));
    tokio::time::sleep(Duration::from_millis(200)).await;
    let after = fake.channel_messages(CHANNEL);
    // Only this user's buttons count: the users above may still be getting
    // their address question back after the refusal.
    let own = format!("|{}|", MALLORY + 9);
    assert!(
        after[before..].iter().all(|m| !buttons(m)
            .iter()
            .any(|id| id.contains("|ip|") && id.contains(&own))),
        "/status on nothing offers no form"
    );
    assert_eq!(prober.0.load(Ordering::SeqCst), 0);

    // With the role, the same path probes.
    chat.command(CHANNEL, ALICE, &[PROBE_ROLE], "restart", json!([]), None)
        .await;
    chat.answer_ip_and_os(CHANNEL, ALICE, &[PROBE_ROLE]).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while prober.0.load(Ordering::SeqCst) == 0 {
        assert!(tokio::time::Instant::now() < deadline, "no probe");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bot.stop().await;
}

/// A channel off the allowlist: `/diagnose` is refused at once, and the
/// `/restart` form path probes nothing; a thread of a listed channel counts
/// as that channel.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_channel_allowlist_holds_on_every_path() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let prober = Counting::default();
    let setup = Setup {
        probe_role: None,
        ..Setup::default()
    };
    let bot = start(&fake, data.path(), prober.clone(), setup).await;
    let chat = Chat { fake: fake.clone() };

    let cb = chat.diagnose(ELSEWHERE, MALLORY, &[]).await;
    assert!(is_ephemeral(&cb), "{:#}", cb.json);
    chat.command(ELSEWHERE, MALLORY, &[], "restart", json!([]), None)
        .await;
    chat.answer_ip_and_os(ELSEWHERE, MALLORY, &[]).await;
    chat.wait_text(ELSEWHERE, "can't be started from here")
        .await;
    assert_eq!(prober.0.load(Ordering::SeqCst), 0);

    // A thread under the listed channel: allowed.
    let thread = ELSEWHERE + 100;
    chat.command(thread, ALICE, &[], "restart", json!([]), Some(CHANNEL))
        .await;
    let q = chat.question(thread, ALICE, "ip").await;
    let input = button(&q, "|ip|@input");
    chat.click(thread, ALICE, &[], &q, &input, Some(CHANNEL))
        .await;
    let id = fake.new_id();
    let mut v = modal_submit(
        id,
        &format!("tok-{id}"),
        GUILD,
        thread,
        ALICE,
        "en-US",
        &input,
        &[("answer", "203.0.113.10")],
    );
    v["message"] = q.clone();
    fake.dispatch("INTERACTION_CREATE", in_thread(v, CHANNEL))
        .await;
    chat.callback(id).await;
    let q = chat.question(thread, ALICE, "os").await;
    let linux = button(&q, "|os|linux");
    chat.click(thread, ALICE, &[], &q, &linux, Some(CHANNEL))
        .await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while prober.0.load(Ordering::SeqCst) == 0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no probe: {}",
            all_text(&fake, thread)
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    bot.stop().await;
}

/// The start limit counts `/restart` and a typed address like `/diagnose`.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_start_limit_holds_after_restart() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let prober = Counting::default();
    let setup = Setup {
        probe_role: None,
        user_limit: 1,
        ..Setup::default()
    };
    let bot = start(&fake, data.path(), prober.clone(), setup).await;
    let chat = Chat { fake: fake.clone() };
    chat.diagnose(CHANNEL, MALLORY, &[]).await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while prober.0.load(Ordering::SeqCst) == 0 {
        assert!(tokio::time::Instant::now() < deadline, "no probe");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    chat.command(CHANNEL, MALLORY, &[], "restart", json!([]), None)
        .await;
    chat.answer_ip_and_os(CHANNEL, MALLORY, &[]).await;
    chat.wait_text(CHANNEL, "started several diagnoses").await;
    assert_eq!(prober.0.load(Ordering::SeqCst), 1);
    // `/diagnose` is refused before anything is posted.
    let cb = chat.diagnose(CHANNEL, MALLORY, &[]).await;
    assert!(is_ephemeral(&cb), "{:#}", cb.json);
    assert_eq!(prober.0.load(Ordering::SeqCst), 1);
    bot.stop().await;
}

/// Every command passes a per-user bucket first: past it, the
/// acknowledgement itself refuses, and nothing else is called.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn commands_past_the_user_bucket_are_refused_in_the_acknowledgement() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let setup = Setup {
        probe_role: None,
        ..Setup::default()
    };
    let bot = start(&fake, data.path(), Counting::default(), setup).await;
    let chat = Chat { fake: fake.clone() };
    let max = vmd_runtime::kit::limits::COMMANDS_PER_USER.max;
    for _ in 0..max {
        let cb = chat
            .command(CHANNEL, MALLORY, &[], "help", json!([]), None)
            .await;
        assert_eq!(cb.callback_type(), Some(5), "{:#}", cb.json);
    }
    // Every answer posted (the help text once per command).
    let deadline = tokio::time::Instant::now() + WAIT;
    while fake.channel_messages(CHANNEL).len() < max as usize {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(200)).await;
    let before = fake.requests().len();
    let cb = chat
        .command(CHANNEL, MALLORY, &[], "help", json!([]), None)
        .await;
    assert!(is_ephemeral(&cb), "{:#}", cb.json);
    let text = cb.json["data"]["content"].as_str().unwrap();
    assert!(text.contains("a lot of commands"), "{text}");
    tokio::time::sleep(Duration::from_millis(200)).await;
    let calls: Vec<_> = fake.requests()[before..]
        .iter()
        .filter(|r| r.method != "GET")
        .map(|r| r.path.clone())
        .collect();
    assert_eq!(calls.len(), 1, "only the refusal: {calls:?}");
    // Someone else is not held up.
    let cb = chat
        .command(CHANNEL, ALICE, &[], "help", json!([]), None)
        .await;
    assert_eq!(cb.callback_type(), Some(5));
    bot.stop().await;
}

/// `/ticket` twice within minutes: one report file, then the link again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_ticket_reposts_the_link_not_the_file() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let prober = Counting::default();
    let setup = Setup {
        probe_role: None,
        ..Setup::default()
    };
    let bot = start(&fake, data.path(), prober.clone(), setup).await;
    let chat = Chat { fake: fake.clone() };
    chat.diagnose(CHANNEL, ALICE, &[]).await;
    chat.question(CHANNEL, ALICE, "triage.security_group").await;
    for _ in 0..3 {
        chat.command(CHANNEL, ALICE, &[], "ticket", json!([]), None)
            .await;
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    chat.wait_text(CHANNEL, "attached a moment ago").await;
    let deadline = tokio::time::Instant::now() + WAIT;
    while all_text(&fake, CHANNEL)
        .matches("attached a moment ago")
        .count()
        < 2
    {
        assert!(tokio::time::Instant::now() < deadline);
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    let files = fake
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && !r.files.is_empty())
        .count();
    assert_eq!(files, 1);
    assert!(all_text(&fake, CHANNEL).contains("https://support.example/ticket"));
    bot.stop().await;
}

/// A forged click: Mallory copies a button id of her own diagnosis onto a
/// click on Alice's question in Alice's thread. It is refused (ephemeral),
/// Alice's buttons stay as they were and nothing is posted in her thread; an
/// id clicked on a message that does not carry it is refused too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_click_copied_onto_another_conversation_is_refused() {
    let fake = FakeDiscord::start().await;
    let data = tempfile::tempdir().unwrap();
    let prober = Counting::default();
    let setup = Setup {
        channels: vec![],
        probe_role: None,
        threads: true,
        ..Setup::default()
    };
    let bot = start(&fake, data.path(), prober.clone(), setup).await;
    let chat = Chat { fake: fake.clone() };
    chat.diagnose(CHANNEL, ALICE, &[]).await;
    chat.diagnose(CHANNEL, MALLORY, &[]).await;
    // Each diagnosis has its thread; find both questions.
    let deadline = tokio::time::Instant::now() + WAIT;
    let (alice_q, mallory_q) = loop {
        let msgs = fake.messages();
        let find = |owner: u64| {
            msgs.iter()
                .find(|m| {
                    buttons(m)
                        .iter()
                        .any(|id| id.contains(&format!("|{owner}|triage.security_group")))
                })
                .cloned()
        };
        if let (Some(a), Some(m)) = (find(ALICE), find(MALLORY)) {
            break (a, m);
        }
        assert!(tokio::time::Instant::now() < deadline, "no questions");
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let alice_thread = id_of(&alice_q["channel_id"]).unwrap();
    let mallory_thread = id_of(&mallory_q["channel_id"]).unwrap();
    assert_ne!(alice_thread, mallory_thread);
    let forged = buttons(&mallory_q)[0].clone();
    // Both turns' replies are all posted.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let before = public(&fake, alice_thread);
    let cb = chat
        .click(alice_thread, MALLORY, &[], &alice_q, &forged, Some(CHANNEL))
        .await;
    assert!(is_ephemeral(&cb), "refused, not applied: {:#}", cb.json);
    // In her own thread, on a message that doesn't carry the id: refused.
    let mut other = mallory_q.clone();
    other["components"] = alice_q["components"].clone();
    let cb = chat
        .click(mallory_thread, MALLORY, &[], &other, &forged, Some(CHANNEL))
        .await;
    assert!(is_ephemeral(&cb), "{:#}", cb.json);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(
        public(&fake, alice_thread),
        before,
        "{}",
        all_text(&fake, alice_thread)
    );
    let alice_now = fake.message(id_of(&alice_q["id"]).unwrap()).unwrap();
    assert_eq!(alice_now["components"], alice_q["components"]);
    // Mallory's own click on her own message still works.
    let cb = chat
        .click(
            mallory_thread,
            MALLORY,
            &[],
            &mallory_q,
            &forged,
            Some(CHANNEL),
        )
        .await;
    assert_eq!(cb.callback_type(), Some(7), "{:#}", cb.json);
    bot.stop().await;
}
