//! Subscription use cases: each change is one transaction with its history entry and event. Its
//! periods become orders by billing runs ([`billing`]); [`preview`] prices the periods ahead
//! without writing anything.

pub mod billing;
mod orders;

use chrono::{DateTime, Datelike, Utc};
use domain::contract::ContractStatus;
use domain::document::{EXTERNAL_ID_MAX, Totals};
use domain::party::Party;
use domain::resource::ResourceType;
use domain::sales_order::SalesOrderFields;
use domain::subscription::period::Period;
use domain::subscription::{CancelAt, Outcome, Subscription, SubscriptionFields, SubscriptionInput};
use domain::subscription::{SubscriptionAction, SubscriptionState};
use domain::transition::TransitionError;
use domain::validation::ValidationErrors;
use persistence::contracts::Contracts;
use persistence::page::{Page, PageRequest};
use persistence::parties::Parties;
use persistence::price_lists::PriceLists;
use persistence::subscriptions::{self, SubscriptionFilter, SubscriptionSort, Subscriptions};
use persistence::visibility::Visibility;
use persistence::{ConnectionTrait, DatabaseConnection, numbers, table};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::{now, today};
use crate::error::{AppError, ErrorCode};
use crate::history::Change;
use crate::lookup;
use crate::references::References;
use crate::transaction;
use crate::upsert::{self, Upserted};
use crate::versioned::{self, Versioned};
use crate::versions::check_version;

pub const RESOURCE: ResourceType = ResourceType::Subscription;
/// The periods a preview prices at most, and by default.
pub const MAX_PREVIEW_PERIODS: u32 = 24;
pub const DEFAULT_PREVIEW_PERIODS: u32 = 3;

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: SubscriptionInput,
) -> Result<Subscription, AppError> {
    let txn = persistence::db::begin(db).await?;
    let party = party_of(&txn, caller, input.party_id).await?;
    let fields = input.validate(party.fields.currency, today())?;
    upsert::check_external_id_free::<Subscriptions>(&txn, caller, fields.external_id.as_deref()).await?;
    let subscription = insert_new(&txn, caller, &party, fields).await?;
    transaction::commit(txn).await?;
    Ok(subscription)
}

/// `PUT /subscriptions/by-external-id/{external_id}`: creates the subscription as a draft, or
/// replaces the content of the one with this external id as a `PATCH` of every field would.
pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    external_id: &str,
    mut input: SubscriptionInput,
    if_match: Option<i32>,
) -> Result<Upserted<Subscription>, AppError> {
    let external_id = upsert::claim_external_id(external_id, &mut input.external_id, EXTERNAL_ID_MAX)?;
    upsert::check_external_id_allowed(caller, Some(&external_id))?;
    upsert::by_external_id::<Subscriptions>(
        db,
        caller,
        &external_id,
        if_match,
        async |txn| {
            let party = party_of(txn, caller, input.party_id).await?;
            let fields = input.clone().validate(party.fields.currency, today())?;
            insert_new(txn, caller, &party, fields).await
        },
        async |txn, current| {
            check_version(current.version, if_match)?;
            let party = party_of(txn, caller, input.party_id).await?;
            let fields = input.clone().validate(party.fields.currency, today())?;
            match revised(txn, &current, &party, fields).await? {
                Some(next) => versioned::write_next::<Subscriptions>(txn, caller, &current, next, now()).await,
                None => Ok(current),
            }
        },
    )
    .await
}

