//! STUB (replaced by the terraform branch).
#![allow(missing_docs, unused)]
use crate::finding::InputError;
use crate::graph::Fragment;
use crate::source::{FileId, SourceFile};
pub fn parse_file(id: FileId, file: &SourceFile) -> Result<hcl_edit::structure::Body, InputError> { hcl_edit::parser::parse_body(&file.text).map_err(|e| InputError { path: file.path.clone(), span: None, message: e.to_string() }) }
pub struct ModuleInput<'a> { pub dir: String, pub files: Vec<(FileId, &'a SourceFile, hcl_edit::structure::Body)>, pub tfvars: Vec<(FileId, &'a SourceFile, hcl_edit::structure::Body)> }
pub fn build_module(input: &ModuleInput) -> Fragment { Fragment::default() }
