//! Typo suggestions for a finding's help: "did you mean `high`?", found among the values a
//! field may take, with the work of one suggestion bounded.

/// At most this many candidates are compared with a value for a suggestion: a list of known
/// values can be as long as a 1 MiB okr.toml allows, and each unknown value would be compared
/// with all of it.
pub const MAX_COMPARED: usize = 1_000;

/// Neither a value nor a candidate longer than this many characters takes part in a
/// suggestion: a comparison costs the product of the two lengths, and nobody mistypes a tag or
/// a field of hundreds of characters. With [`MAX_COMPARED`], this bounds the work of one
/// suggestion.
pub const MAX_SUGGESTED_CHARS: usize = 64;

/// Whether `text` is short enough for a suggestion ([`MAX_SUGGESTED_CHARS`]), judged without
/// walking the whole of a long text.
fn short_enough(text: &str) -> bool {
    // A character is one to four bytes.
    text.len() <= MAX_SUGGESTED_CHARS
        || (text.len() <= 4 * MAX_SUGGESTED_CHARS && text.chars().count() <= MAX_SUGGESTED_CHARS)
}

/// The closest of `candidates` to `value`, when it is close enough to be a likely typo.
///
/// Only candidates of about the value's length are compared, and at most [`MAX_COMPARED`] of
/// them: first those that begin with the same letter, then the others, each in the order given.
/// A typo changes a few characters, seldom the length or the first one. A value or candidate
/// longer than [`MAX_SUGGESTED_CHARS`] gets or gives no suggestion.
pub fn did_you_mean<'a, I>(value: &str, candidates: I) -> Option<&'a str>
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    if !short_enough(value) {
        return None;
    }
    let original = value;
    let value = value.to_lowercase();
    let length = value.chars().count();
    let first = value.chars().next();
    let similar = move |candidate: &&str| {
        // The value itself is not a suggestion for what was not found.
        if !short_enough(candidate) || *candidate == original {
            return false;
        }
        // Bytes bound characters from above: most candidates are judged without counting.
        let (short, long) = (candidate.len().min(length), candidate.len().max(length));
        if (long - short) * 3 > long + 3 {
            let chars = candidate.chars().count();
            if chars.abs_diff(length) * 3 > chars.max(length) + 3 {
                return false;
            }
        }
        true
    };
    let alike = move |candidate: &&str| {
        candidate.chars().next().map(|c| c.to_lowercase().next()) == first.map(Some)
    };
    let candidates = candidates.into_iter();
    let near = candidates
        .clone()
        .filter(move |c| similar(c) && alike(c))
        .take(MAX_COMPARED);
    let far = candidates.filter(move |c| similar(c) && !alike(c));
    near.chain(far)
        .take(MAX_COMPARED)
        .map(|candidate| {
            (
                strsim::jaro_winkler(&value, &candidate.to_lowercase()),
                candidate,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0).then_with(|| b.1.cmp(a.1)))
        .map(|(_, candidate)| candidate)
}

/// "did you mean `x`?" for [`Finding::with_help`](super::Finding::with_help).
pub fn suggestion<'a, I>(value: &str, candidates: I) -> Option<String>
where
    I: IntoIterator<Item = &'a str>,
    I::IntoIter: Clone,
{
    did_you_mean(value, candidates).map(|c| format!("did you mean `{c}`?"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_find_typos_but_not_strangers() {
        let levels = ["low", "medium", "high", "huge"];
        assert_eq!(did_you_mean("hgh", levels), Some("high"));
        assert_eq!(did_you_mean("Medum", levels), Some("medium"));
        assert_eq!(did_you_mean("zzz", levels), None);
        // Never the value itself, but the value in other case.
        assert_eq!(did_you_mean("high", ["high"]), None);
        assert_eq!(did_you_mean("High", ["high"]), Some("high"));
    }

    #[test]
    fn long_values_and_candidates_take_no_part_in_suggestions() {
        let long = "a".repeat(MAX_SUGGESTED_CHARS + 1);
        let typo = format!("{}b", &long[1..]);
        assert_eq!(did_you_mean(&typo, [long.as_str(), "aaa"]), None);
        let fits = "a".repeat(MAX_SUGGESTED_CHARS);
        let typo = format!("{}b", &fits[1..]);
        assert_eq!(
            did_you_mean(&typo, [long.as_str(), fits.as_str()]),
            Some(fits.as_str())
        );
        // Characters count, not bytes.
        let wide = "é".repeat(MAX_SUGGESTED_CHARS);
        let typo = format!("{}e", &wide[2..]);
        assert_eq!(did_you_mean(&typo, [wide.as_str()]), Some(wide.as_str()));
    }
}
