//! The chat command grammar shared by every platform.
//!
//! Parsing is pure and total: every input yields a [`Command`] or a
//! [`CommandError`] that carries the Fluent id of its explanation.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;
use std::str::FromStr;

/// Operating system of the instance.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Os {
    Windows,
    Linux,
    /// Decide from which of 22/3389 answers.
    Auto,
}

impl Os {
    pub fn key(self) -> &'static str {
        match self {
            Os::Windows => "windows",
            Os::Linux => "linux",
            Os::Auto => "auto",
        }
    }

    /// Accepts the common names users type, in English and Korean.
    pub fn parse(s: &str) -> Option<Os> {
        let t = s.trim().to_lowercase();
        match t.as_str() {
            "windows" | "win" | "windows server" | "윈도우" | "윈도우즈" | "윈도" => {
                Some(Os::Windows)
            }
            "linux" | "ubuntu" | "centos" | "debian" | "rocky" | "rhel" | "almalinux"
            | "opencloudos" | "tencentos" | "리눅스" | "우분투" | "센트os" | "센토스" => {
                Some(Os::Linux)
            }
            "auto" | "unknown" | "자동" | "모름" | "모르겠어요" => Some(Os::Auto),
            _ => None,
        }
    }
}

/// Languages the bot speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Lang {
    #[serde(rename = "en-US")]
    En,
    #[serde(rename = "ko-KR")]
    Ko,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::En, Lang::Ko];

    pub fn tag(self) -> &'static str {
        match self {
            Lang::En => "en-US",
            Lang::Ko => "ko-KR",
        }
    }

    /// Accepts `ko`, `ko-KR`, `kr`, `한국어`, `en`, `en-US`, `en-GB`, `english`, ...
    /// Platform locale codes (Discord sends `ko`, `en-US`) map the same way.
    pub fn parse(s: &str) -> Option<Lang> {
        let t = s.trim().to_lowercase().replace('_', "-");
        if t == "ko" || t.starts_with("ko-") || matches!(t.as_str(), "kr" | "korean" | "한국어")
        {
            Some(Lang::Ko)
        } else if t == "en" || t.starts_with("en-") || matches!(t.as_str(), "english" | "영어") {
            Some(Lang::En)
        } else {
            None
        }
    }
}

/// A parsed chat command.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    /// `/diagnose [ip] [os] [port]`: any missing part is asked for.
    Diagnose {
        ip: Option<IpAddr>,
        os: Option<Os>,
        port: Option<u16>,
    },
    Back,
    Restart,
    Lang(Lang),
    Status,
    Ticket,
    Help,
    Quit,
}

/// Why a command line was not understood; `id()` is the Fluent message to show.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum CommandError {
    #[error("unknown command")]
    Unknown,
    #[error("not an IP address")]
    BadIp,
    #[error("unknown operating system")]
    BadOs,
    #[error("port out of range")]
    BadPort,
    #[error("unknown language")]
    BadLang,
    #[error("too many arguments")]
    TooMany,
}

impl CommandError {
    pub fn id(&self) -> &'static str {
        match self {
            CommandError::Unknown => "err-unknown-command",
            CommandError::BadIp => "err-not-ip",
            CommandError::BadOs => "err-bad-os",
            CommandError::BadPort => "err-bad-port",
            CommandError::BadLang => "err-bad-lang",
            CommandError::TooMany => "err-too-many-args",
        }
    }
}

/// The word of the command line `text` that `e` is about (`127.1` for a bad
/// address in `/diagnose 127.1 linux`), for the message that names it; empty
/// when the error is about no single word.
pub fn offending<'a>(text: &'a str, e: &CommandError) -> &'a str {
    let nth = match e {
        CommandError::BadIp | CommandError::BadLang => 0,
        CommandError::BadOs => 1,
        CommandError::BadPort => 2,
        CommandError::Unknown | CommandError::TooMany => return "",
    };
    let rest = text.trim().strip_prefix('/').unwrap_or_default();
    rest.split_whitespace().nth(nth + 1).unwrap_or_default()
}

/// Parses an IP literal as users paste it (`203.0.113.5`, `[2001:db8::1]`, with spaces).
pub fn parse_ip(s: &str) -> Result<IpAddr, CommandError> {
    let t = s.trim().trim_start_matches('[').trim_end_matches(']');
    IpAddr::from_str(t).map_err(|_| CommandError::BadIp)
}

