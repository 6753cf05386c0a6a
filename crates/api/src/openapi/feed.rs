//! The change feed typed for integrators: an event is one of a form per resource type, and its
//! `data` is that resource's record, so a generated client narrows `data` by `resource_type`. The
//! same events reach webhook receivers, described in the document's `webhooks` section with the
//! headers that sign them.

use domain::resource::ResourceType;
use serde_json::{Map, Value, json};

const SCHEMAS: &str = "#/components/schemas/";
/// Fields of a read that are not the record's own, so the feed leaves them out: the actions the
/// reader may take, and what is worked out from other records (a party's running contracts, a
/// subscription's next billing day, a target's achievement),
/// from the clock (a case's SLA status and reopening deadline move without a change) or from
/// the record's other fields (a contract's notice date, a target's period end).
const NOT_IN_THE_FEED: &[&str] = &[
    "allowed_actions",
    "active_contracts",
    "sla_status",
    "reopen_until",
    "notice_date",
    "next_billing_on",
    "achievement",
    "period_end",
];
/// The form a `webhook.test` delivery carries, which no change made.
const TEST_EVENT: &str = "WebhookTestEvent";

/// The schema of the read whose record an event of `resource` carries; none for resources the
/// feed does not carry.
fn read_schema(resource: ResourceType) -> Option<&'static str> {
    use ResourceType::{
        Activity, Attachment, Case, Contract, DiscountRule, Invoice, InvoiceOrder, Offer, Opportunity, Party,
        PipelineStage, PriceList, Product, SalesOrder, SalesTarget, SlaPolicy, Subscription, Team, User, Webhook,
    };
    Some(match resource {
        Party => "PartyResponse",
        Activity => "ActivityResponse",
        Opportunity => "OpportunityResponse",
        PipelineStage => "StageResponse",
        Product => "ProductResponse",
        PriceList => "PriceListResponse",
        DiscountRule => "DiscountRuleResponse",
        Offer => "OfferResponse",
        SalesOrder => "SalesOrderResponse",
        InvoiceOrder => "InvoiceOrderResponse",
        Invoice => "InvoiceResponse",
        User => "UserResponse",
        Team => "TeamResponse",
        Case => "CaseResponse",
        SlaPolicy => "SlaPolicyResponse",
        Attachment => "AttachmentResponse",
        Contract => "ContractResponse",
        Subscription => "SubscriptionResponse",
        SalesTarget => "SalesTargetResponse",
        // Subscriptions to the feed are not in it; only their test deliveries name them.
        Webhook => return None,
    })
}

/// `{Name}Event` per resource type with its `{Name}Record`, `EventResponse` as their `oneOf`
/// discriminated by `resource_type`, and the `webhooks` section.
pub fn type_the_feed(document: &mut Value) {
    let schemas = document["components"]["schemas"]
        .as_object_mut()
        .expect("schemas are an object");
    let Some(Value::Object(event)) = schemas.remove("EventResponse") else {
        return;
    };
    let mut mapping = Map::new();
    for resource in ResourceType::ALL {
        let Some(read) = read_schema(*resource) else { continue };
        let stem = read.strip_suffix("Response").expect("reads are named …Response");
        let record = format!("{stem}Record");
        let mut form = schemas[read].clone();
        for field in NOT_IN_THE_FEED {
            if let Some(properties) = form["properties"].as_object_mut() {
                properties.remove(*field);
            }
            if let Some(required) = form["required"].as_array_mut() {
                required.retain(|name| name != *field);
            }
        }
        if *resource == ResourceType::Case {
            // The alerts sent so far: the feed's SLA events are changes of this field.
            form["properties"]["sla_alerts"] = json!({
                "type": ["array", "null"],
                "items": {"type": "string"},
                "description": "The SLA alerts raised so far (`first_response.sla_at_risk`, `resolution.sla_breached`, …); null without a policy.",
            });
            form["required"]
                .as_array_mut()
                .expect("required")
                .push(json!("sla_alerts"));
        }
        form["description"] = json!(format!(
            "A {} as the change feed and webhooks carry it: as `GET` shows it, without what is the \
             reader's (`allowed_actions`) or derived from other records.",
            resource.as_str().replace('_', " ")
        ));
        schemas.insert(record.clone(), form);
        let name = format!("{stem}Event");
        schemas.insert(name.clone(), event_form(&event, resource.as_str(), &record));
        mapping.insert(resource.as_str().to_owned(), json!(format!("{SCHEMAS}{name}")));
    }
    let members: Vec<Value> = mapping.values().map(|target| json!({"$ref": target})).collect();
    schemas.insert(
        "EventResponse".to_owned(),
        json!({
            "description": event.get("description").cloned().unwrap_or(Value::Null),
            "oneOf": members,
            "discriminator": {"propertyName": "resource_type", "mapping": mapping},
        }),
    );
    schemas.insert(TEST_EVENT.to_owned(), test_event(&event));
    let resource_types: Vec<Value> = mapping.keys().map(|name| json!(name)).collect();
    name_the_resource_types(document, resource_types);
    document["webhooks"] = json!({ "event": delivery() });
}

