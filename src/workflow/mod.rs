//! The GitHub Actions front end: workflows (`.github/workflows/*.yml`) and composite actions
//! (`action.yml`) become graph nodes of format [`Format::Workflow`].
//!
//! # What becomes a node
//!
//! All nodes are of kind [`NodeKind::Resource`]; `module` is the file's display path.
//!
//! - `gha:workflow`: one per workflow file. Address and name = the file path
//!   (`.github/workflows/ci.yml`); header = the first top-level key; attrs = the document as
//!   written (`name`, `on`, `permissions`, `env`, `jobs`, ...), where each job is shown without its
//!   `steps` (they are nodes of their own). YAML 1.2 keeps `on` a string key, never `true`.
//! - `gha:job`: one per entry of `jobs`. Name = the job id, address = `<file>#jobs.<id>`, header =
//!   the job's key, attrs = the job mapping as written without `steps` (`runs-on`, `permissions`,
//!   `env`, `uses` of a reusable workflow, ...).
//! - `gha:step`: one per item of a job's `steps` (and of a composite action's `runs.steps`).
//!   Name = the step's `id`, else its index; address = `<file>#jobs.<id>.steps[<n>]` (composite:
//!   `<file>#runs.steps[<n>]`); header = the first key of the step (the `- ` line); attrs = the
//!   step mapping as written (`uses`, `with`, `env`, `run`, `shell`, `name`, `id`, `if`), plus a
//!   synthesized `commands` when `run` is a string and `shell` (if set) is a POSIX shell: an
//!   array of `{argv: [string, ...], pip?: {subcommand, options: {"--platform": [..], ...}},
//!   docker?: {subcommand, image}}`
//!   split from the script by [`shell`], every argument with its span in the file; and a
//!   synthesized `env_expansions` (see [`with_env_expansions`]) when the script expands
//!   `${{ env.NAME }}` of a defined variable.
//! - `gha:image`: one per container image a job runs: its `container` (a string or
//!   `container.image`) and each `services.<id>.image`. Name = the image, address =
//!   `<file>#jobs.<id>.container` / `...services.<sid>.image`, attrs = `{image, where}` with the
//!   image's span. An image written as exactly `${{ matrix.<key> }}` becomes one node per literal
//!   string value of `strategy.matrix.<key>` (and of `include` entries setting `<key>`), located
//!   at the value and addressed `...[<n>]`; a matrix that is not a literal mapping (`fromJSON`)
//!   gives no node. Edge: image → its job.
//! - `gha:action`: one per composite (or any) action file, address = the file path, attrs = the
//!   document as written with `runs.steps` left out.
//!
//! Every value keeps its byte span; expressions (`${{ secrets.X }}`) stay strings.
//!
//! # Edges
//!
//! Containment only: step → its job (or its action), job → its workflow, each with an empty
//! route, no attribute and the span of the contained node's header.
//!
//! # Errors
//!
//! Invalid YAML, a top level that is not a mapping, `jobs` that is not a mapping, a job or step
//! that is not a mapping, `steps` that is not a sequence, and an unterminated `${{` in any string
//! are errors located at the problem. Nesting and alias expansion are bounded exactly as for
//! CloudFormation ([`crate::syntax::MAX_DEPTH`], [`crate::syntax::MAX_NODES`]), since the same
//! reader ([`crate::syntax::yaml`]) is used — without CloudFormation's short tags: `!Ref x` is
//! the string `x` here.

use indexmap::IndexMap;

pub mod shell;

use crate::finding::InputError;
use crate::graph::{Edge, Format, Fragment, Node, NodeId, NodeKind, NodeMeta};
use crate::source::{FileId, SourceFile, Span};
use crate::syntax::{Raw, RawVal};
use crate::value::{Spanned, Val};

/// The `type_name` of a workflow node.
pub const WORKFLOW_TYPE: &str = "gha:workflow";
/// The `type_name` of a job node.
pub const JOB_TYPE: &str = "gha:job";
/// The `type_name` of a step node.
pub const STEP_TYPE: &str = "gha:step";
/// The `type_name` of an action (`action.yml`) node.
pub const ACTION_TYPE: &str = "gha:action";

