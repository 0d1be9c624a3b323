//! Advice that is right (issue 17 item 4), checked on the locale text itself:
//! a known Linux family sees only its own commands, and every Windows command
//! works whatever the server's display language.

use vmd_core::command::Lang;
use vmd_core::msg::Msg;
use vmd_runtime::i18n::{Localizer, FILES};

/// Message ids (not attributes) of one locale file.
fn ids(lang: &str, file: &str) -> Vec<String> {
    let (_, _, text) = FILES
        .iter()
        .find(|(l, f, _)| *l == lang && *f == file)
        .unwrap_or_else(|| panic!("{lang}/{file} not embedded"));
    text.lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" =").map(|(id, _)| id.trim().to_owned()))
        .collect()
}

/// What each family must not be shown once the user named the other one:
/// its names, its units and its tools.
const NOT_FOR_DEBIAN: &[&str] = &[
    "CentOS",
    "Rocky",
    "RHEL",
    "yum ",
    "dnf ",
    "-u sshd",
    "restart sshd",
    "systemctl status sshd",
    "--now sshd",
    "(or `sshd`)",
    "firewall-cmd",
    "service iptables save",
];
const NOT_FOR_REDHAT: &[&str] = &[
    "Ubuntu",
    "Debian",
    "apt ",
    "-u ssh ",
    "restart ssh`",
    "restart ssh)",
    "status ssh`",
    "--now ssh`",
    "ufw",
    "netfilter-persistent",
    "ssh.socket",
];

/// Names in an explanation, not in a command: a finding that says where a
/// kind of ICMP refusal usually comes from.
const EXPLAINED: &[(&str, &str)] = &[("finding-host-unreachable", "CentOS")];

