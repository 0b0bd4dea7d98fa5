//! Inline-secret detection (`INLINE_SECRET`).
//!
//! The product rule: promoted content must hold no inline secret, reported
//! with the JSON Pointer path of the offending value. A string value is an
//! inline secret when
//!
//! 1. it is a **non-empty string under a secret-named key** and holds no
//!    `{{secrets.NAME}}` reference ([`SecretKind::SecretNamedKey`]), or
//! 2. it **contains a credential-shaped token** ([`find_credential`]),
//!    wherever it sits in the document.
//!
//! The module uses only `std` and the crate's values, no regular expressions: every
//! pattern is matched by hand-written byte loops, and scanning one string is
//! linear in its length.
//!
//! # Precise edge-case choices
//!
//! **Secret-named keys** ([`is_secret_key`]). A key is secret-named when,
//! compared ASCII-case-insensitively and with every `-` and `_` removed, it
//! equals or ends with `password`, `secret`, `token`, `apikey`,
//! `authorization`, `privatekey` or `clientsecret`. So `password`,
//! `db_password`, `DB-PASSWORD`, `x-api-key`, `apiKey`, `Authorization`,
//! `client_secret`, `privateKey`, `accessToken` are secret-named, while
//! `tokenizer`, `secretName`, `passwordPolicy` and plain `key` are not (the
//! match is on the *end* of the key). Only ASCII letters are case-folded; any
//! other character is compared as is (so it never matches).
//!
//! **"Under a key"** means the string is the value of that object member *or*
//! any string nested at any depth inside that member's value:
//! `{"apiKey": ["abc"]}` flags `/apiKey/0`, and
//! `{"clientSecret": {"value": "x"}}` flags `/clientSecret/value`. The context
//! is inherited downwards and never cleared by a non-secret key below it.
//! [`scan`] starts without that context: the key (if any) that holds the
//! `value` passed to it is not known and not considered.
//!
//! Only **string** values can be flagged; numbers, booleans and `null` under
//! a secret-named key are not. The **empty string** is not flagged under a
//! secret-named key; a whitespace-only string is (the rule says non-empty).
//! **Key names themselves are never scanned**, only string values.
//!
//! **Secret references** ([`secret_references`]). A reference is `{{`,
//! optional ASCII whitespace, the literal `secrets.` (case-sensitive), a NAME
//! of one or more `[A-Za-z0-9_.-]`, optional ASCII whitespace, `}}`. So
//! `{{secrets.CRM}}` and `{{ secrets.CRM }}` are references;
//! `{{secrets.}}`, `{{ secrets . CRM }}`, `{{Secrets.CRM}}` and
//! `{secrets.CRM}` are not. A string under a secret-named key that holds at
//! least one reference anywhere (`"Bearer {{secrets.CRM}}"`) is fine, whatever
//! else it holds, *except* a credential-shaped token (next point).
//!
//! **A reference does not launder a real key**: credential-shaped tokens are
//! flagged even when the string also holds a `{{secrets.X}}` reference, under
//! any key.
//!
//! **Credential-shaped tokens** ([`find_credential`]), each matched
//! case-sensitively, with no requirement on what follows the token (a longer
//! run still matches, as with an unanchored regular expression):
//!
//! | kind | shape |
//! | --- | --- |
//! | [`SecretKind::OpenAiStyleKey`] | `sk-` then at least 20 of `[A-Za-z0-9_-]` |
//! | [`SecretKind::AwsAccessKey`] | `AKIA` then 16 of `[0-9A-Z]` |
//! | [`SecretKind::GitHubToken`] | `gh`, one of `p o u s r`, `_`, then at least 30 of `[A-Za-z0-9]` |
//! | [`SecretKind::SlackToken`] | `xox`, `b` or `p`, `-`, then at least 10 of `[A-Za-z0-9-]` |
//! | [`SecretKind::Jwt`] | header `.` payload `.` signature, see below |
//!
//! A JWT is a header and a payload, each a run of base64url characters
//! (`[A-Za-z0-9_-]`) that starts with `eyJ` and is at least 10 characters long
//! *including* that `eyJ` (10 is the length of the smallest useful JSON object,
//! `{"a":1}`, in base64url), separated by `.`, then another `.` and a
//! signature of at least one base64url character. Unsigned tokens (empty
//! signature, `alg: none`) are therefore not matched. Base64 padding `=` is
//! not part of base64url and ends a part.
//!
//! A token counts only when **not preceded by a letter or digit**: the byte
//! just before its first character is not ASCII alphanumeric, or the token
//! starts the string. So `ask-…` is not flagged but `key=sk-…`, `(sk-…)` and
//! `my_sk-…` are. A non-ASCII letter before the token does not protect it.
//!
//! **One finding per string.** When a string both contains a
//! credential-shaped token and sits under a secret-named key, it is reported
//! once, with the token's kind (the more specific reason). When a string
//! contains several tokens, the kind of the leftmost one is reported.

