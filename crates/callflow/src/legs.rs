//! What every kind of call shares: its legs, our address, its token source and its outbox, and
//! the steps on legs that do not depend on the kind of call (make a SIP leg, run a leg's SIP
//! event, start a leg's media, hang every leg up).

use std::collections::{BTreeMap, VecDeque};

use sip::msg::Message;
use sip::sdp::{AudioDesc, LocalMedia};
use sip::txn::{Peer, TxnId};

use crate::call::Input;
use crate::sipleg::{Answered, Ctx, LegEvent, Refusal, SipLeg, answer_invite, no_dialog};
use crate::{LegId, LegRole, Local, MediaOut, Output, RoomRef, Sound, Tokens};

/// The call's main room: the customer is there, and whoever talks with them.
pub(crate) const MAIN: RoomRef = RoomRef(0);

/// Where an agent's audio is in a call: a SIP leg (desk phone, mobile) or their browser's
/// session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AgentAudio {
    Sip(LegId),
    Browser(model::UserId),
}

/// Where an input goes: to one of the call's SIP legs (with what it meant there), or to the
/// call itself.
pub(crate) enum Routed {
    Leg(LegId, Option<LegEvent>),
    Call(Box<Input>),
}

/// One leg of a call.
#[derive(Debug, Clone)]
pub(crate) struct Leg {
    pub(crate) role: LegRole,
    /// Its SIP side; `None` for a leg whose signalling is not SIP (a widget visitor).
    pub(crate) sip: Option<SipLeg>,
    /// Its media started.
    pub(crate) media: bool,
    /// The peer put us on hold.
    pub(crate) held: bool,
    /// Dropped from the call: its media is gone (it may still be finishing its SIP).
    dropped: bool,
}

impl Leg {
    fn is_over(&self) -> bool {
        self.sip.as_ref().is_none_or(SipLeg::is_over)
    }
}

/// A call's legs and what it has to say.
#[derive(Debug)]
pub(crate) struct Legs {
    pub(crate) local: Local,
    pub(crate) tokens: Tokens,
    pub(crate) map: BTreeMap<LegId, Leg>,
    next: u32,
    pub(crate) out: VecDeque<Output>,
}

impl Legs {
    pub(crate) fn new(local: Local, seed: u64) -> Legs {
        Legs {
            local,
            tokens: Tokens::new(seed),
            map: BTreeMap::new(),
            next: 0,
            out: VecDeque::new(),
        }
    }

    pub(crate) fn push(&mut self, o: Output) {
        self.out.push_back(o);
    }

    pub(crate) fn media(&mut self, m: MediaOut) {
        self.out.push_back(Output::Media(m));
    }

    fn next_id(&mut self) -> LegId {
        let id = LegId(self.next);
        self.next += 1;
        id
    }

    /// A leg we call: sends `invite` to `peer`.
    pub(crate) fn call(
        &mut self,
        role: LegRole,
        peer: Peer,
        invite: Message,
        media: LocalMedia,
        credentials: Option<(String, String)>,
    ) -> LegId {
        self.add_sip(role, |ctx| {
            SipLeg::call(ctx, peer, invite, media, credentials)
        })
    }

    /// A leg that called us, answered.
    pub(crate) fn answered(&mut self, role: LegRole, peer: Peer, answered: Answered) -> LegId {
        self.add_sip(role, |ctx| SipLeg::answered(ctx, peer, answered))
    }

    /// A leg that called us, given early media until the call connects ([`SipLeg::early`]).
    pub(crate) fn early(
        &mut self,
        role: LegRole,
        peer: Peer,
        answered: Answered,
        invite: (TxnId, Message),
    ) -> LegId {
        self.add_sip(role, |ctx| {
            SipLeg::early(ctx, peer, answered, invite.0, invite.1)
        })
    }

