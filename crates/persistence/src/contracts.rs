//! The contracts table: rows <-> `domain::contract::Contract`, lists with filters, the contracts
//! of a party that may apply on a date (pricing, payment terms) and those the server must move.

use chrono::{DateTime, NaiveDate, Utc};
use domain::contract::{Contract, ContractFields, ContractState, ContractStatus, Renewal, Termination};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use crate::decimal_text::DecimalText;
use crate::entities::contract::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::filter::Filter;
use crate::page::{self, Page, PageRequest, SortBy, SortKey};
use crate::search;
use crate::table::{self, Scope, Table};
use crate::visibility::Visibility;

const TABLE: &str = "contracts";
/// The contracts pricing considers for one party and date: more would be a data problem, and the
/// explanation would drown in them.
const MAX_CONSIDERED: u64 = 20;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContractSort {
    CreatedAt,
    UpdatedAt,
    Number,
}

#[derive(Debug, Clone, Default)]
pub struct ContractFilter {
    pub status: Vec<ContractStatus>,
    pub party_id: Option<Uuid>,
    pub price_list_id: Option<Uuid>,
    pub external_id: Option<String>,
    /// In the number or the title.
    pub q: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
}

pub async fn insert(conn: &impl ConnectionTrait, contract: &Contract) -> Result<(), StoreError> {
    table::insert::<Contracts, _>(conn, [to_active_model(contract)]).await
}

/// Writes `contract` if the stored version is still `expected_version`.
pub async fn update(
    conn: &impl ConnectionTrait,
    contract: &Contract,
    expected_version: i32,
) -> Result<bool, StoreError> {
    table::update::<Contracts, _>(conn, to_active_model(contract), contract.id, expected_version).await
}

pub async fn delete(conn: &impl ConnectionTrait, id: Uuid) -> Result<(), StoreError> {
    Entity::delete_by_id(id).exec(conn).await?;
    Ok(())
}

/// The contracts table, for the shared kit (`crate::table`): a caller sees the contracts of the
/// parties they see.
pub struct Contracts;

impl Table for Contracts {
    type Entity = Entity;
    type Record = Contract;
    table::versioned_columns!();
    const EXTERNAL_ID: Option<Column> = Some(Column::ExternalId);
    const SCOPE: Scope<Column> = Scope::Party(Column::PartyId);

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<Contract>, StoreError> {
        rows.into_iter().map(to_contract).collect()
    }
}

pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &ContractFilter,
    visibility: Visibility,
    request: &PageRequest<ContractSort>,
) -> Result<Page<Contract>, StoreError> {
    let condition = Filter::new(Contracts::scope(visibility))
        .any_of(&filter.status, |status| Column::Status.eq(status.as_str()))
        .eq(Column::PartyId, filter.party_id)
        .eq(Column::PriceListId, filter.price_list_id)
        .equals(Column::ExternalId, filter.external_id.as_deref())
        .when(filter.q.as_deref(), |q| search::contains(Column::SearchText, q))
        .updated_since(Column::UpdatedAt, filter.updated_since)
        .condition();
    let sort: SortBy<Column, Contract> = match request.sort {
        ContractSort::CreatedAt => SortBy::new(Column::CreatedAt, |c| (SortKey::Time(c.created_at), c.id)),
        ContractSort::UpdatedAt => SortBy::new(Column::UpdatedAt, |c| (SortKey::Time(c.updated_at), c.id)),
        ContractSort::Number => SortBy::new(Column::Number, |c| (SortKey::Text(c.number.clone()), c.id)),
    };
    let select = Entity::find().filter(condition);
    page::fetch_sorted(conn, select, sort, Column::Id, request, to_contract).await
}

/// The contracts of `party_id` that may apply on `date`: activated once, started by then, and
/// not ended before it (the domain decides, `Contract::applies_on`); the latest starts first.
pub async fn of_party_on(
    conn: &impl ConnectionTrait,
    party_id: Uuid,
    date: NaiveDate,
) -> Result<Vec<Contract>, StoreError> {
    let select = Entity::find()
        .filter(Column::PartyId.eq(party_id))
        .filter(Column::Status.ne(ContractStatus::Draft.as_str()))
        .filter(Column::ValidFrom.lte(date))
        .filter(Column::EndedOn.is_null().or(Column::EndedOn.gt(date)))
        .order_by_desc(Column::ValidFrom)
        .order_by_desc(Column::Number)
        .limit(MAX_CONSIDERED);
    table::all::<Contracts>(conn, select).await
}

