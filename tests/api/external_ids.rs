//! External ids on offers, sales orders and invoices: `PUT …/by-external-id/{id}` creates the
//! draft, replaces it while it is a draft (lines priced again), refuses it afterwards, and makes
//! one record when twenty first upserts race.

use domain::access::Role;
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::worked_example_with_an_option;
use crate::helpers::{TestApp, assert_problem, error_fields, id, spawn_app};
use crate::sales_orders::ORDERS;

const RESOURCES: [&str; 3] = ["/api/v1/offers", ORDERS, "/api/v1/invoices"];

/// The worked example of domain.md: net 91.26, total 108.37.
fn example_lines() -> Value {
    json!([
        {"description": "A", "quantity": "3", "unit_price": "19.99", "tax_rate": "20"},
        {"description": "B", "quantity": "2.5", "unit_price": "10.00", "discount_percent": "10", "tax_rate": "20"},
        {"description": "C", "quantity": "7", "unit_price": "1.255", "tax_rate": "7"}
    ])
}

fn one_line() -> Value {
    json!([{"description": "D", "quantity": "2", "unit_price": "10.00", "tax_rate": "20"}])
}

async fn put(app: &TestApp, path: &str, body: &Value, if_match: Option<&str>) -> reqwest::Response {
    let mut request = app.client.put(app.url(path)).bearer_auth(&app.admin_token).json(body);
    if let Some(etag) = if_match {
        request = request.header("If-Match", etag);
    }
    request.send().await.expect("the request is sent")
}

async fn put_expect(app: &TestApp, path: &str, body: &Value, status: StatusCode) -> Value {
    let response = put(app, path, body, None).await;
    let actual = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(actual, status, "PUT {path}: {text}");
    serde_json::from_str(&text).unwrap()
}

