//! The SIP side of one leg: its dialog, its INVITE while it rings, and the B2BUA rules every
//! leg follows whatever the kind of call: responses to our INVITE (early media, answer, digest
//! retry, failure), a 2xx that crosses our CANCEL, and requests inside the dialog (BYE, hold and
//! resume by re-INVITE or UPDATE, DTMF by INFO).

use std::collections::VecDeque;
use std::net::SocketAddr;

use sip::dialog::{Dialog, DialogState};
use sip::failure::FailureCode;
use sip::msg::{Message, StartLine};
use sip::sdp::{self, AudioDesc, Direction, LocalMedia};
use sip::txn::{Peer, TxnId};

use crate::local::ALLOW;
use crate::{LegId, Local, Output, Tokens};

/// Where a SIP leg is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum State {
    /// Our INVITE is out; no final response yet.
    Calling,
    /// A leg that called us, answered with early media (183 and our SDP): its 200 OK waits
    /// until the call connects ([`SipLeg::confirm`]); until then it ends with a final error
    /// response ([`SipLeg::refuse`]) or the peer's CANCEL.
    Early,
    /// Answered (2xx, ACKed): the dialog is confirmed.
    Confirmed,
    /// We sent CANCEL; waiting for the INVITE's final response (a 2xx still gets ACK and BYE).
    Cancelling,
    /// Over.
    Ended,
}

/// Our side of a leg's SDP: what we offer, and the `o=` line's session id and version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SdpState {
    /// Our address, port and codecs.
    pub local: LocalMedia,
    /// The `o=` session id.
    pub session: u64,
    /// The `o=` version we last sent.
    pub version: u64,
}

impl SdpState {
    /// Our SDP state after sending `offer` (its `o=` session id and version are kept, so that
    /// later answers in the dialog carry the same session, one version up, as RFC 3264 asks).
    pub fn after_offer(local: LocalMedia, offer: &[u8]) -> SdpState {
        let origin = String::from_utf8_lossy(offer)
            .lines()
            .find_map(|l| l.strip_prefix("o=").map(str::to_owned));
        let field = |i: usize| {
            origin
                .as_deref()
                .and_then(|o| o.split_whitespace().nth(i))
                .and_then(|v| v.parse::<u64>().ok())
        };
        SdpState {
            local,
            session: field(1).unwrap_or(0),
            version: field(2).unwrap_or(1),
        }
    }
}

/// What a request inside a leg's dialog meant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InDialog {
    /// BYE: the peer hung up.
    HungUp,
    /// A new offer (re-INVITE or UPDATE) was answered: where its media goes now, and whether
    /// it put us on hold (sendonly, inactive or a 0.0.0.0 address).
    Media {
        /// Where the peer wants RTP now.
        remote: SocketAddr,
        /// On hold (true) or resumed (false).
        hold: bool,
    },
    /// A DTMF digit by SIP INFO.
    Digit(char),
    /// REFER (RFC 3515), accepted with 202: the phone's transfer key asks us to transfer the
    /// other side to `target` (the Refer-To URI). The call reports how it went with
    /// [`SipLeg::notify_refer`].
    Refer {
        /// The Refer-To URI, without its angle brackets and header part.
        target: String,
        /// An attended transfer's `Replaces` (RFC 3891): the Call-ID of the phone's other
        /// dialog, whose far end takes this one's place.
        replaces: Option<String>,
    },
    /// Nothing for the call (ACK, OPTIONS, a refused request).
    Nothing,
}

