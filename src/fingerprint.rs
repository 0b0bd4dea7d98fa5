//! Canonical JSON ([RFC 8785], "JCS") and SHA-256 fingerprints of JSON values.
//!
//! A fingerprint must come out the same whoever computes it — this crate in
//! Rust, in WebAssembly, or a plain JavaScript tool — so the bytes that get
//! hashed follow RFC 8785 exactly rather than whatever `serde_json` happens
//! to print:
//!
//! - object members are sorted by the UTF-16 code units of their keys, the
//!   order of JavaScript's `Array.prototype.sort`, which differs from Rust's
//!   `str` order for characters above U+FFFF;
//! - strings are escaped exactly as ECMAScript's `JSON.stringify` does;
//! - every number is printed as ECMAScript's `Number.prototype.toString`
//!   prints the IEEE 754 double it denotes, integers included, so `1e21`,
//!   `1000000000000000000000` and `1.0e21` all hash the same;
//! - there is no whitespace.
//!
//! [`fingerprint`] hashes while it walks the value, so fingerprinting a large
//! value never builds its canonical text in memory.
//!
//! Fingerprints agree with JavaScript for equal *values*. For equal JSON
//! *text* to agree too, the text must be read into the same doubles as
//! `JSON.parse` reads, which the crate's reader ([`crate::json`]) does.
//!
//! [RFC 8785]: https://www.rfc-editor.org/rfc/rfc8785

use crate::value::{Map, Number, Value};
use sha2::{Digest, Sha256};

/// The prefix that names the hash in every fingerprint, so that a different
/// algorithm could be introduced later without ambiguity.
const PREFIX: &str = "sha256:";

/// Somewhere canonical JSON text can be written: a `String`, or a running
/// SHA-256 ([`sha2::Sha256`]).
///
/// Writing cannot fail, so neither can canonicalization.
pub trait CanonicalSink {
    /// Appends `s` to the sink.
    fn write_str(&mut self, s: &str);

    /// Told when an object's members are written in an order other than its map's own: the
    /// canonical text then differs from the map written as it iterates.
    fn reordered(&mut self) {}
}

impl CanonicalSink for String {
    fn write_str(&mut self, s: &str) {
        self.push_str(s);
    }
}

/// Feeds the canonical text straight into the hash, with no intermediate
/// buffer.
impl CanonicalSink for Sha256 {
    fn write_str(&mut self, s: &str) {
        Digest::update(self, s.as_bytes());
    }
}

impl<W: CanonicalSink + ?Sized> CanonicalSink for &mut W {
    fn write_str(&mut self, s: &str) {
        (**self).write_str(s);
    }

    fn reordered(&mut self) {
        (**self).reordered();
    }
}

/// `"sha256:"` followed by the lowercase hex SHA-256 of the JCS canonical
/// form of `value`.
///
/// Equal JSON data gives equal fingerprints, whatever the order of its
/// object members or the spelling of its numbers.
#[must_use]
pub fn fingerprint(value: &Value) -> String {
    hash_canonical(|hasher| write_canonical(value, hasher))
}

/// The [`fingerprint`] of a string value: `fingerprint(&Value::String(s))` without the copy.
#[must_use]
pub fn fingerprint_str(s: &str) -> String {
    hash_canonical(|hasher| write_string(s, hasher))
}

/// The [`fingerprint`] of an object without one of its members: `members` less `except`.
///
/// A variable's structure is the variable less `defaultValue`: this hashes it without cloning it.
#[must_use]
pub fn fingerprint_object_except(members: &Map, except: &str) -> String {
    hash_canonical(|hasher| write_object_except(members, Some(except), hasher))
}

/// The [`fingerprint`] of the object whose members are `members`.
///
/// For callers that hold an object's members rather than a `Value`: it
/// saves cloning them into a `Value::Object` just to hash them.
#[must_use]
pub fn fingerprint_object(members: &Map) -> String {
    hash_canonical(|hasher| write_object(members, hasher))
}

/// Size of the buffer between the canonical writer and SHA-256.
const HASH_BUFFER: usize = 8192;

/// A SHA-256 fed through a buffer.
///
/// Canonical text comes in many small pieces (a quote, a key, a colon…); handing each to
/// [`Sha256`] costs a call and block-buffer bookkeeping per piece, while copying it into a
/// buffer that is hashed a few kilobytes at a time costs a `memcpy`.
#[derive(Clone)]
struct BufferedSha256 {
    hasher: Sha256,
    buffer: Vec<u8>,
}

