//! The resources of the CRM, in one table: their names in history and events, their paths, and
//! the permissions that read and change them. Everything that lists resources derives from it, so
//! a new resource is one row here, and the compiler finds every `match` that must learn of it.

use crate::access::Permission;

/// A kind of record. Its name (`sales_order`) is how history, the change feed, webhook event
/// types and attachments spell it; its path (`sales-orders`) is its collection under `/api/v1`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ResourceType {
    Party,
    Activity,
    Opportunity,
    PipelineStage,
    Product,
    PriceList,
    DiscountRule,
    Offer,
    SalesOrder,
    InvoiceOrder,
    Invoice,
    User,
    Team,
    Webhook,
    Case,
    SlaPolicy,
    Attachment,
    Contract,
    Subscription,
    SalesTarget,
}

str_enum!(ResourceType {
    Party => "party",
    Activity => "activity",
    Opportunity => "opportunity",
    PipelineStage => "pipeline_stage",
    Product => "product",
    PriceList => "price_list",
    DiscountRule => "discount_rule",
    Offer => "offer",
    SalesOrder => "sales_order",
    InvoiceOrder => "invoice_order",
    Invoice => "invoice",
    User => "user",
    Team => "team",
    Webhook => "webhook",
    Case => "case",
    SlaPolicy => "sla_policy",
    Attachment => "attachment",
    Contract => "contract",
    Subscription => "subscription",
    SalesTarget => "sales_target",
});

