//! Bring the network lab (tests/lab/lab.sh) up and down around a test or bench.
//!
//! Shared by `tests/lab.rs` and `examples/lab_bench.rs` (via `#[path]`).

#![allow(dead_code)]

use std::collections::BTreeMap;
use std::fs::File;
use std::net::IpAddr;
use std::path::PathBuf;
use std::process::Command;

/// A running lab; `Drop` tears it down (also when a test panics).
pub struct Lab {
    prefix: String,
    script: PathBuf,
    /// Host name -> address (in 203.0.113.0/24, inside our own namespaces).
    pub hosts: BTreeMap<String, IpAddr>,
    _lock: File,
}

pub fn script() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/lab/lab.sh")
}

/// Whether a missing lab must fail (CI sets `VM_DOCTOR_REQUIRE_LAB=1`).
pub fn lab_required() -> bool {
    std::env::var("VM_DOCTOR_REQUIRE_LAB").is_ok_and(|v| v == "1")
}

impl Lab {
    /// Build the lab, or say why it cannot be built here.
    pub fn up() -> Result<Lab, String> {
        let script = script();
        let check = Command::new("bash")
            .arg(&script)
            .arg("check")
            .output()
            .map_err(|e| format!("cannot run {}: {e}", script.display()))?;
        if !check.status.success() {
            return Err(String::from_utf8_lossy(&check.stdout).trim().to_string());
        }
        // One lab at a time on this machine: the address plan is fixed.
        let lock = File::create(std::env::temp_dir().join("vm-doctor-lab.lock"))
            .map_err(|e| format!("lock file: {e}"))?;
        lock.lock().map_err(|e| format!("lock: {e}"))?;
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let prefix = format!("v{:x}", (std::process::id() ^ nanos) & 0xff_ffff);
        let mut lab = Lab {
            prefix,
            script,
            hosts: BTreeMap::new(),
            _lock: lock,
        };
        let out = Command::new("bash")
            .arg(&lab.script)
            .arg("up")
            .arg(&lab.prefix)
            .output()
            .map_err(|e| format!("lab.sh up: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "lab.sh up failed: {}",
                String::from_utf8_lossy(&out.stderr).trim()
            ));
        }
        for line in String::from_utf8_lossy(&out.stdout).lines() {
            let mut it = line.split_whitespace();
            if let (Some(name), Some(ip)) = (it.next(), it.next()) {
                if let Ok(ip) = ip.parse() {
                    lab.hosts.insert(name.to_string(), ip);
                }
            }
        }
        Ok(lab)
    }

    /// Random loss of `pct`% both ways on every host; returns how ("netem" or "nft").
    pub fn loss(&self, pct: u8) -> Result<String, String> {
        let out = Command::new("bash")
            .arg(&self.script)
            .arg("loss")
            .arg(&self.prefix)
            .arg(pct.to_string())
            .output()
            .map_err(|e| format!("lab.sh loss: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_string());
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    }

    pub fn ip(&self, host: &str) -> IpAddr {
        *self
            .hosts
            .get(host)
            .unwrap_or_else(|| panic!("lab host {host} missing: {:?}", self.hosts))
    }
}

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = Command::new("bash")
            .arg(&self.script)
            .arg("down")
            .arg(&self.prefix)
            .status();
    }
}
