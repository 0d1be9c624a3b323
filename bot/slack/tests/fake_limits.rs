//! The fake Slack refuses what Slack refuses: blocks and text over Block
//! Kit's limits (`invalid_blocks`, `msg_too_long`).

mod fake;

use fake::*;
use serde_json::{json, Value};

async fn call(fake: &FakeSlack, method: &str, body: Value) -> Value {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let url = fake.api_url();
    let addr = url
        .trim_start_matches("http://")
        .split('/')
        .next()
        .unwrap()
        .to_owned();
    let path = format!("/api/{method}");
    let body = body.to_string();
    let mut s = tokio::net::TcpStream::connect(&addr).await.unwrap();
    let req = format!(
        "POST {path} HTTP/1.1\r\nhost: {addr}\r\nconnection: close\r\nauthorization: Bearer xoxb-fake\r\ncontent-type: application/json; charset=utf-8\r\ncontent-length: {}\r\n\r\n{body}",
        body.len()
    );
    s.write_all(req.as_bytes()).await.unwrap();
    let mut out = String::new();
    s.read_to_string(&mut out).await.unwrap();
    let json = out.split("\r\n\r\n").nth(1).unwrap_or("");
    // A chunked body: the JSON object within.
    let start = json.find('{').unwrap_or(0);
    let end = json.rfind('}').map_or(json.len(), |e| e + 1);
    serde_json::from_str(&json[start..end]).unwrap_or(Value::Null)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blocks_and_text_over_slacks_limits_are_refused() {
    let fake = FakeSlack::start().await;
    let section =
        |n: usize| json!({"type": "section", "text": {"type": "mrkdwn", "text": "a".repeat(n)}});
    let button = |text: usize, id: usize| {
        json!({"type": "actions", "elements": [{"type": "button",
            "text": {"type": "plain_text", "text": "b".repeat(text)}, "action_id": "c".repeat(id), "value": "v"}]})
    };
    let cases = [
        (
            json!({"text": "t", "blocks": (0..51).map(|_| section(1)).collect::<Vec<_>>()}),
            "invalid_blocks",
        ),
        (
            json!({"text": "t", "blocks": [section(3001)]}),
            "invalid_blocks",
        ),
        (
            json!({"text": "t", "blocks": [button(76, 1)]}),
            "invalid_blocks",
        ),
        (
            json!({"text": "t", "blocks": [button(1, 256)]}),
            "invalid_blocks",
        ),
        (json!({"text": "가".repeat(40_001)}), "msg_too_long"),
    ];
    for (mut body, error) in cases {
        body["channel"] = json!("C0SUPPORT1");
        let v = call(&fake, "chat.postMessage", body).await;
        assert_eq!(v["ok"], false, "{v}");
        assert_eq!(v["error"], error, "{v}");
    }
    let v = call(
        &fake,
        "chat.postMessage",
        json!({"channel": "C0SUPPORT1", "text": "t", "blocks": [section(3000), button(75, 255)]}),
    )
    .await;
    assert_eq!(v["ok"], true, "within every limit: {v}");
    // A modal's title over 24 characters.
    let v = call(
        &fake,
        "views.open",
        json!({"trigger_id": "t", "view": {"type": "modal", "title": {"type": "plain_text", "text": "x".repeat(25)}, "blocks": []}}),
    )
    .await;
    assert_eq!(v["error"], "invalid_blocks", "{v}");
    assert_eq!(fake.invalid().len(), 6);
}
