//! The fakes' HTTP plumbing: a request as a fake's handler reads it, and
//! what its body says, as JSON.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request as AxRequest};
use axum::http::{HeaderMap, Method};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

/// A request to a fake platform API, read whole (axum's body limit holds,
/// as for the `Bytes` extractor).
pub struct Request {
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    /// The `Content-Type` (empty when missing or not text).
    pub content_type: String,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Request {
    /// The body as [`parse_body`] reads it: (JSON, files).
    pub fn json_and_files(&self) -> (Value, Vec<(String, Vec<u8>)>) {
        parse_body(&self.content_type, &self.body)
    }

    /// The call's parameters as [`params`] reads them.
    pub fn params(&self) -> Value {
        params(self.query.as_deref(), &self.content_type, &self.body)
    }

    /// A header's value, if it is text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl<S: Send + Sync> FromRequest<S> for Request {
    type Rejection = Response;

    async fn from_request(req: AxRequest, state: &S) -> Result<Self, Self::Rejection> {
        let method = req.method().clone();
        let path = req.uri().path().to_owned();
        let query = req.uri().query().map(str::to_owned);
        let headers = req.headers().clone();
        let body = Bytes::from_request(req, state)
            .await
            .map_err(IntoResponse::into_response)?;
        Ok(Request {
            method,
            path,
            query,
            content_type: content_type(&headers),
            headers,
            body,
        })
    }
}

/// The request's `Content-Type` (empty when missing or not text).
pub fn content_type(headers: &HeaderMap) -> String {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string()
}

/// Returns (json, files): JSON bodies parsed; multipart bodies split into
/// `payload_json` (or the other fields as an object) and file parts.
/// Unparseable bodies become a JSON string (lossy UTF-8).
pub fn parse_body(content_type: &str, body: &[u8]) -> (Value, Vec<(String, Vec<u8>)>) {
    if body.is_empty() {
        return (Value::Null, Vec::new());
    }
    if content_type.starts_with("multipart/form-data") {
        if let Some(boundary) = content_type
            .split(';')
            .map(str::trim)
            .find_map(|p| p.strip_prefix("boundary="))
        {
            let boundary = boundary.trim_matches('"');
            return parse_multipart(boundary, body);
        }
    }
    match serde_json::from_slice(body) {
        Ok(v) => (v, Vec::new()),
        Err(_) => (
            Value::String(String::from_utf8_lossy(body).into_owned()),
            Vec::new(),
        ),
    }
}

fn find(hay: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if from > hay.len() || needle.is_empty() {
        return None;
    }
    hay[from..]
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

fn parse_multipart(boundary: &str, body: &[u8]) -> (Value, Vec<(String, Vec<u8>)>) {
    let delim = format!("--{boundary}");
    let next_delim = format!("\r\n--{boundary}");
    let mut json_v = Value::Null;
    let mut other_fields = Map::new();
    let mut files = Vec::new();
    let Some(mut pos) = find(body, delim.as_bytes(), 0) else {
        return (Value::Null, files);
    };
    pos += delim.len();
    loop {
        if body[pos..].starts_with(b"--") {
            break;
        }
        if body[pos..].starts_with(b"\r\n") {
            pos += 2;
        }
        let Some(hdr_end) = find(body, b"\r\n\r\n", pos) else {
            break;
        };
        let headers = String::from_utf8_lossy(&body[pos..hdr_end]).into_owned();
        let data_start = hdr_end + 4;
        let Some(data_end) = find(body, next_delim.as_bytes(), data_start) else {
            break;
        };
        let data = &body[data_start..data_end];
        let (mut name, mut filename) = (None, None);
        for line in headers.lines() {
            if line.to_ascii_lowercase().starts_with("content-disposition") {
                for p in line.split(';').map(str::trim) {
                    if let Some(v) = p.strip_prefix("name=") {
                        name = Some(v.trim_matches('"').to_string());
                    } else if let Some(v) = p.strip_prefix("filename=") {
                        filename = Some(v.trim_matches('"').to_string());
                    }
                }
            }
        }
        match (name.as_deref(), filename) {
            (_, Some(f)) => files.push((f, data.to_vec())),
            (Some("payload_json"), None) => {
                json_v = serde_json::from_slice(data)
                    .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(data).into_owned()));
            }
            (Some(n), None) => {
                other_fields.insert(
                    n.to_string(),
                    Value::String(String::from_utf8_lossy(data).into_owned()),
                );
            }
            (None, None) => {}
        }
        pos = data_end + next_delim.len();
        if pos >= body.len() {
            break;
        }
    }
    if json_v.is_null() && !other_fields.is_empty() {
        json_v = Value::Object(other_fields);
    }
    (json_v, files)
}

/// A Web API call's parameters as one JSON object: the query string, then a
/// JSON body's fields or a form body's pairs (form-encoded JSON arrays and
/// objects, such as `blocks` or `view`, decoded).
pub fn params(query: Option<&str>, content_type: &str, body: &[u8]) -> Value {
    let mut m = Map::new();
    let mut add_pairs = |s: &str| {
        for (k, v) in url::form_urlencoded::parse(s.as_bytes()) {
            let v = v.into_owned();
            let val = if v.starts_with('[') || v.starts_with('{') {
                serde_json::from_str(&v).unwrap_or(Value::String(v))
            } else {
                Value::String(v)
            };
            m.insert(k.into_owned(), val);
        }
    };
    if let Some(q) = query {
        add_pairs(q);
    }
    if content_type.starts_with("application/json") {
        if let Ok(Value::Object(o)) = serde_json::from_slice::<Value>(body) {
            m.extend(o);
        }
    } else if content_type.starts_with("application/x-www-form-urlencoded") {
        add_pairs(&String::from_utf8_lossy(body));
    }
    Value::Object(m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_multipart_body_gives_its_payload_and_files() {
        let body = b"--XX\r\ncontent-disposition: form-data; name=\"payload_json\"\r\n\r\n{\"a\":1}\r\n--XX\r\ncontent-disposition: form-data; name=\"files[0]\"; filename=\"r.md\"\r\n\r\n# r\r\n--XX--\r\n";
        let (v, files) = parse_body("multipart/form-data; boundary=XX", body);
        assert_eq!(v, json!({"a": 1}));
        assert_eq!(files, vec![("r.md".to_owned(), b"# r".to_vec())]);
        assert_eq!(parse_body("", b"not json").0, json!("not json"));
    }

    #[test]
    fn form_parameters_decode_embedded_json() {
        let p = params(
            Some("channel=C1"),
            "application/x-www-form-urlencoded",
            b"blocks=%5B%7B%22type%22%3A%22section%22%7D%5D&text=hi",
        );
        assert_eq!(
            p,
            json!({"channel": "C1", "blocks": [{"type": "section"}], "text": "hi"})
        );
    }
}
