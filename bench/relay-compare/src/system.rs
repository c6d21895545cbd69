//! The two systems under test, behind one face: where calls go, what they are called, their CPU.

use std::net::SocketAddr;
use std::time::Duration;

use bench_harness::patchbay::Patchbay;
use bench_harness::process::cpu_time_of;

use crate::kamailio::Relay;
use crate::{FORWARD_TO, NUMBER};

/// A system under test.
pub(crate) enum System<'a> {
    Patchbay(&'a Patchbay),
    Relay(&'a Relay),
}

impl System<'_> {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            System::Patchbay(_) => "patchbay, recorded",
            System::Relay(_) => "kamailio+rtpengine",
        }
    }

    pub(crate) fn sip(&self) -> SocketAddr {
        match self {
            System::Patchbay(p) => p.sip,
            System::Relay(r) => r.sip,
        }
    }

    /// The number callers dial: Patchbay's IVR number, which forwards to the far end; the
    /// far end's number through the proxy.
    pub(crate) fn service(&self) -> &'static str {
        match self {
            System::Patchbay(_) => NUMBER,
            System::Relay(_) => FORWARD_TO,
        }
    }

    /// CPU time: the whole system, and its parts (Kamailio, rtpengine) where it has two.
    pub(crate) fn cpu(&self) -> (Duration, Option<(Duration, Duration)>) {
        match self {
            System::Patchbay(p) => (cpu_time_of(Some(p.pid())), None),
            System::Relay(r) => {
                let (k, e) = r.cpu();
                (k + e, Some((k, e)))
            }
        }
    }
}
