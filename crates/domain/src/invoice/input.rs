//! What a client sends: a direct invoice, and the change of a draft, with the checks of both.

use chrono::NaiveDate;
use uuid::Uuid;

use super::{InvoiceFields, InvoiceLine, NOTES_MAX};
use crate::document::{self, LineDefaults, LineInput};
use crate::party::Party;
use crate::time;
use crate::validation::ValidationErrors;

/// A direct invoice as a client sent it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceInput {
    pub party_id: Uuid,
    pub currency: Option<String>,
    pub payment_terms_days: Option<i32>,
    pub invoice_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub lines: Vec<LineInput>,
}

impl InvoiceInput {
    /// Checks a direct invoice for `party`; `defaults[i]` is what the product of `lines[i]` offers.
    pub fn validate(
        self,
        party: &Party,
        defaults: &[Option<LineDefaults>],
        mut new_line_id: impl FnMut() -> Uuid,
    ) -> Result<InvoiceFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let currency = document::named_or_party_currency(self.currency.as_deref(), party.fields.currency, &mut errors);
        let header = InvoiceChange {
            payment_terms_days: self.payment_terms_days,
            invoice_date: self.invoice_date.map(Some),
            notes: self.notes.map(Some),
            lines: None,
        };
        let (payment_terms_days, invoice_date, notes) =
            header.checked(party.fields.payment_terms_days, None, None, &mut errors);
        let lines = direct_lines(self.lines, defaults, &mut new_line_id, &mut errors);
        // `finish` runs the closure only when nothing was recorded, so every check above held.
        errors.finish(|| InvoiceFields {
            party_id: self.party_id,
            currency: currency.expect("checked"),
            invoice_order_id: None,
            credits_invoice_id: None,
            payment_terms_days,
            invoice_date,
            notes,
            lines,
        })
    }
}

/// The lines of a direct invoice, checked and completed; `defaults[i]` is what the product of
/// `lines[i]` offers.
fn direct_lines(
    inputs: Vec<LineInput>,
    defaults: &[Option<LineDefaults>],
    new_line_id: &mut impl FnMut() -> Uuid,
    errors: &mut ValidationErrors,
) -> Vec<InvoiceLine> {
    document::validate_direct_lines(
        inputs,
        "an invoice has at least one line",
        defaults,
        errors,
        |content| InvoiceLine::new(new_line_id(), None, content),
    )
}

/// A change of a draft: its header, and for a direct invoice its lines (all of them replaced).
/// The lines of an invoice made from an invoice order, or of a credit note, follow the document
/// they come from: change that one instead.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct InvoiceChange {
    pub payment_terms_days: Option<i32>,
    pub invoice_date: Option<Option<NaiveDate>>,
    pub notes: Option<Option<String>>,
    pub lines: Option<Vec<LineInput>>,
}

impl InvoiceChange {
    /// `defaults[i]` is what the product of `lines[i]` offers.
    pub fn apply(
        mut self,
        current: &InvoiceFields,
        defaults: &[Option<LineDefaults>],
        mut new_line_id: impl FnMut() -> Uuid,
    ) -> Result<InvoiceFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let follows_source = (current.invoice_order_id.is_some() || current.credits_invoice_id.is_some()).then_some(
            "the lines of an invoice made from an invoice order, or of a credit note, follow that document: send \
             them as they are, or delete the draft and make it again",
        );
        let lines = document::changed_lines(
            &current.lines,
            self.lines.take(),
            follows_source,
            &mut errors,
            |inputs, errors| direct_lines(inputs, defaults, &mut new_line_id, errors),
        );
        let (payment_terms_days, invoice_date, notes) = self.checked(
            current.payment_terms_days,
            current.invoice_date,
            current.notes.clone(),
            &mut errors,
        );
        errors.finish(|| InvoiceFields {
            payment_terms_days,
            invoice_date,
            notes,
            lines,
            ..current.clone()
        })
    }

    fn checked(
        self,
        terms: i32,
        date: Option<NaiveDate>,
        notes: Option<String>,
        errors: &mut ValidationErrors,
    ) -> (i32, Option<NaiveDate>, Option<String>) {
        let terms = self.payment_terms_days.unwrap_or(terms);
        document::check_payment_terms(terms, errors);
        let date = match self.invoice_date {
            Some(Some(day)) => errors.check("invoice_date", time::date(day)),
            Some(None) => None,
            None => date,
        };
        let notes = document::checked_notes(self.notes, notes, NOTES_MAX, errors);
        (terms, date, notes)
    }
}
