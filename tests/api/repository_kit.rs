//! The repository kit (`persistence::table`) on the real schema, on SQLite and on PostgreSQL:
//! what every use case relies on when it finds a record in the caller's sight and writes its next
//! version. Records are made over HTTP, then read and written through the kit directly.

use domain::access::Role;
use domain::record::Record;
use persistence::offers::Offers;
use persistence::parties::Parties;
use persistence::products::Products;
use persistence::table;
use persistence::teams::Teams;
use persistence::visibility::Visibility;
use reqwest::StatusCode;
use serde_json::json;
use uuid::Uuid;

use crate::helpers::{id, spawn_app};

fn uuid(text: &str) -> Uuid {
    text.parse().expect("a uuid")
}

#[tokio::test]
async fn a_record_is_found_only_in_the_sight_of_its_caller() {
    let app = spawn_app().await;
    let (alice_id, alice) = app.user_with_role(Role::Sales, None).await;
    let (bob_id, _) = app.user_with_role(Role::Sales, None).await;
    let response = app
        .post_as(
            &alice,
            "/api/v1/parties",
            Some(&json!({"kind": "organization", "name": "Acme"})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let party_id = uuid(id(&response.json().await.unwrap()));
    let db = app.database().await;
    let sight = |user_id: &str| Visibility::OwnedBy {
        user_id: uuid(user_id),
        team_id: None,
    };

    let own = table::find::<Parties>(&db, party_id, sight(&alice_id)).await.unwrap();
    assert_eq!(own.map(|party| party.fields.name), Some("Acme".to_owned()));
    assert!(
        table::find::<Parties>(&db, party_id, sight(&bob_id))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        table::find_for_update::<Parties>(&db, party_id, sight(&bob_id))
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        table::find::<Parties>(&db, party_id, Visibility::All)
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        table::find::<Parties>(&db, Uuid::now_v7(), Visibility::All)
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_version_is_written_only_over_the_version_read() {
    let app = spawn_app().await;
    let team = app.create_team("Nord").await;
    let db = app.database().await;
    let current = table::find_for_update::<Teams>(&db, uuid(&team), Visibility::All)
        .await
        .unwrap()
        .expect("the team");
    assert_eq!(current.version(), 1);
    let next = domain::team::Team {
        name: "Süd".to_owned(),
        version: 2,
        ..current.clone()
    };

    assert!(
        persistence::teams::update(&db, &next, 1).await.unwrap(),
        "the version read is current"
    );
    let stale = domain::team::Team {
        name: "West".to_owned(),
        version: 2,
        ..current
    };
    assert!(
        !persistence::teams::update(&db, &stale, 1).await.unwrap(),
        "a stale writer loses"
    );

    let stored = table::find::<Teams>(&db, uuid(&team), Visibility::All)
        .await
        .unwrap()
        .unwrap();
    assert_eq!((stored.name.as_str(), stored.version), ("Süd", 2));
    let shown = app.get_json(&format!("/api/v1/teams/{team}")).await;
    assert_eq!(shown["name"], "Süd");
}

#[tokio::test]
async fn external_ids_are_found_whoever_sees_the_record() {
    let app = spawn_app().await;
    let (alice_id, _) = app.user_with_role(Role::Sales, None).await;
    let erp = app.login_as(Role::Integrator).await;
    let response = app
        .post_as(
            &erp,
            "/api/v1/parties",
            Some(&json!({"kind": "organization", "name": "Acme", "external_id": "ERP-7", "owner_id": alice_id})),
        )
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let party_id = uuid(id(&response.json().await.unwrap()));
    let db = app.database().await;

    let found = table::find_by_external_id::<Parties>(&db, "ERP-7").await.unwrap();
    assert_eq!(found.map(|party| party.id()), Some(party_id));
    assert!(
        table::find_by_external_id::<Parties>(&db, "ERP-8")
            .await
            .unwrap()
            .is_none()
    );
    // Teams have no external id: nothing is ever found by one.
    assert!(
        table::find_by_external_id::<Teams>(&db, "ERP-7")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        table::find_by_external_id::<Products>(&db, "ERP-7")
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn a_document_is_loaded_with_its_lines_in_their_order() {
    let app = spawn_app().await;
    let party = app
        .post_party(&json!({"kind": "organization", "name": "Acme", "roles": ["customer"], "currency": "EUR"}))
        .await;
    let offer = app
        .post_expect(
            "/api/v1/offers",
            &json!({"party_id": id(&party), "currency": "EUR", "lines": [
                {"description": "Setup", "quantity": "1", "unit": "pc", "unit_price": "100.00", "tax_rate": "19"},
                {"description": "Hours", "quantity": "8", "unit": "h", "unit_price": "95.50", "tax_rate": "19"},
            ]}),
            StatusCode::CREATED,
        )
        .await;
    let db = app.database().await;

    let stored = table::find::<Offers>(&db, uuid(id(&offer)), Visibility::All)
        .await
        .unwrap()
        .expect("the offer");
    let descriptions: Vec<&str> = stored
        .fields
        .lines
        .iter()
        .map(|line| line.description.as_str())
        .collect();
    assert_eq!(descriptions, ["Setup", "Hours"]);
    assert_eq!(stored.version(), 1);
}
