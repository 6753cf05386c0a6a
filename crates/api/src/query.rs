//! Query parameters: read by [`Query`], then checked for what their types cannot express, never
//! a silent default or a database error. A parameter that does not parse, or that the operation
//! does not know, is a 400 naming it in `errors`; one that parses but breaks a rule (a year no
//! record can hold, an unknown currency) is a 422 naming it, as the same value in a body would be.

use std::future::{Ready, ready};

use actix_web::dev::Payload;
use actix_web::{FromRequest, HttpRequest};
use chrono::{DateTime, NaiveDate, Utc};
use domain::validation::FieldError;
use serde::de::DeserializeOwned;

use crate::error::{ApiError, ErrorCode};

/// At most this many parameters are named in one answer.
const MAX_ERRORS: usize = 20;

/// The query string deserialised as HTML forms send it: a parameter given twice is a list
/// (`role=prospect&role=customer`, "any of" where the filter is a list), an empty text is absent.
/// An empty value of another type (`limit=`, `to=`) is refused, as any value it cannot be.
pub struct Query<T>(pub T);

impl<T> Query<T> {
    pub fn into_inner(self) -> T {
        self.0
    }
}

impl<T> std::ops::Deref for Query<T> {
    type Target = T;

    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T: DeserializeOwned> FromRequest for Query<T> {
    type Error = ApiError;
    type Future = Ready<Result<Self, ApiError>>;

    fn from_request(req: &HttpRequest, _: &mut Payload) -> Self::Future {
        ready(parse(req.query_string()).map(Query))
    }
}

/// A list's `sort`, such as `-name`. Never empty: the document names its values, and an empty
/// one is refused like any value not among them.
#[derive(Debug)]
pub struct Sort(String);

impl std::ops::Deref for Sort {
    type Target = str;

    fn deref(&self) -> &str {
        &self.0
    }
}

impl<'de> serde::Deserialize<'de> for Sort {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = String::deserialize(deserializer)?;
        if text.is_empty() {
            return Err(serde::de::Error::custom(
                "an empty sort: leave it out for the default order",
            ));
        }
        Ok(Sort(text))
    }
}

/// `text` as a `T`, or every parameter that stands in the way: each one found is left out and
/// the rest read again, so one answer names them all (up to [`MAX_ERRORS`]).
pub fn parse<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
    let mut pairs: Vec<(String, String)> = form_urlencoded::parse(text.as_bytes()).into_owned().collect();
    let mut errors = empty_but_not_text::<T>(&pairs);
    pairs.retain(|(name, _)| !errors.iter().any(|e| e.field == *name));
    loop {
        let encoded = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&pairs)
            .finish();
        let deserializer = serde_html_form::Deserializer::new(form_urlencoded::parse(encoded.as_bytes()));
        let error = match serde_path_to_error::deserialize::<_, T>(deserializer) {
            Ok(value) if errors.is_empty() => return Ok(value),
            Ok(_) => break,
            Err(error) => error,
        };
        let found = named(&error.path().to_string(), &error.inner().to_string(), &pairs);
        let last = found.field.is_empty() || found.code == "required" || errors.len() + 1 >= MAX_ERRORS;
        pairs.retain(|(name, _)| *name != found.field);
        let repeated = errors.iter().any(|e| e.field == found.field);
        if !repeated {
            errors.push(found);
        }
        if last || repeated {
            break;
        }
    }
    Err(ApiError::InvalidQuery(errors))
}

/// The parameters given empty whose type is not text: `serde_html_form` reads any of them as
/// absent, so each is read alone as the plain URL-encoded deserializer does, which takes an empty
/// text but no empty number, date or flag. The opaque cursors are exempt: empty is the start.
fn empty_but_not_text<T: DeserializeOwned>(pairs: &[(String, String)]) -> Vec<FieldError> {
    const START: &[&str] = &["cursor", "after"];
    let mut errors: Vec<FieldError> = Vec::new();
    for (name, _) in pairs
        .iter()
        .filter(|(name, value)| value.is_empty() && !START.contains(&name.as_str()))
    {
        let alone = form_urlencoded::Serializer::new(String::new())
            .append_pair(name, "")
            .finish();
        // A list takes no value from the plain deserializer: its items are read as forms send
        // them, where an empty text item is fine and an empty enum item is not.
        let read = serde_urlencoded::from_str::<T>(&alone)
            .map(drop)
            .map_err(|e| e.to_string());
        let read = match read {
            Err(message) if message.contains("expected a sequence") => serde_html_form::from_str::<T>(&alone)
                .map(drop)
                .map_err(|e| e.to_string()),
            other => other,
        };
        if let Err(message) = read {
            let elsewhere = ["missing field", "unknown field"]
                .iter()
                .any(|start| message.starts_with(start));
            if !elsewhere && !errors.iter().any(|e| e.field == *name) {
                errors.push(FieldError {
                    field: name.clone(),
                    code: "invalid_value",
                    message: format!("may not be empty: {message}"),
                });
            }
        }
    }
    errors
}

