//! `/api/v1/attachments`: files attached to records, and `GET /{resource}/{id}/attachments` of
//! each resource whose records take them (mounted in that resource's scope).
//!
//! Uploads are the one body a handler streams (`routes::STREAMED`): the guard checks
//! `write_attachments` before a byte is read, the file goes to the file store as it arrives, and
//! the use case checks the record's own permission and visibility.

mod download;
pub mod dto;
mod upload;

use actix_web::{HttpRequest, HttpResponse, delete, get, post, web};
use domain::access::Permission;
use domain::attachment::Attachment;
use domain::resource::ResourceType;
use persistence::attachments::AttachmentSort;
use uuid::Uuid;

use self::dto::{AttachmentListQuery, AttachmentPage, AttachmentResponse, AttachmentUpload};
use crate::auth::{Authorized, Caller};
use crate::error::ApiError;
use crate::pagination;
use crate::state::AppState;
use crate::v1::kit;
use app::attachments as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/attachments")
            .service(upload_attachment)
            .service(get_attachment)
            .service(download::get_attachment_content)
            .service(delete_attachment)
            .service(list_attachment_history),
    );
}

kit::shown_alike!(Attachment => AttachmentResponse);

const SORTS: &[(&str, AttachmentSort)] = &[("created_at", AttachmentSort::CreatedAt)];

/// Attach a file to a record (`multipart/form-data`: `file`, `resource_type`, `resource_id`, in
/// any order). Needs the record's write permission and sight of it; the attachments of an issued
/// invoice do not change (409 `document_immutable`). The content is stored once per SHA-256, its
/// type sniffed from the bytes. With an `Idempotency-Key`, a retry of the same upload (same
/// `Content-Length`) gets the first answer again instead of making a second attachment.
#[utoipa::path(
    tag = "attachments",
    request_body(content = AttachmentUpload, content_type = "multipart/form-data"),
    responses(
        (status = 201, description = "Attached", body = AttachmentResponse,
            headers(("Location" = String, description = "URL of the new attachment"),
                ("ETag" = String, description = "The version, quoted"))),
        (status = 404, response = crate::openapi::NotFound),
        (status = 408, description = "The upload did not complete within 5 minutes (`request_timeout`): nothing was kept",
            body = crate::error::Problem, content_type = "application/problem+json"),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::WriteAttachments)))
)]
#[post("")]
pub async fn upload_attachment(
    state: web::Data<AppState>,
    caller: Authorized,
    req: HttpRequest,
    payload: web::Payload,
) -> Result<HttpResponse, ApiError> {
    let files = state.files.as_ref();
    let form = upload::read(req.headers(), payload, files, state.max_upload_bytes).await?;
    let attachment = service::create(&state.db, files, &caller, form.input, form.received).await?;
    Ok(kit::created(&caller, attachment))
}

kit::get_endpoint!(
    /// Read an attachment's metadata; its record's read permission and sight of it are needed.
    get_attachment: Attachment => AttachmentResponse, tag = "attachments", id = "Attachment id",
    |db, caller, id| service::get(db, &caller, id)
);

kit::remove_endpoint!(
    /// Delete an attachment; its record's write permission and sight of it are needed, and an
    /// issued invoice keeps its attachments (409 `document_immutable`).
    delete_attachment: Attachment, tag = "attachments", id = "Attachment id", done = "Deleted",
    also = ((status = 409, response = crate::openapi::Conflict)),
    |db, caller, id, if_match| service::delete(db, &caller, id, if_match)
);

crate::v1::history::history_endpoint!(
    /// The history of an attachment: its upload and deletion.
    list_attachment_history,
    Attachment,
    tag = "attachments",
    id = "Attachment id"
);

/// The page of a record's attachments that `query` asks for.
async fn list_of(
    state: &AppState,
    caller: &Caller,
    resource: ResourceType,
    id: Uuid,
    query: AttachmentListQuery,
) -> Result<HttpResponse, ApiError> {
    let (request, sort) = pagination::sorted(
        query.sort.as_deref(),
        "-created_at",
        SORTS,
        query.limit,
        query.cursor.as_deref(),
        &query.include,
    )?;
    let page = service::list_of(&state.db, caller, resource, id, &request).await?;
    Ok(HttpResponse::Ok().json(AttachmentPage::new(page, &sort, AttachmentResponse::from)))
}

/// Declares `GET /{id}/attachments` of a resource whose records take attachments, for its scope.
macro_rules! record_attachments_endpoint {
    ($name:ident, $resource:ident, id = $id:literal) => {
        /// The attachments of a record, the latest first; its read permission and sight of it are needed.
        #[utoipa::path(
                                    tag = "attachments",
                                    params(("id" = Uuid, Path, description = $id), AttachmentListQuery),
                                    responses(
                                        (status = 200, description = "A page of attachments", body = AttachmentPage),
                                        crate::openapi::ReadErrors,
                                    ),
                                    security(("bearer" = [])),
                                    extensions(("x-permission" = json!(Permission::ReadAttachments)))
                                )]
        #[get("/{id}/attachments")]
        pub async fn $name(
            state: web::Data<AppState>,
            caller: Authorized,
            id: web::Path<Uuid>,
            query: crate::query::Query<AttachmentListQuery>,
        ) -> Result<HttpResponse, ApiError> {
            list_of(
                &state,
                &caller,
                ResourceType::$resource,
                id.into_inner(),
                query.into_inner(),
            )
            .await
        }
    };
}

record_attachments_endpoint!(list_party_attachments, Party, id = "Party id");
record_attachments_endpoint!(list_activity_attachments, Activity, id = "Activity id");
record_attachments_endpoint!(list_opportunity_attachments, Opportunity, id = "Opportunity id");
record_attachments_endpoint!(list_offer_attachments, Offer, id = "Offer id");
record_attachments_endpoint!(list_sales_order_attachments, SalesOrder, id = "Sales order id");
record_attachments_endpoint!(list_invoice_attachments, Invoice, id = "Invoice id");
record_attachments_endpoint!(list_case_attachments, Case, id = "Case id");
record_attachments_endpoint!(list_contract_attachments, Contract, id = "Contract id");
