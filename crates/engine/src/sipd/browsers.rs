//! Agents' browsers as their phones (SPEC §3, browser audio): a signed-in browser keeps one
//! WebRTC audio session with Patchbay for as long as the page is open, offered over the agent's
//! events WebSocket. Calls are bridged into it (no renegotiation per call): an offered call
//! rings on the phone bar, the agent answers there, and the session's leg joins the call's room;
//! at the end it goes back to waiting, silent. A reload or a dropped socket ends the session;
//! the page offers a new one, which takes over (and rejoins a call that was running).

use std::collections::HashMap;

use model::{EnterpriseId, Event, UserId};
use sip::Millis;
use sip::txn::Transactions;

use super::agents::AgentError;
use super::calls::{Calls, QueueState};
use crate::mediaplane::{LegId, LegMedia, LegSpec, Place};

/// One agent's browser audio session.
pub(crate) struct Browser {
    pub(super) enterprise: EnterpriseId,
    /// Its number (media events carry it).
    pub(super) session: u64,
    pub(super) leg: LegId,
    pub(super) connected: bool,
}

/// An offered call ringing on a browser (the phone bar's pop), answered there.
pub(crate) struct BrowserRing {
    pub(super) call: u64,
    pub(super) enterprise: EnterpriseId,
    pub(super) agent: UserId,
    pub(super) answered: bool,
}

/// Every browser session and every call ringing on one.
#[derive(Default)]
pub(crate) struct Browsers {
    pub(super) by_user: HashMap<UserId, Browser>,
    by_session: HashMap<u64, UserId>,
    /// Ringing or answered calls by their leg number (shared with desk-phone legs' numbers).
    pub(super) rings: HashMap<u64, BrowserRing>,
}

impl Browsers {
    /// The agent of a browser ring.
    pub(crate) fn agent_of(&self, leg: u64) -> Option<UserId> {
        self.rings.get(&leg).map(|r| r.agent)
    }

    /// The agent whose session this is.
    pub(crate) fn user_of_session(&self, session: u64) -> Option<UserId> {
        self.by_session.get(&session).copied()
    }

    /// The customer call of a browser ring.
    pub(crate) fn call_of(&self, leg: u64) -> Option<u64> {
        self.rings.get(&leg).map(|r| r.call)
    }
}

impl Calls {
    /// A browser offers its audio session: answered with our SDP; an older session of the
    /// agent's is ended, and a call the agent is talking on moves to the new one.
    pub(crate) fn browser_offer(
        &mut self,
        e: EnterpriseId,
        user: UserId,
        sdp: &str,
    ) -> Result<(u64, String), AgentError> {
        let socket = self
            .rtp_socket()
            .ok_or_else(|| AgentError::Invalid("no media ports free".to_owned()))?;
        let local = socket
            .local_addr()
            .map_err(|e| AgentError::Invalid(format!("media socket: {e}")))?;
        let (session_leg, answer) = webrtc::WebRtcLeg::accept_offer(
            std::time::Instant::now(),
            sdp,
            local,
            self.config
                .public_media
                .map(|ip| std::net::SocketAddr::new(ip, local.port())),
            self.media.certificate(),
        )
        .map_err(|err| AgentError::Invalid(err.to_string()))?;
        self.next_call += 1;
        let session = self.next_call;
        let leg = self.media.add_leg(
            LegSpec {
                call: session,
                media: LegMedia::WebRtc {
                    socket,
                    session: Box::new(session_leg),
                },
                codec: media::room::Codec::Pcmu,
                role: media::room::Role::Agent,
                rtp_timeout: self.config.rtp_timeout,
                events: self.events.clone(),
                recorder: None,
                counters: self.stats.clone(),
                report: None,
            },
            Place::Nowhere,
        );
        if let Some(old) = self.browsers.by_user.remove(&user) {
            self.browsers.by_session.remove(&old.session);
            self.media.remove_leg(old.leg);
        }
        self.browsers.by_user.insert(
            user,
            Browser {
                enterprise: e,
                session,
                leg,
                connected: false,
            },
        );
        self.browsers.by_session.insert(session, user);
        // A reload during a call: the new session takes the call over.
        if let Some(room) = self.talking_room(e, user) {
            self.media
                .place(leg, Place::Room(room, media::room::Mode::SpeakListen));
        }
        tracing::info!(agent = user.0, session, "browser audio session offered");
        Ok((session, answer))
    }

