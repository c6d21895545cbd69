//! INVITEs through a trunk to a carrier, shared by every call Patchbay places to the public
//! network (click-to-dial, IVR forwarding): the request with the enterprise number as caller ID,
//! and its retry answering the carrier's digest challenge.

use sip::msg::{Message, StartLine};
use sip::sdp::{self, AudioCodec, Direction, LocalMedia};
use sip::txn::Peer;

use super::calls::{Calls, random_token};
use super::directory::TrunkEntry;

impl Calls {
    /// An INVITE to `number` through trunk `t` showing `caller`; the offer keeps to the trunk's
    /// codecs (written back into `local`).
    pub(super) fn trunk_invite(
        &self,
        t: &TrunkEntry,
        number: &str,
        caller: &str,
        peer: Peer,
        local: &mut LocalMedia,
    ) -> Message {
        let host = format!("{}:{}", t.trunk.host, t.trunk.port);
        let wanted: Vec<AudioCodec> = t
            .trunk
            .codecs
            .iter()
            .filter_map(|c| match c.to_ascii_uppercase().as_str() {
                "PCMA" => Some(AudioCodec::Pcma),
                "PCMU" => Some(AudioCodec::Pcmu),
                _ => None,
            })
            .collect();
        if !wanted.is_empty() {
            local.codecs = wanted;
        }
        Message {
            start: StartLine::Request {
                method: "INVITE".to_owned(),
                uri: format!("sip:{number}@{host}"),
            },
            headers: vec![
                ("Via".to_owned(), self.via(peer.transport)),
                ("Max-Forwards".to_owned(), "70".to_owned()),
                (
                    "From".to_owned(),
                    format!("<sip:{caller}@{host}>;tag={}", random_token()),
                ),
                ("To".to_owned(), format!("<sip:{number}@{host}>")),
                ("Call-ID".to_owned(), random_token()),
                ("CSeq".to_owned(), "1 INVITE".to_owned()),
                (
                    "Contact".to_owned(),
                    format!("<sip:{caller}@{}>", self.local_addr),
                ),
                (
                    "P-Asserted-Identity".to_owned(),
                    format!("<sip:{caller}@{host}>"),
                ),
                (
                    "Allow".to_owned(),
                    "INVITE, ACK, CANCEL, BYE, OPTIONS, INFO".to_owned(),
                ),
                ("Content-Type".to_owned(), "application/sdp".to_owned()),
                ("User-Agent".to_owned(), "Patchbay".to_owned()),
            ],
            body: sdp::write(
                &sdp::offer(local, Direction::SendRecv),
                u64::from(rand::random::<u32>()),
                1,
            ),
        }
    }

    /// The INVITE again with an answer to the carrier's 401/407 challenge in `challenge`, using
    /// the trunk's credentials; `None` when the trunk has none or the challenge is unusable.
    pub(super) fn answer_trunk_challenge(
        &self,
        t: &TrunkEntry,
        invite: &Message,
        code: u16,
        challenge: &Message,
        peer: Peer,
    ) -> Option<Message> {
        let (user, password) = (t.trunk.username.clone()?, t.password.clone()?);
        let (challenge_name, answer_name) = if code == 401 {
            ("WWW-Authenticate", "Authorization")
        } else {
            ("Proxy-Authenticate", "Proxy-Authorization")
        };
        let StartLine::Request { uri, .. } = &invite.start else {
            return None;
        };
        let answer = challenge.headers_named(challenge_name).find_map(|c| {
            sip::digest::answer(c, "INVITE", uri, &user, &password, &random_token(), 1)
        })?;
        let mut invite = invite.clone();
        let seq = invite.cseq().map(|(n, _)| n).unwrap_or(1) + 1;
        invite.set_header("CSeq", format!("{seq} INVITE"));
        invite.set_header("Via", self.via(peer.transport));
        invite
            .headers
            .retain(|(n, _)| !n.eq_ignore_ascii_case(answer_name));
        invite.headers.push((answer_name.to_owned(), answer));
        Some(invite)
    }
}
