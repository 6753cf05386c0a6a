//! Exact decimals on both databases.
//!
//! sea-orm reads a SQLite `DECIMAL` through `f64`, so 12345678901234567.89 comes back rounded.
//! We store decimals as their canonical text instead: exact everywhere, and identical on SQLite and
//! PostgreSQL. Sums and comparisons happen in Rust, in the domain, where the rounding rules live.

use std::str::FromStr;

use rust_decimal::Decimal;
use sea_orm::sea_query::{self, ArrayType, ColumnType, Nullable, ValueType, ValueTypeErr};
use sea_orm::{ColIdx, DbErr, QueryResult, TryGetError, TryGetable, Value};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DecimalText(pub Decimal);

impl From<DecimalText> for Value {
    fn from(value: DecimalText) -> Self {
        Value::String(Some(value.0.to_string()))
    }
}

impl DecimalText {
    /// A decimal as stored.
    pub fn parse(text: &str) -> Result<Self, DbErr> {
        Decimal::from_str(text)
            .map(DecimalText)
            .map_err(|e| DbErr::Type(format!("stored decimal `{text}` does not parse: {e}")))
    }
}

impl TryGetable for DecimalText {
    fn try_get_by<I: ColIdx>(res: &QueryResult, index: I) -> Result<Self, TryGetError> {
        let text = String::try_get_by(res, index)?;
        DecimalText::parse(&text).map_err(TryGetError::DbErr)
    }
}

impl ValueType for DecimalText {
    fn try_from(v: Value) -> Result<Self, ValueTypeErr> {
        match v {
            Value::String(Some(text)) => Decimal::from_str(&text).map(DecimalText).map_err(|_| ValueTypeErr),
            _ => Err(ValueTypeErr),
        }
    }

    fn type_name() -> String {
        "DecimalText".to_owned()
    }

    fn array_type() -> ArrayType {
        <String as ValueType>::array_type()
    }

    fn column_type() -> ColumnType {
        <String as ValueType>::column_type()
    }
}

impl Nullable for DecimalText {
    fn null() -> Value {
        <String as sea_query::Nullable>::null()
    }
}

impl sea_orm::IntoActiveValue<DecimalText> for DecimalText {
    fn into_active_value(self) -> sea_orm::ActiveValue<DecimalText> {
        sea_orm::ActiveValue::Set(self)
    }
}