/// The `type_name` of a container image a job runs (`container`, `services.<id>.image`).
pub const IMAGE_TYPE: &str = "gha:image";

/// Every workflow node type, as rules select them.
pub const TYPES: &[&str] = &[WORKFLOW_TYPE, JOB_TYPE, STEP_TYPE, ACTION_TYPE, IMAGE_TYPE];

/// True for an action metadata file (`action.yml`/`action.yaml`), as opposed to a workflow.
pub fn is_action_file(path: &str) -> bool {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    name == "action.yml" || name == "action.yaml"
}

struct Ctx<'a> {
    id: FileId,
    file: &'a SourceFile,
}

impl Ctx<'_> {
    fn span(&self, r: &std::ops::Range<usize>) -> Span {
        Span::new(self.id, r.clone())
    }

    fn error(&self, span: std::ops::Range<usize>, message: impl Into<String>) -> InputError {
        InputError {
            path: self.file.path.clone(),
            span: Some(self.span(&span)),
            message: message.into(),
        }
    }

    /// The literal value of `r`, leaving out the mapping members named in `skip`.
    fn literal(&self, r: &Raw, skip: &[&str]) -> Result<Spanned, InputError> {
        let val = match &r.v {
            RawVal::Null => Val::Null,
            RawVal::Bool(b) => Val::Bool(*b),
            RawVal::Num(n) => Val::Number(*n),
            RawVal::Str(s) => {
                self.check_expressions(s, r)?;
                Val::String(s.clone())
            }
            RawVal::Seq(items) => Val::Array(
                items
                    .iter()
                    .map(|x| self.literal(x, &[]))
                    .collect::<Result<_, _>>()?,
            ),
            RawVal::Map(m) => {
                let mut out = IndexMap::new();
                for (k, v) in m {
                    if skip.contains(&k.name.as_str()) {
                        continue;
                    }
                    out.insert(k.name.clone(), self.literal(v, &[])?);
                }
                Val::Object(Box::new(out))
            }
        };
        Ok(Spanned::new(val, Some(self.span(&r.span))))
    }

    /// An unterminated `${{` is an error at the `${{` (when the scalar is written as is) or at the
    /// scalar.
    fn check_expressions(&self, s: &str, r: &Raw) -> Result<(), InputError> {
        let mut rest = 0;
        while let Some(i) = s[rest..].find("${{") {
            let open = rest + i;
            match s[open + 3..].find("}}") {
                Some(j) => rest = open + 3 + j + 2,
                None => {
                    let written = self.file.text.get(r.span.clone()).unwrap_or("");
                    let span = match written.find(&s[open..]) {
                        Some(k) if written.matches("${{").count() == s.matches("${{").count() => {
                            let start = r.span.start + k;
                            start..start + 3
                        }
                        _ => r.span.clone(),
                    };
                    return Err(self.error(span, "unterminated expression: `${{` without `}}`"));
                }
            }
        }
        Ok(())
    }
}

/// Adds the synthesized `commands` attribute (see [`shell`]) to a step with a `run` string whose
/// `shell` (if given) is a POSIX shell.
fn with_commands(cx: &Ctx<'_>, mut attrs: Spanned) -> Spanned {
    let posix = match attrs.get("shell").map(|s| s.as_str()) {
        None => true,
        Some(Some(s)) => {
            let first = s.split_whitespace().next().unwrap_or("");
            matches!(
                first.rsplit('/').next().unwrap_or(first),
                "bash" | "sh" | "dash" | "zsh" | "ash"
            )
        }
        Some(None) => false,
    };
    let Some(run) = attrs.get("run").filter(|_| posix) else {
        return attrs;
    };
    let (Some(text), Some(span)) = (run.as_str(), run.span) else {
        return attrs;
    };
    let cmds = shell::commands_attr(cx.id, &cx.file.text, text, span);
    if let Val::Object(m) = &mut attrs.val {
        m.insert("commands".into(), cmds);
    }
    attrs
}

/// The matrix key of an image written as exactly `${{ matrix.<key> }}`.
fn matrix_key(image: &str) -> Option<&str> {
    let inner = image.trim().strip_prefix("${{")?.strip_suffix("}}")?.trim();
    let key = inner.strip_prefix("matrix.")?;
    key.chars()
        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        .then_some(key)
}

