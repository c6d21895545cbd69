//! A call with scripted peers, stepped by hand (in the style of quinn-proto's `Pair`): the test
//! plays the desk phone, the carrier, the calling customer and the agent, and reads what the
//! call sends. Placed calls start with [`Harness::place`], inbound ones with [`Harness::answer`].

#![allow(dead_code)]

use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;

use callflow::{
    AgentSide, Call, CallId, Customer, InboundCall, Input, LegId, Local, MediaOut, Output,
    PlacedCall, Ring, Service, TrunkRoute,
};
use model::{EnterpriseId, SkillGroupId, TrunkId, UserId};
use sip::msg::{Message, StartLine};
use sip::sdp::{self, AudioCodec, Direction, LocalMedia};
use sip::txn::{Peer, Transport, TxnId};

pub const AGENT: UserId = UserId(7);
pub const CUSTOMER_NUMBER: &str = "13800138000";
pub const CALLER_NUMBER: &str = "4001230001";
pub const PHONE: &str = "127.0.0.1:5070";
pub const CARRIER: &str = "127.0.0.1:5080";
/// The skill groups of [`ivr::Flow::demo`]: key 1 queues in sales, key 2 in support.
pub const SALES: SkillGroupId = SkillGroupId(1);
pub const SUPPORT: SkillGroupId = SkillGroupId(2);
/// The customer's leg of an inbound call, the first ringing agent's, the next one's.
pub const CUSTOMER_LEG: LegId = LegId(0);
pub const FIRST_RING: LegId = LegId(1);
pub const SECOND_RING: LegId = LegId(2);

pub fn local() -> Local {
    Local {
        sip: addr("127.0.0.1:5060"),
    }
}

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
        from_phone: None,
        campaign: None,
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

/// The far end of one leg: answers our INVITE (or sent the INVITE we answered) and sends
/// requests in its dialog.
pub struct FarEnd {
    pub invite: Message,
    pub tag: String,
    pub addr: SocketAddr,
    pub cseq: u32,
    /// From and To of its requests in the dialog.
    from: String,
    to: String,
}

impl FarEnd {
    /// The peer we sent `invite` to; it answers with To tag `tag`.
    pub fn new(invite: Message, addr: SocketAddr, tag: &str) -> FarEnd {
        let from = format!("{};tag={tag}", invite.header("To").expect("To"));
        let to = invite.header("From").expect("From").to_owned();
        FarEnd {
            invite,
            tag: tag.to_owned(),
            addr,
            cseq: 100,
            from,
            to,
        }
    }

    /// A caller that sent `invite` and got our `ok`: its requests carry our To tag and go on
    /// from its INVITE's CSeq.
    pub fn caller(invite: Message, ok: &Message, addr: SocketAddr) -> FarEnd {
        FarEnd {
            tag: invite.tag("From").expect("From tag").to_owned(),
            cseq: invite.cseq().expect("CSeq").0,
            from: invite.header("From").expect("From").to_owned(),
            to: ok.header("To").expect("To").to_owned(),
            invite,
            addr,
        }
    }

