//! The deployment files agree with the binary: the Dockerfile's build and
//! runtime stages, the systemd units (`systemd-analyze verify` where it is
//! installed), and the Kubernetes manifests (parsed; names, ports, probes,
//! environment variables and subcommands checked against the binary).
//! Docker itself is not run here: there is no Docker engine in CI.

use std::collections::{BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_vm-doctor");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Every `VM_DOCTOR_*` variable the binary's sources read.
fn known_vars() -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for dir in ["bot/vm-doctor/src", "bot/runtime/src", "bot/discord/src"] {
        for e in std::fs::read_dir(root().join(dir)).unwrap() {
            let text = std::fs::read_to_string(e.unwrap().path()).unwrap_or_default();
            let mut rest = text.as_str();
            while let Some(i) = rest.find("VM_DOCTOR_") {
                let tail = &rest[i..];
                let end = tail
                    .find(|c: char| !(c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()))
                    .unwrap_or(tail.len());
                out.insert(tail[..end].trim_end_matches('_').to_owned());
                rest = &tail[end..];
            }
        }
    }
    out
}

/// The subcommand exists (its --help succeeds).
fn assert_subcommand(name: &str) {
    let out = Command::new(BIN).args([name, "--help"]).output().unwrap();
    assert!(out.status.success(), "vm-doctor has no {name:?} subcommand");
}

#[test]
fn the_variables_the_files_use_exist() {
    let known = known_vars();
    for v in [
        "VM_DOCTOR_HTTP_LISTEN",
        "VM_DOCTOR_SHUTDOWN_SECS",
        "VM_DOCTOR_RETENTION_DAYS",
        "VM_DOCTOR_DISCORD_TOKEN",
        "VM_DOCTOR_DATA_DIR",
    ] {
        assert!(known.contains(v), "{v} not found in {known:?}");
    }
    assert!(!known.contains("VM_DOCTOR_NO_SUCH_THING"));
}

/// Dockerfile instructions, continuation lines joined, comments dropped.
fn dockerfile() -> Vec<(String, String)> {
    let text = read("deploy/Dockerfile");
    let mut out = Vec::new();
    let mut cur = String::new();
    for line in text.lines() {
        let t = line.trim();
        if cur.is_empty() && (t.is_empty() || t.starts_with('#')) {
            continue;
        }
        if let Some(body) = t.strip_suffix('\\') {
            cur.push_str(body);
            cur.push(' ');
            continue;
        }
        cur.push_str(t);
        let (k, v) = cur.split_once(char::is_whitespace).unwrap_or((&cur, ""));
        out.push((k.to_uppercase(), v.trim().to_owned()));
        cur.clear();
    }
    out
}

