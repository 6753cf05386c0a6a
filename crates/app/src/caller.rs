//! Who is calling a use case, once their permission for it has been checked.

use domain::access::{Member, Permission, Role, Scope};
use persistence::visibility::Visibility;
use uuid::Uuid;

use crate::error::AppError;

/// An authenticated user, as a use case sees them. Made only by [`Caller::authorize`], so a use
/// case cannot be reached without a permission having been declared for it.
#[derive(Debug, Clone, Copy)]
pub struct Caller {
    pub id: Uuid,
    pub role: Role,
    pub team_id: Option<Uuid>,
}

impl Caller {
    /// The caller, if `role` may perform `permission` at all (record scope is checked by the
    /// use case: see [`Caller::visibility`]).
    pub fn authorize(id: Uuid, role: Role, team_id: Option<Uuid>, permission: Permission) -> Result<Self, AppError> {
        if role.can(permission) {
            Ok(Caller { id, role, team_id })
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Refuses the caller unless their role may perform `permission` (a use case that serves
    /// several resources checks the one it is asked for).
    pub fn require(&self, permission: Permission) -> Result<(), AppError> {
        if self.may(permission) {
            Ok(())
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Whether the caller may also perform `permission` (what `allowed_actions` shows).
    pub fn may(&self, permission: Permission) -> bool {
        self.role.can(permission)
    }

    /// The caller as an owner of records.
    pub fn member(&self) -> Member {
        Member {
            user_id: self.id,
            team_id: self.team_id,
        }
    }

    /// The sales records this caller sees.
    pub fn visibility(&self) -> Visibility {
        match self.role.sales_scope() {
            Scope::All => Visibility::All,
            Scope::OwnAndTeam => Visibility::OwnedBy {
                user_id: self.id,
                team_id: self.team_id,
            },
        }
    }
}
