//! SSH identification and KEXINIT parsing (RFC 4253 §4.2, §6, §7.1). Pure: no I/O.
//!
//! Every function takes the bytes received so far and either asks for more or
//! decides. All lengths are capped, nothing here allocates more than the input.

/// Longest identification or pre-banner line, CR LF included (RFC 4253 §4.2).
pub const MAX_LINE: usize = 255;
/// Most bytes we accept before the identification line (pre-banner lines).
pub const MAX_PRE_BANNER: usize = 8 * 1024;
/// Most pre-banner lines.
pub const MAX_PRE_LINES: usize = 32;
/// Largest binary packet we accept (RFC 4253 §6.1 requires 35000 to be supported).
pub const MAX_PACKET: usize = 35_000;
/// Most names kept per name-list.
pub const MAX_NAMES: usize = 64;
/// Longest single algorithm name kept (RFC 4251: at most 64 characters).
pub const MAX_NAME_LEN: usize = 64;
/// Longest sanitised banner / server message handed to chat.
pub const MAX_SANITISED: usize = 200;

/// Our identification string (sent with CR LF).
pub const CLIENT_IDENT: &str = "SSH-2.0-vm-doctor_0.1";

/// Result of looking for the identification line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Ident {
    /// Not enough bytes yet.
    NeedMore,
    /// Found `SSH-...`; `line` is sanitised, `consumed` bytes (through LF) precede
    /// the binary protocol.
    Found { line: String, consumed: usize },
    /// Not an SSH server; `why` is a short sanitised description.
    NotSsh { why: String },
}

/// Outcome when the peer closed (EOF) before an identification line arrived.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EarlyClose {
    /// Nothing at all was sent.
    Silent,
    /// Text lines that look like a server refusal (e.g. `Exceeded MaxStartups`).
    Refused { message: String },
    /// Something else.
    NotSsh { why: String },
}

/// Replace everything that is not printable ASCII with `?` and cap the length.
pub fn sanitise(bytes: &[u8]) -> String {
    bytes
        .iter()
        .take(MAX_SANITISED)
        .map(|&b| {
            if (0x20..0x7f).contains(&b) {
                b as char
            } else {
                '?'
            }
        })
        .collect()
}

fn trim_eol(line: &[u8]) -> &[u8] {
    let line = line.strip_suffix(b"\n").unwrap_or(line);
    line.strip_suffix(b"\r").unwrap_or(line)
}

fn is_text(line: &[u8]) -> bool {
    line.iter()
        .all(|&b| (0x20..0x7f).contains(&b) || b == b'\t' || b >= 0x80)
}

/// Greetings of other protocols that announce themselves first.
fn other_protocol(line: &[u8]) -> Option<&'static str> {
    const KNOWN: [(&[u8], &str); 8] = [
        (b"HTTP/", "an HTTP server"),
        (b"220 ", "an FTP or SMTP server"),
        (b"220-", "an FTP or SMTP server"),
        (b"+OK", "a POP3 server"),
        (b"* OK", "an IMAP server"),
        (b"RFB ", "a VNC server"),
        (b"<", "an HTML/XML speaking server"),
        (b"{", "a JSON speaking server"),
    ];
    KNOWN
        .iter()
        .find(|(p, _)| line.starts_with(p))
        .map(|(_, what)| *what)
}

/// Look for the identification line in what the server sent so far.
pub fn parse_ident(buf: &[u8]) -> Ident {
    let mut start = 0usize;
    let mut lines = 0usize;
    loop {
        let rest = &buf[start..];
        let nl = rest.iter().position(|&b| b == b'\n');
        let line_len = nl.map(|i| i + 1).unwrap_or(rest.len());
        let raw = &rest[..line_len];
        // A line that is already too long cannot become valid.
        if line_len > MAX_LINE {
            return Ident::NotSsh {
                why: format!("line longer than {MAX_LINE} bytes: {}", sanitise(raw)),
            };
        }
        let content = trim_eol(raw);
        // Decide early on binary garbage, even in an incomplete line.
        if !content.is_empty() && !content.starts_with(b"SSH-") && !is_text(content) {
            return Ident::NotSsh {
                why: format!("binary data: {}", sanitise(content)),
            };
        }
        let Some(_) = nl else {
            if start + line_len > MAX_PRE_BANNER {
                return Ident::NotSsh {
                    why: "too much data before the identification".into(),
                };
            }
            return Ident::NeedMore;
        };
        if content.starts_with(b"SSH-") {
            if !content.iter().all(|&b| (0x20..0x7f).contains(&b)) {
                return Ident::NotSsh {
                    why: format!("malformed identification: {}", sanitise(content)),
                };
            }
            return Ident::Found {
                line: sanitise(content),
                consumed: start + line_len,
            };
        }
        if let Some(what) = other_protocol(content) {
            return Ident::NotSsh {
                why: format!("{what}: {}", sanitise(content)),
            };
        }
        lines += 1;
        start += line_len;
        if lines > MAX_PRE_LINES || start > MAX_PRE_BANNER {
            return Ident::NotSsh {
                why: "too many lines before the identification".into(),
            };
        }
    }
}