#[test]
fn the_dockerfile_builds_locked_and_runs_unprivileged_with_a_health_check() {
    let ins = dockerfile();
    let stages: Vec<usize> = ins
        .iter()
        .enumerate()
        .filter(|(_, (k, _))| k == "FROM")
        .map(|(i, _)| i)
        .collect();
    assert!(stages.len() >= 2, "multi-stage: {ins:?}");
    let build = &ins[stages[0]..stages[stages.len() - 1]];
    let runtime = &ins[stages[stages.len() - 1]..];
    assert!(
        build
            .iter()
            .any(|(k, v)| k == "RUN" && v.contains("cargo build --release --locked")),
        "the build stage uses the locked dependencies"
    );
    assert!(
        runtime[0].1.contains("slim"),
        "slim runtime: {:?}",
        runtime[0]
    );
    assert!(runtime
        .iter()
        .any(|(k, v)| k == "COPY" && v.starts_with("--from=")));
    let get = |key: &str| -> Vec<&str> {
        runtime
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
            .collect()
    };
    let user = get("USER");
    assert_eq!(user.len(), 1);
    let uid = user[0].split(':').next().unwrap();
    assert!(uid != "root" && uid != "0", "non-root: {uid}");
    // ENV pairs (KEY=value, several per instruction).
    let mut env = HashMap::new();
    for e in get("ENV") {
        for kv in e.split_whitespace() {
            let (k, v) = kv.split_once('=').expect("KEY=value");
            env.insert(k.to_owned(), v.to_owned());
        }
    }
    let known = known_vars();
    for k in env.keys() {
        assert!(known.contains(k), "{k} is not a variable vm-doctor reads");
    }
    let data = &env["VM_DOCTOR_DATA_DIR"];
    assert!(
        get("VOLUME").iter().any(|v| v.contains(data.as_str())),
        "the data directory is a volume"
    );
    // /metrics and the health endpoint on the container's loopback only
    // (the HEALTHCHECK runs inside); nothing is exposed by default.
    let listen: std::net::SocketAddr = env["VM_DOCTOR_HTTP_LISTEN"].parse().unwrap();
    assert!(listen.ip().is_loopback(), "{listen}");
    assert!(get("EXPOSE").is_empty(), "nothing exposed by default");
    let hc = get("HEALTHCHECK");
    assert_eq!(hc.len(), 1);
    assert!(
        hc[0].contains(r#"CMD ["vm-doctor", "healthcheck"]"#),
        "{hc:?}"
    );
    assert_subcommand("healthcheck");
    assert_eq!(get("ENTRYPOINT"), vec![r#"["vm-doctor"]"#]);
    let cmd = get("CMD");
    let sub: Vec<String> = serde_json::from_str(cmd[0]).unwrap();
    assert_subcommand(&sub[0]);
    assert_eq!(get("STOPSIGNAL"), vec!["SIGTERM"]);
}

#[test]
fn the_healthcheck_subcommand_fails_without_a_server() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = Command::new(BIN)
        .args(["healthcheck", "--addr", &format!("127.0.0.1:{port}")])
        .output()
        .unwrap();
    assert!(!out.status.success());
}

fn unit(rel: &str) -> HashMap<String, Vec<String>> {
    let mut m: HashMap<String, Vec<String>> = HashMap::new();
    let mut section = String::new();
    for l in read(rel).lines() {
        let l = l.trim();
        if l.starts_with('[') {
            section = l.trim_matches(['[', ']']).to_owned();
        } else if let Some((k, v)) = l.split_once('=') {
            if !l.starts_with('#') {
                m.entry(format!("{section}.{k}"))
                    .or_default()
                    .push(v.to_owned());
            }
        }
    }
    m
}

#[test]
fn the_systemd_units_are_hardened() {
    for rel in [
        "deploy/systemd/vm-doctor.service",
        "deploy/systemd/vm-doctor@.service",
    ] {
        let u = unit(rel);
        let one = |k: &str| -> &str {
            let v = u.get(k).unwrap_or_else(|| panic!("{rel}: no {k}"));
            v.last().unwrap()
        };
        for (k, v) in [
            ("Service.DynamicUser", "yes"),
            ("Service.NoNewPrivileges", "yes"),
            ("Service.ProtectSystem", "strict"),
            ("Service.ProtectHome", "yes"),
            ("Service.PrivateTmp", "yes"),
            ("Service.AmbientCapabilities", "CAP_NET_RAW"),
            ("Service.CapabilityBoundingSet", "CAP_NET_RAW"),
            (
                "Service.RestrictAddressFamilies",
                "AF_INET AF_INET6 AF_UNIX AF_NETLINK",
            ),
            ("Service.SystemCallFilter", "@system-service"),
            ("Service.KillSignal", "SIGTERM"),
        ] {
            assert_eq!(one(k), v, "{rel}: {k}");
        }
        assert!(one("Service.StateDirectory").starts_with("vm-doctor"));
        // Enough descriptors for probes, the store and the listeners.
        let nofile: u64 = one("Service.LimitNOFILE").parse().unwrap();
        assert!(nofile >= 65_536, "{rel}: LimitNOFILE {nofile}");
        // The endpoint, where the unit sets it, listens on loopback.
        for e in u.get("Service.Environment").into_iter().flatten() {
            if let Some(l) = e.strip_prefix("VM_DOCTOR_HTTP_LISTEN=") {
                let a: std::net::SocketAddr = l.parse().unwrap();
                assert!(a.ip().is_loopback(), "{rel}: {l}");
            }
        }
        assert!(one("Service.EnvironmentFile").starts_with("/etc/vm-doctor/"));
        // The stop timeout leaves room for the shutdown deadline.
        let shutdown = u["Service.Environment"]
            .iter()
            .find_map(|e| e.strip_prefix("VM_DOCTOR_SHUTDOWN_SECS="))
            .unwrap()
            .parse::<u64>()
            .unwrap();
        let stop: u64 = one("Service.TimeoutStopSec").parse().unwrap();
        assert!(
            stop > shutdown,
            "{rel}: TimeoutStopSec {stop} <= {shutdown}"
        );
        let known = known_vars();
        for e in &u["Service.Environment"] {
            let k = e.split('=').next().unwrap();
            assert!(known.contains(k), "{rel}: {k} unknown");
        }
        let exec = one("Service.ExecStart");
        let sub = exec.split_whitespace().nth(1).unwrap();
        if sub != "%i" {
            assert_subcommand(sub);
        }
    }
}

#[test]
fn systemd_analyze_verify_accepts_the_units() {
    let have = Command::new("systemd-analyze")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have {
        eprintln!("SKIPPED: systemd-analyze is not installed; the units were not verified");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    for (rel, name) in [
        ("deploy/systemd/vm-doctor.service", "vm-doctor.service"),
        (
            "deploy/systemd/vm-doctor@.service",
            "vm-doctor@discord.service",
        ),
    ] {
        // The binary where the unit expects it would be: the one just built.
        let text = read(rel).replace("/usr/local/bin/vm-doctor", BIN);
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let out = Command::new("systemd-analyze")
            .arg("verify")
            .arg(&path)
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        // Unknown keys and bad values are only warnings: none may appear.
        let ours: Vec<&str> = err.lines().filter(|l| l.contains(name)).collect();
        assert!(
            out.status.success() && ours.is_empty(),
            "{rel}: systemd-analyze verify:\n{err}"
        );
    }
}

fn yaml_docs(rel: &str) -> Vec<serde_yaml::Value> {
    use serde::Deserialize;
    serde_yaml::Deserializer::from_str(&read(rel))
        .map(|d| serde_yaml::Value::deserialize(d).unwrap())
        .collect()
}

#[test]
fn the_kubernetes_manifests_agree_with_the_binary() {
    check_statefulset("deploy/k8s/statefulset.yaml", &["VM_DOCTOR_DISCORD_TOKEN"]);
    check_statefulset(
        "deploy/k8s/statefulset-slack.yaml",
        &["VM_DOCTOR_SLACK_BOT_TOKEN", "VM_DOCTOR_SLACK_APP_TOKEN"],
    );
    // Slack runs as one replica (README and the manifest say why).
    let slack = yaml_docs("deploy/k8s/statefulset-slack.yaml").remove(0);
    assert_eq!(slack["spec"]["replicas"].as_u64(), Some(1));
}

/// PostgreSQL mode: a Deployment of several replicas rolled one at a time,
/// a PodDisruptionBudget, the store's URL and password from their Secret.
#[test]
fn the_postgres_deployment_agrees_with_the_binary() {
    let file = "deploy/k8s/deployment-postgres.yaml";
    let docs = yaml_docs(file);
    let dep = docs.iter().find(|d| d["kind"] == "Deployment").unwrap();
    let pdb = docs
        .iter()
        .find(|d| d["kind"] == "PodDisruptionBudget")
        .unwrap();
    let spec = &dep["spec"];
    let replicas = spec["replicas"].as_u64().unwrap();
    assert!(
        (2..=10).contains(&replicas),
        "{replicas}: Slack allows 10 connections"
    );
    let labels = &spec["template"]["metadata"]["labels"];
    assert_eq!(&spec["selector"]["matchLabels"], labels);
    assert_eq!(&pdb["spec"]["selector"]["matchLabels"], labels);
    assert_eq!(pdb["spec"]["maxUnavailable"].as_u64(), Some(1));
    let roll = &spec["strategy"]["rollingUpdate"];
    assert_eq!(spec["strategy"]["type"], "RollingUpdate");
    assert_eq!(roll["maxUnavailable"].as_u64(), Some(0));
    let c = &spec["template"]["spec"]["containers"][0];
    let args: Vec<String> = serde_yaml::from_value(c["args"].clone()).unwrap();
    assert_subcommand(&args[0]);
    let known = known_vars();
    let secret = yaml_docs("deploy/k8s/secret-store.example.yaml").remove(0);
    let tokens = yaml_docs("deploy/k8s/secret.example.yaml").remove(0);
    let mut env = HashMap::new();
    for e in c["env"].as_sequence().unwrap() {
        let name = e["name"].as_str().unwrap();
        assert!(
            known.contains(name),
            "{name} is not a variable vm-doctor reads"
        );
        env.insert(name.to_owned(), e.clone());
    }
    for (var, from) in [
        ("VM_DOCTOR_STORE", &secret),
        ("VM_DOCTOR_STORE_PASSWORD", &secret),
        ("VM_DOCTOR_SLACK_BOT_TOKEN", &tokens),
        ("VM_DOCTOR_SLACK_APP_TOKEN", &tokens),
    ] {
        let r = &env[var]["valueFrom"]["secretKeyRef"];
        assert_eq!(r["name"], from["metadata"]["name"], "{var}");
        let key = r["key"].as_str().unwrap();
        assert!(
            from["stringData"].get(key).is_some(),
            "{var}: secret has {key}"
        );
    }
    // The example URL is one the binary accepts, and holds no password.
    let url = secret["stringData"]["url"].as_str().unwrap();
    assert!(url.starts_with("postgres://") && !url.contains(":replace-me@"));
    let out = Command::new(BIN)
        .args(["runbook", "check"])
        .env("VM_DOCTOR_STORE", url)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // Readiness asks /readyz (the database answering), and the grace period
    // covers the shutdown deadline.
    let ready: Vec<String> =
        serde_yaml::from_value(c["readinessProbe"]["exec"]["command"].clone()).unwrap();
    assert_eq!(ready, ["vm-doctor", "healthcheck", "--ready"]);
    let shutdown: u64 = env["VM_DOCTOR_SHUTDOWN_SECS"]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let grace = spec["template"]["spec"]["terminationGracePeriodSeconds"]
        .as_u64()
        .unwrap();
    assert!(grace > shutdown);
}

/// Discord in PostgreSQL mode: a StatefulSet only for the ordinals (shard
/// ranges), no volume, the store from its Secret, shards split over the
/// replicas, a PodDisruptionBudget and a headless Service.
#[test]
fn the_discord_postgres_statefulset_agrees_with_the_binary() {
    let file = "deploy/k8s/statefulset-discord-postgres.yaml";
    let docs = yaml_docs(file);
    let sts = docs.iter().find(|d| d["kind"] == "StatefulSet").unwrap();
    let pdb = docs
        .iter()
        .find(|d| d["kind"] == "PodDisruptionBudget")
        .unwrap();
    let spec = &sts["spec"];
    let labels = &spec["template"]["metadata"]["labels"];
    assert_eq!(&spec["selector"]["matchLabels"], labels);
    assert_eq!(&pdb["spec"]["selector"]["matchLabels"], labels);
    assert_eq!(pdb["spec"]["maxUnavailable"].as_u64(), Some(1));
    assert!(
        spec.get("volumeClaimTemplates").is_none(),
        "nothing of the conversations lives in the pod"
    );
    let svc = yaml_docs("deploy/k8s/service.yaml")
        .into_iter()
        .find(|d| d["metadata"]["name"] == spec["serviceName"])
        .expect("a headless Service named like its serviceName");
    assert_eq!(svc["spec"]["clusterIP"], "None");
    assert_eq!(&svc["spec"]["selector"], labels);
    let c = &spec["template"]["spec"]["containers"][0];
    let args: Vec<String> = serde_yaml::from_value(c["args"].clone()).unwrap();
    assert_eq!(args, ["discord"]);
    assert_subcommand(&args[0]);
    let known = known_vars();
    let mut env = HashMap::new();
    for e in c["env"].as_sequence().unwrap() {
        let name = e["name"].as_str().unwrap();
        assert!(
            known.contains(name),
            "{name} is not a variable vm-doctor reads"
        );
        env.insert(name.to_owned(), e.clone());
    }
    let secret = yaml_docs("deploy/k8s/secret-store.example.yaml").remove(0);
    let tokens = yaml_docs("deploy/k8s/secret.example.yaml").remove(0);
    for (var, from) in [
        ("VM_DOCTOR_STORE", &secret),
        ("VM_DOCTOR_STORE_PASSWORD", &secret),
        ("VM_DOCTOR_DISCORD_TOKEN", &tokens),
    ] {
        let r = &env[var]["valueFrom"]["secretKeyRef"];
        assert_eq!(r["name"], from["metadata"]["name"], "{var}");
        let key = r["key"].as_str().unwrap();
        assert!(
            from["stringData"].get(key).is_some(),
            "{var}: secret has {key}"
        );
    }
    // The shards are split over exactly the replicas, at least one each,
    // and the binary accepts the split for every ordinal.
    let replicas = spec["replicas"].as_u64().unwrap();
    assert!(replicas >= 2);
    let shards = env["VM_DOCTOR_DISCORD_SHARDS"]["value"].as_str().unwrap();
    let total: u64 = shards.strip_prefix("ordinal/").unwrap().parse().unwrap();
    let r: u64 = env["VM_DOCTOR_DISCORD_REPLICAS"]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert_eq!(r, replicas, "VM_DOCTOR_DISCORD_REPLICAS = spec.replicas");
    assert!(replicas <= total);
    let ready: Vec<String> =
        serde_yaml::from_value(c["readinessProbe"]["exec"]["command"].clone()).unwrap();
    assert_eq!(ready, ["vm-doctor", "healthcheck", "--ready"]);
    let shutdown: u64 = env["VM_DOCTOR_SHUTDOWN_SECS"]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let grace = spec["template"]["spec"]["terminationGracePeriodSeconds"]
        .as_u64()
        .unwrap();
    assert!(grace > shutdown);
    assert_eq!(
        spec["template"]["spec"]["securityContext"]["runAsNonRoot"],
        true
    );
}

fn check_statefulset(file: &str, tokens: &[&str]) {
    let sts = yaml_docs(file).remove(0);
    assert_eq!(sts["kind"], "StatefulSet");
    let svc = yaml_docs("deploy/k8s/service.yaml")
        .into_iter()
        .find(|d| d["metadata"]["name"] == sts["spec"]["serviceName"])
        .unwrap_or_else(|| panic!("{file}: no Service named like its serviceName"));
    let secret = yaml_docs("deploy/k8s/secret.example.yaml").remove(0);
    assert_eq!(svc["kind"], "Service");
    assert_eq!(secret["kind"], "Secret");
    let spec = &sts["spec"];
    assert_eq!(spec["serviceName"], svc["metadata"]["name"]);
    assert_eq!(svc["spec"]["clusterIP"], "None", "headless");
    // Selectors agree.
    let labels = &spec["template"]["metadata"]["labels"];
    assert_eq!(&spec["selector"]["matchLabels"], labels);
    assert_eq!(&svc["spec"]["selector"], labels);

    let pod = &spec["template"]["spec"];
    let c = &pod["containers"][0];
    let args: Vec<String> = serde_yaml::from_value(c["args"].clone()).unwrap();
    assert_subcommand(&args[0]);
    let known = known_vars();
    let mut env = HashMap::new();
    for e in c["env"].as_sequence().unwrap() {
        let name = e["name"].as_str().unwrap();
        assert!(
            known.contains(name),
            "{name} is not a variable vm-doctor reads"
        );
        env.insert(name.to_owned(), e.clone());
    }
    // The tokens come from the Secret, never a literal.
    for t in tokens {
        let tok = &env[*t];
        assert!(tok.get("value").is_none(), "{file}: {t}");
        let r = &tok["valueFrom"]["secretKeyRef"];
        assert_eq!(r["name"], secret["metadata"]["name"]);
        let key = r["key"].as_str().unwrap();
        assert!(secret["stringData"].get(key).is_some(), "secret has {key}");
    }

    // The endpoint listens on the pod's loopback, exposed by no port; the
    // probes run `vm-doctor healthcheck` inside the container (/healthz, and
    // /readyz with --ready).
    let listen: std::net::SocketAddr = env["VM_DOCTOR_HTTP_LISTEN"]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!(listen.ip().is_loopback(), "{file}: {listen}");
    assert!(c.get("ports").is_none(), "{file}: no container port");
    assert!(
        svc["spec"].get("ports").is_none(),
        "{file}: no service port"
    );
    for (probe, ready) in [
        ("livenessProbe", false),
        ("readinessProbe", true),
        ("startupProbe", false),
    ] {
        let cmd: Vec<String> = serde_yaml::from_value(c[probe]["exec"]["command"].clone())
            .unwrap_or_else(|e| panic!("{file}: {probe}: {e}"));
        assert_eq!(cmd[0], "vm-doctor", "{probe}");
        assert_eq!(cmd[1], "healthcheck", "{probe}");
        assert_eq!(cmd.iter().any(|a| a == "--ready"), ready, "{probe}");
        assert!(
            c[probe]["timeoutSeconds"].as_u64().unwrap_or(1) >= 4,
            "{probe}"
        );
    }
    // Sharding by replica: the replica count the binary splits the shards
    // over is the StatefulSet's, and each replica gets at least one shard.
    let replicas = spec["replicas"].as_u64().unwrap();
    match env.get("VM_DOCTOR_DISCORD_SHARDS") {
        Some(s) => {
            let s = s["value"].as_str().unwrap();
            let total: u64 = s
                .strip_prefix("ordinal/")
                .expect("ordinal/N")
                .parse()
                .unwrap();
            let r: u64 = env["VM_DOCTOR_DISCORD_REPLICAS"]["value"]
                .as_str()
                .unwrap()
                .parse()
                .unwrap();
            assert_eq!(r, replicas, "VM_DOCTOR_DISCORD_REPLICAS = spec.replicas");
            assert!(replicas <= total);
        }
        None => assert_eq!(replicas, 1, "unsharded: one replica"),
    }
    // The grace period covers the shutdown deadline.
    let shutdown: u64 = env["VM_DOCTOR_SHUTDOWN_SECS"]["value"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let grace = pod["terminationGracePeriodSeconds"].as_u64().unwrap();
    assert!(grace > shutdown, "grace {grace} <= shutdown {shutdown}");
    // The data directory is the per-replica volume.
    let data = env["VM_DOCTOR_DATA_DIR"]["value"].as_str().unwrap();
    let mount = &c["volumeMounts"][0];
    assert_eq!(mount["mountPath"], data);
    assert_eq!(
        mount["name"],
        spec["volumeClaimTemplates"][0]["metadata"]["name"]
    );
    // Resources and a non-root user, as the image runs.
    for k in ["requests", "limits"] {
        assert!(c["resources"][k]["memory"].is_string(), "{k}");
        assert!(c["resources"][k]["cpu"].is_string(), "{k}");
    }
    assert_eq!(pod["securityContext"]["runAsNonRoot"], true);
    assert_eq!(pod["securityContext"]["runAsUser"], 10001);
}
