//! `spawn_app()` and typed helpers shared by the test files.

use std::sync::atomic::{AtomicU32, Ordering};

use api::{Application, Settings};
use domain::access::Role;
use reqwest::{Method, Response, StatusCode};
use sea_orm::{ConnectionTrait, Database, DatabaseConnection};
use serde_json::{Value, json};
use uuid::Uuid;

pub const ADMIN_EMAIL: &str = "admin@example.com";
pub const ADMIN_PASSWORD: &str = "correct horse battery staple";
pub const PASSWORD: &str = "a long enough password";

pub struct TestApp {
    pub address: String,
    pub client: reqwest::Client,
    pub admin_token: String,
    database_url: String,
    db: TestDb,
    files: TestFiles,
}

/// The app's files folder, removed when the test ends.
struct TestFiles(std::path::PathBuf);

impl TestFiles {
    fn new() -> Self {
        Self(std::env::temp_dir().join(format!("crm-test-files-{}", Uuid::now_v7().simple())))
    }
}

impl Drop for TestFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A database of its own, removed when the test ends; or one prepared for the test, kept.
enum TestDb {
    Sqlite(std::path::PathBuf),
    Postgres { admin_url: String, name: String },
    Kept,
}

impl Drop for TestDb {
    fn drop(&mut self) {
        match self {
            TestDb::Sqlite(path) => {
                for suffix in ["", "-wal", "-shm"] {
                    let _ = std::fs::remove_file(format!("{}{suffix}", path.display()));
                }
            }
            TestDb::Postgres { admin_url, name } => {
                let (admin_url, name) = (admin_url.clone(), name.clone());
                // Drop runs inside the test's runtime, which cannot block: use a runtime of our own.
                let _ = std::thread::spawn(move || {
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .unwrap();
                    runtime.block_on(async {
                        if let Ok(db) = Database::connect(&admin_url).await {
                            let _ = db
                                .execute_unprepared(&format!("DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)"))
                                .await;
                        }
                    });
                })
                .join();
            }
            TestDb::Kept => {}
        }
    }
}

async fn fresh_database() -> (String, TestDb) {
    let id = Uuid::now_v7().simple().to_string();
    match std::env::var("CRM_TEST_DATABASE_URL") {
        Ok(admin_url) if !admin_url.is_empty() => {
            let name = format!("crm_test_{id}");
            let db = Database::connect(&admin_url)
                .await
                .expect("CRM_TEST_DATABASE_URL must be reachable");
            db.execute_unprepared(&format!("CREATE DATABASE \"{name}\""))
                .await
                .expect("create the test database");
            let (base, _) = admin_url.rsplit_once('/').expect("a database URL ends in /name");
            (format!("{base}/{name}"), TestDb::Postgres { admin_url, name })
        }
        _ => {
            let path = std::env::temp_dir().join(format!("crm-test-{id}.db"));
            (format!("sqlite://{}?mode=rwc", path.display()), TestDb::Sqlite(path))
        }
    }
}

pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with settings of the test's own.
pub async fn spawn_app_with(configure: impl FnOnce(&mut Settings)) -> TestApp {
    if std::env::var_os("TEST_LOG").is_some() {
        api::telemetry::init("text");
    }
    let (database_url, db) = fresh_database().await;
    let files = TestFiles::new();
    let mut settings = settings(&database_url, &files.0);
    configure(&mut settings);
    let address = start(settings).await;
    let client = reqwest::Client::new();
    let mut test_app = TestApp {
        address,
        client,
        admin_token: String::new(),
        database_url,
        db,
        files,
    };
    test_app.admin_token = test_app.login(ADMIN_EMAIL, ADMIN_PASSWORD).await;
    test_app
}

/// A server on a database prepared before the test (and kept after it), whose statements go to
/// `log`; `admin_token` is the token of the user `email`, who signs in with `password`.
pub async fn spawn_app_on(
    database_url: &str,
    log: persistence::db::StatementLog,
    (email, password): (&str, &str),
) -> TestApp {
    let files = TestFiles::new();
    let mut settings = settings(database_url, &files.0);
    (settings.admin_email, settings.admin_password) = (None, None);
    settings.statement_log = Some(log);
    let mut test_app = TestApp {
        address: start(settings).await,
        client: reqwest::Client::new(),
        admin_token: String::new(),
        database_url: database_url.to_owned(),
        db: TestDb::Kept,
        files,
    };
    test_app.admin_token = test_app.login(email, password).await;
    test_app
}

