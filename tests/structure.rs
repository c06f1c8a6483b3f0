//! The shape of `src/` (issue 13): no loops between files, and no arrow from
//! a room to a room on its own floor or above.
//!
//! **How the graph is drawn** ([`graph`]). Every file under `src/` is read,
//! tests included (a test module's imports are its file's imports); comments
//! and string literals are skipped. A file refers to an item of ours by a path
//! in a `use` (grouped trees too: `use crate::{a, b::c}`, `self`, `as`, `*`),
//! by a path in code (`crate::store::Store::open(..)`, `super::Term::Id`, or
//! `spans::id_hull(..)` after `use super::spans`), or, when it imports another
//! module with `*`, by naming one of that module's items. `crate::`, `super::`
//! (counted from the module the path is written in, inline `mod tests` too) and
//! `self::` follow the module tree, read from the `mod` declarations (with
//! `#[path]`) from `lib.rs` down; `main.rs`'s `hookcap::` is the library.
//! A path leads to the file that *defines* its item, through any re-exports
//! and imports on the way: `crate::sign::Outcome` leads to `model.rs`, where
//! `Outcome` is defined. A module named as a whole leads to its file.
//! Method calls are not paths, so two files calling each other's methods on
//! one type (`impl Store` is spread over the store's files) are not seen.
//!
//! **Loops.** No files may import each other in a cycle (two files importing
//! each other is one). A module's submodules are its own to use: an arrow from
//! a file into the files of its own submodules (`store/mod.rs` re-exporting
//! `select::Scan`, `commands/mod.rs` calling `ls::run`) is the normal direction
//! and is not drawn. The other direction is drawn: a child may use items its
//! parent defines (`super::Store`, defined in `store/mod.rs`) as long as the
//! parent's own imports do not lead back to the child.
//!
//! **Floors.** Each top-level module of `src/` (a file or a folder) is a room,
//! and [`FLOORS`] stacks the rooms. A room imports only from rooms on lower
//! floors: not from its own floor, not from above. `lib.rs` only declares the
//! rooms (its arrows all point into its submodules).

mod graph;
mod lex;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use graph::Graph;

/// The rooms, top floor first. Each room imports only from the floors below.
///
/// The TUI's sub-rooms (`tui/term/`, `tui/data/`, `tui/pane/`, `tui/app/`) are
/// one room here; loops between their files are still found.
const FLOORS: &[&[&str]] = &[
    &["main", "lib"],
    &["commands"],
    &["tui"],
    // `relay` (the relay server and the `--via` client) runs on capture's
    // spine and the store; only commands use it.
    &["cli", "error", "relay"],
    &["replay", "export", "capture", "diff"],
    &["store", "document", "render", "send", "rules"],
    &["filter", "http"],
    // `sign` knows the providers: signatures and, in `sign::identity`, what
    // event and delivery a request is; the filter asks it for `provider:`.
    // `clock` reads and shows local times for the filter and the views.
    &["sign", "clock"],
    &["model", "sanitize"],
];