/// Words that servers use when they turn a connection away before the banner.
const REFUSAL_WORDS: [&str; 9] = [
    "maxstartups",
    "exceeded",
    "refused",
    "too many",
    "denied",
    "not allowed",
    "blocked",
    "banned",
    "closed by",
];

/// Classify what arrived before the server closed without an identification.
pub fn early_close(buf: &[u8]) -> EarlyClose {
    if buf.is_empty() {
        return EarlyClose::Silent;
    }
    let capped = &buf[..buf.len().min(MAX_PRE_BANNER)];
    if !is_text(
        trim_eol(capped)
            .split(|&b| b == b'\n')
            .next()
            .unwrap_or(b""),
    ) {
        return EarlyClose::NotSsh {
            why: format!("binary data: {}", sanitise(capped)),
        };
    }
    for line in capped.split(|&b| b == b'\n') {
        let line = trim_eol(line);
        let lower = String::from_utf8_lossy(line).to_ascii_lowercase();
        if REFUSAL_WORDS.iter().any(|w| lower.contains(w)) {
            return EarlyClose::Refused {
                message: sanitise(line),
            };
        }
    }
    match parse_ident(capped) {
        Ident::NotSsh { why } => EarlyClose::NotSsh { why },
        _ => EarlyClose::NotSsh {
            why: format!("text without identification: {}", sanitise(capped)),
        },
    }
}

/// Result of reading the first binary packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Packet<'a> {
    NeedMore,
    /// The payload of a complete packet.
    Complete(&'a [u8]),
    Bad(&'static str),
}

/// Frame one unencrypted binary packet (RFC 4253 §6) at the start of `buf`.
pub fn parse_packet(buf: &[u8]) -> Packet<'_> {
    if buf.len() < 5 {
        return Packet::NeedMore;
    }
    let len = u32::from_be_bytes([buf[0], buf[1], buf[2], buf[3]]) as usize;
    if !(5..=MAX_PACKET).contains(&len) {
        return Packet::Bad("packet length out of range");
    }
    let pad = buf[4] as usize;
    if pad + 1 > len {
        return Packet::Bad("padding longer than the packet");
    }
    if buf.len() < 4 + len {
        return Packet::NeedMore;
    }
    Packet::Complete(&buf[5..4 + len - pad])
}

/// The server's algorithm lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct KexInit {
    pub kex: Vec<String>,
    pub host_key: Vec<String>,
    pub ciphers_c2s: Vec<String>,
    pub ciphers_s2c: Vec<String>,
    pub macs_c2s: Vec<String>,
    pub macs_s2c: Vec<String>,
}

pub const SSH_MSG_KEXINIT: u8 = 20;

