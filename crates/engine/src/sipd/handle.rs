//! The endpoint's handle: how the API and the binary talk to the running SIP endpoint.

use std::net::SocketAddr;
use std::sync::Arc;

use model::presence::{Monitor, Presence, PresenceChange, QueueLength};
use model::telephony::{DialResponse, Registration, SipDirectory, TrunkStatus};
use model::{EnterpriseId, TrunkId, UserId};
use tokio::sync::{mpsc, oneshot};

use super::agents::AgentRequest;
use super::widget;
use super::{
    AgentAction, AgentError, CallStats, DialCommand, DialError, Inbound, TrunkStatuses,
    WidgetAnswer, WidgetError,
};

/// A running endpoint: where it listens, counters, and how to talk to it.
#[derive(Debug, Clone)]
pub struct SipHandle {
    /// The bound address (useful with port 0 in tests).
    pub local_addr: SocketAddr,
    /// Live counters.
    pub stats: Arc<CallStats>,
    /// Live trunk status.
    pub trunk_status: TrunkStatuses,
    /// The realm desk phones authenticate in.
    pub realm: String,
    /// The media workers' pulse (for `/readyz`).
    pub media: Arc<crate::mediaplane::MediaHealth>,
    /// Commands to the endpoint task.
    pub(super) tx: mpsc::Sender<Inbound>,
    /// Turns true when the endpoint task has ended (stopped, or after a panic).
    pub(super) stopped: tokio::sync::watch::Receiver<bool>,
}

impl SipHandle {
    /// Resolves when the endpoint task has ended: after a stop it has hung up every call and
    /// handed their last record events on.
    pub async fn stopped(&self) {
        let mut stopped = self.stopped.clone();
        let _ = stopped.wait_for(|s| *s).await;
    }

    /// Whether the endpoint task is still running.
    pub fn is_running(&self) -> bool {
        !*self.stopped.borrow()
    }

    /// Tests only: makes the handling of call number `call` (the endpoint numbers calls from 1,
    /// in the order it admits them) panic, as a bug in it would.
    #[cfg(feature = "fault-injection")]
    pub async fn inject_fault(&self, call: u64) {
        let _ = self.tx.send(Inbound::Fault(call)).await;
    }

    /// Tests only: makes media worker `worker` panic, as a bug in it would.
    #[cfg(feature = "fault-injection")]
    pub async fn inject_media_fault(&self, worker: usize) {
        let _ = self.tx.send(Inbound::MediaFault(worker)).await;
    }

    /// Replaces the numbers, trunks and accounts the endpoint works from.
    pub async fn set_directory(&self, directory: SipDirectory) {
        let _ = self.tx.send(Inbound::Directory(directory)).await;
    }

    /// Rings the agent's desk phone; when it answers, calls `number` through a trunk and bridges
    /// the two. Returns once the desk phone's INVITE is on its way.
    pub async fn dial(
        &self,
        enterprise: EnterpriseId,
        user: UserId,
        number: String,
        caller_number: Option<String>,
    ) -> Result<DialResponse, DialError> {
        self.dial_for(enterprise, user, number, caller_number, None)
            .await
    }

