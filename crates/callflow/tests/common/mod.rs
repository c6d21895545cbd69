//! A placed call with scripted peers, stepped by hand (in the style of quinn-proto's `Pair`):
//! the test plays the desk phone, the carrier and the agent, and reads what the call sends.

#![allow(dead_code)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use callflow::{
    AgentSide, Call, CallId, Input, LegId, Local, MediaOut, Output, PlacedCall, TrunkRoute,
};
use model::{EnterpriseId, TrunkId, UserId};
use sip::msg::{Message, StartLine};
use sip::sdp::{self, AudioCodec, Direction, LocalMedia};
use sip::txn::{Peer, Transport, TxnId};

pub const AGENT: UserId = UserId(7);
pub const CUSTOMER_NUMBER: &str = "13800138000";
pub const CALLER_NUMBER: &str = "4001230001";
pub const PHONE: &str = "127.0.0.1:5070";
pub const CARRIER: &str = "127.0.0.1:5080";

pub fn addr(s: &str) -> SocketAddr {
    s.parse().expect("address")
}

pub fn udp(s: &str) -> Peer {
    Peer {
        addr: addr(s),
        transport: Transport::Udp,
    }
}

pub fn media(port: u16) -> LocalMedia {
    LocalMedia {
        addr: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port,
        codecs: vec![AudioCodec::Pcma, AudioCodec::Pcmu],
        telephone_event: 101,
    }
}

pub fn route(credentials: Option<(&str, &str)>) -> TrunkRoute {
    TrunkRoute {
        trunk: TrunkId(3),
        peer: udp(CARRIER),
        host: CARRIER.to_owned(),
        codecs: vec![AudioCodec::Pcmu],
        credentials: credentials.map(|(u, p)| (u.to_owned(), p.to_owned())),
    }
}

pub fn desk_phone() -> AgentSide {
    AgentSide::DeskPhone {
        peer: udp(PHONE),
        contact: format!("sip:1001@{PHONE}"),
        username: "1001".to_owned(),
        media: media(20_000),
    }
}

pub fn spec(agent_side: AgentSide, credentials: Option<(&str, &str)>) -> PlacedCall {
    PlacedCall {
        id: CallId(42),
        key: "k-42".to_owned(),
        enterprise: EnterpriseId(1),
        agent: AGENT,
        agent_side,
        number: CUSTOMER_NUMBER.to_owned(),
        caller_number: CALLER_NUMBER.to_owned(),
        route: route(credentials),
        customer_media: media(20_002),
        acd: Some(true),
        transcribe: false,
    }
}

/// An SDP body from a peer at 127.0.0.1:`port` (PCMU, telephone-event), in a direction.
pub fn peer_sdp(port: u16, direction: Direction) -> Vec<u8> {
    let desc = sdp::AudioDesc {
        addr: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port,
        codecs: vec![(0, AudioCodec::Pcmu)],
        telephone_event: Some(101),
        ptime: Some(20),
        direction,
    };
    sdp::write(&desc, 99, 1)
}

/// The far end of one leg: answers our INVITE and sends requests in its dialog.
pub struct FarEnd {
    pub invite: Message,
    pub tag: String,
    pub addr: SocketAddr,
    pub cseq: u32,
}

impl FarEnd {
    pub fn new(invite: Message, addr: SocketAddr, tag: &str) -> FarEnd {
        FarEnd {
            invite,
            tag: tag.to_owned(),
            addr,
            cseq: 100,
        }
    }

    /// A response to our (latest) INVITE.
    pub fn response(&self, code: u16, reason: &str, body: Option<Vec<u8>>) -> Message {
        let mut r = self.invite.response_to(code, reason, Some(&self.tag));
        r.headers
            .push(("Contact".to_owned(), format!("<sip:far@{}>", self.addr)));
        if let Some(b) = body {
            r.headers
                .push(("Content-Type".to_owned(), "application/sdp".to_owned()));
            r.body = b;
        }
        r
    }

    /// A request in the dialog our INVITE formed.
    pub fn request(&mut self, method: &str, body: Vec<u8>) -> Message {
        self.cseq += 1;
        let from = format!("{};tag={}", self.invite.header("To").expect("To"), self.tag);
        Message {
            start: StartLine::Request {
                method: method.to_owned(),
                uri: "sip:patchbay@127.0.0.1:5060".to_owned(),
            },
            headers: vec![
                (
                    "Via".to_owned(),
                    format!("SIP/2.0/UDP {};branch=z9hG4bK-far{}", self.addr, self.cseq),
                ),
                ("From".to_owned(), from),
                (
                    "To".to_owned(),
                    self.invite.header("From").expect("From").to_owned(),
                ),
                (
                    "Call-ID".to_owned(),
                    self.invite.header("Call-ID").expect("Call-ID").to_owned(),
                ),
                ("CSeq".to_owned(), format!("{} {method}", self.cseq)),
                ("Contact".to_owned(), format!("<sip:far@{}>", self.addr)),
            ],
            body,
        }
    }
}

