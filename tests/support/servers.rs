//! Real servers on loopback for the probe tests: a small HTTP/1.1 server (plain or TLS with
//! certificates made here by rcgen), a gRPC health server over HTTP/2, and helpers to run
//! haproxy and nginx when they are installed.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};
use std::sync::Arc;
use std::thread;
use std::time::Duration;

/// A request as the test handler sees it.
#[derive(Debug, Clone)]
pub struct Req {
    pub method: String,
    pub path: String,
    pub headers: Vec<(String, String)>,
}

impl Req {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Wait this long before answering (slow-server cases; never asserted on as a time).
    pub delay: Duration,
    /// Send this many bytes of filler instead of `body` (huge-body case).
    pub filler_bytes: usize,
}

impl Reply {
    pub fn new(status: u16, body: &str) -> Reply {
        Reply {
            status,
            headers: Vec::new(),
            body: body.as_bytes().to_vec(),
            delay: Duration::ZERO,
            filler_bytes: 0,
        }
    }

    pub fn header(mut self, name: &str, value: &str) -> Reply {
        self.headers.push((name.into(), value.into()));
        self
    }
}

type Handler = Arc<dyn Fn(&Req) -> Reply + Send + Sync>;

pub struct TestServer {
    pub addr: SocketAddr,
}

impl TestServer {
    pub fn http(handler: impl Fn(&Req) -> Reply + Send + Sync + 'static) -> TestServer {
        Self::start(None, Arc::new(handler))
    }

    pub fn https(
        tls: Arc<rustls::ServerConfig>,
        handler: impl Fn(&Req) -> Reply + Send + Sync + 'static,
    ) -> TestServer {
        Self::start(Some(tls), Arc::new(handler))
    }

    /// A plain HTTP server on this address (another loopback address such as 127.0.0.2
    /// stands for a second node behind one name).
    pub fn http_on(
        addr: SocketAddr,
        handler: impl Fn(&Req) -> Reply + Send + Sync + 'static,
    ) -> std::io::Result<TestServer> {
        Ok(Self::serve_on(
            TcpListener::bind(addr)?,
            None,
            Arc::new(handler),
        ))
    }

    fn start(tls: Option<Arc<rustls::ServerConfig>>, handler: Handler) -> TestServer {
        Self::serve_on(TcpListener::bind("127.0.0.1:0").unwrap(), tls, handler)
    }

    fn serve_on(
        listener: TcpListener,
        tls: Option<Arc<rustls::ServerConfig>>,
        handler: Handler,
    ) -> TestServer {
        let addr = listener.local_addr().unwrap();
        thread::spawn(move || {
            for conn in listener.incoming() {
                let Ok(conn) = conn else { continue };
                let (handler, tls) = (handler.clone(), tls.clone());
                thread::spawn(move || match tls {
                    None => serve(conn, &handler),
                    Some(cfg) => {
                        let Ok(sc) = rustls::ServerConnection::new(cfg) else {
                            return;
                        };
                        serve(rustls::StreamOwned::new(sc, conn), &handler)
                    }
                });
            }
        });
        TestServer { addr }
    }

    pub fn port(&self) -> u16 {
        self.addr.port()
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://127.0.0.1:{}{path}", self.port())
    }
}

