//! `lambda-build-runtime-mismatch`: a workflow step builds Python dependencies for a version or
//! CPU architecture that no Python Lambda function of the repository (Terraform or
//! CloudFormation) runs.
//!
//! Why Rust and not YAML with a binding construct (cfn-guard's `let`): the rule quantifies over
//! two sets at once (every build target of every workflow step against every Python function
//! of any format), is silent as a whole when any function's runtime is unknown, and reads
//! versions out of several spellings (pip's `313`, `3.13.1`, a build image tag). In YAML that
//! would need set-level bindings, a global "any unknown" guard and string functions — three new
//! language features for one rule. Once a second cross-format rule needs the same, that is the
//! time to add them.

use std::collections::BTreeSet;

use super::{CodeContext, CodeRule};
use crate::finding::{Finding, Label};
use crate::graph::{Format, Node, NodeKind};
use crate::rules::Rule;
use crate::value::{Spanned, Val};

/// The rule.
pub struct LambdaBuildRuntimeMismatch;

impl CodeRule for LambdaBuildRuntimeMismatch {
    fn id(&self) -> &'static str {
        "lambda-build-runtime-mismatch"
    }

    /// Its cases are workflows next to the infrastructure that defines the function.
    fn formats(&self) -> BTreeSet<Format> {
        [Format::Workflow].into()
    }

    /// Silent when no Python function is defined, or when a function's runtime is unknown (the
    /// build could be for it).
    fn run(&self, rule: &Rule, cx: &CodeContext<'_>) -> Vec<Finding> {
        let graph = cx.graph;
        // (runtime version "3.13" or None, architectures, node) of every Python function.
        let mut functions: Vec<(Option<String>, Vec<String>, &Node)> = Vec::new();
        for node in &graph.nodes {
            if node.kind != NodeKind::Resource || node.meta.exists == Some(false) {
                continue;
            }
            let (runtime_key, arch_key) = match (node.format, node.type_name.as_str()) {
                (Format::Terraform, "aws_lambda_function") => ("runtime", "architectures"),
                (Format::Cloudformation, "AWS::Lambda::Function") => ("Runtime", "Architectures"),
                _ => continue,
            };
            let runtime = match node.attrs.get(runtime_key) {
                Some(v) => match &v.val {
                    Val::String(r) => match r.strip_prefix("python") {
                        Some(version) => Some(version.to_string()),
                        None => continue, // not Python
                    },
                    _ => None,
                },
                None => continue, // container-image functions have no runtime
            };
            let archs = match node.attrs.get(arch_key).map(|v| &v.val) {
                Some(Val::Array(a)) => a
                    .iter()
                    .filter_map(|x| x.as_str().map(str::to_string))
                    .collect(),
                _ => vec!["x86_64".to_string()],
            };
            functions.push((runtime, archs, node));
        }
        if functions.is_empty() || functions.iter().any(|(r, _, _)| r.is_none()) {
            return Vec::new();
        }
        let mut out = Vec::new();
        for step in graph.of_type(Format::Workflow, "gha:step") {
            let step = graph.node(*step);
            for (what, value) in build_targets(&step.attrs) {
                let Some(span) = value.span else { continue };
                let Some(text) = value.as_str() else { continue };
                let (matches, wanted) = match what {
                    BuildTarget::Version => {
                        let Some(v) = python_version(text) else {
                            continue;
                        };
                        let ok = functions
                            .iter()
                            .any(|(r, _, _)| r.as_deref() == Some(v.as_str()));
                        (ok, format!("Python {v}"))
                    }
                    BuildTarget::Arch => {
                        let Some(a) = cpu_arch(text) else { continue };
                        let ok = functions
                            .iter()
                            .any(|(_, archs, _)| archs.iter().any(|x| x == a));
                        (ok, a.to_string())
                    }
                };
                if matches {
                    continue;
                }
                let (_, _, f) = &functions[0];
                let key = match (f.format, what) {
                    (Format::Terraform, BuildTarget::Version) => "runtime",
                    (Format::Terraform, BuildTarget::Arch) => "architectures",
                    (_, BuildTarget::Version) => "Runtime",
                    (_, BuildTarget::Arch) => "Architectures",
                };
                let target = f.attrs.get(key).and_then(|v| v.span).unwrap_or(f.header);
                out.push(Finding {
                    rule_id: rule.spec.id.clone(),
                    severity: rule.spec.severity,
                    message: format!(
                        "step `{}` builds for {wanted}, which no Python Lambda function of this repository runs",
                        step.address
                    ),
                    primary: Label {
                        span,
                        message: format!("builds for {wanted}"),
                    },
                    related: vec![Label {
                        span: target,
                        message: format!("`{}` is defined here", f.address),
                    }],
                    resource: step.address.clone(),
                    help: rule.spec.help.trim().to_string(),
                    cdk_path: None,
                    resource_header: Some(step.header),
                    occurrence: 0,
                });
            }
        }
        out
    }
}

