//! Reading JSON text into [`Value`]s under [`ReadLimits`].
//!
//! A small RFC 8259 reader instead of `serde_json`'s: it refuses duplicate keys (I-JSON, RFC 7493),
//! stops at [`ReadLimits::max_depth`] before recursing further, reads every number as the double
//! JavaScript's `JSON.parse` reads, names the culprit with a JSON Pointer, and keeps the
//! WebAssembly small. It is the security boundary and knows nothing of the domain: what it may
//! keep only the shape of is the caller's [`Skip`], and which items may repeat others, to be
//! read as stubs rather than read again, the caller's [`Echo`].

use crate::error::{Error, Result};
use crate::pointer::{push_index, push_token};
use crate::scan::plain_len;
use crate::value::{Map, Number, Value};

/// Largest integer a JavaScript number holds exactly (2^53 − 1).
pub const MAX_SAFE_INTEGER: u64 = (1 << 53) - 1;

/// What the reader refuses before any deep recursion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Nesting of arrays and objects, counted from the text's root (the root container is 1).
    pub max_depth: usize,
    /// Bytes of JSON text (UTF-8).
    pub max_input_bytes: usize,
}

impl ReadLimits {
    /// Depth 128 and 256 MiB, the documented defaults.
    pub const DEFAULT: ReadLimits = ReadLimits { max_depth: 128, max_input_bytes: 256 * 1024 * 1024 };
}

impl From<&ReadLimits> for ReadLimits {
    fn from(limits: &ReadLimits) -> Self {
        *limits
    }
}

/// Parses one JSON text under [`ReadLimits::DEFAULT`].
pub fn parse(text: &str) -> Result<Value> {
    parse_with_limits(text, ReadLimits::DEFAULT)
}

/// Parses one JSON text (RFC 8259); errors carry the JSON Pointer of the value being read.
pub fn parse_with_limits(text: &str, limits: impl Into<ReadLimits>) -> Result<Value> {
    parse_skipping(text, limits, keep_all)
}

/// Which members the reader may keep only the shape of, because the caller only counts them.
///
/// Asked for each member of the root object (`parent` is `None`) and of each object that is the
/// value of a root member (`parent` is that member's key). A skipped member is read in full (the
/// same syntax, duplicate-key, number, surrogate and depth errors, with the same paths) but kept
/// only as its shape: an array of `n` items becomes `n` nulls, any other value `null`.
pub type Skip = fn(parent: Option<&str>, key: &str) -> bool;

/// The [`Skip`] that keeps every member.
pub fn keep_all(_parent: Option<&str>, _key: &str) -> bool {
    false
}

/// [`parse_with_limits`], keeping only the shape of the members that `skip` names.
pub fn parse_skipping(text: &str, limits: impl Into<ReadLimits>, skip: Skip) -> Result<Value> {
    parse_echoing(text, limits, skip, None).map(|(value, _)| value)
}

/// Two members of the root object whose arrays hold mostly the same items, as the source and the
/// target of a sync do: an object item of the array `kind` of `section` that repeats, byte for
/// byte, an item of the array `kind` of `of` (read before it) is not read again. It is read as a
/// stub, an object of its `id` member alone, and [`Echoes`] say which item it repeats.
#[derive(Debug, Clone, Copy)]
pub struct Echo {
    /// The member whose items may repeat another's (`"target"`).
    pub section: &'static str,
    /// The member they repeat (`"source"`).
    pub of: &'static str,
    /// The members of both whose arrays are compared (kinds of items).
    pub kinds: fn(key: &str) -> bool,
    /// The member of an item that a stub keeps (`"id"`); an item without it is read in full.
    pub id: &'static str,
}

/// Which items of an [`Echo`]'s `section` were read as stubs: per member, `(index, index in of)`
/// pairs, in the order of the items.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Echoes {
    section: &'static str,
    of: &'static str,
    members: Vec<(String, Vec<(usize, usize)>)>,
}

