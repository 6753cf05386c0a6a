//! Webhook subscriptions: where deliveries go, which events they take, and when a failing
//! delivery is tried again.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use chrono::{DateTime, TimeDelta, Utc};
use url::{Host, Url};
use uuid::Uuid;

use crate::resource::ResourceType;
use crate::validation::ValidationErrors;

/// The type of the delivery `POST /webhooks/{id}/test` sends.
pub const TEST_EVENT: &str = "webhook.test";
pub const MAX_EVENT_TYPES: usize = 50;
pub const MAX_URL_LENGTH: usize = 2000;
/// Deliveries are retried for a day, then given up.
pub const RETRY_FOR: TimeDelta = TimeDelta::hours(24);

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookFields {
    pub url: Url,
    /// Patterns: `*`, `offer.*`, `invoice.paid`.
    pub event_types: Vec<String>,
    /// Leave out the changes made by the subscription's owner (an integrator's own writes).
    pub skip_own: bool,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Webhook {
    pub id: Uuid,
    pub fields: WebhookFields,
    /// The user who subscribed: `skip_own` leaves out their changes.
    pub owner_id: Uuid,
    /// The HMAC-SHA256 key of the signatures, shown once at creation.
    pub secret: String,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl Webhook {
    /// Whether an event of `event_type` made by `actor` goes to this subscription.
    pub fn wants(&self, event_type: &str, actor: Option<Uuid>) -> bool {
        self.fields.active
            && !(self.fields.skip_own && actor == Some(self.owner_id))
            && self
                .fields
                .event_types
                .iter()
                .any(|pattern| matches(pattern, event_type))
    }
}

/// Whether `pattern` (`*`, `offer.*` or an exact type) covers `event_type`.
pub fn matches(pattern: &str, event_type: &str) -> bool {
    match pattern.strip_suffix(".*") {
        _ if pattern == "*" => true,
        Some(resource) => event_type.split_once('.').is_some_and(|(r, _)| r == resource),
        None => pattern == event_type,
    }
}

/// A subscription as a client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WebhookInput {
    pub url: String,
    pub event_types: Vec<String>,
    pub skip_own: bool,
    pub active: bool,
}

impl WebhookInput {
    /// Checks the subscription. `allow_private` lets URLs name private, loopback and link-local
    /// addresses (tests, and installations whose receivers live inside).
    pub fn validate(self, allow_private: bool) -> Result<WebhookFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let url = check_url(&self.url, allow_private, &mut errors);
        if self.event_types.is_empty() {
            errors.add("event_types", "required", "name the event types, or `*` for all");
        } else if self.event_types.len() > MAX_EVENT_TYPES {
            errors.add("event_types", "too_many", format!("at most {MAX_EVENT_TYPES}"));
        }
        let mut event_types: Vec<String> = Vec::new();
        for (i, pattern) in self.event_types.iter().enumerate().take(MAX_EVENT_TYPES) {
            if !is_pattern(pattern) {
                errors.add(
                    format!("event_types[{i}]"),
                    "unknown_event_type",
                    "`*`, `{resource}.*` or `{resource}.{what}` of a known resource (party, offer, invoice, …)",
                );
            } else if !event_types.contains(pattern) {
                event_types.push(pattern.clone());
            }
        }
        errors.finish(|| WebhookFields {
            url: url.expect("checked"),
            event_types,
            skip_own: self.skip_own,
            active: self.active,
        })
    }
}

impl From<WebhookFields> for WebhookInput {
    fn from(f: WebhookFields) -> Self {
        Self {
            url: f.url.to_string(),
            event_types: f.event_types,
            skip_own: f.skip_own,
            active: f.active,
        }
    }
}

fn is_pattern(pattern: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    let Some((resource, what)) = pattern.split_once('.') else {
        return false;
    };
    ResourceType::parse(resource).is_some_and(ResourceType::has_events)
        && (what == "*" || (!what.is_empty() && what.bytes().all(|b| b.is_ascii_lowercase() || b == b'_')))
}