use crate::pointer::{push_index, push_token};
use crate::value::Value;

/// Why a string was flagged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretKind {
    /// A non-empty string under a secret-named key, without a
    /// `{{secrets.NAME}}` reference.
    SecretNamedKey,
    /// `sk-` followed by at least 20 of `[A-Za-z0-9_-]`.
    OpenAiStyleKey,
    /// `AKIA` followed by 16 of `[0-9A-Z]`.
    AwsAccessKey,
    /// `gh[pousr]_` followed by at least 30 of `[A-Za-z0-9]`.
    GitHubToken,
    /// `xox[bp]-` followed by at least 10 of `[A-Za-z0-9-]`.
    SlackToken,
    /// A JSON Web Token: `eyJ…` `.` `eyJ…` `.` signature.
    Jwt,
}

impl SecretKind {
    /// A short phrase naming the kind, fit for "the value holds {describe}".
    #[must_use]
    pub fn describe(self) -> &'static str {
        match self {
            SecretKind::SecretNamedKey => "a literal value under a secret-named key",
            SecretKind::OpenAiStyleKey => "an OpenAI-style API key (sk-…)",
            SecretKind::AwsAccessKey => "an AWS access key id",
            SecretKind::GitHubToken => "a GitHub token",
            SecretKind::SlackToken => "a Slack token",
            SecretKind::Jwt => "a JSON Web Token",
        }
    }
}

/// One inline secret: where it is and why it was flagged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InlineSecret {
    /// The JSON Pointer of the flagged string value.
    pub path: String,
    /// Why it was flagged.
    pub kind: SecretKind,
}

/// Scans `value` for inline secrets.
///
/// `path` is the JSON Pointer of `value` itself (e.g. `"/source/agents/2"`,
/// or `""` for a whole document); it is used as given, not re-escaped.
/// Findings are appended to `out` in document order: object members in the
/// map's iteration order, arrays by index. At most one finding per string
/// value (see the [module docs](self) for the edge cases).
///
/// The walk keeps the way down as a stack of keys and indexes; it writes a path (and allocates)
/// only for findings.
pub fn scan(value: &Value, path: &str, out: &mut Vec<InlineSecret>) {
    walk(value, path, &mut Vec::new(), false, out);
}

/// A step of the way down to a value: a member's key or an item's index.
enum Step<'v> {
    Key(&'v str),
    Index(usize),
}

