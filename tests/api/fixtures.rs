//! Records the tests start from, made as a client would make them: `app.customer()`,
//! `app.accepted_offer(&party, &lines)`, `app.confirmed_order(&party, &quantities)`.

use reqwest::StatusCode;
use serde_json::{Value, json};

use crate::helpers::{TestApp, id};
use crate::sales_orders::ORDERS;

/// The worked example of domain.md (three lines, two tax rates) and one optional line.
pub fn worked_example_with_an_option() -> Vec<Value> {
    vec![
        json!({"description": "A", "quantity": "3", "unit_price": "19.99", "tax_rate": "20"}),
        json!({"description": "B", "quantity": "2.5", "unit_price": "10.00", "discount_percent": "10", "tax_rate": "20"}),
        json!({"description": "C", "quantity": "7", "unit_price": "1.255", "tax_rate": "7"}),
        json!({"description": "Warranty", "quantity": "1", "unit_price": "100", "tax_rate": "20", "optional": true}),
    ]
}

impl TestApp {
    /// An organization that buys in EUR, pays in 14 days and has a billing address.
    pub async fn customer(&self) -> Value {
        self.post_party(&json!({"kind": "organization", "name": "Acme", "roles": ["customer"], "currency": "EUR",
                                "payment_terms_days": 14,
                                "addresses": [{"kind": "billing", "line1": "Hauptstr. 1", "city": "Berlin", "country": "DE"}]}))
            .await
    }

    /// An offer for `party` with `lines`, sent and accepted without its optional lines.
    pub async fn accepted_offer(&self, party: &Value, lines: &[Value]) -> Value {
        let body = json!({"party_id": id(party), "lines": lines});
        let offer = self.post_expect("/api/v1/offers", &body, StatusCode::CREATED).await;
        for action in ["send", "accept"] {
            let path = format!("/api/v1/offers/{}/{action}", id(&offer));
            assert_eq!(
                self.post_as(&self.admin_token, &path, None).await.status(),
                StatusCode::OK
            );
        }
        self.get_json(&format!("/api/v1/offers/{}", id(&offer))).await
    }

    /// A confirmed direct order of `party` with one line per quantity, at 10.00 and 19 % tax.
    pub async fn confirmed_order(&self, party: &Value, quantities: &[&str]) -> Value {
        let lines: Vec<Value> = quantities
            .iter()
            .map(|q| json!({"description": "Item", "quantity": q, "unit_price": "10.00", "tax_rate": "19"}))
            .collect();
        let body = json!({"party_id": id(party), "lines": lines});
        let order = self.post_expect(ORDERS, &body, StatusCode::CREATED).await;
        let confirmed = self
            .post_as(&self.admin_token, &format!("{ORDERS}/{}/confirm", id(&order)), None)
            .await;
        assert_eq!(confirmed.status(), StatusCode::OK);
        confirmed.json().await.unwrap()
    }
}
