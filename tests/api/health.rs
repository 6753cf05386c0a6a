//! Probes and the headers every response carries.

use reqwest::StatusCode;

use serde_json::json;

use crate::helpers::{assert_problem, spawn_app, spawn_app_with};

#[tokio::test]
async fn probes_answer_without_a_token_and_responses_carry_safety_headers() {
    let app = spawn_app().await;
    for path in ["/health", "/ready"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert!(response.headers().contains_key("x-request-id"));
    }
    let ui = app.client.get(app.url("/swagger-ui/")).send().await.unwrap();
    assert_eq!(ui.status(), StatusCode::OK);
}

/// What a person opening the documentation meets: the UI where they type it, a token that
/// survives a reload, and the document and the UI's bundle gzipped.
#[tokio::test]
async fn the_documentation_is_found_remembers_the_token_and_comes_gzipped() {
    let app = spawn_app().await;
    let direct = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let typed = direct.get(app.url("/swagger-ui")).send().await.unwrap();
    assert_eq!(typed.status(), StatusCode::PERMANENT_REDIRECT);
    assert_eq!(typed.headers()["location"], "/swagger-ui/");
    let initializer = app
        .client
        .get(app.url("/swagger-ui/swagger-initializer.js"))
        .send()
        .await
        .unwrap();
    let initializer = initializer.text().await.unwrap();
    assert!(initializer.contains(r#""persistAuthorization": true"#), "{initializer}");

    for path in ["/api-docs/openapi.json", "/swagger-ui/swagger-ui-bundle.js"] {
        let plain = app.client.get(app.url(path)).send().await.unwrap();
        assert!(!plain.headers().contains_key("content-encoding"), "{path}");
        let plain = plain.bytes().await.unwrap();
        let gzipped = app
            .client
            .get(app.url(path))
            .header("accept-encoding", "gzip")
            .send()
            .await
            .unwrap();
        assert_eq!(gzipped.headers()["content-encoding"], "gzip", "{path}");
        let gzipped = gzipped.bytes().await.unwrap();
        assert_eq!(gzipped[..2], [0x1f, 0x8b], "{path}: a gzip stream");
        assert!(
            gzipped.len() * 2 < plain.len(),
            "{path}: {} bytes gzipped, {} plain",
            gzipped.len(),
            plain.len()
        );
    }
}

#[tokio::test]
async fn cors_admits_the_configured_origins_only() {
    let app = spawn_app_with(|settings| settings.cors_origins = vec!["https://app.example.com".to_owned()]).await;
    let preflight = |origin: &'static str| {
        app.client
            .request(reqwest::Method::OPTIONS, app.url("/api/v1/parties"))
            .header("origin", origin)
            .header("access-control-request-method", "POST")
            .header(
                "access-control-request-headers",
                "authorization, content-type, x-request-id",
            )
            .send()
    };
    let allowed = preflight("https://app.example.com").await.unwrap();
    assert_eq!(allowed.status(), StatusCode::OK);
    assert_eq!(
        allowed.headers()["access-control-allow-origin"],
        "https://app.example.com"
    );
    // A browser's script may read the request id (to show or report it).
    let read = app
        .client
        .get(app.url("/health"))
        .header("origin", "https://app.example.com")
        .send()
        .await
        .unwrap();
    let exposed = read.headers()["access-control-expose-headers"]
        .to_str()
        .unwrap()
        .to_lowercase();
    assert!(exposed.contains("x-request-id"), "{exposed}");
    let refused = preflight("https://evil.example.com").await.unwrap();
    assert!(!refused.headers().contains_key("access-control-allow-origin"));
    assert!(!refused.status().is_success());
}

/// A user quoting an error names the request: its id (the client's own when plain) comes back
/// in the header and, with its path, in the problem; the server's log has the same id.
#[tokio::test]
async fn every_answer_names_its_request_and_problems_say_which_it_was() {
    let app = spawn_app().await;
    let path = "/api/v1/parties/0193c1d2-7e4f-7a00-8000-000000000001";
    let named = app
        .client
        .get(app.url(path))
        .bearer_auth(&app.admin_token)
        .header("x-request-id", "web:checkout.42")
        .send()
        .await
        .unwrap();
    assert_eq!(named.headers()["x-request-id"], "web:checkout.42");
    let problem = assert_problem(named, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(problem["instance"], path);
    assert_eq!(problem["request_id"], "web:checkout.42");

    // An id that is no plain token is not taken: the server names the request itself.
    let unnamed = app
        .client
        .post(app.url("/api/v1/parties"))
        .bearer_auth(&app.admin_token)
        .header("x-request-id", "<script>alert(1)</script>")
        .json(&json!({"kind": "alien"}))
        .send()
        .await
        .unwrap();
    let id = unnamed.headers()["x-request-id"].to_str().unwrap().to_owned();
    assert!(id.parse::<uuid::Uuid>().is_ok(), "{id}");
    let problem = assert_problem(unnamed, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["instance"], "/api/v1/parties");
    assert_eq!(problem["request_id"], id.as_str());

    // Refused before any handler (no token): named alike.
    let anonymous = app.client.get(app.url(path)).send().await.unwrap();
    let id = anonymous.headers()["x-request-id"].to_str().unwrap().to_owned();
    let problem = assert_problem(anonymous, StatusCode::UNAUTHORIZED, "missing_token").await;
    assert_eq!(problem["request_id"], id.as_str());
}

#[tokio::test]
async fn a_database_out_of_reach_is_a_503_to_retry_and_nothing_is_half_done() {
    let app = spawn_app().await;
    if !app.on_postgres() {
        return; // SQLite is a file of the server's own: it cannot go away like a database server.
    }
    let before = app.get_json("/api/v1/parties").await;
    app.cut_database(true).await;
    for response in [
        app.get("/api/v1/parties").await,
        app.post(
            "/api/v1/parties",
            &json!({"kind": "organization", "name": "Lost", "roles": ["customer"]}),
        )
        .await,
        app.get("/ready").await,
    ] {
        let retry_after = response.headers().get("retry-after").cloned();
        assert_problem(response, StatusCode::SERVICE_UNAVAILABLE, "database_unavailable").await;
        assert!(retry_after.is_some(), "a 503 says when to come back");
    }
    app.cut_database(false).await;
    // The pooled connections the cut ended are tested before use: the first request is served.
    let after = app.get("/api/v1/parties").await;
    assert_eq!(after.status(), StatusCode::OK);
    assert_eq!(
        after.json::<serde_json::Value>().await.unwrap(),
        before,
        "the refused create left nothing"
    );
}

/// `GET /metrics`: requests counted by route template (not by raw path), the pool, and how far
/// the webhook worker is behind, in the text format Prometheus scrapes.
#[tokio::test]
async fn metrics_count_requests_by_route_template() {
    let app = spawn_app().await;
    let party = app
        .post_party(&serde_json::json!({"kind": "organization", "name": "Measured"}))
        .await;
    for _ in 0..3 {
        app.get_json(&format!("/api/v1/parties/{}", party["id"].as_str().unwrap()))
            .await;
    }
    let response = app.client.get(app.url("/metrics")).send().await.unwrap();
    assert_eq!(response.status(), reqwest::StatusCode::OK);
    assert!(
        response.headers()["content-type"]
            .to_str()
            .unwrap()
            .starts_with("application/openmetrics-text"),
        "the OpenMetrics text format"
    );
    let text = response.text().await.unwrap();
    assert!(
        text.contains(r#"crm_http_requests_total{route="/api/v1/parties/{id}",method="GET",status="200"} 3"#),
        "{text}"
    );
    assert!(
        !text.contains(party["id"].as_str().unwrap()),
        "no raw path becomes a series"
    );
    for gauge in [
        "crm_db_pool_connections",
        "crm_db_pool_max_connections",
        "crm_webhook_events_lag_seconds",
        "crm_webhook_deliveries_due 0",
        "crm_http_request_duration_seconds_bucket",
    ] {
        assert!(text.contains(gauge), "{gauge} in {text}");
    }
}

/// After a bulk import, PostgreSQL's planner gets the table's statistics from the server (it
/// would otherwise believe the table empty and scan it until autovacuum comes round).
#[tokio::test]
async fn a_table_changed_a_lot_gets_its_planner_statistics() {
    use sea_orm::{ConnectionTrait, TransactionTrait};
    let app = spawn_app().await;
    if !app.on_postgres() {
        return;
    }
    let db = app.database().await;
    // One transaction, on one connection: its counters reach the other connections when it
    // commits, not up to 10 s later.
    let import = db.begin().await.unwrap();
    import
        .execute_unprepared(
            "INSERT INTO server_instances (id, started_at, seen_at) \
             SELECT gen_random_uuid(), now(), now() FROM generate_series(1, 5000)",
        )
        .await
        .unwrap();
    import
        .execute_unprepared("SELECT pg_stat_force_next_flush()")
        .await
        .unwrap();
    import.commit().await.unwrap();
    persistence::db::analyze_stale(&db).await.unwrap();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT reltuples::float8 AS rows FROM pg_class WHERE relname = 'server_instances'",
        ))
        .await
        .unwrap()
        .unwrap();
    let rows: f64 = row.try_get("", "rows").unwrap();
    assert!(rows >= 5000.0, "the planner knows the rows: {rows}");
}

/// A statement the server has run many times is still planned with its values: a generic plan
/// guesses a year of invoices at a few hundred rows and took a report from 90 ms to 240 ms.
#[tokio::test]
async fn statements_are_planned_with_their_values_however_often_they_ran() {
    use sea_orm::ConnectionTrait;
    let app = spawn_app().await;
    if !app.on_postgres() {
        return;
    }
    let db = persistence::db::connect(app.database_url()).await.unwrap();
    let row = db
        .query_one_raw(sea_orm::Statement::from_string(
            sea_orm::DbBackend::Postgres,
            "SELECT current_setting('plan_cache_mode') AS mode",
        ))
        .await
        .unwrap()
        .unwrap();
    let mode: String = row.try_get("", "mode").unwrap();
    assert_eq!(mode, "force_custom_plan");
}

/// A client holding a record asks whether it changed and gets no bytes back when it did not; any
/// read answers `HEAD` with its headers alone.
#[tokio::test]
async fn an_unchanged_record_is_a_304_and_head_answers_every_read() {
    let app = spawn_app().await;
    let party = app
        .post_expect(
            "/api/v1/parties",
            &json!({"kind": "organization", "name": "Etag AG"}),
            StatusCode::CREATED,
        )
        .await;
    let path = format!("/api/v1/parties/{}", party["id"].as_str().unwrap());
    let read = |tag: &'static str| {
        app.client
            .get(app.url(&path))
            .bearer_auth(&app.admin_token)
            .header("if-none-match", tag)
            .send()
    };
    for tag in ["\"1\"", "W/\"1\"", "\"7\", \"1\"", "*"] {
        let unchanged = read(tag).await.unwrap();
        assert_eq!(unchanged.status(), StatusCode::NOT_MODIFIED, "{tag}");
        assert_eq!(unchanged.headers()["etag"], "\"1\"");
        assert!(unchanged.bytes().await.unwrap().is_empty());
    }
    let renamed = app.patch(&path, &json!({"name": "Etag GmbH"})).await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let changed = read("\"1\"").await.unwrap();
    assert_eq!(changed.status(), StatusCode::OK);
    assert_eq!(changed.headers()["etag"], "\"2\"");
    let changed: serde_json::Value = changed.json().await.unwrap();
    assert_eq!(changed["name"], "Etag GmbH");

    for path in [path.as_str(), "/api/v1/parties", "/health"] {
        let head = app
            .client
            .head(app.url(path))
            .bearer_auth(&app.admin_token)
            .send()
            .await
            .unwrap();
        assert_eq!(head.status(), StatusCode::OK, "HEAD {path}");
        assert!(head.headers().contains_key("x-request-id"), "HEAD {path}");
        assert!(head.bytes().await.unwrap().is_empty(), "HEAD {path}");
    }
    let head = app.client.head(app.url(&path)).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::UNAUTHORIZED, "HEAD without a token");
    let head = app.client.head(app.url("/api/v1/auth/token")).send().await.unwrap();
    assert_eq!(head.status(), StatusCode::METHOD_NOT_ALLOWED, "no GET, no HEAD");
}
