//! Transcripts as the adapters' trial tests render them (issue 19): what a
//! user sees, one string a message, a header line (where, who, how) and then
//! the message's body.

/// What no message may show on any platform: a Fluent placeable left
/// unrendered, a Debug dump of the reply model, an escaped line break,
/// JavaScript's `undefined`.
const RAW: &[&str] = &[
    "{ $",
    "{$",
    "Msg {",
    "Some(",
    "None",
    "Err(",
    "Ok(",
    "\\n",
    "undefined",
];

/// A shown message's body: what follows its header line, trimmed.
pub fn body(shown: &str) -> &str {
    shown.split_once('\n').map_or("", |(_, b)| b).trim()
}

/// `text` with each `<…>` token (a mention, a channel, a link) as the
/// platform's client shows it: `shown` gets what is inside the brackets,
/// `None` keeps the token as it is; an unclosed `<` stays.
pub fn tokens(text: &str, shown: impl Fn(&str) -> Option<String>) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let at = &rest[i..];
        let Some(end) = at.find('>') else {
            out.push_str(at);
            rest = "";
            break;
        };
        match shown(&at[1..end]) {
            Some(s) => out.push_str(&s),
            None => out.push_str(&at[..=end]),
        }
        rest = &at[end + 1..];
    }
    out.push_str(rest);
    out
}

/// What every transcript must hold for its reader: something shown, no
/// empty message, in Korean a Hangul syllable in every message whose body
/// `wants_korean` says must speak it (commands and values may be Latin),
/// and neither raw text ([`RAW`]) nor any of the platform's own `bad`
/// strings anywhere.
pub fn readable(korean: bool, shown: &[String], wants_korean: impl Fn(&str) -> bool, bad: &[&str]) {
    let all = shown.join("");
    assert!(!shown.is_empty(), "nothing was shown");
    for m in shown {
        let body = body(m);
        assert!(!body.is_empty(), "an empty message:\n{all}");
        if korean && wants_korean(body) {
            assert!(
                body.chars().any(|c| ('가'..='힣').contains(&c)),
                "a message without Korean:\n{m}"
            );
        }
    }
    for bad in RAW.iter().chain(bad) {
        assert!(!all.contains(bad), "{bad:?} shown:\n{all}");
    }
}

/// Prints a transcript under `title` (seen with `--nocapture`).
pub fn print(title: &str, shown: &[String]) {
    println!("===== {title} =====\n{}", shown.join(""));
}
