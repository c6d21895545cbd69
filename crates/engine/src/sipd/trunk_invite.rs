//! Requests that start legs, for the paths not yet moved into `callflow` (inbound forwarding,
//! desk phones ringing with queued calls): thin wrappers over `callflow::Local`'s builders with a
//! fresh token source, and the trunk route `callflow` calls through.

use sip::msg::Message;
use sip::sdp::{AudioCodec, LocalMedia};
use sip::txn::Peer;

use super::calls::Calls;
use super::directory::TrunkEntry;

/// A token source for one request (tags, branch, Call-ID) from the OS's randomness.
fn tokens() -> callflow::Tokens {
    callflow::Tokens::new(rand::random())
}

impl Calls {
    /// Where Patchbay is, for `callflow`.
    pub(super) fn local(&self) -> callflow::Local {
        callflow::Local {
            sip: self.local_addr,
        }
    }

    /// A trunk as `callflow` calls through it: its carrier's address, codecs and credentials.
    pub(super) fn trunk_route(&self, trunk: model::TrunkId) -> Option<callflow::TrunkRoute> {
        let t = self.directory.trunk(trunk)?;
        route_of(t, &self.trunk_addrs)
    }

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
        let mut route = route_of(t, &self.trunk_addrs).unwrap_or_else(|| callflow::TrunkRoute {
            trunk: t.trunk.id,
            peer,
            host: format!("{}:{}", t.trunk.host, t.trunk.port),
            codecs: codecs_of(t),
            credentials: None,
        });
        route.peer = peer;
        self.local()
            .trunk_invite(&route, number, caller, local, &mut tokens())
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
        let (user, password) = (t.trunk.username.as_deref()?, t.password.as_deref()?);
        self.local().answer_challenge(
            invite,
            code,
            challenge,
            (user, password),
            peer,
            &mut tokens(),
        )
    }

    /// Builds the INVITE that rings a desk phone, showing `display` as the caller.
    pub(super) fn desk_phone_invite(
        &self,
        contact: &str,
        username: &str,
        display: &str,
        peer: Peer,
        local: &LocalMedia,
    ) -> Message {
        self.local()
            .desk_phone_invite(contact, username, display, peer, local, &mut tokens())
    }
}

fn codecs_of(t: &TrunkEntry) -> Vec<AudioCodec> {
    t.trunk
        .codecs
        .iter()
        .filter_map(|c| match c.to_ascii_uppercase().as_str() {
            "PCMA" => Some(AudioCodec::Pcma),
            "PCMU" => Some(AudioCodec::Pcmu),
            _ => None,
        })
        .collect()
}

fn route_of(
    t: &TrunkEntry,
    addrs: &std::collections::HashMap<model::TrunkId, std::net::SocketAddr>,
) -> Option<callflow::TrunkRoute> {
    Some(callflow::TrunkRoute {
        trunk: t.trunk.id,
        peer: super::trunks::trunk_peer(t, addrs)?,
        host: format!("{}:{}", t.trunk.host, t.trunk.port),
        codecs: codecs_of(t),
        credentials: t.trunk.username.clone().zip(t.password.clone()),
    })
}
