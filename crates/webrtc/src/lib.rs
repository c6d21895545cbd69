//! Patchbay's WebRTC media leg as pure code.
//!
//! A [`WebRtcLeg`] is one browser's audio session on the server side: it answers the browser's
//! SDP offer as an ICE-lite peer, completes DTLS-SRTP, and turns the browser's Opus or G.711 into
//! 20 ms frames of 8 kHz audio ([`media::FRAME_SAMPLES`] samples) for a media room, and the
//! room's frames back into the negotiated codec. It owns no socket and never reads the clock:
//! the engine feeds it datagrams and time with `handle_*(now, …)` and drains what it wants to
//! send with `poll_*()`, exactly as str0m, which it wraps, is driven.
//!
//! A [`WebRtcClient`] is the other end, headless: str0m as the offerer and controlling ICE agent,
//! sending and receiving 20 ms frames. It exists for tests and load benchmarks.
//!
//! Opus is encoded and decoded by libopus at the leg's own rate (8 kHz), the RTP clock stays
//! 48 kHz as RFC 7587 wants: libopus band-limits before it decimates, so no resampler is needed
//! on the leg (a 5 kHz tone from the browser reaches the room 56 dB down, not folded to 3 kHz).
//! libopus comes bundled with the `opus` crate and is built with CMake: no system library.
//!
//! After a lost packet str0m waits for it at most two packets or 60 ms, and Opus's loss
//! concealment fills up to 100 ms of gap, so the room keeps getting a frame every 20 ms.
//! Legs share one DTLS [`Certificate`], made once by the server (about a millisecond of CPU);
//! the headless client makes its own.

mod certificate;
mod client;
mod codec;
mod leg;
mod opus_rates;
mod session;

pub use certificate::Certificate;
pub use client::WebRtcClient;
pub use codec::{OPUS_COMPLEXITY, encode_frames};
pub use leg::WebRtcLeg;
pub use session::{Codec, LegEvent, LegStats};

/// What can go wrong setting a session up. Once a session runs, trouble is reported as
/// [`LegEvent::Disconnected`], never as a panic.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The offer (or answer) is not SDP that str0m can read.
    #[error("the {what} is not valid SDP: {reason}")]
    BadSdp {
        /// `offer` or `answer`.
        what: &'static str,
        /// The parser's complaint.
        reason: String,
    },
    /// The offer has no audio section, or none that is sending or receiving.
    #[error("the offer has no audio m-line")]
    NoAudio,
    /// The offer's audio section has none of Opus, PCMU or PCMA.
    #[error("the offer has none of the codecs Patchbay speaks (Opus, PCMU, PCMA)")]
    NoCommonCodec,
    /// str0m refused the offer or answer (for example, a missing DTLS fingerprint or ICE
    /// credentials).
    #[error("the {what} was refused: {reason}")]
    Refused {
        /// `offer` or `answer`.
        what: &'static str,
        /// str0m's reason.
        reason: String,
    },
    /// An address that cannot be an ICE candidate (unspecified, or a mix of IPv4 and IPv6).
    #[error("{addr} cannot be an ICE candidate: {reason}")]
    BadCandidate {
        /// The address given.
        addr: std::net::SocketAddr,
        /// Why.
        reason: String,
    },
    /// The crypto provider could not make a DTLS certificate.
    #[error("cannot make a DTLS certificate")]
    Certificate,
    /// str0m could not set a session up (it panicked building one: a bug, reported instead of
    /// taking the caller down).
    #[error("cannot set a WebRTC session up: {0}")]
    Setup(String),
    /// libopus failed to create an encoder or decoder.
    #[error("opus: {0}")]
    Opus(#[from] opus::Error),
    /// A frame the encoder cannot take (a size other than 20 ms at the rate given).
    #[error("{0}")]
    Codec(String),
}
