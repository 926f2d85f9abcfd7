//! What a target string means: `http(s)://host[:port]/path`, `tcp://host:port`,
//! `grpc(s)://host:port[/service]`. Malformed input is a usage error (exit 2), never a panic.

use crate::error::Error;
use hyper::Uri;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scheme {
    Http,
    Https,
    Tcp,
    Grpc,
    Grpcs,
}

impl Scheme {
    pub fn tls(self) -> bool {
        matches!(self, Scheme::Https | Scheme::Grpcs)
    }

    pub fn kind(self) -> &'static str {
        match self {
            Scheme::Http | Scheme::Https => "http",
            Scheme::Tcp => "tcp",
            Scheme::Grpc | Scheme::Grpcs => "grpc",
        }
    }

    fn name(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
            Scheme::Tcp => "tcp",
            Scheme::Grpc => "grpc",
            Scheme::Grpcs => "grpcs",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    /// As the user wrote it (what reports show).
    pub text: String,
    pub scheme: Scheme,
    /// Host name or IP literal, without IPv6 brackets.
    pub host: String,
    pub port: u16,
    /// `host[:port]` for the Host header (port only when not the scheme's default).
    pub authority: String,
    /// HTTP: path and query; gRPC: the service name ("" = the whole server).
    pub path: String,
}

pub fn parse(text: &str) -> Result<Target, Error> {
    let bad = |why: &str| Error::usage(format!("target '{text}'"), why);
    let (scheme, _) = text
        .split_once("://")
        .ok_or_else(|| bad("expected http://, https://, tcp://, grpc:// or grpcs://"))?;
    let scheme = match scheme.to_ascii_lowercase().as_str() {
        "http" => Scheme::Http,
        "https" => Scheme::Https,
        "tcp" => Scheme::Tcp,
        "grpc" => Scheme::Grpc,
        "grpcs" => Scheme::Grpcs,
        other => {
            return Err(bad(&format!(
                "unsupported scheme '{other}' (http, https, tcp, grpc, grpcs)"
            )))
        }
    };
    let uri: Uri = text.parse().map_err(|e| bad(&format!("{e}")))?;
    let authority = uri.authority().ok_or_else(|| bad("no host"))?;
    if authority.as_str().contains('@') {
        return Err(bad(
            "credentials in the URL are not supported (use -H or --bearer: they are never printed)",
        ));
    }
    let host = authority
        .host()
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    if host.is_empty() {
        return Err(bad("no host"));
    }
    let default_port = match scheme {
        Scheme::Http => Some(80),
        Scheme::Https => Some(443),
        Scheme::Tcp | Scheme::Grpc | Scheme::Grpcs => None,
    };
    let auth = authority.as_str();
    let after_host = &auth[auth.rfind(']').map_or(0, |i| i + 1)..];
    if let Some((_, p)) = after_host.rsplit_once(':') {
        if p.parse::<u16>().is_err() {
            return Err(bad("the port is not a number from 1 to 65535"));
        }
    }
    let port = match (authority.port_u16(), default_port) {
        (Some(0), _) => return Err(bad("port 0")),
        (Some(p), _) => p,
        (None, Some(p)) => p,
        (None, None) => return Err(bad("a port is required (host:port)")),
    };
    let path = match scheme {
        Scheme::Http | Scheme::Https => uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .filter(|p| !p.is_empty())
            .unwrap_or_else(|| "/".into()),
        Scheme::Tcp => {
            if !matches!(uri.path(), "" | "/") {
                return Err(bad("tcp:// targets take no path"));
            }
            String::new()
        }
        Scheme::Grpc | Scheme::Grpcs => uri.path().trim_matches('/').to_string(),
    };
    let authority = if Some(port) == default_port {
        authority.host().to_string()
    } else {
        format!("{}:{port}", authority.host())
    };
    Ok(Target {
        text: text.to_string(),
        scheme,
        host,
        port,
        authority,
        path,
    })
}

/// The target a `Location` header points to, relative to `base` (absolute, scheme-relative,
/// absolute-path and relative-path references).
pub fn follow(base: &Target, location: &str) -> Result<Target, Error> {
    let location = location.trim();
    if location.contains("://") {
        let next = parse(location)?;
        if !matches!(next.scheme, Scheme::Http | Scheme::Https) {
            return Err(Error::usage(
                format!("redirect to '{location}'"),
                "not an http(s) URL",
            ));
        }
        return Ok(next);
    }
    let scheme = base.scheme.name();
    let url = if let Some(rest) = location.strip_prefix("//") {
        format!("{scheme}://{rest}")
    } else if location.starts_with('/') {
        format!("{scheme}://{}{location}", base.authority)
    } else {
        let path = base.path.split('?').next().unwrap_or("/");
        let dir = &path[..path.rfind('/').map_or(0, |i| i + 1)];
        format!("{scheme}://{}{dir}{location}", base.authority)
    };
    parse(&url)
}

/// Same origin as curl judges it when following a redirect: scheme, host and port. The
/// user's headers and credentials are sent only to the origin they were given for.
pub fn same_origin(a: &Target, b: &Target) -> bool {
    a.scheme == b.scheme && a.port == b.port && a.host.eq_ignore_ascii_case(&b.host)
}

/// `scheme://host:port`, how reports name an origin.
pub fn origin(t: &Target) -> String {
    let host = if t.host.contains(':') {
        format!("[{}]", t.host)
    } else {
        t.host.clone()
    };
    format!("{}://{host}:{}", t.scheme.name(), t.port)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_each_scheme() {
        let t = parse("http://127.0.0.1:8080/health?x=1").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.path.as_str()),
            ("127.0.0.1", 8080, "/health?x=1")
        );
        assert_eq!(t.authority, "127.0.0.1:8080");
        let t = parse("https://example.com").unwrap();
        assert_eq!(
            (t.port, t.path.as_str(), t.authority.as_str()),
            (443, "/", "example.com")
        );
        let t = parse("tcp://[::1]:22").unwrap();
        assert_eq!(
            (t.host.as_str(), t.port, t.scheme),
            ("::1", 22, Scheme::Tcp)
        );
        let t = parse("grpc://localhost:50051/my.Service").unwrap();
        assert_eq!(t.path, "my.Service");
    }

    #[test]
    fn rejects_bad_targets() {
        for bad in [
            "example.com",
            "ftp://x/",
            "tcp://host",
            "grpc://host",
            "http://",
            "http://u:p@host/",
            "tcp://h:1/x",
            "http://h:99999/",
            "http://h:0/",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn follows_locations() {
        let base = parse("http://h:81/a/b?q").unwrap();
        assert_eq!(follow(&base, "/c").unwrap().text, "http://h:81/c");
        assert_eq!(follow(&base, "c").unwrap().text, "http://h:81/a/c");
        assert_eq!(follow(&base, "//o/x").unwrap().text, "http://o/x");
        assert_eq!(follow(&base, "https://s/").unwrap().scheme, Scheme::Https);
        assert!(follow(&base, "ftp://s/").is_err());
    }

    #[test]
    fn origins_are_scheme_host_and_port() {
        let base = parse("http://Api.Example:8080/a").unwrap();
        let same = parse("http://api.example:8080/b?c").unwrap();
        assert!(same_origin(&base, &same));
        for other in [
            "https://api.example:8080/a",
            "http://api.example:8081/a",
            "http://other.example:8080/a",
            "http://api.example/a",
        ] {
            assert!(!same_origin(&base, &parse(other).unwrap()), "{other}");
        }
        assert_eq!(
            origin(&parse("https://[::1]/").unwrap()),
            "https://[::1]:443"
        );
    }
}