async fn history_actions(app: &TestApp, resource: &str, record: &Value) -> Vec<String> {
    let page = app.get_json(&format!("{resource}/{}/history", id(record))).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|entry| entry["action"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn each_document_is_created_then_replaced_by_its_external_id() {
    let app = spawn_app().await;
    let party = app.customer().await;
    for resource in RESOURCES {
        let path = format!("{resource}/by-external-id/ERP-1");
        let body = json!({"party_id": id(&party), "notes": "first", "lines": example_lines()});
        let response = put(&app, &path, &body, None).await;
        assert_eq!(response.status(), StatusCode::CREATED, "{resource}");
        assert_eq!(response.headers()["etag"], "\"1\"");
        let location = response.headers()["location"].to_str().unwrap().to_owned();
        let created: Value = response.json().await.unwrap();
        assert_eq!(location, format!("{resource}/{}", id(&created)));
        assert_eq!(created["external_id"], "ERP-1");
        assert_eq!(created["status"], "draft");
        assert_eq!(created["total"], "108.37");

        // The same record again changes nothing: no new version, the same line ids.
        let again = put_expect(&app, &path, &body, StatusCode::OK).await;
        assert_eq!(again["id"], created["id"]);
        assert_eq!(again["version"], 1, "{resource}");
        assert_eq!(again["lines"], created["lines"]);

        // New lines replace the old ones, and the totals follow; omitted notes are cleared.
        let replaced = put_expect(
            &app,
            &path,
            &json!({"party_id": id(&party), "lines": one_line()}),
            StatusCode::OK,
        )
        .await;
        assert_eq!(replaced["id"], created["id"]);
        assert_eq!(replaced["version"], 2);
        assert_eq!(replaced["lines"].as_array().unwrap().len(), 1);
        assert_eq!(replaced["lines"][0]["description"], "D");
        assert_eq!(replaced["net_total"], "20.00");
        assert_eq!(replaced["total"], "24.00");
        assert_eq!(replaced["notes"], Value::Null, "the body is the whole record");
        let read = app.get_json(&format!("{resource}/{}", id(&created))).await;
        assert_eq!(read["lines"], replaced["lines"]);
        assert_eq!(
            history_actions(&app, resource, &created).await,
            vec!["created", "updated"]
        );

        let stale = put(
            &app,
            &path,
            &json!({"party_id": id(&party), "lines": example_lines()}),
            Some("\"1\""),
        )
        .await;
        let problem = assert_problem(stale, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
        assert_eq!(problem["current_version"], 2);

        let listed = app.get_json(&format!("{resource}?external_id=ERP-1")).await;
        let items = listed["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{resource}");
        assert_eq!(items[0]["id"], created["id"]);
        let none = app.get_json(&format!("{resource}?external_id=ERP-2")).await;
        assert!(none["items"].as_array().unwrap().is_empty());

        let duplicate = app
            .post(
                resource,
                &json!({"party_id": id(&party), "lines": one_line(), "external_id": "ERP-1"}),
            )
            .await;
        let problem = assert_problem(duplicate, StatusCode::CONFLICT, "duplicate_external_id").await;
        assert_eq!(problem["existing_id"], created["id"]);

        let created_by_post = app
            .post_expect(
                resource,
                &json!({"party_id": id(&party), "lines": one_line(), "external_id": " ERP-3 "}),
                StatusCode::CREATED,
            )
            .await;
        assert_eq!(created_by_post["external_id"], "ERP-3", "trimmed like every short text");
        let mismatch = put(
            &app,
            &path,
            &json!({"party_id": id(&party), "lines": one_line(), "external_id": "ERP-3"}),
            None,
        )
        .await;
        let problem = assert_problem(mismatch, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), vec!["external_id"]);
    }
}

#[tokio::test]
async fn a_document_past_its_draft_is_not_replaced() {
    let app = spawn_app().await;
    let party = app.customer().await;
    for (resource, action) in [
        ("/api/v1/offers", "send"),
        (ORDERS, "confirm"),
        ("/api/v1/invoices", "issue"),
    ] {
        let path = format!("{resource}/by-external-id/ERP-LOCKED");
        let body = json!({"party_id": id(&party), "lines": example_lines()});
        let created = put_expect(&app, &path, &body, StatusCode::CREATED).await;
        let response = app
            .post_as(&app.admin_token, &format!("{resource}/{}/{action}", id(&created)), None)
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{resource} {action}");
        let before = app.get_json(&format!("{resource}/{}", id(&created))).await;

        let refused = put(&app, &path, &json!({"party_id": id(&party), "lines": one_line()}), None).await;
        assert_problem(refused, StatusCode::CONFLICT, "document_immutable").await;
        let after = app.get_json(&format!("{resource}/{}", id(&created))).await;
        assert_eq!(after, before, "{resource}: a refused upsert changes nothing");
    }
}

#[tokio::test]
async fn an_order_or_invoice_keeps_its_party_and_the_lines_of_its_source() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let other = app
        .post_party(&json!({"kind": "organization", "name": "Other", "currency": "EUR"}))
        .await;
    for resource in [ORDERS, "/api/v1/invoices"] {
        let path = format!("{resource}/by-external-id/ERP-PARTY");
        put_expect(
            &app,
            &path,
            &json!({"party_id": id(&party), "lines": one_line()}),
            StatusCode::CREATED,
        )
        .await;
        let moved = put(&app, &path, &json!({"party_id": id(&other), "lines": one_line()}), None).await;
        let problem = assert_problem(moved, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), vec!["party_id"]);
        assert_eq!(problem["errors"][0]["code"], "unchangeable");
    }

    // A converted order's lines are the offer's.
    let offer = app.accepted_offer(&party, &worked_example_with_an_option()).await;
    let converted = app
        .post_expect(
            ORDERS,
            &json!({"offer_id": id(&offer), "external_id": "ERP-CONVERTED"}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(converted["external_id"], "ERP-CONVERTED");
    let replaced = put(
        &app,
        &format!("{ORDERS}/by-external-id/ERP-CONVERTED"),
        &json!({"party_id": id(&party), "lines": one_line()}),
        None,
    )
    .await;
    let problem = assert_problem(replaced, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "lines_follow_source");
    let read = app.get_json(&format!("{ORDERS}/{}", id(&converted))).await;
    assert_eq!(read["version"], 1);

    // Sent as they are, they are accepted: a resend of what GET shows, with a new note.
    let restated: Vec<Value> = read["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|line| {
            json!({
                "product_id": line["product_id"], "description": line["description"],
                "quantity": line["quantity"], "unit": line["unit"], "unit_price": line["unit_price"],
                "discount_percent": line["discount_percent"], "tax_rate": line["tax_rate"],
            })
        })
        .collect();
    let resent = put(
        &app,
        &format!("{ORDERS}/by-external-id/ERP-CONVERTED"),
        &json!({"party_id": id(&party), "lines": restated, "notes": "Deliver to gate 2"}),
        None,
    )
    .await;
    assert_eq!(resent.status(), StatusCode::OK);
    let resent: Value = resent.json().await.unwrap();
    assert_eq!(resent["notes"], "Deliver to gate 2");
    assert_eq!(resent["lines"], read["lines"], "the offer's lines, untouched");
    assert_eq!(resent["version"], 2);
}

#[tokio::test]
async fn a_revision_takes_over_the_external_id() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let path = "/api/v1/offers/by-external-id/ERP-REV";
    let first = put_expect(
        &app,
        path,
        &json!({"party_id": id(&party), "lines": one_line()}),
        StatusCode::CREATED,
    )
    .await;
    for (action, status) in [("send", StatusCode::OK), ("revise", StatusCode::CREATED)] {
        let response = app
            .post_as(
                &app.admin_token,
                &format!("/api/v1/offers/{}/{action}", id(&first)),
                None,
            )
            .await;
        assert_eq!(response.status(), status, "{action}");
    }
    let superseded = app.get_json(&format!("/api/v1/offers/{}", id(&first))).await;
    assert_eq!(superseded["external_id"], Value::Null);
    let replaced = put_expect(
        &app,
        path,
        &json!({"party_id": id(&party), "lines": example_lines()}),
        StatusCode::OK,
    )
    .await;
    assert_eq!(replaced["revision"], 2);
    assert_eq!(replaced["revises_id"], first["id"]);
    assert_eq!(replaced["total"], "108.37");
}

