//! Dialogs (RFC 3261 §12): the state two user agents share after an INVITE. The B2BUA keeps one
//! dialog per leg; nothing of one leg's dialog is copied into another's.

use std::collections::HashMap;

use crate::msg::{Message, StartLine, param};

/// Identifies a dialog from our side: Call-ID, our tag, the peer's tag.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DialogId {
    /// Call-ID.
    pub call_id: String,
    /// Our tag (To tag when we are the UAS, From tag when the UAC).
    pub local_tag: String,
    /// The peer's tag.
    pub remote_tag: String,
}

impl DialogId {
    /// The dialog an incoming in-dialog request names: our tag is its To tag, the peer's its
    /// From tag. `None` when it has no To tag (not an in-dialog request).
    pub fn of_request(req: &Message) -> Option<DialogId> {
        Some(DialogId {
            call_id: req.header("Call-ID").unwrap_or_default().to_owned(),
            local_tag: req.tag("To")?.to_owned(),
            remote_tag: req.tag("From").unwrap_or_default().to_owned(),
        })
    }
}

/// Early (provisional with a tag) or confirmed (2xx).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DialogState {
    /// Established by a provisional response with a To tag.
    Early,
    /// Established by a 2xx.
    Confirmed,
}

/// Why an in-dialog request was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DialogError {
    /// No such dialog: answer 481 Call/Transaction Does Not Exist.
    #[error("no such dialog")]
    NoDialog,
    /// CSeq lower than the last one seen: answer 500 (RFC 3261 §12.2.2).
    #[error("CSeq out of order")]
    OutOfOrder,
}

impl DialogError {
    /// Status and reason phrase to answer with.
    pub fn response(&self) -> (u16, &'static str) {
        match self {
            DialogError::NoDialog => (481, "Call/Transaction Does Not Exist"),
            DialogError::OutOfOrder => (500, "CSeq Out Of Order"),
        }
    }
}

/// One dialog.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dialog {
    /// Its id.
    pub id: DialogId,
    /// Early or confirmed.
    pub state: DialogState,
    /// Our URI with our tag (From of our requests).
    pub local: String,
    /// The peer's URI with its tag (To of our requests).
    pub remote: String,
    /// Where in-dialog requests go (the peer's Contact; refreshed by re-INVITE and UPDATE).
    pub remote_target: String,
    /// Route set from Record-Route (reversed for the UAC).
    pub route_set: Vec<String>,
    /// Our last CSeq number.
    pub local_seq: u32,
    /// The peer's last CSeq number.
    pub remote_seq: Option<u32>,
    /// The highest RSeq acknowledged with PRACK (reliable provisionals, RFC 3262).
    pub last_rseq: Option<u32>,
}

fn uri_in(contact: &str) -> String {
    match (contact.find('<'), contact.find('>')) {
        (Some(a), Some(b)) if a < b => contact[a + 1..b].to_owned(),
        _ => contact
            .split(';')
            .next()
            .unwrap_or(contact)
            .trim()
            .to_owned(),
    }
}

impl Dialog {
    /// The dialog we (UAS) form by answering `invite` with our `local_tag`, confirmed or early.
    pub fn as_uas(invite: &Message, local_tag: &str, state: DialogState) -> Option<Dialog> {
        let call_id = invite.header("Call-ID")?.to_owned();
        let remote_tag = invite.tag("From")?.to_owned();
        let to = invite.header("To")?;
        let local = if param(to, "tag").is_some() {
            to.to_owned()
        } else {
            format!("{to};tag={local_tag}")
        };
        Some(Dialog {
            id: DialogId {
                call_id,
                local_tag: local_tag.to_owned(),
                remote_tag,
            },
            state,
            local,
            remote: invite.header("From")?.to_owned(),
            remote_target: uri_in(invite.header("Contact")?),
            route_set: invite
                .headers_named("Record-Route")
                .map(str::to_owned)
                .collect(),
            local_seq: 0,
            remote_seq: invite.cseq().ok().map(|(n, _)| n),
            last_rseq: None,
        })
    }

    /// The dialog a response to our INVITE forms (a provisional with a To tag, or a 2xx).
    pub fn as_uac(invite: &Message, response: &Message) -> Option<Dialog> {
        let code = response.status()?;
        let state = match code {
            101..=199 => DialogState::Early,
            200..=299 => DialogState::Confirmed,
            _ => return None,
        };
        Some(Dialog {
            id: DialogId {
                call_id: invite.header("Call-ID")?.to_owned(),
                local_tag: invite.tag("From")?.to_owned(),
                remote_tag: response.tag("To")?.to_owned(),
            },
            state,
            local: invite.header("From")?.to_owned(),
            remote: response.header("To")?.to_owned(),
            remote_target: uri_in(response.header("Contact")?),
            route_set: response
                .headers_named("Record-Route")
                .map(str::to_owned)
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect(),
            local_seq: invite.cseq().ok()?.0,
            remote_seq: None,
            last_rseq: None,
        })
    }

