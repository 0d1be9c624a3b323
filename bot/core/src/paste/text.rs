//! Small string helpers shared by the readers: no regex, linear time.

use super::{Confidence, Fact};

/// Removes ANSI escape sequences (CSI `ESC [ ... final`, OSC `ESC ] ... BEL`)
/// and other control characters except tab and newline.
pub(crate) fn strip_ansi(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\u{1b}' {
            match chars.peek() {
                Some('[') => {
                    chars.next();
                    // Parameters and intermediates, then one final byte @..~.
                    for d in chars.by_ref() {
                        if ('@'..='~').contains(&d) {
                            break;
                        }
                    }
                }
                Some(']') => {
                    chars.next();
                    while let Some(d) = chars.next() {
                        if d == '\u{7}' {
                            break;
                        }
                        if d == '\u{1b}' {
                            if chars.peek() == Some(&'\\') {
                                chars.next();
                            }
                            break;
                        }
                    }
                }
                Some(_) => {
                    chars.next();
                }
                None => {}
            }
        } else if c == '\r' {
            // CRLF stays for `lines()`; a lone CR ends a line too.
            if chars.peek() != Some(&'\n') {
                out.push('\n');
            }
        } else if c == '\t' || c == '\n' || !c.is_control() {
            out.push(c);
        }
    }
    out
}

/// ASCII case-insensitive `contains`.
pub(crate) fn has(hay: &str, needle: &str) -> bool {
    find_ci(hay, needle).is_some()
}

/// ASCII case-insensitive `find` (byte offset of the first match).
pub(crate) fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.as_bytes();
    let n = needle.as_bytes();
    if n.is_empty() {
        return Some(0);
    }
    if n.len() > h.len() {
        return None;
    }
    let first = n[0].to_ascii_lowercase();
    (0..=h.len() - n.len()).find(|&i| {
        h[i].eq_ignore_ascii_case(&first)
            && h[i..i + n.len()]
                .iter()
                .zip(n)
                .all(|(a, b)| a.eq_ignore_ascii_case(b))
    })
}

/// The text after the first case-insensitive occurrence of `needle`.
pub(crate) fn after_ci<'a>(hay: &'a str, needle: &str) -> Option<&'a str> {
    find_ci(hay, needle).map(|i| &hay[i + needle.len()..])
}

/// Whitespace-separated tokens of a line.
pub(crate) fn toks(line: &str) -> Vec<&str> {
    line.split_whitespace().collect()
}

/// A leading run of ASCII digits parsed as a number.
pub(crate) fn leading_num<T: std::str::FromStr>(s: &str) -> Option<T> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 || end > 12 {
        return None;
    }
    s[..end].parse().ok()
}

/// Caps a string taken from a paste.
pub(crate) fn capped(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => s[..i].to_string(),
        None => s.to_string(),
    }
}

/// If `line` is a shell or PowerShell command line (with or without a
/// prompt), the command it runs: lower-cased first word without a leading
/// `sudo`, a path or `.exe`, and the rest of the command line.
pub(crate) fn command(line: &str) -> Option<(String, &str)> {
    let line = line.trim();
    let mut rest = line;
    // `C:\Users\me>netstat -ano`
    let b = line.as_bytes();
    if b.len() > 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'\\' {
        if let Some(i) = line.find('>') {
            rest = &line[i + 1..];
        }
    } else if let Some(p) = line.strip_prefix("PS ") {
        rest = p.find('>').map(|i| &p[i + 1..])?;
    } else {
        // `user@host:~$ cmd`, `[root@host ~]# cmd`, `$ cmd`, `% cmd`, `> cmd`
        let head: String = line.chars().take(80).collect();
        for marker in ["$ ", "# ", "% ", "> "] {
            if let Some(i) = head.find(marker) {
                let prefix = &head[..i];
                if !prefix.contains(' ') || prefix.starts_with('[') || prefix.is_empty() {
                    rest = &line[i + marker.len()..];
                    break;
                }
            }
        }
    }
    let mut words = rest.split_whitespace();
    let mut first = words.next()?;
    if first == "sudo" || first == "doas" {
        first = words.next()?;
        while first.starts_with('-') {
            first = words.next()?;
        }
    }
    let first = first.trim_end_matches([';', '&', '|']);
    let base = first.rsplit(['/', '\\']).next().unwrap_or(first);
    let base = base.to_ascii_lowercase();
    let base = base.strip_suffix(".exe").unwrap_or(&base).to_string();
    if base.is_empty()
        || !base
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    {
        return None;
    }
    Some((base, rest))
}

