//! The OpenAPI document: paths come from the same declarations that mount the routes
//! (`utoipa_actix_web`); this module adds the info, the security scheme and the shared error responses.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi, ToResponse};

use crate::error::{ErrorCode, FieldProblem, Problem};

mod either;
mod feed;
mod headers;
mod links;
mod reads;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "CRM API",
        description = "A headless CRM: parties, activities, opportunities, offers, orders and invoices.\n\n\
            Errors are RFC 9457 problem documents with a stable `code`. Decimals are strings. \
            Lists are keyset-paginated with `limit` and `cursor`. Each caller may send a limited number of \
            requests a minute: responses under `/api/v1` carry `RateLimit-Limit`, `RateLimit-Remaining` and \
            `RateLimit-Reset`; past the limit, a 429 says when to retry (`Retry-After`).",
        license(name = "MIT", identifier = "MIT")
    ),
    components(schemas(Problem, FieldProblem), responses(
        BadRequest, Unauthorized, Forbidden, NotFound, Conflict, PreconditionFailed,
        PayloadTooLarge, UnsupportedMediaType, UnprocessableEntity, TooManyRequests, ServiceUnavailable,
        RequestTimeout
    )),
    modifiers(&BearerAuth),
    tags(
        (name = "auth", description = "Access tokens"),
        (name = "parties", description = "Customers, prospects, suppliers, competitors, partners"),
        (name = "activities", description = "Calls, meetings, emails, tasks, appointments, visits and notes: \
            the contact history of a party and the agenda of a user"),
        (name = "opportunities", description = "Sales prospects moving through the pipeline"),
        (name = "products", description = "The catalog that document lines refer to"),
        (name = "pricing", description = "Price lists, discount rules, and why a price is what it is"),
        (name = "offers", description = "Quotes: lines, optional lines, revisions, exact totals"),
        (name = "sales-orders", description = "What customers ordered, and how much of it is invoiced"),
        (name = "invoice-orders", description = "Instructions to invoice quantities of sales order lines"),
        (name = "invoices", description = "Invoices, credit notes and payments: the legal documents"),
        (name = "events", description = "The change feed: every committed change, in an order a consumer never misses one in"),
        (name = "attachments", description = "Files attached to records: uploaded as multipart, stored once per SHA-256, \
            read by whoever may read their record"),
        (name = "webhooks", description = "Signed deliveries of events to the integrator's receivers, retried for a day, with a delivery log"),
        (name = "pipeline-stages", description = "The steps of the sales pipeline"),
        (name = "users", description = "Users and their roles (admins only)"),
        (name = "teams", description = "Teams of users (admins only)"),
        (name = "cases", description = "Support cases with their messages and SLA clocks, and the SLA policies that set them"),
        (name = "contracts", description = "What clients have signed: the term, renewal and termination, and the \
            conditions (payment terms, price list, discount) their new documents get while it runs"),
        (name = "subscriptions", description = "Agreements for periodic delivery and billing, and the billing runs \
            that turn each due period into a confirmed sales order, exactly once"),
        (name = "reports", description = "Aggregates over the records the caller sees, per currency, each row with \
            the list query of its records; `Accept: text/csv` for CSV"),
        (name = "health", description = "Probes"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .bearer_format("JWT")
                    .description(Some("A token from `POST /api/v1/auth/token`"))
                    .build(),
            ),
        );
    }
}

macro_rules! problem_response {
    ($name:ident, $description:literal) => {
        #[derive(ToResponse)]
        #[response(description = $description, content_type = "application/problem+json")]
        #[allow(dead_code)] // Only its type matters: it documents a response.
        pub struct $name(Problem);
    };
}

problem_response!(
    BadRequest,
    "Malformed JSON, an unknown field, or a bad query parameter, path or cursor"
);
problem_response!(
    Unauthorized,
    "No token, or an invalid or expired one (`WWW-Authenticate: Bearer`)"
);
problem_response!(Forbidden, "The caller's role may not do this");
problem_response!(NotFound, "No such record, or one the caller may not see");
problem_response!(
    Conflict,
    "The record's state or another record forbids it (`existing_id` names it)"
);
problem_response!(
    PreconditionFailed,
    "`If-Match` does not match the current version (`current_version` has it)"
);
problem_response!(PayloadTooLarge, "The body is over 1 MiB");
problem_response!(UnsupportedMediaType, "The body is not `application/json`");
problem_response!(UnprocessableEntity, "Invalid values; `errors` names every field");

