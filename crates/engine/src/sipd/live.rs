//! The call each agent is on, as the real-time monitor shows it (SPEC §4), followed from the
//! events the calls already send their agents: an offer rings (inbound, with its group), the call
//! connects (an outbound call when nothing rang), is held or resumed, goes into a consult and
//! out of it, and ends.

use std::collections::HashMap;

use model::presence::{LiveCall, LiveCallState, LiveDirection};
use model::{Event, UserId};

/// Every agent's live call.
#[derive(Debug, Default)]
pub(crate) struct LiveCalls {
    /// By agent; an agent is on one call at a time (an offer replaces an older one).
    calls: HashMap<UserId, LiveCall>,
}

impl LiveCalls {
    /// The agent's live call.
    pub(crate) fn of(&self, user: UserId) -> Option<&LiveCall> {
        self.calls.get(&user)
    }

    /// Follows an event sent to `user` at `now` (unix ms); true when the agent's call changed.
    pub(crate) fn apply(&mut self, user: UserId, event: &Event, now: i64) -> bool {
        match event {
            Event::Ringing { offer } => {
                self.calls.insert(
                    user,
                    LiveCall {
                        call: offer.call.clone(),
                        customer: offer.caller.clone(),
                        direction: LiveDirection::Inbound,
                        group_id: Some(offer.group_id),
                        state: LiveCallState::Ringing,
                        since: now,
                    },
                );
                true
            }
            Event::OfferEnded { call, reason } => {
                reason != "answered" && self.remove_if(user, call, LiveCallState::Ringing)
            }
            Event::CallConnected { call, caller } => {
                match self.calls.get_mut(&user) {
                    Some(c) if &c.call == call => {
                        c.state = LiveCallState::Talking;
                        c.since = now;
                    }
                    _ => {
                        self.calls.insert(
                            user,
                            LiveCall {
                                call: call.clone(),
                                customer: caller.clone(),
                                direction: LiveDirection::Outbound,
                                group_id: None,
                                state: LiveCallState::Talking,
                                since: now,
                            },
                        );
                    }
                }
                true
            }
            Event::CallHeld { call, on } => match self.calls.get_mut(&user) {
                Some(c) if &c.call == call => {
                    c.state = if *on {
                        LiveCallState::Held
                    } else {
                        LiveCallState::Talking
                    };
                    true
                }
                _ => false,
            },
            // The consulting agent's call (a consulted colleague's own `consult` events name
            // them as the party, and their call stays a plain one).
            Event::Consult {
                call,
                state,
                party_user,
                ..
            } if *party_user != Some(user) => match self.calls.get_mut(&user) {
                Some(c) if &c.call == call => {
                    c.state = if state == "ended" {
                        LiveCallState::Talking
                    } else {
                        LiveCallState::Consult
                    };
                    true
                }
                _ => false,
            },
            Event::CallEnded { call } => {
                let is = self.calls.get(&user).is_some_and(|c| &c.call == call);
                is && self.calls.remove(&user).is_some()
            }
            _ => false,
        }
    }

    /// Forgets the agent's call `call` when it is in `state`.
    fn remove_if(&mut self, user: UserId, call: &str, state: LiveCallState) -> bool {
        let is = self
            .calls
            .get(&user)
            .is_some_and(|c| c.call == call && c.state == state);
        is && self.calls.remove(&user).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::SkillGroupId;
    use model::presence::Offer;

    fn ringing(call: &str) -> Event {
        Event::Ringing {
            offer: Offer {
                call: call.to_owned(),
                caller: "13900000001".to_owned(),
                enterprise_number: "4008000000".to_owned(),
                group_id: SkillGroupId(3),
                group_name: "Sales".to_owned(),
                auto_answer: false,
                customer_name: None,
                location: None,
                previous_calls: 0,
                last_call_at: None,
                consult_by: None,
                consult_from: None,
                transferred_by: None,
                transferred_from: None,
            },
        }
    }

    fn connected(call: &str, caller: &str) -> Event {
        Event::CallConnected {
            call: call.to_owned(),
            caller: caller.to_owned(),
        }
    }

    #[test]
    fn an_inbound_call_rings_connects_holds_and_ends() {
        let mut live = LiveCalls::default();
        let a = UserId(7);
        assert!(live.apply(a, &ringing("1"), 100));
        let c = live.of(a).unwrap();
        assert_eq!(
            (c.direction, c.state, c.group_id, c.since),
            (
                LiveDirection::Inbound,
                LiveCallState::Ringing,
                Some(SkillGroupId(3)),
                100
            )
        );
        let answered = Event::OfferEnded {
            call: "1".to_owned(),
            reason: "answered".to_owned(),
        };
        assert!(!live.apply(a, &answered, 150), "answering keeps the call");
        assert!(live.apply(a, &connected("1", "13900000001"), 200));
        let c = live.of(a).unwrap();
        assert_eq!(
            (c.state, c.since, c.direction),
            (LiveCallState::Talking, 200, LiveDirection::Inbound)
        );
        let held = |on| Event::CallHeld {
            call: "1".to_owned(),
            on,
        };
        assert!(live.apply(a, &held(true), 300));
        assert_eq!(live.of(a).unwrap().state, LiveCallState::Held);
        assert!(live.apply(a, &held(false), 400));
        assert_eq!(live.of(a).unwrap().state, LiveCallState::Talking);
        assert!(!live.apply(
            a,
            &Event::CallEnded {
                call: "9".to_owned()
            },
            500
        ));
        assert!(live.apply(
            a,
            &Event::CallEnded {
                call: "1".to_owned()
            },
            500
        ));
        assert!(live.of(a).is_none());
    }

    #[test]
    fn an_offer_that_stops_ringing_is_forgotten_and_a_dialed_call_is_outbound() {
        let mut live = LiveCalls::default();
        let a = UserId(7);
        live.apply(a, &ringing("1"), 100);
        let timeout = Event::OfferEnded {
            call: "1".to_owned(),
            reason: "ring_timeout".to_owned(),
        };
        assert!(live.apply(a, &timeout, 120));
        assert!(live.of(a).is_none());
        assert!(live.apply(a, &connected("2", "13800000002"), 200));
        let c = live.of(a).unwrap();
        assert_eq!(
            (c.direction, c.group_id, c.customer.as_str()),
            (LiveDirection::Outbound, None, "13800000002")
        );
    }

    #[test]
    fn a_consult_shows_on_the_consulting_agents_call_not_the_colleagues() {
        let mut live = LiveCalls::default();
        let (a, b) = (UserId(7), UserId(8));
        live.apply(a, &ringing("1"), 100);
        live.apply(a, &connected("1", "13900000001"), 200);
        live.apply(b, &connected("1", "13900000001"), 300);
        let consult = |state: &str| Event::Consult {
            call: "1".to_owned(),
            state: state.to_owned(),
            party: "坐席 1002 (1002)".to_owned(),
            party_user: Some(b),
            reason: None,
        };
        assert!(live.apply(a, &consult("talking"), 300));
        assert_eq!(live.of(a).unwrap().state, LiveCallState::Consult);
        assert!(
            !live.apply(b, &consult("three_way"), 310),
            "the colleague's call stays plain"
        );
        assert_eq!(live.of(b).unwrap().state, LiveCallState::Talking);
        assert!(live.apply(a, &consult("ended"), 400));
        assert_eq!(live.of(a).unwrap().state, LiveCallState::Talking);
    }
}