/// Parses a TCP port, 1..=65535.
pub fn parse_port(s: &str) -> Result<u16, CommandError> {
    match s.trim().parse::<u32>() {
        Ok(n) if (1..=65535).contains(&n) => Ok(n as u16),
        _ => Err(CommandError::BadPort),
    }
}

/// What a sentence names: "my server is 203.0.113.7 and it's windows, can't
/// rdp", "우분투 서버 203.0.113.7 2222번 포트로 접속이 안 돼요".
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Extracted {
    pub ip: Option<IpAddr>,
    pub os: Option<Os>,
    pub port: Option<u16>,
    /// The Linux family a named distribution belongs to, when the text
    /// names distributions of one family only.
    pub distro: Option<Distro>,
}

/// Distributions of the Debian family, as people name them.
pub const DEBIAN_WORDS: &[&str] = &["ubuntu", "debian", "우분투", "데비안"];
/// Distributions of the Red Hat family, as people name them.
pub const REDHAT_WORDS: &[&str] = &[
    "centos",
    "rocky",
    "rhel",
    "almalinux",
    "fedora",
    "tencentos",
    "opencloudos",
    "센토스",
    "레드햇",
    "로키",
];

/// A Linux family whose commands differ: the SSH unit (`ssh` / `sshd`), the
/// package manager, the firewall front end.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Distro {
    /// Ubuntu, Debian.
    Debian,
    /// CentOS, Rocky, RHEL, AlmaLinux, Fedora, TencentOS, OpenCloudOS.
    Redhat,
}

impl Distro {
    pub fn key(self) -> &'static str {
        match self {
            Distro::Debian => "debian",
            Distro::Redhat => "redhat",
        }
    }
}

/// Words that name a Linux distribution (or Linux itself), as whole words;
/// the Korean ones anywhere.
pub const LINUX_WORDS: &[&str] = &[
    "linux",
    "ubuntu",
    "centos",
    "debian",
    "rocky",
    "rhel",
    "almalinux",
    "fedora",
    "opensuse",
    "suse",
    "tencentos",
    "opencloudos",
    "amazon-linux",
    "리눅스",
    "우분투",
    "센토스",
    "데비안",
    "레드햇",
    "로키",
];

/// Longest sentence looked at; the rest is ignored (bounded work per message).
const MAX_SENTENCE: usize = 1000;

