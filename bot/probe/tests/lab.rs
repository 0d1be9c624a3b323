//! NetProber against real fake VMs in network namespaces (tests/lab/lab.sh).
//!
//! Traffic only goes to 203.0.113.0/24 inside namespaces this test creates. Where
//! the lab cannot be built (not root, no netns, sshd/xrdp missing) the test prints
//! `LAB SKIPPED: <reason>` and passes, unless `VM_DOCTOR_REQUIRE_LAB=1`.

mod labkit;

use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;
use vmd_probe::cli::{findings_for, request_for, to_json};
use vmd_probe::{NetProber, ProbeConfig, Prober};

const TIMEOUT_MS: u64 = 1500;

fn cfg() -> ProbeConfig {
    ProbeConfig::with_timeout(Duration::from_millis(TIMEOUT_MS))
}

/// Expected JSON per host: a subset of fields, plus the findings as a set.
fn expectations() -> Vec<(&'static str, Value, &'static [&'static str])> {
    let open = |p: u16| json!({"port": p, "state": "open", "reason": "syn_ack"});
    let closed = |p: u16| json!({"port": p, "state": "closed", "reason": "reset"});
    // Dropped on a host that answers something else: judged on the measured round trip.
    let dropped = |p: u16| json!({"port": p, "state": "filtered", "reason": "timeout", "basis": "adaptive_deadline"});
    // Dropped on a host where nothing answers: the configured timeout.
    let silent_host = |p: u16| json!({"port": p, "state": "filtered", "reason": "timeout", "basis": "full_timeout"});
    let prohibited = |p: u16| json!({"port": p, "state": "filtered", "reason": "host_unreachable"});
    vec![
        (
            "ssh-ok",
            json!({"icmp": {"state": "reply"}, "ports": [open(22), closed(3389)],
                   "ssh": {"port": 22, "legacy_only": false, "error": null}, "rdp": null}),
            &["icmp-reply", "port-open", "ssh-ok"],
        ),
        (
            "ssh-legacy",
            json!({"icmp": {"state": "reply"}, "ports": [open(22), closed(3389)],
                   "ssh": {"port": 22, "host_key": ["ssh-rsa"], "legacy_only": true, "error": null}}),
            &["icmp-reply", "port-open", "ssh-legacy-only"],
        ),
        (
            "rdp-nego",
            json!({"ports": [closed(22), open(3389)], "ssh": null,
                   "rdp": {"port": 3389, "accepts": ["rdp", "tls"], "error": null}}),
            &["icmp-reply", "port-open", "rdp-ok"],
        ),
        (
            "rdp-tls",
            json!({"ports": [closed(22), open(3389)],
                   "rdp": {"port": 3389, "accepts": ["tls"], "error": null}}),
            &["icmp-reply", "port-open", "rdp-ok", "rdp-tls-only"],
        ),
        (
            "rdp-classic",
            json!({"ports": [closed(22), open(3389)],
                   "rdp": {"port": 3389, "accepts": ["rdp"], "error": null}}),
            &["icmp-reply", "port-open", "rdp-ok", "rdp-classic-only"],
        ),
        (
            "fw-drop",
            json!({"icmp": {"state": "reply"}, "ports": [dropped(22), dropped(3389)],
                   "ssh": null, "rdp": null}),
            &["icmp-reply", "port-filtered"],
        ),
        (
            "fw-reset",
            json!({"ports": [closed(22), closed(3389)], "ssh": null, "rdp": null}),
            &["icmp-reply", "port-closed"],
        ),
        (
            "fw-prohibit",
            json!({"ports": [prohibited(22), prohibited(3389)], "ssh": null, "rdp": null}),
            &["icmp-reply", "port-filtered", "host-unreachable"],
        ),
        (
            // Behind a router that refuses SSH/RDP itself (tests/lab/lab.sh behind_router).
            "fw-router",
            json!({"icmp": {"state": "reply"}, "ports": [prohibited(22), prohibited(3389)], "ssh": null, "rdp": null}),
            &["icmp-reply", "port-filtered", "host-unreachable"],
        ),
        (
            "icmp-drop",
            json!({"icmp": {"state": "no_reply"}, "ports": [open(22), closed(3389)],
                   "ssh": {"port": 22, "legacy_only": false, "error": null}}),
            &[
                "icmp-no-reply",
                "icmp-blocked-port-open",
                "port-open",
                "ssh-ok",
            ],
        ),
        (
            "drop-all",
            json!({"icmp": {"state": "no_reply"}, "ports": [silent_host(22), silent_host(3389)],
                   "ssh": null, "rdp": null}),
            &["icmp-no-reply", "port-filtered", "no-answer-at-all"],
        ),
        (
            "mixed",
            json!({"icmp": {"state": "reply"}, "ports": [dropped(22), closed(3389)],
                   "ssh": null, "rdp": null}),
            &["icmp-reply", "port-filtered"],
        ),
        (
            "syn-lossy",
            json!({"icmp": {"state": "reply"}, "ports": [open(22), closed(3389)],
                   "ssh": {"port": 22, "legacy_only": false, "error": null}}),
            &["icmp-reply", "port-open", "ssh-ok"],
        ),
        (
            "not-ssh",
            json!({"ports": [open(22), closed(3389)], "ssh": {"port": 22, "banner": null, "error": "not_ssh"}}),
            &["icmp-reply", "port-open", "ssh-not-ssh"],
        ),
        (
            "not-rdp",
            json!({"ports": [closed(22), open(3389)], "rdp": {"port": 3389, "accepts": [], "error": "not_rdp"}}),
            &["icmp-reply", "port-open", "rdp-not-rdp"],
        ),
        (
            "silent",
            json!({"ports": [open(22), open(3389)], "ssh": {"port": 22, "error": "no_banner"},
                   "rdp": {"port": 3389, "error": "no_answer"}}),
            &["icmp-reply", "port-open", "ssh-no-banner"],
        ),
        (
            "maxstartups",
            json!({"ports": [open(22), closed(3389)], "ssh": {"port": 22, "error": "server_refused"}}),
            &["icmp-reply", "port-open", "ssh-server-refused"],
        ),
    ]
}

/// `want` must be contained in `got` (objects: by key; everything else: equal).
fn subset(path: &str, want: &Value, got: &Value, errs: &mut Vec<String>) {
    match (want, got) {
        (Value::Object(w), Value::Object(g)) => {
            for (k, wv) in w {
                match g.get(k) {
                    Some(gv) => subset(&format!("{path}.{k}"), wv, gv, errs),
                    None => errs.push(format!("{path}.{k} missing")),
                }
            }
        }
        (Value::Array(w), Value::Array(g)) if w.len() == g.len() => {
            for (i, (wv, gv)) in w.iter().zip(g).enumerate() {
                subset(&format!("{path}[{i}]"), wv, gv, errs);
            }
        }
        _ if want == got => {}
        _ => errs.push(format!("{path}: want {want}, got {got}")),
    }
}

fn skip_or_fail(reason: &str) {
    if labkit::lab_required() {
        panic!("LAB REQUIRED (VM_DOCTOR_REQUIRE_LAB=1) but it cannot be built: {reason}");
    }
    // Straight to the process's stderr: libtest captures eprintln! of passing tests.
    use std::io::Write;
    let bar = "=".repeat(62);
    let _ = writeln!(std::io::stderr(), "\n{bar}\nLAB SKIPPED: {reason}\n{bar}\n");
}

#[test]
fn lab_hosts() {
    let lab = match labkit::Lab::up() {
        Ok(lab) => lab,
        Err(reason) => return skip_or_fail(&reason),
    };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let prober = NetProber::new(cfg());
    let cases = expectations();

    // All hosts at once: each diagnosis is itself concurrent and bounded.
    let results = rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for (i, (host, _, _)) in cases.iter().enumerate() {
            let req = request_for(lab.ip(host), None, None);
            let prober = prober.clone();
            set.spawn(async move {
                let report = prober.probe(&req).await;
                (i, req, report)
            });
        }
        let mut out = Vec::new();
        while let Some(r) = set.join_next().await {
            out.push(r.expect("probe task"));
        }
        out.sort_by_key(|(i, _, _)| *i);
        out
    });

    let mut errs = Vec::new();
    for ((host, want, want_findings), (_, req, report)) in cases.iter().zip(&results) {
        let findings = findings_for(req, report);
        let j = to_json(report, &findings);
        let got = serde_json::to_value(&j).expect("json");
        eprintln!("{host}: {got}");
        let mut host_errs = Vec::new();
        subset("", want, &got, &mut host_errs);
        assert_eq!(j.target, lab.ip(host).to_string());
        let got_f: BTreeSet<&str> = j.findings.iter().map(String::as_str).collect();
        let want_f: BTreeSet<&str> = want_findings.iter().copied().collect();
        if got_f != want_f {
            host_errs.push(format!("findings: want {want_f:?}, got {got_f:?}"));
        }
        // Whole diagnosis bounded by about one timeout (+ the handshake on open ports).
        if report.elapsed_ms >= 3 * TIMEOUT_MS {
            host_errs.push(format!("took {} ms", report.elapsed_ms));
        }
        // Exactly the configured echoes, each with its own round trip, sent in
        // process (this test runs as root: a raw socket at least).
        if let Some(icmp) = &report.icmp {
            if icmp.sent != 3 || icmp.echoes.len() != 3 {
                host_errs.push(format!("icmp echoes {icmp:?}"));
            }
            let want_rx = if matches!(*host, "icmp-drop" | "drop-all") {
                0
            } else {
                3
            };
            if icmp.received != want_rx {
                host_errs.push(format!(
                    "icmp received {} of 3, want {want_rx}",
                    icmp.received
                ));
            }
            if !matches!(
                icmp.method,
                Some(vmd_core::probe::IcmpMethod::Dgram | vmd_core::probe::IcmpMethod::Raw)
            ) {
                host_errs.push(format!("icmp method {:?}", icmp.method));
            }
        }
        // Adaptive verdicts end the run well before the configured timeout.
        if matches!(*host, "fw-drop" | "mixed") && report.elapsed_ms >= TIMEOUT_MS {
            host_errs.push(format!("adaptive host took {} ms", report.elapsed_ms));
        }
        // All-filtered host: about one timeout, not the sum of them.
        if *host == "drop-all" && report.elapsed_ms >= 2 * TIMEOUT_MS {
            host_errs.push(format!(
                "all-filtered host took {} ms, >= 2 x {TIMEOUT_MS} ms",
                report.elapsed_ms
            ));
        }
        match *host {
            "ssh-ok" | "icmp-drop" => {
                let ssh = report.ssh.as_ref().expect("ssh");
                let banner = ssh.banner.as_deref().unwrap_or("");
                if !banner.starts_with("SSH-2.0-OpenSSH_") {
                    host_errs.push(format!("banner {banner:?}"));
                }
                if !ssh.kex.iter().any(|k| k == "curve25519-sha256") {
                    host_errs.push(format!("kex {:?}", ssh.kex));
                }
                if !ssh.host_key.iter().any(|k| k == "ssh-ed25519") {
                    host_errs.push(format!("host_key {:?}", ssh.host_key));
                }
            }
            "ssh-legacy" => {
                let ssh = report.ssh.as_ref().expect("ssh");
                let real: Vec<&String> = ssh
                    .kex
                    .iter()
                    .filter(|k| !k.starts_with("kex-strict-") && !k.starts_with("ext-info-"))
                    .collect();
                if real != ["diffie-hellman-group14-sha1"] {
                    host_errs.push(format!("kex {:?}", ssh.kex));
                }
                let hint = ssh.client_hint.as_deref().unwrap_or("");
                if !hint.contains("-oKexAlgorithms=+diffie-hellman-group14-sha1")
                    || !hint.contains("-oHostKeyAlgorithms=+ssh-rsa")
                {
                    host_errs.push(format!("client_hint {hint:?}"));
                }
            }
            // Who refused (the ICMP error's origin, from the socket's error
            // queue): the server itself, or the router on the way.
            "fw-prohibit" | "fw-router" => {
                let from = if *host == "fw-prohibit" {
                    lab.ip(host)
                } else {
                    lab.ip("router")
                };
                let want = Some(vmd_core::probe::IcmpFrom {
                    origin: from,
                    icmp_type: 3,
                    code: 13,
                });
                for p in &report.ports {
                    if p.icmp != want {
                        host_errs.push(format!(
                            "port {} refused by {:?}, want {want:?}",
                            p.port, p.icmp
                        ));
                    }
                }
            }
            "syn-lossy" => {
                // The first SYN was lost; a fresh one got through: open, not filtered.
                let p22 = report.port(22).expect("port 22");
                if p22.attempts != 2 || p22.basis != Some(vmd_core::probe::VerdictBasis::SynAck) {
                    host_errs.push(format!("port 22 after a lost SYN: {p22:?}"));
                }
            }
            "maxstartups" => {
                let msg = report
                    .ssh
                    .as_ref()
                    .and_then(|s| s.server_message.as_deref());
                if msg != Some("Exceeded MaxStartups") {
                    host_errs.push(format!("server_message {msg:?}"));
                }
            }
            _ => {}
        }
        errs.extend(host_errs.into_iter().map(|e| format!("{host}: {e}")));
    }

    // A declared custom port on a Windows host: RDP on both, 3390 closed here.
    let rdp_tls = lab.ip("rdp-tls");
    let req = request_for(rdp_tls, Some("windows"), Some(3390));
    let report = rt.block_on(prober.probe(&req));
    let j = serde_json::to_value(to_json(&report, &findings_for(&req, &report))).expect("json");
    subset(
        "windows+3390",
        &json!({"ports": [{"port": 3389, "state": "open"}, {"port": 3390, "state": "closed"}],
                "rdp": {"port": 3389, "accepts": ["tls"]}}),
        &j,
        &mut errs,
    );

    // Unknown OS with the custom port on the RDP host: the "either" port finds RDP.
    let rdp_nego = lab.ip("rdp-nego");
    let req = vmd_core::probe::ProbeRequest {
        target: rdp_nego,
        icmp: false,
        alternates: false,
        ports: request_for(rdp_nego, None, Some(2222))
            .ports
            .into_iter()
            .map(|mut p| {
                if p.port == 2222 {
                    p.port = 3389;
                }
                p
            })
            .collect(),
    };
    let report = rt.block_on(prober.probe(&req));
    let accepts = report.rdp.as_ref().map(|r| r.accepts.clone());
    if accepts
        != Some(vec![
            vmd_core::probe::RdpLayer::Rdp,
            vmd_core::probe::RdpLayer::Tls,
        ])
    {
        errs.push(format!("either-port on rdp-nego: {accepts:?}"));
    }

    icmp_under_concurrency(&lab, &rt, &mut errs);
    states_under_loss(&lab, &rt, &cases, &mut errs);

    drop(lab);
    assert!(errs.is_empty(), "lab mismatches:\n{}", errs.join("\n"));
}

