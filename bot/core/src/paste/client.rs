//! What the user's own machine printed: `ssh -v`, `nc -vz`/ncat, `ping`
//! (Windows English and Korean, Linux, macOS) and `telnet`.

use super::text::{after_ci, conf, has, has_command, leading_num, push};
use super::{ClientResult, Fact, PasteKind, Reading};

fn server_log(l: &str) -> bool {
    l.contains("sshd[")
        || l.contains("sshd-session[")
        || l.contains("[preauth]")
        || l.contains("authenticating user")
        || l.contains("invalid user")
}

/// `N` of `ssh: connect to host H port N: …`.
fn failed_port(l: &str) -> Option<u16> {
    let rest = after_ci(l, "connect to host ")?;
    let (_, after) = rest.split_once(" port ")?;
    let digits: String = after.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().ok().filter(|p| *p > 0)
}

/// `ssh -v` and plain `ssh` client messages.
pub(crate) fn ssh_client(text: &str) -> Option<Reading> {
    let mut facts = Vec::new();
    let mut debug = 0;
    let mut denied_retry = false;
    for line in text.lines() {
        let l = line.trim();
        if server_log(l) || l.starts_with("nc:") || l.starts_with("Ncat:") {
            continue;
        }
        if l.starts_with("debug1:")
            || l.starts_with("debug2:")
            || l.starts_with("debug3:")
            || l.starts_with("OpenSSH_")
        {
            debug += 1;
        }
        let result = if let Some(rest) = after_ci(l, "connect to host ") {
            if !l.starts_with("ssh:") && !has(rest, " port ") {
                None
            } else if has(rest, "Connection refused") {
                Some(ClientResult::Refused)
            } else if has(rest, "timed out") {
                Some(ClientResult::TimedOut)
            } else if has(rest, "No route to host") || has(rest, "Network is unreachable") {
                Some(ClientResult::NoRoute)
            } else {
                None
            }
        } else if l.starts_with("ssh: Could not resolve hostname") {
            Some(ClientResult::NameNotResolved)
        } else if let Some(methods) = l.split("Permission denied (").nth(1) {
            if methods.contains("password") || methods.contains("keyboard-interactive") {
                Some(ClientResult::PasswordDenied)
            } else {
                Some(ClientResult::PublickeyDenied)
            }
        } else if l.starts_with("Permission denied, please try again") {
            denied_retry = true;
            Some(ClientResult::PasswordDenied)
        } else if has(l, "no matching key exchange method found") {
            Some(ClientResult::NoMatchingKex)
        } else if has(l, "no matching host key type found") {
            Some(ClientResult::NoMatchingHostKey)
        } else if has(l, "no matching cipher found") {
            Some(ClientResult::NoMatchingCipher)
        } else if has(l, "REMOTE HOST IDENTIFICATION HAS CHANGED")
            || l.starts_with("Host key verification failed")
        {
            Some(ClientResult::HostKeyChanged)
        } else if l.starts_with("kex_exchange_identification:")
            || l.starts_with("ssh_exchange_identification:")
            || (l.starts_with("Connection closed by ") && has(l, " port "))
            || (l.starts_with("Connection reset by ") && has(l, " port "))
        {
            Some(ClientResult::ClosedByServer)
        } else if l == "debug1: Connection established." || l.starts_with("Authenticated to ") {
            Some(ClientResult::Connected)
        } else {
            None
        };
        if let Some(result) = result {
            push(&mut facts, Fact::Client { result });
            // The port a failed connection named: a client still aimed at
            // the old port after the service moved.
            if matches!(
                result,
                ClientResult::Refused | ClientResult::TimedOut | ClientResult::NoRoute
            ) {
                if let Some(port) = failed_port(l) {
                    push(&mut facts, Fact::ClientPort { port });
                }
            }
        }
    }
    if facts.is_empty() {
        return None;
    }
    // "Permission denied (publickey,password)" after retries is a password denial.
    if denied_retry {
        facts.retain(|f| {
            *f != Fact::Client {
                result: ClientResult::PublickeyDenied,
            }
        });
    }
    // Every message above but a bare "Connection closed" is ssh's own wording.
    let distinctive = facts.iter().any(|f| {
        !matches!(
            f,
            Fact::Client {
                result: ClientResult::ClosedByServer | ClientResult::Connected
            }
        )
    });
    let high = debug >= 2 || has_command(text, &["ssh"]) || distinctive;
    Some(Reading {
        kind: PasteKind::SshClient,
        confidence: conf(high),
        facts,
    })
}

