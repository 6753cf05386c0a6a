//! Request extractors whose failures are problem+json, never actix's plain-text defaults.

use std::future::Future;
use std::pin::Pin;

use actix_web::dev::Payload;
use actix_web::error::PathError;
use actix_web::http::header;
use actix_web::{FromRequest, HttpRequest, web};
use domain::validation::FieldError;
use serde::de::DeserializeOwned;
use serde_json::Value;
use serde_json::error::Category;
use serde_path_to_error::{Path, Segment};
use validator::{Validate, ValidationErrors, ValidationErrorsKind};

use crate::error::{ApiError, AppError, ErrorCode};

/// Bodies above this are refused with 413 before they are read whole.
pub const BODY_LIMIT: usize = 1024 * 1024;

/// A JSON body deserialised with the path of the first offending field, then checked against the
/// DTO's transport limits (`validator` rules): syntax errors and unknown fields are 400, values of
/// the wrong type or shape and broken limits are 422. The rules of the domain come after, in the
/// service.
pub struct Body<T>(pub T);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for Body<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            if !json {
                return Err(ApiError::UnsupportedMediaType);
            }
            let bytes = bytes
                .await
                .map_err(|_| ApiError::PayloadTooLarge { limit: BODY_LIMIT })?;
            checked(&bytes).map(Body)
        })
    }
}

/// A JSON body that may be left out (`POST …/complete` with nothing to say): no body at all, or
/// JSON `null`, is `None`; any other body is read like [`Body`].
pub struct OptionalBody<T>(pub Option<T>);

impl<T: DeserializeOwned + Validate + 'static> FromRequest for OptionalBody<T> {
    type Error = ApiError;
    type Future = Pin<Box<dyn Future<Output = Result<Self, ApiError>>>>;

    fn from_request(req: &HttpRequest, payload: &mut Payload) -> Self::Future {
        let json = is_json(req);
        let bytes = web::Bytes::from_request(req, payload);
        Box::pin(async move {
            let bytes = bytes
                .await
                .map_err(|_| ApiError::PayloadTooLarge { limit: BODY_LIMIT })?;
            if bytes.trim_ascii().is_empty() {
                return Ok(OptionalBody(None));
            }
            if !json {
                return Err(ApiError::UnsupportedMediaType);
            }
            if bytes.trim_ascii() == b"null" {
                return Ok(OptionalBody(None));
            }
            checked(&bytes).map(|body| OptionalBody(Some(body)))
        })
    }
}

fn is_json(req: &HttpRequest) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<mime::Mime>().ok())
        .is_some_and(|m| m.subtype() == mime::JSON || m.suffix() == Some(mime::JSON))
}

/// Parses and checks the transport limits.
pub(crate) fn checked<T: DeserializeOwned + Validate>(bytes: &[u8]) -> Result<T, ApiError> {
    let body: T = parse(bytes)?;
    body.validate()
        .map_err(|errors| ApiError::App(AppError::Validation(field_errors(&errors))))?;
    Ok(body)
}

pub(crate) fn parse<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // serde would fill a struct from an array (`[null, null]`); every body of this API is an object.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return match serde_json::from_slice::<serde::de::IgnoredAny>(bytes) {
            Ok(_) => Err(ApiError::invalid("", "invalid_type", "the body must be a JSON object")),
            Err(error) => Err(ApiError::bad_request(
                ErrorCode::MalformedJson,
                strip_position(&error.to_string()),
            )),
        };
    }
    let deserializer = &mut serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize(deserializer) {
        Ok(body) => Ok(body),
        Err(error) if error.inner().classify() == Category::Data => Err(shape_errors::<T>(bytes, &error)),
        Err(error) => Err(ApiError::bad_request(
            ErrorCode::MalformedJson,
            strip_position(&error.into_inner().to_string()),
        )),
    }
}

/// At most this many wrong-typed fields are reported in one response.
const MAX_SHAPE_ERRORS: usize = 50;

