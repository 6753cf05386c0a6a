//! Reports over HTTP: figures computed by hand, rows whose drill-down lists add up to them, the
//! CSV form, and figures limited to what a sales user sees.

use domain::access::Role;
use reqwest::{Method, StatusCode};
use rust_decimal::Decimal;
use serde_json::{Value, json};

use crate::helpers::{TestApp, assert_problem, error_fields, id, spawn_app};
use crate::invoices::INVOICES;

const TURNOVER: &str = "/api/v1/reports/turnover";

pub(crate) fn dec(value: &Value) -> Decimal {
    value.as_str().unwrap().parse().unwrap()
}

/// A party of `owner`'s.
pub(crate) async fn party_of(app: &TestApp, name: &str, owner: &str) -> Value {
    app.post_party(&json!({"kind": "organization", "name": name, "roles": ["customer"], "owner_id": owner}))
        .await
}

/// An issued invoice of `party`: `quantity` × `price` in `currency`, dated `date`.
pub(crate) async fn invoice(
    app: &TestApp,
    party: &Value,
    currency: &str,
    date: &str,
    quantity: &str,
    price: &str,
) -> Value {
    let body = json!({"party_id": id(party), "currency": currency, "invoice_date": date, "lines": [
        {"description": "Service", "quantity": quantity, "unit_price": price, "tax_rate": "19"}]});
    let draft = app.post_expect(INVOICES, &body, StatusCode::CREATED).await;
    issue(app, &draft).await
}

async fn issue(app: &TestApp, draft: &Value) -> Value {
    let response = app
        .post_as(&app.admin_token, &format!("{INVOICES}/{}/issue", id(draft)), None)
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    response.json().await.unwrap()
}

/// A credit note of one unit of `invoice`'s first line, dated `date`, issued.
pub(crate) async fn credit_one_unit(app: &TestApp, invoice: &Value, date: &str) -> Value {
    let body = json!({"credits_invoice_id": id(invoice),
                      "lines": [{"invoice_line_id": invoice["lines"][0]["id"], "quantity": "1"}]});
    let draft = app.post_expect(INVOICES, &body, StatusCode::CREATED).await;
    let path = format!("{INVOICES}/{}", id(&draft));
    let dated = app.patch(&path, &json!({"invoice_date": date})).await;
    assert_eq!(dated.status(), StatusCode::OK);
    issue(app, &draft).await
}

pub(crate) async fn get_as(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.request(Method::GET, path, Some(token), None).await;
    let status = response.status();
    let text = response.text().await.unwrap();
    assert_eq!(status, StatusCode::OK, "GET {path}: {text}");
    serde_json::from_str(&text).unwrap()
}

/// Every row's drill-down lists the invoices and credit notes whose nets make the row's figures.
async fn assert_rows_add_up(app: &TestApp, token: &str, report: &Value) {
    for row in report["rows"].as_array().unwrap() {
        let href = row["drill_down"]["href"].as_str().unwrap();
        let listed = get_as(app, token, &format!("{href}&limit=200")).await;
        assert!(listed["next_cursor"].is_null());
        let (mut invoiced, mut credited, mut invoice_count, mut notes) = (Decimal::ZERO, Decimal::ZERO, 0, 0);
        for item in listed["items"].as_array().unwrap() {
            assert_eq!(item["currency"], row["currency"]);
            if item["kind"] == "credit_note" {
                credited += dec(&item["net_total"]);
                notes += 1;
            } else {
                invoiced += dec(&item["net_total"]);
                invoice_count += 1;
            }
        }
        let group = &row["group"]["key"];
        assert_eq!(invoiced, dec(&row["invoiced"]), "{group}");
        assert_eq!(credited, dec(&row["credited"]), "{group}");
        assert_eq!(invoiced - credited, dec(&row["net"]), "{group}");
        assert_eq!(
            (json!(invoice_count), json!(notes)),
            (row["invoices"].clone(), row["credit_notes"].clone())
        );
    }
}

/// `(group key, currency, invoiced, credited, net)` of every row.
fn figures(report: &Value) -> Vec<(String, String, String, String, String)> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let text = |field: &str| row[field].as_str().unwrap().to_owned();
            let key = row["group"]["key"].as_str().unwrap().to_owned();
            (key, text("currency"), text("invoiced"), text("credited"), text("net"))
        })
        .collect()
}

