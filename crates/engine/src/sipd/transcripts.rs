//! Live transcripts of calls (SPEC §3 实时转文字): the agent (or the enterprise, for every
//! call) switches transcription on; the media plane's recognizers hear both sides from the
//! call's room; each segment goes to the agent's phone bar as it comes (partials replaced by
//! their final) and every final one to the call record, where it is searchable.

use std::collections::{HashMap, HashSet};

use model::EnterpriseId;
use model::calls::{CallEvent, TranscriptSegment, TranscriptSpeaker};

use super::calls::wall_ms;
use crate::mediaplane::{MediaPlane, Transcribed, Transcriber};

/// Who transcribes, and the ended calls whose recognizers are still finishing.
#[derive(Default)]
pub(crate) struct Transcripts {
    /// Enterprises that transcribe every answered call.
    all: HashSet<EnterpriseId>,
    /// Ended calls' media numbers → the record's key, and how many sides have finished.
    finishing: HashMap<u64, (String, u8)>,
}

impl Transcripts {
    /// Takes the enterprises that transcribe every call.
    pub(crate) fn set_all(&mut self, all: impl IntoIterator<Item = EnterpriseId>) {
        self.all = all.into_iter().collect();
    }

    /// Whether `e` transcribes every answered call.
    pub(crate) fn for_every_call(&self, e: EnterpriseId) -> bool {
        self.all.contains(&e)
    }

    /// A call that transcribed has ended: its record keeps the last words until both
    /// recognizers (on media number `number`) finish.
    pub(crate) fn finishing(&mut self, number: u64, key: String) {
        if self.finishing.len() > 10_000 {
            self.finishing.clear();
        }
        self.finishing.insert(number, (key, 0));
    }

    /// A segment of a call that ended while its recognizers finished: what its record gets.
    pub(crate) fn late(&mut self, number: u64, heard: Transcribed) -> Option<CallEvent> {
        let (key, finished) = self.finishing.get_mut(&number)?;
        match heard.event {
            asr::Event::Segment(s) if s.is_final && !s.text.is_empty() => {
                Some(CallEvent::Transcript {
                    key: key.clone(),
                    segment: segment_of(heard.speaker, s),
                })
            }
            asr::Event::Finished => {
                *finished += 1;
                if *finished >= 2 {
                    self.finishing.remove(&number);
                }
                None
            }
            _ => None,
        }
    }
}

/// Starts or stops the recognizers on a call's customer leg (they hear its whole room);
/// segment times count from `started_ms`, when the recording began. The model loads off the
/// SIP task.
pub(super) fn switch(
    media: &MediaPlane,
    call: u64,
    leg: crate::mediaplane::LegId,
    on: bool,
    started_ms: i64,
) {
    if !on {
        media.transcribe(leg, None);
        tracing::info!(call, "live transcription off");
        return;
    }
    let offset = u64::try_from(wall_ms() - started_ms).unwrap_or(0);
    let media = media.clone();
    tokio::task::spawn_blocking(
        move || match Transcriber::start(&asr::Engine::live(), offset) {
            Ok(t) => media.transcribe(leg, Some(t)),
            Err(e) => tracing::warn!(call, error = %e, "live transcription cannot start"),
        },
    );
    tracing::info!(call, "live transcription on");
}

pub(super) fn segment_of(speaker: asr::Speaker, s: asr::Segment) -> TranscriptSegment {
    TranscriptSegment {
        speaker: match speaker {
            asr::Speaker::Customer => TranscriptSpeaker::Customer,
            _ => TranscriptSpeaker::Agent,
        },
        start_ms: i64::try_from(s.start_ms).unwrap_or(i64::MAX),
        end_ms: i64::try_from(s.end_ms).unwrap_or(i64::MAX),
        text: s.text,
        confidence: s.confidence,
        is_final: s.is_final,
    }
}