fn walk<'v>(
    value: &'v Value,
    path: &str,
    steps: &mut Vec<Step<'v>>,
    under_secret_key: bool,
    out: &mut Vec<InlineSecret>,
) {
    match value {
        Value::String(s) => {
            if let Some(kind) = inspect(s, under_secret_key) {
                let mut pointer = String::with_capacity(path.len() + 64);
                pointer.push_str(path);
                for step in steps.iter() {
                    match step {
                        Step::Key(key) => push_token(&mut pointer, key),
                        Step::Index(index) => push_index(&mut pointer, *index),
                    }
                }
                out.push(InlineSecret { path: pointer, kind });
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                steps.push(Step::Index(index));
                walk(item, path, steps, under_secret_key, out);
                steps.pop();
            }
        }
        Value::Object(members) => {
            for (key, member) in members {
                steps.push(Step::Key(key));
                walk(member, path, steps, under_secret_key || is_secret_key(key), out);
                steps.pop();
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

/// What one string value is flagged for, if anything: a credential-shaped
/// token first; else, under a secret-named key, a non-empty string without a
/// secret reference. One pass over the string.
fn inspect(s: &str, under_secret_key: bool) -> Option<SecretKind> {
    let want_reference = under_secret_key && !s.is_empty();
    if !want_reference && !may_hold_credential(s.as_bytes()) {
        return None;
    }
    let found = Scanner::new(s.as_bytes(), want_reference).run();
    if found.credential.is_some() {
        found.credential
    } else if want_reference && !found.reference {
        Some(SecretKind::SecretNamedKey)
    } else {
        None
    }
}

/// Whether `bytes` may hold a credential-shaped token, judged from the byte every shape holds and
/// its neighbours: `-` after `sk` or `xox[bp]`, `_` after `gh[pousr]`, `K` in `AKIA`, `J` after
/// `ey`. Prose holds hyphens and capitals, but seldom these; a string without one is not scanned.
fn may_hold_credential(bytes: &[u8]) -> bool {
    if bytes.len() < SHORTEST_TOKEN {
        return false;
    }
    let mut from = 0;
    while let Some(at) = bytes.get(from..).and_then(|rest| crate::scan::find_any(rest, [b'-', b'_', b'K', b'J'])) {
        let at = from + at;
        let before = |n: usize| at.checked_sub(n).and_then(|start| bytes.get(start..at));
        let shape = match bytes.get(at) {
            Some(b'-') => before(2) == Some(b"sk") || matches!(before(4), Some([b'x', b'o', b'x', b'b' | b'p'])),
            Some(b'_') => matches!(before(3), Some([b'g', b'h', b'p' | b'o' | b'u' | b's' | b'r'])),
            Some(b'K') => before(1) == Some(b"A") && bytes.get(at + 1..at + 3) == Some(b"IA"),
            Some(b'J') => before(2) == Some(b"ey"),
            _ => false,
        };
        if shape {
            return true;
        }
        from = at + 1;
    }
    false
}

const SECRET_KEY_SUFFIXES: [&[u8]; 7] =
    [b"password", b"secret", b"token", b"apikey", b"authorization", b"privatekey", b"clientsecret"];

/// Whether `key` names a secret: compared ASCII-case-insensitively and
/// ignoring `-` and `_`, it equals or ends with `password`, `secret`,
/// `token`, `apikey`, `authorization`, `privatekey` or `clientsecret`.
///
/// `tokenizer` and `secretName` are not secret keys; `x-api-key`,
/// `DB_PASSWORD` and `accessToken` are. Does not allocate.
#[must_use]
pub fn is_secret_key(key: &str) -> bool {
    // Every suffix ends in `d`, `n`, `t` or `y`: most keys end otherwise, and are done at once.
    let last = key.bytes().rev().find(|&b| b != b'-' && b != b'_').map(|b| b.to_ascii_lowercase());
    matches!(last, Some(b'd' | b'n' | b't' | b'y'))
        && SECRET_KEY_SUFFIXES.iter().any(|suffix| ends_with_folded(key.as_bytes(), suffix))
}

/// Whether `key`, lowercased (ASCII) with `-` and `_` dropped, ends with the
/// lowercase ASCII `suffix`. Walks both from the end.
fn ends_with_folded(key: &[u8], suffix: &[u8]) -> bool {
    let mut folded = key.iter().rev().filter(|&&b| b != b'-' && b != b'_').map(u8::to_ascii_lowercase);
    suffix.iter().rev().all(|&want| folded.next() == Some(want))
}

/// Whether `s` contains at least one `{{secrets.NAME}}` reference
/// (whitespace allowed inside the braces; see [`secret_references`]).
#[must_use]
pub fn holds_secret_reference(s: &str) -> bool {
    secret_references(s).next().is_some()
}

/// The NAMEs of the `{{secrets.NAME}}` references in `s`, in order.
///
/// A reference is `{{`, optional ASCII whitespace, `secrets.`, a NAME of one
/// or more `[A-Za-z0-9_.-]`, optional ASCII whitespace, `}}`.
/// `"{{ secrets.CRM }} and {{secrets.db.main}}"` yields `CRM`, `db.main`.
pub fn secret_references(s: &str) -> impl Iterator<Item = &str> {
    SecretReferences { rest: s }
}

struct SecretReferences<'a> {
    rest: &'a str,
}

impl<'a> Iterator for SecretReferences<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        loop {
            let open = self.rest.find("{{")?;
            let (_, from_open) = self.rest.split_at_checked(open)?;
            match parse_reference(from_open.as_bytes()) {
                Some((start, end, consumed)) => {
                    let name = from_open.get(start..end);
                    self.rest = from_open.get(consumed..).unwrap_or_default();
                    if name.is_some() {
                        return name;
                    }
                }
                // Move one byte on: `{{{secrets.X}}` holds a reference at the
                // second brace. `{` is ASCII, so this stays on a char boundary.
                None => self.rest = from_open.get(1..).unwrap_or_default(),
            }
        }
    }
}

