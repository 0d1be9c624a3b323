//! Neutral replies to text: plain text for the console, markdown for reports,
//! the ticket link, and matching of free text against options.

use crate::i18n::{normalize, Localizer};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};

/// RFC 3986 unreserved characters stay as they are; everything else is encoded.
const QUERY_VALUE: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');
use std::time::{Duration, UNIX_EPOCH};
use vmd_core::command::Lang;
use vmd_core::engine::{reason_key, state_key};
use vmd_core::msg::{Choice, Msg, Reply};
use vmd_core::report::Report;
use vmd_core::session::{Outcome, Purpose};

/// A reply as plain text: paragraphs, then options as `[N] label`, one per line.
pub fn plain(loc: &Localizer, lang: Lang, r: &Reply) -> String {
    let mut out: Vec<String> = r.parts.iter().map(|m| loc.render(lang, m)).collect();
    for (i, c) in r.options.iter().enumerate() {
        out.push(format!("[{}] {}", i + 1, loc.render(lang, &c.label)));
    }
    out.join("\n")
}

/// Picks the option free text refers to: the number (when `by_index`), the
/// key, the rendered label or one of the label's `.aliases` (in every
/// language, so "yes" and "네" both work), a plain answer from the phrase
/// tables (`phrases-yes|no|unknown|works`: "넵", "ㄴㄴ", "idk", "it works now")
/// mapped through the options' meaning, and finally a label or alias with one
/// typo. `None` when nothing or more than one option matches.
pub fn match_choice(
    loc: &Localizer,
    lang: Lang,
    options: &[Choice],
    text: &str,
    by_index: bool,
) -> Option<String> {
    let t = normalize(text);
    if t.is_empty() {
        // "?" alone normalises to nothing but still means "I don't know".
        return plain_answer(loc, options, text);
    }
    if by_index {
        if let Ok(n) = t.trim_end_matches([')', '.']).parse::<usize>() {
            return options.get(n.checked_sub(1)?).map(|c| c.key.clone());
        }
    }
    let labels = |c: &Choice| -> Vec<String> {
        let mut v = vec![normalize(&c.key)];
        v.extend(
            Lang::ALL
                .iter()
                .map(|l| normalize(&loc.render(*l, &c.label))),
        );
        v
    };
    let exact: Vec<&Choice> = options
        .iter()
        .filter(|c| normalize(&loc.render(lang, &c.label)) == t || labels(c).contains(&t))
        .collect();
    if let [c] = exact.as_slice() {
        return Some(c.key.clone());
    }
    let aliases = |c: &Choice| -> Vec<String> {
        Lang::ALL
            .iter()
            .flat_map(|l| loc.aliases(*l, &c.label.id))
            .collect()
    };
    let by_alias: Vec<&Choice> = options.iter().filter(|c| aliases(c).contains(&t)).collect();
    if let [c] = by_alias.as_slice() {
        return Some(c.key.clone());
    }
    if let Some(k) = plain_answer(loc, options, text) {
        return Some(k);
    }
    // One typo (an edit of one character) on a label or alias of at least
    // four characters, when exactly one option is that close.
    let close: Vec<&Choice> = options
        .iter()
        .filter(|c| {
            labels(c)
                .into_iter()
                .chain(aliases(c))
                .any(|w| w.chars().count() >= 4 && within_one_edit(&w, &t))
        })
        .collect();
    match close.as_slice() {
        [c] => Some(c.key.clone()),
        _ => None,
    }
}

/// What a plain answer means, from the phrase tables of every language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Plain {
    Yes,
    No,
    Unknown,
    Works,
}

/// Spacing and punctuation don't matter in plain answers: "안 돼요" is "안돼요",
/// "Yes!" is "yes", "ㅇㅇ." is "ㅇㅇ".
fn squash(s: &str) -> String {
    s.chars()
        .filter(|c| !(c.is_whitespace() || c.is_ascii_punctuation() || "~…。、！？".contains(*c)))
        .flat_map(char::to_lowercase)
        .collect()
}

/// Classifies a plain answer ("네", "nope", "모르겠어요", "이제 돼요").
pub fn plain_meaning(loc: &Localizer, text: &str) -> Option<Plain> {
    if matches!(text.trim(), "?" | "??" | "？") {
        return Some(Plain::Unknown);
    }
    let t = squash(text);
    if t.is_empty() {
        return None;
    }
    for (id, p) in [
        ("phrases-unknown", Plain::Unknown),
        ("phrases-works", Plain::Works),
        ("phrases-yes", Plain::Yes),
        ("phrases-no", Plain::No),
    ] {
        let hit = Lang::ALL.iter().any(|l| {
            loc.text(*l, id)
                .split(',')
                .map(squash)
                .any(|w| !w.is_empty() && w == t)
        });
        if hit {
            return Some(p);
        }
    }
    None
}

