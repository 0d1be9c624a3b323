//! A fake Tencent Cloud API on loopback for tests: it verifies every
//! request's TC3-HMAC-SHA256 signature (a bad one gets
//! `AuthFailure.SignatureFailure`, an unknown SecretId
//! `AuthFailure.SecretIdNotFound`, a stale timestamp
//! `AuthFailure.SignatureExpire`), and serves instances, elastic IPs,
//! security-group rules, monitoring data and Anti-DDoS blocking, plus
//! throttling, delays and refused permissions on demand. Like the API it
//! checks each action's `X-TC-Version` (`NoSuchVersion`), the region of
//! regional products (`MissingParameter`), required parameters
//! (`MissingParameter`), `Limit` ranges and parameters that exclude each
//! other (`InvalidParameterValue.LimitExceeded`,
//! `InvalidParameterCombination`). Errors come back the way the API sends
//! them: HTTP 200 with `Response.Error`.

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

/// What `DescribeAddresses` says of an elastic IP beyond its binding.
#[derive(Clone, Debug)]
pub struct FakeEip {
    /// `Bandwidth` (`None`: `null`, an account billed by CVM).
    pub bandwidth: Option<i64>,
    pub charge_type: Option<String>,
    pub package: Option<String>,
    pub blocked: bool,
}

impl Default for FakeEip {
    fn default() -> Self {
        FakeEip {
            bandwidth: Some(10),
            charge_type: Some("TRAFFIC_POSTPAID_BY_HOUR".into()),
            package: None,
            blocked: false,
        }
    }
}

#[derive(Default)]
pub struct FakeData {
    pub instances: Vec<FakeInstance>,
    /// (region, elastic IP, instance id it is bound to).
    pub eips: Vec<(String, String, String)>,
    /// Elastic IP to its bandwidth, billing and block state (default
    /// [`FakeEip::default`]).
    pub eip_info: HashMap<String, FakeEip>,
    /// Address to its Anti-DDoS status (`1` blocked, `2` normal, `3` under
    /// attack) and `UnBlockTime` (`DescribeIpBlockList`, when blocked).
    pub ddos: HashMap<String, (String, String)>,
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
    /// Actions the key may not call (`UnauthorizedOperation`), like a CAM
    /// policy without them.
    pub denied: Mutex<Vec<String>>,
    /// Requests the fake refused for a rule of the API (a version, a
    /// region, a parameter): a correct client makes none.
    pub invalid: AtomicU32,
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
        "DescribeBasicDeviceStatus" | "DescribeIpBlockList" => "antiddos",
        _ => "unknown",
    }
}

/// The API version each product answers to, and whether it needs a region.
fn version_of(service: &str) -> Option<(&'static str, bool)> {
    match service {
        "cvm" | "vpc" => Some(("2017-03-12", true)),
        "monitor" => Some(("2018-07-24", true)),
        "antiddos" => Some(("2020-03-09", false)),
        _ => None,
    }
}

