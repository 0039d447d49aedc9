//! Does a `Resource` entry of a policy cover resources of a type? The reference gives each
//! resource type an ARN pattern with `${Variables}` (`arn:${Partition}:s3:::${BucketName}`); a
//! policy gives an ARN that may hold `*`/`?` wildcards and policy variables (`${aws:username}`).
//! The question is whether some ARN of the type is matched by the policy's ARN: the intersection
//! of two simple languages, decided exactly by a search over pairs of positions.

/// A three-valued answer: unknown when the answer depends on what a variable may contain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArnMatch {
    /// Some resource of the type is covered.
    Yes,
    /// No resource of the type can be covered.
    No,
    /// It depends on values the catalog does not pin down (a variable that may or may not
    /// contain `/`, a policy variable).
    Unknown,
}

/// Whether the policy resource `arn` (an ARN, possibly with IAM wildcards and policy variables,
/// or `*`) covers at least one resource whose ARN fits the reference's `pattern`.
///
/// A pattern variable stands for one or more characters without `:`; `${Partition}`,
/// `${Region}`, `${Account}` and `${BucketName}` never contain `/`, other variables may only when
/// that is what decides the answer (then it is [`ArnMatch::Unknown`]), except a variable that ends
/// the pattern (`${ObjectName}`, `${LogGroupName}`), which may contain anything.
pub fn arn_matches(pattern: &str, arn: &str) -> ArnMatch {
    const LIMIT: usize = 2048;
    if pattern.len() > LIMIT || arn.len() > LIMIT {
        return ArnMatch::Unknown;
    }
    let (policy, has_policy_variable) = policy_tokens(arn);
    if intersects(&pattern_tokens(pattern, false), &policy) {
        if has_policy_variable {
            ArnMatch::Unknown
        } else {
            ArnMatch::Yes
        }
    } else if intersects(&pattern_tokens(pattern, true), &policy) {
        ArnMatch::Unknown
    } else {
        ArnMatch::No
    }
}

/// For actions without resource types: the request's resource is `*`, so the policy entry must
/// match the literal string `*`.
pub(super) fn policy_resource_covers_star(arn: &str) -> ArnMatch {
    let (policy, has_policy_variable) = policy_tokens(arn);
    if intersects(&[Pat::Lit(b'*')], &policy) {
        if has_policy_variable {
            ArnMatch::Unknown
        } else {
            ArnMatch::Yes
        }
    } else {
        ArnMatch::No
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Anything but `:` and `/`.
    Segment,
    /// Anything but `:`.
    Path,
    /// Anything.
    Any,
}

#[derive(Debug, Clone, Copy)]
enum Pat {
    Lit(u8),
    Var(Class),
}

#[derive(Debug, Clone, Copy)]
enum Pol {
    Lit(u8),
    /// `*`, or a policy variable: any run of characters.
    Star,
    /// `?`: one character.
    One,
}

/// Tokens of a reference pattern. `loose`: variables in the middle may contain `/`.
fn pattern_tokens(pattern: &str, loose: bool) -> Vec<Pat> {
    let bytes = pattern.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"${")
            && let Some(len) = bytes[i..].iter().position(|&b| b == b'}')
        {
            let name = &pattern[i + 2..i + len];
            let last = i + len + 1 == bytes.len();
            let fixed = matches!(name, "Partition" | "Region" | "Account" | "BucketName");
            out.push(Pat::Var(if last && !fixed {
                Class::Any
            } else if loose && !fixed {
                Class::Path
            } else {
                Class::Segment
            }));
            i += len + 1;
        } else {
            out.push(Pat::Lit(bytes[i]));
            i += 1;
        }
    }
    out
}

/// Tokens of a policy's resource entry, and whether it holds a policy variable.
fn policy_tokens(arn: &str) -> (Vec<Pol>, bool) {
    let bytes = arn.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut variable = false;
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i..].starts_with(b"${")
            && let Some(len) = bytes[i..].iter().position(|&b| b == b'}')
        {
            // `${*}`, `${?}`, `${$}` are the escapes for the literal characters.
            match &bytes[i + 2..i + len] {
                [c @ (b'*' | b'?' | b'$')] => out.push(Pol::Lit(*c)),
                _ => {
                    out.push(Pol::Star);
                    variable = true;
                }
            }
            i += len + 1;
            continue;
        }
        out.push(match bytes[i] {
            b'*' => Pol::Star,
            b'?' => Pol::One,
            b => Pol::Lit(b),
        });
        i += 1;
    }
    (out, variable)
}

fn class_admits(class: Class, byte: u8) -> bool {
    match class {
        Class::Segment => byte != b':' && byte != b'/',
        Class::Path => byte != b':',
        Class::Any => true,
    }
}