/// Answers a request inside a leg's dialog the same way on every kind of call: BYE with 200,
/// a re-INVITE or UPDATE offer with our answer in the mirrored direction (hold and resume), a
/// re-INVITE without SDP with our offer, INFO with 200 (a digit if it carries one), OPTIONS with
/// 200, other methods with 405. ACK gets no response. `None` when there is nothing to send.
pub fn answer_in_dialog(
    req: &Message,
    sdp_state: &mut SdpState,
    contact: &str,
) -> (Option<Message>, InDialog) {
    let method = req.method().unwrap_or_default();
    let ok = |req: &Message| {
        let mut r = req.response_to(200, "OK", None);
        r.headers.push(("Server".to_owned(), "Patchbay".to_owned()));
        r
    };
    match method {
        "ACK" => (None, InDialog::Nothing),
        "BYE" => (Some(ok(req)), InDialog::HungUp),
        "INVITE" | "UPDATE" if req.body.is_empty() => {
            let mut r = ok(req);
            r.headers
                .push(("Contact".to_owned(), format!("<{contact}>")));
            if method == "INVITE" {
                // A late-offer re-INVITE: we offer, the ACK answers.
                sdp_state.version += 1;
                r.headers
                    .push(("Content-Type".to_owned(), "application/sdp".to_owned()));
                r.body = sdp::write(
                    &sdp::offer(&sdp_state.local, Direction::SendRecv),
                    sdp_state.session,
                    sdp_state.version,
                );
            }
            (Some(r), InDialog::Nothing)
        }
        "INVITE" | "UPDATE" => {
            let answered = sdp::parse_audio(&req.body)
                .and_then(|o| Ok((sdp::answer(&o, &sdp_state.local)?, o)));
            match answered {
                Ok(((desc, _), offer)) => {
                    sdp_state.version += 1;
                    let mut r = ok(req);
                    r.headers
                        .push(("Contact".to_owned(), format!("<{contact}>")));
                    r.headers
                        .push(("Content-Type".to_owned(), "application/sdp".to_owned()));
                    r.body = sdp::write(&desc, sdp_state.session, sdp_state.version);
                    let event = InDialog::Media {
                        remote: offer.rtp_addr(),
                        hold: offer.is_hold(),
                    };
                    (Some(r), event)
                }
                Err(_) => (
                    Some(req.response_to(488, "Not Acceptable Here", None)),
                    InDialog::Nothing,
                ),
            }
        }
        "INFO" => {
            let digit = media::dtmf::parse_dtmf_relay(&String::from_utf8_lossy(&req.body));
            (
                Some(ok(req)),
                digit.map_or(InDialog::Nothing, InDialog::Digit),
            )
        }
        "REFER" => match refer_target(req) {
            Ok((target, replaces)) => {
                let mut r = req.response_to(202, "Accepted", None);
                r.headers
                    .push(("Contact".to_owned(), format!("<{contact}>")));
                (Some(r), InDialog::Refer { target, replaces })
            }
            Err((code, reason)) => (Some(req.response_to(code, reason, None)), InDialog::Nothing),
        },
        "OPTIONS" => {
            let mut r = ok(req);
            r.headers.push(("Allow".to_owned(), ALLOW.to_owned()));
            (Some(r), InDialog::Nothing)
        }
        _ => {
            let mut r = req.response_to(405, "Method Not Allowed", None);
            r.headers.push(("Allow".to_owned(), ALLOW.to_owned()));
            (Some(r), InDialog::Nothing)
        }
    }
}

/// The target of a REFER: its Refer-To URI (a blind transfer) and, for an attended transfer,
/// the Call-ID its `Replaces` names (RFC 3891 §6.1: a header of the Refer-To URI, escaped), or
/// why it is refused.
fn refer_target(req: &Message) -> Result<(String, Option<String>), (u16, &'static str)> {
    let to = req
        .header("Refer-To")
        .or_else(|| req.header("r"))
        .ok_or((400, "Missing Refer-To"))?;
    let uri = match (to.find('<'), to.find('>')) {
        (Some(a), Some(b)) if a < b => &to[a + 1..b],
        _ => to.split(';').next().unwrap_or(to).trim(),
    };
    let (uri, headers) = uri.split_once('?').unwrap_or((uri, ""));
    if uri.is_empty() {
        return Err((400, "Bad Refer-To"));
    }
    let replaces = headers
        .split('&')
        .filter_map(|h| h.split_once('='))
        .find(|(name, _)| name.eq_ignore_ascii_case("Replaces"))
        .map(|(_, value)| {
            let value = percent_encoding::percent_decode_str(value).decode_utf8_lossy();
            value
                .split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .to_owned()
        });
    if replaces.as_deref() == Some("") {
        return Err((400, "Bad Replaces"));
    }
    Ok((uri.to_owned(), replaces))
}

