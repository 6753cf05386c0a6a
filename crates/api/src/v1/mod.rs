//! Version 1 of the API, under `/api/v1`.

pub mod activities;
pub mod attachments;
pub mod auth;
pub mod batch;
pub mod cases;
pub mod contracts;
pub mod discount_rules;
pub mod events;
pub mod flow;
pub mod history;
pub mod invoice_orders;
pub mod invoices;
pub mod kit;
pub mod offers;
pub mod opportunities;
pub mod parties;
pub mod pipeline_stages;
pub mod price_lists;
pub mod pricing;
pub mod products;
pub mod reports;
pub mod sales_orders;
pub mod sales_targets;
pub mod sla_policies;
pub mod subscriptions;
pub mod teams;
pub mod upsert;
pub mod users;
pub mod webhooks;

use utoipa_actix_web::service_config::ServiceConfig;

pub fn configure(config: &mut ServiceConfig) {
    auth::configure(config);
    parties::configure(config);
    activities::configure(config);
    opportunities::configure(config);
    products::configure(config);
    price_lists::configure(config);
    discount_rules::configure(config);
    pricing::configure(config);
    offers::configure(config);
    sales_orders::configure(config);
    invoice_orders::configure(config);
    invoices::configure(config);
    events::configure(config);
    webhooks::configure(config);
    attachments::configure(config);
    pipeline_stages::configure(config);
    users::configure(config);
    teams::configure(config);
    cases::configure(config);
    sales_targets::configure(config);
    sla_policies::configure(config);
    contracts::configure(config);
    subscriptions::configure(config);
    reports::configure(config);
}
