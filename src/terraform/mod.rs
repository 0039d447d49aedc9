//! The Terraform front end: parses `.tf`/`.tfvars` files with hcl-edit and turns one module (one
//! directory) into graph nodes and edges.
//!
//! # What becomes a node
//!
//! `resource`, `data`, `module`, `variable`, `output`, `provider` blocks and the backend of a
//! `terraform {}` block. `locals` are not nodes: each local is evaluated lazily when referenced.
//!
//! # Instances
//!
//! A `resource` or `data` block whose `for_each` is a known map/object (keys: its keys, in the
//! order written) or a known list/set of strings (keys: the strings, sorted and deduplicated as
//! Terraform does for `set(string)`), or whose `count` is a known whole number, with at most
//! [`MAX_INSTANCES`] entries, becomes one node per instance: address `T.N["key"]` / `T.N[0]`,
//! `name` still `N`, the body evaluated once per instance with `each.key`, `each.value` and
//! `count.index` known (`each.value` keeps the spans of where the collection was written; a
//! scalar takes the span of the referencing expression, as variables do). `count = 0` or an
//! empty `for_each` makes no node at all. Otherwise the block stays one node `T.N` and
//! `each.*`/`count.index` are unknown. Instances come in place of the block's node, so node
//! order stays deterministic.
//! Nested blocks become arrays of objects under the block type (`deployment_circuit_breaker[0]`),
//! `dynamic "x"` blocks make key `x` an explicit unknown.
//!
//! # What is evaluated
//!
//! Every value keeps the span of the expression it came from. Evaluated: literals, tuples,
//! objects, string templates whose parts are known, `var.*` (tfvars, then the default), `local.*`
//! (memoised, cycle-safe, depth-capped), element and attribute access on known values,
//! conditionals with a known condition, unary and binary operators on known operands, `"${x}"`
//! (the value of `x` itself, as in Terraform), heredocs and string literals that hold JSON
//! (turned into a spanned tree), `data "aws_iam_policy_document"` (its node gets a synthesized
//! `json` key, built per instance with that instance's `each`/`count`; a reference to
//! `.json`/`.minified_json`, also `[0].json`/`["k"].json`, evaluates to the document of the
//! instance selected, and is unknown when the instance cannot be told), `each.key`,
//! `each.value` and `count.index` in an expanded instance, and these functions: `jsonencode` (returns its argument's *structure*, not a
//! string: iaclint keeps policies structured), `jsondecode`, `merge`, `concat`, `format`
//! (`%s %d %q %v %t %%`), `lookup`, `tolist`, `toset`, `tomap`, `length`, `join`, `split`,
//! `replace` (plain or `/regex/`), `lower`, `upper`, `coalesce`, `try`, `can`, `flatten`,
//! `distinct`, `element`, `keys`, `values`, `contains`, `trimspace`, `tostring`, `tonumber`,
//! `tobool`. `file`, `templatefile` and every other function are unknown (no I/O).
//!
//! When a `var`/`local` value is substituted, its own spans are kept, except that a scalar's
//! top-level span becomes the referencing expression's span (so `kms_key_id = local.key` is
//! reported at the resource's line, while a policy object defined in a local keeps its statement
//! spans).
//!
//! Heredoc JSON spans: every value covers its JSON token *including* the quotes of a string
//! (`"s3:GetObject"`), when the heredoc text maps 1:1 to the source (no `<<-` de-indentation and
//! no escapes); otherwise every value gets the heredoc expression's span.
//!
//! A plain string literal whose text is a JSON object (`"{\"Version\": ...}"`) is decoded the
//! same way (every value gets the literal's span, since escapes break the 1:1 mapping); so is the
//! argument of `jsondecode`.
//!
//! # What is unknown
//!
//! References to resources, data sources and modules (they also produce [`Edge`]s from the
//! referring attribute's route), `count.*` and `each.*` outside an expanded instance, `self.*`,
//! `path.*`, `terraform.*`, splats,
//! `for` expressions, template directives, unset variables, functions not implemented, any
//! operation on an unknown operand, and dynamic blocks. Unknown is never guessed into a value.
//! Unknown values still record the references inside them (both branches of a conditional, the
//! collection and body of a `for`, the arguments of an unknown function).
//!
//! # Edges
//!
//! Each reference to a resource, data source, module or variable becomes an [`Edge`] from the node
//! whose attribute contains it, with that attribute's route (`vpc_config[0].subnet_ids`), the
//! first attribute named after the address (`arn`; `json` for a policy document) and the span of
//! the reference. A reference to an expanded block names every instance (`T.N`, `T.N[*]`, or an
//! instance key that is unknown or absent) or, with a known key that exists (`T.N["k"]`,
//! `T.N[0]`), only that instance; the edge's attribute is the first attribute after the key.
//! Every instance of an expanded block has its own edges. In a block with `for_each`, each use
//! of `each.key`/`each.value` also records the references of the `for_each` expression (what it
//! iterates), whether or not the block was expanded.
//! References met while evaluating a `local` or a variable default are recorded on
//! the route of the attribute that used it, transitively. A policy document's own references are
//! edges of the data node, not of the resources that use its `json`.
//!
//! # Limits (hostile input)
//!
//! * Files nested deeper than [`MAX_NESTING`] are refused before hcl-edit sees them (hcl-edit
//!   itself refuses more than 64 levels, with an error).
//! * Chains of locals/variables/documents deeper than 64 and reference cycles are unknown.
//! * Copies of values out of locals, variables, documents and `each.value` are charged to a
//!   per-module budget (250,000 values); beyond it, further copies are unknown ("value
//!   too large"). This bounds memory for exponential constructions (`l1 = [l0, l0, l0, l0]`, ...).
//! * A block is expanded into at most [`MAX_INSTANCES`] instances; beyond, it stays one node.
//! * Functions never build strings over 16 MiB.
//!
//! # hcl-edit refusals
//!
//! hcl-edit rejects two constructs Terraform accepts: a key repeated in one object constructor
//! (Terraform keeps the last) and a conditional whose `?`/`:` starts a new line inside brackets.
//! [`parse_file`] retries after same-length rewrites of the text (the earlier duplicate entry is
//! blanked; the newline becomes a space), so spans stay exact. The duplicate key is not reported
//! here.
//!
//! [`Edge`]: crate::graph::Edge

