//! The expression evaluator: turns hcl-edit expressions into [`Spanned`] values, records the
//! references it meets, and resolves `var.*`, `local.*` and policy documents lazily.

use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;

use hcl_edit::Span as _;
use hcl_edit::expr::{
    BinaryOperator, Expression, ObjectKey, Traversal, TraversalOperator, UnaryOperator,
};
use hcl_edit::structure::{Block, Body, Structure};
use hcl_edit::template::{Directive, Element, HeredocTemplate, Strip, Template};
use hcl_edit::visit::Visit;
use indexmap::IndexMap;

use crate::source::{FileId, SourceFile, Span};
use crate::value::{Part, Route, Seg, Shape, Spanned, Val};

use super::context::{Context, as_number, contains_unknown, fmt_num, scalar_string, val_eq};
use super::key;

/// Deepest chain of lazily evaluated locals, variables and policy documents.
pub(super) const MAX_LAZY_DEPTH: usize = 64;
/// Deepest expression recursion (across lazy evaluations), to bound the stack.
const MAX_EXPR_DEPTH: usize = 256;

// The total weight (see [`weight`]) of values copied out of locals, variables and documents
// before further copies become unknown is the `eval-values` limit (250 000 by default): it bounds
// "billion laughs" built from locals. Copies stay in the graph for the whole run, so this bounds
// what one module can keep: about 30 MB (a real module copies a few thousand values; the
// generated benchmark modules copy under a thousand). Strings built are at most `string-bytes`.

/// A reference to a node met during evaluation.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(super) struct Hit {
    /// Index of the referenced node.
    pub to: usize,
    /// The attribute named after the address.
    pub attr: Option<String>,
    /// Where the reference is written.
    pub span: Option<Span>,
}

/// What an address (`aws_kms_key.k`, `data.t.n`) names: the nodes of its block.
#[derive(Clone, Debug, Default)]
pub(super) struct Targets {
    /// Node indices, in instance order (one when not expanded, none for `count = 0`).
    pub nodes: Vec<usize>,
    /// Instance keys when the block was expanded (`nodes[i]` is instance `keys[i]`; `count`
    /// indices as decimal strings).
    pub keys: Option<Vec<String>>,
}

impl Targets {
    /// One node, not expanded.
    pub fn single(node: usize) -> Self {
        Targets {
            nodes: vec![node],
            keys: None,
        }
    }

    /// The nodes a reference selects: the instance with key `key` when the block was expanded
    /// and that key exists, otherwise every node. The second value tells whether exactly one
    /// instance was selected by its key.
    fn select(&self, key: Option<&str>) -> (Vec<usize>, bool) {
        if let (Some(keys), Some(k)) = (&self.keys, key)
            && let Some(p) = keys.iter().position(|x| x == k)
            && let Some(&n) = self.nodes.get(p)
        {
            return (vec![n], true);
        }
        (self.nodes.clone(), false)
    }
}

/// One instance of an expanded block.
#[derive(Clone, Debug)]
pub(super) enum Inst {
    /// A `for_each` instance: `each.key` and `each.value`.
    Each(String, Spanned),
    /// A `count` instance: `count.index`.
    Count(usize),
}

/// What `each.*` and `count.index` mean in the block being evaluated.
#[derive(Clone, Debug, Default)]
pub(super) struct Scope {
    /// The block has `for_each`.
    pub for_each: bool,
    /// The block has `count`.
    pub count: bool,
    /// The instance, when the block was expanded; `None` makes `each.*`/`count.index` unknown.
    pub inst: Option<Inst>,
    /// The references of the `for_each` expression, recorded wherever `each.*` is used.
    pub each_hits: Vec<Hit>,
}

/// A `data "aws_iam_policy_document"` node (one per instance).
pub(super) struct DocNode<'a> {
    /// The node's address, for messages.
    pub address: String,
    pub file: FileId,
    pub block: &'a Block,
    /// The instance's `each`/`count` (without references: a document's own references are
    /// edges of the data node).
    pub scope: Rc<Scope>,
}

/// A declared variable.
pub(super) struct VarDecl<'a> {
    pub node: usize,
    pub file: FileId,
    pub default: Option<&'a Expression>,
}

enum Memo {
    InProgress,
    /// The value, its references, and whether evaluating it hit an error (for `try`).
    Done(Rc<Spanned>, Vec<Hit>, bool),
}

enum DocMemo {
    InProgress,
    Done(Spanned, usize),
}

