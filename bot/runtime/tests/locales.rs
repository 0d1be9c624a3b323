//! Locale parity and completeness: en-US and ko-KR carry exactly the same
//! message and attribute ids, every file in locales/ is loaded, and every id
//! the engine, the runbooks, the findings and the target policy use resolves.

use std::collections::BTreeSet;
use vmd_core::command::Lang;
use vmd_core::engine::ENGINE_MESSAGE_IDS;
use vmd_core::findings::Finding;
use vmd_core::policy::Refusal;
use vmd_runtime::i18n::{ids_of, Localizer, FILES};

#[test]
fn both_locales_have_the_same_ids() {
    let en = ids_of("en-US").unwrap();
    let ko = ids_of("ko-KR").unwrap();
    let only_en: Vec<_> = en.difference(&ko).collect();
    let only_ko: Vec<_> = ko.difference(&en).collect();
    assert!(
        only_en.is_empty() && only_ko.is_empty(),
        "only in en-US: {only_en:?}\nonly in ko-KR: {only_ko:?}"
    );
    assert!(en.len() > 200, "suspiciously few messages: {}", en.len());
}

#[test]
fn every_locale_file_is_embedded() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../locales");
    let mut on_disk = BTreeSet::new();
    for lang in std::fs::read_dir(&root).unwrap() {
        let lang = lang.unwrap();
        for f in std::fs::read_dir(lang.path()).unwrap() {
            on_disk.insert(format!(
                "{}/{}",
                lang.file_name().to_string_lossy(),
                f.unwrap().file_name().to_string_lossy()
            ));
        }
    }
    let embedded: BTreeSet<String> = FILES.iter().map(|(l, f, _)| format!("{l}/{f}")).collect();
    assert_eq!(on_disk, embedded);
}

#[test]
fn every_used_id_resolves_in_every_locale() {
    let loc = Localizer::embedded().unwrap();
    let mut used: Vec<String> = ENGINE_MESSAGE_IDS.iter().map(|s| s.to_string()).collect();
    used.extend(Finding::ALL.iter().map(|f| format!("finding-{}", f.code())));
    used.extend(Refusal::ALL.iter().map(|r| format!("refusal-{}", r.code())));
    used.extend(
        [
            "err-internal",
            "ticket-link",
            "ticket-summary",
            "report-saved",
            "report-title",
            "report-target",
            "report-times",
            "report-outcome",
            "report-at-step",
            "report-findings",
            "report-probes",
            "report-probe-run",
            "report-checks",
            "report-check-answer",
            "report-check-inferred",
            "report-ruled-out",
            "report-none",
            "report-ssh-algos",
        ]
        .map(String::from),
    );
    for lang in Lang::ALL {
        let missing: Vec<&String> = used.iter().filter(|id| !loc.has(lang, id)).collect();
        assert!(missing.is_empty(), "{}: missing {missing:?}", lang.tag());
    }
    // The runbooks validate their own ids against both locales.
    vmd_runtime::load_runbooks(vmd_runtime::RUNBOOK_FILES, &loc).unwrap();
}

#[test]
fn rendering_has_no_isolation_marks_and_uses_args() {
    let loc = Localizer::embedded().unwrap();
    let m = vmd_core::msg::Msg::new("probe-port")
        .arg("port", 3389u16)
        .arg("state", "open")
        .arg("reason", "syn_ack")
        .arg("rtt", 3i64);
    let en = loc.render(Lang::En, &m);
    assert_eq!(en, "Port 3389: open");
    let ko = loc.render(Lang::Ko, &m);
    assert!(ko.contains("3389") && !ko.contains('\u{2068}'), "{ko}");
    // A missing id is shown as the id, not a panic.
    assert_eq!(
        loc.render(Lang::Ko, &vmd_core::msg::Msg::new("no-such-id")),
        "no-such-id"
    );
}

