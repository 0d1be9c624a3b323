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

/// Characters removed from untrusted text: everything
/// [`vmd_core::text::is_hidden`] names (default-ignorable code points, bidi
/// controls, Hangul fillers, interlinear annotation, control characters), but
/// not newlines and tabs.
pub fn is_invisible_control(c: char) -> bool {
    vmd_core::text::is_hidden(c) || (c.is_control() && c != '\n' && c != '\t')
}

/// Removes invisible and control characters; every kind of line break
/// (U+2028, U+2029 included) becomes a newline, tabs stay.
pub fn strip_controls(s: &str) -> String {
    vmd_core::text::clean_lines(s)
}

/// Breaks links, invites and mail addresses in untrusted text, on every
/// platform and in every place (running text and code spans alike): `://`
/// becomes `[:]//`, and a dot between a letter or digit and a letter becomes
/// `[.]` (`evil[.]example/path`, `discord[.]gg/x`, `www[.]a[.]b`,
/// `x@libssh[.]org`), the usual defanging of indicators in security reports.
///
/// Why not rely on markup: Discord renders an invite card for
/// `discord.gg/…` and `discord.com/invite/…` with or without a scheme, and
/// `<…>` only suppresses embeds; Slack links bare host names and e-mail
/// addresses itself, has no escape for them, and code spans are not
/// documented to stop that. A host name without its dots is not a link
/// anywhere. Version numbers and IPv4 addresses keep their dots (a digit
/// follows them: `OpenSSH_9.6p1`, `203.0.113.7`); the ideographic and
/// full-width full stops, which IDNA reads as dots too, are broken the same
/// way.
pub fn defang(s: &str) -> String {
    let s = s.replace("://", "[:]//");
    let mut out = String::with_capacity(s.len() + 8);
    let mut prev: Option<char> = None;
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        let dot = matches!(c, '.' | '\u{3002}' | '\u{FF0E}' | '\u{FF61}');
        if dot
            && prev.is_some_and(char::is_alphanumeric)
            && chars.peek().is_some_and(|n| n.is_alphabetic())
        {
            out.push_str("[.]");
        } else {
            out.push(c);
        }
        prev = Some(c);
    }
    out
}

/// A value that can go anywhere unescaped: no markup, no mention, no link.
fn is_plain(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '/' | ' '))
        && defang(s) == s
}

/// An untrusted value as it may appear anywhere: one line (line and
/// paragraph separators become spaces), nothing invisible, links broken.
pub fn neutralise(s: &str) -> String {
    defang(&vmd_core::text::clean_line(s))
}

/// Escapes an untrusted value for running (non-code) text on a platform.
///
/// Discord takes backslash escapes. Slack mrkdwn has none, and the
/// zero-width characters other bots slip between markers are exactly what
/// is stripped here; so its markers become look-alikes that Slack does not
/// parse: `*` U+2217 `∗`, `_` U+02CD `ˍ`, `~` U+223C `∼`, `` ` `` U+02CB `ˋ`
/// (a value can then never pair with our own markup either), and `&`, `<`,
/// `>` become Slack's three entities. For Slack also an `:emoji:` code
/// loses its first colon to a look-alike (U+A789 `꞉`; IPv6 groups, all hex,
/// stay) and a leading `>`, which Slack would read as a quote at the start
/// of a line, becomes U+02C3 `˃`.
pub fn escape_text(markup: Markup, s: &str) -> String {
    let s = neutralise(s);
    let s = match markup {
        Markup::Discord => s,
        Markup::Slack => slack_plain(&s),
    };
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
                    '`' => out.push('\u{02CB}'),
                    '*' => out.push('\u{2217}'),
                    '_' => out.push('\u{02CD}'),
                    '~' => out.push('\u{223C}'),
                    c => out.push(c),
                }
            }
            out
        }
    }
}

/// Slack's own readings of running text a value must not trigger: an
/// `:emoji:` code and a quote (`>` first).
fn slack_plain(s: &str) -> String {
    let s = match s.strip_prefix('>') {
        Some(rest) => format!("\u{02C3}{rest}"),
        None => s.to_owned(),
    };
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == ':' {
            // `:name:` with a name Slack could know (not all hex digits).
            let name: Vec<char> = chars[i + 1..]
                .iter()
                .copied()
                .take_while(|d| d.is_ascii_alphanumeric() || matches!(d, '_' | '+' | '-'))
                .collect();
            let closed = chars.get(i + 1 + name.len()) == Some(&':');
            if closed && !name.is_empty() && !name.iter().all(|d| d.is_ascii_hexdigit()) {
                out.push('\u{A789}');
                i += 1;
                continue;
            }
        }
        out.push(c);
        i += 1;
    }
    out
}

