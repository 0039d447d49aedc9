//! Suppressions: one type for every way a user says "not here, and here is why".
//!
//! Two forms produce the same [`Suppression`]:
//!
//! * a comment in HCL (`#`, `//`) or YAML (`#`), at the end of the flagged line or on the line
//!   directly above a resource:
//!
//!   ```text
//!   # iaclint:ignore iam-wildcard-resource,iam-wildcard-action until=2027-01-31 -- X-Ray only
//!   ```
//!
//! * CloudFormation `Metadata` (JSON has no comments; CDK users set it with
//!   `node.addMetadata` / `cfnOptions.metadata`):
//!
//!   ```json
//!   "Metadata": { "iaclint": { "ignore": [ { "rule": "iam-wildcard-resource", "reason": "...", "until": "2027-01-31" } ] } }
//!   ```
//!
//! The engine applies them (rules know nothing of suppressions): a finding covered by a valid,
//! unexpired suppression for its rule is not reported, and the run's summary counts it. Malformed,
//! unknown-rule and expired suppressions become `invalid-suppression` findings; valid ones that
//! silenced nothing become `unused-suppression` findings.

use std::collections::HashMap;
use std::ops::Range;

use crate::graph::{NodeId, ResourceGraph};
use crate::source::{FileId, SourceFile, Sources, Span};
use crate::value::{Spanned, Val};

pub use crate::suppression::{Date, Invalid, Placement, Suppression};

/// The marker a suppression comment starts with.
pub const MARKER: &str = "iaclint:ignore";

impl Date {
    /// Today (UTC) from the system clock (the CLI lets `IACLINT_TODAY` override it).
    pub fn today() -> Date {
        let secs = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs() as i64)
            .unwrap_or(0);
        Date::from_days_since_epoch(secs.div_euclid(86_400))
    }
}

/// Reads `Metadata.iaclint` of a CloudFormation resource. Returns the suppressions and, for each
/// malformed entry, a message and the span to point at (reported as `invalid-suppression`).
pub fn from_metadata(iaclint: &Spanned) -> (Vec<Suppression>, Vec<(Option<Span>, String)>) {
    let mut out = Vec::new();
    let mut errors = Vec::new();
    let Some(obj) = iaclint.as_object() else {
        errors.push((
            iaclint.span,
            "`Metadata.iaclint` must be an object like {\"ignore\": [{\"rule\": \"...\", \"reason\": \"...\"}]}".into(),
        ));
        return (out, errors);
    };
    for (key, value) in obj {
        if key != "ignore" {
            errors.push((
                value.span,
                format!("unknown key `{key}` in `Metadata.iaclint` (expected `ignore`)"),
            ));
            continue;
        }
        let Some(items) = value.as_array() else {
            errors.push((
                value.span,
                "`Metadata.iaclint.ignore` must be a list".into(),
            ));
            continue;
        };
        for item in items {
            let Some(entry) = item.as_object() else {
                errors.push((
                    item.span,
                    "each `ignore` entry must be an object with `rule` and `reason`".into(),
                ));
                continue;
            };
            let rule = entry.get("rule").and_then(Spanned::as_str);
            let reason = entry
                .get("reason")
                .and_then(Spanned::as_str)
                .map(str::trim)
                .filter(|r| is_real_reason(r));
            if let Some(k) = entry
                .keys()
                .find(|k| !matches!(k.as_str(), "rule" | "reason" | "until"))
            {
                errors.push((
                    item.span,
                    format!(
                        "unknown key `{k}` in an `ignore` entry (expected `rule`, `reason` and optionally `until`)"
                    ),
                ));
                continue;
            }
            let until = match entry.get("until") {
                None => None,
                Some(u) => match u.as_str().and_then(Date::parse) {
                    Some(d) => Some(d),
                    None => {
                        errors.push((u.span.or(item.span), bad_until(&display_value(u))));
                        continue;
                    }
                },
            };
            match (rule, reason) {
                (Some(rule), Some(reason)) => out.push(Suppression {
                    rule: rule.to_string(),
                    reason: reason.to_string(),
                    until,
                    placement: Placement::Metadata,
                    span: item.span,
                }),
                (None, _) => errors.push((
                    item.span,
                    "an `ignore` entry needs a `rule` (a rule id)".into(),
                )),
                (Some(rule), None) => errors.push((item.span, no_reason(rule))),
            }
        }
    }
    if matches!(iaclint.val, Val::Object(_)) && out.is_empty() && errors.is_empty() {
        errors.push((
            iaclint.span,
            "`Metadata.iaclint` suppresses nothing (no `ignore` entries)".into(),
        ));
    }
    (out, errors)
}

