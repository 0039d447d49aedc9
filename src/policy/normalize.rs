//! Normalization of policy-shaped values to the standard JSON policy shape (see the module docs of
//! [`crate::policy`] for the exact output shape).

use indexmap::IndexMap;

use crate::source::Span;
use crate::value::{Spanned, Val};

/// Top-level keys kept in a normalized document, in canonical case.
const DOCUMENT_KEYS: &[&str] = &["Version", "Id", "Statement"];

/// Statement keys known to the normalizer, in canonical case.
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
];

/// Statement keys whose value is a string or a list of strings, normalized to an array.
const LIST_KEYS: &[&str] = &["Action", "NotAction", "Resource", "NotResource"];

/// Principal kinds, in canonical case.
const PRINCIPAL_KEYS: &[&str] = &["AWS", "Service", "Federated", "CanonicalUser"];

/// Normalizes a policy-shaped value; `None` when `value` is not a policy (not an object with
/// `Statement`, an unparseable string) or is Unknown.
///
/// Accepts an object (from `jsonencode`, heredoc JSON parsed by a front end, data documents) or a
/// known string holding JSON, which is parsed and whose every value gets the string's span.
pub fn normalize(value: &Spanned) -> Option<Spanned> {
    match &value.val {
        Val::String(s) => {
            let json: serde_json::Value = serde_json::from_str(s).ok()?;
            let parsed = with_span(&json, value.span);
            normalize_document(&parsed)
        }
        Val::Object(_) => normalize_document(value),
        _ => None,
    }
}

/// Builds a tree from plain JSON in which every value has `span`.
fn with_span(v: &serde_json::Value, span: Option<Span>) -> Spanned {
    let mut out = Spanned::from_json(v);
    set_spans(&mut out, span);
    out
}

fn set_spans(v: &mut Spanned, span: Option<Span>) {
    v.span = span;
    match &mut v.val {
        Val::Array(items) => items.iter_mut().for_each(|x| set_spans(x, span)),
        Val::Object(m) => m.values_mut().for_each(|x| set_spans(x, span)),
        _ => {}
    }
}

