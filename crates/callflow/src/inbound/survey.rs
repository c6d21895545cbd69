//! The satisfaction survey (满意度调查, SPEC §6): when the agent hangs up first on a call that
//! queued in a group with the survey on, the customer stays on the line, hears the survey
//! prompt and rates the call by pressing 1–5. The agent is free at once; the record gets the
//! rating, or "no answer" when the customer hangs up, presses nothing in time or keeps pressing
//! other keys.

use model::calls::{CallEvent, HangupSide};

use super::{Inbound, Stage};
use crate::legs::MAIN;
use crate::{MediaOut, Millis, Output, Sound};

/// How long the customer has to press a key once the prompt has played.
pub(crate) const WAIT_MS: Millis = 10_000;

/// How many times the prompt plays before the survey counts as not answered (the first time,
/// then again after each key that is not 1–5).
const PLAYS: u8 = 3;

/// The survey under way: how often its prompt has played and, once the last play ended, until
/// when a key is awaited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Survey {
    plays: u8,
    until: Option<Millis>,
}

impl Inbound {
    /// The talking agent hangs up: the survey when the call's group has one, otherwise the end
    /// of the call.
    pub(super) fn agent_hung_up(&mut self, now: Millis) {
        let (
            Some(prompt),
            Stage::Talking {
                agent,
                leg,
                since,
                seat,
            },
        ) = (self.survey.clone(), self.stage)
        else {
            return self.end(now, HangupSide::Agent);
        };
        self.supervisor_leaves(now, "call_ended");
        self.stage = Stage::Survey(Survey {
            plays: 1,
            until: None,
        });
        self.agent_leaves(now, agent, leg, since, seat);
        if let super::AgentLeg::Sip(l) = leg {
            self.legs.drop_leg(l);
        }
        self.held = false;
        self.ended_by = Some(HangupSide::Agent);
        self.play(Sound::Prompt(prompt));
    }

    /// A key the customer pressed during the survey: 1–5 rates the call (thanks, then the call
    /// ends); any other key plays the prompt again, up to its last play.
    pub(super) fn survey_digit(&mut self, now: Millis, digit: char) {
        let Stage::Survey(s) = self.stage else {
            return;
        };
        match digit.to_digit(10).and_then(|d| u8::try_from(d).ok()) {
            Some(rating @ 1..=5) => {
                self.survey_result(Some(rating));
                self.stage = Stage::Goodbye;
                self.play(Sound::Prompt(ivr::Prompt::builtin(
                    ivr::Builtin::SurveyThanks,
                )));
            }
            _ if s.plays >= PLAYS => self.end(now, HangupSide::Agent),
            _ => {
                self.stage = Stage::Survey(Survey {
                    plays: s.plays + 1,
                    until: None,
                });
                if let Some(prompt) = self.survey.clone() {
                    self.legs.media(MediaOut::StopPlay { room: MAIN });
                    self.play(Sound::Prompt(prompt));
                }
            }
        }
    }

    /// The survey prompt has played: the customer has [`WAIT_MS`] to press a key.
    pub(super) fn survey_prompt_played(&mut self, now: Millis) {
        if let Stage::Survey(s) = &mut self.stage {
            s.until.get_or_insert(now + WAIT_MS);
        }
    }

    /// When the survey stops waiting for a key.
    pub(super) fn survey_deadline(&self) -> Option<Millis> {
        match self.stage {
            Stage::Survey(s) => s.until,
            _ => None,
        }
    }

    /// No key in time: the call ends without a rating.
    pub(super) fn survey_timeout(&mut self, now: Millis) {
        if self.survey_deadline().is_some_and(|at| at <= now) {
            self.end(now, HangupSide::Agent);
        }
    }

    /// The record's survey result.
    pub(super) fn survey_result(&mut self, rating: Option<u8>) {
        self.legs.push(Output::Record(CallEvent::Survey {
            key: self.spec.key.clone(),
            rating,
        }));
    }
}
