//! Tokens: who gets one, and what stops one from working.

use domain::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, assert_problem, spawn_app};

/// `POST /auth/token` from the client address `from` (any 127.x.y.z reaches the test server).
async fn login_from(app: &crate::helpers::TestApp, from: &str, password: &str) -> reqwest::Response {
    let client = reqwest::Client::builder()
        .local_address(from.parse::<std::net::IpAddr>().unwrap())
        .build()
        .unwrap();
    client
        .post(app.url("/api/v1/auth/token"))
        .json(&json!({"email": ADMIN_EMAIL, "password": password}))
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn password_guessing_from_an_address_is_stopped_while_the_user_still_logs_in_elsewhere() {
    let app = spawn_app().await;
    for _ in 0..10 {
        let response = login_from(&app, "127.0.0.1", "a wrong guess!!").await;
        assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }
    let refused = login_from(&app, "127.0.0.1", ADMIN_PASSWORD).await;
    let retry_after: u64 = refused.headers()["retry-after"].to_str().unwrap().parse().unwrap();
    assert!(
        (800..=900).contains(&retry_after),
        "until the 15 minutes are over: {retry_after}"
    );
    assert_problem(refused, StatusCode::TOO_MANY_REQUESTS, "rate_limited").await;

    let elsewhere = login_from(&app, "127.0.0.2", ADMIN_PASSWORD).await;
    assert_eq!(elsewhere.status(), StatusCode::OK, "the account itself is not locked");
}

#[tokio::test]
async fn a_token_is_issued_for_the_right_password_only() {
    let app = spawn_app().await;
    let response = app
        .request(
            Method::POST,
            "/api/v1/auth/token",
            None,
            Some(&json!({"email": ADMIN_EMAIL.to_uppercase(), "password": ADMIN_PASSWORD})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["token_type"], "Bearer");
    assert_eq!(body["expires_in"], 600);
    assert!(body["refresh_token"].is_string());

    for (email, password) in [
        (ADMIN_EMAIL, "wrong password!!"),
        ("nobody@example.com", ADMIN_PASSWORD),
    ] {
        let response = app
            .request(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(&json!({"email": email, "password": password})),
            )
            .await;
        assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
    }

    // Hashing megabytes with Argon2 would be a denial of service: refused before any hashing.
    let huge = json!({"email": ADMIN_EMAIL, "password": "x".repeat(100_000)});
    let response = app.request(Method::POST, "/api/v1/auth/token", None, Some(&huge)).await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "password");
}

#[tokio::test]
async fn a_deactivated_users_token_stops_working_at_once() {
    let app = spawn_app().await;
    let (id, token) = app.user_with_role(Role::Manager, None).await;
    let before = app.request(Method::GET, "/api/v1/parties", Some(&token), None).await;
    assert_eq!(before.status(), StatusCode::OK);

    let response = app
        .patch(&format!("/api/v1/users/{id}"), &json!({"active": false}))
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let after = app.request(Method::GET, "/api/v1/parties", Some(&token), None).await;
    assert_problem(after, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[tokio::test]
async fn a_role_change_ends_existing_tokens_and_the_next_one_has_the_new_role() {
    let app = spawn_app().await;
    let (id, token) = app.user_with_role(Role::Viewer, None).await;
    let body = json!({"kind": "person", "name": "Jane"});
    let refused = app
        .request(Method::POST, "/api/v1/parties", Some(&token), Some(&body))
        .await;
    assert_eq!(refused.status(), StatusCode::FORBIDDEN);
    let promoted: Value = app
        .patch(&format!("/api/v1/users/{id}"), &json!({"role": "manager"}))
        .await
        .json()
        .await
        .unwrap();
    let old = app
        .request(Method::POST, "/api/v1/parties", Some(&token), Some(&body))
        .await;
    assert_problem(old, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let fresh = app
        .login(promoted["email"].as_str().unwrap(), crate::helpers::PASSWORD)
        .await;
    let allowed = app
        .request(Method::POST, "/api/v1/parties", Some(&fresh), Some(&body))
        .await;
    assert_eq!(allowed.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_new_password_ends_the_users_tokens_and_no_one_elses() {
    let app = spawn_app().await;
    let (id, token) = app.user_with_role(Role::Sales, None).await;
    let bystander = app.login_as(Role::Sales).await;
    let changed = app
        .patch(
            &format!("/api/v1/users/{id}"),
            &json!({"password": "a brand new passphrase"}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let old = app.request(Method::GET, "/api/v1/parties", Some(&token), None).await;
    assert_problem(old, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let still = app
        .request(Method::GET, "/api/v1/parties", Some(&bystander), None)
        .await;
    assert_eq!(still.status(), StatusCode::OK);
    let user = app.get_json(&format!("/api/v1/users/{id}")).await;
    let fresh = app
        .login(user["email"].as_str().unwrap(), "a brand new passphrase")
        .await;
    let works = app.request(Method::GET, "/api/v1/parties", Some(&fresh), None).await;
    assert_eq!(works.status(), StatusCode::OK);
}

/// A user changed by another server (here: behind this server's back, in the database) loses
/// its tokens here within a second, without this server reading the user on every request.
#[tokio::test]
async fn a_user_changed_on_another_server_is_refused_here_within_a_second() {
    let clock = api::Clock::manual(chrono::Utc::now());
    let app = crate::helpers::spawn_app_with(|settings| settings.clock = clock.clone()).await;
    let (id, token) = app.user_with_role(Role::Sales, None).await;
    let read = || app.request(Method::GET, "/api/v1/parties", Some(&token), None);
    assert_eq!(read().await.status(), StatusCode::OK);
    let email = app.get_json(&format!("/api/v1/users/{id}")).await["email"].clone();
    let email = email.as_str().unwrap();
    app.execute_sql(&format!(
        "UPDATE users SET version = version + 1, active = false WHERE email = '{email}'"
    ))
    .await;
    clock.advance(chrono::TimeDelta::seconds(1));
    assert_problem(read().await, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

/// PostgreSQL refuses a NUL byte in a text parameter: an email with one names no user, and the
/// answer is the same 401 as for any unknown email.
#[tokio::test]
async fn an_email_with_a_nul_byte_is_an_unknown_email() {
    let app = spawn_app().await;
    let body = json!({"email": "admin\u{0}@example.com", "password": ADMIN_PASSWORD});
    let response = app.request(Method::POST, "/api/v1/auth/token", None, Some(&body)).await;
    assert_problem(response, StatusCode::UNAUTHORIZED, "invalid_credentials").await;
}
