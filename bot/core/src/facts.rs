//! What the facts read from a paste mean for this conversation: stable codes
//! the runbook routes branch on (`fact:<code>`), computed against the login
//! port and the OS, plus the side effects a paste has on the session.

use crate::command::Os;
use crate::msg::Msg;
use crate::paste::{BootProblem, ClientResult, Fact, Firewall, RegKey, SshdProblem, Svc, SvcState};

/// Every fact code a runbook condition may name (validated at load).
pub const CODES: &[&str] = &[
    "listen-all",
    "listen-local-only",
    "listen-other-port",
    "listen-none",
    "registry-same",
    "registry-differ",
    "registry-other-port",
    "client-connected",
    "client-refused",
    "client-timeout",
    "client-publickey",
    "client-password",
    "client-kex",
    "client-hostkey-type",
    "client-hostkey-changed",
    "client-closed",
    "client-no-route",
    "client-no-name",
    "client-cipher",
    "client-other-port",
    "ping-ok",
    "ping-failed",
    "service-running",
    "service-stopped",
    "service-failed",
    "socket-listening",
    "service-missing",
    "service-starting",
    "sshd-address-in-use",
    "sshd-bind-denied",
    "sshd-privsep",
    "sshd-bad-config",
    "sshd-fatal",
    "sshd-no-hostkeys",
    "auth-failed-password",
    "auth-closed",
    "firewall-blocks",
    "firewall-allows",
    "firewall-off",
    "resources-high",
    "disk-full",
    "boot-trouble",
    "rdp-listener-missing",
];

fn is_local(addr: &str) -> bool {
    let a = addr.trim_matches(['[', ']']);
    a.starts_with("127.") || a == "::1" || a == "localhost"
}

/// Is `owner` the login service for this OS (or unknown, or systemd socket activation)?
fn login_owner(owner: Option<&str>, os: Option<Os>) -> bool {
    match owner {
        None => true,
        Some(o) => {
            let o = o.to_ascii_lowercase();
            let pid = o.chars().all(|c| c.is_ascii_digit());
            match os {
                Some(Os::Windows) => pid || o.contains("svchost") || o.contains("termservice"),
                _ => pid || o.contains("sshd") || o == "systemd" || o.contains("ssh"),
            }
        }
    }
}

