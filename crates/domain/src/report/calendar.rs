//! Calendar periods a report groups by: the month, quarter or year a day falls in.

use chrono::{Datelike, NaiveDate};

use super::Window;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Calendar {
    Month,
    Quarter,
    Year,
}

str_enum!(Calendar {
    Month => "month",
    Quarter => "quarter",
    Year => "year",
});

/// One month, quarter or year, named by its first day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Period {
    pub calendar: Calendar,
    pub start: NaiveDate,
}

impl Calendar {
    /// The period `day` falls in.
    pub fn period_of(self, day: NaiveDate) -> Period {
        let first_month = match self {
            Calendar::Month => day.month(),
            Calendar::Quarter => (day.month0() / 3) * 3 + 1,
            Calendar::Year => 1,
        };
        let start = NaiveDate::from_ymd_opt(day.year(), first_month, 1).expect("the first of a month exists");
        Period { calendar: self, start }
    }

    fn months(self) -> u32 {
        match self {
            Calendar::Month => 1,
            Calendar::Quarter => 3,
            Calendar::Year => 12,
        }
    }
}

impl Period {
    /// Its first and last day.
    pub fn window(self) -> Window {
        let next = self
            .start
            .checked_add_months(chrono::Months::new(self.calendar.months()))
            .unwrap_or(NaiveDate::MAX);
        let last = next.pred_opt().unwrap_or(next);
        Window {
            from: self.start,
            to: last,
        }
    }

    /// `2026-03`, `2026-Q1`, `2026`.
    pub fn label(self) -> String {
        let year = self.start.year();
        match self.calendar {
            Calendar::Month => format!("{year}-{:02}", self.start.month()),
            Calendar::Quarter => format!("{year}-Q{}", self.start.month0() / 3 + 1),
            Calendar::Year => format!("{year}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixtures::day;

    #[test]
    fn a_day_falls_in_its_month_quarter_and_year() {
        let cases = [
            (Calendar::Month, "2024-02-29", "2024-02", "2024-02-01", "2024-02-29"),
            (Calendar::Month, "2026-12-31", "2026-12", "2026-12-01", "2026-12-31"),
            (Calendar::Quarter, "2026-01-01", "2026-Q1", "2026-01-01", "2026-03-31"),
            (Calendar::Quarter, "2026-06-30", "2026-Q2", "2026-04-01", "2026-06-30"),
            (Calendar::Quarter, "2026-11-15", "2026-Q4", "2026-10-01", "2026-12-31"),
            (Calendar::Year, "2026-07-04", "2026", "2026-01-01", "2026-12-31"),
        ];
        for (calendar, on, label, first, last) in cases {
            let period = calendar.period_of(day(on));
            assert_eq!(period.label(), label, "{on}");
            assert_eq!(
                period.window(),
                Window {
                    from: day(first),
                    to: day(last)
                },
                "{on}"
            );
        }
    }
}