/// One request per connection (`Connection: close`), unless the client asked for keep-alive.
fn serve<S: Read + Write>(stream: S, handler: &Handler) {
    let mut reader = BufReader::new(stream);
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).unwrap_or(0) == 0 {
            return;
        }
        let mut parts = line.split_whitespace();
        let method = parts.next().unwrap_or("").to_string();
        let path = parts.next().unwrap_or("/").to_string();
        let mut headers = Vec::new();
        loop {
            let mut h = String::new();
            if reader.read_line(&mut h).unwrap_or(0) == 0 {
                return;
            }
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((n, v)) = h.split_once(':') {
                headers.push((n.trim().to_string(), v.trim().to_string()));
            }
        }
        let req = Req {
            method,
            path,
            headers,
        };
        let keep_alive = req
            .header("connection")
            .is_some_and(|v| v.eq_ignore_ascii_case("keep-alive"));
        let reply = handler(&req);
        if !reply.delay.is_zero() {
            thread::sleep(reply.delay);
        }
        let len = if reply.filler_bytes > 0 {
            reply.filler_bytes
        } else {
            reply.body.len()
        };
        let mut head = format!("HTTP/1.1 {} X\r\nContent-Length: {len}\r\n", reply.status);
        for (n, v) in &reply.headers {
            head.push_str(&format!("{n}: {v}\r\n"));
        }
        head.push_str(if keep_alive {
            "Connection: keep-alive\r\n\r\n"
        } else {
            "Connection: close\r\n\r\n"
        });
        let s = reader.get_mut();
        if s.write_all(head.as_bytes()).is_err() {
            return;
        }
        if reply.filler_bytes > 0 {
            let chunk = vec![b'x'; 64 * 1024];
            let mut left = reply.filler_bytes;
            while left > 0 {
                let n = left.min(chunk.len());
                if s.write_all(&chunk[..n]).is_err() {
                    return;
                }
                left -= n;
            }
        } else if s.write_all(&reply.body).is_err() {
            return;
        }
        let _ = s.flush();
        if !keep_alive {
            return;
        }
    }
}

/// A test CA and leaf certificates signed by it, written where `--cacert` can read them.
pub struct Pki {
    pub dir: tempfile::TempDir,
    pub ca_path: PathBuf,
    ca_cert: rcgen::Certificate,
    ca_key: rcgen::KeyPair,
}

/// A self-signed server certificate marked CA:TRUE, as `openssl req -x509` makes one, served
/// alone; `pem` is the file to pass as `--cacert`.
pub struct SelfSigned {
    pub dir: tempfile::TempDir,
    pub pem: PathBuf,
    pub config: Arc<rustls::ServerConfig>,
}

impl SelfSigned {
    pub fn new(names: &[&str], from_days: i64, until_days: i64) -> SelfSigned {
        let mut p =
            rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        p.distinguished_name
            .push(rcgen::DnType::CommonName, names[0]);
        p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let (y, m, d) = ymd(from_days);
        p.not_before = rcgen::date_time_ymd(y, m, d);
        let (y, m, d) = ymd(until_days);
        p.not_after = rcgen::date_time_ymd(y, m, d);
        let key = rcgen::KeyPair::generate().unwrap();
        let cert = p.self_signed(&key).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let pem = dir.path().join("self-signed.pem");
        std::fs::write(&pem, cert.pem()).unwrap();
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
        let mut cfg = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(vec![cert.der().clone()], key)
        .unwrap();
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        SelfSigned {
            dir,
            pem,
            config: Arc::new(cfg),
        }
    }
}

/// Year, month and day `days` from today (negative for the past), for rcgen's dates.
fn ymd(days: i64) -> (i32, u8, u8) {
    let today = oncall::probe::clock::now_unix().div_euclid(86400);
    let (y, m, d) = oncall::probe::clock::civil_from_days(today + days);
    (y as i32, m as u8, d as u8)
}

impl Pki {
    pub fn new() -> Pki {
        Pki::with_ca_days(3650)
    }

    /// A CA that expires in `ca_days` (to test "earliest expiry in the chain").
    pub fn with_ca_days(ca_days: i64) -> Pki {
        let mut p = rcgen::CertificateParams::new(Vec::<String>::new()).unwrap();
        p.distinguished_name
            .push(rcgen::DnType::CommonName, "oncall test CA");
        p.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        p.key_usages = vec![
            rcgen::KeyUsagePurpose::KeyCertSign,
            rcgen::KeyUsagePurpose::CrlSign,
            rcgen::KeyUsagePurpose::DigitalSignature,
        ];
        let (y, m, d) = ymd(-30);
        p.not_before = rcgen::date_time_ymd(y, m, d);
        let (y, m, d) = ymd(ca_days);
        p.not_after = rcgen::date_time_ymd(y, m, d);
        let ca_key = rcgen::KeyPair::generate().unwrap();
        let ca_cert = p.self_signed(&ca_key).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let ca_path = dir.path().join("ca.pem");
        std::fs::write(&ca_path, ca_cert.pem()).unwrap();
        Pki {
            dir,
            ca_path,
            ca_cert,
            ca_key,
        }
    }

