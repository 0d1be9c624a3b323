//! What the alternate-port check costs in probe time: for each address, the
//! first probe of a Linux diagnosis (ping and port 22, as the engine asks
//! it) and then the alternate-port check (`Service::moved_ports` of SSH,
//! with ping only when ping answered, as the engine asks it after a closed
//! or dropped port 22), each
//! timed with the real prober and its default deadlines, `runs` times; the
//! medians and their ratio are printed.
//!
//!     bash tests/lab/lab.sh up alt        # as root: the network lab (prints the hosts)
//!     cargo run -p vm-doctor --example alt_cost -- 3 203.0.113.26 203.0.113.30 203.0.113.34 203.0.113.42
//!     bash tests/lab/lab.sh down alt
//!
//! Lab hosts: fw-drop (.26: 22 dropped, ping answers), fw-reset (.30: 22
//! reset), fw-prohibit (.34: 22 refused with ICMP admin-prohibited),
//! drop-all (.42: everything dropped, ping too). Only addresses you name are
//! probed; use the lab or servers you own.

use std::time::{Duration, Instant};
use vmd_core::probe::{PortSpec, ProbeRequest, Service};
use vmd_probe::{NetProber, Prober};

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    let mut args = std::env::args().skip(1);
    let runs: usize = args
        .next()
        .and_then(|a| a.parse().ok())
        .filter(|n| *n > 0)
        .unwrap_or_else(|| {
            eprintln!("usage: alt_cost <runs> <ip>...");
            std::process::exit(2)
        });
    let targets: Vec<std::net::IpAddr> = args.filter_map(|a| a.parse().ok()).collect();
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let prober = NetProber::default();
    println!("| target | port 22 | first probe (ping + 22) | alternate check (4 ports) | ratio |");
    println!("|---|---|---:|---:|---:|");
    for target in targets {
        let first = ProbeRequest {
            target,
            icmp: true,
            alternates: false,
            ports: vec![PortSpec {
                port: 22,
                service: Some(Service::Ssh),
            }],
        };
        let mut alt = ProbeRequest {
            target,
            icmp: false,
            alternates: true,
            ports: Service::Ssh
                .moved_ports()
                .iter()
                .map(|p| PortSpec {
                    port: *p,
                    service: Some(Service::Ssh),
                })
                .collect(),
        };
        let (mut a, mut b) = (Vec::new(), Vec::new());
        let mut state = String::new();
        for _ in 0..runs {
            let t = Instant::now();
            let r = rt.block_on(prober.probe(&first));
            a.push(t.elapsed());
            // As the engine asks it: ping again when ping answered
            // (`ALT_NO_PING=1`: never, to see what that ping saves).
            alt.icmp = std::env::var_os("ALT_NO_PING").is_none()
                && r.icmp
                    .as_ref()
                    .is_some_and(|i| i.state == vmd_core::probe::IcmpState::Reply);
            state = r
                .port(22)
                .map(|p| format!("{:?} ({:?})", p.state, p.reason))
                .unwrap_or_default();
            let t = Instant::now();
            rt.block_on(prober.probe(&alt));
            b.push(t.elapsed());
        }
        let (a, b) = (median(a), median(b));
        println!(
            "| {target} | {state} | {:.1} ms | {:.1} ms | {:.2} |",
            a.as_secs_f64() * 1000.0,
            b.as_secs_f64() * 1000.0,
            b.as_secs_f64() / a.as_secs_f64().max(1e-6)
        );
    }
}