    /// A desk phone's own INVITE answered with early media (`183` with our SDP) and its RTP
    /// started in `room`: the phone hears what plays there (ringback) until the call connects
    /// ([`SipLeg::confirm`] sends the `200 OK`). Refused when the INVITE cannot be answered.
    pub(crate) fn early_phone(
        &mut self,
        (txn, invite): (TxnId, Message),
        peer: Peer,
        media: LocalMedia,
        room: RoomRef,
    ) -> Result<LegId, Refusal> {
        let contact = self.local.at(media.addr).contact();
        let answered = answer_invite(&invite, media.clone(), &contact, &mut self.tokens)?;
        let (remote, codec, te) = (answered.remote, answered.codec, answered.telephone_event);
        let leg = self.early(LegRole::Agent, peer, answered, (txn, invite));
        if let Some(l) = self.map.get_mut(&leg) {
            l.media = true;
        }
        self.media(MediaOut::StartRtp {
            leg,
            port: media.port,
            remote,
            codec,
            telephone_event: te,
            role: LegRole::Agent,
            room,
            echo: false,
            record: false,
        });
        Ok(leg)
    }

    /// The Call-ID of a SIP leg's dialog.
    pub(crate) fn call_id(&mut self, leg: LegId) -> Option<String> {
        self.with_sip(leg, |s, _| s.call_id().map(str::to_owned))
            .flatten()
    }