#[test]
fn no_files_import_each_other_in_a_loop() {
    let graph = Graph::read(&src());
    let problems = loops(&graph);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn rooms_import_only_from_lower_floors() {
    let graph = Graph::read(&src());
    let problems = floor_problems(&graph, FLOORS);
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The check itself can fail: a planted loop (through a re-export, with a
/// grouped `use` and an inline path) and an arrow up are reported by name,
/// and paths in comments and strings are not arrows.
#[test]
fn a_planted_loop_and_arrow_up_are_reported() {
    let dir = tempfile::tempdir().unwrap();
    let files = [
        ("lib.rs", "mod model;\nmod filter;\nmod store;\n"),
        (
            "model.rs",
            "use crate::{filter::{self, Glob}};\npub struct Header;\n",
        ),
        (
            "filter/mod.rs",
            "mod a;\nmod b;\npub struct Glob;\npub use a::A;\n",
        ),
        ("filter/a.rs", "use super::b::B;\npub struct A;\n"),
        (
            "filter/b.rs",
            "pub struct B;\nfn f() -> crate::filter::A { todo!() }\n",
        ),
        (
            "store/mod.rs",
            "// use crate::store::x::Y;\nfn f() { let _ = \"crate::store::x::Y\"; }\nmod x;\n",
        ),
        (
            "store/x.rs",
            "pub struct Y;\nfn f(_: super::super::model::Header) {}\n",
        ),
    ];
    for (path, text) in files {
        let path = dir.path().join("src").join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    let graph = Graph::read(&dir.path().join("src"));
    let loops = loops(&graph).join("\n");
    assert!(loops.contains("1 loop between files"), "{loops}");
    assert!(
        loops.contains("src/filter/a.rs -> src/filter/b.rs: B"),
        "{loops}"
    );
    assert!(
        loops.contains("src/filter/b.rs -> src/filter/a.rs: A"),
        "{loops}"
    );
    let floors: &[&[&str]] = &[&["lib", "store"], &["filter"], &["model"]];
    let arrows = floor_problems(&graph, floors);
    assert_eq!(
        arrows,
        [
            "1 arrow from a room to its own floor or above:",
            "  src/model.rs (model, floor 3) -> src/filter/mod.rs (filter, floor 2): Glob, filter",
        ]
    );
}

fn src() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

/// Every loop, with the names that tie it.
fn loops(graph: &Graph) -> Vec<String> {
    let mut found = Vec::new();
    for component in strongly_connected(graph) {
        let files: BTreeSet<&str> = component.iter().map(|&f| graph.files[f].as_str()).collect();
        let names = files.iter().copied().collect::<Vec<_>>().join(", ");
        found.push(format!("loop: {names}"));
        for (&(from, to), uses) in &graph.arrows {
            if component.contains(&from) && component.contains(&to) {
                let (a, b) = (&graph.files[from], &graph.files[to]);
                found.push(format!("  {a} -> {b}: {}", joined(uses)));
            }
        }
    }
    let mut problems = Vec::new();
    let count = found.iter().filter(|l| l.starts_with("loop")).count();
    if count > 0 {
        let s = if count == 1 { "" } else { "s" };
        problems.push(format!(
            "{count} loop{s} between files (move what ties each one to the lowest file that uses it):"
        ));
        problems.extend(found);
    }
    problems
}

/// Every arrow from a room to a room on its own floor or above; every room
/// missing from `floors` or named there but absent.
fn floor_problems(graph: &Graph, floors: &[&[&str]]) -> Vec<String> {
    let floor_of: BTreeMap<&str, usize> = floors
        .iter()
        .enumerate()
        .flat_map(|(n, rooms)| rooms.iter().map(move |r| (*r, n + 1)))
        .collect();
    let rooms: BTreeSet<String> = graph.files.iter().map(|f| room(f)).collect();
    let mut problems: Vec<String> = rooms
        .iter()
        .filter(|r| !floor_of.contains_key(r.as_str()))
        .map(|r| format!("room {r} is on no floor: add it to FLOORS"))
        .collect();
    problems.extend(
        floor_of
            .keys()
            .filter(|r| !rooms.contains(**r))
            .map(|r| format!("FLOORS names {r}, which is not a room under src/: remove it")),
    );
    let mut arrows = Vec::new();
    for (&(from, to), uses) in &graph.arrows {
        let (a, b) = (graph.files[from].as_str(), graph.files[to].as_str());
        let (ra, rb) = (room(a), room(b));
        let (Some(&fa), Some(&fb)) = (floor_of.get(ra.as_str()), floor_of.get(rb.as_str())) else {
            continue;
        };
        if ra == rb || fb > fa {
            continue;
        }
        let names = joined(uses);
        arrows.push(format!(
            "  {a} ({ra}, floor {fa}) -> {b} ({rb}, floor {fb}): {names}"
        ));
    }
    if !arrows.is_empty() {
        let (n, s) = (arrows.len(), if arrows.len() == 1 { "" } else { "s" });
        problems.push(format!(
            "{n} arrow{s} from a room to its own floor or above:"
        ));
        problems.extend(arrows);
    }
    problems
}

/// The room of `src/a/b.rs` is `a`; of `src/a.rs`, `a`.
fn room(file: &str) -> String {
    let rest = file.strip_prefix("src/").unwrap_or(file);
    let first = rest.split('/').next().unwrap_or(rest);
    first.strip_suffix(".rs").unwrap_or(first).to_owned()
}

fn joined(names: &BTreeSet<String>) -> String {
    names
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

/// The groups of two or more files that reach each other (Tarjan's algorithm).
fn strongly_connected(graph: &Graph) -> Vec<Vec<usize>> {
    let mut next: Vec<Vec<usize>> = vec![Vec::new(); graph.files.len()];
    for &(from, to) in graph.arrows.keys() {
        next[from].push(to);
    }
    let mut t = Tarjan {
        next,
        index: vec![None; graph.files.len()],
        low: vec![0; graph.files.len()],
        stack: Vec::new(),
        on_stack: vec![false; graph.files.len()],
        counter: 0,
        found: Vec::new(),
    };
    for v in 0..graph.files.len() {
        if t.index[v].is_none() {
            t.visit(v);
        }
    }
    t.found
}

struct Tarjan {
    next: Vec<Vec<usize>>,
    index: Vec<Option<usize>>,
    low: Vec<usize>,
    stack: Vec<usize>,
    on_stack: Vec<bool>,
    counter: usize,
    found: Vec<Vec<usize>>,
}

impl Tarjan {
    fn visit(&mut self, v: usize) {
        self.index[v] = Some(self.counter);
        self.low[v] = self.counter;
        self.counter += 1;
        self.stack.push(v);
        self.on_stack[v] = true;
        for w in self.next[v].clone() {
            match self.index[w] {
                None => {
                    self.visit(w);
                    self.low[v] = self.low[v].min(self.low[w]);
                }
                Some(i) if self.on_stack[w] => self.low[v] = self.low[v].min(i),
                Some(_) => {}
            }
        }
        if Some(self.low[v]) == self.index[v] {
            let mut component = Vec::new();
            while let Some(w) = self.stack.pop() {
                self.on_stack[w] = false;
                component.push(w);
                if w == v {
                    break;
                }
            }
            if component.len() > 1 {
                component.sort_unstable();
                self.found.push(component);
            }
        }
    }
}
