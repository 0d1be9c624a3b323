//! ICMP echo, in process where the host allows it.
//!
//! Order of methods (the first that opens wins, and the result says which):
//! an unprivileged ICMP datagram socket (allowed by `net.ipv4.ping_group_range`,
//! per network namespace), a raw ICMP socket (root or CAP_NET_RAW), and only
//! then the system `ping` (Debian ships it with `cap_net_raw`). Sockets come
//! from surge-ping; each run opens its own, so the kernel (datagram sockets:
//! one identifier per socket) or surge-ping (raw sockets: identifier and
//! sequence) keeps concurrent runs apart.
//!
//! Exactly `count` echoes are sent, `interval` apart, each with its own round
//! trip. Each echo waits until the configured timeout, or, once the run knows
//! the path's round trip ([`PathRtt`]), for an adaptive wait after it was sent.
//! Never an error: at worst `Unavailable`.

use crate::rtt::{PathRtt, Tuning};
use std::net::IpAddr;
use std::process::Stdio;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;
use surge_ping::{Client, Config, IcmpPacket, PingIdentifier, PingSequence, SurgeError, ICMP};
use tokio::io::AsyncReadExt;
use tokio::process::Command;
use tokio::time::Instant;
use vmd_core::probe::{IcmpMethod, IcmpResult, IcmpState};

/// Largest `ping` output we look at.
const MAX_OUTPUT: usize = 64 * 1024;
/// Interval between echoes of the system `ping` (the smallest an unprivileged
/// user may use is 0.2 s on older iputils).
const PING_INTERVAL: Duration = Duration::from_millis(200);
/// What every echo request carries.
const PAYLOAD: &[u8] = b"vm-doctor echo..";

/// How to ping: echoes, their spacing and the deadline of the whole probe.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    pub count: u32,
    pub interval: Duration,
    pub timeout: Duration,
    pub tuning: Tuning,
}

fn unavailable(method: Option<IcmpMethod>) -> IcmpResult {
    IcmpResult {
        state: IcmpState::Unavailable,
        sent: 0,
        received: 0,
        rtt_ms: None,
        method,
        echoes: vec![],
    }
}

fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1000.0 * 1000.0).round() / 1000.0
}

/// A result from the round trips of the echoes actually sent.
pub fn from_echoes(echoes: Vec<Option<f64>>, method: IcmpMethod) -> IcmpResult {
    let got: Vec<f64> = echoes.iter().flatten().copied().collect();
    let received = got.len() as u32;
    IcmpResult {
        state: if received > 0 {
            IcmpState::Reply
        } else {
            IcmpState::NoReply
        },
        sent: echoes.len() as u32,
        received,
        rtt_ms: (received > 0)
            .then(|| (got.iter().sum::<f64>() / received as f64 * 1000.0).round() / 1000.0),
        method: Some(method),
        echoes,
    }
}

/// Identifiers for raw sockets, unique among the runs of this process (the
/// process id keeps two vm-doctor processes apart too).
fn next_ident() -> u16 {
    static NEXT: AtomicU32 = AtomicU32::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    (std::process::id().wrapping_mul(2654435761).wrapping_add(n) & 0xffff) as u16
}

/// Open an ICMP socket: datagram first, raw second.
pub fn open(target: IpAddr) -> Option<(Client, IcmpMethod)> {
    let kind = if target.is_ipv6() { ICMP::V6 } else { ICMP::V4 };
    let cfg = Config::builder()
        .kind(kind)
        .sock_type_hint(socket2::Type::DGRAM)
        .build();
    match Client::new(&cfg) {
        Ok(c) => {
            let method = if c.get_socket().get_type() == socket2::Type::RAW {
                IcmpMethod::Raw
            } else {
                IcmpMethod::Dgram
            };
            Some((c, method))
        }
        Err(e) => {
            tracing::debug!(error = %e, "no ICMP socket of our own; falling back to ping(8)");
            None
        }
    }
}

/// Ping `target` as `plan` says, feeding round trips into `rtt`.
pub async fn ping(target: IpAddr, plan: Plan, rtt: &PathRtt) -> IcmpResult {
    match open(target) {
        Some((client, method)) => in_process(&client, method, target, plan, rtt).await,
        None => system_ping(target, plan.count, plan.timeout).await,
    }
}

enum Echo {
    Reply(Duration),
    Lost,
    /// Could not even be sent (no route of our own, local firewall, ...).
    LocalError,
}

fn is_echo_reply(p: &IcmpPacket) -> bool {
    match p {
        IcmpPacket::V4(p) => p.get_icmp_type().0 == 0,
        IcmpPacket::V6(p) => p.get_icmpv6_type().0 == 129,
    }
}

