//! A fake Tencent Cloud API on loopback for tests: it verifies every
//! request's TC3-HMAC-SHA256 signature (a bad one gets
//! `AuthFailure.SignatureFailure`, an unknown SecretId
//! `AuthFailure.SecretIdNotFound`, a stale timestamp
//! `AuthFailure.SignatureExpire`), and serves instances, elastic IPs,
//! security-group rules and monitoring data, plus throttling and delays on
//! demand. Errors come back the way the API sends them: HTTP 200 with
//! `Response.Error`.

use crate::sign;
use axum::body::Bytes;
use axum::http::HeaderMap;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

pub const SECRET_ID: &str = "AKIDfakeFAKEfake0123456789";
pub const SECRET_KEY: &str = "fake-secret-key-0123456789";

/// An instance the fake serves.
#[derive(Clone, Debug)]
pub struct FakeInstance {
    pub region: String,
    pub id: String,
    pub public_ip: Option<String>,
    pub state: String,
    pub restrict: String,
    pub bandwidth_out: i64,
    pub os: String,
    pub groups: Vec<String>,
}

impl FakeInstance {
    pub fn running(region: &str, id: &str, ip: &str, groups: &[&str]) -> Self {
        FakeInstance {
            region: region.into(),
            id: id.into(),
            public_ip: Some(ip.into()),
            state: "RUNNING".into(),
            restrict: "NORMAL".into(),
            bandwidth_out: 5,
            os: "Ubuntu Server 22.04 LTS 64bit".into(),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
        }
    }

    fn json(&self) -> Value {
        json!({
            "InstanceId": self.id,
            "InstanceName": format!("name-{}", self.id),
            "InstanceState": self.state,
            "RestrictState": self.restrict,
            "OsName": self.os,
            "Placement": { "Zone": format!("{}-1", self.region) },
            "InternetAccessible": {
                "InternetChargeType": "TRAFFIC_POSTPAID_BY_HOUR",
                "InternetMaxBandwidthOut": self.bandwidth_out,
                "PublicIpAssigned": self.public_ip.is_some()
            },
            "PublicIpAddresses": self.public_ip.iter().collect::<Vec<_>>(),
            "SecurityGroupIds": self.groups,
        })
    }
}

/// An inbound rule in the API's shape.
pub fn rule(index: u32, protocol: &str, port: &str, cidr: &str, action: &str) -> Value {
    json!({
        "PolicyIndex": index,
        "Protocol": protocol,
        "Port": port,
        "CidrBlock": cidr,
        "Ipv6CidrBlock": "",
        "SecurityGroupId": "",
        "Action": action,
        "PolicyDescription": "",
        "ServiceTemplate": { "ServiceId": "", "ServiceGroupId": "" },
        "AddressTemplate": { "AddressId": "", "AddressGroupId": "" },
        "ModifyTime": "2026-01-01 00:00:00"
    })
}

#[derive(Default)]
pub struct FakeData {
    pub instances: Vec<FakeInstance>,
    /// (region, elastic IP, instance id it is bound to).
    pub eips: Vec<(String, String, String)>,
    /// Security group id to its inbound rules.
    pub groups: HashMap<String, Vec<Value>>,
    /// (instance id, metric name) to values, oldest first.
    pub metrics: HashMap<(String, String), Vec<f64>>,
}

#[derive(Default)]
pub struct FakeState {
    pub data: Mutex<FakeData>,
    /// Every request that passed the signature check: (action, region).
    pub calls: Mutex<Vec<(String, String)>>,
    /// Requests refused for their signature (or SecretId, or timestamp).
    pub rejected: AtomicU32,
    /// The next this many calls are answered `RequestLimitExceeded`.
    pub throttle_next: AtomicU32,
    /// Every call waits this long first (a slow or hung API).
    pub delay_ms: AtomicU64,
    /// The key the fake checks signatures with (defaults to [`SECRET_KEY`]).
    pub key: Mutex<Option<String>>,
}

pub struct FakeCloud {
    pub addr: SocketAddr,
    pub state: Arc<FakeState>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for FakeCloud {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl FakeCloud {
    /// Serves on 127.0.0.1 (an ephemeral port) until dropped.
    pub async fn start(data: FakeData) -> std::io::Result<FakeCloud> {
        let state = Arc::new(FakeState {
            data: Mutex::new(data),
            ..FakeState::default()
        });
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let st = state.clone();
        let app = axum::Router::new().fallback(move |headers: HeaderMap, body: Bytes| {
            let st = st.clone();
            async move { handle(&st, &headers, &body).await }
        });
        let task = tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Ok(FakeCloud { addr, state, task })
    }

    /// The API URL to configure (`VM_DOCTOR_TENCENT_API_URL`).
    pub fn url(&self) -> String {
        format!("http://{}", self.addr)
    }

    /// The actions called so far, in order.
    pub fn actions(&self) -> Vec<String> {
        self.state
            .calls
            .lock()
            .map(|c| c.iter().map(|(a, _)| a.clone()).collect())
            .unwrap_or_default()
    }
}

fn error(code: &str) -> (axum::http::StatusCode, String) {
    (
        axum::http::StatusCode::OK,
        json!({"Response": {"Error": {"Code": code, "Message": "fake: see the code"}, "RequestId": "fake"}})
            .to_string(),
    )
}

fn ok(mut v: Value) -> (axum::http::StatusCode, String) {
    v["RequestId"] = json!("fake");
    (
        axum::http::StatusCode::OK,
        json!({ "Response": v }).to_string(),
    )
}

fn service_of(action: &str) -> &'static str {
    match action {
        "DescribeInstances" | "DescribeInstancesStatus" => "cvm",
        "DescribeAddresses" | "DescribeSecurityGroupPolicies" => "vpc",
        "GetMonitorData" => "monitor",
        _ => "unknown",
    }
}

/// Checks the request's signature the way the API does; the error code when
/// it fails.
fn verify(st: &FakeState, h: &HeaderMap, body: &[u8]) -> Result<(), &'static str> {
    let get = |k: &str| h.get(k).and_then(|v| v.to_str().ok()).unwrap_or("");
    let auth =
        sign::parse_authorization(get("authorization")).ok_or("AuthFailure.SignatureFailure")?;
    if auth.secret_id != SECRET_ID {
        return Err("AuthFailure.SecretIdNotFound");
    }
    let ts: i64 = get("x-tc-timestamp")
        .parse()
        .map_err(|_| "AuthFailure.SignatureFailure")?;
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    if (now - ts).abs() > 300 {
        return Err("AuthFailure.SignatureExpire");
    }
    if auth.date != sign::utc_date(ts)
        || auth.service != service_of(get("x-tc-action"))
        || auth.signed_headers != sign::SIGNED_HEADERS
        || get("content-type") != sign::CONTENT_TYPE
    {
        return Err("AuthFailure.SignatureFailure");
    }
    let key = st
        .key
        .lock()
        .ok()
        .and_then(|k| k.clone())
        .unwrap_or_else(|| SECRET_KEY.to_owned());
    let key = sign::SecretKey::new(key);
    let canonical = sign::canonical_request(get("host"), body);
    let to_sign = sign::string_to_sign(ts, &auth.service, &canonical);
    if sign::signature(&key, ts, &auth.service, &to_sign) != auth.signature {
        return Err("AuthFailure.SignatureFailure");
    }
    Ok(())
}

