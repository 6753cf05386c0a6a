//! Finding the record a use case is about, in the caller's sight: what every resource's `get`
//! and every change start with. A record the caller may not see is "not found", as one that
//! does not exist.

use domain::record::Record;
use persistence::table::{self, Table};
use persistence::visibility::Visibility;
use persistence::{ConnectionTrait, DatabaseConnection};
use uuid::Uuid;

use crate::caller::Caller;
use crate::error::AppError;

/// The record with this id.
pub async fn get<T: Table>(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<T::Record, AppError> {
    table::find::<T>(db, id, caller.visibility())
        .await?
        .ok_or(AppError::not_found(<T::Record as Record>::TYPE))
}

/// The record with this id, of a resource every reader sees whole (the catalog, the settings).
pub async fn any<T: Table>(db: &DatabaseConnection, id: Uuid) -> Result<T::Record, AppError> {
    table::find::<T>(db, id, Visibility::All)
        .await?
        .ok_or(AppError::not_found(<T::Record as Record>::TYPE))
}

/// The record with this id, locked for a change until the transaction ends.
pub async fn for_update<T: Table>(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    id: Uuid,
) -> Result<T::Record, AppError> {
    table::find_for_update::<T>(conn, id, caller.visibility())
        .await?
        .ok_or(AppError::not_found(<T::Record as Record>::TYPE))
}
