//! Pieces shared by the DTOs of every resource.

use domain::document::{LineInput, TaxShare};
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};
use utoipa::ToSchema;
use uuid::Uuid;
use validator::Validate;

/// Conversions both ways between an API enum (with its schema) and the domain enum it mirrors.
macro_rules! mirror_enum {
    ($dto:ident <-> $domain:path { $($variant:ident),+ $(,)? }) => {
        impl From<$dto> for $domain {
            fn from(value: $dto) -> Self {
                match value { $($dto::$variant => <$domain>::$variant),+ }
            }
        }
        impl From<$domain> for $dto {
            fn from(value: $domain) -> Self {
                match value { $(<$domain>::$variant => $dto::$variant),+ }
            }
        }
    };
}
pub(crate) use mirror_enum;

/// The `…Action` enum of a document, from the transitions of its domain enum plus what is done
/// with it by other means (`update`, `delete`, deriving the next document): only domain → API.
macro_rules! actions_enum {
    ($dto:ident <- $domain:path { $($variant:ident),+ $(,)? }) => {
        impl From<$domain> for $dto {
            fn from(value: $domain) -> Self {
                match value { $(<$domain>::$variant => $dto::$variant),+ }
            }
        }
    };
}
pub(crate) use actions_enum;

/// A document's `allowed_actions`: its `transitions` when the caller `may_act`, then each action
/// of `also` whose condition (state and permission, worked out by the caller) holds.
pub fn allowed_actions<T, A: From<T>>(
    may_act: bool,
    transitions: Vec<T>,
    also: impl IntoIterator<Item = (A, bool)>,
) -> Vec<A> {
    let transitions = transitions.into_iter().filter(|_| may_act).map(A::from);
    transitions
        .chain(
            also.into_iter()
                .filter_map(|(action, allowed)| allowed.then_some(action)),
        )
        .collect()
}

/// For PATCH bodies: tells an absent field (`None`) from an explicit `null` (`Some(None)`).
pub fn double_option<'de, T, D>(deserializer: D) -> Result<Option<Option<T>>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    Option::<T>::deserialize(deserializer).map(Some)
}

/// For PATCH bodies: a field that cannot be cleared may be absent (kept), but `null` is refused
/// (422 naming it), never read as "keep" behind the client's back.
pub fn not_null<'de, T, D>(deserializer: D) -> Result<Option<T>, D::Error>
where
    T: Deserialize<'de>,
    D: Deserializer<'de>,
{
    match Option::<T>::deserialize(deserializer)? {
        Some(value) => Ok(Some(value)),
        None => Err(serde::de::Error::custom(
            "cannot be cleared: null is not a value of this field",
        )),
    }
}

/// An `i32` that also accepts a JSON number with a zero fraction (`30.0`): JSON Schema calls that
/// an integer, so a generated client may send it.
pub fn whole_i32<'de, D>(deserializer: D) -> Result<Option<i32>, D::Error>
where
    D: Deserializer<'de>,
{
    Option::<serde_json::Number>::deserialize(deserializer)?
        .map(|number| {
            to_i32(&number).ok_or_else(|| {
                serde::de::Error::custom(format!("expected a whole number in the 32-bit range, got {number}"))
            })
        })
        .transpose()
}

/// [`whole_i32`] for PATCH bodies, telling `null` from absent.
pub fn whole_i32_patch<'de, D>(deserializer: D) -> Result<Option<Option<i32>>, D::Error>
where
    D: Deserializer<'de>,
{
    whole_i32(deserializer).map(Some)
}

fn to_i32(number: &serde_json::Number) -> Option<i32> {
    if let Some(n) = number.as_i64() {
        return i32::try_from(n).ok();
    }
    let f = number.as_f64()?;
    #[allow(clippy::cast_possible_truncation)] // Checked: whole and within range.
    (f.fract() == 0.0 && f >= f64::from(i32::MIN) && f <= f64::from(i32::MAX)).then_some(f as i32)
}

/// A decimal from a JSON string, exactly: `Decimal`'s own parser rounds past 28 decimals
/// (`"1.00000000000000000000000000001"` would become 1), which here is refused instead. Decimals
/// travel as strings; a JSON number is refused too.
pub fn decimal<'de, D>(deserializer: D) -> Result<Decimal, D::Error>
where
    D: Deserializer<'de>,
{
    let text = String::deserialize(deserializer)?;
    let refused = || {
        serde::de::Error::custom(format!(
            "expected a decimal string such as \"12.50\" (digits, one optional `.` and sign, at most 28 digits), got {text:?}"
        ))
    };
    if !is_plain_decimal(&text) {
        return Err(refused());
    }
    let value = Decimal::from_str_exact(&text).map_err(|_| refused())?;
    // "-0" is a zero that claims a sign: refused rather than guessed at.
    if value.is_zero() && text.starts_with('-') {
        return Err(refused());
    }
    Ok(value)
}

