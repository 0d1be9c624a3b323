//! Target policy: which addresses the bot may probe.
//!
//! Pure and deterministic. Everything that is not a public unicast address is
//! refused by default; operators can allow extra ranges (CIDRs), which is also how
//! the tests reach their lab in 203.0.113.0/24.
//!
//! `check` canonicalises first (IPv4-mapped IPv6 becomes IPv4), then looks the
//! address up in a hand-written table (`Ipv4Addr::is_global` is unstable). IPv6
//! prefixes that embed an IPv4 address (NAT64, 6to4, Teredo, IPv4-compatible) are
//! refused as such; when the embedded address is loopback or a metadata service,
//! the refusal names that instead, because that is what the request was aiming at.

use ipnet::{IpNet, Ipv4Net, Ipv6Net};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why a target was refused. `code()` is stable (Fluent ids `refusal-<code>`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, thiserror::Error)]
pub enum Refusal {
    #[error("the unspecified address (0.0.0.0 or ::) is not a host")]
    Unspecified,
    #[error("loopback addresses point at the bot itself")]
    Loopback,
    #[error("private network addresses are not reachable from the internet")]
    Private,
    #[error("carrier-grade NAT addresses (100.64.0.0/10) are not reachable from the internet")]
    Cgnat,
    #[error("link-local addresses only exist on one network segment")]
    LinkLocal,
    #[error("cloud metadata service addresses are never probed")]
    Metadata,
    #[error("multicast addresses are not hosts")]
    Multicast,
    #[error("the broadcast address is not a host")]
    Broadcast,
    #[error("documentation (example) addresses do not belong to any server")]
    Documentation,
    #[error("reserved or special-purpose addresses are not public servers")]
    Reserved,
    #[error("benchmarking addresses (198.18.0.0/15) are not public servers")]
    Benchmarking,
    #[error("NAT64 addresses translate to IPv4 inside a provider network")]
    Nat64,
    #[error("6to4 relay addresses are not probed")]
    SixToFour,
    #[error("Teredo tunnel addresses are not probed")]
    Teredo,
    #[error("IPv6 unique local addresses are private")]
    UniqueLocal,
    #[error("this is one of the bot's own addresses")]
    OwnAddress,
}

impl Refusal {
    /// Stable code, used in replies and Fluent ids (`refusal-<code>`).
    pub fn code(self) -> &'static str {
        use Refusal::*;
        match self {
            Unspecified => "unspecified",
            Loopback => "loopback",
            Private => "private",
            Cgnat => "cgnat",
            LinkLocal => "link-local",
            Metadata => "metadata",
            Multicast => "multicast",
            Broadcast => "broadcast",
            Documentation => "documentation",
            Reserved => "reserved",
            Benchmarking => "benchmarking",
            Nat64 => "nat64",
            SixToFour => "6to4",
            Teredo => "teredo",
            UniqueLocal => "unique-local",
            OwnAddress => "own-address",
        }
    }

    pub const ALL: [Refusal; 16] = {
        use Refusal::*;
        [
            Unspecified,
            Loopback,
            Private,
            Cgnat,
            LinkLocal,
            Metadata,
            Multicast,
            Broadcast,
            Documentation,
            Reserved,
            Benchmarking,
            Nat64,
            SixToFour,
            Teredo,
            UniqueLocal,
            OwnAddress,
        ]
    };
}

/// A bad entry in an allow list.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an IP address or CIDR range: {entry:?}")]
pub struct AllowListError {
    pub entry: String,
}

/// Parse a comma-separated list of CIDRs (or bare addresses) such as the value of
/// `VM_DOCTOR_ALLOW_TARGETS`. Whitespace and empty entries are ignored. Host bits
/// are cleared (`203.0.113.7/24` allows `203.0.113.0/24`).
pub fn parse_allow_list(s: &str) -> Result<Vec<IpNet>, AllowListError> {
    let mut out = Vec::new();
    for raw in s.split(',') {
        let entry = raw.trim();
        if entry.is_empty() {
            continue;
        }
        let net = if let Ok(net) = entry.parse::<IpNet>() {
            net.trunc()
        } else if let Ok(ip) = entry.parse::<IpAddr>() {
            IpNet::from(canonical(ip))
        } else {
            return Err(AllowListError {
                entry: entry.to_string(),
            });
        };
        out.push(net);
    }
    Ok(out)
}

