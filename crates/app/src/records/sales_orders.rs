//! The stable form of a sales order.

use domain::document::Totals;
use domain::money::shown_price;
use domain::sales_order::SalesOrder;
use serde_json::{Value, json};

use super::{address, tax_breakdown};

/// A sales order with its lines and their invoicing, as history and the change feed keep it.
pub fn sales_order(order: &SalesOrder) -> Value {
    let Totals {
        net_total,
        tax_total,
        total,
        tax_breakdown: shares,
    } = order.totals();
    let f = &order.fields;
    let currency = f.currency;
    let lines: Vec<Value> = (1_i32..)
        .zip(&f.lines)
        .map(|(position, line)| {
            json!({
                "id": line.id,
                "position": position,
                "offer_line_id": line.offer_line_id,
                "product_id": line.product_id,
                "description": line.description,
                "quantity": line.quantity.normalize(),
                "unit": line.unit,
                "unit_price": shown_price(line.unit_price, currency),
                "discount_percent": line.discount_percent.normalize(),
                "tax_rate": line.tax_rate.normalize(),
                "line_net": line.amounts().net(currency),
                "reserved_quantity": line.reserved_quantity,
                "invoiced_quantity": line.invoiced_quantity,
                "remaining_quantity": line.remaining(),
                "invoicing_status": line.invoicing_status().as_str(),
            })
        })
        .collect();
    json!({
        "id": order.id,
        "number": order.number,
        "party_id": f.party_id,
        "offer_id": f.offer_id,
        "owner_id": f.owner_id,
        "currency": currency.code(),
        "order_date": f.order_date,
        "payment_terms_days": f.payment_terms_days,
        "billing_address": f.billing_address.as_ref().map(address),
        "shipping_address": f.shipping_address.as_ref().map(address),
        "notes": f.notes,
        "status": order.status.as_str(),
        "invoicing_status": order.invoicing_status().as_str(),
        "lines": lines,
        "net_total": net_total,
        "tax_total": tax_total,
        "total": total,
        "tax_breakdown": tax_breakdown(&shares),
        "external_id": order.external_id,
        "version": order.version,
        "created_at": order.created_at,
        "updated_at": order.updated_at,
    })
}
