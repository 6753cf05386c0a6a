//! Offers: exact totals, lines priced from the catalog, the transitions of domain.md, optional
//! lines at acceptance, revisions, and what may change when.

use domain::access::Role;
use domain::offer::{OfferAction, OfferStatus, TRANSITIONS};
use domain::transition;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, id, item_ids, spawn_app, spawn_app_with};

const OFFERS: &str = "/api/v1/offers";

async fn customer(app: &TestApp) -> Value {
    app.post_party(&json!({"kind": "organization", "name": "Acme", "roles": ["customer"], "currency": "EUR"}))
        .await
}

fn free_line(quantity: &str, price: &str, discount: &str, rate: &str) -> Value {
    json!({"description": "Item", "quantity": quantity, "unit_price": price, "discount_percent": discount, "tax_rate": rate})
}

/// The three lines of domain.md's worked example.
fn worked_example() -> Vec<Value> {
    vec![
        free_line("3", "19.99", "0", "20"),
        free_line("2.5", "10.00", "10", "20"),
        free_line("7", "1.255", "0", "7"),
    ]
}

async fn offer(app: &TestApp, body: &Value) -> Value {
    app.post_expect(OFFERS, body, StatusCode::CREATED).await
}

async fn act(app: &TestApp, offer: &Value, action: &str, body: Option<&Value>) -> reqwest::Response {
    app.post_as(&app.admin_token, &format!("{OFFERS}/{}/{action}", id(offer)), body)
        .await
}

