//! TCP connect with a deadline, classified like nmap's connect scan.

use crate::rtt::{PathRtt, Tuning};
use futures::stream::{FuturesUnordered, StreamExt};
use std::future::Future;
use std::net::{IpAddr, SocketAddr, UdpSocket};
use std::pin::Pin;
use std::time::Duration;
use tokio::net::{TcpSocket, TcpStream};
use tokio::time::Instant;
use vmd_core::probe::{IcmpFrom, PortReason, PortResult, PortState, VerdictBasis};

/// A failed connection attempt: the OS error, and the ICMP error behind it
/// with who sent it, when the socket's error queue told.
#[derive(Debug)]
pub struct Failed {
    pub err: std::io::Error,
    pub icmp: Option<IcmpFrom>,
}

impl From<std::io::Error> for Failed {
    fn from(err: std::io::Error) -> Failed {
        Failed { err, icmp: None }
    }
}

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

/// What one failed connection attempt says about the port, or `None` when it
/// says nothing (the kernel gave up on its own SYN retries: keep waiting).
fn verdict_of(err: &std::io::Error, addr: SocketAddr) -> Option<(PortState, PortReason)> {
    let errno = err.raw_os_error().unwrap_or(0);
    let (mut state, mut reason) = classify_errno(errno, addr.is_ipv6());
    if reason == PortReason::Timeout {
        return None;
    }
    // ENETUNREACH without any local route is our own problem, not the server's.
    if errno == libc::ENETUNREACH && !have_route(addr.ip()) {
        state = PortState::Inconclusive;
        reason = PortReason::LocalError;
    }
    Some((state, reason))
}

/// Whether an attempt's outcome is an answer from the path (SYN-ACK, reset, ICMP error).
fn verdict_ok<S>(res: &Result<S, Failed>, addr: SocketAddr) -> bool {
    match res {
        Ok(_) => true,
        Err(e) => verdict_of(&e.err, addr).is_some_and(|(s, _)| s != PortState::Inconclusive),
    }
}

type Attempt<S> = Pin<Box<dyn Future<Output = (u8, Instant, Result<S, Failed>)> + Send>>;

enum Next {
    Launch,
    Adaptive,
    Full,
}

