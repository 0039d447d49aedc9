//! What the text of an unknown expression still tells: the literal parts of a template, the ARN
//! attribute of a resource, an account root. (To be replaced by structured unknowns filled by the
//! front ends; kept here unchanged until then.)

/// A regex every value of the unknown expression `expr` matches, when its shape says something:
/// a quoted template (`"${x}/reports/*"` → `^.*/reports/\*$`), or a reference to an ARN
/// attribute (`aws_s3_bucket.data.arn` → `^arn:`). `None` when nothing is known.
pub(crate) fn template_shape(expr: &str) -> Option<regex::Regex> {
    let expr = expr.trim();
    // `${aws_x.y.arn}` alone (heredoc JSON) is the reference itself.
    if let Some(inner) = expr.strip_prefix("${").and_then(|e| e.strip_suffix('}'))
        && !inner.contains('{')
    {
        return template_shape(inner);
    }
    if let Some(inner) = expr
        .strip_prefix('"')
        .and_then(|e| e.strip_suffix('"'))
        .or_else(|| (!expr.starts_with('"') && expr.contains("${")).then_some(expr))
    {
        let mut pattern = String::from("^");
        let mut literal = String::new();
        let mut rest = inner;
        while let Some(i) = rest.find("${").or_else(|| rest.find("%{")) {
            if rest[..i].ends_with('$') || rest[..i].ends_with('%') {
                // `$${` / `%%{` are escapes for a literal `${` / `%{`.
                literal.push_str(&rest[..i - 1]);
                literal.push_str(&rest[i..i + 2]);
                rest = &rest[i + 2..];
                continue;
            }
            literal.push_str(&rest[..i]);
            pattern.push_str(&regex::escape(&unescape(&literal)));
            literal.clear();
            pattern.push_str(".*");
            // Skip to the matching `}`.
            let mut depth = 0usize;
            let mut end = None;
            for (j, c) in rest[i + 1..].char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(i + 1 + j + 1);
                            break;
                        }
                    }
                    _ => {}
                }
            }
            rest = &rest[end?..];
        }
        literal.push_str(rest);
        pattern.push_str(&regex::escape(&unescape(&literal)));
        pattern.push('$');
        return regex::RegexBuilder::new(&pattern)
            .dot_matches_new_line(true)
            .build()
            .ok();
    }
    // CloudFormation `!GetAtt X.Arn` / `{"Fn::GetAtt": ["X", "Arn"]}`: an ARN attribute.
    if expr.contains("GetAtt") {
        let attr = expr
            .trim_end_matches(|c: char| c == '}' || c == ']' || c.is_whitespace() || c == '"')
            .rsplit(['.', '"', ' ', '['])
            .next()
            .unwrap_or("");
        if attr == "Arn" || attr.ends_with("Arn") {
            return regex::Regex::new("^arn:").ok();
        }
        return None;
    }
    let is_reference = expr
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "._-[]\"*".contains(c));
    let last = expr.rsplit('.').next().unwrap_or("");
    if is_reference
        && !expr.starts_with("var.")
        && !expr.starts_with("local.")
        && (last == "arn" || last.ends_with("_arn"))
    {
        return regex::Regex::new("^arn:").ok();
    }
    None
}

/// HCL string escapes that can appear in template literals.
fn unescape(s: &str) -> String {
    s.replace("\\\"", "\"").replace("\\\\", "\\")
}

/// `aws_iam_role.app.arn`, `!GetAtt AppRole.Arn`, `{"Fn::GetAtt": ["AppRole", "Arn"]}`: the ARN
/// of a resource in the configuration (never an account root, unlike
/// `data.aws_caller_identity.current.account_id`).
pub(crate) fn is_principal_resource_arn(expr: &str) -> bool {
    let e = expr.trim().trim_matches('"');
    if e.contains("GetAtt") {
        return e.contains("Arn");
    }
    let parts: Vec<&str> = e.split('.').collect();
    parts.len() == 3
        && parts[0].starts_with("aws_")
        && parts[2] == "arn"
        && e.chars()
            .all(|c| c.is_ascii_alphanumeric() || "._-[]\"".contains(c))
}