fn filter_value<'a>(body: &'a Value, name: &str) -> Option<&'a str> {
    body.get("Filters")?
        .as_array()?
        .iter()
        .find(|f| f.get("Name").and_then(Value::as_str) == Some(name))?
        .get("Values")?
        .get(0)?
        .as_str()
}

async fn handle(st: &FakeState, h: &HeaderMap, body: &[u8]) -> (axum::http::StatusCode, String) {
    let delay = st.delay_ms.load(Ordering::SeqCst);
    if delay > 0 {
        tokio::time::sleep(Duration::from_millis(delay)).await;
    }
    if let Err(code) = verify(st, h, body) {
        st.rejected.fetch_add(1, Ordering::SeqCst);
        return error(code);
    }
    let get = |k: &str| h.get(k).and_then(|v| v.to_str().ok()).unwrap_or("");
    let action = get("x-tc-action").to_owned();
    let region = get("x-tc-region").to_owned();
    if let Ok(mut c) = st.calls.lock() {
        c.push((action.clone(), region.clone()));
    }
    if st
        .throttle_next
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
        .is_ok()
    {
        return error("RequestLimitExceeded");
    }
    let Ok(req) = serde_json::from_slice::<Value>(body) else {
        return error("InvalidParameter");
    };
    let Ok(data) = st.data.lock() else {
        return error("InternalError");
    };
    match action.as_str() {
        "DescribeInstances" => {
            let by_ip = filter_value(&req, "public-ip-address");
            let ids: Vec<&str> = req
                .get("InstanceIds")
                .and_then(Value::as_array)
                .map(|a| a.iter().filter_map(Value::as_str).collect())
                .unwrap_or_default();
            let set: Vec<Value> = data
                .instances
                .iter()
                .filter(|i| i.region == region)
                .filter(|i| match by_ip {
                    Some(ip) => i.public_ip.as_deref() == Some(ip),
                    None => ids.is_empty() || ids.contains(&i.id.as_str()),
                })
                .map(FakeInstance::json)
                .collect();
            ok(json!({ "TotalCount": set.len(), "InstanceSet": set }))
        }
        "DescribeAddresses" => {
            let ip = filter_value(&req, "address-ip");
            let set: Vec<Value> = data
                .eips
                .iter()
                .filter(|(r, a, _)| *r == region && Some(a.as_str()) == ip)
                .map(|(_, a, ins)| {
                    json!({
                        "AddressId": "eip-fake0001",
                        "AddressIp": a,
                        "AddressStatus": "BIND",
                        "InstanceId": ins,
                        "InstanceType": "CVM",
                        "AddressType": "EIP"
                    })
                })
                .collect();
            ok(json!({ "TotalCount": set.len(), "AddressSet": set }))
        }
        "DescribeSecurityGroupPolicies" => {
            let sg = req
                .get("SecurityGroupId")
                .and_then(Value::as_str)
                .unwrap_or("");
            match data.groups.get(sg) {
                Some(rules) => ok(json!({
                    "SecurityGroupPolicySet": { "Version": "3", "Ingress": rules, "Egress": [] }
                })),
                None => error("ResourceNotFound"),
            }
        }
        "GetMonitorData" => {
            let metric = req.get("MetricName").and_then(Value::as_str).unwrap_or("");
            let ins = req
                .pointer("/Instances/0/Dimensions/0/Value")
                .and_then(Value::as_str)
                .unwrap_or("");
            if req.get("Namespace").and_then(Value::as_str) != Some("QCE/CVM") {
                return error("InvalidParameter");
            }
            let values = data
                .metrics
                .get(&(ins.to_owned(), metric.to_owned()))
                .cloned()
                .unwrap_or_default();
            let stamps: Vec<i64> = (0..values.len() as i64).map(|i| i * 60).collect();
            ok(json!({
                "Period": 60,
                "MetricName": metric,
                "DataPoints": [{
                    "Dimensions": [{ "Name": "InstanceId", "Value": ins }],
                    "Timestamps": stamps,
                    "Values": values
                }]
            }))
        }
        _ => error("InvalidAction"),
    }
}
