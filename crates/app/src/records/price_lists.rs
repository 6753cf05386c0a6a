//! The stable form of a price list.

use domain::money::shown_price;
use domain::pricing::PriceList;
use serde_json::{Value, json};

/// A price list as history and the change feed keep it, with its entries in their order.
pub fn price_list(list: &PriceList) -> Value {
    let f = &list.fields;
    let entries: Vec<Value> = f
        .entries
        .iter()
        .map(|e| {
            json!({
                "product_id": e.product_id,
                "unit_price": shown_price(e.unit_price, f.currency),
                "min_quantity": e.min_quantity,
            })
        })
        .collect();
    json!({
        "id": list.id,
        "name": f.name,
        "currency": f.currency.code(),
        "valid_from": f.valid_from,
        "valid_to": f.valid_to,
        "entries": entries,
        "version": list.version,
        "created_at": list.created_at,
        "updated_at": list.updated_at,
    })
}
