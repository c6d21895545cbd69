//! What the call pops (弹屏) show beyond the engine's offer: where the caller's number is
//! registered (归属地) and how often it called the enterprise before.
//!
//! The engine rings agents without reading the database, so its `ringing` event carries the
//! call as routed; the events socket fills these fields in on the way to the agent, where the
//! store is at hand, with the customer's name when the number is one of a customer's.

use model::EnterpriseId;
use model::presence::Offer;
use store::Store;

/// Fills the offer's location and caller history that the engine left empty. A store error
/// leaves the history empty (the call still rings).
pub async fn enrich_offer(store: &Store, enterprise: EnterpriseId, offer: &mut Offer) {
    if offer.location.is_none() {
        offer.location = numberinfo::location(&offer.caller).map(|l| l.to_string());
    }
    let forms = numberinfo::written_forms(&offer.caller);
    let forms: Vec<&str> = forms.iter().map(String::as_str).collect();
    if offer.customer_name.is_none() {
        match store
            .tenant(enterprise)
            .customer_by_number(&forms, store::CallScope::Enterprise)
            .await
        {
            Ok(c) => offer.customer_name = c.map(|c| c.name),
            Err(e) => tracing::warn!(error = %e, "customer look-up failed for a ringing pop"),
        }
    }
    if offer.previous_calls == 0 && offer.last_call_at.is_none() {
        match store.tenant(enterprise).caller_history(&forms).await {
            Ok(h) => {
                offer.previous_calls = h.calls;
                offer.last_call_at = h.last_call_at;
            }
            Err(e) => tracing::warn!(error = %e, "caller history unavailable for a ringing pop"),
        }
    }
}
