//! Sales orders: converting an accepted offer once (also under a race), direct orders, and the
//! transitions of domain.md.

use domain::sales_order::{SalesOrderAction, SalesOrderStatus, TRANSITIONS};
use domain::transition;
use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::fixtures::worked_example_with_an_option;
use crate::helpers::{TestApp, assert_problem, error_fields, id, spawn_app};

pub const ORDERS: &str = "/api/v1/sales-orders";

fn free_line(quantity: &str, price: &str, rate: &str) -> Value {
    json!({"description": "Item", "quantity": quantity, "unit_price": price, "tax_rate": rate})
}

async fn act(app: &TestApp, order: &Value, action: &str) -> reqwest::Response {
    app.post_as(&app.admin_token, &format!("{ORDERS}/{}/{action}", id(order)), None)
        .await
}

#[tokio::test]
async fn an_accepted_offer_becomes_an_order_of_its_counted_lines_once() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let offer = app.accepted_offer(&party, &worked_example_with_an_option()).await;
    let response = app.post(ORDERS, &json!({"offer_id": id(&offer)})).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let order: Value = response.json().await.unwrap();
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(order["number"], format!("SO-{year}-000001"));
    assert_eq!(order["status"], "draft");
    assert_eq!(order["offer_id"], id(&offer));
    assert_eq!(order["payment_terms_days"], 14);
    assert_eq!(order["billing_address"]["city"], "Berlin");
    let links: Vec<&Value> = order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| &l["offer_line_id"])
        .collect();
    let offered: Vec<&Value> = offer["lines"].as_array().unwrap()[..3]
        .iter()
        .map(|l| &l["id"])
        .collect();
    assert_eq!(links, offered, "the counted lines, each linked to its offer line");
    assert_eq!(
        (&order["net_total"], &order["tax_total"], &order["total"]),
        (&offer["net_total"], &offer["tax_total"], &offer["total"])
    );
    assert_eq!(order["invoicing_status"], "not_invoiced");
    assert_eq!(order["lines"][0]["remaining_quantity"], "3");
    assert_eq!(app.get_json(&location).await, order);

    let again = app.post(ORDERS, &json!({"offer_id": id(&offer)})).await;
    let problem = assert_problem(again, StatusCode::CONFLICT, "already_converted").await;
    assert_eq!(problem["existing_id"], id(&order));

    let draft = app
        .post_expect(
            "/api/v1/offers",
            &json!({"party_id": id(&party), "lines": [free_line("1", "1", "0")]}),
            StatusCode::CREATED,
        )
        .await;
    let not_accepted = app.post(ORDERS, &json!({"offer_id": id(&draft)})).await;
    assert_problem(not_accepted, StatusCode::CONFLICT, "offer_not_accepted").await;
    let mixed = app
        .post(
            ORDERS,
            &json!({"offer_id": id(&offer), "lines": [free_line("1", "1", "0")]}),
        )
        .await;
    assert_problem(mixed, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

/// Twenty conversions of one offer at once: exactly one order, and nineteen conflicts naming it.
#[tokio::test]
async fn twenty_racing_conversions_make_exactly_one_order() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let offer = app.accepted_offer(&party, &worked_example_with_an_option()).await;
    let body = json!({"offer_id": id(&offer)});
    let responses = join_all((0..20).map(|_| app.post(ORDERS, &body))).await;
    let mut created = Vec::new();
    let mut conflicts = Vec::new();
    for response in responses {
        match response.status() {
            StatusCode::CREATED => created.push(response.json::<Value>().await.unwrap()),
            StatusCode::CONFLICT => conflicts.push(response.json::<Value>().await.unwrap()),
            other => panic!("unexpected {other}"),
        }
    }
    assert_eq!((created.len(), conflicts.len()), (1, 19));
    for conflict in &conflicts {
        assert_eq!(conflict["code"], "already_converted");
        assert_eq!(conflict["existing_id"], id(&created[0]));
    }
    let orders = app.get_json(&format!("{ORDERS}?offer_id={}", id(&offer))).await;
    assert_eq!(orders["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_direct_order_is_priced_like_an_offer_and_checked_whole() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let product = app
        .post_expect(
            "/api/v1/products",
            &json!({"sku": "P", "name": "Part", "list_price": "2.50", "currency": "EUR", "tax_rate": "19"}),
            StatusCode::CREATED,
        )
        .await;
    let order = app
        .post_expect(
            ORDERS,
            &json!({"party_id": id(&party), "lines": [{"product_id": id(&product), "quantity": "4"}, free_line("1", "5", "7")]}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(order["lines"][0]["unit_price"], "2.50");
    assert_eq!(order["lines"][0]["description"], "Part");
    assert_eq!(order["net_total"], "15.00");
    assert_eq!(order["offer_id"], Value::Null);

    let bad = app
        .post(ORDERS, &json!({"party_id": id(&party), "lines": [{"quantity": "0"}]}))
        .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        vec![
            "lines[0].quantity",
            "lines[0].description",
            "lines[0].unit_price",
            "lines[0].tax_rate"
        ]
    );
    let empty = app.post(ORDERS, &json!({"party_id": id(&party)})).await;
    let problem = assert_problem(empty, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["lines"]);
    let nothing = app.post(ORDERS, &json!({})).await;
    assert_problem(nothing, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

/// Every (status, action) pair of the domain's table, over HTTP.
#[tokio::test]
async fn every_transition_is_allowed_or_refused_as_the_table_says() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let reach: &[(SalesOrderStatus, &[&str])] = &[
        (SalesOrderStatus::Draft, &[]),
        (SalesOrderStatus::Confirmed, &["confirm"]),
        (SalesOrderStatus::Completed, &["confirm", "complete"]),
        (SalesOrderStatus::Cancelled, &["cancel"]),
    ];
    assert_eq!(reach.len(), SalesOrderStatus::ALL.len());
    for (status, path) in reach {
        for action in SalesOrderAction::ALL {
            let order = app
                .post_expect(
                    ORDERS,
                    &json!({"party_id": id(&party), "lines": [free_line("1", "10", "19")]}),
                    StatusCode::CREATED,
                )
                .await;
            for step in *path {
                assert_eq!(act(&app, &order, step).await.status(), StatusCode::OK, "{step}");
            }
            let before = app.get_json(&format!("{ORDERS}/{}", id(&order))).await;
            let response = act(&app, &order, action.as_str()).await;
            match transition::apply(TRANSITIONS, *status, *action) {
                Ok(to) => {
                    assert_eq!(response.status(), StatusCode::OK, "{status:?} {action:?}");
                    let after: Value = response.json().await.unwrap();
                    assert_eq!(after["status"], to.as_str());
                }
                Err(refusal) => {
                    let problem = assert_problem(response, StatusCode::CONFLICT, "invalid_state_transition").await;
                    assert_eq!(problem["current_status"], status.as_str());
                    assert_eq!(problem["allowed_from"], json!(refusal.allowed_from));
                    let after = app.get_json(&format!("{ORDERS}/{}", id(&order))).await;
                    assert_eq!(after, before, "a refused transition changes nothing");
                }
            }
        }
    }
}

#[tokio::test]
async fn only_a_drafts_header_is_editable() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let order = app
        .post_expect(
            ORDERS,
            &json!({"party_id": id(&party), "lines": [free_line("1", "10", "19")]}),
            StatusCode::CREATED,
        )
        .await;
    let path = format!("{ORDERS}/{}", id(&order));
    let changed: Value = app
        .patch(&path, &json!({"notes": "Deliver Monday", "payment_terms_days": 30}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (changed["notes"].as_str(), changed["payment_terms_days"].as_i64()),
        (Some("Deliver Monday"), Some(30))
    );
    assert_eq!(act(&app, &order, "confirm").await.status(), StatusCode::OK);
    let immutable = app.patch(&path, &json!({"notes": "Too late"})).await;
    assert_problem(immutable, StatusCode::CONFLICT, "document_immutable").await;
}
