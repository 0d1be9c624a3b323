//! The outcome log: one JSON line per finished conversation in
//! `<data-dir>/outcomes.jsonl`, and the summary `vm-doctor stats` prints.
//! This is what a support team reads to improve the runbooks.

use std::collections::BTreeMap;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use vmd_core::outcome::OutcomeRecord;
use vmd_core::session::Outcome;

/// Appends outcome records to a JSON-lines file. Each record is written with
/// one `write` on a file opened in append mode, under a lock, so concurrent
/// conversations never interleave lines.
#[derive(Debug)]
pub struct OutcomeLog {
    path: PathBuf,
    lock: Mutex<()>,
}

impl OutcomeLog {
    pub fn new(path: impl Into<PathBuf>) -> OutcomeLog {
        OutcomeLog {
            path: path.into(),
            lock: Mutex::new(()),
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The append lock, held by the retention task while it rewrites the file.
    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.lock.lock().unwrap_or_else(|p| p.into_inner())
    }

    pub fn append(&self, rec: &OutcomeRecord) -> std::io::Result<()> {
        let mut line = serde_json::to_vec(rec).map_err(std::io::Error::other)?;
        line.push(b'\n');
        let _g = self.lock.lock().unwrap_or_else(|p| p.into_inner());
        let mut f = crate::files::private_options()
            .create(true)
            .append(true)
            .open(&self.path)?;
        f.write_all(&line)
    }
}

/// The id an outcome line gives its conversation: FNV-1a (64 bits) over the
/// session key and the conversation's start. Stable across restarts and
/// builds, so a line written twice (a crash between the line and the store)
/// is recognised; pseudonymous, so the log holds no platform user ids.
pub fn conversation_id(key: &vmd_core::session::SessionKey, started_ms: u64) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let parts = [
        key.platform.as_bytes(),
        key.conversation.as_bytes(),
        key.user.as_bytes(),
        &started_ms.to_be_bytes(),
    ];
    for part in parts {
        for b in part.iter().chain([0x1f_u8].iter()) {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("{h:016x}")
}

/// What `vm-doctor stats` shows.
#[derive(Debug, Default, PartialEq)]
pub struct Stats {
    pub total: usize,
    /// Lines that did not parse (skipped, counted).
    pub unreadable: usize,
    pub by_outcome: BTreeMap<String, usize>,
    /// Median number of answers to each outcome.
    pub median_answers: BTreeMap<String, f64>,
    /// First finding (the most telling one) to outcome counts.
    pub by_first_finding: BTreeMap<String, BTreeMap<String, usize>>,
    /// The step each conversation ended at, to outcome counts.
    pub end_steps: BTreeMap<String, BTreeMap<String, usize>>,
}

/// `s` without control, bidi and zero-width characters: what `stats` prints
/// comes from a file anyone with write access could have edited.
fn printable(s: &str) -> String {
    s.chars()
        .filter(|c| !vmd_core::limits::is_invisible_control(*c))
        .collect()
}

fn outcome_key(o: Outcome) -> &'static str {
    match o {
        Outcome::Fixed => "fixed",
        Outcome::Escalated => "escalated",
        Outcome::Abandoned => "abandoned",
    }
}

/// The finding that says most about a conversation's start: the first
/// problem finding, else the first one.
fn headline(findings: &[String]) -> String {
    const BENIGN: &[&str] = &[
        "icmp-reply",
        "icmp-no-reply",
        "icmp-unavailable",
        "icmp-blocked-port-open",
        "port-open",
    ];
    findings
        .iter()
        .find(|f| !BENIGN.contains(&f.as_str()))
        .or(findings.first())
        .cloned()
        .unwrap_or_else(|| "(none)".into())
}

impl Stats {
    /// Reads the log; a conversation with several lines (written again after
    /// a crash, or ended again after `/back`) counts once, by its last line.
    /// A line that is not UTF-8 or not a record is skipped and counted; the
    /// names kept for the summary (findings, steps) lose their control
    /// characters, so a tampered log cannot send escapes to the terminal.
    pub fn read(mut r: impl BufRead) -> std::io::Result<Stats> {
        let mut st = Stats::default();
        let mut answers: BTreeMap<String, Vec<u32>> = BTreeMap::new();
        let mut records: Vec<Option<OutcomeRecord>> = Vec::new();
        let mut last: std::collections::HashMap<String, usize> = std::collections::HashMap::new();
        let mut buf = Vec::new();
        loop {
            buf.clear();
            if r.read_until(b'\n', &mut buf)? == 0 {
                break;
            }
            let Ok(line) = std::str::from_utf8(&buf) else {
                st.unreadable += 1;
                continue;
            };
            if line.trim().is_empty() {
                continue;
            }
            let Ok(mut rec) = serde_json::from_str::<OutcomeRecord>(line) else {
                st.unreadable += 1;
                continue;
            };
            for f in rec.findings.iter_mut().chain(rec.steps.iter_mut()) {
                *f = printable(f);
            }
            if !rec.conversation.is_empty() {
                if let Some(i) = last.insert(rec.conversation.clone(), records.len()) {
                    // Counted by its last line only.
                    records[i] = None;
                }
            }
            records.push(Some(rec));
        }
        for rec in records.into_iter().flatten() {
            let o = outcome_key(rec.outcome).to_owned();
            st.total += 1;
            *st.by_outcome.entry(o.clone()).or_default() += 1;
            answers.entry(o.clone()).or_default().push(rec.answers);
            *st.by_first_finding
                .entry(headline(&rec.findings))
                .or_default()
                .entry(o.clone())
                .or_default() += 1;
            let end = rec
                .steps
                .last()
                .cloned()
                .unwrap_or_else(|| "(before any step)".into());
            *st.end_steps.entry(end).or_default().entry(o).or_default() += 1;
        }
        for (o, mut v) in answers {
            v.sort_unstable();
            let n = v.len();
            let m = if n % 2 == 1 {
                f64::from(v[n / 2])
            } else {
                (f64::from(v[n / 2 - 1]) + f64::from(v[n / 2])) / 2.0
            };
            st.median_answers.insert(o, m);
        }
        Ok(st)
    }

