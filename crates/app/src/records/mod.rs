//! The stable form of each record in history and the change feed. It is the app layer's own, not an API
//! version's: v1 shows records the same way today, and a later API may show them otherwise without changing
//! what history and the feed have said.
//!
//! Decimals are strings (their `Display` form), instants RFC 3339 in UTC, days `YYYY-MM-DD`, and enums
//! their snake-case names.

pub mod activities;
pub mod discount_rules;
pub mod invoice_orders;
pub mod invoices;
pub mod offers;
pub mod opportunities;
pub mod parties;
pub mod pipeline_stages;
pub mod price_lists;
pub mod products;
pub mod sales_orders;
pub mod teams;
pub mod users;

use domain::document::TaxShare;
use domain::party::{Address, AddressKind};
use serde_json::{Value, json};

/// A postal address: of a party, or copied onto a document.
fn address(address: &Address) -> Value {
    json!({
        "kind": address_kind(address.kind),
        "line1": address.line1,
        "line2": address.line2,
        "city": address.city,
        "postal_code": address.postal_code,
        "region": address.region,
        "country": address.country.as_str(),
    })
}

/// The name of an address kind.
fn address_kind(kind: AddressKind) -> &'static str {
    match kind {
        AddressKind::Billing => "billing",
        AddressKind::Shipping => "shipping",
        AddressKind::Other => "other",
    }
}

/// The net and tax of each tax rate of a document, by rate ascending.
fn tax_breakdown(shares: &[TaxShare]) -> Vec<Value> {
    shares
        .iter()
        .map(|share| {
            json!({
                "rate": share.rate,
                "net": share.net,
                "tax": share.tax,
            })
        })
        .collect()
}
