//! TLS to a loopback PostgreSQL whose certificate, for `localhost` only,
//! comes from a throwaway CA (`.ci/pg.sh`: `VM_DOCTOR_TEST_PG_CA`): each
//! `sslmode` does what libpq does with it.

mod support;

use vmd_store_pg::PgStore;

/// The test URL with `host` and the query `q`.
fn with(url: &str, host: &str, q: &str) -> String {
    let (scheme, rest) = url.split_once("://").unwrap();
    let end = rest.find(['/', '?']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let (user, hostport) = match authority.rfind('@') {
        Some(at) => (&authority[..=at], &authority[at + 1..]),
        None => ("", authority),
    };
    let port = hostport.rsplit_once(':').map_or("5432", |(_, p)| p);
    let path = tail.split('?').next().unwrap_or("");
    format!("{scheme}://{user}{host}:{port}{path}?{q}")
}

fn open(url: String) -> Result<PgStore, String> {
    let mut cfg = support::config(&url, &support::fresh_schema());
    cfg.op_timeout = std::time::Duration::from_secs(30);
    PgStore::open(cfg).map_err(|e| e.to_string())
}

#[test]
fn sslmodes_against_a_server_with_a_private_ca() {
    let Some(url) = support::url("sslmodes_against_a_server_with_a_private_ca") else {
        return;
    };
    let ca = match std::env::var("VM_DOCTOR_TEST_PG_CA") {
        Ok(ca) if !ca.is_empty() => ca,
        _ => {
            if std::env::var("VM_DOCTOR_REQUIRE_LAB").is_ok_and(|v| v == "1") {
                panic!("PG REQUIRED: VM_DOCTOR_TEST_PG_CA is not set (pg.sh without openssl?)");
            }
            eprintln!("PG SKIPPED: no VM_DOCTOR_TEST_PG_CA (source .ci/pg.sh; pg_start)");
            return;
        }
    };
    let root = format!("sslrootcert={ca}");

    // verify-full: the chain and the name; encrypted.
    let st = open(with(
        &url,
        "localhost",
        &format!("sslmode=verify-full&{root}"),
    ))
    .unwrap();
    assert!(st.encrypted().unwrap());
    // verify-full to an address the certificate does not name: refused.
    let e = open(with(
        &url,
        "127.0.0.1",
        &format!("sslmode=verify-full&{root}"),
    ))
    .err()
    .expect("127.0.0.1 is not in the certificate");
    assert!(e.to_lowercase().contains("certificate"), "{e}");
    // verify-ca: the chain only.
    let st = open(with(
        &url,
        "127.0.0.1",
        &format!("sslmode=verify-ca&{root}"),
    ))
    .unwrap();
    assert!(st.encrypted().unwrap());
    // verify-full with the system's roots: the private CA is not among them.
    let e = open(with(&url, "localhost", "sslmode=verify-full"))
        .err()
        .expect("an unknown issuer");
    assert!(e.to_lowercase().contains("certificate"), "{e}");
    // require: encrypted, the certificate not checked (libpq's meaning).
    let st = open(with(&url, "127.0.0.1", "sslmode=require")).unwrap();
    assert!(st.encrypted().unwrap());
    // disable: plain text.
    let st = open(with(&url, "127.0.0.1", "sslmode=disable")).unwrap();
    assert!(!st.encrypted().unwrap());
}
