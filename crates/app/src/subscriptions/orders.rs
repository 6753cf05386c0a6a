//! A subscription's period as an order: its lines priced at the period's start (by resolution
//! where they name no price: the party's contract and price list on that day, the discount
//! rules), the period in each line's description, the party's payment terms on that day. Billing,
//! the preview and the check of a subscription's lines all price a period so.

use domain::document::{self, LineInput, Totals};
use domain::party::Party;
use domain::sales_order::{SalesOrderFields, SalesOrderInput, SalesOrderLine};
use domain::subscription::Subscription;
use domain::subscription::period::Period;
use persistence::ConnectionTrait;
use uuid::Uuid;

use crate::error::AppError;
use crate::{contracts, pricing};

/// The order that bills `period` of `subscription` for `party`.
pub(crate) async fn order_for(
    conn: &impl ConnectionTrait,
    subscription: &Subscription,
    party: &Party,
    period: &Period,
) -> Result<SalesOrderFields, AppError> {
    let party = contracts::terms_of(conn, party.clone(), period.start).await?;
    let stated: Vec<&LineInput> = subscription.fields.lines.iter().collect();
    let products = pricing::products_of(conn, &stated).await?;
    let days = format!("{} to {}", period.start, period.end);
    let lines: Vec<LineInput> = subscription
        .fields
        .lines
        .iter()
        .map(|line| {
            let product_name = line
                .product_id
                .and_then(|id| products.get(&id))
                .map(|p| p.fields.name.clone());
            let base = line.description.clone().or(product_name).unwrap_or_default();
            LineInput {
                description: Some(format!("{base}, {days}")),
                ..line.clone()
            }
        })
        .collect();
    let priced: Vec<&LineInput> = lines.iter().collect();
    let currency = subscription.fields.currency;
    let defaults = pricing::line_defaults(conn, &party, &priced, Some(currency), period.start).await?;
    let input = SalesOrderInput {
        party_id: party.id,
        owner_id: party.fields.owner_id,
        currency: Some(currency.code().to_owned()),
        order_date: Some(period.due_on),
        payment_terms_days: None,
        notes: Some(format!("Subscription {}, {days}", subscription.number)),
        lines,
    };
    Ok(input.validate(&party, &defaults, period.due_on, Uuid::now_v7)?)
}

/// The totals of an order's fields.
pub(crate) fn totals_of(fields: &SalesOrderFields) -> Totals {
    document::totals(fields.lines.iter().map(SalesOrderLine::amounts), fields.currency)
}
