//! Invoices and credit notes: the legal documents.
//!
//! ```text
//!   draft ──issue──▶ issued ──(payments)──▶ partially_paid ──▶ paid
//! ```
//! A draft is editable and deletable; an issued document is immutable and corrected by a credit
//! note. Issuing draws the number (`INV-2026-000001`, `CN-2026-000001`: gap-free per series and
//! year), freezes the party's name, address and VAT id, and fixes the due date. A credit note
//! credits quantities of an issued invoice's lines, never more than is left to credit, and once
//! issued reduces that invoice's balance.

mod drafts;
#[cfg(test)]
mod fixtures;
mod input;
mod lifecycle;
mod model;

pub use drafts::{CreditedLine, credit_note_of, from_invoice_order};
pub use input::{InvoiceChange, InvoiceInput};
pub use lifecycle::number;
pub use model::{
    ActionError, FrozenParty, Invoice, InvoiceAction, InvoiceFields, InvoiceKind, InvoiceLine, InvoiceStatus, Payment,
    PaymentMethod, TRANSITIONS,
};

pub const NOTES_MAX: usize = 10_000;
pub const REFERENCE_MAX: usize = 200;