#[test]
fn a_known_linux_family_sees_only_its_own_commands() {
    let loc = Localizer::embedded().unwrap();
    let mut wrong = Vec::new();
    for lang in Lang::ALL {
        for file in ["runbooks.ftl", "findings.ftl"] {
            for id in ids(lang.tag(), file) {
                for (distro, banned) in [("debian", NOT_FOR_DEBIAN), ("redhat", NOT_FOR_REDHAT)] {
                    // Every select on the way to a command: a Linux server,
                    // its family, a service that failed at boot.
                    let m = Msg::new(&id)
                        .arg("distro", distro)
                        .arg("os", "linux")
                        .arg("port", 22u16)
                        .arg("ip", "203.0.113.5")
                        .arg("firewall", "iptables")
                        .arg("boot", "ssh-failed");
                    let text = loc.render(lang, &m);
                    for b in banned
                        .iter()
                        .filter(|b| text.contains(**b) && !EXPLAINED.contains(&(id.as_str(), **b)))
                    {
                        wrong.push(format!("{} {id} ({distro}): {b:?}", lang.tag()));
                    }
                }
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "the other family's commands:\n{}",
        wrong.join("\n")
    );
}

/// Unknown family: both are still named (nothing was lost by the selects).
#[test]
fn an_unknown_linux_family_sees_both() {
    let loc = Localizer::embedded().unwrap();
    for lang in Lang::ALL {
        for id in [
            "linux-sshd-config",
            "paste-sshd-missing",
            "linux-credentials",
        ] {
            let m = Msg::new(id)
                .arg("distro", "unknown")
                .arg("os", "linux")
                .arg("port", 22u16);
            let text = loc.render(lang, &m);
            assert!(
                text.contains("sshd") && (text.contains("Ubuntu") || text.contains("apt ")),
                "{} {id}: {text}",
                lang.tag()
            );
        }
    }
}

/// Code spans (`...`) of a text, multi-line messages included.
fn code_spans(text: &str) -> Vec<&str> {
    text.split('`').skip(1).step_by(2).collect()
}

/// Why a Windows command depends on the display language, if it does.
fn language_dependent(cmd: &str) -> Option<&'static str> {
    let lower = cmd.to_ascii_lowercase();
    // findstr/find on words of the output: the output is translated
    // (`LISTENING` reads `수신 대기` on Korean Windows, `RUNNING`, `Enabled`…).
    for filter in ["findstr", "| find "] {
        if let Some(at) = lower.find(filter) {
            // The first argument that is not an option (`/i`, `/c:`).
            let arg = cmd[at + filter.len()..]
                .split_whitespace()
                .find(|w| !w.starts_with('/'))
                .unwrap_or("");
            let rest = arg.trim_start_matches('"');
            let arg_ok = rest.starts_with(':')
                || rest.starts_with(|c: char| c.is_ascii_digit())
                || rest.starts_with('{');
            if !arg_ok {
                return Some("filters on words of translated output: filter on the port");
            }
        }
    }
    let checks: &[(&str, &str)] = &[
        (
            "get-counter",
            "counter paths are translated: use Get-CimInstance",
        ),
        (
            "-displaygroup",
            "display groups are translated: use -Group \"@FirewallAPI.dll,-28752\"",
        ),
        (
            "-displayname \"remote desktop -",
            "built-in rule names are translated: use -Group",
        ),
        (
            "net localgroup",
            "group names are translated: use Add-LocalGroupMember -SID",
        ),
        (
            "add-localgroupmember -group",
            "group names are translated: use -SID",
        ),
        (
            "get-localgroupmember -group",
            "group names are translated: use -SID",
        ),
        ("net user", "its output is translated: use Get-LocalUser"),
        ("select-string", "filters on words of translated output"),
    ];
    checks
        .iter()
        .find(|(p, _)| lower.contains(p))
        .map(|(_, why)| *why)
}

#[test]
fn windows_commands_work_in_every_display_language() {
    let mut wrong = Vec::new();
    for (lang, file, text) in FILES {
        for span in code_spans(text) {
            if let Some(why) = language_dependent(span) {
                wrong.push(format!("{lang}/{file}: `{span}`: {why}"));
            }
        }
    }
    // Built-in firewall rules are named in the display language: name them
    // by group or create a rule, never by their English display name.
    for (lang, file, text) in FILES {
        for name in [
            "File and Printer Sharing",
            "파일 및 프린터 공유",
            "Remote Desktop - User Mode",
        ] {
            if text.contains(name) {
                wrong.push(format!("{lang}/{file}: the rule name {name:?}"));
            }
        }
    }
    // The state column is translated too: a text that names `LISTENING`
    // names the Korean `수신 대기` beside it, so no one waits for a word
    // their Windows never prints.
    let loc = Localizer::embedded().unwrap();
    for lang in Lang::ALL {
        for id in ids(lang.tag(), "runbooks.ftl") {
            let text = loc.render(lang, &Msg::new(&id).arg("port", 3389u16));
            if text.contains("LISTENING") && !text.contains("수신 대기") {
                wrong.push(format!("{} {id}: LISTENING alone", lang.tag()));
            }
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_language_check_catches_what_it_should() {
    for bad in [
        "netstat -ano | findstr LISTENING | findstr :3389",
        "netstat -ano | findstr \"LISTENING\"",
        "sc query TermService | find \"RUNNING\"",
        "Get-Counter '\\Processor(_Total)\\% Processor Time'",
        "net localgroup \"Remote Desktop Users\" alice /add",
        "Get-NetFirewallRule -DisplayGroup \"Remote Desktop\"",
        "net user alice",
    ] {
        assert!(language_dependent(bad).is_some(), "{bad}");
    }
    for good in [
        "netstat -ano | findstr :3389",
        "netstat -ant | findstr 3389",
        "netstat -ano | findstr :{ $port }",
        "Get-NetTCPConnection -State Listen -LocalPort 3389",
        "Add-LocalGroupMember -SID S-1-5-32-555 -Member alice",
        "Get-NetFirewallRule -Group \"@FirewallAPI.dll,-28752\"",
    ] {
        assert_eq!(language_dependent(good), None, "{good}");
    }
}