/// The answer to a request for a dialog the call does not have (any more): 481, except that an
/// ACK is never answered in SIP (a late ACK for our 2xx is simply absorbed).
pub(crate) fn no_dialog(txn: TxnId, req: &Message) -> Option<Output> {
    let (code, reason) = sip::dialog::DialogError::NoDialog.response();
    (req.method() != Some("ACK")).then(|| Output::Respond {
        txn,
        msg: req.response_to(code, reason, None),
    })
}

/// What a SIP event on a leg means to its call.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum LegEvent {
    /// Nothing for the call.
    Nothing,
    /// A provisional response, with SDP when it brings early media.
    Progress(Option<AudioDesc>),
    /// The leg answered (2xx, ACKed), with its SDP.
    Answered(Option<AudioDesc>),
    /// The INVITE failed (a final response ≥ 300).
    Failed(FailureCode),
    /// The INVITE got no final response in time.
    TimedOut,
    /// A request inside the dialog.
    InDialog(InDialog),
}

/// What a leg needs from its call to act: its id, our address, tokens and the outbox.
pub(crate) struct Ctx<'a> {
    pub(crate) leg: LegId,
    pub(crate) local: &'a Local,
    pub(crate) tokens: &'a mut Tokens,
    pub(crate) out: &'a mut VecDeque<Output>,
}

/// The SIP side of one leg.
#[derive(Debug, Clone)]
pub(crate) struct SipLeg {
    /// Where the peer is.
    peer: Peer,
    /// Our INVITE while the leg rings (the last one sent; a challenge makes a new one).
    invite: Option<Message>,
    /// The dialog, once answered.
    dialog: Option<Dialog>,
    /// Our SDP.
    sdp: SdpState,
    pub(crate) state: State,
    /// Credentials for a carrier's digest challenge (trunk legs).
    credentials: Option<(String, String)>,
    /// Challenges answered so far (one is enough; a second means the credentials are wrong).
    auth_tries: u8,
    /// A leg that called us and whose 2xx has not been ACKed yet.
    unacked: bool,
    /// A leg that called us, in [`State::Early`]: its INVITE's transaction, the INVITE and the
    /// 200 OK to send when the call connects.
    early: Option<(TxnId, Message, Message)>,
}

/// A new call's INVITE, answered: the 200 OK to send, the dialog, our SDP state, and the
/// media agreed (the caller's address is unknown until its ACK when the INVITE had no offer).
#[derive(Debug, Clone)]
pub(crate) struct Answered {
    pub(crate) ok: Message,
    pub(crate) dialog: Dialog,
    pub(crate) sdp: SdpState,
    pub(crate) remote: Option<SocketAddr>,
    pub(crate) codec: sdp::AudioCodec,
    pub(crate) telephone_event: u8,
}

/// Why a new call's INVITE cannot be answered: the status and reason phrase to refuse it with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{code} {reason}")]
pub struct Refusal {
    /// The status.
    pub code: u16,
    /// The reason phrase.
    pub reason: &'static str,
}

/// Answers a new call's INVITE with our media: an offer in it is answered; no offer (late offer)
/// gets ours in the 200 OK, and the ACK brings the answer.
pub(crate) fn answer_invite(
    invite: &Message,
    local: LocalMedia,
    contact: &str,
    tokens: &mut Tokens,
) -> Result<Answered, Refusal> {
    let (desc, codec, remote, te) = if invite.body.is_empty() {
        let te = local.telephone_event;
        // The caller's answer comes in its ACK, which the call does not read: send in the codec
        // we prefer (the first we offer, which the answer normally keeps). PCMA may not even be
        // in the offer.
        let codec = local
            .codecs
            .first()
            .copied()
            .unwrap_or(sdp::AudioCodec::Pcma);
        (sdp::offer(&local, Direction::SendRecv), codec, None, te)
    } else {
        let (d, n) = sdp::parse_audio(&invite.body)
            .and_then(|o| sdp::answer(&o, &local))
            .map_err(|_| Refusal {
                code: 488,
                reason: "Not Acceptable Here",
            })?;
        let te = n.telephone_event.unwrap_or(local.telephone_event);
        (d, n.codec, Some(n.remote), te)
    };
    let tag = tokens.token();
    let dialog = Dialog::as_uas(invite, &tag, DialogState::Confirmed).ok_or(Refusal {
        code: 400,
        reason: "Missing Contact",
    })?;
    let session = tokens.sdp_session();
    let mut ok = invite.response_to(200, "OK", Some(&tag));
    ok.headers
        .push(("Contact".to_owned(), format!("<{contact}>")));
    ok.headers
        .push(("Content-Type".to_owned(), "application/sdp".to_owned()));
    ok.headers
        .push(("Server".to_owned(), "Patchbay".to_owned()));
    ok.body = sdp::write(&desc, session, 1);
    Ok(Answered {
        ok,
        dialog,
        sdp: SdpState {
            local,
            session,
            version: 1,
        },
        remote,
        codec,
        telephone_event: te,
    })
}

