//! Every finding and refusal code has a message in both locales, with the same ids.

use std::collections::BTreeSet;
use std::path::PathBuf;
use vmd_core::findings::Finding;
use vmd_core::policy::Refusal;

fn ids(lang: &str) -> BTreeSet<String> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../locales")
        .join(lang)
        .join("findings.ftl");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    if let Err((_, errs)) = fluent_syntax::parser::parse(text.as_str()) {
        panic!("{}: Fluent syntax errors: {errs:?}", path.display());
    }
    text.lines()
        .filter(|l| l.starts_with(|c: char| c.is_ascii_lowercase()))
        .filter_map(|l| l.split_once(" = ").map(|(id, _)| id.trim().to_string()))
        .collect()
}

#[test]
fn both_locales_cover_every_code() {
    let en = ids("en-US");
    let ko = ids("ko-KR");
    assert_eq!(en, ko, "en-US and ko-KR findings.ftl differ");
    let mut want: BTreeSet<String> = Finding::ALL
        .iter()
        .map(|f| format!("finding-{}", f.code()))
        .collect();
    want.extend(Refusal::ALL.iter().map(|r| format!("refusal-{}", r.code())));
    assert_eq!(en, want);
}
