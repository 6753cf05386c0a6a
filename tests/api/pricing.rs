//! Pricing: price lists with tiers and validity, discount rules, and the resolution that explains
//! a price to a salesperson.

use domain::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, id, spawn_app};

async fn product(app: &TestApp, sku: &str, price: &str, group: &str) -> Value {
    app.post_expect(
        "/api/v1/products",
        &json!({"sku": sku, "name": sku, "list_price": price, "currency": "EUR", "tax_rate": "19",
                "product_group": group}),
        StatusCode::CREATED,
    )
    .await
}

async fn rule(app: &TestApp, body: Value) -> Value {
    app.post_expect("/api/v1/discount-rules", &body, StatusCode::CREATED)
        .await
}

/// The explanation as (source name or kind, applied, code).
fn explained(resolution: &Value) -> Vec<(String, bool, String)> {
    resolution["explanation"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| {
            let name = c["source_name"]
                .as_str()
                .unwrap_or(c["source"].as_str().unwrap())
                .to_owned();
            (
                name,
                c["applied"].as_bool().unwrap(),
                c["code"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn row(name: &str, applied: bool, code: &str) -> (String, bool, String) {
    (name.to_owned(), applied, code.to_owned())
}

#[tokio::test]
async fn a_salesperson_sees_why_a_price_is_what_it_is() {
    let app = spawn_app().await;
    let bolt = product(&app, "BOLT", "1.20", "hardware").await;
    let list = app
        .post_expect(
            "/api/v1/price-lists",
            &json!({"name": "Wholesale", "currency": "EUR", "entries": [
                {"product_id": id(&bolt), "unit_price": "1.10"},
                {"product_id": id(&bolt), "unit_price": "0.95", "min_quantity": "50"},
                {"product_id": id(&bolt), "unit_price": "0.90", "min_quantity": "500"}
            ]}),
            StatusCode::CREATED,
        )
        .await;
    let party = app
        .post_party(
            &json!({"kind": "organization", "name": "Acme", "customer_group": "wholesale",
                            "price_list_id": id(&list), "currency": "EUR"}),
        )
        .await;
    rule(
        &app,
        json!({"name": "A group", "percent": "5", "customer_group": "wholesale"}),
    )
    .await;
    rule(
        &app,
        json!({"name": "B hardware", "percent": "8", "product_group": "hardware"}),
    )
    .await;
    rule(&app, json!({"name": "C bulk", "percent": "10", "min_quantity": "100"})).await;
    rule(
        &app,
        json!({"name": "D later", "percent": "30", "valid_from": "2099-01-01"}),
    )
    .await;
    rule(&app, json!({"name": "E off", "percent": "40", "active": false})).await;
    rule(
        &app,
        json!({"name": "F loyal", "percent": "20", "turnover_period": "quarter", "turnover_threshold": "1000.00",
               "turnover_currency": "EUR"}),
    )
    .await;
    rule(
        &app,
        json!({"name": "G retail", "percent": "3", "customer_group": "retail"}),
    )
    .await;

    let resolve = |quantity: &str| {
        format!(
            "/api/v1/pricing/resolve?party_id={}&product_id={}&quantity={quantity}&date=2026-11-25",
            id(&party),
            id(&bolt)
        )
    };
    let at_60 = app.get_json(&resolve("60")).await;
    assert_eq!(
        at_60["unit_price"], "0.95",
        "the tier with the highest minimum not above 60"
    );
    assert_eq!(
        at_60["discount_percent"], "8",
        "the best single rule; discounts do not stack"
    );
    assert_eq!(at_60["currency"], "EUR");
    assert_eq!(
        explained(&at_60),
        vec![
            row("Wholesale", true, "applied"),
            row("list_price", false, "not_needed"),
            row("A group", false, "not_best"),
            row("B hardware", true, "applied"),
            row("C bulk", false, "below_min_quantity"),
            row("D later", false, "not_valid_on_date"),
            row("E off", false, "inactive"),
            row("F loyal", false, "turnover_below_threshold"),
            row("G retail", false, "customer_group_mismatch"),
        ]
    );
    let loyal = &at_60["explanation"][7]["reason"];
    assert!(
        loyal.as_str().unwrap().contains("2026-07-01 to 2026-09-30") && loyal.as_str().unwrap().contains("0.00 EUR"),
        "{loyal}"
    );

    let at_100 = app.get_json(&resolve("100")).await;
    assert_eq!(
        (at_100["unit_price"].as_str(), at_100["discount_percent"].as_str()),
        (Some("0.95"), Some("10"))
    );
    let at_1 = app.get_json(&resolve("1")).await;
    assert_eq!(at_1["unit_price"], "1.10");

    // In another currency neither the list nor the list price has a price.
    let in_usd = app.get_json(&format!("{}&currency=USD", resolve("1"))).await;
    assert_eq!(in_usd["unit_price"], Value::Null);
    assert_eq!(in_usd["explanation"][0]["code"], "currency_mismatch");
    assert_eq!(in_usd["explanation"][1]["code"], "currency_mismatch");

    // What does not parse is a 400; what parses but breaks a rule a 422 naming the parameter.
    for (bad, status) in [
        ("quantity=abc", StatusCode::BAD_REQUEST),
        ("date=2026-13-01", StatusCode::BAD_REQUEST),
        ("colour=red", StatusCode::BAD_REQUEST),
        ("quantity=0", StatusCode::UNPROCESSABLE_ENTITY),
        (
            "quantity=12027711782920779.2239469360604402",
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        ("currency=AAA", StatusCode::UNPROCESSABLE_ENTITY),
        ("date=0000-01-01", StatusCode::UNPROCESSABLE_ENTITY),
    ] {
        let response = app
            .get(&format!(
                "/api/v1/pricing/resolve?party_id={}&product_id={}&{bad}",
                id(&party),
                id(&bolt)
            ))
            .await;
        let code = if status == StatusCode::BAD_REQUEST {
            "invalid_query"
        } else {
            "validation_failed"
        };
        assert_problem(response, status, code).await;
    }
}

#[tokio::test]
async fn a_price_list_applies_within_its_validity_else_the_list_price() {
    let app = spawn_app().await;
    let bolt = product(&app, "BOLT", "1.20", "hardware").await;
    let list = app
        .post_expect(
            "/api/v1/price-lists",
            &json!({"name": "2027", "currency": "EUR", "valid_from": "2027-01-01", "valid_to": "2027-12-31",
                    "entries": [{"product_id": id(&bolt), "unit_price": "1.00"}]}),
            StatusCode::CREATED,
        )
        .await;
    let party = app
        .post_party(&json!({"kind": "organization", "name": "Acme", "price_list_id": id(&list)}))
        .await;
    for (date, price, code) in [
        ("2026-12-31", "1.20", "not_valid_on_date"),
        ("2027-01-01", "1.00", "applied"),
        ("2027-12-31", "1.00", "applied"),
        ("2028-01-01", "1.20", "not_valid_on_date"),
    ] {
        let resolution = app
            .get_json(&format!(
                "/api/v1/pricing/resolve?party_id={}&product_id={}&date={date}",
                id(&party),
                id(&bolt)
            ))
            .await;
        assert_eq!(resolution["unit_price"], price, "{date}");
        assert_eq!(resolution["explanation"][0]["code"], code, "{date}");
        assert_eq!(resolution["quantity"], "1", "one unit unless asked");
    }
}

#[tokio::test]
async fn price_lists_are_checked_replaced_whole_and_kept_while_in_use() {
    let app = spawn_app().await;
    let bolt = product(&app, "BOLT", "1.20", "hardware").await;
    let nowhere = "01890a5d-ac96-774b-bcce-b302099a8057";
    let bad = app
        .post(
            "/api/v1/price-lists",
            &json!({"name": "x", "currency": "EUR", "valid_from": "2027-02-01", "valid_to": "2027-01-01",
                    "entries": [{"product_id": nowhere, "unit_price": "1"},
                                {"product_id": id(&bolt), "unit_price": "-1"},
                                {"product_id": id(&bolt), "unit_price": "1", "min_quantity": "0"},
                                {"product_id": id(&bolt), "unit_price": "2", "min_quantity": "0.0"}]}),
        )
        .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        vec!["valid_to", "entries[1].unit_price", "entries[2]", "entries[3]"]
    );
    let unknown_product = app
        .post(
            "/api/v1/price-lists",
            &json!({"name": "x", "currency": "EUR", "entries": [{"product_id": nowhere, "unit_price": "1"}]}),
        )
        .await;
    let problem = assert_problem(unknown_product, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["entries[0].product_id"]);
    assert_eq!(app.get_json("/api/v1/price-lists").await["items"], json!([]));

    let list = app
        .post_expect(
            "/api/v1/price-lists",
            &json!({"name": "Base", "currency": "EUR", "entries": [{"product_id": id(&bolt), "unit_price": "1"}]}),
            StatusCode::CREATED,
        )
        .await;
    let path = format!("/api/v1/price-lists/{}", id(&list));
    let replaced = app
        .patch(
            &path,
            &json!({"entries": [{"product_id": id(&bolt), "unit_price": "0.99", "min_quantity": "10"}]}),
        )
        .await;
    assert_eq!(replaced.status(), StatusCode::OK);
    let replaced: Value = replaced.json().await.unwrap();
    assert_eq!(replaced["entries"].as_array().unwrap().len(), 1);
    assert_eq!(replaced["entries"][0]["unit_price"], "0.99");
    let yen = app.patch(&path, &json!({"currency": "JPY"})).await;
    let problem = assert_problem(yen, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["currency"], "0.99 EUR are not 0.99 JPY");
    let summary = app.get_json("/api/v1/price-lists").await;
    assert_eq!(summary["items"][0]["name"], "Base");
    assert!(summary["items"][0].get("entries").is_none(), "lists leave entries out");

    let party = app
        .post_party(&json!({"kind": "organization", "name": "Acme", "price_list_id": id(&list)}))
        .await;
    let in_use = app.request(Method::DELETE, &path, Some(&app.admin_token), None).await;
    assert_problem(in_use, StatusCode::CONFLICT, "price_list_in_use").await;
    let unassigned = app
        .patch(
            &format!("/api/v1/parties/{}", id(&party)),
            &json!({"price_list_id": null}),
        )
        .await;
    assert_eq!(unassigned.status(), StatusCode::OK);
    let deleted = app.request(Method::DELETE, &path, Some(&app.admin_token), None).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    let history = app.get_json(&format!("{path}/history")).await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["created", "updated", "deleted"]);
    let unknown = app
        .post(
            "/api/v1/parties",
            &json!({"kind": "organization", "name": "x", "price_list_id": id(&list)}),
        )
        .await;
    let problem = assert_problem(unknown, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["price_list_id"]);
}

#[tokio::test]
async fn discount_rules_name_every_broken_condition() {
    let app = spawn_app().await;
    let bad = app
        .post(
            "/api/v1/discount-rules",
            &json!({"name": "", "percent": "0", "min_quantity": "-1", "turnover_period": "month"}),
        )
        .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        vec![
            "name",
            "percent",
            "min_quantity",
            "turnover_threshold",
            "turnover_currency"
        ]
    );
    let created = rule(&app, json!({"name": "Base", "percent": "2.5"})).await;
    let path = format!("/api/v1/discount-rules/{}", id(&created));
    let off = app.patch(&path, &json!({"active": false})).await;
    assert_eq!(off.status(), StatusCode::OK);
    let deleted = app.request(Method::DELETE, &path, Some(&app.admin_token), None).await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
    assert_problem(app.get(&path).await, StatusCode::NOT_FOUND, "not_found").await;
    let history = app.get_json(&format!("{path}/history")).await;
    assert_eq!(history["items"].as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn sales_users_read_prices_for_their_own_parties_only() {
    let app = spawn_app().await;
    let sales = app.login_as(Role::Sales).await;
    let bolt = product(&app, "BOLT", "1.20", "hardware").await;
    let others = app
        .post_party(&json!({"kind": "organization", "name": "Not theirs"}))
        .await;
    let hidden = app
        .request(
            Method::GET,
            &format!(
                "/api/v1/pricing/resolve?party_id={}&product_id={}",
                id(&others),
                id(&bolt)
            ),
            Some(&sales),
            None,
        )
        .await;
    assert_problem(hidden, StatusCode::NOT_FOUND, "not_found").await;
    let refused = app
        .post_as(
            &sales,
            "/api/v1/discount-rules",
            Some(&json!({"name": "Mine", "percent": "50"})),
        )
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let read = app
        .request(Method::GET, "/api/v1/price-lists", Some(&sales), None)
        .await;
    assert_eq!(read.status(), StatusCode::OK);
}