impl SipLeg {
    /// A leg we call: sends `invite` to `peer`.
    pub(crate) fn call(
        ctx: &mut Ctx<'_>,
        peer: Peer,
        invite: Message,
        local: LocalMedia,
        credentials: Option<(String, String)>,
    ) -> SipLeg {
        ctx.out.push_back(Output::SendRequest {
            leg: ctx.leg,
            peer,
            msg: invite.clone(),
        });
        SipLeg {
            peer,
            sdp: SdpState::after_offer(local, &invite.body),
            invite: Some(invite),
            dialog: None,
            state: State::Calling,
            credentials,
            auth_tries: 0,
            unacked: false,
            early: None,
        }
    }

    /// A leg that called us and that we answered (the 200 OK is on its way).
    pub(crate) fn answered(ctx: &mut Ctx<'_>, peer: Peer, answered: Answered) -> SipLeg {
        ctx.out.push_back(Output::DialogUp {
            leg: ctx.leg,
            dialog: answered.dialog.id.clone(),
        });
        SipLeg {
            peer,
            invite: None,
            dialog: Some(answered.dialog),
            sdp: answered.sdp,
            state: State::Confirmed,
            credentials: None,
            auth_tries: 0,
            unacked: true,
            early: None,
        }
    }

    /// A leg that called us, given early media: `183 Session Progress` with our SDP goes out on
    /// its INVITE's transaction `txn` now, the 200 OK (same tag and SDP) when the call connects.
    pub(crate) fn early(
        ctx: &mut Ctx<'_>,
        peer: Peer,
        answered: Answered,
        txn: TxnId,
        invite: Message,
    ) -> SipLeg {
        let ok = answered.ok.clone();
        let mut progress = ok.clone();
        progress.start = StartLine::Response {
            code: 183,
            reason: "Session Progress".to_owned(),
        };
        ctx.out.push_back(Output::Respond { txn, msg: progress });
        let mut leg = SipLeg::answered(ctx, peer, answered);
        leg.state = State::Early;
        leg.unacked = false;
        leg.early = Some((txn, invite, ok));
        leg
    }

    /// The call connected: an early leg gets its 200 OK (then waits for the ACK).
    pub(crate) fn confirm(&mut self, ctx: &mut Ctx<'_>) {
        if self.state != State::Early {
            return;
        }
        if let Some((txn, _, ok)) = self.early.take() {
            ctx.out.push_back(Output::Respond { txn, msg: ok });
        }
        self.state = State::Confirmed;
        self.unacked = true;
    }

    /// Ends an early leg with a final error response (the call failed before it connected);
    /// false when the leg is not early.
    pub(crate) fn refuse(&mut self, ctx: &mut Ctx<'_>, code: u16, reason: &str) -> bool {
        if self.state != State::Early {
            return false;
        }
        if let Some((txn, invite, ok)) = self.early.take() {
            let tag = ok.tag("To").map(str::to_owned);
            let mut r = invite.response_to(code, reason, tag.as_deref());
            r.headers.push(("Server".to_owned(), "Patchbay".to_owned()));
            ctx.out.push_back(Output::Respond { txn, msg: r });
        }
        self.state = State::Ended;
        if let Some(d) = self.dialog.take() {
            ctx.out.push_back(Output::DialogDown { dialog: d.id });
        }
        true
    }

    /// The peer cancelled its INVITE: an early leg answers it 487 and is over (the call hears
    /// of it as a hang-up); any other leg ignores it (the INVITE was answered already).
    pub(crate) fn on_cancel(&mut self, ctx: &mut Ctx<'_>) -> LegEvent {
        if self.refuse(ctx, 487, "Request Terminated") {
            LegEvent::InDialog(InDialog::HungUp)
        } else {
            LegEvent::Nothing
        }
    }

