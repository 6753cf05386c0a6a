//! The sales order's types: its statuses, actions and their transitions, its lines and how much
//! of them is invoiced, and why an action was refused.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::currency::Currency;
use crate::document::{self, LineContent, StatedLine};
use crate::party::Address;
use crate::transition::{Transition, TransitionError};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SalesOrderStatus {
    Draft,
    Confirmed,
    Completed,
    Cancelled,
}

str_enum!(SalesOrderStatus {
    Draft => "draft",
    Confirmed => "confirmed",
    Completed => "completed",
    Cancelled => "cancelled",
});

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SalesOrderAction {
    Confirm,
    Complete,
    Cancel,
}

str_enum!(SalesOrderAction {
    Confirm => "confirm",
    Complete => "complete",
    Cancel => "cancel",
});

/// How much of a line or an order is invoiced.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoicingStatus {
    NotInvoiced,
    PartiallyInvoiced,
    FullyInvoiced,
}

str_enum!(InvoicingStatus {
    NotInvoiced => "not_invoiced",
    PartiallyInvoiced => "partially_invoiced",
    FullyInvoiced => "fully_invoiced",
});

use SalesOrderAction as A;
use SalesOrderStatus as S;

pub const TRANSITIONS: &[Transition<SalesOrderStatus, SalesOrderAction>] = &[
    Transition {
        action: A::Confirm,
        from: &[S::Draft],
        to: S::Confirmed,
    },
    Transition {
        action: A::Complete,
        from: &[S::Confirmed],
        to: S::Completed,
    },
    Transition {
        action: A::Cancel,
        from: &[S::Draft, S::Confirmed],
        to: S::Cancelled,
    },
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesOrderLine {
    pub id: Uuid,
    /// The offer line it was ordered from.
    pub offer_line_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    pub description: String,
    pub quantity: Decimal,
    pub unit: String,
    pub unit_price: Decimal,
    pub discount_percent: Decimal,
    pub tax_rate: Decimal,
    /// On open invoice orders.
    pub reserved_quantity: Decimal,
    /// On invoices.
    pub invoiced_quantity: Decimal,
}

document_line!(SalesOrderLine);

impl SalesOrderLine {
    /// A new line of `content`, ordered from `offer_line_id` if any, nothing of it invoiced or
    /// reserved yet.
    pub(crate) fn new(id: Uuid, offer_line_id: Option<Uuid>, content: LineContent) -> Self {
        SalesOrderLine {
            id,
            offer_line_id,
            product_id: content.product_id,
            description: content.description,
            quantity: content.quantity,
            unit: content.unit,
            unit_price: content.unit_price,
            discount_percent: content.discount_percent,
            tax_rate: content.tax_rate,
            reserved_quantity: Decimal::ZERO,
            invoiced_quantity: Decimal::ZERO,
        }
    }

    /// What may still go on an invoice order: ordered − invoiced − reserved.
    pub fn remaining(&self) -> Decimal {
        self.quantity - self.invoiced_quantity - self.reserved_quantity
    }

    pub fn invoicing_status(&self) -> InvoicingStatus {
        if self.invoiced_quantity.is_zero() {
            InvoicingStatus::NotInvoiced
        } else if self.invoiced_quantity >= self.quantity {
            InvoicingStatus::FullyInvoiced
        } else {
            InvoicingStatus::PartiallyInvoiced
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesOrderFields {
    pub party_id: Uuid,
    /// The accepted offer it was made from; none for a direct order.
    pub offer_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub currency: Currency,
    pub order_date: NaiveDate,
    pub payment_terms_days: i32,
    /// Copied from the party when the order was made.
    pub billing_address: Option<Address>,
    pub shipping_address: Option<Address>,
    pub notes: Option<String>,
    pub lines: Vec<SalesOrderLine>,
}

impl SalesOrderFields {
    /// The lines as an input would state them, to tell a resend from a change.
    pub fn stated_lines(&self) -> Vec<StatedLine<'_>> {
        document::stated_lines(&self.lines)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SalesOrder {
    pub id: Uuid,
    /// `SO-2026-000001`.
    pub number: String,
    pub status: SalesOrderStatus,
    pub fields: SalesOrderFields,
    /// The integrator's id of it; unique.
    pub external_id: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

/// Why an action on a sales order was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    /// The status does not allow it (409).
    State(TransitionError),
    /// Cancelling an order of which something is invoiced or on an invoice order (409).
    InvoicingStarted,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::transition;

    /// Every (status, action) pair.
    #[test]
    fn the_transition_table_is_as_designed() {
        let allowed: &[(SalesOrderStatus, &[SalesOrderAction])] = &[
            (S::Draft, &[A::Confirm, A::Cancel]),
            (S::Confirmed, &[A::Complete, A::Cancel]),
            (S::Completed, &[]),
            (S::Cancelled, &[]),
        ];
        assert_eq!(allowed.len(), SalesOrderStatus::ALL.len());
        for (status, actions) in allowed {
            assert_eq!(&transition::allowed(TRANSITIONS, *status), actions, "{status:?}");
        }
    }
}
