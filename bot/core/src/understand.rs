//! Understanding a typed reply at a question: which option it names, whether
//! it asks something back, whether it only asks for the question again.
//!
//! Pure and data-driven: every word comes from a [`Lexicon`] and from the
//! options' [`OptionWords`], plain data the runtime builds from the locales at
//! start. Nothing here knows a language beyond what that data says; the only
//! built-in knowledge is how text is folded (case, spacing, punctuation, chat
//! endings) and that Hangul words take endings and particles after them.
//!
//! Matching is linear in the reply: the reply is capped at [`MAX_REPLY`]
//! characters, and each phrase is looked for once per position.

use std::collections::{BTreeMap, BTreeSet};

use crate::command::{Lang, Os};
use crate::paste::{ClientResult, Fact, RegKey, Svc, SvcState};
use crate::runbook::{Means, UNKNOWN_KEY, WORKS_KEY};

/// Longest reply read, in characters; the rest is ignored.
pub const MAX_REPLY: usize = 1000;
/// How far before a word (in folded characters) an English negation still
/// negates it: "doesn't really work".
const NEGATION_REACH: usize = 14;
/// How far after a Korean word its negating ending may come: "되지 않아요".
const NEGATION_AFTER: usize = 3;

/// The language data the matcher works with, built from the locales.
/// Every list is of phrases as written; [`Lexicon::new`] folds them.
#[derive(Clone, Debug, Default)]
pub struct LexiconSource {
    pub yes: Vec<String>,
    pub no: Vec<String>,
    pub unknown: Vec<String>,
    pub works: Vec<String>,
    /// A whole reply that asks for the question again ("huh", "네?").
    pub pardon: Vec<String>,
    /// Words that make a reply a question back ("where", "뭐예요", "어떻게").
    pub ask: Vec<String>,
    /// Words that make a reply a question back only when it also names a
    /// glossary term ("what" in "no idea what vnc is").
    pub ask_about: Vec<String>,
    /// Frames that make such a word part of a statement ("here's what it
    /// shows"): with one, `ask_about` asks nothing.
    pub statement: Vec<String>,
    /// Words that negate what follows ("not", "doesn't", "안", "못").
    pub negation_before: Vec<String>,
    /// Endings that negate what precedes ("않", "없").
    pub negation_after: Vec<String>,
    /// Words in which a negation is only a syllable ("보안", "잘못").
    pub not_negation: Vec<String>,
    /// Character spellings folded together ("돼" and "되", "됬" and "됐").
    pub spellings: Vec<(char, char)>,
    /// Glossary terms: an id and the words that name it.
    pub glossary: Vec<(String, Vec<String>)>,
    /// A request for the hand-off ("just give me a ticket", "상담원 연결").
    pub ticket: Vec<String>,
    /// Words that give one value for two ("both", "둘 다").
    pub both: Vec<String>,
    /// "Not yet, still on it" ("아직이요", "hold on", "still rebooting"):
    /// the user is busy with the step, not answering it.
    pub wait: Vec<String>,
}

/// The folded [`LexiconSource`].
#[derive(Clone, Debug, Default)]
pub struct Lexicon {
    yes: Vec<Phrase>,
    no: Vec<Phrase>,
    unknown: Vec<Phrase>,
    works: Vec<Phrase>,
    pardon: Vec<Vec<char>>,
    ask: Vec<Phrase>,
    ask_about: Vec<Phrase>,
    statement: Vec<Phrase>,
    negation_before: Vec<Phrase>,
    negation_after: Vec<Phrase>,
    not_negation: Vec<Phrase>,
    spellings: Vec<(char, char)>,
    glossary: Vec<(String, Vec<Phrase>)>,
    ticket: Vec<Phrase>,
    both: Vec<Phrase>,
    wait: Vec<Phrase>,
}

/// One option of the question being asked, with everything that names it:
/// its labels in every language, its `.aliases`.
#[derive(Clone, Debug, PartialEq)]
pub struct OptionWords {
    pub key: String,
    pub means: Option<Means>,
    pub phrases: Vec<String>,
}

/// What a reply was understood as.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Understood {
    /// It names this option.
    Choose(String),
    /// It could mean one of these (one or two keys): ask which.
    DidYouMean(Vec<String>),
    /// "huh?", "네?": say the question again.
    Pardon,
    /// It asks something back: the glossary term it names, if any.
    Ask(Option<String>),
    /// It asks for the hand-off to support (a ticket, a person).
    Ticket,
    /// "Not yet, still on it": the question stays, nothing is answered.
    Wait,
    /// Nothing plausible.
    Nothing,
    /// It names an option, but speaks of another subject than the question
    /// ("the firewall is off" where the question is about Allow remote
    /// connections): the glossary term it is about; nothing is answered.
    Elsewhere(String),
}

/// A folded phrase: characters without separators, and whether the phrase
/// is Latin at its start and end (where word boundaries are required).
#[derive(Clone, Debug)]
struct Phrase {
    chars: Vec<char>,
}

/// A folded reply: characters without separators; `brk[i]` is true when a
/// separator (or the start) comes before `chars[i]` (`brk[len]` is the end);
/// `clause[i]` counts the clause breaks (",", ".", "but") before `chars[i]`.
struct Folded {
    chars: Vec<char>,
    brk: Vec<bool>,
    clause: Vec<u32>,
}

