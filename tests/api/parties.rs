//! Parties: create, read, change, archive, upsert, and the rules that refuse bad requests.

use domain::access::Role;
use futures::future::join_all;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{assert_problem, error_fields, spawn_app};

fn full_party() -> Value {
    json!({
        "kind": "organization",
        "name": "  Acme GmbH  ",
        "roles": ["customer", "prospect"],
        "email": "Info@ACME.example",
        "phone": "+49 30 123456",
        "website": "https://acme.example",
        "vat_id": "DE123456789",
        "addresses": [
            {"kind": "billing", "line1": "Hauptstr. 1", "city": "Berlin", "postal_code": "10115", "country": "DE"},
            {"kind": "shipping", "line1": "Lager 7", "line2": "Tor 3", "city": "Potsdam", "region": "BB", "country": "DE"}
        ],
        "bank_accounts": [{"iban": "DE89 3704 0044 0532 0130 00", "bic": "COBADEFFXXX", "holder": "Acme GmbH"}],
        "payment_terms_days": 14,
        "credit_limit": "50000.00",
        "currency": "EUR",
        "customer_group": "wholesale",
        "tags": ["vip", "north"],
        "notes": "Prefers email.\nCalls on Fridays.",
        "external_id": "ERP-1"
    })
}

#[tokio::test]
async fn creating_a_party_returns_it_with_location_and_etag() {
    let app = spawn_app().await;
    let response = app.post("/api/v1/parties", &full_party()).await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    assert_eq!(response.headers()["etag"], "\"1\"");
    let party: Value = response.json().await.unwrap();
    assert_eq!(location, format!("/api/v1/parties/{}", party["id"].as_str().unwrap()));
    assert_eq!(party["name"], "Acme GmbH");
    assert_eq!(party["email"], "Info@acme.example");
    assert_eq!(party["roles"], json!(["customer", "prospect"]));
    assert_eq!(party["tags"], json!(["north", "vip"]));
    assert_eq!(party["bank_accounts"][0]["iban"], "DE89370400440532013000");
    assert_eq!(party["addresses"][1]["line2"], "Tor 3");
    assert_eq!(party["payment_terms_days"], 14);
    assert_eq!(party["credit_limit"], "50000.00");
    assert_eq!(party["version"], 1);
    assert_eq!(party["archived_at"], Value::Null);

    let read: Value = app.get(&location).await.json().await.unwrap();
    assert_eq!(read, party, "what was returned on create is what is stored");
}

#[tokio::test]
async fn decimals_round_trip_exactly() {
    let app = spawn_app().await;
    for amount in [
        "12345678901234567.89",
        "0.0000000000000000000000000001",
        "79228162514264337593543950335",
        "10.10",
    ] {
        let party = app
            .post_party(&json!({"kind": "organization", "name": "Exact", "credit_limit": amount, "currency": "EUR"}))
            .await;
        let read: Value = app
            .get(&format!("/api/v1/parties/{}", party["id"].as_str().unwrap()))
            .await
            .json()
            .await
            .unwrap();
        assert_eq!(read["credit_limit"], amount);
    }
}

#[tokio::test]
async fn invalid_values_are_all_named_and_nothing_is_created() {
    let app = spawn_app().await;
    let response = app
        .post(
            "/api/v1/parties",
            &json!({
                "kind": "organization",
                "name": " ",
                "email": "not-an-email",
                "addresses": [{"line1": "x", "city": "y", "country": "ZZ"}],
                "bank_accounts": [{"iban": "DE89370400440532013001"}],
                "payment_terms_days": 1000,
                "currency": "EURO",
                "tags": ["ok", ""]
            }),
        )
        .await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        vec![
            "name",
            "email",
            "addresses[0].country",
            "bank_accounts[0].iban",
            "payment_terms_days",
            "currency",
            "tags[1]"
        ]
    );
    let list: Value = app
        .get("/api/v1/parties?include_archived=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(list["items"], json!([]));
}

