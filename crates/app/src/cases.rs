//! Support case use cases: each change is one transaction with its history entry and event. The
//! SLA clock moves with the case (`domain::case`); the server's own work on cases (alerts, closing
//! after the reopen window) is in [`crate::case_clock`].

use chrono::{DateTime, Datelike, Utc};
use domain::case::assignment;
use domain::case::message::{CaseMessage, MessageFields};
use domain::case::policy;
use domain::case::{ActionError, Case, CaseAction, CaseFields, CaseInput, CaseSla, CaseState, CaseStatus};
use domain::document::EXTERNAL_ID_MAX;
use domain::resource::ResourceType;
use persistence::case_messages;
use persistence::cases::{self, CaseFilter, CaseSort, Cases};
use persistence::page::{Page, PageRequest};
use persistence::visibility::Visibility;
use persistence::{ConnectionTrait, DatabaseConnection, invoices, numbers, products, sales_orders};
use persistence::{sla_policies, table, teams, users};
use serde_json::{Value, json};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::{AppError, ErrorCode};
use crate::history::{self, Change};
use crate::lookup;
use crate::references::{References, changed};
use crate::transaction;
use crate::upsert::{self, Upserted};
use crate::versioned::{self, Versioned};
use crate::versions::check_version;

pub const RESOURCE: ResourceType = ResourceType::Case;
/// How long a resolved case may be reopened, unless the server says otherwise (`CRM_CASE_REOPEN_DAYS`).
pub const DEFAULT_REOPEN_DAYS: i64 = 14;

pub async fn create(db: &DatabaseConnection, caller: &Caller, input: CaseInput) -> Result<Case, AppError> {
    let fields = input.validate()?;
    let txn = persistence::db::begin(db).await?;
    upsert::check_external_id_free::<Cases>(&txn, caller, fields.external_id.as_deref()).await?;
    let case = insert_new(&txn, caller, fields).await?;
    transaction::commit(txn).await?;
    Ok(case)
}

/// `PUT /cases/by-external-id/{external_id}`: creates the case, or replaces the content of the
/// one with this external id (its status, clock and messages stay; an omitted assignee stays,
/// as the help desk resending the case knows nothing of the CRM's assignment).
pub async fn upsert(
    db: &DatabaseConnection,
    caller: &Caller,
    external_id: &str,
    mut input: CaseInput,
    if_match: Option<i32>,
) -> Result<Upserted<Case>, AppError> {
    let external_id = upsert::claim_external_id(external_id, &mut input.external_id, EXTERNAL_ID_MAX)?;
    upsert::check_external_id_allowed(caller, Some(&external_id))?;
    let fields = input.validate()?;
    upsert::by_external_id::<Cases>(
        db,
        caller,
        &external_id,
        if_match,
        async |txn| insert_new(txn, caller, fields.clone()).await,
        async |txn, current| {
            check_version(current.version, if_match)?;
            let mut fields = fields.clone();
            fields.assignee_id = fields.assignee_id.or(current.fields.assignee_id);
            let customer_group = check_references(txn, caller, &fields, Some(&current.fields)).await?;
            let at = now();
            match revised(txn, &current, fields, customer_group.as_deref(), at).await? {
                Some(next) => versioned::write_next::<Cases>(txn, caller, &current, next, at).await,
                None => Ok(current),
            }
        },
    )
    .await
}

