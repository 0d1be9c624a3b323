//! What the bot reads about a public address, in this order:
//!
//! 1. the instance: CVM `DescribeInstances` (2017-03-12) with the filter
//!    `public-ip-address`, region by region; when no instance carries the
//!    address, VPC `DescribeAddresses` (2017-03-12) with the filter
//!    `address-ip` for an elastic IP bound to an instance, then that
//!    instance by `InstanceIds`. Read: `InstanceState`, `RestrictState`,
//!    `InternetAccessible.InternetMaxBandwidthOut`, `OsName`,
//!    `SecurityGroupIds` (binding order);
//! 2. each security group's inbound rules: VPC
//!    `DescribeSecurityGroupPolicies` (2017-03-12),
//!    `SecurityGroupPolicySet.Ingress` (`PolicyIndex`, `Protocol`, `Port`,
//!    `CidrBlock`, `Ipv6CidrBlock`, `Action`, templates and group
//!    references), evaluated as the provider does
//!    ([`vmd_core::cloud::evaluate`]);
//! 3. the last 30 minutes of `CPUUsage` and `WanOuttraffic` (Mbps) at a
//!    60 s period: Monitor `GetMonitorData` (2018-07-24), namespace
//!    `QCE/CVM`, dimension `InstanceId` (only for a running instance);
//! 4. the elastic IP behind the address: VPC `DescribeAddresses` with the
//!    filter `address-ip` (also for an address the instance search found):
//!    `AddressId`, `AddressType`, `Bandwidth` (the EIP's own cap; `null` for
//!    an account billed by CVM, where the instance's
//!    `InternetMaxBandwidthOut` applies), `InternetChargeType`,
//!    `BandwidthPackageId`, `IsBlocked`;
//! 5. DDoS blocking: Anti-DDoS `DescribeBasicDeviceStatus` (2020-03-09,
//!    no region) with `IpList` = the address: `Data[].Value` `1` blocked,
//!    `2` normal, `3` under attack; when blocked, `DescribeIpBlockList`
//!    for the entry's `UnBlockTime`. A key the policy does not allow
//!    (`UnauthorizedOperation`) or another error leaves it `not-checked`
//!    (an elastic IP's `IsBlocked` still counts).

use crate::client::{Client, CloudError};
use serde::Deserialize;
use serde_json::{json, Value};
use std::net::IpAddr;
use std::time::{SystemTime, UNIX_EPOCH};
use vmd_core::cloud::{
    accept_elsewhere, evaluate, CloudAnswer, CloudFacts, CloudRequest, EipFacts, RawRule,
    SgVerdict, SourceRole, BW_SATURATED_PCT, CPU_SATURATED_PCT,
};

pub const CVM_VERSION: &str = "2017-03-12";
pub const VPC_VERSION: &str = "2017-03-12";
pub const MONITOR_VERSION: &str = "2018-07-24";
pub const ANTIDDOS_VERSION: &str = "2020-03-09";

