//! SIP over TCP: one task per connection frames messages by Content-Length and hands them to the
//! endpoint; responses go back over the same connection.
//!
//! The endpoint never waits for a connection: it queues messages with [`TcpWriter::try_send`].
//! A peer that stops reading is dropped, by the endpoint when the queue is full, or by the
//! connection's task when one write has waited [`WRITE_TIMEOUT`].

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use sip::framing::{FrameError, Framer};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::tcp::{OwnedReadHalf, OwnedWriteHalf};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::{mpsc, oneshot};

use super::Inbound;

/// How many messages may wait for one connection: more than one turn of the endpoint's loop
/// sends to a peer (BYEs to every call of a busy TCP trunk at shutdown). A peer that lets more
/// pile up is not reading, and is dropped.
pub(crate) const QUEUE: usize = 1024;

/// How long one write may wait for the peer to make room before the connection is dropped.
pub(crate) const WRITE_TIMEOUT: Duration = Duration::from_secs(5);

/// Numbers connections, so that the end of an old one does not remove a newer one's writer.
static NEXT_CONNECTION: AtomicU64 = AtomicU64::new(1);

/// The endpoint's end of one connection. Dropping it closes the connection.
#[derive(Debug)]
pub(crate) struct TcpWriter {
    /// The connection's number ([`Inbound::TcpClosed`] names it).
    pub(crate) id: u64,
    /// Messages for the connection's writer.
    queue: mpsc::Sender<Vec<u8>>,
    /// Never sent: dropping it tells the connection's task to close.
    _open: oneshot::Sender<()>,
}

/// Why [`TcpWriter::try_send`] did not queue a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refused {
    /// [`QUEUE`] messages wait already: the peer is not reading.
    Full,
    /// The connection has ended.
    Closed,
}

impl TcpWriter {
    /// Queues a message for the peer without waiting.
    pub(crate) fn try_send(&self, bytes: Vec<u8>) -> Result<(), Refused> {
        self.queue.try_send(bytes).map_err(|e| match e {
            mpsc::error::TrySendError::Full(_) => Refused::Full,
            mpsc::error::TrySendError::Closed(_) => Refused::Closed,
        })
    }
}

pub(crate) async fn accept_loop(listener: TcpListener, tx: mpsc::Sender<Inbound>) {
    loop {
        match listener.accept().await {
            Ok((stream, addr)) => {
                tokio::spawn(connection(stream, addr, tx.clone()));
            }
            Err(e) => {
                tracing::warn!(error = %e, "SIP TCP accept failed");
                tokio::time::sleep(std::time::Duration::from_millis(100)).await;
            }
        }
    }
}

/// Opens a connection to a peer we send to first (a carrier on a TCP trunk, a desk phone that
/// registered over TCP from a port it no longer listens on); the endpoint hears `TcpOpen` or
/// `TcpFailed`, and never waits for the connect itself.
pub(crate) async fn connect(addr: SocketAddr, tx: mpsc::Sender<Inbound>) {
    let connecting =
        tokio::time::timeout(std::time::Duration::from_secs(5), TcpStream::connect(addr));
    match connecting.await {
        Ok(Ok(stream)) => connection(stream, addr, tx).await,
        Ok(Err(e)) => {
            tracing::info!(%addr, error = %e, "SIP TCP connect failed");
            let _ = tx.send(Inbound::TcpFailed(addr)).await;
        }
        Err(_) => {
            tracing::info!(%addr, "SIP TCP connect timed out");
            let _ = tx.send(Inbound::TcpFailed(addr)).await;
        }
    }
}

async fn connection(stream: TcpStream, addr: SocketAddr, tx: mpsc::Sender<Inbound>) {
    let id = NEXT_CONNECTION.fetch_add(1, Ordering::Relaxed);
    let (reader, writer) = stream.into_split();
    let (queue, queued) = mpsc::channel(QUEUE);
    let (open, dropped) = oneshot::channel();
    let handle = TcpWriter {
        id,
        queue,
        _open: open,
    };
    if tx.send(Inbound::TcpOpen(addr, handle)).await.is_err() {
        return;
    }
    // Whichever ends first ends the connection: the peer closing, a write failing or timing
    // out, or the endpoint dropping its writer.
    tokio::select! {
        () = read_frames(reader, addr, &tx) => {}
        () = write_queue(writer, queued) => {}
        _ = dropped => {}
    }
    let _ = tx.send(Inbound::TcpClosed(addr, id)).await;
}

