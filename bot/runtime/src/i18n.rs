//! Fluent rendering of the core's message ids.
//!
//! Locale files are embedded at compile time, so the released binary needs no
//! files beside it. One bundle per locale; a missing id falls back to en-US and,
//! failing that, shows the id itself (and logs it) rather than failing a reply.

use fluent::concurrent::FluentBundle;
use fluent::{FluentArgs, FluentResource, FluentValue};
use std::collections::BTreeSet;
use vmd_core::command::Lang;
use vmd_core::msg::{Arg, Msg};

/// The locale files, per language, in load order. `tests` check this list
/// against the `locales/` directory so a new file can't be forgotten.
pub const FILES: &[(&str, &str, &str)] = &[
    (
        "en-US",
        "bot.ftl",
        include_str!("../../../locales/en-US/bot.ftl"),
    ),
    (
        "en-US",
        "runbooks.ftl",
        include_str!("../../../locales/en-US/runbooks.ftl"),
    ),
    (
        "en-US",
        "findings.ftl",
        include_str!("../../../locales/en-US/findings.ftl"),
    ),
    (
        "en-US",
        "report.ftl",
        include_str!("../../../locales/en-US/report.ftl"),
    ),
    (
        "en-US",
        "limits.ftl",
        include_str!("../../../locales/en-US/limits.ftl"),
    ),
    (
        "en-US",
        "probe.ftl",
        include_str!("../../../locales/en-US/probe.ftl"),
    ),
    (
        "en-US",
        "slack.ftl",
        include_str!("../../../locales/en-US/slack.ftl"),
    ),
    (
        "en-US",
        "correct.ftl",
        include_str!("../../../locales/en-US/correct.ftl"),
    ),
    (
        "en-US",
        "cloud.ftl",
        include_str!("../../../locales/en-US/cloud.ftl"),
    ),
    (
        "ko-KR",
        "bot.ftl",
        include_str!("../../../locales/ko-KR/bot.ftl"),
    ),
    (
        "ko-KR",
        "runbooks.ftl",
        include_str!("../../../locales/ko-KR/runbooks.ftl"),
    ),
    (
        "ko-KR",
        "findings.ftl",
        include_str!("../../../locales/ko-KR/findings.ftl"),
    ),
    (
        "ko-KR",
        "report.ftl",
        include_str!("../../../locales/ko-KR/report.ftl"),
    ),
    (
        "ko-KR",
        "limits.ftl",
        include_str!("../../../locales/ko-KR/limits.ftl"),
    ),
    (
        "ko-KR",
        "probe.ftl",
        include_str!("../../../locales/ko-KR/probe.ftl"),
    ),
    (
        "ko-KR",
        "slack.ftl",
        include_str!("../../../locales/ko-KR/slack.ftl"),
    ),
    (
        "ko-KR",
        "correct.ftl",
        include_str!("../../../locales/ko-KR/correct.ftl"),
    ),
    (
        "ko-KR",
        "cloud.ftl",
        include_str!("../../../locales/ko-KR/cloud.ftl"),
    ),
];

#[derive(Debug, thiserror::Error)]
pub enum I18nError {
    #[error("{locale}/{file}: {msg}")]
    Parse {
        locale: String,
        file: String,
        msg: String,
    },
}

pub struct Localizer {
    en: FluentBundle<FluentResource>,
    ko: FluentBundle<FluentResource>,
}

impl std::fmt::Debug for Localizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Localizer")
    }
}

fn bundle(
    tag: &str,
    files: &[(&str, &str, &str)],
) -> Result<FluentBundle<FluentResource>, I18nError> {
    let langid: unic_langid::LanguageIdentifier = tag.parse().expect("static language tag");
    let mut b = FluentBundle::new_concurrent(vec![langid]);
    b.set_use_isolating(false);
    for (locale, file, text) in files.iter().filter(|(l, _, _)| *l == tag) {
        let res =
            FluentResource::try_new((*text).to_owned()).map_err(|(_, errs)| I18nError::Parse {
                locale: (*locale).into(),
                file: (*file).into(),
                msg: format!("{errs:?}"),
            })?;
        b.add_resource(res).map_err(|errs| I18nError::Parse {
            locale: (*locale).into(),
            file: (*file).into(),
            msg: format!("{errs:?}"),
        })?;
    }
    Ok(b)
}

