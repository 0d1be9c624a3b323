//! The client and the lookups against the fake Tencent Cloud API on
//! loopback, which verifies every request's signature.

use std::net::IpAddr;
use std::sync::atomic::Ordering;
use std::time::Duration;
use vmd_cloud::fake::{rule, FakeCloud, FakeData, FakeInstance, SECRET_ID, SECRET_KEY};
use vmd_cloud::{Client, ClientConfig, CloudError, Credentials, Lookups, SecretKey};
use vmd_core::cloud::{CloudAnswer, CloudRequest, SgDecision, SourceRole};

const BOT: &str = "203.0.113.9";
const USER: &str = "198.51.100.7";

fn ip(s: &str) -> IpAddr {
    s.parse().unwrap()
}

fn data() -> FakeData {
    let mut d = FakeData::default();
    let mut web = FakeInstance::running(
        "ap-seoul",
        "ins-web00001",
        "192.0.2.10",
        &["sg-first", "sg-second"],
    );
    web.bandwidth_out = 10;
    d.instances.push(web);
    let mut eip = FakeInstance::running("ap-tokyo", "ins-eip00001", "192.0.2.99", &["sg-second"]);
    eip.public_ip = None;
    d.instances.push(eip);
    d.eips.push((
        "ap-tokyo".into(),
        "192.0.2.20".into(),
        "ins-eip00001".into(),
    ));
    // A DROP for the bot's /24 above an ACCEPT for everyone.
    d.groups.insert(
        "sg-first".into(),
        vec![
            rule(1, "TCP", "22", "0.0.0.0/0", "ACCEPT"),
            rule(0, "TCP", "22", "203.0.113.0/24", "DROP"),
        ],
    );
    d.groups.insert(
        "sg-second".into(),
        vec![rule(0, "ALL", "ALL", "0.0.0.0/0", "ACCEPT")],
    );
    d.metrics.insert(
        ("ins-web00001".into(), "CPUUsage".into()),
        vec![10.0, 20.0, 97.0, 99.0, 98.0, 100.0, 96.0],
    );
    d.metrics.insert(
        ("ins-web00001".into(), "WanOuttraffic".into()),
        vec![0.5, 0.4, 0.6, 0.5, 0.5],
    );
    d
}

fn config(fake: &FakeCloud) -> ClientConfig {
    ClientConfig {
        endpoint: fake.url(),
        regions: vec!["ap-seoul".into(), "ap-tokyo".into()],
        backoff: Duration::from_millis(10),
        ..ClientConfig::default()
    }
}

fn creds(key: &str) -> Credentials {
    Credentials {
        secret_id: SECRET_ID.into(),
        key: SecretKey::new(key.into()),
    }
}

fn request(target: &str) -> CloudRequest {
    CloudRequest {
        ip: ip(target),
        port: 22,
        sources: vec![(SourceRole::Bot, ip(BOT)), (SourceRole::User, ip(USER))],
    }
}

#[tokio::test]
async fn an_instance_by_its_public_ip_with_rules_and_load() {
    let fake = FakeCloud::start(data()).await.unwrap();
    let l = Lookups::new(Client::new(creds(SECRET_KEY), config(&fake)).unwrap());
    let CloudAnswer::Found(f) = l.lookup("c1", &request("192.0.2.10")).await.unwrap() else {
        panic!("not found");
    };
    assert_eq!(f.instance_id, "ins-web00001");
    assert_eq!(f.region, "ap-seoul");
    assert_eq!(f.state, "RUNNING");
    assert_eq!(f.bandwidth_out_mbps, Some(10));
    assert_eq!(f.groups, ["sg-first", "sg-second"]);
    let bot = f.bot_verdict().unwrap();
    assert_eq!(bot.decision, SgDecision::Drop);
    let r = bot.rule.as_ref().unwrap();
    assert_eq!(
        (r.group.as_str(), r.index, r.source.as_str()),
        ("sg-first", 0, "203.0.113.0/24")
    );
    let user = f.user_verdict().unwrap();
    assert_eq!(user.decision, SgDecision::Accept);
    assert_eq!(user.rule.as_ref().unwrap().index, 1);
    assert!(f.cpu_saturated, "{f:?}");
    assert_eq!(f.cpu_peak_pct, Some(100));
    assert!(!f.bw_saturated);
    assert_eq!(f.ddos, "not-blocked");
    assert!(f.rules_complete && f.rules.len() == 2, "{f:?}");
    assert_eq!(fake.state.rejected.load(Ordering::SeqCst), 0);
    assert_eq!(fake.state.invalid.load(Ordering::SeqCst), 0);
    // Every API the lookup needs, each once, Anti-DDoS last.
    assert_eq!(
        fake.actions(),
        [
            "DescribeInstances",
            "DescribeAddresses",
            "DescribeSecurityGroupPolicies",
            "DescribeSecurityGroupPolicies",
            "GetMonitorData",
            "GetMonitorData",
            "DescribeBasicDeviceStatus"
        ]
    );
}