/// Finds an IP address (v4 or v6, also `[v6]:port` and `v4:port`), an
/// operating system and a port in free text, in English or Korean.
/// Deterministic and linear in the input; the first address wins.
pub fn extract(text: &str) -> Extracted {
    let text: String = text.chars().take(MAX_SENTENCE).collect();
    let mut x = Extracted::default();
    let lower = text.to_lowercase();

    // Addresses: maximal runs of the characters an address can contain.
    let is_addr_char =
        |c: char| c.is_ascii_hexdigit() || c == '.' || c == ':' || c == '[' || c == ']';
    let chars: Vec<char> = lower.chars().collect();
    let mut i = 0;
    while i < chars.len() && x.ip.is_none() {
        if !is_addr_char(chars[i]) || (i > 0 && chars[i - 1].is_ascii_alphanumeric()) {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && is_addr_char(chars[i]) {
            i += 1;
        }
        // A run glued to letters ("abc1.2.3.4x") is a word, not an address;
        // Korean particles after it ("203.0.113.7이고") are fine.
        if i < chars.len() && chars[i].is_ascii_alphabetic() {
            continue;
        }
        let run: String = chars[start..i].iter().collect();
        let run = run.trim_end_matches(['.', ':']);
        let found = addr_with_port(run).or_else(|| addr_with_port(run.trim_start_matches(':')));
        if let Some((ip, port)) = found {
            x.ip = Some(ip);
            if port.is_some() {
                x.port = port;
            }
        }
    }

    // Operating system: explicit names first, then what the user tried.
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    let has = |w: &str| words.contains(&w) || (!w.is_ascii() && lower.contains(w));
    const WINDOWS: &[&str] = &[
        "windows",
        "win",
        "winserver",
        "windows2019",
        "windows2022",
        "윈도우",
        "윈도우즈",
        "윈도",
        "윈도우서버",
    ];
    x.distro = match (
        DEBIAN_WORDS.iter().any(|w| has(w)),
        REDHAT_WORDS.iter().any(|w| has(w)),
    ) {
        (true, false) => Some(Distro::Debian),
        (false, true) => Some(Distro::Redhat),
        _ => None,
    };
    if WINDOWS.iter().any(|w| has(w)) {
        x.os = Some(Os::Windows);
    } else if LINUX_WORDS.iter().any(|w| has(w)) {
        x.os = Some(Os::Linux);
    } else if [
        "rdp",
        "mstsc",
        "원격데스크톱",
        "원격 데스크톱",
        "remote desktop",
    ]
    .iter()
    .any(|w| has(w) || lower.contains(w))
    {
        x.os = Some(Os::Windows);
    } else if ["ssh", "sshd", "putty"].iter().any(|w| has(w)) {
        x.os = Some(Os::Linux);
    }

    // A port: "port 2222", "port: 2222", "-p 2222", "2222번 포트", "포트 2222", "2222번".
    if x.port.is_none() {
        x.port = port_phrase(&lower);
    }
    x
}

/// A DNS host name in free text (`web.example.com`, `db-1.internal.example`):
/// labels of letters, digits, `-` and `_`, at least two of them, the last a
/// word of letters that is not a file or unit suffix (`sshd_config`,
/// `ssh.socket`, `nginx.conf` are not hosts). Korean particles after the name
/// are ignored (`web.example.com이에요`).
pub fn host_name(text: &str) -> Option<String> {
    const NOT_TLDS: &[&str] = &[
        "socket", "service", "conf", "config", "log", "txt", "md", "exe", "msc", "ps1", "sh",
        "json", "yaml", "yml", "toml", "ini", "pem", "key", "pub", "d", "target", "timer", "mount",
        "py", "rs", "js", "html", "png", "jpg", "zip", "gz", "tar", "rdp", "bat",
    ];
    text.chars()
        .take(MAX_SENTENCE)
        .collect::<String>()
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')' || c == '"')
        .map(|w| {
            let end = w
                .char_indices()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_')))
                .map(|(i, _)| i)
                .unwrap_or(w.len());
            w[..end].trim_end_matches('.').to_ascii_lowercase()
        })
        .find(|w| {
            let labels: Vec<&str> = w.split('.').collect();
            let last = labels.last().copied().unwrap_or("");
            w.len() <= 253
                && labels.len() >= 2
                && labels.iter().all(|l| {
                    !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-')
                })
                && (2..=24).contains(&last.len())
                && last.chars().all(|c| c.is_ascii_alphabetic())
                && !NOT_TLDS.contains(&last)
        })
}

fn addr_with_port(run: &str) -> Option<(IpAddr, Option<u16>)> {
    if let Ok(ip) = parse_ip(run) {
        return Some((ip, None));
    }
    // [v6]:port
    if let Some(rest) = run.strip_prefix('[') {
        let (addr, tail) = rest.split_once(']')?;
        let ip = IpAddr::from_str(addr).ok()?;
        let port = tail.strip_prefix(':').and_then(|p| parse_port(p).ok());
        return Some((ip, port));
    }
    // v4:port (a v6 literal has more than one colon)
    if run.matches(':').count() == 1 {
        let (addr, port) = run.split_once(':')?;
        let ip: std::net::Ipv4Addr = addr.parse().ok()?;
        return Some((IpAddr::V4(ip), parse_port(port).ok()));
    }
    None
}

fn port_phrase(lower: &str) -> Option<u16> {
    let tokens: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',' || c == '(' || c == ')')
        .filter(|t| !t.is_empty())
        .collect();
    let num = |t: &str| -> Option<u16> {
        let t = t.trim_start_matches([':', '=']);
        let digits: String = t.chars().take_while(|c| c.is_ascii_digit()).collect();
        if digits.is_empty() || digits.len() > 5 {
            return None;
        }
        // A number that goes on with `.` or `:` and more digits is part of
        // an address or a version (`198.18.0.10`, `2001:db8::1`, `22.04`),
        // not a port.
        let mut after = t[digits.len()..].chars();
        if matches!(after.next(), Some('.' | ':'))
            && after.next().is_some_and(|c| c.is_ascii_hexdigit())
        {
            return None;
        }
        parse_port(&digits).ok()
    };
    for (i, t) in tokens.iter().enumerate() {
        // "port 2222", "port:2222", "port=2222", "-p 2222", "포트 2222", "포트는 2222"
        for key in ["port", "-p", "포트"] {
            if let Some(rest) = t.strip_prefix(key) {
                let rest =
                    rest.trim_start_matches(|c: char| !c.is_ascii_digit() && c != ':' && c != '=');
                if let Some(p) = num(rest) {
                    return Some(p);
                }
                if rest.is_empty() || !rest.chars().any(|c| c.is_ascii_digit()) {
                    if let Some(p) = tokens.get(i + 1).and_then(|n| num(n)) {
                        return Some(p);
                    }
                }
            }
        }
        // "2222번", "2222번 포트", "2222 포트", "2222/tcp"
        if let Some(p) = num(t) {
            let tail = t.trim_start_matches(|c: char| c.is_ascii_digit());
            let next = tokens.get(i + 1).copied().unwrap_or("");
            if tail.starts_with('번')
                || tail.starts_with("/tcp")
                || next.starts_with("포트")
                || next == "port"
            {
                return Some(p);
            }
        }
    }
    None
}

