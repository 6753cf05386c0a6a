//! How PostgreSQL runs every documented list on the standard profile: no sequential scan of a big
//! table, whatever filter, sort or page a client asks for, as an admin (who sees everything) or a
//! sales user (who sees their team's records).
//!
//! The lists and their parameters come from the served OpenAPI document, so a new list or filter
//! is checked without touching this file; the server logs the statements it runs
//! ([`persistence::db::StatementLog`]) and each `SELECT` is `EXPLAIN`ed with the values it ran with.
//!
//! It needs a PostgreSQL database seeded with the standard profile, named by
//! `CRM_PLAN_DATABASE_URL` (`make query-plans` prepares one; CI runs it). Without it the test
//! says so and checks nothing: seeding the standard profile takes minutes.

use std::collections::BTreeMap;

use persistence::db::StatementLog;
use reqwest::{Method, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection, DbBackend, Statement};
use serde_json::Value;

use crate::helpers::{TestApp, spawn_app_on};

/// Tables with at least this many rows are big: the planner is right to scan smaller ones.
const BIG_TABLE_ROWS: f64 = 10_000.0;

#[tokio::test]
async fn no_documented_list_scans_a_big_table() {
    let Some(url) = std::env::var("CRM_PLAN_DATABASE_URL").ok().filter(|u| !u.is_empty()) else {
        eprintln!("CRM_PLAN_DATABASE_URL is not set: the query plans are not checked (see `make query-plans`)");
        return;
    };
    let log = StatementLog::default();
    let app = spawn_app_on(&url, log.clone(), ("admin@seed.example", "seed password")).await;
    let sales = app.login("sales1@seed.example", "seed password").await;
    let db = Database::connect(&url).await.expect("the seeded database");
    let big = big_tables(&db).await;
    assert!(big.len() >= 8, "seed the standard profile first: big tables {big:?}");
    let document = get(&app, &app.admin_token, "/api-docs/openapi.json").await;
    let samples = Samples::of(&app, &sales).await;

    let mut failures = Vec::new();
    let mut explained = 0;
    for (path, parameters) in lists(&document) {
        let Some(path) = samples.fill_path(&path) else { continue };
        for query in queries(&app, &document, &path, &parameters, &samples).await {
            for token in [&app.admin_token, &sales] {
                log.take();
                let response = app
                    .request(Method::GET, &format!("{path}?{query}"), Some(token), None)
                    .await;
                if token == &sales && response.status() == StatusCode::FORBIDDEN {
                    continue; // a list sales users may not read (the feed, users' history, …)
                }
                assert_eq!(response.status(), StatusCode::OK, "GET {path}?{query}");
                // A total (`include=total`) counts every row the filters select: a scan by nature,
                // asked for on purpose; the page itself must still not scan.
                for statement in log.take().into_iter().filter(is_select).filter(|s| !is_count(s)) {
                    explained += 1;
                    let plan = explain(&db, &statement).await;
                    for table in scanned(&plan[0]["Plan"]).into_iter().filter(|t| big.contains_key(t)) {
                        failures.push(format!(
                            "GET {path}?{query}: Seq Scan on {table} ({} rows)\n  {}",
                            big[&table], statement.sql
                        ));
                    }
                }
            }
        }
    }
    assert!(explained > 200, "only {explained} statements were explained");
    assert!(
        failures.is_empty(),
        "{} plans scan a big table:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// The tables with at least [`BIG_TABLE_ROWS`] rows, and how many they have.
async fn big_tables(db: &DatabaseConnection) -> BTreeMap<String, f64> {
    let rows = db
        .query_all_raw(Statement::from_string(
            DbBackend::Postgres,
            "SELECT relname::text AS name, reltuples::float8 AS rows FROM pg_class \
             WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace",
        ))
        .await
        .expect("pg_class");
    rows.into_iter()
        .map(|row| {
            (
                row.try_get::<String>("", "name").unwrap(),
                row.try_get::<f64>("", "rows").unwrap(),
            )
        })
        .filter(|(_, rows)| *rows >= BIG_TABLE_ROWS)
        .collect()
}

/// Each list of the document (a GET with a `cursor` or `after`) and its query parameters.
fn lists(document: &Value) -> Vec<(String, Vec<Value>)> {
    let mut lists = Vec::new();
    for (path, operations) in document["paths"].as_object().unwrap() {
        let Some(parameters) = operations["get"]["parameters"].as_array() else {
            continue;
        };
        let query: Vec<Value> = parameters.iter().filter(|p| p["in"] == "query").cloned().collect();
        if query.iter().any(|p| p["name"] == "cursor" || p["name"] == "after") {
            lists.push((path.clone(), query));
        }
    }
    lists
}

/// The queries to try on one list: none, each parameter alone (each value of an enum, each
/// documented sort key), two values of a list filter at once, and the second page.
async fn queries(app: &TestApp, document: &Value, path: &str, parameters: &[Value], samples: &Samples) -> Vec<String> {
    let mut queries = vec!["limit=50".to_owned()];
    for parameter in parameters {
        let name = parameter["name"].as_str().unwrap();
        let schema = &resolve(document, &parameter["schema"]);
        // A list filter (`kind=a&kind=b`) is tried with each of its values, and with two at once.
        let items = (schema["type"] == "array").then(|| resolve(document, &schema["items"]));
        let schema = items.as_ref().unwrap_or(schema);
        let values: Vec<String> = if let Some(values) = schema["enum"].as_array() {
            values.iter().map(|v| v.as_str().unwrap().to_owned()).collect()
        } else {
            samples.value(path, name, schema).into_iter().collect()
        };
        assert!(
            name != "sort" || !values.is_empty(),
            "GET {path}: no documented sort keys in {schema}"
        );
        if items.is_some() && values.len() >= 2 {
            queries.push(format!(
                "{name}={}&{name}={}",
                urlencode(&values[0]),
                urlencode(&values[1])
            ));
        }
        queries.extend(values.into_iter().map(|value| format!("{name}={}", urlencode(&value))));
    }
    let first = get(app, &app.admin_token, &format!("{path}?limit=50")).await;
    let cursor_name = if parameters.iter().any(|p| p["name"] == "after") {
        "after"
    } else {
        "cursor"
    };
    if let Some(cursor) = first["next_cursor"].as_str() {
        queries.push(format!("limit=50&{cursor_name}={}", urlencode(cursor)));
    }
    queries
}

/// The schema itself, where `schema` refers to one of the document's components.
fn resolve(document: &Value, schema: &Value) -> Value {
    match schema["$ref"].as_str() {
        Some(reference) => {
            let name = reference.trim_start_matches("#/components/schemas/");
            resolve(document, &document["components"]["schemas"][name])
        }
        None => schema.clone(),
    }
}

/// Ids and values of the seeded data to fill paths and filters with.
struct Samples(BTreeMap<&'static str, String>);

impl Samples {
    /// Records the sales user sees, so that both callers' lists find them; what sales users may
    /// not list (users, teams, …) as the admin sees it.
    async fn of(app: &TestApp, sales: &str) -> Samples {
        let mut samples = BTreeMap::new();
        let first = |page: Value, field: &str| page["items"][0][field].as_str().map(str::to_owned);
        let lookups: [(&'static str, &str, &str); 14] = [
            ("party", "/api/v1/parties?kind=organization&limit=1", "id"),
            ("contact", "/api/v1/parties?kind=person&limit=1", "id"),
            ("user", "/api/v1/users?role=sales&limit=1", "id"),
            ("team", "/api/v1/teams?limit=1", "id"),
            ("stage", "/api/v1/pipeline-stages?limit=1", "id"),
            ("opportunity", "/api/v1/opportunities?limit=1", "id"),
            ("offer", "/api/v1/offers?limit=1", "id"),
            ("offer_number", "/api/v1/offers?limit=1", "number"),
            ("sales_order", "/api/v1/sales-orders?limit=1", "id"),
            ("sales_order_number", "/api/v1/sales-orders?limit=1", "number"),
            ("invoice_order", "/api/v1/invoice-orders?limit=1", "id"),
            ("invoice", "/api/v1/invoices?limit=1", "id"),
            ("invoice_number", "/api/v1/invoices?limit=1", "number"),
            ("product", "/api/v1/products?limit=1", "id"),
        ];
        for (key, path, field) in lookups {
            let value = first(visible(app, sales, path).await, field).unwrap_or_else(|| panic!("no {key} seeded"));
            samples.insert(key, value);
        }
        for (key, path) in [
            ("activity", "/api/v1/activities?limit=1"),
            ("price_list", "/api/v1/price-lists?limit=1"),
            ("discount_rule", "/api/v1/discount-rules?limit=1"),
            ("webhook", "/api/v1/webhooks?limit=1"),
        ] {
            if let Some(value) = first(visible(app, sales, path).await, "id") {
                samples.insert(key, value);
            }
        }
        Samples(samples)
    }

    /// `path` with its `{id}` filled in: the id of a record of the collection it is under; none
    /// when no such record was seeded (price lists, webhooks).
    fn fill_path(&self, path: &str) -> Option<String> {
        let Some((collection, _)) = path.split_once("/{id}") else {
            return Some(path.to_owned());
        };
        let key = match collection.trim_start_matches("/api/v1/") {
            "parties" => "party",
            "activities" => "activity",
            "opportunities" => "opportunity",
            "offers" => "offer",
            "sales-orders" => "sales_order",
            "invoice-orders" => "invoice_order",
            "invoices" => "invoice",
            "products" => "product",
            "users" => "user",
            "teams" => "team",
            "pipeline-stages" => "stage",
            "price-lists" => "price_list",
            "discount-rules" => "discount_rule",
            "webhooks" => "webhook",
            // Not in the seeded data (yet): their lists under an id are skipped.
            "attachments" => "attachment",
            "cases" => "case",
            "sla-policies" => "sla_policy",
            "contracts" => "contract",
            "subscriptions" => "subscription",
            "sales-targets" => "sales_target",
            other => panic!("which record does a list under {other} belong to?"),
        };
        Some(path.replace("{id}", self.0.get(key)?))
    }

    /// A value of the seeded data for the filter `name` of the list at `path`; none for the
    /// page size and cursors (tried on their own).
    fn value(&self, path: &str, name: &str, schema: &Value) -> Option<String> {
        let sample = |key: &str| self.0.get(key).cloned();
        let documents = path.trim_start_matches("/api/v1/");
        match name {
            "limit" | "cursor" | "after" => None,
            "party_id" | "organization_id" => sample("party"),
            "contact_id" => sample("contact"),
            "owner_id" | "assignee_id" | "user_id" => sample("user"),
            "team_id" => sample("team"),
            "stage_id" => sample("stage"),
            "opportunity_id" => sample("opportunity"),
            "offer_id" => sample("offer"),
            "sales_order_id" => sample("sales_order"),
            "invoice_order_id" => sample("invoice_order"),
            "invoice_id" | "credits_invoice_id" => sample("invoice"),
            "price_list_id" => sample("price_list"),
            "contract_id" => sample("contract"),
            "number" if documents.starts_with("offers") => sample("offer_number"),
            "number" if documents.starts_with("sales-orders") => sample("sales_order_number"),
            "number" => sample("invoice_number"),
            "external_id" => Some("ERP-00000001".to_owned()),
            "q" => Some("Alpen".to_owned()),
            "customer_group" => Some("retail".to_owned()),
            "tag" => Some("key-account".to_owned()),
            "product_group" => Some("Group 1".to_owned()),
            "sku" => Some("SKU-000001".to_owned()),
            "currency" => Some("EUR".to_owned()),
            "type" => Some("offer.accepted".to_owned()),
            _ => match (schema["type"].as_str(), schema["format"].as_str()) {
                (_, Some("date-time")) => Some("2026-06-01T00:00:00Z".to_owned()),
                (_, Some("date")) => Some("2026-06-01".to_owned()),
                (Some("boolean"), _) => Some("true".to_owned()),
                _ => panic!("what value of {name} on {path} does the seeded data have? {schema}"),
            },
        }
    }
}

/// The page at `path` as the sales user sees it, or as the admin does where sales users may not list.
async fn visible(app: &TestApp, sales: &str, path: &str) -> Value {
    let response = app.request(Method::GET, path, Some(sales), None).await;
    match response.status() {
        StatusCode::FORBIDDEN => get(app, &app.admin_token, path).await,
        status => {
            assert_eq!(status, StatusCode::OK, "GET {path}");
            response.json().await.unwrap()
        }
    }
}

async fn get(app: &TestApp, token: &str, path: &str) -> Value {
    let response = app.request(Method::GET, path, Some(token), None).await;
    assert_eq!(response.status(), StatusCode::OK, "GET {path}");
    response.json().await.unwrap()
}

fn is_select(statement: &Statement) -> bool {
    statement.sql.trim_start().to_ascii_uppercase().starts_with("SELECT")
}

fn is_count(statement: &Statement) -> bool {
    statement
        .sql
        .trim_start()
        .to_ascii_uppercase()
        .starts_with("SELECT COUNT(*)")
}

async fn explain(db: &DatabaseConnection, statement: &Statement) -> Value {
    let sql = format!("EXPLAIN (FORMAT JSON) {}", statement.sql);
    let values = statement.values.clone().map(|v| v.0).unwrap_or_default();
    let row = db
        .query_one_raw(Statement::from_sql_and_values(DbBackend::Postgres, sql, values))
        .await
        .expect("EXPLAIN runs")
        .expect("EXPLAIN answers");
    let text: Value = row.try_get("", "QUERY PLAN").expect("a JSON plan");
    match text {
        Value::String(json) => serde_json::from_str(&json).expect("the plan is JSON"),
        plan => plan,
    }
}

/// The tables a plan reads with a sequential scan, at any depth.
fn scanned(node: &Value) -> Vec<String> {
    let mut tables = Vec::new();
    if node["Node Type"] == "Seq Scan" {
        tables.push(node["Relation Name"].as_str().unwrap_or_default().to_owned());
    }
    for child in node["Plans"].as_array().into_iter().flatten() {
        tables.extend(scanned(child));
    }
    tables
}

fn urlencode(value: &str) -> String {
    value
        .bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
