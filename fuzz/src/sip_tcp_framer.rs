//! A SIP TCP stream in arbitrary chunks through the framer the endpoint's connections use, then
//! each message to the transaction layer over TCP, as `engine::sipd::tcp` does.
//!
//! Input: a count byte (low 4 bits) and that many chunk-length bytes, then the stream. The same
//! stream framed in one piece must give the same messages and the same end.

use std::net::{Ipv4Addr, SocketAddr};

use sip::framing::{FrameError, Framer, MAX_FRAME};
use sip::txn::{Peer, TimerConfig, Transactions, Transport};

/// Frames `stream` pushed in chunks of the given lengths (cycled); the messages and how the
/// stream ended (an error, or the bytes left over).
fn frame(stream: &[u8], chunks: &[u8]) -> (Vec<Vec<u8>>, Result<usize, FrameError>) {
    let mut framer = Framer::new();
    let mut frames = Vec::new();
    let mut rest = stream;
    let mut i = 0;
    while !rest.is_empty() {
        let n = chunks
            .get(i % chunks.len().max(1))
            .map_or(rest.len(), |c| usize::from(*c) + 1);
        let (chunk, tail) = rest.split_at(n.min(rest.len()));
        rest = tail;
        i += 1;
        framer.push(chunk);
        loop {
            match framer.next_frame() {
                Ok(Some(f)) => {
                    assert!(f.len() <= MAX_FRAME);
                    frames.push(f);
                }
                Ok(None) => break,
                Err(e) => return (frames, Err(e)),
            }
        }
    }
    (frames, Ok(framer.buffered()))
}

/// Runs one input through this target.
pub fn run(data: &[u8]) {
    let Some((&count, rest)) = data.split_first() else {
        return;
    };
    let n = usize::from(count & 0x0f).min(rest.len());
    let (chunks, stream) = rest.split_at(n);
    let chunked = frame(stream, chunks);
    let whole = frame(stream, &[]);
    assert_eq!(chunked, whole, "the chunking changed the framing");
    let mut txns = Transactions::new(TimerConfig::default());
    let peer = Peer {
        addr: SocketAddr::from((Ipv4Addr::LOCALHOST, 5060)),
        transport: Transport::Tcp,
    };
    for f in &chunked.0 {
        txns.handle_datagram(0, peer, f);
        while txns.poll_output().is_some() {}
    }
}
