//! Connecting and migrating: the only place that knows which database is behind the URL.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use migration::{Migrator, MigratorTrait};
use sea_orm::sqlx::sqlite::SqliteJournalMode;
use sea_orm::{
    AccessMode, ConnectOptions, ConnectionTrait, Database, DatabaseConnection, DatabaseTransaction, DbBackend, DbErr,
    IsolationLevel, SqliteTransactionMode, Statement, TransactionOptions, TransactionTrait,
};

/// Opens the pool for `url` (`sqlite://…` or `postgres://…`).
///
/// PostgreSQL: sqlx pings a connection on every acquire by default, a round trip per request;
/// we ping only connections idle for 30 s, which catches the ones a server or proxy dropped, and
/// for a minute after the database was found out of reach, those made before.
/// (sqlx 0.9 also pings on release, in the background after the request; that cannot be turned off.)
///
/// SQLite: a single connection. SQLite has one writer anyway, ignores `FOR UPDATE`, and a
/// transaction that reads then writes on a second connection can fail with "database is locked";
/// one connection makes every transaction serial, which is correct and simple.
pub async fn connect(url: &str) -> Result<DatabaseConnection, DbErr> {
    let mut options = ConnectOptions::new(url);
    options
        .sqlx_logging(false)
        .acquire_timeout(Duration::from_secs(10))
        .connect_timeout(Duration::from_secs(10));
    if is_sqlite(url) {
        options
            .max_connections(1)
            .min_connections(1)
            // Never close the one connection: an in-memory database would vanish with it.
            .idle_timeout(None::<Duration>)
            .max_lifetime(None::<Duration>)
            .test_before_acquire(false)
            .map_sqlx_sqlite_opts(|opts| {
                opts.journal_mode(SqliteJournalMode::Wal)
                    .foreign_keys(true)
                    .busy_timeout(Duration::from_secs(10))
            });
    } else {
        options
            .max_connections(16)
            .min_connections(1)
            .test_before_acquire_if_idle_for(Duration::from_secs(30))
            // After the database was out of reach, the connections made before are tested once
            // more before use: the first request after an outage gets a live one, not a 503.
            .map_sqlx_postgres_before_acquire(|conn, meta| {
                Box::pin(async move {
                    if made_before_the_last_loss(meta.age) {
                        sea_orm::sqlx::Connection::ping(conn).await?;
                    }
                    Ok(true)
                })
            })
            // No statement holds a connection past the request's own deadline (30 s): PostgreSQL
            // cancels it, the transaction rolls back and the client is told to retry.
            //
            // Every statement is planned with its values. The driver prepares each statement
            // once per connection; after five runs PostgreSQL may switch to a generic plan that
            // ignores them, and it guesses a year of invoices at a few hundred rows: a report
            // then ran 2-3x slower on a warm connection than on a fresh one. Planning takes well
            // under a millisecond, and the plans `query_plans` checks are the plans that run.
            .map_sqlx_postgres_opts(|opts| {
                opts.options([
                    ("statement_timeout", "25s"),
                    ("lock_timeout", "20s"),
                    ("plan_cache_mode", "force_custom_plan"),
                ])
            });
    }
    Database::connect(options).await
}

/// Every statement a pool ran, in order, once [`StatementLog::attach`]ed: for the test that asks
/// PostgreSQL how it runs each documented list (`tests/api/query_plans.rs`). A pool without one
/// pays nothing.
#[derive(Debug, Clone, Default)]
pub struct StatementLog(Arc<Mutex<Vec<Statement>>>);

impl StatementLog {
    pub fn attach(&self, db: &mut DatabaseConnection) {
        let log = self.clone();
        db.set_metric_callback(move |info| log.lock().push(info.statement.clone()));
    }

