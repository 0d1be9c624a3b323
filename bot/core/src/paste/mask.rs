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
/// `secret=x`, `token: x`, `api_key=x`, `PGPASSWORD=x` and the like,
/// `Authorization:` headers and `Bearer x`, AWS-style access key ids,
/// Slack (`xoxb-`, `xoxp-`, `xapp-`…), Discord bot and GitHub
/// (`ghp_`, `github_pat_`…) tokens, JWTs, the password in
/// `https://user:pass@host`, `sshpass -p x`, `mysql -px` /
/// `--password x`, `chpasswd` input (`user:pass`) and
/// `net user name password`. Addresses, ports, service names and PIDs stay.
pub fn mask_secrets(text: &str) -> String {
    let text = super::cap(text);
    let mut out = String::with_capacity(text.len().min(MAX_REPORT_PASTE) + 16);
    let mut in_key = false;
    // Lines fed to `chpasswd` (a here-document, or typed after it).
    let mut chpasswd_input = false;
    for line in text.lines() {
        if chpasswd_input {
            match user_pass(line.trim()) {
                Some(user) => {
                    out.push_str(user);
                    out.push(':');
                    out.push_str(MASK);
                    out.push('\n');
                    continue;
                }
                None => chpasswd_input = false,
            }
        }
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
        // `chpasswd <<EOF`, or `chpasswd` alone: the next lines are its input.
        if let Some(i) = find_ci(line, "chpasswd") {
            let rest = line[i + "chpasswd".len()..].trim();
            chpasswd_input = rest.is_empty() || rest.starts_with("<<");
        }
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
    let masked = mask_words(line);
    let line = masked.as_str();
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

/// `user:pass` as `chpasswd` reads it: one word, a user name, a colon
/// and a non-empty password. Returns the user name.
fn user_pass(w: &str) -> Option<&str> {
    let w = w.trim_matches(['"', '\'']);
    let (user, pass) = w.split_once(':')?;
    let name_ok = !user.is_empty()
        && user
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '$'));
    (name_ok && !pass.is_empty() && !pass.starts_with("//") && !w.contains(char::is_whitespace))
        .then_some(user)
}

/// A token by its shape: Slack, GitHub, a JWT, a Discord bot token.
fn is_token(w: &str) -> bool {
    const PREFIXES: &[&str] = &[
        "xoxb-",
        "xoxp-",
        "xoxa-",
        "xoxr-",
        "xoxs-",
        "xoxe-",
        "xoxe.",
        "xapp-",
        "ghp_",
        "gho_",
        "ghu_",
        "ghs_",
        "ghr_",
        "github_pat_",
        "glpat-",
    ];
    let b64 = |s: &str| {
        s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
    };
    if PREFIXES
        .iter()
        .any(|p| w.starts_with(p) && w.len() >= p.len() + 4)
    {
        return true;
    }
    let parts: Vec<&str> = w.split('.').collect();
    if parts.len() != 3 || !parts.iter().all(|p| b64(p)) {
        return false;
    }
    // A JWT: a base64url JSON header (`{"` is `eyJ`), a payload, a signature.
    if w.starts_with("eyJ") && parts[0].len() >= 10 && parts[1].len() >= 4 {
        return true;
    }
    // A Discord bot token: the bot's id, a timestamp, an HMAC.
    let mixed = |s: &str| {
        s.chars().any(|c| c.is_ascii_uppercase()) && s.chars().any(|c| c.is_ascii_lowercase())
    };
    (23..=28).contains(&parts[0].len())
        && (6..=7).contains(&parts[1].len())
        && (27..=40).contains(&parts[2].len())
        && mixed(w)
}

/// Masks secrets that are whole words, or follow a word that announces
/// them (`sshpass -p x`, `Bearer x`, `net user name x`).
fn mask_words(line: &str) -> String {
    let lower = line.to_ascii_lowercase();
    // Only the first `-p` after `sshpass` is its password (`ssh -p 2222`
    // after it is a port).
    let mut sshpass = lower.contains("sshpass");
    let mysql = ["mysql", "mariadb"].iter().any(|w| lower.contains(w));
    let chpasswd = lower.contains("chpasswd");
    // Words with their byte ranges.
    let mut words: Vec<(usize, usize)> = Vec::new();
    let mut start = None;
    for (i, c) in line.char_indices() {
        match (c.is_whitespace(), start) {
            (true, Some(s)) => {
                words.push((s, i));
                start = None;
            }
            (false, None) => start = Some(i),
            _ => {}
        }
    }
    if let Some(s) = start {
        words.push((s, line.len()));
    }
    let word = |i: usize| -> String {
        words
            .get(i)
            .map(|&(a, b)| line[a..b].to_ascii_lowercase())
            .unwrap_or_default()
    };
    // Which part of each word to mask, as a byte range.
    let mut cuts: Vec<(usize, usize)> = Vec::new();
    let net_user = (0..words.len()).find(|&i| word(i) == "net" && word(i + 1) == "user");
    for (i, &(a, b)) in words.iter().enumerate() {
        let w = &line[a..b];
        // Quotes and punctuation around a value are kept.
        let lead = w.len() - w.trim_start_matches(['"', '\'', '(', '[', '<', '`']).len();
        let core = w[lead..].trim_end_matches(['"', '\'', ')', ']', '>', ',', ';', '`']);
        let (ca, cb) = (a + lead, a + lead + core.len());
        if core.is_empty() {
            continue;
        }
        let prev = if i > 0 { word(i - 1) } else { String::new() };
        let prev = prev.trim_matches(['"', '\'', '(', '[', '`']);
        let sshpass_p = sshpass && prev == "-p";
        sshpass &= !sshpass_p;
        let whole = is_token(core)
            || prev == "bearer"
            || sshpass_p
            || (mysql && prev == "--password")
            || net_user.is_some_and(|n| i == n + 3 && !core.starts_with('/') && core != "*");
        if whole {
            cuts.push((ca, cb));
            continue;
        }
        // `GH=ghp_…`, `--token=xoxb-…`
        if let Some(eq) = core.find('=').filter(|&e| is_token(&core[e + 1..])) {
            cuts.push((ca + eq + 1, cb));
            continue;
        }
        // `-psecret` glued (sshpass, mysql): `ssh -p 2222` is a port and
        // stays.
        if (sshpass || mysql) && core.starts_with("-p") && core.len() > 2 {
            sshpass = false;
            cuts.push((ca + 2, cb));
            continue;
        }
        // `scheme://user:pass@host`
        if let Some(s) = core.find("://") {
            let auth_end = core[s + 3..]
                .find(['/', '?', '#'])
                .map_or(core.len(), |e| s + 3 + e);
            if let Some(at) = core[s + 3..auth_end].rfind('@') {
                let userinfo = &core[s + 3..s + 3 + at];
                if let Some(colon) = userinfo.find(':') {
                    cuts.push((ca + s + 3 + colon + 1, ca + s + 3 + at));
                } else if is_token(userinfo) {
                    // `https://ghp_…@github.com/…`: the token is the user.
                    cuts.push((ca + s + 3, ca + s + 3 + at));
                }
            }
            continue;
        }
        // `echo 'root:pass' | chpasswd`
        if chpasswd {
            if let Some(user) = user_pass(core) {
                cuts.push((ca + user.len() + 1, cb));
            }
        }
    }
    let mut out = String::with_capacity(line.len());
    let mut last = 0;
    for (a, b) in cuts {
        if a < last || a >= b {
            continue;
        }
        out.push_str(&line[last..a]);
        out.push_str(MASK);
        last = b;
    }
    out.push_str(&line[last..]);
    out
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