/// IPv4-mapped IPv6 (`::ffff:a.b.c.d`) becomes IPv4; everything else is unchanged.
pub fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => IpAddr::V6(v6),
        },
        v4 => v4,
    }
}

/// Which targets may be probed.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TargetPolicy {
    allow: Vec<IpNet>,
    own: Vec<IpAddr>,
    ports: crate::ports::PortPolicy,
}

impl TargetPolicy {
    /// Deny-by-default policy plus the operator's extra allowed ranges.
    pub fn new(allow: Vec<IpNet>) -> Self {
        TargetPolicy {
            allow,
            own: Vec::new(),
            ports: crate::ports::PortPolicy::default(),
        }
    }

    /// The port policy that goes with this target policy.
    pub fn with_ports(mut self, ports: crate::ports::PortPolicy) -> Self {
        self.ports = ports;
        self
    }

    pub fn ports(&self) -> &crate::ports::PortPolicy {
        &self.ports
    }

    /// Also refuse the bot's own addresses (the runtime knows them; the core does not).
    pub fn with_own_addresses(mut self, own: impl IntoIterator<Item = IpAddr>) -> Self {
        self.own = own.into_iter().map(canonical).collect();
        self
    }

    pub fn allow_list(&self) -> &[IpNet] {
        &self.allow
    }

    /// Check a literal address. Returns the canonical address to connect to.
    ///
    /// The operator's allow list wins over the deny table (that is how the lab in
    /// 203.0.113.0/24 is reached); the bot's own addresses are refused unless the
    /// allow list names them exactly (a single-address entry): a range that
    /// merely contains one does not allow it.
    pub fn check(&self, ip: IpAddr) -> Result<IpAddr, Refusal> {
        let ip = canonical(ip);
        if self.own.contains(&ip) {
            let exact = self
                .allow
                .iter()
                .any(|net| net.prefix_len() == net.max_prefix_len() && net.addr() == ip);
            return if exact {
                Ok(ip)
            } else {
                Err(Refusal::OwnAddress)
            };
        }
        if self.allow.iter().any(|net| net.contains(&ip)) {
            return Ok(ip);
        }
        // The deny table first: its reason is the more telling one.
        if let Some(refusal) = classify(ip) {
            return Err(refusal);
        }
        Ok(ip)
    }
}

/// The deny table: `None` for a public unicast address.
pub fn classify(ip: IpAddr) -> Option<Refusal> {
    match canonical(ip) {
        IpAddr::V4(v4) => classify_v4(v4),
        IpAddr::V6(v6) => classify_v6(v6),
    }
}

fn v4(a: u8, b: u8, c: u8, d: u8, len: u8) -> Ipv4Net {
    // Lengths below are constants <= 32.
    Ipv4Net::new(Ipv4Addr::new(a, b, c, d), len).unwrap_or_default()
}

fn v6(s: [u16; 8], len: u8) -> Ipv6Net {
    let addr = Ipv6Addr::new(s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]);
    Ipv6Net::new(addr, len).unwrap_or_default()
}

