//! A party's invoiced turnover: what turnover discount rules are measured against.
//!
//! Until invoices exist, no party has invoiced anything, so the turnover reads zero; the invoicing
//! issue replaces the body of [`invoiced`] with the sum of the party's issued invoices (net,
//! credit notes deducted) and nothing else changes.

use chrono::NaiveDate;
use domain::currency::Currency;
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::error::StoreError;

/// The party's invoiced net turnover in `currency` over `first..=last`.
#[allow(clippy::unused_async)] // The sum of the invoices it will read is a query.
pub async fn invoiced(
    _conn: &impl ConnectionTrait,
    _party_id: Uuid,
    _first: NaiveDate,
    _last: NaiveDate,
    _currency: Currency,
) -> Result<Decimal, StoreError> {
    Ok(Decimal::ZERO)
}
