//! What `crm-server` does with its command line.

use anyhow::Context;
use base64::Engine;
use clap::Parser;
use domain::user::UserInput;
use rand::RngCore;

use crate::app::Application;
use crate::config::{Cli, Command, Settings};
use crate::openapi::to_json;
use app::users::{self as service, NewUser};

pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    let mut settings = cli.settings;
    crate::telemetry::init(&settings.log_format);
    match cli.command.unwrap_or(Command::Serve) {
        Command::Serve => {
            if settings.tokens.jwt_secret.is_empty() {
                tracing::warn!("CRM_JWT_SECRET is not set: using a random secret; tokens end with this process");
                settings.tokens.jwt_secret = random_secret();
            }
            let app = Application::build(settings).await?;
            tracing::info!(port = app.port(), "serving");
            app.run_until_stopped().await?;
        }
        Command::Migrate => {
            let db = connect(&settings).await?;
            persistence::db::migrate(&db).await.context("running migrations")?;
            tracing::info!("migrations applied");
        }
        Command::Openapi => print_document()?,
        Command::CreateUser(args) => {
            app::password::configure(settings.password_cost())?;
            let db = connect(&settings).await?;
            persistence::db::migrate(&db).await.context("running migrations")?;
            let new = NewUser {
                input: UserInput {
                    email: args.email,
                    name: args.name,
                    role: args.role,
                    team_id: None,
                    active: true,
                },
                password: args.password,
            };
            let user = service::create(&db, None, new)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?;
            println!("{}", user.id);
        }
        Command::Seed(args) => {
            app::password::configure(settings.password_cost())?;
            let db = connect(&settings).await?;
            persistence::db::migrate(&db).await.context("running migrations")?;
            let profile = app::seed::Profile::named(&args.profile).context("an unknown profile")?;
            let summary = app::seed::run(&db, &profile).await?;
            for (what, count) in &summary.counts {
                println!("{count:>10} {what}");
            }
            println!(
                "seeded the {} profile in {:.1} s",
                profile.name,
                summary.elapsed.as_secs_f64()
            );
        }
    }
    Ok(())
}

/// Prints the document; a reader that stops early (`crm-server openapi | head`) is no error.
fn print_document() -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match out
        .write_all(to_json(&crate::app::served_document()).as_bytes())
        .and_then(|()| out.flush())
    {
        Err(error) if error.kind() != std::io::ErrorKind::BrokenPipe => Err(error.into()),
        _ => Ok(()),
    }
}

async fn connect(settings: &Settings) -> anyhow::Result<persistence::DatabaseConnection> {
    persistence::db::connect(&settings.database_url)
        .await
        .context("connecting to the database")
}

fn random_secret() -> String {
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