/// The codes these facts give, for a login port and OS. Sorted, deduplicated.
pub fn codes(facts: &[Fact], port: u16, os: Option<Os>) -> Vec<&'static str> {
    let mut out: Vec<&'static str> = Vec::new();
    let mut saw_listeners = false;
    let mut on_port_any = false;
    let mut on_port_local = false;
    let mut other_port = false;
    let mut reg_tds = None;
    let mut reg_rdp = None;
    for f in facts {
        match f {
            Fact::Listening {
                addr,
                port: p,
                owner,
            } => {
                saw_listeners = true;
                if *p == port {
                    if is_local(addr) {
                        on_port_local = true;
                    } else {
                        on_port_any = true;
                    }
                } else if login_owner(owner.as_deref(), os)
                    && owner
                        .as_deref()
                        .is_some_and(|o| !o.chars().all(|c| c.is_ascii_digit()))
                    && !is_local(addr)
                {
                    other_port = true;
                }
            }
            Fact::Established { .. } => {}
            Fact::RegistryPort { key, port: p } => match key {
                RegKey::Tds => reg_tds = Some(*p),
                RegKey::RdpTcp => reg_rdp = Some(*p),
            },
            Fact::Client { result } => out.push(match result {
                ClientResult::Connected => "client-connected",
                ClientResult::Refused => "client-refused",
                ClientResult::TimedOut => "client-timeout",
                ClientResult::PublickeyDenied => "client-publickey",
                ClientResult::PasswordDenied => "client-password",
                ClientResult::NoMatchingKex => "client-kex",
                ClientResult::NoMatchingHostKey => "client-hostkey-type",
                ClientResult::HostKeyChanged => "client-hostkey-changed",
                ClientResult::ClosedByServer => "client-closed",
                ClientResult::NoRoute => "client-no-route",
                ClientResult::NameNotResolved => "client-no-name",
                ClientResult::NoMatchingCipher => "client-cipher",
            }),
            Fact::ClientPort { port: p } => {
                if *p != port {
                    out.push("client-other-port");
                }
            }
            Fact::Ping { replies } => out.push(if *replies { "ping-ok" } else { "ping-failed" }),
            Fact::Service { service, state } => {
                let relevant = !matches!(
                    (service, os),
                    (Svc::TermService, Some(Os::Linux))
                        | (Svc::Sshd | Svc::SshSocket, Some(Os::Windows))
                );
                if relevant {
                    out.push(match (service, state) {
                        (Svc::SshSocket, SvcState::Listening | SvcState::Running) => {
                            "socket-listening"
                        }
                        (_, SvcState::Running | SvcState::Listening) => "service-running",
                        (_, SvcState::Stopped | SvcState::Failed) => "service-stopped",
                        (_, SvcState::NotFound) => "service-missing",
                        (_, SvcState::Starting) => "service-starting",
                    });
                    // Failed is stopped too, and more: it tried and stopped,
                    // so the reason comes before starting it again.
                    if *state == SvcState::Failed {
                        out.push("service-failed");
                    }
                }
            }
            Fact::Sshd { problem } => out.push(match problem {
                SshdProblem::AddressInUse { .. } => "sshd-address-in-use",
                SshdProblem::BindDenied { .. } => "sshd-bind-denied",
                SshdProblem::MissingPrivsep => "sshd-privsep",
                SshdProblem::BadConfig { .. } => "sshd-bad-config",
                SshdProblem::Fatal { text } if text.starts_with("no hostkeys available") => {
                    "sshd-no-hostkeys"
                }
                SshdProblem::Fatal { .. } => "sshd-fatal",
                SshdProblem::FailedPassword { .. } => "auth-failed-password",
                SshdProblem::ClosedByAuthenticatingUser | SshdProblem::MaxAuthTries => {
                    "auth-closed"
                }
            }),
            Fact::FirewallAllows { port: p, .. } if *p == port => out.push("firewall-allows"),
            Fact::FirewallBlocks { port: p, .. } if *p == port => out.push("firewall-blocks"),
            Fact::FirewallAllows { .. } | Fact::FirewallBlocks { .. } => {}
            Fact::FirewallInactive { .. } => out.push("firewall-off"),
            Fact::Memory {
                total_mb,
                available_mb,
            } => {
                if *total_mb > 0 && available_mb * 100 / total_mb < 5 {
                    out.push("resources-high");
                }
            }
            Fact::Load { load1_centi, cpus } => {
                let cores = u64::from(cpus.unwrap_or(1).max(1));
                if *load1_centi > cores * 200 {
                    out.push("resources-high");
                }
            }
            Fact::Disk { used_pct, .. } => {
                if *used_pct >= 97 {
                    out.push("disk-full");
                    out.push("resources-high");
                }
            }
            Fact::Boot { problem } => {
                out.push("boot-trouble");
                if matches!(problem, BootProblem::NoSpace) {
                    out.push("disk-full");
                }
            }
            Fact::RdpListener { present } => {
                if !present {
                    out.push("rdp-listener-missing");
                }
            }
        }
    }
    if saw_listeners {
        if on_port_any {
            out.push("listen-all");
        } else if on_port_local {
            out.push("listen-local-only");
        } else if other_port {
            out.push("listen-other-port");
        } else {
            out.push("listen-none");
        }
    }
    if let (Some(t), Some(r)) = (reg_tds, reg_rdp) {
        if t != r {
            out.push("registry-differ");
        } else if r != port {
            out.push("registry-other-port");
        } else {
            out.push("registry-same");
        }
    } else if let Some(r) = reg_rdp {
        // Only RDP-Tcp: it decides the port.
        if r != port {
            out.push("registry-other-port");
        }
    }
    // A rule that blocks the login port beats a firewall reported inactive or
    // a rule that lets it in elsewhere (ufw off while iptables rejects; the
    // facts of one paste and the kept readings are weighed together): no
    // route may read "the firewall lets it in" against a block it was shown.
    if out.contains(&"firewall-blocks") {
        out.retain(|c| !matches!(*c, "firewall-off" | "firewall-allows"));
    }
    // A client that failed on another port than the login port in force
    // (still aimed at 22 after sshd moved) tested nothing about the login
    // port: its failure is not the login port's.
    if out.contains(&"client-other-port") {
        out.retain(|c| !matches!(*c, "client-refused" | "client-timeout" | "client-no-route"));
    }
    // Connected, then refused at login: the login failure is what matters.
    if out.contains(&"client-connected")
        && out.iter().any(|c| {
            c.starts_with("client-")
                && !matches!(
                    *c,
                    "client-connected"
                        | "client-refused"
                        | "client-timeout"
                        | "client-no-route"
                        | "client-no-name"
                )
        })
    {
        out.retain(|c| *c != "client-connected");
    }
    out.sort_unstable();
    out.dedup();
    out
}

