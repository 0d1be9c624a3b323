//! What the provider's API says about the target (the Tencent Cloud lookups
//! of `vmd-cloud`), as plain data: the request the engine asks for
//! ([`crate::Effect::CloudLookup`]), the answer the runtime feeds back
//! ([`crate::Input::CloudDone`]) and the stable codes runbook conditions
//! branch on (`cloud:<code>`).
//!
//! Codes are part of the public contract, like finding codes.

use serde::{Deserialize, Serialize};
use std::net::IpAddr;

/// Where a source address for the security-group evaluation comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceRole {
    /// One of the bot's egress addresses (the probe's source).
    Bot,
    /// The user's own address, when the conversation knows it.
    User,
}

impl SourceRole {
    pub fn key(self) -> &'static str {
        match self {
            SourceRole::Bot => "bot",
            SourceRole::User => "user",
        }
    }
}

/// Look the public address `ip` up in the configured account and evaluate
/// the security groups for TCP `port` from each of `sources`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudRequest {
    pub ip: IpAddr,
    pub port: u16,
    pub sources: Vec<(SourceRole, IpAddr)>,
}

/// The lookup's outcome.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloudAnswer {
    /// The address belongs to an instance of the configured account.
    Found(Box<CloudFacts>),
    /// No instance or bound elastic IP of the account has this address: the
    /// conversation goes on as without the API.
    NotOurs,
    /// The API could not be asked (a stable error code such as `auth`,
    /// `throttled`, `timeout`, `budget`, `unavailable`); nothing is said
    /// about the server.
    Failed(String),
}

/// A security-group rule as the provider lists it (inbound).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SgRule {
    /// The security group's id (`sg-…`).
    pub group: String,
    /// `PolicyIndex` inside the group (0 is evaluated first).
    pub index: u32,
    /// `ACCEPT` or `DROP`.
    pub action: String,
    /// `TCP`, `UDP`, `ALL`, …
    pub protocol: String,
    /// The CIDR block (or `0.0.0.0/0`, `::/0`).
    pub source: String,
    /// `22`, `22,3389`, `8000-8010` or `ALL`.
    pub port: String,
}

/// How the security groups treat one source.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SgDecision {
    /// An `ACCEPT` rule matched first.
    Accept,
    /// A `DROP` rule matched first.
    Drop,
    /// No rule matched: the provider drops it.
    NoMatch,
    /// A rule that could decide refers to an address or port template the
    /// bot did not read: not evaluated.
    Unknown,
}

/// The verdict for one source address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SgVerdict {
    pub role: SourceRole,
    pub source: IpAddr,
    pub decision: SgDecision,
    /// The deciding rule (none for [`SgDecision::NoMatch`]).
    pub rule: Option<SgRule>,
}

