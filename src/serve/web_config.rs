//! `--web.config.file`: the Prometheus exporter-toolkit's web configuration, so the file an
//! operator already writes for node_exporter or blackbox_exporter works here unchanged:
//! `tls_server_config` (certificate, key, client certificates, TLS versions),
//! `http_server_config.headers` (added to every response) and `basic_auth_users` (bcrypt
//! hashes, checked by basic_auth.rs). Every struct refuses keys it does not know, so
//! `cipher_suites` or an inline `cert` is an error naming the key, never a server that is
//! less locked down than the file says. Read at start (a bad file is exit 2), then again (for
//! a new connection's TLS, for each request's auth and headers) whenever the file or a
//! certificate, key or CA file it names has changed (`Live`: a stat of each, no read
//! otherwise), as the exporter-toolkit re-reads it: a
//! rotated certificate or a changed password applies without a restart.

use super::basic_auth::BasicAuth;
use crate::error::Error;
use hyper::header::{HeaderName, HeaderValue};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct FileText {
    #[serde(default)]
    tls_server_config: Option<TlsText>,
    #[serde(default)]
    http_server_config: Option<HttpText>,
    #[serde(default)]
    basic_auth_users: BTreeMap<String, String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct TlsText {
    cert_file: PathBuf,
    key_file: PathBuf,
    #[serde(default)]
    client_auth_type: Option<String>,
    #[serde(default)]
    client_ca_file: Option<PathBuf>,
    #[serde(default)]
    min_version: Option<String>,
    #[serde(default)]
    max_version: Option<String>,
}

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct HttpText {
    #[serde(default)]
    http2: Option<bool>,
    #[serde(default)]
    headers: BTreeMap<String, String>,
}

/// What the server applies: a TLS configuration (None: plain HTTP), the users (None: no
/// authentication) and the extra response headers.
#[derive(Default)]
pub struct WebConfig {
    pub tls: Option<Arc<ServerConfig>>,
    pub auth: Option<Arc<BasicAuth>>,
    pub headers: Vec<(HeaderName, HeaderValue)>,
    /// The files the settings came from (certificate, key, client CA), to notice a change.
    files: Vec<PathBuf>,
}

fn version(key: &str, v: &str) -> Result<&'static rustls::SupportedProtocolVersion, Error> {
    match v {
        "TLS12" => Ok(&rustls::version::TLS12),
        "TLS13" => Ok(&rustls::version::TLS13),
        // Go's crypto/tls still offers 1.0 and 1.1; rustls never does.
        "TLS10" | "TLS11" => Err(Error::usage(
            format!("tls_server_config.{key}"),
            format!("{v} is not supported by oncall serve (TLS12 or TLS13)"),
        )),
        other => Err(Error::usage(
            format!("tls_server_config.{key}"),
            format!("unknown version '{other}' (TLS12 or TLS13)"),
        )),
    }
}

fn certificates(path: &Path, what: &str) -> Result<Vec<CertificateDer<'static>>, Error> {
    let at = || format!("tls_server_config.{what} {}", path.display());
    let certs = CertificateDer::pem_file_iter(path)
        .map_err(|e| Error::usage(at(), e))?
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| Error::usage(at(), e))?;
    if certs.is_empty() {
        return Err(Error::usage(at(), "no certificate in the file"));
    }
    Ok(certs)
}

