//! Carrying out what a call asks of the media plane: legs started on the sockets bound for them
//! (recorded for the customer), prompts and music in the call's room, browser sessions joining
//! and leaving, transcription.

use std::sync::Arc;

use callflow::{Input, LegId, LegRole, MediaOut, Sound};
use sip::Millis;
use sip::txn::Transactions;

use super::MediaLeg;
use crate::mediaplane::Transcribed;
use crate::mediaplane::{LegMedia, LegSpec, Place, Prompt};
use crate::sipd::agents::AgentError;
use crate::sipd::browsers::Browser;
use crate::sipd::calls::{Calls, room_codec};
use crate::sipd::transcripts::segment_of;
use model::calls::CallEvent;
use model::{EnterpriseId, Event, UserId};

impl Calls {
    pub(super) fn call_media(
        &mut self,
        now: Millis,
        id: u64,
        m: MediaOut,
        txns: &mut Transactions,
    ) {
        let Some((call, route)) = self.flows.calls.get_mut(&id) else {
            return;
        };
        // The media room the call's room maps to (made when first named).
        let main = route.room;
        let media_plane = &self.media;
        let mut room_of = |r: callflow::RoomRef| match r.0 {
            0 => main,
            _ => *route.rooms.entry(r).or_insert_with(|| media_plane.room()),
        };
        let browser_leg = |c: &Calls, user: UserId| c.browsers.by_user.get(&user).map(|s| s.leg);
        match m {
            MediaOut::StartRtp {
                leg,
                port,
                remote,
                codec,
                telephone_event,
                role,
                room,
                echo,
                record,
            } => {
                let room = room_of(room);
                let Some(socket) = route.sockets.remove(&port) else {
                    tracing::warn!(call = id, port, "no socket bound for a call's leg");
                    return;
                };
                let media = LegMedia::Rtp {
                    socket,
                    remote,
                    telephone_event,
                };
                let place = if echo {
                    Place::Echo
                } else {
                    Place::Room(room, media::room::Mode::SpeakListen)
                };
                self.start_leg(id, leg, media, room_codec(codec), role, record, place);
            }
            MediaOut::StartVisitor { leg, room } => {
                let room = room_of(room);
                let Some(media) = route.visitor.take() else {
                    return;
                };
                let place = Place::Room(room, media::room::Mode::SpeakListen);
                let codec = media::room::Codec::Pcmu;
                self.start_leg(id, leg, media, codec, LegRole::Customer, true, place);
            }
            MediaOut::SetRemote { leg, remote } => {
                if let Some(m) = route.media.get(&leg) {
                    self.media.set_remote(m.leg, remote);
                }
            }
            MediaOut::ReleasePort { port } => {
                route.sockets.remove(&port);
            }
            MediaOut::Play { sound, room } => {
                let room = room_of(room);
                let enterprise = call.enterprise();
                self.play(now, id, enterprise, room, sound, txns);
            }
            MediaOut::StopPlay { room } => {
                let room = room_of(room);
                self.media.stop_play(room);
            }
            MediaOut::Park { leg } => {
                if let Some(m) = route.media.get(&leg) {
                    self.media.place(m.leg, Place::Nowhere);
                }
            }
            MediaOut::Join { leg, room } => {
                let room = room_of(room);
                if let Some(m) = route.media.get(&leg) {
                    self.media
                        .place(m.leg, Place::Room(room, media::room::Mode::SpeakListen));
                }
            }
            MediaOut::PeerHold { leg, on } => {
                if let Some(m) = route.media.get(&leg) {
                    self.media.peer_hold(m.leg, on);
                }
            }
            MediaOut::JoinBrowser { user, room } => {
                let room = room_of(room);
                if let Some(leg) = browser_leg(self, user) {
                    self.media
                        .place(leg, Place::Room(room, media::room::Mode::SpeakListen));
                }
            }
            MediaOut::Supervisor {
                leg,
                user,
                room,
                mode,
            } => {
                let room = room_of(room);
                let mode = match mode {
                    callflow::StepIn::Listen => media::room::Mode::Listen,
                    callflow::StepIn::Whisper => media::room::Mode::SpeakToAgentOnly,
                    callflow::StepIn::Barge | callflow::StepIn::Disconnect => {
                        media::room::Mode::SpeakListen
                    }
                };
                let audio = match leg {
                    Some(l) => route.media.get(&l).map(|m| m.leg),
                    None => browser_leg(self, user),
                };
                if let Some(l) = audio {
                    self.media.place(l, Place::Room(room, mode));
                }
            }
            MediaOut::Digits { leg, digits } => {
                if let Some(m) = route.media.get(&leg) {
                    self.media.send_digits(m.leg, &digits);
                }
            }
            MediaOut::LeaveBrowser { user } => {
                // The browser's session stays, waiting for the next call.
                if let Some(leg) = browser_leg(self, user) {
                    self.media.place(leg, Place::Nowhere);
                }
            }
            MediaOut::RingbackToAgent { leg, user, room } => {
                let room = room_of(room);
                let listener = match leg {
                    Some(l) => route.media.get(&l).map(|m| m.leg),
                    None => browser_leg(self, user),
                };
                if let Some(l) = listener {
                    self.media.ringback(room, l);
                }
            }
            MediaOut::Transcribe { on } => {
                let customer = call
                    .customer_media()
                    .and_then(|(leg, at)| route.media.get(&leg).map(|m| (*m, at)));
                if let Some((m, started)) = customer {
                    super::super::transcripts::switch(&self.media, m.number, m.leg, on, started);
                }
            }
            MediaOut::RemoveLeg { leg } => {
                if let Some(m) = route.media.get(&leg) {
                    self.media.remove_leg(m.leg);
                }
            }
        }
    }