/// The echoes of one run through `client`'s socket.
pub async fn in_process(
    client: &Client,
    method: IcmpMethod,
    target: IpAddr,
    plan: Plan,
    rtt: &PathRtt,
) -> IcmpResult {
    let count = plan.count.clamp(1, 10);
    let start = Instant::now();
    let full = start + plan.timeout;
    let ident = PingIdentifier(next_ident());
    // Bit i: echo i was answered. An answer while an earlier echo is still
    // unanswered is evidence of loss for the whole run.
    let answered = std::sync::Arc::new(AtomicU32::new(0));
    let one = |i: u32| {
        let client = client.clone();
        let rtt = rtt.clone();
        let answered = answered.clone();
        async move {
            tokio::time::sleep_until(start + plan.interval * i).await;
            let now = Instant::now();
            if now >= full {
                return None; // Not sent: the probe's deadline came first.
            }
            let mut pinger = client.pinger(target, ident).await;
            pinger.timeout(full - now);
            let sent = Instant::now();
            let fut = pinger.ping(PingSequence(i as u16), PAYLOAD);
            tokio::pin!(fut);
            let mut rx = rtt.subscribe();
            loop {
                let deadline = match rx.borrow_and_update().rtt {
                    Some(r) => (sent + plan.tuning.wait(r)).min(full),
                    None => full,
                };
                tokio::select! {
                    biased;
                    res = &mut fut => return Some(match res {
                        // surge-ping stamps the send after send_to returns, which on
                        // loopback can be after the reply arrived; time it ourselves.
                        Ok((packet, _)) if is_echo_reply(&packet) => {
                            let took = sent.elapsed();
                            rtt.observe(took);
                            let before = answered.fetch_or(1 << i, Ordering::Relaxed);
                            let earlier = (1u32 << i) - 1;
                            if before & earlier != earlier {
                                rtt.saw_loss();
                            }
                            Echo::Reply(took)
                        }
                        // An ICMP error about our echo (unreachable, ...): no reply.
                        Ok(_) | Err(SurgeError::Timeout { .. }) => Echo::Lost,
                        Err(e) => {
                            tracing::debug!(error = %e, %target, "echo request failed");
                            Echo::LocalError
                        }
                    }),
                    Ok(()) = rx.changed() => {}
                    () = tokio::time::sleep_until(deadline) => return Some(Echo::Lost),
                }
            }
        }
    };
    let echoes: Vec<Option<Echo>> = futures::future::join_all((0..count).map(one)).await;
    let echoes: Vec<Echo> = echoes.into_iter().flatten().collect();
    if echoes.is_empty() || echoes.iter().all(|e| matches!(e, Echo::LocalError)) {
        return unavailable(Some(method));
    }
    from_echoes(
        echoes
            .iter()
            .map(|e| match e {
                Echo::Reply(d) => Some(ms(*d)),
                _ => None,
            })
            .collect(),
        method,
    )
}

/// Parse iputils' output: per-echo lines "... icmp_seq=2 ttl=64 time=0.045 ms",
/// and the summary "3 packets transmitted, 2 received, ...".
pub fn parse_ping_output(out: &str) -> Option<IcmpResult> {
    let mut sent = None;
    let mut replies: Vec<(u32, f64)> = Vec::new();
    for line in out.lines() {
        if line.contains("packets transmitted") {
            for part in line.split(',') {
                let part = part.trim();
                if part.ends_with("packets transmitted") {
                    sent = part
                        .split_whitespace()
                        .next()
                        .and_then(|n| n.parse::<u32>().ok());
                }
            }
        } else if line.contains("icmp_seq=") && line.contains("time=") {
            let field = |key: &str| {
                line.split_whitespace()
                    .find_map(|w| w.strip_prefix(key))
                    .map(str::to_string)
            };
            let seq = field("icmp_seq=").and_then(|s| s.parse::<u32>().ok());
            let time = field("time=").and_then(|s| s.parse::<f64>().ok());
            if let (Some(seq), Some(time)) = (seq, time) {
                if !replies.iter().any(|(s, _)| *s == seq) {
                    replies.push((seq, time));
                }
            }
        }
    }
    let sent = sent?.min(10);
    let echoes = (1..=sent)
        .map(|seq| replies.iter().find(|(s, _)| *s == seq).map(|(_, t)| *t))
        .collect();
    Some(from_echoes(echoes, IcmpMethod::SystemPing))
}

