//! The raw floor of `bench/harness.py`: the CRM's three party endpoints with the least overhead
//! a server can have while doing the same database work, on the same PostgreSQL database (the
//! CRM's `parties` table). No auth, no validation, no ORM, no middleware: one pool of 16
//! connections (as the CRM's), prepared statements, rows serialized straight to JSON.
//!
//! - `GET /parties/{id}`: one `SELECT` by primary key, the row as JSON (the columns the CRM
//!   answers with: every column but `search_text`; its JSON-text columns are embedded as they are
//!   stored).
//! - `GET /parties?limit=50&after=<name>,<id>[&role=<role>]`: a keyset page ordered by `(name, id)`
//!   of the parties not archived (with `role`: whose `roles` hold it, `roles LIKE '%"<role>"%'` as
//!   the CRM filters), `limit + 1` rows read as the CRM does, `{items, next_cursor}`.
//! - `POST /parties`: in one transaction, one `INSERT` of a party row (`RETURNING` it) and one
//!   `INSERT` into the floor's own `floor_log(id, at, data jsonb)` (standing in for the CRM's
//!   history row and event), then `201` with the row as JSON.
//!
//!     crm-floor [DATABASE_URL] [LISTEN]
//!
//! or `FLOOR_DATABASE_URL` / `FLOOR_LISTEN` (default listen address `127.0.0.1:8192`).

use actix_web::http::StatusCode;
use actix_web::{App, HttpResponse, HttpServer, web};
use chrono::{DateTime, Utc};
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use tokio_postgres::{NoTls, Row};
use uuid::Uuid;

const COLUMNS: &str = "id, kind, name, organization_id, roles, email, phone, website, vat_id, addresses, \
    bank_accounts, payment_terms_days, credit_limit, currency, price_list_id, customer_group, owner_id, \
    tags, notes, external_id, archived_at, version, created_at, updated_at";

/// One party as the CRM answers it (field for field, in the same order).
#[derive(Serialize)]
struct Party {
    id: Uuid,
    kind: String,
    name: String,
    organization_id: Option<Uuid>,
    roles: Box<RawValue>,
    email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
    vat_id: Option<String>,
    addresses: Box<RawValue>,
    bank_accounts: Box<RawValue>,
    payment_terms_days: i32,
    credit_limit: Option<String>,
    currency: Option<String>,
    price_list_id: Option<Uuid>,
    customer_group: Option<String>,
    owner_id: Option<Uuid>,
    tags: Box<RawValue>,
    notes: Option<String>,
    external_id: Option<String>,
    archived_at: Option<DateTime<Utc>>,
    version: i32,
    created_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
}

fn raw(text: String) -> Result<Box<RawValue>, serde_json::Error> {
    RawValue::from_string(text)
}

impl Party {
    fn from_row(row: &Row) -> Result<Self, Error> {
        Ok(Party {
            id: row.try_get(0)?,
            kind: row.try_get(1)?,
            name: row.try_get(2)?,
            organization_id: row.try_get(3)?,
            roles: raw(row.try_get(4)?)?,
            email: row.try_get(5)?,
            phone: row.try_get(6)?,
            website: row.try_get(7)?,
            vat_id: row.try_get(8)?,
            addresses: raw(row.try_get(9)?)?,
            bank_accounts: raw(row.try_get(10)?)?,
            payment_terms_days: row.try_get(11)?,
            credit_limit: row.try_get(12)?,
            currency: row.try_get(13)?,
            price_list_id: row.try_get(14)?,
            customer_group: row.try_get(15)?,
            owner_id: row.try_get(16)?,
            tags: raw(row.try_get(17)?)?,
            notes: row.try_get(18)?,
            external_id: row.try_get(19)?,
            archived_at: row.try_get(20)?,
            version: row.try_get(21)?,
            created_at: row.try_get(22)?,
            updated_at: row.try_get(23)?,
        })
    }
}

#[derive(Serialize)]
struct Page {
    items: Vec<Party>,
    next_cursor: Option<String>,
}

