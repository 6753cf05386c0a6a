//! Pricing use cases: resolving the price of products for a party, for `GET /pricing/resolve` and
//! for the lines of documents. The rules are the domain's (`domain::pricing::resolve`); this loads
//! what they need, in a fixed number of queries however many lines there are.

use std::collections::HashMap;

use chrono::NaiveDate;
use domain::contract::Contract;
use domain::currency::Currency;
use domain::document::{LineDefaults, LineInput};
use domain::party::Party;
use domain::pricing::{self, DiscountRule, PriceList, PricedProduct, PricingQuery, Resolution, TurnoverPeriod};
use domain::product::Product;
use persistence::{ConnectionTrait, contracts, discount_rules, price_lists, products, turnover};
use rust_decimal::Decimal;
use uuid::Uuid;

use crate::error::{AppError, ErrorCode};

/// What pricing a party's lines on one date needs: its contracts that may apply then and the
/// chosen one's price list, its own price list (only the entries of the products at hand), every
/// discount rule, and its turnover for the rules' periods.
pub struct PricingContext {
    customer_group: Option<String>,
    contracts: Vec<Contract>,
    contract_price_list: Option<PriceList>,
    price_list: Option<PriceList>,
    rules: Vec<DiscountRule>,
    turnover: HashMap<(TurnoverPeriod, Currency), Decimal>,
    date: NaiveDate,
}

impl PricingContext {
    /// Loads the context for pricing `product_ids` for `party` on `date`.
    pub async fn load(
        conn: &impl ConnectionTrait,
        party: &Party,
        product_ids: &[Uuid],
        date: NaiveDate,
    ) -> Result<Self, AppError> {
        let price_list = match party.fields.price_list_id {
            Some(id) => price_lists::find_for_products(conn, id, product_ids).await?,
            None => None,
        };
        let contracts = contracts::of_party_on(conn, party.id, date).await?;
        let chosen = domain::contract::choose(&contracts, date).0;
        let contract_price_list = match chosen.and_then(|c| c.fields.price_list_id) {
            Some(id) => price_lists::find_for_products(conn, id, product_ids).await?,
            None => None,
        };
        let rules = discount_rules::all(conn).await?;
        let mut turnover = HashMap::new();
        for (period, currency) in pricing::turnover_conditions(&rules) {
            let (first, last) = period.previous(date);
            let amount = turnover::invoiced(conn, party.id, first, last, currency).await?;
            turnover.insert((period, currency), amount);
        }
        Ok(Self {
            customer_group: party.fields.customer_group.clone(),
            contracts,
            contract_price_list,
            price_list,
            rules,
            turnover,
            date,
        })
    }

    /// The price of `quantity` of `product` in `currency`, with its explanation.
    pub fn resolve(&self, product: &Product, quantity: Decimal, currency: Currency) -> Resolution {
        let query = PricingQuery {
            product: PricedProduct {
                id: product.id,
                list_price: product.fields.list_price,
                currency: product.fields.currency,
                product_group: product.fields.product_group.as_deref(),
            },
            customer_group: self.customer_group.as_deref(),
            price_list: self.price_list.as_ref(),
            contracts: &self.contracts,
            contract_price_list: self.contract_price_list.as_ref(),
            rules: &self.rules,
            quantity,
            date: self.date,
            currency,
        };
        pricing::resolve(&query, |period, currency| {
            self.turnover.get(&(period, currency)).copied().unwrap_or_default()
        })
    }
}

/// What each line leaves out, from its product, priced for `party` on `date` in `currency` (none
/// when the document's currency is invalid: that is reported, and there is no price to find).
/// A line naming an unknown product gets no defaults, which the domain reports on that line.
pub async fn line_defaults(
    conn: &impl ConnectionTrait,
    party: &Party,
    lines: &[&LineInput],
    currency: Option<Currency>,
    date: NaiveDate,
) -> Result<Vec<Option<LineDefaults>>, AppError> {
    let products = products_of(conn, lines).await?;
    let pricing = match currency {
        Some(_) if !products.is_empty() => {
            let ids: Vec<Uuid> = products.keys().copied().collect();
            Some(PricingContext::load(conn, party, &ids, date).await?)
        }
        _ => None,
    };
    Ok(lines
        .iter()
        .map(|line| {
            let product = products.get(&line.product_id?)?;
            let resolution = pricing
                .as_ref()
                .zip(currency)
                .map(|(pricing, currency)| pricing.resolve(product, line.quantity, currency));
            Some(LineDefaults {
                description: product.fields.name.clone(),
                unit: product.fields.unit.clone(),
                tax_rate: product.fields.tax_rate,
                unit_price: resolution.as_ref().and_then(|r| r.unit_price),
                discount_percent: resolution.map_or(Decimal::ZERO, |r| r.discount_percent),
            })
        })
        .collect())
}

/// The products the lines name, read at once (one not found here is reported on its line by the
/// domain); one that takes no new lines (inactive or archived) is a 409.
pub async fn products_of(
    conn: &impl ConnectionTrait,
    lines: &[&LineInput],
) -> Result<HashMap<Uuid, Product>, AppError> {
    let mut ids: Vec<Uuid> = lines.iter().filter_map(|l| l.product_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let found: HashMap<Uuid, Product> = products::find_many(conn, &ids)
        .await?
        .into_iter()
        .map(|p| (p.id, p))
        .collect();
    for (i, line) in lines.iter().enumerate() {
        if let Some(product) = line.product_id.and_then(|id| found.get(&id))
            && !product.is_sellable()
        {
            return Err(AppError::conflict(
                ErrorCode::ProductUnavailable,
                format!("lines[{i}]: the product {} is inactive or archived", product.fields.sku),
                Some(product.id),
            ));
        }
    }
    Ok(found)
}
