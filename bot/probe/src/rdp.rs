//! RDP security negotiation ([MS-RDPBCGR] 2.2.1.1 and 2.2.1.2). Pure: no I/O.

use vmd_core::probe::RdpLayer;

pub const PROTOCOL_RDP: u32 = 0;
pub const PROTOCOL_SSL: u32 = 1;
pub const PROTOCOL_HYBRID: u32 = 2;
pub const PROTOCOL_RDSTLS: u32 = 4;
pub const PROTOCOL_HYBRID_EX: u32 = 8;

pub const SSL_REQUIRED_BY_SERVER: u32 = 1;
pub const SSL_NOT_ALLOWED_BY_SERVER: u32 = 2;
pub const SSL_CERT_NOT_ON_SERVER: u32 = 3;
pub const INCONSISTENT_FLAGS: u32 = 4;
pub const HYBRID_REQUIRED_BY_SERVER: u32 = 5;
pub const SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER: u32 = 6;

/// Largest TPKT we read for a Connection Confirm (a real one is 11 or 19 bytes).
pub const MAX_TPKT: usize = 512;

/// The requests sent, one connection each: classic RDP, TLS, TLS|CredSSP.
pub const REQUESTS: [u32; 3] = [PROTOCOL_RDP, PROTOCOL_SSL, PROTOCOL_SSL | PROTOCOL_HYBRID];

/// X.224 Connection Request with RDP_NEG_REQ asking for `requested` protocols.
pub fn encode_request(requested: u32) -> [u8; 19] {
    let p = requested.to_le_bytes();
    [
        0x03, 0x00, 0x00, 0x13, // TPKT v3, length 19
        0x0e, 0xe0, 0x00, 0x00, 0x00, 0x00, 0x00, // X.224 CR, LI 14
        0x01, 0x00, 0x08, 0x00, p[0], p[1], p[2], p[3], // RDP_NEG_REQ
    ]
}

/// What the server's Connection Confirm says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Confirm {
    /// No negotiation data (LI 6): pre-RDP 5.2 server, classic RDP security only.
    Legacy,
    /// RDP_NEG_RSP with the selected protocol.
    Selected { protocol: u32, flags: u8 },
    /// RDP_NEG_FAILURE with its code.
    Failure { code: u32 },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Parse {
    NeedMore,
    Done(Confirm),
    NotRdp(&'static str),
}

/// Parse the server's answer to [`encode_request`].
pub fn parse_confirm(buf: &[u8]) -> Parse {
    if let Some(&v) = buf.first() {
        if v != 3 {
            return Parse::NotRdp("not a TPKT header");
        }
    }
    if buf.len() >= 2 && buf[1] != 0 {
        return Parse::NotRdp("not a TPKT header");
    }
    if buf.len() < 4 {
        return Parse::NeedMore;
    }
    let len = u16::from_be_bytes([buf[2], buf[3]]) as usize;
    if !(11..=MAX_TPKT).contains(&len) {
        return Parse::NotRdp("TPKT length out of range");
    }
    if buf.len() >= 6 && buf[5] & 0xf0 != 0xd0 {
        return Parse::NotRdp("not an X.224 Connection Confirm");
    }
    if buf.len() < len {
        return Parse::NeedMore;
    }
    let li = buf[4] as usize;
    if li + 5 > len || li < 6 {
        return Parse::NotRdp("X.224 length indicator inconsistent");
    }
    if li == 6 {
        return Parse::Done(Confirm::Legacy);
    }
    if li < 14 || len < 19 {
        return Parse::NotRdp("negotiation data truncated");
    }
    let kind = buf[11];
    let flags = buf[12];
    let neg_len = u16::from_le_bytes([buf[13], buf[14]]);
    if neg_len != 8 {
        return Parse::NotRdp("negotiation length is not 8");
    }
    let value = u32::from_le_bytes([buf[15], buf[16], buf[17], buf[18]]);
    match kind {
        2 => Parse::Done(Confirm::Selected {
            protocol: value,
            flags,
        }),
        3 => Parse::Done(Confirm::Failure { code: value }),
        _ => Parse::NotRdp("unknown negotiation message type"),
    }
}

/// The security layer behind a selected protocol value.
pub fn layer_of(protocol: u32) -> Option<RdpLayer> {
    match protocol {
        PROTOCOL_RDP => Some(RdpLayer::Rdp),
        PROTOCOL_SSL | PROTOCOL_RDSTLS => Some(RdpLayer::Tls),
        PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX => Some(RdpLayer::Nla),
        _ => None,
    }
}

/// A Connection Confirm answers the request if the selected protocol was one we
/// asked for (classic RDP is always implied). xrdp with `security_layer=rdp`
/// selects classic RDP even when only TLS was requested: it still means the
/// server speaks classic RDP, never that it accepts TLS.
pub fn selected_as_requested(requested: u32, selected: u32) -> bool {
    selected == PROTOCOL_RDP || requested & selected == selected
}

/// Combined verdict over the answers to [`REQUESTS`].
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub accepts: Vec<RdpLayer>,
    pub legacy: bool,
    pub failure_codes: Vec<u32>,
    /// Selected protocols that were not in the request (server inconsistency).
    pub unrequested: Vec<(u32, u32)>,
    /// Selected protocol values no specification defines.
    pub unknown: Vec<u32>,
}