/// The slow path, taken only for a body that failed: deserialises again from a JSON tree, removing
/// each offending field in turn, so that a 422 names every field of the wrong type, not the first.
/// An unknown field anywhere is a 400. A missing required field, or a bad element of a list (which
/// cannot be removed without shifting the others), ends the search.
fn shape_errors<T: DeserializeOwned>(bytes: &[u8], first: &serde_path_to_error::Error<serde_json::Error>) -> ApiError {
    let report = |path: &Path, error: &serde_json::Error| {
        let message = strip_position(&error.to_string());
        if message.starts_with("unknown field") {
            return Err(ApiError::bad_request(
                ErrorCode::UnknownField,
                format!("{path}: {message}"),
            ));
        }
        let (field, code) = field_of(&path.to_string(), &message);
        Ok(FieldError { field, code, message })
    };
    let mut errors = Vec::new();
    if let Ok(mut tree) = serde_json::from_slice::<Value>(bytes) {
        while errors.len() < MAX_SHAPE_ERRORS {
            let Err(error) = serde_path_to_error::deserialize::<_, T>(&tree) else {
                break;
            };
            let found = match report(error.path(), error.inner()) {
                Ok(found) => found,
                Err(unknown_field) => return unknown_field,
            };
            // One error per field: the first names what was wrong with what the client sent (a
            // removed field of the wrong type is then also missing, which says nothing new).
            let seen = errors.iter().any(|e: &FieldError| e.field == found.field);
            let last = found.code == "required" || seen;
            if !seen {
                errors.push(found);
            }
            if last || !remove(&mut tree, error.path()) {
                break;
            }
        }
    }
    if errors.is_empty() {
        match report(first.path(), first.inner()) {
            Ok(found) => errors.push(found),
            Err(unknown_field) => return unknown_field,
        }
    }
    ApiError::App(AppError::Validation(errors))
}

/// Removes the member at `path` from `tree`; `false` when it is not an object member.
fn remove(tree: &mut Value, path: &Path) -> bool {
    let segments: Vec<&Segment> = path.iter().collect();
    let Some((last, parents)) = segments.split_last() else {
        return false;
    };
    let mut node = tree;
    for segment in parents {
        let next = match (segment, node) {
            (Segment::Map { key }, Value::Object(members)) => members.get_mut(key),
            (Segment::Seq { index }, Value::Array(items)) => items.get_mut(*index),
            _ => None,
        };
        match next {
            Some(child) => node = child,
            None => return false,
        }
    }
    match (last, node) {
        (Segment::Map { key }, Value::Object(members)) => members.remove(key).is_some(),
        _ => false,
    }
}

/// `validator`'s nested error map as a flat list of JSON paths, sorted for stable output.
fn field_errors(errors: &ValidationErrors) -> Vec<FieldError> {
    fn flatten(prefix: &str, errors: &ValidationErrors, out: &mut Vec<FieldError>) {
        for (name, kind) in errors.errors() {
            let path = if prefix.is_empty() {
                name.to_string()
            } else {
                format!("{prefix}.{name}")
            };
            match kind {
                ValidationErrorsKind::Field(list) => out.extend(list.iter().map(|error| {
                    FieldError {
                        field: path.clone(),
                        code: if error.code == "length" {
                            "invalid_length"
                        } else {
                            "invalid_value"
                        },
                        message: error
                            .message
                            .as_deref()
                            .map_or_else(|| error.to_string(), str::to_owned),
                    }
                })),
                ValidationErrorsKind::Struct(inner) => flatten(&path, inner, out),
                ValidationErrorsKind::List(items) => {
                    for (i, inner) in items {
                        flatten(&format!("{path}[{i}]"), inner, out);
                    }
                }
            }
        }
    }
    let mut out = Vec::new();
    flatten("", errors, &mut out);
    out.sort_by(|a, b| a.field.cmp(&b.field));
    out
}

/// serde's "missing field `x`" is reported at the parent; name the field itself.
fn field_of(path: &str, message: &str) -> (String, &'static str) {
    if let Some(rest) = message.strip_prefix("missing field `") {
        let name = rest.split('`').next().unwrap_or_default();
        let field = if path == "." || path.is_empty() {
            name.to_owned()
        } else {
            format!("{path}.{name}")
        };
        return (field, "required");
    }
    let field = if path == "." { String::new() } else { path.to_owned() };
    (field, "invalid_value")
}

/// `serde_json` appends " at line 1 column 17"; the client has the path instead.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_owned(),
        None => message.to_owned(),
    }
}

pub fn path_error(error: PathError, _req: &HttpRequest) -> actix_web::Error {
    let detail = match &error {
        PathError::Deserialize(e) => e.to_string(),
        other => other.to_string(),
    };
    ApiError::bad_request(
        ErrorCode::InvalidPath,
        format!("a path parameter is malformed: {detail}"),
    )
    .into()
}

