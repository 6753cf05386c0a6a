//! Sales orders: what the customer ordered, from an accepted offer or directly.
//!
//! ```text
//!   draft ──confirm──▶ confirmed ──complete──▶ completed
//!     └──cancel──▶ cancelled ◀──cancel──┘   (only while nothing is invoiced or on an invoice order)
//! ```
//! Each line knows how much of it is on open invoice orders (`reserved_quantity`) and how much
//! is invoiced; line and order carry an invoicing status.

mod input;
mod lifecycle;
mod model;

pub use input::{SalesOrderChange, SalesOrderInput};
pub use lifecycle::{NotAccepted, from_accepted_offer, number};
pub use model::{
    ActionError, InvoicingStatus, SalesOrder, SalesOrderAction, SalesOrderFields, SalesOrderLine, SalesOrderStatus,
    TRANSITIONS,
};

pub const NOTES_MAX: usize = 10_000;