/// The parameter an error of serde is about, and what is wrong with it.
fn named(path: &str, message: &str, pairs: &[(String, String)]) -> FieldError {
    let quoted = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_owned)
    };
    if let Some(name) = quoted("unknown field `") {
        let known = message.split_once(", expected ").map_or("none", |(_, known)| known);
        return FieldError {
            field: name,
            code: "unknown_parameter",
            message: format!("this operation takes no such parameter (it takes {known})"),
        };
    }
    if let Some(name) = quoted("missing field `") {
        return FieldError {
            field: name,
            code: "required",
            message: "is required".to_owned(),
        };
    }
    if let Some(name) = quoted("duplicate field `") {
        return FieldError {
            field: name,
            code: "repeated",
            message: "may be given once".to_owned(),
        };
    }
    let field = path
        .split(['.', '['])
        .next()
        .filter(|name| *name != "?")
        .unwrap_or_default()
        .to_owned();
    let given = pairs
        .iter()
        .find(|(name, _)| *name == field)
        .map(|(_, value)| value.as_str());
    FieldError {
        message: match given {
            Some(value) => format!("`{}` is not valid here: {message}", printable(value)),
            None => message.to_owned(),
        },
        field,
        code: "invalid_value",
    }
}

/// At most 64 characters of a value a client sent, for a message.
fn printable(value: &str) -> String {
    value.chars().filter(|c| !c.is_control()).take(64).collect()
}

/// Longest text search accepted (`q`).
pub const Q_MAX: usize = 200;

/// An instant within the years every record may hold (`domain::time`).
pub fn instant(name: &str, value: Option<DateTime<Utc>>) -> Result<Option<DateTime<Utc>>, ApiError> {
    value
        .map(|at| domain::time::instant(at).map_err(|e| out_of_range(name, e)))
        .transpose()
}

/// A date within the years every record may hold.
pub fn date(name: &str, value: Option<NaiveDate>) -> Result<Option<NaiveDate>, ApiError> {
    value
        .map(|day| domain::time::date(day).map_err(|e| out_of_range(name, e)))
        .transpose()
}

/// A decimal parameter: digits with an optional fraction, else a 400; exactly, so a value past
/// `Decimal`'s 28 digits is a 422 (too precise), never silently rounded.
pub fn decimal(name: &str, text: &str) -> Result<rust_decimal::Decimal, ApiError> {
    let (whole, fraction) = text.split_once('.').unwrap_or((text, "0"));
    let digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !digits(fraction) {
        return Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            format!("{name} must be a decimal such as 12.5"),
        ));
    }
    rust_decimal::Decimal::from_str_exact(text)
        .map_err(|_| ApiError::invalid(name, "out_of_range", "has more digits than a decimal holds (28)"))
}

/// A text search term of at most [`Q_MAX`] characters.
pub fn search(value: Option<String>) -> Result<Option<String>, ApiError> {
    match value {
        Some(q) if q.chars().count() > Q_MAX => Err(ApiError::bad_request(
            ErrorCode::InvalidQuery,
            format!("q must be at most {Q_MAX} characters"),
        )),
        other => Ok(other),
    }
}

/// A currency code (ISO 4217) the server knows, else a 422 naming the parameter.
pub fn currency(name: &str, value: Option<&str>) -> Result<Option<domain::currency::Currency>, ApiError> {
    value
        .map(|code| {
            domain::currency::Currency::parse(code)
                .map_err(|e| ApiError::invalid(name, domain::validation::CodedError::code(&e), e.to_string()))
        })
        .transpose()
}

fn out_of_range(name: &str, error: domain::time::OutOfRange) -> ApiError {
    ApiError::invalid(name, domain::validation::CodedError::code(&error), error.to_string())
}
