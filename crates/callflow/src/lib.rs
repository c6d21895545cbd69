//! Call control as pure state machines (DESIGN.md, "Pure cores, one engine").
//!
//! A [`Call`] owns every leg of one call: the customer's, the agent's (desk phone, mobile
//! through a trunk, browser session) and, as they come, consulted parties and supervisors. It
//! holds each SIP leg's dialog and applies the B2BUA rules between legs once, for every kind of
//! call: a BYE on one leg becomes a BYE (or CANCEL) on the others, a 2xx that crosses our CANCEL
//! is ACKed and hung up, a re-INVITE that puts a leg on hold is answered the same way on any
//! kind of call, and final responses map to the failure catalogue.
//!
//! One door in, one door out, in the style of quinn-proto's `Connection` and str0m's `Rtc`:
//! - [`Call::handle`] takes `now` (unix ms) and an [`Input`]: SIP responses, in-dialog requests
//!   and transaction timeouts routed to a leg, media reports, commands from agents;
//! - [`Call::poll_output`] yields [`Output`]s until empty: SIP messages to send, media-plane
//!   commands, ACD commands, call-record events, events for agents, dialogs to route;
//! - [`Call::poll_timeout`] is the next deadline, if any.
//!
//! The crate never reads the clock, touches a socket or uses global randomness: tags, branches
//! and Call-IDs come from [`Tokens`], a generator the engine seeds. The engine routes
//! transactions and dialogs to `(CallId, LegId)` and carries out the outputs.

mod call;
mod ids;
mod inbound;
mod legs;
mod local;
mod output;
mod placed;
mod predictive;
mod sipleg;
mod tokens;

pub use call::{
    AgentPart, AgentSide, Call, CallError, CampaignPop, CampaignTag, ConsultStep, ConsultTo,
    Customer, InboundCall, Input, Overflow, PhoneConsult, PhoneInvite, PlacedCall, PredictiveCall,
    Ring, Service, StepIn, TransferTo,
};
pub use ids::{CallId, LegId, RoomRef};
pub use local::{Local, TrunkRoute};
pub use output::{AcdOut, LegRole, MediaOut, Output, Sound};
pub use sipleg::{InDialog, Refusal, SdpState, answer_in_dialog};
pub use tokens::Tokens;

/// Wall-clock unix milliseconds: call records, IVR business hours and the ACD count in it.
pub type Millis = i64;
