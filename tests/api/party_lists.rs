//! Party lists: keyset pages visit every row exactly once, filters, sorts and refused queries.

use std::collections::HashSet;

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, spawn_app};

/// Follows `next_cursor` to the end and returns the ids in the order they came.
async fn walk(app: &TestApp, query: &str) -> Vec<String> {
    let mut ids = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(cursor) => format!("/api/v1/parties?limit=3&{query}&cursor={cursor}"),
            None => format!("/api/v1/parties?limit=3&{query}"),
        };
        let response = app.get(&path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let page: Value = response.json().await.unwrap();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 3);
        ids.extend(items.iter().map(|p| p["id"].as_str().unwrap().to_owned()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
        assert!(ids.len() <= 100, "pagination does not end");
    }
    ids
}

#[tokio::test]
async fn every_sort_visits_every_party_exactly_once_in_order() {
    let app = spawn_app().await;
    // Duplicate names force the id tie-breaker to do its work.
    let names = [
        "Delta", "Alpha", "Charlie", "Alpha", "Bravo", "Echo", "Alpha", "Bravo", "Foxtrot", "Golf",
    ];
    let mut created = Vec::new();
    for name in names {
        created.push(app.post_party(&json!({"kind": "organization", "name": name})).await);
    }
    let all: HashSet<String> = created.iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect();
    for sort in [
        "name",
        "-name",
        "created_at",
        "-created_at",
        "updated_at",
        "-updated_at",
    ] {
        let ids = walk(&app, &format!("sort={sort}")).await;
        assert_eq!(ids.len(), names.len(), "{sort}: no row twice");
        assert_eq!(ids.iter().cloned().collect::<HashSet<_>>(), all, "{sort}: every row");
        let key = sort.trim_start_matches('-');
        let mut expected = created.clone();
        expected.sort_by(|a, b| {
            let by_key = a[key].as_str().cmp(&b[key].as_str());
            by_key.then(a["id"].as_str().cmp(&b["id"].as_str()))
        });
        if sort.starts_with('-') {
            expected.reverse();
        }
        let expected: Vec<String> = expected.iter().map(|p| p["id"].as_str().unwrap().to_owned()).collect();
        assert_eq!(ids, expected, "{sort}: in order");
    }
}

#[tokio::test]
async fn filters_narrow_the_list() {
    let app = spawn_app().await;
    let acme = app
        .post_party(&json!({"kind": "organization", "name": "Acme Tools", "roles": ["customer"], "tags": ["vip"], "customer_group": "retail"}))
        .await;
    let jane = app
        .post_party(&json!({"kind": "person", "name": "Jane Roe", "email": "jane@acme.example", "organization_id": acme["id"], "roles": ["prospect"]}))
        .await;
    let rival = app
        .post_party(
            &json!({"kind": "organization", "name": "Rival 100%", "roles": ["competitor"], "tags": ["vip_like"]}),
        )
        .await;
    let umlaut = app
        .post_party(&json!({"kind": "organization", "name": "Ärger & Söhne"}))
        .await;
    let ids = |page: Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let id = |party: &Value| party["id"].as_str().unwrap().to_owned();
    let cases = [
        ("kind=person", vec![id(&jane)]),
        ("role=competitor", vec![id(&rival)]),
        ("tag=vip", vec![id(&acme)]),
        ("customer_group=retail", vec![id(&acme)]),
        (&format!("organization_id={}", id(&acme)) as &str, vec![id(&jane)]),
        ("q=ACME", vec![id(&acme), id(&jane)]),
        ("q=100%25", vec![id(&rival)]),
        ("q=_", vec![]),
        ("tag=vip%22", vec![]),
        ("tag=%20vip%20", vec![id(&acme)]),
        ("q=%C3%A4RGER", vec![id(&umlaut)]),
        ("q=S%C3%96HNE", vec![id(&umlaut)]),
    ];
    for (query, expected) in cases {
        let page: Value = app.get(&format!("/api/v1/parties?{query}")).await.json().await.unwrap();
        assert!(page["items"].is_array(), "{query}: {page}");
        assert_eq!(ids(page), expected, "{query}");
    }
}

#[tokio::test]
async fn updated_since_lists_changes_oldest_first() {
    let app = spawn_app().await;
    let first = app.post_party(&json!({"kind": "organization", "name": "First"})).await;
    let second = app.post_party(&json!({"kind": "organization", "name": "Second"})).await;
    let since = second["updated_at"].as_str().unwrap().to_owned();
    let path = format!("/api/v1/parties/{}", first["id"].as_str().unwrap());
    let changed: Value = app
        .patch(&path, &json!({"name": "First, changed"}))
        .await
        .json()
        .await
        .unwrap();

    let encoded = since.replace('+', "%2B").replace(':', "%3A");
    let page: Value = app
        .get(&format!("/api/v1/parties?updated_since={encoded}"))
        .await
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        vec![second["id"].as_str().unwrap(), changed["id"].as_str().unwrap()]
    );

    let by_name: Value = app
        .get(&format!("/api/v1/parties?updated_since={encoded}&sort=-name"))
        .await
        .json()
        .await
        .unwrap();
    let names: Vec<&str> = by_name["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, vec!["Second", "First, changed"], "an explicit sort wins");
}

