//! `GET /api/v1/events`: the signed-in user's event stream over a WebSocket.
//!
//! The first message is `hello` with the user's profile and when the server started (a
//! change from one connection to the next means Patchbay restarted), then the agent's `presence` and
//! `queues`; after that, every event the hub has for this user, and for users with the `monitor`
//! permission the enterprise's `monitor_agent`, `monitor_queue` and `monitor_figures` events of
//! the skill groups their data scope allows (see `monitor`). When this session is
//! revoked the socket sends `session_revoked` and closes; events about the user's other sessions
//! are not sent here. A `ringing` event gets the caller's number location and call history filled
//! in on its way (see `pops`).
//!
//! The browser also talks on it (WebRTC signalling for the phone bar's browser audio):
//! `{"type":"webrtc_offer","sdp"}` is answered with `webrtc_answer` (or `webrtc_error`), and
//! `{"type":"webrtc_hangup"}` ends the session; closing the socket ends it too. The session's
//! state comes as `webrtc_state` (`connected` / `disconnected`).

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use model::{ClientMessage, Event, Permission, SessionId};
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::routes::monitor::Watch;
use crate::state::AppState;

/// Upgrades to the events WebSocket (authenticated by cookie, bearer token or `?token=`).
pub(crate) async fn events(
    State(state): State<AppState>,
    user: CurrentUser,
    ws: WebSocketUpgrade,
) -> ApiResult<Response> {
    let me = user.tenant(&state).me(user.user_id).await?;
    let rx = state.hub.subscribe(user.user_id);
    let monitor = if user.permissions.contains(&Permission::Monitor) {
        let watch = Watch::of(&state, &user).await?;
        Some((state.hub.subscribe_monitor(user.enterprise), watch))
    } else {
        None
    };
    let mut first = vec![Event::Hello {
        me: Box::new(me),
        server_started_at: state.started_at,
    }];
    if let Some(sip) = &state.sip {
        if let Some(presence) = sip.presence(user.enterprise, user.user_id).await {
            first.push(Event::Presence { presence });
        }
        first.push(Event::Queues {
            queues: sip.queues(user.enterprise, user.user_id).await,
        });
    }
    let agent = Agent {
        store: state.store.clone(),
        sip: state.sip.clone(),
        enterprise: user.enterprise,
        user: user.user_id,
        media_session: None,
    };
    Ok(ws.on_upgrade(move |socket| pump(socket, rx, monitor, first, user.session_id, agent)))
}

/// The agent behind a socket, for the WebRTC signalling it carries and the pops it is sent.
struct Agent {
    /// For what the ringing pop shows beyond the engine's offer.
    store: store::Store,
    sip: Option<engine::sipd::SipHandle>,
    enterprise: model::EnterpriseId,
    user: model::UserId,
    /// The browser audio session this socket opened, if any.
    media_session: Option<u64>,
}

impl Agent {
    /// A `ringing` event with the caller's location and history filled in; others as they are.
    async fn pop(&self, ev: Arc<Event>) -> Arc<Event> {
        let Event::Ringing { offer } = ev.as_ref() else {
            return ev;
        };
        let mut offer = offer.clone();
        crate::pops::enrich_offer(&self.store, self.enterprise, &mut offer).await;
        Arc::new(Event::Ringing { offer })
    }

