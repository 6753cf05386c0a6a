//! The parties table: rows <-> `domain::party::Party`, lists with filters and keyset pages.

use std::collections::BTreeSet;

use chrono::{DateTime, Utc};
use domain::party::{Address, BankAccount, Party, PartyFields, PartyKind, PartyRole};
use sea_orm::sea_query::{Expr, LikeExpr};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, ExprTrait, QueryFilter};
use uuid::Uuid;

use crate::decimal_text::DecimalText;
use crate::entities::party::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::filter::Filter;
use crate::page::{self, Page, PageRequest, SortBy, SortKey};
use crate::search::{self, escape_like};
use crate::table::{self, Scope, Table};
use crate::visibility::Visibility;

const TABLE: &str = "parties";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PartySort {
    Name,
    CreatedAt,
    UpdatedAt,
}

#[derive(Debug, Clone, Default)]
pub struct PartyFilter {
    pub kind: Vec<PartyKind>,
    pub role: Vec<PartyRole>,
    pub owner_id: Option<Uuid>,
    pub organization_id: Option<Uuid>,
    pub customer_group: Option<String>,
    pub tag: Option<String>,
    pub external_id: Option<String>,
    pub q: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
    pub include_archived: bool,
}

pub async fn insert(conn: &impl ConnectionTrait, party: &Party) -> Result<(), StoreError> {
    insert_many(conn, std::slice::from_ref(party)).await
}

pub async fn insert_many(conn: &impl ConnectionTrait, parties: &[Party]) -> Result<(), StoreError> {
    table::insert::<Parties, _>(conn, parties.iter().map(to_active_model)).await
}

/// Writes `party` (whose `version` is already the new one) if the stored version is still
/// `expected_version`; `false` means someone else changed it first and nothing was written.
pub async fn update(conn: &impl ConnectionTrait, party: &Party, expected_version: i32) -> Result<bool, StoreError> {
    table::update::<Parties, _>(conn, to_active_model(party), party.id, expected_version).await
}

/// The parties table, for the shared kit (`crate::table`).
pub struct Parties;

impl Table for Parties {
    type Entity = Entity;
    type Record = Party;
    table::versioned_columns!();
    const SCOPE: Scope<Column> = Scope::Owner(Column::OwnerId);
    const EXTERNAL_ID: Option<Column> = Some(Column::ExternalId);

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<Party>, StoreError> {
        rows.into_iter().map(Party::try_from_model).collect()
    }
}

/// Whether the table holds any party at all.
pub async fn any(conn: &impl ConnectionTrait) -> Result<bool, StoreError> {
    Ok(Entity::find().one(conn).await?.is_some())
}

/// Whether any party, archived ones included, is priced by this list.
pub async fn uses_price_list(conn: &impl ConnectionTrait, price_list_id: Uuid) -> Result<bool, StoreError> {
    Ok(Entity::find()
        .filter(Column::PriceListId.eq(price_list_id))
        .one(conn)
        .await?
        .is_some())
}

pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &PartyFilter,
    visibility: Visibility,
    request: &PageRequest<PartySort>,
) -> Result<Page<Party>, StoreError> {
    if let Some(tag) = &filter.tag
        && !domain::party::is_valid_tag(tag)
    {
        // No party can carry it, and a `"` in it would break the substring match below.
        return Ok(Page::empty(request));
    }
    // Tags hold no `"` or `\` (a domain rule), so the quoted tag is a substring of the JSON array.
    let tagged =
        |tag: &str| Expr::col(Column::Tags).like(LikeExpr::new(format!("%\"{}\"%", escape_like(tag))).escape('\\'));
    let condition = Filter::new(Parties::scope(visibility))
        .unless(filter.include_archived, Column::ArchivedAt.is_null())
        .any_of(&filter.kind, |kind| Column::Kind.eq(kind.as_str()))
        .any_of(&filter.role, |role| {
            Column::Roles.like(format!("%\"{}\"%", role.as_str()))
        })
        .eq(Column::OwnerId, filter.owner_id)
        .eq(Column::OrganizationId, filter.organization_id)
        .equals(Column::CustomerGroup, filter.customer_group.as_deref())
        .when(filter.tag.as_deref(), tagged)
        .equals(Column::ExternalId, filter.external_id.as_deref())
        .when(filter.q.as_deref(), |q| search::contains(Column::SearchText, q))
        .updated_since(Column::UpdatedAt, filter.updated_since)
        .condition();
    let sort: SortBy<Column, Party> = match request.sort {
        PartySort::Name => SortBy::new(Column::Name, |party| {
            (SortKey::Text(party.fields.name.clone()), party.id)
        }),
        PartySort::CreatedAt => SortBy::new(Column::CreatedAt, |party| (SortKey::Time(party.created_at), party.id)),
        PartySort::UpdatedAt => SortBy::new(Column::UpdatedAt, |party| (SortKey::Time(party.updated_at), party.id)),
    };
    let select = Entity::find().filter(condition);
    page::fetch_sorted(conn, select, sort, Column::Id, request, Party::try_from_model).await
}

