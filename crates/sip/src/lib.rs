//! Patchbay's SIP, as pure code: no sockets, no clock.
//!
//! - [`msg`]: parsing (the grammar is rsipstack's vendored parser), validation of the headers a
//!   transaction needs, and serialisation; [`msg::Message::response_to`] builds responses.
//! - [`grammar`]: what a parsed request is refused for before the application sees it (416 URI
//!   scheme, 483 Max-Forwards, 420 Require, 415 body type or encoding).
//! - [`txn`]: the RFC 3261 transaction layer (INVITE and non-INVITE, client and server, timers
//!   A–K as deadlines, UDP retransmission, RFC 6026 accepted state), driven by
//!   `handle_datagram(now, …)` / `handle_timeout(now)` and drained with `poll_output()`.
//! - [`framing`]: messages framed out of a stream (SIP over TCP) by Content-Length.
//! - [`digest`]: digest authentication (MD5, SHA-256, qop=auth) as server and as client, with
//!   nonce expiry and replay protection.
//! - [`registrar`]: bindings per address-of-record with expiry.
//! - [`guard`]: defences under attack (per-source rates with a block, digest failures per
//!   source and user, TCP connection caps and idle connections), each taking `now`.
//! - [`failure`]: the stable catalogue of call-failure codes mapped from SIP responses.
//!
//! Time is milliseconds since an epoch the engine chooses ([`Millis`]).

pub mod dialog;
pub mod digest;
pub mod failure;
pub mod framing;
pub mod grammar;
pub mod guard;
pub mod msg;
pub mod registrar;
pub mod sdp;
pub mod txn;

/// Milliseconds since an epoch chosen by the caller.
pub type Millis = u64;
