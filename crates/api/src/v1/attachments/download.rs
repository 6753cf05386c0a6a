//! `GET /attachments/{id}/content`: the bytes streamed from the file store, never read whole,
//! with what a browser needs to save rather than render them.

use std::fmt::Write;

use actix_web::body::SizedStream;
use actix_web::http::header;
use actix_web::web::Bytes;
use actix_web::{HttpResponse, get, web};
use futures::Stream;
use tokio::io::{AsyncRead, AsyncReadExt};
use uuid::Uuid;

use domain::access::Permission;

use crate::auth::Authorized;
use crate::error::ApiError;
use crate::state::AppState;
use app::attachments as service;

/// The size of the chunks the content is sent in.
const CHUNK: usize = 64 * 1024;

/// Download an attachment's content: its sniffed `Content-Type`, `Content-Length`,
/// `Content-Disposition: attachment` with its filename, and its SHA-256 as `ETag`.
#[utoipa::path(
    tag = "attachments",
    params(("id" = Uuid, Path, description = "Attachment id")),
    responses(
        (status = 200, description = "The content, in the type sniffed when it was uploaded", content_type = "*/*",
            body = super::dto::FileContent,
            headers(
                ("Content-Disposition" = String, description = "`attachment`, with the filename (RFC 6266)"),
                ("ETag" = String, description = "The content's SHA-256, quoted"),
            )),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadAttachments)))
)]
#[get("/{id}/content")]
pub async fn get_attachment_content(
    state: web::Data<AppState>,
    caller: Authorized,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let (attachment, content) = service::content(&state.db, state.files.as_ref(), &caller, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header((header::CONTENT_TYPE, attachment.content_type.as_str()))
        .insert_header((header::CONTENT_DISPOSITION, disposition(&attachment.filename)))
        .insert_header((header::ETAG, format!("\"{}\"", attachment.sha256)))
        // The content type was sniffed; a browser must not sniff another (HTML in a "text file").
        .insert_header((header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .body(SizedStream::new(content.size, Box::pin(chunks(content.reader)))))
}

/// The reader's bytes, a chunk at a time.
fn chunks(reader: std::pin::Pin<Box<dyn AsyncRead + Send>>) -> impl Stream<Item = std::io::Result<Bytes>> {
    futures::stream::try_unfold(reader, |mut reader| async move {
        let mut buffer = vec![0; CHUNK];
        let read = reader.read(&mut buffer).await?;
        if read == 0 {
            return Ok(None);
        }
        buffer.truncate(read);
        Ok(Some((Bytes::from(buffer), reader)))
    })
}

/// `attachment; filename="…"; filename*=UTF-8''…` (RFC 6266): an ASCII name for old clients, the
/// exact one percent-encoded (RFC 5987) for the others.
pub fn disposition(filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| {
            if c.is_ascii_graphic() && c != '"' && c != '\\' || c == ' ' {
                c
            } else {
                '_'
            }
        })
        .collect();
    let mut encoded = String::with_capacity(filename.len() * 3);
    for byte in filename.bytes() {
        // RFC 5987 attr-char: sent as is; everything else as %XX.
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(char::from(byte));
        } else {
            let _ = write!(encoded, "%{byte:02X}");
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

#[cfg(test)]
mod tests {
    use super::disposition;

    #[test]
    fn a_filename_is_sent_in_ascii_and_exactly() {
        assert_eq!(
            disposition("Angebot Müller \"final\".pdf"),
            "attachment; filename=\"Angebot M_ller _final_.pdf\"; filename*=UTF-8''Angebot%20M%C3%BCller%20%22final%22.pdf"
        );
    }
}
