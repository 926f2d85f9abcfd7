//! TLS with the details an on-call engineer needs: version, ALPN, leaf subject and issuer,
//! expiry of the leaf and of the earliest certificate in the chain — reported even when
//! verification fails, with the reason. A recording verifier keeps the chain the server
//! sent before webpki judges it; `--insecure` records and accepts. A server certificate that
//! is itself in `--cacert` (a self-signed certificate, often marked CA:TRUE by `openssl req
//! -x509`, which webpki refuses as an end entity) is accepted when its name and dates fit,
//! as curl and OpenSSL accept it.

use super::cert;
use super::clock;
use super::report::{CertSummary, LeafIdentity, TlsReport};
use super::tls_errors::{self, FirstBytes};
use crate::error::Error;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::client::WebPkiServerVerifier;
use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{ClientConfig, DigitallySignedStruct, RootCertStore, SignatureScheme};
use std::path::Path;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

type Verifier = Result<Arc<WebPkiServerVerifier>, String>;

/// Trust decided once per run: `--insecure`, `--cacert FILE` (read at start, so a bad file is
/// a usage error) or the system roots (loaded on the first TLS target only). Clones share
/// the verifier, so `oncall serve`'s per-request copies load the roots once.
#[derive(Clone)]
pub struct TlsSettings {
    provider: Arc<CryptoProvider>,
    insecure: bool,
    verifier: Arc<OnceLock<Verifier>>,
    /// The `--cacert` certificates, for the self-signed case above.
    pinned: Arc<Vec<CertificateDer<'static>>>,
    /// The name sent as SNI and verified, when not the target's host (blackbox's
    /// `tls_config.server_name`); None for the CLI.
    server_name: Option<String>,
}

impl TlsSettings {
    pub fn new(insecure: bool, cacert: Option<&Path>) -> Result<TlsSettings, Error> {
        match cacert {
            None => Ok(TlsSettings::trusting(insecure, Vec::new(), None)),
            Some(path) => {
                let what = format!("--cacert {}", path.display());
                let iter =
                    CertificateDer::pem_file_iter(path).map_err(|e| Error::usage(&what, e))?;
                TlsSettings::pinning(insecure, &what, iter)
            }
        }
    }

    /// `new` for a bundle already read (the CLI reads `--cacert FILE` and hands the request
    /// its bytes, so no request field names a file to read); `what` names it in errors.
    pub fn from_pem(insecure: bool, cacert: Option<(&str, &[u8])>) -> Result<TlsSettings, Error> {
        match cacert {
            None => Ok(TlsSettings::trusting(insecure, Vec::new(), None)),
            Some((what, pem)) => {
                TlsSettings::pinning(insecure, what, CertificateDer::pem_slice_iter(pem))
            }
        }
    }

    fn pinning<'a>(
        insecure: bool,
        what: &str,
        certs: impl Iterator<Item = Result<CertificateDer<'a>, rustls::pki_types::pem::Error>>,
    ) -> Result<TlsSettings, Error> {
        let provider = Arc::new(rustls::crypto::ring::default_provider());
        let mut pinned = Vec::new();
        let mut roots = RootCertStore::empty();
        for c in certs {
            let c = c.map_err(|e| Error::usage(what, e))?.into_owned();
            pinned.push(c.clone());
            roots.add(c).map_err(|e| Error::usage(what, e))?;
        }
        if roots.is_empty() {
            return Err(Error::usage(what, "no certificate in the file"));
        }
        let verifier = build(roots, &provider);
        Ok(TlsSettings::trusting(
            insecure,
            pinned,
            Some((provider, verifier)),
        ))
    }

    fn trusting(
        insecure: bool,
        pinned: Vec<CertificateDer<'static>>,
        roots: Option<(Arc<CryptoProvider>, Verifier)>,
    ) -> TlsSettings {
        let verifier = OnceLock::new();
        let provider = match roots {
            Some((provider, v)) => {
                let _ = verifier.set(v);
                provider
            }
            None => Arc::new(rustls::crypto::ring::default_provider()),
        };
        TlsSettings {
            provider,
            insecure,
            verifier: Arc::new(verifier),
            pinned: Arc::new(pinned),
            server_name: None,
        }
    }

    /// Sends and verifies `name` instead of the target's host.
    pub fn with_server_name(mut self, name: Option<String>) -> TlsSettings {
        self.server_name = name;
        self
    }

    /// The name to send and verify for a target on `host`.
    pub fn name_for<'a>(&'a self, host: &'a str) -> &'a str {
        self.server_name.as_deref().unwrap_or(host)
    }

    fn verifier(&self) -> &Verifier {
        self.verifier.get_or_init(|| {
            let found = rustls_native_certs::load_native_certs();
            let mut roots = RootCertStore::empty();
            roots.add_parsable_certificates(found.certs);
            if roots.is_empty() {
                return Err(
                    "no trusted roots on this system (install ca-certificates, or pass --cacert)"
                        .into(),
                );
            }
            build(roots, &self.provider)
        })
    }

    pub fn insecure(&self) -> bool {
        self.insecure
    }
}