fn plain_answer(loc: &Localizer, options: &[Choice], text: &str) -> Option<String> {
    use vmd_core::runbook::{Means, UNKNOWN_KEY, WORKS_KEY};
    let by_means = |m: Means| {
        options
            .iter()
            .find(|c| c.means == Some(m))
            .map(|c| c.key.clone())
    };
    let by_key = |k: &str| options.iter().find(|c| c.key == k).map(|c| c.key.clone());
    match plain_meaning(loc, text)? {
        Plain::Yes => by_means(Means::Yes),
        Plain::No => by_means(Means::No),
        Plain::Unknown => by_key(UNKNOWN_KEY),
        // "It works now": the universal choice, or the question's own "yes"
        // where it asks whether the login works.
        Plain::Works => by_key(WORKS_KEY).or_else(|| by_means(Means::Yes)),
    }
}

/// Levenshtein distance of at most one, without allocating a matrix.
fn within_one_edit(a: &str, b: &str) -> bool {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let (short, long) = if a.len() <= b.len() {
        (&a, &b)
    } else {
        (&b, &a)
    };
    if long.len() - short.len() > 1 {
        return false;
    }
    let prefix = short
        .iter()
        .zip(long.iter())
        .take_while(|(x, y)| x == y)
        .count();
    if short.len() == long.len() {
        // One substitution (or equal).
        short[prefix..]
            .iter()
            .zip(&long[prefix..])
            .filter(|(x, y)| x != y)
            .count()
            <= 1
    } else {
        // One insertion into the shorter.
        short[prefix..] == long[prefix + 1..]
    }
}

pub fn utc(ms: u64) -> String {
    humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_millis(ms))
        .to_string()
        .replace('T', " ")
        .trim_end_matches('Z')
        .to_owned()
}

/// Longest ticket summary, in characters, before encoding.
const MAX_SUMMARY: usize = 300;

/// The ticket URL: `{ip}`, `{os}`, `{port}`, `{summary}` in the template are
/// replaced by percent-encoded values; the summary is the user's language.
pub fn ticket_url(loc: &Localizer, lang: Lang, template: &str, r: &Report) -> String {
    let enc = |s: &str| utf8_percent_encode(s, QUERY_VALUE).to_string();
    let ip = r.target.map(|t| t.to_string()).unwrap_or_default();
    let os = r.os.map(|o| o.key()).unwrap_or("auto");
    let codes: Vec<&str> = r.findings.iter().map(|f| f.code()).collect();
    let summary = loc.render(
        lang,
        &Msg::new("ticket-summary")
            .arg("ip", ip.clone())
            .arg("os", os)
            .arg("port", r.service_port)
            .arg("findings", codes.join(", ")),
    );
    let summary: String = summary.chars().take(MAX_SUMMARY).collect();
    template
        .replace("{ip}", &enc(&ip))
        .replace("{os}", &enc(os))
        .replace("{port}", &r.service_port.to_string())
        .replace("{summary}", &enc(&summary))
}