async fn insert_new(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    party: &Party,
    fields: SubscriptionFields,
) -> Result<Subscription, AppError> {
    let at = now();
    let mut subscription = Subscription {
        id: Uuid::now_v7(),
        number: String::new(),
        fields,
        state: SubscriptionState::DRAFT,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    check_content(conn, &subscription, party).await?;
    let sequence = numbers::next(conn, domain::subscription::SERIES, at.year()).await?;
    subscription.number = domain::subscription::number(at.year(), sequence);
    subscriptions::insert(conn, &subscription)
        .await
        .map_err(|error| upsert::lost_external_id_race(error, RESOURCE, subscription.fields.external_id.as_deref()))?;
    versioned::record_creation::<Subscriptions>(conn, caller, &subscription).await?;
    Ok(subscription)
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<Subscription, AppError> {
    lookup::get::<Subscriptions>(db, caller, id).await
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: SubscriptionFilter,
    request: &PageRequest<SubscriptionSort>,
) -> Result<Page<Subscription>, AppError> {
    Ok(subscriptions::list(db, &filter, caller.visibility(), request).await?)
}

/// The subscriptions of a party the caller may see.
pub async fn list_of_party(
    db: &DatabaseConnection,
    caller: &Caller,
    party_id: Uuid,
    filter: SubscriptionFilter,
    request: &PageRequest<SubscriptionSort>,
) -> Result<Page<Subscription>, AppError> {
    crate::parties::get(db, caller, party_id).await?;
    let filter = SubscriptionFilter {
        party_id: Some(party_id),
        ..filter
    };
    list(db, caller, filter, request).await
}

/// Applies `change` to a draft, active or paused subscription. Lines and the end date apply from
/// the next unbilled period; the schedule's start, interval and billing, the party and the
/// currency are fixed once activated (422 `unchangeable`).
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut SubscriptionInput),
) -> Result<Subscription, AppError> {
    versioned::change::<Subscriptions, _>(
        db,
        caller,
        id,
        if_match,
        async |txn, current| {
            let mut input = SubscriptionInput::from(current.fields.clone());
            change(&mut input);
            let party = party_of(txn, caller, input.party_id).await?;
            let fields = input.validate(party.fields.currency, today())?;
            if fields.external_id != current.fields.external_id {
                upsert::check_external_id_free::<Subscriptions>(txn, caller, fields.external_id.as_deref()).await?;
            }
            Ok((party, fields))
        },
        async |txn, current, (party, fields), _| revised(txn, current, &party, fields).await,
    )
    .await
}

/// `current` with `fields`, checked; none when nothing changes.
async fn revised(
    conn: &impl ConnectionTrait,
    current: &Subscription,
    party: &Party,
    fields: SubscriptionFields,
) -> Result<Option<Subscription>, AppError> {
    if !current.is_editable() {
        return Err(immutable(current));
    }
    if let Some(field) = current.unchangeable(&fields).first() {
        let message =
            "fixed once the subscription is activated: its periods were counted on it; cancel it and make a new one";
        return Err(AppError::invalid(*field, "unchangeable", message));
    }
    if fields == current.fields {
        return Ok(None);
    }
    let next = Subscription {
        fields,
        ..current.clone()
    };
    check_content(conn, &next, party).await?;
    Ok(Some(next))
}

/// Deletes a draft; one activated stays, with what it billed (409).
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: Uuid, if_match: Option<i32>) -> Result<(), AppError> {
    versioned::delete::<Subscriptions>(db, caller, id, if_match, async |txn, current| {
        if !current.is_deletable() {
            return Err(immutable(current));
        }
        Ok(subscriptions::delete(txn, current.id).await?)
    })
    .await
}

/// `POST /subscriptions/{id}/{action}`; `cancel` takes when it takes effect.
pub async fn act(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    action: SubscriptionAction,
    cancel_at: CancelAt,
) -> Result<Subscription, AppError> {
    versioned::change::<Subscriptions, _>(
        db,
        caller,
        id,
        if_match,
        async |_, _| Ok(()),
        async |_, current, (), _| {
            let day = today();
            let next: Result<Subscription, TransitionError> = match action {
                SubscriptionAction::Activate => current.activate(day),
                SubscriptionAction::Pause => current.pause(day),
                SubscriptionAction::Resume => current.resume(day),
                SubscriptionAction::Cancel => current.cancel(day, cancel_at),
            };
            next.map(Some)
                .map_err(|error| AppError::invalid_transition(RESOURCE, error))
        },
    )
    .await
}

/// A period ahead, priced as it would be billed (or skipped), for the preview.
pub struct PreviewPeriod {
    pub period: Period,
    pub outcome: Outcome,
    pub order: SalesOrderFields,
    pub totals: Totals,
}

/// The next `count` periods (1–[`MAX_PREVIEW_PERIODS`]) not billed yet of a subscription the
/// caller sees, priced as a run would bill them on their start (prices and contracts as known
/// today); writes nothing.
pub async fn preview(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    count: u32,
) -> Result<(Subscription, Vec<PreviewPeriod>), AppError> {
    if !(1..=MAX_PREVIEW_PERIODS).contains(&count) {
        let message = format!("between 1 and {MAX_PREVIEW_PERIODS}");
        return Err(AppError::invalid("periods", "out_of_range", message));
    }
    let subscription = get(db, caller, id).await?;
    let party = table::find::<Parties>(db, subscription.fields.party_id, Visibility::All)
        .await?
        .ok_or_else(|| AppError::internal(anyhow::anyhow!("the party of a subscription is gone")))?;
    let mut periods = Vec::new();
    for period in subscription.upcoming().take(count as usize) {
        let order = orders::order_for(db, &subscription, &party, &period).await?;
        periods.push(PreviewPeriod {
            period,
            outcome: subscription.outcome_of(&period),
            totals: orders::totals_of(&order),
            order,
        });
    }
    Ok((subscription, periods))
}

