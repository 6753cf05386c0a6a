//! Text filters. Search runs over a lower-cased search column: lowered in Rust with Unicode rules
//! when written and when searched, so it is case-insensitive for every script and identical on
//! both databases.
//!
//! A filter text with a NUL byte matches nothing: no stored text holds one (validation refuses
//! control characters), and PostgreSQL refuses it as a parameter, so it never reaches a query.

use sea_orm::sea_query::{Expr, LikeExpr, SimpleExpr};
use sea_orm::{ColumnTrait, ExprTrait};

/// `column` contains `text`, case-insensitively (`column` holds lower-cased text).
pub fn contains(column: impl ColumnTrait, text: &str) -> SimpleExpr {
    if text.contains('\0') {
        return nothing();
    }
    let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
    Expr::col(column.as_column_ref()).like(LikeExpr::new(pattern).escape('\\'))
}

/// `column` equals `text` exactly.
pub fn equals(column: impl ColumnTrait, text: &str) -> SimpleExpr {
    if text.contains('\0') {
        return nothing();
    }
    column.eq(text)
}

/// A condition no row meets.
fn nothing() -> SimpleExpr {
    Expr::val(1).eq(0)
}

/// Escapes LIKE wildcards so user text matches literally (with `ESCAPE '\'`).
pub fn escape_like(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            escaped.push('\\');
        }
        escaped.push(c);
    }
    escaped
}
