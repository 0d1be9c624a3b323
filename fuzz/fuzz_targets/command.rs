//! The chat command grammar shared by every platform, and the small parsers
//! users type into (addresses, ports, OS and language names).
#![no_main]
use libfuzzer_sys::fuzz_target;
use vmd_core::command::{self, Command, Lang, Os};

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match command::parse(text) {
        None => assert!(!text.trim().starts_with('/')),
        Some(Ok(Command::Diagnose { port: Some(p), .. })) => assert!(p > 0),
        Some(Ok(_)) => {}
        Some(Err(e)) => assert!(e.id().starts_with("err-")),
    }
    if let Ok(p) = command::parse_port(text) {
        assert!(p > 0);
    }
    let _ = command::parse_ip(text);
    let _ = Os::parse(text);
    let _ = Lang::parse(text);
});
