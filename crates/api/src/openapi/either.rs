//! Bodies that make a record in one of several ways (an order from an offer, or a direct one) are
//! a `oneOf` with one schema per way: a generated client offers each way with only its fields,
//! and a body that mixes them is invalid before it is sent (the server answers it with a 422).
//!
//! The DTO stays one struct, as the handler tells the ways apart; each way here names its fields
//! and the ones it requires, and takes their schemas from the struct's.

use serde_json::{Map, Value, json};

/// One way of making the record: a schema of its own, named `name`.
struct Way {
    name: &'static str,
    description: &'static str,
    fields: Fields,
    required: &'static [&'static str],
}

enum Fields {
    Only(&'static [&'static str]),
    AllBut(&'static [&'static str]),
}

use Fields::{AllBut, Only};

/// Each either/or body and its ways.
const EITHER_OR: &[(&str, &[Way])] = &[
    (
        "SalesOrderBody",
        &[
            Way {
                name: "SalesOrderFromOfferBody",
                description: "Converts an accepted offer: the order is the offer's, its counted lines linked to their offer lines (an offer converts once).",
                fields: Only(&["offer_id", "external_id"]),
                required: &["offer_id"],
            },
            Way {
                name: "DirectSalesOrderBody",
                description: "A direct order for a party, its lines completed and priced like an offer's.",
                fields: AllBut(&["offer_id"]),
                required: &["party_id"],
            },
        ],
    ),
    (
        "InvoiceOrderBody",
        &[
            Way {
                name: "InvoiceOrderOfAnOrderBody",
                description: "Everything that remains to be invoiced of one confirmed sales order.",
                fields: Only(&["sales_order_id"]),
                required: &["sales_order_id"],
            },
            Way {
                name: "InvoiceOrderOfLinesBody",
                description: "Quantities of sales order lines: of the order named, or of several confirmed orders of one party and currency.",
                fields: Only(&["sales_order_id", "lines"]),
                required: &["lines"],
            },
        ],
    ),
    (
        "InvoiceBody",
        &[
            Way {
                name: "InvoiceFromInvoiceOrderBody",
                description: "Invoices an open invoice order, which becomes `invoiced`.",
                fields: Only(&["invoice_order_id", "external_id"]),
                required: &["invoice_order_id"],
            },
            Way {
                name: "CreditNoteBody",
                description: "A credit note of an issued invoice: the lines named, or everything left to credit.",
                fields: Only(&["credits_invoice_id", "lines", "external_id"]),
                required: &["credits_invoice_id"],
            },
            Way {
                name: "DirectInvoiceBody",
                description: "A direct invoice for a party.",
                fields: AllBut(&["invoice_order_id", "credits_invoice_id"]),
                required: &["party_id"],
            },
        ],
    ),
];

/// Replaces each either/or body by a `oneOf` of its ways.
pub fn split_either_or_bodies(document: &mut Value) {
    let Some(schemas) = document
        .pointer_mut("/components/schemas")
        .and_then(Value::as_object_mut)
    else {
        return;
    };
    for (body, ways) in EITHER_OR {
        let whole = schemas
            .get(*body)
            .unwrap_or_else(|| panic!("{body} is not a schema of the document"))
            .clone();
        let properties = whole["properties"].as_object().cloned().unwrap_or_default();
        let mut refs = Vec::new();
        for way in *ways {
            let fields: Map<String, Value> = properties
                .iter()
                .filter(|(name, _)| match way.fields {
                    Only(names) => names.contains(&name.as_str()),
                    AllBut(names) => !names.contains(&name.as_str()),
                })
                .map(|(name, schema)| {
                    let required = way.required.contains(&name.as_str());
                    (name.clone(), if required { non_null(schema) } else { schema.clone() })
                })
                .collect();
            let named = match way.fields {
                Only(names) | AllBut(names) => names,
            };
            for name in way.required.iter().chain(named) {
                assert!(
                    properties.contains_key(*name),
                    "{} names {name}, which {body} does not have",
                    way.name
                );
            }
            schemas.insert(
                way.name.to_owned(),
                json!({
                    "type": "object",
                    "description": way.description,
                    "properties": fields,
                    "required": way.required,
                    "additionalProperties": false,
                }),
            );
            refs.push(json!({"$ref": format!("#/components/schemas/{}", way.name)}));
        }
        schemas.insert(
            (*body).to_owned(),
            json!({"description": whole["description"], "oneOf": refs}),
        );
    }
}

/// `schema` without `null` among its values: a field a way requires must carry one.
fn non_null(schema: &Value) -> Value {
    let mut schema = schema.clone();
    if let Some(types) = schema["type"].as_array() {
        let types: Vec<Value> = types.iter().filter(|t| *t != "null").cloned().collect();
        schema["type"] = match types.as_slice() {
            [one] => one.clone(),
            _ => Value::Array(types),
        };
    }
    if let Some(alternatives) = schema["oneOf"].as_array() {
        let alternatives: Vec<&Value> = alternatives.iter().filter(|a| a["type"] != "null").collect();
        if let [one] = alternatives.as_slice() {
            let one = (*one).clone();
            let object = schema.as_object_mut().expect("a schema is an object");
            object.remove("oneOf");
            object.extend(one.as_object().cloned().unwrap_or_default());
        }
    }
    schema
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_way_keeps_its_fields_and_requires_its_own() {
        let mut document = json!({"components": {"schemas": {
            "SalesOrderBody": {"type": "object", "description": "A new order.", "additionalProperties": false,
                "properties": {"offer_id": {"type": ["string", "null"]}, "external_id": {"type": ["string", "null"]},
                               "party_id": {"type": "string"}, "lines": {"type": "array"}}},
            "InvoiceOrderBody": {"type": "object", "properties": {"sales_order_id": {}, "lines": {}}},
            "InvoiceBody": {"type": "object", "properties": {"invoice_order_id": {}, "credits_invoice_id": {},
                "party_id": {}, "lines": {}, "external_id": {}}},
        }}});
        split_either_or_bodies(&mut document);
        let schemas = &document["components"]["schemas"];
        assert_eq!(
            schemas["SalesOrderBody"]["oneOf"],
            json!([{"$ref": "#/components/schemas/SalesOrderFromOfferBody"},
                   {"$ref": "#/components/schemas/DirectSalesOrderBody"}])
        );
        let direct = &schemas["DirectSalesOrderBody"];
        let fields: Vec<&String> = direct["properties"].as_object().unwrap().keys().collect();
        assert_eq!(fields, ["external_id", "lines", "party_id"]);
        assert_eq!(direct["required"], json!(["party_id"]));
        assert_eq!(direct["additionalProperties"], false);
        assert_eq!(schemas["SalesOrderBody"]["description"], "A new order.");
        let from_offer = &schemas["SalesOrderFromOfferBody"]["properties"];
        assert_eq!(from_offer["offer_id"]["type"], "string", "required, so never null");
        assert_eq!(from_offer["external_id"]["type"], json!(["string", "null"]));
    }
}
