//! The console adapter: one line in, the engine's replies out.
//!
//! With a terminal it is a small chat (a prompt, numbered options); with piped
//! stdin it prints plain text and handles each line to completion (probes
//! included) before reading the next, so conversations can be scripted.

use anyhow::Result;
use std::io::{BufRead, Write};
use std::path::{Path, PathBuf};
use vmd_core::command::{self, Command, Lang};
use vmd_core::engine::Input;
use vmd_core::msg::Severity;
use vmd_core::session::SessionKey;
use vmd_probe::Prober;
use vmd_runtime::driver::now_ms;
use vmd_runtime::render;
use vmd_runtime::store::Store;
use vmd_runtime::{Driver, Outgoing};

/// Longest line read from the console; the rest of a longer line is dropped.
const MAX_LINE: usize = 8 * 1024;

pub struct Console<'a> {
    pub key: SessionKey,
    pub lang: Option<Lang>,
    pub tty: bool,
    /// Where escalation reports are written.
    pub report_dir: &'a Path,
}

impl Console<'_> {
    pub async fn run<P: Prober, S: Store>(
        &self,
        driver: &Driver<P, S>,
        mut input: impl BufRead,
        out: &mut (impl Write + Send),
    ) -> Result<()> {
        let first = match driver.phase(&self.key)? {
            Some(_) => Input::Resume,
            None => Input::Text(String::new()),
        };
        self.turn(driver, first, out).await?;
        if self.tty {
            // Bracketed paste: the terminal marks pasted text, so a multi-line
            // paste arrives as one message.
            write!(out, "{BRACKETED_ON}")?;
        }
        let result = self.chat(driver, &mut input, out).await;
        if self.tty {
            write!(out, "{BRACKETED_OFF}")?;
            out.flush()?;
        }
        result
    }

    async fn chat<P: Prober, S: Store>(
        &self,
        driver: &Driver<P, S>,
        input: &mut impl BufRead,
        out: &mut (impl Write + Send),
    ) -> Result<()> {
        loop {
            if self.tty {
                write!(out, "> ")?;
                out.flush()?;
            }
            let Some(line) = read_line(input)? else {
                break;
            };
            // A paste: `/paste` ... `/end` in scripts, or a bracketed paste
            // from a terminal.
            let paste = if line.trim() == "/paste" {
                Some(read_paste(input, |l| l.trim() == "/end")?)
            } else if let Some(first) = line.strip_prefix(PASTE_START) {
                let first = first.to_owned();
                if let Some(done) = first
                    .split(PASTE_END)
                    .next()
                    .filter(|_| first.contains(PASTE_END))
                {
                    Some(done.to_owned())
                } else {
                    let rest = read_paste(input, |l| l.contains(PASTE_END))?;
                    Some(format!("{first}{rest}"))
                }
            } else {
                None
            };
            if let Some(text) = paste {
                self.turn(driver, Input::Paste(text), out).await?;
                continue;
            }
            let line = line.trim();
            if line.is_empty() {
                continue;
            }
            let quit = matches!(command::parse(line), Some(Ok(Command::Quit)));
            self.turn(driver, Input::Text(line.to_owned()), out).await?;
            if quit {
                break;
            }
        }
        Ok(())
    }

    async fn turn<P: Prober, S: Store>(
        &self,
        driver: &Driver<P, S>,
        input: Input,
        out: &mut (impl Write + Send),
    ) -> Result<()> {
        let tty = self.tty;
        let report_dir = self.report_dir.to_path_buf();
        let mut failed: Option<std::io::Error> = None;
        let loc = driver.localizer();
        let mut sink = |ev: Outgoing| {
            if failed.is_some() {
                return;
            }
            let text = match ev {
                Outgoing::Reply { lang, reply } => {
                    let body = strip_markup(&render::plain(loc, lang, &reply));
                    if tty {
                        format!("{}{body}\x1b[0m\n", colour(reply.severity))
                    } else {
                        format!("{body}\n")
                    }
                }
                Outgoing::Escalation {
                    lang,
                    url,
                    markdown,
                    ..
                } => {
                    let mut t = loc.render(
                        lang,
                        &vmd_core::msg::Msg::new("ticket-link").arg("url", url),
                    );
                    t.push('\n');
                    match save_report(&report_dir, &markdown) {
                        Ok(path) => t.push_str(
                            &loc.render(
                                lang,
                                &vmd_core::msg::Msg::new("report-saved")
                                    .arg("path", path.display().to_string()),
                            ),
                        ),
                        Err(e) => {
                            tracing::warn!(error = %e, "could not save the report; printing it");
                            t.push_str(&markdown);
                        }
                    }
                    format!("{t}\n")
                }
                Outgoing::Ended(_) | Outgoing::Progress { .. } => return,
            };
            if let Err(e) = writeln!(out, "{text}").and_then(|_| out.flush()) {
                failed = Some(e);
            }
        };
        if let Err(e) = driver.turn(&self.key, input, self.lang, &mut sink).await {
            tracing::error!(error = %e, "turn failed");
            let lang = self.lang.unwrap_or(Lang::En);
            writeln!(out, "{}\n", driver.localizer().text(lang, "err-internal"))?;
        }
        if let Some(e) = failed {
            return Err(e.into());
        }
        Ok(())
    }
}

const BRACKETED_ON: &str = "\x1b[?2004h";
const BRACKETED_OFF: &str = "\x1b[?2004l";
const PASTE_START: &str = "\x1b[200~";
const PASTE_END: &str = "\x1b[201~";

/// Reads the lines of a paste until `end` says a line closes it (the closing
/// line's text before a bracketed-paste end marker is kept). Keeps at most
/// `MAX_PASTE + 1` bytes (so the engine can say it was too long) and reads the
/// rest without keeping it.
fn read_paste(input: &mut impl BufRead, end: impl Fn(&str) -> bool) -> std::io::Result<String> {
    let cap = vmd_core::paste::MAX_PASTE + 1;
    let mut text = String::new();
    while let Some(line) = read_line(input)? {
        let closes = end(&line);
        let keep = if closes {
            line.split(PASTE_END).next().unwrap_or("").to_owned()
        } else {
            line
        };
        if text.len() < cap && !(closes && keep.trim() == "/end") {
            let room = cap - text.len();
            let mut cut = keep.len().min(room);
            while !keep.is_char_boundary(cut) {
                cut -= 1;
            }
            text.push_str(&keep[..cut]);
        }
        if closes {
            break;
        }
    }
    Ok(text)
}

fn read_line(input: &mut impl BufRead) -> std::io::Result<Option<String>> {
    let mut buf = Vec::new();
    let n = std::io::Read::take(&mut *input, MAX_LINE as u64).read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if n == MAX_LINE && buf.last() != Some(&b'\n') {
        // Drop the rest of an over-long line.
        let mut sink = Vec::new();
        input.read_until(b'\n', &mut sink)?;
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

fn save_report(dir: &Path, markdown: &str) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("report-{}.md", now_ms()));
    std::fs::write(&path, markdown)?;
    Ok(path)
}

/// The console shows markdown emphasis as plain text.
fn strip_markup(s: &str) -> String {
    s.replace("**", "")
}

fn colour(s: Severity) -> &'static str {
    match s {
        Severity::Info => "\x1b[0m",
        Severity::Good => "\x1b[32m",
        Severity::Warning => "\x1b[33m",
        Severity::Problem => "\x1b[31m",
    }
}
