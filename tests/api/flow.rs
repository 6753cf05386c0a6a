//! Document flow: every document of a deal shows the same chain, with each line's quantities
//! offered, ordered, reserved, invoiced, credited and remaining.

use domain::access::Role;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, id, spawn_app};
use crate::invoice_orders::INVOICE_ORDERS;
use crate::invoices::{INVOICES, direct_draft, draft_of_whole_order};
use crate::sales_orders::ORDERS;

fn flow_path(resource: &str, document: &Value) -> String {
    format!("/api/v1/{resource}/{}/flow", id(document))
}

async fn act(app: &TestApp, path: &str) -> Value {
    let response = app.post_as(&app.admin_token, path, None).await;
    assert_eq!(response.status(), StatusCode::OK, "{path}");
    response.json().await.unwrap()
}

/// (description, offered, ordered, reserved, invoiced, credited, remaining) of each line.
fn quantities(flow: &Value) -> Vec<[String; 7]> {
    flow["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            [
                "description",
                "offered",
                "ordered",
                "reserved",
                "invoiced",
                "credited",
                "remaining",
            ]
            .map(|field| l[field].as_str().unwrap().to_owned())
        })
        .collect()
}

fn row(values: [&str; 7]) -> [String; 7] {
    values.map(str::to_owned)
}

fn ids(list: &Value) -> Vec<&str> {
    list.as_array().unwrap().iter().map(id).collect()
}

#[tokio::test]
async fn every_document_of_a_deal_shows_the_same_flow() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let deal = app
        .post_expect(
            "/api/v1/opportunities",
            &json!({"title": "Fleet", "party_id": id(&party)}),
            StatusCode::CREATED,
        )
        .await;
    let offer = app
        .post_expect(
            "/api/v1/offers",
            &json!({"party_id": id(&party), "opportunity_id": id(&deal), "lines": [
                {"description": "A", "quantity": "3", "unit_price": "19.99", "tax_rate": "20"},
                {"description": "B", "quantity": "2.5", "unit_price": "10.00", "tax_rate": "20"},
                {"description": "C", "quantity": "7", "unit_price": "1.255", "tax_rate": "7"},
                {"description": "Warranty", "quantity": "1", "unit_price": "100", "tax_rate": "20", "optional": true}
            ]}),
            StatusCode::CREATED,
        )
        .await;
    let before = app.get_json(&flow_path("offers", &offer)).await;
    assert_eq!(ids(&before["offers"]), vec![id(&offer)]);
    assert_eq!(before["sales_orders"], json!([]));
    assert_eq!(
        quantities(&before)[0],
        row(["A", "3", "0", "0", "0", "0", "0"]),
        "offered, not ordered yet"
    );
    act(&app, &format!("/api/v1/offers/{}/send", id(&offer))).await;
    act(&app, &format!("/api/v1/offers/{}/accept", id(&offer))).await;
    let order = app
        .post_expect(ORDERS, &json!({"offer_id": id(&offer)}), StatusCode::CREATED)
        .await;
    act(&app, &format!("{ORDERS}/{}/confirm", id(&order))).await;
    let line = |i: usize| order["lines"][i]["id"].clone();
    // Invoice 2 of A, put 1 of B on an invoice order left open, credit 1 of A.
    let invoiced_order = app
        .post_expect(
            INVOICE_ORDERS,
            &json!({"lines": [{"sales_order_line_id": line(0), "quantity": "2"}]}),
            StatusCode::CREATED,
        )
        .await;
    let open_order = app
        .post_expect(
            INVOICE_ORDERS,
            &json!({"lines": [{"sales_order_line_id": line(1), "quantity": "1"}]}),
            StatusCode::CREATED,
        )
        .await;
    let draft = app
        .post_expect(
            INVOICES,
            &json!({"invoice_order_id": id(&invoiced_order)}),
            StatusCode::CREATED,
        )
        .await;
    let invoice = act(&app, &format!("{INVOICES}/{}/issue", id(&draft))).await;
    let note = app
        .post_expect(
            INVOICES,
            &json!({"credits_invoice_id": id(&invoice), "lines": [{"invoice_line_id": invoice["lines"][0]["id"], "quantity": "1"}]}),
            StatusCode::CREATED,
        )
        .await;
    let note = act(&app, &format!("{INVOICES}/{}/issue", id(&note))).await;

    let flow = app.get_json(&flow_path("sales-orders", &order)).await;
    assert_eq!(ids(&flow["opportunities"]), vec![id(&deal)]);
    assert_eq!(flow["opportunities"][0]["status"], "won");
    assert_eq!(ids(&flow["offers"]), vec![id(&offer)]);
    assert_eq!(flow["offers"][0]["status"], "accepted");
    assert_eq!(ids(&flow["sales_orders"]), vec![id(&order)]);
    assert_eq!(flow["sales_orders"][0]["invoicing_status"], "partially_invoiced");
    assert_eq!(ids(&flow["invoice_orders"]), vec![id(&invoiced_order), id(&open_order)]);
    assert_eq!(flow["invoice_orders"][0]["status"], "invoiced");
    assert_eq!(flow["invoice_orders"][1]["status"], "open");
    assert_eq!(ids(&flow["invoices"]), vec![id(&invoice)]);
    assert_eq!(flow["invoices"][0]["number"], invoice["number"]);
    assert_eq!(ids(&flow["credit_notes"]), vec![id(&note)]);
    assert_eq!(flow["credit_notes"][0]["credits_invoice_id"], id(&invoice));
    assert_eq!(
        quantities(&flow),
        vec![
            row(["A", "3", "3", "0", "2", "1", "1"]),
            row(["B", "2.5", "2.5", "1", "0", "0", "1.5"]),
            row(["C", "7", "7", "0", "0", "0", "7"]),
            row(["Warranty", "1", "0", "0", "0", "0", "0"]),
        ]
    );
    assert_eq!(flow["lines"][0]["offer_line_id"], offer["lines"][0]["id"]);
    assert_eq!(flow["lines"][0]["sales_order_line_id"], line(0));
    assert_eq!(
        flow["lines"][3]["sales_order_id"],
        Value::Null,
        "not selected, not ordered"
    );

    for (resource, document) in [
        ("offers", &offer),
        ("invoice-orders", &invoiced_order),
        ("invoice-orders", &open_order),
        ("invoices", &invoice),
        ("invoices", &note),
    ] {
        assert_eq!(
            app.get_json(&flow_path(resource, document)).await,
            flow,
            "the flow of {resource} {}",
            id(document)
        );
    }
}

