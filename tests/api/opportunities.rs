//! Opportunities: amounts and probabilities, the pipeline's stage rules, references, filters and
//! the history that records every stage change.

use domain::access::Role;
use std::collections::HashMap;

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, id, item_ids, spawn_app};

const OPPORTUNITIES: &str = "/api/v1/opportunities";

/// The seeded stages by name.
async fn stages(app: &TestApp) -> HashMap<String, String> {
    let page = app.get_json("/api/v1/pipeline-stages").await;
    page["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap().to_owned(), id(s).to_owned()))
        .collect()
}

async fn customer(app: &TestApp, name: &str) -> Value {
    app.post_party(&json!({"kind": "organization", "name": name, "roles": ["customer"]}))
        .await
}

async fn opportunity(app: &TestApp, body: &Value) -> Value {
    app.post_expect(OPPORTUNITIES, body, StatusCode::CREATED).await
}

#[tokio::test]
async fn an_opportunity_starts_in_the_first_open_stage_with_its_probability() {
    let app = spawn_app().await;
    let stages = stages(&app).await;
    let acme = customer(&app, "Acme").await;
    let rival = app
        .post_party(&json!({"kind": "organization", "name": "Rival", "roles": ["competitor"]}))
        .await;
    let response = app
        .post(
            OPPORTUNITIES,
            &json!({"title": " Fleet renewal ", "party_id": id(&acme), "amount": "25000.5", "currency": "EUR",
                    "expected_close_date": "2027-03-31", "source": "Trade fair", "competitor_ids": [id(&rival)]}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    assert_eq!(response.headers()["etag"], "\"1\"");
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let created: Value = response.json().await.unwrap();
    assert_eq!(location, format!("{OPPORTUNITIES}/{}", id(&created)));
    assert_eq!(created["title"], "Fleet renewal");
    assert_eq!(created["stage_id"], stages["Qualification"].as_str());
    assert_eq!(created["status"], "open");
    assert_eq!(created["probability"], "10", "a decimal string");
    assert_eq!(created["amount"], "25000.50", "shown with the currency's decimals");
    assert_eq!(created["weighted_amount"], "2500.05");
    assert_eq!(created["expected_close_date"], "2027-03-31");
    assert_eq!(created["competitor_ids"], json!([id(&rival)]));
    assert_eq!(created["closed_at"], Value::Null);
    assert_eq!(
        app.get_json(&location).await,
        created,
        "what was returned is what is stored"
    );
}

/// Where a change must lead: the stage, status and probability, or the field a 422 names.
type Expected = Result<(&'static str, &'static str, &'static str), &'static str>;

/// Each step: a change and where it must lead.
#[tokio::test]
async fn moving_through_the_pipeline_follows_the_stage_kind_and_is_recorded() {
    let app = spawn_app().await;
    let stages = stages(&app).await;
    let acme = customer(&app, "Acme").await;
    let deal = opportunity(
        &app,
        &json!({"title": "Deal", "party_id": id(&acme), "amount": "1000.00", "currency": "EUR"}),
    )
    .await;
    let path = format!("{OPPORTUNITIES}/{}", id(&deal));
    let stage = |name: &str| stages[name].clone();
    let steps: Vec<(Value, Expected)> = vec![
        (
            json!({"stage_id": stage("Needs analysis")}),
            Ok(("Needs analysis", "open", "25")),
        ),
        (
            json!({"stage_id": stage("Proposal"), "probability": "60"}),
            Ok(("Proposal", "open", "60")),
        ),
        (json!({"stage_id": stage("Lost")}), Err("lost_reason")),
        (json!({"lost_reason": "Too expensive"}), Err("lost_reason")),
        (
            json!({"stage_id": stage("Lost"), "lost_reason": "Too expensive"}),
            Ok(("Lost", "lost", "0")),
        ),
        (
            json!({"stage_id": stage("Negotiation")}),
            Ok(("Negotiation", "open", "75")),
        ),
        (
            json!({"stage_id": stage("Won"), "probability": "90"}),
            Err("probability"),
        ),
        (json!({"stage_id": stage("Won")}), Ok(("Won", "won", "100"))),
    ];
    let mut version = 1;
    for (change, expected) in steps {
        let response = app.patch(&path, &change).await;
        match expected {
            Ok((stage_name, status, probability)) => {
                assert_eq!(response.status(), StatusCode::OK, "{change}");
                version += 1;
                let moved: Value = response.json().await.unwrap();
                assert_eq!(moved["stage_id"], stages[stage_name].as_str(), "{change}");
                assert_eq!(moved["status"], status, "{change}");
                assert_eq!(moved["probability"], probability, "{change}");
                assert_eq!(moved["closed_at"].is_string(), status != "open", "{change}");
                assert_eq!(moved["lost_reason"].is_string(), status == "lost", "{change}");
                assert_eq!(moved["version"], version);
            }
            Err(field) => {
                let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
                assert_eq!(error_fields(&problem), vec![field], "{change}");
                assert_eq!(
                    app.get_json(&path).await["version"],
                    version,
                    "refused: nothing changed"
                );
            }
        }
    }
    let won = app.get_json(&path).await;
    assert_eq!(won["weighted_amount"], "1000.00");

    // The history is the pipeline's record: every stage change, from, to, by whom and when.
    let history = app.get_json(&format!("{path}/history")).await;
    let moves: Vec<(String, String)> = history["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|entry| {
            let change = entry["changes"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["field"] == "stage_id")?;
            assert!(entry["actor_id"].is_string() && entry["occurred_at"].is_string());
            Some((
                change["from"].as_str().unwrap_or("-").to_owned(),
                change["to"].as_str().unwrap().to_owned(),
            ))
        })
        .collect();
    let expected: Vec<(String, String)> = [
        ("-", "Qualification"),
        ("Qualification", "Needs analysis"),
        ("Needs analysis", "Proposal"),
        ("Proposal", "Lost"),
        ("Lost", "Negotiation"),
        ("Negotiation", "Won"),
    ]
    .iter()
    .map(|(from, to)| {
        let name = |n: &str| if n == "-" { "-".to_owned() } else { stage(n) };
        (name(from), name(to))
    })
    .collect();
    assert_eq!(moves, expected);
}

#[tokio::test]
async fn the_weighted_amount_is_rounded_to_each_currencys_minor_unit() {
    let app = spawn_app().await;
    let acme = customer(&app, "Acme").await;
    for (amount, currency, probability, weighted) in [
        ("999", "JPY", "50", "500"),
        ("1000.005", "KWD", "25", "250.001"),
        ("0.10", "EUR", "25", "0.03"),
    ] {
        let created = opportunity(
            &app,
            &json!({"title": "x", "party_id": id(&acme), "amount": amount, "currency": currency, "probability": probability}),
        )
        .await;
        assert_eq!(
            created["weighted_amount"], weighted,
            "{amount} {currency} at {probability} %"
        );
    }
}

#[tokio::test]
async fn bad_values_and_references_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let stages = stages(&app).await;
    let acme = customer(&app, "Acme").await;
    let other = customer(&app, "Other").await;
    let stranger = app
        .post_party(&json!({"kind": "person", "name": "Sam", "organization_id": id(&other)}))
        .await;
    let nowhere = "01890a5d-ac96-774b-bcce-b302099a8057";

    let values = app
        .post(
            OPPORTUNITIES,
            &json!({"title": "", "party_id": id(&acme), "amount": "10.005", "currency": "EUR", "probability": "101",
                    "lost_reason": "n/a"}),
        )
        .await;
    let problem = assert_problem(values, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        vec!["title", "probability", "amount", "lost_reason"]
    );
    let no_currency = app
        .post(
            OPPORTUNITIES,
            &json!({"title": "x", "party_id": id(&acme), "amount": "10"}),
        )
        .await;
    let problem = assert_problem(no_currency, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["currency"]);
    let float = app
        .post(
            OPPORTUNITIES,
            &json!({"title": "x", "party_id": id(&acme), "amount": 10.5, "currency": "EUR"}),
        )
        .await;
    let problem = assert_problem(float, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["amount"], "decimals travel as strings");

    let references = app
        .post(
            OPPORTUNITIES,
            &json!({"title": "x", "party_id": id(&acme), "contact_id": id(&stranger), "owner_id": nowhere,
                    "stage_id": nowhere, "competitor_ids": [id(&other)]}),
        )
        .await;
    let problem = assert_problem(references, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["stage_id"], "the stage is checked first");
    let references = app
        .post(
            OPPORTUNITIES,
            &json!({"title": "x", "party_id": id(&acme), "contact_id": id(&stranger), "owner_id": nowhere,
                    "competitor_ids": [id(&other)]}),
        )
        .await;
    let problem = assert_problem(references, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        vec!["contact_id", "owner_id", "competitor_ids[0]"]
    );
    let twice = app
        .post(
            OPPORTUNITIES,
            &json!({"title": "x", "party_id": id(&acme), "competitor_ids": [nowhere, nowhere, id(&other)]}),
        )
        .await;
    let problem = assert_problem(twice, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        vec!["competitor_ids[1]"],
        "a duplicate is named where it was sent"
    );
    let unknown_party = app
        .post(OPPORTUNITIES, &json!({"title": "x", "party_id": nowhere}))
        .await;
    let problem = assert_problem(unknown_party, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["party_id"]);

    let retire = app
        .patch(
            &format!("/api/v1/pipeline-stages/{}", stages["Proposal"]),
            &json!({"retired": true}),
        )
        .await;
    assert_eq!(retire.status(), StatusCode::OK);
    let retired = app
        .post(
            OPPORTUNITIES,
            &json!({"title": "x", "party_id": id(&acme), "stage_id": stages["Proposal"]}),
        )
        .await;
    let problem = assert_problem(retired, StatusCode::CONFLICT, "stage_retired").await;
    assert_eq!(problem["existing_id"], stages["Proposal"].as_str());

    let archive = app
        .request(
            Method::DELETE,
            &format!("/api/v1/parties/{}", id(&other)),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(archive.status(), StatusCode::NO_CONTENT);
    let archived = app
        .post(OPPORTUNITIES, &json!({"title": "x", "party_id": id(&other)}))
        .await;
    assert_problem(archived, StatusCode::CONFLICT, "party_archived").await;

    assert_eq!(
        app.get_json(OPPORTUNITIES).await["items"],
        json!([]),
        "nothing was created"
    );
}

#[tokio::test]
async fn a_stage_in_use_is_neither_deleted_nor_given_another_kind() {
    let app = spawn_app().await;
    let stages = stages(&app).await;
    let acme = customer(&app, "Acme").await;
    let deal = opportunity(
        &app,
        &json!({"title": "Deal", "party_id": id(&acme), "stage_id": stages["Proposal"]}),
    )
    .await;
    let stage_path = format!("/api/v1/pipeline-stages/{}", stages["Proposal"]);
    let delete = app
        .request(Method::DELETE, &stage_path, Some(&app.admin_token), None)
        .await;
    let problem = assert_problem(delete, StatusCode::CONFLICT, "stage_in_use").await;
    assert_eq!(problem["existing_id"], stages["Proposal"].as_str());
    let to_won = app
        .patch(&stage_path, &json!({"kind": "won", "default_probability": "100"}))
        .await;
    assert_problem(to_won, StatusCode::CONFLICT, "stage_in_use").await;
    let stage = app.get_json(&stage_path).await;
    assert_eq!(
        (stage["kind"].as_str(), stage["version"].as_i64()),
        (Some("open"), Some(1))
    );

    // Retired, it keeps its opportunities, which stay editable.
    let retire = app.patch(&stage_path, &json!({"retired": true})).await;
    assert_eq!(retire.status(), StatusCode::OK);
    let edited = app
        .patch(&format!("{OPPORTUNITIES}/{}", id(&deal)), &json!({"title": "Big deal"}))
        .await;
    assert_eq!(edited.status(), StatusCode::OK);

    let unused = app
        .post_expect(
            "/api/v1/pipeline-stages",
            &json!({"name": "Demo", "default_probability": "30"}),
            StatusCode::CREATED,
        )
        .await;
    let deleted = app
        .request(
            Method::DELETE,
            &format!("/api/v1/pipeline-stages/{}", id(&unused)),
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(deleted.status(), StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn lists_filter_by_owner_party_stage_status_and_close_window() {
    let app = spawn_app().await;
    let stages = stages(&app).await;
    let (owner, _) = app.user_with_role(Role::Sales, None).await;
    let acme = customer(&app, "Acme").await;
    let globex = customer(&app, "Globex").await;
    let first = opportunity(
        &app,
        &json!({"title": "Fleet renewal", "party_id": id(&acme), "owner_id": owner, "expected_close_date": "2026-12-15"}),
    )
    .await;
    let second = opportunity(
        &app,
        &json!({"title": "Service contract", "party_id": id(&acme), "stage_id": stages["Won"], "expected_close_date": "2027-01-10"}),
    )
    .await;
    let third = opportunity(
        &app,
        &json!({"title": "Pilot FLEET", "party_id": id(&globex), "stage_id": stages["Proposal"]}),
    )
    .await;
    for (query, expected) in [
        (format!("owner_id={owner}"), vec![id(&first)]),
        (format!("party_id={}", id(&acme)), vec![id(&first), id(&second)]),
        (format!("stage_id={}", stages["Proposal"]), vec![id(&third)]),
        ("status=won".to_owned(), vec![id(&second)]),
        ("status=open".to_owned(), vec![id(&first), id(&third)]),
        ("close_from=2026-12-01&close_to=2026-12-31".to_owned(), vec![id(&first)]),
        ("close_from=2027-01-10".to_owned(), vec![id(&second)]),
        ("q=fleet".to_owned(), vec![id(&first), id(&third)]),
        ("q=fle%00et".to_owned(), vec![]),
        ("sort=-title".to_owned(), vec![id(&second), id(&third), id(&first)]),
    ] {
        let page = app.get_json(&format!("{OPPORTUNITIES}?{query}")).await;
        assert_eq!(item_ids(&page), expected, "{query}");
    }
    let far = app.get(&format!("{OPPORTUNITIES}?close_to=%2B12345-01-01")).await;
    assert_problem(far, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let of_acme = app
        .get_json(&format!("/api/v1/parties/{}/opportunities", id(&acme)))
        .await;
    assert_eq!(item_ids(&of_acme), vec![id(&second), id(&first)], "newest first");
    let won_of_acme = app
        .get_json(&format!("/api/v1/parties/{}/opportunities?status=won", id(&acme)))
        .await;
    assert_eq!(item_ids(&won_of_acme), vec![id(&second)]);
    for bad in ["status=maybe", "close_from=31.12.2026", "sort=amount", "colour=red"] {
        let response = app.get(&format!("{OPPORTUNITIES}?{bad}")).await;
        assert_problem(response, StatusCode::BAD_REQUEST, "invalid_query").await;
    }
}

#[tokio::test]
async fn sales_users_work_on_their_teams_opportunities() {
    let app = spawn_app().await;
    let team = app.create_team("North").await;
    let (anna_id, anna) = app.user_with_role(Role::Sales, Some(&team)).await;
    let (_, bert) = app.user_with_role(Role::Sales, Some(&team)).await;
    let carl = app.login_as(Role::Sales).await;
    let rival = json!({"kind": "organization", "name": "Rival", "roles": ["competitor"]});
    let rival: Value = app
        .post_as(&bert, "/api/v1/parties", Some(&rival))
        .await
        .json()
        .await
        .unwrap();
    let carls_rival = json!({"kind": "organization", "name": "Carl's rival", "roles": ["competitor"]});
    let carls_rival: Value = app
        .post_as(&carl, "/api/v1/parties", Some(&carls_rival))
        .await
        .json()
        .await
        .unwrap();
    let party = app
        .post_as(
            &anna,
            "/api/v1/parties",
            Some(&json!({"kind": "organization", "name": "Anna's client"})),
        )
        .await;
    let party: Value = party.json().await.unwrap();
    let created = app
        .post_as(
            &anna,
            OPPORTUNITIES,
            Some(&json!({"title": "Deal", "party_id": id(&party), "competitor_ids": [id(&rival)]})),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED, "a competitor the team keeps");
    let foreign = app
        .post_as(
            &anna,
            OPPORTUNITIES,
            Some(&json!({"title": "Deal", "party_id": id(&party), "competitor_ids": [id(&carls_rival)]})),
        )
        .await;
    let problem = assert_problem(foreign, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        problem["errors"][0]["code"], "not_found",
        "another team's competitor is as unknown as no party"
    );
    let deal: Value = created.json().await.unwrap();
    assert_eq!(deal["owner_id"], anna_id);
    let path = format!("{OPPORTUNITIES}/{}", id(&deal));
    assert_eq!(
        app.request(Method::GET, &path, Some(&bert), None).await.status(),
        StatusCode::OK
    );
    let hidden = app.request(Method::GET, &path, Some(&carl), None).await;
    assert_problem(hidden, StatusCode::NOT_FOUND, "not_found").await;
    let invisible_party = app
        .post_as(
            &carl,
            OPPORTUNITIES,
            Some(&json!({"title": "Poach", "party_id": id(&party)})),
        )
        .await;
    let problem = assert_problem(invisible_party, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["party_id"]);
    let viewer = app.login_as(Role::Viewer).await;
    let refused = app
        .request(Method::PATCH, &path, Some(&viewer), Some(&json!({"title": "x"})))
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    // Another team's party is not found, whether or not it is a competitor in disguise.
    let carls = app
        .post_as(
            &carl,
            "/api/v1/parties",
            Some(&json!({"kind": "organization", "name": "Carl's client"})),
        )
        .await;
    let carls: Value = carls.json().await.unwrap();
    let probe = app
        .request(
            Method::PATCH,
            &path,
            Some(&anna),
            Some(&json!({"competitor_ids": [id(&rival), id(&carls)]})),
        )
        .await;
    let problem = assert_problem(probe, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["field"], "competitor_ids[1]");
    assert_eq!(problem["errors"][0]["code"], "not_found");
}

#[tokio::test]
async fn an_opportunity_keeps_the_party_its_activities_concern() {
    let app = spawn_app().await;
    let acme = customer(&app, "Acme").await;
    let globex = customer(&app, "Globex").await;
    let deal = opportunity(&app, &json!({"title": "Deal", "party_id": id(&acme)})).await;
    let path = format!("{OPPORTUNITIES}/{}", id(&deal));
    let moved = app.patch(&path, &json!({"party_id": id(&globex)})).await;
    assert_eq!(moved.status(), StatusCode::OK, "no activity ties it yet");
    app.post_expect(
        "/api/v1/activities",
        &json!({"kind": "call", "subject": "x", "party_id": id(&globex), "opportunity_id": id(&deal)}),
        StatusCode::CREATED,
    )
    .await;
    let refused = app.patch(&path, &json!({"party_id": id(&acme)})).await;
    assert_problem(refused, StatusCode::CONFLICT, "activities_of_other_party").await;
    assert_eq!(app.get_json(&path).await["party_id"], id(&globex));

    let other_deal = opportunity(&app, &json!({"title": "Other", "party_id": id(&acme)})).await;
    let quote = app
        .post_expect(
            "/api/v1/offers",
            &json!({"party_id": id(&acme), "currency": "EUR", "opportunity_id": id(&other_deal)}),
            StatusCode::CREATED,
        )
        .await;
    let refused = app
        .patch(
            &format!("{OPPORTUNITIES}/{}", id(&other_deal)),
            &json!({"party_id": id(&globex)}),
        )
        .await;
    let problem = assert_problem(refused, StatusCode::CONFLICT, "offers_of_other_party").await;
    assert_eq!(problem["existing_id"], id(&quote));
}
