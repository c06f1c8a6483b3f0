//! The file graph of a crate's `src/`: which file refers to an item defined in
//! which other file, and by what names (see the rules in `structure.rs`).

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

use super::lex::{Tok, lex};

/// Keywords that define an item named by the next identifier.
const DEFINING: &[&str] = &[
    "fn", "struct", "enum", "trait", "type", "const", "static", "union",
];

/// Files under `src/` and the arrows between them.
pub struct Graph {
    /// Paths relative to the crate root, `src/…`.
    pub files: Vec<String>,
    /// `(from, to)` file indexes, with the names `from` uses of `to`. Arrows
    /// from a module's file into the files of its own submodules are left out.
    pub arrows: BTreeMap<(usize, usize), BTreeSet<String>>,
}

impl Graph {
    /// Reads the crate whose `lib.rs` (and `main.rs`, if any) is in `src`.
    pub fn read(src: &Path) -> Graph {
        let tree = Tree::read(src);
        let mut arrows: BTreeMap<(usize, usize), BTreeSet<String>> = BTreeMap::new();
        for (from, file) in tree.files.iter().enumerate() {
            for (to, name) in tree.references(file) {
                if to != from && !tree.is_submodule_file(to, from) {
                    arrows.entry((from, to)).or_default().insert(name);
                }
            }
        }
        let root = src.parent().unwrap_or(src);
        let files = tree.files.iter().map(|f| relative(&f.path, root)).collect();
        Graph { files, arrows }
    }
}

fn relative(path: &Path, root: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    rel.to_string_lossy().replace('\\', "/")
}

/// A module: a file, or an inline `mod name { … }` in one.
#[derive(Default)]
struct Module {
    file: usize,
    parent: Option<usize>,
    children: BTreeMap<String, usize>,
    /// Items defined here.
    defs: BTreeSet<String>,
    /// Names brought in by `use`, with the path each stands for.
    uses: BTreeMap<String, Vec<String>>,
    /// Paths of `use …::*`.
    globs: Vec<Vec<String>>,
}

struct File {
    path: PathBuf,
    toks: Vec<Tok>,
    /// The module of each token (inline modules included), and whether it
    /// sits where that module's items do (not inside a function or `impl`).
    scope: Vec<(usize, bool)>,
}

/// What a path leads to.
enum Found {
    Module(usize),
    /// An item, by the file that defines it and its name.
    Item(usize, String),
}

/// The module tree and every file's tokens.
struct Tree {
    modules: Vec<Module>,
    files: Vec<File>,
}

impl Tree {
    fn read(src: &Path) -> Tree {
        let mut tree = Tree {
            modules: Vec::new(),
            files: Vec::new(),
        };
        let mut queue = VecDeque::from([(src.join("lib.rs"), None, String::new())]);
        if src.join("main.rs").exists() {
            queue.push_back((src.join("main.rs"), None, String::new()));
        }
        while let Some((path, parent, name)) = queue.pop_front() {
            let module = tree.add_module(parent, &name, tree.files.len());
            queue.extend(tree.load(path, module));
        }
        tree
    }

    fn add_module(&mut self, parent: Option<usize>, name: &str, file: usize) -> usize {
        let id = self.modules.len();
        self.modules.push(Module {
            file,
            parent,
            ..Module::default()
        });
        if let Some(p) = parent {
            self.modules[p].children.insert(name.to_owned(), id);
        }
        id
    }