/// The 429 every operation under `/api/v1` may answer (`rate_limit`).
#[derive(ToResponse)]
#[response(
    description = "Past the caller's rate limit (`rate_limited`): nothing was done; retry after `Retry-After` seconds",
    content_type = "application/problem+json",
    headers(
        ("Retry-After" = u64, description = "Seconds until a request is allowed again (at least 1)"),
        ("RateLimit-Limit" = u32, description = "Requests allowed at once, and per minute"),
        ("RateLimit-Remaining" = u32, description = "Requests left now: 0"),
        ("RateLimit-Reset" = u64, description = "Seconds until the whole quota is back"),
    )
)]
#[allow(dead_code)] // Only its type matters: it documents a response.
pub struct TooManyRequests(Problem);

problem_response!(
    RequestTimeout,
    "The body did not arrive within 10 seconds of the request (`request_timeout`): nothing was done"
);

problem_response!(
    ServiceUnavailable,
    "The database is out of reach (`database_unavailable`), or concurrent changes kept the records busy (`resource_busy`): nothing was done; retry after `Retry-After` seconds"
);

/// The parts of the document that concern every operation of a kind, added once the paths are
/// collected: `Idempotency-Key` on every POST (but the token request, which has no caller),
/// with the 409 and 422 it may answer, and the 429 of the rate limit on every operation under
/// `/api/v1`.
pub fn complete(mut openapi: utoipa::openapi::OpenApi) -> utoipa::openapi::OpenApi {
    use utoipa::openapi::path::{ParameterBuilder, ParameterIn};
    use utoipa::openapi::{ObjectBuilder, Required, Type};
    let key = ParameterBuilder::new()
        .name("Idempotency-Key")
        .parameter_in(ParameterIn::Header)
        .required(Required::False)
        .description(Some(
            "Makes a retry safe: the first completed response is kept for 24 h per caller and key and \
             replayed with `Idempotent-Replayed: true`. The same key with another request is a 422; \
             while the first is running, a 409. A refused request (4xx, 5xx) is not kept.",
        ))
        .schema(Some(
            ObjectBuilder::new()
                .schema_type(Type::String)
                .min_length(Some(1))
                .max_length(Some(crate::idempotency::MAX_KEY_LENGTH))
                .pattern(Some("^[!-~]+$")),
        ))
        .build();
    for (path, item) in &mut openapi.paths.paths {
        for operation in operation_slots(item).into_iter().flatten() {
            name_the_roles(operation);
            spell_out_query_parameters(operation);
        }
        if path.starts_with("/api/v1/") {
            let operations = operation_slots(item);
            // Any operation may meet the rate limit, and a database that is out of reach.
            for operation in operations.into_iter().flatten() {
                for (status, response) in [("429", "TooManyRequests"), ("503", "ServiceUnavailable")] {
                    operation
                        .responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| utoipa::openapi::Ref::from_response_name(response).into());
                }
                // A body must arrive within its deadline (`crate::deadline`).
                if operation.request_body.is_some() {
                    operation
                        .responses
                        .responses
                        .entry("408".to_owned())
                        .or_insert_with(|| utoipa::openapi::Ref::from_response_name("RequestTimeout").into());
                }
            }
        }
        // Public operations keep no responses: they would keep the tokens they answer.
        let public = |post: &&mut utoipa::openapi::path::Operation| {
            crate::routes::Access::of(post) == crate::routes::Access::Public
        };
        if let Some(post) = item.post.as_mut().filter(|post| !public(post)) {
            post.parameters.get_or_insert_with(Vec::new).push(key.clone().into());
            // A reused key is a 422, a key still in use a 409, whatever the operation.
            for (status, response) in [("409", "Conflict"), ("422", "UnprocessableEntity")] {
                post.responses
                    .responses
                    .entry(status.to_owned())
                    .or_insert_with(|| utoipa::openapi::Ref::from_response_name(response).into());
            }
        }
    }
    if let Some(components) = openapi.components.as_mut() {
        for (name, response) in &mut components.responses {
            if let utoipa::openapi::RefOr::T(response) = response
                && let Some(status) = status_of_response(name)
            {
                response.description = describe_codes(response.description.trim_end_matches('.'), status);
            }
        }
    }
    openapi.servers = Some(vec![
        utoipa::openapi::server::ServerBuilder::new()
            .url("/")
            .description(Some("The server that serves this document"))
            .build(),
    ]);
    openapi
}

