//! Roles and what each may do. Deny by default: a permission a role is not listed for is refused,
//! and a new permission is refused to every role until someone decides otherwise here.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Manager,
    Sales,
    Accountant,
    Integrator,
    /// The service team: works support cases; reads the business data a case needs.
    Support,
    Viewer,
}

impl Role {
    pub const ALL: &'static [Role] = &[
        Role::Admin,
        Role::Manager,
        Role::Sales,
        Role::Accountant,
        Role::Integrator,
        Role::Support,
        Role::Viewer,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Manager => "manager",
            Role::Sales => "sales",
            Role::Accountant => "accountant",
            Role::Integrator => "integrator",
            Role::Support => "support",
            Role::Viewer => "viewer",
        }
    }

    pub fn parse(text: &str) -> Option<Role> {
        Role::ALL.iter().copied().find(|role| role.as_str() == text)
    }

    /// Whether this role may perform `permission` at all (record scope is checked separately).
    pub fn can(self, permission: Permission) -> bool {
        use Permission as P;
        let reads = matches!(
            permission,
            P::ReadParties
                | P::ReadPipeline
                | P::ReadActivities
                | P::ReadOpportunities
                | P::ReadProducts
                | P::ReadPricing
                | P::ReadOffers
                | P::ReadOrders
                | P::ReadInvoices
                | P::ReadCases
                | P::ReadAttachments
                | P::ReadContracts
                | P::ReadReports
                | P::ReadDirectory
        );
        let sells = matches!(
            permission,
            P::WriteParties
                | P::WriteActivities
                | P::WriteOpportunities
                | P::WriteOffers
                | P::WriteOrders
                | P::WriteContracts
        );
        let prices = matches!(permission, P::WriteProducts | P::ManagePricing | P::UpsertSalesRecords);
        let invoices = permission == P::WriteInvoices;
        // A billing run turns due subscription periods into orders for invoicing.
        let bills = permission == P::RunBilling;
        // Attaching files is writing to the record: whoever writes sales records, invoices or cases.
        let attaches = permission == P::WriteAttachments;
        // The change feed and webhooks carry every record of every party: for the ERP's account.
        let sync = matches!(permission, P::ReadEvents | P::ManageWebhooks);
        // Sales users open cases for their customers too; the service team works them.
        let serves = permission == P::WriteCases;
        match self {
            Role::Admin => true,
            // Managers keep the catalog, prices and service levels; sales users only read them.
            Role::Manager => {
                reads
                    || sells
                    || prices
                    || serves
                    || attaches
                    || bills
                    || matches!(permission, P::ManageSla | P::ManageTargets)
            }
            // The ERP's (or help desk's) machine account syncs everything, invoices included.
            Role::Integrator => reads || sells || prices || invoices || sync || serves || attaches || bills,
            Role::Sales => reads || sells || serves || attaches,
            Role::Support => reads || serves || attaches,
            // Invoicing is the accountants'; they read all sales data.
            Role::Accountant => reads || invoices || attaches || bills,
            Role::Viewer => reads,
        }
    }

    /// Which records of sales data this role sees: sales users see their own and their team's.
    pub fn sales_scope(self) -> Scope {
        match self {
            Role::Sales => Scope::OwnAndTeam,
            Role::Admin | Role::Manager | Role::Accountant | Role::Integrator | Role::Support | Role::Viewer => {
                Scope::All
            }
        }
    }
}

/// A user as far as ownership goes: who, and in which team.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Member {
    pub user_id: Uuid,
    pub team_id: Option<Uuid>,
}

impl Member {
    fn is_teammate_of(self, other: Member) -> bool {
        self.team_id.is_some() && self.team_id == other.team_id
    }
}

/// Whether `caller` (with `role`) may make `owner` responsible for a record. Sales users may only
/// pick themselves or a teammate: anyone else would take the record out of their sight.
pub fn may_assign_owner(role: Role, caller: Member, owner: Member) -> bool {
    role.sales_scope() == Scope::All || owner.user_id == caller.user_id || owner.is_teammate_of(caller)
}

