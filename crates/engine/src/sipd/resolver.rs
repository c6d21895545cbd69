//! Trunk hosts' addresses, looked up off the endpoint's loop.
//!
//! A trunk whose host is an IP literal is reachable at once. Host names are looked up by a
//! background task ([`run`]) when the set of names changes and again every
//! [`REFRESH`]; the endpoint hears [`Inbound::Resolved`](super::Inbound::Resolved) and never
//! waits for DNS. [`TrunkHosts`] keeps the last address each name resolved to, so a directory
//! reload or a look-up that fails for a while leaves a working trunk where it is.

use std::collections::{BTreeSet, HashMap};
use std::future::Future;
use std::net::{IpAddr, SocketAddr};
use std::time::Duration;

use model::TrunkId;
use model::telephony::SipDirectory;
use tokio::sync::{mpsc, watch};

use super::Inbound;

/// How often every name is looked up again.
pub(crate) const REFRESH: Duration = Duration::from_secs(60);

/// How long one look-up may take before it counts as failed.
pub(crate) const LOOKUP_TIMEOUT: Duration = Duration::from_secs(2);

/// A trunk host name and port to look up.
pub(crate) type Name = (String, u16);

/// What one round of look-ups found: `None` where a look-up failed or timed out.
pub(crate) type Lookups = Vec<(Name, Option<SocketAddr>)>;

/// The names among a directory's trunks' hosts (IP literals need no look-up).
pub(crate) fn names(directory: &SipDirectory) -> BTreeSet<Name> {
    directory
        .trunks
        .iter()
        .filter(|(_, t, _)| t.host.parse::<IpAddr>().is_err())
        .map(|(_, t, _)| (t.host.clone(), t.port))
        .collect()
}

/// The addresses trunk host names last resolved to.
#[derive(Debug, Default)]
pub(crate) struct TrunkHosts {
    /// Each name's last address.
    known: HashMap<Name, SocketAddr>,
    /// Names whose failure was logged (logged again only after they resolve).
    failing: BTreeSet<Name>,
}

impl TrunkHosts {
    /// Each trunk's address: its IP literal, or where its name last resolved to (a trunk whose
    /// name never resolved is left out).
    pub(crate) fn addrs(&self, directory: &SipDirectory) -> HashMap<TrunkId, SocketAddr> {
        directory
            .trunks
            .iter()
            .filter_map(|(_, t, _)| {
                let addr = match t.host.parse::<IpAddr>() {
                    Ok(ip) => SocketAddr::new(ip, t.port),
                    Err(_) => *self.known.get(&(t.host.clone(), t.port))?,
                };
                Some((t.id, addr))
            })
            .collect()
    }

    /// Forgets names no longer in use.
    pub(crate) fn keep_only(&mut self, names: &BTreeSet<Name>) {
        self.known.retain(|n, _| names.contains(n));
        self.failing.retain(|n| names.contains(n));
    }

    /// Takes a round of look-ups; true when a name got a new address (a failed look-up keeps
    /// the last one: a DNS hiccup must not take a working trunk down).
    pub(crate) fn learn(&mut self, lookups: Lookups) -> bool {
        let mut changed = false;
        for (name, addr) in lookups {
            match addr {
                Some(addr) => {
                    self.failing.remove(&name);
                    if self.known.get(&name) != Some(&addr) {
                        tracing::info!(host = %name.0, "trunk host resolved to a new address");
                        tracing::debug!(host = %name.0, %addr, "trunk host address");
                        self.known.insert(name, addr);
                        changed = true;
                    }
                }
                None => {
                    if self.failing.insert(name.clone()) {
                        let kept = self.known.contains_key(&name);
                        tracing::warn!(
                            host = %name.0,
                            kept_last_address = kept,
                            "cannot resolve a trunk's host; trying again every {} s",
                            REFRESH.as_secs()
                        );
                    }
                }
            }
        }
        changed
    }
}

/// The system resolver, first address.
pub(crate) async fn system_lookup(host: String, port: u16) -> Option<SocketAddr> {
    tokio::net::lookup_host((host.as_str(), port))
        .await
        .ok()?
        .next()
}

