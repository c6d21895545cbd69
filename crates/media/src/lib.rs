//! Patchbay's media plane as pure code: nothing here opens a socket or reads a clock.
//!
//! The engine owns the sockets and a 20 ms tick; it hands received datagrams to [`rtp::RtpFrame::parse`],
//! pushes them into a [`jitter::JitterBuffer`] per leg, pops one frame per tick, decodes with
//! [`g711`], mixes with [`mixer::mix_minus`], and writes recordings with [`wav::RecordingWriter`].
//! DTMF arrives as RFC 4733 events ([`dtmf::DtmfDetector`]) or SIP INFO bodies
//! ([`dtmf::parse_dtmf_relay`]); prompts and tones come from [`tone`].

pub mod dtmf;
pub mod g711;
pub mod jitter;
pub mod mixer;
pub mod prompt;
pub mod room;
pub mod rtcp;
pub mod rtp;
pub mod source;
pub mod stream;
pub mod strict;
pub mod tone;
pub mod wav;

/// Samples in one 20 ms frame at 8 kHz: the unit the mixer, player and recorder work in.
pub const FRAME_SAMPLES: usize = 160;

/// Errors of the media code.
#[derive(Debug, thiserror::Error)]
pub enum MediaError {
    /// The datagram is not an RTP packet.
    #[error("not an RTP packet: {0}")]
    BadRtp(String),
    /// A telephone-event payload shorter than 4 bytes.
    #[error("telephone-event payload too short")]
    ShortEvent,
    /// Reading or writing a WAV file failed.
    #[error("WAV: {0}")]
    Wav(String),
    /// File I/O failed.
    #[error("I/O: {0}")]
    Io(#[from] std::io::Error),
}
