//! Per-user fan-out of events to every open WebSocket of that user.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use model::{EnterpriseId, Event, UserId};
use tokio::sync::broadcast;

/// How many events a slow subscriber may fall behind before it misses some (it is told it lagged).
const CHANNEL_DEPTH: usize = 256;

/// Routes events to the users they are meant for.
#[derive(Debug, Default)]
pub struct EventHub {
    /// One broadcast channel per user with at least one subscriber.
    channels: Mutex<HashMap<UserId, broadcast::Sender<Arc<Event>>>>,
    /// One broadcast channel per enterprise whose real-time monitor someone watches.
    monitors: Mutex<HashMap<EnterpriseId, broadcast::Sender<Arc<Event>>>>,
}

impl EventHub {
    /// Subscribes to the events of one user.
    pub fn subscribe(&self, user: UserId) -> broadcast::Receiver<Arc<Event>> {
        let mut map = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        map.entry(user)
            .or_insert_with(|| broadcast::channel(CHANNEL_DEPTH).0)
            .subscribe()
    }

    /// Sends an event to every subscriber of `user`; dropped when nobody listens.
    pub fn publish(&self, user: UserId, event: Event) {
        let mut map = self.channels.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(tx) = map.get(&user)
            && tx.send(Arc::new(event)).is_err()
        {
            map.remove(&user);
        }
    }

    /// Subscribes to an enterprise's real-time monitor events (agents and queues).
    pub fn subscribe_monitor(&self, enterprise: EnterpriseId) -> broadcast::Receiver<Arc<Event>> {
        let mut map = self.monitors.lock().unwrap_or_else(PoisonError::into_inner);
        map.entry(enterprise)
            .or_insert_with(|| broadcast::channel(CHANNEL_DEPTH * 4).0)
            .subscribe()
    }

    /// Sends a monitor event to everyone watching the enterprise; dropped when nobody does.
    pub fn publish_monitor(&self, enterprise: EnterpriseId, event: Event) {
        let mut map = self.monitors.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(tx) = map.get(&enterprise)
            && tx.send(Arc::new(event)).is_err()
        {
            map.remove(&enterprise);
        }
    }

    /// Whether anyone watches the enterprise's real-time monitor.
    pub fn watching(&self, enterprise: EnterpriseId) -> bool {
        self.monitors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&enterprise)
            .is_some_and(|tx| tx.receiver_count() > 0)
    }

    /// Whether anyone watches any enterprise's real-time monitor: when nobody does, a call's
    /// event need not even be looked up to refresh figures.
    pub fn watching_any(&self) -> bool {
        self.monitors
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .values()
            .any(|tx| tx.receiver_count() > 0)
    }

    /// Number of users with a live channel (for tests and metrics).
    pub fn channel_count(&self) -> usize {
        self.channels
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::SessionId;

    fn revoked(id: i64) -> Event {
        Event::SessionRevoked {
            session_id: SessionId(id),
            reason: "logout".into(),
        }
    }

    #[tokio::test]
    async fn events_reach_only_the_user_they_are_for() {
        let hub = EventHub::default();
        let mut a = hub.subscribe(UserId(1));
        let mut b = hub.subscribe(UserId(2));
        hub.publish(UserId(1), revoked(7));
        let got = a.recv().await.unwrap();
        assert!(matches!(
            *got,
            Event::SessionRevoked {
                session_id: SessionId(7),
                ..
            }
        ));
        assert!(b.try_recv().is_err());
    }

    #[tokio::test]
    async fn channels_of_users_nobody_listens_to_are_dropped() {
        let hub = EventHub::default();
        drop(hub.subscribe(UserId(1)));
        hub.publish(UserId(1), revoked(1));
        assert_eq!(hub.channel_count(), 0);
        hub.publish(UserId(3), revoked(2));
        assert_eq!(hub.channel_count(), 0);
    }
}
