//! Deadlines, so that no client holds a connection or a worker forever: a body must arrive
//! within [`BODY_TIMEOUT`] (408 `request_timeout`), and a request must be answered within
//! [`REQUEST_TIMEOUT`] (503 `resource_busy` with `Retry-After`). A request cut off at its
//! deadline changed nothing: its future is dropped, and with it its open transaction, which rolls
//! back.
//!
//! The body is read here, once, for every request that has one, bounded by the body limit; the
//! extractors and the idempotency middleware then read it from memory. An upload is the exception
//! (`routes::STREAMED`): its handler streams the body to the file store, bounded by the upload
//! limit, and the whole request, body included, must be done within [`UPLOAD_TIMEOUT`] (408).

use std::time::Duration;

use actix_web::body::{BoxBody, MessageBody};
use actix_web::dev::{Payload, ServiceRequest, ServiceResponse};
use actix_web::error::PayloadError;
use actix_web::http::header;
use actix_web::middleware::Next;
use actix_web::web;

use crate::error::{ApiError, AppError};
use crate::extract::BODY_LIMIT;
use crate::routes::KnownRoutes;

/// How long a client may take to send its body.
pub const BODY_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a request may take from its body's arrival to its answer.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// How long an upload may take, body included: 25 MiB at 1 Mbit/s, and then some. Far shorter
/// than the grace period of unused content (`app::files::ORPHAN_GRACE`).
pub const UPLOAD_TIMEOUT: Duration = Duration::from_mins(5);

pub async fn middleware(
    mut req: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<BoxBody>, actix_web::Error> {
    if streams_body(&req) {
        let Ok(response) = tokio::time::timeout(UPLOAD_TIMEOUT, next.call(req)).await else {
            tracing::warn!("upload cut off at its deadline");
            let seconds = UPLOAD_TIMEOUT.as_secs();
            return Err(ApiError::BodyTimeout { seconds }.into());
        };
        return response.map(ServiceResponse::map_into_boxed_body);
    }
    if has_body(&req) {
        match tokio::time::timeout(BODY_TIMEOUT, req.extract::<web::Bytes>()).await {
            Err(_) => {
                let seconds = BODY_TIMEOUT.as_secs();
                return Ok(req.error_response(ApiError::BodyTimeout { seconds }));
            }
            Ok(Err(error)) => return Ok(req.error_response(unreadable(&error))),
            Ok(Ok(body)) => req.set_payload(Payload::from(body)),
        }
    }
    let Ok(response) = tokio::time::timeout(REQUEST_TIMEOUT, next.call(req)).await else {
        tracing::warn!("request cut off at its deadline");
        return Err(ApiError::App(AppError::Busy).into());
    };
    response.map(ServiceResponse::map_into_boxed_body)
}

/// Whether the request's operation streams its body (an upload).
pub fn streams_body(req: &ServiceRequest) -> bool {
    req.app_data::<web::Data<KnownRoutes>>()
        .is_some_and(|routes| routes.streams_body(req.method(), req.match_info().as_str()))
}

/// Whether the request announces a body: a length above 0, or a chunked one.
fn has_body(req: &ServiceRequest) -> bool {
    let headers = req.headers();
    headers.contains_key(header::TRANSFER_ENCODING)
        || headers
            .get(header::CONTENT_LENGTH)
            .and_then(|value| value.to_str().ok())
            .is_some_and(|length| length.trim() != "0")
}

/// Over the limit is a 413; anything else that stops a body from being read (cut short, a
/// damaged `Content-Encoding`) is the client's malformed request, a 400.
fn unreadable(error: &actix_web::Error) -> ApiError {
    match error.as_error::<PayloadError>() {
        Some(PayloadError::Overflow) => ApiError::PayloadTooLarge { limit: BODY_LIMIT },
        _ => ApiError::MalformedBody(error.to_string()),
    }
}
