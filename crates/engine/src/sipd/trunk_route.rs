//! What `callflow` needs to know of Patchbay's SIP side: where it is, and a trunk as a call
//! goes out through it (the carrier's address, codecs and credentials).

use sip::sdp::AudioCodec;

use super::calls::Calls;
use super::directory::TrunkEntry;

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
