//! Asking a person at a terminal for what `okr new` still needs: the problem, the owner, tags
//! (the repository's own offered), and levels from `[scales]` as choices; and for the note of
//! an `okr checkin`.
//!
//! Only ever on a terminal: in CI, or with `--no-input`, nothing is asked and the file is written
//! with what the command line gave.

use std::io::IsTerminal;

use dialoguer::theme::ColorfulTheme;
use dialoguer::{Input, MultiSelect, Select};

use super::args::NewArgs;
use crate::config::{Scale, Scales};
use crate::error::{Error, Result};

/// Whether okr may ask its questions (`okr new`'s fields, `okr checkin`'s note): not with
/// `--no-input`, not in CI (`CI` set, as every CI service sets it), and only when standard
/// input and standard error are a terminal.
pub(super) fn may_ask(no_input: bool) -> bool {
    let ci = std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"));
    !no_input && !ci && std::io::stdin().is_terminal() && std::io::stderr().is_terminal()
}

/// The note of a check-in, asked for; `None` when the answer is empty.
pub(super) fn note(id: &str) -> Result<Option<String>> {
    let note: String = Input::with_theme(&ColorfulTheme::default())
        .with_prompt(format!("A note on `{id}`: where it stands, and why"))
        .allow_empty(true)
        .interact_text()
        .map_err(asked)?;
    Ok(Some(note.trim().to_owned()).filter(|n| !n.is_empty()))
}

/// What the repository offers as answers.
pub(super) struct Choices<'a> {
    pub scales: &'a Scales,
    /// Tags in use in the repository (or `[tags].known`), sorted.
    pub tags: Vec<String>,
    /// Whether `tags` is the closed vocabulary of `[tags].known`.
    pub closed: bool,
}

fn asked(error: dialoguer::Error) -> Error {
    let dialoguer::Error::IO(error) = error;
    Error::usage(format!("cannot read the answer: {error}"))
}

/// `args` with every missing field asked for; the owner too when git did not give one.
pub(super) fn complete(
    args: &NewArgs,
    owner: Option<String>,
    choices: &Choices,
) -> Result<(NewArgs, String)> {
    let theme = ColorfulTheme::default();
    let mut args = args.clone();
    if args.problem.is_none() {
        let problem: String = Input::with_theme(&theme)
            .with_prompt("The problem it solves, and why now")
            .allow_empty(true)
            .interact_text()
            .map_err(asked)?;
        args.problem = Some(problem.trim().to_owned()).filter(|p| !p.is_empty());
    }
    let owner = match owner.filter(|o| !o.trim().is_empty()) {
        Some(owner) => owner,
        None => Input::<String>::with_theme(&theme)
            .with_prompt("Owner")
            .allow_empty(true)
            .interact_text()
            .map_err(asked)?
            .trim()
            .to_owned(),
    };
    if args.tags.is_empty() {
        args.tags = ask_tags(&theme, choices)?;
    }
    if args.impact.is_none() {
        args.impact = Some(ask_level(&theme, "Impact", &choices.scales.impact, None)?);
    }
    if args.cost.is_none() {
        args.cost = Some(ask_level(&theme, "Cost", &choices.scales.cost, None)?);
    }
    if args.confidence.is_none() {
        let middle = choices.scales.confidence.middle().name;
        args.confidence = Some(ask_level(
            &theme,
            "Confidence",
            &choices.scales.confidence,
            Some(&middle),
        )?);
    }
    Ok((args, owner))
}

fn ask_level(
    theme: &ColorfulTheme,
    what: &str,
    scale: &Scale,
    default: Option<&str>,
) -> Result<String> {
    let names: Vec<&str> = scale.names().collect();
    let items: Vec<String> = scale
        .levels()
        .iter()
        .map(|(name, number)| format!("{name} ({number})"))
        .collect();
    let default = default
        .and_then(|d| names.iter().position(|n| *n == d))
        .unwrap_or((names.len() - 1) / 2);
    let index = Select::with_theme(theme)
        .with_prompt(what)
        .items(&items)
        .default(default)
        .interact()
        .map_err(asked)?;
    Ok(names[index].to_owned())
}

fn ask_tags(theme: &ColorfulTheme, choices: &Choices) -> Result<Vec<String>> {
    loop {
        let mut tags = Vec::new();
        if !choices.tags.is_empty() {
            let prompt = if choices.closed {
                "Tags, at least one (space to pick, enter to accept)"
            } else {
                "Tags in use (space to pick, enter to accept)"
            };
            let picked = MultiSelect::with_theme(theme)
                .with_prompt(prompt)
                .items(&choices.tags)
                .interact()
                .map_err(asked)?;
            tags.extend(picked.into_iter().map(|i| choices.tags[i].clone()));
        }
        if !choices.closed {
            let picked = !tags.is_empty();
            let more: String = Input::with_theme(theme)
                .with_prompt("New tags, separated by commas")
                // Empty answers reach the validator, which says why one is refused.
                .allow_empty(true)
                .validate_with(|text: &String| typed_tags_answer(picked, text))
                .interact_text()
                .map_err(asked)?;
            add_typed_tags(&mut tags, &more);
        }
        if !tags.is_empty() {
            return Ok(tags);
        }
        // Only a closed vocabulary with nothing picked gets here: ask again.
        eprintln!("an initiative needs at least one tag: it decides which themes it joins");
    }
}

/// Whether the typed tags answer the question: at least one tag, unless one was picked.
fn typed_tags_answer(picked: bool, text: &str) -> std::result::Result<(), &'static str> {
    if picked || text.split(',').any(|t| !t.trim().is_empty()) {
        Ok(())
    } else {
        Err("type at least one tag: it decides which themes the initiative joins")
    }
}

/// Adds the comma-separated tags of `typed` that `tags` does not hold yet.
fn add_typed_tags(tags: &mut Vec<String>, typed: &str) {
    for tag in typed.split(',').map(str::trim).filter(|t| !t.is_empty()) {
        if !tags.iter().any(|t| t == tag) {
            tags.push(tag.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tag_is_required_unless_one_was_picked() {
        assert!(typed_tags_answer(false, "").is_err());
        assert!(typed_tags_answer(false, " , ,").is_err());
        assert!(typed_tags_answer(false, "ci").is_ok());
        assert!(typed_tags_answer(true, "").is_ok());
    }

    #[test]
    fn typed_tags_are_trimmed_and_not_repeated() {
        let mut tags = vec!["ci".to_owned()];
        add_typed_tags(&mut tags, " ci, build ,, cache,build");
        assert_eq!(tags, ["ci", "build", "cache"]);
    }
}