#[tokio::test]
async fn malformed_bodies_are_refused_with_problems() {
    let app = spawn_app().await;
    let unknown = app
        .post(
            "/api/v1/parties",
            &json!({"kind": "person", "name": "A", "colour": "red"}),
        )
        .await;
    let problem = assert_problem(unknown, StatusCode::BAD_REQUEST, "unknown_field").await;
    assert!(problem["detail"].as_str().unwrap().contains("colour"));

    let wrong_type = app
        .post(
            "/api/v1/parties",
            &json!({"kind": "person", "name": "A", "addresses": [{"line1": "x", "city": 5, "country": "DE"}]}),
        )
        .await;
    let problem = assert_problem(wrong_type, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["addresses[0].city"]);

    let many = app
        .post(
            "/api/v1/parties",
            &json!({"kind": "person", "name": "A", "email": 5, "payment_terms_days": "x", "tags": "vip", "credit_limit": 3}),
        )
        .await;
    let problem = assert_problem(many, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        error_fields(&problem),
        vec!["credit_limit", "email", "payment_terms_days", "tags"]
    );

    let missing = app.post("/api/v1/parties", &json!({"kind": "person"})).await;
    let problem = assert_problem(missing, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["name"]);

    let bad_enum = app
        .post("/api/v1/parties", &json!({"kind": "robot", "name": "A"}))
        .await;
    assert_problem(bad_enum, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    let bad_decimal = app
        .post(
            "/api/v1/parties",
            &json!({"kind": "person", "name": "A", "credit_limit": "1,5", "currency": "EUR"}),
        )
        .await;
    let problem = assert_problem(bad_decimal, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["credit_limit"]);

    let syntax = app
        .client
        .post(app.url("/api/v1/parties"))
        .bearer_auth(&app.admin_token)
        .header("content-type", "application/json")
        .body("{\"kind\": ")
        .send()
        .await
        .unwrap();
    assert_problem(syntax, StatusCode::BAD_REQUEST, "malformed_json").await;

    let not_json = app
        .client
        .post(app.url("/api/v1/parties"))
        .bearer_auth(&app.admin_token)
        .header("content-type", "text/plain")
        .body("hello")
        .send()
        .await
        .unwrap();
    assert_problem(not_json, StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type").await;

    let huge = json!({"kind": "person", "name": "A", "notes": "x".repeat(1024 * 1024 + 1)});
    let too_large = app.post("/api/v1/parties", &huge).await;
    assert_problem(too_large, StatusCode::PAYLOAD_TOO_LARGE, "payload_too_large").await;
}

#[tokio::test]
async fn reading_a_missing_or_malformed_id() {
    let app = spawn_app().await;
    let missing = app.get("/api/v1/parties/01890a5d-ac96-774b-bcce-b302099a8057").await;
    assert_problem(missing, StatusCode::NOT_FOUND, "not_found").await;
    let malformed = app.get("/api/v1/parties/not-a-uuid").await;
    assert_problem(malformed, StatusCode::BAD_REQUEST, "invalid_path").await;
}

#[tokio::test]
async fn patch_sets_present_fields_clears_nulls_and_keeps_the_rest() {
    let app = spawn_app().await;
    let party = app.post_party(&full_party()).await;
    let path = format!("/api/v1/parties/{}", party["id"].as_str().unwrap());
    let response = app
        .patch(
            &path,
            &json!({"name": "Acme AG", "phone": null, "tags": ["gold"], "payment_terms_days": null}),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["etag"], "\"2\"");
    let changed: Value = response.json().await.unwrap();
    assert_eq!(changed["name"], "Acme AG");
    assert_eq!(changed["phone"], Value::Null);
    assert_eq!(changed["tags"], json!(["gold"]));
    assert_eq!(changed["payment_terms_days"], 30, "null restores the default");
    assert_eq!(changed["email"], party["email"], "absent fields are kept");
    assert_eq!(changed["addresses"], party["addresses"]);
    assert_eq!(changed["version"], 2);
    assert_eq!(changed["created_at"], party["created_at"]);
    assert_ne!(changed["updated_at"], party["updated_at"]);
}

#[tokio::test]
async fn a_stale_if_match_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let party = app.post_party(&full_party()).await;
    let path = format!("/api/v1/parties/{}", party["id"].as_str().unwrap());
    let first = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&app.admin_token)
        .header("if-match", "\"1\"")
        .json(&json!({"name": "First"}))
        .send()
        .await
        .unwrap();
    assert_eq!(first.status(), StatusCode::OK);

    let stale = app
        .client
        .patch(app.url(&path))
        .bearer_auth(&app.admin_token)
        .header("if-match", "\"1\"")
        .json(&json!({"name": "Second"}))
        .send()
        .await
        .unwrap();
    assert_eq!(stale.headers()["etag"], "\"2\"");
    let problem = assert_problem(stale, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;
    assert_eq!(problem["current_version"], 2);

    let stale_delete = app
        .client
        .delete(app.url(&path))
        .bearer_auth(&app.admin_token)
        .header("if-match", "\"1\"")
        .send()
        .await
        .unwrap();
    assert_problem(stale_delete, StatusCode::PRECONDITION_FAILED, "version_mismatch").await;

    let read: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(read["name"], "First");
    assert_eq!(read["version"], 2);
    assert_eq!(read["archived_at"], Value::Null);
}

#[tokio::test]
async fn a_refused_patch_changes_nothing() {
    let app = spawn_app().await;
    let party = app.post_party(&full_party()).await;
    let path = format!("/api/v1/parties/{}", party["id"].as_str().unwrap());
    let response = app.patch(&path, &json!({"name": "Renamed", "currency": "XYZ"})).await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["currency"]);
    let read: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(read, party);
}