/// `12`, `-3.5`, `0.0001`: digits with at most one `.` between digits and an optional leading
/// `-`; no spaces, `+`, exponent or bare `.5`, so every client spells a value one way.
fn is_plain_decimal(text: &str) -> bool {
    let digits = text.strip_prefix('-').unwrap_or(text);
    let (whole, fraction) = digits.split_once('.').unwrap_or((digits, "0"));
    let all_digits = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
    all_digits(whole) && all_digits(fraction)
}

/// [`decimal`] for an optional field.
pub fn decimal_opt<'de, D>(deserializer: D) -> Result<Option<Decimal>, D::Error>
where
    D: Deserializer<'de>,
{
    #[derive(Deserialize)]
    struct Exact(#[serde(deserialize_with = "decimal")] Decimal);
    Ok(Option::<Exact>::deserialize(deserializer)?.map(|Exact(value)| value))
}

/// [`decimal`] for a PATCH field, telling `null` from absent.
pub fn decimal_patch<'de, D>(deserializer: D) -> Result<Option<Option<Decimal>>, D::Error>
where
    D: Deserializer<'de>,
{
    decimal_opt(deserializer).map(Some)
}

/// The net and tax of one tax rate, over the counted lines.
#[derive(Debug, Serialize, ToSchema)]
pub struct TaxShareResponse {
    #[schema(value_type = String, example = "20")]
    pub rate: Decimal,
    #[schema(value_type = String, example = "82.47")]
    pub net: Decimal,
    #[schema(value_type = String, example = "16.49")]
    pub tax: Decimal,
}

impl From<TaxShare> for TaxShareResponse {
    fn from(s: TaxShare) -> Self {
        Self {
            rate: s.rate,
            net: s.net,
            tax: s.tax,
        }
    }
}

/// A line of a direct order or invoice. With a product, what it leaves out comes from the catalog
/// and pricing, as on offers.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct LineBody {
    /// Where the line stands in the document: 1, 2, …, unique in it (a duplicate is a 422
    /// `duplicate` at `lines[i].position`). Without it, the line stands at its place in `lines`
    /// (counted from 1). Lines are ordered by position and stored numbered 1, 2, … in that order,
    /// which is the `position` responses show.
    #[serde(default, deserialize_with = "crate::dto::whole_i32")]
    #[schema(minimum = 1, example = 1)]
    pub position: Option<i32>,
    #[serde(default)]
    pub product_id: Option<Uuid>,
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    #[serde(deserialize_with = "crate::dto::decimal")]
    #[schema(value_type = String, example = "2.5")]
    pub quantity: Decimal,
    #[serde(default)]
    #[schema(max_length = 20)]
    pub unit: Option<String>,
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "19.99")]
    pub unit_price: Option<Decimal>,
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "10")]
    pub discount_percent: Option<Decimal>,
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "19")]
    pub tax_rate: Option<Decimal>,
}

impl From<LineBody> for LineInput {
    fn from(body: LineBody) -> Self {
        Self {
            position: body.position,
            product_id: body.product_id,
            description: body.description,
            quantity: body.quantity,
            unit: body.unit,
            unit_price: body.unit_price,
            discount_percent: body.discount_percent,
            tax_rate: body.tax_rate,
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::*;

    #[derive(Debug, Deserialize)]
    struct Amount(#[serde(deserialize_with = "decimal")] Decimal);

    fn parse(text: &str) -> Option<Decimal> {
        serde_json::from_value::<Amount>(Value::String(text.to_owned()))
            .ok()
            .map(|Amount(value)| value)
    }

    #[test]
    fn a_decimal_is_spelled_one_way() {
        for (text, value) in [("12", "12"), ("-3.5", "-3.5"), ("0.0001", "0.0001"), ("0", "0")] {
            assert_eq!(parse(text), Some(value.parse().unwrap()), "{text}");
        }
        for text in [
            " 1", "1 ", "+1", "-0", "-0.00", ".5", "5.", "1e3", "1.2.3", "", "-", "0x10", "1,5",
        ] {
            assert_eq!(parse(text), None, "{text:?} is refused");
        }
    }
}
