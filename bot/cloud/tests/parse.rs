//! Response parsing never panics and stays bounded, whatever the API (or
//! something posing as it) sends: arbitrary bytes and arbitrary JSON.

use proptest::prelude::*;
use serde_json::Value;
use vmd_cloud::client::parse_envelope;
use vmd_cloud::lookup::{
    parse_addresses, parse_device_status, parse_ingress, parse_instances, parse_monitor,
    parse_unblock_time, MAX_POINTS,
};

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<f64>().prop_map(|f| serde_json::Number::from_f64(f)
            .map(Value::Number)
            .unwrap_or(Value::Null)),
        "[ -~]{0,12}".prop_map(Value::String),
        prop_oneof![
            Just("Response"),
            Just("InstanceSet"),
            Just("SecurityGroupPolicySet"),
            Just("Ingress"),
            Just("DataPoints"),
            Just("Values"),
            Just("Error"),
            Just("Code"),
            Just("PolicyIndex"),
            Just("Port"),
            Just("CidrBlock"),
            Just("InternetAccessible"),
            Just("192.0.2.1"),
            Just("1"),
        ]
        .prop_map(|s| Value::String(s.into())),
    ];
    leaf.prop_recursive(4, 64, 8, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
            prop::collection::btree_map(
                prop_oneof![
                    Just("Response".to_owned()),
                    Just("InstanceSet".to_owned()),
                    Just("SecurityGroupPolicySet".to_owned()),
                    Just("Ingress".to_owned()),
                    Just("DataPoints".to_owned()),
                    Just("Values".to_owned()),
                    Just("Error".to_owned()),
                    Just("Code".to_owned()),
                    Just("PolicyIndex".to_owned()),
                    Just("InstanceState".to_owned()),
                    Just("SecurityGroupIds".to_owned()),
                    Just("Data".to_owned()),
                    Just("Key".to_owned()),
                    Just("Value".to_owned()),
                    Just("List".to_owned()),
                    Just("Ip".to_owned()),
                    Just("UnBlockTime".to_owned()),
                    Just("AddressSet".to_owned()),
                    Just("Bandwidth".to_owned()),
                    Just("IsBlocked".to_owned()),
                    "[A-Za-z]{1,8}",
                ],
                inner,
                0..6
            )
            .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        let _ = parse_envelope(&bytes);
    }

    #[test]
    fn arbitrary_json_never_panics(v in json_value()) {
        let _ = parse_envelope(v.to_string().as_bytes());
        let _ = parse_instances(&v);
        let _ = parse_ingress(&v);
        let _ = parse_addresses(&v);
        if let Ok(Some(s)) = parse_device_status(&v, "192.0.2.1") {
            prop_assert!(["blocked", "not-blocked", "attacked"].contains(&s));
        }
        let _ = parse_unblock_time(&v, "192.0.2.1");
        if let Ok(points) = parse_monitor(&v) {
            prop_assert!(points.len() <= MAX_POINTS);
            prop_assert!(points.iter().all(|p| p.is_finite() && *p >= 0.0));
        }
        if let Some(r) = v.get("Response") {
            let _ = parse_instances(r);
            let _ = parse_ingress(r);
            let _ = parse_monitor(r);
        }
    }
}
