//! Where something stands in a plan's text.

/// A byte range `[start, end)` in the plan text.
///
/// Equality is honest: two spans are equal when they cover the same bytes.
/// Code that compares meaning, not position (the formatter's round trip),
/// clears the spans first: see `syntax::spanless`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Span {
    /// The first byte.
    pub start: u32,
    /// One past the last byte.
    pub end: u32,
}

impl Span {
    /// The span from `start` to `end`.
    pub fn new(start: usize, end: usize) -> Span {
        Span {
            start: u32::try_from(start).unwrap_or(u32::MAX),
            end: u32::try_from(end).unwrap_or(u32::MAX),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Span;

    #[test]
    fn spans_are_equal_only_when_they_cover_the_same_bytes() {
        assert_eq!(Span::new(3, 7), Span::new(3, 7));
        assert_ne!(Span::new(3, 7), Span::new(4, 7));
        assert_ne!(Span::new(3, 7), Span::new(3, 8));
    }
}