#[tokio::test]
async fn bad_list_parameters_are_400() {
    let app = spawn_app().await;
    for query in [
        "limit=0",
        "limit=201",
        "limit=x",
        "sort=colour",
        "colour=red",
        "cursor=garbage",
        "kind=robot",
        "owner_id=nope",
    ] {
        let response = app.get(&format!("/api/v1/parties?{query}")).await;
        let code = if query.starts_with("cursor") {
            "invalid_cursor"
        } else {
            "invalid_query"
        };
        assert_problem(response, StatusCode::BAD_REQUEST, code).await;
    }
    let far = app.get("/api/v1/parties?updated_since=%2B20000-01-01T00:00:00Z").await;
    assert_problem(far, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    // No stored text holds a NUL byte (and PostgreSQL refuses one): such a filter matches nothing.
    app.post_party(
        &json!({"kind": "organization", "name": "A", "customer_group": "a", "tags": ["a"], "external_id": "a"}),
    )
    .await;
    for query in ["q=a%00", "tag=a%00", "external_id=a%00", "customer_group=a%00"] {
        let page: Value = app.get(&format!("/api/v1/parties?{query}")).await.json().await.unwrap();
        assert_eq!(page["items"], json!([]), "{query}");
    }
    // A cursor made for one sort is refused by another.
    for name in ["B", "C"] {
        app.post_party(&json!({"kind": "organization", "name": name})).await;
    }
    let page: Value = app.get("/api/v1/parties?limit=1&sort=name").await.json().await.unwrap();
    let cursor = page["next_cursor"].as_str().unwrap();
    let response = app
        .get(&format!("/api/v1/parties?limit=1&sort=-name&cursor={cursor}"))
        .await;
    assert_problem(response, StatusCode::BAD_REQUEST, "invalid_cursor").await;
}

/// A frontend places a query error next to its input: every parameter that does not parse or
/// that the list does not know is named in `errors`, with what was wrong, in one answer.
#[tokio::test]
async fn every_bad_parameter_is_named_in_one_answer() {
    let app = spawn_app().await;
    let response = app
        .get("/api/v1/parties?updated_since=yesterday&colour=red&limit=x&kind=organization")
        .await;
    let problem = assert_problem(response, StatusCode::BAD_REQUEST, "invalid_query").await;
    let mut named: Vec<(&str, &str)> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["field"].as_str().unwrap(), e["code"].as_str().unwrap()))
        .collect();
    named.sort_unstable();
    assert_eq!(
        named,
        [
            ("colour", "unknown_parameter"),
            ("limit", "invalid_value"),
            ("updated_since", "invalid_value")
        ]
    );
    let updated_since = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["field"] == "updated_since")
        .unwrap();
    let message = updated_since["message"].as_str().unwrap();
    assert!(
        message.contains("`yesterday`"),
        "the message quotes the value: {message}"
    );
    // The same parameter twice, where the filter is not a list, is named too.
    let twice = app.get("/api/v1/parties?owner_id=a&owner_id=b").await;
    let problem = assert_problem(twice, StatusCode::BAD_REQUEST, "invalid_query").await;
    assert_eq!(problem["errors"][0]["field"], "owner_id", "{problem}");
}

/// A filter given more than once means any of its values: the prospects and the customers, in
/// one list.
#[tokio::test]
async fn a_repeated_filter_means_any_of_its_values() {
    let app = spawn_app().await;
    for (name, role) in [("Pia", "prospect"), ("Carl", "customer"), ("Sue", "supplier")] {
        app.post_party(&json!({"kind": "person", "name": name, "roles": [role]}))
            .await;
    }
    let names = |page: Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p["name"].as_str().unwrap().to_owned())
            .collect()
    };
    let both = app.get_json("/api/v1/parties?role=prospect&role=customer").await;
    assert_eq!(names(both), ["Carl", "Pia"]);
    let one = app.get_json("/api/v1/parties?role=supplier").await;
    assert_eq!(names(one), ["Sue"]);
    let bad = app.get("/api/v1/parties?role=prospect&role=robot").await;
    let problem = assert_problem(bad, StatusCode::BAD_REQUEST, "invalid_query").await;
    assert_eq!(problem["errors"][0]["field"], "role", "{problem}");
}

/// An empty text filter is left out, as HTML forms send it (`q=`); an empty number, flag, date or
/// sort is no value of its type and is refused naming it; an empty cursor is the first page.
#[tokio::test]
async fn empty_parameters_are_absent_text_or_refused() {
    let app = spawn_app().await;
    app.post_party(&json!({"kind": "person", "name": "Pia"})).await;
    let page = app.get_json("/api/v1/parties?q=&tag=&cursor=").await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    let refused = app
        .get("/api/v1/parties?limit=&include_archived=&updated_since=&sort=&role=")
        .await;
    let problem = assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_query").await;
    let mut fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        ["include_archived", "limit", "role", "sort", "updated_since"],
        "{problem}"
    );
}
