//! Promotion windows: weekly allow windows and absolute or weekly deny windows in an IANA zone.
//!
//! A weekly window is read off the wall clock of its zone: an instant lies in "mon 09:00–17:00"
//! when the clocks of the zone read a Monday between 09:00 and 17:00 at that instant. So on the
//! day the clocks skip 02:00–03:00, a window from 02:30 opens at 03:00 (the first instant whose
//! wall time is past 02:30), and on the day they repeat 01:00–02:00, a window over that hour is
//! open during both. Absolute deny windows are instants, half-open `[from, to)`. Deny wins.
//!
//! [`Windows::next_allowed`] walks from `now` over the instants where the answer can change —
//! the zone's transitions, each window edge of the days around, the ends of absolute windows —
//! so it is exact to the nanosecond and never skips an allowed instant.

use crate::error::{Error, Result};
use crate::gates::instant::{format_rfc3339, weekday, Instant, Timestamp, DAY};
use crate::gates::zone::{tzdb_version, Zone};
use crate::input::{into_object, into_string, into_strings, reject_unknown, take_optional, take_required};
use crate::pointer::{child, index};
use crate::value::{Map, Value};

/// The days of the week, Monday first, as written in a policy.
pub const DAYS: [&str; 7] = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"];

/// How far past `now` (or past the last absolute deny window) `nextAllowedAt` is searched.
const HORIZON_DAYS: i64 = 400;

/// A bound on the steps of the search, whatever the windows (each step crosses one edge of a
/// window, a transition of the zone or an end of an absolute window).
const MAX_STEPS: usize = 1_000_000;

/// A weekly window: some days of the week, from a local time to another (past midnight when
/// `to` ≤ `from`; `to` = `from` is 24 hours).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WeeklyWindow {
    /// One bit per day, Monday = bit 0.
    pub days: u8,
    /// Minutes after local midnight.
    pub from: u16,
    /// Minutes after local midnight.
    pub to: u16,
}

impl WeeklyWindow {
    /// Whether a wall-clock reading (days since 1970-01-01, minute of the day) lies in the window.
    pub fn contains(&self, day: i64, minute: u16) -> bool {
        let on = |d: i64| self.days & (1 << weekday(d)) != 0;
        if self.from < self.to {
            on(day) && (self.from..self.to).contains(&minute)
        } else {
            (on(day) && minute >= self.from) || (on(day - 1) && minute < self.to)
        }
    }

    fn read(value: Value, path: &str, with_reason: bool) -> Result<(WeeklyWindow, Option<String>)> {
        let mut map = into_object(value, path, "a weekly window")?;
        let fields: &[&str] = if with_reason { &["days", "from", "to", "reason"] } else { &["days", "from", "to"] };
        reject_unknown(&map, fields, path, "A weekly window")?;
        let days_path = child(path, "days");
        let names = into_strings(take_required(&mut map, "days", path, "The days of the window")?, &days_path, "days")?;
        if names.is_empty() {
            return Err(Error::invalid_input(&days_path, "A window needs at least one day, e.g. [\"mon\"]."));
        }
        let mut days = 0u8;
        for (i, name) in names.iter().enumerate() {
            let day = DAYS.iter().position(|d| d.eq_ignore_ascii_case(name)).ok_or_else(|| {
                Error::invalid_input(
                    index(&days_path, i),
                    format!("\"{name}\" is not a day; use mon, tue, wed, thu, fri, sat or sun."),
                )
            })?;
            days |= 1 << day;
        }
        let from =
            read_clock(take_required(&mut map, "from", path, "The window's start (from)")?, &child(path, "from"))?;
        let to = read_clock(take_required(&mut map, "to", path, "The window's end (to)")?, &child(path, "to"))?;
        let reason = read_reason(&mut map, path)?;
        Ok((WeeklyWindow { days, from, to }, reason))
    }