fn display_value(v: &Spanned) -> String {
    match v.as_str() {
        Some(s) => s.to_string(),
        None => match &v.val {
            Val::Number(n) => n.to_string(),
            Val::Bool(b) => b.to_string(),
            Val::Null => "null".into(),
            Val::Array(_) => "a list".into(),
            Val::Object(_) => "a mapping".into(),
            Val::Unknown(u) => u.expr.clone(),
            Val::String(s) => s.clone(),
        },
    }
}

/// A reason is text that is not empty and not a placeholder (the language server's quick fix
/// inserts `TODO: ...` for the user to replace).
fn is_real_reason(r: &str) -> bool {
    let r = r.trim();
    // `TODO`, `todo: ...`, `TODO - ...`; not a word that starts with "todo" (`Todoist webhook`).
    let placeholder = r.get(..4).is_some_and(|p| p.eq_ignore_ascii_case("todo"))
        && !r[4..].starts_with(|c: char| c.is_alphanumeric());
    !r.is_empty() && !placeholder
}

fn no_reason(rule: &str) -> String {
    format!(
        "the suppression of `{rule}` has no reason: say why the finding does not apply \
         (`-- <reason>` in a comment, `reason` in Metadata); it suppresses nothing"
    )
}

fn bad_until(value: &str) -> String {
    format!(
        "`until` must be a date written YYYY-MM-DD, not `{value}`; the suppression suppresses nothing"
    )
}

/// Parses one comment (its text including `#` or `//`). `None` when it is not a suppression
/// comment (it does not start with `iaclint:ignore`); otherwise the suppressions it makes (one
/// per rule id) and what is wrong with it.
pub fn parse_comment(
    comment: &str,
    span: Span,
    placement: Placement,
) -> Option<(Vec<Suppression>, Vec<String>)> {
    let body = comment
        .strip_prefix("//")
        .or_else(|| comment.strip_prefix('#'))?
        .trim();
    let rest = body.strip_prefix(MARKER)?;
    if !(rest.is_empty() || rest.starts_with(char::is_whitespace)) {
        // `iaclint:ignored`, `iaclint:ignore-next`: not ours.
        return None;
    }
    let (head, reason) = match rest.find("--") {
        Some(i) => (&rest[..i], Some(rest[i + 2..].trim())),
        None => (rest, None),
    };
    let mut errors = Vec::new();
    let mut rules: Vec<&str> = Vec::new();
    let mut until = None;
    let mut until_ok = true;
    for word in head.split_whitespace() {
        if let Some((key, value)) = word.split_once('=') {
            if key == "until" {
                match Date::parse(value) {
                    Some(d) => until = Some(d),
                    None => {
                        until_ok = false;
                        errors.push(bad_until(value));
                    }
                }
            } else {
                errors.push(format!(
                    "unknown option `{key}=` in a suppression comment (only `until=YYYY-MM-DD`)"
                ));
            }
        } else {
            rules.extend(word.split(',').map(str::trim).filter(|r| !r.is_empty()));
        }
    }
    if rules.is_empty() {
        errors.push(format!(
            "`{MARKER}` needs a rule id: `{MARKER} <rule-id> -- <reason>`"
        ));
        return Some((Vec::new(), errors));
    }
    let reason = reason.filter(|r| is_real_reason(r));
    let Some(reason) = reason else {
        errors.push(no_reason(&rules.join(",")));
        return Some((Vec::new(), errors));
    };
    if !until_ok {
        return Some((Vec::new(), errors));
    }
    let out = rules
        .into_iter()
        .map(|rule| Suppression {
            rule: rule.to_string(),
            reason: reason.to_string(),
            until,
            placement,
            span: Some(span),
        })
        .collect();
    Some((out, errors))
}

