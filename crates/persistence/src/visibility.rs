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
pub fn condition(owner: impl ColumnTrait, visibility: Visibility) -> Condition {
    match visibility {
        Visibility::All => Condition::all(),
        Visibility::OwnedBy { user_id, team_id } => {
            let mut owners = Condition::any().add(owner.eq(user_id));
            if let Some(team_id) = team_id {
                owners = owners.add(
                    owner.in_subquery(
                        Query::select()
                            .column(user::Column::Id)
                            .from(user::Entity)
                            .and_where(user::Column::TeamId.eq(team_id))
                            .to_owned(),
                    ),
                );
            }
            owners
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
