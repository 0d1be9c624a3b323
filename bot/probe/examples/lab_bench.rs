//! vm-doctor against `nmap -Pn -n -p 22,3389` on the network lab, in one run.
//!
//! Needs root, the lab's packages (see tests/lab/lab.sh), nmap, and the release
//! binary (`cargo build --release -p vm-doctor`); traffic stays in the lab's
//! namespaces. Run:
//!
//!     cargo build --release -p vm-doctor
//!     cargo run --release -p vmd-probe --example lab_bench
//!
//! Prints the Markdown for BENCHMARKS.md:
//! - every lab host, the probe engine in process at 1500 ms deadlines vs nmap;
//! - (a) a live host with one port closed and one filtered, `vm-doctor probe`
//!   at its default timeouts vs nmap;
//! - (b) a host that drops everything, at the default timeouts;
//! - (c) the whole lab as one fleet call vs one nmap call over the same hosts;
//! - (d) port-state agreement, without loss and with 10% loss both ways;
//! - peak memory (max RSS) of every process measured.

#[path = "../tests/labkit/mod.rs"]
mod labkit;

use std::collections::BTreeMap;
use std::io::Read;
use std::net::IpAddr;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use vmd_core::probe::PortState;
use vmd_probe::cli::request_for;
use vmd_probe::{NetProber, ProbeConfig, Prober};

type States = Vec<(u16, String)>;

/// Wall time, peak RSS (KiB) and stdout of one process.
struct Measured {
    took: Duration,
    max_rss_kib: i64,
    stdout: String,
}

// The child is reaped by wait4 (for its rusage), not by `Child::wait`.
#[allow(clippy::zombie_processes)]
fn measure(cmd: &mut Command) -> Measured {
    let start = Instant::now();
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("spawn {cmd:?}: {e}"));
    let mut stdout = String::new();
    if let Some(mut out) = child.stdout.take() {
        let _ = out.read_to_string(&mut stdout);
    }
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value to be overwritten by wait4.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 on our own child's pid, with valid pointers; the child is
    // reaped here and `child` is not waited on afterwards.
    let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(r, pid, "wait4");
    Measured {
        took: start.elapsed(),
        max_rss_kib: usage.ru_maxrss,
        stdout,
    }
}

fn nmap(ips: &[IpAddr]) -> (Measured, BTreeMap<IpAddr, States>) {
    let mut c = Command::new("nmap");
    c.args(["-Pn", "-n", "-p", "22,3389", "-oG", "-"]);
    for ip in ips {
        c.arg(ip.to_string());
    }
    let m = measure(&mut c);
    let mut states = BTreeMap::new();
    for line in m.stdout.lines() {
        let Some(rest) = line.strip_prefix("Host: ") else {
            continue;
        };
        let Some((host, ports)) = rest.split_once("Ports: ") else {
            continue;
        };
        let Some(ip) = host.split_whitespace().next().and_then(|h| h.parse().ok()) else {
            continue;
        };
        let mut v = Vec::new();
        for p in ports.split(", ") {
            let mut f = p.split('/');
            if let (Some(port), Some(state)) = (f.next(), f.next()) {
                if let Ok(port) = port.trim().parse() {
                    v.push((port, state.to_string()));
                }
            }
        }
        states.insert(ip, v);
    }
    (m, states)
}

fn vm_doctor_bin() -> std::path::PathBuf {
    let exe = std::env::current_exe().expect("current exe");
    // target/release/examples/lab_bench -> target/release/vm-doctor
    let bin = exe
        .parent()
        .and_then(|p| p.parent())
        .map(|p| p.join("vm-doctor"))
        .expect("target dir");
    assert!(
        bin.exists(),
        "{} missing: cargo build --release -p vm-doctor first",
        bin.display()
    );
    bin
}

