//! A [`Layout`] as Slack Block Kit: sections of mrkdwn, a fields section for
//! probe lines, an actions block of buttons; plus the modal for typed answers.
//!
//! Blocks are written as Slack's JSON and read back into slack-morphism's
//! types (a unit test checks nothing is lost on the way).

use serde_json::{json, Value};
use slack_morphism::prelude::*;
use vmd_core::command::Lang;
use vmd_core::msg::{Msg, Reply, Severity};
use vmd_runtime::i18n::Localizer;
use vmd_runtime::kit::ids::SLACK_MAX_LEN;
use vmd_runtime::kit::layout::{self, clip, Layout, Shape, Style};
use vmd_runtime::kit::safe::{self, Markup};

pub const STYLE: Style = Style {
    markup: Markup::Slack,
    max_id_len: SLACK_MAX_LEN,
    max_label: 75,
    answer_button: "slack-answer-button",
};

/// Slack's caps: section text, a field, the notification text.
const MAX_SECTION: usize = 3000;
const MAX_FIELD: usize = 2000;
const MAX_FIELDS: usize = 10;
const MAX_BLOCKS: usize = 50;
/// `block_id` of the question's buttons (replaced once answered).
pub const ACTIONS_BLOCK: &str = "vmd-actions";
/// `callback_id` of the typed-answer modal; its input block and element.
pub const MODAL_CALLBACK: &str = "vmd-answer";
pub const MODAL_BLOCK: &str = "answer";
pub const MODAL_INPUT: &str = "value";

/// A message ready for `chat.postMessage` / `chat.update`.
#[derive(Clone, Debug, PartialEq)]
pub struct SlackMsg {
    /// Notification and fallback text.
    pub text: String,
    pub blocks: Vec<Value>,
    pub shape: Shape,
}

impl SlackMsg {
    pub fn content(&self) -> SlackMessageContent {
        SlackMessageContent::new()
            .with_text(self.text.clone())
            .with_blocks(to_blocks(&self.blocks))
    }
}

/// Slack JSON blocks as slack-morphism blocks (unknown ones are dropped and logged).
pub fn to_blocks(v: &[Value]) -> Vec<SlackBlock> {
    v.iter()
        .filter_map(|b| match serde_json::from_value::<SlackBlock>(b.clone()) {
            Ok(b) => Some(b),
            Err(e) => {
                tracing::error!(error = %e, "block not understood");
                None
            }
        })
        .collect()
}

/// The locale files write bold as `**x**`; Slack's mrkdwn wants `*x*`.
pub fn mrkdwn(s: &str) -> String {
    s.replace("**", "*")
}

/// A mrkdwn text object. `verbatim`: Slack does not turn bare URLs, host
/// names, mail addresses or `#channel` names into links or mentions (what is
/// untrusted in the text is also defanged and escaped, see
/// `vmd_runtime::kit::safe`); our own links are written `<url>`.
pub fn mrkdwn_object(text: &str) -> Value {
    json!({"type": "mrkdwn", "text": text, "verbatim": true})
}

/// Section blocks for a paragraph: one, or as many as a text longer than a
/// section holds takes, cut cleanly (`layout::split`: at lines or spaces,
/// no code block left open), nothing lost.
pub fn sections(text: &str) -> Vec<Value> {
    layout::split(&mrkdwn(text), MAX_SECTION)
        .into_iter()
        .map(|t| json!({"type": "section", "text": mrkdwn_object(&t)}))
        .collect()
}

/// A section block of mrkdwn text.
pub fn section(text: &str) -> Value {
    json!({"type": "section", "text": mrkdwn_object(&clip(&mrkdwn(text), MAX_SECTION))})
}

fn emoji(s: Severity) -> &'static str {
    match s {
        Severity::Info => ":large_blue_circle:",
        Severity::Good => ":large_green_circle:",
        Severity::Warning => ":large_yellow_circle:",
        Severity::Problem => ":red_circle:",
    }
}

/// Commands a Slack user types in a diagnosis thread, with their Korean
/// names: Slack keeps `/…` for its own slash commands (`/diagnose` and
/// `/lang` are ours and stay; their Korean names are not Slack commands).
const THREAD_COMMANDS: [&str; 12] = [
    "back",
    "restart",
    "status",
    "ticket",
    "help",
    "이전",
    "처음부터",
    "상태",
    "티켓",
    "도움말",
    "진단",
    "언어",
];