    fn to_value(self, reason: Option<&String>) -> Value {
        let days = DAYS
            .iter()
            .enumerate()
            .filter(|(i, _)| self.days & (1 << i) != 0)
            .map(|(_, d)| Value::String((*d).to_owned()))
            .collect();
        let mut map = Map::new();
        map.insert("days".into(), Value::Array(days));
        map.insert("from".into(), Value::String(clock(self.from)));
        map.insert("to".into(), Value::String(clock(self.to)));
        if let Some(reason) = reason {
            map.insert("reason".into(), Value::String(reason.clone()));
        }
        Value::Object(map)
    }
}

/// When a deny window closes the environment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DenySpan {
    /// Every week.
    Weekly(WeeklyWindow),
    /// Once: `[from, to)`.
    Absolute {
        /// The first instant denied.
        from: Timestamp,
        /// The first instant allowed again.
        to: Timestamp,
    },
}

/// A deny window and why it exists (e.g. "year-end freeze").
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DenyWindow {
    /// When.
    pub span: DenySpan,
    /// Why, as the policy says it.
    pub reason: Option<String>,
}

/// The promotion windows of a gate, with the zone they are read in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Windows {
    /// The zone's canonical IANA name, e.g. `Europe/Rome`.
    pub time_zone: String,
    zone: Zone,
    /// Weekly allow windows; `None` allows every time.
    pub allow: Option<Vec<WeeklyWindow>>,
    /// Deny windows; deny wins over allow.
    pub deny: Vec<DenyWindow>,
    /// Every `from` and `to` of the weekly windows, sorted: where the wall clock can open or close.
    edges: Vec<u16>,
}

/// Whether the windows are open at an instant, and which deny window closes them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WindowState<'a> {
    /// Promotions may happen now.
    pub open: bool,
    /// The reason of the deny window that closes them, if one does and says why.
    pub reason: Option<&'a str>,
}

impl Windows {
    /// Reads `{ timeZone, allow?, deny? }`; `path` is its pointer in the policy.
    pub fn from_value(value: Value, path: &str) -> Result<Windows> {
        let mut map = into_object(value, path, "the windows")?;
        reject_unknown(&map, &["timeZone", "allow", "deny"], path, "The windows")?;
        let zone_path = child(path, "timeZone");
        let name = into_string(
            take_required(&mut map, "timeZone", path, "The windows' time zone")?,
            &zone_path,
            "a time zone",
        )?;
        let zone = Zone::find(&name).ok_or_else(|| {
            Error::invalid_input(
                &zone_path,
                format!(
                    "\"{name}\" is not a time zone of the IANA database {}; use a name such as Europe/Rome.",
                    tzdb_version()
                ),
            )
        })?;
        let allow = match take_optional(&mut map, "allow") {
            None => None,
            Some(list) => {
                let allow_path = child(path, "allow");
                let entries = into_array(list, &allow_path, "allow windows")?;
                if entries.is_empty() {
                    return Err(Error::invalid_input(
                        allow_path,
                        "An empty allow list would close the environment for good; remove allow to allow every time.",
                    ));
                }
                let mut windows = Vec::with_capacity(entries.len());
                for (i, entry) in entries.into_iter().enumerate() {
                    windows.push(WeeklyWindow::read(entry, &index(&allow_path, i), false)?.0);
                }
                Some(windows)
            }
        };
        let deny_path = child(path, "deny");
        let mut deny = Vec::new();
        if let Some(list) = take_optional(&mut map, "deny") {
            for (i, entry) in into_array(list, &deny_path, "deny windows")?.into_iter().enumerate() {
                deny.push(read_deny(entry, &index(&deny_path, i))?);
            }
        }
        let mut edges: Vec<u16> = allow
            .iter()
            .flatten()
            .chain(deny.iter().filter_map(|d| match &d.span {
                DenySpan::Weekly(w) => Some(w),
                DenySpan::Absolute { .. } => None,
            }))
            .flat_map(|w| [w.from, w.to])
            .collect();
        crate::sorting::sort_by(&mut edges, |a, b| a < b);
        edges.dedup();
        Ok(Windows { time_zone: zone.name.clone(), zone, allow, deny, edges })
    }

