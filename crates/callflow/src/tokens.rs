//! The call's source of tags, branches, Call-IDs and SDP session ids: a small seeded generator
//! (xorshift64*), so a call's messages are reproducible in tests and the crate stays pure.

/// A seeded generator of SIP tokens.
#[derive(Debug, Clone)]
pub struct Tokens {
    state: u64,
}

impl Tokens {
    /// A generator from a seed (the engine seeds each call from the OS; tests use constants).
    pub fn new(seed: u64) -> Tokens {
        // Zero is xorshift's fixed point.
        Tokens {
            state: seed ^ 0x9e37_79b9_7f4a_7c15,
        }
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.state;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.state = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    /// A token for a tag, a branch or a Call-ID: 16 hex digits.
    pub fn token(&mut self) -> String {
        format!("{:016x}", self.next_u64())
    }

    /// An SDP session id (`o=` line).
    pub fn sdp_session(&mut self) -> u64 {
        self.next_u64() >> 32
    }
}