/// `/events?resource_type=` takes the feed's resource types, and nothing else (400).
fn name_the_resource_types(document: &mut Value, resource_types: Vec<Value>) {
    let parameters = document
        .pointer_mut("/paths/~1api~1v1~1events/get/parameters")
        .and_then(Value::as_array_mut)
        .expect("the feed's parameters");
    let filter = parameters
        .iter_mut()
        .find(|p| p["name"] == "resource_type")
        .expect("the feed filters by resource_type");
    filter["schema"]["items"] = json!({"type": "string", "enum": resource_types});
}

/// The event's own fields with `resource_type` fixed and `data` the record.
fn event_form(event: &Map<String, Value>, resource_type: &str, record: &str) -> Value {
    let mut form = Value::Object(event.clone());
    form["description"] = json!(format!("A change of a {}.", resource_type.replace('_', " ")));
    form["properties"]["resource_type"] = json!({"type": "string", "const": resource_type});
    form["properties"]["data"] = json!({
        "$ref": format!("{SCHEMAS}{record}"),
        "description": "The record after the change (before it, for a deletion).",
    });
    form
}

fn test_event(event: &Map<String, Value>) -> Value {
    let mut form = Value::Object(event.clone());
    form["description"] =
        json!("What `POST /webhooks/{id}/test` delivers: no change made it, so the feed has no such event.");
    form["properties"]["type"] = json!({"type": "string", "const": domain::webhook::TEST_EVENT});
    form["properties"]["resource_type"] = json!({"type": "string", "const": "webhook"});
    form["properties"]["data"] = json!({
        "type": "object",
        "required": ["webhook_id", "url"],
        "properties": {
            "webhook_id": {"type": "string", "format": "uuid"},
            "url": {"type": "string", "format": "uri"},
        },
    });
    form
}

/// What a receiver gets: a POST of one event, signed.
fn delivery() -> Value {
    let header = |name: &str, description: &str, format: Option<&str>| {
        let mut schema = json!({"type": "string"});
        if let Some(format) = format {
            schema["format"] = json!(format);
        }
        json!({"name": name, "in": "header", "required": true, "description": description, "schema": schema})
    };
    json!({
        "post": {
            "summary": "An event delivered to a subscription's URL",
            "description": "Each event the subscription takes, at least once and in no guaranteed order: \
                a receiver deduplicates by `CRM-Event-Id` (the event's `id`). It verifies \
                `CRM-Signature` before trusting the body, and answers 2xx within 10 s; anything \
                else is retried with backoff for a day.",
            "operationId": "receive_event",
            // The receiver checks the signature; no token of this server is involved.
            "security": [],
            "tags": ["webhooks"],
            "parameters": [
                header(
                    app::delivery::SIGNATURE,
                    "`t=<unix seconds>,v1=<hex HMAC-SHA256 of \"<t>.<body>\" keyed with the subscription's secret>`",
                    None,
                ),
                header(app::delivery::EVENT_TYPE, "The event's `type`", None),
                header(app::delivery::DELIVERY_ID, "This delivery; its retries keep it", Some("uuid")),
                header(app::delivery::EVENT_ID, "The event's `id`; empty for `webhook.test`", None),
            ],
            "requestBody": {
                "required": true,
                "content": {"application/json": {"schema": {"oneOf": [
                    {"$ref": format!("{SCHEMAS}EventResponse")},
                    {"$ref": format!("{SCHEMAS}{TEST_EVENT}")},
                ]}}},
            },
            "responses": {"2XX": {"description": "Taken: the delivery is done"}},
        }
    })
}
