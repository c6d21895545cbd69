//! Admitting a call to an enterprise number: a trunk's INVITE (source, number, the trunk's
//! call limit, an RTP port) or a web widget visitor's WebRTC offer; then `callflow::Call::answer`
//! answers and runs it.

use std::sync::atomic::Ordering;

use callflow::{Call, CallId, Customer, InboundCall, Service};
use model::telephony::NumberService;
use sip::Millis;
use sip::msg::{Message, StartLine};
use sip::sdp::{AudioCodec, LocalMedia};
use sip::txn::{Peer, Transactions, TxnId};

use super::Route;
use crate::mediaplane::LegMedia;
use crate::sipd::calls::{Calls, random_token, wall_ms};
use crate::sipd::directory::{InboundRoute, Refusal};
use crate::sipd::widget::{WidgetAnswer, WidgetError, WidgetRequest, is_digit};
use std::net::IpAddr;

impl Calls {
    /// A new INVITE: a call to one of the enterprises' numbers, or a refusal with a reason.
    pub(in crate::sipd) fn invite(
        &mut self,
        now: Millis,
        id: TxnId,
        from: Peer,
        msg: Message,
        txns: &mut Transactions,
    ) {
        let StartLine::Request { uri, .. } = &msg.start else {
            return;
        };
        let number = uri
            .trim_start_matches("sip:")
            .trim_start_matches("sips:")
            .split(['@', ';'])
            .next()
            .unwrap_or_default()
            .to_owned();
        let route = self.directory.inbound(from.addr.ip(), &number);
        // A desk phone's own call (the agent dialled on its keypad), or a source no trunk
        // allows: that one is challenged like a phone whatever account its From names (or
        // none), so the answer never tells a stranger which accounts exist.
        let stranger = matches!(route, Err(Refusal::UnknownSource));
        if stranger || self.is_phone_invite(from, &msg, route.is_ok()) {
            self.phone_invite(now, id, from, msg, number, txns);
            return;
        }
        let Ok(route) = route else {
            self.reply(now, txns, id, &msg, 404, "Number Not Found");
            return;
        };
        if !self.has_line_for(route.enterprise) {
            tracing::info!(
                enterprise = route.enterprise.0,
                "INVITE refused: the enterprise's concurrent-call limit"
            );
            self.reply(now, txns, id, &msg, 486, "Call Limit Reached");
            return;
        }
        if !super::super::trunks::Here::new(
            self.local_addr,
            self.config.sip_public,
            &self.directory,
            &self.flows,
        )
        .has_room(route.trunk)
        {
            self.reply(now, txns, id, &msg, 503, "Trunk Busy");
            return;
        }
        let Some(socket) = self.rtp_socket() else {
            self.reply(now, txns, id, &msg, 503, "No Media Ports Free");
            return;
        };
        let media = LocalMedia {
            addr: self.advertised(from.addr.ip(), Some(route.trunk)),
            port: socket.local_addr().map(|a| a.port()).unwrap_or_default(),
            codecs: vec![AudioCodec::Pcma, AudioCodec::Pcmu],
            telephone_event: 101,
        };
        let caller = msg.header("From").map(super::user_of).unwrap_or_default();
        let port = media.port;
        let customer = Customer::Trunk {
            peer: from,
            invite: msg.clone(),
            txn: id,
            media,
        };
        let call = match self.answer(&route, caller, customer) {
            Ok(c) => c,
            Err(refusal) => {
                tracing::debug!(%refusal, "INVITE refused");
                self.reply(now, txns, id, &msg, refusal.code, refusal.reason);
                return;
            }
        };
        let mut r = Route::new(self.media.room());
        r.sockets.insert(port, socket);
        r.trunks.push(route.trunk);
        if let Some((leg, _)) = call.customer_media() {
            self.flows.by_txn.insert(id, (call.id().0, leg));
            r.invites.insert(leg, id);
        }
        self.admitted(now, call, r, &route, txns);
    }

    /// Whether an enterprise may take one more call (its concurrent-call limit).
    pub(in crate::sipd) fn has_line_for(&self, e: model::EnterpriseId) -> bool {
        self.directory
            .limits(e)
            .concurrent_calls
            .is_none_or(|max| self.flows.of_enterprise(e) < max as usize)
    }

    /// A web widget visitor's call, its WebRTC session answered: it goes in like a trunk's.
    pub(in crate::sipd) fn admit_widget(
        &mut self,
        now: Millis,
        route: &InboundRoute,
        media: LegMedia,
        txns: &mut Transactions,
    ) -> Option<u64> {
        let caller = crate::sipd::WIDGET_CALLER.to_owned();
        let call = self.answer(route, caller, Customer::Widget).ok()?;
        let mut r = Route::new(self.media.room());
        r.visitor = Some(media);
        let id = call.id().0;
        self.admitted(now, call, r, route, txns);
        Some(id)
    }

