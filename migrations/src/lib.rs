//! The schema's frozen history: one file per change, never edited once applied.
//! Migrations never import entities, so they keep compiling as the entities evolve.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_teams_and_users;
mod m20261124_000002_parties;
mod m20261124_000003_history;
mod m20261124_000004_pipeline_stages;
mod m20261125_000005_opportunities;
mod m20261125_000006_activities;
mod m20261125_000007_products;
mod m20261125_000008_pricing;
mod m20261125_000009_offers;
mod m20261125_000010_sales_orders;
mod m20261125_000011_invoice_orders;
mod m20261125_000012_invoices;
mod m20261125_000013_activity_documents;
mod m20261125_000014_invoice_series_dates;
mod m20261125_000015_events;
mod m20261125_000016_idempotency_keys;
mod m20261125_000017_webhooks;
mod m20261125_000018_external_ids;
mod m20261203_000019_server_instances;
mod m20261203_000020_refresh_tokens;
mod m20261203_000021_events_notify;
mod m20261203_000022_list_indexes;
mod m20261203_000023_lz4_documents;
mod m20261203_000024_notify_only_subscribed;
mod m20261203_000025_cases;
mod m20261203_000026_attachments;
mod m20261203_000027_contracts;
mod m20261203_000028_subscriptions;
mod m20261204_000029_sales_targets;
mod m20261204_000030_case_report_indexes;
mod m20261204_000031_opportunity_states;
mod m20261204_000032_invoice_totals;
mod m20261204_000033_report_indexes;
mod m20261204_000034_visible_parties;
mod m20261205_000035_opportunity_state_movements;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_teams_and_users::Migration),
            Box::new(m20261124_000002_parties::Migration),
            Box::new(m20261124_000003_history::Migration),
            Box::new(m20261124_000004_pipeline_stages::Migration),
            Box::new(m20261125_000005_opportunities::Migration),
            Box::new(m20261125_000006_activities::Migration),
            Box::new(m20261125_000007_products::Migration),
            Box::new(m20261125_000008_pricing::Migration),
            Box::new(m20261125_000009_offers::Migration),
            Box::new(m20261125_000010_sales_orders::Migration),
            Box::new(m20261125_000011_invoice_orders::Migration),
            Box::new(m20261125_000012_invoices::Migration),
            Box::new(m20261125_000013_activity_documents::Migration),
            Box::new(m20261125_000014_invoice_series_dates::Migration),
            Box::new(m20261125_000015_events::Migration),
            Box::new(m20261125_000016_idempotency_keys::Migration),
            Box::new(m20261125_000017_webhooks::Migration),
            Box::new(m20261125_000018_external_ids::Migration),
            Box::new(m20261203_000019_server_instances::Migration),
            Box::new(m20261203_000020_refresh_tokens::Migration),
            Box::new(m20261203_000021_events_notify::Migration),
            Box::new(m20261203_000022_list_indexes::Migration),
            Box::new(m20261203_000023_lz4_documents::Migration),
            Box::new(m20261203_000024_notify_only_subscribed::Migration),
            Box::new(m20261203_000025_cases::Migration),
            Box::new(m20261203_000026_attachments::Migration),
            Box::new(m20261203_000027_contracts::Migration),
            Box::new(m20261203_000028_subscriptions::Migration),
            Box::new(m20261204_000029_sales_targets::Migration),
            Box::new(m20261204_000030_case_report_indexes::Migration),
            Box::new(m20261204_000031_opportunity_states::Migration),
            Box::new(m20261204_000032_invoice_totals::Migration),
            Box::new(m20261204_000033_report_indexes::Migration),
            Box::new(m20261204_000034_visible_parties::Migration),
            Box::new(m20261205_000035_opportunity_state_movements::Migration),
        ]
    }
}

/// Creates the named, non-unique indexes of `table`, each over its columns in order.
async fn create_indexes(
    manager: &SchemaManager<'_>,
    table: &'static str,
    indexes: &[(&str, &[&'static str])],
) -> Result<(), DbErr> {
    for (name, columns) in indexes {
        let mut index = Index::create().name(*name).table(table).to_owned();
        for column in *columns {
            index.col(*column);
        }
        manager.create_index(index).await?;
    }
    Ok(())
}

/// A foreign key from `table.column` to `target.id`, named `fk_{table}_{column}`.
fn reference(table: &'static str, column: &'static str, target: &'static str) -> ForeignKeyCreateStatement {
    ForeignKey::create()
        .name(format!("fk_{table}_{column}"))
        .from(table, column)
        .to(target, "id")
        .to_owned()
}