/// Chat endings and laughter, dropped wherever they are: ㅎㅎ, ㅋㅋ, ㅠㅠ, ㅜㅜ.
fn is_chat_jamo(c: char) -> bool {
    matches!(c, 'ㅎ' | 'ㅋ' | 'ㅠ' | 'ㅜ' | 'ㅡ')
}

fn is_hangul(c: char) -> bool {
    ('\u{AC00}'..='\u{D7A3}').contains(&c) || ('\u{3131}'..='\u{318E}').contains(&c)
}

fn fold_char(spellings: &[(char, char)], c: char) -> char {
    spellings
        .iter()
        .find(|(from, _)| *from == c)
        .map(|(_, to)| *to)
        .unwrap_or(c)
}

fn fold(spellings: &[(char, char)], text: &str) -> Folded {
    let mut chars = Vec::new();
    let mut brk = Vec::new();
    let mut clause = Vec::new();
    let mut pending_break = true;
    let mut clauses = 0u32;
    for c in text.chars().take(MAX_REPLY).flat_map(char::to_lowercase) {
        if is_chat_jamo(c) {
            pending_break = true;
            continue;
        }
        if c.is_alphanumeric() {
            chars.push(fold_char(spellings, c));
            brk.push(pending_break);
            clause.push(clauses);
            pending_break = false;
        } else {
            if matches!(c, ',' | '.' | ';' | '!' | '?' | '/' | '，' | '。') {
                clauses += 1;
            }
            pending_break = true;
        }
    }
    brk.push(true);
    Folded { chars, brk, clause }
}

fn phrase(spellings: &[(char, char)], s: &str) -> Option<Phrase> {
    let f = fold(spellings, s);
    (!f.chars.is_empty()).then_some(Phrase { chars: f.chars })
}

fn phrases(spellings: &[(char, char)], list: &[String]) -> Vec<Phrase> {
    list.iter().filter_map(|s| phrase(spellings, s)).collect()
}

impl Lexicon {
    pub fn new(src: &LexiconSource) -> Self {
        let sp = &src.spellings;
        Lexicon {
            yes: phrases(sp, &src.yes),
            no: phrases(sp, &src.no),
            unknown: phrases(sp, &src.unknown),
            works: phrases(sp, &src.works),
            pardon: src
                .pardon
                .iter()
                .map(|s| fold(sp, s).chars)
                .filter(|c| !c.is_empty())
                .collect(),
            ask: phrases(sp, &src.ask),
            ask_about: phrases(sp, &src.ask_about),
            statement: phrases(sp, &src.statement),
            negation_before: phrases(sp, &src.negation_before),
            negation_after: phrases(sp, &src.negation_after),
            not_negation: phrases(sp, &src.not_negation),
            spellings: src.spellings.clone(),
            glossary: src
                .glossary
                .iter()
                .map(|(id, words)| (id.clone(), phrases(sp, words)))
                .collect(),
            ticket: phrases(sp, &src.ticket),
            both: phrases(sp, &src.both),
            wait: phrases(sp, &src.wait),
        }
    }

    /// The glossary term ids, in order.
    pub fn terms(&self) -> impl Iterator<Item = &str> {
        self.glossary.iter().map(|(id, _)| id.as_str())
    }
}

/// Where phrase `p` occurs in `t`. A phrase that begins (ends) with a Latin
/// letter or digit must begin (end) at a word boundary, so "no" is not found
/// in "know"; Hangul phrases may be followed by endings and particles. With
/// `whole_word`, short Hangul phrases must stand alone too ("네" is not the
/// "-네요" ending).
fn occurrences(t: &Folded, p: &Phrase, whole_word: bool) -> Vec<(usize, usize)> {
    let n = p.chars.len();
    let mut out = Vec::new();
    if n == 0 || n > t.chars.len() {
        return out;
    }
    let first = p.chars[0];
    let last = p.chars[n - 1];
    let strict_start = first.is_ascii_alphanumeric() || whole_word;
    let strict_end = last.is_ascii_alphanumeric() || whole_word;
    for s in 0..=t.chars.len() - n {
        if t.chars[s] != first || t.chars[s..s + n] != p.chars[..] {
            continue;
        }
        let e = s + n;
        let start_ok =
            !strict_start || t.brk[s] || (!whole_word && !t.chars[s - 1].is_ascii_alphanumeric());
        let end_ok = !strict_end
            || t.brk[e]
            || (!whole_word && e < t.chars.len() && !t.chars[e].is_ascii_alphanumeric());
        if start_ok && end_ok {
            out.push((s, e));
        }
    }
    out
}

/// Short table words ("네", "어", "no") must stand alone; longer phrases
/// ("안 돼요", "모르겠") may sit anywhere.
fn table_whole_word(p: &Phrase) -> bool {
    p.chars.len() <= 2
}

struct Hit {
    /// Index into the option list.
    opt: usize,
    s: usize,
    e: usize,
}

/// Where negations sit in a reply, found once per reply.
struct Negations {
    /// Where the word right after a leading "no" starts.
    leading_no: Option<usize>,
    /// A Korean negation (안, 못) ends right here.
    hangul_end: Vec<bool>,
    /// The latest English negation ending at or before each position: (start, end).
    latin_before: Vec<Option<(usize, usize)>>,
    /// A negating ending (않, 없) starts here.
    after_start: Vec<bool>,
}