    /// Where we are on this leg: the endpoint at the address its SDP advertises.
    fn here(&self, ctx: &Ctx<'_>) -> Local {
        ctx.local.at(self.sdp.local.addr)
    }

    /// The Call-ID of the leg's dialog, once it has one.
    pub(crate) fn call_id(&self) -> Option<&str> {
        self.dialog.as_ref().map(|d| d.id.call_id.as_str())
    }

    /// Our media address and codecs on this leg.
    pub(crate) fn local_media(&self) -> &LocalMedia {
        &self.sdp.local
    }

    /// A response to one of our requests on this leg.
    pub(crate) fn on_response(&mut self, ctx: &mut Ctx<'_>, msg: &Message) -> LegEvent {
        let (Some(code), Ok((_, "INVITE"))) = (msg.status(), msg.cseq()) else {
            // Responses to our BYE or CANCEL: nothing to do.
            return LegEvent::Nothing;
        };
        let sdp = sdp::parse_audio(&msg.body).ok();
        match (self.state, code) {
            (State::Ended | State::Early, _) | (_, 100) => LegEvent::Nothing,
            (State::Calling, 101..=199) => LegEvent::Progress(sdp),
            (State::Cancelling, 101..=199) => LegEvent::Nothing,
            (State::Confirmed, 200..=299) => {
                // A retransmitted 2xx: ACK it again.
                self.ack(ctx);
                LegEvent::Nothing
            }
            (State::Calling | State::Cancelling, 200..=299) => {
                let cancelled = self.state == State::Cancelling;
                let Some(dialog) = self.invite.as_ref().and_then(|i| Dialog::as_uac(i, msg)) else {
                    self.state = State::Ended;
                    return LegEvent::Failed(FailureCode::NetworkError);
                };
                self.dialog = Some(Dialog {
                    state: DialogState::Confirmed,
                    ..dialog
                });
                self.ack(ctx);
                if cancelled {
                    // Our CANCEL crossed the 2xx: the leg is up, so it is hung up at once.
                    self.state = State::Confirmed;
                    self.hang_up(ctx);
                    return LegEvent::Nothing;
                }
                self.state = State::Confirmed;
                if let Some(d) = &self.dialog {
                    ctx.out.push_back(Output::DialogUp {
                        leg: ctx.leg,
                        dialog: d.id.clone(),
                    });
                }
                LegEvent::Answered(sdp)
            }
            (State::Calling, 401 | 407) if self.auth_tries == 0 && self.credentials.is_some() => {
                let retry = match (&self.invite, &self.credentials) {
                    (Some(invite), Some((user, pass))) => self.here(ctx).answer_challenge(
                        invite,
                        code,
                        msg,
                        (user, pass),
                        self.peer,
                        ctx.tokens,
                    ),
                    _ => None,
                };
                let Some(retry) = retry else {
                    self.state = State::Ended;
                    return LegEvent::Failed(FailureCode::TrunkDown);
                };
                self.auth_tries += 1;
                ctx.out.push_back(Output::SendRequest {
                    leg: ctx.leg,
                    peer: self.peer,
                    msg: retry.clone(),
                });
                self.invite = Some(retry);
                LegEvent::Nothing
            }
            (State::Calling, _) => {
                self.state = State::Ended;
                let reason = match &msg.start {
                    StartLine::Response { reason, .. } => reason.as_str(),
                    StartLine::Request { .. } => "",
                };
                LegEvent::Failed(FailureCode::from_final(
                    code,
                    reason,
                    msg.header("Reason"),
                    false,
                ))
            }
            (State::Cancelling, _) => {
                self.state = State::Ended;
                LegEvent::Nothing
            }
            (State::Confirmed, _) => LegEvent::Nothing,
        }
    }

    /// Our INVITE got no final response in time, or (a leg that called us) our 2xx was never
    /// ACKed: the peer is gone.
    pub(crate) fn on_timeout(&mut self) -> LegEvent {
        match self.state {
            State::Confirmed if self.unacked => {
                self.unacked = false;
                LegEvent::TimedOut
            }
            State::Calling => {
                self.state = State::Ended;
                LegEvent::TimedOut
            }
            State::Cancelling => {
                self.state = State::Ended;
                LegEvent::Nothing
            }
            State::Early | State::Confirmed | State::Ended => LegEvent::Nothing,
        }
    }

