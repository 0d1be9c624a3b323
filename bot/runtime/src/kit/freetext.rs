//! A diagnosis started by a sentence ("@vm-doctor my server 203.0.113.7 won't
//! let me rdp"): the first IP address in it, the OS if a word gives it away,
//! and the login port if the sentence names one ("port 2222", "2222번 포트",
//! `203.0.113.7:2222`). Pure; adapters turn a hit into `/diagnose` and anything else into
//! plain text for the conversation.

use vmd_core::command::{self, Command, Os};

/// Longest text looked at, in characters.
const MAX_SCAN: usize = 2000;

/// `Some(Diagnose { .. })` when `text` names an IP address.
pub fn start_from_text(text: &str) -> Option<Command> {
    let text: String = text.chars().take(MAX_SCAN).collect();
    let words: Vec<String> = text
        .split(|c: char| c.is_whitespace() || matches!(c, ',' | ';' | '(' | ')' | '"' | '\''))
        .map(|w| w.trim_end_matches(['.', '!', '?', ':']).to_lowercase())
        .filter(|w| !w.is_empty())
        .collect();
    let named = command::extract(&text);
    let ip = words
        .iter()
        .find_map(|w| command::parse_ip(w).ok())
        .or(named.ip)?;
    let os = words.iter().find_map(|w| match w.as_str() {
        "rdp" | "mstsc" | "windows" | "win" | "윈도우" | "윈도우즈" | "원격데스크톱" => {
            Some(Os::Windows)
        }
        "ssh" | "linux" | "ubuntu" | "debian" | "centos" | "rocky" | "리눅스" | "우분투" => {
            Some(Os::Linux)
        }
        _ => None,
    });
    Some(Command::Diagnose {
        ip: Some(ip),
        os,
        port: named.port,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_ip_and_the_os() {
        let c = start_from_text("my server 203.0.113.7 won't let me rdp.").unwrap();
        assert_eq!(
            c,
            Command::Diagnose {
                ip: Some("203.0.113.7".parse().unwrap()),
                os: Some(Os::Windows),
                port: None
            }
        );
        let c = start_from_text("서버(2001:db8::1)에 ssh 접속이 안 돼요").unwrap();
        assert!(
            matches!(
                c,
                Command::Diagnose {
                    os: Some(Os::Linux),
                    ..
                }
            ),
            "{c:?}"
        );
        assert!(matches!(
            start_from_text("help me with 203.0.113.9"),
            Some(Command::Diagnose { os: None, .. })
        ));
        assert_eq!(start_from_text("my server won't let me in"), None);
        // The port named in the sentence is the one probed.
        let port = |t: &str| match start_from_text(t) {
            Some(Command::Diagnose { port, .. }) => port,
            other => panic!("{t}: {other:?}"),
        };
        assert_eq!(port("203.0.113.5 linux port 2222"), Some(2222));
        assert_eq!(
            port("우분투 203.0.113.5 2222번 포트로 접속이 안 돼요"),
            Some(2222)
        );
        assert_eq!(port("can't ssh to 203.0.113.5:2222"), Some(2222));
        assert_eq!(port("203.0.113.5 ubuntu 22.04"), None);
        assert_eq!(start_from_text("version 1.2.3"), None);
    }
}
