//! Live transcripts of calls (SPEC §3 实时转文字): the agent (or the enterprise, for every
//! call) switches transcription on; the media plane's recognizers hear both sides from the
//! call's room; each segment goes to the agent's phone bar as it comes (partials replaced by
//! their final) and every final one to the call record, where it is searchable.

use model::Event;
use model::calls::{CallEvent, TranscriptSegment, TranscriptSpeaker};

use super::calls::{Calls, wall_ms};
use crate::mediaplane::{Transcribed, Transcriber};

impl Calls {
    /// Starts or stops the recognizers on a call's customer leg (they hear its whole room);
    /// segment times count from `started_ms`, when the recording began.
    pub(super) fn switch_transcriber(
        &self,
        call: u64,
        leg: crate::mediaplane::LegId,
        on: bool,
        started_ms: i64,
    ) {
        if !on {
            self.media.transcribe(leg, None);
            tracing::info!(call, "live transcription off");
            return;
        }
        let offset = u64::try_from(wall_ms() - started_ms).unwrap_or(0);
        let media = self.media.clone();
        tokio::task::spawn_blocking(move || {
            match Transcriber::start(&asr::Engine::live(), offset) {
                Ok(t) => media.transcribe(leg, Some(t)),
                Err(e) => tracing::warn!(call, error = %e, "live transcription cannot start"),
            }
        });
        tracing::info!(call, "live transcription on");
    }

    /// Speech recognized on a call: to the agent talking on it, and (final) to the record.
    /// The last words of an ended call still go to its record.
    pub(crate) fn transcript(&mut self, call: u64, heard: Transcribed) {
        let Some((id, key, agent)) = self.flows.transcript_target(call) else {
            self.late_transcript(call, heard);
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
                    self.cc.publish(
                        agent,
                        Event::Transcript {
                            call: id.to_string(),
                            segment,
                        },
                    );
                }
            }
            asr::Event::Delayed { start_ms, end_ms } => {
                tracing::info!(call, speaker = ?heard.speaker, start_ms, end_ms, "transcription delayed: audio dropped");
            }
            asr::Event::Finished => {}
        }
    }

    /// A segment of a call that ended while its recognizers finished.
    fn late_transcript(&mut self, call: u64, heard: Transcribed) {
        let Some((key, finished)) = self.finishing_transcripts.get_mut(&call) else {
            return;
        };
        match heard.event {
            asr::Event::Segment(s) if s.is_final && !s.text.is_empty() => {
                let key = key.clone();
                self.emit(CallEvent::Transcript {
                    key,
                    segment: segment_of(heard.speaker, s),
                });
            }
            asr::Event::Finished => {
                *finished += 1;
                if *finished >= 2 {
                    self.finishing_transcripts.remove(&call);
                }
            }
            _ => {}
        }
    }
}

fn segment_of(speaker: asr::Speaker, s: asr::Segment) -> TranscriptSegment {
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
