//! Sales targets and the sales-performance report over HTTP: targets per user and team measured
//! from the records (hand-computed), validation, who may set and see them, and rows whose
//! drill-downs list the records behind their figures.

use domain::access::Role;
use reqwest::{Method, StatusCode};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, id};
use crate::reports::{credit_one_unit, dec, get_as, invoice, party_of};

const TARGETS: &str = "/api/v1/sales-targets";
const PERFORMANCE: &str = "/api/v1/reports/sales-performance";
const OPPORTUNITIES: &str = "/api/v1/opportunities";
const ACTIVITIES: &str = "/api/v1/activities";

/// Two teams: Ada (North) and Bob (South), sales users, with their customers, deals and
/// activities from 2 March 2026 09:00 on.
struct Team {
    north: String,
    ada: (String, String),
    bob: (String, String),
}

async fn sales_year(app: &TestApp, clock: &api::Clock) -> Team {
    let (north, south) = (app.create_team("North").await, app.create_team("South").await);
    let ada = app.user_with_role(Role::Sales, Some(&north)).await;
    let bob = app.user_with_role(Role::Sales, Some(&south)).await;

    let (old, new) = (
        party_of(app, "Ada's old customer", &ada.0).await,
        party_of(app, "Ada's new customer", &ada.0).await,
    );
    let bobs = party_of(app, "Bob's customer", &bob.0).await;

    // Deals, created on 2 March.
    let stages: std::collections::HashMap<String, String> =
        app.get_json("/api/v1/pipeline-stages?limit=200").await["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["name"].as_str().unwrap().to_owned(), id(s).to_owned()))
            .collect();
    let deal = |party: &Value, owner: &str, amount: Option<(&str, &str)>| {
        let mut body = json!({"title": "Deal", "party_id": id(party), "owner_id": owner,
                              "stage_id": stages["Qualification"], "probability": "10"});
        if let Some((amount, currency)) = amount {
            body["amount"] = json!(amount);
            body["currency"] = json!(currency);
        }
        body
    };
    let mut deals = Vec::new();
    for body in [
        deal(&old, &ada.0, Some(("1000.00", "EUR"))),
        deal(&old, &ada.0, None),
        deal(&old, &ada.0, Some(("200.00", "EUR"))),
        deal(&bobs, &bob.0, Some(("300.00", "EUR"))),
        deal(&bobs, &bob.0, Some(("500.00", "USD"))),
        deal(&bobs, &bob.0, Some(("50.00", "EUR"))),
    ] {
        deals.push(app.post_expect(OPPORTUNITIES, &body, StatusCode::CREATED).await);
    }
    let move_to = |n: usize, stage: &str| {
        let path = format!("{OPPORTUNITIES}/{}", id(&deals[n]));
        let mut body = json!({"stage_id": stages[stage]});
        if stage == "Lost" {
            body["lost_reason"] = json!("Budget");
        }
        async move {
            let response = app.patch(&path, &body).await;
            let status = response.status();
            assert_eq!(status, StatusCode::OK, "{body}: {}", response.text().await.unwrap());
        }
    };

    // 3 March: Ada completes two activities, and one stays open.
    clock.advance(chrono::TimeDelta::days(1));
    for (subject, complete) in [("Call", true), ("Visit", true), ("Later", false)] {
        let body = json!({"kind": "task", "subject": subject, "party_id": id(&old), "assignee_id": ada.0});
        let task = app.post_expect(ACTIVITIES, &body, StatusCode::CREATED).await;
        if complete {
            let done = app
                .post_as(
                    &app.admin_token,
                    &format!("{ACTIVITIES}/{}/complete", id(&task)),
                    Some(&json!({"outcome": "confirmed"})),
                )
                .await;
            let status = done.status();
            assert_eq!(status, StatusCode::OK, "{}", done.text().await.unwrap());
        }
    }
    // 5 March: Ada wins two deals (3 days each) and loses one, which she reopens on 10 March.
    clock.advance(chrono::TimeDelta::days(2));
    move_to(0, "Won").await;
    move_to(1, "Won").await;
    move_to(2, "Lost").await;
    clock.advance(chrono::TimeDelta::days(5));
    move_to(2, "Negotiation").await;
    // 12 March: Bob wins in EUR and USD (10 days each) and loses one; completes an activity.
    clock.advance(chrono::TimeDelta::days(2));
    move_to(3, "Won").await;
    move_to(4, "Won").await;
    move_to(5, "Lost").await;
    let body = json!({"kind": "task", "subject": "Call", "party_id": id(&bobs), "assignee_id": bob.0});
    let task = app.post_expect(ACTIVITIES, &body, StatusCode::CREATED).await;
    let done = app
        .post_as(
            &app.admin_token,
            &format!("{ACTIVITIES}/{}/complete", id(&task)),
            Some(&json!({"outcome": "confirmed"})),
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);

    // 1 April: the quarter's invoices, in the order of their dates (as their numbers are).
    clock.advance(chrono::TimeDelta::days(20));
    // Ada's old customer Ada's old customer first bought in 2025; her new one and Bob's in Q1 2026.
    invoice(app, &old, "EUR", "2025-12-31", "1", "1000.00").await;
    let january = invoice(app, &old, "EUR", "2026-01-10", "2", "50.00").await; // 100.00
    invoice(app, &bobs, "EUR", "2026-02-01", "1", "40.00").await;
    invoice(app, &old, "EUR", "2026-02-20", "3", "83.50").await; // 250.50
    credit_one_unit(app, &january, "2026-03-05").await; // -50.00
    invoice(app, &old, "USD", "2026-03-15", "7", "10.00").await; // another currency
    invoice(app, &new, "EUR", "2026-03-20", "1", "10.00").await; // 10.00, a new customer

    Team { north, ada, bob }
}

async fn target(app: &TestApp, body: Value) -> Value {
    app.post_expect(TARGETS, &body, StatusCode::CREATED).await
}

/// `(actual, percent)` of a target as answered.
fn achieved(target: &Value) -> (Value, Value) {
    (
        target["achievement"]["actual"].clone(),
        target["achievement"]["percent"].clone(),
    )
}

#[tokio::test]
async fn targets_are_measured_from_the_records_of_their_user_or_team() {
    let clock = api::Clock::manual("2026-03-02T09:00:00Z".parse().unwrap());
    let app = crate::helpers::spawn_app_with(|settings| settings.clock = clock.clone()).await;
    let team = sales_year(&app, &clock).await;

    // 100.00 + 250.50 - 50.00 + 10.00 (the USD invoice and the 2025 one are not counted).
    let invoiced = target(
        &app,
        json!({"user_id": team.ada.0, "period": "quarter", "period_start": "2026-01-01",
                                       "metric": "invoiced_net", "target": "1000", "currency": "EUR"}),
    )
    .await;
    assert_eq!(invoiced["target"], "1000.00");
    assert_eq!(invoiced["period_end"], "2026-03-31");
    assert_eq!(achieved(&invoiced), (json!("310.50"), json!("31.05")));
    // Ada's new customer; her old one first bought in 2025.
    let customers = target(
        &app,
        json!({"team_id": team.north, "period": "quarter", "period_start": "2026-01-01",
                                        "metric": "new_customers", "target": "4"}),
    )
    .await;
    assert_eq!(achieved(&customers), (json!("1"), json!("25.00")));
    // Bob's EUR win; not his USD one, nor the lost deal.
    let won = target(
        &app,
        json!({"user_id": team.bob.0, "period": "year", "period_start": "2026-01-01",
                                  "metric": "won_amount", "target": "500.00", "currency": "EUR"}),
    )
    .await;
    assert_eq!(achieved(&won), (json!("300.00"), json!("60.00")));
    let activities = target(
        &app,
        json!({"user_id": team.ada.0, "period": "month", "period_start": "2026-03-01",
                                         "metric": "completed_activities", "target": "3"}),
    )
    .await;
    assert_eq!(achieved(&activities), (json!("2"), json!("66.67")));
    // Nothing in February; a target of 0 has no percent.
    let february = target(
        &app,
        json!({"user_id": team.ada.0, "period": "month", "period_start": "2026-02-01",
                                       "metric": "completed_activities", "target": "0"}),
    )
    .await;
    assert_eq!(achieved(&february), (json!("0"), Value::Null));

    // A change of the goal is measured again; the achievement is never stored.
    let path = format!("{TARGETS}/{}", id(&invoiced));
    let raised = app.patch(&path, &json!({"target": "2070.00"})).await;
    assert_eq!(raised.status(), StatusCode::OK);
    let raised: Value = raised.json().await.unwrap();
    assert_eq!(
        (raised["version"].clone(), achieved(&raised)),
        (json!(2), (json!("310.50"), json!("15.00")))
    );
    invoice(
        &app,
        &party_of(&app, "Late buyer", &team.ada.0).await,
        "EUR",
        "2026-03-31",
        "1",
        "103.50",
    )
    .await;
    let read = app.get_json(&path).await;
    assert_eq!(achieved(&read), (json!("414.00"), json!("20.00")));

    // Each role sees the targets of what it sees: Ada hers and her team's, not Bob's.
    let listed = |token: String| {
        let app = &app;
        async move {
            let page = get_as(app, &token, &format!("{TARGETS}?limit=200")).await;
            let mut ids: Vec<String> = page["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| id(t).to_owned())
                .collect();
            ids.sort();
            ids
        }
    };
    let mut hers = vec![
        id(&invoiced).to_owned(),
        id(&customers).to_owned(),
        id(&activities).to_owned(),
        id(&february).to_owned(),
    ];
    hers.sort();
    assert_eq!(listed(team.ada.1.clone()).await, hers);
    assert_eq!(listed(team.bob.1.clone()).await, vec![id(&won).to_owned()]);
    assert_eq!(listed(app.admin_token.clone()).await.len(), 5);
    let of_bob = app
        .request(Method::GET, &format!("{TARGETS}/{}", id(&won)), Some(&team.ada.1), None)
        .await;
    assert_problem(of_bob, StatusCode::NOT_FOUND, "not_found").await;
    let filtered = app
        .get_json(&format!("{TARGETS}?metric=completed_activities&period_from=2026-03-01"))
        .await;
    assert_eq!(filtered["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn a_target_is_checked_and_set_by_managers_only() {
    let app = crate::helpers::spawn_app().await;
    let team = app.create_team("North").await;
    let (ada, ada_token) = app.user_with_role(Role::Sales, Some(&team)).await;
    let body = json!({"user_id": ada, "period": "month", "period_start": "2026-03-01",
                      "metric": "won_amount", "target": "100.00", "currency": "EUR"});

    let by_sales = app.post_as(&ada_token, TARGETS, Some(&body)).await;
    assert_problem(by_sales, StatusCode::FORBIDDEN, "forbidden").await;
    let manager = app.login_as(Role::Manager).await;
    let created = app.post_as(&manager, TARGETS, Some(&body)).await;
    let status = created.status();
    let created: Value = created.json().await.unwrap();
    assert_eq!(status, StatusCode::CREATED, "{created}");
    let again = app.post(TARGETS, &body).await;
    assert_problem(again, StatusCode::CONFLICT, "duplicate").await;
    let mut in_dollars = body.clone();
    in_dollars["currency"] = json!("USD");
    app.post_expect(TARGETS, &in_dollars, StatusCode::CREATED).await;

    for (change, field) in [
        (json!({"period_start": "2026-03-02"}), "period_start"),
        (
            json!({"period": "quarter", "period_start": "2026-02-01"}),
            "period_start",
        ),
        (json!({"currency": null}), "currency"),
        (json!({"target": "10.001"}), "target"),
        (json!({"target": "-1"}), "target"),
        (json!({"metric": "new_customers"}), "currency"),
        (json!({"user_id": null}), "user_id"),
        (json!({"team_id": team}), "team_id"),
        (json!({"user_id": uuid::Uuid::now_v7()}), "user_id"),
        (json!({"period_start": "+10000-01-01"}), "period_start"),
    ] {
        let mut wrong = body.clone();
        for (key, value) in change.as_object().unwrap() {
            wrong[key] = value.clone();
        }
        let response = app.post(TARGETS, &wrong).await;
        let status = response.status();
        let problem: Value = response.json().await.unwrap();
        assert!(
            matches!(status, StatusCode::UNPROCESSABLE_ENTITY | StatusCode::BAD_REQUEST),
            "{wrong}: {status}"
        );
        if status == StatusCode::UNPROCESSABLE_ENTITY {
            assert_eq!(error_fields(&problem), [field], "{wrong}");
        }
    }
    let count = json!({"team_id": team, "period": "year", "period_start": "2026-01-01",
                       "metric": "new_customers", "target": "2.5"});
    let problem = app.post(TARGETS, &count).await;
    assert_eq!(problem.status(), StatusCode::UNPROCESSABLE_ENTITY);

    // A change cannot make it a duplicate, nor move it to someone else; a deletion keeps history.
    let path = format!("{TARGETS}/{}", id(&created));
    let duplicate = app.patch(&path, &json!({"currency": "USD"})).await;
    assert_problem(duplicate, StatusCode::CONFLICT, "duplicate").await;
    let moved = app.patch(&path, &json!({"user_id": uuid::Uuid::now_v7()})).await;
    assert_eq!(
        moved.status(),
        StatusCode::BAD_REQUEST,
        "user_id is not a field of a change"
    );
    let deleted = app.request(Method::DELETE, &path, Some(&app.admin_token), None).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(app.get(&path).await.status(), StatusCode::NOT_FOUND);
    let history = app.get_json(&format!("{path}/history")).await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, ["created", "deleted"]);
}

/// `(group key, won, lost, win_rate, average_days_to_win, completed_activities, won amounts)`.
type PerformanceRow = (String, u64, u64, Value, Value, u64, Vec<String>);

fn performance_rows(report: &Value) -> Vec<PerformanceRow> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let count = |field: &str| row[field].as_u64().unwrap();
            let amounts = row["won_amounts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| {
                    format!(
                        "{} {} {}",
                        w["currency"].as_str().unwrap(),
                        w["won"],
                        w["amount"].as_str().unwrap()
                    )
                })
                .collect();
            (
                row["group"]["key"].as_str().unwrap().to_owned(),
                count("won"),
                count("lost"),
                row["win_rate"].clone(),
                row["average_days_to_win"].clone(),
                count("completed_activities"),
                amounts,
            )
        })
        .collect()
}

