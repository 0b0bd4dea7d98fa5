//! The one hot loop of reading and writing JSON strings: how many bytes need no escaping.
//!
//! Both the reader (a string ends at `"`, an escape starts at `\`, a control character is an
//! error) and the canonical writer (`"`, `\` and the controls are escaped) stop at the same
//! bytes. Prose is long runs of plain bytes: eight are tested at once, as one `u64` ("SWAR"),
//! which keeps the loop fast even in the size-optimised WebAssembly build.

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// The high bit of (at least) the lowest zero byte of `word` set, and no bit if it has none.
#[inline(always)]
fn zero_bytes(word: u64) -> u64 {
    word.wrapping_sub(ONES) & !word & HIGHS
}

/// Whether any byte of `word` is `"`, `\` or below 0x20. The three tests are combined without
/// branches: most words of a string have none of them.
#[inline(always)]
fn has_special_byte(word: u64) -> bool {
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGHS;
    below_space | zero_bytes(word ^ (ONES * u64::from(b'"'))) | zero_bytes(word ^ (ONES * u64::from(b'\\'))) != 0
}

/// Whether a JSON string holds `b` as it is: not `"`, `\` nor a control character.
#[inline(always)]
pub(crate) fn is_plain(b: u8) -> bool {
    b >= 0x20 && b != b'"' && b != b'\\'
}

/// The length of the run of plain bytes (see [`is_plain`]) that `bytes` starts with.
#[inline]
pub(crate) fn plain_len(bytes: &[u8]) -> usize {
    let mut at = 0;
    // Plain loops rather than iterator adapters: most strings (keys, ids) are short, and the
    // size-optimised build inlines little.
    while let Some(Ok(word)) = bytes.get(at..at + 8).map(|chunk| <[u8; 8]>::try_from(chunk).map(u64::from_le_bytes)) {
        if has_special_byte(word) {
            break;
        }
        at += 8;
    }
    while let Some(&b) = bytes.get(at) {
        if !is_plain(b) {
            break;
        }
        at += 1;
    }
    at
}

/// The decimal digits of `n`, written into `buffer` (20 bytes hold every `u64`).
pub(crate) fn decimal(n: u64, buffer: &mut [u8; 20]) -> &str {
    let mut rest = n;
    let mut len = 0;
    for slot in buffer.iter_mut().rev() {
        *slot = b'0' + (rest % 10) as u8;
        rest /= 10;
        len += 1;
        if rest == 0 {
            break;
        }
    }
    let digits = buffer.get(buffer.len() - len..).unwrap_or_default();
    std::str::from_utf8(digits).unwrap_or("0")
}

/// Where the first of the four bytes `needles` is in `bytes`, tested eight bytes at a time.
pub(crate) fn find_any(bytes: &[u8], needles: [u8; 4]) -> Option<usize> {
    let [a, b, c, d] = needles.map(|needle| ONES * u64::from(needle));
    let mut words = bytes.chunks_exact(8);
    let mut at = 0;
    for chunk in words.by_ref() {
        let Ok(word) = <[u8; 8]>::try_from(chunk).map(u64::from_le_bytes) else { break };
        let hits = zero_bytes(word ^ a) | zero_bytes(word ^ b) | zero_bytes(word ^ c) | zero_bytes(word ^ d);
        if hits != 0 {
            // The lowest flagged byte is a true hit (see `zero_bytes`); bytes are little-endian.
            return Some(at + (hits.trailing_zeros() / 8) as usize);
        }
        at += 8;
    }
    words.remainder().iter().position(|byte| needles.contains(byte)).map(|i| at + i)
}

/// A total order of ids for sorting and searching them (not the order of `str`): by length,
/// then by their bytes from the last one back. Generated ids share long prefixes
/// (`agent-00017`, `agent-00018`) and differ near the end, where this looks first; sorting by
/// `str` order compares every shared byte, through `memcmp`, byte by byte in WebAssembly.
pub(crate) fn id_order(a: &str, b: &str) -> std::cmp::Ordering {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return a.len().cmp(&b.len());
    }
    // Eight bytes at a time from the end, as little-endian words (the last byte weighs most),
    // then the first bytes left over the same way. Plain loops: the size-optimised build does
    // not inline iterator adapters.
    let mut end = a.len();
    while end >= 8 {
        let full =
            |bytes: &[u8]| bytes.get(end - 8..end).and_then(|c| <[u8; 8]>::try_from(c).ok()).map(u64::from_le_bytes);
        let (x, y) = (full(a), full(b));
        if x != y {
            return x.cmp(&y);
        }
        end -= 8;
    }
    // The first bytes left over, from the last one back: the order of their little-endian word,
    // byte by byte (copying fewer than eight bytes into a word calls `memmove`, which costs more
    // than the comparison itself for a short id).
    while end > 0 {
        end -= 1;
        let (x, y) = (a.get(end), b.get(end));
        if x != y {
            return x.cmp(&y);
        }
    }
    std::cmp::Ordering::Equal
}

/// Whether any byte of `bytes` is `min` or above.
pub(crate) fn has_byte_from(bytes: &[u8], min: u8) -> bool {
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        if b >= min {
            return true;
        }
        at += 1;
    }
    false
}