/// `Some` when `text` is a command (starts with `/`), else `None`.
pub fn parse(text: &str) -> Option<Result<Command, CommandError>> {
    let text = text.trim();
    let rest = text.strip_prefix('/')?;
    let mut words = rest.split_whitespace();
    let name = words.next().unwrap_or("").to_lowercase();
    let args: Vec<&str> = words.collect();
    let no_args = |c: Command| {
        if args.is_empty() {
            Ok(c)
        } else {
            Err(CommandError::TooMany)
        }
    };
    Some(match name.as_str() {
        "diagnose" | "진단" => parse_diagnose(&args),
        "back" | "이전" | "뒤로" => no_args(Command::Back),
        "restart" | "처음부터" => no_args(Command::Restart),
        "status" | "상태" => no_args(Command::Status),
        "ticket" | "티켓" => no_args(Command::Ticket),
        "help" | "도움말" => no_args(Command::Help),
        "quit" | "exit" | "종료" => no_args(Command::Quit),
        "lang" | "language" | "언어" => match args.as_slice() {
            [l] => Lang::parse(l)
                .map(Command::Lang)
                .ok_or(CommandError::BadLang),
            [] => Err(CommandError::BadLang),
            _ => Err(CommandError::TooMany),
        },
        _ => Err(CommandError::Unknown),
    })
}

fn parse_diagnose(args: &[&str]) -> Result<Command, CommandError> {
    if args.len() > 3 {
        return Err(CommandError::TooMany);
    }
    let ip = args.first().map(|s| parse_ip(s)).transpose()?;
    let os = args
        .get(1)
        .map(|s| Os::parse(s).ok_or(CommandError::BadOs))
        .transpose()?;
    let port = args.get(2).map(|s| parse_port(s)).transpose()?;
    Ok(Command::Diagnose { ip, os, port })
}

/// Longest text looked at for the user's own computer (a pasted `ping` or
/// `ssh -v` names it in its first lines).
const MAX_CLIENT_TEXT: usize = 8000;

