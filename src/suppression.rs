//! The suppression data the graph carries: what a user silenced, where, why and until when.
//! [`crate::suppress`] reads suppressions from comments and metadata and applies them; this
//! module only holds the types, so the graph depends on nothing above it.

use std::fmt;
use std::ops::Range;

use crate::source::Span;

/// Where a suppression is written, which decides what it covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Placement {
    /// CloudFormation `Metadata.iaclint.ignore` of a resource: every finding about the resource.
    Metadata,
    /// A comment on its own line directly above a resource: every finding about the resource.
    Above,
    /// A comment at the end of a line: findings whose primary label starts on that line.
    Line,
}

/// A calendar date (proleptic Gregorian), for `until=`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    /// Year.
    pub year: i32,
    /// Month, 1-12.
    pub month: u32,
    /// Day, 1-31.
    pub day: u32,
}

impl Date {
    /// Parses `YYYY-MM-DD` strictly (a real date, zero-padded).
    pub fn parse(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let digits = |r: Range<usize>| {
            s.get(r.clone())
                .filter(|p| p.bytes().all(|c| c.is_ascii_digit()))
                .and_then(|p| p.parse::<u32>().ok())
        };
        let (year, month, day) = (digits(0..4)?, digits(5..7)?, digits(8..10)?);
        let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
        let days_in_month = match month {
            1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
            4 | 6 | 9 | 11 => 30,
            2 if leap => 29,
            2 => 28,
            _ => return None,
        };
        (1..=days_in_month).contains(&day).then_some(Date {
            year: year as i32,
            month,
            day,
        })
    }

    /// The date `days` days after 1970-01-01 (Howard Hinnant's `civil_from_days`).
    pub fn from_days_since_epoch(days: i64) -> Date {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u32;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Date { year, month, day }
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

/// "Do not report `rule` here, because `reason`" (until `until`, when given).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Suppression {
    /// The rule id it silences.
    pub rule: String,
    /// Why (required).
    pub reason: String,
    /// Last day it applies, when given; after it the suppression is reported and ignored.
    pub until: Option<Date>,
    /// How it is written, which decides what it covers.
    pub placement: Placement,
    /// Where it is written (the whole comment, or the `ignore` entry).
    pub span: Option<Span>,
}

impl Suppression {
    /// True when `until` is before `today`.
    pub fn expired(&self, today: Date) -> bool {
        self.until.is_some_and(|u| u < today)
    }
}

/// A suppression that cannot be used as written: reported as `invalid-suppression`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invalid {
    /// Where it is written.
    pub span: Span,
    /// What is wrong, and how to write it.
    pub message: String,
    /// The resource it is attached to, when known.
    pub resource: String,
}
