//! `--find-renames`: pairing a removed and an added resource of one kind
//! whose contents are alike. Comparing every removed resource with every
//! added one exactly is quadratic in diffs of whole documents (a renamed
//! release of 2,000 apps took minutes), so each removed resource is first
//! scored against the candidates by the lines they share, cheaply, and only
//! its best few are compared exactly.

use super::{group_of, normalize};
use crate::manifest::Document;
use std::collections::HashSet;
use std::hash::{DefaultHasher, Hash, Hasher};

/// How many of the best-scored candidates of a removed resource are compared exactly.
const EXACT_COMPARISONS: usize = 3;

/// Greedy pairing by likeness, best first. Returns (index into `added`,
/// index into `removed`) pairs whose fraction of changed lines is below
/// `max_changed` (helm-diff's `--find-renames`: lines added and removed
/// over all lines of the diff).
pub fn pair_renames(
    (old_docs, removed): (&[Document], &[usize]),
    (new_docs, added): (&[Document], &[(usize, usize)]),
    max_changed: f64,
) -> Vec<(usize, usize)> {
    // Scored on the real values, never printed: masked Secrets all look alike.
    let normalized = |doc: &Document| normalize::single(doc, true);
    let old_texts: Vec<String> = removed.iter().map(|&i| normalized(&old_docs[i])).collect();
    let new_texts: Vec<String> = added
        .iter()
        .map(|&(_, i)| normalized(&new_docs[i]))
        .collect();
    let old_lines: Vec<HashSet<u64>> = old_texts.iter().map(|t| line_hashes(t)).collect();
    let new_lines: Vec<HashSet<u64>> = new_texts.iter().map(|t| line_hashes(t)).collect();

    let mut candidates = Vec::new();
    for (r, &old_position) in removed.iter().enumerate() {
        let old_doc = &old_docs[old_position];
        let mut scored: Vec<(f64, usize, usize)> = added
            .iter()
            .enumerate()
            .filter(|(_, (_, new_position))| {
                let new_doc = &new_docs[*new_position];
                old_doc.head.kind == new_doc.head.kind
                    && group_of(&old_doc.head.api_version) == group_of(&new_doc.head.api_version)
            })
            .map(|(a, &(_, new_position))| {
                let shared = shared_lines(&old_lines[r], &new_lines[a]);
                // Documents alike but for their names tie on lines; the
                // closer name (`old-3` and `new-3`) goes first.
                let names = name_likeness(&old_doc.head.name, &new_docs[new_position].head.name);
                (shared, names, a)
            })
            .collect();
        scored.sort_by(|x, y| y.0.total_cmp(&x.0).then(y.1.cmp(&x.1)));
        for &(_, _, a) in scored.iter().take(EXACT_COMPARISONS) {
            let changed = changed_fraction(&old_texts[r], &new_texts[a]);
            if changed < max_changed {
                candidates.push((changed, a, r));
            }
        }
    }
    candidates.sort_by(|x, y| x.0.total_cmp(&y.0));
    let (mut used_added, mut used_removed) = (vec![false; added.len()], vec![false; removed.len()]);
    let mut pairs = Vec::new();
    for (_, a, r) in candidates {
        if !used_added[a] && !used_removed[r] {
            used_added[a] = true;
            used_removed[r] = true;
            pairs.push((a, r));
        }
    }
    pairs
}

/// Lines added and removed over all lines of the line diff, as helm-diff
/// measures a rename: 0 for the same text, 1 for nothing in common.
fn changed_fraction(old: &str, new: &str) -> f64 {
    let (mut same, mut changed) = (0usize, 0usize);
    for op in similar::TextDiff::from_lines(old, new).ops() {
        match op.tag() {
            similar::DiffTag::Equal => same += op.old_range().len(),
            similar::DiffTag::Delete => changed += op.old_range().len(),
            similar::DiffTag::Insert => changed += op.new_range().len(),
            similar::DiffTag::Replace => changed += op.old_range().len() + op.new_range().len(),
        }
    }
    changed as f64 / (same + changed).max(1) as f64
}

fn line_hashes(text: &str) -> HashSet<u64> {
    text.lines()
        .map(|line| {
            let mut hasher = DefaultHasher::new();
            line.hash(&mut hasher);
            hasher.finish()
        })
        .collect()
}

/// The share of lines two texts have in common, like the exact ratio.
fn shared_lines(a: &HashSet<u64>, b: &HashSet<u64>) -> f64 {
    let (small, large) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    let common = small.iter().filter(|h| large.contains(h)).count();
    2.0 * common as f64 / (a.len() + b.len()).max(1) as f64
}

/// How much two names share at their start and end, in characters.
fn name_likeness(a: &str, b: &str) -> usize {
    let prefix = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let suffix = a
        .chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .count();
    prefix + suffix
}