/// The diagnosis report as markdown, in the user's language.
pub fn report_markdown(loc: &Localizer, lang: Lang, r: &Report) -> String {
    let t = |m: Msg| loc.render(lang, &m);
    let mut md = format!("# {}\n\n", loc.text(lang, "report-title"));
    md.push_str(&format!(
        "- {}\n",
        t(Msg::new("report-target")
            .arg(
                "ip",
                match (&r.target_name, r.target) {
                    (Some(n), Some(ip)) => md_inline(&format!("{n} ({ip})")),
                    _ => r.target.map(|x| x.to_string()).unwrap_or_default(),
                },
            )
            .arg("os", r.os.map(|o| o.key()).unwrap_or("auto"))
            .arg("port", r.service_port))
    ));
    md.push_str(&format!(
        "- {}\n",
        t(Msg::new("report-times")
            .arg("started", utc(r.started_ms))
            .arg("generated", utc(r.generated_ms)))
    ));
    let outcome = match r.outcome {
        Some(Outcome::Fixed) => "fixed",
        Some(Outcome::Escalated) => "escalated",
        Some(Outcome::Abandoned) | None => "open",
    };
    md.push_str(&format!(
        "- {}\n",
        t(Msg::new("report-outcome").arg("outcome", outcome))
    ));
    if let Some(step) = &r.at_step {
        md.push_str(&format!(
            "- {}\n",
            t(Msg::new("report-at-step").arg("step", loc.text(lang, step)))
        ));
    }

    md.push_str(&format!("\n## {}\n\n", loc.text(lang, "report-findings")));
    if r.findings.is_empty() {
        md.push_str(&format!("{}\n", loc.text(lang, "report-none")));
    }
    let ip = r.target.map(|x| x.to_string()).unwrap_or_default();
    for f in &r.findings {
        let m = Msg::new(format!("finding-{}", f.code()))
            .arg("port", r.service_port)
            .arg("ip", ip.clone())
            .arg("os", r.os.map(|o| o.key()).unwrap_or("auto"));
        md.push_str(&format!("- `{}`: {}\n", f.code(), one_line(&t(m))));
    }

    md.push_str(&format!("\n## {}\n\n", loc.text(lang, "report-probes")));
    if r.probes.is_empty() {
        md.push_str(&format!("{}\n", loc.text(lang, "report-none")));
    }
    for p in &r.probes {
        let purpose = match p.purpose {
            Purpose::Initial => "initial",
            Purpose::Recheck { .. } => "recheck",
        };
        md.push_str(&format!(
            "### {}\n\n",
            t(Msg::new("report-probe-run")
                .arg("at", utc(p.at_ms))
                .arg("purpose", purpose)
                .arg("elapsed", p.report.elapsed_ms))
        ));
        md.push_str(&format!(
            "| {} |\n|---|---|---|---|\n",
            [
                "report-col-probe",
                "report-col-state",
                "report-col-reason",
                "report-col-rtt"
            ]
            .map(|id| loc.text(lang, id))
            .join(" | ")
        ));
        if let Some(i) = &p.report.icmp {
            md.push_str(&format!(
                "| ICMP | {} | {}/{} | {} |\n",
                i.state.key(),
                i.received,
                i.sent,
                i.rtt_ms
                    .map(|x| format!("{x:.1} ms"))
                    .unwrap_or_else(|| "-".into())
            ));
        }
        for port in &p.report.ports {
            md.push_str(&format!(
                "| TCP {} | {} | {} | {} |\n",
                port.port,
                state_key(Some(port.state)),
                reason_key(port.reason),
                port.rtt_ms
                    .map(|x| format!("{x:.1} ms"))
                    .unwrap_or_else(|| "-".into())
            ));
        }
        if let Some(ssh) = &p.report.ssh {
            md.push_str(&format!(
                "| SSH {} | {} | {} | - |\n",
                ssh.port,
                ssh.error.map(|e| code(&e)).unwrap_or_else(|| "ok".into()),
                md_cell(ssh.banner.as_deref().unwrap_or("-"))
            ));
        }
        if let Some(rdp) = &p.report.rdp {
            let accepts: Vec<String> = rdp.accepts.iter().map(code).collect();
            md.push_str(&format!(
                "| RDP {} | {} | accepts: {} | - |\n",
                rdp.port,
                rdp.error.map(|e| code(&e)).unwrap_or_else(|| "ok".into()),
                if accepts.is_empty() {
                    "-".into()
                } else {
                    accepts.join(", ")
                }
            ));
        }
        if let Some(ssh) = p.report.ssh.as_ref().filter(|s| !s.kex.is_empty()) {
            md.push_str(&format!(
                "\n{}\n",
                t(Msg::new("report-ssh-algos")
                    .arg("kex", ssh.kex.join(", "))
                    .arg("hostkey", ssh.host_key.join(", ")))
            ));
        }
        md.push('\n');
    }

    if !r.earlier.is_empty() || r.forgotten > 0 {
        md.push_str(&format!(
            "## {}\n\n",
            loc.text(lang, "limit-report-earlier")
        ));
        if r.forgotten > 0 {
            md.push_str(&format!(
                "{}\n\n",
                t(Msg::new("limit-report-forgotten").arg("count", u64::from(r.forgotten)))
            ));
        }
        for p in &r.earlier {
            let ports: Vec<String> = p
                .ports
                .iter()
                .map(|(port, st)| format!("TCP {port} {}", state_key(Some(*st))))
                .chain(p.icmp.map(|i| format!("ICMP {}", i.key())))
                .collect();
            let found: Vec<&str> = p.findings.iter().map(|f| f.code()).collect();
            md.push_str(&format!(
                "- {}: {}; `{}`\n",
                utc(p.at_ms),
                ports.join(", "),
                if found.is_empty() {
                    "-".to_owned()
                } else {
                    found.join("`, `")
                }
            ));
        }
        md.push('\n');
    }

    md.push_str(&format!("## {}\n\n", loc.text(lang, "report-checks")));
    if r.checks.is_empty() {
        md.push_str(&format!("{}\n", loc.text(lang, "report-none")));
    }
    // Step titles and option labels name the login port and the address
    // ("Listening on { $port }"), as they did when asked.
    let with_context = |id: &str| {
        let mut m = Msg::new(id).arg("port", r.service_port);
        if let Some(ip) = r.target {
            m = m.arg("ip", ip.to_string());
        }
        t(m)
    };
    for c in &r.checks {
        let answer = match (&c.answer, &c.value) {
            (Some(a), _) => with_context(a),
            (None, Some(v)) => format!("`{}`", md_cell(v)),
            (None, None) => "-".into(),
        };
        md.push_str(&format!(
            "- {}\n",
            t(Msg::new("report-check-answer")
                .arg("at", utc(c.at_ms))
                .arg("step", with_context(&c.title))
                .arg("answer", one_line(&answer)))
        ));
    }

    md.push_str(&format!("\n## {}\n\n", loc.text(lang, "report-ruled-out")));
    if r.ruled_out.is_empty() {
        md.push_str(&format!("{}\n", loc.text(lang, "report-none")));
    }
    for m in &r.ruled_out {
        md.push_str(&format!("- {}\n", one_line(&t(m.clone()))));
    }
    if !r.pastes.is_empty() {
        md.push_str(&format!("\n## {}\n\n", loc.text(lang, "report-pastes")));
        for p in &r.pastes {
            let step = p
                .step
                .as_deref()
                .map(|title| loc.text(lang, title))
                .unwrap_or_else(|| "-".into());
            md.push_str(&format!(
                "### {}\n\n",
                t(Msg::new("report-paste-at")
                    .arg("at", utc(p.at_ms))
                    .arg("step", one_line(&step)))
            ));
            for f in p.readings.iter().flat_map(|r| &r.facts) {
                let line = t(vmd_core::facts::fact_msg(f));
                md.push_str(&format!(
                    "- {}\n",
                    md_inline(line.trim_start_matches(['•', ' ']))
                ));
            }
            md.push_str(&fenced(&p.text));
        }
    }
    if !r.disputed.is_empty() {
        md.push_str(&format!("\n## {}\n\n", loc.text(lang, "report-disputed")));
        for m in &r.disputed {
            md.push_str(&format!("- {}\n", one_line(&t(m.clone()))));
        }
    }
    md
}

