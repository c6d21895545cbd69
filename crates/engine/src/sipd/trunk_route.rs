//! What `callflow` needs to know of Patchbay's SIP side: where it is, and a trunk as a call
//! goes out through it (the carrier's address, codecs and credentials).

use sip::sdp::AudioCodec;

use super::directory::{Directory, TrunkEntry};
use super::trunks::TrunkLinks;

impl TrunkLinks {
    /// A trunk as `callflow` calls through it: its carrier's address, codecs and credentials.
    pub(super) fn route(
        &self,
        directory: &Directory,
        trunk: model::TrunkId,
    ) -> Option<callflow::TrunkRoute> {
        let t = directory.trunk(trunk)?;
        route_of(t, self.peer(t)?)
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

fn route_of(t: &TrunkEntry, peer: sip::txn::Peer) -> Option<callflow::TrunkRoute> {
    Some(callflow::TrunkRoute {
        trunk: t.trunk.id,
        peer,
        host: format!("{}:{}", t.trunk.host, t.trunk.port),
        codecs: codecs_of(t),
        credentials: t.trunk.username.clone().zip(t.password.clone()),
    })
}