/// What the API said about the instance behind the address.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct CloudFacts {
    pub instance_id: String,
    pub instance_name: String,
    pub region: String,
    /// `InstanceState`: `RUNNING`, `STOPPED`, `STARTING`, …
    pub state: String,
    /// `RestrictState`: `NORMAL`, `EXPIRED`, `PROTECTIVELY_ISOLATED`.
    pub restrict: String,
    /// The public outbound bandwidth cap in force, in Mbps (0: no public
    /// network): the elastic IP's own `Bandwidth` when the address is one
    /// that has it ([`CloudFacts::eip`]), else the instance's
    /// `InternetAccessible.InternetMaxBandwidthOut`; `None` when the API
    /// gave neither.
    pub bandwidth_out_mbps: Option<u32>,
    /// `OsName`.
    pub os_name: String,
    /// Security group ids in binding order.
    pub groups: Vec<String>,
    pub verdicts: Vec<SgVerdict>,
    /// An `ACCEPT` rule for the login port that admits some other source
    /// than the bot's (a single address, typically the user's own).
    pub accept_elsewhere: Option<SgRule>,
    /// The last 30 minutes: highest and recent CPU use in percent (`None`:
    /// no data).
    pub cpu_peak_pct: Option<u32>,
    pub cpu_recent_pct: Option<u32>,
    /// The last 30 minutes: recent public outbound traffic in Mbps (x100 to
    /// stay integral: 150 is 1.50 Mbps).
    pub bw_recent_centi_mbps: Option<u64>,
    pub cpu_saturated: bool,
    pub bw_saturated: bool,
    /// Whether DDoS blocking was read (Anti-DDoS `DescribeBasicDeviceStatus`,
    /// or the elastic IP's `IsBlocked`): `blocked`, `attacked` (under attack,
    /// not blocked), `not-blocked`, or `not-checked` (the key may not read
    /// it, or the API could not say).
    pub ddos: String,
    /// When the block lifts, as the API gives it (`UnBlockTime` of
    /// `DescribeIpBlockList`, China Standard Time); empty when unknown.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub ddos_unblock: String,
    /// The elastic IP behind the address, when it is one
    /// (`DescribeAddresses`): its own bandwidth and billing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub eip: Option<EipFacts>,
    /// The inbound rules read, by group in binding order (at most
    /// [`MAX_KEPT_RULES`] in all), so that a source the conversation learns
    /// later (the user's own address) is evaluated without asking again.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<(String, Vec<RawRule>)>,
    /// Every rule read is in `rules` (false: there were more than kept).
    #[serde(default)]
    pub rules_complete: bool,
    /// The TCP port the verdicts are for (0: not recorded, a record from
    /// before the rules were kept).
    #[serde(default)]
    pub port: u16,
}

/// An elastic IP as `DescribeAddresses` lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EipFacts {
    /// `AddressId` (`eip-…`).
    pub id: String,
    /// `Bandwidth` in Mbps; `None` for an account billed by CVM, whose
    /// elastic IPs take the instance's `InternetMaxBandwidthOut`.
    pub bandwidth_mbps: Option<u32>,
    /// `InternetChargeType` (`BANDWIDTH_PACKAGE`, `TRAFFIC_POSTPAID_BY_HOUR`,
    /// …); empty when the API gives none.
    pub charge_type: String,
    /// `BandwidthPackageId` when the address draws on a bandwidth package.
    pub package: String,
    /// `IsBlocked`: the address is blocked (DDoS black hole).
    pub blocked: bool,
}

/// Inbound rules kept in the session for a later evaluation.
pub const MAX_KEPT_RULES: usize = 96;

/// CPU use at or above this (recent average) is saturated.
pub const CPU_SATURATED_PCT: u32 = 90;
/// Outbound traffic at or above this share of the bandwidth cap is saturated.
pub const BW_SATURATED_PCT: u64 = 90;

/// Every code `cloud:<code>` conditions may use.
pub const CODES: &[&str] = &[
    "found",
    "running",
    "stopped",
    "arrears",
    "not-restricted",
    "no-bandwidth",
    "bandwidth-ok",
    "sg-bot-blocked",
    "sg-drop-rule",
    "sg-admits-other",
    "sg-allows",
    "cpu-saturated",
    "bw-saturated",
    "load-ok",
    "ddos-blocked",
];

impl CloudFacts {
    /// The bot's verdict (the first bot source's).
    pub fn bot_verdict(&self) -> Option<&SgVerdict> {
        self.verdicts.iter().find(|v| v.role == SourceRole::Bot)
    }

    pub fn user_verdict(&self) -> Option<&SgVerdict> {
        self.verdicts.iter().find(|v| v.role == SourceRole::User)
    }

    pub fn stopped(&self) -> bool {
        matches!(
            self.state.as_str(),
            "STOPPED" | "STOPPING" | "SHUTDOWN" | "TERMINATING"
        )
    }

    pub fn restricted(&self) -> bool {
        matches!(self.restrict.as_str(), "EXPIRED" | "PROTECTIVELY_ISOLATED")
    }

