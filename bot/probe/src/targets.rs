//! What a user may name as a target: an IP address, a CIDR block (at most 256
//! addresses) or a DNS host name, and the one safe way to turn a host name into
//! addresses to probe.
//!
//! [`resolve_checked`] looks a name up exactly once, puts every address it got
//! through the target policy (one refused address refuses the name, with that
//! address's reason) and returns exactly the addresses to probe. Callers probe
//! those and never look the name up again, so a DNS server that answers a
//! public address first and `127.0.0.1` a moment later (DNS rebinding) cannot
//! redirect a probe. The chat driver can call it the same way as the CLI.

use ipnet::IpNet;
use std::future::Future;
use std::net::IpAddr;
use std::time::Duration;
use vmd_core::policy::{Refusal, TargetPolicy};

/// Largest CIDR block accepted: a /24 (IPv4) or /120 (IPv6).
pub const MAX_BLOCK: u32 = 256;
/// Addresses of one host name that are probed at most (the first ones, in the
/// resolver's order).
pub const MAX_ADDRS_PER_NAME: usize = 16;

/// One target as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Spec {
    Ip(IpAddr),
    Net(IpNet),
    Name(String),
}

/// Why a target could not be used, before any policy.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    #[error("not an IP address, CIDR block or host name")]
    Malformed,
    #[error("CIDR block larger than 256 addresses (/24 for IPv4, /120 for IPv6)")]
    BlockTooLarge,
}

impl SpecError {
    pub fn code(&self) -> &'static str {
        match self {
            SpecError::Malformed => "malformed",
            SpecError::BlockTooLarge => "block-too-large",
        }
    }
}

/// Whether `s` is a syntactically valid DNS host name: labels of letters,
/// digits, `-` and `_` (1-63 each, not starting or ending with `-`), at most
/// 253 characters, and a last label that is not all digits (so `127.1` or
/// `0x7f.1`, which C resolvers read as IPv4 numbers, are not names).
pub fn is_host_name(s: &str) -> bool {
    let s = s.strip_suffix('.').unwrap_or(s);
    if s.is_empty() || s.len() > 253 {
        return false;
    }
    let labels: Vec<&str> = s.split('.').collect();
    let ok_label = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    labels.iter().all(ok_label)
        && labels
            .last()
            .is_some_and(|l| !l.bytes().all(|b| b.is_ascii_digit()))
}

/// Parse one target: an address (IPv6 may be bracketed), a CIDR block, or a name.
pub fn parse_spec(s: &str) -> Result<Spec, SpecError> {
    let t = s.trim();
    let bare = t.trim_start_matches('[').trim_end_matches(']');
    if let Ok(ip) = bare.parse::<IpAddr>() {
        return Ok(Spec::Ip(ip));
    }
    if let Ok(net) = t.parse::<IpNet>() {
        let host_bits = u32::from(net.max_prefix_len() - net.prefix_len());
        if host_bits > 8 {
            return Err(SpecError::BlockTooLarge);
        }
        return Ok(Spec::Net(net.trunc()));
    }
    if is_host_name(t) {
        return Ok(Spec::Name(t.trim_end_matches('.').to_ascii_lowercase()));
    }
    Err(SpecError::Malformed)
}

/// The addresses of a block. IPv4 blocks of 4 or more addresses leave out the
/// network and broadcast addresses (they are not hosts).
pub fn block_hosts(net: IpNet) -> Vec<IpAddr> {
    // ipnet leaves out network and broadcast for IPv4 blocks up to /30 only.
    net.hosts().collect()
}

/// Targets in a list: one or more per line, separated by white space or commas;
/// `#` starts a comment.
pub fn split_list(text: &str) -> Vec<String> {
    text.lines()
        .map(|l| l.split('#').next().unwrap_or(""))
        .flat_map(|l| l.split(|c: char| c.is_whitespace() || c == ','))
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// Looks host names up. [`SystemResolver`] is the C library's resolver (it
/// honours `/etc/hosts` and `resolv.conf`); tests substitute their own.
pub trait Resolver: Send + Sync {
    fn lookup(&self, name: &str) -> impl Future<Output = std::io::Result<Vec<IpAddr>>> + Send;
}

/// The system resolver (`getaddrinfo` on a blocking thread).
#[derive(Clone, Copy, Debug, Default)]
pub struct SystemResolver;

impl Resolver for SystemResolver {
    fn lookup(&self, name: &str) -> impl Future<Output = std::io::Result<Vec<IpAddr>>> + Send {
        let name = name.to_string();
        async move {
            let addrs = tokio::net::lookup_host((name.as_str(), 0)).await?;
            Ok(addrs.map(|a| a.ip()).collect())
        }
    }
}

/// A host name and exactly the addresses to probe for it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Resolved {
    pub name: String,
    /// Canonical, policy-checked, de-duplicated, in the resolver's order.
    pub addrs: Vec<IpAddr>,
}