impl Negations {
    fn find(lex: &Lexicon, t: &Folded) -> Self {
        let n = t.chars.len();
        // Characters inside a word like "보안" negate nothing.
        let mut inert = vec![false; n];
        for p in &lex.not_negation {
            for (s, e) in occurrences(t, p, false) {
                inert[s..e].iter_mut().for_each(|x| *x = true);
            }
        }
        let live = |s: usize, e: usize| !inert[s..e].iter().any(|x| *x);
        let mut hangul_end = vec![false; n + 1];
        let mut leading_no = None;
        let mut latin_end: Vec<Option<usize>> = vec![None; n + 1];
        for p in &lex.negation_before {
            let hangul = p.chars.iter().all(|c| is_hangul(*c));
            for (ns, ne) in occurrences(t, p, !hangul) {
                if !live(ns, ne) {
                    continue;
                }
                // A leading answer word negates only the word right after
                // it ("no bans"), not the sentence that follows ("no, nothing
                // there", "no they look normal").
                if ns == 0 && lex.no.iter().any(|x| x.chars == p.chars) {
                    if ne < n && t.clause[ne] == t.clause[ns] {
                        leading_no = Some(ne);
                    }
                    continue;
                }
                if hangul {
                    hangul_end[ne] = true;
                } else if latin_end[ne].is_none_or(|s| ns > s) {
                    latin_end[ne] = Some(ns);
                }
            }
        }
        let mut latin_before = vec![None; n + 1];
        let mut last = None;
        for (i, slot) in latin_before.iter_mut().enumerate() {
            if let Some(ns) = latin_end[i] {
                last = Some((ns, i));
            }
            *slot = last;
        }
        let mut after_start = vec![false; n + 1];
        for p in &lex.negation_after {
            for (ns, ne) in occurrences(t, p, false) {
                if live(ns, ne) {
                    after_start[ns] = true;
                }
            }
        }
        Negations {
            leading_no,
            hangul_end,
            latin_before,
            after_start,
        }
    }

    /// Whether the words at `s..e` are negated: an English negation shortly
    /// before in the same clause, 안/못 right before, 않/없 right after.
    fn covers(&self, t: &Folded, s: usize, e: usize) -> bool {
        if self.hangul_end[s] || self.leading_no == Some(s) {
            return true;
        }
        if let Some((ns, ne)) = self.latin_before[s] {
            if s - ne <= NEGATION_REACH && t.clause[ns] == t.clause[s] {
                return true;
            }
        }
        (e..=(e + NEGATION_AFTER).min(t.chars.len()))
            .any(|i| self.after_start[i] && i < t.chars.len() && t.clause[i] == t.clause[e - 1])
    }
}

fn found(t: &Folded, list: &[Phrase], whole: impl Fn(&Phrase) -> bool) -> Vec<(usize, usize)> {
    list.iter()
        .flat_map(|p| occurrences(t, p, whole(p)))
        .collect()
}

/// The longest occurrences, with those inside a longer one dropped.
fn outermost(mut hits: Vec<Hit>) -> Vec<Hit> {
    hits.sort_by(|a, b| (b.e - b.s).cmp(&(a.e - a.s)).then(a.s.cmp(&b.s)));
    let mut kept: Vec<Hit> = Vec::new();
    for h in hits {
        if !kept.iter().any(|k| k.s <= h.s && h.e <= k.e) {
            kept.push(h);
        }
    }
    kept
}

/// Understands `text` at a question with these options. `by_index`: a bare
/// number picks the option at that position (from 1).
pub fn understand(
    lex: &Lexicon,
    options: &[OptionWords],
    text: &str,
    by_index: bool,
) -> Understood {
    understand_about(lex, options, text, by_index, About::default())
}