/// Writes queued messages until the queue closes, a write fails, or a write waits
/// [`WRITE_TIMEOUT`] for the peer to read.
async fn write_queue(mut writer: OwnedWriteHalf, mut queued: mpsc::Receiver<Vec<u8>>) {
    while let Some(bytes) = queued.recv().await {
        match tokio::time::timeout(WRITE_TIMEOUT, writer.write_all(&bytes)).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => {
                tracing::debug!(error = %e, "SIP TCP write failed");
                return;
            }
            Err(_) => {
                tracing::warn!(
                    "a SIP TCP peer read nothing for {} s: connection dropped",
                    WRITE_TIMEOUT.as_secs()
                );
                return;
            }
        }
    }
}

/// Reads messages, framed by Content-Length ([`sip::framing::Framer`]), and hands them to the
/// endpoint until the peer closes, sends something unframeable, or the endpoint is gone.
async fn read_frames(mut reader: OwnedReadHalf, addr: SocketAddr, tx: &mpsc::Sender<Inbound>) {
    let mut framer = Framer::new();
    let mut chunk = [0u8; 8_192];
    loop {
        match reader.read(&mut chunk).await {
            Ok(0) | Err(_) => return,
            Ok(n) => framer.push(&chunk[..n]),
        }
        loop {
            match framer.next_frame() {
                Ok(Some(frame)) => {
                    if tx.send(Inbound::Tcp(addr, frame)).await.is_err() {
                        return;
                    }
                }
                Ok(None) => break,
                Err(FrameError::TooLarge) => return,
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use tokio::net::TcpSocket;
    use tokio::time::Instant;

    use super::*;

    /// A connection task on one end of a loopback connection, and the other end: a peer with a
    /// small receive buffer that reads only when a test makes it.
    async fn open() -> (TcpStream, TcpWriter, mpsc::Receiver<Inbound>) {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let socket = TcpSocket::new_v4().unwrap();
        socket.set_recv_buffer_size(4096).unwrap();
        let peer = socket
            .connect(listener.local_addr().unwrap())
            .await
            .unwrap();
        let (stream, addr) = listener.accept().await.unwrap();
        let (tx, mut rx) = mpsc::channel(16);
        tokio::spawn(connection(stream, addr, tx));
        match rx.recv().await {
            Some(Inbound::TcpOpen(_, writer)) => (peer, writer, rx),
            other => panic!("expected the connection to open, got {other:?}"),
        }
    }

    async fn closed(rx: &mut mpsc::Receiver<Inbound>, writer_id: u64) {
        match rx.recv().await {
            Some(Inbound::TcpClosed(_, id)) => assert_eq!(id, writer_id),
            other => panic!("expected the connection to close, got {other:?}"),
        }
    }

    #[tokio::test]
    async fn queued_messages_reach_a_reading_peer_in_order() {
        let (mut peer, writer, _rx) = open().await;
        for n in 0..3 {
            writer
                .try_send(format!("message {n}\n").into_bytes())
                .unwrap();
        }
        let want = b"message 0\nmessage 1\nmessage 2\n";
        let mut got = vec![0; want.len()];
        peer.read_exact(&mut got).await.unwrap();
        assert_eq!(got, want);
    }

    #[tokio::test(start_paused = true)]
    async fn a_peer_that_reads_nothing_is_dropped_after_the_write_timeout() {
        let (_peer, writer, mut rx) = open().await;
        // 8 MB: more than the kernel buffers of both ends hold.
        for _ in 0..128 {
            writer.try_send(vec![b'x'; 65_536]).unwrap();
        }
        let start = Instant::now();
        closed(&mut rx, writer.id).await;
        assert!(start.elapsed() >= WRITE_TIMEOUT, "{:?}", start.elapsed());
        assert!(start.elapsed() < WRITE_TIMEOUT + Duration::from_secs(1));
        assert_eq!(
            writer.try_send(b"late".to_vec()),
            Err(Refused::Closed),
            "the writer knows the connection is gone"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_full_queue_refuses_at_once_and_dropping_the_writer_closes_the_connection() {
        let (mut peer, writer, mut rx) = open().await;
        // No await between sends: the connection's task cannot take any out meanwhile.
        let mut queued = 0;
        while writer.try_send(vec![b'x'; 4_096]) == Ok(()) {
            queued += 1;
        }
        assert_eq!(queued, QUEUE);
        assert_eq!(writer.try_send(Vec::new()), Err(Refused::Full));
        let id = writer.id;
        let start = Instant::now();
        drop(writer);
        closed(&mut rx, id).await;
        assert!(start.elapsed() < WRITE_TIMEOUT, "closed without waiting");
        // The peer sees the end of the stream after what had been written.
        let mut rest = Vec::new();
        let _ = peer.read_to_end(&mut rest).await;
        assert!(rest.len() < QUEUE * 4_096);
    }
}
