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
            if !name.contains(' ') && (name.ends_with(".service") || name.ends_with(".socket")) {
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
    // sshd names itself again in some messages
    // (`sshd[812]: sshd: no hostkeys available -- exiting.`).
    let m = msg.trim();
    let m = m.strip_prefix("sshd: ").unwrap_or(m);
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
        command(l)
            .is_some_and(|(c, rest)| c == "sshd" && (rest.contains(" -t") || rest.contains(" -T")))
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
                } else if rest.contains(" -m") || rest.contains("--mebi") || rest.contains(" -h") {
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
    "tmpfs", "devtmpfs", "udev", "overlay", "shm", "none", "efivarfs", "map", "devfs", "cgroup",
    "proc", "sysfs",
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
            && (line.contains("Mounted on") || line.contains("Use%") || line.contains("Capacity")))
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
