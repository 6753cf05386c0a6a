//! Making deliveries: a signed POST of the stored body, judged by the receiver's status.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::TimeDelta;
use domain::webhook::{self, Webhook};
use hmac::{Hmac, Mac};
use persistence::webhook_deliveries::{self, Delivery, Outcome};
use persistence::{DatabaseConnection, StoreError, webhooks};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use sha2::Sha256;
use tokio::sync::{Notify, Semaphore};
use url::Host;
use uuid::Uuid;

use crate::clock::now;

/// How many deliveries are in flight at most, and of one subscription: a receiver that hangs
/// holds two slots, never the sender.
const SLOTS: usize = 16;
const PER_WEBHOOK: u64 = 2;
const TIMEOUT: Duration = Duration::from_secs(10);
/// A claimed delivery is another worker's to take only after this, when this one died mid-send:
/// well over the longest a send takes.
const LEASE: TimeDelta = TimeDelta::minutes(5);
/// Receivers' error texts are kept up to this many characters.
const MAX_ERROR: usize = 500;

/// The headers of a delivery, beside its JSON body.
pub const SIGNATURE: &str = "CRM-Signature";
pub const EVENT_TYPE: &str = "CRM-Event-Type";
pub const DELIVERY_ID: &str = "CRM-Delivery-Id";
/// Empty for a `webhook.test` delivery, which no event made.
pub const EVENT_ID: &str = "CRM-Event-Id";

/// Sends deliveries as tasks of their own, each recorded when it ends, so that a slow receiver
/// delays nobody else.
pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
    slots: Arc<Semaphore>,
    /// Deliveries in flight per subscription: one with any gets no more until they end.
    in_flight: Arc<Mutex<HashMap<Uuid, u64>>>,
    /// Woken when a delivery ends: more of its subscription may be due.
    wake: Arc<Notify>,
}

impl Sender {
    pub fn new(allow_private: bool, wake: Arc<Notify>) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("crm-webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(Addresses { allow_private }))
            .build()?;
        Ok(Self {
            client,
            allow_private,
            slots: Arc::new(Semaphore::new(SLOTS)),
            in_flight: Arc::default(),
            wake,
        })
    }

    /// Starts the due deliveries that free slots allow, oldest first, at most [`PER_WEBHOOK`]
    /// of a subscription with none in flight.
    pub async fn send_due(&self, db: &DatabaseConnection) -> Result<(), StoreError> {
        let free = self.slots.available_permits();
        if free == 0 {
            return Ok(());
        }
        let busy: Vec<Uuid> = self.in_flight.lock().expect("not poisoned").keys().copied().collect();
        let hooks: HashMap<_, _> = webhooks::active(db, &super::owner_roles())
            .await?
            .into_iter()
            .filter(|hook| !busy.contains(&hook.id))
            .map(|hook| (hook.id, hook))
            .collect();
        let ids: Vec<_> = hooks.keys().copied().collect();
        let at = now();
        let due = webhook_deliveries::claim_due(db, &ids, at, at + LEASE, (free as u64, PER_WEBHOOK)).await?;
        for delivery in due {
            let permit = self
                .slots
                .clone()
                .try_acquire_owned()
                .expect("no more are claimed than slots are free");
            *self
                .in_flight
                .lock()
                .expect("not poisoned")
                .entry(delivery.webhook_id)
                .or_default() += 1;
            let hook = hooks[&delivery.webhook_id].clone();
            let (client, allow_private, db) = (self.client.clone(), self.allow_private, db.clone());
            let (in_flight, wake) = (self.in_flight.clone(), self.wake.clone());
            tokio::spawn(async move {
                deliver(&client, allow_private, &db, &hook, &delivery).await;
                let mut in_flight = in_flight.lock().expect("not poisoned");
                if let Some(count) = in_flight.get_mut(&hook.id) {
                    *count -= 1;
                    if *count == 0 {
                        in_flight.remove(&hook.id);
                    }
                }
                drop(permit);
                wake.notify_one();
            });
        }
        Ok(())
    }
}

