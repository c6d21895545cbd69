//! Starting a placed call in the agent's audio mode: who rings first (desk phone, mobile through
//! a trunk) or the browser joining at once, the enterprise number and trunk, the ACD told the
//! agent is on the call, the call record started.

use super::{Bridge, Leg, Side};
use crate::mediaplane::Place;
use crate::sipd::calls::{Calls, random_token};
use crate::sipd::register::NoDeskPhone;
use crate::sipd::trunks::trunk_peer;
use crate::sipd::{DialCommand, DialError};
use model::presence::{AgentDevice, LoginState, PhoneState};
use model::telephony::DialResponse;
use model::{EnterpriseId, TrunkId};
use sip::Millis;
use sip::sdp::{AudioCodec, LocalMedia};
use sip::txn::Transactions;

impl Calls {
    /// Starts a placed call: rings the agent's desk phone.
    pub(crate) async fn dial(&mut self, now: Millis, cmd: DialCommand, txns: &mut Transactions) {
        let result = self.start_dial(now, &cmd, txns).await;
        let _ = cmd.reply.send(result);
    }

    async fn start_dial(
        &mut self,
        now: Millis,
        cmd: &DialCommand,
        txns: &mut Transactions,
    ) -> Result<DialResponse, DialError> {
        let (e, user) = (cmd.enterprise, cmd.user);
        let presence = self.cc.presence(e, user, crate::sipd::calls::wall_ms());
        let device = presence
            .device
            .filter(|_| presence.login != LoginState::Offline);
        let (caller_number, trunk) = self.outbound_route(e, cmd.caller_number.as_deref())?;
        // How the agent joins: a SIP leg to ring first (desk phone or mobile), or the browser.
        let mut agent_trunk = None;
        let agent_sip = match device {
            Some(AgentDevice::Browser) => {
                if self
                    .browsers
                    .by_user
                    .get(&user)
                    .is_none_or(|b| b.enterprise != e)
                {
                    return Err(DialError::BrowserNotConnected);
                }
                None
            }
            Some(AgentDevice::Mobile) => {
                let mobile = self
                    .directory
                    .mobile_of(e, user)
                    .ok_or(DialError::NoMobile)?
                    .to_owned();
                let t = self
                    .directory
                    .trunk(trunk)
                    .cloned()
                    .ok_or(DialError::NoTrunk)?;
                let peer = trunk_peer(&t, &self.trunk_addrs).ok_or(DialError::NoTrunk)?;
                let socket = self.rtp_socket().ok_or(DialError::NoMediaPorts)?;
                let mut local = self.local_media_of(&socket);
                let invite = self.trunk_invite(&t, &mobile, &caller_number, peer, &mut local);
                agent_trunk = Some(trunk);
                Some((peer, invite, local, socket))
            }
            _ => {
                let phone = self.desk_phone_of(now, e, user).map_err(|m| match m {
                    NoDeskPhone::NoAccount => DialError::NoSipAccount,
                    NoDeskPhone::NotRegistered => DialError::NotRegistered,
                })?;
                let peer = phone.peer;
                let socket = self.rtp_socket().ok_or(DialError::NoMediaPorts)?;
                let local = self.local_media_of(&socket);
                let invite = self.desk_phone_invite(
                    &phone.contact,
                    &phone.username,
                    &cmd.number,
                    peer,
                    &local,
                );
                Some((peer, invite, local, socket))
            }
        };
        let customer_socket = self.rtp_socket().ok_or(DialError::NoMediaPorts)?;
        let customer_local = self.local_media_of(&customer_socket);
        self.next_call += 1;
        let id = self.next_call;
        // A signed-in agent is on this call until it ends: no inbound offers meanwhile.
        let acd_call = device.is_some();
        if acd_call {
            self.cc
                .acd(e)
                .handle(
                    crate::sipd::calls::wall_ms(),
                    acd::Command::Dial {
                        agent: crate::sipd::cc::agent_id(user),
                        call: acd::CallId(id),
                    },
                )
                .map_err(|_| DialError::InCall)?;
            self.drain_acd(now, e, txns);
        }
        let key = format!("{}-{id}", random_token());
        self.emit(model::calls::CallEvent::Started {
            key: key.clone(),
            enterprise: e,
            direction: model::calls::CallDirection::AgentOutbound,
            caller: caller_number.clone(),
            callee: cmd.number.clone(),
            enterprise_number: Some(caller_number.clone()),
            agent: Some(user),
            at: crate::sipd::calls::wall_ms(),
        });
        let agent = agent_sip.map(|(peer, invite, local, socket)| {
            let txn = txns.send_request(now, peer, invite.clone());
            self.bridges.by_txn.insert(txn, (id, Side::Agent));
            Leg::ringing(peer, invite, txn, local, socket)
        });
        let browser = agent.is_none();
        // An agent who dialed while busy is busy again afterwards; otherwise idle.
        let then_idle = presence.phone != PhoneState::Busy;
        let room = self.media.room();
        self.bridges.bridges.insert(
            id,
            Bridge {
                enterprise: e,
                user,
                number: cmd.number.clone(),
                caller_number: caller_number.clone(),
                trunk,
                agent_trunk,
                key,
                agent,
                customer: None,
                customer_media: Some((customer_socket, customer_local)),
                room,
                acd_call: acd_call.then_some(then_idle),
                connected: false,
                media_started_ms: None,
                transcribing: false,
            },
        );
        if browser {
            if let Some(leg) = self.browsers.by_user.get(&user).map(|b| b.leg) {
                self.media
                    .place(leg, Place::Room(room, media::room::Mode::SpeakListen));
                self.media.ringback(room, leg);
            }
            tracing::info!(call = id, agent = user.0, number = %cmd.number, caller = %caller_number, "placing a call from the browser");
            self.call_customer(now, id, txns);
        } else {
            tracing::info!(call = id, agent = user.0, number = %cmd.number, caller = %caller_number, mobile = agent_trunk.is_some(), "placing a call: ringing the agent first");
        }
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

    fn local_media_of(&self, s: &std::net::UdpSocket) -> LocalMedia {
        LocalMedia {
            addr: self.local_addr.ip(),
            port: s.local_addr().map(|a| a.port()).unwrap_or_default(),
            codecs: vec![AudioCodec::Pcma, AudioCodec::Pcmu],
            telephone_event: 101,
        }
    }
}