/// The port the login service really listens on, when a paste shows it
/// somewhere other than the login port: the RDP-Tcp registry value, or the
/// port sshd (or its socket) listens on.
pub fn new_login_port(facts: &[Fact], port: u16, os: Option<Os>) -> Option<u16> {
    let c = codes(facts, port, os);
    if c.contains(&"registry-other-port") {
        return facts.iter().find_map(|f| match f {
            Fact::RegistryPort {
                key: RegKey::RdpTcp,
                port: p,
            } => Some(*p),
            _ => None,
        });
    }
    if c.contains(&"listen-other-port") {
        return facts.iter().find_map(|f| match f {
            Fact::Listening {
                addr,
                port: p,
                owner: Some(o),
            } if *p != port
                && !is_local(addr)
                && !o.chars().all(|c| c.is_ascii_digit())
                && login_owner(Some(o), os) =>
            {
                Some(*p)
            }
            _ => None,
        });
    }
    None
}

/// Ports the system itself listens on, never a moved login service: RPC,
/// NetBIOS, SMB, WinRM, WS-Discovery, Delivery Optimization, databases.
const SYSTEM_PORTS: &[u16] = &[
    1433, 3306, 5040, 5357, 5432, 5985, 5986, 6379, 7680, 27017, 47001,
];