mod context;
mod eval;
mod functions;
mod json;
mod policy_document;
mod scan;

#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::rc::Rc;

use hcl_edit::Span as _;
use hcl_edit::structure::{Block, Body, Structure};
use indexmap::IndexMap;

use crate::finding::InputError;
use crate::graph::{Edge, Format, Fragment, Node, NodeId, NodeKind, NodeMeta};
use crate::source::{FileId, SourceFile, Span};
use crate::value::{Seg, Spanned, Val};

use eval::{DocNode, Evaluator, Inst, Scope, Targets, VarDecl};

/// Most instances a `for_each`/`count` block is expanded into; beyond, it stays one node.
pub const MAX_INSTANCES: usize = 64;

/// Deepest bracket/brace/parenthesis/interpolation nesting accepted before hcl-edit sees a file.
pub const MAX_NESTING: usize = crate::limits::MAX_NESTING_DEPTH;

/// Parses one .tf or .tfvars file.
///
/// Errors carry a span at the error location and a message with context ("unterminated string
/// starting here", "expected `}` to close block `resource` opened at line N"). Files nested deeper
/// than [`MAX_NESTING`] are rejected before hcl-edit parses them. Never panics.
pub fn parse_file(id: FileId, file: &SourceFile) -> Result<Body, InputError> {
    // A lone CR (an old Mac line ending, a line break for Terraform) becomes a LF for the
    // scanner and hcl-edit, which would otherwise see one long line or refuse it.
    let lf = lone_cr_to_lf(&file.text);
    let text: &str = lf.as_deref().unwrap_or(&file.text);
    let scan = scan::scan(text);
    if let Some(off) = scan.too_deep_at {
        return Err(InputError {
            path: file.path.clone(),
            span: Some(one_char(id, text, off)),
            message: format!(
                "nesting deeper than {} levels of brackets, braces or parentheses {}; refusing \
                 to parse this file",
                crate::limits::current().nesting_depth,
                crate::limits::hint("nesting-depth")
            ),
        });
    }
    // hcl-edit refuses two things Terraform accepts: a key repeated in one object constructor
    // (Terraform keeps the last) and a conditional whose `?`/`:` starts a new line inside
    // brackets. Both are worked around by same-length rewrites, so spans do not move.
    // A UTF-8 byte order mark (3 bytes) becomes 3 spaces: hcl-edit refuses it.
    let mut patched: Option<String> = text
        .strip_prefix('\u{feff}')
        .map(|rest| format!("   {rest}"));
    let mut joined = false;
    let mut first: Option<(usize, String)> = None;
    for _ in 0..16 {
        let t = patched.as_deref().unwrap_or(text);
        let err = match hcl_edit::parser::parse_body(t) {
            Ok(body) => return Ok(body),
            Err(err) => err,
        };
        let off = if patched.is_none() && lf.is_none() {
            let loc = err.location();
            file.offset_of(loc.line(), loc.column())
        } else {
            err.location().offset()
        };
        first.get_or_insert_with(|| (off, err.message().to_string()));
        let mut bytes = t.as_bytes().to_vec();
        let changed = if err.message().contains("redefined object key") {
            scan::blank_earlier_duplicate(&mut bytes, off)
        } else if !joined {
            joined = true;
            scan::join_continuations(&mut bytes, &scan)
        } else {
            false
        };
        if !changed {
            break;
        }
        match String::from_utf8(bytes) {
            Ok(s) => patched = Some(s),
            Err(_) => break,
        }
    }
    let (off, message) = first.unwrap_or((0, String::from("parse error")));
    Err(scan::describe_error(id, file, &scan, off, &message))
}

