//! A party's invoiced turnover: what turnover discount rules are measured against. It is the net
//! of the party's issued invoices, less that of its issued credit notes, dated in the period.

use chrono::NaiveDate;
use domain::currency::Currency;
use domain::invoice::InvoiceKind;
use rust_decimal::Decimal;
use sea_orm::ConnectionTrait;
use uuid::Uuid;

use crate::error::StoreError;
use crate::invoices;

/// The party's invoiced net turnover in `currency` over `first..=last`.
pub async fn invoiced(
    conn: &impl ConnectionTrait,
    party_id: Uuid,
    first: NaiveDate,
    last: NaiveDate,
    currency: Currency,
) -> Result<Decimal, StoreError> {
    let totals = invoices::issued_net_totals(conn, party_id, first, last, currency).await?;
    Ok(totals
        .into_iter()
        .map(|(kind, net)| match kind {
            InvoiceKind::Invoice => net,
            InvoiceKind::CreditNote => -net,
        })
        .sum())
}