/// Evaluation state for one module.
pub(super) struct Evaluator<'a> {
    files: HashMap<FileId, &'a SourceFile>,
    /// Address → its nodes.
    pub index: HashMap<String, Targets>,
    /// Local name → (file, expression).
    pub locals: HashMap<String, (FileId, &'a Expression)>,
    /// Variable declarations.
    pub vars: HashMap<String, VarDecl<'a>>,
    /// Values from tfvars files.
    pub tfvars: HashMap<String, Rc<Spanned>>,
    /// `aws_iam_policy_document` node index → its block and instance.
    pub docs: HashMap<usize, DocNode<'a>>,
    local_memo: HashMap<String, Memo>,
    var_memo: HashMap<String, Memo>,
    doc_memo: HashMap<usize, DocMemo>,
    /// `each`/`count` of the block being evaluated (never seen by locals and variables).
    pub scope: Option<Rc<Scope>>,
    /// The file the expressions being evaluated are in.
    pub file: FileId,
    /// References collected for the attribute being evaluated.
    hits: Vec<Hit>,
    lazy_depth: usize,
    expr_depth: usize,
    copied: usize,
    /// The `eval-values` limit.
    max_copy: usize,
    /// The `string-bytes` limit.
    pub(super) max_string: usize,
    /// The first limit exceeded: where, and the limit's key.
    pub first_exceeded: Option<(Span, &'static str)>,
    /// Number of evaluation errors so far (used by `try` and `can`).
    pub errors: usize,
}

impl<'a> Evaluator<'a> {
    /// A fresh evaluator over these files.
    pub fn new(files: HashMap<FileId, &'a SourceFile>) -> Self {
        Evaluator {
            files,
            index: HashMap::new(),
            locals: HashMap::new(),
            vars: HashMap::new(),
            tfvars: HashMap::new(),
            docs: HashMap::new(),
            local_memo: HashMap::new(),
            var_memo: HashMap::new(),
            doc_memo: HashMap::new(),
            scope: None,
            file: FileId(0),
            hits: Vec::new(),
            lazy_depth: 0,
            expr_depth: 0,
            copied: 0,
            max_copy: crate::limits::current().eval_values,
            max_string: crate::limits::current().string_bytes,
            first_exceeded: None,
            errors: 0,
        }
    }

    /// Records that the limit `key` was exceeded at `span` (the first place is reported).
    pub(super) fn exceeded(&mut self, key: &'static str, span: Option<Span>) {
        if self.first_exceeded.is_none()
            && let Some(span) = span
        {
            self.first_exceeded = Some((span, key));
        }
    }

    /// A span in the current file.
    pub fn span(&self, r: Option<Range<usize>>) -> Option<Span> {
        r.map(|r| Span::new(self.file, r))
    }

    /// The source text of a range in the current file.
    pub fn text(&self, r: Option<Range<usize>>) -> String {
        match (r, self.files.get(&self.file)) {
            (Some(r), Some(f)) => f.text.get(r).unwrap_or("").to_string(),
            _ => String::from("<expression>"),
        }
    }

    /// An unknown value for `e`, with its source text and span.
    pub fn unknown_of(&self, r: Option<Range<usize>>) -> Spanned {
        Spanned::unknown(self.text(r.clone()), self.span(r))
    }

    /// [`Evaluator::unknown_of`] for a value of a known shape.
    fn unknown_shaped_of(&self, r: Option<Range<usize>>, shape: Shape) -> Spanned {
        Spanned::unknown_shaped(self.text(r.clone()), shape, self.span(r))
    }

    /// Forgets memoised locals, variables and documents (their references name node indices,
    /// which change when blocks are expanded into instances).
    pub fn reset_memos(&mut self) {
        self.local_memo.clear();
        self.var_memo.clear();
        self.doc_memo.clear();
    }

    /// The references `e` makes (sorted, deduplicated); its value is dropped.
    pub fn refs_of(&mut self, file: FileId, e: &Expression) -> Vec<Hit> {
        let saved_file = std::mem::replace(&mut self.file, file);
        let saved_hits = std::mem::take(&mut self.hits);
        let _ = self.eval(e);
        let mut h = std::mem::replace(&mut self.hits, saved_hits);
        self.file = saved_file;
        h.sort();
        h.dedup();
        h
    }

    /// Records a reference for the attribute being evaluated.
    pub fn hit(&mut self, hit: Hit) {
        self.hits.push(hit);
    }

    /// Evaluates `e` in `file` with a fresh collector whose references are dropped.
    pub fn eval_detached(&mut self, file: FileId, e: &Expression) -> Spanned {
        let saved_file = std::mem::replace(&mut self.file, file);
        let saved_hits = std::mem::take(&mut self.hits);
        let v = self.eval(e);
        self.hits = saved_hits;
        self.file = saved_file;
        v
    }

    /// Evaluates a block body into an object; references are returned with their routes.
    pub fn eval_body(
        &mut self,
        body: &Body,
        route: &mut Route,
        out: &mut Vec<(Route, Hit)>,
    ) -> IndexMap<String, Spanned> {
        let mut map: IndexMap<String, Spanned> = IndexMap::new();
        let mut dynamic: Vec<(String, Option<Span>)> = Vec::new();
        for structure in body.iter() {
            match structure {
                Structure::Attribute(attr) => {
                    let k = attr.key.as_str();
                    route.push(key(k));
                    let saved = std::mem::take(&mut self.hits);
                    let v = self.eval(&attr.value);
                    let mut hits = std::mem::replace(&mut self.hits, saved);
                    hits.sort();
                    hits.dedup();
                    out.extend(hits.into_iter().map(|h| (route.clone(), h)));
                    route.pop();
                    map.insert(k.to_string(), v);
                }
                Structure::Block(block) => {
                    let ident = block.ident.as_str();
                    let span = self.span(block.span());
                    if ident == "dynamic" {
                        let label = block
                            .labels
                            .first()
                            .map(|l| l.as_str().to_string())
                            .unwrap_or_default();
                        route.push(key(&label));
                        // Evaluated only for the references inside.
                        let _ = self.eval_body(&block.body, route, out);
                        route.pop();
                        dynamic.push((label, span));
                        continue;
                    }
                    let entry = map
                        .entry(ident.to_string())
                        .or_insert_with(|| Spanned::new(Val::Array(Vec::new()), span));
                    let idx = match &entry.val {
                        Val::Array(a) => a.len(),
                        _ => 0,
                    };
                    route.push(key(ident));
                    route.push(Seg::Index(idx));
                    let obj = self.eval_body(&block.body, route, out);
                    route.pop();
                    route.pop();
                    let entry = map
                        .entry(ident.to_string())
                        .or_insert_with(|| Spanned::new(Val::Array(Vec::new()), span));
                    if let Val::Array(a) = &mut entry.val {
                        a.push(Spanned::new(Val::Object(Box::new(obj)), span));
                    } else {
                        // An attribute and a block of the same name: the block wins.
                        *entry = Spanned::new(
                            Val::Array(vec![Spanned::new(Val::Object(Box::new(obj)), span)]),
                            span,
                        );
                    }
                }
            }
        }
        for (label, span) in dynamic {
            map.insert(
                label.clone(),
                Spanned::unknown(format!("dynamic block {label}"), span),
            );
        }
        map
    }

    /// Evaluates an expression.
    pub fn eval(&mut self, e: &Expression) -> Spanned {
        if self.expr_depth >= MAX_EXPR_DEPTH {
            self.record_refs(e);
            return Spanned::unknown("expression nested too deeply", self.span(e.span()));
        }
        self.expr_depth += 1;
        let v = self.eval_inner(e);
        self.expr_depth -= 1;
        v
    }

    fn eval_inner(&mut self, e: &Expression) -> Spanned {
        let r = e.span();
        let span = self.span(r.clone());
        match e {
            Expression::Null(_) => Spanned::new(Val::Null, span),
            Expression::Bool(b) => Spanned::new(Val::Bool(*b.value()), span),
            Expression::Number(n) => match n.value().as_f64() {
                Some(f) => Spanned::new(Val::Number(f), span),
                None => self.unknown_of(r),
            },
            Expression::String(s) => {
                let s = s.value();
                if s.trim_start().starts_with('{')
                    && let Some(v) = super::json::parse_plain(s, span)
                {
                    return v;
                }
                Spanned::new(Val::String(s.clone()), span)
            }
            Expression::Array(a) => {
                let items = a.iter().map(|x| self.eval(x)).collect();
                Spanned::new(Val::Array(items), span)
            }
            Expression::Object(o) => {
                let mut map = IndexMap::new();
                let mut unknown_key = false;
                for (k, v) in o.iter() {
                    let name = match k {
                        ObjectKey::Ident(id) => Some(id.as_str().to_string()),
                        ObjectKey::Expression(Expression::Variable(id)) => {
                            Some(id.as_str().to_string())
                        }
                        ObjectKey::Expression(ke) => {
                            let kv = self.eval(ke);
                            match kv.val {
                                Val::String(s) => Some(s),
                                Val::Number(n) => Some(fmt_num(n)),
                                Val::Bool(b) => Some(b.to_string()),
                                _ => None,
                            }
                        }
                    };
                    let val = self.eval(v.expr());
                    match name {
                        Some(n) => {
                            map.insert(n, val);
                        }
                        None => unknown_key = true,
                    }
                }
                if unknown_key {
                    return self.unknown_of(r);
                }
                Spanned::new(Val::Object(Box::new(map)), span)
            }
            Expression::StringTemplate(t)
                if t.iter().count() == 1
                    && let Some(Element::Interpolation(i)) = t.iter().next() =>
            {
                // `"${x}"` is `x` itself in Terraform (legacy `"${data.d.json}"` stays a document).
                let mut v = self.eval(&i.expr);
                if let Val::Unknown(u) = &v.val {
                    let shape = u.shape().clone();
                    return self.unknown_shaped_of(r, shape);
                }
                if !matches!(v.val, Val::Array(_) | Val::Object(_)) {
                    v.span = span;
                }
                v
            }
            Expression::StringTemplate(t) => match self.eval_template(t) {
                Ok(s) => Spanned::new(Val::String(s), span),
                Err(shape) => self.unknown_shaped_of(r, shape),
            },
            Expression::HeredocTemplate(h) => self.eval_heredoc(h, r),
            Expression::Parenthesis(p) => {
                let mut v = self.eval(p.inner());
                if !matches!(v.val, Val::Array(_) | Val::Object(_)) {
                    v.span = span;
                }
                v
            }
            Expression::Variable(id) => {
                // `provider = aws` in a resource: an edge to the provider configuration.
                if let Some(&to) = self
                    .index
                    .get(&format!("provider.{}", id.as_str()))
                    .and_then(|t| t.nodes.first())
                {
                    self.hit(Hit {
                        to,
                        attr: None,
                        span,
                    });
                }
                self.unknown_of(r)
            }
            Expression::Conditional(c) => {
                let cond = self.eval(&c.cond_expr);
                let t = self.eval(&c.true_expr);
                let f = self.eval(&c.false_expr);
                match cond.as_bool() {
                    Some(true) if !cond.is_unknown() => t,
                    Some(false) if !cond.is_unknown() => f,
                    _ => {
                        if !cond.is_unknown() {
                            self.errors += 1;
                        }
                        self.unknown_of(r)
                    }
                }
            }
            Expression::FuncCall(fc) => super::functions::call(self, fc, r),
            Expression::Traversal(t) => self.eval_traversal(t),
            Expression::UnaryOp(u) => {
                let v = self.eval(&u.expr);
                if contains_unknown(&v) {
                    return self.unknown_of(r);
                }
                let out = match (u.operator.value(), &v.val) {
                    (UnaryOperator::Neg, Val::Number(n)) => Some(Val::Number(-n)),
                    (UnaryOperator::Not, _) => v.as_bool().map(|b| Val::Bool(!b)),
                    _ => None,
                };
                match out {
                    Some(val) => Spanned::new(val, span),
                    None => {
                        self.errors += 1;
                        self.unknown_of(r)
                    }
                }
            }
            Expression::BinaryOp(b) => {
                let l = self.eval(&b.lhs_expr);
                let rv = self.eval(&b.rhs_expr);
                if contains_unknown(&l) || contains_unknown(&rv) {
                    return self.unknown_of(r);
                }
                match binary(*b.operator.value(), &l, &rv) {
                    Some(val) => Spanned::new(val, span),
                    None => {
                        self.errors += 1;
                        self.unknown_of(r)
                    }
                }
            }
            Expression::ForExpr(f) => {
                let _ = self.eval(&f.intro.collection_expr);
                if let Some(k) = &f.key_expr {
                    self.record_refs(k);
                }
                self.record_refs(&f.value_expr);
                if let Some(c) = &f.cond {
                    self.record_refs(&c.expr);
                }
                self.unknown_of(r)
            }
        }
    }

    /// Walks `e` without evaluating it, recording the references inside.
    pub fn record_refs(&mut self, e: &Expression) {
        RefWalker { ev: self }.visit_expr(e);
    }

    /// Records the reference a traversal makes (if any) without evaluating the rest.
    fn eval_traversal_refs_only(&mut self, t: &Traversal) {
        let Expression::Variable(root) = &t.expr else {
            return;
        };
        if let Some((addr, rest)) = address_of(root.as_str(), &t.operators)
            && let Some(targets) = self.index.get(&addr)
        {
            // Only a literal instance key is looked at (nothing is evaluated here).
            let key = match rest.first().map(|o| o.value()) {
                Some(TraversalOperator::Index(Expression::String(s))) => Some(s.value().clone()),
                Some(TraversalOperator::Index(Expression::Number(n))) => {
                    n.value().as_f64().map(fmt_num)
                }
                Some(TraversalOperator::LegacyIndex(n)) => Some(n.value().to_string()),
                _ => None,
            };
            let (nodes, _) = targets.select(key.as_deref());
            let attr = first_attr(rest);
            let span = self.span(t.span());
            for to in nodes {
                self.hit(Hit {
                    to,
                    attr: attr.clone(),
                    span,
                });
            }
        } else if root.as_str() == "each" {
            self.each_refs();
        } else if root.as_str() == "var"
            && let Some(name) = get_attr(&t.operators, 0)
            && let Some(decl) = self.vars.get(name)
        {
            let to = decl.node;
            let span = self.span(t.span());
            self.hit(Hit {
                to,
                attr: None,
                span,
            });
            let mut hits = Vec::new();
            let _ = self.var_value(name, &mut hits);
            self.hits.extend(hits);
        } else if root.as_str() == "local"
            && let Some(name) = get_attr(&t.operators, 0)
        {
            // The local's own references, transitively.
            let span = self.span(t.span());
            let _ = self.local_rc(name, span);
        }
    }

    /// Evaluates a template; when a part is unknown or a directive is present, `Err` with the
    /// shape of the result (a directive whose outcome is not evaluated is a hole: its literal
    /// text may or may not be in the result).
    fn eval_template(&mut self, t: &Template) -> Result<String, Shape> {
        let mut out = String::new();
        let mut parts: Vec<Part> = Vec::new();
        let mut known = true;
        // Strip markers (`${~ x ~}`, `%{~ if c ~}`) trim the whitespace of the literal right
        // before or after them: where that literal starts in `out`, and whether the next one
        // loses its leading whitespace.
        let mut last_literal: Option<usize> = None;
        let mut trim_next = false;
        for el in t.iter() {
            let (strip_before, strip_after) = match el {
                Element::Literal(_) => (false, false),
                Element::Interpolation(i) => (i.strip.strip_start(), i.strip.strip_end()),
                Element::Directive(d) => directive_strips(d),
            };
            if strip_before && let Some(start) = last_literal {
                let kept = out[start..].trim_end().len();
                out.truncate(start + kept);
            }
            last_literal = None;
            let value = match el {
                Element::Literal(l) => {
                    last_literal = Some(out.len());
                    let text = if trim_next {
                        l.value().trim_start()
                    } else {
                        l.value()
                    };
                    out.push_str(text);
                    None
                }
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr);
                    Some(match scalar_string(&v) {
                        Some(s) => Ok(s),
                        None => Err(shape_of(&v)),
                    })
                }
                Element::Directive(d) => {
                    RefWalker { ev: self }.visit_directive(d);
                    Some(self.eval_if_directive(d).unwrap_or(Err(Shape::Opaque)))
                }
            };
            trim_next = strip_after;
            match value {
                None => {}
                Some(Ok(s)) if out.len().saturating_add(s.len()) > self.max_string => {
                    let span = self.span(el.span());
                    self.exceeded("string-bytes", span);
                    return Err(Shape::Opaque);
                }
                Some(Ok(s)) => out.push_str(&s),
                Some(Err(shape)) => {
                    known = false;
                    parts.push(Part::Lit(std::mem::take(&mut out)));
                    parts.push(Part::Hole(shape));
                }
            }
        }
        if known {
            return Ok(out);
        }
        parts.push(Part::Lit(out));
        Err(Shape::template(parts))
    }

    /// `%{if c}a%{else}b%{endif}` with a known condition: the chosen branch (its references are
    /// recorded by the caller). `None` for `for` directives, an unknown condition, or strip
    /// markers (`%{~ if }`, whose whitespace trimming is not modelled).
    fn eval_if_directive(&mut self, d: &Directive) -> Option<Result<String, Shape>> {
        let Directive::If(i) = d else {
            return None;
        };
        let strips = [
            Some(i.if_expr.strip),
            i.else_expr.as_ref().map(|e| e.strip),
            Some(i.endif_expr.strip),
        ];
        if strips.into_iter().flatten().any(|s| s != Strip::None)
            || self.expr_depth >= MAX_EXPR_DEPTH
        {
            return None;
        }
        self.expr_depth += 1;
        let saved_hits = std::mem::take(&mut self.hits);
        let cond = self.eval(&i.if_expr.cond_expr);
        let out = match (cond.is_unknown(), cond.as_bool()) {
            (false, Some(true)) => Some(self.eval_template(&i.if_expr.template)),
            (false, Some(false)) => Some(match &i.else_expr {
                Some(e) => self.eval_template(&e.template),
                None => Ok(String::new()),
            }),
            _ => None,
        };
        self.hits = saved_hits;
        self.expr_depth -= 1;
        out
    }

    fn eval_heredoc(&mut self, h: &HeredocTemplate, r: Option<Range<usize>>) -> Spanned {
        let span = self.span(r.clone());
        let one_to_one = matches!(h.indent(), None | Some(0));
        // Pieces of text with, for literals that map 1:1 to the source, their source offset.
        let mut pieces: Vec<super::json::Piece> = Vec::new();
        let mut all_known = true;
        let mut has_directive = false;
        for el in h.template.iter() {
            match el {
                Element::Literal(l) => {
                    let src = l
                        .span()
                        .filter(|sr| one_to_one && sr.len() == l.value().len());
                    pieces.push(super::json::Piece::Text(
                        l.value().clone(),
                        src.map(|sr| sr.start),
                    ));
                }
                Element::Interpolation(i) => {
                    let v = self.eval(&i.expr);
                    match scalar_string(&v) {
                        Some(s) => pieces.push(super::json::Piece::Text(s, None)),
                        None if matches!(v.val, Val::Array(_) | Val::Object(_)) => {
                            all_known = false;
                            pieces.push(super::json::Piece::Value(v, self.text(i.span())));
                        }
                        None => {
                            all_known = false;
                            pieces
                                .push(super::json::Piece::Hole(self.text(i.span()), shape_of(&v)));
                        }
                    }
                }
                Element::Directive(d) => {
                    RefWalker { ev: self }.visit_directive(d);
                    match self.eval_if_directive(d) {
                        Some(Ok(s)) => pieces.push(super::json::Piece::Text(s, None)),
                        other => {
                            has_directive = true;
                            let shape = other.and_then(Result::err).unwrap_or(Shape::Opaque);
                            pieces.push(super::json::Piece::Hole(String::new(), shape));
                        }
                    }
                }
            }
        }
        // Strip markers trim literals next to them, which the pieces do not model.
        let stripped = h.template.iter().any(|el| match el {
            Element::Literal(_) => false,
            Element::Interpolation(i) => i.strip != Strip::None,
            Element::Directive(d) => directive_strips(d) != (false, false),
        });
        let shape = |pieces: &[super::json::Piece]| {
            if stripped {
                Shape::Opaque
            } else {
                super::json::pieces_shape(pieces)
            }
        };
        if has_directive {
            return self.unknown_shaped_of(r, shape(&pieces));
        }
        if let Some(v) = super::json::parse_pieces(&pieces, self.file, span) {
            return v;
        }
        if all_known {
            let s: String = pieces
                .iter()
                .map(|p| match p {
                    super::json::Piece::Text(t, _) => t.as_str(),
                    super::json::Piece::Hole(..) | super::json::Piece::Value(..) => "",
                })
                .collect();
            return Spanned::new(Val::String(s), span);
        }
        self.unknown_shaped_of(r, shape(&pieces))
    }

    /// Evaluates a traversal (`var.x`, `local.y.z`, `aws_kms_key.k.arn`, `x[0]`).
    pub fn eval_traversal(&mut self, t: &Traversal) -> Spanned {
        let r = t.span();
        let span = self.span(r.clone());
        let ops = &t.operators;
        let Expression::Variable(root) = &t.expr else {
            let base = self.eval(&t.expr);
            if ops.is_empty() {
                return base;
            }
            return self.apply_ops(&base, ops, r);
        };
        let root = root.as_str();
        match root {
            "var" | "local" => {
                let Some(name) = get_attr(ops, 0) else {
                    self.eval_index_exprs(ops);
                    return self.unknown_of(r);
                };
                let base: Rc<Spanned> = if root == "var" {
                    let mut hits = Vec::new();
                    let v = self.var_rc(name, &mut hits);
                    if let Some(decl) = self.vars.get(name) {
                        hits.insert(
                            0,
                            Hit {
                                to: decl.node,
                                attr: None,
                                span,
                            },
                        );
                    }
                    self.hits.extend(hits);
                    v.unwrap_or_else(|| Rc::new(Spanned::unknown(format!("var.{name}"), span)))
                } else {
                    self.local_rc(name, span)
                };
                let mut v = self.apply_ops(&base, &ops[1..], r);
                // Only the selected part is copied, and the copy is charged to the budget.
                if !self.charge(weight(&v)) {
                    self.exceeded("eval-values", span);
                    return Spanned::unknown(format!("{root}.{name} (value too large)"), span);
                }
                if !matches!(v.val, Val::Array(_) | Val::Object(_)) {
                    v.span = span;
                }
                v
            }
            "each" | "count" => self.eval_instance_ref(root, ops, r),
            _ => {
                let Some((addr, rest)) = address_of(root, ops) else {
                    self.eval_index_exprs(ops);
                    return self.unknown_of(r);
                };
                // `provider = aws.west`: an edge to the aliased provider configuration.
                let found = self.index.get(&addr).cloned().or_else(|| {
                    self.index
                        .get(&format!("provider.{addr}"))
                        .cloned()
                        .filter(|_| ops.len() == 1)
                });
                let shape = attribute_shape(&addr, rest);
                let Some(targets) = found else {
                    self.eval_index_exprs(ops);
                    return self.unknown_shaped_of(r, shape);
                };
                let attr = first_attr(rest);
                // An instance key right after the address (`[0]`, `["k"]`), evaluated once.
                let (key, after_key) = match rest.first().map(|o| o.value()) {
                    Some(TraversalOperator::Index(e)) => (scalar_string(&self.eval(e)), 1),
                    Some(TraversalOperator::LegacyIndex(n)) => (Some(n.value().to_string()), 1),
                    _ => (None, 0),
                };
                let (nodes, by_key) = targets.select(key.as_deref());
                // `.json` of a policy document, also through an instance key (`[0].json`,
                // `["k"].json`): the document of the instance selected by its key, of the only
                // node, or unknown when the instance cannot be told.
                if addr.starts_with("data.aws_iam_policy_document.")
                    && let Some(TraversalOperator::GetAttr(a)) =
                        rest.get(after_key).map(|o| o.value())
                    && (a.as_str() == "json" || a.as_str() == "minified_json")
                {
                    for &to in &nodes {
                        self.hit(Hit {
                            to,
                            attr: Some("json".into()),
                            span,
                        });
                    }
                    let doc = match nodes.as_slice() {
                        [one] if by_key || targets.keys.is_none() || targets.nodes.len() == 1 => {
                            Some(*one)
                        }
                        _ => None,
                    };
                    let Some(doc) = doc else {
                        self.eval_index_exprs(&rest[after_key + 1..]);
                        return self.unknown_of(r);
                    };
                    let v = self.doc_json(doc);
                    if after_key + 1 == rest.len() {
                        return v;
                    }
                    return self.apply_ops(&v, &rest[after_key + 1..], r);
                }
                for to in nodes {
                    self.hit(Hit {
                        to,
                        attr: attr.clone(),
                        span,
                    });
                }
                self.eval_index_exprs(&rest[after_key..]);
                self.unknown_shaped_of(r, shape)
            }
        }
    }

    /// Records the references of the `for_each` expression of the block being evaluated (a use
    /// of `each.*` depends on what `for_each` iterates).
    fn each_refs(&mut self) {
        if let Some(scope) = &self.scope
            && scope.for_each
        {
            let hits = scope.each_hits.clone();
            self.hits.extend(hits);
        }
    }

    /// `each.key`, `each.value...` and `count.index`: known in an expanded instance.
    fn eval_instance_ref(
        &mut self,
        root: &str,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        r: Option<Range<usize>>,
    ) -> Spanned {
        let span = self.span(r.clone());
        let scope = self.scope.clone();
        if root == "each" {
            self.each_refs();
        }
        let base: Option<Spanned> = match (root, get_attr(ops, 0), scope.as_deref()) {
            (
                "each",
                Some("key"),
                Some(Scope {
                    for_each: true,
                    inst: Some(Inst::Each(k, _)),
                    ..
                }),
            ) => Some(Spanned::string(k.clone(), span)),
            (
                "count",
                Some("index"),
                Some(Scope {
                    count: true,
                    inst: Some(Inst::Count(i)),
                    ..
                }),
            ) => Some(Spanned::new(Val::Number(*i as f64), span)),
            _ => None,
        };
        let each_value = match (root, get_attr(ops, 0), scope.as_deref()) {
            (
                "each",
                Some("value"),
                Some(Scope {
                    for_each: true,
                    inst: Some(Inst::Each(_, v)),
                    ..
                }),
            ) => Some(v),
            _ => None,
        };
        let Some(base) = base.as_ref().or(each_value) else {
            self.eval_index_exprs(ops);
            return self.unknown_of(r);
        };
        let mut v = self.apply_ops(base, &ops[1..], r);
        // Only the selected part is copied, and the copy is charged to the budget.
        if !self.charge(weight(&v)) {
            self.exceeded("eval-values", span);
            return Spanned::unknown(format!("{root} (value too large)"), span);
        }
        if !matches!(v.val, Val::Array(_) | Val::Object(_)) {
            v.span = span;
        }
        v
    }

    /// Evaluates the index expressions of `ops` for the references inside.
    fn eval_index_exprs(&mut self, ops: &[hcl_edit::Decorated<TraversalOperator>]) {
        for op in ops {
            if let TraversalOperator::Index(e) = op.value() {
                let _ = self.eval(e);
            }
        }
    }

    /// Applies attribute/index operators to a value; only the selected part is cloned.
    fn apply_ops(
        &mut self,
        base: &Spanned,
        ops: &[hcl_edit::Decorated<TraversalOperator>],
        r: Option<Range<usize>>,
    ) -> Spanned {
        let mut cur = Some(base);
        for op in ops {
            let next = match op.value() {
                TraversalOperator::GetAttr(a) => match cur.map(|c| &c.val) {
                    Some(Val::Object(m)) => match m.get(a.as_str()) {
                        Some(v) => Some(v),
                        None => {
                            self.errors += 1;
                            None
                        }
                    },
                    Some(Val::Unknown(_)) | None => None,
                    Some(_) => {
                        self.errors += 1;
                        None
                    }
                },
                TraversalOperator::Index(e) => {
                    let k = self.eval(e);
                    match cur {
                        Some(c) => self.index_value(c, &k),
                        None => None,
                    }
                }
                TraversalOperator::LegacyIndex(n) => {
                    let k = Spanned::bare(Val::Number(*n.value() as f64));
                    match cur {
                        Some(c) => self.index_value(c, &k),
                        None => None,
                    }
                }
                TraversalOperator::AttrSplat(_) | TraversalOperator::FullSplat(_) => None,
            };
            cur = next;
        }
        match cur {
            Some(v) if !v.is_unknown() => v.clone(),
            _ => self.unknown_of(r),
        }
    }

    /// `c[k]` for a known collection and key; `None` (and an error when the types are known but
    /// wrong) otherwise.
    pub fn index_value<'v>(&mut self, c: &'v Spanned, k: &Spanned) -> Option<&'v Spanned> {
        match (&c.val, &k.val) {
            (Val::Unknown(_), _) | (_, Val::Unknown(_)) => None,
            (Val::Array(a), _) => {
                let i = as_number(k)?;
                if i.fract() != 0.0 || i < 0.0 || (i as usize) >= a.len() {
                    self.errors += 1;
                    return None;
                }
                a.get(i as usize)
            }
            (Val::Object(m), _) => match scalar_string(k) {
                Some(s) => match m.get(&s) {
                    Some(v) => Some(v),
                    None => {
                        self.errors += 1;
                        None
                    }
                },
                None => {
                    self.errors += 1;
                    None
                }
            },
            _ => {
                self.errors += 1;
                None
            }
        }
    }

    /// Charges the copy of `v` to the budget; false when the budget is exhausted.
    fn charge(&mut self, w: usize) -> bool {
        self.copied = self.copied.saturating_add(w);
        self.copied <= self.max_copy
    }

    /// The value of `var.name`: tfvars, else the default (a copy). `hits` receives references
    /// made while evaluating the default.
    pub fn var_value(&mut self, name: &str, hits: &mut Vec<Hit>) -> Option<Spanned> {
        self.var_rc(name, hits).map(|v| (*v).clone())
    }

    /// The value of `var.name`, shared.
    fn var_rc(&mut self, name: &str, hits: &mut Vec<Hit>) -> Option<Rc<Spanned>> {
        if let Some(v) = self.tfvars.get(name) {
            return Some(v.clone());
        }
        match self.var_memo.get(name) {
            Some(Memo::Done(v, h, e)) => {
                hits.extend(h.iter().cloned());
                self.errors += usize::from(*e);
                return Some(v.clone());
            }
            Some(Memo::InProgress) => {
                return Some(Rc::new(Spanned::unknown(
                    format!("cycle through var.{name}"),
                    None,
                )));
            }
            None => {}
        }
        let (file, default) = {
            let decl = self.vars.get(name)?;
            (decl.file, decl.default?)
        };
        if self.lazy_depth >= MAX_LAZY_DEPTH {
            return Some(Rc::new(Spanned::unknown(
                format!("var.{name} (too deep)"),
                None,
            )));
        }
        self.var_memo.insert(name.to_string(), Memo::InProgress);
        let (v, h, e) = self.lazy(file, default);
        let v = Rc::new(v);
        hits.extend(h.iter().cloned());
        self.errors += usize::from(e);
        self.var_memo
            .insert(name.to_string(), Memo::Done(v.clone(), h, e));
        Some(v)
    }

    /// The value of `local.name`, shared, with its references added to the current collector.
    fn local_rc(&mut self, name: &str, span: Option<Span>) -> Rc<Spanned> {
        match self.local_memo.get(name) {
            Some(Memo::Done(v, h, e)) => {
                let v = v.clone();
                self.errors += usize::from(*e);
                self.hits.extend(h.clone());
                return v;
            }
            Some(Memo::InProgress) => {
                return Rc::new(Spanned::unknown(
                    format!("local.{name} (reference cycle)"),
                    span,
                ));
            }
            None => {}
        }
        let Some(&(file, expr)) = self.locals.get(name) else {
            return Rc::new(Spanned::unknown(format!("local.{name}"), span));
        };
        if self.lazy_depth >= MAX_LAZY_DEPTH {
            return Rc::new(Spanned::unknown(
                format!("local.{name} (references nested too deeply)"),
                span,
            ));
        }
        self.local_memo.insert(name.to_string(), Memo::InProgress);
        let (v, h, e) = self.lazy(file, expr);
        let v = Rc::new(v);
        self.hits.extend(h.iter().cloned());
        self.errors += usize::from(e);
        self.local_memo
            .insert(name.to_string(), Memo::Done(v.clone(), h, e));
        v
    }

    /// Evaluates `e` in `file` one lazy level deeper, returning its value, its references and
    /// whether an evaluation error occurred.
    fn lazy(&mut self, file: FileId, e: &Expression) -> (Spanned, Vec<Hit>, bool) {
        self.lazy_depth += 1;
        // Locals and variables never see `each`/`count` (Terraform refuses them there).
        let saved_scope = self.scope.take();
        let saved_file = std::mem::replace(&mut self.file, file);
        let saved_hits = std::mem::take(&mut self.hits);
        let saved_errors = self.errors;
        let v = self.eval(e);
        let mut h = std::mem::replace(&mut self.hits, saved_hits);
        h.sort();
        h.dedup();
        let errored = self.errors > saved_errors;
        self.errors = saved_errors;
        self.file = saved_file;
        self.scope = saved_scope;
        self.lazy_depth -= 1;
        (v, h, errored)
    }

    /// The synthesized policy document of the `data "aws_iam_policy_document"` node `node` (an
    /// instance's document is built with its `each`/`count` bound).
    pub fn doc_json(&mut self, node: usize) -> Spanned {
        let (address, file, block, scope) = match self.docs.get(&node) {
            Some(d) => (d.address.clone(), d.file, d.block, d.scope.clone()),
            None => return Spanned::unknown("aws_iam_policy_document json", None),
        };
        match self.doc_memo.get(&node) {
            Some(DocMemo::Done(v, w)) => {
                let (w, v) = (*w, v.clone());
                if !self.charge(w) {
                    return Spanned::unknown(format!("{address}.json (too large)"), None);
                }
                return v;
            }
            Some(DocMemo::InProgress) => {
                return Spanned::unknown(format!("{address}.json (reference cycle)"), None);
            }
            None => {}
        }
        if self.lazy_depth >= MAX_LAZY_DEPTH {
            return Spanned::unknown(
                format!("{address}.json (references nested too deeply)"),
                None,
            );
        }
        self.doc_memo.insert(node, DocMemo::InProgress);
        self.lazy_depth += 1;
        let saved_file = std::mem::replace(&mut self.file, file);
        let saved_hits = std::mem::take(&mut self.hits);
        let saved_scope = self.scope.replace(scope);
        let saved_errors = self.errors;
        let v = super::policy_document::synthesize(self, block);
        self.hits = saved_hits;
        self.scope = saved_scope;
        self.errors = saved_errors;
        self.file = saved_file;
        self.lazy_depth -= 1;
        self.doc_memo
            .insert(node, DocMemo::Done(v.clone(), weight(&v)));
        if !self.charge(weight(&v)) {
            return Spanned::unknown(format!("{address}.json (too large)"), None);
        }
        v
    }
}