    /// [`SipHandle::dial`] for an outbound campaign's customer: the call's record names the
    /// customer (`campaign`), its end writes the customer's outcome, and the agent is shown
    /// the tag's number (masked when the campaign masks).
    pub async fn dial_for(
        &self,
        enterprise: EnterpriseId,
        user: UserId,
        number: String,
        caller_number: Option<String>,
        campaign: Option<callflow::CampaignTag>,
    ) -> Result<DialResponse, DialError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Inbound::Dial(DialCommand {
                enterprise,
                user,
                number,
                caller_number,
                campaign,
                reply,
            }))
            .await
            .map_err(|_| DialError::Stopped)?;
        rx.await.map_err(|_| DialError::Stopped)?
    }

    /// Places a predictive campaign's call to `number`: no agent until the customer answers,
    /// then the longest idle of `agents` (their device answers by itself), or the customer
    /// hears the `no-agent` message when none is free.
    pub async fn dial_predictive(
        &self,
        enterprise: EnterpriseId,
        number: String,
        caller_number: Option<String>,
        campaign: callflow::CampaignTag,
        agents: Vec<UserId>,
    ) -> Result<DialResponse, DialError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Inbound::Predict(super::PredictCommand {
                enterprise,
                number,
                caller_number,
                campaign,
                agents,
                reply,
            }))
            .await
            .map_err(|_| DialError::Stopped)?;
        rx.await.map_err(|_| DialError::Stopped)?
    }

    /// Which of the predictive calls `calls` still ring their customer (not answered, not
    /// ended) or, answered, still seek an agent: the dialer's calls in flight.
    pub async fn dialing(&self, calls: Vec<u64>) -> super::PredictiveCalls {
        let (reply, rx) = oneshot::channel();
        if self.tx.send(Inbound::Dialing(calls, reply)).await.is_err() {
            return super::PredictiveCalls::default();
        }
        rx.await.unwrap_or_default()
    }

    /// The live registrations of a SIP account.
    pub async fn registrations(&self, username: &str) -> Vec<Registration> {
        let (reply, rx) = oneshot::channel();
        if self
            .tx
            .send(Inbound::Registrations(username.to_owned(), reply))
            .await
            .is_err()
        {
            return Vec::new();
        }
        rx.await.unwrap_or_default()
    }

    async fn ask<T>(&self, make: impl FnOnce(oneshot::Sender<T>) -> AgentRequest) -> Option<T> {
        let (reply, rx) = oneshot::channel();
        self.tx.send(Inbound::Agent(make(reply))).await.ok()?;
        rx.await.ok()
    }

    /// An agent's presence now.
    pub async fn presence(&self, enterprise: EnterpriseId, user: UserId) -> Option<Presence> {
        self.ask(|reply| AgentRequest::Presence {
            enterprise,
            user,
            reply,
        })
        .await
    }

    /// Changes an agent's presence (sign in or out, idle, busy, custom status, auto-answer).
    pub async fn change_presence(
        &self,
        enterprise: EnterpriseId,
        user: UserId,
        change: PresenceChange,
    ) -> Result<Presence, AgentError> {
        self.ask(|reply| AgentRequest::Change {
            enterprise,
            user,
            change,
            reply,
        })
        .await
        .unwrap_or(Err(AgentError::Stopped))
    }

    /// Queue lengths of the agent's skill groups.
    pub async fn queues(&self, enterprise: EnterpriseId, user: UserId) -> Vec<QueueLength> {
        self.ask(|reply| AgentRequest::Queues {
            enterprise,
            user,
            reply,
        })
        .await
        .unwrap_or_default()
    }

    /// The enterprise's signed-in agents but `user`, for a transfer.
    pub async fn colleagues(
        &self,
        enterprise: EnterpriseId,
        user: UserId,
    ) -> Vec<model::presence::Colleague> {
        self.ask(|reply| AgentRequest::Colleagues {
            enterprise,
            user,
            reply,
        })
        .await
        .unwrap_or_default()
    }

    /// The enterprise's real-time monitor: agents and queues.
    pub async fn monitor(&self, enterprise: EnterpriseId) -> Option<Monitor> {
        self.ask(|reply| AgentRequest::Monitor { enterprise, reply })
            .await
    }

    /// Answers, rejects or hangs up the agent's call (`call`: a particular one, or whichever).
    pub async fn agent_action(
        &self,
        enterprise: EnterpriseId,
        user: UserId,
        call: Option<u64>,
        action: AgentAction,
    ) -> Result<(), AgentError> {
        self.ask(|reply| AgentRequest::Action {
            enterprise,
            user,
            call,
            action,
            reply,
        })
        .await
        .unwrap_or(Err(AgentError::Stopped))
    }

    /// `supervisor` steps into the call `agent` talks on (listen, whisper, barge-in,
    /// force-disconnect).
    pub async fn supervise(
        &self,
        enterprise: EnterpriseId,
        supervisor: UserId,
        agent: UserId,
        step: callflow::StepIn,
    ) -> Result<(), AgentError> {
        self.ask(|reply| AgentRequest::Supervise {
            enterprise,
            supervisor,
            agent,
            step,
            reply,
        })
        .await
        .unwrap_or(Err(AgentError::Stopped))
    }

    /// The record key of the call the agent is talking on (`NotTalking` when ringing or free).
    pub async fn talking_call(
        &self,
        enterprise: EnterpriseId,
        user: UserId,
    ) -> Result<String, AgentError> {
        self.ask(|reply| AgentRequest::TalkingCall {
            enterprise,
            user,
            reply,
        })
        .await
        .unwrap_or(Err(AgentError::Stopped))
    }

    /// A browser offers its WebRTC audio session (SDP): the answer, and the session's number
    /// to close it with.
    pub async fn browser_offer(
        &self,
        enterprise: EnterpriseId,
        user: UserId,
        sdp: String,
    ) -> Result<(u64, String), AgentError> {
        self.ask(|reply| AgentRequest::BrowserOffer {
            enterprise,
            user,
            sdp,
            reply,
        })
        .await
        .unwrap_or(Err(AgentError::Stopped))
    }

    /// A browser's audio session ended (hang-up message, closed socket); a newer session of the
    /// same agent is left alone.
    pub async fn browser_closed(&self, user: UserId, session: u64) {
        let _ = self
            .tx
            .send(Inbound::Agent(AgentRequest::BrowserClosed {
                user,
                session,
            }))
            .await;
    }

    async fn ask_widget<T>(
        &self,
        make: impl FnOnce(oneshot::Sender<Result<T, WidgetError>>) -> widget::WidgetRequest,
    ) -> Result<T, WidgetError> {
        let (reply, rx) = oneshot::channel();
        self.tx
            .send(Inbound::Widget(make(reply)))
            .await
            .map_err(|_| WidgetError::Stopped)?;
        rx.await.map_err(|_| WidgetError::Stopped)?
    }

    /// A web widget visitor at `source` calls `number` with a WebRTC offer: the answer, and the
    /// token the visitor's page names the call by.
    pub async fn widget_call(
        &self,
        number: String,
        sdp: String,
        source: std::net::IpAddr,
    ) -> Result<WidgetAnswer, WidgetError> {
        self.ask_widget(|reply| widget::WidgetRequest::Call {
            number,
            sdp,
            source,
            reply,
        })
        .await
    }

    /// A digit the visitor pressed on the widget's dial pad.
    pub async fn widget_dtmf(&self, token: String, digit: char) -> Result<(), WidgetError> {
        self.ask_widget(|reply| widget::WidgetRequest::Dtmf {
            token,
            digit,
            reply,
        })
        .await
    }

    /// The visitor hung up.
    pub async fn widget_hangup(&self, token: String) -> Result<(), WidgetError> {
        self.ask_widget(|reply| widget::WidgetRequest::Hangup { token, reply })
            .await
    }

    /// A trunk's live status.
    pub fn trunk_status(&self, trunk: TrunkId) -> Option<TrunkStatus> {
        self.trunk_status
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .get(&trunk)
            .cloned()
    }
}