/// [`understand`], knowing what the question is about: an option or a plain
/// answer named in a clause about another subject ("the firewall is off" at
/// "is Allow remote connections selected?") doesn't answer it; when only
/// such clauses named one, the reply is [`Understood::Elsewhere`].
pub fn understand_about(
    lex: &Lexicon,
    options: &[OptionWords],
    text: &str,
    by_index: bool,
    about: About<'_>,
) -> Understood {
    let capped: String = text.chars().take(MAX_REPLY).collect();
    let raw = capped.trim();
    if by_index {
        let n = raw
            .trim_end_matches([')', '.', ' '])
            .trim_start_matches('#');
        if let Ok(n) = n.parse::<usize>() {
            return match n.checked_sub(1).and_then(|i| options.get(i)) {
                Some(o) => Understood::Choose(o.key.clone()),
                None => Understood::Nothing,
            };
        }
    }
    let t = fold(&lex.spellings, raw);
    let key_of = |k: &str| options.iter().find(|o| o.key == k).map(|o| o.key.clone());
    let by_means = |m: Means| {
        options
            .iter()
            .find(|o| o.means == Some(m))
            .map(|o| o.key.clone())
    };
    let asks_again =
        raw.ends_with('?') || raw.ends_with('？') || raw.ends_with('…') || raw.ends_with("..");
    if t.chars.is_empty() {
        // "?" or "???" alone: "I have no idea".
        return match raw.contains(['?', '？']) {
            true => key_of(UNKNOWN_KEY).map_or(Understood::Nothing, Understood::Choose),
            false => Understood::Nothing,
        };
    }
    // "huh?", "네?", "어...": the question again.
    if lex.pardon.contains(&t.chars) || (asks_again && lex.yes.iter().any(|p| p.chars == t.chars)) {
        return Understood::Pardon;
    }

    // "Just give me a ticket", "상담원 연결해 주세요": the hand-off, unless
    // negated ("I don't want a ticket yet").
    let neg = Negations::find(lex, &t);
    if found(&t, &lex.ticket, |_| false)
        .iter()
        .any(|(s, e)| !neg.covers(&t, *s, *e))
    {
        return Understood::Ticket;
    }

    // A question back: a question word, or "what" with a term the glossary
    // knows; the longest term named is the one asked about.
    let mut term: Option<(&str, usize, usize)> = None;
    for (id, words) in &lex.glossary {
        for (s, e) in words.iter().flat_map(|w| occurrences(&t, w, false)) {
            if term.is_none_or(|(_, ts, te)| e - s > te - ts || (e - s == te - ts && s < ts)) {
                term = Some((id, s, e));
            }
        }
    }
    let term = term.map(|(id, _, _)| id.to_owned());
    let asks = !found(&t, &lex.ask, |_| false).is_empty()
        || (term.is_some()
            && !found(&t, &lex.ask_about, |_| false).is_empty()
            && found(&t, &lex.statement, |_| false).is_empty());
    if asks {
        return Understood::Ask(term);
    }

    // The question's own options, named anywhere in the reply but in a
    // clause about another subject.
    let off_topic = about.off_topic_clauses(lex, &t);
    let mut elsewhere: Option<String> = None;
    let mut about_this = |s: usize| match off_topic.get(&t.clause[s]) {
        Some(term) => {
            elsewhere.get_or_insert_with(|| term.clone());
            false
        }
        None => true,
    };
    let mut hits = Vec::new();
    for (i, o) in options.iter().enumerate() {
        for p in o.phrases.iter().filter_map(|p| phrase(&lex.spellings, p)) {
            for (s, e) in occurrences(&t, &p, false) {
                if about_this(s) {
                    hits.push(Hit { opt: i, s, e });
                }
            }
        }
    }
    // "still rebooting" is not "rebooted": a longer "not yet" phrase hides
    // the option word inside it.
    let still = options.len();
    for (s, e) in found(&t, &lex.wait, table_whole_word) {
        hits.push(Hit { opt: still, s, e });
    }
    let mut waiting = false;
    let mut best: Vec<(usize, usize)> = Vec::new(); // (option, longest hit)
    for h in outermost(hits) {
        if h.opt == still {
            waiting = true;
            continue;
        }
        let mut opt = h.opt;
        if neg.covers(&t, h.s, h.e) {
            // "not running" names the opposite of "running", if there is one.
            let flip = match options[opt].means {
                Some(Means::Yes) => Some(Means::No),
                Some(Means::No) => Some(Means::Yes),
                None => None,
            };
            match flip.and_then(|m| options.iter().position(|o| o.means == Some(m))) {
                Some(j) => opt = j,
                None => continue,
            }
        }
        let len = h.e - h.s;
        match best.iter_mut().find(|(o, _)| *o == opt) {
            Some(b) => b.1 = b.1.max(len),
            None => best.push((opt, len)),
        }
    }
    best.sort_by_key(|b| std::cmp::Reverse(b.1));
    match best.as_slice() {
        [(o, _)] => return Understood::Choose(options[*o].key.clone()),
        [(o, a), (_, b), ..] if a > b => return Understood::Choose(options[*o].key.clone()),
        [(o, _), (p, _), ..] => {
            return Understood::DidYouMean(vec![options[*o].key.clone(), options[*p].key.clone()])
        }
        [] if waiting => return Understood::Wait,
        [] => {}
    }

    // Plain answers from the phrase tables, through the options' meaning; a
    // phrase inside a longer one counts as the longer one ("꺼져 있어요" is
    // not "있어요"), a negated "yes" or "works" is a "no".
    let mut table_hits = Vec::new();
    for (kind, list) in [&lex.unknown, &lex.works, &lex.yes, &lex.no, &lex.wait]
        .into_iter()
        .enumerate()
    {
        for (s, e) in found(&t, list, table_whole_word) {
            if about_this(s) {
                table_hits.push(Hit { opt: kind, s, e });
            }
        }
    }
    let (mut unknown, mut works, mut yes, mut no) = (false, false, false, false);
    let mut wait = false;
    for h in outermost(table_hits) {
        let negated = neg.covers(&t, h.s, h.e);
        match (h.opt, negated) {
            (0, false) => unknown = true,
            (1, false) => works = true,
            (2, false) => yes = true,
            (3, false) | (1, true) | (2, true) => no = true,
            (4, _) => wait = true,
            _ => {}
        }
    }
    // "아직이요", "hold on": only when nothing else was said.
    if wait && !(unknown || works || yes || no) {
        return Understood::Wait;
    }
    if unknown {
        if let Some(k) = key_of(UNKNOWN_KEY) {
            return Understood::Choose(k);
        }
    }
    if works && !no {
        if let Some(k) = key_of(WORKS_KEY).or_else(|| by_means(Means::Yes)) {
            return Understood::Choose(k);
        }
    }
    match (yes, no) {
        (true, false) => {
            if let Some(k) = by_means(Means::Yes) {
                return Understood::Choose(k);
            }
        }
        (false, true) => {
            if let Some(k) = by_means(Means::No) {
                return Understood::Choose(k);
            }
        }
        (true, true) => {
            if let (Some(y), Some(n)) = (by_means(Means::Yes), by_means(Means::No)) {
                return Understood::DidYouMean(vec![y, n]);
            }
        }
        (false, false) => {}
    }

    // Only a clause about something else named an answer.
    if let Some(term) = elsewhere {
        return Understood::Elsewhere(term);
    }

    // One typo in a whole label or alias: ask, naming it.
    let close: Vec<&OptionWords> = options
        .iter()
        .filter(|o| {
            o.phrases.iter().any(|p| {
                let p = fold(&lex.spellings, p).chars;
                p.len() >= 4 && within_one_edit(&p, &t.chars)
            })
        })
        .collect();
    match close.as_slice() {
        [o] => Understood::Choose(o.key.clone()),
        [o, p] => Understood::DidYouMean(vec![o.key.clone(), p.key.clone()]),
        // A sentence about another subject only ("the security group is
        // fine"): say so rather than "I didn't catch that". Several lines
        // are a paste, for the readers.
        _ => match off_topic.values().next() {
            Some(term) if !raw.contains('\n') => Understood::Elsewhere(term.clone()),
            _ => Understood::Nothing,
        },
    }
}

