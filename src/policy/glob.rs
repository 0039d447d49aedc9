//! IAM-style wildcard matching: `*` matches any run of characters (including none), `?` exactly one.

/// How the characters of a pattern are compared with the characters of the text.
#[derive(Clone, Copy)]
struct Mode {
    /// Compare letters without regard to case.
    fold_case: bool,
    /// A `?` in the pattern may match a `*` in the text. Turned off by [`pattern_covered_by`],
    /// whose text is itself a pattern: a literal `*` there stands for any number of characters,
    /// which one `?` cannot cover.
    question_matches_star: bool,
}

/// IAM wildcard match for actions: case-insensitive, `*` any run (including empty), `?` one char.
///
/// ```
/// use iaclint::policy::action_matches;
/// assert!(action_matches("s3:Get*", "s3:GetObject"));
/// assert!(action_matches("S3:getobject", "s3:GetObject"));
/// assert!(!action_matches("s3:Get*", "s3:PutObject"));
/// ```
pub fn action_matches(pattern: &str, action: &str) -> bool {
    glob(
        pattern,
        action,
        Mode {
            fold_case: true,
            question_matches_star: true,
        },
    )
}

/// Case-sensitive wildcard match for resources (ARNs) and principals; `*` and `?` as in
/// [`action_matches`].
pub fn wildcard_matches(pattern: &str, value: &str) -> bool {
    glob(
        pattern,
        value,
        Mode {
            fold_case: false,
            question_matches_star: true,
        },
    )
}

/// True when every action matched by `pattern` is also matched by `by`.
///
/// A conservative approximation (it may answer `false` for a pattern that is in fact covered, never
/// `true` for one that is not): `by` is matched, case-insensitively, against the text of `pattern`
/// with `pattern`'s own `*` and `?` taken literally. A `*` in `by` matches anything, including
/// `pattern`'s wildcards; a `?` in `by` matches one character of `pattern`, `?` included, but not a
/// `*` (which may stand for several characters).
///
/// ```
/// use iaclint::policy::pattern_covered_by;
/// assert!(pattern_covered_by("ec2:Describe*", "ec2:*"));
/// assert!(!pattern_covered_by("ec2:*", "ec2:Describe*"));
/// ```
pub fn pattern_covered_by(pattern: &str, by: &str) -> bool {
    glob(
        by,
        pattern,
        Mode {
            fold_case: true,
            question_matches_star: false,
        },
    )
}

fn glob(pattern: &str, text: &str, mode: Mode) -> bool {
    if pattern.is_ascii() && text.is_ascii() {
        // The common case, without allocating.
        let eq = |a: u8, b: u8| {
            if mode.fold_case {
                a.eq_ignore_ascii_case(&b)
            } else {
                a == b
            }
        };
        glob_slice(pattern.as_bytes(), text.as_bytes(), b'*', b'?', mode, eq)
    } else if mode.fold_case {
        glob_slice(&fold(pattern), &fold(text), '*', '?', mode, |a, b| a == b)
    } else {
        let (p, t): (Vec<char>, Vec<char>) = (pattern.chars().collect(), text.chars().collect());
        glob_slice(&p, &t, '*', '?', mode, |a, b| a == b)
    }
}

/// Wildcard matching over any character type; `eq` compares two literal characters.
fn glob_slice<T: Copy + PartialEq>(
    p: &[T],
    t: &[T],
    star_char: T,
    question: T,
    mode: Mode,
    eq: impl Fn(T, T) -> bool,
) -> bool {
    let one = |pc: T, tc: T| {
        if pc == question {
            mode.question_matches_star || tc != star_char
        } else {
            eq(pc, tc)
        }
    };
    // Classic linear-space backtracking: remember the last `*` and the text position it was tried at.
    let (mut pi, mut ti) = (0usize, 0usize);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        if pi < p.len() && p[pi] == star_char {
            star = Some((pi, ti));
            pi += 1;
        } else if pi < p.len() && one(p[pi], t[ti]) {
            pi += 1;
            ti += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == star_char)
}

