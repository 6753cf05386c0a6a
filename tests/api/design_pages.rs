//! What the design pages (domain.md, api.md) promise clients and the server once did otherwise:
//! lines take and return `position`; percentages are decimal strings; `q` searches every list of
//! documents; drafts of offers and sales orders are deleted.

use domain::access::Role;
use reqwest::{Method, Response, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, id, item_ids, spawn_app};

const OFFERS: &str = "/api/v1/offers";
const ORDERS: &str = "/api/v1/sales-orders";
const INVOICE_ORDERS: &str = "/api/v1/invoice-orders";
const INVOICES: &str = "/api/v1/invoices";
const STAGES: &str = "/api/v1/pipeline-stages";
const OPPORTUNITIES: &str = "/api/v1/opportunities";

async fn customer(app: &TestApp, name: &str) -> Value {
    app.post_party(&json!({"kind": "organization", "name": name, "roles": ["customer"], "currency": "EUR"}))
        .await
}

/// A free line described `description`, at `position` when given.
fn line(description: &str, position: Option<i64>) -> Value {
    let mut line = json!({"description": description, "quantity": "1", "unit_price": "10.00", "tax_rate": "19"});
    if let Some(position) = position {
        line["position"] = json!(position);
    }
    line
}

/// The lines of a document as (description, position), in the order shown.
fn placed(document: &Value) -> Vec<(String, i64)> {
    document["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["description"].as_str().unwrap().to_owned(),
                l["position"].as_i64().unwrap(),
            )
        })
        .collect()
}

fn expected(placed: &[(&str, i64)]) -> Vec<(String, i64)> {
    placed.iter().map(|(d, p)| ((*d).to_owned(), *p)).collect()
}

async fn delete(app: &TestApp, path: &str, token: &str, if_match: Option<&str>) -> Response {
    let mut request = app.client.delete(app.url(path)).bearer_auth(token);
    if let Some(version) = if_match {
        request = request.header("if-match", version);
    }
    request.send().await.unwrap()
}

