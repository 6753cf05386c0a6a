//! Products: the catalog, unique SKUs, archiving, upserts by external id, and who may change it.

use domain::access::Role;
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{assert_problem, error_fields, id, item_ids, spawn_app};

const PRODUCTS: &str = "/api/v1/products";

fn bolt() -> Value {
    json!({"sku": "BOLT-M8", "name": "Hex bolt M8", "list_price": "1.255", "currency": "EUR", "tax_rate": "19",
           "product_group": "hardware"})
}

#[tokio::test]
async fn a_product_is_created_with_its_defaults_and_read_back_exactly() {
    let app = spawn_app().await;
    let response = app.post(PRODUCTS, &bolt()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let product: Value = response.json().await.unwrap();
    assert_eq!(location, format!("{PRODUCTS}/{}", id(&product)));
    assert_eq!(product["kind"], "goods");
    assert_eq!(product["unit"], "pcs");
    assert_eq!(product["list_price"], "1.255", "unit prices keep their decimals");
    assert_eq!(product["tax_rate"], "19");
    assert_eq!(product["active"], true);
    assert_eq!(app.get_json(&location).await, product);

    let service = app
        .post_expect(
            PRODUCTS,
            &json!({"sku": "CONSULT", "name": "Consulting", "kind": "service", "list_price": "120",
                    "currency": "EUR", "tax_rate": "19"}),
            StatusCode::CREATED,
        )
        .await;
    assert_eq!(
        service["unit"], "h",
        "a service is counted in hours unless it says otherwise"
    );
}

#[tokio::test]
async fn a_taken_sku_is_a_conflict_naming_its_product_and_bad_values_are_named() {
    let app = spawn_app().await;
    let first = app.post_expect(PRODUCTS, &bolt(), StatusCode::CREATED).await;
    let again = app.post(PRODUCTS, &bolt()).await;
    let problem = assert_problem(again, StatusCode::CONFLICT, "duplicate_sku").await;
    assert_eq!(problem["existing_id"], id(&first));

    let other = app
        .post_expect(
            PRODUCTS,
            &json!({"sku": "NUT-M8", "name": "Nut", "list_price": "0.10", "currency": "EUR", "tax_rate": "19"}),
            StatusCode::CREATED,
        )
        .await;
    let rename = app
        .patch(&format!("{PRODUCTS}/{}", id(&other)), &json!({"sku": "BOLT-M8"}))
        .await;
    assert_problem(rename, StatusCode::CONFLICT, "duplicate_sku").await;

    let bad = app
        .post(
            PRODUCTS,
            &json!({"sku": " ", "name": "x", "list_price": "1.0000001", "currency": "EURO", "tax_rate": "101",
                    "unit": ""}),
        )
        .await;
    let problem = assert_problem(bad, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        vec!["sku", "unit", "list_price", "currency", "tax_rate"]
    );
    let float = app
        .post(
            PRODUCTS,
            &json!({"sku": "F", "name": "x", "list_price": 1.5, "currency": "EUR", "tax_rate": "0"}),
        )
        .await;
    assert_problem(float, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let page = app.get_json(PRODUCTS).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 2, "nothing else was created");
}

#[tokio::test]
async fn archiving_hides_a_product_from_the_catalog_but_keeps_it_readable() {
    let app = spawn_app().await;
    let product = app.post_expect(PRODUCTS, &bolt(), StatusCode::CREATED).await;
    let path = format!("{PRODUCTS}/{}", id(&product));
    let archived = app.request(Method::DELETE, &path, Some(&app.admin_token), None).await;
    assert_eq!(archived.status(), StatusCode::NO_CONTENT);
    let read = app.get_json(&path).await;
    assert!(read["archived_at"].is_string());
    assert_eq!(app.get_json(PRODUCTS).await["items"], json!([]));
    let all = app.get_json(&format!("{PRODUCTS}?include_archived=true")).await;
    assert_eq!(item_ids(&all), vec![id(&product)]);
    let again = app.post(PRODUCTS, &bolt()).await;
    assert_problem(again, StatusCode::CONFLICT, "duplicate_sku").await;

    let history = app.get_json(&format!("{path}/history")).await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["created", "archived"]);
}

