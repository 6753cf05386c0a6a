//! Invoices: from an invoice order to a paid invoice and its credit note, gap-free numbers under
//! concurrency, immutability once issued, payments and credits within their limits.

use domain::access::Role;
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::worked_example_with_an_option;
use crate::helpers::{TestApp, assert_problem, error_fields, id, item_ids, spawn_app};
use crate::invoice_orders::INVOICE_ORDERS;
use crate::sales_orders::ORDERS;

pub const INVOICES: &str = "/api/v1/invoices";

async fn act(app: &TestApp, invoice: &Value, action: &str, body: Option<&Value>) -> reqwest::Response {
    app.post_as(&app.admin_token, &format!("{INVOICES}/{}/{action}", id(invoice)), body)
        .await
}

async fn issued(app: &TestApp, draft: &Value) -> Value {
    let response = act(app, draft, "issue", None).await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// A direct draft invoice of `party` with the worked example's lines.
pub async fn direct_draft(app: &TestApp, party: &Value) -> Value {
    app.post_expect(
        INVOICES,
        &json!({"party_id": id(party), "lines": [
            {"description": "A", "quantity": "3", "unit_price": "19.99", "tax_rate": "20"},
            {"description": "B", "quantity": "2.5", "unit_price": "10.00", "discount_percent": "10", "tax_rate": "20"},
            {"description": "C", "quantity": "7", "unit_price": "1.255", "tax_rate": "7"}
        ]}),
        StatusCode::CREATED,
    )
    .await
}

/// An invoice order of all that remains of a confirmed `order`, and the draft invoice made of it.
pub async fn draft_of_whole_order(app: &TestApp, order: &Value) -> (Value, Value) {
    let invoice_order = app
        .post_expect(
            INVOICE_ORDERS,
            &json!({"sales_order_id": id(order)}),
            StatusCode::CREATED,
        )
        .await;
    let draft = app
        .post_expect(
            INVOICES,
            &json!({"invoice_order_id": id(&invoice_order)}),
            StatusCode::CREATED,
        )
        .await;
    (invoice_order, draft)
}

#[tokio::test]
async fn from_accepted_offer_to_a_paid_invoice_and_its_credit_note() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let offer = app.accepted_offer(&party, &worked_example_with_an_option()).await;
    let order = app
        .post_expect(ORDERS, &json!({"offer_id": id(&offer)}), StatusCode::CREATED)
        .await;
    let confirmed = app
        .post_as(&app.admin_token, &format!("{ORDERS}/{}/confirm", id(&order)), None)
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    // Invoice 2 of the 3 units of the first line, and all of the others.
    let lines: Vec<Value> = order["lines"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let quantity = if i == 0 {
                "2".to_owned()
            } else {
                l["quantity"].as_str().unwrap().to_owned()
            };
            json!({"sales_order_line_id": l["id"], "quantity": quantity})
        })
        .collect();
    let invoice_order = app
        .post_expect(INVOICE_ORDERS, &json!({"lines": lines}), StatusCode::CREATED)
        .await;
    let draft = app
        .post_expect(
            INVOICES,
            &json!({"invoice_order_id": id(&invoice_order)}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(
        (draft["status"].as_str(), draft["number"].as_str()),
        (Some("draft"), None)
    );
    assert_eq!(draft["allowed_actions"], json!(["issue", "update", "delete"]));
    // 2 × 19.99 = 39.98 + 22.50 at 20 %; 8.79 at 7 %.
    assert_eq!(
        (&draft["net_total"], &draft["tax_total"], &draft["total"]),
        (&json!("71.27"), &json!("13.12"), &json!("84.39"))
    );
    let io = app.get_json(&format!("{INVOICE_ORDERS}/{}", id(&invoice_order))).await;
    assert_eq!(io["status"], "invoiced");
    let so = app.get_json(&format!("{ORDERS}/{}", id(&order))).await;
    assert_eq!(so["invoicing_status"], "partially_invoiced");
    assert_eq!(
        (
            &so["lines"][0]["invoiced_quantity"],
            &so["lines"][0]["reserved_quantity"]
        ),
        (&json!("2"), &json!("0"))
    );

    let invoice = issued(&app, &draft).await;
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(invoice["number"], format!("INV-{year}-000001"));
    assert_eq!(invoice["status"], "issued");
    assert_eq!(invoice["party_name"], "Acme");
    assert_eq!(invoice["party_address"]["city"], "Berlin");
    let invoice_date =
        chrono::NaiveDate::parse_from_str(invoice["invoice_date"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert_eq!(
        invoice["due_date"].as_str().unwrap(),
        (invoice_date + chrono::TimeDelta::days(14)).to_string(),
        "the party's 14 days of payment terms"
    );
    assert_eq!(invoice["balance_due"], "84.39");
    assert_eq!(invoice["allowed_actions"], json!(["pay", "credit"]));

    // The party's name changes; the issued invoice keeps the one it was issued to.
    let renamed = app
        .patch(&format!("/api/v1/parties/{}", id(&party)), &json!({"name": "Acme AG"}))
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    assert_eq!(
        app.get_json(&format!("{INVOICES}/{}", id(&invoice))).await["party_name"],
        "Acme"
    );

    let paid = act(
        &app,
        &invoice,
        "payments",
        Some(&json!({"amount": "50.00", "method": "bank_transfer", "reference": "Wire 42"})),
    )
    .await;
    assert_eq!(paid.status(), StatusCode::CREATED);
    let paid: Value = paid.json().await.unwrap();
    assert_eq!(
        (paid["status"].as_str(), paid["balance_due"].as_str()),
        (Some("partially_paid"), Some("34.39"))
    );
    assert_eq!(paid["payments"][0]["reference"], "Wire 42");
    // The history (and the event, from the same snapshot) records the payment with the invoice.
    let history = app
        .get_json(&format!("{INVOICES}/{}/history?limit=200", id(&invoice)))
        .await;
    let last = history["items"].as_array().unwrap().last().unwrap().clone();
    let payments = last["changes"]
        .as_array()
        .unwrap()
        .iter()
        .find(|change| change["field"] == "payments")
        .unwrap_or_else(|| panic!("the payment is in {last}"));
    assert_eq!(
        (payments["from"].clone(), payments["to"][0]["reference"].clone()),
        (json!([]), json!("Wire 42"))
    );
    let over = act(
        &app,
        &invoice,
        "payments",
        Some(&json!({"amount": "34.40", "method": "cash"})),
    )
    .await;
    let problem = assert_problem(over, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "overpayment");

    // Credit one unit of the first line.
    let note = app
        .post_expect(
            INVOICES,
            &json!({"credits_invoice_id": id(&invoice), "lines": [{"invoice_line_id": invoice["lines"][0]["id"], "quantity": "1"}]}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(note["kind"], "credit_note");
    assert_eq!(note["total"], "23.99", "19.99 + 20 % tax, a positive amount");
    let too_much = app
        .post(
            INVOICES,
            &json!({"credits_invoice_id": id(&invoice), "lines": [{"invoice_line_id": invoice["lines"][0]["id"], "quantity": "1.5"}]}),
        )
        .await;
    let problem = assert_problem(too_much, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "exceeds_creditable");
    let note = issued(&app, &note).await;
    assert_eq!(note["number"], format!("CN-{year}-000001"));
    let after = app.get_json(&format!("{INVOICES}/{}", id(&invoice))).await;
    assert_eq!(
        (&after["credited_amount"], &after["balance_due"], &after["status"]),
        (&json!("23.99"), &json!("10.40"), &json!("partially_paid"))
    );
    let settled = act(
        &app,
        &invoice,
        "payments",
        Some(&json!({"amount": "10.40", "method": "card"})),
    )
    .await;
    let settled: Value = settled.json().await.unwrap();
    assert_eq!(
        (settled["status"].as_str(), settled["balance_due"].as_str()),
        (Some("paid"), Some("0.00"))
    );
    let notes = app
        .get_json(&format!("{INVOICES}?credits_invoice_id={}", id(&invoice)))
        .await;
    assert_eq!(item_ids(&notes), vec![id(&note)]);
}

#[tokio::test]
async fn an_issued_invoice_is_immutable_and_a_draft_is_not() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let draft = direct_draft(&app, &party).await;
    assert_eq!(draft["total"], "108.37", "the worked example");
    let path = format!("{INVOICES}/{}", id(&draft));
    let changed = app
        .patch(&path, &json!({"notes": "Thank you", "payment_terms_days": 0}))
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let invoice = issued(&app, &draft).await;
    assert_eq!(invoice["due_date"], invoice["invoice_date"], "no payment terms");
    for response in [
        app.patch(&path, &json!({"notes": "Changed"})).await,
        app.request(Method::DELETE, &path, Some(&app.admin_token), None).await,
    ] {
        assert_problem(response, StatusCode::CONFLICT, "document_immutable").await;
    }
    let again = act(&app, &invoice, "issue", None).await;
    let problem = assert_problem(again, StatusCode::CONFLICT, "invalid_state_transition").await;
    assert_eq!(problem["current_status"], "issued");
    assert_eq!(app.get_json(&path).await["notes"], "Thank you");
}

#[tokio::test]
async fn a_direct_draft_gets_new_lines_and_one_from_an_invoice_order_keeps_its_own() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let draft = direct_draft(&app, &party).await;
    let path = format!("{INVOICES}/{}", id(&draft));
    let invalid = app
        .patch(
            &path,
            &json!({"lines": [{"description": "X", "quantity": "-1", "unit_price": "1", "tax_rate": "20"}]}),
        )
        .await;
    let problem = assert_problem(invalid, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["lines[0].quantity"]);
    assert_eq!(app.get_json(&path).await["total"], "108.37", "unchanged");
    let changed = app
        .patch(&path, &json!({"lines": [{"description": "Consulting", "quantity": "2", "unit": "h", "unit_price": "100", "tax_rate": "20"}]}))
        .await;
    assert_eq!(changed.status(), StatusCode::OK);
    let stored = app.get_json(&path).await;
    assert_eq!(
        (
            &stored["lines"].as_array().unwrap().len(),
            &stored["total"],
            &stored["version"]
        ),
        (&1, &json!("240.00"), &json!(2))
    );
    assert_eq!(stored["lines"][0]["unit"], "h");
    let invoice = issued(&app, &stored).await;
    assert_eq!(invoice["total"], "240.00");

    let order = app.confirmed_order(&party, &["5"]).await;
    let (_, from_order) = draft_of_whole_order(&app, &order).await;
    let refused = app
        .patch(
            &format!("{INVOICES}/{}", id(&from_order)),
            &json!({"lines": [{"description": "More", "quantity": "50", "unit_price": "10", "tax_rate": "19"}]}),
        )
        .await;
    let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "lines_follow_source");
    // Its lines sent back as they are (a client resending the whole record) are no change.
    let line = &from_order["lines"][0];
    let restated = json!({"notes": "PO 4711", "lines": [{
        "product_id": line["product_id"], "description": line["description"], "quantity": line["quantity"],
        "unit_price": line["unit_price"], "tax_rate": line["tax_rate"],
    }]});
    let accepted = app.patch(&format!("{INVOICES}/{}", id(&from_order)), &restated).await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let accepted: Value = accepted.json().await.unwrap();
    assert_eq!(
        (&accepted["notes"], &accepted["lines"]),
        (&json!("PO 4711"), &from_order["lines"])
    );
}

#[tokio::test]
async fn deleting_a_draft_from_an_invoice_order_opens_the_order_again() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let order = app.confirmed_order(&party, &["5"]).await;
    let (invoice_order, draft) = draft_of_whole_order(&app, &order).await;
    let twice = app
        .post(INVOICES, &json!({"invoice_order_id": id(&invoice_order)}))
        .await;
    assert_problem(twice, StatusCode::CONFLICT, "invalid_state_transition").await;
    let deleted = app
        .request(
            Method::DELETE,
            &format!("{INVOICES}/{}", id(&draft)),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let io = app.get_json(&format!("{INVOICE_ORDERS}/{}", id(&invoice_order))).await;
    assert_eq!(io["status"], "open");
    let so = app.get_json(&format!("{ORDERS}/{}", id(&order))).await;
    assert_eq!(
        (
            &so["lines"][0]["invoiced_quantity"],
            &so["lines"][0]["reserved_quantity"]
        ),
        (&json!("0"), &json!("5"))
    );
    let history = app.get_json(&format!("{INVOICES}/{}/history", id(&draft))).await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["created", "deleted"]);
}

#[tokio::test]
async fn payments_and_credit_notes_need_an_issued_invoice() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let draft = direct_draft(&app, &party).await;
    let payment = act(
        &app,
        &draft,
        "payments",
        Some(&json!({"amount": "1.00", "method": "cash"})),
    )
    .await;
    assert_problem(payment, StatusCode::CONFLICT, "invalid_state_transition").await;
    let note = app.post(INVOICES, &json!({"credits_invoice_id": id(&draft)})).await;
    assert_problem(note, StatusCode::CONFLICT, "not_issued").await;
    let bad = act(
        &app,
        &draft,
        "payments",
        Some(&json!({"amount": "1.00", "method": "cheque"})),
    )
    .await;
    assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let mixed = app
        .post(
            INVOICES,
            &json!({"party_id": id(&party), "credits_invoice_id": id(&draft)}),
        )
        .await;
    assert_problem(mixed, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let empty = app.post(INVOICES, &json!({"party_id": id(&party)})).await;
    let problem = assert_problem(empty, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["lines"]);
    // Both dated in January with no payment terms: the invoice is overdue, its credit note never.
    let january = json!({"invoice_date": "2026-01-05", "payment_terms_days": 0});
    let dated = app.patch(&format!("{INVOICES}/{}", id(&draft)), &january).await;
    assert_eq!(dated.status(), StatusCode::OK);
    let invoice = issued(&app, &draft).await;
    let note = app
        .post_expect(
            INVOICES,
            &json!({"credits_invoice_id": id(&invoice), "lines": [{"invoice_line_id": invoice["lines"][0]["id"], "quantity": "1"}]}),
            StatusCode::CREATED,
        )
        .await;
    let dated = app.patch(&format!("{INVOICES}/{}", id(&note)), &january).await;
    assert_eq!(dated.status(), StatusCode::OK);
    let note = issued(&app, &note).await;
    assert_eq!(
        (&note["overdue"], &note["due_date"]),
        (&json!(false), &json!("2026-01-05"))
    );
    let of_note = app.post(INVOICES, &json!({"credits_invoice_id": id(&note)})).await;
    let problem = assert_problem(of_note, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "credit_note");
    let overdue = app.get_json(&format!("{INVOICES}?overdue=true")).await;
    assert_eq!(item_ids(&overdue), vec![id(&invoice)], "credit notes are never due");
}

/// Fifty drafts issued at once get fifty consecutive numbers: no duplicate, no gap.
#[tokio::test]
async fn fifty_concurrent_issues_get_consecutive_numbers() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let mut drafts = Vec::new();
    for _ in 0..50 {
        drafts.push(direct_draft(&app, &party).await);
    }
    let issues = drafts.iter().map(|draft| act(&app, draft, "issue", None));
    let mut numbers = Vec::new();
    for response in join_all(issues).await {
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        numbers.push(body["number"].as_str().unwrap().to_owned());
    }
    numbers.sort();
    let year = chrono::Utc::now().format("%Y").to_string();
    let expected: Vec<String> = (1..=50).map(|n| format!("INV-{year}-{n:06}")).collect();
    assert_eq!(numbers, expected);
    // A refused issue draws nothing: the next number follows on.
    let refused = act(&app, &drafts[0], "issue", None).await;
    assert_eq!(refused.status(), StatusCode::CONFLICT);
    let next = issued(&app, &direct_draft(&app, &party).await).await;
    assert_eq!(next["number"], format!("INV-{year}-000051"));
}

