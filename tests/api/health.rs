//! Probes and the headers every response carries.

use reqwest::StatusCode;

use crate::helpers::spawn_app;

#[tokio::test]
async fn probes_answer_without_a_token_and_responses_carry_safety_headers() {
    let app = spawn_app().await;
    for path in ["/health", "/ready"] {
        let response = app.client.get(app.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-store");
        assert_eq!(response.headers()["x-content-type-options"], "nosniff");
        assert!(response.headers().contains_key("x-request-id"));
    }
    let ui = app.client.get(app.url("/swagger-ui/")).send().await.unwrap();
    assert_eq!(ui.status(), StatusCode::OK);
}