/// Most specific first: the first matching row wins.
fn table_v4() -> [(Ipv4Net, Refusal); 25] {
    use Refusal::*;
    [
        (v4(255, 255, 255, 255, 32), Broadcast),
        (v4(0, 0, 0, 0, 32), Unspecified),
        (v4(0, 0, 0, 0, 8), Reserved), // "this network"
        (v4(10, 0, 0, 0, 8), Private),
        (v4(100, 100, 100, 200, 32), Metadata), // Alibaba Cloud (inside CGNAT)
        // Azure WireServer / host agent: a public address that only answers
        // from inside Azure, where it serves the guest agent and health probes.
        (v4(168, 63, 129, 16, 32), Metadata),
        (v4(100, 64, 0, 0, 10), Cgnat),
        (v4(127, 0, 0, 0, 8), Loopback),
        (v4(169, 254, 169, 254, 32), Metadata), // AWS, GCP, Azure, OpenStack, ...
        (v4(169, 254, 170, 2, 32), Metadata),   // AWS ECS task metadata
        (v4(169, 254, 0, 23, 32), Metadata),    // Tencent Cloud (metadata.tencentyun.com)
        (v4(169, 254, 0, 0, 16), LinkLocal),
        (v4(172, 16, 0, 0, 12), Private),
        (v4(192, 0, 0, 192, 32), Metadata), // Oracle Cloud (legacy metadata address)
        (v4(192, 0, 0, 0, 24), Reserved),   // IETF protocol assignments
        (v4(192, 0, 2, 0, 24), Documentation),
        (v4(192, 31, 196, 0, 24), Reserved), // AS112
        (v4(192, 52, 193, 0, 24), Reserved), // AMT
        (v4(192, 88, 99, 0, 24), SixToFour), // deprecated 6to4 relay anycast
        (v4(192, 168, 0, 0, 16), Private),
        (v4(192, 175, 48, 0, 24), Reserved), // direct delegation AS112
        (v4(198, 18, 0, 0, 15), Benchmarking),
        (v4(198, 51, 100, 0, 24), Documentation),
        (v4(203, 0, 113, 0, 24), Documentation),
        (v4(224, 0, 0, 0, 4), Multicast),
    ]
}

fn classify_v4(ip: Ipv4Addr) -> Option<Refusal> {
    if let Some((_, r)) = table_v4().iter().find(|(net, _)| net.contains(&ip)) {
        return Some(*r);
    }
    // 240.0.0.0/4 (future use); 255.255.255.255 was matched above.
    if ip.octets()[0] >= 240 {
        return Some(Refusal::Reserved);
    }
    None
}

/// When an IPv6 prefix embeds an IPv4 address pointing at ourselves or at a
/// metadata service, name that; otherwise name the prefix.
fn embedded(prefix: Refusal, inner: Ipv4Addr) -> Refusal {
    match classify_v4(inner) {
        Some(r @ (Refusal::Loopback | Refusal::Metadata | Refusal::Unspecified)) => r,
        _ => prefix,
    }
}

