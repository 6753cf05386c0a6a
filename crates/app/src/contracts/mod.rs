//! Contract use cases: each change is one transaction with its history entry and event. A
//! contract's conditions reach new documents through [`terms_of`] (payment terms) and pricing
//! (`crate::pricing`); the server's own work on contracts (renewal, expiry, a termination dated
//! ahead) is in [`dates`].

pub mod active;
pub mod dates;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::contract::ContractStatus;
use domain::contract::{ActionError, Contract, ContractAction, ContractFields, ContractInput, ContractState};
use domain::document::EXTERNAL_ID_MAX;
use domain::party::Party;
use domain::resource::ResourceType;
use persistence::contracts::{self, ContractFilter, ContractSort, Contracts};
use persistence::page::{Page, PageRequest};
use persistence::price_lists::PriceLists;
use persistence::visibility::Visibility;
use persistence::{ConnectionTrait, DatabaseConnection, numbers, table};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::{now, today};
use crate::error::{AppError, ErrorCode};
use crate::history::Change;
use crate::lookup;
use crate::references::References;
use crate::transaction;
use crate::upsert::{self, Upserted};
use crate::versioned::{self, Versioned};
use crate::versions::check_version;

pub const RESOURCE: ResourceType = ResourceType::Contract;

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: ContractInput) -> Result<Contract, AppError> {
    let fields = input.validate(today())?;
    let txn = persistence::db::begin(db).await?;
    upsert::check_external_id_free::<Contracts>(&txn, caller, fields.external_id.as_deref()).await?;
    let contract = insert_new(&txn, caller, fields).await?;
    transaction::commit(txn).await?;
    Ok(contract)
}

/// `PUT /contracts/by-external-id/{external_id}`: creates the contract as a draft, or replaces
/// the content of the one with this external id (its status and termination stay).
pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    external_id: &str,
    mut input: ContractInput,
    if_match: Option<i32>,
) -> Result<Upserted<Contract>, AppError> {
    let external_id = upsert::claim_external_id(external_id, &mut input.external_id, EXTERNAL_ID_MAX)?;
    upsert::check_external_id_allowed(caller, Some(&external_id))?;
    let fields = input.validate(today())?;
    upsert::by_external_id::<Contracts>(
        db,
        caller,
        &external_id,
        if_match,
        async |txn| insert_new(txn, caller, fields.clone()).await,
        async |txn, current| {
            check_version(current.version, if_match)?;
            check_amendable(&current, &fields)?;
            check_references(txn, caller, &fields, Some(&current.fields)).await?;
            if fields == current.fields {
                return Ok(current);
            }
            let next = Contract {
                fields: fields.clone(),
                ..current.clone()
            };
            versioned::write_next::<Contracts>(txn, caller, &current, next, now()).await
        },
    )
    .await
}

