//! The HTTP side of what every resource does the same way: how a record is answered (status,
//! `Location`, `ETag`, body), and the standard endpoints (read, create, change, remove, upsert by
//! external id) declared by one macro each. A resource module keeps only what is its own: its
//! DTOs, filters and actions, and one line per standard endpoint naming its use case.
//!
//! The macros declare handlers rather than generic functions because `#[utoipa::path]` documents
//! one concrete function per operation. The invoking module imports actix-web's method attributes
//! (`get`, `post`, `patch`, `put`, `delete`) and `uuid::Uuid`: they must be written bare under
//! `#[utoipa::path]`, which reads them to learn the method and path.

use actix_web::HttpResponse;
use actix_web::http::header;
use app::caller::Caller;
use app::upsert::Upserted;
use domain::record::Record;
use serde::Serialize;

use crate::respond::etag;

/// How a record is shown over HTTP: its response body, which may depend on who asks (the actions
/// they may take).
pub trait Shown: Record + Sized {
    type Response: Serialize;
    fn shown(self, caller: &Caller) -> Self::Response;
}

/// [`Shown`] for a record answered the same whoever asks: its response converts `From` it.
macro_rules! shown_alike {
    ($record:ty => $response:ty) => {
        impl crate::v1::kit::Shown for $record {
            type Response = $response;
            fn shown(self, _: &app::caller::Caller) -> $response {
                self.into()
            }
        }
    };
}

/// 201 with `Location` and `ETag`.
pub fn created<T: Shown>(caller: &Caller, record: T) -> HttpResponse {
    HttpResponse::Created()
        .insert_header((header::LOCATION, T::TYPE.location(record.id())))
        .insert_header(etag(record.version()))
        .json(record.shown(caller))
}

/// 200 with `ETag`.
pub fn current<T: Shown>(caller: &Caller, record: T) -> HttpResponse {
    HttpResponse::Ok()
        .insert_header(etag(record.version()))
        .json(record.shown(caller))
}

/// 201 for a created record, 200 for a replaced one.
pub fn upserted<T: Shown>(caller: &Caller, upserted: Upserted<T>) -> HttpResponse {
    match upserted {
        Upserted::Created(record) => created(caller, record),
        Upserted::Replaced(record) => current(caller, record),
    }
}

/// `GET /{id}`: `|db, caller, id| use case` loads the record the caller may see.
macro_rules! get_endpoint {
    ($(#[doc = $doc:literal])* $name:ident: $record:ty => $response:ident, tag = $tag:literal, id = $id:literal,
     $(also = ($($also:tt)*),)? |$db:ident, $caller:ident, $key:ident| $load:expr) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = $tag,
            params(("id" = Uuid, Path, description = $id)),
            responses(
                (status = 200, description = "The record", body = $response,
                    headers(("ETag" = String, description = "The version, quoted"))),
                $($($also)*,)?
                crate::openapi::ReadErrors,
            ),
            security(("bearer" = [])),
            extensions(("x-permission" = json!(<$record as domain::record::Record>::TYPE.read_permission())))
        )]
        #[get("/{id}")]
        pub async fn $name(
            state: actix_web::web::Data<crate::state::AppState>,
            caller: crate::auth::Authorized,
            id: actix_web::web::Path<uuid::Uuid>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            let $caller: crate::auth::Caller = *caller;
            let ($db, $key) = (&state.db, id.into_inner());
            let record: $record = $load.await?;
            Ok(crate::v1::kit::current(&$caller, record))
        }
    };
    // With `external = name in Table`: also `GET /by-external-id/{external_id}`, the same read
    // found by the key an integrator keeps (a record the caller cannot see is a 404 too).
    ($(#[doc = $doc:literal])* $name:ident: $record:ty => $response:ident, tag = $tag:literal, id = $id:literal,
     external = $external:ident in $table:ty, |$db:ident, $caller:ident, $key:ident| $load:expr) => {
        crate::v1::kit::get_endpoint!($(#[doc = $doc])* $name: $record => $response, tag = $tag, id = $id,
            |$db, $caller, $key| $load);

        /// Read the record by its external id: the same answer as the read by id.
        #[utoipa::path(
            tag = $tag,
            params(("external_id" = String, Path, description = "The record's id in the integrator's system")),
            responses(
                (status = 200, description = "The record", body = $response,
                    headers(("ETag" = String, description = "The version, quoted"))),
                crate::openapi::ReadErrors,
            ),
            security(("bearer" = [])),
            extensions(("x-permission" = json!(<$record as domain::record::Record>::TYPE.read_permission())))
        )]
        #[get("/by-external-id/{external_id}")]
        pub async fn $external(
            state: actix_web::web::Data<crate::state::AppState>,
            caller: crate::auth::Authorized,
            external_id: actix_web::web::Path<String>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            let $caller: crate::auth::Caller = *caller;
            let $db = &state.db;
            let $key = app::lookup::id_by_external_id::<$table>($db, &$caller, &external_id).await?;
            let record: $record = $load.await?;
            Ok(crate::v1::kit::current(&$caller, record))
        }
    };
}

