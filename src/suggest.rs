//! "Did you mean" for names that are not declared.
/// The candidate closest to `name` (case-insensitive optimal string
/// alignment distance, adjacent swaps counting as one edit), if one is
/// within a third of its length (at least one edit). Ties go to the
/// earliest candidate.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let name: Vec<char> = name.chars().flat_map(char::to_lowercase).collect();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let other: Vec<char> = candidate.chars().flat_map(char::to_lowercase).collect();
        let limit = (other.len() / 3).max(1);
        if name.len().abs_diff(other.len()) > limit {
            continue;
        }
        let distance = distance(&name, &other);
        if distance <= limit && best.is_none_or(|(best, _)| distance < best) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

/// The help for `name`, which is not one of `candidates`: "did you mean
/// `near`?" when one is near enough, else what `otherwise` says.
pub(crate) fn help_for<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
    otherwise: impl FnOnce() -> String,
) -> String {
    advice(did_you_mean(name, candidates), otherwise)
}

/// "did you mean `near`?" for a suggestion, else what `otherwise` says.
pub(crate) fn advice(suggestion: Option<&str>, otherwise: impl FnOnce() -> String) -> String {
    match suggestion {
        Some(near) => format!("did you mean `{near}`?"),
        None => otherwise(),
    }
}

/// Optimal string alignment distance between `a` and `b`.
fn distance(a: &[char], b: &[char]) -> usize {
    let mut before: Vec<usize> = Vec::new();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, &left) in a.iter().enumerate() {
        let mut row = Vec::with_capacity(b.len() + 1);
        row.push(i + 1);
        for (j, &right) in b.iter().enumerate() {
            let above = previous.get(j + 1).copied().unwrap_or(usize::MAX);
            let beside = row.get(j).copied().unwrap_or(usize::MAX);
            let diagonal = previous.get(j).copied().unwrap_or(usize::MAX);
            let mut cell = above
                .saturating_add(1)
                .min(beside.saturating_add(1))
                .min(diagonal.saturating_add(usize::from(left != right)));
            let swapped =
                i > 0 && j > 0 && a.get(i - 1) == Some(&right) && b.get(j - 1) == Some(&left);
            if swapped {
                let two_back = before.get(j - 1).copied().unwrap_or(usize::MAX);
                cell = cell.min(two_back.saturating_add(1));
            }
            row.push(cell);
        }
        before = std::mem::replace(&mut previous, row);
    }
    previous.last().copied().unwrap_or(0)
}
