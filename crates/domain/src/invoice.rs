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

use std::collections::HashSet;

use chrono::{DateTime, NaiveDate, TimeDelta, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::currency::Currency;
use crate::document::{self, LineAmounts, LineDefaults, LineInput, MAX_LINES, StatedLine, Totals, restate};
use crate::invoice_order::InvoiceOrder;
use crate::money;
use crate::party::{Address, Party};
use crate::text;
use crate::time;
use crate::transition::{self, Transition, TransitionError};
use crate::validation::ValidationErrors;

pub const NOTES_MAX: usize = 10_000;
pub const REFERENCE_MAX: usize = 200;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceKind {
    Invoice,
    CreditNote,
}

str_enum!(InvoiceKind { Invoice => "invoice", CreditNote => "credit_note" });

impl InvoiceKind {
    /// The number series: `INV` or `CN`.
    pub fn series(self) -> &'static str {
        match self {
            InvoiceKind::Invoice => "INV",
            InvoiceKind::CreditNote => "CN",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceStatus {
    Draft,
    Issued,
    PartiallyPaid,
    Paid,
}

str_enum!(InvoiceStatus {
    Draft => "draft",
    Issued => "issued",
    PartiallyPaid => "partially_paid",
    Paid => "paid",
});

/// What a caller may do with an invoice now.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceAction {
    Issue,
    /// Record a payment.
    Pay,
    /// Make a credit note of it.
    Credit,
}

str_enum!(InvoiceAction { Issue => "issue", Pay => "pay", Credit => "credit" });

pub const TRANSITIONS: &[Transition<InvoiceStatus, InvoiceAction>] = &[Transition {
    action: InvoiceAction::Issue,
    from: &[InvoiceStatus::Draft],
    to: InvoiceStatus::Issued,
}];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceLine {
    pub id: Uuid,
    /// The sales order line it invoices.
    pub sales_order_line_id: Option<Uuid>,
    /// On a credit note: the invoice line it credits.
    pub credits_line_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    pub description: String,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_price: Decimal,
    pub discount_percent: Decimal,
    pub tax_rate: Decimal,
    /// On an invoice: how much of it credit notes (drafts included) credit.
    pub credited_quantity: Decimal,
}

impl InvoiceLine {
    pub fn amounts(&self) -> LineAmounts {
        LineAmounts {
            quantity: self.quantity,
            unit_price: self.unit_price,
            discount_percent: self.discount_percent,
            tax_rate: self.tax_rate,
        }
    }

    /// What is left to credit of it.
    pub fn creditable(&self) -> Decimal {
        self.quantity - self.credited_quantity
    }
}

/// The party as it was when the invoice was issued: a legal document keeps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FrozenParty {
    pub name: String,
    pub address: Option<Address>,
    pub vat_id: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceFields {
    pub party_id: Uuid,
    pub currency: Currency,
    pub invoice_order_id: Option<Uuid>,
    /// On a credit note: the invoice it credits.
    pub credits_invoice_id: Option<Uuid>,
    pub payment_terms_days: i32,
    /// None until issued, unless set on the draft.
    pub invoice_date: Option<NaiveDate>,
    pub notes: Option<String>,
    pub lines: Vec<InvoiceLine>,
}

impl InvoiceFields {
    /// The lines as an input would state them, to tell a resend from a change.
    pub fn stated_lines(&self) -> Vec<StatedLine<'_>> {
        self.lines
            .iter()
            .map(|line: &InvoiceLine| StatedLine {
                product_id: line.product_id,
                description: &line.description,
                unit: &line.unit,
                amounts: line.amounts(),
            })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub id: Uuid,
    pub kind: InvoiceKind,
    /// Drawn when issued.
    pub number: Option<String>,
    pub status: InvoiceStatus,
    pub fields: InvoiceFields,
    pub due_date: Option<NaiveDate>,
    pub frozen: Option<FrozenParty>,
    /// The sum of its payments.
    pub paid_amount: Decimal,
    /// The sum of the issued credit notes that credit it.
    pub credited_amount: Decimal,
    /// The integrator's id of it; unique.
    pub external_id: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// How a payment was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PaymentMethod {
    BankTransfer,
    Card,
    Cash,
    Other,
}

str_enum!(PaymentMethod {
    BankTransfer => "bank_transfer",
    Card => "card",
    Cash => "cash",
    Other => "other",
});

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Payment {
    pub id: Uuid,
    pub invoice_id: Uuid,
    pub amount: Decimal,
    pub date: NaiveDate,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub created_at: DateTime<Utc>,
}

/// Why an action on an invoice was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    /// The status does not allow it (409).
    State(TransitionError),
    /// Only an issued invoice is credited; this one is still a draft (409).
    NotIssued(InvoiceStatus),
    /// The request's values break a rule (422).
    Invalid(ValidationErrors),
}

impl Invoice {
    pub fn totals(&self) -> Totals {
        let amounts: Vec<LineAmounts> = self.fields.lines.iter().map(InvoiceLine::amounts).collect();
        document::totals(&amounts, self.fields.currency)
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
            .map(|line| InvoiceLine {
                id: new_line_id(),
                sales_order_line_id: Some(line.ordered.id),
                credits_line_id: None,
                product_id: line.ordered.product_id,
                description: line.ordered.description.clone(),
                quantity: line.quantity,
                unit: line.ordered.unit.clone(),
                unit_price: line.ordered.unit_price,
                discount_percent: line.ordered.discount_percent,
                tax_rate: line.ordered.tax_rate,
                credited_quantity: Decimal::ZERO,
            })
            .collect(),
    }
}

/// A line a credit note credits: this much of that invoice line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CreditedLine {
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
            if lines.len() > MAX_LINES {
                errors.add("lines", "too_many", format!("at most {MAX_LINES} lines"));
            }
            let mut seen = HashSet::new();
            let mut chosen = Vec::new();
            for (i, requested) in lines.iter().enumerate().take(MAX_LINES) {
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
        let currency = match (self.currency.as_deref(), party.fields.currency) {
            (Some(code), _) => errors.check("currency", Currency::parse(code)),
            (None, Some(currency)) => Some(currency),
            (None, None) => {
                errors.add("currency", "required", "the party has no currency: name one");
                None
            }
        };
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
    if inputs.is_empty() {
        errors.add("lines", "required", "an invoice has at least one line");
    } else if inputs.len() > MAX_LINES {
        errors.add("lines", "too_many", format!("at most {MAX_LINES} lines"));
    }
    let mut lines = Vec::new();
    for (i, input) in inputs.into_iter().enumerate().take(MAX_LINES) {
        let defaults = defaults.get(i).and_then(Option::as_ref);
        if let Some(content) = document::validate_line(&format!("lines[{i}]"), input, defaults, errors) {
            lines.push(InvoiceLine {
                id: new_line_id(),
                sales_order_line_id: None,
                credits_line_id: None,
                product_id: content.product_id,
                description: content.description,
                quantity: content.quantity,
                unit: content.unit,
                unit_price: content.unit_price,
                discount_percent: content.discount_percent,
                tax_rate: content.tax_rate,
                credited_quantity: Decimal::ZERO,
            });
        }
    }
    lines
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
        let lines = match self.lines.take() {
            None => current.lines.clone(),
            Some(inputs)
                if (current.invoice_order_id.is_some() || current.credits_invoice_id.is_some())
                    && restate(&inputs, &current.stated_lines()) =>
            {
                current.lines.clone()
            }
            Some(_) if current.invoice_order_id.is_some() || current.credits_invoice_id.is_some() => {
                errors.add(
                    "lines",
                    "lines_follow_source",
                    "the lines of an invoice made from an invoice order, or of a credit note, follow \
                     that document: send them as they are, or delete the draft and make it again",
                );
                Vec::new()
            }
            Some(inputs) => direct_lines(inputs, defaults, &mut new_line_id, &mut errors),
        };
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
        if !(0..=crate::party::MAX_PAYMENT_TERMS_DAYS).contains(&terms) {
            errors.add("payment_terms_days", "out_of_range", "must be between 0 and 365");
        }
        let date = match self.invoice_date {
            Some(Some(day)) => errors.check("invoice_date", time::date(day)),
            Some(None) => None,
            None => date,
        };
        let notes = match self.notes {
            Some(notes) => errors
                .check("notes", text::optional_multiline(notes.as_deref(), NOTES_MAX))
                .flatten(),
            None => notes,
        };
        (terms, date, notes)
    }
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use super::*;
    use crate::party::{PartyInput, PartyKind};

    fn d(text: &str) -> Decimal {
        Decimal::from_str(text).unwrap()
    }

    fn day(text: &str) -> NaiveDate {
        NaiveDate::from_str(text).unwrap()
    }

    fn party() -> Party {
        let at = DateTime::<Utc>::UNIX_EPOCH;
        let mut input = PartyInput::new(PartyKind::Organization, "Acme GmbH");
        input.vat_id = Some("DE123456789".into());
        input.payment_terms_days = Some(14);
        input.currency = Some("EUR".into());
        Party {
            id: Uuid::from_u128(1),
            fields: input.validate().unwrap(),
            archived_at: None,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

    fn draft() -> Invoice {
        let input = InvoiceInput {
            party_id: Uuid::from_u128(1),
            currency: None,
            payment_terms_days: None,
            invoice_date: None,
            notes: None,
            lines: vec![
                LineInput {
                    description: Some("A".into()),
                    quantity: d("3"),
                    unit_price: Some(d("19.99")),
                    tax_rate: Some(d("20")),
                    ..LineInput::default()
                },
                LineInput {
                    description: Some("C".into()),
                    quantity: d("7"),
                    unit_price: Some(d("1.255")),
                    tax_rate: Some(d("7")),
                    ..LineInput::default()
                },
            ],
        };
        let at = DateTime::<Utc>::UNIX_EPOCH;
        Invoice {
            id: Uuid::from_u128(7),
            kind: InvoiceKind::Invoice,
            number: None,
            status: InvoiceStatus::Draft,
            fields: input.validate(&party(), &[], Uuid::now_v7).unwrap(),
            due_date: None,
            frozen: None,
            paid_amount: Decimal::ZERO,
            credited_amount: Decimal::ZERO,
            external_id: None,
            version: 1,
            created_at: at,
            updated_at: at,
        }
    }

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

    #[test]
    fn a_credit_note_credits_what_is_left_and_reduces_the_balance() {
        let mut issued = draft().issue("INV".into(), &party(), day("2026-11-25"), None).unwrap();
        let first = issued.fields.lines[0].id;
        let note = credit_note_of(
            &issued,
            Some(&[CreditedLine {
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