async fn insert_new(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    fields: ContractFields,
) -> Result<Contract, AppError> {
    check_references(conn, caller, &fields, None).await?;
    let at = now();
    let sequence = numbers::next(conn, domain::contract::SERIES, at.year()).await?;
    let contract = Contract {
        id: Uuid::now_v7(),
        number: domain::contract::number(at.year(), sequence),
        fields,
        state: ContractState::DRAFT,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    contracts::insert(conn, &contract)
        .await
        .map_err(|error| upsert::lost_external_id_race(error, RESOURCE, contract.fields.external_id.as_deref()))?;
    versioned::record_creation::<Contracts>(conn, caller, &contract).await?;
    Ok(contract)
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<Contract, AppError> {
    lookup::get::<Contracts>(db, caller, id).await
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: ContractFilter,
    request: &PageRequest<ContractSort>,
) -> Result<Page<Contract>, AppError> {
    Ok(contracts::list(db, &filter, caller.visibility(), request).await?)
}

/// The contracts of a party the caller may see.
pub async fn list_of_party(
    db: &DatabaseConnection,
    caller: &Caller,
    party_id: Uuid,
    filter: ContractFilter,
    request: &PageRequest<ContractSort>,
) -> Result<Page<Contract>, AppError> {
    crate::parties::get(db, caller, party_id).await?;
    let filter = ContractFilter {
        party_id: Some(party_id),
        ..filter
    };
    list(db, caller, filter, request).await
}

/// Applies `change` to the content of a draft or running contract (an amendment, recorded in
/// history); a terminated or expired one is a 409 `document_immutable`.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut ContractInput),
) -> Result<Contract, AppError> {
    versioned::change::<Contracts, _>(
        db,
        caller,
        id,
        if_match,
        async |txn, current| {
            let mut input = ContractInput::from(current.fields.clone());
            change(&mut input);
            let fields = input.validate(current.fields.valid_from)?;
            check_references(txn, caller, &fields, Some(&current.fields)).await?;
            if fields.external_id != current.fields.external_id {
                upsert::check_external_id_free::<Contracts>(txn, caller, fields.external_id.as_deref()).await?;
            }
            Ok(fields)
        },
        async |_, current, fields, _| {
            check_amendable(current, &fields)?;
            Ok((fields != current.fields).then(|| Contract {
                fields,
                ..current.clone()
            }))
        },
    )
    .await
}

/// Deletes a draft; a contract once activated is a record of what was agreed (409).
pub async fn delete(db: &DatabaseConnection, caller: &Caller, id: Uuid, if_match: Option<i32>) -> Result<(), AppError> {
    versioned::delete::<Contracts>(db, caller, id, if_match, async |txn, current| {
        if !current.is_deletable() {
            return Err(immutable(current, "only drafts can be deleted"));
        }
        Ok(contracts::delete(txn, current.id).await?)
    })
    .await
}

/// `POST /contracts/{id}/activate`: `draft` → `active` from today.
pub async fn activate(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
) -> Result<Contract, AppError> {
    act(db, caller, id, if_match, |current| current.activate(today())).await
}

/// `POST /contracts/{id}/terminate`: notice given today, effective on `effective_date`.
pub async fn terminate(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    effective_date: NaiveDate,
    reason: Option<String>,
) -> Result<Contract, AppError> {
    act(db, caller, id, if_match, |current| {
        current.terminate(today(), effective_date, reason.as_deref())
    })
    .await
}

async fn act(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    action: impl FnOnce(&Contract) -> Result<Contract, ActionError>,
) -> Result<Contract, AppError> {
    versioned::change::<Contracts, _>(
        db,
        caller,
        id,
        if_match,
        async |_, _| Ok(()),
        async |_, current, (), _| match action(current) {
            Ok(next) => Ok(Some(next)),
            Err(ActionError::State(error)) => Err(AppError::invalid_transition(RESOURCE, error)),
            Err(ActionError::Invalid(errors)) => Err(errors.into()),
        },
    )
    .await
}

/// `party` as its new documents dated `date` see it: with the payment terms of the contract that
/// applies then, if that contract sets them.
pub async fn terms_of(conn: &impl ConnectionTrait, mut party: Party, date: NaiveDate) -> Result<Party, AppError> {
    let candidates = contracts::of_party_on(conn, party.id, date).await?;
    let (chosen, _) = domain::contract::choose(&candidates, date);
    if let Some(days) = chosen.and_then(|c| c.fields.payment_terms_days) {
        party.fields.payment_terms_days = days;
    }
    Ok(party)
}

/// A running contract keeps its party: its documents were made under it.
fn check_amendable(current: &Contract, fields: &ContractFields) -> Result<(), AppError> {
    if !current.is_editable() {
        return Err(immutable(current, "it can no longer change"));
    }
    if current.state.status != ContractStatus::Draft && fields.party_id != current.fields.party_id {
        let message = "the party of an activated contract cannot change; terminate it and make a new one";
        return Err(AppError::invalid("party_id", "unchangeable", message));
    }
    Ok(())
}

fn immutable(current: &Contract, what: &str) -> AppError {
    let status = current.state.status.as_str();
    AppError::conflict(
        ErrorCode::DocumentImmutable,
        format!("the contract is {status}: {what}"),
        None,
    )
}

/// The party (one the caller sees, not archived) and the price list, when they change.
async fn check_references(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    fields: &ContractFields,
    current: Option<&ContractFields>,
) -> Result<(), AppError> {
    let mut references = References::new(conn, caller);
    if current.is_none_or(|c| c.party_id != fields.party_id) {
        references.party("party_id", fields.party_id).await?;
    }
    if let Some(list_id) = fields
        .price_list_id
        .filter(|id| current.is_none_or(|c| c.price_list_id != Some(*id)))
        && table::find::<PriceLists>(conn, list_id, Visibility::All)
            .await?
            .is_none()
    {
        references.add("price_list_id", "not_found", "no price list with this id");
    }
    references.finish()
}

impl Versioned for Contracts {
    const FORM: fn(&Contract) -> Value = record;

    fn next_version(contract: Contract, at: DateTime<Utc>) -> Contract {
        Contract {
            version: contract.version + 1,
            updated_at: at,
            ..contract
        }
    }

    /// A status reached, a termination given ahead of its date, or an amendment (a renewal is
    /// the server's step: see [`dates`]).
    fn change(before: &Contract, after: &Contract) -> Change {
        if before.state.status != after.state.status {
            Change::of_status(before.state.status, after.state.status)
        } else if after.state.termination.is_some() && before.state.termination != after.state.termination {
            Change::Reached("termination_scheduled")
        } else {
            Change::Updated
        }
    }

    async fn write(conn: &impl ConnectionTrait, contract: &Contract, expected_version: i32) -> Result<bool, AppError> {
        Ok(contracts::update(conn, contract, expected_version).await?)
    }
}

/// The actions a contract offers a caller who may write it.
pub fn allowed_actions(contract: &Contract) -> Vec<ContractAction> {
    contract.allowed_actions()
}

/// A contract as history and the change feed keep it.
pub fn record(contract: &Contract) -> Value {
    let f = &contract.fields;
    let termination = contract.state.termination.as_ref();
    json!({
        "id": contract.id,
        "number": contract.number,
        "party_id": f.party_id,
        "title": f.title,
        "valid_from": f.valid_from,
        "valid_to": f.valid_to,
        "terms": f.terms,
        "payment_terms_days": f.payment_terms_days,
        "price_list_id": f.price_list_id,
        "discount_percent": f.discount_percent.map(|p| p.normalize().to_string()),
        "auto_renew": f.renewal.is_some(),
        "renewal_months": f.renewal.map(|r| r.months),
        "notice_days": f.renewal.map(|r| r.notice_days),
        "external_id": f.external_id,
        "status": contract.state.status.as_str(),
        "activated_on": contract.state.activated_on,
        "termination_effective_date": termination.map(|t| t.effective_date),
        "termination_reason": termination.and_then(|t| t.reason.as_ref()),
        "ended_on": contract.state.ended_on,
        "version": contract.version,
        "created_at": contract.created_at,
        "updated_at": contract.updated_at,
    })
}
