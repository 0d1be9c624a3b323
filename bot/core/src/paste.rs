//! Reading what users paste: command output and boot logs become typed facts.
//!
//! A paste is recognised by its content, not by the step the conversation is
//! at: every reader looks at the text and either recognises its format and
//! extracts [`Fact`]s, or passes. Pure, bounded (pastes are capped at
//! [`MAX_PASTE`] bytes, lines at [`MAX_LINE`] characters) and free of regex
//! backtracking: readers work line by line with plain string operations.
//! Every reader is linear in the (capped) text, so `read` does bounded work
//! whatever is pasted.
//!
//! The readers (the `READERS` table; each an inline module below), one [`PasteKind`] each:
//! - `windows`: `netstat` (Windows `-ant`/`-ano` in English and Korean, Linux
//!   `-tlnp`, macOS `-an`), `reg query`/`Get-ItemProperty`/the bot's
//!   one-liner for both `PortNumber` values, `Test-NetConnection`,
//!   `sc query`/`Get-Service TermService`, `qwinsta`;
//! - `linux`: `ss`, `systemctl status`, sshd log lines (journal, syslog; also
//!   the journal tail `systemctl status` shows, so such a paste gives a
//!   `Systemctl` and an `SshdLog` reading), `sshd -t`, `free`, `uptime`/`top`
//!   (with `nproc`/`lscpu`/per-CPU lines for the CPU count), `df`;
//! - `firewall`: `ufw status`, `firewall-cmd --list-all`, `iptables -S`,
//!   `iptables-save`, `iptables -L -n [-v]`, `nft list ruleset`: allow/block
//!   facts only where the first matching rule (or the default policy) is
//!   certain for a new inbound TCP connection from anywhere;
//! - `client`: `ssh -v`, `nc -vz`/ncat, `ping` (Windows English and Korean,
//!   Linux, macOS), `telnet` (Windows English and Korean, Linux);
//! - `boot`: boot and serial-console text (`Failed to start OpenSSH` is a
//!   `Boot` fact wherever it appears, `systemctl status` included).
//!
//! [`mask_secrets`] prepares a paste for a report.

use serde::{Deserialize, Serialize};

pub use mask::{mask_secrets, MAX_REPORT_PASTE};

/// Longest paste read, in bytes; longer ones get a clear message instead.
pub const MAX_PASTE: usize = 64 * 1024;
/// Longest line looked at, in characters (the rest of a line is ignored).
pub const MAX_LINE: usize = 512;
/// At most this many facts are kept from one paste.
pub const MAX_FACTS: usize = 32;

/// How sure a reader is about what it read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// Parts of the text look like the format, but not all of it.
    Medium,
    /// The text is unmistakably this format.
    High,
}

/// What was pasted.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PasteKind {
    /// `netstat -ant|-ano` (Windows) or `netstat -tlnp` (Linux).
    Netstat,
    /// `ss -tlnp`.
    Ss,
    /// `reg query ... /v PortNumber` or `Get-ItemProperty ... PortNumber`.
    Registry,
    /// `Test-NetConnection -Port`.
    TestNetConnection,
    /// `ping` (Windows, Linux, macOS; English and Korean Windows).
    Ping,
    /// `telnet` (Windows, English and Korean).
    Telnet,
    /// `nc -vz` / ncat.
    Netcat,
    /// `sc query TermService` / `Get-Service TermService`.
    WindowsService,
    /// `qwinsta`.
    Qwinsta,
    /// `systemctl status ssh|sshd|ssh.socket`.
    Systemctl,
    /// `journalctl -u ssh`, `/var/log/secure`, `/var/log/auth.log`.
    SshdLog,
    /// `sshd -t`.
    SshdTest,
    /// `ufw status`.
    Ufw,
    /// `firewall-cmd --list-all`.
    Firewalld,
    /// `iptables -S` / `iptables -L -n`.
    Iptables,
    /// `nft list ruleset`.
    Nft,
    /// `free -m`.
    Free,
    /// `uptime` or the `top` header.
    Uptime,
    /// `df -h`.
    Df,
    /// `ssh -v` and other ssh client output.
    SshClient,
    /// Boot or serial-console text.
    Boot,
}

/// Which registry value.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RegKey {
    /// `...\Terminal Server\Wds\rdpwd\Tds\tcp`
    Tds,
    /// `...\Terminal Server\WinStations\RDP-Tcp` (the port RDP listens on)
    RdpTcp,
}

/// A service a paste reports on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Svc {
    /// Windows Remote Desktop Services.
    TermService,
    /// `ssh.service` / `sshd.service`.
    Sshd,
    /// `ssh.socket` (socket activation).
    SshSocket,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SvcState {
    /// `RUNNING`, `active (running)`, `Running`.
    Running,
    /// `active (listening)` (a socket unit).
    Listening,
    /// `STOPPED`, `inactive (dead)`, `Stopped`.
    Stopped,
    /// `failed`.
    Failed,
    /// `Unit ssh.service could not be found.` / the service does not exist.
    NotFound,
    /// `START_PENDING`, `StartPending`, `activating (start)`: starting, and
    /// stuck when it stays so.
    Starting,
}

/// Firewall front-ends.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Firewall {
    Ufw,
    Firewalld,
    Iptables,
    Nft,
}

/// What an ssh (or RDP/nc/telnet/Test-NetConnection) client reported.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ClientResult {
    /// It connected (`Connected to`, `succeeded`, `open`, `TcpTestSucceeded : True`,
    /// `debug1: Connection established.`).
    Connected,
    /// `Connection refused`.
    Refused,
    /// `Connection timed out`, `TcpTestSucceeded : False`, telnet could not open.
    TimedOut,
    /// `Permission denied (publickey)`.
    PublickeyDenied,
    /// `Permission denied, please try again.` / `(password)`.
    PasswordDenied,
    /// `no matching key exchange method found`.
    NoMatchingKex,
    /// `no matching host key type found`.
    NoMatchingHostKey,
    /// `REMOTE HOST IDENTIFICATION HAS CHANGED` / `Host key verification failed`.
    HostKeyChanged,
    /// `Connection closed by ...` / `Connection reset by peer` / `kex_exchange_identification`.
    ClosedByServer,
    /// `No route to host` / `Network is unreachable` (also what a firewall
    /// rejecting with `icmp-host-prohibited`, CentOS's default, looks like).
    NoRoute,
    /// `Could not resolve hostname …` / `Name or service not known`.
    NameNotResolved,
    /// `no matching cipher found`.
    NoMatchingCipher,
}

/// What a server log or `sshd -t` says went wrong.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum SshdProblem {
    /// `Bind to port N on ADDR failed: Address already in use.`
    AddressInUse { port: Option<u16> },
    /// `Bind to port N on ADDR failed: Permission denied.`: SELinux refusing a
    /// port not labelled `ssh_port_t` (CentOS, Rocky, RHEL).
    BindDenied { port: Option<u16> },
    /// `Missing privilege separation directory: /run/sshd` (not a config error).
    MissingPrivsep,
    /// `/etc/ssh/sshd_config line N: Bad configuration option: X` and similar.
    BadConfig {
        line: Option<u32>,
        option: Option<String>,
    },
    /// Another `fatal:` line (the text, capped).
    Fatal { text: String },
    /// `Failed password for ... from ADDR`.
    FailedPassword { from: Option<String> },
    /// `Connection closed by authenticating user ...`.
    ClosedByAuthenticatingUser,
    /// `maximum authentication attempts exceeded`.
    MaxAuthTries,
}

/// What boot or serial-console text shows.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum BootProblem {
    /// `Kernel panic - not syncing`.
    KernelPanic,
    /// `Give root password for maintenance`.
    Maintenance,
    /// `You are in emergency mode`.
    EmergencyMode,
    /// `Dependency failed for /data` (an fstab entry that can't be mounted).
    FstabDependency { mount: Option<String> },
    /// `No space left on device`.
    NoSpace,
    /// `Failed to start OpenSSH ...`.
    SshFailedToStart,
}

/// One fact read from a paste. Addresses and names are as printed, capped.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "fact")]
pub enum Fact {
    /// Something listens on `addr:port` (`0.0.0.0`, `::`, `*`, `127.0.0.1`, ...).
    /// `owner` is the program when the output names it (`sshd`, `systemd`, a PID).
    Listening {
        addr: String,
        port: u16,
        owner: Option<String>,
    },
    /// An established connection to a local port (someone is connected).
    Established { port: u16 },
    /// A registry `PortNumber` value (decoded: `0xd3d` is 3389).
    RegistryPort { key: RegKey, port: u16 },
    /// The user's own connection test.
    Client { result: ClientResult },
    /// The port the user's client tried, when its failure names it
    /// (`ssh: connect to host … port 22: Connection refused`).
    ClientPort { port: u16 },
    /// The user's own ping: replies received or not.
    Ping { replies: bool },
    /// A service's state.
    Service { service: Svc, state: SvcState },
    /// sshd's own complaint.
    Sshd { problem: SshdProblem },
    /// The firewall lets TCP `port` in (`ALLOW`, `services: ssh`, `ports: N/tcp`, `ACCEPT`).
    FirewallAllows { firewall: Firewall, port: u16 },
    /// A rule drops or rejects TCP `port` (or everything not allowed, with a
    /// default-deny policy and no allow rule for it).
    FirewallBlocks { firewall: Firewall, port: u16 },
    /// The firewall is off (`Status: inactive`, `not running`, empty ruleset).
    FirewallInactive { firewall: Firewall },
    /// `free -m`: memory in MiB.
    Memory { total_mb: u64, available_mb: u64 },
    /// `uptime`: the 1-minute load, and the CPU count when the output shows it.
    Load { load1_centi: u64, cpus: Option<u32> },
    /// `df -h`: a filesystem and how full it is.
    Disk { mount: String, used_pct: u8 },
    /// Boot or serial-console trouble.
    Boot { problem: BootProblem },
    /// `qwinsta`: sessions and whether an `rdp-tcp` listener exists.
    RdpListener { present: bool },
}