    /// The browser closed its session (or its events socket went away): only that session
    /// ends, not a newer one that replaced it.
    pub(crate) fn browser_closed(&mut self, user: UserId, session: u64) {
        if self
            .browsers
            .by_user
            .get(&user)
            .is_some_and(|b| b.session == session)
            && let Some(b) = self.browsers.by_user.remove(&user)
        {
            self.browsers.by_session.remove(&b.session);
            self.media.remove_leg(b.leg);
            self.cc.publish(
                user,
                Event::WebRtcState {
                    state: "disconnected".to_owned(),
                },
            );
            tracing::info!(agent = user.0, session, "browser audio session closed");
        }
    }

    /// The media plane says a browser session connected or lost its path.
    pub(crate) fn browser_media(&mut self, session: u64, connected: bool) {
        let Some(&user) = self.browsers.by_session.get(&session) else {
            return;
        };
        if let Some(b) = self.browsers.by_user.get_mut(&user) {
            b.connected = connected;
        }
        let state = if connected {
            "connected"
        } else {
            "disconnected"
        };
        self.cc.publish(
            user,
            Event::WebRtcState {
                state: state.to_owned(),
            },
        );
    }

    /// Whether a media event's number is a browser session's.
    pub(crate) fn is_browser_session(&self, session: u64) -> bool {
        self.browsers.by_session.contains_key(&session)
    }

    /// Rings an agent's browser with a queued call: the pop shows on the phone bar, the agent
    /// answers there (at once with auto-answer). Returns the ring's leg number.
    pub(super) fn ring_browser(
        &mut self,
        call: u64,
        enterprise: EnterpriseId,
        agent: UserId,
    ) -> Result<u64, super::agent_legs::RingError> {
        if self
            .browsers
            .by_user
            .get(&agent)
            .is_none_or(|b| b.enterprise != enterprise)
        {
            return Err(super::agent_legs::RingError::NotReachable);
        }
        self.next_call += 1;
        let id = self.next_call;
        self.browsers.rings.insert(
            id,
            BrowserRing {
                call,
                enterprise,
                agent,
                answered: false,
            },
        );
        tracing::info!(
            call,
            leg = id,
            agent = agent.0,
            "ringing the agent's browser"
        );
        Ok(id)
    }

    /// The agent answered a call ringing on the browser.
    pub(super) fn answer_in_browser(
        &mut self,
        now: Millis,
        ring: u64,
        txns: &mut Transactions,
    ) -> Result<(), AgentError> {
        let Some(r) = self.browsers.rings.get(&ring) else {
            return Err(AgentError::NoSuchCall);
        };
        let (call, e, agent) = (r.call, r.enterprise, r.agent);
        let Some(leg) = self.browsers.by_user.get(&agent).map(|b| b.leg) else {
            return Err(AgentError::Invalid(
                "the browser's audio is not connected".to_owned(),
            ));
        };
        if !self.offer_answered(now, call, ring, e, agent, txns) {
            self.browsers.rings.remove(&ring);
            return Err(AgentError::NoSuchCall);
        }
        if let Some(r) = self.browsers.rings.get_mut(&ring) {
            r.answered = true;
        }
        if let Some(room) = self.calls.get(&call).map(|c| c.room) {
            self.media.stop_play(room);
            self.media
                .place(leg, Place::Room(room, media::room::Mode::SpeakListen));
        }
        Ok(())
    }

    /// A browser ring ends (declined, withdrawn, or its call ended): the session goes back to
    /// waiting. Returns false when the leg is not a browser ring.
    pub(super) fn drop_browser_ring(&mut self, ring: u64) -> bool {
        let Some(r) = self.browsers.rings.remove(&ring) else {
            return false;
        };
        if r.answered
            && let Some(b) = self.browsers.by_user.get(&r.agent)
        {
            self.media.place(b.leg, Place::Nowhere);
        }
        true
    }

    /// The room of the call an agent is talking on, if any.
    fn talking_room(&self, e: EnterpriseId, user: UserId) -> Option<crate::mediaplane::RoomId> {
        self.calls
            .values()
            .find_map(|c| match c.queue {
                QueueState::Talking { agent, .. } if agent == user && c.enterprise == e => {
                    Some(c.room)
                }
                _ => None,
            })
            .or_else(|| self.placed.browser_room_of(user))
    }
}