#[tokio::test]
async fn an_invoice_without_an_order_is_its_own_flow() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let draft = direct_draft(&app, &party).await;
    let invoice = act(&app, &format!("{INVOICES}/{}/issue", id(&draft))).await;
    let note = app
        .post_expect(
            INVOICES,
            &json!({"credits_invoice_id": id(&invoice), "lines": [{"invoice_line_id": invoice["lines"][1]["id"], "quantity": "0.5"}]}),
            StatusCode::CREATED,
        )
        .await;

    let flow = app.get_json(&flow_path("invoices", &note)).await;
    assert_eq!(ids(&flow["invoices"]), vec![id(&invoice)]);
    assert_eq!(ids(&flow["credit_notes"]), vec![id(&note)]);
    assert_eq!(flow["credit_notes"][0]["number"], Value::Null, "a draft");
    assert_eq!(
        (&flow["offers"], &flow["sales_orders"], &flow["invoice_orders"]),
        (&json!([]), &json!([]), &json!([]))
    );
    assert_eq!(
        quantities(&flow),
        vec![
            row(["A", "0", "0", "0", "3", "0", "0"]),
            row(["B", "0", "0", "0", "2.5", "0.5", "0"]),
            row(["C", "0", "0", "0", "7", "0", "0"]),
        ]
    );
    assert_eq!(flow["lines"][1]["invoice_id"], id(&invoice));
    assert_eq!(app.get_json(&flow_path("invoices", &invoice)).await, flow);
}