    /// The codes that hold.
    pub fn codes(&self) -> Vec<&'static str> {
        let mut c = vec!["found"];
        if self.state == "RUNNING" {
            c.push("running");
        }
        if self.stopped() {
            c.push("stopped");
        }
        if self.restricted() {
            c.push("arrears");
        } else if self.restrict == "NORMAL" {
            c.push("not-restricted");
        }
        match self.bandwidth_out_mbps {
            Some(0) => c.push("no-bandwidth"),
            Some(_) => c.push("bandwidth-ok"),
            None => {}
        }
        let blocked = |v: &SgVerdict| matches!(v.decision, SgDecision::Drop | SgDecision::NoMatch);
        if let Some(bot) = self.bot_verdict() {
            if blocked(bot) {
                c.push("sg-bot-blocked");
                if bot.decision == SgDecision::Drop {
                    c.push("sg-drop-rule");
                }
                let user_in = self
                    .user_verdict()
                    .is_some_and(|u| u.decision == SgDecision::Accept);
                if user_in || self.accept_elsewhere.is_some() {
                    c.push("sg-admits-other");
                }
            }
        }
        if !self.verdicts.is_empty()
            && self
                .verdicts
                .iter()
                .all(|v| v.decision == SgDecision::Accept)
        {
            c.push("sg-allows");
        }
        if self.cpu_saturated {
            c.push("cpu-saturated");
        }
        if self.bw_saturated {
            c.push("bw-saturated");
        }
        if self.ddos == "blocked" {
            c.push("ddos-blocked");
        }
        if !self.cpu_saturated
            && !self.bw_saturated
            && (self.cpu_recent_pct.is_some() || self.bw_recent_centi_mbps.is_some())
        {
            c.push("load-ok");
        }
        c
    }

    /// The rule that decides for the bot, else the user's, else the one
    /// that admits another source: the rule advice names.
    pub fn deciding_rule(&self) -> Option<&SgRule> {
        self.bot_verdict()
            .and_then(|v| v.rule.as_ref())
            .or_else(|| self.user_verdict().and_then(|v| v.rule.as_ref()))
            .or(self.accept_elsewhere.as_ref())
    }

    /// Evaluates the kept rules for the user's own address `ip` (learned
    /// after the lookup) on TCP `port` and keeps the verdict as the user's,
    /// replacing an earlier one. A rule set kept only in part decides
    /// nothing it did not keep: unless a kept rule matched, the verdict is
    /// `Unknown`. `None` when no rules were kept (no groups read).
    pub fn evaluate_user(&mut self, ip: IpAddr, port: u16) -> Option<&SgVerdict> {
        if self.rules.is_empty() {
            return None;
        }
        let (mut decision, rule) = evaluate(&self.rules, ip, port);
        if decision == SgDecision::NoMatch && !self.rules_complete {
            decision = SgDecision::Unknown;
        }
        self.verdicts.retain(|v| v.role != SourceRole::User);
        self.verdicts.push(SgVerdict {
            role: SourceRole::User,
            source: ip,
            decision,
            rule,
        });
        self.verdicts.last()
    }

    /// The verdicts (and the `ACCEPT` for another source) evaluated again
    /// for TCP `port` from the kept rules, when the login port changed since
    /// the lookup (a correction, a paste showing sshd on another port): a
    /// verdict for the old port would advise on the wrong rule. Returns
    /// whether anything was evaluated.
    pub fn follow_port(&mut self, port: u16) -> bool {
        if self.rules.is_empty() || self.port == 0 || self.port == port {
            return false;
        }
        for v in &mut self.verdicts {
            let (mut decision, rule) = evaluate(&self.rules, v.source, port);
            if decision == SgDecision::NoMatch && !self.rules_complete {
                decision = SgDecision::Unknown;
            }
            v.decision = decision;
            v.rule = rule;
        }
        let bots: Vec<IpAddr> = self
            .verdicts
            .iter()
            .filter(|v| v.role == SourceRole::Bot)
            .map(|v| v.source)
            .collect();
        self.accept_elsewhere = if bots.is_empty() {
            None
        } else {
            accept_elsewhere(&self.rules, &bots, port)
        };
        self.port = port;
        true
    }

    /// Caps every string the API sent (the session record stays small).
    pub fn cap(&mut self) {
        let cut = |s: &mut String| crate::text::truncate_chars(s, 64);
        for s in [
            &mut self.instance_id,
            &mut self.instance_name,
            &mut self.region,
            &mut self.state,
            &mut self.restrict,
            &mut self.os_name,
            &mut self.ddos,
            &mut self.ddos_unblock,
        ] {
            cut(s);
        }
        if let Some(e) = &mut self.eip {
            for s in [&mut e.id, &mut e.charge_type, &mut e.package] {
                cut(s);
            }
        }
        self.rules.truncate(8);
        let mut room = MAX_KEPT_RULES;
        for (g, rules) in &mut self.rules {
            cut(g);
            if rules.len() > room {
                rules.truncate(room);
                self.rules_complete = false;
            }
            room -= rules.len();
            for r in rules.iter_mut() {
                for s in [
                    &mut r.protocol,
                    &mut r.port,
                    &mut r.cidr,
                    &mut r.cidr6,
                    &mut r.action,
                ] {
                    cut(s);
                }
            }
        }
        self.groups.truncate(8);
        self.groups.iter_mut().for_each(cut);
        self.verdicts.truncate(8);
        let rules = self
            .verdicts
            .iter_mut()
            .filter_map(|v| v.rule.as_mut())
            .chain(self.accept_elsewhere.as_mut());
        for r in rules {
            for s in [
                &mut r.group,
                &mut r.action,
                &mut r.protocol,
                &mut r.source,
                &mut r.port,
            ] {
                cut(s);
            }
        }
    }
}

