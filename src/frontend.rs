//! The front-end seam: each input format is one [`FrontEnd`] — which files it claims, how they
//! group into a unit, how a unit becomes a graph [`Fragment`], where its line comments are — and
//! a [`FrontEnds`] list answers for all of them. The built-in list is
//! [`crate::inputs::FRONT_ENDS`]; discovery, the pipeline, the language server and suppressions
//! ask it instead of matching on a format.
//!
//! A front end says which rule dialect its nodes are ([`FrontEnd::dialect`]): a rule's `select`
//! names a dialect, not a front end, so a plan-JSON front end can produce `terraform` nodes and a
//! SAM one `cloudformation` nodes that the same rules judge.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use rayon::prelude::*;

use crate::finding::InputError;
use crate::graph::{Format, Fragment, GraphBuilder, ResourceGraph};
use crate::source::{FileId, Sources};

/// How a front end claims a file by its name.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Claim {
    /// Read when walked or named (still subject to [`FrontEnd::sniff`]).
    Always,
    /// Read only when named on the command line (a `.tfvars` Terraform does not load itself:
    /// checked for syntax only; a JSON file that is never a template: reported as not one).
    Named,
}

/// How the files of a front end group into the units it builds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Each file alone (a template, a workflow).
    Alone,
    /// Every file of a directory together (a Terraform module: its `.tf` and auto-loaded tfvars).
    Directory,
}

/// One input format.
pub trait FrontEnd: Sync {
    /// Its name, for messages and tests (`terraform`).
    fn name(&self) -> &'static str;
    /// The rule dialect of the nodes it produces.
    fn dialect(&self) -> Format;
    /// Whether it reads the file at `path`, from the name alone.
    fn claims(&self, path: &Path) -> Option<Claim>;
    /// What it reads, for "not a file iaclint reads (expected …)".
    fn describe(&self) -> &'static str;
    /// Whether the text is this format after all (JSON/YAML is a CloudFormation template only
    /// when its content says so); the error says what is missing. Accepts everything by default.
    fn sniff(&self, _path: &str, _text: &str) -> Result<(), &'static str> {
        Ok(())
    }
    /// How its files group into units.
    fn unit(&self) -> Unit {
        Unit::Alone
    }
    /// Builds one unit (one file, or a directory's files sorted by id) into a fragment; files that
    /// cannot be parsed are errors, and a unit that cannot be built at all has no fragment.
    fn build(&self, sources: &Sources, ids: &[FileId]) -> (Option<Fragment>, Vec<InputError>);
    /// Whether the file can hold line comments (where suppressions are written): not JSON.
    /// Cheap: decided from the name and the first characters.
    fn has_line_comments(&self, _path: &str, _text: &str) -> bool {
        true
    }
    /// The byte ranges of the line comments of `text`, never inside strings.
    fn line_comments(&self, text: &str) -> Vec<Range<usize>>;
}

/// A list of front ends in precedence order: the first that claims a file reads it.
pub struct FrontEnds(pub &'static [&'static dyn FrontEnd]);

impl FrontEnds {
    /// The front end that reads `path` and how it claims it.
    pub fn claim(&self, path: &Path) -> Option<(&'static dyn FrontEnd, Claim)> {
        self.0.iter().find_map(|f| f.claims(path).map(|c| (*f, c)))
    }

