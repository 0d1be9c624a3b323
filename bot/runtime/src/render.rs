//! Neutral replies to text: plain text for the console, markdown for reports,
//! the ticket link. (Matching free text against options: [`crate::understand`].)

use crate::i18n::Localizer;
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
use vmd_core::msg::{Arg, Msg, Reply};
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

/// The provider API's answer in the report: the instance, and every
/// source's verdict with its deciding rule (always in full: the report is
/// for support staff, whatever `cloud.show` says for the chat).
fn report_cloud(loc: &Localizer, lang: Lang, r: &Report, md: &mut String) {
    use vmd_core::cloud::{CloudAnswer, SgDecision};
    let Some(answer) = &r.cloud else { return };
    let t = |m: Msg| md_msg(loc, lang, &m, &[]);
    md.push_str(&format!("\n## {}\n\n", loc.text(lang, "report-cloud")));
    let f = match answer {
        CloudAnswer::NotOurs => {
            md.push_str(&format!("{}\n", loc.text(lang, "report-cloud-not-ours")));
            return;
        }
        CloudAnswer::Failed(code) => {
            md.push_str(&format!(
                "{}\n",
                t(Msg::new("report-cloud-failed").arg("code", code.clone()))
            ));
            return;
        }
        CloudAnswer::Found(f) => f,
    };
    md.push_str(&format!(
        "- {}\n",
        t(Msg::new("report-cloud-instance")
            .arg("instance", f.instance_id.clone())
            .arg("region", f.region.clone())
            .arg("state", f.state.clone())
            .arg("restrict", f.restrict.clone())
            .arg(
                "bandwidth",
                f.bandwidth_out_mbps.map(i64::from).unwrap_or(0)
            )
            .arg(
                "bw_state",
                if f.bandwidth_out_mbps.is_some() {
                    "set"
                } else {
                    "none"
                }
            )
            .arg("os", f.os_name.clone())
            .arg("groups", f.groups.join(", ")))
    ));
    for v in &f.verdicts {
        let decision = match v.decision {
            SgDecision::Accept => "accept",
            SgDecision::Drop => "drop",
            SgDecision::NoMatch => "no-match",
            SgDecision::Unknown => "unknown",
        };
        let mut m = Msg::new("report-cloud-verdict")
            .arg("role", v.role.key())
            .arg("from", v.source.to_string())
            .arg("port", r.service_port)
            .arg("verdict", decision);
        m = match &v.rule {
            Some(rule) => m
                .arg("rule", "yes")
                .arg("group", rule.group.clone())
                .arg("index", i64::from(rule.index))
                .arg("action", rule.action.clone())
                .arg("source", rule.source.clone())
                .arg("rule_port", format!("{} {}", rule.protocol, rule.port)),
            None => m
                .arg("rule", "no")
                .arg("group", "-")
                .arg("index", -1i64)
                .arg("action", "-")
                .arg("source", "-")
                .arg("rule_port", "-"),
        };
        md.push_str(&format!("- {}\n", t(m)));
    }
    if let Some(rule) = &f.accept_elsewhere {
        md.push_str(&format!(
            "- {}\n",
            t(Msg::new("report-cloud-other")
                .arg("group", rule.group.clone())
                .arg("index", i64::from(rule.index))
                .arg("source", rule.source.clone())
                .arg("rule_port", format!("{} {}", rule.protocol, rule.port)))
        ));
    }
    md.push_str(&format!(
        "- {}\n",
        t(Msg::new("report-cloud-load")
            .arg("cpu", f.cpu_recent_pct.map(i64::from).unwrap_or(-1))
            .arg("cpu_peak", f.cpu_peak_pct.map(i64::from).unwrap_or(-1))
            .arg(
                "bw_used",
                match f.bw_recent_centi_mbps {
                    Some(c) => format!("{}.{:02}", c / 100, c % 100),
                    None => "-".into(),
                }
            )
            .arg("cpu_saturated", if f.cpu_saturated { "yes" } else { "no" })
            .arg("bw_saturated", if f.bw_saturated { "yes" } else { "no" })
            .arg("ddos", f.ddos.clone()))
    ));
    if let Some(e) = &f.eip {
        let or_dash = |v: &str| {
            if v.is_empty() {
                "-".to_owned()
            } else {
                v.to_owned()
            }
        };
        md.push_str(&format!(
            "- {}\n",
            t(Msg::new("report-cloud-eip")
                .arg("eip", e.id.clone())
                .arg(
                    "bandwidth",
                    e.bandwidth_mbps
                        .map(|b| format!("{b} Mbps"))
                        .unwrap_or_else(|| "-".into())
                )
                .arg("charge", or_dash(&e.charge_type))
                .arg("package", or_dash(&e.package))
                .arg("blocked", if e.blocked { "yes" } else { "no" }))
        ));
    }
    if f.ddos == "blocked" {
        md.push_str(&format!(
            "- {}\n",
            t(Msg::new("report-cloud-ddos")
                .arg("ddos", f.ddos.clone())
                .arg(
                    "until",
                    if f.ddos_unblock.is_empty() {
                        "-".to_owned()
                    } else {
                        f.ddos_unblock.clone()
                    }
                ))
        ));
    }
}

