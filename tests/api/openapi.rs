//! The committed OpenAPI document is the contract: it must equal what the code generates and serves.

use serde_json::{Value, json};

use crate::helpers::spawn_app;

const COMMITTED: &str = include_str!("../../openapi/openapi.json");

#[tokio::test]
async fn the_committed_document_is_the_one_generated_and_served() {
    let generated = api::openapi::to_json(&api::app::served_document());
    assert!(
        generated == COMMITTED,
        "openapi/openapi.json is stale: regenerate it with `cargo run -- openapi > openapi/openapi.json` (make openapi)"
    );
    let app = spawn_app().await;
    let served: Value = app
        .client
        .get(app.url("/api-docs/openapi.json"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let committed: Value = serde_json::from_str(COMMITTED).unwrap();
    assert_eq!(served, committed);
}

#[test]
fn every_operation_has_an_id_a_tag_and_documented_errors() {
    let document: Value = serde_json::from_str(COMMITTED).unwrap();
    let mut ids = std::collections::HashSet::new();
    for (path, item) in document["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let id = operation["operationId"]
                .as_str()
                .unwrap_or_else(|| panic!("{method} {path} has no operationId"));
            assert!(ids.insert(id.to_owned()), "duplicate operationId {id}");
            assert!(
                operation["tags"].as_array().is_some_and(|t| !t.is_empty()),
                "{id} has no tag"
            );
            let responses = operation["responses"].as_object().unwrap();
            let public = operation["x-permission"] == "public";
            // A public operation needs none (`[]`): `[{}]` made generators want a token to get one.
            assert_eq!(
                operation["security"] == json!([]),
                public,
                "{id}: security and x-permission disagree"
            );
            if !public {
                for status in ["400", "401", "403"] {
                    assert!(responses.contains_key(status), "{id} does not document {status}");
                }
            }
        }
    }
}

/// A generic page type once collapsed into one schema, so every list claimed to return teams.
#[test]
fn every_list_documents_its_own_item_type() {
    let document: Value = serde_json::from_str(COMMITTED).unwrap();
    for (path, item) in [
        ("/api/v1/parties", "PartyResponse"),
        ("/api/v1/users", "UserResponse"),
        ("/api/v1/teams", "TeamResponse"),
        ("/api/v1/activities", "ActivityResponse"),
        ("/api/v1/parties/{id}/activities", "ActivityResponse"),
        ("/api/v1/opportunities", "OpportunityResponse"),
        ("/api/v1/parties/{id}/opportunities", "OpportunityResponse"),
        ("/api/v1/activities/{id}/history", "HistoryEntryResponse"),
        ("/api/v1/products", "ProductResponse"),
        ("/api/v1/price-lists", "PriceListSummaryResponse"),
        ("/api/v1/discount-rules", "DiscountRuleResponse"),
        ("/api/v1/offers", "OfferResponse"),
        ("/api/v1/parties/{id}/offers", "OfferResponse"),
        ("/api/v1/sales-orders", "SalesOrderResponse"),
        ("/api/v1/sales-orders/{id}/history", "HistoryEntryResponse"),
        ("/api/v1/invoice-orders", "InvoiceOrderResponse"),
        ("/api/v1/invoices", "InvoiceResponse"),
    ] {
        let page_ref =
            document["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"]
                .as_str()
                .unwrap();
        let page = &document["components"]["schemas"][page_ref.rsplit('/').next().unwrap()];
        assert_eq!(
            page["properties"]["items"]["items"]["$ref"],
            format!("#/components/schemas/{item}"),
            "{path}"
        );
    }
}

/// Clients switch on `code`: the document lists every code as the enum of `Problem.code`, and
/// each shared problem response names the codes of its status with what they mean.
#[test]
fn every_error_code_is_documented_with_its_status() {
    let document: Value = serde_json::from_str(COMMITTED).unwrap();
    let codes: Vec<&str> = document["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
        .as_array()
        .expect("Problem.code is an enum")
        .iter()
        .map(|code| code.as_str().unwrap())
        .collect();
    for code in [
        "validation_failed",
        "version_mismatch",
        "document_immutable",
        "rate_limited",
        "resource_busy",
    ] {
        assert!(codes.contains(&code), "{code} is not in the enum");
    }
    let responses = &document["components"]["responses"];
    for (response, code) in [
        ("Conflict", "document_immutable"),
        ("Conflict", "invalid_state_transition"),
        ("PreconditionFailed", "version_mismatch"),
        ("UnprocessableEntity", "validation_failed"),
        ("NotFound", "not_found"),
        ("ServiceUnavailable", "resource_busy"),
        ("ServiceUnavailable", "database_unavailable"),
    ] {
        let description = responses[response]["description"].as_str().unwrap();
        assert!(
            description.contains(&format!("`{code}`")),
            "{response} does not list {code}: {description}"
        );
    }
    let conflict = responses["Conflict"]["description"].as_str().unwrap();
    assert!(
        !conflict.contains("`version_mismatch`"),
        "a 412 code is listed under 409"
    );
}

/// `crm-server openapi | head` reads the start of the document and stops: the command ends
/// quietly and successfully, as any well-behaved Unix tool.
#[test]
fn printing_the_document_into_a_reader_that_stops_early_is_no_error() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let mut child = Command::new(env!("CARGO_BIN_EXE_crm-server"))
        .arg("openapi")
        .env("RUST_LOG", "off")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the server binary starts");
    let mut start = [0u8; 16];
    child.stdout.take().unwrap().read_exact(&mut start).unwrap();
    // The pipe is closed here, with most of the document unwritten.
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{:?}: {stderr}", output.status);
    assert!(stderr.is_empty(), "{stderr}");
    assert!(String::from_utf8_lossy(&start).starts_with('{'));
}

/// The server sends every field of a read, `null` when empty: the document requires them, so a
/// generated client types a party's `email` as `string | null`, never `| undefined`. Only fields
/// left out when empty (a problem's `existing_id`) are optional, and those are never null.
#[test]
fn every_field_a_read_always_sends_is_required() {
    let document: Value = serde_json::from_str(COMMITTED).unwrap();
    let schemas = document["components"]["schemas"].as_object().unwrap();
    let party = &schemas["PartyResponse"];
    assert_eq!(
        party["required"].as_array().unwrap().len(),
        party["properties"].as_object().unwrap().len(),
        "every field of a party read is required"
    );
    assert_eq!(
        schemas["PartyResponse"]["properties"]["addresses"]["items"]["$ref"], "#/components/schemas/AddressRead",
        "a party's addresses are read with every field"
    );
    for (name, schema) in schemas
        .iter()
        .filter(|(name, _)| name.ends_with("Response") || name.ends_with("Read"))
    {
        let required = schema["required"].as_array().cloned().unwrap_or_default();
        for (field, property) in schema["properties"].as_object().into_iter().flatten() {
            let nullable = property["type"]
                .as_array()
                .is_some_and(|types| types.contains(&json!("null")))
                || property["oneOf"]
                    .as_array()
                    .is_some_and(|items| items.iter().any(|i| i["type"] == "null"));
            assert!(
                !nullable || required.contains(&json!(field)),
                "{name}.{field} is nullable but optional"
            );
        }
    }
}
