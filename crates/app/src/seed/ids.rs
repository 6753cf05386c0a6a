//! Where the seed's determinism comes from: each record's own generator and id, from its kind and
//! index alone.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use rand::SeedableRng;
use rand::rngs::StdRng;
use uuid::Uuid;

use super::{FIRST_DAY, SEED_TODAY};

/// The kinds of seeded records: each draws from its own stream.
#[derive(Debug, Clone, Copy)]
#[repr(u8)]
pub enum Kind {
    Team = 1,
    User,
    Product,
    Organization,
    Contact,
    Opportunity,
    Activity,
    Offer,
    SalesOrder,
    InvoiceOrder,
    Invoice,
    Line,
    Payment,
    SlaPolicy,
    Case,
    SalesTarget,
}

/// The generator of record `index` of `kind`.
pub fn rng(kind: Kind, index: u64) -> StdRng {
    StdRng::seed_from_u64((kind as u64) << 56 ^ index.wrapping_mul(0x9E37_79B9_7F4A_7C15))
}

/// The id of record `index` of `kind`, created `at`: a UUID v7 of that instant (ids sort by
/// creation, as live ones do) whose other bits are the kind and index, so it is the same on every run.
pub fn id(kind: Kind, index: u64, at: DateTime<Utc>) -> Uuid {
    let millis = u64::try_from(at.timestamp_millis()).unwrap_or(0);
    let mut tail = [0u8; 10];
    tail[0] = kind as u8;
    tail[2..].copy_from_slice(&index.to_be_bytes());
    uuid::Builder::from_unix_timestamp_millis(millis, &tail).into_uuid()
}

/// The id of the `n`th line (or payment) of a document: the document's index and `n` in one.
pub fn part_id(kind: Kind, document: u64, n: u64, at: DateTime<Utc>) -> Uuid {
    id(kind, document << 12 | n, at)
}

pub fn first_day() -> NaiveDate {
    let (y, m, d) = FIRST_DAY;
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid day")
}

pub fn today() -> NaiveDate {
    let (y, m, d) = SEED_TODAY;
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid day")
}

/// The instant `index` of `count` spread evenly over the seeded time, at office hours' start.
pub fn spread(index: u64, count: u64) -> DateTime<Utc> {
    let start = Utc.from_utc_datetime(&first_day().and_hms_opt(8, 0, 0).expect("a valid time"));
    let span = (today() - first_day()).num_seconds();
    let span = u128::try_from(span).unwrap_or(0);
    let offset = i64::try_from(u128::from(index) * span / u128::from(count.max(1))).unwrap_or(0);
    start + Duration::seconds(offset)
}

/// The index, among `count` records spread like [`spread`], of one made before record `index` of
/// `of` (what a record refers to existed before it): drawn from `rng`.
pub fn earlier(rng: &mut StdRng, index: u64, of: u64, count: u64) -> u64 {
    use rand::Rng;
    let before = u64::try_from(u128::from(index) * u128::from(count) / u128::from(of.max(1))).unwrap_or(u64::MAX);
    rng.random_range(0..before.clamp(1, count.max(1)))
}

/// Item `n` of `items`, counted round: the `n % len`th.
pub fn nth<T>(items: &[T], n: u64) -> &T {
    let len = u64::try_from(items.len()).unwrap_or(u64::MAX).max(1);
    &items[usize::try_from(n % len).unwrap_or(0)]
}

/// `n` as a count of things in memory (the seed's counts fit in any `usize` it runs on).
pub fn size(n: u64) -> usize {
    usize::try_from(n).unwrap_or(usize::MAX)
}

/// `n` as a signed count of minutes or days.
pub fn signed(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}
