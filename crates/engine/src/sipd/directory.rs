//! The endpoint's view of the database: numbers, trunks, SIP accounts and uploaded prompts of
//! every enterprise, indexed for the look-ups a request needs. Rebuilt whole whenever an admin
//! changes one of them.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Arc;

use model::platform::EnterpriseLimits;
use model::telephony::{EnterpriseNumber, NumberService, SipDirectory, Trunk};
use model::{EnterpriseId, PromptId, TrunkId, UserId};

/// A trunk with what only the engine sees.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct TrunkEntry {
    pub(crate) enterprise: EnterpriseId,
    pub(crate) trunk: Trunk,
    pub(crate) password: Option<String>,
}

impl TrunkEntry {
    /// The address Patchbay advertises on this trunk's legs, when the trunk has its own.
    pub(crate) fn public_address(&self) -> Option<std::net::IpAddr> {
        self.trunk.public_address.as_deref()?.parse().ok()
    }
}

/// An agent's SIP account.
#[derive(Debug, Clone)]
pub(crate) struct Account {
    pub(crate) enterprise: EnterpriseId,
    pub(crate) username: String,
    pub(crate) password: String,
}

/// Where an inbound call goes.
#[derive(Debug, Clone)]
pub(crate) struct InboundRoute {
    pub(crate) enterprise: EnterpriseId,
    pub(crate) number: String,
    pub(crate) service: NumberService,
    pub(crate) trunk: TrunkId,
    /// The IVR flow, for service `ivr` (validated when the directory loads).
    pub(crate) flow: Option<std::sync::Arc<ivr::Flow>>,
}

/// Why an inbound INVITE is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// The source is no enabled trunk's allowed source: 403.
    UnknownSource,
    /// No enterprise has the number (or its trunk is off): 404.
    UnknownNumber,
}

/// The look-up tables.
#[derive(Debug, Default)]
pub(crate) struct Directory {
    numbers: HashMap<String, (EnterpriseId, EnterpriseNumber)>,
    /// Parsed and valid IVR flows by number.
    flows: HashMap<String, std::sync::Arc<ivr::Flow>>,
    trunks: HashMap<TrunkId, TrunkEntry>,
    accounts: HashMap<String, Account>,
    by_user: HashMap<UserId, String>,
    /// Uploaded prompts (8 kHz samples) by enterprise and id: a flow only ever plays its own
    /// enterprise's.
    prompts: HashMap<(EnterpriseId, PromptId), Arc<[i16]>>,
    /// Agents' mobile numbers (callback mode).
    mobiles: HashMap<UserId, (EnterpriseId, String)>,
    /// Enterprises' limits on calls and agents at once (absent: none).
    limits: HashMap<EnterpriseId, EnterpriseLimits>,
}

/// Digits of a request-URI user part, without a leading `+` or `86`-style prefixes kept as sent.
fn normalise(number: &str) -> &str {
    number.trim_start_matches('+')
}

impl From<SipDirectory> for Directory {
    fn from(d: SipDirectory) -> Directory {
        let trunks = d
            .trunks
            .into_iter()
            .map(|(enterprise, trunk, password)| {
                (
                    trunk.id,
                    TrunkEntry {
                        enterprise,
                        trunk,
                        password,
                    },
                )
            })
            .collect();
        let numbers = d
            .numbers
            .into_iter()
            .map(|(e, n)| (normalise(&n.number).to_owned(), (e, n)))
            .collect();
        let flows = flows_of(&numbers);
        let mut accounts = HashMap::new();
        let mut by_user = HashMap::new();
        for (enterprise, user, username, password) in d.accounts {
            by_user.insert(user, username.clone());
            accounts.insert(
                username.clone(),
                Account {
                    enterprise,
                    username,
                    password,
                },
            );
        }
        let prompts = d
            .prompts
            .into_iter()
            .map(|(e, id, audio)| ((e, id), audio.0))
            .collect();
        let mobiles = d.mobiles.into_iter().map(|(e, u, m)| (u, (e, m))).collect();
        Directory {
            limits: d.limits.into_iter().collect(),
            mobiles,
            numbers,
            flows,
            trunks,
            accounts,
            by_user,
            prompts,
        }
    }
}

