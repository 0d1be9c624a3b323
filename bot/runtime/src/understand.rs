//! The matcher's data, built once from the locales, and the replies that
//! understanding gives without the engine: "did you mean …?", a glossary
//! answer to a question back, the question again after "huh?".
//!
//! The matching itself is pure and lives in `vmd_core::understand`.

use crate::i18n::Localizer;
use vmd_core::command::Lang;
use vmd_core::engine::Engine;
use vmd_core::msg::{Choice, Msg, Reply, Severity};
use vmd_core::session::Session;
use vmd_core::understand::{self as core_u, Lexicon, LexiconSource, OptionWords};

pub use vmd_core::understand::Understood;

/// The glossary: each term has `glossary-<term>` (what it is and where to
/// click) and its `.words` (what people call it) in every locale.
pub const GLOSSARY_TERMS: &[&str] = &[
    "vnc",
    "security-group",
    "public-ip",
    "key-pair",
    "instance",
    "powershell",
    "regedit",
    "terminal",
    "sshd",
    "firewall",
    "port",
    "remote-desktop",
    "ssh-client",
    "vm-command",
    "allow-remote",
    "login-again",
    "resources",
    "self-diagnosis",
    "monitoring",
    "blocking",
    "billing",
    "netstat",
];

/// The glossary terms that are a subject of their own (a part of the
/// server or the console a question can be about): a reply naming one the
/// question doesn't speak of is about something else. Terms used in passing
/// in any answer (a port, the terminal, the instance, the client) are not.
pub const SUBJECT_TERMS: &[&str] = &[
    "vnc",
    "security-group",
    "regedit",
    "sshd",
    "firewall",
    "allow-remote",
    "resources",
    "self-diagnosis",
    "monitoring",
    "blocking",
    "billing",
];

/// Messages understanding uses, besides the phrase tables and the glossary.
pub const UNDERSTAND_MESSAGE_IDS: &[&str] = &[
    "understand-did-you-mean",
    "understand-cant-answer",
    "understand-again",
    "understand-wait",
    "understand-elsewhere",
];

/// The phrase tables (comma-separated lists, every locale's used).
const TABLES: &[&str] = &[
    "phrases-yes",
    "phrases-no",
    "phrases-unknown",
    "phrases-works",
    "phrases-pardon",
    "phrases-ask",
    "phrases-ask-about",
    "phrases-statement",
    "phrases-negation",
    "phrases-negation-after",
    "phrases-not-negation",
    "phrases-spellings",
    "phrases-ticket",
    "phrases-both",
    "phrases-wait",
];

/// The lexicon of every locale, built once.
pub struct Understanding {
    lex: Lexicon,
}

fn list(s: &str) -> Vec<String> {
    s.split(',')
        .map(|w| w.trim().to_owned())
        .filter(|w| !w.is_empty())
        .collect()
}

impl Understanding {
    pub fn new(loc: &Localizer) -> Self {
        let all = |id: &str| -> Vec<String> {
            Lang::ALL
                .iter()
                .flat_map(|l| list(&loc.text(*l, id)))
                .collect()
        };
        let spellings = all("phrases-spellings")
            .iter()
            .filter_map(|pair| {
                let (a, b) = pair.split_once('>')?;
                let (mut a, mut b) = (a.trim().chars(), b.trim().chars());
                match (a.next(), a.next(), b.next(), b.next()) {
                    (Some(x), None, Some(y), None) => Some((x, y)),
                    _ => None,
                }
            })
            .collect();
        let glossary = GLOSSARY_TERMS
            .iter()
            .map(|t| {
                let id = format!("glossary-{t}");
                let words = Lang::ALL
                    .iter()
                    .flat_map(|l| loc.attribute_list(*l, &id, "words"))
                    .collect();
                ((*t).to_owned(), words)
            })
            .collect();
        let src = LexiconSource {
            yes: all("phrases-yes"),
            no: all("phrases-no"),
            unknown: all("phrases-unknown"),
            works: all("phrases-works"),
            pardon: all("phrases-pardon"),
            ask: all("phrases-ask"),
            ask_about: all("phrases-ask-about"),
            statement: all("phrases-statement"),
            negation_before: all("phrases-negation"),
            negation_after: all("phrases-negation-after"),
            not_negation: all("phrases-not-negation"),
            spellings,
            glossary,
            ticket: all("phrases-ticket"),
            both: all("phrases-both"),
            wait: all("phrases-wait"),
        };
        Understanding {
            lex: Lexicon::new(&src),
        }
    }

    /// The ids of every message understanding reads (for the parity test).
    pub fn message_ids() -> Vec<String> {
        TABLES
            .iter()
            .map(|s| (*s).to_owned())
            .chain(UNDERSTAND_MESSAGE_IDS.iter().map(|s| (*s).to_owned()))
            .chain(GLOSSARY_TERMS.iter().map(|t| format!("glossary-{t}")))
            .collect()
    }

    /// What `text` means at a question with these options: every option is
    /// named by its label in every language and its `.aliases`.
    pub fn understand(
        &self,
        loc: &Localizer,
        options: &[Choice],
        text: &str,
        by_index: bool,
    ) -> Understood {
        core_u::understand(&self.lex, &self.option_words(loc, options), text, by_index)
    }

