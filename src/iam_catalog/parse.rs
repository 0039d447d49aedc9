//! Reading the table `tools/iam-catalog/generate.py` writes: tab-separated lines, a header
//! (`source`, `version`, ..., `G` global keys, `D` service directory) up to `---`, then one block
//! per service (`S` line, `K` condition keys, `R` resource types, `A` actions, sorted by name).

use std::sync::OnceLock;

use super::{Catalog, ConditionKey, DataSource, Service};

const FORMAT_LINE: &str = "#iaclint-aws-iam-catalog 1";

/// A malformed catalog table.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CatalogError {
    /// The first line is not the format marker this reader understands.
    #[error("not an iaclint IAM catalog (version 1): first line is {found:?}")]
    Format {
        /// The first line found.
        found: String,
    },
    /// A header field is missing.
    #[error("IAM catalog header has no `{field}` line")]
    MissingField {
        /// The field's name.
        field: &'static str,
    },
    /// A line could not be read.
    #[error("IAM catalog line {line}: {reason}: {text:?}")]
    Line {
        /// 1-based line number (within the header, or within the service's block).
        line: usize,
        /// What is wrong.
        reason: &'static str,
        /// The line.
        text: String,
    },
    /// A record of a service's block refers to a resource type or condition key the block does
    /// not define.
    #[error("IAM catalog service `{service}`, `{record}`: {reason}")]
    Reference {
        /// The service prefix.
        service: String,
        /// The action or resource type holding the reference.
        record: String,
        /// What is wrong.
        reason: &'static str,
    },
    /// A directory entry points outside the table or not at its service's block.
    #[error("IAM catalog directory entry for `{prefix}` does not point at its block")]
    Directory {
        /// The service prefix.
        prefix: String,
    },
}

#[derive(Debug)]
pub(super) struct ServiceData<'a> {
    pub(super) name: &'a str,
    pub(super) keys: Vec<ConditionKey<'a>>,
    pub(super) resources: Vec<ResourceDef<'a>>,
    pub(super) actions: Vec<ActionDef<'a>>,
}

#[derive(Debug)]
pub(super) struct ResourceDef<'a> {
    pub(super) name: &'a str,
    pub(super) arn: &'a str,
    /// Condition key indices, `1,4` (read by [`indices`]).
    pub(super) keys: &'a str,
}

/// An action as its line holds it: the lists stay text until asked for, so parsing a service is
/// one pass of `split` (all 456 services at once: ~5 ms, see `benches/catalog.rs`).
#[derive(Debug)]
pub(super) struct ActionDef<'a> {
    pub(super) name: &'a str,
    /// Access level codes (`R`, `PW`), see `AccessLevel::from_code`.
    pub(super) levels: &'a str,
    /// Resource type references, `5,9*=2.4` (read by [`action_resources`]).
    pub(super) resources: &'a str,
    /// Condition key indices, `7,8`.
    pub(super) keys: &'a str,
}

fn line_error(line: usize, reason: &'static str, text: &str) -> CatalogError {
    CatalogError::Line {
        line,
        reason,
        text: text.chars().take(200).collect(),
    }
}

pub(super) fn catalog(text: &str) -> Result<Catalog<'_>, CatalogError> {
    let mut lines = text.split_inclusive('\n');
    let first = lines
        .next()
        .unwrap_or_default()
        .trim_end_matches(['\n', '\r']);
    if first != FORMAT_LINE {
        return Err(CatalogError::Format {
            found: first.chars().take(80).collect(),
        });
    }
    let mut offset = first.len() + 1;
    let (mut package, mut version, mut date, mut license, mut copyright) =
        (None, None, None, None, None);
    let mut globals = Vec::new();
    let mut directory = Vec::new();
    let mut body_start = None;
    for (n, raw) in lines.enumerate() {
        offset += raw.len();
        let line = raw.trim_end_matches('\n');
        if line == "---" {
            body_start = Some(offset);
            break;
        }
        let fields: Vec<&str> = line.split('\t').collect();
        match fields.as_slice() {
            ["source", v] => package = Some(*v),
            ["version", v] => version = Some(*v),
            ["date", v] => date = Some(*v),
            ["license", v] => license = Some(*v),
            ["copyright", v] => copyright = Some(*v),
            ["G", name, value_type] => globals.push(ConditionKey { name, value_type }),
            ["D", prefix, start, len] => {
                let start: usize = start
                    .parse()
                    .map_err(|_| line_error(n + 2, "bad offset", line))?;
                let len: usize = len
                    .parse()
                    .map_err(|_| line_error(n + 2, "bad length", line))?;
                directory.push((*prefix, start, len));
            }
            [key, ..] if !key.is_empty() && key.bytes().all(|b| b.is_ascii_lowercase()) => {}
            _ => return Err(line_error(n + 2, "unknown header line", line)),
        }
    }
    let body = &text[body_start.ok_or(CatalogError::MissingField { field: "---" })?..];
    let mut services: Vec<Service<'_>> = Vec::with_capacity(directory.len());
    for (prefix, start, len) in directory {
        let bad = || CatalogError::Directory {
            prefix: prefix.to_string(),
        };
        let block = start
            .checked_add(len)
            .and_then(|end| body.get(start..end))
            .ok_or_else(bad)?;
        let head = block.split('\t').take(2).collect::<Vec<_>>();
        if head != ["S", prefix] {
            return Err(bad());
        }
        if let Some(last) = services.last()
            && last.prefix >= prefix
        {
            return Err(bad());
        }
        services.push(Service {
            prefix,
            block,
            data: OnceLock::new(),
        });
    }
    Ok(Catalog {
        source: DataSource {
            package: package.ok_or(CatalogError::MissingField { field: "source" })?,
            version: version.ok_or(CatalogError::MissingField { field: "version" })?,
            date: date.ok_or(CatalogError::MissingField { field: "date" })?,
            license: license.ok_or(CatalogError::MissingField { field: "license" })?,
            copyright: copyright.ok_or(CatalogError::MissingField { field: "copyright" })?,
        },
        globals,
        services,
    })
}

