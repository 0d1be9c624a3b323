//! Interaction payloads (`INTERACTION_CREATE` `d`) that serenity 0.12.5 deserializes as
//! `serenity::model::application::Interaction`.
//!
//! serenity silently drops an INTERACTION_CREATE whose payload fails to deserialize, so every
//! field it requires is present: `locale`, `entitlements`, `attachment_size_limit`, `version`,
//! `app_permissions`, member `roles`/`deaf`/`mute`/`flags`, and (components) a full `message`.
//! The interaction is in a guild text channel (`channel.type` 0); set
//! `v["channel"]["type"] = json!(11)` (and `parent_id`) for a thread.

use serde_json::{json, Value};

use super::{build_attachments, id_of, message_object, now_iso, user_obj, FakeDiscord, Recorded};

/// Permissions the bot has in the channel (`app_permissions`): a plausible bot set.
pub const APP_PERMISSIONS: &str = "2248473465835073";
/// Permissions of the invoking member (`member.permissions`): administrator-free user set.
pub const MEMBER_PERMISSIONS: &str = "2248473465835073";
/// `attachment_size_limit` Discord sends for non-boosted guilds (25 MiB).
pub const ATTACHMENT_SIZE_LIMIT: u64 = 26_214_400;

/// A guild member object for `user_id` (username `user{user_id}`).
pub fn member(user_id: u64) -> Value {
    json!({
        "user": user_obj(user_id, &format!("user{user_id}"), false),
        "nick": null,
        "avatar": null,
        "roles": [],
        "joined_at": "2024-01-01T00:00:00.000000+00:00",
        "premium_since": null,
        "deaf": false,
        "mute": false,
        "flags": 0,
        "pending": false,
        "permissions": MEMBER_PERMISSIONS,
        "communication_disabled_until": null,
    })
}

fn base(
    kind: u8,
    interaction_id: u64,
    token: &str,
    guild_id: u64,
    channel_id: u64,
    user_id: u64,
    locale: &str,
) -> Value {
    json!({
        "id": interaction_id.to_string(),
        "application_id": FakeDiscord::APP_ID.to_string(),
        "type": kind,
        "guild_id": guild_id.to_string(),
        "channel_id": channel_id.to_string(),
        "channel": {
            "id": channel_id.to_string(),
            "type": 0,
            "name": "general",
            "guild_id": guild_id.to_string(),
            "permissions": APP_PERMISSIONS,
        },
        "member": member(user_id),
        "token": token,
        "version": 1,
        "app_permissions": APP_PERMISSIONS,
        "locale": locale,
        "guild_locale": "en-US",
        "entitlements": [],
        "authorizing_integration_owners": {"0": guild_id.to_string()},
        "context": 0,
        "attachment_size_limit": ATTACHMENT_SIZE_LIMIT,
    })
}

/// A slash command (type 2, chat input) invoked in a guild. `options` is the raw Discord
/// array, e.g. `json!([{"name": "target", "type": 3, "value": "web-1"}])`; subcommands are
/// `{"name": .., "type": 1, "options": [..]}`.
#[allow(clippy::too_many_arguments)]
pub fn slash_command(
    interaction_id: u64,
    token: &str,
    guild_id: u64,
    channel_id: u64,
    user_id: u64,
    locale: &str,
    name: &str,
    options: Value,
) -> Value {
    let mut v = base(
        2,
        interaction_id,
        token,
        guild_id,
        channel_id,
        user_id,
        locale,
    );
    let options = if options.is_array() {
        options
    } else {
        json!([])
    };
    v["data"] = json!({
        "id": command_id(name).to_string(),
        "name": name,
        "type": 1,
        "guild_id": guild_id.to_string(),
        "options": options,
    });
    v
}

/// A stable fake command id derived from the command name.
pub fn command_id(name: &str) -> u64 {
    let h = name.bytes().fold(1_469_598_103_934_665_603u64, |h, b| {
        (h ^ b as u64).wrapping_mul(1_099_511_628_211)
    });
    1_200_000_000_000_000_000 + h % 100_000_000_000_000
}

