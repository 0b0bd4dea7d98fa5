//! The one hot loop of reading and writing JSON strings: how many bytes need no escaping.
//!
//! Both the reader (a string ends at `"`, an escape starts at `\`, a control character is an
//! error) and the canonical writer (`"`, `\` and the controls are escaped) stop at the same
//! bytes. Prose is long runs of plain bytes: eight are tested at once, as one `u64` ("SWAR"),
//! which keeps the loop fast even in the size-optimised WebAssembly build.

const ONES: u64 = u64::from_ne_bytes([0x01; 8]);
const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);

/// Whether any byte of `word` is zero.
#[inline(always)]
fn has_zero_byte(word: u64) -> bool {
    word.wrapping_sub(ONES) & !word & HIGHS != 0
}

/// Whether any byte of `word` is `"`, `\` or below 0x20.
#[inline(always)]
fn has_special_byte(word: u64) -> bool {
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGHS != 0;
    below_space || has_zero_byte(word ^ (ONES * u64::from(b'"'))) || has_zero_byte(word ^ (ONES * u64::from(b'\\')))
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
    let mut words = bytes.chunks_exact(8);
    for chunk in words.by_ref() {
        let Ok(word) = <[u8; 8]>::try_from(chunk).map(u64::from_le_bytes) else { break };
        if has_special_byte(word) {
            break;
        }
        at += 8;
    }
    at + bytes.get(at..).unwrap_or_default().iter().take_while(|&&b| is_plain(b)).count()
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

    proptest! {
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
