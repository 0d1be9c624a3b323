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
    let dropped = |p: u16| json!({"port": p, "state": "filtered", "reason": "timeout"});
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
            json!({"icmp": {"state": "no_reply"}, "ports": [dropped(22), dropped(3389)],
                   "ssh": null, "rdp": null}),
            &["icmp-no-reply", "port-filtered", "no-answer-at-all"],
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

    drop(lab);
    assert!(errs.is_empty(), "lab mismatches:\n{}", errs.join("\n"));
}
