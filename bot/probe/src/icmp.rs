//! ICMP echo through the system `ping` (Debian ships it with `cap_net_raw`, so it
//! works unprivileged while ICMP sockets of our own usually do not: see
//! `net.ipv4.ping_group_range`). Never an error: at worst `Unavailable`.

use std::net::IpAddr;
use std::process::Stdio;
use std::time::Duration;
use tokio::io::AsyncReadExt;
use tokio::process::Command;
use vmd_core::probe::{IcmpResult, IcmpState};

/// Largest `ping` output we look at.
const MAX_OUTPUT: usize = 64 * 1024;
/// Interval between echoes (the smallest an unprivileged user may use is 0.2 s
/// on older iputils).
const INTERVAL: Duration = Duration::from_millis(200);

fn unavailable(sent: u32) -> IcmpResult {
    IcmpResult {
        state: IcmpState::Unavailable,
        sent,
        received: 0,
        rtt_ms: None,
    }
}

/// Parse iputils' summary: "3 packets transmitted, 2 received, ..." and
/// "rtt min/avg/max/mdev = 0.04/0.10/0.23/0.08 ms".
pub fn parse_summary(out: &str) -> Option<IcmpResult> {
    let mut sent = None;
    let mut received = None;
    let mut avg = None;
    for line in out.lines() {
        if line.contains("packets transmitted") {
            for part in line.split(',') {
                let part = part.trim();
                let num = part
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.parse::<u32>().ok());
                if part.ends_with("packets transmitted") {
                    sent = num;
                } else if part.ends_with("received") {
                    received = num;
                }
            }
        } else if let Some(rest) = line
            .strip_prefix("rtt min/avg/max/mdev = ")
            .or_else(|| line.strip_prefix("round-trip min/avg/max = "))
        {
            avg = rest
                .split('/')
                .nth(1)
                .and_then(|v| v.trim().parse::<f64>().ok());
        }
    }
    let (sent, received) = (sent?, received?);
    Some(IcmpResult {
        state: if received > 0 {
            IcmpState::Reply
        } else {
            IcmpState::NoReply
        },
        sent,
        received,
        rtt_ms: if received > 0 { avg } else { None },
    })
}

/// Ping `target` `count` times, finishing within about `timeout`.
pub async fn ping(target: IpAddr, count: u32, timeout: Duration) -> IcmpResult {
    let count = count.clamp(1, 10);
    // Wait for the last reply for what is left of the budget after the sends.
    let sends = INTERVAL * (count - 1);
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
    cmd.arg("-n")
        .arg("-q")
        .arg("-c")
        .arg(count.to_string())
        .arg("-i")
        .arg(format!("{:.1}", INTERVAL.as_secs_f64()))
        .arg("-W")
        .arg(format!("{:.3}", wait.as_secs_f64()))
        .arg("-w")
        .arg(timeout.as_secs().saturating_add(2).to_string())
        .arg(target.to_string())
        .env("LC_ALL", "C")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .kill_on_drop(true);
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(_) => return unavailable(0),
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
        return unavailable(count);
    };
    let text = String::from_utf8_lossy(&stdout);
    match parse_summary(&text) {
        // Exit 2 without a summary: no permission, no route of our own, bad address.
        Some(r) if r.sent > 0 => r,
        _ => unavailable(0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_reply() {
        let out = "PING 127.0.0.1 (127.0.0.1) 56(84) bytes of data.\n\n--- 127.0.0.1 ping statistics ---\n3 packets transmitted, 3 received, 0% packet loss, time 405ms\nrtt min/avg/max/mdev = 0.043/0.106/0.233/0.089 ms\n";
        let r = parse_summary(out).expect("summary");
        assert_eq!((r.state, r.sent, r.received), (IcmpState::Reply, 3, 3));
        assert_eq!(r.rtt_ms, Some(0.106));
    }

    #[test]
    fn summary_no_reply_with_errors() {
        let out = "--- 203.0.113.9 ping statistics ---\n3 packets transmitted, 0 received, +3 errors, 100% packet loss, time 410ms\n";
        let r = parse_summary(out).expect("summary");
        assert_eq!((r.state, r.sent, r.received), (IcmpState::NoReply, 3, 0));
        assert_eq!(r.rtt_ms, None);
    }

    #[test]
    fn summary_missing() {
        assert_eq!(parse_summary(""), None);
        assert_eq!(
            parse_summary("ping: connect: Network is unreachable\n"),
            None
        );
    }

    #[tokio::test]
    async fn ping_loopback_never_errors() {
        // Loopback only. Reply where ping works; Unavailable where it cannot run.
        let r = ping(
            "127.0.0.1".parse().expect("ip"),
            2,
            Duration::from_millis(1500),
        )
        .await;
        assert!(
            matches!(r.state, IcmpState::Reply | IcmpState::Unavailable),
            "{r:?}"
        );
    }
}
