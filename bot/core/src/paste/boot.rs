//! Boot and serial-console text.

use super::text::{capped, conf, push};
use super::{BootProblem, Fact, PasteKind, Reading};

/// Kernel panics, maintenance and emergency mode, fstab dependencies, a full
/// disk, sshd failing to start.
pub(crate) fn boot(text: &str) -> Option<Reading> {
    let mut facts = Vec::new();
    let mut boot_lines = 0;
    for line in text.lines() {
        let l = line.trim();
        if l.starts_with("[  OK  ]")
            || l.starts_with("[FAILED]")
            || l.starts_with("[DEPEND]")
            || l.starts_with("[    ")
            || l.starts_with("[ ") && l.as_bytes().get(2).is_some_and(|c| c.is_ascii_digit())
        {
            boot_lines += 1;
        }
        let problem = if l.contains("Kernel panic - not syncing") {
            Some(BootProblem::KernelPanic)
        } else if l.contains("Give root password for maintenance") {
            Some(BootProblem::Maintenance)
        } else if l.contains("You are in emergency mode") {
            Some(BootProblem::EmergencyMode)
        } else if let Some(rest) = l.split("Dependency failed for ").nth(1) {
            let what = rest.trim().trim_end_matches('.');
            let mount = what.starts_with('/').then(|| capped(what, 64));
            Some(BootProblem::FstabDependency { mount })
        } else if l.contains("No space left on device") {
            Some(BootProblem::NoSpace)
        } else if l.contains("Failed to start OpenSSH")
            || l.contains("Failed to start OpenBSD Secure Shell")
            || l.contains("Failed to start ssh.service")
            || l.contains("Failed to start sshd.service")
        {
            Some(BootProblem::SshFailedToStart)
        } else {
            None
        };
        if let Some(problem) = problem {
            push(&mut facts, Fact::Boot { problem });
        }
    }
    if facts.is_empty() {
        return None;
    }
    // A named mount says more than "Local File Systems".
    let named = facts.iter().any(|f| {
        matches!(
            f,
            Fact::Boot {
                problem: BootProblem::FstabDependency { mount: Some(_) }
            }
        )
    });
    if named {
        facts.retain(|f| {
            *f != Fact::Boot {
                problem: BootProblem::FstabDependency { mount: None },
            }
        });
    }
    Some(Reading {
        kind: PasteKind::Boot,
        confidence: conf(boot_lines >= 2 || facts.len() >= 2),
        facts,
    })
}
