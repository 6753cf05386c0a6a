//! `updated_since` on the lists that otherwise have one fixed order (by name, position or
//! creation): only the records changed at or after the instant, oldest change first, also across
//! pages, for the incremental sync of an integrator.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, assert_problem, id, item_ids, spawn_app};

/// The body that creates a record with a name.
type Create = fn(&str) -> Value;

/// Each list and how to create one of its records.
const LISTS: [(&str, Create); 5] = [
    ("/api/v1/teams", |name| json!({"name": name})),
    (
        "/api/v1/users",
        |name| json!({"email": format!("{}@example.com", name.to_lowercase()), "name": name, "password": PASSWORD, "role": "sales"}),
    ),
    (
        "/api/v1/pipeline-stages",
        |name| json!({"name": name, "default_probability": "40"}),
    ),
    ("/api/v1/discount-rules", |name| json!({"name": name, "percent": "5"})),
    ("/api/v1/price-lists", |name| json!({"name": name, "currency": "EUR"})),
];

#[tokio::test]
async fn updated_since_lists_the_changes_from_then_on_oldest_change_first() {
    let app = spawn_app().await;
    for (path, body) in LISTS {
        // Created and never changed before `since`: not listed.
        let untouched = app.post_expect(path, &body("Charlie"), StatusCode::CREATED).await;
        let changed = app.post_expect(path, &body("Alpha"), StatusCode::CREATED).await;
        let marker = app.post_expect(path, &body("Mike"), StatusCode::CREATED).await;
        let since = marker["updated_at"]
            .as_str()
            .unwrap()
            .replace('+', "%2B")
            .replace(':', "%3A");
        let response = app
            .patch(&format!("{path}/{}", id(&changed)), &json!({"name": "Alpha 2"}))
            .await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");

        // By name, position or creation, Alpha would come before Mike.
        let page = app.get_json(&format!("{path}?updated_since={since}")).await;
        assert_eq!(item_ids(&page), [id(&marker), id(&changed)], "{path}");
        assert!(!item_ids(&page).contains(&id(&untouched).to_owned()));

        let first = app.get_json(&format!("{path}?updated_since={since}&limit=1")).await;
        assert_eq!(item_ids(&first), [id(&marker)], "{path}");
        let cursor = first["next_cursor"].as_str().unwrap();
        let second = app
            .get_json(&format!("{path}?updated_since={since}&limit=1&cursor={cursor}"))
            .await;
        assert_eq!(item_ids(&second), [id(&changed)], "{path}");

        let far = app.get(&format!("{path}?updated_since=%2B20000-01-01T00:00:00Z")).await;
        assert_problem(far, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    }
}