/// Service states as `systemctl status`, `sc query` and the Services console
/// print them (English and Korean Windows), quoted inside a sentence: the
/// same states the paste readers turn into [`Fact::Service`].
const SERVICE_STATES: &[(&str, SvcState)] = &[
    ("active (running)", SvcState::Running),
    ("active (listening)", SvcState::Listening),
    ("inactive (dead)", SvcState::Stopped),
    ("inactive", SvcState::Stopped),
    ("failed", SvcState::Failed),
    ("exit-code", SvcState::Failed),
    ("activating", SvcState::Starting),
    ("could not be found", SvcState::NotFound),
    ("not-found", SvcState::NotFound),
    ("running", SvcState::Running),
    ("stopped", SvcState::Stopped),
    ("실행 중", SvcState::Running),
    ("중지됨", SvcState::Stopped),
];

/// The user's own connection test as the ssh client, telnet and
/// `Test-NetConnection` print it: the results the paste readers turn into
/// [`Fact::Client`].
const CLIENT_RESULTS: &[(&str, ClientResult)] = &[
    ("tcptestsucceeded true", ClientResult::Connected),
    ("tcptestsucceeded false", ClientResult::TimedOut),
    ("true", ClientResult::Connected),
    ("false", ClientResult::TimedOut),
    ("connection refused", ClientResult::Refused),
    ("연결이 거부", ClientResult::Refused),
    ("connection timed out", ClientResult::TimedOut),
    ("timed out", ClientResult::TimedOut),
    ("시간 초과", ClientResult::TimedOut),
    ("no route to host", ClientResult::NoRoute),
    (
        "permission denied (publickey",
        ClientResult::PublickeyDenied,
    ),
    ("host key verification failed", ClientResult::HostKeyChanged),
    ("no matching key exchange", ClientResult::NoMatchingKex),
];

/// A listening socket as `netstat` and `ss` print it.
const LISTEN_WORDS: &[&str] = &["listening", "listen", "수신 대기"];

/// How people and screens name the load and a full disk ("load average",
/// `df`), and the CPUs a load is shared by.
const LOAD_WORDS: &[&str] = &["load", "로드", "부하"];
const DISK_WORDS: &[&str] = &["disk", "df", "디스크", "용량", "/dev/"];
const CPU_WORDS: &[&str] = &["cpu", "core", "코어"];

/// Decimal numbers in `text` (lowercased characters): (where it starts,
/// where it ends, its value).
fn decimals(chars: &[char]) -> Vec<(usize, usize, f64)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len()
            && (chars[i].is_ascii_digit()
                || chars[i] == '.' && chars.get(i + 1).is_some_and(char::is_ascii_digit))
        {
            i += 1;
        }
        let n: String = chars[start..i].iter().collect();
        if let Ok(v) = n.parse::<f64>() {
            out.push((start, i, v));
        }
    }
    out
}

/// The load and how full a disk is, as a reply states them ("load average
/// is like 30 on 2 cpus", "disk 98% used", "디스크 99% 찼어요"): the facts
/// `uptime` and `df` give.
fn load_and_disk(raw: &str) -> Vec<Fact> {
    let lower: Vec<char> = raw
        .chars()
        .take(MAX_REPLY)
        .flat_map(char::to_lowercase)
        .collect();
    let text: String = lower.iter().collect();
    let has = |words: &[&str]| words.iter().any(|w| text.contains(w));
    let nums = decimals(&lower);
    let mut out = Vec::new();
    if has(DISK_WORDS) {
        let full = nums
            .iter()
            .filter(|(_, e, v)| lower.get(*e) == Some(&'%') && *v <= 100.0)
            .map(|(_, _, v)| *v as u8)
            .max();
        if let Some(used_pct) = full {
            out.push(Fact::Disk {
                mount: "/".to_owned(),
                used_pct,
            });
        }
    }
    if has(LOAD_WORDS) {
        // A number right before a CPU word counts the CPUs; the first other
        // number (not a percentage) is the load.
        let before_cpu = |e: usize| {
            let rest: String = lower[e..].iter().take(8).collect();
            let rest = rest.trim_start();
            CPU_WORDS.iter().any(|w| rest.starts_with(w)) || rest.starts_with("개 코어")
        };
        let cpus = nums
            .iter()
            .find(|(_, e, v)| before_cpu(*e) && v.fract() == 0.0 && *v >= 1.0)
            .map(|(_, _, v)| *v as u32);
        let load = nums
            .iter()
            .find(|(_, e, _)| !before_cpu(*e) && lower.get(*e) != Some(&'%'))
            .map(|(_, _, v)| *v);
        if let Some(l) = load.filter(|l| *l < 100_000.0) {
            out.push(Fact::Load {
                load1_centi: (l * 100.0).round() as u64,
                cpus,
            });
        }
    }
    out
}

