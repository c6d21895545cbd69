//! SIP messages: parsed with rsipstack's grammar into a small owned form the state machines use,
//! validated for what transactions need, and written back out.

use rsipstack::sip::SipMessage;

/// Largest message accepted over TCP (a UDP datagram can carry up to 64 KiB as well).
pub const MAX_MESSAGE: usize = 65_535;
/// Largest UDP datagram accepted: a larger request is answered 513 Message Too Large (RFC 3261
/// §18.1.1 asks senders to use TCP well below this).
pub const MAX_UDP_MESSAGE: usize = 16_384;
/// Longest single header value accepted.
pub const MAX_HEADER: usize = 8_192;

/// Methods rsipstack's parser knows; others are extension methods.
const KNOWN_METHODS: &[&str] = &[
    "ACK",
    "BYE",
    "CANCEL",
    "INFO",
    "INVITE",
    "MESSAGE",
    "NOTIFY",
    "OPTIONS",
    "PRACK",
    "PUBLISH",
    "REFER",
    "REGISTER",
    "SUBSCRIBE",
    "UPDATE",
];

/// The first line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StartLine {
    /// A request: method and Request-URI.
    Request {
        /// e.g. `INVITE`.
        method: String,
        /// The Request-URI as written.
        uri: String,
    },
    /// A response: status code and reason phrase.
    Response {
        /// e.g. 180.
        code: u16,
        /// e.g. `Ringing`.
        reason: String,
    },
}

/// A SIP message with headers as (canonical name, value) pairs in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Request or status line.
    pub start: StartLine,
    /// Headers in order; compact forms expanded to full names.
    pub headers: Vec<(String, String)>,
    /// The body (Content-Length is written from its length).
    pub body: Vec<u8>,
}

/// Why a datagram or stream frame is not a usable SIP message.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MessageError {
    /// Not SIP at all, or no start line: dropped silently.
    #[error("unparseable: {0}")]
    Garbage(String),
    /// Larger than [`MAX_MESSAGE`] or a header larger than [`MAX_HEADER`].
    #[error("message too large")]
    TooLarge,
    /// A header a transaction needs is missing (Via, From, To, Call-ID, CSeq).
    #[error("missing {0} header")]
    Missing(&'static str),
    /// CSeq is not `number METHOD`, or its method differs from the request's.
    #[error("bad CSeq")]
    BadCSeq,
    /// Content-Length says more bytes than arrived (UDP) or is not a number.
    #[error("bad Content-Length")]
    BadContentLength,
    /// The top Via has no usable sent-by or branch.
    #[error("bad Via")]
    BadVia,
    /// A header line that is not `Name: value`.
    #[error("malformed header line")]
    BadHeader,
}

impl MessageError {
    /// The reason phrase of the 400 this error answers with, or `None` when the message is
    /// dropped (no Via to answer to, or not SIP).
    pub fn reason_phrase(&self) -> Option<&'static str> {
        match self {
            MessageError::Garbage(_) | MessageError::Missing("Via") | MessageError::BadVia => None,
            MessageError::TooLarge => Some("Message Too Large"),
            MessageError::Missing("From") => Some("Missing From Header"),
            MessageError::Missing("To") => Some("Missing To Header"),
            MessageError::Missing("Call-ID") => Some("Missing Call-ID Header"),
            MessageError::Missing(_) => Some("Missing CSeq Header"),
            MessageError::BadCSeq => Some("Bad CSeq"),
            MessageError::BadContentLength => Some("Bad Content-Length"),
            MessageError::BadHeader => Some("Malformed Header Line"),
        }
    }
}

impl Message {
    /// Parses bytes from the wire.
    pub fn parse(bytes: &[u8]) -> Result<Message, MessageError> {
        Message::parse_with(bytes, true)
    }

    /// Parses without the Content-Length check: enough to answer a 400 to a broken request.
    pub fn parse_lenient(bytes: &[u8]) -> Result<Message, MessageError> {
        Message::parse_with(bytes, false)
    }

    /// Parses only the start line and the headers a response copies (Via, From, To, Call-ID,
    /// CSeq) of a message too large to parse whole: enough to answer it 513.
    pub fn parse_head_for_reply(bytes: &[u8]) -> Option<Message> {
        let head = &bytes[..find(bytes, b"\r\n\r\n")?.min(MAX_MESSAGE)];
        let text = std::str::from_utf8(head).ok()?;
        let mut lines = text.split("\r\n");
        let mut kept = format!("{}\r\n", lines.next()?);
        for line in lines.filter(|l| l.len() <= MAX_HEADER) {
            let name = line.split(':').next().unwrap_or_default().trim();
            if ["Via", "v", "From", "f", "To", "t", "Call-ID", "i", "CSeq"]
                .iter()
                .any(|h| h.eq_ignore_ascii_case(name))
            {
                kept.push_str(line);
                kept.push_str("\r\n");
            }
        }
        kept.push_str("\r\n");
        Message::parse_lenient(kept.as_bytes()).ok()
    }