fn tls(t: &TlsText) -> Result<Arc<ServerConfig>, Error> {
    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let chain = certificates(&t.cert_file, "cert_file")?;
    let key = PrivateKeyDer::from_pem_file(&t.key_file).map_err(|e| {
        Error::usage(
            format!("tls_server_config.key_file {}", t.key_file.display()),
            e,
        )
    })?;
    let min = version("min_version", t.min_version.as_deref().unwrap_or("TLS12"))?;
    let max = version("max_version", t.max_version.as_deref().unwrap_or("TLS13"))?;
    let versions: Vec<_> = [&rustls::version::TLS12, &rustls::version::TLS13]
        .into_iter()
        .filter(|v| {
            let rank = |x: &rustls::SupportedProtocolVersion| u16::from(x.version);
            rank(v) >= rank(min) && rank(v) <= rank(max)
        })
        .collect();
    if versions.is_empty() {
        return Err(Error::usage(
            "tls_server_config",
            "min_version is above max_version",
        ));
    }
    let builder = ServerConfig::builder_with_provider(provider.clone())
        .with_protocol_versions(&versions)
        .map_err(|e| Error::usage("tls_server_config", e))?;
    let auth_type = t.client_auth_type.as_deref().unwrap_or("NoClientCert");
    let roots = || -> Result<Arc<RootCertStore>, Error> {
        let Some(ca) = &t.client_ca_file else {
            return Err(Error::usage(
                "tls_server_config.client_auth_type",
                format!("{auth_type} needs client_ca_file"),
            ));
        };
        let mut store = RootCertStore::empty();
        for c in certificates(ca, "client_ca_file")? {
            store
                .add(c)
                .map_err(|e| Error::usage("tls_server_config.client_ca_file", e))?;
        }
        Ok(Arc::new(store))
    };
    let builder = match auth_type {
        "NoClientCert" => builder.with_no_client_auth(),
        "RequireAndVerifyClientCert" | "VerifyClientCertIfGiven" => {
            let mut v = WebPkiClientVerifier::builder_with_provider(roots()?, provider);
            if auth_type == "VerifyClientCertIfGiven" {
                v = v.allow_unauthenticated();
            }
            let v = v
                .build()
                .map_err(|e| Error::usage("tls_server_config.client_ca_file", e))?;
            builder.with_client_cert_verifier(v)
        }
        other => {
            return Err(Error::usage(
                "tls_server_config.client_auth_type",
                format!(
                    "'{other}' is not supported by oncall serve \
                     (NoClientCert, VerifyClientCertIfGiven, RequireAndVerifyClientCert)"
                ),
            ))
        }
    };
    let mut config = builder.with_single_cert(chain, key).map_err(|e| {
        Error::usage(
            format!(
                "tls_server_config cert_file {} and key_file {}",
                t.cert_file.display(),
                t.key_file.display()
            ),
            e,
        )
    })?;
    // The server speaks HTTP/1.1 only (as Prometheus scrapes); ALPN says so.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Arc::new(config))
}

/// The file's settings; relative paths inside it are taken from the file's directory, as
/// the exporter-toolkit does.
pub fn parse(text: &str, dir: &Path) -> Result<WebConfig, Error> {
    let mut file: FileText = if text.trim().is_empty() {
        FileText::default()
    } else {
        serde_yaml::from_str(text).map_err(|e| Error::Usage(e.to_string()))?
    };
    if let Some(t) = &mut file.tls_server_config {
        for p in [&mut t.cert_file, &mut t.key_file] {
            *p = dir.join(&*p);
        }
        if let Some(ca) = &mut t.client_ca_file {
            *ca = dir.join(&*ca);
        }
    }
    let http = file.http_server_config.unwrap_or_default();
    if http.http2 == Some(true) {
        return Err(Error::usage(
            "http_server_config.http2",
            "true is not supported by oncall serve (HTTP/1.1 only; Prometheus scrapes over HTTP/1.1)",
        ));
    }
    let mut headers = Vec::new();
    for (k, v) in &http.headers {
        let at = || format!("http_server_config.headers.{k}");
        let n = HeaderName::from_bytes(k.as_bytes()).map_err(|e| Error::usage(at(), e))?;
        let v = HeaderValue::from_str(v).map_err(|e| Error::usage(at(), e))?;
        headers.push((n, v));
    }
    let auth = if file.basic_auth_users.is_empty() {
        None
    } else {
        Some(Arc::new(BasicAuth::new(file.basic_auth_users)?))
    };
    let tls = file.tls_server_config.as_ref().map(tls).transpose()?;
    let files = file
        .tls_server_config
        .iter()
        .flat_map(|t| {
            [
                Some(&t.cert_file),
                Some(&t.key_file),
                t.client_ca_file.as_ref(),
            ]
        })
        .flatten()
        .cloned()
        .collect();
    Ok(WebConfig {
        tls,
        auth,
        headers,
        files,
    })
}

