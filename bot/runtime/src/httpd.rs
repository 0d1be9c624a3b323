//! The one HTTP server loop behind every listener of the binary (the
//! health/metrics endpoint and Slack's HTTP mode): HTTP/1.1 over hyper with a
//! deadline for each phase of a connection and a cap on how many are open.
//!
//! - A connection must send a whole request head within
//!   [`Limits::header_timeout`], also between keep-alive requests (hyper's
//!   header read timeout runs from the moment it waits for a head): an idle
//!   or half-sent request is closed.
//! - A request must be read and answered within [`Limits::request_timeout`]
//!   (body included, since handlers read the body): else `408` and close.
//! - A connection lives at most [`Limits::connection_lifetime`].
//! - At most [`Limits::max_connections`] are open at once; while the cap is
//!   reached no more are accepted (they wait in the kernel's backlog, holding
//!   no descriptor of this process), so a flood cannot starve the process of
//!   file descriptors (sockets for probes, the store, the platform).

use axum::body::Body;
use axum::http::{header, Request, Response, StatusCode};
use hyper::body::Incoming;
use hyper_util::rt::{TokioIo, TokioTimer};
use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

/// Deadlines and the connection cap of one listener.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Time to send a whole request head (and to start the next one on a
    /// kept-alive connection).
    pub header_timeout: Duration,
    /// Time to read a request's body and answer it.
    pub request_timeout: Duration,
    /// Time one connection may stay open at all.
    pub connection_lifetime: Duration,
    /// Connections open at once.
    pub max_connections: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            header_timeout: Duration::from_secs(10),
            request_timeout: Duration::from_secs(15),
            connection_lifetime: Duration::from_secs(120),
            max_connections: 256,
        }
    }
}

