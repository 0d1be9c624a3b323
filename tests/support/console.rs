//! The released binary's `console`, driven line by line as a user would:
//! its output read on a thread, waited for with a generous deadline.
//!
//! Use as `#[path = "support/console.rs"] mod console;`.
#![allow(dead_code)]

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant};

/// `bin` with no config file, logging warnings, probing only loopback with
/// 800 ms deadlines and one echo.
pub fn vm_doctor(bin: &str) -> Command {
    let mut c = Command::new(bin);
    c.env_remove("VM_DOCTOR_CONFIG")
        .env("VM_DOCTOR_LOG", "warn")
        .env("VM_DOCTOR_ALLOW_TARGETS", "127.0.0.0/8")
        .env("VM_DOCTOR_CONNECT_TIMEOUT_MS", "800")
        .env("VM_DOCTOR_HANDSHAKE_TIMEOUT_MS", "800")
        .env("VM_DOCTOR_ICMP_TIMEOUT_MS", "800")
        .env("VM_DOCTOR_ICMP_COUNT", "1");
    c
}

/// A running console.
pub struct Proc {
    pub child: Child,
    pub stdin: ChildStdin,
    pub lines: Receiver<String>,
    /// What it printed since the last [`Proc::send`].
    pub seen: String,
}

impl Proc {
    /// Spawns `c` (a `console` command line) with its stdin and stdout
    /// piped, its stderr the test's.
    pub fn spawn(c: &mut Command) -> Proc {
        let mut child = c
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdin = child.stdin.take().unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, rx) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Proc {
            child,
            stdin,
            lines: rx,
            seen: String::new(),
        }
    }

    /// Types `line`.
    pub fn send(&mut self, line: &str) {
        self.seen.clear();
        writeln!(self.stdin, "{line}").unwrap();
        self.stdin.flush().unwrap();
    }

    /// Waits until the output since the last `send` contains `needle`.
    pub fn expect(&mut self, needle: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(30);
        while !self.seen.contains(needle) {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.lines.recv_timeout(left) {
                Ok(l) => {
                    self.seen.push_str(&l);
                    self.seen.push('\n');
                }
                Err(_) => panic!("timed out waiting for {needle:?}; got:\n{}", self.seen),
            }
        }
        self.seen.clone()
    }
}
