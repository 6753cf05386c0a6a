//! Sales target use cases: admins and managers set them; everyone who reads reports reads those
//! they see (a sales user: their own, their teammates' and their team's), each answered with its
//! achievement computed from the records at that moment.

use domain::report::Window;
use domain::resource::ResourceType;
use domain::sales_target::{Achievement, MeasuredTarget, SalesTarget, SalesTargetInput, TargetMetric, TargetSubject};
use persistence::page::{Page, PageRequest, SyncOrder};
use persistence::performance::{self, Span};
use persistence::sales_targets::{self, SalesTargetFilter, SalesTargets};
use persistence::table;
use persistence::visibility::Visibility;
use persistence::{ConnectionTrait, DatabaseConnection, DatabaseTransaction, StoreError, StreamTrait, teams, users};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::{AppError, ErrorCode};
use crate::transaction;
use crate::versioned::{self, Versioned};

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    input: SalesTargetInput,
) -> Result<MeasuredTarget, AppError> {
    let at = now();
    let target = SalesTarget {
        id: Uuid::now_v7(),
        fields: input.validate()?,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    let txn = persistence::db::begin(db).await?;
    check_subject(&txn, target.fields.subject).await?;
    sales_targets::insert(&txn, &target).await.map_err(duplicate)?;
    versioned::record_creation::<SalesTargets>(&txn, caller, &target).await?;
    // Measured in the transaction: inside a request with an `Idempotency-Key` it stays open
    // until the response is kept, and SQLite has one connection.
    let achievement = achievement(&txn, &target).await?;
    transaction::commit(txn).await?;
    Ok(MeasuredTarget { target, achievement })
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<MeasuredTarget, AppError> {
    let txn = persistence::db::snapshot(db).await?;
    let target = table::find::<SalesTargets>(&txn, id, caller.visibility())
        .await?
        .ok_or(AppError::not_found(ResourceType::SalesTarget))?;
    let achievement = achievement(&txn, &target).await?;
    txn.commit().await?;
    Ok(MeasuredTarget { target, achievement })
}

/// A page of targets, each measured: a query or two per target, so a page's cost grows with its
/// size (at most 200).
pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &SalesTargetFilter,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<MeasuredTarget>, AppError> {
    let txn = persistence::db::snapshot(db).await?;
    let mut page = sales_targets::list(&txn, filter, caller.visibility(), request).await?;
    let mut items = Vec::with_capacity(page.items.len());
    for target in std::mem::take(&mut page.items) {
        let achievement = achievement(&txn, &target).await?;
        items.push(MeasuredTarget { target, achievement });
    }
    txn.commit().await?;
    Ok(page.with_items(items))
}

/// Applies `change` to the target (its subject stays) and writes it if the version is still the
/// one read.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut SalesTargetInput),
) -> Result<MeasuredTarget, AppError> {
    let mut measured = None;
    let target = versioned::change::<SalesTargets, _>(
        db,
        caller,
        id,
        if_match,
        async |_, current| {
            let mut input = SalesTargetInput::from(current.fields.clone());
            change(&mut input);
            Ok(input.validate()?)
        },
        async |txn, current, fields, _| {
            if fields.subject != current.fields.subject {
                return Err(AppError::invalid(
                    "user_id",
                    "immutable",
                    "a target's user or team cannot change; create another target",
                ));
            }
            // Measured in the transaction, as a new one is (see `create`).
            measured = Some(
                achievement(
                    txn,
                    &SalesTarget {
                        fields: fields.clone(),
                        ..current.clone()
                    },
                )
                .await?,
            );
            Ok((fields != current.fields).then(|| SalesTarget {
                fields,
                ..current.clone()
            }))
        },
    )
    .await?;
    let achievement = measured.expect("a change that succeeded was measured");
    Ok(MeasuredTarget { target, achievement })
}

pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: Uuid, if_match: Option<i32>) -> Result<(), AppError> {
    versioned::delete::<SalesTargets>(db, caller, id, if_match, async |txn, _| {
        Ok(sales_targets::delete(txn, id).await?)
    })
    .await
}

