//! Events pushed to a signed-in user over `GET /api/v1/events`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::account::Me;
use crate::calls::TranscriptSegment;
use crate::ids::SessionId;
use crate::presence::{GroupFigures, MissedCall, MonitorAgent, Offer, Presence, QueueLength};

/// One message on the events WebSocket, tagged by `type`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// First message after connecting: who this socket belongs to.
    Hello {
        /// The signed-in user.
        me: Box<Me>,
        /// When the server process started (unix ms). A change between two connections means
        /// Patchbay restarted: every agent was signed out and every queued call ended.
        server_started_at: i64,
    },
    /// This session was revoked (logout elsewhere, password change, account disabled): the socket closes.
    SessionRevoked {
        /// The revoked session.
        session_id: SessionId,
        /// Why, as a stable code: `logout`, `revoked`, `password_changed`, `account_disabled`, `account_deleted`.
        reason: String,
    },
    /// The signed-in user's account, role or skill groups changed: refetch `/me`.
    UserChanged {
        /// The user as it is now.
        me: Box<Me>,
    },
    /// The agent's presence changed (or this is the first report after connecting).
    Presence {
        /// Status, since when, today's figures.
        presence: Presence,
    },
    /// Queue lengths of the agent's skill groups.
    Queues {
        /// One per group the agent belongs to.
        queues: Vec<QueueLength>,
    },
    /// A call rings the agent (the ringing pop).
    Ringing {
        /// The call offered.
        offer: Offer,
    },
    /// The offered call stopped ringing the agent.
    OfferEnded {
        /// The call.
        call: String,
        /// `answered`, `ring_timeout`, `rejected`, `caller_hung_up`, `agent_left`, `device_failed`.
        reason: String,
    },
    /// The agent's call was connected (talking).
    CallConnected {
        /// The call.
        call: String,
        /// The customer's number.
        caller: String,
    },
    /// The agent's call was put on hold (the customer hears music, the agent silence) or
    /// resumed, from the phone bar or the desk phone's own hold key.
    CallHeld {
        /// The call.
        call: String,
        /// On hold (true) or resumed (false).
        on: bool,
    },
    /// A blind transfer failed: the colleague did not answer, rejected it or signed out, or the
    /// number outside could not be reached (`transfer_failed` with the SIP reason). The call
    /// comes back to the agent who transferred it, whose phone bar rings again.
    TransferReturned {
        /// The call.
        call: String,
        /// The colleague it was transferred to; absent for a number outside.
        colleague: Option<crate::UserId>,
        /// Their name, or the number.
        colleague_name: String,
        /// For a colleague: `ring_timeout`, `rejected`, `device_failed`, `agent_left` or
        /// `no_answer` (nobody was offered the call within the personal queue's wait). For a
        /// number: the failure code of the carrier's answer (`busy`, `no_answer`, `rejected`,
        /// `invalid_number`, `unreachable`, …) or `no_trunk`.
        reason: String,
    },
    /// A consult on the agent's call changed: the consulting agent's phone bar, and the
    /// consulted colleague's once they joined a three-way call.
    Consult {
        /// The call.
        call: String,
        /// `ringing`, `talking` (the consulted party answered; the customer holds),
        /// `three_way` (all three talk) or `ended`.
        state: String,
        /// Who is consulted: the colleague's name, or the number.
        party: String,
        /// The colleague consulted; `null` for a number.
        #[serde(default)]
        party_user: Option<crate::UserId>,
        /// Why it ended: `completed` (transferred), `cancelled`, `party_left`, `no_answer`,
        /// `rejected`, `target_busy`, `target_offline`, `unreachable`, `no_trunk`,
        /// `failed`; `null` until then.
        #[serde(default)]
        reason: Option<String>,
    },
    /// A supervisor's step into an agent's call took effect, or their part ended (to the
    /// supervisor).
    Supervision {
        /// The call.
        call: String,
        /// The agent whose call it is.
        agent: crate::UserId,
        /// Their name (and work id).
        #[serde(default)]
        agent_name: String,
        /// `listen`, `whisper`, `barge`, `disconnect` (the call is the supervisor's now) or
        /// `ended`.
        step: String,
        /// Why it ended: `left`, `call_ended`, `unreachable`, `target_busy`…; `null` until then.
        #[serde(default)]
        reason: Option<String>,
    },
    /// The agent's call ended.
    CallEnded {
        /// The call.
        call: String,
    },
    /// A new missed-call reminder.
    MissedCall {
        /// The reminder.
        missed: MissedCall,
    },
    /// The agent was assigned to an outbound campaign.
    CampaignAssigned {
        /// The campaign.
        campaign_id: i64,
        /// Its name.
        name: String,
    },
    /// The dialer placed a campaign call for the agent (progressive dialing): the customer is
    /// being called and the agent is connected when they answer.
    CampaignCall {
        /// The call (as in `call_connected`).
        call: String,
        /// The campaign.
        campaign_id: i64,
        /// Its name.
        campaign_name: String,
        /// The campaign customer.
        customer_id: i64,
        /// Their name.
        customer_name: String,
        /// Their number, `…****` when the campaign masks numbers.
        number: String,
    },
    /// Progress of a customer-list import the user started.
    CampaignImport {
        /// The campaign.
        campaign_id: i64,
        /// Rows handled so far.
        done: u32,
        /// Rows in the file.
        total: u32,
    },
    /// Progress of a customer import (`POST /customers/import`) the user started.
    CustomerImport {
        /// Rows handled so far (checked and refused, or written).
        done: u32,
        /// Data rows in the file.
        total: u32,
    },
    /// The signed-in device lost the agent's calls to another device (mutually exclusive login).
    DeviceUnbound {
        /// The device that lost them: `browser`, `mobile`, `desk_phone`.
        device: String,
    },
    /// For supervisors on the real-time monitor: an agent's presence changed.
    MonitorAgent {
        /// The agent.
        agent: MonitorAgent,
    },
    /// Live transcript of the agent's call (when transcription is on): partial segments as the
    /// words come, replaced by their final.
    Transcript {
        /// The call (as in `call_connected`).
        call: String,
        /// The segment.
        segment: TranscriptSegment,
    },
    /// For supervisors on the real-time monitor: a queue changed.
    MonitorQueue {
        /// The queue.
        queue: QueueLength,
    },
    /// For supervisors on the real-time monitor and the wallboard: a skill group's figures for
    /// today changed (a call queued, was answered, abandoned or ended).
    MonitorFigures {
        /// The group's figures.
        figures: GroupFigures,
    },
    /// Patchbay's SDP answer to this socket's `webrtc_offer` (the browser's audio session).
    #[serde(rename = "webrtc_answer")]
    WebRtcAnswer {
        /// The answer.
        sdp: String,
    },
    /// The browser's `webrtc_offer` was refused.
    #[serde(rename = "webrtc_error")]
    WebRtcError {
        /// `bad_offer`, `not_signed_in`, `unavailable`.
        code: String,
        /// What went wrong, for people.
        message: String,
    },
    /// The browser's audio session connected or lost its path (`connected`, `disconnected`).
    #[serde(rename = "webrtc_state")]
    WebRtcState {
        /// `connected` or `disconnected`.
        state: String,
    },
}

/// What a browser sends on the events WebSocket (WebRTC signalling), tagged by `type`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type")]
pub enum ClientMessage {
    /// Offers the browser's audio session (one per page, kept while the agent works).
    #[serde(rename = "webrtc_offer")]
    WebRtcOffer {
        /// The SDP offer, with ICE candidates gathered.
        sdp: String,
    },
    /// Ends the browser's audio session.
    #[serde(rename = "webrtc_hangup")]
    WebRtcHangup,
}
