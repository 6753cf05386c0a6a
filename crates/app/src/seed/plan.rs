//! Which record of the sales chain leads to which, and when, so that each generator can name the
//! records of the others without looking them up; and the document numbers drawn meanwhile.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};

use super::Profile;
use super::ids;

/// The seeded opportunities are created up to this many days before the seed's today, so that
/// everything that follows them (offer, order, invoices) lies in the past.
const MARGIN_DAYS: i64 = 45;

/// Which record of the sales chain leads to which, and when.
pub struct Plan {
    opportunities: u64,
    offers: u64,
    orders: u64,
    opportunities_per_offer: u64,
    offers_per_order: u64,
}

impl Plan {
    pub fn of(profile: &Profile) -> Plan {
        Plan {
            opportunities: profile.opportunities,
            offers: profile.offers,
            orders: profile.sales_orders,
            opportunities_per_offer: (profile.opportunities / profile.offers.max(1)).max(1),
            offers_per_order: (profile.offers / profile.sales_orders.max(1)).max(1),
        }
    }

    pub fn opportunity_at(&self, k: u64) -> DateTime<Utc> {
        let span =
            ids::spread(self.opportunities, self.opportunities) - Duration::days(MARGIN_DAYS) - ids::spread(0, 1);
        let step =
            span.num_seconds() * i64::try_from(k).unwrap_or(0) / i64::try_from(self.opportunities.max(1)).unwrap_or(1);
        ids::spread(0, 1) + Duration::seconds(step)
    }

    /// The offer made for opportunity `k`, if any.
    pub fn offer_of(&self, k: u64) -> Option<u64> {
        let o = k / self.opportunities_per_offer;
        (k.is_multiple_of(self.opportunities_per_offer) && o < self.offers).then_some(o)
    }

    /// The opportunity offer `o` was made for.
    pub fn opportunity_of(&self, o: u64) -> u64 {
        o * self.opportunities_per_offer
    }

    /// When offer `o` was made.
    pub fn offer_at(&self, o: u64) -> DateTime<Utc> {
        self.opportunity_at(self.opportunity_of(o)) + Duration::days(2)
    }

    /// The sales order offer `o` was accepted into, if it was.
    pub fn order_of(&self, o: u64) -> Option<u64> {
        let m = o / self.offers_per_order;
        (o.is_multiple_of(self.offers_per_order) && m < self.orders).then_some(m)
    }

    /// When offer `o` was accepted, if it was.
    pub fn accepted_at(&self, o: u64) -> Option<DateTime<Utc>> {
        self.order_of(o).map(|_| self.offer_at(o) + Duration::days(7))
    }

    /// The end of the seed's today: nothing seeded happens later.
    pub fn last_instant() -> DateTime<Utc> {
        ids::spread(1, 1) + Duration::hours(10)
    }
}

/// The last number drawn of each series and year.
#[derive(Default)]
pub struct Numbers(BTreeMap<(&'static str, i32), i64>);

impl Numbers {
    /// The last number drawn of each series and year.
    pub fn last(&self) -> impl Iterator<Item = (&'static str, i32, i64)> + '_ {
        self.0.iter().map(|(&(series, year), &last)| (series, year, last))
    }

    pub fn next(&mut self, series: &'static str, year: i32) -> i64 {
        let last = self.0.entry((series, year)).or_default();
        *last += 1;
        *last
    }
}