/// The document as served: the collected one with the passes that are plainest on its JSON,
/// since they copy schemas and write forms (`const`, a `2XX` response, a discriminator)
/// that utoipa's types do not read back.
pub fn finished(openapi: &utoipa::openapi::OpenApi) -> serde_json::Value {
    let mut document = serde_json::to_value(openapi).expect("the document serializes");
    reads::require_what_is_always_sent(&mut document);
    either::split_either_or_bodies(&mut document);
    feed::type_the_feed(&mut document);
    headers::declare_response_headers(&mut document);
    links::link_creates_to_their_records(&mut document);
    document
}

fn operation_slots(item: &mut utoipa::openapi::PathItem) -> [&mut Option<utoipa::openapi::path::Operation>; 5] {
    [
        &mut item.get,
        &mut item.post,
        &mut item.put,
        &mut item.patch,
        &mut item.delete,
    ]
}

/// Names the roles that may call an operation that declares a permission, as the scopes of its
/// bearer requirement (OpenAPI 3.1 lets a non-OAuth scheme list "role names which are required"):
/// a client sees who may without reading the role table. A public operation declares an empty
/// list (none needed): `[{}]` ("a token is optional") made generators ask for a signed-in client
/// to sign in.
fn name_the_roles(operation: &mut utoipa::openapi::path::Operation) {
    match crate::routes::Access::of(operation) {
        crate::routes::Access::Requires(permission) => {
            let roles: Vec<&str> = permission.roles().map(domain::access::Role::as_str).collect();
            operation.security = Some(vec![utoipa::openapi::security::SecurityRequirement::new(
                "bearer", roles,
            )]);
        }
        crate::routes::Access::Public => operation.security = Some(Vec::new()),
        crate::routes::Access::Undeclared => {}
    }
}

/// Query parameters as generators and linters want them: a sort as the enum of its values, and a
/// filter that takes a list written as the parameter repeated (`status=draft&status=sent`),
/// meaning any of them.
fn spell_out_query_parameters(operation: &mut utoipa::openapi::path::Operation) {
    use utoipa::openapi::path::{ParameterIn, ParameterStyle};
    use utoipa::openapi::{RefOr, Schema};
    for parameter in operation.parameters.iter_mut().flatten() {
        let RefOr::T(parameter) = parameter else { continue };
        if parameter.parameter_in == ParameterIn::Query
            && let Some(RefOr::T(Schema::Object(schema))) = parameter.schema.as_mut()
            && let Some(keys) = schema.pattern.as_deref().and_then(sort_keys)
        {
            // `sort` is declared by its keys (`^-?(name|created_at)$`): each, ascending and
            // descending, is a value a generated client can offer; nothing else type-checks.
            schema.enum_values = Some(
                keys.iter()
                    .flat_map(|key| [key.to_string(), format!("-{key}")])
                    .map(serde_json::Value::from)
                    .collect(),
            );
            schema.pattern = None;
        }
        if parameter.parameter_in == ParameterIn::Query && matches!(parameter.schema, Some(RefOr::T(Schema::Array(_))))
        {
            parameter.style = Some(ParameterStyle::Form);
            parameter.explode = Some(true);
            // A filter's values are alternatives; `include`'s are additions.
            let how = match parameter.name.as_str() {
                "include" => "Repeat the parameter for each value.",
                _ => "Any of: repeat the parameter for each value.",
            };
            let said = parameter.description.take().unwrap_or_default();
            parameter.description = Some(format!("{said}{}{how}", if said.is_empty() { "" } else { " " }));
        }
    }
}