/// Inserts a new case with `fields` (checked, its external id free): its number, the clock of
/// the SLA policy that applies, and, in a team without an assignee, the least loaded member.
async fn insert_new(conn: &impl ConnectionTrait, caller: &Caller, fields: CaseFields) -> Result<Case, AppError> {
    let customer_group = check_references(conn, caller, &fields, None).await?;
    let at = now();
    let mut case = Case {
        id: Uuid::now_v7(),
        number: String::new(),
        fields,
        state: CaseState::NEW,
        assigned_at: None,
        sla: None,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    if let Some(policy) = applicable_policy(conn, &case.fields, customer_group.as_deref()).await? {
        case.sla = Some(CaseSla::start(&policy, at));
    }
    if case.fields.assignee_id.is_none()
        && let Some(team_id) = case.fields.team_id
    {
        case.fields.assignee_id = least_loaded_member(conn, team_id).await?;
    }
    case.assigned_at = case.fields.assignee_id.map(|_| at);
    let sequence = numbers::next(conn, domain::case::SERIES, at.year()).await?;
    case.number = domain::case::number(at.year(), sequence);
    cases::insert(conn, &case)
        .await
        .map_err(|error| upsert::lost_external_id_race(error, RESOURCE, case.fields.external_id.as_deref()))?;
    versioned::record_creation::<Cases>(conn, caller, &case).await?;
    Ok(case)
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<Case, AppError> {
    lookup::get::<Cases>(db, caller, id).await
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: CaseFilter,
    request: &PageRequest<CaseSort>,
) -> Result<Page<Case>, AppError> {
    let filter = CaseFilter {
        now: Some(now()),
        ..filter
    };
    Ok(cases::list(db, &filter, caller.visibility(), request).await?)
}

/// The cases of a party the caller may see.
pub async fn list_of_party(
    db: &DatabaseConnection,
    caller: &Caller,
    party_id: Uuid,
    filter: CaseFilter,
    request: &PageRequest<CaseSort>,
) -> Result<Page<Case>, AppError> {
    crate::parties::get(db, caller, party_id).await?;
    let filter = CaseFilter {
        party_id: Some(party_id),
        ..filter
    };
    list(db, caller, filter, request).await
}

/// Applies `change` to the current content and writes it if the version is still the one read
/// (see [`revised`]).
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut CaseInput),
) -> Result<Case, AppError> {
    versioned::change::<Cases, _>(
        db,
        caller,
        id,
        if_match,
        async |txn, current| {
            let mut input = CaseInput::from(current.fields.clone());
            change(&mut input);
            let fields = input.validate()?;
            let customer_group = check_references(txn, caller, &fields, Some(&current.fields)).await?;
            if fields.external_id != current.fields.external_id {
                upsert::check_external_id_free::<Cases>(txn, caller, fields.external_id.as_deref()).await?;
            }
            Ok((fields, customer_group))
        },
        async |txn, current, (fields, customer_group), at| {
            revised(txn, current, fields, customer_group.as_deref(), at).await
        },
    )
    .await
}

/// `current` with new content `fields` at `at`, none when nothing changes. A new priority
/// measures the clock against the policy of that priority; a new assignee starts their
/// assignment now.
async fn revised(
    conn: &impl ConnectionTrait,
    current: &Case,
    fields: CaseFields,
    customer_group: Option<&str>,
    at: DateTime<Utc>,
) -> Result<Option<Case>, AppError> {
    if fields == current.fields {
        return Ok(None);
    }
    let mut next = Case {
        fields,
        ..current.clone()
    };
    if next.fields.priority != current.fields.priority
        && let Some(policy) = applicable_policy(conn, &next.fields, customer_group).await?
    {
        match &mut next.sla {
            Some(sla) => sla.apply(&policy),
            None if CaseStatus::OPEN.contains(&next.state.status) => {
                next.sla = Some(CaseSla::started_late(&policy, &next, at));
            }
            None => {}
        }
    }
    if next.fields.assignee_id != current.fields.assignee_id {
        next.assigned_at = next.fields.assignee_id.map(|_| at);
    }
    Ok(Some(next))
}

/// `POST /cases/{id}/{action}`: the case after the action, or a 409 that names the current status
/// and the ones the action is allowed from.
pub async fn act(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    action: CaseAction,
    reopen_days: i64,
) -> Result<Case, AppError> {
    versioned::change::<Cases, _>(
        db,
        caller,
        id,
        if_match,
        async |_, _| Ok(()),
        async |_, current, (), at| {
            let next = current.act(action, at, reopen_days).map_err(|error| match error {
                ActionError::State(error) => AppError::invalid_transition(RESOURCE, error),
                ActionError::ReopenWindowPassed { until } => AppError::conflict(
                    ErrorCode::ReopenWindowPassed,
                    format!("the case could be reopened until {until}; open a new case"),
                    None,
                ),
            })?;
            Ok(Some(next))
        },
    )
    .await
}