/// The diagnosis report as markdown, in the user's language.
///
/// Support staff and ticket systems read it, so nothing a server sent, a
/// paste held or a user typed can act as markup there: every such value is
/// put in a code span whose fence no backtick run inside can close (in a
/// code span of the locale text: with its backticks replaced), one line,
/// without control characters; pasted text goes in a fenced block longer
/// than any backtick run in it. No raw HTML, link or mention gets through.
pub fn report_markdown(loc: &Localizer, lang: Lang, r: &Report) -> String {
    report_markdown_for(loc, lang, lang, r)
}

/// The report in the support team's language `lang`, with the user's
/// language `user` beside it where they differ: what the user was shown
/// (option labels) in both, what they typed as typed.
pub fn report_markdown_for(loc: &Localizer, lang: Lang, user: Lang, r: &Report) -> String {
    let t = |m: Msg| md_msg(loc, lang, &m, &[]);
    let mut md = format!("# {}\n\n", loc.text(lang, "report-title"));
    report_summary(loc, lang, user, r, &mut md);
    md.push_str(&format!(
        "- {}\n",
        t(Msg::new("report-target")
            .arg(
                "ip",
                match (&r.target_name, r.target) {
                    (Some(n), Some(ip)) => format!("{n} ({ip})"),
                    _ => r.target.map(|x| x.to_string()).unwrap_or_default(),
                },
            )
            .arg("os", r.os.map(|o| o.key()).unwrap_or("auto"))
            .arg("port", r.service_port))
    ));
    md.push_str(&format!(
        "- {}\n",
        t(Msg::new("report-source").arg(
            "egress",
            if r.egress.is_empty() {
                "none".to_owned()
            } else {
                r.egress
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            },
        ))
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
            md_msg(
                loc,
                lang,
                &Msg::new("report-at-step").arg("step", loc.text(lang, step)),
                &["step"]
            )
        ));
    }

    // Corrections: the values above are those in force; say what they replaced.
    for c in &r.corrections {
        md.push_str(&format!(
            "- {}\n",
            t(Msg::new("report-corrected")
                .arg("at", utc(c.at_ms))
                .arg("what", c.what.clone())
                .arg("from", c.from.clone())
                .arg("to", c.to.clone()))
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
            .arg("os", r.os.map(|o| o.key()).unwrap_or("auto"))
            // Support reads both Linux families' commands.
            .arg("distro", "unknown");
        md.push_str(&format!("- `{}`: {}\n", f.code(), one_line(&t(m))));
    }

    report_cloud(loc, lang, r, &mut md);

    md.push_str(&format!("\n## {}\n\n", loc.text(lang, "report-probes")));
    if r.probes.is_empty() {
        md.push_str(&format!("{}\n", loc.text(lang, "report-none")));
    }
    for p in &r.probes {
        let purpose = match p.purpose {
            Purpose::Initial => "initial",
            Purpose::Recheck { .. } => "recheck",
            Purpose::Corrected => "corrected",
            Purpose::Alternates => "alternates",
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
                // A fixed key selects the wording: nothing untrusted here.
                loc.render(
                    lang,
                    &Msg::new("report-reason").arg("reason", reason_key(port.reason))
                ),
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
                ssh.banner
                    .as_deref()
                    .map(|b| code_span(b, true))
                    .unwrap_or_else(|| "-".into())
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
    let with_context_in = |l: Lang, id: &str| {
        let mut m = Msg::new(id)
            .arg("port", r.service_port)
            .arg("distro", "unknown");
        if let Some(ip) = r.target {
            m = m.arg("ip", ip.to_string());
        }
        md_msg(loc, l, &m, &[])
    };
    let with_context = |id: &str| with_context_in(lang, id);
    for c in &r.checks {
        // What the user typed goes in a code span; labels are ours.
        let answer = match (&c.answer, &c.value) {
            (Some(a), _) if user != lang => format!(
                "{} ({})",
                with_context(a),
                md_msg(
                    loc,
                    lang,
                    &Msg::new("report-user-saw").arg("label", with_context_in(user, a)),
                    &["label"]
                )
            ),
            (Some(a), _) => with_context(a),
            (None, Some(v)) => code_span(v, false),
            (None, None) => "-".into(),
        };
        let answer = if c.inferred {
            md_msg(
                loc,
                lang,
                &Msg::new("report-check-inferred").arg("answer", answer),
                &["answer"],
            )
        } else {
            answer
        };
        md.push_str(&format!(
            "- {}\n",
            md_msg(
                loc,
                lang,
                &Msg::new("report-check-answer")
                    .arg("at", utc(c.at_ms))
                    .arg("step", with_context(&c.title))
                    .arg("answer", one_line(&answer)),
                &["step", "answer"]
            )
        ));
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
                md_msg(
                    loc,
                    lang,
                    &Msg::new("report-paste-at")
                        .arg("at", utc(p.at_ms))
                        .arg("step", one_line(&step)),
                    &["step"]
                )
            ));
            for f in p.readings.iter().flat_map(|r| &r.facts) {
                let line = t(vmd_core::facts::fact_msg(f));
                md.push_str(&format!(
                    "- {}\n",
                    one_line(line.trim_start_matches(['•', ' ']))
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
    report_evidence(loc, lang, r, &mut md);
    md
}

/// The top of the report: the user's words and when, the hypothesis and the
/// decisive clue, contradictions, the user's language.
fn report_summary(loc: &Localizer, lang: Lang, user: Lang, r: &Report, md: &mut String) {
    let t = |m: Msg| md_msg(loc, lang, &m, &[]);
    md.push_str(&format!(
        "## {}\n\n",
        loc.text(lang, "report-summary-title")
    ));
    match &r.opening {
        Some((at, words)) => md.push_str(&format!(
            "- {}\n",
            t(Msg::new("report-opening")
                .arg("at", utc(*at))
                .arg("words", words.clone()))
        )),
        None => md.push_str(&format!(
            "- {}\n",
            t(Msg::new("report-opening-none").arg("at", utc(r.started_ms)))
        )),
    }
    if user != lang {
        md.push_str(&format!(
            "- {}\n",
            t(Msg::new("report-user-lang").arg("lang", user.tag()))
        ));
    }
    if let Some(sum) = &r.summary {
        md.push_str(&format!("- **{}**\n", one_line(&t(sum.clone()))));
        if user != lang {
            md.push_str(&format!("  - {}\n", one_line(&md_msg(loc, user, sum, &[]))));
        }
    }
    match r.decisions.last() {
        Some(d) => md.push_str(&format!(
            "- {}\n",
            md_msg(
                loc,
                lang,
                &Msg::new("report-decisive")
                    .arg("step", one_line(&loc.text(lang, &d.to)))
                    .arg("by", codes(&d.by)),
                &["step", "by"]
            )
        )),
        None => md.push_str(&format!("- {}\n", loc.text(lang, "report-decisive-none"))),
    }
    for c in &r.contradictions {
        // The chat's message, said for support: both codes, who won and why.
        let m = vmd_core::engine::contradiction_msg(c, r.service_port);
        let mut line = Msg::new("report-contradiction-line")
            .arg("held_code", code_span(&c.held.code, false))
            .arg("wins_code", code_span(&c.wins.code, false));
        line.args.extend(m.args);
        md.push_str(&format!(
            "- {}: {}\n",
            loc.text(lang, "report-contradiction"),
            one_line(&md_msg(loc, lang, &line, &["held_code", "wins_code"]))
        ));
    }
    // What was ruled out, and how: measured, said by the user, inferred.
    md.push_str(&format!("- {}:\n", loc.text(lang, "report-ruled-out")));
    if r.ruled_out.is_empty() {
        md.push_str(&format!("  - {}\n", loc.text(lang, "report-none")));
    }
    for (i, m) in r.ruled_out.iter().enumerate() {
        let how = r.ruled_out_how.get(i).map(|h| h.key()).unwrap_or("said");
        md.push_str(&format!(
            "  - {} ({})\n",
            one_line(&t(m.clone())),
            t(Msg::new("report-how").arg("how", how))
        ));
    }
    md.push('\n');
}

/// Condition or fact codes, each in its own code span.
fn codes(v: &[String]) -> String {
    if v.is_empty() {
        return "-".into();
    }
    v.iter()
        .map(|c| code_span(c, false))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Every fact with its source, and the route rows each decision took.
fn report_evidence(loc: &Localizer, lang: Lang, r: &Report, md: &mut String) {
    if !r.evidence.is_empty() {
        md.push_str(&format!("\n## {}\n\n", loc.text(lang, "report-evidence")));
        for e in &r.evidence {
            let stands = e.subject.is_empty()
                || vmd_core::evidence::winner(&r.evidence, &e.subject)
                    .is_some_and(|w| w.ok == e.ok);
            md.push_str(&format!(
                "- {}\n",
                md_msg(
                    loc,
                    lang,
                    &Msg::new("report-evidence-line")
                        .arg("at", utc(e.at_ms))
                        .arg("source", e.source.key())
                        .arg("subject", e.subject.clone())
                        .arg(
                            "ok",
                            match (e.subject.is_empty(), e.ok) {
                                (true, _) => "none",
                                (false, true) => "yes",
                                (false, false) => "no",
                            },
                        )
                        .arg("code", code_span(&e.code, false))
                        .arg("stands", if stands { "yes" } else { "no" }),
                    &["code"]
                )
            ));
        }
    }
    if !r.decisions.is_empty() {
        md.push_str(&format!("\n## {}\n\n", loc.text(lang, "report-decisions")));
        for d in &r.decisions {
            md.push_str(&format!(
                "- {}\n",
                md_msg(
                    loc,
                    lang,
                    &Msg::new("report-decision-line")
                        .arg("at", utc(d.at_ms))
                        .arg("table", d.table.clone())
                        .arg("step", one_line(&loc.text(lang, &d.to)))
                        .arg("by", codes(&d.by)),
                    &["step", "by"]
                )
            ));
        }
    }
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
    let text: String = text
        .chars()
        .filter(|c| *c == '\n' || *c == '\t' || !is_hidden(*c))
        .collect();
    let fence = "`".repeat(longest_backticks(&text).max(2) + 1);
    format!("\n{fence}text\n{text}\n{fence}\n\n")
}

/// Control characters and everything invisible (default-ignorable, bidi,
/// Hangul fillers): they end lines or hide text.
fn is_hidden(c: char) -> bool {
    c.is_control() || vmd_core::text::is_hidden(c) || vmd_core::limits::is_invisible_control(c)
}

fn longest_backticks(s: &str) -> usize {
    s.split(|c| c != '`').map(str::len).max().unwrap_or(0)
}

/// Untrusted text as one inline code span nothing inside can close: a fence
/// longer than any backtick run in it, padded when the text starts or ends
/// with a backtick; one line, hidden characters dropped. In a table cell the
/// pipe is escaped too (GFM splits cells before it reads code spans).
fn code_span(s: &str, in_table: bool) -> String {
    let clean: String = s.chars().filter(|c| !is_hidden(*c)).collect();
    let mut v = one_line(&clean);
    if in_table {
        v = v.replace('|', "\\|");
    }
    if v.is_empty() {
        return "-".into();
    }
    let fence = "`".repeat(longest_backticks(&v) + 1);
    let pad = if v.starts_with('`') || v.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{v}{pad}{fence}")
}

/// A value that means nothing in Markdown, HTML or a ticket system: letters,
/// digits, `.`, `:`, `-`, `/` and spaces, and no URL (`://`, `www.`).
/// Identifiers, numbers, addresses and times pass as they are (so Fluent
/// selectors still select on them).
fn md_plain(s: &str) -> bool {
    s.chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | ':' | '-' | '/' | ' '))
        && !s.contains("://")
        && !s.to_ascii_lowercase().contains("www.")
}

const OPEN: char = '\u{E000}';
const CLOSE: char = '\u{E001}';

/// Renders a message for the report: every string argument not named in
/// `trusted` (text we built ourselves) and not [`md_plain`] is untrusted. The
/// message is rendered with a sentinel in its place; where the sentinel sits
/// inside a code span of the locale text, the value goes there one-line with
/// its backticks replaced by a look-alike (U+02CB), elsewhere as its own
/// [`code_span`].
fn md_msg(loc: &Localizer, lang: Lang, msg: &Msg, trusted: &[&str]) -> String {
    let mut m = msg.clone();
    // (value, trusted): trusted text goes in as it is, but after the scan
    // for code spans, so its own backticks can't confuse it.
    let mut values: Vec<(String, bool)> = Vec::new();
    for (name, v) in m.args.iter_mut() {
        if let Arg::Str(s) = v {
            if md_plain(s) {
                continue;
            }
            values.push((std::mem::take(s), trusted.contains(&name.as_str())));
            *s = format!("{OPEN}{}{CLOSE}", values.len() - 1);
        }
    }
    let raw = loc.render(lang, &m);
    if values.is_empty() {
        return raw;
    }
    let mut out = String::with_capacity(raw.len() + 16);
    let mut in_code = false;
    let mut chars = raw.chars();
    while let Some(c) = chars.next() {
        match c {
            '`' => {
                in_code = !in_code;
                out.push(c);
            }
            OPEN => {
                let n: String = chars.by_ref().take_while(|d| *d != CLOSE).collect();
                if let Some((v, ours)) = n.parse::<usize>().ok().and_then(|i| values.get(i)) {
                    if *ours {
                        out.push_str(v);
                    } else if in_code {
                        let clean: String = v.chars().filter(|c| !is_hidden(*c)).collect();
                        out.push_str(&one_line(&clean).replace('`', "\u{02CB}"));
                    } else {
                        out.push_str(&code_span(v, false));
                    }
                }
            }
            c => out.push(c),
        }
    }
    out
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
            inferred: false,
        });
        let r = Report::build(&rb, &s, 2);
        for lang in Lang::ALL {
            let md = report_markdown(&loc, lang, &r);
            assert!(md.contains("2222"), "{md}");
            assert!(!md.contains("$port") && !md.contains("{"), "{md}");
        }
    }

    /// The text of markdown outside code spans and fenced blocks, and the
    /// contents of those, read as CommonMark does: a fence closes only on a
    /// line of at least as many backticks; a code span only on a backtick run
    /// of exactly its opening length; `\` escapes punctuation outside them.
    fn split_code(md: &str) -> (String, Vec<String>) {
        let mut text = String::new();
        let mut code = Vec::new();
        let mut fence: Option<(usize, String)> = None;
        for line in md.lines() {
            let ticks = line.trim_start().chars().take_while(|c| *c == '`').count();
            if let Some((n, body)) = fence.as_mut() {
                if ticks >= *n && line.trim().chars().all(|c| c == '`') {
                    code.push(std::mem::take(body));
                    fence = None;
                } else {
                    body.push_str(line);
                    body.push('\n');
                }
                continue;
            }
            if ticks >= 3 {
                fence = Some((ticks, String::new()));
                continue;
            }
            let c: Vec<char> = line.chars().collect();
            let mut i = 0;
            while i < c.len() {
                if c[i] == '\\' && i + 1 < c.len() && c[i + 1].is_ascii_punctuation() {
                    i += 2;
                    continue;
                }
                if c[i] == '`' {
                    let n = c[i..].iter().take_while(|x| **x == '`').count();
                    let mut j = i + n;
                    let mut close = None;
                    while j < c.len() {
                        if c[j] == '`' {
                            let m = c[j..].iter().take_while(|x| **x == '`').count();
                            if m == n {
                                close = Some(j);
                                break;
                            }
                            j += m;
                        } else {
                            j += 1;
                        }
                    }
                    match close {
                        Some(j) => {
                            code.push(c[i + n..j].iter().collect());
                            i = j + n;
                        }
                        None => {
                            text.extend(&c[i..i + n]);
                            i += n;
                        }
                    }
                    continue;
                }
                text.push(c[i]);
                i += 1;
            }
            text.push('\n');
        }
        assert!(fence.is_none(), "a fenced block never closed:\n{md}");
        (text, code)
    }

    /// Every field that can hold untrusted text, with values that try to
    /// leave their code span, open HTML, link or mention.
    #[test]
    fn hostile_values_stay_inside_code() {
        use vmd_core::paste::{BootProblem, Confidence, Fact, PasteKind, Reading, SshdProblem};
        use vmd_core::probe::*;
        use vmd_core::session::{Answer, PasteRecord, ProbeRecord, Session};
        let loc = Localizer::embedded().unwrap();
        let rb = crate::load_runbooks(crate::RUNBOOK_FILES, &loc).unwrap();
        let evil = |tag: &str| {
            format!(
                "{tag}` `` ``` </details><details><summary>x</summary> <script>alert(1)</script> \
                 <img src=x onerror=alert(1)> [click](https://evil.invalid/{tag}) \
                 <https://evil.invalid> www.evil.invalid @everyone <@123> | a \\| b \u{202E}"
            )
        };
        let target: std::net::IpAddr = "203.0.113.7".parse().unwrap();
        let mut s = Session::new(0);
        s.target = Some(target);
        s.target_name = Some(evil("name"));
        s.os = Some(vmd_core::command::Os::Linux);
        let req = ProbeRequest {
            target,
            icmp: false,
            alternates: false,
            ports: vec![PortSpec {
                port: 22,
                service: Some(Service::Ssh),
            }],
        };
        let mut report = ProbeReport::uniform(&req, PortState::Open, PortReason::SynAck, 5);
        report.ssh = Some(SshResult {
            port: 22,
            banner: Some(evil("banner")),
            kex: vec![evil("kex"), "curve25519-sha256".into()],
            host_key: vec![evil("hostkey")],
            ciphers: Vec::new(),
            macs: Vec::new(),
            legacy_only: false,
            client_hint: None,
            server_message: None,
            error: None,
        });
        s.probes.push(ProbeRecord {
            at_ms: 1,
            purpose: vmd_core::session::Purpose::Initial,
            service_port: 22,
            report,
            findings: vec![vmd_core::findings::Finding::SshOk],
        });
        s.answers.push(Answer {
            at_ms: 2,
            step: "linux.sshd_listen".into(),
            option: None,
            value: Some(evil("typed")),
            inferred: false,
        });
        s.pastes.push(PasteRecord {
            at_ms: 3,
            step: Some("linux.sshd".into()),
            text: format!(
                "{}\n```\n~~~\n    ````` \n{}",
                evil("paste"),
                evil("paste2")
            ),
            readings: vec![Reading {
                kind: PasteKind::Ss,
                confidence: Confidence::High,
                facts: vec![
                    Fact::Listening {
                        addr: evil("addr"),
                        port: 22,
                        owner: Some(evil("owner")),
                    },
                    Fact::Disk {
                        mount: evil("mount"),
                        used_pct: 100,
                    },
                    Fact::Sshd {
                        problem: SshdProblem::Fatal {
                            text: evil("fatal"),
                        },
                    },
                    Fact::Sshd {
                        problem: SshdProblem::BadConfig {
                            line: Some(3),
                            option: Some(evil("option")),
                        },
                    },
                    Fact::Sshd {
                        problem: SshdProblem::FailedPassword {
                            from: Some(evil("from")),
                        },
                    },
                    Fact::Boot {
                        problem: BootProblem::FstabDependency {
                            mount: Some(evil("fstab")),
                        },
                    },
                ],
            }],
        });
        // The user's own words, as first typed.
        s.opening = Some((0, evil("opening")));
        let r = Report::build(&rb, &s, 4);
        let tags = [
            "name", "banner", "kex", "hostkey", "typed", "paste", "paste2", "addr", "owner",
            "mount", "fatal", "option", "from", "fstab", "opening",
        ];
        // In each support language, for a user of each language.
        let pairs: Vec<(Lang, Lang)> = Lang::ALL
            .iter()
            .flat_map(|a| Lang::ALL.iter().map(move |b| (*a, *b)))
            .collect();
        for (lang, user) in pairs {
            let md = report_markdown_for(&loc, lang, user, &r);
            let (text, code) = split_code(&md);
            for bad in [
                "evil",
                "<details",
                "</details",
                "<script",
                "<img",
                "<https",
                "@everyone",
                "<@",
                "](",
                "\u{202E}",
            ] {
                assert!(
                    !text.contains(bad),
                    "{bad:?} outside code:\n{text}\n---\n{md}"
                );
            }
            // Each value, backticks and all, is inside code (facts are said
            // back cut to 40 characters; the rest shows whole).
            for tag in tags {
                assert!(
                    code.iter().any(|c| c.contains(&format!("{tag}` `` ```"))
                        || c.contains(&format!("{tag}\u{02CB} \u{02CB}\u{02CB}"))),
                    "{tag} is not inside one code span:\n{md}"
                );
            }
            for tag in ["banner", "typed", "paste", "paste2", "name"] {
                assert!(
                    code.iter()
                        .any(|c| c.contains(&format!("evil.invalid/{tag}) <https"))),
                    "{tag} is not whole inside one code span:\n{md}"
                );
            }
            assert!(md.contains("curve25519-sha256"), "{md}");
        }
    }

    #[test]
    fn report_cells_are_one_clean_line() {
        assert_eq!(
            code_span("SSH-2.0-a\u{2028}b\u{3164}\u{202E}|c`d\u{E0041}", true),
            "``SSH-2.0-a b\\|c`d``"
        );
    }

    /// The report opens with a summary: the user's words and when, the
    /// hypothesis and the decisive clue, contradictions; each fact with its
    /// source; what was ruled out and how; the route rows and what decided
    /// them. In the support team's language, with the user's beside it.
    #[test]
    fn report_summary_sources_and_the_users_language() {
        use vmd_core::engine::{Engine, EngineConfig, Input};
        use vmd_core::probe::*;
        let loc = Localizer::embedded().unwrap();
        let rb = crate::load_runbooks(crate::RUNBOOK_FILES, &loc).unwrap();
        let e = Engine::new(
            rb,
            EngineConfig {
                idle_ttl_ms: 3_600_000,
                policy: vmd_core::policy::TargetPolicy::new(vec!["203.0.113.0/24"
                    .parse()
                    .unwrap()]),
                egress: Vec::new(),
            },
        );
        let mut s = vmd_core::session::Session::new(0);
        let fx = e.handle(
            &mut s,
            Input::Text("서버 203.0.113.9 우분투인데 접속이 안 돼요".into()),
            1_000,
        );
        let req = fx
            .iter()
            .find_map(|x| match x {
                vmd_core::Effect::Probe(r) => Some(r.clone()),
                _ => None,
            })
            .expect("a probe");
        let fx = e.handle(
            &mut s,
            Input::ProbeDone(Box::new(ProbeReport::uniform(
                &req,
                PortState::Closed,
                PortReason::Reset,
                5,
            ))),
            2_000,
        );
        // The ports a moved sshd often uses: none answers either.
        if let Some(alt) = fx.iter().find_map(|x| match x {
            vmd_core::Effect::Probe(r) => Some(r.clone()),
            _ => None,
        }) {
            e.handle(
                &mut s,
                Input::ProbeDone(Box::new(ProbeReport::uniform(
                    &alt,
                    PortState::Closed,
                    PortReason::Reset,
                    5,
                ))),
                2_000,
            );
        }
        s.phase = vmd_core::session::Phase::Step("linux.firewall".into());
        e.handle(&mut s, Input::Choose("allows".into()), 3_000);
        s.phase = vmd_core::session::Phase::Step("linux.firewall".into());
        e.handle(
            &mut s,
            Input::Paste(
                "$ sudo ufw status\nStatus: inactive\n$ sudo iptables -S\n-P INPUT ACCEPT\n\
                 -A INPUT -p tcp -m tcp --dport 22 -j REJECT --reject-with tcp-reset"
                    .into(),
            ),
            4_000,
        );
        let r = Report::build(e.runbooks(), &s, 5_000);
        let md = report_markdown_for(&loc, Lang::En, Lang::Ko, &r);
        let summary = md.split("\n- Server:").next().unwrap();
        for want in [
            "## Summary",
            "The user's own words (1970-01-01 00:00:01 UTC): `서버 203.0.113.9 우분투인데 접속이 안 돼요`",
            "The user wrote in Korean",
            // The rule shown beats "closed" as the hypothesis.
            "Hypothesis: a firewall rule inside the server blocks the login port",
            "가설: 서버 안 방화벽 규칙이 로그인 포트를 막고 있어요",
            "Decisive clue: `fact:firewall-blocks`",
            "Contradiction: firewall: the user's answer (`said:ruled-out-firewall`) says fine; pasted output (`fact:firewall-blocks`) says a problem and wins (the stronger source).",
            "Contradiction: firewall: pasted output (`fact:firewall-off`) says fine; pasted output (`fact:firewall-blocks`) says a problem and wins (a line about the port beats a tool's overall status).",
            // The user's "it allows the port" is overruled by the rule shown.
            "- Ruled out:\n  - (none)\n",
        ] {
            assert!(summary.contains(want), "{want:?} not in the summary:\n{md}");
        }
        for want in [
            "## Facts and where they came from",
            "1970-01-01 00:00:02: measured by the bot: `finding:port-closed` (port: a problem)\n",
            "said by the user: `said:linux.firewall/allows`\n",
            "said by the user: `said:ruled-out-firewall` (firewall: fine), overruled",
            "pasted output: `fact:firewall-off` (firewall: fine), overruled",
            "pasted output: `fact:firewall-blocks` (firewall: a problem)\n",
            "## Why the conversation went where it did",
            "because `finding:port-closed`, `os:linux` (first probe)",
            // The option the user saw, in their language beside.
            "the user saw: 22번 포트를 허용해요 / 방화벽이 없어요",
        ] {
            assert!(md.contains(want), "{want:?} not in:\n{md}");
        }
        // The same in Korean for a Korean team: nothing beside.
        let ko = report_markdown_for(&loc, Lang::Ko, Lang::Ko, &r);
        assert!(ko.contains("## 요약"), "{ko}");
        assert!(
            ko.contains("사용자 답변(`said:ruled-out-firewall`) 결과는 정상"),
            "{ko}"
        );
        assert!(!ko.contains("사용자가 본 선택지"), "{ko}");
        assert!(!ko.contains("Hypothesis"), "{ko}");
    }

    /// The contradiction the chat names reads as a sentence in both
    /// languages for every subject, source and reason the evidence model
    /// can give (no variable or id left raw), and so does its report line.
    #[test]
    fn every_contradiction_reads_in_both_languages() {
        use vmd_core::evidence::{Contradiction, Evidence, Source, Strength, RANK};
        let loc = Localizer::embedded().unwrap();
        let rb = crate::load_runbooks(crate::RUNBOOK_FILES, &loc).unwrap();
        let empty = Report::build(&rb, &vmd_core::session::Session::new(0), 2);
        let ev = |subject: &str, ok: bool, source: Source, strength: Strength| Evidence {
            subject: subject.into(),
            ok,
            code: "fact:x".into(),
            source,
            strength,
            at_ms: 1,
        };
        for subject in vmd_core::evidence::subjects() {
            for held in RANK {
                for wins in RANK {
                    for strength in [Strength::Status, Strength::Specific] {
                        let c = Contradiction {
                            subject: subject.into(),
                            held: ev(subject, true, held, Strength::Status),
                            wins: ev(subject, false, wins, strength),
                        };
                        let m = vmd_core::engine::contradiction_msg(&c, 22);
                        for lang in Lang::ALL {
                            let text = loc.render(lang, &m);
                            assert!(
                                !text.contains('{') && !text.contains('$') && text.len() > 40,
                                "{lang:?} {subject} {held:?}/{wins:?}: {text}"
                            );
                            if lang == Lang::Ko {
                                assert!(text.contains("볼게요"), "{text}");
                            }
                            let mut r = empty.clone();
                            r.contradictions = vec![c.clone()];
                            let md = report_markdown(&loc, lang, &r);
                            assert!(!md.contains("$held") && !md.contains("$wins"), "{md}");
                        }
                    }
                }
            }
        }
    }
}
