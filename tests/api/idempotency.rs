//! `Idempotency-Key`: a retried POST is answered with the first response and changes nothing
//! again, also when twenty identical requests race.

use chrono::TimeDelta;
use domain::access::Role;
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, id, spawn_app, stored_instant};

const PARTIES: &str = "/api/v1/parties";

async fn post_with_key(app: &TestApp, token: &str, path: &str, key: &str, body: Option<&Value>) -> reqwest::Response {
    let mut request = app
        .client
        .post(app.url(path))
        .bearer_auth(token)
        .header("Idempotency-Key", key);
    if let Some(body) = body {
        request = request.json(body);
    }
    request.send().await.expect("the request is sent")
}

async fn count_named(app: &TestApp, name: &str) -> usize {
    let page = app.get_json(&format!("{PARTIES}?q={name}&limit=200")).await;
    page["items"].as_array().unwrap().len()
}

fn replayed(response: &reqwest::Response) -> bool {
    response
        .headers()
        .get("idempotent-replayed")
        .is_some_and(|v| v == "true")
}

#[tokio::test]
async fn a_retried_create_is_answered_with_the_first_response() {
    let app = spawn_app().await;
    let body = json!({"kind": "organization", "name": "Retryco"});
    let first = post_with_key(&app, &app.admin_token, PARTIES, "create-retryco", Some(&body)).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    assert!(!replayed(&first));
    let location = first.headers()["location"].clone();
    let created: Value = first.json().await.unwrap();

    let again = post_with_key(&app, &app.admin_token, PARTIES, "create-retryco", Some(&body)).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert!(replayed(&again));
    assert_eq!(again.headers()["location"], location);
    assert_eq!(again.json::<Value>().await.unwrap(), created);
    assert_eq!(count_named(&app, "Retryco").await, 1);

    let other = post_with_key(
        &app,
        &app.admin_token,
        PARTIES,
        "create-retryco",
        Some(&json!({"kind": "organization", "name": "Otherco"})),
    )
    .await;
    let problem = assert_problem(other, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "key_reused");
    assert_eq!(count_named(&app, "Otherco").await, 0);

    // The key is the caller's own: another user's request with it is a request of its own.
    let manager = app.login_as(Role::Manager).await;
    let theirs = post_with_key(&app, &manager, PARTIES, "create-retryco", Some(&body)).await;
    assert_eq!(theirs.status(), StatusCode::CREATED);
    assert!(!replayed(&theirs));
    assert_eq!(count_named(&app, "Retryco").await, 2);
}