#[tokio::test]
async fn the_worked_example_comes_out_to_the_cent() {
    let app = spawn_app().await;
    let party = customer(&app).await;
    let response = app
        .post(OFFERS, &json!({"party_id": id(&party), "lines": worked_example()}))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    let year = chrono::Utc::now().format("%Y").to_string();
    assert_eq!(created["number"], format!("OF-{year}-000001"));
    assert_eq!(created["revision"], 1);
    assert_eq!(created["status"], "draft");
    assert_eq!(created["currency"], "EUR", "the party's currency");
    let nets: Vec<&str> = created["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["line_net"].as_str().unwrap())
        .collect();
    assert_eq!(nets, vec!["59.97", "22.50", "8.79"]);
    assert_eq!(
        (&created["net_total"], &created["tax_total"], &created["total"]),
        (&json!("91.26"), &json!("17.11"), &json!("108.37"))
    );
    assert_eq!(
        created["tax_breakdown"],
        json!([{"rate": "7", "net": "8.79", "tax": "0.62"}, {"rate": "20", "net": "82.47", "tax": "16.49"}])
    );
    assert_eq!(created["optional_total"], "0.00");
    assert_eq!(
        created["allowed_actions"],
        json!(["send", "cancel", "update", "delete"])
    );
    assert_eq!(created["lines"][2]["unit_price"], "1.255");
    assert_eq!(
        app.get_json(&location).await,
        created,
        "what was returned is what is stored"
    );

    let second = offer(&app, &json!({"party_id": id(&party)})).await;
    assert_eq!(second["number"], format!("OF-{year}-000002"));
}

#[tokio::test]
async fn zero_and_three_decimal_currencies_round_half_away_from_zero() {
    let app = spawn_app().await;
    let party = customer(&app).await;
    let yen = offer(
        &app,
        &json!({"party_id": id(&party), "currency": "JPY", "lines": [
            free_line("1", "2.5", "0", "10"), free_line("3", "0.5", "0", "10")
        ]}),
    )
    .await;
    // 2.5 → 3 and 1.5 → 2: net 5, tax 0.5 → 1.
    assert_eq!(
        (&yen["net_total"], &yen["tax_total"], &yen["total"]),
        (&json!("5"), &json!("1"), &json!("6"))
    );
    assert_eq!(yen["lines"][0]["line_net"], "3");
    let dinar = offer(
        &app,
        &json!({"party_id": id(&party), "currency": "KWD", "lines": [
            free_line("1", "0.0005", "0", "10"), free_line("1", "1.2345", "0", "10")
        ]}),
    )
    .await;
    // 0.0005 → 0.001 and 1.2345 → 1.235: net 1.236, tax 0.1236 → 0.124.
    assert_eq!(
        (&dinar["net_total"], &dinar["tax_total"], &dinar["total"]),
        (&json!("1.236"), &json!("0.124"), &json!("1.360"))
    );
}

#[tokio::test]
async fn lines_are_priced_from_the_catalog_unless_they_name_a_price() {
    let app = spawn_app().await;
    let bolt = app
        .post_expect(
            "/api/v1/products",
            &json!({"sku": "BOLT", "name": "Hex bolt", "list_price": "1.20", "currency": "EUR", "tax_rate": "19",
                    "product_group": "hardware"}),
            StatusCode::CREATED,
        )
        .await;
    let list = app
        .post_expect(
            "/api/v1/price-lists",
            &json!({"name": "Wholesale", "currency": "EUR", "entries": [
                {"product_id": id(&bolt), "unit_price": "0.95", "min_quantity": "100"}
            ]}),
            StatusCode::CREATED,
        )
        .await;
    app.post_expect(
        "/api/v1/discount-rules",
        &json!({"name": "Hardware", "percent": "5", "product_group": "hardware"}),
        StatusCode::CREATED,
    )
    .await;
    let party = app
        .post_party(&json!({"kind": "organization", "name": "Acme", "currency": "EUR", "price_list_id": id(&list)}))
        .await;
    let created = offer(
        &app,
        &json!({"party_id": id(&party), "lines": [
            {"product_id": id(&bolt), "quantity": "200"},
            {"product_id": id(&bolt), "quantity": "10"},
            {"product_id": id(&bolt), "quantity": "10", "unit_price": "1.50", "description": "Bolt, special"}
        ]}),
    )
    .await;
    let summary: Vec<(&str, &str, &str, &str, &str)> = created["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| {
            (
                l["description"].as_str().unwrap(),
                l["unit_price"].as_str().unwrap(),
                l["discount_percent"].as_str().unwrap(),
                l["tax_rate"].as_str().unwrap(),
                l["line_net"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("Hex bolt", "0.95", "5", "19", "180.50"),
            ("Hex bolt", "1.20", "5", "19", "11.40"),
            ("Bolt, special", "1.50", "0", "19", "15.00"),
        ],
        "tier, list price with the best rule, and an explicit price kept as given"
    );
    assert_eq!(created["lines"][0]["unit"], "pcs");
    let noted = app
        .patch(
            &format!("{OFFERS}/{}", id(&created)),
            &json!({"notes": "Delivery in May"}),
        )
        .await;
    assert_eq!(noted.status(), StatusCode::OK, "a draft with catalog lines is editable");
    let noted: Value = noted.json().await.unwrap();
    assert_eq!(
        noted["lines"], created["lines"],
        "lines left alone keep their prices and ids"
    );

    // Decimals are exact: past 28 digits they are refused, not rounded.
    let inexact = app
        .post(
            OFFERS,
            &json!({"party_id": id(&party), "lines": [
                {"description": "x", "quantity": "1.00000000000000000000000000001", "unit_price": "1", "tax_rate": "0"}
            ]}),
        )
        .await;
    let problem = assert_problem(inexact, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["lines[0].quantity"]);

    let in_usd = app
        .post(
            OFFERS,
            &json!({"party_id": id(&party), "currency": "USD", "lines": [{"product_id": id(&bolt), "quantity": "1"}]}),
        )
        .await;
    let problem = assert_problem(in_usd, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["lines[0].unit_price"], "no price in USD");

    let nowhere = "01890a5d-ac96-774b-bcce-b302099a8057";
    let unknown = app
        .post(
            OFFERS,
            &json!({"party_id": id(&party), "lines": [{"product_id": nowhere, "quantity": "1"}, {"quantity": "0"}]}),
        )
        .await;
    let problem = assert_problem(unknown, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        vec![
            "lines[0].product_id",
            "lines[1].quantity",
            "lines[1].description",
            "lines[1].unit_price",
            "lines[1].tax_rate"
        ]
    );
    let archive = app
        .request(
            Method::DELETE,
            &format!("/api/v1/products/{}", id(&bolt)),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(archive.status(), StatusCode::NO_CONTENT);
    let archived = app
        .post(
            OFFERS,
            &json!({"party_id": id(&party), "lines": [{"product_id": id(&bolt), "quantity": "1"}]}),
        )
        .await;
    let problem = assert_problem(archived, StatusCode::CONFLICT, "product_unavailable").await;
    assert_eq!(problem["existing_id"], id(&bolt));
    let page = app.get_json(OFFERS).await;
    assert_eq!(
        page["items"].as_array().unwrap().len(),
        1,
        "refused offers were not created"
    );
}

/// Every (status, action) pair of the domain's table, over HTTP: allowed ones lead where the table
/// says, refused ones are a 409 naming the current and allowed statuses and change nothing.
#[tokio::test]
async fn every_transition_is_allowed_or_refused_as_the_table_says() {
    let app = spawn_app().await;
    let party = customer(&app).await;
    let reach: &[(OfferStatus, &[&str])] = &[
        (OfferStatus::Draft, &[]),
        (OfferStatus::Sent, &["send"]),
        (OfferStatus::Accepted, &["send", "accept"]),
        (OfferStatus::Rejected, &["send", "reject"]),
        (OfferStatus::Cancelled, &["cancel"]),
        (OfferStatus::Superseded, &["send", "revise"]),
        (OfferStatus::Expired, &["send"]),
    ];
    assert_eq!(reach.len(), OfferStatus::ALL.len());
    for (status, path) in reach {
        for action in OfferAction::ALL {
            let record = offer(
                &app,
                &json!({"party_id": id(&party), "valid_until": "2099-12-31", "lines": worked_example()}),
            )
            .await;
            for step in *path {
                let status = act(&app, &record, step, None).await.status();
                assert!(
                    status == StatusCode::OK || status == StatusCode::CREATED,
                    "{step}: {status}"
                );
            }
            if *status == OfferStatus::Expired {
                // Let the validity pass: a sent offer expires without anyone acting on it.
                app.execute_sql(&format!(
                    "UPDATE offers SET valid_until = '2000-01-01' WHERE number = '{}'",
                    record["number"].as_str().unwrap()
                ))
                .await;
            }
            let before = app.get_json(&format!("{OFFERS}/{}", id(&record))).await;
            assert_eq!(before["status"], status.as_str());
            let response = act(&app, &record, action.as_str(), None).await;
            match transition::apply(TRANSITIONS, *status, *action) {
                Ok(to) => {
                    let expected = if *action == OfferAction::Revise {
                        StatusCode::CREATED
                    } else {
                        StatusCode::OK
                    };
                    assert_eq!(response.status(), expected, "{status:?} {action:?}");
                    let after = app.get_json(&format!("{OFFERS}/{}", id(&record))).await;
                    assert_eq!(after["status"], to.as_str(), "{status:?} {action:?}");
                }
                Err(refusal) => {
                    let problem = assert_problem(response, StatusCode::CONFLICT, "invalid_state_transition").await;
                    assert_eq!(problem["current_status"], status.as_str());
                    assert_eq!(problem["allowed_from"], json!(refusal.allowed_from));
                    let after = app.get_json(&format!("{OFFERS}/{}", id(&record))).await;
                    assert_eq!(after, before, "a refused transition changes nothing");
                }
            }
        }
    }
}

#[tokio::test]
async fn a_sent_offer_expires_when_the_server_clock_passes_its_validity() {
    let clock = api::Clock::manual("2030-06-14T09:30:00Z".parse().unwrap());
    let app = spawn_app_with(|settings| settings.clock = clock.clone()).await;
    let party = customer(&app).await;
    let body = json!({"party_id": id(&party), "valid_until": "2030-06-15", "lines": worked_example()});
    let record = offer(&app, &body).await;
    assert_eq!(
        record["created_at"], "2030-06-14T09:30:00Z",
        "records are stamped by the server's clock"
    );
    assert_eq!(act(&app, &record, "send", None).await.status(), StatusCode::OK);
    let path = format!("{OFFERS}/{}", id(&record));

    clock.advance(chrono::TimeDelta::days(1));
    assert_eq!(
        app.get_json(&path).await["status"],
        "sent",
        "valid through its last day"
    );
    clock.advance(chrono::TimeDelta::days(1));
    let expired = app.get_json(&path).await;
    assert_eq!(expired["status"], "expired");
    assert_eq!(expired["allowed_actions"], json!(["revise"]));
}

#[tokio::test]
async fn a_customer_accepts_some_optional_lines_and_the_opportunity_is_won() {
    let app = spawn_app().await;
    let party = customer(&app).await;
    let deal = app
        .post_expect(
            "/api/v1/opportunities",
            &json!({"title": "Fleet", "party_id": id(&party)}),
            StatusCode::CREATED,
        )
        .await;
    let mut lines = worked_example();
    lines.push(json!({"description": "Extended warranty", "quantity": "1", "unit_price": "100", "tax_rate": "20", "optional": true}));
    lines.push(
        json!({"description": "Training", "quantity": "2", "unit_price": "50", "tax_rate": "20", "optional": true}),
    );
    let created = offer(
        &app,
        &json!({"party_id": id(&party), "opportunity_id": id(&deal), "lines": lines}),
    )
    .await;
    assert_eq!(created["total"], "108.37", "optional lines do not count yet");
    assert_eq!(created["optional_total"], "200.00");
    assert_eq!(act(&app, &created, "send", None).await.status(), StatusCode::OK);

    let warranty = created["lines"][3]["id"].as_str().unwrap();
    let required = created["lines"][0]["id"].as_str().unwrap();
    let wrong = act(
        &app,
        &created,
        "accept",
        Some(&json!({"selected_optional_line_ids": [warranty, required]})),
    )
    .await;
    let problem = assert_problem(wrong, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["selected_optional_line_ids[1]"]);
    assert_eq!(
        app.get_json(&format!("{OFFERS}/{}", id(&created))).await["status"],
        "sent"
    );

    let accepted = act(
        &app,
        &created,
        "accept",
        Some(&json!({"selected_optional_line_ids": [warranty]})),
    )
    .await;
    assert_eq!(accepted.status(), StatusCode::OK);
    let accepted: Value = accepted.json().await.unwrap();
    assert_eq!(accepted["status"], "accepted");
    assert_eq!(accepted["lines"][3]["selected"], true);
    assert_eq!(accepted["lines"][4]["selected"], false);
    // 91.26 + 100 net; tax 16.49 + 20 at 20 % → 36.49 on 182.47, 0.62 at 7 %.
    assert_eq!(
        (&accepted["net_total"], &accepted["tax_total"], &accepted["total"]),
        (&json!("191.26"), &json!("37.11"), &json!("228.37"))
    );
    assert_eq!(accepted["optional_total"], "100.00");
    assert_eq!(accepted["allowed_actions"], json!(["convert"]));

    let won = app.get_json(&format!("/api/v1/opportunities/{}", id(&deal))).await;
    assert_eq!(
        (won["status"].as_str(), won["probability"].as_str()),
        (Some("won"), Some("100"))
    );
}

#[tokio::test]
async fn revising_supersedes_the_offer_with_a_new_draft_of_the_same_number() {
    let app = spawn_app().await;
    let party = customer(&app).await;
    let first = offer(&app, &json!({"party_id": id(&party), "lines": worked_example()})).await;
    assert_eq!(act(&app, &first, "send", None).await.status(), StatusCode::OK);
    assert_eq!(act(&app, &first, "reject", None).await.status(), StatusCode::OK);
    let response = act(&app, &first, "revise", None).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let second: Value = response.json().await.unwrap();
    assert_eq!(location, format!("{OFFERS}/{}", id(&second)));
    assert_eq!(
        (&second["number"], &second["revision"], &second["status"]),
        (&first["number"], &json!(2), &json!("draft"))
    );
    assert_eq!(second["revises_id"], id(&first));
    assert_eq!(second["total"], first["total"]);
    assert_ne!(second["lines"][0]["id"], first["lines"][0]["id"]);
    assert_eq!(
        app.get_json(&format!("{OFFERS}/{}", id(&first))).await["status"],
        "superseded"
    );
    let both = app
        .get_json(&format!("{OFFERS}?number={}", first["number"].as_str().unwrap()))
        .await;
    assert_eq!(item_ids(&both), vec![id(&first), id(&second)]);

    // A revision is a new document: an archived party takes none.
    assert_eq!(act(&app, &second, "send", None).await.status(), StatusCode::OK);
    let archived = app
        .request(
            Method::DELETE,
            &format!("/api/v1/parties/{}", id(&party)),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(archived.status(), StatusCode::NO_CONTENT);
    let refused = act(&app, &second, "revise", None).await;
    assert_problem(refused, StatusCode::CONFLICT, "party_archived").await;
    assert_eq!(
        app.get_json(&format!("{OFFERS}/{}", id(&second))).await["status"],
        "sent",
        "refused: nothing changed"
    );
}

#[tokio::test]
async fn accepting_is_refused_when_the_opportunity_cannot_be_won() {
    let app = spawn_app().await;
    let party = customer(&app).await;
    let deal = app
        .post_expect(
            "/api/v1/opportunities",
            &json!({"title": "Fleet", "party_id": id(&party)}),
            StatusCode::CREATED,
        )
        .await;
    let stages = app.get_json("/api/v1/pipeline-stages").await;
    let won = stages["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["kind"] == "won")
        .unwrap();
    let retired = app
        .patch(
            &format!("/api/v1/pipeline-stages/{}", id(won)),
            &json!({"retired": true}),
        )
        .await;
    assert_eq!(retired.status(), StatusCode::OK);
    let quote = offer(
        &app,
        &json!({"party_id": id(&party), "opportunity_id": id(&deal), "lines": worked_example()}),
    )
    .await;
    assert_eq!(act(&app, &quote, "send", None).await.status(), StatusCode::OK);
    let refused = act(&app, &quote, "accept", None).await;
    assert_problem(refused, StatusCode::CONFLICT, "no_won_stage").await;
    assert_eq!(
        app.get_json(&format!("{OFFERS}/{}", id(&quote))).await["status"],
        "sent"
    );
}

#[tokio::test]
async fn only_drafts_are_editable_and_their_lines_are_replaced_whole() {
    let app = spawn_app().await;
    let party = customer(&app).await;
    let draft = offer(&app, &json!({"party_id": id(&party), "lines": worked_example()})).await;
    let path = format!("{OFFERS}/{}", id(&draft));
    let notes = app.patch(&path, &json!({"notes": "Delivery in May"})).await;
    assert_eq!(notes.status(), StatusCode::OK);
    let notes: Value = notes.json().await.unwrap();
    assert_eq!(notes["lines"], draft["lines"], "lines left alone keep their ids");
    let replaced: Value = app
        .patch(&path, &json!({"lines": [free_line("1", "10", "0", "19")]}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(replaced["lines"].as_array().unwrap().len(), 1);
    assert_eq!(replaced["total"], "11.90");
    let currency = app.patch(&path, &json!({"currency": "USD"})).await;
    let problem = assert_problem(currency, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["currency"]);
    let too_many: Vec<Value> = (0..1001).map(|_| free_line("1", "1", "0", "0")).collect();
    let refused = app.patch(&path, &json!({"lines": too_many})).await;
    assert_problem(refused, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    assert_eq!(act(&app, &draft, "send", None).await.status(), StatusCode::OK);
    let immutable = app.patch(&path, &json!({"notes": "Too late"})).await;
    assert_problem(immutable, StatusCode::CONFLICT, "document_immutable").await;
    let read = app.get_json(&path).await;
    assert_eq!(read["notes"], "Delivery in May");

    let history = app.get_json(&format!("{path}/history")).await;
    let actions: Vec<&str> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(actions, vec!["created", "updated", "updated", "updated"]);
}

#[tokio::test]
async fn a_thousand_line_offer_is_created_in_one_go() {
    let app = spawn_app().await;
    let party = customer(&app).await;
    let product = app
        .post_expect(
            "/api/v1/products",
            &json!({"sku": "P", "name": "Part", "list_price": "0.01", "currency": "EUR", "tax_rate": "19"}),
            StatusCode::CREATED,
        )
        .await;
    let lines: Vec<Value> = (0..1000)
        .map(|i| json!({"product_id": id(&product), "quantity": format!("{}", i + 1)}))
        .collect();
    let created = offer(&app, &json!({"party_id": id(&party), "lines": lines})).await;
    assert_eq!(created["lines"].as_array().unwrap().len(), 1000);
    // Σ 1..=1000 × 0.01 = 5005.00, tax 19 % = 950.95.
    assert_eq!(
        (&created["net_total"], &created["tax_total"]),
        (&json!("5005.00"), &json!("950.95"))
    );
    assert_eq!(created["lines"][999]["position"], 1000);
    let page = app.get_json(&format!("/api/v1/parties/{}/offers", id(&party))).await;
    assert_eq!(
        page["items"][0]["lines"].as_array().unwrap().len(),
        1000,
        "lists embed lines"
    );
}

#[tokio::test]
async fn lists_filter_by_status_party_and_opportunity() {
    let app = spawn_app().await;
    let party = customer(&app).await;
    let other = app
        .post_party(&json!({"kind": "organization", "name": "Other", "currency": "EUR"}))
        .await;
    let draft = offer(&app, &json!({"party_id": id(&party)})).await;
    let sent = offer(&app, &json!({"party_id": id(&party), "lines": worked_example()})).await;
    assert_eq!(act(&app, &sent, "send", None).await.status(), StatusCode::OK);
    let elsewhere = offer(&app, &json!({"party_id": id(&other)})).await;
    for (query, expected) in [
        ("status=draft", vec![id(&draft), id(&elsewhere)]),
        ("status=sent", vec![id(&sent)]),
        ("status=expired", vec![]),
        (&format!("party_id={}", id(&other)), vec![id(&elsewhere)]),
        ("sort=-created_at", vec![id(&elsewhere), id(&sent), id(&draft)]),
    ] {
        let page = app.get_json(&format!("{OFFERS}?{query}")).await;
        assert_eq!(item_ids(&page), expected, "{query}");
    }
    let of_party = app.get_json(&format!("/api/v1/parties/{}/offers", id(&party))).await;
    assert_eq!(item_ids(&of_party), vec![id(&sent), id(&draft)]);
}

#[tokio::test]
async fn sales_users_see_their_teams_offers_and_viewers_act_on_none() {
    let app = spawn_app().await;
    let sales = app.login_as(Role::Sales).await;
    let viewer = app.login_as(Role::Viewer).await;
    let party = customer(&app).await;
    let admins = offer(&app, &json!({"party_id": id(&party)})).await;
    let hidden = app
        .request(Method::GET, &format!("{OFFERS}/{}", id(&admins)), Some(&sales), None)
        .await;
    assert_problem(hidden, StatusCode::NOT_FOUND, "not_found").await;
    let not_theirs = app
        .post_as(&sales, OFFERS, Some(&json!({"party_id": id(&party)})))
        .await;
    let problem = assert_problem(not_theirs, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["party_id"]);
    let read: Value = app
        .request(Method::GET, &format!("{OFFERS}/{}", id(&admins)), Some(&viewer), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(read["allowed_actions"], json!([]));
    let refused = app
        .post_as(&viewer, &format!("{OFFERS}/{}/send", id(&admins)), None)
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
}

/// Offer numbers are drawn in the creating transaction from one counter row per year: concurrent
/// creates get distinct, consecutive numbers.
#[tokio::test]
async fn concurrent_offers_get_consecutive_numbers() {
    let app = spawn_app().await;
    let party = customer(&app).await;
    let body = json!({"party_id": id(&party), "lines": worked_example()});
    let creates = (0..20).map(|_| app.post(OFFERS, &body));
    let mut numbers = Vec::new();
    for response in futures::future::join_all(creates).await {
        assert_eq!(response.status(), StatusCode::CREATED);
        let body: Value = response.json().await.unwrap();
        numbers.push(body["number"].as_str().unwrap().to_owned());
    }
    numbers.sort();
    let year = chrono::Utc::now().format("%Y").to_string();
    let expected: Vec<String> = (1..=20).map(|n| format!("OF-{year}-{n:06}")).collect();
    assert_eq!(numbers, expected);
}
