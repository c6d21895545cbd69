//! RTP packets (RFC 3550), parsed and written with the `rtp-types` crate.

use rtp_types::{RtpPacket, RtpPacketBuilder};

use crate::MediaError;

/// An owned RTP packet: what legs and rooms pass around.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RtpFrame {
    /// Payload type (0 PCMU, 8 PCMA, dynamic for telephone-event).
    pub payload_type: u8,
    /// Sequence number.
    pub seq: u16,
    /// Media timestamp.
    pub timestamp: u32,
    /// Synchronisation source.
    pub ssrc: u32,
    /// Marker bit (start of a talk spurt or of a DTMF event).
    pub marker: bool,
    /// The payload bytes.
    pub payload: Vec<u8>,
}

impl RtpFrame {
    /// Parses a datagram.
    pub fn parse(data: &[u8]) -> Result<RtpFrame, MediaError> {
        let p = RtpPacket::parse(data).map_err(|e| MediaError::BadRtp(format!("{e:?}")))?;
        Ok(RtpFrame {
            payload_type: p.payload_type(),
            seq: p.sequence_number(),
            timestamp: p.timestamp(),
            ssrc: p.ssrc(),
            marker: p.marker_bit(),
            payload: p.payload().to_vec(),
        })
    }

    /// Serialises to a datagram.
    pub fn to_bytes(&self) -> Vec<u8> {
        RtpPacketBuilder::<&[u8], &[u8]>::new()
            .payload_type(self.payload_type)
            .sequence_number(self.seq)
            .timestamp(self.timestamp)
            .ssrc(self.ssrc)
            .marker_bit(self.marker)
            .payload(self.payload.as_slice())
            .write_vec_unchecked()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_survives_a_round_trip() {
        let f = RtpFrame {
            payload_type: 8,
            seq: 65_535,
            timestamp: 0xdead_beef,
            ssrc: 42,
            marker: true,
            payload: vec![0xd5; 160],
        };
        let bytes = f.to_bytes();
        assert_eq!(bytes.len(), 12 + 160);
        assert_eq!(RtpFrame::parse(&bytes).unwrap(), f);
    }

    #[test]
    fn garbage_is_refused_not_a_panic() {
        assert!(RtpFrame::parse(&[0x00, 1, 2]).is_err());
        assert!(RtpFrame::parse(&[0x40; 12]).is_err(), "version 1");
    }
}