/// Parse a KEXINIT payload (message byte included).
pub fn parse_kexinit(payload: &[u8]) -> Result<KexInit, &'static str> {
    if payload.first() != Some(&SSH_MSG_KEXINIT) {
        return Err("first packet is not KEXINIT");
    }
    let mut pos = 17usize; // message byte + 16-byte cookie
    if payload.len() < pos {
        return Err("KEXINIT too short");
    }
    let mut lists: Vec<Vec<String>> = Vec::with_capacity(10);
    for _ in 0..10 {
        let Some(hdr) = payload.get(pos..pos + 4) else {
            return Err("KEXINIT truncated");
        };
        let len = u32::from_be_bytes([hdr[0], hdr[1], hdr[2], hdr[3]]) as usize;
        pos += 4;
        let Some(raw) = payload.get(pos..pos.saturating_add(len)) else {
            return Err("name-list longer than the packet");
        };
        pos += len;
        if !raw.iter().all(|&b| (0x21..0x7f).contains(&b)) {
            return Err("name-list is not printable ASCII");
        }
        let names: Vec<String> = raw
            .split(|&b| b == b',')
            .filter(|n| !n.is_empty())
            .take(MAX_NAMES)
            .map(|n| sanitise(&n[..n.len().min(MAX_NAME_LEN)]))
            .collect();
        lists.push(names);
    }
    // first_kex_packet_follows (bool) and a reserved uint32.
    if payload.len() < pos + 5 {
        return Err("KEXINIT truncated");
    }
    let mut it = lists.into_iter();
    let mut next = || it.next().unwrap_or_default();
    Ok(KexInit {
        kex: next(),
        host_key: next(),
        ciphers_c2s: next(),
        ciphers_s2c: next(),
        macs_c2s: next(),
        macs_s2c: next(),
    })
}

/// Every list a key exchange needs names at least one real algorithm
/// (RFC 4253 §7.1; `none` counts for ciphers and MACs). A KEXINIT that lacks
/// one cannot lead to a session, whatever the client offers.
pub fn kexinit_complete(k: &KexInit) -> bool {
    let has_real = |v: &[String]| v.iter().any(|n| !is_pseudo(n));
    has_real(&k.kex) && has_real(&k.host_key) && !k.ciphers_s2c.is_empty() && !k.macs_s2c.is_empty()
}

/// Pseudo-algorithms that only signal extensions.
pub fn is_pseudo(name: &str) -> bool {
    name.starts_with("kex-strict-") || name.starts_with("ext-info-")
}

/// OpenSSH 9.x client defaults (`ssh -Q kex` etc. minus the disabled legacy ones).
pub const CLIENT_KEX: &[&str] = &[
    "mlkem768x25519-sha256",
    "sntrup761x25519-sha512",
    "sntrup761x25519-sha512@openssh.com",
    "curve25519-sha256",
    "curve25519-sha256@libssh.org",
    "ecdh-sha2-nistp256",
    "ecdh-sha2-nistp384",
    "ecdh-sha2-nistp521",
    "diffie-hellman-group-exchange-sha256",
    "diffie-hellman-group16-sha512",
    "diffie-hellman-group18-sha512",
    "diffie-hellman-group14-sha256",
];
pub const CLIENT_HOST_KEY: &[&str] = &[
    "ssh-ed25519-cert-v01@openssh.com",
    "ecdsa-sha2-nistp256-cert-v01@openssh.com",
    "ecdsa-sha2-nistp384-cert-v01@openssh.com",
    "ecdsa-sha2-nistp521-cert-v01@openssh.com",
    "sk-ssh-ed25519-cert-v01@openssh.com",
    "sk-ecdsa-sha2-nistp256-cert-v01@openssh.com",
    "rsa-sha2-512-cert-v01@openssh.com",
    "rsa-sha2-256-cert-v01@openssh.com",
    "ssh-ed25519",
    "ecdsa-sha2-nistp256",
    "ecdsa-sha2-nistp384",
    "ecdsa-sha2-nistp521",
    "sk-ssh-ed25519@openssh.com",
    "sk-ecdsa-sha2-nistp256@openssh.com",
    "rsa-sha2-512",
    "rsa-sha2-256",
];
pub const CLIENT_CIPHERS: &[&str] = &[
    "chacha20-poly1305@openssh.com",
    "aes128-ctr",
    "aes192-ctr",
    "aes256-ctr",
    "aes128-gcm@openssh.com",
    "aes256-gcm@openssh.com",
];
pub const CLIENT_MACS: &[&str] = &[
    "umac-64-etm@openssh.com",
    "umac-128-etm@openssh.com",
    "hmac-sha2-256-etm@openssh.com",
    "hmac-sha2-512-etm@openssh.com",
    "hmac-sha1-etm@openssh.com",
    "umac-64@openssh.com",
    "umac-128@openssh.com",
    "hmac-sha2-256",
    "hmac-sha2-512",
    "hmac-sha1",
];