fn build(roots: RootCertStore, provider: &Arc<CryptoProvider>) -> Verifier {
    WebPkiServerVerifier::builder_with_provider(Arc::new(roots), provider.clone())
        .build()
        .map_err(|e| e.to_string())
}

#[derive(Default)]
struct Seen {
    chain: Vec<CertificateDer<'static>>,
    error: Option<String>,
}

/// One per connection, so concurrent probes never mix their chains.
#[derive(Debug)]
struct Recorder {
    inner: Option<Arc<WebPkiServerVerifier>>,
    provider: Arc<CryptoProvider>,
    pinned: Arc<Vec<CertificateDer<'static>>>,
    seen: Arc<Mutex<Seen>>,
}

/// A server certificate byte for byte equal to one in `--cacert` needs no chain: trust in
/// it was given directly (the handshake's signature proves the server holds its key). Its
/// name and validity dates still have to fit.
fn accept_pinned(
    end_entity: &CertificateDer<'_>,
    server_name: &ServerName<'_>,
    now: UnixTime,
) -> Result<(), String> {
    let parsed =
        rustls::server::ParsedCertificate::try_from(end_entity).map_err(|e| e.to_string())?;
    rustls::client::verify_server_name(&parsed, server_name).map_err(|e| e.to_string())?;
    let fields = cert::parse(end_entity.as_ref()).ok_or("unreadable certificate")?;
    let now = i64::try_from(now.as_secs()).unwrap_or(i64::MAX);
    if now < fields.not_before_unix {
        return Err(tls_errors::not_yet_valid(fields.not_before_unix, now));
    }
    if now > fields.not_after_unix {
        return Err(tls_errors::expired(fields.not_after_unix, now));
    }
    Ok(())
}

impl std::fmt::Debug for Seen {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Seen({} certs)", self.chain.len())
    }
}

