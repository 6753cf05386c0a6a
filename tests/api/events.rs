//! The change feed: every change of every record, committed with it, in an order a consumer
//! pages through without missing or repeating one, also while many writers commit at once.

use domain::access::Role;
use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};

use chrono::TimeDelta;
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, TransactionTrait};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, assert_problem, id, spawn_app, stored_instant};

const EVENTS: &str = "/api/v1/events";

/// Every event after `cursor`, paging `limit` at a time, and the cursor to resume from.
async fn drain(app: &TestApp, cursor: Option<String>, limit: u32) -> (Vec<Value>, String) {
    let mut cursor = cursor;
    let mut events = Vec::new();
    loop {
        let after = cursor.as_deref().map(|c| format!("&after={c}")).unwrap_or_default();
        let page = app.get_json(&format!("{EVENTS}?limit={limit}{after}")).await;
        let items = page["items"].as_array().unwrap().clone();
        let next = page["next_cursor"].as_str().expect("never null").to_owned();
        if items.is_empty() {
            // An empty page keeps the cursor given (none given, "" included, starts at the oldest
            // event: its cursor is the feed's start).
            if let Some(given) = cursor.as_ref().filter(|given| !given.is_empty()) {
                assert_eq!(&next, given, "an empty page keeps the cursor");
            }
            return (events, next);
        }
        events.extend(items);
        cursor = Some(next);
    }
}

/// The events after `cursor` once there are at least `count`. On PostgreSQL the feed holds back
/// the events of transactions younger than the oldest one still running anywhere on the server
/// (other tests' databases included), so a committed change may show a moment later: poll.
async fn at_least(app: &TestApp, cursor: String, count: usize) -> (Vec<Value>, String) {
    let mut cursor = cursor;
    let mut events = Vec::new();
    for _ in 0..10_000 {
        let (more, next) = drain(app, Some(cursor), 50).await;
        events.extend(more);
        cursor = next;
        if events.len() >= count {
            break;
        }
        tokio::task::yield_now().await;
    }
    (events, cursor)
}

/// The cursor past the server's own start-up change, the first admin's creation. On PostgreSQL
/// it may be held back a moment (see `at_least`); a cursor taken before it shows would see it
/// later among the test's own events.
async fn past_start_up(app: &TestApp) -> String {
    let (events, cursor) = at_least(app, String::new(), 1).await;
    assert_eq!(events.len(), 1, "only the first admin: {events:?}");
    cursor
}

fn types_of<'a>(events: &'a [Value], resource_id: &str) -> Vec<&'a str> {
    events
        .iter()
        .filter(|e| e["resource_id"] == resource_id)
        .map(|e| e["type"].as_str().unwrap())
        .collect()
}

#[tokio::test]
async fn every_change_is_an_event_named_after_what_happened() {
    let app = spawn_app().await;
    let start = past_start_up(&app).await;
    let party = app
        .post_party(&json!({"kind": "organization", "name": "Acme", "roles": ["customer"], "currency": "EUR"}))
        .await;
    let renamed = app
        .patch(&format!("/api/v1/parties/{}", id(&party)), &json!({"name": "Acme AG"}))
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let offer = app
        .post_expect(
            "/api/v1/offers",
            &json!({"party_id": id(&party), "lines": [{"description": "A", "quantity": "1", "unit_price": "10", "tax_rate": "19"}]}),
            StatusCode::CREATED,
        )
        .await;
    for action in ["send", "accept"] {
        let response = app
            .post_as(
                &app.admin_token,
                &format!("/api/v1/offers/{}/{action}", id(&offer)),
                None,
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK);
    }
    let draft = crate::invoices::direct_draft(&app, &party).await;
    let deleted = app
        .request(
            Method::DELETE,
            &format!("/api/v1/invoices/{}", id(&draft)),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let archived = app
        .request(
            Method::DELETE,
            &format!("/api/v1/parties/{}", id(&party)),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(archived.status(), StatusCode::NO_CONTENT);

    let (paged, _) = at_least(&app, start.clone(), 8).await;
    let (events, _) = drain(&app, Some(start), 3).await;
    assert_eq!(events, paged, "pages of 3 and of 50 give the same feed");
    assert_eq!(events.len(), 8);
    assert_eq!(
        types_of(&events, id(&party)),
        vec!["party.created", "party.updated", "party.archived"]
    );
    assert_eq!(
        types_of(&events, id(&offer)),
        vec!["offer.created", "offer.sent", "offer.accepted"]
    );
    assert_eq!(
        types_of(&events, id(&draft)),
        vec!["invoice.created", "invoice.deleted"]
    );
    let accepted = events.iter().find(|e| e["type"] == "offer.accepted").unwrap();
    assert_eq!(
        (
            &accepted["resource_type"],
            &accepted["data"]["status"],
            &accepted["data"]["total"]
        ),
        (&json!("offer"), &json!("accepted"), &json!("11.90"))
    );
    assert!(accepted["data"].get("allowed_actions").is_none());
    assert!(accepted["actor_id"].is_string());
    let gone = events.iter().find(|e| e["type"] == "invoice.deleted").unwrap();
    assert_eq!(
        gone["data"]["id"],
        id(&draft),
        "a deletion carries the record as it was"
    );
    let ids: HashSet<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), events.len(), "no event twice");
}

