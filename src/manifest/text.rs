//! A document's text as a slice of its template's output, shared rather
//! than copied: a render of thousands of documents holds its output once.

use std::fmt;
use std::ops::{Deref, Range};
use std::sync::Arc;

/// Text that reads as a `&str`; clones share the underlying output.
#[derive(Clone)]
pub struct Text {
    whole: Arc<String>,
    range: Range<usize>,
}

impl Text {
    /// The part `range` of `whole`, which other documents of the same
    /// template share. `range` must lie on character boundaries.
    pub fn slice_of(whole: &Arc<String>, range: Range<usize>) -> Text {
        assert!(
            whole.is_char_boundary(range.start) && whole.is_char_boundary(range.end),
            "a document starts and ends on character boundaries"
        );
        Text {
            whole: whole.clone(),
            range,
        }
    }

    pub fn as_str(&self) -> &str {
        &self.whole[self.range.clone()]
    }
}

impl Deref for Text {
    type Target = str;
    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Text {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl From<String> for Text {
    fn from(text: String) -> Text {
        let range = 0..text.len();
        Text {
            whole: Arc::new(text),
            range,
        }
    }
}

impl From<&str> for Text {
    fn from(text: &str) -> Text {
        Text::from(text.to_string())
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_str() == other.as_str()
    }
}

impl Eq for Text {}

impl PartialEq<str> for Text {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Text {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_share_one_output_and_read_as_their_part() {
        let whole = Arc::new("kind: A\n---\nkind: B".to_string());
        let (a, b) = (Text::slice_of(&whole, 0..7), Text::slice_of(&whole, 12..19));
        assert_eq!(a, "kind: A");
        assert_eq!(b.as_str(), "kind: B");
        assert_eq!(Arc::strong_count(&whole), 3);
        assert_eq!(a, Text::from("kind: A"));
        assert_eq!(format!("{b} {b:?}"), "kind: B \"kind: B\"");
    }
}