/// `text` with every CR not followed by a LF replaced by a LF (same length, so spans stay
/// valid); `None` when there is none.
fn lone_cr_to_lf(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let lone = |i: usize| bytes[i] == b'\r' && bytes.get(i + 1) != Some(&b'\n');
    if !(0..bytes.len()).any(lone) {
        return None;
    }
    let out: Vec<u8> = (0..bytes.len())
        .map(|i| if lone(i) { b'\n' } else { bytes[i] })
        .collect();
    // Replacing one ASCII byte by another keeps the text UTF-8.
    String::from_utf8(out).ok()
}

/// A span covering the character at `off` (or an empty span at the end of the text).
fn one_char(id: FileId, text: &str, off: usize) -> Span {
    let mut off = off.min(text.len());
    while off > 0 && !text.is_char_boundary(off) {
        off -= 1;
    }
    let len = text
        .get(off..)
        .and_then(|t| t.chars().next())
        .map(char::len_utf8)
        .unwrap_or(0);
    Span::new(id, off..off + len)
}

/// The byte ranges of the line comments (`#`, `//`) of HCL `text`, outside strings and heredocs.
pub fn line_comments(text: &str) -> Vec<std::ops::Range<usize>> {
    scan::scan(lone_cr_to_lf(text).as_deref().unwrap_or(text)).comments
}

/// The Terraform front end: `*.tf` and the tfvars Terraform loads itself (`terraform.tfvars`,
/// `*.auto.tfvars`), one module per directory; another `.tfvars` named explicitly is checked for
/// syntax only.
pub struct TerraformFrontEnd;

/// The registered Terraform front end.
pub static FRONT_END: TerraformFrontEnd = TerraformFrontEnd;

/// A variables file Terraform loads automatically.
fn is_auto_tfvars(name: &str) -> bool {
    name == "terraform.tfvars" || name.ends_with(".auto.tfvars")
}

