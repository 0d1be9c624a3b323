//! The SSH identification reader: whatever arrives before the banner.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vmd_probe::ssh::{self, EarlyClose, Ident};

fuzz_target!(|data: &[u8]| {
    match ssh::parse_ident(data) {
        Ident::Found { line, consumed } => {
            assert!(consumed <= data.len());
            assert!(line.len() <= ssh::MAX_SANITISED);
            assert!(line.bytes().all(|b| (0x20..0x7f).contains(&b)));
        }
        Ident::NotSsh { why } => assert!(why.len() < 512),
        Ident::NeedMore => assert!(data.len() <= ssh::MAX_PRE_BANNER + ssh::MAX_LINE),
    }
    match ssh::early_close(data) {
        EarlyClose::Refused { message } => assert!(message.len() <= ssh::MAX_SANITISED),
        EarlyClose::NotSsh { why } => assert!(why.len() < 512),
        EarlyClose::Silent => assert!(data.is_empty()),
    }
});
