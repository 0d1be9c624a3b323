//! The first binary packet and the KEXINIT inside it.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vmd_probe::ssh::{self, Packet};

fn check(payload: &[u8]) {
    if let Ok(k) = ssh::parse_kexinit(payload) {
        for list in [
            &k.kex,
            &k.host_key,
            &k.ciphers_c2s,
            &k.ciphers_s2c,
            &k.macs_c2s,
            &k.macs_s2c,
        ] {
            assert!(list.len() <= ssh::MAX_NAMES);
            assert!(list.iter().all(|n| n.len() <= ssh::MAX_NAME_LEN));
        }
        let c = ssh::compat(&k);
        assert_eq!(c.legacy_only, c.client_hint.is_some());
        let _ = ssh::kexinit_complete(&k);
    }
}

fuzz_target!(|data: &[u8]| {
    match ssh::parse_packet(data) {
        Packet::Complete(p) => {
            assert!(p.len() <= ssh::MAX_PACKET);
            check(p);
        }
        Packet::NeedMore | Packet::Bad(_) => {}
    }
    // The payload parser on its own, with the message byte in place.
    let mut p = vec![ssh::SSH_MSG_KEXINIT];
    p.extend_from_slice(data);
    check(&p);
});
