//! Product use cases: each mutating one is a single transaction with its history entry.

use domain::history::Action;
use domain::product::{EXTERNAL_ID_MAX, Product, ProductFields, ProductInput};
use persistence::page::{Page, PageRequest};
use persistence::products::{self, ProductFilter, ProductSort};
use persistence::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, StoreError, TransactionTrait};
use uuid::Uuid;

use super::dto::ProductResponse;
use crate::auth::Caller;
use crate::error::ApiError;
use crate::extract::check_version;
use crate::state::now;
use crate::v1::history::service as history;
use crate::v1::upsert::{self, Upserted};

pub const RESOURCE: &str = "product";

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: ProductInput) -> Result<Product, ApiError> {
    let fields = input.validate()?;
    let txn = db.begin().await?;
    let product = insert_new(&txn, caller, fields).await?;
    txn.commit().await?;
    Ok(product)
}

pub async fn get(db: &DatabaseConnection, id: Uuid) -> Result<Product, ApiError> {
    products::find(db, id)
        .await?
        .ok_or(ApiError::NotFound { resource: RESOURCE })
}

pub async fn list(
    db: &DatabaseConnection,
    filter: &ProductFilter,
    request: &PageRequest<ProductSort>,
) -> Result<Page<Product>, ApiError> {
    Ok(products::list(db, filter, request).await?)
}

/// The history of a product.
pub async fn history(
    db: &DatabaseConnection,
    id: Uuid,
    request: &PageRequest<()>,
) -> Result<Page<persistence::history::Entry>, ApiError> {
    get(db, id).await?;
    history::list(db, RESOURCE, id, request).await
}

/// Applies `change` to the current record and writes it if its version is still the one read
/// (and the one in `If-Match`, when given).
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut ProductInput),
) -> Result<Product, ApiError> {
    let txn = db.begin().await?;
    let current = find_for_update(&txn, id).await?;
    let mut input = ProductInput::from(current.fields.clone());
    change(&mut input);
    let fields = input.validate()?;
    check_version(current.version, if_match)?;
    let product = write_new_version(&txn, caller, current, fields, false).await?;
    txn.commit().await?;
    Ok(product)
}

/// Archives the product: it stays readable by id (and on the documents that name it) and leaves
/// the lists and the lines to come. Archiving twice is harmless.
pub async fn archive(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
) -> Result<(), ApiError> {
    let txn = db.begin().await?;
    let current = find_for_update(&txn, id).await?;
    check_version(current.version, if_match)?;
    if !current.is_archived() {
        let fields = current.fields.clone();
        write_new_version(&txn, caller, current, fields, true).await?;
    }
    txn.commit().await?;
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
) -> Result<Upserted<Product>, ApiError> {
    let external_id = upsert::claim_external_id(external_id, &mut input.external_id, EXTERNAL_ID_MAX)?;
    let fields = input.validate()?;
    upsert::retrying_a_lost_race(|| upsert_once(db, caller, &external_id, fields.clone(), if_match)).await
}

async fn upsert_once(
    db: &impl TransactionTrait<Transaction = DatabaseTransaction>,
    caller: &Caller,
    external_id: &str,
    fields: ProductFields,
    if_match: Option<i32>,
) -> Result<Upserted<Product>, ApiError> {
    let txn = db.begin().await?;
    let result = match products::find_by_external_id(&txn, external_id).await? {
        None if if_match.is_some() => return Err(ApiError::NotFound { resource: RESOURCE }),
        None => Upserted::Created(insert_new(&txn, caller, fields).await?),
        Some(current) => {
            check_version(current.version, if_match)?;
            Upserted::Replaced(write_new_version(&txn, caller, current, fields, false).await?)
        }
    };
    txn.commit().await?;
    Ok(result)
}

async fn find_for_update(conn: &impl ConnectionTrait, id: Uuid) -> Result<Product, ApiError> {
    products::find_for_update(conn, id)
        .await?
        .ok_or(ApiError::NotFound { resource: RESOURCE })
}

async fn insert_new(conn: &impl ConnectionTrait, caller: &Caller, fields: ProductFields) -> Result<Product, ApiError> {
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
    let after = ProductResponse::from(product.clone());
    history::record(conn, caller, RESOURCE, product.id, Action::Created, None, &after).await?;
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
) -> Result<Product, ApiError> {
    if fields == current.fields && !archive {
        return Ok(current);
    }
    check_unique(conn, &fields, Some(&current.fields)).await?;
    let before = ProductResponse::from(current.clone());
    let at = now();
    let product = Product {
        fields,
        archived_at: current.archived_at.or(archive.then_some(at)),
        version: current.version + 1,
        updated_at: at,
        ..current
    };
    if !products::update(conn, &product, before.version)
        .await
        .map_err(duplicate)?
    {
        // The row was locked when read, so only a writer bypassing that lock gets here.
        return Err(ApiError::concurrent_update());
    }
    let action = if archive { Action::Archived } else { Action::Updated };
    let after = ProductResponse::from(product.clone());
    history::record(conn, caller, RESOURCE, product.id, action, Some(&before), &after).await?;
    Ok(product)
}

/// A new SKU or external id must be free; the 409 names the product that has it. The unique
/// indexes are the backstop when two requests race.
async fn check_unique(
    conn: &impl ConnectionTrait,
    fields: &ProductFields,
    current: Option<&ProductFields>,
) -> Result<(), ApiError> {
    if current.is_none_or(|c| c.sku != fields.sku)
        && let Some(other) = products::find_by_sku(conn, &fields.sku).await?
    {
        return Err(ApiError::conflict(
            "duplicate_sku",
            format!("another product has the SKU `{}`", fields.sku),
            Some(other.id),
        ));
    }
    if let Some(external_id) = fields.external_id.as_deref()
        && current.is_none_or(|c| c.external_id.as_deref() != Some(external_id))
        && let Some(other) = products::find_by_external_id(conn, external_id).await?
    {
        return Err(ApiError::conflict(
            "duplicate_external_id",
            format!("another product has the external id `{external_id}`"),
            Some(other.id),
        ));
    }
    Ok(())
}

fn duplicate(error: StoreError) -> ApiError {
    if error.is_duplicate_of("sku") {
        ApiError::conflict("duplicate_sku", "another product has this SKU", None)
    } else if error.is_duplicate_of("external_id") {
        ApiError::conflict("duplicate_external_id", "another product has this external id", None)
    } else {
        error.into()
    }
}