impl BufferedSha256 {
    fn new() -> BufferedSha256 {
        BufferedSha256 { hasher: Sha256::new(), buffer: Vec::with_capacity(HASH_BUFFER) }
    }

    fn finalize(mut self) -> sha2::digest::Output<Sha256> {
        Digest::update(&mut self.hasher, &self.buffer);
        self.hasher.finalize()
    }
}

impl CanonicalSink for BufferedSha256 {
    #[inline]
    fn write_str(&mut self, s: &str) {
        let bytes = s.as_bytes();
        if self.buffer.len() + bytes.len() > HASH_BUFFER {
            Digest::update(&mut self.hasher, &self.buffer);
            self.buffer.clear();
            if bytes.len() >= HASH_BUFFER {
                Digest::update(&mut self.hasher, bytes);
                return;
            }
        }
        self.buffer.extend_from_slice(bytes);
    }
}

/// The fingerprint of an object hashed member by member, whose state can be cloned: two
/// objects whose first members (in canonical order) are the same hash those members once.
///
/// The caller hands over every member of the object, in JCS order (UTF-16 order of the keys).
#[derive(Clone)]
pub(crate) struct ObjectPrint {
    sink: BufferedSha256,
    first: bool,
}

impl ObjectPrint {
    /// An object whose first members were hashed into `hasher` (`{` included), `first` when none was.
    pub(crate) fn resume(hasher: Sha256, first: bool) -> ObjectPrint {
        ObjectPrint { sink: BufferedSha256 { hasher, buffer: Vec::with_capacity(HASH_BUFFER) }, first }
    }

    /// Writes the next member.
    pub(crate) fn member(&mut self, key: &str, value: &Value) {
        self.key(key);
        write_canonical(value, &mut self.sink);
    }

    /// Writes the next member, whose value's canonical text is `canonical`.
    pub(crate) fn member_text(&mut self, key: &str, canonical: &str) {
        self.key(key);
        self.sink.write_str(canonical);
    }

    /// The separator (but before the first member) and `"key":`.
    fn key(&mut self, key: &str) {
        if !self.first {
            self.sink.write_str(",");
        }
        self.first = false;
        write_string(key, &mut self.sink);
        self.sink.write_str(":");
    }

    /// The fingerprint of the object.
    pub(crate) fn finish(mut self) -> String {
        self.sink.write_str("}");
        spell(self.sink.finalize())
    }
}

/// The canonical text of an object, written once, and where each member, and each item of a
/// member that is an array, lies in it.
///
/// A workspace's promoted content is hashed as a whole (the document's fingerprint) and item by
/// item (the manifest), and compared item by item with another workspace's: all of it reads these
/// bytes rather than walking the values again, so each value is canonicalised once.
#[derive(Debug, Clone, Default)]
pub(crate) struct CanonicalText {
    text: String,
    members: Vec<MemberText>,
}

/// Per member of an object, the items that repeat items of another (see
/// [`CanonicalText::of_object_repeating`]), as `(index, index in the other)`.
pub(crate) type Repeats<'a> = &'a dyn Fn(&str) -> &'a [(usize, usize)];

/// Where one member of a [`CanonicalText`] lies.
#[derive(Debug, Clone, Default)]
pub(crate) struct MemberText {
    /// The member's key.
    pub(crate) key: String,
    /// Where the member starts: at its `,` (or, for the first member, its key).
    pub(crate) start: usize,
    /// Where its value lies.
    pub(crate) value: std::ops::Range<usize>,
    /// Where each item lies, when the value is an array.
    pub(crate) items: Vec<std::ops::Range<usize>>,
    /// Whether every object of the value was written in its map's own order: the value's text
    /// is then also its plain JSON text (`crate::write`), whose objects are written that way.
    pub(crate) in_map_order: bool,
}

/// Canonical text, and how many objects were reordered while it was written.
#[derive(Default)]
struct TrackedText {
    text: String,
    reordered: usize,
}

impl CanonicalSink for TrackedText {
    #[inline]
    fn write_str(&mut self, s: &str) {
        self.text.push_str(s);
    }

