//! `POST /{parties|products}/batch`: up to 100 upserts by external id, each with its own result,
//! or all or none.

use domain::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, spawn_app};

const PARTIES: &str = "/api/v1/parties";
const PRODUCTS: &str = "/api/v1/products";

fn party(external_id: &str, name: &str) -> Value {
    json!({"kind": "organization", "name": name, "external_id": external_id})
}

fn product(external_id: &str, sku: &str) -> Value {
    json!({"sku": sku, "name": "Bolt", "list_price": "1.255", "currency": "EUR", "tax_rate": "19",
           "external_id": external_id})
}

async fn batch(app: &TestApp, resource: &str, body: &Value) -> reqwest::Response {
    app.post(&format!("{resource}/batch"), body).await
}

/// The one record of `resource` with this external id, if any.
async fn by_external_id(app: &TestApp, resource: &str, external_id: &str) -> Option<Value> {
    let page = app.get_json(&format!("{resource}?external_id={external_id}")).await;
    let items = page["items"].as_array().unwrap();
    assert!(items.len() <= 1);
    items.first().cloned()
}

fn statuses(results: &Value) -> Vec<&str> {
    results["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|item| item["status"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn a_mixed_batch_answers_for_each_item_and_keeps_the_good_ones() {
    let app = spawn_app().await;
    let existing = app
        .put(&format!("{PARTIES}/by-external-id/ERP-A"), &party("ERP-A", "Old"))
        .await;
    assert_eq!(existing.status(), StatusCode::CREATED);
    let existing: Value = existing.json().await.unwrap();

    let response = batch(
        &app,
        PARTIES,
        &json!({"items": [
            party("ERP-B", "New"),
            party("ERP-A", "Renamed"),
            {"kind": "organization", "external_id": "ERP-C"},
            {"kind": "organization", "name": "Nobody"},
            {"kind": "organization", "name": "Typo", "external_id": "ERP-D", "nmae": "x"},
            party("ERP-E", "  "),
        ]}),
    )
    .await;
    assert_eq!(response.status(), StatusCode::OK);
    let results: Value = response.json().await.unwrap();
    assert_eq!(
        statuses(&results),
        vec!["created", "updated", "error", "error", "error", "error"]
    );
    assert_eq!(
        (&results["created"], &results["updated"], &results["failed"]),
        (&json!(1), &json!(1), &json!(4))
    );
    let items = results["items"].as_array().unwrap();
    assert_eq!(items[1]["id"], existing["id"]);
    assert_eq!(items[1]["version"], 2);
    assert_eq!(items[2]["index"], 2);
    assert_eq!(items[2]["problem"]["status"], 422);
    assert_eq!(items[2]["problem"]["errors"][0]["field"], "name");
    assert_eq!(
        items[3]["problem"]["errors"][0]["field"], "external_id",
        "the external id is required"
    );
    assert_eq!(items[4]["problem"]["status"], 400);
    assert_eq!(items[4]["problem"]["code"], "unknown_field");
    assert_eq!(items[5]["problem"]["code"], "validation_failed");
    assert!(items[5].get("id").is_none());

    let created = by_external_id(&app, PARTIES, "ERP-B")
        .await
        .expect("the good item was kept");
    assert_eq!(created["id"], items[0]["id"]);
    let renamed = by_external_id(&app, PARTIES, "ERP-A").await.unwrap();
    assert_eq!(renamed["name"], "Renamed");
    for missing in ["ERP-C", "ERP-D", "ERP-E"] {
        assert!(by_external_id(&app, PARTIES, missing).await.is_none(), "{missing}");
    }
}

#[tokio::test]
async fn all_or_none_commits_nothing_when_one_item_fails() {
    let app = spawn_app().await;
    app.put(&format!("{PARTIES}/by-external-id/ERP-A"), &party("ERP-A", "Old"))
        .await;
    let body = json!({"all_or_none": true, "items": [
        party("ERP-B", "New"),
        party("ERP-A", "Renamed"),
        {"kind": "organization", "name": "", "external_id": "ERP-C"},
    ]});
    let response = batch(&app, PARTIES, &body).await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "batch_failed").await;
    assert_eq!(statuses(&problem), vec!["rolled_back", "rolled_back", "error"]);
    assert_eq!(problem["failed"], 1);
    assert_eq!(problem["created"], 0);
    assert_eq!(problem["items"][2]["problem"]["errors"][0]["field"], "name");
    assert!(by_external_id(&app, PARTIES, "ERP-B").await.is_none());
    let unchanged = by_external_id(&app, PARTIES, "ERP-A").await.unwrap();
    assert_eq!((&unchanged["name"], &unchanged["version"]), (&json!("Old"), &json!(1)));

    // A conflict with an earlier item of the batch (its SKU) rolls back as well.
    let body = json!({"all_or_none": true, "items": [product("P-1", "SKU-1"), product("P-2", "SKU-1")]});
    let problem = assert_problem(
        batch(&app, PRODUCTS, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "batch_failed",
    )
    .await;
    assert_eq!(statuses(&problem), vec!["rolled_back", "error"]);
    assert_eq!(problem["items"][1]["problem"]["code"], "duplicate_sku");
    assert!(by_external_id(&app, PRODUCTS, "P-1").await.is_none());

    let body = json!({"all_or_none": true, "items": [product("P-1", "SKU-1"), product("P-2", "SKU-2")]});
    let response = batch(&app, PRODUCTS, &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let results: Value = response.json().await.unwrap();
    assert_eq!(statuses(&results), vec!["created", "created"]);
    assert!(by_external_id(&app, PRODUCTS, "P-2").await.is_some());
}

#[tokio::test]
async fn a_batch_has_one_to_a_hundred_items() {
    let app = spawn_app().await;
    let items: Vec<Value> = (0..101).map(|i| party(&format!("ERP-{i}"), "Many")).collect();
    let problem = assert_problem(
        batch(&app, PARTIES, &json!({"items": items})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), vec!["items"]);
    assert!(by_external_id(&app, PARTIES, "ERP-0").await.is_none());
    let empty = batch(&app, PRODUCTS, &json!({"items": []})).await;
    assert_problem(empty, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    let items: Vec<Value> = (0..100).map(|i| party(&format!("ERP-{i}"), "Many")).collect();
    let response = batch(&app, PARTIES, &json!({"items": items})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let results: Value = response.json().await.unwrap();
    assert_eq!(results["created"], 100);
}

#[tokio::test]
async fn a_repeated_external_id_is_refused_for_the_later_item() {
    let app = spawn_app().await;
    let body = json!({"items": [
        product("P-1", "SKU-1"),
        product(" P-1 ", "SKU-2"),
        product("P-2", "SKU-3"),
    ]});
    let response = batch(&app, PRODUCTS, &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let results: Value = response.json().await.unwrap();
    assert_eq!(statuses(&results), vec!["created", "error", "created"]);
    let problem = &results["items"][1]["problem"];
    assert_eq!(problem["errors"][0]["field"], "external_id");
    assert_eq!(problem["errors"][0]["code"], "duplicate_in_batch");
    let kept = by_external_id(&app, PRODUCTS, "P-1").await.unwrap();
    assert_eq!(kept["sku"], "SKU-1");

    // Sending the same batch again changes nothing: each item is an upsert.
    let again: Value = batch(&app, PRODUCTS, &body).await.json().await.unwrap();
    assert_eq!(statuses(&again), vec!["updated", "error", "updated"]);
    assert_eq!(again["items"][0]["version"], 1);
}

#[tokio::test]
async fn a_batch_needs_the_permission_of_the_single_upsert() {
    let app = spawn_app().await;
    let viewer = app.login_as(Role::Viewer).await;
    let body = json!({"items": [party("ERP-A", "A")]});
    let refused = app
        .request(Method::POST, &format!("{PARTIES}/batch"), Some(&viewer), Some(&body))
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let integrator = app.login_as(Role::Integrator).await;
    let allowed = app
        .request(
            Method::POST,
            &format!("{PRODUCTS}/batch"),
            Some(&integrator),
            Some(&json!({"items": [product("P", "S")]})),
        )
        .await;
    assert_eq!(allowed.status(), StatusCode::OK);
}