    /// Starts a leg's media on the plane; a recorded leg starts the call's recording.
    #[allow(clippy::too_many_arguments)]
    fn start_leg(
        &mut self,
        id: u64,
        leg: LegId,
        media: LegMedia,
        codec: media::room::Codec,
        role: LegRole,
        record: bool,
        place: Place,
    ) {
        let Some(key) = self.flows.get(id).map(|c| c.key().to_owned()) else {
            return;
        };
        let recorder = if record {
            self.start_recording(id)
        } else {
            None
        };
        let recording = recorder.as_ref().and_then(|_| self.last_recording_name());
        if let Some(file) = &recording {
            self.emit(model::calls::CallEvent::Recording {
                key: key.clone(),
                file: file.clone(),
            });
        }
        let report = match (record, &self.config.call_events) {
            (true, Some(tx)) => Some((key, tx.clone())),
            _ => None,
        };
        self.next_call += 1;
        let number = self.next_call;
        let spec = LegSpec {
            call: number,
            media,
            codec,
            role: match role {
                LegRole::Agent => media::room::Role::Agent,
                LegRole::Customer => media::room::Role::Customer,
            },
            rtp_timeout: self.config.rtp_timeout,
            events: self.events.clone(),
            recorder,
            counters: self.stats.clone(),
            report,
        };
        let media_leg = self.media.add_leg(spec, place);
        self.flows.by_media.insert(number, (id, leg));
        if let Some((_, r)) = self.flows.calls.get_mut(&id) {
            r.media.insert(
                leg,
                MediaLeg {
                    number,
                    leg: media_leg,
                },
            );
            if recording.is_some() {
                r.recording = recording;
            }
        }
    }

