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
        let first = match driver.phase(&self.key) {
            Ok(Some(_)) => Input::Resume,
            Ok(None) => Input::Text(String::new()),
            // A record this build cannot read: the turn says so (one from a
            // newer vm-doctor is left as it is, as on Discord and Slack) or
            // starts afresh (a damaged one goes to quarantine); the console
            // goes on either way.
            Err(e) => {
                tracing::warn!(error = %e, "the stored conversation cannot be read");
                Input::Text(String::new())
            }
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
        // The console's reader is the operator: support, who sees the
        // provider's rule details whatever `cloud.show` says.
        let caller = vmd_runtime::admission::Caller {
            support: true,
            ..Default::default()
        };
        if let Err(e) = driver
            .turn_as(&self.key, caller, input, self.lang, &mut sink)
            .await
        {
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
        discard_line(input)?;
    }
    Ok(Some(String::from_utf8_lossy(&buf).into_owned()))
}

/// Skips the rest of the current line (through its newline) without keeping
/// any of it: memory stays at the reader's own buffer however long it is.
fn discard_line(input: &mut impl BufRead) -> std::io::Result<u64> {
    let mut skipped = 0u64;
    loop {
        let (used, done) = {
            let buf = match input.fill_buf() {
                Ok(b) => b,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => return Err(e),
            };
            if buf.is_empty() {
                return Ok(skipped);
            }
            match buf.iter().position(|&b| b == b'\n') {
                Some(i) => (i + 1, true),
                None => (buf.len(), false),
            }
        };
        input.consume(used);
        skipped += used as u64;
        if done {
            return Ok(skipped);
        }
    }
}

fn save_report(dir: &Path, markdown: &str) -> std::io::Result<PathBuf> {
    vmd_runtime::files::create_private_dir(dir)?;
    let path = dir.join(format!("report-{}.md", now_ms()));
    vmd_runtime::files::write_private(&path, markdown.as_bytes())?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::io::Read;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// The test binary's allocator, remembering the largest single allocation.
    struct Largest;
    static LARGEST: AtomicUsize = AtomicUsize::new(0);
    unsafe impl GlobalAlloc for Largest {
        unsafe fn alloc(&self, l: Layout) -> *mut u8 {
            LARGEST.fetch_max(l.size(), Ordering::Relaxed);
            System.alloc(l)
        }
        unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
            System.dealloc(p, l)
        }
        unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
            LARGEST.fetch_max(new, Ordering::Relaxed);
            System.realloc(p, l, new)
        }
    }
    #[global_allocator]
    static ALLOC: Largest = Largest;

    /// `len` bytes of `a` without a newline, then `rest`; never holds more
    /// than one chunk, and counts the largest slice it handed out.
    struct Endless {
        left: u64,
        rest: std::io::Cursor<Vec<u8>>,
        chunk: Vec<u8>,
    }

    impl Read for Endless {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let b = self.fill_buf()?;
            let n = b.len().min(out.len());
            out[..n].copy_from_slice(&b[..n]);
            self.consume(n);
            Ok(n)
        }
    }

    impl BufRead for Endless {
        fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
            if self.left > 0 {
                let n = self.left.min(self.chunk.len() as u64) as usize;
                Ok(&self.chunk[..n])
            } else {
                self.rest.fill_buf()
            }
        }
        fn consume(&mut self, n: usize) {
            if self.left > 0 {
                self.left -= n as u64;
            } else {
                self.rest.consume(n);
            }
        }
    }

    #[test]
    fn an_endless_line_is_cut_and_skipped_without_buffering() {
        // 300 MB without a newline: the old code buffered all of it.
        let mut r = Endless {
            left: 300 << 20,
            rest: std::io::Cursor::new(b"\n/status\n".to_vec()),
            chunk: vec![b'a'; 64 * 1024],
        };
        let first = read_line(&mut r).unwrap().unwrap();
        assert_eq!(first.len(), MAX_LINE);
        assert_eq!(read_line(&mut r).unwrap().unwrap(), "/status\n");
        assert_eq!(read_line(&mut r).unwrap(), None);
        // Nothing near the line's size was ever allocated (the old code held it all).
        let largest = LARGEST.load(Ordering::Relaxed);
        assert!(largest < 32 << 20, "largest allocation {largest} bytes");
    }

    #[test]
    fn a_conversation_stored_by_a_newer_version_is_refused_politely_not_fatally() {
        let key = SessionKey::new("console", "local", "alice");
        let store = vmd_runtime::store::MemStore::default();
        let future = br#"{"v": 2, "session": {"something": "else"}}"#.to_vec();
        store.insert_raw(&key, future.clone());
        let store = std::sync::Arc::new(store);
        let cfg = crate::config::Config::load(None, &Default::default()).unwrap();
        let prober = vmd_probe::NetProber::new(cfg.probe.clone());
        let driver =
            crate::build_driver(&cfg, vmd_runtime::RUNBOOK_FILES, prober, store.clone()).unwrap();
        let reports = std::env::temp_dir();
        let console = Console {
            key: key.clone(),
            lang: Some(Lang::En),
            tty: false,
            report_dir: &reports,
        };
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let mut out = Vec::new();
        let script = std::io::Cursor::new(b"/status\n/quit\n".to_vec());
        rt.block_on(console.run(&driver, script, &mut out))
            .expect("the console goes on");
        let out = String::from_utf8(out).unwrap();
        let said = driver.localizer().text(Lang::En, "limit-record-too-new");
        assert!(out.contains(&said), "{out}");
        // Left exactly as the newer version wrote it.
        assert_eq!(store.raw(&key), Some(future));
    }

    #[test]
    fn discard_line_stops_at_the_newline_or_the_end() {
        let mut c = std::io::Cursor::new(b"abc\ndef".to_vec());
        assert_eq!(discard_line(&mut c).unwrap(), 4);
        assert_eq!(discard_line(&mut c).unwrap(), 3);
        assert_eq!(discard_line(&mut c).unwrap(), 0);
    }
}