#[tokio::test]
async fn archiving_hides_a_party_from_lists_but_not_from_reads() {
    let app = spawn_app().await;
    let party = app.post_party(&json!({"kind": "person", "name": "Jane"})).await;
    let path = format!("/api/v1/parties/{}", party["id"].as_str().unwrap());
    let response = app.request(Method::DELETE, &path, Some(&app.admin_token), None).await;
    assert_eq!(response.status(), StatusCode::NO_CONTENT);

    let read: Value = app.get(&path).await.json().await.unwrap();
    assert!(read["archived_at"].is_string());
    assert_eq!(read["archived_at"], read["updated_at"], "archiving is the change");
    assert_eq!(read["version"], 2);
    let listed: Value = app.get("/api/v1/parties").await.json().await.unwrap();
    assert_eq!(listed["items"], json!([]));
    let with_archived: Value = app
        .get("/api/v1/parties?include_archived=true")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(with_archived["items"][0]["id"], party["id"]);

    let again = app.request(Method::DELETE, &path, Some(&app.admin_token), None).await;
    assert_eq!(again.status(), StatusCode::NO_CONTENT, "archiving twice is harmless");
    let read_again: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(read_again["version"], 2);
}

#[tokio::test]
async fn a_person_may_belong_to_an_active_organization_only() {
    let app = spawn_app().await;
    let org = app.post_party(&json!({"kind": "organization", "name": "Acme"})).await;
    let person = app
        .post_party(&json!({"kind": "person", "name": "Jane", "organization_id": org["id"]}))
        .await;
    assert_eq!(person["organization_id"], org["id"]);

    let under_person = app
        .post(
            "/api/v1/parties",
            &json!({"kind": "person", "name": "Joe", "organization_id": person["id"]}),
        )
        .await;
    let problem = assert_problem(under_person, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_an_organization");

    let org_path = format!("/api/v1/parties/{}", org["id"].as_str().unwrap());
    app.request(Method::DELETE, &org_path, Some(&app.admin_token), None)
        .await;
    let under_archived = app
        .post(
            "/api/v1/parties",
            &json!({"kind": "person", "name": "Joe", "organization_id": org["id"]}),
        )
        .await;
    let problem = assert_problem(under_archived, StatusCode::CONFLICT, "party_archived").await;
    assert_eq!(problem["existing_id"], org["id"]);
}

#[tokio::test]
async fn upsert_by_external_id_creates_then_replaces() {
    let app = spawn_app().await;
    let control = app
        .put(
            "/api/v1/parties/by-external-id/ERP%00",
            &json!({"kind": "organization", "name": "Acme"}),
        )
        .await;
    let problem = assert_problem(control, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["external_id"]);
    let path = "/api/v1/parties/by-external-id/ERP-42";
    let created = app
        .put(
            path,
            &json!({"kind": "organization", "name": "Acme", "phone": "123", "tags": ["a"]}),
        )
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let created: Value = created.json().await.unwrap();
    assert_eq!(created["external_id"], "ERP-42");

    let replaced = app.put(path, &json!({"kind": "organization", "name": "Acme AG"})).await;
    assert_eq!(replaced.status(), StatusCode::OK);
    let replaced: Value = replaced.json().await.unwrap();
    assert_eq!(replaced["id"], created["id"]);
    assert_eq!(replaced["name"], "Acme AG");
    assert_eq!(replaced["phone"], Value::Null, "the body is the whole record");
    assert_eq!(replaced["tags"], json!([]));
    assert_eq!(replaced["version"], 2);

    let mismatch = app
        .put(
            path,
            &json!({"kind": "organization", "name": "X", "external_id": "OTHER"}),
        )
        .await;
    assert_problem(mismatch, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;

    let duplicate = app
        .post(
            "/api/v1/parties",
            &json!({"kind": "organization", "name": "Dup", "external_id": "ERP-42"}),
        )
        .await;
    let problem = assert_problem(duplicate, StatusCode::CONFLICT, "duplicate_external_id").await;
    assert_eq!(problem["existing_id"], created["id"]);

    let listed: Value = app
        .get("/api/v1/parties?external_id=ERP-42")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn roles_are_enforced() {
    let app = spawn_app().await;
    let viewer = app.login_as(Role::Viewer).await;
    let body = json!({"kind": "person", "name": "Jane"});
    let refused = app
        .request(Method::POST, "/api/v1/parties", Some(&viewer), Some(&body))
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let listed = app.request(Method::GET, "/api/v1/parties", Some(&viewer), None).await;
    assert_eq!(listed.status(), StatusCode::OK);

    let anonymous = app.request(Method::GET, "/api/v1/parties", None, None).await;
    assert_eq!(anonymous.headers()["www-authenticate"], "Bearer");
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "missing_token").await;
    let forged = app
        .request(Method::GET, "/api/v1/parties", Some("not.a.token"), None)
        .await;
    assert_problem(forged, StatusCode::UNAUTHORIZED, "invalid_token").await;
}

#[tokio::test]
async fn sales_users_see_their_own_and_their_teams_parties_only() {
    let app = spawn_app().await;
    let north = app.create_team("North").await;
    let south = app.create_team("South").await;
    let (alice_id, alice) = app.user_with_role(Role::Sales, Some(&north)).await;
    let (_, bob) = app.user_with_role(Role::Sales, Some(&north)).await;
    let (carol_id, carol) = app.user_with_role(Role::Sales, Some(&south)).await;

    let body = json!({"kind": "organization", "name": "Alice's client"});
    let created = app
        .request(Method::POST, "/api/v1/parties", Some(&alice), Some(&body))
        .await;
    assert_eq!(created.status(), StatusCode::CREATED);
    let party: Value = created.json().await.unwrap();
    assert_eq!(party["owner_id"], alice_id.as_str(), "a sales user's party is theirs");
    let path = format!("/api/v1/parties/{}", party["id"].as_str().unwrap());

    let teammate = app.request(Method::GET, &path, Some(&bob), None).await;
    assert_eq!(teammate.status(), StatusCode::OK);
    let outsider = app.request(Method::GET, &path, Some(&carol), None).await;
    assert_problem(outsider, StatusCode::NOT_FOUND, "not_found").await;
    let outsider_list: Value = app
        .request(Method::GET, "/api/v1/parties", Some(&carol), None)
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(outsider_list["items"], json!([]));
    let outsider_patch = app
        .request(Method::PATCH, &path, Some(&carol), Some(&json!({"name": "Mine"})))
        .await;
    assert_problem(outsider_patch, StatusCode::NOT_FOUND, "not_found").await;

    let give_away = app
        .request(Method::PATCH, &path, Some(&alice), Some(&json!({"owner_id": carol_id})))
        .await;
    let problem = assert_problem(give_away, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_in_team");
    // Another team's organization is not there for Alice: not found, whatever it is.
    let carols_org = app
        .request(
            Method::POST,
            "/api/v1/parties",
            Some(&carol),
            Some(&json!({"kind": "organization", "name": "Carol's client"})),
        )
        .await;
    let carols_org: Value = carols_org.json().await.unwrap();
    let alices_person = app
        .request(
            Method::POST,
            "/api/v1/parties",
            Some(&alice),
            Some(&json!({"kind": "person", "name": "Pat", "organization_id": carols_org["id"]})),
        )
        .await;
    let problem = assert_problem(alices_person, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "not_found");
    // Unassigned, the party would leave every sales user's sight, Alice's first.
    let orphan = app
        .request(Method::PATCH, &path, Some(&alice), Some(&json!({"owner_id": null})))
        .await;
    let problem = assert_problem(orphan, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(
        (&problem["errors"][0]["field"], &problem["errors"][0]["code"]),
        (&json!("owner_id"), &json!("required"))
    );
}

/// External ids are unique among all records: a sales user who could name one would learn
/// whether a party they cannot see has it. They neither upsert by external id nor set one.
#[tokio::test]
async fn sales_users_do_not_name_records_by_external_id() {
    let app = spawn_app().await;
    let north = app.create_team("North").await;
    let south = app.create_team("South").await;
    let (_, alice) = app.user_with_role(Role::Sales, Some(&north)).await;
    let (carol_id, _) = app.user_with_role(Role::Sales, Some(&south)).await;
    app.put(
        "/api/v1/parties/by-external-id/CAROL-1",
        &json!({"kind": "organization", "name": "Carol's", "owner_id": carol_id}),
    )
    .await;
    let body = json!({"kind": "organization", "name": "Mine"});
    for external_id in ["CAROL-1", "FREE-1"] {
        let path = format!("/api/v1/parties/by-external-id/{external_id}");
        let upsert = app.request(Method::PUT, &path, Some(&alice), Some(&body)).await;
        assert_problem(upsert, StatusCode::FORBIDDEN, "forbidden").await;
        let named = json!({"kind": "organization", "name": "Mine", "external_id": external_id});
        let created = app
            .request(Method::POST, "/api/v1/parties", Some(&alice), Some(&named))
            .await;
        let problem = assert_problem(created, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
        assert_eq!(
            problem["errors"][0]["field"], "external_id",
            "the same answer whoever has it"
        );
        assert_eq!(problem["errors"][0]["code"], "not_allowed");
        assert!(problem.get("existing_id").is_none());
    }
    let batch = json!({"items": [{"kind": "organization", "name": "Mine", "external_id": "FREE-2"}]});
    let refused = app
        .request(Method::POST, "/api/v1/parties/batch", Some(&alice), Some(&batch))
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let parties = app.get_json("/api/v1/parties").await;
    assert_eq!(parties["items"].as_array().unwrap().len(), 1, "only Carol's party");
}

#[tokio::test]
async fn an_unknown_method_on_a_known_path_is_405() {
    let app = spawn_app().await;
    let response = app
        .request(Method::PUT, "/api/v1/parties", Some(&app.admin_token), None)
        .await;
    assert_eq!(response.headers()["allow"], "GET, POST");
    assert_problem(response, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    let unknown = app.get("/api/v1/nothing-here").await;
    assert_problem(unknown, StatusCode::NOT_FOUND, "not_found").await;
    // `/parties/batch` is not a party id: PATCH there is a wrong method, not a malformed id.
    let batch = app
        .request(
            Method::PATCH,
            "/api/v1/parties/batch",
            Some(&app.admin_token),
            Some(&json!({})),
        )
        .await;
    assert_eq!(batch.headers()["allow"], "POST");
    assert_problem(batch, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed").await;
    let options = app
        .request(Method::OPTIONS, "/api/v1/parties/batch", Some(&app.admin_token), None)
        .await;
    assert_eq!(options.headers()["allow"], "POST", "only the batch route's methods");
}

#[tokio::test]
async fn concurrent_changes_are_serialised_and_none_is_lost() {
    let app = spawn_app().await;
    let party = app.post_party(&json!({"kind": "organization", "name": "Race"})).await;
    let path = format!("/api/v1/parties/{}", party["id"].as_str().unwrap());

    // Ten writers with the same If-Match: exactly one wins, the others learn they were stale.
    let stale_writers = (0..10).map(|i| {
        app.client
            .patch(app.url(&path))
            .bearer_auth(&app.admin_token)
            .header("if-match", "\"1\"")
            .json(&json!({"name": format!("Writer {i}")}))
            .send()
    });
    let statuses: Vec<StatusCode> = join_all(stale_writers)
        .await
        .into_iter()
        .map(|r| r.unwrap().status())
        .collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        1,
        "{statuses:?}"
    );
    assert!(
        statuses
            .iter()
            .all(|s| *s == StatusCode::OK || *s == StatusCode::PRECONDITION_FAILED)
    );

    // Ten writers without If-Match: each applies on top of the previous one, every version once.
    let bodies: Vec<Value> = (0..10).map(|i| json!({"notes": format!("note {i}")})).collect();
    let writers = bodies.iter().map(|body| app.patch(&path, body));
    let mut versions: Vec<i64> = Vec::new();
    for response in join_all(writers).await {
        assert_eq!(response.status(), StatusCode::OK);
        let body: Value = response.json().await.unwrap();
        versions.push(body["version"].as_i64().unwrap());
    }
    versions.sort_unstable();
    assert_eq!(versions, (3..=12).collect::<Vec<i64>>());
    let read: Value = app.get(&path).await.json().await.unwrap();
    assert_eq!(read["version"], 12);
}

#[tokio::test]
async fn racing_first_upserts_of_one_external_id_make_one_party() {
    let app = spawn_app().await;
    let body = json!({"kind": "organization", "name": "Raced"});
    let puts = (0..10).map(|_| app.put("/api/v1/parties/by-external-id/ERP-RACE", &body));
    let statuses: Vec<StatusCode> = join_all(puts).await.iter().map(reqwest::Response::status).collect();
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::CREATED).count(),
        1,
        "{statuses:?}"
    );
    assert_eq!(
        statuses.iter().filter(|s| **s == StatusCode::OK).count(),
        9,
        "{statuses:?}"
    );
    let listed: Value = app
        .get("/api/v1/parties?external_id=ERP-RACE")
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(listed["items"].as_array().unwrap().len(), 1);
    assert_eq!(
        listed["items"][0]["version"], 1,
        "resending the same record changes nothing"
    );
}

#[tokio::test]
async fn the_history_of_a_party_names_who_changed_what() {
    let app = spawn_app().await;
    let (sales_id, sales) = app.user_with_role(Role::Sales, None).await;
    let body = json!({"kind": "organization", "name": "Acme", "phone": "123"});
    let created = app
        .request(Method::POST, "/api/v1/parties", Some(&sales), Some(&body))
        .await;
    let party: Value = created.json().await.unwrap();
    let path = format!("/api/v1/parties/{}", party["id"].as_str().unwrap());
    let change = json!({"name": "Acme AG", "phone": null});
    app.request(Method::PATCH, &path, Some(&sales), Some(&change)).await;
    let unchanged = app.request(Method::PATCH, &path, Some(&sales), Some(&change)).await;
    let unchanged: Value = unchanged.json().await.unwrap();
    assert_eq!(unchanged["version"], 2, "a change to the same values is no change");
    app.request(Method::DELETE, &path, Some(&sales), None).await;

    let response = app
        .request(Method::GET, &format!("{path}/history?limit=2"), Some(&sales), None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let first: Value = response.json().await.unwrap();
    let cursor = first["next_cursor"].as_str().unwrap();
    let second: Value = app
        .request(
            Method::GET,
            &format!("{path}/history?limit=2&cursor={cursor}"),
            Some(&sales),
            None,
        )
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(second["next_cursor"], Value::Null);
    let entries: Vec<&Value> = first["items"]
        .as_array()
        .unwrap()
        .iter()
        .chain(second["items"].as_array().unwrap())
        .collect();
    let actions: Vec<&str> = entries.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["created", "updated", "archived"]);
    assert!(entries.iter().all(|e| e["actor_id"] == sales_id.as_str()));
    assert_eq!(
        entries[1]["changes"],
        json!([
            {"field": "name", "from": "Acme", "to": "Acme AG"},
            {"field": "phone", "from": "123", "to": null}
        ])
    );
    assert_eq!(entries[2]["changes"][0]["field"], "archived_at");
    let created_fields: Vec<&str> = entries[0]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert!(created_fields.contains(&"name") && created_fields.contains(&"owner_id"));

    // Whoever may not see the party may not see its history either.
    let outsider = app.login_as(Role::Sales).await;
    let hidden = app
        .request(Method::GET, &format!("{path}/history"), Some(&outsider), None)
        .await;
    assert_problem(hidden, StatusCode::NOT_FOUND, "not_found").await;
}

/// `null` clears what may be empty; on a field a party cannot be without (its name, its kind) it
/// is a 422 naming the field, never a silent "keep", and nothing changes.
#[tokio::test]
async fn null_on_a_field_that_cannot_be_cleared_is_refused() {
    let app = spawn_app().await;
    let party = app
        .post_party(&json!({"kind": "organization", "name": "Acme", "email": "a@acme.example"}))
        .await;
    let path = format!("/api/v1/parties/{}", party["id"].as_str().unwrap());
    let response = app.patch(&path, &json!({"name": null, "kind": null})).await;
    let problem = assert_problem(response, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    let mut fields = error_fields(&problem);
    fields.sort_unstable();
    assert_eq!(fields, ["kind", "name"]);
    let cleared = app.patch(&path, &json!({"email": null})).await;
    assert_eq!(cleared.status(), StatusCode::OK);
    let read = app.get_json(&path).await;
    assert_eq!(
        (&read["name"], &read["kind"], &read["email"], &read["version"]),
        (&json!("Acme"), &json!("organization"), &Value::Null, &json!(2))
    );
}
