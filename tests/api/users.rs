//! Users: admins manage them; passwords never come back.

use domain::access::Role;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

use crate::helpers::{PASSWORD, assert_problem, error_fields, spawn_app};

#[tokio::test]
async fn an_admin_creates_lists_and_changes_users_without_ever_seeing_a_password() {
    let app = spawn_app().await;
    let team = app.create_team("North").await;
    let response = app
        .post("/api/v1/users", &json!({"email": "Jane@Example.com", "name": "Jane", "password": PASSWORD, "role": "sales", "team_id": team}))
        .await;
    assert_eq!(response.status(), StatusCode::CREATED);
    let text = response.text().await.unwrap();
    assert!(!text.contains("password") && !text.contains("argon2"), "{text}");
    let user: Value = serde_json::from_str(&text).unwrap();
    assert_eq!(user["email"], "Jane@example.com");
    assert_eq!(user["role"], "sales");
    assert_eq!(user["active"], true);

    let list = app.get("/api/v1/users?role=sales").await.text().await.unwrap();
    assert!(!list.contains("argon2"));
    let list: Value = serde_json::from_str(&list).unwrap();
    assert_eq!(list["items"].as_array().unwrap().len(), 1);

    let path = format!("/api/v1/users/{}", user["id"].as_str().unwrap());
    let changed: Value = app
        .patch(&path, &json!({"team_id": null, "password": "another long password"}))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(changed["team_id"], Value::Null);
    assert_eq!(changed["version"], 2);
    app.login("jane@example.com", "another long password").await;
}

#[tokio::test]
async fn bad_users_are_refused() {
    let app = spawn_app().await;
    let weak = app
        .post(
            "/api/v1/users",
            &json!({"email": "x", "name": "", "password": "short", "role": "sales"}),
        )
        .await;
    let problem = assert_problem(weak, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["email", "name", "password"]);

    let no_team = app
        .post("/api/v1/users", &json!({"email": "a@example.com", "name": "A", "password": PASSWORD, "role": "sales", "team_id": "01890a5d-ac96-774b-bcce-b302099a8057"}))
        .await;
    let problem = assert_problem(no_team, StatusCode::UNPROCESSABLE_ENTITY, "validation_failed").await;
    assert_eq!(error_fields(&problem), vec!["team_id"]);

    let duplicate = app
        .post(
            "/api/v1/users",
            &json!({"email": "ADMIN@example.com", "name": "A", "password": PASSWORD, "role": "sales"}),
        )
        .await;
    assert_problem(duplicate, StatusCode::CONFLICT, "duplicate_email").await;
}

#[tokio::test]
async fn only_admins_manage_users() {
    let app = spawn_app().await;
    let manager = app.login_as(Role::Manager).await;
    let body = json!({"email": "b@example.com", "name": "B", "password": PASSWORD, "role": "admin"});
    let refused = app
        .request(Method::POST, "/api/v1/users", Some(&manager), Some(&body))
        .await;
    assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    let list = app.request(Method::GET, "/api/v1/users", Some(&manager), None).await;
    assert_problem(list, StatusCode::FORBIDDEN, "forbidden").await;
}

