//! Text filters. Search runs over a lower-cased search column: lowered in Rust with Unicode rules
//! when written and when searched, so it is case-insensitive for every script and identical on
//! both databases.
//!
//! A filter text with a NUL byte matches nothing: no stored text holds one (validation refuses
//! control characters), and PostgreSQL refuses it as a parameter, so it never reaches a query.

use sea_orm::sea_query::{Expr, LikeExpr, Query, SelectStatement, SimpleExpr};
use sea_orm::{ColumnTrait, Condition, ExprTrait};

use crate::entities::party;

/// `column` contains `text`, case-insensitively (`column` holds lower-cased text).
pub fn contains(column: impl ColumnTrait, text: &str) -> SimpleExpr {
    if text.contains('\0') {
        return nothing();
    }
    let pattern = format!("%{}%", escape_like(&text.to_lowercase()));
    Expr::col(column.as_column_ref()).like(LikeExpr::new(pattern).escape('\\'))
}

/// `column`, a document number (`OF-2026-000001`: upper-case ASCII letters, digits and dashes),
/// contains `text`, case-insensitively: `text` is upper-cased, which is the same on both databases
/// for every text that can match a number. A null number (a draft invoice's) matches nothing.
pub fn number_contains(column: impl ColumnTrait, text: &str) -> SimpleExpr {
    if text.contains('\0') {
        return nothing();
    }
    let pattern = format!("%{}%", escape_like(&text.to_ascii_uppercase()));
    Expr::col(column.as_column_ref()).like(LikeExpr::new(pattern).escape('\\'))
}

/// The ids of the parties that `q` finds as it does on `GET /parties` (in the name, email or
/// external id), as a subquery.
pub fn parties_matching(text: &str) -> SelectStatement {
    Query::select()
        .column(party::Column::Id)
        .from(party::Entity)
        .and_where(contains(party::Column::SearchText, text))
        .to_owned()
}

/// `q` on a list of documents: the document's `number` contains `text`, or its party
/// (`party_id`) is one that `q` finds on the parties.
pub fn document(number: impl ColumnTrait, party_id: impl ColumnTrait, text: &str) -> Condition {
    Condition::any()
        .add(number_contains(number, text))
        .add(party_id.in_subquery(parties_matching(text)))
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