/// Users and teams are resources of the feed too: an integrator maps owners from it. The first
/// admin, made by the server at start-up, is an event without an actor; no event shows a password.
#[tokio::test]
async fn users_and_teams_are_in_the_feed_without_their_passwords() {
    let app = spawn_app().await;
    let team = app.create_team("North").await;
    let renamed = app
        .patch(&format!("/api/v1/teams/{team}"), &json!({"name": "North-East"}))
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let (user, _) = app.user_with_role(Role::Sales, Some(&team)).await;
    let changed = app
        .patch(
            &format!("/api/v1/users/{user}"),
            &json!({"active": false, "password": "another long password"}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let only_password = app
        .patch(
            &format!("/api/v1/users/{user}"),
            &json!({"password": "a third long password"}),
        )
        .await;
    assert_eq!(only_password.status(), StatusCode::OK);

    // From the start of the feed (an empty cursor): the first admin's creation, then the above.
    let (events, _) = at_least(&app, String::new(), 5).await;
    assert_eq!(events.len(), 5);
    let first = &events[0];
    assert_eq!(
        (&first["type"], &first["actor_id"], &first["data"]["role"]),
        (&json!("user.created"), &json!(null), &json!("admin"))
    );
    assert_eq!(types_of(&events, &team), vec!["team.created", "team.updated"]);
    assert_eq!(
        types_of(&events, &user),
        vec!["user.created", "user.updated"],
        "a change of the password alone is no event"
    );
    let deactivated = events.iter().find(|e| e["type"] == "user.updated").unwrap();
    assert_eq!(
        (&deactivated["data"]["active"], &deactivated["data"]["team_id"]),
        (&json!(false), &json!(team))
    );
    assert!(deactivated["actor_id"].is_string());
    let text = serde_json::to_string(&events).unwrap();
    assert!(!text.contains("password") && !text.contains("argon2"), "{text}");
    let renamed = events.iter().find(|e| e["type"] == "team.updated").unwrap();
    assert_eq!(renamed["data"]["name"], "North-East");
}

#[tokio::test]
async fn the_feed_is_for_integrators_and_its_cursors_are_checked() {
    let app = spawn_app().await;
    let sales = app.login_as(Role::Sales).await;
    let refused = app.request(Method::GET, EVENTS, Some(&sales), None).await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let integrator = app.login_as(Role::Integrator).await;
    let allowed = app.request(Method::GET, EVENTS, Some(&integrator), None).await;
    assert_eq!(allowed.status(), StatusCode::OK);
    for cursor in ["nonsense", "ZXYxLjEuMg.x"] {
        let bad = app.get(&format!("{EVENTS}?after={cursor}")).await;
        assert_problem(bad, StatusCode::BAD_REQUEST, "invalid_cursor").await;
    }
    // A misspelt parameter is refused, as by every list, not read as "everything".
    let misspelt = app.get(&format!("{EVENTS}?afte=x")).await;
    assert_problem(misspelt, StatusCode::BAD_REQUEST, "invalid_query").await;
}

/// On PostgreSQL transactions draw sequence numbers in one order and commit in another. A writer
/// that appended its event first but commits last (held open here behind the server's back, as a
/// slow request of another instance would be) is still seen by a consumer that paged while a later
/// writer's event was committed: that one is held back until the slow writer ends. A feed ordered
/// by sequence, or by transaction without holding back, would skip the slow writer's event for
/// good. SQLite's writers are serial: nothing can commit out of order there.
#[tokio::test]
async fn an_event_committed_after_a_later_one_is_not_skipped() {
    let app = spawn_app().await;
    if !app.on_postgres() {
        return;
    }
    let start = past_start_up(&app).await;
    let party = app
        .post_party(&json!({"kind": "organization", "name": "Acme", "currency": "EUR"}))
        .await;
    let (created, cursor) = at_least(&app, start, 1).await;
    assert_eq!(types_of(&created, id(&party)), vec!["party.created"]);

    let db = app.database().await;
    let slow = db.begin().await.unwrap();
    let slow_event = Uuid::now_v7();
    slow.execute_unprepared(&format!(
        "INSERT INTO events (tx, id, type, resource_type, resource_id, occurred_at, data) \
         VALUES (pg_current_xact_id()::text::bigint, '{slow_event}', 'party.updated', 'party', '{}', now(), '{{}}')",
        id(&party)
    ))
    .await
    .unwrap();
    let renamed = app
        .patch(&format!("/api/v1/parties/{}", id(&party)), &json!({"name": "Acme AG"}))
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);

    let (held, same) = drain(&app, Some(cursor.clone()), 50).await;
    assert!(held.is_empty(), "the later commit waits for the slow writer: {held:?}");
    assert_eq!(same, cursor);
    slow.commit().await.unwrap();
    let (events, _) = at_least(&app, cursor, 2).await;
    let ids: Vec<&str> = events.iter().map(|e| e["id"].as_str().unwrap()).collect();
    assert_eq!(ids.len(), 2, "{events:?}");
    assert_eq!(
        ids[0],
        slow_event.to_string(),
        "the slow writer's event, first drawn, first"
    );
    assert_eq!(events[1]["data"]["name"], "Acme AG");
}

/// Twenty writers create ten parties each while a consumer pages through the feed: the consumer
/// sees every one of the 200 creations exactly once (the test above forces the out-of-order
/// commit that this load only sometimes makes).
#[tokio::test]
async fn a_consumer_paging_during_many_concurrent_writes_misses_nothing() {
    let app = spawn_app().await;
    let start = past_start_up(&app).await;
    let done = AtomicBool::new(false);
    let writers = async {
        let created = join_all((0..20).map(|w| {
            let app = &app;
            async move {
                let mut ids = Vec::new();
                for i in 0..10 {
                    let party = app
                        .post_party(&json!({"kind": "organization", "name": format!("Writer {w} party {i}")}))
                        .await;
                    ids.push(id(&party).to_owned());
                }
                ids
            }
        }))
        .await;
        done.store(true, Ordering::SeqCst);
        created.into_iter().flatten().collect::<Vec<String>>()
    };
    let consumer = async {
        let mut cursor = start;
        let mut seen = Vec::new();
        let mut polls_after_writers = 0;
        // Until all 200 are seen (a duplicate would end it early, and fail below); bounded, in
        // case one is really missing.
        while seen.len() < 200 && polls_after_writers < 10_000 {
            if done.load(Ordering::SeqCst) {
                polls_after_writers += 1;
            }
            let page = app.get_json(&format!("{EVENTS}?limit=7&after={cursor}")).await;
            let items = page["items"].as_array().unwrap();
            seen.extend(items.iter().map(|e| e["resource_id"].as_str().unwrap().to_owned()));
            cursor = page["next_cursor"].as_str().unwrap().to_owned();
            tokio::task::yield_now().await;
        }
        seen
    };
    let (created, seen) = tokio::join!(writers, consumer);
    let unique: HashSet<&String> = seen.iter().collect();
    assert_eq!(unique.len(), seen.len(), "no event twice");
    let created: HashSet<&String> = created.iter().collect();
    assert_eq!(created.len(), 200);
    assert_eq!(unique, created, "every committed creation seen");
}

/// Events are kept for `CRM_EVENT_RETENTION_DAYS` (30 here, the default); housekeeping drops
/// older ones when a server starts, then hourly, in batches. A consumer whose cursor stood before a dropped
/// event resumes with what is left.
#[tokio::test]
async fn events_past_their_retention_are_dropped_and_consumers_resume() {
    let app = spawn_app().await;
    let start = past_start_up(&app).await;
    let old = app
        .post_party(&json!({"kind": "organization", "name": "Old news"}))
        .await;
    let (seen, _) = at_least(&app, start.clone(), 1).await;
    assert_eq!(types_of(&seen, id(&old)), vec!["party.created"]);
    app.execute_sql(&format!(
        "UPDATE events SET occurred_at = '{}'",
        stored_instant(TimeDelta::days(31))
    ))
    .await;
    // A backlog bigger than one delete batch (5,000): it goes in several statements.
    let copy_id = if app.on_postgres() {
        "('00000000-0000-4000-8000-' || lpad(i::text, 12, '0'))::uuid"
    } else {
        "printf('00000000-0000-4000-8000-%012d', i)"
    };
    app.execute_sql(&format!(
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 12000) \
         INSERT INTO events (tx, id, type, resource_type, resource_id, actor_id, occurred_at, data) \
         SELECT tx, {copy_id}, type, resource_type, resource_id, actor_id, occurred_at, data \
         FROM events, n WHERE type = 'party.created'"
    ))
    .await;
    app.execute_sql(&format!(
        "UPDATE events SET occurred_at = '{}' WHERE type = 'user.created'",
        stored_instant(TimeDelta::days(29))
    ))
    .await;
    let recent = app
        .post_party(&json!({"kind": "organization", "name": "Fresh news"}))
        .await;

    app.another_instance().await;
    let (events, _) = at_least(&app, start, 1).await;
    let resources: Vec<&str> = events.iter().map(|e| e["resource_id"].as_str().unwrap()).collect();
    assert_eq!(resources, vec![id(&recent)], "the old party's creation is gone");
    let (from_the_start, _) = drain(&app, Some(String::new()), 50).await;
    let types: Vec<&str> = from_the_start.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, vec!["user.created", "party.created"], "29 days old is kept");
}

