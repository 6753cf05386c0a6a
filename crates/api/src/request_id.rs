//! Which request an answer, a log line and a problem belong to: the request's id and path.
//!
//! The id is the client's `X-Request-Id` when it is a sane token (a frontend or a proxy that
//! names its requests finds its own name in our log), else the one the access log made. It comes
//! back in the `X-Request-Id` header of every answer, and with the path in every problem body
//! (`request_id`, and `instance` per RFC 9457), so a user reporting an error can quote it.

use actix_web::body::MessageBody;
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::error::InternalError;
use actix_web::http::header::{HeaderMap, HeaderName, HeaderValue};
use actix_web::middleware::Next;
use actix_web::{Error, HttpMessage};
use tracing_actix_web::RequestId;

pub const HEADER: &str = "x-request-id";

/// The longest id taken from a client; a longer one is replaced, not cut.
const MAX_LEN: usize = 128;

/// The request being answered, as problem bodies name it.
#[derive(Debug, Clone)]
pub struct Current {
    pub id: String,
    pub path: String,
}

tokio::task_local! {
    static CURRENT: Current;
}

/// The request being answered, when called while answering one.
pub fn current() -> Option<Current> {
    CURRENT.try_with(Current::clone).ok()
}

/// The id of `request`: the client's when sane, else the access log's.
pub fn of(request: &ServiceRequest) -> Option<String> {
    let given = request
        .headers()
        .get(HEADER)
        .and_then(|value| value.to_str().ok())
        .filter(|id| is_sane(id));
    match given {
        Some(id) => Some(id.to_owned()),
        None => request.extensions().get::<RequestId>().map(ToString::to_string),
    }
}

/// Letters, digits and `-_.:`, at most 128: what is safe in a header, a log line and a URL.
fn is_sane(id: &str) -> bool {
    (1..=MAX_LEN).contains(&id.len())
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Answers the request knowing which it is: an error is turned into its problem here (not
/// further out, where the request is no longer known), and every answer carries the id.
pub async fn middleware(
    request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<impl MessageBody>, Error> {
    let Some(id) = of(&request) else {
        return next.call(request).await;
    };
    let current = Current {
        id: id.clone(),
        path: request.path().to_owned(),
    };
    let answered = CURRENT.scope(current, async move {
        next.call(request)
            .await
            .map_err(|error| (error.to_string(), error.error_response()))
    });
    let value = HeaderValue::from_str(&id).ok();
    let name = |headers: &mut HeaderMap| {
        if let Some(value) = value {
            headers.insert(HeaderName::from_static(HEADER), value);
        }
    };
    match answered.await {
        Ok(mut response) => {
            name(response.headers_mut());
            Ok(response)
        }
        Err((cause, mut problem)) => {
            name(problem.headers_mut());
            Err(InternalError::from_response(cause, problem).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::is_sane;

    #[test]
    fn a_client_id_is_taken_only_when_it_is_a_plain_token() {
        assert!(is_sane("4bf92f35-77b3-4da6-a3ce-929d0e0e4736"));
        assert!(is_sane("web:checkout.42_a"));
        assert!(!is_sane(""));
        assert!(!is_sane("two words"));
        assert!(!is_sane("<script>"));
        assert!(!is_sane("ü"));
        assert!(!is_sane(&"x".repeat(129)));
        assert!(is_sane(&"x".repeat(128)));
    }
}