fn row(
    key: &str,
    currency: &str,
    invoiced: &str,
    credited: &str,
    net: &str,
) -> (String, String, String, String, String) {
    (
        key.into(),
        currency.into(),
        invoiced.into(),
        credited.into(),
        net.into(),
    )
}

/// Two teams' sales users; Ada's customer buys in EUR and USD and gets a credit note, Bob's
/// buys once. A draft and an invoice before the window count for nothing.
struct Sales {
    ada: (String, String),
    bob: (String, String),
    ada_customer: Value,
    bob_customer: Value,
}

async fn turnover_data(app: &TestApp) -> Sales {
    let (north, south) = (app.create_team("North").await, app.create_team("South").await);
    let ada = app.user_with_role(Role::Sales, Some(&north)).await;
    let bob = app.user_with_role(Role::Sales, Some(&south)).await;
    let ada_customer = party_of(app, "Ada's customer", &ada.0).await;
    let bob_customer = party_of(app, "Bob's customer", &bob.0).await;
    invoice(app, &ada_customer, "EUR", "2025-12-31", "1", "1000.00").await;
    let january = invoice(app, &ada_customer, "EUR", "2026-01-10", "2", "50.00").await;
    invoice(app, &bob_customer, "EUR", "2026-02-01", "1", "40.00").await;
    invoice(app, &ada_customer, "EUR", "2026-02-20", "3", "83.50").await;
    credit_one_unit(app, &january, "2026-03-05").await;
    invoice(app, &ada_customer, "USD", "2026-03-15", "7", "10.00").await;
    let draft = json!({"party_id": id(&ada_customer), "currency": "EUR", "invoice_date": "2026-03-20",
                       "lines": [{"description": "Not issued", "quantity": "1", "unit_price": "999.00", "tax_rate": "19"}]});
    app.post_expect(INVOICES, &draft, StatusCode::CREATED).await;
    Sales {
        ada,
        bob,
        ada_customer,
        bob_customer,
    }
}

#[tokio::test]
async fn turnover_is_invoiced_net_less_credit_notes_per_period_and_currency() {
    let app = spawn_app().await;
    turnover_data(&app).await;
    let report = app
        .get_json(&format!("{TURNOVER}?from=2026-01-01&to=2026-03-31&group_by=month"))
        .await;
    assert_eq!(
        (report["from"].clone(), report["to"].clone()),
        (json!("2026-01-01"), json!("2026-03-31"))
    );
    assert_eq!(
        figures(&report),
        [
            row("2026-01", "EUR", "100.00", "0.00", "100.00"),
            row("2026-02", "EUR", "290.50", "0.00", "290.50"),
            row("2026-03", "EUR", "0.00", "50.00", "-50.00"),
            row("2026-03", "USD", "70.00", "0.00", "70.00"),
        ]
    );
    let totals: Vec<_> = report["currency_totals"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            (
                t["currency"].clone(),
                t["net"].clone(),
                t["invoices"].clone(),
                t["credit_notes"].clone(),
            )
        })
        .collect();
    assert_eq!(
        totals,
        [
            (json!("EUR"), json!("340.50"), json!(3), json!(1)),
            (json!("USD"), json!("70.00"), json!(1), json!(0))
        ]
    );
    assert_rows_add_up(&app, &app.admin_token, &report).await;

    let quarter = app
        .get_json(&format!("{TURNOVER}?from=2026-01-01&to=2026-03-31&group_by=quarter"))
        .await;
    assert_eq!(
        figures(&quarter),
        [
            row("2026-Q1", "EUR", "390.50", "50.00", "340.50"),
            row("2026-Q1", "USD", "70.00", "0.00", "70.00")
        ]
    );
    assert_rows_add_up(&app, &app.admin_token, &quarter).await;
}