/// Every row's drill-downs list its closed deals, its won amounts per currency and its
/// completed activities.
async fn assert_performance_adds_up(app: &TestApp, token: &str, report: &Value) {
    let list = |href: &str| {
        let path = format!("{href}&limit=200");
        async move {
            let page = get_as(app, token, &path).await;
            assert!(page["next_cursor"].is_null());
            page["items"].as_array().unwrap().clone()
        }
    };
    for row in report["rows"].as_array().unwrap() {
        let deals = list(row["drill_down"]["href"].as_str().unwrap()).await;
        let won = deals.iter().filter(|d| d["status"] == "won").count() as u64;
        assert_eq!(
            (won, deals.len() as u64 - won),
            (row["won"].as_u64().unwrap(), row["lost"].as_u64().unwrap())
        );
        for amount in row["won_amounts"].as_array().unwrap() {
            let deals = list(amount["drill_down"]["href"].as_str().unwrap()).await;
            let sum: Decimal = deals.iter().map(|d| dec(&d["amount"])).sum();
            assert_eq!(
                (deals.len() as u64, sum),
                (amount["won"].as_u64().unwrap(), dec(&amount["amount"]))
            );
        }
        let activities = list(row["activities_drill_down"]["href"].as_str().unwrap()).await;
        assert_eq!(activities.len() as u64, row["completed_activities"].as_u64().unwrap());
    }
}

