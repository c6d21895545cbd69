//! The ACD's offers of an inbound call: the agent's device rings (desk phone, mobile through a
//! trunk, or the phone bar), the pop shows, and the agent who answers is bridged with the
//! customer; a ring that ends goes back to the ACD.

use model::calls::CallEvent;
use model::{Event, UserId};

use super::{AgentLeg, Inbound, Seat, Stage};
use crate::call::{AgentSide, CallError, Ring};
use crate::legs::MAIN;
use crate::{AcdOut, LegRole, MediaOut, Millis, Output};

impl Inbound {
    /// The agent answered the call ringing in their browser.
    pub(super) fn answer_in_browser(
        &mut self,
        now: Millis,
        agent: UserId,
    ) -> Result<(), CallError> {
        match self.stage {
            Stage::Waiting {
                ring: Some((a, AgentLeg::Browser)),
                ..
            } if a == agent => {
                self.agent_answered(now, agent, AgentLeg::Browser);
                Ok(())
            }
            _ => Err(CallError::NotTheAgents),
        }
    }

    /// The ACD offers the call to an agent: their device rings and the pop shows.
    pub(super) fn offer(&mut self, now: Millis, ring: Ring) {
        if !matches!(self.stage, Stage::Waiting { ring: None, .. }) {
            // Not waiting (any more): the agent's offer goes back.
            self.legs.push(Output::Acd(AcdOut::Reject {
                agent: ring.agent,
                reason: "device_failed",
            }));
            return;
        }
        let agent = ring.agent;
        let leg = self.ring_device(ring.device, &ring.caller_id, ring.auto_answer);
        self.stage = Stage::Waiting {
            rang: true,
            ring: Some((agent, leg)),
        };
        let offer = model::presence::Offer {
            call: self.spec.id.to_string(),
            caller: self.spec.caller.clone(),
            enterprise_number: self.spec.number.clone(),
            group_id: ring.group,
            group_name: ring.group_name,
            auto_answer: ring.auto_answer,
            // Number location and call history are filled in by the events socket (the API has
            // the store).
            customer_name: None,
            location: None,
            previous_calls: 0,
            last_call_at: None,
            consult_by: None,
            consult_from: None,
            transferred_by: self.transferred_by,
            // The engine fills in the colleague's name.
            transferred_from: None,
        };
        self.tell(agent, Event::Ringing { offer });
        if ring.auto_answer && leg == AgentLeg::Browser {
            self.agent_answered(now, agent, leg);
        }
    }

    /// Rings an agent's device for the call: an INVITE to their desk phone (answering at once
    /// on auto-answer) or their mobile through a trunk, or the ringing pop in their browser.
    pub(super) fn ring_device(
        &mut self,
        device: AgentSide,
        caller_id: &str,
        auto_answer: bool,
    ) -> AgentLeg {
        match device {
            AgentSide::DeskPhone {
                peer,
                contact,
                username,
                media,
            } => {
                let l = &mut self.legs;
                let mut invite = l.local.desk_phone_invite(
                    &contact,
                    &username,
                    &self.spec.caller,
                    peer,
                    &media,
                    &mut l.tokens,
                );
                if auto_answer {
                    invite.headers.push((
                        "Call-Info".to_owned(),
                        "<sip:patchbay>;answer-after=0".to_owned(),
                    ));
                }
                AgentLeg::Sip(l.call(LegRole::Agent, peer, invite, media, None))
            }
            AgentSide::Mobile {
                route,
                number,
                mut media,
            } => {
                let l = &mut self.legs;
                let invite =
                    l.local
                        .trunk_invite(&route, &number, caller_id, &mut media, &mut l.tokens);
                let credentials = route.credentials.clone();
                AgentLeg::Sip(l.call(LegRole::Agent, route.peer, invite, media, credentials))
            }
            AgentSide::Browser => AgentLeg::Browser,
        }
    }

    /// Stops ringing an agent. Returns false when the call was not ringing them.
    pub(super) fn drop_ring(&mut self, agent: UserId) -> bool {
        let Stage::Waiting {
            rang,
            ring: Some((a, leg)),
        } = self.stage
        else {
            return false;
        };
        if a != agent {
            return false;
        }
        if let AgentLeg::Sip(leg) = leg {
            self.legs.drop_leg(leg);
        }
        self.stage = Stage::Waiting { rang, ring: None };
        true
    }

    /// The agent answered: the ACD hears of it, the record names them, the music stops and
    /// the agent joins the customer's room.
    pub(super) fn agent_answered(&mut self, now: Millis, agent: UserId, leg: AgentLeg) {
        self.stage = Stage::Talking {
            agent,
            leg,
            since: now,
            seat: Seat::Queue,
        };
        self.answered = true;
        self.recall = None;
        self.legs.push(Output::Record(CallEvent::AgentAnswered {
            key: self.spec.key.clone(),
            agent,
        }));
        self.answered_record(now);
        let call = self.spec.id.to_string();
        self.tell(
            agent,
            Event::OfferEnded {
                call: call.clone(),
                reason: "answered".to_owned(),
            },
        );
        let caller = self.spec.caller.clone();
        if let Some(tag) = self.spec.predictive.as_ref().map(|c| c.tag.clone()) {
            // A predictive campaign's customer: the pop names the campaign and the customer.
            self.tell(
                agent,
                Event::CampaignCall {
                    call: call.clone(),
                    campaign_id: tag.pop.campaign,
                    campaign_name: tag.pop.campaign_name,
                    customer_id: tag.customer,
                    customer_name: tag.pop.customer_name,
                    number: caller.clone(),
                },
            );
        }
        self.tell(agent, Event::CallConnected { call, caller });
        // The phone bar hears of the call before the presence the ACD publishes for it.
        self.legs.push(Output::Acd(AcdOut::Answer { agent }));
        self.legs.media(MediaOut::StopPlay { room: MAIN });
        if leg == AgentLeg::Browser {
            self.legs.media(MediaOut::JoinBrowser {
                user: agent,
                room: MAIN,
            });
        }
        if self.spec.transcribe {
            let _ = self.set_transcription(true);
        }
    }
}
