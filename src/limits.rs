//! The limits that keep hostile input bounded, in one place.
//!
//! Every file a pull request adds is untrusted: a limit bounds the *work* done for one file (or one
//! Terraform module) before anything is allocated for it, and exceeding it is a located error that
//! names the limit and its `.iaclint.toml` key (`[limits]`); the rest of the input is still linted.
//!
//! | key                 | default  | bounds                                                       |
//! |---------------------|----------|--------------------------------------------------------------|
//! | `file-bytes`        | 10 MiB   | size of a file read (and of stdin / an editor buffer)        |
//! | `nesting-depth`     | 128      | bracket/mapping nesting of JSON, YAML and HCL (at most 128)  |
//! | `yaml-alias-values` | 100 000  | values YAML aliases (and `<<` merge keys) expand to, per file |
//! | `string-bytes`      | 4 MiB    | longest string evaluation builds (Join, Sub, format, ...)    |
//! | `eval-bytes`        | 32 MiB   | bytes of strings evaluation builds or copies (and YAML alias expansion copies), per file/module |
//! | `eval-values`       | 250 000  | values copied out of parameters, mappings, locals, per file/module |
//! | `reference-depth`   | 16       | hops followed when chasing references (at most 64)           |
//! | `related-labels`    | 100      | related locations kept on one finding                        |
//!
//! Terraform counts `eval-values` as a weight (one per value plus one per 16 bytes of string). A
//! YAML file may hold at most a million values in all (`cloudformation::MAX_NODES`, not
//! configurable).
//!
//! # Across threads
//!
//! Files are parsed and evaluated in parallel (one rayon thread per core, or `RAYON_NUM_THREADS`),
//! so the memory in flight is at most *threads × per-file work*. The per-file defaults are sized so
//! that this product stays bounded on a large runner: a file's evaluation keeps at most
//! `eval-bytes` of built strings (plus one string being built, at most `string-bytes`, whose size
//! is computed before it is allocated), and alias expansion at most `yaml-alias-values` values
//! (about 200 bytes each): about 60 MB per file in the worst case, under 1 GB with 16 threads
//! next to the 10 MiB files themselves. Raising a per-file limit raises the total by the thread
//! count; lower `RAYON_NUM_THREADS` when you raise them.
//!
//! The limits of a run come in its settings ([`crate::lint::Settings::limits`], from the
//! config): the engine and the file reader take them from there. The front ends' parsers and
//! evaluators still read them from a process-wide value ([`current`]), installed by the lint entry
//! points from those settings when a run starts ([`install`]); the CLI and the language server run
//! one lint at a time.

use std::sync::RwLock;

/// Work bounds for one run; see the module docs for what each bounds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// `file-bytes`: largest file read.
    pub file_bytes: u64,
    /// `nesting-depth`: deepest nesting parsed (never above [`MAX_NESTING_DEPTH`]).
    pub nesting_depth: usize,
    /// `yaml-alias-values`: values YAML aliases may expand to in one file.
    pub yaml_alias_values: usize,
    /// `string-bytes`: longest string built by evaluation.
    pub string_bytes: usize,
    /// `eval-bytes`: bytes of strings built or copied by evaluation per file or module.
    pub eval_bytes: usize,
    /// `eval-values`: values copied by evaluation per file or module.
    pub eval_values: usize,
    /// `reference-depth`: hops followed when chasing references.
    pub reference_depth: usize,
    /// `related-labels`: related locations kept on one finding.
    pub related_labels: usize,
}

/// The deepest nesting the parsers are known to handle on a 2 MiB thread stack; `nesting-depth`
/// may lower it, never raise it.
pub const MAX_NESTING_DEPTH: usize = 128;

/// The most hops `reference-depth` may allow (checks recurse once per hop).
pub const MAX_REFERENCE_DEPTH: usize = 64;

impl Limits {
    /// The defaults (safe for untrusted input with 16 threads).
    pub const DEFAULT: Limits = Limits {
        file_bytes: 10 * 1024 * 1024,
        nesting_depth: MAX_NESTING_DEPTH,
        yaml_alias_values: 100_000,
        string_bytes: 4 << 20,
        eval_bytes: 32 << 20,
        eval_values: 250_000,
        reference_depth: 16,
        related_labels: 100,
    };