/// Adds a message to a case the caller may work on; the first public outbound one is the first
/// response (and opens a new case). The case gets a new version and its history records the
/// message.
pub async fn add_message(
    db: &DatabaseConnection,
    caller: &Caller,
    case_id: Uuid,
    fields: MessageFields,
) -> Result<(Case, CaseMessage), AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = lookup::for_update::<Cases>(&txn, caller, case_id).await?;
    if matches!(current.state.status, CaseStatus::Closed | CaseStatus::Cancelled) {
        return Err(AppError::conflict(
            ErrorCode::DocumentImmutable,
            format!(
                "the case is {}: it takes no more messages",
                current.state.status.as_str()
            ),
            None,
        ));
    }
    let at = now();
    let message = CaseMessage {
        id: Uuid::now_v7(),
        case_id,
        fields,
        author_id: Some(caller.id),
        created_at: at,
    };
    case_messages::insert(&txn, &message).await?;
    let next = current.after_message(&message.fields, at);
    let written = if next == current {
        current
    } else {
        versioned::write_next::<Cases>(&txn, caller, &current, next, at).await?
    };
    // The message's own entry (`case.message_added`): the case as it is, with the message.
    let before = record(&written);
    let mut after = before.clone();
    after["message"] = message_record(&message);
    history::record(
        &txn,
        caller,
        RESOURCE,
        case_id,
        Change::Reached("message_added"),
        Some(&before),
        &after,
    )
    .await?;
    transaction::commit(txn).await?;
    Ok((written, message))
}

/// The messages of a case the caller may see, oldest first.
pub async fn messages(
    db: &DatabaseConnection,
    caller: &Caller,
    case_id: Uuid,
    request: &PageRequest<()>,
) -> Result<Page<CaseMessage>, AppError> {
    get(db, caller, case_id).await?;
    Ok(case_messages::of_case(db, case_id, request).await?)
}

/// The SLA policy for a case with these fields: the most specific of its priority.
async fn applicable_policy(
    conn: &impl ConnectionTrait,
    fields: &CaseFields,
    customer_group: Option<&str>,
) -> Result<Option<policy::SlaPolicy>, AppError> {
    let policies = sla_policies::of_priority(conn, fields.priority).await?;
    Ok(policy::most_specific(&policies, fields.priority, customer_group).cloned())
}

/// The team's active member with the fewest open cases, with the team locked so that cases
/// created at the same time see each other's assignment.
async fn least_loaded_member(conn: &impl ConnectionTrait, team_id: Uuid) -> Result<Option<Uuid>, AppError> {
    teams::lock(conn, team_id).await?;
    let candidates = cases::candidates(conn, team_id).await?;
    Ok(assignment::choose(&candidates))
}

