//! The semantic diff of two revisions, for review: what was added, removed, renamed and
//! changed, how scores, ranks and themes moved, and which findings the head brings.

mod changes;
mod comment;
mod compare;
mod human;
mod side;

pub use changes::{
    Broken, Changed, Diff, Entry, FieldChange, Move, NewFinding, Renamed, Shifted, ThemeChange,
    ThemeEntry,
};
pub use comment::markdown;
pub use compare::{diff, objective_changes};
pub use human::{field_lines, human};
pub use side::{Side, short};
