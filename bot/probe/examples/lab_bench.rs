//! Full diagnosis vs `nmap -Pn -p 22,3389` on every lab host, in the same run.
//!
//! Needs root and the lab's packages (see tests/lab/lab.sh); traffic stays in the
//! lab's namespaces. Run: `cargo run --release -p vmd-probe --example lab_bench`
//! (optional argument: timeout in ms, default 1500). Prints a Markdown table.

#[path = "../tests/labkit/mod.rs"]
mod labkit;

use std::process::Command;
use std::time::{Duration, Instant};
use vmd_core::probe::PortState;
use vmd_probe::cli::request_for;
use vmd_probe::{NetProber, ProbeConfig, Prober};

fn nmap_states(ip: &str) -> (Duration, Vec<(u16, String)>) {
    let start = Instant::now();
    let out = Command::new("nmap")
        .args(["-Pn", "-n", "-p", "22,3389", "-oG", "-", ip])
        .output();
    let took = start.elapsed();
    let text = out
        .map(|o| String::from_utf8_lossy(&o.stdout).into_owned())
        .unwrap_or_default();
    let mut states = Vec::new();
    for line in text.lines() {
        if let Some((_, ports)) = line.split_once("Ports: ") {
            for p in ports.split(", ") {
                let mut f = p.split('/');
                if let (Some(port), Some(state)) = (f.next(), f.next()) {
                    if let Ok(port) = port.trim().parse() {
                        states.push((port, state.to_string()));
                    }
                }
            }
        }
    }
    (took, states)
}

fn main() {
    let timeout_ms: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1500);
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
    let prober = NetProber::new(ProbeConfig::with_timeout(Duration::from_millis(timeout_ms)));
    println!(
        "| lab host | vm-doctor (ms) | nmap (ms) | ratio | vm-doctor ports | nmap ports | agree |"
    );
    println!("|---|---:|---:|---:|---|---|---|");
    let (mut ours_total, mut nmap_total, mut all_agree) = (0u128, 0u128, true);
    let mut drop_all = None;
    for (host, ip) in &lab.hosts {
        let req = request_for(*ip, None, None);
        let start = Instant::now();
        let report = rt.block_on(prober.probe(&req));
        let ours = start.elapsed();
        let (theirs, nmap) = nmap_states(&ip.to_string());
        let mine: Vec<(u16, String)> = report
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
        let agree = mine == nmap;
        all_agree &= agree;
        ours_total += ours.as_millis();
        nmap_total += theirs.as_millis();
        if host == "drop-all" {
            drop_all = Some(ours);
        }
        let fmt = |v: &[(u16, String)]| {
            v.iter()
                .map(|(p, s)| format!("{p} {s}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        println!(
            "| {host} | {} | {} | {:.2} | {} | {} | {} |",
            ours.as_millis(),
            theirs.as_millis(),
            ours.as_secs_f64() / theirs.as_secs_f64().max(1e-6),
            fmt(&mine),
            fmt(&nmap),
            if agree { "yes" } else { "NO" }
        );
    }
    println!();
    println!(
        "Total: vm-doctor {ours_total} ms, nmap {nmap_total} ms, ratio {:.2}.",
        ours_total as f64 / (nmap_total as f64).max(1.0)
    );
    if let Some(d) = drop_all {
        println!(
            "All-filtered host: {} ms = {:.2} x the {timeout_ms} ms timeout.",
            d.as_millis(),
            d.as_secs_f64() * 1000.0 / timeout_ms as f64
        );
    }
    println!(
        "Port states agree with nmap on every lab host: {}.",
        if all_agree { "yes" } else { "NO" }
    );
}
