//! Corrections: a new server address, operating system or login port named
//! in a sentence at any step ("sorry, wrong IP, it's 203.0.113.9", "it's
//! ubuntu actually", "아 IP 잘못 드렸어요 203.0.113.9예요", "ssh는 2222 포트
//! 써요", "port is 2222 not 22").
//!
//! [`named`] finds what a sentence names, in English and Korean, and drops
//! what it names as the wrong value ("not 22", "윈도우 말고"); the engine
//! decides whether that differs from what is in force and whether the current
//! question asks for exactly that value (then it is an answer, not a
//! correction). Pure, linear in the input, capped like
//! [`crate::command::extract`].

use crate::command::{self, Os};
use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Longest sentence looked at; the rest is ignored.
const MAX_SENTENCE: usize = 1000;

/// What a correction changes; at least one part is set.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Correction {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ip: Option<IpAddr>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os: Option<Os>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    /// Another Linux family than the one in force ("it's ubuntu, not
    /// centos"): only the commands change, so it is applied at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distro: Option<command::Distro>,
}

impl Correction {
    pub fn is_empty(&self) -> bool {
        self.ip.is_none() && self.os.is_none() && self.port.is_none() && self.distro.is_none()
    }

    /// Only the Linux family changes: nothing to confirm or re-check.
    pub fn distro_only(&self) -> bool {
        self.distro.is_some() && self.ip.is_none() && self.os.is_none() && self.port.is_none()
    }

    /// What the confirmation is about: a new address carries the rest with
    /// it; an OS its login port.
    pub fn what(&self) -> &'static str {
        if self.ip.is_some() {
            "ip"
        } else if self.os.is_some() {
            "os"
        } else {
            "port"
        }
    }
}

/// What a sentence names as the server's address, OS and login port, and
/// whether it reads as a correction ("wrong", "actually", "잘못", "말고", ...).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Named {
    pub ip: Option<IpAddr>,
    pub os: Option<Os>,
    pub port: Option<u16>,
    /// The Linux family of the distribution named (not named as the wrong
    /// one: "ubuntu, not centos"), when only one family is.
    pub distro: Option<command::Distro>,
    pub cue: bool,
}

/// Words that say the sentence corrects something.
const CUES: &[&str] = &[
    "wrong",
    "sorry",
    "actually",
    "typo",
    "mistake",
    "correction",
    "instead",
    "not",
    "isn't",
    "meant",
    "mean",
    "change",
    "changed",
    "use",
    "uses",
    "using",
    "runs",
    "listens",
    "잘못",
    "아니라",
    "아니고",
    "아니에요",
    "말고",
    "정정",
    "사실",
    "바꿨",
    "바꿔",
    "변경",
    "써요",
    "쓰는",
    "써서",
    "사용",
    "실수",
    "틀렸",
    "오타",
];

/// The user's own computer or address is meant, not the server's.
const CLIENT_WORDS: &[&str] = &[
    "putty",
    "laptop",
    "my pc",
    "my computer",
    "my machine",
    "my mac",
    "macbook",
    "client",
    "from windows",
    "on my",
    "my ip",
    "my address",
    "my public ip",
    "source",
    "allow",
    "allowed",
    "whitelist",
    "노트북",
    "내 컴퓨터",
    "제 컴퓨터",
    "내 pc",
    "제 pc",
    "로컬",
    "클라이언트",
    "맥북",
    "내 ip",
    "제 ip",
    "내 아이피",
    "제 아이피",
    "허용",
    "소스",
];

const WINDOWS: &[&str] = &[
    "windows",
    "winserver",
    "windows2016",
    "windows2019",
    "windows2022",
    "윈도우",
    "윈도",
];
const LINUX: &[&str] = command::LINUX_WORDS;

/// English words before a value that make it the wrong one ("not 22",
/// "instead of windows", "from 22 to 2222").
const NOT_BEFORE: &[&str] = &["not", "isn't", "wasn't", "of", "from", "never"];
/// Korean endings or words after a value that make it the wrong one
/// ("22 아니고", "윈도우말고", "22에서 2222로").
const NOT_AFTER: &[&str] = &["아니", "말고", "에서", "대신"];