impl crate::frontend::FrontEnd for TerraformFrontEnd {
    fn name(&self) -> &'static str {
        "terraform"
    }

    fn dialect(&self) -> Format {
        Format::Terraform
    }

    fn claims(&self, path: &std::path::Path) -> Option<crate::frontend::Claim> {
        use crate::frontend::Claim;
        let name = path.file_name()?.to_str()?;
        if name.ends_with(".tf") || is_auto_tfvars(name) {
            Some(Claim::Always)
        } else if path.extension().is_some_and(|e| e == "tfvars") {
            Some(Claim::Named)
        } else {
            None
        }
    }

    fn describe(&self) -> &'static str {
        "*.tf, terraform.tfvars, *.auto.tfvars"
    }

    fn unit(&self) -> crate::frontend::Unit {
        crate::frontend::Unit::Directory
    }

    fn build(
        &self,
        sources: &crate::source::Sources,
        ids: &[FileId],
    ) -> (Option<Fragment>, Vec<InputError>) {
        let mut errors = Vec::new();
        let dir = ids
            .first()
            .map(|id| crate::frontend::dir_of(&sources.get(*id).path))
            .unwrap_or_else(|| ".".into());
        let mut input = ModuleInput {
            dir,
            files: Vec::new(),
            tfvars: Vec::new(),
        };
        for id in ids {
            let file = sources.get(*id);
            let body = match parse_file(*id, file) {
                Ok(b) => b,
                Err(e) => {
                    errors.push(e);
                    continue;
                }
            };
            let name = file.path.rsplit('/').next().unwrap_or(&file.path);
            if name.ends_with(".tf") {
                input.files.push((*id, file, body));
            } else if is_auto_tfvars(name) {
                input.tfvars.push((*id, file, body));
            }
            // Another `.tfvars` named explicitly: checked for syntax only.
        }
        input.files.sort_by(|a, b| a.1.path.cmp(&b.1.path));
        // terraform.tfvars first, then *.auto.tfvars in lexical order.
        input.tfvars.sort_by_key(|t| {
            (
                !t.1.path.ends_with("/terraform.tfvars") && t.1.path != "terraform.tfvars",
                t.1.path.clone(),
            )
        });
        (Some(build_module(&input)), errors)
    }

    fn line_comments(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        line_comments(text)
    }
}

/// One Terraform module = one directory of .tf files.
pub struct ModuleInput<'a> {
    /// Directory as displayed, e.g. `examples/terraform/bad`.
    pub dir: String,
    /// The .tf files, sorted by path.
    pub files: Vec<(FileId, &'a SourceFile, Body)>,
    /// `terraform.tfvars` first, then `*.auto.tfvars` in lexical order (later wins).
    pub tfvars: Vec<(FileId, &'a SourceFile, Body)>,
}

/// A top-level block that became a node, waiting for its attributes.
struct Pending<'a> {
    file: FileId,
    block: &'a Block,
    /// `Some(name)` for `data "aws_iam_policy_document" "name"`.
    policy_doc: Option<String>,
    /// `Some(name)` for variables.
    variable: Option<String>,
    /// A `resource` or `data` block: expanded into instances when `for_each`/`count` is known.
    expand: bool,
}