/// The `If-Match` request header, for the OpenAPI document of every operation that honours it.
#[derive(utoipa::IntoParams)]
#[into_params(parameter_in = Header)]
pub struct IfMatch {
    /// The ETag last read (`"3"`; a bare `3` is tolerated); a stale one is refused with 412.
    /// `*` matches any version.
    #[param(rename = "If-Match", value_type = String, required = false, pattern = r#"^(\*|[0-9]+|(W/)?"[0-9]+")$"#, example = "\"1\"")]
    pub if_match: Option<String>,
}

/// `If-Match: "3"` as a version; absent or `*` means "whatever is current", a malformed one is a 400.
/// A version beyond `i32` cannot be current: it is refused as stale (412), not as malformed.
pub fn if_match(req: &HttpRequest) -> Result<Option<i32>, ApiError> {
    let Some(value) = req.headers().get(header::IF_MATCH) else {
        return Ok(None);
    };
    let text = value.to_str().unwrap_or_default().trim();
    if text == "*" {
        return Ok(None);
    }
    let text = text.strip_prefix("W/").unwrap_or(text);
    let version = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')).unwrap_or(text);
    Some(version)
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        // No record reaches a version past i32, and none has version 0: both are simply stale.
        .map(|v| Some(v.parse::<i32>().unwrap_or(0)))
        .ok_or_else(|| ApiError::bad_request(ErrorCode::InvalidIfMatch, "If-Match must be an ETag such as \"3\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Sample {
        name: String,
        #[serde(default)]
        note: Option<u32>,
        #[serde(default)]
        count: Option<u32>,
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)]
    struct Item {
        quantity: u32,
    }

    fn field_of_error(body: &str) -> (String, String) {
        match parse::<Sample>(body.as_bytes()).unwrap_err() {
            ApiError::App(AppError::Validation(errors)) => (errors[0].field.clone(), errors[0].code.to_owned()),
            ApiError::App(AppError::BadRequest { code, .. }) => (String::new(), code.as_str().to_owned()),
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_wrong_type_names_its_path() {
        let (field, code) = field_of_error(r#"{"name": "x", "items": [{"quantity": 1}, {"quantity": "two"}]}"#);
        assert_eq!((field.as_str(), code.as_str()), ("items[1].quantity", "invalid_value"));
    }

    #[test]
    fn every_wrongly_typed_field_is_named() {
        let body = r#"{"name": "x", "note": "a", "items": [{"quantity": 1}, {"quantity": "two"}], "extra": 1}"#;
        // `extra` is unknown: that makes the whole body a 400, wherever it stands.
        assert_eq!(field_of_error(body).1, "unknown_field");
        let body = r#"{"name": "x", "note": "a", "count": "b", "items": []}"#;
        match parse::<Sample>(body.as_bytes()).unwrap_err() {
            ApiError::App(AppError::Validation(errors)) => {
                let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
                assert_eq!(fields, vec!["count", "note"]);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_field_of_the_wrong_type_is_named_once() {
        // `name` removed for its type is then missing too: that says nothing new.
        let body = r#"{"name": 5, "note": "a", "items": []}"#;
        match parse::<Sample>(body.as_bytes()).unwrap_err() {
            ApiError::App(AppError::Validation(errors)) => {
                let named: Vec<(&str, &str)> = errors.iter().map(|e| (e.field.as_str(), e.code)).collect();
                assert_eq!(named, vec![("name", "invalid_value"), ("note", "invalid_value")]);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn a_missing_field_is_named_itself() {
        let (field, code) = field_of_error(r#"{"items": []}"#);
        assert_eq!((field.as_str(), code.as_str()), ("name", "required"));
    }

    #[test]
    fn a_body_that_is_not_an_object_is_refused() {
        assert_eq!(field_of_error("[null, null]").1, "invalid_type");
        assert_eq!(field_of_error("[null, ").1, "malformed_json");
        assert_eq!(field_of_error("").1, "malformed_json");
    }

    #[test]
    fn unknown_fields_and_bad_syntax_are_bad_requests() {
        assert_eq!(
            field_of_error(r#"{"name": "x", "items": [], "extra": 1}"#).1,
            "unknown_field"
        );
        assert_eq!(field_of_error(r#"{"name": "#).1, "malformed_json");
    }
}