    fn reordered(&mut self) {
        self.reordered += 1;
    }
}

impl CanonicalText {
    /// Writes the canonical text of the object whose members are `members`.
    pub(crate) fn of_object(members: &Map) -> CanonicalText {
        CanonicalText::of_object_repeating(members, None)
    }

    /// [`CanonicalText::of_object`], where the items that `repeats` names (per member, `(index,
    /// index in of)`) repeat items of the object whose text is `of`, value for value: their text
    /// is copied from it rather than written again (the items may be mere stubs).
    pub(crate) fn of_object_repeating(members: &Map, repeats: Option<(Repeats<'_>, &CanonicalText)>) -> CanonicalText {
        let mut out = TrackedText::default();
        let mut sorted: Vec<(&String, &Value)> = members.iter().collect();
        if members.keys().any(|key| crate::scan::has_byte_from(key.as_bytes(), 0xEE)) {
            // Only keys with a character from U+E000 up may be out of UTF-16 order (see
            // `write_object_except`).
            crate::sorting::sort_by(&mut sorted, |(a, _), (b, _)| a.encode_utf16().lt(b.encode_utf16()));
        }
        let mut texts = Vec::with_capacity(sorted.len());
        out.write_str("{");
        for (i, (key, value)) in sorted.into_iter().enumerate() {
            let start = out.text.len();
            let reordered = out.reordered;
            if i > 0 {
                out.write_str(",");
            }
            write_string(key, &mut out);
            out.write_str(":");
            let value_start = out.text.len();
            let mut items = Vec::new();
            if let Value::Array(values) = value {
                items.reserve(values.len());
                // The items this one repeats, and the text they lie in.
                let (mut repeated, of) = match repeats {
                    Some((repeats, of)) => (repeats(key).iter().peekable(), of.member(key).map(|member| (of, member))),
                    None => ([].iter().peekable(), None),
                };
                out.write_str("[");
                for (i, item) in values.iter().enumerate() {
                    if i > 0 {
                        out.write_str(",");
                    }
                    let item_start = out.text.len();
                    let repeated = repeated.next_if(|(index, _)| *index == i).and_then(|(_, twin)| {
                        of.and_then(|(of, member)| {
                            Some((of.text(member.items.get(*twin)?.clone()), member.in_map_order))
                        })
                    });
                    match repeated {
                        Some((text, in_map_order)) => {
                            out.write_str(text);
                            if !in_map_order {
                                out.reordered();
                            }
                        }
                        None => write_canonical(item, &mut out),
                    }
                    items.push(item_start..out.text.len());
                }
                out.write_str("]");
            } else {
                write_canonical(value, &mut out);
            }
            texts.push(MemberText {
                key: key.clone(),
                start,
                value: value_start..out.text.len(),
                items,
                in_map_order: out.reordered == reordered,
            });
        }
        out.write_str("}");
        CanonicalText { text: out.text, members: texts }
    }

    /// The members, in canonical order.
    pub(crate) fn members(&self) -> &[MemberText] {
        &self.members
    }

    /// The member `key`.
    pub(crate) fn member(&self, key: &str) -> Option<&MemberText> {
        self.members.iter().find(|member| member.key == key)
    }

    /// The canonical text at `range` (the whole text if it lies outside).
    pub(crate) fn text(&self, range: std::ops::Range<usize>) -> &str {
        self.text.get(range).unwrap_or_default()
    }

    /// The fingerprint of the whole object.
    pub(crate) fn fingerprint(&self) -> String {
        spell(Sha256::digest(self.text.as_bytes()))
    }

    /// The fingerprint of the text at `range` (an item's).
    pub(crate) fn fingerprint_of(&self, range: std::ops::Range<usize>) -> String {
        spell(Sha256::digest(self.text(range).as_bytes()))
    }

    /// The fingerprint of the whole object, and the hash state after its first `split` members
    /// (to go on with other members through [`ObjectPrint::resume`]).
    pub(crate) fn fingerprint_split(&self, split: usize) -> (Option<Sha256>, String) {
        let at = self.members.get(split).map(|member| member.start);
        let mut hasher = Sha256::new();
        let bytes = self.text.as_bytes();
        let prefix = at.and_then(|at| {
            Digest::update(&mut hasher, bytes.get(..at)?);
            Some(hasher.clone())
        });
        Digest::update(&mut hasher, bytes.get(at.filter(|_| prefix.is_some()).unwrap_or(0)..).unwrap_or_default());
        (prefix, spell(hasher.finalize()))
    }
}

/// Runs `write` against a fresh SHA-256 and spells the digest as a
/// fingerprint.
fn hash_canonical(write: impl FnOnce(&mut BufferedSha256)) -> String {
    let mut hasher = BufferedSha256::new();
    write(&mut hasher);
    spell(hasher.finalize())
}

/// `sha256:` and the lowercase hex of `digest`.
fn spell(digest: sha2::digest::Output<Sha256>) -> String {
    let mut out = String::with_capacity(PREFIX.len() + 2 * digest.len());
    out.push_str(PREFIX);
    for byte in digest {
        out.push(hex_digit(byte >> 4));
        out.push(hex_digit(byte));
    }
    out
}

/// The JCS canonical JSON text of `value`: the exact text that
/// [`fingerprint`] hashes.
#[must_use]
pub fn canonical_json(value: &Value) -> String {
    let mut out = String::new();
    write_canonical(value, &mut out);
    out
}

/// Writes the JCS canonical form of `value` into `out`, piece by piece.
///
/// Recurses once per level of nesting: the crate's JSON reader caps nesting
/// at 128 (`Limits::max_depth`), far below what the stack can take.
pub fn write_canonical<W: CanonicalSink + ?Sized>(value: &Value, out: &mut W) {
    match value {
        Value::Null => out.write_str("null"),
        Value::Bool(true) => out.write_str("true"),
        Value::Bool(false) => out.write_str("false"),
        Value::Number(n) => write_number(n, out),
        Value::String(s) => write_string(s, out),
        Value::Array(items) => {
            out.write_str("[");
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.write_str(",");
                }
                write_canonical(item, out);
            }
            out.write_str("]");
        }
        Value::Object(members) => write_object(members, out),
    }
}

