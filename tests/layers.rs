//! The module graph points one way: no import cycle between the top-level modules of `src/`
//! (nor between the files of one directory module), and the layer rules of DESIGN.md ("Seams")
//! hold. Dependencies are read from `crate::x` (and, inside a directory module, `super::x`)
//! paths outside comments and `#[cfg(test)] mod tests`; test code may reach anywhere.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Cycles that are known and accepted, as sorted module lists. Empty: every cycle was removed.
const ALLOWED_CYCLES: &[&[&str]] = &[];

/// `(from, to)`: a dependency that breaks a layer.
const FORBIDDEN: &[(&str, &str, &str)] = &[
    ("graph", "suppress", "the graph holds no suppression logic"),
    ("graph", "rules", "the graph knows nothing of rules"),
    ("graph", "engine", "the graph knows nothing of the engine"),
    (
        "terraform",
        "suppress",
        "a front end knows nothing of suppressions",
    ),
    (
        "cloudformation",
        "suppress",
        "a front end knows nothing of suppressions",
    ),
    (
        "workflow",
        "suppress",
        "a front end knows nothing of suppressions",
    ),
    ("terraform", "rules", "a front end knows nothing of rules"),
    (
        "cloudformation",
        "rules",
        "a front end knows nothing of rules",
    ),
    ("workflow", "rules", "a front end knows nothing of rules"),
    (
        "terraform",
        "engine",
        "a front end knows nothing of the engine",
    ),
    (
        "cloudformation",
        "engine",
        "a front end knows nothing of the engine",
    ),
    (
        "workflow",
        "engine",
        "a front end knows nothing of the engine",
    ),
    (
        "workflow",
        "cloudformation",
        "shared readers live in `syntax`",
    ),
    ("syntax", "cloudformation", "shared readers know no format"),
    (
        "report",
        "discover",
        "a renderer takes nothing from discovery",
    ),
    (
        "frontend",
        "suppress",
        "the seam knows nothing of suppressions",
    ),
];

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The source without line comments and without a trailing `#[cfg(test)] mod tests`.
fn code(text: &str) -> String {
    let text = match text.find("#[cfg(test)]\nmod tests") {
        Some(i) => &text[..i],
        None => text,
    };
    text.lines()
        .map(|l| match l.find("//") {
            Some(i) => &l[..i],
            None => l,
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// The identifiers that follow `prefix` in `code` (`crate::` → `graph`, `suppress`, …).
fn after<'a>(code: &'a str, prefix: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut rest = code;
    while let Some(i) = rest.find(prefix) {
        let before = rest[..i].chars().next_back();
        rest = &rest[i + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let end = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        out.push(&rest[..end]);
    }
    out
}

fn rust_files(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// Module graphs: the top level, and one per directory module (its files).
fn graphs() -> (Graph, BTreeMap<String, Graph>) {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut top = Graph::new();
    let mut inner: BTreeMap<String, Graph> = BTreeMap::new();
    for f in files {
        let rel = f.strip_prefix(&src).unwrap();
        let parts: Vec<String> = rel
            .iter()
            .map(|c| c.to_string_lossy().trim_end_matches(".rs").to_string())
            .collect();
        let module = parts[0].clone();
        if module == "lib" || module == "main" || parts.last().is_some_and(|p| p == "tests") {
            continue;
        }
        let code = code(&std::fs::read_to_string(&f).unwrap());
        let deps = top.entry(module.clone()).or_default();
        for d in after(&code, "crate::") {
            if d != module {
                deps.insert(d.to_string());
            }
        }
        // Files of a directory module: `super::x` from a child file, `crate::module::x`.
        if parts.len() == 2 && parts[1] != "mod" {
            let me = parts[1].clone();
            let g = inner.entry(module.clone()).or_default();
            let deps = g.entry(me.clone()).or_default();
            let own = format!("crate::{module}::");
            for d in after(&code, "super::")
                .into_iter()
                .chain(after(&code, &own))
            {
                if d != me && src.join(&module).join(format!("{d}.rs")).exists() {
                    deps.insert(d.to_string());
                }
            }
        }
    }
    (top, inner)
}

/// Strongly connected components with more than one module (Tarjan).
fn cycles(g: &Graph) -> Vec<Vec<String>> {
    struct T<'a> {
        g: &'a Graph,
        index: BTreeMap<&'a str, usize>,
        low: BTreeMap<&'a str, usize>,
        stack: Vec<&'a str>,
        out: Vec<Vec<String>>,
    }
    fn visit<'a>(t: &mut T<'a>, v: &'a str) {
        let n = t.index.len();
        t.index.insert(v, n);
        t.low.insert(v, n);
        t.stack.push(v);
        for w in t.g.get(v).into_iter().flatten() {
            let w = w.as_str();
            if !t.g.contains_key(w) {
                continue;
            }
            if !t.index.contains_key(w) {
                visit(t, w);
                let lw = t.low[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(lw);
            } else if t.stack.contains(&w) {
                let iw = t.index[w];
                let lv = t.low.get_mut(v).unwrap();
                *lv = (*lv).min(iw);
            }
        }
        if t.low[v] == t.index[v] {
            let mut c = Vec::new();
            while let Some(w) = t.stack.pop() {
                c.push(w.to_string());
                if w == v {
                    break;
                }
            }
            if c.len() > 1 {
                c.sort();
                t.out.push(c);
            }
        }
    }
    let mut t = T {
        g,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        out: Vec::new(),
    };
    for v in g.keys() {
        if !t.index.contains_key(v.as_str()) {
            visit(&mut t, v);
        }
    }
    t.out
}

#[test]
fn no_import_cycle_between_modules() {
    let (top, inner) = graphs();
    assert!(top.contains_key("graph") && top.contains_key("frontend"));
    let allowed: Vec<Vec<String>> = ALLOWED_CYCLES
        .iter()
        .map(|c| c.iter().map(|s| s.to_string()).collect())
        .collect();
    let mut found: Vec<String> = cycles(&top)
        .into_iter()
        .filter(|c| !allowed.contains(c))
        .map(|c| c.join(" ↔ "))
        .collect();
    for (module, g) in &inner {
        found.extend(
            cycles(g)
                .into_iter()
                .map(|c| format!("{module}: {}", c.join(" ↔ "))),
        );
    }
    assert!(found.is_empty(), "import cycles: {found:#?}");
}

#[test]
fn layers_point_one_way() {
    let (top, _) = graphs();
    let broken: Vec<String> = FORBIDDEN
        .iter()
        .filter(|(from, to, _)| top.get(*from).is_some_and(|d| d.contains(*to)))
        .map(|(from, to, why)| format!("{from} → {to}: {why}"))
        .collect();
    assert!(broken.is_empty(), "{broken:#?}");
}

#[test]
fn the_checker_sees_a_cycle() {
    let mut g = Graph::new();
    g.entry("a".into()).or_default().insert("b".into());
    g.entry("b".into()).or_default().insert("c".into());
    g.entry("c".into()).or_default().insert("a".into());
    g.entry("d".into()).or_default().insert("a".into());
    assert_eq!(cycles(&g), [vec!["a", "b", "c"]]);
    assert_eq!(
        after("use crate::graph::X; mycrate::no", "crate::"),
        ["graph"]
    );
}