/// Reads every node's [`NodeMeta::suppression_spec`](crate::graph::NodeMeta) (CloudFormation
/// `Metadata.iaclint`) into its suppressions; malformed entries go to
/// [`ResourceGraph::invalid_suppressions`].
pub fn attach_metadata(graph: &mut ResourceGraph) {
    for node in &mut graph.nodes {
        let Some(spec) = node.meta.suppression_spec.take() else {
            continue;
        };
        let (suppressions, errors) = from_metadata(&spec);
        node.meta.suppressions = suppressions;
        for (span, message) in errors {
            graph.invalid_suppressions.push(Invalid {
                span: span.or(spec.span).unwrap_or(node.header),
                message,
                resource: node.address.clone(),
            });
        }
    }
}

/// Reads the suppression comments of every file (except those in `skip`, which failed to parse)
/// and attaches them: a comment on its own line to the nodes whose header is on the next line
/// (comment-only lines may come between), a comment after code to its line
/// ([`ResourceGraph::line_suppressions`]). What cannot be used goes to
/// [`ResourceGraph::invalid_suppressions`]. Metadata suppressions are read first
/// ([`attach_metadata`]).
pub fn attach_comments(sources: &Sources, graph: &mut ResourceGraph, skip: &[&str]) {
    attach_metadata(graph);
    for (id, file) in sources.iter() {
        if skip.contains(&file.path.as_str()) || !file.text.contains(MARKER) {
            continue;
        }
        // The comment syntax is the front end's (HCL `#`/`//`, YAML `#`, JSON none).
        let Some(fe) = crate::inputs::FRONT_ENDS.for_path(&file.path) else {
            continue;
        };
        if !fe.has_line_comments(&file.path, &file.text) {
            continue;
        }
        let ours: Vec<Range<usize>> = fe
            .line_comments(&file.text)
            .into_iter()
            .filter(|r| file.text[r.clone()].contains(MARKER))
            .collect();
        if ours.is_empty() {
            continue;
        }
        // The nodes of this file by the line of their header.
        let mut headers: HashMap<usize, Vec<NodeId>> = HashMap::new();
        for n in graph.nodes.iter().filter(|n| n.file == id) {
            headers
                .entry(file.position(n.header.start).line)
                .or_default()
                .push(n.id);
        }
        let next_code = next_code_lines(&file.text);
        for range in ours {
            attach_one(id, file, range, &headers, &next_code, graph);
        }
    }
}