/// Whether some string is in both languages. States are (pattern position, policy position,
/// inside a variable that has consumed at least one character).
fn intersects(pattern: &[Pat], policy: &[Pol]) -> bool {
    let width = policy.len() + 1;
    let mut seen = vec![false; (pattern.len() + 1) * width * 2];
    let mut stack = vec![(0usize, 0usize, false)];
    while let Some((i, j, inside)) = stack.pop() {
        let slot = (i * width + j) * 2 + usize::from(inside);
        if seen[slot] {
            continue;
        }
        seen[slot] = true;
        if i == pattern.len() && j == policy.len() {
            return true;
        }
        // Moves that consume no character.
        if inside {
            stack.push((i + 1, j, false));
        }
        if let Some(Pol::Star) = policy.get(j) {
            stack.push((i, j + 1, inside));
        }
        // Moves that consume one character on both sides.
        let (Some(&p), Some(&q)) = (pattern.get(i), policy.get(j)) else {
            continue;
        };
        let next_j = match q {
            Pol::Star => j,
            Pol::One | Pol::Lit(_) => j + 1,
        };
        match (p, q) {
            (Pat::Lit(a), Pol::Lit(b)) if a == b => stack.push((i + 1, next_j, false)),
            (Pat::Lit(_), Pol::Star | Pol::One) => stack.push((i + 1, next_j, false)),
            (Pat::Var(class), Pol::Lit(b)) if class_admits(class, b) => {
                stack.push((i, next_j, true))
            }
            // Any class admits some character.
            (Pat::Var(_), Pol::Star | Pol::One) => stack.push((i, next_j, true)),
            _ => {}
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    const OBJECT: &str = "arn:${Partition}:s3:::${BucketName}/${ObjectName}";
    const BUCKET: &str = "arn:${Partition}:s3:::${BucketName}";
    const LOG_STREAM: &str = "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}";
    const ROLE: &str = "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}";

    #[test]
    fn concrete_arns() {
        assert_eq!(
            arn_matches(OBJECT, "arn:aws:s3:::bucket/key.txt"),
            ArnMatch::Yes
        );
        assert_eq!(
            arn_matches(OBJECT, "arn:aws:s3:::bucket/a/b/c"),
            ArnMatch::Yes
        );
        assert_eq!(arn_matches(OBJECT, "arn:aws:s3:::bucket"), ArnMatch::No);
        assert_eq!(arn_matches(BUCKET, "arn:aws:s3:::bucket"), ArnMatch::Yes);
        assert_eq!(arn_matches(BUCKET, "arn:aws:s3:::bucket/key"), ArnMatch::No);
        assert_eq!(
            arn_matches(BUCKET, "arn:aws:sqs:us-east-1:1:q"),
            ArnMatch::No
        );
        assert_eq!(
            arn_matches(ROLE, "arn:aws:iam::123456789012:role/service/deployer"),
            ArnMatch::Yes
        );
        assert_eq!(
            arn_matches(ROLE, "arn:aws:iam::123456789012:user/alice"),
            ArnMatch::No
        );
    }

    #[test]
    fn wildcard_arns() {
        assert_eq!(arn_matches(OBJECT, "arn:aws:s3:::bucket/*"), ArnMatch::Yes);
        assert_eq!(arn_matches(BUCKET, "arn:aws:s3:::bucket/*"), ArnMatch::No);
        assert_eq!(arn_matches(BUCKET, "arn:aws:s3:::*"), ArnMatch::Yes);
        assert_eq!(arn_matches(OBJECT, "arn:aws:s3:::*"), ArnMatch::Yes);
        assert_eq!(arn_matches(BUCKET, "arn:aws:s3:::*/*"), ArnMatch::No);
        assert_eq!(arn_matches(OBJECT, "*"), ArnMatch::Yes);
        assert_eq!(arn_matches(BUCKET, "arn:aws:s3:::bucket-?"), ArnMatch::Yes);
        assert_eq!(arn_matches(OBJECT, "arn:aws:*"), ArnMatch::Yes);
        assert_eq!(arn_matches(OBJECT, "arn:aws:sqs:*"), ArnMatch::No);
    }

    #[test]
    fn middle_variables_with_slashes_are_unknown_not_no() {
        // Log group names contain `/`; the reference does not say so.
        assert_eq!(
            arn_matches(
                LOG_STREAM,
                "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn:log-stream:*"
            ),
            ArnMatch::Unknown
        );
        assert_eq!(
            arn_matches(
                LOG_STREAM,
                "arn:aws:logs:us-east-1:123456789012:log-group:app:log-stream:s1"
            ),
            ArnMatch::Yes
        );
    }

    #[test]
    fn policy_variables_are_never_yes() {
        assert_eq!(
            arn_matches(OBJECT, "arn:aws:s3:::bucket/home/${aws:username}/*"),
            ArnMatch::Unknown
        );
        assert_eq!(
            arn_matches(BUCKET, "arn:aws:sqs:::${aws:username}"),
            ArnMatch::No
        );
        assert_eq!(arn_matches(BUCKET, "arn:aws:s3:::b${*}"), ArnMatch::Yes);
    }

    #[test]
    fn star_only_actions() {
        assert_eq!(policy_resource_covers_star("*"), ArnMatch::Yes);
        assert_eq!(policy_resource_covers_star("arn:aws:s3:::b"), ArnMatch::No);
        assert_eq!(policy_resource_covers_star("arn:*"), ArnMatch::No);
    }

    #[test]
    fn long_inputs_are_unknown() {
        let long = format!("arn:aws:s3:::{}", "*a".repeat(2000));
        assert_eq!(arn_matches(OBJECT, &long), ArnMatch::Unknown);
        let long = format!("arn:aws:s3:::{}", "*a".repeat(500));
        assert_ne!(arn_matches(OBJECT, &long), ArnMatch::No);
    }
}
