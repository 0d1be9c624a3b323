//! The paste readers against a corpus of real-format outputs
//! (`tests/pastes/`, one file per sample), hostile pastes, `mask_secrets`,
//! and proptest over arbitrary strings and mutated samples.

use proptest::prelude::*;
use vmd_core::paste::{
    mask_secrets, read, BootProblem, ClientResult, Confidence, Fact, Firewall, PasteKind, Reading,
    RegKey, SshdProblem, Svc, SvcState, MAX_FACTS, MAX_PASTE, MAX_REPORT_PASTE,
};

use Confidence::{High, Medium};
use PasteKind as K;

macro_rules! sample {
    ($name:literal) => {
        (
            $name,
            include_str!(concat!("../../../tests/pastes/", $name)),
        )
    };
}

fn listen(addr: &str, port: u16, owner: Option<&str>) -> Fact {
    Fact::Listening {
        addr: addr.into(),
        port,
        owner: owner.map(Into::into),
    }
}
fn est(port: u16) -> Fact {
    Fact::Established { port }
}
fn reg(key: RegKey, port: u16) -> Fact {
    Fact::RegistryPort { key, port }
}
fn client(result: ClientResult) -> Fact {
    Fact::Client { result }
}
fn ping(replies: bool) -> Fact {
    Fact::Ping { replies }
}
fn svc(service: Svc, state: SvcState) -> Fact {
    Fact::Service { service, state }
}
fn sshd(problem: SshdProblem) -> Fact {
    Fact::Sshd { problem }
}
fn allows(firewall: Firewall, port: u16) -> Fact {
    Fact::FirewallAllows { firewall, port }
}
fn blocks(firewall: Firewall, port: u16) -> Fact {
    Fact::FirewallBlocks { firewall, port }
}
fn boot(problem: BootProblem) -> Fact {
    Fact::Boot { problem }
}
fn disk(mount: &str, used_pct: u8) -> Fact {
    Fact::Disk {
        mount: mount.into(),
        used_pct,
    }
}
fn r(kind: PasteKind, confidence: Confidence, facts: Vec<Fact>) -> Reading {
    Reading {
        kind,
        confidence,
        facts,
    }
}

