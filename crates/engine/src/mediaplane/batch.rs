//! Reading a leg's socket in batches: one `recvmmsg` takes every datagram waiting (up to
//! [`BATCH`]). Reading one datagram at a time costs a second `recvfrom` per packet, the one that
//! finds the socket empty (`EAGAIN`), which the poll's edge trigger requires; a batch that comes
//! back short of [`BATCH`] has already emptied the socket, and any datagram arriving after it
//! raises a new readiness event. On the forwarding path that was a third of the media worker's
//! system calls.

use std::io::IoSliceMut;
use std::net::SocketAddr;
use std::os::fd::AsRawFd;

use nix::sys::socket::{MsgFlags, MultiHeaders, SockaddrStorage, recvmmsg};

/// Datagrams read by one call at most.
pub(super) const BATCH: usize = 16;
/// Largest datagram kept (RTP, or a WebRTC leg's DTLS, SRTP and STUN).
const DATAGRAM: usize = 2_048;

/// Buffers and message headers reused by every read of one worker.
pub(super) struct RecvBatch {
    bufs: Vec<[u8; DATAGRAM]>,
    /// Headers per address family: the kernel shrinks each header's address length to the last
    /// sender's, and a leg's socket only ever hears one family.
    v4: MultiHeaders<SockaddrStorage>,
    v6: MultiHeaders<SockaddrStorage>,
    /// Length and sender of each datagram the last read took.
    got: Vec<(usize, Option<SocketAddr>)>,
}

impl RecvBatch {
    pub(super) fn new() -> RecvBatch {
        RecvBatch {
            bufs: vec![[0; DATAGRAM]; BATCH],
            v4: MultiHeaders::preallocate(BATCH, None),
            v6: MultiHeaders::preallocate(BATCH, None),
            got: Vec::with_capacity(BATCH),
        }
    }

    /// Reads what waits on `socket` (bound to an IPv6 address if `v6`) without blocking; returns
    /// how many datagrams it took (0 when none waited or the read failed).
    pub(super) fn read(&mut self, socket: &impl AsRawFd, v6: bool) -> usize {
        self.got.clear();
        let headers = if v6 { &mut self.v6 } else { &mut self.v4 };
        let mut slices: Vec<[IoSliceMut<'_>; 1]> =
            self.bufs.iter_mut().map(|b| [IoSliceMut::new(b)]).collect();
        if let Ok(results) = recvmmsg(
            socket.as_raw_fd(),
            headers,
            slices.iter_mut(),
            MsgFlags::MSG_DONTWAIT,
            None,
        ) {
            self.got
                .extend(results.map(|m| (m.bytes, m.address.and_then(to_std))));
        }
        self.got.len()
    }

    /// The `i`-th datagram of the last read and its sender (`None` when the kernel named none).
    pub(super) fn datagram(&self, i: usize) -> Option<(&[u8], SocketAddr)> {
        let (len, from) = *self.got.get(i)?;
        Some((self.bufs.get(i)?.get(..len)?, from?))
    }
}

fn to_std(a: SockaddrStorage) -> Option<SocketAddr> {
    if let Some(v4) = a.as_sockaddr_in() {
        return Some(SocketAddr::V4((*v4).into()));
    }
    a.as_sockaddr_in6().map(|v6| SocketAddr::V6((*v6).into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_read_takes_every_waiting_datagram_with_its_sender() {
        let rx = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
        let a = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
        let b = std::net::UdpSocket::bind("127.0.0.1:0").expect("bind");
        let to = rx.local_addr().expect("addr");
        a.send_to(b"one", to).expect("send");
        b.send_to(b"second", to).expect("send");
        a.send_to(b"3", to).expect("send");
        let mut batch = RecvBatch::new();
        // Loopback delivers at once: all three wait.
        assert_eq!(batch.read(&rx, false), 3);
        let got: Vec<(Vec<u8>, SocketAddr)> = (0..3)
            .filter_map(|i| batch.datagram(i).map(|(d, f)| (d.to_vec(), f)))
            .collect();
        let (a, b) = (a.local_addr().expect("a"), b.local_addr().expect("b"));
        assert_eq!(
            got,
            vec![
                (b"one".to_vec(), a),
                (b"second".to_vec(), b),
                (b"3".to_vec(), a)
            ]
        );
        assert_eq!(batch.read(&rx, false), 0, "nothing left");
        assert!(batch.datagram(0).is_none());
    }

    #[test]
    fn more_datagrams_than_a_batch_take_more_reads_and_ipv6_senders_keep_their_address() {
        let Ok(rx) = std::net::UdpSocket::bind("[::1]:0") else {
            return; // no IPv6 loopback on this machine
        };
        let tx = std::net::UdpSocket::bind("[::1]:0").expect("bind");
        let to = rx.local_addr().expect("addr");
        for i in 0..BATCH + 3 {
            tx.send_to(&[i as u8], to).expect("send");
        }
        let mut batch = RecvBatch::new();
        assert_eq!(batch.read(&rx, true), BATCH);
        assert_eq!(
            batch.datagram(0),
            Some((&[0u8][..], tx.local_addr().expect("tx")))
        );
        assert_eq!(batch.read(&rx, true), 3);
        assert_eq!(batch.datagram(2).map(|(d, _)| d[0]), Some(BATCH as u8 + 2));
    }
}