/// Parses a reference at the start of `b` (which starts with `{{`). Returns
/// the NAME's byte range and the length of the whole reference.
///
/// Every byte it reads is ASCII and none is `{`, so the stretches read by
/// failed attempts at different `{{` never overlap: finding all references
/// is linear.
fn parse_reference(b: &[u8]) -> Option<(usize, usize, usize)> {
    let after_open = b.strip_prefix(b"{{")?;
    let lead = count(after_open, usize::MAX, |c| c.is_ascii_whitespace());
    let (_, at_word) = after_open.split_at_checked(lead)?;
    let name_and_rest = at_word.strip_prefix(b"secrets.")?;
    let name_len = count(name_and_rest, usize::MAX, is_name_byte);
    if name_len == 0 {
        return None;
    }
    let (_, after_name) = name_and_rest.split_at_checked(name_len)?;
    let trail = count(after_name, usize::MAX, |c| c.is_ascii_whitespace());
    let (_, at_close) = after_name.split_at_checked(trail)?;
    if !at_close.starts_with(b"}}") {
        return None;
    }
    let start = 2 + lead + b"secrets.".len();
    let end = start + name_len;
    Some((start, end, end + trail + 2))
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'.' || c == b'-'
}

/// The first credential-shaped token in `s` (leftmost start), if any.
///
/// See the [module docs](self) for the exact shapes. A token counts only
/// when the byte before it is not an ASCII letter or digit (or it starts the
/// string). One linear pass over the bytes.
#[must_use]
pub fn find_credential(s: &str) -> Option<SecretKind> {
    Scanner::new(s.as_bytes(), false).run().credential
}

/// What one pass over a string found.
struct Found {
    credential: Option<SecretKind>,
    reference: bool,
}

/// The single pass over a string: looks for the trigger bytes of each
/// credential shape (`s`, `A`, `g`, `x`, `e`) at token starts, and, when
/// asked, for `{{` of a secret reference. Stops at the first credential.
struct Scanner<'a> {
    bytes: &'a [u8],
    want_reference: bool,
}

impl<'a> Scanner<'a> {
    fn new(bytes: &'a [u8], want_reference: bool) -> Self {
        Scanner { bytes, want_reference }
    }

    fn run(self) -> Found {
        let mut found = Found { credential: None, reference: false };
        let mut prev_alnum = false;
        // No JWT can start before this offset (see `jwt`).
        let mut jwt_barrier = 0usize;
        let mut at = 0usize;
        while let Some(rest) = self.bytes.get(at..) {
            let Some(&c) = rest.first() else { break };
            if !prev_alnum {
                let hit = match c {
                    b's' => openai_key(rest).then_some(SecretKind::OpenAiStyleKey),
                    b'A' => aws_key(rest).then_some(SecretKind::AwsAccessKey),
                    b'g' => github_token(rest).then_some(SecretKind::GitHubToken),
                    b'x' => slack_token(rest).then_some(SecretKind::SlackToken),
                    b'e' if at >= jwt_barrier => match jwt(rest) {
                        Ok(()) => Some(SecretKind::Jwt),
                        Err(header_len) => {
                            jwt_barrier = at + header_len;
                            None
                        }
                    },
                    _ => None,
                };
                if hit.is_some() {
                    found.credential = hit;
                    return found;
                }
            }
            // A reference may follow anything (`Bearer{{secrets.X}}`).
            if c == b'{' && self.want_reference && !found.reference {
                found.reference = parse_reference(rest).is_some();
            }
            prev_alnum = c.is_ascii_alphanumeric();
            at += 1;
            if prev_alnum {
                // The rest of the word at once: no token starts inside it, and it holds no `{`.
                at += rest.get(1..).unwrap_or_default().iter().take_while(|b| b.is_ascii_alphanumeric()).count();
            }
        }
        found
    }
}

