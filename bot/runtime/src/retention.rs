//! Retention: target IPs are data about customers, so nothing keeps them
//! longer than `VM_DOCTOR_RETENTION_DAYS`. This module prunes the escalation
//! reports (`<data-dir>/reports/`, by modification time) and the outcome log
//! (`outcomes.jsonl`, rewritten atomically keeping the lines newer than the
//! cutoff). Sessions past their TTL are the store's business (`Store::prune`).
//!
//! The functions take the cutoff as an argument (no clock here): the binary's
//! periodic task computes it, tests pass whatever time they like.

use crate::outcomes::OutcomeLog;
use std::io::{BufRead, Write};
use std::path::Path;
use std::time::SystemTime;

/// Removes the regular files in `dir` last modified before `cutoff`; returns
/// how many. A missing directory is empty. Subdirectories are left alone.
pub fn prune_reports(dir: &Path, cutoff: SystemTime) -> std::io::Result<usize> {
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(e),
    };
    let mut n = 0;
    for e in entries {
        let e = e?;
        let meta = match e.metadata() {
            Ok(m) => m,
            Err(_) => continue, // removed meanwhile
        };
        if !meta.is_file() {
            continue;
        }
        if meta.modified()? < cutoff {
            match std::fs::remove_file(e.path()) {
                Ok(()) => n += 1,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(n)
}

/// What pruning the outcome log did.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct OutcomePrune {
    pub kept: usize,
    pub removed: usize,
    /// Lines without a readable `ts`: removed too, since their age is unknown
    /// and they may hold an address.
    pub unreadable: usize,
}

/// Rewrites the outcome log keeping only records with `ts >= cutoff_ms`. The
/// new file is written next to the old one, synced, then renamed over it, all
/// under the log's append lock: a crash leaves either the old or the new log,
/// and no append is lost. Nothing to remove: the file is left untouched.
pub fn prune_outcomes(log: &OutcomeLog, cutoff_ms: u64) -> std::io::Result<OutcomePrune> {
    #[derive(serde::Deserialize)]
    struct Ts {
        ts: u64,
    }
    let _g = log.lock();
    let path = log.path();
    let f = match std::fs::File::open(path) {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(OutcomePrune::default()),
        Err(e) => return Err(e),
    };
    let mut keep: Vec<u8> = Vec::new();
    let mut r = OutcomePrune::default();
    for line in std::io::BufReader::new(f).split(b'\n') {
        let line = line?;
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        match serde_json::from_slice::<Ts>(&line) {
            Ok(t) if t.ts >= cutoff_ms => {
                keep.extend_from_slice(&line);
                keep.push(b'\n');
                r.kept += 1;
            }
            Ok(_) => r.removed += 1,
            Err(_) => r.unreadable += 1,
        }
    }
    if r.removed == 0 && r.unreadable == 0 {
        return Ok(r);
    }
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    let dir = dir.unwrap_or(Path::new("."));
    let tmp = dir.join(format!(
        ".{}.retention-tmp",
        path.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "outcomes.jsonl".into())
    ));
    {
        let mut out = crate::files::private_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        out.write_all(&keep)?;
        out.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    // The rename is durable once the directory is synced.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    #[test]
    fn old_reports_go_new_ones_stay() {
        let dir = tempfile::tempdir().unwrap();
        let old = dir.path().join("report-old.md");
        let new = dir.path().join("report-new.md");
        std::fs::write(&old, "ip 203.0.113.7").unwrap();
        std::fs::write(&new, "ip 203.0.113.8").unwrap();
        let now = SystemTime::now();
        let f = std::fs::File::options().write(true).open(&old).unwrap();
        f.set_modified(now - Duration::from_secs(40 * 86_400))
            .unwrap();
        let cutoff = now - Duration::from_secs(30 * 86_400);
        assert_eq!(prune_reports(dir.path(), cutoff).unwrap(), 1);
        assert!(!old.exists());
        assert!(new.exists());
        assert_eq!(prune_reports(dir.path(), cutoff).unwrap(), 0);
        assert_eq!(
            prune_reports(&dir.path().join("missing"), cutoff).unwrap(),
            0
        );
    }

    #[test]
    fn outcome_lines_older_than_the_cutoff_are_rewritten_away() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("outcomes.jsonl");
        std::fs::write(
            &path,
            concat!(
                r#"{"ts":100,"platform":"console","ip":"203.0.113.1","os":"linux","outcome":"fixed","steps":[],"answers":1,"findings":[]}"#,
                "\n",
                "not json\n",
                r#"{"ts":5000,"platform":"console","ip":"203.0.113.2","os":"linux","outcome":"escalated","steps":[],"answers":2,"findings":[]}"#,
                "\n\n",
            ),
        )
        .unwrap();
        let log = OutcomeLog::new(&path);
        let r = prune_outcomes(&log, 1000).unwrap();
        assert_eq!(
            r,
            OutcomePrune {
                kept: 1,
                removed: 1,
                unreadable: 1
            }
        );
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(!text.contains("203.0.113.1"), "{text}");
        assert!(text.contains("203.0.113.2"));
        assert_eq!(text.lines().count(), 1);
        // Still a log the stats and later appends work with.
        let st = crate::outcomes::Stats::read(std::io::BufReader::new(text.as_bytes())).unwrap();
        assert_eq!(st.total, 1);
        assert_eq!(st.unreadable, 0);
        // Nothing to remove: untouched, no temp file left.
        assert_eq!(prune_outcomes(&log, 1000).unwrap().removed, 0);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1, "{names:?}");
        // A missing log is fine.
        let none = OutcomeLog::new(dir.path().join("none.jsonl"));
        assert_eq!(
            prune_outcomes(&none, 1000).unwrap(),
            OutcomePrune::default()
        );
    }
}
