//! The cases report over HTTP: figures computed by hand from cases moved through their states on a
//! clock the test sets, rows whose drill-down lists hold the cases they count as opened, the CSV
//! form, what a sales user sees, and bad parameters.

use chrono::TimeDelta;
use domain::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::cases::{CASES, POLICIES};
use crate::helpers::{TestApp, assert_problem, error_fields, id, spawn_app, spawn_app_with};

const REPORT: &str = "/api/v1/reports/cases";

/// The cases of two teams, on a clock that starts on Friday 2026-10-30 08:00 UTC. Only `high`
/// cases have an SLA policy (Berlin office hours: first response in 60, resolution in 120 working
/// minutes). In the window November–December:
///
/// | case | team, assignee, party     | priority | created       | what happens                                  |
/// |------|---------------------------|----------|---------------|-----------------------------------------------|
/// | c0   | South, Bob, Bob's         | normal   | Oct 30 08:00  | nothing: `new`                                |
/// | c1   | North, the agent, Ada's   | high     | Nov 30 08:00  | answered 08:30, resolved 09:00: SLA met        |
/// | c2   | South, Bob, Bob's         | high     | Nov 30 08:00  | started 09:00, resolved Dec 2 08:00: breached  |
/// | c3   | North, the agent, Ada's   | normal   | Nov 30 08:00  | resolved 10:00, reopened Dec 1, resolved Dec 3 |
/// | c4   | none, none, Bob's         | low      | Dec 1 08:00   | answered 09:00: `open`                         |
/// | c5   | North, the agent, Ada's   | urgent   | Dec 1 08:00   | cancelled 09:00                                |
struct Service {
    north: String,
    south: String,
    agent: String,
    bob: String,
    /// Ada, a sales user of North, who sees her customer's cases only.
    ada_token: String,
}

async fn service_year(app: &TestApp, clock: api::Clock) -> Service {
    let body = json!({"name": "high cases", "priority": "high", "first_response_minutes": 60, "resolution_minutes": 120,
                      "calendar": {"time_zone": "Europe/Berlin", "working_days": [1, 2, 3, 4, 5],
                                   "start": "09:00", "end": "17:00", "holidays": []}});
    app.post_expect(POLICIES, &body, StatusCode::CREATED).await;
    let (north, south) = (app.create_team("North").await, app.create_team("South").await);
    let (ada, ada_token) = app.user_with_role(Role::Sales, Some(&north)).await;
    let (agent, _) = app.user_with_role(Role::Support, Some(&north)).await;
    let (bob, _) = app.user_with_role(Role::Sales, Some(&south)).await;
    let party = |name: &str, owner: &str| json!({"kind": "organization", "name": name, "owner_id": owner});
    let ada_customer = app.post_party(&party("Ada's customer", &ada)).await;
    let bob_customer = app.post_party(&party("Bob's customer", &bob)).await;
    let open = |party: &Value, team: Option<&str>, assignee: Option<&str>, priority: &str| {
        json!({"subject": format!("A {priority} problem"), "party_id": id(party), "team_id": team,
               "assignee_id": assignee, "priority": priority})
    };
    let hours = |n| clock.advance(TimeDelta::hours(n));

    let c0 = open(&bob_customer, Some(&south), Some(&bob), "normal");
    app.post_expect(CASES, &c0, StatusCode::CREATED).await;
    clock.advance(TimeDelta::days(31)); // Monday 2026-11-30 08:00
    let c1 = open(&ada_customer, Some(&north), Some(&agent), "high");
    let c1 = app.post_expect(CASES, &c1, StatusCode::CREATED).await;
    let c2 = open(&bob_customer, Some(&south), Some(&bob), "high");
    let c2 = app.post_expect(CASES, &c2, StatusCode::CREATED).await;
    let c3 = open(&ada_customer, Some(&north), Some(&agent), "normal");
    let c3 = app.post_expect(CASES, &c3, StatusCode::CREATED).await;
    clock.advance(TimeDelta::minutes(30));
    answer(app, &c1).await;
    clock.advance(TimeDelta::minutes(30));
    act(app, &c1, "resolve").await;
    act(app, &c2, "start").await;
    act(app, &c3, "start").await;
    hours(1);
    act(app, &c3, "resolve").await;
    hours(22); // Tuesday 2026-12-01 08:00
    act(app, &c3, "reopen").await;
    let c4 = open(&bob_customer, None, None, "low");
    let c4 = app.post_expect(CASES, &c4, StatusCode::CREATED).await;
    let c5 = open(&ada_customer, Some(&north), Some(&agent), "urgent");
    let c5 = app.post_expect(CASES, &c5, StatusCode::CREATED).await;
    hours(1);
    answer(app, &c4).await;
    act(app, &c5, "cancel").await;
    hours(23); // Wednesday 2026-12-02 08:00
    let breached = act(app, &c2, "resolve").await;
    assert_eq!(
        breached["sla_status"], "breached",
        "resolved two days after its due time"
    );
    hours(24);
    act(app, &c3, "resolve").await;
    Service {
        north,
        south,
        agent,
        bob,
        ada_token,
    }
}