/// How far `target` is reached: its metric over its period, of the records of its user or of
/// the current members of its team (all of them: whoever sees the target sees its subject's
/// records).
pub(crate) async fn achievement<C: ConnectionTrait + StreamTrait>(
    conn: &C,
    target: &SalesTarget,
) -> Result<Achievement, StoreError> {
    let f = &target.fields;
    let owners = match f.subject {
        TargetSubject::User(user) => vec![user],
        TargetSubject::Team(team) => performance::members(conn, team).await?,
    };
    let window = f.window();
    let actual = match (f.metric, f.currency) {
        (TargetMetric::InvoicedNet, Some(currency)) => {
            performance::invoiced_net(conn, &owners, (window.from, window.to), currency).await?
        }
        (TargetMetric::WonAmount, Some(currency)) => {
            performance::won_amount(conn, &owners, span(window), currency).await?
        }
        (TargetMetric::NewCustomers, _) => performance::new_customers(conn, &owners, (window.from, window.to))
            .await?
            .into(),
        (TargetMetric::CompletedActivities, _) => {
            performance::completed_count(conn, &owners, span(window)).await?.into()
        }
        // The domain gives every amount target a currency.
        (TargetMetric::InvoicedNet | TargetMetric::WonAmount, None) => {
            return Err(StoreError::corrupt(
                "sales_targets",
                format!("no currency in row {}", target.id),
            ));
        }
    };
    Ok(Achievement::of(f.target, actual))
}

/// The instants of a window's days, in UTC.
pub(crate) fn span(window: Window) -> Span {
    Span {
        start: window.from.and_time(chrono::NaiveTime::MIN).and_utc(),
        end: crate::reports::end_of(window.to),
    }
}

/// The user or team a new target names exists.
async fn check_subject(txn: &DatabaseTransaction, subject: TargetSubject) -> Result<(), AppError> {
    let found = match subject {
        TargetSubject::User(id) => table::find::<users::Users>(txn, id, Visibility::All).await?.is_some(),
        TargetSubject::Team(id) => table::find::<teams::Teams>(txn, id, Visibility::All).await?.is_some(),
    };
    match (found, subject) {
        (true, _) => Ok(()),
        (false, TargetSubject::User(_)) => Err(AppError::invalid("user_id", "not_found", "no user with this id")),
        (false, TargetSubject::Team(_)) => Err(AppError::invalid("team_id", "not_found", "no team with this id")),
    }
}

impl Versioned for SalesTargets {
    const FORM: fn(&SalesTarget) -> Value = record;

    fn next_version(target: SalesTarget, at: chrono::DateTime<chrono::Utc>) -> SalesTarget {
        SalesTarget {
            version: target.version + 1,
            updated_at: at,
            ..target
        }
    }

    async fn write(conn: &impl ConnectionTrait, target: &SalesTarget, expected_version: i32) -> Result<bool, AppError> {
        sales_targets::update(conn, target, expected_version)
            .await
            .map_err(duplicate)
    }
}

fn duplicate(error: StoreError) -> AppError {
    if error.is_duplicate_of("match_key") {
        AppError::conflict(
            ErrorCode::Duplicate,
            "this user or team already has a target of this metric, period and currency",
            None,
        )
    } else {
        error.into()
    }
}

/// A target as history and the change feed keep it (never its achievement: that is the data's).
pub fn record(target: &SalesTarget) -> Value {
    let f = &target.fields;
    let (user_id, team_id) = match f.subject {
        TargetSubject::User(user) => (Some(user), None),
        TargetSubject::Team(team) => (None, Some(team)),
    };
    json!({
        "id": target.id,
        "user_id": user_id,
        "team_id": team_id,
        "period": f.period.calendar.as_str(),
        "period_start": f.period.start,
        "metric": f.metric.as_str(),
        "target": f.target.to_string(),
        "currency": f.currency.map(|c| c.code()),
        "version": target.version,
        "created_at": target.created_at,
        "updated_at": target.updated_at,
    })
}
