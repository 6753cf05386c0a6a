//! The flow of a deal through its documents: every line, and how much of it was offered,
//! ordered, put on invoice orders (reserved), invoiced, credited, and what remains to invoice.

use rust_decimal::Decimal;
use uuid::Uuid;

use crate::invoice::{Invoice, InvoiceKind};
use crate::offer::{Offer, OfferLine};
use crate::sales_order::{SalesOrder, SalesOrderStatus};

/// One traced line: a sales order line with the offer line it came from, an offer line that was
/// not ordered, or a line of an invoice made without an order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlowLine {
    pub offer_id: Option<Uuid>,
    pub offer_line_id: Option<Uuid>,
    pub sales_order_id: Option<Uuid>,
    pub sales_order_line_id: Option<Uuid>,
    /// Only for lines invoiced without an order: those of an order are on its invoices.
    pub invoice_id: Option<Uuid>,
    pub invoice_line_id: Option<Uuid>,
    pub description: String,
    pub offered: Decimal,
    pub ordered: Decimal,
    /// On open invoice orders, not invoiced yet.
    pub reserved: Decimal,
    /// On invoices, drafts included (a deleted draft gives it back).
    pub invoiced: Decimal,
    /// On credit notes of those invoices, drafts included.
    pub credited: Decimal,
    /// Ordered − invoiced − reserved: what may still be put on an invoice order (nothing once the
    /// order is cancelled).
    pub remaining: Decimal,
}

/// The lines of the documents of one flow: the lines of `orders` (with the offer lines they came
/// from), then the lines of `offers` that were not ordered, then the lines of `invoices` made
/// without an order. Credit notes among `invoices` are skipped: their quantities are counted on
/// the lines they credit.
pub fn lines(offers: &[Offer], orders: &[SalesOrder], invoices: &[Invoice]) -> Vec<FlowLine> {
    let invoices: Vec<&Invoice> = invoices.iter().filter(|i| i.kind == InvoiceKind::Invoice).collect();
    let offer_line = |id: Uuid| -> Option<(&Offer, &OfferLine)> {
        offers
            .iter()
            .find_map(|o| o.fields.lines.iter().find(|l| l.id == id).map(|l| (o, l)))
    };
    let mut flow = Vec::new();
    for order in orders {
        for line in &order.fields.lines {
            let offered = line.offer_line_id.and_then(offer_line);
            let credited = invoices
                .iter()
                .flat_map(|i| i.fields.lines.iter())
                .filter(|l| l.sales_order_line_id == Some(line.id))
                .map(|l| l.credited_quantity)
                .sum();
            flow.push(FlowLine {
                offer_id: offered.map(|(offer, _)| offer.id),
                offer_line_id: line.offer_line_id,
                sales_order_id: Some(order.id),
                sales_order_line_id: Some(line.id),
                invoice_id: None,
                invoice_line_id: None,
                description: line.description.clone(),
                offered: offered.map_or(Decimal::ZERO, |(_, l)| l.quantity),
                ordered: line.quantity,
                reserved: line.reserved_quantity,
                invoiced: line.invoiced_quantity,
                credited,
                remaining: if order.status == SalesOrderStatus::Cancelled {
                    Decimal::ZERO
                } else {
                    line.remaining()
                },
            });
        }
    }
    let ordered = |offer_line_id: Uuid| {
        orders
            .iter()
            .any(|o| o.fields.lines.iter().any(|l| l.offer_line_id == Some(offer_line_id)))
    };
    for offer in offers {
        for line in offer.fields.lines.iter().filter(|l| !ordered(l.id)) {
            flow.push(FlowLine {
                offer_id: Some(offer.id),
                offer_line_id: Some(line.id),
                sales_order_id: None,
                sales_order_line_id: None,
                invoice_id: None,
                invoice_line_id: None,
                description: line.description.clone(),
                offered: line.quantity,
                ordered: Decimal::ZERO,
                reserved: Decimal::ZERO,
                invoiced: Decimal::ZERO,
                credited: Decimal::ZERO,
                remaining: Decimal::ZERO,
            });
        }
    }
    for invoice in invoices {
        for line in invoice.fields.lines.iter().filter(|l| l.sales_order_line_id.is_none()) {
            flow.push(FlowLine {
                offer_id: None,
                offer_line_id: None,
                sales_order_id: None,
                sales_order_line_id: None,
                invoice_id: Some(invoice.id),
                invoice_line_id: Some(line.id),
                description: line.description.clone(),
                offered: Decimal::ZERO,
                ordered: Decimal::ZERO,
                reserved: Decimal::ZERO,
                invoiced: line.quantity,
                credited: line.credited_quantity,
                remaining: Decimal::ZERO,
            });
        }
    }
    flow
}
