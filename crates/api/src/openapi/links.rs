//! OpenAPI links from each create to what can be done with what it created: `POST /parties`
//! answers a party whose `id` is the `{id}` of `GET`, `PATCH` and `DELETE /parties/{id}` and of
//! every operation under it. Tools follow them (schemathesis' stateful phase, Swagger UI shows
//! them), and a reader sees the next steps.

use serde_json::{Map, Value, json};

/// Adds to the 201 of every `POST /api/v1/{collection}` a link to each operation on
/// `/api/v1/{collection}/{id}` and below.
pub fn link_creates_to_their_records(document: &mut Value) {
    let Some(paths) = document["paths"].as_object() else {
        return;
    };
    let mut links: Vec<(String, Map<String, Value>)> = Vec::new();
    for (path, item) in paths {
        if path.contains('{') || item.get("post").is_none() || item["post"]["responses"].get("201").is_none() {
            continue;
        }
        let record = format!("{path}/{{id}}");
        let mut found = Map::new();
        for (target, target_item) in paths {
            if *target != record && !target.starts_with(&format!("{record}/")) {
                continue;
            }
            // Only the record's own id: a deeper `{…}` needs another record's.
            if target.matches('{').count() != 1 {
                continue;
            }
            for (method, operation) in target_item.as_object().into_iter().flatten() {
                let Some(id) = operation["operationId"].as_str() else {
                    continue;
                };
                let mut parameters = json!({"id": "$response.body#/id"});
                if ["patch", "delete"].contains(&method.as_str()) || method == "post" && takes_if_match(operation) {
                    parameters["header.If-Match"] = json!("$response.header.ETag");
                }
                found.insert(
                    id.to_owned(),
                    json!({
                        "operationId": id,
                        "parameters": parameters,
                        "description": format!("`{method} {target}` of the record created"),
                    }),
                );
            }
        }
        if !found.is_empty() {
            links.push((path.clone(), found));
        }
    }
    for (path, found) in links {
        document["paths"][&path]["post"]["responses"]["201"]["links"] = Value::Object(found);
    }
}

fn takes_if_match(operation: &Value) -> bool {
    operation["parameters"]
        .as_array()
        .is_some_and(|parameters| parameters.iter().any(|p| p["name"] == "If-Match"))
}
