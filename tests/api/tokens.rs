//! Access and refresh tokens: refresh rotation and reuse detection, logging out, key rotation,
//! an external identity provider's tokens, and every kind of bad token a 401.

use domain::access::Role;
use jsonwebtoken::{Algorithm, EncodingKey, Header};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{ADMIN_EMAIL, ADMIN_PASSWORD, TestApp, assert_problem, spawn_app, spawn_app_with};

const SECRET: &str = "test secret that is long enough for HS256";
const FIXTURES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/idp");

async fn login(app: &TestApp, email: &str, password: &str) -> Value {
    let body = json!({"email": email, "password": password});
    let response = app.request(Method::POST, "/api/v1/auth/token", None, Some(&body)).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn refresh(app: &TestApp, refresh_token: &Value) -> reqwest::Response {
    let body = json!({"refresh_token": refresh_token});
    app.request(Method::POST, "/api/v1/auth/refresh", None, Some(&body))
        .await
}

async fn status_with(app: &TestApp, token: &str) -> StatusCode {
    app.request(Method::GET, "/api/v1/parties", Some(token), None)
        .await
        .status()
}

#[tokio::test]
async fn a_refresh_token_is_used_once_and_its_reuse_ends_the_whole_session() {
    let app = spawn_app().await;
    let first = login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(first["refresh_expires_in"], 3600);
    let second: Value = refresh(&app, &first["refresh_token"]).await.json().await.unwrap();
    assert_eq!(
        status_with(&app, second["access_token"].as_str().unwrap()).await,
        StatusCode::OK
    );
    assert_ne!(second["refresh_token"], first["refresh_token"]);

    // The first refresh token again: it was copied. The session is over, also for its holder.
    let reused = refresh(&app, &first["refresh_token"]).await;
    assert_problem(reused, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let latest = refresh(&app, &second["refresh_token"]).await;
    assert_problem(latest, StatusCode::UNAUTHORIZED, "invalid_token").await;

    // Another login is another session, untouched.
    let other = login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    assert_eq!(refresh(&app, &other["refresh_token"]).await.status(), StatusCode::OK);
}

#[tokio::test]
async fn two_refreshes_at_once_with_one_token_get_one_new_token_at_most() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let (a, b) = tokio::join!(
        refresh(&app, &session["refresh_token"]),
        refresh(&app, &session["refresh_token"])
    );
    let statuses = [a.status(), b.status()];
    assert!(
        statuses.contains(&StatusCode::UNAUTHORIZED),
        "one of them is a reuse: {statuses:?}"
    );
}

#[tokio::test]
async fn a_new_password_or_a_deactivation_ends_the_refresh_tokens_too() {
    let app = spawn_app().await;
    for change in [json!({"password": "a brand new passphrase"}), json!({"active": false})] {
        let (id, _) = app.user_with_role(Role::Sales, None).await;
        let user = app.get_json(&format!("/api/v1/users/{id}")).await;
        let session = login(&app, user["email"].as_str().unwrap(), crate::helpers::PASSWORD).await;
        let changed = app.patch(&format!("/api/v1/users/{id}"), &change).await;
        assert_eq!(changed.status(), StatusCode::OK);
        let refused = refresh(&app, &session["refresh_token"]).await;
        assert_problem(refused, StatusCode::UNAUTHORIZED, "invalid_token").await;
    }
}

#[tokio::test]
async fn logging_out_revokes_the_session_and_says_nothing_about_unknown_tokens() {
    let app = spawn_app().await;
    let session = login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let body = json!({"refresh_token": session["refresh_token"]});
    let revoked = app
        .request(Method::POST, "/api/v1/auth/revoke", None, Some(&body))
        .await;
    assert_eq!(revoked.status(), StatusCode::NO_CONTENT);
    let refused = refresh(&app, &session["refresh_token"]).await;
    assert_problem(refused, StatusCode::UNAUTHORIZED, "invalid_token").await;
    let unknown = json!({"refresh_token": "never issued"});
    let answer = app
        .request(Method::POST, "/api/v1/auth/revoke", None, Some(&unknown))
        .await;
    assert_eq!(answer.status(), StatusCode::NO_CONTENT);
    let garbage = refresh(&app, &json!("never issued")).await;
    assert_problem(garbage, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

/// The admin's id and version, as a token names them.
async fn admin(app: &TestApp) -> (String, i64) {
    let page = app.get_json("/api/v1/users?role=admin").await;
    let admin = &page["items"][0];
    (
        admin["id"].as_str().unwrap().to_owned(),
        admin["version"].as_i64().unwrap(),
    )
}

fn claims(sub: &str, version: i64) -> Value {
    let now = chrono::Utc::now().timestamp();
    json!({"sub": sub, "ver": version, "iss": "crm-server", "aud": "crm-api", "iat": now, "nbf": now,
           "exp": now + 300, "jti": uuid::Uuid::new_v4()})
}

fn signed(claims: &Value, secret: &str, kid: Option<String>) -> String {
    let mut header = Header::new(Algorithm::HS256);
    header.kid = kid;
    jsonwebtoken::encode(&header, claims, &EncodingKey::from_secret(secret.as_bytes())).unwrap()
}

#[tokio::test]
async fn forged_expired_early_foreign_unsigned_and_revoked_tokens_are_all_refused() {
    let app = spawn_app().await;
    let (sub, version) = admin(&app).await;
    let kid = || Some(api::auth::jwt::local_kid(SECRET.as_bytes()));
    let good = claims(&sub, version);
    assert_eq!(status_with(&app, &signed(&good, SECRET, kid())).await, StatusCode::OK);

    let with = |field: &str, value: Value| {
        let mut claims = good.clone();
        claims[field] = value;
        claims
    };
    let now = chrono::Utc::now().timestamp();
    let other_secret = "another secret that is long enough, too";
    let payload = signed(&good, SECRET, kid()).split('.').nth(1).unwrap().to_owned();
    let bad = [
        ("expired", signed(&with("exp", json!(now - 60)), SECRET, kid())),
        ("not yet valid", signed(&with("nbf", json!(now + 600)), SECRET, kid())),
        (
            "wrong issuer",
            signed(&with("iss", json!("someone-else")), SECRET, kid()),
        ),
        (
            "wrong audience",
            signed(&with("aud", json!("another-api")), SECRET, kid()),
        ),
        ("wrong key", signed(&good, other_secret, kid())),
        (
            "unknown key id",
            signed(&good, SECRET, Some("hs256-0000000000000000".to_owned())),
        ),
        ("no key id", signed(&good, SECRET, None)),
        ("alg none", format!("eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.{payload}.")),
        (
            "older user version",
            signed(&with("ver", json!(version - 1)), SECRET, kid()),
        ),
        (
            "unknown user",
            signed(&with("sub", json!(uuid::Uuid::new_v4())), SECRET, kid()),
        ),
        ("tampered", {
            let token = signed(&good, SECRET, kid());
            let (head, _) = token.rsplit_once('.').unwrap();
            format!("{head}.AAAA")
        }),
        ("not a token", "a.b.c".to_owned()),
    ];
    for (what, token) in bad {
        let response = app.request(Method::GET, "/api/v1/parties", Some(&token), None).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{what}");
    }
}

#[tokio::test]
async fn after_a_key_rotation_tokens_of_the_previous_secret_still_work() {
    let old = "the secret the server had until today, long enough";
    let app = spawn_app_with(|settings| settings.tokens.jwt_previous_secrets = vec![old.to_owned()]).await;
    let (sub, version) = admin(&app).await;
    let from_before = signed(
        &claims(&sub, version),
        old,
        Some(api::auth::jwt::local_kid(old.as_bytes())),
    );
    assert_eq!(status_with(&app, &from_before).await, StatusCode::OK);
    // New tokens are signed with the new secret and name its key.
    let fresh = login(&app, ADMIN_EMAIL, ADMIN_PASSWORD).await;
    let header = jsonwebtoken::decode_header(fresh["access_token"].as_str().unwrap()).unwrap();
    assert_eq!(header.kid, Some(api::auth::jwt::local_kid(SECRET.as_bytes())));
}

fn provider_token(algorithm: Algorithm, kid: &str, key: EncodingKey, claims: &Value) -> String {
    let mut header = Header::new(algorithm);
    header.kid = Some(kid.to_owned());
    jsonwebtoken::encode(&header, claims, &key).unwrap()
}

fn key(file: &str) -> Vec<u8> {
    std::fs::read(format!("{FIXTURES}/{file}")).unwrap()
}

#[tokio::test]
async fn an_external_providers_rs256_es256_and_eddsa_tokens_name_a_user_by_email() {
    let app = spawn_app_with(|settings| {
        settings.tokens.jwt_external_jwks_file = Some(format!("{FIXTURES}/jwks.json").into());
        settings.tokens.jwt_external_issuer = Some("https://idp.example".to_owned());
        settings.tokens.jwt_external_audience = Some("crm".to_owned());
    })
    .await;
    let (id, _) = app.user_with_role(Role::Viewer, None).await;
    let email = app.get_json(&format!("/api/v1/users/{id}")).await["email"].clone();
    let now = chrono::Utc::now().timestamp();
    let claims = json!({"sub": "idp-user-1", "email": email, "email_verified": true, "iss": "https://idp.example",
                        "aud": "crm", "iat": now, "exp": now + 300});
    let keys = [
        (
            Algorithm::RS256,
            "idp-rs",
            EncodingKey::from_rsa_der(&key("rs256.pkcs1.der")),
        ),
        (
            Algorithm::ES256,
            "idp-es",
            EncodingKey::from_ec_der(&key("es256.pk8.der")),
        ),
        (
            Algorithm::EdDSA,
            "idp-ed",
            EncodingKey::from_ed_der(&key("ed25519.pk8.der")),
        ),
    ];
    for (algorithm, kid, key) in keys {
        let token = provider_token(algorithm, kid, key.clone(), &claims);
        assert_eq!(status_with(&app, &token).await, StatusCode::OK, "{algorithm:?}");
        // The viewer's role holds: reading yes, writing no.
        let body = json!({"kind": "person", "name": "X"});
        let write = app
            .request(Method::POST, "/api/v1/parties", Some(&token), Some(&body))
            .await;
        assert_eq!(write.status(), StatusCode::FORBIDDEN, "{algorithm:?}");

        let mut wrong_issuer = claims.clone();
        wrong_issuer["iss"] = json!("https://evil.example");
        let mut unverified = claims.clone();
        unverified["email_verified"] = json!(false);
        let mut stranger = claims.clone();
        stranger["email"] = json!("nobody@example.com");
        for (what, claims) in [
            ("issuer", wrong_issuer),
            ("unverified", unverified),
            ("stranger", stranger),
        ] {
            let token = provider_token(algorithm, kid, key.clone(), &claims);
            assert_eq!(
                status_with(&app, &token).await,
                StatusCode::UNAUTHORIZED,
                "{algorithm:?} {what}"
            );
        }
    }
    // A key named for another algorithm, and HS256 "signed" with the public key: refused.
    let confused = provider_token(
        Algorithm::ES256,
        "idp-ed",
        EncodingKey::from_ec_der(&key("es256.pk8.der")),
        &claims,
    );
    assert_eq!(status_with(&app, &confused).await, StatusCode::UNAUTHORIZED);
    let jwks: Value = serde_json::from_slice(&key("jwks.json")).unwrap();
    let public = jwks["keys"][0]["x"].as_str().unwrap();
    let hs = provider_token(
        Algorithm::HS256,
        "idp-ed",
        EncodingKey::from_secret(public.as_bytes()),
        &claims,
    );
    assert_eq!(status_with(&app, &hs).await, StatusCode::UNAUTHORIZED);
}
