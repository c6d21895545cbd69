//! Admitting a placed call: who takes part how (desk phone, mobile through a trunk, browser),
//! the enterprise number and trunk, the RTP ports, the ACD told the agent is on the call; then
//! `callflow::Call::place` runs it.

use std::collections::HashMap;

use callflow::{AgentSide, Call, CallId, PhoneInvite, PlacedCall, PredictiveCall};
use model::presence::{AgentDevice, LoginState, PhoneState};
use model::telephony::DialResponse;
use model::{EnterpriseId, TrunkId};
use sip::Millis;
use sip::sdp::{AudioCodec, LocalMedia};
use sip::txn::{Peer, Transactions};

use super::Route;
use crate::sipd::calls::{Calls, random_token, wall_ms};
use crate::sipd::register::NoDeskPhone;
use crate::sipd::{DialCommand, DialError, PredictCommand};

/// A call the agent dialled on their desk phone: its INVITE, from where.
pub(super) struct FromPhone {
    pub(super) peer: Peer,
    pub(super) invite: PhoneInvite,
}

/// A call to place: agent `who` calls `number` showing `wanted` (or the enterprise's rule),
/// from the desk phone that dialled it or in the agent's audio mode, maybe for a campaign.
pub(super) struct Placing<'a> {
    pub(super) who: (EnterpriseId, model::UserId),
    pub(super) number: &'a str,
    pub(super) wanted: Option<&'a str>,
    pub(super) from_phone: Option<FromPhone>,
    pub(super) campaign: Option<callflow::CampaignTag>,
}

/// Why a call cannot be placed: the API's reasons, or the phone's INVITE cannot be answered.
pub(super) enum PlaceError {
    Dial(DialError),
    Invite(callflow::Refusal),
}

impl From<DialError> for PlaceError {
    fn from(e: DialError) -> Self {
        PlaceError::Dial(e)
    }
}

impl Calls {
    /// Starts a placed call and replies to the API with its number or why it cannot be placed.
    pub(crate) fn dial(&mut self, now: Millis, cmd: DialCommand, txns: &mut Transactions) {
        let result = self
            .place_call(
                now,
                Placing {
                    who: (cmd.enterprise, cmd.user),
                    number: &cmd.number,
                    wanted: cmd.caller_number.as_deref(),
                    from_phone: None,
                    campaign: cmd.campaign.clone(),
                },
                txns,
            )
            .map_err(|e| match e {
                PlaceError::Dial(e) => e,
                PlaceError::Invite(_) => DialError::Stopped,
            });
        let _ = cmd.reply.send(result);
    }