/// Phrases that make an address in a sentence the user's own ("my IP is
/// …", "제 IP는 …"), in lower case.
const OWN_ADDRESS: &[&str] = &[
    "my ip",
    "my public ip",
    "my address",
    "my own ip",
    "my home ip",
    "my office ip",
    "i'm connecting from",
    "i am connecting from",
    "내 ip",
    "제 ip",
    "내 아이피",
    "제 아이피",
    "내 공인 ip",
    "제 공인 ip",
    "내 주소",
    "제 주소",
];

/// The user's own public address, when `text` (one line, at most 1000
/// characters read) says it is theirs: "my IP is 198.51.100.7", "제 아이피는
/// 198.51.100.7이에요". A private, loopback or unspecified address is not
/// one a security group sees, so it is not taken.
pub fn own_address(text: &str) -> Option<IpAddr> {
    let text: String = text.chars().take(1000).collect();
    if text.lines().filter(|l| !l.trim().is_empty()).count() > 1 {
        return None;
    }
    let lower = text.to_lowercase();
    if !OWN_ADDRESS.iter().any(|p| lower.contains(p)) {
        return None;
    }
    let ip = crate::command::extract(&text).ip?;
    let private = match ip {
        IpAddr::V4(v) => {
            v.is_private() || v.is_loopback() || v.is_link_local() || v.is_unspecified()
        }
        IpAddr::V6(v) => {
            v.is_loopback() || v.is_unspecified() || (v.segments()[0] & 0xfe00) == 0xfc00
        }
    };
    (!private).then_some(ip)
}

/// Shows the rule details in these replies (the reader holds the support
/// role): every message that selects on `$cloud_details` gets `yes`. The
/// engine always passes the details as arguments; what a message shows of
/// them is decided here, per turn, for the one who reads it.
pub fn reveal_details(fx: &mut [crate::Effect]) {
    for e in fx {
        if let crate::Effect::Say(r) = e {
            for m in &mut r.parts {
                if let Some(a) = m.args.get_mut("cloud_details") {
                    *a = crate::msg::Arg::Str("yes".into());
                }
            }
        }
    }
}