/// The images a job runs, each with its address suffix and the raw scalar it is written in:
/// `container`, `services.<id>.image`, with `${{ matrix.<key> }}` expanded over the literal
/// values of the job's matrix.
fn job_images(job: &Raw) -> Vec<(String, &Raw)> {
    let mut written: Vec<(String, &Raw)> = Vec::new();
    match job.get("container") {
        Some(c) if c.as_str().is_some() => written.push(("container".into(), c)),
        Some(c) => {
            if let Some(i) = c.get("image").filter(|i| i.as_str().is_some()) {
                written.push(("container.image".into(), i));
            }
        }
        None => {}
    }
    if let Some(services) = job.get("services").and_then(Raw::entries) {
        for (k, svc) in services {
            if let Some(i) = svc.get("image").filter(|i| i.as_str().is_some()) {
                written.push((format!("services.{}.image", k.name), i));
            }
        }
    }
    let matrix = job.get("strategy").and_then(|s| s.get("matrix"));
    let mut out = Vec::new();
    for (at, raw) in written {
        let Some(key) = raw.as_str().and_then(matrix_key) else {
            out.push((at, raw));
            continue;
        };
        // Unknown (an expression, or no such key): no image is known here.
        let Some(m) = matrix.filter(|m| m.entries().is_some()) else {
            continue;
        };
        let mut n = 0;
        let mut values: Vec<&Raw> = Vec::new();
        if let Some(RawVal::Seq(items)) = m.get(key).map(|v| &v.v) {
            values.extend(items.iter());
        }
        if let Some(RawVal::Seq(items)) = m.get("include").map(|v| &v.v) {
            values.extend(items.iter().filter_map(|e| e.get(key)));
        }
        for v in values {
            if v.as_str().is_some() {
                out.push((format!("{at}[{n}]"), v));
                n += 1;
            }
        }
    }
    out
}

/// The names of `${{ env.NAME }}` expressions in `text` (only an expression that is exactly
/// `env.NAME`), in order.
fn env_refs(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(i) = rest.find("${{") {
        let after = &rest[i + 3..];
        let Some(j) = after.find("}}") else { break };
        let inner = after[..j].trim();
        if let Some(name) = inner.strip_prefix("env.")
            && !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            out.push(name);
        }
        rest = &after[j + 2..];
    }
    out
}

/// Adds `env_expansions` to a step whose `run` (or `actions/github-script`'s `with.script`)
/// expands `${{ env.NAME }}`: one `{"env.NAME": value}` per expansion, `value` the text of the
/// nearest definition (step, job, then workflow `env`) located at the script, so a rule can test
/// what the expression stands for.
fn with_env_expansions(
    cx: &Ctx<'_>,
    mut attrs: Spanned,
    step: &Raw,
    outer_env: &[&Raw],
) -> Result<Spanned, InputError> {
    let github_script = step
        .get("uses")
        .and_then(Raw::as_str)
        .is_some_and(|u| u.starts_with("actions/github-script@"));
    let script = step.get("run").or_else(|| {
        step.get("with")
            .and_then(|w| w.get("script"))
            .filter(|_| github_script)
    });
    let Some(script) = script else {
        return Ok(attrs);
    };
    let Some(text) = script.as_str() else {
        return Ok(attrs);
    };
    let envs: Vec<&Raw> = step
        .get("env")
        .into_iter()
        .chain(outer_env.iter().copied())
        .collect();
    let span = cx.span(&script.span);
    let mut out = Vec::new();
    for name in env_refs(text) {
        let Some(def) = envs.iter().find_map(|e| e.get(name)) else {
            continue;
        };
        let Some(value) = def.as_str() else { continue };
        let mut m = IndexMap::new();
        m.insert(
            format!("env.{name}"),
            Spanned::new(Val::String(value.to_string()), Some(span)),
        );
        out.push(Spanned::new(Val::Object(Box::new(m)), Some(span)));
    }
    if !out.is_empty()
        && let Val::Object(m) = &mut attrs.val
    {
        m.insert(
            "env_expansions".into(),
            Spanned::new(Val::Array(out), Some(span)),
        );
    }
    Ok(attrs)
}