/// What `text` names (see the module docs).
pub fn named(text: &str) -> Named {
    let text: String = text.chars().take(MAX_SENTENCE).collect();
    let lower = text.to_lowercase();
    let x = command::extract(&text);
    let tokens: Vec<&str> = lower
        .split(|c: char| {
            c.is_whitespace() || matches!(c, ',' | '(' | ')' | '"' | '\'' | '!' | '?' | ';' | '~')
        })
        .map(|t| t.trim_end_matches(['.', ':']))
        .filter(|t| !t.is_empty())
        .collect();
    let cue = CUES
        .iter()
        .any(|c| tokens.iter().any(|t| t == c) || (!c.is_ascii() && lower.contains(c)));
    let client = CLIENT_WORDS.iter().any(|w| {
        if w.contains(' ') || !w.is_ascii() {
            lower.contains(w)
        } else {
            tokens.iter().any(|t| t == w)
        }
    });
    // An address given as a source (`/32`) or as the user's own is not the
    // server's.
    let ip = x.ip.filter(|ip| {
        let s = ip.to_string();
        !client && !ip.is_unspecified() && !lower.contains(&format!("{s}/"))
    });
    Named {
        ip,
        os: if client { None } else { os_named(&tokens) },
        distro: if client { None } else { distro_named(&tokens) },
        port: port_named(&tokens).or(x.port.filter(|_| x.ip.is_some())),
        cue,
    }
}

/// Whether the value at `i` (a token) is named as the wrong one.
fn negated(tokens: &[&str], i: usize, value_end: &str) -> bool {
    let before = tokens[i.saturating_sub(2)..i]
        .iter()
        .any(|t| NOT_BEFORE.contains(t) || t.ends_with("n't"));
    let after_same = NOT_AFTER.iter().any(|n| value_end.contains(n));
    let after_next = tokens
        .get(i + 1)
        .is_some_and(|t| NOT_AFTER.iter().any(|n| t.starts_with(n)));
    before || after_same || after_next
}

fn os_named(tokens: &[&str]) -> Option<Os> {
    one_named(tokens, &[(WINDOWS, Os::Windows), (LINUX, Os::Linux)])
}

/// The Linux family of the distributions named and not negated; none
/// when two families are.
fn distro_named(tokens: &[&str]) -> Option<command::Distro> {
    one_named(
        tokens,
        &[
            (command::DEBIAN_WORDS, command::Distro::Debian),
            (command::REDHAT_WORDS, command::Distro::Redhat),
        ],
    )
}

/// The one value whose words the tokens name, not named as the wrong one
/// ("not centos", "윈도우 말고"); none when two values are named. The
/// first table whose words a token starts with wins (Korean particles
/// follow the word in the same token).
fn one_named<T: Copy + PartialEq>(tokens: &[&str], tables: &[(&[&str], T)]) -> Option<T> {
    let mut found: Option<T> = None;
    for (i, t) in tokens.iter().enumerate() {
        let hit = tables.iter().find_map(|(list, value)| {
            list.iter().find_map(|w| {
                let rest = if w.is_ascii() {
                    (*t == *w).then_some("")
                } else {
                    t.strip_prefix(w)
                };
                rest.map(|r| (*value, r))
            })
        });
        let Some((value, rest)) = hit else {
            continue;
        };
        if negated(tokens, i, rest) {
            continue;
        }
        match found {
            Some(f) if f != value => return None,
            _ => found = Some(value),
        }
    }
    found
}