fn attach_one(
    id: FileId,
    file: &SourceFile,
    range: Range<usize>,
    headers: &HashMap<usize, Vec<NodeId>>,
    next_code: &[usize],
    graph: &mut ResourceGraph,
) {
    let text: &str = &file.text;
    let span = Span::new(id, range.clone());
    let line_start = text[..range.start].rfind(['\n', '\r']).map_or(0, |n| n + 1);
    let own_line = text[line_start..range.start].trim().is_empty();
    let placement = if own_line {
        Placement::Above
    } else {
        Placement::Line
    };
    let Some((suppressions, errors)) = parse_comment(&text[range.clone()], span, placement) else {
        return;
    };
    let targets: Vec<NodeId> = if own_line {
        headers
            .get(&target_line(file, next_code, range.end))
            .cloned()
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let resource = match targets.first() {
        Some(n) => graph.node(*n).address.clone(),
        None => enclosing_resource(graph, file, span),
    };
    for message in errors {
        graph.invalid_suppressions.push(Invalid {
            span,
            message,
            resource: resource.clone(),
        });
    }
    if own_line && targets.is_empty() {
        if !suppressions.is_empty() {
            graph.invalid_suppressions.push(Invalid {
                span,
                message: format!(
                    "a `{MARKER}` comment on its own line must be directly above a resource \
                     (it then covers the whole resource); to silence one finding, put it at the \
                     end of the flagged line"
                ),
                resource,
            });
        }
        return;
    }
    if own_line {
        for t in targets {
            graph.nodes[t.0 as usize]
                .meta
                .suppressions
                .extend(suppressions.iter().cloned());
        }
    } else {
        graph.line_suppressions.extend(suppressions);
    }
}

/// For each 0-based line `i` of `text`, the 0-based index of the first line at or after `i` that
/// is not comment-only (the line count when there is none): computed once per file, so finding the
/// target of n stacked comments is linear, not quadratic.
fn next_code_lines(text: &str) -> Vec<usize> {
    // Lines end at LF, CRLF or a lone CR, as in `SourceFile`.
    let comment: Vec<bool> = text
        .split('\n')
        .flat_map(|l| l.strip_suffix('\r').unwrap_or(l).split('\r'))
        .map(|l| {
            let t = l.trim();
            t.starts_with('#') || t.starts_with("//")
        })
        .collect();
    let mut next = vec![comment.len(); comment.len() + 1];
    for i in (0..comment.len()).rev() {
        next[i] = if comment[i] { next[i + 1] } else { i };
    }
    next
}

/// The 1-based line of the first line after the comment ending at `end` that is not a comment
/// (`next_code` from [`next_code_lines`]).
fn target_line(file: &SourceFile, next_code: &[usize], end: usize) -> usize {
    // The comment's line is 1-based `line`, so the lines after it start at 0-based `line`.
    let line = file.position(end).line;
    next_code.get(line).copied().unwrap_or(line) + 1
}

/// The address of the innermost node whose block spans the line `span` starts on (a comment at
/// the end of a block's last line belongs to it), or an empty string.
pub fn enclosing_resource(graph: &ResourceGraph, file: &SourceFile, span: Span) -> String {
    let line = |offset: usize| file.position(offset).line;
    let at = line(span.start);
    graph
        .nodes
        .iter()
        .filter(|n| n.span.file == span.file && line(n.span.start) <= at && at <= line(n.span.end))
        .min_by_key(|n| n.span.len())
        .map(|n| n.address.clone())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::Format;
    use serde_json::json;

    fn span() -> Span {
        Span::new(FileId(0), 0..0)
    }

    fn comments(format: Format, text: &str) -> Vec<String> {
        let path = match format {
            Format::Terraform => "main.tf",
            Format::Cloudformation => "template.yaml",
            Format::Workflow => ".github/workflows/ci.yml",
        };
        let fe = crate::inputs::FRONT_ENDS.for_path(path).unwrap();
        assert_eq!(fe.dialect(), format);
        fe.line_comments(text)
            .into_iter()
            .map(|r| text[r].to_string())
            .collect()
    }

    #[test]
    fn metadata_suppressions() {
        let v = Spanned::from_json(
            &json!({"ignore": [{"rule": "iam-wildcard-resource", "reason": "X-Ray only", "until": "2027-01-31"}]}),
        );
        let (s, e) = from_metadata(&v);
        assert!(e.is_empty());
        assert_eq!(s[0].rule, "iam-wildcard-resource");
        assert_eq!(s[0].reason, "X-Ray only");
        assert_eq!(s[0].until, Date::parse("2027-01-31"));
        assert_eq!(s[0].placement, Placement::Metadata);

        let v = Spanned::from_json(
            &json!({"ignore": [{"rule": "x"}, {"reason": "r"}, {"rule": "y", "reason": " ", "why": 1}, {"rule": "z", "reason": "r", "until": "2027-02-30"}], "skip": []}),
        );
        let (s, e) = from_metadata(&v);
        assert!(s.is_empty());
        assert_eq!(e.len(), 5, "{e:?}");
        let (_, e) = from_metadata(&Spanned::from_json(&json!("all")));
        assert_eq!(e.len(), 1);
    }

    #[test]
    fn dates() {
        assert_eq!(
            Date::parse("2024-02-29"),
            Some(Date {
                year: 2024,
                month: 2,
                day: 29
            })
        );
        for bad in [
            "2023-02-29",
            "2027-13-01",
            "2027-1-31",
            "27-01-31",
            "2027-01-32",
            "tomorrow",
            "2027-00-10",
        ] {
            assert_eq!(Date::parse(bad), None, "{bad}");
        }
        assert_eq!(Date::from_days_since_epoch(0).to_string(), "1970-01-01");
        assert_eq!(
            Date::from_days_since_epoch(19_782).to_string(),
            "2024-02-29"
        );
        assert_eq!(Date::from_days_since_epoch(-1).to_string(), "1969-12-31");
        assert_eq!(
            Date::from_days_since_epoch(20_414).to_string(),
            "2025-11-22"
        );
    }

    #[test]
    fn comment_syntax_and_errors() {
        let (s, e) = parse_comment(
            "# iaclint:ignore iam-wildcard-resource, iam-wildcard-action until=2027-01-31 -- X-Ray only",
            span(),
            Placement::Line,
        )
        .unwrap();
        assert!(e.is_empty(), "{e:?}");
        assert_eq!(s.len(), 2);
        assert_eq!(s[1].rule, "iam-wildcard-action");
        assert_eq!(s[0].reason, "X-Ray only");
        assert_eq!(s[0].until.unwrap().to_string(), "2027-01-31");

        let (s, e) =
            parse_comment("//iaclint:ignore a -- b -- c", span(), Placement::Above).unwrap();
        assert!(e.is_empty());
        assert_eq!(s[0].reason, "b -- c");

        assert!(parse_comment("# just a comment", span(), Placement::Line).is_none());
        assert!(parse_comment("# see iaclint:ignore docs", span(), Placement::Line).is_none());
        assert!(parse_comment("# iaclint:ignored", span(), Placement::Line).is_none());

        for (bad, needle) in [
            ("# iaclint:ignore a", "no reason"),
            ("# iaclint:ignore a --  ", "no reason"),
            ("# iaclint:ignore a -- TODO: say why", "no reason"),
            ("# iaclint:ignore -- why", "needs a rule id"),
            ("# iaclint:ignore a until=2027-1-1 -- why", "YYYY-MM-DD"),
            ("# iaclint:ignore a until=soon -- why", "YYYY-MM-DD"),
        ] {
            let (s, e) = parse_comment(bad, span(), Placement::Line).unwrap();
            assert!(s.is_empty(), "{bad}");
            assert!(e.iter().any(|m| m.contains(needle)), "{bad}: {e:?}");
        }
        let (s, e) =
            parse_comment("# iaclint:ignore a since=x -- why", span(), Placement::Line).unwrap();
        assert_eq!(s.len(), 1);
        assert!(e[0].contains("unknown option"));
        assert!(
            Suppression {
                until: Date::parse("2026-01-01"),
                ..s[0].clone()
            }
            .expired(Date::parse("2026-01-02").unwrap())
        );
    }

    #[test]
    fn hcl_comments_are_found_outside_strings_and_heredocs() {
        let text = r##"# one
resource "a" "b" { // two
  x = "# not a comment // nor this"
  y = <<EOT
# not a comment
// nor this
EOT
  z = "${"#"}" # three
  /* block */
}
"##;
        assert_eq!(
            comments(Format::Terraform, text),
            ["# one", "// two", "# three"]
        );
    }

    #[test]
    fn yaml_comments_are_found_outside_strings_and_block_scalars() {
        let text = "# one\nResources:\n  A: # two\n    Type: 'AWS::S3::Bucket#x'\n    Properties:\n      Script: |\n        # not a comment\n        echo hi # nor this\n      Name: \"a # b\" # three\n      Plain: a#b\n";
        assert_eq!(
            comments(Format::Cloudformation, text),
            ["# one", "# two", "# three"]
        );
    }
}
