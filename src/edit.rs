//! Editing an initiative's or theme's file in place with `toml_edit`: a value set or a table
//! added, with every comment, key order and blank line the owner wrote kept. `okr checkin` and
//! `okr close` write through these.

use toml_edit::{DocumentMut, InlineTable, Item, Table, TableLike, Value};

use crate::fmt::{FileKind, order};

/// `text` as a document, and the byte-order mark it began with (empty when none), which
/// [`print`] puts back.
pub fn parse(text: &str) -> Result<(&'static str, DocumentMut), toml_edit::TomlError> {
    let (bom, body) = match text.strip_prefix('\u{feff}') {
        Some(body) => ("\u{feff}", body),
        None => ("", text),
    };
    Ok((bom, body.parse()?))
}

/// `doc` as text again, after the byte-order mark `bom` ([`parse`]) and with the line endings
/// of `original`, the text it was parsed from: what `toml_edit` adds ends its lines with `\n`,
/// so in a file written with `\r\n` each new line gets its `\r` too.
pub fn print(bom: &str, doc: &DocumentMut, original: &str) -> String {
    let text = doc.to_string();
    if !original.contains("\r\n") {
        return format!("{bom}{text}");
    }
    let mut out = String::with_capacity(bom.len() + text.len() + text.len() / 16);
    out.push_str(bom);
    let mut previous = '\0';
    for c in text.chars() {
        if c == '\n' && previous != '\r' {
            out.push('\r');
        }
        out.push(c);
        previous = c;
    }
    out
}

/// Puts `trailing`, the comments that ended the file (see [`take_trailing`]), above `table`, a
/// table just added after every other, so they stay beside what they were about.
pub fn keep_trailing_above(table: &mut Table, trailing: &str) {
    if trailing.trim().is_empty() {
        return;
    }
    let end = if trailing.ends_with('\n') { "" } else { "\n" };
    table.decor_mut().set_prefix(format!("{trailing}{end}\n"));
}

/// The comments that end the document, taken off it.
pub fn take_trailing(doc: &mut DocumentMut) -> String {
    let trailing = doc.trailing().as_str().unwrap_or("").to_owned();
    if !trailing.trim().is_empty() {
        doc.set_trailing("");
    }
    trailing
}

/// A table that holds keys: a `[table]` (or dotted keys) or an inline `{ ... }`.
pub enum Keys<'a> {
    Table(&'a mut Table),
    Inline(&'a mut InlineTable),
}

impl Keys<'_> {
    pub fn like(&mut self) -> &mut dyn TableLike {
        match self {
            Keys::Table(table) => *table,
            Keys::Inline(table) => *table,
        }
    }

    /// Sets `key` to `value`; an existing value keeps its decor (the comment after it). A
    /// new key goes where the format's key order (`path`, as `okr fmt` knows it) puts it.
    pub fn set(&mut self, key: &str, value: Value, path: &[String]) {
        self.set_in(FileKind::Initiative, key, value, path);
    }

    /// [`Keys::set`] in a file of `kind`, whose key order places a new key.
    pub fn set_in(&mut self, kind: FileKind, key: &str, value: Value, path: &[String]) {
        match self.like().get_mut(key) {
            Some(Item::Value(old)) => {
                let decor = old.decor().clone();
                *old = value;
                *old.decor_mut() = decor;
            }
            Some(item) => *item = Item::Value(value),
            None => {
                self.like().insert(key, Item::Value(value));
                self.place(kind, key, path);
            }
        }
    }

    /// Moves the new key `new` (the last one) to just after the last key that comes before it
    /// in the format's order; the other keys stay as they are.
    fn place(&mut self, kind: FileKind, new: &str, path: &[String]) {
        let known = order(kind, path);
        let rank = |key: &str| known.iter().position(|k| *k == key).unwrap_or(known.len());
        let names: Vec<String> = self.like().iter().map(|(k, _)| k.to_owned()).collect();
        let after = names
            .iter()
            .rposition(|name| name != new && rank(name) < rank(new));
        // Each key's place: its index, or for the new key, just after `after` (first if none).
        let slot = |key: &str| -> usize {
            if key == new {
                after.map_or(0, |i| 2 * i + 3)
            } else {
                2 * names.iter().position(|n| n == key).unwrap_or(names.len()) + 2
            }
        };
        match self {
            Keys::Table(table) => {
                table.sort_values_by(|a, _, b, _| slot(a.get()).cmp(&slot(b.get())));
            }
            Keys::Inline(table) => {
                table.sort_values_by(|a, _, b, _| slot(a.get()).cmp(&slot(b.get())));
            }
        }
    }
}

