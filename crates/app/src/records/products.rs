//! The stable form of a product.

use domain::money::shown_price;
use domain::product::Product;
use serde_json::{Value, json};

/// A product as history and the change feed keep it.
pub fn product(product: &Product) -> Value {
    let f = &product.fields;
    json!({
        "id": product.id,
        "sku": f.sku,
        "name": f.name,
        "description": f.description,
        "kind": f.kind.as_str(),
        "unit": f.unit,
        "list_price": shown_price(f.list_price, f.currency),
        "currency": f.currency.code(),
        "tax_rate": f.tax_rate,
        "product_group": f.product_group,
        "active": f.active,
        "external_id": f.external_id,
        "archived_at": product.archived_at,
        "version": product.version,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    })
}
