//! Offers (quotes): lines with exact totals, optional lines the customer may choose, revisions.
//!
//! ```text
//!   draft ──send──▶ sent ──accept──▶ accepted
//!     │               ├──reject──▶ rejected ──revise──▶ superseded (+ a new draft, revision + 1)
//!     │               ├──revise──▶ superseded (+ a new draft)
//!     └──cancel──▶ cancelled ◀──cancel──┘
//!   sent, once `valid_until` has passed: expired ──revise──▶ superseded (+ a new draft)
//! ```
//! `expired` is never stored: a sent offer is expired from the day after `valid_until` on, so it
//! expires at midnight (UTC) without a job having to run. Only drafts are editable.

#[cfg(test)]
pub(crate) mod fixtures;
mod input;
mod lifecycle;
mod model;

pub use crate::document::{LineDefaults, LineInput};
pub use input::{OfferInput, OfferLineInput};
pub use lifecycle::number;
pub use model::{ActionError, Offer, OfferAction, OfferFields, OfferLine, OfferStatus, TRANSITIONS};

pub const NOTES_MAX: usize = 10_000;
