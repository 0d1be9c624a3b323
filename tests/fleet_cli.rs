//! `vm-doctor probe` with several targets and with host names, driven as a user
//! would: the real binary, real listeners on loopback.
//!
//! Host names resolve through a resolver setup the test controls: an
//! `/etc/hosts` bind-mounted in a private mount namespace, and for DNS
//! rebinding a tiny DNS server on 127.0.0.1:53 inside a private network
//! namespace (so no query ever leaves the machine). Those two need root and
//! `unshare`; without them they print `NAMESPACES SKIPPED: <why>` and pass,
//! unless `VM_DOCTOR_REQUIRE_LAB=1`.

use std::io::Write;
use std::net::TcpListener;
use std::path::Path;
use std::process::{Command, Output, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_vm-doctor");

fn cmd() -> Command {
    let mut c = Command::new(BIN);
    c.env_remove("VM_DOCTOR_CONFIG")
        .env("LANG", "C")
        .env("VM_DOCTOR_LOG", "warn")
        .env("VM_DOCTOR_ALLOW_TARGETS", "127.0.0.0/8")
        .env("VM_DOCTOR_CONNECT_TIMEOUT_MS", "800")
        .env("VM_DOCTOR_HANDSHAKE_TIMEOUT_MS", "800")
        .env("VM_DOCTOR_ICMP_TIMEOUT_MS", "800");
    c
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn json_lines(o: &Output) -> Vec<serde_json::Value> {
    stdout(o)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l:?}")))
        .collect()
}

/// A listener on 127.0.0.1 that greets like OpenSSH.
fn ssh_like() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = l.local_addr().expect("addr").port();
    std::thread::spawn(move || {
        for mut s in l.incoming().flatten() {
            let _ = s.write_all(b"SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3\r\n");
        }
    });
    port
}

