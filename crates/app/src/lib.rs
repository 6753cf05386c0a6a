//! The use cases of the CRM, between the HTTP API and the database: each one opens its
//! transaction, checks what the caller may do, applies the domain's rules, writes through the
//! repositories and records history and the event, then commits. Nothing here knows HTTP, so the
//! API, the CLI and the server's background jobs call the same functions.

pub mod batch;
pub mod caller;
pub mod clock;
mod codes;
pub mod delivery;
pub mod error;
pub mod files;
pub mod history;
pub mod housekeeping;
pub mod instance;
pub mod lookup;
pub mod password;
pub mod records;
pub mod references;
pub mod reports;
pub mod sessions;
pub mod transaction;
pub mod upsert;
mod versioned;
pub mod versions;

pub mod activities;
pub mod attachments;
pub mod case_clock;
pub mod cases;
pub mod contracts;
pub mod discount_rules;
pub mod events;
pub mod flow;
pub mod invoice_orders;
pub mod invoices;
pub mod offers;
pub mod opportunities;
pub mod parties;
pub mod pipeline_stages;
pub mod price_lists;
pub mod pricing;
pub mod products;
pub mod sales_orders;
pub mod sales_targets;
pub mod seed;
pub mod sla_policies;
pub mod subscriptions;
pub mod teams;
pub mod users;
pub mod webhooks;

pub use caller::Caller;
pub use error::{AppError, ErrorCode};
