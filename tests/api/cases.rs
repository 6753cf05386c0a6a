//! Support cases over HTTP: their life with the SLA clock, messages, policies and bad input.

use domain::access::Role;
use reqwest::{Method, StatusCode};
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, id, spawn_app, spawn_app_with, until};

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

/// The SLA alerts of the case `case_id` in the change feed, in its order.
async fn sla_events(app: &TestApp, case_id: &Value) -> Vec<String> {
    let events = app.get_json("/api/v1/events?limit=200").await;
    events["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["resource_id"] == *case_id)
        .map(|e| e["type"].as_str().unwrap().to_owned())
        .filter(|t| t.contains("sla"))
        .collect()
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
    assert_eq!(case["allowed_actions"], json!(["start", "cancel", "update"]));

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
    assert_eq!(resolved["allowed_actions"], json!(["close", "reopen", "update"]));
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

/// Two servers on one database, back after three days down: each of three cases gets its two
/// alerts, once, whichever server's round raised them (both run their job on their own, and here
/// two rounds also run at once on two connections).
#[tokio::test]
async fn missed_targets_are_raised_once_by_two_servers_after_downtime() {
    let clock = api::Clock::manual("2026-11-30T08:00:00Z".parse().unwrap());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    app.another_instance_with(|settings| settings.clock = clock.clone())
        .await;
    policy(&app, "normal", 30, 600).await;
    let party = app.customer().await;
    let mut cases = Vec::new();
    for n in 0..3 {
        let body = json!({"subject": format!("Down {n}"), "party_id": id(&party)});
        cases.push(app.post_expect(CASES, &body, StatusCode::CREATED).await);
    }
    clock.advance(chrono::TimeDelta::days(3));
    let (one, other) = (app.database().await, app.database().await);
    let (first, second) = clock
        .scope(async {
            tokio::join!(
                Box::pin(app::case_clock::round(&one)),
                Box::pin(app::case_clock::round(&other))
            )
        })
        .await;
    // Neither fails: PostgreSQL locks what a round takes, SQLite makes the second wait its turn.
    first.unwrap();
    second.unwrap();
    for case in &cases {
        until("every alert raised", || async {
            sla_events(&app, &case["id"]).await.len() >= 4
        })
        .await;
    }
    let again = clock.scope(app::case_clock::round(&other)).await.unwrap();
    assert_eq!(again.alerts_raised, 0, "nothing is raised twice");
    for case in &cases {
        // Three working days passed: both targets went at risk and were missed, in that order.
        let expected = [
            "case.sla_at_risk",
            "case.sla_breached",
            "case.sla_at_risk",
            "case.sla_breached",
        ];
        assert_eq!(sla_events(&app, &case["id"]).await, expected);
        let shown = app.get_json(&format!("{CASES}/{}", id(case))).await;
        assert_eq!(shown["sla_status"], "breached");
    }
    let listed = app.get_json(&format!("{CASES}?breached=true")).await;
    assert_eq!(listed["items"].as_array().unwrap().len(), 3);
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

#[tokio::test]
async fn a_sales_user_sees_the_cases_of_their_customers_only_and_support_sees_all() {
    let app = spawn_app().await;
    let north = app.create_team("North").await;
    let south = app.create_team("South").await;
    let (alice_id, alice) = app.user_with_role(Role::Sales, Some(&north)).await;
    let (_, carol) = app.user_with_role(Role::Sales, Some(&south)).await;
    let support = app.login_as(Role::Support).await;
    let party = app
        .post_party(&json!({"kind": "organization", "name": "Northwind", "owner_id": alice_id}))
        .await;
    let response = app
        .post_as(
            &alice,
            CASES,
            Some(&json!({"subject": "Broken", "party_id": id(&party)})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let case: Value = response.json().await.unwrap();

    for path in [
        format!("{CASES}/{}", id(&case)),
        format!("{CASES}/{}/messages", id(&case)),
        format!("{CASES}/{}/history", id(&case)),
        format!("/api/v1/parties/{}/cases", id(&party)),
    ] {
        let theirs = app.request(Method::GET, &path, Some(&carol), None).await;
        assert_eq!(theirs.status(), StatusCode::NOT_FOUND, "{path}");
        let ours = app.request(Method::GET, &path, Some(&alice), None).await;
        assert_eq!(ours.status(), StatusCode::OK, "{path}");
        let served = app.request(Method::GET, &path, Some(&support), None).await;
        assert_eq!(served.status(), StatusCode::OK, "{path}");
    }
    let listed: Value = app
        .request(Method::GET, CASES, Some(&carol), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"], json!([]));
    let answer = json!({"body": "Hello", "visibility": "public", "direction": "outbound"});
    let path = format!("{CASES}/{}/messages", id(&case));
    assert_eq!(
        app.post_as(&carol, &path, Some(&answer)).await.status(),
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_as(&support, &path, Some(&answer)).await.status(),
        StatusCode::CREATED
    );
    let viewer = app.login_as(Role::Viewer).await;
    assert_eq!(
        app.post_as(&viewer, &path, Some(&answer)).await.status(),
        StatusCode::FORBIDDEN
    );
}

/// A new priority measures the running clock against that priority's policy: the segments stay,
/// the due times follow.
#[tokio::test]
async fn a_priority_change_recomputes_the_due_times_from_the_segments() {
    let clock = api::Clock::manual("2026-11-30T08:00:00Z".parse().unwrap());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    policy(&app, "normal", 240, 16 * 60).await;
    let urgent = policy(&app, "urgent", 30, 120).await;
    let party = app.customer().await;
    let case = app
        .post_expect(
            CASES,
            &json!({"subject": "Slow", "party_id": id(&party)}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(case["resolution_due_at"], "2026-12-01T16:00:00Z", "two working days");
    clock.advance(chrono::TimeDelta::minutes(20));
    let path = format!("{CASES}/{}", id(&case));
    let response = app.patch(&path, &json!({"priority": "urgent"})).await;
    assert_eq!(response.status(), StatusCode::OK);
    let changed: Value = response.json().await.unwrap();
    assert_eq!(changed["sla_policy_id"], urgent["id"]);
    assert_eq!(changed["first_response_due_at"], "2026-11-30T08:30:00Z");
    assert_eq!(changed["resolution_due_at"], "2026-11-30T10:00:00Z");
    assert_eq!(changed["sla_status"], "on_track", "20 of 30 minutes used");
    let sla = app.get_json(&format!("{path}/sla")).await;
    assert_eq!(sla["targets"][0]["minutes"], 30);
    assert_eq!(sla["targets"][0]["used_minutes"], 20);
}

#[tokio::test]
async fn a_resolved_case_is_closed_by_the_server_after_its_reopen_window() {
    let clock = api::Clock::manual("2026-11-30T08:00:00Z".parse().unwrap());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    let party = app.customer().await;
    let case = app
        .post_expect(
            CASES,
            &json!({"subject": "Question", "party_id": id(&party)}),
            StatusCode::CREATED,
        )
        .await;
    act(&app, &case, "start").await;
    let resolved = act(&app, &case, "resolve").await;
    assert_eq!(resolved["reopen_until"], "2026-12-14T08:00:00Z");
    assert!(resolved["sla_status"].is_null(), "no policy, no clock");
    let reopened = act(&app, &case, "reopen").await;
    assert_eq!(reopened["status"], "open");
    act(&app, &case, "resolve").await;

    clock.advance(chrono::TimeDelta::days(15));
    let path = format!("{CASES}/{}/reopen", id(&case));
    let late = app.post_as(&app.admin_token, &path, None).await;
    assert_problem(late, StatusCode::CONFLICT, "reopen_window_passed").await;
    let db = app.database().await;
    let round = clock.scope(app::case_clock::round(&db)).await.unwrap();
    assert!(round.cases_closed <= 1, "the server's own job may have closed it first");
    let path = format!("{CASES}/{}", id(&case));
    until("closed", || async { app.get_json(&path).await["status"] == "closed" }).await;
    let closed = app.get_json(&path).await;
    assert_eq!(closed["status"], "closed");
    assert_eq!(
        closed["closed_at"], "2026-12-15T08:00:00Z",
        "closed when the job found it"
    );
    let history = app.get_json(&format!("{CASES}/{}/history", id(&case))).await;
    let last = history["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["actor_id"], Value::Null, "closed by the server");
}

#[tokio::test]
async fn a_help_desk_upserts_its_tickets_by_external_id() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let path = format!("{CASES}/by-external-id/ZD-4711");
    let body = json!({"subject": "Login fails", "party_id": id(&party), "priority": "high"});
    let created = app.put(&path, &body).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["external_id"], "ZD-4711");
    let replaced = app
        .put(&path, &json!({"subject": "Login fails on iOS", "party_id": id(&party)}))
        .await;
    assert_eq!(replaced.status(), StatusCode::OK);
    let replaced: Value = replaced.json().await.unwrap();
    assert_eq!(replaced["id"], created["id"]);
    assert_eq!(replaced["priority"], "normal", "the body is the whole case");
    let found = app.get_json(&format!("{CASES}?external_id=ZD-4711")).await;
    assert_eq!(found["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn cases_are_found_by_status_assignee_text_and_sla_status() {
    let clock = api::Clock::manual("2026-11-30T08:00:00Z".parse().unwrap());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    policy(&app, "high", 60, 600).await;
    let party = app.customer().await;
    let (agent, _) = app.user_with_role(Role::Support, None).await;
    let slow = json!({"subject": "Printer jams", "party_id": id(&party), "priority": "high", "assignee_id": agent});
    let slow = app.post_expect(CASES, &slow, StatusCode::CREATED).await;
    let calm = json!({"subject": "Wrong invoice address", "party_id": id(&party)});
    let calm = app.post_expect(CASES, &calm, StatusCode::CREATED).await;
    clock.advance(chrono::TimeDelta::minutes(50));
    let ids = |page: Value| -> Vec<String> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["id"].as_str().unwrap().to_owned())
            .collect()
    };
    let slow_id = vec![id(&slow).to_owned()];
    assert_eq!(ids(app.get_json(&format!("{CASES}?sla_status=at_risk")).await), slow_id);
    assert_eq!(
        ids(app.get_json(&format!("{CASES}?assignee_id={agent}")).await),
        slow_id
    );
    assert_eq!(ids(app.get_json(&format!("{CASES}?q=JAMS")).await), slow_id);
    assert_eq!(
        ids(app
            .get_json(&format!("{CASES}?q={}", slow["number"].as_str().unwrap()))
            .await),
        slow_id
    );
    assert_eq!(
        ids(app.get_json(&format!("{CASES}?breached=false&priority=normal")).await),
        vec![id(&calm).to_owned()]
    );
    clock.advance(chrono::TimeDelta::minutes(10));
    assert_eq!(
        ids(app.get_json(&format!("{CASES}?sla_status=breached")).await),
        slow_id
    );
    assert_eq!(
        ids(app.get_json(&format!("{CASES}?sla_status=on_track")).await),
        Vec::<String>::new()
    );
    let bad = app.get(&format!("{CASES}?sla_status=late")).await;
    assert_eq!(bad.status(), StatusCode::BAD_REQUEST);
}

/// A row whose stored "next alert" instant its clock does not give (an older server wrote it) is
/// put right by the job, not raised, and does not come back every round.
#[tokio::test]
async fn a_stale_next_alert_instant_is_put_right_not_raised() {
    let clock = api::Clock::manual("2026-11-30T08:00:00Z".parse().unwrap());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    policy(&app, "normal", 60, 600).await;
    let party = app.customer().await;
    let case = app
        .post_expect(
            CASES,
            &json!({"subject": "Fine", "party_id": id(&party)}),
            StatusCode::CREATED,
        )
        .await;
    app.execute_sql("UPDATE cases SET sla_next_alert_at = '2000-01-01T00:00:00.000000+00:00'")
        .await;
    let db = app.database().await;
    let round = clock.scope(app::case_clock::round(&db)).await.unwrap();
    assert_eq!(round.alerts_raised, 0);
    let stale = "SELECT COUNT(*) AS n FROM cases WHERE sla_next_alert_at < '2026-01-01T00:00:00.000000+00:00'";
    let stale_rows = || async {
        let statement = sea_orm::Statement::from_string(db.get_database_backend(), stale);
        let row = db.query_one_raw(statement).await.unwrap().unwrap();
        row.try_get::<i64>("", "n").unwrap()
    };
    until("the instant is the clock's again", || async { stale_rows().await == 0 }).await;
    let shown = app.get_json(&format!("{CASES}/{}", id(&case))).await;
    assert_eq!(shown["version"], 1, "nothing of the case changed");
}
