//! House rules that keep the tree easy to find one's way in, checked on the source
//! itself (as rust-analyzer's `tidy` tests do): every module says what it is; no source
//! file over 600 lines unless its first comment says why it is one thing; no import
//! circle between the modules of one folder; no string literal compared in `.slint`
//! (kinds are enums); ARCHITECTURE.md's code map names every source file there is and
//! none that is not.
//!
//! How circles are found: each folder of `src/` is a graph whose nodes are its files
//! (`x.rs`, module `x`) and its subfolders (module `d`, standing for every file inside).
//! A node points at a sibling when one of its files names that sibling's module by
//! path: `super::sibling` from a file in the folder (`super::super::sibling` from a
//! file one folder down, `super::sibling` from that folder's `mod.rs`), or
//! `crate::<folder's path>::sibling` from anywhere inside the node. A folder's own
//! `mod.rs` is its parent, not a node: a parent uses its children and children use
//! what the parent declares. A cycle in any folder's graph fails the test, named.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

const LIMIT: usize = 600;

/// The tree checked: this crate, or `TIDY_ROOT` (to try the rules on another checkout).
fn root() -> PathBuf {
    std::env::var_os("TIDY_ROOT")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")))
}

fn files(dir: &Path, ending: &str, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().path()).collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            files(&path, ending, out);
        } else if path.to_string_lossy().ends_with(ending) {
            out.push(path);
        }
    }
}

fn relative(path: &Path) -> String {
    path.strip_prefix(root()).unwrap().to_string_lossy().into_owned()
}

/// The library's sources (the binary's `main.rs` and `cli/` are a crate of their own).
fn library_sources() -> Vec<PathBuf> {
    let mut out = Vec::new();
    files(&root().join("src"), ".rs", &mut out);
    out.retain(|p| {
        let r = relative(p);
        r != "src/main.rs" && !r.starts_with("src/cli/")
    });
    out
}

/// The leading `//!` block of a file.
fn module_doc(text: &str) -> String {
    text.lines()
        .take_while(|l| l.starts_with("//!"))
        .map(|l| l.trim_start_matches("//!").trim())
        .collect::<Vec<_>>()
        .join(" ")
}

#[test]
fn every_module_says_what_it_is() {
    let mut files_ = library_sources();
    files(&root().join("src/cli"), ".rs", &mut files_);
    let bare: Vec<String> = files_
        .iter()
        .filter(|p| module_doc(&std::fs::read_to_string(p).unwrap()).len() < 20)
        .map(|p| relative(p))
        .collect();
    assert!(
        bare.is_empty(),
        "modules without a first comment saying what they hold: {bare:?}"
    );
}

#[test]
fn no_source_file_is_over_the_limit_without_saying_why_it_is_one_thing() {
    let mut sources = Vec::new();
    files(&root().join("src"), ".rs", &mut sources);
    let mut long = Vec::new();
    for path in sources {
        let text = std::fs::read_to_string(&path).unwrap();
        let lines = text.lines().count();
        if lines > LIMIT && !module_doc(&text).to_lowercase().contains("one thing") {
            long.push(format!("{} ({lines} lines)", relative(&path)));
        }
    }
    assert!(
        long.is_empty(),
        "over {LIMIT} lines, and the first comment does not say why the file is one thing: {long:?}"
    );
}

/// The module path of a source file inside the crate: `src/ui/controller/mod.rs` is
/// `["ui", "controller"]`, `src/ui/view.rs` is `["ui", "view"]`.
fn module_path(path: &Path) -> Vec<String> {
    let rel = path.strip_prefix(root().join("src")).unwrap();
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().into_owned()).collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs");
    if stem != "mod" && stem != "lib" {
        parts.push(stem.to_string());
    }
    parts
}

/// The text with comments and string literals blanked, so that a path in a sentence or a
/// message is no use of a module.
fn code_only(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if c == '/' && bytes.get(i + 1) == Some(&'/') {
            while i < bytes.len() && bytes[i] != '\n' {
                i += 1;
            }
            continue;
        }
        if c == '"' {
            i += 1;
            while i < bytes.len() && bytes[i] != '"' {
                if bytes[i] == '\\' {
                    i += 1;
                }
                i += 1;
            }
            i += 1;
            out.push_str("\"\"");
            continue;
        }
        out.push(c);
        i += 1;
    }
    out
}

