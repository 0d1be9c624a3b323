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
//! The readers (the `READERS` table; each a file in this folder, the shared line scanner in `text`), one [`PasteKind`] each:
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

pub use client::{ssh_details, SshDetails};
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
        let cut = |s: &mut String| crate::text::truncate_chars(s, max);
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

mod text;

mod windows;

mod linux;

mod firewall;

mod client;

mod boot;

mod mask;
