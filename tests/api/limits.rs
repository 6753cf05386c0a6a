//! Deadlines and unreadable bodies: no client holds the server, and a body that cannot be read is
//! the client's error, never a 413 it did not cause or a 500.

use std::time::Duration;

use reqwest::StatusCode;
use serde_json::Value;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn a_body_that_stops_arriving_is_answered_408_at_its_deadline() {
    let app = spawn_app().await;
    let address = app.address.trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(&address).await.unwrap();
    let head = format!(
        "POST /api/v1/auth/token HTTP/1.1\r\nHost: {address}\r\nContent-Type: application/json\r\nContent-Length: 500\r\n\r\n{{\"email\""
    );
    stream.write_all(head.as_bytes()).await.unwrap();
    // The server's deadline is 10 s; the test gives up (and fails) long after it.
    let mut answer = Vec::new();
    let read = tokio::time::timeout(Duration::from_mins(1), async {
        let mut buffer = [0u8; 4096];
        loop {
            let n = stream.read(&mut buffer).await.unwrap();
            answer.extend_from_slice(&buffer[..n]);
            if n == 0 || answer.windows(4).any(|w| w == b"\r\n\r\n") && answer.ends_with(b"}") {
                break;
            }
        }
    })
    .await;
    assert!(read.is_ok(), "the server never answered a stalled body");
    let answer = String::from_utf8_lossy(&answer);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
    let body: Value = serde_json::from_str(answer.split("\r\n\r\n").nth(1).unwrap()).unwrap();
    assert_eq!(body["code"], "request_timeout");
}

#[tokio::test]
async fn a_damaged_compressed_body_is_a_400_not_a_413() {
    let app = spawn_app().await;
    let response = app
        .client
        .post(app.url("/api/v1/parties"))
        .bearer_auth(&app.admin_token)
        .header("content-type", "application/json")
        .header("content-encoding", "gzip")
        .body(b"\x1f\x8b\x08\x00garbage that is no deflate stream".to_vec())
        .send()
        .await
        .unwrap();
    assert_problem(response, StatusCode::BAD_REQUEST, "malformed_body").await;
    let parties = app.get_json("/api/v1/parties").await;
    assert_eq!(parties["items"].as_array().unwrap().len(), 0, "nothing was created");
}

#[tokio::test]
async fn a_change_waiting_on_a_lock_held_elsewhere_is_told_to_retry_instead_of_hanging() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let app = spawn_app().await;
    if !app.on_postgres() {
        return; // SQLite's single connection serialises every transaction: no lock is held elsewhere.
    }
    let party = app
        .post_party(&serde_json::json!({"kind": "organization", "name": "Locked", "roles": ["customer"]}))
        .await;
    let id = party["id"].as_str().unwrap();
    // Another session (a report, a stuck integration) holds the row.
    let db = app.database().await;
    let holder = db.begin().await.unwrap();
    holder
        .execute_unprepared(&format!("SELECT id FROM parties WHERE id = '{id}' FOR UPDATE"))
        .await
        .unwrap();
    let response = app
        .patch(
            &format!("/api/v1/parties/{id}"),
            &serde_json::json!({"name": "Changed"}),
        )
        .await;
    let retry_after = response.headers().get("retry-after").cloned();
    assert_problem(response, StatusCode::SERVICE_UNAVAILABLE, "resource_busy").await;
    assert!(retry_after.is_some());
    holder.rollback().await.unwrap();
    let after = app.get_json(&format!("/api/v1/parties/{id}")).await;
    assert_eq!(after["name"], "Locked", "the change that waited was not made");
}

#[tokio::test]
async fn server_owned_fields_are_refused_by_name_never_taken_or_dropped() {
    use serde_json::json;
    let app = spawn_app().await;
    let party = app.customer().await;
    let party_id = party["id"].as_str().unwrap();
    let line = json!({"description": "A", "quantity": "1", "unit_price": "10", "tax_rate": "19"});
    let cases = [
        (
            "/api/v1/parties",
            json!({"kind": "person", "name": "Jane", "id": party_id}),
            "id",
        ),
        (
            "/api/v1/parties",
            json!({"kind": "person", "name": "Jane", "version": 7}),
            "version",
        ),
        (
            "/api/v1/parties",
            json!({"kind": "person", "name": "Jane", "created_at": "2020-01-01T00:00:00Z"}),
            "created_at",
        ),
        (
            "/api/v1/parties",
            json!({"kind": "person", "name": "Jane", "archived_at": "2020-01-01T00:00:00Z"}),
            "archived_at",
        ),
        (
            "/api/v1/offers",
            json!({"party_id": party_id, "lines": [line], "status": "accepted"}),
            "status",
        ),
        (
            "/api/v1/offers",
            json!({"party_id": party_id, "lines": [line], "number": "OF-2020-000001"}),
            "number",
        ),
        (
            "/api/v1/offers",
            json!({"party_id": party_id, "lines": [line], "net_total": "0.01"}),
            "net_total",
        ),
        (
            "/api/v1/sales-orders",
            json!({"party_id": party_id, "lines": [line], "status": "confirmed"}),
            "status",
        ),
        (
            "/api/v1/invoices",
            json!({"party_id": party_id, "lines": [line], "number": "INV-2020-000001"}),
            "number",
        ),
    ];
    for (path, body, field) in cases {
        let problem = assert_problem(app.post(path, &body).await, StatusCode::BAD_REQUEST, "unknown_field").await;
        let detail = problem["detail"].as_str().unwrap();
        assert!(detail.contains(&format!("`{field}`")), "{path} {field}: {detail}");
    }
    let parties = app.get_json("/api/v1/parties").await;
    assert_eq!(
        parties["items"].as_array().unwrap().len(),
        1,
        "only the customer: nothing was created"
    );
}
