//! SIP over TCP: one task per connection frames messages by Content-Length and hands them to the
//! endpoint; responses go back over the same connection.

use std::net::SocketAddr;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;

use super::Inbound;

/// Largest message accepted on a stream before the connection is dropped.
const MAX_FRAME: usize = 65_535;

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
    let (mut reader, mut writer) = stream.into_split();
    let (wtx, mut wrx) = mpsc::channel::<Vec<u8>>(64);
    if tx.send(Inbound::TcpOpen(addr, wtx)).await.is_err() {
        return;
    }
    let write_task = tokio::spawn(async move {
        while let Some(bytes) = wrx.recv().await {
            if writer.write_all(&bytes).await.is_err() {
                break;
            }
        }
    });
    let mut buf: Vec<u8> = Vec::with_capacity(8_192);
    let mut chunk = [0u8; 8_192];
    'conn: loop {
        match reader.read(&mut chunk).await {
            Ok(0) | Err(_) => break,
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
        }
        loop {
            // Keep-alive CRLFs between messages.
            while buf.starts_with(b"\r\n") {
                buf.drain(..2);
            }
            let Some(end) = buf.windows(4).position(|w| w == b"\r\n\r\n") else {
                if buf.len() > MAX_FRAME {
                    break 'conn;
                }
                break;
            };
            let head = String::from_utf8_lossy(&buf[..end]).to_string();
            let len = head
                .lines()
                .find_map(|l| {
                    let (k, v) = l.split_once(':')?;
                    let k = k.trim();
                    (k.eq_ignore_ascii_case("content-length") || k == "l")
                        .then(|| v.trim().parse::<usize>().ok())?
                })
                .unwrap_or(0);
            let total = end + 4 + len;
            if total > MAX_FRAME {
                break 'conn;
            }
            if buf.len() < total {
                break;
            }
            let frame: Vec<u8> = buf.drain(..total).collect();
            if tx.send(Inbound::Tcp(addr, frame)).await.is_err() {
                break 'conn;
            }
        }
    }
    write_task.abort();
    let _ = tx.send(Inbound::TcpClosed(addr)).await;
}
