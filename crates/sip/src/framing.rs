//! SIP over a stream (TCP): bytes as they arrive in, whole messages out, framed by
//! Content-Length (RFC 3261 §18.3); keep-alive CRLFs between messages (RFC 5626 §3.5.1) are
//! skipped.
//!
//! A message without a (readable) Content-Length has no body. A message longer than
//! [`MAX_FRAME`], or a head that has not ended within it, is [`FrameError::TooLarge`]: the
//! connection is dropped, since nothing after it can be framed.

/// Largest message accepted on a stream.
pub const MAX_FRAME: usize = 65_535;

/// Why a stream cannot be framed any further.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FrameError {
    /// A message (or a head without its end) longer than [`MAX_FRAME`].
    #[error("a message longer than {MAX_FRAME} bytes")]
    TooLarge,
}

/// One connection's bytes not yet framed.
#[derive(Debug, Default)]
pub struct Framer {
    /// Bytes received and not yet handed out as a message.
    buf: Vec<u8>,
    /// How far `buf` is known to hold no end of head (`\r\n\r\n`), so that a head arriving a
    /// byte at a time is not searched from its start again for each byte.
    scanned: usize,
}

impl Framer {
    /// An empty framer.
    pub fn new() -> Framer {
        Framer::default()
    }

    /// Adds bytes read from the stream.
    pub fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Bytes held that are not yet a whole message.
    pub fn buffered(&self) -> usize {
        self.buf.len()
    }

    /// The next whole message, `None` while more bytes are needed, or the error that ends the
    /// stream. Call until it returns `Ok(None)` after each [`Framer::push`].
    pub fn next_frame(&mut self) -> Result<Option<Vec<u8>>, FrameError> {
        let skip = self
            .buf
            .chunks_exact(2)
            .take_while(|c| c == b"\r\n")
            .count()
            * 2;
        if skip > 0 {
            self.buf.drain(..skip);
            self.scanned = 0;
        }
        // Resume the search 3 bytes back: the end may straddle the previous push.
        let from = self.scanned.saturating_sub(3);
        let Some(end) = self.buf[from..]
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .map(|p| from + p)
        else {
            self.scanned = self.buf.len();
            if self.buf.len() > MAX_FRAME {
                return Err(FrameError::TooLarge);
            }
            return Ok(None);
        };
        self.scanned = end;
        // A peer's Content-Length may be anything up to usize::MAX: add without overflowing.
        let Some(total) = content_length(&self.buf[..end])
            .checked_add(end + 4)
            .filter(|t| *t <= MAX_FRAME)
        else {
            return Err(FrameError::TooLarge);
        };
        if self.buf.len() < total {
            return Ok(None);
        }
        self.scanned = 0;
        Ok(Some(self.buf.drain(..total).collect()))
    }
}

/// The first readable Content-Length (or its compact form `l`) of a head, else 0.
fn content_length(head: &[u8]) -> usize {
    String::from_utf8_lossy(head)
        .lines()
        .find_map(|l| {
            let (k, v) = l.split_once(':')?;
            let k = k.trim();
            (k.eq_ignore_ascii_case("content-length") || k == "l")
                .then(|| v.trim().parse::<usize>().ok())?
        })
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(framer: &mut Framer) -> Result<Vec<Vec<u8>>, FrameError> {
        let mut out = Vec::new();
        while let Some(f) = framer.next_frame()? {
            out.push(f);
        }
        Ok(out)
    }

    const OPTIONS: &[u8] = b"OPTIONS sip:a@b SIP/2.0\r\nContent-Length: 5\r\n\r\nhello";

    #[test]
    fn messages_are_framed_by_content_length_with_keep_alives_skipped() {
        let mut f = Framer::new();
        let mut stream = b"\r\n\r\n".to_vec();
        stream.extend_from_slice(OPTIONS);
        stream.extend_from_slice(b"\r\nBYE sip:a@b SIP/2.0\r\nl: 0\r\n\r\nREG");
        f.push(&stream);
        let got = frames(&mut f).unwrap();
        assert_eq!(got.len(), 2);
        assert_eq!(got[0], OPTIONS);
        assert_eq!(got[1], b"BYE sip:a@b SIP/2.0\r\nl: 0\r\n\r\n");
        assert_eq!(f.buffered(), 3);
    }

    #[test]
    fn a_message_arriving_a_byte_at_a_time_is_framed_once_whole() {
        let mut f = Framer::new();
        let mut got = Vec::new();
        for b in OPTIONS.iter().chain(OPTIONS) {
            f.push(&[*b]);
            got.extend(frames(&mut f).unwrap());
        }
        assert_eq!(got, vec![OPTIONS.to_vec(), OPTIONS.to_vec()]);
    }

    #[test]
    fn a_head_without_an_end_past_the_limit_ends_the_stream() {
        let mut f = Framer::new();
        f.push(&vec![b'a'; MAX_FRAME]);
        assert_eq!(f.next_frame(), Ok(None));
        f.push(b"a");
        assert_eq!(f.next_frame(), Err(FrameError::TooLarge));
    }

    #[test]
    fn a_content_length_past_the_limit_ends_the_stream() {
        let mut f = Framer::new();
        f.push(b"INFO sip:a@b SIP/2.0\r\nContent-Length: 70000\r\n\r\n");
        assert_eq!(f.next_frame(), Err(FrameError::TooLarge));
    }

    #[test]
    fn a_content_length_near_the_largest_number_ends_the_stream_without_overflow() {
        // Found by the `sip_tcp_framer` fuzz target: the head's length plus this overflowed.
        for length in [u64::MAX, u64::MAX - 3, u64::MAX - 100] {
            let mut f = Framer::new();
            f.push(format!("INFO sip:a@b SIP/2.0\r\nl: 000{length}\r\n\r\nrest").as_bytes());
            assert_eq!(f.next_frame(), Err(FrameError::TooLarge), "{length}");
        }
    }

    #[test]
    fn an_unreadable_content_length_means_no_body() {
        let mut f = Framer::new();
        f.push(b"INFO sip:a@b SIP/2.0\r\nContent-Length: many\r\n\r\nrest");
        assert_eq!(
            f.next_frame(),
            Ok(Some(
                b"INFO sip:a@b SIP/2.0\r\nContent-Length: many\r\n\r\n".to_vec()
            ))
        );
    }
}
