//! Baselines: the findings a project accepts for now, so only new ones are reported.
//!
//! `--write-baseline FILE` records the findings of a run; `--baseline FILE` drops the findings
//! whose fingerprint ([`Finding::fingerprint`](crate::finding::Finding::fingerprint)) the file
//! lists. Fingerprints hash the rule, the file path (as displayed, relative to the current
//! directory), the resource and the flagged text, never line numbers: run iaclint from the same
//! directory when writing and using a baseline.
//!
//! ```json
//! {"version": 1, "findings": [{"fingerprint": "…", "rule_id": "…", "file": "…", "resource": "…"}]}
//! ```

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::report::Report;

/// The largest baseline file read.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The baseline format version.
pub const VERSION: u32 = 1;

/// A baseline that cannot be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    /// The file cannot be read (missing, not a regular file, too large).
    #[error("cannot read the baseline {}: {source}", .path.display())]
    Read {
        /// The baseline file.
        path: PathBuf,
        /// Why.
        source: crate::fsread::ReadFailure,
    },
    /// The file is not UTF-8.
    #[error("cannot read the baseline {}: not UTF-8 text", .path.display())]
    NotUtf8 {
        /// The baseline file.
        path: PathBuf,
    },
    /// The file is not baseline JSON.
    #[error("{}:{line}:{column}: not a baseline file: {source}", .path.display())]
    Invalid {
        /// The baseline file.
        path: PathBuf,
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The JSON error.
        source: serde_json::Error,
    },
    /// Another format version.
    #[error(
        "{}: baseline version {found} is not supported (expected {VERSION})",
        .path.display()
    )]
    Version {
        /// The baseline file.
        path: PathBuf,
        /// The version it has.
        found: u32,
    },
    /// The file cannot be written.
    #[error("cannot write the baseline {}: {source}", .path.display())]
    Write {
        /// The baseline file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
}

/// A baseline file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    /// Always [`VERSION`].
    pub version: u32,
    /// Sorted by file, rule, resource, fingerprint.
    pub findings: Vec<Entry>,
}

/// One accepted finding. Only the fingerprint is matched; the rest is for people reading it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    /// What is matched.
    pub fingerprint: String,
    /// The rule.
    pub rule_id: String,
    /// The file, as displayed.
    pub file: String,
    /// The resource.
    pub resource: String,
}

impl Baseline {
    /// The findings of `report`, sorted and deduplicated.
    pub fn from_report(report: &Report) -> Baseline {
        let mut findings: Vec<Entry> = report
            .findings
            .iter()
            .map(|f| Entry {
                fingerprint: f.fingerprint(&report.sources),
                rule_id: f.rule_id.clone(),
                file: report.sources.get(f.primary.span.file).path.clone(),
                resource: f.resource.clone(),
            })
            .collect();
        findings.sort_by(|a, b| {
            (&a.file, &a.rule_id, &a.resource, &a.fingerprint).cmp(&(
                &b.file,
                &b.rule_id,
                &b.resource,
                &b.fingerprint,
            ))
        });
        findings.dedup();
        Baseline {
            version: VERSION,
            findings,
        }
    }

    /// Reads a baseline file; a missing file, invalid JSON or another version is an error.
    pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
        let bytes = crate::fsread::read_regular(path, MAX_BYTES, crate::fsread::Symlinks::Follow)
            .map_err(|source| BaselineError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        let text = String::from_utf8(bytes).map_err(|_| BaselineError::NotUtf8 {
            path: path.to_path_buf(),
        })?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| BaselineError::Invalid {
            path: path.to_path_buf(),
            line: e.line(),
            // serde_json says column 0 for an error before the first character of a line.
            column: e.column().max(1),
            source: e,
        })?;
        if b.version != VERSION {
            return Err(BaselineError::Version {
                path: path.to_path_buf(),
                found: b.version,
            });
        }
        Ok(b)
    }

    /// Writes the baseline as pretty JSON with a trailing newline.
    pub fn write(&self, path: &Path) -> Result<(), BaselineError> {
        let write_error = |source| BaselineError::Write {
            path: path.to_path_buf(),
            source,
        };
        let mut text = serde_json::to_string_pretty(self).map_err(|e| write_error(e.into()))?;
        text.push('\n');
        std::fs::write(path, text).map_err(write_error)
    }

    /// Drops the findings of `report` this baseline lists and counts them in
    /// `report.baselined`.
    pub fn apply(&self, report: &mut Report) {
        let known: BTreeSet<&str> = self
            .findings
            .iter()
            .map(|e| e.fingerprint.as_str())
            .collect();
        let before = report.findings.len();
        let sources = &report.sources;
        report
            .findings
            .retain(|f| !known.contains(f.fingerprint(sources).as_str()));
        report.baselined += before - report.findings.len();
    }
}
