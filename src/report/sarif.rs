//! SARIF 2.1.0 (one run), shaped for GitHub code scanning: every rule that ran is described in
//! `tool.driver.rules` (help, precision, `security-severity`), artifact URIs are relative to
//! `%SRCROOT%`, and `partialFingerprints` carry [`Finding::fingerprint`], which survives lines
//! added above a finding. Columns count Unicode code points (`run.columnKind`), like ours.

use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::{Component, Path};

use serde::Serialize;

use super::RenderContext;
use crate::finding::{Finding, Severity};
use crate::report::Report;
use crate::rules::Rule;
use crate::rules::schema::Confidence;
use crate::source::{Sources, Span};

const SCHEMA: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
const SRCROOT: &str = "%SRCROOT%";
/// Key of [`Finding::fingerprint`] in `partialFingerprints` (bump the suffix if the hash changes).
pub const FINGERPRINT_KEY: &str = "iaclint/v1";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log<'a> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run<'a>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run<'a> {
    tool: Tool<'a>,
    invocations: [Invocation<'a>; 1],
    original_uri_base_ids: BTreeMap<&'static str, ArtifactLocation>,
    column_kind: &'static str,
    results: Vec<SarifResult<'a>>,
}

#[derive(Serialize)]
struct Tool<'a> {
    driver: Driver<'a>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver<'a> {
    name: &'static str,
    version: &'static str,
    semantic_version: &'static str,
    information_uri: &'static str,
    rules: Vec<ReportingDescriptor<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ReportingDescriptor<'a> {
    id: &'a str,
    name: String,
    short_description: Text<'a>,
    full_description: Text<'a>,
    help: Help,
    default_configuration: Configuration,
    properties: RuleProperties<'a>,
}

#[derive(Serialize)]
struct Text<'a> {
    text: &'a str,
}

#[derive(Serialize)]
struct Help {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct Configuration {
    level: &'static str,
}

#[derive(Serialize)]
struct RuleProperties<'a> {
    tags: [&'a str; 2],
    precision: &'static str,
    #[serde(rename = "security-severity")]
    security_severity: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation<'a> {
    execution_successful: bool,
    tool_execution_notifications: Vec<Notification<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Notification<'a> {
    level: &'static str,
    message: Text<'a>,
    descriptor: Descriptor,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    locations: Vec<Location<'a>>,
}

#[derive(Serialize)]
struct Descriptor {
    id: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: Text<'a>,
    locations: [Location<'a>; 1],
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location<'a>>,
    partial_fingerprints: BTreeMap<&'static str, String>,
    properties: ResultProperties<'a>,
}

#[derive(Serialize)]
struct ResultProperties<'a> {
    severity: &'static str,
    resource: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    cdk_path: Option<&'a str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    physical_location: PhysicalLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<'a>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct ArtifactLocation {
    uri: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    uri_base_id: Option<&'static str>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    /// Exclusive, as SARIF wants (our end positions are one past the last character).
    end_column: usize,
}

/// SARIF `level` for a severity.
pub fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical | Severity::High => "error",
        Severity::Medium | Severity::Low => "warning",
        Severity::Info => "note",
    }
}

/// GitHub's `security-severity` (a CVSS-like score) for a severity.
fn security_severity(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "9.5",
        Severity::High => "8.0",
        Severity::Medium => "5.5",
        Severity::Low => "3.0",
        Severity::Info => "1.0",
    }
}

fn precision(c: Confidence) -> &'static str {
    match c {
        Confidence::High => "high",
        Confidence::Medium => "medium",
        Confidence::Low => "low",
    }
}

/// `iam-wildcard-action` → `IamWildcardAction`.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut cs = w.chars();
            cs.next()
                .map(|c| c.to_ascii_uppercase().to_string() + cs.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// A rule's descriptor; `severity` is the rule's own or the configuration's override, so the
/// level and `security-severity` GitHub shows follow the project's choice.
fn rule_descriptor(r: &Rule, severity: Severity) -> ReportingDescriptor<'_> {
    let s = &r.spec;
    let docs = r.docs_markdown();
    ReportingDescriptor {
        id: r.id(),
        name: pascal_case(r.id()),
        short_description: Text { text: &s.title },
        full_description: Text {
            text: s.docs.what.trim(),
        },
        help: Help {
            text: docs.clone(),
            markdown: docs,
        },
        default_configuration: Configuration {
            level: level(severity),
        },
        properties: RuleProperties {
            tags: [&s.category, "security"],
            precision: precision(s.confidence),
            security_severity: security_severity(severity),
        },
    }
}

