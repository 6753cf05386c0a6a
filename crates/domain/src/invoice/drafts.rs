//! The drafts made of other documents: an invoice of an open invoice order, and the credit note
//! of an issued invoice.

use std::collections::HashSet;

use rust_decimal::Decimal;
use uuid::Uuid;

use super::{ActionError, Invoice, InvoiceFields, InvoiceKind, InvoiceLine};
use crate::document::{self, DocumentLine, LineContent};
use crate::invoice_order::InvoiceOrder;
use crate::money;
use crate::party::Party;
use crate::validation::ValidationErrors;

/// The draft made of an open invoice order: its lines, at their sales order lines' prices, due
/// on the payment terms agreed on those orders (`order_terms`, one per order; the shortest when
/// they differ, the party's when none is given).
pub fn from_invoice_order(
    order: &InvoiceOrder,
    order_terms: &[i32],
    party: &Party,
    mut new_line_id: impl FnMut() -> Uuid,
) -> InvoiceFields {
    InvoiceFields {
        party_id: order.party_id,
        currency: order.currency,
        invoice_order_id: Some(order.id),
        credits_invoice_id: None,
        payment_terms_days: order_terms
            .iter()
            .copied()
            .min()
            .unwrap_or(party.fields.payment_terms_days),
        invoice_date: None,
        notes: None,
        lines: order
            .lines
            .iter()
            .map(|line| {
                // The order line's content, in the quantity the invoice order asks for.
                let content = LineContent {
                    quantity: line.quantity,
                    ..line.ordered.content()
                };
                InvoiceLine::new(new_line_id(), Some(line.ordered.id), content)
            })
            .collect(),
    }
}

/// A line a credit note credits: this much of that invoice line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditedLine {
    /// Where the line stands on the credit note (see [`crate::document::line_order`]).
    pub position: Option<i32>,
    pub invoice_line_id: Uuid,
    pub quantity: Decimal,
}

/// The draft credit note of an issued invoice: the lines named (or everything left to credit),
/// each within what is left to credit of its line. Amounts are positive; issuing the credit note
/// reduces the invoice's balance.
pub fn credit_note_of(
    invoice: &Invoice,
    requested: Option<&[CreditedLine]>,
    mut new_line_id: impl FnMut() -> Uuid,
) -> Result<InvoiceFields, ActionError> {
    if invoice.kind == InvoiceKind::CreditNote {
        let mut errors = ValidationErrors::new();
        errors.add(
            "credits_invoice_id",
            "credit_note",
            "a credit note is not credited: credit the invoice it credits",
        );
        return Err(ActionError::Invalid(errors));
    }
    if invoice.is_draft() {
        return Err(ActionError::NotIssued(invoice.status));
    }
    let mut errors = ValidationErrors::new();
    let chosen: Vec<(&InvoiceLine, Decimal)> = match requested {
        None => invoice
            .fields
            .lines
            .iter()
            .filter(|l| l.creditable() > Decimal::ZERO)
            .map(|l| (l, l.creditable()))
            .collect(),
        Some(lines) => {
            let mut seen = HashSet::new();
            let mut chosen = Vec::new();
            for i in document::bounded_line_order(lines, |l| l.position, &mut errors) {
                let requested = &lines[i];
                let path = format!("lines[{i}]");
                let Some(line) = invoice.fields.lines.iter().find(|l| l.id == requested.invoice_line_id) else {
                    errors.add(
                        format!("{path}.invoice_line_id"),
                        "not_found",
                        "no line of the credited invoice",
                    );
                    continue;
                };
                if !seen.insert(line.id) {
                    errors.add(format!("{path}.invoice_line_id"), "duplicate", "listed twice");
                    continue;
                }
                let Some(quantity) =
                    errors.check(format!("{path}.quantity"), money::check_quantity(requested.quantity))
                else {
                    continue;
                };
                if quantity > line.creditable() {
                    errors.add(
                        format!("{path}.quantity"),
                        "exceeds_creditable",
                        format!("only {} is left to credit", line.creditable().normalize()),
                    );
                    continue;
                }
                chosen.push((line, quantity));
            }
            chosen
        }
    };
    if chosen.is_empty() && errors.is_empty() {
        errors.add(
            "lines",
            "nothing_to_credit",
            "nothing of this invoice is left to credit",
        );
    }
    errors
        .finish(|| InvoiceFields {
            party_id: invoice.fields.party_id,
            currency: invoice.fields.currency,
            invoice_order_id: None,
            credits_invoice_id: Some(invoice.id),
            payment_terms_days: invoice.fields.payment_terms_days,
            invoice_date: None,
            notes: None,
            lines: chosen
                .into_iter()
                .map(|(line, quantity)| InvoiceLine {
                    id: new_line_id(),
                    sales_order_line_id: line.sales_order_line_id,
                    credits_line_id: Some(line.id),
                    quantity,
                    credited_quantity: Decimal::ZERO,
                    ..line.clone()
                })
                .collect(),
        })
        .map_err(ActionError::Invalid)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoice::fixtures::{d, day, draft, party};
    use crate::invoice::{InvoiceStatus, number};

    #[test]
    fn a_credit_note_credits_what_is_left_and_reduces_the_balance() {
        let mut issued = draft().issue("INV".into(), &party(), day("2026-11-25"), None).unwrap();
        let first = issued.fields.lines[0].id;
        let note = credit_note_of(
            &issued,
            Some(&[CreditedLine {
                position: None,
                invoice_line_id: first,
                quantity: d("1"),
            }]),
            Uuid::now_v7,
        )
        .unwrap();
        assert_eq!(note.lines.len(), 1);
        assert_eq!(note.lines[0].credits_line_id, Some(first));
        issued.fields.lines[0].credited_quantity = d("3");
        let Err(ActionError::Invalid(errors)) = credit_note_of(
            &issued,
            Some(&[CreditedLine {
                position: None,
                invoice_line_id: first,
                quantity: d("0.5"),
            }]),
            Uuid::now_v7,
        ) else {
            panic!("nothing is left of the first line");
        };
        assert_eq!(errors.errors()[0].code, "exceeds_creditable");
        let rest = credit_note_of(&issued, None, Uuid::now_v7).unwrap();
        assert_eq!(rest.lines.len(), 1, "only what is left");
        let credited = issued.credit(d("71.96"));
        assert_eq!(credited.balance_due().to_string(), "9.41");
        assert_eq!(credited.status, InvoiceStatus::Issued);
        assert_eq!(credited.credit(d("9.41")).status, InvoiceStatus::Paid, "settled");
        let rounded_up = credited.credit(d("9.42"));
        assert_eq!(
            (rounded_up.credited_amount, rounded_up.balance_due().to_string()),
            (d("81.37"), "0.00".to_owned()),
            "notes rounded one by one never credit past the total"
        );
        let mut note = issued.clone();
        note.kind = InvoiceKind::CreditNote;
        assert!(issued.is_overdue(day("2027-01-01")));
        assert!(!note.is_overdue(day("2027-01-01")), "a credit note is never due");
        assert_eq!(number(InvoiceKind::CreditNote, 2026, 3), "CN-2026-000003");
    }
}