impl ServerCertVerifier for Recorder {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, rustls::Error> {
        let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
        seen.chain = std::iter::once(end_entity)
            .chain(intermediates)
            .map(|c| c.clone().into_owned())
            .collect();
        let Some(inner) = &self.inner else {
            return Ok(ServerCertVerified::assertion());
        };
        let r = inner.verify_server_cert(end_entity, intermediates, server_name, ocsp, now);
        let Err(e) = r else { return r };
        if self
            .pinned
            .iter()
            .any(|p| p.as_ref() == end_entity.as_ref())
        {
            return match accept_pinned(end_entity, server_name, now) {
                Ok(()) => Ok(ServerCertVerified::assertion()),
                Err(why) => {
                    seen.error = Some(format!("{why} (the certificate given with --cacert)"));
                    Err(e)
                }
            };
        }
        let leaf = cert::parse(end_entity.as_ref())
            .map(|f| tls_errors::Leaf {
                subject: f.subject,
                issuer: f.issuer,
                alone: intermediates.is_empty(),
            })
            .unwrap_or_default();
        seen.error = Some(tls_errors::certificate(&e, &leaf));
        Err(e)
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls12_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, rustls::Error> {
        rustls::crypto::verify_tls13_signature(
            message,
            cert,
            dss,
            &self.provider.signature_verification_algorithms,
        )
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.provider
            .signature_verification_algorithms
            .supported_schemes()
    }
}

/// How long the handshake may take, and what to say when it does not finish in time.
pub struct Limit {
    pub time: Duration,
    pub message: String,
}

pub struct Handshake {
    pub stream: Result<TlsStream<FirstBytes<TcpStream>>, String>,
    pub report: TlsReport,
    pub took: Duration,
}

/// TLS over `tcp` with SNI `host` (no SNI for IP literals, as browsers do) and the ALPN list.
pub async fn handshake(
    settings: &TlsSettings,
    tcp: TcpStream,
    host: &str,
    alpn: &[&[u8]],
    limit: Limit,
) -> Handshake {
    // The system roots load on first use: before the clock starts, so the tls phase is the
    // handshake alone.
    let _ = settings.insecure || settings.verifier().is_ok();
    let start = Instant::now();
    let mut report = TlsReport {
        insecure: settings.insecure,
        ..TlsReport::default()
    };
    let inner = if settings.insecure {
        None
    } else {
        match settings.verifier() {
            Ok(v) => Some(v.clone()),
            Err(e) => {
                report.error = Some(e.clone());
                return Handshake {
                    stream: Err(e.clone()),
                    report,
                    took: start.elapsed(),
                };
            }
        }
    };
    let seen = Arc::new(Mutex::new(Seen::default()));
    let recorder = Recorder {
        inner,
        provider: settings.provider.clone(),
        pinned: settings.pinned.clone(),
        seen: seen.clone(),
    };
    let config = ClientConfig::builder_with_provider(settings.provider.clone())
        .with_safe_default_protocol_versions()
        .map(|b| {
            b.dangerous()
                .with_custom_certificate_verifier(Arc::new(recorder))
                .with_no_client_auth()
        });
    let mut config = match config {
        Ok(c) => c,
        Err(e) => {
            return Handshake {
                stream: Err(e.to_string()),
                report,
                took: start.elapsed(),
            }
        }
    };
    config.alpn_protocols = alpn.iter().map(|p| p.to_vec()).collect();
    let name = match ServerName::try_from(host.to_string()) {
        Ok(n) => n,
        Err(e) => {
            return Handshake {
                stream: Err(format!("{host}: {e}")),
                report,
                took: start.elapsed(),
            }
        }
    };
    let connector = tokio_rustls::TlsConnector::from(Arc::new(config));
    let (tcp, first) = FirstBytes::new(tcp);
    let result = tokio::time::timeout(limit.time, connector.connect(name, tcp)).await;
    let took = start.elapsed();
    let seen = std::mem::take(&mut *seen.lock().unwrap_or_else(|p| p.into_inner()));
    describe_chain(&mut report, &seen.chain);
    let stream = match result {
        Err(_) => Err(limit.message),
        // The verifier's words when it refused the certificate, else the handshake's: one
        // handshake, one error, the same in the summary and the tls check.
        Ok(Err(e)) => Err(match &seen.error {
            Some(v) => v.clone(),
            None => tls_errors::handshake(&e, &first.lock().unwrap_or_else(|p| p.into_inner())),
        }),
        Ok(Ok(s)) => {
            let (_, conn) = s.get_ref();
            report.version = conn.protocol_version().map(version_name);
            report.alpn = conn
                .alpn_protocol()
                .map(|p| String::from_utf8_lossy(p).into_owned());
            Ok(s)
        }
    };
    report.verified = stream.is_ok() && !settings.insecure;
    report.error = stream.as_ref().err().cloned();
    Handshake {
        stream,
        report,
        took,
    }
}

fn version_name(v: rustls::ProtocolVersion) -> String {
    match v {
        rustls::ProtocolVersion::TLSv1_3 => "TLSv1.3".into(),
        rustls::ProtocolVersion::TLSv1_2 => "TLSv1.2".into(),
        other => format!("{other:?}"),
    }
}

fn describe_chain(report: &mut TlsReport, chain: &[CertificateDer<'static>]) {
    let now = clock::now_unix();
    for der in chain {
        let Some(f) = cert::parse(der.as_ref()) else {
            continue;
        };
        report.chain.push(CertSummary {
            subject: f.subject,
            issuer: f.issuer,
            not_after: clock::rfc3339(f.not_after_unix),
            days_left: clock::days_until(f.not_after_unix, now),
            not_after_unix: f.not_after_unix,
        });
    }
    report.leaf_identity = chain.first().and_then(|der| {
        let id = cert::go_identity(der.as_ref())?;
        let digest = ring::digest::digest(&ring::digest::SHA256, der.as_ref());
        Some(LeafIdentity {
            fingerprint_sha256: digest.as_ref().iter().map(|b| format!("{b:02x}")).collect(),
            subject: id.subject,
            issuer: id.issuer,
            dns_names: id.dns_names,
        })
    });
    if let Some(leaf) = report.chain.first() {
        report.subject = Some(leaf.subject.clone());
        report.issuer = Some(leaf.issuer.clone());
        report.not_after = Some(leaf.not_after.clone());
        report.days_left = Some(leaf.days_left);
    }
    if let Some(earliest) = report.chain.iter().min_by_key(|c| c.not_after_unix) {
        report.earliest_not_after = Some(earliest.not_after.clone());
        report.earliest_days_left = Some(earliest.days_left);
        report.earliest_not_after_unix = Some(earliest.not_after_unix);
    }
}
