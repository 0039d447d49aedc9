//! The CloudFormation front end: parses one template (JSON or YAML, including what `cdk synth`
//! writes to `cdk.out/*.template.json`) and turns it into graph nodes and edges.
//!
//! # What becomes a node
//!
//! Every entry of `Resources` (kind [`NodeKind::Resource`], `type_name` = its `Type`, name and
//! address = the logical id, `module` = the file's display path, `header` = the span of the logical
//! id key, `span` = the resource's whole mapping, `attrs` = the evaluated `Properties`, so rule
//! paths read `$.DeploymentConfiguration...`; `meta.cdk_path` = `Metadata["aws:cdk:path"]`).
//! Every entry of `Parameters` (kind [`NodeKind::Variable`], type `parameter`, address
//! `Parameters.X`, attrs = the declaration as written: `Type`, `Default`, ...) and of `Outputs`
//! (kind [`NodeKind::Output`], type `output`, address `Outputs.X`, attrs = the evaluated output:
//! `Value`, `Export`, ...).
//!
//! # What is evaluated
//!
//! Every value keeps the byte span it was written at. Evaluated:
//!
//! - `Ref` to a parameter: its `Default` (a `CommaDelimitedList`/`List<...>` default becomes an
//!   array); a scalar result takes the span of the `Ref`. `Ref: AWS::NoValue` removes the key (or
//!   the array item) it stands for.
//! - `Fn::Sub` (both forms): `${Param}` and `${Var}` from the variable map are substituted,
//!   `${!Literal}` becomes `${Literal}`.
//! - `Fn::Join`, `Fn::Select`, `Fn::Split`, `Fn::FindInMap` (over `Mappings`, with the
//!   `DefaultValue` of `AWS::LanguageExtensions`), `Fn::Base64` of a known string.
//! - `Fn::If` when its condition is known: `Conditions` are evaluated with `Fn::Equals`, `Fn::Not`,
//!   `Fn::And`, `Fn::Or` and `Condition` over known values (memoised; cycles are unknown).
//!
//! # What stays unknown ([`Val::Unknown`], never a guess)
//!
//! Pseudo parameters (`AWS::Region`, `AWS::AccountId`, `AWS::Partition`, `AWS::URLSuffix`, ...:
//! a template is deployed in many accounts and partitions), parameters without a default or of an
//! `AWS::SSM::Parameter::Value<...>` type (the default names the SSM parameter, not its value),
//! `Ref`/`Fn::GetAtt` of resources, `Fn::ImportValue`, `Fn::GetAZs`, `Fn::Cidr`, `Fn::Transform`,
//! `Fn::ToJsonString`, `Fn::Length`, any function with an unknown argument, and `Fn::If` on an
//! unknown condition. An unknown's `expr` is the expression's source text (`!Ref Bucket`,
//! `{"Fn::GetAtt": ["Key", "Arn"]}`), except for a partly unknown `Fn::Sub` or `Fn::Join`, whose
//! `expr` is the template with the known parts filled in and the unknown ones as `${X}`/`${A.B}`
//! (`arn:aws:iam::${AWS::AccountId}:root`), for messages. What is known of the value is its
//! [`Shape`](crate::value::Shape): `Fn::GetAtt` is an attribute of that resource, a partly
//! unknown `Fn::Sub`/`Fn::Join` a template of literal text and holes (an account root when it
//! reads `arn:<partition>:iam::<account>:root`); the rest know nothing.
//!
//! # Edges
//!
//! A `Ref`, `Fn::GetAtt` or `Fn::Sub` placeholder naming a resource or a parameter becomes an
//! [`Edge`] from the node whose value contains it, with the route of that value inside
//! `Properties` (or inside the output), the attribute named by `Fn::GetAtt`/`${A.B}` and the
//! span of the reference. References inside both branches of an `Fn::If`, and inside every
//! argument of every function, are always recorded, whatever the condition. `DependsOn` (a
//! string or a list) gives edges with an empty route and no attribute. Resource-level `Condition`
//! and `DeletionPolicy` are not exposed yet.
//!
//! # Limits (hostile input)
//!
//! Nesting deeper than [`MAX_DEPTH`] (JSON or YAML) is an error at the offending bracket; JSON is
//! checked by a byte scan before the parser sees it. YAML aliases are expanded when the tree is
//! built; more than [`MAX_NODES`] values in all, or an alias that would nest deeper than
//! [`MAX_DEPTH`], is an error at the alias (a "billion laughs" document fails in milliseconds).
//! An expanded alias takes the span of `*name` at its top; the values inside keep the spans of
//! the anchored definition. Only the first YAML document is read. Evaluation depth (nesting plus condition references) is
//! capped, condition cycles are unknown, and copies out of parameter defaults and `Mappings` are
//! charged to a per-template budget (two million values), beyond which they are unknown.
//!
//! # Not handled yet
//!
//! `Fn::ForEach::*` entries of `Resources` (`AWS::LanguageExtensions`) are skipped; a resource's
//! `Condition`, `DeletionPolicy` and `UpdateReplacePolicy` are not exposed; `Properties` that
//! evaluate to an unknown (`Properties: !If [Unknown, {...}, {...}]`) make `attrs` that unknown;
//! nested stacks (`AWS::CloudFormation::Stack` `TemplateURL`) are not followed; a template that is
//! not valid JSON/YAML is not sniffed as a template by [`looks_like_template`].
//!
//! # The YAML crate
//!
//! YAML is read with the event API of granit-parser (the YAML 1.2 parser serde-saphyr is built
//! on, so no second copy is compiled): with a string input every event carries UTF-8 *byte*
//! offsets (saphyr's `MarkedYaml` counts characters), tags arrive with the span of the tag token
//! (`!GetAtt A.B` keeps a span for the tag and for each half), anchors and aliases are reported
//! as ids so expansion can be budgeted by us rather than trusted, and nesting limits are options.
//! serde_yaml is unmaintained and loses spans; yaml-rust2 drops tags; marked-yaml rejects tags
//! and anchors. YAML 1.2 core schema applies: `on`/`yes`/`no` are strings.
//!
//! [`Edge`]: crate::graph::Edge
//! [`Val::Unknown`]: crate::value::Val::Unknown

