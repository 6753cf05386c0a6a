//! The invoice's types: its kinds, statuses and actions, its lines, the frozen party, payments,
//! and why an action was refused.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::currency::Currency;
use crate::document::{self, LineContent, StatedLine};
use crate::party::Address;
use crate::transition::{Transition, TransitionError};
use crate::validation::ValidationErrors;

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

document_line!(InvoiceLine);

impl InvoiceLine {
    /// A new line of `content`, invoicing `sales_order_line_id` if any, nothing of it credited.
    pub(crate) fn new(id: Uuid, sales_order_line_id: Option<Uuid>, content: LineContent) -> Self {
        InvoiceLine {
            id,
            sales_order_line_id,
            credits_line_id: None,
            product_id: content.product_id,
            description: content.description,
            quantity: content.quantity,
            unit: content.unit,
            unit_price: content.unit_price,
            discount_percent: content.discount_percent,
            tax_rate: content.tax_rate,
            credited_quantity: Decimal::ZERO,
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
        document::stated_lines(&self.lines)
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