/// `GET` on the collection: a page of the records the caller may see, by `sort` (one of `sorts`;
/// without it `default`, or `updated_at` while syncing with `updated_since`). `filter(query) = …`
/// turns the query into the resource's filter, `|db, caller, filter, request| use case` lists.
macro_rules! list_endpoint {
    ($(#[doc = $doc:literal])* $name:ident: $record:ty => $page:ident, tag = $tag:literal, query = $query_type:ident,
     sorts = $sorts:expr, default = $default:literal, filter($query:ident) = $filter:expr,
     |$db:ident, $caller:ident, $filter_name:ident, $request:ident| $list:expr) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = $tag,
            params($query_type),
            responses(
                (status = 200, description = "A page", body = $page),
                crate::openapi::FilteredListErrors,
            ),
            security(("bearer" = [])),
            extensions(("x-permission" = json!(<$record as domain::record::Record>::TYPE.read_permission())))
        )]
        #[get("")]
        pub async fn $name(
            state: actix_web::web::Data<crate::state::AppState>,
            caller: crate::auth::Authorized,
            query: crate::query::Query<$query_type>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            let $caller: crate::auth::Caller = *caller;
            let $query = query.into_inner();
            let default_sort = crate::pagination::default_sort($query.updated_since.is_some(), $default);
            let sort = $query.sort.as_deref();
            let limit = $query.limit;
            let ($request, sort) = crate::pagination::sorted(sort, default_sort, $sorts, limit, $query.cursor.as_deref(), &$query.include)?;
            let $filter_name = $filter;
            let $db = &state.db;
            let page: persistence::page::Page<$record> = $list.await?;
            let shown = |record: $record| crate::v1::kit::Shown::shown(record, &$caller);
            Ok(actix_web::HttpResponse::Ok().json($page::new(page, &sort, shown)))
        }
    };
}

/// `GET /{id}/{records}` under another resource (a party's cases): as [`list_endpoint`], for the
/// records of the parent `id` (described by `of`); `|db, caller, parent_id, filter, request| use
/// case` lists them, a parent the caller cannot see being a 404.
macro_rules! nested_list_endpoint {
    ($(#[doc = $doc:literal])* $name:ident: $record:ty => $page:ident, tag = $tag:literal, path = $path:literal,
     of = $of:literal, query = $query_type:ident, sorts = $sorts:expr, default = $default:literal,
     filter($query:ident) = $filter:expr,
     |$db:ident, $caller:ident, $parent:ident, $filter_name:ident, $request:ident| $list:expr) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = $tag,
            params(("id" = Uuid, Path, description = $of), $query_type),
            responses(
                (status = 200, description = "A page", body = $page),
                crate::openapi::FilteredReadErrors,
            ),
            security(("bearer" = [])),
            extensions(("x-permission" = json!(<$record as domain::record::Record>::TYPE.read_permission())))
        )]
        #[get($path)]
        pub async fn $name(
            state: actix_web::web::Data<crate::state::AppState>,
            caller: crate::auth::Authorized,
            id: actix_web::web::Path<uuid::Uuid>,
            query: crate::query::Query<$query_type>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            let $caller: crate::auth::Caller = *caller;
            let $query = query.into_inner();
            let default_sort = crate::pagination::default_sort($query.updated_since.is_some(), $default);
            let sort = $query.sort.as_deref();
            let limit = $query.limit;
            let ($request, sort) = crate::pagination::sorted(sort, default_sort, $sorts, limit, $query.cursor.as_deref(), &$query.include)?;
            let $filter_name = $filter;
            let ($db, $parent) = (&state.db, id.into_inner());
            let page: persistence::page::Page<$record> = $list.await?;
            let shown = |record: $record| crate::v1::kit::Shown::shown(record, &$caller);
            Ok(actix_web::HttpResponse::Ok().json($page::new(page, &sort, shown)))
        }
    };
}