#[tokio::test]
async fn racing_first_upserts_of_one_external_id_make_one_document() {
    let app = spawn_app().await;
    let party = app.customer().await;
    for resource in RESOURCES {
        let path = format!("{resource}/by-external-id/ERP-RACE");
        let body = json!({"party_id": id(&party), "lines": example_lines()});
        let puts = (0..20).map(|_| app.request(Method::PUT, &path, Some(&app.admin_token), Some(&body)));
        let statuses: Vec<StatusCode> = join_all(puts).await.iter().map(reqwest::Response::status).collect();
        let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
        let replaced = statuses.iter().filter(|s| **s == StatusCode::OK).count();
        assert_eq!((created, replaced), (1, 19), "{resource}: {statuses:?}");
        let listed = app.get_json(&format!("{resource}?external_id=ERP-RACE")).await;
        let items = listed["items"].as_array().unwrap();
        assert_eq!(items.len(), 1, "{resource}");
        assert_eq!(items[0]["version"], 1, "resending the same record changes nothing");
    }
}

#[tokio::test]
async fn a_resend_without_an_owner_keeps_the_sales_rep() {
    let app = spawn_app().await;
    let team = app.create_team("North").await;
    let (rep_id, rep) = app.user_with_role(Role::Sales, Some(&team)).await;
    let erp = app.login_as(Role::Integrator).await;
    let path = "/api/v1/parties/by-external-id/ERP-OWNER";
    let body = json!({"kind": "organization", "name": "Owned AG", "owner_id": rep_id});
    let created = app.request(Method::PUT, path, Some(&erp), Some(&body)).await;
    assert_eq!(created.status(), StatusCode::CREATED);
    assert_eq!(created.json::<Value>().await.unwrap()["owner_id"], rep_id.as_str());

    let resent = json!({"kind": "organization", "name": "Owned AG", "email": "erp@owned.example"});
    let replaced = app.request(Method::PUT, path, Some(&erp), Some(&resent)).await;
    assert_eq!(replaced.status(), StatusCode::OK);
    let replaced: Value = replaced.json().await.unwrap();
    assert_eq!(replaced["owner_id"], rep_id.as_str(), "the owner stays");
    let seen = app
        .request(
            Method::GET,
            path.replace("by-external-id/ERP-OWNER", id(&replaced)).as_str(),
            Some(&rep),
            None,
        )
        .await;
    assert_eq!(seen.status(), StatusCode::OK, "the rep still sees it");
}

/// An integrator reads a record by the key it keeps: `GET …/by-external-id/{id}` answers what
/// `GET …/{id}` does, with its `ETag`; an unknown key, or a record the caller cannot see, is a 404.
#[tokio::test]
async fn a_record_is_read_by_its_external_id() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let body = json!({"party_id": id(&party), "notes": "first", "lines": example_lines()});
    for resource in RESOURCES {
        let created = put_expect(
            &app,
            &format!("{resource}/by-external-id/ERP-7"),
            &body,
            StatusCode::CREATED,
        )
        .await;
        let response = app.get(&format!("{resource}/by-external-id/ERP-7")).await;
        assert_eq!(response.status(), StatusCode::OK, "{resource}");
        assert_eq!(response.headers()["etag"], "\"1\"");
        let read: Value = response.json().await.unwrap();
        assert_eq!(
            read,
            app.get_json(&format!("{resource}/{}", id(&created))).await,
            "{resource}"
        );
        let unknown = app.get(&format!("{resource}/by-external-id/ERP-8")).await;
        assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
    }
    let synced = app
        .put(
            "/api/v1/parties/by-external-id/CRM-1",
            &json!({"kind": "organization", "name": "Synced"}),
        )
        .await;
    assert_eq!(synced.status(), StatusCode::CREATED);
    assert_eq!(
        app.get_json("/api/v1/parties/by-external-id/CRM-1").await["name"],
        "Synced"
    );
    // A sales user sees only their own parties: another's key is as unknown as a missing one.
    let sales = app.login_as(Role::Sales).await;
    let hidden = app
        .request(Method::GET, "/api/v1/parties/by-external-id/CRM-1", Some(&sales), None)
        .await;
    assert_problem(hidden, StatusCode::NOT_FOUND, "not_found").await;
}