/// The body of a create: the CRM's `PartyBody`, taken as it comes (the floor validates nothing).
#[derive(Deserialize)]
struct NewParty {
    kind: String,
    name: String,
    organization_id: Option<Uuid>,
    roles: Option<Box<RawValue>>,
    email: Option<String>,
    phone: Option<String>,
    website: Option<String>,
    vat_id: Option<String>,
    addresses: Option<Box<RawValue>>,
    bank_accounts: Option<Box<RawValue>>,
    payment_terms_days: Option<i32>,
    credit_limit: Option<String>,
    currency: Option<String>,
    price_list_id: Option<Uuid>,
    customer_group: Option<String>,
    owner_id: Option<Uuid>,
    tags: Option<Box<RawValue>>,
    notes: Option<String>,
    external_id: Option<String>,
}

#[derive(Deserialize)]
struct ListQuery {
    limit: Option<i64>,
    after: Option<String>,
    role: Option<String>,
}

#[derive(Debug)]
struct Error(String);

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl actix_web::ResponseError for Error {
    fn status_code(&self) -> StatusCode {
        StatusCode::INTERNAL_SERVER_ERROR
    }
}

macro_rules! error_from {
    ($($t:ty),*) => {$(
        impl From<$t> for Error {
            fn from(e: $t) -> Self {
                Error(e.to_string())
            }
        }
    )*};
}
error_from!(tokio_postgres::Error, deadpool_postgres::PoolError, serde_json::Error);

fn json(status: StatusCode, body: Vec<u8>) -> HttpResponse {
    HttpResponse::build(status).content_type("application/json").body(body)
}

async fn get_party(pool: web::Data<Pool>, id: web::Path<Uuid>) -> Result<HttpResponse, Error> {
    let client = pool.get().await?;
    let statement = client
        .prepare_cached(&format!("SELECT {COLUMNS} FROM parties WHERE id = $1"))
        .await?;
    match client.query_opt(&statement, &[&id.into_inner()]).await? {
        Some(row) => Ok(json(StatusCode::OK, serde_json::to_vec(&Party::from_row(&row)?)?)),
        None => Ok(HttpResponse::NotFound().finish()),
    }
}

async fn list_parties(pool: web::Data<Pool>, query: web::Query<ListQuery>) -> Result<HttpResponse, Error> {
    let limit = query.limit.unwrap_or(50).clamp(1, 200);
    // `after` is `<name>,<id>`: the id is the text after the last comma.
    let after = match query.after.as_deref() {
        Some(after) => match after.rsplit_once(',').map(|(name, id)| (name, Uuid::parse_str(id))) {
            Some((name, Ok(id))) => Some((name.to_owned(), id)),
            _ => return Ok(HttpResponse::BadRequest().finish()),
        },
        None => None,
    };
    // `role` as the CRM filters it: the quoted role a substring of the JSON array.
    let role = query.role.as_deref().map(|role| format!("%\"{role}\"%"));
    let mut sql = format!("SELECT {COLUMNS} FROM parties WHERE archived_at IS NULL");
    let mut params: Vec<&(dyn tokio_postgres::types::ToSql + Sync)> = Vec::new();
    if let Some(role) = &role {
        params.push(role);
        sql.push_str(&format!(" AND roles LIKE ${}", params.len()));
    }
    if let Some((name, id)) = &after {
        params.push(name);
        params.push(id);
        sql.push_str(&format!(" AND (name, id) > (${}, ${})", params.len() - 1, params.len()));
    }
    let fetch = limit + 1;
    params.push(&fetch);
    sql.push_str(&format!(" ORDER BY name, id LIMIT ${}", params.len()));
    let client = pool.get().await?;
    let statement = client.prepare_cached(&sql).await?;
    let rows = client.query(&statement, &params).await?;
    drop(client);
    let more = rows.len() as i64 > limit;
    let items = rows
        .iter()
        .take(limit as usize)
        .map(Party::from_row)
        .collect::<Result<Vec<_>, _>>()?;
    let next_cursor = match (more, items.last()) {
        (true, Some(last)) => Some(format!("{},{}", last.name, last.id)),
        _ => None,
    };
    Ok(json(StatusCode::OK, serde_json::to_vec(&Page { items, next_cursor })?))
}

