//! Opportunity use cases: each mutating one is a single transaction with its history entry, so a
//! stage change is recorded (from, to, by, at) where pipeline velocity can be read from.

use domain::access;
use domain::opportunity::{self, Opportunity, OpportunityFields, OpportunityInput, OpportunityStatus};
use domain::pipeline::{PipelineStage, StageKind};
use domain::resource::ResourceType;
use persistence::opportunities::{self, OpportunityFilter, OpportunitySort};
use persistence::page::{Page, PageRequest};
use persistence::visibility::Visibility;
use persistence::{ConnectionTrait, DatabaseConnection, activities, offers, pipeline_stages};
use uuid::Uuid;

use crate::caller::Caller;
use crate::clock::now;
use crate::error::{AppError, ErrorCode};
use crate::history::Change;
use crate::lookup;
use crate::references::{References, changed};
use crate::transaction;
use crate::versioned::{self, Versioned};
use crate::versions::check_version;
use chrono::{DateTime, Utc};
use domain::currency::Currency;
use persistence::opportunities::Opportunities;
use persistence::table;

use serde_json::{Value, json};

pub const RESOURCE: ResourceType = ResourceType::Opportunity;

pub async fn create(
    db: &DatabaseConnection,
    caller: &Caller,
    mut input: OpportunityInput,
) -> Result<Opportunity, AppError> {
    if input.owner_id.is_none() {
        input.owner_id = access::default_owner(caller.role, caller.member());
    }
    let txn = persistence::db::begin(db).await?;
    let stage = stage_of(&txn, input.stage_id).await?;
    let fields = input.validate(stage.as_ref())?;
    let stage = stage.expect("validation found the stage");
    refuse_retired(&stage)?;
    check_references(&txn, caller, None, &fields, None).await?;
    let at = now();
    let (status, closed_at) = opportunity::closing(None, stage.fields.kind, at);
    let created = Opportunity {
        id: Uuid::now_v7(),
        fields,
        status,
        closed_at,
        version: 1,
        created_at: at,
        updated_at: at,
    };
    opportunities::insert(&txn, &created).await?;
    versioned::record_creation::<Opportunities>(&txn, caller, &created).await?;
    transaction::commit(txn).await?;
    Ok(created)
}

pub async fn get(db: &DatabaseConnection, caller: &Caller, id: Uuid) -> Result<Opportunity, AppError> {
    lookup::get::<Opportunities>(db, caller, id).await
}

pub async fn list(
    db: &DatabaseConnection,
    caller: &Caller,
    filter: &OpportunityFilter,
    request: &PageRequest<OpportunitySort>,
) -> Result<Page<Opportunity>, AppError> {
    Ok(opportunities::list(db, filter, caller.visibility(), request).await?)
}

/// The opportunities of a party the caller may see.
pub async fn list_of_party(
    db: &DatabaseConnection,
    caller: &Caller,
    party_id: Uuid,
    filter: OpportunityFilter,
    request: &PageRequest<OpportunitySort>,
) -> Result<Page<Opportunity>, AppError> {
    crate::parties::get(db, caller, party_id).await?;
    let filter = OpportunityFilter {
        party_id: Some(party_id),
        ..filter
    };
    list(db, caller, &filter, request).await
}

/// Applies `change` to the current record and writes it if its version is still the one read
/// (and the one in `If-Match`, when given). The status follows the (new) stage.
pub async fn update(
    db: &DatabaseConnection,
    caller: &Caller,
    id: Uuid,
    if_match: Option<i32>,
    change: impl FnOnce(&mut OpportunityInput),
) -> Result<Opportunity, AppError> {
    let txn = persistence::db::begin(db).await?;
    let current = lookup::for_update::<Opportunities>(&txn, caller, id).await?;
    let mut input = OpportunityInput::from(current.fields.clone());
    change(&mut input);
    let stage = stage_of(&txn, input.stage_id).await?;
    let fields = input.validate(stage.as_ref())?;
    let stage = stage.expect("validation found the stage");
    check_version(current.version, if_match)?;
    if stage.id != current.fields.stage_id {
        refuse_retired(&stage)?;
    }
    check_references(&txn, caller, Some(current.id), &fields, Some(&current.fields)).await?;
    let changed = write_new_version(&txn, caller, current, fields, &stage).await?;
    transaction::commit(txn).await?;
    Ok(changed)
}

/// Moves the opportunity to the pipeline's first won stage, in the caller's transaction: an
/// offer for it was accepted. Whoever accepted the offer may not see the opportunity; the deal
/// is won all the same. Nothing happens when it is won already; without a won stage the whole
/// change is refused (409 `no_won_stage`), since the deal could not be marked won.
pub async fn win(conn: &impl ConnectionTrait, caller: &Caller, id: Uuid) -> Result<(), AppError> {
    let Some(current) = table::find_for_update::<Opportunities>(conn, id, Visibility::All).await? else {
        return Ok(());
    };
    if current.status == OpportunityStatus::Won {
        return Ok(());
    }
    let Some(stage) = pipeline_stages::first_of_kind(conn, StageKind::Won).await? else {
        return Err(AppError::conflict(
            ErrorCode::NoWonStage,
            "the pipeline has no won stage to move the offer's opportunity to: an admin must add one",
            Some(id),
        ));
    };
    let mut input = OpportunityInput::from(current.fields.clone());
    input.move_to_stage(stage.id);
    let fields = input.validate(Some(&stage))?;
    write_new_version(conn, caller, current, fields, &stage).await?;
    Ok(())
}