/// What `ssh -v` shows about a refused login: the user name typed, the keys
/// the client offered, a key file named that does not exist.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SshDetails {
    /// The login name (`root` of `root@203.0.113.7: Permission denied` or
    /// `Authenticating to … as 'root'`): letters, digits, `.`, `_`, `-`.
    pub user: Option<String>,
    /// Keys offered to the server; `None` without `-v` output.
    pub offered: Option<u32>,
    /// A key file named with `-i` that is not there.
    pub missing: Option<String>,
}

/// A login name as `ssh` prints it, or nothing when it isn't one.
fn login_name(s: &str) -> Option<String> {
    let ok = !s.is_empty()
        && s.len() <= 32
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    ok.then(|| s.to_owned())
}

/// The details of an `ssh` login the server refused; `None` when the text
/// shows no refused login.
pub fn ssh_details(text: &str) -> Option<SshDetails> {
    let mut denied = false;
    let mut user = None;
    let mut offered = 0u32;
    let mut debug = false;
    let mut missing = None;
    let mut absent: Vec<String> = Vec::new();
    for line in text.lines().take(2000) {
        let l = line.trim();
        if server_log(l) {
            continue;
        }
        if l.starts_with("debug1:") {
            debug = true;
        }
        if let Some((who, _)) = l.split_once(": Permission denied (") {
            denied = true;
            if let Some((u, _)) = who.rsplit_once('@') {
                user = login_name(u).or(user);
            }
        } else if l.starts_with("Permission denied, please try again") {
            denied = true;
        } else if let Some(rest) = after_ci(l, "debug1: Authenticating to ") {
            if let Some(u) = rest.split(" as '").nth(1) {
                user = login_name(u.trim_end_matches('\'')).or(user);
            }
        } else if l.starts_with("debug1: Offering ") && has(l, "public key") {
            offered += 1;
        } else if let Some(rest) = after_ci(l, "debug1: identity file ") {
            // `type -1`: no such file (ssh lists the default names it looks for).
            if let Some(file) = rest.strip_suffix(" type -1") {
                absent.push(file.to_owned());
            }
        } else if let Some(file) = after_ci(l, "debug1: Trying private key: ") {
            // A private key without its public half is offered too, when
            // the file exists.
            if !absent.iter().any(|a| a == file.trim()) {
                offered += 1;
            }
        } else if let Some(rest) = after_ci(l, "Warning: Identity file ") {
            let file = rest.split(" not accessible").next().unwrap_or(rest);
            missing = Some(file.chars().take(80).collect::<String>());
        }
    }
    denied.then_some(SshDetails {
        user,
        offered: debug.then_some(offered),
        missing,
    })
}

/// `nc -vz` (OpenBSD, macOS) and ncat.
pub(crate) fn netcat(text: &str) -> Option<Reading> {
    let mut facts = Vec::new();
    for line in text.lines() {
        let l = line.trim();
        let result = if l.starts_with("Connection to ") && l.ends_with("succeeded!") {
            Some(ClientResult::Connected)
        } else if let Some(rest) = l
            .strip_prefix("nc: connect")
            .or_else(|| l.strip_prefix("nc: connectx"))
        {
            if has(rest, "Connection refused") {
                Some(ClientResult::Refused)
            } else if has(rest, "timed out") || has(rest, "Operation now in progress") {
                Some(ClientResult::TimedOut)
            } else if has(rest, "No route to host") || has(rest, "Network is unreachable") {
                Some(ClientResult::NoRoute)
            } else {
                None
            }
        } else if l.starts_with("nc: getaddrinfo") {
            Some(ClientResult::NameNotResolved)
        } else if let Some(rest) = l.strip_prefix("Ncat: ") {
            if rest.starts_with("Connected to ") {
                Some(ClientResult::Connected)
            } else if rest.starts_with("Connection refused") {
                Some(ClientResult::Refused)
            } else if rest.starts_with("TIMEOUT") || rest.starts_with("Connection timed out") {
                Some(ClientResult::TimedOut)
            } else {
                None
            }
        } else {
            None
        };
        if let Some(result) = result {
            push(&mut facts, Fact::Client { result });
        }
    }
    if facts.is_empty() {
        return None;
    }
    let high = has_command(text, &["nc", "ncat", "netcat"]) || has(text, "Ncat: Version");
    Some(Reading {
        kind: PasteKind::Netcat,
        confidence: conf(high),
        facts,
    })
}

