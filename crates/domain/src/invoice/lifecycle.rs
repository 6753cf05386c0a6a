//! What happens to an invoice: its totals and balance, issuing (number, date, frozen party),
//! payments and credits, and the status they leave it in.

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use super::{
    ActionError, FrozenParty, Invoice, InvoiceAction, InvoiceFields, InvoiceKind, InvoiceLine, InvoiceStatus,
    TRANSITIONS,
};
use crate::document::{self, Totals};
use crate::money;
use crate::party::Party;
use crate::time;
use crate::transition::{self, TransitionError};
use crate::validation::ValidationErrors;

impl Invoice {
    /// A new draft of `fields`, made at `at`: not numbered, nothing paid or credited, version 1.
    pub fn draft(
        id: Uuid,
        kind: InvoiceKind,
        fields: InvoiceFields,
        external_id: Option<String>,
        at: DateTime<Utc>,
    ) -> Invoice {
        Invoice {
            id,
            kind,
            number: None,
            status: InvoiceStatus::Draft,
            fields,
            due_date: None,
            frozen: None,
            paid_amount: Decimal::ZERO,
            credited_amount: Decimal::ZERO,
            external_id,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    pub fn totals(&self) -> Totals {
        document::totals(self.fields.lines.iter().map(InvoiceLine::amounts), self.fields.currency)
    }

    pub fn is_draft(&self) -> bool {
        self.status == InvoiceStatus::Draft
    }

    /// What the customer still owes: total − credited − paid (0 for drafts and credit notes).
    /// Below zero when a credit note came after payment: the customer is owed a refund.
    pub fn balance_due(&self) -> Decimal {
        if self.is_draft() || self.kind == InvoiceKind::CreditNote {
            return Decimal::ZERO;
        }
        let mut balance = self.totals().total - self.credited_amount - self.paid_amount;
        balance.rescale(self.fields.currency.exponent());
        balance
    }

    /// An invoice (credit notes are never due) issued or partially paid, and due before `today`.
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.kind == InvoiceKind::Invoice
            && matches!(self.status, InvoiceStatus::Issued | InvoiceStatus::PartiallyPaid)
            && self.due_date.is_some_and(|due| due < today)
    }

    pub fn allowed_actions(&self) -> Vec<InvoiceAction> {
        let mut actions = transition::allowed(TRANSITIONS, self.status);
        let issued_invoice = !self.is_draft() && self.kind == InvoiceKind::Invoice;
        if issued_invoice && self.balance_due() > Decimal::ZERO {
            actions.push(InvoiceAction::Pay);
        }
        if issued_invoice && self.fields.lines.iter().any(|l| l.creditable() > Decimal::ZERO) {
            actions.push(InvoiceAction::Credit);
        }
        actions
    }

    /// Refuses any change of an issued document.
    pub fn check_editable(&self) -> Result<(), InvoiceStatus> {
        if self.is_draft() { Ok(()) } else { Err(self.status) }
    }

    /// Whether the document may be issued, and the status it gets: a draft with lines. Checked
    /// before a number is drawn.
    pub fn check_issue(&self) -> Result<InvoiceStatus, ActionError> {
        let status = transition::apply(TRANSITIONS, self.status, InvoiceAction::Issue).map_err(ActionError::State)?;
        let mut errors = ValidationErrors::new();
        if self.fields.lines.is_empty() {
            errors.add("lines", "required", "a document without lines is not issued");
        }
        errors.finish(|| status).map_err(ActionError::Invalid)
    }

    /// The year whose number series an issue draws from: that of the invoice date.
    pub fn number_year(&self, today: NaiveDate) -> i32 {
        use chrono::Datelike;
        self.fields.invoice_date.unwrap_or(today).year()
    }

    /// The issued document: numbered, dated (`invoice_date`, else `today`), due after the
    /// payment terms, with the party frozen as it is now. A document without lines is not issued,
    /// nor one dated before `last_issued`, the latest date of its series: numbers and dates of a
    /// series go up together.
    pub fn issue(
        &self,
        number: String,
        party: &Party,
        today: NaiveDate,
        last_issued: Option<NaiveDate>,
    ) -> Result<Invoice, ActionError> {
        let status = self.check_issue()?;
        let invoice_date = self.fields.invoice_date.unwrap_or(today);
        if let Some(last) = last_issued.filter(|last| invoice_date < *last) {
            let mut errors = ValidationErrors::new();
            errors.add(
                "invoice_date",
                "before_last_issued",
                format!("the series was last issued on {last}: date it then or later"),
            );
            return Err(ActionError::Invalid(errors));
        }
        Ok(Invoice {
            number: Some(number),
            status,
            fields: InvoiceFields {
                invoice_date: Some(invoice_date),
                ..self.fields.clone()
            },
            due_date: invoice_date.checked_add_signed(TimeDelta::days(i64::from(self.fields.payment_terms_days))),
            frozen: Some(FrozenParty {
                name: party.fields.name.clone(),
                address: party.billing_address().cloned(),
                vat_id: party.fields.vat_id.clone(),
            }),
            ..self.clone()
        })
    }

    /// Checks a payment against the balance: above 0, in the currency's minor unit, never more
    /// than is due. Returns the status the invoice has after it.
    pub fn pay(&self, amount: Decimal, date: NaiveDate) -> Result<InvoiceStatus, ActionError> {
        if self.is_draft() || self.kind == InvoiceKind::CreditNote {
            // Only issued invoices are paid: drafts are not yet due, credit notes are owed.
            return Err(ActionError::State(TransitionError {
                from: self.status.as_str(),
                action: InvoiceAction::Pay.as_str(),
                allowed_from: vec![InvoiceStatus::Issued.as_str(), InvoiceStatus::PartiallyPaid.as_str()],
            }));
        }
        let mut errors = ValidationErrors::new();
        let currency = self.fields.currency;
        let amount = errors.check("amount", money::check_amount(amount, currency));
        errors.check("date", time::date(date));
        if amount.is_some_and(|a| a.is_zero()) {
            errors.add("amount", "out_of_range", "must be greater than 0");
        }
        let due = self.balance_due();
        if amount.is_some_and(|a| a > due) {
            errors.add("amount", "overpayment", format!("only {due} {currency} is due"));
        }
        let amount = errors
            .finish(|| amount.expect("checked"))
            .map_err(ActionError::Invalid)?;
        Ok(settlement(self.paid_amount + amount, due - amount))
    }

    /// The status once `credited_amount` more is credited (an issued credit note). The credited
    /// amount never passes the total: credit notes are rounded one by one, so crediting 3 × 0.10
    /// at 15 % (total 0.35) unit by unit gives three notes of 0.12, and the last cent is rounding,
    /// not money owed back.
    #[must_use]
    pub fn credit(&self, credited_amount: Decimal) -> Invoice {
        let credited = Invoice {
            credited_amount: (self.credited_amount + credited_amount).min(self.totals().total),
            ..self.clone()
        };
        Invoice {
            status: settlement(credited.paid_amount, credited.balance_due()),
            ..credited
        }
    }
}

/// The status of an issued invoice with `paid` paid and `balance` still due: a settled one is paid.
fn settlement(paid: Decimal, balance: Decimal) -> InvoiceStatus {
    if balance <= Decimal::ZERO {
        InvoiceStatus::Paid
    } else if paid > Decimal::ZERO {
        InvoiceStatus::PartiallyPaid
    } else {
        InvoiceStatus::Issued
    }
}

/// `INV-2026-000001` / `CN-2026-000001`.
pub fn number(kind: InvoiceKind, year: i32, sequence: i64) -> String {
    format!("{}-{year}-{sequence:06}", kind.series())
}
#[cfg(test)]
mod tests {
    use super::*;
    use crate::invoice::fixtures::{d, day, draft, party};