impl Localizer {
    /// Loads the embedded locales.
    pub fn embedded() -> Result<Localizer, I18nError> {
        Ok(Localizer {
            en: bundle("en-US", FILES)?,
            ko: bundle("ko-KR", FILES)?,
        })
    }

    fn bundle(&self, lang: Lang) -> &FluentBundle<FluentResource> {
        match lang {
            Lang::En => &self.en,
            Lang::Ko => &self.ko,
        }
    }

    pub fn has(&self, lang: Lang, id: &str) -> bool {
        self.bundle(lang)
            .get_message(id)
            .and_then(|m| m.value())
            .is_some()
    }

    /// Renders a message; falls back to en-US, then to the bare id.
    pub fn render(&self, lang: Lang, msg: &Msg) -> String {
        let mut args = FluentArgs::new();
        for (k, v) in &msg.args {
            match v {
                Arg::Num(n) => args.set(k.as_str(), FluentValue::from(*n)),
                Arg::Str(s) => args.set(k.as_str(), FluentValue::from(s.as_str())),
            }
        }
        for l in [lang, Lang::En] {
            let b = self.bundle(l);
            if let Some(pattern) = b.get_message(&msg.id).and_then(|m| m.value()) {
                let mut errors = Vec::new();
                let s = b.format_pattern(pattern, Some(&args), &mut errors);
                if !errors.is_empty() {
                    tracing::warn!(id = %msg.id, ?errors, "fluent formatting errors");
                }
                return s.into_owned();
            }
            tracing::warn!(id = %msg.id, lang = l.tag(), "missing message");
        }
        msg.id.clone()
    }

    pub fn text(&self, lang: Lang, id: &str) -> String {
        self.render(lang, &Msg::new(id))
    }

    /// The comma-separated `.aliases` attribute of a message, if any.
    pub fn aliases(&self, lang: Lang, id: &str) -> Vec<String> {
        self.attribute_list(lang, id, "aliases")
            .iter()
            .map(|s| normalize(s))
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// A comma-separated attribute of a message (`.aliases`, `.words`), as
    /// written; empty when the message or the attribute is missing.
    pub fn attribute_list(&self, lang: Lang, id: &str, attr: &str) -> Vec<String> {
        let b = self.bundle(lang);
        let Some(attr) = b.get_message(id).and_then(|m| m.get_attribute(attr)) else {
            return Vec::new();
        };
        let mut errors = Vec::new();
        b.format_pattern(attr.value(), None, &mut errors)
            .split(',')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect()
    }
}

/// Message and attribute ids of one locale, parsed with `fluent-syntax`
/// (`id` and `id.attr`), for the parity test and `runbook check`.
pub fn ids_of(locale: &str) -> Result<BTreeSet<String>, I18nError> {
    use fluent_syntax::ast::Entry;
    let mut out = BTreeSet::new();
    for (l, file, text) in FILES.iter().filter(|(l, _, _)| *l == locale) {
        let res = fluent_syntax::parser::parse(*text).map_err(|(_, errs)| I18nError::Parse {
            locale: (*l).into(),
            file: (*file).into(),
            msg: format!("{errs:?}"),
        })?;
        for e in res.body {
            if let Entry::Message(m) = e {
                out.insert(m.id.name.to_owned());
                for a in m.attributes {
                    out.insert(format!("{}.{}", m.id.name, a.id.name));
                }
            }
        }
    }
    Ok(out)
}

/// Lower-case, trimmed, inner whitespace folded, trailing punctuation dropped.
pub fn normalize(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
        .trim_end_matches(['.', '!', '?', '。'])
        .trim_matches(['"', '\'', '`'])
        .to_owned()
}
