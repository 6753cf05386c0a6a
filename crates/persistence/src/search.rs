//! Text search over a lower-cased search column: lowered in Rust with Unicode rules when written
//! and when searched, so it is case-insensitive for every script and identical on both databases.

use sea_orm::sea_query::{Expr, LikeExpr, SimpleExpr};
use sea_orm::{ColumnTrait, ExprTrait};

/// `column` contains `text`, case-insensitively (`column` holds lower-cased text).
pub fn contains(column: impl ColumnTrait, text: &str) -> SimpleExpr {
    let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
    Expr::col(column.as_column_ref()).like(LikeExpr::new(pattern).escape('\\'))
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
