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
use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::lint::Report;

/// The largest baseline file read.
pub const MAX_BYTES: u64 = 64 * 1024 * 1024;

/// The baseline format version.
pub const VERSION: u32 = 1;

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
    pub fn load(path: &Path) -> Result<Baseline, String> {
        let shown = path.display();
        let bytes = crate::fsread::read_regular(path, MAX_BYTES, crate::fsread::Symlinks::Follow)
            .map_err(|e| format!("cannot read the baseline {shown}: {e}"))?;
        let text = String::from_utf8(bytes)
            .map_err(|_| format!("cannot read the baseline {shown}: not UTF-8 text"))?;
        let b: Baseline = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{shown}:{}:{}: not a baseline file: {e}",
                e.line(),
                // serde_json says column 0 for an error before the first character of a line.
                e.column().max(1)
            )
        })?;
        if b.version != VERSION {
            return Err(format!(
                "{shown}: baseline version {} is not supported (expected {VERSION})",
                b.version
            ));
        }
        Ok(b)
    }

    /// Writes the baseline as pretty JSON with a trailing newline.
    pub fn write(&self, path: &Path) -> Result<(), String> {
        let mut text = serde_json::to_string_pretty(self).map_err(|e| e.to_string())?;
        text.push('\n');
        std::fs::write(path, text)
            .map_err(|e| format!("cannot write the baseline {}: {e}", path.display()))
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