    #[test]
    fn issuing_numbers_dates_and_freezes() {
        let issued = draft()
            .issue(number(InvoiceKind::Invoice, 2026, 1), &party(), day("2026-11-25"), None)
            .unwrap();
        assert_eq!(issued.number.as_deref(), Some("INV-2026-000001"));
        assert_eq!(issued.status, InvoiceStatus::Issued);
        assert_eq!(issued.due_date, Some(day("2026-12-09")), "14 days of payment terms");
        let frozen = issued.frozen.clone().unwrap();
        assert_eq!(
            (frozen.name.as_str(), frozen.vat_id.as_deref()),
            ("Acme GmbH", Some("DE123456789"))
        );
        // 59.97 + 8.79 net; 11.99 + 0.62 tax.
        assert_eq!(issued.balance_due().to_string(), "81.37");
        assert!(matches!(
            issued.issue("x".into(), &party(), day("2026-11-25"), None),
            Err(ActionError::State(_))
        ));
        assert!(issued.is_overdue(day("2026-12-10")) && !issued.is_overdue(day("2026-12-09")));
        let Err(ActionError::Invalid(errors)) =
            draft().issue("x".into(), &party(), day("2026-11-25"), Some(day("2026-11-26")))
        else {
            panic!("dated before the series' last issue");
        };
        assert_eq!(errors.errors()[0].code, "before_last_issued");
        assert!(
            draft()
                .issue("x".into(), &party(), day("2026-11-25"), Some(day("2026-11-25")))
                .is_ok(),
            "the same day is fine"
        );
        assert_eq!(
            issued.allowed_actions(),
            vec![InvoiceAction::Pay, InvoiceAction::Credit]
        );
    }

    #[test]
    fn payments_settle_the_balance_and_never_exceed_it() {
        let issued = draft().issue("INV".into(), &party(), day("2026-11-25"), None).unwrap();
        assert_eq!(issued.pay(d("50"), day("2026-11-26")), Ok(InvoiceStatus::PartiallyPaid));
        assert_eq!(issued.pay(d("81.37"), day("2026-11-26")), Ok(InvoiceStatus::Paid));
        for (amount, code) in [
            ("81.38", "overpayment"),
            ("0", "out_of_range"),
            ("1.001", "too_many_decimals"),
        ] {
            let Err(ActionError::Invalid(errors)) = issued.pay(d(amount), day("2026-11-26")) else {
                panic!("{amount} must be refused");
            };
            assert_eq!(errors.errors()[0].code, code, "{amount}");
        }
        assert!(matches!(
            draft().pay(d("1"), day("2026-11-26")),
            Err(ActionError::State(_))
        ));
    }
}
