//! The RDP X.224 Connection Confirm and the verdict over several answers.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vmd_probe::rdp::{self, Parse};

fuzz_target!(|data: &[u8]| {
    let mut answers = Vec::new();
    let mut rest = data;
    let mut requested = 0u32;
    // Several answers back to back, as three connections would bring them.
    while !rest.is_empty() && answers.len() < 3 {
        match rdp::parse_confirm(rest) {
            Parse::Done(c) => {
                answers.push((rdp::REQUESTS[answers.len()], c));
                let len = rest
                    .get(2..4)
                    .map(|b| u16::from_be_bytes([b[0], b[1]]) as usize)
                    .unwrap_or(rest.len());
                assert!(len <= rdp::MAX_TPKT);
                rest = &rest[len.min(rest.len())..];
            }
            Parse::NeedMore => break,
            Parse::NotRdp(_) => break,
        }
        requested = requested.wrapping_add(1);
    }
    let s = rdp::summarise(&answers);
    assert!(s.accepts.len() <= 3);
    assert!(s.accepts.windows(2).all(|w| w[0] < w[1]));
    if s.only_unknown() {
        assert!(s.accepts.is_empty());
    }
    let _ = requested;
});
