//! Login throttling: failed `POST /auth/token` requests are counted per account at an address and
//! per address, in windows of 15 minutes. Past [`PER_ACCOUNT`] failures for one account from one
//! address, or [`PER_ADDRESS`] from one address for any accounts, that address gets 429 with
//! `Retry-After` until its window ends, before any password is checked (so guessing costs no
//! hashing either). The account itself is never locked: its user still logs in from another
//! address, and a guesser cannot lock them out.
//!
//! The counts are the server instance's own, in memory: two instances let an address try twice as
//! often, which still bounds guessing to a few dozen attempts an hour per address.

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use crate::error::ApiError;

/// How long failures are remembered.
pub const WINDOW: Duration = Duration::from_mins(15);
/// Failures for one account from one address before that address waits.
pub const PER_ACCOUNT: u32 = 10;
/// Failures from one address, whatever the accounts, before it waits.
pub const PER_ADDRESS: u32 = 50;
/// Keys remembered at most: beyond, the expired ones are forgotten first, then the oldest.
const MAX_KEYS: usize = 100_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Key {
    Address(IpAddr),
    Account(IpAddr, String),
}

#[derive(Debug, Clone, Copy)]
struct Window {
    started: Instant,
    failures: u32,
}

#[derive(Default)]
pub struct LoginThrottle {
    windows: Mutex<HashMap<Key, Window>>,
}

impl LoginThrottle {
    /// Refuses a login from `address` for `email` while either of its counts is spent.
    pub fn check(&self, address: IpAddr, email: &str) -> Result<(), ApiError> {
        let now = Instant::now();
        let windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let spent = [
            (Key::Account(address, account(email)), PER_ACCOUNT),
            (Key::Address(address), PER_ADDRESS),
        ]
        .into_iter()
        .filter_map(|(key, limit)| {
            windows
                .get(&key)
                .filter(|w| w.failures >= limit && now < w.started + WINDOW)
        })
        .map(|window| window.started + WINDOW - now)
        .max();
        match spent {
            Some(wait) => Err(ApiError::RateLimited {
                retry_after: wait.as_secs().max(1),
            }),
            None => Ok(()),
        }
    }

    /// Counts a wrong email or password from `address`.
    pub fn failed(&self, address: IpAddr, email: &str) {
        let now = Instant::now();
        let mut windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        if windows.len() >= MAX_KEYS {
            forget_some(&mut windows, now);
        }
        for key in [Key::Account(address, account(email)), Key::Address(address)] {
            let window = windows.entry(key).or_insert(Window {
                started: now,
                failures: 0,
            });
            if now >= window.started + WINDOW {
                *window = Window {
                    started: now,
                    failures: 0,
                };
            }
            window.failures += 1;
        }
    }

    /// A login that worked forgets the failures of that account at that address.
    pub fn succeeded(&self, address: IpAddr, email: &str) {
        let mut windows = self.windows.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        windows.remove(&Key::Account(address, account(email)));
    }
}

/// Emails count as the same account whatever their case and surrounding spaces.
fn account(email: &str) -> String {
    email.trim().to_lowercase()
}

/// Makes room: the expired windows go; if none had, the older half.
fn forget_some(windows: &mut HashMap<Key, Window>, now: Instant) {
    windows.retain(|_, window| now < window.started + WINDOW);
    if windows.len() >= MAX_KEYS {
        let mut starts: Vec<Instant> = windows.values().map(|window| window.started).collect();
        let (_, median, _) = starts.select_nth_unstable(windows.len() / 2);
        let median = *median;
        windows.retain(|_, window| window.started > median);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn address(text: &str) -> IpAddr {
        text.parse().unwrap()
    }

    #[test]
    fn an_address_waits_after_ten_failures_for_one_account_and_the_account_stays_open_elsewhere() {
        let throttle = LoginThrottle::default();
        let guesser = address("192.0.2.1");
        for _ in 0..PER_ACCOUNT {
            assert!(throttle.check(guesser, "Jane@example.com").is_ok());
            throttle.failed(guesser, "jane@example.com ");
        }
        let refused = throttle.check(guesser, "jane@example.com");
        assert!(matches!(refused, Err(ApiError::RateLimited { retry_after }) if retry_after > 800));
        assert!(throttle.check(address("198.51.100.7"), "jane@example.com").is_ok());
        assert!(throttle.check(guesser, "someone.else@example.com").is_ok());
    }

    #[test]
    fn an_address_spraying_many_accounts_waits_too() {
        let throttle = LoginThrottle::default();
        let sprayer = address("192.0.2.2");
        for i in 0..PER_ADDRESS {
            throttle.failed(sprayer, &format!("user{i}@example.com"));
        }
        assert!(throttle.check(sprayer, "new@example.com").is_err());
    }

    #[test]
    fn a_success_forgets_the_accounts_failures_at_that_address() {
        let throttle = LoginThrottle::default();
        let user = address("192.0.2.3");
        for _ in 0..PER_ACCOUNT - 1 {
            throttle.failed(user, "jane@example.com");
        }
        throttle.succeeded(user, "jane@example.com");
        throttle.failed(user, "jane@example.com");
        assert!(throttle.check(user, "jane@example.com").is_ok());
    }
}