    /// Reads one file as `module`; returns the files of its `mod name;` children.
    fn load(&mut self, path: PathBuf, module: usize) -> Vec<(PathBuf, Option<usize>, String)> {
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let toks = lex(&text);
        let scope = self.scopes(&toks, module);
        let mut children = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            let (here, item_level) = scope[i];
            let word = toks[i].ident().unwrap_or("");
            let name = toks.get(i + 1).and_then(Tok::ident).unwrap_or("");
            if word == "use" && starts_statement(&toks, i) {
                let (end, trees) = use_trees(&toks, i + 1);
                if item_level {
                    self.bind(here, trees);
                }
                i = end;
                continue;
            }
            let at_top = item_level && here == module;
            if at_top && word == "mod" && toks.get(i + 2) == Some(&Tok::Punct(';')) {
                let child = child_file(&path, name, path_attribute(&toks, i));
                children.push((child, Some(here), name.to_owned()));
            } else if item_level && DEFINING.contains(&word) && !name.is_empty() {
                self.modules[here].defs.insert(name.to_owned());
            }
            i += 1;
        }
        self.files.push(File { path, toks, scope });
        children
    }

    /// The module of every token, creating the inline modules on the way.
    fn scopes(&mut self, toks: &[Tok], module: usize) -> Vec<(usize, bool)> {
        let file = self.files.len();
        let mut stack = vec![(module, 0)];
        let mut depth = 0;
        let mut scope = Vec::with_capacity(toks.len());
        for (i, tok) in toks.iter().enumerate() {
            let &(here, items_at) = stack.last().expect("the file's own module");
            scope.push((here, depth == items_at));
            if tok.is('{') {
                depth += 1;
                let name = inline_module_name(toks, i);
                if let Some(name) = name.filter(|_| depth == items_at + 1) {
                    let inner = self.add_module(Some(here), name, file);
                    stack.push((inner, depth));
                }
            } else if tok.is('}') {
                depth -= 1;
                if stack.len() > 1 && depth < stack[stack.len() - 1].1 {
                    stack.pop();
                }
            }
        }
        scope
    }

    fn bind(&mut self, module: usize, trees: Vec<UseTree>) {
        for tree in trees {
            match tree.alias {
                None => self.modules[module].globs.push(tree.path),
                Some(alias) if alias != "_" => {
                    self.modules[module].uses.insert(alias, tree.path);
                }
                Some(_) => {}
            }
        }
    }

    /// Every item of ours `file` names, as (defining file, name).
    fn references(&self, file: &File) -> Vec<(usize, String)> {
        let mut found = Vec::new();
        let mut globs = Vec::new();
        let mut i = 0;
        while i < file.toks.len() {
            let here = file.scope[i].0;
            if file.toks[i].ident() == Some("use") && starts_statement(&file.toks, i) {
                let (end, trees) = use_trees(&file.toks, i + 1);
                for tree in trees {
                    let target = self.resolve(&tree.path, here, 0);
                    if let (None, Some(Found::Module(m))) = (&tree.alias, &target) {
                        globs.push(*m);
                    }
                    found.extend(target.map(|t| self.file_and_name(t)));
                }
                i = end;
            } else if let Some((end, path)) = path_at(&file.toks, i) {
                found.extend(self.resolve(&path, here, 0).map(|t| self.file_and_name(t)));
                i = end;
            } else {
                i += 1;
            }
        }
        for glob in globs {
            found.extend(self.glob_references(file, glob));
        }
        found
    }

    /// The names `file` uses from `glob` (a module it imports with `*`).
    fn glob_references(&self, file: &File, glob: usize) -> Vec<(usize, String)> {
        let module = &self.modules[glob];
        if self.files[module.file].path == file.path {
            return Vec::new();
        }
        let mut found = Vec::new();
        for (i, tok) in file.toks.iter().enumerate() {
            let after_dot_or_sep =
                i > 0 && (file.toks[i - 1].is('.') || file.toks[i - 1] == Tok::Sep);
            let Some(name) = tok.ident().filter(|_| !after_dot_or_sep) else {
                continue;
            };
            if self.binds(glob, name) {
                let target = self.lookup(glob, name, 0);
                found.extend(target.map(|t| self.file_and_name(t)));
            }
        }
        found
    }

    fn file_and_name(&self, found: Found) -> (usize, String) {
        match found {
            Found::Item(file, name) => (file, name),
            Found::Module(m) => {
                let parent = self.modules[m].parent;
                let name = parent.and_then(|p| {
                    let children = &self.modules[p].children;
                    children
                        .iter()
                        .find(|&(_, &c)| c == m)
                        .map(|(n, _)| n.clone())
                });
                (self.modules[m].file, name.unwrap_or_else(|| "crate".into()))
            }
        }
    }

    /// What `path`, written in `module`, leads to; `None` when it is not ours.
    fn resolve(&self, path: &[String], module: usize, depth: usize) -> Option<Found> {
        let (mut here, rest) = self.anchor(path, module)?;
        for name in rest {
            match self.lookup(here, name, depth)? {
                Found::Module(m) => here = m,
                item => return Some(item),
            }
        }
        Some(Found::Module(here))
    }

    /// Where a path starts: `crate` (or `hookcap` from `main.rs`), `self`,
    /// `super`s, or a name `module` binds.
    fn anchor<'p>(&self, path: &'p [String], module: usize) -> Option<(usize, &'p [String])> {
        let first = path.first()?.as_str();
        match first {
            "crate" | "hookcap" => Some((0, &path[1..])),
            "self" => Some((module, &path[1..])),
            "super" => {
                let ups = path.iter().take_while(|s| *s == "super").count();
                let mut here = module;
                for _ in 0..ups {
                    here = self.modules[here].parent?;
                }
                Some((here, &path[ups..]))
            }
            _ if self.binds(module, first) => Some((module, path)),
            _ => None,
        }
    }

    fn binds(&self, module: usize, name: &str) -> bool {
        let m = &self.modules[module];
        m.children.contains_key(name) || m.defs.contains(name) || m.uses.contains_key(name)
    }

    /// `name` as seen in `module`: a submodule, an item defined there, or
    /// where an import or re-export (glob ones included) leads. A name found
    /// nowhere is taken to be defined in the module's own file.
    fn lookup(&self, module: usize, name: &str, depth: usize) -> Option<Found> {
        let m = &self.modules[module];
        if depth > 32 {
            return None;
        }
        if let Some(&child) = m.children.get(name) {
            return Some(Found::Module(child));
        }
        if m.defs.contains(name) {
            return Some(Found::Item(m.file, name.to_owned()));
        }
        if let Some(path) = m.uses.get(name) {
            return self.resolve(path, module, depth + 1);
        }
        for glob in &m.globs {
            if let Some(Found::Module(g)) = self.resolve(glob, module, depth + 1)
                && g != module
                && self.binds(g, name)
            {
                return self.lookup(g, name, depth + 1);
            }
        }
        Some(Found::Item(m.file, name.to_owned()))
    }

    /// True when file `to` is a submodule's file of file `from`'s module.
    fn is_submodule_file(&self, to: usize, from: usize) -> bool {
        let own = |f: usize| self.modules.iter().position(|m| m.file == f);
        let (Some(ancestor), Some(mut m)) = (own(from), own(to)) else {
            return false;
        };
        while let Some(parent) = self.modules[m].parent {
            if parent == ancestor {
                return true;
            }
            m = parent;
        }
        false
    }
}

