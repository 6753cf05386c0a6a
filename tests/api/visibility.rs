//! Two teams, swept over the whole document: a sales user of one team neither reads, finds,
//! changes nor references a record of the other team, through any operation. For every operation
//! on a record, the answer for the other team's record must be the answer for an id that names
//! nothing (no oracle); every list, with every filter it documents, must leave the other team's
//! records out.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{TestApp, id, spawn_app};
use domain::access::Role;

/// Carol's records (team South), by the collection whose `{id}` they fill.
struct Theirs {
    by_collection: Vec<(&'static str, String)>,
}

impl Theirs {
    fn id_for(&self, path: &str) -> Option<&str> {
        self.by_collection
            .iter()
            .find(|(collection, _)| path.starts_with(&format!("/api/v1/{collection}/")))
            .map(|(_, id)| id.as_str())
    }

    fn ids(&self) -> impl Iterator<Item = &str> {
        self.by_collection.iter().map(|(_, id)| id.as_str())
    }
}

async fn created(app: &TestApp, token: &str, path: &str, body: &Value) -> Value {
    let response = app.request(Method::POST, path, Some(token), Some(body)).await;
    let status = response.status();
    let body: Value = response.json().await.unwrap();
    assert!(status.is_success(), "POST {path}: {status} {body}");
    body
}

/// Carol's whole chain: party, contact, activity, opportunity, offer, order, invoice order,
/// issued invoice with a payment.
async fn carols_chain(app: &TestApp, carol: &str) -> Theirs {
    let party = created(
        app,
        carol,
        "/api/v1/parties",
        &json!({"kind": "organization", "name": "Carolina Ltd", "roles": ["customer", "competitor"],
                "currency": "EUR"}),
    )
    .await;
    let contact = created(
        app,
        carol,
        "/api/v1/parties",
        &json!({"kind": "person", "name": "Carolyn Contact", "organization_id": id(&party)}),
    )
    .await;
    let opportunity = created(
        app,
        carol,
        "/api/v1/opportunities",
        &json!({"title": "Carolina deal", "party_id": id(&party)}),
    )
    .await;
    let activity = created(
        app,
        carol,
        "/api/v1/activities",
        &json!({"kind": "call", "subject": "Call Carolina", "party_id": id(&party), "opportunity_id": id(&opportunity)}),
    )
    .await;
    let lines = json!([{"description": "Carolina item", "quantity": "2", "unit_price": "10.00", "tax_rate": "19"}]);
    let offer = created(
        app,
        carol,
        "/api/v1/offers",
        &json!({"party_id": id(&party), "opportunity_id": id(&opportunity), "lines": lines}),
    )
    .await;
    for action in ["send", "accept"] {
        created(
            app,
            carol,
            &format!("/api/v1/offers/{}/{action}", id(&offer)),
            &json!({}),
        )
        .await;
    }
    let order = created(app, carol, "/api/v1/sales-orders", &json!({"offer_id": id(&offer)})).await;
    let order = created(
        app,
        carol,
        &format!("/api/v1/sales-orders/{}/confirm", id(&order)),
        &json!({}),
    )
    .await;
    let admin = app.admin_token.clone();
    let invoice_order = created(
        app,
        &admin,
        "/api/v1/invoice-orders",
        &json!({"sales_order_id": id(&order)}),
    )
    .await;
    let invoice = created(
        app,
        &admin,
        "/api/v1/invoices",
        &json!({"invoice_order_id": id(&invoice_order)}),
    )
    .await;
    created(
        app,
        &admin,
        &format!("/api/v1/invoices/{}/issue", id(&invoice)),
        &json!({}),
    )
    .await;
    created(
        app,
        &admin,
        &format!("/api/v1/invoices/{}/payments", id(&invoice)),
        &json!({"amount": "5.00", "method": "bank_transfer"}),
    )
    .await;
    Theirs {
        by_collection: vec![
            ("parties", id(&party).to_owned()),
            ("activities", id(&activity).to_owned()),
            ("opportunities", id(&opportunity).to_owned()),
            ("offers", id(&offer).to_owned()),
            ("sales-orders", id(&order).to_owned()),
            ("invoice-orders", id(&invoice_order).to_owned()),
            ("invoices", id(&invoice).to_owned()),
            // The contact is a party too: listed for the lists' sake.
            ("contacts", id(&contact).to_owned()),
        ],
    }
}

/// Carol's records as the admin reads them (the contact through the parties).
async fn as_the_admin_sees(app: &TestApp, theirs: &Theirs) -> Vec<Value> {
    let mut records = Vec::new();
    for (collection, id) in &theirs.by_collection {
        let collection = if *collection == "contacts" {
            "parties"
        } else {
            collection
        };
        records.push(app.get_json(&format!("/api/v1/{collection}/{id}")).await);
    }
    records
}

/// What an answer tells: its status, its code, and the fields and codes of its errors.
async fn telling(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let body: Value = response.json().await.unwrap_or(Value::Null);
    let errors: Vec<Value> = body["errors"]
        .as_array()
        .map(|errors| errors.iter().map(|e| json!([e["field"], e["code"]])).collect())
        .unwrap_or_default();
    (status, json!({"code": body["code"], "errors": errors}))
}

fn concrete(path: &str, record: &str) -> String {
    let mut first = true;
    path.split('/')
        .map(|segment| match segment {
            s if s.starts_with('{') && first => {
                first = false;
                record.to_owned()
            }
            s if s.starts_with('{') => Uuid::new_v4().to_string(),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn a_sales_user_finds_no_trace_of_another_teams_records_anywhere() {
    let app = spawn_app().await;
    let north = app.create_team("North").await;
    let south = app.create_team("South").await;
    let (_, alice) = app.user_with_role(Role::Sales, Some(&north)).await;
    let (carol_id, carol) = app.user_with_role(Role::Sales, Some(&south)).await;
    let theirs = carols_chain(&app, &carol).await;
    let alices_party = created(
        &app,
        &alice,
        "/api/v1/parties",
        &json!({"kind": "organization", "name": "Alicorp"}),
    )
    .await;
    let before = as_the_admin_sees(&app, &theirs).await;

    let document = app.get_json("/api-docs/openapi.json").await;
    let mut leaks = vec![];
    let mut probes = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = (method != Method::GET && method != Method::DELETE).then(|| json!({}));
            if let Some(record) = theirs.id_for(path).filter(|_| path.contains('{')) {
                // An operation on one of Carol's records: told exactly what a made-up id is told.
                let on_theirs = app
                    .request(method.clone(), &concrete(path, record), Some(&alice), body.as_ref())
                    .await;
                let made_up = Uuid::new_v4().to_string();
                let on_nothing = app
                    .request(method.clone(), &concrete(path, &made_up), Some(&alice), body.as_ref())
                    .await;
                let (theirs_told, nothing_told) = (telling(on_theirs).await, telling(on_nothing).await);
                probes += 1;
                if theirs_told != nothing_told {
                    leaks.push(format!(
                        "{method} {path}: {theirs_told:?} but for nothing {nothing_told:?}"
                    ));
                }
            }
            if method == Method::GET {
                // A list (or a record of Alice's with its sub-lists), with every filter it has.
                let path = path.replace("{id}", id(&alices_party));
                if path.contains('{') || !path.starts_with("/api/v1/") {
                    continue;
                }
                let mut queries = vec![String::new()];
                for parameter in operation["parameters"].as_array().into_iter().flatten() {
                    let name = parameter["name"].as_str().unwrap_or_default();
                    if parameter["in"] != "query" {
                        continue;
                    }
                    if name == "q" {
                        queries.push("q=Carol".to_owned());
                    } else if name.ends_with("_id") {
                        for record in theirs.ids().chain([carol_id.as_str()]) {
                            queries.push(format!("{name}={record}"));
                        }
                    } else if name == "updated_since" {
                        queries.push("updated_since=2000-01-01T00:00:00Z".to_owned());
                    } else if name.starts_with("include_") {
                        queries.push(format!("{name}=true"));
                    }
                }
                for query in queries {
                    let url = format!("{path}?{query}");
                    let response = app.request(Method::GET, &url, Some(&alice), None).await;
                    let status = response.status();
                    let text = response.text().await.unwrap();
                    probes += 1;
                    if status.is_server_error() {
                        leaks.push(format!("GET {url}: {status}"));
                    }
                    for record in theirs.ids() {
                        if text.contains(record) || text.contains("Carol") {
                            leaks.push(format!("GET {url} shows Carol's record {record}: {status}"));
                        }
                    }
                }
            }
        }
    }
    assert!(probes > 150, "only {probes} probes: the sweep lost its operations");
    assert!(leaks.is_empty(), "{} leaks:\n{}", leaks.len(), leaks.join("\n"));

    // Nothing of Carol's changed: every record is as it was, version and all.
    assert_eq!(as_the_admin_sees(&app, &theirs).await, before);
}

/// Naming another team's record in a body is answered as naming one that does not exist.
#[tokio::test]
async fn a_sales_user_cannot_reference_another_teams_records() {
    let app = spawn_app().await;
    let north = app.create_team("North").await;
    let south = app.create_team("South").await;
    let (_, alice) = app.user_with_role(Role::Sales, Some(&north)).await;
    let (_, carol) = app.user_with_role(Role::Sales, Some(&south)).await;
    let theirs = carols_chain(&app, &carol).await;
    let mine = created(
        &app,
        &alice,
        "/api/v1/parties",
        &json!({"kind": "organization", "name": "Alicorp"}),
    )
    .await;
    let theirs_of = |collection: &str| {
        theirs
            .by_collection
            .iter()
            .find(|(c, _)| *c == collection)
            .map(|(_, id)| id.clone())
            .unwrap()
    };
    let mine = id(&mine).to_owned();
    let bodies = [
        (
            "/api/v1/parties",
            "parties",
            json!({"kind": "person", "name": "P", "organization_id": "{}"}),
        ),
        (
            "/api/v1/opportunities",
            "parties",
            json!({"title": "T", "party_id": "{}"}),
        ),
        (
            "/api/v1/opportunities",
            "parties",
            json!({"title": "T", "party_id": mine, "competitor_ids": ["{}"]}),
        ),
        (
            "/api/v1/activities",
            "parties",
            json!({"kind": "call", "subject": "S", "party_id": "{}"}),
        ),
        (
            "/api/v1/activities",
            "opportunities",
            json!({"kind": "call", "subject": "S", "opportunity_id": "{}"}),
        ),
        (
            "/api/v1/activities",
            "offers",
            json!({"kind": "call", "subject": "S", "offer_id": "{}"}),
        ),
        (
            "/api/v1/activities",
            "sales-orders",
            json!({"kind": "call", "subject": "S", "sales_order_id": "{}"}),
        ),
        (
            "/api/v1/activities",
            "invoices",
            json!({"kind": "call", "subject": "S", "invoice_id": "{}"}),
        ),
        ("/api/v1/offers", "parties", json!({"party_id": "{}"})),
        (
            "/api/v1/offers",
            "opportunities",
            json!({"party_id": mine, "opportunity_id": "{}"}),
        ),
        ("/api/v1/sales-orders", "offers", json!({"offer_id": "{}"})),
        (
            "/api/v1/sales-orders",
            "parties",
            json!({"party_id": "{}", "lines": [
            {"description": "X", "quantity": "1", "unit_price": "1.00", "tax_rate": "19"}]}),
        ),
    ];
    for (path, collection, template) in bodies {
        let with = |record: &str| serde_json::from_str::<Value>(&template.to_string().replace("{}", record)).unwrap();
        let on_theirs = telling(
            app.request(Method::POST, path, Some(&alice), Some(&with(&theirs_of(collection))))
                .await,
        )
        .await;
        let made_up = Uuid::new_v4().to_string();
        let on_nothing = telling(
            app.request(Method::POST, path, Some(&alice), Some(&with(&made_up)))
                .await,
        )
        .await;
        assert!(
            on_theirs.0.is_client_error(),
            "POST {path} naming Carol's {collection}: {on_theirs:?}"
        );
        assert_eq!(on_theirs, on_nothing, "POST {path} naming Carol's {collection}");
    }
}