/// Writes `fields` as the next version of `current`, its status following `stage`, and records
/// the change. Identical fields write nothing, so a client resending a record doubles nothing.
async fn write_new_version(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    current: Opportunity,
    fields: OpportunityFields,
    stage: &PipelineStage,
) -> Result<Opportunity, AppError> {
    if fields == current.fields {
        return Ok(current);
    }
    let at = now();
    let (status, closed_at) = opportunity::closing(Some((current.status, current.closed_at)), stage.fields.kind, at);
    let changed = Opportunity {
        fields,
        status,
        closed_at,
        ..current.clone()
    };
    versioned::write_next::<Opportunities>(conn, caller, &current, changed, at).await
}

impl Versioned for Opportunities {
    const FORM: fn(&Opportunity) -> Value = record;

    fn next_version(opportunity: Opportunity, at: DateTime<Utc>) -> Opportunity {
        Opportunity {
            version: opportunity.version + 1,
            updated_at: at,
            ..opportunity
        }
    }

    fn change(before: &Opportunity, after: &Opportunity) -> Change {
        Change::of_status(before.status, after.status)
    }

    async fn write(
        conn: &impl ConnectionTrait,
        opportunity: &Opportunity,
        expected_version: i32,
    ) -> Result<bool, AppError> {
        Ok(opportunities::update(conn, opportunity, expected_version).await?)
    }
}

/// The stage named, or the pipeline's first open stage when none is; none when there is no such.
/// It stays share-locked until the change commits.
async fn stage_of(conn: &impl ConnectionTrait, stage_id: Option<Uuid>) -> Result<Option<PipelineStage>, AppError> {
    Ok(match stage_id {
        Some(id) => pipeline_stages::find_for_share(conn, id).await?,
        None => pipeline_stages::first_open(conn).await?,
    })
}

fn refuse_retired(stage: &PipelineStage) -> Result<(), AppError> {
    if !stage.takes_new_opportunities() {
        return Err(AppError::conflict(
            ErrorCode::StageRetired,
            format!(
                "the stage `{}` is retired and takes no opportunities",
                stage.fields.name
            ),
            Some(stage.id),
        ));
    }
    Ok(())
}

/// The records an opportunity refers to, when they change: a party the caller sees and that is
/// not archived (and that the activities about the opportunity `id` concern too), a contact person
/// of it, a responsible user the caller may choose, competitors.
async fn check_references(
    conn: &impl ConnectionTrait,
    caller: &Caller,
    id: Option<Uuid>,
    fields: &OpportunityFields,
    current: Option<&OpportunityFields>,
) -> Result<(), AppError> {
    let mut references = References::new(conn, caller);
    let party_changed = current.is_none_or(|c| c.party_id != fields.party_id);
    if party_changed {
        references.party("party_id", fields.party_id).await?;
    }
    if let Some(id) = id.filter(|_| party_changed) {
        if activities::one_of_opportunity_elsewhere(conn, id, fields.party_id)
            .await?
            .is_some()
        {
            return Err(AppError::conflict(
                ErrorCode::ActivitiesOfOtherParty,
                "activities about this opportunity concern its current party: relate them elsewhere first",
                None,
            ));
        }
        if let Some(offer_id) = offers::one_of_opportunity_elsewhere(conn, id, fields.party_id).await? {
            return Err(AppError::conflict(
                ErrorCode::OffersOfOtherParty,
                "offers for this opportunity are made to its current party",
                Some(offer_id),
            ));
        }
    }
    if let Some(contact_id) = fields.contact_id
        && (party_changed || changed(fields.contact_id, current.and_then(|c| c.contact_id)).is_some())
    {
        references.contact("contact_id", contact_id, fields.party_id).await?;
    }
    if current.map_or(fields.owner_id.is_some(), |c| c.owner_id != fields.owner_id) {
        references.responsible_user("owner_id", fields.owner_id).await?;
    }
    for (i, competitor_id) in fields.competitor_ids.iter().enumerate() {
        if current.is_none_or(|c| !c.competitor_ids.contains(competitor_id)) {
            references
                .competitor(&format!("competitor_ids[{i}]"), *competitor_id)
                .await?;
        }
    }
    references.finish()
}

/// An opportunity as history and the change feed keep it.
pub fn record(opportunity: &Opportunity) -> Value {
    let f = &opportunity.fields;
    json!({
        "id": opportunity.id,
        "title": f.title,
        "party_id": f.party_id,
        "contact_id": f.contact_id,
        "owner_id": f.owner_id,
        "stage_id": f.stage_id,
        "status": opportunity.status.as_str(),
        "amount": f.amount,
        "currency": f.currency.as_ref().map(Currency::code),
        "probability": rust_decimal::Decimal::from(f.probability),
        "weighted_amount": opportunity.weighted_amount(),
        "expected_close_date": f.expected_close_date,
        "source": f.source,
        "competitor_ids": f.competitor_ids,
        "lost_reason": f.lost_reason,
        "closed_at": opportunity.closed_at,
        "version": opportunity.version,
        "created_at": opportunity.created_at,
        "updated_at": opportunity.updated_at,
    })
}
