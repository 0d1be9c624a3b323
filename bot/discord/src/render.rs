//! Neutral replies to Discord messages: text, summary embeds, buttons.

use crate::custom_id::{ButtonId, INPUT_KEY};
use serenity::all::{ButtonStyle, Colour, CreateActionRow, CreateButton, CreateEmbed};
use vmd_core::command::Lang;
use vmd_core::msg::{Expect, Msg, Reply, Severity};
use vmd_runtime::i18n::Localizer;

/// Discord's caps.
const MAX_CONTENT: usize = 2000;
const MAX_FIELD: usize = 1024;
const MAX_TITLE: usize = 256;
const MAX_LABEL: usize = 80;

/// A reply ready for Discord.
pub struct Rendered {
    pub content: String,
    pub embed: Option<CreateEmbed>,
    pub rows: Vec<CreateActionRow>,
}

pub fn colour(s: Severity) -> Colour {
    match s {
        Severity::Info => Colour::new(0x5865F2),
        Severity::Good => Colour::new(0x2ECC71),
        Severity::Warning => Colour::new(0xF1C40F),
        Severity::Problem => Colour::new(0xE74C3C),
    }
}

pub fn clip(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
    out.push('…');
    out
}

/// Which question a reply asks, as used in button ids.
pub fn question_of(r: &Reply) -> Option<String> {
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

/// Replies that carry a probe result (rendered as a summary embed).
pub fn is_summary(r: &Reply) -> bool {
    r.parts
        .first()
        .is_some_and(|m| matches!(m.id.as_str(), "probe-summary" | "recheck-result"))
}

pub fn reply(loc: &Localizer, lang: Lang, r: &Reply, conversation: u64, owner: u64) -> Rendered {
    let text = |m: &Msg| loc.render(lang, m);
    let mut rows = Vec::new();
    let question = question_of(r);
    if let Some(q) = &question {
        let mut buttons: Vec<CreateButton> = Vec::new();
        for c in &r.options {
            let id = ButtonId {
                conversation,
                owner,
                step: q.clone(),
                key: c.key.clone(),
            };
            if let Some(custom) = id.encode() {
                buttons.push(
                    CreateButton::new(custom)
                        .label(clip(&text(&c.label), MAX_LABEL))
                        .style(ButtonStyle::Primary),
                );
            }
        }
        if matches!(r.expect, Expect::Ip | Expect::Port | Expect::Text) {
            let id = ButtonId {
                conversation,
                owner,
                step: q.clone(),
                key: INPUT_KEY.into(),
            };
            if let Some(custom) = id.encode() {
                buttons.push(
                    CreateButton::new(custom)
                        .label(loc.text(lang, "discord-answer-button"))
                        .style(ButtonStyle::Primary),
                );
            }
        }
        for chunk in buttons.chunks(5).take(5) {
            rows.push(CreateActionRow::Buttons(chunk.to_vec()));
        }
    }
    if is_summary(r) {
        let mut embed = CreateEmbed::new()
            .title(clip(&text(&r.parts[0]).replace("**", ""), MAX_TITLE))
            .colour(colour(r.severity));
        for m in r.parts.iter().skip(1).take(25) {
            let name = if m.id.starts_with("finding-") {
                loc.text(lang, "discord-field-finding")
            } else {
                loc.text(lang, "discord-field-probe")
            };
            embed = embed.field(name, clip(&text(m), MAX_FIELD), false);
        }
        return Rendered {
            content: String::new(),
            embed: Some(embed),
            rows,
        };
    }
    let content = r.parts.iter().map(text).collect::<Vec<_>>().join("\n\n");
    Rendered {
        content: clip(&content, MAX_CONTENT),
        embed: None,
        rows,
    }
}
