//! Nothing injected into chat: user- and server-supplied text (message
//! arguments) is cleaned and escaped for the platform it goes to.
//!
//! The locale files put some arguments inside code spans (`` `{ $banner }` ``)
//! and others in running text. [`render`] finds out which by rendering the
//! message with a private-use sentinel in place of each such argument, then
//! substitutes the escaped value that fits the place: inside a code span only
//! the backtick needs defusing (nothing else is interpreted there); in running
//! text the platform's markup and mentions are escaped. Arguments that are
//! plain identifiers, numbers or addresses (`open`, `no_reply`, `22`,
//! `203.0.113.7`, `2001:db8::1`) are passed as they are, so Fluent selectors
//! keep working.

use crate::i18n::Localizer;
use vmd_core::command::Lang;
use vmd_core::msg::{Arg, Msg};

/// Where the text goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Markup {
    /// Discord markdown, with `<@…>`, `<#…>`, `@everyone` mentions.
    Discord,
    /// Slack mrkdwn: `<…>` is a link or mention, `&` starts an entity.
    Slack,
}

/// Bidi controls and zero-width characters: they reorder or hide text.
pub fn is_invisible_control(c: char) -> bool {
    matches!(c,
        '\u{200B}'..='\u{200F}' // zero-width space/joiners, LRM, RLM
        | '\u{202A}'..='\u{202E}' // LRE, RLE, PDF, LRO, RLO
        | '\u{2060}'..='\u{2069}' // word joiner, invisible operators, LRI, RLI, FSI, PDI
        | '\u{FEFF}' // zero-width no-break space
        | '\u{061C}' // Arabic letter mark
        | '\u{180E}' // Mongolian vowel separator
    ) || (c.is_control() && c != '\n' && c != '\t')
}

/// Removes bidi, zero-width and other control characters (newlines and tabs stay).
pub fn strip_controls(s: &str) -> String {
    s.chars().filter(|c| !is_invisible_control(*c)).collect()
}

/// A value that can go anywhere unescaped: no markup, no mention, no link.
fn is_plain(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '/' | ' '))
        && !s.contains("://")
}

/// Escapes text for running (non-code) text on a platform.
pub fn escape_text(markup: Markup, s: &str) -> String {
    let s = strip_controls(s);
    let mut out = String::with_capacity(s.len() + 8);
    match markup {
        Markup::Discord => {
            for c in s.chars() {
                match c {
                    '\\' | '*' | '_' | '~' | '`' | '|' | '>' | '<' | '[' | ']' | '(' | ')'
                    | '@' | '#' | ':' => {
                        out.push('\\');
                        out.push(c);
                    }
                    c => out.push(c),
                }
            }
            out
        }
        Markup::Slack => {
            for c in s.chars() {
                match c {
                    '&' => out.push_str("&amp;"),
                    '<' => out.push_str("&lt;"),
                    '>' => out.push_str("&gt;"),
                    // Slack has no backslash escape: keep a stray backtick
                    // from opening a code span.
                    '`' => out.push('\u{02CB}'),
                    c => out.push(c),
                }
            }
            out
        }
    }
}

