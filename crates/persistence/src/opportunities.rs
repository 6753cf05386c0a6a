//! The opportunities table: rows <-> `domain::opportunity::Opportunity`, lists with filters.

use chrono::{DateTime, NaiveDate, Utc};
use domain::currency::Currency;
use domain::opportunity::{Opportunity, OpportunityFields, OpportunityStatus};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, PaginatorTrait, QueryFilter, QuerySelect};
use uuid::Uuid;

use crate::decimal_text::DecimalText;
use crate::entities::opportunity::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::filter::Filter;
use crate::opportunity_states;
use crate::page::{self, Page, PageRequest, SortBy, SortKey};
use crate::search;
use crate::table::{self, Scope, Table};
use crate::visibility::Visibility;

const TABLE: &str = "opportunities";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OpportunitySort {
    CreatedAt,
    UpdatedAt,
    Title,
}

#[derive(Debug, Clone, Default)]
pub struct OpportunityFilter {
    pub owner_id: Option<Uuid>,
    pub party_id: Option<Uuid>,
    pub stage_id: Option<Uuid>,
    pub status: Vec<OpportunityStatus>,
    /// Expected to close on or after this day.
    pub close_from: Option<NaiveDate>,
    /// Expected to close on or before this day.
    pub close_to: Option<NaiveDate>,
    /// Won or lost on or after the first instant of this day (UTC).
    pub closed_from: Option<NaiveDate>,
    /// Won or lost before the end of this day (UTC).
    pub closed_to: Option<NaiveDate>,
    /// Owned by a member of this team.
    pub team_id: Option<Uuid>,
    pub currency: Option<Currency>,
    /// With an amount, or without one.
    pub has_amount: Option<bool>,
    pub q: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &impl ConnectionTrait, opportunity: &Opportunity) -> Result<(), StoreError> {
    insert_many(conn, std::slice::from_ref(opportunity)).await
}

pub async fn insert_many(conn: &impl ConnectionTrait, opportunities: &[Opportunity]) -> Result<(), StoreError> {
    table::insert::<Opportunities, _>(conn, opportunities.iter().map(to_active_model)).await?;
    opportunity_states::began(conn, opportunities.iter().map(|o| (o, None))).await
}

/// Inserts opportunities imported with their past (the seed data): each as it is now, after
/// having been created as the first of its pair, so that the pipeline of a past day finds it
/// as it was then.
pub async fn insert_imported(
    conn: &impl ConnectionTrait,
    opportunities: &[(Opportunity, Opportunity)],
) -> Result<(), StoreError> {
    table::insert::<Opportunities, _>(conn, opportunities.iter().map(|(_, now)| to_active_model(now))).await?;
    opportunity_states::began(conn, opportunities.iter().map(|(created, now)| (created, Some(now)))).await
}

/// Writes `opportunity` if the stored version is still `expected_version`.
pub async fn update(
    conn: &impl ConnectionTrait,
    opportunity: &Opportunity,
    expected_version: i32,
) -> Result<bool, StoreError> {
    let written =
        table::update::<Opportunities, _>(conn, to_active_model(opportunity), opportunity.id, expected_version).await?;
    if written {
        opportunity_states::moved(conn, opportunity).await?;
    }
    Ok(written)
}

/// The opportunities table, for the shared kit (`crate::table`).
pub struct Opportunities;

impl Table for Opportunities {
    type Entity = Entity;
    type Record = Opportunity;
    table::versioned_columns!();
    const SCOPE: Scope<Column> = Scope::Owner(Column::OwnerId);

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<Opportunity>, StoreError> {
        rows.into_iter().map(to_opportunity).collect()
    }
}

/// The record by id (see `crate::table::find`), for a record about to refer to the opportunity: share-locked until the transaction
/// ends (PostgreSQL), so its party cannot change meanwhile.
pub async fn find_for_share(
    conn: &impl ConnectionTrait,
    id: Uuid,
    visibility: Visibility,
) -> Result<Option<Opportunity>, StoreError> {
    table::find_for_share::<Opportunities>(conn, id, visibility).await
}

