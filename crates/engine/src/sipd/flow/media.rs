//! Carrying out what a call asks of the media plane: legs started on the sockets bound for them
//! (recorded for the customer), prompts and music in the call's room, browser sessions joining
//! and leaving, transcription.

use std::sync::Arc;

use callflow::{Input, LegId, LegRole, MediaOut, Sound};
use sip::Millis;
use sip::txn::Transactions;

use super::MediaLeg;
use crate::mediaplane::{LegMedia, LegSpec, Place, Prompt};
use crate::sipd::calls::{Calls, room_codec};
use model::UserId;

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
        let room = route.room;
        let browser_leg = |c: &Calls, user: UserId| c.browsers.by_user.get(&user).map(|s| s.leg);
        match m {
            MediaOut::StartRtp {
                leg,
                port,
                remote,
                codec,
                telephone_event,
                role,
                room: _,
                echo,
                record,
            } => {
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
            MediaOut::StartVisitor { leg, .. } => {
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
            MediaOut::Play { sound, .. } => {
                let enterprise = call.enterprise();
                self.play(now, id, enterprise, room, sound, txns);
            }
            MediaOut::StopPlay { .. } => self.media.stop_play(room),
            MediaOut::Park { leg } => {
                if let Some(m) = route.media.get(&leg) {
                    self.media.place(m.leg, Place::Nowhere);
                }
            }
            MediaOut::Join { leg, .. } => {
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
            MediaOut::JoinBrowser { user, .. } => {
                if let Some(leg) = browser_leg(self, user) {
                    self.media
                        .place(leg, Place::Room(room, media::room::Mode::SpeakListen));
                }
            }
            MediaOut::LeaveBrowser { user } => {
                // The browser's session stays, waiting for the next call.
                if let Some(leg) = browser_leg(self, user) {
                    self.media.place(leg, Place::Nowhere);
                }
            }
            MediaOut::RingbackToAgent { leg, user, .. } => {
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
                    self.switch_transcriber(m.number, m.leg, on, started);
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
}