/// What a running server can tell about itself (for tests and logs).
#[derive(Clone, Debug, Default)]
pub struct Stats {
    open: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

impl Stats {
    /// Connections open now.
    pub fn open(&self) -> usize {
        self.open.load(Ordering::SeqCst)
    }
    /// The most connections that were ever open at once.
    pub fn most_open(&self) -> usize {
        self.most.load(Ordering::SeqCst)
    }
}

struct Open(Stats);

impl Open {
    fn new(s: &Stats) -> Open {
        let n = s.open.fetch_add(1, Ordering::SeqCst) + 1;
        s.most.fetch_max(n, Ordering::SeqCst);
        Open(s.clone())
    }
}

impl Drop for Open {
    fn drop(&mut self) {
        self.0.open.fetch_sub(1, Ordering::SeqCst);
    }
}

fn timed_out() -> Response<Body> {
    let mut r = Response::new(Body::from("request timeout\n"));
    *r.status_mut() = StatusCode::REQUEST_TIMEOUT;
    r.headers_mut().insert(
        header::CONNECTION,
        header::HeaderValue::from_static("close"),
    );
    r
}

/// Serves `app` on `listener` under `limits` until the task is aborted.
/// `name` names the listener in logs.
pub async fn serve(
    listener: TcpListener,
    app: axum::Router,
    limits: Limits,
    stats: Stats,
    name: &'static str,
) {
    let permits = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let mut warned = false;
    loop {
        let permit = match permits.clone().try_acquire_owned() {
            Ok(p) => p,
            Err(_) => {
                if !warned {
                    tracing::warn!(
                        listener = name,
                        max = limits.max_connections,
                        "connection cap reached; new connections wait"
                    );
                    warned = true;
                }
                match permits.clone().acquire_owned().await {
                    Ok(p) => p,
                    Err(_) => return,
                }
            }
        };
        let (stream, _peer): (_, SocketAddr) = match listener.accept().await {
            Ok(s) => s,
            Err(e) => {
                // EMFILE and friends: back off instead of spinning; the
                // connection stays in the backlog until a descriptor frees.
                tracing::warn!(listener = name, error = %e, "accept failed");
                tokio::time::sleep(Duration::from_millis(100)).await;
                continue;
            }
        };
        if permits.available_permits() > 0 {
            warned = false;
        }
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let open = Open::new(&stats);
        tokio::spawn(async move {
            let _permit = permit;
            let _open = open;
            let svc = hyper::service::service_fn(move |req: Request<Incoming>| {
                let mut app = app.clone();
                async move {
                    let call = tower_service::Service::call(&mut app, req);
                    Ok::<_, Infallible>(
                        match tokio::time::timeout(limits.request_timeout, call).await {
                            Ok(Ok(r)) => r,
                            Ok(Err(never)) => match never {},
                            Err(_) => timed_out(),
                        },
                    )
                }
            });
            let conn = hyper::server::conn::http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(limits.header_timeout)
                .serve_connection(TokioIo::new(stream), svc);
            match tokio::time::timeout(limits.connection_lifetime, conn).await {
                Ok(Ok(())) => {}
                Ok(Err(e)) => tracing::debug!(listener = name, error = %e, "connection ended"),
                Err(_) => tracing::debug!(listener = name, "connection open too long; closed"),
            }
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    use tokio::net::TcpStream;

    async fn start(limits: Limits) -> (SocketAddr, Stats, tokio::task::JoinHandle<()>) {
        let app = axum::Router::new()
            .route("/", axum::routing::get(|| async { "hello\n" }))
            .route(
                "/echo",
                axum::routing::post(|b: axum::body::Bytes| async move { b }),
            );
        let l = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = l.local_addr().unwrap();
        let stats = Stats::default();
        let t = tokio::spawn(serve(l, app, limits, stats.clone(), "test"));
        (addr, stats, t)
    }

    /// Reads until the server closes; what it sent.
    async fn until_closed(s: &mut TcpStream) -> String {
        let mut buf = Vec::new();
        let _ = tokio::time::timeout(Duration::from_secs(60), s.read_to_end(&mut buf))
            .await
            .expect("the server closes the connection");
        String::from_utf8_lossy(&buf).into_owned()
    }

    async fn get(addr: SocketAddr) -> String {
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n")
            .await
            .unwrap();
        until_closed(&mut s).await
    }

    fn short() -> Limits {
        Limits {
            header_timeout: Duration::from_millis(300),
            request_timeout: Duration::from_millis(300),
            connection_lifetime: Duration::from_secs(30),
            max_connections: 4,
        }
    }

    #[tokio::test]
    async fn half_sent_requests_are_closed_and_never_exceed_the_cap() {
        let (addr, stats, t) = start(short()).await;
        let mut slow = Vec::new();
        for _ in 0..12 {
            let mut s = TcpStream::connect(addr).await.unwrap();
            s.write_all(b"GET / HTTP/1.1\r\nhost: x\r\n").await.unwrap();
            slow.push(s);
        }
        // A real request is answered (once the cap lets it in).
        assert!(get(addr).await.contains("hello"));
        // Every half-sent request is closed by the server, none answered.
        for s in &mut slow {
            let got = until_closed(s).await;
            assert!(!got.contains("hello"), "{got}");
        }
        assert!(stats.most_open() <= 4, "{}", stats.most_open());
        t.abort();
    }

    #[tokio::test]
    async fn an_idle_kept_alive_connection_is_closed() {
        let (addr, _stats, t) = start(short()).await;
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"GET / HTTP/1.1\r\nhost: x\r\n\r\n")
            .await
            .unwrap();
        let got = until_closed(&mut s).await;
        assert!(got.contains("hello"), "{got}");
        t.abort();
    }

    #[tokio::test]
    async fn a_body_that_never_comes_ends_in_408() {
        let (addr, _stats, t) = start(short()).await;
        let mut s = TcpStream::connect(addr).await.unwrap();
        s.write_all(b"POST /echo HTTP/1.1\r\nhost: x\r\ncontent-length: 100\r\n\r\nabc")
            .await
            .unwrap();
        let got = until_closed(&mut s).await;
        assert!(got.starts_with("HTTP/1.1 408"), "{got}");
        t.abort();
    }
}
