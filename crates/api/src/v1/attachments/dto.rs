//! The attachment resource as it travels over HTTP.

use chrono::{DateTime, Utc};
use domain::attachment::Attachment;
use domain::resource::ResourceType;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

/// A file attached to a record.
#[derive(Debug, Serialize, ToSchema)]
pub struct AttachmentResponse {
    pub id: Uuid,
    /// The type of the record it is attached to, spelled as in events.
    #[schema(schema_with = attachable_types)]
    pub resource_type: String,
    pub resource_id: Uuid,
    pub filename: String,
    /// Sniffed from the content, not taken from the client.
    pub content_type: String,
    /// Bytes.
    pub size: i64,
    /// Lowercase hex SHA-256 of the content: the `ETag` of its download.
    pub sha256: String,
    pub created_by: Uuid,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl From<Attachment> for AttachmentResponse {
    fn from(a: Attachment) -> Self {
        Self {
            id: a.id,
            resource_type: a.resource_type.as_str().to_owned(),
            resource_id: a.resource_id,
            filename: a.filename,
            content_type: a.content_type,
            size: a.size,
            sha256: a.sha256,
            created_by: a.created_by,
            version: a.version,
            created_at: a.created_at,
            updated_at: a.updated_at,
        }
    }
}

/// The parts of an upload (`multipart/form-data`), in any order; no others (`deny_unknown_fields`
/// says so in the schema: `additionalProperties: false`).
#[derive(Debug, ToSchema, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)] // Only its schema matters: the handler reads the parts as they stream in.
pub struct AttachmentUpload {
    /// The content, up to `CRM_MAX_UPLOAD_BYTES` (25 MiB by default). Its part's filename (in
    /// `Content-Disposition`) is the attachment's: a name, not a path, at most 255 bytes; control
    /// characters are dropped. The part's content type is ignored: the server sniffs it.
    #[schema(value_type = String, format = Binary)]
    pub file: Vec<u8>,
    /// The type of the record to attach to.
    #[schema(schema_with = attachable_types)]
    pub resource_type: String,
    /// The id of the record to attach to.
    pub resource_id: Uuid,
}

/// An attachment's bytes, as downloaded.
#[derive(Debug, ToSchema)]
#[schema(value_type = String, format = Binary)]
#[allow(dead_code)] // Only its schema matters: the handler streams the bytes.
pub struct FileContent(Vec<u8>);

/// The resources whose records take attachments, from the one table of resources.
fn attachable_types() -> utoipa::openapi::Object {
    use utoipa::openapi::{ObjectBuilder, Type};
    ObjectBuilder::new()
        .schema_type(Type::String)
        .enum_values(Some(ResourceType::with_attachments().map(ResourceType::as_str)))
        .build()
}

/// The page of `GET /{resource}/{id}/attachments`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AttachmentListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// `created_at`, `-` for descending (default `-created_at`: the latest first).
    #[param(value_type = Option<String>, pattern = "^-?(created_at)$")]
    pub sort: Option<crate::query::Sort>,
}

crate::pagination::page_of!(
    /// A page of attachments.
    AttachmentPage(AttachmentResponse)
);
