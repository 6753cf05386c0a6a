//! The stable form of records in history and the change feed. Each resource writes its own, as
//! `record` at the end of its use cases (`crate::parties::record`); the parts several share are here.
//! The form is the app layer's own, not an API version's: v1 shows records the same way today, and
//! a later API may show them otherwise without changing what history and the feed have said.
//!
//! Decimals are strings (their `Display` form), instants RFC 3339 in UTC, days `YYYY-MM-DD`, and enums
//! their snake-case names.

use domain::document::{TaxShare, Totals};
use domain::party::{Address, AddressKind};
use serde_json::{Value, json};

/// A postal address: of a party, or copied onto a document.
pub(crate) fn address(address: &Address) -> Value {
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
pub(crate) fn address_kind(kind: AddressKind) -> &'static str {
    match kind {
        AddressKind::Billing => "billing",
        AddressKind::Shipping => "shipping",
        AddressKind::Other => "other",
    }
}

/// The net and tax of each tax rate of a document, by rate ascending.
pub(crate) fn tax_breakdown(shares: &[TaxShare]) -> Vec<Value> {
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

/// The forms of a document's lines, each with its position (from 1).
pub(crate) fn positioned<'a, L>(lines: &'a [L], form: impl Fn(i32, &'a L) -> Value) -> Vec<Value> {
    (1_i32..)
        .zip(lines)
        .map(|(position, line)| form(position, line))
        .collect()
}

/// The form of a document with lines: its `header` with its `totals` and its `lines`. The lines go
/// in by move: `json!` would copy each of their values once more.
pub(crate) fn document(mut header: Value, totals: Totals, lines: Vec<Value>) -> Value {
    header["net_total"] = json!(totals.net_total);
    header["tax_total"] = json!(totals.tax_total);
    header["total"] = json!(totals.total);
    header["tax_breakdown"] = Value::Array(tax_breakdown(&totals.tax_breakdown));
    header["lines"] = Value::Array(lines);
    header
}
