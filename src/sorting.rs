//! One small sort for the whole crate.
//!
//! Every use of `slice::sort*` (and every `collect` into a `BTreeMap`) instantiates the standard
//! library's quicksort/driftsort for its element type, several kilobytes of WebAssembly each. This
//! heapsort is a few hundred bytes per instantiation, O(n log n) in the worst case, allocates
//! nothing and cannot panic: the crate's sorts are few and small, so code size wins.

/// Sorts `items` so that no element is `less` than the one before it (not stable).
pub(crate) fn sort_by<T>(items: &mut [T], mut less: impl FnMut(&T, &T) -> bool) {
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

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::sort_by;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn heapsort_sorts_like_the_standard_sort(mut items in proptest::collection::vec(any::<i16>(), 0..200)) {
            let mut expected = items.clone();
            expected.sort_unstable();
            sort_by(&mut items, |a, b| a < b);
            prop_assert_eq!(items, expected);
        }
    }
}
