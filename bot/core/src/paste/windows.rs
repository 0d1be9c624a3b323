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
