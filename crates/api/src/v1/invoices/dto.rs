//! Invoices and credit notes as they travel over HTTP: lines, totals, payments, balance.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use domain::document::Totals;
use domain::invoice::{self as model, Invoice, InvoiceChange, InvoiceInput, Payment};
use domain::money::shown_price;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::{LineBody, TaxShareResponse, actions_enum, allowed_actions, double_option, mirror_enum, whole_i32};
use crate::v1::parties::dto::Address;

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceKind {
    Invoice,
    CreditNote,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceStatus {
    Draft,
    Issued,
    PartiallyPaid,
    Paid,
}

/// What a caller may do now: `issue` a draft, record a payment (`pay`), make a credit note
/// (`credit`), `update` or `delete` a draft (`PATCH`, `DELETE /invoices/{id}`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InvoiceAction {
    Issue,
    Pay,
    Credit,
    Update,
    Delete,
}

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PaymentMethod {
    BankTransfer,
    Card,
    Cash,
    Other,
}

mirror_enum!(InvoiceKind <-> model::InvoiceKind { Invoice, CreditNote });
mirror_enum!(InvoiceStatus <-> model::InvoiceStatus { Draft, Issued, PartiallyPaid, Paid });
actions_enum!(InvoiceAction <- model::InvoiceAction { Issue, Pay, Credit });
mirror_enum!(PaymentMethod <-> model::PaymentMethod { BankTransfer, Card, Cash, Other });

/// A line of a new invoice. Direct invoices describe it like an order line; credit notes name
/// `invoice_line_id` and `quantity` (and `position`) only.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct InvoiceLineBody {
    /// Where the line stands in the document: 1, 2, …, unique in it (a duplicate is a 422
    /// `duplicate` at `lines[i].position`). Without it, the line stands at its place in `lines`
    /// (counted from 1). Lines are ordered by position and stored numbered 1, 2, … in that order,
    /// which is the `position` responses show.
    #[serde(default, deserialize_with = "crate::dto::whole_i32")]
    #[schema(minimum = 1, example = 1)]
    pub position: Option<i32>,
    /// Credit notes: the line of the credited invoice.
    #[serde(default)]
    pub invoice_line_id: Option<Uuid>,
    #[serde(default)]
    pub product_id: Option<Uuid>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    #[serde(deserialize_with = "crate::dto::decimal")]
    #[schema(value_type = String, example = "2")]
    pub quantity: Decimal,
    #[serde(default)]
    #[schema(max_length = 20)]
    pub unit: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "19.99")]
    pub unit_price: Option<Decimal>,
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "0")]
    pub discount_percent: Option<Decimal>,
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "19")]
    pub tax_rate: Option<Decimal>,
}

/// A new draft, in one of three ways: `{"invoice_order_id"}` invoices an open invoice order (which
/// becomes `invoiced`); `{"credits_invoice_id", "lines"?}` is a credit note of an issued invoice
/// (the lines named, or everything left to credit); `{"party_id", "lines", …}` is a direct
/// invoice.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct InvoiceBody {
    #[serde(default)]
    pub invoice_order_id: Option<Uuid>,
    #[serde(default)]
    pub credits_invoice_id: Option<Uuid>,
    #[serde(default)]
    pub party_id: Option<Uuid>,
    /// Direct invoices: ISO 4217, defaults to the party's currency.
    #[serde(default)]
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    /// Direct invoices: defaults to the party's.
    #[serde(default, deserialize_with = "whole_i32")]
    #[schema(minimum = 0, maximum = 365)]
    pub payment_terms_days: Option<i32>,
    /// Direct invoices: the invoice date; defaults to the day it is issued.
    #[serde(default)]
    pub invoice_date: Option<NaiveDate>,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub lines: Option<Vec<InvoiceLineBody>>,
    /// The id of this document in the integrator's system (any of the three ways); unique.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub external_id: Option<String>,
}

/// The whole direct draft, for an upsert by external id: created like `POST /invoices` with
/// `party_id`, or replacing the draft's header and lines. Omitted fields get their defaults;
/// party and currency cannot change.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct InvoiceUpsertBody {
    pub party_id: Uuid,
    /// ISO 4217, defaults to the party's currency.
    #[serde(default)]
    #[schema(pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    /// Defaults to the party's.
    #[serde(default, deserialize_with = "whole_i32")]
    #[schema(minimum = 0, maximum = 365)]
    pub payment_terms_days: Option<i32>,
    /// The invoice date; defaults to the day it is issued.
    #[serde(default)]
    pub invoice_date: Option<NaiveDate>,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
    /// At least one; they replace every line of the draft, priced like a new invoice's.
    #[schema(min_items = 1, max_items = 1000)]
    pub lines: Vec<LineBody>,
    /// Absent, or equal to the external id in the path.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub external_id: Option<String>,
}

