//! Invoice orders: the internal instruction "invoice these quantities of these sales order lines".
//!
//! ```text
//!   open ──(an invoice is made from it)──▶ invoiced
//!     └──cancel──▶ cancelled   (its quantities are free again)
//! ```
//! A line's quantity never exceeds what remains of its sales order line: ordered − invoiced −
//! reserved by other open invoice orders. The check here reads a snapshot; the database applies
//! the same condition row by row when it reserves, so racing requests cannot over-reserve.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::currency::Currency;
use crate::document::{self, LineAmounts, Totals};
use crate::money;
use crate::sales_order::{SalesOrderLine, SalesOrderStatus};
use crate::transition::{self, Transition, TransitionError};
use crate::validation::ValidationErrors;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceOrderStatus {
    Open,
    Invoiced,
    Cancelled,
}

str_enum!(InvoiceOrderStatus { Open => "open", Invoiced => "invoiced", Cancelled => "cancelled" });

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InvoiceOrderAction {
    /// Making an invoice of it (`POST /invoices {"invoice_order_id"}`).
    Invoice,
    Cancel,
}

str_enum!(InvoiceOrderAction { Invoice => "invoice", Cancel => "cancel" });

pub const TRANSITIONS: &[Transition<InvoiceOrderStatus, InvoiceOrderAction>] = &[
    Transition {
        action: InvoiceOrderAction::Invoice,
        from: &[InvoiceOrderStatus::Open],
        to: InvoiceOrderStatus::Invoiced,
    },
    Transition {
        action: InvoiceOrderAction::Cancel,
        from: &[InvoiceOrderStatus::Open],
        to: InvoiceOrderStatus::Cancelled,
    },
];

/// A sales order line as an invoice order sees it: with its order's party, currency and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderedLine {
    pub line: SalesOrderLine,
    pub sales_order_id: Uuid,
    pub order_number: String,
    pub party_id: Uuid,
    pub currency: Currency,
    pub order_status: SalesOrderStatus,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceOrderLine {
    pub id: Uuid,
    pub sales_order_id: Uuid,
    /// The sales order line as it is now (its content is what the invoice will carry).
    pub ordered: SalesOrderLine,
    pub quantity: Decimal,
}

