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

/// The id of the record with this external id, if the caller sees it; else a 404, whether or not
/// a record they cannot see has it (an id no record can have, too long or with a NUL, is one).
pub async fn id_by_external_id<T: Table>(
    db: &DatabaseConnection,
    caller: &Caller,
    external_id: &str,
) -> Result<Uuid, AppError> {
    let not_found = || AppError::not_found(<T::Record as Record>::TYPE);
    let external_id =
        domain::text::required(external_id, domain::document::EXTERNAL_ID_MAX).map_err(|_| not_found())?;
    table::id_by_external_id::<T>(db, &external_id, caller.visibility())
        .await?
        .ok_or_else(not_found)
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
