//! The pipeline's rollup (`opportunity_states`, written with every change of an opportunity)
//! equals the states computed from scratch out of the opportunities' history, after a few hundred
//! random changes over HTTP: creations, stage moves to won, lost and back, amounts, currencies,
//! probabilities, close dates, owners, changes that move nothing, refused changes, several at one
//! instant. Filling the rollup in from history (start-up's catch-up) gives the same states again.

use domain::access::Role;
use persistence::opportunity_states;
use reqwest::StatusCode;
use sea_orm::ConnectionTrait;
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::{id, spawn_app_with};

const OPPORTUNITIES: &str = "/api/v1/opportunities";

/// A small deterministic generator: the same changes on every run, on both databases.
struct Dice(u64);

impl Dice {
    fn roll(&mut self, sides: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        usize::try_from(self.0 % sides as u64).unwrap()
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.roll(items.len())]
    }
}

#[tokio::test]
async fn the_rollup_equals_the_states_rebuilt_from_history_after_random_changes() {
    let clock = api::Clock::manual("2026-03-02T09:00:00Z".parse().unwrap());
    let app = spawn_app_with(|s| s.clock = clock.clone()).await;
    let stages: Vec<(String, String)> = app.get_json("/api/v1/pipeline-stages?limit=200").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (id(s).to_owned(), s["kind"].as_str().unwrap().to_owned()))
        .collect();
    let open: Vec<String> = stages
        .iter()
        .filter(|(_, kind)| kind == "open")
        .map(|(id, _)| id.clone())
        .collect();
    let team = app.create_team("North").await;
    let owners = [
        app.user_with_role(Role::Sales, Some(&team)).await.0,
        app.user_with_role(Role::Manager, None).await.0,
    ];
    let party = app
        .post_expect(
            "/api/v1/parties",
            &json!({"kind": "organization", "name": "Dice AG"}),
            StatusCode::CREATED,
        )
        .await;
    let mut dice = Dice(0x9E37_79B9_7F4A_7C15);
    let mut ids: Vec<String> = Vec::new();
    let (mut changed, mut refused) = (0, 0);
    for step in 0..300 {
        if step % 3 == 0 {
            // Often several changes at one instant, sometimes hours or days apart.
            let hours = *dice.pick(&[0, 0, 1, 5, 30]);
            clock.advance(chrono::TimeDelta::hours(hours));
        }
        if ids.len() < 4 || dice.roll(8) == 0 {
            let body = json!({"title": format!("Deal {step}"), "party_id": id(&party),
                              "stage_id": dice.pick(&open), "owner_id": dice.pick(&owners),
                              "amount": "100.00", "currency": "EUR", "probability": "20"});
            let response = app.post(OPPORTUNITIES, &body).await;
            match response.status() {
                StatusCode::CREATED => ids.push(id(&response.json::<Value>().await.unwrap()).to_owned()),
                status => panic!("POST {body}: {status}"),
            }
            continue;
        }
        let change = match dice.roll(9) {
            0 | 1 => match dice.pick(&stages) {
                (stage, kind) if kind == "lost" => json!({"stage_id": stage, "lost_reason": "Budget"}),
                (stage, _) => json!({"stage_id": stage}),
            },
            2 => json!({"amount": dice.pick(&["250.00", "99.99", "100.00"])}),
            3 => json!({"amount": null, "currency": null}),
            4 => json!({"amount": "70.00", "currency": dice.pick(&["EUR", "USD"])}),
            5 => json!({"probability": dice.pick(&["0", "35", "90"])}),
            6 => json!({"expected_close_date": dice.pick(&[json!("2026-04-30"), json!("2026-06-30"), json!(null)])}),
            7 => json!({"owner_id": dice.pick(&[json!(owners[0]), json!(owners[1]), json!(null)])}),
            _ => json!({"title": format!("Renamed {step}")}),
        };
        let path = format!("{OPPORTUNITIES}/{}", dice.pick(&ids));
        let response = app.patch(&path, &change).await;
        match response.status() {
            StatusCode::OK => changed += 1,
            status => {
                assert!(status.is_client_error(), "PATCH {change}: {status}");
                refused += 1;
            }
        }
    }
    assert!(
        changed > 150 && refused > 0,
        "{changed} changes made, {refused} refused"
    );

    let db = app.database().await;
    let ids: Vec<Uuid> = ids.iter().map(|id| id.parse().unwrap()).collect();
    let stored = opportunity_states::of(&db, &ids).await.unwrap();
    let rebuilt = opportunity_states::rebuilt(&db, &ids).await.unwrap();
    assert_eq!(stored.len(), ids.len(), "every opportunity has states");
    let written: usize = stored.values().map(Vec::len).sum();
    assert!(
        written > ids.len() + 100,
        "only {written} states for {} opportunities",
        ids.len()
    );
    for id in &ids {
        assert_eq!(stored[id], rebuilt[id], "the states of opportunity {id}");
    }

    // Without the rollup (a database from before it), start-up fills it in from history alike.
    db.execute_unprepared("DELETE FROM opportunity_states").await.unwrap();
    assert_eq!(opportunity_states::catch_up(&db).await.unwrap(), ids.len() as u64);
    assert_eq!(
        opportunity_states::catch_up(&db).await.unwrap(),
        0,
        "a second catch-up finds nothing to do"
    );
    assert_eq!(opportunity_states::of(&db, &ids).await.unwrap(), stored);
}
