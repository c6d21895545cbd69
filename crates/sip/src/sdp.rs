//! SDP offer/answer for audio (RFC 3264, RFC 4566 via the `sdp-types` crate): G.711 µ-law and
//! A-law, telephone-event, ptime, direction attributes for hold, and offers for late-offer calls.

use std::net::{IpAddr, SocketAddr};

use sdp_types::{Attribute, Connection, Media, MediaType, Origin, Session, Time, TransportProto};

/// Audio codecs Patchbay's SIP legs speak.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AudioCodec {
    /// G.711 µ-law, static payload type 0.
    Pcmu,
    /// G.711 A-law, static payload type 8.
    Pcma,
}

impl AudioCodec {
    /// The static payload type.
    pub fn payload_type(self) -> u8 {
        match self {
            AudioCodec::Pcmu => 0,
            AudioCodec::Pcma => 8,
        }
    }

    fn rtpmap(self) -> &'static str {
        match self {
            AudioCodec::Pcmu => "PCMU/8000",
            AudioCodec::Pcma => "PCMA/8000",
        }
    }

    fn from_rtpmap(name: &str) -> Option<AudioCodec> {
        match name.split('/').next()?.to_ascii_uppercase().as_str() {
            "PCMU" => Some(AudioCodec::Pcmu),
            "PCMA" => Some(AudioCodec::Pcma),
            _ => None,
        }
    }
}

/// Media direction (RFC 3264 §6.1): how hold is signalled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Both ways (the default).
    SendRecv,
    /// The sender of this SDP only sends (it put the other side on hold).
    SendOnly,
    /// It only receives.
    RecvOnly,
    /// Neither.
    Inactive,
}

impl Direction {
    fn attr(self) -> &'static str {
        match self {
            Direction::SendRecv => "sendrecv",
            Direction::SendOnly => "sendonly",
            Direction::RecvOnly => "recvonly",
            Direction::Inactive => "inactive",
        }
    }

    /// The direction an answer takes to this offered direction.
    pub fn answer_to(self) -> Direction {
        match self {
            Direction::SendRecv => Direction::SendRecv,
            Direction::SendOnly => Direction::RecvOnly,
            Direction::RecvOnly => Direction::SendOnly,
            Direction::Inactive => Direction::Inactive,
        }
    }
}

/// The audio stream an SDP describes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AudioDesc {
    /// Where to send RTP (0.0.0.0 means "do not send": old-style hold).
    pub addr: IpAddr,
    /// RTP port (0: stream rejected).
    pub port: u16,
    /// Codecs in preference order, with their payload types.
    pub codecs: Vec<(u8, AudioCodec)>,
    /// Payload type of telephone-event/8000, if offered.
    pub telephone_event: Option<u8>,
    /// Packetisation time, ms.
    pub ptime: Option<u32>,
    /// Direction.
    pub direction: Direction,
}

impl AudioDesc {
    /// True when this SDP puts its receiver on hold (sendonly/inactive, or connection 0.0.0.0).
    pub fn is_hold(&self) -> bool {
        matches!(self.direction, Direction::SendOnly | Direction::Inactive)
            || self.addr.is_unspecified()
    }

    /// The RTP destination.
    pub fn rtp_addr(&self) -> SocketAddr {
        SocketAddr::new(self.addr, self.port)
    }
}

/// Why an SDP was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SdpError {
    /// Not valid SDP.
    #[error("malformed SDP: {0}")]
    Malformed(String),
    /// No audio stream over RTP/AVP.
    #[error("no audio stream")]
    NoAudio,
    /// No connection address.
    #[error("no connection address")]
    NoConnection,
    /// No codec in common: answer 488 Not Acceptable Here.
    #[error("no common codec")]
    NoCommonCodec,
}

/// Reads the first audio stream of an SDP body.
pub fn parse_audio(body: &[u8]) -> Result<AudioDesc, SdpError> {
    let s = Session::parse(body).map_err(|e| SdpError::Malformed(e.to_string()))?;
    let m = s
        .medias
        .iter()
        .find(|m| m.media == "audio" && m.proto.starts_with("RTP/"))
        .ok_or(SdpError::NoAudio)?;
    let conn = m
        .connections
        .first()
        .or(s.connection.as_ref())
        .ok_or(SdpError::NoConnection)?;
    let addr: IpAddr = conn
        .connection_address
        .split('/')
        .next()
        .unwrap_or_default()
        .parse()
        .map_err(|_| SdpError::NoConnection)?;
    let attr = |name: &str| {
        m.attributes
            .iter()
            .chain(s.attributes.iter())
            .find(|a| a.attribute == name)
            .and_then(|a| a.value.clone())
    };
    let rtpmaps: Vec<(u8, String)> = m
        .attributes
        .iter()
        .filter(|a| a.attribute == "rtpmap")
        .filter_map(|a| {
            let v = a.value.as_deref()?;
            let (pt, name) = v.split_once(' ')?;
            Some((pt.parse().ok()?, name.trim().to_owned()))
        })
        .collect();
    let mut codecs = Vec::new();
    let mut telephone_event = None;
    for pt in m
        .fmt
        .split_whitespace()
        .filter_map(|p| p.parse::<u8>().ok())
    {
        let name = rtpmaps
            .iter()
            .find(|(p, _)| *p == pt)
            .map(|(_, n)| n.as_str());
        let codec = match (pt, name) {
            (_, Some(n)) if n.to_ascii_lowercase().starts_with("telephone-event") => {
                telephone_event = Some(pt);
                None
            }
            (_, Some(n)) => AudioCodec::from_rtpmap(n),
            (0, None) => Some(AudioCodec::Pcmu),
            (8, None) => Some(AudioCodec::Pcma),
            _ => None,
        };
        if let Some(c) = codec {
            codecs.push((pt, c));
        }
    }
    let direction = ["sendrecv", "sendonly", "recvonly", "inactive"]
        .into_iter()
        .find(|d| {
            m.attributes
                .iter()
                .chain(s.attributes.iter())
                .any(|a| a.attribute == *d)
        })
        .map_or(Direction::SendRecv, |d| match d {
            "sendonly" => Direction::SendOnly,
            "recvonly" => Direction::RecvOnly,
            "inactive" => Direction::Inactive,
            _ => Direction::SendRecv,
        });
    let ptime = attr("ptime").and_then(|p| p.trim().parse().ok());
    Ok(AudioDesc {
        addr,
        port: m.port,
        codecs,
        telephone_event,
        ptime,
        direction,
    })
}