/// Makes one delivery and records how it went.
async fn deliver(
    client: &reqwest::Client,
    allow_private: bool,
    db: &DatabaseConnection,
    hook: &Webhook,
    delivery: &Delivery,
) {
    let outcome = attempt(client, allow_private, hook, delivery).await;
    let at = now();
    let outcome = match outcome {
        Ok(status) => Outcome::Delivered { status },
        Err((status, error)) => Outcome::Failed {
            status,
            retry_at: webhook::next_attempt(
                delivery.first_attempt_at,
                u32::try_from(delivery.attempts + 1).unwrap_or(u32::MAX),
                at,
            ),
            error,
        },
    };
    // A failed record is retried once the lease runs out.
    match webhook_deliveries::record_attempt(db, delivery, outcome, at).await {
        Ok(true) => {}
        Ok(false) => tracing::warn!(delivery_id = %delivery.id, "a delivery outlived its lease"),
        Err(error) => tracing::warn!(delivery_id = %delivery.id, %error, "recording a delivery failed"),
    }
}

/// One POST: the receiver's 2xx status, or its status (if it answered) and what went wrong.
async fn attempt(
    client: &reqwest::Client,
    allow_private: bool,
    hook: &Webhook,
    delivery: &Delivery,
) -> Result<i32, (Option<i32>, String)> {
    let url = &hook.fields.url;
    // Names are checked as they resolve (`Addresses`); literal addresses here, since the
    // setting may have changed since the subscription was made.
    let literal = match url.host() {
        Some(Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
        Some(Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
        _ => None,
    };
    if !allow_private && literal.is_some_and(|ip| !webhook::is_public(ip)) {
        return Err((
            None,
            "the URL names a private, loopback or link-local address".to_owned(),
        ));
    }
    let timestamp = chrono::Utc::now().timestamp();
    let response = client
        .post(url.clone())
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .header(SIGNATURE, signature(&hook.secret, timestamp, &delivery.payload))
        .header(EVENT_TYPE, &delivery.event_type)
        .header(DELIVERY_ID, delivery.id.to_string())
        .header(EVENT_ID, delivery.event_id.map(|id| id.to_string()).unwrap_or_default())
        .body(delivery.payload.clone())
        .send()
        .await
        .map_err(|error| (None, printable(&describe(&error))))?;
    let status = response.status();
    let code = i32::from(status.as_u16());
    if status.is_success() {
        Ok(code)
    } else {
        let body = start_of(response).await;
        Err((
            Some(code),
            printable(&format!("the receiver answered {status}: {body}")),
        ))
    }
}

/// The first bytes of a receiver's body, for the log: never the whole of what it sends.
async fn start_of(mut response: reqwest::Response) -> String {
    let mut bytes = Vec::new();
    while bytes.len() < MAX_ERROR {
        match response.chunk().await {
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            _ => break,
        }
    }
    bytes.truncate(MAX_ERROR);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// `text` without control characters (PostgreSQL refuses NUL in text), at most [`MAX_ERROR`]
/// characters.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .take(MAX_ERROR)
        .collect()
}

/// `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`: the timestamp is signed with the
/// body, so a receiver can refuse replays of an old delivery.
pub fn signature(secret: &str, timestamp: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("HMAC takes keys of any length");
    mac.update(timestamp.to_string().as_bytes());
    mac.update(b".");
    mac.update(body.as_bytes());
    format!("t={timestamp},v1={}", hex::encode(mac.finalize().into_bytes()))
}

/// The error with its causes: reqwest's own text says little ("error sending request").
fn describe(error: &reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = std::error::Error::source(error);
    while let Some(cause) = source {
        text.push_str(": ");
        text.push_str(&cause.to_string());
        source = cause.source();
    }
    text
}

/// Resolves receivers' host names, keeping only the addresses deliveries may go to: a public
/// name that resolves to an inside address (DNS rebinding) reaches nothing.
struct Addresses {
    allow_private: bool,
}

impl Resolve for Addresses {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let found: Vec<SocketAddr> = tokio::net::lookup_host((name.as_str(), 0)).await?.collect();
            let allowed: Vec<SocketAddr> = found
                .into_iter()
                .filter(|address| allow_private || webhook::is_public(address.ip()))
                .collect();
            if allowed.is_empty() {
                return Err(format!("{} resolves to no address deliveries may go to", name.as_str()).into());
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_signature_is_hmac_sha256_of_timestamp_dot_body() {
        // Computed independently: printf '1700000000.{"a":1}' | openssl dgst -sha256 -hmac 'whsec_test'
        assert_eq!(
            signature("whsec_test", 1_700_000_000, r#"{"a":1}"#),
            "t=1700000000,v1=38877139021993b830af32feea6e18a8da83eb2f6e49ee50bd9e4cf4ca4d3789"
        );
    }
}
