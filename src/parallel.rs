//! Running independent jobs on all cores, the costliest first.
//!
//! A render has a handful of templates of very different sizes (one
//! `deployment.yaml` looping over every app can be most of the work); starting
//! the largest job first and letting idle threads take the next one keeps
//! both cores busy without a thread pool dependency.

use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// `f` applied to every item, results in the items' order. `cost` estimates
/// an item's work; the costliest start first.
pub fn map<T, R, F>(items: &[T], cost: impl Fn(&T) -> usize, f: F) -> Vec<R>
where
    T: Sync,
    R: Send,
    F: Fn(&T) -> R + Sync,
{
    let mut order: Vec<usize> = (0..items.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(cost(&items[i])));

    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(items.len())
        .max(1);
    if threads == 1 {
        return items.iter().map(f).collect();
    }

    let next = AtomicUsize::new(0);
    let results: Vec<Mutex<Option<R>>> = items.iter().map(|_| Mutex::new(None)).collect();
    let work = || {
        while let Some(&index) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
            let result = f(&items[index]);
            *results[index].lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
        }
    };
    std::thread::scope(|scope| {
        for _ in 1..threads {
            scope.spawn(work);
        }
        work();
    });
    results
        .into_iter()
        .map(|cell| {
            cell.into_inner()
                .unwrap_or_else(|p| p.into_inner())
                .expect("every job ran to completion inside the scope")
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn results_keep_the_items_order_whatever_runs_first() {
        let items: Vec<usize> = (0..100).collect();
        let squares = super::map(&items, |&i| i % 7, |&i| i * i);
        assert_eq!(squares, items.iter().map(|i| i * i).collect::<Vec<_>>());
    }

    #[test]
    fn no_items_no_results() {
        let none: Vec<u8> = Vec::new();
        assert!(super::map(&none, |_| 0, |&b| b).is_empty());
    }
}
