//! `GET /api/v1/{offers|sales-orders|invoice-orders|invoices}/{id}/flow`: the chain of documents a
//! document belongs to, up and down, with every line's quantities along it. Each handler lives
//! here and is mounted in its resource's scope.

pub mod dto;
pub mod handlers;
