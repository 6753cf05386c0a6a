//! Rate limiting (api.md, 429): a caller may send `CRM_RATE_LIMIT_PER_MINUTE` requests at once,
//! and as many a minute after that (GCRA: one more every 60/limit seconds).
//! The caller is the user a valid token names; a request without one counts against its peer
//! address, so password guessing at `POST /auth/token` is limited too. Health probes and the
//! document are not limited: monitors and tools must always reach them.
//!
//! Limited responses carry `RateLimit-Limit`, `RateLimit-Remaining` and `RateLimit-Reset` (seconds
//! until the whole quota is back), as in the IETF draft. A refused request is a 429 `rate_limited`
//! with `Retry-After`, answered before any handler runs, so it changes nothing.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::Weak;
use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::web;
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use uuid::Uuid;

use crate::error::ApiError;
use crate::state::AppState;

pub const LIMIT: &str = "ratelimit-limit";
pub const REMAINING: &str = "ratelimit-remaining";
pub const RESET: &str = "ratelimit-reset";
/// How often callers whose quota is whole again are forgotten.
const SWEEP_EVERY: Duration = Duration::from_mins(1);

/// Who a request counts against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Key {
    User(Uuid),
    /// An IPv4 address, or the /64 network of an IPv6 one: one host usually holds a whole /64.
    Peer(IpAddr),
}

type Limiter = RateLimiter<Key, DefaultKeyedStateStore<Key>, DefaultClock, StateInformationMiddleware>;

pub struct RateLimit {
    limiter: Limiter,
    limit: u32,
    /// How long one spent request takes to come back.
    interval: Duration,
}

/// The outcome of one request, in the units of the headers.
struct Verdict {
    remaining: u32,
    reset: u64,
    /// Set when the request is refused.
    retry_after: Option<u64>,
}

impl RateLimit {
    /// `None` for a limit of 0: no limit.
    pub fn new(per_minute: u32) -> Option<Self> {
        let quota = Quota::per_minute(NonZeroU32::new(per_minute)?);
        Some(Self {
            limiter: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            limit: per_minute,
            interval: quota.replenish_interval(),
        })
    }

    fn check(&self, key: Key) -> Verdict {
        match self.limiter.check_key(&key) {
            Ok(state) => {
                let remaining = state.remaining_burst_capacity();
                Verdict {
                    remaining,
                    // An upper bound: `remaining` is rounded down.
                    reset: whole_seconds(self.interval * (self.limit - remaining)),
                    retry_after: None,
                }
            }
            Err(refused) => {
                let wait = refused.wait_time_from(self.limiter.clock().now());
                let retry_after = whole_seconds(wait).max(1);
                Verdict {
                    remaining: 0,
                    reset: whole_seconds(wait + self.interval * (self.limit - 1)).max(retry_after),
                    retry_after: Some(retry_after),
                }
            }
        }
    }

    /// Forgets the callers whose quota is whole again, every minute, so memory follows the callers
    /// of the last minute; stops when the server drops the limit.
    pub fn sweep(limit: Weak<Self>) {
        tokio::spawn(async move {
            let mut interval = tokio::time::interval(SWEEP_EVERY);
            loop {
                interval.tick().await;
                let Some(limit) = limit.upgrade() else { break };
                limit.limiter.retain_recent();
                limit.limiter.shrink_to_fit();
            }
        });
    }
}

pub async fn middleware(
    req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    // Everything but the probes and the document counts: matching `/api/v1` on the raw path
    // would let `/api/%761/…`, which the router decodes to the same route, pass uncounted.
    let path = req.path();
    let limited = !(path == "/health"
        || path == "/ready"
        || path == "/metrics"
        || path.starts_with("/api-docs/")
        || path.starts_with("/swagger-ui/"));
    let Some(limit) = req.app_data::<web::Data<RateLimit>>().filter(|_| limited).cloned() else {
        return next.call(req).await.map(ServiceResponse::map_into_boxed_body);
    };
    let verdict = limit.check(key(&req));
    let mut response = match verdict.retry_after {
        Some(retry_after) => req.error_response(ApiError::RateLimited { retry_after }),
        None => next.call(req).await?.map_into_boxed_body(),
    };
    write_headers(response.headers_mut(), limit.limit, &verdict);
    Ok(response)
}

fn key(req: &ServiceRequest) -> Key {
    req.app_data::<web::Data<AppState>>()
        .and_then(|state| crate::auth::bearer_subject(req, &state.jwt))
        .map_or_else(|| Key::Peer(network(req.peer_addr())), Key::User)
}

pub(crate) fn network(peer: Option<SocketAddr>) -> IpAddr {
    match peer.map(|peer| peer.ip().to_canonical()) {
        Some(IpAddr::V6(ip)) => IpAddr::V6(Ipv6Addr::from(u128::from(ip) & (u128::MAX << 64))),
        Some(ip) => ip,
        None => IpAddr::V4(Ipv4Addr::UNSPECIFIED),
    }
}

fn write_headers(headers: &mut HeaderMap, limit: u32, verdict: &Verdict) {
    for (name, value) in [
        (LIMIT, u64::from(limit)),
        (REMAINING, u64::from(verdict.remaining)),
        (RESET, verdict.reset),
    ] {
        headers.insert(HeaderName::from_static(name), HeaderValue::from(value));
    }
}

fn whole_seconds(duration: Duration) -> u64 {
    duration.as_secs() + u64::from(duration.subsec_nanos() > 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_of_the_limit_passes_and_the_next_request_waits_for_one_interval() {
        let limit = RateLimit::new(5).unwrap();
        let key = Key::User(Uuid::now_v7());
        for expected in (0..5).rev() {
            let verdict = limit.check(key);
            assert_eq!((verdict.remaining, verdict.retry_after), (expected, None));
            assert!(verdict.reset <= 12 * u64::from(5 - expected));
        }
        let refused = limit.check(key);
        assert_eq!(refused.remaining, 0);
        let retry_after = refused.retry_after.unwrap();
        assert!((1..=12).contains(&retry_after), "{retry_after}");
        assert!((retry_after..=60).contains(&refused.reset), "{}", refused.reset);
        assert_eq!(limit.check(Key::User(Uuid::now_v7())).remaining, 4, "another caller");
    }

    #[test]
    fn zero_is_no_limit() {
        assert!(RateLimit::new(0).is_none());
    }

    #[test]
    fn ipv6_peers_count_by_their_64_network() {
        let peer = |ip: &str| network(Some(SocketAddr::new(ip.parse().unwrap(), 1)));
        assert_eq!(peer("2001:db8:1:2:aaaa::1"), peer("2001:db8:1:2:bbbb::9"));
        assert_ne!(peer("2001:db8:1:2::1"), peer("2001:db8:1:3::1"));
        assert_eq!(peer("::ffff:192.0.2.7"), peer("192.0.2.7"));
    }
}
