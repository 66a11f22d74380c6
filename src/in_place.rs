//! Reordering and filtering lists of large items without copying them into new lists: at
//! 100,000 initiatives a list of documents or initiatives is tens of megabytes.

/// The present items of `items` (its `Some`s), in the list they are already in.
pub fn keep_present<T>(items: Vec<Option<T>>) -> Vec<T> {
    #[expect(
        clippy::filter_map_identity,
        reason = "`flatten` collects into a new list; `filter_map` collects in place"
    )]
    items.into_iter().filter_map(|item| item).collect()
}

/// The order that sorts `items` by `key`, as positions: sorting compact keys stays in cache,
/// where sorting the large items would move each many times. Equal keys keep their order.
pub fn sorted_order<'a, T, K: Ord>(items: &'a [T], key: impl Fn(&'a T) -> K) -> Vec<usize> {
    let mut keys: Vec<(K, usize)> = items
        .iter()
        .enumerate()
        .map(|(index, item)| (key(item), index))
        .collect();
    keys.sort_unstable();
    keys.into_iter().map(|(_, index)| index).collect()
}

/// Reorders `items` in place so that place `k` holds what was at `order[k]`, moving each item
/// once along its cycle.
pub fn permute<T>(items: &mut [T], order: &[usize]) {
    let mut done = vec![false; items.len()];
    for start in 0..items.len() {
        let mut at = start;
        while !done[at] {
            done[at] = true;
            let from = order[at];
            if from == start {
                break;
            }
            items.swap(at, from);
            at = from;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permuting_in_place_follows_the_order() {
        for order in [
            vec![],
            vec![0],
            vec![2, 0, 1],
            vec![1, 0, 3, 2],
            vec![3, 1, 0, 2, 4],
        ] {
            let mut items: Vec<usize> = (0..order.len()).map(|i| i * 10).collect();
            permute(&mut items, &order);
            let expected: Vec<usize> = order.iter().map(|i| i * 10).collect();
            assert_eq!(items, expected, "{order:?}");
        }
    }

    #[test]
    fn the_sorted_order_sorts_and_somes_keep_the_rest() {
        let items = ["c", "a", "b", "a"];
        let order = sorted_order(&items, |s| *s);
        assert_eq!(order, [1, 3, 2, 0]);
        assert_eq!(keep_present(vec![None, Some(1), None, Some(2)]), [1, 2]);
    }
}