/// Every module path a file names: `a::b::c` chains starting at `super` or `crate`, with
/// `use` groups (`super::{x, y::Z}`) opened up. Each is resolved to an absolute path.
fn named_paths(file_module: &[String], text: &str) -> Vec<Vec<String>> {
    let code = code_only(text);
    let chars: Vec<char> = code.chars().collect();
    let mut found = Vec::new();
    let word_at = |i: usize| -> (String, usize) {
        let mut j = i;
        let mut w = String::new();
        while j < chars.len() && (chars[j].is_alphanumeric() || chars[j] == '_') {
            w.push(chars[j]);
            j += 1;
        }
        (w, j)
    };
    let mut i = 0;
    while i < chars.len() {
        let boundary = i == 0 || !(chars[i - 1].is_alphanumeric() || chars[i - 1] == '_' || chars[i - 1] == ':');
        if !boundary {
            i += 1;
            continue;
        }
        let (first, mut j) = word_at(i);
        if first != "super" && first != "crate" {
            i = j.max(i + 1);
            continue;
        }
        // Where the chain starts, as an absolute module path.
        let mut base: Vec<String> = if first == "crate" {
            Vec::new()
        } else {
            // `super` from `a/b/x.rs` (module a::b::x) is a::b; from `a/b/mod.rs` (a::b) is a.
            let mut m = file_module.to_vec();
            m.pop();
            m
        };
        let mut segments = Vec::new();
        loop {
            if chars.get(j) == Some(&':') && chars.get(j + 1) == Some(&':') {
                j += 2;
                if chars.get(j) == Some(&'{') {
                    // A group: each item's first segment(s).
                    let mut depth = 0;
                    let mut item = String::new();
                    let mut k = j;
                    while k < chars.len() {
                        let c = chars[k];
                        if c == '{' {
                            depth += 1;
                            if depth > 1 {
                                item.push(c);
                            }
                        } else if c == '}' {
                            depth -= 1;
                            if depth == 0 {
                                break;
                            }
                            item.push(c);
                        } else if c == ',' && depth == 1 {
                            push_item(&base, &segments, &item, &mut found);
                            item.clear();
                        } else {
                            item.push(c);
                        }
                        k += 1;
                    }
                    push_item(&base, &segments, &item, &mut found);
                    j = k;
                    break;
                }
                let (w, next) = word_at(j);
                if w.is_empty() {
                    break;
                }
                if w == "super" && segments.is_empty() {
                    base.pop();
                } else {
                    segments.push(w);
                }
                j = next;
            } else {
                break;
            }
        }
        if !segments.is_empty() {
            let mut path = base.clone();
            path.extend(segments);
            found.push(path);
        }
        i = j.max(i + 1);
    }
    found
}

fn push_item(base: &[String], segments: &[String], item: &str, found: &mut Vec<Vec<String>>) {
    let item = item.trim();
    if item.is_empty() || item == "self" {
        return;
    }
    let mut path: Vec<String> = base.to_vec();
    path.extend(segments.iter().cloned());
    for segment in item.split("::") {
        let name: String = segment
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if name.is_empty() {
            break;
        }
        path.push(name);
    }
    found.push(path);
}

#[test]
fn no_import_circle_between_the_modules_of_one_folder() {
    let sources = library_sources();
    // Every folder (module path of a mod.rs or lib.rs) and the child modules it has.
    let mut children: BTreeMap<Vec<String>, BTreeSet<String>> = BTreeMap::new();
    let modules: Vec<(PathBuf, Vec<String>)> = sources.iter().map(|p| (p.clone(), module_path(p))).collect();
    for (_, module) in &modules {
        if let Some((last, parent)) = module.split_last() {
            children.entry(parent.to_vec()).or_default().insert(last.clone());
        }
    }
    let mut circles = Vec::new();
    for (folder, kids) in &children {
        // Edges among the folder's children, from what each child's files name.
        let mut edges: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        for (path, module) in &modules {
            if module.len() <= folder.len() || &module[..folder.len()] != folder.as_slice() {
                continue;
            }
            let from = module[folder.len()].clone();
            let text = std::fs::read_to_string(path).unwrap();
            for named in named_paths(module, &text) {
                if named.len() > folder.len() && named[..folder.len()] == folder[..] {
                    let to = &named[folder.len()];
                    if to != &from && kids.contains(to) {
                        edges.entry(from.clone()).or_default().insert(to.clone());
                    }
                }
            }
        }
        if let Some(cycle) = find_cycle(&edges) {
            let at = if folder.is_empty() {
                "src".to_string()
            } else {
                format!("src/{}", folder.join("/"))
            };
            circles.push(format!("{at}: {}", cycle.join(" -> ")));
        }
    }
    assert!(circles.is_empty(), "import circles:\n{}", circles.join("\n"));
}

