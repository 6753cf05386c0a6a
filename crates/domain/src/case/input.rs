//! What a client asks a case to be, and the checks that need no stored record.

use uuid::Uuid;

use super::{CasePriority, Channel};
use crate::document::EXTERNAL_ID_MAX;
use crate::text;
use crate::validation::ValidationErrors;

pub const SUBJECT_MAX: usize = 200;
pub const DESCRIPTION_MAX: usize = 20_000;

/// A case's content after every rule held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseFields {
    pub subject: String,
    pub description: Option<String>,
    /// The customer: who sees the case follows from who sees the party.
    pub party_id: Uuid,
    /// A contact person of the party.
    pub contact_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    /// The related document: at most one of these.
    pub sales_order_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    pub priority: CasePriority,
    pub channel: Channel,
    pub team_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub external_id: Option<String>,
}

/// A case as the client sent it, before any rule was checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CaseInput {
    pub subject: String,
    pub description: Option<String>,
    pub party_id: Uuid,
    pub contact_id: Option<Uuid>,
    pub product_id: Option<Uuid>,
    pub sales_order_id: Option<Uuid>,
    pub invoice_id: Option<Uuid>,
    pub priority: Option<CasePriority>,
    pub channel: Option<Channel>,
    pub team_id: Option<Uuid>,
    pub assignee_id: Option<Uuid>,
    pub external_id: Option<String>,
}

impl CaseInput {
    /// A minimal input: everything else takes its default.
    pub fn new(subject: impl Into<String>, party_id: Uuid) -> Self {
        Self {
            subject: subject.into(),
            description: None,
            party_id,
            contact_id: None,
            product_id: None,
            sales_order_id: None,
            invoice_id: None,
            priority: None,
            channel: None,
            team_id: None,
            assignee_id: None,
            external_id: None,
        }
    }

    /// Checks every rule that needs no stored record and reports all broken ones.
    pub fn validate(self) -> Result<CaseFields, ValidationErrors> {
        let mut errors = ValidationErrors::new();
        let subject = errors.check("subject", text::required(&self.subject, SUBJECT_MAX));
        let description = errors.check(
            "description",
            text::optional_multiline(self.description.as_deref(), DESCRIPTION_MAX),
        );
        let external_id = errors.check(
            "external_id",
            text::optional(self.external_id.as_deref(), EXTERNAL_ID_MAX),
        );
        if self.sales_order_id.is_some() && self.invoice_id.is_some() {
            errors.add(
                "invoice_id",
                "one_related_document",
                "a case relates to at most one document: a sales order or an invoice",
            );
        }
        errors.finish(|| CaseFields {
            subject: subject.unwrap_or_default(),
            description: description.flatten(),
            party_id: self.party_id,
            contact_id: self.contact_id,
            product_id: self.product_id,
            sales_order_id: self.sales_order_id,
            invoice_id: self.invoice_id,
            priority: self.priority.unwrap_or(CasePriority::Normal),
            channel: self.channel.unwrap_or(Channel::Other),
            team_id: self.team_id,
            assignee_id: self.assignee_id,
            external_id: external_id.flatten(),
        })
    }
}

impl From<CaseFields> for CaseInput {
    /// The input that would produce these fields again: the base a patch is applied to.
    fn from(f: CaseFields) -> Self {
        Self {
            subject: f.subject,
            description: f.description,
            party_id: f.party_id,
            contact_id: f.contact_id,
            product_id: f.product_id,
            sales_order_id: f.sales_order_id,
            invoice_id: f.invoice_id,
            priority: Some(f.priority),
            channel: Some(f.channel),
            team_id: f.team_id,
            assignee_id: f.assignee_id,
            external_id: f.external_id,
        }
    }
}
