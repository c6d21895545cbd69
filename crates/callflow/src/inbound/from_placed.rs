//! A call an agent placed becomes a talking call like any other once the customer answers, so
//! everything done to a call that is up (hold, transfer, consult, three-way, keypad,
//! supervision, the desk phone's transfer key) works the same on it as on a call that came in.

use super::{About, AgentLeg, Inbound, Seat, Stage};
use crate::call::AgentSide;
use crate::legs::Legs;
use crate::placed::Placed;
use crate::{LegRole, Millis};

impl Inbound {
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
        let started = placed.media_started.unwrap_or(now);
        Some(Inbound {
            spec: About {
                id: spec.id,
                key: spec.key.clone(),
                enterprise: spec.enterprise,
                // As the agents may see it: a masking campaign's customer stays masked in
                // every offer, pop, consult and missed-call record that follows (a transfer).
                caller: placed.shown_number().to_owned(),
                number: spec.caller_number.clone(),
                transcribe: spec.transcribe,
                placed: true,
            },
            legs,
            customer,
            ivr: None,
            stage: Stage::Talking {
                agent: spec.agent,
                leg,
                since: now,
                seat: Seat::Placed(spec.acd),
            },
            started,
            transcribing: placed.transcribing,
            held: placed.held,
            queued_at: None,
            answered: true,
            consult: None,
            supervisor: None,
            transferred_by: None,
            refer: None,
            recall: None,
            brought: 0,
            survey: None,
            ended_by: None,
            finished: false,
        })
    }
}