/// The span of the first key of a mapping (or the value itself).
fn first_key(r: &Raw) -> std::ops::Range<usize> {
    match r.entries().and_then(|e| e.first()) {
        Some((k, _)) => k.span.clone(),
        None => r.span.clone(),
    }
}

/// The GitHub Actions front end: `.github/workflows/*.yml|*.yaml` and `action.yml|action.yaml`,
/// each file alone.
pub struct WorkflowFrontEnd;

/// The registered workflow front end.
pub static FRONT_END: WorkflowFrontEnd = WorkflowFrontEnd;

/// `.github/workflows/*.yml|*.yaml` (directly in that directory), or `action.yml|action.yaml`
/// anywhere.
fn is_workflow(path: &std::path::Path, name: &str) -> bool {
    if name == "action.yml" || name == "action.yaml" {
        return true;
    }
    if !(name.ends_with(".yml") || name.ends_with(".yaml")) {
        return false;
    }
    let mut dirs = path.parent().into_iter().flat_map(|p| p.components().rev());
    let parent = dirs.next().and_then(|c| c.as_os_str().to_str());
    let grand = dirs.next().and_then(|c| c.as_os_str().to_str());
    parent == Some("workflows") && grand == Some(".github")
}

impl crate::frontend::FrontEnd for WorkflowFrontEnd {
    fn name(&self) -> &'static str {
        "workflow"
    }

    fn dialect(&self) -> Format {
        Format::Workflow
    }

    fn claims(&self, path: &std::path::Path) -> Option<crate::frontend::Claim> {
        let name = path.file_name()?.to_str()?;
        is_workflow(path, name).then_some(crate::frontend::Claim::Always)
    }

    fn describe(&self) -> &'static str {
        "a GitHub Actions workflow or action.yml"
    }

    fn build(
        &self,
        sources: &crate::source::Sources,
        ids: &[FileId],
    ) -> (Option<Fragment>, Vec<InputError>) {
        // Each workflow is its own unit.
        match ids.first().map(|id| build_workflow(*id, sources.get(*id))) {
            Some(Ok(f)) => (Some(f), Vec::new()),
            Some(Err(e)) => (None, vec![e]),
            None => (None, Vec::new()),
        }
    }

    fn line_comments(&self, text: &str) -> Vec<std::ops::Range<usize>> {
        // YAML comments; a workflow written as JSON has none.
        if crate::syntax::json::looks_like_json(text) {
            return Vec::new();
        }
        crate::syntax::yaml::comments(text)
    }
}