fn settings(database_url: &str, files_dir: &std::path::Path) -> Settings {
    Settings {
        common: api::Common {
            database_url: database_url.to_owned(),
            log_format: "text".to_owned(),
        },
        listen: "127.0.0.1:0".to_owned(),
        tokens: api::TokenSettings {
            jwt_secret: "test secret that is long enough for HS256".to_owned(),
            jwt_previous_secrets: Vec::new(),
            token_ttl_seconds: 600,
            refresh_token_ttl_seconds: 3600,
            jwt_external_jwks_file: None,
            jwt_external_issuer: None,
            jwt_external_audience: None,
        },
        admin_email: Some(ADMIN_EMAIL.to_owned()),
        admin_password: Some(ADMIN_PASSWORD.to_owned()),
        cors_origins: Vec::new(),
        event_retention_days: 30,
        webhook_allow_private: true,
        // Tests send hundreds of requests per token, some at once: a limit no test reaches.
        rate_limit_per_minute: 1_000_000,
        passwords: api::PasswordCost {
            password_memory_kib: 19_456,
            password_iterations: 2,
            password_concurrency: 0,
        },
        case_reopen_days: 14,
        files_dir: files_dir.to_owned(),
        max_upload_bytes: 25 * 1024 * 1024,
        clock: api::Clock::system(),
        statement_log: None,
    }
}

/// An instant `ago` before now, written as the server stores instants (RFC 3339 with
/// microseconds, the same text on SQLite and PostgreSQL): for SQL that lets time pass.
pub fn stored_instant(ago: chrono::TimeDelta) -> String {
    (chrono::Utc::now() - ago)
        .format("%Y-%m-%dT%H:%M:%S%.6f+00:00")
        .to_string()
}

/// Starts a server and returns its address.
async fn start(settings: Settings) -> String {
    let app = Application::build(settings).await.expect("the application builds");
    let address = format!("http://127.0.0.1:{}", app.port());
    tokio::spawn(app.run_until_stopped());
    address
}

impl TestApp {
    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.address)
    }

    /// A second server on this app's database, as a deployment with two instances has; its
    /// address. Tokens of one are good at the other (same secret).
    pub async fn another_instance(&self) -> String {
        self.another_instance_with(|_| {}).await
    }

    /// [`Self::another_instance`] with settings of the test's own.
    pub async fn another_instance_with(&self, configure: impl FnOnce(&mut Settings)) -> String {
        let mut settings = settings(&self.database_url, &self.files.0);
        configure(&mut settings);
        start(settings).await
    }

    /// The folder the app keeps attachments' content in.
    pub fn files_dir(&self) -> &std::path::Path {
        &self.files.0
    }

    /// Whether the tests run on PostgreSQL (SQLite is the single-process embedded default).
    pub fn on_postgres(&self) -> bool {
        !self.database_url.starts_with("sqlite:")
    }

    /// Runs a statement on the app's database behind its back: only for what no request can do,
    /// such as letting time pass for a record.
    pub async fn execute_sql(&self, sql: &str) {
        self.database()
            .await
            .execute_unprepared(sql)
            .await
            .expect("the statement runs");
    }

    /// PostgreSQL only: takes the app's database out of reach (its connections ended, new ones
    /// refused) or gives it back, as an outage or a failover would.
    pub async fn cut_database(&self, cut: bool) {
        let TestDb::Postgres { admin_url, name } = &self.db else {
            panic!("only a PostgreSQL database can be cut off");
        };
        let admin = Database::connect(admin_url).await.expect("the admin database");
        let allow = if cut { "false" } else { "true" };
        let statements = [
            format!("ALTER DATABASE \"{name}\" WITH ALLOW_CONNECTIONS {allow}"),
            format!("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '{name}'"),
        ];
        for statement in statements.iter().take(if cut { 2 } else { 1 }) {
            admin.execute_unprepared(statement).await.expect("the statement runs");
        }
    }

    /// The URL of the app's own database.
    pub fn database_url(&self) -> &str {
        &self.database_url
    }

    /// A connection to the app's database behind its back, as [`Self::execute_sql`].
    pub async fn database(&self) -> DatabaseConnection {
        Database::connect(&self.database_url).await.expect("the test database")
    }

    /// Every POST with a token carries an `Idempotency-Key` of its own, as a careful client's
    /// do: so every change the tests make also goes through the commit that keeps its response.
    pub async fn request(&self, method: Method, path: &str, token: Option<&str>, body: Option<&Value>) -> Response {
        let post = method == Method::POST;
        let mut request = self.client.request(method, self.url(path));
        if let Some(token) = token {
            request = request.bearer_auth(token);
            if post {
                request = request.header("Idempotency-Key", Uuid::now_v7().to_string());
            }
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        request.send().await.expect("the request is sent")
    }

    pub async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path, Some(&self.admin_token), None).await
    }

    pub async fn post(&self, path: &str, body: &Value) -> Response {
        self.request(Method::POST, path, Some(&self.admin_token), Some(body))
            .await
    }

    pub async fn patch(&self, path: &str, body: &Value) -> Response {
        self.request(Method::PATCH, path, Some(&self.admin_token), Some(body))
            .await
    }

    pub async fn put(&self, path: &str, body: &Value) -> Response {
        self.request(Method::PUT, path, Some(&self.admin_token), Some(body))
            .await
    }

    pub async fn login(&self, email: &str, password: &str) -> String {
        let response = self
            .request(
                Method::POST,
                "/api/v1/auth/token",
                None,
                Some(&json!({"email": email, "password": password})),
            )
            .await;
        assert_eq!(response.status(), StatusCode::OK, "login of {email}");
        let body: Value = response.json().await.unwrap();
        body["access_token"].as_str().unwrap().to_owned()
    }

    /// A token of a new user with `role`, in no team.
    pub async fn login_as(&self, role: Role) -> String {
        self.user_with_role(role, None).await.1
    }

    /// Creates a user with `role` (and team) and returns its id and a token.
    pub async fn user_with_role(&self, role: Role, team_id: Option<&str>) -> (String, String) {
        static COUNTER: AtomicU32 = AtomicU32::new(0);
        let role = role.as_str();
        let email = format!("{role}{}@example.com", COUNTER.fetch_add(1, Ordering::Relaxed));
        let response = self
            .post(
                "/api/v1/users",
                &json!({"email": email, "name": role, "password": PASSWORD, "role": role, "team_id": team_id}),
            )
            .await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let user: Value = response.json().await.unwrap();
        let token = self.login(&email, PASSWORD).await;
        (user["id"].as_str().unwrap().to_owned(), token)
    }

    pub async fn create_team(&self, name: &str) -> String {
        let response = self.post("/api/v1/teams", &json!({"name": name})).await;
        assert_eq!(response.status(), StatusCode::CREATED);
        let team: Value = response.json().await.unwrap();
        team["id"].as_str().unwrap().to_owned()
    }

    /// POSTs `body` (none for a transition without one) with `token` and returns the response.
    pub async fn post_as(&self, token: &str, path: &str, body: Option<&Value>) -> Response {
        self.request(Method::POST, path, Some(token), body).await
    }

    /// POSTs as admin, checks the status and returns the body.
    pub async fn post_expect(&self, path: &str, body: &Value, status: StatusCode) -> Value {
        let response = self.post(path, body).await;
        let actual = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(actual, status, "POST {path} {body}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// GETs as admin, checks for 200 and returns the body.
    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        let status = response.status();
        let text = response.text().await.unwrap();
        assert_eq!(status, StatusCode::OK, "GET {path}: {text}");
        serde_json::from_str(&text).unwrap()
    }

    /// Creates a party as admin and returns it.
    pub async fn post_party(&self, body: &Value) -> Value {
        let response = self.post("/api/v1/parties", body).await;
        assert_eq!(response.status(), StatusCode::CREATED, "creating {body}");
        response.json().await.unwrap()
    }
}