    /// The statements run since the last call.
    pub fn take(&self) -> Vec<Statement> {
        std::mem::take(&mut *self.lock())
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Vec<Statement>> {
        // A panic while pushing leaves a whole Vec: the log is still good.
        self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// When a connection to the database was last found gone (milliseconds since the epoch; 0:
/// never). One per process: a server has one database.
static LAST_LOSS: AtomicU64 = AtomicU64::new(0);
/// How long after a loss the connections made before it are tested before use.
const SUSPECT_FOR: Duration = Duration::from_mins(1);

fn millis_now() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| u64::try_from(since.as_millis()).unwrap_or(u64::MAX))
}

/// Records that a statement found the database out of reach (see [`crate::StoreError::Unavailable`]).
pub(crate) fn connection_lost() {
    LAST_LOSS.store(millis_now(), Ordering::Relaxed);
}

/// Whether a connection `age` old was made before the database was last lost, lately.
fn made_before_the_last_loss(age: Duration) -> bool {
    let lost = LAST_LOSS.load(Ordering::Relaxed);
    let now = millis_now();
    let made = now.saturating_sub(u64::try_from(age.as_millis()).unwrap_or(u64::MAX));
    lost != 0 && made <= lost && now.saturating_sub(lost) < u64::try_from(SUSPECT_FOR.as_millis()).unwrap_or(0)
}

pub fn is_sqlite(url: &str) -> bool {
    url.starts_with("sqlite:")
}

/// Applies every pending migration, then fills in what a migration cannot compute in SQL: the
/// pipeline's states of opportunities recorded before them ([`crate::opportunity_states::catch_up`])
/// the gross totals of invoices ([`crate::invoices::fill_in_totals`]) and how opportunities moved
/// into their states ([`crate::opportunity_states::fill_in_movements`]).
pub async fn migrate(db: &DatabaseConnection) -> Result<(), crate::StoreError> {
    Migrator::up(db, None).await?;
    let totals = crate::invoices::fill_in_totals(db).await?;
    if totals > 0 {
        tracing::info!(
            invoices = totals,
            "filled in the gross totals of invoices from their lines"
        );
    }
    let filled = crate::opportunity_states::catch_up(db).await?;
    if filled > 0 {
        tracing::info!(
            opportunities = filled,
            "filled in the pipeline states of opportunities from their history"
        );
    }
    let movements = crate::opportunity_states::fill_in_movements(db).await?;
    if movements > 0 {
        tracing::info!(
            states = movements,
            "filled in how opportunities moved into their pipeline states"
        );
    }
    Ok(())
}

/// A read-only transaction whose reads all see one moment: several queries that must agree
/// (a document's flow) run in it. PostgreSQL needs `REPEATABLE READ` for that; SQLite's single
/// connection sees nothing else happen while the transaction lasts.
pub async fn snapshot(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    match db.get_database_backend() {
        DbBackend::Postgres => {
            db.begin_with_config(Some(IsolationLevel::RepeatableRead), Some(AccessMode::ReadOnly))
                .await
        }
        #[allow(clippy::disallowed_methods)] // reads only: a deferred transaction never waits
        _ => db.begin().await,
    }
}

/// Every writing transaction of the server begins here (clippy refuses `TransactionTrait::begin`
/// elsewhere). On SQLite it takes the write lock at once (`BEGIN IMMEDIATE`): a transaction of
/// another connection (a second server, a background round on its own pool) then makes it wait
/// its turn, up to the busy timeout, where a deferred one that read first would fail the moment
/// it tries to write after the other committed. PostgreSQL ignores the mode.
pub async fn begin<C>(db: &C) -> Result<C::Transaction, DbErr>
where
    C: TransactionTrait + Sync,
{
    let options = TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    };
    db.begin_with_options(options).await
}

/// The pool's connections at this moment.
pub struct PoolStats {
    pub size: u32,
    pub idle: usize,
    pub max: u32,
}

/// The pool's connections at this moment, for `/metrics`.
pub fn pool_stats(db: &DatabaseConnection) -> PoolStats {
    if db.get_database_backend() == DbBackend::Postgres {
        let pool = db.get_postgres_connection_pool();
        PoolStats {
            size: pool.size(),
            idle: pool.num_idle(),
            max: pool.options().get_max_connections(),
        }
    } else {
        let pool = db.get_sqlite_connection_pool();
        PoolStats {
            size: pool.size(),
            idle: pool.num_idle(),
            max: pool.options().get_max_connections(),
        }
    }
}

/// Settles every table after a bulk load, as PostgreSQL's autovacuum would only later: gathers
/// the planner's statistics (without them it plans on none) and, on PostgreSQL, vacuums, which
/// marks the pages all-visible so index-only scans need not visit the table (visibility's
/// `parties(owner_id, id)` read would otherwise scan all the parties).
///
/// On PostgreSQL the vacuum reads every page the load wrote (millions of events): it runs on a
/// connection of its own without the statement timeout the pool sets for requests, which it
/// outlasted on a busy machine.
pub async fn settle(db: &DatabaseConnection) -> Result<(), DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        db.execute_unprepared("ANALYZE").await?;
        return Ok(());
    }
    let failed = |error: sea_orm::sqlx::Error| DbErr::Custom(format!("settling the tables: {error}"));
    let mut conn = db.get_postgres_connection_pool().acquire().await.map_err(failed)?;
    for statement in ["SET statement_timeout = 0", "VACUUM ANALYZE", "RESET statement_timeout"] {
        sea_orm::sqlx::raw_sql(statement)
            .execute(&mut *conn)
            .await
            .map_err(failed)?;
    }
    Ok(())
}

/// Gathers the planner's statistics of every table changed a lot since they were last gathered
/// (over 1,000 rows and over a tenth of the table), on PostgreSQL; returns their names. After a
/// bulk import the planner would otherwise scan a table it believes empty until autovacuum comes
/// round (a minute or more). Nothing to do on SQLite, whose planner needs no statistics here.
pub async fn analyze_stale(db: &DatabaseConnection) -> Result<Vec<String>, DbErr> {
    if db.get_database_backend() != DbBackend::Postgres {
        return Ok(Vec::new());
    }
    let stale = db
        .query_all_raw(sea_orm::Statement::from_string(
            DbBackend::Postgres,
            "SELECT relname::text AS name FROM pg_stat_user_tables \
             WHERE schemaname = current_schema() \
             AND n_mod_since_analyze > GREATEST(1000, n_live_tup / 10)",
        ))
        .await?;
    let mut analyzed = Vec::new();
    for row in stale {
        let name: String = row.try_get("", "name")?;
        // A name from the catalog, quoted all the same.
        db.execute_unprepared(&format!("ANALYZE \"{}\"", name.replace('"', "\"\"")))
            .await?;
        analyzed.push(name);
    }
    Ok(analyzed)
}

/// A round trip to the database, for `/ready`.
pub async fn ping(db: &DatabaseConnection) -> Result<(), DbErr> {
    db.execute_unprepared("SELECT 1").await.map(|_| ())
}