/// Port-sized numbers written in a reply, in order: digit runs that are not
/// part of an address (`10.0.0.1`, `0.0.0.0:3389`'s address) or a hex value
/// (`0x00000d3d`).
/// The one number a reply names (as [`numbers`] finds them: not inside an
/// address or a word), when it names exactly one distinct number.
pub fn single_number(text: &str) -> Option<u16> {
    let mut nums = numbers(text);
    nums.sort_unstable();
    nums.dedup();
    match nums.as_slice() {
        [n] => Some(*n),
        _ => None,
    }
}

fn numbers(text: &str) -> Vec<u16> {
    let chars: Vec<char> = text.chars().take(MAX_REPLY).collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if !chars[i].is_ascii_digit() {
            i += 1;
            continue;
        }
        let start = i;
        while i < chars.len() && chars[i].is_ascii_digit() {
            i += 1;
        }
        let before = start.checked_sub(1).map(|j| chars[j]);
        let after = chars.get(i).copied();
        let in_address = before == Some('.')
            || after == Some('.') && chars.get(i + 1).is_some_and(|c| c.is_ascii_digit());
        let in_word = before.is_some_and(|c| c.is_ascii_alphabetic())
            || after.is_some_and(|c| c.is_ascii_alphabetic() && c != 'x');
        let hex = after == Some('x');
        if in_address || in_word || hex || i - start > 5 {
            continue;
        }
        let n: String = chars[start..i].iter().collect();
        if let Some(p) = n.parse::<u16>().ok().filter(|p| *p > 0) {
            out.push(p);
        }
    }
    out
}

/// What a one-line reply says a screen shows, as the facts the paste readers
/// would give for that output: a line of output the readers recognise, a
/// service state or a client error quoted in a sentence ("it says inactive
/// (dead)", "failed라고 떠요", "Connection refused 뜹니다"), a listening
/// line, and the two values a question compares ("first is 3389 and the
/// second 3391", "둘 다 3389예요"). What a fact means for the question is not
/// decided here: the conversation's `[[paste]]` answer rows decide it, as for
/// a paste. Negated states ("not running") state nothing. `port` is the login
/// port (a listening line without a port is about it: the question filtered
/// the output by it).
pub fn stated(lex: &Lexicon, text: &str, os: Option<Os>, port: u16) -> Vec<Fact> {
    let capped: String = text.chars().take(MAX_REPLY).collect();
    let raw = capped.trim();
    if raw.is_empty() {
        return Vec::new();
    }
    let read: Vec<Fact> = crate::paste::read(raw)
        .into_iter()
        .flat_map(|r| r.facts)
        .collect();
    if !read.is_empty() {
        return read;
    }
    let t = fold(&lex.spellings, raw);
    let neg = Negations::find(lex, &t);
    // The longest state named at each place, not negated.
    let named = |table: &[&str]| -> Vec<usize> {
        let mut hits: Vec<Hit> = Vec::new();
        for (i, w) in table.iter().enumerate() {
            if let Some(p) = phrase(&lex.spellings, w) {
                for (s, e) in occurrences(&t, &p, false) {
                    hits.push(Hit { opt: i, s, e });
                }
            }
        }
        let mut out: Vec<usize> = outermost(hits)
            .into_iter()
            .filter(|h| !neg.covers(&t, h.s, h.e))
            .map(|h| h.opt)
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    };
    let mut facts = Vec::new();
    let states: Vec<SvcState> = named(&SERVICE_STATES.iter().map(|x| x.0).collect::<Vec<_>>())
        .into_iter()
        .map(|i| SERVICE_STATES[i].1)
        .collect();
    // "active (listening)" is a socket unit's state (ssh.socket), not
    // the service's: it neither contradicts a stopped service nor is one.
    if states.contains(&SvcState::Listening) && os != Some(Os::Windows) {
        facts.push(Fact::Service {
            service: Svc::SshSocket,
            state: SvcState::Listening,
        });
    }
    let states: Vec<SvcState> = states
        .into_iter()
        .filter(|s| *s != SvcState::Listening)
        .collect();
    let up = states
        .iter()
        .any(|s| matches!(s, SvcState::Running | SvcState::Starting));
    let down = states
        .iter()
        .any(|s| matches!(s, SvcState::Stopped | SvcState::Failed | SvcState::NotFound));
    // Running and stopped at once says nothing certain.
    if !(up && down) {
        let services: &[Svc] = match os {
            Some(Os::Linux) => &[Svc::Sshd],
            Some(Os::Windows) => &[Svc::TermService],
            _ => &[Svc::Sshd, Svc::TermService],
        };
        for state in &states {
            for service in services {
                facts.push(Fact::Service {
                    service: *service,
                    state: *state,
                });
            }
        }
    }
    let results: Vec<ClientResult> = named(&CLIENT_RESULTS.iter().map(|x| x.0).collect::<Vec<_>>())
        .into_iter()
        .map(|i| CLIENT_RESULTS[i].1)
        .collect();
    if results.len() == 1 {
        facts.push(Fact::Client { result: results[0] });
    }
    let nums = numbers(raw);
    // A listening line about the login port (the question filtered the
    // output by it); "listening on 3390" names no program, so which service
    // that is stays the question's own options' to say.
    if !named(LISTEN_WORDS).is_empty() && nums.iter().all(|n| *n == port) {
        let local = raw.contains("127.0.0.1") || raw.to_lowercase().contains("localhost");
        facts.push(Fact::Listening {
            addr: if local { "127.0.0.1" } else { "0.0.0.0" }.to_owned(),
            port,
            owner: None,
        });
    }
    // Two values, in the order the question lists them; one value "for
    // both" is the same value twice.
    let both = found(&t, &lex.both, |_| false)
        .iter()
        .any(|(s, e)| !neg.covers(&t, *s, *e));
    let pair = match nums.as_slice() {
        [a, b, ..] => Some((*a, *b)),
        [a] if both => Some((*a, *a)),
        _ => None,
    };
    facts.extend(load_and_disk(raw));
    if let Some((a, b)) = pair {
        facts.push(Fact::RegistryPort {
            key: RegKey::Tds,
            port: a,
        });
        facts.push(Fact::RegistryPort {
            key: RegKey::RdpTcp,
            port: b,
        });
    }
    facts
}