/// Security groups read per instance (an instance has at most a handful).
pub const MAX_GROUPS: usize = 8;
/// Inbound rules read per group (a group holds at most a few hundred).
pub const MAX_RULES_READ: usize = 256;
/// Monitoring points kept per metric (30 minutes at 60 s is 30).
pub const MAX_POINTS: usize = 64;

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Instance {
    pub instance_id: String,
    pub instance_name: String,
    pub instance_state: String,
    pub restrict_state: String,
    pub os_name: String,
    pub internet_accessible: Option<InternetAccessible>,
    pub security_group_ids: Vec<String>,
    pub public_ip_addresses: Option<Vec<String>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct InternetAccessible {
    pub internet_max_bandwidth_out: Option<i64>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct InstancesResponse {
    instance_set: Vec<Instance>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
pub struct Address {
    pub address_id: String,
    pub address_ip: String,
    pub address_status: String,
    pub address_type: String,
    pub instance_id: Option<String>,
    pub bandwidth: Option<i64>,
    pub internet_charge_type: Option<String>,
    pub bandwidth_package_id: Option<String>,
    pub is_blocked: Option<bool>,
}

impl Address {
    /// The address as [`EipFacts`]: an ordinary public IP (`WanIP`) carries
    /// no bandwidth of its own.
    fn facts(&self) -> EipFacts {
        let own = !matches!(self.address_type.as_str(), "WanIP" | "CalcIP");
        EipFacts {
            id: self.address_id.clone(),
            bandwidth_mbps: self
                .bandwidth
                .filter(|_| own)
                .map(|b| b.clamp(0, u32::MAX as i64) as u32),
            charge_type: self.internet_charge_type.clone().unwrap_or_default(),
            package: self.bandwidth_package_id.clone().unwrap_or_default(),
            blocked: self.is_blocked.unwrap_or(false),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct KeyValue {
    key: String,
    value: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct DeviceStatusResponse {
    data: Vec<KeyValue>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct IpBlock {
    ip: String,
    un_block_time: String,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct BlockListResponse {
    list: Vec<IpBlock>,
}

/// Parses a `DescribeBasicDeviceStatus` response object: the status of
/// `ip` (`blocked`, `not-blocked`, `attacked`), `None` when not listed.
pub fn parse_device_status(v: &Value, ip: &str) -> Result<Option<&'static str>, CloudError> {
    let r: DeviceStatusResponse = parse(v)?;
    Ok(r.data
        .iter()
        .find(|kv| kv.key == ip)
        .and_then(|kv| match kv.value.trim() {
            "1" => Some("blocked"),
            "2" => Some("not-blocked"),
            "3" => Some("attacked"),
            _ => None,
        }))
}

/// Parses a `DescribeIpBlockList` response object: `UnBlockTime` of `ip`.
pub fn parse_unblock_time(v: &Value, ip: &str) -> Result<Option<String>, CloudError> {
    let r: BlockListResponse = parse(v)?;
    Ok(r.list
        .into_iter()
        .take(10_000)
        .find(|b| b.ip == ip)
        .map(|b| b.un_block_time)
        .filter(|t| !t.is_empty()))
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct AddressesResponse {
    address_set: Vec<Address>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct Policy {
    policy_index: i64,
    protocol: String,
    port: String,
    cidr_block: String,
    ipv6_cidr_block: String,
    action: String,
    security_group_id: String,
    service_template: Option<Value>,
    address_template: Option<Value>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PolicySet {
    ingress: Vec<Policy>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct PoliciesResponse {
    security_group_policy_set: PolicySet,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct DataPoint {
    values: Vec<Option<f64>>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "PascalCase", default)]
struct MonitorResponse {
    data_points: Vec<DataPoint>,
}

fn parse<T: for<'de> Deserialize<'de> + Default>(v: &Value) -> Result<T, CloudError> {
    T::deserialize(v).map_err(|_| CloudError::BadResponse)
}

/// Parses a `DescribeInstances` response object (public for the fuzz test).
pub fn parse_instances(v: &Value) -> Result<Vec<Instance>, CloudError> {
    parse::<InstancesResponse>(v).map(|r| r.instance_set)
}

/// Parses a `DescribeAddresses` response object.
pub fn parse_addresses(v: &Value) -> Result<Vec<Address>, CloudError> {
    parse::<AddressesResponse>(v).map(|r| r.address_set)
}

/// Parses a `DescribeSecurityGroupPolicies` response object into rules.
pub fn parse_ingress(v: &Value) -> Result<Vec<RawRule>, CloudError> {
    let r: PoliciesResponse = parse(v)?;
    Ok(r.security_group_policy_set
        .ingress
        .into_iter()
        .take(MAX_RULES_READ)
        .map(|p| {
            let template = |t: &Option<Value>| {
                t.as_ref().is_some_and(|t| {
                    t.as_object().is_some_and(|o| {
                        o.values()
                            .any(|x| x.as_str().is_some_and(|s| !s.is_empty()))
                    })
                })
            };
            RawRule {
                index: p.policy_index.clamp(0, u32::MAX as i64) as u32,
                protocol: p.protocol,
                port: p.port,
                cidr: p.cidr_block,
                cidr6: p.ipv6_cidr_block,
                action: p.action,
                template: !p.security_group_id.is_empty()
                    || template(&p.service_template)
                    || template(&p.address_template),
            }
        })
        .collect())
}

/// Parses a `GetMonitorData` response object: the first data point's values.
pub fn parse_monitor(v: &Value) -> Result<Vec<f64>, CloudError> {
    let r: MonitorResponse = parse(v)?;
    Ok(r.data_points
        .into_iter()
        .next()
        .map(|d| {
            d.values
                .into_iter()
                .flatten()
                .filter(|x| x.is_finite() && *x >= 0.0)
                .take(MAX_POINTS)
                .collect()
        })
        .unwrap_or_default())
}

/// Whether recent outbound traffic (Mbps x100) is at the cap of `cap` Mbps.
fn bw_saturated(recent_centi: Option<u64>, cap: u32) -> bool {
    match recent_centi {
        Some(used) if cap > 0 => used * 100 >= u64::from(cap) * 100 * BW_SATURATED_PCT,
        _ => false,
    }
}

/// ISO 8601 in UTC (`2026-12-02T06:30:00+00:00`), as `GetMonitorData` takes it.
pub fn iso8601(unix: i64) -> String {
    let (y, m, d) = crate::sign::civil_from_days(unix.div_euclid(86_400));
    let s = unix.rem_euclid(86_400);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}+00:00",
        s / 3600,
        s % 3600 / 60,
        s % 60
    )
}

/// The lookups, over a [`Client`].
pub struct Lookups {
    client: Client,
}

impl Lookups {
    pub fn new(client: Client) -> Self {
        Lookups { client }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// One harmless call that proves the credentials (`vm-doctor doctor`):
    /// `DescribeInstances` with `Limit` 1 in the first configured region.
    pub async fn check_credentials(&self) -> Result<(), CloudError> {
        let region = self
            .client
            .config()
            .regions
            .first()
            .cloned()
            .ok_or_else(|| CloudError::Config("no region is configured".into()))?;
        let mut budget = 1 + self.client.config().retries;
        self.client
            .call(
                "cvm",
                CVM_VERSION,
                "DescribeInstances",
                Some(&region),
                &json!({ "Limit": 1 }),
                &mut budget,
            )
            .await
            .map(|_| ())
    }

    /// Whether the key may read DDoS blocking (`vm-doctor doctor`): one
    /// `DescribeBasicDeviceStatus` for a documentation address. `Ok(false)`
    /// when the policy leaves it out (`UnauthorizedOperation` or another
    /// refusal of the key); any other answer means the call was allowed.
    pub async fn check_ddos(&self) -> Result<bool, CloudError> {
        let mut budget = 1 + self.client.config().retries;
        match self
            .client
            .call(
                "antiddos",
                ANTIDDOS_VERSION,
                "DescribeBasicDeviceStatus",
                None,
                &json!({ "IpList": ["192.0.2.1"] }),
                &mut budget,
            )
            .await
        {
            Ok(_) | Err(CloudError::Api { .. } | CloudError::BadResponse) => Ok(true),
            Err(CloudError::Auth { .. }) => Ok(false),
            Err(e) => Err(e),
        }
    }

    /// The conversation's lookup, errors folded into [`CloudAnswer::Failed`].
    pub async fn answer(&self, conversation: &str, req: &CloudRequest) -> CloudAnswer {
        match self.lookup(conversation, req).await {
            Ok(a) => a,
            Err(e) => CloudAnswer::Failed(e.code().to_owned()),
        }
    }

    /// Everything the API says about `req.ip`.
    pub async fn lookup(
        &self,
        conversation: &str,
        req: &CloudRequest,
    ) -> Result<CloudAnswer, CloudError> {
        self.client.start_lookup(conversation)?;
        let mut budget = self.client.config().calls_per_lookup;
        let Some((region, inst, address)) = self.find(req.ip, &mut budget).await? else {
            return Ok(CloudAnswer::NotOurs);
        };
        let address = match address {
            Some(a) => Some(a),
            None => self.address(req.ip, &region, &mut budget).await?,
        };
        let mut facts = self.facts(req, &region, inst, &mut budget).await?;
        if let Some(a) = &address {
            let eip = a.facts();
            if let Some(b) = eip.bandwidth_mbps {
                facts.bandwidth_out_mbps = Some(b);
                facts.bw_saturated = bw_saturated(facts.bw_recent_centi_mbps, b);
            }
            facts.eip = Some(eip);
        }
        self.ddos(req.ip, &mut facts, &mut budget).await?;
        Ok(CloudAnswer::Found(Box::new(facts)))
    }

    async fn find(
        &self,
        ip: IpAddr,
        budget: &mut u32,
    ) -> Result<Option<(String, Instance, Option<Address>)>, CloudError> {
        let ip_s = ip.to_string();
        for region in &self.client.config().regions {
            let r = self
                .client
                .call(
                    "cvm",
                    CVM_VERSION,
                    "DescribeInstances",
                    Some(region),
                    &json!({
                        "Filters": [{ "Name": "public-ip-address", "Values": [ip_s] }],
                        "Limit": 1
                    }),
                    budget,
                )
                .await?;
            if let Some(inst) = parse_instances(&r)?.into_iter().next() {
                return Ok(Some((region.clone(), inst, None)));
            }
            let r = self
                .client
                .call(
                    "vpc",
                    VPC_VERSION,
                    "DescribeAddresses",
                    Some(region),
                    &json!({ "Filters": [{ "Name": "address-ip", "Values": [ip_s] }] }),
                    budget,
                )
                .await?;
            let bound = parse_addresses(&r)?.into_iter().find(|a| {
                a.address_ip == ip_s
                    && matches!(a.address_status.as_str(), "BIND" | "BIND_ENI")
                    && a.instance_id
                        .as_deref()
                        .is_some_and(|i| i.starts_with("ins-"))
            });
            if let Some(address) = bound {
                let id = address.instance_id.clone().unwrap_or_default();
                let r = self
                    .client
                    .call(
                        "cvm",
                        CVM_VERSION,
                        "DescribeInstances",
                        Some(region),
                        &json!({ "InstanceIds": [id] }),
                        budget,
                    )
                    .await?;
                if let Some(inst) = parse_instances(&r)?.into_iter().next() {
                    return Ok(Some((region.clone(), inst, Some(address))));
                }
            }
        }
        Ok(None)
    }

    /// The address as `DescribeAddresses` lists it in `region` (an elastic
    /// IP, or the instance's ordinary public IP), if it does.
    async fn address(
        &self,
        ip: IpAddr,
        region: &str,
        budget: &mut u32,
    ) -> Result<Option<Address>, CloudError> {
        let ip_s = ip.to_string();
        let r = self
            .client
            .call(
                "vpc",
                VPC_VERSION,
                "DescribeAddresses",
                Some(region),
                &json!({ "Filters": [{ "Name": "address-ip", "Values": [ip_s] }] }),
                budget,
            )
            .await?;
        Ok(parse_addresses(&r)?
            .into_iter()
            .find(|a| a.address_ip == ip_s))
    }

    /// DDoS blocking of the address (see the module docs); a refusal or an
    /// error of Anti-DDoS leaves it `not-checked`, an elastic IP's
    /// `IsBlocked` still counting.
    async fn ddos(
        &self,
        ip: IpAddr,
        facts: &mut CloudFacts,
        budget: &mut u32,
    ) -> Result<(), CloudError> {
        let ip_s = ip.to_string();
        let status = self
            .client
            .call(
                "antiddos",
                ANTIDDOS_VERSION,
                "DescribeBasicDeviceStatus",
                None,
                &json!({ "IpList": [ip_s] }),
                budget,
            )
            .await;
        let status = match status {
            Ok(v) => parse_device_status(&v, &ip_s).unwrap_or(None),
            Err(CloudError::Auth { .. } | CloudError::Api { .. } | CloudError::BadResponse) => None,
            Err(e) => return Err(e),
        };
        let eip_blocked = facts.eip.as_ref().is_some_and(|e| e.blocked);
        facts.ddos = match (status, eip_blocked) {
            (_, true) | (Some("blocked"), _) => "blocked",
            (Some(s), false) => s,
            (None, false) => "not-checked",
        }
        .to_owned();
        if facts.ddos == "blocked" {
            let list = self
                .client
                .call(
                    "antiddos",
                    ANTIDDOS_VERSION,
                    "DescribeIpBlockList",
                    None,
                    &json!({}),
                    budget,
                )
                .await;
            match list {
                Ok(v) => {
                    facts.ddos_unblock = parse_unblock_time(&v, &ip_s)
                        .unwrap_or(None)
                        .unwrap_or_default();
                }
                Err(CloudError::Auth { .. } | CloudError::Api { .. } | CloudError::BadResponse) => {
                }
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    async fn facts(
        &self,
        req: &CloudRequest,
        region: &str,
        inst: Instance,
        budget: &mut u32,
    ) -> Result<CloudFacts, CloudError> {
        let mut groups: Vec<(String, Vec<RawRule>)> = Vec::new();
        for sg in inst.security_group_ids.iter().take(MAX_GROUPS) {
            let r = self
                .client
                .call(
                    "vpc",
                    VPC_VERSION,
                    "DescribeSecurityGroupPolicies",
                    Some(region),
                    &json!({ "SecurityGroupId": sg }),
                    budget,
                )
                .await?;
            groups.push((sg.clone(), parse_ingress(&r)?));
        }
        let verdicts: Vec<SgVerdict> = req
            .sources
            .iter()
            .map(|(role, src)| {
                let (decision, rule) = evaluate(&groups, *src, req.port);
                SgVerdict {
                    role: *role,
                    source: *src,
                    decision,
                    rule,
                }
            })
            .collect();
        let bots: Vec<IpAddr> = req
            .sources
            .iter()
            .filter(|(r, _)| *r == SourceRole::Bot)
            .map(|(_, ip)| *ip)
            .collect();
        let elsewhere = if bots.is_empty() {
            None
        } else {
            accept_elsewhere(&groups, &bots, req.port)
        };
        let bandwidth = inst
            .internet_accessible
            .as_ref()
            .and_then(|i| i.internet_max_bandwidth_out)
            .map(|b| b.clamp(0, u32::MAX as i64) as u32);
        let (mut cpu, mut bw) = (Vec::new(), Vec::new());
        if inst.instance_state == "RUNNING" {
            cpu = self
                .metric(region, &inst.instance_id, "CPUUsage", budget)
                .await?;
            bw = self
                .metric(region, &inst.instance_id, "WanOuttraffic", budget)
                .await?;
        }
        let recent = |v: &[f64]| -> Option<f64> {
            let tail = &v[v.len().saturating_sub(5)..];
            (!tail.is_empty()).then(|| tail.iter().sum::<f64>() / tail.len() as f64)
        };
        let cpu_recent = recent(&cpu);
        let cpu_peak = cpu
            .iter()
            .copied()
            .fold(None, |m: Option<f64>, x| Some(m.map_or(x, |m| m.max(x))));
        let bw_recent = recent(&bw);
        let pct = |x: f64| x.round().clamp(0.0, 100.0) as u32;
        let cpu_saturated = cpu_recent.is_some_and(|c| pct(c) >= CPU_SATURATED_PCT);
        let bw_recent_centi = bw_recent.map(|b| (b * 100.0).round().clamp(0.0, 1e12) as u64);
        let bw_saturated = bandwidth.is_some_and(|cap| bw_saturated(bw_recent_centi, cap));
        let complete = inst.security_group_ids.len() <= MAX_GROUPS
            && groups.iter().all(|(_, r)| r.len() < MAX_RULES_READ);
        Ok(CloudFacts {
            instance_id: inst.instance_id,
            instance_name: inst.instance_name,
            region: region.to_owned(),
            state: inst.instance_state,
            restrict: inst.restrict_state,
            bandwidth_out_mbps: bandwidth,
            os_name: inst.os_name,
            groups: groups.iter().map(|(g, _)| g.clone()).collect(),
            verdicts,
            accept_elsewhere: elsewhere,
            cpu_peak_pct: cpu_peak.map(pct),
            cpu_recent_pct: cpu_recent.map(pct),
            bw_recent_centi_mbps: bw_recent_centi,
            cpu_saturated,
            bw_saturated,
            ddos: "not-checked".into(),
            ddos_unblock: String::new(),
            eip: None,
            rules: groups,
            rules_complete: complete,
            port: req.port,
        })
    }

    async fn metric(
        &self,
        region: &str,
        instance: &str,
        metric: &str,
        budget: &mut u32,
    ) -> Result<Vec<f64>, CloudError> {
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        let r = self
            .client
            .call(
                "monitor",
                MONITOR_VERSION,
                "GetMonitorData",
                Some(region),
                &json!({
                    "Namespace": "QCE/CVM",
                    "MetricName": metric,
                    "Period": 60,
                    "StartTime": iso8601(now - 30 * 60),
                    "EndTime": iso8601(now),
                    "Instances": [{ "Dimensions": [{ "Name": "InstanceId", "Value": instance }] }]
                }),
                budget,
            )
            .await;
        match r {
            Ok(v) => parse_monitor(&v),
            // Monitoring is optional evidence: a permission missing for it
            // (or an error of its own) leaves the rest standing.
            Err(CloudError::Auth { .. } | CloudError::Api { .. } | CloudError::BadResponse) => {
                Ok(Vec::new())
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn iso_times_are_utc() {
        assert_eq!(iso8601(1551113065), "2019-02-25T16:44:25+00:00");
    }

    #[test]
    fn rules_with_templates_or_group_sources_are_marked() {
        let v = json!({"SecurityGroupPolicySet": {"Ingress": [
            {"PolicyIndex": 0, "Protocol": "TCP", "Port": "22", "CidrBlock": "", "Action": "ACCEPT",
             "SecurityGroupId": "sg-other"},
            {"PolicyIndex": 1, "Protocol": "TCP", "Port": "22", "CidrBlock": "", "Action": "ACCEPT",
             "AddressTemplate": {"AddressId": "ipm-1", "AddressGroupId": ""}},
            {"PolicyIndex": 2, "Protocol": "TCP", "Port": "22", "CidrBlock": "0.0.0.0/0", "Action": "DROP",
             "AddressTemplate": {"AddressId": "", "AddressGroupId": ""}}
        ]}});
        let rules = parse_ingress(&v).unwrap();
        assert_eq!(
            rules.iter().map(|r| r.template).collect::<Vec<_>>(),
            [true, true, false]
        );
    }
}