/// Every sample with the readings it must yield (empty: nothing).
fn corpus() -> Vec<(&'static str, &'static str, Vec<Reading>)> {
    use ClientResult as C;
    use Firewall::{Firewalld, Iptables, Nft, Ufw};
    use RegKey::{RdpTcp, Tds};
    use Svc::{SshSocket, Sshd, TermService};
    use SvcState::{Failed, Listening, NotFound, Running, Starting, Stopped};
    let e = |(n, t): (&'static str, &'static str), v: Vec<Reading>| (n, t, v);
    vec![
        // ---- Windows ----
        e(
            sample!("windows-netstat-ano-en.txt"),
            vec![r(
                K::Netstat,
                High,
                vec![
                    listen("0.0.0.0", 3389, Some("1084")),
                    listen("::", 3389, Some("1084")),
                    est(3389),
                ],
            )],
        ),
        e(
            sample!("windows-netstat-ano-ko.txt"),
            vec![r(
                K::Netstat,
                High,
                vec![
                    listen("0.0.0.0", 3389, Some("1096")),
                    listen("::", 3389, Some("1096")),
                    est(3389),
                    listen("0.0.0.0", 135, Some("936")),
                    listen("0.0.0.0", 445, Some("4")),
                    listen("0.0.0.0", 5985, Some("4")),
                ],
            )],
        ),
        e(
            sample!("windows-netstat-ant-en-2019.txt"),
            vec![r(
                K::Netstat,
                High,
                vec![
                    listen("0.0.0.0", 135, None),
                    listen("0.0.0.0", 3390, None),
                    listen("10.0.0.4", 139, None),
                ],
            )],
        ),
        e(
            sample!("windows-netstat-ant-ko-findstr.txt"),
            vec![r(K::Netstat, High, vec![listen("127.0.0.1", 3389, None)])],
        ),
        e(
            sample!("windows-reg-query-both-en.txt"),
            vec![r(
                K::Registry,
                High,
                vec![reg(RdpTcp, 3389), reg(Tds, 3390)],
            )],
        ),
        e(
            sample!("windows-reg-query-rdptcp-only.txt"),
            vec![r(K::Registry, High, vec![reg(RdpTcp, 2222)])],
        ),
        e(
            sample!("windows-get-itemproperty-ko.txt"),
            vec![r(K::Registry, High, vec![reg(RdpTcp, 3389)])],
        ),
        e(
            sample!("windows-oneliner-two-numbers.txt"),
            vec![r(
                K::Registry,
                High,
                vec![reg(Tds, 3389), reg(RdpTcp, 3390)],
            )],
        ),
        e(sample!("windows-two-bare-numbers.txt"), vec![]),
        e(
            sample!("windows-tnc-fail-en.txt"),
            vec![r(
                K::TestNetConnection,
                High,
                vec![client(C::TimedOut), ping(false)],
            )],
        ),
        e(
            sample!("windows-tnc-ok-ko.txt"),
            vec![r(K::TestNetConnection, High, vec![client(C::Connected)])],
        ),
        e(
            sample!("windows-tnc-warning-ko.txt"),
            vec![r(
                K::TestNetConnection,
                Medium,
                vec![client(C::TimedOut), ping(false)],
            )],
        ),
        e(
            sample!("windows-ping-timeout-ko.txt"),
            vec![r(K::Ping, High, vec![ping(false)])],
        ),
        e(
            sample!("windows-ping-reply-ko.txt"),
            vec![r(K::Ping, High, vec![ping(true)])],
        ),
        e(
            sample!("windows-ping-reply-en.txt"),
            vec![r(K::Ping, High, vec![ping(true)])],
        ),
        // Windows counts "Destination host unreachable" as received.
        e(
            sample!("windows-ping-unreachable-en.txt"),
            vec![r(K::Ping, High, vec![ping(false)])],
        ),
        e(
            sample!("windows-ping-unreachable-ko.txt"),
            vec![r(K::Ping, High, vec![ping(false)])],
        ),
        e(
            sample!("windows-telnet-fail-en.txt"),
            vec![r(K::Telnet, High, vec![client(C::TimedOut)])],
        ),
        e(
            sample!("windows-telnet-fail-ko.txt"),
            vec![r(K::Telnet, High, vec![client(C::TimedOut)])],
        ),
        e(
            sample!("windows-sc-query-running-en.txt"),
            vec![r(K::WindowsService, High, vec![svc(TermService, Running)])],
        ),
        e(
            sample!("windows-sc-query-stopped-ko.txt"),
            vec![r(K::WindowsService, High, vec![svc(TermService, Stopped)])],
        ),
        e(
            sample!("windows-sc-query-start-pending-en.txt"),
            vec![r(K::WindowsService, High, vec![svc(TermService, Starting)])],
        ),
        e(
            sample!("rocky9-systemctl-sshd-activating.txt"),
            vec![r(K::Systemctl, High, vec![svc(Sshd, Starting)])],
        ),
        e(
            sample!("windows-get-service-ko.txt"),
            vec![r(K::WindowsService, High, vec![svc(TermService, Stopped)])],
        ),
        e(
            sample!("windows-qwinsta-en.txt"),
            vec![r(
                K::Qwinsta,
                High,
                vec![Fact::RdpListener { present: true }],
            )],
        ),
        e(
            sample!("windows-qwinsta-ko-nolistener.txt"),
            vec![r(
                K::Qwinsta,
                High,
                vec![Fact::RdpListener { present: false }],
            )],
        ),
        // ---- Linux and macOS, server side ----
        e(
            sample!("ubuntu2404-ss-socket-activation.txt"),
            vec![r(
                K::Ss,
                High,
                vec![
                    listen("0.0.0.0", 22, Some("systemd")),
                    listen("::", 22, Some("systemd")),
                    listen("127.0.0.53", 53, Some("systemd-resolve")),
                ],
            )],
        ),
        e(
            sample!("debian12-ss-2222.txt"),
            vec![r(
                K::Ss,
                High,
                vec![
                    listen("0.0.0.0", 2222, Some("sshd")),
                    listen("::", 2222, Some("sshd")),
                    listen("127.0.0.1", 3306, Some("mariadbd")),
                ],
            )],
        ),
        e(
            sample!("rocky9-ss-tln-noprocess.txt"),
            vec![r(
                K::Ss,
                High,
                vec![listen("0.0.0.0", 22, None), listen("::", 22, None)],
            )],
        ),
        e(
            sample!("centos7-netstat-tlnp.txt"),
            vec![r(
                K::Netstat,
                High,
                vec![
                    listen("0.0.0.0", 22, Some("sshd")),
                    listen("::", 22, Some("sshd")),
                    listen("127.0.0.1", 25, Some("master")),
                    listen("::1", 25, Some("master")),
                ],
            )],
        ),
        e(
            sample!("macos-netstat-an.txt"),
            vec![r(
                K::Netstat,
                High,
                vec![listen("*", 22, None), listen("127.0.0.1", 631, None)],
            )],
        ),
        e(
            sample!("ubuntu2204-systemctl-ssh-running-ansi.txt"),
            vec![r(K::Systemctl, High, vec![svc(Sshd, Running)])],
        ),
        e(
            sample!("ubuntu2404-systemctl-socket.txt"),
            vec![r(
                K::Systemctl,
                High,
                vec![svc(SshSocket, Listening), svc(Sshd, Stopped)],
            )],
        ),
        e(
            sample!("debian12-systemctl-ssh-failed-addrinuse.txt"),
            vec![
                r(K::Systemctl, High, vec![svc(Sshd, Failed)]),
                r(
                    K::SshdLog,
                    High,
                    vec![
                        sshd(SshdProblem::AddressInUse { port: Some(22) }),
                        sshd(SshdProblem::Fatal {
                            text: "Cannot bind any address.".into(),
                        }),
                    ],
                ),
                r(K::Boot, Medium, vec![boot(BootProblem::SshFailedToStart)]),
            ],
        ),
        e(
            sample!("ubuntu2204-systemctl-privsep.txt"),
            vec![
                r(K::Systemctl, High, vec![svc(Sshd, Failed)]),
                r(K::SshdLog, Medium, vec![sshd(SshdProblem::MissingPrivsep)]),
            ],
        ),
        e(
            sample!("rocky9-systemctl-sshd-notfound.txt"),
            vec![r(K::Systemctl, High, vec![svc(Sshd, NotFound)])],
        ),
        e(
            sample!("rocky9-var-log-secure.txt"),
            vec![r(
                K::SshdLog,
                High,
                vec![
                    sshd(SshdProblem::FailedPassword {
                        from: Some("203.0.113.9".into()),
                    }),
                    sshd(SshdProblem::MaxAuthTries),
                    sshd(SshdProblem::ClosedByAuthenticatingUser),
                ],
            )],
        ),
        e(
            sample!("ubuntu2404-journalctl-sshd-session.txt"),
            vec![r(
                K::SshdLog,
                High,
                vec![
                    sshd(SshdProblem::FailedPassword {
                        from: Some("198.51.100.23".into()),
                    }),
                    sshd(SshdProblem::BadConfig {
                        line: Some(3),
                        option: Some("PermitRootLogn".into()),
                    }),
                ],
            )],
        ),
        e(
            sample!("debian12-sshd-t-badoption.txt"),
            vec![r(
                K::SshdTest,
                High,
                vec![sshd(SshdProblem::BadConfig {
                    line: Some(14),
                    option: Some("PermitRootLogn".into()),
                })],
            )],
        ),
        e(
            sample!("centos7-sshd-t-oldformat.txt"),
            vec![r(
                K::SshdTest,
                High,
                vec![sshd(SshdProblem::BadConfig {
                    line: Some(27),
                    option: None,
                })],
            )],
        ),
        e(
            sample!("ubuntu2204-sshd-t-privsep.txt"),
            vec![r(
                K::SshdTest,
                High,
                vec![sshd(SshdProblem::MissingPrivsep)],
            )],
        ),
        e(
            sample!("ubuntu2204-ufw-verbose.txt"),
            vec![r(
                K::Ufw,
                High,
                vec![
                    blocks(Ufw, 22),
                    blocks(Ufw, 3389),
                    allows(Ufw, 2222),
                    allows(Ufw, 80),
                    allows(Ufw, 443),
                ],
            )],
        ),
        e(
            sample!("ubuntu2004-ufw-openssh.txt"),
            vec![r(K::Ufw, High, vec![allows(Ufw, 22), blocks(Ufw, 3389)])],
        ),
        e(
            sample!("ubuntu-ufw-inactive.txt"),
            vec![r(
                K::Ufw,
                High,
                vec![Fact::FirewallInactive { firewall: Ufw }],
            )],
        ),
        e(
            sample!("rocky9-firewalld-no-ssh.txt"),
            vec![r(
                K::Firewalld,
                High,
                vec![
                    allows(Firewalld, 2222),
                    blocks(Firewalld, 22),
                    blocks(Firewalld, 3389),
                ],
            )],
        ),
        e(
            sample!("centos7-firewalld-ssh.txt"),
            vec![r(
                K::Firewalld,
                High,
                vec![allows(Firewalld, 22), blocks(Firewalld, 3389)],
            )],
        ),
        e(
            sample!("centos7-firewalld-not-running.txt"),
            vec![r(
                K::Firewalld,
                High,
                vec![Fact::FirewallInactive {
                    firewall: Firewalld,
                }],
            )],
        ),
        e(
            sample!("centos7-iptables-S.txt"),
            vec![r(
                K::Iptables,
                High,
                vec![allows(Iptables, 22), blocks(Iptables, 3389)],
            )],
        ),
        // 3389 is allowed from 10.0.0.0/8 only: unknown for the user, no fact.
        e(
            sample!("debian12-iptables-S-drop.txt"),
            vec![r(
                K::Iptables,
                High,
                vec![
                    blocks(Iptables, 22),
                    allows(Iptables, 80),
                    allows(Iptables, 443),
                    allows(Iptables, 2222),
                ],
            )],
        ),
        // Without -v the loopback rule looks like "accept all": assumed, so Medium.
        e(
            sample!("centos7-iptables-L-n.txt"),
            vec![r(
                K::Iptables,
                Medium,
                vec![allows(Iptables, 22), blocks(Iptables, 3389)],
            )],
        ),
        e(
            sample!("ubuntu-iptables-L-n-v-policy-drop.txt"),
            vec![r(
                K::Iptables,
                High,
                vec![
                    blocks(Iptables, 22),
                    blocks(Iptables, 3389),
                    allows(Iptables, 2222),
                ],
            )],
        ),
        e(
            sample!("debian12-nft-ruleset.txt"),
            vec![r(
                K::Nft,
                High,
                vec![
                    blocks(Nft, 22),
                    blocks(Nft, 3389),
                    allows(Nft, 80),
                    allows(Nft, 443),
                    allows(Nft, 2222),
                ],
            )],
        ),
        e(
            sample!("debian12-nft-default-accept.txt"),
            vec![r(
                K::Nft,
                High,
                vec![Fact::FirewallInactive { firewall: Nft }],
            )],
        ),
        e(
            sample!("ubuntu-free-m.txt"),
            vec![r(
                K::Free,
                High,
                vec![Fact::Memory {
                    total_mb: 1987,
                    available_mb: 20,
                }],
            )],
        ),
        e(
            sample!("rocky9-free-h.txt"),
            vec![r(
                K::Free,
                High,
                vec![Fact::Memory {
                    total_mb: 7680,
                    available_mb: 6451,
                }],
            )],
        ),
        e(
            sample!("ubuntu-uptime-nproc.txt"),
            vec![r(
                K::Uptime,
                High,
                vec![Fact::Load {
                    load1_centi: 792,
                    cpus: Some(2),
                }],
            )],
        ),
        e(
            sample!("debian-top-header.txt"),
            vec![r(
                K::Uptime,
                High,
                vec![Fact::Load {
                    load1_centi: 8,
                    cpus: None,
                }],
            )],
        ),
        e(
            sample!("macos-uptime.txt"),
            vec![r(
                K::Uptime,
                High,
                vec![Fact::Load {
                    load1_centi: 192,
                    cpus: None,
                }],
            )],
        ),
        e(
            sample!("ubuntu-df-h-full.txt"),
            vec![r(K::Df, High, vec![disk("/", 100), disk("/boot/efi", 6)])],
        ),
        e(
            sample!("centos7-df-h-wrapped.txt"),
            vec![r(K::Df, High, vec![disk("/", 100), disk("/boot", 15)])],
        ),
        e(
            sample!("ubuntu-df-h-ko.txt"),
            vec![r(K::Df, High, vec![disk("/", 42), disk("/data", 95)])],
        ),
        // ---- client side ----
        e(
            sample!("linux-ssh-v-refused.txt"),
            vec![r(
                K::SshClient,
                High,
                vec![client(C::Refused), Fact::ClientPort { port: 22 }],
            )],
        ),
        e(
            sample!("macos-ssh-timeout.txt"),
            vec![r(
                K::SshClient,
                High,
                vec![client(C::TimedOut), Fact::ClientPort { port: 22 }],
            )],
        ),
        e(
            sample!("linux-ssh-v-publickey.txt"),
            vec![r(K::SshClient, High, vec![client(C::PublickeyDenied)])],
        ),
        e(
            sample!("linux-ssh-password-denied.txt"),
            vec![r(K::SshClient, High, vec![client(C::PasswordDenied)])],
        ),
        e(
            sample!("linux-ssh-kex.txt"),
            vec![r(K::SshClient, High, vec![client(C::NoMatchingKex)])],
        ),
        e(
            sample!("linux-ssh-hostkey-type.txt"),
            vec![r(K::SshClient, High, vec![client(C::NoMatchingHostKey)])],
        ),
        e(
            sample!("linux-ssh-hostkey-changed.txt"),
            vec![r(K::SshClient, High, vec![client(C::HostKeyChanged)])],
        ),
        e(
            sample!("linux-ssh-kex-reset.txt"),
            vec![r(K::SshClient, High, vec![client(C::ClosedByServer)])],
        ),
        e(
            sample!("centos7-ssh-no-route.txt"),
            vec![r(
                K::SshClient,
                High,
                vec![client(C::NoRoute), Fact::ClientPort { port: 22 }],
            )],
        ),
        e(
            sample!("linux-ssh-cipher.txt"),
            vec![r(K::SshClient, High, vec![client(C::NoMatchingCipher)])],
        ),
        e(
            sample!("linux-ssh-no-name.txt"),
            vec![r(K::SshClient, High, vec![client(C::NameNotResolved)])],
        ),
        e(
            sample!("linux-nc-no-route.txt"),
            vec![r(K::Netcat, High, vec![client(C::NoRoute)])],
        ),
        e(
            sample!("linux-nc-vz.txt"),
            vec![r(
                K::Netcat,
                High,
                vec![client(C::Refused), client(C::TimedOut)],
            )],
        ),
        e(
            sample!("macos-nc-succeeded.txt"),
            vec![r(K::Netcat, High, vec![client(C::Connected)])],
        ),
        e(
            sample!("rocky9-ncat-timeout.txt"),
            vec![r(K::Netcat, High, vec![client(C::TimedOut)])],
        ),
        e(
            sample!("linux-ping-loss.txt"),
            vec![r(K::Ping, High, vec![ping(false)])],
        ),
        e(
            sample!("macos-ping-ok.txt"),
            vec![r(K::Ping, High, vec![ping(true)])],
        ),
        // ---- boot and serial console ----
        e(
            sample!("boot-emergency-fstab.txt"),
            vec![r(
                K::Boot,
                High,
                vec![
                    boot(BootProblem::FstabDependency {
                        mount: Some("/data".into()),
                    }),
                    boot(BootProblem::EmergencyMode),
                    boot(BootProblem::Maintenance),
                ],
            )],
        ),
        e(
            sample!("boot-kernel-panic.txt"),
            vec![r(K::Boot, High, vec![boot(BootProblem::KernelPanic)])],
        ),
        e(
            sample!("boot-ssh-nospace.txt"),
            vec![r(
                K::Boot,
                High,
                vec![
                    boot(BootProblem::SshFailedToStart),
                    boot(BootProblem::NoSpace),
                ],
            )],
        ),
        e(
            sample!("boot-debian-ssh-failed.txt"),
            vec![r(
                K::Boot,
                Medium,
                vec![boot(BootProblem::SshFailedToStart)],
            )],
        ),
        // ---- more formats ----
        e(
            sample!("debian12-telnet-refused.txt"),
            vec![r(K::Telnet, High, vec![client(C::Refused)])],
        ),
        e(
            sample!("windows-get-service-running-en.txt"),
            vec![r(K::WindowsService, High, vec![svc(TermService, Running)])],
        ),
        e(
            sample!("windows-get-itemproperty-both-en.txt"),
            vec![r(
                K::Registry,
                High,
                vec![reg(Tds, 3389), reg(RdpTcp, 13389)],
            )],
        ),
        // The outgoing apt connection is not a login.
        e(
            sample!("ubuntu2204-ss-tanp-established.txt"),
            vec![r(
                K::Ss,
                High,
                vec![listen("0.0.0.0", 22, Some("sshd")), est(22)],
            )],
        ),
        e(
            sample!("debian12-iptables-save.txt"),
            vec![r(
                K::Iptables,
                High,
                vec![allows(Iptables, 22), blocks(Iptables, 3389)],
            )],
        ),
        // firewalld's own tables jump into zone chains: nothing is certain.
        e(sample!("rocky9-nft-firewalld.txt"), vec![]),
        e(
            sample!("rhel8-boot-local-fs.txt"),
            vec![r(
                K::Boot,
                High,
                vec![boot(BootProblem::FstabDependency { mount: None })],
            )],
        ),
        e(
            sample!("sshd-bare-error-line.txt"),
            vec![r(
                K::SshdLog,
                Medium,
                vec![sshd(SshdProblem::AddressInUse { port: Some(2222) })],
            )],
        ),
        e(
            sample!("rocky9-journalctl-sshd-bind-denied.txt"),
            vec![r(
                K::SshdLog,
                High,
                vec![
                    sshd(SshdProblem::BindDenied { port: Some(2222) }),
                    sshd(SshdProblem::Fatal {
                        text: "Cannot bind any address.".into(),
                    }),
                ],
            )],
        ),
        e(
            sample!("windows-sc-query-notfound-ko.txt"),
            vec![r(K::WindowsService, High, vec![svc(TermService, NotFound)])],
        ),
        e(
            sample!("macos-df-h.txt"),
            vec![r(
                K::Df,
                High,
                vec![disk("/", 4), disk("/System/Volumes/Data", 34)],
            )],
        ),
        e(
            sample!("debian12-ping-unreachable.txt"),
            vec![r(K::Ping, High, vec![ping(false)])],
        ),
        e(
            sample!("rocky9-ncat-connected.txt"),
            vec![r(K::Netcat, High, vec![client(C::Connected)])],
        ),
        e(sample!("hostile-sshd-config.txt"), vec![]),
        e(sample!("hostile-json.txt"), vec![]),
        e(
            sample!("windows2022-itempropertyvalue-each.txt"),
            vec![r(
                K::Registry,
                High,
                vec![reg(Tds, 3389), reg(RdpTcp, 3390)],
            )],
        ),
        e(
            sample!("rocky9-systemctl-grep-active.txt"),
            vec![r(K::Systemctl, High, vec![svc(Sshd, Failed)])],
        ),
        e(
            sample!("debian12-uptime-semicolon-nproc.txt"),
            vec![r(
                K::Uptime,
                High,
                vec![Fact::Load {
                    load1_centi: 792,
                    cpus: Some(4),
                }],
            )],
        ),
        // ---- hostile, truncated, mixed ----
        e(sample!("hostile-private-key.txt"), vec![]),
        e(sample!("hostile-prose-en.txt"), vec![]),
        e(sample!("hostile-prose-ko.txt"), vec![]),
        e(sample!("hostile-listen-words.txt"), vec![]),
        // The cut-off last line yields nothing; the complete one does.
        e(
            sample!("hostile-truncated-ss.txt"),
            vec![r(K::Ss, High, vec![listen("0.0.0.0", 22, Some("sshd"))])],
        ),
        e(sample!("hostile-truncated-registry.txt"), vec![]),
        e(
            sample!("mixed-ss-ufw-free.txt"),
            vec![
                r(K::Ss, High, vec![listen("0.0.0.0", 2222, Some("sshd"))]),
                r(K::Ufw, High, vec![allows(Ufw, 22)]),
                r(
                    K::Free,
                    High,
                    vec![Fact::Memory {
                        total_mb: 957,
                        available_mb: 190,
                    }],
                ),
            ],
        ),
        e(
            sample!("mixed-windows-netstat-reg-ko.txt"),
            vec![
                r(
                    K::Netstat,
                    High,
                    vec![listen("0.0.0.0", 3390, Some("1096"))],
                ),
                r(K::Registry, High, vec![reg(RdpTcp, 3390)]),
            ],
        ),
    ]
}