#[test]
fn free_text_matches_options_in_both_languages() {
    use vmd_core::msg::{Choice, Msg};
    use vmd_core::runbook::Means;
    use vmd_runtime::understand::Understanding;
    let loc = Localizer::embedded().unwrap();
    let opts = vec![
        Choice {
            key: "works".into(),
            label: Msg::new("opt-login-works"),
            means: Some(Means::Yes),
        },
        Choice {
            key: "still".into(),
            label: Msg::new("opt-login-still-fails"),
            means: Some(Means::No),
        },
        Choice {
            key: "_unknown".into(),
            label: Msg::new("opt-dont-know"),
            means: None,
        },
    ];
    let u = Understanding::new(&loc);
    let match_choice = |_: &Localizer, _: Lang, opts: &[Choice], t: &str, by_index| {
        u.choice(&loc, opts, t, by_index)
    };
    let m = |t: &str| match_choice(&loc, Lang::Ko, &opts, t, true);
    assert_eq!(m("1"), Some("works".into()));
    assert_eq!(m("2"), Some("still".into()));
    assert_eq!(m("4"), None);
    assert_eq!(m("works"), Some("works".into()));
    assert_eq!(m("I can log in now"), Some("works".into()));
    assert_eq!(m("  STILL "), Some("still".into()));
    assert_eq!(m("banana"), None);
    assert_eq!(m(""), None);
    // Plain answers from the phrase tables, in both languages.
    for yes in [
        "yes", "Yep!", "sure", "네", "예", "넵", "응", "ㅇㅇ", "ㅇㅋ", "네.",
    ] {
        assert_eq!(m(yes), Some("works".into()), "{yes:?}");
    }
    for no in ["no", "nope", "아니요", "아뇨", "ㄴㄴ", "안 돼요", "안돼요"] {
        assert_eq!(m(no), Some("still".into()), "{no:?}");
    }
    for idk in ["idk", "I don't know", "모르겠어요", "?"] {
        assert_eq!(m(idk), Some("_unknown".into()), "{idk:?}");
    }
    // One typo on a label or alias.
    assert_eq!(m("stil fails"), Some("still".into()));
    // Numbers pick by position only where options are asked for.
    assert_eq!(match_choice(&loc, Lang::En, &opts, "2", false), None);
}

#[test]
fn phrase_tables_do_not_overlap() {
    // A plain answer must mean one thing: no phrase in two tables of a locale.
    let loc = Localizer::embedded().unwrap();
    for lang in Lang::ALL {
        let mut seen: std::collections::BTreeMap<String, &str> = Default::default();
        for id in [
            "phrases-yes",
            "phrases-no",
            "phrases-unknown",
            "phrases-works",
        ] {
            for w in loc.text(lang, id).split(',') {
                let w: String = w
                    .chars()
                    .filter(|c| !c.is_whitespace() && !c.is_ascii_punctuation())
                    .flat_map(char::to_lowercase)
                    .collect();
                if w.is_empty() {
                    continue;
                }
                if let Some(prev) = seen.insert(w.clone(), id) {
                    assert_eq!(prev, id, "{lang:?}: {w:?} is in {prev} and {id}");
                }
            }
        }
    }
}

#[test]
fn ticket_url_carries_a_localised_encoded_summary() {
    let loc = Localizer::embedded().unwrap();
    let rb = vmd_runtime::load_runbooks(vmd_runtime::RUNBOOK_FILES, &loc).unwrap();
    let mut s = vmd_core::session::Session::new(0);
    s.target = Some("203.0.113.5".parse().unwrap());
    s.os = Some(vmd_core::command::Os::Linux);
    let report = vmd_core::report::Report::build(&rb, &s, 1);
    let t = "https://t.example/new?ip={ip}&os={os}&port={port}&d={summary}";
    let ko = vmd_runtime::render::ticket_url(&loc, Lang::Ko, t, &report);
    assert!(
        ko.starts_with("https://t.example/new?ip=203.0.113.5&os=linux&port=22&d="),
        "{ko}"
    );
    assert!(ko.is_ascii() && !ko.contains(' '), "{ko}");
    assert!(
        ko.contains("%EC%84%9C%EB%B2%84"),
        "Korean summary, encoded: {ko}"
    );
    let en = vmd_runtime::render::ticket_url(&loc, Lang::En, t, &report);
    assert!(en.contains("cannot%20log%20in"), "{en}");
}