/// Builds the module's nodes and edges (local indices) — pure, no I/O, deterministic.
pub fn build_module(input: &ModuleInput) -> Fragment {
    let mut files: HashMap<FileId, &SourceFile> = HashMap::new();
    for (id, f, _) in input.files.iter().chain(input.tfvars.iter()) {
        files.insert(*id, f);
    }
    let mut nodes: Vec<Node> = Vec::new();
    let mut pending: Vec<Pending> = Vec::new();
    let mut ev = Evaluator::new(files);

    // Pass 1: node skeletons, the address index, locals, variables and policy documents.
    for (fid, _file, body) in &input.files {
        for structure in body.iter() {
            let Structure::Block(block) = structure else {
                continue;
            };
            let labels: Vec<&str> = block.labels.iter().map(|l| l.as_str()).collect();
            let ident = block.ident.as_str();
            let mut skeleton = |kind: NodeKind, type_name: &str, name: &str, address: String| {
                let idx = nodes.len();
                nodes.push(skeleton_node(
                    *fid,
                    block,
                    &input.dir,
                    kind,
                    type_name,
                    name,
                    address.clone(),
                ));
                ev.index.entry(address).or_insert(Targets::single(idx));
                idx
            };
            match (ident, labels.as_slice()) {
                ("resource", [t, n, ..]) => {
                    skeleton(NodeKind::Resource, t, n, format!("{t}.{n}"));
                    pending.push(Pending {
                        file: *fid,
                        block,
                        policy_doc: None,
                        variable: None,
                        expand: true,
                    });
                }
                ("data", [t, n, ..]) => {
                    let idx = skeleton(NodeKind::Data, t, n, format!("data.{t}.{n}"));
                    let doc = (*t == "aws_iam_policy_document").then(|| n.to_string());
                    if doc.is_some() {
                        ev.docs.insert(
                            idx,
                            DocNode {
                                address: format!("data.{t}.{n}"),
                                file: *fid,
                                block,
                                scope: Rc::new(block_scope(block, None)),
                            },
                        );
                    }
                    pending.push(Pending {
                        file: *fid,
                        block,
                        policy_doc: doc,
                        variable: None,
                        expand: true,
                    });
                }
                ("module", [n, ..]) => {
                    skeleton(NodeKind::Module, "module", n, format!("module.{n}"));
                    pending.push(Pending {
                        file: *fid,
                        block,
                        policy_doc: None,
                        variable: None,
                        expand: false,
                    });
                }
                ("variable", [n, ..]) => {
                    let idx = skeleton(NodeKind::Variable, "variable", n, format!("var.{n}"));
                    ev.vars.entry(n.to_string()).or_insert(VarDecl {
                        node: idx,
                        file: *fid,
                        default: block.body.get_attribute("default").map(|a| &a.value),
                    });
                    pending.push(Pending {
                        file: *fid,
                        block,
                        policy_doc: None,
                        variable: Some(n.to_string()),
                        expand: false,
                    });
                }
                ("output", [n, ..]) => {
                    skeleton(NodeKind::Output, "output", n, format!("output.{n}"));
                    pending.push(Pending {
                        file: *fid,
                        block,
                        policy_doc: None,
                        variable: None,
                        expand: false,
                    });
                }
                ("provider", [p, ..]) => {
                    let alias = block
                        .body
                        .get_attribute("alias")
                        .and_then(|a| a.value.as_str())
                        .map(str::to_string);
                    let (name, address) = match &alias {
                        Some(a) => (a.clone(), format!("provider.{p}.{a}")),
                        None => (p.to_string(), format!("provider.{p}")),
                    };
                    skeleton(NodeKind::Provider, p, &name, address);
                    pending.push(Pending {
                        file: *fid,
                        block,
                        policy_doc: None,
                        variable: None,
                        expand: false,
                    });
                }
                ("terraform", _) => {
                    for inner in block.body.blocks() {
                        if inner.ident.as_str() != "backend" {
                            continue;
                        }
                        let Some(b) = inner.labels.first().map(|l| l.as_str()) else {
                            continue;
                        };
                        let idx = nodes.len();
                        let address = format!("terraform.backend.{b}");
                        nodes.push(skeleton_node(
                            *fid,
                            inner,
                            &input.dir,
                            NodeKind::Backend,
                            b,
                            b,
                            address.clone(),
                        ));
                        ev.index.entry(address).or_insert(Targets::single(idx));
                        pending.push(Pending {
                            file: *fid,
                            block: inner,
                            policy_doc: None,
                            variable: None,
                            expand: false,
                        });
                    }
                }
                ("locals", _) => {
                    for attr in block.body.attributes() {
                        ev.locals
                            .entry(attr.key.as_str().to_string())
                            .or_insert((*fid, &attr.value));
                    }
                }
                _ => {}
            }
        }
    }

    // tfvars: later files win.
    for (fid, _file, body) in &input.tfvars {
        for attr in body.attributes() {
            let v = ev.eval_detached(*fid, &attr.value);
            ev.tfvars
                .insert(attr.key.as_str().to_string(), std::rc::Rc::new(v));
        }
    }

    // Instances: `for_each`/`count` of resources and data sources, evaluated with every local,
    // variable and document in place. Blocks whose instances are known become one node per
    // instance (none for `count = 0`), in place of their single node.
    let plans: Vec<Option<Vec<(String, Inst)>>> = pending
        .iter()
        .map(|p| {
            p.expand
                .then(|| instances(&mut ev, p.file, p.block))
                .flatten()
        })
        .collect();
    // Memoised references name the old node indices.
    ev.reset_memos();
    let mut ranges: Vec<std::ops::Range<usize>> = Vec::with_capacity(nodes.len());
    // For each new node: its pending block and instance.
    let mut work: Vec<(usize, Option<Inst>)> = Vec::with_capacity(nodes.len());
    let mut expanded: Vec<Node> = Vec::with_capacity(nodes.len());
    for (i, (node, plan)) in nodes.into_iter().zip(&plans).enumerate() {
        let start = expanded.len();
        match plan {
            None => {
                expanded.push(node);
                work.push((i, None));
            }
            Some(insts) => {
                for (k, inst) in insts {
                    let mut n = node.clone();
                    n.address = match inst {
                        Inst::Count(_) => format!("{}[{k}]", node.address),
                        Inst::Each(..) => format!("{}[{}]", node.address, quote(k)),
                    };
                    expanded.push(n);
                    work.push((i, Some(inst.clone())));
                }
            }
        }
        ranges.push(start..expanded.len());
    }
    let mut nodes = expanded;
    for t in ev.index.values_mut() {
        let Some(&old) = t.nodes.first() else {
            continue;
        };
        t.nodes = ranges.get(old).cloned().unwrap_or_default().collect();
        if let Some(Some(insts)) = plans.get(old) {
            t.keys = Some(insts.iter().map(|(k, _)| k.clone()).collect());
        }
    }
    for decl in ev.vars.values_mut() {
        decl.node = ranges.get(decl.node).map_or(decl.node, |r| r.start);
    }
    ev.docs.clear();
    for (i, (pi, inst)) in work.iter().enumerate() {
        let p = &pending[*pi];
        if p.policy_doc.is_some() {
            ev.docs.insert(
                i,
                DocNode {
                    address: nodes[i].address.clone(),
                    file: p.file,
                    block: p.block,
                    scope: Rc::new(block_scope(p.block, inst.clone())),
                },
            );
        }
    }

    // Pass 2: attributes and edges.
    let mut edges = Vec::new();
    // The references of the current block's `for_each` (computed once per block).
    let mut each_hits: Option<(usize, Vec<eval::Hit>)> = None;
    for (i, (pi, inst)) in work.iter().enumerate() {
        let p = &pending[*pi];
        let mut route_hits = Vec::new();
        ev.file = p.file;
        let mut scope = block_scope(p.block, inst.clone());
        if scope.for_each {
            if each_hits.as_ref().is_none_or(|(b, _)| b != pi) {
                let hits = match p.block.body.get_attribute("for_each") {
                    Some(a) => ev.refs_of(p.file, &a.value),
                    None => Vec::new(),
                };
                each_hits = Some((*pi, hits));
            }
            if let Some((_, hits)) = &each_hits {
                scope.each_hits = hits.clone();
            }
        }
        ev.scope = (scope.for_each || scope.count).then(|| Rc::new(scope));
        let mut map = ev.eval_body(&p.block.body, &mut Vec::new(), &mut route_hits);
        ev.scope = None;
        if let Some(name) = &p.variable {
            if let Some(ty) = p.block.body.get_attribute("type") {
                let span = ev.span(ty.value.span());
                map.insert(
                    "type".into(),
                    Spanned::unknown(ev.text(ty.value.span()), span),
                );
            }
            let mut hits = Vec::new();
            if let Some(v) = ev.var_value(name, &mut hits) {
                map.insert("value".into(), v);
            }
        }
        if p.policy_doc.is_some() {
            map.insert("json".into(), ev.doc_json(i));
        }
        let span = nodes[i].span;
        nodes[i].attrs = Spanned::new(Val::Object(Box::new(map)), Some(span));
        for (route, hit) in route_hits {
            edges.push(Edge {
                from: NodeId(i as u32),
                route,
                to: NodeId(hit.to as u32),
                attr: hit.attr,
                span: hit.span,
            });
        }
    }
    // A limit hit during evaluation: the module is still linted (over-limit values are unknown),
    // and the first place is reported.
    let diagnostics = ev
        .first_exceeded
        .take()
        .map(|(span, key)| InputError {
            path: input
                .files
                .iter()
                .chain(input.tfvars.iter())
                .find(|(id, _, _)| *id == span.file)
                .map(|(_, f, _)| f.path.clone())
                .unwrap_or_default(),
            span: Some(span),
            message: format!(
                "evaluation stopped here: the value is over a limit {}; values past it are unknown",
                crate::limits::hint(key)
            ),
        })
        .into_iter()
        .collect();
    Fragment {
        nodes,
        edges,
        diagnostics,
    }
}

