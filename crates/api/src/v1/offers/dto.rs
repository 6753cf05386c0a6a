//! The offer resource as it travels over HTTP: lines inline, totals and `allowed_actions`.

use chrono::{DateTime, NaiveDate, Utc};
use domain::document::Totals;
use domain::money::shown_price;
use domain::offer::{self as model, LineInput, Offer, OfferInput, OfferLineInput};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;
use validator::Validate;

use crate::dto::{TaxShareResponse, actions_enum, allowed_actions, double_option, mirror_enum};

#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferStatus {
    Draft,
    Sent,
    Accepted,
    Rejected,
    Expired,
    Cancelled,
    Superseded,
}

/// What may be done with an offer now: a transition (`POST /offers/{id}/{action}`), `update` or
/// `delete` a draft (`PATCH`, `DELETE /offers/{id}`), or `convert` an accepted offer not yet
/// converted (`POST /sales-orders {"offer_id"}`).
#[derive(Debug, Clone, Copy, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum OfferAction {
    Send,
    Accept,
    Reject,
    Cancel,
    Revise,
    Update,
    Delete,
    Convert,
}

mirror_enum!(OfferStatus <-> model::OfferStatus { Draft, Sent, Accepted, Rejected, Expired, Cancelled, Superseded });
actions_enum!(OfferAction <- model::OfferAction { Send, Accept, Reject, Cancel, Revise });

/// A line as sent. With a product, what it leaves out comes from the catalog, and a line without
/// `unit_price` is priced for the party (price list tier, best discount rule); an explicit price
/// is kept, with the discount it names or none.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct OfferLineBody {
    /// Where the line stands in the document: 1, 2, …, unique in it (a duplicate is a 422
    /// `duplicate` at `lines[i].position`). Without it, the line stands at its place in `lines`
    /// (counted from 1). Lines are ordered by position and stored numbered 1, 2, … in that order,
    /// which is the `position` responses show.
    #[serde(default, deserialize_with = "crate::dto::whole_i32")]
    #[schema(minimum = 1, example = 1)]
    pub position: Option<i32>,
    #[serde(default)]
    pub product_id: Option<Uuid>,
    /// Required without a product; defaults to the product's name.
    #[serde(default)]
    #[schema(max_length = 2000)]
    pub description: Option<String>,
    /// Greater than 0, at most 4 decimals.
    #[schema(value_type = String, example = "2.5")]
    #[serde(deserialize_with = "crate::dto::decimal")]
    pub quantity: Decimal,
    /// Defaults to the product's unit, else `pcs`.
    #[serde(default)]
    #[schema(max_length = 20)]
    pub unit: Option<String>,
    /// At least 0, at most 6 decimals; without it the line is priced by resolution.
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "19.99")]
    pub unit_price: Option<Decimal>,
    /// Percent, 0–100.
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "10")]
    pub discount_percent: Option<Decimal>,
    /// Percent, 0–100; required without a product, else the product's.
    #[serde(default, deserialize_with = "crate::dto::decimal_opt")]
    #[schema(value_type = Option<String>, example = "20")]
    pub tax_rate: Option<Decimal>,
    /// The customer may choose it at acceptance; until then it does not count. Defaults to false.
    #[serde(default)]
    pub optional: Option<bool>,
}

/// A new offer, or the whole draft for an upsert by external id. It is numbered
/// (`OF-2026-000001`) on creation and starts as a draft.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct OfferBody {
    pub party_id: Uuid,
    /// A person belonging to the party.
    #[serde(default)]
    pub contact_id: Option<Uuid>,
    /// The opportunity the offer is for (of the same party); accepting the offer wins it.
    #[serde(default)]
    pub opportunity_id: Option<Uuid>,
    /// Defaults to the caller for sales users.
    #[serde(default)]
    pub owner_id: Option<Uuid>,
    /// ISO 4217; defaults to the party's currency.
    #[serde(default)]
    #[schema(example = "EUR", pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    /// The last day the customer may accept; a sent offer expires the day after.
    #[serde(default)]
    pub valid_until: Option<NaiveDate>,
    #[serde(default)]
    #[schema(max_length = 10000)]
    pub notes: Option<String>,
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub lines: Vec<OfferLineBody>,
    /// The id of this offer in the integrator's system; unique. A revision takes it over.
    #[serde(default)]
    #[schema(max_length = 200)]
    pub external_id: Option<String>,
}