/// `POST` on the collection: `|db, caller, body| use case` creates the record from the body.
macro_rules! create_endpoint {
    ($(#[doc = $doc:literal])* $name:ident: $record:ty => $response:ident, tag = $tag:literal, body = $body_type:ident,
     $(also = ($($also:tt)*),)? |$db:ident, $caller:ident, $body:ident| $create:expr) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = $tag,
            request_body = $body_type,
            responses(
                (status = 201, description = "Created", body = $response,
                    headers(("Location" = String, description = "URL of the new record"),
                        ("ETag" = String, description = "The version, quoted"))),
                $($($also)*,)?
                crate::openapi::CreateErrors,
            ),
            security(("bearer" = [])),
            extensions(("x-permission" = json!(<$record as domain::record::Record>::TYPE.write_permission())))
        )]
        #[post("")]
        pub async fn $name(
            state: actix_web::web::Data<crate::state::AppState>,
            caller: crate::auth::Authorized,
            body: crate::extract::Body<$body_type>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            let $caller: crate::auth::Caller = *caller;
            let ($db, $body) = (&state.db, body.0);
            let record: $record = $create.await?;
            Ok(crate::v1::kit::created(&$caller, record))
        }
    };
}

/// `PATCH /{id}` with `If-Match`: `|db, caller, id, if_match, patch| use case` changes the record.
macro_rules! update_endpoint {
    ($(#[doc = $doc:literal])* $name:ident: $record:ty => $response:ident, tag = $tag:literal, id = $id:literal, body = $body_type:ident,
     $(also = ($($also:tt)*),)? |$db:ident, $caller:ident, $key:ident, $if_match:ident, $body:ident| $update:expr) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = $tag,
            params(("id" = Uuid, Path, description = $id), crate::extract::IfMatch),
            request_body = $body_type,
            responses(
                (status = 200, description = "The changed record", body = $response,
                    headers(("ETag" = String, description = "The new version, quoted"))),
                $($($also)*,)?
                crate::openapi::ChangeErrors,
            ),
            security(("bearer" = [])),
            extensions(("x-permission" = json!(<$record as domain::record::Record>::TYPE.write_permission())))
        )]
        #[patch("/{id}")]
        pub async fn $name(
            state: actix_web::web::Data<crate::state::AppState>,
            caller: crate::auth::Authorized,
            req: actix_web::HttpRequest,
            id: actix_web::web::Path<uuid::Uuid>,
            body: crate::extract::Body<$body_type>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            let $caller: crate::auth::Caller = *caller;
            let ($db, $key, $if_match, $body) = (&state.db, id.into_inner(), crate::extract::if_match(&req)?, body.0);
            let record: $record = $update.await?;
            Ok(crate::v1::kit::current(&$caller, record))
        }
    };
}