/// Records the references under an expression without evaluating it.
struct RefWalker<'e, 'a> {
    ev: &'e mut Evaluator<'a>,
}

impl Visit for RefWalker<'_, '_> {
    fn visit_traversal(&mut self, node: &Traversal) {
        self.ev.eval_traversal_refs_only(node);
        hcl_edit::visit::visit_traversal(self, node);
    }
}

/// `(address, remaining operators)` for a reference rooted at `root`, if it names a block.
fn address_of<'o>(
    root: &str,
    ops: &'o [hcl_edit::Decorated<TraversalOperator>],
) -> Option<(String, &'o [hcl_edit::Decorated<TraversalOperator>])> {
    match root {
        "var" | "local" | "count" | "each" | "self" | "path" | "terraform" => None,
        "data" => {
            let t = get_attr(ops, 0)?;
            let n = get_attr(ops, 1)?;
            Some((format!("data.{t}.{n}"), &ops[2..]))
        }
        "module" => {
            let n = get_attr(ops, 0)?;
            Some((format!("module.{n}"), &ops[1..]))
        }
        t => {
            let n = get_attr(ops, 0)?;
            Some((format!("{t}.{n}"), &ops[1..]))
        }
    }
}

/// `addr.name` or `addr[key].name` (nothing after the attribute): the attribute of that
/// resource, data source or module; otherwise nothing is known.
fn attribute_shape(addr: &str, rest: &[hcl_edit::Decorated<TraversalOperator>]) -> Shape {
    let rest = match rest.first().map(|o| o.value()) {
        Some(TraversalOperator::Index(_) | TraversalOperator::LegacyIndex(_)) => &rest[1..],
        _ => rest,
    };
    match rest {
        [one] => match one.value() {
            TraversalOperator::GetAttr(a) => Shape::Attribute {
                owner: addr.to_string(),
                name: a.as_str().to_string(),
            },
            _ => Shape::Opaque,
        },
        _ => Shape::Opaque,
    }
}

