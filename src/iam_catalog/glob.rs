//! IAM-style wildcards: `*` matches any run of characters, `?` exactly one; ASCII
//! case-insensitive (action names and service prefixes are ASCII).

/// Whether `text` contains a wildcard.
pub(crate) fn has_wildcard(text: &str) -> bool {
    text.contains(['*', '?'])
}

/// `pattern` with runs of `*` collapsed to one, or `None` when it needs more than `max_len`
/// characters to match (so no name of at most `max_len` characters can match it). Bounds the work
/// a hostile pattern costs before it is matched against thousands of names.
pub(crate) fn normalize(pattern: &str, max_len: usize) -> Option<String> {
    let mut out = String::with_capacity(pattern.len().min(2 * max_len + 1));
    let mut needed = 0;
    for c in pattern.chars() {
        if c == '*' {
            if !out.ends_with('*') {
                out.push('*');
            }
        } else {
            needed += 1;
            if needed > max_len {
                return None;
            }
            out.push(c);
        }
    }
    Some(out)
}

/// Whether `pattern` matches the whole of `text`. Linear-time two-pointer match with one
/// backtrack point, so hostile patterns (`*a*a*a*…`) cannot blow up.
pub(crate) fn matches(pattern: &str, text: &str) -> bool {
    let p = pattern.as_bytes();
    let t = text.as_bytes();
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && (p[pi] == b'?' || p[pi].eq_ignore_ascii_case(&t[ti])) && p[pi] != b'*' {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == b'*' {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_match_case_insensitively() {
        assert!(matches("Get*", "getobject"));
        assert!(matches("*object", "GetObject"));
        assert!(matches("Get?bject", "GetObject"));
        assert!(matches("*", ""));
        assert!(!matches("Get?", "Get"));
        assert!(!matches("Put*", "GetObject"));
        assert!(matches("*Obj*ct*", "GetObjectAcl"));
        assert!(!matches("a", "ab"));
    }

    #[test]
    fn normalize_collapses_stars_and_rejects_long_patterns() {
        assert_eq!(normalize("a***b*", 10).as_deref(), Some("a*b*"));
        assert_eq!(normalize(&"*".repeat(100_000), 10).as_deref(), Some("*"));
        assert_eq!(normalize(&"a*".repeat(100), 10), None);
    }

    #[test]
    fn many_stars_stay_fast() {
        let pattern = "*a".repeat(200) + "b";
        let text = "a".repeat(5000);
        assert!(!matches(&pattern, &text));
    }
}