    /// A message from the browser: an offer is answered on this socket, a hang-up ends the
    /// session; anything else is answered with an error event and ignored.
    async fn message(&mut self, socket: &mut WebSocket, text: &str) -> bool {
        let reply = match serde_json::from_str::<ClientMessage>(text) {
            Ok(ClientMessage::WebRtcOffer { sdp }) => match &self.sip {
                Some(sip) => match sip.browser_offer(self.enterprise, self.user, sdp).await {
                    Ok((session, answer)) => {
                        self.media_session = Some(session);
                        Event::WebRtcAnswer { sdp: answer }
                    }
                    Err(e) => Event::WebRtcError {
                        code: match e {
                            engine::sipd::AgentError::Stopped => "unavailable",
                            _ => "bad_offer",
                        }
                        .to_owned(),
                        message: e.to_string(),
                    },
                },
                None => Event::WebRtcError {
                    code: "unavailable".to_owned(),
                    message: "the SIP and media endpoint is not running".to_owned(),
                },
            },
            Ok(ClientMessage::WebRtcHangup) => {
                self.close().await;
                return true;
            }
            Err(e) => Event::WebRtcError {
                code: "bad_message".to_owned(),
                message: format!("not a message Patchbay understands: {e}"),
            },
        };
        send(socket, &reply).await
    }

    /// Ends the audio session this socket opened (a newer one of the agent's stays).
    async fn close(&mut self) {
        if let (Some(sip), Some(session)) = (&self.sip, self.media_session.take()) {
            sip.browser_closed(self.user, session).await;
        }
    }
}

/// The monitor events of the enterprise and what this supervisor may watch of them.
type MonitorFeed = (tokio::sync::broadcast::Receiver<Arc<Event>>, Watch);

/// The next monitor event this supervisor may see, or never for users who do not watch the
/// monitor.
async fn next_monitor(rx: &mut Option<MonitorFeed>) -> Result<Arc<Event>, RecvError> {
    match rx {
        Some((r, watch)) => loop {
            let ev = r.recv().await?;
            if watch.sees(&ev) {
                return Ok(ev);
            }
        },
        None => std::future::pending().await,
    }
}

async fn send(socket: &mut WebSocket, event: &Event) -> bool {
    match serde_json::to_string(event) {
        Ok(text) => socket.send(Message::Text(text.into())).await.is_ok(),
        Err(_) => false,
    }
}

async fn pump(
    mut socket: WebSocket,
    mut rx: tokio::sync::broadcast::Receiver<std::sync::Arc<Event>>,
    mut monitor: Option<MonitorFeed>,
    first: Vec<Event>,
    session: SessionId,
    mut agent: Agent,
) {
    for ev in &first {
        if !send(&mut socket, ev).await {
            return;
        }
    }
    pump_events(&mut socket, &mut rx, &mut monitor, session, &mut agent).await;
    // However the socket ended, the browser audio it opened ends with it.
    agent.close().await;
}

async fn pump_events(
    socket: &mut WebSocket,
    rx: &mut tokio::sync::broadcast::Receiver<std::sync::Arc<Event>>,
    monitor: &mut Option<MonitorFeed>,
    session: SessionId,
    agent: &mut Agent,
) {
    loop {
        tokio::select! {
            ev = next_monitor(monitor) => match ev {
                Ok(ev) => {
                    if !send(socket, &ev).await {
                        return;
                    }
                }
                Err(RecvError::Lagged(n)) => tracing::debug!(missed = n, "monitor events lagged"),
                Err(RecvError::Closed) => *monitor = None,
            },
            ev = rx.recv() => match ev {
                Ok(ev) => {
                    if let Event::SessionRevoked { session_id, .. } = ev.as_ref() {
                        if *session_id != session {
                            continue;
                        }
                        send(socket, &ev).await;
                        let _ = socket
                            .send(Message::Close(Some(CloseFrame {
                                code: 4001,
                                reason: "session revoked".into(),
                            })))
                            .await;
                        return;
                    }
                    let ev = agent.pop(ev).await;
                    if !send(socket, &ev).await {
                        return;
                    }
                }
                Err(RecvError::Lagged(n)) => {
                    tracing::debug!(missed = n, "events socket lagged");
                }
                Err(RecvError::Closed) => return,
            },
            msg = socket.recv() => match msg {
                Some(Ok(Message::Close(_))) | None | Some(Err(_)) => return,
                Some(Ok(Message::Text(text))) => {
                    if !agent.message(socket, text.as_str()).await {
                        return;
                    }
                }
                Some(Ok(_)) => {}
            },
        }
    }
}