impl Fact {
    /// Cuts every text the fact holds (an address, a program, a mount, a
    /// message) to at most `max` characters.
    pub fn cap_text(&mut self, max: usize) {
        let cut = |s: &mut String| crate::limits::truncate_chars(s, max);
        match self {
            Fact::Listening { addr, owner, .. } => {
                cut(addr);
                if let Some(o) = owner {
                    cut(o);
                }
            }
            Fact::Disk { mount, .. } => cut(mount),
            Fact::Sshd { problem } => match problem {
                SshdProblem::BadConfig {
                    option: Some(o), ..
                } => cut(o),
                SshdProblem::Fatal { text } => cut(text),
                SshdProblem::FailedPassword { from: Some(f) } => cut(f),
                _ => {}
            },
            Fact::Boot {
                problem: BootProblem::FstabDependency { mount: Some(m) },
            } => cut(m),
            _ => {}
        }
    }

    /// Whether a text the fact holds is longer than `max` characters.
    pub fn text_longer_than(&self, max: usize) -> bool {
        let mut t = self.clone();
        t.cap_text(max);
        t != *self
    }
}

/// One recognised paste.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Reading {
    pub kind: PasteKind,
    pub confidence: Confidence,
    pub facts: Vec<Fact>,
}

/// Reads a paste: every reader that recognises the text contributes its
/// facts (a paste can hold several outputs). Empty when nothing is recognised.
pub fn read(text: &str) -> Vec<Reading> {
    let text = cap(text);
    let mut out: Vec<Reading> = Vec::new();
    for reader in READERS {
        if let Some(r) = reader(&text) {
            if !r.facts.is_empty() {
                out.push(r);
            }
        }
    }
    let mut n = 0;
    for r in &mut out {
        r.facts.truncate(MAX_FACTS.saturating_sub(n));
        n += r.facts.len();
    }
    out.retain(|r| !r.facts.is_empty());
    out
}