fn check_url(text: &str, allow_private: bool, errors: &mut ValidationErrors) -> Option<Url> {
    if text.len() > MAX_URL_LENGTH {
        errors.add("url", "too_long", format!("at most {MAX_URL_LENGTH} characters"));
        return None;
    }
    let Ok(url) = Url::parse(text) else {
        errors.add("url", "invalid", "an absolute http or https URL");
        return None;
    };
    if !matches!(url.scheme(), "http" | "https") || !url.username().is_empty() || url.password().is_some() {
        errors.add("url", "invalid", "an http or https URL without credentials");
        return None;
    }
    let literal = match url.host() {
        Some(Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        Some(Host::Domain(name)) if is_localhost(name) => Some(IpAddr::V4(Ipv4Addr::LOCALHOST)),
        Some(Host::Domain(_)) => None,
        None => {
            errors.add("url", "invalid", "the URL names no host");
            return None;
        }
    };
    if !allow_private && literal.is_some_and(|ip| !is_public(ip)) {
        errors.add(
            "url",
            "private_address",
            "the URL names a private, loopback or link-local address",
        );
        return None;
    }
    Some(url)
}

/// Whether deliveries may go to `ip`: not private, loopback, link-local, unspecified, shared
/// (carrier NAT), documentation, benchmarking, multicast or reserved space. A host name is
/// checked for each address it resolves to, when the delivery connects.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(ip) => is_public_v4(ip),
        IpAddr::V6(ip) => match ip.to_ipv4_mapped() {
            Some(v4) => is_public_v4(v4),
            None => is_public_v6(ip),
        },
    }
}

fn is_public_v4(ip: Ipv4Addr) -> bool {
    let [a, b, c, _] = ip.octets();
    !(ip.is_private()
        || ip.is_loopback()
        || ip.is_link_local()
        || ip.is_unspecified()
        || ip.is_broadcast()
        || ip.is_documentation()
        || ip.is_multicast()
        || a == 0
        || (a == 100 && (64..128).contains(&b))
        || (a == 192 && b == 0 && c == 0)
        || (a == 198 && (18..20).contains(&b))
        || a >= 240)
}

fn is_public_v6(ip: Ipv6Addr) -> bool {
    let [first, second, ..] = ip.segments();
    if ip.is_loopback() || ip.is_unspecified() {
        return false;
    }
    // IPv4-compatible (`::a.b.c.d`): the IPv4 address decides.
    if ip.segments()[..6].iter().all(|s| *s == 0) {
        return is_public_v4(Ipv4Addr::from_bits(
            u32::try_from(ip.to_bits() & 0xffff_ffff).expect("32 bits"),
        ));
    }
    !(ip.is_multicast()
        || (first & 0xfe00) == 0xfc00 // unique local
        || (first & 0xffc0) == 0xfe80 // link-local
        || (first & 0xffc0) == 0xfec0 // site-local (deprecated)
        || first == 0x2001 && second == 0x0db8 // documentation
        || first == 0x2002 // 6to4: any IPv4 address behind it
        || first == 0x0064 && (second == 0xff9b || second == 0x0001)) // NAT64: any IPv4 address behind it
}

/// `localhost`, its subdomains, and both with the root's trailing dot.
fn is_localhost(name: &str) -> bool {
    let name = name.strip_suffix('.').unwrap_or(name).to_ascii_lowercase();
    name == "localhost" || name.ends_with(".localhost")
}