impl Summary {
    /// Nothing usable was selected and some answer selected an undefined
    /// protocol: whatever answered does not speak RDP as specified, and must
    /// not pass for an RDP server that accepts nothing.
    pub fn only_unknown(&self) -> bool {
        self.accepts.is_empty() && !self.legacy && !self.unknown.is_empty()
    }
}

/// Learn which layers the server really selects from `(requested, answer)` pairs.
pub fn summarise(answers: &[(u32, Confirm)]) -> Summary {
    let mut s = Summary::default();
    for &(requested, c) in answers {
        match c {
            Confirm::Legacy => {
                s.legacy = true;
                s.accepts.push(RdpLayer::Rdp);
            }
            Confirm::Selected { protocol, .. } => {
                if !selected_as_requested(requested, protocol) {
                    s.unrequested.push((requested, protocol));
                }
                match layer_of(protocol) {
                    Some(l) => s.accepts.push(l),
                    None => s.unknown.push(protocol),
                }
            }
            Confirm::Failure { code } => s.failure_codes.push(code),
        }
    }
    s.accepts.sort();
    s.accepts.dedup();
    s.failure_codes.sort();
    s.failure_codes.dedup();
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn unknown_selected_protocol_is_not_an_accepting_server() {
        let s = summarise(&[
            (
                0,
                Confirm::Selected {
                    protocol: 0x40,
                    flags: 0,
                },
            ),
            (
                1,
                Confirm::Selected {
                    protocol: 0x40,
                    flags: 0,
                },
            ),
            (
                3,
                Confirm::Selected {
                    protocol: 0x1000,
                    flags: 0,
                },
            ),
        ]);
        assert!(s.accepts.is_empty());
        assert_eq!(s.unknown, vec![0x40, 0x40, 0x1000]);
        assert!(s.only_unknown());
        // One real selection among odd ones: the server does accept that.
        let s = summarise(&[
            (
                0,
                Confirm::Selected {
                    protocol: 0x40,
                    flags: 0,
                },
            ),
            (
                1,
                Confirm::Selected {
                    protocol: PROTOCOL_SSL,
                    flags: 0,
                },
            ),
        ]);
        assert_eq!(s.accepts, vec![RdpLayer::Tls]);
        assert!(!s.only_unknown());
    }

    fn rsp(kind: u8, flags: u8, value: u32) -> Vec<u8> {
        let v = value.to_le_bytes();
        vec![
            0x03, 0x00, 0x00, 0x13, 0x0e, 0xd0, 0x00, 0x00, 0x12, 0x34, 0x00, kind, flags, 0x08,
            0x00, v[0], v[1], v[2], v[3],
        ]
    }

    #[test]
    fn request_bytes() {
        assert_eq!(
            encode_request(3),
            [3, 0, 0, 0x13, 0x0e, 0xe0, 0, 0, 0, 0, 0, 1, 0, 8, 0, 3, 0, 0, 0]
        );
    }

    #[test]
    fn captured_xrdp_answers() {
        // Captured from xrdp 0.9.21 (security_layer=tls), requests 0 and 1.
        let fail = b"\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x03\x00\x08\x00\x01\x00\x00\x00";
        assert_eq!(
            parse_confirm(fail),
            Parse::Done(Confirm::Failure {
                code: SSL_REQUIRED_BY_SERVER
            })
        );
        let tls = b"\x03\x00\x00\x13\x0e\xd0\x00\x00\x12\x34\x00\x02\x01\x08\x00\x01\x00\x00\x00";
        assert_eq!(
            parse_confirm(tls),
            Parse::Done(Confirm::Selected {
                protocol: PROTOCOL_SSL,
                flags: 1
            })
        );
    }

    #[test]
    fn nla_required_windows_like() {
        // Windows with "require NLA": plain RDP and TLS-only requests fail with
        // HYBRID_REQUIRED_BY_SERVER, TLS|CredSSP selects CredSSP.
        let f = rsp(3, 0, HYBRID_REQUIRED_BY_SERVER);
        let Parse::Done(fc) = parse_confirm(&f) else {
            panic!()
        };
        let ok = rsp(2, 0x1f, PROTOCOL_HYBRID);
        let Parse::Done(oc) = parse_confirm(&ok) else {
            panic!()
        };
        let s = summarise(&[(0, fc), (1, fc), (3, oc)]);
        assert_eq!(s.accepts, vec![RdpLayer::Nla]);
        assert_eq!(s.failure_codes, vec![HYBRID_REQUIRED_BY_SERVER]);
        assert!(!s.legacy);
    }

    #[test]
    fn ssl_required_and_other_failures() {
        for code in 1..=6u32 {
            assert_eq!(
                parse_confirm(&rsp(3, 0, code)),
                Parse::Done(Confirm::Failure { code })
            );
        }
        let s = summarise(&[
            (
                0,
                Confirm::Failure {
                    code: SSL_REQUIRED_BY_SERVER,
                },
            ),
            (
                1,
                Confirm::Selected {
                    protocol: 1,
                    flags: 0,
                },
            ),
            (
                3,
                Confirm::Selected {
                    protocol: 1,
                    flags: 0,
                },
            ),
        ]);
        assert_eq!(s.accepts, vec![RdpLayer::Tls]);
        assert!(s.unrequested.is_empty());
    }

    #[test]
    fn xrdp_classic_selects_rdp_when_tls_requested() {
        let s = summarise(&[
            (
                0,
                Confirm::Selected {
                    protocol: 0,
                    flags: 0,
                },
            ),
            (
                1,
                Confirm::Selected {
                    protocol: 0,
                    flags: 0,
                },
            ),
            (
                3,
                Confirm::Selected {
                    protocol: 0,
                    flags: 0,
                },
            ),
        ]);
        assert_eq!(s.accepts, vec![RdpLayer::Rdp]);
    }

    #[test]
    fn unrequested_selection_is_noted() {
        // A server that picks CredSSP when only TLS was asked for.
        let s = summarise(&[(
            1,
            Confirm::Selected {
                protocol: 2,
                flags: 0,
            },
        )]);
        assert_eq!(s.unrequested, vec![(1, 2)]);
        assert_eq!(s.accepts, vec![RdpLayer::Nla]);
    }

    #[test]
    fn legacy_confirm() {
        let b = b"\x03\x00\x00\x0b\x06\xd0\x00\x00\x12\x34\x00";
        assert_eq!(parse_confirm(b), Parse::Done(Confirm::Legacy));
        let s = summarise(&[(0, Confirm::Legacy)]);
        assert!(s.legacy);
        assert_eq!(s.accepts, vec![RdpLayer::Rdp]);
    }

    #[test]
    fn not_rdp() {
        assert!(matches!(parse_confirm(b"SSH-2.0-x\r\n"), Parse::NotRdp(_)));
        assert!(matches!(parse_confirm(b"HTTP/1.1 400"), Parse::NotRdp(_)));
        assert!(matches!(
            parse_confirm(b"\x03\x00\xff\xff"),
            Parse::NotRdp(_)
        ));
        // A Connection Request echoed back is not a confirm.
        assert!(matches!(
            parse_confirm(&encode_request(0)),
            Parse::NotRdp(_)
        ));
        let mut bad_type = rsp(9, 0, 0);
        assert!(matches!(parse_confirm(&bad_type), Parse::NotRdp(_)));
        bad_type[4] = 0x20;
        assert!(matches!(parse_confirm(&bad_type), Parse::NotRdp(_)));
    }

    #[test]
    fn need_more() {
        let full = rsp(2, 0, 1);
        for n in 0..full.len() {
            assert_eq!(parse_confirm(&full[..n]), Parse::NeedMore, "{n}");
        }
    }

    proptest! {
        #[test]
        fn parse_never_panics(buf in proptest::collection::vec(any::<u8>(), 0..1024)) {
            match parse_confirm(&buf) {
                Parse::NeedMore => prop_assert!(buf.len() < MAX_TPKT),
                Parse::Done(c) => { let _ = summarise(&[(3, c)]); }
                Parse::NotRdp(_) => {}
            }
        }

        #[test]
        fn parse_of_wellformed(kind in 2u8..=3, flags in any::<u8>(), value in any::<u32>()) {
            let b = rsp(kind, flags, value);
            let want = if kind == 2 { Confirm::Selected { protocol: value, flags } } else { Confirm::Failure { code: value } };
            prop_assert_eq!(parse_confirm(&b), Parse::Done(want));
        }
    }
}