impl Echoes {
    /// The items of the member `key` that repeat the items of `of`, as `(index, index in of)`.
    pub fn of(&self, key: &str) -> &[(usize, usize)] {
        self.members.iter().find(|(member, _)| member == key).map_or(&[], |(_, pairs)| pairs.as_slice())
    }

    /// Replaces each stub of the value [`parse_echoing`] read with a copy of the item it repeats:
    /// the value reading every item would give.
    pub fn fill(&self, value: &mut Value) {
        for (key, pairs) in &self.members {
            for &(index, of) in pairs {
                let item = value.get(self.of).and_then(|of_member| of_member.get(key.as_str())?.get(of)).cloned();
                let slot =
                    value.get_mut(self.section).and_then(|section| section.get_mut(key.as_str())?.get_mut(index));
                if let (Some(item), Some(slot)) = (item, slot) {
                    *slot = item;
                }
            }
        }
    }
}

/// [`parse_skipping`], reading as stubs the items that `echo` names (see [`Echo`]) where they
/// repeat: [`Echoes::fill`] makes the value reading every item would give.
pub fn parse_echoing(
    text: &str,
    limits: impl Into<ReadLimits>,
    skip: Skip,
    echo: Option<Echo>,
) -> Result<(Value, Echoes)> {
    let limits: ReadLimits = limits.into();
    if text.len() > limits.max_input_bytes {
        return Err(Error::limit_exceeded(
            "",
            format!(
                "The input is {} bytes, more than the limit of {} bytes; send less content at once.",
                text.len(),
                limits.max_input_bytes
            ),
        ));
    }
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        at: 0,
        depth: 0,
        max_depth: limits.max_depth,
        path: Vec::new(),
        skip,
        section: None,
        scratch: String::new(),
        items: Vec::new(),
        members: Vec::new(),
        echo,
        recorded: Vec::new(),
        like: Value::Null,
        echoes: Echoes {
            section: echo.map_or("", |echo| echo.section),
            of: echo.map_or("", |echo| echo.of),
            members: Vec::new(),
        },
    };
    let value = reader.value().and_then(|value| {
        reader.skip_whitespace();
        if reader.at < reader.bytes.len() {
            return Err(reader.syntax("Unexpected text after the JSON value"));
        }
        Ok(value)
    });
    let echoes = std::mem::take(&mut reader.echoes);
    value.map(|value| (value, echoes)).map_err(|found| {
        let path = pointer_from_reversed(&reader.path);
        match found {
            Found::Limit(message) => Error::limit_exceeded(path, message),
            Found::Invalid(message) => Error::invalid_input(path, message),
        }
    })
}

enum Segment {
    Key(String),
    Index(usize),
}

enum Found {
    Limit(String),
    Invalid(String),
}

fn pointer_from_reversed(segments: &[Segment]) -> String {
    let mut pointer = String::new();
    for segment in segments.iter().rev() {
        match segment {
            Segment::Key(key) => push_token(&mut pointer, key),
            Segment::Index(i) => push_index(&mut pointer, *i),
        }
    }
    pointer
}

/// A recursive-descent reader. Recursion is bounded by `max_depth`; on an error, each level adds
/// its path segment while the error travels up, so the success path never tracks the path.
struct Reader<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
    depth: usize,
    max_depth: usize,
    /// Filled only on error, innermost segment first.
    path: Vec<Segment>,
    /// What to keep only the shape of.
    skip: Skip,
    /// The key of the member of the root object being read, when the root is an object.
    section: Option<String>,
    /// Where skipped strings are decoded (and forgotten).
    scratch: String,
    /// The items of the arrays being read, innermost last (see [`Reader::array`]).
    items: Vec<Value>,
    /// The members of the objects being read, innermost last (see [`Reader::object`]).
    members: Vec<(String, Value)>,
    /// Which items may be read as stubs (see [`Echo`]).
    echo: Option<Echo>,
    /// Where each item of the arrays of `echo.of` lies in the text, per member.
    recorded: Vec<(String, Vec<std::ops::Range<usize>>)>,
    /// The value of `echo.of` while `echo.section` is read (taken off the member stack), else null.
    like: Value,
    /// The items read as stubs so far.
    echoes: Echoes,
}

