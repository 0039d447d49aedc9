//! Findings, severities and input errors: what a run produces, independent of any output format.

use std::fmt;
use std::str::FromStr;

use crate::source::Span;

/// How bad a finding is. Ordered: `Info < Low < Medium < High < Critical`.
#[derive(
    Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Informational.
    Info,
    /// Low.
    Low,
    /// Medium.
    Medium,
    /// High.
    High,
    /// Critical.
    Critical,
}

impl Severity {
    /// The lowercase name.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Severity {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "info" => Ok(Severity::Info),
            "low" => Ok(Severity::Low),
            "medium" => Ok(Severity::Medium),
            "high" => Ok(Severity::High),
            "critical" => Ok(Severity::Critical),
            _ => Err(format!(
                "unknown severity `{s}` (expected critical, high, medium, low or info)"
            )),
        }
    }
}

/// A span with a message, shown as a label under the source.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Label {
    /// Where.
    pub span: Span,
    /// What to say there.
    pub message: String,
}

/// One problem found by one rule at one place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    /// The rule's stable id.
    pub rule_id: String,
    /// Severity (after any override).
    pub severity: Severity,
    /// One-sentence message.
    pub message: String,
    /// The most specific span that explains the finding.
    pub primary: Label,
    /// Secondary labels, possibly in other files.
    pub related: Vec<Label>,
    /// The resource the finding is about (`aws_ecs_service.api`).
    pub resource: String,
    /// How to fix it.
    pub help: String,
    /// CDK construct path when the resource comes from a CDK template.
    pub cdk_path: Option<String>,
    /// The resource's header (block type and labels, logical-id key): where a suppression
    /// comment for the whole resource goes. `None` for findings about suppressions themselves.
    pub resource_header: Option<Span>,
    /// 0 for the first finding of this rule with the same file, resource and primary text, 1 for
    /// the next (in position order), ...: keeps fingerprints distinct when a resource repeats the
    /// same mistake (two statements with `Resource = "*"`).
    pub occurrence: usize,
}

/// A file that could not be read or parsed. The run goes on with the other files.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InputError {
    /// Path as displayed.
    pub path: String,
    /// Location in the file, when the error has one (and the file was read).
    pub span: Option<Span>,
    /// What went wrong, and what to do when that is not obvious.
    pub message: String,
}

impl Finding {
    /// A fingerprint that identifies this finding across runs: it hashes the rule, the file, the
    /// resource and the text under the primary label, never line numbers, so adding unrelated
    /// lines above a finding does not change it.
    pub fn fingerprint(&self, sources: &crate::source::Sources) -> String {
        let file = sources.get(self.primary.span.file);
        let text = file.slice(self.primary.span);
        let normalized: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let mut h = Fnv64::new();
        for part in [
            self.rule_id.as_str(),
            file.path.as_str(),
            self.resource.as_str(),
            &normalized,
        ] {
            h.write(part.as_bytes());
            h.write(&[0]);
        }
        if self.occurrence > 0 {
            h.write(&self.occurrence.to_le_bytes());
        }
        format!("{:016x}", h.0)
    }
}

/// FNV-1a, 64-bit: stable across Rust versions and platforms (unlike `DefaultHasher`).
struct Fnv64(u64);

impl Fnv64 {
    fn new() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}
