//! The command line and its environment variables (api.md, "Running it").

use clap::{Args, Parser, Subcommand};

use domain::access::Role;

/// Each command takes the options it uses, after its name (`crm-server seed --profile standard`);
/// `crm-server` alone serves, with the options of `serve`. Every option also reads its `CRM_…`
/// environment variable.
#[derive(Debug, Parser)]
#[command(
    name = "crm-server",
    version,
    about = "A headless CRM: REST/JSON API server",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub settings: Box<Settings>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run pending migrations, then serve (the default).
    Serve(Box<Settings>),
    /// Run pending migrations and exit.
    Migrate(Common),
    /// Print the OpenAPI document and exit.
    Openapi,
    /// Create a user (runs pending migrations first).
    CreateUser(CreateUser),
    /// Load realistic data into an empty database (runs pending migrations first): the same
    /// records on every run. Every seeded user signs in with the password `seed password`
    /// (admin: admin@seed.example).
    Seed(Seed),
}

#[derive(Debug, Args)]
pub struct Seed {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub passwords: PasswordCost,
    /// smoke (a few seconds, for CI), standard (100k organizations, 200k contacts, 1M activities,
    /// 200k opportunities, 100k offers of 10 lines, 50k orders, 200k invoices) or large (10× standard).
    #[arg(long, value_parser = ["smoke", "standard", "large"], default_value = "smoke")]
    pub profile: String,
}

#[derive(Debug, Args)]
pub struct CreateUser {
    #[command(flatten)]
    pub common: Common,
    #[command(flatten)]
    pub passwords: PasswordCost,
    #[arg(long)]
    pub email: String,
    #[arg(long)]
    pub name: String,
    /// The password; prefer the environment variable, which stays out of the shell history.
    #[arg(long, env = "CRM_NEW_USER_PASSWORD", hide_env_values = true)]
    pub password: String,
    /// admin, manager, sales, accountant, integrator, support or viewer.
    #[arg(long, value_parser = parse_role, default_value = "admin")]
    pub role: Role,
}

/// How access and refresh tokens are made and checked.
#[derive(Debug, Clone, Args)]
pub struct TokenSettings {
    /// HS256 key that signs access tokens, at least 32 bytes. Without it a random one is made:
    /// tokens die with the process.
    #[arg(
        long,
        env = "CRM_JWT_SECRET",
        hide_env_values = true,
        default_value = "",
        hide_default_value = true
    )]
    pub jwt_secret: String,
    /// Comma-separated earlier secrets whose tokens are still accepted (rotation: put the old
    /// secret here and a new one in `CRM_JWT_SECRET`; drop it once its tokens have expired).
    #[arg(
        long,
        env = "CRM_JWT_PREVIOUS_SECRETS",
        value_delimiter = ',',
        hide_env_values = true
    )]
    pub jwt_previous_secrets: Vec<String>,
    /// Lifetime of an access token, seconds.
    #[arg(long, env = "CRM_TOKEN_TTL_SECONDS", default_value_t = 900)]
    pub token_ttl_seconds: i64,
    /// Lifetime of a refresh token, seconds (each refresh makes a new one).
    #[arg(long, env = "CRM_REFRESH_TOKEN_TTL_SECONDS", default_value_t = 30 * 24 * 3600)]
    pub refresh_token_ttl_seconds: i64,
    /// A JSON Web Key Set file of an external identity provider whose access tokens are accepted
    /// too (each key with `kid` and an asymmetric `alg`: `RS256`, `ES256`, `EdDSA`…). Its tokens name
    /// the user by a verified `email` claim.
    #[arg(long, env = "CRM_JWT_EXTERNAL_JWKS_FILE", requires_all = ["jwt_external_issuer", "jwt_external_audience"])]
    pub jwt_external_jwks_file: Option<std::path::PathBuf>,
    /// The `iss` the external provider's tokens carry.
    #[arg(long, env = "CRM_JWT_EXTERNAL_ISSUER")]
    pub jwt_external_issuer: Option<String>,
    /// The `aud` the external provider's tokens must carry for this API.
    #[arg(long, env = "CRM_JWT_EXTERNAL_AUDIENCE")]
    pub jwt_external_audience: Option<String>,
}

impl TokenSettings {
    /// The keys these settings describe (the external provider's read from its file).
    pub fn keys(&self) -> anyhow::Result<crate::auth::JwtKeys> {
        use anyhow::Context;
        let external = match (
            &self.jwt_external_jwks_file,
            &self.jwt_external_issuer,
            &self.jwt_external_audience,
        ) {
            (Some(file), Some(issuer), Some(audience)) => {
                let text = std::fs::read_to_string(file).with_context(|| format!("reading {}", file.display()))?;
                let keys = serde_json::from_str(&text)
                    .with_context(|| format!("{} is not a JSON Web Key Set", file.display()))?;
                Some(crate::auth::ExternalProvider {
                    keys,
                    issuer: issuer.clone(),
                    audience: audience.clone(),
                })
            }
            (None, _, _) => None,
            _ => anyhow::bail!("an external provider needs CRM_JWT_EXTERNAL_ISSUER and CRM_JWT_EXTERNAL_AUDIENCE"),
        };
        let previous: Vec<&[u8]> = self.jwt_previous_secrets.iter().map(String::as_bytes).collect();
        Ok(crate::auth::JwtKeys::new(
            self.jwt_secret.as_bytes(),
            &previous,
            external.as_ref(),
            self.token_ttl_seconds,
        )?)
    }
}