/// The keys of a sort's pattern, `^-?(name|created_at)$`.
fn sort_keys(pattern: &str) -> Option<Vec<&str>> {
    let keys = pattern.strip_prefix("^-?(")?.strip_suffix(")$")?;
    Some(keys.split('|').collect())
}

/// The status each shared problem response documents, by its name.
fn status_of_response(name: &str) -> Option<u16> {
    Some(match name {
        "BadRequest" => 400,
        "Unauthorized" => 401,
        "Forbidden" => 403,
        "NotFound" => 404,
        "Conflict" => 409,
        "PreconditionFailed" => 412,
        "PayloadTooLarge" => 413,
        "UnsupportedMediaType" => 415,
        "UnprocessableEntity" => 422,
        "RequestTimeout" => 408,
        "TooManyRequests" => 429,
        "ServiceUnavailable" => 503,
        _ => return None,
    })
}

/// The description of a shared problem response: what it means, then each code it may carry.
fn describe_codes(description: &str, status: u16) -> String {
    let codes: Vec<String> = ErrorCode::ALL
        .iter()
        .filter(|code| code.status() == status)
        .map(|code| format!("- `{}`: {}", code.as_str(), code.meaning()))
        .collect();
    format!("{description}. Codes:\n{}", codes.join("\n"))
}

/// Pretty JSON with a trailing newline, the form committed to the repository.
pub fn to_json(document: &serde_json::Value) -> String {
    let mut text = serde_json::to_string_pretty(document).expect("the document serializes");
    text.push('\n');
    text
}

/// Declares a set of error responses that operations share, each a reference to one of the
/// problem responses above, so a handler lists its successes and names one set for its errors.
macro_rules! error_set {
    ($(#[$doc:meta])* $name:ident { $($status:literal => $response:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(utoipa::IntoResponses)]
        #[allow(dead_code)] // Only its type matters: it documents responses.
        pub enum $name {
            $(#[response(status = $status)] $response(#[ref_response] $response),)+
        }
    };
}

error_set!(
    /// Errors of a list.
    ListErrors { 400 => BadRequest, 401 => Unauthorized, 403 => Forbidden }
);
error_set!(
    /// Errors of a list with filters a rule bounds (a date no record can hold is a 422).
    FilteredListErrors { 400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 422 => UnprocessableEntity }
);
error_set!(
    /// Errors of a list under one record, with filters a rule bounds.
    FilteredReadErrors {
        400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound, 422 => UnprocessableEntity,
    }
);
error_set!(
    /// Errors of reading one record.
    ReadErrors { 400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound }
);
error_set!(
    /// Errors of creating a record.
    CreateErrors {
        400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 409 => Conflict,
        413 => PayloadTooLarge, 415 => UnsupportedMediaType, 422 => UnprocessableEntity,
    }
);
error_set!(
    /// Errors of changing or replacing a record.
    ChangeErrors {
        400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound, 409 => Conflict,
        412 => PreconditionFailed, 413 => PayloadTooLarge, 415 => UnsupportedMediaType,
        422 => UnprocessableEntity,
    }
);
error_set!(
    /// Errors of a batch, but for its own 422 (`batch_failed` or an invalid `items`).
    BatchErrors {
        400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 413 => PayloadTooLarge,
        415 => UnsupportedMediaType,
    }
);
error_set!(
    /// Errors of a transition without a body (`POST …/{id}/start`).
    TransitionErrors {
        400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound, 409 => Conflict,
        412 => PreconditionFailed,
    }
);
error_set!(
    /// Errors of archiving or deleting a record.
    DeleteErrors { 400 => BadRequest, 401 => Unauthorized, 403 => Forbidden, 404 => NotFound, 412 => PreconditionFailed }
);
error_set!(
    /// Errors of ending a session.
    RevokeErrors {
        400 => BadRequest, 413 => PayloadTooLarge, 415 => UnsupportedMediaType,
        422 => UnprocessableEntity, 503 => ServiceUnavailable,
    }
);

error_set!(
    /// Errors of getting a token.
    TokenErrors {
        400 => BadRequest, 401 => Unauthorized, 413 => PayloadTooLarge, 415 => UnsupportedMediaType,
        422 => UnprocessableEntity, 503 => ServiceUnavailable,
    }
);
