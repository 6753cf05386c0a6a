//! HTTP's conditional and header-only reads, for every `GET`:
//! - `HEAD` is answered as the `GET` would be, without the body (the connection's codec drops
//!   it: it remembers the request was a `HEAD`);
//! - a `GET` whose `If-None-Match` names the answer's `ETag` (the record's version) gets a
//!   `304 Not Modified` without the body: a client polling a record it holds pays for no bytes.

use actix_web::body::{EitherBody, MessageBody};
use actix_web::dev::{ServiceRequest, ServiceResponse};
use actix_web::http::header::{self, HeaderValue};
use actix_web::http::{Method, StatusCode};
use actix_web::middleware::Next;
use actix_web::{Error, HttpResponse};

pub async fn middleware(
    mut request: ServiceRequest,
    next: Next<impl MessageBody + 'static>,
) -> Result<ServiceResponse<EitherBody<impl MessageBody>>, Error> {
    if request.method() == Method::HEAD {
        request.head_mut().method = Method::GET;
    }
    let unless = (request.method() == Method::GET)
        .then(|| request.headers().get(header::IF_NONE_MATCH).cloned())
        .flatten();
    let response = next.call(request).await?;
    let unchanged = response.status() == StatusCode::OK
        && unless
            .zip(response.headers().get(header::ETAG))
            .is_some_and(|(unless, etag)| matches(&unless, etag));
    if !unchanged {
        return Ok(response.map_into_left_body());
    }
    let mut not_modified = HttpResponse::NotModified();
    for name in [header::ETAG, header::CACHE_CONTROL, header::VARY] {
        if let Some(value) = response.headers().get(&name) {
            not_modified.insert_header((name, value.clone()));
        }
    }
    let (request, _) = response.into_parts();
    Ok(ServiceResponse::new(request, not_modified.finish()).map_into_right_body())
}

/// Whether `If-None-Match` names `etag`: `*`, or one of its tags compared weakly (RFC 9110
/// 13.1.2: `W/"3"` and `"3"` name the same version).
fn matches(if_none_match: &HeaderValue, etag: &HeaderValue) -> bool {
    let (Ok(listed), Ok(etag)) = (if_none_match.to_str(), etag.to_str()) else {
        return false;
    };
    let opaque = |tag: &str| tag.trim().trim_start_matches("W/").to_owned();
    let etag = opaque(etag);
    listed.trim() == "*" || listed.split(',').any(|tag| opaque(tag) == etag)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn if_none_match_names_a_version_weakly_in_a_list_or_by_star() {
        let etag = HeaderValue::from_static("\"3\"");
        for listed in ["\"3\"", "W/\"3\"", "\"1\", \"3\"", "*", " \"2\",W/\"3\" "] {
            assert!(matches(&HeaderValue::from_static(listed), &etag), "{listed}");
        }
        for listed in ["\"4\"", "3", "\"33\"", ""] {
            assert!(!matches(&HeaderValue::from_static(listed), &etag), "{listed}");
        }
    }
}
