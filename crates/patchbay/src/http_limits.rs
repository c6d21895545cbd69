//! Limits of the HTTP listener, below the application: how many connections may be open at
//! once (HTTP and HTTPS alike), and how long a client may take to send a request's head.
//!
//! A connection beyond the cap is closed as soon as it is accepted (before any TLS handshake),
//! counted in `patchbay_http_connections_refused_total` and logged at most once a minute. A
//! client that sends nothing, or a request head byte by byte ("slowloris"), is closed after the
//! header timeout: the first request by axum-server's first-request timeout, every later one on
//! a kept-alive connection by hyper's header read timeout.

use std::future::{Ready, ready};
use std::io;
use std::pin::Pin;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::task::{Context, Poll};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use axum_server::accept::Accept;
use futures_util::future::Either;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// The listener's limits, from the configuration.
#[derive(Debug, Clone, Copy)]
pub struct HttpLimits {
    /// Open connections at most (WebSockets included).
    pub max_connections: usize,
    /// Longest time from a connection's start, or the end of its last response, to a complete
    /// request head.
    pub header_timeout: Duration,
}

/// Applies `limits` to an axum-server `server` whose acceptor is `inner` (plain, or TLS over a
/// capped stream).
pub fn limit<L, A>(
    server: axum_server::Server<L, A>,
    limits: HttpLimits,
) -> axum_server::Server<L, CappedAcceptor<A>>
where
    L: axum_server::Address,
{
    let mut server = server
        .first_request_timeout(limits.header_timeout)
        .map(|inner| CappedAcceptor::new(inner, limits.max_connections));
    server
        .http_builder()
        .http1()
        .header_read_timeout(limits.header_timeout);
    server
}

/// An acceptor that takes a slot for each connection and hands the connection to `inner`; a
/// connection with no slot free is closed at once.
#[derive(Clone)]
pub struct CappedAcceptor<A> {
    inner: A,
    slots: Arc<Semaphore>,
    /// Unix second of the last "at capacity" log line.
    last_logged: Arc<AtomicU64>,
}

impl<A> CappedAcceptor<A> {
    pub fn new(inner: A, max_connections: usize) -> Self {
        CappedAcceptor {
            inner,
            slots: Arc::new(Semaphore::new(max_connections.max(1))),
            last_logged: Arc::new(AtomicU64::new(0)),
        }
    }

    fn refuse(&self) {
        metrics::counter!("patchbay_http_connections_refused_total").increment(1);
        let now = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let last = self.last_logged.load(Ordering::Relaxed);
        if now >= last + 60
            && self
                .last_logged
                .compare_exchange(last, now, Ordering::Relaxed, Ordering::Relaxed)
                .is_ok()
        {
            tracing::warn!(
                "HTTP connections at their cap (http_max_connections): new ones are closed"
            );
        }
    }
}

impl<A, I, S> Accept<I, S> for CappedAcceptor<A>
where
    A: Accept<CappedStream<I>, S>,
{
    type Stream = A::Stream;
    type Service = A::Service;
    type Future = Either<A::Future, Ready<io::Result<(A::Stream, A::Service)>>>;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        match self.slots.clone().try_acquire_owned() {
            Ok(permit) => {
                metrics::gauge!("patchbay_http_connections").increment(1.0);
                Either::Left(self.inner.accept(
                    CappedStream {
                        inner: stream,
                        _slot: Slot(permit),
                    },
                    service,
                ))
            }
            Err(_) => {
                self.refuse();
                Either::Right(ready(Err(io::Error::other("HTTP connection cap reached"))))
            }
        }
    }
}

/// A connection's slot, given back when the connection is dropped.
struct Slot(#[allow(dead_code)] OwnedSemaphorePermit);

impl Drop for Slot {
    fn drop(&mut self) {
        metrics::gauge!("patchbay_http_connections").decrement(1.0);
    }
}

/// A connection holding its slot.
pub struct CappedStream<I> {
    inner: I,
    _slot: Slot,
}

impl<I: AsyncRead + Unpin> AsyncRead for CappedStream<I> {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_read(cx, buf)
    }
}

impl<I: AsyncWrite + Unpin> AsyncWrite for CappedStream<I> {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.inner).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.inner).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.inner.is_write_vectored()
    }
}