/// Judge one port from fresh connection attempts made by `connect`.
///
/// - An answer to any attempt settles it: SYN-ACK (open), reset (closed), ICMP
///   error (filtered), local failure (inconclusive). Answers are round-trip
///   samples for `rtt`.
/// - While the run has no round trip, the port waits for `timeout` (basis
///   `full_timeout`), with a second attempt at half of it.
/// - Once `rtt` knows the round trip (from this run's other probes), a silent
///   port gets `tuning.syn_attempts` attempts, spread evenly over one adaptive
///   wait but never closer than one round trip (a retry goes out only once an
///   answer to the previous SYN was due), and is called filtered one adaptive
///   wait after the last (basis `adaptive_deadline`): about two waits in all,
///   never later than `timeout`. Earlier attempts stay open meanwhile, so a
///   late SYN-ACK to the first SYN still counts. Several fresh SYNs make a few
///   lost packets harmless; once the run has seen loss (`rtt`), silent ports
///   get twice as many, like nmap raising its retransmissions.
pub async fn judge<S, F, Fut>(
    addr: SocketAddr,
    mut connect: F,
    timeout: Duration,
    tuning: Tuning,
    rtt: &PathRtt,
) -> (PortResult, Option<S>)
where
    S: Send + 'static,
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<S, Failed>> + Send + 'static,
{
    let start = Instant::now();
    let full = start + timeout;
    let mut pending: FuturesUnordered<Attempt<S>> = FuturesUnordered::new();
    let mut launch = |pending: &mut FuturesUnordered<Attempt<S>>, n: u8| {
        let at = Instant::now();
        let fut = connect();
        pending.push(Box::pin(async move { (n, at, fut.await) }));
        at
    };
    let mut last = launch(&mut pending, 1);
    let mut attempts: u8 = 1;
    let mut rx = rtt.subscribe();
    let port = addr.port();
    let mk = |state, reason, rtt_ms, basis, attempts| PortResult {
        port,
        state,
        reason,
        rtt_ms,
        basis: Some(basis),
        attempts,
        icmp: None,
    };
    loop {
        let path = *rx.borrow_and_update();
        let (at, next) = match path.rtt {
            None if attempts < 2 => (start + timeout / 2, Next::Launch),
            None => (full, Next::Full),
            Some(r) => {
                let wait = tuning.wait(r);
                let base = tuning.syn_attempts.max(2);
                let n = if path.loss {
                    base.saturating_mul(2)
                } else {
                    base
                };
                // A retry only after an answer to the previous SYN was due.
                let spacing = (wait / u32::from(base - 1)).max(r);
                if attempts < n {
                    (last + spacing, Next::Launch)
                } else {
                    (last + wait, Next::Adaptive)
                }
            }
        };
        let (at, next) = if at >= full {
            (full, Next::Full)
        } else {
            (at, next)
        };
        tokio::select! {
            biased;
            Some((n, sent, res)) = pending.next() => {
                let took = sent.elapsed();
                // Answered on a retry while the earlier SYNs went unanswered.
                if n > 1 && verdict_ok(&res, addr) {
                    rtt.saw_loss();
                }
                match res {
                    Ok(stream) => {
                        rtt.observe(took);
                        let r = mk(PortState::Open, PortReason::SynAck, Some(ms(took)), VerdictBasis::SynAck, attempts);
                        return (r, Some(stream));
                    }
                    Err(e) => match verdict_of(&e.err, addr) {
                        None => {}
                        Some((PortState::Closed, reason)) => {
                            rtt.observe(took);
                            return (mk(PortState::Closed, reason, Some(ms(took)), VerdictBasis::Rst, attempts), None);
                        }
                        Some((PortState::Inconclusive, reason)) => {
                            return (mk(PortState::Inconclusive, reason, None, VerdictBasis::Local, attempts), None);
                        }
                        Some((state, reason)) => {
                            let r = PortResult { icmp: e.icmp, ..mk(state, reason, None, VerdictBasis::IcmpError, attempts) };
                            return (r, None);
                        }
                    },
                }
            }
            Ok(()) = rx.changed() => {}
            () = tokio::time::sleep_until(at) => match next {
                Next::Launch => {
                    attempts = attempts.saturating_add(1);
                    last = launch(&mut pending, attempts);
                }
                Next::Adaptive => {
                    return (mk(PortState::Filtered, PortReason::Timeout, None, VerdictBasis::AdaptiveDeadline, attempts), None);
                }
                Next::Full => {
                    return (mk(PortState::Filtered, PortReason::Timeout, None, VerdictBasis::FullTimeout, attempts), None);
                }
            },
        }
    }
}

/// [`judge`] with real TCP connects.
pub async fn connect_adaptive(
    addr: SocketAddr,
    timeout: Duration,
    tuning: Tuning,
    rtt: &PathRtt,
) -> (PortResult, Option<TcpStream>) {
    judge(
        addr,
        move || connect_telling_icmp(addr),
        timeout,
        tuning,
        rtt,
    )
    .await
}

/// One TCP connect that, when an ICMP error fails it, says who sent the error.
/// Linux queues the ICMP error of a connecting TCP socket on its error queue
/// (`tcp_v4_err`/`tcp_v6_err` call `ip_icmp_error`/`ipv6_icmp_error` in
/// SYN_SENT) once `IP_RECVERR`/`IPV6_RECVERR` is set; where that cannot be
/// set or read, the attempt is the plain connect it was, with no origin.
pub async fn connect_telling_icmp(addr: SocketAddr) -> Result<TcpStream, Failed> {
    let sock = match addr {
        SocketAddr::V4(_) => TcpSocket::new_v4()?,
        SocketAddr::V6(_) => TcpSocket::new_v6()?,
    };
    let v6 = addr.is_ipv6();
    // A second handle on the same socket: `connect` consumes `sock` even when it fails.
    let watch = socket2::SockRef::from(&sock).try_clone().ok();
    let watch = watch.filter(|w| set_recverr(w, v6).is_ok());
    match sock.connect(addr).await {
        Ok(stream) => Ok(stream),
        Err(err) => {
            let icmp = watch.as_ref().and_then(|w| queued_icmp(w, v6));
            Err(Failed { err, icmp })
        }
    }
}