/// The last resort: the system `ping`, `count` echoes, finishing within about `timeout`.
pub async fn system_ping(target: IpAddr, count: u32, timeout: Duration) -> IcmpResult {
    let count = count.clamp(1, 10);
    // Wait for the last reply for what is left of the budget after the sends.
    let sends = PING_INTERVAL * (count - 1);
    let wait = timeout
        .saturating_sub(sends)
        .saturating_sub(Duration::from_millis(50))
        .max(Duration::from_millis(200));
    let mut cmd = Command::new("ping");
    if target.is_ipv6() {
        cmd.arg("-6");
    } else {
        cmd.arg("-4");
    }
    // `-c` without `-w`: exactly `count` echoes (with `-w`, ping keeps sending
    // until its deadline when nothing answers).
    cmd.arg("-n")
        .arg("-c")
        .arg(count.to_string())
        .arg("-i")
        .arg(format!("{:.1}", PING_INTERVAL.as_secs_f64()))
        .arg("-W")
        .arg(format!("{:.3}", wait.as_secs_f64()))
        .arg(target.to_string())
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(_) => return unavailable(None),
    };
    let mut stdout = child.stdout.take();
    let read = async {
        let mut buf = Vec::new();
        if let Some(out) = stdout.as_mut() {
            let _ = out.take(MAX_OUTPUT as u64).read_to_end(&mut buf).await;
        }
        buf
    };
    let wait = async {
        if tokio::time::timeout(timeout, child.wait()).await.is_err() {
            // At the deadline ask ping for its summary (SIGINT), then make sure it ends.
            if let Some(pid) = child.id().and_then(|p| i32::try_from(p).ok()) {
                // SAFETY: kill(2) on the pid of our own child, which has not been reaped.
                unsafe {
                    libc::kill(pid, libc::SIGINT);
                }
            }
            if tokio::time::timeout(Duration::from_millis(300), child.wait())
                .await
                .is_err()
            {
                let _ = child.kill().await;
            }
        }
    };
    let Ok((stdout, ())) = tokio::time::timeout(timeout + Duration::from_secs(1), async {
        tokio::join!(read, wait)
    })
    .await
    else {
        return unavailable(None);
    };
    let text = String::from_utf8_lossy(&stdout);
    match parse_ping_output(&text) {
        // Exit 2 without a summary: no permission, no route of our own, bad address.
        Some(r) if r.sent > 0 => r,
        _ => unavailable(None),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ping_output_reply() {
        let out = "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n64 bytes from 127.0.0.1: icmp_seq=1 ttl=64 time=0.043 ms\n64 bytes from 127.0.0.1: icmp_seq=3 ttl=64 time=0.233 ms\n\n--- 127.0.0.1 ping statistics ---\n3 packets transmitted, 2 received, 33% packet loss, time 405ms\nrtt min/avg/max/mdev = 0.043/0.138/0.233/0.095 ms\n";
        let r = parse_ping_output(out).expect("summary");
        assert_eq!((r.state, r.sent, r.received), (IcmpState::Reply, 3, 2));
        assert_eq!(r.echoes, vec![Some(0.043), None, Some(0.233)]);
        assert_eq!(r.rtt_ms, Some(0.138));
        assert_eq!(r.method, Some(IcmpMethod::SystemPing));
    }

    #[test]
    fn ping_output_no_reply_with_errors() {
        let out = "--- 203.0.113.9 ping statistics ---\n3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 410ms\n";
        let r = parse_ping_output(out).expect("summary");
        assert_eq!((r.state, r.sent, r.received), (IcmpState::NoReply, 3, 0));
        assert_eq!(r.echoes, vec![None, None, None]);
        assert_eq!(r.rtt_ms, None);
    }

    #[test]
    fn ping_output_missing() {
        assert_eq!(parse_ping_output(""), None);
        assert_eq!(
            parse_ping_output("ping: connect: Network is unreachable\n"),
            None
        );
    }

    #[tokio::test]
    async fn system_ping_loopback_never_errors() {
        // Loopback only. Reply where ping works; Unavailable where it cannot run.
        let r = system_ping(
            "127.0.0.1".parse().expect("ip"),
            2,
            Duration::from_millis(1500),
        )
        .await;
        assert!(
            matches!(r.state, IcmpState::Reply | IcmpState::Unavailable),
            "{r:?}"
        );
        if r.state == IcmpState::Reply {
            assert_eq!(r.sent, 2, "exactly the echoes asked for: {r:?}");
            assert_eq!(r.echoes.len(), 2);
        }
    }

    #[tokio::test]
    async fn in_process_loopback_exact_count_each_with_its_rtt() {
        let ip: IpAddr = "127.0.0.1".parse().expect("ip");
        let Some((client, method)) = open(ip) else {
            eprintln!(
                "ICMP SKIPPED: no ICMP socket here (neither ping_group_range nor CAP_NET_RAW)"
            );
            return;
        };
        let plan = Plan {
            count: 4,
            interval: Duration::from_millis(5),
            timeout: Duration::from_millis(1500),
            tuning: Tuning::default(),
        };
        let rtt = PathRtt::new();
        let r = in_process(&client, method, ip, plan, &rtt).await;
        assert_eq!(
            (r.state, r.sent, r.received),
            (IcmpState::Reply, 4, 4),
            "{r:?}"
        );
        assert_eq!(r.echoes.len(), 4);
        assert!(r.echoes.iter().all(|e| e.is_some()));
        assert_eq!(r.method, Some(method));
        assert!(rtt.get().is_some(), "echo replies are round-trip samples");
    }
}