/// `ping` on Windows (English, Korean), Linux and macOS.
pub(crate) fn ping(text: &str) -> Option<Reading> {
    let mut echo = 0u32;
    let mut lost = 0u32;
    let mut unreachable = 0u32;
    let mut stats: Option<u64> = None;
    let mut header = false;
    for line in text.lines() {
        let l = line.trim();
        if (l.starts_with("Pinging ") && l.contains(" bytes of data"))
            || (l.starts_with("PING ") && l.contains(" data bytes")
                || l.starts_with("PING ") && l.contains("bytes of data"))
            || (l.starts_with("Ping ") && l.contains("바이트 데이터 사용"))
        {
            header = true;
        } else if (l.starts_with("Reply from ") && (l.contains("time=") || l.contains("time<")))
            || (l.contains("의 응답: ") && (l.contains("시간=") || l.contains("시간<")))
            || (l.contains(" bytes from ") && l.contains("icmp_seq="))
        {
            // IPv4 echo replies carry bytes= and TTL=, IPv6 ones only the time.
            echo += 1;
        } else if l == "Request timed out."
            || l == "요청 시간이 만료되었습니다."
            || l.starts_with("Request timeout for icmp_seq")
        {
            lost += 1;
        } else if has(l, "Destination host unreachable")
            || l.contains("대상 호스트에 연결할 수 없습니다")
            || has(l, "Destination Net Unreachable")
            || has(l, "General failure")
            || l.contains("일반 오류")
        {
            unreachable += 1;
        } else if let Some(rest) = l
            .strip_prefix("Packets: Sent = ")
            .or_else(|| l.strip_prefix("패킷: 보냄 = "))
        {
            let recv = after_ci(rest, "Received = ").or_else(|| rest.split("받음 = ").nth(1));
            stats = recv.and_then(leading_num);
            header = true;
        } else if l.contains(" packets transmitted, ") {
            let recv = l.split(", ").nth(1).and_then(leading_num::<u64>);
            stats = recv;
            header = true;
        }
    }
    let replies = if echo > 0 {
        true
    } else if lost > 0 || unreachable > 0 {
        false
    } else {
        // Windows counts "Destination host unreachable" as received: only
        // trust the statistics line when no per-packet line says otherwise.
        stats? > 0
    };
    if echo == 0 && lost == 0 && unreachable == 0 && !header {
        return None;
    }
    let high = header || has_command(text, &["ping"]);
    let mut facts = Vec::new();
    push(&mut facts, Fact::Ping { replies });
    Some(Reading {
        kind: PasteKind::Ping,
        confidence: conf(high),
        facts,
    })
}

/// `telnet HOST PORT` on Windows (English, Korean) and Linux/macOS.
pub(crate) fn telnet(text: &str) -> Option<Reading> {
    let mut facts = Vec::new();
    let mut trying = false;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with("Trying ") && l.ends_with("...") {
            trying = true;
            continue;
        }
        let result = if has(l, "Could not open connection to the host")
            || l.contains("호스트에 연결할 수 없습니다")
                && l.contains("포트")
                && l.contains("연결하지 못했습니다")
        {
            Some(ClientResult::TimedOut)
        } else if let Some(rest) = l
            .strip_prefix("telnet: Unable to connect to remote host:")
            .or_else(|| l.strip_prefix("telnet: connect to address"))
        {
            if has(rest, "Connection refused") {
                Some(ClientResult::Refused)
            } else if has(rest, "timed out") {
                Some(ClientResult::TimedOut)
            } else {
                None
            }
        } else if (trying && l.starts_with("Connected to "))
            || l.starts_with("Escape character is '^]'")
        {
            Some(ClientResult::Connected)
        } else {
            None
        };
        if let Some(result) = result {
            push(&mut facts, Fact::Client { result });
        }
    }
    if facts.is_empty() {
        return None;
    }
    let high = has_command(text, &["telnet"])
        || trying
        || has(text, "Connecting To ")
        || text.contains("연결 대상");
    Some(Reading {
        kind: PasteKind::Telnet,
        confidence: conf(high),
        facts,
    })
}
