//! Free-text extraction: a sentence in any language and shape gives at most
//! one address, OS and port, never a panic, in bounded work.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vmd_core::command::extract;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let x = extract(text);
    if let Some(p) = x.port {
        assert!(p > 0);
    }
    // Only what the first 1000 characters say counts.
    let head: String = text.chars().take(1000).collect();
    assert_eq!(extract(&head), x);
});
