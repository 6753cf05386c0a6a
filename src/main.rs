//! `crm-server`: see `crm-server --help`.

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    api::cli::run().await
}
