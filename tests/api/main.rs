//! Black-box tests over HTTP: every test starts the real application on port 0 with a fresh
//! database (SQLite by default, PostgreSQL when `CRM_TEST_DATABASE_URL` is set).
// Tests hold transactions of their own making (a slow writer, a lock held elsewhere), as a client
// of the database would: they begin them directly, not the server's way.
#![allow(clippy::disallowed_methods)]

mod activities;
mod allowed_actions;
mod attachments;
mod auth;
mod batch;
mod cases;
mod cli;
mod contracts;
mod design_pages;
mod events;
mod external_ids;
mod fixtures;
mod flow;
mod health;
mod helpers;
mod idempotency;
mod invoice_orders;
mod invoices;
mod limits;
mod offers;
mod openapi;
mod opportunities;
mod parties;
mod party_lists;
mod permissions;
mod pipeline_stages;
mod pricing;
mod products;
mod query_plans;
mod rate_limit;
mod report_cases;
mod reports;
mod repository_kit;
mod rollups;
mod sales_orders;
mod sales_targets;
mod seed;
mod statements;
mod subscriptions;
mod teams;
mod tokens;
mod totals;
mod updated_since;
mod users;
mod visibility;
mod webhooks;