/// What a current OpenSSH client can do with the server's lists.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Compat {
    /// Some category has no algorithm in common with the client defaults.
    pub legacy_only: bool,
    /// The `ssh` options that would re-enable an algorithm the server offers.
    pub client_hint: Option<String>,
}

fn first_missing<'a>(server: &'a [String], client: &[&str]) -> Option<Option<&'a str>> {
    let real: Vec<&String> = server.iter().filter(|n| !is_pseudo(n)).collect();
    if real.is_empty() {
        // An empty list cannot be judged as legacy; the handshake would fail anyway.
        return None;
    }
    if real.iter().any(|n| client.contains(&n.as_str())) {
        return None;
    }
    Some(real.first().map(|s| s.as_str()))
}

/// Compare the server's lists with OpenSSH 9.x client defaults.
pub fn compat(k: &KexInit) -> Compat {
    let mut opts = Vec::new();
    let checks: [(&[String], &[&str], &str); 4] = [
        (&k.kex, CLIENT_KEX, "KexAlgorithms"),
        (&k.host_key, CLIENT_HOST_KEY, "HostKeyAlgorithms"),
        (&k.ciphers_s2c, CLIENT_CIPHERS, "Ciphers"),
        (&k.macs_s2c, CLIENT_MACS, "MACs"),
    ];
    for (server, client, opt) in checks {
        if let Some(first) = first_missing(server, client) {
            let name = first.unwrap_or("");
            opts.push(format!("-o{opt}=+{name}"));
            if opt == "HostKeyAlgorithms" && (name == "ssh-rsa" || name == "ssh-dss") {
                opts.push(format!("-oPubkeyAcceptedAlgorithms=+{name}"));
            }
        }
    }
    // MACs do not matter with AEAD ciphers; an AEAD-only server with odd MACs is fine.
    let aead = k
        .ciphers_s2c
        .iter()
        .any(|c| c.contains("gcm@openssh.com") || c.starts_with("chacha20-poly1305"));
    if aead {
        opts.retain(|o| !o.starts_with("-oMACs="));
    }
    if opts.is_empty() {
        Compat::default()
    } else {
        Compat {
            legacy_only: true,
            client_hint: Some(format!("ssh {}", opts.join(" "))),
        }
    }
}

/// Encode a KEXINIT payload (tests and fake servers).
pub fn encode_kexinit(lists: &[&str; 10]) -> Vec<u8> {
    let mut p = vec![SSH_MSG_KEXINIT];
    p.extend_from_slice(&[0x11; 16]);
    for l in lists {
        p.extend_from_slice(&(l.len() as u32).to_be_bytes());
        p.extend_from_slice(l.as_bytes());
    }
    p.push(0);
    p.extend_from_slice(&0u32.to_be_bytes());
    p
}