/// The glossary terms `text` names (their `.words`), in glossary order.
pub fn terms_named(lex: &Lexicon, text: &str) -> Vec<String> {
    let capped: String = text.chars().take(MAX_REPLY).collect();
    let t = fold(&lex.spellings, capped.trim());
    lex.glossary
        .iter()
        .filter(|(_, words)| words.iter().any(|w| !occurrences(&t, w, false).is_empty()))
        .map(|(id, _)| id.clone())
        .collect()
}

/// What a question is about, for telling a reply about something else:
/// `subjects` are the glossary terms that are subjects of their own (the
/// firewall, the security group…), `on_topic` those the question itself
/// speaks of (its topic, and every term its text and options name).
#[derive(Clone, Copy, Debug, Default)]
pub struct About<'a> {
    pub subjects: &'a [&'a str],
    pub on_topic: &'a [String],
}

impl About<'_> {
    /// For each clause of `t` that names a subject the question doesn't and
    /// none that it does, that subject.
    fn off_topic_clauses(&self, lex: &Lexicon, t: &Folded) -> BTreeMap<u32, String> {
        let mut on = BTreeSet::new();
        let mut off: BTreeMap<u32, String> = BTreeMap::new();
        for (id, words) in &lex.glossary {
            if !self.subjects.contains(&id.as_str()) {
                continue;
            }
            for (s, _) in words.iter().flat_map(|w| occurrences(t, w, false)) {
                let c = t.clause[s];
                if self.on_topic.contains(id) {
                    on.insert(c);
                } else {
                    off.entry(c).or_insert_with(|| id.clone());
                }
            }
        }
        off.retain(|c, _| !on.contains(c));
        off
    }
}

/// Levenshtein distance of at most one, without allocating a matrix.
fn within_one_edit(a: &[char], b: &[char]) -> bool {
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        short[prefix..]
            .iter()
            .zip(&long[prefix..])
            .filter(|(x, y)| x != y)
            .count()
            <= 1
    } else {
        short[prefix..] == long[prefix + 1..]
    }
}