pub(crate) fn is_account_root(s: &str) -> bool {
    let s = s.trim().trim_matches('"');
    if s.len() == 12 && s.chars().all(|c| c.is_ascii_digit()) {
        return true;
    }
    // `arn:aws:iam::123456789012:root`, or a template whose partition/account parts are
    // expressions: `arn:aws:iam::${data.aws_caller_identity.current.account_id}:root`,
    // `arn:${AWS::Partition}:iam::${AWS::AccountId}:root`. Interpolations may contain `:`, so
    // they are replaced by a placeholder before splitting.
    let mut flat = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find("${") {
        flat.push_str(&rest[..i]);
        let Some(j) = rest[i..].find('}') else {
            return false;
        };
        flat.push('\u{0}');
        rest = &rest[i + j + 1..];
    }
    flat.push_str(rest);
    let Some(rest) = flat.strip_prefix("arn:") else {
        return false;
    };
    let mut parts = rest.splitn(5, ':');
    let (Some(partition), Some(svc), Some(region), Some(account), Some(res)) = (
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
        parts.next(),
    ) else {
        return false;
    };
    (partition.starts_with("aws") || partition == "\u{0}")
        && svc == "iam"
        && region.is_empty()
        && (account.chars().all(|c| c.is_ascii_digit()) && account.len() == 12
            || account == "\u{0}")
        && res == "root"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn template_shapes_prove_inequality_only_when_sound() {
        let shape = |e: &str| template_shape(e).map(|r| r.as_str().to_string());
        let re = |e: &str| template_shape(e).expect("a shape");
        assert!(!re(r#""${aws_s3_bucket.data.arn}/*""#).is_match("*"));
        assert!(re(r#""${aws_s3_bucket.data.arn}/*""#).is_match("arn:aws:s3:::b/*"));
        assert!(!re("aws_ecr_repository.api.arn").is_match("*"));
        assert!(!re("${aws_dynamodb_table.jobs.arn}").is_match("*"));
        // An interpolation alone could be anything.
        assert!(re(r#""${var.resource}""#).is_match("*"));
        assert!(re(r#""${var.prefix}*""#).is_match("*"));
        // Escaped interpolation is literal text.
        assert!(!re(r#""$${aws:username}-${var.x}""#).is_match("*"));
        // Variables and plain references say nothing.
        assert_eq!(shape("var.bucket_arn"), None);
        assert_eq!(shape("aws_s3_bucket.data.bucket"), None);
        assert_eq!(shape("local.arn"), None);
        assert!(!re("!GetAtt LogsKey.Arn").is_match("*"));
        assert!(!re(r#"{ "Fn::GetAtt": [ "JobsTable", "Arn" ] }"#).is_match("*"));
        assert!(!re(r#"{ "Fn::GetAtt": [ "Topic", "TopicArn" ] }"#).is_match("*"));
        assert_eq!(shape(r#"{ "Fn::GetAtt": [ "Api", "Name" ] }"#), None);
    }

    #[test]
    fn account_roots() {
        assert!(is_account_root("arn:aws:iam::111122223333:root"));
        assert!(is_account_root(
            r#""arn:aws:iam::${data.aws_caller_identity.current.account_id}:root""#
        ));
        assert!(is_account_root("111122223333"));
        assert!(!is_account_root("arn:aws:iam::111122223333:role/admin"));
        assert!(!is_account_root("*"));
        assert!(is_account_root(
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"
        ));
        assert!(is_account_root("arn:aws:iam::${AWS::AccountId}:root"));
        assert!(!is_account_root(
            "arn:aws:iam::${AWS::AccountId}:role/admin"
        ));
        assert!(!is_account_root("arn:aws:iam::${AWS::AccountId}"));
        assert!(is_principal_resource_arn("aws_iam_role.app.arn"));
        assert!(is_principal_resource_arn("!GetAtt AppRole.Arn"));
        assert!(is_principal_resource_arn(
            r#"{ "Fn::GetAtt": [ "AppRole", "Arn" ] }"#
        ));
        assert!(!is_principal_resource_arn(
            "data.aws_caller_identity.current.account_id"
        ));
        assert!(!is_principal_resource_arn("var.admin_arn"));
    }
}
