//! Presence that matches reality: an agent whose device is gone stops being offered calls. A
//! browser agent whose page is gone (its events socket closed, or its audio session lost its
//! path) for more than [`BROWSER_GRACE_MS`] (a reload takes less), and a desk-phone agent whose
//! registration lapsed (and no other is live), are made busy with a reason the monitor and the phone bar show
//! (`Presence::busy_reason`); the agent sets idle again when they are back.

use std::collections::{BTreeSet, HashMap};

use model::presence::{AgentDevice, BusyReason};
use model::{EnterpriseId, UserId};
use sip::Millis;
use sip::txn::Transactions;

use crate::sipd::calls::{Calls, wall_ms};
use crate::sipd::register::NoDeskPhone;

/// How long a browser agent's page may be gone before calls stop being offered to them.
pub(crate) const BROWSER_GRACE_MS: i64 = 5_000;

/// Browser agents whose page is gone, since when (wall-clock ms).
#[derive(Default)]
pub(crate) struct GoneBrowsers {
    since: HashMap<UserId, (EnterpriseId, i64)>,
}

impl Calls {
    /// A browser agent's page went away (socket closed, or audio lost): counted from now.
    pub(in crate::sipd) fn browser_gone(&mut self, e: EnterpriseId, user: UserId) {
        self.gone.since.entry(user).or_insert((e, wall_ms()));
    }

    /// A browser agent's audio is connected again.
    pub(in crate::sipd) fn browser_back(&mut self, user: UserId) {
        self.gone.since.remove(&user);
    }

    /// Every second: agents whose device has been gone too long, or whose desk phone's
    /// registration just lapsed (`lapsed`: those usernames), are made busy with a reason.
    pub(in crate::sipd) fn check_devices(
        &mut self,
        now: Millis,
        lapsed: &[String],
        txns: &mut Transactions,
    ) {
        let wall = wall_ms();
        let mut changed = BTreeSet::new();
        let due: Vec<(UserId, EnterpriseId)> = self
            .gone
            .since
            .iter()
            .filter(|(_, (_, since))| wall - since >= BROWSER_GRACE_MS)
            .map(|(u, (e, _))| (*u, *e))
            .collect();
        for (user, e) in due {
            let back = self
                .browsers
                .by_user
                .get(&user)
                .is_some_and(|b| b.connected);
            let on_browser = self.cc.presence(e, user, wall).device == Some(AgentDevice::Browser);
            if back || !on_browser {
                self.gone.since.remove(&user);
                continue;
            }
            // Ringing or talking: asked again after the call.
            if self
                .cc
                .make_unreachable(e, user, BusyReason::BrowserGone, wall)
            {
                self.gone.since.remove(&user);
                if self.cc.busy_reasons.contains_key(&user) {
                    tracing::info!(agent = user.0, "browser agent's page gone: made busy");
                }
                changed.insert(e);
            }
        }
        let lapsed_agents = if lapsed.is_empty() {
            Vec::new()
        } else {
            self.cc.offerable_desk_phone_agents(wall)
        };
        for (e, user) in lapsed_agents {
            let lapsed_here = self
                .directory
                .account_of(user)
                .is_some_and(|a| a.enterprise == e && lapsed.contains(&a.username));
            let unregistered = lapsed_here
                && matches!(
                    self.registrar.desk_phone_of(now, &self.directory, e, user),
                    Err(NoDeskPhone::NotRegistered)
                );
            if unregistered {
                self.cc
                    .make_unreachable(e, user, BusyReason::PhoneUnregistered, wall);
                tracing::info!(agent = user.0, "desk phone not registered: agent made busy");
                changed.insert(e);
            }
        }
        for e in changed {
            self.drain_acd(now, e, txns);
        }
    }
}
