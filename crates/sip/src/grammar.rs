//! What a well-formed request can still be refused for before any application sees it (RFC 3261
//! §8.2): the Request-URI scheme (416), `Max-Forwards` (483, or 400 when it is not a number),
//! `Require` option tags we do not implement (420 with `Unsupported`), and an INVITE body we
//! cannot read (415 with `Accept`, `Accept-Encoding`). The headers a transaction needs (Via, From,
//! To, Call-ID, CSeq, Content-Length) are checked earlier by [`Message::validate`] and
//! [`Message::parse`]; this runs on requests that passed them.

use crate::msg::{Message, StartLine};

/// Option tags of `Require` that Patchbay implements as a UAS. None today: it sends no reliable
/// provisional responses (`100rel`, RFC 3262) and runs no session timer (`timer`, RFC 4028), so a
/// request that requires either is refused with 420.
pub const SUPPORTED: &[&str] = &[];

/// URI schemes a Request-URI may use.
const SCHEMES: &[&str] = &["sip", "sips", "tel"];

/// A refusal: the status, its reason phrase and headers the response must carry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The status code.
    pub code: u16,
    /// The reason phrase, saying what is wrong.
    pub reason: String,
    /// Extra headers (`Unsupported`, `Accept`, `Accept-Encoding`).
    pub headers: Vec<(String, String)>,
}

impl Refusal {
    fn new(code: u16, reason: impl Into<String>) -> Refusal {
        Refusal {
            code,
            reason: reason.into(),
            headers: Vec::new(),
        }
    }

    /// The response to `request` that carries this refusal.
    pub fn response(&self, request: &Message) -> Message {
        let mut r = request.response_to(self.code, &self.reason, None);
        r.headers.extend(self.headers.iter().cloned());
        r
    }
}

/// Why `request` (already parsed and validated) must be refused, or `None` when it may go on.
/// ACK is never refused (it gets no response); CANCEL ignores `Require` (RFC 3261 §8.2.2.3); an
/// OPTIONS with `Max-Forwards: 0` is answered as it would be otherwise (§16.3 step 3: it is for
/// this element).
pub fn check_request(request: &Message) -> Option<Refusal> {
    let StartLine::Request { method, uri } = &request.start else {
        return None;
    };
    if method == "ACK" {
        return None;
    }
    let scheme = uri.split_once(':').map(|(s, _)| s).unwrap_or_default();
    if !SCHEMES.iter().any(|s| s.eq_ignore_ascii_case(scheme)) {
        return Some(Refusal::new(416, "Unsupported URI Scheme"));
    }
    let mut forwards = request.headers_named("Max-Forwards");
    if let Some(v) = forwards.next() {
        // 1*DIGIT (RFC 3261 §25.1); any size, only zero matters here.
        let v = v.trim();
        if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
            return Some(Refusal::new(400, "Bad Max-Forwards"));
        }
        if forwards.next().is_some() {
            return Some(Refusal::new(400, "More Than One Max-Forwards"));
        }
        if v.bytes().all(|b| b == b'0') && method != "OPTIONS" {
            return Some(Refusal::new(483, "Too Many Hops"));
        }
    }
    if method != "CANCEL" {
        let unknown: Vec<&str> = request
            .headers_named("Require")
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .filter(|t| !SUPPORTED.iter().any(|s| s.eq_ignore_ascii_case(t)))
            .collect();
        if !unknown.is_empty() {
            let mut r = Refusal::new(420, "Bad Extension");
            r.headers
                .push(("Unsupported".to_owned(), unknown.join(", ")));
            return Some(r);
        }
    }
    if method == "INVITE" && !request.body.is_empty() {
        let media = request
            .header("Content-Type")
            .map(|v| v.split(';').next().unwrap_or_default().trim())
            .unwrap_or_default();
        let encodings_ok = request
            .headers_named("Content-Encoding")
            .flat_map(|v| v.split(','))
            .all(|e| e.trim().eq_ignore_ascii_case("identity"));
        if !media.eq_ignore_ascii_case("application/sdp") || !encodings_ok {
            let mut r = Refusal::new(415, "Unsupported Media Type");
            r.headers
                .push(("Accept".to_owned(), "application/sdp".to_owned()));
            r.headers
                .push(("Accept-Encoding".to_owned(), "identity".to_owned()));
            return Some(r);
        }
    }
    None
}