/// The records a case refers to, when they change: a party the caller sees (not archived), a
/// contact person of it, a product, a related sales order or invoice of the same party, a team,
/// and an active assignee. Returns the party's customer group (which SLA policy applies).
async fn check_references(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    fields: &CaseFields,
    current: Option<&CaseFields>,
) -> Result<Option<String>, AppError> {
    let mut references = References::new(conn, caller);
    let party_changed = current.is_none_or(|c| c.party_id != fields.party_id);
    let party = if party_changed {
        references.party("party_id", fields.party_id).await?
    } else {
        table::find::<persistence::parties::Parties>(conn, fields.party_id, Visibility::All).await?
    };
    let customer_group = party.and_then(|p| p.fields.customer_group);
    if let Some(contact_id) = fields.contact_id
        && (party_changed || changed(fields.contact_id, current.and_then(|c| c.contact_id)).is_some())
    {
        references.contact("contact_id", contact_id, fields.party_id).await?;
    }
    if let Some(product_id) = changed(fields.product_id, current.and_then(|c| c.product_id))
        && table::find::<products::Products>(conn, product_id, Visibility::All)
            .await?
            .is_none()
    {
        references.add("product_id", "not_found", "no product with this id");
    }
    let order_changed = changed(fields.sales_order_id, current.and_then(|c| c.sales_order_id)).is_some();
    if let Some(order_id) = fields.sales_order_id.filter(|_| order_changed || party_changed) {
        let party = sales_orders::party_for_share(conn, order_id, caller.visibility()).await?;
        related(&mut references, "sales_order_id", party, fields.party_id);
    }
    let invoice_changed = changed(fields.invoice_id, current.and_then(|c| c.invoice_id)).is_some();
    if let Some(invoice_id) = fields.invoice_id.filter(|_| invoice_changed || party_changed) {
        let party = invoices::party_for_share(conn, invoice_id, caller.visibility()).await?;
        related(&mut references, "invoice_id", party, fields.party_id);
    }
    if let Some(team_id) = changed(fields.team_id, current.and_then(|c| c.team_id))
        && table::find::<teams::Teams>(conn, team_id, Visibility::All)
            .await?
            .is_none()
    {
        references.add("team_id", "not_found", "no team with this id");
    }
    if let Some(assignee_id) = changed(fields.assignee_id, current.and_then(|c| c.assignee_id))
        && !table::find::<users::Users>(conn, assignee_id, Visibility::All)
            .await?
            .is_some_and(|user| user.active)
    {
        references.add("assignee_id", "not_found", "no active user with this id");
    }
    references.finish()?;
    Ok(customer_group)
}

/// The related document named by `field` exists for the caller (its party is `document_party`)
/// and is the case's party's.
fn related<C: ConnectionTrait>(
    references: &mut References<'_, C>,
    field: &str,
    document_party: Option<Uuid>,
    party_id: Uuid,
) {
    match document_party {
        None => references.add(field, "not_found", "no such document, or one you cannot see"),
        Some(document_party) if document_party != party_id => {
            references.add(
                field,
                "other_party",
                "the document belongs to another party than the case",
            );
        }
        Some(_) => {}
    }
}

impl Versioned for Cases {
    const FORM: fn(&Case) -> Value = record;

    fn next_version(case: Case, at: DateTime<Utc>) -> Case {
        Case {
            version: case.version + 1,
            updated_at: at,
            ..case
        }
    }

    fn change(before: &Case, after: &Case) -> Change {
        Change::of_status(before.state.status, after.state.status)
    }

    async fn write(conn: &impl ConnectionTrait, case: &Case, expected_version: i32) -> Result<bool, AppError> {
        Ok(cases::update(conn, case, expected_version).await?)
    }
}

/// A case as history and the change feed keep it.
pub fn record(case: &Case) -> Value {
    let f = &case.fields;
    let sla = case.sla.as_ref();
    let (first_response_due_at, resolution_due_at) = sla.map(CaseSla::due_times).unwrap_or_default();
    json!({
        "id": case.id,
        "number": case.number,
        "subject": f.subject,
        "description": f.description,
        "party_id": f.party_id,
        "contact_id": f.contact_id,
        "product_id": f.product_id,
        "sales_order_id": f.sales_order_id,
        "invoice_id": f.invoice_id,
        "priority": f.priority.as_str(),
        "channel": f.channel.as_str(),
        "team_id": f.team_id,
        "assignee_id": f.assignee_id,
        "external_id": f.external_id,
        "status": case.state.status.as_str(),
        "first_response_at": case.state.first_response_at,
        "resolved_at": case.state.resolved_at,
        "closed_at": case.state.closed_at,
        "sla_policy_id": sla.map(|s| s.policy_id),
        "first_response_due_at": first_response_due_at,
        "resolution_due_at": resolution_due_at,
        "sla_alerts": sla.map(|s| s.alerts.iter().map(|a| a.name()).collect::<Vec<_>>()),
        "version": case.version,
        "created_at": case.created_at,
        "updated_at": case.updated_at,
    })
}

/// A message as history and the change feed keep it.
pub fn message_record(message: &CaseMessage) -> Value {
    json!({
        "id": message.id,
        "body": message.fields.body,
        "visibility": message.fields.visibility.as_str(),
        "direction": message.fields.direction.as_str(),
        "author_id": message.author_id,
        "created_at": message.created_at,
    })
}
