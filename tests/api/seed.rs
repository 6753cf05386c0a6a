//! `crm-server seed`: the smoke profile is a consistent business that the API serves like any
//! other data, the same on every run, and new documents and cases continue its numbers.

use app::seed::{self, Profile};
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id, item_ids, spawn_app};

const SEED_ADMIN: &str = "admin@seed.example";
const SEED_PASSWORD: &str = "seed password";

async fn seeded() -> TestApp {
    let app = spawn_app().await;
    seed::run(&app.database().await, &Profile::SMOKE)
        .await
        .expect("the smoke profile seeds");
    app
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.request(reqwest::Method::GET, path, Some(token), None).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

#[tokio::test]
async fn an_accepted_offer_leads_to_an_order_invoiced_in_four_issued_invoices() {
    let app = seeded().await;
    let admin = app.login(SEED_ADMIN, SEED_PASSWORD).await;
    let accepted = get(&app, &admin, "/api/v1/offers?status=accepted&limit=200").await;
    assert_eq!(
        accepted["items"].as_array().unwrap().len(),
        50,
        "half the offers were accepted"
    );
    let offer = &accepted["items"][0];
    let flow = get(&app, &admin, &format!("/api/v1/offers/{}/flow", id(offer))).await;
    assert_eq!(flow["opportunities"][0]["status"], "won");
    assert_eq!(flow["sales_orders"].as_array().unwrap().len(), 1);
    assert_eq!(flow["sales_orders"][0]["invoicing_status"], "fully_invoiced");
    assert_eq!(flow["invoice_orders"].as_array().unwrap().len(), 4);
    assert!(
        flow["invoice_orders"]
            .as_array()
            .unwrap()
            .iter()
            .all(|o| o["status"] == "invoiced")
    );
    let invoices = flow["invoices"].as_array().unwrap();
    assert_eq!(invoices.len(), 4);
    for line in flow["lines"].as_array().unwrap() {
        assert_eq!(line["offered"], line["invoiced"], "every line invoiced in full: {line}");
        assert_eq!(line["remaining"], "0", "{line}");
    }
    // Each invoice adds up, and what was paid is what it says.
    for summary in invoices {
        let invoice = get(&app, &admin, &format!("/api/v1/invoices/{}", id(summary))).await;
        assert!(invoice["number"].as_str().unwrap().starts_with("INV-"), "{invoice}");
        let total: f64 = invoice["total"].as_str().unwrap().parse().unwrap();
        let paid: f64 = invoice["paid_amount"].as_str().unwrap().parse().unwrap();
        let expected = match invoice["status"].as_str().unwrap() {
            "paid" => total,
            "partially_paid" => paid.max(0.01),
            "issued" => 0.0,
            other => panic!("a seeded invoice is issued or paid, not {other}"),
        };
        assert!((paid - expected).abs() < 0.005, "{invoice}");
    }
    // The history says what happened to the offer, in order.
    let history = get(&app, &admin, &format!("/api/v1/offers/{}/history", id(offer))).await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["created", "updated", "updated"], "{history}");
}

