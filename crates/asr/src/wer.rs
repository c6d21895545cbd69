//! Word error rate: the word-level edit distance (substitutions, deletions, insertions) between
//! a reference and a hypothesis, over the reference's length. For tests and benchmarks.

/// Lower-case words with punctuation removed (apostrophes kept: "don't").
pub fn normalise(text: &str) -> Vec<String> {
    text.split_whitespace()
        .map(|w| {
            w.chars()
                .filter(|c| c.is_alphanumeric() || *c == '\'')
                .flat_map(char::to_lowercase)
                .collect::<String>()
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// Word-level edit distance between two word lists.
pub fn edit_distance<S: AsRef<str>>(reference: &[S], hypothesis: &[S]) -> usize {
    let mut prev: Vec<usize> = (0..=hypothesis.len()).collect();
    let mut cur = vec![0; hypothesis.len() + 1];
    for (i, r) in reference.iter().enumerate() {
        cur[0] = i + 1;
        for (j, h) in hypothesis.iter().enumerate() {
            let sub = prev[j] + usize::from(r.as_ref() != h.as_ref());
            cur[j + 1] = sub.min(prev[j + 1] + 1).min(cur[j] + 1);
        }
        std::mem::swap(&mut prev, &mut cur);
    }
    prev[hypothesis.len()]
}

/// Errors and reference length, after [`normalise`].
pub fn word_errors(reference: &str, hypothesis: &str) -> (usize, usize) {
    let r = normalise(reference);
    let h = normalise(hypothesis);
    (edit_distance(&r, &h), r.len())
}

/// Word error rate of `hypothesis` against `reference` (0 is perfect; above 1 is possible with
/// insertions). An empty reference gives 0 for an empty hypothesis and 1 otherwise.
pub fn word_error_rate(reference: &str, hypothesis: &str) -> f64 {
    let (errors, len) = word_errors(reference, hypothesis);
    if len == 0 {
        return if errors == 0 { 0.0 } else { 1.0 };
    }
    errors as f64 / len as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn distances() {
        assert_eq!(word_errors("the cat sat", "the cat sat"), (0, 3));
        assert_eq!(word_errors("the cat sat", "the bat sat"), (1, 3));
        assert_eq!(word_errors("the cat sat", "the sat"), (1, 3));
        assert_eq!(word_errors("the cat sat", "the cat sat down"), (1, 3));
        assert_eq!(word_errors("the cat sat", ""), (3, 3));
        assert_eq!(word_errors("", "a b"), (2, 0));
        assert_eq!(word_errors("a b c d", "b c d e"), (2, 4));
    }

    #[test]
    fn normalisation() {
        assert_eq!(
            normalise("Hello, World! Don't."),
            vec!["hello", "world", "don't"]
        );
        assert!((word_error_rate("Hello world.", "hello world") - 0.0).abs() < 1e-9);
        assert!((word_error_rate("a b c d", "a x c") - 0.5).abs() < 1e-9);
    }
}
