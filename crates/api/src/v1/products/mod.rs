//! `/api/v1/products`: the catalog that document lines refer to.
//!
//! Product endpoints: everyone who works with documents reads the catalog; managers, integrators
//! and admins keep it.

pub mod dto;

use actix_web::http::header;
use actix_web::{HttpRequest, HttpResponse, delete, get, patch, post, put, web};
use domain::access::Permission;
use persistence::products::{ProductFilter, ProductSort};
use uuid::Uuid;

use self::dto::{ProductBatchBody, ProductBody, ProductListQuery, ProductPage, ProductPatch, ProductResponse};
use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::extract::{Body, IfMatch, if_match};
use crate::pagination::{self};
use crate::query;
use crate::respond::etag;
use crate::state::AppState;
use crate::v1::batch::{self, BatchProblem, BatchResponse};
use app::products as service;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/products")
            .service(create_product)
            .service(list_products)
            .service(batch_upsert_products)
            .service(upsert_product_by_external_id)
            .service(get_product)
            .service(list_product_history)
            .service(update_product)
            .service(archive_product),
    );
}

/// Add a product to the catalog; a SKU that is taken is a 409 `duplicate_sku` naming its product.
#[utoipa::path(
    tag = "products",
    operation_id = "create_product",
    request_body = ProductBody,
    responses(
        (status = 201, description = "Created", body = ProductResponse,
            headers(("Location" = String, description = "URL of the new product"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::CreateErrors,
    ),
    security(("bearer" = []))
)]
#[post("")]
pub async fn create_product(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<ProductBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteProducts)?;
    let product = service::create(&state.db, &caller, body.0.into()).await?;
    Ok(HttpResponse::Created()
        .insert_header((header::LOCATION, format!("/api/v1/products/{}", product.id)))
        .insert_header(etag(product.version))
        .json(ProductResponse::from(product)))
}

/// List the catalog, filtered, sorted and paginated by cursor.
#[utoipa::path(
    tag = "products",
    operation_id = "list_products",
    params(ProductListQuery),
    responses(
        (status = 200, description = "A page of products", body = ProductPage),
        crate::openapi::FilteredListErrors,
    ),
    security(("bearer" = []))
)]
#[get("")]
pub async fn list_products(
    state: web::Data<AppState>,
    user: AuthUser,
    query: web::Query<ProductListQuery>,
) -> Result<HttpResponse, ApiError> {
    user.require(Permission::ReadProducts)?;
    let query = query.into_inner();
    let default_sort = if query.updated_since.is_some() {
        "updated_at"
    } else {
        "name"
    };
    let (request, sort) = pagination::sorted(
        query.sort.as_deref(),
        default_sort,
        &[
            ("name", ProductSort::Name),
            ("sku", ProductSort::Sku),
            ("created_at", ProductSort::CreatedAt),
            ("updated_at", ProductSort::UpdatedAt),
        ],
        query.limit,
        query.cursor.as_deref(),
    )?;
    let filter = ProductFilter {
        kind: query.kind.map(Into::into),
        product_group: query.product_group,
        active: query.active,
        sku: query.sku,
        external_id: query.external_id,
        q: query::search(query.q)?,
        updated_since: query::instant("updated_since", query.updated_since)?,
        include_archived: query.include_archived.unwrap_or(false),
    };
    let page = service::list(&state.db, &filter, &request).await?;
    Ok(HttpResponse::Ok().json(ProductPage::new(page, &sort, ProductResponse::from)))
}

/// Read a product (archived ones too).
#[utoipa::path(
    tag = "products",
    operation_id = "get_product",
    params(("id" = Uuid, Path, description = "Product id")),
    responses(
        (status = 200, description = "The product", body = ProductResponse,
            headers(("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ReadErrors,
    ),
    security(("bearer" = []))
)]
#[get("/{id}")]
pub async fn get_product(
    state: web::Data<AppState>,
    user: AuthUser,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    user.require(Permission::ReadProducts)?;
    let product = service::get(&state.db, id.into_inner()).await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(product.version))
        .json(ProductResponse::from(product)))
}

