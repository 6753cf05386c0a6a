//! The HTTP answer of `PUT /{resource}/by-external-id/{external_id}`; the use case is
//! `app::upsert`.

use actix_web::HttpResponse;
use actix_web::http::header;
pub use app::upsert::Upserted;
use serde::Serialize;

use crate::respond::etag;

/// 201 with `Location` for a created record, 200 for a replaced one; both with `ETag`.
pub fn respond<T, R: Serialize>(
    upserted: Upserted<T>,
    location: impl FnOnce(&T) -> String,
    version: impl Fn(&T) -> i32,
    response: impl FnOnce(T) -> R,
) -> HttpResponse {
    match upserted {
        Upserted::Created(record) => HttpResponse::Created()
            .insert_header((header::LOCATION, location(&record)))
            .insert_header(etag(version(&record)))
            .json(response(record)),
        Upserted::Replaced(record) => HttpResponse::Ok()
            .insert_header(etag(version(&record)))
            .json(response(record)),
    }
}