/// Parses one workflow or action file into a Fragment (see the module docs for the shape).
pub fn build_workflow(id: FileId, file: &SourceFile) -> Result<Fragment, InputError> {
    let cx = Ctx { id, file };
    // No short tags: `!Ref` means nothing to GitHub; a tagged value is read as its plain value.
    let root =
        crate::syntax::yaml::parse(&file.text, &[]).map_err(|e| cx.error(e.span, e.message))?;
    let action = is_action_file(&file.path);
    if root.entries().is_none() {
        return Err(cx.error(
            root.span.clone(),
            if action {
                "an action file must be a mapping at the top level"
            } else {
                "a workflow must be a mapping at the top level"
            },
        ));
    }
    let mut nodes: Vec<Node> = Vec::new();
    let mut edges: Vec<Edge> = Vec::new();
    let node = |type_name: &str, name: String, address: String, span, header, attrs| Node {
        id: NodeId(0),
        format: Format::Workflow,
        kind: NodeKind::Resource,
        type_name: type_name.to_string(),
        name,
        address,
        module: file.path.clone(),
        file: id,
        span,
        header,
        attrs,
        meta: NodeMeta::default(),
    };

    // Steps of a job or action: nodes with an edge to `parent`.
    let steps = |nodes: &mut Vec<Node>,
                 edges: &mut Vec<Edge>,
                 parent: usize,
                 prefix: &str,
                 list: &Raw,
                 outer_env: &[&Raw]|
     -> Result<(), InputError> {
        let RawVal::Seq(items) = &list.v else {
            return Err(cx.error(list.span.clone(), "`steps` must be a sequence of steps"));
        };
        for (n, step) in items.iter().enumerate() {
            if step.entries().is_none() {
                return Err(cx.error(step.span.clone(), "a step must be a mapping"));
            }
            let header = cx.span(&first_key(step));
            let name = step
                .get("id")
                .and_then(Raw::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| n.to_string());
            let idx = nodes.len();
            nodes.push(node(
                STEP_TYPE,
                name,
                format!("{}#{prefix}steps[{n}]", file.path),
                cx.span(&step.span),
                header,
                with_env_expansions(
                    &cx,
                    with_commands(&cx, cx.literal(step, &[])?),
                    step,
                    outer_env,
                )?,
            ));
            edges.push(Edge {
                from: NodeId(idx as u32),
                route: Vec::new(),
                to: NodeId(parent as u32),
                attr: None,
                span: Some(header),
            });
        }
        Ok(())
    };

    if action {
        let mut attrs = cx.literal(&root, &[])?;
        let runs = root.get("runs");
        if let Val::Object(m) = &mut attrs.val
            && let Some(r) = runs
        {
            m.insert("runs".into(), cx.literal(r, &["steps"])?);
        }
        nodes.push(node(
            ACTION_TYPE,
            file.path.clone(),
            file.path.clone(),
            cx.span(&root.span),
            cx.span(&first_key(&root)),
            attrs,
        ));
        if let Some(list) = runs.and_then(|r| r.get("steps")) {
            steps(&mut nodes, &mut edges, 0, "runs.", list, &[])?;
        }
        return Ok(Fragment {
            nodes,
            edges,
            ..Fragment::default()
        });
    }

    let mut attrs = cx.literal(&root, &["jobs"])?;
    nodes.push(node(
        WORKFLOW_TYPE,
        file.path.clone(),
        file.path.clone(),
        cx.span(&root.span),
        cx.span(&first_key(&root)),
        Spanned::bare(Val::Null),
    ));
    let mut jobs_attr: IndexMap<String, Spanned> = IndexMap::new();
    if let Some((jkey, jobs)) = root
        .entries()
        .and_then(|e| e.iter().rev().find(|(k, _)| k.name == "jobs"))
    {
        let Some(entries) = jobs.entries() else {
            return Err(cx.error(
                if matches!(jobs.v, RawVal::Null) {
                    jkey.span.clone()
                } else {
                    jobs.span.clone()
                },
                "`jobs` must be a mapping from job ids to jobs",
            ));
        };
        for (k, job) in entries {
            if job.entries().is_none() {
                return Err(cx.error(
                    k.span.clone(),
                    format!("job `{}` must be a mapping", k.name),
                ));
            }
            let job_attrs = cx.literal(job, &["steps"])?;
            jobs_attr.insert(k.name.clone(), job_attrs.clone());
            let idx = nodes.len();
            let header = cx.span(&k.span);
            nodes.push(node(
                JOB_TYPE,
                k.name.clone(),
                format!("{}#jobs.{}", file.path, k.name),
                cx.span(&(k.span.start..job.span.end.max(k.span.start))),
                header,
                job_attrs,
            ));
            edges.push(Edge {
                from: NodeId(idx as u32),
                route: Vec::new(),
                to: NodeId(0),
                attr: None,
                span: Some(header),
            });
            for (at, raw) in job_images(job) {
                let image = cx.literal(raw, &[])?;
                let name = image.as_str().unwrap_or_default().to_string();
                let mut a = IndexMap::new();
                a.insert("image".to_string(), image);
                a.insert("where".to_string(), Spanned::bare(Val::String(at.clone())));
                let span = cx.span(&raw.span);
                let img = nodes.len();
                nodes.push(node(
                    IMAGE_TYPE,
                    name,
                    format!("{}#jobs.{}.{at}", file.path, k.name),
                    span,
                    span,
                    Spanned::new(Val::Object(Box::new(a)), Some(span)),
                ));
                edges.push(Edge {
                    from: NodeId(img as u32),
                    route: Vec::new(),
                    to: NodeId(idx as u32),
                    attr: None,
                    span: Some(span),
                });
            }
            if let Some(list) = job.get("steps") {
                steps(
                    &mut nodes,
                    &mut edges,
                    idx,
                    &format!("jobs.{}.", k.name),
                    list,
                    &[job.get("env"), root.get("env")]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>(),
                )?;
            }
        }
        if let Val::Object(m) = &mut attrs.val {
            m.insert(
                "jobs".into(),
                Spanned::new(Val::Object(Box::new(jobs_attr)), Some(cx.span(&jobs.span))),
            );
        }
    }
    nodes[0].attrs = attrs;
    Ok(Fragment {
        nodes,
        edges,
        ..Fragment::default()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;
    use std::sync::Arc;

    fn build(path: &str, text: &str) -> Result<Fragment, InputError> {
        let file = SourceFile::new(path.into(), PathBuf::from(path), Arc::from(text));
        build_workflow(FileId(0), &file)
    }

    const CI: &str = "name: ci\non:\n  push:\npermissions:\n  contents: read\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: test\n        run: echo \"${{ github.head_ref }}\"\n";

    #[test]
    fn nodes_and_edges() {
        let f = build(".github/workflows/ci.yml", CI).unwrap();
        let types: Vec<(&str, &str)> = f
            .nodes
            .iter()
            .map(|n| (n.type_name.as_str(), n.address.as_str()))
            .collect();
        assert_eq!(
            types,
            [
                ("gha:workflow", ".github/workflows/ci.yml"),
                ("gha:job", ".github/workflows/ci.yml#jobs.build"),
                ("gha:step", ".github/workflows/ci.yml#jobs.build.steps[0]"),
                ("gha:step", ".github/workflows/ci.yml#jobs.build.steps[1]"),
            ]
        );
        let wf = &f.nodes[0];
        assert!(wf.attrs.get("on").is_some(), "`on` stays a string key");
        assert!(wf.attrs.get("jobs").unwrap().get("build").is_some());
        assert!(
            wf.attrs
                .get("jobs")
                .unwrap()
                .get("build")
                .unwrap()
                .get("steps")
                .is_none()
        );
        assert!(f.nodes[1].attrs.get("steps").is_none());
        let run = f.nodes[3].attrs.get("run").unwrap();
        assert_eq!(run.as_str(), Some("echo \"${{ github.head_ref }}\""));
        let s = run.span.unwrap();
        assert_eq!(&CI[s.start..s.end], "echo \"${{ github.head_ref }}\"");
        let e: Vec<(u32, u32)> = f.edges.iter().map(|e| (e.from.0, e.to.0)).collect();
        assert_eq!(e, [(1, 0), (2, 1), (3, 1)]);
        // The step's header is its first key, on the `- ` line.
        let h = f.nodes[2].header;
        assert_eq!(&CI[h.start..h.end], "uses");
    }

    #[test]
    fn cloudformation_short_tags_are_not_rewritten_in_a_workflow() {
        let text = "on: push\nenv:\n  A: !Ref foo\n  B: !Sub [x, y]\njobs: {}\n";
        let f = build(".github/workflows/ci.yml", text).unwrap();
        let env = f.nodes[0].attrs.get("env").unwrap();
        assert_eq!(env.get("A").unwrap().as_str(), Some("foo"));
        let b = env.get("B").unwrap();
        assert!(b.get("Fn::Sub").is_none(), "{b:?}");
        assert_eq!(b.as_array().map(|a| a.len()), Some(2));
    }

    #[test]
    fn discovery() {
        use crate::inputs::FRONT_ENDS;
        use std::path::Path;
        let input_kind = |p: &Path| FRONT_ENDS.walked(p).map(|f| f.name());
        for p in [
            ".github/workflows/ci.yml",
            "repo/.github/workflows/deploy.yaml",
            "action.yml",
            "tools/setup/action.yaml",
        ] {
            assert_eq!(input_kind(Path::new(p)), Some("workflow"), "{p}");
        }
        for p in [
            ".github/workflows/sub/x.yml",
            "workflows/ci.yml",
            ".github/dependabot.yml",
        ] {
            assert_ne!(input_kind(Path::new(p)), Some("workflow"), "{p}");
        }
    }

    #[test]
    fn composite_actions() {
        let text =
            "name: x\nruns:\n  using: composite\n  steps:\n    - run: echo hi\n      shell: bash\n";
        let f = build("tools/action.yml", text).unwrap();
        assert_eq!(f.nodes[0].type_name, "gha:action");
        assert!(f.nodes[0].attrs.get("runs").unwrap().get("steps").is_none());
        assert_eq!(f.nodes[1].address, "tools/action.yml#runs.steps[0]");
        assert_eq!(f.edges.len(), 1);
    }

    #[test]
    fn located_errors() {
        let e = build(".github/workflows/a.yml", "on: push\njobs: [a]\n").unwrap_err();
        assert!(e.message.contains("`jobs` must be a mapping"), "{e:?}");
        assert_eq!(e.span.unwrap().start, 15);

        let text = "on: push\njobs:\n  a:\n    steps:\n      - run: echo ${{ github.sha\n";
        let e = build(".github/workflows/a.yml", text).unwrap_err();
        assert!(e.message.contains("unterminated"), "{e:?}");
        let s = e.span.unwrap();
        assert_eq!(&text[s.start..s.end], "${{");

        let e = build(".github/workflows/a.yml", "on: [push\n").unwrap_err();
        assert!(e.message.contains("invalid YAML"), "{e:?}");

        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 0..8 {
            bomb.push_str(&format!(
                "b{i}: &b{i} [*{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}, *{p}]\n",
                p = if i == 0 {
                    "a".to_string()
                } else {
                    format!("b{}", i - 1)
                }
            ));
        }
        let e = build(".github/workflows/a.yml", &bomb).unwrap_err();
        assert!(e.message.contains("aliases expand"), "{e:?}");
    }

    #[test]
    fn every_job_image_is_a_node_and_matrix_values_are_expanded() {
        let text = "on: push\njobs:\n  t:\n    strategy:\n      matrix:\n        img: [a:1, b:2]\n        include:\n          - img: c:3\n    container: ${{ matrix.img }}\n    services:\n      db: {image: pg:17}\n      r: {image: redis:7}\n  u:\n    strategy:\n      matrix: ${{ fromJSON(x) }}\n    container: ${{ matrix.img }}\n";
        let f = build(".github/workflows/ci.yml", text).unwrap();
        let images: Vec<(&str, &str)> = f
            .nodes
            .iter()
            .filter(|n| n.type_name == IMAGE_TYPE)
            .map(|n| (n.name.as_str(), n.address.as_str()))
            .collect();
        assert_eq!(
            images,
            [
                ("a:1", ".github/workflows/ci.yml#jobs.t.container[0]"),
                ("b:2", ".github/workflows/ci.yml#jobs.t.container[1]"),
                ("c:3", ".github/workflows/ci.yml#jobs.t.container[2]"),
                ("pg:17", ".github/workflows/ci.yml#jobs.t.services.db.image"),
                (
                    "redis:7",
                    ".github/workflows/ci.yml#jobs.t.services.r.image"
                ),
            ]
        );
        let s = f.nodes[2].span;
        assert_eq!(&text[s.start..s.end], "a:1");
    }

    #[test]
    fn env_expansions_take_the_nearest_definition_and_skip_shell_variables() {
        let text = "on: issues\nenv:\n  T: ${{ github.event.issue.title }}\n  U: wf\njobs:\n  a:\n    env:\n      U: ${{ github.event.issue.body }}\n    steps:\n      - run: echo \"$T ${{ env.U }} ${{ env.T }} ${{ env.NONE }}\"\n      - uses: other/action@v1\n        with:\n          script: ${{ env.T }}\n";
        let f = build(".github/workflows/ci.yml", text).unwrap();
        let x = f.nodes[2].attrs.get("env_expansions").unwrap();
        let items = x.as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert_eq!(
            items[0].get("env.U").unwrap().as_str(),
            Some("${{ github.event.issue.body }}")
        );
        assert_eq!(
            items[1].get("env.T").unwrap().as_str(),
            Some("${{ github.event.issue.title }}")
        );
        // `with.script` counts only for actions/github-script.
        assert!(f.nodes[3].attrs.get("env_expansions").is_none());
    }
}
