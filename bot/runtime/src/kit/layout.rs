//! The neutral layout of a reply: which question it asks (and its buttons),
//! whether it is a "checking…" message or a probe summary, and its text,
//! already rendered and escaped for the platform. Adapters only translate a
//! [`Layout`] into their own widgets (Discord embeds and rows, Slack blocks).

use super::ids::{ButtonId, INPUT_KEY, PASTE_KEY};
use super::safe::{self, Markup};
use crate::i18n::Localizer;
use vmd_core::command::Lang;
use vmd_core::msg::{Expect, Msg, Reply, Severity};

/// What kind of message a reply becomes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Paragraphs (and maybe buttons).
    Text,
    /// A probe has started: shown now, edited live, then into the summary.
    Progress,
    /// A probe result: a title and one field per probe part or finding.
    Summary,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Field {
    /// A finding (advice) rather than a raw probe line.
    pub finding: bool,
    pub text: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Button {
    /// The encoded id (Discord `custom_id`, Slack `action_id`).
    pub id: String,
    /// The option key (or [`INPUT_KEY`]).
    pub key: String,
    pub label: String,
    /// Opens a modal for a typed answer.
    pub input: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Layout {
    pub shape: Shape,
    pub severity: Severity,
    /// The question's id in button ids (step, `ip`, `os`), if it asks one.
    pub question: Option<String>,
    /// Text paragraphs (for a summary: the title is the first).
    pub paragraphs: Vec<String>,
    /// Summary fields (empty unless `shape` is `Summary`).
    pub fields: Vec<Field>,
    pub buttons: Vec<Button>,
}

/// What differs per platform.
#[derive(Clone, Copy, Debug)]
pub struct Style {
    pub markup: Markup,
    pub max_id_len: usize,
    pub max_label: usize,
    /// Label of the "type your answer" button.
    pub answer_button: &'static str,
}

/// Which question a reply asks, as used in button ids.
pub fn question_of(r: &Reply) -> Option<String> {
    if let Some(q) = &r.question {
        return Some(q.clone());
    }
    if let Some(step) = &r.step {
        return Some(step.clone());
    }
    match r.expect {
        Expect::Ip => Some("ip".into()),
        Expect::Choice if !r.options.is_empty() => Some("os".into()),
        _ => None,
    }
}

/// Replies that start a probe (shown as "pending", later edited into the result).
pub fn is_progress(r: &Reply) -> bool {
    r.parts.first().is_some_and(|m| {
        matches!(
            m.id.as_str(),
            "probing" | "recheck-start" | "probing-resume"
        )
    })
}

/// Replies that carry a probe result (rendered as a summary).
pub fn is_summary(r: &Reply) -> bool {
    r.parts
        .first()
        .is_some_and(|m| matches!(m.id.as_str(), "probe-summary" | "recheck-result"))
}

/// Cuts `s` to `max` characters, with an ellipsis when cut.
pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Splits `text` into pieces of at most `max` characters for a platform
/// that refuses longer ones, nothing lost: at paragraph breaks, else at line
/// breaks, else at a space (a word longer than a piece is cut). Markup is
/// never left open across a cut: a code block (```` ``` ````) is closed at
/// the end of a piece and opened again at the start of the next, and so are
/// an inline code span and bold (`` ` ``, `**`) cut on one line.
pub fn split(text: &str, max: usize) -> Vec<String> {
    const FENCE: &str = "```";
    // Room for what closes a piece and opens the next.
    let room = max.saturating_sub(8).max(16);
    if text.chars().count() <= max {
        return vec![text.to_owned()];
    }
    let mut pieces: Vec<String> = Vec::new();
    let mut cur = String::new();
    let mut cur_len = 0usize;
    let mut in_fence = false;
    let flush =
        |pieces: &mut Vec<String>, cur: &mut String, cur_len: &mut usize, in_fence: bool| {
            let mut piece = std::mem::take(cur);
            if in_fence {
                piece.push('\n');
                piece.push_str(FENCE);
            }
            let trimmed = piece.trim_end_matches('\n').to_owned();
            if !trimmed.trim().is_empty() {
                pieces.push(trimmed);
            }
            *cur_len = 0;
            if in_fence {
                cur.push_str(FENCE);
                cur.push('\n');
                *cur_len = FENCE.len() + 1;
            }
        };
    for line in text.split('\n') {
        let is_fence = line.trim_start().starts_with(FENCE);
        // A line longer than a piece: cut at spaces, markup closed per cut.
        let mut parts = if line.chars().count() > room {
            cut_line(line, room)
        } else {
            vec![line.to_owned()]
        };
        for part in parts.drain(..) {
            let n = part.chars().count() + 1;
            if cur_len + n > room && cur_len > 0 {
                flush(&mut pieces, &mut cur, &mut cur_len, in_fence);
            }
            cur.push_str(&part);
            cur.push('\n');
            cur_len += n;
        }
        if is_fence {
            in_fence = !in_fence;
        }
    }
    // The end of the text closes nothing itself.
    let last = cur.trim_end_matches('\n').to_owned();
    if !last.trim().is_empty() && last != FENCE {
        pieces.push(last);
    }
    pieces
}

/// One over-long line in pieces of at most `room` characters, cut at a
/// space where there is one; an inline code span or bold open at a cut is
/// closed there and opened again.
fn cut_line(line: &str, room: usize) -> Vec<String> {
    let room = room.saturating_sub(4).max(8);
    let mut out = Vec::new();
    let chars: Vec<char> = line.chars().collect();
    let mut start = 0;
    let mut open_code = false;
    let mut open_bold = false;
    while start < chars.len() {
        let mut end = (start + room).min(chars.len());
        if end < chars.len() {
            if let Some(sp) = (start + room / 2..end).rev().find(|&i| chars[i] == ' ') {
                end = sp + 1;
            }
        }
        let body: String = chars[start..end].iter().collect();
        let mut piece = String::new();
        if open_code {
            piece.push('`');
        }
        if open_bold {
            piece.push_str("**");
        }
        piece.push_str(&body);
        // What is open at the end of this piece (counted over the line so far).
        let so_far: String = chars[..end].iter().collect();
        let bold = so_far.matches("**").count() % 2 == 1;
        let code = so_far.replace("**", "").matches('`').count() % 2 == 1;
        if end < chars.len() {
            if bold {
                piece.push_str("**");
            }
            if code {
                piece.push('`');
            }
        }
        out.push(piece.trim_end().to_owned());
        open_code = code;
        open_bold = bold;
        start = end;
    }
    out
}

/// Lays out `r` for a conversation and its owner.
pub fn layout(
    loc: &Localizer,
    lang: Lang,
    style: &Style,
    r: &Reply,
    conversation: &str,
    owner: &str,
) -> Layout {
    layout_mapped(loc, lang, style, r, conversation, owner, &|s| s.to_owned())
}

/// Like [`layout`], with `literal` applied to the locale text of every
/// message (see [`safe::render_mapped`]).
pub fn layout_mapped(
    loc: &Localizer,
    lang: Lang,
    style: &Style,
    r: &Reply,
    conversation: &str,
    owner: &str,
    literal: &dyn Fn(&str) -> String,
) -> Layout {
    let text = |m: &Msg| safe::render_mapped(loc, lang, style.markup, m, &[], literal);
    let question = question_of(r);
    let mut buttons = Vec::new();
    if let Some(q) = &question {
        for c in &r.options {
            if let Some(id) = ButtonId::new(conversation, owner, q, &c.key).encode(style.max_id_len)
            {
                buttons.push(Button {
                    id,
                    key: c.key.clone(),
                    // A label is plain text on every platform (Slack
                    // `plain_text`, Discord buttons): never escaped.
                    label: clip(
                        &safe::render_plain(loc, lang, &c.label, literal),
                        style.max_label,
                    ),
                    input: false,
                });
            }
        }
        if r.paste {
            if let Some(id) =
                ButtonId::new(conversation, owner, q, PASTE_KEY).encode(style.max_id_len)
            {
                buttons.push(Button {
                    id,
                    key: PASTE_KEY.into(),
                    label: clip(&loc.text(lang, "paste-button"), style.max_label),
                    input: true,
                });
            }
        }
        if matches!(r.expect, Expect::Ip | Expect::Port | Expect::Text) {
            if let Some(id) =
                ButtonId::new(conversation, owner, q, INPUT_KEY).encode(style.max_id_len)
            {
                buttons.push(Button {
                    id,
                    key: INPUT_KEY.into(),
                    label: clip(&loc.text(lang, style.answer_button), style.max_label),
                    input: true,
                });
            }
        }
    }
    let shape = if is_summary(r) {
        Shape::Summary
    } else if is_progress(r) {
        Shape::Progress
    } else {
        Shape::Text
    };
    let (paragraphs, fields) = if shape == Shape::Summary {
        let title = text(&r.parts[0]);
        let fields = r
            .parts
            .iter()
            .skip(1)
            .map(|m| Field {
                finding: m.id.starts_with("finding-"),
                text: text(m),
            })
            .collect();
        (vec![title], fields)
    } else {
        (r.parts.iter().map(text).collect(), Vec::new())
    };
    Layout {
        shape,
        severity: r.severity,
        question,
        paragraphs,
        fields,
        buttons,
    }
}

#[cfg(test)]
mod tests {

    fn fences_balanced(piece: &str) -> bool {
        piece
            .lines()
            .filter(|l| l.trim_start().starts_with("```"))
            .count()
            % 2
            == 0
    }

    #[test]
    fn split_keeps_every_line_within_the_cap_and_closes_code_blocks() {
        let mut text =
            String::from("**진단 결과**: 붙여 넣으신 출력에서 읽은 내용이에요.\n\n```\n");
        for i in 0..120 {
            text.push_str(&format!(
                "tcp LISTEN 0 128 0.0.0.0:{} 0.0.0.0:* users:((\"sshd\",pid={i}))\n",
                2000 + i
            ));
        }
        text.push_str("```\n\n");
        for i in 0..40 {
            text.push_str(&format!("- 포트 {i}번에서 `sshd`가 대기하고 있어요.\n"));
        }
        for max in [2000, 3000] {
            let pieces = split(&text, max);
            assert!(pieces.len() > 1, "{max}");
            for p in &pieces {
                assert!(p.chars().count() <= max, "{} > {max}", p.chars().count());
                assert!(fences_balanced(p), "an open code block:\n{p}");
            }
            let joined = pieces.join("\n");
            for line in text.lines().filter(|l| !l.is_empty()) {
                assert!(joined.contains(line), "lost: {line}");
            }
        }
        assert_eq!(split("short", 2000), vec!["short".to_owned()]);
    }

    #[test]
    fn split_cuts_a_long_line_at_spaces_closing_code_and_bold() {
        let word = "`/etc/ssh/sshd_config` **확인해 주세요** ";
        let line = word.repeat(200);
        let pieces = split(&line, 500);
        assert!(pieces.len() > 1);
        for p in &pieces {
            assert!(p.chars().count() <= 500);
            assert_eq!(p.replace("**", "").matches('`').count() % 2, 0, "{p}");
            assert_eq!(p.matches("**").count() % 2, 0, "{p}");
        }
    }

    use super::*;

    const STYLE: Style = Style {
        markup: Markup::Slack,
        max_id_len: 255,
        max_label: 75,
        answer_button: "discord-answer-button",
    };

    #[test]
    fn a_question_becomes_buttons_for_every_option() {
        let loc = Localizer::embedded().unwrap();
        let r = crate::fake::os_question();
        let l = layout(&loc, Lang::En, &STYLE, &r, "C1/1.2", "U1");
        assert_eq!(l.shape, Shape::Text);
        assert_eq!(l.question.as_deref(), Some("os"));
        let keys: Vec<&str> = l.buttons.iter().map(|b| b.key.as_str()).collect();
        assert_eq!(keys, ["windows", "linux", "auto"]);
        assert_eq!(l.buttons[0].id, "v1|C1/1.2|U1|os|windows");
        assert_eq!(l.buttons[0].label, "Windows");
    }

    #[test]
    fn typed_answers_get_an_input_button_and_summaries_fields() {
        let loc = Localizer::embedded().unwrap();
        let r = Reply::info(vec![Msg::new("ask-ip")]).expect(Expect::Ip);
        let l = layout(&loc, Lang::En, &STYLE, &r, "C1", "U1");
        assert_eq!(l.buttons.len(), 1);
        assert!(l.buttons[0].input);
        let r = Reply::info(vec![
            Msg::new("probe-summary")
                .arg("ip", "203.0.113.7")
                .arg("elapsed", 5u64),
            Msg::new("probe-port")
                .arg("port", 22u16)
                .arg("state", "open"),
        ]);
        let l = layout(&loc, Lang::En, &STYLE, &r, "C1", "U1");
        assert_eq!(l.shape, Shape::Summary);
        assert_eq!(l.fields.len(), 1);
        assert_eq!(l.fields[0].text, "Port 22: open");
        assert!(l.buttons.is_empty());
    }
}
