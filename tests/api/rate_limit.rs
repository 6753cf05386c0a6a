//! The rate limit: past `CRM_RATE_LIMIT_PER_MINUTE` requests, a caller gets a 429 that changes
//! nothing, while other callers are still served.
//!
//! With a limit of 5, one spent request comes back every 12 s: each test sends its counted
//! requests back to back, so none comes back in between.

use domain::access::Role;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, TestApp, assert_problem, spawn_app_with};

const PARTIES: &str = "/api/v1/parties";

async fn limited_to(per_minute: u32) -> TestApp {
    spawn_app_with(|settings| settings.rate_limit_per_minute = per_minute).await
}

fn number(response: &Response, name: &str) -> u64 {
    response.headers()[name].to_str().unwrap().parse().unwrap()
}

/// How many of the three `RateLimit-*` headers the response has (all or none is right).
fn rate_limit_headers(response: &Response) -> usize {
    ["ratelimit-limit", "ratelimit-remaining", "ratelimit-reset"]
        .iter()
        .filter(|name| response.headers().contains_key(**name))
        .count()
}

#[tokio::test]
async fn past_the_limit_a_token_gets_429_that_changes_nothing_and_other_tokens_are_still_served() {
    let app = limited_to(5).await;
    let sales = app.login_as(Role::Sales).await;

    for (n, expected_remaining) in (0..5).rev().enumerate() {
        let body = json!({"kind": "organization", "name": format!("Party {n}")});
        let response = app.request(Method::POST, PARTIES, Some(&sales), Some(&body)).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        assert_eq!(number(&response, "ratelimit-limit"), 5);
        assert_eq!(number(&response, "ratelimit-remaining"), expected_remaining);
        assert!((1..=60).contains(&number(&response, "ratelimit-reset")));
    }

    let body = json!({"kind": "organization", "name": "Refused"});
    let refused = app.request(Method::POST, PARTIES, Some(&sales), Some(&body)).await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    let retry_after = number(&refused, "retry-after");
    assert!((1..=12).contains(&retry_after), "Retry-After {retry_after}");
    assert_eq!(number(&refused, "ratelimit-limit"), 5);
    assert_eq!(number(&refused, "ratelimit-remaining"), 0);
    assert!((retry_after..=60).contains(&number(&refused, "ratelimit-reset")));
    assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;
    // The router decodes `%76` to `v`: an encoded path is the same route and the same quota.
    let encoded = app
        .request(Method::POST, "/api/%761/parties", Some(&sales), Some(&body))
        .await;
    assert_problem(encoded, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;

    // The admin has its own quota, and sees that the refused request created nothing.
    let page = app.get_json(&format!("{PARTIES}?limit=200")).await;
    let names: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|party| party["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 5, "{names:?}");
    assert!(!names.contains(&"Refused"));
}

#[tokio::test]
async fn without_a_token_requests_count_against_the_address_so_password_guessing_is_limited() {
    // Logging the admin in has spent one request of this address.
    let app = limited_to(5).await;
    let guess = json!({"email": ADMIN_EMAIL, "password": "a wrong guess"});
    let mut refused = None;
    for _ in 0..10 {
        let response = app
            .request(Method::POST, "/api/v1/auth/token", None, Some(&guess))
            .await;
        if response.status() == StatusCode::TOO_MANY_REQUESTS {
            refused = Some(response);
            break;
        }
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(rate_limit_headers(&response), 3);
    }
    let refused = refused.expect("guessing is stopped");
    assert!(number(&refused, "retry-after") >= 1);
    assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;

    // A token's user has a quota of its own; probes and the document have none.
    let parties = app.get(PARTIES).await;
    assert_eq!(parties.status(), StatusCode::OK);
    assert_eq!(number(&parties, "ratelimit-remaining"), 4);
    for path in ["/health", "/ready", "/api-docs/openapi.json"] {
        let response = app.request(Method::GET, path, None, None).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(rate_limit_headers(&response), 0, "{path}");
    }
}

#[tokio::test]
async fn a_limit_of_zero_turns_it_off() {
    let app = limited_to(0).await;
    let response = app.get(PARTIES).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(rate_limit_headers(&response), 0);
    let _: Value = response.json().await.unwrap();
}
