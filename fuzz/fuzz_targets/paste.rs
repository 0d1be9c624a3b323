//! The paste readers and the report masker: any text gives bounded facts,
//! never a panic; what a report keeps is at most 4 KiB plus a marker.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vmd_core::paste::{mask_secrets, read, MAX_FACTS};

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let readings = read(&text);
    let facts: usize = readings.iter().map(|r| r.facts.len()).sum();
    assert!(facts <= MAX_FACTS);
    assert!(readings.iter().all(|r| !r.facts.is_empty()));
    let masked = mask_secrets(&text);
    assert!(masked.len() <= 4096 + 64, "{}", masked.len());
    // The facts a conversation derives from them are well-formed too.
    let all: Vec<_> = readings.into_iter().flat_map(|r| r.facts).collect();
    for os in [None, Some(vmd_core::command::Os::Linux), Some(vmd_core::command::Os::Windows)] {
        for code in vmd_core::facts::codes(&all, 22, os) {
            assert!(vmd_core::facts::CODES.contains(&code), "{code}");
        }
    }
});