/// What an array read as a member of an [`Echo`]'s sections does besides reading its items.
enum Role {
    /// Nothing.
    Read,
    /// Records where each item lies: an array of `echo.of`.
    Record(String),
    /// Reads as a stub each item that repeats a recorded one: an array of `echo.section`.
    Stub(String),
}

type Read<T> = std::result::Result<T, Found>;

impl<'t> Reader<'t> {
    #[inline(always)]
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn skip_whitespace(&mut self) {
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = self.peek() {
            self.at += 1;
        }
    }

    fn syntax(&self, what: &str) -> Found {
        let before = self.bytes.get(..self.at).unwrap_or(self.bytes);
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let column = before.iter().rev().take_while(|&&b| b != b'\n').count() + 1;
        Found::Invalid(format!(
            "The input is not valid JSON: {what} at line {line} column {column}; fix the JSON text."
        ))
    }

    fn value(&mut self) -> Read<Value> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'{') => self.object(),
            Some(b'[') => self.array(),
            Some(b'"') => self.string().map(Value::String),
            Some(b'-' | b'0'..=b'9') => self.number(),
            Some(b't') => self.literal("true", Value::Bool(true)),
            Some(b'f') => self.literal("false", Value::Bool(false)),
            Some(b'n') => self.literal("null", Value::Null),
            Some(_) => Err(self.syntax("expected a value")),
            None => Err(self.syntax("the text ends where a value was expected")),
        }
    }

    fn literal(&mut self, word: &str, value: Value) -> Read<Value> {
        if self.bytes.get(self.at..self.at + word.len()) == Some(word.as_bytes()) {
            self.at += word.len();
            Ok(value)
        } else {
            Err(self.syntax("expected a value"))
        }
    }

    fn enter(&mut self) -> Read<()> {
        self.depth += 1;
        if self.depth > self.max_depth {
            return Err(Found::Limit(format!(
                "The input nests arrays and objects deeper than {} levels; flatten it.",
                self.max_depth
            )));
        }
        self.at += 1; // the opening bracket
        Ok(())
    }

    fn array(&mut self) -> Read<Value> {
        self.array_as(Role::Read)
    }

    fn array_as(&mut self, role: Role) -> Read<Value> {
        self.enter()?;
        // Items gather on one stack shared by every array being read, and each array is then
        // allocated once at its exact length: a vector grown item by item holds room for four
        // (three wasted) in every short array, which is most of the memory of deep nesting.
        let start = self.items.len();
        let mut ranges = Vec::new();
        let mut stubs = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
        } else {
            loop {
                self.skip_whitespace();
                let (at, index) = (self.at, self.items.len() - start);
                let stub = match &role {
                    Role::Stub(key) => {
                        let offset = stubs.last().map_or(0, |&(index, of): &(usize, usize)| of.wrapping_sub(index));
                        self.repeated_item(key, index, offset)
                    }
                    _ => None,
                };
                let item = match stub {
                    Some((of, value)) => {
                        stubs.push((index, of));
                        Ok(value)
                    }
                    None => self.value(),
                };
                match item {
                    Ok(item) => {
                        if let Role::Record(_) = role {
                            ranges.push(at..self.at);
                        }
                        self.items.push(item);
                    }
                    Err(found) => {
                        self.path.push(Segment::Index(self.items.len() - start));
                        self.items.truncate(start);
                        return Err(found);
                    }
                }
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.at += 1,
                    Some(b']') => {
                        self.at += 1;
                        break;
                    }
                    _ => {
                        self.items.truncate(start);
                        return Err(self.syntax("expected ',' or ']' in an array"));
                    }
                }
            }
        }
        self.depth -= 1;
        match role {
            Role::Read => {}
            Role::Record(key) => self.recorded.push((key, ranges)),
            Role::Stub(key) => self.echoes.members.push((key, stubs)),
        }
        // `split_off` allocates exactly the items' length; `start` is within the stack, since
        // every inner array took back exactly what it pushed.
        let items = if start <= self.items.len() { self.items.split_off(start) } else { Vec::new() };
        Ok(Value::Array(items))
    }

    /// Item `index` of the array `key` of `echo.section`, when the text at the reader repeats an
    /// object item of the array `key` of `echo.of`, byte for byte: that item's index and the
    /// item's stub (its `echo.id` member alone), the reader moved past it.
    ///
    /// The items looked at are those `offset` past `index`, as the last item repeated was (an item
    /// edited between the two keeps it), then one or two before or after (an item removed or
    /// added shifts the rest), and the item at `index`: a few byte comparisons, most of which stop
    /// at the id.
    ///
    /// The same bytes at the same depth read as the same value, with no error (they were read
    /// once): an object is self-delimiting, so nothing after it changes how it reads.
    fn repeated_item(&mut self, key: &str, index: usize, offset: usize) -> Option<(usize, Value)> {
        let ranges = self.recorded.iter().find(|(member, _)| member == key).map(|(_, ranges)| ranges)?;
        let rest = self.bytes.get(self.at..)?;
        let expected = index.wrapping_add(offset);
        let candidates = [
            expected,
            expected.wrapping_sub(1),
            expected.wrapping_add(1),
            expected.wrapping_sub(2),
            expected.wrapping_add(2),
            index,
        ];
        let (of, len) = candidates.into_iter().find_map(|of| {
            let item = self.bytes.get(ranges.get(of)?.clone())?;
            let repeats = item.first() == Some(&b'{')
                && rest.get(..item.len()).is_some_and(|here| crate::scan::same_bytes(here, item));
            repeats.then_some((of, item.len()))
        })?;
        let id_key = self.echo.map(|echo| echo.id)?;
        let id = self.like.get(key).and_then(|items| items.get(of)?.get(id_key)).cloned()?;
        self.at += len;
        Some((of, Value::Object(Map::from_sorted(vec![(id_key.to_owned(), id)]))))
    }

    fn object(&mut self) -> Read<Value> {
        self.enter()?;
        // Members gather on one stack shared by every object being read (as items do, see
        // [`Reader::array`]), and each object is allocated once at its exact length. While the
        // object is short its members are kept sorted as they come, and a key that appears twice
        // is caught where it appears again; a longer object's further members are appended,
        // sorted once at the end ([`Map::from_members`]) and checked for repeats then.
        let start = self.members.len();
        let mut in_order = true;
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
        } else {
            loop {
                self.skip_whitespace();
                if self.peek() != Some(b'"') {
                    self.members.truncate(start);
                    return Err(self.syntax("expected a member name in double quotes"));
                }
                let found = self.member(start, &mut in_order);
                if let Err(found) = found {
                    self.members.truncate(start);
                    return Err(found);
                }
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.at += 1,
                    Some(b'}') => {
                        self.at += 1;
                        break;
                    }
                    _ => {
                        self.members.truncate(start);
                        return Err(self.syntax("expected ',' or '}' in an object"));
                    }
                }
            }
        }
        self.depth -= 1;
        // `split_off` allocates exactly the members' length; `start` is within the stack, since
        // every inner object took back exactly what it pushed.
        let members = if start <= self.members.len() { self.members.split_off(start) } else { Vec::new() };
        if in_order {
            return Ok(Value::Object(Map::from_sorted(members)));
        }
        match Map::from_members(members) {
            (_, Some(key)) => Err(self.repeated(key)),
            (map, None) => Ok(Value::Object(map)),
        }
    }

    /// One member of the object whose members start at `start` on the stack: its key, `:` and
    /// value, put in its place while the object is `in_order`.
    fn member(&mut self, start: usize, in_order: &mut bool) -> Read<()> {
        let key = self.string()?;
        let members = self.members.get(start..).unwrap_or_default();
        let place = match (*in_order).then(|| crate::value::search_to_add(members, &key)) {
            Some(Ok(_)) => return Err(self.repeated(key)),
            Some(Err(place)) => Some(start + place),
            None => None,
        };
        self.skip_whitespace();
        if self.peek() != Some(b':') {
            return Err(self.syntax("expected ':' after a member name"));
        }
        self.at += 1;
        let skip = match (self.depth, &self.section) {
            (1, _) => (self.skip)(None, &key),
            (2, Some(section)) => (self.skip)(Some(section), &key),
            _ => false,
        };
        let role = match (self.depth, &self.section, self.echo) {
            (2, Some(section), Some(echo)) if (echo.kinds)(&key) && section == echo.of => Role::Record(key.clone()),
            (2, Some(section), Some(echo)) if (echo.kinds)(&key) && section == echo.section => Role::Stub(key.clone()),
            _ => Role::Read,
        };
        let echoing = self.depth == 1 && self.echo.is_some_and(|echo| key == echo.section);
        if self.depth == 1 {
            self.section = Some(key.clone());
        }
        if echoing {
            self.swap_like(start);
        }
        self.skip_whitespace();
        let read = match role {
            _ if skip => self.shape(),
            Role::Read => self.value(),
            role if self.peek() == Some(b'[') => self.array_as(role),
            _ => self.value(),
        };
        if echoing {
            self.swap_like(start);
        }
        match read {
            Ok(value) => match place {
                Some(place) if place < self.members.len() => self.members.insert(place, (key, value)),
                _ => self.members.push((key, value)),
            },
            Err(found) => {
                self.path.push(Segment::Key(key));
                return Err(found);
            }
        }
        *in_order = *in_order && self.members.len() - start < SORTED_AS_READ;
        Ok(())
    }

    /// Swaps [`Reader::like`] with the value of the member `echo.of` of the root object, whose
    /// members start at `start` on the stack: before and after `echo.section` is read.
    fn swap_like(&mut self, start: usize) {
        let of = self.echo.map(|echo| echo.of);
        let member = self
            .members
            .get_mut(start..)
            .and_then(|members| members.iter_mut().find(|(key, _)| Some(key.as_str()) == of));
        if let Some((_, value)) = member {
            std::mem::swap(value, &mut self.like);
        }
    }

    /// The error of a key that appears twice in one object.
    fn repeated(&mut self, key: String) -> Found {
        let message = format!("The key \"{key}\" appears twice in one object; keep one (I-JSON, RFC 7493).");
        self.path.push(Segment::Key(key));
        Found::Invalid(message)
    }

    /// A value read in full but kept as its shape (see [`Skip`]).
    fn shape(&mut self) -> Read<Value> {
        self.skip_whitespace();
        if self.peek() == Some(b'[') {
            let items = self.discard_array()?;
            return Ok(Value::Array(vec![Value::Null; items]));
        }
        self.discard()?;
        Ok(Value::Null)
    }

    /// [`Reader::value`] without building the value: the same checks in the same order.
    fn discard(&mut self) -> Read<()> {
        self.skip_whitespace();
        match self.peek() {
            Some(b'{') => self.discard_object(),
            Some(b'[') => self.discard_array().map(drop),
            Some(b'"') => self.discard_string(),
            Some(b'-' | b'0'..=b'9') => self.number().map(drop),
            Some(b't') => self.literal("true", Value::Null).map(drop),
            Some(b'f') => self.literal("false", Value::Null).map(drop),
            Some(b'n') => self.literal("null", Value::Null).map(drop),
            Some(_) => Err(self.syntax("expected a value")),
            None => Err(self.syntax("the text ends where a value was expected")),
        }
    }

    /// [`Reader::array`] without building it; answers how many items it holds.
    fn discard_array(&mut self) -> Read<usize> {
        self.enter()?;
        let mut items = 0;
        self.skip_whitespace();
        if self.peek() == Some(b']') {
            self.at += 1;
        } else {
            loop {
                if let Err(found) = self.discard() {
                    self.path.push(Segment::Index(items));
                    return Err(found);
                }
                items += 1;
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.at += 1,
                    Some(b']') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.syntax("expected ',' or ']' in an array")),
                }
            }
        }
        self.depth -= 1;
        Ok(items)
    }

    /// [`Reader::object`] without building it; keys are still compared, as decoded text.
    fn discard_object(&mut self) -> Read<()> {
        self.enter()?;
        // The keys, borrowed from the text where they hold no escape. A key that appears twice is
        // caught where it appears again while the object is short; a longer object's keys are
        // sorted once at the end and checked then (n log n, not n²).
        let mut keys: Vec<std::borrow::Cow<'t, str>> = Vec::new();
        self.skip_whitespace();
        if self.peek() == Some(b'}') {
            self.at += 1;
        } else {
            loop {
                self.skip_whitespace();
                if self.peek() != Some(b'"') {
                    return Err(self.syntax("expected a member name in double quotes"));
                }
                let key = self.key()?;
                if keys.len() < SORTED_AS_READ && keys.contains(&key) {
                    return Err(self.repeated(key.into_owned()));
                }
                self.skip_whitespace();
                if self.peek() != Some(b':') {
                    return Err(self.syntax("expected ':' after a member name"));
                }
                self.at += 1;
                if let Err(found) = self.discard() {
                    self.path.push(Segment::Key(key.into_owned()));
                    return Err(found);
                }
                keys.push(key);
                self.skip_whitespace();
                match self.peek() {
                    Some(b',') => self.at += 1,
                    Some(b'}') => {
                        self.at += 1;
                        break;
                    }
                    _ => return Err(self.syntax("expected ',' or '}' in an object")),
                }
            }
        }
        if keys.len() > SORTED_AS_READ {
            let names: Vec<&str> = keys.iter().map(|key| key.as_ref()).collect();
            if let Some((_, Some(repeat))) = crate::value::key_order(&names) {
                let key = names.get(repeat).map(|key| (*key).to_owned()).unwrap_or_default();
                return Err(self.repeated(key));
            }
        }
        self.depth -= 1;
        Ok(())
    }

    /// A member name: borrowed from the text when it holds no escape.
    fn key(&mut self) -> Read<std::borrow::Cow<'t, str>> {
        let start = self.at + 1;
        let at = start + plain_len(self.bytes.get(start..).unwrap_or_default());
        if self.bytes.get(at) == Some(&b'"') {
            self.at = at + 1;
            return Ok(std::borrow::Cow::Borrowed(self.text.get(start..at).unwrap_or("")));
        }
        self.string().map(std::borrow::Cow::Owned)
    }

    /// [`Reader::string`] without keeping the text.
    fn discard_string(&mut self) -> Read<()> {
        self.at += 1; // the opening quote
        loop {
            self.at += plain_len(self.bytes.get(self.at..).unwrap_or_default());
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(());
                }
                Some(b'\\') => {
                    self.at += 1;
                    let mut scratch = std::mem::take(&mut self.scratch);
                    scratch.clear();
                    let escaped = self.escape(&mut scratch);
                    self.scratch = scratch;
                    escaped?;
                }
                Some(_) => return Err(self.syntax("a control character must be escaped in a string")),
                None => return Err(self.syntax("the text ends inside a string")),
            }
        }
    }

    fn string(&mut self) -> Read<String> {
        self.at += 1; // the opening quote
        let start = self.at;
        // The hottest loop of the reader: eight bytes at a time.
        let plain = start + plain_len(self.bytes.get(start..).unwrap_or_default());
        if self.bytes.get(plain) == Some(&b'"') {
            // No escape: the string is its text. Both ends sit on ASCII bytes: char boundaries.
            self.at = plain + 1;
            return Ok(self.text.get(start..plain).unwrap_or_default().to_owned());
        }
        // An escape (or an error): its text up to the closing quote is at least as long as what
        // it decodes to, so one allocation holds the string (prose with line breaks is common).
        let mut out = String::with_capacity(self.escaped_len(plain) - start);
        out.push_str(self.text.get(start..plain).unwrap_or_default());
        self.at = plain;
        loop {
            let start = self.at;
            self.at += plain_len(self.bytes.get(start..).unwrap_or_default());
            // Both ends sit on ASCII bytes (or the end), so they are char boundaries.
            out.push_str(self.text.get(start..self.at).unwrap_or(""));
            match self.peek() {
                Some(b'"') => {
                    self.at += 1;
                    return Ok(out);
                }
                Some(b'\\') => {
                    self.at += 1;
                    self.escape(&mut out)?;
                }
                Some(_) => return Err(self.syntax("a control character must be escaped in a string")),
                None => return Err(self.syntax("the text ends inside a string")),
            }
        }
    }

    /// Where the string holding the escape at `at` ends (its closing quote, or where reading it
    /// will fail), each escape skipped whole.
    fn escaped_len(&self, mut at: usize) -> usize {
        loop {
            at += plain_len(self.bytes.get(at..).unwrap_or_default());
            match self.bytes.get(at) {
                Some(b'\\') => at += 2,
                _ => return at.min(self.bytes.len()),
            }
        }
    }

    fn escape(&mut self, out: &mut String) -> Read<()> {
        let Some(b) = self.peek() else { return Err(self.syntax("the text ends inside a string")) };
        self.at += 1;
        let c = match b {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let unit = self.hex4()?;
                match unit {
                    0xD800..=0xDBFF => {
                        if self.bytes.get(self.at..self.at + 2) != Some(b"\\u") {
                            return Err(self.syntax("a lone UTF-16 surrogate is not valid Unicode"));
                        }
                        self.at += 2;
                        let low = self.hex4()?;
                        if !(0xDC00..=0xDFFF).contains(&low) {
                            return Err(self.syntax("a lone UTF-16 surrogate is not valid Unicode"));
                        }
                        let code = 0x10000 + ((u32::from(unit) - 0xD800) << 10) + (u32::from(low) - 0xDC00);
                        char::from_u32(code).ok_or_else(|| self.syntax("an invalid \\u escape"))?
                    }
                    0xDC00..=0xDFFF => return Err(self.syntax("a lone UTF-16 surrogate is not valid Unicode")),
                    unit => char::from_u32(u32::from(unit)).ok_or_else(|| self.syntax("an invalid \\u escape"))?,
                }
            }
            _ => return Err(self.syntax("an invalid escape in a string")),
        };
        out.push(c);
        Ok(())
    }

    fn hex4(&mut self) -> Read<u16> {
        let digits = self.text.get(self.at..self.at + 4).ok_or_else(|| self.syntax("an invalid \\u escape"))?;
        let unit = u16::from_str_radix(digits, 16).map_err(|_| self.syntax("an invalid \\u escape"))?;
        if !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(self.syntax("an invalid \\u escape"));
        }
        self.at += 4;
        Ok(unit)
    }

    fn digits(&mut self) -> usize {
        let start = self.at;
        while let Some(b'0'..=b'9') = self.peek() {
            self.at += 1;
        }
        self.at - start
    }

    fn number(&mut self) -> Read<Value> {
        let start = self.at;
        if self.peek() == Some(b'-') {
            self.at += 1;
        }
        let int_start = self.at;
        let int_digits = self.digits();
        if int_digits == 0 || (int_digits > 1 && self.bytes.get(int_start) == Some(&b'0')) {
            return Err(self.syntax("an invalid number"));
        }
        let mut integer = true;
        if self.peek() == Some(b'.') {
            self.at += 1;
            integer = false;
            if self.digits() == 0 {
                return Err(self.syntax("an invalid number"));
            }
        }
        if let Some(b'e' | b'E') = self.peek() {
            self.at += 1;
            integer = false;
            if let Some(b'+' | b'-') = self.peek() {
                self.at += 1;
            }
            if self.digits() == 0 {
                return Err(self.syntax("an invalid number"));
            }
        }
        let literal = self.text.get(start..self.at).unwrap_or("");
        if integer && int_digits <= 16 {
            if let Ok(n) = literal.parse::<i64>() {
                if n.unsigned_abs() <= MAX_SAFE_INTEGER {
                    return Ok(Value::Number(n.into()));
                }
            }
        }
        // Rust's float parser rounds correctly, as JavaScript's does: the same text, the same
        // double (`12345678901234567890` is 12345678901234567000, as `JSON.parse` reads it).
        let float = literal.parse::<f64>().map_err(|_| self.syntax("an invalid number"))?;
        if !float.is_finite() {
            return Err(Found::Invalid(format!(
                "The number {literal} is too large for a JavaScript number (JSON.parse reads it as Infinity); send a finite number."
            )));
        }
        Ok(number(float))
    }
}

