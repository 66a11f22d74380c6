//! The texts of the files that findings point into, and where their lines start: what turns
//! a finding's byte span into a line, a column and a quoted source line.

use std::sync::{Arc, OnceLock};

use serde::Serialize;

/// The text of every file that findings point into, for line numbers and source excerpts.
///
/// A list sorted by path: files are read in path order, so building it is appending, and a
/// lookup is a binary search, where a hash map would hash every path of a large repository for
/// the few that have findings.
#[derive(Debug, Clone, Default)]
pub struct Texts {
    files: Vec<Text>,
}

/// One file's text, with where its lines start once a finding has asked.
#[derive(Debug, Clone)]
struct Text {
    path: String,
    text: Arc<str>,
    lines: OnceLock<Lines>,
}

impl Text {
    fn new(path: String, text: Arc<str>) -> Text {
        Text {
            path,
            text,
            lines: OnceLock::new(),
        }
    }
}

impl Texts {
    pub fn new() -> Texts {
        Texts::default()
    }

    pub fn with_capacity(capacity: usize) -> Texts {
        Texts {
            files: Vec::with_capacity(capacity),
        }
    }

    /// Adds or replaces the text of `path`.
    pub fn insert(&mut self, path: String, text: Arc<str>) {
        if self.files.last().is_none_or(|last| last.path < path) {
            self.files.push(Text::new(path, text));
            return;
        }
        match self.find(&path) {
            Ok(at) => self.files[at] = Text::new(path, text),
            Err(at) => self.files.insert(at, Text::new(path, text)),
        }
    }

    /// Adds or replaces the texts of `other`, in one pass however they interleave.
    pub fn extend(&mut self, other: Texts) {
        let in_order = match (self.files.last(), other.files.first()) {
            (Some(last), Some(first)) => last.path < first.path,
            _ => true,
        };
        self.files.extend(other.files);
        if !in_order {
            // Stable: of two texts of one path, the one added later comes last, and stays.
            self.files.sort_by(|a, b| a.path.cmp(&b.path));
            let mut kept: Vec<Text> = Vec::with_capacity(self.files.len());
            for file in self.files.drain(..) {
                match kept.last_mut() {
                    Some(last) if last.path == file.path => *last = file,
                    _ => kept.push(file),
                }
            }
            self.files = kept;
        }
    }

    /// The same texts, each path with `prefix` before it: a team's texts in an org's check,
    /// under the names its findings are shown with ([`Finding::place`](super::Finding::place)).
    pub fn prefixed(self, prefix: &str) -> Texts {
        Texts {
            files: self
                .files
                .into_iter()
                .map(|text| Text::new(format!("{prefix}{}", text.path), text.text))
                .collect(),
        }
    }

    pub fn get(&self, path: &str) -> Option<&Arc<str>> {
        self.find(path).ok().map(|at| &self.files[at].text)
    }

    /// The text of `path` with where its lines start, counted once for all its findings.
    pub fn lines(&self, path: &str) -> Option<(&str, &Lines)> {
        let file = &self.files[self.find(path).ok()?];
        Some((
            &file.text,
            file.lines.get_or_init(|| Lines::new(&file.text)),
        ))
    }

    /// Those of `paths` (sorted, without repeats) that have no text: one walk along both lists.
    pub fn missing<'a>(&self, paths: &[&'a str]) -> Vec<&'a str> {
        let mut missing = Vec::new();
        let mut files = self.files.iter().map(|file| file.path.as_str()).peekable();
        for &path in paths {
            while files.next_if(|file| *file < path).is_some() {}
            if files.peek() != Some(&path) {
                missing.push(path);
            }
        }
        missing
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn find(&self, path: &str) -> Result<usize, usize> {
        self.files
            .binary_search_by(|file| file.path.as_str().cmp(path))
    }
}

/// A 1-based line and column (in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

/// Where each line of a text starts, so that placing a finding is a binary search, not a scan of
/// the text before it: a file can hold a finding on each of its lines.
#[derive(Debug, Clone)]
pub struct Lines {
    starts: Vec<usize>,
}

impl Lines {
    pub fn new(text: &str) -> Lines {
        let mut starts = vec![0];
        starts.extend(
            text.bytes()
                .enumerate()
                .filter(|(_, b)| *b == b'\n')
                .map(|(i, _)| i + 1),
        );
        Lines { starts }
    }

    /// The 0-based number of the line that holds byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset) - 1
    }

    /// The bytes of 0-based line `line` of `text`, without its line break.
    pub fn line(&self, text: &str, line: usize) -> std::ops::Range<usize> {
        let start = self.starts[line];
        let end = self
            .starts
            .get(line + 1)
            .map_or(text.len(), |next| next - 1);
        start..end
    }

    /// The 1-based line and column of a byte offset of `text`; offsets past the end clamp to
    /// the end.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let mut offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_of(offset);
        let column = text[self.starts[line]..offset].chars().count() + 1;
        Position {
            line: line + 1,
            column,
        }
    }
}

/// The 1-based line and column of a byte offset; offsets past the end clamp to the end.
pub fn position(text: &str, offset: usize) -> Position {
    Lines::new(text).position(text, offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_found_by_path_whatever_order_they_came_in() {
        let mut texts = Texts::new();
        for path in ["b/x.toml", "a.toml", "b.toml", "b/a.toml", "a.toml"] {
            texts.insert(path.to_owned(), Arc::from(path));
        }
        let mut more = Texts::with_capacity(2);
        more.insert("themes/t.toml".to_owned(), Arc::from("t"));
        more.insert("a.toml".to_owned(), Arc::from("new"));
        texts.extend(more);
        assert_eq!(texts.len(), 5);
        assert_eq!(texts.get("a.toml").map(|t| &**t), Some("new"));
        for path in ["b/x.toml", "b.toml", "b/a.toml"] {
            assert_eq!(texts.get(path).map(|t| &**t), Some(path));
        }
        assert_eq!(texts.get("themes/t.toml").map(|t| &**t), Some("t"));
        assert!(texts.get("c.toml").is_none());
        assert_eq!(
            texts.missing(&["a.toml", "b/y.toml", "b/z.toml", "themes/t.toml", "z.toml"]),
            ["b/y.toml", "b/z.toml", "z.toml"]
        );
    }

    #[test]
    fn positions_count_lines_and_characters_from_one() {
        let text = "a = 1\nbé = \"x\"\n";
        assert_eq!(position(text, 0), Position { line: 1, column: 1 });
        assert_eq!(position(text, 6), Position { line: 2, column: 1 });
        // The `=` after a two-byte character is the fourth character of the line.
        assert_eq!(position(text, 10), Position { line: 2, column: 4 });
        assert_eq!(position(text, 999), Position { line: 3, column: 1 });
    }
}