    /// A new in-dialog request (BYE, re-INVITE, UPDATE, INFO …) with the next CSeq. `via` is the
    /// whole Via value with a fresh branch; `contact` our Contact URI.
    pub fn request(&mut self, method: &str, via: &str, contact: &str, body: Vec<u8>) -> Message {
        self.local_seq += 1;
        self.build(method, self.local_seq, via, contact, body)
    }

    /// The ACK for a 2xx to our INVITE with CSeq `invite_seq`.
    pub fn ack(&self, invite_seq: u32, via: &str, contact: &str) -> Message {
        self.build("ACK", invite_seq, via, contact, Vec::new())
    }

    fn build(&self, method: &str, seq: u32, via: &str, contact: &str, body: Vec<u8>) -> Message {
        let mut headers = vec![
            ("Via".to_owned(), via.to_owned()),
            ("Max-Forwards".to_owned(), "70".to_owned()),
        ];
        for r in &self.route_set {
            headers.push(("Route".to_owned(), r.clone()));
        }
        headers.push(("From".to_owned(), self.local.clone()));
        headers.push(("To".to_owned(), self.remote.clone()));
        headers.push(("Call-ID".to_owned(), self.id.call_id.clone()));
        headers.push(("CSeq".to_owned(), format!("{seq} {method}")));
        headers.push(("Contact".to_owned(), format!("<{contact}>")));
        if !body.is_empty() {
            headers.push(("Content-Type".to_owned(), "application/sdp".to_owned()));
        }
        Message {
            start: StartLine::Request {
                method: method.to_owned(),
                uri: self.remote_target.clone(),
            },
            headers,
            body,
        }
    }

    /// Checks an incoming in-dialog request's CSeq and applies a target refresh (re-INVITE,
    /// UPDATE with a Contact).
    pub fn on_request(&mut self, req: &Message) -> Result<(), DialogError> {
        let (seq, method) = req.cseq().map_err(|_| DialogError::OutOfOrder)?;
        if method != "ACK" && method != "CANCEL" {
            if self.remote_seq.is_some_and(|last| seq <= last) {
                return Err(DialogError::OutOfOrder);
            }
            self.remote_seq = Some(seq);
        }
        if matches!(method, "INVITE" | "UPDATE")
            && let Some(c) = req.header("Contact")
        {
            self.remote_target = uri_in(c);
        }
        Ok(())
    }

    /// The PRACK a reliable provisional response needs (RFC 3262), or `None` when it is not
    /// reliable or is a retransmission of one already acknowledged.
    pub fn prack(&mut self, response: &Message, via: &str, contact: &str) -> Option<Message> {
        let reliable = response.headers_named("Require").any(|v| {
            v.split(',')
                .any(|o| o.trim().eq_ignore_ascii_case("100rel"))
        });
        let code = response.status()?;
        if !reliable || !(101..=199).contains(&code) {
            return None;
        }
        let rseq: u32 = response.header("RSeq")?.trim().parse().ok()?;
        if self.last_rseq.is_some_and(|last| rseq <= last) {
            return None;
        }
        self.last_rseq = Some(rseq);
        let (cseq, method) = response.cseq().ok()?;
        let mut prack = self.request("PRACK", via, contact, Vec::new());
        prack
            .headers
            .push(("RAck".to_owned(), format!("{rseq} {cseq} {method}")));
        Some(prack)
    }
}

/// The dialogs of one endpoint.
#[derive(Debug, Default)]
pub struct Dialogs {
    /// By id.
    map: HashMap<DialogId, Dialog>,
}

impl Dialogs {
    /// Adds (or replaces, e.g. early → confirmed) a dialog.
    pub fn insert(&mut self, d: Dialog) {
        self.map.insert(d.id.clone(), d);
    }

    /// Removes a dialog (after BYE).
    pub fn remove(&mut self, id: &DialogId) -> Option<Dialog> {
        self.map.remove(id)
    }

    /// Looks a dialog up.
    pub fn get_mut(&mut self, id: &DialogId) -> Option<&mut Dialog> {
        self.map.get_mut(id)
    }

    /// Number of dialogs.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when there are none.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The dialog an incoming in-dialog request (one whose To has a tag) belongs to: our tag is
    /// its To tag, the peer's its From tag. `Err(NoDialog)` means answer 481.
    pub fn match_request(&mut self, req: &Message) -> Result<&mut Dialog, DialogError> {
        let id = DialogId::of_request(req).ok_or(DialogError::NoDialog)?;
        let d = self.map.get_mut(&id).ok_or(DialogError::NoDialog)?;
        d.on_request(req)?;
        Ok(d)
    }
}