/// Whether `s` has the shape of a [`fingerprint`]: `"sha256:"` and exactly
/// 64 lowercase hex digits.
///
/// Uppercase hex is refused: a fingerprint has one spelling, so that
/// fingerprints can be compared as strings.
#[must_use]
pub fn is_fingerprint(s: &str) -> bool {
    s.strip_prefix(PREFIX)
        .is_some_and(|hex| hex.len() == 64 && hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
}

/// Members sorted by the UTF-16 code units of their keys (RFC 8785 §3.2.3).
///
/// A [`Map`] iterates in Rust `str` order, which is not the order JCS requires in general. UTF-8
/// byte order is code point order, and UTF-16 order differs from it only between a character of
/// U+E000..U+FFFF and one above U+FFFF (a surrogate pair sorts first): so the keys without a
/// character from U+E000 up (no UTF-8 byte from 0xEE up) are in place, and only runs of the
/// others are sorted, by walking `encode_utf16()` iterators.
fn write_object<W: CanonicalSink + ?Sized>(members: &Map, out: &mut W) {
    write_object_except(members, None, out);
}

/// [`write_object`] leaving out the member `except`, if any.
fn write_object_except<W: CanonicalSink + ?Sized>(members: &Map, except: Option<&str>, out: &mut W) {
    out.write_str("{");
    let mut first = true;
    let mut member = |key: &str, value: &Value, out: &mut W| {
        if except == Some(key) {
            return;
        }
        if !first {
            out.write_str(",");
        }
        first = false;
        write_string(key, out);
        out.write_str(":");
        write_canonical(value, out);
    };
    // The map iterates in byte (code point) order, which is UTF-16 order but between a character
    // of U+E000..U+FFFF and one above U+FFFF, both of which need a UTF-8 byte from 0xEE up. A key
    // without such a byte is in place against every other key, so two keys out of UTF-16 order
    // have only such keys between them: the runs of such keys are sorted, everything else is
    // written as the map iterates, in one pass.
    let mut run: Vec<(&String, &Value)> = Vec::new();
    for (key, value) in members {
        if crate::scan::has_byte_from(key.as_bytes(), 0xEE) {
            run.push((key, value));
            continue;
        }
        write_run(&mut run, &mut member, out);
        member(key, value, out);
    }
    write_run(&mut run, &mut member, out);
    out.write_str("}");
}

/// Writes a run of members (see [`write_object_except`]) in UTF-16 order of their keys, and
/// empties it.
fn write_run<'m, W: CanonicalSink + ?Sized>(
    run: &mut Vec<(&'m String, &'m Value)>,
    member: &mut impl FnMut(&str, &Value, &mut W),
    out: &mut W,
) {
    let utf16_less = |(a, _): &(&String, &Value), (b, _): &(&String, &Value)| a.encode_utf16().lt(b.encode_utf16());
    if run.windows(2).any(|pair| matches!(pair, [a, b] if utf16_less(b, a))) {
        out.reordered();
        crate::sorting::sort_by(run, utf16_less);
    }
    for (key, value) in run.drain(..) {
        member(key, value, out);
    }
}

