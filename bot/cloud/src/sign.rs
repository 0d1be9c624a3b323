//! TC3-HMAC-SHA256, the Tencent Cloud API 3.0 request signature ("Signature
//! v3" in Tencent's API documentation): a canonical request (POST, `/`, no
//! query, the `content-type` and `host` headers, the SHA-256 of the body),
//! a string to sign (algorithm, timestamp, `date/service/tc3_request`, the
//! hash of the canonical request), a key derived from `"TC3" + SecretKey`
//! through the UTC date, the service and `tc3_request`, and the hex HMAC of
//! the string to sign. The unit tests reproduce the documentation's worked
//! example byte for byte.

use hmac::{Hmac, Mac};
use sha2::{Digest, Sha256};

pub const ALGORITHM: &str = "TC3-HMAC-SHA256";
/// The body's content type; signed as sent.
pub const CONTENT_TYPE: &str = "application/json; charset=utf-8";
pub const SIGNED_HEADERS: &str = "content-type;host";

/// The API secret key. Deliberately neither `Debug` nor `Display` nor
/// `Serialize`: it cannot end up in a log line, a panic message or a dump.
///
/// ```compile_fail
/// let k = vmd_cloud::sign::SecretKey::new("k".into());
/// println!("{k:?}");
/// ```
pub struct SecretKey(String);

impl SecretKey {
    pub fn new(key: String) -> Self {
        SecretKey(key)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn bytes(&self) -> &[u8] {
        self.0.as_bytes()
    }
}

impl Clone for SecretKey {
    fn clone(&self) -> Self {
        SecretKey(self.0.clone())
    }
}

/// A SecretId with its SecretKey. `Debug` shows the id only.
#[derive(Clone)]
pub struct Credentials {
    pub secret_id: String,
    pub key: SecretKey,
}

impl std::fmt::Debug for Credentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Credentials")
            .field("secret_id", &self.secret_id)
            .field("key", &"<redacted>")
            .finish()
    }
}

