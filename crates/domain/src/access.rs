//! Roles and what each may do. Deny by default: a permission a role is not listed for is refused,
//! and a new permission is refused to every role until someone decides otherwise here.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Sales,
    Accountant,
    Integrator,
    Viewer,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Admin,
        Role::Manager,
        Role::Sales,
        Role::Accountant,
        Role::Integrator,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Sales => "sales",
            Role::Accountant => "accountant",
            Role::Integrator => "integrator",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|role| role.as_str() == text)
    }

    /// Whether this role may perform `permission` at all (record scope is checked separately).
    pub fn can(self, permission: Permission) -> bool {
        use Permission as P;
        match self {
            Role::Admin => true,
            Role::Manager | Role::Integrator => matches!(permission, P::ReadParties | P::WriteParties),
            Role::Sales => matches!(permission, P::ReadParties | P::WriteParties),
            Role::Accountant | Role::Viewer => matches!(permission, P::ReadParties),
        }
    }

    /// Which records of sales data this role sees: sales users see their own and their team's.
    pub fn sales_scope(self) -> Scope {
        match self {
            Role::Sales => Scope::OwnAndTeam,
            Role::Admin | Role::Manager | Role::Accountant | Role::Integrator | Role::Viewer => Scope::All,
        }
    }
}

/// One operation a caller may or may not perform; every handler declares the one it needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Permission {
    ReadParties,
    WriteParties,
    ManageUsers,
    ManageTeams,
}

impl Permission {
    pub const ALL: &'static [Permission] = &[
        Permission::ReadParties,
        Permission::WriteParties,
        Permission::ManageUsers,
        Permission::ManageTeams,
    ];
}

/// The records a caller may see and change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    All,
    /// Records owned by the caller or by a member of the caller's team.
    OwnAndTeam,
}

#[cfg(test)]
mod tests {
    use super::*;
    use Permission as P;

    /// The whole matrix, spelled out: a change to a role's rights must change this table.
    #[test]
    fn the_permission_matrix_is_as_designed() {
        let allowed: &[(Role, &[Permission])] = &[
            (Role::Admin, Permission::ALL),
            (Role::Manager, &[P::ReadParties, P::WriteParties]),
            (Role::Sales, &[P::ReadParties, P::WriteParties]),
            (Role::Accountant, &[P::ReadParties]),
            (Role::Integrator, &[P::ReadParties, P::WriteParties]),
            (Role::Viewer, &[P::ReadParties]),
        ];
        for (role, permissions) in allowed {
            for permission in Permission::ALL {
                assert_eq!(
                    role.can(*permission),
                    permissions.contains(permission),
                    "{role:?} / {permission:?}"
                );
            }
        }
    }

    #[test]
    fn only_sales_is_limited_to_its_own_and_its_teams_records() {
        for role in Role::ALL {
            let expected = if *role == Role::Sales {
                Scope::OwnAndTeam
            } else {
                Scope::All
            };
            assert_eq!(role.sales_scope(), expected);
        }
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(*role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
