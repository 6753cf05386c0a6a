//! Subscriptions over HTTP: billing runs that bill every period once (month ends, pauses, line
//! changes, concurrent runs, two servers' jobs after downtime), the preview, and bad input.

use chrono::TimeDelta;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, id, spawn_app_with, until};

pub const SUBSCRIPTIONS: &str = "/api/v1/subscriptions";
pub const RUNS: &str = "/api/v1/subscription-runs";

async fn app_on(day: &str) -> (TestApp, api::Clock) {
    let clock = api::Clock::manual(format!("{day}T09:00:00Z").parse().unwrap());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    (app, clock)
}

async fn hosting(app: &TestApp) -> Value {
    let body = json!({"sku": "HOST", "name": "Hosting", "list_price": "49.00", "currency": "EUR", "tax_rate": "19"});
    app.post_expect("/api/v1/products", &body, StatusCode::CREATED).await
}

/// A monthly subscription of `party` to `product` from `start`, activated.
async fn subscribed(app: &TestApp, party: &Value, product: &Value, start: &str) -> Value {
    let body = json!({"party_id": id(party), "interval": "month", "start_date": start,
                      "lines": [{"product_id": id(product), "quantity": "1"}]});
    let draft = app.post_expect(SUBSCRIPTIONS, &body, StatusCode::CREATED).await;
    assert_eq!(
        (&draft["status"], &draft["allowed_actions"]),
        (&json!("draft"), &json!(["activate", "update", "delete"]))
    );
    let path = format!("{SUBSCRIPTIONS}/{}/activate", id(&draft));
    let response = app.post_as(&app.admin_token, &path, None).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

async fn run(app: &TestApp, as_of: &str) -> Value {
    app.post_expect(RUNS, &json!({"as_of": as_of}), StatusCode::CREATED)
        .await
}

/// The orders of `party`, oldest first: (order date, status, first line's quantity, description).
async fn orders_of(app: &TestApp, party: &Value) -> Vec<(String, String, String, String)> {
    let page = app
        .get_json(&format!("/api/v1/sales-orders?party_id={}&limit=200", id(party)))
        .await;
    let mut orders: Vec<_> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| {
            let line = &o["lines"][0];
            let text = |v: &Value| v.as_str().unwrap().to_owned();
            (
                text(&o["order_date"]),
                text(&o["status"]),
                text(&line["quantity"]),
                text(&line["description"]),
            )
        })
        .collect();
    orders.sort();
    orders
}

fn dates(orders: &[(String, String, String, String)]) -> Vec<&str> {
    orders.iter().map(|o| o.0.as_str()).collect()
}