/// When the delivery that failed its `attempts`-th time goes again: 30 s, 1 min, 2 min, … at
/// most an hour apart; none once the first attempt is older than [`RETRY_FOR`].
pub fn next_attempt(first_attempt: DateTime<Utc>, attempts: u32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let wait = TimeDelta::seconds(30 * (1i64 << attempts.saturating_sub(1).min(7))).min(TimeDelta::hours(1));
    let next = now + wait;
    (next < first_attempt + RETRY_FOR).then_some(next)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn input(url: &str, types: &[&str]) -> WebhookInput {
        WebhookInput {
            url: url.to_owned(),
            event_types: types.iter().map(|t| (*t).to_owned()).collect(),
            skip_own: false,
            active: true,
        }
    }

    fn codes(result: Result<WebhookFields, ValidationErrors>) -> Vec<(String, &'static str)> {
        result
            .unwrap_err()
            .errors()
            .iter()
            .map(|e| (e.field.clone(), e.code))
            .collect()
    }

    #[test]
    fn patterns_match_by_resource_or_exactly() {
        assert!(matches("*", "offer.accepted"));
        assert!(matches("offer.*", "offer.accepted"));
        assert!(!matches("offer.*", "offers.accepted"));
        assert!(!matches("offer.*", "sales_order.created"));
        assert!(matches("invoice.paid", "invoice.paid"));
        assert!(!matches("invoice.paid", "invoice.partially_paid"));
    }

    #[test]
    fn urls_must_be_http_and_public_unless_allowed() {
        assert!(input("https://erp.example.com/hooks", &["*"]).validate(false).is_ok());
        for url in [
            "http://127.0.0.1:9000/x",
            "http://localhost/x",
            "http://10.1.2.3/",
            "http://169.254.169.254/latest/meta-data",
            "http://[::1]/",
            "http://[fd00::1]/",
            "http://[::ffff:192.168.1.1]/",
            "http://100.64.0.1/",
            "http://localhost./x",
            "http://LOCALHOST/x",
            "http://[::127.0.0.1]/",
            "http://[64:ff9b:1::1]/",
            "http://[2002:c0a8:101::1]/",
            "http://[fec0::1]/",
        ] {
            assert_eq!(
                codes(input(url, &["*"]).validate(false)),
                vec![("url".to_owned(), "private_address")],
                "{url}"
            );
            assert!(input(url, &["*"]).validate(true).is_ok(), "{url} allowed");
        }
        for url in ["ftp://example.com/", "not a url", "https://user:pw@example.com/"] {
            assert_eq!(codes(input(url, &["*"]).validate(true))[0].1, "invalid", "{url}");
        }
    }

    #[test]
    fn event_types_name_known_resources() {
        let fields = input("https://e.example/", &["offer.*", "invoice.paid", "offer.*"])
            .validate(false)
            .unwrap();
        assert_eq!(fields.event_types, vec!["offer.*", "invoice.paid"], "each once");
        assert_eq!(
            codes(input("https://e.example/", &["offers.*", "offer.", "x"]).validate(false)),
            vec![
                ("event_types[0]".to_owned(), "unknown_event_type"),
                ("event_types[1]".to_owned(), "unknown_event_type"),
                ("event_types[2]".to_owned(), "unknown_event_type"),
            ]
        );
        assert_eq!(
            codes(input("https://e.example/", &[]).validate(false)),
            vec![("event_types".to_owned(), "required")]
        );
    }

    #[test]
    fn a_subscription_wants_its_types_but_not_its_owners_changes_when_asked() {
        let owner = Uuid::from_u128(7);
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let mut hook = Webhook {
            id: Uuid::from_u128(1),
            fields: input("https://e.example/", &["offer.*"]).validate(false).unwrap(),
            owner_id: owner,
            secret: "s".into(),
            version: 1,
            created_at: at,
            updated_at: at,
        };
        assert!(hook.wants("offer.sent", Some(owner)));
        assert!(!hook.wants("party.created", None));
        hook.fields.skip_own = true;
        assert!(!hook.wants("offer.sent", Some(owner)));
        assert!(hook.wants("offer.sent", Some(Uuid::from_u128(8))));
        hook.fields.active = false;
        assert!(!hook.wants("offer.sent", Some(Uuid::from_u128(8))));
    }

    #[test]
    fn retries_back_off_and_stop_after_a_day() {
        let start = DateTime::<Utc>::UNIX_EPOCH;
        assert_eq!(next_attempt(start, 1, start), Some(start + TimeDelta::seconds(30)));
        assert_eq!(next_attempt(start, 2, start), Some(start + TimeDelta::seconds(60)));
        assert_eq!(next_attempt(start, 20, start), Some(start + TimeDelta::hours(1)));
        assert_eq!(
            next_attempt(start, 30, start + TimeDelta::hours(23) + TimeDelta::minutes(30)),
            None
        );
    }
}