/// The `each`/`count` scope of a block (without the `for_each` references).
fn block_scope(block: &Block, inst: Option<Inst>) -> Scope {
    Scope {
        for_each: block.body.has_attribute("for_each"),
        count: block.body.has_attribute("count"),
        inst,
        each_hits: Vec::new(),
    }
}

/// The instances of a `resource`/`data` block, in Terraform's order, when its `for_each` or
/// `count` is known and has at most [`MAX_INSTANCES`] entries: `(key, instance)`, keys being
/// the map keys, the strings of a set (sorted, deduplicated) or the count indices. `None` keeps
/// the block as one node.
fn instances(ev: &mut Evaluator, file: FileId, block: &Block) -> Option<Vec<(String, Inst)>> {
    let for_each = block.body.get_attribute("for_each");
    let count = block.body.get_attribute("count");
    match (for_each, count) {
        (Some(a), None) => {
            let v = ev.eval_detached(file, &a.value);
            match v.val {
                Val::Object(m) if m.len() <= MAX_INSTANCES => Some(
                    m.into_iter()
                        .map(|(k, v)| (k.clone(), Inst::Each(k, v)))
                        .collect(),
                ),
                // A set of strings (Terraform refuses lists); sets of strings iterate sorted.
                Val::Array(items) => {
                    let mut keys: Vec<(String, Option<Span>)> = Vec::with_capacity(items.len());
                    for item in items {
                        match item.val {
                            Val::String(s) => keys.push((s, item.span)),
                            _ => return None,
                        }
                    }
                    keys.sort_by(|a, b| a.0.cmp(&b.0));
                    keys.dedup_by(|a, b| a.0 == b.0);
                    (keys.len() <= MAX_INSTANCES).then(|| {
                        keys.into_iter()
                            .map(|(k, span)| {
                                (k.clone(), Inst::Each(k.clone(), Spanned::string(k, span)))
                            })
                            .collect()
                    })
                }
                _ => None,
            }
        }
        (None, Some(a)) => {
            let v = ev.eval_detached(file, &a.value);
            let n = match v.val {
                Val::Number(n) => n,
                Val::String(s) => s.trim().parse::<f64>().ok()?,
                _ => return None,
            };
            (n.fract() == 0.0 && (0.0..=MAX_INSTANCES as f64).contains(&n)).then(|| {
                (0..n as usize)
                    .map(|i| (i.to_string(), Inst::Count(i)))
                    .collect()
            })
        }
        _ => None,
    }
}

