//! The fake Discord refuses what Discord refuses: bodies over the payload
//! limits get 400 with code 50035 and the offending paths.

mod fake;

use fake::*;
use serde_json::{json, Value};

async fn post(fake: &FakeDiscord, path: &str, body: Value) -> (u16, Value) {
    let r = reqwest::Client::new()
        .post(format!("{}/api/v10/{path}", fake.url()))
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await
        .unwrap();
    let status = r.status().as_u16();
    let v = serde_json::from_slice(&r.bytes().await.unwrap()).unwrap_or(Value::Null);
    (status, v)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bodies_over_discords_limits_are_refused_with_50035() {
    let fake = FakeDiscord::start().await;
    let field = |v: usize| json!({"name": "n", "value": "v".repeat(v)});
    let button = |label: usize, id: usize| json!({"type": 2, "style": 1, "label": "l".repeat(label), "custom_id": "c".repeat(id)});
    let cases = [
        (json!({"content": "가".repeat(2001)}), "content"),
        (
            json!({"embeds": [{"fields": (0..26).map(|_| field(1)).collect::<Vec<_>>()}]}),
            "embeds.0.fields",
        ),
        (
            json!({"embeds": [{"fields": [field(1025)]}]}),
            "embeds.0.fields.0.value",
        ),
        (
            json!({"embeds": [{"title": "t".repeat(257)}]}),
            "embeds.0.title",
        ),
        (
            json!({"embeds": (0..7).map(|_| json!({"description": "d".repeat(1000)})).collect::<Vec<_>>()}),
            "embeds",
        ),
        (
            json!({"components": (0..6).map(|_| json!({"type": 1, "components": [button(1, 1)]})).collect::<Vec<_>>()}),
            "components",
        ),
        (
            json!({"components": [{"type": 1, "components": (0..6).map(|_| button(1, 1)).collect::<Vec<_>>()}]}),
            "components.0",
        ),
        (
            json!({"components": [{"type": 1, "components": [button(81, 1)]}]}),
            "components.0.components.0.label",
        ),
        (
            json!({"components": [{"type": 1, "components": [button(1, 101)]}]}),
            "components.0.components.0.custom_id",
        ),
    ];
    for (body, path) in cases {
        let (status, v) = post(&fake, "channels/1/messages", body).await;
        assert_eq!(status, 400, "{path}");
        assert_eq!(v["code"], 50035, "{path}: {v}");
        assert!(v["errors"].get(path).is_some(), "{path}: {v}");
    }
    // A modal title over 45.
    let modal = json!({"type": 9, "data": {"custom_id": "m", "title": "t".repeat(46),
        "components": [{"type": 1, "components": [{"type": 4, "custom_id": "a", "style": 1, "label": "x"}]}]}});
    let (status, v) = post(&fake, "interactions/1/tok/callback", modal).await;
    assert_eq!((status, v["code"].clone()), (400, json!(50035)), "{v}");
    // Within every limit: accepted.
    let (status, _) = post(
        &fake,
        "channels/1/messages",
        json!({"content": "가".repeat(2000)}),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(fake.invalid_bodies().len(), 10);
}