/// Parses one service block: one line per record, fields split, actions in order. Index lists
/// are read when used; [`check_service`] validates them (the test of the embedded table does).
pub(super) fn service(block: &str) -> Result<ServiceData<'_>, CatalogError> {
    let mut data = ServiceData {
        name: "",
        keys: Vec::new(),
        resources: Vec::new(),
        actions: Vec::new(),
    };
    for (n, line) in block.lines().enumerate() {
        let n = n + 1;
        let mut fields = line.split('\t');
        let kind = fields.next().unwrap_or_default();
        let mut field = || fields.next();
        match kind {
            "S" if n == 1 => {
                let (Some(_prefix), Some(name)) = (field(), field()) else {
                    return Err(line_error(n, "bad service line", line));
                };
                data.name = name;
            }
            "K" => {
                let (Some(name), Some(value_type)) = (field(), field()) else {
                    return Err(line_error(n, "bad condition key line", line));
                };
                data.keys.push(ConditionKey { name, value_type });
            }
            "R" => {
                let (Some(name), Some(arn), Some(keys)) = (field(), field(), field()) else {
                    return Err(line_error(n, "bad resource type line", line));
                };
                data.resources.push(ResourceDef { name, arn, keys });
            }
            "A" => {
                let (Some(name), Some(levels), Some(resources), Some(keys)) =
                    (field(), field(), field(), field())
                else {
                    return Err(line_error(n, "bad action line", line));
                };
                if levels.is_empty()
                    || !levels
                        .bytes()
                        .all(|b| super::AccessLevel::from_code(b).is_some())
                {
                    return Err(line_error(n, "bad access level", line));
                }
                if let Some(prev) = data.actions.last()
                    && super::cmp_ignore_case(prev.name, name).is_ge()
                {
                    return Err(line_error(n, "actions out of order", line));
                }
                data.actions.push(ActionDef {
                    name,
                    levels,
                    resources,
                    keys,
                });
            }
            _ => return Err(line_error(n, "unknown line", line)),
        }
    }
    Ok(data)
}

/// Checks every index list of a parsed service: resource type and condition key references in
/// range, well-formed.
pub(super) fn check_service(prefix: &str, data: &ServiceData<'_>) -> Result<(), CatalogError> {
    let bad = |reason: &'static str, record: &str| CatalogError::Reference {
        service: prefix.to_string(),
        record: record.to_string(),
        reason,
    };
    let keys_ok = |text: &str, sep: char| {
        text.split(sep)
            .filter(|s| !s.is_empty())
            .all(|s| s.parse::<usize>().is_ok_and(|i| i < data.keys.len()))
    };
    for r in &data.resources {
        if !keys_ok(r.keys, ',') {
            return Err(bad("bad condition key index", r.name));
        }
    }
    for a in &data.actions {
        if !keys_ok(a.keys, ',') {
            return Err(bad("bad condition key index", a.name));
        }
        for r in a.resources.split(',').filter(|r| !r.is_empty()) {
            let (head, keys) = r.split_once('=').unwrap_or((r, ""));
            let index = head.strip_suffix('*').unwrap_or(head);
            if !index
                .parse::<usize>()
                .is_ok_and(|i| i < data.resources.len())
            {
                return Err(bad("bad resource type index", a.name));
            }
            if !keys_ok(keys, '.') {
                return Err(bad("bad condition key index", a.name));
            }
        }
    }
    Ok(())
}

/// The indices in `text` (`1,4,7` with `sep` = `,`) below `len`; anything else is skipped
/// ([`check_service`] rejects it in tests).
pub(super) fn indices(text: &str, sep: char, len: usize) -> impl Iterator<Item = usize> + '_ {
    text.split(sep)
        .filter_map(|s| s.parse::<usize>().ok())
        .filter(move |&i| i < len)
}

/// An action's resource type references: (index, required, condition key list `2.4`).
pub(super) fn action_resources(
    text: &str,
    len: usize,
) -> impl ExactSizeIterator<Item = (usize, bool, &str)> + '_ {
    let refs: Vec<(usize, bool, &str)> = text
        .split(',')
        .filter_map(|r| {
            let (head, keys) = r.split_once('=').unwrap_or((r, ""));
            let (index, required) = match head.strip_suffix('*') {
                Some(index) => (index, true),
                None => (head, false),
            };
            let index = index.parse::<usize>().ok().filter(|&i| i < len)?;
            Some((index, required, keys))
        })
        .collect();
    refs.into_iter()
}