pub fn keys(item: &mut Item) -> Option<Keys<'_>> {
    match item {
        Item::Table(table) => Some(Keys::Table(table)),
        Item::Value(Value::InlineTable(table)) => Some(Keys::Inline(table)),
        _ => None,
    }
}

/// Moves every table at position `from` or after down one.
pub fn shift_tables(table: &mut Table, from: isize) {
    let shift = |table: &mut Table| {
        if let Some(position) = table.position().filter(|p| *p >= from) {
            table.set_position(Some(position + 1));
        }
        shift_tables(table, from);
    };
    for (_, item) in table.iter_mut() {
        match item {
            Item::Table(sub) => shift(sub),
            Item::ArrayOfTables(array) => array.iter_mut().for_each(shift),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `text` with `key` set to `value` at the top level of an initiative's file.
    fn set(text: &str, key: &str, value: &str) -> String {
        let (bom, mut doc) = parse(text).unwrap();
        Keys::Table(doc.as_table_mut()).set(key, Value::from(value), &[]);
        print(bom, &doc, text)
    }

    #[test]
    fn a_new_key_goes_right_after_the_last_key_before_it_in_the_format() {
        let text = "title = \"T\" # t\nowner = \"o\"\ntags = [\"x\"]\nstatus = \"active\"\n";
        assert_eq!(
            set(text, "problem", "P"),
            "title = \"T\" # t\nproblem = \"P\"\nowner = \"o\"\ntags = [\"x\"]\nstatus = \"active\"\n"
        );
        assert_eq!(
            set(text, "period", "2026-Q2"),
            format!("{text}period = \"2026-Q2\"\n")
        );
        // First when no key comes before it; an existing value keeps its comment.
        assert_eq!(
            set("owner = \"o\"\n", "title", "T"),
            "title = \"T\"\nowner = \"o\"\n"
        );
        assert_eq!(set(text, "title", "U"), text.replace("\"T\"", "\"U\""));
    }

    #[test]
    fn shifting_moves_every_table_at_or_after_a_position_down_one() {
        let text =
            "a = 1\n\n[one]\nb = 1\n\n[[two]]\nc = 1\n\n[three]\nd = 1\n\n[three.four]\ne = 1\n";
        let (_, mut doc) = parse(text).unwrap();
        let position = |doc: &DocumentMut, path: &[&str]| -> Option<isize> {
            let mut item = doc.as_item();
            for key in path {
                item = &item[key];
            }
            match item {
                Item::Table(table) => table.position(),
                Item::ArrayOfTables(array) => array.get(0).and_then(Table::position),
                _ => None,
            }
        };
        let before: Vec<Option<isize>> = [&["one"][..], &["two"], &["three"], &["three", "four"]]
            .iter()
            .map(|path| position(&doc, path))
            .collect();
        let at = before[1].unwrap();
        shift_tables(doc.as_table_mut(), at);
        let after: Vec<Option<isize>> = [&["one"][..], &["two"], &["three"], &["three", "four"]]
            .iter()
            .map(|path| position(&doc, path))
            .collect();
        assert_eq!(after[0], before[0]);
        for index in 1..4 {
            assert_eq!(after[index], before[index].map(|p| p + 1), "{index}");
        }
    }
}