#[test]
fn fleet_from_arguments_a_file_and_stdin_as_json_lines_and_a_table() {
    let port = ssh_like();
    let dir = tempfile::tempdir().expect("tmp");
    let file = dir.path().join("fleet.txt");
    std::fs::write(
        &file,
        "# my servers\n127.0.0.1\n10.0.0.1   # private: refused\n",
    )
    .expect("write");
    let run = |json: bool| {
        let mut c = cmd();
        c.args(["probe", "--os", "linux", "--port", &port.to_string()])
            .arg("--file")
            .arg(&file)
            .args(["-", "127.0.0.3/32"]);
        if json {
            c.arg("--json");
        }
        let mut child = c
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn");
        child
            .stdin
            .take()
            .expect("stdin")
            .write_all(b"127.0.0.2, bad!\n")
            .expect("stdin");
        let out = child.wait_with_output().expect("wait");
        assert!(
            out.status.success(),
            "refusals are not fatal: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        out
    };

    let lines = json_lines(&run(true));
    let targets: Vec<&str> = lines
        .iter()
        .map(|l| l["target"].as_str().unwrap_or("summary"))
        .collect();
    // Arguments in order (stdin where `-` stands), then the file.
    assert_eq!(
        targets,
        [
            "127.0.0.2",
            "bad!",
            "127.0.0.3",
            "127.0.0.1",
            "10.0.0.1",
            "summary"
        ]
    );
    assert_eq!(lines[1]["refused"], "malformed");
    assert_eq!(lines[4]["refused"], "private");
    let open = lines[3]["ports"]
        .as_array()
        .expect("ports")
        .iter()
        .find(|p| p["port"] == port)
        .expect("custom port");
    assert_eq!(open["state"], "open", "{}", lines[3]);
    assert_eq!(
        lines[3]["ssh"]["banner"],
        "SSH-2.0-OpenSSH_9.2p1 Debian-2+deb12u3"
    );
    assert_eq!(lines[0]["ports"][0]["state"], "closed", "{}", lines[0]);
    assert_eq!(lines[0]["ports"][0]["basis"], "rst", "{}", lines[0]);
    let s = &lines[5]["summary"];
    assert_eq!(
        (&s["targets"], &s["probed"], &s["refused"], &s["open"]),
        (&5.into(), &3.into(), &2.into(), &1.into()),
        "{s}"
    );

    let table = stdout(&run(false));
    let rows: Vec<&str> = table.lines().collect();
    assert!(rows[0].starts_with("HOST"), "{table}");
    assert!(rows[0].contains("22  ") && rows[0].contains(&port.to_string()));
    assert!(rows[2].starts_with("bad!") && rows[2].contains("refused: malformed"));
    // The fake greets but sends no key exchange.
    assert!(
        rows[4].starts_with("127.0.0.1 ")
            && rows[4].contains("open  ")
            && rows[4].contains("ssh:bad_kexinit"),
        "{table}"
    );
    // Columns line up.
    let col = |r: &str, w: &str| r.find(w).unwrap_or(usize::MAX);
    assert_eq!(col(rows[0], "HANDSHAKE"), col(rows[4], "ssh:"), "{table}");
    assert_eq!(
        col(rows[0], "TOP FINDING"),
        col(rows[4], "ssh-kex-incomplete"),
        "{table}"
    );
    assert!(rows[5].contains("refused: private"), "{table}");
    assert!(
        rows[6].starts_with("5 targets: 3 probed, 2 refused, 1 with a login port open, in "),
        "{table}"
    );
}

#[test]
fn fleet_argument_errors_exit_2() {
    let out = cmd().args(["probe"]).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no targets"));
    // Alone, a bad target is a bad argument...
    let out = cmd()
        .args(["probe", "--json", "203.0.112.0/23"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("at most 256 addresses"));
    // ... among others it is a row that says why, and the rest is probed.
    let out = cmd()
        .args(["probe", "--json", "203.0.112.0/23", "127.0.0.1"])
        .output()
        .expect("run");
    assert!(out.status.success());
    let lines = json_lines(&out);
    assert_eq!(lines[0]["refused"], "block-too-large");
    assert_eq!(lines[1]["target"], "127.0.0.1");
    assert_eq!(lines[2]["summary"]["probed"], 1);
}

fn skip_or_fail(why: &str) {
    if std::env::var("VM_DOCTOR_REQUIRE_LAB").is_ok_and(|v| v == "1") {
        panic!("NAMESPACES REQUIRED (VM_DOCTOR_REQUIRE_LAB=1) but unavailable: {why}");
    }
    let bar = "=".repeat(62);
    let _ = writeln!(
        std::io::stderr(),
        "\n{bar}\nNAMESPACES SKIPPED: {why}\n{bar}\n"
    );
}

/// Run `script` (sh) in private mount (and with `net`, network) namespaces.
fn in_namespaces(net: bool, script: &str, args: &[&str]) -> Result<Output, String> {
    // SAFETY: geteuid has no preconditions.
    if unsafe { libc::geteuid() } != 0 {
        return Err("not root".into());
    }
    let mut c = Command::new("unshare");
    c.arg("-m");
    if net {
        c.arg("-n");
    }
    c.args(["sh", "-e", "-c", script, "sh"]).args(args);
    let out = c.output().map_err(|e| format!("unshare: {e}"))?;
    let err = String::from_utf8_lossy(&out.stderr);
    if err.contains("unshare failed") || err.contains("Operation not permitted") {
        return Err(format!("unshare: {}", err.trim()));
    }
    Ok(out)
}

#[test]
fn host_names_from_a_hosts_file_the_test_controls() {
    let dir = tempfile::tempdir().expect("tmp");
    let hosts = dir.path().join("hosts");
    std::fs::write(
        &hosts,
        "127.0.0.1 localhost\n127.0.0.3 two.vmd.test\n127.0.0.4 two.vmd.test\n\
         127.0.0.5 one.vmd.test\n127.0.0.9 inside.vmd.test\n",
    )
    .expect("hosts");
    let script = r#"mount --bind "$1" /etc/hosts
export VM_DOCTOR_ALLOW_TARGETS=127.0.0.0/29 LANG=C
"$2" probe --json two.vmd.test inside.vmd.test
echo ---
"$2" probe one.vmd.test
echo ---
"$2" probe inside.vmd.test 2>&1 || echo "exit $?"
"#;
    let hosts_s = hosts.to_string_lossy().into_owned();
    let out = match in_namespaces(false, script, &[&hosts_s, BIN]) {
        Ok(o) => o,
        Err(why) => return skip_or_fail(&why),
    };
    let text = stdout(&out);
    let parts: Vec<&str> = text.split("---\n").collect();
    assert_eq!(
        parts.len(),
        3,
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<serde_json::Value> = parts[0]
        .lines()
        .map(|l| serde_json::from_str(l).expect("json"))
        .collect();
    let rows: Vec<(String, String, String)> = lines
        .iter()
        .map(|l| {
            (
                l["name"].as_str().unwrap_or("").to_string(),
                l["target"].as_str().unwrap_or("").to_string(),
                l["refused"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect();
    let row = |n: &str, t: &str, r: &str| (n.to_string(), t.to_string(), r.to_string());
    assert_eq!(
        rows,
        vec![
            // Every address of the name, each named.
            row("two.vmd.test", "127.0.0.3", ""),
            row("two.vmd.test", "127.0.0.4", ""),
            // A name resolving to a refused address is refused with that reason.
            row("inside.vmd.test", "127.0.0.9", "loopback"),
            // The summary line.
            row("", "", ""),
        ],
        "{text}"
    );
    assert!(lines[0]["ports"].is_array(), "probed: {}", lines[0]);
    // One name, one address: the full summary under "name → address".
    assert!(
        parts[1].starts_with("one.vmd.test → 127.0.0.5\n"),
        "{}",
        parts[1]
    );
    assert!(parts[1].contains("127.0.0.5"), "{}", parts[1]);
    assert!(
        parts[2].contains("refusing to probe inside.vmd.test: it resolves to 127.0.0.9: loopback")
            && parts[2].contains("exit 2"),
        "{}",
        parts[2]
    );
}

/// A DNS server that answers the first A query for `rebind.vmd.test` with an
/// allowed address and every later one with loopback (a rebinding attack),
/// NXDOMAIN for anything else, and logs each A answer.
const DNS: &str = r#"
import socket, struct, sys
log = open(sys.argv[1], "a", buffering=1)
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("127.0.0.1", 53))
open(sys.argv[2], "w").write("ready")
a = 0
while True:
    q, peer = s.recvfrom(512)
    i, labels = 12, []
    while q[i] != 0:
        labels.append(q[i + 1:i + 1 + q[i]].decode().lower())
        i += 1 + q[i]
    qtype = struct.unpack(">H", q[i + 1:i + 3])[0]
    question = q[12:i + 5]
    name = ".".join(labels)
    ans = b""
    if name == "rebind.vmd.test" and qtype == 1:
        a += 1
        ip = "127.0.0.2" if a == 1 else "127.0.0.1"
        ans = b"\xc0\x0c" + struct.pack(">HHIH", 1, 1, 0, 4) + socket.inet_aton(ip)
        log.write("A " + ip + "\n")
    rcode = 0 if name == "rebind.vmd.test" else 3
    hdr = q[:2] + struct.pack(">HHHHH", 0x8180 | rcode, 1, 1 if ans else 0, 0, 0)
    s.sendto(hdr + question + ans, peer)
"#;

#[test]
fn dns_rebinding_cannot_redirect_a_probe() {
    let dir = tempfile::tempdir().expect("tmp");
    let d = dir.path();
    std::fs::write(d.join("dns.py"), DNS).expect("dns.py");
    std::fs::write(
        d.join("resolv.conf"),
        "nameserver 127.0.0.1\noptions timeout:1 attempts:1\n",
    )
    .expect("resolv.conf");
    let python = if Path::new("/usr/bin/python3").exists() {
        "/usr/bin/python3".to_string()
    } else {
        "python3".to_string()
    };
    // Private network namespace: only its own loopback, nothing leaves it.
    let script = r#"ip link set lo up
mount --bind "$1/resolv.conf" /etc/resolv.conf
"$3" "$1/dns.py" "$1/dns.log" "$1/ready" &
DNS=$!
i=0; while [ ! -e "$1/ready" ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done
export VM_DOCTOR_ALLOW_TARGETS=127.0.0.2/32 LANG=C
"$2" probe --json --os linux rebind.vmd.test || true
echo ---
"$2" probe --json --os linux rebind.vmd.test 2>&1 || echo "exit $?"
kill $DNS
"#;
    let ds = d.to_string_lossy().into_owned();
    let out = match in_namespaces(true, script, &[&ds, BIN, &python]) {
        Ok(o) => o,
        Err(why) => return skip_or_fail(&why),
    };
    let text = stdout(&out);
    let parts: Vec<&str> = text.split("---\n").collect();
    assert_eq!(
        parts.len(),
        2,
        "{text}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_str(parts[0])
        .unwrap_or_else(|e| panic!("{e}: {text}\n{}", String::from_utf8_lossy(&out.stderr)));
    // The probe went to the address that passed the policy, named.
    assert_eq!(v["target"], "127.0.0.2", "{v}");
    assert_eq!(v["name"], "rebind.vmd.test", "{v}");
    // The second run sees the rebound answer, and the policy refuses it.
    assert!(
        parts[1].contains("refusing to probe rebind.vmd.test: it resolves to 127.0.0.1: loopback")
            && parts[1].contains("exit 2"),
        "{}",
        parts[1]
    );
    // Each run looked the name up exactly once: two A answers in all.
    let log = std::fs::read_to_string(d.join("dns.log")).expect("dns log");
    assert_eq!(log, "A 127.0.0.2\nA 127.0.0.1\n");
}

#[test]
fn icmp_method_follows_what_the_host_allows_v4_and_v6() {
    // In a private network namespace (its own loopback and its own
    // ping_group_range): datagram socket where the group range admits us, raw
    // socket as root otherwise, the system ping for an unprivileged user.
    let script = r#"ip link set lo up
export VM_DOCTOR_ALLOW_TARGETS=127.0.0.0/8,::1/128 VM_DOCTOR_ICMP_COUNT=3
for ips in "127.0.0.1 127.0.0.2" "::1"; do
  echo "0 0" >/proc/sys/net/ipv4/ping_group_range
  "$1" probe --json $ips -
  echo "1 0" >/proc/sys/net/ipv4/ping_group_range
  "$1" probe --json $ips -
  setpriv --reuid=65534 --regid=65534 --clear-groups "$1" probe --json $ips -
done </dev/null
"#;
    let out = match in_namespaces(true, script, &[BIN]) {
        Ok(o) => o,
        Err(why) => return skip_or_fail(&why),
    };
    let got: Vec<(String, String, u64, usize)> = json_lines(&out)
        .iter()
        .filter(|l| l["icmp"].is_object())
        .map(|l| {
            (
                l["target"].as_str().unwrap_or("").to_string(),
                l["icmp"]["method"].as_str().unwrap_or("").to_string(),
                l["icmp"]["received"].as_u64().unwrap_or(0),
                l["icmp"]["echoes_ms"]
                    .as_array()
                    .map_or(0, |e| e.iter().filter(|x| x.is_number()).count()),
            )
        })
        .collect();
    let mut want = Vec::new();
    for ips in [&["127.0.0.1", "127.0.0.2"][..], &["::1"][..]] {
        for method in ["dgram", "raw", "system_ping"] {
            // Concurrent runs through their own sockets: three replies each.
            for ip in ips {
                want.push((ip.to_string(), method.to_string(), 3, 3));
            }
        }
    }
    assert_eq!(
        got,
        want,
        "{}\n{}",
        stdout(&out),
        String::from_utf8_lossy(&out.stderr)
    );
}