/// True when a `use` at `i` starts a statement (not `impl Trait + use<'a>`).
fn starts_statement(toks: &[Tok], i: usize) -> bool {
    i == 0
        || matches!(&toks[i - 1], Tok::Punct(';' | '}' | '{' | ']' | ')'))
        || toks[i - 1].ident() == Some("pub")
}

/// The name of `mod name {` when the `{` at `i` opens one.
fn inline_module_name(toks: &[Tok], i: usize) -> Option<&str> {
    let name = toks.get(i.checked_sub(1)?)?.ident()?;
    (toks.get(i.checked_sub(2)?)?.ident() == Some("mod")).then_some(name)
}

/// The value of a `#[path = "…"]` on the `mod` at `i`.
fn path_attribute(toks: &[Tok], i: usize) -> Option<String> {
    let mut j = i;
    let visibility = ["pub", "crate", "super", "self", "in"];
    while j > 0
        && (toks[j - 1].is('(')
            || toks[j - 1].is(')')
            || visibility.contains(&toks[j - 1].ident().unwrap_or("")))
    {
        j -= 1;
    }
    while j > 0 && toks[j - 1].is(']') {
        let open = toks[..j].iter().rposition(|t| t.is('['))?;
        if toks.get(open + 1)?.ident() == Some("path")
            && let Some(Tok::Str(p)) = toks.get(open + 3)
        {
            return Some(p.clone());
        }
        j = open.checked_sub(1)?;
    }
    None
}