impl InvoiceOrderLine {
    pub fn amounts(&self) -> LineAmounts {
        LineAmounts {
            quantity: self.quantity,
            ..self.ordered.amounts()
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvoiceOrder {
    pub id: Uuid,
    pub party_id: Uuid,
    pub currency: Currency,
    pub status: InvoiceOrderStatus,
    pub lines: Vec<InvoiceOrderLine>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl InvoiceOrder {
    /// What the invoice made of it will come to.
    pub fn totals(&self) -> Totals {
        document::totals(self.lines.iter().map(InvoiceOrderLine::amounts), self.currency)
    }

    /// The actions a client may take (making an invoice is `POST /invoices`).
    pub fn allowed_actions(&self) -> Vec<InvoiceOrderAction> {
        transition::allowed(TRANSITIONS, self.status)
            .into_iter()
            .filter(|a| *a == InvoiceOrderAction::Cancel)
            .collect()
    }

    pub fn act(&self, action: InvoiceOrderAction) -> Result<InvoiceOrderStatus, TransitionError> {
        transition::apply(TRANSITIONS, self.status, action)
    }
}

/// A line a client asked for: this much of that sales order line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RequestedLine {
    /// Where the line stands on the invoice order (see [`document::line_order`]).
    pub position: Option<i32>,
    pub sales_order_line_id: Uuid,
    pub quantity: Decimal,
}

/// Why the lines cannot go on an invoice order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PlanError {
    /// A sales order that is not confirmed (409, naming it).
    OrderNotConfirmed {
        sales_order_id: Uuid,
        status: SalesOrderStatus,
    },
    Invalid(ValidationErrors),
}

/// The lines of a new invoice order, checked against `ordered`, the sales order lines as they
/// are now. `requested` names lines and quantities; `None` takes everything that remains of
/// `ordered` (the lines of one order). All lines belong to confirmed orders of one party and one
/// currency, each line once, each quantity above 0 and within what remains.
pub fn plan(
    requested: Option<&[RequestedLine]>,
    ordered: &[OrderedLine],
    mut new_line_id: impl FnMut() -> Uuid,
) -> Result<(Uuid, Currency, Vec<InvoiceOrderLine>), PlanError> {
    let mut errors = ValidationErrors::new();
    let chosen: Vec<(String, &OrderedLine, Decimal)> = match requested {
        None => ordered
            .iter()
            .filter(|o| o.line.remaining() > Decimal::ZERO)
            .map(|o| ("lines".to_owned(), o, o.line.remaining()))
            .collect(),
        Some(lines) => {
            let mut seen = HashSet::new();
            let mut chosen = Vec::with_capacity(lines.len());
            for i in document::bounded_line_order(lines, |l| l.position, &mut errors) {
                let requested = &lines[i];
                let path = format!("lines[{i}]");
                if !seen.insert(requested.sales_order_line_id) {
                    errors.add(format!("{path}.sales_order_line_id"), "duplicate", "listed twice");
                    continue;
                }
                let Some(o) = ordered.iter().find(|o| o.line.id == requested.sales_order_line_id) else {
                    errors.add(
                        format!("{path}.sales_order_line_id"),
                        "not_found",
                        "no sales order line with this id (of this order)",
                    );
                    continue;
                };
                if let Some(quantity) =
                    errors.check(format!("{path}.quantity"), money::check_quantity(requested.quantity))
                {
                    chosen.push((path, o, quantity));
                }
            }
            chosen
        }
    };
    if chosen.is_empty() && errors.is_empty() {
        errors.add(
            "lines",
            "nothing_to_invoice",
            "nothing of this order remains to be invoiced",
        );
    }
    if let Some((_, first, _)) = chosen.first() {
        for (path, o, _) in &chosen {
            if o.party_id != first.party_id {
                errors.add(path.clone(), "other_party", "all lines belong to orders of one party");
            } else if o.currency != first.currency {
                errors.add(
                    path.clone(),
                    "other_currency",
                    "all lines belong to orders in one currency",
                );
            }
        }
    }
    for (_, o, _) in &chosen {
        if o.order_status != SalesOrderStatus::Confirmed {
            return Err(PlanError::OrderNotConfirmed {
                sales_order_id: o.sales_order_id,
                status: o.order_status,
            });
        }
    }
    for (path, o, quantity) in &chosen {
        let remaining = o.line.remaining();
        if *quantity > remaining {
            errors.add(
                format!("{path}.quantity"),
                "exceeds_remaining",
                format!("only {} remains to be invoiced", remaining.normalize()),
            );
        }
    }
    if !errors.is_empty() {
        return Err(PlanError::Invalid(errors));
    }
    let (party_id, currency) = (chosen[0].1.party_id, chosen[0].1.currency);
    let lines = chosen
        .into_iter()
        .map(|(_, o, quantity)| InvoiceOrderLine {
            id: new_line_id(),
            sales_order_id: o.sales_order_id,
            ordered: o.line.clone(),
            quantity,
        })
        .collect();
    Ok((party_id, currency, lines))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::d;

    fn ordered(
        id: u128,
        quantity: &str,
        invoiced: &str,
        reserved: &str,
        party: u128,
        status: SalesOrderStatus,
    ) -> OrderedLine {
        OrderedLine {
            line: SalesOrderLine {
                id: Uuid::from_u128(id),
                offer_line_id: None,
                product_id: None,
                description: "Item".into(),
                quantity: d(quantity),
                unit: "pcs".into(),
                unit_price: d("10"),
                discount_percent: Decimal::ZERO,
                tax_rate: d("19"),
                reserved_quantity: d(reserved),
                invoiced_quantity: d(invoiced),
            },
            sales_order_id: Uuid::from_u128(100 + party),
            order_number: "SO-2026-000001".into(),
            party_id: Uuid::from_u128(party),
            currency: Currency::parse("EUR").unwrap(),
            order_status: status,
        }
    }

    fn request(id: u128, quantity: &str) -> RequestedLine {
        RequestedLine {
            position: None,
            sales_order_line_id: Uuid::from_u128(id),
            quantity: d(quantity),
        }
    }

    fn fields(error: PlanError) -> Vec<String> {
        match error {
            PlanError::Invalid(errors) => errors.errors().iter().map(|e| e.field.clone()).collect(),
            other @ PlanError::OrderNotConfirmed { .. } => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn without_lines_everything_that_remains_is_taken() {
        let lines = [
            ordered(1, "10", "4", "3", 1, SalesOrderStatus::Confirmed),
            ordered(2, "5", "5", "0", 1, SalesOrderStatus::Confirmed),
        ];
        let (_, _, planned) = plan(None, &lines, Uuid::now_v7).unwrap();
        assert_eq!(planned.len(), 1, "a fully invoiced line is left out");
        assert_eq!(planned[0].quantity, d("3"));
        let done = [ordered(2, "5", "5", "0", 1, SalesOrderStatus::Confirmed)];
        assert_eq!(fields(plan(None, &done, Uuid::now_v7).unwrap_err()), vec!["lines"]);
    }

    #[test]
    fn a_quantity_never_exceeds_what_remains() {
        let lines = [ordered(1, "10", "4", "3", 1, SalesOrderStatus::Confirmed)];
        assert!(plan(Some(&[request(1, "3")]), &lines, Uuid::now_v7).is_ok());
        assert_eq!(
            fields(plan(Some(&[request(1, "3.0001")]), &lines, Uuid::now_v7).unwrap_err()),
            vec!["lines[0].quantity"]
        );
        assert_eq!(
            fields(
                plan(
                    Some(&[request(1, "1"), request(1, "1"), request(9, "1")]),
                    &lines,
                    Uuid::now_v7
                )
                .unwrap_err()
            ),
            vec!["lines[1].sales_order_line_id", "lines[2].sales_order_line_id"]
        );
    }

    #[test]
    fn lines_come_from_confirmed_orders_of_one_party() {
        let lines = [
            ordered(1, "10", "0", "0", 1, SalesOrderStatus::Confirmed),
            ordered(2, "10", "0", "0", 2, SalesOrderStatus::Confirmed),
            ordered(3, "10", "0", "0", 1, SalesOrderStatus::Draft),
        ];
        assert_eq!(
            fields(plan(Some(&[request(1, "1"), request(2, "1")]), &lines, Uuid::now_v7).unwrap_err()),
            vec!["lines[1]"]
        );
        assert!(matches!(
            plan(Some(&[request(3, "1")]), &lines, Uuid::now_v7),
            Err(PlanError::OrderNotConfirmed {
                status: SalesOrderStatus::Draft,
                ..
            })
        ));
    }
}