/// A number as ECMAScript prints the double it denotes (RFC 8785 §3.2.2.3).
///
/// Integers held as `u64`/`i64` are converted to `f64` first, as JavaScript's
/// `JSON.parse` would: `9007199254740993` prints as `9007199254740992`.
/// Without `arbitrary_precision` every `Number` is a finite double, but should
/// one ever not be (NaN, infinite, unparsable), it prints as `null`, as
/// `JSON.stringify` does, rather than panicking.
pub(crate) fn write_number<W: CanonicalSink + ?Sized>(n: &Number, out: &mut W) {
    // An integer of at most 2^53 (exact as a double, below 1e21) is its decimal digits in
    // ECMAScript's form too: written without the shortest-double search.
    if let Some(integer) = n.as_i64().filter(|i| i.unsigned_abs() <= 1 << 53) {
        return write_integer(integer, out);
    }
    match n.as_f64() {
        Some(f) if f.is_finite() => {
            let mut buffer = ryu_js::Buffer::new();
            out.write_str(buffer.format_finite(f));
        }
        _ => out.write_str("null"),
    }
}

fn write_integer<W: CanonicalSink + ?Sized>(integer: i64, out: &mut W) {
    if integer < 0 {
        out.write_str("-");
    }
    out.write_str(crate::scan::decimal(integer.unsigned_abs(), &mut [0; 20]));
}

/// A string literal escaped as `JSON.stringify` does (RFC 8785 §3.2.2.2).
///
/// Only `"`, `\\` and the C0 controls are escaped, all ASCII: the text is
/// scanned byte by byte and unescaped runs are written as whole slices, so a
/// long string costs a few writes rather than one per character. `/`, DEL,
/// U+2028, U+2029 and all other non-ASCII characters are written as they are.
pub(crate) fn write_string<W: CanonicalSink + ?Sized>(s: &str, out: &mut W) {
    out.write_str("\"");
    let bytes = s.as_bytes();
    let mut start = 0;
    loop {
        let end = start + crate::scan::plain_len(bytes.get(start..).unwrap_or_default());
        // `start` and `end` sit next to ASCII bytes (or at the ends), so both
        // lie on char boundaries and `get` always succeeds.
        if let Some(run) = s.get(start..end).filter(|run| !run.is_empty()) {
            out.write_str(run);
        }
        let Some(&b) = bytes.get(end) else { break };
        out.write_str(escape(b));
        start = end + 1;
    }
    out.write_str("\"");
}

/// The escape sequence `JSON.stringify` uses for the ASCII byte `b`, one of
/// `"`, `\\` and the C0 controls.
fn escape(b: u8) -> &'static str {
    match b {
        b'"' => "\\\"",
        b'\\' => "\\\\",
        _ => CONTROL_ESCAPES.get(usize::from(b)).copied().unwrap_or(""),
    }
}

/// Escapes of U+0000..U+001F, indexed by code point: the five with a short
/// form use it, the others are `\u00XX` with lowercase hex.
#[rustfmt::skip]
const CONTROL_ESCAPES: [&str; 32] = [
    "\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005", "\\u0006", "\\u0007",
    "\\b",     "\\t",     "\\n",     "\\u000b", "\\f",     "\\r",     "\\u000e", "\\u000f",
    "\\u0010", "\\u0011", "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
    "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d", "\\u001e", "\\u001f",
];

/// The lowercase hex digit of the low four bits of `nibble`.
fn hex_digit(nibble: u8) -> char {
    match nibble & 0x0f {
        n @ 0..=9 => char::from(b'0' + n),
        n => char::from(b'a' + n - 10),
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