/// What our side can do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocalMedia {
    /// Our RTP address.
    pub addr: IpAddr,
    /// Our RTP port.
    pub port: u16,
    /// Codecs we accept, in our preference order.
    pub codecs: Vec<AudioCodec>,
    /// Payload type we use for telephone-event.
    pub telephone_event: u8,
}

/// The result of answering an offer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Negotiated {
    /// The codec both sides use.
    pub codec: AudioCodec,
    /// Its payload type on the wire.
    pub payload_type: u8,
    /// telephone-event's payload type, when both sides do RFC 4733.
    pub telephone_event: Option<u8>,
    /// Where to send RTP.
    pub remote: SocketAddr,
    /// Our direction.
    pub direction: Direction,
    /// Packetisation time, ms (20 unless the offer asked otherwise).
    pub ptime: u32,
}

/// Answers an offer: the first offered codec we accept, telephone-event if offered, the mirrored
/// direction. Returns the answer's description and what was agreed.
pub fn answer(offer: &AudioDesc, local: &LocalMedia) -> Result<(AudioDesc, Negotiated), SdpError> {
    let &(pt, codec) = offer
        .codecs
        .iter()
        .find(|(_, c)| local.codecs.contains(c))
        .ok_or(SdpError::NoCommonCodec)?;
    let direction = if offer.addr.is_unspecified() {
        Direction::Inactive
    } else {
        offer.direction.answer_to()
    };
    let te = offer.telephone_event;
    let ptime = offer.ptime.unwrap_or(20);
    let desc = AudioDesc {
        addr: local.addr,
        port: local.port,
        codecs: vec![(pt, codec)],
        telephone_event: te,
        ptime: Some(ptime),
        direction,
    };
    let neg = Negotiated {
        codec,
        payload_type: pt,
        telephone_event: te,
        remote: offer.rtp_addr(),
        direction,
        ptime,
    };
    Ok((desc, neg))
}

/// An offer of everything we do (for outgoing calls and late-offer INVITEs), with a direction
/// (sendonly to put the other side on hold).
pub fn offer(local: &LocalMedia, direction: Direction) -> AudioDesc {
    AudioDesc {
        addr: local.addr,
        port: local.port,
        codecs: local
            .codecs
            .iter()
            .map(|c| (c.payload_type(), *c))
            .collect(),
        telephone_event: Some(local.telephone_event),
        ptime: Some(20),
        direction,
    }
}

/// Writes an SDP body; `version` goes up with each new offer in a dialog.
pub fn write(desc: &AudioDesc, session_id: u64, version: u64) -> Vec<u8> {
    let mut fmts: Vec<String> = desc.codecs.iter().map(|(pt, _)| pt.to_string()).collect();
    let mut attributes: Vec<Attribute> = desc
        .codecs
        .iter()
        .map(|(pt, c)| Attribute::with_value("rtpmap", format!("{pt} {}", c.rtpmap())))
        .collect();
    if let Some(te) = desc.telephone_event {
        fmts.push(te.to_string());
        attributes.push(Attribute::with_value(
            "rtpmap",
            format!("{te} telephone-event/8000"),
        ));
        attributes.push(Attribute::with_value("fmtp", format!("{te} 0-16")));
    }
    if let Some(p) = desc.ptime {
        attributes.push(Attribute::with_value("ptime", p));
    }
    attributes.push(Attribute::new(desc.direction.attr()));
    let mut media = Media::new(
        MediaType::Audio,
        desc.port,
        TransportProto::RtpAvp,
        fmts.join(" "),
    );
    media.attributes = attributes;
    let mut origin = Origin::with_ip_addr(session_id, version, desc.addr);
    origin.username = Some("patchbay".to_owned());
    let mut s = Session::new(origin, "Patchbay");
    s.connection = Some(Connection::from_ip_addr(desc.addr));
    s.times = vec![Time::new(0, 0)];
    s.medias = vec![media];
    s.to_string().into_bytes()
}