    fn leaf(
        &self,
        names: &[&str],
        from_days: i64,
        until_days: i64,
    ) -> (rcgen::Certificate, rcgen::KeyPair) {
        let mut p =
            rcgen::CertificateParams::new(names.iter().map(|n| n.to_string()).collect::<Vec<_>>())
                .unwrap();
        p.distinguished_name
            .push(rcgen::DnType::CommonName, names[0]);
        let (y, m, d) = ymd(from_days);
        p.not_before = rcgen::date_time_ymd(y, m, d);
        let (y, m, d) = ymd(until_days);
        p.not_after = rcgen::date_time_ymd(y, m, d);
        let key = rcgen::KeyPair::generate().unwrap();
        let leaf = p.signed_by(&key, &self.ca_cert, &self.ca_key).unwrap();
        (leaf, key)
    }

    /// A server config for a leaf valid for `names` from `from_days` to `until_days` (relative
    /// to today), serving the leaf and the CA as its chain.
    pub fn server(
        &self,
        names: &[&str],
        from_days: i64,
        until_days: i64,
    ) -> Arc<rustls::ServerConfig> {
        let (leaf, key) = self.leaf(names, from_days, until_days);
        let chain = vec![leaf.der().clone(), self.ca_cert.der().clone()];
        let key = rustls::pki_types::PrivateKeyDer::Pkcs8(key.serialize_der().into());
        let mut cfg = rustls::ServerConfig::builder_with_provider(Arc::new(
            rustls::crypto::ring::default_provider(),
        ))
        .with_safe_default_protocol_versions()
        .unwrap()
        .with_no_client_auth()
        .with_single_cert(chain, key)
        .unwrap();
        cfg.alpn_protocols = vec![b"http/1.1".to_vec()];
        Arc::new(cfg)
    }

    /// PEM files (chain, key) of a leaf, for servers that read files (nginx).
    pub fn leaf_files(
        &self,
        names: &[&str],
        from_days: i64,
        until_days: i64,
    ) -> (PathBuf, PathBuf) {
        let (leaf, key) = self.leaf(names, from_days, until_days);
        let cert = self.dir.path().join(format!("{}.crt", names[0]));
        let keyf = self.dir.path().join(format!("{}.key", names[0]));
        std::fs::write(&cert, format!("{}{}", leaf.pem(), self.ca_cert.pem())).unwrap();
        std::fs::write(&keyf, key.serialize_pem()).unwrap();
        (cert, keyf)
    }

    pub fn ca(&self) -> &Path {
        &self.ca_path
    }
}

/// A gRPC health server (grpc.health.v1.Health/Check) whose status the test switches.
pub struct GrpcHealth {
    pub port: u16,
    status: Arc<AtomicU8>,
}

pub const SERVING: u8 = 1;
pub const NOT_SERVING: u8 = 2;

impl GrpcHealth {
    /// Knows the service `known.Service` (and the server as a whole, the empty name).
    pub fn start() -> GrpcHealth {
        GrpcHealth::start_knowing(&["known.Service"])
    }