async fn create_party(pool: web::Data<Pool>, body: web::Json<NewParty>) -> Result<HttpResponse, Error> {
    let new = body.into_inner();
    let text = |value: &Option<Box<RawValue>>| value.as_ref().map_or_else(|| "[]".to_owned(), |v| v.get().to_owned());
    // What `q` searches in the CRM: name, email and external id, lower-cased.
    let search_text = [
        Some(new.name.as_str()),
        new.email.as_deref(),
        new.external_id.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("\n")
    .to_lowercase();
    let now = Utc::now();
    let mut client = pool.get().await?;
    let insert_party = client
        .prepare_cached(&format!(
            "INSERT INTO parties (id, kind, name, organization_id, roles, email, phone, website, vat_id, \
             addresses, bank_accounts, payment_terms_days, credit_limit, currency, price_list_id, \
             customer_group, owner_id, tags, notes, external_id, search_text, archived_at, version, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, \
             $15, $16, $17, $18, $19, $20, $21, NULL, 1, $22, $22) RETURNING {COLUMNS}"
        ))
        .await?;
    let insert_log = client
        .prepare_cached("INSERT INTO floor_log (id, at, data) VALUES ($1, $2, $3::text::jsonb)")
        .await?;
    let transaction = client.transaction().await?;
    let row = transaction
        .query_one(
            &insert_party,
            &[
                &Uuid::now_v7(),
                &new.kind,
                &new.name,
                &new.organization_id,
                &text(&new.roles),
                &new.email,
                &new.phone,
                &new.website,
                &new.vat_id,
                &text(&new.addresses),
                &text(&new.bank_accounts),
                &new.payment_terms_days.unwrap_or(30),
                &new.credit_limit,
                &new.currency,
                &new.price_list_id,
                &new.customer_group,
                &new.owner_id,
                &text(&new.tags),
                &new.notes,
                &new.external_id,
                &search_text,
                &now,
            ],
        )
        .await?;
    let body = serde_json::to_vec(&Party::from_row(&row)?)?;
    let data = std::str::from_utf8(&body).expect("serde_json writes UTF-8");
    transaction
        .execute(&insert_log, &[&Uuid::now_v7(), &now, &data])
        .await?;
    transaction.commit().await?;
    Ok(json(StatusCode::CREATED, body))
}

fn main() -> std::io::Result<()> {
    let mut args = std::env::args().skip(1);
    let database_url = args
        .next()
        .or_else(|| std::env::var("FLOOR_DATABASE_URL").ok())
        .expect("give the database URL as the first argument or FLOOR_DATABASE_URL");
    let listen = args
        .next()
        .or_else(|| std::env::var("FLOOR_LISTEN").ok())
        .unwrap_or_else(|| "127.0.0.1:8192".to_owned());
    actix_web::rt::System::new().block_on(async move {
        let config: tokio_postgres::Config = database_url.parse().expect("a PostgreSQL URL");
        let manager = Manager::from_config(
            config,
            NoTls,
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager).max_size(16).build().expect("a pool");
        pool.get()
            .await
            .expect("connecting to the database")
            .batch_execute("CREATE TABLE IF NOT EXISTS floor_log (id uuid PRIMARY KEY, at timestamptz NOT NULL, data jsonb NOT NULL)")
            .await
            .expect("creating floor_log");
        println!("crm-floor listening on {listen}");
        HttpServer::new(move || {
            App::new()
                .app_data(web::Data::new(pool.clone()))
                .route("/health", web::get().to(HttpResponse::Ok))
                .route("/parties", web::get().to(list_parties))
                .route("/parties", web::post().to(create_party))
                .route("/parties/{id}", web::get().to(get_party))
        })
        .bind(&listen)?
        .run()
        .await
    })
}