mod eval;
pub(crate) mod raw;

#[cfg(test)]
mod tests;

use indexmap::IndexMap;

use crate::finding::InputError;
use crate::graph::{Edge, Format, Fragment, Node, NodeId, NodeKind, NodeMeta};
use crate::source::{FileId, SourceFile, Span};
use crate::value::{Spanned, Val};

pub use crate::syntax::{MAX_DEPTH, MAX_NODES};

use eval::{Evaluator, Hit, Param};
use raw::{Raw, RawVal};

/// JSON/YAML files that are never templates: read only when named (and then reported as not a
/// template).
const NOT_TEMPLATES: &[&str] = &[
    "package.json",
    "package-lock.json",
    "tsconfig.json",
    "cdk.json",
    "cdk.context.json",
    "manifest.json",
    "tree.json",
    "composer.json",
    "renovate.json",
    ".pre-commit-config.yaml",
    "pnpm-lock.yaml",
    "docker-compose.yml",
    "docker-compose.yaml",
];

const DATA_EXTENSIONS: &[&str] = &[".json", ".yaml", ".yml", ".template"];

/// The CloudFormation front end: JSON and YAML (`.json`, `.yaml`, `.yml`, `.template`) whose
/// content is a template ([`looks_like_template`]), each file alone.
pub struct CloudFormationFrontEnd;

/// The registered CloudFormation front end.
pub static FRONT_END: CloudFormationFrontEnd = CloudFormationFrontEnd;

