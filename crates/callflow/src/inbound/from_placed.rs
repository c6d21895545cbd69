//! A call an agent placed becomes a talking call like any other once the customer answers, so
//! everything done to a call that is up (hold, transfer, consult, three-way, keypad,
//! supervision, the desk phone's transfer key) works the same on it as on a call that came in.
//! A predictive campaign's call becomes one when the customer answers, before any agent: it
//! asks the engine for a free agent of the campaign, as a queued call would.

use super::{About, AgentLeg, Inbound, Seat, Stage};
use crate::call::AgentSide;
use crate::legs::Legs;
use crate::placed::Placed;
use crate::predictive::Dialing;
use crate::{LegRole, Millis};

impl Inbound {
    /// A call whose customer leg `customer` answered and whose legs are `legs`, at `stage`,
    /// started at `started`; nothing else has happened to it in the contact center yet.
    fn answered_customer(
        spec: About,
        legs: Legs,
        customer: crate::LegId,
        stage: Stage,
        started: Millis,
    ) -> Inbound {
        Inbound {
            spec,
            legs,
            customer,
            ivr: None,
            stage,
            started,
            transcribing: false,
            held: false,
            queued_at: None,
            answered: false,
            consult: None,
            supervisor: None,
            transferred_by: None,
            refer: None,
            recall: None,
            brought: 0,
            survey: None,
            ended_by: None,
            seek: None,
            finished: false,
        }
    }

    /// The talking call a placed one becomes when the customer answered: the same legs, media
    /// and record; the agent talking since `now`. `None` until the customer has answered.
    pub(crate) fn from_placed(now: Millis, placed: &mut Placed) -> Option<Inbound> {
        if !placed.is_connected() {
            return None;
        }
        let customer = placed.customer_leg?;
        let spec = &placed.spec;
        let leg = match spec.agent_side {
            AgentSide::Browser => AgentLeg::Browser,
            _ => {
                let agent = placed
                    .legs
                    .map
                    .iter()
                    .find(|(_, l)| l.role == LegRole::Agent);
                AgentLeg::Sip(*agent?.0)
            }
        };
        let spare = Legs::new(placed.legs.local, 0);
        let legs = std::mem::replace(&mut placed.legs, spare);
        let about = About {
            id: spec.id,
            key: spec.key.clone(),
            enterprise: spec.enterprise,
            // As the agents may see it: a masking campaign's customer stays masked in every
            // offer, pop, consult and missed-call record that follows (a transfer).
            caller: placed.shown_number().to_owned(),
            number: spec.caller_number.clone(),
            transcribe: spec.transcribe,
            placed: true,
            predictive: None,
        };
        let stage = Stage::Talking {
            agent: spec.agent,
            leg,
            since: now,
            seat: Seat::Placed(spec.acd),
        };
        let started = placed.media_started.unwrap_or(now);
        let mut call = Inbound::answered_customer(about, legs, customer, stage, started);
        call.transcribing = placed.transcribing;
        call.held = placed.held;
        call.answered = true;
        Some(call)
    }

    /// The call a predictive one becomes when the customer answered: the same leg, media and
    /// record, looking for the campaign's longest-idle free agent
    /// ([`crate::AcdOut::CampaignAgent`]). `None` until the customer has answered.
    pub(crate) fn from_predictive(now: Millis, dialing: &mut Dialing) -> Option<Inbound> {
        if !dialing.answered || dialing.finished {
            return None;
        }
        let spec = &dialing.spec;
        let spare = Legs::new(dialing.legs.local, 0);
        let legs = std::mem::replace(&mut dialing.legs, spare);
        let about = About {
            id: spec.id,
            key: spec.key.clone(),
            enterprise: spec.enterprise,
            caller: spec.campaign.shown_number.clone(),
            number: spec.caller_number.clone(),
            transcribe: spec.transcribe,
            placed: true,
            predictive: Some(super::seek::Campaign {
                tag: spec.campaign.clone(),
                agents: spec.agents.clone(),
            }),
        };
        let started = dialing.media_started.unwrap_or(now);
        let mut call =
            Inbound::answered_customer(about, legs, dialing.customer, Stage::Routing, started);
        call.seek = Some(super::seek::Seek::start(now));
        call.ask_for_agent();
        Some(call)
    }
}
