//! Masking secrets in a paste before it goes into a report.

use super::text::find_ci;

/// Longest paste kept in a report, in bytes.
pub const MAX_REPORT_PASTE: usize = 4 * 1024;

const MASK: &str = "[masked]";
const KEYWORDS: &[&str] = &[
    "password",
    "passwd",
    "passphrase",
    "pwd",
    "secret",
    "token",
    "apikey",
    "api_key",
    "api-key",
    "access_key",
    "private_key",
    "비밀번호",
    "암호",
];

/// Trims a paste to at most [`MAX_REPORT_PASTE`] bytes and masks anything
/// that looks like a secret: PEM private key blocks, `password: x`,
/// `secret=x`, `token: x`, `api_key=x` and the like, `Authorization:`
/// headers, and AWS-style access key ids.
pub fn mask_secrets(text: &str) -> String {
    let text = super::cap(text);
    let mut out = String::with_capacity(text.len().min(MAX_REPORT_PASTE) + 16);
    let mut in_key = false;
    for line in text.lines() {
        if in_key {
            if line.contains("-----END") || line.starts_with("Private-MAC:") {
                in_key = false;
            }
            continue;
        }
        // A PuTTY key's private part: `Private-Lines: N` up to `Private-MAC:`.
        if line.starts_with("Private-Lines:") || line.starts_with("Private-MAC:") {
            in_key = line.starts_with("Private-Lines:");
            out.push_str(MASK);
            out.push('\n');
            continue;
        }
        if line.contains("-----BEGIN") && line.contains("PRIVATE KEY") {
            if !line.contains("-----END") || line.find("-----END") < line.find("-----BEGIN") {
                in_key = true;
            }
            out.push_str(MASK);
            out.push('\n');
            continue;
        }
        out.push_str(&mask_line(line));
        out.push('\n');
        if out.len() > MAX_REPORT_PASTE + 1024 {
            break;
        }
    }
    if !text.ends_with('\n') && out.ends_with('\n') {
        out.pop();
    }
    if out.len() > MAX_REPORT_PASTE {
        const MORE: &str = "\n[trimmed]";
        let mut end = MAX_REPORT_PASTE - MORE.len();
        while !out.is_char_boundary(end) {
            end -= 1;
        }
        out.truncate(end);
        out.push_str(MORE);
    }
    out
}

fn mask_line(line: &str) -> String {
    // `Authorization: Bearer ...`, `Proxy-Authorization: Basic ...`
    if let Some(i) = find_ci(line, "authorization:") {
        return format!("{} {MASK}", &line[..i + "authorization:".len()]);
    }
    let mut cut: Option<usize> = None;
    for kw in KEYWORDS {
        let mut from = 0;
        while let Some(i) = find_ci(&line[from..], kw) {
            let start = from + i + kw.len();
            if let Some(v) = value_start(&line[start..]) {
                let at = start + v;
                cut = Some(cut.map_or(at, |c| c.min(at)));
                break;
            }
            from = start;
        }
    }
    let line = match cut {
        Some(at) => format!("{}{MASK}", &line[..at]),
        None => line.to_string(),
    };
    mask_aws(&line)
}

/// After a keyword: the rest of a word (`password_hash`, `SECRET_KEY`),
/// optional quotes and spaces, then `:` or `=` and a non-empty value. Returns
/// the offset where the value starts.
fn value_start(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'-') {
        i += 1;
    }
    while i < b.len() && (b[i] == b'"' || b[i] == b'\'' || b[i] == b' ') {
        i += 1;
    }
    if i >= b.len() || (b[i] != b':' && b[i] != b'=') {
        return None;
    }
    i += 1;
    while i < b.len() && b[i] == b' ' {
        i += 1;
    }
    (i < b.len()).then_some(i)
}

/// `AKIA...`/`ASIA...` followed by 16 upper-case letters or digits.
fn mask_aws(line: &str) -> String {
    let b = line.as_bytes();
    let mut out = String::with_capacity(line.len());
    let mut i = 0;
    let mut last = 0;
    while i + 20 <= b.len() {
        let prefix = &b[i..i + 4];
        let boundary = i == 0 || !b[i - 1].is_ascii_alphanumeric();
        if boundary
            && (prefix == b"AKIA" || prefix == b"ASIA")
            && b[i + 4..i + 20]
                .iter()
                .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
            && (i + 20 == b.len() || !b[i + 20].is_ascii_alphanumeric())
        {
            out.push_str(&line[last..i]);
            out.push_str(MASK);
            i += 20;
            last = i;
            continue;
        }
        i += 1;
    }
    out.push_str(&line[last..]);
    out
}