#[derive(Debug, Clone, Args)]
pub struct Settings {
    #[command(flatten)]
    pub common: Common,
    #[arg(long, env = "CRM_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: String,
    #[command(flatten)]
    pub tokens: TokenSettings,
    /// Creates the first admin when there are no users yet (with `CRM_ADMIN_PASSWORD`).
    #[arg(long, env = "CRM_ADMIN_EMAIL")]
    pub admin_email: Option<String>,
    #[arg(long, env = "CRM_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// Comma-separated exact origins allowed by CORS; empty means none.
    #[arg(long, env = "CRM_CORS_ORIGINS", value_delimiter = ',')]
    pub cors_origins: Vec<String>,
    /// How many days the change feed keeps its events (1–3650).
    #[arg(long, env = "CRM_EVENT_RETENTION_DAYS", default_value_t = 30,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub event_retention_days: u32,
    /// Lets webhook URLs name private, loopback and link-local addresses (receivers inside the
    /// network; tests).
    #[arg(long, env = "CRM_WEBHOOK_ALLOW_PRIVATE", default_value_t = false,
          action = clap::ArgAction::Set)]
    pub webhook_allow_private: bool,
    /// Requests a caller (a token's user, else an address) may send under /api/v1 per minute, also
    /// all at once; 0 turns the limit off.
    #[arg(long, env = "CRM_RATE_LIMIT_PER_MINUTE", default_value_t = 1200)]
    pub rate_limit_per_minute: u32,
    #[command(flatten)]
    pub passwords: PasswordCost,
    /// The folder attachments' content is kept in (made if missing), once per SHA-256: `ab/abcdef…`,
    /// with uploads received in `tmp/`. Every server on one database needs the same folder.
    #[arg(long, env = "CRM_FILES_DIR", default_value = "data/files")]
    pub files_dir: std::path::PathBuf,
    /// The largest file an upload may carry, bytes (413 past it).
    #[arg(long, env = "CRM_MAX_UPLOAD_BYTES", default_value_t = 25 * 1024 * 1024,
          value_parser = clap::value_parser!(u64).range(1..))]
    pub max_upload_bytes: u64,
    /// Days a resolved support case may be reopened; the server closes it after them.
    #[arg(long, env = "CRM_CASE_REOPEN_DAYS", default_value_t = 14,
          value_parser = clap::value_parser!(u32).range(1..=3650))]
    pub case_reopen_days: u32,
    /// The time the server goes by: the system's, but for tests that move it.
    #[arg(skip)]
    pub clock: app::clock::Clock,
    /// Where the pool logs every statement it runs: none, but for the test of query plans.
    #[arg(skip)]
    pub statement_log: Option<persistence::db::StatementLog>,
}

/// What every command that opens the database takes.
#[derive(Debug, Clone, Args)]
pub struct Common {
    /// `sqlite://…` (embedded) or `postgres://…`.
    #[arg(long, env = "CRM_DATABASE_URL", default_value = "sqlite://crm.db?mode=rwc")]
    pub database_url: String,
    /// `json` for one JSON object per log line; anything else is human-readable text.
    #[arg(long, env = "CRM_LOG_FORMAT", default_value = "text")]
    pub log_format: String,
}

/// How costly a password hash is: serving, creating users and seeding hash passwords.
#[derive(Debug, Clone, Args)]
pub struct PasswordCost {
    /// Memory of one Argon2id password hash, KiB (OWASP: 19456). Stored hashes keep their own.
    #[arg(long, env = "CRM_PASSWORD_MEMORY_KIB", default_value_t = 19_456)]
    pub password_memory_kib: u32,
    /// Iterations of one Argon2id password hash (OWASP: 2).
    #[arg(long, env = "CRM_PASSWORD_ITERATIONS", default_value_t = 2)]
    pub password_iterations: u32,
    /// Password hashes computed at once (logins, new passwords); 0: one per core. Requests beyond
    /// wait up to 2 s for a turn, then get 503 `resource_busy`.
    #[arg(long, env = "CRM_PASSWORD_CONCURRENCY", default_value_t = 0)]
    pub password_concurrency: usize,
}

impl PasswordCost {
    /// The cost of a password hash, as set.
    pub fn cost(&self) -> app::password::Cost {
        app::password::Cost {
            memory_kib: self.password_memory_kib,
            iterations: self.password_iterations,
            concurrency: self.password_concurrency,
        }
    }
}

/// A role by its name, as the API spells it.
fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| {
        let names: Vec<&str> = Role::ALL.iter().map(|role| role.as_str()).collect();
        format!("one of {}", names.join(", "))
    })
}