/// A button click (type 3, `component_type` 2) on `message` (a full message object, e.g.
/// `fake.message(id).unwrap()` or [`message_from`]).
#[allow(clippy::too_many_arguments)]
pub fn component_click(
    interaction_id: u64,
    token: &str,
    guild_id: u64,
    channel_id: u64,
    user_id: u64,
    locale: &str,
    custom_id: &str,
    message: Value,
) -> Value {
    let mut v = base(
        3,
        interaction_id,
        token,
        guild_id,
        channel_id,
        user_id,
        locale,
    );
    v["data"] = json!({"custom_id": custom_id, "component_type": 2});
    v["message"] = message;
    v
}

/// A string-select choice (type 3, `component_type` 3) on `message`.
#[allow(clippy::too_many_arguments)]
pub fn select_click(
    interaction_id: u64,
    token: &str,
    guild_id: u64,
    channel_id: u64,
    user_id: u64,
    locale: &str,
    custom_id: &str,
    values: &[&str],
    message: Value,
) -> Value {
    let mut v = base(
        3,
        interaction_id,
        token,
        guild_id,
        channel_id,
        user_id,
        locale,
    );
    v["data"] = json!({"custom_id": custom_id, "component_type": 3, "values": values});
    v["message"] = message;
    v
}

/// A modal submission (type 5) with one text input per action row.
#[allow(clippy::too_many_arguments)]
pub fn modal_submit(
    interaction_id: u64,
    token: &str,
    guild_id: u64,
    channel_id: u64,
    user_id: u64,
    locale: &str,
    custom_id: &str,
    inputs: &[(&str, &str)],
) -> Value {
    let mut v = base(
        5,
        interaction_id,
        token,
        guild_id,
        channel_id,
        user_id,
        locale,
    );
    let rows: Vec<Value> = inputs
        .iter()
        .map(|(id, value)| {
            json!({"type": 1, "components": [{"type": 4, "custom_id": id, "value": value}]})
        })
        .collect();
    v["data"] = json!({"custom_id": custom_id, "components": rows});
    v
}

/// Turns a recorded bot message request into the full message object Discord would have
/// created, with message id `id`. Understands `POST /channels/{c}/messages` bodies, webhook
/// follow-ups / `@original` edits, and interaction callbacks (uses `json.data`). The channel
/// comes from the path (`/channels/{c}/...`) or else is `channel_id` of the body, else 1.
/// Prefer [`FakeDiscord::message`], which has the real id the bot saw.
pub fn message_from(rec: &Recorded, id: u64) -> Value {
    let seg = rec.segments();
    let body = if rec.is_callback() {
        rec.json.get("data").cloned().unwrap_or_else(|| json!({}))
    } else {
        rec.json.clone()
    };
    let channel_id = match seg.as_slice() {
        ["channels", c, ..] => c.parse().ok(),
        _ => None,
    }
    .or_else(|| id_of(&body["channel_id"]))
    .unwrap_or(1);
    let via_interaction = !matches!(seg.first(), Some(&"channels"));
    let counter = std::cell::Cell::new(id);
    let next = || {
        counter.set(counter.get() + 1);
        counter.get()
    };
    let attachments = build_attachments(&next, 0, &body, &rec.files, &[]);
    let mut m = message_object(id, channel_id, &body, attachments, via_interaction);
    m["timestamp"] = json!(now_iso());
    m
}

/// `v` (an interaction built above) sent in the bot's DM with its user instead of in a guild:
/// no `guild_id` or `member` but a `user`, a DM channel (`channel.type` 1), context 1 (bot DM).
/// Discord sends DMs to shard 0.
pub fn in_dm(mut v: Value) -> Value {
    let user = v["member"]["user"].clone();
    if let Some(o) = v.as_object_mut() {
        o.remove("guild_id");
        o.remove("member");
        o.remove("guild_locale");
        o.insert("user".into(), user);
        o.insert("context".into(), json!(1));
        o.insert("authorizing_integration_owners".into(), json!({"0": "0"}));
    }
    if let Some(c) = v["channel"].as_object_mut() {
        c.remove("guild_id");
        c.remove("name");
        c.insert("type".into(), json!(1));
    }
    if let Some(d) = v["data"].as_object_mut() {
        d.remove("guild_id");
    }
    if let Some(m) = v["message"].as_object_mut() {
        m.remove("guild_id");
    }
    v
}