/// Reads a problem+json response and checks its status and code.
pub async fn assert_problem(response: Response, status: StatusCode, code: &str) -> Value {
    assert_eq!(response.status(), status);
    assert_eq!(
        response.headers()["content-type"].to_str().unwrap(),
        "application/problem+json"
    );
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status.as_u16());
    assert!(
        DOCUMENTED_CODES.contains(&code.to_owned()),
        "`{code}` is not in the document's codes"
    );
    body
}

/// The codes a problem may carry, as the committed OpenAPI document lists them (the enum of
/// `Problem.code`): every problem a test meets must be one of them.
static DOCUMENTED_CODES: std::sync::LazyLock<Vec<String>> = std::sync::LazyLock::new(|| {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/openapi/openapi.json"))
        .expect("the committed document");
    let document: Value = serde_json::from_str(&text).expect("the document is JSON");
    document["components"]["schemas"]["Problem"]["properties"]["code"]["enum"]
        .as_array()
        .expect("Problem.code is an enum")
        .iter()
        .map(|code| code.as_str().expect("codes are strings").to_owned())
        .collect()
});

/// The fields named in a 422's `errors`.
pub fn error_fields(problem: &Value) -> Vec<String> {
    problem["errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap().to_owned())
        .collect()
}

/// The `id` of a record in a response body.
pub fn id(record: &Value) -> &str {
    record["id"].as_str().expect("the record has an id")
}

/// The ids of the items of a page, in order.
pub fn item_ids(page: &Value) -> Vec<String> {
    page["items"]
        .as_array()
        .expect("a page has items")
        .iter()
        .map(|item| id(item).to_owned())
        .collect()
}

/// Waits (up to 30 s) until `done`: the servers' own jobs (case clock, contract dates) run beside a
/// test's rounds, and a round skips a record another round holds, so what the test's round
/// skipped is the job's to finish.
pub async fn until<F: std::future::Future<Output = bool>>(what: &str, mut done: impl FnMut() -> F) {
    for _ in 0..300 {
        if done().await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    panic!("never: {what}");
}