/// `DELETE /{id}` with `If-Match`, answered 204: `|db, caller, id, if_match| use case` deletes or
/// archives the record, as `$done` says; `also = (…)` documents the answers of its own rules.
macro_rules! remove_endpoint {
    ($(#[doc = $doc:literal])* $name:ident: $record:ty, tag = $tag:literal, id = $id:literal, done = $done:literal,
     $(also = ($($also:tt)*),)? |$db:ident, $caller:ident, $key:ident, $if_match:ident| $remove:expr) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = $tag,
            params(("id" = Uuid, Path, description = $id), crate::extract::IfMatch),
            responses((status = 204, description = $done), $($($also)*,)? crate::openapi::DeleteErrors),
            security(("bearer" = [])),
            extensions(("x-permission" = json!(<$record as domain::record::Record>::TYPE.write_permission())))
        )]
        #[delete("/{id}")]
        pub async fn $name(
            state: actix_web::web::Data<crate::state::AppState>,
            caller: crate::auth::Authorized,
            req: actix_web::HttpRequest,
            id: actix_web::web::Path<uuid::Uuid>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            let $caller: crate::auth::Caller = *caller;
            let ($db, $key, $if_match) = (&state.db, id.into_inner(), crate::extract::if_match(&req)?);
            $remove.await?;
            Ok(actix_web::HttpResponse::NoContent().finish())
        }
    };
}

/// `PUT /by-external-id/{external_id}`: `|db, caller, external_id, if_match, body| use case`
/// creates the record or replaces it whole.
macro_rules! upsert_endpoint {
    ($(#[doc = $doc:literal])* $name:ident: $record:ty => $response:ident, tag = $tag:literal, body = $body_type:ident,
     $(also = ($($also:tt)*),)? |$db:ident, $caller:ident, $key:ident, $if_match:ident, $body:ident| $upsert:expr) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = $tag,
            params(
                ("external_id" = String, Path, description = "The record's id in the integrator's system"),
                crate::extract::IfMatch,
            ),
            request_body = $body_type,
            responses(
                (status = 200, description = "Replaced", body = $response,
                    headers(("ETag" = String, description = "The new version, quoted"))),
                (status = 201, description = "Created", body = $response,
                    headers(("Location" = String, description = "URL of the new record"),
                        ("ETag" = String, description = "The version, quoted"))),
                $($($also)*,)?
                crate::openapi::ChangeErrors,
            ),
            security(("bearer" = [])),
            extensions(("x-permission" = json!(<$record as domain::record::Record>::TYPE.upsert_permission())))
        )]
        #[put("/by-external-id/{external_id}")]
        pub async fn $name(
            state: actix_web::web::Data<crate::state::AppState>,
            caller: crate::auth::Authorized,
            req: actix_web::HttpRequest,
            external_id: actix_web::web::Path<String>,
            body: crate::extract::Body<$body_type>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            let $caller: crate::auth::Caller = *caller;
            let external_id = external_id.into_inner();
            let ($db, $key, $if_match, $body) = (&state.db, external_id.as_str(), crate::extract::if_match(&req)?, body.0);
            let upserted: app::upsert::Upserted<$record> = $upsert.await?;
            Ok(crate::v1::kit::upserted(&$caller, upserted))
        }
    };
}

