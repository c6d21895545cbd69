//! Events pushed to a signed-in user over `GET /api/v1/events`.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::account::Me;
use crate::ids::SessionId;

/// One message on the events WebSocket, tagged by `type`.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Event {
    /// First message after connecting: who this socket belongs to.
    Hello {
        /// The signed-in user.
        me: Box<Me>,
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
}
