//! `GET /api/v1/events`: the signed-in user's event stream over a WebSocket.
//!
//! The first message is `hello` with the user's profile, then the agent's `presence` and
//! `queues`; after that, every event the hub has for this user, and for users with the `monitor`
//! permission the enterprise's `monitor_agent` and `monitor_queue` events. When this session is revoked the socket sends `session_revoked` and closes; events
//! about the user's other sessions are not sent here.

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use model::{Event, Permission, SessionId};
use tokio::sync::broadcast::error::RecvError;

use crate::auth::CurrentUser;
use crate::error::ApiResult;
use crate::state::AppState;

/// Upgrades to the events WebSocket (authenticated by cookie, bearer token or `?token=`).
pub(crate) async fn events(
    State(state): State<AppState>,
    user: CurrentUser,
    ws: WebSocketUpgrade,
) -> ApiResult<Response> {
    let me = user.tenant(&state).me(user.user_id).await?;
    let rx = state.hub.subscribe(user.user_id);
    let monitor = user
        .permissions
        .contains(&Permission::Monitor)
        .then(|| state.hub.subscribe_monitor(user.enterprise));
    let mut first = vec![Event::Hello { me: Box::new(me) }];
    if let Some(sip) = &state.sip {
        if let Some(presence) = sip.presence(user.enterprise, user.user_id).await {
            first.push(Event::Presence { presence });
        }
        first.push(Event::Queues {
            queues: sip.queues(user.enterprise, user.user_id).await,
        });
    }
    Ok(ws.on_upgrade(move |socket| pump(socket, rx, monitor, first, user.session_id)))
}

/// The next monitor event, or never for users who do not watch the monitor.
async fn next_monitor(
    rx: &mut Option<tokio::sync::broadcast::Receiver<std::sync::Arc<Event>>>,
) -> Result<std::sync::Arc<Event>, RecvError> {
    match rx {
        Some(r) => r.recv().await,
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
    mut monitor: Option<tokio::sync::broadcast::Receiver<std::sync::Arc<Event>>>,
    first: Vec<Event>,
    session: SessionId,
) {
    for ev in &first {
        if !send(&mut socket, ev).await {
            return;
        }
    }
    loop {
        tokio::select! {
            ev = next_monitor(&mut monitor) => match ev {
                Ok(ev) => {
                    if !send(&mut socket, &ev).await {
                        return;
                    }
                }
                Err(RecvError::Lagged(n)) => tracing::debug!(missed = n, "monitor events lagged"),
                Err(RecvError::Closed) => monitor = None,
            },
            ev = rx.recv() => match ev {
                Ok(ev) => {
                    if let Event::SessionRevoked { session_id, .. } = ev.as_ref() {
                        if *session_id != session {
                            continue;
                        }
                        send(&mut socket, &ev).await;
                        let _ = socket
                            .send(Message::Close(Some(CloseFrame {
                                code: 4001,
                                reason: "session revoked".into(),
                            })))
                            .await;
                        return;
                    }
                    if !send(&mut socket, &ev).await {
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
                Some(Ok(_)) => {}
            },
        }
    }
}