fn sha256_hex(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

fn hmac(key: &[u8], msg: &[u8]) -> Vec<u8> {
    // HMAC accepts keys of any length; this cannot fail.
    let mut m = <Hmac<Sha256> as Mac>::new_from_slice(key).expect("HMAC takes any key length");
    m.update(msg);
    m.finalize().into_bytes().to_vec()
}

/// The UTC date (`YYYY-MM-DD`) of a Unix timestamp, as the credential scope
/// needs it (never the local date).
pub fn utc_date(timestamp: i64) -> String {
    let (y, m, d) = civil_from_days(timestamp.div_euclid(86_400));
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's
/// `civil_from_days`).
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// Step 1: the canonical request of a POST with a JSON body.
pub fn canonical_request(host: &str, payload: &[u8]) -> String {
    format!(
        "POST\n/\n\ncontent-type:{CONTENT_TYPE}\nhost:{}\n\n{SIGNED_HEADERS}\n{}",
        host.trim().to_ascii_lowercase(),
        sha256_hex(payload)
    )
}

/// The credential scope: `date/service/tc3_request`.
pub fn credential_scope(timestamp: i64, service: &str) -> String {
    format!("{}/{service}/tc3_request", utc_date(timestamp))
}

/// Step 2: the string to sign.
pub fn string_to_sign(timestamp: i64, service: &str, canonical: &str) -> String {
    format!(
        "{ALGORITHM}\n{timestamp}\n{}\n{}",
        credential_scope(timestamp, service),
        sha256_hex(canonical.as_bytes())
    )
}

/// Step 3: the signature (lowercase hex).
pub fn signature(key: &SecretKey, timestamp: i64, service: &str, to_sign: &str) -> String {
    let mut secret = b"TC3".to_vec();
    secret.extend_from_slice(key.bytes());
    let date = hmac(&secret, utc_date(timestamp).as_bytes());
    let svc = hmac(&date, service.as_bytes());
    let signing = hmac(&svc, b"tc3_request");
    hex::encode(hmac(&signing, to_sign.as_bytes()))
}

/// Step 4: the `Authorization` header value.
pub fn authorization(
    creds: &Credentials,
    service: &str,
    host: &str,
    timestamp: i64,
    payload: &[u8],
) -> String {
    let canonical = canonical_request(host, payload);
    let to_sign = string_to_sign(timestamp, service, &canonical);
    let sig = signature(&creds.key, timestamp, service, &to_sign);
    format!(
        "{ALGORITHM} Credential={}/{}, SignedHeaders={SIGNED_HEADERS}, Signature={sig}",
        creds.secret_id,
        credential_scope(timestamp, service)
    )
}

/// The parts of an `Authorization` header (for the fake API's check).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AuthHeader {
    pub secret_id: String,
    pub date: String,
    pub service: String,
    pub signed_headers: String,
    pub signature: String,
}

/// Reads `TC3-HMAC-SHA256 Credential=id/date/service/tc3_request,
/// SignedHeaders=…, Signature=…`; `None` for anything else.
pub fn parse_authorization(h: &str) -> Option<AuthHeader> {
    let rest = h.strip_prefix(ALGORITHM)?.trim_start();
    let mut cred = None;
    let mut signed = None;
    let mut sig = None;
    for part in rest.split(',') {
        let (k, v) = part.trim().split_once('=')?;
        match k {
            "Credential" => cred = Some(v),
            "SignedHeaders" => signed = Some(v),
            "Signature" => sig = Some(v),
            _ => return None,
        }
    }
    let mut c = cred?.split('/');
    let (id, date, service, term) = (c.next()?, c.next()?, c.next()?, c.next()?);
    if term != "tc3_request" || c.next().is_some() {
        return None;
    }
    Some(AuthHeader {
        secret_id: id.to_owned(),
        date: date.to_owned(),
        service: service.to_owned(),
        signed_headers: signed?.to_owned(),
        signature: sig?.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    // Tencent Cloud API 3.0, "Signature v3", the worked example: POST
    // https://cvm.tencentcloudapi.com, DescribeInstances 2017-03-12 in
    // ap-guangzhou, X-TC-Timestamp 1551113065, this body, SecretKey
    // Gu5t9xGARNpq86cd98joQYCN3EXAMPLE.
    const PAYLOAD: &str =
        r#"{"Limit": 1, "Filters": [{"Values": ["\u672a\u547d\u540d"], "Name": "instance-name"}]}"#;
    const TS: i64 = 1551113065;
    const HOST: &str = "cvm.tencentcloudapi.com";

    #[test]
    fn the_documentation_example_byte_for_byte() {
        assert_eq!(
            sha256_hex(PAYLOAD.as_bytes()),
            "35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        let canonical = canonical_request(HOST, PAYLOAD.as_bytes());
        assert_eq!(
            canonical,
            "POST\n/\n\ncontent-type:application/json; charset=utf-8\nhost:cvm.tencentcloudapi.com\n\ncontent-type;host\n35e9c5b0e3ae67532d3c9f17ead6c90222632e5b1ff7f6e89887f1398934f064"
        );
        let to_sign = string_to_sign(TS, "cvm", &canonical);
        assert_eq!(
            to_sign,
            "TC3-HMAC-SHA256\n1551113065\n2019-02-25/cvm/tc3_request\n5ffe6a04c0664d6b969fab9a13bdab201d63ee709638e2749d62a09ca18d7031"
        );
        let creds = Credentials {
            secret_id: "AKID**********************0123456789EXAMPLE".into(),
            key: SecretKey::new("Gu5t9xGARNpq86cd98joQYCN3EXAMPLE".into()),
        };
        assert_eq!(
            signature(&creds.key, TS, "cvm", &to_sign),
            "72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
        assert_eq!(
            authorization(&creds, "cvm", HOST, TS, PAYLOAD.as_bytes()),
            "TC3-HMAC-SHA256 Credential=AKID**********************0123456789EXAMPLE/2019-02-25/cvm/tc3_request, SignedHeaders=content-type;host, Signature=72e494ea809ad7a8c8f7a4507b9bddcbaa8e581f516e8da2f66e2c5a96525168"
        );
    }

    #[test]
    fn the_date_is_utc_not_local() {
        // 2019-02-26 00:44:25 in UTC+8 is still the 25th in UTC.
        assert_eq!(utc_date(TS), "2019-02-25");
        assert_eq!(utc_date(0), "1970-01-01");
        assert_eq!(utc_date(951_782_400), "2000-02-29");
    }

    #[test]
    fn debug_never_shows_the_key() {
        let creds = Credentials {
            secret_id: "AKIDexample".into(),
            key: SecretKey::new("very-secret-value".into()),
        };
        let d = format!("{creds:?}");
        assert!(
            d.contains("AKIDexample") && !d.contains("very-secret"),
            "{d}"
        );
    }

    #[test]
    fn an_authorization_header_reads_back() {
        let creds = Credentials {
            secret_id: "AKIDx".into(),
            key: SecretKey::new("k".into()),
        };
        let h = authorization(&creds, "vpc", "127.0.0.1:9", TS, b"{}");
        let a = parse_authorization(&h).unwrap();
        assert_eq!(
            (a.secret_id.as_str(), a.date.as_str(), a.service.as_str()),
            ("AKIDx", "2019-02-25", "vpc")
        );
        assert_eq!(a.signed_headers, SIGNED_HEADERS);
        assert!(parse_authorization("Bearer x").is_none());
    }
}
