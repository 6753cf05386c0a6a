//! Webhooks: subscriptions, signed deliveries to a real HTTP receiver, retries, the delivery log.

use domain::access::Role;
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use hmac::{Hmac, Mac};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha2::Sha256;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;
use tokio::sync::mpsc;

use crate::helpers::{TestApp, assert_problem, id, spawn_app, spawn_app_with};

const WEBHOOKS: &str = "/api/v1/webhooks";
const SECRET: &str = "a shared secret of thirty chars";

/// A request the receiver got.
#[derive(Debug)]
struct Received {
    headers: HashMap<String, String>,
    body: String,
}

impl Received {
    fn json(&self) -> Value {
        serde_json::from_str(&self.body).expect("a JSON body")
    }
}

/// An HTTP endpoint of the test's own: it answers with the statuses it was given (then 200s) and
/// hands over every request it gets.
struct Receiver {
    url: String,
    requests: mpsc::UnboundedReceiver<Received>,
}

impl Receiver {
    async fn start(statuses: &[u16]) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        let statuses = Arc::new(Mutex::new(statuses.iter().copied().collect::<VecDeque<u16>>()));
        let (sender, requests) = mpsc::unbounded_channel();
        tokio::spawn(async move {
            while let Ok((mut socket, _)) = listener.accept().await {
                let (sender, statuses) = (sender.clone(), statuses.clone());
                tokio::spawn(async move {
                    let Some(received) = read_request(&mut socket).await else {
                        return;
                    };
                    let status = statuses.lock().unwrap().pop_front().unwrap_or(200);
                    // A refusal says why at length, with a NUL byte PostgreSQL would refuse in text.
                    let body = if status < 300 {
                        "ok".to_owned()
                    } else {
                        format!("no\0{}", "x".repeat(10_000))
                    };
                    let response = format!(
                        "HTTP/1.1 {status} X\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                        body.len()
                    );
                    let _ = socket.write_all(response.as_bytes()).await;
                    let _ = sender.send(received);
                });
            }
        });
        Self { url, requests }
    }

    /// An endpoint that takes connections and never answers; returns its URL.
    async fn hanging() -> String {
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}/hooks", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let mut held = Vec::new();
            while let Ok((socket, _)) = listener.accept().await {
                held.push(socket);
            }
        });
        url
    }

    /// The next request; fails the test rather than hang when none comes.
    async fn next(&mut self) -> Received {
        tokio::time::timeout(Duration::from_secs(30), self.requests.recv())
            .await
            .expect("a delivery arrives")
            .expect("the receiver runs")
    }
}

async fn read_request(socket: &mut tokio::net::TcpStream) -> Option<Received> {
    let mut data = Vec::new();
    let mut chunk = [0u8; 4096];
    let header_end = loop {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
        if let Some(at) = data.windows(4).position(|w| w == b"\r\n\r\n") {
            break at + 4;
        }
    };
    let head = String::from_utf8_lossy(&data[..header_end]).into_owned();
    let headers: HashMap<String, String> = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| (name.trim().to_ascii_lowercase(), value.trim().to_owned()))
        .collect();
    let length: usize = headers.get("content-length").and_then(|v| v.parse().ok()).unwrap_or(0);
    while data.len() < header_end + length {
        let n = socket.read(&mut chunk).await.ok()?;
        if n == 0 {
            return None;
        }
        data.extend_from_slice(&chunk[..n]);
    }
    let body = String::from_utf8(data[header_end..header_end + length].to_vec()).ok()?;
    Some(Received { headers, body })
}

/// Checks `CRM-Signature` as a receiver would.
fn assert_signed(delivered: &Received, secret: &str) {
    let header = &delivered.headers["crm-signature"];
    let (t, v1) = header
        .strip_prefix("t=")
        .and_then(|rest| rest.split_once(",v1="))
        .expect("t=…,v1=…");
    let timestamp: i64 = t.parse().unwrap();
    assert!(
        (chrono::Utc::now().timestamp() - timestamp).abs() < 300,
        "a fresh timestamp"
    );
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("{t}.{}", delivered.body).as_bytes());
    mac.verify_slice(&hex::decode(v1).unwrap())
        .expect("the signature verifies");
}