    /// A request inside this leg's dialog.
    pub(crate) fn on_request(&mut self, ctx: &mut Ctx<'_>, txn: TxnId, req: &Message) -> LegEvent {
        let Some(dialog) = self.dialog.as_mut() else {
            ctx.out.extend(no_dialog(txn, req));
            return LegEvent::Nothing;
        };
        if let Err(e) = dialog.on_request(req) {
            let (code, reason) = e.response();
            ctx.out.push_back(Output::Respond {
                txn,
                msg: req.response_to(code, reason, None),
            });
            return LegEvent::Nothing;
        }
        if req.method() == Some("ACK") {
            self.unacked = false;
        }
        let contact = self.here(ctx).contact();
        let (response, event) = answer_in_dialog(req, &mut self.sdp, &contact);
        if let Some(msg) = response {
            ctx.out.push_back(Output::Respond { txn, msg });
        }
        if event == InDialog::HungUp {
            // A BYE before our 2xx (RFC 3261 asks for CANCEL): the INVITE still gets its answer.
            self.refuse(ctx, 487, "Request Terminated");
            self.state = State::Ended;
            if let Some(d) = self.dialog.take() {
                ctx.out.push_back(Output::DialogDown { dialog: d.id });
            }
        }
        LegEvent::InDialog(event)
    }

    /// Tells the phone that sent a REFER how the transfer went (RFC 3515 §2.4.5): a NOTIFY in
    /// the dialog whose body is the status line (`message/sipfrag`), ending the implicit
    /// subscription.
    pub(crate) fn notify_refer(&mut self, ctx: &mut Ctx<'_>, code: u16, reason: &str) {
        let here = self.here(ctx);
        let (State::Confirmed, Some(d)) = (self.state, self.dialog.as_mut()) else {
            return;
        };
        let via = here.via(self.peer.transport, ctx.tokens);
        let body = format!("SIP/2.0 {code} {reason}\r\n").into_bytes();
        let mut notify = d.request("NOTIFY", &via, &here.contact(), body);
        notify
            .headers
            .push(("Event".to_owned(), "refer".to_owned()));
        notify.headers.push((
            "Subscription-State".to_owned(),
            "terminated;reason=noresource".to_owned(),
        ));
        notify.set_header("Content-Type", "message/sipfrag;version=2.0");
        ctx.out.push_back(Output::SendRequest {
            leg: ctx.leg,
            peer: self.peer,
            msg: notify,
        });
    }

    /// Ends the leg from our side: BYE when answered, CANCEL while it rings.
    pub(crate) fn hang_up(&mut self, ctx: &mut Ctx<'_>) {
        match self.state {
            State::Confirmed => {
                if let Some(mut d) = self.dialog.take() {
                    let here = self.here(ctx);
                    let via = here.via(self.peer.transport, ctx.tokens);
                    let bye = d.request("BYE", &via, &here.contact(), Vec::new());
                    ctx.out.push_back(Output::SendRequest {
                        leg: ctx.leg,
                        peer: self.peer,
                        msg: bye,
                    });
                    ctx.out.push_back(Output::DialogDown { dialog: d.id });
                }
                self.state = State::Ended;
            }
            State::Calling => {
                ctx.out.push_back(Output::Cancel { leg: ctx.leg });
                self.state = State::Cancelling;
            }
            State::Early => {
                self.refuse(ctx, 487, "Request Terminated");
            }
            State::Cancelling | State::Ended => {}
        }
    }

    /// True once nothing more can happen on the leg.
    pub(crate) fn is_over(&self) -> bool {
        self.state == State::Ended
    }

    fn ack(&self, ctx: &mut Ctx<'_>) {
        let (Some(d), Some(invite)) = (&self.dialog, &self.invite) else {
            return;
        };
        let seq = invite.cseq().map(|(n, _)| n).unwrap_or(1);
        let here = self.here(ctx);
        let via = here.via(self.peer.transport, ctx.tokens);
        ctx.out.push_back(Output::SendAck {
            peer: self.peer,
            msg: d.ack(seq, &via, &here.contact()),
        });
    }
}
