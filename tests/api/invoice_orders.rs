//! Invoice orders: reserving what remains of confirmed sales order lines, never more, also when
//! requests race; cancelling frees the quantities.

use futures::future::join_all;
use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{assert_problem, error_fields, id, spawn_app};
use crate::sales_orders::ORDERS;

pub const INVOICE_ORDERS: &str = "/api/v1/invoice-orders";

fn line_id(order: &Value, i: usize) -> &str {
    order["lines"][i]["id"].as_str().unwrap()
}

#[tokio::test]
async fn quantities_are_reserved_within_what_remains_and_freed_by_a_cancel() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let order = app.confirmed_order(&party, &["10", "4"]).await;
    let partial = app
        .post_expect(
            INVOICE_ORDERS,
            &json!({"sales_order_id": id(&order), "lines": [{"sales_order_line_id": line_id(&order, 0), "quantity": "6"}]}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(partial["status"], "open");
    assert_eq!(partial["lines"][0]["quantity"], "6");
    assert_eq!(partial["net_total"], "60.00");
    assert_eq!(partial["allowed_actions"], json!(["cancel"]));
    let read = app.get_json(&format!("{ORDERS}/{}", id(&order))).await;
    assert_eq!(
        (
            &read["lines"][0]["reserved_quantity"],
            &read["lines"][0]["remaining_quantity"]
        ),
        (&json!("6"), &json!("4"))
    );
    assert_eq!(
        read["allowed_actions"],
        json!(["complete", "invoice"]),
        "no cancel once something is reserved; 4 remain to invoice"
    );

    let too_much = app
        .post(
            INVOICE_ORDERS,
            &json!({"lines": [{"sales_order_line_id": line_id(&order, 0), "quantity": "4.0001"}]}),
        )
        .await;
    let problem = assert_problem(too_much, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["lines[0].quantity"]);
    assert_eq!(problem["errors"][0]["code"], "exceeds_remaining");

    let rest = app
        .post_expect(
            INVOICE_ORDERS,
            &json!({"sales_order_id": id(&order)}),
            StatusCode::CREATED,
        )
        .await;
    let rest_quantities: Vec<&str> = rest["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["quantity"].as_str().unwrap())
        .collect();
    assert_eq!(rest_quantities, vec!["4", "4"], "everything that remains");
    let nothing = app.post(INVOICE_ORDERS, &json!({"sales_order_id": id(&order)})).await;
    let problem = assert_problem(nothing, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "nothing_to_invoice");

    let cancelled = app
        .post_as(
            &app.admin_token,
            &format!("{INVOICE_ORDERS}/{}/cancel", id(&partial)),
            None,
        )
        .await;
    assert_eq!(cancelled.status(), StatusCode::OK);
    let read = app.get_json(&format!("{ORDERS}/{}", id(&order))).await;
    assert_eq!(
        read["lines"][0]["remaining_quantity"], "6",
        "the cancelled quantities are free again"
    );
    let again = app
        .post_as(
            &app.admin_token,
            &format!("{INVOICE_ORDERS}/{}/cancel", id(&partial)),
            None,
        )
        .await;
    assert_problem(again, StatusCode::CONFLICT, "invalid_state_transition").await;
}

#[tokio::test]
async fn only_confirmed_orders_of_one_party_are_gathered() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let other = app
        .post_party(&json!({"kind": "organization", "name": "Other", "currency": "EUR"}))
        .await;
    let first = app.confirmed_order(&party, &["1"]).await;
    let second = app.confirmed_order(&party, &["2"]).await;
    let gathered = app
        .post_expect(
            INVOICE_ORDERS,
            &json!({"lines": [
                {"sales_order_line_id": line_id(&first, 0), "quantity": "1"},
                {"sales_order_line_id": line_id(&second, 0), "quantity": "2"}
            ]}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(
        gathered["lines"].as_array().unwrap().len(),
        2,
        "several orders of one party"
    );

    let elsewhere = app.confirmed_order(&other, &["1"]).await;
    let third = app.confirmed_order(&party, &["1"]).await;
    let mixed = app
        .post(
            INVOICE_ORDERS,
            &json!({"lines": [
                {"sales_order_line_id": line_id(&third, 0), "quantity": "1"},
                {"sales_order_line_id": line_id(&elsewhere, 0), "quantity": "1"}
            ]}),
        )
        .await;
    let problem = assert_problem(mixed, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["lines[1]"]);

    let draft = app
        .post_expect(
            ORDERS,
            &json!({"party_id": id(&party), "lines": [{"description": "x", "quantity": "1", "unit_price": "1", "tax_rate": "0"}]}),
            StatusCode::CREATED,
        )
        .await;
    let not_confirmed = app.post(INVOICE_ORDERS, &json!({"sales_order_id": id(&draft)})).await;
    let problem = assert_problem(not_confirmed, StatusCode::CONFLICT, "order_not_confirmed").await;
    assert_eq!(problem["existing_id"], id(&draft));
    let read = app.get_json(&format!("{ORDERS}/{}", id(&third))).await;
    assert_eq!(
        read["lines"][0]["reserved_quantity"], "0",
        "refused requests reserved nothing"
    );
}

/// Twenty invoice orders of 3 units at once on a line of 10: at most three fit, and the line is
/// never reserved beyond its quantity.
#[tokio::test]
async fn twenty_racing_invoice_orders_never_over_reserve() {
    let app = spawn_app().await;
    let party = app.customer().await;
    let order = app.confirmed_order(&party, &["10"]).await;
    let body = json!({"lines": [{"sales_order_line_id": line_id(&order, 0), "quantity": "3"}]});
    let responses = join_all((0..20).map(|_| app.post(INVOICE_ORDERS, &body))).await;
    let statuses: Vec<StatusCode> = responses.iter().map(reqwest::Response::status).collect();
    let created = statuses.iter().filter(|s| **s == StatusCode::CREATED).count();
    assert!(
        statuses.iter().all(|s| [
            StatusCode::CREATED,
            StatusCode::UNPROCESSABLE_ENTITY,
            StatusCode::SERVICE_UNAVAILABLE
        ]
        .contains(s)),
        "{statuses:?}"
    );
    assert_eq!(created, 3, "{statuses:?}");
    let read = app.get_json(&format!("{ORDERS}/{}", id(&order))).await;
    assert_eq!(read["lines"][0]["reserved_quantity"], "9");
    assert_eq!(read["lines"][0]["remaining_quantity"], "1");
    let open = app
        .get_json(&format!("{INVOICE_ORDERS}?sales_order_id={}&status=open", id(&order)))
        .await;
    assert_eq!(open["items"].as_array().unwrap().len(), 3);
}

/// A cancellation racing an invoice order: one of them wins, never both (a cancelled order with
/// an open invoice order could be invoiced).
#[tokio::test]
async fn a_cancellation_and_an_invoice_order_never_both_succeed() {
    let app = spawn_app().await;
    let party = app.customer().await;
    for _ in 0..10 {
        let order = app.confirmed_order(&party, &["4"]).await;
        let cancel_path = format!("{ORDERS}/{}/cancel", id(&order));
        let body = json!({"sales_order_id": id(&order)});
        let (cancelled, reserved) = tokio::join!(
            app.post_as(&app.admin_token, &cancel_path, None),
            app.post(INVOICE_ORDERS, &body)
        );
        let outcome = (cancelled.status(), reserved.status());
        assert!(
            [
                (StatusCode::OK, StatusCode::CONFLICT),
                (StatusCode::CONFLICT, StatusCode::CREATED)
            ]
            .contains(&outcome),
            "{outcome:?}"
        );
        let read = app.get_json(&format!("{ORDERS}/{}", id(&order))).await;
        let expected = if outcome.0 == StatusCode::OK {
            ("cancelled", "0")
        } else {
            ("confirmed", "4")
        };
        assert_eq!(
            (
                read["status"].as_str().unwrap(),
                read["lines"][0]["reserved_quantity"].as_str().unwrap()
            ),
            expected
        );
    }
}
