//! The role × operation matrix: every operation of the served document is called by every role
//! and without a token, and is allowed or refused exactly as the table below says. The table is
//! the specification, written out here on purpose: a change of who may do what must change it.

use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::helpers::spawn_app;
use domain::access::Role;

const EVERYONE: &[&str] = &[
    "admin",
    "manager",
    "sales",
    "accountant",
    "integrator",
    "support",
    "viewer",
];
const SELLERS: &[&str] = &["admin", "manager", "sales", "integrator"];
const CATALOG: &[&str] = &["admin", "manager", "integrator"];
const INVOICING: &[&str] = &["admin", "accountant", "integrator"];
const SYNC: &[&str] = &["admin", "integrator"];
const ADMINS: &[&str] = &["admin"];
/// Who works support cases: the service team, sales users for their customers, the managers, and
/// the help desk's machine account.
const SERVICE: &[&str] = &["admin", "manager", "sales", "integrator", "support"];
const SERVICE_LEVELS: &[&str] = &["admin", "manager"];
/// Who sets sales targets: the sales managers.
const TARGET_SETTERS: &[&str] = &["admin", "manager"];
/// Who runs subscription billing: the order-to-cash roles that see every party.
const BILLING: &[&str] = &["admin", "manager", "accountant", "integrator"];
/// Who writes some record that takes attachments (sales records, invoices or cases); the record's own
/// permission is checked on top.
const ATTACHERS: &[&str] = &["admin", "manager", "sales", "accountant", "integrator", "support"];

/// Who may do what: each permission an operation may declare (`x-permission`), and its roles.
const MATRIX: &[(&str, &[&str])] = &[
    ("read_parties", EVERYONE),
    ("read_pipeline", EVERYONE),
    ("read_activities", EVERYONE),
    ("read_opportunities", EVERYONE),
    ("read_products", EVERYONE),
    ("read_pricing", EVERYONE),
    ("read_offers", EVERYONE),
    ("read_orders", EVERYONE),
    ("read_invoices", EVERYONE),
    ("write_parties", SELLERS),
    ("write_activities", SELLERS),
    ("write_opportunities", SELLERS),
    ("write_offers", SELLERS),
    ("write_orders", SELLERS),
    ("write_products", CATALOG),
    ("manage_pricing", CATALOG),
    ("upsert_sales_records", CATALOG),
    ("write_invoices", INVOICING),
    ("read_events", SYNC),
    ("manage_webhooks", SYNC),
    ("manage_users", ADMINS),
    ("manage_teams", ADMINS),
    ("manage_pipeline", ADMINS),
    ("read_cases", EVERYONE),
    ("write_cases", SERVICE),
    ("manage_sla", SERVICE_LEVELS),
    ("read_attachments", EVERYONE),
    ("write_attachments", ATTACHERS),
    ("read_contracts", EVERYONE),
    ("write_contracts", SELLERS),
    ("run_billing", BILLING),
    ("read_reports", EVERYONE),
    ("manage_targets", TARGET_SETTERS),
    ("read_directory", EVERYONE),
];

