//! Price list use cases. A list is written whole, with its history entry, in one transaction.

use chrono::{DateTime, Utc};
use domain::pricing::{PriceList, PriceListFields, PriceListInput};
use domain::resource::ResourceType;
use persistence::page::{Page, PageRequest, SyncOrder};
use persistence::price_lists::{self, PriceListSummary};
use persistence::{ConnectionTrait, DatabaseConnection, parties, products};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::{AppError, ErrorCode};
use crate::lookup;
use crate::transaction;
use crate::versioned::{self, Versioned};
use domain::money::shown_price;
use persistence::price_lists::PriceLists;

use serde_json::{Value, json};

pub const RESOURCE: ResourceType = ResourceType::PriceList;

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: PriceListInput) -> Result<PriceList, AppError> {
    let fields = input.validate()?;
    let txn = persistence::db::begin(db).await?;
    check_products(&txn, &fields).await?;
    let at = now();
    let list = PriceList {
        id: Uuid::now_v7(),
        fields,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    price_lists::insert(&txn, &list).await?;
    versioned::record_creation::<PriceLists>(&txn, caller, &list).await?;
    transaction::commit(txn).await?;
    Ok(list)
}

pub async fn get(db: &DatabaseConnection, id: Uuid) -> Result<PriceList, AppError> {
    lookup::any::<PriceLists>(db, id).await
}

pub async fn list(
    db: &DatabaseConnection,
    updated_since: Option<DateTime<Utc>>,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<PriceListSummary>, AppError> {
    Ok(price_lists::list(db, updated_since, request).await?)
}

pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut PriceListInput),
) -> Result<PriceList, AppError> {
    versioned::change::<PriceLists, _>(
        db,
        caller,
        id,
        if_match,
        async |_, current| {
            let unchanged = PriceListInput::from(current.fields.clone());
            let mut input = unchanged.clone();
            change(&mut input);
            current
                .fields
                .check_change(&input, input.entries != unchanged.entries)?;
            Ok(input.validate()?)
        },
        async |txn, current, fields, _| {
            if fields == current.fields {
                return Ok(None);
            }
            check_products(txn, &fields).await?;
            Ok(Some(PriceList {
                fields,
                ..current.clone()
            }))
        },
    )
    .await
}

/// Deletes a list no party is priced by; one in use is a 409 (assign the parties another first).
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: Uuid, if_match: Option<i32>) -> Result<(), AppError> {
    versioned::delete::<PriceLists>(db, caller, id, if_match, async |txn, _| {
        if parties::uses_price_list(txn, id).await? {
            return Err(AppError::conflict(
                ErrorCode::PriceListInUse,
                "parties are priced by this list: give them another one first",
                Some(id),
            ));
        }
        price_lists::delete(txn, id).await?;
        Ok(())
    })
    .await
}

impl Versioned for PriceLists {
    const FORM: fn(&PriceList) -> Value = record;

    fn next_version(list: PriceList, at: DateTime<Utc>) -> PriceList {
        PriceList {
            version: list.version + 1,
            updated_at: at,
            ..list
        }
    }

    async fn write(conn: &impl ConnectionTrait, list: &PriceList, expected_version: i32) -> Result<bool, AppError> {
        Ok(price_lists::update(conn, list, expected_version).await?)
    }
}

/// Every entry names a product of the catalog.
async fn check_products(conn: &impl ConnectionTrait, fields: &PriceListFields) -> Result<(), AppError> {
    let mut ids: Vec<Uuid> = fields.entries.iter().map(|e| e.product_id).collect();
    ids.sort_unstable();
    ids.dedup();
    let known: std::collections::HashSet<Uuid> = products::find_many(conn, &ids)
        .await?
        .into_iter()
        .map(|p| p.id)
        .collect();
    let mut errors = domain::validation::ValidationErrors::new();
    for (i, entry) in fields.entries.iter().enumerate() {
        if !known.contains(&entry.product_id) {
            errors.add(
                format!("entries[{i}].product_id"),
                "not_found",
                "no product with this id",
            );
        }
    }
    errors.finish(|| ()).map_err(Into::into)
}

/// A price list as history and the change feed keep it, with its entries in their order.
pub fn record(list: &PriceList) -> Value {
    let f = &list.fields;
    let entries: Vec<Value> = f
        .entries
        .iter()
        .map(|e| {
            json!({
                "product_id": e.product_id,
                "unit_price": shown_price(e.unit_price, f.currency),
                "min_quantity": e.min_quantity,
            })
        })
        .collect();
    // The lists go in by move: `json!` would copy each of their values once more.
    let mut form = json!({
        "id": list.id,
        "name": f.name,
        "currency": f.currency.code(),
        "valid_from": f.valid_from,
        "valid_to": f.valid_to,
        "version": list.version,
        "created_at": list.created_at,
        "updated_at": list.updated_at,
    });
    form["entries"] = Value::Array(entries);
    form
}
