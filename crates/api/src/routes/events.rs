//! `GET /api/v1/events`: the signed-in user's event stream over a WebSocket.
//!
//! The first message is `hello` with the user's profile; after that, every event the hub has for
//! this user. When this session is revoked the socket sends `session_revoked` and closes; events
//! about the user's other sessions are not sent here.

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::response::Response;
use model::{Event, SessionId};
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
    let hello = Event::Hello { me: Box::new(me) };
    Ok(ws.on_upgrade(move |socket| pump(socket, rx, hello, user.session_id)))
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
    hello: Event,
    session: SessionId,
) {
    if !send(&mut socket, &hello).await {
        return;
    }
    loop {
        tokio::select! {
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
