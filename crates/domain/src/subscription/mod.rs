//! Subscriptions: recurring billing on a schedule of periods.

pub mod period;