    /// The caller's ACK for our 200 OK (the INVITE's CSeq), with `body` (a late offer's answer).
    pub fn ack(&self, body: Vec<u8>) -> Message {
        let mut ack = self.in_dialog("ACK", self.invite.cseq().expect("CSeq").0, body);
        ack.set_header(
            "Via",
            format!("SIP/2.0/UDP {};branch=z9hG4bK-ack", self.addr),
        );
        ack
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

    /// A carrier's digest challenge to our INVITE (401 or 407).
    pub fn challenge(&self, code: u16) -> Message {
        let name = if code == 401 {
            "WWW-Authenticate"
        } else {
            "Proxy-Authenticate"
        };
        let mut r = self.response(code, "Unauthorized", None);
        r.headers.push((
            name.to_owned(),
            r#"Digest realm="carrier", nonce="abc123", algorithm=MD5, qop="auth""#.to_owned(),
        ));
        r
    }

    /// A request in the dialog (our INVITE formed, or its INVITE did).
    pub fn request(&mut self, method: &str, body: Vec<u8>) -> Message {
        self.cseq += 1;
        self.in_dialog(method, self.cseq, body)
    }

    fn in_dialog(&self, method: &str, cseq: u32, body: Vec<u8>) -> Message {
        Message {
            start: StartLine::Request {
                method: method.to_owned(),
                uri: "sip:patchbay@127.0.0.1:5060".to_owned(),
            },
            headers: vec![
                (
                    "Via".to_owned(),
                    format!("SIP/2.0/UDP {};branch=z9hG4bK-far{cseq}", self.addr),
                ),
                ("From".to_owned(), self.from.clone()),
                ("To".to_owned(), self.to.clone()),
                (
                    "Call-ID".to_owned(),
                    self.invite.header("Call-ID").expect("Call-ID").to_owned(),
                ),
                ("CSeq".to_owned(), format!("{cseq} {method}")),
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
        Harness::start(|now| Call::place(now, spec, local(), 1))
    }

    /// A call the agent dialled on the desk phone, its INVITE answered (outputs in the log).
    pub fn place_from_phone(spec: PlacedCall) -> Harness {
        Harness::start(|now| Call::place_from_phone(now, spec, local(), 1).expect("answered"))
    }

    /// An inbound call, answered (its outputs so far are in the log).
    pub fn answer(spec: InboundCall) -> Harness {
        Harness::start(|now| Call::answer(now, spec, local(), 1).expect("answered"))
    }

    /// Any call, started by `call` at the harness's clock (its outputs so far are in the log).
    pub fn start_with(call: impl FnOnce(i64) -> Call) -> Harness {
        Harness::start(call)
    }

    fn start(call: impl FnOnce(i64) -> Call) -> Harness {
        let now = 1_700_000_000_000;
        let mut h = Harness {
            call: call(now),
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

    /// The events sent to agents' phone bars.
    pub fn agent_events(&self) -> Vec<(UserId, model::Event)> {
        self.log
            .iter()
            .filter_map(|o| match o {
                Output::Agent { user, event } => Some((*user, event.clone())),
                _ => None,
            })
            .collect()
    }

    /// How many outputs in the log match.
    pub fn count(&self, f: impl Fn(&Output) -> bool) -> usize {
        self.log.iter().filter(|o| f(o)).count()
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

/// A customer's INVITE from the carrier to the enterprise number, with an SDP offer or none
/// (late offer).
pub fn customer_invite(sdp: Option<Vec<u8>>) -> Message {
    let mut headers = vec![
        (
            "Via".to_owned(),
            format!("SIP/2.0/UDP {CARRIER};branch=z9hG4bK-cust1"),
        ),
        ("Max-Forwards".to_owned(), "70".to_owned()),
        (
            "From".to_owned(),
            format!("<sip:{CUSTOMER_NUMBER}@{CARRIER}>;tag=cust"),
        ),
        ("To".to_owned(), format!("<sip:{CALLER_NUMBER}@127.0.0.1>")),
        ("Call-ID".to_owned(), "inbound-call-1".to_owned()),
        ("CSeq".to_owned(), "1 INVITE".to_owned()),
        (
            "Contact".to_owned(),
            format!("<sip:{CUSTOMER_NUMBER}@{CARRIER}>"),
        ),
    ];
    if sdp.is_some() {
        headers.push(("Content-Type".to_owned(), "application/sdp".to_owned()));
    }
    Message {
        start: StartLine::Request {
            method: "INVITE".to_owned(),
            uri: format!("sip:{CALLER_NUMBER}@127.0.0.1"),
        },
        headers,
        body: sdp.unwrap_or_default(),
    }
}

/// The desk phone's own INVITE to `number` (the agent dialled on its keypad), with an offer.
pub fn phone_invite(number: &str, sdp: Vec<u8>) -> Message {
    Message {
        start: StartLine::Request {
            method: "INVITE".to_owned(),
            uri: format!("sip:{number}@127.0.0.1"),
        },
        headers: vec![
            (
                "Via".to_owned(),
                format!("SIP/2.0/UDP {PHONE};branch=z9hG4bK-phone1"),
            ),
            ("Max-Forwards".to_owned(), "70".to_owned()),
            ("From".to_owned(), "<sip:1001@127.0.0.1>;tag=ph".to_owned()),
            ("To".to_owned(), format!("<sip:{number}@127.0.0.1>")),
            ("Call-ID".to_owned(), "phone-call-1".to_owned()),
            ("CSeq".to_owned(), "2 INVITE".to_owned()),
            ("Contact".to_owned(), format!("<sip:1001@{PHONE}>")),
            ("Content-Type".to_owned(), "application/sdp".to_owned()),
        ],
        body: sdp,
    }
}

/// The customer calling over the trunk with `invite` (server transaction 0, our port 20 002).
pub fn trunk(invite: Message) -> Customer {
    Customer::Trunk {
        peer: udp(CARRIER),
        invite,
        txn: TxnId(0),
        media: media(20_002),
    }
}

/// A call from `customer` to the enterprise number [`CALLER_NUMBER`].
pub fn inbound(customer: Customer, service: Service) -> InboundCall {
    InboundCall {
        id: CallId(43),
        key: "k-43".to_owned(),
        enterprise: EnterpriseId(1),
        caller: CUSTOMER_NUMBER.to_owned(),
        number: CALLER_NUMBER.to_owned(),
        customer,
        service,
        transcribe: false,
    }
}

/// The demo IVR: welcome, then a menu (1 sales, 2 support).
pub fn demo_ivr() -> Service {
    Service::Ivr(Arc::new(ivr::Flow::demo(SALES.0, SUPPORT.0)))
}

/// An IVR flow from JSON.
pub fn ivr_flow(json: &str) -> Service {
    Service::Ivr(Arc::new(ivr::Flow::parse(json).expect("flow")))
}

/// A trunk call (with an SDP offer) answered for `service`, and the customer as a far end.
pub fn trunk_call(service: Service) -> (Harness, FarEnd) {
    let invite = customer_invite(Some(peer_sdp(40_000, sip::sdp::Direction::SendRecv)));
    let h = Harness::answer(inbound(trunk(invite.clone()), service));
    let ok = response_to(&h.log, TxnId(0)).expect("the INVITE is answered");
    (h, FarEnd::caller(invite, &ok, addr(CARRIER)))
}

/// The caller presses 1 in the demo IVR's menu and the ACD queues the call in sales.
pub fn press_1_and_queue(h: &mut Harness) {
    press_1_and_queue_with(h, None);
}

/// The same, sales having the satisfaction survey with this prompt (or none).
pub fn press_1_and_queue_with(h: &mut Harness, survey: Option<ivr::Prompt>) {
    h.input(4_000, Input::PromptFinished);
    h.input(1_000, Input::Digit('1'));
    h.input(
        10,
        Input::Enqueued {
            group: Some(SALES),
            survey,
        },
    );
}

/// A trunk call waiting in the sales queue.
pub fn queued() -> (Harness, FarEnd) {
    let (mut h, customer) = trunk_call(demo_ivr());
    press_1_and_queue(&mut h);
    (h, customer)
}

/// The ACD's offer of the call to `agent` on `device`.
pub fn ring(agent: UserId, device: AgentSide, auto_answer: bool) -> Ring {
    Ring {
        agent,
        group: SALES,
        group_name: "Sales".to_owned(),
        auto_answer,
        device,
        caller_id: CALLER_NUMBER.to_owned(),
    }
}

/// The ACD offers the waiting call to the agent's desk phone (leg 1), which rings.
pub fn ring_phone(h: &mut Harness) -> FarEnd {
    h.input(10, Input::Offer(ring(AGENT, desk_phone(), false)));
    FarEnd::new(
        h.last_sent(FIRST_RING, "INVITE").expect("the phone rings"),
        addr(PHONE),
        "phone",
    )
}

/// The ringing desk phone answers (200 with SDP at port 30 000); returns what came out.
pub fn answer_phone(h: &mut Harness, phone: &FarEnd) -> Vec<Output> {
    h.respond(
        FIRST_RING,
        phone.response(
            200,
            "OK",
            Some(peer_sdp(30_000, sip::sdp::Direction::SendRecv)),
        ),
    )
}

/// A queued trunk call ringing the agent's desk phone: the customer and the phone.
pub fn phone_ringing() -> (Harness, FarEnd, FarEnd) {
    let (mut h, customer) = queued();
    let phone = ring_phone(&mut h);
    (h, customer, phone)
}

/// A queued trunk call the agent answered on the desk phone: the customer and the phone talk.
pub fn bridged() -> (Harness, FarEnd, FarEnd) {
    let (mut h, customer, phone) = phone_ringing();
    answer_phone(&mut h, &phone);
    (h, customer, phone)
}

/// How many `Ended` records, and how many `Finished`, the call has output.
pub fn ends(h: &Harness) -> (usize, usize) {
    (
        // The customer's call's record, not a consult's own.
        h.count(|o| matches!(o, Output::Record(model::calls::CallEvent::Ended { key, .. }) if !key.contains("-consult-"))),
        h.count(|o| *o == Output::Finished),
    )
}

/// A desk phone's REFER (its transfer key) in `far`'s dialog, to `to` (a Refer-To value).
pub fn refer(far: &mut FarEnd, to: &str) -> Message {
    let mut r = far.request("REFER", Vec::new());
    r.headers.push(("Refer-To".to_owned(), to.to_owned()));
    r.headers
        .push(("Referred-By".to_owned(), "<sip:1001@127.0.0.1>".to_owned()));
    r
}

/// The NOTIFY bodies sent on a leg, in order, and where each came among that leg's requests.
pub fn notifies(h: &Harness, leg: LegId) -> Vec<String> {
    h.log
        .iter()
        .filter_map(|o| match o {
            Output::SendRequest { leg: l, msg, .. } if *l == leg => Some(msg),
            _ => None,
        })
        .filter(|m| m.method() == Some("NOTIFY"))
        .map(|m| {
            assert_eq!(m.header("Event"), Some("refer"));
            assert!(
                m.header("Content-Type")
                    .is_some_and(|c| c.starts_with("message/sipfrag"))
            );
            String::from_utf8_lossy(&m.body).trim().to_owned()
        })
        .collect()
}