#[tokio::test]
async fn a_sales_user_sees_the_business_of_their_team_only() {
    let app = seeded().await;
    let admin = app.login(SEED_ADMIN, SEED_PASSWORD).await;
    let sales = app.login("sales1@seed.example", SEED_PASSWORD).await;
    let users = get(&app, &admin, "/api/v1/users?limit=200").await;
    let team_of = |user_id: &Value| {
        users["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| &u["id"] == user_id)
            .map(|u| u["team_id"].clone())
            .unwrap()
    };
    let me = users["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["email"] == "sales1@seed.example")
        .unwrap();
    let seen = get(&app, &sales, "/api/v1/parties?limit=200").await;
    let owners: Vec<Value> = seen["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["owner_id"].clone())
        .collect();
    assert_eq!(owners.len(), 200, "a full page");
    assert!(
        owners.iter().all(|owner| team_of(owner) == me["team_id"]),
        "only the team's parties"
    );
    let all = get(&app, &admin, "/api/v1/parties?limit=200").await;
    assert!(
        all["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|p| team_of(&p["owner_id"]) != me["team_id"]),
        "the admin sees the other team's parties too"
    );
}

#[tokio::test]
async fn the_feed_holds_every_seeded_change_and_new_documents_continue_the_numbers() {
    let app = seeded().await;
    let admin = app.login(SEED_ADMIN, SEED_PASSWORD).await;
    let page = get(&app, &admin, "/api/v1/events?limit=200").await;
    let types: Vec<&str> = page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["type"].as_str().unwrap())
        .collect();
    assert!(
        types.contains(&"team.created") && types.contains(&"user.created"),
        "{types:?}"
    );
    // Every seeded organization can be invoiced again: the next offer takes the next number.
    let party = &get(&app, &admin, "/api/v1/parties?kind=organization&limit=1").await["items"][0];
    let offer = app
        .post_as(
            &admin,
            "/api/v1/offers",
            Some(&json!({"party_id": id(party), "lines": [{"description": "Extra", "quantity": "1", "unit_price": "10.00", "tax_rate": "19"}]})),
        )
        .await;
    assert_eq!(offer.status(), StatusCode::CREATED);
    let offer: Value = offer.json().await.unwrap();
    let year = chrono::Utc::now().format("%Y").to_string();
    let seeded_this_year = if year == "2026" { 44 } else { 0 };
    assert_eq!(offer["number"], format!("OF-{year}-{:06}", seeded_this_year + 1));
}

#[tokio::test]
async fn the_same_profile_gives_the_same_records_and_a_second_seed_is_refused() {
    let (first, second) = (seeded().await, seeded().await);
    let path = "/api/v1/parties?limit=200&sort=name";
    let a = get(&first, &first.login(SEED_ADMIN, SEED_PASSWORD).await, path).await;
    let b = get(&second, &second.login(SEED_ADMIN, SEED_PASSWORD).await, path).await;
    assert_eq!(item_ids(&a), item_ids(&b));
    assert_eq!(a["items"], b["items"]);
    let again = seed::run(&first.database().await, &Profile::SMOKE).await;
    assert!(again.unwrap_err().to_string().contains("already holds parties"));
    let after = get(&first, &first.admin_token, path).await;
    assert_eq!(a["items"], after["items"], "nothing changed");
}

#[tokio::test]
async fn cases_are_answered_and_resolved_under_their_sla_and_new_ones_continue_the_numbers() {
    let app = spawn_app().await;
    let summary = seed::run(&app.database().await, &Profile::SMOKE)
        .await
        .expect("the smoke profile seeds");
    let count = |kind: &str| summary.counts.iter().find(|(k, _)| *k == kind).map(|(_, n)| *n);
    assert_eq!(count("cases"), Some(Profile::SMOKE.cases));
    let subjects = Profile::SMOKE.sales_users + Profile::SMOKE.teams;
    assert_eq!(count("sales targets"), Some(subjects * 12), "a month of 2026 each");
    let admin = app.login(SEED_ADMIN, SEED_PASSWORD).await;
    let report = get(
        &app,
        &admin,
        "/api/v1/reports/cases?from=2025-01-01&to=2026-11-30&group_by=month",
    )
    .await;
    let rows = report["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 23, "every month of the seeded business: {report}");
    for row in rows {
        assert!(row["opened"].as_u64().unwrap() > 0, "{row}");
        for figure in ["first_response_minutes", "resolution_minutes"] {
            assert!(row[figure]["median"].as_i64().unwrap() > 0, "{figure}: {row}");
            assert!(row[figure]["p90"].as_i64().unwrap() > 0, "{figure}: {row}");
        }
    }
    let totals = &report["totals"];
    assert_eq!(totals["opened"], json!(Profile::SMOKE.cases));
    let met: f64 = totals["sla_met_percent"].as_str().unwrap().parse().unwrap();
    assert!((50.0..100.0).contains(&met), "most, not all, met their SLA: {totals}");
    assert!(totals["backlog"].as_u64().unwrap() > 0, "a few left open: {totals}");
    for status in ["closed", "resolved", "open", "pending", "cancelled"] {
        let page = get(&app, &admin, &format!("/api/v1/cases?status={status}&limit=1")).await;
        assert_eq!(page["items"].as_array().unwrap().len(), 1, "a {status} case");
    }
    let breached = get(&app, &admin, "/api/v1/cases?breached=true&limit=1").await;
    assert_eq!(breached["items"][0]["sla_status"], "breached", "{breached}");
    let targets = get(
        &app,
        &admin,
        "/api/v1/sales-targets?period_from=2026-03-01&period_to=2026-03-01&limit=200",
    )
    .await;
    assert_eq!(
        targets["items"].as_array().unwrap().len(),
        usize::try_from(subjects).unwrap()
    );
    // A case opened now takes the number after the seeded ones of this year.
    let year = chrono::Utc::now().format("%Y").to_string();
    let seeded = get(
        &app,
        &admin,
        &format!("/api/v1/cases?created_from={year}-01-01&limit=200"),
    )
    .await;
    assert!(seeded["next_cursor"].is_null());
    let seeded_this_year = seeded["items"].as_array().unwrap().len();
    let party = &get(&app, &admin, "/api/v1/parties?kind=organization&limit=1").await["items"][0];
    let case = app
        .post_as(
            &admin,
            "/api/v1/cases",
            Some(&json!({"subject": "After the seed", "party_id": id(party)})),
        )
        .await;
    assert_eq!(case.status(), StatusCode::CREATED);
    let case: Value = case.json().await.unwrap();
    assert_eq!(case["number"], format!("CS-{year}-{:06}", seeded_this_year + 1));
}