/// A port named next to the word "port" ("port is 2222", "-p 2222", "2222번
/// 포트", "포트는 2222예요"), not named as the wrong one; exactly one.
fn port_named(tokens: &[&str]) -> Option<u16> {
    let is_key = |t: &str| {
        t == "port"
            || t == "ports"
            || t == "-p"
            || t.starts_with("포트")
            || t.starts_with("port:")
            || t.starts_with("port=")
    };
    let keys: Vec<usize> = (0..tokens.len()).filter(|&i| is_key(tokens[i])).collect();
    if keys.is_empty() {
        return None;
    }
    let mut found: Option<u16> = None;
    for (i, t) in tokens.iter().enumerate() {
        let t = t
            .trim_start_matches("port:")
            .trim_start_matches("port=")
            .trim_start_matches(':');
        let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() || digits.len() > 5 {
            continue;
        }
        let rest = &t[digits.len()..];
        // Part of an address, a version or a word ("22.04", "2fa").
        if rest.starts_with(['.', ':', '/']) && !rest.starts_with("/tcp")
            || rest.starts_with(|c: char| c.is_ascii_alphabetic()) && !rest.starts_with("/tcp")
        {
            continue;
        }
        let Ok(p) = command::parse_port(&digits) else {
            continue;
        };
        let near = keys.iter().any(|&k| k.abs_diff(i) <= 4);
        if !near || negated(tokens, i, rest) {
            continue;
        }
        match found {
            Some(f) if f != p => return None,
            _ => found = Some(p),
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn addresses() {
        let n = named("sorry, wrong IP, it's 203.0.113.9");
        assert_eq!(n.ip, ip("203.0.113.9"));
        assert!(n.cue);
        let n = named("아 IP 잘못 드렸어요 203.0.113.9예요");
        assert_eq!(n.ip, ip("203.0.113.9"));
        assert!(n.cue);
        // A listening address, the user's own address, a source rule: not
        // the server.
        assert_eq!(named("sshd listens on 0.0.0.0:22").ip, None);
        assert_eq!(named("I allowed my ip 198.51.100.7").ip, None);
        assert_eq!(named("added 198.51.100.7/32 to the group").ip, None);
        assert_eq!(named("제 IP는 198.51.100.7이에요").ip, None);
    }

    #[test]
    fn operating_systems() {
        assert_eq!(named("it's ubuntu actually").os, Some(Os::Linux));
        assert_eq!(named("윈도우 서버예요").os, Some(Os::Windows));
        assert_eq!(named("윈도우서버예요").os, Some(Os::Windows));
        assert_eq!(named("it's ubuntu, not windows").os, Some(Os::Linux));
        assert_eq!(named("not windows, it's ubuntu").os, Some(Os::Linux));
        assert_eq!(named("윈도우 말고 우분투예요").os, Some(Os::Linux));
        assert_eq!(named("우분투가 아니라 윈도우예요").os, Some(Os::Windows));
        // Both, unnegated: unclear. The client's OS: not the server's.
        assert_eq!(named("windows or linux, not sure").os, None);
        assert_eq!(named("I use putty on windows").os, None);
        assert_eq!(named("제 노트북은 윈도우예요").os, None);
        // "ssh"/"rdp" say how the user logs in, not what the server runs.
        assert_eq!(named("ssh says connection refused").os, None);
    }

    #[test]
    fn ports() {
        assert_eq!(named("port is 2222 not 22").port, Some(2222));
        assert_eq!(named("ssh는 2222 포트 써요").port, Some(2222));
        assert_eq!(named("포트는 2222예요").port, Some(2222));
        assert_eq!(named("22 아니고 2222번 포트예요").port, Some(2222));
        assert_eq!(named("changed the port from 22 to 2222").port, Some(2222));
        assert_eq!(named("ssh -p 2222 works on the console").port, Some(2222));
        assert_eq!(named("it's 203.0.113.9:2222").port, Some(2222));
        // No "port" near it: an answer, a count, an option number.
        assert_eq!(named("2222").port, None);
        assert_eq!(named("2번이요").port, None);
        assert_eq!(named("ubuntu 22.04 port").port, None);
        // Two different ports: unclear.
        assert_eq!(named("port 22 and port 2222").port, None);
    }

    #[test]
    fn long_input_is_bounded() {
        let long = "port 2222 ".repeat(10_000);
        assert_eq!(named(&long).port, Some(2222));
    }
}
