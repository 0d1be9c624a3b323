//! Smoke tests of the fake Discord itself: fixtures deserialize in serenity 0.12.5, and a real
//! serenity client connects, receives interactions, replies, and survives a disconnect.

mod fake;

use std::time::Duration;

use fake::*;
use serde_json::{json, Value};
use serenity::all::{
    CommandDataOptionValue, Context, CreateActionRow, CreateAttachment, CreateButton, CreateEmbed,
    CreateMessage, EventHandler, GatewayIntents, Interaction, Ready,
};
use serenity::model::id::ChannelId;
use tokio::sync::mpsc;

const GUILD: u64 = 900_000_000_000_000_001;
const CHANNEL: u64 = 900_000_000_000_000_002;
const USER: u64 = 900_000_000_000_000_003;
const T: Duration = Duration::from_secs(5);

fn parse_interaction(v: &Value) -> Interaction {
    match serde_json::from_value::<Interaction>(v.clone()) {
        Ok(i) => i,
        Err(e) => panic!("fixture does not deserialize as serenity Interaction: {e}\n{v:#}"),
    }
}

fn parse_message(v: &Value) -> serenity::model::channel::Message {
    match serde_json::from_value(v.clone()) {
        Ok(m) => m,
        Err(e) => panic!("message does not deserialize as serenity Message: {e}\n{v:#}"),
    }
}

#[test]
fn fixtures_deserialize_in_serenity() {
    let cmd = slash_command(
        1,
        "tok1",
        GUILD,
        CHANNEL,
        USER,
        "ko",
        "diagnose",
        json!([{"name": "target", "type": 3, "value": "web-1"}, {"name": "deep", "type": 5, "value": true}]),
    );
    let Interaction::Command(c) = parse_interaction(&cmd) else {
        panic!("not a command")
    };
    assert_eq!(c.data.name, "diagnose");
    assert_eq!(c.locale, "ko");
    assert_eq!(c.guild_locale.as_deref(), Some("en-US"));
    assert_eq!(c.user.id.get(), USER);
    assert_eq!(c.guild_id.map(|g| g.get()), Some(GUILD));
    assert_eq!(
        c.data.options[0].value,
        CommandDataOptionValue::String("web-1".into())
    );
    assert_eq!(
        c.data.options[1].value,
        CommandDataOptionValue::Boolean(true)
    );

    // Subcommand shape too.
    let sub = slash_command(
        2,
        "tok2",
        GUILD,
        CHANNEL,
        USER,
        "en-US",
        "vm",
        json!([{"name": "check", "type": 1, "options": [{"name": "n", "type": 4, "value": 3}]}]),
    );
    assert!(matches!(parse_interaction(&sub), Interaction::Command(_)));

    // A message built from a recorded bot POST, with components, embeds and a file.
    let rec = Recorded {
        method: "POST".into(),
        path: format!("/api/v10/channels/{CHANNEL}/messages"),
        query: String::new(),
        json: json!({
            "content": "hello",
            "embeds": [{"title": "t", "description": "d", "color": 3066993, "fields": [{"name": "a", "value": "b", "inline": true}], "footer": {"text": "f"}}],
            "components": [{"type": 1, "components": [
                {"type": 2, "style": 1, "label": "Retry", "custom_id": "retry:1"},
                {"type": 2, "style": 5, "label": "Docs", "url": "https://example.invalid/"}
            ]}],
            "attachments": [{"id": 0, "filename": "report.txt"}],
        }),
        files: vec![("report.txt".into(), b"abc".to_vec())],
        at: std::time::Instant::now(),
        seq: 0,
    };
    let msg = message_from(&rec, 555);
    let m = parse_message(&msg);
    assert_eq!(m.id.get(), 555);
    assert_eq!(m.channel_id.get(), CHANNEL);
    assert_eq!(m.components.len(), 1);
    assert_eq!(m.attachments[0].size, 3);
    assert_eq!(m.embeds[0].title.as_deref(), Some("t"));

    let click = component_click(
        3,
        "tok3",
        GUILD,
        CHANNEL,
        USER,
        "de",
        "retry:1",
        msg.clone(),
    );
    let Interaction::Component(ci) = parse_interaction(&click) else {
        panic!("not a component")
    };
    assert_eq!(ci.data.custom_id, "retry:1");
    assert_eq!(ci.message.id.get(), 555);
    assert_eq!(ci.locale, "de");

    let sel = select_click(
        6,
        "tok6",
        GUILD,
        CHANNEL,
        USER,
        "de",
        "pick",
        &["a", "b"],
        msg,
    );
    assert!(matches!(parse_interaction(&sel), Interaction::Component(_)));

    let modal = modal_submit(
        4,
        "tok4",
        GUILD,
        CHANNEL,
        USER,
        "ja",
        "note:1",
        &[("reason", "disk full"), ("extra", "")],
    );
    let Interaction::Modal(mi) = parse_interaction(&modal) else {
        panic!("not a modal")
    };
    assert_eq!(mi.data.custom_id, "note:1");
    assert_eq!(mi.data.components.len(), 2);
    match &mi.data.components[0].components[0] {
        serenity::all::ActionRowComponent::InputText(t) => {
            assert_eq!(t.custom_id, "reason");
            assert_eq!(t.value.as_deref(), Some("disk full"));
        }
        other => panic!("unexpected component {other:?}"),
    }

    // Missing a required field must fail (guards against serenity silently dropping events).
    let mut bad = slash_command(5, "tok5", GUILD, CHANNEL, USER, "ko", "x", json!([]));
    bad.as_object_mut().unwrap().remove("attachment_size_limit");
    assert!(serde_json::from_value::<Interaction>(bad).is_err());
}

