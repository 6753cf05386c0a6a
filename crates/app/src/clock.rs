//! The one clock of the use cases. The domain takes time as a parameter; this is where it comes from.

use chrono::{DateTime, NaiveDate, SubsecRound, Utc};

/// The current time at the precision both databases store (microseconds), so a value returned
/// on create equals the value read back later.
pub fn now() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(6)
}

/// Today in UTC: the day offers expire and invoices fall due by.
pub fn today() -> NaiveDate {
    now().date_naive()
}