/// `vm-doctor probe --json` on `ips` (default config unless `timeout_ms`).
fn ours(ips: &[IpAddr], timeout_ms: Option<u64>) -> (Measured, BTreeMap<IpAddr, States>) {
    let mut c = Command::new(vm_doctor_bin());
    c.env_remove("VM_DOCTOR_CONFIG")
        .env("VM_DOCTOR_ALLOW_TARGETS", "203.0.113.0/24")
        .arg("probe")
        .arg("--json");
    if let Some(t) = timeout_ms {
        c.arg("--timeout-ms").arg(t.to_string());
    }
    for ip in ips {
        c.arg(ip.to_string());
    }
    let m = measure(&mut c);
    let mut states = BTreeMap::new();
    // One pretty object for one target, JSON lines for several.
    let values: Vec<serde_json::Value> = if ips.len() == 1 {
        serde_json::from_str(&m.stdout).into_iter().collect()
    } else {
        m.stdout
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect()
    };
    for v in values {
        let (Some(ip), Some(ports)) = (
            v["target"].as_str().and_then(|t| t.parse().ok()),
            v["ports"].as_array(),
        ) else {
            continue;
        };
        let s = ports
            .iter()
            .map(|p| {
                (
                    p["port"].as_u64().unwrap_or(0) as u16,
                    p["state"].as_str().unwrap_or("?").to_string(),
                )
            })
            .collect();
        states.insert(ip, s);
    }
    (m, states)
}

