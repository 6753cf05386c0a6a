//! `include=total`: a list counts every item its filters select, on every page, only when asked.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id, spawn_app};

async fn page(app: &TestApp, path: &str) -> Value {
    let response = app.get(path).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn a_list_counts_what_its_filters_select_on_every_page_when_asked() {
    let app = spawn_app().await;
    for name in ["Acme", "Globex", "Initech"] {
        app.post_party(&json!({"kind": "organization", "name": name, "roles": ["customer"]}))
            .await;
    }
    app.post_party(&json!({"kind": "organization", "name": "Hooli", "roles": ["supplier"]}))
        .await;

    let first = page(&app, "/api/v1/parties?role=customer&limit=2&include=total").await;
    assert_eq!(
        (first["items"].as_array().unwrap().len(), &first["total"]),
        (2, &json!(3))
    );
    let cursor = first["next_cursor"].as_str().expect("a second page");
    let second = page(
        &app,
        &format!("/api/v1/parties?role=customer&limit=2&include=total&cursor={cursor}"),
    )
    .await;
    assert_eq!(
        (second["items"].as_array().unwrap().len(), &second["total"]),
        (1, &json!(3)),
        "the total is of all pages, not of what follows the cursor"
    );
    let any_of = page(&app, "/api/v1/parties?role=customer&role=supplier&include=total").await;
    assert_eq!(any_of["total"], 4);
    let none = page(&app, "/api/v1/parties?q=nobody&include=total").await;
    assert_eq!((&none["items"], &none["total"]), (&json!([]), &json!(0)));

    let uncounted = page(&app, "/api/v1/parties?role=customer").await;
    assert!(uncounted.get("total").is_none(), "no count unless asked: {uncounted}");
    let refused = app.get("/api/v1/parties?include=everything").await;
    assert_eq!(refused.status(), StatusCode::BAD_REQUEST);
}

/// Every list the document gives `include` answers it with a count: those under a party's id
/// with that party's id filled in.
#[tokio::test]
async fn every_list_that_documents_include_counts() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let document = page(&app, "/api-docs/openapi.json").await;
    let mut counted = 0;
    for (path, operations) in document["paths"].as_object().unwrap() {
        let parameters = operations["get"]["parameters"].as_array();
        if !parameters.into_iter().flatten().any(|p| p["name"] == "include") {
            continue;
        }
        let path = match path.split_once("/{id}") {
            None => path.clone(),
            Some(("/api/v1/parties", rest)) => format!("/api/v1/parties/{}{rest}", id(&party)),
            Some(_) => continue, // lists under other records: the same kit, counted above
        };
        let answer = page(&app, &format!("{path}?include=total")).await;
        let items = answer["items"].as_array().unwrap().len() as u64;
        let total = answer["total"]
            .as_u64()
            .unwrap_or_else(|| panic!("GET {path}: no total in {answer}"));
        assert!(total >= items, "GET {path}: {total} < {items}");
        counted += 1;
    }
    assert!(counted >= 20, "only {counted} lists take include");
}
