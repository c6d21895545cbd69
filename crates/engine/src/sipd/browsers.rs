//! Agents' browsers as their phones (SPEC §3, browser audio): a signed-in browser keeps one
//! WebRTC audio session with Patchbay for as long as the page is open, offered over the agent's
//! events WebSocket. Calls are bridged into it (no renegotiation per call): an offered call
//! rings on the phone bar (the call's `callflow` state), the agent answers there, and the
//! session's leg joins the call's room;
//! at the end it goes back to waiting, silent. A reload or a dropped socket ends the session;
//! the page offers a new one, which takes over (and rejoins a call that was running).

use std::collections::HashMap;

use model::{EnterpriseId, UserId};

use crate::mediaplane::LegId;

/// One agent's browser audio session.
pub(crate) struct Browser {
    pub(super) enterprise: EnterpriseId,
    /// Its number (media events carry it).
    pub(super) session: u64,
    pub(super) leg: LegId,
    pub(super) connected: bool,
}

/// Every browser session.
#[derive(Default)]
pub(crate) struct Browsers {
    pub(super) by_user: HashMap<UserId, Browser>,
    by_session: HashMap<u64, UserId>,
}

impl Browsers {
    /// The agent whose session this is.
    pub(crate) fn user_of_session(&self, session: u64) -> Option<UserId> {
        self.by_session.get(&session).copied()
    }

    /// Whether a media event's number is a browser session's.
    pub(crate) fn is_session(&self, session: u64) -> bool {
        self.by_session.contains_key(&session)
    }

    /// The agent's new session; the older one it replaces, if any.
    pub(crate) fn replace(&mut self, user: UserId, b: Browser) -> Option<Browser> {
        let old = self.by_user.remove(&user);
        if let Some(old) = &old {
            self.by_session.remove(&old.session);
        }
        self.by_session.insert(b.session, user);
        self.by_user.insert(user, b);
        old
    }

    /// Ends the agent's session if it is `session` (not a newer one that replaced it).
    pub(crate) fn close(&mut self, user: UserId, session: u64) -> Option<Browser> {
        if self.by_user.get(&user)?.session != session {
            return None;
        }
        let b = self.by_user.remove(&user)?;
        self.by_session.remove(&b.session);
        Some(b)
    }

    /// The media plane says a session connected or lost its path: whose it is.
    pub(crate) fn set_connected(&mut self, session: u64, connected: bool) -> Option<UserId> {
        let user = *self.by_session.get(&session)?;
        if let Some(b) = self.by_user.get_mut(&user) {
            b.connected = connected;
        }
        Some(user)
    }
}
