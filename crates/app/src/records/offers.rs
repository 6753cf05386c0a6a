//! The stable form of an offer.

use chrono::NaiveDate;
use domain::document::Totals;
use domain::money::shown_price;
use domain::offer::Offer;
use serde_json::{Value, json};

use super::tax_breakdown;

/// An offer as of `today` (a sent offer past `valid_until` is `expired`), as history and the change feed keep it.
pub fn offer(offer: &Offer, today: NaiveDate) -> Value {
    let Totals {
        net_total,
        tax_total,
        total,
        tax_breakdown: shares,
    } = offer.totals();
    let f = &offer.fields;
    let currency = f.currency;
    let lines: Vec<Value> = (1_i32..)
        .zip(&f.lines)
        .map(|(position, line)| {
            json!({
                "id": line.id,
                "position": position,
                "product_id": line.product_id,
                "description": line.description,
                "quantity": line.quantity.normalize(),
                "unit": line.unit,
                "unit_price": shown_price(line.unit_price, currency),
                "discount_percent": line.discount_percent.normalize(),
                "tax_rate": line.tax_rate.normalize(),
                "optional": line.optional,
                "selected": line.selected,
                "line_net": line.amounts().net(currency),
            })
        })
        .collect();
    json!({
        "id": offer.id,
        "number": offer.number,
        "revision": offer.revision,
        "revises_id": offer.revises_id,
        "party_id": f.party_id,
        "contact_id": f.contact_id,
        "opportunity_id": f.opportunity_id,
        "owner_id": f.owner_id,
        "currency": currency.code(),
        "valid_until": f.valid_until,
        "notes": f.notes,
        "status": offer.status_on(today).as_str(),
        "lines": lines,
        "net_total": net_total,
        "tax_total": tax_total,
        "total": total,
        "tax_breakdown": tax_breakdown(&shares),
        "optional_total": offer.optional_total(),
        "sent_at": offer.sent_at,
        "closed_at": offer.closed_at,
        "external_id": offer.external_id,
        "version": offer.version,
        "created_at": offer.created_at,
        "updated_at": offer.updated_at,
    })
}