const BINARY_JUNK: &[u8] = include_bytes!("../../../tests/pastes/hostile-binary-junk.bin");

#[test]
fn every_sample_yields_exactly_its_facts() {
    let mut failures = Vec::new();
    for (name, text, want) in corpus() {
        let got = read(text);
        if got != want {
            failures.push(format!("{name}:\n  want {want:?}\n  got  {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_corpus_table_covers_every_file_and_has_at_least_40() {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/pastes");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .expect("tests/pastes")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut named: Vec<String> = corpus().iter().map(|(n, _, _)| n.to_string()).collect();
    named.push("hostile-binary-junk.bin".into());
    named.sort();
    assert_eq!(files, named, "tests/pastes and the table must match");
    assert!(files.len() >= 40, "{} samples", files.len());
}

#[test]
fn crlf_tabs_and_ansi_do_not_change_what_is_read() {
    for (name, text, want) in corpus() {
        let crlf = text.replace("\r\n", "\n").replace('\n', "\r\n");
        assert_eq!(read(&crlf), want, "{name} with CRLF");
        let lf = text.replace("\r\n", "\n");
        assert_eq!(read(&lf), want, "{name} with LF");
    }
    let plain = read(sample!("ubuntu2204-systemctl-ssh-running-ansi.txt").1);
    let coloured = read("\u{1b}[0;1;32m●\u{1b}[0m ssh.service - OpenBSD Secure Shell server\n     Loaded: loaded (/lib/systemd/system/ssh.service; enabled)\n     Active: \u{1b}[0;1;32mactive (running)\u{1b}[0m since Mon\n");
    assert_eq!(plain[0].facts, coloured[0].facts);
    let tabs = read("tcp\t0\t0\t0.0.0.0:22\t0.0.0.0:*\tLISTEN\t812/sshd\n");
    assert_eq!(tabs[0].facts, vec![listen("0.0.0.0", 22, Some("sshd"))]);
}

#[test]
fn pastes_with_surrounding_korean_text_are_still_read() {
    let text = format!(
        "서버에서 실행해 보니 이렇게 나와요:\n{}\n이게 무슨 뜻인가요?",
        sample!("ubuntu2404-ss-socket-activation.txt").1
    );
    let got = read(&text);
    assert_eq!(got.len(), 1);
    assert_eq!(got[0].kind, K::Ss);
    assert_eq!(got[0].facts[0], listen("0.0.0.0", 22, Some("systemd")));
}

#[test]
fn ipv6_forms_are_read() {
    let text = "State Recv-Q Send-Q Local Address:Port Peer Address:Port\n\
                LISTEN 0 128 [::1]:22 [::]:*\n\
                LISTEN 0 128 *:22 *:*\n\
                LISTEN 0 128 [::ffff:10.0.0.4]:2222 [::]:*\n\
                LISTEN 0 128 0.0.0.0%eth0:22 0.0.0.0:*\n";
    let got = read(text);
    assert_eq!(
        got[0].facts,
        vec![
            listen("::1", 22, None),
            listen("*", 22, None),
            listen("0.0.0.0", 22, None),
            listen("::ffff:10.0.0.4", 2222, None),
        ]
    );
}

#[test]
fn a_lone_listen_line_is_not_ss_and_some_lines_are_medium() {
    assert!(read("LISTEN").is_empty());
    assert!(read("The server should LISTEN on 0.0.0.0:22 for you").is_empty());
    let one = read("LISTEN 0 128 0.0.0.0:22 0.0.0.0:*\n");
    assert_eq!(one[0].confidence, Medium);
}

#[test]
fn the_two_korean_unreachable_messages_are_not_confused() {
    // ping's "대상 호스트에 연결할 수 없습니다" is not telnet's failure.
    let got = read(sample!("windows-ping-unreachable-ko.txt").1);
    assert!(got.iter().all(|r| r.kind != K::Telnet), "{got:?}");
}

#[test]
fn hostile_pastes_yield_nothing_and_stay_bounded() {
    assert!(read(&String::from_utf8_lossy(BINARY_JUNK)).is_empty());
    // 64 KiB of LISTEN.
    let listen_flood = "LISTEN ".repeat(MAX_PASTE / 7 + 10);
    assert!(read(&listen_flood).is_empty());
    // One line of 1 MB.
    let long = "A".repeat(1 << 20);
    assert!(read(&long).is_empty());
    // A megabyte of real lines: capped at MAX_PASTE, and at most MAX_FACTS facts.
    let mut many = String::new();
    for i in 0..40_000u32 {
        many.push_str(&format!(
            "LISTEN 0 128 0.0.0.0:{} 0.0.0.0:*\n",
            1024 + (i % 60_000)
        ));
    }
    let got = read(&many);
    let n: usize = got.iter().map(|r| r.facts.len()).sum();
    assert!(n <= MAX_FACTS && n > 0, "{n}");
    // A private key that happens to contain reader words.
    let key = "-----BEGIN RSA PRIVATE KEY-----\nLISTEN 0 128 0.0.0.0:22 0.0.0.0:*\n-----END RSA PRIVATE KEY-----\n";
    // Still parsed as text (readers do not know keys), but masking removes it.
    assert!(!mask_secrets(key).contains("0.0.0.0:22"));
}

#[test]
fn registry_values_decode_from_hex_and_keep_their_key() {
    let text = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\Wds\\rdpwd\\Tds\\tcp\n    PortNumber    REG_DWORD    0xd3d\n";
    assert_eq!(read(text)[0].facts, vec![reg(RegKey::Tds, 3389)]);
    // A value without a key line is not attributed to either key.
    assert!(read("    PortNumber    REG_DWORD    0xd3d\n").is_empty());
    // `reg query /s` lists other keys and subkeys: their values are not ours.
    let s = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp\n    PortNumber    REG_DWORD    0xd3d\n\n\
             HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp\\Custom\n    PortNumber    REG_DWORD    0x1\n\n\
             HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\Console\n    PortNumber    REG_DWORD    0x2\n";
    assert_eq!(read(s)[0].facts, vec![reg(RegKey::RdpTcp, 3389)]);
    // Out of range values are not ports.
    let big = "HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp\n    PortNumber    REG_DWORD    0x10000\n";
    assert!(read(big).is_empty());
}

#[test]
fn firewall_rule_order_decides() {
    let drop_first = "-P INPUT ACCEPT\n-A INPUT -p tcp --dport 22 -j DROP\n-A INPUT -p tcp --dport 22 -j ACCEPT\n";
    assert_eq!(read(drop_first)[0].facts[0], blocks(Firewall::Iptables, 22));
    let accept_first =
        "-P INPUT DROP\n-A INPUT -p tcp --dport 22 -j ACCEPT\n-A INPUT -p tcp --dport 22 -j DROP\n";
    assert_eq!(
        read(accept_first)[0].facts[0],
        allows(Firewall::Iptables, 22)
    );
    // Filtered through grep: no policy, the rules alone decide.
    let grep = "$ sudo iptables -S | grep 22\n-A INPUT -p tcp -m tcp --dport 22 -j DROP\n";
    assert_eq!(read(grep)[0].facts, vec![blocks(Firewall::Iptables, 22)]);
    // A jump into another chain makes the answer unknown: no fact for 22.
    let jump = "-P INPUT DROP\n-N custom\n-A INPUT -j custom\n";
    assert!(read(jump).is_empty());
    // `iptables -L -n` policies end in a parenthesis.
    let l_drop =
        "Chain INPUT (policy DROP)\ntarget     prot opt source               destination\n\
                  ACCEPT     tcp  --  203.0.113.0/24       0.0.0.0/0            tcp dpt:22\n";
    assert_eq!(
        read(l_drop)[0].facts,
        vec![blocks(Firewall::Iptables, 3389)]
    );
    let l_open =
        "Chain INPUT (policy ACCEPT)\ntarget     prot opt source               destination\n";
    assert_eq!(
        read(l_open)[0].facts,
        vec![Fact::FirewallInactive {
            firewall: Firewall::Iptables
        }]
    );
    // ufw: an interface rule makes the ports it covers unknown.
    let ufw_if = "Status: active\nDefault: deny (incoming), allow (outgoing)\n\
                  Anywhere on eth1           ALLOW IN    Anywhere\n";
    assert!(read(ufw_if).is_empty(), "{:?}", read(ufw_if));
    let nft_reject = "table inet filter {\n  chain input {\n    type filter hook input priority 0; policy accept;\n    tcp dport { 22, 3389 } reject with tcp reset\n  }\n}\n";
    let got = read(nft_reject);
    assert_eq!(
        got[0].facts,
        vec![blocks(Firewall::Nft, 22), blocks(Firewall::Nft, 3389)]
    );
}

#[test]
fn server_log_lines_are_not_client_output() {
    let text = "Connection closed by authenticating user root 203.0.113.9 port 51234 [preauth]\n";
    let got = read(text);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].kind, K::SshdLog);
    assert_eq!(
        got[0].facts,
        vec![sshd(SshdProblem::ClosedByAuthenticatingUser)]
    );
}

#[test]
fn ipv6_ping_replies_count() {
    let en = "Pinging 2001:db8::1 with 32 bytes of data:\nReply from 2001:db8::1: time=12ms\n";
    assert_eq!(read(en)[0].facts, vec![ping(true)]);
    let ko = "Ping 2001:db8::1 32바이트 데이터 사용:\n2001:db8::1의 응답: 시간<1ms\n";
    assert_eq!(read(ko)[0].facts, vec![ping(true)]);
    let linux = "64 bytes from 2001:db8::1: icmp_seq=1 hlim=56 time=12.1 ms\n";
    assert_eq!(read(linux)[0].facts, vec![ping(true)]);
}

#[test]
fn ufw_numbered_rules_are_read() {
    let text = "Status: active\n\n     To                         Action      From\n     --                         ------      ----\n[ 1] 22/tcp                     DENY IN     Anywhere\n[ 2] 22/tcp                     ALLOW IN    Anywhere\n";
    assert_eq!(read(text)[0].facts, vec![blocks(Firewall::Ufw, 22)]);
}

#[test]
fn mask_secrets_masks_keys_passwords_tokens_and_trims() {
    let text = "user: admin\npassword: hunter2\nDB_PASSWD=swordfish\nurl?pwd=abc\n\
                \"api_key\": \"k-123\"\nAuthorization: Bearer eyJhbGciOi\n\
                aws_secret_access_key = wJalrXUtnFEMI/K7MDENG\nkey AKIAIOSFODNN7EXAMPLE here\n\
                SLACK_TOKEN=xoxb-1\nPasswordAuthentication yes\nFailed password for root from 203.0.113.9 port 1 ssh2\n\
                -----BEGIN OPENSSH PRIVATE KEY-----\nb3BlbnNzaC1rZXktdjEAAAAA\n-----END OPENSSH PRIVATE KEY-----\nafter\n";
    let m = mask_secrets(text);
    for secret in [
        "hunter2",
        "swordfish",
        "abc",
        "k-123",
        "eyJhbGciOi",
        "wJalrXUtnFEMI",
        "AKIAIOSFODNN7EXAMPLE",
        "xoxb-1",
        "b3BlbnNzaC1rZXktdjEAAAAA",
    ] {
        assert!(!m.contains(secret), "{secret} left in:\n{m}");
    }
    for kept in [
        "user: admin",
        "PasswordAuthentication yes",
        "Failed password for root from 203.0.113.9",
        "key [masked] here",
        "after",
    ] {
        assert!(m.contains(kept), "{kept} lost:\n{m}");
    }
    assert!(m.contains("password: [masked]"));
    // A key cut off by the end of the paste is masked to the end.
    let cut = mask_secrets("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\nMIIEpA");
    assert!(!cut.contains("MIIE"), "{cut}");
    // Trimmed to 4 KiB on a character boundary.
    let long = "가나다라마바사\n".repeat(1_000);
    let t = mask_secrets(&long);
    assert!(t.len() <= MAX_REPORT_PASTE, "{}", t.len());
    assert!(t.ends_with("[trimmed]"));
    // PuTTY keys, Korean labels.
    let ppk = "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nPublic-Lines: 2\nAAAAC3Nz\nPrivate-Lines: 1\nAAAAIPriv\nPrivate-MAC: 8f3a\n비밀번호: 사과나무12\n";
    let m = mask_secrets(ppk);
    for secret in ["AAAAIPriv", "8f3a", "사과나무12"] {
        assert!(!m.contains(secret), "{secret} left in:\n{m}");
    }
    assert!(m.contains("Public-Lines: 2"));
    let short = "netstat -ano\n  TCP 0.0.0.0:3389 0.0.0.0:0 LISTENING 4";
    assert_eq!(mask_secrets(short), short);
}

fn samples() -> Vec<&'static str> {
    corpus().into_iter().map(|(_, t, _)| t).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn read_never_panics_on_arbitrary_text(s in any::<String>()) {
        let got = read(&s);
        prop_assert!(got.iter().map(|r| r.facts.len()).sum::<usize>() <= MAX_FACTS);
        prop_assert!(got.iter().all(|r| !r.facts.is_empty()));
        let m = mask_secrets(&s);
        prop_assert!(m.len() <= MAX_REPORT_PASTE);
    }

    #[test]
    fn read_never_panics_on_line_noise(s in "[ -~\t\n\r가-힣●×○\u{1b}\\[:0-9.]{0,2000}") {
        let got = read(&s);
        prop_assert!(got.iter().map(|r| r.facts.len()).sum::<usize>() <= MAX_FACTS);
    }

    #[test]
    fn mutated_samples_never_panic(
        idx in 0usize..200,
        cut in 0usize..5000,
        at in 0usize..5000,
        insert in "[ -~가-힣\n]{0,40}",
        dup in 0usize..4,
    ) {
        let all = samples();
        let text = all[idx % all.len()];
        let mut s: String = text.chars().take(cut.max(1)).collect();
        let mut pos = at.min(s.len());
        while !s.is_char_boundary(pos) {
            pos -= 1;
        }
        s.insert_str(pos, &insert);
        let s = s.repeat(dup + 1);
        let got = read(&s);
        prop_assert!(got.iter().map(|r| r.facts.len()).sum::<usize>() <= MAX_FACTS);
        let m = mask_secrets(&s);
        prop_assert!(m.len() <= MAX_REPORT_PASTE);
    }
}

