//! What the Slack adapter's tests and its benchmark do alike, on top of the
//! fake Slack (`tests/fake`) and `vmd-testkit`: the config pointed at the
//! fake, starting the bot until Socket Mode is connected, sending a slash
//! command, and reading a message's blocks and buttons.
//!
//! Use after `mod fake;` as `mod support;` (an example:
//! `#[path = "../tests/support/mod.rs"] mod support;`).
#![allow(dead_code)]

use crate::fake::fixtures::slash_command;
use crate::fake::FakeSlack;
use serde_json::Value;
use std::sync::Arc;
use std::time::Duration;
use vmd_probe::Prober;
use vmd_runtime::kit::ids::ButtonId;
use vmd_runtime::kit::limits::Limit;
use vmd_runtime::store::Store;
use vmd_runtime::Driver;
use vmd_slack::{SlackConfig, SlackHandle};

/// `max` in 10 minutes.
pub fn per_10_min(max: u32) -> Limit {
    Limit {
        max,
        per: Duration::from_secs(600),
    }
}

/// The bot's config against `fake`, reconnecting after a second.
pub fn config(fake: &FakeSlack) -> SlackConfig {
    let mut c = SlackConfig::new("xapp-1-fake", "xoxb-fake");
    c.api_url = Some(fake.api_url());
    c.reconnect_secs = 1;
    c
}

/// Starts the bot with `cfg` and `driver`; returns once it opened one more
/// Socket Mode connection.
pub async fn connect<P: Prober + 'static, S: Store + 'static>(
    fake: &FakeSlack,
    cfg: SlackConfig,
    driver: Arc<Driver<P, S>>,
    wait: Duration,
) -> SlackHandle {
    let n = fake.connections_opened();
    let bot = vmd_slack::start(cfg, driver).await.unwrap();
    assert!(
        fake.wait_connected(n + 1, wait).await,
        "the bot never opened a Socket Mode connection"
    );
    bot
}

/// `command text` by `user` in `channel`; returns the envelope id.
pub fn command(fake: &FakeSlack, user: &str, channel: &str, command: &str, text: &str) -> String {
    let id = fake.new_id("env-cmd-");
    let trigger = fake.new_id("trig-");
    fake.send(&slash_command(&id, &trigger, user, channel, command, text));
    id
}

/// The text of a message's sections and their fields.
pub fn block_text(m: &Value) -> String {
    text_in(
        m,
        Parts {
            fields: true,
            elements: false,
        },
    )
}

/// Which parts of a message's blocks [`text_in`] reads besides the
/// sections' text: the sections' fields, the context blocks' elements.
#[derive(Clone, Copy)]
pub struct Parts {
    pub fields: bool,
    pub elements: bool,
}

/// The text of a message's blocks, a line each: every section's text, then
/// (as `parts` says) its fields and its elements.
pub fn text_in(m: &Value, parts: Parts) -> String {
    let mut out = String::new();
    for b in m["blocks"].as_array().into_iter().flatten() {
        if let Some(t) = b["text"]["text"].as_str() {
            out.push_str(t);
            out.push('\n');
        }
        if parts.fields {
            for f in b["fields"].as_array().into_iter().flatten() {
                out.push_str(f["text"].as_str().unwrap_or(""));
                out.push('\n');
            }
        }
        if parts.elements {
            for e in b["elements"].as_array().into_iter().flatten() {
                if let Some(t) = e["text"].as_str() {
                    out.push_str(t);
                    out.push('\n');
                }
            }
        }
    }
    out
}

/// A message's own text, then each section's text on a line of its own.
pub fn message_text(m: &Value) -> String {
    let mut out = m["text"].as_str().unwrap_or("").to_owned();
    for b in m["blocks"].as_array().into_iter().flatten() {
        if let Some(t) = b["text"]["text"].as_str() {
            out.push('\n');
            out.push_str(t);
        }
    }
    out
}

/// A message's buttons: (action id, label).
pub fn actions(m: &Value) -> Vec<(String, String)> {
    m["blocks"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| b["elements"].as_array().cloned().unwrap_or_default())
        .filter_map(|e| {
            Some((
                e["action_id"].as_str()?.to_owned(),
                e["text"]["text"].as_str().unwrap_or("").to_owned(),
            ))
        })
        .collect()
}

/// A message's buttons, their action ids decoded, with their labels.
pub fn button_ids(m: &Value) -> Vec<(ButtonId, String)> {
    actions(m)
        .into_iter()
        .filter_map(|(id, label)| Some((ButtonId::decode(&id)?, label)))
        .collect()
}