    /// Every option named by its key, its label in every language and its
    /// `.aliases`.
    fn option_words(&self, loc: &Localizer, options: &[Choice]) -> Vec<OptionWords> {
        options
            .iter()
            .map(|c| OptionWords {
                key: c.key.clone(),
                means: c.means,
                phrases: std::iter::once(c.key.replace('_', " "))
                    .chain(Lang::ALL.iter().map(|l| loc.render(*l, &c.label)))
                    .chain(
                        Lang::ALL
                            .iter()
                            .flat_map(|l| loc.attribute_list(*l, &c.label.id, "aliases")),
                    )
                    .collect(),
            })
            .collect()
    }

    /// What `text` means at the question session `s` waits on (`prompt`):
    /// [`Understanding::understand`], except that a screen state or the
    /// values the reply states (`vmd_core::understand::stated`) answer the
    /// question when the paste routes say what they mean there; a
    /// question back, "pardon" and a ticket request stay what they are.
    pub fn understand_at(
        &self,
        loc: &Localizer,
        engine: &Engine,
        s: &Session,
        prompt: &Reply,
        text: &str,
        by_index: bool,
    ) -> Understood {
        let on_topic = self.on_topic(loc, engine, prompt);
        let about = core_u::About {
            subjects: SUBJECT_TERMS,
            on_topic: &on_topic,
        };
        let u = core_u::understand_about(
            &self.lex,
            &self.option_words(loc, &prompt.options),
            text,
            by_index,
            about,
        );
        if matches!(
            u,
            Understood::Ask(_)
                | Understood::Pardon
                | Understood::Ticket
                | Understood::Wait
                | Understood::Elsewhere(_)
        ) {
            return u;
        }
        let facts = core_u::stated(&self.lex, text, s.known_os(), s.service_port());
        match engine.answer_from_facts(s, facts) {
            Some(k) if prompt.options.iter().any(|c| c.key == k) => Understood::Choose(k),
            _ => u,
        }
    }

    /// What the question `prompt` speaks of: its step's topic and every
    /// glossary term its text (in every language) and its options' labels
    /// and aliases name.
    fn on_topic(&self, loc: &Localizer, engine: &Engine, prompt: &Reply) -> Vec<String> {
        let mut asked = String::new();
        for lang in Lang::ALL {
            for part in &prompt.parts {
                asked.push_str(&loc.render(lang, part));
                asked.push('\n');
            }
            for c in &prompt.options {
                asked.push_str(&loc.render(lang, &c.label));
                asked.push('\n');
                for alias in loc.attribute_list(lang, &c.label.id, "aliases") {
                    asked.push_str(&alias);
                    asked.push('\n');
                }
            }
        }
        let mut on = core_u::terms_named(&self.lex, &asked);
        if let Some(topic) = prompt
            .step
            .as_deref()
            .and_then(|id| engine.runbooks().step(id))
            .and_then(|st| st.topic.clone())
        {
            on.push(topic);
        }
        on
    }

    /// The option key `text` names, if it names exactly one.
    pub fn choice(
        &self,
        loc: &Localizer,
        options: &[Choice],
        text: &str,
        by_index: bool,
    ) -> Option<String> {
        match self.understand(loc, options, text, by_index) {
            Understood::Choose(k) => Some(k),
            _ => None,
        }
    }
}

/// The replies for what was understood without an answer: `None` when the
/// engine takes it from here (an option, or nothing plausible).
/// `os` (`linux`, `windows` or `auto`) lets a glossary entry speak of the
/// system the user has.
pub fn replies(
    loc: &Localizer,
    lang: Lang,
    u: &Understood,
    prompt: &Reply,
    os: &str,
) -> Option<Vec<Reply>> {
    let again = || {
        let mut r = prompt.clone();
        r.parts.insert(0, Msg::new("understand-again"));
        r
    };
    match u {
        Understood::Choose(_) | Understood::Nothing | Understood::Ticket => None,
        Understood::Pardon => Some(vec![prompt.clone()]),
        Understood::Wait => Some(vec![
            Reply::info(vec![Msg::new("understand-wait")]),
            prompt.clone(),
        ]),
        Understood::Ask(term) => {
            let id = match term {
                Some(t) => format!("glossary-{t}"),
                None => "understand-cant-answer".to_owned(),
            };
            Some(vec![
                Reply::info(vec![Msg::new(id).arg("os", os.to_owned())]),
                again(),
            ])
        }
        Understood::Elsewhere(term) => {
            let id = format!("glossary-{term}");
            let subject = loc
                .attribute_list(lang, &id, "name")
                .into_iter()
                .next()
                .unwrap_or_else(|| term.clone());
            Some(vec![
                Reply::info(vec![
                    Msg::new("understand-elsewhere").arg("subject", subject)
                ]),
                prompt.clone(),
            ])
        }
        Understood::DidYouMean(keys) => {
            let picked: Vec<Choice> = keys
                .iter()
                .filter_map(|k| prompt.options.iter().find(|c| &c.key == k).cloned())
                .collect();
            let label = |i: usize| {
                picked
                    .get(i)
                    .map(|c| loc.render(lang, &c.label))
                    .unwrap_or_default()
            };
            // The candidates, named and as the only buttons (the driver
            // keeps them, so a number typed next picks among them).
            let mut r = prompt.clone();
            r.options = picked.clone();
            r.parts = vec![Msg::new("understand-did-you-mean")
                .arg("count", picked.len() as i64)
                .arg("first", label(0))
                .arg("second", label(1))];
            r.severity = Severity::Info;
            Some(vec![r])
        }
    }
}