    /// The front end that reads `path` when it is walked (not only named).
    pub fn walked(&self, path: &Path) -> Option<&'static dyn FrontEnd> {
        match self.claim(path) {
            Some((f, Claim::Always)) => Some(f),
            _ => None,
        }
    }

    /// The front end that reads `path` (walked or named).
    pub fn for_path(&self, path: &str) -> Option<&'static dyn FrontEnd> {
        self.claim(Path::new(path)).map(|(f, _)| f)
    }

    /// "not a file iaclint reads (expected …)", listing what each front end reads.
    pub fn not_read_message(&self) -> String {
        let what: Vec<&str> = self.0.iter().map(|f| f.describe()).collect();
        let expected = match what.split_last() {
            Some((last, rest)) if !rest.is_empty() => format!("{}, or {last}", rest.join(", ")),
            Some((last, _)) => last.to_string(),
            None => String::new(),
        };
        format!("not a file iaclint reads (expected {expected})")
    }

    /// Groups `ids` into units and builds them in parallel (one unit's syntax trees at a time per
    /// thread, dropped once its fragment is built), then merges the fragments: directory units
    /// first, by directory, then files alone, in `ids` order. Parse errors go to `errors`;
    /// problems in files that were still linted (an exceeded limit) are returned apart, so the
    /// caller can still read those files' suppression comments.
    pub fn build_graph(
        &self,
        sources: &Sources,
        ids: &[FileId],
        errors: &mut Vec<InputError>,
    ) -> (ResourceGraph, Vec<InputError>) {
        type Units = Vec<(&'static dyn FrontEnd, Vec<FileId>)>;
        let mut dirs: BTreeMap<(String, usize), Vec<FileId>> = BTreeMap::new();
        let mut alone: Units = Vec::new();
        for id in ids {
            let path = &sources.get(*id).path;
            let Some((index, fe)) = self
                .0
                .iter()
                .enumerate()
                .find(|(_, f)| f.claims(Path::new(path)).is_some())
            else {
                continue;
            };
            match fe.unit() {
                Unit::Alone => alone.push((*fe, vec![*id])),
                Unit::Directory => dirs.entry((dir_of(path), index)).or_default().push(*id),
            }
        }
        let units: Units = dirs
            .into_iter()
            .map(|((_, index), ids)| (self.0[index], ids))
            .chain(alone)
            .collect();
        let built: Vec<(Option<Fragment>, Vec<InputError>)> = units
            .into_par_iter()
            .map(|(fe, ids)| fe.build(sources, &ids))
            .collect();
        let mut builder = GraphBuilder::new();
        let mut diagnostics = Vec::new();
        for (fragment, errs) in built {
            errors.extend(errs);
            if let Some(mut fragment) = fragment {
                diagnostics.append(&mut fragment.diagnostics);
                builder.add(fragment);
            }
        }
        (builder.finish(), diagnostics)
    }
}

