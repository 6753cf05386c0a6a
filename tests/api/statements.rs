//! How many statements a write costs: a bounded number, whatever the record, so that a create
//! stays a handful of round trips to the database (issue 13). Counted from the statements the
//! server's pool ran (`persistence::db::StatementLog`); `BEGIN` and `COMMIT` are not among them.

use persistence::db::StatementLog;
use reqwest::StatusCode;
use serde_json::json;

use crate::helpers::spawn_app_with;

#[tokio::test]
async fn creating_a_party_with_a_key_is_four_statements_with_its_history_event_and_response() {
    let log = StatementLog::default();
    let app = spawn_app_with(|settings| settings.statement_log = Some(log.clone())).await;
    let body = json!({"kind": "organization", "name": "Counted GmbH", "roles": ["customer"]});
    log.take();
    app.post_expect("/api/v1/parties", &body, StatusCode::CREATED).await;
    // The pool also runs the server's background work (the webhook worker a commit wakes, the
    // heartbeat, housekeeping) and, every 500 ms at most, reads the caller's user: count what
    // writes the party, its history and event, and the key.
    let statements: Vec<String> = log
        .take()
        .into_iter()
        .map(|s| s.sql)
        .filter(|sql| !sql.starts_with("DELETE"))
        .filter(|sql| {
            ["idempotency_keys", "parties", "history_entries", "events"]
                .iter()
                .any(|t| sql.contains(t))
        })
        .collect();
    let expected = if app.on_postgres() {
        // The key claimed; the party; its history entry and event in one; the response kept.
        4
    } else {
        // SQLite, in process, writes the history entry and the event apart.
        5
    };
    assert_eq!(statements.len(), expected, "{statements:#?}");
}
