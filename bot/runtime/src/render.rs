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
use vmd_core::msg::{Msg, Reply};
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
    s.split_whitespace().collect::<Vec<_>>().join(" ")
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
}