/// Evaluates inbound rules the way the provider does: groups in binding
/// order, each group's rules by `PolicyIndex`, the first rule that matches
/// decides (`ACCEPT` or `DROP`); nothing matching is dropped.
pub fn evaluate(
    groups: &[(String, Vec<RawRule>)],
    src: IpAddr,
    port: u16,
) -> (SgDecision, Option<SgRule>) {
    for (group, rules) in groups {
        let mut ordered: Vec<&RawRule> = rules.iter().collect();
        ordered.sort_by_key(|r| r.index);
        for r in ordered {
            match r.matches(src, port) {
                Match::No => continue,
                Match::Unknown => return (SgDecision::Unknown, Some(r.to_rule(group))),
                Match::Yes => {
                    let decision = match r.action.to_ascii_uppercase().as_str() {
                        "ACCEPT" => SgDecision::Accept,
                        "DROP" => SgDecision::Drop,
                        _ => SgDecision::Unknown,
                    };
                    return (decision, Some(r.to_rule(group)));
                }
            }
        }
    }
    (SgDecision::NoMatch, None)
}

/// The first `ACCEPT` rule (in evaluation order) for TCP `port` whose source
/// is a block that does not contain `bot`: what admits someone else.
pub fn accept_elsewhere(
    groups: &[(String, Vec<RawRule>)],
    bots: &[IpAddr],
    port: u16,
) -> Option<SgRule> {
    for (group, rules) in groups {
        let mut ordered: Vec<&RawRule> = rules.iter().collect();
        ordered.sort_by_key(|r| r.index);
        for r in ordered {
            if !r.action.eq_ignore_ascii_case("ACCEPT") || r.template || !r.covers_port(port) {
                continue;
            }
            let Some(net) = r.net() else { continue };
            if !bots.iter().any(|b| net.contains(b)) {
                return Some(r.to_rule(group));
            }
        }
    }
    None
}

/// An inbound rule as the API sent it (strings unparsed).
#[derive(Clone, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct RawRule {
    pub index: u32,
    pub protocol: String,
    pub port: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cidr: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub cidr6: String,
    pub action: String,
    /// The rule refers to an address or service template instead of a
    /// block or port list.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub template: bool,
}

enum Match {
    Yes,
    No,
    Unknown,
}

impl RawRule {
    fn net(&self) -> Option<ipnet::IpNet> {
        let raw = if self.cidr.trim().is_empty() {
            self.cidr6.trim()
        } else {
            self.cidr.trim()
        };
        if raw.is_empty() {
            return None;
        }
        raw.parse::<ipnet::IpNet>()
            .ok()
            .or_else(|| raw.parse::<IpAddr>().ok().map(ipnet::IpNet::from))
    }

    fn covers_protocol(&self) -> bool {
        let p = self.protocol.trim();
        p.is_empty() || p.eq_ignore_ascii_case("ALL") || p.eq_ignore_ascii_case("TCP")
    }

    fn covers_port(&self, port: u16) -> bool {
        if !self.covers_protocol() {
            return false;
        }
        let p = self.port.trim();
        if p.is_empty()
            || p.eq_ignore_ascii_case("ALL")
            || self.protocol.eq_ignore_ascii_case("ALL")
        {
            return true;
        }
        p.split(',').any(|part| {
            let part = part.trim();
            match part.split_once('-') {
                Some((a, b)) => match (a.trim().parse::<u16>(), b.trim().parse::<u16>()) {
                    (Ok(a), Ok(b)) => a <= port && port <= b,
                    _ => false,
                },
                None => part.parse::<u16>() == Ok(port),
            }
        })
    }