#[tokio::test]
async fn sales_performance_by_owner_and_team_with_targets() {
    let clock = api::Clock::manual("2026-03-02T09:00:00Z".parse().unwrap());
    let app = crate::helpers::spawn_app_with(|settings| settings.clock = clock.clone()).await;
    let team = sales_year(&app, &clock).await;
    let ada_target = target(
        &app,
        json!({"user_id": team.ada.0, "period": "quarter", "period_start": "2026-01-01",
                                         "metric": "won_amount", "target": "4000.00", "currency": "EUR"}),
    )
    .await;
    target(
        &app,
        json!({"team_id": team.north, "period": "year", "period_start": "2026-01-01",
                        "metric": "completed_activities", "target": "8"}),
    )
    .await;
    // Outside the window: not shown.
    target(
        &app,
        json!({"user_id": team.ada.0, "period": "month", "period_start": "2026-04-01",
                        "metric": "completed_activities", "target": "8"}),
    )
    .await;

    let path = format!("{PERFORMANCE}?from=2026-01-01&to=2026-03-31");
    let report = app.get_json(&path).await;
    assert_eq!(report["group_by"], "owner");
    let mut expected = vec![
        (
            team.ada.0.clone(),
            2,
            0,
            json!("100.00"),
            json!("3.0"),
            2,
            vec!["EUR 1 1000.00".to_owned()],
        ),
        (
            team.bob.0.clone(),
            2,
            1,
            json!("66.67"),
            json!("10.0"),
            1,
            vec!["EUR 1 300.00".to_owned(), "USD 1 500.00".to_owned()],
        ),
    ];
    expected.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(performance_rows(&report), expected);
    assert_eq!(
        report["currency_totals"],
        json!([{"currency": "EUR", "won": 2, "amount": "1300.00"}, {"currency": "USD", "won": 1, "amount": "500.00"}])
    );
    let ada_row = report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"]["key"] == team.ada.0.as_str())
        .unwrap();
    assert_eq!(ada_row["targets"].as_array().unwrap().len(), 1);
    assert_eq!(ada_row["targets"][0]["id"], ada_target["id"]);
    assert_eq!(achieved(&ada_row["targets"][0]), (json!("1000.00"), json!("25.00")));
    assert_performance_adds_up(&app, &app.admin_token, &report).await;

    let by_team = app.get_json(&format!("{path}&group_by=team")).await;
    let north = by_team["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["group"]["key"] == team.north.as_str())
        .unwrap();
    assert_eq!(
        (north["group"]["label"].clone(), north["won"].clone()),
        (json!("North"), json!(2))
    );
    assert_eq!(achieved(&north["targets"][0]), (json!("2"), json!("25.00")));
    assert_eq!(by_team["rows"].as_array().unwrap().len(), 2);
    assert_performance_adds_up(&app, &app.admin_token, &by_team).await;

    // Ada sees her own figures only; the same with a filter on her.
    let hers = get_as(&app, &team.ada.1, &path).await;
    let ada_only: Vec<_> = expected.iter().filter(|r| r.0 == team.ada.0).cloned().collect();
    assert_eq!(performance_rows(&hers), ada_only);
    assert_eq!(
        hers["currency_totals"],
        json!([{"currency": "EUR", "won": 1, "amount": "1000.00"}])
    );
    assert_performance_adds_up(&app, &team.ada.1, &hers).await;
    let filtered = app.get_json(&format!("{path}&owner_id={}", team.bob.0)).await;
    assert_eq!(filtered["rows"].as_array().unwrap().len(), 1);
    assert_eq!(filtered["rows"][0]["group"]["key"], team.bob.0.as_str());

    let csv = app
        .client
        .get(app.url(&path))
        .bearer_auth(&app.admin_token)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(csv.status(), StatusCode::OK);
    let text = csv.text().await.unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("group,label,won,lost,win_rate,average_days_to_win,completed_activities,won_amounts,targets,drill_down")
    );
    assert!(text.contains("EUR 300.00; USD 500.00"), "{text}");

    let bad = app.get(&format!("{PERFORMANCE}?group_by=stage")).await;
    assert_problem(bad, StatusCode::BAD_REQUEST, "invalid_query").await;
}