    /// Places agent `who`'s call to `number` showing `wanted` (or the enterprise's rule), in
    /// the agent's audio mode, or from the desk phone that dialled it; a campaign's call says
    /// whose customer it is.
    pub(super) fn place_call(
        &mut self,
        now: Millis,
        placing: Placing<'_>,
        txns: &mut Transactions,
    ) -> Result<DialResponse, PlaceError> {
        let Placing {
            who: (e, user),
            number,
            wanted,
            from_phone,
            campaign,
        } = placing;
        let presence = self.cc.presence(e, user, wall_ms());
        if presence.login == LoginState::Offline {
            return Err(DialError::NotSignedIn.into());
        }
        if !self.has_line_for(e) {
            return Err(DialError::CallLimit(
                self.directory
                    .limits(e)
                    .concurrent_calls
                    .unwrap_or_default(),
            )
            .into());
        }
        let device = presence.device;
        let (caller_number, trunk) = self.outbound_route(e, wanted)?;
        let route = self
            .trunk_links
            .route(&self.directory, trunk)
            .ok_or(DialError::NoTrunk)?;
        let mut sockets = HashMap::new();
        let mut trunks = vec![trunk];
        // How the agent joins: a SIP leg to ring first (desk phone or mobile), or the browser.
        let agent_side = match device {
            // The phone that dialled takes part, whatever the agent's audio mode.
            _ if from_phone.is_some() => {
                let phone = self
                    .registrar
                    .desk_phone_of(now, &self.directory, e, user)
                    .map_err(|_| DialError::NotRegistered)?;
                let peer = from_phone.as_ref().map_or(phone.peer, |f| f.peer);
                let socket = self.rtp_socket().ok_or(DialError::NoMediaPorts)?;
                let at = self.advertised(peer.addr.ip(), None);
                let media = self.local_media_of(&socket, at);
                sockets.insert(media.port, socket);
                AgentSide::DeskPhone {
                    peer,
                    contact: phone.contact,
                    username: phone.username,
                    media,
                }
            }
            Some(AgentDevice::Browser) => {
                if self
                    .browsers
                    .by_user
                    .get(&user)
                    .is_none_or(|b| b.enterprise != e)
                {
                    return Err(DialError::BrowserNotConnected.into());
                }
                AgentSide::Browser
            }
            Some(AgentDevice::Mobile) => {
                let mobile = self
                    .directory
                    .mobile_of(e, user)
                    .ok_or(DialError::NoMobile)?
                    .to_owned();
                let socket = self.rtp_socket().ok_or(DialError::NoMediaPorts)?;
                let at = self.advertised(route.peer.addr.ip(), Some(trunk));
                let media = self.local_media_of(&socket, at);
                sockets.insert(media.port, socket);
                trunks.push(trunk);
                AgentSide::Mobile {
                    route: route.clone(),
                    number: mobile,
                    media,
                }
            }
            _ => {
                let phone = self
                    .registrar
                    .desk_phone_of(now, &self.directory, e, user)
                    .map_err(|m| match m {
                        NoDeskPhone::NoAccount => DialError::NoSipAccount,
                        NoDeskPhone::NotRegistered => DialError::NotRegistered,
                    })?;
                let socket = self.rtp_socket().ok_or(DialError::NoMediaPorts)?;
                let at = self.advertised(phone.peer.addr.ip(), None);
                let media = self.local_media_of(&socket, at);
                sockets.insert(media.port, socket);
                AgentSide::DeskPhone {
                    peer: phone.peer,
                    contact: phone.contact,
                    username: phone.username,
                    media,
                }
            }
        };
        let customer_socket = self.rtp_socket().ok_or(DialError::NoMediaPorts)?;
        let at = self.advertised(route.peer.addr.ip(), Some(trunk));
        let customer_media = self.local_media_of(&customer_socket, at);
        sockets.insert(customer_media.port, customer_socket);
        self.next_call += 1;
        let id = self.next_call;
        let spec = PlacedCall {
            id: CallId(id),
            key: format!("{}-{id}", random_token()),
            enterprise: e,
            agent: user,
            agent_side,
            number: number.to_owned(),
            caller_number: caller_number.clone(),
            route,
            customer_media,
            // An agent who dialed while busy is busy again afterwards; otherwise idle.
            acd: device
                .is_some()
                .then_some(presence.phone != PhoneState::Busy),
            transcribe: self.transcripts.for_every_call(e),
            from_phone: from_phone.as_ref().map(|f| f.invite.clone()),
            campaign,
        };
        let call = match &from_phone {
            None => Call::place(wall_ms(), spec, self.local(), rand::random()),
            Some(_) => Call::place_from_phone(wall_ms(), spec, self.local(), rand::random())
                .map_err(PlaceError::Invite)?,
        };
        // A signed-in agent is on this call until it ends: no inbound offers meanwhile.
        if device.is_some() {
            self.cc
                .acd(e)
                .handle(
                    wall_ms(),
                    acd::Command::Dial {
                        agent: crate::sipd::cc::agent_id(user),
                        call: acd::CallId(id),
                    },
                )
                .map_err(|_| DialError::InCall)?;
            self.drain_acd(now, e, txns);
        }
        tracing::info!(call = id, agent = user.0, number = %number, caller = %caller_number, ?device, phone = from_phone.is_some(), "placing a call");
        let mut route = Route::new(self.media.room());
        route.sockets = sockets;
        route.trunks = trunks;
        // The phone's INVITE belongs to the phone's leg (its ACK, or its lack).
        if let (Some(f), Some(leg)) = (&from_phone, call.agent_sip_leg()) {
            self.flows.by_txn.insert(f.invite.txn, (id, leg));
            route.invites.insert(leg, f.invite.txn);
        }
        self.start_call(now, call, route, txns);
        Ok(DialResponse {
            call_id: id,
            caller_number,
            trunk_id: trunk,
        })
    }

