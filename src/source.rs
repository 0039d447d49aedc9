//! Source files, byte spans and line/column conversion.
//!
//! Every input is read once and kept as an `Arc<str>`; everything else refers to it through a
//! [`FileId`] and byte offsets ([`Span`]). Lines and columns are computed only when a finding or an
//! error is rendered.

use std::path::PathBuf;
use std::sync::Arc;

/// Index of a file in [`Sources`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

/// A half-open byte range `[start, end)` inside one source file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    /// The file the range is in.
    pub file: FileId,
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

impl Span {
    /// A span in `file` covering `range`.
    pub fn new(file: FileId, range: std::ops::Range<usize>) -> Self {
        Span {
            file,
            start: range.start,
            end: range.end.max(range.start),
        }
    }

    /// The number of bytes covered.
    pub fn len(&self) -> usize {
        self.end - self.start
    }

    /// True when the span covers no byte.
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
}

/// A 1-based line and column (in characters) plus the byte offset they stand for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
pub struct Position {
    /// 1-based line number.
    pub line: usize,
    /// 1-based column, counted in Unicode scalar values.
    pub column: usize,
    /// 0-based byte offset.
    pub offset: usize,
}

/// One input file: its path as walked (for display) and its text.
#[derive(Debug)]
pub struct SourceFile {
    /// Path as the user should see it (relative to the current directory when under it).
    pub path: String,
    /// Path used to read the file.
    pub fs_path: PathBuf,
    /// The whole text, shared.
    pub text: Arc<str>,
    line_starts: Vec<usize>,
}

impl SourceFile {
    /// Wraps `text` read from `fs_path`, displayed as `path`. A line ends at LF, CRLF or a lone
    /// CR (old Mac line endings; YAML and HCL count it as a line break too).
    pub fn new(path: String, fs_path: PathBuf, text: Arc<str>) -> Self {
        let mut line_starts = vec![0];
        let bytes = text.as_bytes();
        line_starts.extend(bytes.iter().enumerate().filter_map(|(i, &b)| {
            let ends_line = b == b'\n' || (b == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
            ends_line.then_some(i + 1)
        }));
        SourceFile {
            path,
            fs_path,
            text,
            line_starts,
        }
    }

    /// Converts a byte offset (clamped to the text and to a char boundary) to a position. A
    /// leading byte order mark is not a column.
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while offset > 0 && !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = match self.line_starts.binary_search(&offset) {
            Ok(i) => i,
            Err(i) => i - 1,
        };
        let start = self.line_starts[line];
        let mut column = self.text[start..offset].chars().count() + 1;
        if start == 0 && offset > 0 && self.text.starts_with('\u{feff}') {
            column -= 1;
        }
        Position {
            line: line + 1,
            column,
            offset,
        }
    }

    /// The byte offset of a 1-based line and column (column in characters, not counting a
    /// leading byte order mark), clamped to the text.
    pub fn offset_of(&self, line: usize, column: usize) -> usize {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1)) else {
            return self.text.len();
        };
        let start = if start == 0 && self.text.starts_with('\u{feff}') {
            3
        } else {
            start
        };
        let rest = &self.text[start..];
        let line_end = rest.find(['\n', '\r']).unwrap_or(rest.len());
        rest[..line_end]
            .char_indices()
            .nth(column.saturating_sub(1))
            .map(|(i, _)| start + i)
            .unwrap_or(start + line_end)
    }

    /// The text a span covers (empty if the span is out of range).
    pub fn slice(&self, span: Span) -> &str {
        self.text.get(span.start..span.end).unwrap_or("")
    }
}

/// All files read in one run, indexed by [`FileId`].
#[derive(Debug, Default)]
pub struct Sources {
    files: Vec<SourceFile>,
}

impl Sources {
    /// An empty set.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId((self.files.len() - 1) as u32)
    }

    /// The file with this id.
    pub fn get(&self, id: FileId) -> &SourceFile {
        &self.files[id.0 as usize]
    }

    /// Number of files.
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// True when there is no file.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// Iterates over `(id, file)`.
    pub fn iter(&self) -> impl Iterator<Item = (FileId, &SourceFile)> {
        self.files
            .iter()
            .enumerate()
            .map(|(i, f)| (FileId(i as u32), f))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_are_one_based_and_count_chars() {
        let f = SourceFile::new("a".into(), "a".into(), Arc::from("ab\né x\n"));
        assert_eq!(f.position(0).line, 1);
        assert_eq!(f.position(3).line, 2);
        assert_eq!(f.position(3).column, 1);
        // 'x' is after a two-byte char and a space
        assert_eq!(f.position(6).column, 3);
        assert_eq!(f.offset_of(2, 3), 6);
        // out of range offsets clamp
        assert_eq!(f.position(999).line, 3);
    }

    #[test]
    fn lone_cr_ends_a_line_and_crlf_is_one_break() {
        let f = SourceFile::new("a".into(), "a".into(), Arc::from("a\rbc\r\nd\n\re"));
        assert_eq!((f.position(2).line, f.position(2).column), (2, 1));
        assert_eq!((f.position(3).line, f.position(3).column), (2, 2));
        assert_eq!(f.position(6).line, 3);
        assert_eq!(f.position(8).line, 4);
        assert_eq!(f.position(9).line, 5);
        assert_eq!(f.offset_of(2, 2), 3);
        assert_eq!(f.offset_of(2, 9), 4);
        assert_eq!(f.offset_of(5, 1), 9);
    }

    #[test]
    fn a_byte_order_mark_is_not_a_column() {
        let f = SourceFile::new("a".into(), "a".into(), Arc::from("\u{feff}ab\ncd"));
        assert_eq!(f.position(3).column, 1);
        assert_eq!(f.position(4).column, 2);
        assert_eq!(f.position(0).column, 1);
        assert_eq!(f.position(6).column, 1);
        assert_eq!(f.position(7).column, 2);
        assert_eq!(f.offset_of(1, 1), 3);
        assert_eq!(f.offset_of(1, 2), 4);
    }
}
