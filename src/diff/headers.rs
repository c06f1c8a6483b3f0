//! Headers compared in order and case. A header is matched with its
//! counterpart by name (any case) and occurrence (the second `X-A` with the
//! second `X-A`); matched headers that keep their relative order are not
//! "moved" (a longest common subsequence decides), the others are.

use serde::Serialize;

use crate::model::Header;

/// One header difference.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HeaderChange {
    /// `added`, `removed`, `changed` (value), `case` (only the name's case),
    /// or `moved` (same name and value, another place in the order).
    pub kind: &'static str,
    /// The name as B has it (as A has it for `removed`).
    pub name: String,
    /// A's name and value (`Name: value`), when A has it.
    pub a: Option<String>,
    /// B's, when B has it.
    pub b: Option<String>,
}

/// Headers beyond this many are matched without looking for moves.
const MAX_FOR_MOVES: usize = 500;

fn line(h: &Header) -> String {
    format!("{}: {}", h.name, h.value_str())
}

/// (lowercase name, occurrence) for each header, in order.
fn keys(headers: &[Header]) -> Vec<(String, usize)> {
    let mut seen = std::collections::HashMap::new();
    headers
        .iter()
        .map(|h| {
            let name = h.name.to_ascii_lowercase();
            let n = seen.entry(name.clone()).or_insert(0);
            *n += 1;
            (name, *n)
        })
        .collect()
}

/// The differences between A's and B's headers.
pub fn compare(a: &[Header], b: &[Header]) -> Vec<HeaderChange> {
    let (ka, kb) = (keys(a), keys(b));
    let index_in = |keys: &[(String, usize)], k: &(String, usize)| keys.iter().position(|x| x == k);
    // The matched pairs, in A's order, as (index in A, index in B).
    let pairs: Vec<(usize, usize)> = ka
        .iter()
        .enumerate()
        .filter_map(|(i, k)| index_in(&kb, k).map(|j| (i, j)))
        .collect();
    let kept = in_order(&pairs);
    let mut changes = Vec::new();
    for (i, h) in a.iter().enumerate() {
        if index_in(&kb, &ka[i]).is_none() {
            changes.push(HeaderChange {
                kind: "removed",
                name: h.name.clone(),
                a: Some(line(h)),
                b: None,
            });
        }
    }
    for (j, h) in b.iter().enumerate() {
        let Some(&(i, _)) = pairs.iter().find(|(_, pj)| *pj == j) else {
            changes.push(HeaderChange {
                kind: "added",
                name: h.name.clone(),
                a: None,
                b: Some(line(h)),
            });
            continue;
        };
        let old = &a[i];
        let kind = if old.value != h.value {
            "changed"
        } else if old.name != h.name {
            "case"
        } else if !kept.contains(&(i, j)) {
            "moved"
        } else {
            continue;
        };
        changes.push(HeaderChange {
            kind,
            name: h.name.clone(),
            a: Some(line(old)),
            b: Some(line(h)),
        });
    }
    changes
}

/// The pairs that keep their relative order: a longest increasing run of B
/// indices over A's order (all of them when there are too many to compare).
fn in_order(pairs: &[(usize, usize)]) -> Vec<(usize, usize)> {
    if pairs.len() > MAX_FOR_MOVES {
        return pairs.to_vec();
    }
    let n = pairs.len();
    let mut best = vec![1usize; n];
    let mut prev = vec![usize::MAX; n];
    for i in 0..n {
        for j in 0..i {
            if pairs[j].1 < pairs[i].1 && best[j] + 1 > best[i] {
                best[i] = best[j] + 1;
                prev[i] = j;
            }
        }
    }
    let Some(mut at) = (0..n).max_by_key(|&i| best[i]) else {
        return Vec::new();
    };
    let mut out = vec![pairs[at]];
    while prev[at] != usize::MAX {
        at = prev[at];
        out.push(pairs[at]);
    }
    out
}