impl crate::frontend::FrontEnd for CloudFormationFrontEnd {
    fn name(&self) -> &'static str {
        "cloudformation"
    }

    fn dialect(&self) -> Format {
        Format::Cloudformation
    }

    fn claims(&self, path: &std::path::Path) -> Option<crate::frontend::Claim> {
        use crate::frontend::Claim;
        let name = path.file_name()?.to_str()?;
        if !DATA_EXTENSIONS.iter().any(|e| name.ends_with(e)) {
            return None;
        }
        if NOT_TEMPLATES.contains(&name)
            || name.ends_with(".assets.json")
            || name.ends_with(".metadata.json")
        {
            Some(Claim::Named)
        } else {
            Some(Claim::Always)
        }
    }

    fn describe(&self) -> &'static str {
        "a CloudFormation template in JSON or YAML"
    }

    fn sniff(&self, path: &str, text: &str) -> Result<(), &'static str> {
        if looks_like_template(path, text) {
            Ok(())
        } else {
            Err(
                "not a CloudFormation template (no `AWSTemplateFormatVersion`, and no \
                 `Resources` whose `Type` starts with `AWS::`)",
            )
        }
    }

    fn build(
        &self,
        sources: &crate::source::Sources,
        ids: &[FileId],
    ) -> (Option<Fragment>, Vec<InputError>) {
        // Each template is its own unit.
        match ids.first().map(|id| build_template(*id, sources.get(*id))) {
            Some(Ok(f)) => (Some(f), Vec::new()),
            Some(Err(e)) => (None, vec![e]),
            None => (None, Vec::new()),
        }
    }

    fn has_line_comments(&self, path: &str, text: &str) -> bool {
        !is_json(path, text)
    }

    fn line_comments(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        line_comments(text)
    }
}

/// The `type_name` of parameter nodes.
pub const PARAMETER_TYPE: &str = "parameter";

/// The `type_name` of output nodes.
pub const OUTPUT_TYPE: &str = "output";

fn extension(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name.rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}

/// True when the file should be read as JSON: a `.json` extension, or (for other extensions such
/// as `.template`) text that starts with `{`.
fn is_json(path: &str, text: &str) -> bool {
    match extension(path).as_str() {
        "json" => true,
        "yaml" | "yml" => false,
        _ => raw::looks_like_json(text),
    }
}

/// Cheap content sniff: is this JSON/YAML text a CloudFormation template? True when it has a top-level
/// `AWSTemplateFormatVersion`, or a top-level `Resources` mapping whose values have a `Type` string
/// starting with `AWS::` (also `Transform: AWS::Serverless-2016-10-31`). Must not fully parse huge files
/// twice; a quick textual pre-check then a parse is fine. `path` is used for the extension only.
///
/// The textual pre-check needs `AWSTemplateFormatVersion`, or `Resources` and `AWS::`, somewhere
/// in the text. JSON is then read with serde_json, skipping everything but the top-level keys and
/// each resource's `Type` (no tree is built); YAML is read as a stream of events that stops at
/// the first decisive key. Invalid text is not a template.
pub fn looks_like_template(path: &str, text: &str) -> bool {
    if !(text.contains("AWSTemplateFormatVersion")
        || text.contains("Resources") && text.contains("AWS::"))
    {
        return false;
    }
    if is_json(path, text) {
        sniff::json(text.strip_prefix('\u{feff}').unwrap_or(text))
    } else {
        sniff::yaml(text)
    }
}

mod sniff {
    use granit_parser::{Event, Parser};
    use serde::de::{DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

    /// What a value is probed for; every probe answers `false` rather than failing on a
    /// value of an unexpected shape.
    #[derive(Clone, Copy)]
    enum Want {
        /// The document: `AWSTemplateFormatVersion`, a serverless `Transform`, or `Resources`.
        Top,
        /// `Resources`: some value is a mapping with an `AWS::` `Type`.
        Resources,
        /// One resource: its `Type` starts with `AWS::`.
        Resource,
        /// A string starting with `AWS::`.
        AwsPrefix,
        /// A string (or list of strings) naming the serverless transform.
        Transform,
    }

    struct Probe(Want);

    impl<'de> DeserializeSeed<'de> for Probe {
        type Value = bool;
        fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<bool, D::Error> {
            d.deserialize_any(self)
        }
    }

    impl<'de> Visitor<'de> for Probe {
        type Value = bool;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("any JSON value")
        }
        fn visit_bool<E>(self, _: bool) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_i64<E>(self, _: i64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_u64<E>(self, _: u64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_f64<E>(self, _: f64) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_unit<E>(self) -> Result<bool, E> {
            Ok(false)
        }
        fn visit_str<E>(self, s: &str) -> Result<bool, E> {
            Ok(match self.0 {
                Want::AwsPrefix => s.starts_with("AWS::"),
                Want::Transform => serverless(s),
                _ => false,
            })
        }
        fn visit_seq<A: SeqAccess<'de>>(self, mut a: A) -> Result<bool, A::Error> {
            let mut found = false;
            if let Want::Transform = self.0 {
                while let Some(t) = a.next_element_seed(Probe(Want::Transform))? {
                    found |= t;
                }
            } else {
                while a.next_element::<IgnoredAny>()?.is_some() {}
            }
            Ok(found)
        }
        fn visit_map<A: MapAccess<'de>>(self, mut m: A) -> Result<bool, A::Error> {
            let mut found = false;
            while let Some(key) = m.next_key::<String>()? {
                let want = match (self.0, key.as_str()) {
                    (Want::Top, "AWSTemplateFormatVersion") => {
                        m.next_value::<IgnoredAny>()?;
                        found = true;
                        continue;
                    }
                    (Want::Top, "Transform") => Some(Want::Transform),
                    (Want::Top, "Resources") => Some(Want::Resources),
                    (Want::Resources, _) => Some(Want::Resource),
                    (Want::Resource, "Type") => Some(Want::AwsPrefix),
                    _ => None,
                };
                match want {
                    Some(w) => found |= m.next_value_seed(Probe(w))?,
                    None => {
                        m.next_value::<IgnoredAny>()?;
                    }
                }
            }
            Ok(found)
        }
    }