/// Listeners a list shows only by PID or with no owner at all
/// (`netstat -ano`, `ss -tln`) when nothing listens on the login port: the
/// ports where a moved login service may be, worth a check from outside.
/// Loopback, the login port, ports below 1024, well-known system ports and
/// (on Windows) the dynamic RPC range are left out; sorted, at most `max`.
pub fn unnamed_listeners(facts: &[Fact], port: u16, os: Option<Os>, max: usize) -> Vec<u16> {
    if !codes(facts, port, os).contains(&"listen-none") {
        return Vec::new();
    }
    let mut out: Vec<u16> = facts
        .iter()
        .filter_map(|f| match f {
            Fact::Listening {
                addr,
                port: p,
                owner,
            } if *p != port
                && !is_local(addr)
                && owner
                    .as_deref()
                    .is_none_or(|o| o.chars().all(|c| c.is_ascii_digit()))
                && *p >= 1024
                && !SYSTEM_PORTS.contains(p)
                && !(os == Some(Os::Windows) && *p >= 49152) =>
            {
                Some(*p)
            }
            _ => None,
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out.truncate(max);
    out
}

/// The PID a listener list shows on `port`, for `tasklist /svc /fi "PID eq N"`.
pub fn pid_on(facts: &[Fact], port: u16) -> Option<String> {
    facts.iter().find_map(|f| match f {
        Fact::Listening {
            port: p,
            owner: Some(o),
            ..
        } if *p == port && !o.is_empty() && o.chars().all(|c| c.is_ascii_digit()) => {
            Some(o.clone())
        }
        _ => None,
    })
}

/// Which firewall a paste showed, for the exact command to open the port.
/// The firewall the advice is about: the one that blocks, else the one that
/// allows, else one reported inactive (`ufw` inactive next to an `iptables`
/// rule that rejects: the fix goes into iptables, where the block is).
pub fn firewall_of(facts: &[Fact]) -> Option<Firewall> {
    let blocks = facts.iter().find_map(|f| match f {
        Fact::FirewallBlocks { firewall, .. } => Some(*firewall),
        _ => None,
    });
    let allows = || {
        facts.iter().find_map(|f| match f {
            Fact::FirewallAllows { firewall, .. } => Some(*firewall),
            _ => None,
        })
    };
    let inactive = || {
        facts.iter().find_map(|f| match f {
            Fact::FirewallInactive { firewall } => Some(*firewall),
            _ => None,
        })
    };
    blocks.or_else(allows).or_else(inactive)
}

/// A value from a paste, fit to be said back: one line, no control or
/// formatting characters, at most 40 characters.
fn shown(v: &str) -> String {
    let clean: String = crate::text::clean_line(v).chars().take(40).collect();
    if clean.is_empty() {
        "?".into()
    } else {
        clean
    }
}

/// Bidi controls, default-ignorable and other invisible characters never
/// reach a chat ([`crate::text::is_hidden`]).
pub fn is_invisible(c: char) -> bool {
    crate::text::is_hidden(c)
}

fn fw_key(f: Firewall) -> &'static str {
    match f {
        Firewall::Ufw => "ufw",
        Firewall::Firewalld => "firewalld",
        Firewall::Iptables => "iptables",
        Firewall::Nft => "nft",
    }
}

/// One line saying back a fact.
pub fn fact_msg(f: &Fact) -> Msg {
    match f {
        Fact::Listening { addr, port, owner } => Msg::new("fact-listening")
            .arg("addr", shown(addr))
            .arg("port", *port)
            .arg(
                "owner",
                match owner.as_deref() {
                    None => "none".into(),
                    Some(o) if o.chars().all(|c| c.is_ascii_digit()) => format!("PID {o}"),
                    Some(o) => shown(o),
                },
            ),
        Fact::Established { port } => Msg::new("fact-established").arg("port", *port),
        Fact::RegistryPort { key, port } => Msg::new("fact-registry")
            .arg(
                "key",
                match key {
                    RegKey::Tds => "tds",
                    RegKey::RdpTcp => "rdp-tcp",
                },
            )
            .arg("port", *port),
        Fact::Client { result } => Msg::new("fact-client").arg(
            "result",
            match result {
                ClientResult::Connected => "connected",
                ClientResult::Refused => "refused",
                ClientResult::TimedOut => "timeout",
                ClientResult::PublickeyDenied => "publickey",
                ClientResult::PasswordDenied => "password",
                ClientResult::NoMatchingKex => "kex",
                ClientResult::NoMatchingHostKey => "hostkey-type",
                ClientResult::HostKeyChanged => "hostkey-changed",
                ClientResult::ClosedByServer => "closed",
                ClientResult::NoRoute => "no-route",
                ClientResult::NameNotResolved => "no-name",
                ClientResult::NoMatchingCipher => "cipher",
            },
        ),
        Fact::ClientPort { port } => Msg::new("fact-client-port").arg("port", *port),
        Fact::Ping { replies } => {
            Msg::new("fact-ping").arg("replies", if *replies { "yes" } else { "no" })
        }
        Fact::Service { service, state } => Msg::new("fact-service")
            .arg(
                "service",
                match service {
                    Svc::TermService => "termservice",
                    Svc::Sshd => "sshd",
                    Svc::SshSocket => "ssh-socket",
                },
            )
            .arg(
                "state",
                match state {
                    SvcState::Running => "running",
                    SvcState::Listening => "listening",
                    SvcState::Stopped => "stopped",
                    SvcState::Failed => "failed",
                    SvcState::NotFound => "not-found",
                    SvcState::Starting => "starting",
                },
            ),
        Fact::Sshd { problem } => {
            let (kind, line, detail) = match problem {
                SshdProblem::AddressInUse { port } => (
                    "address-in-use",
                    -1,
                    port.map(|p| p.to_string()).unwrap_or_default(),
                ),
                SshdProblem::BindDenied { port } => (
                    "bind-denied",
                    -1,
                    port.map(|p| p.to_string()).unwrap_or_default(),
                ),
                SshdProblem::MissingPrivsep => ("privsep", -1, String::new()),
                SshdProblem::BadConfig { line, option } => (
                    "bad-config",
                    line.map(i64::from).unwrap_or(-1),
                    option.as_deref().map(shown).unwrap_or_default(),
                ),
                SshdProblem::Fatal { text } => ("fatal", -1, shown(text)),
                SshdProblem::FailedPassword { from } => (
                    "failed-password",
                    -1,
                    from.as_deref().map(shown).unwrap_or_default(),
                ),
                SshdProblem::ClosedByAuthenticatingUser => ("closed-auth", -1, String::new()),
                SshdProblem::MaxAuthTries => ("max-auth", -1, String::new()),
            };
            Msg::new("fact-sshd")
                .arg("kind", kind)
                .arg("line", line)
                .arg(
                    "detail",
                    if detail.is_empty() {
                        "-".into()
                    } else {
                        detail
                    },
                )
        }
        Fact::FirewallAllows { firewall, port } => Msg::new("fact-firewall")
            .arg("firewall", fw_key(*firewall))
            .arg("verdict", "allows")
            .arg("port", *port),
        Fact::FirewallBlocks { firewall, port } => Msg::new("fact-firewall")
            .arg("firewall", fw_key(*firewall))
            .arg("verdict", "blocks")
            .arg("port", *port),
        Fact::FirewallInactive { firewall } => Msg::new("fact-firewall")
            .arg("firewall", fw_key(*firewall))
            .arg("verdict", "off")
            .arg("port", 0u16),
        Fact::Memory {
            total_mb,
            available_mb,
        } => Msg::new("fact-memory")
            .arg("total", *total_mb)
            .arg("available", *available_mb),
        Fact::Load { load1_centi, cpus } => Msg::new("fact-load")
            .arg(
                "load",
                format!("{}.{:02}", load1_centi / 100, load1_centi % 100),
            )
            .arg("cpus", cpus.map(i64::from).unwrap_or(-1)),
        Fact::Disk { mount, used_pct } => Msg::new("fact-disk")
            .arg("mount", shown(mount))
            .arg("pct", i64::from(*used_pct)),
        Fact::Boot { problem } => {
            let (kind, mount) = boot_key(problem);
            Msg::new("fact-boot").arg("kind", kind).arg("mount", mount)
        }
        Fact::RdpListener { present } => {
            Msg::new("fact-rdp-listener").arg("present", if *present { "yes" } else { "no" })
        }
    }
}

fn boot_key(p: &BootProblem) -> (&'static str, String) {
    match p {
        BootProblem::KernelPanic => ("kernel-panic", "-".into()),
        BootProblem::Maintenance => ("maintenance", "-".into()),
        BootProblem::EmergencyMode => ("emergency", "-".into()),
        BootProblem::FstabDependency { mount } => (
            "fstab",
            mount.as_deref().map(shown).unwrap_or_else(|| "-".into()),
        ),
        BootProblem::NoSpace => ("no-space", "-".into()),
        BootProblem::SshFailedToStart => ("ssh-failed", "-".into()),
    }
}

/// What the facts settle in the conversation's variables: the user's own
/// tests (`user_port`, `user_ping`, which the runbook routes read), and values
/// route notes quote (`reg_tds`, `reg_rdp`, `firewall`, `boot`, `boot_mount`).
pub fn vars(facts: &[Fact], port: u16, os: Option<Os>) -> Vec<(&'static str, String)> {
    let mut out = Vec::new();
    let c = codes(facts, port, os);
    // A host name that did not resolve tested nothing.
    let failed = ["client-refused", "client-timeout", "client-no-route"];
    let past_tcp = c
        .iter()
        .any(|c| c.starts_with("client-") && !failed.contains(c) && *c != "client-no-name");
    if past_tcp {
        // Connected (a login failure also means the port answered).
        out.push(("user_port", "ok".to_owned()));
    } else if c.iter().any(|c| failed.contains(c)) {
        out.push(("user_port", "failed".to_owned()));
    }
    if c.contains(&"ping-ok") {
        out.push(("user_ping", "ok".to_owned()));
    } else if c.contains(&"ping-failed") {
        out.push(("user_ping", "failed".to_owned()));
    }
    for f in facts {
        match f {
            Fact::RegistryPort {
                key: RegKey::Tds,
                port,
            } => out.push(("reg_tds", port.to_string())),
            Fact::RegistryPort {
                key: RegKey::RdpTcp,
                port,
            } => out.push(("reg_rdp", port.to_string())),
            _ => {}
        }
    }
    // The most specific boot problem names the advice.
    let rank = |p: &BootProblem| match p {
        BootProblem::FstabDependency { .. } => 0,
        BootProblem::NoSpace => 1,
        BootProblem::KernelPanic => 2,
        BootProblem::SshFailedToStart => 3,
        BootProblem::EmergencyMode => 4,
        BootProblem::Maintenance => 5,
    };
    if let Some(problem) = facts
        .iter()
        .filter_map(|f| match f {
            Fact::Boot { problem } => Some(problem),
            _ => None,
        })
        .min_by_key(|p| rank(p))
    {
        let (kind, mount) = boot_key(problem);
        out.push(("boot", kind.to_owned()));
        out.push(("boot_mount", mount));
    }
    // The port the user's failed client named (notes quote it).
    if let Some(p) = facts.iter().find_map(|f| match f {
        Fact::ClientPort { port } => Some(*port),
        _ => None,
    }) {
        out.push(("client_port", p.to_string()));
    }
    if let Some(fw) = firewall_of(facts) {
        out.push(("firewall", fw_key(fw).to_owned()));
    }
    out
}

/// A paste as the report keeps it: secrets masked, at most 4 KiB
/// ([`crate::paste::mask_secrets`]), invisible characters dropped, every
/// line break a `\n` ([`crate::text::clean_lines`]).
pub fn report_text(text: &str) -> String {
    crate::text::clean_lines(&crate::paste::mask_secrets(text))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listen(addr: &str, port: u16, owner: &str) -> Fact {
        Fact::Listening {
            addr: addr.into(),
            port,
            owner: Some(owner.into()),
        }
    }

    #[test]
    fn listeners_against_the_login_port() {
        let linux = Some(Os::Linux);
        assert_eq!(
            codes(&[listen("0.0.0.0", 22, "sshd")], 22, linux),
            ["listen-all"]
        );
        assert_eq!(
            codes(&[listen("[::]", 22, "systemd")], 22, linux),
            ["listen-all"]
        );
        assert_eq!(
            codes(&[listen("127.0.0.1", 22, "sshd")], 22, linux),
            ["listen-local-only"]
        );
        let f = [
            listen("0.0.0.0", 2222, "sshd"),
            listen("0.0.0.0", 80, "nginx"),
        ];
        assert_eq!(codes(&f, 22, linux), ["listen-other-port"]);
        assert_eq!(new_login_port(&f, 22, linux), Some(2222));
        assert_eq!(
            codes(&[listen("0.0.0.0", 80, "nginx")], 22, linux),
            ["listen-none"]
        );
    }

    #[test]
    fn pid_only_listeners_are_candidates_for_a_moved_service() {
        let w = Some(Os::Windows);
        let f = [
            listen("0.0.0.0", 135, "912"),
            listen("0.0.0.0", 445, "4"),
            listen("0.0.0.0", 5985, "4"),
            listen("0.0.0.0", 49664, "700"),
            listen("127.0.0.1", 5000, "88"),
            listen("0.0.0.0", 33890, "1084"),
        ];
        assert_eq!(codes(&f, 3389, w), ["listen-none"]);
        assert_eq!(unnamed_listeners(&f, 3389, w, 4), [33890]);
        assert_eq!(unnamed_listeners(&f, 3389, w, 0), Vec::<u16>::new());
        assert_eq!(pid_on(&f, 33890).as_deref(), Some("1084"));
        // Something on the login port: nothing to infer.
        let mut on = f.to_vec();
        on.push(listen("0.0.0.0", 3389, "1084"));
        assert!(unnamed_listeners(&on, 3389, w, 4).is_empty());
    }

    #[test]
    fn report_text_masks_secrets() {
        let t = "ok line\n-----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXk\n-----END OPENSSH PRIVATE KEY-----\nPassword: hunter2\nexport TOKEN=abc\nAKIAIOSFODNN7EXAMPLE here\nlast \u{202E}line";
        let r = report_text(t);
        assert!(!r.contains("b3BlbnNzaC1rZXk"), "{r}");
        assert!(!r.contains("hunter2"), "{r}");
        assert!(!r.contains("abc"), "{r}");
        assert!(!r.contains("AKIA"), "{r}");
        assert!(!r.contains('\u{202E}'), "{r}");
        assert!(r.starts_with("ok line"), "{r}");
        let long = "x".repeat(10_000);
        assert!(report_text(&long).len() <= 4096 + 16);
    }

    #[test]
    fn registry_values() {
        let w = Some(Os::Windows);
        let reg = |t, r| {
            [
                Fact::RegistryPort {
                    key: RegKey::Tds,
                    port: t,
                },
                Fact::RegistryPort {
                    key: RegKey::RdpTcp,
                    port: r,
                },
            ]
        };
        assert_eq!(codes(&reg(3389, 3389), 3389, w), ["registry-same"]);
        assert_eq!(codes(&reg(3389, 3390), 3389, w), ["registry-differ"]);
        assert_eq!(codes(&reg(3390, 3390), 3389, w), ["registry-other-port"]);
        assert_eq!(new_login_port(&reg(3390, 3390), 3389, w), Some(3390));
    }

    #[test]
    fn every_code_is_known() {
        // Codes produced must be in CODES (runbook conditions are validated against it).
        let all = [
            Fact::Client {
                result: ClientResult::HostKeyChanged,
            },
            Fact::Ping { replies: false },
            Fact::Service {
                service: Svc::SshSocket,
                state: SvcState::Listening,
            },
            Fact::Sshd {
                problem: SshdProblem::MissingPrivsep,
            },
            Fact::FirewallBlocks {
                firewall: Firewall::Ufw,
                port: 22,
            },
            Fact::Disk {
                mount: "/".into(),
                used_pct: 100,
            },
            Fact::Boot {
                problem: BootProblem::EmergencyMode,
            },
        ];
        for c in codes(&all, 22, Some(Os::Linux)) {
            assert!(CODES.contains(&c), "{c}");
        }
    }
}