    /// Knows these services; any other name is NOT_FOUND, as grpc-go answers.
    pub fn start_knowing(services: &[&str]) -> GrpcHealth {
        let known: Arc<Vec<String>> = Arc::new(services.iter().map(|s| s.to_string()).collect());
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let status = Arc::new(AtomicU8::new(SERVING));
        let st = status.clone();
        thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let listener = tokio::net::TcpListener::from_std(listener).unwrap();
                loop {
                    let Ok((sock, _)) = listener.accept().await else {
                        continue;
                    };
                    let st = st.clone();
                    let known = known.clone();
                    tokio::spawn(async move {
                        let Ok(mut conn) = h2::server::handshake(sock).await else {
                            return;
                        };
                        // Each request in its own task: the connection must keep being
                        // polled (by accept) for the request body to arrive.
                        while let Some(Ok((req, mut respond))) = conn.accept().await {
                            let st = st.clone();
                            let known = known.clone();
                            tokio::spawn(async move {
                                let mut body = req.into_body();
                                let mut buf = Vec::new();
                                while let Some(Ok(chunk)) = body.data().await {
                                    let _ = body.flow_control().release_capacity(chunk.len());
                                    buf.extend_from_slice(&chunk);
                                }
                                // HealthCheckRequest: field 1 (service) if present.
                                let service = if buf.len() > 7 && buf[5] == 0x0a {
                                    String::from_utf8_lossy(&buf[7..]).into_owned()
                                } else {
                                    String::new()
                                };
                                let resp = http::Response::builder()
                                    .status(200)
                                    .header("content-type", "application/grpc")
                                    .body(())
                                    .unwrap();
                                let mut trailers = http::HeaderMap::new();
                                if service.is_empty() || known.contains(&service) {
                                    let Ok(mut send) = respond.send_response(resp, false) else {
                                        return;
                                    };
                                    let msg = [0u8, 0, 0, 0, 2, 0x08, st.load(Ordering::SeqCst)];
                                    let _ =
                                        send.send_data(bytes::Bytes::copy_from_slice(&msg), false);
                                    trailers.insert("grpc-status", "0".parse().unwrap());
                                    let _ = send.send_trailers(trailers);
                                } else {
                                    // Trailers-only response: status in the headers, as grpc-go sends.
                                    let resp = http::Response::builder()
                                        .status(200)
                                        .header("content-type", "application/grpc")
                                        .header("grpc-status", "5")
                                        .header("grpc-message", "unknown service")
                                        .body(())
                                        .unwrap();
                                    let _ = respond.send_response(resp, true);
                                }
                            });
                        }
                    });
                }
            });
        });
        GrpcHealth { port, status }
    }

    pub fn set(&self, status: u8) {
        self.status.store(status, Ordering::SeqCst);
    }
}

/// The path of `name` if it is installed (PATH, then /usr/sbin, /usr/local/sbin).
pub fn find_binary(name: &str) -> Option<PathBuf> {
    let path = std::env::var("PATH").unwrap_or_default();
    let found = path
        .split(':')
        .chain(["/usr/sbin", "/usr/local/sbin", "/sbin"])
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file());
    found
}

/// A port free on 127.0.0.1 right now (for daemons that must be told their port): a quiet one
/// (see `quiet_listener`), so that between this call and the daemon's bind no other process's
/// connect() or bind(:0) takes it — on a busy host they cycle through the ephemeral range.
pub fn free_port() -> u16 {
    quiet_listener().1
}

/// A loopback port that refuses connections for as long as this value lives: a TCP socket
/// bound to it that never listens (the kernel answers a SYN with RST). Binding and closing a
/// listener is not enough — between the close and the probe another test's server may be
/// handed the same port, and the "refused" target answers 200.
pub struct RefusingPort {
    /// Held, never read: the port is ours until this closes.
    _fd: std::os::fd::OwnedFd,
    pub port: u16,
}

impl RefusingPort {
    pub fn new() -> RefusingPort {
        use std::os::fd::{AsRawFd, FromRawFd};
        // SAFETY: plain socket syscalls on a descriptor we own; sockaddr_in is fully initialised.
        unsafe {
            let raw = libc::socket(libc::AF_INET, libc::SOCK_STREAM | libc::SOCK_CLOEXEC, 0);
            assert!(raw >= 0, "socket: {}", std::io::Error::last_os_error());
            let fd = std::os::fd::OwnedFd::from_raw_fd(raw);
            let mut addr: libc::sockaddr_in = std::mem::zeroed();
            addr.sin_family = libc::AF_INET as libc::sa_family_t;
            addr.sin_addr.s_addr = u32::from(std::net::Ipv4Addr::LOCALHOST).to_be();
            let len = std::mem::size_of::<libc::sockaddr_in>() as libc::socklen_t;
            let rc = libc::bind(fd.as_raw_fd(), (&raw const addr).cast(), len);
            assert_eq!(rc, 0, "bind: {}", std::io::Error::last_os_error());
            let mut bound: libc::sockaddr_in = std::mem::zeroed();
            let mut blen = len;
            let rc = libc::getsockname(fd.as_raw_fd(), (&raw mut bound).cast(), &mut blen);
            assert_eq!(rc, 0, "getsockname: {}", std::io::Error::last_os_error());
            RefusingPort {
                _fd: fd,
                port: u16::from_be(bound.sin_port),
            }
        }
    }
}