#[tokio::test]
async fn an_elastic_ip_bound_to_an_instance_in_a_later_region() {
    let fake = FakeCloud::start(data()).await.unwrap();
    let l = Lookups::new(Client::new(creds(SECRET_KEY), config(&fake)).unwrap());
    let CloudAnswer::Found(f) = l.lookup("c1", &request("192.0.2.20")).await.unwrap() else {
        panic!("not found");
    };
    assert_eq!(
        (f.instance_id.as_str(), f.region.as_str()),
        ("ins-eip00001", "ap-tokyo")
    );
    assert_eq!(f.bot_verdict().unwrap().decision, SgDecision::Accept);
    // An address of nobody in the account: every region asked, then "not ours".
    let l2 = Lookups::new(Client::new(creds(SECRET_KEY), config(&fake)).unwrap());
    assert_eq!(
        l2.lookup("c2", &request("192.0.2.77")).await.unwrap(),
        CloudAnswer::NotOurs
    );
}

#[tokio::test]
async fn a_wrong_key_is_refused_by_the_signature_check() {
    let fake = FakeCloud::start(data()).await.unwrap();
    let l = Lookups::new(Client::new(creds("not-the-key"), config(&fake)).unwrap());
    let e = l.lookup("c1", &request("192.0.2.10")).await.unwrap_err();
    assert!(
        matches!(&e, CloudError::Auth { code } if code == "AuthFailure.SignatureFailure"),
        "{e:?}"
    );
    assert_eq!(e.code(), "auth");
    assert!(fake.state.rejected.load(Ordering::SeqCst) >= 1);
    assert!(fake.actions().is_empty());
    // The same through check_credentials (what `doctor` calls).
    assert!(matches!(
        l.check_credentials().await,
        Err(CloudError::Auth { .. })
    ));
    let good = Lookups::new(Client::new(creds(SECRET_KEY), config(&fake)).unwrap());
    good.check_credentials().await.unwrap();
}

#[tokio::test]
async fn throttling_is_retried_with_backoff_then_given_up() {
    let fake = FakeCloud::start(data()).await.unwrap();
    fake.state.throttle_next.store(2, Ordering::SeqCst);
    let l = Lookups::new(Client::new(creds(SECRET_KEY), config(&fake)).unwrap());
    assert!(matches!(
        l.lookup("c1", &request("192.0.2.10")).await.unwrap(),
        CloudAnswer::Found(_)
    ));
    // Always throttled: the retries end and the error says so, after
    // exactly the configured attempts of the first call.
    fake.state.throttle_next.store(1000, Ordering::SeqCst);
    let before = fake.actions().len();
    let e = l.lookup("c2", &request("192.0.2.10")).await.unwrap_err();
    assert!(matches!(e, CloudError::Throttled), "{e:?}");
    let attempts = fake.actions().len() - before;
    assert_eq!(attempts as u32, 1 + ClientConfig::default().retries);
    assert_eq!(
        l.answer("c3", &request("192.0.2.10")).await,
        CloudAnswer::Failed("throttled".into())
    );
}

#[tokio::test]
async fn a_hung_api_times_out() {
    let fake = FakeCloud::start(data()).await.unwrap();
    fake.state.delay_ms.store(5_000, Ordering::SeqCst);
    let cfg = ClientConfig {
        call_timeout: Duration::from_millis(300),
        retries: 0,
        ..config(&fake)
    };
    let l = Lookups::new(Client::new(creds(SECRET_KEY), cfg).unwrap());
    let e = l.lookup("c1", &request("192.0.2.10")).await.unwrap_err();
    assert!(matches!(e, CloudError::Timeout), "{e:?}");
}