#[tokio::test]
async fn a_flow_needs_a_document_the_caller_sees() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let order = app
        .post_expect(
            ORDERS,
            &json!({"party_id": id(&party), "lines": [{"description": "A", "quantity": "1", "unit_price": "1", "tax_rate": "0"}]}),
            StatusCode::CREATED,
        )
        .await;
    for resource in ["offers", "sales-orders", "invoice-orders", "invoices"] {
        let missing = app
            .get(&format!("/api/v1/{resource}/00000000-0000-0000-0000-000000000000/flow"))
            .await;
        assert_problem(missing, StatusCode::NOT_FOUND, "not_found").await;
    }
    let stranger = app.login_as(Role::Sales).await;
    let hidden = app
        .request(
            reqwest::Method::GET,
            &flow_path("sales-orders", &order),
            Some(&stranger),
            None,
        )
        .await;
    assert_problem(hidden, StatusCode::NOT_FOUND, "not_found").await;
    let anonymous = app
        .request(reqwest::Method::GET, &flow_path("sales-orders", &order), None, None)
        .await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn a_thousand_lines_go_from_offer_to_invoice() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let lines: Vec<Value> = (0..1000)
        .map(|i| json!({"description": format!("Item {i}"), "quantity": "2", "unit_price": "1.50", "tax_rate": "19"}))
        .collect();
    let offer = app
        .post_expect(
            "/api/v1/offers",
            &json!({"party_id": id(&party), "lines": lines}),
            StatusCode::CREATED,
        )
        .await;
    act(&app, &format!("/api/v1/offers/{}/send", id(&offer))).await;
    act(&app, &format!("/api/v1/offers/{}/accept", id(&offer))).await;
    let order = app
        .post_expect(ORDERS, &json!({"offer_id": id(&offer)}), StatusCode::CREATED)
        .await;
    act(&app, &format!("{ORDERS}/{}/confirm", id(&order))).await;
    let (_, draft) = draft_of_whole_order(&app, &order).await;
    assert_eq!(draft["net_total"], "3000.00");
    let flow = app.get_json(&flow_path("invoices", &draft)).await;
    let rows = quantities(&flow);
    assert_eq!(rows.len(), 1000);
    assert!(
        rows.iter().all(|r| r[1..] == ["2", "2", "0", "2", "0", "0"]),
        "every line offered, ordered and invoiced in full"
    );
    assert_eq!(
        app.get_json(&format!("{ORDERS}/{}", id(&order))).await["invoicing_status"],
        "fully_invoiced"
    );
}

#[tokio::test]
async fn an_invoice_order_gathering_two_orders_joins_their_flows() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let first = app.confirmed_order(&party, &["2"]).await;
    let second = app.confirmed_order(&party, &["3"]).await;
    let lonely = app.confirmed_order(&party, &["4"]).await;
    let gathered = app
        .post_expect(
            INVOICE_ORDERS,
            &json!({"lines": [
                {"sales_order_line_id": first["lines"][0]["id"], "quantity": "1"},
                {"sales_order_line_id": second["lines"][0]["id"], "quantity": "3"}
            ]}),
            StatusCode::CREATED,
        )
        .await;
    let flow = app.get_json(&flow_path("sales-orders", &first)).await;
    assert_eq!(ids(&flow["sales_orders"]), vec![id(&first), id(&second)]);
    assert_eq!(ids(&flow["invoice_orders"]), vec![id(&gathered)]);
    assert_eq!(
        quantities(&flow),
        vec![
            row(["Item", "0", "2", "1", "0", "0", "1"]),
            row(["Item", "0", "3", "3", "0", "0", "0"]),
        ]
    );
    for document in [("sales-orders", &second), ("invoice-orders", &gathered)] {
        assert_eq!(app.get_json(&flow_path(document.0, document.1)).await, flow);
    }

    act(&app, &format!("{ORDERS}/{}/cancel", id(&lonely))).await;
    let cancelled = app.get_json(&flow_path("sales-orders", &lonely)).await;
    assert_eq!(
        quantities(&cancelled),
        vec![row(["Item", "0", "4", "0", "0", "0", "0"])],
        "nothing remains to invoice of a cancelled order"
    );
}