/// What `q` searches: name, email and external id, lower-cased with Unicode rules.
fn search_text(fields: &PartyFields) -> String {
    let email = fields.email.as_ref().map(domain::email::Email::as_str);
    [Some(fields.name.as_str()), email, fields.external_id.as_deref()]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase()
}

fn to_json<T: serde::Serialize>(value: &T) -> String {
    serde_json::to_string(value).expect("domain values always serialize")
}

fn to_active_model(party: &Party) -> ActiveModel {
    let f = &party.fields;
    ActiveModel {
        id: Set(party.id),
        kind: Set(f.kind.as_str().to_owned()),
        name: Set(f.name.clone()),
        organization_id: Set(f.organization_id),
        roles: Set(to_json(&f.roles.iter().map(|r| r.as_str()).collect::<Vec<_>>())),
        email: Set(f.email.as_ref().map(|e| e.as_str().to_owned())),
        phone: Set(f.phone.clone()),
        website: Set(f.website.clone()),
        vat_id: Set(f.vat_id.clone()),
        addresses: Set(to_json(&f.addresses)),
        bank_accounts: Set(to_json(&f.bank_accounts)),
        payment_terms_days: Set(f.payment_terms_days),
        credit_limit: Set(f.credit_limit.map(DecimalText)),
        currency: Set(f.currency.map(|c| c.code().to_owned())),
        price_list_id: Set(f.price_list_id),
        customer_group: Set(f.customer_group.clone()),
        owner_id: Set(f.owner_id),
        tags: Set(to_json(&f.tags)),
        notes: Set(f.notes.clone()),
        external_id: Set(f.external_id.clone()),
        search_text: Set(search_text(f)),
        archived_at: Set(party.archived_at),
        version: Set(party.version),
        created_at: Set(party.created_at),
        updated_at: Set(party.updated_at),
    }
}

trait FromModel: Sized {
    fn try_from_model(model: Model) -> Result<Self, StoreError>;
}

impl FromModel for Party {
    fn try_from_model(m: Model) -> Result<Self, StoreError> {
        let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{} in row {}", what, m.id));
        let json = |text: &str, what: &str| -> Result<serde_json::Value, StoreError> {
            serde_json::from_str(text).map_err(|_| corrupt(what))
        };
        let roles: Vec<String> = serde_json::from_value(json(&m.roles, "roles")?).map_err(|_| corrupt("roles"))?;
        let roles = roles
            .iter()
            .map(|r| PartyRole::parse(r).ok_or_else(|| corrupt("roles")))
            .collect::<Result<BTreeSet<_>, _>>()?;
        let addresses: Vec<Address> =
            serde_json::from_value(json(&m.addresses, "addresses")?).map_err(|_| corrupt("addresses"))?;
        let bank_accounts: Vec<BankAccount> =
            serde_json::from_value(json(&m.bank_accounts, "bank_accounts")?).map_err(|_| corrupt("bank_accounts"))?;
        let tags: BTreeSet<String> = serde_json::from_value(json(&m.tags, "tags")?).map_err(|_| corrupt("tags"))?;
        let email = m
            .email
            .as_deref()
            .map(domain::email::Email::parse)
            .transpose()
            .map_err(|_| corrupt("email"))?;
        let currency = m
            .currency
            .as_deref()
            .map(domain::currency::Currency::parse)
            .transpose()
            .map_err(|_| corrupt("currency"))?;
        let kind = PartyKind::parse(&m.kind).ok_or_else(|| corrupt("kind"))?;
        Ok(Party {
            id: m.id,
            fields: PartyFields {
                kind,
                name: m.name,
                organization_id: m.organization_id,
                roles,
                email,
                phone: m.phone,
                website: m.website,
                vat_id: m.vat_id,
                addresses,
                bank_accounts,
                payment_terms_days: m.payment_terms_days,
                credit_limit: m.credit_limit.map(|d| d.0),
                currency,
                price_list_id: m.price_list_id,
                customer_group: m.customer_group,
                owner_id: m.owner_id,
                tags,
                notes: m.notes,
                external_id: m.external_id,
            },
            archived_at: m.archived_at,
            version: m.version,
            created_at: m.created_at,
            updated_at: m.updated_at,
        })
    }
}
