//! Calendar dates and the review durations of soup.toml (`"90d"`, `"12w"`, `"6m"`,
//! `"1y"`). Small enough that a date crate would be more SOUP than it saves.

use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: i32, month: u8, day: u8) -> Option<Self> {
        (1..=12).contains(&month).then_some(())?;
        (day >= 1 && day <= days_in_month(year, month)).then_some(Self { year, month, day })
    }

    pub fn today() -> Self {
        let seconds = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |elapsed| elapsed.as_secs());
        Self::from_days((seconds / 86_400) as i64)
    }

    /// Days since 1970-01-01 (Howard Hinnant's civil-from-days algorithm).
    pub fn days(self) -> i64 {
        let year = i64::from(self.year) - i64::from(self.month <= 2);
        let era = year.div_euclid(400);
        let year_of_era = year - era * 400;
        let month = i64::from(self.month);
        let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
        era * 146_097 + day_of_era - 719_468
    }

    pub fn from_days(days: i64) -> Self {
        let days = days + 719_468;
        let era = days.div_euclid(146_097);
        let day_of_era = days - era * 146_097;
        let year_of_era = (day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
        let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
        let mp = (5 * day_of_year + 2) / 153;
        let day = (day_of_year - (153 * mp + 2) / 5 + 1) as u8;
        let month = if mp < 10 { mp + 3 } else { mp - 9 } as u8;
        let year = (year_of_era + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }

    pub fn plus(self, duration: Duration) -> Self {
        match duration.unit {
            DurationUnit::Days => Self::from_days(self.days() + i64::from(duration.amount)),
            DurationUnit::Weeks => Self::from_days(self.days() + 7 * i64::from(duration.amount)),
            DurationUnit::Months => self.add_months(i64::from(duration.amount)),
            DurationUnit::Years => self.add_months(12 * i64::from(duration.amount)),
        }
    }

    /// Calendar months; the day is clamped to the month's end (Jan 31 + 1m = Feb 28).
    fn add_months(self, months: i64) -> Self {
        let index = i64::from(self.year) * 12 + i64::from(self.month) - 1 + months;
        let year = index.div_euclid(12) as i32;
        let month = (index.rem_euclid(12) + 1) as u8;
        let day = self.day.min(days_in_month(year, month));
        Self { year, month, day }
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Seconds since the Unix epoch as a UTC timestamp, `YYYY-MM-DDTHH:MM:SSZ`.
pub fn timestamp(seconds: u64) -> String {
    let date = Date::from_days((seconds / 86_400) as i64);
    let of_day = seconds % 86_400;
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        of_day / 3600,
        of_day / 60 % 60,
        of_day % 60
    )
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl FromStr for Date {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = || format!("`{text}` is not a date; write it as YYYY-MM-DD, e.g. 2026-09-30");
        let mut parts = text.split('-');
        let (Some(year), Some(month), Some(day), None) = (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(expected());
        };
        if year.len() != 4 || month.len() != 2 || day.len() != 2 {
            return Err(expected());
        }
        let (Ok(year), Ok(month), Ok(day)) = (year.parse(), month.parse(), day.parse()) else {
            return Err(expected());
        };
        Self::new(year, month, day).ok_or_else(|| format!("`{text}` is not a day of the calendar"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DurationUnit {
    Days,
    Weeks,
    Months,
    Years,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Duration {
    pub amount: u32,
    pub unit: DurationUnit,
}

impl fmt::Display for Duration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let unit = match self.unit {
            DurationUnit::Days => 'd',
            DurationUnit::Weeks => 'w',
            DurationUnit::Months => 'm',
            DurationUnit::Years => 'y',
        };
        write!(f, "{}{unit}", self.amount)
    }
}

impl FromStr for Duration {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let expected = || {
            format!("`{text}` is not a duration; write a whole number and a unit: \"90d\", \"12w\", \"6m\" or \"1y\"")
        };
        let split = text
            .len()
            .checked_sub(1)
            .filter(|&at| text.is_char_boundary(at))
            .ok_or_else(expected)?;
        let (amount, unit) = text.split_at(split);
        let unit = match unit {
            "d" => DurationUnit::Days,
            "w" => DurationUnit::Weeks,
            "m" => DurationUnit::Months,
            "y" => DurationUnit::Years,
            _ => return Err(expected()),
        };
        if amount.is_empty() || !amount.bytes().all(|byte| byte.is_ascii_digit()) {
            return Err(expected());
        }
        let amount = amount.parse().map_err(|_| expected())?;
        if amount == 0 {
            return Err(format!("`{text}` is zero; a duration must be at least one day"));
        }
        Ok(Self { amount, unit })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_round_trip_across_eras_and_leap_years() {
        for days in [-800_000, -1, 0, 1, 11_016, 20_000, 60_000, 2_000_000] {
            assert_eq!(Date::from_days(days).days(), days);
        }
        assert_eq!(Date::from_days(0).to_string(), "1970-01-01");
        assert_eq!(
            "2024-02-29".parse::<Date>().unwrap().days() + 1,
            "2024-03-01".parse::<Date>().unwrap().days()
        );
    }

    #[test]
    fn parses_only_real_calendar_dates() {
        assert_eq!(
            "2026-09-30".parse::<Date>().unwrap(),
            Date {
                year: 2026,
                month: 9,
                day: 30
            }
        );
        for bad in [
            "2026-02-29",
            "2026-13-01",
            "2026-9-30",
            "30.09.2026",
            "2026-09-30-1",
            "",
        ] {
            assert!(bad.parse::<Date>().is_err(), "{bad}");
        }
    }

    #[test]
    fn durations_add_calendar_units() {
        let start: Date = "2026-01-31".parse().unwrap();
        assert_eq!(start.plus("90d".parse().unwrap()).to_string(), "2026-05-01");
        assert_eq!(start.plus("2w".parse().unwrap()).to_string(), "2026-02-14");
        assert_eq!(start.plus("1m".parse().unwrap()).to_string(), "2026-02-28");
        assert_eq!(start.plus("1y".parse().unwrap()).to_string(), "2027-01-31");
        for bad in ["90", "d", "9x", "-1d", "0d", "1.5m", "", "é"] {
            assert!(bad.parse::<Duration>().is_err(), "{bad}");
        }
    }
}
