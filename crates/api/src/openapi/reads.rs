//! What a read always carries, said so in the schema: the server sends every field of a response
//! body, `null` when it has no value, so a nullable field of a response is `required` too. A
//! generated client then types it `T | null`, not `T | null | undefined`. (A field that is left
//! out when empty says so in its DTO with `#[schema(nullable = false)]`, and stays optional.)
//!
//! A schema that requests use as well (an address, in a party's body and in its read) keeps its
//! optional fields there: its reads refer to a copy named `{Name}Read` that requires them.

use std::collections::BTreeSet;

use serde_json::{Map, Value};

const SCHEMAS: &str = "#/components/schemas/";

/// Marks the nullable fields of every schema that responses use as required.
pub fn require_what_is_always_sent(document: &mut Value) {
    let Some(schemas) = document
        .pointer("/components/schemas")
        .and_then(Value::as_object)
        .cloned()
    else {
        return;
    };
    let (mut requests, mut responses) = (BTreeSet::new(), BTreeSet::new());
    for operation in operations(document) {
        for part in ["requestBody", "parameters"] {
            referenced(&operation[part], &schemas, &mut requests);
        }
        referenced(&operation["responses"], &schemas, &mut responses);
    }
    referenced(&document["components"]["responses"], &schemas, &mut responses);
    let changed = |name: &String| {
        schemas
            .get(name)
            .is_some_and(|schema| !optional_nullables(schema).is_empty())
    };
    // Shared schemas that change get a copy for reads; reads refer to the copy.
    let copied: BTreeSet<String> = responses
        .intersection(&requests)
        .filter(|name| changed(name))
        .cloned()
        .collect();
    let renamed = |name: &str| copied.contains(name).then(|| format!("{name}Read"));
    let out = document["components"]["schemas"]
        .as_object_mut()
        .expect("schemas are an object");
    for name in &responses {
        let target = match renamed(name) {
            Some(copy) => {
                out.insert(copy.clone(), schemas[name].clone());
                copy
            }
            None if requests.contains(name) => continue,
            None => name.clone(),
        };
        let schema = out.get_mut(&target).expect("just looked up");
        require(schema);
        rename_refs(schema, &renamed);
    }
    for operation in operations_mut(document) {
        rename_refs(&mut operation["responses"], &renamed);
    }
    if let Some(shared) = document.pointer_mut("/components/responses") {
        rename_refs(shared, &renamed);
    }
}

fn operations(document: &Value) -> impl Iterator<Item = &Value> {
    document["paths"]
        .as_object()
        .into_iter()
        .flat_map(Map::values)
        .filter_map(Value::as_object)
        .flat_map(Map::values)
        .filter(|operation| operation.get("responses").is_some())
}

fn operations_mut(document: &mut Value) -> impl Iterator<Item = &mut Value> {
    document["paths"]
        .as_object_mut()
        .into_iter()
        .flat_map(Map::values_mut)
        .filter_map(Value::as_object_mut)
        .flat_map(Map::values_mut)
        .filter(|operation| operation.get("responses").is_some())
}

/// Every schema `node` refers to, directly or through other schemas.
fn referenced(node: &Value, schemas: &Map<String, Value>, found: &mut BTreeSet<String>) {
    match node {
        Value::Object(object) => {
            if let Some(name) = object
                .get("$ref")
                .and_then(Value::as_str)
                .and_then(|r| r.strip_prefix(SCHEMAS))
                && found.insert(name.to_owned())
                && let Some(schema) = schemas.get(name)
            {
                referenced(schema, schemas, found);
            }
            object.values().for_each(|value| referenced(value, schemas, found));
        }
        Value::Array(items) => items.iter().for_each(|value| referenced(value, schemas, found)),
        _ => {}
    }
}

/// The fields of an object schema that may be null but are not required.
fn optional_nullables(schema: &Value) -> Vec<String> {
    let required = |name: &str| {
        schema["required"]
            .as_array()
            .is_some_and(|r| r.iter().any(|n| n == name))
    };
    schema["properties"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(name, field)| !required(name) && nullable(field))
        .map(|(name, _)| name.clone())
        .collect()
}

fn nullable(field: &Value) -> bool {
    let null_type = |schema: &Value| match &schema["type"] {
        Value::String(kind) => kind == "null",
        Value::Array(kinds) => kinds.iter().any(|kind| kind == "null"),
        _ => false,
    };
    null_type(field)
        || ["oneOf", "anyOf"]
            .iter()
            .any(|key| field[key].as_array().is_some_and(|items| items.iter().any(null_type)))
}

fn require(schema: &mut Value) {
    let missing = optional_nullables(schema);
    if missing.is_empty() {
        return;
    }
    let required = schema
        .as_object_mut()
        .expect("an object schema")
        .entry("required")
        .or_insert_with(|| Value::Array(Vec::new()));
    if let Value::Array(names) = required {
        names.extend(missing.into_iter().map(Value::String));
    }
}

fn rename_refs(node: &mut Value, renamed: &impl Fn(&str) -> Option<String>) {
    match node {
        Value::Object(object) => {
            if let Some(Value::String(reference)) = object.get_mut("$ref")
                && let Some(copy) = reference.strip_prefix(SCHEMAS).and_then(renamed)
            {
                *reference = format!("{SCHEMAS}{copy}");
            }
            object.values_mut().for_each(|value| rename_refs(value, renamed));
        }
        Value::Array(items) => items.iter_mut().for_each(|value| rename_refs(value, renamed)),
        _ => {}
    }
}
