//! TCP connect with a deadline, classified like nmap's connect scan.

use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use vmd_core::probe::{PortReason, PortResult, PortState};

/// Map a connect errno to a port state (see shared PROTOCOLS.md). Matches the raw
/// OS error: `ErrorKind` merges EACCES with EPERM and hides EHOSTDOWN/ENONET.
pub fn classify_errno(errno: i32, v6: bool) -> (PortState, PortReason) {
    use PortReason::*;
    use PortState::*;
    match errno {
        libc::ECONNREFUSED => (Closed, Reset),
        libc::EHOSTUNREACH | libc::EHOSTDOWN | libc::ENONET => (Filtered, HostUnreachable),
        libc::ENETUNREACH => (Filtered, NetUnreachable),
        // IPv6 admin-prohibited arrives as EACCES; on IPv4 EACCES is a local refusal.
        libc::EACCES if v6 => (Filtered, AdminProhibited),
        libc::ETIMEDOUT => (Filtered, Timeout),
        // EPERM (our own firewall), EADDRNOTAVAIL, EAFNOSUPPORT, ENOBUFS, EMFILE, ...
        _ => (Inconclusive, LocalError),
    }
}

/// Whether this host has a route of its own to `ip`. A UDP connect sends nothing.
fn have_route(ip: IpAddr) -> bool {
    let bind: SocketAddr = match ip {
        IpAddr::V4(_) => (std::net::Ipv4Addr::UNSPECIFIED, 0).into(),
        IpAddr::V6(_) => (std::net::Ipv6Addr::UNSPECIFIED, 0).into(),
    };
    match UdpSocket::bind(bind) {
        Ok(s) => s.connect(SocketAddr::new(ip, 9)).is_ok(),
        Err(_) => false,
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

/// Connect within `timeout`; returns the classified result and, when open, the stream.
pub async fn connect(addr: SocketAddr, timeout: Duration) -> (PortResult, Option<TcpStream>) {
    let start = Instant::now();
    let res = tokio::time::timeout(timeout, TcpStream::connect(addr)).await;
    let rtt = ms(start.elapsed());
    let port = addr.port();
    let mk = |state, reason, rtt_ms| PortResult {
        port,
        state,
        reason,
        rtt_ms,
    };
    match res {
        Ok(Ok(stream)) => (
            mk(PortState::Open, PortReason::SynAck, Some(rtt)),
            Some(stream),
        ),
        Ok(Err(e)) => {
            let errno = e.raw_os_error().unwrap_or(0);
            let (mut state, mut reason) = classify_errno(errno, addr.is_ipv6());
            // ENETUNREACH without any local route is our own problem, not the server's.
            if errno == libc::ENETUNREACH && !have_route(addr.ip()) {
                state = PortState::Inconclusive;
                reason = PortReason::LocalError;
            }
            let rtt = matches!(state, PortState::Closed).then_some(rtt);
            (mk(state, reason, rtt), None)
        }
        Err(_) => (mk(PortState::Filtered, PortReason::Timeout, None), None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errno_table() {
        use PortReason::*;
        use PortState::*;
        let cases = [
            (libc::ECONNREFUSED, false, Closed, Reset),
            (libc::ECONNREFUSED, true, Closed, Reset),
            (libc::EHOSTUNREACH, false, Filtered, HostUnreachable),
            (libc::EHOSTUNREACH, true, Filtered, HostUnreachable),
            (libc::ENETUNREACH, false, Filtered, NetUnreachable),
            (libc::EACCES, true, Filtered, AdminProhibited),
            (libc::EACCES, false, Inconclusive, LocalError),
            (libc::EHOSTDOWN, false, Filtered, HostUnreachable),
            (libc::ENONET, false, Filtered, HostUnreachable),
            (libc::ETIMEDOUT, false, Filtered, Timeout),
            (libc::EPERM, false, Inconclusive, LocalError),
            (libc::EADDRNOTAVAIL, true, Inconclusive, LocalError),
            (libc::EAFNOSUPPORT, true, Inconclusive, LocalError),
            (0, false, Inconclusive, LocalError),
        ];
        for (errno, v6, s, r) in cases {
            assert_eq!(classify_errno(errno, v6), (s, r), "errno {errno} v6 {v6}");
        }
    }

    #[tokio::test]
    async fn loopback_open_and_closed() {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = l.local_addr().expect("addr");
        let (r, s) = connect(addr, Duration::from_secs(2)).await;
        assert_eq!((r.state, r.reason), (PortState::Open, PortReason::SynAck));
        assert!(s.is_some() && r.rtt_ms.is_some());
        drop(l);
        let (r, s) = connect(addr, Duration::from_secs(2)).await;
        assert_eq!((r.state, r.reason), (PortState::Closed, PortReason::Reset));
        assert!(s.is_none());
    }
}