/// A listener on a port that no other socket on the host touches. Ports come from below the
/// kernel's ephemeral range, which neither `connect()` nor `bind(:0)` hands out: on a busy
/// host every ephemeral port may be taken by another process's connect() a moment later, or
/// still be the remote end of closed clients lingering in TIME-WAIT (which `net --port`
/// counts, and which may expire between the `ss` and the `oncall` run).
pub fn quiet_listener() -> (TcpListener, u16) {
    quiet_listener_on(SocketAddr::from(([127, 0, 0, 1], 0))).unwrap()
}

pub fn quiet_listener_on(mut addr: SocketAddr) -> std::io::Result<(TcpListener, u16)> {
    let first_ephemeral: u16 = std::fs::read_to_string("/proc/sys/net/ipv4/ip_local_port_range")
        .ok()
        .and_then(|r| r.split_whitespace().next()?.parse().ok())
        .unwrap_or(32768);
    let low = 10_000.min(first_ephemeral / 2);
    let span = u32::from(first_ephemeral - low);
    // A different start per process and call, so parallel tests rarely try the same port.
    static CALLS: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
    let seed = std::process::id()
        .wrapping_mul(7919)
        .wrapping_add(CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed) * 104_729);
    let mut last_error = None;
    for i in 0..500u32 {
        let port = low + (seed.wrapping_add(i * 7_777) % span) as u16;
        if sockets_touching_port(port) != 0 {
            continue;
        }
        addr.set_port(port);
        match TcpListener::bind(addr) {
            Ok(listener) => return Ok((listener, port)),
            Err(e) if e.kind() == std::io::ErrorKind::AddrInUse => last_error = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_error.unwrap_or_else(|| std::io::Error::other("no quiet loopback port in 500 tries")))
}

/// How many TCP sockets (IPv4 and IPv6) have `port` at either end, from /proc/net/tcp*.
pub fn sockets_touching_port(port: u16) -> usize {
    let hex = format!(":{port:04X}");
    ["/proc/net/tcp", "/proc/net/tcp6"]
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .flat_map(|text| {
            text.lines()
                .skip(1)
                .filter(|line| {
                    let mut fields = line.split_whitespace().skip(1);
                    let local = fields.next().unwrap_or("");
                    let remote = fields.next().unwrap_or("");
                    local.ends_with(&hex) || remote.ends_with(&hex)
                })
                .map(str::to_owned)
                .collect::<Vec<_>>()
        })
        .count()
}

/// Waits (bounded) until something accepts on 127.0.0.1:port.
pub fn wait_for_port(port: u16) -> bool {
    for _ in 0..200 {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return true;
        }
        thread::sleep(Duration::from_millis(25));
    }
    false
}

/// A child process killed when the test ends.
pub struct Daemon(pub std::process::Child);

impl Drop for Daemon {
    fn drop(&mut self) {
        // SIGTERM first: a daemon with worker processes stops them on the way out (SIGKILL
        // would orphan them); SIGKILL only if it is still there.
        let pid = self.0.id().to_string();
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &pid])
            .status();
        for _ in 0..100 {
            if let Ok(Some(_)) = self.0.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(20));
        }
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// nginx in the foreground with `http_block` as its `http { … }` contents, in `dir`; `None`
/// (with the reason printed) when nginx is not installed, except under CI where it must be.
pub fn nginx(dir: &Path, http_block: &str, port: u16) -> Option<Daemon> {
    use std::os::unix::fs::PermissionsExt;
    let Some(bin) = find_binary("nginx") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "nginx must be installed under CI (.ci/run installs nginx-light)"
        );
        eprintln!("skipped: nginx is not installed (apt-get install nginx-light)");
        return None;
    };
    std::fs::create_dir_all(dir.join("tmp")).unwrap();
    // Workers may run as nobody: let them read what the test wrote.
    for entry in walk(dir) {
        let mode = if entry.is_dir() { 0o755 } else { 0o644 };
        std::fs::set_permissions(&entry, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    let d = dir.display();
    let conf = format!(
        "master_process off;\ndaemon off;\npid {d}/nginx.pid;\nerror_log {d}/error.log;\n\
         events {{ worker_connections 64; }}\n\
         http {{\n  access_log off;\n  client_body_temp_path {d}/tmp; proxy_temp_path {d}/tmp;\n  \
         fastcgi_temp_path {d}/tmp; uwsgi_temp_path {d}/tmp; scgi_temp_path {d}/tmp;\n\
         {http_block}\n}}\n"
    );
    let path = dir.join("nginx.conf");
    std::fs::write(&path, conf).unwrap();
    let child = std::process::Command::new(bin)
        .arg("-p")
        .arg(dir)
        .arg("-e")
        .arg(dir.join("error.log"))
        .arg("-c")
        .arg(&path)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let daemon = Daemon(child);
    assert!(
        wait_for_port(port),
        "nginx did not listen: {}",
        std::fs::read_to_string(dir.join("error.log")).unwrap_or_default()
    );
    Some(daemon)
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = vec![dir.to_path_buf()];
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let p = e.path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
    }
    out
}

