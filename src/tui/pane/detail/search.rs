//! `/` on the Body tab: the rows of the shown document that contain a word,
//! and which of them is current (`n`/`N` move through them).

use super::doc::Doc;

/// A search in the shown document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Search {
    /// What was searched for, as typed.
    pub needle: String,
    /// The rows that contain it, in order.
    pub rows: Vec<usize>,
    /// The index in `rows` of the current match.
    pub current: usize,
}

impl Search {
    /// Every row of `doc` containing `needle` (ignoring case unless it has
    /// a capital letter, as `less` and vim's smartcase do), the current one
    /// the first at or after row `from` (wrapping to the first).
    pub fn run(doc: &Doc, needle: &str, from: usize) -> Self {
        let fold = !needle.chars().any(char::is_uppercase);
        let wanted = if fold {
            needle.to_lowercase()
        } else {
            needle.to_owned()
        };
        const CHUNK: usize = 4096;
        let mut rows = Vec::new();
        let mut start = 0;
        while start < doc.len() {
            for (i, line) in doc.lines(start, CHUNK).iter().enumerate() {
                let text = line.to_string();
                let found = match fold {
                    true => text.to_lowercase().contains(&wanted),
                    false => text.contains(&wanted),
                };
                if found {
                    rows.push(start + i);
                }
            }
            start += CHUNK;
        }
        let current = rows.iter().position(|&r| r >= from).unwrap_or(0);
        Self {
            needle: needle.to_owned(),
            rows,
            current,
        }
    }

    /// The row of the current match, if any matched.
    pub fn row(&self) -> Option<usize> {
        self.rows.get(self.current).copied()
    }

    /// Moves to the next match (`forward`) or the previous one, wrapping.
    pub fn step(&mut self, forward: bool) {
        let n = self.rows.len();
        if n == 0 {
            return;
        }
        self.current = match forward {
            true => (self.current + 1) % n,
            false => (self.current + n - 1) % n,
        };
    }

    /// `match 2 of 7 for "amount"`, or that there is none.
    pub fn describe(&self) -> String {
        match self.rows.len() {
            0 => format!("no match for {:?}", self.needle),
            n => format!("match {} of {n} for {:?}", self.current + 1, self.needle),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(text: &str) -> Doc {
        let mut doc = Doc::new();
        doc.push_text(text.as_bytes().to_vec());
        doc
    }

    #[test]
    fn matches_are_found_from_a_row_and_stepped_through_both_ways() {
        let d = doc("Amount: 1\nnothing\namount: 2\nAMOUNT 3\n");
        let mut s = Search::run(&d, "amount", 1);
        assert_eq!((s.rows.clone(), s.row()), (vec![0, 2, 3], Some(2)));
        s.step(true);
        assert_eq!(s.row(), Some(3));
        s.step(true);
        assert_eq!(s.row(), Some(0), "wraps");
        s.step(false);
        assert_eq!(s.row(), Some(3));
        assert_eq!(s.describe(), "match 3 of 3 for \"amount\"");
        let exact = Search::run(&d, "AMOUNT", 0);
        assert_eq!(exact.rows, [3], "a capital letter makes it exact");
        let none = Search::run(&d, "zzz", 0);
        assert_eq!(
            (none.row(), none.describe()),
            (None, "no match for \"zzz\"".into())
        );
    }
}
