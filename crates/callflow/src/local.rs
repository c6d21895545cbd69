//! Where Patchbay is (Via, Contact) and the requests that start legs: an INVITE to a desk
//! phone, an INVITE through a trunk to a carrier, and its retry answering a digest challenge.
//!
//! A leg advertises one address: its SDP's (`LocalMedia::addr`, which the engine chose for that
//! peer: the trunk's or the server's public address, or the local address towards the peer) is
//! also the host of its Via and Contact, with the SIP endpoint's port.

use std::net::{IpAddr, SocketAddr};

use sip::msg::{Message, StartLine};
use sip::sdp::{self, AudioCodec, Direction, LocalMedia};
use sip::txn::{Peer, Transport};

use crate::Tokens;

/// Patchbay's SIP address, as written into Via and Contact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Local {
    /// The SIP endpoint's address (its port is what every leg advertises; the host is replaced
    /// by each leg's own address, see [`Local::at`]).
    pub sip: SocketAddr,
}

/// A trunk to call a number through, as the engine resolved it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrunkRoute {
    /// The trunk.
    pub trunk: model::TrunkId,
    /// Where the carrier is.
    pub peer: Peer,
    /// The carrier's `host:port` as configured (request URI, To, From).
    pub host: String,
    /// The codecs the trunk allows, in order (empty: all we have).
    pub codecs: Vec<AudioCodec>,
    /// User name and password to answer the carrier's digest challenge with.
    pub credentials: Option<(String, String)>,
}

impl Local {
    /// The same endpoint advertised at `ip` (a leg's address).
    pub fn at(&self, ip: IpAddr) -> Local {
        Local {
            sip: SocketAddr::new(ip, self.sip.port()),
        }
    }

    /// Our Contact URI.
    pub fn contact(&self) -> String {
        format!("sip:patchbay@{}", self.sip)
    }

    /// A Via header value with a new branch.
    pub fn via(&self, transport: Transport, tokens: &mut Tokens) -> String {
        let t = match transport {
            Transport::Udp => "UDP",
            Transport::Tcp => "TCP",
        };
        format!(
            "SIP/2.0/{t} {};branch=z9hG4bK-{};rport",
            self.sip,
            tokens.token()
        )
    }

    /// The INVITE that rings a desk phone at `contact` (its registered URI), showing `display`
    /// as the caller.
    pub fn desk_phone_invite(
        &self,
        contact: &str,
        username: &str,
        display: &str,
        peer: Peer,
        local: &LocalMedia,
        tokens: &mut Tokens,
    ) -> Message {
        let here = self.at(local.addr);
        let from = format!(
            "\"{display}\" <sip:{display}@{}>;tag={}",
            here.sip,
            tokens.token()
        );
        let to = format!("<sip:{username}@{}>", here.sip);
        let contact_header = format!("<{}>", here.contact());
        here.invite(contact, from, to, contact_header, None, peer, local, tokens)
    }

    /// An INVITE to `number` through a trunk showing `caller`; the offer keeps to the trunk's
    /// codecs (written back into `local`).
    pub fn trunk_invite(
        &self,
        route: &TrunkRoute,
        number: &str,
        caller: &str,
        local: &mut LocalMedia,
        tokens: &mut Tokens,
    ) -> Message {
        let host = &route.host;
        if !route.codecs.is_empty() {
            local.codecs.clone_from(&route.codecs);
        }
        let from = format!("<sip:{caller}@{host}>;tag={}", tokens.token());
        let to = format!("<sip:{number}@{host}>");
        let here = self.at(local.addr);
        let contact = format!("<sip:{caller}@{}>", here.sip);
        let asserted = format!("<sip:{caller}@{host}>");
        let uri = format!("sip:{number}@{host}");
        here.invite(
            &uri,
            from,
            to,
            contact,
            Some(asserted),
            route.peer,
            local,
            tokens,
        )
    }

    /// An initial INVITE with our offer.
    #[allow(clippy::too_many_arguments)]
    fn invite(
        &self,
        uri: &str,
        from: String,
        to: String,
        contact: String,
        asserted: Option<String>,
        peer: Peer,
        local: &LocalMedia,
        tokens: &mut Tokens,
    ) -> Message {
        let mut headers = vec![
            ("Via".to_owned(), self.via(peer.transport, tokens)),
            ("Max-Forwards".to_owned(), "70".to_owned()),
            ("From".to_owned(), from),
            ("To".to_owned(), to),
            ("Call-ID".to_owned(), tokens.token()),
            ("CSeq".to_owned(), "1 INVITE".to_owned()),
            ("Contact".to_owned(), contact),
        ];
        if let Some(pai) = asserted {
            headers.push(("P-Asserted-Identity".to_owned(), pai));
        }
        headers.extend([
            ("Allow".to_owned(), ALLOW.to_owned()),
            ("Content-Type".to_owned(), "application/sdp".to_owned()),
            ("User-Agent".to_owned(), "Patchbay".to_owned()),
        ]);
        Message {
            start: StartLine::Request {
                method: "INVITE".to_owned(),
                uri: uri.to_owned(),
            },
            headers,
            body: sdp::write(
                &sdp::offer(local, Direction::SendRecv),
                tokens.sdp_session(),
                1,
            ),
        }
    }

    /// `invite` again with an answer to the 401/407 `challenge` from the given credentials;
    /// `None` when the challenge is unusable.
    pub fn answer_challenge(
        &self,
        invite: &Message,
        code: u16,
        challenge: &Message,
        (user, password): (&str, &str),
        peer: Peer,
        tokens: &mut Tokens,
    ) -> Option<Message> {
        let (challenge_name, answer_name) = if code == 401 {
            ("WWW-Authenticate", "Authorization")
        } else {
            ("Proxy-Authenticate", "Proxy-Authorization")
        };
        let StartLine::Request { uri, .. } = &invite.start else {
            return None;
        };
        let cnonce = tokens.token();
        let answer = challenge
            .headers_named(challenge_name)
            .find_map(|c| sip::digest::answer(c, "INVITE", uri, user, password, &cnonce, 1))?;
        let mut invite = invite.clone();
        let seq = invite.cseq().map(|(n, _)| n).unwrap_or(1) + 1;
        invite.set_header("CSeq", format!("{seq} INVITE"));
        invite.set_header("Via", self.via(peer.transport, tokens));
        invite
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case(answer_name));
        invite.headers.push((answer_name.to_owned(), answer));
        Some(invite)
    }
}

/// The methods Patchbay's legs take (the Allow header).
pub(crate) const ALLOW: &str = "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO, UPDATE, REFER";