pub fn load(path: &Path) -> Result<WebConfig, Error> {
    let at = || format!("--web.config.file {}", path.display());
    let text = std::fs::read_to_string(path).map_err(|e| Error::usage(at(), e))?;
    let dir = path.parent().unwrap_or(Path::new("."));
    parse(&text, dir).map_err(|e| Error::usage(at(), e))
}

/// What tells a file changed without reading it: device, inode (a replaced file or a
/// swapped symlink, as Kubernetes rotates secrets), size and modification time.
type Stamp = Option<(u64, u64, u64, i64, i64)>;

fn stamp(path: &Path) -> Stamp {
    use std::os::unix::fs::MetadataExt;
    let m = std::fs::metadata(path).ok()?;
    Some((m.dev(), m.ino(), m.size(), m.mtime(), m.mtime_nsec()))
}

struct Current {
    stamps: Vec<Stamp>,
    applied: Arc<WebConfig>,
}

/// The web config a new connection or request gets: the file's settings as last read, read again when
/// a stat says the file or one it names changed. A file that no longer reads (a half-written
/// edit, a missing key) keeps the last good settings and says why once on stderr: a typo
/// does not turn TLS or the password off.
pub struct Live {
    path: Option<PathBuf>,
    current: std::sync::Mutex<Current>,
}

impl Live {
    /// No `--web.config.file`: plain HTTP, no authentication, never re-read.
    pub fn none() -> Live {
        Live {
            path: None,
            current: std::sync::Mutex::new(Current {
                stamps: Vec::new(),
                applied: Arc::new(WebConfig::default()),
            }),
        }
    }

    /// Reads `path` now: an error here is the usage error at start.
    pub fn load(path: &Path) -> Result<Live, Error> {
        let stamp_before = stamp(path);
        let applied = load(path)?;
        let mut stamps = vec![stamp_before];
        stamps.extend(applied.files.iter().map(|f| stamp(f)));
        Ok(Live {
            path: Some(path.to_path_buf()),
            current: std::sync::Mutex::new(Current {
                stamps,
                applied: Arc::new(applied),
            }),
        })
    }

    pub fn current(&self) -> Arc<WebConfig> {
        let mut cur = self.current.lock().unwrap_or_else(|p| p.into_inner());
        let Some(path) = &self.path else {
            return cur.applied.clone();
        };
        let now: Vec<Stamp> = std::iter::once(path.as_path())
            .chain(cur.applied.files.iter().map(PathBuf::as_path))
            .map(stamp)
            .collect();
        if now == cur.stamps {
            return cur.applied.clone();
        }
        // The stamps are taken before reading, so a change during the read is seen next time.
        match load(path) {
            Ok(applied) => {
                let mut stamps = vec![now[0]];
                stamps.extend(applied.files.iter().map(|f| stamp(f)));
                cur.stamps = stamps;
                cur.applied = Arc::new(applied);
            }
            Err(e) => {
                // Remembered, so the message is said once per change, not per connection.
                cur.stamps = now;
                eprintln!("oncall serve: {e}; keeping the previous web configuration");
            }
        }
        cur.applied.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_keys_and_bad_values_are_named() {
        let dir = Path::new("/nonexistent");
        let e = |t: &str| parse(t, dir).err().unwrap().to_string();
        assert!(
            e("tls_server_config:\n  cert_file: a\n  key_file: b\n  cipher_suites: [x]\n")
                .contains("cipher_suites")
        );
        assert!(e("basic_auth_users:\n  alice: plain\n").contains("alice"));
        assert!(e("http_server_config:\n  http2: true\n").contains("http2"));
        assert!(e("tls_server_config:\n  cert_file: a\n  key_file: b\n").contains("/nonexistent/a"));
        let ok = parse("", dir).unwrap();
        assert!(ok.tls.is_none() && ok.auth.is_none());
    }
}