/// Looks up the names `names` holds, at once whenever they change and every [`REFRESH`], each
/// name in its own task and for at most [`LOOKUP_TIMEOUT`], and sends each round's findings to
/// `out`. Ends when the endpoint is gone (`names`' sender dropped or `out` closed).
pub(crate) async fn run<L, F>(
    mut names: watch::Receiver<BTreeSet<Name>>,
    out: mpsc::Sender<Inbound>,
    lookup: L,
) where
    L: Fn(String, u16) -> F,
    F: Future<Output = Option<SocketAddr>> + Send + 'static,
{
    loop {
        let round = names.borrow_and_update().clone();
        if !round.is_empty() {
            let mut tasks = tokio::task::JoinSet::new();
            for (host, port) in round {
                let looking = lookup(host.clone(), port);
                tasks.spawn(async move {
                    let addr = tokio::time::timeout(LOOKUP_TIMEOUT, looking)
                        .await
                        .ok()
                        .flatten();
                    ((host, port), addr)
                });
            }
            let found: Lookups = tasks.join_all().await;
            if out.send(Inbound::Resolved(found)).await.is_err() {
                return;
            }
        }
        tokio::select! {
            changed = names.changed() => if changed.is_err() {
                return;
            },
            () = tokio::time::sleep(REFRESH) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    fn directory(host: &str) -> SipDirectory {
        let mut d = super::super::loopback_directory();
        d.trunks[0].1.host = host.to_owned();
        d
    }

    fn at(ip: &str) -> SocketAddr {
        SocketAddr::new(ip.parse().unwrap(), 5060)
    }

    fn lookup(name: &str, addr: Option<&str>) -> Lookups {
        vec![((name.to_owned(), 5060), addr.map(at))]
    }

    #[test]
    fn an_ip_literal_trunk_is_reachable_before_any_lookup() {
        let d = directory("192.0.2.7");
        assert!(names(&d).is_empty());
        let addrs = TrunkHosts::default().addrs(&d);
        assert_eq!(addrs.get(&TrunkId(1)), Some(&at("192.0.2.7")));
    }

    #[test]
    fn a_named_trunk_is_reachable_once_its_name_resolved() {
        let d = directory("carrier.example");
        let mut hosts = TrunkHosts::default();
        assert!(hosts.addrs(&d).is_empty());
        assert!(hosts.learn(lookup("carrier.example", Some("192.0.2.8"))));
        assert_eq!(hosts.addrs(&d).get(&TrunkId(1)), Some(&at("192.0.2.8")));
    }

    #[test]
    fn the_same_address_again_is_no_change_and_a_new_one_is() {
        let mut hosts = TrunkHosts::default();
        assert!(hosts.learn(lookup("carrier.example", Some("192.0.2.8"))));
        assert!(!hosts.learn(lookup("carrier.example", Some("192.0.2.8"))));
        assert!(hosts.learn(lookup("carrier.example", Some("192.0.2.9"))));
    }

    #[test]
    fn a_failed_lookup_keeps_the_last_address() {
        let d = directory("carrier.example");
        let mut hosts = TrunkHosts::default();
        hosts.learn(lookup("carrier.example", Some("192.0.2.8")));
        assert!(!hosts.learn(lookup("carrier.example", None)));
        assert_eq!(hosts.addrs(&d).get(&TrunkId(1)), Some(&at("192.0.2.8")));
    }

    #[test]
    fn a_reload_keeps_the_address_of_a_name_still_in_use_and_forgets_the_others() {
        let mut hosts = TrunkHosts::default();
        hosts.learn(lookup("carrier.example", Some("192.0.2.8")));
        hosts.learn(lookup("old.example", Some("192.0.2.9")));
        let d = directory("carrier.example");
        hosts.keep_only(&names(&d));
        assert_eq!(hosts.addrs(&d).get(&TrunkId(1)), Some(&at("192.0.2.8")));
        assert!(hosts.learn(lookup("old.example", Some("192.0.2.9"))));
    }

    /// A resolver task whose look-ups are counted and answered by `answer`, with the names of
    /// `host`'s directory to look up.
    #[allow(clippy::type_complexity)]
    fn spawn_resolver(
        host: &str,
        answer: impl Fn(&str) -> Option<Duration> + Send + Sync + 'static,
    ) -> (
        watch::Sender<BTreeSet<Name>>,
        mpsc::Receiver<Inbound>,
        Arc<Mutex<Vec<String>>>,
    ) {
        let (names_tx, names_rx) = watch::channel(names(&directory(host)));
        let (tx, rx) = mpsc::channel(16);
        let asked = Arc::new(Mutex::new(Vec::new()));
        let seen = asked.clone();
        let answer = Arc::new(answer);
        tokio::spawn(run(names_rx, tx, move |host: String, port| {
            seen.lock().unwrap().push(host.clone());
            let delay = answer(&host);
            async move {
                match delay {
                    Some(d) => {
                        tokio::time::sleep(d).await;
                        Some(SocketAddr::new([192, 0, 2, 8].into(), port))
                    }
                    None => std::future::pending().await,
                }
            }
        }));
        (names_tx, rx, asked)
    }

    async fn next_round(rx: &mut mpsc::Receiver<Inbound>) -> Lookups {
        match rx.recv().await {
            Some(Inbound::Resolved(found)) => found,
            other => panic!("expected a round of look-ups, got {other:?}"),
        }
    }

    #[tokio::test(start_paused = true)]
    async fn names_are_looked_up_at_start_and_again_every_minute() {
        let (_names, mut rx, asked) = spawn_resolver("carrier.example", |_| Some(Duration::ZERO));
        let start = tokio::time::Instant::now();
        assert_eq!(next_round(&mut rx).await.len(), 1);
        assert!(start.elapsed() < Duration::from_secs(1));
        next_round(&mut rx).await;
        assert_eq!(start.elapsed().as_secs(), REFRESH.as_secs());
        next_round(&mut rx).await;
        assert_eq!(start.elapsed().as_secs(), 2 * REFRESH.as_secs());
        assert_eq!(asked.lock().unwrap().len(), 3);
    }

    #[tokio::test(start_paused = true)]
    async fn a_directory_change_is_looked_up_at_once() {
        let (names_tx, mut rx, asked) = spawn_resolver("carrier.example", |_| Some(Duration::ZERO));
        next_round(&mut rx).await;
        tokio::time::sleep(Duration::from_secs(10)).await;
        let start = tokio::time::Instant::now();
        names_tx.send_replace(names(&directory("other.example")));
        let found = next_round(&mut rx).await;
        assert!(start.elapsed() < Duration::from_secs(1));
        assert_eq!(found[0].0.0, "other.example");
        assert_eq!(*asked.lock().unwrap(), ["carrier.example", "other.example"]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_lookup_that_hangs_fails_after_two_seconds_without_holding_up_the_others() {
        let (names_tx, mut rx, _) = spawn_resolver("carrier.example", |host| {
            (host != "hangs.example").then_some(Duration::from_millis(50))
        });
        next_round(&mut rx).await;
        let mut both = names(&directory("carrier.example"));
        both.extend(names(&directory("hangs.example")));
        let start = tokio::time::Instant::now();
        names_tx.send_replace(both);
        let mut found = next_round(&mut rx).await;
        found.sort();
        assert_eq!(start.elapsed(), LOOKUP_TIMEOUT);
        assert!(found[0].1.is_some(), "carrier.example resolved");
        assert_eq!(found[1].1, None, "hangs.example failed");
    }

    #[tokio::test(start_paused = true)]
    async fn the_resolver_ends_with_the_endpoint() {
        let (names_tx, mut rx, _) = spawn_resolver("carrier.example", |_| Some(Duration::ZERO));
        next_round(&mut rx).await;
        drop(names_tx);
        assert!(
            rx.recv().await.is_none(),
            "the task ended and dropped its sender"
        );
    }
}
