//! What every stored record has, whatever its resource: the shared kit of the use cases and the
//! repositories works on it.

use crate::resource::ResourceType;

/// A stored record of a resource: what the use cases' shared kit needs to know of every one.
pub trait Record {
    const TYPE: ResourceType;
    fn id(&self) -> uuid::Uuid;
    /// +1 on each change; the `ETag`.
    fn version(&self) -> i32;
}

/// Each record type with its resource.
macro_rules! records {
    ($($record:ty => $resource:ident),+ $(,)?) => {
        $(impl Record for $record {
            const TYPE: ResourceType = ResourceType::$resource;
            fn id(&self) -> uuid::Uuid {
                self.id
            }
            fn version(&self) -> i32 {
                self.version
            }
        })+
    };
}

records! {
    crate::party::Party => Party,
    crate::activity::Activity => Activity,
    crate::opportunity::Opportunity => Opportunity,
    crate::pipeline::PipelineStage => PipelineStage,
    crate::product::Product => Product,
    crate::pricing::PriceList => PriceList,
    crate::pricing::DiscountRule => DiscountRule,
    crate::offer::Offer => Offer,
    crate::sales_order::SalesOrder => SalesOrder,
    crate::invoice_order::InvoiceOrder => InvoiceOrder,
    crate::invoice::Invoice => Invoice,
    crate::user::User => User,
    crate::team::Team => Team,
    crate::webhook::Webhook => Webhook,
    crate::case::Case => Case,
    crate::case::policy::SlaPolicy => SlaPolicy,
    crate::attachment::Attachment => Attachment,
    crate::contract::Contract => Contract,
    crate::subscription::Subscription => Subscription,
    crate::sales_target::SalesTarget => SalesTarget,
}