/// Many ICMP runs at once, several per host: every run gets exactly its own
/// replies (a mix-up would give a dropping host replies, or a run more or fewer
/// than it sent).
fn icmp_under_concurrency(lab: &labkit::Lab, rt: &tokio::runtime::Runtime, errs: &mut Vec<String>) {
    const PER_HOST: usize = 4;
    let plan = vmd_probe::icmp::Plan {
        count: 3,
        interval: Duration::from_millis(2),
        timeout: Duration::from_millis(1000),
        tuning: vmd_probe::Tuning::default(),
    };
    let results = rt.block_on(async {
        let mut set = tokio::task::JoinSet::new();
        for (host, ip) in &lab.hosts {
            for _ in 0..PER_HOST {
                let (host, ip) = (host.clone(), *ip);
                set.spawn(async move {
                    // Each run has its own round-trip knowledge, as in a probe run.
                    let rtt = vmd_probe::PathRtt::new();
                    (host, vmd_probe::icmp::ping(ip, plan, &rtt).await)
                });
            }
        }
        let mut out = Vec::new();
        while let Some(r) = set.join_next().await {
            out.push(r.expect("ping task"));
        }
        out
    });
    assert_eq!(results.len(), lab.hosts.len() * PER_HOST);
    for (host, r) in results {
        let want = if matches!(host.as_str(), "icmp-drop" | "drop-all") {
            0
        } else {
            3
        };
        if r.sent != 3 || r.received != want || r.echoes.len() != 3 {
            errs.push(format!(
                "concurrent icmp to {host}: want 3 sent, {want} received; got {r:?}"
            ));
        }
    }
}