    /// A new SIP leg, made by `make` with its context.
    fn add_sip(&mut self, role: LegRole, make: impl FnOnce(&mut Ctx<'_>) -> SipLeg) -> LegId {
        let id = self.next_id();
        let mut ctx = Ctx {
            leg: id,
            local: &self.local,
            tokens: &mut self.tokens,
            out: &mut self.out,
        };
        let sip = make(&mut ctx);
        self.insert(id, role, Some(sip));
        id
    }

    /// A leg signalled outside SIP (a widget visitor's WebRTC, answered over HTTP).
    pub(crate) fn other(&mut self, role: LegRole) -> LegId {
        let id = self.next_id();
        self.insert(id, role, None);
        id
    }

    fn insert(&mut self, id: LegId, role: LegRole, sip: Option<SipLeg>) {
        self.map.insert(
            id,
            Leg {
                role,
                sip,
                media: false,
                held: false,
                dropped: false,
            },
        );
    }

    pub(crate) fn role(&self, leg: LegId) -> Option<LegRole> {
        self.map.get(&leg).map(|l| l.role)
    }

    /// Runs `f` on a leg's SIP side with its context; `None` when there is no such SIP leg.
    pub(crate) fn with_sip<T>(
        &mut self,
        leg: LegId,
        f: impl FnOnce(&mut SipLeg, &mut Ctx<'_>) -> T,
    ) -> Option<T> {
        let sip = self.map.get_mut(&leg)?.sip.as_mut()?;
        let mut ctx = Ctx {
            leg,
            local: &self.local,
            tokens: &mut self.tokens,
            out: &mut self.out,
        };
        Some(f(sip, &mut ctx))
    }

    /// Runs a SIP input (a response, an in-dialog request, a timeout) on its leg: the leg and
    /// what it meant (`None`: no such SIP leg; a request then gets 481). Any other input comes
    /// back for the call to handle.
    pub(crate) fn sip_input(&mut self, input: Input) -> Routed {
        match input {
            Input::Response { leg, msg } => {
                Routed::Leg(leg, self.with_sip(leg, |l, ctx| l.on_response(ctx, &msg)))
            }
            Input::Request { leg, txn, msg } => {
                let ev = self.with_sip(leg, |l, ctx| l.on_request(ctx, txn, &msg));
                if ev.is_none() {
                    // A leg the call no longer has: the dialog is gone.
                    self.out.extend(no_dialog(txn, &msg));
                }
                Routed::Leg(leg, ev)
            }
            Input::RequestTimeout { leg } => {
                Routed::Leg(leg, self.with_sip(leg, |l, _| l.on_timeout()))
            }
            Input::Cancelled { leg } => {
                Routed::Leg(leg, self.with_sip(leg, |l, ctx| l.on_cancel(ctx)))
            }
            other => Routed::Call(Box::new(other)),
        }
    }

    /// Starts a leg's RTP from the peer's SDP in `room` (once; a later SDP only moves where it
    /// sends). Returns true when its media started now.
    pub(crate) fn start_rtp(&mut self, leg: LegId, sdp: &AudioDesc, room: RoomRef) -> bool {
        let Some(l) = self.map.get_mut(&leg) else {
            return false;
        };
        if l.media {
            self.out.push_back(Output::Media(MediaOut::SetRemote {
                leg,
                remote: sdp.rtp_addr(),
            }));
            return false;
        }
        let (Some(&(_, codec)), Some(sip)) = (sdp.codecs.first(), l.sip.as_ref()) else {
            return false;
        };
        l.media = true;
        let local = sip.local_media();
        let (port, te, role) = (local.port, local.telephone_event, l.role);
        self.media(MediaOut::StartRtp {
            leg,
            port,
            remote: Some(sdp.rtp_addr()),
            codec,
            telephone_event: sdp.telephone_event.unwrap_or(te),
            role,
            room,
            echo: false,
            record: role == LegRole::Customer,
        });
        true
    }

    /// A leg's peer moved its media or put it on hold (a re-INVITE or UPDATE). Returns whether
    /// the hold changed.
    pub(crate) fn re_offered(
        &mut self,
        leg: LegId,
        remote: std::net::SocketAddr,
        hold: bool,
    ) -> bool {
        let Some(l) = self.map.get_mut(&leg) else {
            return false;
        };
        let changed = l.held != hold;
        l.held = hold;
        let media = l.media;
        if media && changed {
            self.media(MediaOut::PeerHold { leg, on: hold });
        }
        if media && !hold {
            self.media(MediaOut::SetRemote { leg, remote });
        }
        changed
    }

    /// Puts the customer in the main room on hold (the agent's audio parked, music for the
    /// customer) or back (the music stops, the agent rejoins).
    pub(crate) fn hold_customer(&mut self, agent: AgentAudio, on: bool) {
        if on {
            match agent {
                AgentAudio::Sip(leg) => self.media(MediaOut::Park { leg }),
                AgentAudio::Browser(user) => self.media(MediaOut::LeaveBrowser { user }),
            }
            self.media(MediaOut::Play {
                room: MAIN,
                sound: Sound::HoldMusic,
            });
        } else {
            self.media(MediaOut::StopPlay { room: MAIN });
            match agent {
                AgentAudio::Sip(leg) => self.media(MediaOut::Join { leg, room: MAIN }),
                AgentAudio::Browser(user) => self.media(MediaOut::JoinBrowser { user, room: MAIN }),
            }
        }
    }

    /// Ends one leg: its media stopped (or its unused port given back), then BYE when answered
    /// or CANCEL while it rings.
    pub(crate) fn drop_leg(&mut self, leg: LegId) {
        let Some(l) = self.map.get_mut(&leg).filter(|l| !l.dropped) else {
            return;
        };
        l.dropped = true;
        match (l.media, l.sip.as_ref().map(|s| s.local_media().port)) {
            (true, _) => self.media(MediaOut::RemoveLeg { leg }),
            (false, Some(port)) => self.media(MediaOut::ReleasePort { port }),
            (false, None) => {}
        }
        self.with_sip(leg, |s, ctx| s.hang_up(ctx));
    }

    /// Ends every leg.
    pub(crate) fn drop_all(&mut self) {
        let ids: Vec<LegId> = self.map.keys().copied().collect();
        for leg in ids {
            self.drop_leg(leg);
        }
    }

    /// Whether every leg has finished.
    pub(crate) fn all_over(&self) -> bool {
        self.map.values().all(Leg::is_over)
    }
}