#[tokio::test]
async fn a_sales_user_gets_the_turnover_of_the_parties_they_see() {
    let app = spawn_app().await;
    let sales = turnover_data(&app).await;
    let path = format!("{TURNOVER}?from=2026-01-01&to=2026-12-31&group_by=party");
    let all = app.get_json(&path).await;
    assert_eq!(
        all["rows"].as_array().unwrap().len(),
        3,
        "Ada's in EUR and USD, Bob's in EUR"
    );
    let ada = get_as(&app, &sales.ada.1, &path).await;
    let (ada_id, bob_id) = (id(&sales.ada_customer), id(&sales.bob_customer));
    assert_eq!(
        figures(&ada),
        [
            row(ada_id, "EUR", "350.50", "50.00", "300.50"),
            row(ada_id, "USD", "70.00", "0.00", "70.00")
        ]
    );
    assert_eq!(ada["rows"][0]["group"]["label"], "Ada's customer");
    assert_rows_add_up(&app, &sales.ada.1, &ada).await;
    let bob = get_as(&app, &sales.bob.1, &path).await;
    assert_eq!(figures(&bob), [row(bob_id, "EUR", "40.00", "0.00", "40.00")]);
    assert_eq!(bob["currency_totals"].as_array().unwrap().len(), 1);
    assert_rows_add_up(&app, &sales.bob.1, &bob).await;
    let viewer = app.login_as(Role::Viewer).await;
    assert_eq!(get_as(&app, &viewer, &path).await["rows"], all["rows"]);
}

#[tokio::test]
async fn a_report_comes_as_csv_when_asked() {
    let app = spawn_app().await;
    turnover_data(&app).await;
    let response = app
        .client
        .get(app.url(&format!("{TURNOVER}?from=2026-01-01&to=2026-03-31&group_by=quarter")))
        .bearer_auth(&app.admin_token)
        .header("Accept", "text/csv")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let text = response.text().await.unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "group,label,currency,invoiced,credited,net,invoices,credit_notes,drill_down"
    );
    assert_eq!(lines.len(), 3);
    assert!(
        lines[1].starts_with("2026-Q1,2026-Q1,EUR,390.50,50.00,340.50,3,1,/api/v1/invoices?"),
        "{}",
        lines[1]
    );
}

#[tokio::test]
async fn bad_report_parameters_are_refused_by_name() {
    let app = spawn_app().await;
    let backwards = app.get(&format!("{TURNOVER}?from=2026-02-01&to=2026-01-31")).await;
    let problem = assert_problem(backwards, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), ["to"]);
    let long = app.get(&format!("{TURNOVER}?from=2000-01-01&to=2026-01-31")).await;
    let problem = assert_problem(long, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(problem["errors"][0]["code"], "window_too_long");
    for query in ["group_by=week", "from=yesterday", "owner=me"] {
        let response = app.get(&format!("{TURNOVER}?{query}")).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{query}");
    }
    let unknown = app.get(&format!("{INVOICES}?currency=XYZ")).await;
    assert_problem(unknown, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
}

const PIPELINE: &str = "/api/v1/reports/pipeline";
const OPPORTUNITIES: &str = "/api/v1/opportunities";

/// `(group label, currency, count, amount, weighted amount)` of every row.
fn pipeline_rows(report: &Value) -> Vec<(String, Value, u64, String, String)> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let text = |field: &str| row[field].as_str().unwrap().to_owned();
            let label = row["group"]["label"].as_str().unwrap().to_owned();
            (
                label,
                row["currency"].clone(),
                row["count"].as_u64().unwrap(),
                text("amount"),
                text("weighted_amount"),
            )
        })
        .collect()
}

fn deal_row(
    label: &str,
    currency: Option<&str>,
    count: u64,
    amount: &str,
    weighted: &str,
) -> (String, Value, u64, String, String) {
    (label.into(), json!(currency), count, amount.into(), weighted.into())
}

/// Every drill-down of a current pipeline lists the open opportunities of its row.
async fn assert_deals_add_up(app: &TestApp, token: &str, report: &Value) {
    for row in report["rows"].as_array().unwrap() {
        let Some(href) = row["drill_down"]["href"].as_str() else {
            continue;
        };
        let listed = get_as(app, token, &format!("{href}&limit=200")).await;
        let items = listed["items"].as_array().unwrap();
        let sum = |field: &str| {
            items
                .iter()
                .filter(|o| !o[field].is_null())
                .map(|o| dec(&o[field]))
                .sum::<Decimal>()
        };
        assert_eq!(items.len() as u64, row["count"].as_u64().unwrap(), "{href}");
        assert_eq!(sum("amount"), dec(&row["amount"]), "{href}");
        assert_eq!(sum("weighted_amount"), dec(&row["weighted_amount"]), "{href}");
        assert!(
            items
                .iter()
                .all(|o| o["status"] == "open" && o["currency"] == row["currency"])
        );
    }
}