/// Whether a directive strips the whitespace before it (`%{~ if`) and after it (`endif ~}`).
fn directive_strips(d: &Directive) -> (bool, bool) {
    match d {
        Directive::If(i) => (
            i.if_expr.strip.strip_start(),
            i.endif_expr.strip.strip_end(),
        ),
        Directive::For(f) => (
            f.for_expr.strip.strip_start(),
            f.endfor_expr.strip.strip_end(),
        ),
    }
}

/// What is known of `v` when it is unknown ([`Shape::Opaque`] for anything else).
pub(super) fn shape_of(v: &Spanned) -> Shape {
    match &v.val {
        Val::Unknown(u) => u.shape().clone(),
        _ => Shape::Opaque,
    }
}

/// The name of `ops[i]` when it is an attribute access.
fn get_attr(ops: &[hcl_edit::Decorated<TraversalOperator>], i: usize) -> Option<&str> {
    match ops.get(i).map(|o| o.value()) {
        Some(TraversalOperator::GetAttr(a)) => Some(a.as_str()),
        _ => None,
    }
}

/// The first attribute name in `ops`, skipping index and splat operators.
fn first_attr(ops: &[hcl_edit::Decorated<TraversalOperator>]) -> Option<String> {
    ops.iter().find_map(|o| match o.value() {
        TraversalOperator::GetAttr(a) => Some(a.as_str().to_string()),
        _ => None,
    })
}

