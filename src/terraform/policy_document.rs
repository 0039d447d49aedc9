//! `data "aws_iam_policy_document"` → the normalized JSON policy shape.
//!
//! The synthesized document is `{"Version", "Id"?, "Statement": [...]}` where each `statement {}`
//! becomes an object (span = the statement block) with `Sid`, `Effect` (`"Allow"` by default, with
//! the statement block's span), `Action`/`NotAction`, `Resource`/`NotResource` (arrays as written,
//! item spans kept), `Principal`/`NotPrincipal` (`{"AWS": [...], "Service": [...]}`, or `"*"` for
//! type `*` with identifiers `["*"]`) and `Condition` (`{test: {variable: [values]}}`).
//!
//! `source_policy_documents` statements come first; this block's statements then replace
//! statements with the same `Sid` or are appended; `override_policy_documents` statements then do
//! the same. An unknown document, or a `dynamic "statement"` block, adds an unknown item to
//! `Statement`, so an evaluator knows something is missing.

use hcl_edit::Span as _;
use hcl_edit::structure::{Block, Body, Structure};
use indexmap::IndexMap;

use crate::value::{Spanned, Val};

use super::context::Context;

fn attr(ev: &mut dyn Context, body: &Body, name: &str) -> Option<Spanned> {
    body.get_attribute(name).map(|a| ev.eval(&a.value))
}

/// Synthesizes the policy document of a `data "aws_iam_policy_document"` block. The evaluator's
/// current file must be the block's file.
pub(super) fn synthesize(ev: &mut dyn Context, block: &Block) -> Spanned {
    let span = ev.span(block.span());
    let body = &block.body;
    let mut statements: Vec<Spanned> = Vec::new();
    if let Some(v) = attr(ev, body, "source_policy_documents") {
        merge_docs(&mut statements, v, false);
    }
    for st in body.iter() {
        let Structure::Block(b) = st else { continue };
        match b.ident.as_str() {
            "statement" => {
                let s = statement(ev, b);
                merge_one(&mut statements, s, true);
            }
            "dynamic" if b.labels.first().map(|l| l.as_str()) == Some("statement") => {
                statements.push(Spanned::unknown(
                    "dynamic \"statement\" block",
                    ev.span(b.span()),
                ));
            }
            _ => {}
        }
    }
    if let Some(v) = attr(ev, body, "override_policy_documents") {
        merge_docs(&mut statements, v, true);
    }
    let mut doc = IndexMap::new();
    let version = attr(ev, body, "version").unwrap_or_else(|| Spanned::string("2012-10-17", None));
    doc.insert("Version".to_string(), version);
    if let Some(id) = attr(ev, body, "policy_id") {
        doc.insert("Id".to_string(), id);
    }
    doc.insert(
        "Statement".to_string(),
        Spanned::new(Val::Array(statements), span),
    );
    Spanned::new(Val::Object(Box::new(doc)), span)
}

/// Adds the statements of a list of documents.
fn merge_docs(statements: &mut Vec<Spanned>, docs: Spanned, replace: bool) {
    match docs.val {
        Val::Array(items) => {
            for item in items {
                merge_doc(statements, item, replace);
            }
        }
        Val::Null => {}
        _ => statements.push(as_unknown(docs)),
    }
}

fn merge_doc(statements: &mut Vec<Spanned>, doc: Spanned, replace: bool) {
    let doc = match &doc.val {
        Val::String(s) => match super::json::parse_plain(s, doc.span) {
            Some(v) => v,
            None => {
                statements.push(Spanned::unknown(
                    "a policy document that is not JSON",
                    doc.span,
                ));
                return;
            }
        },
        _ => doc,
    };
    let span = doc.span;
    match doc.val {
        Val::Object(mut m) => match m.shift_remove("Statement") {
            Some(Spanned {
                val: Val::Array(items),
                ..
            }) => {
                for s in items {
                    merge_one(statements, s, replace);
                }
            }
            Some(
                s @ Spanned {
                    val: Val::Object(_),
                    ..
                },
            ) => merge_one(statements, s, replace),
            Some(other) => statements.push(as_unknown(other)),
            None => {}
        },
        Val::Null => {}
        other => statements.push(as_unknown(Spanned::new(other, span))),
    }
}

fn as_unknown(v: Spanned) -> Spanned {
    match v.val {
        Val::Unknown(_) => v,
        _ => Spanned::unknown("a policy document that could not be read", v.span),
    }
}

/// Appends `s`, or (when `replace`) replaces the statement with the same non-empty `Sid`.
fn merge_one(statements: &mut Vec<Spanned>, s: Spanned, replace: bool) {
    if replace
        && let Some(sid) = s
            .get("Sid")
            .and_then(Spanned::as_str)
            .filter(|x| !x.is_empty())
        && let Some(i) = statements
            .iter()
            .position(|o| o.get("Sid").and_then(Spanned::as_str) == Some(sid))
    {
        statements[i] = s;
        return;
    }
    statements.push(s);
}