/// A call under test and everything it has output so far.
pub struct Harness {
    pub call: Call,
    pub now: i64,
    pub log: Vec<Output>,
    next_txn: u64,
}

impl Harness {
    pub fn place(spec: PlacedCall) -> Harness {
        let local = Local {
            sip: addr("127.0.0.1:5060"),
        };
        let now = 1_700_000_000_000;
        let mut h = Harness {
            call: Call::place(now, spec, local, 1),
            now,
            log: Vec::new(),
            next_txn: 1,
        };
        h.drain();
        h
    }

    /// Drains the call's outputs into the log; returns the new ones.
    pub fn drain(&mut self) -> Vec<Output> {
        let mut new = Vec::new();
        while let Some(o) = self.call.poll_output() {
            new.push(o);
        }
        self.log.extend(new.iter().cloned());
        new
    }

    /// Feeds an input `ms` later and returns what came out.
    pub fn input(&mut self, ms: i64, input: Input) -> Vec<Output> {
        self.now += ms;
        self.call.handle(self.now, input);
        self.drain()
    }

    pub fn respond(&mut self, leg: LegId, msg: Message) -> Vec<Output> {
        self.input(10, Input::Response { leg, msg })
    }

    pub fn request(&mut self, leg: LegId, msg: Message) -> (TxnId, Vec<Output>) {
        let txn = TxnId(self.next_txn);
        self.next_txn += 1;
        (txn, self.input(10, Input::Request { leg, txn, msg }))
    }

    /// The last request sent on a leg with this method.
    pub fn last_sent(&self, leg: LegId, method: &str) -> Option<Message> {
        self.log.iter().rev().find_map(|o| match o {
            Output::SendRequest { leg: l, msg, .. }
                if *l == leg && msg.method() == Some(method) =>
            {
                Some(msg.clone())
            }
            _ => None,
        })
    }

    /// The legs requests were sent on, in order of their first request.
    pub fn legs(&self) -> Vec<LegId> {
        let mut legs = Vec::new();
        for o in &self.log {
            if let Output::SendRequest { leg, .. } = o
                && !legs.contains(leg)
            {
                legs.push(*leg);
            }
        }
        legs
    }

    pub fn records(&self) -> Vec<model::calls::CallEvent> {
        self.log
            .iter()
            .filter_map(|o| match o {
                Output::Record(e) => Some(e.clone()),
                _ => None,
            })
            .collect()
    }

    pub fn media(&self) -> Vec<MediaOut> {
        self.log
            .iter()
            .filter_map(|o| match o {
                Output::Media(m) => Some(m.clone()),
                _ => None,
            })
            .collect()
    }
}

/// The response (to a request the far end sent) among outputs.
pub fn response_to(outputs: &[Output], txn: TxnId) -> Option<Message> {
    outputs.iter().find_map(|o| match o {
        Output::Respond { txn: t, msg } if *t == txn => Some(msg.clone()),
        _ => None,
    })
}

/// The ACKs among outputs.
pub fn acks(outputs: &[Output]) -> usize {
    outputs
        .iter()
        .filter(|o| matches!(o, Output::SendAck { .. }))
        .count()
}

/// The user part of a header's URI.
pub fn user_in(header: &str) -> &str {
    let start = header.find("sip:").map_or(0, |i| i + 4);
    let rest = &header[start..];
    rest.split(['@', '>', ';']).next().unwrap_or_default()
}

/// A click-to-dial call whose desk phone answered: the customer is being called (leg 1).
pub fn customer_ringing() -> (Harness, FarEnd, FarEnd) {
    let mut h = Harness::place(spec(desk_phone(), None));
    let phone = FarEnd::new(
        h.last_sent(LegId(0), "INVITE")
            .expect("the desk phone rings"),
        addr(PHONE),
        "phone",
    );
    h.respond(
        LegId(0),
        phone.response(
            200,
            "OK",
            Some(peer_sdp(30_000, sip::sdp::Direction::SendRecv)),
        ),
    );
    let carrier = FarEnd::new(
        h.last_sent(LegId(1), "INVITE")
            .expect("the customer is called"),
        addr(CARRIER),
        "carrier",
    );
    (h, phone, carrier)
}

/// A click-to-dial call that is up: the desk phone (leg 0) and the customer (leg 1) talk.
pub fn connected() -> (Harness, FarEnd, FarEnd) {
    let (mut h, phone, carrier) = customer_ringing();
    h.respond(
        LegId(1),
        carrier.response(
            200,
            "OK",
            Some(peer_sdp(40_000, sip::sdp::Direction::SendRecv)),
        ),
    );
    (h, phone, carrier)
}
