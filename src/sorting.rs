//! The crate's two small sorts.
//!
//! Every use of `slice::sort*` (and every `collect` into a `BTreeMap`) instantiates the standard
//! library's quicksort/driftsort for its element type, several kilobytes of WebAssembly each.
//! These are a few hundred bytes per instantiation, O(n log n) in the worst case, and cannot
//! panic: [`sort_by`], a merge sort for lists of copies (references, ids, numbers), with about half
//! the comparisons of a heapsort (the ids of 100,000 items sort twice as fast) and O(n) on sorted
//! input; [`sort_in_place_by`], a heapsort for the few short lists of owned values.

/// Sorts `items` so that no element is `less` than the one before it; equal elements keep their
/// order.
pub(crate) fn sort_by<T: Copy>(items: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    if items.windows(2).all(|pair| !matches!(pair, [a, b] if less(b, a))) {
        return;
    }
    let mut buffer = items.to_vec();
    // Runs of `width` sorted elements are merged pairwise, back and forth between the slice and
    // the buffer, until one run holds everything.
    let mut width = 1;
    let mut in_items = true;
    while width < items.len() {
        if in_items {
            merge_pass(items, &mut buffer, width, &mut less);
        } else {
            merge_pass(&buffer, items, width, &mut less);
        }
        in_items = !in_items;
        width = width.saturating_mul(2);
    }
    if !in_items {
        items.copy_from_slice(&buffer);
    }
}

/// Sorts `items` in place, allocating nothing (not stable): a heapsort, for short lists of values
/// that are not copies.
pub(crate) fn sort_in_place_by<T>(items: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
    let len = items.len();
    for start in (0..len / 2).rev() {
        sift_down(items, start, len, &mut less);
    }
    for end in (1..len).rev() {
        items.swap(0, end);
        sift_down(items, 0, end, &mut less);
    }
}

fn sift_down<T>(items: &mut [T], mut node: usize, end: usize, less: &mut impl FnMut(&T, &T) -> bool) {
    loop {
        let left = 2 * node + 1;
        if left >= end {
            return;
        }
        let right = left + 1;
        let child = match (items.get(left), items.get(right)) {
            (Some(l), Some(r)) if right < end && less(l, r) => right,
            _ => left,
        };
        match (items.get(node), items.get(child)) {
            (Some(parent), Some(bigger)) if less(parent, bigger) => items.swap(node, child),
            _ => return,
        }
        node = child;
    }
}

/// Merges each pair of neighbouring runs of `width` elements of `from` into `to`.
fn merge_pass<T: Copy>(from: &[T], to: &mut [T], width: usize, less: &mut impl FnMut(&T, &T) -> bool) {
    let pair = width.saturating_mul(2);
    for (runs, out) in from.chunks(pair).zip(to.chunks_mut(pair)) {
        let (left, right) = runs.split_at(width.min(runs.len()));
        let (mut left, mut right) = (left.iter().peekable(), right.iter().peekable());
        for slot in out {
            let take_right = match (left.peek(), right.peek()) {
                (Some(a), Some(b)) => less(b, a),
                (None, _) => true,
                (Some(_), None) => false,
            };
            let next = if take_right { right.next() } else { left.next() };
            if let Some(&value) = next {
                *slot = value;
            }
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::{sort_by, sort_in_place_by};
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn sorts_like_the_standard_stable_sort(items in proptest::collection::vec((0u8..8, any::<u16>()), 0..300)) {
            let mut expected = items.clone();
            expected.sort_by_key(|(key, _)| *key);
            let mut sorted = items;
            sort_by(&mut sorted, |a, b| a.0 < b.0);
            prop_assert_eq!(sorted, expected);
        }

        #[test]
        fn the_heapsort_sorts_like_the_standard_sort(mut items in proptest::collection::vec(any::<i16>(), 0..200)) {
            let mut expected = items.clone();
            expected.sort_unstable();
            sort_in_place_by(&mut items, |a, b| a < b);
            prop_assert_eq!(items, expected);
        }
    }
}