/// The shared locale text as a Slack user reads it: `/back`, `/restart`,
/// `/status`, `/ticket`, `/help` (and the Korean names) become `!back`, …
/// (what the adapter reads in a thread). Applied to the locale text only,
/// never to a value.
pub fn thread_commands(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut prev: Option<char> = None;
    let mut rest = s;
    while let Some(c) = rest.chars().next() {
        if c == '/' && !prev.is_some_and(|p| p.is_alphanumeric() || p == '/') {
            let after = &rest[1..];
            let hit = THREAD_COMMANDS.iter().find(|cmd| {
                after.starts_with(*cmd)
                    && !after[cmd.len()..]
                        .chars()
                        .next()
                        .is_some_and(|n| n.is_alphanumeric() || n == '_' || n == '-')
            });
            if let Some(cmd) = hit {
                out.push('!');
                out.push_str(cmd);
                rest = &after[cmd.len()..];
                prev = cmd.chars().last();
                continue;
            }
        }
        out.push(c);
        prev = Some(c);
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// A rendered text for Slack: the locale text and every argument escaped
/// for mrkdwn, thread commands written with `!`.
pub fn text(loc: &Localizer, lang: Lang, m: &Msg) -> String {
    text_trusting(loc, lang, m, &[])
}

/// Like [`text`], but the named arguments are the adapter's own markup
/// (a mention, a link), passed through as they are.
pub fn text_trusting(loc: &Localizer, lang: Lang, m: &Msg, trusted: &[&str]) -> String {
    mrkdwn(&safe::render_mapped(
        loc,
        lang,
        Markup::Slack,
        m,
        trusted,
        &thread_commands,
    ))
}

/// The buttons of a layout as an actions block.
fn actions(l: &Layout) -> Option<Value> {
    if l.buttons.is_empty() {
        return None;
    }
    let elements: Vec<Value> = l
        .buttons
        .iter()
        .take(25)
        .map(|b| {
            let mut e = json!({
                "type": "button",
                "action_id": b.id,
                "value": b.key,
                "text": {"type": "plain_text", "text": b.label, "emoji": true},
            });
            if b.input {
                e["style"] = json!("primary");
            }
            e
        })
        .collect();
    Some(json!({"type": "actions", "block_id": ACTIONS_BLOCK, "elements": elements}))
}

/// A reply as a Slack message for `conversation` (`channel/thread_ts`) and `owner`.
pub fn reply(loc: &Localizer, lang: Lang, r: &Reply, conversation: &str, owner: &str) -> SlackMsg {
    let l = layout::layout_mapped(loc, lang, &STYLE, r, conversation, owner, &thread_commands);
    let mut blocks = Vec::new();
    let text = if l.shape == Shape::Summary {
        let title = format!(
            "{} {}",
            emoji(l.severity),
            mrkdwn(l.paragraphs.first().map(String::as_str).unwrap_or(""))
        );
        blocks.push(section(&title));
        let probes: Vec<Value> = l
            .fields
            .iter()
            .filter(|f| !f.finding)
            .map(|f| mrkdwn_object(&clip(&mrkdwn(&f.text), MAX_FIELD)))
            .collect();
        for chunk in probes.chunks(MAX_FIELDS) {
            blocks.push(json!({"type": "section", "fields": chunk}));
        }
        let finding = safe::escape_slack_literal(&loc.text(lang, "slack-field-finding"));
        for f in l.fields.iter().filter(|f| f.finding) {
            blocks.push(section(&format!(":mag: *{finding}*: {}", f.text)));
        }
        title
    } else {
        for p in &l.paragraphs {
            blocks.extend(sections(p));
        }
        l.paragraphs.first().cloned().unwrap_or_default()
    };
    blocks.truncate(MAX_BLOCKS - 1);
    if let Some(a) = actions(&l) {
        blocks.push(a);
    }
    SlackMsg {
        text: clip(&mrkdwn(&text), MAX_SECTION),
        blocks,
        shape: l.shape,
    }
}

/// The "checking…" message with a line per finished probe part.
pub fn progress(header: &str, lines: &[String]) -> SlackMsg {
    let mut t = header.to_owned();
    for l in lines {
        t.push('\n');
        t.push_str(l);
    }
    SlackMsg {
        text: clip(header, MAX_SECTION),
        blocks: vec![section(&t)],
        shape: Shape::Progress,
    }
}

/// A question message once answered: its buttons give way to the answer.
pub fn answered(blocks: &[Value], answer_line: &str) -> Vec<Value> {
    let mut out: Vec<Value> = blocks
        .iter()
        .filter(|b| b["type"] != "actions")
        .cloned()
        .collect();
    out.push(
        json!({"type": "context", "elements": [mrkdwn_object(&clip(answer_line, MAX_SECTION))]}),
    );
    out
}

/// The escalation message: text and a URL button to the ticket page.
pub fn escalation(text: &str, button: &str, url: &str) -> SlackMsg {
    let mut blocks = vec![section(text)];
    if url.len() <= 3000 && (url.starts_with("https://") || url.starts_with("http://")) {
        blocks.push(
            json!({"type": "actions", "block_id": "vmd-ticket", "elements": [{
                "type": "button",
                "action_id": "vmd-ticket-link",
                "url": url,
                "style": "primary",
                "text": {"type": "plain_text", "text": clip(button, 75), "emoji": true},
            }]}),
        );
    }
    SlackMsg {
        text: clip(text, MAX_SECTION),
        blocks,
        shape: Shape::Text,
    }
}

/// `action_id` of the "continue in a direct message" button.
pub const DM_ACTION: &str = "vmd-dm";

/// "I can't post here": the text and a button that continues the command
/// (`args`, what was typed after it) in a direct message.
pub fn offer_dm(text: &str, label: &str, args: &str) -> SlackMsg {
    let blocks = vec![
        section(text),
        json!({"type": "actions", "block_id": "vmd-dm", "elements": [{
            "type": "button",
            "action_id": DM_ACTION,
            "value": clip(args, 1000),
            "style": "primary",
            "text": {"type": "plain_text", "text": clip(label, 75), "emoji": true},
        }]}),
    ];
    SlackMsg {
        text: clip(text, MAX_SECTION),
        blocks,
        shape: Shape::Text,
    }
}

/// The modal for a typed answer; `metadata` routes the submission back.
pub fn modal(loc: &Localizer, lang: Lang, expect: &str, metadata: &str) -> Value {
    let t = |id: &str| clip(&loc.text(lang, id), 24);
    json!({
        "type": "modal",
        "callback_id": MODAL_CALLBACK,
        "private_metadata": metadata,
        "title": {"type": "plain_text", "text": t("slack-modal-title")},
        "submit": {"type": "plain_text", "text": t("slack-modal-submit")},
        "close": {"type": "plain_text", "text": t("slack-modal-cancel")},
        "blocks": [{
            "type": "input",
            "block_id": MODAL_BLOCK,
            "label": {"type": "plain_text", "text": clip(&loc.render(lang, &Msg::new("slack-modal-label").arg("expect", expect)), 2000)},
            "element": {
                "type": "plain_text_input",
                "action_id": MODAL_INPUT,
                "multiline": expect == "other" || expect == "paste",
                // Slack's plain-text input takes at most 3000 characters.
                "max_length": if expect == "paste" { 3000 } else { 2000 },
            },
        }],
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use vmd_core::msg::{Choice, Expect};

    fn loc() -> Localizer {
        Localizer::embedded().unwrap()
    }

    /// What slack-morphism reads back is what we wrote.
    fn round_trips(blocks: &[Value]) {
        let typed = to_blocks(blocks);
        assert_eq!(typed.len(), blocks.len());
        for (t, v) in typed.iter().zip(blocks) {
            let back = serde_json::to_value(t).unwrap();
            assert_eq!(&back, v, "block changed in slack-morphism");
        }
    }

    #[test]
    fn a_long_paragraph_is_several_sections_with_nothing_lost() {
        let mut p = String::from("```\n");
        for i in 0..200 {
            p.push_str(&format!(
                "LISTEN 0 4096 0.0.0.0:{} users:((\"sshd\",pid={i}))\n",
                3000 + i
            ));
        }
        p.push_str("```");
        let blocks = sections(&p);
        assert!(blocks.len() >= 3, "{}", blocks.len());
        let mut all = String::new();
        for b in &blocks {
            let t = b["text"]["text"].as_str().unwrap();
            assert!(t.chars().count() <= MAX_SECTION);
            assert_eq!(t.matches("```").count() % 2, 0, "an open code block: {t}");
            all.push_str(t);
        }
        assert!(all.contains("0.0.0.0:3199"), "the last line is there");
    }

    #[test]
    fn a_question_is_sections_and_buttons() {
        let r = vmd_runtime::fake::os_question();
        let m = reply(&loc(), Lang::En, &r, "C1/1700000000.000100", "U1");
        round_trips(&m.blocks);
        assert_eq!(m.blocks.len(), 2);
        let buttons = m.blocks[1]["elements"].as_array().unwrap();
        assert_eq!(buttons.len(), 3);
        assert_eq!(
            buttons[0]["action_id"],
            "v1|C1/1700000000.000100|U1|os|windows"
        );
        assert_eq!(buttons[0]["text"]["text"], "Windows");
        let done = answered(&m.blocks, "ok");
        assert_eq!(done.last().unwrap()["type"], "context");
        assert!(done.iter().all(|b| b["type"] != "actions"));
        round_trips(&done);
    }

    #[test]
    fn button_labels_are_plain_text_not_mrkdwn() {
        // A label with `&`, `<` and markers: Slack shows plain_text as it
        // is, so an entity or a look-alike would show literally.
        let r = Reply {
            severity: Severity::Info,
            parts: vec![Msg::new("ask-os").arg("ip", "203.0.113.7")],
            options: vec![Choice {
                key: "x".into(),
                label: Msg::new("err-bad-os").arg("value", "a & b <c> *d*"),
                means: None,
            }],
            expect: Expect::Choice,
            step: None,
            question: None,
            paste: false,
        };
        let m = reply(&loc(), Lang::En, &r, "C1/1700000000.000100", "U1");
        let label = m.blocks[1]["elements"][0]["text"].clone();
        assert_eq!(label["type"], "plain_text");
        let text = label["text"].as_str().unwrap();
        assert!(text.contains("\"a & b <c> *d*\""), "{text}");
    }

    #[test]
    fn a_summary_has_fields_and_escaped_server_text() {
        let r = Reply::info(vec![
            Msg::new("probe-summary")
                .arg("ip", "203.0.113.7")
                .arg("elapsed", 5u64),
            Msg::new("probe-port")
                .arg("port", 22u16)
                .arg("state", "open"),
            Msg::new("probe-ssh")
                .arg("port", 22u16)
                .arg("banner", "SSH-2.0-<!channel>`x"),
        ])
        .severity(Severity::Problem);
        let m = reply(&loc(), Lang::En, &r, "C1/1.2", "U1");
        round_trips(&m.blocks);
        assert!(m.blocks[0]["text"]["text"]
            .as_str()
            .unwrap()
            .starts_with(":red_circle: *What I see"));
        let fields = m.blocks[1]["fields"].as_array().unwrap();
        assert_eq!(fields.len(), 2);
        let ssh = fields[1]["text"].as_str().unwrap();
        assert!(
            ssh.contains("&lt;!channel&gt;") && ssh.matches('`').count() == 2,
            "{ssh}"
        );
    }

    #[test]
    fn text_objects_are_verbatim_and_values_inert() {
        let r = Reply::info(vec![
            Msg::new("probe-summary")
                .arg("ip", "203.0.113.7")
                .arg("elapsed", 5u64),
            Msg::new("probe-ssh")
                .arg("port", 22u16)
                .arg("banner", "SSH-2.0-x discord.gg/a"),
            Msg::new("finding-ssh-kex-incomplete").arg("port", 22u16),
        ]);
        let m = reply(&loc(), Lang::En, &r, "C1/1.2", "U1");
        round_trips(&m.blocks);
        let all = serde_json::to_string(&m.blocks).unwrap();
        assert!(
            all.contains("discord[.]gg/a") && !all.contains("discord.gg"),
            "{all}"
        );
        let objects: Vec<&Value> = m
            .blocks
            .iter()
            .flat_map(|b| {
                b["fields"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .chain([&b["text"]])
            })
            .filter(|t| t["type"] == "mrkdwn")
            .collect();
        assert_eq!(objects.len(), 3, "{all}");
        assert!(objects.iter().all(|t| t["verbatim"] == true), "{all}");
        let done = answered(&m.blocks, "*ok*");
        assert_eq!(done.last().unwrap()["elements"][0]["verbatim"], true);
    }

    #[test]
    fn thread_commands_are_written_with_a_bang() {
        assert_eq!(
            thread_commands(
                "/back: go back. Type /help, `/status` or (/ticket); /diagnose /lang ko"
            ),
            "!back: go back. Type !help, `!status` or (!ticket); /diagnose /lang ko"
        );
        // Not inside words, paths or longer names.
        assert_eq!(
            thread_commands("a/back /backup /etc/ssh /status2 //help"),
            "a/back /backup /etc/ssh /status2 //help"
        );
        let help = text(&loc(), Lang::Ko, &Msg::new("help"));
        assert!(
            help.contains("!처음부터(!restart)") && !help.contains("/restart"),
            "{help}"
        );
    }

    #[test]
    fn the_modal_and_the_escalation_parse() {
        let v = modal(&loc(), Lang::Ko, "ip", "meta");
        let view: SlackView = serde_json::from_value(v.clone()).unwrap();
        assert_eq!(serde_json::to_value(&view).unwrap(), v);
        let e = escalation("text", "Open", "https://support.example/t?a=1&b=2");
        round_trips(&e.blocks);
        assert_eq!(escalation("t", "b", "javascript:alert(1)").blocks.len(), 1);
    }
}