    /// The call for an admitted customer (refused when its INVITE cannot be answered).
    fn answer(
        &mut self,
        route: &InboundRoute,
        caller: String,
        customer: Customer,
    ) -> Result<Call, callflow::Refusal> {
        self.next_call += 1;
        let id = self.next_call;
        let service = match (&route.service, &route.flow) {
            (NumberService::EchoTest, _) => Service::Echo,
            (NumberService::Ivr, Some(flow)) => Service::Ivr(flow.clone()),
            _ => Service::Welcome,
        };
        let spec = InboundCall {
            id: CallId(id),
            key: format!("{}-{id}", random_token()),
            enterprise: route.enterprise,
            caller,
            number: route.number.clone(),
            customer,
            service,
            transcribe: self.transcripts.for_every_call(route.enterprise),
        };
        Call::answer(wall_ms(), spec, self.local(), rand::random())
    }

    fn admitted(
        &mut self,
        now: Millis,
        call: Call,
        route: Route,
        inbound: &InboundRoute,
        txns: &mut Transactions,
    ) {
        let id = call.id().0;
        self.stats.answered.fetch_add(1, Ordering::Relaxed);
        self.stats.active.fetch_add(1, Ordering::Relaxed);
        tracing::info!(call = id, enterprise = inbound.enterprise.0, number = %inbound.number, "call answered");
        self.start_call(now, call, route, txns);
    }

    pub(crate) fn widget_request(
        &mut self,
        now: Millis,
        req: WidgetRequest,
        txns: &mut Transactions,
    ) {
        match req {
            WidgetRequest::Call {
                number,
                sdp,
                source,
                reply,
            } => {
                let _ = reply.send(self.widget_call(now, &number, &sdp, source, txns));
            }
            WidgetRequest::Dtmf {
                token,
                digit,
                reply,
            } => {
                let r = match self.widgets.call_of(&token) {
                    _ if !is_digit(digit) => Err(WidgetError::BadDigit),
                    Some(call) => {
                        tracing::info!(call, digit = %digit, "DTMF received");
                        self.stats.push_digit(digit);
                        self.call_input(now, call, callflow::Input::Digit(digit), txns);
                        Ok(())
                    }
                    None => Err(WidgetError::NoSuchCall),
                };
                let _ = reply.send(r);
            }
            WidgetRequest::Hangup { token, reply } => {
                let r = match self.widgets.call_of(&token) {
                    Some(call) => {
                        tracing::info!(call, "the visitor hung up the widget call");
                        let by = model::calls::HangupSide::Customer;
                        self.call_input(now, call, callflow::Input::Hangup { by }, txns);
                        Ok(())
                    }
                    None => Err(WidgetError::NoSuchCall),
                };
                let _ = reply.send(r);
            }
        }
    }

    /// A visitor's offer to call `number`: answered, and the call goes in like a trunk's.
    fn widget_call(
        &mut self,
        now: Millis,
        number: &str,
        sdp: &str,
        source: IpAddr,
        txns: &mut Transactions,
    ) -> Result<WidgetAnswer, WidgetError> {
        let cap = self.config.widget_calls_per_address;
        if cap == 0 {
            return Err(WidgetError::Disabled);
        }
        let route = self
            .directory
            .widget_route(number)
            .ok_or(WidgetError::UnknownNumber)?;
        if !self.widgets.has_room(source, cap) {
            return Err(WidgetError::TooManyCalls);
        }
        let widget_limit = self.directory.limits(route.enterprise).widget_calls;
        if widget_limit.is_some_and(|max| self.widgets.calls_of(route.enterprise) >= max as usize)
            || !self.has_line_for(route.enterprise)
        {
            return Err(WidgetError::CallLimit);
        }
        let socket = self.rtp_socket().ok_or(WidgetError::NoMediaPorts)?;
        let local = socket
            .local_addr()
            .map_err(|e| WidgetError::BadOffer(format!("media socket: {e}")))?;
        let public = self
            .config
            .public_media
            .map(|ip| std::net::SocketAddr::new(ip, local.port()));
        let (session, answer) = webrtc::WebRtcLeg::accept_offer(
            std::time::Instant::now(),
            sdp,
            local,
            public,
            self.media.certificate(),
        )
        .map_err(|e| WidgetError::BadOffer(e.to_string()))?;
        let media = LegMedia::WebRtc {
            socket,
            session: Box::new(session),
        };
        let call = self
            .admit_widget(now, &route, media, txns)
            .ok_or(WidgetError::NoSuchCall)?;
        let token = self.widgets.add(call, source, route.enterprise);
        tracing::info!(call, %source, number = %route.number, "web widget call");
        Ok(WidgetAnswer { token, sdp: answer })
    }
}
