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
        if !verbose && extra.is_empty() && r.target == "ACCEPT" && t[c + 1] == "all" && !r.ambiguous
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
        && !(format_lines == 1 && has_command(text, &["iptables", "iptables-save", "ip6tables"]))
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
