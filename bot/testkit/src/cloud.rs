//! What the provider's API answers in the adapters' tests.

use vmd_core::cloud::*;

/// A DROP rule for the bot's address decides (its group id,
/// [`PRIVATE_GROUP`], is what a verdict-only reader must not see).
pub fn dropped_by_a_rule() -> CloudAnswer {
    CloudAnswer::Found(Box::new(CloudFacts {
        instance_id: "ins-e2e00001".into(),
        instance_name: "web".into(),
        region: "ap-seoul".into(),
        state: "RUNNING".into(),
        restrict: "NORMAL".into(),
        bandwidth_out_mbps: Some(5),
        os_name: "Ubuntu".into(),
        groups: vec![PRIVATE_GROUP.into()],
        verdicts: vec![SgVerdict {
            role: SourceRole::Bot,
            source: "198.18.0.5".parse().expect("static address"),
            decision: SgDecision::Drop,
            rule: Some(SgRule {
                group: PRIVATE_GROUP.into(),
                index: 0,
                action: "DROP".into(),
                protocol: "TCP".into(),
                source: "198.18.0.0/24".into(),
                port: "22".into(),
            }),
        }],
        accept_elsewhere: None,
        cpu_peak_pct: Some(3),
        cpu_recent_pct: Some(2),
        bw_recent_centi_mbps: Some(10),
        cpu_saturated: false,
        bw_saturated: false,
        ddos: "not-blocked".into(),
        ddos_unblock: String::new(),
        eip: None,
        rules: Vec::new(),
        rules_complete: false,
        port: 22,
    }))
}

/// The security group of [`dropped_by_a_rule`].
pub const PRIVATE_GROUP: &str = "sg-e2eprivate";
