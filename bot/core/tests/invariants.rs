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

/// Every `.rs` file under `dir`, subdirectories included.
fn rust_files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(rust_files(&p));
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
    out
}

#[test]
fn core_source_uses_no_io() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let files = rust_files(&dir);
    assert!(files.len() > 10, "{files:?}");
    for p in files {
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

fn deps_of(krate: &str) -> String {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let manifest = std::fs::read_to_string(root.join(krate).join("Cargo.toml")).unwrap();
    manifest
        .split("[dependencies]")
        .nth(1)
        .unwrap_or("")
        .split("\n[")
        .next()
        .unwrap_or("")
        .to_owned()
}

/// Each chat platform's library is known to its adapter crate only (the binary
/// may use the fakes in tests, but not the libraries in its code).
fn only_one_crate_knows(lib_dep: &str, lib_path: &str, owner: &str) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for krate in ["core", "probe", "runtime", "discord", "slack", "vm-doctor"] {
        if krate == owner {
            continue;
        }
        assert!(
            !deps_of(krate).contains(lib_dep),
            "bot/{krate} must not depend on {lib_dep}"
        );
        for p in rust_files(&root.join(krate).join("src")) {
            let text = std::fs::read_to_string(&p).unwrap();
            assert!(!text.contains(lib_path), "{} uses {lib_path}", p.display());
        }
    }
}

#[test]
fn only_the_discord_crate_depends_on_serenity() {
    only_one_crate_knows("serenity", "serenity::", "discord");
}

#[test]
fn only_the_slack_crate_depends_on_slack_morphism() {
    only_one_crate_knows("slack-morphism", "slack_morphism::", "slack");
}