fn statement(ev: &mut dyn Context, b: &Block) -> Spanned {
    let span = ev.span(b.span());
    let body = &b.body;
    let mut m = IndexMap::new();
    if let Some(v) = attr(ev, body, "sid") {
        m.insert("Sid".to_string(), v);
    }
    let effect = attr(ev, body, "effect").unwrap_or_else(|| Spanned::string("Allow", span));
    m.insert("Effect".to_string(), effect);
    for (hcl, json) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(v) = attr(ev, body, hcl) {
            m.insert(json.to_string(), v);
        }
    }
    if let Some(p) = principals(ev, body, "principals") {
        m.insert("Principal".to_string(), p);
    }
    if let Some(p) = principals(ev, body, "not_principals") {
        m.insert("NotPrincipal".to_string(), p);
    }
    if let Some(c) = conditions(ev, body) {
        m.insert("Condition".to_string(), c);
    }
    Spanned::new(Val::Object(Box::new(m)), span)
}

/// Extends `slot` (an array or unknown) with `values`.
fn extend(slot: &mut Spanned, values: Spanned) {
    if slot.is_unknown() {
        return;
    }
    match (values.val, &mut slot.val) {
        (Val::Array(items), Val::Array(a)) => a.extend(items),
        (Val::Unknown(u), _) => *slot = Spanned::new(Val::Unknown(u), values.span),
        (v @ (Val::String(_) | Val::Number(_) | Val::Bool(_)), Val::Array(a)) => {
            a.push(Spanned::new(v, values.span))
        }
        _ => *slot = Spanned::unknown("a value that is not a list", values.span),
    }
}

fn principals(ev: &mut dyn Context, body: &Body, ident: &str) -> Option<Spanned> {
    let mut map: IndexMap<String, Spanned> = IndexMap::new();
    let mut first = None;
    let mut any = false;
    let mut unknown = false;
    for st in body.iter() {
        let Structure::Block(b) = st else { continue };
        let bspan = ev.span(b.span());
        if b.ident.as_str() == "dynamic" && b.labels.first().map(|l| l.as_str()) == Some(ident) {
            any = true;
            unknown = true;
            first.get_or_insert(bspan);
            continue;
        }
        if b.ident.as_str() != ident {
            continue;
        }
        any = true;
        first.get_or_insert(bspan);
        let ty = attr(ev, &b.body, "type");
        let ids = attr(ev, &b.body, "identifiers").unwrap_or_else(|| Spanned::bare(Val::Null));
        match ty.as_ref().and_then(Spanned::as_str) {
            Some(t) => {
                let slot = map
                    .entry(t.to_string())
                    .or_insert_with(|| Spanned::new(Val::Array(Vec::new()), ids.span));
                extend(slot, ids);
            }
            None => unknown = true,
        }
    }
    if !any {
        return None;
    }
    let span = first.flatten();
    if unknown {
        return Some(Spanned::unknown(
            format!("{ident} with an unknown type"),
            span,
        ));
    }
    if map.len() == 1
        && let Some(star) = map.get("*")
        && let Some(items) = star.as_array()
        && !items.is_empty()
        && items.iter().all(|i| i.as_str() == Some("*"))
    {
        return Some(Spanned::string("*", span));
    }
    Some(Spanned::new(Val::Object(Box::new(map)), span))
}

fn conditions(ev: &mut dyn Context, body: &Body) -> Option<Spanned> {
    let mut map: IndexMap<String, Spanned> = IndexMap::new();
    let mut first = None;
    let mut any = false;
    let mut unknown = false;
    for st in body.iter() {
        let Structure::Block(b) = st else { continue };
        let bspan = ev.span(b.span());
        if b.ident.as_str() == "dynamic"
            && b.labels.first().map(|l| l.as_str()) == Some("condition")
        {
            any = true;
            unknown = true;
            first.get_or_insert(bspan);
            continue;
        }
        if b.ident.as_str() != "condition" {
            continue;
        }
        any = true;
        first.get_or_insert(bspan);
        let test = attr(ev, &b.body, "test");
        let variable = attr(ev, &b.body, "variable");
        let values = attr(ev, &b.body, "values").unwrap_or_else(|| Spanned::bare(Val::Null));
        match (
            test.as_ref().and_then(Spanned::as_str),
            variable.as_ref().and_then(Spanned::as_str),
        ) {
            (Some(t), Some(v)) => {
                let inner = map
                    .entry(t.to_string())
                    .or_insert_with(|| Spanned::new(Val::Object(Box::new(IndexMap::new())), bspan));
                if let Val::Object(im) = &mut inner.val {
                    let slot = im
                        .entry(v.to_string())
                        .or_insert_with(|| Spanned::new(Val::Array(Vec::new()), values.span));
                    extend(slot, values);
                }
            }
            _ => unknown = true,
        }
    }
    if !any {
        return None;
    }
    let span = first.flatten();
    if unknown {
        return Some(Spanned::unknown(
            "condition with an unknown test or variable",
            span,
        ));
    }
    Some(Spanned::new(Val::Object(Box::new(map)), span))
}
