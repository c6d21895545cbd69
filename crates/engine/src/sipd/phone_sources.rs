//! Where each registered desk phone's REGISTER came from, with the addresses counted so that
//! "is this packet from a phone?" is one lookup, not a scan of every phone: it is asked for
//! every request that does not come from a trunk.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};

use sip::txn::Peer;

/// Contact URI → the source of its last REGISTER, and how many contacts each address and IP
/// address stands for.
#[derive(Debug, Default)]
pub(crate) struct PhoneSources {
    by_contact: HashMap<String, Peer>,
    addrs: HashMap<SocketAddr, usize>,
    ips: HashMap<IpAddr, usize>,
}

impl PhoneSources {
    /// Whether some contact registered from exactly `addr` (address and port).
    pub(crate) fn has_addr(&self, addr: SocketAddr) -> bool {
        self.addrs.contains_key(&addr)
    }

    /// Whether some contact registered from `ip`.
    pub(crate) fn has_ip(&self, ip: IpAddr) -> bool {
        self.ips.contains_key(&ip)
    }

    /// Where `contact` registered from.
    pub(crate) fn get(&self, contact: &str) -> Option<Peer> {
        self.by_contact.get(contact).copied()
    }

    /// `contact` registered from `from` (replacing where it came from before).
    pub(crate) fn insert(&mut self, contact: String, from: Peer) {
        if let Some(old) = self.by_contact.insert(contact, from) {
            self.uncount(old.addr);
        }
        *self.addrs.entry(from.addr).or_default() += 1;
        *self.ips.entry(from.addr.ip()).or_default() += 1;
    }

    /// `contact` is no longer registered.
    pub(crate) fn remove(&mut self, contact: &str) {
        if let Some(old) = self.by_contact.remove(contact) {
            self.uncount(old.addr);
        }
    }

    /// Keeps only the contacts `keep` says yes to.
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&str) -> bool) {
        let gone: Vec<String> = self
            .by_contact
            .keys()
            .filter(|c| !keep(c))
            .cloned()
            .collect();
        for c in gone {
            self.remove(&c);
        }
    }

    fn uncount(&mut self, addr: SocketAddr) {
        fn down<K: std::hash::Hash + Eq>(map: &mut HashMap<K, usize>, k: K) {
            if let Some(n) = map.get_mut(&k) {
                *n -= 1;
                if *n == 0 {
                    map.remove(&k);
                }
            }
        }
        down(&mut self.addrs, addr);
        down(&mut self.ips, addr.ip());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use sip::txn::Transport;

    fn addr(s: &str) -> SocketAddr {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap_or_else(|e| panic!("{s}: {e}"))
    }

    fn peer(s: &str) -> Peer {
        Peer {
            addr: addr(s),
            transport: Transport::Udp,
        }
    }

    #[test]
    fn an_address_stays_a_phones_until_its_last_contact_goes() {
        let mut s = PhoneSources::default();
        s.insert("sip:1001@a".into(), peer("10.0.0.1:5060"));
        s.insert("sip:1002@a".into(), peer("10.0.0.1:5062"));
        assert!(s.has_addr(addr("10.0.0.1:5060")));
        assert!(s.has_ip(ip("10.0.0.1")));
        s.remove("sip:1001@a");
        assert!(!s.has_addr(addr("10.0.0.1:5060")));
        assert!(s.has_ip(ip("10.0.0.1")), "1002 is still there");
        s.retain(|c| c != "sip:1002@a");
        assert!(!s.has_ip(ip("10.0.0.1")));
        assert!(s.get("sip:1002@a").is_none());
    }

    #[test]
    fn a_contact_registering_from_a_new_address_leaves_the_old_one() {
        let mut s = PhoneSources::default();
        s.insert("sip:1001@a".into(), peer("10.0.0.1:5060"));
        s.insert("sip:1001@a".into(), peer("10.0.0.2:5060"));
        assert!(!s.has_ip(ip("10.0.0.1")));
        assert!(s.has_ip(ip("10.0.0.2")));
        assert_eq!(s.get("sip:1001@a"), Some(peer("10.0.0.2:5060")));
        // The same contact again from the same address still counts once.
        s.insert("sip:1001@a".into(), peer("10.0.0.2:5060"));
        s.remove("sip:1001@a");
        assert!(!s.has_ip(ip("10.0.0.2")));
        assert!(!s.has_addr(addr("10.0.0.2:5060")));
    }
}
