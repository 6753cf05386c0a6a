//! How much data each profile seeds.

/// The sizes of a seed. Contact persons are parties too (persons of an organization).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Profile {
    pub name: &'static str,
    pub teams: u64,
    /// Sales users; a manager per team, an admin, an accountant, an integrator and a viewer come with them.
    pub sales_users: u64,
    pub products: u64,
    pub organizations: u64,
    pub contacts_per_organization: u64,
    pub activities: u64,
    pub opportunities: u64,
    pub offers: u64,
    pub lines_per_offer: u64,
    pub sales_orders: u64,
    pub invoices_per_order: u64,
    /// Support cases, of the organizations, over the whole seeded time.
    pub cases: u64,
}

impl Profile {
    /// Small enough for CI: a few seconds.
    pub const SMOKE: Profile = Profile {
        name: "smoke",
        teams: 2,
        sales_users: 6,
        products: 20,
        organizations: 200,
        contacts_per_organization: 2,
        activities: 1_000,
        opportunities: 200,
        offers: 100,
        lines_per_offer: 10,
        sales_orders: 50,
        invoices_per_order: 4,
        cases: 200,
    };
    /// 100k parties and 200k contact persons, 1M activities, 200k opportunities, 100k offers of 10
    /// lines, 50k sales orders, 200k invoices, 100k support cases; 50 users in 5 teams.
    pub const STANDARD: Profile = Profile {
        name: "standard",
        teams: 5,
        sales_users: 41,
        products: 500,
        organizations: 100_000,
        contacts_per_organization: 2,
        activities: 1_000_000,
        opportunities: 200_000,
        offers: 100_000,
        lines_per_offer: 10,
        sales_orders: 50_000,
        invoices_per_order: 4,
        cases: 100_000,
    };
    /// Ten times the standard profile's business (same users), for the scale curve.
    pub const LARGE: Profile = Profile {
        name: "large",
        products: 5_000,
        organizations: 1_000_000,
        activities: 10_000_000,
        opportunities: 2_000_000,
        offers: 1_000_000,
        sales_orders: 500_000,
        cases: 1_000_000,
        ..Profile::STANDARD
    };

    pub fn named(name: &str) -> Option<Profile> {
        [Profile::SMOKE, Profile::STANDARD, Profile::LARGE]
            .into_iter()
            .find(|profile| profile.name == name)
    }

    /// Every user: the sales users, a manager per team, an admin, an accountant, an integrator
    /// and a viewer.
    pub fn users(&self) -> u64 {
        self.sales_users + self.teams + 4
    }

    pub fn invoices(&self) -> u64 {
        self.sales_orders * self.invoices_per_order
    }
}