fn set_recverr(sock: &socket2::Socket, v6: bool) -> std::io::Result<()> {
    use std::os::fd::AsRawFd;
    let (level, name) = if v6 {
        (libc::IPPROTO_IPV6, libc::IPV6_RECVERR)
    } else {
        (libc::IPPROTO_IP, libc::IP_RECVERR)
    };
    let on: libc::c_int = 1;
    // SAFETY: setsockopt(2) on a socket we own, reading one c_int that lives
    // for the call, with its exact size.
    let rc = unsafe {
        libc::setsockopt(
            sock.as_raw_fd(),
            level,
            name,
            std::ptr::from_ref(&on).cast(),
            std::mem::size_of::<libc::c_int>() as libc::socklen_t,
        )
    };
    if rc == 0 {
        Ok(())
    } else {
        Err(std::io::Error::last_os_error())
    }
}

/// The ICMP error queued on `sock` (without waiting), if any.
fn queued_icmp(sock: &socket2::Socket, v6: bool) -> Option<IcmpFrom> {
    use std::os::fd::AsRawFd;
    let mut data = [0u8; 64];
    // u64s: aligned for `cmsghdr`.
    let mut control = [0u64; 64];
    let mut iov = libc::iovec {
        iov_base: data.as_mut_ptr().cast(),
        iov_len: data.len(),
    };
    // SAFETY: msghdr is plain data; all-zero is a valid empty header.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = std::mem::size_of_val(&control) as _;
    // SAFETY: recvmsg(2) on a socket we own; `msg` points at `iov`, `data` and
    // `control`, which outlive the call, with their sizes; it never blocks.
    let n = unsafe {
        libc::recvmsg(
            sock.as_raw_fd(),
            &mut msg,
            libc::MSG_ERRQUEUE | libc::MSG_DONTWAIT,
        )
    };
    if n < 0 {
        return None;
    }
    let (level, kind) = if v6 {
        (libc::IPPROTO_IPV6, libc::IPV6_RECVERR)
    } else {
        (libc::IPPROTO_IP, libc::IP_RECVERR)
    };
    // SAFETY: the CMSG_* walk stays within `msg.msg_controllen` (set by the
    // kernel, at most the buffer's size); each payload slice is `cmsg_len`
    // minus the header, inside that range.
    unsafe {
        let mut c = libc::CMSG_FIRSTHDR(&msg);
        while !c.is_null() {
            if (*c).cmsg_level == level && (*c).cmsg_type == kind {
                let head = libc::CMSG_LEN(0) as usize;
                let len = ((*c).cmsg_len as usize).saturating_sub(head);
                let payload = std::slice::from_raw_parts(libc::CMSG_DATA(c), len);
                return parse_extended_err(payload, v6);
            }
            c = libc::CMSG_NXTHDR(&msg, c);
        }
    }
    None
}

/// Decode a `sock_extended_err` and the offender's sockaddr after it
/// (linux/errqueue.h): only ICMP (v4) / ICMPv6 origins name a sender.
pub fn parse_extended_err(b: &[u8], v6: bool) -> Option<IcmpFrom> {
    const EE_LEN: usize = 16;
    let origin_kind = *b.get(4)?;
    let want = if v6 {
        libc::SO_EE_ORIGIN_ICMP6
    } else {
        libc::SO_EE_ORIGIN_ICMP
    };
    if origin_kind != want {
        return None;
    }
    let (icmp_type, code) = (*b.get(5)?, *b.get(6)?);
    let sa = b.get(EE_LEN..)?;
    let family = i32::from(u16::from_ne_bytes([*sa.first()?, *sa.get(1)?]));
    let origin = match family {
        libc::AF_INET => {
            let a: [u8; 4] = sa.get(4..8)?.try_into().ok()?;
            IpAddr::from(a)
        }
        libc::AF_INET6 => {
            let a: [u8; 16] = sa.get(8..24)?.try_into().ok()?;
            IpAddr::from(a)
        }
        _ => return None,
    };
    Some(IcmpFrom {
        origin,
        icmp_type,
        code,
    })
}