impl InvoiceUpsertBody {
    /// The draft as a direct invoice's input, and the external id of the body.
    pub fn into_input(self) -> (InvoiceInput, Option<String>) {
        let input = InvoiceInput {
            party_id: self.party_id,
            currency: self.currency,
            payment_terms_days: self.payment_terms_days,
            invoice_date: self.invoice_date,
            notes: self.notes,
            lines: self.lines.into_iter().map(Into::into).collect(),
        };
        (input, self.external_id)
    }
}

/// A change of a draft: its header, and for a direct invoice its lines.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct InvoicePatch {
    /// Direct invoices only: replaces every line, completed and priced like new ones. The lines of
    /// an invoice made from an invoice order, or of a credit note, follow that document (422
    /// `lines_follow_source`).
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub lines: Option<Vec<LineBody>>,
    #[serde(default, deserialize_with = "whole_i32")]
    #[schema(minimum = 0, maximum = 365)]
    pub payment_terms_days: Option<i32>,
    /// `null`: the day it is issued.
    #[serde(default, deserialize_with = "double_option")]
    pub invoice_date: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 10000)]
    pub notes: Option<Option<String>>,
}

/// A payment received.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct PaymentBody {
    /// Greater than 0, in the currency's minor unit, at most the balance due.
    #[serde(deserialize_with = "crate::dto::decimal")]
    #[schema(value_type = String, example = "50.00")]
    pub amount: Decimal,
    /// Defaults to today.
    #[serde(default)]
    pub date: Option<NaiveDate>,
    pub method: PaymentMethod,
    #[serde(default)]
    #[schema(max_length = 200)]
    pub reference: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceLineResponse {
    pub id: Uuid,
    /// 1, 2, …: the line's place in the document, in the order of the positions sent (renumbered
    /// from 1).
    #[schema(minimum = 1, example = 1)]
    pub position: i32,
    pub sales_order_line_id: Option<Uuid>,
    /// On a credit note: the invoice line it credits.
    pub credits_line_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    pub description: String,
    #[schema(value_type = String, example = "2")]
    pub quantity: Decimal,
    pub unit: String,
    #[schema(value_type = String, example = "19.99")]
    pub unit_price: Decimal,
    #[schema(value_type = String, example = "0")]
    pub discount_percent: Decimal,
    #[schema(value_type = String, example = "19")]
    pub tax_rate: Decimal,
    #[schema(value_type = String, example = "39.98")]
    pub line_net: Decimal,
    /// On an invoice: how much of it credit notes credit (drafts included).
    #[schema(value_type = String, example = "0")]
    pub credited_quantity: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PaymentResponse {
    pub id: Uuid,
    #[schema(value_type = String, example = "50.00")]
    pub amount: Decimal,
    pub date: NaiveDate,
    pub method: PaymentMethod,
    pub reference: Option<String>,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct InvoiceResponse {
    pub id: Uuid,
    pub kind: InvoiceKind,
    /// Drawn when issued: `INV-2026-000001`, `CN-2026-000001`; null for drafts.
    pub number: Option<String>,
    pub status: InvoiceStatus,
    pub party_id: Uuid,
    pub currency: String,
    pub invoice_order_id: Option<Uuid>,
    /// On a credit note: the invoice it credits.
    pub credits_invoice_id: Option<Uuid>,
    pub invoice_date: Option<NaiveDate>,
    /// `invoice_date + payment_terms_days`, set when issued.
    pub due_date: Option<NaiveDate>,
    pub payment_terms_days: i32,
    /// The party's name, billing address and VAT id, frozen when issued.
    pub party_name: Option<String>,
    pub party_address: Option<Address>,
    pub party_vat_id: Option<String>,
    pub notes: Option<String>,
    pub lines: Vec<InvoiceLineResponse>,
    #[schema(value_type = String, example = "91.26")]
    pub net_total: Decimal,
    #[schema(value_type = String, example = "17.11")]
    pub tax_total: Decimal,
    #[schema(value_type = String, example = "108.37")]
    pub total: Decimal,
    pub tax_breakdown: Vec<TaxShareResponse>,
    #[schema(value_type = String, example = "50.00")]
    pub paid_amount: Decimal,
    /// The total of the issued credit notes that credit it.
    #[schema(value_type = String, example = "0.00")]
    pub credited_amount: Decimal,
    /// total − credited − paid; below zero when the customer is owed a refund.
    #[schema(value_type = String, example = "58.37")]
    pub balance_due: Decimal,
    /// Issued or partially paid, and due before today.
    pub overdue: bool,
    pub payments: Vec<PaymentResponse>,
    /// What the caller may do now.
    pub allowed_actions: Vec<InvoiceAction>,
    pub external_id: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl InvoiceResponse {
    pub fn new(invoice: Invoice, payments: Vec<Payment>, today: NaiveDate, may_act: bool) -> Self {
        let Totals {
            net_total,
            tax_total,
            total,
            tax_breakdown,
        } = invoice.totals();
        let balance_due = invoice.balance_due();
        let overdue = invoice.is_overdue(today);
        let draft = may_act && invoice.is_draft();
        let allowed_actions = allowed_actions(
            may_act,
            invoice.allowed_actions(),
            [(InvoiceAction::Update, draft), (InvoiceAction::Delete, draft)],
        );
        let f = invoice.fields;
        let currency = f.currency;
        let minor = |mut amount: Decimal| {
            amount.rescale(currency.exponent());
            amount
        };
        let frozen = invoice.frozen;
        Self {
            id: invoice.id,
            kind: invoice.kind.into(),
            number: invoice.number,
            status: invoice.status.into(),
            party_id: f.party_id,
            currency: currency.code().to_owned(),
            invoice_order_id: f.invoice_order_id,
            credits_invoice_id: f.credits_invoice_id,
            invoice_date: f.invoice_date,
            due_date: invoice.due_date,
            payment_terms_days: f.payment_terms_days,
            party_name: frozen.as_ref().map(|p| p.name.clone()),
            party_address: frozen.as_ref().and_then(|p| p.address.clone()).map(Into::into),
            party_vat_id: frozen.and_then(|p| p.vat_id),
            notes: f.notes,
            lines: (1..)
                .zip(f.lines)
                .map(|(position, line)| InvoiceLineResponse {
                    line_net: line.amounts().net(currency),
                    id: line.id,
                    position,
                    sales_order_line_id: line.sales_order_line_id,
                    credits_line_id: line.credits_line_id,
                    product_id: line.product_id,
                    description: line.description,
                    quantity: line.quantity,
                    unit: line.unit,
                    unit_price: shown_price(line.unit_price, currency),
                    discount_percent: line.discount_percent.normalize(),
                    tax_rate: line.tax_rate.normalize(),
                    credited_quantity: line.credited_quantity,
                })
                .collect(),
            net_total,
            tax_total,
            total,
            tax_breakdown: tax_breakdown.into_iter().map(Into::into).collect(),
            paid_amount: minor(invoice.paid_amount),
            credited_amount: minor(invoice.credited_amount),
            balance_due,
            overdue,
            payments: payments
                .into_iter()
                .map(|p| PaymentResponse {
                    id: p.id,
                    amount: minor(p.amount),
                    date: p.date,
                    method: p.method.into(),
                    reference: p.reference,
                    created_at: p.created_at,
                })
                .collect(),
            allowed_actions,
            external_id: invoice.external_id,
            version: invoice.version,
            created_at: invoice.created_at,
            updated_at: invoice.updated_at,
        }
    }

    /// Responses for a page of invoices, each with its payments.
    pub fn page(
        invoices: Vec<Invoice>,
        mut payments: HashMap<Uuid, Vec<Payment>>,
        today: NaiveDate,
        may_act: bool,
    ) -> Vec<Self> {
        invoices
            .into_iter()
            .map(|invoice| {
                let paid = payments.remove(&invoice.id).unwrap_or_default();
                Self::new(invoice, paid, today, may_act)
            })
            .collect()
    }
}

impl From<InvoicePatch> for InvoiceChange {
    fn from(patch: InvoicePatch) -> Self {
        Self {
            payment_terms_days: patch.payment_terms_days,
            invoice_date: patch.invoice_date,
            notes: patch.notes,
            lines: patch.lines.map(|lines| lines.into_iter().map(Into::into).collect()),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct InvoiceListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// `created_at` or `updated_at`, `-` for descending (default `created_at`; `updated_at`
    /// when `updated_since` is given).
    #[param(value_type = Option<String>, pattern = "^-?(created_at|updated_at)$")]
    pub sort: Option<crate::query::Sort>,
    #[serde(default)]
    pub kind: Vec<InvoiceKind>,
    #[serde(default)]
    pub status: Vec<InvoiceStatus>,
    pub party_id: Option<Uuid>,
    #[param(example = "INV-2026-000001")]
    pub number: Option<String>,
    /// The exact external id.
    pub external_id: Option<String>,
    /// Dated on or after this day.
    pub invoice_date_from: Option<NaiveDate>,
    /// Dated on or before this day.
    pub invoice_date_to: Option<NaiveDate>,
    /// Only issued or partially paid invoices due before today.
    pub overdue: Option<bool>,
    /// `true`: only issued ones (any status but `draft`), what turnover counts; `false`: only drafts.
    pub issued: Option<bool>,
    /// `true`: only invoices with a balance due (issued or partially paid), what receivables
    /// aging counts; `false`: all but those.
    pub unpaid: Option<bool>,
    /// In this currency (ISO 4217).
    #[param(example = "EUR")]
    pub currency: Option<String>,
    pub credits_invoice_id: Option<Uuid>,
    pub invoice_order_id: Option<Uuid>,
    /// Case-insensitive text search: in the number (`INV-2026`, `CN-2026-000001`; drafts have none), or in the party's name (email and external id too, as `q` on `/parties` searches).
    #[param(max_length = 200, example = "acme")]
    pub q: Option<String>,
    /// Only invoices changed at or after this instant; without `sort`, oldest change first.
    pub updated_since: Option<DateTime<Utc>>,
}

crate::pagination::page_of!(
    /// A page of invoices and credit notes, each with its lines and payments.
    InvoicePage(InvoiceResponse)
);
