//! `allowed_actions` as a frontend renders its buttons from it: the transitions, editing and
//! deleting a draft, and making the next document of the chain, each shown to the roles that may
//! and only while the record's state allows it.

use domain::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::fixtures::worked_example_with_an_option;
use crate::helpers::{TestApp, id, spawn_app};

const OFFERS: &str = "/api/v1/offers";
const ORDERS: &str = "/api/v1/sales-orders";
const INVOICE_ORDERS: &str = "/api/v1/invoice-orders";

/// The `allowed_actions` of the record at `path` as `token` reads it.
async fn actions(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.request(Method::GET, path, Some(token), None).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    let read: Value = response.json().await.unwrap();
    read["allowed_actions"].clone()
}

/// The `allowed_actions` of each item of the list at `path`, as the admin reads it.
async fn listed_actions(app: &TestApp, path: &str) -> Vec<Value> {
    let page = app.get_json(path).await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["allowed_actions"].clone())
        .collect()
}

#[tokio::test]
async fn an_accepted_offer_offers_its_conversion_until_it_has_an_order() {
    let app = spawn_app().await;
    let viewer = app.login_as(Role::Viewer).await;
    let party = app.customer().await;
    let body = json!({"party_id": id(&party), "lines": worked_example_with_an_option()});
    let draft = app.post_expect(OFFERS, &body, StatusCode::CREATED).await;
    assert_eq!(draft["allowed_actions"], json!(["send", "cancel", "update", "delete"]));

    let offer = app.accepted_offer(&party, &worked_example_with_an_option()).await;
    let path = format!("{OFFERS}/{}", id(&offer));
    assert_eq!(offer["allowed_actions"], json!(["convert"]));
    assert_eq!(
        listed_actions(&app, &format!("{OFFERS}?status=accepted")).await,
        [json!(["convert"])]
    );
    assert_eq!(
        actions(&app, &viewer, &path).await,
        json!([]),
        "a viewer may not convert"
    );

    let order = app
        .post_expect(ORDERS, &json!({"offer_id": id(&offer)}), StatusCode::CREATED)
        .await;
    assert_eq!(
        order["allowed_actions"],
        json!(["confirm", "cancel", "update", "delete"])
    );
    assert_eq!(
        actions(&app, &app.admin_token, &path).await,
        json!([]),
        "converted once"
    );
    assert_eq!(
        listed_actions(&app, &format!("{OFFERS}?status=accepted")).await,
        [json!([])]
    );
    let of_party = format!("/api/v1/parties/{}/offers?status=accepted", id(&party));
    assert_eq!(listed_actions(&app, &of_party).await, [json!([])]);

    // Deleting the draft order frees the offer to convert again.
    let order_path = format!("{ORDERS}/{}", id(&order));
    let deleted = app
        .request(Method::DELETE, &order_path, Some(&app.admin_token), None)
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_eq!(actions(&app, &app.admin_token, &path).await, json!(["convert"]));
}

#[tokio::test]
async fn a_confirmed_order_offers_an_invoice_order_to_who_may_invoice_while_some_of_it_remains() {
    let app = spawn_app().await;
    let manager = app.login_as(Role::Manager).await;
    let party = app.customer().await;
    let offer = app.accepted_offer(&party, &worked_example_with_an_option()).await;
    let order = app
        .post_expect(ORDERS, &json!({"offer_id": id(&offer)}), StatusCode::CREATED)
        .await;
    let path = format!("{ORDERS}/{}", id(&order));
    let confirmed = app.post_as(&app.admin_token, &format!("{path}/confirm"), None).await;
    assert_eq!(confirmed.status(), StatusCode::OK);
    let confirmed: Value = confirmed.json().await.unwrap();
    assert_eq!(confirmed["allowed_actions"], json!(["complete", "cancel", "invoice"]));
    assert_eq!(
        actions(&app, &manager, &path).await,
        json!(["complete", "cancel"]),
        "a manager sells but does not invoice"
    );

    let invoice_order = app
        .post_expect(
            INVOICE_ORDERS,
            &json!({"sales_order_id": id(&order)}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(
        actions(&app, &app.admin_token, &path).await,
        json!(["complete"]),
        "all of it is on an invoice order: nothing to invoice, and too late to cancel"
    );
    assert_eq!(
        listed_actions(&app, &format!("{ORDERS}?status=confirmed")).await,
        [json!(["complete"])]
    );

    let cancel = format!("{INVOICE_ORDERS}/{}/cancel", id(&invoice_order));
    assert_eq!(
        app.post_as(&app.admin_token, &cancel, None).await.status(),
        StatusCode::OK
    );
    assert_eq!(
        actions(&app, &app.admin_token, &path).await,
        json!(["complete", "cancel", "invoice"]),
        "the quantities are free again"
    );
}
