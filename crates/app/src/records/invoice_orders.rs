//! The stable form of an invoice order.

use domain::document::Totals;
use domain::invoice_order::InvoiceOrder;
use domain::money::shown_price;
use serde_json::{Value, json};

use super::tax_breakdown;

/// An invoice order with its lines, as history and the change feed keep it.
pub fn invoice_order(order: &InvoiceOrder) -> Value {
    let Totals {
        net_total,
        tax_total,
        total,
        tax_breakdown: shares,
    } = order.totals();
    let currency = order.currency;
    let lines: Vec<Value> = (1_i32..)
        .zip(&order.lines)
        .map(|(position, line)| {
            let ordered = &line.ordered;
            json!({
                "id": line.id,
                "position": position,
                "sales_order_id": line.sales_order_id,
                "sales_order_line_id": ordered.id,
                "product_id": ordered.product_id,
                "description": ordered.description,
                "quantity": line.quantity,
                "unit": ordered.unit,
                "unit_price": shown_price(ordered.unit_price, currency),
                "discount_percent": ordered.discount_percent.normalize(),
                "tax_rate": ordered.tax_rate.normalize(),
                "line_net": line.amounts().net(currency),
            })
        })
        .collect();
    json!({
        "id": order.id,
        "party_id": order.party_id,
        "currency": currency.code(),
        "status": order.status.as_str(),
        "lines": lines,
        "net_total": net_total,
        "tax_total": tax_total,
        "total": total,
        "tax_breakdown": tax_breakdown(&shares),
        "version": order.version,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    })
}
