//! TLS to the database, as `libpq` reads it from the URL: `sslmode` and
//! `sslrootcert` (`postgres://…?sslmode=verify-full&sslrootcert=/ca.pem`,
//! or the `key=value` form).
//!
//! tokio-postgres knows only `disable`, `prefer` and `require`, and leaves
//! certificate checks to the connector; this module takes both options out
//! of the URL and builds a rustls connector that does what each mode means
//! in libpq:
//! - `disable`: no TLS;
//! - `prefer` (the default) and `require`: encrypted (`prefer` falls back
//!   to plain text when the server offers no TLS), the certificate not
//!   checked unless `sslrootcert` names a file (then as `verify-ca`);
//! - `verify-ca`: the certificate chains to a trusted root;
//! - `verify-full`: that, and it names the host connected to.
//!
//! Trusted roots are the `sslrootcert` file (PEM) or, without one (or with
//! `sslrootcert=system`), the system's store. rustls (with ring) is the
//! TLS stack the rest of vm-doctor already uses: no OpenSSL to link.

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::{verify_tls12_signature, verify_tls13_signature, CryptoProvider};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, Error, RootCertStore, SignatureScheme};
use std::sync::Arc;
use tokio_postgres::config::SslMode;
use vmd_runtime::store::StoreError;

/// What `sslmode` asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    Disable,
    Prefer,
    Require,
    VerifyCa,
    VerifyFull,
}

impl Mode {
    fn parse(v: &str) -> Option<Mode> {
        Some(match v {
            "disable" => Mode::Disable,
            "allow" | "prefer" => Mode::Prefer,
            "require" => Mode::Require,
            "verify-ca" => Mode::VerifyCa,
            "verify-full" => Mode::VerifyFull,
            _ => return None,
        })
    }

    /// What tokio-postgres is told (it only decides whether TLS is tried).
    pub fn ssl_mode(self) -> SslMode {
        match self {
            Mode::Disable => SslMode::Disable,
            Mode::Prefer => SslMode::Prefer,
            Mode::Require | Mode::VerifyCa | Mode::VerifyFull => SslMode::Require,
        }
    }
}

/// The TLS options found in a store URL, and the URL without them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Options {
    pub mode: Mode,
    /// `sslrootcert`: a PEM file of trusted roots (`None`: the system's).
    pub root_cert: Option<String>,
    /// The URL without `sslmode` and `sslrootcert`, for tokio-postgres.
    pub url: String,
}