/// Whether any opportunity is in the stage (whose kind then must not change under it).
pub async fn any_in_stage(conn: &impl ConnectionTrait, stage_id: Uuid) -> Result<bool, StoreError> {
    let count = Entity::find()
        .filter(Column::StageId.eq(stage_id))
        .limit(1)
        .count(conn)
        .await?;
    Ok(count > 0)
}

pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &OpportunityFilter,
    visibility: Visibility,
    request: &PageRequest<OpportunitySort>,
) -> Result<Page<Opportunity>, StoreError> {
    let condition = Filter::new(Opportunities::scope(visibility))
        .eq(Column::OwnerId, filter.owner_id)
        .eq(Column::PartyId, filter.party_id)
        .eq(Column::StageId, filter.stage_id)
        .any_of(&filter.status, |status| Column::Status.eq(status.as_str()))
        .from(Column::ExpectedCloseDate, filter.close_from)
        .to(Column::ExpectedCloseDate, filter.close_to)
        .on_days(Column::ClosedAt, filter.closed_from, filter.closed_to)
        .team(Column::OwnerId, filter.team_id)
        .when(filter.currency, |currency| Column::Currency.eq(currency.code()))
        .when(filter.has_amount, |has| {
            if has {
                Column::Amount.is_not_null()
            } else {
                Column::Amount.is_null()
            }
        })
        .when(filter.q.as_deref(), |q| search::contains(Column::SearchText, q))
        .updated_since(Column::UpdatedAt, filter.updated_since)
        .condition();
    let sort: SortBy<Column, Opportunity> = match request.sort {
        OpportunitySort::CreatedAt => SortBy::new(Column::CreatedAt, |o| (SortKey::Time(o.created_at), o.id)),
        OpportunitySort::UpdatedAt => SortBy::new(Column::UpdatedAt, |o| (SortKey::Time(o.updated_at), o.id)),
        OpportunitySort::Title => SortBy::new(Column::Title, |o| (SortKey::Text(o.fields.title.clone()), o.id)),
    };
    let select = Entity::find().filter(condition);
    page::fetch_sorted(conn, select, sort, Column::Id, request, to_opportunity).await
}

fn to_active_model(o: &Opportunity) -> ActiveModel {
    let f = &o.fields;
    ActiveModel {
        id: Set(o.id),
        title: Set(f.title.clone()),
        party_id: Set(f.party_id),
        contact_id: Set(f.contact_id),
        owner_id: Set(f.owner_id),
        stage_id: Set(f.stage_id),
        status: Set(o.status.as_str().to_owned()),
        amount: Set(f.amount.map(DecimalText)),
        currency: Set(f.currency.map(|c| c.code().to_owned())),
        probability: Set(f.probability),
        expected_close_date: Set(f.expected_close_date),
        source: Set(f.source.clone()),
        competitor_ids: Set(serde_json::to_string(&f.competitor_ids).expect("uuids serialize")),
        lost_reason: Set(f.lost_reason.clone()),
        closed_at: Set(o.closed_at),
        search_text: Set(f.title.to_lowercase()),
        version: Set(o.version),
        created_at: Set(o.created_at),
        updated_at: Set(o.updated_at),
    }
}

fn to_opportunity(m: Model) -> Result<Opportunity, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} in row {}", m.id));
    let currency = m
        .currency
        .as_deref()
        .map(Currency::parse)
        .transpose()
        .map_err(|_| corrupt("currency"))?;
    Ok(Opportunity {
        id: m.id,
        status: OpportunityStatus::parse(&m.status).ok_or_else(|| corrupt("status"))?,
        fields: OpportunityFields {
            competitor_ids: serde_json::from_str(&m.competitor_ids).map_err(|_| corrupt("competitor_ids"))?,
            title: m.title,
            party_id: m.party_id,
            contact_id: m.contact_id,
            owner_id: m.owner_id,
            stage_id: m.stage_id,
            amount: m.amount.map(|a| a.0),
            currency,
            probability: m.probability,
            expected_close_date: m.expected_close_date,
            source: m.source,
            lost_reason: m.lost_reason,
        },
        closed_at: m.closed_at,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
