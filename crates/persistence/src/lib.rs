//! Storage: sea-orm entities, and repositories that map rows to domain types and back.
//!
//! Repositories take `&impl ConnectionTrait`, so the same function runs on the pool or inside the
//! transaction that the use case opened; they never begin or commit themselves.

pub mod activities;
pub mod attachments;
pub mod case_messages;
pub mod case_reports;
pub mod cases;
mod column;
pub mod contracts;
pub mod db;
pub mod decimal_text;
pub mod discount_rules;
// sea-orm's model macro begins transactions of its own (nested saves): not ours to route.
#[allow(clippy::disallowed_methods)]
pub mod entities;
pub mod error;
pub mod events;
pub mod filter;
pub mod history;
pub mod idempotency;
pub mod instances;
pub mod invoice_orders;
pub mod invoices;
pub mod lines;
pub mod numbers;
pub mod offers;
pub mod opportunities;
pub mod opportunity_states;
pub mod page;
pub mod parties;
pub mod performance;
pub mod pipeline_stages;
pub mod price_lists;
pub mod products;
pub mod refresh_tokens;
pub mod reports;
pub mod retention;
pub mod sales_orders;
pub mod sales_targets;
pub mod search;
pub mod sla_policies;
pub mod subscription_periods;
pub mod subscription_runs;
pub mod subscriptions;
pub mod table;
pub mod teams;
pub mod turnover;
pub mod units;
pub mod users;
pub mod visibility;
pub mod webhook_deliveries;
pub mod webhooks;

pub use error::StoreError;
pub use sea_orm::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, DbErr, StreamTrait, TransactionTrait};