/// Whether `role` may leave a record without an owner: a sales user would lose sight of it.
pub fn may_leave_unassigned(role: Role) -> bool {
    role.sales_scope() == Scope::All
}

/// Whether `role` may give a record an external id. Not sales users: external ids are unique
/// among all records, so naming one would tell whether a record they cannot see has it.
pub fn may_set_external_ids(role: Role) -> bool {
    role.sales_scope() == Scope::All
}

/// The owner of a record created without one: a sales user's record is theirs, or they could not
/// see it; for other roles it stays unassigned.
pub fn default_owner(role: Role, caller: Member) -> Option<Uuid> {
    (role.sales_scope() == Scope::OwnAndTeam).then_some(caller.user_id)
}

/// What a caller may or may not do; every operation of the API declares the one it needs (its
/// name, `read_parties`, is the operation's `x-permission` in the OpenAPI document).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Permission {
    ReadParties,
    WriteParties,
    ManageUsers,
    ManageTeams,
    /// Read the pipeline stages (everyone who works with opportunities).
    ReadPipeline,
    /// Add, rename, reorder, retire and delete pipeline stages (admins).
    ManagePipeline,
    ReadActivities,
    /// Create and change activities, and move them through their states.
    WriteActivities,
    ReadOpportunities,
    /// Create opportunities and move them through the pipeline.
    WriteOpportunities,
    ReadProducts,
    /// Create, change and archive products.
    WriteProducts,
    /// Read price lists and discount rules, and resolve prices.
    ReadPricing,
    /// Create, change and delete price lists and discount rules.
    ManagePricing,
    ReadOffers,
    /// Create offers, change drafts, and move offers through their states.
    WriteOffers,
    ReadOrders,
    /// Create sales orders (from offers or directly) and move them through their states.
    WriteOrders,
    /// Read invoice orders, invoices, payments and credit notes.
    ReadInvoices,
    /// Invoice orders, invoices (issue them), payments and credit notes.
    WriteInvoices,
    /// Read the change feed (`/events`): every change of every record.
    ReadEvents,
    /// Subscribe webhooks and read their deliveries.
    ManageWebhooks,
    /// Create or replace parties, offers and sales orders by their external ids (`PUT
    /// …/by-external-id/…`, batches). Only for roles that see every record: an external id is
    /// unique among all records, so naming one answers whether a record the caller cannot see has it.
    UpsertSalesRecords,
    /// Read support cases, their messages and SLA clocks, and the SLA policies.
    ReadCases,
    /// Open cases, change them, write their messages and move them through their states.
    WriteCases,
    /// Create, change and delete SLA policies and their calendars.
    ManageSla,
    /// Read attachments; each also needs the read permission of its record and sight of it.
    ReadAttachments,
    /// Upload and delete attachments; each also needs the write permission of its record and
    /// sight of it.
    WriteAttachments,
    /// Read contracts and subscriptions (with their billing periods and previews).
    ReadContracts,
    /// Create and change contracts and subscriptions, and move them through their states.
    WriteContracts,
    /// Run subscription billing (`POST /subscription-runs`) and read the runs.
    RunBilling,
    /// Read reports (over the records the caller sees) and sales targets.
    ReadReports,
    /// Set sales targets for users and teams (admins and managers).
    ManageTargets,
    /// Read who the caller is (`/me`) and look users up by name and team, for owner and assignee
    /// pickers: every role.
    ReadDirectory,
}

