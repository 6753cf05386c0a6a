//! Reading an upload's `multipart/form-data` body as it streams in: the `file` part goes to the
//! file store chunk by chunk (hashed, counted, cut off past the limit), the short text parts are
//! read up to a few bytes. Nothing of it is held in memory whole.

use actix_multipart::{Multipart, MultipartError};
use actix_web::http::header::{self, HeaderMap};
use actix_web::web;
use app::files::{FileStore, ReceiveError, Received, receive};
use domain::attachment::AttachmentInput;
use futures::StreamExt;

use crate::error::{ApiError, ErrorCode};
use crate::routes::STREAMED;

/// The longest text part (a resource type, a UUID).
const TEXT_PART_MAX: usize = 64;
/// What a form may carry besides its file: part headers, boundaries, the text parts.
const FORM_OVERHEAD: u64 = 64 * 1024;

/// An upload as read: what the client asked, and the file received (none without a `file` part).
pub struct Form {
    pub input: AttachmentInput,
    pub received: Option<Received>,
}

/// Reads the upload `payload`, its file into `files`, up to `limit` bytes of file.
pub async fn read(
    headers: &HeaderMap,
    payload: web::Payload,
    files: &dyn FileStore,
    limit: u64,
) -> Result<Form, ApiError> {
    let is_multipart = headers
        .get(header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.parse::<mime::Mime>().ok())
        .is_some_and(|mime| mime.essence_str() == STREAMED);
    if !is_multipart {
        return Err(ApiError::NotMultipart);
    }
    // Refused before a byte is read when the client says it sends too much.
    let announced = headers
        .get(header::CONTENT_LENGTH)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.trim().parse::<u64>().ok());
    if announced.is_some_and(|length| length > limit.saturating_add(FORM_OVERHEAD)) {
        return Err(ApiError::FileTooLarge { limit });
    }
    let mut multipart = Multipart::new(headers, payload);
    let mut form = Form {
        input: AttachmentInput::default(),
        received: None,
    };
    while let Some(field) = multipart.next().await {
        let mut field = field.map_err(malformed)?;
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "file" if form.input.has_file => {
                return Err(ApiError::invalid("file", "one_file", "one `file` part per upload"));
            }
            "file" => {
                form.input.has_file = true;
                form.input.filename = filename(&field);
                let received = receive(files, &mut field, limit).await.map_err(|error| match error {
                    ReceiveError::TooLarge { limit } => ApiError::FileTooLarge { limit },
                    ReceiveError::Stream(error) => malformed(error),
                    ReceiveError::Store(error) => ApiError::internal(error),
                })?;
                form.received = Some(received);
            }
            "resource_type" => form.input.resource_type = Some(text(&name, &mut field).await?),
            "resource_id" => form.input.resource_id = Some(text(&name, &mut field).await?),
            _ => {
                return Err(ApiError::bad_request(
                    ErrorCode::UnknownField,
                    format!("unknown part `{name}`: an upload has the parts file, resource_type and resource_id"),
                ));
            }
        }
    }
    Ok(form)
}

/// The filename the `file` part names: `filename*` (RFC 5987, UTF-8) before `filename`.
fn filename(field: &actix_multipart::Field) -> Option<String> {
    let disposition = field.content_disposition()?;
    let extended = disposition
        .get_filename_ext()
        .filter(|value| {
            let charset = value.charset.to_string();
            charset.eq_ignore_ascii_case("utf-8") || charset.eq_ignore_ascii_case("us-ascii")
        })
        .and_then(|value| String::from_utf8(value.value.clone()).ok());
    extended.or_else(|| disposition.get_filename().map(str::to_owned))
}

/// A text part, read up to [`TEXT_PART_MAX`] bytes.
async fn text(name: &str, field: &mut actix_multipart::Field) -> Result<String, ApiError> {
    let mut bytes = Vec::new();
    while let Some(chunk) = field.next().await {
        let chunk = chunk.map_err(malformed)?;
        if bytes.len() + chunk.len() > TEXT_PART_MAX {
            return Err(ApiError::invalid(
                name.to_owned(),
                "too_long",
                format!("at most {TEXT_PART_MAX} bytes"),
            ));
        }
        bytes.extend_from_slice(&chunk);
    }
    String::from_utf8(bytes).map_err(|_| ApiError::invalid(name.to_owned(), "invalid", "not UTF-8 text"))
}

/// A body that is not the multipart it says it is, or was cut short: the client's, a 400.
fn malformed(error: MultipartError) -> ApiError {
    match error {
        MultipartError::ContentTypeMissing
        | MultipartError::ContentTypeParse
        | MultipartError::ContentTypeIncompatible => ApiError::NotMultipart,
        other => ApiError::MalformedBody(other.to_string()),
    }
}
