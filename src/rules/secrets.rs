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
//! The module uses only `std` and `serde_json`, no regular expressions: every
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

use serde_json::Value;

use crate::pointer::{push_index, push_token};

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

/// Whether `bytes` may hold a credential-shaped token: every shape holds `-` (`sk-`, `xoxb-`),
/// `_` (`ghp_`), `K` (`AKIA`) or `J` (`eyJ`). Most prose holds none, and is then not scanned.
fn may_hold_credential(bytes: &[u8]) -> bool {
    crate::scan::holds_any(bytes, [b'-', b'_', b'K', b'J'])
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
    SECRET_KEY_SUFFIXES.iter().any(|suffix| ends_with_folded(key.as_bytes(), suffix))
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
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn findings(value: &Value) -> Vec<(String, SecretKind)> {
        let mut out = Vec::new();
        scan(value, "", &mut out);
        out.into_iter().map(|f| (f.path, f.kind)).collect()
    }

    fn flagged_under(key: &str, value: Value) -> Vec<(String, SecretKind)> {
        let mut doc = serde_json::Map::new();
        doc.insert(key.to_owned(), value);
        findings(&Value::Object(doc))
    }

    fn one(path: &str, kind: SecretKind) -> Vec<(String, SecretKind)> {
        vec![(path.to_owned(), kind)]
    }

    fn pad(prefix: &str, n: usize, fill: char) -> String {
        let mut s = prefix.to_owned();
        s.extend(std::iter::repeat_n(fill, n));
        s
    }

    const JWT: &str = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";

    // ---- secret-named keys ----

    #[test]
    fn every_listed_key_form_is_a_secret_key() {
        for key in [
            "password",
            "db_password",
            "DB-PASSWORD",
            "x-api-key",
            "apiKey",
            "api_key",
            "Authorization",
            "client_secret",
            "clientSecret",
            "privateKey",
            "private-key",
            "accessToken",
            "token",
            "secret",
            "SECRET",
            "_token_",
            "p-a-s-s-w-o-r-d",
        ] {
            assert!(is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn keys_that_only_start_with_or_contain_a_secret_word_are_not_secret_keys() {
        for key in [
            "tokenizer",
            "secretName",
            "passwordPolicy",
            "key",
            "apiKeyId",
            "",
            "-_",
            "oken",
            "passwor",
            "authorisation",
        ] {
            assert!(!is_secret_key(key), "{key}");
        }
    }

    #[test]
    fn non_ascii_letters_are_not_case_folded_into_a_secret_key() {
        assert!(!is_secret_key("pаssword")); // Cyrillic а
        assert!(!is_secret_key("toKen\u{0301}"));
    }

    #[test]
    fn a_literal_string_under_each_secret_key_form_is_flagged() {
        for key in [
            "password",
            "db_password",
            "DB-PASSWORD",
            "x-api-key",
            "apiKey",
            "Authorization",
            "client_secret",
            "privateKey",
            "accessToken",
        ] {
            let path = format!("/{key}");
            assert_eq!(flagged_under(key, json!("hunter2")), one(&path, SecretKind::SecretNamedKey), "{key}");
        }
    }

    #[test]
    fn a_string_under_tokenizer_or_secret_name_is_not_flagged() {
        assert!(flagged_under("tokenizer", json!("cl100k")).is_empty());
        assert!(flagged_under("secretName", json!("CRM")).is_empty());
    }

    #[test]
    fn an_empty_string_under_a_secret_key_is_not_flagged() {
        assert!(flagged_under("password", json!("")).is_empty());
    }

    #[test]
    fn a_whitespace_only_string_under_a_secret_key_is_flagged() {
        assert_eq!(flagged_under("password", json!(" ")), one("/password", SecretKind::SecretNamedKey));
    }

    #[test]
    fn numbers_bools_and_null_under_a_secret_key_are_not_flagged() {
        assert!(flagged_under("password", json!(1234)).is_empty());
        assert!(flagged_under("token", json!(true)).is_empty());
        assert!(flagged_under("apiKey", json!(null)).is_empty());
        assert!(flagged_under("secret", json!([1, false, null, 2.5])).is_empty());
    }

    #[test]
    fn a_bearer_header_with_a_secret_reference_is_fine() {
        assert!(flagged_under("Authorization", json!("Bearer {{secrets.CRM}}")).is_empty());
    }

    #[test]
    fn a_secret_reference_with_whitespace_inside_the_braces_is_fine() {
        assert!(flagged_under("password", json!("{{ secrets.CRM }}")).is_empty());
        assert!(flagged_under("password", json!("{{\tsecrets.db.main-1\n}}")).is_empty());
    }

    #[test]
    fn a_malformed_secret_reference_does_not_excuse_a_literal() {
        for s in [
            "{{secrets.}}",
            "{{ secrets . CRM }}",
            "{{Secrets.CRM}}",
            "{secrets.CRM}",
            "{{secrets.CRM}",
            "{{secrets.CR M}}",
            "{{secrets.CRM!}}",
            "secrets.CRM",
        ] {
            assert_eq!(flagged_under("token", json!(s)), one("/token", SecretKind::SecretNamedKey), "{s}");
        }
    }

    #[test]
    fn strings_nested_anywhere_under_a_secret_key_count_too() {
        assert_eq!(findings(&json!({"apiKey": ["abc"]})), one("/apiKey/0", SecretKind::SecretNamedKey));
        assert_eq!(
            findings(&json!({"clientSecret": {"value": "x"}})),
            one("/clientSecret/value", SecretKind::SecretNamedKey)
        );
        assert_eq!(findings(&json!({"tokens": {"a": [[{"name": "deep"}]]}})), vec![]);
        assert_eq!(
            findings(&json!({"auth": {"token": {"list": [["deep", ""]]}}})),
            one("/auth/token/list/0/0", SecretKind::SecretNamedKey)
        );
    }

    #[test]
    fn key_names_themselves_are_never_scanned() {
        let key = pad("sk-", 30, 'a');
        assert!(flagged_under(&key, json!("plain")).is_empty());
        assert!(flagged_under(&key, json!({ "password": 1 })).is_empty());
    }

    #[test]
    fn scan_does_not_know_the_key_that_holds_the_value_it_is_given() {
        let mut out = Vec::new();
        scan(&json!("hunter2"), "/password", &mut out);
        assert!(out.is_empty());
    }

    // ---- credential shapes ----

    #[test]
    fn an_openai_style_key_is_flagged_at_twenty_chars_but_not_at_nineteen() {
        assert_eq!(find_credential(&pad("sk-", 20, 'a')), Some(SecretKind::OpenAiStyleKey));
        assert_eq!(find_credential(&pad("sk-", 19, 'a')), None);
        assert_eq!(find_credential("sk-proj-AB_cd-0123456789xy"), Some(SecretKind::OpenAiStyleKey));
        assert_eq!(find_credential(&(pad("sk-", 19, 'a') + "!")), None);
    }

    #[test]
    fn an_aws_access_key_id_is_flagged_at_sixteen_chars_but_not_at_fifteen() {
        assert_eq!(find_credential("AKIAIOSFODNN7EXAMPLE"), Some(SecretKind::AwsAccessKey));
        assert_eq!(find_credential("AKIAIOSFODNN7EXAMPL"), None);
        assert_eq!(find_credential("AKIAiosfodnn7example"), None);
        assert_eq!(find_credential("akiaIOSFODNN7EXAMPLE"), None);
    }

    #[test]
    fn a_github_token_is_flagged_at_thirty_chars_but_not_at_twenty_nine() {
        for p in ['p', 'o', 'u', 's', 'r'] {
            let prefix = format!("gh{p}_");
            assert_eq!(find_credential(&pad(&prefix, 30, 'Z')), Some(SecretKind::GitHubToken), "{prefix}");
            assert_eq!(find_credential(&pad(&prefix, 29, 'Z')), None, "{prefix}");
        }
        assert_eq!(find_credential(&pad("ghx_", 40, 'Z')), None);
        assert_eq!(find_credential(&pad("ghp-", 40, 'Z')), None);
        assert_eq!(find_credential(&(pad("ghp_", 29, 'Z') + "_Z")), None);
    }

    #[test]
    fn a_slack_token_is_flagged_at_ten_chars_but_not_at_nine() {
        assert_eq!(find_credential("xoxb-123456789-"), Some(SecretKind::SlackToken));
        assert_eq!(find_credential(&pad("xoxp-", 10, '9')), Some(SecretKind::SlackToken));
        assert_eq!(find_credential(&pad("xoxb-", 9, '9')), None);
        assert_eq!(find_credential(&pad("xoxa-", 20, '9')), None);
        assert_eq!(find_credential(&pad("xoxb_", 20, '9')), None);
    }

    #[test]
    fn a_real_looking_jwt_is_flagged() {
        assert_eq!(find_credential(JWT), Some(SecretKind::Jwt));
        assert_eq!(find_credential(&format!("Authorization: Bearer {JWT}")), Some(SecretKind::Jwt));
        assert_eq!(flagged_under("note", json!(format!("see {JWT} here"))), one("/note", SecretKind::Jwt));
    }

    #[test]
    fn a_jwt_is_flagged_at_ten_chars_per_part_and_a_one_char_signature() {
        assert_eq!(find_credential("eyJhIjoxfQ.eyJhIjoxfQ.x"), Some(SecretKind::Jwt));
        assert_eq!(find_credential("eyJhIjoxf.eyJhIjoxfQ.x"), None);
        assert_eq!(find_credential("eyJhIjoxfQ.eyJhIjoxf.x"), None);
        assert_eq!(find_credential("eyJhIjoxfQ.eyJhIjoxfQ."), None);
        assert_eq!(find_credential("eyJhIjoxfQ.eyJhIjoxfQ"), None);
        assert_eq!(find_credential("eyJhIjoxfQ.abJhIjoxfQ.x"), None);
        assert_eq!(find_credential("eyJhIjoxfQ=.eyJhIjoxfQ.x"), None);
    }

    #[test]
    fn a_jwt_is_found_after_a_failed_candidate_in_a_later_run() {
        // The first candidate's payload is too short; a JWT starts inside it.
        assert_eq!(find_credential("eyJhIjoxfQ.x-eyJhIjoxfQ.eyJhIjoxfQ.s"), Some(SecretKind::Jwt));
        assert_eq!(find_credential("eyJ-eyJ-eyJ.eyJhIjoxfQ.s"), Some(SecretKind::Jwt));
    }

    #[test]
    fn a_token_preceded_by_a_letter_or_digit_is_not_flagged() {
        assert_eq!(find_credential(&pad("ask-", 30, 'a')), None);
        assert_eq!(find_credential(&pad("1sk-", 30, 'a')), None);
        assert_eq!(find_credential("XAKIAIOSFODNN7EXAMPLE"), None);
        assert_eq!(find_credential(&pad("sghp_", 36, 'a')), None);
        assert_eq!(find_credential(&pad("0xoxb-", 12, 'a')), None);
        assert_eq!(find_credential(&format!("a{JWT}")), None);
    }

    #[test]
    fn a_token_preceded_by_punctuation_or_at_the_start_is_flagged() {
        let key = pad("sk-", 24, 'a');
        for s in [
            key.clone(),
            format!("key={key}"),
            format!("({key})"),
            format!("my_{key}"),
            format!("é{key}"),
            format!("line1\n{key}"),
        ] {
            assert_eq!(find_credential(&s), Some(SecretKind::OpenAiStyleKey), "{s}");
        }
    }

    #[test]
    fn a_secret_reference_does_not_launder_a_real_key() {
        let s = format!("{{{{secrets.CRM}}}} {}", pad("sk-", 24, 'a'));
        assert!(holds_secret_reference(&s));
        assert_eq!(flagged_under("Authorization", json!(s)), one("/Authorization", SecretKind::OpenAiStyleKey));
        assert_eq!(flagged_under("note", json!(s)), one("/note", SecretKind::OpenAiStyleKey));
    }

    #[test]
    fn a_credential_under_a_secret_key_is_reported_once_with_its_own_kind() {
        assert_eq!(
            flagged_under("aws_secret", json!("AKIAIOSFODNN7EXAMPLE")),
            one("/aws_secret", SecretKind::AwsAccessKey)
        );
    }

    #[test]
    fn the_leftmost_credential_decides_the_kind() {
        let s = format!("{JWT} AKIAIOSFODNN7EXAMPLE");
        assert_eq!(find_credential(&s), Some(SecretKind::Jwt));
        let s = format!("AKIAIOSFODNN7EXAMPLE {JWT}");
        assert_eq!(find_credential(&s), Some(SecretKind::AwsAccessKey));
    }

    #[test]
    fn every_kind_has_a_description() {
        assert_eq!(SecretKind::AwsAccessKey.describe(), "an AWS access key id");
        for kind in [
            SecretKind::SecretNamedKey,
            SecretKind::OpenAiStyleKey,
            SecretKind::AwsAccessKey,
            SecretKind::GitHubToken,
            SecretKind::SlackToken,
            SecretKind::Jwt,
        ] {
            assert!(!kind.describe().is_empty());
        }
    }

    // ---- references ----

    #[test]
    fn secret_references_yields_the_names_in_order() {
        let s = "{{ secrets.CRM }} and {{secrets.db.main}}, {{secrets.}} {{{secrets.x_y-1}}}";
        assert_eq!(secret_references(s).collect::<Vec<_>>(), vec!["CRM", "db.main", "x_y-1"]);
        assert!(holds_secret_reference("Bearer {{secrets.CRM}}"));
        assert!(!holds_secret_reference("Bearer {{ env.CRM }}"));
        assert!(!holds_secret_reference(""));
        assert_eq!(secret_references("é{{secrets.ü}}").count(), 0);
        assert_eq!(secret_references("é{{secrets.a}}ü").collect::<Vec<_>>(), vec!["a"]);
    }

    // ---- paths ----

    #[test]
    fn paths_escape_tilde_and_slash() {
        assert_eq!(
            findings(&json!({"a/b": {"c~d": {"password": "x"}}})),
            one("/a~1b/c~0d/password", SecretKind::SecretNamedKey)
        );
        assert_eq!(findings(&json!({"~/": {"token": "x"}})), one("/~0~1/token", SecretKind::SecretNamedKey));
    }

    #[test]
    fn nested_arrays_get_index_paths_in_document_order() {
        let key = pad("sk-", 20, 'a');
        let mut items: Vec<Value> = (0..11).map(|i| json!(i)).collect();
        items[10] = json!([["ok", key.clone()]]);
        items[0] = json!(key.clone());
        let doc = json!({"agents": items, "b": {"password": ["x", 1, "y"]}});
        assert_eq!(
            findings(&doc),
            vec![
                ("/agents/0".to_owned(), SecretKind::OpenAiStyleKey),
                ("/agents/10/0/1".to_owned(), SecretKind::OpenAiStyleKey),
                ("/b/password/0".to_owned(), SecretKind::SecretNamedKey),
                ("/b/password/2".to_owned(), SecretKind::SecretNamedKey),
            ]
        );
    }

    #[test]
    fn scan_prefixes_the_given_path_and_appends_to_existing_findings() {
        let mut out = vec![InlineSecret { path: "/earlier".to_owned(), kind: SecretKind::Jwt }];
        scan(&json!({"token": "x"}), "/source/agents/2", &mut out);
        assert_eq!(out.len(), 2);
        assert_eq!(out[1].path, "/source/agents/2/token");
        let mut out = Vec::new();
        scan(&json!(JWT), "/a~1b", &mut out);
        assert_eq!(out[0].path, "/a~1b");
    }

    #[test]
    fn a_long_adversarial_string_scans_quickly() {
        // Each piece makes a naive matcher quadratic: many candidate starts
        // sharing one long run.
        let s = "eyJ-".repeat(250_000)
            + "."
            + &"eyJ_".repeat(250_000)
            + ".!"
            + &"{{ ".repeat(100_000)
            + &"sk-!".repeat(100_000)
            + &"{{secrets.".repeat(100_000)
            + &"ghp_".repeat(100_000);
        let start = std::time::Instant::now();
        assert_eq!(find_credential(&s), None);
        assert_eq!(flagged_under("token", json!(s)).len(), 1);
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }

    // ---- reference implementations for the properties ----

    fn naive_is_secret_key(key: &str) -> bool {
        let k: String = key.chars().filter(|&c| c != '-' && c != '_').map(|c| c.to_ascii_lowercase()).collect();
        ["password", "secret", "token", "apikey", "authorization", "privatekey", "clientsecret"]
            .iter()
            .any(|s| k.ends_with(s))
    }

    fn run_len(b: &[u8], f: fn(u8) -> bool) -> usize {
        b.iter().take_while(|&&c| f(c)).count()
    }

    /// Quadratic, obviously-correct matcher at one position.
    fn naive_at(b: &[u8]) -> Option<SecretKind> {
        let b64 = |c: u8| c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
        if let Some(t) = b.strip_prefix(b"sk-") {
            if t.iter().take_while(|&&c| b64(c)).count() >= 20 {
                return Some(SecretKind::OpenAiStyleKey);
            }
        }
        if let Some(t) = b.strip_prefix(b"AKIA") {
            if t.len() >= 16 && t[..16].iter().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit()) {
                return Some(SecretKind::AwsAccessKey);
            }
        }
        for p in [b"ghp_", b"gho_", b"ghu_", b"ghs_", b"ghr_"] {
            if let Some(t) = b.strip_prefix(p) {
                if run_len(t, |c| c.is_ascii_alphanumeric()) >= 30 {
                    return Some(SecretKind::GitHubToken);
                }
            }
        }
        for p in [b"xoxb-", b"xoxp-"] {
            if let Some(t) = b.strip_prefix(p) {
                if run_len(t, |c| c.is_ascii_alphanumeric() || c == b'-') >= 10 {
                    return Some(SecretKind::SlackToken);
                }
            }
        }
        let b64f: fn(u8) -> bool = |c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_';
        if b.starts_with(b"eyJ") {
            let h = run_len(b, b64f);
            if h >= 10 && b.get(h) == Some(&b'.') {
                let p = &b[h + 1..];
                let pl = run_len(p, b64f);
                if p.starts_with(b"eyJ")
                    && pl >= 10
                    && p.get(pl) == Some(&b'.')
                    && p.get(pl + 1).is_some_and(|&c| b64f(c))
                {
                    return Some(SecretKind::Jwt);
                }
            }
        }
        None
    }

    fn naive_find_credential(s: &str) -> Option<SecretKind> {
        let b = s.as_bytes();
        (0..b.len()).filter(|&i| i == 0 || !b[i - 1].is_ascii_alphanumeric()).find_map(|i| naive_at(&b[i..]))
    }

    fn naive_references(s: &str) -> Vec<String> {
        let mut names = Vec::new();
        let b = s.as_bytes();
        let mut i = 0;
        while i < b.len() {
            if b[i..].starts_with(b"{{") {
                let mut j = i + 2;
                while j < b.len() && b[j].is_ascii_whitespace() {
                    j += 1;
                }
                if b[j..].starts_with(b"secrets.") {
                    j += 8;
                    let n0 = j;
                    while j < b.len() && is_name_byte(b[j]) {
                        j += 1;
                    }
                    let n1 = j;
                    while j < b.len() && b[j].is_ascii_whitespace() {
                        j += 1;
                    }
                    if n1 > n0 && b[j..].starts_with(b"}}") {
                        names.push(s[n0..n1].to_owned());
                        i = j + 2;
                        continue;
                    }
                }
            }
            i += 1;
        }
        names
    }

    const TRIGGERS: [&str; 5] = ["sk-", "AKIA", "gh", "xox", "eyJ"];

    /// Strings over an alphabet dense in trigger characters.
    fn tricky() -> impl Strategy<Value = String> {
        proptest::collection::vec(
            prop_oneof![
                4 => proptest::sample::select(vec![
                    "sk-", "AKIA", "gh", "ghp_", "ghs_", "ghx_", "xox", "xoxb-", "xoxp-",
                    "eyJ", "eyJhIjoxfQ", "eyJhIjoxf", "eyJhIjoxfQ.", "eyJhIjoxfQ.eyJhIjoxfQ.",
                    ".", "{{", "}}", "{{ ", " }}", "secrets.", "{{secrets.", "CRM", "é",
                    "a", "Z", "0", "-", "_", "=", "!", "(", "0123456789", "ABCDEFGH",
                    "abcdefghij", "0123456789ABCDEFGHIJabcdefghi",
                ])
                .prop_map(str::to_owned),
                1 => "[a-zA-Z0-9_.-]{1,40}",
                1 => any::<char>().prop_map(String::from),
            ],
            0..24,
        )
        .prop_map(|parts| parts.concat())
    }

    fn json_tree(leaf: BoxedStrategy<String>, key: BoxedStrategy<String>) -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            leaf.prop_map(Value::String),
            any::<i64>().prop_map(Value::from),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
        ];
        leaf.prop_recursive(4, 48, 6, move |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                proptest::collection::vec((key.clone(), inner), 0..6)
                    .prop_map(|m| Value::Object(m.into_iter().collect())),
            ]
        })
    }

    proptest! {
        #[test]
        fn scan_never_panics_on_arbitrary_strings_and_keys(
            doc in json_tree(
                prop_oneof![any::<String>(), tricky()].boxed(),
                prop_oneof![any::<String>(), tricky(), Just("token".to_owned())].boxed(),
            ),
            path in any::<String>(),
        ) {
            let mut out = Vec::new();
            scan(&doc, &path, &mut out);
            for f in &out {
                prop_assert!(f.path.starts_with(&path));
            }
        }

        #[test]
        fn a_string_without_a_trigger_under_a_non_secret_key_is_never_flagged(
            s in prop_oneof![any::<String>(), tricky()]
                .prop_filter("no trigger prefix", |s| !TRIGGERS.iter().any(|t| s.contains(t))),
            key in prop_oneof![any::<String>(), tricky()]
                .prop_filter("non-secret key", |k| !naive_is_secret_key(k)),
        ) {
            prop_assert_eq!(find_credential(&s), None);
            let doc = json!([s, {"x": s}]);
            prop_assert!(flagged_under(&key, doc).is_empty());
        }

        #[test]
        fn the_scan_finds_every_credential_that_find_credential_finds(s in prop_oneof![any::<String>(), tricky()]) {
            // The scan skips strings holding none of `-`, `_`, `K`, `J`: no credential is lost.
            let found: Vec<SecretKind> = flagged_under("note", json!(s)).into_iter().map(|(_, kind)| kind).collect();
            prop_assert_eq!(found, find_credential(&s).into_iter().collect::<Vec<_>>());
        }

        #[test]
        fn find_credential_agrees_with_a_naive_matcher(s in prop_oneof![any::<String>(), tricky()]) {
            prop_assert_eq!(find_credential(&s), naive_find_credential(&s));
        }

        #[test]
        fn is_secret_key_agrees_with_an_allocating_definition(
            k in prop_oneof![
                any::<String>(),
                "[-_a-zA-Z]{0,6}(password|secret|token|apikey|authorization|privatekey|clientsecret|PassWord|API_KEY|Client-Secret)[-_a-z]{0,3}",
            ],
        ) {
            prop_assert_eq!(is_secret_key(&k), naive_is_secret_key(&k));
        }

        #[test]
        fn secret_references_agree_with_a_naive_parser(s in tricky()) {
            let ours: Vec<String> = secret_references(&s).map(str::to_owned).collect();
            prop_assert_eq!(&ours, &naive_references(&s));
            prop_assert_eq!(holds_secret_reference(&s), !ours.is_empty());
        }

        #[test]
        fn a_credential_after_any_non_alphanumeric_char_is_found(
            before in any::<String>(),
            sep in any::<char>().prop_filter("not alnum", |c| !c.is_ascii_alphanumeric()),
            which in 0usize..5,
        ) {
            let token = [
                "sk-abcdefghijklmnopqrstuvwxyz",
                "AKIAIOSFODNN7EXAMPLE",
                "ghp_0123456789abcdefghijklmnopqrstuvwxyz",
                "xoxb-0123456789-abc",
                JWT,
            ][which];
            let s = format!("{before}{sep}{token}");
            prop_assert!(find_credential(&s).is_some());
            let under = flagged_under("note", json!(s));
            prop_assert_eq!(under.len(), 1);
        }
    }
}
