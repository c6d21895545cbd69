//! The registrar's bindings (RFC 3261 §10): contacts per address-of-record with expiry, refresh,
//! removal (`Expires: 0`, `*`), several contacts per AOR. Who may register is the engine's
//! business (digest against the agent's SIP credentials); this is the table.

use std::collections::BTreeMap;

use crate::Millis;
use crate::msg::{Message, param};

/// One registered contact.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Binding {
    /// The contact URI (where to send INVITEs).
    pub contact: String,
    /// When it lapses.
    pub expires_at: Millis,
    /// Call-ID of the registration (a refresh keeps it).
    pub call_id: String,
    /// CSeq of the last update (older ones are ignored).
    pub cseq: u32,
}

/// Why a REGISTER was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegisterError {
    /// The asked expiry is below the minimum: answer 423 with `Min-Expires`.
    #[error("interval too brief; minimum {0} s")]
    IntervalTooBrief(u32),
    /// `*` with a non-zero expiry, or a contact that is not a SIP URI: answer 400.
    #[error("bad contact")]
    BadContact,
    /// An older CSeq than the binding's for the same Call-ID: answer 500 (RFC 3261 §10.3 step 7).
    #[error("out-of-order request")]
    OutOfOrder,
}

/// Limits on expiry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegistrarConfig {
    /// Shortest accepted, seconds.
    pub min_expires: u32,
    /// Longest granted (longer asks are shortened), seconds.
    pub max_expires: u32,
    /// Used when the request says nothing, seconds.
    pub default_expires: u32,
}

impl Default for RegistrarConfig {
    fn default() -> Self {
        RegistrarConfig {
            min_expires: 60,
            max_expires: 7_200,
            default_expires: 3_600,
        }
    }
}

/// Bindings of every AOR.
#[derive(Debug, Default)]
pub struct Registrar {
    /// Expiry limits.
    config: RegistrarConfig,
    /// AOR → contact URI → binding.
    bindings: BTreeMap<String, BTreeMap<String, Binding>>,
}

/// The URI inside `<…>`, or the value before any parameter.
fn uri_of(contact: &str) -> &str {
    match (contact.find('<'), contact.find('>')) {
        (Some(a), Some(b)) if a < b => &contact[a + 1..b],
        _ => contact.split(';').next().unwrap_or(contact).trim(),
    }
}

/// Splits a Contact header value into its comma-separated entries (commas inside `<…>` kept).
fn contacts(value: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0i32, 0usize);
    for (i, c) in value.char_indices() {
        match c {
            '<' => depth += 1,
            '>' => depth -= 1,
            ',' if depth == 0 => {
                out.push(value[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(value[start..].trim());
    out.into_iter().filter(|s| !s.is_empty()).collect()
}

impl Registrar {
    /// A registrar with the given limits.
    pub fn new(config: RegistrarConfig) -> Self {
        Registrar {
            config,
            bindings: BTreeMap::new(),
        }
    }

    /// Applies a REGISTER for `aor` and returns the AOR's bindings afterwards (for the 200's
    /// Contact headers). An empty REGISTER (no Contact) only queries.
    pub fn register(
        &mut self,
        now: Millis,
        aor: &str,
        req: &Message,
    ) -> Result<Vec<Binding>, RegisterError> {
        self.expire(now);
        let default = req
            .header("Expires")
            .and_then(|e| e.trim().parse::<u32>().ok())
            .unwrap_or(self.config.default_expires);
        let call_id = req.header("Call-ID").unwrap_or_default().to_owned();
        let cseq = req.cseq().map(|(n, _)| n).unwrap_or_default();
        let entries: Vec<&str> = req.headers_named("Contact").flat_map(contacts).collect();
        if entries.iter().any(|c| c.trim() == "*") {
            if default != 0 || entries.len() != 1 {
                return Err(RegisterError::BadContact);
            }
            self.bindings.remove(aor);
            return Ok(Vec::new());
        }
        // Check every contact before changing anything.
        let mut changes = Vec::new();
        for c in &entries {
            let uri = uri_of(c);
            if !(uri.starts_with("sip:") || uri.starts_with("sips:")) {
                return Err(RegisterError::BadContact);
            }
            let expires = param(c, "expires")
                .and_then(|e| e.parse::<u32>().ok())
                .unwrap_or(default);
            if expires != 0 && expires < self.config.min_expires {
                return Err(RegisterError::IntervalTooBrief(self.config.min_expires));
            }
            if let Some(b) = self.bindings.get(aor).and_then(|m| m.get(uri))
                && b.call_id == call_id
                && cseq <= b.cseq
            {
                return Err(RegisterError::OutOfOrder);
            }
            changes.push((uri.to_owned(), expires.min(self.config.max_expires)));
        }
        let map = self.bindings.entry(aor.to_owned()).or_default();
        for (uri, expires) in changes {
            if expires == 0 {
                map.remove(&uri);
            } else {
                map.insert(
                    uri.clone(),
                    Binding {
                        contact: uri,
                        expires_at: now + u64::from(expires) * 1_000,
                        call_id: call_id.clone(),
                        cseq,
                    },
                );
            }
        }
        if map.is_empty() {
            self.bindings.remove(aor);
        }
        Ok(self.lookup(now, aor))
    }

    /// The live bindings of an AOR.
    pub fn lookup(&self, now: Millis, aor: &str) -> Vec<Binding> {
        self.bindings
            .get(aor)
            .map(|m| m.values().filter(|b| b.expires_at > now).cloned().collect())
            .unwrap_or_default()
    }

    /// Drops lapsed bindings; returns (AOR, contact) of each one dropped.
    pub fn expire(&mut self, now: Millis) -> Vec<(String, String)> {
        let mut gone = Vec::new();
        for (aor, m) in &mut self.bindings {
            m.retain(|uri, b| {
                let keep = b.expires_at > now;
                if !keep {
                    gone.push((aor.clone(), uri.clone()));
                }
                keep
            });
        }
        self.bindings.retain(|_, m| !m.is_empty());
        gone
    }

    /// The next time a binding lapses.
    pub fn poll_timeout(&self) -> Option<Millis> {
        self.bindings
            .values()
            .flat_map(|m| m.values().map(|b| b.expires_at))
            .min()
    }
}
