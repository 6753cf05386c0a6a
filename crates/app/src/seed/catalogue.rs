//! The seed's people and catalogue: teams, users (one shared password), products, and the
//! pipeline stages the migrations made.

use chrono::{DateTime, Utc};
use domain::access::Role;
use domain::pipeline::{PipelineStage, StageKind};
use domain::product::{Product, ProductInput, ProductKind};
use domain::resource::ResourceType;
use domain::team::{self, Team};
use domain::user::{User, UserInput};
use persistence::{DatabaseConnection, DatabaseTransaction};
use rand::Rng;
use rust_decimal::Decimal;
use uuid::Uuid;

use super::ids::{self, Kind};
use super::journal::Journal;
use super::{Profile, Summary};

/// The password of every seeded user (they are for benchmarks and demos).
pub const PASSWORD: &str = "seed password";
/// The seeded admin, to sign in with [`PASSWORD`].
pub const ADMIN_EMAIL: &str = "admin@seed.example";

/// Who and what the seeded business works with.
pub struct People {
    /// The seeded admin, who set up what no user of the business did (teams, policies, targets).
    pub admin: Uuid,
    /// The teams, in order: sales user `k` is in team `k % teams`.
    pub teams: Vec<Uuid>,
    /// Sales users, in teams round robin: user `k` is in team `k % teams`.
    pub sales: Vec<Uuid>,
    pub products: Vec<Product>,
    /// The stages that take new opportunities, in pipeline order, and the first won and lost one.
    pub open_stages: Vec<PipelineStage>,
    pub won: PipelineStage,
    pub lost: PipelineStage,
}

impl People {
    /// The sales user who owns the business of organization `organization`.
    pub fn owner_of(&self, organization: u64) -> Uuid {
        *ids::nth(&self.sales, organization)
    }
}

pub async fn write(db: &DatabaseConnection, profile: &Profile, summary: &mut Summary) -> anyhow::Result<People> {
    let at = ids::spread(0, 1);
    let mut journal = Journal::default();
    let teams: Vec<Team> = (0..profile.teams)
        .map(|k| -> anyhow::Result<Team> {
            Ok(Team {
                id: ids::id(Kind::Team, k, at),
                name: team::validate_name(&format!("Sales team {}", k + 1))?,
                version: 1,
                created_at: at,
                updated_at: at,
            })
        })
        .collect::<anyhow::Result<_>>()?;
    let mut users = Vec::new();
    let mut user = |role: Role, name: String, email: String, team: Option<&Team>| -> anyhow::Result<User> {
        let fields = UserInput {
            email,
            name,
            role,
            team_id: team.map(|t| t.id),
            active: true,
        }
        .validate()?;
        let user = User {
            id: ids::id(Kind::User, users.len() as u64, at),
            email: fields.email,
            name: fields.name,
            role: fields.role,
            team_id: fields.team_id,
            active: true,
            version: 1,
            created_at: at,
            updated_at: at,
        };
        users.push(user.clone());
        Ok(user)
    };
    let admin = user(Role::Admin, "Seed Admin".into(), ADMIN_EMAIL.into(), None)?.id;
    for (role, name) in [
        (Role::Accountant, "accountant"),
        (Role::Integrator, "integrator"),
        (Role::Viewer, "viewer"),
    ] {
        user(role, format!("Seed {name}"), format!("{name}@seed.example"), None)?;
    }
    for (k, team) in teams.iter().enumerate() {
        user(
            Role::Manager,
            format!("Manager {}", k + 1),
            format!("manager{}@seed.example", k + 1),
            Some(team),
        )?;
    }
    let mut sales = Vec::new();
    for k in 0..profile.sales_users {
        let team = ids::nth(&teams, k);
        let name = format!("Sales {}", k + 1);
        sales.push(user(Role::Sales, name, format!("sales{}@seed.example", k + 1), Some(team))?.id);
    }
    let products: Vec<Product> = (0..profile.products)
        .map(|k| product(k, at))
        .collect::<anyhow::Result<_>>()?;
    for team in &teams {
        journal.created(Some(admin), ResourceType::Team, team.id, at, crate::teams::record(team));
    }
    for user in &users {
        journal.created(Some(admin), ResourceType::User, user.id, at, crate::users::record(user));
    }
    for product in &products {
        journal.created(
            Some(admin),
            ResourceType::Product,
            product.id,
            at,
            crate::products::record(product),
        );
    }
    let hash = crate::password::hash(PASSWORD.to_owned()).await?;
    let insert = async |txn: &DatabaseTransaction| {
        for team in &teams {
            persistence::teams::insert(txn, team).await?;
        }
        persistence::users::insert_many(txn, &users, &hash).await?;
        for product in &products {
            persistence::products::insert(txn, product).await?;
        }
        Ok(())
    };
    journal.commit(db, insert).await?;
    summary.counts.extend([
        ("teams", profile.teams),
        ("users", users.len() as u64),
        ("products", profile.products),
    ]);
    let stages = persistence::pipeline_stages::all(db).await?;
    let of_kind = |kind: StageKind| {
        stages
            .iter()
            .find(|s| s.fields.kind == kind && !s.fields.retired)
            .cloned()
    };
    Ok(People {
        admin,
        teams: teams.iter().map(|team| team.id).collect(),
        sales,
        products,
        open_stages: stages
            .iter()
            .filter(|s| s.fields.kind == StageKind::Open && s.takes_new_opportunities())
            .cloned()
            .collect(),
        won: of_kind(StageKind::Won).ok_or_else(|| anyhow::anyhow!("no won stage"))?,
        lost: of_kind(StageKind::Lost).ok_or_else(|| anyhow::anyhow!("no lost stage"))?,
    })
}

fn product(k: u64, at: DateTime<Utc>) -> anyhow::Result<Product> {
    let mut rng = ids::rng(Kind::Product, k);
    let service = rng.random_bool(0.3);
    let (kind, unit) = if service {
        (ProductKind::Service, "h")
    } else {
        (ProductKind::Goods, "pc")
    };
    let fields = ProductInput {
        sku: format!("SKU-{:06}", k + 1),
        name: format!("{} {}", if service { "Service" } else { "Article" }, k + 1),
        description: None,
        kind,
        unit: Some(unit.to_owned()),
        list_price: Decimal::new(rng.random_range(500..500_000), 2),
        currency: "EUR".to_owned(),
        tax_rate: Decimal::new(if rng.random_bool(0.8) { 19 } else { 7 }, 0),
        product_group: Some(format!("Group {}", k % 12 + 1)),
        active: Some(true),
        external_id: None,
    }
    .validate()?;
    Ok(Product {
        id: ids::id(Kind::Product, k, at),
        fields,
        archived_at: None,
        version: 1,
        created_at: at,
        updated_at: at,
    })
}
