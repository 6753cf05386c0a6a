//! Activities: logging and planning, the transitions of domain.md, agendas, contact histories,
//! the references an activity holds, and its history.

use domain::access::Role;
use domain::activity::{ActivityAction, ActivityStatus, TRANSITIONS};
use domain::transition;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, id, item_ids, spawn_app};

const ACTIVITIES: &str = "/api/v1/activities";

/// An organization and a contact person of it.
async fn client_with_contact(app: &TestApp) -> (Value, Value) {
    let org = app
        .post_party(&json!({"kind": "organization", "name": "Acme GmbH", "roles": ["customer"]}))
        .await;
    let person = app
        .post_party(&json!({"kind": "person", "name": "Jane Roe", "organization_id": id(&org)}))
        .await;
    (org, person)
}

async fn activity(app: &TestApp, body: &Value) -> Value {
    app.post_expect(ACTIVITIES, body, StatusCode::CREATED).await
}

async fn act(app: &TestApp, activity: &Value, action: &str, body: Option<&Value>) -> reqwest::Response {
    app.post_as(
        &app.admin_token,
        &format!("{ACTIVITIES}/{}/{action}", id(activity)),
        body,
    )
    .await
}

#[tokio::test]
async fn a_frontend_logs_a_call_plans_a_meeting_and_shows_the_contact_history() {
    let app = spawn_app().await;
    let (org, person) = client_with_contact(&app).await;
    let response = app
        .post(
            ACTIVITIES,
            &json!({
                "kind": "call", "subject": "  Renewal call ", "party_id": id(&org), "contact_id": id(&person),
                "starts_at": "2026-11-02T09:00:00Z", "ends_at": "2026-11-02T09:20:00Z",
                "description": "Asked for a quote.\nCall back Friday."
            }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let call: Value = response.json().await.unwrap();
    assert_eq!(location, format!("{ACTIVITIES}/{}", id(&call)));
    assert_eq!(call["subject"], "Renewal call");
    assert_eq!(call["status"], "planned");
    assert_eq!(call["priority"], "normal");
    assert_eq!(call["duration_minutes"], 20, "derived from start and end");
    assert_eq!(call["occurs_at"], "2026-11-02T09:00:00Z");
    assert_eq!(
        call["allowed_actions"],
        json!(["start", "complete", "cancel", "update"])
    );
    assert_eq!(
        app.get_json(&location).await,
        call,
        "what was returned is what is stored"
    );

    let logged: Value = act(&app, &call, "complete", None).await.json().await.unwrap();
    assert_eq!(logged["status"], "completed");
    assert_eq!(logged["outcome"], Value::Null);
    assert!(logged["completed_at"].is_string());
    assert_eq!(logged["allowed_actions"], json!(["reopen", "update"]));

    let meeting = activity(
        &app,
        &json!({"kind": "meeting", "subject": "Demo", "party_id": id(&org), "priority": "high",
                "starts_at": "2026-11-10T14:00:00Z", "ends_at": "2026-11-10T15:00:00Z", "remind_at": "2026-11-10T13:45:00Z"}),
    )
    .await;
    let note = activity(&app, &json!({"kind": "note", "subject": "Unrelated"})).await;

    let history = app.get_json(&format!("/api/v1/parties/{}/activities", id(&org))).await;
    assert_eq!(
        item_ids(&history),
        vec![id(&meeting), id(&call)],
        "latest first, no other party's"
    );
    let of_contact = app
        .get_json(&format!("/api/v1/parties/{}/activities", id(&person)))
        .await;
    assert_eq!(
        item_ids(&of_contact),
        vec![id(&call)],
        "the contact person's history too"
    );
    let oldest_first = app
        .get_json(&format!("/api/v1/parties/{}/activities?sort=occurs_at", id(&org)))
        .await;
    assert_eq!(item_ids(&oldest_first), vec![id(&call), id(&meeting)]);
    assert!(!item_ids(&app.get_json(ACTIVITIES).await).is_empty());
    let missing = app
        .get("/api/v1/parties/01890a5d-ac96-774b-bcce-b302099a8057/activities")
        .await;
    assert_problem(missing, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(note["party_id"], Value::Null);
}

/// Every (status, action) pair of the domain's table, over HTTP: allowed ones lead where the table
/// says, refused ones are a 409 naming the current and allowed statuses and change nothing.
#[tokio::test]
async fn every_transition_is_allowed_or_refused_as_the_table_says() {
    let app = spawn_app().await;
    let reach: &[(ActivityStatus, &[&str])] = &[
        (ActivityStatus::Planned, &[]),
        (ActivityStatus::InProgress, &["start"]),
        (ActivityStatus::Completed, &["complete"]),
        (ActivityStatus::Cancelled, &["cancel"]),
    ];
    assert_eq!(reach.len(), ActivityStatus::ALL.len());
    for (status, path) in reach {
        for action in ActivityAction::ALL {
            let record = activity(&app, &json!({"kind": "visit", "subject": "Visit"})).await;
            for step in *path {
                assert_eq!(act(&app, &record, step, None).await.status(), StatusCode::OK);
            }
            let before = app.get_json(&format!("{ACTIVITIES}/{}", id(&record))).await;
            assert_eq!(before["status"], status.as_str());
            let response = act(&app, &record, action.as_str(), None).await;
            match transition::apply(TRANSITIONS, *status, *action) {
                Ok(to) => {
                    assert_eq!(response.status(), StatusCode::OK, "{status:?} {action:?}");
                    let after: Value = response.json().await.unwrap();
                    assert_eq!(after["status"], to.as_str(), "{status:?} {action:?}");
                    assert_eq!(after["version"], before["version"].as_i64().unwrap() + 1);
                }
                Err(refusal) => {
                    let problem = assert_problem(response, StatusCode::CONFLICT, "invalid_state_transition").await;
                    assert_eq!(problem["current_status"], status.as_str());
                    assert_eq!(problem["allowed_from"], json!(refusal.allowed_from));
                    let detail = problem["detail"].as_str().unwrap();
                    assert!(detail.contains(&format!("it is {}", status.as_str())), "{detail}");
                    let after = app.get_json(&format!("{ACTIVITIES}/{}", id(&record))).await;
                    assert_eq!(after, before, "a refused transition changes nothing");
                }
            }
        }
    }
}

#[tokio::test]
async fn a_task_runs_to_confirmed_or_rejected() {
    let app = spawn_app().await;
    let (org, _) = client_with_contact(&app).await;
    let task = activity(
        &app,
        &json!({"kind": "task", "subject": "Send a sample", "party_id": id(&org), "due_at": "2026-11-20T17:00:00Z"}),
    )
    .await;
    assert_eq!(act(&app, &task, "start", None).await.status(), StatusCode::OK);

    let without = act(&app, &task, "complete", None).await;
    let problem = assert_problem(without, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["outcome"]);
    let unknown = act(&app, &task, "complete", Some(&json!({"outcome": "maybe"}))).await;
    assert_problem(unknown, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        app.get_json(&format!("{ACTIVITIES}/{}", id(&task))).await["status"],
        "in_progress",
        "refused, nothing changed"
    );

    let confirmed: Value = act(&app, &task, "complete", Some(&json!({"outcome": "confirmed"})))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(
        (&confirmed["status"], &confirmed["outcome"]),
        (&json!("completed"), &json!("confirmed"))
    );

    let turned_into_call = app
        .patch(&format!("{ACTIVITIES}/{}", id(&task)), &json!({"kind": "call"}))
        .await;
    let problem = assert_problem(turned_into_call, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["kind"]);

    let call = activity(&app, &json!({"kind": "call", "subject": "Logged call"})).await;
    assert_eq!(act(&app, &call, "complete", None).await.status(), StatusCode::OK);
    let call_into_task = app
        .patch(&format!("{ACTIVITIES}/{}", id(&call)), &json!({"kind": "task"}))
        .await;
    let problem = assert_problem(call_into_task, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        vec!["kind"],
        "no completed task without an outcome"
    );

    let reopened: Value = act(&app, &task, "reopen", None).await.json().await.unwrap();
    assert_eq!(
        (&reopened["status"], &reopened["outcome"]),
        (&json!("planned"), &Value::Null)
    );
    assert_eq!(reopened["completed_at"], Value::Null);
    let rejected: Value = act(&app, &task, "complete", Some(&json!({"outcome": "rejected"})))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(rejected["outcome"], "rejected");

    let call = activity(&app, &json!({"kind": "call", "subject": "Call"})).await;
    let with_outcome = act(&app, &call, "complete", Some(&json!({"outcome": "confirmed"}))).await;
    assert_problem(with_outcome, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let start_with_outcome = act(&app, &call, "start", Some(&json!({"outcome": "confirmed"}))).await;
    assert_eq!(
        start_with_outcome.status(),
        StatusCode::OK,
        "start takes no body and reads none"
    );
}

#[tokio::test]
async fn the_agenda_of_a_user_is_a_time_window() {
    let app = spawn_app().await;
    let (anna, _) = app.user_with_role(Role::Sales, None).await;
    let (ben, _) = app.user_with_role(Role::Sales, None).await;
    let at = |subject: &str, assignee: &str, times: Value| {
        let mut body = json!({"kind": "appointment", "subject": subject, "assignee_id": assignee});
        body.as_object_mut().unwrap().extend(times.as_object().unwrap().clone());
        body
    };
    let mut created = std::collections::HashMap::new();
    for (subject, assignee, times) in [
        (
            "before",
            &anna,
            json!({"starts_at": "2026-11-08T10:00:00Z", "ends_at": "2026-11-08T11:00:00Z"}),
        ),
        (
            "spanning",
            &anna,
            json!({"starts_at": "2026-11-08T22:00:00Z", "ends_at": "2026-11-09T02:00:00Z"}),
        ),
        ("morning", &anna, json!({"starts_at": "2026-11-09T09:00:00Z"})),
        ("due", &anna, json!({"due_at": "2026-11-09T17:00:00Z"})),
        ("at the end", &anna, json!({"starts_at": "2026-11-10T00:00:00Z"})),
        ("other user", &ben, json!({"starts_at": "2026-11-09T12:00:00Z"})),
    ] {
        let record = activity(&app, &at(subject, assignee, times)).await;
        created.insert(subject, id(&record).to_owned());
    }
    let agenda = app
        .get_json(&format!(
            "{ACTIVITIES}?assignee_id={anna}&from=2026-11-09T00:00:00Z&to=2026-11-10T00:00:00Z"
        ))
        .await;
    let expected: Vec<String> = ["spanning", "morning", "due"]
        .iter()
        .map(|s| created[s].clone())
        .collect();
    assert_eq!(item_ids(&agenda), expected, "in order of occurs_at; `to` is exclusive");

    let paged = app
        .get_json(&format!(
            "{ACTIVITIES}?assignee_id={anna}&from=2026-11-09T00:00:00Z&to=2026-11-10T00:00:00Z&limit=2"
        ))
        .await;
    let cursor = paged["next_cursor"].as_str().unwrap();
    let rest = app
        .get_json(&format!(
            "{ACTIVITIES}?assignee_id={anna}&from=2026-11-09T00:00:00Z&to=2026-11-10T00:00:00Z&limit=2&cursor={cursor}"
        ))
        .await;
    assert_eq!([item_ids(&paged), item_ids(&rest)].concat(), expected);

    let bad_window = app.get(&format!("{ACTIVITIES}?from=yesterday")).await;
    assert_problem(bad_window, StatusCode::BAD_REQUEST, "invalid_query").await;
    // A year no record can hold parses, but breaks a rule: a 422 naming the parameter.
    let far = app.get(&format!("{ACTIVITIES}?to=%2B20000-01-01T00:00:00Z")).await;
    let problem = assert_problem(far, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["to"]);
    let bad_sort = app.get(&format!("{ACTIVITIES}?sort=subject")).await;
    assert_problem(bad_sort, StatusCode::BAD_REQUEST, "invalid_query").await;
    // A cursor forged with a text key for a time sort never reaches the database.
    let forged = base64_url(&format!(r#"{{"s":"occurs_at","t":"x","i":"{}"}}"#, created["morning"]));
    let response = app.get(&format!("{ACTIVITIES}?cursor={forged}")).await;
    assert_problem(response, StatusCode::BAD_REQUEST, "invalid_cursor").await;
}

/// Base64url without padding, as cursors are written.
fn base64_url(text: &str) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let bytes = text.as_bytes();
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, b)| n | (u32::from(*b) << (16 - 8 * i)));
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

#[tokio::test]
async fn lists_filter_by_party_kind_status_and_related_opportunity() {
    let app = spawn_app().await;
    let (org, person) = client_with_contact(&app).await;
    let opportunity = app
        .post_expect(
            "/api/v1/opportunities",
            &json!({"title": "Fleet", "party_id": id(&org)}),
            StatusCode::CREATED,
        )
        .await;
    let call = activity(&app, &json!({"kind": "call", "subject": "A", "party_id": id(&org)})).await;
    let email = activity(
        &app,
        &json!({"kind": "email", "subject": "B", "party_id": id(&org), "contact_id": id(&person),
                "opportunity_id": id(&opportunity)}),
    )
    .await;
    assert_eq!(act(&app, &email, "complete", None).await.status(), StatusCode::OK);
    for (query, expected) in [
        (format!("party_id={}", id(&org)), vec![id(&call), id(&email)]),
        (format!("contact_id={}", id(&person)), vec![id(&email)]),
        ("kind=call".to_owned(), vec![id(&call)]),
        ("status=completed".to_owned(), vec![id(&email)]),
        (format!("opportunity_id={}", id(&opportunity)), vec![id(&email)]),
    ] {
        let page = app.get_json(&format!("{ACTIVITIES}?{query}&sort=created_at")).await;
        assert_eq!(item_ids(&page), expected, "{query}");
    }
    // An activity may relate to an offer instead, but not to both documents.
    let quote = app
        .post_expect(
            "/api/v1/offers",
            &json!({"party_id": id(&org), "currency": "EUR"}),
            StatusCode::CREATED,
        )
        .await;
    let about_offer = activity(
        &app,
        &json!({"kind": "call", "subject": "Offer follow-up", "party_id": id(&org), "offer_id": id(&quote)}),
    )
    .await;
    let page = app.get_json(&format!("{ACTIVITIES}?offer_id={}", id(&quote))).await;
    assert_eq!(item_ids(&page), vec![id(&about_offer)]);
    let both = app
        .post(
            ACTIVITIES,
            &json!({"kind": "call", "subject": "x", "party_id": id(&org), "offer_id": id(&quote),
                    "opportunity_id": id(&opportunity)}),
        )
        .await;
    let problem = assert_problem(both, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["offer_id"]);
    // The offer keeps the party its activities concern.
    let other = app
        .post_party(&json!({"kind": "organization", "name": "Elsewhere"}))
        .await;
    let moved = app
        .patch(
            &format!("/api/v1/offers/{}", id(&quote)),
            &json!({"party_id": id(&other)}),
        )
        .await;
    assert_problem(moved, StatusCode::CONFLICT, "activities_of_other_party").await;
    let unknown = app.get(&format!("{ACTIVITIES}?colour=red")).await;
    assert_problem(unknown, StatusCode::BAD_REQUEST, "invalid_query").await;
}

#[tokio::test]
async fn bad_values_and_references_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let (org, person) = client_with_contact(&app).await;
    let other = app.post_party(&json!({"kind": "organization", "name": "Other"})).await;
    let nowhere = "01890a5d-ac96-774b-bcce-b302099a8057";

    let times = app
        .post(
            ACTIVITIES,
            &json!({"kind": "meeting", "subject": " ", "starts_at": "2026-11-02T10:00:00Z",
                    "ends_at": "2026-11-02T09:00:00Z", "duration_minutes": -1}),
        )
        .await;
    let problem = assert_problem(times, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["subject", "ends_at", "duration_minutes"]);

    let references = app
        .post(
            ACTIVITIES,
            &json!({"kind": "call", "subject": "x", "party_id": id(&other), "contact_id": id(&person),
                    "assignee_id": nowhere, "opportunity_id": nowhere}),
        )
        .await;
    let problem = assert_problem(references, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        vec!["contact_id", "assignee_id", "opportunity_id"]
    );
    let unknown_party = app
        .post(
            ACTIVITIES,
            &json!({"kind": "call", "subject": "x", "party_id": nowhere}),
        )
        .await;
    let problem = assert_problem(unknown_party, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["party_id"]);

    let bad_kind = app.post(ACTIVITIES, &json!({"kind": "fax", "subject": "x"})).await;
    assert_problem(bad_kind, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let unknown_field = app
        .post(
            ACTIVITIES,
            &json!({"kind": "call", "subject": "x", "status": "completed"}),
        )
        .await;
    assert_problem(unknown_field, StatusCode::BAD_REQUEST, "unknown_field").await;

    let deleted = app
        .request(
            Method::DELETE,
            &format!("/api/v1/parties/{}", id(&other)),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let archived = app
        .post(
            ACTIVITIES,
            &json!({"kind": "call", "subject": "x", "party_id": id(&other)}),
        )
        .await;
    let problem = assert_problem(archived, StatusCode::CONFLICT, "party_archived").await;
    assert_eq!(problem["existing_id"], id(&other));

    assert_eq!(
        app.get_json(ACTIVITIES).await["items"],
        json!([]),
        "nothing was created"
    );

    // A record whose party was archived later stays editable.
    let call = activity(&app, &json!({"kind": "call", "subject": "x", "party_id": id(&org)})).await;
    let archive_org = app
        .request(
            Method::DELETE,
            &format!("/api/v1/parties/{}", id(&org)),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(archive_org.status(), StatusCode::NO_CONTENT);
    let edited = app
        .patch(&format!("{ACTIVITIES}/{}", id(&call)), &json!({"subject": "y"}))
        .await;
    assert_eq!(edited.status(), StatusCode::OK);
}

#[tokio::test]
async fn the_history_shows_who_changed_what_and_every_transition() {
    let app = spawn_app().await;
    let (sales_id, sales) = app.user_with_role(Role::Sales, None).await;
    let created = app
        .post_as(
            &sales,
            ACTIVITIES,
            Some(&json!({"kind": "task", "subject": "Prepare offer"})),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let task: Value = created.json().await.unwrap();
    assert_eq!(task["assignee_id"], sales_id, "a sales user's activity is theirs");
    let path = format!("{ACTIVITIES}/{}", id(&task));
    let changed = app
        .request(
            Method::PATCH,
            &path,
            Some(&sales),
            Some(&json!({"subject": "Prepare the offer", "priority": "high"})),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let unchanged = app
        .request(Method::PATCH, &path, Some(&sales), Some(&json!({"priority": "high"})))
        .await;
    assert_eq!(unchanged.status(), StatusCode::OK);
    let done = app
        .post_as(
            &sales,
            &format!("{path}/complete"),
            Some(&json!({"outcome": "confirmed"})),
        )
        .await;
    assert_eq!(done.status(), StatusCode::OK);

    let history = app.get_json(&format!("{path}/history")).await;
    let entries = history["items"].as_array().unwrap();
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(
        actions,
        vec!["created", "updated", "updated"],
        "an unchanged write leaves no entry"
    );
    assert!(entries.iter().all(|e| e["actor_id"] == sales_id));
    let fields = |entry: &Value| -> Vec<String> {
        entry["changes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["field"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(fields(&entries[1]), vec!["priority", "subject"]);
    assert_eq!(entries[1]["changes"][1]["from"], "Prepare offer");
    assert_eq!(entries[1]["changes"][1]["to"], "Prepare the offer");
    assert_eq!(fields(&entries[2]), vec!["completed_at", "outcome", "status"]);
    assert_eq!(entries[2]["changes"][2]["from"], "planned");
    assert_eq!(entries[2]["changes"][2]["to"], "completed");
    assert!(
        !fields(&entries[0]).contains(&"allowed_actions".to_owned()),
        "what a caller may do is not part of the record"
    );
}

#[tokio::test]
async fn sales_users_see_and_assign_within_their_team() {
    let app = spawn_app().await;
    let team = app.create_team("North").await;
    let other_team = app.create_team("South").await;
    let (_, anna) = app.user_with_role(Role::Sales, Some(&team)).await;
    let (bert_id, bert) = app.user_with_role(Role::Sales, Some(&team)).await;
    let (carl_id, carl) = app.user_with_role(Role::Sales, Some(&other_team)).await;

    let for_bert = app
        .post_as(
            &anna,
            ACTIVITIES,
            Some(&json!({"kind": "call", "subject": "x", "assignee_id": bert_id})),
        )
        .await;
    assert_eq!(for_bert.status(), StatusCode::CREATED);
    let record: Value = for_bert.json().await.unwrap();
    let path = format!("{ACTIVITIES}/{}", id(&record));
    assert_eq!(
        app.request(Method::GET, &path, Some(&bert), None).await.status(),
        StatusCode::OK
    );
    let hidden = app.request(Method::GET, &path, Some(&carl), None).await;
    assert_problem(hidden, StatusCode::NOT_FOUND, "not_found").await;
    let carl_list: Value = app
        .request(Method::GET, ACTIVITIES, Some(&carl), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(carl_list["items"], json!([]));

    let to_stranger = app
        .post_as(
            &anna,
            ACTIVITIES,
            Some(&json!({"kind": "call", "subject": "x", "assignee_id": carl_id})),
        )
        .await;
    let problem = assert_problem(to_stranger, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_in_team");
    let unassigned = app
        .request(Method::PATCH, &path, Some(&anna), Some(&json!({"assignee_id": null})))
        .await;
    let problem = assert_problem(unassigned, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["assignee_id"]);
}

#[tokio::test]
async fn viewers_read_activities_but_act_on_none() {
    let app = spawn_app().await;
    let viewer = app.login_as(Role::Viewer).await;
    let record = activity(&app, &json!({"kind": "note", "subject": "Met at the fair"})).await;
    let path = format!("{ACTIVITIES}/{}", id(&record));
    let read: Value = app
        .request(Method::GET, &path, Some(&viewer), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["allowed_actions"], json!([]));
    let refused = app.post_as(&viewer, &format!("{path}/cancel"), None).await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let refused = app
        .post_as(&viewer, ACTIVITIES, Some(&json!({"kind": "note", "subject": "x"})))
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
}

#[tokio::test]
async fn a_stale_if_match_refuses_a_transition() {
    let app = spawn_app().await;
    let record = activity(&app, &json!({"kind": "call", "subject": "x"})).await;
    let path = format!("{ACTIVITIES}/{}", id(&record));
    let stale = app
        .client
        .post(app.url(&format!("{path}/start")))
        .bearer_auth(&app.admin_token)
        .header("if-match", "\"7\"")
        .send()
        .await
        .unwrap();
    let problem = assert_problem(stale, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    assert_eq!(problem["current_version"], 1);
    assert_eq!(app.get_json(&path).await["status"], "planned");
    let fresh = app
        .client
        .post(app.url(&format!("{path}/start")))
        .bearer_auth(&app.admin_token)
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(fresh.status(), StatusCode::OK);
}

#[tokio::test]
async fn activities_relate_to_orders_and_invoices_and_outlive_a_deleted_draft() {
    let app = spawn_app().await;
    let org = app.customer().await;
    let order = app.confirmed_order(&org, &["2"]).await;
    let draft = crate::invoices::direct_draft(&app, &org).await;
    let about_order = activity(
        &app,
        &json!({"kind": "call", "subject": "Delivery date", "party_id": id(&org), "sales_order_id": id(&order)}),
    )
    .await;
    let dunning = activity(
        &app,
        &json!({"kind": "task", "subject": "Check the invoice", "party_id": id(&org), "invoice_id": id(&draft)}),
    )
    .await;
    let page = app
        .get_json(&format!("{ACTIVITIES}?sales_order_id={}", id(&order)))
        .await;
    assert_eq!(item_ids(&page), vec![id(&about_order)]);
    let page = app.get_json(&format!("{ACTIVITIES}?invoice_id={}", id(&draft))).await;
    assert_eq!(item_ids(&page), vec![id(&dunning)]);

    let both = app
        .post(
            ACTIVITIES,
            &json!({"kind": "call", "subject": "x", "party_id": id(&org), "sales_order_id": id(&order),
                    "invoice_id": id(&draft)}),
        )
        .await;
    let problem = assert_problem(both, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["invoice_id"]);
    let other = app
        .post_party(&json!({"kind": "organization", "name": "Elsewhere"}))
        .await;
    let elsewhere = app
        .post(
            ACTIVITIES,
            &json!({"kind": "call", "subject": "x", "party_id": id(&other), "invoice_id": id(&draft)}),
        )
        .await;
    let problem = assert_problem(elsewhere, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "other_party");
    let unknown = app
        .post(
            ACTIVITIES,
            &json!({"kind": "call", "subject": "x", "party_id": id(&org), "sales_order_id": id(&org)}),
        )
        .await;
    let problem = assert_problem(unknown, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["sales_order_id"]);

    // Deleting the draft keeps the task, without the link, and says so in its history.
    let deleted = app
        .request(
            Method::DELETE,
            &format!("/api/v1/invoices/{}", id(&draft)),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let kept = app.get_json(&format!("{ACTIVITIES}/{}", id(&dunning))).await;
    assert_eq!((&kept["invoice_id"], &kept["version"]), (&Value::Null, &json!(2)));
    let history = app.get_json(&format!("{ACTIVITIES}/{}/history", id(&dunning))).await;
    assert_eq!(history["items"].as_array().unwrap().len(), 2);
}
