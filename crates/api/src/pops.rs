//! What the call pops (弹屏) show beyond the engine's offer: where the caller's number is
//! registered (归属地) and how often it called the enterprise before.
//!
//! The engine rings agents without reading the database, so its `ringing` event carries the
//! call as routed; the events socket fills these fields in on the way to the agent, where the
//! store is at hand. No customer table exists yet, so the customer's name stays unset.

use model::EnterpriseId;
use model::presence::Offer;
use store::Store;

/// Fills the offer's location and caller history that the engine left empty. A store error
/// leaves the history empty (the call still rings).
pub async fn enrich_offer(store: &Store, enterprise: EnterpriseId, offer: &mut Offer) {
    if offer.location.is_none() {
        offer.location = numberinfo::location(&offer.caller).map(|l| l.to_string());
    }
    if offer.previous_calls == 0 && offer.last_call_at.is_none() {
        let forms = numberinfo::written_forms(&offer.caller);
        let forms: Vec<&str> = forms.iter().map(String::as_str).collect();
        match store.tenant(enterprise).caller_history(&forms).await {
            Ok(h) => {
                offer.previous_calls = h.calls;
                offer.last_call_at = h.last_call_at;
            }
            Err(e) => tracing::warn!(error = %e, "caller history unavailable for a ringing pop"),
        }
    }
}