/// A message as plain text, for a field no platform reads as markup (a
/// button label, Slack `plain_text`): the locale text as written (with
/// `literal` applied), every string argument neutralised, nothing escaped.
pub fn render_plain(
    loc: &Localizer,
    lang: Lang,
    msg: &Msg,
    literal: &dyn Fn(&str) -> String,
) -> String {
    let mut m = msg.clone();
    for (_, v) in m.args.iter_mut() {
        if let Arg::Str(s) = v {
            *s = neutralise(s);
        }
    }
    literal(&loc.render(lang, &m))
}

/// Escapes an untrusted value that sits inside a code span: only the
/// backtick can end the span, so it is replaced by a look-alike (U+02CB);
/// Slack still needs its three entities, since it decodes them everywhere.
/// Links are broken here too ([`defang`]).
pub fn escape_code(markup: Markup, s: &str) -> String {
    let s = neutralise(s).replace('`', "\u{02CB}");
    match markup {
        Markup::Discord => s,
        Markup::Slack => s
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;"),
    }
}

/// A URL the adapter itself chose (the ticket page) as a Slack link
/// `<url>`: entities escaped and `|` (Slack's label separator) encoded.
/// Needed because Slack text objects are sent with `verbatim`, which stops
/// Slack from linking bare URLs.
pub fn slack_link(url: &str) -> String {
    let url = strip_controls(url).replace(['\n', '\t'], "");
    format!(
        "<{}>",
        url.replace('&', "&amp;")
            .replace('<', "%3C")
            .replace('>', "%3E")
            .replace('|', "%7C")
    )
}

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// Renders a message for `markup`, escaping every string argument except
/// those named in `trusted` (values the adapter built itself, such as a
/// mention it means to show).
///
/// For Slack the locale text itself is escaped too (`&`, `<`, `>` as
/// entities, see [`escape_slack_literal`]): Slack reads `<ip>` or `&&` in our
/// own help as a link or an entity, even inside a code span. The trusted
/// arguments are the only way markup reaches Slack.
pub fn render(loc: &Localizer, lang: Lang, markup: Markup, msg: &Msg, trusted: &[&str]) -> String {
    render_mapped(loc, lang, markup, msg, trusted, &|s| s.to_owned())
}

/// Like [`render`], with `literal` applied to the locale text (never to an
/// argument) before it is escaped: an adapter's own rewording of the shared
/// text, such as the command prefix its users type.
pub fn render_mapped(
    loc: &Localizer,
    lang: Lang,
    markup: Markup,
    msg: &Msg,
    trusted: &[&str],
    literal: &dyn Fn(&str) -> String,
) -> String {
    let mut m = msg.clone();
    // (value, trusted)
    let mut values: Vec<(String, bool)> = Vec::new();
    for (name, v) in m.args.iter_mut() {
        if let Arg::Str(s) = v {
            let is_trusted = trusted.contains(&name.as_str());
            if !is_trusted && is_plain(s) {
                continue;
            }
            values.push((std::mem::take(s), is_trusted));
            *s = format!("{OPEN}{}{CLOSE}", values.len() - 1);
        }
    }
    let raw = loc.render(lang, &m);
    let mut out = String::with_capacity(raw.len() + 16);
    let mut text = String::new();
    let flush = |text: &mut String, out: &mut String| {
        let t = literal(text);
        match markup {
            Markup::Discord => out.push_str(&t),
            Markup::Slack => out.push_str(&escape_slack_literal(&t)),
        }
        text.clear();
    };
    let mut in_code = false;
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                in_code = !in_code;
                text.push(c);
            }
            OPEN => {
                flush(&mut text, &mut out);
                let mut n = String::new();
                for d in chars.by_ref() {
                    if d == CLOSE {
                        break;
                    }
                    n.push(d);
                }
                if let Some((v, is_trusted)) = n.parse::<usize>().ok().and_then(|i| values.get(i)) {
                    if *is_trusted {
                        out.push_str(v);
                    } else if in_code {
                        out.push_str(&escape_code(markup, v));
                    } else {
                        out.push_str(&escape_text(markup, v));
                    }
                }
            }
            c => text.push(c),
        }
    }
    flush(&mut text, &mut out);
    out
}