/// The rules of the API a request must meet before it is served: its
/// version, its region, its parameters. The error code when it does not.
fn check_request(action: &str, h: &HeaderMap, req: &Value) -> Result<(), &'static str> {
    let get = |k: &str| h.get(k).and_then(|v| v.to_str().ok()).unwrap_or("");
    let Some((version, regional)) = version_of(service_of(action)) else {
        return Err("InvalidAction");
    };
    if get("x-tc-version") != version {
        return Err("NoSuchVersion");
    }
    if regional && get("x-tc-region").is_empty() {
        return Err("MissingParameter");
    }
    let limit = |max: i64| match req.get("Limit") {
        None => Ok(()),
        Some(l) => match l.as_i64() {
            Some(n) if (1..=max).contains(&n) => Ok(()),
            _ => Err("InvalidParameterValue.LimitExceeded"),
        },
    };
    let filters_ok = |names: &[&str]| match req.get("Filters") {
        None => Ok(()),
        Some(f) => {
            let Some(f) = f.as_array() else {
                return Err("InvalidParameter");
            };
            // At most 10 filters of 5 values each.
            if f.len() > 10 {
                return Err("InvalidParameterValue.LimitExceeded");
            }
            for x in f {
                let name = x.get("Name").and_then(Value::as_str).unwrap_or("");
                let values = x.get("Values").and_then(Value::as_array);
                if !names.contains(&name) {
                    return Err("InvalidFilter");
                }
                match values {
                    Some(v) if !v.is_empty() && v.len() <= 5 => {}
                    _ => return Err("InvalidParameterValue.LimitExceeded"),
                }
            }
            Ok(())
        }
    };
    match action {
        "DescribeInstances" => {
            if req.get("InstanceIds").is_some() && req.get("Filters").is_some() {
                return Err("InvalidParameterCombination");
            }
            if req
                .get("InstanceIds")
                .and_then(Value::as_array)
                .is_some_and(|a| a.len() > 100)
            {
                return Err("InvalidParameterValue.LimitExceeded");
            }
            limit(100)?;
            filters_ok(&[
                "public-ip-address",
                "instance-id",
                "zone",
                "private-ip-address",
            ])
        }
        "DescribeAddresses" => {
            if req.get("AddressIds").is_some() && req.get("Filters").is_some() {
                return Err("InvalidParameterCombination");
            }
            limit(100)?;
            filters_ok(&["address-ip", "address-id", "instance-id", "address-status"])
        }
        "DescribeSecurityGroupPolicies" => match req.get("SecurityGroupId").and_then(Value::as_str)
        {
            Some(id) if !id.is_empty() => Ok(()),
            _ => Err("MissingParameter"),
        },
        "GetMonitorData" => {
            for k in ["Namespace", "MetricName", "Instances"] {
                if req.get(k).is_none() {
                    return Err("MissingParameter");
                }
            }
            let n = req
                .get("Instances")
                .and_then(Value::as_array)
                .map_or(0, Vec::len);
            if n == 0 || n > 10 {
                return Err("InvalidParameterValue");
            }
            match req.get("Period").and_then(Value::as_i64) {
                None | Some(10 | 60 | 300 | 3600 | 86400) => Ok(()),
                Some(_) => Err("InvalidParameterValue"),
            }
        }
        "DescribeBasicDeviceStatus" => match req.get("IpList").and_then(Value::as_array) {
            Some(l) if !l.is_empty() => Ok(()),
            _ => Err("MissingParameter"),
        },
        _ => Ok(()),
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
    if let Err(code) = check_request(&action, h, &req) {
        st.invalid.fetch_add(1, Ordering::SeqCst);
        return error(code);
    }
    if st
        .denied
        .lock()
        .map(|d| d.contains(&action))
        .unwrap_or(false)
    {
        return error("UnauthorizedOperation");
    }
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
                    let info = data.eip_info.get(a).cloned().unwrap_or_default();
                    json!({
                        "AddressId": "eip-fake0001",
                        "AddressIp": a,
                        "AddressStatus": "BIND",
                        "InstanceId": ins,
                        "InstanceType": "CVM",
                        "AddressType": "EIP",
                        "IsArrears": false,
                        "IsBlocked": info.blocked,
                        "Bandwidth": info.bandwidth,
                        "InternetChargeType": info.charge_type,
                        "BandwidthPackageId": info.package,
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
        "DescribeBasicDeviceStatus" => {
            let data_kv: Vec<Value> = req
                .get("IpList")
                .and_then(Value::as_array)
                .map(|l| {
                    l.iter()
                        .filter_map(Value::as_str)
                        .map(|ip| {
                            let status = data.ddos.get(ip).map_or("2", |(s, _)| s.as_str());
                            json!({ "Key": ip, "Value": status })
                        })
                        .collect()
                })
                .unwrap_or_default();
            ok(json!({ "Data": data_kv, "CLBData": [], "CnameWafData": [] }))
        }
        "DescribeIpBlockList" => {
            let list: Vec<Value> = data
                .ddos
                .iter()
                .filter(|(_, (status, _))| status == "1")
                .map(|(ip, (_, until))| {
                    json!({
                        "Ip": ip,
                        "Status": "1",
                        "BlockTime": "2026-12-02 08:00:00",
                        "UnBlockTime": until,
                        "ActionType": "1",
                        "ProtectFlag": 0
                    })
                })
                .collect();
            ok(json!({ "List": list }))
        }
        _ => error("InvalidAction"),
    }
}