/// A listener whose accept queue is full: the kernel drops further SYNs, so a connect to it
/// neither succeeds nor fails — it hangs, as to a dead host. Kept alive by the returned values.
pub fn black_hole(addr: SocketAddr) -> (TcpListener, Vec<std::net::TcpStream>) {
    let listener = TcpListener::bind(addr).unwrap();
    // A second listen() on a listening socket sets its backlog: 0 holds one connection.
    // SAFETY: a valid listening socket descriptor.
    assert_eq!(
        unsafe { libc::listen(std::os::fd::AsRawFd::as_raw_fd(&listener), 0) },
        0
    );
    let addr = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    for _ in 0..16 {
        match std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(300)) {
            Ok(s) => queued.push(s),
            Err(_) => return (listener, queued),
        }
    }
    panic!("the accept queue of {addr} never filled");
}

/// A plain HTTP server on `addr` that keeps every request it gets (to see which headers
/// arrived) and answers each with `handler`.
pub fn recording(
    addr: SocketAddr,
    handler: impl Fn(&Req) -> Reply + Send + Sync + 'static,
) -> (TestServer, Arc<std::sync::Mutex<Vec<Req>>>) {
    let seen = Arc::new(std::sync::Mutex::new(Vec::new()));
    let log = seen.clone();
    let server = TestServer::http_on(addr, move |req: &Req| {
        log.lock().unwrap().push(req.clone());
        handler(req)
    })
    .unwrap();
    (server, seen)
}

/// A TLS server that answers every request with `raw` (status line, headers and body as
/// given) and then closes the TCP connection without sending TLS close_notify, as Python's
/// `http.server` behind `ssl.wrap_socket` and many embedded servers do.
pub fn tls_close_without_notify(tls: Arc<rustls::ServerConfig>, raw: &'static [u8]) -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(conn) = conn else { continue };
            let tls = tls.clone();
            thread::spawn(move || {
                let Ok(sc) = rustls::ServerConnection::new(tls) else {
                    return;
                };
                let mut s = BufReader::new(rustls::StreamOwned::new(sc, conn));
                loop {
                    let mut line = String::new();
                    match s.read_line(&mut line) {
                        Ok(0) | Err(_) => return,
                        Ok(_) if line.trim_end().is_empty() => break,
                        Ok(_) => {}
                    }
                }
                let s = s.get_mut();
                let _ = s.write_all(raw);
                let _ = s.flush();
                // Dropping the stream closes the socket; rustls sends no close_notify then.
            });
        }
    });
    addr
}