    fn matches(&self, src: IpAddr, port: u16) -> Match {
        if !self.covers_port(port) && !self.template {
            return Match::No;
        }
        if self.template {
            return Match::Unknown;
        }
        match self.net() {
            // Both blocks may be given; either matching the family counts.
            Some(_) => {
                let nets = [self.cidr.trim(), self.cidr6.trim()];
                let hit = nets.iter().filter(|s| !s.is_empty()).any(|s| {
                    s.parse::<ipnet::IpNet>()
                        .ok()
                        .or_else(|| s.parse::<IpAddr>().ok().map(ipnet::IpNet::from))
                        .is_some_and(|n| n.contains(&src))
                });
                if hit {
                    Match::Yes
                } else {
                    Match::No
                }
            }
            None => Match::No,
        }
    }

    fn to_rule(&self, group: &str) -> SgRule {
        let source = if self.template {
            "template".to_owned()
        } else if self.cidr.trim().is_empty() {
            self.cidr6.trim().to_owned()
        } else {
            self.cidr.trim().to_owned()
        };
        SgRule {
            group: group.to_owned(),
            index: self.index,
            action: self.action.to_ascii_uppercase(),
            protocol: self.protocol.to_ascii_uppercase(),
            source,
            port: if self.port.trim().is_empty() {
                "ALL".into()
            } else {
                self.port.trim().to_owned()
            },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(index: u32, proto: &str, port: &str, cidr: &str, action: &str) -> RawRule {
        RawRule {
            index,
            protocol: proto.into(),
            port: port.into(),
            cidr: cidr.into(),
            action: action.into(),
            ..RawRule::default()
        }
    }

    #[test]
    fn first_match_across_groups_in_binding_order() {
        let bot: IpAddr = "203.0.113.9".parse().unwrap();
        let groups = vec![
            (
                "sg-a".to_owned(),
                vec![
                    rule(1, "TCP", "22", "0.0.0.0/0", "ACCEPT"),
                    rule(0, "TCP", "20-30", "203.0.113.0/24", "DROP"),
                ],
            ),
            (
                "sg-b".to_owned(),
                vec![rule(0, "ALL", "ALL", "0.0.0.0/0", "ACCEPT")],
            ),
        ];
        let (d, r) = evaluate(&groups, bot, 22);
        assert_eq!(d, SgDecision::Drop);
        let r = r.unwrap();
        assert_eq!((r.group.as_str(), r.index), ("sg-a", 0));
        // Another port falls through to the second group.
        let (d, r) = evaluate(&groups, bot, 3389);
        assert_eq!(d, SgDecision::Accept);
        assert_eq!(r.unwrap().group, "sg-b");
        // Another source: the ACCEPT at index 1.
        let (d, r) = evaluate(&groups, "198.51.100.1".parse().unwrap(), 22);
        assert_eq!(d, SgDecision::Accept);
        assert_eq!(r.unwrap().index, 1);
    }

    #[test]
    fn nothing_matching_is_dropped_and_lists_and_udp_are_read() {
        let groups = vec![(
            "sg-a".to_owned(),
            vec![
                rule(0, "UDP", "22", "0.0.0.0/0", "ACCEPT"),
                rule(1, "TCP", "80,443", "0.0.0.0/0", "ACCEPT"),
                rule(2, "tcp", "3389, 22", "198.51.100.7", "ACCEPT"),
            ],
        )];
        let bot: IpAddr = "203.0.113.9".parse().unwrap();
        assert_eq!(evaluate(&groups, bot, 22).0, SgDecision::NoMatch);
        let other = accept_elsewhere(&groups, &[bot], 22).unwrap();
        assert_eq!(other.source, "198.51.100.7");
        assert_eq!(
            evaluate(&groups, "198.51.100.7".parse().unwrap(), 22).0,
            SgDecision::Accept
        );
    }

    #[test]
    fn a_template_rule_is_not_guessed() {
        let mut t = rule(0, "TCP", "22", "", "ACCEPT");
        t.template = true;
        let groups = vec![("sg-a".to_owned(), vec![t])];
        assert_eq!(
            evaluate(&groups, "203.0.113.9".parse().unwrap(), 22).0,
            SgDecision::Unknown
        );
    }
}
