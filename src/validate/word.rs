//! A value of a closed set of words (`status`, `health`, `outcome`, `commitment`), read the
//! same way by every rule that reads one.

use toml::Spanned;

use crate::finding::{Finding, Rule, suggestion};
use crate::model::Word;

/// The word of the closed set `T` that `value` spells; else a finding at it, `unknown {what}`,
/// with the nearest word or the list of them.
pub(super) fn word<T: Word>(
    value: &Spanned<String>,
    rule: Rule,
    what: &str,
    file: &str,
    findings: &mut Vec<Finding>,
) -> Option<T> {
    let found = T::words()
        .iter()
        .copied()
        .find(|w| w.word() == value.get_ref());
    if found.is_none() {
        let names: Vec<&str> = T::words().iter().map(|w| w.word()).collect();
        let help = suggestion(value.get_ref(), names.iter().copied())
            .unwrap_or_else(|| format!("use one of `{}`", names.join("`, `")));
        findings.push(
            Finding::new(
                rule,
                file,
                Some(value.span()),
                format!("unknown {what} `{}`", value.get_ref()),
            )
            .with_help(help),
        );
    }
    found
}
