//! Offers for every other opportunity; every other offer accepted and made a confirmed sales
//! order, which is invoiced in parts (see `invoicing`). The [`Plan`] says which record leads to
//! which, and when, so that each side can name the other without looking it up.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Utc};
use domain::event::Change;
use domain::offer::{self, Offer, OfferAction, OfferFields, OfferLine, OfferStatus};
use domain::resource::ResourceType;
use persistence::{DatabaseConnection, DatabaseTransaction};
use rand::Rng;
use rust_decimal::Decimal;

use super::catalogue::People;
use super::ids::{self, Kind};
use super::invoicing::{self, Invoiced};
use super::journal::Journal;
use super::plan::{Numbers, Plan};
use super::{Profile, Summary, parties, ruled, sales};

/// Offers per transaction (with their orders and invoices).
const BATCH: u64 = 500;

pub async fn write(
    db: &DatabaseConnection,
    profile: &Profile,
    people: &People,
    summary: &mut Summary,
) -> anyhow::Result<()> {
    let plan = Plan::of(profile);
    let mut numbers = Numbers::default();
    for start in (0..profile.offers).step_by(ids::size(BATCH)) {
        let mut journal = Journal::default();
        let mut offers = Vec::new();
        let mut invoiced = Invoiced::default();
        for o in start..(start + BATCH).min(profile.offers) {
            let offer = offer(profile, people, &plan, o, &mut numbers, &mut journal)?;
            if let Some(m) = plan.order_of(o) {
                let organization = sales::party_of(profile, plan.opportunity_of(o));
                let party = parties::organization(profile, people, organization)?;
                invoicing::chain(profile, &offer, &party, m, &mut numbers, &mut journal, &mut invoiced)?;
            }
            offers.push(offer);
        }
        let insert = async |txn: &DatabaseTransaction| {
            persistence::offers::insert_many(txn, &offers).await?;
            invoiced.insert(txn).await
        };
        journal.commit(db, insert).await?;
    }
    let txn = persistence::db::begin(db).await?;
    for (series, year, last) in numbers.last() {
        persistence::numbers::raise_to(&txn, series, year, last).await?;
    }
    txn.commit().await?;
    summary.counts.extend([
        ("offers", profile.offers),
        ("offer lines", profile.offers * profile.lines_per_offer),
        ("sales orders", profile.sales_orders),
        ("invoice orders", profile.invoices()),
        ("invoices", profile.invoices()),
    ]);
    Ok(())
}

/// Offer `o`, sent the day it was made: accepted when the plan makes an order of it, else
/// rejected, left to expire, or (the latest ones) still open.
fn offer(
    profile: &Profile,
    people: &People,
    plan: &Plan,
    o: u64,
    numbers: &mut Numbers,
    journal: &mut Journal,
) -> anyhow::Result<Offer> {
    let mut rng = ids::rng(Kind::Offer, o);
    let k = plan.opportunity_of(o);
    let organization = sales::party_of(profile, k);
    let at = plan.offer_at(o);
    let lines = (0..profile.lines_per_offer)
        .map(|n| {
            let product = &people.products[rng.random_range(0..people.products.len())];
            let p = &product.fields;
            OfferLine {
                id: ids::part_id(Kind::Line, o, n, at),
                product_id: Some(product.id),
                description: p.name.clone(),
                quantity: Decimal::from(rng.random_range(1..20)),
                unit: p.unit.clone(),
                unit_price: p.list_price,
                discount_percent: Decimal::from(*[0, 0, 5, 10].get(rng.random_range(0..4)).unwrap_or(&0)),
                tax_rate: p.tax_rate,
                optional: false,
                selected: true,
            }
        })
        .collect();
    let owner = people.owner_of(organization);
    let mut offer = Offer {
        id: ids::id(Kind::Offer, o, at),
        number: offer::number(at.year(), numbers.next("OF", at.year())),
        revision: 1,
        revises_id: None,
        status: OfferStatus::Draft,
        fields: OfferFields {
            party_id: ids::id(
                Kind::Organization,
                organization,
                ids::spread(organization, profile.organizations),
            ),
            contact_id: Some(parties::contact_id(profile, organization, 0)),
            opportunity_id: Some(sales::opportunity_id(plan, k)),
            owner_id: Some(owner),
            currency: domain::currency::Currency::parse("EUR")?,
            valid_until: Some(at.date_naive() + Duration::days(30)),
            notes: None,
            lines,
        },
        sent_at: None,
        closed_at: None,
        external_id: None,
        sales_order_id: None,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    journal.created(
        Some(owner),
        ResourceType::Offer,
        offer.id,
        at,
        crate::offers::record_form(&offer, at.date_naive()),
    );
    let sent_at = at + Duration::hours(1);
    offer = step(offer, OfferAction::Send, sent_at, Some(owner), journal)?;
    let closing = match (plan.accepted_at(o), o % 4) {
        (Some(accepted), _) => Some((OfferAction::Accept, accepted)),
        (None, 1) => Some((OfferAction::Reject, at + Duration::days(10))),
        _ => None,
    };
    if let Some((action, closed_at)) = closing {
        offer = step(offer, action, closed_at, Some(owner), journal)?;
    }
    Ok(offer)
}

/// `offer` after `action` at `at`, recorded as the live server records it.
fn step(
    offer: Offer,
    action: OfferAction,
    at: DateTime<Utc>,
    actor: Option<uuid::Uuid>,
    journal: &mut Journal,
) -> anyhow::Result<Offer> {
    let day: NaiveDate = at.date_naive();
    let status = ruled(offer.act(action, day))?;
    let before = crate::offers::record_form(&offer, day);
    let moved = Offer {
        version: offer.version + 1,
        updated_at: at,
        ..offer.clone().moved(action, status, at)
    };
    let after = crate::offers::record_form(&moved, day);
    let change = Change::of_status(offer.status_on(day), moved.status_on(day));
    journal.changed(actor, ResourceType::Offer, moved.id, change, at, (before, after));
    Ok(moved)
}