/// One case per secret format: the secret is gone, what is around it stays.
#[test]
fn mask_secrets_covers_chat_tokens_urls_and_command_lines() {
    let cases: &[(&str, &str, &str)] = &[
        // (line, secret, what stays)
        (
            "SLACK xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx failed",
            "xoxb-123456789012",
            "failed",
        ),
        ("app token: \"xapp-1-A0123-456-abcdef0123\"", "xapp-1", "app token"),
        ("using xoxp-2222-3333-4444-abcdef", "xoxp-2222", "using"),
        (
            "bot MTA1MjM0NTY3ODkwMTIzNDU2Nw.GhIjKl.AbCdEfGhIjKlMnOpQrStUvWxYz0123456 started",
            "MTA1MjM0NTY3ODkwMTIzNDU2Nw",
            "started",
        ),
        (
            "git clone https://ghp_16C7e42F292c6912E7710c838347Ae178B4a@github.com/o/r",
            "ghp_16C7e42F292c6912E7710c838347Ae178B4a",
            "github.com/o/r",
        ),
        (
            "GH=github_pat_11ABCDEFG0123456789_abcdefghijklmnopqrstuvwxyz",
            "github_pat_11ABCDEFG",
            "GH=",
        ),
        (
            "curl -H 'X-Auth: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX2hlcmU' http://10.0.0.5:8080/",
            "eyJzdWIiOiIxIn0",
            "10.0.0.5:8080",
        ),
        (
            "$ sshpass -p 'S3cr3t!' ssh -p 2222 root@203.0.113.9",
            "S3cr3t!",
            "ssh -p 2222 root@203.0.113.9",
        ),
        ("$ sshpass -pS3cr3t ssh root@203.0.113.9", "S3cr3t", "root@203.0.113.9"),
        ("mysql -u root -pHunter22 -h 10.0.0.8 app", "Hunter22", "-h 10.0.0.8 app"),
        ("mysqldump --password Hunter22 app", "Hunter22", "app"),
        ("mysql --password=Hunter22 app", "Hunter22", "mysql --password="),
        (
            "git remote -v origin https://deploy:Pa55w0rd@git.example.com/app.git (fetch)",
            "Pa55w0rd",
            "https://deploy:[masked]@git.example.com/app.git (fetch)",
        ),
        ("echo 'root:Tr0ub4dor' | sudo chpasswd", "Tr0ub4dor", "'root:[masked]'"),
        ("net user Administrator N3wP@ss! /add", "N3wP@ss!", "net user Administrator"),
        ("NET USER admin Secret123", "Secret123", "NET USER admin"),
        ("key AKIAIOSFODNN7EXAMPLE in use", "AKIAIOSFODNN7EXAMPLE", "in use"),
        ("PGPASSWORD=Pg5ecret psql -h 10.0.0.9", "Pg5ecret", "PGPASSWORD="),
        ("MYSQL_PWD=My5ecret mysql", "My5ecret", "MYSQL_PWD="),
        ("Authorization: Bearer abc.def.ghi", "abc.def", "Authorization:"),
        ("curl -H \"Bearer s3cr3tt0k3n\" 10.0.0.1", "s3cr3tt0k3n", "10.0.0.1"),
    ];
    for (line, secret, kept) in cases {
        let m = mask_secrets(line);
        assert!(!m.contains(secret), "{secret} left in {m:?}");
        assert!(m.contains("[masked]"), "{m:?}");
        assert!(m.contains(kept), "{kept} lost from {m:?}");
    }
    // chpasswd input on the lines after it, and private key blocks.
    let heredoc = "$ sudo chpasswd <<EOF\nroot:R00tPass\nalice:Al1cePass\nEOF\n$ echo done";
    let m = mask_secrets(heredoc);
    for secret in ["R00tPass", "Al1cePass"] {
        assert!(!m.contains(secret), "{secret} left in {m:?}");
    }
    assert!(
        m.contains("root:[masked]") && m.contains("EOF\n$ echo done"),
        "{m:?}"
    );
    let typed = "$ sudo chpasswd\nbob:B0bPass\n$ ss -tlnp";
    let m = mask_secrets(typed);
    assert!(!m.contains("B0bPass") && m.contains("$ ss -tlnp"), "{m:?}");
    let key = "-----BEGIN EC PRIVATE KEY-----\nMHcCAQEEIB\n-----END EC PRIVATE KEY-----\nok";
    let m = mask_secrets(key);
    assert!(!m.contains("MHcCAQEEIB") && m.ends_with("ok"), "{m:?}");
}