/// The first response: a public outbound message.
async fn answer(app: &TestApp, case: &Value) {
    let message = json!({"body": "We are on it.", "visibility": "public", "direction": "outbound"});
    let path = format!("{CASES}/{}/messages", id(case));
    app.post_expect(&path, &message, StatusCode::CREATED).await;
}

async fn act(app: &TestApp, case: &Value, action: &str) -> Value {
    let path = format!("{CASES}/{}/{action}", id(case));
    let response = app.post_as(&app.admin_token, &path, None).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "{action}: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn get_as(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.request(Method::GET, path, Some(token), None).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "GET {path}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// The figures of a row or the totals, without the group and drill-down.
fn figures(row: &Value) -> Value {
    let mut figures = row.clone();
    let object = figures.as_object_mut().unwrap();
    object.remove("group");
    object.remove("drill_down");
    figures
}

/// The row of the group `key`.
fn row<'a>(report: &'a Value, key: &str) -> &'a Value {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|row| row["group"]["key"] == key)
        .unwrap_or_else(|| panic!("no row {key} in {report}"))
}

fn keys(report: &Value) -> Vec<String> {
    let rows = report["rows"].as_array().unwrap();
    rows.iter()
        .map(|row| row["group"]["key"].as_str().unwrap().to_owned())
        .collect()
}

/// Every row's drill-down lists exactly the cases it counts as opened.
async fn assert_drill_downs_list_the_opened(app: &TestApp, token: &str, report: &Value) {
    for row in report["rows"].as_array().unwrap() {
        let href = row["drill_down"]["href"].as_str().unwrap();
        assert!(href.starts_with("/api/v1/cases?"), "{href}");
        let listed = get_as(app, token, &format!("{href}&limit=200")).await;
        assert!(listed["next_cursor"].is_null());
        let count = listed["items"].as_array().unwrap().len();
        assert_eq!(json!(count), row["opened"], "{href}");
    }
}

#[tokio::test]
async fn cases_are_counted_by_month_with_their_times_and_sla() {
    let clock = api::Clock::manual("2026-10-30T08:00:00Z".parse().unwrap());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    service_year(&app, clock).await;
    let report = app
        .get_json(&format!("{REPORT}?from=2026-11-01&to=2026-12-31&group_by=month"))
        .await;
    assert_eq!(
        (&report["from"], &report["to"]),
        (&json!("2026-11-01"), &json!("2026-12-31"))
    );
    assert_eq!(report["group_by"], "month");
    assert_eq!(keys(&report), ["2026-11", "2026-12"]);
    // November: c1, c2, c3 opened; c1 resolved (c3's resolution was taken back by its reopen).
    // Left at its end: c0, and c2 and c3, resolved later (and so `resolved` now).
    assert_eq!(
        figures(row(&report, "2026-11")),
        json!({"opened": 3, "resolved": 1, "backlog": 3,
               "backlog_by_priority": {"low": 0, "normal": 2, "high": 1, "urgent": 0},
               "backlog_by_status": {"new": 1, "open": 0, "pending": 0, "resolved": 2, "closed": 0},
               "first_response_minutes": {"median": 30, "p90": 30},
               "resolution_minutes": {"median": 60, "p90": 60},
               "sla_met_percent": "100.00"})
    );
    // December: c4 and c5 opened; c2 (2 days: 2880 minutes, breached) and c3 (3 days from its
    // creation: 4320) resolved; c0 and c4 left; c5 cancelled, in no backlog.
    assert_eq!(
        figures(row(&report, "2026-12")),
        json!({"opened": 2, "resolved": 2, "backlog": 2,
               "backlog_by_priority": {"low": 1, "normal": 1, "high": 0, "urgent": 0},
               "backlog_by_status": {"new": 1, "open": 1, "pending": 0, "resolved": 0, "closed": 0},
               "first_response_minutes": {"median": 60, "p90": 60},
               "resolution_minutes": {"median": 2880, "p90": 4320},
               "sla_met_percent": "0.00"})
    );
    // First responses [30, 60]: the median by nearest rank is the lower one. Resolutions [60,
    // 2880, 4320]. Of c1 and c2 (c3 has no policy), one met its SLA.
    assert_eq!(
        figures(&report["totals"]),
        json!({"opened": 5, "resolved": 3, "backlog": 2,
               "backlog_by_priority": {"low": 1, "normal": 1, "high": 0, "urgent": 0},
               "backlog_by_status": {"new": 1, "open": 1, "pending": 0, "resolved": 0, "closed": 0},
               "first_response_minutes": {"median": 30, "p90": 60},
               "resolution_minutes": {"median": 2880, "p90": 4320},
               "sla_met_percent": "50.00"})
    );
    assert_eq!(
        row(&report, "2026-11")["drill_down"]["href"],
        "/api/v1/cases?created_from=2026-11-01&created_to=2026-11-30"
    );
    assert_drill_downs_list_the_opened(&app, &app.admin_token, &report).await;
}

