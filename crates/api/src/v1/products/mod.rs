//! `/api/v1/products`: the catalog that document lines refer to.
//!
//! Product endpoints: everyone who works with documents reads the catalog; managers, integrators
//! and admins keep it.

pub mod dto;

use actix_web::{delete, get, patch, post, put};
use persistence::products::{ProductFilter, ProductSort};

use self::dto::{ProductBatchBody, ProductBody, ProductListQuery, ProductPage, ProductPatch, ProductResponse};
use crate::query;
use crate::v1::kit::{self};
use app::products as service;
use domain::product::Product;
use utoipa_actix_web::{scope, service_config::ServiceConfig};

kit::shown_alike!(Product => ProductResponse);

pub fn configure(config: &mut ServiceConfig) {
    config.service(
        scope("/products")
            .service(create_product)
            .service(list_products)
            .service(batch_upsert_products)
            .service(upsert_product_by_external_id)
            .service(get_product_by_external_id)
            .service(get_product)
            .service(list_product_history)
            .service(update_product)
            .service(archive_product),
    );
}

kit::create_endpoint!(
    /// Add a product to the catalog; a SKU that is taken is a 409 `duplicate_sku` naming its product.
    create_product: Product => ProductResponse, tag = "products", body = ProductBody,
    |db, caller, body| service::create(db, &caller, body.into())
);

const SORTS: &[(&str, ProductSort)] = &[
    ("name", ProductSort::Name),
    ("sku", ProductSort::Sku),
    ("created_at", ProductSort::CreatedAt),
    ("updated_at", ProductSort::UpdatedAt),
];

kit::list_endpoint!(
    /// List the catalog, filtered, sorted and paginated by cursor.
    list_products: Product => ProductPage, tag = "products", query = ProductListQuery, sorts = SORTS, default = "name",
    filter(query) = ProductFilter {
        kind: query.kind.into_iter().map(Into::into).collect(),
        product_group: query.product_group,
        active: query.active,
        sku: query.sku,
        external_id: query.external_id,
        q: query::search(query.q)?,
        updated_since: query::instant("updated_since", query.updated_since)?,
        include_archived: query.include_archived.unwrap_or(false),
    },
    |db, caller, filter, request| service::list(db, &filter, &request)
);

kit::get_endpoint!(
    /// Read a product (archived ones too).
    get_product: Product => ProductResponse, tag = "products", id = "Product id",
    external = get_product_by_external_id in persistence::products::Products,
    |db, caller, id| service::get(db, id)
);

kit::update_endpoint!(
    /// Change a product: fields present are set, `null` clears, absent fields are kept. Lines already
    /// on documents keep the price, tax rate and text they were written with.
    update_product: Product => ProductResponse, tag = "products", id = "Product id", body = ProductPatch,
    |db, caller, id, if_match, patch| service::update(db, &caller, id, if_match, |input| patch.apply_to(input))
);

kit::remove_endpoint!(
    /// Archive a product: it stays readable by id, leaves the lists and takes no new lines.
    archive_product: Product, tag = "products", id = "Product id", done = "Archived",
    |db, caller, id, if_match| service::archive(db, &caller, id, if_match)
);

kit::upsert_endpoint!(
    /// Create or replace the product with this external id (the body is the whole record).
    upsert_product_by_external_id: Product => ProductResponse, tag = "products", body = ProductBody,
    |db, caller, external_id, if_match, body| service::upsert(db, &caller, external_id, body.into(), if_match)
);

crate::v1::history::history_endpoint!(
    /// The history of a product: who changed which fields, from what to what, oldest first.
    list_product_history,
    Product,
    tag = "products",
    id = "Product id"
);

kit::batch_endpoint!(
    /// Create or replace up to 100 products by external id, each item as
    /// `PUT /products/by-external-id/{external_id}` would (same rules, same permission).
    batch_upsert_products: Product, tag = "products", body = ProductBatchBody, item = ProductBody,
    |txn, caller, external_id, item| service::upsert(txn, &caller, external_id, item.into(), None)
);