/// The cost of copying a value: one per node plus one per 16 bytes of string.
fn weight(v: &Spanned) -> usize {
    let mut w = 0usize;
    v.walk(&mut |_, x| {
        w = w.saturating_add(1 + x.as_str().map_or(0, |s| s.len() / 16));
    });
    w
}

fn binary(op: BinaryOperator, l: &Spanned, r: &Spanned) -> Option<Val> {
    use BinaryOperator as B;
    Some(match op {
        B::Eq => Val::Bool(val_eq(&l.val, &r.val)),
        B::NotEq => Val::Bool(!val_eq(&l.val, &r.val)),
        B::And => Val::Bool(l.as_bool()? && r.as_bool()?),
        B::Or => Val::Bool(l.as_bool()? || r.as_bool()?),
        _ => {
            let (a, b) = (as_number(l)?, as_number(r)?);
            match op {
                B::Less => Val::Bool(a < b),
                B::LessEq => Val::Bool(a <= b),
                B::Greater => Val::Bool(a > b),
                B::GreaterEq => Val::Bool(a >= b),
                B::Plus => Val::Number(a + b),
                B::Minus => Val::Number(a - b),
                B::Mul => Val::Number(a * b),
                B::Div if b != 0.0 => Val::Number(a / b),
                B::Mod if b != 0.0 => Val::Number(a % b),
                _ => return None,
            }
        }
    })
}

impl Context for Evaluator<'_> {
    fn eval(&mut self, e: &Expression) -> Spanned {
        Evaluator::eval(self, e)
    }

    fn span(&self, r: Option<Range<usize>>) -> Option<Span> {
        Evaluator::span(self, r)
    }

    fn unknown_of(&self, r: Option<Range<usize>>) -> Spanned {
        Evaluator::unknown_of(self, r)
    }

    fn record_refs(&mut self, e: &Expression) {
        Evaluator::record_refs(self, e)
    }

    fn exceeded(&mut self, key: &'static str, span: Option<Span>) {
        Evaluator::exceeded(self, key, span)
    }

    fn errors(&self) -> usize {
        self.errors
    }

    fn set_errors(&mut self, n: usize) {
        self.errors = n;
    }

    fn max_string(&self) -> usize {
        self.max_string
    }
}
