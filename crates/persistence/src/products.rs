//! The products table: rows <-> `domain::product::Product`, lists with filters and keyset pages.

use chrono::{DateTime, Utc};
use domain::currency::Currency;
use domain::product::{Product, ProductFields, ProductKind};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::decimal_text::DecimalText;
use crate::entities::product::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::filter::Filter;
use crate::page::{self, Page, PageRequest, SortBy, SortKey};
use crate::search;
use crate::table::{self, Table};

const TABLE: &str = "products";

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProductSort {
    Name,
    Sku,
    CreatedAt,
    UpdatedAt,
}

#[derive(Debug, Clone, Default)]
pub struct ProductFilter {
    pub kind: Vec<ProductKind>,
    pub product_group: Option<String>,
    pub active: Option<bool>,
    pub sku: Option<String>,
    pub external_id: Option<String>,
    pub q: Option<String>,
    pub updated_since: Option<DateTime<Utc>>,
    pub include_archived: bool,
}

/// The products table, for the shared kit (`crate::table`).
pub struct Products;

impl Table for Products {
    type Entity = Entity;
    type Record = Product;
    table::versioned_columns!();
    const EXTERNAL_ID: Option<Column> = Some(Column::ExternalId);

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<Product>, StoreError> {
        rows.into_iter().map(to_product).collect()
    }
}

pub async fn insert(conn: &impl ConnectionTrait, product: &Product) -> Result<(), StoreError> {
    table::insert::<Products, _>(conn, [to_active_model(product)]).await
}

/// Writes `product` if the stored version is still `expected_version`.
pub async fn update(conn: &impl ConnectionTrait, product: &Product, expected_version: i32) -> Result<bool, StoreError> {
    table::update::<Products, _>(conn, to_active_model(product), product.id, expected_version).await
}

/// The products with these ids, in one query (the lines of a document name many).
pub async fn find_many(conn: &impl ConnectionTrait, ids: &[Uuid]) -> Result<Vec<Product>, StoreError> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    Entity::find()
        .filter(Column::Id.is_in(ids.iter().copied()))
        .all(conn)
        .await?
        .into_iter()
        .map(to_product)
        .collect()
}

/// The product with this SKU, archived ones included.
pub async fn find_by_sku(conn: &impl ConnectionTrait, sku: &str) -> Result<Option<Product>, StoreError> {
    Entity::find()
        .filter(Column::Sku.eq(sku))
        .one(conn)
        .await?
        .map(to_product)
        .transpose()
}

pub async fn list(
    conn: &impl ConnectionTrait,
    filter: &ProductFilter,
    request: &PageRequest<ProductSort>,
) -> Result<Page<Product>, StoreError> {
    let condition = Filter::all()
        .unless(filter.include_archived, Column::ArchivedAt.is_null())
        .any_of(&filter.kind, |kind| Column::Kind.eq(kind.as_str()))
        .equals(Column::ProductGroup, filter.product_group.as_deref())
        .eq(Column::Active, filter.active)
        .equals(Column::Sku, filter.sku.as_deref())
        .equals(Column::ExternalId, filter.external_id.as_deref())
        .when(filter.q.as_deref(), |q| search::contains(Column::SearchText, q))
        .updated_since(Column::UpdatedAt, filter.updated_since)
        .condition();
    let sort: SortBy<Column, Product> = match request.sort {
        ProductSort::Name => SortBy::new(Column::Name, |p| (SortKey::Text(p.fields.name.clone()), p.id)),
        ProductSort::Sku => SortBy::new(Column::Sku, |p| (SortKey::Text(p.fields.sku.clone()), p.id)),
        ProductSort::CreatedAt => SortBy::new(Column::CreatedAt, |p| (SortKey::Time(p.created_at), p.id)),
        ProductSort::UpdatedAt => SortBy::new(Column::UpdatedAt, |p| (SortKey::Time(p.updated_at), p.id)),
    };
    let select = Entity::find().filter(condition);
    page::fetch_sorted(conn, select, sort, Column::Id, request, to_product).await
}

/// What `q` searches: SKU, name and external id, lower-cased with Unicode rules.
fn search_text(fields: &ProductFields) -> String {
    [
        Some(fields.sku.as_str()),
        Some(fields.name.as_str()),
        fields.external_id.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n")
    .to_lowercase()
}

fn to_active_model(p: &Product) -> ActiveModel {
    let f = &p.fields;
    ActiveModel {
        id: Set(p.id),
        sku: Set(f.sku.clone()),
        name: Set(f.name.clone()),
        description: Set(f.description.clone()),
        kind: Set(f.kind.as_str().to_owned()),
        unit: Set(f.unit.clone()),
        list_price: Set(DecimalText(f.list_price)),
        currency: Set(f.currency.code().to_owned()),
        tax_rate: Set(DecimalText(f.tax_rate)),
        product_group: Set(f.product_group.clone()),
        active: Set(f.active),
        external_id: Set(f.external_id.clone()),
        search_text: Set(search_text(f)),
        archived_at: Set(p.archived_at),
        version: Set(p.version),
        created_at: Set(p.created_at),
        updated_at: Set(p.updated_at),
    }
}

fn to_product(m: Model) -> Result<Product, StoreError> {
    let corrupt = |what: &str| StoreError::corrupt(TABLE, format!("{what} in row {}", m.id));
    Ok(Product {
        id: m.id,
        fields: ProductFields {
            kind: ProductKind::parse(&m.kind).ok_or_else(|| corrupt("kind"))?,
            currency: Currency::parse(&m.currency).map_err(|_| corrupt("currency"))?,
            sku: m.sku,
            name: m.name,
            description: m.description,
            unit: m.unit,
            list_price: m.list_price.0,
            tax_rate: m.tax_rate.0,
            product_group: m.product_group,
            active: m.active,
            external_id: m.external_id,
        },
        archived_at: m.archived_at,
        version: m.version,
        created_at: m.created_at,
        updated_at: m.updated_at,
    })
}
