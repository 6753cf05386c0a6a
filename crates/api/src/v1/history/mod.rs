//! The history of every business record: one mechanism for all resources.
//!
//! Use cases record each change with `app::history::record`, in the change's transaction; each
//! resource mounts its own `GET …/{id}/history`, made by [`history_endpoint!`], which answers
//! what `app::history::of` finds.

pub mod dto;

use actix_web::HttpResponse;
use domain::resource::ResourceType;
use uuid::Uuid;

pub use self::dto::HistoryQuery;
use self::dto::{HISTORY_SORT, HistoryEntryResponse, HistoryPage};
use crate::auth::Caller;
use crate::error::ApiError;
use crate::pagination::{self, KeyKind};
use crate::state::AppState;

/// The page of history entries of one record that `query` asks for.
pub async fn respond(
    state: &AppState,
    caller: &Caller,
    resource: ResourceType,
    id: Uuid,
    query: &HistoryQuery,
) -> Result<HttpResponse, ApiError> {
    let request = pagination::oldest_first_by(
        HISTORY_SORT,
        KeyKind::Time,
        query.limit,
        query.cursor.as_deref(),
        &query.include,
    )?;
    let page = app::history::of(&state.db, caller, resource, id, &request).await?;
    Ok(HttpResponse::Ok().json(HistoryPage::new(page, HISTORY_SORT, HistoryEntryResponse::from)))
}

/// Declares the `GET /{id}/history` handler of a resource: every resource's is the same but for
/// its names in the document. The invoking module imports actix-web's `get` (the attribute must
/// be written bare under `#[utoipa::path]`).
macro_rules! history_endpoint {
    ($(#[doc = $doc:literal])* $name:ident, $resource:ident, tag = $tag:literal, id = $id:literal) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = $tag,
            params(("id" = Uuid, Path, description = $id), crate::v1::history::dto::HistoryQuery),
            responses(
                (status = 200, description = "A page of history entries", body = crate::v1::history::dto::HistoryPage),
                crate::openapi::ReadErrors,
            ),
            security(("bearer" = [])),
            extensions(("x-permission" = json!(domain::resource::ResourceType::$resource.read_permission())))
        )]
        #[get("/{id}/history")]
        pub async fn $name(
            state: actix_web::web::Data<crate::state::AppState>,
            caller: crate::auth::Authorized,
            id: actix_web::web::Path<uuid::Uuid>,
            query: crate::query::Query<crate::v1::history::dto::HistoryQuery>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            let resource = domain::resource::ResourceType::$resource;
            crate::v1::history::respond(&state, &caller, resource, id.into_inner(), &query).await
        }
    };
}
pub(crate) use history_endpoint;