#[tokio::test]
async fn lists_filter_search_and_sort_the_catalog() {
    let app = spawn_app().await;
    let mut ids = Vec::new();
    for (sku, name, group, active) in [
        ("C-3", "Cable", "electric", true),
        ("A-1", "Bolt", "hardware", true),
        ("B-2", "Anchor", "hardware", false),
    ] {
        let product = app
            .post_expect(
                PRODUCTS,
                &json!({"sku": sku, "name": name, "product_group": group, "active": active,
                        "list_price": "1", "currency": "EUR", "tax_rate": "19"}),
                StatusCode::CREATED,
            )
            .await;
        ids.push(id(&product).to_owned());
    }
    let (cable, bolt, anchor) = (&ids[0], &ids[1], &ids[2]);
    for (query, expected) in [
        ("", vec![anchor, bolt, cable]),
        ("sort=sku", vec![bolt, anchor, cable]),
        ("sort=-created_at", vec![anchor, bolt, cable]),
        ("product_group=hardware", vec![anchor, bolt]),
        ("active=true", vec![bolt, cable]),
        ("sku=B-2", vec![anchor]),
        ("q=ca", vec![cable]),
        ("q=a-1", vec![bolt]),
    ] {
        let page = app.get_json(&format!("{PRODUCTS}?{query}")).await;
        let expected: Vec<String> = expected.into_iter().cloned().collect();
        assert_eq!(item_ids(&page), expected, "{query}");
    }
    let bad = app.get(&format!("{PRODUCTS}?sort=price")).await;
    assert_problem(bad, StatusCode::BAD_REQUEST, "invalid_query").await;
}

#[tokio::test]
async fn an_integrator_upserts_by_external_id_without_doubles() {
    let app = spawn_app().await;
    let integrator = app.login_as(Role::Integrator).await;
    let path = "/api/v1/products/by-external-id/ERP-BOLT";
    let body = bolt();
    let puts = (0..8).map(|_| app.request(Method::PUT, path, Some(&integrator), Some(&body)));
    let statuses: Vec<StatusCode> = join_all(puts).await.iter().map(reqwest::Response::status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::CREATED).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::CREATED || *s == StatusCode::OK)
    );
    let page = app.get_json(&format!("{PRODUCTS}?external_id=ERP-BOLT")).await;
    assert_eq!(page["items"].as_array().unwrap().len(), 1);
    assert_eq!(page["items"][0]["version"], 1, "identical content writes nothing");

    let mut changed = bolt();
    changed["list_price"] = json!("1.30");
    let replaced = app.request(Method::PUT, path, Some(&integrator), Some(&changed)).await;
    assert_eq!(replaced.status(), StatusCode::OK);
    let replaced: Value = replaced.json().await.unwrap();
    assert_eq!(
        (replaced["list_price"].as_str(), replaced["product_group"].as_str()),
        (Some("1.30"), Some("hardware"))
    );
    let mismatch = app
        .request(
            Method::PUT,
            path,
            Some(&integrator),
            Some(
                &json!({"sku": "X", "name": "x", "list_price": "1", "currency": "EUR", "tax_rate": "0",
                         "external_id": "OTHER"}),
            ),
        )
        .await;
    assert_problem(mismatch, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

#[tokio::test]
async fn sales_users_read_the_catalog_but_do_not_change_it() {
    let app = spawn_app().await;
    let sales = app.login_as(Role::Sales).await;
    let product = app.post_expect(PRODUCTS, &bolt(), StatusCode::CREATED).await;
    let read = app
        .request(Method::GET, &format!("{PRODUCTS}/{}", id(&product)), Some(&sales), None)
        .await;
    assert_eq!(read.status(), StatusCode::OK);
    let create = app.post_as(&sales, PRODUCTS, Some(&bolt())).await;
    assert_problem(create, StatusCode::FORBIDDEN, "forbidden").await;
    let manager = app.login_as(Role::Manager).await;
    let change = app
        .request(
            Method::PATCH,
            &format!("{PRODUCTS}/{}", id(&product)),
            Some(&manager),
            Some(&json!({"active": false})),
        )
        .await;
    assert_eq!(change.status(), StatusCode::OK);
}