    /// The normalised JSON: canonical zone name, days in week order, absolute instants in UTC.
    pub fn to_value(&self) -> Value {
        let mut map = Map::new();
        map.insert("timeZone".into(), Value::String(self.time_zone.clone()));
        if let Some(allow) = &self.allow {
            map.insert("allow".into(), Value::Array(allow.iter().map(|w| w.to_value(None)).collect()));
        }
        let deny = self
            .deny
            .iter()
            .map(|d| match d.span {
                DenySpan::Weekly(w) => w.to_value(d.reason.as_ref()),
                DenySpan::Absolute { from, to } => {
                    let mut map = Map::new();
                    map.insert("from".into(), Value::String(format_rfc3339(from, 0)));
                    map.insert("to".into(), Value::String(format_rfc3339(to, 0)));
                    if let Some(reason) = &d.reason {
                        map.insert("reason".into(), Value::String(reason.clone()));
                    }
                    Value::Object(map)
                }
            })
            .collect();
        map.insert("deny".into(), Value::Array(deny));
        Value::Object(map)
    }

    /// The wall clock of the zone at `t`: days since 1970-01-01 and minute of the day.
    pub fn wall_clock(&self, t: Timestamp) -> (i64, u16) {
        let local = t.as_second() + i64::from(self.offset_at(t));
        (local.div_euclid(DAY), (local.rem_euclid(DAY) / 60) as u16)
    }

    /// The offset of the zone at `t`, in seconds east of UTC.
    pub fn offset_at(&self, t: Timestamp) -> i32 {
        self.zone.offset_at(t.as_second())
    }

    /// `t` as RFC 3339 in the zone's offset at that instant.
    pub fn format(&self, t: Timestamp) -> String {
        format_rfc3339(t, self.offset_at(t))
    }

    /// Whether promotions may happen at `t`.
    pub fn state(&self, t: Timestamp) -> WindowState<'_> {
        let (day, minute) = self.wall_clock(t);
        let denied = self.deny.iter().find(|d| match d.span {
            DenySpan::Weekly(w) => w.contains(day, minute),
            DenySpan::Absolute { from, to } => from <= t && t < to,
        });
        if let Some(deny) = denied {
            return WindowState { open: false, reason: deny.reason.as_deref() };
        }
        let allowed = self.allow.as_ref().is_none_or(|allow| allow.iter().any(|w| w.contains(day, minute)));
        WindowState { open: allowed, reason: None }
    }

    /// The first instant at or after `now` at which promotions may happen; `None` when the
    /// windows stay closed for 400 days past `now` and past every absolute window.
    pub fn next_allowed(&self, now: Timestamp) -> Option<Timestamp> {
        let last_end = self.absolute().map(|(_, to)| to).max().map_or(now, |to| to.max(now));
        let horizon = last_end.as_second().saturating_add(HORIZON_DAYS * DAY);
        let mut t = now;
        for _ in 0..MAX_STEPS {
            // Inside an absolute deny window nothing opens before its end.
            if let Some(end) = self.absolute().filter(|&(from, to)| from <= t && t < to).map(|(_, to)| to).max() {
                t = end;
                continue;
            }
            if self.state(t).open {
                return Some(t);
            }
            t = self.next_edge(t)?;
            if t.as_second() > horizon {
                return None;
            }
        }
        None
    }

    fn absolute(&self) -> impl Iterator<Item = (Timestamp, Timestamp)> + '_ {
        self.deny.iter().filter_map(|d| match d.span {
            DenySpan::Absolute { from, to } => Some((from, to)),
            DenySpan::Weekly(_) => None,
        })
    }

    /// The first instant after `t` at which the state may change.
    fn next_edge(&self, t: Timestamp) -> Option<Timestamp> {
        let mut best: Option<Timestamp> = None;
        let mut consider = |c: Timestamp| {
            if c > t && best.is_none_or(|b| c < b) {
                best = Some(c);
            }
        };
        if let Some(transition) = self.zone.next_transition(t.as_second()).and_then(|s| Timestamp::new(s, 0)) {
            consider(transition);
        }
        for (from, to) in self.absolute() {
            consider(from);
            consider(to);
        }
        // The next window edge on the wall clock: the first edge after the current minute today,
        // else the first one of a following day. An edge the clocks skip (a gap) has no instant:
        // the next one is taken. An edge the clocks read again after a backward transition is
        // reached through that transition, itself a candidate, from which the walk goes on.
        let (day, minute) = self.wall_clock(t);
        let later_today = self.edges.partition_point(|&edge| edge <= minute);
        let upcoming = self
            .edges
            .get(later_today..)
            .into_iter()
            .flatten()
            .map(|&edge| (day, edge))
            .chain((1..=3).flat_map(|ahead| self.edges.iter().map(move |&edge| (day + ahead, edge))));
        for (d, edge) in upcoming {
            if let Some(next) = self.instants_at(d, edge).find(|&c| c > t) {
                consider(next);
                break;
            }
        }
        best
    }

    /// The instants whose wall clock reads `minute` on `day`: none in a gap, two in a fold.
    fn instants_at(&self, day: i64, minute: u16) -> impl Iterator<Item = Timestamp> {
        let local = day * DAY + i64::from(minute) * 60;
        self.zone.instants_at(local).into_iter().filter_map(|s| Timestamp::new(s, 0))
    }
}

