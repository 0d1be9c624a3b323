//! A [`Layout`] as Discord widgets: content or a summary embed, button rows.

use serenity::all::{ButtonStyle, Colour, CreateActionRow, CreateButton, CreateEmbed};
use vmd_core::command::Lang;
use vmd_core::msg::{Reply, Severity};
use vmd_runtime::i18n::Localizer;
use vmd_runtime::kit::ids::DISCORD_MAX_LEN;
use vmd_runtime::kit::layout::{self, clip, Shape, Style};
use vmd_runtime::kit::safe::Markup;

/// Discord's caps.
pub const MAX_CONTENT: usize = 2000;
const MAX_FIELD: usize = 1024;
const MAX_TITLE: usize = 256;
/// Discord refuses a message whose embeds hold more than 6000 characters
/// in all (titles, field names and values: 400, code 50035).
const MAX_EMBED_TOTAL: usize = 6000;

pub const STYLE: Style = Style {
    markup: Markup::Discord,
    max_id_len: DISCORD_MAX_LEN,
    max_label: 80,
    answer_button: "discord-answer-button",
};

/// A reply ready for Discord.
pub struct Rendered {
    /// Text too long for one message: the pieces posted before this one
    /// (split cleanly by `layout::split`, nothing lost).
    pub before: Vec<String>,
    pub content: String,
    pub embed: Option<CreateEmbed>,
    pub rows: Vec<CreateActionRow>,
    pub shape: Shape,
}

pub fn colour(s: Severity) -> Colour {
    match s {
        Severity::Info => Colour::new(0x5865F2),
        Severity::Good => Colour::new(0x2ECC71),
        Severity::Warning => Colour::new(0xF1C40F),
        Severity::Problem => Colour::new(0xE74C3C),
    }
}

/// `embeds`: whether the bot may embed here (Embed Links); without it the
/// summary is plain content.
pub fn reply(
    loc: &Localizer,
    lang: Lang,
    r: &Reply,
    conversation: u64,
    owner: u64,
    embeds: bool,
) -> Rendered {
    let l = layout::layout(
        loc,
        lang,
        &STYLE,
        r,
        &conversation.to_string(),
        &owner.to_string(),
    );
    let buttons: Vec<CreateButton> = l
        .buttons
        .iter()
        .map(|b| {
            CreateButton::new(b.id.clone())
                .label(b.label.clone())
                .style(ButtonStyle::Primary)
        })
        .collect();
    let rows = buttons
        .chunks(5)
        .take(5)
        .map(|c| CreateActionRow::Buttons(c.to_vec()))
        .collect();
    if l.shape == Shape::Summary && !embeds {
        // The embed's title and fields as lines of text.
        let mut text = l.paragraphs.first().cloned().unwrap_or_default();
        for f in &l.fields {
            let name = loc.text(
                lang,
                if f.finding {
                    "discord-field-finding"
                } else {
                    "discord-field-probe"
                },
            );
            text.push_str(&format!("\n**{name}**: {}", f.text));
        }
        let (before, content) = pieces(&text);
        return Rendered {
            before,
            content,
            embed: None,
            rows,
            shape: l.shape,
        };
    }
    if l.shape == Shape::Summary {
        let title = clip(
            &l.paragraphs
                .first()
                .cloned()
                .unwrap_or_default()
                .replace("**", ""),
            MAX_TITLE,
        );
        let mut total = title.chars().count();
        let mut embed = CreateEmbed::new().title(title).colour(colour(l.severity));
        for f in l.fields.iter().take(25) {
            let name = loc.text(
                lang,
                if f.finding {
                    "discord-field-finding"
                } else {
                    "discord-field-probe"
                },
            );
            let value = clip(&f.text, MAX_FIELD);
            // Within the 6000 total: the fields that do not fit are left out.
            let len = name.chars().count() + value.chars().count();
            if total + len > MAX_EMBED_TOTAL {
                break;
            }
            total += len;
            embed = embed.field(name, value, false);
        }
        return Rendered {
            before: Vec::new(),
            content: String::new(),
            embed: Some(embed),
            rows,
            shape: l.shape,
        };
    }
    let (before, content) = pieces(&l.paragraphs.join("\n\n"));
    Rendered {
        before,
        content,
        embed: None,
        rows,
        shape: l.shape,
    }
}

/// `text` in pieces within Discord's 2000 characters: the earlier ones and
/// the last (which carries the buttons).
fn pieces(text: &str) -> (Vec<String>, String) {
    let mut all = layout::split(text, MAX_CONTENT);
    let last = all.pop().unwrap_or_default();
    (all, last)
}

#[cfg(test)]
mod tests {
    use super::*;
    use vmd_core::msg::Msg;

    #[test]
    fn a_summary_embed_stays_within_discords_6000_total() {
        let loc = Localizer::embedded().unwrap();
        let mut parts = vec![Msg::new("probe-summary")
            .arg("ip", "203.0.113.7")
            .arg("elapsed", 5u64)];
        for port in 1..=20u16 {
            parts.push(
                Msg::new("probe-ssh")
                    .arg("port", port)
                    .arg("banner", "SSH-2.0-".to_owned() + &"x".repeat(1000)),
            );
        }
        let r = reply(&loc, Lang::En, &Reply::info(parts), 1, 2, true);
        let embed = serde_json::to_value(r.embed.unwrap()).unwrap();
        let mut total = embed["title"].as_str().unwrap().chars().count();
        let fields = embed["fields"].as_array().unwrap();
        assert!(!fields.is_empty());
        for f in fields {
            total += f["name"].as_str().unwrap().chars().count();
            total += f["value"].as_str().unwrap().chars().count();
        }
        assert!(total <= 6000, "{total} characters in the embed");
    }
}
