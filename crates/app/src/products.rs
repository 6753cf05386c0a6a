//! Product use cases: each mutating one is a single transaction with its history entry.

use domain::product::{EXTERNAL_ID_MAX, Product, ProductFields, ProductInput};
use domain::resource::ResourceType;
use persistence::page::{Page, PageRequest};
use persistence::products::{self, ProductFilter, ProductSort};
use persistence::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, StoreError, TransactionTrait};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::{AppError, ErrorCode};
use crate::history::Change;
use crate::lookup;
use crate::transaction;
use crate::upsert::{self, Upserted};
use crate::versioned::{self, Versioned};
use crate::versions::check_version;
use chrono::{DateTime, Utc};
use domain::money::shown_price;
use persistence::products::Products;
use persistence::table;

use serde_json::{Value, json};

pub const RESOURCE: ResourceType = ResourceType::Product;

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: ProductInput) -> Result<Product, AppError> {
    let fields = input.validate()?;
    let txn = persistence::db::begin(db).await?;
    let product = insert_new(&txn, caller, fields).await?;
    transaction::commit(txn).await?;
    Ok(product)
}

pub async fn get(db: &DatabaseConnection, id: Uuid) -> Result<Product, AppError> {
    lookup::any::<Products>(db, id).await
}

pub async fn list(
    db: &DatabaseConnection,
    filter: &ProductFilter,
    request: &PageRequest<ProductSort>,
) -> Result<Page<Product>, AppError> {
    Ok(products::list(db, filter, request).await?)
}

/// Applies `change` to the current record and writes it if its version is still the one read
/// (and the one in `If-Match`, when given).
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut ProductInput),
) -> Result<Product, AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = find_for_update(&txn, caller, id).await?;
    let mut input = ProductInput::from(current.fields.clone());
    change(&mut input);
    let fields = input.validate()?;
    check_version(current.version, if_match)?;
    let product = write_new_version(&txn, caller, current, fields, false).await?;
    transaction::commit(txn).await?;
    Ok(product)
}

/// Archives the product: it stays readable by id (and on the documents that name it) and leaves
/// the lists and the lines to come. Archiving twice is harmless.
pub async fn archive(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
) -> Result<(), AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = find_for_update(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    if !current.is_archived() {
        let fields = current.fields.clone();
        write_new_version(&txn, caller, current, fields, true).await?;
    }
    transaction::commit(txn).await?;
    Ok(())
}

/// `PUT /products/by-external-id/{external_id}`: creates the product, or replaces the whole
/// record (omitted fields get their defaults).
pub async fn upsert(
    db: &impl TransactionTrait<Transaction = DatabaseTransaction>,
    caller: &Caller,
    external_id: &str,
    mut input: ProductInput,
    if_match: Option<i32>,
) -> Result<Upserted<Product>, AppError> {
    let external_id = upsert::claim_external_id(external_id, &mut input.external_id, EXTERNAL_ID_MAX)?;
    let fields = input.validate()?;
    upsert::by_external_id::<Products>(
        db,
        caller,
        &external_id,
        if_match,
        async |txn| insert_new(txn, caller, fields.clone()).await,
        async |txn, current| {
            check_version(current.version, if_match)?;
            write_new_version(txn, caller, current, fields.clone(), false).await
        },
    )
    .await
}

async fn find_for_update(conn: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<Product, AppError> {
    lookup::for_update::<Products>(conn, caller, id).await
}

async fn insert_new(conn: &impl ConnectionTrait, caller: &Caller, fields: ProductFields) -> Result<Product, AppError> {
    check_unique(conn, &fields, None).await?;
    let at = now();
    let product = Product {
        id: Uuid::now_v7(),
        fields,
        archived_at: None,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    products::insert(conn, &product).await.map_err(duplicate)?;
    versioned::record_creation::<Products>(conn, caller, &product).await?;
    Ok(product)
}

/// Writes `fields` as the next version of `current`, archiving it too when `archive` is set, and
/// records the change. Identical fields write nothing.
async fn write_new_version(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    current: Product,
    fields: ProductFields,
    archive: bool,
) -> Result<Product, AppError> {
    if fields == current.fields && !archive {
        return Ok(current);
    }
    check_unique(conn, &fields, Some(&current.fields)).await?;
    let at = now();
    let changed = Product {
        fields,
        archived_at: current.archived_at.or(archive.then_some(at)),
        ..current.clone()
    };
    versioned::write_next::<Products>(conn, caller, &current, changed, at).await
}

impl Versioned for Products {
    const FORM: fn(&Product) -> Value = record;

    fn next_version(product: Product, at: DateTime<Utc>) -> Product {
        Product {
            version: product.version + 1,
            updated_at: at,
            ..product
        }
    }

    fn change(before: &Product, after: &Product) -> Change {
        if !before.is_archived() && after.is_archived() {
            Change::Archived
        } else {
            Change::Updated
        }
    }

    async fn write(conn: &impl ConnectionTrait, product: &Product, expected_version: i32) -> Result<bool, AppError> {
        products::update(conn, product, expected_version)
            .await
            .map_err(duplicate)
    }
}

/// A new SKU or external id must be free; the 409 names the product that has it. The unique
/// indexes are the backstop when two requests race.
async fn check_unique(
    conn: &impl ConnectionTrait,
    fields: &ProductFields,
    current: Option<&ProductFields>,
) -> Result<(), AppError> {
    if current.is_none_or(|c| c.sku != fields.sku)
        && let Some(other) = products::find_by_sku(conn, &fields.sku).await?
    {
        return Err(AppError::conflict(
            ErrorCode::DuplicateSku,
            format!("another product has the SKU `{}`", fields.sku),
            Some(other.id),
        ));
    }
    if let Some(external_id) = fields.external_id.as_deref()
        && current.is_none_or(|c| c.external_id.as_deref() != Some(external_id))
        && let Some(other) = table::find_by_external_id::<Products>(conn, external_id).await?
    {
        return Err(AppError::conflict(
            ErrorCode::DuplicateExternalId,
            format!("another product has the external id `{external_id}`"),
            Some(other.id),
        ));
    }
    Ok(())
}

fn duplicate(error: StoreError) -> AppError {
    if error.is_duplicate_of("sku") {
        AppError::conflict(ErrorCode::DuplicateSku, "another product has this SKU", None)
    } else if error.is_duplicate_of("external_id") {
        AppError::conflict(
            ErrorCode::DuplicateExternalId,
            "another product has this external id",
            None,
        )
    } else {
        error.into()
    }
}

/// A product as history and the change feed keep it.
pub fn record(product: &Product) -> Value {
    let f = &product.fields;
    json!({
        "id": product.id,
        "sku": f.sku,
        "name": f.name,
        "description": f.description,
        "kind": f.kind.as_str(),
        "unit": f.unit,
        "list_price": shown_price(f.list_price, f.currency),
        "currency": f.currency.code(),
        "tax_rate": f.tax_rate,
        "product_group": f.product_group,
        "active": f.active,
        "external_id": f.external_id,
        "archived_at": product.archived_at,
        "version": product.version,
        "created_at": product.created_at,
        "updated_at": product.updated_at,
    })
}