/// The bot's own text for Slack mrkdwn: `&`, `<` and `>` become entities, so
/// `<ip>`, `<windows|linux|auto>` or `&&` show as written (Slack parses `<…>`
/// as a link or mention and `&` as an entity everywhere, code spans
/// included). Markdown markers are the text's own formatting and stay.
pub fn escape_slack_literal(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
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
    fn slack_emoji_codes_and_quotes_in_values_stay_text() {
        let l = loc();
        let m = Msg::new("err-bad-os").arg("value", "> :rotating_light: :+1: 2001:db8::1");
        let t = render(&l, Lang::En, Markup::Slack, &m, &[]);
        assert!(!t.contains(":rotating_light:"), "{t}");
        assert!(!t.contains(":+1:"), "{t}");
        assert!(t.contains("\u{A789}rotating"), "{t}");
        assert!(t.contains("2001:db8::1"), "IPv6 stays as written: {t}");
        assert!(t.contains("\"\u{02C3} "), "no quote: {t}");
        assert!(!t.contains("&gt;"), "{t}");
        // Discord has no such readings: the value is only backslash-escaped.
        let d = render(&l, Lang::En, Markup::Discord, &m, &[]);
        assert!(d.contains("\\:rotating\\_light\\:"), "{d}");
    }

    #[test]
    fn plain_text_is_not_escaped() {
        let l = loc();
        let m = Msg::new("err-bad-os").arg("value", "a & b <c> *d*\u{202E}");
        let t = render_plain(&l, Lang::En, &m, &|s| s.to_owned());
        assert!(t.contains("\"a & b <c> *d*\""), "{t}");
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
            d.contains("SSH-2.0-xˋ <@123> @everyone [x](https[:]//e[.]invalid) `"),
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
            d.contains(r"\@everyone \<\@&456\> \[x\]\(https\[\:\]//e\[.\]invalid\)"),
            "{d}"
        );
        assert!(!d.contains('\u{2066}'));
        let s = render(&l, Lang::En, Markup::Slack, &m, &[]);
        assert!(
            s.contains("@everyone &lt;@&amp;456&gt; [x](https[:]//e[.]invalid)"),
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
            strip_controls("a\u{200B}b\u{202E}c\u{2066}d\u{FEFF}\u{0007}e\nf\u{2028}g"),
            "abcde\nf\ng"
        );
    }

    /// Hostile values of every class (issue 18), in running text and in a
    /// code span, on both platforms.
    fn both(value: &str) -> Vec<String> {
        let l = loc();
        let text = Msg::new("err-not-ip").arg("value", value);
        let code = Msg::new("probe-ssh")
            .arg("port", 22u16)
            .arg("banner", value);
        let mut out = Vec::new();
        for markup in [Markup::Discord, Markup::Slack] {
            for lang in [Lang::En, Lang::Ko] {
                out.push(render(&l, lang, markup, &text, &[]));
                out.push(render(&l, lang, markup, &code, &[]));
            }
        }
        out
    }

    #[test]
    fn every_invisible_class_is_stripped_from_every_value() {
        let classes = [
            "\u{00AD}",
            "\u{034F}",
            "\u{115F}\u{1160}\u{3164}\u{FFA0}",
            "\u{180B}\u{180C}\u{180D}\u{180E}\u{180F}",
            "\u{200B}\u{200C}\u{200D}\u{200E}\u{200F}\u{061C}",
            "\u{202A}\u{202B}\u{202C}\u{202D}\u{202E}\u{2066}\u{2067}\u{2068}\u{2069}",
            "\u{2060}\u{2061}\u{2062}\u{2063}\u{2064}\u{206A}\u{206F}",
            "\u{FE00}\u{FE0F}\u{E0100}\u{E01EF}",
            "\u{FEFF}",
            "\u{FFF9}\u{FFFA}\u{FFFB}",
            "\u{E0001}\u{E0020}\u{E0041}\u{E007F}",
        ];
        for hidden in classes {
            let value = format!("ab{hidden}cd");
            for out in both(&value) {
                assert!(out.contains("abcd"), "{hidden:?}: {out}");
                for c in hidden.chars() {
                    assert!(!out.contains(c), "U+{:04X} in {out}", c as u32);
                }
            }
        }
    }

    #[test]
    fn line_and_paragraph_separators_become_spaces_in_values() {
        for out in both("ab\u{2028}cd\u{2029}ef\ngh") {
            assert!(out.contains("ab cd ef gh"), "{out}");
            assert!(!out.contains(['\u{2028}', '\u{2029}']), "{out}");
        }
    }

    #[test]
    fn links_and_invites_are_broken_everywhere() {
        let value = "https://evil.example/a evil.example/path www.evil.example \
                     discord.gg/abc discord.com/invite/abc HTTP://x.y me@evil.example \
                     evil。example";
        for out in both(value) {
            for link in [
                "://",
                "evil.example",
                "www.",
                "discord.gg",
                "discord.com",
                "x.y",
                "evil。example",
            ] {
                assert!(!out.contains(link), "{link} in {out}");
            }
        }
        // Version numbers and addresses keep their dots.
        assert_eq!(
            defang("SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5 203.0.113.7"),
            "SSH-2.0-OpenSSH_9.6p1 Ubuntu-3ubuntu13.5 203.0.113.7"
        );
        assert_eq!(defang("a.b/c"), "a[.]b/c");
        // A host name is not plain: it is defanged, not passed through.
        let l = loc();
        let m = Msg::new("resolving-name").arg("name", "discord.gg");
        assert!(render(&l, Lang::En, Markup::Slack, &m, &[]).contains("discord[.]gg"));
    }

    #[test]
    fn slack_formatting_in_values_is_inert() {
        let l = loc();
        let m = Msg::new("err-not-ip").arg("value", "*bold* _it_ ~s~ `code` **x**");
        let s = render(&l, Lang::En, Markup::Slack, &m, &[]);
        assert!(!s.contains(['*', '_', '~', '`']), "{s}");
        assert!(s.contains("∗bold∗ ˍitˍ ∼s∼ ˋcodeˋ ∗∗x∗∗"), "{s}");
        let d = render(&l, Lang::En, Markup::Discord, &m, &[]);
        assert!(
            d.contains(r"\*bold\* \_it\_ \~s\~ \`code\` \*\*x\*\*"),
            "{d}"
        );
    }

    #[test]
    fn slack_gets_the_locale_text_escaped_too() {
        let l = loc();
        for lang in [Lang::En, Lang::Ko] {
            let help = render(&l, lang, Markup::Slack, &Msg::new("help"), &[]);
            assert!(
                help.contains("/diagnose) &lt;ip&gt; &lt;windows|linux|auto&gt; [")
                    || help.contains("/diagnose &lt;ip&gt; &lt;windows|linux|auto&gt; [port]"),
                "{help}"
            );
            assert!(!help.contains(['<', '>']), "{help}");
            // Discord reads the same text as written.
            let d = render(&l, lang, Markup::Discord, &Msg::new("help"), &[]);
            assert!(d.contains(" <ip> <windows|linux|auto> ["), "{d}");
        }
        // A trusted value is the only markup that passes; the rest is escaped.
        let m = Msg::new("ticket-link").arg("url", "<https://t.example/?a=1&amp;b=2>");
        let s = render(&l, Lang::En, Markup::Slack, &m, &["url"]);
        assert!(s.ends_with(": <https://t.example/?a=1&amp;b=2>"), "{s}");
        assert_eq!(
            escape_slack_literal("a && b <c> &amp;"),
            "a &amp;&amp; b &lt;c&gt; &amp;amp;"
        );
    }

    #[test]
    fn the_literal_map_touches_the_locale_text_only() {
        let l = loc();
        let m = Msg::new("err-not-ip").arg("value", "x/y <z>");
        let s = render_mapped(&l, Lang::En, Markup::Slack, &m, &[], &|t| {
            t.replace('"', "'")
        });
        assert!(s.starts_with("'x/y &lt;z&gt;' isn't"), "{s}");
    }

    #[test]
    fn a_slack_link_is_one_link() {
        assert_eq!(
            slack_link("https://support.example/t?a=1&b=x|y<z>"),
            "<https://support.example/t?a=1&amp;b=x%7Cy%3Cz%3E>"
        );
    }
}