/// Python's `http.server` wrapped in TLS (`ssl.SSLContext.wrap_socket`), answering an
/// HTTP/1.0 response whose body ends with the connection; `None` without python3 (except
/// under CI).
pub fn python_https(cert: &Path, key: &Path, body: &str) -> Option<(Daemon, u16)> {
    let Some(python) = find_binary("python3") else {
        assert!(
            std::env::var_os("CI").is_none(),
            "python3 must be installed under CI"
        );
        eprintln!("skipped: python3 is not installed");
        return None;
    };
    let script = r#"
import http.server, ssl, sys
body = sys.argv[4].encode()
class H(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        self.send_response(200)
        self.end_headers()
        self.wfile.write(body)
    def log_message(self, *a):
        pass
s = http.server.HTTPServer(("127.0.0.1", int(sys.argv[1])), H)
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(sys.argv[2], sys.argv[3])
s.socket = ctx.wrap_socket(s.socket, server_side=True)
s.serve_forever()
"#;
    let (listener, port) = quiet_listener();
    drop(listener);
    let child = std::process::Command::new(python)
        .args(["-c", script, &port.to_string()])
        .arg(cert)
        .arg(key)
        .arg(body)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let daemon = Daemon(child);
    assert!(wait_for_port(port), "python3 did not listen on {port}");
    Some((daemon, port))
}

/// A plain-HTTP server for the `https://`-to-a-plain-port case: whatever arrives, it answers
/// `400 Bad Request` in plain HTTP, as nginx does to a TLS ClientHello.
pub fn plain_http_400() -> SocketAddr {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    thread::spawn(move || {
        for conn in listener.incoming() {
            let Ok(mut conn) = conn else { continue };
            thread::spawn(move || {
                let mut buf = [0u8; 4096];
                let _ = conn.read(&mut buf);
                let _ = conn.write_all(
                    b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
                );
            });
        }
    });
    addr
}

/// A daemon of a Debian Prometheus package (`prometheus`, `prometheus-blackbox-exporter`,
/// `prometheus-node-exporter`) in the foreground on 127.0.0.1:PORT; `None` (with the reason)
/// when it is not installed, except under CI, where .ci/run installs it.
pub fn prometheus_daemon(bin: &str, args: &[String], port: u16) -> Option<Daemon> {
    let Some(path) = find_binary(bin) else {
        assert!(
            std::env::var_os("CI").is_none(),
            "{bin} must be installed under CI (.ci/run installs it)"
        );
        eprintln!("skipped: {bin} is not installed");
        return None;
    };
    let child = std::process::Command::new(path)
        .args(args)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let daemon = Daemon(child);
    assert!(wait_for_port(port), "{bin} did not listen on {port}");
    Some(daemon)
}

/// `oncall serve ARGS` on a quiet loopback port, waited for until it accepts.
pub fn oncall_serve(args: &[&str]) -> (Daemon, u16) {
    let port = free_port();
    let child = std::process::Command::new(assert_cmd::cargo::cargo_bin("oncall"))
        .arg("serve")
        .arg("--web.listen-address")
        .arg(format!("127.0.0.1:{port}"))
        .args(args)
        .env("XDG_CONFIG_HOME", "/nonexistent/oncall-tests")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let daemon = Daemon(child);
    assert!(wait_for_port(port), "oncall serve did not listen on {port}");
    (daemon, port)
}

/// One HTTP/1.1 GET on 127.0.0.1:port with `Connection: close`; (status, body). Bounded by
/// a generous read timeout, so a server that never answers fails the test instead of hanging.
pub fn http_get(port: u16, path: &str, headers: &[(&str, &str)]) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    let mut req = format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nConnection: close\r\n");
    for (k, v) in headers {
        req.push_str(&format!("{k}: {v}\r\n"));
    }
    req.push_str("\r\n");
    s.write_all(req.as_bytes()).unwrap();
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).unwrap();
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
    let (head, body) = text.split_once("\r\n\r\n").unwrap_or((&text, ""));
    // hyper chunks bodies of unknown length; ours and the exporters' set Content-Length,
    // except Go's for large bodies: undo chunking when the head says so.
    let body = if head
        .to_ascii_lowercase()
        .contains("transfer-encoding: chunked")
    {
        dechunk(body)
    } else {
        body.to_string()
    };
    (status, body)
}

fn dechunk(mut s: &str) -> String {
    let mut out = String::new();
    while let Some((size, rest)) = s.split_once("\r\n") {
        let n = usize::from_str_radix(size.trim(), 16).unwrap_or(0);
        if n == 0 || rest.len() < n {
            break;
        }
        out.push_str(&rest[..n]);
        s = rest[n..].strip_prefix("\r\n").unwrap_or(&rest[n..]);
    }
    out
}
