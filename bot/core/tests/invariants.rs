//! Architecture invariant: the core does no I/O and knows no platform or
//! language runtime. This test fails if its manifest gains such a dependency
//! or its source starts using one.

#[test]
fn core_depends_on_nothing_that_does_io() {
    let manifest = include_str!("../Cargo.toml");
    let deps = manifest
        .split("[dependencies]")
        .nth(1)
        .unwrap()
        .split("\n[")
        .next()
        .unwrap();
    for banned in [
        "tokio", "sled", "serenity", "reqwest", "fluent", "slack", "hyper", "tracing", "socket2",
    ] {
        assert!(
            !deps.lines().any(|l| l.trim_start().starts_with(banned)),
            "vmd-core must not depend on {banned}"
        );
    }
}

#[test]
fn core_source_uses_no_io() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        for banned in [
            "std::net::TcpStream",
            "std::fs",
            "std::time::SystemTime",
            "Instant::now",
            "std::process",
            "std::env",
        ] {
            assert!(!text.contains(banned), "{} uses {banned}", p.display());
        }
    }
}