/// A path of the document with its parameters filled in: ids no record has.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|segment| match segment {
            "{external_id}" => "no-such-external-id".to_owned(),
            s if s.starts_with('{') => Uuid::new_v4().to_string(),
            s => s.to_owned(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn every_operation_is_allowed_or_refused_to_every_role_as_the_matrix_says() {
    let app = spawn_app().await;
    let document = app.get_json("/api-docs/openapi.json").await;
    let mut tokens = vec![];
    for role in Role::ALL {
        tokens.push((role.as_str(), app.login_as(*role).await));
    }
    let mut wrong = vec![];
    let mut calls = 0;
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let name = format!("{} {path}", method.to_uppercase());
            let declared = operation["x-permission"].as_str();
            let allowed: &[&str] = match declared {
                Some("public") => EVERYONE,
                Some(permission) => {
                    let Some((_, roles)) = MATRIX.iter().find(|(known, _)| *known == permission) else {
                        wrong.push(format!("{name}: x-permission `{permission}` is not in the matrix"));
                        continue;
                    };
                    roles
                }
                None => {
                    wrong.push(format!("{name}: declares no x-permission"));
                    continue;
                }
            };
            let roles = &operation["security"][0]["bearer"];
            if declared != Some("public") && *roles != json!(allowed) {
                wrong.push(format!("{name}: the bearer scopes name {roles} instead of {allowed:?}"));
            }
            let method = Method::from_bytes(method.to_uppercase().as_bytes()).unwrap();
            let body = (method != Method::GET && method != Method::DELETE).then(|| json!({}));
            let url = concrete(path);
            let anonymous = std::iter::once(("anonymous", None));
            let callers = anonymous.chain(tokens.iter().map(|(role, token)| (*role, Some(token.as_str()))));
            for (role, token) in callers {
                let status = app.request(method.clone(), &url, token, body.as_ref()).await.status();
                calls += 1;
                let expected = if declared == Some("public") {
                    "not 401 or 403"
                } else if token.is_none() {
                    "401"
                } else if allowed.contains(&role) {
                    "not 401 or 403"
                } else {
                    "403"
                };
                let fits = match expected {
                    "401" => status == StatusCode::UNAUTHORIZED,
                    "403" => status == StatusCode::FORBIDDEN,
                    _ => status != StatusCode::UNAUTHORIZED && status != StatusCode::FORBIDDEN,
                };
                if !fits || status.is_server_error() {
                    wrong.push(format!("{name} as {role}: {status}, expected {expected}"));
                }
            }
        }
    }
    assert!(calls > 700, "only {calls} calls: the document lost its operations");
    assert!(wrong.is_empty(), "{} wrong:\n{}", wrong.len(), wrong.join("\n"));
}

/// The guard finds the operation the router will run, also when its path is spelled with
/// percent-escapes: such a request is neither let through without a token nor refused by mistake.
#[tokio::test]
async fn an_escaped_path_is_guarded_as_the_operation_it_names() {
    let app = spawn_app().await;
    let viewer = app.login_as(Role::Viewer).await;
    let escaped = "/api/v1/p%61rties";
    let anonymous = app.request(Method::GET, escaped, None, None).await;
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);
    let reading = app.request(Method::GET, escaped, Some(&viewer), None).await;
    assert_eq!(reading.status(), StatusCode::OK);
    let writing = app
        .request(
            Method::POST,
            escaped,
            Some(&viewer),
            Some(&json!({"kind": "organization", "name": "X"})),
        )
        .await;
    assert_eq!(writing.status(), StatusCode::FORBIDDEN);
}

/// A role without the permission is refused before its body is looked at: a malformed body
/// does not tell it what the operation would have wanted.
#[tokio::test]
async fn a_refused_caller_gets_403_whatever_the_body() {
    let app = spawn_app().await;
    let viewer = app.login_as(Role::Viewer).await;
    let response = app
        .client
        .post(app.url("/api/v1/parties"))
        .bearer_auth(&viewer)
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    let parties: Value = app.get_json("/api/v1/parties").await;
    assert_eq!(parties["items"], json!([]));
}

/// A path that fills the parameters of two routes (`/parties/by-external-id/history` is the
/// external id `history`, or the history of a party whose id is `by-external-id`) is guarded as
/// the route of its method: a GET reads by the external id (none has it: 404), a DELETE, which
/// neither route takes, is a 405 naming what both do.
#[tokio::test]
async fn a_path_of_two_routes_is_the_route_of_its_method() {
    let app = spawn_app().await;
    let response = app.get("/api/v1/parties/by-external-id/history").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
    let delete = app
        .request(
            Method::DELETE,
            "/api/v1/parties/by-external-id/history",
            Some(&app.admin_token),
            None,
        )
        .await;
    assert_eq!(delete.status(), StatusCode::METHOD_NOT_ALLOWED);
    let allow = delete.headers()["allow"].to_str().unwrap().to_owned();
    assert!(allow.contains("PUT") && allow.contains("GET"), "{allow}");
}
