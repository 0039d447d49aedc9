//! "Did you mean": the known name closest to a mistyped one, for every error that names
//! something unknown (rule ids, IAM actions and service prefixes).

/// Levenshtein distance between `a` and `b` in characters; `ignore_case` folds ASCII case.
pub fn edit_distance(a: &str, b: &str, ignore_case: bool) -> usize {
    let same = |x: char, y: char| {
        if ignore_case {
            x.eq_ignore_ascii_case(&y)
        } else {
            x == y
        }
    };
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    let mut cur = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        cur[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cost = usize::from(!same(ca, cb));
            cur[j + 1] = (prev[j] + cost).min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[b.len()]
}

/// The first of `candidates` nearest to `word`, among those within `limit(candidate)` edits.
pub fn closest<T>(
    word: &str,
    candidates: impl IntoIterator<Item = T>,
    name: impl Fn(&T) -> &str,
    limit: impl Fn(&str) -> usize,
    ignore_case: bool,
) -> Option<T> {
    let mut best: Option<(usize, T)> = None;
    for c in candidates {
        let n = name(&c);
        let d = edit_distance(word, n, ignore_case);
        if d <= limit(n) && best.as_ref().is_none_or(|(b, _)| d < *b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
}

/// `` "; did you mean `x`?" `` for a suggestion, `""` without one: how errors end.
pub fn did_you_mean(suggestion: Option<&str>) -> String {
    suggestion
        .map(|s| format!("; did you mean `{s}`?"))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distance_and_closest() {
        assert_eq!(edit_distance("kitten", "sitting", false), 3);
        assert_eq!(edit_distance("GetObject", "getobject", true), 0);
        assert_eq!(edit_distance("é", "e", false), 1);
        let ids = ["iam-wildcard-action", "iam-wildcard-resource"];
        let found = closest("iam-wildcard-actoin", ids, |s| *s, |_| 3, false);
        assert_eq!(found, Some("iam-wildcard-action"));
        assert_eq!(closest("zzz", ids, |s| *s, |_| 2, false), None);
        assert_eq!(did_you_mean(Some("a")), "; did you mean `a`?");
        assert_eq!(did_you_mean(None), "");
    }
}