/// Percent-encodes everything but RFC 3986 unreserved characters and `/` (keeps `:` out of a
/// relative reference's first segment, where it would read as a scheme).
fn percent_encode(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/')
            || (keep_colon && b == b':')
        {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A `file:///` URI for an absolute path (a trailing `/` when `dir`).
fn file_uri(path: &Path, dir: bool) -> String {
    let mut s = path.to_string_lossy().replace('\\', "/");
    if !s.starts_with('/') {
        // Windows: `C:/x` → `/C:/x`.
        s.insert(0, '/');
    }
    if dir && !s.ends_with('/') {
        s.push('/');
    }
    format!("file://{}", percent_encode(&s, true))
}

/// The artifact location of a displayed path: relative to `%SRCROOT%` when under it, else an
/// absolute `file:///` URI.
fn artifact(path: &str, src_root: &Path) -> ArtifactLocation {
    let p = Path::new(path);
    let outside = p.is_absolute() || p.components().any(|c| c == Component::ParentDir);
    if outside {
        let abs = crate::filepath::normalize_path(&src_root.join(p));
        ArtifactLocation {
            uri: file_uri(&abs, false),
            uri_base_id: None,
        }
    } else {
        ArtifactLocation {
            uri: percent_encode(&path.replace('\\', "/"), false),
            uri_base_id: Some(SRCROOT),
        }
    }
}

fn region(sources: &Sources, span: Span) -> Region {
    let f = sources.get(span.file);
    let (s, e) = (f.position(span.start), f.position(span.end));
    Region {
        start_line: s.line,
        start_column: s.column,
        end_line: e.line,
        end_column: e.column,
    }
}

fn location<'a>(
    sources: &Sources,
    span: Span,
    src_root: &Path,
    id: Option<usize>,
    message: Option<&'a str>,
) -> Location<'a> {
    Location {
        id,
        physical_location: PhysicalLocation {
            artifact_location: artifact(&sources.get(span.file).path, src_root),
            region: Some(region(sources, span)),
        },
        message: message.map(|text| Text { text }),
    }
}

fn result<'a>(
    report: &Report,
    f: &'a Finding,
    rule_index: usize,
    src_root: &Path,
) -> SarifResult<'a> {
    let s = &report.sources;
    SarifResult {
        rule_id: &f.rule_id,
        rule_index,
        level: level(f.severity),
        message: Text { text: &f.message },
        locations: [location(s, f.primary.span, src_root, None, None)],
        related_locations: f
            .related
            .iter()
            .enumerate()
            .map(|(i, l)| location(s, l.span, src_root, Some(i + 1), Some(&l.message)))
            .collect(),
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, f.fingerprint(s))]),
        properties: ResultProperties {
            severity: f.severity.as_str(),
            resource: &f.resource,
            cdk_path: f.cdk_path.as_deref(),
        },
    }
}

/// The repository URL from Cargo.toml, or the project's home.
fn information_uri() -> &'static str {
    match env!("CARGO_PKG_REPOSITORY") {
        "" => "https://github.com/iaclint/iaclint",
        uri => uri,
    }
}

/// Writes the SARIF log followed by a newline.
pub fn render(report: &Report, ctx: &RenderContext<'_>, out: &mut dyn Write) -> io::Result<()> {
    let rules: Vec<&Rule> = report
        .rules
        .iter()
        .filter_map(|id| ctx.registry.get(id))
        .collect();
    let index: BTreeMap<&str, usize> = rules.iter().enumerate().map(|(i, r)| (r.id(), i)).collect();
    let mut results = Vec::with_capacity(report.findings.len());
    for f in &report.findings {
        let Some(&i) = index.get(f.rule_id.as_str()) else {
            return Err(io::Error::other(format!(
                "finding for rule `{}`, which is not in the rule pack",
                f.rule_id
            )));
        };
        results.push(result(report, f, i, ctx.src_root));
    }
    let notifications = report
        .errors
        .iter()
        .map(|e| Notification {
            level: "error",
            message: Text { text: &e.message },
            descriptor: Descriptor { id: "parse-error" },
            locations: vec![match e.span {
                Some(span) => location(&report.sources, span, ctx.src_root, None, None),
                None => Location {
                    id: None,
                    physical_location: PhysicalLocation {
                        artifact_location: artifact(&e.path, ctx.src_root),
                        region: None,
                    },
                    message: None,
                },
            }],
        })
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool {
                driver: Driver {
                    name: "iaclint",
                    version: env!("CARGO_PKG_VERSION"),
                    semantic_version: env!("CARGO_PKG_VERSION"),
                    information_uri: information_uri(),
                    rules: rules
                        .into_iter()
                        .map(|r| {
                            let severity = report
                                .severity_overrides
                                .get(r.id())
                                .copied()
                                .unwrap_or(r.spec.severity);
                            rule_descriptor(r, severity)
                        })
                        .collect(),
                },
            },
            invocations: [Invocation {
                execution_successful: report.errors.is_empty(),
                tool_execution_notifications: notifications,
            }],
            original_uri_base_ids: BTreeMap::from([(
                SRCROOT,
                ArtifactLocation {
                    uri: file_uri(ctx.src_root, true),
                    uri_base_id: None,
                },
            )]),
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    serde_json::to_writer_pretty(&mut *out, &log).map_err(io::Error::other)?;
    writeln!(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_uris() {
        assert_eq!(pascal_case("iam-wildcard-action"), "IamWildcardAction");
        let root = Path::new("/home/me/my repo");
        let a = artifact("dir/mañana file.tf", root);
        assert_eq!(a.uri, "dir/ma%C3%B1ana%20file.tf");
        assert_eq!(a.uri_base_id, Some(SRCROOT));
        let a = artifact("/etc/x:y.tf", root);
        assert_eq!(a.uri, "file:///etc/x:y.tf");
        assert_eq!(a.uri_base_id, None);
        let a = artifact("../other/a.tf", root);
        assert_eq!(a.uri, "file:///home/me/other/a.tf");
        assert_eq!(file_uri(root, true), "file:///home/me/my%20repo/");
        assert_eq!(percent_encode("a:b.tf", false), "a%3Ab.tf");
    }
}
