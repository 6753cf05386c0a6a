//! `sales-performance`: per sales representative or team, the deals they closed in a window (won
//! and lost, won amounts per currency, how long a won deal took) and the activities they
//! completed. Targets are measured beside it (`crate::sales_target`).

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rust_decimal::{Decimal, RoundingStrategy};
use uuid::Uuid;

use crate::currency::Currency;

/// A won or lost opportunity as the report reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClosedDeal {
    pub won: bool,
    pub amount: Option<Decimal>,
    pub currency: Option<Currency>,
    pub created_at: DateTime<Utc>,
    pub closed_at: DateTime<Utc>,
}

/// What a group won in one currency.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WonAmount {
    /// Won deals with an amount in the currency.
    pub deals: u64,
    pub amount: Decimal,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PerformanceFigures {
    pub won: u64,
    pub lost: u64,
    /// Per currency; won deals without an amount count in `won` only.
    pub won_amounts: BTreeMap<Currency, WonAmount>,
    pub completed_activities: u64,
    /// Seconds from creation to closing, summed over the won deals.
    seconds_to_win: i64,
}

impl PerformanceFigures {
    pub fn add_deal(&mut self, deal: &ClosedDeal) {
        if !deal.won {
            self.lost += 1;
            return;
        }
        self.won += 1;
        // A deal closed before it was created (clock skew between servers) took no time.
        self.seconds_to_win += (deal.closed_at - deal.created_at).num_seconds().max(0);
        if let (Some(amount), Some(currency)) = (deal.amount, deal.currency) {
            let won = self.won_amounts.entry(currency).or_default();
            won.deals += 1;
            won.amount += amount;
        }
    }

    /// Won deals as a percent of the closed ones, to 2 decimals; none when none closed.
    pub fn win_rate(&self) -> Option<Decimal> {
        let closed = self.won + self.lost;
        (closed > 0).then(|| {
            (Decimal::from(self.won) * Decimal::ONE_HUNDRED / Decimal::from(closed))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        })
    }

    /// The mean time from an opportunity's creation to its winning, in days to 1 decimal; none
    /// when nothing was won.
    pub fn average_days_to_win(&self) -> Option<Decimal> {
        (self.won > 0).then(|| {
            (Decimal::from(self.seconds_to_win) / Decimal::from(self.won * 86_400))
                .round_dp_with_strategy(1, RoundingStrategy::MidpointAwayFromZero)
        })
    }
}

/// Groups are users or teams, by id; which one a record counts for is the caller's to say.
#[derive(Debug, Clone, Default)]
pub struct SalesPerformance {
    pub rows: BTreeMap<Uuid, PerformanceFigures>,
    /// Won amounts per currency over every group.
    pub totals: BTreeMap<Currency, WonAmount>,
}

impl SalesPerformance {
    pub fn add_deal(&mut self, group: Uuid, deal: &ClosedDeal) {
        self.rows.entry(group).or_default().add_deal(deal);
        if let (true, Some(amount), Some(currency)) = (deal.won, deal.amount, deal.currency) {
            let total = self.totals.entry(currency).or_default();
            total.deals += 1;
            total.amount += amount;
        }
    }

    pub fn add_completed_activities(&mut self, group: Uuid, count: u64) {
        self.rows.entry(group).or_default().completed_activities += count;
    }

    /// A group that closed and completed nothing, shown for its targets.
    pub fn include(&mut self, group: Uuid) {
        self.rows.entry(group).or_default();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::{cur, d};

    fn deal(won: bool, amount: Option<(&str, &str)>, days: i64) -> ClosedDeal {
        let created_at = DateTime::<Utc>::UNIX_EPOCH;
        ClosedDeal {
            won,
            amount: amount.map(|(a, _)| d(a)),
            currency: amount.map(|(_, c)| cur(c)),
            created_at,
            closed_at: created_at + chrono::Duration::days(days),
        }
    }

    #[test]
    fn a_group_counts_won_and_lost_deals_and_sums_won_amounts_per_currency() {
        let (alice, bob) = (Uuid::from_u128(1), Uuid::from_u128(2));
        let mut report = SalesPerformance::default();
        report.add_deal(alice, &deal(true, Some(("1000.00", "EUR")), 10));
        report.add_deal(alice, &deal(true, Some(("50.00", "USD")), 20));
        report.add_deal(alice, &deal(true, None, 30));
        report.add_deal(alice, &deal(false, Some(("999.00", "EUR")), 5));
        report.add_deal(bob, &deal(true, Some(("200.00", "EUR")), 3));
        report.add_completed_activities(bob, 4);
        report.include(Uuid::from_u128(3));

        let a = &report.rows[&alice];
        assert_eq!((a.won, a.lost), (3, 1));
        assert_eq!(a.win_rate(), Some(d("75")));
        assert_eq!(a.average_days_to_win(), Some(d("20.0")));
        assert_eq!(
            a.won_amounts[&cur("EUR")],
            WonAmount {
                deals: 1,
                amount: d("1000.00")
            }
        );
        let b = &report.rows[&bob];
        assert_eq!((b.won, b.completed_activities), (1, 4));
        assert_eq!(
            report.totals[&cur("EUR")],
            WonAmount {
                deals: 2,
                amount: d("1200.00")
            }
        );
        let idle = &report.rows[&Uuid::from_u128(3)];
        assert_eq!((idle.win_rate(), idle.average_days_to_win()), (None, None));
    }

    #[test]
    fn rates_and_averages_round_half_away_from_zero() {
        let mut figures = PerformanceFigures::default();
        figures.add_deal(&deal(true, None, 1));
        figures.add_deal(&deal(false, None, 1));
        figures.add_deal(&deal(false, None, 1));
        assert_eq!(figures.win_rate(), Some(d("33.33")));
        let mut figures = PerformanceFigures::default();
        figures.add_deal(&deal(true, None, 1));
        figures.add_deal(&deal(true, None, 2));
        figures.add_deal(&deal(true, None, 2));
        // 5 / 3 = 1.666… days
        assert_eq!(figures.average_days_to_win(), Some(d("1.7")));
    }
}
