//! Making deliveries: a signed POST of the stored body, judged by the receiver's status.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use chrono::TimeDelta;
use domain::webhook::{self, Webhook};
use futures::StreamExt;
use hmac::{Hmac, Mac};
use persistence::webhook_deliveries::{self, Delivery, Outcome};
use persistence::{DatabaseConnection, StoreError, webhooks};
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use sha2::Sha256;
use url::Host;

use crate::state::now;

/// Deliveries claimed per round, and sent at once.
const BATCH: u64 = 50;
const CONCURRENCY: usize = 8;
const TIMEOUT: Duration = Duration::from_secs(10);
/// A claimed delivery is another worker's to take only after this, when this one died mid-send:
/// well over the longest a batch takes (50 deliveries, 8 at a time, 10 s each).
const LEASE: TimeDelta = TimeDelta::minutes(5);
/// Receivers' error texts are kept up to this many characters.
const MAX_ERROR: usize = 500;

pub const SIGNATURE: &str = "CRM-Signature";

pub struct Sender {
    client: reqwest::Client,
    allow_private: bool,
}

impl Sender {
    pub fn new(allow_private: bool) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .timeout(TIMEOUT)
            .connect_timeout(TIMEOUT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .user_agent(concat!("crm-webhooks/", env!("CARGO_PKG_VERSION")))
            .dns_resolver(Arc::new(Addresses { allow_private }))
            .build()?;
        Ok(Self { client, allow_private })
    }

    /// Makes the due deliveries, recording each as soon as it is made; true when there were more
    /// than one batch of them.
    pub async fn send_due(&self, db: &DatabaseConnection) -> Result<bool, StoreError> {
        let hooks: HashMap<_, _> = webhooks::active(db, &super::owner_roles())
            .await?
            .into_iter()
            .map(|h| (h.id, h))
            .collect();
        let ids: Vec<_> = hooks.keys().copied().collect();
        let at = now();
        let due = webhook_deliveries::claim_due(db, &ids, at, at + LEASE, BATCH).await?;
        let full = due.len() as u64 == BATCH;
        futures::stream::iter(due)
            .for_each_concurrent(CONCURRENCY, |delivery| {
                let hook = &hooks[&delivery.webhook_id];
                async move {
                    let outcome = self.attempt(hook, &delivery).await;
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
                    // One failed record must not cost the others theirs: the delivery is retried
                    // once its lease runs out.
                    match webhook_deliveries::record_attempt(db, &delivery, outcome, at).await {
                        Ok(true) => {}
                        Ok(false) => tracing::warn!(delivery_id = %delivery.id, "a delivery outlived its lease"),
                        Err(error) => tracing::warn!(delivery_id = %delivery.id, %error, "recording a delivery failed"),
                    }
                }
            })
            .await;
        Ok(full)
    }

    /// One POST: the receiver's 2xx status, or its status (if it answered) and what went wrong.
    async fn attempt(&self, hook: &Webhook, delivery: &Delivery) -> Result<i32, (Option<i32>, String)> {
        let url = &hook.fields.url;
        // Names are checked as they resolve (`Addresses`); literal addresses here, since the
        // setting may have changed since the subscription was made.
        let literal = match url.host() {
            Some(Host::Ipv4(ip)) => Some(IpAddr::V4(ip)),
            Some(Host::Ipv6(ip)) => Some(IpAddr::V6(ip)),
            _ => None,
        };
        if !self.allow_private && literal.is_some_and(|ip| !webhook::is_public(ip)) {
            return Err((
                None,
                "the URL names a private, loopback or link-local address".to_owned(),
            ));
        }
        let timestamp = chrono::Utc::now().timestamp();
        let response = self
            .client
            .post(url.clone())
            .header(reqwest::header::CONTENT_TYPE, "application/json")
            .header(SIGNATURE, signature(&hook.secret, timestamp, &delivery.payload))
            .header("CRM-Event-Type", &delivery.event_type)
            .header("CRM-Delivery-Id", delivery.id.to_string())
            .header(
                "CRM-Event-Id",
                delivery.event_id.map(|id| id.to_string()).unwrap_or_default(),
            )
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
