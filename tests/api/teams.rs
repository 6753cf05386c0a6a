//! Teams.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, spawn_app};

#[tokio::test]
async fn teams_are_created_renamed_and_unique_by_name() {
    let app = spawn_app().await;
    let id = app.create_team("North").await;
    let duplicate = app.post("/api/v1/teams", &json!({"name": "North"})).await;
    assert_problem(duplicate, StatusCode::CONFLICT, "duplicate_name").await;

    let renamed: Value = app
        .patch(&format!("/api/v1/teams/{id}"), &json!({"name": "North-East"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(renamed["name"], "North-East");
    assert_eq!(renamed["version"], 2);
    let list: Value = app.get("/api/v1/teams").await.json().await.unwrap();
    assert_eq!(list["items"][0]["name"], "North-East");

    let blank = app.post("/api/v1/teams", &json!({"name": "  "})).await;
    assert_problem(blank, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}
