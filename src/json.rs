//! The JSON every `--format json` prints: pretty, with a final newline.

use serde::Serialize;

use crate::error::{Error, Result};

/// Pretty JSON with a final newline, as every `--format json` prints it.
pub(crate) fn to_json(value: &impl Serialize) -> Result<String> {
    let mut text = serde_json::to_string_pretty(value).map_err(|e| Error::Output(e.into()))?;
    text.push('\n');
    Ok(text)
}