/// `POST /{id}/{action}` with `If-Match` and no body: `|db, caller, id, if_match| use case` moves
/// the record to its next status, described by `done`. With `body = T`, the action takes a JSON
/// body: `|db, caller, id, if_match, body| use case`.
macro_rules! transition_endpoint {
    ($(#[doc = $doc:literal])* $name:ident: $record:ty => $response:ident, tag = $tag:literal, id = $id:literal,
     path = $path:tt, done = $done:literal, body = $body_type:ty,
     |$db:ident, $caller:ident, $key:ident, $if_match:ident, $body:ident| $act:expr) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = $tag,
            params(("id" = Uuid, Path, description = $id), crate::extract::IfMatch),
            request_body = $body_type,
            responses(
                (status = 200, description = $done, body = $response,
                    headers(("ETag" = String, description = "The new version, quoted"))),
                crate::openapi::ChangeErrors,
            ),
            security(("bearer" = [])),
            extensions(("x-permission" = json!(<$record as domain::record::Record>::TYPE.write_permission())))
        )]
        #[post($path)]
        pub async fn $name(
            state: actix_web::web::Data<crate::state::AppState>,
            caller: crate::auth::Authorized,
            req: actix_web::HttpRequest,
            id: actix_web::web::Path<uuid::Uuid>,
            body: crate::extract::Body<$body_type>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            let $caller: crate::auth::Caller = *caller;
            let ($db, $key, $if_match, $body) = (&state.db, id.into_inner(), crate::extract::if_match(&req)?, body.0);
            let record: $record = $act.await?;
            Ok(crate::v1::kit::current(&$caller, record))
        }
    };
    ($(#[doc = $doc:literal])* $name:ident: $record:ty => $response:ident, tag = $tag:literal, id = $id:literal,
     path = $path:tt, done = $done:literal, $(also = ($($also:tt)*),)?
     |$db:ident, $caller:ident, $key:ident, $if_match:ident| $act:expr) => {
        $(#[doc = $doc])*
        #[utoipa::path(
            tag = $tag,
            params(("id" = Uuid, Path, description = $id), crate::extract::IfMatch),
            responses(
                (status = 200, description = $done, body = $response,
                    headers(("ETag" = String, description = "The new version, quoted"))),
                $($($also)*,)?
                crate::openapi::TransitionErrors,
            ),
            security(("bearer" = [])),
            extensions(("x-permission" = json!(<$record as domain::record::Record>::TYPE.write_permission())))
        )]
        #[post($path)]
        pub async fn $name(
            state: actix_web::web::Data<crate::state::AppState>,
            caller: crate::auth::Authorized,
            req: actix_web::HttpRequest,
            id: actix_web::web::Path<uuid::Uuid>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            let $caller: crate::auth::Caller = *caller;
            let ($db, $key, $if_match) = (&state.db, id.into_inner(), crate::extract::if_match(&req)?);
            let record: $record = $act.await?;
            Ok(crate::v1::kit::current(&$caller, record))
        }
    };
}

/// `POST /batch`: up to 100 records created or replaced by external id, each item as
/// `PUT /by-external-id/{external_id}` would; `|txn, caller, external_id, item| use case` is
/// that upsert in the item's transaction.
macro_rules! batch_endpoint {
    ($(#[doc = $doc:literal])* $name:ident: $record:ty, tag = $tag:literal, body = $body_type:ident, item = $item_type:ident,
     |$txn:ident, $caller:ident, $key:ident, $item:ident| $upsert:expr) => {
        $(#[doc = $doc])*
        ///
        /// Without `all_or_none`, each item is its own transaction and the answer is a 200 with every
        /// item's result, errors included (`problem` is the problem document the single request would
        /// have answered). With `all_or_none`, nothing is committed if any item fails: a 422
        /// `batch_failed` lists every item's result, those that went through as `rolled_back`.
        #[utoipa::path(
            tag = $tag,
            request_body = $body_type,
            responses(
                (status = 200, description = "Every item's result", body = crate::v1::batch::BatchResponse),
                (status = 422, description = "`items` empty or over 100 (`validation_failed`), or an `all_or_none` \
                    batch in which an item failed (`batch_failed`): nothing was committed",
                    body = crate::v1::batch::BatchProblem, content_type = "application/problem+json"),
                crate::openapi::BatchErrors,
            ),
            security(("bearer" = [])),
            extensions(("x-permission" = json!(<$record as domain::record::Record>::TYPE.upsert_permission())))
        )]
        #[post("/batch")]
        pub async fn $name(
            state: actix_web::web::Data<crate::state::AppState>,
            caller: crate::auth::Authorized,
            body: crate::extract::Body<$body_type>,
        ) -> Result<actix_web::HttpResponse, crate::error::ApiError> {
            let $caller: crate::auth::Caller = *caller;
            let body = body.0;
            crate::v1::batch::run(
                &state.db,
                &body.items,
                body.all_or_none,
                |item: &$item_type| item.external_id.as_deref(),
                async |$txn, $item: $item_type| {
                    let external_id = $item.external_id.clone().unwrap_or_default();
                    let $key = external_id.as_str();
                    let upserted: app::upsert::Upserted<$record> = $upsert.await?;
                    Ok(upserted.map(|record| (domain::record::Record::id(&record), domain::record::Record::version(&record))))
                },
            )
            .await
        }
    };
}

pub(crate) use {
    batch_endpoint, create_endpoint, get_endpoint, list_endpoint, nested_list_endpoint, remove_endpoint, shown_alike,
    transition_endpoint, update_endpoint, upsert_endpoint,
};