/// A `for_each` key as Terraform writes it in an address: `"key"`, with `\` and `"` escaped.
fn quote(k: &str) -> String {
    let mut out = String::with_capacity(k.len() + 2);
    out.push('"');
    for c in k.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A node with everything but its attributes.
fn skeleton_node(
    file: FileId,
    block: &Block,
    dir: &str,
    kind: NodeKind,
    type_name: &str,
    name: &str,
    address: String,
) -> Node {
    let whole = block.span().unwrap_or(0..0);
    let head_start = block.ident.span().map(|r| r.start).unwrap_or(whole.start);
    let head_end = block
        .labels
        .last()
        .and_then(|l| l.span())
        .or_else(|| block.ident.span())
        .map(|r| r.end)
        .unwrap_or(whole.start);
    Node {
        id: NodeId(0),
        format: Format::Terraform,
        kind,
        type_name: type_name.to_string(),
        name: name.to_string(),
        address,
        module: dir.to_string(),
        file,
        span: Span::new(file, whole.clone()),
        header: Span::new(file, head_start..head_end),
        attrs: Spanned::new(
            Val::Object(Box::new(IndexMap::new())),
            Some(Span::new(file, whole)),
        ),
        meta: NodeMeta {
            count: block.body.has_attribute("count"),
            for_each: block.body.has_attribute("for_each"),
            cdk_path: None,
            ..NodeMeta::default()
        },
    }
}

/// Appends a key to a route (helper for the evaluator).
fn key(k: &str) -> Seg {
    Seg::Key(k.to_string())
}