/// The question in `thread` of `channel` if it is step `step`: the newest
/// message with buttons of ours (an answered one has given its buttons way
/// to the answer), when they are for `step` (`|os|`, `|ip|`, or a step with
/// the answers so far: `|linux.sshd:3|`). An older message that merely
/// names the step (a step asked twice) is not it: clicking it would answer
/// a question the conversation moved past.
pub fn question(fake: &FakeSlack, channel: &str, thread: &str, step: &str) -> Option<Value> {
    let (exact, asked) = (format!("|{step}|"), format!("|{step}:"));
    fake.thread(channel, thread)
        .into_iter()
        .rev()
        .find(|m| actions(m).iter().any(|(id, _)| id.starts_with("v1|")))
        .filter(|m| {
            actions(m)
                .iter()
                .any(|(id, _)| id.contains(&exact) || id.contains(&asked))
        })
}

/// Waits for the `n`-th answer (from 1) sent through a `response_url`;
/// returns its body.
pub async fn response(fake: &FakeSlack, n: usize, wait: Duration) -> Value {
    let deadline = tokio::time::Instant::now() + wait;
    loop {
        if let Some(c) = fake.responses().get(n - 1) {
            return c.params["body"].clone();
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "nothing reached the response_url; calls: {:?}",
            fake.calls()
                .iter()
                .map(|c| (c.method.clone(), c.params["error"].clone()))
                .collect::<Vec<_>>()
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// `user` takes the offer to continue in a direct message: a click on the
/// `vmd-dm` button (labelled `label`, carrying the command's `text`) of
/// `offer`, the answer sent through `channel`'s command's response_url, as
/// Slack sends it (the offer as a message of its own).
pub fn take_dm_offer(
    fake: &FakeSlack,
    user: &str,
    channel: &str,
    offer: &Value,
    label: &str,
    text: &str,
) {
    let mut message = offer.clone();
    message["ts"] = serde_json::json!(fake.new_ts());
    message["type"] = serde_json::json!("message");
    fake.send(&crate::fake::fixtures::block_action(
        &fake.new_id("env-act-"),
        &fake.new_id("trig-"),
        user,
        channel,
        &message,
        "vmd-dm",
        label,
        text,
    ));
}

/// The `i`th slash command of a burst (envelope `env-{tag}-cmd-{i}`):
/// `/diagnose` of the burst's `i`th address by `user`.
pub fn burst_command(tag: &str, i: usize, user: &str, channel: &str) -> (String, Value) {
    let id = format!("env-{tag}-cmd-{i}");
    let text = format!("{} linux", vmd_testkit::burst::target(i));
    let env = slash_command(
        &id,
        &format!("trig-{tag}-cmd-{i}"),
        user,
        channel,
        "/diagnose",
        &text,
    );
    (id, env)
}

/// The `i`th click of a burst (envelope `env-{tag}-act-{i}`): `user` clicks
/// the first regular option of the question `msg`.
pub fn burst_click(tag: &str, i: usize, user: &str, channel: &str, msg: &Value) -> (String, Value) {
    let (b, label) = button_ids(msg)
        .into_iter()
        .find(|(b, _)| !b.key.starts_with('@'))
        .expect("a question with a regular option");
    let id = format!("env-{tag}-act-{i}");
    let env = crate::fake::fixtures::block_action(
        &id,
        &format!("trig-{tag}-act-{i}"),
        user,
        channel,
        msg,
        &b.encode(255).unwrap(),
        &label,
        &b.key,
    );
    (id, env)
}

/// A message by `user` in `channel` (`kind`: "channel", "im"), in the
/// thread `thread` if any; returns its envelope id.
pub fn say(
    fake: &FakeSlack,
    user: &str,
    channel: &str,
    kind: &str,
    thread: Option<&str>,
    text: &str,
) -> String {
    let id = fake.new_id("env-ev-");
    fake.send(&crate::fake::fixtures::message(
        &id,
        &fake.new_id("Ev"),
        user,
        channel,
        kind,
        &fake.new_ts(),
        thread,
        text,
    ));
    id
}

/// Waits for the thread root of `user`'s diagnosis in `channel`: the newest
/// message whose text (as `text_of` reads it) mentions them; returns its ts.
pub async fn root_for(
    fake: &FakeSlack,
    channel: &str,
    user: &str,
    text_of: fn(&Value) -> String,
    wait: Duration,
) -> String {
    let needle = format!("<@{user}>");
    vmd_testkit::wait::some(
        wait,
        || "no thread root".into(),
        || {
            let m = fake
                .channel_messages(channel)
                .into_iter()
                .rev()
                .find(|m| text_of(m).contains(&needle))?;
            Some(m["ts"].as_str().unwrap().to_owned())
        },
    )
    .await
}
