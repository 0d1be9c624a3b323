//! The reply matcher: any text, in any language and shape, is understood as
//! one of the options offered, one or two "did you mean" candidates, a
//! question back, "pardon" or nothing; never a panic, in bounded work, and
//! only the first 1000 characters count; and what a reply says a screen
//! shows (`stated`) is bounded and reads the same capped text.
#![no_main]
use libfuzzer_sys::fuzz_target;
use vmd_core::command::Os;
use vmd_core::runbook::Means;
use vmd_core::understand::{
    stated, understand, Lexicon, LexiconSource, OptionWords, Understood, MAX_REPLY,
};

fn s(v: &[&str]) -> Vec<String> {
    v.iter().map(|x| (*x).to_owned()).collect()
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let lex = Lexicon::new(&LexiconSource {
        yes: s(&["yes", "y", "네", "어", "있어요", "됐어요"]),
        no: s(&["no", "nope", "아니요", "없어요", "안 돼요"]),
        unknown: s(&["idk", "모르겠"]),
        works: s(&["it works", "이제 됐어요"]),
        pardon: s(&["huh", "뭐라고요"]),
        ask: s(&["what is", "where", "뭐예요", "어디", "어떻게"]),
        ask_about: s(&["what", "뭐"]),
        negation_before: s(&["not", "no", "don't", "안", "못"]),
        negation_after: s(&["않", "없", "못"]),
        not_negation: s(&["보안", "잘못"]),
        spellings: vec![('돼', '되'), ('됬', '됐')],
        glossary: vec![("vnc".into(), s(&["vnc", "브라우저 콘솔"]))],
        ticket: s(&["ticket", "give me a ticket", "티켓", "상담원"]),
        both: s(&["both", "둘 다"]),
        wait: s(&["아직", "hold on"]),
    });
    let options = vec![
        OptionWords {
            key: "in".into(),
            means: Some(Means::Yes),
            phrases: s(&["I'm in through VNC", "i'm in", "접속했", "돼요"]),
        },
        OptionWords {
            key: "slow".into(),
            means: None,
            phrases: s(&["slow", "느려요", "0.0.0.0"]),
        },
        OptionWords {
            key: "cannot".into(),
            means: Some(Means::No),
            phrases: s(&["VNC doesn't work either", "vnc도 안"]),
        },
        OptionWords {
            key: "_unknown".into(),
            means: None,
            phrases: s(&["I don't know"]),
        },
    ];
    for by_index in [true, false] {
        let u = understand(&lex, &options, text, by_index);
        match &u {
            Understood::Choose(k) => assert!(options.iter().any(|o| &o.key == k)),
            Understood::DidYouMean(ks) => {
                assert!((1..=2).contains(&ks.len()));
                assert!(ks.iter().all(|k| options.iter().any(|o| &o.key == k)));
            }
            Understood::Ask(Some(t)) => assert_eq!(t, "vnc"),
            Understood::Ask(None)
            | Understood::Pardon
            | Understood::Nothing
            | Understood::Ticket
            | Understood::Wait => {}
        }
        let head: String = text.chars().take(MAX_REPLY).collect();
        assert_eq!(understand(&lex, &options, &head, by_index), u);
    }
    // What a screen says: the paste readers' bound on facts, and only the
    // first MAX_REPLY characters count.
    for os in [None, Some(Os::Linux), Some(Os::Windows)] {
        let facts = stated(&lex, text, os, 3389);
        assert!(facts.len() <= 32);
        let head: String = text.chars().take(MAX_REPLY).collect();
        assert_eq!(stated(&lex, &head, os, 3389), facts);
    }
});