/// The path of a record of the feed's `resource_type`.
fn record_path(event: &Value) -> String {
    let collection = match event["resource_type"].as_str().unwrap() {
        "party" => "parties",
        "activity" => "activities",
        "opportunity" => "opportunities",
        "pipeline_stage" => "pipeline-stages",
        "product" => "products",
        "price_list" => "price-lists",
        "discount_rule" => "discount-rules",
        "offer" => "offers",
        "sales_order" => "sales-orders",
        "invoice_order" => "invoice-orders",
        "invoice" => "invoices",
        "user" => "users",
        "team" => "teams",
        other => panic!("unknown resource type {other}"),
    };
    format!("/api/v1/{collection}/{}", event["resource_id"].as_str().unwrap())
}

/// A sales order's invoicing figures follow its invoice orders and invoices, whose own events
/// tell of them: the order's last event was before.
fn without_invoicing_figures(order: &mut Value) {
    order.as_object_mut().unwrap().remove("invoicing_status");
    for line in order["lines"].as_array_mut().unwrap() {
        for figure in [
            "invoicing_status",
            "invoiced_quantity",
            "reserved_quantity",
            "remaining_quantity",
        ] {
            line.as_object_mut().unwrap().remove(figure);
        }
    }
}

/// Consumers rebuild records from the feed: the last event of each record carries it exactly as
/// `GET` shows it (but for `allowed_actions`, which are the reader's, not the record's), for
/// every resource of the feed, documents with their lines, totals and payments included.
#[tokio::test]
async fn the_last_event_of_every_record_is_the_record_as_read() {
    let app = spawn_app().await;
    let start = past_start_up(&app).await;
    let team = app.create_team("North").await;
    app.user_with_role(Role::Sales, Some(&team)).await;
    let party = app.customer().await;
    app.post_expect(
        "/api/v1/activities",
        &json!({"kind": "call", "subject": "Intro", "party_id": id(&party)}),
        StatusCode::CREATED,
    )
    .await;
    let stage = app
        .post_expect(
            "/api/v1/pipeline-stages",
            &json!({"name": "Demo", "position": 3, "default_probability": "40"}),
            StatusCode::CREATED,
        )
        .await;
    let deal = app
        .post_expect(
            "/api/v1/opportunities",
            &json!({"title": "Fleet", "party_id": id(&party), "stage_id": id(&stage), "amount": "1000.00", "currency": "EUR"}),
            StatusCode::CREATED,
        )
        .await;
    let product = app
        .post_expect(
            "/api/v1/products",
            &json!({"sku": "B-1", "name": "Bolt", "list_price": "1.255", "currency": "EUR", "tax_rate": "7"}),
            StatusCode::CREATED,
        )
        .await;
    app.post_expect(
        "/api/v1/price-lists",
        &json!({"name": "Dealers", "currency": "EUR", "entries": [{"product_id": id(&product), "unit_price": "1.10", "min_quantity": "10"}]}),
        StatusCode::CREATED,
    )
    .await;
    app.post_expect(
        "/api/v1/discount-rules",
        &json!({"name": "Volume", "percent": "5", "min_quantity": "100"}),
        StatusCode::CREATED,
    )
    .await;
    let offer = app
        .post_expect(
            "/api/v1/offers",
            &json!({"party_id": id(&party), "opportunity_id": id(&deal), "lines": [
                {"product_id": id(&product), "quantity": "100"},
                {"description": "Setup", "quantity": "2", "unit_price": "80", "tax_rate": "19", "optional": true}
            ]}),
            StatusCode::CREATED,
        )
        .await;
    for action in ["send", "accept"] {
        let response = app
            .post_as(
                &app.admin_token,
                &format!("/api/v1/offers/{}/{action}", id(&offer)),
                None,
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{action}");
    }
    let order = app
        .post_expect(
            "/api/v1/sales-orders",
            &json!({"offer_id": id(&offer)}),
            StatusCode::CREATED,
        )
        .await;
    let confirmed = app
        .post_as(
            &app.admin_token,
            &format!("/api/v1/sales-orders/{}/confirm", id(&order)),
            None,
        )
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let (_, invoice) = crate::invoices::draft_of_whole_order(&app, &order).await;
    let issued = app
        .post_as(
            &app.admin_token,
            &format!("/api/v1/invoices/{}/issue", id(&invoice)),
            None,
        )
        .await;
    assert_eq!(issued.status(), StatusCode::OK);
    app.post_expect(
        &format!("/api/v1/invoices/{}/payments", id(&invoice)),
        &json!({"amount": "20.00", "method": "bank_transfer"}),
        StatusCode::CREATED,
    )
    .await;

    let (events, _) = at_least(&app, start, 20).await;
    let mut last = std::collections::BTreeMap::new();
    for event in &events {
        last.insert(event["resource_id"].as_str().unwrap().to_owned(), event);
    }
    let mut types = HashSet::new();
    for event in last.values() {
        types.insert(event["resource_type"].as_str().unwrap());
        let mut read = app.get_json(&record_path(event)).await;
        read.as_object_mut().unwrap().remove("allowed_actions");
        // Derived from other records (a party's contracts), not part of the record's own form.
        read.as_object_mut().unwrap().remove("active_contracts");
        let mut data = event["data"].clone();
        if event["resource_type"] == "sales_order" {
            for record in [&mut data, &mut read] {
                without_invoicing_figures(record);
            }
        }
        assert_eq!(data, read, "{}", event["type"]);
    }
    assert_eq!(types.len(), 13, "every resource of the feed: {types:?}");
}

/// Generated clients parse the feed by the document: each event's `data` has exactly the fields
/// of the record form its `resource_type` names (`PartyRecord` for a party), every required one
/// among them, for every resource the feed carries.
#[tokio::test]
async fn every_event_carries_its_record_as_the_document_describes_it() {
    let app = spawn_app().await;
    let start = past_start_up(&app).await;
    let team = app.create_team("North").await;
    let party = app.customer().await;
    crate::attachments::attach(&app, &app.admin_token, "party", &party, "terms.txt", b"Net 30").await;
    let product = app
        .post_expect(
            "/api/v1/products",
            &json!({"sku": "H-1", "name": "Hosting", "list_price": "49.00", "currency": "EUR", "tax_rate": "19"}),
            StatusCode::CREATED,
        )
        .await;
    let calendar =
        json!({"time_zone": "Europe/Berlin", "working_days": [1, 2, 3, 4, 5], "start": "09:00", "end": "17:00"});
    for (path, body) in [
        (
            "/api/v1/sla-policies",
            json!({"name": "High", "priority": "high", "calendar": calendar, "first_response_minutes": 60, "resolution_minutes": 480}),
        ),
        (
            "/api/v1/cases",
            json!({"subject": "Wrong address", "party_id": id(&party), "priority": "high", "channel": "email"}),
        ),
        (
            "/api/v1/contracts",
            json!({"party_id": id(&party), "title": "Framework", "valid_from": "2026-03-01", "valid_to": "2026-12-31"}),
        ),
        (
            "/api/v1/subscriptions",
            json!({"party_id": id(&party), "interval": "month", "start_date": "2026-01-01",
                   "lines": [{"product_id": id(&product), "quantity": "1"}]}),
        ),
        (
            "/api/v1/sales-targets",
            json!({"team_id": team, "period": "quarter", "period_start": "2026-01-01", "metric": "invoiced_net",
                   "target": "1000", "currency": "EUR"}),
        ),
    ] {
        app.post_expect(path, &body, StatusCode::CREATED).await;
    }

    let document = app.get_json("/api-docs/openapi.json").await;
    let schemas = &document["components"]["schemas"];
    let mapping = &schemas["EventResponse"]["discriminator"]["mapping"];
    let (events, _) = at_least(&app, start, 9).await;
    let mut types = HashSet::new();
    for event in &events {
        let resource_type = event["resource_type"].as_str().unwrap();
        let form = mapping[resource_type]
            .as_str()
            .unwrap_or_else(|| panic!("{resource_type} is not mapped"));
        let form = &schemas[form.rsplit('/').next().unwrap()];
        assert_eq!(form["properties"]["resource_type"]["const"], resource_type);
        let record = form["properties"]["data"]["$ref"].as_str().unwrap();
        let record = &schemas[record.rsplit('/').next().unwrap()];
        let mut documented: Vec<&String> = record["properties"].as_object().unwrap().keys().collect();
        let mut sent: Vec<&String> = event["data"].as_object().unwrap().keys().collect();
        documented.sort();
        sent.sort();
        assert_eq!(sent, documented, "{}", event["type"]);
        for required in record["required"].as_array().unwrap() {
            assert!(
                event["data"].get(required.as_str().unwrap()).is_some(),
                "{}: {required}",
                event["type"]
            );
        }
        types.insert(resource_type.to_owned());
    }
    for expected in [
        "party",
        "attachment",
        "product",
        "sla_policy",
        "case",
        "contract",
        "subscription",
        "sales_target",
        "team",
    ] {
        assert!(types.contains(expected), "no {expected} event: {types:?}");
    }
}

/// A consumer that wants some events only asks for them: `type` and `resource_type` (each
/// repeatable) narrow the feed, pages of a filtered feed may be short or empty while their cursor
/// moves on, and following the cursors yields exactly the wanted events of the whole feed.
#[tokio::test]
async fn the_feed_filtered_by_type_yields_exactly_the_wanted_events() {
    let app = spawn_app().await;
    let start = past_start_up(&app).await;
    let mut parties = Vec::new();
    for n in 0..7 {
        let party = app
            .post_party(&json!({"kind": "person", "name": format!("P{n}")}))
            .await;
        app.patch(&format!("/api/v1/parties/{}", id(&party)), &json!({"phone": "+49 1"}))
            .await;
        parties.push(party);
    }
    app.create_team("North").await;
    let (all, _) = at_least(&app, start.clone(), 15).await;
    for (query, wanted) in [
        ("type=party.updated", vec!["party.updated"]),
        (
            "type=party.created&type=team.created",
            vec!["party.created", "team.created"],
        ),
        ("resource_type=team", vec!["team.created"]),
    ] {
        let expected: Vec<&Value> = all
            .iter()
            .filter(|e| wanted.contains(&e["type"].as_str().unwrap()))
            .collect();
        let (mut got, mut cursor) = (Vec::new(), start.clone());
        loop {
            let page = app.get_json(&format!("{EVENTS}?{query}&limit=2&after={cursor}")).await;
            let items = page["items"].as_array().unwrap();
            assert!(items.len() <= 2);
            got.extend(items.iter().cloned());
            let next = page["next_cursor"].as_str().unwrap().to_owned();
            if items.is_empty() && next == cursor {
                break;
            }
            cursor = next;
        }
        let ids = |events: &[&Value]| events.iter().map(|e| e["id"].clone()).collect::<Vec<_>>();
        assert_eq!(ids(&got.iter().collect::<Vec<_>>()), ids(&expected), "{query}");
    }
    // An empty type is a text like any other (no event has it); an empty resource type is none.
    assert_eq!(app.get(&format!("{EVENTS}?type=")).await.status(), StatusCode::OK);
    let unknown = app.get(&format!("{EVENTS}?resource_type=robot")).await;
    let problem = assert_problem(unknown, StatusCode::BAD_REQUEST, "invalid_query").await;
    assert_eq!(problem["errors"][0]["field"], "resource_type[0]");
}
