//! Text hygiene end to end: the hostile corpus the adapters' escape tests
//! send through the real adapter, and what may never reach a platform's API.

use serde_json::Value;
use vmd_core::probe::PortState;
use vmd_runtime::fake::GateProber;

/// Links, invites, an address, a line and a paragraph separator, and one
/// character of every invisible class: the part of the hostile corpus every
/// platform shares (each puts its own markup in front, see
/// [`hostile!`](crate::hostile)).
#[macro_export]
macro_rules! hostile {
    ($markup:literal) => {
        concat!(
            $markup,
            "https://evil.example/x evil.example/path www.evil.example \
             discord.gg/inv discord.com/invite/inv me@evil.example x\u{2028}y\u{2029}z \
             h\u{3164}\u{115F}\u{1160}\u{FFA0}g t\u{E0001}\u{E0041}\u{E007F}g v\u{FE0F}\u{E0100}\u{180B}\u{180E}s \
             c\u{034F}\u{00AD}\u{2060}\u{2062}\u{FEFF}\u{FFF9}\u{FFFB}\u{200B}\u{202E}\u{2066}j"
        )
    };
}

/// What must never reach the API as it was typed.
pub const LINKS: [&str; 5] = [
    "evil.example",
    "https://evil",
    "www.evil",
    "discord.gg",
    "discord.com/invite",
];

/// Every string in a JSON value, appended to `out`.
pub fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|x| strings(x, out)),
        Value::Object(o) => o.values().for_each(|x| strings(x, out)),
        _ => {}
    }
}

/// Backticks that open or close Markdown code spans (not escaped by a
/// backslash).
pub fn code_ticks(s: &str) -> usize {
    s.match_indices('`')
        .filter(|(i, _)| !s[..*i].ends_with('\\'))
        .count()
}

/// `needle` occurs in `s` only inside a Markdown code span (a backslash
/// escapes a backtick).
pub fn only_in_markdown_code(s: &str, needle: &str) -> bool {
    s.match_indices(needle)
        .all(|(at, _)| code_ticks(&s[..at]) % 2 == 1)
}

/// `needle` occurs in `s` only inside an mrkdwn code span (mrkdwn escapes
/// nothing: every backtick counts).
pub fn only_in_mrkdwn_code(s: &str, needle: &str) -> bool {
    s.match_indices(needle)
        .all(|(at, _)| s[..at].matches('`').count() % 2 == 1)
}

/// `needle` occurs in `s` only escaped (right after a backslash) or inside a
/// Markdown code span.
pub fn only_escaped(s: &str, needle: &str) -> bool {
    let mut from = 0;
    while let Some(i) = s[from..].find(needle) {
        let at = from + i;
        let escaped = s[..at].ends_with('\\');
        let in_code = code_ticks(&s[..at]) % 2 == 1;
        if !escaped && !in_code {
            return false;
        }
        from = at + needle.len();
    }
    true
}

/// A server whose open SSH port sends `hostile` as its identification line.
pub fn banner_prober(hostile: &str) -> GateProber {
    let prober =
        GateProber::new(&[PortState::Open], true).with_banner(&format!("SSH-2.0-{hostile}"));
    prober.gate.add_permits(100);
    prober
}

/// A server whose login port is closed: the conversation asks for pastes.
pub fn closed_prober() -> GateProber {
    let prober = GateProber::new(&[PortState::Closed], true);
    prober.gate.add_permits(100);
    prober
}

/// An sshd log line quoting `hostile` up to its address (what a paste
/// reader says back).
pub fn fatal_line(hostile: &str) -> String {
    format!(
        "Dec 02 03:00:01 vm sshd[812]: fatal: {}\n",
        &hostile[..hostile.find(" me@").expect("the corpus has an address")]
    )
}

/// The "SSH on port" line of a summary's `text`: the banner stays in its
/// one code span, on one line, every invisible character gone.
pub fn assert_banner_line(text: &str) -> String {
    let ssh = text
        .lines()
        .find(|l| l.starts_with("SSH on port"))
        .unwrap_or_else(|| panic!("no SSH line in {text}"))
        .to_owned();
    assert_eq!(ssh.matches('`').count(), 2, "{ssh}");
    assert!(ssh.contains("x y z hg tg vs cj"), "{ssh}");
    ssh
}

/// What reached `platform`'s API (`all`, every string sent): enough of it,
/// nothing invisible, no line or paragraph separator, none of [`LINKS`],
/// and each of `marks` only inside code (`in_code`, the platform's idea of
/// a code span).
pub fn assert_neutralised(
    all: &[String],
    platform: &str,
    marks: &[&str],
    in_code: fn(&str, &str) -> bool,
) {
    assert!(all.len() > 10, "too few strings checked: {}", all.len());
    for s in all {
        for c in s.chars() {
            assert!(
                !vmd_core::text::is_hidden(c) || c == '\n',
                "U+{:04X} reached {platform} in {s:?}",
                c as u32
            );
            assert!(
                !matches!(c, '\u{2028}' | '\u{2029}'),
                "a separator in {s:?}"
            );
        }
        for link in LINKS {
            assert!(!s.contains(link), "{link} reached {platform} in {s:?}");
        }
        for mark in marks {
            assert!(
                in_code(s, mark),
                "{mark} reached {platform} unescaped in {s:?}"
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn code_spans_are_told_apart_from_escaped_ticks() {
        assert!(only_in_markdown_code("`*b*`", "*b*"));
        assert!(!only_in_markdown_code(r"\`*b*`", "*b*"));
        assert!(!only_in_mrkdwn_code("*b* `x`", "*b*"));
        assert!(only_in_mrkdwn_code(r"\`*b*`", "*b*"));
        assert!(only_escaped(r"\@everyone", "@everyone"));
        assert!(!only_escaped("@everyone", "@everyone"));
    }

    #[test]
    fn the_corpus_carries_every_class() {
        let h = hostile!("*b* ");
        assert!(h.starts_with("*b* https://evil.example/x"));
        assert!(h.chars().any(vmd_core::text::is_hidden));
        assert!(h.contains('\u{2028}') && h.contains('\u{2029}'));
    }
}