/// What a subscription must hold beyond its input: a contract of its party that was concluded,
/// a currency its price list has, and lines that price in it (the next period is priced as a run
/// would, so a line without a price in the currency is a 422 on that line).
async fn check_content(
    conn: &impl ConnectionTrait,
    subscription: &Subscription,
    party: &Party,
) -> Result<(), AppError> {
    let fields = &subscription.fields;
    let mut errors = ValidationErrors::new();
    let mut price_list_id = party.fields.price_list_id;
    if let Some(contract_id) = fields.contract_id {
        match table::find::<Contracts>(conn, contract_id, Visibility::All).await? {
            Some(c) if c.fields.party_id == fields.party_id && c.state.status != ContractStatus::Draft => {
                price_list_id = c.fields.price_list_id.or(price_list_id);
            }
            Some(c) if c.fields.party_id != fields.party_id => {
                errors.add("contract_id", "other_party", "the contract is another party's");
            }
            Some(_) => errors.add(
                "contract_id",
                "not_active",
                "the contract is a draft: activate it first",
            ),
            None => errors.add("contract_id", "not_found", "no contract with this id"),
        }
    }
    if let Some(list) = match price_list_id {
        Some(id) => table::find::<PriceLists>(conn, id, Visibility::All).await?,
        None => None,
    } && list.fields.currency != fields.currency
    {
        let message = format!(
            "the party's price list {} is in {}: bill in that currency",
            list.fields.name, list.fields.currency
        );
        errors.add("currency", "price_list_currency", message);
    }
    errors.finish(|| ())?;
    if let Some(period) = subscription.upcoming().next() {
        orders::order_for(conn, subscription, party, &period).await?;
    }
    Ok(())
}

/// The party a subscription is for: one the caller sees, not archived.
async fn party_of(conn: &impl ConnectionTrait, caller: &Caller, party_id: Uuid) -> Result<Party, AppError> {
    let mut references = References::new(conn, caller);
    match references.party("party_id", party_id).await? {
        Some(party) => Ok(party),
        None => Err(references.finish().expect_err("a missing party is an error")),
    }
}

fn immutable(current: &Subscription) -> AppError {
    let status = current.state.status.as_str();
    AppError::conflict(
        ErrorCode::DocumentImmutable,
        format!("the subscription is {status}: it can no longer change"),
        None,
    )
}

impl Versioned for Subscriptions {
    const FORM: fn(&Subscription) -> Value = record;

    fn next_version(subscription: Subscription, at: DateTime<Utc>) -> Subscription {
        Subscription {
            version: subscription.version + 1,
            updated_at: at,
            ..subscription
        }
    }

    fn change(before: &Subscription, after: &Subscription) -> Change {
        Change::of_status(before.state.status, after.state.status)
    }

    async fn write(
        conn: &impl ConnectionTrait,
        subscription: &Subscription,
        expected_version: i32,
    ) -> Result<bool, AppError> {
        Ok(subscriptions::update(conn, subscription, expected_version).await?)
    }
}

/// A subscription as history and the change feed keep it.
pub fn record(subscription: &Subscription) -> Value {
    let f = &subscription.fields;
    let schedule = &f.schedule;
    // Numbered as the read numbers them: the feed's form is the read's.
    let lines: Vec<Value> = (1_i32..)
        .zip(&f.lines)
        .map(|(n, l)| {
            json!({
                "position": l.position.unwrap_or(n),
                "product_id": l.product_id,
                "description": l.description,
                "quantity": l.quantity.normalize().to_string(),
                "unit": l.unit,
                "unit_price": l.unit_price.map(|p| p.normalize().to_string()),
                "discount_percent": l.discount_percent.map(|p| p.normalize().to_string()),
                "tax_rate": l.tax_rate.map(|p| p.normalize().to_string()),
            })
        })
        .collect();
    json!({
        "id": subscription.id,
        "number": subscription.number,
        "party_id": f.party_id,
        "contract_id": f.contract_id,
        "currency": f.currency.code(),
        "lines": lines,
        "interval": schedule.interval.as_str(),
        "interval_count": schedule.interval_count,
        "start_date": schedule.start,
        "end_date": schedule.end,
        "billing": schedule.billing.as_str(),
        "external_id": f.external_id,
        "status": subscription.state.status.as_str(),
        "activated_on": subscription.state.activated_on,
        "cancelled_on": subscription.state.cancelled_on,
        "version": subscription.version,
        "created_at": subscription.created_at,
        "updated_at": subscription.updated_at,
    })
}