/// A frontend shows who is signed in and what they may do, and fills owner and assignee
/// pickers, whatever the caller's role; emails and roles of others stay the admins'.
#[tokio::test]
async fn every_caller_knows_who_they_are_and_looks_users_up_by_name_and_team() {
    let app = spawn_app().await;
    let north = app.create_team("North").await;
    let (sales_id, sales) = app.user_with_role(Role::Sales, Some(&north)).await;
    let (_, viewer) = app.user_with_role(Role::Viewer, None).await;

    let me = app.request(Method::GET, "/api/v1/me", Some(&sales), None).await;
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    assert_eq!(me["id"], sales_id.as_str());
    assert_eq!(me["role"], "sales");
    assert_eq!(me["team_id"], north.as_str());
    let permissions: Vec<&str> = me["permissions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert!(permissions.contains(&"write_opportunities"), "{permissions:?}");
    assert!(!permissions.contains(&"manage_users"), "{permissions:?}");
    let admin = app.get_json("/api/v1/me").await;
    assert_eq!(admin["role"], "admin");
    assert!(
        admin["permissions"]
            .as_array()
            .unwrap()
            .contains(&json!("manage_users"))
    );
    let anonymous = app.request(Method::GET, "/api/v1/me", None, None).await;
    assert_problem(anonymous, StatusCode::UNAUTHORIZED, "missing_token").await;

    let found = app
        .request(
            Method::GET,
            &format!("/api/v1/users/lookup?team_id={north}"),
            Some(&viewer),
            None,
        )
        .await;
    assert_eq!(found.status(), StatusCode::OK);
    let found: Value = found.json().await.unwrap();
    assert_eq!(
        found["items"],
        json!([{"id": sales_id, "name": "sales", "team_id": north, "active": true}])
    );
    let everyone = app
        .request(Method::GET, "/api/v1/users/lookup?limit=200", Some(&sales), None)
        .await;
    let everyone: Value = everyone.json().await.unwrap();
    assert_eq!(everyone["items"].as_array().unwrap().len(), 3, "{everyone}");
    let refused = app
        .request(Method::GET, "/api/v1/users/lookup?role=admin", Some(&sales), None)
        .await;
    assert_problem(refused, StatusCode::BAD_REQUEST, "invalid_query").await;
}

#[tokio::test]
async fn admins_cannot_lock_themselves_or_everyone_out() {
    let app = spawn_app().await;
    let me: Value = app.get("/api/v1/users?role=admin").await.json().await.unwrap();
    let my_path = format!("/api/v1/users/{}", me["items"][0]["id"].as_str().unwrap());
    let response = app.patch(&my_path, &json!({"role": "viewer"})).await;
    assert_problem(response, StatusCode::CONFLICT, "self_lockout").await;
    let response = app.patch(&my_path, &json!({"active": false})).await;
    assert_problem(response, StatusCode::CONFLICT, "self_lockout").await;
    let unchanged: Value = app.get(&my_path).await.json().await.unwrap();
    assert_eq!(
        (unchanged["role"].as_str(), unchanged["active"].as_bool()),
        (Some("admin"), Some(true))
    );

    // A second admin may demote the first, but not then itself: someone must remain.
    let (other_id, other) = app.user_with_role(Role::Admin, None).await;
    let demote_first = app
        .request(Method::PATCH, &my_path, Some(&other), Some(&json!({"role": "manager"})))
        .await;
    assert_eq!(demote_first.status(), StatusCode::OK);
    let other_path = format!("/api/v1/users/{other_id}");
    let demote_last = app
        .request(
            Method::PATCH,
            &other_path,
            Some(&other),
            Some(&json!({"active": false})),
        )
        .await;
    assert_problem(demote_last, StatusCode::CONFLICT, "self_lockout").await;
}

/// Who changed a user's role or team is on record (the history of users and teams); a password
/// change alone is no entry, and no entry shows a password.
#[tokio::test]
async fn the_history_of_users_and_teams_says_who_changed_what() {
    let app = spawn_app().await;
    let team = app.create_team("North").await;
    let renamed = app
        .patch(&format!("/api/v1/teams/{team}"), &json!({"name": "South"}))
        .await;
    assert_eq!(renamed.status(), StatusCode::OK);
    let (user, _) = app.user_with_role(Role::Sales, None).await;
    let promoted = app
        .patch(
            &format!("/api/v1/users/{user}"),
            &json!({"role": "manager", "team_id": team, "password": "a brand new password"}),
        )
        .await;
    assert_eq!(promoted.status(), StatusCode::OK);
    let only_password = app
        .patch(
            &format!("/api/v1/users/{user}"),
            &json!({"password": "yet another password"}),
        )
        .await;
    assert_eq!(only_password.status(), StatusCode::OK);

    let history = app.get(&format!("/api/v1/users/{user}/history")).await;
    assert_eq!(history.status(), StatusCode::OK);
    let text = history.text().await.unwrap();
    assert!(!text.contains("password") && !text.contains("argon2"), "{text}");
    let history: Value = serde_json::from_str(&text).unwrap();
    let items = history["items"].as_array().unwrap();
    let actions: Vec<&str> = items.iter().map(|e| e["action"].as_str().unwrap()).collect();
    assert_eq!(actions, vec!["created", "updated"]);
    let fields: Vec<&str> = items[1]["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, vec!["role", "team_id"]);
    assert_eq!(
        (&items[1]["changes"][0]["from"], &items[1]["changes"][0]["to"]),
        (&json!("sales"), &json!("manager"))
    );

    let team_history = app.get_json(&format!("/api/v1/teams/{team}/history")).await;
    assert_eq!(team_history["items"][1]["changes"][0]["to"], "South");
    assert_eq!(team_history["items"].as_array().unwrap().len(), 2);

    let manager = app.login_as(Role::Manager).await;
    for path in [
        format!("/api/v1/users/{user}/history"),
        format!("/api/v1/teams/{team}/history"),
    ] {
        let refused = app.request(Method::GET, &path, Some(&manager), None).await;
        assert_problem(refused, StatusCode::FORBIDDEN, "forbidden").await;
    }
    let never = app
        .get("/api/v1/users/01890a5d-ac96-774b-bcce-b302099a8057/history")
        .await;
    assert_problem(never, StatusCode::NOT_FOUND, "not_found").await;
}