fn into_array(value: Value, path: &str, what: &str) -> Result<Vec<Value>> {
    match value {
        Value::Array(items) => Ok(items),
        other => Err(Error::invalid_input(
            path,
            format!("Expected a list of {what}, found {}.", crate::input::type_name(&other)),
        )),
    }
}

fn read_reason(map: &mut Map, path: &str) -> Result<Option<String>> {
    take_optional(map, "reason").map(|r| into_string(r, &child(path, "reason"), "a reason")).transpose()
}

fn read_deny(value: Value, path: &str) -> Result<DenyWindow> {
    let weekly = value.as_object().is_some_and(|map| map.contains_key("days"));
    if weekly {
        let (window, reason) = WeeklyWindow::read(value, path, true)?;
        return Ok(DenyWindow { span: DenySpan::Weekly(window), reason });
    }
    let mut map = into_object(value, path, "a deny window")?;
    reject_unknown(&map, &["days", "from", "to", "reason"], path, "A deny window")?;
    let mut instant = |key: &str, what: &str| -> Result<Timestamp> {
        let at = child(path, key);
        let text = into_string(take_required(&mut map, key, path, what)?, &at, "an RFC 3339 instant")?;
        Instant::parse(&text).map(|i| i.timestamp).ok_or_else(|| {
            Error::invalid_input(
                at,
                format!("\"{text}\" is not an RFC 3339 instant; write it as 2026-12-20T00:00:00+01:00, or give days for a weekly window."),
            )
        })
    };
    let from = instant("from", "The deny window's start (from)")?;
    let to = instant("to", "The deny window's end (to)")?;
    if to <= from {
        return Err(Error::invalid_input(
            child(path, "to"),
            "A deny window ends after it starts; its end (to) is excluded.",
        ));
    }
    let reason = read_reason(&mut map, path)?;
    Ok(DenyWindow { span: DenySpan::Absolute { from, to }, reason })
}

/// Reads a local time `HH:MM` (00:00 … 23:59) as minutes after midnight.
fn read_clock(value: Value, path: &str) -> Result<u16> {
    let text = into_string(value, path, "a local time HH:MM")?;
    let b = text.as_bytes();
    let digit = |i: usize| b.get(i).filter(|c| c.is_ascii_digit()).map(|c| u16::from(c - b'0'));
    let parsed = match (b.len(), b.get(2)) {
        (5, Some(b':')) => (|| Some((digit(0)? * 10 + digit(1)?, digit(3)? * 10 + digit(4)?)))(),
        _ => None,
    };
    match parsed {
        Some((hours, minutes)) if hours < 24 && minutes < 60 => Ok(hours * 60 + minutes),
        _ => Err(Error::invalid_input(
            path,
            format!("\"{text}\" is not a local time HH:MM from 00:00 to 23:59; a window that ends at midnight ends at 00:00."),
        )),
    }
}

fn clock(minutes: u16) -> String {
    format!("{:02}:{:02}", minutes / 60, minutes % 60)
}
