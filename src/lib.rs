//! iaclint: a static policy linter for infrastructure as code.
//!
//! The pipeline is `discover → parse → graph → policies → rules → report`; each stage is one
//! module with a small public surface:
//!
//! - [`discover`] walks paths (reading files through [`fsread`], tracked paths from
//!   [`gitindex`]); [`source`] keeps each file's text once;
//! - front ends — [`terraform`], [`cloudformation`], [`workflow`] — each implement
//!   [`frontend::FrontEnd`] (which files, which units, which comments) and are listed once in
//!   [`inputs::FRONT_ENDS`]; they parse their formats (JSON/YAML through the shared spanned
//!   readers of [`syntax`]) into graph [`graph::Fragment`]s with evaluated, spanned values, and
//!   import nothing from rules or suppressions;
//! - [`graph`] merges them into one [`graph::ResourceGraph`] with a reverse index;
//! - [`policy`] normalizes IAM policy documents and answers "is this allowed?";
//! - [`rules`] loads the declarative rule pack (and its few code rules); [`eval`] is the
//!   three-valued evaluator of its conditions; [`engine`] runs the pack and builds findings;
//! - [`suppress`] reads suppressions (comments, CloudFormation metadata) into the data of
//!   [`suppression`], which the graph carries; [`config`] and [`baseline`] also decide what is
//!   reported; [`filepath`] holds the path helpers discovery, config and renderers share;
//! - [`report`] renders findings; [`lint`] runs the whole pipeline; [`run`] is one run as the
//!   CLI and [`lsp`] (which serves editors) do it: config, rule selection, baseline, exit category.

#![warn(missing_docs)]

pub mod baseline;
pub mod cloudformation;
pub mod config;
pub mod discover;
pub mod engine;
pub mod eval;
pub mod filepath;
pub mod finding;
pub mod frontend;
pub mod fsread;
pub mod gitindex;
pub mod graph;
pub mod harness;
pub mod iam_catalog;
pub mod inputs;
pub mod limits;
pub mod lint;
pub mod lsp;
pub mod path;
pub mod policy;
pub mod report;
pub mod rules;
pub mod run;
pub mod source;
pub mod suggest;
pub mod suppress;
pub mod suppression;
pub mod syntax;
pub mod terraform;
pub mod value;
pub mod workflow;