async fn act(app: &TestApp, path: &str, action: &str) -> Value {
    let response = app.post_as(&app.admin_token, &format!("{path}/{action}"), None).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert!(status.is_success(), "{action} {path}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// The events of one record in the change feed, once its last one has type `last`. On PostgreSQL
/// a committed change may show in the feed a moment later (see events.rs): poll.
async fn feed_of(app: &TestApp, resource_id: &str, last: &str) -> Vec<Value> {
    for _ in 0..400 {
        let mut events = Vec::new();
        let mut after = String::new();
        loop {
            let page = app.get_json(&format!("/api/v1/events?limit=200{after}")).await;
            let items = page["items"].as_array().unwrap().clone();
            if items.is_empty() {
                break;
            }
            events.extend(items.into_iter().filter(|e| e["resource_id"] == resource_id));
            after = format!("&after={}", page["next_cursor"].as_str().unwrap());
        }
        if events.last().is_some_and(|e| e["type"] == last) {
            return events;
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    }
    panic!("no {last} event of {resource_id}");
}

fn without_allowed_actions(mut record: Value) -> Value {
    record.as_object_mut().unwrap().remove("allowed_actions");
    record
}

// 1. Lines take and return `position`.

#[tokio::test]
async fn offer_lines_stand_in_the_order_of_the_positions_sent() {
    let app = spawn_app().await;
    let acme = customer(&app, "Acme").await;
    let created = app
        .post_expect(
            OFFERS,
            &json!({"party_id": id(&acme), "lines": [line("C", Some(30)), line("A", Some(10)), line("B", Some(20))]}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(
        placed(&created),
        expected(&[("A", 1), ("B", 2), ("C", 3)]),
        "ordered by the positions sent, numbered from 1"
    );
    let path = format!("{OFFERS}/{}", id(&created));
    assert_eq!(app.get_json(&path).await, created, "stored as returned");

    // A line without a position stands at its place in the list.
    let replaced = app
        .patch(
            &path,
            &json!({"lines": [line("X", Some(3)), line("Y", None), line("Z", Some(1))]}),
        )
        .await;
    assert_eq!(replaced.status(), StatusCode::OK);
    let replaced: Value = replaced.json().await.unwrap();
    assert_eq!(placed(&replaced), expected(&[("Z", 1), ("Y", 2), ("X", 3)]));
    let read = app.get_json(&path).await;
    assert_eq!(read, replaced);
    // History and the feed keep the lines as GET shows them, positions included.
    let events = feed_of(&app, id(&created), "offer.updated").await;
    assert_eq!(events.last().unwrap()["data"], without_allowed_actions(read));

    // Sending the lines again as they stand, positions and all, changes nothing.
    let lines: Vec<Value> = replaced["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            json!({"position": l["position"], "description": l["description"], "quantity": l["quantity"],
                   "unit_price": l["unit_price"], "tax_rate": l["tax_rate"]})
        })
        .collect();
    let again = app.patch(&path, &json!({"lines": lines})).await;
    assert_eq!(again.status(), StatusCode::OK);
    let again: Value = again.json().await.unwrap();
    assert_eq!(
        (&again["version"], &again["lines"]),
        (&replaced["version"], &replaced["lines"])
    );
}

#[tokio::test]
async fn orders_invoice_orders_invoices_and_credit_notes_take_positions_too() {
    let app = spawn_app().await;
    let acme = customer(&app, "Acme").await;
    // A direct order, and its upsert by external id.
    let order = app
        .post_expect(
            ORDERS,
            &json!({"party_id": id(&acme), "lines": [line("B", Some(2)), line("A", Some(1))]}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(placed(&order), expected(&[("A", 1), ("B", 2)]));
    assert_eq!(app.get_json(&format!("{ORDERS}/{}", id(&order))).await, order);
    let upserted = app
        .put(
            &format!("{ORDERS}/by-external-id/ERP-1"),
            &json!({"party_id": id(&acme), "lines": [line("Q", Some(9)), line("P", Some(4))]}),
        )
        .await;
    assert_eq!(upserted.status(), StatusCode::CREATED);
    let upserted: Value = upserted.json().await.unwrap();
    assert_eq!(placed(&upserted), expected(&[("P", 1), ("Q", 2)]));

    // An invoice order in the order of its positions, and the invoice made of it.
    let order = act(&app, &format!("{ORDERS}/{}", id(&order)), "confirm").await;
    let (a, b) = (&order["lines"][0]["id"], &order["lines"][1]["id"]);
    let invoice_order = app
        .post_expect(
            INVOICE_ORDERS,
            &json!({"sales_order_id": id(&order), "lines": [
                {"sales_order_line_id": a, "quantity": "1", "position": 2},
                {"sales_order_line_id": b, "quantity": "1", "position": 1}
            ]}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(placed(&invoice_order), expected(&[("B", 1), ("A", 2)]));
    assert_eq!(
        app.get_json(&format!("{INVOICE_ORDERS}/{}", id(&invoice_order))).await,
        invoice_order
    );
    let from_order = app
        .post_expect(
            INVOICES,
            &json!({"invoice_order_id": id(&invoice_order)}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(placed(&from_order), expected(&[("B", 1), ("A", 2)]));

    // A direct invoice, its change, and a credit note of it.
    let invoice = app
        .post_expect(
            INVOICES,
            &json!({"party_id": id(&acme), "lines": [line("C", Some(5)), line("D", Some(2))]}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(placed(&invoice), expected(&[("D", 1), ("C", 2)]));
    let path = format!("{INVOICES}/{}", id(&invoice));
    let changed = app
        .patch(
            &path,
            &json!({"lines": [line("C", Some(1)), line("D", Some(2)), line("E", Some(3))]}),
        )
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(placed(&changed), expected(&[("C", 1), ("D", 2), ("E", 3)]));
    assert_eq!(app.get_json(&path).await, changed);
    let issued = act(&app, &path, "issue").await;
    let (c, e) = (&issued["lines"][0]["id"], &issued["lines"][2]["id"]);
    let credit_note = app
        .post_expect(
            INVOICES,
            &json!({"credits_invoice_id": id(&issued), "lines": [
                {"invoice_line_id": c, "quantity": "1", "position": 7},
                {"invoice_line_id": e, "quantity": "1", "position": 3}
            ]}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(placed(&credit_note), expected(&[("E", 1), ("C", 2)]));
    assert_eq!(
        app.get_json(&format!("{INVOICES}/{}", id(&credit_note))).await,
        credit_note
    );
}

#[tokio::test]
async fn a_duplicate_or_non_positive_position_is_a_422_naming_the_line_and_changes_nothing() {
    let app = spawn_app().await;
    let acme = customer(&app, "Acme").await;
    let refused = |lines: Vec<Value>| json!({"party_id": id(&acme), "lines": lines});
    for (path, body, field, code) in [
        (
            OFFERS,
            refused(vec![line("A", Some(1)), line("B", Some(1))]),
            "lines[1].position",
            "duplicate",
        ),
        (
            OFFERS,
            refused(vec![line("A", Some(0))]),
            "lines[0].position",
            "out_of_range",
        ),
        (
            OFFERS,
            refused(vec![line("A", Some(-3))]),
            "lines[0].position",
            "out_of_range",
        ),
        // Without a position a line stands at its place: the second line's is 2, taken.
        (
            OFFERS,
            refused(vec![line("A", Some(2)), line("B", None)]),
            "lines[1].position",
            "duplicate",
        ),
        (
            OFFERS,
            refused(vec![
                line("A", None),
                json!({"position": "1", "description": "B", "quantity": "1",
                                                        "unit_price": "1", "tax_rate": "0"}),
            ]),
            "lines[1].position",
            "invalid_value",
        ),
        (
            ORDERS,
            refused(vec![line("A", Some(4)), line("B", Some(4))]),
            "lines[1].position",
            "duplicate",
        ),
        (
            INVOICES,
            refused(vec![line("A", Some(4)), line("B", Some(4))]),
            "lines[1].position",
            "duplicate",
        ),
    ] {
        let response = app.post(path, &body).await;
        let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), vec![field], "{body}");
        assert_eq!(problem["errors"][0]["code"], code, "{body}");
    }
    for path in [OFFERS, ORDERS, INVOICES] {
        assert_eq!(app.get_json(path).await["items"], json!([]), "{path}: nothing was made");
    }

    // A change with a duplicate is refused and leaves the draft as it was.
    let draft = app
        .post_expect(
            OFFERS,
            &refused(vec![line("A", Some(1)), line("B", Some(2))]),
            StatusCode::CREATED,
        )
        .await;
    let path = format!("{OFFERS}/{}", id(&draft));
    let duplicate = app
        .patch(&path, &json!({"lines": [line("A", Some(2)), line("B", Some(2))]}))
        .await;
    let problem = assert_problem(duplicate, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["lines[1].position"]);
    assert_eq!(app.get_json(&path).await, draft);

    // So is an invoice order naming one position twice.
    let order = app
        .post_expect(
            ORDERS,
            &refused(vec![line("A", None), line("B", None)]),
            StatusCode::CREATED,
        )
        .await;
    let order = act(&app, &format!("{ORDERS}/{}", id(&order)), "confirm").await;
    let twice = app
        .post(
            INVOICE_ORDERS,
            &json!({"sales_order_id": id(&order), "lines": [
                {"sales_order_line_id": order["lines"][0]["id"], "quantity": "1", "position": 1},
                {"sales_order_line_id": order["lines"][1]["id"], "quantity": "1", "position": 1}
            ]}),
        )
        .await;
    let problem = assert_problem(twice, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["lines[1].position"]);
    assert_eq!(app.get_json(INVOICE_ORDERS).await["items"], json!([]));
    let order = app.get_json(&format!("{ORDERS}/{}", id(&order))).await;
    assert_eq!(order["lines"][0]["reserved_quantity"], "0", "nothing reserved");
}

// 2. Percentages are decimal strings.

#[tokio::test]
async fn probabilities_are_decimal_strings_in_and_out() {
    let app = spawn_app().await;
    let stages = app.get_json(STAGES).await;
    assert!(
        stages["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|s| s["default_probability"].is_string()),
        "{stages}"
    );
    let stage = app
        .post_expect(
            STAGES,
            &json!({"name": "Demo", "default_probability": "35"}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(stage["default_probability"], "35");
    let stage_path = format!("{STAGES}/{}", id(&stage));
    assert_eq!(app.get_json(&stage_path).await, stage);
    for (probability, code) in [
        (json!(35), "invalid_value"),
        (json!("12.5"), "too_many_decimals"),
        (json!("101"), "out_of_range"),
    ] {
        let refused = app
            .post(STAGES, &json!({"name": "Other", "default_probability": probability}))
            .await;
        let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), vec!["default_probability"], "{probability}");
        assert_eq!(problem["errors"][0]["code"], code, "{probability}");
    }
    let changed = app.patch(&stage_path, &json!({"default_probability": "40.00"})).await;
    assert_eq!(changed.status(), StatusCode::OK);
    let changed: Value = changed.json().await.unwrap();
    assert_eq!(changed["default_probability"], "40", "a whole percent however written");
    let history = app.get_json(&format!("{stage_path}/history")).await;
    let last = history["items"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(
        last["changes"],
        json!([{"field": "default_probability", "from": "35", "to": "40"}])
    );

    let acme = customer(&app, "Acme").await;
    let deal = app
        .post_expect(
            OPPORTUNITIES,
            &json!({"title": "Deal", "party_id": id(&acme), "stage_id": id(&stage), "amount": "1000.00",
                    "currency": "EUR", "probability": "45"}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(
        (&deal["probability"], &deal["weighted_amount"]),
        (&json!("45"), &json!("450.00"))
    );
    let path = format!("{OPPORTUNITIES}/{}", id(&deal));
    for (probability, code) in [
        (json!(45), "invalid_value"),
        (json!("12.5"), "too_many_decimals"),
        (json!("-1"), "out_of_range"),
    ] {
        let refused = app.patch(&path, &json!({"probability": probability})).await;
        let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(error_fields(&problem), vec!["probability"], "{probability}");
        assert_eq!(problem["errors"][0]["code"], code, "{probability}");
    }
    assert_eq!(app.get_json(&path).await, deal, "refused changes changed nothing");
    let moved = app.patch(&path, &json!({"probability": "60.0"})).await;
    assert_eq!(moved.status(), StatusCode::OK);
    let moved: Value = moved.json().await.unwrap();
    assert_eq!(
        (&moved["probability"], &moved["weighted_amount"]),
        (&json!("60"), &json!("600.00"))
    );
    let events = feed_of(&app, id(&deal), "opportunity.updated").await;
    assert_eq!(
        events.last().unwrap()["data"],
        moved,
        "the feed shows the record as GET does"
    );
    let history = app.get_json(&format!("{path}/history")).await;
    let last = history["items"].as_array().unwrap().last().unwrap().clone();
    let probability = last["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["field"] == "probability")
        .unwrap()
        .clone();
    assert_eq!(probability, json!({"field": "probability", "from": "45", "to": "60"}));
    let default = app.patch(&path, &json!({"probability": null})).await;
    let default: Value = default.json().await.unwrap();
    assert_eq!(default["probability"], "40", "null restores the stage's default");
}

// 3. `q` on every list of documents.

#[tokio::test]
async fn q_finds_documents_by_their_number_or_their_partys_name() {
    let app = spawn_app().await;
    let acme = customer(&app, "Acme Tools").await;
    let globex = customer(&app, "Globex").await;
    let year = chrono::Utc::now().format("%Y").to_string();
    let search = |path: &str, q: &str| format!("{path}?q={}", q.replace(' ', "%20"));

    // Offers.
    let mut offers = Vec::new();
    for party in [&acme, &globex, &acme] {
        offers.push(
            app.post_expect(
                OFFERS,
                &json!({"party_id": id(party), "lines": [line("A", None)]}),
                StatusCode::CREATED,
            )
            .await,
        );
    }
    let ids = |records: &[&Value]| records.iter().map(|r| id(r).to_owned()).collect::<Vec<_>>();
    for (q, found) in [
        ("acme", ids(&[&offers[0], &offers[2]])),
        ("ACME t", ids(&[&offers[0], &offers[2]])),
        ("globex", ids(&[&offers[1]])),
        (&format!("of-{year}-000002"), ids(&[&offers[1]])),
        ("000003", ids(&[&offers[2]])),
        (&format!("OF-{year}"), ids(&[&offers[0], &offers[1], &offers[2]])),
        ("SO-", Vec::new()),
        ("%", Vec::new()),
        ("_", Vec::new()),
    ] {
        assert_eq!(
            item_ids(&app.get_json(&search(OFFERS, q)).await),
            found,
            "offers, q={q}"
        );
    }
    let too_long = app.get(&search(OFFERS, &"x".repeat(201))).await;
    assert_problem(too_long, StatusCode::BAD_REQUEST, "invalid_query").await;

    // Sales orders, confirmed for invoice orders.
    let mut orders = Vec::new();
    for party in [&acme, &globex] {
        let order = app
            .post_expect(
                ORDERS,
                &json!({"party_id": id(party), "lines": [line("A", None)]}),
                StatusCode::CREATED,
            )
            .await;
        orders.push(act(&app, &format!("{ORDERS}/{}", id(&order)), "confirm").await);
    }
    let number = |record: &Value| record["number"].as_str().unwrap().to_owned();
    for (q, found) in [
        ("globex", ids(&[&orders[1]])),
        (&number(&orders[0]).to_lowercase(), ids(&[&orders[0]])),
        (&format!("SO-{year}"), ids(&[&orders[0], &orders[1]])),
        ("nobody", Vec::new()),
    ] {
        assert_eq!(
            item_ids(&app.get_json(&search(ORDERS, q)).await),
            found,
            "orders, q={q}"
        );
    }

    // Invoice orders have no number: the numbers of their sales orders, or the party's name.
    let mut invoice_orders = Vec::new();
    for order in &orders {
        invoice_orders.push(
            app.post_expect(
                INVOICE_ORDERS,
                &json!({"sales_order_id": id(order)}),
                StatusCode::CREATED,
            )
            .await,
        );
    }
    for (q, found) in [
        (number(&orders[1]), ids(&[&invoice_orders[1]])),
        ("acme".to_owned(), ids(&[&invoice_orders[0]])),
        (format!("SO-{year}"), ids(&[&invoice_orders[0], &invoice_orders[1]])),
        (format!("OF-{year}"), Vec::new()),
    ] {
        assert_eq!(
            item_ids(&app.get_json(&search(INVOICE_ORDERS, &q)).await),
            found,
            "invoice orders, q={q}"
        );
    }

    // Invoices: a draft has no number yet, only its party finds it.
    let draft = app
        .post_expect(
            INVOICES,
            &json!({"invoice_order_id": id(&invoice_orders[0])}),
            StatusCode::CREATED,
        )
        .await;
    let other = app
        .post_expect(
            INVOICES,
            &json!({"party_id": id(&globex), "lines": [line("A", None)]}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(item_ids(&app.get_json(&search(INVOICES, "acme")).await), ids(&[&draft]));
    assert_eq!(app.get_json(&search(INVOICES, "INV-")).await["items"], json!([]));
    let issued = act(&app, &format!("{INVOICES}/{}", id(&other)), "issue").await;
    for (q, found) in [
        (number(&issued), ids(&[&other])),
        ("inv-".to_owned(), ids(&[&other])),
        ("tools".to_owned(), ids(&[&draft])),
    ] {
        assert_eq!(
            item_ids(&app.get_json(&search(INVOICES, &q)).await),
            found,
            "invoices, q={q}"
        );
    }
    // `q` narrows the other filters, it does not widen them.
    assert_eq!(
        app.get_json(&format!("{INVOICES}?q=acme&status=issued")).await["items"],
        json!([])
    );
}

// 4. Drafts of offers and sales orders are deleted.

#[tokio::test]
async fn a_draft_offer_is_deleted_its_activities_unlinked_and_its_history_kept() {
    let app = spawn_app().await;
    let acme = customer(&app, "Acme").await;
    let draft = app
        .post_expect(
            OFFERS,
            &json!({"party_id": id(&acme), "lines": [line("A", None)]}),
            StatusCode::CREATED,
        )
        .await;
    let path = format!("{OFFERS}/{}", id(&draft));
    let call = app
        .post_expect(
            "/api/v1/activities",
            &json!({"kind": "call", "subject": "About the quote", "party_id": id(&acme), "offer_id": id(&draft)}),
            StatusCode::CREATED,
        )
        .await;
    let viewer = app.login_as(Role::Viewer).await;
    let forbidden = delete(&app, &path, &viewer, None).await;
    assert_problem(forbidden, StatusCode::FORBIDDEN, "forbidden").await;
    let stranger = app.login_as(Role::Sales).await;
    let hidden = delete(&app, &path, &stranger, None).await;
    assert_problem(hidden, StatusCode::NOT_FOUND, "not_found").await;
    let stale = delete(&app, &path, &app.admin_token, Some("\"2\"")).await;
    let problem = assert_problem(stale, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    assert_eq!(problem["current_version"], 1);
    assert_eq!(app.get_json(&path).await, draft, "refused: nothing changed");

    let deleted = delete(&app, &path, &app.admin_token, Some("\"1\"")).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    assert_problem(
        delete(&app, &path, &app.admin_token, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
    assert_eq!(app.get_json(OFFERS).await["items"], json!([]));
    let call = app.get_json(&format!("/api/v1/activities/{}", id(&call))).await;
    assert_eq!(
        (&call["offer_id"], &call["version"]),
        (&Value::Null, &json!(2)),
        "the activity stays, unlinked"
    );
    let history = app.get_json(&format!("{path}/history")).await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["created", "deleted"]);
    let hidden = app
        .request(Method::GET, &format!("{path}/history"), Some(&stranger), None)
        .await;
    assert_problem(hidden, StatusCode::NOT_FOUND, "not_found").await;
    let events = feed_of(&app, id(&draft), "offer.deleted").await;
    let types: Vec<&str> = events.iter().map(|e| e["type"].as_str().unwrap()).collect();
    assert_eq!(types, vec!["offer.created", "offer.deleted"]);
    assert_eq!(
        events[1]["data"],
        without_allowed_actions(draft),
        "the deletion carries the record as it last was"
    );
}

#[tokio::test]
async fn only_drafts_of_offers_are_deleted_and_a_draft_revision_goes_alone() {
    let app = spawn_app().await;
    let acme = customer(&app, "Acme").await;
    let first = app
        .post_expect(
            OFFERS,
            &json!({"party_id": id(&acme), "external_id": "Q-1", "lines": [line("A", None)]}),
            StatusCode::CREATED,
        )
        .await;
    let first_path = format!("{OFFERS}/{}", id(&first));
    let sent = act(&app, &first_path, "send").await;
    let refused = delete(&app, &first_path, &app.admin_token, None).await;
    let problem = assert_problem(refused, StatusCode::CONFLICT, "document_immutable").await;
    assert!(problem["detail"].as_str().unwrap().contains("sent"), "{problem}");
    assert_eq!(app.get_json(&first_path).await, sent, "refused: nothing changed");

    let revision = act(&app, &first_path, "revise").await;
    assert_eq!(
        (&revision["revision"], &revision["status"]),
        (&json!(2), &json!("draft"))
    );
    let superseded = app.get_json(&first_path).await;
    let deleted = delete(&app, &format!("{OFFERS}/{}", id(&revision)), &app.admin_token, None).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(
        app.get_json(&first_path).await,
        superseded,
        "the revised offer stays superseded, untouched"
    );
    let refused = delete(&app, &first_path, &app.admin_token, None).await;
    assert_problem(refused, StatusCode::CONFLICT, "document_immutable").await;
    let number = first["number"].as_str().unwrap();
    assert_eq!(
        item_ids(&app.get_json(&format!("{OFFERS}?number={number}")).await),
        vec![id(&first).to_owned()]
    );
    // The external id the revision took over went with it: an upsert of it is a new offer.
    let upserted = app
        .put(
            &format!("{OFFERS}/by-external-id/Q-1"),
            &json!({"party_id": id(&acme), "lines": [line("A", None)]}),
        )
        .await;
    assert_eq!(upserted.status(), StatusCode::CREATED);
}

#[tokio::test]
async fn a_draft_sales_order_is_deleted_and_its_offer_converts_again() {
    let app = spawn_app().await;
    let acme = customer(&app, "Acme").await;
    let offer = app
        .post_expect(
            OFFERS,
            &json!({"party_id": id(&acme), "lines": [line("A", None)]}),
            StatusCode::CREATED,
        )
        .await;
    let offer_path = format!("{OFFERS}/{}", id(&offer));
    act(&app, &offer_path, "send").await;
    let accepted = act(&app, &offer_path, "accept").await;
    let order = app
        .post_expect(ORDERS, &json!({"offer_id": id(&offer)}), StatusCode::CREATED)
        .await;
    let path = format!("{ORDERS}/{}", id(&order));
    let task = app
        .post_expect(
            "/api/v1/activities",
            &json!({"kind": "task", "subject": "Ship it", "party_id": id(&acme), "sales_order_id": id(&order)}),
            StatusCode::CREATED,
        )
        .await;
    let stale = delete(&app, &path, &app.admin_token, Some("\"7\"")).await;
    assert_problem(stale, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    assert_eq!(app.get_json(&path).await, order);

    let deleted = delete(&app, &path, &app.admin_token, Some("\"1\"")).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    let task = app.get_json(&format!("/api/v1/activities/{}", id(&task))).await;
    assert_eq!((&task["sales_order_id"], &task["version"]), (&Value::Null, &json!(2)));
    assert_eq!(app.get_json(&offer_path).await, accepted, "the offer is untouched");
    let history = app.get_json(&format!("{path}/history")).await;
    assert_eq!(history["items"].as_array().unwrap().len(), 2);
    assert_eq!(history["items"][1]["action"], "deleted");
    let events = feed_of(&app, id(&order), "sales_order.deleted").await;
    assert_eq!(events.last().unwrap()["data"], without_allowed_actions(order));

    // The offer converts again, once.
    let again = app
        .post_expect(ORDERS, &json!({"offer_id": id(&offer)}), StatusCode::CREATED)
        .await;
    let twice = app.post(ORDERS, &json!({"offer_id": id(&offer)})).await;
    let problem = assert_problem(twice, StatusCode::CONFLICT, "already_converted").await;
    assert_eq!(problem["existing_id"], id(&again));

    // A confirmed order is not deleted.
    let again_path = format!("{ORDERS}/{}", id(&again));
    let confirmed = act(&app, &again_path, "confirm").await;
    let refused = delete(&app, &again_path, &app.admin_token, None).await;
    assert_problem(refused, StatusCode::CONFLICT, "document_immutable").await;
    assert_eq!(app.get_json(&again_path).await, confirmed);
    let viewer = app.login_as(Role::Viewer).await;
    assert_problem(
        delete(&app, &again_path, &viewer, None).await,
        StatusCode::FORBIDDEN,
        "forbidden",
    )
    .await;
    assert_problem(
        delete(
            &app,
            &format!("{ORDERS}/01890a5d-ac96-774b-bcce-b302099a8057"),
            &app.admin_token,
            None,
        )
        .await,
        StatusCode::NOT_FOUND,
        "not_found",
    )
    .await;
}

#[tokio::test]
async fn the_openapi_document_has_the_deletes_the_searches_and_the_positions() {
    let app = spawn_app().await;
    let document: Value = app.get("/api-docs/openapi.json").await.json().await.unwrap();
    let paths = &document["paths"];
    for path in ["/api/v1/offers/{id}", "/api/v1/sales-orders/{id}"] {
        let operation = &paths[path]["delete"];
        assert!(operation.is_object(), "DELETE {path}");
        assert!(operation["responses"]["204"].is_object(), "DELETE {path}");
        assert!(operation["responses"]["409"].is_object(), "DELETE {path}");
        assert!(operation["responses"]["412"].is_object(), "DELETE {path}");
    }
    for path in [
        "/api/v1/offers",
        "/api/v1/sales-orders",
        "/api/v1/invoice-orders",
        "/api/v1/invoices",
    ] {
        let params = paths[path]["get"]["parameters"].as_array().unwrap();
        assert!(params.iter().any(|p| p["name"] == "q"), "GET {path} documents q");
    }
    let schemas = &document["components"]["schemas"];
    for schema in ["OfferLineBody", "LineBody", "InvoiceLineBody", "InvoiceOrderLineBody"] {
        assert!(schemas[schema]["properties"]["position"].is_object(), "{schema}");
    }
    for (schema, field) in [
        ("OpportunityResponse", "probability"),
        ("OpportunityBody", "probability"),
        ("StageResponse", "default_probability"),
        ("StageBody", "default_probability"),
    ] {
        let property = &schemas[schema]["properties"][field];
        assert!(property.to_string().contains("string"), "{schema}.{field}: {property}");
    }
}