/// The text a reader sees: at most [`MAX_PASTE`] bytes (cut on a character
/// boundary), lines at most [`MAX_LINE`] characters, CRLF folded, ANSI colour
/// codes and other control characters (but tabs) removed.
fn cap(text: &str) -> String {
    let mut end = text.len().min(MAX_PASTE);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let text = text::strip_ansi(&text[..end]);
    text.lines()
        .map(|l| {
            let l = l.trim_end_matches('\r');
            match l.char_indices().nth(MAX_LINE) {
                Some((i, _)) => &l[..i],
                None => l,
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A reader: `Some` only when it recognises its format in the text.
type Reader = fn(&str) -> Option<Reading>;

/// Every reader, in order. Each is `fn(&str) -> Option<Reading>`.
const READERS: &[Reader] = &[
    windows::netstat,
    linux::ss,
    windows::registry,
    windows::test_net_connection,
    client::ping,
    client::telnet,
    client::netcat,
    windows::windows_service,
    windows::qwinsta,
    linux::systemctl,
    linux::sshd_log,
    linux::sshd_test,
    firewall::ufw,
    firewall::firewalld,
    firewall::iptables,
    firewall::nft,
    linux::free,
    linux::uptime,
    linux::df,
    client::ssh_client,
    boot::boot,
];

mod text {
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
}

mod windows {
    //! Windows outputs (and the Linux/macOS `netstat`, which shares the reader).

    use super::text::{
        addr_port, command, conf, has, has_command, leading_num, login_first, peer_ok, push, toks,
    };
    use super::{Fact, PasteKind, Reading, RegKey, Svc, SvcState};

    /// `netstat -ant|-ano` (Windows, English and Korean), `netstat -tlnp` (Linux),
    /// `netstat -an` (macOS).
    pub(crate) fn netstat(text: &str) -> Option<Reading> {
        let mut facts = Vec::new();
        let mut established = Vec::new();
        let mut lines = 0usize;
        let mut header = false;
        for line in text.lines() {
            let t = toks(line);
            if t.is_empty() {
                continue;
            }
            if (line.contains("Proto") && line.contains("Local Address"))
                || (line.contains("프로토콜") && line.contains("로컬 주소"))
                || line.trim() == "Active Connections"
                || line.trim() == "활성 연결"
                || line.starts_with("Active Internet connections")
            {
                header = true;
                continue;
            }
            let proto = t[0];
            if proto == "TCP" && t.len() >= 4 {
                // Windows: TCP local foreign state [pid]
                let Some((addr, port)) = addr_port(t[1]) else {
                    continue;
                };
                if !peer_ok(t[2]) {
                    continue;
                }
                let state = t[3..].join(" ");
                let pid = t.last().filter(|p| p.bytes().all(|c| c.is_ascii_digit()));
                let owner = if t.len() >= 5 {
                    pid.map(|p| p.to_string())
                } else {
                    None
                };
                if state.starts_with("LISTENING") || state.starts_with("수신 대기") {
                    lines += 1;
                    push(&mut facts, Fact::Listening { addr, port, owner });
                } else if state.starts_with("ESTABLISHED") || state.starts_with("연결됨") {
                    lines += 1;
                    established.push(port);
                } else if [
                    "TIME_WAIT",
                    "CLOSE_WAIT",
                    "SYN_SENT",
                    "SYN_RECEIVED",
                    "FIN_WAIT_1",
                    "FIN_WAIT_2",
                    "LAST_ACK",
                    "CLOSING",
                    "대기",
                    "닫기",
                ]
                .iter()
                .any(|s| state.starts_with(s))
                {
                    lines += 1;
                }
            } else if matches!(proto, "tcp" | "tcp6" | "tcp4" | "tcp46") && t.len() >= 6 {
                // Linux: tcp recvq sendq local foreign state [pid/prog]
                // macOS: tcp4 recvq sendq local foreign state
                if leading_num::<u64>(t[1]).is_none() || leading_num::<u64>(t[2]).is_none() {
                    continue;
                }
                let Some((addr, port)) = addr_port(t[3]) else {
                    continue;
                };
                if !peer_ok(t[4]) {
                    continue;
                }
                let owner = t.get(6).and_then(|p| {
                    let (_, prog) = p.split_once('/')?;
                    let prog = prog.trim_end_matches(':');
                    (!prog.is_empty()).then(|| prog.chars().take(32).collect::<String>())
                });
                match t[5] {
                    "LISTEN" => {
                        lines += 1;
                        push(&mut facts, Fact::Listening { addr, port, owner });
                    }
                    "ESTABLISHED" => {
                        lines += 1;
                        established.push(port);
                    }
                    _ => {}
                }
            }
        }
        if lines == 0 {
            return None;
        }
        let listening: Vec<u16> = facts
            .iter()
            .filter_map(|f| match f {
                Fact::Listening { port, .. } => Some(*port),
                _ => None,
            })
            .collect();
        for port in established {
            if port == 22 || port == 3389 || listening.contains(&port) {
                push(&mut facts, Fact::Established { port });
            }
        }
        login_first(&mut facts);
        let high = header || has_command(text, &["netstat"]) || lines >= 3;
        Some(Reading {
            kind: PasteKind::Netstat,
            confidence: conf(high),
            facts,
        })
    }

    fn key_of(line: &str) -> Option<RegKey> {
        let rdp = super::text::find_ci(line, "WinStations\\RDP-Tcp");
        let tds = super::text::find_ci(line, "Tds\\tcp");
        match (rdp, tds) {
            (Some(a), Some(b)) => Some(if a > b { RegKey::RdpTcp } else { RegKey::Tds }),
            (Some(_), None) => Some(RegKey::RdpTcp),
            (None, Some(_)) => Some(RegKey::Tds),
            (None, None) => None,
        }
    }

    /// The key a `HKEY_LOCAL_MACHINE\...` or `PSPath : ...` line names: it must
    /// end with the key (`reg query /s` also lists subkeys and other keys).
    fn key_at_end(line: &str) -> Option<RegKey> {
        let l = line.trim().trim_end_matches(['"', '\'']);
        let ends = |k: &str| {
            l.len() >= k.len()
                && l.is_char_boundary(l.len() - k.len())
                && l[l.len() - k.len()..].eq_ignore_ascii_case(k)
        };
        if ends("WinStations\\RDP-Tcp") {
            Some(RegKey::RdpTcp)
        } else if ends("Tds\\tcp") {
            Some(RegKey::Tds)
        } else {
            None
        }
    }

    fn port_value(v: &str) -> Option<u16> {
        let v = v.trim();
        let n = if let Some(h) = v.strip_prefix("0x").or_else(|| v.strip_prefix("0X")) {
            if h.is_empty() || h.len() > 8 {
                return None;
            }
            u32::from_str_radix(h, 16).ok()?
        } else {
            if v.is_empty() || v.len() > 10 || !v.bytes().all(|c| c.is_ascii_digit()) {
                return None;
            }
            v.parse::<u32>().ok()?
        };
        u16::try_from(n).ok().filter(|p| *p > 0)
    }

    /// `reg query ... /v PortNumber`, `Get-ItemProperty ... PortNumber`, and the
    /// bot's one-liner printing the Tds and RDP-Tcp values as two bare numbers.
    pub(crate) fn registry(text: &str) -> Option<Reading> {
        let mut facts = Vec::new();
        let mut high = false;
        let mut current: Option<RegKey> = None;
        // Get-ItemProperty: PortNumber comes before PSPath within a block.
        let mut pending: Option<u16> = None;
        // The one-liner: the command line, then two bare numbers.
        let mut oneliner: Option<Vec<u16>> = None;
        // `(Get-ItemProperty "...\\RDP-Tcp").PortNumber` for one key, then its value.
        let mut single: Option<RegKey> = None;
        for line in text.lines() {
            let trimmed = line.trim();
            if trimmed.is_empty() {
                if let (Some(p), Some(k)) = (pending.take(), current) {
                    push(&mut facts, Fact::RegistryPort { key: k, port: p });
                }
                continue;
            }
            let is_cmd = command(line).is_some_and(|(c, _)| {
                matches!(
                    c.as_str(),
                    "reg" | "get-itemproperty" | "gp" | "get-itempropertyvalue"
                )
            });
            if has(line, "ForEach-Object") || has(line, "| %") {
                let tds = super::text::find_ci(line, "Tds\\tcp");
                let rdp = super::text::find_ci(line, "WinStations\\RDP-Tcp");
                if let (Some(a), Some(b)) = (tds, rdp) {
                    // The console may wrap the long command line: the two key
                    // names at its start are enough.
                    if a < b {
                        oneliner = Some(Vec::new());
                        high = true;
                        continue;
                    }
                }
            }
            if let Some(k) = single.take() {
                if let Some(p) = port_value(trimmed) {
                    push(&mut facts, Fact::RegistryPort { key: k, port: p });
                    continue;
                }
            }
            if has(line, "Get-ItemProperty") && has(line, "PortNumber") && !has(line, "Set-") {
                let both = has(line, "Tds\\tcp") && has(line, "WinStations\\RDP-Tcp");
                if !both {
                    if let Some(k) = key_of(line) {
                        single = Some(k);
                        current = Some(k);
                        high = true;
                        continue;
                    }
                }
            }
            if let Some(nums) = oneliner.as_mut() {
                if let Some(p) = port_value(trimmed) {
                    nums.push(p);
                    if nums.len() == 2 {
                        push(
                            &mut facts,
                            Fact::RegistryPort {
                                key: RegKey::Tds,
                                port: nums[0],
                            },
                        );
                        push(
                            &mut facts,
                            Fact::RegistryPort {
                                key: RegKey::RdpTcp,
                                port: nums[1],
                            },
                        );
                        oneliner = None;
                    }
                    continue;
                }
                oneliner = None;
            }
            if is_cmd || trimmed.starts_with("HKEY_LOCAL_MACHINE\\") || has(trimmed, "PSPath") {
                // A new command or key: values below belong to it, or to
                // neither key when it names another one.
                current = if is_cmd {
                    key_of(line)
                } else {
                    key_at_end(line)
                };
                if current.is_some() && (is_cmd || trimmed.starts_with("HKEY_")) {
                    high = true;
                }
                if let (Some(p), Some(k)) = (pending, current) {
                    if has(trimmed, "PSPath") {
                        pending = None;
                        push(&mut facts, Fact::RegistryPort { key: k, port: p });
                    }
                }
                continue;
            }
            if let Some(rest) = trimmed.strip_prefix("PSChildName") {
                let v = rest.trim_start().trim_start_matches(':').trim();
                if v.eq_ignore_ascii_case("RDP-Tcp") {
                    current = Some(RegKey::RdpTcp);
                } else if v.eq_ignore_ascii_case("tcp") {
                    current = Some(RegKey::Tds);
                }
                if let (Some(p), Some(k)) = (pending.take(), current) {
                    push(&mut facts, Fact::RegistryPort { key: k, port: p });
                }
                continue;
            }
            let t = toks(trimmed);
            if t.len() == 3 && t[0].eq_ignore_ascii_case("PortNumber") && t[1] == "REG_DWORD" {
                if let (Some(p), Some(k)) = (port_value(t[2]), current) {
                    high = true;
                    push(&mut facts, Fact::RegistryPort { key: k, port: p });
                }
            } else if t.len() == 3 && t[0].eq_ignore_ascii_case("PortNumber") && t[1] == ":" {
                if let Some(p) = port_value(t[2]) {
                    pending = Some(p);
                }
            }
        }
        if let (Some(p), Some(k)) = (pending, current) {
            push(&mut facts, Fact::RegistryPort { key: k, port: p });
        }
        if facts.is_empty() {
            return None;
        }
        Some(Reading {
            kind: PasteKind::Registry,
            confidence: conf(high),
            facts,
        })
    }

    /// `Test-NetConnection -Port` (English and Korean PowerShell).
    pub(crate) fn test_net_connection(text: &str) -> Option<Reading> {
        let mut facts = Vec::new();
        let mut props = 0;
        let mut tcp: Option<bool> = None;
        let mut ping: Option<bool> = None;
        for line in text.lines() {
            let l = line.trim();
            let Some((k, v)) = l.split_once(':') else {
                continue;
            };
            let k = k.trim();
            let v = v.trim();
            match k {
                "ComputerName"
                | "RemoteAddress"
                | "RemotePort"
                | "InterfaceAlias"
                | "SourceAddress"
                | "NameResolutionResults" => props += 1,
                "TcpTestSucceeded" => {
                    tcp = v.parse::<bool>().ok().or(match v {
                        "True" => Some(true),
                        "False" => Some(false),
                        _ => None,
                    })
                }
                "PingSucceeded" => {
                    ping = match v {
                        "True" => Some(true),
                        "False" => Some(false),
                        _ => None,
                    }
                }
                "WARNING" | "경고" => {
                    if v.starts_with("TCP connect to") && has(v, "failed") {
                        tcp = tcp.or(Some(false));
                    } else if v.starts_with("Ping to") && has(v, "failed") {
                        ping = ping.or(Some(false));
                    }
                }
                _ => {}
            }
        }
        if tcp.is_none() && ping.is_none() {
            return None;
        }
        if let Some(ok) = tcp {
            let result = if ok {
                super::ClientResult::Connected
            } else {
                super::ClientResult::TimedOut
            };
            push(&mut facts, Fact::Client { result });
        }
        if let Some(ok) = ping {
            push(&mut facts, Fact::Ping { replies: ok });
        }
        let high = props >= 2 || has_command(text, &["test-netconnection", "tnc"]);
        Some(Reading {
            kind: PasteKind::TestNetConnection,
            confidence: conf(high),
            facts,
        })
    }

    /// A Windows service state as `sc query` (`RUNNING`) or `Get-Service`
    /// (`Running`) prints it.
    fn windows_state(token: &str) -> Option<SvcState> {
        match token {
            "RUNNING" | "Running" => Some(SvcState::Running),
            "STOPPED" | "Stopped" => Some(SvcState::Stopped),
            "START_PENDING" | "StartPending" => Some(SvcState::Starting),
            _ => None,
        }
    }

    /// `sc query TermService` / `Get-Service TermService` (English and Korean).
    pub(crate) fn windows_service(text: &str) -> Option<Reading> {
        let mut facts = Vec::new();
        let mut high = false;
        let mut in_term = false;
        let asked = text.lines().any(|l| {
            command(l).is_some_and(|(c, rest)| {
                matches!(c.as_str(), "sc" | "get-service" | "gsv") && has(rest, "TermService")
            })
        });
        for line in text.lines() {
            let l = line.trim();
            if let Some(name) = l.strip_prefix("SERVICE_NAME:") {
                in_term = name.trim().eq_ignore_ascii_case("TermService");
                high = true;
                continue;
            }
            let label = l.split(':').next().unwrap_or("").trim();
            if in_term && (label == "STATE" || label == "상태") {
                let v = l.split_once(':').map(|x| x.1).unwrap_or("");
                let t = toks(v);
                if let Some(state) = t.get(1).copied().and_then(windows_state) {
                    push(
                        &mut facts,
                        Fact::Service {
                            service: Svc::TermService,
                            state,
                        },
                    );
                }
                continue;
            }
            let t = toks(l);
            if t.len() >= 2 && t[1].eq_ignore_ascii_case("TermService") {
                if let Some(state) = windows_state(t[0]) {
                    push(
                        &mut facts,
                        Fact::Service {
                            service: Svc::TermService,
                            state,
                        },
                    );
                }
                continue;
            }
            if (asked || in_term || has(l, "TermService"))
                && (has(l, "FAILED 1060")
                    || has(l, "does not exist as an installed service")
                    || l.contains("설치된 서비스로 존재하지 않습니다")
                    || (has(l, "Cannot find any service") && has(l, "TermService")))
            {
                push(
                    &mut facts,
                    Fact::Service {
                        service: Svc::TermService,
                        state: SvcState::NotFound,
                    },
                );
            }
        }
        if facts.is_empty() {
            return None;
        }
        let high = high || asked || has(text, "DisplayName");
        Some(Reading {
            kind: PasteKind::WindowsService,
            confidence: conf(high),
            facts,
        })
    }

    /// `qwinsta` / `query session` (English and Korean).
    pub(crate) fn qwinsta(text: &str) -> Option<Reading> {
        let mut header = false;
        let mut sessions = 0;
        let mut present = false;
        for line in text.lines() {
            let l = line.trim_start_matches([' ', '>']);
            if (l.starts_with("SESSIONNAME") && l.contains("USERNAME"))
                || (l.starts_with("세션 이름") && l.contains("사용자 이름"))
            {
                header = true;
                continue;
            }
            let t = toks(l);
            if t.is_empty() {
                continue;
            }
            if t[0].eq_ignore_ascii_case("services") || t[0].eq_ignore_ascii_case("console") {
                sessions += 1;
            }
            if t[0].eq_ignore_ascii_case("rdp-tcp") {
                let tail = t[1..].join(" ");
                if tail.contains("Listen") || tail.contains("수신 대기") {
                    present = true;
                }
                sessions += 1;
            }
        }
        let asked = has_command(text, &["qwinsta", "query"]);
        if !(header || (asked && sessions > 0) || (present && sessions >= 2)) {
            return None;
        }
        Some(Reading {
            kind: PasteKind::Qwinsta,
            confidence: conf(header),
            facts: vec![Fact::RdpListener { present }],
        })
    }
}

mod linux {
    //! Linux server-side outputs: `ss`, `systemctl status`, sshd logs and
    //! `sshd -t`, `free`, `uptime`/`top`, `df`.

    use super::text::{
        addr_port, after_ci, capped, command, conf, find_ci, has, has_command, leading_num,
        login_first, peer_ok, push, toks,
    };
    use super::{Fact, PasteKind, Reading, SshdProblem, Svc, SvcState};

    /// `ss -tlnp` (also `ss -tln`, `ss -tanp`, with or without the Netid column).
    pub(crate) fn ss(text: &str) -> Option<Reading> {
        let mut facts = Vec::new();
        let mut established = Vec::new();
        let mut lines = 0usize;
        let mut header = false;
        for line in text.lines() {
            if line.contains("Recv-Q") && line.contains("Local Address:Port") {
                header = true;
                continue;
            }
            let t = toks(line);
            let Some(i) = t.iter().position(|w| *w == "LISTEN" || *w == "ESTAB") else {
                continue;
            };
            if i > 1 || t.len() < i + 5 {
                continue;
            }
            if i == 1 && t[0] != "tcp" && t[0] != "tcp6" {
                continue;
            }
            if leading_num::<u64>(t[i + 1]).is_none() || leading_num::<u64>(t[i + 2]).is_none() {
                continue;
            }
            let Some((addr, port)) = addr_port(t[i + 3]) else {
                continue;
            };
            if !peer_ok(t[i + 4]) {
                continue;
            }
            lines += 1;
            if t[i] == "ESTAB" {
                established.push(port);
                continue;
            }
            let owner = t[i + 5..].iter().find_map(|w| {
                let rest = w.strip_prefix("users:((\"")?;
                let end = rest.find('"')?;
                (end > 0).then(|| capped(&rest[..end], 32))
            });
            push(&mut facts, Fact::Listening { addr, port, owner });
        }
        if lines == 0 {
            return None;
        }
        let listening: Vec<u16> = facts
            .iter()
            .filter_map(|f| match f {
                Fact::Listening { port, .. } => Some(*port),
                _ => None,
            })
            .collect();
        for port in established {
            if port == 22 || listening.contains(&port) {
                push(&mut facts, Fact::Established { port });
            }
        }
        login_first(&mut facts);
        let high = header || has_command(text, &["ss"]) || lines >= 3;
        if facts.is_empty() {
            return None;
        }
        Some(Reading {
            kind: PasteKind::Ss,
            confidence: conf(high),
            facts,
        })
    }

    fn unit_svc(name: &str) -> Option<Svc> {
        let name = name.trim_end_matches('.');
        match name {
            "ssh.service" | "sshd.service" | "ssh" | "sshd" => Some(Svc::Sshd),
            "ssh.socket" | "sshd.socket" => Some(Svc::SshSocket),
            _ => None,
        }
    }

    /// `systemctl status ssh|sshd|ssh.socket`. The log lines it shows are read
    /// by [`sshd_log`] (they are journal lines).
    pub(crate) fn systemctl(text: &str) -> Option<Reading> {
        let mut facts = Vec::new();
        let mut current: Option<Svc> = None;
        let mut header = false;
        for line in text.lines() {
            let l = line.trim();
            // `systemctl status sshd` names the unit when the header is not pasted.
            if let Some((c, rest)) = command(l) {
                if c == "systemctl" && rest.contains(" status") {
                    let units: Vec<Svc> = rest
                        .split_whitespace()
                        .skip_while(|w| *w != "status")
                        .skip(1)
                        .filter(|w| !w.starts_with('-') && *w != "|")
                        .filter_map(unit_svc)
                        .collect();
                    if units.len() == 1 {
                        current = Some(units[0]);
                    }
                    continue;
                }
            }
            if let Some(rest) = l.strip_prefix("Unit ") {
                if let Some(name) = rest.strip_suffix(" could not be found.") {
                    if let Some(svc) = unit_svc(name.trim()) {
                        header = true;
                        push(
                            &mut facts,
                            Fact::Service {
                                service: svc,
                                state: SvcState::NotFound,
                            },
                        );
                    }
                }
                continue;
            }
            // `● ssh.service - OpenBSD Secure Shell server` (also ○ × * and none)
            let head = l.trim_start_matches(['●', '○', '×', '*', '◆', '↻', ' ']);
            if let Some((name, _)) = head.split_once(" - ") {
                if !name.contains(' ') && (name.ends_with(".service") || name.ends_with(".socket"))
                {
                    current = unit_svc(name);
                    header = true;
                    continue;
                }
            }
            if let Some(v) = l.strip_prefix("Active:") {
                let Some(svc) = current else { continue };
                let v = v.trim();
                let state = if v.starts_with("active (running)") {
                    Some(SvcState::Running)
                } else if v.starts_with("active (listening)") {
                    Some(SvcState::Listening)
                } else if v.starts_with("activating (start)") {
                    Some(SvcState::Starting)
                } else if v.starts_with("inactive") || v.starts_with("deactivating") {
                    Some(SvcState::Stopped)
                } else if v.starts_with("failed")
                    || (v.starts_with("activating (auto-restart)") && has(v, "Result:"))
                {
                    Some(SvcState::Failed)
                } else {
                    None
                };
                if let Some(state) = state {
                    push(
                        &mut facts,
                        Fact::Service {
                            service: svc,
                            state,
                        },
                    );
                }
            }
        }
        if facts.is_empty() {
            return None;
        }
        let high = header && has(text, "Loaded:") || has_command(text, &["systemctl"]);
        Some(Reading {
            kind: PasteKind::Systemctl,
            confidence: conf(high),
            facts,
        })
    }

    /// Whether a line is an sshd log line (syslog, journal, or a bare
    /// `error:`/`fatal:` message copied on its own).
    fn log_line(l: &str) -> Option<&str> {
        for tag in ["sshd[", "sshd-session[", "sshd-auth["] {
            if let Some(i) = l.find(tag) {
                let rest = &l[i..];
                return rest.find("]: ").map(|j| &rest[j + 3..]);
            }
        }
        if let Some(rest) = l.strip_prefix("sshd: ") {
            return Some(rest);
        }
        if l.starts_with("error: ") || l.starts_with("fatal: ") || l.ends_with("[preauth]") {
            return Some(l);
        }
        None
    }

    fn bad_config(msg: &str) -> Option<SshdProblem> {
        // `/etc/ssh/sshd_config: line 14: Bad configuration option: X`
        // `/etc/ssh/sshd_config line 14: missing argument.`
        let i = find_ci(msg, "sshd_config")?;
        let rest = &msg[i..];
        let after = rest.find("line ").map(|j| &rest[j + 5..])?;
        if has(rest, "Deprecated option") || has(rest, "Unsupported option") {
            return None;
        }
        let line = leading_num::<u32>(after);
        let option = after_ci(rest, "Bad configuration option:")
            .map(|o| capped(o.trim().trim_end_matches('.'), 64))
            .filter(|o| !o.is_empty());
        Some(SshdProblem::BadConfig { line, option })
    }

    fn sshd_message(msg: &str, facts: &mut Vec<Fact>) -> bool {
        let m = msg.trim();
        let problem = if let Some(rest) = after_ci(m, "Bind to port ") {
            if has(rest, "Address already in use") {
                SshdProblem::AddressInUse {
                    port: leading_num(rest),
                }
            } else if has(rest, "Permission denied") {
                SshdProblem::BindDenied {
                    port: leading_num(rest),
                }
            } else {
                return false;
            }
        } else if has(m, "Missing privilege separation directory") {
            SshdProblem::MissingPrivsep
        } else if has(m, "maximum authentication attempts exceeded") {
            SshdProblem::MaxAuthTries
        } else if has(m, "Connection closed by authenticating user") {
            SshdProblem::ClosedByAuthenticatingUser
        } else if let Some(rest) = after_ci(m, "Failed password for ") {
            let from = after_ci(rest, " from ")
                .and_then(|r| r.split_whitespace().next())
                .map(|a| capped(a, 45));
            let n = facts
                .iter()
                .filter(|f| {
                    matches!(
                        f,
                        Fact::Sshd {
                            problem: SshdProblem::FailedPassword { .. }
                        }
                    )
                })
                .count();
            let p = SshdProblem::FailedPassword { from };
            if n >= 4 && !facts.contains(&Fact::Sshd { problem: p.clone() }) {
                return true;
            }
            p
        } else if let Some(p) = bad_config(m) {
            p
        } else if m.starts_with("no hostkeys available") {
            SshdProblem::Fatal {
                text: capped(m, 120),
            }
        } else if let Some(rest) = m.strip_prefix("fatal:") {
            SshdProblem::Fatal {
                text: capped(rest.trim(), 120),
            }
        } else {
            return false;
        };
        push(facts, Fact::Sshd { problem });
        true
    }

    /// `journalctl -u ssh`, `/var/log/secure`, `/var/log/auth.log` lines (also
    /// the journal tail that `systemctl status` shows).
    pub(crate) fn sshd_log(text: &str) -> Option<Reading> {
        let mut facts = Vec::new();
        let mut log_lines = 0;
        for line in text.lines() {
            let l = line.trim();
            let Some(msg) = log_line(l) else { continue };
            log_lines += 1;
            sshd_message(msg, &mut facts);
        }
        if facts.is_empty() {
            return None;
        }
        let high = log_lines >= 2
            || has_command(
                text,
                &["journalctl", "systemctl", "tail", "grep", "less", "cat"],
            );
        Some(Reading {
            kind: PasteKind::SshdLog,
            confidence: conf(high),
            facts,
        })
    }

    /// `sshd -t` (and `sshd -T`) errors, as printed on the terminal.
    pub(crate) fn sshd_test(text: &str) -> Option<Reading> {
        let mut facts = Vec::new();
        let mut strong = 0;
        for line in text.lines() {
            let l = line.trim();
            if log_line(l).is_some() {
                continue;
            }
            if let Some(p) = bad_config(l) {
                strong += 1;
                push(&mut facts, Fact::Sshd { problem: p });
            } else if l.starts_with("Missing privilege separation directory") {
                push(
                    &mut facts,
                    Fact::Sshd {
                        problem: SshdProblem::MissingPrivsep,
                    },
                );
            } else if has(l, "bad configuration options") && has(l, "terminating") {
                strong += 1;
                if !facts.iter().any(|f| {
                    matches!(
                        f,
                        Fact::Sshd {
                            problem: SshdProblem::BadConfig { .. }
                        }
                    )
                }) {
                    push(
                        &mut facts,
                        Fact::Sshd {
                            problem: SshdProblem::BadConfig {
                                line: None,
                                option: None,
                            },
                        },
                    );
                }
            }
        }
        if facts.is_empty() {
            return None;
        }
        let asked = text.lines().any(|l| {
            command(l).is_some_and(|(c, rest)| {
                c == "sshd" && (rest.contains(" -t") || rest.contains(" -T"))
            })
        });
        Some(Reading {
            kind: PasteKind::SshdTest,
            confidence: conf(asked || strong > 0),
            facts,
        })
    }

    /// A size as `free` prints it, in MiB: plain numbers use `unit_kib` KiB per
    /// unit; `1.9Gi`, `512Mi`, `2.0G` carry their own unit.
    fn mib(s: &str, unit_kib: f64) -> Option<u64> {
        let (num, mult) = match s.find(|c: char| c.is_ascii_alphabetic()) {
            Some(i) => {
                let m = match s[i..].trim_end_matches(['i', 'B']) {
                    "K" | "k" => 1.0 / 1024.0,
                    "M" | "m" => 1.0,
                    "G" | "g" => 1024.0,
                    "T" | "t" => 1024.0 * 1024.0,
                    "" => unit_kib / 1024.0,
                    _ => return None,
                };
                (&s[..i], m)
            }
            None => (s, unit_kib / 1024.0),
        };
        if num.is_empty() || num.len() > 15 {
            return None;
        }
        let n: f64 = num.replace(',', ".").parse().ok()?;
        (n.is_finite() && n >= 0.0).then(|| (n * mult).round() as u64)
    }

    /// `free -m` (also `free -h`, `free`, `free -g`).
    pub(crate) fn free(text: &str) -> Option<Reading> {
        let mut unit_kib = 1024.0;
        let mut asked = false;
        let mut avail_col: Option<usize> = None;
        for line in text.lines() {
            if let Some((_, rest)) = command(line).filter(|(c, _)| c == "free") {
                {
                    asked = true;
                    unit_kib = if rest.contains(" -g") || rest.contains("--gibi") {
                        1024.0 * 1024.0
                    } else if rest.contains(" -m")
                        || rest.contains("--mebi")
                        || rest.contains(" -h")
                    {
                        1024.0
                    } else if rest.contains(" -b") {
                        1.0 / 1024.0
                    } else {
                        1.0
                    };
                }
                continue;
            }
            let t = toks(line);
            if t.first() == Some(&"total") {
                avail_col = t.iter().position(|w| *w == "available");
                // procps before 3.3.10 has no "available" column to read.
                avail_col?;
                continue;
            }
            if t.first().is_some_and(|w| *w == "합계") {
                avail_col = t.iter().position(|w| *w == "사용가능" || *w == "가용");
                continue;
            }
            if (t.first() == Some(&"Mem:") || t.first() == Some(&"메모리:")) && t.len() >= 7 {
                let col = avail_col.unwrap_or(5);
                let total = mib(t[1], unit_kib)?;
                let available = mib(t.get(col + 1)?, unit_kib)?;
                if total == 0 || available > total {
                    return None;
                }
                return Some(Reading {
                    kind: PasteKind::Free,
                    confidence: conf(avail_col.is_some() || asked),
                    facts: vec![Fact::Memory {
                        total_mb: total,
                        available_mb: available,
                    }],
                });
            }
        }
        None
    }

    fn parse_load(s: &str) -> Option<u64> {
        let first = s.split_whitespace().next()?;
        let first = first.trim_end_matches(',');
        let (int, frac) = first.split_once(['.', ',']).unwrap_or((first, "0"));
        if int.is_empty() || int.len() > 6 || !int.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        let frac: String = frac.chars().chain("00".chars()).take(2).collect();
        if !frac.bytes().all(|c| c.is_ascii_digit()) {
            return None;
        }
        Some(int.parse::<u64>().ok()? * 100 + frac.parse::<u64>().ok()?)
    }

    /// `uptime` or the `top` header; `nproc`, `lscpu` or per-CPU `top` lines
    /// in the same paste give the CPU count.
    pub(crate) fn uptime(text: &str) -> Option<Reading> {
        let mut load = None;
        let mut cpus: Option<u32> = None;
        let mut after_nproc = false;
        let mut per_cpu = 0u32;
        for line in text.lines() {
            let l = line.trim();
            // `nproc` prints one bare number (`uptime; nproc` prints it after the load).
            if !l.is_empty() && l.len() <= 5 && l.bytes().all(|c| c.is_ascii_digit()) {
                if after_nproc {
                    cpus = l.parse().ok().filter(|n| *n > 0);
                    after_nproc = false;
                }
                continue;
            }
            if let Some((c, rest)) = command(l) {
                if c == "nproc" || rest.split([' ', ';', '&', '|']).any(|w| w == "nproc") {
                    after_nproc = true;
                    continue;
                }
            }
            if let Some(v) = l.strip_prefix("CPU(s):") {
                cpus = cpus.or(v.trim().parse().ok().filter(|n: &u32| *n > 0));
                continue;
            }
            if l.starts_with("%Cpu") && l.as_bytes().get(4).is_some_and(|c| c.is_ascii_digit()) {
                per_cpu += 1;
            }
            if load.is_none() {
                if let Some(rest) =
                    after_ci(l, "load average:").or_else(|| after_ci(l, "load averages:"))
                {
                    if has(l, " up ") || l.starts_with("top - ") {
                        load = parse_load(rest);
                    }
                }
            }
        }
        let load1_centi = load?;
        let cpus = cpus.or((per_cpu > 0).then_some(per_cpu));
        Some(Reading {
            kind: PasteKind::Uptime,
            confidence: conf(true),
            facts: vec![Fact::Load { load1_centi, cpus }],
        })
    }

    const PSEUDO_FS: &[&str] = &[
        "tmpfs", "devtmpfs", "udev", "overlay", "shm", "none", "efivarfs", "map", "devfs",
        "cgroup", "proc", "sysfs",
    ];

    /// `df -h` (Linux, macOS, Korean headers).
    pub(crate) fn df(text: &str) -> Option<Reading> {
        let mut facts = Vec::new();
        let mut header = false;
        let mut pending_dev: Option<String> = None;
        for line in text.lines() {
            let t = toks(line);
            if t.is_empty() {
                continue;
            }
            if (t[0] == "Filesystem"
                && (line.contains("Mounted on")
                    || line.contains("Use%")
                    || line.contains("Capacity")))
                || (line.contains("파일 시스템") && line.contains("사용%"))
            {
                header = true;
                continue;
            }
            // A long device name on its own line, figures on the next.
            if t.len() == 1 && t[0].starts_with('/') {
                pending_dev = Some(t[0].to_string());
                continue;
            }
            let (dev, rest): (String, &[&str]) = match pending_dev.take() {
                Some(d) if t.len() >= 5 && !t[0].starts_with('/') => (d, &t[..]),
                _ => (t[0].to_string(), &t[1..]),
            };
            let Some(pi) = rest.iter().position(|w| w.ends_with('%')) else {
                continue;
            };
            if pi < 3 {
                continue;
            }
            let Some(pct) = rest[pi]
                .strip_suffix('%')
                .and_then(|p| p.parse::<u8>().ok())
            else {
                continue;
            };
            if pct > 100 {
                continue;
            }
            let Some(mount) = rest.last().filter(|m| m.starts_with('/')) else {
                continue;
            };
            if rest[..pi]
                .iter()
                .any(|w| !w.starts_with(|c: char| c.is_ascii_digit()))
            {
                continue;
            }
            if PSEUDO_FS.contains(&dev.as_str())
                || mount.starts_with("/snap/")
                || dev.starts_with("/dev/loop")
            {
                continue;
            }
            let f = Fact::Disk {
                mount: capped(mount, 64),
                used_pct: pct,
            };
            let n = facts.len();
            if n < 8 || mount == &"/" {
                push(&mut facts, f);
            }
        }
        if facts.is_empty() {
            return None;
        }
        let high = header || has_command(text, &["df"]);
        if !high && facts.len() < 2 {
            // One line that merely ends in `N% /x` is not enough without a header.
            return None;
        }
        Some(Reading {
            kind: PasteKind::Df,
            confidence: conf(high),
            facts,
        })
    }
}

mod firewall {
    //! Firewall outputs: `ufw status`, `firewall-cmd --list-all`, `iptables -S`,
    //! `iptables -L -n`, `nft list ruleset`. Facts only for ports the output
    //! clearly covers: 22, 3389 and every port a rule names. A rule limited to
    //! some sources, interfaces or sets makes the answer for the ports it covers
    //! unknown (no fact), since the first matching rule wins.

    use super::text::{conf, has, has_command, push, toks};
    use super::{Fact, Firewall, PasteKind, Reading};

    #[derive(Clone, Copy, PartialEq, Eq, Debug)]
    enum Verdict {
        Accept,
        Block,
        Unknown,
    }

    fn add_port(ports: &mut Vec<u16>, p: u16) {
        if ports.len() < 16 && !ports.contains(&p) {
            ports.push(p);
        }
    }

    fn service_port(name: &str) -> Option<u16> {
        match name {
            "ssh" | "OpenSSH" => Some(22),
            "rdp" | "ms-wbt-server" => Some(3389),
            "http" | "www" => Some(80),
            "https" => Some(443),
            _ => name.parse().ok(),
        }
    }

    /// `22`, `22:30`, `22-30`, `ssh` → an inclusive range.
    fn port_range(s: &str) -> Option<(u16, u16)> {
        let s = s.trim().trim_end_matches(',');
        if let Some((a, b)) = s.split_once([':', '-']) {
            let a: u16 = a.parse().ok()?;
            let b: u16 = b.parse().ok()?;
            return (a <= b).then_some((a, b));
        }
        service_port(s).map(|p| (p, p))
    }

    fn emit(facts: &mut Vec<Fact>, fw: Firewall, port: u16, v: Verdict) {
        match v {
            Verdict::Accept => push(facts, Fact::FirewallAllows { firewall: fw, port }),
            Verdict::Block => push(facts, Fact::FirewallBlocks { firewall: fw, port }),
            Verdict::Unknown => {}
        }
    }

    /// `ufw status` / `ufw status verbose` (also the Korean `상태:` line).
    pub(crate) fn ufw(text: &str) -> Option<Reading> {
        let mut status: Option<bool> = None;
        let mut default_deny: Option<bool> = None;
        let mut header = false;
        // (ranges, verdict) for rules from anywhere, in order.
        let mut rules: Vec<(Vec<(u16, u16)>, Verdict)> = Vec::new();
        let mut ports = vec![22, 3389];
        for line in text.lines() {
            let l = line.trim();
            match l {
                "Status: active" | "상태: 활성" => status = Some(true),
                "Status: inactive" | "상태: 비활성" => status = Some(false),
                _ => {}
            }
            if let Some(d) = l.strip_prefix("Default:") {
                if has(d, "deny (incoming)") || has(d, "reject (incoming)") {
                    default_deny = Some(true);
                } else if has(d, "allow (incoming)") {
                    default_deny = Some(false);
                }
                continue;
            }
            // `ufw status numbered`: `[ 1] 22/tcp   ALLOW IN   Anywhere`
            let l = match l.strip_prefix('[').and_then(|r| r.split_once(']')) {
                Some((n, rest)) if n.trim().bytes().all(|c| c.is_ascii_digit()) => rest,
                _ => l,
            };
            let t = toks(l);
            if t.len() >= 3 && t[0] == "To" && t.contains(&"Action") && t.contains(&"From") {
                header = true;
                continue;
            }
            let Some(ai) = t
                .iter()
                .position(|w| matches!(*w, "ALLOW" | "DENY" | "REJECT" | "LIMIT"))
            else {
                continue;
            };
            if ai == 0 || status.is_none() {
                continue;
            }
            let mut fi = ai + 1;
            match t.get(fi) {
                Some(&"OUT") | Some(&"FWD") => continue,
                Some(&"IN") => fi += 1,
                _ => {}
            }
            let from = t[fi..].join(" ");
            let from_any = from.starts_with("Anywhere");
            let to: Vec<&str> = t[..ai].iter().copied().filter(|w| *w != "(v6)").collect();
            let to_s = to.first().copied().unwrap_or("");
            if to.len() > 1 && to[1] != "on" {
                continue; // an application profile with spaces, like `Nginx Full`
            }
            let (spec, proto) = to_s.split_once('/').unwrap_or((to_s, "tcp"));
            if proto != "tcp" {
                continue;
            }
            let ranges: Vec<(u16, u16)> = if spec == "Anywhere" {
                vec![(1, u16::MAX)]
            } else {
                match spec.split(',').map(port_range).collect::<Option<Vec<_>>>() {
                    Some(r) => r,
                    None => continue,
                }
            };
            for (a, b) in &ranges {
                if a == b {
                    add_port(&mut ports, *a);
                }
            }
            if !from_any {
                continue;
            }
            let v = if to.len() > 1 {
                // `22/tcp on eth0`: it depends on the interface the user comes in on.
                Verdict::Unknown
            } else if matches!(t[ai], "ALLOW" | "LIMIT") {
                Verdict::Accept
            } else {
                Verdict::Block
            };
            rules.push((ranges, v));
        }
        let active = status?;
        let mut facts = Vec::new();
        if !active {
            facts.push(Fact::FirewallInactive {
                firewall: Firewall::Ufw,
            });
        } else {
            for &p in &ports {
                let hit = rules
                    .iter()
                    .find(|(r, _)| r.iter().any(|(a, b)| (*a..=*b).contains(&p)))
                    .map(|(_, v)| *v);
                let v = match (hit, default_deny) {
                    (Some(v), _) => v,
                    (None, Some(true)) => Verdict::Block,
                    (None, Some(false)) => Verdict::Accept,
                    (None, None) => Verdict::Unknown,
                };
                emit(&mut facts, Firewall::Ufw, p, v);
            }
        }
        if facts.is_empty() {
            return None;
        }
        let high = header || has_command(text, &["ufw"]) || !active;
        Some(Reading {
            kind: PasteKind::Ufw,
            confidence: conf(high),
            facts,
        })
    }

    /// `firewall-cmd --list-all` (the default or first active zone).
    pub(crate) fn firewalld(text: &str) -> Option<Reading> {
        if text
            .lines()
            .any(|l| l.trim() == "FirewallD is not running" || l.trim() == "not running")
            && (has(text, "FirewallD is not running") || has_command(text, &["firewall-cmd"]))
        {
            return Some(Reading {
                kind: PasteKind::Firewalld,
                confidence: conf(true),
                facts: vec![Fact::FirewallInactive {
                    firewall: Firewall::Firewalld,
                }],
            });
        }
        let mut zones: Vec<(String, Vec<(String, String)>)> = Vec::new();
        let mut in_rich = false;
        for line in text.lines() {
            if line.trim().is_empty() {
                continue;
            }
            let indented = line.starts_with(' ') || line.starts_with('\t');
            let l = line.trim();
            if !indented {
                in_rich = false;
                // `public (active)`, `public (default, active)`, `trusted`
                let name = l.split(" (").next().unwrap_or("");
                let zone_like = !name.is_empty()
                    && name.len() <= 32
                    && name
                        .bytes()
                        .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
                    && (name.len() == l.len() || l.ends_with(')'));
                if zone_like {
                    zones.push((l.to_string(), Vec::new()));
                }
                continue;
            }
            let Some(zone) = zones.last_mut() else {
                continue;
            };
            if let Some((k, v)) = l.split_once(':') {
                let k = k.trim();
                if matches!(
                    k,
                    "target"
                        | "services"
                        | "ports"
                        | "interfaces"
                        | "sources"
                        | "rich rules"
                        | "icmp-block-inversion"
                        | "protocols"
                        | "masquerade"
                        | "forward-ports"
                        | "source-ports"
                        | "icmp-blocks"
                        | "forward"
                        | "ingress-priority"
                        | "egress-priority"
                ) {
                    in_rich = k == "rich rules";
                    if zone.1.len() < 32 {
                        zone.1.push((k.to_string(), v.trim().to_string()));
                    }
                    continue;
                }
            }
            if in_rich && zone.1.len() < 32 {
                zone.1.push(("rich".to_string(), l.to_string()));
            }
        }
        let pick = zones
            .iter()
            .find(|z| z.0.contains("default, active"))
            .or_else(|| zones.iter().find(|z| z.0.contains("(active)")))
            .or(zones.first())?;
        let get = |k: &str| pick.1.iter().find(|(a, _)| a == k).map(|(_, v)| v.as_str());
        let (services, ports_s) = (get("services")?, get("ports")?);
        if get("target").is_none() && get("interfaces").is_none() {
            return None;
        }
        let target = get("target").unwrap_or("default");
        let mut allowed: Vec<u16> = Vec::new();
        for s in services.split_whitespace() {
            if let Some(p) = match s {
                "ssh" => Some(22),
                "rdp" => Some(3389),
                "http" => Some(80),
                "https" => Some(443),
                _ => None,
            } {
                add_port(&mut allowed, p);
            }
        }
        let mut ranges = Vec::new();
        for p in ports_s.split_whitespace() {
            let (spec, proto) = p.split_once('/').unwrap_or((p, "tcp"));
            if proto != "tcp" {
                continue;
            }
            if let Some((a, b)) = port_range(spec) {
                if a == b {
                    add_port(&mut allowed, a);
                } else {
                    ranges.push((a, b));
                }
            }
        }
        let rich: Vec<&str> = pick
            .1
            .iter()
            .filter(|(k, _)| k == "rich")
            .map(|(_, v)| v.as_str())
            .collect();
        let mut facts = Vec::new();
        let accept_all = target.eq_ignore_ascii_case("ACCEPT");
        for &p in &allowed {
            push(
                &mut facts,
                Fact::FirewallAllows {
                    firewall: Firewall::Firewalld,
                    port: p,
                },
            );
        }
        for p in [22u16, 3389] {
            if allowed.contains(&p) || ranges.iter().any(|(a, b)| (*a..=*b).contains(&p)) {
                if !allowed.contains(&p) {
                    push(
                        &mut facts,
                        Fact::FirewallAllows {
                            firewall: Firewall::Firewalld,
                            port: p,
                        },
                    );
                }
                continue;
            }
            let named = rich.iter().any(|r| {
                r.contains(&format!("port=\"{p}\""))
                    || (p == 22 && r.contains("name=\"ssh\""))
                    || (p == 3389 && r.contains("name=\"rdp\""))
            });
            if accept_all {
                push(
                    &mut facts,
                    Fact::FirewallAllows {
                        firewall: Firewall::Firewalld,
                        port: p,
                    },
                );
            } else if !named {
                push(
                    &mut facts,
                    Fact::FirewallBlocks {
                        firewall: Firewall::Firewalld,
                        port: p,
                    },
                );
            }
        }
        if facts.is_empty() {
            return None;
        }
        Some(Reading {
            kind: PasteKind::Firewalld,
            confidence: conf(true),
            facts,
        })
    }

    /// One INPUT rule, normalised from `iptables -S` or `iptables -L -n`.
    #[derive(Debug, Default)]
    struct Rule {
        /// Never matches a new TCP connection from outside (lo, other protocol,
        /// established-only).
        skip: bool,
        /// Limited by source, interface, set, negation...: the outcome for the
        /// ports it covers is unknown.
        ambiguous: bool,
        /// Destination ports; `None` is every port.
        dports: Option<Vec<(u16, u16)>>,
        target: String,
    }

    fn eval(rules: &[Rule], policy: Option<&str>, port: u16) -> Verdict {
        for r in rules {
            if r.skip {
                continue;
            }
            if let Some(d) = &r.dports {
                if !d.iter().any(|(a, b)| (*a..=*b).contains(&port)) {
                    continue;
                }
            }
            if r.ambiguous {
                return Verdict::Unknown;
            }
            match r.target.as_str() {
                "ACCEPT" => return Verdict::Accept,
                "DROP" | "REJECT" => return Verdict::Block,
                "LOG" | "NFLOG" | "ULOG" | "MARK" | "CONNMARK" | "TRACE" => continue,
                "RETURN" => break,
                _ => return Verdict::Unknown,
            }
        }
        match policy {
            Some("DROP") | Some("REJECT") => Verdict::Block,
            Some("ACCEPT") => Verdict::Accept,
            _ => Verdict::Unknown,
        }
    }

    fn rule_ports(rules: &[Rule]) -> Vec<u16> {
        let mut ports = vec![22, 3389];
        for r in rules {
            for (a, b) in r.dports.iter().flatten() {
                if a == b {
                    add_port(&mut ports, *a);
                }
            }
        }
        ports
    }

    fn states_new(list: &str) -> bool {
        list.split(',')
            .any(|s| s.eq_ignore_ascii_case("NEW") || s.eq_ignore_ascii_case("UNTRACKED"))
    }

    fn parse_s_rule(t: &[&str]) -> Rule {
        let mut r = Rule::default();
        let mut i = 0;
        while i < t.len() {
            let arg = t.get(i + 1).copied().unwrap_or("");
            match t[i] {
                "-p" | "--protocol" => {
                    if !matches!(arg, "tcp" | "all" | "6") {
                        r.skip = true;
                    }
                    i += 1;
                }
                "-i" | "--in-interface" => {
                    if arg == "lo" {
                        r.skip = true;
                    } else {
                        r.ambiguous = true;
                    }
                    i += 1;
                }
                "--dport" | "--destination-port" | "--dports" | "--destination-ports" => {
                    r.dports = arg.split(',').map(port_range).collect::<Option<Vec<_>>>();
                    if r.dports.is_none() {
                        r.ambiguous = true;
                    }
                    i += 1;
                }
                "--ctstate" | "--state" => {
                    if !states_new(arg) {
                        r.skip = true;
                    }
                    i += 1;
                }
                "-j" | "--jump" | "-g" | "--goto" => {
                    r.target = arg.to_string();
                    i += 1;
                }
                "-s" | "--source" | "-d" | "--destination" | "--match-set" | "--src-range"
                | "--dst-range" | "!" | "--src-type" | "--dst-type" | "--string" => {
                    r.ambiguous = true;
                }
                _ => {}
            }
            i += 1;
        }
        r
    }

    /// Parses the extra column of `iptables -L -n` (`tcp dpt:22`, `state NEW`,
    /// `multiport dports 22,80`).
    fn parse_l_extra(extra: &[&str], r: &mut Rule) {
        let mut i = 0;
        while i < extra.len() {
            let w = extra[i];
            if let Some(p) = w.strip_prefix("dpt:").or_else(|| w.strip_prefix("dpts:")) {
                r.dports = port_range(p).map(|x| vec![x]);
                if r.dports.is_none() {
                    r.ambiguous = true;
                }
            } else if (w == "dports" || w == "ports") && i + 1 < extra.len() {
                r.dports = extra[i + 1]
                    .split(',')
                    .map(port_range)
                    .collect::<Option<Vec<_>>>();
                if r.dports.is_none() {
                    r.ambiguous = true;
                }
                i += 1;
            } else if (w == "state" || w == "ctstate") && i + 1 < extra.len() {
                if !states_new(extra[i + 1]) {
                    r.skip = true;
                }
                i += 1;
            } else if w.starts_with("match-set") || w == "!" || w.starts_with("source") {
                r.ambiguous = true;
            }
            i += 1;
        }
    }

    fn any_addr(s: &str) -> bool {
        matches!(s, "0.0.0.0/0" | "::/0" | "anywhere")
    }

    /// `iptables -S` / `iptables-save` / `iptables -L -n [-v]` (INPUT chain).
    pub(crate) fn iptables(text: &str) -> Option<Reading> {
        let mut policy: Option<String> = None;
        let mut rules: Vec<Rule> = Vec::new();
        let mut format_lines = 0;
        let mut guessed_lo = false;
        let mut in_input = false;
        let mut verbose = false;
        for line in text.lines() {
            let l = line.trim();
            let t = toks(l);
            if t.is_empty() {
                in_input = false;
                continue;
            }
            // iptables -S / iptables-save
            if t[0] == "-P" && t.len() >= 3 {
                format_lines += 1;
                if t[1] == "INPUT" {
                    policy = Some(t[2].to_string());
                }
                continue;
            }
            if let Some(chain) = t[0].strip_prefix(':') {
                if chain == "INPUT" && t.len() >= 2 {
                    policy = Some(t[1].to_string());
                    format_lines += 1;
                }
                continue;
            }
            if (t[0] == "-A" || t[0] == "-I") && t.len() >= 2 {
                format_lines += 1;
                if t[1] == "INPUT" && rules.len() < 256 {
                    let r = parse_s_rule(&t[2..]);
                    rules.push(r);
                }
                continue;
            }
            if t[0] == "-N" {
                format_lines += 1;
                continue;
            }
            // iptables -L -n
            if t[0] == "Chain" && t.len() >= 2 {
                in_input = t[1] == "INPUT";
                if in_input {
                    if let Some(p) = l.split("(policy ").nth(1) {
                        policy = p
                            .split_whitespace()
                            .next()
                            .map(|s| s.trim_end_matches(')').to_string());
                    }
                    format_lines += 1;
                }
                continue;
            }
            if !in_input {
                continue;
            }
            if t.contains(&"target") && t.contains(&"prot") {
                verbose = t[0] == "pkts";
                format_lines += 1;
                continue;
            }
            let c = if verbose { 2 } else { 0 };
            let need = if verbose { 9 } else { 5 };
            if t.len() < need {
                continue;
            }
            let mut r = Rule {
                target: t[c].to_string(),
                ..Rule::default()
            };
            if !matches!(t[c + 1], "tcp" | "all" | "6" | "0") {
                r.skip = true;
            }
            let (src, dst) = if verbose {
                let (i, _o) = (t[5], t[6]);
                if i == "lo" {
                    r.skip = true;
                } else if i != "*" {
                    r.ambiguous = true;
                }
                (t[7], t[8])
            } else {
                (t[3], t[4])
            };
            if !any_addr(src) || !any_addr(dst) {
                r.ambiguous = true;
            }
            let extra = &t[need..];
            parse_l_extra(extra, &mut r);
            if !verbose
                && extra.is_empty()
                && r.target == "ACCEPT"
                && t[c + 1] == "all"
                && !r.ambiguous
            {
                // Without -v the loopback rule prints as "accept everything".
                r.skip = true;
                guessed_lo = true;
            }
            format_lines += 1;
            if rules.len() < 256 {
                rules.push(r);
            }
        }
        if format_lines < 2
            && !(format_lines == 1
                && has_command(text, &["iptables", "iptables-save", "ip6tables"]))
        {
            return None;
        }
        // Without the policy (`iptables -S | grep 22`) only the rules decide.
        let policy = policy.as_deref();
        let mut facts = Vec::new();
        if policy == Some("ACCEPT") && rules.is_empty() {
            facts.push(Fact::FirewallInactive {
                firewall: Firewall::Iptables,
            });
        } else {
            for p in rule_ports(&rules) {
                emit(&mut facts, Firewall::Iptables, p, eval(&rules, policy, p));
            }
        }
        if facts.is_empty() {
            return None;
        }
        Some(Reading {
            kind: PasteKind::Iptables,
            confidence: conf(!guessed_lo),
            facts,
        })
    }

    /// An nft rule, from its tokens.
    fn parse_nft_rule(l: &str) -> Rule {
        let l = l.split(" # ").next().unwrap_or(l);
        let norm = l
            .replace('{', " { ")
            .replace('}', " } ")
            .replace(',', " , ");
        let t = toks(&norm);
        let mut r = Rule::default();
        let mut i = 0;
        while i < t.len() {
            match t[i] {
                "iif" | "iifname" => {
                    if t.get(i + 1).map(|s| s.trim_matches('"')) == Some("lo") {
                        r.skip = true;
                    } else {
                        r.ambiguous = true;
                    }
                    i += 1;
                }
                "saddr" | "daddr" | "!=" | "sport" => r.ambiguous = true,
                "udp" | "icmp" | "icmpv6" | "sctp" if !t.contains(&"tcp") => r.skip = true,
                "l4proto" | "protocol" | "nexthdr" => {
                    let a = t.get(i + 1).copied().unwrap_or("");
                    if a != "tcp" && a != "6" {
                        r.skip = true;
                    }
                    i += 1;
                }
                // `ct status dnat accept`, `ct mark ...`: not about new inbound connections.
                "status" | "mark" | "helper" if i > 0 && t[i - 1] == "ct" => r.skip = true,
                "state" if i > 0 && t[i - 1] == "ct" => {
                    let mut states = String::new();
                    let mut j = i + 1;
                    if t.get(j) == Some(&"{") {
                        j += 1;
                        while j < t.len() && t[j] != "}" {
                            states.push_str(t[j]);
                            j += 1;
                        }
                    } else if let Some(s) = t.get(j) {
                        states.push_str(s);
                    }
                    if !states.split(',').any(|s| s == "new" || s == "untracked") {
                        r.skip = true;
                    }
                    i = j;
                }
                "dport" => {
                    let mut list = Vec::new();
                    let mut ok = true;
                    let mut j = i + 1;
                    if t.get(j) == Some(&"{") {
                        j += 1;
                        while j < t.len() && t[j] != "}" {
                            if t[j] != "," {
                                match port_range(t[j]) {
                                    Some(x) => list.push(x),
                                    None => ok = false,
                                }
                            }
                            j += 1;
                        }
                    } else {
                        match t.get(j).and_then(|s| port_range(s)) {
                            Some(x) => list.push(x),
                            None => ok = false,
                        }
                    }
                    if ok && !list.is_empty() {
                        r.dports = Some(list);
                    } else {
                        r.ambiguous = true;
                    }
                    i = j;
                }
                "accept" | "drop" | "reject" if r.target.is_empty() => {
                    r.target = match t[i] {
                        "accept" => "ACCEPT",
                        "drop" => "DROP",
                        _ => "REJECT",
                    }
                    .to_string();
                }
                "jump" | "goto" | "queue" if r.target.is_empty() => r.target = "JUMP".to_string(),
                "return" if r.target.is_empty() => r.target = "RETURN".to_string(),
                _ => {}
            }
            i += 1;
        }
        if r.target.is_empty() {
            r.target = "LOG".to_string(); // counter, log: no verdict
        }
        r
    }

    /// `nft list ruleset`: every base chain on the input hook.
    pub(crate) fn nft(text: &str) -> Option<Reading> {
        let mut tables = 0;
        let mut chains: Vec<(Option<String>, Vec<Rule>)> = Vec::new();
        let mut current: Option<(bool, Option<String>, Vec<Rule>)> = None;
        for line in text.lines() {
            let l = line.trim();
            if l.starts_with("table ") && l.ends_with('{') {
                tables += 1;
                continue;
            }
            if l.starts_with("chain ") && l.ends_with('{') {
                current = Some((false, None, Vec::new()));
                continue;
            }
            let Some(c) = current.as_mut() else { continue };
            if l == "}" {
                let (input, policy, rules) = current.take().unwrap_or_default();
                if input && chains.len() < 16 {
                    chains.push((policy, rules));
                }
                continue;
            }
            if l.starts_with("type ") && l.contains(" hook ") {
                c.0 = l.contains("hook input");
                if let Some(p) = l.split("policy ").nth(1) {
                    c.1 = Some(p.trim_end_matches(';').trim().to_ascii_uppercase());
                }
                continue;
            }
            if l.is_empty() || l.starts_with('#') || l.starts_with("comment") {
                continue;
            }
            if c.2.len() < 256 {
                c.2.push(parse_nft_rule(l));
            }
        }
        let asked = has_command(text, &["nft"]);
        if tables == 0 {
            if asked && text.lines().filter(|l| !l.trim().is_empty()).count() <= 2 {
                return Some(Reading {
                    kind: PasteKind::Nft,
                    confidence: conf(true),
                    facts: vec![Fact::FirewallInactive {
                        firewall: Firewall::Nft,
                    }],
                });
            }
            return None;
        }
        let mut facts = Vec::new();
        let open = chains
            .iter()
            .all(|(pol, rules)| rules.is_empty() && pol.as_deref().unwrap_or("ACCEPT") == "ACCEPT");
        if open {
            // No input chain, or only empty ones that accept: nothing filtered.
            push(
                &mut facts,
                Fact::FirewallInactive {
                    firewall: Firewall::Nft,
                },
            );
        } else {
            let all: Vec<&Rule> = chains.iter().flat_map(|c| c.1.iter()).collect();
            let mut ports = vec![22u16, 3389];
            for r in &all {
                for (a, b) in r.dports.iter().flatten() {
                    if a == b {
                        add_port(&mut ports, *a);
                    }
                }
            }
            for p in ports {
                let verdicts: Vec<Verdict> = chains
                    .iter()
                    .map(|(pol, rules)| eval(rules, Some(pol.as_deref().unwrap_or("ACCEPT")), p))
                    .collect();
                let v = if verdicts.contains(&Verdict::Block) {
                    Verdict::Block
                } else if verdicts.contains(&Verdict::Unknown) {
                    Verdict::Unknown
                } else {
                    Verdict::Accept
                };
                emit(&mut facts, Firewall::Nft, p, v);
            }
        }
        if facts.is_empty() {
            return None;
        }
        Some(Reading {
            kind: PasteKind::Nft,
            confidence: conf(true),
            facts,
        })
    }
}

mod client {
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
}

mod boot {
    //! Boot and serial-console text.

    use super::text::{capped, conf, push};
    use super::{BootProblem, Fact, PasteKind, Reading};

    /// Kernel panics, maintenance and emergency mode, fstab dependencies, a full
    /// disk, sshd failing to start.
    pub(crate) fn boot(text: &str) -> Option<Reading> {
        let mut facts = Vec::new();
        let mut boot_lines = 0;
        for line in text.lines() {
            let l = line.trim();
            if l.starts_with("[  OK  ]")
                || l.starts_with("[FAILED]")
                || l.starts_with("[DEPEND]")
                || l.starts_with("[    ")
                || l.starts_with("[ ") && l.as_bytes().get(2).is_some_and(|c| c.is_ascii_digit())
            {
                boot_lines += 1;
            }
            let problem = if l.contains("Kernel panic - not syncing") {
                Some(BootProblem::KernelPanic)
            } else if l.contains("Give root password for maintenance") {
                Some(BootProblem::Maintenance)
            } else if l.contains("You are in emergency mode") {
                Some(BootProblem::EmergencyMode)
            } else if let Some(rest) = l.split("Dependency failed for ").nth(1) {
                let what = rest.trim().trim_end_matches('.');
                let mount = what.starts_with('/').then(|| capped(what, 64));
                Some(BootProblem::FstabDependency { mount })
            } else if l.contains("No space left on device") {
                Some(BootProblem::NoSpace)
            } else if l.contains("Failed to start OpenSSH")
                || l.contains("Failed to start OpenBSD Secure Shell")
                || l.contains("Failed to start ssh.service")
                || l.contains("Failed to start sshd.service")
            {
                Some(BootProblem::SshFailedToStart)
            } else {
                None
            };
            if let Some(problem) = problem {
                push(&mut facts, Fact::Boot { problem });
            }
        }
        if facts.is_empty() {
            return None;
        }
        // A named mount says more than "Local File Systems".
        let named = facts.iter().any(|f| {
            matches!(
                f,
                Fact::Boot {
                    problem: BootProblem::FstabDependency { mount: Some(_) }
                }
            )
        });
        if named {
            facts.retain(|f| {
                *f != Fact::Boot {
                    problem: BootProblem::FstabDependency { mount: None },
                }
            });
        }
        Some(Reading {
            kind: PasteKind::Boot,
            confidence: conf(boot_lines >= 2 || facts.len() >= 2),
            facts,
        })
    }
}

mod mask {
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
}
