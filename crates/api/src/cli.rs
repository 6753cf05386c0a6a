//! What `crm-server` does with its command line.

use anyhow::Context;
use base64::Engine;
use clap::Parser;
use domain::user::UserInput;
use rand::RngCore;

use crate::app::Application;
use crate::config::{Cli, Command, Common, Settings};
use crate::openapi::to_json;
use app::users::{self as service, NewUser};

pub async fn run() -> anyhow::Result<()> {
    let cli = Cli::parse();
    match cli.command.unwrap_or(Command::Serve(cli.settings)) {
        Command::Serve(settings) => serve(*settings).await?,
        Command::Migrate(common) => {
            crate::telemetry::init(&common.log_format);
            let db = connect(&common).await?;
            persistence::db::migrate(&db).await.context("running migrations")?;
            tracing::info!("migrations applied");
        }
        Command::Openapi => print_document()?,
        Command::CreateUser(args) => {
            crate::telemetry::init(&args.common.log_format);
            app::password::configure(args.passwords.cost())?;
            let db = connect(&args.common).await?;
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
            crate::telemetry::init(&args.common.log_format);
            app::password::configure(args.passwords.cost())?;
            let db = connect(&args.common).await?;
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

async fn serve(mut settings: Settings) -> anyhow::Result<()> {
    crate::telemetry::init(&settings.common.log_format);
    if settings.tokens.jwt_secret.is_empty() {
        tracing::warn!("CRM_JWT_SECRET is not set: using a random secret; tokens end with this process");
        settings.tokens.jwt_secret = random_secret();
    }
    let app = Application::build(settings).await?;
    tracing::info!(port = app.port(), "serving");
    app.run_until_stopped().await?;
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

async fn connect(common: &Common) -> anyhow::Result<persistence::DatabaseConnection> {
    persistence::db::connect(&common.database_url)
        .await
        .context("connecting to the database")
}

fn random_secret() -> String {
    let mut bytes = [0u8; 48];
    rand::rng().fill_bytes(&mut bytes);
    base64::engine::general_purpose::STANDARD.encode(bytes)
}