/// Escapes text that sits inside a code span: only the backtick can end the
/// span, so it is replaced by a look-alike (U+02CB); Slack still needs its
/// three entities, since it decodes them everywhere.
pub fn escape_code(markup: Markup, s: &str) -> String {
    let s = strip_controls(s).replace('`', "\u{02CB}");
    match markup {
        Markup::Discord => s,
        Markup::Slack => s
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;"),
    }
}

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// Renders a message for `markup`, escaping every string argument except
/// those named in `trusted` (values the adapter built itself, such as a
/// mention it means to show).
pub fn render(loc: &Localizer, lang: Lang, markup: Markup, msg: &Msg, trusted: &[&str]) -> String {
    let mut m = msg.clone();
    let mut values: Vec<String> = Vec::new();
    for (name, v) in m.args.iter_mut() {
        if let Arg::Str(s) = v {
            if trusted.contains(&name.as_str()) || is_plain(s) {
                continue;
            }
            values.push(std::mem::take(s));
            *s = format!("{OPEN}{}{CLOSE}", values.len() - 1);
        }
    }
    let raw = loc.render(lang, &m);
    if values.is_empty() {
        return raw;
    }
    // Our own text is trusted, but keep sentinel look-alikes out of it.
    let mut out = String::with_capacity(raw.len() + 16);
    let mut in_code = false;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            OPEN => {
                let mut n = String::new();
                for d in chars.by_ref() {
                    if d == CLOSE {
                        break;
                    }
                    n.push(d);
                }
                if let Some(v) = n.parse::<usize>().ok().and_then(|i| values.get(i)) {
                    if in_code {
                        out.push_str(&escape_code(markup, v));
                    } else {
                        out.push_str(&escape_text(markup, v));
                    }
                }
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn loc() -> Localizer {
        Localizer::embedded().unwrap()
    }

    #[test]
    fn selectors_still_select() {
        let l = loc();
        let m = Msg::new("probe-port")
            .arg("port", 22u16)
            .arg("state", "open");
        assert_eq!(
            render(&l, Lang::En, Markup::Discord, &m, &[]),
            "Port 22: open"
        );
    }

    #[test]
    fn a_banner_cannot_leave_its_code_span() {
        let l = loc();
        let m = Msg::new("probe-ssh").arg("port", 22u16).arg(
            "banner",
            "SSH-2.0-x` <@123> @everyone [x](https://e.invalid) \u{202E}",
        );
        let d = render(&l, Lang::En, Markup::Discord, &m, &[]);
        assert_eq!(d.matches('`').count(), 2, "{d}");
        assert!(!d.contains('\u{202E}'));
        assert!(
            d.contains("SSH-2.0-xˋ <@123> @everyone [x](https://e.invalid) `"),
            "{d}"
        );
        let s = render(&l, Lang::En, Markup::Slack, &m, &[]);
        assert_eq!(s.matches('`').count(), 2, "{s}");
        assert!(s.contains("&lt;@123&gt;"), "{s}");
        assert!(!s.contains('<'), "{s}");
    }

    #[test]
    fn running_text_is_escaped() {
        let l = loc();
        let m =
            Msg::new("err-not-ip").arg("value", "@everyone <@&456> [x](https://e.invalid)\u{2066}");
        let d = render(&l, Lang::En, Markup::Discord, &m, &[]);
        assert!(
            d.contains(r"\@everyone \<\@&456\> \[x\]\(https\://e.invalid\)"),
            "{d}"
        );
        assert!(!d.contains('\u{2066}'));
        let s = render(&l, Lang::En, Markup::Slack, &m, &[]);
        assert!(
            s.contains("@everyone &lt;@&amp;456&gt; [x](https://e.invalid)"),
            "{s}"
        );
    }

    #[test]
    fn trusted_and_plain_values_pass() {
        let l = loc();
        let m = Msg::new("discord-not-yours").arg("owner", "<@42>");
        assert!(render(&l, Lang::En, Markup::Discord, &m, &["owner"]).contains("<@42>"));
        assert!(!render(&l, Lang::En, Markup::Discord, &m, &[]).contains("<@42>"));
        let m = Msg::new("probing")
            .arg("ip", "2001:db8::1")
            .arg("ports", "22, 3389");
        let out = render(&l, Lang::En, Markup::Slack, &m, &[]);
        assert!(out.contains("2001:db8::1"), "{out}");
    }

    #[test]
    fn controls_are_stripped() {
        assert_eq!(
            strip_controls("a\u{200B}b\u{202E}c\u{2066}d\u{FEFF}\u{0007}e\nf"),
            "abcde\nf"
        );
    }
}