/// Where `mod name;` in `parent` lives: `#[path]` is relative to the parent's
/// directory; otherwise `name.rs` or `name/mod.rs` beside a `mod.rs`,
/// `lib.rs` or `main.rs`, or in the folder named after any other file.
fn child_file(parent: &Path, name: &str, path_attr: Option<String>) -> PathBuf {
    let dir = parent.parent().unwrap_or(Path::new("."));
    if let Some(p) = path_attr {
        return dir.join(p);
    }
    let stem = parent.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let dir = match stem {
        "mod" | "lib" | "main" => dir.to_path_buf(),
        _ => dir.join(stem),
    };
    let flat = dir.join(format!("{name}.rs"));
    if flat.exists() {
        flat
    } else {
        dir.join(name).join("mod.rs")
    }
}

/// A path `a::b::c` starting at `i` (not the tail of a longer one): the
/// index after it and its segments.
fn path_at(toks: &[Tok], i: usize) -> Option<(usize, Vec<String>)> {
    if i > 0 && (toks[i - 1] == Tok::Sep || toks[i - 1].is('$') && toks[i].ident() != Some("crate"))
    {
        return None;
    }
    let mut path = vec![toks[i].ident()?.to_owned()];
    let mut j = i + 1;
    while toks.get(j) == Some(&Tok::Sep) {
        let Some(next) = toks.get(j + 1).and_then(Tok::ident) else {
            break;
        };
        path.push(next.to_owned());
        j += 2;
    }
    (path.len() > 1).then_some((j, path))
}

/// One leaf of a `use` tree: the full path and the name it binds (`None`
/// for a glob).
struct UseTree {
    path: Vec<String>,
    alias: Option<String>,
}

/// The trees of the `use` whose tree starts at `i`; and the index after its `;`.
fn use_trees(toks: &[Tok], i: usize) -> (usize, Vec<UseTree>) {
    let mut out = Vec::new();
    let end = use_tree(toks, i, Vec::new(), &mut out);
    let semi = toks[end..]
        .iter()
        .position(|t| t.is(';'))
        .map_or(toks.len(), |p| end + p + 1);
    (semi, out)
}

fn use_tree(toks: &[Tok], mut i: usize, mut path: Vec<String>, out: &mut Vec<UseTree>) -> usize {
    if toks.get(i) == Some(&Tok::Sep) {
        i += 1;
    }
    loop {
        match toks.get(i) {
            Some(t) if t.is('*') => {
                out.push(UseTree { path, alias: None });
                return i + 1;
            }
            Some(t) if t.is('{') => return use_group(toks, i + 1, &path, out),
            Some(Tok::Ident(name)) => {
                path.push(name.clone());
                i += 1;
                if toks.get(i) == Some(&Tok::Sep) {
                    i += 1;
                    continue;
                }
                return use_leaf(toks, i, path, out);
            }
            _ => return i,
        }
    }
}

/// `{a, b::c, self}` after `prefix::`.
fn use_group(toks: &[Tok], mut i: usize, prefix: &[String], out: &mut Vec<UseTree>) -> usize {
    while i < toks.len() && !toks[i].is('}') {
        i = use_tree(toks, i, prefix.to_vec(), out);
        if toks.get(i).is_some_and(|t| t.is(',')) {
            i += 1;
        }
    }
    i + 1
}

/// The end of a tree: `name` or `name as alias`, where `self` names the prefix.
fn use_leaf(toks: &[Tok], mut i: usize, mut path: Vec<String>, out: &mut Vec<UseTree>) -> usize {
    if path.last().is_some_and(|s| s == "self") && path.len() > 1 {
        path.pop();
    }
    let mut alias = path.last().cloned();
    if toks.get(i).and_then(Tok::ident) == Some("as") {
        alias = toks.get(i + 1).and_then(Tok::ident).map(str::to_owned);
        i += 2;
    }
    out.push(UseTree { path, alias });
    i
}
