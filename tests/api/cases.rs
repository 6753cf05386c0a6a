//! Support cases over HTTP: their life with the SLA clock, messages, policies and bad input.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id, spawn_app, spawn_app_with};

pub const CASES: &str = "/api/v1/cases";
pub const POLICIES: &str = "/api/v1/sla-policies";

/// Working hours 09:00–17:00 Monday to Friday in Berlin.
fn berlin_office() -> Value {
    json!({"time_zone": "Europe/Berlin", "working_days": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00",
           "holidays": ["2026-12-25"]})
}

async fn policy(app: &TestApp, priority: &str, first_response: i64, resolution: i64) -> Value {
    let body = json!({"name": format!("{priority} cases"), "priority": priority, "calendar": berlin_office(),
                      "first_response_minutes": first_response, "resolution_minutes": resolution});
    app.post_expect(POLICIES, &body, StatusCode::CREATED).await
}

async fn act(app: &TestApp, case: &Value, action: &str) -> Value {
    let path = format!("{CASES}/{}/{action}", id(case));
    let response = app.post_as(&app.admin_token, &path, None).await;
    assert_eq!(response.status(), StatusCode::OK, "{action}");
    response.json().await.unwrap()
}

/// new → open → pending → open → resolved → closed, on a server whose clock the test moves: the
/// clock runs in working time only, pauses in `pending`, and stops when resolved.
#[tokio::test]
async fn a_case_lives_through_its_states_with_its_sla_clock() {
    // Monday 2026-11-30 09:00 in Berlin.
    let clock = api::Clock::manual("2026-11-30T08:00:00Z".parse().unwrap());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    policy(&app, "high", 60, 8 * 60).await;
    let party = app.customer().await;
    let body = json!({"subject": "Invoice shows the wrong address", "party_id": id(&party), "priority": "high",
                      "channel": "email"});
    let case = app.post_expect(CASES, &body, StatusCode::CREATED).await;
    assert_eq!(case["number"], "CS-2026-000001");
    assert_eq!(case["status"], "new");
    assert_eq!(case["first_response_due_at"], "2026-11-30T09:00:00Z");
    assert_eq!(case["resolution_due_at"], "2026-11-30T16:00:00Z");
    assert_eq!(case["sla_status"], "on_track");
    assert_eq!(case["allowed_actions"], json!(["start", "cancel"]));

    // 09:30: the first public outbound message opens the case and meets the first response.
    clock.advance(chrono::TimeDelta::minutes(30));
    let message = json!({"body": "We are on it.", "visibility": "public", "direction": "outbound"});
    let path = format!("{CASES}/{}/messages", id(&case));
    app.post_expect(&path, &message, StatusCode::CREATED).await;
    let open = app.get_json(&format!("{CASES}/{}", id(&case))).await;
    assert_eq!(open["status"], "open");
    assert_eq!(open["first_response_at"], "2026-11-30T08:30:00Z");

    // 11:00 → waiting on the customer until Tuesday 09:00: 2 h of 8 used, the clock paused.
    clock.advance(chrono::TimeDelta::minutes(90));
    let pending = act(&app, &case, "wait").await;
    assert_eq!(pending["sla_status"], "paused");
    assert_eq!(pending["resolution_due_at"], Value::Null);
    clock.advance(chrono::TimeDelta::hours(22));
    let resumed = act(&app, &case, "resume").await;
    assert_eq!(resumed["status"], "open");
    assert_eq!(
        resumed["resolution_due_at"], "2026-12-01T14:00:00Z",
        "6 h left from 09:00"
    );

    clock.advance(chrono::TimeDelta::hours(1));
    let resolved = act(&app, &case, "resolve").await;
    assert_eq!(resolved["sla_status"], "met");
    assert_eq!(resolved["allowed_actions"], json!(["close", "reopen"]));
    let closed = act(&app, &case, "close").await;
    assert_eq!(closed["status"], "closed");

    let sla = app.get_json(&format!("{CASES}/{}/sla", id(&case))).await;
    let resolution = &sla["targets"][1];
    assert_eq!(resolution["target"], "resolution");
    assert_eq!(resolution["used_minutes"], 3 * 60);
    let states: Vec<&str> = resolution["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["running", "paused", "running"]);
}

#[tokio::test]
async fn a_missed_target_is_raised_once_even_by_two_servers() {
    let clock = api::Clock::manual("2026-11-30T08:00:00Z".parse().unwrap());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    policy(&app, "normal", 30, 600).await;
    let party = app.customer().await;
    let case = app
        .post_expect(
            CASES,
            &json!({"subject": "Down", "party_id": id(&party)}),
            StatusCode::CREATED,
        )
        .await;
    clock.advance(chrono::TimeDelta::hours(2));
    let db = app.database().await;
    let (first, second) = clock
        .scope(async {
            tokio::join!(
                Box::pin(app::case_clock::round(&db)),
                Box::pin(app::case_clock::round(&db))
            )
        })
        .await;
    let raised = first.unwrap().alerts_raised + second.unwrap().alerts_raised;
    let again = clock.scope(app::case_clock::round(&db)).await.unwrap();
    let events = app.get_json("/api/v1/events?limit=200").await;
    let types: Vec<&str> = events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource_id"] == case["id"])
        .map(|e| e["type"].as_str().unwrap())
        .filter(|t| t.contains("sla"))
        .collect();
    // The background job of the server may have raised them first: once in all, whoever did.
    assert_eq!(types, ["case.sla_at_risk", "case.sla_breached"]);
    assert!(raised <= 2 && again.alerts_raised == 0);
    let shown = app.get_json(&format!("{CASES}/{}", id(&case))).await;
    assert_eq!(shown["sla_status"], "breached");
    let listed = app.get_json(&format!("{CASES}?breached=true")).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn cases_of_a_team_are_spread_evenly_when_created_at_once() {
    let app = spawn_app().await;
    let team = app
        .post_expect("/api/v1/teams", &json!({"name": "Service"}), StatusCode::CREATED)
        .await;
    for n in 0..4 {
        let body = json!({"email": format!("agent{n}@example.com"), "name": format!("Agent {n}"),
                          "password": "a long enough password", "role": "support", "team_id": id(&team)});
        app.post_expect("/api/v1/users", &body, StatusCode::CREATED).await;
    }
    let party = app.customer().await;
    let creates = (0..20).map(|n| {
        let body = json!({"subject": format!("Case {n}"), "party_id": id(&party), "team_id": id(&team)});
        let app = &app;
        async move { app.post_expect(CASES, &body, StatusCode::CREATED).await }
    });
    let cases = futures::future::join_all(creates).await;
    let mut load = std::collections::HashMap::<String, usize>::new();
    for case in &cases {
        *load
            .entry(case["assignee_id"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert_eq!(load.len(), 4);
    assert!(load.values().all(|n| *n == 5), "{load:?}");
}

#[tokio::test]
async fn bad_policies_and_cases_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let mut calendar = berlin_office();
    calendar["time_zone"] = json!("Mars/Olympus");
    calendar["end"] = json!("08:00");
    let body = json!({"name": "x", "priority": "low", "calendar": calendar,
                      "first_response_minutes": 0, "resolution_minutes": 60});
    let response = app.post(POLICIES, &body).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = response.json().await.unwrap();
    let fields: Vec<&str> = problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["first_response_minutes", "calendar.time_zone", "calendar.end"]);
    assert_eq!(app.get_json(POLICIES).await["items"], json!([]));

    policy(&app, "low", 60, 600).await;
    let duplicate = app
        .post(
            POLICIES,
            &json!({"name": "again", "priority": "low", "calendar": berlin_office(),
                                "first_response_minutes": 5, "resolution_minutes": 50}),
        )
        .await;
    assert_eq!(duplicate.status(), StatusCode::CONFLICT);

    let unknown_party = json!({"subject": "x", "party_id": uuid::Uuid::now_v7()});
    assert_eq!(
        app.post(CASES, &unknown_party).await.status(),
        StatusCode::UNPROCESSABLE_ENTITY
    );
    assert_eq!(app.get_json(CASES).await["items"], json!([]));
}
