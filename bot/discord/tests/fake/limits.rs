//! Discord's payload limits, as the API enforces them: a body over any is
//! refused with 400 and JSON code 50035 ("Invalid Form Body") with the
//! offending paths under `errors`.

use super::Recorded;
use serde_json::{json, Value};

/// Characters, as Discord counts them.
fn len(v: &Value) -> usize {
    v.as_str().map_or(0, |s| s.chars().count())
}

fn over(out: &mut Vec<String>, path: &str, v: &Value, max: usize) {
    let n = len(v);
    if n > max {
        out.push(format!("{path}: {n} > {max}"));
    }
}

/// The message-like part of a request (a message create or edit, a
/// webhook or follow-up, an interaction response's `data`), and whether
/// it is a modal.
fn body(rec: &Recorded) -> Option<(&Value, bool)> {
    let m = rec.method.as_str();
    let p = rec.path.as_str();
    if rec.is_callback() {
        let t = rec.json["type"].as_u64();
        return match t {
            Some(4) | Some(7) => Some((&rec.json["data"], false)),
            Some(9) => Some((&rec.json["data"], true)),
            _ => None,
        };
    }
    let message = (m == "POST" && p.ends_with("/messages"))
        || (m == "PATCH" && p.contains("/messages/"))
        || (m == "POST" && p.contains("/webhooks/"));
    message.then_some((&rec.json, false))
}

/// Every limit `rec` breaks (empty: within them).
pub fn check(rec: &Recorded) -> Vec<String> {
    let mut out = Vec::new();
    let Some((b, modal)) = body(rec) else {
        return out;
    };
    if modal {
        over(&mut out, "title", &b["title"], 45);
        over(&mut out, "custom_id", &b["custom_id"], 100);
        let rows = b["components"].as_array().map_or(0, Vec::len);
        if rows == 0 || rows > 5 {
            out.push(format!("components: {rows} rows (1 to 5)"));
        }
        for (i, row) in b["components"].as_array().into_iter().flatten().enumerate() {
            for (j, c) in row["components"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let at = format!("components.{i}.components.{j}");
                over(&mut out, &format!("{at}.label"), &c["label"], 45);
                over(&mut out, &format!("{at}.custom_id"), &c["custom_id"], 100);
                if c["max_length"].as_u64().is_some_and(|n| n > 4000) {
                    out.push(format!("{at}.max_length: over 4000"));
                }
            }
        }
        return out;
    }
    over(&mut out, "content", &b["content"], 2000);
    let embeds = b["embeds"].as_array().cloned().unwrap_or_default();
    if embeds.len() > 10 {
        out.push(format!("embeds: {} > 10", embeds.len()));
    }
    let mut total = 0;
    for (i, e) in embeds.iter().enumerate() {
        let at = format!("embeds.{i}");
        over(&mut out, &format!("{at}.title"), &e["title"], 256);
        over(
            &mut out,
            &format!("{at}.description"),
            &e["description"],
            4096,
        );
        over(
            &mut out,
            &format!("{at}.footer.text"),
            &e["footer"]["text"],
            2048,
        );
        over(
            &mut out,
            &format!("{at}.author.name"),
            &e["author"]["name"],
            256,
        );
        total += len(&e["title"])
            + len(&e["description"])
            + len(&e["footer"]["text"])
            + len(&e["author"]["name"]);
        let fields = e["fields"].as_array().cloned().unwrap_or_default();
        if fields.len() > 25 {
            out.push(format!("{at}.fields: {} > 25", fields.len()));
        }
        for (j, f) in fields.iter().enumerate() {
            over(&mut out, &format!("{at}.fields.{j}.name"), &f["name"], 256);
            over(
                &mut out,
                &format!("{at}.fields.{j}.value"),
                &f["value"],
                1024,
            );
            total += len(&f["name"]) + len(&f["value"]);
        }
    }
    if total > 6000 {
        out.push(format!("embeds: {total} characters in total > 6000"));
    }
    let rows = b["components"].as_array().cloned().unwrap_or_default();
    if rows.len() > 5 {
        out.push(format!("components: {} rows > 5", rows.len()));
    }
    for (i, row) in rows.iter().enumerate() {
        let cs = row["components"].as_array().cloned().unwrap_or_default();
        if cs.len() > 5 {
            out.push(format!("components.{i}: {} buttons > 5", cs.len()));
        }
        for (j, c) in cs.iter().enumerate() {
            let at = format!("components.{i}.components.{j}");
            over(&mut out, &format!("{at}.label"), &c["label"], 80);
            if let Some(id) = c["custom_id"].as_str() {
                let n = id.chars().count();
                if n == 0 || n > 100 {
                    out.push(format!("{at}.custom_id: {n} (1 to 100)"));
                }
            }
            over(&mut out, &format!("{at}.url"), &c["url"], 512);
        }
    }
    out
}

/// Discord's answer to a body over a limit.
pub fn error_body(problems: &[String]) -> Value {
    let mut errors = serde_json::Map::new();
    for p in problems {
        let (path, why) = p.split_once(": ").unwrap_or((p.as_str(), ""));
        errors.insert(
            path.to_owned(),
            json!({"_errors": [{"code": "BASE_TYPE_MAX_LENGTH", "message": why}]}),
        );
    }
    json!({"code": 50035, "message": "Invalid Form Body", "errors": errors})
}
