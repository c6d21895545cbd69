//! Typed ids: a call, a leg of a call, a room of a call.

/// One call, numbered by the engine (unique in the process, never reused).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct CallId(pub u64);

/// One leg of a call, numbered by the call (0, 1, 2… in the order legs are made).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LegId(pub u32);

/// One media room of a call (the call's main room is `RoomRef(0)`; holds and consults add
/// more). The engine maps it to a room on the media plane.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RoomRef(pub u32);

impl std::fmt::Display for CallId {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}