#[tokio::test]
async fn budgets_per_conversation_and_per_minute() {
    let fake = FakeCloud::start(data()).await.unwrap();
    let cfg = ClientConfig {
        per_conversation: 1,
        ..config(&fake)
    };
    let l = Lookups::new(Client::new(creds(SECRET_KEY), cfg).unwrap());
    l.lookup("c1", &request("192.0.2.10")).await.unwrap();
    assert!(matches!(
        l.lookup("c1", &request("192.0.2.10")).await,
        Err(CloudError::Budget)
    ));
    // Another conversation may still look.
    l.lookup("c2", &request("192.0.2.10")).await.unwrap();

    let cfg = ClientConfig {
        per_minute: 2,
        ..config(&fake)
    };
    let l = Lookups::new(Client::new(creds(SECRET_KEY), cfg).unwrap());
    assert!(matches!(
        l.lookup("c1", &request("192.0.2.10")).await,
        Err(CloudError::Budget)
    ));
    let cfg = ClientConfig {
        calls_per_lookup: 2,
        ..config(&fake)
    };
    let l = Lookups::new(Client::new(creds(SECRET_KEY), cfg).unwrap());
    assert!(matches!(
        l.lookup("c1", &request("192.0.2.10")).await,
        Err(CloudError::Budget)
    ));
}

#[tokio::test]
async fn an_oversized_answer_is_refused() {
    let fake = FakeCloud::start(data()).await.unwrap();
    let cfg = ClientConfig {
        max_body: 64,
        ..config(&fake)
    };
    let l = Lookups::new(Client::new(creds(SECRET_KEY), cfg).unwrap());
    assert!(matches!(
        l.lookup("c1", &request("192.0.2.10")).await,
        Err(CloudError::TooLarge(64))
    ));
}

#[tokio::test]
async fn ddos_blocking_with_its_unblock_time_or_not_checked_when_refused() {
    let mut d = data();
    d.ddos.insert(
        "192.0.2.10".into(),
        ("1".into(), "2026-12-02 13:30:00".into()),
    );
    let fake = FakeCloud::start(d).await.unwrap();
    let l = Lookups::new(Client::new(creds(SECRET_KEY), config(&fake)).unwrap());
    let CloudAnswer::Found(f) = l.lookup("c1", &request("192.0.2.10")).await.unwrap() else {
        panic!("not found");
    };
    assert_eq!(f.ddos, "blocked");
    assert_eq!(f.ddos_unblock, "2026-12-02 13:30:00");
    assert!(f.codes().contains(&"ddos-blocked"));
    assert!(fake.actions().ends_with(&[
        "DescribeBasicDeviceStatus".into(),
        "DescribeIpBlockList".into()
    ]));
    // A key whose policy leaves Anti-DDoS out: the rest stands, DDoS is
    // "not checked".
    fake.state
        .denied
        .lock()
        .unwrap()
        .push("DescribeBasicDeviceStatus".into());
    let CloudAnswer::Found(f) = l.lookup("c2", &request("192.0.2.10")).await.unwrap() else {
        panic!("not found");
    };
    assert_eq!(f.ddos, "not-checked");
    assert_eq!(f.instance_id, "ins-web00001");
    assert!(!f.codes().contains(&"ddos-blocked"));
    assert_eq!(fake.state.invalid.load(Ordering::SeqCst), 0);
}