    fn serverless(t: &str) -> bool {
        t.starts_with("AWS::Serverless")
    }

    /// A document that does not parse but passed the textual pre-check (it names
    /// `AWSTemplateFormatVersion`, or `Resources` and an `AWS::` type) counts as a template, so
    /// that its syntax error is reported instead of the file being skipped silently.
    pub(super) fn json(text: &str) -> bool {
        let mut de = serde_json::Deserializer::from_str(text);
        let Ok(found) = Probe(Want::Top).deserialize(&mut de) else {
            return true;
        };
        // Trailing garbage after a template is its syntax error to report, not a reason to skip it.
        found
    }

    enum Frame {
        Map {
            expect_key: bool,
            key: Option<String>,
        },
        Seq,
    }

    pub(super) fn yaml(text: &str) -> bool {
        let mut opts = granit_parser::Options::default();
        opts.emit_comments = false;
        opts.flow_nesting_limit = super::MAX_DEPTH;
        opts.block_nesting_limit = super::MAX_DEPTH;
        let parser = Parser::new_from_str_with_options(text, opts);
        let mut stack: Vec<Frame> = Vec::new();
        for res in parser {
            // Broken YAML that passed the textual pre-check: report its error (see `json`).
            let Ok((ev, _)) = res else {
                return true;
            };
            let is_key = matches!(
                stack.last(),
                Some(Frame::Map {
                    expect_key: true,
                    ..
                })
            );
            match ev {
                Event::Scalar(value, ..) => {
                    if is_key {
                        if stack.len() == 1 && value == "AWSTemplateFormatVersion" {
                            return true;
                        }
                        if let Some(Frame::Map { expect_key, key }) = stack.last_mut() {
                            *expect_key = false;
                            *key = Some(value.into_owned());
                        }
                        continue;
                    }
                    let keys: Vec<Option<&str>> = stack
                        .iter()
                        .map(|f| match f {
                            Frame::Map { key, .. } => key.as_deref(),
                            Frame::Seq => None,
                        })
                        .collect();
                    match keys.as_slice() {
                        [Some("Transform")] if serverless(&value) => return true,
                        [Some("Transform"), None]
                            if matches!(stack.get(1), Some(Frame::Seq)) && serverless(&value) =>
                        {
                            return true;
                        }
                        [Some("Resources"), Some(_), Some("Type")]
                            if value.starts_with("AWS::") =>
                        {
                            return true;
                        }
                        _ => {}
                    }
                    value_done(&mut stack);
                }
                Event::Alias(..) => {
                    if is_key {
                        return false;
                    }
                    value_done(&mut stack);
                }
                Event::MappingStart(..) | Event::SequenceStart(..) => {
                    if is_key {
                        return false;
                    }
                    if stack.is_empty() && !matches!(ev, Event::MappingStart(..)) {
                        return false;
                    }
                    stack.push(if matches!(ev, Event::MappingStart(..)) {
                        Frame::Map {
                            expect_key: true,
                            key: None,
                        }
                    } else {
                        Frame::Seq
                    });
                }
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                    if stack.is_empty() {
                        return false;
                    }
                    value_done(&mut stack);
                }
                Event::DocumentEnd | Event::StreamEnd => return false,
                _ => {}
            }
        }
        false
    }

    /// A value ended: its mapping expects a key again.
    fn value_done(stack: &mut [Frame]) {
        if let Some(Frame::Map { expect_key, .. }) = stack.last_mut() {
            *expect_key = true;
        }
    }
}