/// Ordinary diagnostic output is left as it is: addresses, ports, service
/// names, PIDs, host names and versions.
#[test]
fn mask_secrets_leaves_diagnostic_output_alone() {
    let plain = [
        "tcp LISTEN 0 128 0.0.0.0:22 0.0.0.0:* users:((\"sshd\",pid=812,fd=3))",
        "ssh -p 2222 -v user@203.0.113.9",
        "debug1: Connecting to 203.0.113.9 [203.0.113.9] port 2222.",
        "● ssh.service - OpenSSH server daemon (sshd.service)",
        "Dec 02 03:41:46 ip-10-0-0-5.ap-northeast-2.compute.internal sshd[812]: Accepted publickey for ubuntu from 198.51.100.7 port 50022 ssh2: ED25519 SHA256:abc",
        "mysql  Ver 8.0.36 for Linux on x86_64",
        "net user",
        "net user Administrator /active:yes",
        "kernel: Linux version 5.15.0-1051-aws (buildd@lcy02-amd64-044) #56-Ubuntu",
        "TCP    [::]:3389    [::]:0    LISTENING    1100",
        "See https://www.openssh.com/legacy.html for details",
        "OpenSSH_9.6p1 Ubuntu-3ubuntu13.5, OpenSSL 3.0.13 30 Jan 2024",
    ];
    for line in plain {
        assert_eq!(mask_secrets(line), line);
    }
    // Every sample of the corpus but the one that is a private key.
    for sample in samples()
        .into_iter()
        .filter(|t| t.len() < MAX_REPORT_PASTE && !t.contains("PRIVATE KEY"))
    {
        let m = mask_secrets(sample);
        assert!(!m.contains("[masked]"), "ordinary output masked:\n{m}");
    }
}