#[tokio::test]
async fn an_elastic_ip_has_its_own_bandwidth_and_block_state() {
    let mut d = data();
    d.eip_info.insert(
        "192.0.2.20".into(),
        vmd_cloud::fake::FakeEip {
            bandwidth: Some(0),
            package: Some("bwp-fake0001".into()),
            charge_type: Some("BANDWIDTH_PACKAGE".into()),
            blocked: true,
        },
    );
    // The instance itself carries 5 Mbps; the EIP's own 0 decides.
    let fake = FakeCloud::start(d).await.unwrap();
    // Anti-DDoS refused: the EIP's IsBlocked still says blocked.
    fake.state
        .denied
        .lock()
        .unwrap()
        .push("DescribeBasicDeviceStatus".into());
    let l = Lookups::new(Client::new(creds(SECRET_KEY), config(&fake)).unwrap());
    let CloudAnswer::Found(f) = l.lookup("c1", &request("192.0.2.20")).await.unwrap() else {
        panic!("not found");
    };
    assert_eq!(f.bandwidth_out_mbps, Some(0), "{f:?}");
    let eip = f.eip.as_ref().unwrap();
    assert_eq!(
        (eip.id.as_str(), eip.package.as_str(), eip.blocked),
        ("eip-fake0001", "bwp-fake0001", true)
    );
    assert!(f.codes().contains(&"no-bandwidth"));
    assert_eq!(f.ddos, "blocked");
    // An account billed by CVM: `Bandwidth` is null, the instance's applies.
    let mut d = data();
    d.eip_info.insert(
        "192.0.2.20".into(),
        vmd_cloud::fake::FakeEip {
            bandwidth: None,
            ..Default::default()
        },
    );
    let fake = FakeCloud::start(d).await.unwrap();
    let l = Lookups::new(Client::new(creds(SECRET_KEY), config(&fake)).unwrap());
    let CloudAnswer::Found(f) = l.lookup("c1", &request("192.0.2.20")).await.unwrap() else {
        panic!("not found");
    };
    assert_eq!(f.bandwidth_out_mbps, Some(5));
    assert_eq!(f.eip.as_ref().unwrap().bandwidth_mbps, None);
}

#[tokio::test]
async fn the_fake_enforces_the_apis_rules() {
    use serde_json::json;
    let fake = FakeCloud::start(data()).await.unwrap();
    let c = Client::new(creds(SECRET_KEY), config(&fake)).unwrap();
    let call = |service: &'static str,
                version: &'static str,
                action: &'static str,
                region: Option<&'static str>,
                body: serde_json::Value| {
        let c = &c;
        async move {
            let mut budget = 1;
            c.call(service, version, action, region, &body, &mut budget)
                .await
        }
    };
    let code = |r: Result<serde_json::Value, CloudError>| match r {
        Err(CloudError::Api { code }) => code,
        other => panic!("{other:?}"),
    };
    // A version the product does not have.
    assert_eq!(
        code(
            call(
                "cvm",
                "2020-01-01",
                "DescribeInstances",
                Some("ap-seoul"),
                json!({})
            )
            .await
        ),
        "NoSuchVersion"
    );
    // A regional product without a region.
    assert_eq!(
        code(call("cvm", "2017-03-12", "DescribeInstances", None, json!({})).await),
        "MissingParameter"
    );
    // Past the page size, or both ways of naming instances at once.
    assert_eq!(
        code(
            call(
                "cvm",
                "2017-03-12",
                "DescribeInstances",
                Some("ap-seoul"),
                json!({"Limit": 1000})
            )
            .await
        ),
        "InvalidParameterValue.LimitExceeded"
    );
    assert_eq!(
        code(
            call(
                "cvm",
                "2017-03-12",
                "DescribeInstances",
                Some("ap-seoul"),
                json!({"InstanceIds": ["ins-1"], "Filters": [{"Name": "zone", "Values": ["z"]}]})
            )
            .await
        ),
        "InvalidParameterCombination"
    );
    // A required parameter missing.
    assert_eq!(
        code(
            call(
                "vpc",
                "2017-03-12",
                "DescribeSecurityGroupPolicies",
                Some("ap-seoul"),
                json!({})
            )
            .await
        ),
        "MissingParameter"
    );
    assert_eq!(
        code(
            call(
                "antiddos",
                "2020-03-09",
                "DescribeBasicDeviceStatus",
                None,
                json!({})
            )
            .await
        ),
        "MissingParameter"
    );
    assert_eq!(fake.state.invalid.load(Ordering::SeqCst), 6);
    // The lookups themselves break none of them.
    let l = Lookups::new(Client::new(creds(SECRET_KEY), config(&fake)).unwrap());
    l.lookup("c1", &request("192.0.2.10")).await.unwrap();
    l.lookup("c2", &request("192.0.2.20")).await.unwrap();
    l.check_credentials().await.unwrap();
    assert_eq!(fake.state.invalid.load(Ordering::SeqCst), 6);
}