    /// Places a predictive campaign's call (the customer first, no agent yet) and replies with
    /// its number or why it cannot be placed.
    pub(crate) fn predict(&mut self, now: Millis, cmd: PredictCommand, txns: &mut Transactions) {
        let result = self.place_predictive(now, &cmd, txns);
        let _ = cmd.reply.send(result);
    }

    fn place_predictive(
        &mut self,
        now: Millis,
        cmd: &PredictCommand,
        txns: &mut Transactions,
    ) -> Result<DialResponse, DialError> {
        let e = cmd.enterprise;
        if !self.has_line_for(e) {
            let limit = self.directory.limits(e).concurrent_calls;
            return Err(DialError::CallLimit(limit.unwrap_or_default()));
        }
        let (caller_number, trunk) = self.outbound_route(e, cmd.caller_number.as_deref())?;
        let route = self
            .trunk_links
            .route(&self.directory, trunk)
            .ok_or(DialError::NoTrunk)?;
        let socket = self.rtp_socket().ok_or(DialError::NoMediaPorts)?;
        let at = self.advertised(route.peer.addr.ip(), Some(trunk));
        let customer_media = self.local_media_of(&socket, at);
        self.next_call += 1;
        let id = self.next_call;
        let mut sockets = HashMap::new();
        sockets.insert(customer_media.port, socket);
        let spec = PredictiveCall {
            id: CallId(id),
            key: format!("{}-{id}", random_token()),
            enterprise: e,
            number: cmd.number.clone(),
            caller_number: caller_number.clone(),
            route,
            customer_media,
            transcribe: self.transcripts.for_every_call(e),
            campaign: cmd.campaign.clone(),
            agents: cmd.agents.clone(),
        };
        let call = Call::predict(wall_ms(), spec, self.local(), rand::random());
        tracing::info!(call = id, number = %cmd.number, caller = %caller_number, customer = cmd.campaign.customer, "placing a predictive call");
        let mut route = Route::new(self.media.room());
        route.sockets = sockets;
        route.trunks = vec![trunk];
        self.start_call(now, call, route, txns);
        Ok(DialResponse {
            call_id: id,
            caller_number,
            trunk_id: trunk,
        })
    }

    /// The enterprise number to show and the working trunk to call out on.
    fn outbound_route(
        &self,
        e: EnterpriseId,
        wanted: Option<&str>,
    ) -> Result<(String, TrunkId), DialError> {
        let usable: Vec<TrunkId> = self
            .directory
            .trunks()
            .map(|t| t.trunk.id)
            .filter(|t| self.trunk_usable(*t))
            .collect();
        self.directory
            .outbound(e, wanted, |t| usable.contains(&t))
            .map(|(n, t)| (n, t.trunk.id))
            .ok_or(DialError::NoTrunk)
    }

    /// The media of a leg on socket `s`, advertised at `addr`.
    pub(super) fn local_media_of(
        &self,
        s: &std::net::UdpSocket,
        addr: std::net::IpAddr,
    ) -> LocalMedia {
        LocalMedia {
            addr,
            port: s.local_addr().map(|a| a.port()).unwrap_or_default(),
            codecs: vec![AudioCodec::Pcma, AudioCodec::Pcmu],
            telephone_event: 101,
        }
    }
}