impl ResourceType {
    /// The collection's path segment under `/api/v1`.
    pub fn path(self) -> &'static str {
        match self {
            ResourceType::Party => "parties",
            ResourceType::Activity => "activities",
            ResourceType::Opportunity => "opportunities",
            ResourceType::PipelineStage => "pipeline-stages",
            ResourceType::Product => "products",
            ResourceType::PriceList => "price-lists",
            ResourceType::DiscountRule => "discount-rules",
            ResourceType::Offer => "offers",
            ResourceType::SalesOrder => "sales-orders",
            ResourceType::InvoiceOrder => "invoice-orders",
            ResourceType::Invoice => "invoices",
            ResourceType::User => "users",
            ResourceType::Team => "teams",
            ResourceType::Webhook => "webhooks",
            ResourceType::Case => "cases",
            ResourceType::SlaPolicy => "sla-policies",
            ResourceType::Attachment => "attachments",
            ResourceType::Contract => "contracts",
            ResourceType::Subscription => "subscriptions",
            ResourceType::SalesTarget => "sales-targets",
        }
    }

    /// The resource in a sentence: "no sales order with this id".
    pub fn noun(self) -> &'static str {
        match self {
            ResourceType::Party => "party",
            ResourceType::Activity => "activity",
            ResourceType::Opportunity => "opportunity",
            ResourceType::PipelineStage => "pipeline stage",
            ResourceType::Product => "product",
            ResourceType::PriceList => "price list",
            ResourceType::DiscountRule => "discount rule",
            ResourceType::Offer => "offer",
            ResourceType::SalesOrder => "sales order",
            ResourceType::InvoiceOrder => "invoice order",
            ResourceType::Invoice => "invoice",
            ResourceType::User => "user",
            ResourceType::Team => "team",
            ResourceType::Webhook => "webhook",
            ResourceType::Case => "case",
            ResourceType::SlaPolicy => "sla policy",
            ResourceType::Attachment => "attachment",
            ResourceType::Contract => "contract",
            ResourceType::Subscription => "subscription",
            ResourceType::SalesTarget => "sales target",
        }
    }

    /// The URL path of one record: `/api/v1/sales-orders/{id}`.
    pub fn location(self, id: impl std::fmt::Display) -> String {
        format!("/api/v1/{}/{id}", self.path())
    }

    /// Whether its changes are kept in history and are events of the change feed. A webhook
    /// subscription is the feed's consumer, not part of it: its changes would be delivered to itself.
    pub fn has_events(self) -> bool {
        self != ResourceType::Webhook
    }

    /// Whether who sees a record depends on its owner, or its party's owner: the sales records.
    pub fn is_scoped(self) -> bool {
        matches!(
            self,
            ResourceType::Party
                | ResourceType::Activity
                | ResourceType::Opportunity
                | ResourceType::Offer
                | ResourceType::SalesOrder
                | ResourceType::InvoiceOrder
                | ResourceType::Invoice
                | ResourceType::Case
                | ResourceType::Contract
                | ResourceType::Subscription
                // Its user's or team's: what a sales user sees of the figures behind it.
                | ResourceType::SalesTarget
                // Through the record it is attached to.
                | ResourceType::Attachment
        )
    }

    /// Whether files may be attached to its records: the records of the sales chain, cases and
    /// contracts (the signed copy). An attachment is read and changed with the
    /// permissions of its record.
    pub fn takes_attachments(self) -> bool {
        matches!(
            self,
            ResourceType::Party
                | ResourceType::Activity
                | ResourceType::Opportunity
                | ResourceType::Offer
                | ResourceType::SalesOrder
                | ResourceType::Invoice
                | ResourceType::Case
                | ResourceType::Contract
        )
    }

    /// The resources whose records take attachments.
    pub fn with_attachments() -> impl Iterator<Item = ResourceType> {
        Self::ALL
            .iter()
            .copied()
            .filter(|resource| resource.takes_attachments())
    }

    /// The resources of the change feed (`{resource}.{what}`).
    pub fn with_events() -> impl Iterator<Item = ResourceType> {
        Self::ALL.iter().copied().filter(|resource| resource.has_events())
    }

    /// The permission that reads its records (and their history).
    pub fn read_permission(self) -> Permission {
        use Permission as P;
        match self {
            ResourceType::Party => P::ReadParties,
            ResourceType::Activity => P::ReadActivities,
            ResourceType::Opportunity => P::ReadOpportunities,
            ResourceType::PipelineStage => P::ReadPipeline,
            ResourceType::Product => P::ReadProducts,
            ResourceType::PriceList | ResourceType::DiscountRule => P::ReadPricing,
            ResourceType::Offer => P::ReadOffers,
            ResourceType::SalesOrder => P::ReadOrders,
            ResourceType::InvoiceOrder | ResourceType::Invoice => P::ReadInvoices,
            ResourceType::User => P::ManageUsers,
            ResourceType::Team => P::ManageTeams,
            ResourceType::Webhook => P::ManageWebhooks,
            ResourceType::Case | ResourceType::SlaPolicy => P::ReadCases,
            ResourceType::Attachment => P::ReadAttachments,
            ResourceType::Contract | ResourceType::Subscription => P::ReadContracts,
            ResourceType::SalesTarget => P::ReadReports,
        }
    }

    /// The permission that creates or replaces its records by external id: for the records sales
    /// users write, only roles that see every record (see [`Permission::UpsertSalesRecords`]).
    pub fn upsert_permission(self) -> Permission {
        match self {
            ResourceType::Party
            | ResourceType::Offer
            | ResourceType::SalesOrder
            | ResourceType::Case
            | ResourceType::Contract
            | ResourceType::Subscription => Permission::UpsertSalesRecords,
            _ => self.write_permission(),
        }
    }

    /// The permission that creates and changes its records.
    pub fn write_permission(self) -> Permission {
        use Permission as P;
        match self {
            ResourceType::Party => P::WriteParties,
            ResourceType::Activity => P::WriteActivities,
            ResourceType::Opportunity => P::WriteOpportunities,
            ResourceType::PipelineStage => P::ManagePipeline,
            ResourceType::Product => P::WriteProducts,
            ResourceType::PriceList | ResourceType::DiscountRule => P::ManagePricing,
            ResourceType::Offer => P::WriteOffers,
            ResourceType::SalesOrder => P::WriteOrders,
            ResourceType::InvoiceOrder | ResourceType::Invoice => P::WriteInvoices,
            ResourceType::User => P::ManageUsers,
            ResourceType::Team => P::ManageTeams,
            ResourceType::Webhook => P::ManageWebhooks,
            ResourceType::Case => P::WriteCases,
            ResourceType::SlaPolicy => P::ManageSla,
            ResourceType::Attachment => P::WriteAttachments,
            ResourceType::Contract | ResourceType::Subscription => P::WriteContracts,
            ResourceType::SalesTarget => P::ManageTargets,
        }
    }
}

impl std::fmt::Display for ResourceType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths_are_unique_and_round_trip() {
        let mut paths = std::collections::HashSet::new();
        for resource in ResourceType::ALL {
            assert_eq!(ResourceType::parse(resource.as_str()), Some(*resource));
            assert!(paths.insert(resource.path()), "{resource}: path used twice");
            assert_eq!(resource.noun().replace(' ', "_"), resource.as_str());
        }
    }

    #[test]
    fn every_resource_but_webhooks_is_in_the_feed() {
        let evented: Vec<_> = ResourceType::with_events().collect();
        assert_eq!(evented.len(), ResourceType::ALL.len() - 1);
        assert!(!evented.contains(&ResourceType::Webhook));
    }
}
