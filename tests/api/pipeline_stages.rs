//! Pipeline stages: seeded defaults, and the admin's add, rename, reorder, retire and delete.

use domain::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{assert_problem, error_fields, spawn_app};

fn names(page: &Value) -> Vec<&str> {
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_new_installation_has_the_default_pipeline_for_everyone_to_read() {
    let app = spawn_app().await;
    let viewer = app.login_as(Role::Viewer).await;
    let response = app
        .request(Method::GET, "/api/v1/pipeline-stages", Some(&viewer), None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let page: Value = response.json().await.unwrap();
    assert_eq!(
        names(&page),
        vec![
            "Qualification",
            "Needs analysis",
            "Proposal",
            "Negotiation",
            "Won",
            "Lost"
        ]
    );
    let summary: Vec<(&str, &str)> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["default_probability"].as_str().unwrap(), s["kind"].as_str().unwrap()))
        .collect();
    assert_eq!(
        summary,
        vec![
            ("10", "open"),
            ("25", "open"),
            ("50", "open"),
            ("75", "open"),
            ("100", "won"),
            ("0", "lost")
        ]
    );
    let refused = app
        .request(
            Method::POST,
            "/api/v1/pipeline-stages",
            Some(&viewer),
            Some(&json!({"name": "Demo", "default_probability": "40"})),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn admins_add_rename_reorder_retire_and_delete_stages() {
    let app = spawn_app().await;
    let created = app
        .post(
            "/api/v1/pipeline-stages",
            &json!({"name": "Demo", "default_probability": "40"}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let demo: Value = created.json().await.unwrap();
    assert_eq!(demo["kind"], "open");
    let path = format!("/api/v1/pipeline-stages/{}", demo["id"].as_str().unwrap());
    let page: Value = app.get("/api/v1/pipeline-stages").await.json().await.unwrap();
    assert_eq!(
        names(&page).last(),
        Some(&"Demo"),
        "without a position a stage goes last"
    );

    // Between "Qualification" (0) and "Needs analysis" (10).
    let moved = app.patch(&path, &json!({"name": "Product demo", "position": 5})).await;
    assert_eq!(moved.status(), StatusCode::OK);
    let page: Value = app.get("/api/v1/pipeline-stages").await.json().await.unwrap();
    assert_eq!(&names(&page)[..3], &["Qualification", "Product demo", "Needs analysis"]);

    let inconsistent = app.patch(&path, &json!({"kind": "won"})).await;
    let problem = assert_problem(inconsistent, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["default_probability"]);

    let stale = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&app.admin_token)
        .header("if-match", "\"1\"")
        .json(&json!({"retired": true}))
        .send()
        .await
        .unwrap();
    assert_problem(stale, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;

    let retired: Value = app.patch(&path, &json!({"retired": true})).await.json().await.unwrap();
    assert_eq!(retired["retired"], true);
    let page: Value = app.get("/api/v1/pipeline-stages").await.json().await.unwrap();
    assert!(!names(&page).contains(&"Product demo"));
    let all: Value = app
        .get("/api/v1/pipeline-stages?include_retired=true")
        .await
        .json()
        .await
        .unwrap();
    assert!(names(&all).contains(&"Product demo"));

    let deleted = app.request(Method::DELETE, &path, Some(&app.admin_token), None).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;

    // Its history outlives it: who added, moved, retired and deleted it.
    let history: Value = app.get(&format!("{path}/history")).await.json().await.unwrap();
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["created", "updated", "updated", "deleted"]);
    assert_eq!(history["items"][1]["changes"][0]["field"], "name");
    let never = app
        .get("/api/v1/pipeline-stages/01890a5d-ac96-774b-bcce-b302099a8057/history")
        .await;
    assert_problem(never, StatusCode::NOT_FOUND, "not_found").await;
}

#[tokio::test]
async fn stage_lists_page_in_pipeline_order() {
    let app = spawn_app().await;
    let first: Value = app.get("/api/v1/pipeline-stages?limit=4").await.json().await.unwrap();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = app
        .get(&format!("/api/v1/pipeline-stages?limit=4&cursor={cursor}"))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(names(&second), vec!["Won", "Lost"]);
    assert_eq!(second["next_cursor"], Value::Null);
}
