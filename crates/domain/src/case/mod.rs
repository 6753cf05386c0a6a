//! Support cases: a customer's request or problem, handled by the service team within agreed
//! times (their SLA clock).

pub mod calendar;
pub mod sla;