/// The stable code of a result enum: its serde name, as in `probe --json`.
fn code<T: serde::Serialize>(v: &T) -> String {
    serde_json::to_value(v)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

fn one_line(s: &str) -> String {
    vmd_core::text::clean_line(s)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Untrusted text in a fenced block whose fence no backtick run inside can close.
fn fenced(text: &str) -> String {
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest.max(2) + 1);
    format!("\n{fence}text\n{text}\n{fence}\n\n")
}

/// One line of markdown from untrusted text: no raw markup characters.
fn md_inline(s: &str) -> String {
    one_line(s).replace('|', "\\|")
}

fn md_cell(s: &str) -> String {
    one_line(s).replace('|', "\\|").replace('`', "'")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Labels and titles that name the port read as they did when asked.
    #[test]
    fn report_checks_name_the_port() {
        let loc = Localizer::embedded().unwrap();
        let rb = crate::load_runbooks(crate::RUNBOOK_FILES, &loc).unwrap();
        let mut s = vmd_core::session::Session::new(0);
        s.target = Some("203.0.113.7".parse().unwrap());
        s.os = Some(vmd_core::command::Os::Linux);
        s.custom_port = Some(2222);
        s.answers.push(vmd_core::session::Answer {
            at_ms: 1,
            step: "linux.sshd_listen".into(),
            option: Some("yes".into()),
            value: None,
        });
        let r = Report::build(&rb, &s, 2);
        for lang in Lang::ALL {
            let md = report_markdown(&loc, lang, &r);
            assert!(md.contains("2222"), "{md}");
            assert!(!md.contains("$port") && !md.contains("{"), "{md}");
        }
    }

    #[test]
    fn one_edit() {
        assert!(within_one_edit("listening", "listenng"));
        assert!(within_one_edit("listening", "listeninh"));
        assert!(within_one_edit("same", "samee"));
        assert!(within_one_edit("same", "same"));
        assert!(!within_one_edit("same", "sane!!"));
        assert!(!within_one_edit("differ", "dffr"));
        assert!(within_one_edit("접속했어요", "접속햇어요"));
    }

    #[test]
    fn report_cells_are_one_clean_line() {
        assert_eq!(
            md_cell("SSH-2.0-a\u{2028}b\u{3164}\u{202E}|c`d\u{E0041}"),
            "SSH-2.0-a b\\|c'd"
        );
    }

    #[test]
    fn squash_ignores_spacing_and_punctuation() {
        assert_eq!(squash("안 돼요."), "안돼요");
        assert_eq!(squash(" Yes! "), "yes");
        assert_eq!(squash("ㅇㅇ~"), "ㅇㅇ");
        assert_eq!(squash("I don't know"), "idontknow");
    }
}