/// How many leading bytes of `b` satisfy `f`, counting at most `limit`.
fn count(b: &[u8], limit: usize, f: impl Fn(u8) -> bool) -> usize {
    b.iter().take(limit).take_while(|&&c| f(c)).count()
}

/// At least `min` leading bytes of `b` satisfy `f` (reads at most `min`).
fn at_least(b: &[u8], min: usize, f: impl Fn(u8) -> bool) -> bool {
    count(b, min, f) == min
}

fn is_base64url(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'-' || c == b'_'
}

/// `sk-[A-Za-z0-9_-]{20,}`
fn openai_key(b: &[u8]) -> bool {
    b.strip_prefix(b"sk-").is_some_and(|t| at_least(t, 20, is_base64url))
}

/// `AKIA[0-9A-Z]{16}`
fn aws_key(b: &[u8]) -> bool {
    b.strip_prefix(b"AKIA").is_some_and(|t| at_least(t, 16, |c| c.is_ascii_uppercase() || c.is_ascii_digit()))
}

/// `gh[pousr]_[A-Za-z0-9]{30,}`
fn github_token(b: &[u8]) -> bool {
    let Some((&kind, t)) = b.strip_prefix(b"gh").and_then(<[u8]>::split_first) else {
        return false;
    };
    matches!(kind, b'p' | b'o' | b'u' | b's' | b'r')
        && t.strip_prefix(b"_").is_some_and(|t| at_least(t, 30, |c| c.is_ascii_alphanumeric()))
}

/// `xox[bp]-[A-Za-z0-9-]{10,}`
fn slack_token(b: &[u8]) -> bool {
    let Some((&kind, t)) = b.strip_prefix(b"xox").and_then(<[u8]>::split_first) else {
        return false;
    };
    matches!(kind, b'b' | b'p')
        && t.strip_prefix(b"-").is_some_and(|t| at_least(t, 10, |c| c.is_ascii_alphanumeric() || c == b'-'))
}

/// The length of the shortest credential-shaped token: a Slack token, `xox[bp]-` and 10 more
/// (an OpenAI key takes 23 bytes, an AWS key 20, a GitHub token 34, a JWT 23). Most strings are
/// shorter: ids, names, types.
const SHORTEST_TOKEN: usize = 15;

/// Minimum length of a JWT header or payload, `eyJ` included.
const JWT_PART_MIN: usize = 10;

/// A JWT at the start of `b`: `eyJ[b64url]*` (≥ 10) `.` `eyJ[b64url]*`
/// (≥ 10) `.` `[b64url]+`.
///
/// On failure returns the length of the base64url run starting at `b`
/// (0 if `b` does not start with `eyJ`): no JWT can start inside that run,
/// since any start there has the same header end and so the same `.`,
/// payload and signature. Skipping it keeps the whole scan linear even on
/// input like `eyJ-eyJ-eyJ-…`.
fn jwt(b: &[u8]) -> Result<(), usize> {
    if !b.starts_with(b"eyJ") {
        return Err(0);
    }
    let header_len = count(b, usize::MAX, is_base64url);
    let matched = b
        .split_at_checked(header_len)
        .filter(|_| header_len >= JWT_PART_MIN)
        .and_then(|(_, t)| t.strip_prefix(b"."))
        .filter(|payload| payload.starts_with(b"eyJ"))
        .and_then(|payload| {
            let payload_len = count(payload, usize::MAX, is_base64url);
            payload.split_at_checked(payload_len).filter(|_| payload_len >= JWT_PART_MIN)
        })
        .and_then(|(_, t)| t.strip_prefix(b"."))
        .is_some_and(|signature| at_least(signature, 1, is_base64url));
    if matched {
        Ok(())
    } else {
        Err(header_len)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