/// Port states with 10% random loss both ways: the same as without loss (and
/// as nmap's, see BENCHMARKS.md). A host that disagrees gets one more run, so
/// the test catches systematic misjudgement, not the rare run where all four
/// SYNs or their answers were lost.
fn states_under_loss(
    lab: &labkit::Lab,
    rt: &tokio::runtime::Runtime,
    cases: &[(&'static str, Value, &'static [&'static str])],
    errs: &mut Vec<String>,
) {
    let how = match lab.loss(10) {
        Ok(how) => how,
        Err(e) => {
            errs.push(format!("could not add loss: {e}"));
            return;
        }
    };
    if how != "netem" {
        // Straight to the process's stderr (libtest captures eprintln!): say it loudly.
        use std::io::Write;
        let _ = writeln!(
            std::io::stderr(),
            "\nLAB NOTE: this kernel has no tc netem; 10% loss emulated with nftables ({how})\n"
        );
    }
    let prober = NetProber::new(cfg());
    let states = |report: &vmd_core::probe::ProbeReport| -> Vec<(u16, vmd_core::probe::PortState)> {
        report.ports.iter().map(|p| (p.port, p.state)).collect()
    };
    let want_of = |want: &Value| -> Vec<(u16, vmd_core::probe::PortState)> {
        want["ports"]
            .as_array()
            .map(|ps| {
                ps.iter()
                    .map(|p| {
                        (
                            p["port"].as_u64().unwrap_or(0) as u16,
                            serde_json::from_value(p["state"].clone()).expect("state"),
                        )
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    for attempt in 0..2 {
        let pending: Vec<_> = cases
            .iter()
            .filter(|(host, _, _)| {
                attempt == 0 || errs.iter().any(|e| e.starts_with(&format!("loss {host}:")))
            })
            .map(|(host, want, _)| (*host, want_of(want)))
            .collect();
        if pending.is_empty() {
            break;
        }
        errs.retain(|e| !e.starts_with("loss "));
        let got = rt.block_on(async {
            let mut set = tokio::task::JoinSet::new();
            for (host, want) in pending {
                let req = request_for(lab.ip(host), None, None);
                let prober = prober.clone();
                set.spawn(async move { (host, want, prober.probe(&req).await) });
            }
            let mut out = Vec::new();
            while let Some(r) = set.join_next().await {
                out.push(r.expect("probe task"));
            }
            out
        });
        for (host, want, report) in got {
            if states(&report) != want {
                errs.push(format!(
                    "loss {host}: want {want:?}, got {:?} (run {})",
                    report.ports,
                    attempt + 1
                ));
            }
        }
    }
    if let Err(e) = lab.loss(0) {
        errs.push(format!("could not remove loss: {e}"));
    }
}