#[tokio::test]
async fn overdue_invoices_are_listed_and_turnover_feeds_discount_rules() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let today = chrono::Utc::now().date_naive();
    let (first, _) = domain::pricing::TurnoverPeriod::Quarter.previous(today);
    let draft = direct_draft(&app, &party).await;
    let dated = app
        .patch(
            &format!("{INVOICES}/{}", id(&draft)),
            &json!({"invoice_date": first.to_string(), "payment_terms_days": 0}),
        )
        .await;
    assert_eq!(dated.status(), StatusCode::OK);
    let invoice = issued(&app, &draft).await;
    assert_eq!(invoice["invoice_date"], first.to_string());
    assert_eq!(invoice["overdue"], true);
    let overdue = app.get_json(&format!("{INVOICES}?overdue=true")).await;
    assert_eq!(item_ids(&overdue), vec![id(&invoice)]);

    // Its net (91.26) is last quarter's turnover: a rule from 90.00 applies, one from 100.00 not.
    for (name, threshold) in [("Loyal", "90.00"), ("Very loyal", "100.00")] {
        app.post_expect(
            "/api/v1/discount-rules",
            &json!({"name": name, "percent": "5", "turnover_period": "quarter", "turnover_threshold": threshold,
                    "turnover_currency": "EUR"}),
            StatusCode::CREATED,
        )
        .await;
    }
    let product = app
        .post_expect(
            "/api/v1/products",
            &json!({"sku": "P", "name": "Part", "list_price": "1", "currency": "EUR", "tax_rate": "19"}),
            StatusCode::CREATED,
        )
        .await;
    let resolved = app
        .get_json(&format!(
            "/api/v1/pricing/resolve?party_id={}&product_id={}",
            id(&party),
            id(&product)
        ))
        .await;
    let codes: Vec<&str> = resolved["explanation"].as_array().unwrap()[1..]
        .iter()
        .map(|c| c["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, vec!["applied", "turnover_below_threshold"]);
    assert!(
        resolved["explanation"][1]["reason"]
            .as_str()
            .unwrap()
            .contains("91.26 EUR")
    );
}

#[tokio::test]
async fn the_history_of_an_invoice_is_read_by_those_who_see_its_party() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let draft = direct_draft(&app, &party).await;
    let path = format!("{INVOICES}/{}/history", id(&draft));
    let stranger = app.login_as(Role::Sales).await;
    let hidden = app.request(Method::GET, &path, Some(&stranger), None).await;
    assert_problem(hidden, StatusCode::NOT_FOUND, "not_found").await;
    let deleted = app
        .request(
            Method::DELETE,
            &format!("{INVOICES}/{}", id(&draft)),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let hidden = app.request(Method::GET, &path, Some(&stranger), None).await;
    assert_problem(hidden, StatusCode::NOT_FOUND, "not_found").await;
    assert_eq!(app.get_json(&path).await["items"].as_array().unwrap().len(), 2);
}

#[tokio::test]
async fn an_invoice_is_due_on_the_terms_agreed_on_its_order() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let order = app
        .post_expect(
            ORDERS,
            &json!({"party_id": id(&party), "payment_terms_days": 45, "lines": [{"description": "A", "quantity": "1", "unit_price": "10", "tax_rate": "19"}]}),
            StatusCode::CREATED,
        )
        .await;
    let confirmed = app
        .post_as(&app.admin_token, &format!("{ORDERS}/{}/confirm", id(&order)), None)
        .await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let (_, draft) = draft_of_whole_order(&app, &order).await;
    assert_eq!(draft["payment_terms_days"], 45, "the order's, not the party's 14");
}

#[tokio::test]
async fn a_draft_dated_before_the_last_issue_of_its_series_is_not_issued() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let first = issued(&app, &direct_draft(&app, &party).await).await;
    let backdated = direct_draft(&app, &party).await;
    let path = format!("{INVOICES}/{}", id(&backdated));
    let dated = app.patch(&path, &json!({"invoice_date": "2026-01-05"})).await;
    assert_eq!(dated.status(), StatusCode::OK);
    let refused = act(&app, &backdated, "issue", None).await;
    let problem = assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "before_last_issued");
    assert_eq!(app.get_json(&path).await["status"], "draft");
    let redated = app.patch(&path, &json!({"invoice_date": null})).await;
    assert_eq!(redated.status(), StatusCode::OK);
    let second = issued(&app, &backdated).await;
    let sequence = |invoice: &Value| invoice["number"].as_str().unwrap()[9..].parse::<u32>().unwrap();
    assert_eq!(
        sequence(&second),
        sequence(&first) + 1,
        "the refused issue burned no number"
    );
}
