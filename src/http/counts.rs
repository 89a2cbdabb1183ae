//! A short-lived, bounded, per-process cache of list totals (`meta.total`,
//! `filter_summary.total_unfiltered`), keyed by the query's fingerprint.
//!
//! Counting every match is the dominant cost of a filtered page on a large
//! catalog; a client paging through a list, or many clients asking the same
//! popular question, reuse one count for `COUNT_CACHE_TTL_MS` (default 2 s).
//! A total may therefore lag an import by that long; the rows of a page
//! never do.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries kept at most; the oldest half goes when it is full.
const CAPACITY: usize = 4096;

pub struct CountCache {
    ttl: Duration,
    entries: Mutex<HashMap<String, (Instant, u64)>>,
}

impl CountCache {
    pub fn new(ttl: Duration) -> CountCache {
        CountCache {
            ttl,
            entries: Mutex::new(HashMap::new()),
        }
    }

    /// The cached total of `key`, when fresh.
    pub fn get(&self, key: &str) -> Option<u64> {
        if self.ttl.is_zero() {
            return None;
        }
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < self.ttl)
            .map(|(_, n)| *n)
    }

    pub fn put(&self, key: &str, total: u64) {
        if self.ttl.is_zero() {
            return;
        }
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= CAPACITY {
            let ttl = self.ttl;
            entries.retain(|_, (at, _)| at.elapsed() < ttl);
            if entries.len() >= CAPACITY {
                let mut ages: Vec<Instant> = entries.values().map(|(at, _)| *at).collect();
                ages.sort();
                let cut = ages[ages.len() / 2];
                entries.retain(|_, (at, _)| *at > cut);
            }
        }
        entries.insert(key.to_string(), (Instant::now(), total));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_entries_are_reused_and_stale_ones_are_not() {
        let cache = CountCache::new(Duration::from_millis(50));
        assert_eq!(cache.get("q"), None);
        cache.put("q", 7);
        assert_eq!(cache.get("q"), Some(7));
        std::thread::sleep(Duration::from_millis(60));
        assert_eq!(cache.get("q"), None);
        let off = CountCache::new(Duration::ZERO);
        off.put("q", 7);
        assert_eq!(off.get("q"), None);
    }

    #[test]
    fn it_stays_bounded() {
        let cache = CountCache::new(Duration::from_secs(60));
        for i in 0..(CAPACITY * 3) {
            cache.put(&i.to_string(), i as u64);
        }
        assert!(cache.entries.lock().unwrap().len() <= CAPACITY);
        assert_eq!(
            cache.get(&(CAPACITY * 3 - 1).to_string()),
            Some((CAPACITY * 3 - 1) as u64)
        );
    }
}