/// Ada's (team North) and Bob's (team South) deals over three days: on 2 March five open ones;
/// on 5 March one is won, one grows and moves on, one is lost; on 10 March the lost one is
/// reopened and a new one comes. Returns the stages by name and the two users' tokens.
async fn pipeline_history(
    app: &TestApp,
    clock: &api::Clock,
) -> (std::collections::HashMap<String, String>, String, String) {
    let stages: std::collections::HashMap<String, String> =
        app.get_json("/api/v1/pipeline-stages?limit=200").await["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|s| (s["name"].as_str().unwrap().to_owned(), id(s).to_owned()))
            .collect();
    let (north, south) = (app.create_team("North").await, app.create_team("South").await);
    let ada = app.user_with_role(Role::Sales, Some(&north)).await;
    let bob = app.user_with_role(Role::Sales, Some(&south)).await;
    let (ada_party, bob_party) = (
        party_of(app, "Ada's", &ada.0).await,
        party_of(app, "Bob's", &bob.0).await,
    );
    let deal = |party: &Value,
                owner: &str,
                stage: &str,
                amount: Option<(&str, &str)>,
                probability: &str,
                close: Option<&str>| {
        let mut body = json!({"title": "Deal", "party_id": id(party), "owner_id": owner, "stage_id": stages[stage],
                              "probability": probability, "expected_close_date": close});
        if let Some((amount, currency)) = amount {
            body["amount"] = json!(amount);
            body["currency"] = json!(currency);
        }
        body
    };
    let won = deal(
        &ada_party,
        &ada.0,
        "Qualification",
        Some(("1000.00", "EUR")),
        "10",
        Some("2026-04-15"),
    );
    let grows = deal(
        &ada_party,
        &ada.0,
        "Proposal",
        Some(("333.33", "EUR")),
        "25",
        Some("2026-05-10"),
    );
    let dollars = deal(
        &bob_party,
        &bob.0,
        "Qualification",
        Some(("500.00", "USD")),
        "50",
        Some("2026-04-20"),
    );
    let no_amount = deal(&bob_party, &bob.0, "Qualification", None, "10", None);
    let reopened = deal(
        &ada_party,
        &ada.0,
        "Negotiation",
        Some(("200.00", "EUR")),
        "80",
        Some("2026-04-30"),
    );
    let mut created = Vec::new();
    for body in [&won, &grows, &dollars, &no_amount, &reopened] {
        created.push(app.post_expect(OPPORTUNITIES, body, StatusCode::CREATED).await);
    }
    let change = |n: usize, body: Value| {
        let path = format!("{OPPORTUNITIES}/{}", id(&created[n]));
        async move {
            let response = app.patch(&path, &body).await;
            assert_eq!(response.status(), StatusCode::OK, "{body}");
        }
    };
    clock.advance(chrono::TimeDelta::days(3)); // 5 March
    change(0, json!({"stage_id": stages["Won"]})).await;
    change(
        1,
        json!({"stage_id": stages["Negotiation"], "amount": "400.00", "probability": "50"}),
    )
    .await;
    change(4, json!({"stage_id": stages["Lost"], "lost_reason": "Budget cut"})).await;
    clock.advance(chrono::TimeDelta::days(5)); // 10 March
    change(4, json!({"stage_id": stages["Negotiation"], "probability": "80"})).await;
    let new = deal(&bob_party, &bob.0, "Proposal", Some(("100.00", "EUR")), "30", None);
    app.post_expect(OPPORTUNITIES, &new, StatusCode::CREATED).await;
    (stages, ada.1, bob.1)
}

#[tokio::test]
async fn the_pipeline_now_and_as_it_stood_on_past_days() {
    let clock = api::Clock::manual("2026-03-02T09:00:00Z".parse().unwrap());
    let app = crate::helpers::spawn_app_with(|settings| settings.clock = clock.clone()).await;
    pipeline_history(&app, &clock).await;

    let now = app.get_json(PIPELINE).await;
    assert_eq!(now["group_by"], "stage");
    assert_eq!(
        pipeline_rows(&now),
        [
            deal_row("Qualification", None, 1, "0", "0"),
            deal_row("Qualification", Some("USD"), 1, "500.00", "250.00"),
            deal_row("Proposal", Some("EUR"), 1, "100.00", "30.00"),
            deal_row("Negotiation", Some("EUR"), 2, "600.00", "360.00"),
        ]
    );
    assert_deals_add_up(&app, &app.admin_token, &now).await;

    let first_day = app.get_json(&format!("{PIPELINE}?as_of=2026-03-02")).await;
    assert_eq!(first_day["as_of"], "2026-03-03T00:00:00Z");
    assert_eq!(
        pipeline_rows(&first_day),
        [
            deal_row("Qualification", None, 1, "0", "0"),
            deal_row("Qualification", Some("EUR"), 1, "1000.00", "100.00"),
            deal_row("Qualification", Some("USD"), 1, "500.00", "250.00"),
            deal_row("Proposal", Some("EUR"), 1, "333.33", "83.33"),
            deal_row("Negotiation", Some("EUR"), 1, "200.00", "160.00"),
        ]
    );
    assert!(
        first_day["rows"]
            .as_array()
            .unwrap()
            .iter()
            .all(|row| row["drill_down"].is_null())
    );
    // On 5 March the reopened deal stood lost and the won one was closed.
    let fifth = app.get_json(&format!("{PIPELINE}?as_of=2026-03-05")).await;
    assert_eq!(
        pipeline_rows(&fifth),
        [
            deal_row("Qualification", None, 1, "0", "0"),
            deal_row("Qualification", Some("USD"), 1, "500.00", "250.00"),
            deal_row("Negotiation", Some("EUR"), 1, "400.00", "200.00"),
        ]
    );
    let totals = &fifth["currency_totals"];
    assert_eq!(
        (totals[1]["currency"].clone(), totals[1]["weighted_amount"].clone()),
        (json!("EUR"), json!("200.00"))
    );
}

#[tokio::test]
async fn each_sales_user_gets_the_pipeline_of_their_team() {
    let clock = api::Clock::manual("2026-03-02T09:00:00Z".parse().unwrap());
    let app = crate::helpers::spawn_app_with(|settings| settings.clock = clock.clone()).await;
    let (_, ada, bob) = pipeline_history(&app, &clock).await;
    let by_team = format!("{PIPELINE}?group_by=team");
    let north = get_as(&app, &ada, &by_team).await;
    assert_eq!(
        pipeline_rows(&north),
        [deal_row("North", Some("EUR"), 2, "600.00", "360.00")]
    );
    assert_deals_add_up(&app, &ada, &north).await;
    let south = get_as(&app, &bob, &by_team).await;
    assert_eq!(
        pipeline_rows(&south),
        [
            deal_row("South", None, 1, "0", "0"),
            deal_row("South", Some("EUR"), 1, "100.00", "30.00"),
            deal_row("South", Some("USD"), 1, "500.00", "250.00"),
        ]
    );
    assert_deals_add_up(&app, &bob, &south).await;
    let by_month = app.get_json(&format!("{PIPELINE}?group_by=close_month")).await;
    let months: Vec<_> = pipeline_rows(&by_month)
        .into_iter()
        .map(|row| (row.0, row.1, row.2))
        .collect();
    assert_eq!(
        months,
        [
            ("(none)".to_owned(), json!(null), 1),
            ("(none)".to_owned(), json!("EUR"), 1),
            ("2026-04".to_owned(), json!("EUR"), 1),
            ("2026-04".to_owned(), json!("USD"), 1),
            ("2026-05".to_owned(), json!("EUR"), 1),
        ]
    );
    assert_deals_add_up(&app, &app.admin_token, &by_month).await;
}

const AGING: &str = "/api/v1/reports/receivables-aging";

/// An issued invoice: `quantity` × `price` at `tax` %, dated `date`, due `terms` days later.
async fn dated_invoice(
    app: &TestApp,
    party: &Value,
    currency: &str,
    date: &str,
    terms: i32,
    line: (&str, &str, &str),
) -> Value {
    let (quantity, price, tax) = line;
    let body = json!({"party_id": id(party), "currency": currency, "invoice_date": date, "payment_terms_days": terms,
                      "lines": [{"description": "Goods", "quantity": quantity, "unit_price": price, "tax_rate": tax}]});
    let draft = app.post_expect(INVOICES, &body, StatusCode::CREATED).await;
    issue(app, &draft).await
}

async fn pay(app: &TestApp, invoice: &Value, amount: &str, date: &str) {
    let body = json!({"amount": amount, "date": date, "method": "bank_transfer"});
    app.post_expect(
        &format!("{INVOICES}/{}/payments", id(invoice)),
        &body,
        StatusCode::CREATED,
    )
    .await;
}

/// `(party label, currency, [not due, 1–30, 31–60, 61–90, over 90, total, overdue], invoices)`.
fn aging_rows(report: &Value) -> Vec<(String, String, Vec<String>, u64)> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let buckets = [
                "not_due",
                "days_1_30",
                "days_31_60",
                "days_61_90",
                "over_90",
                "total",
                "overdue",
            ];
            let amounts = buckets.iter().map(|b| row[*b].as_str().unwrap().to_owned()).collect();
            let text = |v: &Value| v.as_str().unwrap().to_owned();
            (
                text(&row["group"]["label"]),
                text(&row["currency"]),
                amounts,
                row["invoices"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn aging_row(label: &str, currency: &str, amounts: [&str; 7], invoices: u64) -> (String, String, Vec<String>, u64) {
    (
        label.into(),
        currency.into(),
        amounts.iter().map(|a| (*a).to_owned()).collect(),
        invoices,
    )
}

#[tokio::test]
async fn receivables_age_by_days_overdue_on_any_day() {
    let clock = api::Clock::manual("2026-06-30T12:00:00Z".parse().unwrap());
    let app = crate::helpers::spawn_app_with(|settings| settings.clock = clock.clone()).await;
    let admin = app.get_json("/api/v1/users?limit=1").await["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let (acme, globex) = (
        party_of(&app, "Acme", &admin).await,
        party_of(&app, "Globex", &admin).await,
    );
    // Due 10 January, 119.00; 50.00 paid on 1 February: partially paid, long overdue.
    let partly = dated_invoice(&app, &acme, "EUR", "2026-01-10", 0, ("1", "100.00", "19")).await;
    pay(&app, &partly, "50.00", "2026-02-01").await;
    // 11.90 due 1 March, paid on 5 March.
    let settled = dated_invoice(&app, &acme, "EUR", "2026-03-01", 0, ("1", "10.00", "19")).await;
    pay(&app, &settled, "11.90", "2026-03-05").await;
    dated_invoice(&app, &globex, "USD", "2026-04-15", 0, ("1", "80.00", "0")).await;
    // 119.00 due 19 June, half of it credited on 25 June.
    let credited = dated_invoice(&app, &acme, "EUR", "2026-05-20", 30, ("2", "50.00", "19")).await;
    dated_invoice(&app, &acme, "EUR", "2026-06-15", 30, ("1", "200.00", "19")).await;
    credit_one_unit(&app, &credited, "2026-06-25").await;

    let today = app.get_json(AGING).await;
    assert_eq!(today["day"], "2026-06-30");
    assert_eq!(
        aging_rows(&today),
        [
            aging_row(
                "Acme",
                "EUR",
                ["238.00", "59.50", "0.00", "0.00", "69.00", "366.50", "128.50"],
                3
            ),
            aging_row(
                "Globex",
                "USD",
                ["0.00", "0.00", "0.00", "80.00", "0.00", "80.00", "80.00"],
                1
            ),
        ]
    );
    // Today's rows list the unpaid invoices whose balances make them up.
    for row in today["rows"].as_array().unwrap() {
        let href = row["drill_down"]["href"].as_str().unwrap();
        let listed = app.get_json(href).await;
        let items = listed["items"].as_array().unwrap();
        let due: Decimal = items.iter().map(|invoice| dec(&invoice["balance_due"])).sum();
        assert_eq!(
            (due, items.len() as u64),
            (dec(&row["total"]), row["invoices"].as_u64().unwrap()),
            "{href}"
        );
    }
    let totals = &today["currency_totals"];
    assert_eq!(
        (totals[0]["currency"].clone(), totals[0]["total"].clone()),
        (json!("EUR"), json!("366.50"))
    );

    // On 4 March the settled invoice was still open and the first one 53 days overdue.
    let march = app.get_json(&format!("{AGING}?as_of=2026-03-04")).await;
    assert_eq!(march["as_of"], "2026-03-05T00:00:00Z");
    assert_eq!(
        aging_rows(&march),
        [aging_row(
            "Acme",
            "EUR",
            ["0.00", "11.90", "69.00", "0.00", "0.00", "80.90", "80.90"],
            2
        )]
    );
    assert!(march["rows"][0]["drill_down"].is_null());
    // Before its payment, the whole first invoice was owed.
    let january = app.get_json(&format!("{AGING}?as_of=2026-01-31")).await;
    assert_eq!(
        aging_rows(&january),
        [aging_row(
            "Acme",
            "EUR",
            ["0.00", "119.00", "0.00", "0.00", "0.00", "119.00", "119.00"],
            1
        )]
    );
    let before = app.get_json(&format!("{AGING}?as_of=2025-12-31")).await;
    assert_eq!(before["rows"], json!([]));
    assert_eq!(before["currency_totals"], json!([]));
}

const CHANGES: &str = "/api/v1/reports/pipeline-changes";

/// `(kind, currency, count, amount)` of every row.
fn change_rows(report: &Value) -> Vec<(String, Value, u64, String)> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| {
            let kind = row["group"]["key"].as_str().unwrap().to_owned();
            (
                kind,
                row["currency"].clone(),
                row["count"].as_u64().unwrap(),
                row["amount"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

fn change_row(kind: &str, currency: Option<&str>, count: u64, amount: &str) -> (String, Value, u64, String) {
    (kind.into(), json!(currency), count, amount.into())
}

#[tokio::test]
async fn pipeline_changes_are_read_from_history_and_valued_at_the_end_of_the_window() {
    let clock = api::Clock::manual("2026-03-02T09:00:00Z".parse().unwrap());
    let app = crate::helpers::spawn_app_with(|settings| settings.clock = clock.clone()).await;
    let (_, ada, _) = pipeline_history(&app, &clock).await;
    clock.advance(chrono::TimeDelta::days(1)); // 11 March: the dollar deal slips a month
    let dollars = &app.get_json(&format!("{OPPORTUNITIES}?currency=USD")).await["items"][0];
    let path = format!("{OPPORTUNITIES}/{}", id(dollars));
    let slipped = app.patch(&path, &json!({"expected_close_date": "2026-05-20"})).await;
    assert_eq!(slipped.status(), StatusCode::OK);

    // The first day: five new deals, valued as they stood that evening (333.33, not 400.00).
    let first = app.get_json(&format!("{CHANGES}?from=2026-03-01&to=2026-03-02")).await;
    assert_eq!(
        change_rows(&first),
        [
            change_row("new", None, 1, "0"),
            change_row("new", Some("EUR"), 3, "1533.33"),
            change_row("new", Some("USD"), 1, "500.00"),
        ]
    );
    // Then one advanced, one won, one lost (and reopened: a move out of a lost stage is no
    // advance), one new.
    let week = app.get_json(&format!("{CHANGES}?from=2026-03-03&to=2026-03-10")).await;
    assert_eq!(
        change_rows(&week),
        [
            change_row("new", Some("EUR"), 1, "100.00"),
            change_row("advanced", Some("EUR"), 1, "400.00"),
            change_row("won", Some("EUR"), 1, "1000.00"),
            change_row("lost", Some("EUR"), 1, "200.00"),
        ]
    );
    assert_eq!(
        week["currency_totals"],
        json!([{"currency": "EUR", "count": 4, "amount": "1700.00"}])
    );
    let eleventh = app.get_json(&format!("{CHANGES}?from=2026-03-11&to=2026-03-11")).await;
    assert_eq!(
        change_rows(&eleventh),
        [change_row("slipped", Some("USD"), 1, "500.00")]
    );
    // Ada sees her team's deals only: the new one of Bob's is not hers.
    let hers = get_as(&app, &ada, &format!("{CHANGES}?from=2026-03-03&to=2026-03-10")).await;
    assert_eq!(
        change_rows(&hers),
        [
            change_row("advanced", Some("EUR"), 1, "400.00"),
            change_row("won", Some("EUR"), 1, "1000.00"),
            change_row("lost", Some("EUR"), 1, "200.00"),
        ]
    );
}
