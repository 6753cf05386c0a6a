//! Contracts over HTTP: their conditions on the party's new documents (price list, discount,
//! payment terms, the explanation), renewal, expiry and termination on their dates, and bad input.

use chrono::TimeDelta;
use domain::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, id, spawn_app, spawn_app_with, until};

pub const CONTRACTS: &str = "/api/v1/contracts";

async fn product(app: &TestApp, sku: &str, price: &str) -> Value {
    let body = json!({"sku": sku, "name": sku, "list_price": price, "currency": "EUR", "tax_rate": "19"});
    app.post_expect("/api/v1/products", &body, StatusCode::CREATED).await
}

async fn price_list(app: &TestApp, name: &str, product: &Value, price: &str) -> Value {
    let body = json!({"name": name, "currency": "EUR", "entries": [{"product_id": id(product), "unit_price": price}]});
    app.post_expect("/api/v1/price-lists", &body, StatusCode::CREATED).await
}

async fn act(app: &TestApp, contract: &Value, action: &str, body: Option<&Value>) -> reqwest::Response {
    let path = format!("{CONTRACTS}/{}/{action}", id(contract));
    app.post_as(&app.admin_token, &path, body).await
}

async fn activated(app: &TestApp, body: Value) -> Value {
    let draft = app.post_expect(CONTRACTS, &body, StatusCode::CREATED).await;
    assert_eq!(draft["status"], "draft");
    assert_eq!(draft["allowed_actions"], json!(["activate", "update", "delete"]));
    let response = act(app, &draft, "activate", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// The unit price and discount a new offer line of `product` gets for `party`.
async fn offer_line_price(app: &TestApp, party: &Value, product: &Value) -> (Value, Value) {
    let body = json!({"party_id": id(party), "lines": [{"product_id": id(product), "quantity": "10"}]});
    let offer = app.post_expect("/api/v1/offers", &body, StatusCode::CREATED).await;
    let line = &offer["lines"][0];
    (line["unit_price"].clone(), line["discount_percent"].clone())
}

/// The event types of `record_id` in the change feed, in its order, once it holds `count` of them
/// (on PostgreSQL the feed shows an event once every transaction before it has settled).
async fn events_of(app: &TestApp, record_id: &Value, count: usize) -> Vec<String> {
    until("the events in the feed", || async {
        feed_of(app, record_id).await.len() >= count
    })
    .await;
    feed_of(app, record_id).await
}

async fn feed_of(app: &TestApp, record_id: &Value) -> Vec<String> {
    let events = app.get_json("/api/v1/events?limit=200").await;
    events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource_id"] == *record_id)
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_running_contract_prices_the_partys_new_documents_until_its_termination_date() {
    let clock = api::Clock::manual("2026-03-02T09:00:00Z".parse().unwrap());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    let bolt = product(&app, "BOLT", "1.20").await;
    let own_list = price_list(&app, "Wholesale", &bolt, "1.10").await;
    let agreed_list = price_list(&app, "Framework prices", &bolt, "0.95").await;
    let party = app.customer().await;
    let path = format!("/api/v1/parties/{}", id(&party));
    let patched = app.patch(&path, &json!({"price_list_id": id(&own_list)})).await;
    assert_eq!(patched.status(), StatusCode::OK);
    app.post_expect(
        "/api/v1/discount-rules",
        &json!({"name": "Everyone", "percent": "5"}),
        StatusCode::CREATED,
    )
    .await;
    assert_eq!(offer_line_price(&app, &party, &bolt).await, (json!("1.10"), json!("5")));

    let contract = activated(
        &app,
        json!({"party_id": id(&party), "title": "Framework 2026", "valid_from": "2026-03-01",
               "valid_to": "2026-12-31", "price_list_id": id(&agreed_list), "discount_percent": "7.5",
               "payment_terms_days": 45}),
    )
    .await;
    assert_eq!(contract["number"], "CT-2026-000001");
    assert_eq!(contract["status"], "active");
    assert_eq!(contract["activated_on"], "2026-03-02");
    assert_eq!(contract["allowed_actions"], json!(["terminate", "update"]));

    // Its price list before the party's, its discount beating the rule's, its payment terms.
    assert_eq!(
        offer_line_price(&app, &party, &bolt).await,
        (json!("0.95"), json!("7.5"))
    );
    let resolved = app
        .get_json(&format!(
            "/api/v1/pricing/resolve?party_id={}&product_id={}",
            id(&party),
            id(&bolt)
        ))
        .await;
    assert_eq!(resolved["contract_id"], contract["id"]);
    assert_eq!(resolved["discount_rule_id"], Value::Null);
    let first = &resolved["explanation"][0];
    assert_eq!(
        (&first["source"], &first["source_name"]),
        (&json!("contract"), &json!("CT-2026-000001"))
    );
    assert!(first["reason"].as_str().unwrap().contains("Framework 2026"), "{first}");
    let kinds: Vec<&str> = resolved["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["source"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "contract",
            "price_list",
            "price_list",
            "list_price",
            "contract_discount",
            "discount_rule"
        ]
    );
    let order = app
        .post_expect(
            "/api/v1/sales-orders",
            &json!({"party_id": id(&party), "lines": [{"product_id": id(&bolt), "quantity": "1"}]}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(order["payment_terms_days"], 45);
    let shown = app.get_json(&path).await;
    assert_eq!(shown["active_contracts"][0]["number"], "CT-2026-000001");
    assert_eq!(shown["active_contracts"][0]["valid_to"], "2026-12-31");
    let contracts = app.get_json(&format!("{path}/contracts")).await;
    assert_eq!(contracts["items"][0]["id"], contract["id"]);

    // Notice for April 1st: it runs until then, and the server ends it on that day.
    let notice = json!({"effective_date": "2026-04-01", "reason": "merged into the group contract"});
    let noticed: Value = act(&app, &contract, "terminate", Some(&notice))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(noticed["status"], "active");
    assert_eq!(noticed["termination_effective_date"], "2026-04-01");
    clock.advance(TimeDelta::days(29)); // 2026-03-31
    assert_eq!(
        offer_line_price(&app, &party, &bolt).await,
        (json!("0.95"), json!("7.5"))
    );
    clock.advance(TimeDelta::days(1)); // 2026-04-01
    assert_eq!(offer_line_price(&app, &party, &bolt).await, (json!("1.10"), json!("5")));
    let db = app.database().await;
    clock.scope(app::contracts::dates::round(&db)).await.unwrap();
    let contract_path = format!("{CONTRACTS}/{}", id(&contract));
    until("terminated", || async {
        app.get_json(&contract_path).await["status"] == "terminated"
    })
    .await;
    let ended = app.get_json(&contract_path).await;
    assert_eq!(ended["ended_on"], "2026-04-01");
    assert_eq!(ended["allowed_actions"], json!([]));
    assert_eq!(app.get_json(&path).await["active_contracts"], json!([]));
    let resolved = app
        .get_json(&format!(
            "/api/v1/pricing/resolve?party_id={}&product_id={}",
            id(&party),
            id(&bolt)
        ))
        .await;
    assert_eq!(resolved["contract_id"], Value::Null);
    assert!(
        resolved["explanation"]
            .as_array()
            .unwrap()
            .iter()
            .all(|c| c["source"] != "contract")
    );
    let order = app
        .post_expect(
            "/api/v1/sales-orders",
            &json!({"party_id": id(&party), "lines": [{"product_id": id(&bolt), "quantity": "1"}]}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(order["payment_terms_days"], 14);
    assert_eq!(
        events_of(&app, &contract["id"], 4).await,
        [
            "contract.created",
            "contract.active",
            "contract.termination_scheduled",
            "contract.terminated"
        ]
    );
}

/// Two servers on one database, back after three months down: a monthly renewing contract is
/// renewed three times (each renewal in its history and the feed), one without renewal expires,
/// whichever server's round did it, and a further round changes nothing.
#[tokio::test]
async fn renewals_and_expiry_happen_on_their_dates_once_with_two_servers_after_downtime() {
    let clock = api::Clock::manual("2026-01-15T09:00:00Z".parse().unwrap());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    app.another_instance_with(|settings| settings.clock = clock.clone())
        .await;
    let party = app.customer().await;
    let renewing = activated(
        &app,
        json!({"party_id": id(&party), "title": "Monthly service", "valid_from": "2026-01-01",
               "valid_to": "2026-01-31", "auto_renew": true, "renewal_months": 1, "notice_days": 10}),
    )
    .await;
    assert_eq!(renewing["notice_date"], "2026-01-21");
    let ending = activated(
        &app,
        json!({"party_id": id(&party), "title": "Pilot", "valid_from": "2026-01-01", "valid_to": "2026-02-28"}),
    )
    .await;
    clock.advance(TimeDelta::days(80)); // 2026-04-05
    let (one, other) = (app.database().await, app.database().await);
    let (first, second) = clock
        .scope(async {
            tokio::join!(
                Box::pin(app::contracts::dates::round(&one)),
                Box::pin(app::contracts::dates::round(&other))
            )
        })
        .await;
    // Neither fails: PostgreSQL locks what a round takes, SQLite makes the second wait its turn.
    first.unwrap();
    second.unwrap();
    let renewing_path = format!("{CONTRACTS}/{}", id(&renewing));
    until("renewed to April", || async {
        app.get_json(&renewing_path).await["valid_to"] == "2026-04-30"
    })
    .await;
    let ending_path = format!("{CONTRACTS}/{}", id(&ending));
    until("expired", || async {
        app.get_json(&ending_path).await["status"] == "expired"
    })
    .await;
    assert_eq!(clock.scope(app::contracts::dates::round(&other)).await.unwrap(), 0);

    let renewals = events_of(&app, &renewing["id"], 5).await;
    assert_eq!(
        renewals,
        [
            "contract.created",
            "contract.active",
            "contract.renewed",
            "contract.renewed",
            "contract.renewed"
        ]
    );
    let history = app.get_json(&format!("{renewing_path}/history")).await;
    let terms: Vec<&Value> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .skip(2)
        .map(|entry| {
            let changes = entry["changes"].as_array().unwrap();
            &changes.iter().find(|c| c["field"] == "valid_to").unwrap()["to"]
        })
        .collect();
    assert_eq!(
        terms,
        [&json!("2026-02-28"), &json!("2026-03-31"), &json!("2026-04-30")]
    );
    let expired = app.get_json(&ending_path).await;
    assert_eq!(expired["ended_on"], "2026-03-01");
    assert_eq!(
        events_of(&app, &ending["id"], 3).await.last().unwrap(),
        "contract.expired"
    );
    // A notice given after the notice date does not stop the coming renewal.
    let late = json!({"effective_date": "2026-05-15"});
    clock.advance(TimeDelta::days(21)); // 2026-04-26, after the notice date 2026-04-20
    let noticed: Value = act(&app, &renewing, "terminate", Some(&late))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(noticed["status"], "active");
    clock.advance(TimeDelta::days(5)); // 2026-05-01
    clock.scope(app::contracts::dates::round(&one)).await.unwrap();
    until("renewed to May", || async {
        app.get_json(&renewing_path).await["valid_to"] == "2026-05-31"
    })
    .await;
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let body = json!({"party_id": id(&party), "title": "Backwards", "valid_from": "2026-05-01",
                      "valid_to": "2026-04-30", "discount_percent": "0", "renewal_months": 0,
                      "price_list_id": "00000000-0000-7000-8000-000000000000"});
    let problem = assert_problem(
        app.post(CONTRACTS, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(
        error_fields(&problem),
        ["valid_to", "discount_percent", "renewal_months"]
    );
    let body = json!({"party_id": id(&party), "title": "Renews forever", "auto_renew": true});
    let problem = assert_problem(
        app.post(CONTRACTS, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["valid_to"]);
    let body = json!({"party_id": id(&party), "title": "Unknown list",
                      "price_list_id": "00000000-0000-7000-8000-000000000000"});
    let problem = assert_problem(
        app.post(CONTRACTS, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["price_list_id"]);
    assert_eq!(app.get_json(CONTRACTS).await["items"], json!([]));

    let draft = app
        .post_expect(
            CONTRACTS,
            &json!({"party_id": id(&party), "title": "Draft"}),
            StatusCode::CREATED,
        )
        .await;
    let notice = json!({"effective_date": "2030-01-01"});
    assert_problem(
        act(&app, &draft, "terminate", Some(&notice)).await,
        StatusCode::CONFLICT,
        "invalid_state_transition",
    )
    .await;
    let active: Value = act(&app, &draft, "activate", None).await.json().await.unwrap();
    let past = json!({"effective_date": "2000-01-01"});
    let problem = assert_problem(
        act(&app, &active, "terminate", Some(&past)).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["effective_date"]);
    let path = format!("{CONTRACTS}/{}", id(&active));
    let unchanged = app.get_json(&path).await;
    assert_eq!(
        (&unchanged["version"], &unchanged["termination_effective_date"]),
        (&active["version"], &Value::Null)
    );
    let deleted = app.request(Method::DELETE, &path, Some(&app.admin_token), None).await;
    assert_problem(deleted, StatusCode::CONFLICT, "document_immutable").await;
    let other = app.customer().await;
    let moved = app.patch(&path, &json!({"party_id": id(&other)})).await;
    let problem = assert_problem(moved, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["party_id"]);
}

#[tokio::test]
async fn drafts_change_and_go_contracts_are_seen_by_who_sees_their_party() {
    let app = spawn_app().await;
    let team = app.create_team("North").await;
    let (_, sales) = app.user_with_role(Role::Sales, Some(&team)).await;
    let (_, stranger) = app.user_with_role(Role::Sales, None).await;
    let party = app
        .request(
            Method::POST,
            "/api/v1/parties",
            Some(&sales),
            Some(&json!({"kind": "organization", "name": "Mine", "roles": ["customer"]})),
        )
        .await
        .json::<Value>()
        .await
        .unwrap();
    let body = json!({"party_id": id(&party), "title": "Draft", "valid_from": "2026-01-01"});
    let response = app.request(Method::POST, CONTRACTS, Some(&sales), Some(&body)).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let draft: Value = response.json().await.unwrap();
    let path = format!("{CONTRACTS}/{}", id(&draft));
    assert_eq!(
        app.request(Method::GET, &path, Some(&stranger), None).await.status(),
        StatusCode::NOT_FOUND
    );
    let listed: Value = app
        .request(Method::GET, CONTRACTS, Some(&stranger), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]));
    let viewer = app.login_as(Role::Viewer).await;
    let seen: Value = app
        .request(Method::GET, &path, Some(&viewer), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(seen["allowed_actions"], json!([]));
    let attachments = app.get_json(&format!("{path}/attachments")).await;
    assert_eq!(attachments["items"], json!([]));

    let amendment = json!({"title": "Framework", "valid_to": "2026-12-31", "auto_renew": true, "notice_days": 30});
    let response = app.request(Method::PATCH, &path, Some(&sales), Some(&amendment)).await;
    assert_eq!(response.status(), StatusCode::OK);
    let changed: Value = response.json().await.unwrap();
    assert_eq!(
        (&changed["auto_renew"], &changed["renewal_months"]),
        (&json!(true), &json!(12))
    );
    assert_eq!(changed["notice_date"], "2026-12-01");
    let deleted = app.request(Method::DELETE, &path, Some(&sales), None).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path).await.status(), StatusCode::NOT_FOUND);
}
