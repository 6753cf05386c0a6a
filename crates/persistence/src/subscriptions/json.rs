//! A subscription's lines and pauses as the JSON of their columns: read and written only with
//! their subscription. Decimals as strings, exact.

use chrono::NaiveDate;
use domain::document::LineInput;
use domain::subscription::period::Pause;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Serialize, Deserialize)]
struct StoredLine {
    position: Option<i32>,
    product_id: Option<Uuid>,
    description: Option<String>,
    quantity: Decimal,
    unit: Option<String>,
    unit_price: Option<Decimal>,
    discount_percent: Option<Decimal>,
    tax_rate: Option<Decimal>,
}

#[derive(Serialize, Deserialize)]
struct StoredPause {
    from: NaiveDate,
    until: Option<NaiveDate>,
}

pub fn lines_to_text(lines: &[LineInput]) -> String {
    let stored: Vec<StoredLine> = lines
        .iter()
        .map(|l| StoredLine {
            position: l.position,
            product_id: l.product_id,
            description: l.description.clone(),
            quantity: l.quantity,
            unit: l.unit.clone(),
            unit_price: l.unit_price,
            discount_percent: l.discount_percent,
            tax_rate: l.tax_rate,
        })
        .collect();
    serde_json::to_string(&stored).expect("lines serialize")
}

pub fn lines_from_text(text: &str) -> Result<Vec<LineInput>, String> {
    let stored: Vec<StoredLine> = serde_json::from_str(text).map_err(|e| format!("lines: {e}"))?;
    Ok(stored
        .into_iter()
        .map(|l| LineInput {
            position: l.position,
            product_id: l.product_id,
            description: l.description,
            quantity: l.quantity,
            unit: l.unit,
            unit_price: l.unit_price,
            discount_percent: l.discount_percent,
            tax_rate: l.tax_rate,
        })
        .collect())
}

pub fn pauses_to_text(pauses: &[Pause]) -> String {
    let stored: Vec<StoredPause> = pauses
        .iter()
        .map(|p| StoredPause {
            from: p.from,
            until: p.until,
        })
        .collect();
    serde_json::to_string(&stored).expect("pauses serialize")
}

pub fn pauses_from_text(text: &str) -> Result<Vec<Pause>, String> {
    let stored: Vec<StoredPause> = serde_json::from_str(text).map_err(|e| format!("pauses: {e}"))?;
    Ok(stored
        .into_iter()
        .map(|p| Pause {
            from: p.from,
            until: p.until,
        })
        .collect())
}