/// A cycle of the graph, as the nodes in order with the first repeated at the end.
fn find_cycle(edges: &BTreeMap<String, BTreeSet<String>>) -> Option<Vec<String>> {
    fn visit(
        node: &str,
        edges: &BTreeMap<String, BTreeSet<String>>,
        stack: &mut Vec<String>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<String>> {
        if let Some(at) = stack.iter().position(|n| n == node) {
            let mut cycle = stack[at..].to_vec();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if done.contains(node) {
            return None;
        }
        stack.push(node.to_string());
        for next in edges.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, edges, stack, done) {
                return Some(cycle);
            }
        }
        stack.pop();
        done.insert(node.to_string());
        None
    }
    let mut done = BTreeSet::new();
    for node in edges.keys() {
        if let Some(cycle) = visit(node, edges, &mut Vec::new(), &mut done) {
            return Some(cycle);
        }
    }
    None
}

#[test]
fn the_circle_finder_finds_a_circle_and_passes_a_line() {
    let mut edges = BTreeMap::new();
    edges.insert("a".to_string(), BTreeSet::from(["b".to_string()]));
    edges.insert("b".to_string(), BTreeSet::from(["c".to_string()]));
    assert_eq!(find_cycle(&edges), None);
    edges.insert("c".to_string(), BTreeSet::from(["a".to_string()]));
    assert_eq!(find_cycle(&edges).unwrap(), ["a", "b", "c", "a"]);
    let module = vec!["ui".to_string(), "controller".to_string(), "local".to_string()];
    let named = named_paths(
        &module,
        "use super::{online::choice_items, Controller};\nfn f() { super::super::view::apply(); crate::offline::queue::list(); }\n// super::fake::x\n",
    );
    assert!(
        named.contains(&vec![
            "ui".into(),
            "controller".into(),
            "online".into(),
            "choice_items".into()
        ]),
        "{named:?}"
    );
    assert!(
        named.contains(&vec!["ui".into(), "view".into(), "apply".into()]),
        "{named:?}"
    );
    assert!(
        named.contains(&vec!["offline".into(), "queue".into(), "list".into()]),
        "{named:?}"
    );
    assert!(
        !named.iter().any(|p| p.contains(&"fake".to_string())),
        "comments are no use"
    );
}

#[test]
fn no_string_literal_is_compared_in_slint() {
    let mut slint = Vec::new();
    files(&root().join("ui"), ".slint", &mut slint);
    let mut compared = Vec::new();
    for path in slint {
        for (n, line) in std::fs::read_to_string(&path).unwrap().lines().enumerate() {
            let code = line.split("//").next().unwrap_or_default();
            for op in ["== \"", "!= \""] {
                let mut rest = code;
                while let Some(at) = rest.find(op) {
                    // An emptiness test (`!= ""`) asks whether there is a value, not which.
                    if !rest[at + op.len()..].starts_with('"') {
                        compared.push(format!("{}:{}: {}", relative(&path), n + 1, line.trim()));
                    }
                    rest = &rest[at + op.len()..];
                }
            }
            for op in ["\" ==", "\" !="] {
                if let Some(at) = code.find(op) {
                    if !code[..at].ends_with("\"") {
                        compared.push(format!("{}:{}: {}", relative(&path), n + 1, line.trim()));
                    }
                }
            }
        }
    }
    assert!(
        compared.is_empty(),
        "strings compared in .slint (make the kind an enum):\n{}",
        compared.join("\n")
    );
}

#[test]
fn the_architecture_code_map_names_every_source_file_and_no_other() {
    let map = std::fs::read_to_string(root().join("ARCHITECTURE.md")).unwrap();
    let mut every = Vec::new();
    for dir in ["src", "tests", "benches", "examples", "scripts", "packaging"] {
        files(&root().join(dir), "", &mut every);
    }
    let every: Vec<String> = every.iter().map(|p| relative(p)).collect();
    // Named in backticks: `name.rs`, `folder/name.rs`.
    let named: BTreeSet<String> = map
        .split('`')
        .skip(1)
        .step_by(2)
        .filter(|t| t.ends_with(".rs") && !t.contains(' '))
        .map(str::to_string)
        .collect();
    let missing: Vec<&String> = every
        .iter()
        .filter(|f| f.starts_with("src/") && f.ends_with(".rs"))
        .filter(|f| {
            let name = f.rsplit('/').next().unwrap();
            // A folder's `mod.rs` is its folder's paragraph.
            name != "mod.rs" && !named.iter().any(|n| n.rsplit('/').next() == Some(name))
        })
        .collect();
    let gone: Vec<&String> = named
        .iter()
        .filter(|n| !every.iter().any(|f| f.ends_with(&format!("/{n}")) || f == *n))
        .collect();
    assert!(
        missing.is_empty(),
        "source files ARCHITECTURE.md does not name: {missing:?}"
    );
    assert!(
        gone.is_empty(),
        "ARCHITECTURE.md names files that do not exist: {gone:?}"
    );
}
