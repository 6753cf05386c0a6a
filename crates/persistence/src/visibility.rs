//! Which sales records a caller sees: all of them, or those owned by the caller or a teammate.
//! One rule for every resource; each names the column that holds its owner.

use sea_orm::sea_query::Query;
use sea_orm::{ColumnTrait, Condition};
use uuid::Uuid;

use crate::entities::user;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visibility {
    All,
    OwnedBy { user_id: Uuid, team_id: Option<Uuid> },
}

/// The condition that `owner` (a user id column) names the caller or a member of their team.
/// One `IN` over the users it may name (a handful) rather than "the caller or a teammate": an
/// `OR` keeps PostgreSQL from reading the owner's index, and a sales user's parties are a fifth
/// of the table.
pub fn condition(owner: impl ColumnTrait, visibility: Visibility) -> Condition {
    match visibility {
        Visibility::All => Condition::all(),
        Visibility::OwnedBy { user_id, team_id } => {
            let mut who = Condition::any().add(user::Column::Id.eq(user_id));
            if let Some(team_id) = team_id {
                who = who.add(user::Column::TeamId.eq(team_id));
            }
            let owners = Query::select()
                .column(user::Column::Id)
                .from(user::Entity)
                .cond_where(who)
                .to_owned();
            Condition::all().add(owner.in_subquery(owners))
        }
    }
}

/// The condition that `party` (a party id column) names a party the caller sees: the scope of
/// documents that have no owner of their own (invoice orders, invoices).
pub fn through_party(party: impl ColumnTrait, visibility: Visibility) -> Condition {
    match visibility {
        Visibility::All => Condition::all(),
        Visibility::OwnedBy { .. } => Condition::all().add(
            party.in_subquery(
                Query::select()
                    .column(crate::entities::party::Column::Id)
                    .from(crate::entities::party::Entity)
                    .cond_where(condition(crate::entities::party::Column::OwnerId, visibility))
                    .to_owned(),
            ),
        ),
    }
}