/// One connect within `timeout` (no retries, no adaptation): for the extra
/// connections of a handshake on a port already known to be open.
pub async fn connect(addr: SocketAddr, timeout: Duration) -> Option<TcpStream> {
    match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
        Ok(Ok(s)) => Some(s),
        _ => None,
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

    /// `sock_extended_err` + offender sockaddr as the kernel queues them.
    #[test]
    fn extended_err_names_the_icmp_sender() {
        let ee = |origin: u8, t: u8, c: u8| {
            let mut b = Vec::new();
            b.extend_from_slice(&(libc::EHOSTUNREACH as u32).to_ne_bytes());
            b.extend_from_slice(&[origin, t, c, 0]);
            b.extend_from_slice(&[0; 8]);
            b
        };
        let mut v4 = ee(libc::SO_EE_ORIGIN_ICMP, 3, 13);
        v4.extend_from_slice(&(libc::AF_INET as u16).to_ne_bytes());
        v4.extend_from_slice(&[0, 0, 203, 0, 113, 1]);
        v4.extend_from_slice(&[0; 8]);
        assert_eq!(
            parse_extended_err(&v4, false),
            Some(IcmpFrom {
                origin: IpAddr::from([203, 0, 113, 1]),
                icmp_type: 3,
                code: 13
            })
        );
        let mut v6 = ee(libc::SO_EE_ORIGIN_ICMP6, 1, 1);
        v6.extend_from_slice(&(libc::AF_INET6 as u16).to_ne_bytes());
        v6.extend_from_slice(&[0; 6]);
        let a: std::net::Ipv6Addr = "2001:db8::1".parse().expect("v6");
        v6.extend_from_slice(&a.octets());
        v6.extend_from_slice(&[0; 4]);
        assert_eq!(
            parse_extended_err(&v6, true),
            Some(IcmpFrom {
                origin: IpAddr::V6(a),
                icmp_type: 1,
                code: 1
            })
        );
        // Not from ICMP (a local error), or cut short: no sender named.
        assert_eq!(
            parse_extended_err(&ee(libc::SO_EE_ORIGIN_LOCAL, 0, 0), false),
            None
        );
        assert_eq!(parse_extended_err(&v4[..18], false), None);
        assert_eq!(parse_extended_err(&v4, true), None);
    }

    #[tokio::test]
    async fn loopback_open_and_closed() {
        let l = tokio::net::TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind");
        let addr = l.local_addr().expect("addr");
        let rtt = PathRtt::new();
        let t = Tuning::default();
        let (r, s) = connect_adaptive(addr, Duration::from_secs(2), t, &rtt).await;
        assert_eq!((r.state, r.reason), (PortState::Open, PortReason::SynAck));
        assert_eq!((r.basis, r.attempts), (Some(VerdictBasis::SynAck), 1));
        assert!(s.is_some() && r.rtt_ms.is_some());
        assert!(rtt.get().is_some(), "the SYN-ACK is a round-trip sample");
        drop(l);
        let (r, s) = connect_adaptive(addr, Duration::from_secs(2), t, &rtt).await;
        assert_eq!((r.state, r.reason), (PortState::Closed, PortReason::Reset));
        assert_eq!(r.basis, Some(VerdictBasis::Rst));
        assert!(s.is_none());
    }
}

/// The adaptive deadline against fake connections, in paused time: exact and
/// deterministic, no network.
#[cfg(test)]
mod adaptive {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    type Fake = Pin<Box<dyn Future<Output = Result<(), Failed>> + Send>>;

    /// What attempt n (0-based) of a fake port does.
    #[derive(Clone, Copy)]
    enum Does {
        /// Answers after this many ms: Ok = SYN-ACK, Err = this errno.
        Answer(u64, Result<(), i32>),
        /// Its SYN is lost: never answers.
        Drop,
    }