fn fmt(v: &[(u16, String)]) -> String {
    v.iter()
        .map(|(p, s)| format!("{p} {s}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn ms(d: Duration) -> u128 {
    d.as_millis()
}

fn mib(kib: i64) -> String {
    format!("{:.1}", kib as f64 / 1024.0)
}

fn main() {
    let lab = match labkit::Lab::up() {
        Ok(lab) => lab,
        Err(e) => {
            eprintln!("LAB SKIPPED: {e}");
            std::process::exit(2);
        }
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let ips: Vec<IpAddr> = lab.hosts.values().copied().collect();

    // Every host, the engine in process, 1500 ms deadlines.
    let timeout_ms = 1500;
    let prober = NetProber::new(ProbeConfig::with_timeout(Duration::from_millis(timeout_ms)));
    println!("### Every lab host, probe engine in process, every deadline {timeout_ms} ms\n");
    println!(
        "| lab host | vm-doctor (ms) | nmap (ms) | ratio | vm-doctor ports | nmap ports | agree |"
    );
    println!("|---|---:|---:|---:|---|---|---|");
    let (mut ours_total, mut nmap_total, mut all_agree) = (0u128, 0u128, true);
    for (host, ip) in &lab.hosts {
        let req = request_for(*ip, None, None);
        let start = Instant::now();
        let report = rt.block_on(prober.probe(&req));
        let took = start.elapsed();
        let (m, theirs) = nmap(&[*ip]);
        let theirs = theirs.get(ip).cloned().unwrap_or_default();
        let mine: States = report
            .ports
            .iter()
            .map(|p| {
                let s = match p.state {
                    PortState::Open => "open",
                    PortState::Closed => "closed",
                    PortState::Filtered => "filtered",
                    PortState::Inconclusive => "inconclusive",
                };
                (p.port, s.to_string())
            })
            .collect();
        let agree = mine == theirs;
        all_agree &= agree;
        ours_total += ms(took);
        nmap_total += ms(m.took);
        println!(
            "| {host} | {} | {} | {:.2} | {} | {} | {} |",
            ms(took),
            ms(m.took),
            took.as_secs_f64() / m.took.as_secs_f64().max(1e-6),
            fmt(&mine),
            fmt(&theirs),
            if agree { "yes" } else { "NO" }
        );
    }
    println!(
        "\nTotal: vm-doctor {ours_total} ms, nmap {nmap_total} ms, ratio {:.2}. Port states agree on every host: {}.\n",
        ours_total as f64 / (nmap_total as f64).max(1.0),
        if all_agree { "yes" } else { "NO" }
    );

    // (a), (b): the binary at its default timeouts, one host.
    let d = ProbeConfig::default();
    println!(
        "### (a) (b) `vm-doctor probe` at its defaults (connect {} ms, handshake {} ms, ICMP {} x within {} ms)\n",
        d.connect_timeout.as_millis(),
        d.handshake_timeout.as_millis(),
        d.icmp_count,
        d.icmp_timeout.as_millis()
    );
    println!("| case | lab host | vm-doctor (ms) | nmap (ms) | ratio | vm-doctor peak RSS (MiB) | nmap peak RSS (MiB) | vm-doctor ports | nmap ports |");
    println!("|---|---|---:|---:|---:|---:|---:|---|---|");
    for (case, host) in [
        ("(a) one port closed, one filtered", "mixed"),
        ("(b) drops everything", "drop-all"),
    ] {
        let ip = lab.ip(host);
        let (o, os) = ours(&[ip], None);
        let (n, ns) = nmap(&[ip]);
        println!(
            "| {case} | {host} | {} | {} | {:.2} | {} | {} | {} | {} |",
            ms(o.took),
            ms(n.took),
            o.took.as_secs_f64() / n.took.as_secs_f64(),
            mib(o.max_rss_kib),
            mib(n.max_rss_kib),
            fmt(os.get(&ip).map(Vec::as_slice).unwrap_or(&[])),
            fmt(ns.get(&ip).map(Vec::as_slice).unwrap_or(&[])),
        );
        if host == "drop-all" {
            println!(
                "\n(b) drop-all: {} ms = {:.3} x the {} ms connect timeout.\n",
                ms(o.took),
                o.took.as_secs_f64() / d.connect_timeout.as_secs_f64(),
                d.connect_timeout.as_millis()
            );
        }
    }

    // (c): the whole lab in one call each.
    println!(
        "### (c) The whole lab ({} hosts) as one fleet call vs one nmap call\n",
        ips.len()
    );
    println!("| vm-doctor deadlines | vm-doctor (ms) | nmap (ms) | ratio | vm-doctor peak RSS (MiB) | nmap peak RSS (MiB) | states agree |");
    println!("|---|---:|---:|---:|---:|---:|---|");
    let mut truth: BTreeMap<IpAddr, States> = BTreeMap::new();
    for (label, t) in [
        ("defaults (connect 3000, handshake 4000)", None),
        ("every deadline 3000 ms (`--timeout-ms 3000`)", Some(3000)),
    ] {
        let (o, os) = ours(&ips, t);
        let (n, ns) = nmap(&ips);
        if truth.is_empty() {
            truth = ns.clone();
        }
        println!(
            "| {label} | {} | {} | {:.2} | {} | {} | {} |",
            ms(o.took),
            ms(n.took),
            o.took.as_secs_f64() / n.took.as_secs_f64(),
            mib(o.max_rss_kib),
            mib(n.max_rss_kib),
            if os == ns && os.len() == ips.len() {
                "yes"
            } else {
                "NO"
            }
        );
    }

    // (d): agreement without and with loss, against the loss-free nmap states.
    const ROUNDS: usize = 10;
    println!(
        "\n### (d) Port-state agreement ({} hosts x 2 ports, fleet call at defaults vs one nmap call)\n",
        ips.len()
    );
    println!("| loss | rounds | vm-doctor right | nmap right | vm-doctor vs nmap agree |");
    println!("|---|---:|---:|---:|---:|");
    for pct in [0u8, 10] {
        let how = if pct > 0 {
            match lab.loss(pct) {
                Ok(how) => format!("{pct}% both ways ({how})"),
                Err(e) => {
                    println!("| {pct}% | skipped: {e} | | | |");
                    continue;
                }
            }
        } else {
            "none".to_string()
        };
        let (mut right_o, mut right_n, mut agree, mut total) = (0, 0, 0, 0);
        let mut misses: Vec<String> = Vec::new();
        for round in 0..ROUNDS {
            let (_, os) = ours(&ips, None);
            let (_, ns) = nmap(&ips);
            for ip in &ips {
                let want = truth.get(ip).cloned().unwrap_or_default();
                let o = os.get(ip).cloned().unwrap_or_default();
                let n = ns.get(ip).cloned().unwrap_or_default();
                for (i, (port, w)) in want.iter().enumerate() {
                    total += 1;
                    let os_ = o.get(i).map(|x| &x.1);
                    let ns_ = n.get(i).map(|x| &x.1);
                    right_o += usize::from(os_ == Some(w));
                    right_n += usize::from(ns_ == Some(w));
                    agree += usize::from(os_ == ns_);
                    if os_ != Some(w) || ns_ != Some(w) {
                        misses.push(format!(
                            "round {} {ip}:{port} want {w}, vm-doctor {}, nmap {}",
                            round + 1,
                            os_.map_or("-", |s| s.as_str()),
                            ns_.map_or("-", |s| s.as_str())
                        ));
                    }
                }
            }
        }
        println!("| {how} | {ROUNDS} | {right_o}/{total} | {right_n}/{total} | {agree}/{total} |");
        for m in misses {
            eprintln!("miss: {m}");
        }
        if pct > 0 {
            let _ = lab.loss(0);
        }
    }
}