#[tokio::test]
async fn a_refused_request_leaves_its_key_free_and_transitions_replay_too() {
    let app = spawn_app().await;
    let invalid = post_with_key(
        &app,
        &app.admin_token,
        PARTIES,
        "fix-and-retry",
        Some(&json!({"kind": "organization"})),
    )
    .await;
    assert_eq!(invalid.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let fixed = post_with_key(
        &app,
        &app.admin_token,
        PARTIES,
        "fix-and-retry",
        Some(&json!({"kind": "organization", "name": "Fixed", "currency": "EUR"})),
    )
    .await;
    assert_eq!(fixed.status(), StatusCode::CREATED);
    assert!(!replayed(&fixed));
    let party: Value = fixed.json().await.unwrap();

    let offer = app
        .post_expect(
            "/api/v1/offers",
            &json!({"party_id": id(&party), "lines": [{"description": "A", "quantity": "1", "unit_price": "1", "tax_rate": "0"}]}),
            StatusCode::CREATED,
        )
        .await;
    let send_path = format!("/api/v1/offers/{}/send", id(&offer));
    let sent = post_with_key(&app, &app.admin_token, &send_path, "send-once", None).await;
    assert_eq!(sent.status(), StatusCode::OK);
    let again = post_with_key(&app, &app.admin_token, &send_path, "send-once", None).await;
    assert_eq!(
        again.status(),
        StatusCode::OK,
        "not a 409: the retry gets the first answer"
    );
    assert!(replayed(&again));
    let without_key = app.post_as(&app.admin_token, &send_path, None).await;
    assert_problem(without_key, StatusCode::CONFLICT, "invalid_state_transition").await;

    for bad in ["", &"k".repeat(256), "with space"] {
        let response = post_with_key(&app, &app.admin_token, PARTIES, bad, Some(&json!({}))).await;
        assert_problem(response, StatusCode::BAD_REQUEST, "invalid_idempotency_key").await;
    }
    let history = app
        .request(
            Method::GET,
            &format!("/api/v1/offers/{}/history", id(&offer)),
            Some(&app.admin_token),
            None,
        )
        .await;
    let history: Value = history.json().await.unwrap();
    assert_eq!(history["items"].as_array().unwrap().len(), 2, "created, sent once");
}

/// Twenty identical requests with one key at once: exactly one party is created; every other
/// request is told the first is running (409) or gets its response replayed.
#[tokio::test]
async fn twenty_racing_requests_with_one_key_create_one_record() {
    let app = spawn_app().await;
    let body = json!({"kind": "organization", "name": "Racer"});
    let responses =
        join_all((0..20).map(|_| post_with_key(&app, &app.admin_token, PARTIES, "race-key", Some(&body)))).await;
    let mut fresh = 0;
    for response in &responses {
        match response.status() {
            StatusCode::CREATED if !replayed(response) => fresh += 1,
            StatusCode::CREATED | StatusCode::CONFLICT => {}
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!(fresh, 1);
    assert_eq!(count_named(&app, "Racer").await, 1);
}

#[tokio::test]
async fn a_batch_whose_every_item_failed_does_not_spend_its_key() {
    let app = spawn_app().await;
    let path = "/api/v1/parties/batch";
    let wrong = json!({"items": [{"external_id": "B-1", "kind": "organization", "name": ""}]});
    let refused = post_with_key(&app, &app.admin_token, path, "batch-1", Some(&wrong)).await;
    assert_eq!(refused.status(), StatusCode::OK);
    assert_eq!(refused.json::<Value>().await.unwrap()["failed"], 1);

    let right = json!({"items": [{"external_id": "B-1", "kind": "organization", "name": "Batchco"}]});
    let corrected = post_with_key(&app, &app.admin_token, path, "batch-1", Some(&right)).await;
    assert!(!replayed(&corrected));
    assert_eq!(corrected.json::<Value>().await.unwrap()["created"], 1);
    let again = post_with_key(&app, &app.admin_token, path, "batch-1", Some(&right)).await;
    assert!(replayed(&again), "a batch that changed something is kept");
    assert_eq!(count_named(&app, "Batchco").await, 1);
}

/// How many keys the database holds.
async fn keys_kept(app: &TestApp) -> i64 {
    let db = app.database().await;
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT COUNT(*) AS n FROM idempotency_keys",
        ))
        .await
        .unwrap()
        .unwrap();
    row.try_get("", "n").unwrap()
}

/// A key holds its response for 24 hours, then housekeeping (at start-up, then hourly) drops it
/// and the key is a new request. A claim whose request never finished (its server stopped
/// mid-request) answers 409 for a minute, then goes to the next request with the key.
#[tokio::test]
async fn keys_expire_after_a_day_and_an_abandoned_claim_is_taken_over() {
    let app = spawn_app().await;
    let body = json!({"kind": "organization", "name": "Dayold"});
    let first = post_with_key(&app, &app.admin_token, PARTIES, "day-old", Some(&body)).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    app.execute_sql(&format!(
        "UPDATE idempotency_keys SET created_at = '{}'",
        stored_instant(TimeDelta::hours(25))
    ))
    .await;
    assert_eq!(keys_kept(&app).await, 1);
    app.another_instance().await;
    assert_eq!(keys_kept(&app).await, 0, "a starting server drops expired keys");
    let again = post_with_key(&app, &app.admin_token, PARTIES, "day-old", Some(&body)).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert!(!replayed(&again), "an expired key is a new request");
    assert_eq!(count_named(&app, "Dayold").await, 2);

    // The server stopped while the request with this key ran: its claim stays in flight.
    let stopped = "UPDATE idempotency_keys SET state = 'in_flight', response_status = NULL, \
                   response_headers = NULL, response_body = NULL";
    app.execute_sql(stopped).await;
    let busy = post_with_key(&app, &app.admin_token, PARTIES, "day-old", Some(&body)).await;
    assert_problem(busy, StatusCode::CONFLICT, "idempotency_key_in_use").await;
    app.execute_sql(&format!(
        "UPDATE idempotency_keys SET created_at = '{}'",
        stored_instant(TimeDelta::minutes(2))
    ))
    .await;
    let taken = post_with_key(&app, &app.admin_token, PARTIES, "day-old", Some(&body)).await;
    assert_eq!(taken.status(), StatusCode::CREATED);
    assert!(!replayed(&taken));
    assert_eq!(count_named(&app, "Dayold").await, 3);
    let replay = post_with_key(&app, &app.admin_token, PARTIES, "day-old", Some(&body)).await;
    assert!(replayed(&replay), "the taken-over claim keeps its response");
    assert_eq!(count_named(&app, "Dayold").await, 3);
}

/// kill -9 between the claim of a key and the commit of its change: the claim stays in flight,
/// owned by an instance that no longer runs. A retry takes it over at once, not after a minute;
/// while the owner runs, a retry is told the key is in use.
#[tokio::test]
async fn the_claim_of_a_killed_server_is_taken_over_at_once() {
    let app = spawn_app().await;
    let body = json!({"kind": "organization", "name": "Survivor"});
    let first = post_with_key(&app, &app.admin_token, PARTIES, "killed", Some(&body)).await;
    assert_eq!(first.status(), StatusCode::CREATED);
    let in_flight = "UPDATE idempotency_keys SET state = 'in_flight', response_status = NULL, \
                     response_headers = NULL, response_body = NULL";
    app.execute_sql(in_flight).await;

    // Its owner, this server, still runs: the request may still be running.
    let busy = post_with_key(&app, &app.admin_token, PARTIES, "killed", Some(&body)).await;
    assert_problem(busy, StatusCode::CONFLICT, "idempotency_key_in_use").await;

    // Its owner was killed: an instance no server runs as, never seen since.
    let gone = uuid::Uuid::now_v7();
    // (SQLite keeps a UUID as 16 bytes, PostgreSQL as its own type.)
    let gone = if app.on_postgres() {
        format!("'{gone}'")
    } else {
        format!("X'{}'", gone.simple())
    };
    app.execute_sql(&format!("UPDATE idempotency_keys SET instance_id = {gone}"))
        .await;
    let retry = post_with_key(&app, &app.admin_token, PARTIES, "killed", Some(&body)).await;
    assert_eq!(retry.status(), StatusCode::CREATED, "taken over at once");
    assert!(!replayed(&retry));
    let replay = post_with_key(&app, &app.admin_token, PARTIES, "killed", Some(&body)).await;
    assert!(replayed(&replay), "the taken-over claim keeps its response");
    assert_eq!(
        count_named(&app, "Survivor").await,
        2,
        "the first commit here was simulated, the retry's is real"
    );
}

/// The change and the response its retries get are committed together: a request whose kept
/// response cannot be written (here a trigger takes its claim away, as a retry taking the key
/// over after a minute would) commits nothing, so a retry makes the record exactly once.
#[tokio::test]
async fn a_change_commits_only_with_the_response_kept_for_its_retries() {
    let app = spawn_app().await;
    if app.on_postgres() {
        app.execute_sql(
            "CREATE FUNCTION lose_claim() RETURNS trigger AS $$ \
             BEGIN DELETE FROM idempotency_keys; RETURN NEW; END $$ LANGUAGE plpgsql",
        )
        .await;
        app.execute_sql("CREATE TRIGGER lose_claim AFTER INSERT ON parties FOR EACH ROW EXECUTE FUNCTION lose_claim()")
            .await;
    } else {
        app.execute_sql("CREATE TRIGGER lose_claim AFTER INSERT ON parties BEGIN DELETE FROM idempotency_keys; END")
            .await;
    }
    let body = json!({"kind": "organization", "name": "Onceco"});

    let lost = post_with_key(&app, &app.admin_token, PARTIES, "create-onceco", Some(&body)).await;
    assert_problem(lost, StatusCode::CONFLICT, "idempotency_key_in_use").await;
    assert_eq!(
        count_named(&app, "Onceco").await,
        0,
        "the party was not committed without its response"
    );

    if app.on_postgres() {
        app.execute_sql("DROP TRIGGER lose_claim ON parties").await;
        app.execute_sql("DROP FUNCTION lose_claim()").await;
    } else {
        app.execute_sql("DROP TRIGGER lose_claim").await;
    }
    // The claim is still the first request's; after its minute a retry takes the key over.
    app.execute_sql(&format!(
        "UPDATE idempotency_keys SET created_at = '{}'",
        stored_instant(TimeDelta::minutes(2))
    ))
    .await;
    let retried = post_with_key(&app, &app.admin_token, PARTIES, "create-onceco", Some(&body)).await;
    assert_eq!(retried.status(), StatusCode::CREATED);
    let again = post_with_key(&app, &app.admin_token, PARTIES, "create-onceco", Some(&body)).await;
    assert_eq!(again.status(), StatusCode::CREATED);
    assert!(replayed(&again));
    assert_eq!(count_named(&app, "Onceco").await, 1);
}