/// Lowercases character by character, keeping one output character per input character so that
/// `?` still means one character.
fn fold(s: &str) -> Vec<char> {
    s.chars()
        .map(|c| {
            let mut lower = c.to_lowercase();
            match (lower.next(), lower.next()) {
                (Some(l), None) => l,
                _ => c,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn action_wildcards() {
        assert!(action_matches("s3:Get*", "s3:GetObject"));
        assert!(action_matches("s3:Get*", "s3:Get"));
        assert!(!action_matches("s3:Get*", "s3:PutObject"));
        assert!(action_matches(
            "ec2:*NetworkInterface*",
            "ec2:CreateNetworkInterface"
        ));
        assert!(action_matches(
            "ec2:*NetworkInterface*",
            "ec2:DescribeNetworkInterfaces"
        ));
        assert!(!action_matches(
            "ec2:*NetworkInterface*",
            "ec2:AssignPrivateIpAddresses"
        ));
        assert!(action_matches("*", "anything:AtAll"));
        assert!(action_matches("*", ""));
        assert!(action_matches(
            "kms:GenerateDataKey*",
            "kms:GenerateDataKeyWithoutPlaintext"
        ));
        assert!(action_matches("s3:?etObject", "s3:GetObject"));
        assert!(!action_matches("s3:?etObject", "s3:etObject"));
        assert!(!action_matches("s3:Get?", "s3:Get"));
        assert!(action_matches("a*b*c", "aXXbYYbZc"));
        assert!(!action_matches("a*b*c", "aXXbYYbZ"));
        assert!(!action_matches("s3:GetObject", "s3:GetObjectAcl"));
    }

    #[test]
    fn actions_ignore_case_resources_do_not() {
        assert!(action_matches("S3:GETOBJECT", "s3:GetObject"));
        assert!(action_matches("ec2:describe*", "EC2:DescribeInstances"));
        assert!(wildcard_matches(
            "arn:aws:s3:::bucket/*",
            "arn:aws:s3:::bucket/key"
        ));
        assert!(!wildcard_matches(
            "arn:aws:s3:::Bucket/*",
            "arn:aws:s3:::bucket/key"
        ));
        assert!(wildcard_matches(
            "logs.*.amazonaws.com",
            "logs.us-east-1.amazonaws.com"
        ));
        assert!(!wildcard_matches(
            "logs.*.amazonaws.com",
            "logs.amazonaws.com"
        ));
        assert!(wildcard_matches(
            "arn:aws:s3:::b?cket",
            "arn:aws:s3:::bucket"
        ));
    }

    #[test]
    fn coverage() {
        assert!(pattern_covered_by("ec2:Describe*", "ec2:Describe*"));
        assert!(pattern_covered_by("ec2:Describe*", "ec2:*"));
        assert!(pattern_covered_by("ec2:Describe*", "*"));
        assert!(pattern_covered_by("EC2:DescribeInstances", "ec2:describe*"));
        assert!(!pattern_covered_by("ec2:*", "ec2:Describe*"));
        assert!(!pattern_covered_by("ec2:Describe*", "s3:*"));
        assert!(!pattern_covered_by("*", "ec2:*"));
        // `?` covers one character but never a `*`, which may stand for many.
        assert!(pattern_covered_by("s3:Get?", "s3:Get?"));
        assert!(!pattern_covered_by("s3:Get*", "s3:Get?"));
        assert!(pattern_covered_by("s3:GetA", "s3:Get?"));
    }

    #[test]
    fn non_ascii_text() {
        assert!(action_matches("svc:Ä*", "SVC:äbc"));
        assert!(action_matches("svc:?bc", "svc:äbc"));
        assert!(wildcard_matches("arn:é*", "arn:é/x"));
        assert!(!wildcard_matches("arn:É*", "arn:é/x"));
        assert!(!action_matches("svc:?", "svc:"));
    }

    fn to_regex(pattern: &str) -> regex::Regex {
        let mut re = String::from("(?s)^");
        for c in pattern.chars() {
            match c {
                '*' => re.push_str(".*"),
                '?' => re.push('.'),
                c => re.push_str(&regex::escape(&c.to_string())),
            }
        }
        re.push('$');
        regex::Regex::new(&re).expect("regex")
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_a_regex(p in "[ab*?]{0,8}", t in "[ab]{0,8}") {
            proptest::prop_assert_eq!(wildcard_matches(&p, &t), to_regex(&p).is_match(&t));
        }

        #[test]
        fn coverage_is_sound(p in "[ab*?]{0,6}", by in "[ab*?]{0,6}", t in "[ab]{0,7}") {
            if pattern_covered_by(&p, &by) && action_matches(&p, &t) {
                proptest::prop_assert!(action_matches(&by, &t));
            }
        }
    }
}
