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
/// may use the fakes in tests, but not the libraries in its code; the shared
/// test support stays platform-neutral).
fn only_one_crate_knows(lib_dep: &str, lib_path: &str, owner: &str) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for krate in [
        "core",
        "probe",
        "runtime",
        "discord",
        "slack",
        "testkit",
        "vm-doctor",
    ] {
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

/// The core's modules depend on each other without circles (a module is a
/// file under `src/`, or a folder: `paste/`): each can be read, tested and
/// changed knowing only the modules below it. A `crate::x` path in code (not
/// in a comment) is a dependency on `x`.
#[test]
fn core_modules_have_no_import_circles() {
    use std::collections::{BTreeMap, BTreeSet};
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut deps: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    for f in rust_files(&src) {
        let rel = f.strip_prefix(&src).unwrap();
        let module = rel
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy()
            .trim_end_matches(".rs")
            .to_owned();
        if module == "lib" {
            continue;
        }
        let text = std::fs::read_to_string(&f).unwrap();
        let entry = deps.entry(module.clone()).or_default();
        for line in text.lines() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            let mut rest = code;
            while let Some(i) = rest.find("crate::") {
                rest = &rest[i + "crate::".len()..];
                let name: String = rest
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !name.is_empty() && name != module {
                    entry.insert(name);
                }
                // `use crate::{a::X, b::Y}`
                if rest.starts_with('{') {
                    let inner = &rest[1..rest.find('}').unwrap_or(rest.len())];
                    for part in inner.split(',') {
                        if let Some((m, _)) = part.trim().split_once("::") {
                            if m != module {
                                entry.insert(m.to_owned());
                            }
                        }
                    }
                }
            }
        }
    }
    // Depth-first search for a back edge; the circle is reported in full.
    fn visit(
        m: &str,
        deps: &BTreeMap<String, BTreeSet<String>>,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(i) = path.iter().position(|p| p == m) {
            let mut circle = path[i..].to_vec();
            circle.push(m.to_owned());
            return Some(circle);
        }
        if done.contains(m) {
            return None;
        }
        path.push(m.to_owned());
        for d in deps.get(m).into_iter().flatten() {
            if deps.contains_key(d) {
                if let Some(c) = visit(d, deps, path, done) {
                    return Some(c);
                }
            }
        }
        path.pop();
        done.insert(m.to_owned());
        None
    }
    let mut done = BTreeSet::new();
    for m in deps.keys() {
        if let Some(circle) = visit(m, &deps, &mut Vec::new(), &mut done) {
            panic!("import circle in vmd-core: {}", circle.join(" → "));
        }
    }
    assert!(deps.contains_key("paste") && deps["paste"].contains("text"));
}