impl Directory {
    /// An enterprise's limits (none when it has none).
    pub(crate) fn limits(&self, e: EnterpriseId) -> EnterpriseLimits {
        self.limits.get(&e).copied().unwrap_or_default()
    }
}

/// The valid flows of IVR numbers; an invalid one is logged and the number plays the welcome
/// prompt instead (the API refuses invalid flows, so this only guards older rows).
fn flows_of(
    numbers: &HashMap<String, (EnterpriseId, EnterpriseNumber)>,
) -> HashMap<String, std::sync::Arc<ivr::Flow>> {
    let mut out = HashMap::new();
    for (key, (_, n)) in numbers {
        let Some(json) = n.flow.as_ref().filter(|_| n.service == NumberService::Ivr) else {
            continue;
        };
        let flow = serde_json::from_value::<ivr::Flow>(json.clone())
            .map_err(|e| e.to_string())
            .and_then(|f| {
                f.validate().map(|()| f).map_err(|errs| {
                    errs.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("; ")
                })
            });
        match flow {
            Ok(f) => {
                out.insert(key.clone(), std::sync::Arc::new(f));
            }
            Err(e) => tracing::warn!(number = %n.number, error = %e, "invalid IVR flow ignored"),
        }
    }
    out
}

impl Directory {
    fn source_allowed(entry: &TrunkEntry, source: IpAddr) -> bool {
        entry.trunk.enabled
            && (entry
                .trunk
                .allowed_sources
                .iter()
                .any(|s| s.parse::<IpAddr>().is_ok_and(|a| a == source))
                || entry
                    .trunk
                    .host
                    .parse::<IpAddr>()
                    .is_ok_and(|a| a == source))
    }

    /// Whether `source` is an enabled trunk's host or allowed source.
    pub(crate) fn is_trunk_source(&self, source: IpAddr) -> bool {
        self.trunks().any(|t| Self::source_allowed(t, source))
    }

    /// An agent's mobile number, for callback mode.
    pub(crate) fn mobile_of(&self, e: EnterpriseId, user: UserId) -> Option<&str> {
        self.mobiles
            .get(&user)
            .filter(|(owner, _)| *owner == e)
            .map(|(_, m)| m.as_str())
    }

    /// The IVR flow of one of an enterprise's numbers (an agent transfers a caller into it).
    pub(crate) fn flow_of(&self, e: EnterpriseId, number: &str) -> Option<Arc<ivr::Flow>> {
        let (owner, _) = self.numbers.get(normalise(number))?;
        (*owner == e)
            .then(|| self.flows.get(normalise(number)).cloned())
            .flatten()
    }

    /// Routes a web widget call to `number`: any enterprise number whose trunk is on (the
    /// visitor comes over HTTP, so there is no source to check).
    pub(crate) fn widget_route(&self, number: &str) -> Option<InboundRoute> {
        let (enterprise, n) = self.numbers.get(normalise(number))?;
        self.trunks.get(&n.trunk_id).filter(|t| t.trunk.enabled)?;
        Some(InboundRoute {
            enterprise: *enterprise,
            number: n.number.clone(),
            service: n.service,
            trunk: n.trunk_id,
            flow: self.flows.get(normalise(number)).cloned(),
        })
    }