    fn fake(script: Vec<Does>) -> (impl FnMut() -> Fake, Arc<AtomicUsize>) {
        let calls = Arc::new(AtomicUsize::new(0));
        let c = calls.clone();
        let f = move || -> Fake {
            let n = c.fetch_add(1, Ordering::SeqCst);
            let does = script.get(n).copied().unwrap_or(Does::Drop);
            Box::pin(async move {
                match does {
                    Does::Answer(ms, r) => {
                        tokio::time::sleep(Duration::from_millis(ms)).await;
                        r.map_err(|e| std::io::Error::from_raw_os_error(e).into())
                    }
                    Does::Drop => std::future::pending().await,
                }
            })
        };
        (f, calls)
    }

    fn addr(port: u16) -> SocketAddr {
        SocketAddr::from(([203, 0, 113, 9], port))
    }

    const TIMEOUT: Duration = Duration::from_secs(3);

    #[tokio::test(start_paused = true)]
    async fn one_port_answers_the_other_drops_run_ends_long_before_the_timeout() {
        let rtt = PathRtt::new();
        let t = Tuning::default();
        let start = Instant::now();
        let (closed, _) = fake(vec![Does::Answer(2, Err(libc::ECONNREFUSED))]);
        let (dropped, calls) = fake(vec![]);
        let ((a, _), (b, _)) = tokio::join!(
            judge(addr(22), closed, TIMEOUT, t, &rtt),
            judge(addr(3389), dropped, TIMEOUT, t, &rtt),
        );
        let took = start.elapsed();
        assert_eq!(
            (a.state, a.basis, a.attempts),
            (PortState::Closed, Some(VerdictBasis::Rst), 1)
        );
        assert_eq!(
            (b.state, b.reason, b.basis),
            (
                PortState::Filtered,
                PortReason::Timeout,
                Some(VerdictBasis::AdaptiveDeadline)
            )
        );
        // Six fresh SYNs spread over one wait, then one wait: 2 x floor.
        assert_eq!(b.attempts, 6);
        assert_eq!(calls.load(Ordering::SeqCst), 6);
        // (The timer wheel rounds each sleep up to the next millisecond.)
        assert!(
            took >= 2 * t.floor && took <= 2 * t.floor + Duration::from_millis(5),
            "{took:?}"
        );
        assert!(took * 10 < TIMEOUT, "{took:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn a_dropped_then_retried_syn_is_not_filtered() {
        let rtt = PathRtt::new();
        rtt.observe(Duration::from_millis(1));
        let (port, calls) = fake(vec![Does::Drop, Does::Answer(1, Ok(()))]);
        let (r, stream) = judge(addr(22), port, TIMEOUT, Tuning::default(), &rtt).await;
        assert_eq!(
            (r.state, r.basis, r.attempts),
            (PortState::Open, Some(VerdictBasis::SynAck), 2)
        );
        assert!(stream.is_some());
        assert_eq!(calls.load(Ordering::SeqCst), 2);
        assert!(
            rtt.loss(),
            "an answer only on the retry is evidence of loss"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn seen_loss_doubles_the_attempts_of_silent_ports() {
        let rtt = PathRtt::new();
        let t = Tuning::default();
        // 22: the first SYN is lost, the retry answers (reset); 3389: silent.
        let (lossy, _) = fake(vec![Does::Drop, Does::Answer(1, Err(libc::ECONNREFUSED))]);
        let (dropped, calls) = fake(vec![]);
        rtt.observe(Duration::from_millis(1));
        let start = Instant::now();
        let ((a, _), (b, _)) = tokio::join!(
            judge(addr(22), lossy, TIMEOUT, t, &rtt),
            judge(addr(3389), dropped, TIMEOUT, t, &rtt),
        );
        assert_eq!((a.state, a.attempts), (PortState::Closed, 2));
        assert_eq!((b.state, b.attempts), (PortState::Filtered, 12));
        assert_eq!(calls.load(Ordering::SeqCst), 12);
        // 11 spacings of 20 ms and one wait: still far inside the timeout.
        let took = start.elapsed();
        assert!(took <= Duration::from_millis(330), "{took:?}");
        // A slow path: retries never closer than one round trip.
        let rtt = PathRtt::new();
        rtt.observe(Duration::from_millis(300));
        let (p, calls) = fake(vec![]);
        let start = Instant::now();
        let (r, _) = judge(addr(22), p, Duration::from_secs(10), t, &rtt).await;
        assert_eq!((r.attempts, calls.load(Ordering::SeqCst)), (6, 6));
        // 5 x 300 ms between SYNs, then one wait of 4 x 300 ms.
        assert!(
            start.elapsed() >= Duration::from_millis(2700),
            "{:?}",
            start.elapsed()
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_late_answer_to_the_first_syn_still_counts() {
        let rtt = PathRtt::new();
        rtt.observe(Duration::from_millis(1));
        // Floor 100 ms: SYNs at 0, 20, .., 100, verdict at 200; the first answers at 150.
        let (port, _) = fake(vec![Does::Answer(150, Ok(()))]);
        let start = Instant::now();
        let (r, _) = judge(addr(22), port, TIMEOUT, Tuning::default(), &rtt).await;
        assert_eq!((r.state, r.attempts), (PortState::Open, 6));
        assert_eq!(start.elapsed(), Duration::from_millis(150));
        // The late answer is a sample too: later waits grow with it.
        assert!(rtt.get() >= Some(Duration::from_millis(150)));
    }

    #[tokio::test(start_paused = true)]
    async fn with_no_answer_at_all_the_configured_timeout_holds() {
        let rtt = PathRtt::new();
        let (a, ca) = fake(vec![]);
        let (b, _) = fake(vec![]);
        let start = Instant::now();
        let t = Tuning::default();
        let ((ra, _), (rb, _)) = tokio::join!(
            judge(addr(22), a, TIMEOUT, t, &rtt),
            judge(addr(3389), b, TIMEOUT, t, &rtt),
        );
        assert_eq!(start.elapsed(), TIMEOUT);
        for r in [ra, rb] {
            assert_eq!(
                (r.state, r.basis, r.attempts),
                (PortState::Filtered, Some(VerdictBasis::FullTimeout), 2)
            );
        }
        // The second SYN went out at half the timeout.
        assert_eq!(ca.load(Ordering::SeqCst), 2);
    }

    #[tokio::test(start_paused = true)]
    async fn icmp_errors_and_local_failures_settle_at_once() {
        let rtt = PathRtt::new();
        let t = Tuning::default();
        let (p, _) = fake(vec![Does::Answer(3, Err(libc::EHOSTUNREACH))]);
        let (r, _) = judge(addr(22), p, TIMEOUT, t, &rtt).await;
        assert_eq!(
            (r.state, r.reason, r.basis),
            (
                PortState::Filtered,
                PortReason::HostUnreachable,
                Some(VerdictBasis::IcmpError)
            )
        );
        let (p, _) = fake(vec![Does::Answer(0, Err(libc::EPERM))]);
        let (r, _) = judge(addr(22), p, TIMEOUT, t, &rtt).await;
        assert_eq!(
            (r.state, r.basis),
            (PortState::Inconclusive, Some(VerdictBasis::Local))
        );
        // Neither is a round-trip sample of the server.
        assert_eq!(rtt.get(), None);
    }

    #[tokio::test(start_paused = true)]
    async fn the_adaptive_wait_never_outlasts_the_timeout() {
        let rtt = PathRtt::new();
        rtt.observe(Duration::from_millis(900));
        let (p, _) = fake(vec![]);
        let start = Instant::now();
        let (r, _) = judge(
            addr(22),
            p,
            Duration::from_millis(1500),
            Tuning::default(),
            &rtt,
        )
        .await;
        assert_eq!(start.elapsed(), Duration::from_millis(1500));
        assert_eq!(r.basis, Some(VerdictBasis::FullTimeout));
    }
}
