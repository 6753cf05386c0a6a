//! Realistic data for benchmarks, reports and demos: `crm-server seed --profile smoke|standard|large`.
//!
//! - **Deterministic**: every record is a pure function of its kind and index (its own generator,
//!   seeded from both), so a profile gives the same ids, names, amounts and dates on every run and
//!   any record can be rebuilt where another refers to it, without keeping the data set in memory.
//! - **Set-based**: records, their lines, history entries and events go in multi-row statements of
//!   a few thousand rows, one transaction per batch.
//! - **Consistent**: every record is made by the domain's own rules (inputs validated, offers
//!   accepted, orders made of them, invoice orders planned, invoices drafted, issued and paid,
//!   support cases answered and resolved on their SLA clocks), and recorded with the history
//!   entries and events the live server writes, in the same record forms. Document and case
//!   numbers continue after the seed's own.
//!
//! Dates run from [`FIRST_DAY`] to [`SEED_TODAY`]; the data says nothing about when it was loaded.

mod catalogue;
mod documents;
mod ids;
mod invoicing;
mod journal;
mod parties;
mod plan;
mod profile;
mod sales;
mod service;
mod targets;

use std::time::{Duration, Instant};

use persistence::DatabaseConnection;

pub use profile::Profile;

/// The first day of the seeded business.
pub const FIRST_DAY: (i32, u32, u32) = (2025, 1, 1);
/// The day the seeded business stands on: offers still valid, invoices overdue, as of then.
pub const SEED_TODAY: (i32, u32, u32) = (2026, 11, 30);

/// A domain rule's verdict as an error of the seed (whose data must follow every rule).
fn ruled<T, E: std::fmt::Debug>(result: Result<T, E>) -> anyhow::Result<T> {
    result.map_err(|error| anyhow::anyhow!("seeded data broke a rule: {error:?}"))
}

/// What a seed wrote.
#[derive(Debug, Default)]
pub struct Summary {
    pub counts: Vec<(&'static str, u64)>,
    pub elapsed: Duration,
}

/// Loads `profile` into an empty database (refused when it already holds parties: the seed's ids
/// would collide, and mixing it with real data helps no one), then settles it (`db::settle`).
pub async fn run(db: &DatabaseConnection, profile: &Profile) -> anyhow::Result<Summary> {
    let started = Instant::now();
    if persistence::parties::any(db).await? {
        anyhow::bail!("the database already holds parties: seed an empty database");
    }
    let mut summary = Summary::default();
    let people = catalogue::write(db, profile, &mut summary).await?;
    parties::write(db, profile, &people, &mut summary).await?;
    sales::write(db, profile, &people, &mut summary).await?;
    documents::write(db, profile, &people, &mut summary).await?;
    service::write(db, profile, &people, &mut summary).await?;
    targets::write(db, profile, &people, &mut summary).await?;
    persistence::db::settle(db).await?;
    summary.elapsed = started.elapsed();
    Ok(summary)
}