    /// Routes an INVITE from `source` to `number`: the source must be an allowed source of one of
    /// the number's enterprise's enabled trunks. Unknown sources are refused before the number is
    /// looked at, so scanners learn nothing about numbers.
    pub(crate) fn inbound(&self, source: IpAddr, number: &str) -> Result<InboundRoute, Refusal> {
        if !self
            .trunks
            .values()
            .any(|t| Self::source_allowed(t, source))
        {
            return Err(Refusal::UnknownSource);
        }
        let (enterprise, n) = self
            .numbers
            .get(normalise(number))
            .ok_or(Refusal::UnknownNumber)?;
        if !self
            .trunks
            .values()
            .any(|t| t.enterprise == *enterprise && Self::source_allowed(t, source))
        {
            return Err(Refusal::UnknownSource);
        }
        if !self
            .trunks
            .get(&n.trunk_id)
            .is_some_and(|t| t.trunk.enabled)
        {
            return Err(Refusal::UnknownNumber);
        }
        Ok(InboundRoute {
            enterprise: *enterprise,
            number: n.number.clone(),
            service: n.service,
            trunk: n.trunk_id,
            flow: self.flows.get(normalise(number)).cloned(),
        })
    }

    /// An enterprise's uploaded prompt, ready to play (`None` for another enterprise's).
    pub(crate) fn prompt(&self, enterprise: EnterpriseId, id: i64) -> Option<Arc<[i16]>> {
        self.prompts.get(&(enterprise, PromptId(id))).cloned()
    }

    /// The account a desk phone registers with.
    pub(crate) fn account(&self, username: &str) -> Option<&Account> {
        self.accounts.get(username)
    }

    /// The agent of an enterprise whose desk phone registers as `username` (their extension).
    pub(crate) fn user_of_account(&self, e: EnterpriseId, username: &str) -> Option<UserId> {
        self.by_user
            .iter()
            .find(|(_, u)| *u == username)
            .map(|(id, _)| *id)
            .filter(|_| {
                self.accounts
                    .get(username)
                    .is_some_and(|a| a.enterprise == e)
            })
    }

    /// An agent's account.
    pub(crate) fn account_of(&self, user: UserId) -> Option<&Account> {
        self.by_user.get(&user).and_then(|u| self.accounts.get(u))
    }

    /// Every trunk.
    pub(crate) fn trunks(&self) -> impl Iterator<Item = &TrunkEntry> {
        self.trunks.values()
    }

    /// One trunk.
    pub(crate) fn trunk(&self, id: TrunkId) -> Option<&TrunkEntry> {
        self.trunks.get(&id)
    }

    /// The caller ID and trunk for an enterprise's outbound call: the asked number if it is the
    /// enterprise's, else its first number on an enabled trunk that `usable` accepts.
    pub(crate) fn outbound(
        &self,
        enterprise: EnterpriseId,
        caller_number: Option<&str>,
        usable: impl Fn(TrunkId) -> bool,
    ) -> Option<(String, &TrunkEntry)> {
        let mut candidates: Vec<&(EnterpriseId, EnterpriseNumber)> = self
            .numbers
            .values()
            .filter(|(e, n)| {
                *e == enterprise
                    && n.service != NumberService::EchoTest
                    && caller_number.is_none_or(|c| normalise(c) == normalise(&n.number))
            })
            .collect();
        candidates.sort_by(|a, b| a.1.number.cmp(&b.1.number));
        candidates.into_iter().find_map(|(_, n)| {
            let t = self.trunks.get(&n.trunk_id)?;
            (t.trunk.enabled && usable(t.trunk.id)).then(|| (n.number.clone(), t))
        })
    }
}

#[cfg(test)]
mod tests {
    use model::prompts::PromptAudio;

    use super::*;

    #[test]
    fn a_prompt_is_found_only_for_its_own_enterprise() {
        let audio: Arc<[i16]> = Arc::from(vec![1, 2, 3]);
        let d = Directory::from(SipDirectory {
            prompts: vec![(EnterpriseId(1), PromptId(7), PromptAudio(audio.clone()))],
            ..SipDirectory::default()
        });
        assert_eq!(d.prompt(EnterpriseId(1), 7), Some(audio));
        assert_eq!(d.prompt(EnterpriseId(2), 7), None);
        assert_eq!(d.prompt(EnterpriseId(1), 8), None);
    }
}