#[derive(Debug)]
enum Ev {
    Ready(u64),
    Interaction(Box<Interaction>),
}

struct Handler {
    tx: mpsc::UnboundedSender<Ev>,
}

#[serenity::async_trait]
impl EventHandler for Handler {
    async fn ready(&self, _ctx: Context, ready: Ready) {
        let _ = self.tx.send(Ev::Ready(ready.user.id.get()));
    }

    async fn interaction_create(&self, ctx: Context, interaction: Interaction) {
        if let Interaction::Command(cmd) = &interaction {
            if let Err(e) = cmd.defer(&ctx.http).await {
                eprintln!("defer failed: {e}");
            }
        }
        let _ = self.tx.send(Ev::Interaction(Box::new(interaction)));
    }
}

async fn next_interaction(rx: &mut mpsc::UnboundedReceiver<Ev>) -> Interaction {
    loop {
        match tokio::time::timeout(T, rx.recv()).await {
            Ok(Some(Ev::Interaction(i))) => return *i,
            Ok(Some(_)) => continue,
            Ok(None) => panic!("handler channel closed"),
            Err(_) => panic!("no interaction within {T:?}"),
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serenity_client_against_fake() {
    tokio::time::timeout(Duration::from_secs(20), client_flow())
        .await
        .expect("whole flow must finish within 20 s");
}

async fn client_flow() {
    let fake = FakeDiscord::start_with_heartbeat(250).await;
    let http = serenity::http::HttpBuilder::new("Bot.fake.token")
        .proxy(fake.url())
        .ratelimiter_disabled(true)
        .build();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let mut client = build_client(http, tx).await;
    let http = client.http.clone();
    let runner = tokio::spawn(async move {
        if let Err(e) = client.start().await {
            eprintln!("client stopped: {e}");
        }
    });

    // READY
    match tokio::time::timeout(T, rx.recv()).await {
        Ok(Some(Ev::Ready(uid))) => assert_eq!(uid, FakeDiscord::BOT_USER_ID),
        other => panic!("expected READY, got {other:?}"),
    }
    assert_eq!(fake.identify_count(), 1);
    assert!(fake.requests().iter().any(|r| r.path == "/api/v10/gateway"));

    // INTERACTION_CREATE → handler, defer → callback type 5.
    fake.dispatch(
        "INTERACTION_CREATE",
        slash_command(
            11,
            "tok-a",
            GUILD,
            CHANNEL,
            USER,
            "ko",
            "diagnose",
            json!([{"name": "target", "type": 3, "value": "web-1"}]),
        ),
    )
    .await;
    let Interaction::Command(cmd) = next_interaction(&mut rx).await else {
        panic!("expected a command")
    };
    assert_eq!(cmd.locale, "ko");
    assert_eq!(cmd.data.options[0].name, "target");
    assert_eq!(
        cmd.data.options[0].value,
        CommandDataOptionValue::String("web-1".into())
    );
    let cb = fake
        .wait_for(|r| r.path == "/api/v10/interactions/11/tok-a/callback", T)
        .await
        .expect("defer callback");
    assert_eq!(cb.method, "POST");
    assert_eq!(cb.callback_type(), Some(5));

    // Edit @original with a button, then click it.
    let edited = cmd
        .edit_response(
            &http,
            serenity::all::EditInteractionResponse::new()
                .content("done")
                .components(vec![CreateActionRow::Buttons(vec![CreateButton::new(
                    "again:1",
                )
                .label("Again")])]),
        )
        .await
        .expect("edit @original");
    let stored = fake
        .message(edited.id.get())
        .expect("fake stored @original");
    assert_eq!(stored["content"], "done");
    assert_eq!(fake.original_message("tok-a").unwrap()["id"], stored["id"]);
    parse_message(&stored);

    // A channel message with an embed and a file (multipart) is recorded and stored.
    let sent = ChannelId::new(CHANNEL)
        .send_message(
            &http,
            CreateMessage::new()
                .content("report")
                .embed(CreateEmbed::new().title("VM").field("cpu", "3%", true))
                .add_file(CreateAttachment::bytes(b"line1\n".to_vec(), "report.txt")),
        )
        .await
        .expect("send_message");
    let rec = fake
        .wait_for(|r| r.method == "POST" && r.path.ends_with("/messages"), T)
        .await
        .unwrap();
    assert_eq!(rec.json["content"], "report");
    assert_eq!(
        rec.files,
        vec![("report.txt".to_string(), b"line1\n".to_vec())]
    );
    assert_eq!(sent.attachments[0].size, 6);
    assert_eq!(sent.embeds[0].title.as_deref(), Some("VM"));

    // Thread creation returns a thread channel.
    let thread = ChannelId::new(CHANNEL)
        .create_thread(
            &http,
            serenity::all::CreateThread::new("vm web-1")
                .kind(serenity::all::ChannelType::PublicThread),
        )
        .await
        .expect("create thread");
    assert_eq!(thread.parent_id.map(|p| p.get()), Some(CHANNEL));
    assert_eq!(thread.name, "vm web-1");

    // Set-fail path.
    fake.set_fail_next("/messages", 500);
    assert!(ChannelId::new(CHANNEL).say(&http, "x").await.is_err());
    assert!(ChannelId::new(CHANNEL).say(&http, "y").await.is_ok());

    // Component click on the stored message arrives.
    fake.dispatch(
        "INTERACTION_CREATE",
        component_click(
            12, "tok-b", GUILD, CHANNEL, USER, "en-US", "again:1", stored,
        ),
    )
    .await;
    let Interaction::Component(ci) = next_interaction(&mut rx).await else {
        panic!("expected a component")
    };
    assert_eq!(ci.data.custom_id, "again:1");
    assert_eq!(ci.message.id, edited.id);
    // UPDATE_MESSAGE (type 7) on the click updates the stored message.
    ci.create_response(
        &http,
        serenity::all::CreateInteractionResponse::UpdateMessage(
            serenity::all::CreateInteractionResponseMessage::new()
                .content("updated")
                .components(vec![]),
        ),
    )
    .await
    .expect("update message");
    let updated = fake.message(edited.id.get()).unwrap();
    assert_eq!(updated["content"], "updated");
    assert_eq!(updated["components"], json!([]));
    // Follow-up on the command returns a message in the interaction's channel.
    let fu = cmd
        .create_followup(
            &http,
            serenity::all::CreateInteractionResponseFollowup::new()
                .content("more")
                .ephemeral(true),
        )
        .await
        .expect("followup");
    assert_eq!(fu.channel_id.get(), CHANNEL);
    assert_eq!(fake.message(fu.id.get()).unwrap()["content"], "more");

    // Heartbeats are acked: several beats, no reconnect.
    let beats = fake.heartbeat_count();
    tokio::time::sleep(Duration::from_millis(1600)).await;
    eprintln!("heartbeats: {beats} -> {}", fake.heartbeat_count());
    assert!(
        fake.heartbeat_count() >= beats + 2,
        "heartbeats: {}",
        fake.heartbeat_count()
    );
    assert_eq!((fake.identify_count(), fake.resume_count()), (1, 0));

    // Disconnect → serenity resumes (or re-identifies) and still receives interactions.
    let before = fake.identify_count() + fake.resume_count();
    fake.disconnect().await;
    assert!(
        fake.wait_identified(before + 1, Duration::from_secs(8))
            .await,
        "client did not reconnect (identify {}, resume {})",
        fake.identify_count(),
        fake.resume_count()
    );
    eprintln!(
        "after disconnect: identify={} resume={}",
        fake.identify_count(),
        fake.resume_count()
    );
    fake.dispatch(
        "INTERACTION_CREATE",
        modal_submit(
            13,
            "tok-c",
            GUILD,
            CHANNEL,
            USER,
            "ko",
            "note:1",
            &[("reason", "r")],
        ),
    )
    .await;
    let Interaction::Modal(mi) = next_interaction(&mut rx).await else {
        panic!("expected a modal")
    };
    assert_eq!(mi.data.custom_id, "note:1");

    // Non-resumable INVALID_SESSION → a fresh IDENTIFY and READY (serenity waits up to 5 s
    // between shard boots), then interactions flow again.
    fake.send_invalid_session(false).await;
    assert!(
        fake.wait_identified(fake.resume_count() + 2, Duration::from_secs(9))
            .await,
        "no re-identify (identify {}, resume {})",
        fake.identify_count(),
        fake.resume_count()
    );
    assert_eq!(fake.identify_count(), 2);
    fake.dispatch(
        "INTERACTION_CREATE",
        slash_command(14, "tok-d", GUILD, CHANNEL, USER, "fr", "status", json!([])),
    )
    .await;
    let Interaction::Command(cmd) = next_interaction(&mut rx).await else {
        panic!("expected a command after re-identify")
    };
    assert_eq!(cmd.locale, "fr");

    runner.abort();
}

async fn build_client(
    http: serenity::http::Http,
    tx: mpsc::UnboundedSender<Ev>,
) -> serenity::Client {
    serenity::all::ClientBuilder::new_with_http(http, GatewayIntents::GUILDS)
        .event_handler(Handler { tx })
        .await
        .expect("client builds")
}