/// What a build step targets.
#[derive(Clone, Copy, PartialEq, Eq)]
enum BuildTarget {
    /// A Python version.
    Version,
    /// A CPU architecture.
    Arch,
}

/// The build targets a workflow step names: pip's `--python-version` and `--platform`, the
/// `python-version` of `actions/setup-python`, and the tag of a Lambda Python build image.
fn build_targets(step: &Spanned) -> Vec<(BuildTarget, &Spanned)> {
    let mut out = Vec::new();
    if let Some(commands) = step.get("commands").and_then(Spanned::as_array) {
        for c in commands {
            if let Some(options) = c.get("pip").and_then(|p| p.get("options")) {
                for (key, what) in [
                    ("--python-version", BuildTarget::Version),
                    ("--platform", BuildTarget::Arch),
                ] {
                    if let Some(values) = options.get(key).and_then(Spanned::as_array) {
                        out.extend(values.iter().map(|v| (what, v)));
                    }
                }
            }
            if let Some(image) = c.get("docker").and_then(|d| d.get("image"))
                && image.as_str().is_some_and(is_lambda_python_image)
            {
                out.push((BuildTarget::Version, image));
            }
        }
    }
    if step
        .get("uses")
        .and_then(Spanned::as_str)
        .is_some_and(|u| u.starts_with("actions/setup-python@"))
        && let Some(v) = step.get("with").and_then(|w| w.get("python-version"))
    {
        out.push((BuildTarget::Version, v));
    }
    out
}

/// `public.ecr.aws/lambda/python:3.13…`, `amazon/aws-lambda-python:3.12…`.
fn is_lambda_python_image(image: &str) -> bool {
    image.contains("lambda/python:") || image.contains("aws-lambda-python:")
}

/// "3.13" from "3.13", "3.13.1", "313", "python3.13" or an image tag `…python:3.13@sha256:…`.
fn python_version(text: &str) -> Option<String> {
    let t = text
        .rsplit(':')
        .find(|p| p.starts_with('3'))
        .unwrap_or(text);
    let t = t.trim_start_matches("python").split(['@', '-']).next()?;
    let mut parts = t.split('.');
    let major = parts.next()?;
    if let Some(minor) = parts.next() {
        let minor: String = minor.chars().take_while(char::is_ascii_digit).collect();
        return (major == "3" && !minor.is_empty()).then(|| format!("3.{minor}"));
    }
    // pip's compact form: "313" → 3.13
    (major.len() >= 2 && major.starts_with('3') && major.chars().all(|c| c.is_ascii_digit()))
        .then(|| format!("3.{}", &major[1..]))
}

/// "x86_64" or "arm64" from a pip platform tag (`manylinux2014_x86_64`, `manylinux_2_17_aarch64`).
fn cpu_arch(platform: &str) -> Option<&'static str> {
    if platform.ends_with("x86_64") {
        Some("x86_64")
    } else if platform.ends_with("aarch64") || platform.ends_with("arm64") {
        Some("arm64")
    } else {
        None
    }
}
