//! JSON Pointers (RFC 6901): the `path` of every error and issue, and of every patch operation.
//!
//! The one place where reference tokens are escaped (`~` → `~0`, `/` → `~1`) and unescaped.

/// Appends `/` and one escaped reference token.
pub fn push_token(pointer: &mut String, token: &str) {
    pointer.push('/');
    if !token.bytes().any(|b| b == b'~' || b == b'/') {
        pointer.push_str(token);
        return;
    }
    for c in token.chars() {
        match c {
            '~' => pointer.push_str("~0"),
            '/' => pointer.push_str("~1"),
            c => pointer.push(c),
        }
    }
}

/// Appends `/` and an array index, in decimal (without `fmt`: this runs once per array item
/// on the hottest paths).
pub fn push_index(pointer: &mut String, index: usize) {
    pointer.push('/');
    pointer.push_str(crate::scan::decimal(index as u64, &mut [0; 20]));
}

/// `base` followed by one escaped token.
pub fn child(base: &str, token: &str) -> String {
    let mut pointer = String::with_capacity(base.len() + token.len() + 1);
    pointer.push_str(base);
    push_token(&mut pointer, token);
    pointer
}

/// `base` followed by an array index.
pub fn index(base: &str, index: usize) -> String {
    let mut pointer = String::with_capacity(base.len() + 8);
    pointer.push_str(base);
    push_index(&mut pointer, index);
    pointer
}

/// The unescaped reference tokens of a pointer; `None` when it is not one (it must be empty or
/// start with `/`, and `~` may only be followed by `0` or `1`).
pub fn tokens(pointer: &str) -> Option<Vec<String>> {
    if pointer.is_empty() {
        return Some(Vec::new());
    }
    pointer.strip_prefix('/')?.split('/').map(unescape).collect()
}

/// One reference token, unescaped.
fn unescape(token: &str) -> Option<String> {
    if !token.contains('~') {
        return Some(token.to_owned());
    }
    let mut out = String::with_capacity(token.len());
    let mut chars = token.chars();
    while let Some(c) = chars.next() {
        if c == '~' {
            out.push(match chars.next()? {
                '0' => '~',
                '1' => '/',
                _ => return None,
            });
        } else {
            out.push(c);
        }
    }
    Some(out)
}

/// An array index token as RFC 6901 writes it: `0`, or digits without a leading zero.
pub fn array_index(token: &str) -> Option<usize> {
    let digits = !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit());
    if digits && (token == "0" || !token.starts_with('0')) {
        token.parse().ok()
    } else {
        None
    }
}
