//! Cycles of `when` links between questions (a question shown only when another is answered,
//! which is shown only when…). Each question has at most one link, so one walk per question
//! that stops at anything already walked visits each question once: linear. Following the
//! links from every question, as the loader did, was quadratic for a long chain (50,000
//! questions: over 30 s).

use std::collections::{HashMap, HashSet};
use std::hash::Hash;

/// The ids on a cycle, and how many steps finding them took (for the test of its shape).
/// `next(id)` is the id the question's condition names, if that question exists.
pub fn members<'a, K>(
    ids: impl Iterator<Item = K>,
    next: impl Fn(K) -> Option<K>,
) -> (HashSet<K>, usize)
where
    K: Copy + Eq + Hash + 'a,
{
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        OnPath,
        Done,
    }
    let mut mark: HashMap<K, Mark> = HashMap::new();
    let mut cyclic = HashSet::new();
    let mut steps = 0;
    for start in ids {
        let mut path: Vec<K> = Vec::new();
        let mut cur = Some(start);
        while let Some(id) = cur {
            steps += 1;
            match mark.get(&id) {
                Some(Mark::Done) => break,
                Some(Mark::OnPath) => {
                    // Back on this walk: the path from `id` on is a cycle.
                    let from = path.iter().position(|p| *p == id).unwrap_or(0);
                    cyclic.extend(path[from..].iter().copied());
                    break;
                }
                None => {}
            }
            mark.insert(id, Mark::OnPath);
            path.push(id);
            cur = next(id);
        }
        for p in path {
            mark.insert(p, Mark::Done);
        }
    }
    (cyclic, steps)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `links[i]` is the question `i` depends on.
    fn run(links: &[Option<usize>]) -> (HashSet<usize>, usize) {
        members(0..links.len(), |i| links[i])
    }

    #[test]
    fn a_long_chain_is_walked_once_not_once_per_question() {
        let n: usize = 50_000;
        // Question i is asked when i-1 was answered; listed from the end, the worst order
        // for a walk that starts again from every question.
        let links: Vec<Option<usize>> = (0..n).map(|i| i.checked_sub(1)).collect();
        let (cyclic, steps) = members((0..n).rev(), |i| links[i]);
        assert!(cyclic.is_empty());
        assert!(steps <= 2 * n, "{steps} steps for {n} questions");
        let (_, steps) = run(&links);
        assert!(steps <= 2 * n, "{steps} steps for {n} questions");
    }

    #[test]
    fn every_member_of_a_ring_is_found_in_linear_steps() {
        let n: usize = 10_000;
        let links: Vec<Option<usize>> = (0..n).map(|i| Some((i + 1) % n)).collect();
        let (cyclic, steps) = run(&links);
        assert_eq!(cyclic.len(), n);
        assert!(steps <= 2 * n, "{steps} steps");
    }

    #[test]
    fn questions_leading_into_a_cycle_are_not_on_it() {
        // 0 → 1 → 2 → 1, 3 → 3, 4 → nothing, 5 → 4.
        let links = [Some(1), Some(2), Some(1), Some(3), None, Some(4)];
        let (cyclic, _) = run(&links);
        let mut got: Vec<usize> = cyclic.into_iter().collect();
        got.sort();
        assert_eq!(got, [1, 2, 3]);
    }
}
