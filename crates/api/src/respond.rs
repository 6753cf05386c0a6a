//! Response headers every resource uses the same way.

use actix_web::http::header;

/// `ETag: "3"`: the version, quoted.
pub fn etag(version: i32) -> (header::HeaderName, String) {
    (header::ETAG, format!("\"{version}\""))
}