    /// A plain-text summary for operators (English: this is an operator tool).
    pub fn render(&self) -> String {
        let mut out = String::new();
        let pct = |n: usize| {
            if self.total == 0 {
                0.0
            } else {
                100.0 * n as f64 / self.total as f64
            }
        };
        out.push_str(&format!("conversations: {}\n", self.total));
        if self.unreadable > 0 {
            out.push_str(&format!("unreadable lines skipped: {}\n", self.unreadable));
        }
        out.push_str("\noutcomes (median answers to the outcome):\n");
        for (o, n) in &self.by_outcome {
            out.push_str(&format!(
                "  {o:<10} {n:>6}  {:>5.1}%  median answers {}\n",
                pct(*n),
                self.median_answers.get(o).copied().unwrap_or(0.0)
            ));
        }
        let row = |m: &BTreeMap<String, usize>| {
            ["fixed", "escalated", "abandoned"]
                .iter()
                .map(|k| format!("{k} {}", m.get(*k).copied().unwrap_or(0)))
                .collect::<Vec<_>>()
                .join(", ")
        };
        out.push_str("\noutcomes by first finding:\n");
        let mut firsts: Vec<_> = self.by_first_finding.iter().collect();
        firsts.sort_by_key(|(k, m)| (std::cmp::Reverse(m.values().sum::<usize>()), (*k).clone()));
        for (f, m) in firsts {
            out.push_str(&format!("  {f:<28} {}\n", row(m)));
        }
        out.push_str("\nwhere conversations end:\n");
        let mut ends: Vec<_> = self.end_steps.iter().collect();
        ends.sort_by_key(|(k, m)| (std::cmp::Reverse(m.values().sum::<usize>()), (*k).clone()));
        for (s, m) in ends {
            out.push_str(&format!("  {s:<28} {}\n", row(m)));
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(outcome: Outcome, answers: u32, findings: &[&str], steps: &[&str]) -> OutcomeRecord {
        OutcomeRecord {
            ts: 1,
            platform: "console".into(),
            ip: "203.0.113.9".into(),
            os: "linux".into(),
            outcome,
            steps: steps.iter().map(|s| s.to_string()).collect(),
            answers,
            findings: findings.iter().map(|s| s.to_string()).collect(),
            started_ms: 1,
            conversation: String::new(),
        }
    }

    #[test]
    fn log_appends_lines_and_stats_summarise_them() {
        let dir = tempfile::tempdir().unwrap();
        let log = OutcomeLog::new(dir.path().join("outcomes.jsonl"));
        log.append(&rec(
            Outcome::Fixed,
            1,
            &["icmp-reply", "port-closed"],
            &["linux.vnc", "linux.sshd", "triage.fixed"],
        ))
        .unwrap();
        log.append(&rec(
            Outcome::Fixed,
            3,
            &["port-closed"],
            &["linux.vnc", "triage.fixed"],
        ))
        .unwrap();
        log.append(&rec(
            Outcome::Escalated,
            6,
            &["port-filtered"],
            &["common.escalate"],
        ))
        .unwrap();
        log.append(&rec(
            Outcome::Abandoned,
            0,
            &["port-filtered"],
            &["triage.security_group"],
        ))
        .unwrap();
        std::fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .unwrap()
            .write_all(b"{not json\n")
            .unwrap();
        let text = std::fs::read_to_string(log.path()).unwrap();
        assert_eq!(text.lines().count(), 5);
        let st = Stats::read(std::io::Cursor::new(text)).unwrap();
        assert_eq!(st.total, 4);
        assert_eq!(st.unreadable, 1);
        assert_eq!(st.by_outcome["fixed"], 2);
        assert_eq!(st.median_answers["fixed"], 2.0);
        assert_eq!(st.by_first_finding["port-closed"]["fixed"], 2);
        assert_eq!(st.by_first_finding["port-filtered"]["abandoned"], 1);
        assert_eq!(st.end_steps["triage.fixed"]["fixed"], 2);
        let r = st.render();
        assert!(r.contains("conversations: 4"), "{r}");
        assert!(r.contains("port-filtered"), "{r}");
    }

    #[test]
    fn bad_bytes_and_terminal_escapes_in_the_log_are_skipped_or_stripped() {
        let mut tampered = rec(
            Outcome::Escalated,
            2,
            &["port-closed\u{1b}]0;owned\u{7}\u{1b}[2J"],
            &["linux.sshd\r\u{202e}evil"],
        );
        tampered.conversation = "a".into();
        let mut text =
            serde_json::to_vec(&rec(Outcome::Fixed, 1, &["port-closed"], &["x"])).unwrap();
        text.extend_from_slice(b"\n{\"ts\": 1, \xff\xfe not utf-8}\n");
        text.extend_from_slice(&serde_json::to_vec(&tampered).unwrap());
        text.push(b'\n');
        let st = Stats::read(std::io::Cursor::new(text)).unwrap();
        assert_eq!(st.total, 2);
        assert_eq!(st.unreadable, 1);
        let r = st.render();
        assert!(r.contains("port-closed]0;owned[2J"), "{r}");
        assert!(r.contains("linux.sshdevil"), "{r}");
        assert!(
            !r.chars()
                .any(|c| c != '\n' && vmd_core::limits::is_invisible_control(c)),
            "{r:?}"
        );
    }

    #[test]
    fn a_conversation_logged_twice_counts_once_by_its_last_line() {
        use vmd_core::session::SessionKey;
        let a = conversation_id(&SessionKey::new("discord", "1", "2"), 10);
        assert_eq!(
            a,
            conversation_id(&SessionKey::new("discord", "1", "2"), 10)
        );
        assert_ne!(
            a,
            conversation_id(&SessionKey::new("discord", "1", "2"), 11)
        );
        assert_ne!(
            a,
            conversation_id(&SessionKey::new("discord", "12", ""), 10)
        );
        assert_eq!(a.len(), 16, "{a}");
        let mut first = rec(
            Outcome::Escalated,
            4,
            &["port-closed"],
            &["common.escalate"],
        );
        first.conversation = a.clone();
        let mut again = first.clone();
        again.outcome = Outcome::Fixed;
        let other = rec(
            Outcome::Escalated,
            2,
            &["port-closed"],
            &["common.escalate"],
        );
        let text: String = [&first, &other, &first, &again]
            .iter()
            .map(|r| serde_json::to_string(r).unwrap() + "\n")
            .collect();
        let st = Stats::read(std::io::Cursor::new(text)).unwrap();
        assert_eq!(st.total, 2);
        assert_eq!(st.by_outcome["fixed"], 1);
        assert_eq!(st.by_outcome["escalated"], 1);
    }
}
