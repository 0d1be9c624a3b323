//! NetProber against hostile and fake servers on loopback (no other traffic).

use super::*;
use crate::ssh::{encode_kexinit, encode_packet};
use std::sync::Arc;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use vmd_core::probe::{PortReason, PortSpec, RdpError, RdpLayer, SshError};

type Behaviour =
    Arc<dyn Fn(TcpStream) -> std::pin::Pin<Box<dyn Future<Output = ()> + Send>> + Send + Sync>;

/// A loopback server running `f` for every connection; returns its port.
async fn serve(f: Behaviour) -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = l.local_addr().expect("addr").port();
    tokio::spawn(async move {
        while let Ok((s, _)) = l.accept().await {
            tokio::spawn(f(s));
        }
    });
    port
}

fn behaviour<F, Fut>(f: F) -> Behaviour
where
    F: Fn(TcpStream) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    Arc::new(move |s| Box::pin(f(s)))
}

fn cfg() -> ProbeConfig {
    ProbeConfig {
        connect_timeout: Duration::from_millis(800),
        handshake_timeout: Duration::from_millis(800),
        icmp_count: 1,
        icmp_timeout: Duration::from_millis(500),
        ..ProbeConfig::default()
    }
}

fn req(ports: &[(u16, Service)]) -> ProbeRequest {
    ProbeRequest {
        target: "127.0.0.1".parse().expect("ip"),
        icmp: false,
        alternates: false,
        ports: ports
            .iter()
            .map(|&(port, s)| PortSpec {
                port,
                service: Some(s),
            })
            .collect(),
    }
}