/// One paste with `ufw` inactive and an iptables rule rejecting the login
/// port (or a default DROP policy with no accept for it): the block wins, so
/// no route can read "the firewall lets it in / no firewall" from it.
#[test]
fn a_block_beats_an_inactive_firewall_in_the_same_paste() {
    use vmd_core::facts::codes;
    for text in [
        "$ sudo ufw status\nStatus: inactive\n$ sudo iptables -S\n-P INPUT ACCEPT\n\
         -P FORWARD ACCEPT\n-P OUTPUT ACCEPT\n\
         -A INPUT -p tcp -m tcp --dport 22 -j REJECT --reject-with tcp-reset",
        "$ sudo ufw status\nStatus: inactive\n$ sudo iptables -S\n-P INPUT DROP\n\
         -P FORWARD DROP\n-P OUTPUT ACCEPT\n-A INPUT -i lo -j ACCEPT\n\
         -A INPUT -p tcp -m tcp --dport 80 -j ACCEPT",
    ] {
        let facts: Vec<Fact> = read(text).into_iter().flat_map(|r| r.facts).collect();
        assert!(
            facts.contains(&Fact::FirewallInactive {
                firewall: Firewall::Ufw
            }),
            "{facts:?}"
        );
        let c = codes(&facts, 22, None);
        assert!(c.contains(&"firewall-blocks"), "{c:?}");
        assert!(!c.contains(&"firewall-off"), "{c:?}");
        assert!(!c.contains(&"firewall-allows"), "{c:?}");
    }
}
