//! Table mappings only; behaviour lives in the repositories beside them.

pub mod activity;
pub mod discount_rule;
pub mod event;
pub mod feed_position;
pub mod history_entry;
pub mod idempotency_key;
pub mod invoice;
pub mod invoice_line;
pub mod invoice_order;
pub mod invoice_order_line;
pub mod number_sequence;
pub mod offer;
pub mod offer_line;
pub mod opportunity;
pub mod party;
pub mod payment;
pub mod pipeline_stage;
pub mod price_list;
pub mod price_list_entry;
pub mod product;
pub mod sales_order;
pub mod sales_order_line;
pub mod team;
pub mod user;
pub mod webhook;
pub mod webhook_delivery;