#[tokio::test]
async fn cases_are_counted_by_team_assignee_and_priority_with_filters() {
    let clock = api::Clock::manual("2026-10-30T08:00:00Z".parse().unwrap());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    let service = service_year(&app, clock).await;
    let window = "from=2026-11-01&to=2026-12-31";

    let by_team = app.get_json(&format!("{REPORT}?{window}&group_by=team")).await;
    assert_eq!(keys(&by_team).len(), 3);
    let none = row(&by_team, "");
    assert_eq!(none["group"]["label"], "(none)");
    assert_eq!(
        figures(none),
        json!({"opened": 1, "resolved": 0, "backlog": 1,
               "backlog_by_priority": {"low": 1, "normal": 0, "high": 0, "urgent": 0},
               "backlog_by_status": {"new": 0, "open": 1, "pending": 0, "resolved": 0, "closed": 0},
               "first_response_minutes": {"median": 60, "p90": 60},
               "resolution_minutes": {"median": null, "p90": null},
               "sla_met_percent": null})
    );
    let north = row(&by_team, &service.north);
    assert_eq!(north["group"]["label"], "North");
    assert_eq!(
        figures(north),
        json!({"opened": 3, "resolved": 2, "backlog": 0,
               "backlog_by_priority": {"low": 0, "normal": 0, "high": 0, "urgent": 0},
               "backlog_by_status": {"new": 0, "open": 0, "pending": 0, "resolved": 0, "closed": 0},
               "first_response_minutes": {"median": 30, "p90": 30},
               "resolution_minutes": {"median": 60, "p90": 4320},
               "sla_met_percent": "100.00"})
    );
    assert_eq!(
        figures(row(&by_team, &service.south)),
        json!({"opened": 1, "resolved": 1, "backlog": 1,
               "backlog_by_priority": {"low": 0, "normal": 1, "high": 0, "urgent": 0},
               "backlog_by_status": {"new": 1, "open": 0, "pending": 0, "resolved": 0, "closed": 0},
               "first_response_minutes": {"median": null, "p90": null},
               "resolution_minutes": {"median": 2880, "p90": 2880},
               "sla_met_percent": "0.00"})
    );
    assert_drill_downs_list_the_opened(&app, &app.admin_token, &by_team).await;

    let by_assignee = app.get_json(&format!("{REPORT}?{window}&group_by=assignee")).await;
    let opened: Vec<(String, Value)> = [String::new(), service.agent.clone(), service.bob.clone()]
        .into_iter()
        .map(|key| (key.clone(), row(&by_assignee, &key)["opened"].clone()))
        .collect();
    assert_eq!(
        opened,
        [
            (String::new(), json!(1)),
            (service.agent.clone(), json!(3)),
            (service.bob.clone(), json!(1))
        ]
    );
    assert_eq!(row(&by_assignee, &service.agent)["group"]["label"], "support");
    assert_drill_downs_list_the_opened(&app, &app.admin_token, &by_assignee).await;

    // North's cases by priority: c3 (normal), c1 (high), c5 (urgent, cancelled).
    let north_by_priority = app
        .get_json(&format!(
            "{REPORT}?{window}&group_by=priority&team_id={}",
            service.north
        ))
        .await;
    assert_eq!(keys(&north_by_priority), ["normal", "high", "urgent"]);
    assert_eq!(
        figures(row(&north_by_priority, "urgent")),
        json!({"opened": 1, "resolved": 0, "backlog": 0,
               "backlog_by_priority": {"low": 0, "normal": 0, "high": 0, "urgent": 0},
               "backlog_by_status": {"new": 0, "open": 0, "pending": 0, "resolved": 0, "closed": 0},
               "first_response_minutes": {"median": null, "p90": null},
               "resolution_minutes": {"median": null, "p90": null},
               "sla_met_percent": null})
    );
    assert_eq!(north_by_priority["totals"]["opened"], 3);
    let href = &row(&north_by_priority, "high")["drill_down"]["href"];
    let expected_href = format!(
        "/api/v1/cases?created_from=2026-11-01&created_to=2026-12-31&team_id={}&priority=high",
        service.north
    );
    assert_eq!(href, &json!(expected_href));
    assert_drill_downs_list_the_opened(&app, &app.admin_token, &north_by_priority).await;

    // Bob's high case alone: one resolved, breached.
    let bobs = app
        .get_json(&format!("{REPORT}?{window}&assignee_id={}&priority=high", service.bob))
        .await;
    assert_eq!(bobs["totals"]["resolved"], 1);
    assert_eq!(bobs["totals"]["sla_met_percent"], "0.00");
}