    /// Plays a sound in a call's room; a prompt that cannot be found counts as played.
    fn play(
        &mut self,
        now: Millis,
        id: u64,
        enterprise: model::EnterpriseId,
        room: crate::mediaplane::RoomId,
        sound: Sound,
        txns: &mut Transactions,
    ) {
        let (samples, loop_from) = match &sound {
            Sound::Prompt(ivr::Prompt::Builtin(name)) => (self.prompts.builtin(name), None),
            Sound::Prompt(ivr::Prompt::File(file)) => {
                let found = self.directory.prompt(enterprise, *file);
                if found.is_none() {
                    tracing::warn!(call = id, file, "uploaded prompt not found: skipped");
                }
                (found, None)
            }
            Sound::QueueMusic => (
                Some(self.prompts.queue.clone()),
                Some(self.prompts.queue_loop_from),
            ),
            Sound::TransferMusic => (self.prompts.builtin("transfer"), Some(0)),
            Sound::HoldMusic => (Some(self.prompts.hold.clone()), Some(0)),
        };
        match samples.filter(|s: &Arc<[i16]>| !s.is_empty()) {
            Some(samples) => self.media.play(
                room,
                Prompt {
                    samples,
                    loop_from,
                    notify: Some(id),
                },
            ),
            None => {
                self.media.stop_play(room);
                if matches!(sound, Sound::Prompt(_)) {
                    self.call_input(now, id, Input::PromptFinished, txns);
                }
            }
        }
    }

    /// A prompt finished in a call's room.
    pub(crate) fn prompt_done(&mut self, now: Millis, id: u64, txns: &mut Transactions) {
        self.call_input(now, id, Input::PromptFinished, txns);
    }

    /// Speech recognized on a call: to the agent talking on it, and (final) to the record.
    /// The last words of an ended call still go to its record.
    pub(crate) fn transcript(&mut self, number: u64, heard: Transcribed) {
        let Some((id, key, agent)) = self.flows.transcript_target(number) else {
            if let Some(ev) = self.transcripts.late(number, heard) {
                self.emit(ev);
            }
            return;
        };
        match heard.event {
            asr::Event::Segment(s) => {
                let segment = segment_of(heard.speaker, s);
                if segment.is_final && !segment.text.is_empty() {
                    self.emit(CallEvent::Transcript {
                        key,
                        segment: segment.clone(),
                    });
                }
                if let Some(agent) = agent {
                    let call = id.to_string();
                    self.cc.publish(agent, Event::Transcript { call, segment });
                }
            }
            asr::Event::Delayed { start_ms, end_ms } => {
                tracing::info!(call = number, speaker = ?heard.speaker, start_ms, end_ms, "transcription delayed: audio dropped");
            }
            asr::Event::Finished => {}
        }
    }

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
        let browser = Browser {
            enterprise: e,
            session,
            leg,
            connected: false,
        };
        if let Some(old) = self.browsers.replace(user, browser) {
            self.media.remove_leg(old.leg);
        }
        // A reload during a call: the new session takes the call over.
        if let Some(room) = self.flows.browser_room_of(e, user) {
            self.media
                .place(leg, Place::Room(room, media::room::Mode::SpeakListen));
        }
        tracing::info!(agent = user.0, session, "browser audio session offered");
        Ok((session, answer))
    }

    /// The browser closed its session (or its events socket went away): only that session
    /// ends, not a newer one that replaced it.
    pub(crate) fn browser_closed(&mut self, user: UserId, session: u64) {
        if let Some(b) = self.browsers.close(user, session) {
            self.media.remove_leg(b.leg);
            self.browser_gone(b.enterprise, user);
            let state = "disconnected".to_owned();
            self.cc.publish(user, Event::WebRtcState { state });
            tracing::info!(agent = user.0, session, "browser audio session closed");
        }
    }

    /// The media plane says a browser session connected or lost its path.
    pub(crate) fn browser_media(&mut self, session: u64, connected: bool) {
        let Some(user) = self.browsers.set_connected(session, connected) else {
            return;
        };
        match self.browsers.by_user.get(&user) {
            Some(_) if connected => self.browser_back(user),
            Some(b) => {
                let e = b.enterprise;
                self.browser_gone(e, user);
            }
            None => {}
        }
        let state = if connected {
            "connected"
        } else {
            "disconnected"
        }
        .to_owned();
        self.cc.publish(user, Event::WebRtcState { state });
    }
}