fn classify_v6(ip: Ipv6Addr) -> Option<Refusal> {
    use Refusal::*;
    let seg = ip.segments();
    let oct = ip.octets();
    let low_v4 = Ipv4Addr::new(oct[12], oct[13], oct[14], oct[15]);

    if ip.is_unspecified() {
        return Some(Unspecified);
    }
    if ip.is_loopback() {
        return Some(Loopback);
    }
    // Metadata services over IPv6: AWS IMDS, GCP, Oracle Cloud.
    const METADATA_V6: [[u16; 8]; 3] = [
        [0xfd00, 0x0ec2, 0, 0, 0, 0, 0, 0x0254],
        [0xfd20, 0x00ce, 0, 0, 0, 0, 0, 0x0254],
        [0xfd00, 0x00c1, 0, 0, 0, 0, 0xa9fe, 0xa9fe],
    ];
    if METADATA_V6.iter().any(|m| v6(*m, 128).contains(&ip)) {
        return Some(Metadata);
    }
    // IPv4-mapped is canonicalised before we get here; IPv4-compatible (::/96,
    // deprecated) and the IPv4/IPv6 translation prefix ::ffff:0:0:0/96 remain.
    if v6([0, 0, 0, 0, 0, 0, 0, 0], 96).contains(&ip)
        || v6([0, 0, 0, 0, 0xffff, 0, 0, 0], 96).contains(&ip)
    {
        return Some(embedded(Reserved, low_v4));
    }
    if v6([0x64, 0xff9b, 0, 0, 0, 0, 0, 0], 96).contains(&ip) {
        return Some(embedded(Nat64, low_v4));
    }
    if v6([0x64, 0xff9b, 1, 0, 0, 0, 0, 0], 48).contains(&ip) {
        // Local-use NAT64: the IPv4 address may sit anywhere; refuse as NAT64,
        // naming loopback/metadata when the usual /96 position holds one.
        return Some(embedded(Nat64, low_v4));
    }
    if v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 32).contains(&ip) {
        // Teredo: the client's IPv4 is the last 32 bits, inverted.
        let inv = Ipv4Addr::from(!u32::from(low_v4));
        return Some(embedded(Teredo, inv));
    }
    if v6([0x2002, 0, 0, 0, 0, 0, 0, 0], 16).contains(&ip) {
        let inner = Ipv4Addr::new(oct[2], oct[3], oct[4], oct[5]);
        return Some(embedded(SixToFour, inner));
    }
    let table: [(Ipv6Net, Refusal); 12] = [
        (v6([0x0100, 0, 0, 0, 0, 0, 0, 0], 64), Reserved), // discard-only
        (v6([0x2001, 0x2, 0, 0, 0, 0, 0, 0], 48), Benchmarking),
        (v6([0x2001, 0xdb8, 0, 0, 0, 0, 0, 0], 32), Documentation),
        (v6([0x2001, 0, 0, 0, 0, 0, 0, 0], 23), Reserved), // IETF protocol assignments, ORCHID
        (v6([0x3fff, 0, 0, 0, 0, 0, 0, 0], 20), Documentation), // RFC 9637
        (v6([0x5f00, 0, 0, 0, 0, 0, 0, 0], 16), Reserved), // SRv6 SIDs
        (v6([0xfc00, 0, 0, 0, 0, 0, 0, 0], 7), UniqueLocal),
        (v6([0xfe80, 0, 0, 0, 0, 0, 0, 0], 10), LinkLocal),
        (v6([0xfec0, 0, 0, 0, 0, 0, 0, 0], 10), Reserved), // site-local, deprecated
        (v6([0xff00, 0, 0, 0, 0, 0, 0, 0], 8), Multicast),
        (v6([0, 0, 0, 0, 0, 0, 0, 0], 8), Reserved),
        (v6([0x0400, 0, 0, 0, 0, 0, 0, 0], 6), Reserved),
    ];
    if let Some((_, r)) = table.iter().find(|(net, _)| net.contains(&ip)) {
        return Some(*r);
    }
    // Only 2000::/3 is allocated as global unicast.
    if seg[0] & 0xe000 != 0x2000 {
        return Some(Reserved);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().expect("test address")
    }

    fn code(s: &str) -> Option<&'static str> {
        TargetPolicy::default()
            .check(ip(s))
            .err()
            .map(Refusal::code)
    }

    #[test]
    fn public_unicast_is_allowed() {
        for s in [
            "8.8.8.8",
            "1.1.1.1",
            "52.95.110.1",
            "100.63.255.255",
            "100.128.0.0",
            "172.15.255.255",
            "172.32.0.0",
            "192.167.255.255",
            "192.169.0.0",
            "198.17.255.255",
            "198.20.0.0",
            "223.255.255.255",
            "9.255.255.255",
            "11.0.0.0",
            "168.63.129.15",
            "168.63.129.17",
            "2606:4700:4700::1111",
            "2a00:1450:4001:80b::200e",
            "2001:4860:4860::8888",
            "::ffff:8.8.8.8",
        ] {
            assert_eq!(code(s), None, "{s}");
        }
    }

    #[test]
    fn canonical_form_is_returned() {
        let p = TargetPolicy::default();
        assert_eq!(p.check(ip("::ffff:8.8.8.8")), Ok(ip("8.8.8.8")));
        assert_eq!(p.check(ip("8.8.8.8")), Ok(ip("8.8.8.8")));
    }

    #[test]
    fn own_address_needs_an_exact_allow_entry() {
        let own = [ip("203.0.113.9"), ip("2001:db8::9")];
        // A range that merely contains the bot's address does not allow it.
        let ranges = parse_allow_list("203.0.113.0/24,2001:db8::/32").expect("parse");
        let p = TargetPolicy::new(ranges).with_own_addresses(own);
        assert_eq!(p.check(ip("203.0.113.9")), Err(Refusal::OwnAddress));
        assert_eq!(p.check(ip("::ffff:203.0.113.9")), Err(Refusal::OwnAddress));
        assert_eq!(p.check(ip("2001:db8::9")), Err(Refusal::OwnAddress));
        assert_eq!(p.check(ip("203.0.113.10")), Ok(ip("203.0.113.10")));
        // Listed exactly (a bare address is a /32 or /128), it is allowed.
        let exact = parse_allow_list("203.0.113.0/24,203.0.113.9,2001:db8::9/128").expect("parse");
        let p = TargetPolicy::new(exact).with_own_addresses(own);
        assert_eq!(p.check(ip("203.0.113.9")), Ok(ip("203.0.113.9")));
        assert_eq!(p.check(ip("2001:db8::9")), Ok(ip("2001:db8::9")));
    }

    #[test]
    fn deny_table_v4_range_by_range() {
        let cases = [
            ("0.0.0.0", "unspecified"),
            ("0.1.2.3", "reserved"),
            ("0.255.255.255", "reserved"),
            ("10.0.0.0", "private"),
            ("10.255.255.255", "private"),
            ("100.64.0.0", "cgnat"),
            ("100.127.255.255", "cgnat"),
            ("100.100.100.200", "metadata"),
            ("100.100.100.201", "cgnat"),
            ("168.63.129.16", "metadata"),
            ("169.254.0.23", "metadata"),
            ("192.0.0.192", "metadata"),
            ("127.0.0.1", "loopback"),
            ("127.255.255.254", "loopback"),
            ("169.254.169.254", "metadata"),
            ("169.254.170.2", "metadata"),
            ("169.254.0.1", "link-local"),
            ("169.254.255.255", "link-local"),
            ("172.16.0.0", "private"),
            ("172.31.255.255", "private"),
            ("192.0.0.8", "reserved"),
            ("192.0.2.1", "documentation"),
            ("192.31.196.1", "reserved"),
            ("192.52.193.1", "reserved"),
            ("192.88.99.1", "6to4"),
            ("192.168.0.1", "private"),
            ("192.168.255.255", "private"),
            ("192.175.48.1", "reserved"),
            ("198.18.0.1", "benchmarking"),
            ("198.19.255.255", "benchmarking"),
            ("198.51.100.7", "documentation"),
            ("203.0.113.10", "documentation"),
            ("224.0.0.1", "multicast"),
            ("239.255.255.250", "multicast"),
            ("240.0.0.1", "reserved"),
            ("254.255.255.255", "reserved"),
            ("255.255.255.255", "broadcast"),
        ];
        for (s, want) in cases {
            assert_eq!(code(s), Some(want), "{s}");
        }
    }

    #[test]
    fn deny_table_v6_range_by_range() {
        let cases = [
            ("::", "unspecified"),
            ("::1", "loopback"),
            ("fd00:ec2::254", "metadata"),
            ("fd20:ce::254", "metadata"),
            ("fd00:c1::a9fe:a9fe", "metadata"),
            ("fd00:ec2::253", "unique-local"),
            ("fc00::1", "unique-local"),
            ("fdff:ffff::1", "unique-local"),
            ("fe80::1", "link-local"),
            ("febf::1", "link-local"),
            ("fec0::1", "reserved"),
            ("ff02::1", "multicast"),
            ("ff0e::1", "multicast"),
            ("100::1", "reserved"),
            ("2001:db8::1", "documentation"),
            ("2001:db8:ffff::1", "documentation"),
            ("3fff::1", "documentation"),
            ("2001:2::1", "benchmarking"),
            ("2001:10::1", "reserved"),
            ("2001:20::1", "reserved"),
            ("5f00::1", "reserved"),
            ("2001::1", "teredo"),
            ("2002:0808:0808::1", "6to4"),
            ("64:ff9b::8.8.8.8", "nat64"),
            ("64:ff9b:1::8.8.8.8", "nat64"),
            ("::8.8.8.8", "reserved"),
            ("::ffff:0:8.8.8.8", "reserved"),
            ("1::1", "reserved"),
            ("4000::1", "reserved"),
            ("e000::1", "reserved"),
            ("::ffff:0:0", "unspecified"),
        ];
        for (s, want) in cases {
            assert_eq!(code(s), Some(want), "{s}");
        }
    }

    #[test]
    fn mapped_and_translated_forms_of_loopback_and_metadata() {
        let cases = [
            ("::ffff:127.0.0.1", "loopback"),
            ("::ffff:7f00:1", "loopback"),
            ("::ffff:169.254.169.254", "metadata"),
            ("::ffff:168.63.129.16", "metadata"),
            ("64:ff9b::168.63.129.16", "metadata"),
            ("64:ff9b::192.0.0.192", "metadata"),
            ("::ffff:10.0.0.1", "private"),
            ("::ffff:100.64.0.1", "cgnat"),
            ("::ffff:0.0.0.0", "unspecified"),
            ("::ffff:203.0.113.5", "documentation"),
            ("64:ff9b::127.0.0.1", "loopback"),
            ("64:ff9b::169.254.169.254", "metadata"),
            ("64:ff9b::10.0.0.1", "nat64"),
            ("64:ff9b:1::127.0.0.1", "loopback"),
            ("64:ff9b:1:abcd::169.254.169.254", "metadata"),
            ("2002:7f00:0001::1", "loopback"),
            ("2002:a9fe:a9fe::1", "metadata"),
            // Teredo stores the client address inverted: !127.0.0.1 = 128.255.255.254
            ("2001:0:4136:e378:8000:63bf:80ff:fffe", "loopback"),
            ("::127.0.0.1", "loopback"),
            ("::169.254.169.254", "metadata"),
        ];
        for (s, want) in cases {
            assert_eq!(code(s), Some(want), "{s}");
        }
    }

    #[test]
    fn allow_list_overrides() {
        let allow = parse_allow_list("203.0.113.0/24, 2001:db8::/32,127.0.0.1").expect("parse");
        let p = TargetPolicy::new(allow);
        assert_eq!(p.check(ip("203.0.113.10")), Ok(ip("203.0.113.10")));
        assert_eq!(p.check(ip("::ffff:203.0.113.10")), Ok(ip("203.0.113.10")));
        assert_eq!(p.check(ip("2001:db8::5")), Ok(ip("2001:db8::5")));
        assert_eq!(p.check(ip("127.0.0.1")), Ok(ip("127.0.0.1")));
        assert_eq!(p.check(ip("127.0.0.2")), Err(Refusal::Loopback));
        assert_eq!(p.check(ip("198.51.100.1")), Err(Refusal::Documentation));
        // An allowed IPv4 range does not allow its NAT64 form.
        assert_eq!(p.check(ip("64:ff9b::203.0.113.10")), Err(Refusal::Nat64));
    }

    #[test]
    fn own_addresses_are_refused() {
        let p = TargetPolicy::default().with_own_addresses([ip("8.8.4.4"), ip("::ffff:1.2.3.4")]);
        assert_eq!(p.check(ip("8.8.4.4")), Err(Refusal::OwnAddress));
        assert_eq!(p.check(ip("1.2.3.4")), Err(Refusal::OwnAddress));
        assert_eq!(p.check(ip("8.8.8.8")), Ok(ip("8.8.8.8")));
    }

    #[test]
    fn parse_allow_list_forms() {
        assert_eq!(parse_allow_list("").expect("empty"), vec![]);
        assert_eq!(parse_allow_list(" , ,").expect("blank"), vec![]);
        let nets = parse_allow_list("203.0.113.7/24,::ffff:198.51.100.1").expect("parse");
        assert_eq!(nets[0].to_string(), "203.0.113.0/24");
        assert_eq!(nets[1].to_string(), "198.51.100.1/32");
        assert!(parse_allow_list("203.0.113.0/33").is_err());
        assert!(parse_allow_list("example.com").is_err());
        let e = parse_allow_list("10.0.0.0/8,nope").unwrap_err();
        assert_eq!(e.entry, "nope");
    }

    #[test]
    fn codes_are_unique_and_kebab() {
        let mut seen = std::collections::HashSet::new();
        for r in Refusal::ALL {
            assert!(seen.insert(r.code()));
            assert!(r
                .code()
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'));
        }
    }
}