#[tokio::test]
async fn a_run_bills_each_month_end_once_and_ten_runs_at_once_add_none() {
    let (app, _clock) = app_on("2026-07-01").await;
    let party = app.customer().await;
    let product = hosting(&app).await;
    let subscription = subscribed(&app, &party, &product, "2026-01-31").await;
    assert_eq!(subscription["number"], "SU-2026-000001");
    assert_eq!(subscription["next_billing_on"], "2026-01-31");

    let first = run(&app, "2026-06-30").await;
    assert_eq!(
        (&first["billed_count"], &first["skipped_count"]),
        (&json!(6), &json!(0))
    );
    assert_eq!(first["failures"], json!([]));
    let starts: Vec<&str> = first["periods"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["start"].as_str().unwrap())
        .collect();
    assert_eq!(
        starts,
        [
            "2026-01-31",
            "2026-02-28",
            "2026-03-31",
            "2026-04-30",
            "2026-05-31",
            "2026-06-30"
        ]
    );
    let orders = orders_of(&app, &party).await;
    assert_eq!(dates(&orders), starts);
    assert!(orders.iter().all(|o| o.1 == "confirmed"));
    assert_eq!(orders[1].3, "Hosting, 2026-02-28 to 2026-03-30");
    let read = app.get_json(&format!("{RUNS}/{}", id(&first))).await;
    assert_eq!(read["periods"], first["periods"]);

    assert_eq!(run(&app, "2026-06-30").await["billed_count"], 0);
    let runs = (0..10).map(|_| {
        let app = &app;
        async move { app.post(RUNS, &json!({"as_of": "2026-06-30"})).await.status() }
    });
    let statuses = futures::future::join_all(runs).await;
    assert!(statuses.iter().all(|s| *s == StatusCode::CREATED), "{statuses:?}");
    assert_eq!(orders_of(&app, &party).await.len(), 6, "ten runs at once add none");

    // The order's flow leads back to the subscription; an invoice order and invoice follow.
    let order_id = first["periods"][0]["sales_order_id"].as_str().unwrap().to_owned();
    let flow = app.get_json(&format!("/api/v1/sales-orders/{order_id}/flow")).await;
    assert_eq!(flow["subscriptions"][0]["id"], subscription["id"]);
    let invoice_order = app
        .post_expect(
            "/api/v1/invoice-orders",
            &json!({"sales_order_id": order_id}),
            StatusCode::CREATED,
        )
        .await;
    let invoice = app
        .post_expect(
            "/api/v1/invoices",
            &json!({"invoice_order_id": id(&invoice_order)}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(invoice["total"], "58.31");
    let flow = app
        .get_json(&format!("{SUBSCRIPTIONS}/{}/flow", id(&subscription)))
        .await;
    assert_eq!(flow["sales_orders"].as_array().unwrap().len(), 6);
    assert_eq!(flow["invoices"][0]["id"], invoice["id"]);
}

#[tokio::test]
async fn a_paused_month_is_skipped_and_a_new_quantity_bills_from_the_next_period() {
    let (app, clock) = app_on("2026-01-31").await;
    let party = app.customer().await;
    let product = hosting(&app).await;
    let subscription = subscribed(&app, &party, &product, "2026-01-31").await;
    let path = format!("{SUBSCRIPTIONS}/{}", id(&subscription));
    clock.advance(TimeDelta::days(29)); // 2026-03-01
    run(&app, "2026-02-28").await;
    let changed = app
        .patch(
            &path,
            &json!({"lines": [{"product_id": id(&product), "quantity": "2"}]}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    clock.advance(TimeDelta::days(14)); // 2026-03-15
    let paused = app.post_as(&app.admin_token, &format!("{path}/pause"), None).await;
    assert_eq!(paused.status(), StatusCode::OK);
    clock.advance(TimeDelta::days(26)); // 2026-04-10
    let resumed: Value = app
        .post_as(&app.admin_token, &format!("{path}/resume"), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(resumed["status"], "active");
    clock.advance(TimeDelta::days(82)); // 2026-07-01
    run(&app, "2026-06-30").await;
    until("every period done", || async {
        app.get_json(&path).await["next_billing_on"] == "2026-07-31"
    })
    .await;
    let orders = orders_of(&app, &party).await;
    assert_eq!(
        dates(&orders),
        ["2026-01-31", "2026-02-28", "2026-04-30", "2026-05-31", "2026-06-30"]
    );
    let quantities: Vec<&str> = orders.iter().map(|o| o.2.as_str()).collect();
    assert_eq!(quantities, ["1", "1", "2", "2", "2"]);
}

/// Two servers on one database, back after downtime: their daily jobs bill every period due since
/// activation, once, and leave a backdated subscription's earlier periods to an explicit run.
#[tokio::test]
async fn the_daily_job_of_two_servers_catches_up_once_from_activation() {
    let (app, clock) = app_on("2026-01-10").await;
    app.another_instance_with(|settings| settings.clock = clock.clone())
        .await;
    let party = app.customer().await;
    let product = hosting(&app).await;
    subscribed(&app, &party, &product, "2026-01-10").await;
    let other_party = app.customer().await;
    let backdated = subscribed(&app, &other_party, &product, "2025-11-10").await;
    clock.advance(TimeDelta::days(95)); // 2026-04-15
    let (one, other) = (app.database().await, app.database().await);
    let (first, second) = clock
        .scope(async {
            tokio::join!(
                Box::pin(app::subscriptions::billing::round(&one)),
                Box::pin(app::subscriptions::billing::round(&other))
            )
        })
        .await;
    // Neither fails: PostgreSQL locks what a round takes, SQLite makes the second wait its turn.
    first.unwrap();
    second.unwrap();
    clock.scope(app::subscriptions::billing::round(&one)).await.unwrap();
    until("four months billed", || async {
        orders_of(&app, &party).await.len() >= 4
    })
    .await;
    until("the backdated one from activation", || async {
        orders_of(&app, &other_party).await.len() >= 4
    })
    .await;
    let again = clock.scope(app::subscriptions::billing::round(&other)).await.unwrap();
    assert_eq!(again.billed, 0, "nothing is billed twice");
    assert_eq!(
        dates(&orders_of(&app, &party).await),
        ["2026-01-10", "2026-02-10", "2026-03-10", "2026-04-10"]
    );
    assert_eq!(
        dates(&orders_of(&app, &other_party).await),
        ["2026-01-10", "2026-02-10", "2026-03-10", "2026-04-10"]
    );
    let explicit = run(&app, "2026-04-15").await;
    assert_eq!(explicit["billed_count"], 2);
    let read = app.get_json(&format!("{SUBSCRIPTIONS}/{}", id(&backdated))).await;
    assert_eq!(read["next_billing_on"], "2026-05-10");
    assert_eq!(orders_of(&app, &other_party).await.len(), 6);
}

#[tokio::test]
async fn the_preview_prices_the_periods_ahead_and_writes_nothing() {
    let (app, _clock) = app_on("2026-03-01").await;
    let party = app.customer().await;
    let product = hosting(&app).await;
    let body = json!({"party_id": id(&party), "interval": "quarter", "billing": "in_arrears",
                      "start_date": "2026-01-01", "end_date": "2026-08-15",
                      "lines": [{"product_id": id(&product), "quantity": "3", "discount_percent": "10"}]});
    let draft = app.post_expect(SUBSCRIPTIONS, &body, StatusCode::CREATED).await;
    let preview = app
        .get_json(&format!("{SUBSCRIPTIONS}/{}/preview?periods=5", id(&draft)))
        .await;
    let periods = preview["periods"].as_array().unwrap();
    assert_eq!(periods.len(), 3, "the end date leaves three");
    let summary: Vec<(&str, &str, &str, bool)> = periods
        .iter()
        .map(|p| {
            (
                p["start"].as_str().unwrap(),
                p["due_on"].as_str().unwrap(),
                p["total"].as_str().unwrap(),
                p["truncated"].as_bool().unwrap(),
            )
        })
        .collect();
    // 3 × 49.00 − 10 % = 132.30 net, 19 % tax 25.14: 157.44.
    assert_eq!(
        summary,
        [
            ("2026-01-01", "2026-03-31", "157.44", false),
            ("2026-04-01", "2026-06-30", "157.44", false),
            ("2026-07-01", "2026-08-15", "157.44", true)
        ]
    );
    assert_eq!(orders_of(&app, &party).await.len(), 0);
    let problem = assert_problem(
        app.get(&format!("{SUBSCRIPTIONS}/{}/preview?periods=0", id(&draft)))
            .await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["periods"]);
}

#[tokio::test]
async fn bad_input_is_refused_and_changes_nothing() {
    let (app, _clock) = app_on("2026-03-01").await;
    let party = app.customer().await;
    let product = hosting(&app).await;
    let body = json!({"party_id": id(&party), "interval": "month", "interval_count": 0,
                      "start_date": "2026-05-01", "end_date": "2026-04-30",
                      "lines": [{"product_id": id(&product), "quantity": "1"}]});
    let problem = assert_problem(
        app.post(SUBSCRIPTIONS, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["interval_count", "end_date"]);

    // A currency its price list does not have.
    let list = app
        .post_expect(
            "/api/v1/price-lists",
            &json!({"name": "Euro prices", "currency": "EUR", "entries": [{"product_id": id(&product), "unit_price": "45.00"}]}),
            StatusCode::CREATED,
        )
        .await;
    let patched = app
        .patch(
            &format!("/api/v1/parties/{}", id(&party)),
            &json!({"price_list_id": id(&list)}),
        )
        .await;
    assert_eq!(patched.status(), StatusCode::OK);
    let body = json!({"party_id": id(&party), "interval": "month", "currency": "USD",
                      "lines": [{"product_id": id(&product), "quantity": "1", "unit_price": "50"}]});
    let problem = assert_problem(
        app.post(SUBSCRIPTIONS, &body).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["currency"]);
    assert_eq!(app.get_json(SUBSCRIPTIONS).await["items"], json!([]));

    // A run far in the future.
    let problem = assert_problem(
        app.post(RUNS, &json!({"as_of": "2999-01-01"})).await,
        StatusCode::UNPROCESSABLE_ENTITY,
        "validation_failed",
    )
    .await;
    assert_eq!(error_fields(&problem), ["as_of"]);

    // Once activated, the schedule is fixed; a cancelled subscription no longer changes.
    let subscription = subscribed(&app, &party, &product, "2026-03-01").await;
    let path = format!("{SUBSCRIPTIONS}/{}", id(&subscription));
    let moved = app.patch(&path, &json!({"interval": "year"})).await;
    let problem = assert_problem(moved, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["interval"]);
    let cancel = app
        .request(
            Method::POST,
            &format!("{path}/cancel"),
            Some(&app.admin_token),
            Some(&json!({"at": "period_end"})),
        )
        .await;
    let cancelled: Value = cancel.json().await.unwrap();
    assert_eq!(
        (&cancelled["status"], &cancelled["end_date"]),
        (&json!("cancelled"), &json!("2026-03-31"))
    );
    let late = app
        .patch(
            &path,
            &json!({"lines": [{"product_id": id(&product), "quantity": "5"}]}),
        )
        .await;
    assert_problem(late, StatusCode::CONFLICT, "document_immutable").await;
    assert_eq!(app.get_json(&path).await["version"], cancelled["version"]);
}
