//! The response headers a client reads, declared on the responses that carry them: the request's
//! id on every response, the rate limit's state on every success under `/api/v1`, and
//! `Idempotent-Replayed` on the successes of a POST that takes an `Idempotency-Key`.

use serde_json::{Value, json};

/// Adds the headers to every response of every operation, and to the shared problem responses.
pub fn declare_response_headers(document: &mut Value) {
    let request_id = json!({
        "description": "The request's id: the client's `X-Request-Id` when it is a token of 1–128 \
            letters, digits and `-_.:`, else one the server made. Problems repeat it as `request_id`; \
            the server's log line has it.",
        "schema": {"type": "string"},
    });
    let rate_limit = [
        (
            "RateLimit-Limit",
            "Requests allowed at once, and per minute (absent when the server sets no limit)",
        ),
        ("RateLimit-Remaining", "Requests left now"),
        ("RateLimit-Reset", "Seconds until the whole quota is back"),
    ];
    let replayed = json!({
        "description": "`true` when this is the kept response of an earlier request with the same \
            `Idempotency-Key`: nothing was done again.",
        "schema": {"type": "string", "enum": ["true"]},
    });
    if let Some(paths) = document["paths"].as_object_mut() {
        for (path, item) in paths {
            let Some(item) = item.as_object_mut() else { continue };
            for (method, operation) in item {
                let idempotent = method == "post"
                    && operation["parameters"]
                        .as_array()
                        .is_some_and(|parameters| parameters.iter().any(|p| p["name"] == "Idempotency-Key"));
                let Some(responses) = operation["responses"].as_object_mut() else {
                    continue;
                };
                for (status, response) in responses {
                    if response.get("$ref").is_some() {
                        continue;
                    }
                    let headers = headers_of(response);
                    headers.insert("X-Request-Id".to_owned(), request_id.clone());
                    if !status.starts_with('2') {
                        continue;
                    }
                    if path.starts_with("/api/v1/") {
                        for (name, description) in rate_limit {
                            headers.insert(
                                name.to_owned(),
                                json!({"description": description, "schema": {"type": "integer", "minimum": 0}}),
                            );
                        }
                    }
                    if idempotent {
                        headers.insert("Idempotent-Replayed".to_owned(), replayed.clone());
                    }
                }
            }
        }
    }
    if let Some(shared) = document
        .pointer_mut("/components/responses")
        .and_then(Value::as_object_mut)
    {
        for response in shared.values_mut() {
            headers_of(response).insert("X-Request-Id".to_owned(), request_id.clone());
        }
    }
}

fn headers_of(response: &mut Value) -> &mut serde_json::Map<String, Value> {
    response
        .as_object_mut()
        .expect("a response is an object")
        .entry("headers")
        .or_insert_with(|| json!({}))
        .as_object_mut()
        .expect("headers are an object")
}