fn decode(v: &str) -> String {
    let b = v.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(hex),
            b.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                out.push((h * 16 + l) as u8);
                i += 3;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Takes `sslmode` and `sslrootcert` out of `url` (URL or `key=value`
/// form). An `sslmode` libpq does not know is an error naming the value,
/// never the URL (it may hold a password).
pub fn options(url: &str) -> Result<Options, StoreError> {
    let mut mode = None;
    let mut root_cert = None;
    let mut take = |k: &str, v: &str| -> Result<bool, StoreError> {
        match k {
            "sslmode" => {
                let v = decode(v);
                mode = Some(Mode::parse(&v).ok_or_else(|| {
                    StoreError::Backend(format!(
                        "sslmode={v:?} is not one of disable, allow, prefer, require, verify-ca, verify-full"
                    ))
                })?);
                Ok(true)
            }
            "sslrootcert" => {
                let v = decode(v);
                root_cert = (v != "system" && !v.is_empty()).then_some(v);
                Ok(true)
            }
            _ => Ok(false),
        }
    };
    let url = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
        match url.split_once('?') {
            None => url.to_owned(),
            Some((base, query)) => {
                let mut kept = Vec::new();
                for pair in query.split('&').filter(|p| !p.is_empty()) {
                    let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
                    if !take(k, v)? {
                        kept.push(pair);
                    }
                }
                if kept.is_empty() {
                    base.to_owned()
                } else {
                    format!("{base}?{}", kept.join("&"))
                }
            }
        }
    } else {
        // `host=… sslmode=…`: values with spaces are quoted, and neither
        // option's value has any.
        let mut kept = Vec::new();
        for word in url.split_whitespace() {
            let (k, v) = word.split_once('=').unwrap_or((word, ""));
            if !take(k.trim(), v.trim_matches('\'')).unwrap_or(false) {
                kept.push(word);
            }
        }
        if let Some(bad) = url
            .split_whitespace()
            .filter_map(|w| w.strip_prefix("sslmode="))
            .map(|v| v.trim_matches('\''))
            .find(|v| Mode::parse(v).is_none())
        {
            return Err(StoreError::Backend(format!(
                "sslmode={bad:?} is not one of disable, allow, prefer, require, verify-ca, verify-full"
            )));
        }
        kept.join(" ")
    };
    Ok(Options {
        mode: mode.unwrap_or(Mode::Prefer),
        root_cert,
        url,
    })
}

fn provider() -> Arc<CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

fn roots(file: Option<&str>) -> Result<RootCertStore, StoreError> {
    let mut roots = RootCertStore::empty();
    match file {
        Some(path) => {
            let certs = CertificateDer::pem_file_iter(path)
                .and_then(|it| it.collect::<Result<Vec<_>, _>>())
                .map_err(|e| StoreError::Backend(format!("sslrootcert {path}: {e}")))?;
            if certs.is_empty() {
                return Err(StoreError::Backend(format!(
                    "sslrootcert {path}: no certificate in it"
                )));
            }
            for c in certs {
                roots
                    .add(c)
                    .map_err(|e| StoreError::Backend(format!("sslrootcert {path}: {e}")))?;
            }
        }
        None => {
            for cert in rustls_native_certs::load_native_certs().certs {
                // A certificate the system store holds but rustls can't use is skipped.
                let _ = roots.add(cert);
            }
        }
    }
    Ok(roots)
}

/// The connector for `opts` (unused when the mode is `disable`).
pub fn connector(opts: &Options) -> Result<tokio_postgres_rustls::MakeRustlsConnect, StoreError> {
    let verify = match (opts.mode, &opts.root_cert) {
        (Mode::VerifyFull, _) => Check::Full,
        (Mode::VerifyCa, _) | (_, Some(_)) => Check::Chain,
        _ => Check::Nothing,
    };
    let verifier: Arc<dyn ServerCertVerifier> = match verify {
        Check::Nothing => Arc::new(Encrypted(provider())),
        chain_or_full => {
            let webpki = rustls::client::WebPkiServerVerifier::builder_with_provider(
                Arc::new(roots(opts.root_cert.as_deref())?),
                provider(),
            )
            .build()
            .map_err(|e| StoreError::Backend(format!("TLS setup: {e}")))?;
            Arc::new(Checked {
                inner: webpki,
                names: chain_or_full == Check::Full,
            })
        }
    };
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| StoreError::Backend(format!("TLS setup: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(verifier)
        .with_no_client_auth();
    Ok(tokio_postgres_rustls::MakeRustlsConnect::new(config))
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Check {
    Nothing,
    Chain,
    Full,
}

/// `prefer`/`require` without a root file: encrypted, the certificate
/// taken as it is (libpq's meaning); the handshake's signatures are still
/// checked against it.
#[derive(Debug)]
struct Encrypted(Arc<CryptoProvider>);

impl ServerCertVerifier for Encrypted {
    fn verify_server_cert(
        &self,
        _end_entity: &CertificateDer<'_>,
        _intermediates: &[CertificateDer<'_>],
        _server_name: &ServerName<'_>,
        _ocsp: &[u8],
        _now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        Ok(ServerCertVerified::assertion())
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls12_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        verify_tls13_signature(
            message,
            cert,
            dss,
            &self.0.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.0.signature_verification_algorithms.supported_schemes()
    }
}

/// `verify-ca` (the chain only) and `verify-full` (and the host name).
#[derive(Debug)]
struct Checked {
    inner: Arc<rustls::client::WebPkiServerVerifier>,
    names: bool,
}

impl ServerCertVerifier for Checked {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, Error> {
        match self
            .inner
            .verify_server_cert(end_entity, intermediates, server_name, ocsp, now)
        {
            Err(Error::InvalidCertificate(
                CertificateError::NotValidForName | CertificateError::NotValidForNameContext { .. },
            )) if !self.names => Ok(ServerCertVerified::assertion()),
            other => other,
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sslmode_and_sslrootcert_are_taken_out_of_the_url() {
        let o = options("postgres://vmd:pw@db.example.com:5432/vmd?sslmode=verify-full&sslrootcert=%2Fetc%2Fca.pem&application_name=x").unwrap();
        assert_eq!(o.mode, Mode::VerifyFull);
        assert_eq!(o.root_cert.as_deref(), Some("/etc/ca.pem"));
        assert_eq!(
            o.url,
            "postgres://vmd:pw@db.example.com:5432/vmd?application_name=x"
        );
        assert_eq!(o.mode.ssl_mode(), SslMode::Require);

        let o = options("postgresql://vmd@db/vmd?sslmode=verify-ca").unwrap();
        assert_eq!(
            (o.mode, o.root_cert, o.url.as_str()),
            (Mode::VerifyCa, None, "postgresql://vmd@db/vmd")
        );

        let o = options("postgres://vmd@db/vmd?sslmode=require&sslrootcert=system").unwrap();
        assert_eq!((o.mode, o.root_cert), (Mode::Require, None));

        let o = options("postgres://vmd@db/vmd").unwrap();
        assert_eq!(
            (o.mode, o.url.as_str()),
            (Mode::Prefer, "postgres://vmd@db/vmd")
        );
        assert_eq!(
            options("postgres://db/vmd?sslmode=disable")
                .unwrap()
                .mode
                .ssl_mode(),
            SslMode::Disable
        );

        // The key=value form.
        let o =
            options("host=db user=vmd sslmode=verify-full sslrootcert=/ca.pem dbname=vmd").unwrap();
        assert_eq!(
            (o.mode, o.root_cert.as_deref()),
            (Mode::VerifyFull, Some("/ca.pem"))
        );
        assert_eq!(o.url, "host=db user=vmd dbname=vmd");
    }

    #[test]
    fn an_unknown_sslmode_is_refused_without_showing_the_url() {
        for url in [
            "postgres://vmd:pw-secret@db/vmd?sslmode=verify_full",
            "host=db password=pw-secret sslmode=strict",
        ] {
            let e = options(url).unwrap_err().to_string();
            assert!(e.contains("sslmode"), "{e}");
            assert!(!e.contains("pw-secret"), "{e}");
        }
    }

    #[test]
    fn every_mode_builds_a_connector() {
        for mode in ["disable", "prefer", "require", "verify-ca", "verify-full"] {
            let o = options(&format!("postgres://db/vmd?sslmode={mode}")).unwrap();
            assert!(connector(&o).is_ok(), "{mode}");
        }
        // A root file that is not there is named.
        let o = options("postgres://db/vmd?sslmode=verify-full&sslrootcert=/nonexistent/ca.pem")
            .unwrap();
        let e = connector(&o).err().unwrap().to_string();
        assert!(e.contains("/nonexistent/ca.pem"), "{e}");
    }
}
