//! The schema's frozen history: one file per change, never edited once applied.
//! Migrations never import entities, so they keep compiling as the entities evolve.

pub use sea_orm_migration::prelude::*;

mod m20261124_000001_teams_and_users;
mod m20261124_000002_parties;
mod m20261124_000003_history;
mod m20261124_000004_pipeline_stages;

pub struct Migrator;

impl MigratorTrait for Migrator {
    fn migrations() -> Vec<Box<dyn MigrationTrait>> {
        vec![
            Box::new(m20261124_000001_teams_and_users::Migration),
            Box::new(m20261124_000002_parties::Migration),
            Box::new(m20261124_000003_history::Migration),
            Box::new(m20261124_000004_pipeline_stages::Migration),
        ]
    }
}