/// Whether any line runs one of `names` (compare [`command`]).
pub(crate) fn has_command(text: &str, names: &[&str]) -> bool {
    text.lines()
        .any(|l| command(l).is_some_and(|(c, _)| names.contains(&c.as_str())))
}

/// Parses `addr:port` as printed by netstat or ss: `0.0.0.0:22`, `[::]:22`,
/// `:::22`, `*:22`, `0.0.0.0%eth0:22`, `[::1]:22`, macOS `*.22`,
/// `127.0.0.1.22`. Returns the address without brackets or interface, and
/// the port. `*` or `0` as port (a peer column) gives `None`.
pub(crate) fn addr_port(s: &str) -> Option<(String, u16)> {
    let s = s.trim();
    if s.len() > 80 {
        return None;
    }
    let (addr, port) = if let Some(i) = s.rfind(':') {
        (&s[..i], &s[i + 1..])
    } else if let Some(i) = s.rfind('.') {
        // macOS netstat: `*.22`, `10.0.0.4.22`
        let a = &s[..i];
        if a != "*" && a.matches('.').count() != 3 {
            return None;
        }
        (a, &s[i + 1..])
    } else {
        return None;
    };
    if port.is_empty() || port.len() > 5 || !port.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let port: u16 = port.parse().ok()?;
    let mut addr = addr.trim_start_matches('[').trim_end_matches(']');
    if let Some(i) = addr.find('%') {
        addr = &addr[..i];
    }
    let addr = addr.trim_start_matches('[').trim_end_matches(']');
    let addr = if addr.is_empty() || addr == "::" || addr == ":" {
        "::"
    } else {
        addr
    };
    let ok = addr == "*"
        || addr
            .bytes()
            .all(|c| c.is_ascii_hexdigit() || c == b'.' || c == b':');
    if !ok {
        return None;
    }
    Some((addr.to_string(), port))
}

/// Whether a peer column is a wildcard or `addr:port` (`0.0.0.0:*`, `[::]:*`,
/// `*:*`, `0.0.0.0:0`, `*.*`).
pub(crate) fn peer_ok(s: &str) -> bool {
    if s == "*:*" || s == "*.*" {
        return true;
    }
    if let Some(a) = s.strip_suffix(":*") {
        let a = a.trim_start_matches('[').trim_end_matches(']');
        let a = a.split('%').next().unwrap_or("");
        return a == "*"
            || a.is_empty()
            || a.bytes()
                .all(|c| c.is_ascii_hexdigit() || c == b'.' || c == b':');
    }
    addr_port(s).is_some()
}

/// Pushes a fact unless an equal one is there already.
pub(crate) fn push(facts: &mut Vec<Fact>, f: Fact) {
    if facts.len() < super::MAX_FACTS && !facts.contains(&f) {
        facts.push(f);
    }
}

pub(crate) fn conf(high: bool) -> Confidence {
    if high {
        Confidence::High
    } else {
        Confidence::Medium
    }
}

/// Ports that matter most for logging in; listed first.
pub(crate) fn login_first(facts: &mut [Fact]) {
    facts.sort_by_key(|f| match f {
        Fact::Listening { port, .. } | Fact::Established { port } => {
            !(*port == 22 || *port == 3389)
        }
        _ => true,
    });
}
