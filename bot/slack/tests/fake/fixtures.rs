//! Socket Mode envelopes as Slack sends them (shapes from Slack's docs and
//! captured payloads); `fixtures_deserialize` checks slack-morphism reads each.

use super::{APP, TEAM};
use serde_json::{json, Value};

fn envelope(kind: &str, id: &str, payload: Value, accepts: bool) -> Value {
    json!({
        "envelope_id": id,
        "type": kind,
        "accepts_response_payload": accepts,
        "payload": payload,
    })
}

/// Marks an envelope as redelivered (Slack sets these on a retry).
pub fn redelivered(mut env: Value, attempt: u64) -> Value {
    env["retry_attempt"] = json!(attempt);
    env["retry_reason"] = json!("timeout");
    env
}

pub fn slash_command(
    id: &str,
    trigger: &str,
    user: &str,
    channel: &str,
    command: &str,
    text: &str,
) -> Value {
    envelope(
        "slash_commands",
        id,
        json!({
            "token": "verification-token",
            "team_id": TEAM,
            "team_domain": "fake",
            "channel_id": channel,
            "channel_name": "support",
            "user_id": user,
            "user_name": user.to_lowercase(),
            "command": command,
            "text": text,
            "api_app_id": APP,
            "is_enterprise_install": "false",
            "response_url": "https://hooks.slack.com/commands/T0TEAM001/1/fake",
            "trigger_id": trigger,
        }),
        true,
    )
}

fn user_obj(user: &str) -> Value {
    json!({"id": user, "username": user.to_lowercase(), "name": user.to_lowercase(), "team_id": TEAM})
}

/// A click on button `action_id` (labelled `label`, value `value`) of `message`.
#[allow(clippy::too_many_arguments)]
pub fn block_action(
    id: &str,
    trigger: &str,
    user: &str,
    channel: &str,
    message: &Value,
    action_id: &str,
    label: &str,
    value: &str,
) -> Value {
    envelope(
        "interactive",
        id,
        json!({
            "type": "block_actions",
            "user": user_obj(user),
            "api_app_id": APP,
            "token": "verification-token",
            "container": {
                "type": "message",
                "message_ts": message["ts"],
                "channel_id": channel,
                "is_ephemeral": false,
            },
            "trigger_id": trigger,
            "team": {"id": TEAM, "domain": "fake"},
            "enterprise": null,
            "is_enterprise_install": false,
            "channel": {"id": channel, "name": "support"},
            "message": message,
            "state": {"values": {}},
            "response_url": "https://hooks.slack.com/actions/T0TEAM001/1/fake",
            "actions": [{
                "action_id": action_id,
                "block_id": "vmd-actions",
                "text": {"type": "plain_text", "text": label, "emoji": true},
                "value": value,
                "type": "button",
                "action_ts": "1700000001.000200",
            }],
        }),
        false,
    )
}

/// A submission of the modal `view` (as `views.open` returned it) with `value` typed.
pub fn view_submission(id: &str, user: &str, view: &Value, value: &str) -> Value {
    let mut v = view.clone();
    v["state"] =
        json!({"values": {"answer": {"value": {"type": "plain_text_input", "value": value}}}});
    v["root_view_id"] = v["id"].clone();
    v["app_id"] = json!(APP);
    v["bot_id"] = json!("B0BOT0001");
    v["previous_view_id"] = Value::Null;
    v["hash"] = json!(format!("1700000000.{id}"));
    envelope(
        "interactive",
        id,
        json!({
            "type": "view_submission",
            "team": {"id": TEAM, "domain": "fake"},
            "user": user_obj(user),
            "api_app_id": APP,
            "token": "verification-token",
            "trigger_id": format!("trig-{id}"),
            "view": v,
            "response_urls": [],
            "is_enterprise_install": false,
            "enterprise": null,
        }),
        true,
    )
}

fn event_callback(id: &str, event_id: &str, event: Value) -> Value {
    envelope(
        "events_api",
        id,
        json!({
            "token": "verification-token",
            "team_id": TEAM,
            "api_app_id": APP,
            "event": event,
            "type": "event_callback",
            "event_id": event_id,
            "event_time": 1_700_000_000,
            "authorizations": [{
                "enterprise_id": null,
                "team_id": TEAM,
                "user_id": super::BOT_USER,
                "is_bot": true,
                "is_enterprise_install": false,
            }],
            "is_ext_shared_channel": false,
            "event_context": "4-fake",
        }),
        false,
    )
}

pub fn app_mention(
    id: &str,
    event_id: &str,
    user: &str,
    channel: &str,
    ts: &str,
    thread_ts: Option<&str>,
    text: &str,
) -> Value {
    let mut ev = json!({
        "type": "app_mention",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "event_ts": ts,
        "client_msg_id": format!("cm-{event_id}"),
    });
    if let Some(t) = thread_ts {
        ev["thread_ts"] = json!(t);
    }
    event_callback(id, event_id, ev)
}

#[allow(clippy::too_many_arguments)]
pub fn message(
    id: &str,
    event_id: &str,
    user: &str,
    channel: &str,
    channel_type: &str,
    ts: &str,
    thread_ts: Option<&str>,
    text: &str,
) -> Value {
    let mut ev = json!({
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": channel,
        "channel_type": channel_type,
        "event_ts": ts,
        "client_msg_id": format!("cm-{event_id}"),
    });
    if let Some(t) = thread_ts {
        ev["thread_ts"] = json!(t);
    }
    event_callback(id, event_id, ev)
}

/// The bot's own message echoed back as an event (must be ignored).
pub fn bot_message(id: &str, event_id: &str, channel: &str, ts: &str, thread_ts: &str) -> Value {
    event_callback(
        id,
        event_id,
        json!({
            "type": "message",
            "subtype": "bot_message",
            "bot_id": "B0BOT0001",
            "text": "echo",
            "ts": ts,
            "thread_ts": thread_ts,
            "channel": channel,
            "channel_type": "channel",
            "event_ts": ts,
        }),
    )
}