/// Whether `a` and `b` hold the same bytes, compared eight at a time: the WebAssembly build's
/// `memcmp` goes byte by byte.
pub(crate) fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    if a.len() != b.len() {
        return false;
    }
    let (mut x, mut y) = (a.chunks_exact(8), b.chunks_exact(8));
    let words_equal = x.by_ref().zip(y.by_ref()).all(|(x, y)| {
        <[u8; 8]>::try_from(x).map(u64::from_ne_bytes).ok() == <[u8; 8]>::try_from(y).map(u64::from_ne_bytes).ok()
    });
    words_equal && x.remainder() == y.remainder()
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[allow(clippy::unwrap_used, clippy::indexing_slicing)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn byte_by_byte(bytes: &[u8]) -> usize {
        bytes.iter().take_while(|&&b| is_plain(b)).count()
    }

    #[test]
    fn every_special_byte_ends_the_run_wherever_it_sits() {
        for special in (0u8..0x20).chain([b'"', b'\\']) {
            for at in 0..20 {
                let mut bytes = vec![b'a'; 20];
                bytes[at] = special;
                assert_eq!(plain_len(&bytes), at, "byte {special:#x} at {at}");
            }
        }
        assert_eq!(plain_len(&[0x7f, 0xff, 0x80, b'!', b'#', b'[', b']', 0x20, 0xe2]), 9);
    }

    #[test]
    fn bytes_are_the_same_only_when_every_byte_and_the_length_agree() {
        let text = b"The customer asked about the refund of the invoice.";
        for len in 0..text.len() {
            assert!(same_bytes(&text[..len], &text[..len]));
            assert!(!same_bytes(&text[..len], &text[..len + 1]));
            let mut other = text[..len + 1].to_vec();
            other[len] ^= 1;
            assert!(!same_bytes(&text[..len + 1], &other), "differs at {len}");
        }
    }

    #[test]
    fn any_of_four_bytes_is_found_wherever_it_sits() {
        for at in 0..20 {
            for needle in [b'-', b'_', b'K', b'J'] {
                let mut bytes = vec![b'a'; 20];
                assert_eq!(find_any(&bytes, [b'-', b'_', b'K', b'J']), None);
                bytes[at] = needle;
                bytes[19] = b'K';
                assert_eq!(find_any(&bytes, [b'-', b'_', b'K', b'J']), Some(at), "{needle} at {at}");
                assert_eq!(find_any(&bytes, [b'x', b'y', b'z', b'w']), None);
            }
        }
    }

    #[test]
    fn ids_of_one_length_are_ordered_by_their_last_differing_byte() {
        use std::cmp::Ordering::{Equal, Greater, Less};
        assert_eq!(id_order("agent-00017", "agent-00018"), Less);
        assert_eq!(id_order("agent-10017", "agent-00018"), Less);
        assert_eq!(id_order("agent-10018", "agent-00018"), Greater);
        assert_eq!(id_order("knowledge-base-document-000123", "knowledge-base-document-000123"), Equal);
        assert_eq!(id_order("x-knowledge-base-document-0001", "y-knowledge-base-document-0001"), Less);
        assert_eq!(id_order("zz", "aaa"), Less);
    }

    proptest! {
        #[test]
        fn the_id_order_is_a_total_order(
            a in "[a-c0-2\u{e9}-]{0,20}",
            b in "[a-c0-2\u{e9}-]{0,20}",
            c in "[a-c0-2\u{e9}-]{0,20}",
        ) {
            prop_assert_eq!(id_order(&a, &b) == std::cmp::Ordering::Equal, a == b);
            // By length, then by the bytes from the last one back.
            let reversed = |s: &str| s.bytes().rev().collect::<Vec<u8>>();
            prop_assert_eq!(id_order(&a, &b), a.len().cmp(&b.len()).then(reversed(&a).cmp(&reversed(&b))));
            prop_assert_eq!(id_order(&a, &b), id_order(&b, &a).reverse());
            if id_order(&a, &b).is_le() && id_order(&b, &c).is_le() {
                prop_assert!(id_order(&a, &c).is_le());
            }
        }

        #[test]
        fn any_of_four_is_found_as_a_byte_by_byte_search_finds_it(
            bytes in prop::collection::vec(any::<u8>(), 0..64),
            needles in any::<[u8; 4]>(),
        ) {
            prop_assert_eq!(find_any(&bytes, needles), bytes.iter().position(|b| needles.contains(b)));
        }

        #[test]
        fn decimal_digits_are_those_of_to_string(n in prop_oneof![0u64..1000, any::<u64>(), Just(u64::MAX)]) {
            let mut buffer = [0; 20];
            prop_assert_eq!(decimal(n, &mut buffer), n.to_string());
        }

        #[test]
        fn the_run_is_the_one_a_byte_by_byte_scan_finds(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            prop_assert_eq!(plain_len(&bytes), byte_by_byte(&bytes));
        }

        #[test]
        fn the_run_is_found_in_mostly_plain_text(
            bytes in prop::collection::vec(prop_oneof![8 => 0x20u8..0x7f, 1 => any::<u8>()], 0..200),
        ) {
            prop_assert_eq!(plain_len(&bytes), byte_by_byte(&bytes));
        }
    }
}
