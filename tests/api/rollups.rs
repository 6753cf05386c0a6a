//! What reports read instead of computing from scratch equals the computation from scratch.
//!
//! The pipeline's rollup (`opportunity_states`, written with every change of an opportunity)
//! equals the states computed from scratch out of the opportunities' history, after a few hundred
//! random changes over HTTP: creations, stage moves to won, lost and back, amounts, currencies,
//! probabilities, close dates, owners, changes that move nothing, refused changes, several at one
//! instant. Filling the rollup in from history (start-up's catch-up) gives the same states again.
//! `pipeline-changes`, which sums the movements stored with the states, equals the changes worked
//! out from scratch out of the states rebuilt from history, over every day and over two months.

use domain::access::Role;
use std::collections::HashMap;

use chrono::NaiveDate;
use domain::report::changes::changes_over;
use domain::report::states::DealState;
use persistence::opportunity_states;
use reqwest::StatusCode;
use rust_decimal::Decimal;
use sea_orm::{ConnectionTrait, Statement};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::invoices::INVOICES;

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
    // pipeline-changes sums the movements stored with each state: the same figures as the
    // movements worked out from scratch out of the rebuilt states, over every day and the month.
    let positions = open_stage_positions(&app).await;
    let windows = pipeline_changes_windows(&app, &rebuilt, &positions).await;
    assert!(windows > 20, "only {windows} windows with changes");

    // Without the rollup (a database from before it), start-up fills it in from history alike.
    db.execute_unprepared("DELETE FROM opportunity_states").await.unwrap();
    assert_eq!(opportunity_states::catch_up(&db).await.unwrap(), ids.len() as u64);
    assert_eq!(
        opportunity_states::catch_up(&db).await.unwrap(),
        0,
        "a second catch-up finds nothing to do"
    );
    assert_eq!(opportunity_states::of(&db, &ids).await.unwrap(), stored);
    pipeline_changes_windows(&app, &rebuilt, &positions).await;

    // States stored before their movements were: start-up works them out alike.
    db.execute_unprepared("UPDATE opportunity_states SET movements = NULL")
        .await
        .unwrap();
    assert_eq!(
        opportunity_states::fill_in_movements(&db).await.unwrap(),
        written as u64
    );
    assert_eq!(opportunity_states::fill_in_movements(&db).await.unwrap(), 0);
    pipeline_changes_windows(&app, &rebuilt, &positions).await;
}

/// The pipeline position of each open stage.
async fn open_stage_positions(app: &crate::helpers::TestApp) -> HashMap<Uuid, i32> {
    app.get_json("/api/v1/pipeline-stages?limit=200").await["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|stage| stage["kind"] == "open")
        .map(|stage| {
            let position = i32::try_from(stage["position"].as_i64().unwrap()).unwrap();
            (id(stage).parse().unwrap(), position)
        })
        .collect()
}

/// Asserts that `pipeline-changes` over each day of March and April 2026, and over both months,
/// equals the changes computed from scratch out of the `rebuilt` states; the number of windows
/// with any change.
async fn pipeline_changes_windows(
    app: &crate::helpers::TestApp,
    rebuilt: &HashMap<Uuid, Vec<DealState>>,
    positions: &HashMap<Uuid, i32>,
) -> usize {
    let march = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let days = (0..61).map(|n| march + chrono::Days::new(n)).map(|day| (day, day));
    let mut with_changes = 0;
    for (from, to) in days.chain([(march, NaiveDate::from_ymd_opt(2026, 4, 30).unwrap())]) {
        let start = from.and_hms_opt(0, 0, 0).unwrap().and_utc();
        let end = (to + chrono::Days::new(1)).and_hms_opt(0, 0, 0).unwrap().and_utc();
        let expected = changes_over(rebuilt.values().map(Vec::as_slice), start, end, |stage| {
            positions.get(&stage).copied()
        });
        let expected: Vec<(String, Value, u64, Decimal)> = expected
            .rows
            .iter()
            .map(|((kind, currency), figures)| {
                let currency = json!(currency.map(|c| c.code()));
                (kind.as_str().to_owned(), currency, figures.count, figures.amount)
            })
            .collect();
        let served = app
            .get_json(&format!("/api/v1/reports/pipeline-changes?from={from}&to={to}"))
            .await;
        let served: Vec<(String, Value, u64, Decimal)> = served["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|row| {
                (
                    row["group"]["key"].as_str().unwrap().to_owned(),
                    row["currency"].clone(),
                    row["count"].as_u64().unwrap(),
                    row["amount"].as_str().unwrap().parse().unwrap(),
                )
            })
            .collect();
        assert_eq!(served, expected, "pipeline-changes from {from} to {to}");
        with_changes += usize::from(!served.is_empty());
    }
    with_changes
}