#[tokio::test]
async fn a_sales_user_counts_the_cases_of_the_customers_they_see_only() {
    let clock = api::Clock::manual("2026-10-30T08:00:00Z".parse().unwrap());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    let service = service_year(&app, clock).await;
    let path = format!("{REPORT}?from=2026-11-01&to=2026-12-31&group_by=team");
    let seen = get_as(&app, &service.ada_token, &path).await;
    // Ada's customer's cases are North's c1, c3 and c5: Bob's customer's (c0, c2, c4) count nowhere.
    assert_eq!(keys(&seen), [service.north.as_str()]);
    assert_eq!(
        figures(&seen["totals"]),
        json!({"opened": 3, "resolved": 2, "backlog": 0,
               "backlog_by_priority": {"low": 0, "normal": 0, "high": 0, "urgent": 0},
               "backlog_by_status": {"new": 0, "open": 0, "pending": 0, "resolved": 0, "closed": 0},
               "first_response_minutes": {"median": 30, "p90": 30},
               "resolution_minutes": {"median": 60, "p90": 4320},
               "sla_met_percent": "100.00"})
    );
    assert_drill_downs_list_the_opened(&app, &service.ada_token, &seen).await;
    let support = app.login_as(Role::Support).await;
    assert_eq!(
        get_as(&app, &support, &path).await["totals"]["opened"],
        5,
        "the service team sees all"
    );
}

#[tokio::test]
async fn the_cases_report_comes_as_csv_when_asked() {
    let clock = api::Clock::manual("2026-10-30T08:00:00Z".parse().unwrap());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    service_year(&app, clock).await;
    let response = app
        .client
        .get(app.url(&format!("{REPORT}?from=2026-11-01&to=2026-12-31")))
        .bearer_auth(&app.admin_token)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "group,label,opened,resolved,backlog,backlog_low,backlog_normal,backlog_high,backlog_urgent,\
         backlog_new,backlog_open,backlog_pending,backlog_resolved,backlog_closed,\
         first_response_median_minutes,first_response_p90_minutes,resolution_median_minutes,\
         resolution_p90_minutes,sla_met_percent,drill_down"
    );
    assert_eq!(lines.len(), 3, "by month, the default");
    assert_eq!(
        lines[1],
        "2026-11,2026-11,3,1,3,0,2,1,0,1,0,0,2,0,30,30,60,60,100.00,\
         /api/v1/cases?created_from=2026-11-01&created_to=2026-11-30"
    );
}

#[tokio::test]
async fn bad_cases_report_parameters_are_refused_by_name() {
    let app = spawn_app().await;
    let backwards = app.get(&format!("{REPORT}?from=2026-02-01&to=2026-01-31")).await;
    let problem = assert_problem(backwards, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["to"]);
    for query in [
        "group_by=week",
        "group_by=party",
        "priority=critical",
        "owner_id=me",
        "status=open",
    ] {
        let response = app.get(&format!("{REPORT}?{query}")).await;
        assert_problem(response, StatusCode::BAD_REQUEST, "invalid_query").await;
    }
    let list = app.get(&format!("{CASES}?created_from=2026-13-01")).await;
    assert_eq!(list.status(), StatusCode::BAD_REQUEST);
    let empty = app.get_json(REPORT).await;
    assert_eq!(empty["group_by"], "month");
    assert_eq!(empty["rows"], json!([]));
    assert_eq!(
        figures(&empty["totals"]),
        json!({"opened": 0, "resolved": 0, "backlog": 0,
               "backlog_by_priority": {"low": 0, "normal": 0, "high": 0, "urgent": 0},
               "backlog_by_status": {"new": 0, "open": 0, "pending": 0, "resolved": 0, "closed": 0},
               "first_response_minutes": {"median": null, "p90": null},
               "resolution_minutes": {"median": null, "p90": null},
               "sla_met_percent": null})
    );
}