async fn subscribe(app: &TestApp, token: &str, body: &Value) -> Value {
    let response = app.post_as(token, WEBHOOKS, Some(body)).await;
    assert_eq!(
        response.status(),
        StatusCode::CREATED,
        "{}",
        response.text().await.unwrap()
    );
    response.json().await.unwrap()
}

async fn deliveries(app: &TestApp, hook_id: &str) -> Vec<Value> {
    let page = app.get_json(&format!("{WEBHOOKS}/{hook_id}/deliveries")).await;
    page["items"].as_array().unwrap().clone()
}

/// The delivery log once the delivery of `delivery_id` is no longer in flight.
async fn settled(app: &TestApp, hook_id: &str, delivery_id: &str) -> Value {
    for _ in 0..300 {
        let delivery = app
            .get_json(&format!("{WEBHOOKS}/{hook_id}/deliveries/{delivery_id}"))
            .await;
        if delivery["attempts"].as_i64().unwrap() > 0 {
            return delivery;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("delivery {delivery_id} was never attempted");
}

async fn create_party(app: &TestApp, token: &str, name: &str) -> Value {
    let response = app
        .post_as(
            token,
            "/api/v1/parties",
            Some(&json!({"kind": "organization", "name": name})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    response.json().await.unwrap()
}

#[tokio::test]
async fn events_are_delivered_signed_as_the_feed_shows_them_and_logged() {
    let app = spawn_app().await;
    let mut receiver = Receiver::start(&[]).await;
    let hook = subscribe(
        &app,
        &app.admin_token,
        &json!({"url": receiver.url, "event_types": ["party.*"], "secret": SECRET}),
    )
    .await;
    assert_eq!(hook["secret"], SECRET, "shown at creation");

    let party = create_party(&app, &app.admin_token, "Hooked GmbH").await;
    let delivered = receiver.next().await;
    assert_signed(&delivered, SECRET);
    assert_eq!(delivered.headers["content-type"], "application/json");
    assert_eq!(delivered.headers["crm-event-type"], "party.created");
    let body = delivered.json();
    assert_eq!(body["type"], "party.created");
    assert_eq!(body["resource_id"], party["id"]);
    assert_eq!(body["data"]["name"], "Hooked GmbH");
    assert_eq!(delivered.headers["crm-event-id"], body["id"].as_str().unwrap());

    // The body is the feed's event, byte for byte.
    let feed = app.get_json("/api/v1/events").await;
    let event = feed["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["id"] == body["id"])
        .expect("the event is in the feed")
        .clone();
    assert_eq!(event, body);

    let delivery_id = delivered.headers["crm-delivery-id"].clone();
    let delivery = settled(&app, id(&hook), &delivery_id).await;
    assert_eq!(delivery["state"], "succeeded");
    assert_eq!(delivery["attempts"], 1);
    assert_eq!(delivery["last_status"], 200);
    assert_eq!(delivery["event_id"], body["id"]);
    assert_eq!(delivery["payload"], delivered.body);
    assert!(delivery["delivered_at"].is_string());

    // Reads never show the secret.
    let read = app.get_json(&format!("{WEBHOOKS}/{}", id(&hook))).await;
    assert!(read.get("secret").is_none());
    let list = app.get_json(WEBHOOKS).await;
    assert!(list["items"][0].get("secret").is_none());
}

#[tokio::test]
async fn a_failed_delivery_waits_for_its_retry_and_can_be_redelivered_at_once() {
    let app = spawn_app().await;
    let mut receiver = Receiver::start(&[500]).await;
    let hook = subscribe(
        &app,
        &app.admin_token,
        &json!({"url": receiver.url, "event_types": ["offer.*"]}),
    )
    .await;
    let secret = hook["secret"].as_str().unwrap().to_owned();
    assert!(secret.len() >= 24, "the server makes a secret");

    let response = app.post(&format!("{WEBHOOKS}/{}/test", id(&hook)), &json!(null)).await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let queued: Value = response.json().await.unwrap();
    assert_eq!(queued["state"], "pending");
    assert_eq!(queued["event_type"], "webhook.test");

    let first = receiver.next().await;
    assert_signed(&first, &secret);
    assert_eq!(first.json()["type"], "webhook.test");
    let failed = settled(&app, id(&hook), id(&queued)).await;
    assert_eq!(failed["state"], "pending", "retried later");
    assert_eq!(failed["attempts"], 1);
    assert_eq!(failed["last_status"], 500);
    let error = failed["last_error"].as_str().unwrap();
    assert!(error.starts_with("the receiver answered 500"), "{error}");
    assert!(
        error.chars().count() <= 500 && !error.contains('\0'),
        "kept short and printable"
    );
    let next_attempt = chrono::DateTime::parse_from_rfc3339(failed["next_attempt_at"].as_str().unwrap()).unwrap();
    let updated = chrono::DateTime::parse_from_rfc3339(failed["updated_at"].as_str().unwrap()).unwrap();
    assert_eq!(
        next_attempt - updated,
        chrono::TimeDelta::seconds(30),
        "the first retry after 30 s"
    );

    let response = app
        .post(
            &format!("{WEBHOOKS}/{}/deliveries/{}/redeliver", id(&hook), id(&queued)),
            &json!(null),
        )
        .await;
    assert_eq!(response.status(), StatusCode::ACCEPTED);
    let again: Value = response.json().await.unwrap();
    assert_ne!(again["id"], queued["id"]);
    let second = receiver.next().await;
    assert_eq!(second.body, first.body, "the same body");
    assert_signed(&second, &secret);
    let delivered = settled(&app, id(&hook), id(&again)).await;
    assert_eq!(delivered["state"], "succeeded");

    let log = deliveries(&app, id(&hook)).await;
    assert_eq!(log.len(), 2);
    assert_eq!(log[0]["id"], again["id"], "newest first");
    let pending = app
        .get_json(&format!("{WEBHOOKS}/{}/deliveries?state=pending", id(&hook)))
        .await;
    assert_eq!(pending["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_subscription_gets_only_its_types_and_can_skip_its_owners_changes() {
    let app = spawn_app().await;
    let integrator = app.login_as(Role::Integrator).await;
    let mut receiver = Receiver::start(&[]).await;
    let hook = subscribe(
        &app,
        &integrator,
        &json!({"url": receiver.url, "event_types": ["party.created"], "skip_own": true}),
    )
    .await;

    create_party(&app, &integrator, "Own Write AG").await;
    let product = app
        .post(
            "/api/v1/products",
            &json!({"sku": "HOOK-1", "name": "Not wanted", "list_price": "1.00", "currency": "EUR", "tax_rate": "19"}),
        )
        .await;
    assert_eq!(product.status(), StatusCode::CREATED);
    let wanted = create_party(&app, &app.admin_token, "Someone Else KG").await;

    let delivered = receiver.next().await;
    assert_eq!(delivered.json()["resource_id"], wanted["id"]);
    // The feed is fanned out in order: once the last change is delivered, the earlier ones were
    // looked at, and none of them was queued.
    let log = deliveries(&app, id(&hook)).await;
    assert_eq!(log.len(), 1, "{log:?}");
    assert_eq!(log[0]["event_type"], "party.created");
}

#[tokio::test]
async fn subscriptions_are_checked_and_kept_to_their_owner() {
    let app = spawn_app().await;
    let integrator = app.login_as(Role::Integrator).await;
    let other = app.login_as(Role::Integrator).await;
    let sales = app.login_as(Role::Sales).await;
    let body = json!({"url": "https://erp.example.com/hooks", "event_types": ["invoice.paid"]});

    let refused = app.post_as(&sales, WEBHOOKS, Some(&body)).await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let invalid = app
        .post_as(
            &integrator,
            WEBHOOKS,
            Some(&json!({"url": "ftp://x.example", "event_types": ["invoices.*"], "secret": "short"})),
        )
        .await;
    let problem = assert_problem(invalid, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert!(fields.contains(&"secret"), "{problem}");

    let hook = subscribe(&app, &integrator, &body).await;
    let path = format!("{WEBHOOKS}/{}", id(&hook));
    let hidden = app.request(Method::GET, &path, Some(&other), None).await;
    assert_problem(hidden, StatusCode::NOT_FOUND, "not_found").await;
    let others = app.request(Method::GET, WEBHOOKS, Some(&other), None).await;
    assert_eq!(others.json::<Value>().await.unwrap()["items"], json!([]));
    let admin_sees = app.get_json(WEBHOOKS).await;
    assert_eq!(admin_sees["items"].as_array().unwrap().len(), 1);

    // Rotating the secret shows the new one; other changes do not.
    let rotated = app
        .request(
            Method::PATCH,
            &path,
            Some(&integrator),
            Some(&json!({"secret": "another secret, long enough"})),
        )
        .await;
    assert_eq!(rotated.status(), StatusCode::OK);
    assert_eq!(
        rotated.json::<Value>().await.unwrap()["secret"],
        "another secret, long enough"
    );
    let paused = app
        .request(Method::PATCH, &path, Some(&integrator), Some(&json!({"active": false})))
        .await;
    let paused: Value = paused.json().await.unwrap();
    assert_eq!(paused["active"], false);
    assert_eq!(paused["version"], 3);
    assert!(paused.get("secret").is_none());

    let inactive = app
        .request(Method::POST, &format!("{path}/test"), Some(&integrator), None)
        .await;
    assert_problem(inactive, StatusCode::CONFLICT, "webhook_inactive").await;
    for method in [Method::PATCH, Method::DELETE] {
        let others = app.request(method, &path, Some(&other), Some(&json!({}))).await;
        assert_problem(others, StatusCode::NOT_FOUND, "not_found").await;
    }

    let deleted = app.request(Method::DELETE, &path, Some(&integrator), None).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let gone = app.get(&format!("{path}/deliveries")).await;
    assert_problem(gone, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn private_addresses_are_refused_unless_the_server_allows_them() {
    let app = spawn_app_with(|settings| settings.webhook_allow_private = false).await;
    for url in [
        "http://127.0.0.1:9/x",
        "http://localhost/x",
        "http://169.254.169.254/",
        "http://[::1]/",
    ] {
        let response = app.post(WEBHOOKS, &json!({"url": url, "event_types": ["*"]})).await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(problem["errors"][0]["code"], "private_address", "{url}");
    }
    assert_eq!(app.get_json(WEBHOOKS).await["items"], json!([]), "nothing was kept");
    app.post_expect(
        WEBHOOKS,
        &json!({"url": "https://erp.example.com/hooks", "event_types": ["*"]}),
        StatusCode::CREATED,
    )
    .await;
}

#[tokio::test]
async fn each_event_of_many_concurrent_writes_is_delivered_once() {
    let app = spawn_app().await;
    let mut receiver = Receiver::start(&[]).await;
    subscribe(
        &app,
        &app.admin_token,
        &json!({"url": receiver.url, "event_types": ["party.created"]}),
    )
    .await;

    let names: Vec<String> = (0..50).map(|i| format!("Burst {i}")).collect();
    let requests = names.iter().map(|name| create_party(&app, &app.admin_token, name));
    let created: std::collections::HashSet<String> = futures::future::join_all(requests)
        .await
        .iter()
        .map(|party| id(party).to_owned())
        .collect();
    let mut delivered = std::collections::HashSet::new();
    while delivered.len() < created.len() {
        let body = receiver.next().await.json();
        assert!(
            delivered.insert(body["resource_id"].as_str().unwrap().to_owned()),
            "delivered twice: {body}"
        );
    }
    assert_eq!(delivered, created);
    // Nothing else is on its way: the next delivery is of the next change.
    let marker = create_party(&app, &app.admin_token, "After the burst").await;
    assert_eq!(receiver.next().await.json()["resource_id"], marker["id"]);
}

#[tokio::test]
async fn a_deactivated_owners_subscription_receives_nothing_more() {
    let app = spawn_app().await;
    let (integrator_id, integrator) = app.user_with_role(Role::Integrator, None).await;
    let mut theirs = Receiver::start(&[]).await;
    let mut admins = Receiver::start(&[]).await;
    let body = |url: &str| json!({"url": url, "event_types": ["party.created"]});
    let hook = subscribe(&app, &integrator, &body(&theirs.url)).await;
    subscribe(&app, &app.admin_token, &body(&admins.url)).await;
    create_party(&app, &app.admin_token, "Before").await;
    assert_eq!(theirs.next().await.json()["data"]["name"], "Before");
    admins.next().await;

    let deactivated = app
        .patch(&format!("/api/v1/users/{integrator_id}"), &json!({"active": false}))
        .await;
    assert_eq!(deactivated.status(), StatusCode::OK);
    create_party(&app, &app.admin_token, "After").await;
    // Both subscriptions are served in one pass over the feed: once the admin's has the event,
    // the integrator's was passed over.
    assert_eq!(admins.next().await.json()["data"]["name"], "After");
    assert_eq!(deliveries(&app, id(&hook)).await.len(), 1);
}

#[tokio::test]
async fn a_receiver_that_hangs_delays_no_other_subscription() {
    let app = spawn_app().await;
    let hanging = subscribe(
        &app,
        &app.admin_token,
        &json!({"url": Receiver::hanging().await, "event_types": ["party.created"]}),
    )
    .await;
    let mut receiver = Receiver::start(&[]).await;
    subscribe(
        &app,
        &app.admin_token,
        &json!({"url": receiver.url, "event_types": ["party.created"]}),
    )
    .await;
    for n in 0..5 {
        create_party(&app, &app.admin_token, &format!("Party {n}")).await;
    }
    for _ in 0..5 {
        receiver.next().await;
    }
    // All five arrived while the hanging receiver's first deliveries still wait for an answer.
    let stuck = deliveries(&app, id(&hanging)).await;
    assert_eq!(stuck.len(), 5);
    assert!(
        stuck.iter().all(|d| d["attempts"] == 0 && d["state"] == "pending"),
        "{stuck:?}"
    );
}

#[tokio::test]
async fn two_instances_deliver_each_event_once() {
    let app = spawn_app().await;
    if !app.on_postgres() {
        // Several instances share a database on PostgreSQL; SQLite is for one process.
        return;
    }
    let second = app.another_instance().await;
    let mut receiver = Receiver::start(&[]).await;
    subscribe(
        &app,
        &app.admin_token,
        &json!({"url": receiver.url, "event_types": ["party.created"]}),
    )
    .await;

    let names: Vec<String> = (0..40).map(|i| format!("Twin {i}")).collect();
    let requests = names.iter().enumerate().map(|(i, name)| {
        let base = if i % 2 == 0 {
            app.address.clone()
        } else {
            second.clone()
        };
        let request = app
            .client
            .post(format!("{base}/api/v1/parties"))
            .bearer_auth(&app.admin_token)
            .json(&json!({"kind": "organization", "name": name}))
            .send();
        async move {
            let response = request.await.unwrap();
            assert_eq!(response.status(), StatusCode::CREATED);
            response.json::<Value>().await.unwrap()["id"]
                .as_str()
                .unwrap()
                .to_owned()
        }
    });
    let created: std::collections::HashSet<String> = futures::future::join_all(requests).await.into_iter().collect();
    let mut delivered = std::collections::HashSet::new();
    while delivered.len() < created.len() {
        let body = receiver.next().await.json();
        assert!(
            delivered.insert(body["resource_id"].as_str().unwrap().to_owned()),
            "delivered twice: {body}"
        );
    }
    assert_eq!(delivered, created);
    let marker = create_party(&app, &app.admin_token, "After the twins").await;
    assert_eq!(receiver.next().await.json()["resource_id"], marker["id"]);
}