/// The user's own computer, `mac`, `windows` or `linux`, when a sentence or
/// a pasted client output says it: "from my MacBook", "윈도우 10 노트북",
/// `TcpTestSucceeded`, Windows' `Reply from`, macOS's `round-trip … stddev`
/// and LibreSSL, Linux's `rtt … mdev`. The server's OS words alone
/// ("windows", "ubuntu") say nothing about the client; a text that names
/// two clients names none.
pub fn client_os(text: &str) -> Option<&'static str> {
    let lower: String = text
        .chars()
        .take(MAX_CLIENT_TEXT)
        .collect::<String>()
        .to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| !(c.is_alphanumeric() || c == '-'))
        .filter(|w| !w.is_empty())
        .collect();
    let word = |w: &str| {
        words.iter().enumerate().any(|(i, x)| {
            *x == w
                && words
                    .get(i + 1)
                    .is_none_or(|n| *n != "address" && *n != "주소")
        })
    };
    let any = |ps: &[&str]| ps.iter().any(|p| lower.contains(p));
    let mac = ["mac", "macbook", "macos", "imac", "osx"]
        .iter()
        .any(|w| word(w))
        || any(&[
            "맥북",
            "맥에서",
            "맥으로",
            "맥os",
            "맥 os",
            "아이맥",
            "libressl",
            "round-trip min/avg/max/stddev",
            "nc: connectx to",
        ]);
    let windows = any(&[
        "windows 10",
        "windows 11",
        "win10",
        "win11",
        "windows pc",
        "windows laptop",
        "윈도우 10",
        "윈도우10",
        "윈도우 11",
        "윈도우11",
        "윈도우 노트북",
        "윈도우 pc",
        "tcptestsucceeded",
        "reply from ",
        "request timed out",
        "bytes=32",
        "바이트=32",
        "요청 시간이 만료",
        "openssh_for_windows",
    ]);
    let linux = any(&[
        "rtt min/avg/max/mdev",
        "linux laptop",
        "linux desktop",
        "linux pc",
        "ubuntu desktop",
        "리눅스 노트북",
        "리눅스 pc",
    ]);
    match (mac, windows, linux) {
        (true, false, false) => Some("mac"),
        (false, true, false) => Some("windows"),
        (false, false, true) => Some("linux"),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(input: &str, expect: Option<Result<Command, CommandError>>) {
        assert_eq!(parse(input), expect, "input: {input:?}");
    }

    #[test]
    fn grammar() {
        let ip: IpAddr = "203.0.113.7".parse().unwrap();
        check("hello", None);
        check(
            "/diagnose 203.0.113.7 windows",
            Some(Ok(Command::Diagnose {
                ip: Some(ip),
                os: Some(Os::Windows),
                port: None,
            })),
        );
        check(
            "  /diagnose [203.0.113.7] 리눅스 2222 ",
            Some(Ok(Command::Diagnose {
                ip: Some(ip),
                os: Some(Os::Linux),
                port: Some(2222),
            })),
        );
        check(
            "/diagnose",
            Some(Ok(Command::Diagnose {
                ip: None,
                os: None,
                port: None,
            })),
        );
        check("/diagnose 999.1.1.1 linux", Some(Err(CommandError::BadIp)));
        check("/diagnose 203.0.113.7 beos", Some(Err(CommandError::BadOs)));
        check(
            "/diagnose 203.0.113.7 linux 0",
            Some(Err(CommandError::BadPort)),
        );
        check(
            "/diagnose 203.0.113.7 linux 65536",
            Some(Err(CommandError::BadPort)),
        );
        check("/diagnose a b c d", Some(Err(CommandError::TooMany)));
        check("/lang ko", Some(Ok(Command::Lang(Lang::Ko))));
        check("/lang en-US", Some(Ok(Command::Lang(Lang::En))));
        check("/lang fr", Some(Err(CommandError::BadLang)));
        check("/lang", Some(Err(CommandError::BadLang)));
        check("/back", Some(Ok(Command::Back)));
        check("/BACK", Some(Ok(Command::Back)));
        check("/back now", Some(Err(CommandError::TooMany)));
        check("/restart", Some(Ok(Command::Restart)));
        check("/status", Some(Ok(Command::Status)));
        check("/ticket", Some(Ok(Command::Ticket)));
        check("/quit", Some(Ok(Command::Quit)));
        check("/frobnicate", Some(Err(CommandError::Unknown)));
        check("/", Some(Err(CommandError::Unknown)));
    }

    #[test]
    fn langs_from_platform_codes() {
        assert_eq!(Lang::parse("ko"), Some(Lang::Ko));
        assert_eq!(Lang::parse("en-GB"), Some(Lang::En));
        assert_eq!(Lang::parse("ko_KR"), Some(Lang::Ko));
        assert_eq!(Lang::parse("de"), None);
    }

    #[test]
    fn the_users_own_computer_from_sentences_and_pastes() {
        for (t, want) in [
            ("I'm connecting from my MacBook", Some("mac")),
            ("맥북에서 접속하는데 안 돼요", Some("mac")),
            ("on macOS Sonoma", Some("mac")),
            ("my MAC address is 00:11:22", None),
            ("windows 11 laptop, server is ubuntu", Some("windows")),
            ("윈도우 10 노트북에서 해요", Some("windows")),
            (
                "ComputerName : 1.2.3.4\nTcpTestSucceeded : False",
                Some("windows"),
            ),
            ("Request timed out.\nRequest timed out.", Some("windows")),
            ("요청 시간이 만료되었습니다.", Some("windows")),
            (
                "--- 1.2.3.4 ping statistics ---\nround-trip min/avg/max/stddev = 1/2/3/0.5 ms",
                Some("mac"),
            ),
            ("rtt min/avg/max/mdev = 1.0/2.0/3.0/0.5 ms", Some("linux")),
            ("debug1: OpenSSH_9.0p1, LibreSSL 3.3.6", Some("mac")),
            ("my server runs windows", None),
            ("it's an ubuntu server", None),
            ("from my mac; the other one is windows 10", None),
        ] {
            assert_eq!(client_os(t), want, "{t:?}");
        }
    }
}