/// The active contracts of each of `party_ids` whose term has not ended by `today`, for the
/// party's `active_contracts`.
pub async fn active_of_parties(
    conn: &impl ConnectionTrait,
    party_ids: &[Uuid],
    today: NaiveDate,
) -> Result<Vec<Contract>, StoreError> {
    if party_ids.is_empty() {
        return Ok(Vec::new());
    }
    let select = Entity::find()
        .filter(Column::PartyId.is_in(party_ids.iter().copied()))
        .filter(Column::Status.eq(ContractStatus::Active.as_str()))
        .order_by_desc(Column::ValidFrom)
        .order_by_desc(Column::Number);
    let contracts = table::all::<Contracts>(conn, select).await?;
    Ok(contracts
        .into_iter()
        .filter(|c| c.last_day().is_none_or(|last| today <= last))
        .collect())
}

/// Up to `limit` active contracts with a renewal, expiry or termination due by `today`, locked
/// for the job; on PostgreSQL rows another instance holds are skipped, not waited for.
pub async fn due_by(conn: &impl ConnectionTrait, today: NaiveDate, limit: u64) -> Result<Vec<Contract>, StoreError> {
    let select = Entity::find()
        .filter(Column::NextStepOn.lte(today))
        .order_by_asc(Column::NextStepOn)
        .order_by_asc(Column::Id)
        .limit(limit);
    table::all::<Contracts>(conn, table::skip_locked(conn, select)).await
}

fn to_active_model(c: &Contract) -> ActiveModel {
    let f = &c.fields;
    let termination = c.state.termination.as_ref();
    let small = |n: u32| i32::try_from(n).unwrap_or(i32::MAX);
    ActiveModel {
        id: Set(c.id),
        number: Set(c.number.clone()),
        party_id: Set(f.party_id),
        title: Set(f.title.clone()),
        valid_from: Set(f.valid_from),
        valid_to: Set(f.valid_to),
        terms: Set(f.terms.clone()),
        payment_terms_days: Set(f.payment_terms_days),
        price_list_id: Set(f.price_list_id),
        discount_percent: Set(f.discount_percent.map(DecimalText)),
        auto_renew: Set(f.renewal.is_some()),
        renewal_months: Set(f.renewal.map(|r| small(r.months))),
        notice_days: Set(f.renewal.map(|r| small(r.notice_days))),
        external_id: Set(f.external_id.clone()),
        status: Set(c.state.status.as_str().to_owned()),
        activated_on: Set(c.state.activated_on),
        termination_effective_date: Set(termination.map(|t| t.effective_date)),
        termination_reason: Set(termination.and_then(|t| t.reason.clone())),
        termination_given_on: Set(termination.map(|t| t.given_on)),
        ended_on: Set(c.state.ended_on),
        next_step_on: Set(c.next_step_on()),
        search_text: Set(format!("{} {}", c.number, f.title).to_lowercase()),
        version: Set(c.version),
        created_at: Set(c.created_at),
        updated_at: Set(c.updated_at),
    }
}

fn to_contract(m: Model) -> Result<Contract, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} in row {}", m.id));
    let unsigned = |n: Option<i32>, what: &str| n.map(u32::try_from).transpose().map_err(|_| corrupt(what));
    let renewal = match (m.auto_renew, unsigned(m.renewal_months, "renewal_months")?) {
        (true, Some(months)) => Some(Renewal {
            months,
            notice_days: unsigned(m.notice_days, "notice_days")?.unwrap_or(0),
        }),
        (true, None) => return Err(corrupt("renewal_months")),
        (false, _) => None,
    };
    let termination = match (m.termination_effective_date, m.termination_given_on) {
        (Some(effective_date), Some(given_on)) => Some(Termination {
            effective_date,
            reason: m.termination_reason,
            given_on,
        }),
        _ => None,
    };
    Ok(Contract {
        id: m.id,
        number: m.number,
        fields: ContractFields {
            party_id: m.party_id,
            title: m.title,
            valid_from: m.valid_from,
            valid_to: m.valid_to,
            terms: m.terms,
            payment_terms_days: m.payment_terms_days,
            price_list_id: m.price_list_id,
            discount_percent: m.discount_percent.map(|p| p.0),
            renewal,
            external_id: m.external_id,
        },
        state: ContractState {
            status: ContractStatus::parse(&m.status).ok_or_else(|| corrupt("status"))?,
            activated_on: m.activated_on,
            termination,
            ended_on: m.ended_on,
        },
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