impl Permission {
    pub const ALL: &'static [Permission] = &[
        Permission::ReadParties,
        Permission::WriteParties,
        Permission::ManageUsers,
        Permission::ManageTeams,
        Permission::ReadPipeline,
        Permission::ManagePipeline,
        Permission::ReadActivities,
        Permission::WriteActivities,
        Permission::ReadOpportunities,
        Permission::WriteOpportunities,
        Permission::ReadProducts,
        Permission::WriteProducts,
        Permission::ReadPricing,
        Permission::ManagePricing,
        Permission::ReadOffers,
        Permission::WriteOffers,
        Permission::ReadOrders,
        Permission::WriteOrders,
        Permission::ReadInvoices,
        Permission::WriteInvoices,
        Permission::ReadEvents,
        Permission::ManageWebhooks,
        Permission::UpsertSalesRecords,
        Permission::ReadCases,
        Permission::WriteCases,
        Permission::ManageSla,
        Permission::ReadAttachments,
        Permission::WriteAttachments,
        Permission::ReadContracts,
        Permission::WriteContracts,
        Permission::RunBilling,
        Permission::ReadReports,
        Permission::ManageTargets,
        Permission::ReadDirectory,
    ];

    /// The roles that may do this, in the order of [`Role::ALL`].
    pub fn roles(self) -> impl Iterator<Item = Role> {
        Role::ALL.iter().copied().filter(move |role| role.can(self))
    }
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
        let read_only: &[Permission] = &[
            P::ReadParties,
            P::ReadPipeline,
            P::ReadActivities,
            P::ReadOpportunities,
            P::ReadProducts,
            P::ReadPricing,
            P::ReadOffers,
            P::ReadOrders,
            P::ReadInvoices,
            P::ReadCases,
            P::ReadAttachments,
            P::ReadContracts,
            P::ReadReports,
            P::ReadDirectory,
        ];
        let sales: &[Permission] = &[
            read_only,
            &[
                P::WriteParties,
                P::WriteActivities,
                P::WriteOpportunities,
                P::WriteOffers,
                P::WriteOrders,
                P::WriteCases,
                P::WriteAttachments,
                P::WriteContracts,
            ],
        ]
        .concat();
        let catalog: &[Permission] = &[sales, &[P::WriteProducts, P::ManagePricing, P::UpsertSalesRecords]].concat();
        let manager: &[Permission] = &[catalog, &[P::ManageSla, P::RunBilling, P::ManageTargets]].concat();
        let support: &[Permission] = &[read_only, &[P::WriteCases, P::WriteAttachments]].concat();
        let integrator: &[Permission] = &[
            catalog,
            &[P::WriteInvoices, P::ReadEvents, P::ManageWebhooks, P::RunBilling],
        ]
        .concat();
        let accountant: &[Permission] = &[read_only, &[P::WriteInvoices, P::WriteAttachments, P::RunBilling]].concat();
        let allowed: &[(Role, &[Permission])] = &[
            (Role::Admin, Permission::ALL),
            (Role::Manager, manager),
            (Role::Support, support),
            (Role::Sales, sales),
            (Role::Accountant, accountant),
            (Role::Integrator, integrator),
            (Role::Viewer, read_only),
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
    fn sales_users_assign_owners_within_their_team_only() {
        let team = Some(Uuid::from_u128(1));
        let me = Member {
            user_id: Uuid::from_u128(10),
            team_id: team,
        };
        let teammate = Member {
            user_id: Uuid::from_u128(11),
            team_id: team,
        };
        let stranger = Member {
            user_id: Uuid::from_u128(12),
            team_id: Some(Uuid::from_u128(2)),
        };
        let loner = Member {
            user_id: Uuid::from_u128(13),
            team_id: None,
        };
        let no_team_me = Member {
            user_id: me.user_id,
            team_id: None,
        };
        assert!(may_assign_owner(Role::Sales, me, me));
        assert!(may_assign_owner(Role::Sales, me, teammate));
        assert!(!may_assign_owner(Role::Sales, me, stranger));
        assert!(
            !may_assign_owner(Role::Sales, no_team_me, loner),
            "no team is not a shared team"
        );
        assert!(may_assign_owner(Role::Manager, me, stranger));
        assert_eq!(default_owner(Role::Sales, me), Some(me.user_id));
        assert!(!may_leave_unassigned(Role::Sales));
        assert!(may_leave_unassigned(Role::Integrator));
        assert_eq!(default_owner(Role::Manager, me), None);
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in Role::ALL {
            assert_eq!(Role::parse(role.as_str()), Some(*role));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