/// The language a typed message is plainly written in, when it says so by
/// itself: a Hangul letter is Korean (nobody types Hangul in an
/// English conversation, while Korean users mix in English words, commands
/// and addresses all the time, so Latin text says nothing about the writer).
/// `None`: the text doesn't tell.
pub fn written_in(text: &str) -> Option<Lang> {
    let hangul = text
        .chars()
        .filter(|c| matches!(*c as u32, 0xAC00..=0xD7A3 | 0x3131..=0x318E | 0x1100..=0x11FF))
        .take(1)
        .count();
    (hangul >= 1).then_some(Lang::Ko)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[test]
    fn korean_is_told_by_its_letters_and_latin_text_tells_nothing() {
        for ko in [
            "안 돼요",
            "ㅇㅇ",
            "ubuntu 22.04인데 ssh가 안돼요",
            "수신 대기",
            "네",
        ] {
            assert_eq!(written_in(ko), Some(Lang::Ko), "{ko}");
        }
        for none in ["", "yes", "203.0.113.5 ubuntu", "ssh: connect refused", "①"] {
            assert_eq!(written_in(none), None, "{none}");
        }
    }

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| (*x).to_owned()).collect()
    }

    fn lex() -> Lexicon {
        Lexicon::new(&LexiconSource {
            yes: s(&["yes", "네", "어"]),
            no: s(&["no", "아니요"]),
            unknown: s(&["idk", "모르겠"]),
            works: s(&["works now"]),
            pardon: s(&["huh", "어"]),
            ask: s(&["what is", "뭐예요"]),
            ask_about: s(&["what"]),
            statement: s(&["here is what"]),
            negation_before: s(&["not", "no", "안"]),
            negation_after: s(&["않"]),
            not_negation: s(&["보안"]),
            spellings: vec![('돼', '되')],
            glossary: vec![("vnc".into(), s(&["vnc"]))],
            ticket: s(&["ticket", "상담원"]),
            both: s(&["both", "둘 다"]),
            wait: s(&["아직", "hold on"]),
        })
    }

    fn opts() -> Vec<OptionWords> {
        vec![
            OptionWords {
                key: "in".into(),
                means: Some(Means::Yes),
                phrases: s(&["i'm in", "in", "돼요"]),
            },
            OptionWords {
                key: "cannot".into(),
                means: Some(Means::No),
                phrases: s(&["doesn't work", "nope"]),
            },
        ]
    }

    #[test]
    fn words_inside_a_sentence_and_negation() {
        let l = lex();
        let o = opts();
        let u = |t: &str| understand(&l, &o, t, true);
        assert_eq!(u("ok I'm in now"), Understood::Choose("in".into()));
        assert_eq!(u("돼요ㅎㅎ"), Understood::Choose("in".into()));
        assert_eq!(u("안 되요"), Understood::Choose("cannot".into()));
        assert_eq!(u("I'm not in"), Understood::Choose("cannot".into()));
        assert_eq!(u("no, I'm in"), Understood::Choose("in".into()));
        assert_eq!(u("2"), Understood::Choose("cannot".into()));
        assert_eq!(u("어?"), Understood::Pardon);
        assert_eq!(u("yes?"), Understood::Pardon);
        assert_eq!(u("VNC 뭐예요"), Understood::Ask(Some("vnc".into())));
        assert_eq!(
            u("no idea what vnc is"),
            Understood::Ask(Some("vnc".into()))
        );
        assert_eq!(u("I know"), Understood::Nothing);
        assert_eq!(
            u("I'm in, nope"),
            Understood::DidYouMean(s(&["in", "cannot"]))
        );
    }

    #[test]
    fn a_ticket_asked_for_in_words() {
        let l = lex();
        let o = opts();
        let u = |t: &str| understand(&l, &o, t, true);
        assert_eq!(u("just give me a ticket"), Understood::Ticket);
        assert_eq!(u("상담원 연결해 주세요"), Understood::Ticket);
        assert_eq!(u("no ticket yet, I'm in"), Understood::Choose("in".into()));
        assert_eq!(u("아직..."), Understood::Wait);
        assert_eq!(u("hold on"), Understood::Wait);
        assert_eq!(u("아직 안 돼요"), Understood::Choose("cannot".into()));
    }

    #[test]
    fn what_a_screen_says_as_facts() {
        let l = lex();
        let svc = |state| Fact::Service {
            service: Svc::Sshd,
            state,
        };
        let st = |t: &str| stated(&l, t, Some(Os::Linux), 22);
        assert_eq!(st("it says inactive (dead)"), vec![svc(SvcState::Stopped)]);
        assert_eq!(
            st("active (running) 이라고 나와요"),
            vec![svc(SvcState::Running)]
        );
        assert_eq!(st("failed라고 떠요"), vec![svc(SvcState::Failed)]);
        // Negated, or running and stopped at once: nothing certain.
        assert_eq!(st("it's not running"), vec![]);
        assert_eq!(st("was running, now stopped"), vec![]);
        assert_eq!(
            st("Connection refused 뜹니다"),
            vec![Fact::Client {
                result: ClientResult::Refused
            }]
        );
        let reg = |a, b| {
            vec![
                Fact::RegistryPort {
                    key: RegKey::Tds,
                    port: a,
                },
                Fact::RegistryPort {
                    key: RegKey::RdpTcp,
                    port: b,
                },
            ]
        };
        assert_eq!(st("first one is 3389 and the second 3391"), reg(3389, 3391));
        assert_eq!(st("하나는 3389고 다른 건 3391이요"), reg(3389, 3391));
        assert_eq!(st("둘 다 3389예요"), reg(3389, 3389));
        assert_eq!(st("both say 3389"), reg(3389, 3389));
        assert!(
            st("load average is like 30 on 2 cpus").contains(&Fact::Load {
                load1_centi: 3000,
                cpus: Some(2)
            })
        );
        assert!(st("disk 98% used").contains(&Fact::Disk {
            mount: "/".into(),
            used_pct: 98
        }));
        assert!(st("디스크 99% 찼어요").contains(&Fact::Disk {
            mount: "/".into(),
            used_pct: 99
        }));
        // One value alone is not two; an address and a hex value are no values.
        assert_eq!(st("the first one is 3389"), vec![]);
        assert_eq!(st("0x00000d3d at 10.0.0.1"), vec![]);
    }

    proptest::proptest! {
        /// Any reply is one of the offered options, one or two candidates,
        /// a question back, "pardon" or nothing; only the first
        /// MAX_REPLY characters count.
        #[test]
        fn any_reply_is_understood_within_the_options(
            text in "(?s)[a-z' ,.?!:()0-9안되돼요네어못않VNC뭐예둘다]{0,40}",
            pad in 0usize..1200,
        ) {
            let l = lex();
            let o = opts();
            let long = format!("{text}{}", "x".repeat(pad));
            for t in [text.as_str(), long.as_str()] {
                let u = understand(&l, &o, t, true);
                match &u {
                    Understood::Choose(k) => proptest::prop_assert!(o.iter().any(|x| &x.key == k)),
                    Understood::DidYouMean(ks) => proptest::prop_assert!((1..=2).contains(&ks.len())),
                    _ => {}
                }
                let head: String = t.chars().take(MAX_REPLY).collect();
                proptest::prop_assert_eq!(understand(&l, &o, &head, true), u);
                let facts = stated(&l, t, None, 3389);
                proptest::prop_assert!(facts.len() <= 32);
                proptest::prop_assert_eq!(stated(&l, &head, None, 3389), facts);
            }
        }
    }

    #[test]
    fn bounded_and_linear_input() {
        let l = lex();
        let long = "안 돼요 ".repeat(10_000);
        assert!(matches!(
            understand(&l, &opts(), &long, true),
            Understood::Choose(_)
        ));
        let long = "failed 3389 listening ".repeat(10_000);
        assert!(stated(&l, &long, None, 3389).len() <= 32);
    }
}