/// Wrap a payload into an unencrypted binary packet (tests and fake servers).
pub fn encode_packet(payload: &[u8]) -> Vec<u8> {
    let mut pad = 8 - ((5 + payload.len()) % 8);
    if pad < 4 {
        pad += 8;
    }
    let len = (1 + payload.len() + pad) as u32;
    let mut out = len.to_be_bytes().to_vec();
    out.push(pad as u8);
    out.extend_from_slice(payload);
    out.extend(std::iter::repeat_n(0u8, pad));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const MODERN: [&str; 10] = [
        "sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org,ext-info-s,kex-strict-s-v00@openssh.com",
        "rsa-sha2-512,rsa-sha2-256,ecdsa-sha2-nistp256,ssh-ed25519",
        "chacha20-poly1305@openssh.com,aes128-ctr",
        "chacha20-poly1305@openssh.com,aes128-ctr",
        "umac-64-etm@openssh.com,hmac-sha2-256",
        "umac-64-etm@openssh.com,hmac-sha2-256",
        "none,zlib@openssh.com",
        "none,zlib@openssh.com",
        "",
        "",
    ];

    fn lists(kex: &'static str, hk: &'static str) -> [&'static str; 10] {
        let mut l = MODERN;
        l[0] = kex;
        l[1] = hk;
        l
    }

    #[test]
    fn ident_plain() {
        let b = b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n\x00\x00";
        match parse_ident(b) {
            Ident::Found { line, consumed } => {
                assert_eq!(line, "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3");
                assert_eq!(consumed, b.len() - 2);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn ident_after_pre_banner_lines_and_lf_only() {
        let b = b"Welcome to host\r\nauthorised use only\nSSH-1.99-Cisco-1.25\n";
        assert!(
            matches!(parse_ident(b), Ident::Found { ref line, .. } if line == "SSH-1.99-Cisco-1.25")
        );
    }

    #[test]
    fn ident_needs_more() {
        assert_eq!(parse_ident(b""), Ident::NeedMore);
        assert_eq!(parse_ident(b"SSH-2.0-Open"), Ident::NeedMore);
        assert_eq!(parse_ident(b"hello\r\nSSH-2."), Ident::NeedMore);
    }

    #[test]
    fn ident_rejects_long_binary_and_other_protocols() {
        let long = vec![b'a'; MAX_LINE + 1];
        assert!(matches!(parse_ident(&long), Ident::NotSsh { .. }));
        let mut long_ssh = b"SSH-2.0-".to_vec();
        long_ssh.extend(vec![b'x'; 300]);
        assert!(matches!(parse_ident(&long_ssh), Ident::NotSsh { .. }));
        assert!(matches!(
            parse_ident(b"\x16\x03\x01\x02\x00"),
            Ident::NotSsh { .. }
        ));
        assert!(matches!(
            parse_ident(b"HTTP/1.1 400 Bad Request\r\n"),
            Ident::NotSsh { ref why } if why.contains("HTTP")
        ));
        let many = b"x\n".repeat(MAX_PRE_LINES + 2);
        assert!(matches!(parse_ident(&many), Ident::NotSsh { .. }));
    }

    #[test]
    fn ident_sanitises() {
        let b = b"SSH-2.0-evil\x1b[31m\xff\r\n";
        // Control bytes in the identification: refuse rather than echo them.
        assert!(matches!(parse_ident(b), Ident::NotSsh { ref why } if !why.contains('\x1b')));
        assert_eq!(sanitise(b"a\x1bb\xffc"), "a?b?c");
        assert_eq!(sanitise(&[b'a'; 1000]).len(), MAX_SANITISED);
    }

    #[test]
    fn early_close_kinds() {
        assert_eq!(early_close(b""), EarlyClose::Silent);
        assert_eq!(
            early_close(b"Exceeded MaxStartups\r\n"),
            EarlyClose::Refused {
                message: "Exceeded MaxStartups".into()
            }
        );
        assert!(matches!(
            early_close(b"\x00\x01\x02"),
            EarlyClose::NotSsh { .. }
        ));
        assert!(matches!(
            early_close(b"HTTP/1.0 400 Bad request\r\n\r\n"),
            EarlyClose::NotSsh { .. }
        ));
    }

    #[test]
    fn kexinit_roundtrip_modern() {
        let pkt = encode_packet(&encode_kexinit(&MODERN));
        let Packet::Complete(payload) = parse_packet(&pkt) else {
            panic!("packet");
        };
        let k = parse_kexinit(payload).expect("kexinit");
        assert_eq!(k.kex.len(), 5);
        assert_eq!(k.host_key[3], "ssh-ed25519");
        assert_eq!(compat(&k), Compat::default());
    }

    #[test]
    fn packet_framing_limits() {
        assert_eq!(parse_packet(b"\x00\x00"), Packet::NeedMore);
        assert_eq!(
            parse_packet(b"\x7f\xff\xff\xff\x04"),
            Packet::Bad("packet length out of range")
        );
        assert_eq!(
            parse_packet(b"\x00\x00\x00\x08\x09"),
            Packet::Bad("padding longer than the packet")
        );
        assert_eq!(parse_packet(b"\x00\x00\x00\x0c\x04\x14"), Packet::NeedMore);
    }

    #[test]
    fn legacy_only_group14_sha1_and_ssh_rsa() {
        let k = parse_kexinit(&encode_kexinit(&lists(
            "diffie-hellman-group14-sha1,ext-info-s,kex-strict-s-v00@openssh.com",
            "ssh-rsa",
        )))
        .expect("kexinit");
        let c = compat(&k);
        assert!(c.legacy_only);
        let hint = c.client_hint.expect("hint");
        assert!(
            hint.contains("-oKexAlgorithms=+diffie-hellman-group14-sha1"),
            "{hint}"
        );
        assert!(hint.contains("-oHostKeyAlgorithms=+ssh-rsa"), "{hint}");
    }

    #[test]
    fn legacy_host_key_only() {
        let k = parse_kexinit(&encode_kexinit(&lists("curve25519-sha256", "ssh-dss")))
            .expect("kexinit");
        let c = compat(&k);
        assert!(c.legacy_only);
        assert_eq!(
            c.client_hint.as_deref(),
            Some("ssh -oHostKeyAlgorithms=+ssh-dss -oPubkeyAcceptedAlgorithms=+ssh-dss")
        );
        // One modern algorithm among legacy ones is enough.
        let k = parse_kexinit(&encode_kexinit(&lists(
            "diffie-hellman-group1-sha1,diffie-hellman-group14-sha256",
            "ssh-rsa,rsa-sha2-256",
        )))
        .expect("kexinit");
        assert!(!compat(&k).legacy_only);
    }

    #[test]
    fn legacy_cipher_hint() {
        let mut l = MODERN;
        l[2] = "aes128-cbc,3des-cbc";
        l[3] = "aes128-cbc,3des-cbc";
        let k = parse_kexinit(&encode_kexinit(&l)).expect("kexinit");
        assert_eq!(
            compat(&k).client_hint.as_deref(),
            Some("ssh -oCiphers=+aes128-cbc")
        );
    }

    #[test]
    fn pseudo_only_kex_is_not_legacy() {
        let k = parse_kexinit(&encode_kexinit(&lists("ext-info-s", "ssh-ed25519"))).expect("k");
        assert!(!compat(&k).legacy_only);
    }

    #[test]
    fn kexinit_rejects_bad_input() {
        assert!(parse_kexinit(b"").is_err());
        assert!(parse_kexinit(b"\x15").is_err());
        assert!(parse_kexinit(&[20; 17]).is_err());
        let mut p = vec![20u8];
        p.extend([0; 16]);
        p.extend(0xffff_ffffu32.to_be_bytes());
        assert!(parse_kexinit(&p).is_err());
        let mut bin = MODERN;
        bin[0] = "curve\u{7f}";
        assert!(parse_kexinit(&encode_kexinit(&bin)).is_err());
    }

    #[test]
    fn kexinit_caps_names() {
        let many = vec!["a"; 500].join(",");
        let leaked: &'static str = Box::leak(many.into_boxed_str());
        let k = parse_kexinit(&encode_kexinit(&lists(leaked, "ssh-ed25519"))).expect("k");
        assert_eq!(k.kex.len(), MAX_NAMES);
    }

    proptest! {
        #[test]
        fn ident_never_panics(buf in proptest::collection::vec(any::<u8>(), 0..2048)) {
            match parse_ident(&buf) {
                Ident::Found { line, consumed } => {
                    prop_assert!(consumed <= buf.len());
                    prop_assert!(line.len() <= MAX_SANITISED);
                    prop_assert!(line.bytes().all(|b| (0x20..0x7f).contains(&b)));
                }
                Ident::NotSsh { why } => prop_assert!(why.len() < 400),
                Ident::NeedMore => prop_assert!(buf.len() <= MAX_PRE_BANNER),
            }
            let _ = early_close(&buf);
        }

        #[test]
        fn packet_and_kexinit_never_panic(buf in proptest::collection::vec(any::<u8>(), 0..4096)) {
            if let Packet::Complete(p) = parse_packet(&buf) {
                prop_assert!(p.len() <= buf.len());
                let _ = parse_kexinit(p);
            }
            if let Ok(k) = parse_kexinit(&buf) {
                prop_assert!(k.kex.len() <= MAX_NAMES);
                let _ = compat(&k);
            }
        }

        #[test]
        fn kexinit_with_arbitrary_lists(names in proptest::collection::vec("[a-z0-9@.,-]{0,80}", 10)) {
            let l: [&str; 10] = std::array::from_fn(|i| names[i].as_str());
            let k = parse_kexinit(&encode_kexinit(&l)).expect("well-formed");
            prop_assert!(k.kex.iter().all(|n| n.len() <= MAX_NAME_LEN && !n.is_empty()));
            let _ = compat(&k);
        }
    }
}
