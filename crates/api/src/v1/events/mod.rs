//! `/api/v1/events`: the change feed. Every change of every business record, in an order a
//! consumer pages through with `after` without ever missing a committed change.
//!
//! The change feed endpoint.

pub mod dto;

use actix_web::{HttpResponse, get, web};
use domain::access::Permission;
use domain::resource::ResourceType;

use self::dto::{EventPage, EventQuery};
use crate::auth::Authorized;
use crate::error::ApiError;
use crate::pagination;
use crate::state::AppState;
use app::events as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

/// The most values of one filter of the feed (as documented on `EventQuery`).
const MAX_KINDS: usize = 50;

pub fn configure(config: &mut ServiceConfig) {
    config.service(scope("/events").service(list_events));
}

/// The change feed: committed changes of every business record (created, updated, status
/// reached, archived, deleted), oldest first. Page with `after = next_cursor`: no committed
/// change is ever skipped or repeated, however many transactions commit at once. Events are kept
/// for `CRM_EVENT_RETENTION_DAYS` (30 by default).
#[utoipa::path(
    tag = "events",
    operation_id = "list_events",
    params(EventQuery),
    responses(
        (status = 200, description = "A page of events", body = EventPage),
        crate::openapi::ListErrors,
    ),
    security(("bearer" = [])),
    extensions(("x-permission" = json!(Permission::ReadEvents)))
)]
#[get("")]
pub async fn list_events(
    state: web::Data<AppState>,
    _caller: Authorized,
    query: crate::query::Query<EventQuery>,
) -> Result<HttpResponse, ApiError> {
    let limit = pagination::limit(query.limit)?;
    let query = query.into_inner();
    for (name, given) in [
        ("type", query.types.len()),
        ("resource_type", query.resource_type.len()),
    ] {
        if given > MAX_KINDS {
            return Err(ApiError::InvalidQuery(vec![domain::validation::FieldError {
                field: name.to_owned(),
                code: "too_many",
                message: format!("at most {MAX_KINDS} values"),
            }]));
        }
    }
    for (i, resource_type) in query.resource_type.iter().enumerate() {
        if ResourceType::parse(resource_type).is_none_or(|known| !known.has_events()) {
            return Err(ApiError::InvalidQuery(vec![domain::validation::FieldError {
                field: format!("resource_type[{i}]"),
                code: "invalid_value",
                message: format!("`{resource_type}` is no resource type of the feed"),
            }]));
        }
    }
    let kinds = persistence::events::Kinds {
        types: query.types,
        resource_types: query.resource_type,
    };
    let page = service::page(&state.db, query.after.as_deref(), limit, &kinds).await?;
    Ok(HttpResponse::Ok().json(EventPage::from(page)))
}