/// The canonical spelling of `key` among `known`, compared case-insensitively.
fn canonical(key: &str, known: &[&'static str]) -> Option<&'static str> {
    known.iter().copied().find(|k| k.eq_ignore_ascii_case(key))
}

/// The object's entries with known keys renamed to their canonical case. When two keys differ only
/// in case, the first one written wins. Unknown keys are kept as written when `keep_others`.
fn canonical_entries(
    m: &IndexMap<String, Spanned>,
    known: &[&'static str],
    keep_others: bool,
) -> IndexMap<String, Spanned> {
    let mut out = IndexMap::new();
    for (k, v) in m {
        let key = match canonical(k, known) {
            Some(c) => c.to_string(),
            None if keep_others => k.clone(),
            None => continue,
        };
        out.entry(key).or_insert_with(|| v.clone());
    }
    out
}

fn normalize_document(doc: &Spanned) -> Option<Spanned> {
    let m = doc.as_object()?;
    let mut entries = canonical_entries(m, DOCUMENT_KEYS, false);
    let statement = entries.get("Statement")?;
    let statements = match &statement.val {
        Val::Array(items) => items.iter().map(normalize_statement).collect(),
        Val::Object(_) => vec![normalize_statement(statement)],
        // An unknown list of statements (`concat(var.extra, ...)`, a `dynamic` block): one
        // statement that is entirely unknown, so that the evaluator sees it.
        Val::Unknown(_) => vec![statement.clone()],
        _ => return None,
    };
    let span = statement.span;
    entries.insert(
        "Statement".to_string(),
        Spanned::new(Val::Array(statements), span),
    );
    // Keep the canonical key order: Version, Id, Statement.
    let mut ordered = IndexMap::new();
    for k in DOCUMENT_KEYS {
        if let Some(v) = entries.shift_remove(*k) {
            ordered.insert((*k).to_string(), v);
        }
    }
    Some(Spanned::new(Val::Object(Box::new(ordered)), doc.span))
}

/// Normalizes one statement; values that are not objects (an unknown statement, a stray `null`) are
/// kept as they are.
fn normalize_statement(stmt: &Spanned) -> Spanned {
    let Some(m) = stmt.as_object() else {
        return stmt.clone();
    };
    let mut out = IndexMap::new();
    for (k, v) in canonical_entries(m, STATEMENT_KEYS, true) {
        // `null` (an HCL conditional that chose nothing) means the key was not written.
        if matches!(v.val, Val::Null) && STATEMENT_KEYS.contains(&k.as_str()) {
            continue;
        }
        let v = if LIST_KEYS.contains(&k.as_str()) {
            as_list(&v)
        } else if k == "Principal" || k == "NotPrincipal" {
            normalize_principal(&v)
        } else {
            v
        };
        out.insert(k, v);
    }
    Spanned::new(Val::Object(Box::new(out)), stmt.span)
}

/// An array as it is; any other value (a string, an unknown) as a one-item array with its span.
fn as_list(v: &Spanned) -> Spanned {
    match &v.val {
        Val::Array(_) => v.clone(),
        _ => Spanned::new(Val::Array(vec![v.clone()]), v.span),
    }
}

fn normalize_principal(v: &Spanned) -> Spanned {
    match &v.val {
        Val::Object(m) => {
            let entries = canonical_entries(m, PRINCIPAL_KEYS, true)
                .into_iter()
                .filter(|(_, x)| !matches!(x.val, Val::Null))
                .map(|(k, x)| (k, as_list(&x)))
                .collect::<IndexMap<_, _>>()
                .into();
            Spanned::new(Val::Object(entries), v.span)
        }
        _ => v.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::FileId;
    use serde_json::json;

    fn norm(v: serde_json::Value) -> serde_json::Value {
        normalize(&Spanned::from_json(&v))
            .map(|d| d.to_json())
            .unwrap_or(serde_json::Value::Null)
    }

    #[test]
    fn single_statement_and_string_fields_become_arrays() {
        let out = norm(json!({
            "Version": "2012-10-17",
            "Statement": {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"}
        }));
        assert_eq!(
            out,
            json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": ["*"]}]
            })
        );
    }

    #[test]
    fn lowercase_keys_are_canonicalized() {
        let out = norm(json!({
            "statement": [{
                "sid": "A", "effect": "Allow", "notaction": "iam:*", "notresource": ["x"],
                "principal": {"aws": "arn:aws:iam::123456789012:root", "service": ["a", "b"]},
                "condition": {"Bool": {"aws:SecureTransport": "false"}},
                "Custom": 1
            }],
            "version": "2012-10-17",
            "id": "doc",
            "Other": true
        }));
        assert_eq!(
            out,
            json!({
                "Version": "2012-10-17",
                "Id": "doc",
                "Statement": [{
                    "Sid": "A", "Effect": "Allow", "NotAction": ["iam:*"], "NotResource": ["x"],
                    "Principal": {"AWS": ["arn:aws:iam::123456789012:root"], "Service": ["a", "b"]},
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                    "Custom": 1
                }]
            })
        );
    }

    #[test]
    fn star_principal_stays_a_string() {
        let out =
            norm(json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*"}]}));
        assert_eq!(out["Statement"][0]["Principal"], json!("*"));
        let out = norm(json!({"Statement": [{"Effect": "Allow", "NotPrincipal": {"AWS": "*"}}]}));
        assert_eq!(out["Statement"][0]["NotPrincipal"], json!({"AWS": ["*"]}));
    }

    #[test]
    fn not_policies_are_rejected() {
        assert!(normalize(&Spanned::from_json(&json!({"Version": "2012-10-17"}))).is_none());
        assert!(normalize(&Spanned::from_json(&json!("not json"))).is_none());
        assert!(normalize(&Spanned::from_json(&json!("{\"a\": 1}"))).is_none());
        assert!(normalize(&Spanned::from_json(&json!(["x"]))).is_none());
        assert!(normalize(&Spanned::from_json(&json!({"Statement": "x"}))).is_none());
        assert!(normalize(&Spanned::unknown("var.policy", None)).is_none());
    }

    #[test]
    fn json_string_input_gets_the_string_span() {
        let span = Some(Span::new(FileId(3), 10..90));
        let text = r#"{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:*","Resource":"*"}}"#;
        let doc = normalize(&Spanned::string(text, span)).expect("policy");
        assert_eq!(doc.span, span);
        let stmt = &doc
            .get("Statement")
            .and_then(|s| s.as_array())
            .expect("array")[0];
        assert_eq!(stmt.span, span);
        let action = stmt.get("Action").expect("action");
        assert_eq!(action.span, span);
        assert_eq!(action.as_array().map(|a| a[0].span), Some(span));
        assert_eq!(action.to_json(), json!(["s3:*"]));
    }

    #[test]
    fn spans_and_unknowns_are_kept() {
        let f = FileId(0);
        let action = Spanned::string("s3:GetObject", Some(Span::new(f, 5..17)));
        let resource = Spanned::unknown("aws_s3_bucket.b.arn", Some(Span::new(f, 20..40)));
        let mut stmt = IndexMap::new();
        stmt.insert("effect".to_string(), Spanned::string("Allow", None));
        stmt.insert("Action".to_string(), action.clone());
        stmt.insert("Resource".to_string(), resource.clone());
        let stmt = Spanned::new(Val::Object(Box::new(stmt)), Some(Span::new(f, 0..50)));
        let extra = Spanned::unknown("var.extra", Some(Span::new(f, 60..70)));
        let mut doc = IndexMap::new();
        doc.insert(
            "Statement".to_string(),
            Spanned::new(
                Val::Array(vec![stmt, extra.clone()]),
                Some(Span::new(f, 0..80)),
            ),
        );
        let doc = normalize(&Spanned::new(
            Val::Object(Box::new(doc)),
            Some(Span::new(f, 0..99)),
        ))
        .expect("policy");
        let stmts = doc
            .get("Statement")
            .and_then(Spanned::as_array)
            .expect("array");
        assert_eq!(stmts.len(), 2);
        assert_eq!(stmts[0].span, Some(Span::new(f, 0..50)));
        let a = stmts[0].get("Action").expect("action");
        assert_eq!(a.span, action.span);
        assert_eq!(a.as_array(), Some(std::slice::from_ref(&action)));
        let r = stmts[0].get("Resource").expect("resource");
        assert_eq!(r.as_array(), Some(std::slice::from_ref(&resource)));
        assert_eq!(
            stmts[0].get("Effect").and_then(Spanned::as_str),
            Some("Allow")
        );
        assert_eq!(stmts[1], extra);
    }

    #[test]
    fn unknown_statement_list_becomes_one_unknown_statement() {
        let mut doc = IndexMap::new();
        doc.insert("Statement".to_string(), Spanned::unknown("var.s", None));
        let doc = normalize(&Spanned::bare(Val::Object(Box::new(doc)))).expect("policy");
        let stmts = doc
            .get("Statement")
            .and_then(Spanned::as_array)
            .expect("array");
        assert_eq!(stmts.len(), 1);
        assert!(stmts[0].is_unknown());
    }

    #[test]
    fn normalization_is_idempotent() {
        let v =
            json!({"Statement": [{"Effect": "Deny", "Action": "*", "Principal": {"AWS": "x"}}]});
        let once = norm(v);
        assert_eq!(norm(once.clone()), once);
    }
}