fn raw_error(file: &SourceFile, id: FileId, e: raw::RawError) -> InputError {
    InputError {
        path: file.path.clone(),
        span: Some(Span::new(id, e.span)),
        message: e.message,
    }
}

fn located(file: &SourceFile, id: FileId, span: std::ops::Range<usize>, msg: String) -> InputError {
    InputError {
        path: file.path.clone(),
        span: Some(Span::new(id, span)),
        message: msg,
    }
}

/// The byte ranges of the comments of a YAML template (none for JSON).
pub fn line_comments(text: &str) -> Vec<std::ops::Range<usize>> {
    if raw::looks_like_json(text) {
        return Vec::new();
    }
    raw::yaml_comments(text)
}

/// Parses one template (JSON or YAML by extension/content) into a Fragment: one node per resource
/// (kind Resource, type_name = `Type`, name = logical id, address = logical id, module = the file's
/// display path, header = span of the logical-id key, span = the resource's whole mapping,
/// attrs = the evaluated `Properties` object (so rule paths read `$.DeploymentConfiguration...`),
/// meta.cdk_path = `Metadata["aws:cdk:path"]`), plus nodes for Parameters (kind Variable, address
/// `Parameters.X`, attrs {Default, Type}) and Outputs (kind Output). Errors carry file:line:column.
///
/// Errors are [`InputError`]s with a span at the problem: invalid JSON or YAML, nesting or alias
/// expansion over the limits, a top level that is not a mapping, `Resources` that is not a
/// mapping, a resource that is not a mapping or has no string `Type`. Never panics.
pub fn build_template(id: FileId, file: &SourceFile) -> Result<Fragment, InputError> {
    let text: &str = &file.text;
    let root = if is_json(&file.path, text) {
        raw::parse_json(text)
    } else {
        raw::parse_yaml(text)
    }
    .map_err(|e| raw_error(file, id, e))?;
    let Some(top) = root.entries() else {
        return Err(located(
            file,
            id,
            root.span.clone(),
            "a CloudFormation template must be a mapping at the top level".into(),
        ));
    };
    let section = |name: &str| top.iter().rev().find(|(k, _)| k.name == name);

    let mut ev = Evaluator::new(id, text);
    let mut nodes: Vec<Node> = Vec::new();
    let skeleton =
        |kind: NodeKind, type_name: &str, key: &raw::Key, value: &Raw, address: String| Node {
            id: NodeId(0),
            format: Format::Cloudformation,
            kind,
            type_name: type_name.to_string(),
            name: key.name.clone(),
            address,
            module: file.path.clone(),
            file: id,
            span: Span::new(id, value.span.clone()),
            header: Span::new(id, key.span.clone()),
            attrs: Spanned::new(
                Val::Object(Box::new(IndexMap::new())),
                Some(Span::new(id, value.span.clone())),
            ),
            meta: NodeMeta::default(),
        };

    // Parameters.
    if let Some((_, params)) = section("Parameters")
        && let Some(entries) = params.entries()
    {
        for (k, decl) in entries {
            let idx = nodes.len();
            let mut node = skeleton(
                NodeKind::Variable,
                PARAMETER_TYPE,
                k,
                decl,
                format!("Parameters.{}", k.name),
            );
            let attrs = ev.literal(decl);
            if matches!(attrs.val, Val::Object(_)) {
                node.attrs = attrs;
            }
            nodes.push(node);
            ev.params.insert(k.name.as_str(), Param { node: idx, decl });
        }
    }

    // Resources: skeletons first so references can be resolved in any order.
    let mut resources: Vec<(usize, &Raw)> = Vec::new();
    if let Some((rkey, res)) = section("Resources") {
        let Some(entries) = res.entries() else {
            return Err(located(
                file,
                id,
                res.span.clone(),
                format!(
                    "`{}` must be a mapping from logical ids to resources",
                    rkey.name
                ),
            ));
        };
        for (k, body) in entries {
            if k.name.starts_with("Fn::ForEach::") {
                // AWS::LanguageExtensions loops: the resources they make are not known here.
                continue;
            }
            if body.entries().is_none() {
                return Err(located(
                    file,
                    id,
                    k.span.clone(),
                    format!("resource `{}` must be a mapping", k.name),
                ));
            }
            let Some(ty) = body.get("Type").and_then(Raw::as_str) else {
                let span = body
                    .get("Type")
                    .map(|t| t.span.clone())
                    .unwrap_or(k.span.clone());
                return Err(located(
                    file,
                    id,
                    span,
                    format!("resource `{}` has no string `Type`", k.name),
                ));
            };
            let idx = nodes.len();
            let mut node = skeleton(NodeKind::Resource, ty, k, body, k.name.clone());
            node.meta.cdk_path = body
                .get("Metadata")
                .and_then(|m| m.get("aws:cdk:path"))
                .and_then(Raw::as_str)
                .map(str::to_string);
            nodes.push(node);
            ev.resources.insert(k.name.as_str(), idx);
            resources.push((idx, body));
        }
    }
    ev.mappings = section("Mappings").map(|(_, m)| m);
    ev.conditions = section("Conditions").map(|(_, c)| c);

    let mut edges = Vec::new();
    let push_hits = |edges: &mut Vec<Edge>, from: usize, hits: Vec<(crate::value::Route, Hit)>| {
        for (route, hit) in hits {
            edges.push(Edge {
                from: NodeId(from as u32),
                route,
                to: NodeId(hit.to as u32),
                attr: hit.attr,
                span: hit.span,
            });
        }
    };

    for (idx, body) in resources {
        // A resource-level `Condition`: known false → not created; unknown → may not be.
        if let Some(name) = body.get("Condition").and_then(Raw::as_str) {
            nodes[idx].meta.exists = ev.condition(name);
        }
        // `Metadata.iaclint.ignore`: suppressions (JSON has no comments), read by `suppress`.
        if let Some(meta) = body.get("Metadata").and_then(|m| m.get("iaclint")) {
            nodes[idx].meta.suppression_spec = Some(ev.literal(meta));
        }
        let mut hits = Vec::new();
        if let Some(props) = body.get("Properties") {
            let v = ev.eval(props, &mut Vec::new(), &mut hits);
            nodes[idx].attrs = match v {
                Some(v) => v,
                None => Spanned::new(
                    Val::Object(Box::new(IndexMap::new())),
                    Some(Span::new(id, props.span.clone())),
                ),
            };
        }
        if let Some(dep) = body.get("DependsOn") {
            let names: Vec<&Raw> = match &dep.v {
                RawVal::Seq(items) => items.iter().collect(),
                _ => vec![dep],
            };
            for n in names {
                if let Some(&to) = n.as_str().and_then(|s| ev.resources.get(s)) {
                    hits.push((
                        Vec::new(),
                        Hit {
                            to,
                            attr: None,
                            span: Some(Span::new(id, n.span.clone())),
                        },
                    ));
                }
            }
        }
        push_hits(&mut edges, idx, hits);
    }

    // Outputs.
    if let Some((_, outputs)) = section("Outputs")
        && let Some(entries) = outputs.entries()
    {
        for (k, body) in entries {
            let idx = nodes.len();
            let mut node = skeleton(
                NodeKind::Output,
                OUTPUT_TYPE,
                k,
                body,
                format!("Outputs.{}", k.name),
            );
            let mut hits = Vec::new();
            if let Some(v) = ev.eval(body, &mut Vec::new(), &mut hits) {
                node.attrs = v;
            }
            nodes.push(node);
            push_hits(&mut edges, idx, hits);
        }
    }

    // A limit hit during evaluation: the template is still linted (over-limit values are
    // unknown), and the first place is reported.
    let diagnostics = ev
        .exceeded
        .take()
        .map(|(span, key)| {
            located(
                file,
                id,
                span,
                format!(
                    "evaluation stopped here: the value is over a limit {}; values past it are \
                     unknown",
                    crate::limits::hint(key)
                ),
            )
        })
        .into_iter()
        .collect();
    Ok(Fragment {
        nodes,
        edges,
        diagnostics,
    })
}