    fn parse_with(bytes: &[u8], strict: bool) -> Result<Message, MessageError> {
        if bytes.len() > MAX_MESSAGE {
            return Err(MessageError::TooLarge);
        }
        let head_end = find(bytes, b"\r\n\r\n")
            .ok_or_else(|| MessageError::Garbage("no end of headers".into()))?;
        let text = std::str::from_utf8(&bytes[..head_end])
            .map_err(|_| MessageError::Garbage("headers are not UTF-8".into()))?;
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\r' | '\n' | '\t'))
        {
            return Err(MessageError::Garbage(
                "control characters in the headers".into(),
            ));
        }
        if text.lines().any(|l| l.len() > MAX_HEADER) {
            return Err(MessageError::TooLarge);
        }
        if strict
            && text
                .lines()
                .skip(1)
                .any(|l| !l.starts_with([' ', '\t']) && !l.contains(':'))
        {
            return Err(MessageError::BadHeader);
        }
        let first = text.lines().next().unwrap_or_default();
        if !(first.ends_with(" SIP/2.0") || first.starts_with("SIP/2.0 ")) {
            return Err(MessageError::Garbage("not SIP/2.0".into()));
        }
        // rsipstack knows only the methods it names; an extension method (RFC 3261 §7.1: any
        // token) is parsed as OPTIONS and given its own name back, so it can be answered.
        let method = first.split(' ').next().unwrap_or_default();
        let extension = first.starts_with(|c: char| c.is_ascii_alphabetic())
            && !first.starts_with("SIP/")
            && method
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-.!%*_+`'~".contains(&b))
            && !KNOWN_METHODS.iter().any(|m| m.eq_ignore_ascii_case(method));
        let rewritten;
        let wire = if extension {
            let mut b = b"OPTIONS".to_vec();
            b.extend_from_slice(&bytes[method.len()..]);
            rewritten = b;
            &rewritten[..]
        } else {
            bytes
        };
        let parsed =
            SipMessage::try_from(wire).map_err(|e| MessageError::Garbage(e.to_string()))?;
        let (start, hs, body) = match parsed {
            SipMessage::Request(r) => (
                StartLine::Request {
                    method: if extension {
                        method.to_owned()
                    } else {
                        r.method.to_string()
                    },
                    uri: r.uri.to_string(),
                },
                r.headers.iter().map(|h| h.to_string()).collect::<Vec<_>>(),
                r.body,
            ),
            SipMessage::Response(r) => {
                let code = u16::from(r.status_code.clone());
                let reason = r.wire_reason.clone().unwrap_or_else(|| {
                    r.status_code
                        .to_string()
                        .split_once(' ')
                        .map(|(_, p)| p.to_owned())
                        .unwrap_or_default()
                });
                (
                    StartLine::Response { code, reason },
                    r.headers.iter().map(|h| h.to_string()).collect(),
                    r.body,
                )
            }
        };
        let headers: Vec<(String, String)> = hs
            .iter()
            .filter_map(|h| {
                h.split_once(':')
                    .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            })
            .collect();
        let msg = Message {
            start,
            headers,
            body,
        };
        // Content-Length larger than the bytes that came means a truncated message; bytes past
        // a smaller one are not part of the body (RFC 3261 §18.3).
        let mut msg = msg;
        if let Some(cl) = msg.header("Content-Length").filter(|_| strict) {
            let declared: usize = cl.parse().map_err(|_| MessageError::BadContentLength)?;
            if declared > bytes.len() - head_end - 4 {
                return Err(MessageError::BadContentLength);
            }
            msg.body.truncate(declared);
        }
        Ok(msg)
    }

    /// Serialises, writing Content-Length from the body.
    pub fn to_bytes(&self) -> Vec<u8> {
        let mut s = match &self.start {
            StartLine::Request { method, uri } => format!("{method} {uri} SIP/2.0\r\n"),
            StartLine::Response { code, reason } => format!("SIP/2.0 {code} {reason}\r\n"),
        };
        for (n, v) in self
            .headers
            .iter()
            .filter(|(n, _)| !n.eq_ignore_ascii_case("Content-Length"))
        {
            s.push_str(n);
            s.push_str(": ");
            s.push_str(v);
            s.push_str("\r\n");
        }
        s.push_str(&format!("Content-Length: {}\r\n\r\n", self.body.len()));
        let mut out = s.into_bytes();
        out.extend_from_slice(&self.body);
        out
    }

    /// The first value of a header (case-insensitive name).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a header, in order.
    pub fn headers_named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.headers
            .iter()
            .filter(move |(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    /// Replaces (or adds) a header.
    pub fn set_header(&mut self, name: &str, value: impl Into<String>) {
        let value = value.into();
        match self
            .headers
            .iter_mut()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
        {
            Some(h) => h.1 = value,
            None => self.headers.push((name.to_owned(), value)),
        }
    }

    /// The request method, or the CSeq method of a response.
    pub fn method(&self) -> Option<&str> {
        match &self.start {
            StartLine::Request { method, .. } => Some(method),
            StartLine::Response { .. } => self.cseq().ok().map(|(_, m)| m),
        }
    }

    /// The status code of a response.
    pub fn status(&self) -> Option<u16> {
        match self.start {
            StartLine::Response { code, .. } => Some(code),
            StartLine::Request { .. } => None,
        }
    }

    /// CSeq number and method.
    pub fn cseq(&self) -> Result<(u32, &str), MessageError> {
        let v = self.header("CSeq").ok_or(MessageError::Missing("CSeq"))?;
        let (n, m) = v
            .split_once(char::is_whitespace)
            .ok_or(MessageError::BadCSeq)?;
        let n: u32 = n.trim().parse().map_err(|_| MessageError::BadCSeq)?;
        Ok((n, m.trim()))
    }

    /// The branch parameter of the top Via.
    pub fn branch(&self) -> Option<&str> {
        self.header("Via").and_then(|v| param(v, "branch"))
    }

    /// The sent-by (host:port) of the top Via.
    pub fn sent_by(&self) -> Option<&str> {
        let v = self.header("Via")?;
        let after_proto = v.split_once(char::is_whitespace)?.1.trim_start();
        Some(after_proto.split(';').next()?.trim())
    }

    /// The tag parameter of From or To.
    pub fn tag(&self, header: &str) -> Option<&str> {
        self.header(header).and_then(|v| param(v, "tag"))
    }

    /// Checks the headers every transaction needs; returns nothing but an error naming the first
    /// problem (use [`MessageError::reason_phrase`] for the 400).
    pub fn validate(&self) -> Result<(), MessageError> {
        if self.header("Via").is_none() {
            return Err(MessageError::Missing("Via"));
        }
        if self.sent_by().is_none_or(str::is_empty) {
            return Err(MessageError::BadVia);
        }
        for h in ["From", "To", "Call-ID"] {
            if self.header(h).is_none_or(str::is_empty) {
                return Err(MessageError::Missing(match h {
                    "From" => "From",
                    "To" => "To",
                    _ => "Call-ID",
                }));
            }
        }
        let (_, m) = self.cseq()?;
        if let StartLine::Request { method, .. } = &self.start
            && !m.eq_ignore_ascii_case(method)
        {
            return Err(MessageError::BadCSeq);
        }
        Ok(())
    }

    /// A response to this request: Via, From, To, Call-ID and CSeq copied; `to_tag` added to To
    /// when it has none.
    pub fn response_to(&self, code: u16, reason: &str, to_tag: Option<&str>) -> Message {
        let mut headers: Vec<(String, String)> = Vec::new();
        for (n, v) in &self.headers {
            if ["Via", "From", "Call-ID", "CSeq"]
                .iter()
                .any(|h| n.eq_ignore_ascii_case(h))
            {
                headers.push((n.clone(), v.clone()));
            } else if n.eq_ignore_ascii_case("To") {
                let mut v = v.clone();
                if let (None, Some(t)) = (param(&v, "tag"), to_tag) {
                    v.push_str(";tag=");
                    v.push_str(t);
                }
                headers.push((n.clone(), v));
            }
        }
        Message {
            start: StartLine::Response {
                code,
                reason: reason.to_owned(),
            },
            headers,
            body: Vec::new(),
        }
    }
}

/// The value of `;name=value` in a header value (outside angle brackets).
pub fn param<'a>(value: &'a str, name: &str) -> Option<&'a str> {
    let tail = match value.rfind('>') {
        Some(i) => &value[i + 1..],
        None => value,
    };
    tail.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=').unwrap_or((p, ""));
        k.trim().eq_ignore_ascii_case(name).then(|| v.trim())
    })
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}