/// The gross total stored with every write of an invoice (what receivables aging reads) is the
/// total of its lines, after random drafts, edits, issues, credit notes and payments; start-up
/// fills it in alike on rows written before the column.
#[tokio::test]
async fn stored_invoice_totals_equal_the_totals_of_their_lines() {
    let app = crate::helpers::spawn_app().await;
    let party = app
        .post_expect(
            "/api/v1/parties",
            &json!({"kind": "organization", "name": "Dice AG", "roles": ["customer"]}),
            StatusCode::CREATED,
        )
        .await;
    let mut dice = Dice(0x2545_F491_4F6C_DD1D);
    let line = |dice: &mut Dice| {
        json!({"description": "Goods", "quantity": dice.pick(&["1", "3", "2.5", "0.333"]),
               "unit_price": dice.pick(&["9.99", "0.01", "1234.56", "33.333"]),
               "tax_rate": dice.pick(&["0", "7", "19", "20"])})
    };
    for n in 0..24 {
        let lines: Vec<Value> = (0..=dice.roll(4)).map(|_| line(&mut dice)).collect();
        let body = json!({"party_id": id(&party), "currency": dice.pick(&["EUR", "USD"]),
                          "invoice_date": "2026-03-02", "lines": lines});
        let draft = app.post_expect(INVOICES, &body, StatusCode::CREATED).await;
        let path = format!("{INVOICES}/{}", id(&draft));
        if n % 3 == 0 {
            let edited = app
                .patch(&path, &json!({"lines": [line(&mut dice), line(&mut dice)]}))
                .await;
            assert_eq!(edited.status(), StatusCode::OK);
        }
        if n % 4 == 3 {
            continue; // stays a draft
        }
        let issued = app.post_as(&app.admin_token, &format!("{path}/issue"), None).await;
        assert_eq!(issued.status(), StatusCode::OK);
        let issued: Value = issued.json().await.unwrap();
        if n % 5 == 0 {
            let pay = json!({"amount": "0.01", "date": "2026-03-02", "method": "bank_transfer"});
            app.post_expect(&format!("{path}/payments"), &pay, StatusCode::CREATED)
                .await;
        }
        if n % 2 == 0 {
            let first = &issued["lines"][0];
            let body = json!({"credits_invoice_id": id(&issued),
                              "lines": [{"invoice_line_id": first["id"], "quantity": first["quantity"]}]});
            let note = app.post_expect(INVOICES, &body, StatusCode::CREATED).await;
            let note_issued = app
                .post_as(&app.admin_token, &format!("{INVOICES}/{}/issue", id(&note)), None)
                .await;
            assert_eq!(note_issued.status(), StatusCode::OK);
        }
    }

    let db = app.database().await;
    let served = app.get_json(&format!("{INVOICES}?limit=200")).await;
    let served: Vec<(String, String)> = served["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| (id(i).to_owned(), i["total"].as_str().unwrap().to_owned()))
        .collect();
    assert!(served.len() > 30, "{} invoices and credit notes", served.len());
    let stored = || async {
        let rows = db
            .query_all_raw(Statement::from_string(
                db.get_database_backend(),
                "SELECT id, total FROM invoices",
            ))
            .await
            .unwrap();
        let totals: HashMap<Uuid, Decimal> = rows
            .into_iter()
            .map(|row| {
                let total: String = row.try_get("", "total").unwrap();
                (row.try_get("", "id").unwrap(), total.parse().unwrap())
            })
            .collect();
        totals
    };
    let check = |totals: HashMap<Uuid, Decimal>| {
        for (id, total) in &served {
            let id: Uuid = id.parse().unwrap();
            assert_eq!(
                totals[&id],
                total.parse::<Decimal>().unwrap(),
                "the stored total of invoice {id}"
            );
        }
    };
    check(stored().await);

    db.execute_unprepared("UPDATE invoices SET total = NULL").await.unwrap();
    assert_eq!(
        persistence::invoices::fill_in_totals(&db).await.unwrap(),
        served.len() as u64
    );
    assert_eq!(persistence::invoices::fill_in_totals(&db).await.unwrap(), 0);
    check(stored().await);
}