/// A change of a draft: fields present are set, `null` clears; `lines`, when present, replaces
/// them all (and is priced again). A new currency needs the lines again.
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct OfferPatch {
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false)]
    pub party_id: Option<Uuid>,
    #[serde(default, deserialize_with = "double_option")]
    pub contact_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    pub opportunity_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "double_option")]
    pub owner_id: Option<Option<Uuid>>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, pattern = "^[A-Z]{3}$")]
    pub currency: Option<String>,
    #[serde(default, deserialize_with = "double_option")]
    pub valid_until: Option<Option<NaiveDate>>,
    #[serde(default, deserialize_with = "double_option")]
    #[schema(max_length = 10000)]
    pub notes: Option<Option<String>>,
    #[serde(default, deserialize_with = "crate::dto::not_null")]
    #[schema(nullable = false, max_items = 1000)]
    pub lines: Option<Vec<OfferLineBody>>,
}

/// What the customer accepted: the optional lines they chose (none: only the required lines).
#[derive(Debug, Deserialize, ToSchema, Validate)]
#[serde(deny_unknown_fields)]
pub struct AcceptBody {
    #[serde(default)]
    #[schema(max_items = 1000)]
    pub selected_optional_line_ids: Vec<Uuid>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfferLineResponse {
    pub id: Uuid,
    /// 1, 2, …: the line's place in the document, in the order of the positions sent (renumbered
    /// from 1).
    #[schema(minimum = 1, example = 1)]
    pub position: i32,
    pub product_id: Option<Uuid>,
    pub description: String,
    #[schema(value_type = String, example = "2.5")]
    pub quantity: Decimal,
    pub unit: String,
    #[schema(value_type = String, example = "19.99")]
    pub unit_price: Decimal,
    #[schema(value_type = String, example = "10")]
    pub discount_percent: Decimal,
    #[schema(value_type = String, example = "20")]
    pub tax_rate: Decimal,
    pub optional: bool,
    /// An optional line the customer chose at acceptance.
    pub selected: bool,
    /// `quantity × unit_price × (1 − discount_percent / 100)`, rounded to the minor unit.
    #[schema(value_type = String, example = "22.50")]
    pub line_net: Decimal,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OfferResponse {
    pub id: Uuid,
    #[schema(example = "OF-2026-000001")]
    pub number: String,
    /// 1 for the first; a revision keeps the number.
    pub revision: i32,
    /// The offer this one revises.
    pub revises_id: Option<Uuid>,
    pub party_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub opportunity_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub currency: String,
    pub valid_until: Option<NaiveDate>,
    pub notes: Option<String>,
    /// As of today: a sent offer past `valid_until` is `expired`.
    pub status: OfferStatus,
    pub lines: Vec<OfferLineResponse>,
    /// Over the counted lines: the required ones and the chosen optional ones.
    #[schema(value_type = String, example = "91.26")]
    pub net_total: Decimal,
    #[schema(value_type = String, example = "17.11")]
    pub tax_total: Decimal,
    #[schema(value_type = String, example = "108.37")]
    pub total: Decimal,
    pub tax_breakdown: Vec<TaxShareResponse>,
    /// The net sum of the optional lines not (yet) chosen.
    #[schema(value_type = String, example = "100.00")]
    pub optional_total: Decimal,
    /// What the caller may do with it now.
    pub allowed_actions: Vec<OfferAction>,
    pub sent_at: Option<DateTime<Utc>>,
    /// When it was accepted, rejected, cancelled or superseded.
    pub closed_at: Option<DateTime<Utc>>,
    pub external_id: Option<String>,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

impl OfferResponse {
    /// The offer as of `today`, for a caller who may (`may_act`) or may not act on it, and who
    /// may or may not make orders (`may_convert`).
    pub fn new(offer: Offer, today: NaiveDate, may_act: bool, may_convert: bool) -> Self {
        let Totals {
            net_total,
            tax_total,
            total,
            tax_breakdown,
        } = offer.totals();
        let optional_total = offer.optional_total();
        let status = offer.status_on(today);
        let draft = may_act && offer.check_editable(today).is_ok();
        let allowed_actions = allowed_actions(
            may_act,
            offer.allowed_actions(today),
            [
                (OfferAction::Update, draft),
                (OfferAction::Delete, draft),
                (OfferAction::Convert, may_convert && offer.is_convertible()),
            ],
        );
        let f = offer.fields;
        let currency = f.currency;
        Self {
            id: offer.id,
            number: offer.number,
            revision: offer.revision,
            revises_id: offer.revises_id,
            party_id: f.party_id,
            contact_id: f.contact_id,
            opportunity_id: f.opportunity_id,
            owner_id: f.owner_id,
            currency: currency.code().to_owned(),
            valid_until: f.valid_until,
            notes: f.notes,
            status: status.into(),
            lines: (1..)
                .zip(f.lines)
                .map(|(position, line)| OfferLineResponse {
                    line_net: line.amounts().net(currency),
                    id: line.id,
                    position,
                    product_id: line.product_id,
                    description: line.description,
                    quantity: line.quantity.normalize(),
                    unit: line.unit,
                    unit_price: shown_price(line.unit_price, currency),
                    discount_percent: line.discount_percent.normalize(),
                    tax_rate: line.tax_rate.normalize(),
                    optional: line.optional,
                    selected: line.selected,
                })
                .collect(),
            net_total,
            tax_total,
            total,
            tax_breakdown: tax_breakdown.into_iter().map(Into::into).collect(),
            optional_total,
            allowed_actions,
            sent_at: offer.sent_at,
            closed_at: offer.closed_at,
            external_id: offer.external_id,
            version: offer.version,
            created_at: offer.created_at,
            updated_at: offer.updated_at,
        }
    }
}

impl From<OfferLineBody> for OfferLineInput {
    fn from(body: OfferLineBody) -> Self {
        Self {
            line: LineInput {
                position: body.position,
                product_id: body.product_id,
                description: body.description,
                quantity: body.quantity,
                unit: body.unit,
                unit_price: body.unit_price,
                discount_percent: body.discount_percent,
                tax_rate: body.tax_rate,
            },
            optional: body.optional,
        }
    }
}

impl OfferBody {
    /// The offer's content, and its external id (which is not content: a revision moves it).
    pub fn into_input(self) -> (OfferInput, Option<String>) {
        let input = OfferInput {
            party_id: self.party_id,
            contact_id: self.contact_id,
            opportunity_id: self.opportunity_id,
            owner_id: self.owner_id,
            currency: self.currency,
            valid_until: self.valid_until,
            notes: self.notes,
            lines: self.lines.into_iter().map(Into::into).collect(),
        };
        (input, self.external_id)
    }
}

impl OfferPatch {
    /// Applies the present fields to `input`, the current draft in input form.
    pub fn apply_to(self, input: &mut OfferInput) {
        fn set<T>(target: &mut T, value: Option<T>) {
            if let Some(value) = value {
                *target = value;
            }
        }
        set(&mut input.party_id, self.party_id);
        set(&mut input.contact_id, self.contact_id);
        set(&mut input.opportunity_id, self.opportunity_id);
        set(&mut input.owner_id, self.owner_id);
        set(&mut input.currency, self.currency.map(Some));
        set(&mut input.valid_until, self.valid_until);
        set(&mut input.notes, self.notes);
        set(
            &mut input.lines,
            self.lines.map(|lines| lines.into_iter().map(Into::into).collect()),
        );
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct OfferListQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// `created_at`, `updated_at` or `number`, `-` for descending (default `created_at`;
    /// `updated_at` when `updated_since` is given).
    #[param(value_type = Option<String>, pattern = "^-?(created_at|updated_at|number)$")]
    pub sort: Option<crate::query::Sort>,
    /// As of today: `expired` are sent offers past `valid_until`, `sent` the others.
    #[serde(default)]
    pub status: Vec<OfferStatus>,
    pub party_id: Option<Uuid>,
    pub owner_id: Option<Uuid>,
    pub opportunity_id: Option<Uuid>,
    /// The exact number (all revisions of it).
    #[param(example = "OF-2026-000001")]
    pub number: Option<String>,
    /// The exact external id.
    pub external_id: Option<String>,
    /// Case-insensitive text search: in the number (`OF-2026`, `000001`), or in the party's name (email and external id too, as `q` on `/parties` searches).
    #[param(max_length = 200, example = "acme")]
    pub q: Option<String>,
    /// Only offers changed at or after this instant; without `sort`, oldest change first.
    pub updated_since: Option<DateTime<Utc>>,
}

/// The filters of `GET /parties/{id}/offers`.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct PartyOfferQuery {
    /// Page size, 1–200 (default 50).
    #[param(minimum = 1, maximum = 200)]
    pub limit: Option<u64>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
    /// `total` adds the count of every item the filters select to the page (one more query).
    #[serde(default)]
    #[param(inline)]
    pub include: Vec<crate::pagination::Include>,
    /// `created_at`, `updated_at` or `number`, `-` for descending (default `-created_at`).
    #[param(value_type = Option<String>, pattern = "^-?(created_at|updated_at|number)$")]
    pub sort: Option<crate::query::Sort>,
    #[serde(default)]
    pub status: Vec<OfferStatus>,
}

crate::pagination::page_of!(
    /// A page of offers, each with its lines.
    OfferPage(OfferResponse)
);