/// Why a host name is not probed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("not a valid host name")]
    BadName,
    #[error("the name does not resolve to any address")]
    NotFound,
    #[error("the name could not be resolved in time")]
    Timeout,
    /// One of its addresses is refused by the target policy.
    #[error("{name} resolves to {addr}: {refusal}")]
    Refused {
        name: String,
        addr: IpAddr,
        refusal: Refusal,
    },
}

impl NameError {
    /// Stable code: `bad-name`, `not-found`, `dns-timeout`, or the refusal's code.
    pub fn code(&self) -> &'static str {
        match self {
            NameError::BadName => "bad-name",
            NameError::NotFound => "not-found",
            NameError::Timeout => "dns-timeout",
            NameError::Refused { refusal, .. } => refusal.code(),
        }
    }
}

/// Resolve `name` once (within `timeout`), check every address against
/// `policy`, and return exactly the addresses to probe (see the module docs).
pub async fn resolve_checked<R: Resolver>(
    name: &str,
    resolver: &R,
    policy: &TargetPolicy,
    timeout: Duration,
) -> Result<Resolved, NameError> {
    let name = match parse_spec(name) {
        Ok(Spec::Name(n)) => n,
        _ => return Err(NameError::BadName),
    };
    let found = match tokio::time::timeout(timeout, resolver.lookup(&name)).await {
        Err(_) => return Err(NameError::Timeout),
        Ok(Err(e)) => {
            tracing::debug!(%name, error = %e, "lookup failed");
            return Err(NameError::NotFound);
        }
        Ok(Ok(found)) => found,
    };
    let mut addrs: Vec<IpAddr> = Vec::new();
    for ip in found {
        let ip = policy.check(ip).map_err(|refusal| NameError::Refused {
            name: name.clone(),
            addr: ip,
            refusal,
        })?;
        if !addrs.contains(&ip) {
            addrs.push(ip);
        }
    }
    if addrs.is_empty() {
        return Err(NameError::NotFound);
    }
    if addrs.len() > MAX_ADDRS_PER_NAME {
        tracing::info!(%name, n = addrs.len(), "name has many addresses; probing the first ones");
        addrs.truncate(MAX_ADDRS_PER_NAME);
    }
    Ok(Resolved { name, addrs })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn specs() {
        assert_eq!(
            parse_spec("203.0.113.7"),
            Ok(Spec::Ip("203.0.113.7".parse().expect("ip")))
        );
        assert_eq!(
            parse_spec("[2001:db8::1]"),
            Ok(Spec::Ip("2001:db8::1".parse().expect("ip")))
        );
        assert_eq!(
            parse_spec("203.0.113.77/24"),
            Ok(Spec::Net("203.0.113.0/24".parse().expect("net")))
        );
        assert_eq!(parse_spec("203.0.112.0/23"), Err(SpecError::BlockTooLarge));
        assert_eq!(parse_spec("2001:db8::/119"), Err(SpecError::BlockTooLarge));
        assert!(matches!(parse_spec("2001:db8::/120"), Ok(Spec::Net(_))));
        assert_eq!(
            parse_spec("Web-1.Example.COM."),
            Ok(Spec::Name("web-1.example.com".into()))
        );
        for bad in [
            "",
            "127.1",
            "0x7f.1",
            "-a.example",
            "a..b",
            "a b",
            "exa$mple.com",
            "1.2.3.4/33",
        ] {
            assert!(parse_spec(bad).is_err(), "{bad:?}");
        }
        assert!(!is_host_name(&format!("{}.com", "a".repeat(64))));
    }

    #[test]
    fn blocks_and_lists() {
        let v = block_hosts("203.0.113.0/24".parse().expect("net"));
        assert_eq!(v.len(), 254);
        assert_eq!(v[0], "203.0.113.1".parse::<IpAddr>().expect("ip"));
        assert_eq!(v[253], "203.0.113.254".parse::<IpAddr>().expect("ip"));
        assert_eq!(block_hosts("203.0.113.8/30".parse().expect("net")).len(), 2);
        assert_eq!(block_hosts("203.0.113.8/31".parse().expect("net")).len(), 2);
        assert_eq!(block_hosts("203.0.113.8/32".parse().expect("net")).len(), 1);
        assert_eq!(
            block_hosts("2001:db8::/120".parse().expect("net")).len(),
            256
        );
        assert_eq!(
            split_list("# fleet\n203.0.113.1, 203.0.113.2\n\n  web.example  # the web\n"),
            vec!["203.0.113.1", "203.0.113.2", "web.example"]
        );
    }

    /// Answers from a script, one answer per call, and counts the calls.
    struct Scripted {
        answers: Vec<Vec<IpAddr>>,
        calls: Arc<AtomicUsize>,
    }

    impl Resolver for Scripted {
        fn lookup(&self, _: &str) -> impl Future<Output = std::io::Result<Vec<IpAddr>>> + Send {
            let n = self.calls.fetch_add(1, Ordering::SeqCst);
            let a = self.answers.get(n).cloned().unwrap_or_default();
            async move { Ok(a) }
        }
    }

    fn ips(s: &[&str]) -> Vec<IpAddr> {
        s.iter().map(|s| s.parse().expect("ip")).collect()
    }

    fn policy() -> TargetPolicy {
        TargetPolicy::new(vec!["203.0.113.0/24".parse().expect("net")])
    }

    const T: Duration = Duration::from_secs(2);

    #[tokio::test]
    async fn every_address_passes_the_policy_or_the_name_is_refused() {
        let calls = Arc::new(AtomicUsize::new(0));
        let r = Scripted {
            answers: vec![ips(&["203.0.113.5", "127.0.0.1"])],
            calls: calls.clone(),
        };
        let err = resolve_checked("mixed.example", &r, &policy(), T)
            .await
            .expect_err("refused");
        assert_eq!(err.code(), "loopback");
        assert!(matches!(&err, NameError::Refused { addr, .. } if *addr == ips(&["127.0.0.1"])[0]));
        let r = Scripted {
            answers: vec![ips(&["::ffff:203.0.113.5", "203.0.113.5", "203.0.113.6"])],
            calls: Arc::new(AtomicUsize::new(0)),
        };
        let ok = resolve_checked("two.example", &r, &policy(), T)
            .await
            .expect("ok");
        // Canonical (mapped IPv4 becomes IPv4) and de-duplicated.
        assert_eq!(ok.addrs, ips(&["203.0.113.5", "203.0.113.6"]));
        let r = Scripted {
            answers: vec![vec![]],
            calls: Arc::new(AtomicUsize::new(0)),
        };
        assert_eq!(calls.load(Ordering::SeqCst), 1);
        assert_eq!(
            resolve_checked("none.example", &r, &policy(), T).await,
            Err(NameError::NotFound)
        );
    }

    #[tokio::test]
    async fn rebinding_the_name_after_the_check_changes_nothing() {
        // First answer public, every later one loopback: a rebinding attacker.
        let calls = Arc::new(AtomicUsize::new(0));
        let r = Scripted {
            answers: vec![
                ips(&["203.0.113.9"]),
                ips(&["127.0.0.1"]),
                ips(&["127.0.0.1"]),
            ],
            calls: calls.clone(),
        };
        let ok = resolve_checked("rebind.example", &r, &policy(), T)
            .await
            .expect("first answer is allowed");
        assert_eq!(ok.addrs, ips(&["203.0.113.9"]));
        assert_eq!(calls.load(Ordering::SeqCst), 1, "looked up exactly once");
    }

    #[tokio::test(start_paused = true)]
    async fn a_hanging_resolver_is_bounded() {
        struct Hang;
        impl Resolver for Hang {
            fn lookup(&self, _: &str) -> impl Future<Output = std::io::Result<Vec<IpAddr>>> + Send {
                std::future::pending()
            }
        }
        assert_eq!(
            resolve_checked("slow.example", &Hang, &policy(), T).await,
            Err(NameError::Timeout)
        );
        assert_eq!(
            resolve_checked("127.0.0.1", &Hang, &policy(), T).await,
            Err(NameError::BadName)
        );
    }
}
