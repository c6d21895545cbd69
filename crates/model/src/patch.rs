//! Serde helper for PATCH fields where "absent" and `null` mean different things.

use serde::{Deserialize, Deserializer};

/// Deserializes a present field (even `null`) as `Some(value)`; absent fields stay `None` via `default`.
pub(crate) fn deserialize<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}
