//! Agents' browsers as their phones (SPEC §3, browser audio): a signed-in browser keeps one
//! WebRTC audio session with Patchbay for as long as the page is open, offered over the agent's
//! events WebSocket. Calls are bridged into it (no renegotiation per call): an offered call
//! rings on the phone bar (the call's `callflow` state), the agent answers there, and the
//! session's leg joins the call's room;
//! at the end it goes back to waiting, silent. A reload or a dropped socket ends the session;
//! the page offers a new one, which takes over (and rejoins a call that was running).

use std::collections::HashMap;

use model::{EnterpriseId, Event, UserId};

use super::agents::AgentError;
use super::calls::Calls;
use crate::mediaplane::{LegId, LegMedia, LegSpec, Place};

/// One agent's browser audio session.
pub(crate) struct Browser {
    pub(super) enterprise: EnterpriseId,
    /// Its number (media events carry it).
    pub(super) session: u64,
    pub(super) leg: LegId,
    pub(super) connected: bool,
}

/// Every browser session.
#[derive(Default)]
pub(crate) struct Browsers {
    pub(super) by_user: HashMap<UserId, Browser>,
    by_session: HashMap<u64, UserId>,
}

impl Browsers {
    /// The agent whose session this is.
    pub(crate) fn user_of_session(&self, session: u64) -> Option<UserId> {
        self.by_session.get(&session).copied()
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

    /// The room of the call an agent is talking on, if any.
    fn talking_room(&self, e: EnterpriseId, user: UserId) -> Option<crate::mediaplane::RoomId> {
        self.flows.browser_room_of(e, user)
    }
}
