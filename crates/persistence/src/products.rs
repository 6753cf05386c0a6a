//! The products table: rows <-> `domain::product::Product`, lists with filters and keyset pages.

use chrono::{DateTime, Utc};
use domain::currency::Currency;
use domain::product::{Product, ProductFields, ProductKind};
use sea_orm::{ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, EntityTrait, QueryFilter};
use uuid::Uuid;

use crate::decimal_text::DecimalText;
use crate::entities::product::{ActiveModel, Column, Entity, Model};
use crate::error::StoreError;
use crate::page::{self, Page, PageRequest, SortKey};
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
    pub kind: Option<ProductKind>,
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
    const ID: Column = Column::Id;
    const VERSION: Column = Column::Version;
    const CREATED_AT: Column = Column::CreatedAt;
    const EXTERNAL_ID: Option<Column> = Some(Column::ExternalId);

    async fn load(_conn: &impl ConnectionTrait, rows: Vec<Model>) -> Result<Vec<Product>, StoreError> {
        rows.into_iter().map(to_product).collect()
    }
}

pub async fn insert(conn: &impl ConnectionTrait, product: &Product) -> Result<(), StoreError> {
    table::insert::<Products, _>(conn, to_active_model(product)).await
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
    let mut condition = Condition::all();
    if !filter.include_archived {
        condition = condition.add(Column::ArchivedAt.is_null());
    }
    if let Some(kind) = filter.kind {
        condition = condition.add(Column::Kind.eq(kind.as_str()));
    }
    if let Some(group) = &filter.product_group {
        condition = condition.add(search::equals(Column::ProductGroup, group));
    }
    if let Some(active) = filter.active {
        condition = condition.add(Column::Active.eq(active));
    }
    if let Some(sku) = &filter.sku {
        condition = condition.add(search::equals(Column::Sku, sku));
    }
    if let Some(external_id) = &filter.external_id {
        condition = condition.add(search::equals(Column::ExternalId, external_id));
    }
    if let Some(q) = &filter.q {
        condition = condition.add(search::contains(Column::SearchText, q));
    }
    if let Some(since) = filter.updated_since {
        condition = condition.add(Column::UpdatedAt.gte(since));
    }
    let key = match request.sort {
        ProductSort::Name => Column::Name,
        ProductSort::Sku => Column::Sku,
        ProductSort::CreatedAt => Column::CreatedAt,
        ProductSort::UpdatedAt => Column::UpdatedAt,
    };
    let sort = request.sort;
    page::fetch(
        conn,
        Entity::find().filter(condition),
        (key, Column::Id),
        request,
        to_product,
        |p| {
            let key = match sort {
                ProductSort::Name => SortKey::Text(p.fields.name.clone()),
                ProductSort::Sku => SortKey::Text(p.fields.sku.clone()),
                ProductSort::CreatedAt => SortKey::Time(p.created_at),
                ProductSort::UpdatedAt => SortKey::Time(p.updated_at),
            };
            (key, p.id)
        },
    )
    .await
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