/// The directory of a display path (`.` for a bare file name): what a [`Unit::Directory`] groups by.
pub fn dir_of(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => path[..i].to_string(),
        None => ".".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;
    use std::sync::Arc;

    use super::*;
    use crate::graph::{Node, NodeKind, NodeMeta};
    use crate::source::{SourceFile, Span};
    use crate::value::{Spanned, Val};

    /// A front end for `*.fake` files: one `fake_thing` node per non-empty line, `;` comments.
    struct Fake;

    impl FrontEnd for Fake {
        fn name(&self) -> &'static str {
            "fake"
        }
        fn dialect(&self) -> Format {
            Format::Terraform
        }
        fn claims(&self, path: &Path) -> Option<Claim> {
            path.extension()
                .is_some_and(|e| e == "fake")
                .then_some(Claim::Always)
        }
        fn describe(&self) -> &'static str {
            "*.fake"
        }
        fn build(&self, sources: &Sources, ids: &[FileId]) -> (Option<Fragment>, Vec<InputError>) {
            let mut nodes = Vec::new();
            for id in ids {
                let file = sources.get(*id);
                let mut at = 0;
                for line in file.text.split_inclusive('\n') {
                    let name = line.split(';').next().unwrap_or("").trim();
                    if !name.is_empty() {
                        let span = Span::new(*id, at..at + line.trim_end().len());
                        nodes.push(Node {
                            id: crate::graph::NodeId(0),
                            format: self.dialect(),
                            kind: NodeKind::Resource,
                            type_name: "fake_thing".into(),
                            name: name.into(),
                            address: format!("fake_thing.{name}"),
                            module: dir_of(&file.path),
                            file: *id,
                            span,
                            header: span,
                            attrs: Spanned::new(Val::Object(Box::default()), Some(span)),
                            meta: NodeMeta::default(),
                        });
                    }
                    at += line.len();
                }
            }
            let fragment = Fragment {
                nodes,
                ..Fragment::default()
            };
            (Some(fragment), Vec::new())
        }
        fn line_comments(&self, text: &str) -> Vec<Range<usize>> {
            let mut out = Vec::new();
            let mut at = 0;
            for line in text.split_inclusive('\n') {
                if let Some(i) = line.find(';') {
                    out.push(at + i..at + line.trim_end().len());
                }
                at += line.len();
            }
            out
        }
    }

    static FAKE: Fake = Fake;
    /// The built-in front ends plus one registration line.
    static WITH_FAKE: FrontEnds = FrontEnds(&[
        &crate::terraform::FRONT_END,
        &crate::workflow::FRONT_END,
        &crate::cloudformation::FRONT_END,
        &FAKE,
    ]);

    #[test]
    fn a_new_front_end_is_one_module_and_one_registration_line() {
        let (fe, claim) = WITH_FAKE.claim(Path::new("x/a.fake")).unwrap();
        assert_eq!((fe.name(), claim), ("fake", Claim::Always));
        assert!(
            crate::inputs::FRONT_ENDS
                .claim(Path::new("x/a.fake"))
                .is_none()
        );
        assert!(WITH_FAKE.not_read_message().ends_with(", or *.fake)"));
        let mut sources = Sources::new();
        let add = |sources: &mut Sources, path: &str, text: &str| {
            sources.add(SourceFile::new(
                path.into(),
                PathBuf::from(path),
                Arc::from(text),
            ))
        };
        let ids = vec![
            add(&mut sources, "x/a.fake", "alpha ; first\nbeta\n"),
            add(
                &mut sources,
                "x/main.tf",
                "resource \"aws_s3_bucket\" \"b\" {}\n",
            ),
        ];
        let mut errors = Vec::new();
        let (graph, diagnostics) = WITH_FAKE.build_graph(&sources, &ids, &mut errors);
        assert!(errors.is_empty() && diagnostics.is_empty(), "{errors:?}");
        let mut addresses: Vec<&str> = graph.nodes.iter().map(|n| n.address.as_str()).collect();
        addresses.sort();
        assert_eq!(
            addresses,
            ["aws_s3_bucket.b", "fake_thing.alpha", "fake_thing.beta"]
        );
        assert_eq!(graph.of_type(Format::Terraform, "fake_thing").len(), 2);
        let comments = FAKE.line_comments(&sources.get(ids[0]).text);
        assert_eq!(comments.len(), 1);
        assert_eq!(comments[0], 6..13);
    }

    #[test]
    fn the_first_front_end_that_claims_a_file_reads_it() {
        let fe = |p: &str| {
            crate::inputs::FRONT_ENDS
                .claim(Path::new(p))
                .map(|(f, c)| (f.name(), c))
        };
        assert_eq!(fe("main.tf"), Some(("terraform", Claim::Always)));
        assert_eq!(fe("prod.tfvars"), Some(("terraform", Claim::Named)));
        assert_eq!(
            fe(".github/workflows/ci.yml"),
            Some(("workflow", Claim::Always))
        );
        assert_eq!(fe("stack.yaml"), Some(("cloudformation", Claim::Always)));
        assert_eq!(fe("package.json"), Some(("cloudformation", Claim::Named)));
        assert_eq!(fe("README.md"), None);
    }

    #[test]
    fn a_named_json_file_that_is_never_a_template_is_reported_as_not_one() {
        // `package.json` named explicitly used to be parsed as HCL (a Terraform syntax error).
        let registry = crate::rules::Registry::builtin().unwrap();
        let inputs = vec![
            (
                "package.json".to_string(),
                "{\"name\": \"x\"}\n".to_string(),
            ),
            ("prod.tfvars".to_string(), "region = \"x\"\n".to_string()),
        ];
        let report = crate::lint::lint_sources(inputs, &registry, &Default::default()).unwrap();
        let errors: Vec<(&str, &str)> = report
            .errors
            .iter()
            .map(|e| (e.path.as_str(), e.message.as_str()))
            .collect();
        assert_eq!(errors.len(), 1, "{errors:?}");
        assert_eq!(errors[0].0, "package.json");
        assert!(
            errors[0].1.starts_with("not a CloudFormation template"),
            "{errors:?}"
        );
    }
}