/// Change a product: fields present are set, `null` clears, absent fields are kept. Lines already
/// on documents keep the price, tax rate and text they were written with.
#[utoipa::path(
    tag = "products",
    operation_id = "update_product",
    params(("id" = Uuid, Path, description = "Product id"), IfMatch),
    request_body = ProductPatch,
    responses(
        (status = 200, description = "The changed product", body = ProductResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[patch("/{id}")]
pub async fn update_product(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
    body: Body<ProductPatch>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteProducts)?;
    let patch = body.0;
    let product = service::update(&state.db, &caller, id.into_inner(), if_match(&req)?, |input| {
        patch.apply_to(input);
    })
    .await?;
    Ok(HttpResponse::Ok()
        .insert_header(etag(product.version))
        .json(ProductResponse::from(product)))
}

/// Archive a product: it stays readable by id, leaves the lists and takes no new lines.
#[utoipa::path(
    tag = "products",
    operation_id = "archive_product",
    params(("id" = Uuid, Path, description = "Product id"), IfMatch),
    responses(
        (status = 204, description = "Archived"),
        crate::openapi::DeleteErrors,
    ),
    security(("bearer" = []))
)]
#[delete("/{id}")]
pub async fn archive_product(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    id: web::Path<Uuid>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteProducts)?;
    service::archive(&state.db, &caller, id.into_inner(), if_match(&req)?).await?;
    Ok(HttpResponse::NoContent().finish())
}

/// Create or replace the product with this external id (the body is the whole record).
#[utoipa::path(
    tag = "products",
    operation_id = "upsert_product_by_external_id",
    params(
        ("external_id" = String, Path, description = "The product's id in the integrator's system"),
        IfMatch,
    ),
    request_body = ProductBody,
    responses(
        (status = 200, description = "Replaced", body = ProductResponse,
            headers(("ETag" = String, description = "The new version, quoted"))),
        (status = 201, description = "Created", body = ProductResponse,
            headers(("Location" = String, description = "URL of the new product"), ("ETag" = String, description = "The version, quoted"))),
        crate::openapi::ChangeErrors,
    ),
    security(("bearer" = []))
)]
#[put("/by-external-id/{external_id}")]
pub async fn upsert_product_by_external_id(
    state: web::Data<AppState>,
    user: AuthUser,
    req: HttpRequest,
    external_id: web::Path<String>,
    body: Body<ProductBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteProducts)?;
    let upserted = service::upsert(&state.db, &caller, &external_id, body.0.into(), if_match(&req)?).await?;
    Ok(crate::v1::upsert::respond(
        upserted,
        |product| format!("/api/v1/products/{}", product.id),
        |product| product.version,
        ProductResponse::from,
    ))
}

crate::v1::history::history_endpoint!(
    /// The history of a product: who changed which fields, from what to what, oldest first.
    list_product_history,
    Product,
    tag = "products",
    id = "Product id"
);

/// Create or replace up to 100 products by external id, each item as
/// `PUT /products/by-external-id/{external_id}` would (same rules, same permission). Without
/// `all_or_none`, each item is its own transaction and the answer is a 200 with every item's
/// result, errors included (`problem` is the problem document the single request would have
/// answered). With `all_or_none`, nothing is committed if any item fails: a 422 `batch_failed`
/// lists every item's result, those that went through as `rolled_back`.
#[utoipa::path(
    tag = "products",
    operation_id = "batch_upsert_products",
    request_body = ProductBatchBody,
    responses(
        (status = 200, description = "Every item's result", body = BatchResponse),
        (status = 422, description = "`items` empty or over 100 (`validation_failed`), or an `all_or_none` batch in which an item failed (`batch_failed`): nothing was committed", body = BatchProblem, content_type = "application/problem+json"),
        crate::openapi::BatchErrors,
    ),
    security(("bearer" = []))
)]
#[post("/batch")]
pub async fn batch_upsert_products(
    state: web::Data<AppState>,
    user: AuthUser,
    body: Body<ProductBatchBody>,
) -> Result<HttpResponse, ApiError> {
    let caller = user.require(Permission::WriteProducts)?;
    let body = body.0;
    batch::run(
        &state.db,
        &body.items,
        body.all_or_none,
        |item: &ProductBody| item.external_id.as_deref(),
        async |txn, item: ProductBody| {
            let external_id = item.external_id.clone().unwrap_or_default();
            let upserted = service::upsert(txn, &caller, &external_id, item.into(), None).await?;
            Ok(upserted.map(|product| (product.id, product.version)))
        },
    )
    .await
}
