//! SLA policy use cases (admins and managers). A policy's targets and calendar are copied into a
//! case's clock when they apply, so editing or deleting a policy changes no running case.

use chrono::{DateTime, Utc};
use domain::case::policy::{SlaPolicy, SlaPolicyInput};
use domain::resource::ResourceType;
use persistence::page::{Page, PageRequest, SyncOrder};
use persistence::sla_policies::{self, SlaPolicies};
use persistence::{ConnectionTrait, DatabaseConnection, StoreError};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::{AppError, ErrorCode};
use crate::history;
use crate::lookup;
use crate::transaction;
use crate::versioned::{self, Versioned};
use crate::versions::check_version;

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: SlaPolicyInput) -> Result<SlaPolicy, AppError> {
    let at = now();
    let policy = SlaPolicy {
        id: Uuid::now_v7(),
        fields: input.validate()?,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    let txn = persistence::db::begin(db).await?;
    sla_policies::insert(&txn, &policy).await.map_err(duplicate)?;
    versioned::record_creation::<SlaPolicies>(&txn, caller, &policy).await?;
    transaction::commit(txn).await?;
    Ok(policy)
}

pub async fn get(db: &DatabaseConnection, id: Uuid) -> Result<SlaPolicy, AppError> {
    lookup::any::<SlaPolicies>(db, id).await
}

pub async fn list(
    db: &DatabaseConnection,
    updated_since: Option<DateTime<Utc>>,
    request: &PageRequest<SyncOrder>,
) -> Result<Page<SlaPolicy>, AppError> {
    Ok(sla_policies::list(db, updated_since, request).await?)
}

/// Applies `change` to the policy and writes it if the version is still the one read.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut SlaPolicyInput),
) -> Result<SlaPolicy, AppError> {
    versioned::change::<SlaPolicies, _>(
        db,
        caller,
        id,
        if_match,
        async |_, current| {
            let mut input = SlaPolicyInput::from(current.fields.clone());
            change(&mut input);
            Ok(input.validate()?)
        },
        async |_, current, fields, _| {
            Ok((fields != current.fields).then(|| SlaPolicy {
                fields,
                ..current.clone()
            }))
        },
    )
    .await
}

pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: Uuid, if_match: Option<i32>) -> Result<(), AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = lookup::for_update::<SlaPolicies>(&txn, caller, id).await?;
    check_version(current.version, if_match)?;
    sla_policies::delete(&txn, id).await?;
    history::record_deletion(&txn, caller, ResourceType::SlaPolicy, id, &record(&current)).await?;
    transaction::commit(txn).await?;
    Ok(())
}

impl Versioned for SlaPolicies {
    const FORM: fn(&SlaPolicy) -> Value = record;

    fn next_version(policy: SlaPolicy, at: DateTime<Utc>) -> SlaPolicy {
        SlaPolicy {
            version: policy.version + 1,
            updated_at: at,
            ..policy
        }
    }

    async fn write(conn: &impl ConnectionTrait, policy: &SlaPolicy, expected_version: i32) -> Result<bool, AppError> {
        sla_policies::update(conn, policy, expected_version)
            .await
            .map_err(duplicate)
    }
}

fn duplicate(error: StoreError) -> AppError {
    if error.is_duplicate_of("match_key") {
        AppError::conflict(
            ErrorCode::Duplicate,
            "another SLA policy has this priority and customer group",
            None,
        )
    } else {
        error.into()
    }
}

/// A policy as history and the change feed keep it.
pub fn record(policy: &SlaPolicy) -> Value {
    let f = &policy.fields;
    json!({
        "id": policy.id,
        "name": f.name,
        "priority": f.priority.as_str(),
        "customer_group": f.customer_group,
        "first_response_minutes": f.first_response_minutes,
        "resolution_minutes": f.resolution_minutes,
        "calendar": f.calendar.input(),
        "version": policy.version,
        "created_at": policy.created_at,
        "updated_at": policy.updated_at,
    })
}