/// Up to this many members, an object is kept sorted as it is read, and a repeated key is caught
/// where it repeats (see `Reader::object` and `Reader::discard_object`).
const SORTED_AS_READ: usize = 32;

/// A double as a JSON number, held as an integer when it is one that JavaScript holds exactly:
/// `1.0` and `1`, or `1e2` and `100`, are then the same value whichever form they came in.
pub fn number(float: f64) -> Value {
    if float.fract() == 0.0 && float.abs() <= MAX_SAFE_INTEGER as f64 {
        // Exact: an integer of at most 53 bits (−0 becomes 0, whose JSON form it shares).
        #[allow(clippy::cast_possible_truncation)]
        return Value::Number((float as i64).into());
    }
    Number::from_f64(float).map_or(Value::Null, Value::Number)
}

/// Refuses a value nested deeper than [`ReadLimits::max_depth`] (`LIMIT_EXCEEDED` at the first
/// container past the limit), for values that were not read by [`parse_with_limits`].
///
/// Recursion stops one level past the limit, so it is bounded whatever the value.
pub fn check_depth(value: &Value, limits: impl Into<ReadLimits>) -> Result<()> {
    let limits: ReadLimits = limits.into();
    // First a walk without paths (the common, passing case), then one that names the culprit.
    fn exceeds(value: &Value, level: usize, max: usize) -> bool {
        match value {
            Value::Array(_) | Value::Object(_) if level > max => true,
            Value::Array(items) => items.iter().any(|item| exceeds(item, level + 1, max)),
            Value::Object(members) => members.values().any(|member| exceeds(member, level + 1, max)),
            _ => false,
        }
    }
    fn culprit(value: &Value, level: usize, max: usize, path: &mut String) -> bool {
        let descend = |token: &str, child: &Value, path: &mut String| {
            let len = path.len();
            push_token(path, token);
            let found = culprit(child, level + 1, max, path);
            if !found {
                path.truncate(len);
            }
            found
        };
        match value {
            Value::Array(_) | Value::Object(_) if level > max => true,
            Value::Array(items) => items.iter().enumerate().any(|(i, item)| descend(&i.to_string(), item, path)),
            Value::Object(members) => members.iter().any(|(key, member)| descend(key, member, path)),
            _ => false,
        }
    }
    if !exceeds(value, 1, limits.max_depth) {
        return Ok(());
    }
    let mut path = String::new();
    culprit(value, 1, limits.max_depth, &mut path);
    Err(Error::limit_exceeded(
        path,
        format!("The input nests arrays and objects deeper than {} levels; flatten it.", limits.max_depth),
    ))
}