    /// The configuration keys (under `[limits]`), in the order of the module docs.
    pub const KEYS: [&'static str; 8] = [
        "file-bytes",
        "nesting-depth",
        "yaml-alias-values",
        "string-bytes",
        "eval-bytes",
        "eval-values",
        "reference-depth",
        "related-labels",
    ];

    /// Sets the limit named by config `key` to `value`; an error when the key is unknown or the
    /// value is out of range.
    pub fn set(&mut self, key: &str, value: u64) -> Result<(), LimitError> {
        let as_usize = |v: u64| {
            usize::try_from(v).map_err(|_| LimitError::TooLarge {
                key: key.to_string(),
            })
        };
        if value == 0 {
            return Err(LimitError::Zero {
                key: key.to_string(),
            });
        }
        match key {
            "file-bytes" => self.file_bytes = value,
            "nesting-depth" => {
                if value > MAX_NESTING_DEPTH as u64 {
                    return Err(LimitError::NestingDepth);
                }
                self.nesting_depth = as_usize(value)?;
            }
            "yaml-alias-values" => self.yaml_alias_values = as_usize(value)?,
            "string-bytes" => self.string_bytes = as_usize(value)?,
            "eval-bytes" => self.eval_bytes = as_usize(value)?,
            "eval-values" => self.eval_values = as_usize(value)?,
            "reference-depth" => {
                if value > MAX_REFERENCE_DEPTH as u64 {
                    return Err(LimitError::ReferenceDepth);
                }
                self.reference_depth = as_usize(value)?;
            }
            "related-labels" => self.related_labels = as_usize(value)?,
            _ => {
                return Err(LimitError::UnknownKey {
                    key: key.to_string(),
                });
            }
        }
        Ok(())
    }
}

/// A `[limits]` entry that cannot be set.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    /// No limit has this key.
    #[error("unknown limit `{key}` (known: {})", Limits::KEYS.join(", "))]
    UnknownKey {
        /// The key as written.
        key: String,
    },
    /// Zero (or negative) for a limit.
    #[error("`{key}` must be at least 1")]
    Zero {
        /// The key.
        key: String,
    },
    /// More than this platform's `usize`.
    #[error("`{key}` is too large")]
    TooLarge {
        /// The key.
        key: String,
    },
    /// `nesting-depth` above [`MAX_NESTING_DEPTH`].
    #[error(
        "`nesting-depth` can be at most {MAX_NESTING_DEPTH} (deeper nesting could overflow the \
         stack)"
    )]
    NestingDepth,
    /// `reference-depth` above [`MAX_REFERENCE_DEPTH`].
    #[error(
        "`reference-depth` can be at most {MAX_REFERENCE_DEPTH} (each hop is a recursive check)"
    )]
    ReferenceDepth,
}

impl Default for Limits {
    fn default() -> Self {
        Limits::DEFAULT
    }
}

/// How an exceeded limit is named in an error: `` (limit `[limits] key` in .iaclint.toml) ``.
pub fn hint(key: &str) -> String {
    format!("(limit `{key}` under `[limits]` in .iaclint.toml)")
}

static CURRENT: RwLock<Limits> = RwLock::new(Limits::DEFAULT);

/// Installs `limits` for the runs that follow.
pub fn install(limits: Limits) {
    match CURRENT.write() {
        Ok(mut g) => *g = limits,
        Err(poisoned) => *poisoned.into_inner() = limits,
    }
}

/// The limits in force.
pub fn current() -> Limits {
    match CURRENT.read() {
        Ok(g) => *g,
        Err(poisoned) => *poisoned.into_inner(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_checks_keys_and_ranges() {
        let mut l = Limits::default();
        l.set("related-labels", 5).unwrap();
        assert_eq!(l.related_labels, 5);
        assert_eq!(l.set("nesting-depth", 129), Err(LimitError::NestingDepth));
        assert!(
            l.set("nesting-depth", 129)
                .unwrap_err()
                .to_string()
                .contains("at most 128")
        );
        assert!(
            l.set("string-bytes", 0)
                .unwrap_err()
                .to_string()
                .contains("at least 1")
        );
        assert_eq!(
            l.set("bogus", 1),
            Err(LimitError::UnknownKey {
                key: "bogus".into()
            })
        );
        for k in Limits::KEYS {
            l.set(k, 1).unwrap();
        }
    }
}