async fn ssh_of(f: Behaviour) -> SshResult {
    let port = serve(f).await;
    let start = Instant::now();
    let r = NetProber::new(cfg())
        .probe(&req(&[(port, Service::Ssh)]))
        .await;
    // Bounded: one connect plus one handshake deadline, with slack.
    assert!(
        start.elapsed() < Duration::from_millis(2500),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(r.ports[0].state, PortState::Open);
    r.ssh.expect("ssh result")
}

async fn rdp_of(f: Behaviour) -> RdpResult {
    let port = serve(f).await;
    let start = Instant::now();
    let r = NetProber::new(cfg())
        .probe(&req(&[(port, Service::Rdp)]))
        .await;
    assert!(
        start.elapsed() < Duration::from_millis(2500),
        "{:?}",
        start.elapsed()
    );
    r.rdp.expect("rdp result")
}

fn kexinit(kex: &str, hk: &str) -> Vec<u8> {
    encode_packet(&encode_kexinit(&[
        kex,
        hk,
        "aes128-ctr",
        "aes128-ctr",
        "hmac-sha2-256",
        "hmac-sha2-256",
        "none",
        "none",
        "",
        "",
    ]))
}

fn fake_ssh(kex: &'static str, hk: &'static str) -> Behaviour {
    behaviour(move |mut s| async move {
        let _ = s.write_all(b"Banner line\r\nSSH-2.0-Fake_1.0\r\n").await;
        let _ = s.write_all(&kexinit(kex, hk)).await;
        let mut b = [0u8; 256];
        let _ = tokio::time::timeout(Duration::from_secs(2), s.read(&mut b)).await;
    })
}

#[tokio::test]
async fn ssh_modern_fake() {
    let r = ssh_of(fake_ssh("curve25519-sha256,ext-info-s", "ssh-ed25519")).await;
    assert_eq!(r.error, None);
    assert_eq!(r.banner.as_deref(), Some("SSH-2.0-Fake_1.0"));
    assert_eq!(r.kex, vec!["curve25519-sha256", "ext-info-s"]);
    assert!(!r.legacy_only);
}

#[tokio::test]
async fn ssh_legacy_fake_names_the_option() {
    let r = ssh_of(fake_ssh("diffie-hellman-group1-sha1", "ssh-rsa")).await;
    assert!(r.legacy_only);
    let hint = r.client_hint.expect("hint");
    assert!(hint.contains("-oKexAlgorithms=+diffie-hellman-group1-sha1"));
    assert!(hint.contains("-oHostKeyAlgorithms=+ssh-rsa"));
}

#[tokio::test]
async fn ssh_maxstartups() {
    let r = ssh_of(behaviour(|mut s| async move {
        let _ = s.write_all(b"Exceeded MaxStartups\r\n").await;
    }))
    .await;
    assert_eq!(r.error, Some(SshError::ServerRefused));
    assert_eq!(r.server_message.as_deref(), Some("Exceeded MaxStartups"));
}

#[tokio::test]
async fn ssh_closed_before_banner() {
    let r = ssh_of(behaviour(|s| async move { drop(s) })).await;
    assert_eq!(r.error, Some(SshError::ClosedBeforeBanner));
}

#[tokio::test]
async fn ssh_silent_listener() {
    let r = ssh_of(behaviour(|mut s| async move {
        let mut b = [0u8; 64];
        let _ = tokio::time::timeout(Duration::from_secs(5), s.read(&mut b)).await;
        tokio::time::sleep(Duration::from_secs(5)).await;
    }))
    .await;
    assert_eq!(r.error, Some(SshError::NoBanner));
}

#[tokio::test]
async fn ssh_http_server_answers_our_ident() {
    let r = ssh_of(behaviour(|mut s| async move {
        let mut b = [0u8; 64];
        if let Ok(Ok(_)) = tokio::time::timeout(Duration::from_secs(5), s.read(&mut b)).await {
            let _ = s.write_all(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
        }
    }))
    .await;
    assert_eq!(r.error, Some(SshError::NotSsh));
}

#[tokio::test]
async fn ssh_slow_drip_is_bounded() {
    let r = ssh_of(behaviour(|mut s| async move {
        for _ in 0..100 {
            if s.write_all(b"S").await.is_err() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }))
    .await;
    assert_eq!(r.error, Some(SshError::NoBanner));
}

#[tokio::test]
async fn ssh_oversized_and_garbage() {
    let r = ssh_of(behaviour(|mut s| async move {
        let big = vec![b'A'; 1 << 20];
        let _ = s.write_all(&big).await;
    }))
    .await;
    assert_eq!(r.error, Some(SshError::NotSsh));
    let r = ssh_of(behaviour(|mut s| async move {
        let _ = s.write_all(&[0xde, 0xad, 0xbe, 0xef, 0, 1, 2]).await;
        tokio::time::sleep(Duration::from_secs(3)).await;
    }))
    .await;
    assert_eq!(r.error, Some(SshError::NotSsh));
    // A valid identification followed by a huge packet length.
    let r = ssh_of(behaviour(|mut s| async move {
        let _ = s.write_all(b"SSH-2.0-x\r\n\x7f\xff\xff\xff\x05").await;
        tokio::time::sleep(Duration::from_secs(3)).await;
    }))
    .await;
    assert_eq!(r.error, Some(SshError::BadKexinit));
    assert_eq!(r.banner.as_deref(), Some("SSH-2.0-x"));
    // A KEXINIT that never finishes arriving.
    let r = ssh_of(behaviour(|mut s| async move {
        let _ = s.write_all(b"SSH-2.0-x\r\n\x00\x00\x10\x00\x04\x14").await;
        tokio::time::sleep(Duration::from_secs(3)).await;
    }))
    .await;
    assert_eq!(r.error, Some(SshError::BadKexinit));
}

/// An RDP fake answering each request from a table: requested -> answer bytes.
fn fake_rdp(answer: fn(u32) -> Vec<u8>) -> Behaviour {
    behaviour(move |mut s| async move {
        let mut b = [0u8; 19];
        if tokio::time::timeout(Duration::from_secs(2), s.read_exact(&mut b))
            .await
            .is_ok()
        {
            let requested = u32::from_le_bytes([b[15], b[16], b[17], b[18]]);
            let _ = s.write_all(&answer(requested)).await;
        }
    })
}

fn neg(kind: u8, value: u32) -> Vec<u8> {
    let v = value.to_le_bytes();
    vec![
        3, 0, 0, 0x13, 0x0e, 0xd0, 0, 0, 0x12, 0x34, 0, kind, 0, 8, 0, v[0], v[1], v[2], v[3],
    ]
}

#[tokio::test]
async fn rdp_nla_required_fake() {
    let r = rdp_of(fake_rdp(|req| {
        if req & rdp::PROTOCOL_HYBRID != 0 {
            neg(2, rdp::PROTOCOL_HYBRID)
        } else {
            neg(3, rdp::HYBRID_REQUIRED_BY_SERVER)
        }
    }))
    .await;
    assert_eq!(r.error, None);
    assert_eq!(r.accepts, vec![RdpLayer::Nla]);
    assert_eq!(r.failure_codes, vec![rdp::HYBRID_REQUIRED_BY_SERVER]);
}

#[tokio::test]
async fn rdp_legacy_fake() {
    let r = rdp_of(fake_rdp(|_| {
        b"\x03\x00\x00\x0b\x06\xd0\x00\x00\x12\x34\x00".to_vec()
    }))
    .await;
    assert!(r.legacy);
    assert_eq!(r.accepts, vec![RdpLayer::Rdp]);
}

#[tokio::test]
async fn rdp_not_rdp_silent_and_drip() {
    let r = rdp_of(behaviour(|mut s| async move {
        let _ = s.write_all(b"SSH-2.0-OpenSSH_9.2\r\n").await;
    }))
    .await;
    assert_eq!(r.error, Some(RdpError::NotRdp));
    let r = rdp_of(behaviour(|s| async move {
        tokio::time::sleep(Duration::from_secs(3)).await;
        drop(s);
    }))
    .await;
    assert_eq!(r.error, Some(RdpError::NoAnswer));
    let r = rdp_of(behaviour(|mut s| async move {
        for b in [3u8, 0, 0, 0x13, 0x0e] {
            let _ = s.write_all(&[b]).await;
            tokio::time::sleep(Duration::from_millis(400)).await;
        }
    }))
    .await;
    assert_eq!(r.error, Some(RdpError::NotRdp));
    let r = rdp_of(behaviour(|mut s| async move {
        let _ = s.write_all(&vec![3u8; 1 << 16]).await;
    }))
    .await;
    assert_eq!(r.error, Some(RdpError::NotRdp));
}

#[tokio::test]
async fn either_port_detects_rdp_and_ssh() {
    let rdp_port = serve(fake_rdp(|_| neg(2, 1))).await;
    let ssh_port = serve(fake_ssh("curve25519-sha256", "ssh-ed25519")).await;
    let r = NetProber::new(cfg())
        .probe(&req(&[
            (rdp_port, Service::Ssh),
            (rdp_port, Service::Rdp),
            (ssh_port, Service::Ssh),
            (ssh_port, Service::Rdp),
        ]))
        .await;
    assert_eq!(r.ports.len(), 2);
    assert_eq!(r.rdp.expect("rdp").accepts, vec![RdpLayer::Tls]);
    assert_eq!(r.ssh.expect("ssh").port, ssh_port);
}

#[tokio::test]
async fn ports_run_concurrently() {
    // Three silent listeners: sequential probing would take three handshake deadlines.
    let silent = || {
        behaviour(|s| async move {
            tokio::time::sleep(Duration::from_secs(4)).await;
            drop(s);
        })
    };
    let (a, b, c) = (
        serve(silent()).await,
        serve(silent()).await,
        serve(silent()).await,
    );
    let start = Instant::now();
    let r = NetProber::new(cfg())
        .probe(&req(&[
            (a, Service::Ssh),
            (b, Service::Ssh),
            (c, Service::Rdp),
        ]))
        .await;
    assert!(
        start.elapsed() < Duration::from_millis(1600),
        "{:?}",
        start.elapsed()
    );
    assert_eq!(r.ports.len(), 3);
    assert!(r.elapsed_ms < 1600);
}

#[tokio::test]
async fn closed_port_has_no_handshake() {
    let l = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = l.local_addr().expect("addr").port();
    drop(l);
    let r = NetProber::new(cfg())
        .probe(&req(&[(port, Service::Ssh)]))
        .await;
    assert_eq!(r.ports[0].state, PortState::Closed);
    assert_eq!(r.ports[0].reason, PortReason::Reset);
    assert!(r.ssh.is_none());
}

#[tokio::test]
async fn ssh_banner_then_broken_kexinit_is_not_ok() {
    // A KEXINIT whose lists name nothing a client could use.
    let r = ssh_of(fake_ssh("", "")).await;
    assert_eq!(r.banner.as_deref(), Some("SSH-2.0-Fake_1.0"));
    assert_eq!(r.error, Some(SshError::BadKexinit));
    let r = ssh_of(fake_ssh(
        "ext-info-s,kex-strict-s-v00@openssh.com",
        "ssh-ed25519",
    ))
    .await;
    assert_eq!(r.error, Some(SshError::BadKexinit));
    // A complete packet that is not a KEXINIT.
    let r = ssh_of(behaviour(|mut s| async move {
        let _ = s.write_all(b"SSH-2.0-x\r\n").await;
        let _ = s.write_all(&encode_packet(&[21, 0, 0, 0])).await;
        tokio::time::sleep(Duration::from_secs(2)).await;
    }))
    .await;
    assert_eq!(r.error, Some(SshError::BadKexinit));
    assert_eq!(r.banner.as_deref(), Some("SSH-2.0-x"));
    // The banner, then the connection closes.
    let r = ssh_of(behaviour(|mut s| async move {
        let _ = s.write_all(b"SSH-2.0-x\r\n").await;
    }))
    .await;
    assert_eq!(r.error, Some(SshError::BadKexinit));
    // A complete, sane KEXINIT is still fine.
    let r = ssh_of(fake_ssh("curve25519-sha256", "ssh-ed25519")).await;
    assert_eq!(r.error, None);
}

#[tokio::test]
async fn rdp_selecting_an_undefined_protocol_is_not_rdp_ok() {
    let r = rdp_of(fake_rdp(|_| neg(2, 0x40))).await;
    assert!(r.accepts.is_empty());
    assert_eq!(r.error, Some(vmd_core::probe::RdpError::NotRdp));
    let f = vmd_core::findings::derive(
        &ProbeReport {
            target: "127.0.0.1".parse().unwrap(),
            elapsed_ms: 1,
            icmp: None,
            ports: vec![PortResult {
                port: r.port,
                state: PortState::Open,
                reason: PortReason::SynAck,
                rtt_ms: None,
                basis: None,
                attempts: 1,
                icmp: None,
            }],
            ssh: None,
            rdp: Some(r.clone()),
        },
        r.port,
        Some(Service::Rdp),
    );
    assert!(!f.contains(&vmd_core::findings::Finding::RdpOk), "{f:?}");
}
